// An independent point-in-polygon oracle for the operating-area tests: the winding number (Sunday's algorithm), not
// the ray-casting parity that src/core/network/area.ts uses. The two agree on simple rings away from the boundary.
import type { PolygonRings, Position } from '../../src/core/network/area.js';

/** > 0: c lies left of the line a→b; < 0: right; 0: on it. */
const isLeft = (a: Position, b: Position, lon: number, lat: number): number => (b[0] - a[0]) * (lat - a[1]) - (lon - a[0]) * (b[1] - a[1]);

/** How often the closed ring winds around the point (0 = outside). */
export function windingNumber(ring: readonly Position[], lat: number, lon: number): number {
  let wn = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i];
    const b = ring[i + 1];
    if (a[1] <= lat) {
      if (b[1] > lat && isLeft(a, b, lon, lat) > 0) wn++;
    } else if (b[1] <= lat && isLeft(a, b, lon, lat) < 0) {
      wn--;
    }
  }
  return wn;
}

/** Inside some polygon's outer ring and none of its holes, by winding numbers. */
export function insideByWinding(polygons: readonly PolygonRings[], lat: number, lon: number): boolean {
  return polygons.some((rings) => windingNumber(rings[0], lat, lon) !== 0 && rings.slice(1).every((hole) => windingNumber(hole, lat, lon) === 0));
}

/** The polygons of a GeoJSON Polygon/MultiPolygon geometry, Feature or FeatureCollection (test files only). */
export function geoJsonPolygons(v: unknown): PolygonRings[] {
  const o = v as { type: string; coordinates?: unknown; geometry?: unknown; features?: unknown[] };
  switch (o.type) {
    case 'Polygon':
      return [o.coordinates as PolygonRings];
    case 'MultiPolygon':
      return o.coordinates as PolygonRings[];
    case 'Feature':
      return geoJsonPolygons(o.geometry);
    case 'FeatureCollection':
      return (o.features ?? []).flatMap(geoJsonPolygons);
    default:
      throw new Error(`not a polygon: ${o.type}`);
  }
}
