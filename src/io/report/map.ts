// Map data for a report's <canvas> map: the road network simplified and quantised into a compact base64 blob, plus
// point layers, in an equirectangular projection fitted to the network's bounding box (no tiles needed).
import { metresPerDegree } from '../../core/geo.js';
import { RoadClass, findEdge, type RoadGraph } from '../../core/network/graph.js';

/** Coordinates are quantised to 16 bits over the longer side of the bounding box. */
const GRID = 65_535;

/**
 * A point layer as the client draws it: one dot per distinct node, its area proportional to the events there, so that
 * thousands of events snapped to the same node still read as density.
 */
export interface MapLayerSpec {
  label: string;
  color: string;
  /** Radius of the dot of the busiest node, and the smallest radius drawn, in CSS pixels. */
  maxRadiusPx: number;
  minRadiusPx: number;
  alpha: number;
  /** x,y pairs as little-endian uint16, base64, largest count first (small dots are drawn on top). */
  points: string;
  /** Events per point (little-endian uint16, capped at 65 535), base64. */
  counts: string;
  /** The count that gets maxRadiusPx: the largest over all layers of the map, so dot areas compare across layers. */
  maxCount: number;
  /** Events in the layer, and distinct nodes drawn. */
  count: number;
  shown: number;
}

/** Everything the client needs to draw one map. */
export interface MapSpec {
  id: string;
  height: number;
  background: string;
  /** Extent in grid units (the longer side is GRID). */
  widthUnits: number;
  heightUnits: number;
  metresPerUnit: number;
  /** Polyline point counts (uint16 each) and their x,y points (uint16 pairs), base64, little-endian. */
  roadCounts: string;
  roadPoints: string;
  roadSegments: number;
  layers: MapLayerSpec[];
}

/** A layer of graph nodes to draw as dots. */
export interface MapLayerInput {
  label: string;
  color: string;
  nodes: readonly number[];
  maxRadiusPx?: number;
  /** Smallest dot radius: raise it for a sparse layer that must stay visible next to a dense one. */
  minRadiusPx?: number;
  alpha?: number;
}

export interface MapOptions {
  height?: number;
  /** Most road points to embed (each costs ~5.3 bytes of HTML); simplification tightens until it fits. Default 350 000. */
  maxRoadPoints?: number;
  /** Most distinct nodes per layer; beyond it the busiest are kept. Default 60 000. */
  maxLayerPoints?: number;
}

/** Equirectangular projection of the graph's bounding box onto the 16-bit grid. */
interface Projection {
  x(lon: number): number;
  y(lat: number): number;
  widthUnits: number;
  heightUnits: number;
  metresPerUnit: number;
}

function projection(graph: RoadGraph): Projection {
  const [minLon, minLat, maxLon, maxLat] = graph.meta.bbox;
  const { mPerDegLat, mPerDegLon } = metresPerDegree((minLat + maxLat) / 2);
  const widthM = Math.max(1, (maxLon - minLon) * mPerDegLon);
  const heightM = Math.max(1, (maxLat - minLat) * mPerDegLat);
  const metresPerUnit = Math.max(widthM, heightM) / GRID;
  const clamp = (v: number): number => Math.min(GRID, Math.max(0, Math.round(v)));
  return {
    x: (lon) => clamp(((lon - minLon) * mPerDegLon) / metresPerUnit),
    y: (lat) => clamp(((lat - minLat) * mPerDegLat) / metresPerUnit),
    widthUnits: Math.round(widthM / metresPerUnit),
    heightUnits: Math.round(heightM / metresPerUnit),
    metresPerUnit,
  };
}

/** Minor road classes, dropped first (in this order) when even unsimplified two-point edges exceed the budget. */
const DROP_ORDER = [RoadClass.service, RoadClass.living_street, RoadClass.other, RoadClass.unclassified, RoadClass.residential];

/** Douglas–Peucker on a flat x,y array: which points to keep so that no dropped point is farther than `tol`. */
function simplify(xy: number[], tol: number): number[] {
  const n = xy.length / 2;
  if (n <= 2) return xy;
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const stack = [0, n - 1];
  while (stack.length > 0) {
    const b = stack.pop()!;
    const a = stack.pop()!;
    const ax = xy[2 * a];
    const ay = xy[2 * a + 1];
    const dx = xy[2 * b] - ax;
    const dy = xy[2 * b + 1] - ay;
    const len = Math.hypot(dx, dy) || 1;
    let worst = -1;
    let worstD = tol;
    for (let i = a + 1; i < b; i++) {
      const d = Math.abs(dy * (xy[2 * i] - ax) - dx * (xy[2 * i + 1] - ay)) / len;
      if (d > worstD) {
        worstD = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push(a, worst, worst, b);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(xy[2 * i], xy[2 * i + 1]);
  return out;
}

function uint16Base64(values: readonly number[]): string {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(2 * i, values[i], true);
  return Buffer.from(bytes).toString('base64');
}

/** Every street once (a two-way street's reverse edge is skipped) as quantised polylines with shape points. */
function roadPolylines(graph: RoadGraph, proj: Projection, dropped: ReadonlySet<number>): number[][] {
  const lines: number[][] = [];
  for (let u = 0; u < graph.nodeCount; u++) {
    for (let e = graph.firstOut[u]; e < graph.firstOut[u + 1]; e++) {
      const v = graph.head[e];
      if (dropped.has(graph.roadClass[e])) continue;
      if (v < u && findEdge(graph, v, u) >= 0) continue;
      const xy = [proj.x(graph.lon[u]), proj.y(graph.lat[u])];
      for (let k = graph.geomFirst[e]; k < graph.geomFirst[e + 1]; k++) xy.push(proj.x(graph.geomLon[k]), proj.y(graph.geomLat[k]));
      xy.push(proj.x(graph.lon[v]), proj.y(graph.lat[v]));
      lines.push(xy);
    }
  }
  return lines;
}

/**
 * Builds a map of the road network with dot layers on top. Roads are simplified (Douglas–Peucker, tolerance doubled
 * until the points fit `maxRoadPoints`) so that a 12k-node network costs well under 1 MB of HTML.
 *
 * @example mapSpec('pickup-map', graph, [{ label: 'Pickups', color: '#2f6db5', nodes: series.pickupNodes }])
 */
export function mapSpec(id: string, graph: RoadGraph, layers: readonly MapLayerInput[], options: MapOptions = {}): MapSpec {
  const proj = projection(graph);
  const maxRoadPoints = options.maxRoadPoints ?? 350_000;
  const maxLayerPoints = options.maxLayerPoints ?? 60_000;

  const dropped = new Set<number>();
  let lines = roadPolylines(graph, proj, dropped);
  for (const cls of DROP_ORDER) {
    if (lines.length * 2 <= maxRoadPoints) break;
    dropped.add(cls);
    lines = roadPolylines(graph, proj, dropped);
  }
  // Start at ~1 m (or one grid unit): invisible at any screen size, and already removes collinear shape points.
  let tol = Math.max(1, 1 / proj.metresPerUnit);
  let simplified = lines.map((l) => simplify(l, tol));
  const pointCount = (ls: number[][]): number => ls.reduce((n, l) => n + l.length / 2, 0);
  while (pointCount(simplified) > maxRoadPoints && simplified.some((l) => l.length > 4)) {
    tol *= 2;
    simplified = lines.map((l) => simplify(l, tol));
  }
  if (pointCount(simplified) > maxRoadPoints) {
    // Still too many two-point streets: keep an even sample of them rather than blow the file size.
    const stride = Math.ceil(pointCount(simplified) / maxRoadPoints);
    simplified = simplified.filter((_, i) => i % stride === 0);
  }
  const counts: number[] = [];
  const points: number[] = [];
  for (const l of simplified) {
    // A polyline longer than a uint16 count cannot occur after simplification of one edge, but split to be safe.
    for (let start = 0; start < l.length / 2 - 1; start += GRID - 1) {
      const end = Math.min(l.length / 2, start + GRID);
      counts.push(end - start);
      for (let i = start; i < end; i++) points.push(l[2 * i], l[2 * i + 1]);
    }
  }

  const layerTops: number[] = [];
  const layerSpecs = layers.map((layer): MapLayerSpec => {
    const perNode = new Map<number, number>();
    for (const node of layer.nodes) perNode.set(node, (perNode.get(node) ?? 0) + 1);
    const nodes = [...perNode.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, maxLayerPoints);
    const xy: number[] = [];
    const counts: number[] = [];
    for (const [node, n] of nodes) {
      xy.push(proj.x(graph.lon[node]), proj.y(graph.lat[node]));
      counts.push(Math.min(GRID, n));
    }
    layerTops.push(counts[0] ?? 0);
    return {
      label: layer.label,
      color: layer.color,
      maxRadiusPx: layer.maxRadiusPx ?? 7,
      minRadiusPx: layer.minRadiusPx ?? 1.2,
      alpha: layer.alpha ?? 0.55,
      points: uint16Base64(xy),
      counts: uint16Base64(counts),
      maxCount: 0,
      count: layer.nodes.length,
      shown: nodes.length,
    };
  });

  const maxCount = Math.max(1, ...layerTops);
  for (const l of layerSpecs) l.maxCount = maxCount;
  return {
    id,
    height: options.height ?? 560,
    background: '#f7f6f2',
    widthUnits: proj.widthUnits,
    heightUnits: proj.heightUnits,
    metresPerUnit: proj.metresPerUnit,
    roadCounts: uint16Base64(counts),
    roadPoints: uint16Base64(points),
    roadSegments: counts.length,
    layers: layerSpecs,
  };
}
