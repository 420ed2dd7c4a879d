// Reads a service area (the operating area, `--service-area`) from a GeoJSON file: a Polygon or MultiPolygon, a
// Feature holding one, or a FeatureCollection / GeometryCollection of them (their union). Every problem is an
// InputFileError that names the file and the place in it: `area.geojson: features[2].geometry: a Point; …`.
import { ServiceArea, type PolygonRings, type Position } from '../core/network/area.js';
import { gunzipInput, InputFileError, isGzip, readInputFile } from './file-input.js';

/** The text of a small input file (gunzipped if it is gzip), after the usual existence and emptiness checks. */
export function readSmallTextFile(file: string): string {
  let bytes = readInputFile(file);
  if (isGzip(bytes)) bytes = gunzipInput(file, bytes);
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * Deepest nesting of Features and collections the GeoJSON readers follow. Real files nest two or three levels; a
 * deeper file is refused before it can exhaust the stack.
 */
export const MAX_GEOJSON_DEPTH = 32;

/** Refuses GeoJSON nested deeper than MAX_GEOJSON_DEPTH, naming the place in the file. */
export function checkGeoJsonDepth(file: string, where: string, depth: number): void {
  if (depth > MAX_GEOJSON_DEPTH) throw new InputFileError(file, `${where.slice(0, 80)}…: collections and Features nested more than ${MAX_GEOJSON_DEPTH} levels deep`);
}

/** Parses JSON text; a syntax error becomes an InputFileError naming the file. */
export function parseJsonFile(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputFileError(file, `not valid JSON (${(err as Error).message})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A GeoJSON position [lon, lat] checked for numbers and ranges; `where` says where it sits in the file. */
export function geoJsonPosition(file: string, v: unknown, where: string): Position {
  if (!Array.isArray(v) || v.length < 2 || typeof v[0] !== 'number' || typeof v[1] !== 'number' || !Number.isFinite(v[0]) || !Number.isFinite(v[1])) {
    throw new InputFileError(file, `${where}: expected a position [lon, lat] of two numbers, got ${JSON.stringify(v)?.slice(0, 60)}`);
  }
  const [lon, lat] = v as number[];
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
    const swapped = lon >= -90 && lon <= 90 && lat >= -180 && lat <= 180 ? ' (GeoJSON positions are [lon, lat]: are these [lat, lon]?)' : '';
    throw new InputFileError(file, `${where}: position [${lon}, ${lat}] is out of range: lon must lie in -180..180 and lat in -90..90${swapped}`);
  }
  return [lon, lat];
}

function ring(file: string, v: unknown, where: string): Position[] {
  if (!Array.isArray(v)) throw new InputFileError(file, `${where}: expected a ring (an array of positions)`);
  const r = v.map((p, i) => geoJsonPosition(file, p, `${where}[${i}]`));
  if (r.length < 4) throw new InputFileError(file, `${where}: a ring needs at least 4 positions (a closed triangle), got ${r.length}`);
  const [a, b] = [r[0], r[r.length - 1]];
  if (a[0] !== b[0] || a[1] !== b[1]) {
    throw new InputFileError(file, `${where}: ring is not closed: it starts at [${a.join(', ')}] and ends at [${b.join(', ')}] (GeoJSON rings end where they start)`);
  }
  return r;
}

function polygon(file: string, v: unknown, where: string): PolygonRings {
  if (!Array.isArray(v) || v.length === 0) throw new InputFileError(file, `${where}: a Polygon needs an array of rings (outer ring first, then holes)`);
  return v.map((r, i) => ring(file, r, `${where}[${i}]`));
}

/** Where a member sits: `features[2].geometry`, or just the key at the top level. */
const child = (where: string, key: string): string => (where ? `${where}.${key}` : key);

/**
 * The polygons of one GeoJSON object (geometry, Feature or collection), appended to `out`; `what` names the thing
 * read in errors ("a service area"). Also used for the areas of --assist-areas.
 */
export function collectPolygons(file: string, v: unknown, where: string, out: PolygonRings[], what = 'a service area', depth = 0): void {
  checkGeoJsonDepth(file, where, depth);
  const at = where ? `${where}: ` : '';
  if (!isObject(v) || typeof v.type !== 'string') throw new InputFileError(file, `${at}expected a GeoJSON object with a "type"`);
  switch (v.type) {
    case 'Polygon':
      out.push(polygon(file, v.coordinates, child(where, 'coordinates')));
      return;
    case 'MultiPolygon':
      if (!Array.isArray(v.coordinates) || v.coordinates.length === 0) throw new InputFileError(file, `${at}a MultiPolygon needs an array of polygons`);
      v.coordinates.forEach((p, i) => out.push(polygon(file, p, `${child(where, 'coordinates')}[${i}]`)));
      return;
    case 'Feature':
      if (v.geometry === null || v.geometry === undefined) throw new InputFileError(file, `${at}the Feature has no geometry; ${what} needs a Polygon or MultiPolygon`);
      collectPolygons(file, v.geometry, child(where, 'geometry'), out, what, depth + 1);
      return;
    case 'FeatureCollection':
      if (!Array.isArray(v.features) || v.features.length === 0) throw new InputFileError(file, `${at}the FeatureCollection has no features`);
      v.features.forEach((f, i) => collectPolygons(file, f, `${child(where, 'features')}[${i}]`, out, what, depth + 1));
      return;
    case 'GeometryCollection':
      if (!Array.isArray(v.geometries) || v.geometries.length === 0) throw new InputFileError(file, `${at}the GeometryCollection has no geometries`);
      v.geometries.forEach((g, i) => collectPolygons(file, g, `${child(where, 'geometries')}[${i}]`, out, what, depth + 1));
      return;
    default:
      throw new InputFileError(file, `${at}a ${v.type}; ${what} needs Polygon or MultiPolygon geometry (also inside a Feature or FeatureCollection)`);
  }
}

/**
 * The service area of GeoJSON text (see readServiceArea); `file` names it in errors.
 *
 * @example parseServiceArea('{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}', 'a.geojson').contains(0.2, 0.5)
 */
export function parseServiceArea(text: string, file: string): ServiceArea {
  return new ServiceArea(parseServiceAreaPolygons(text, file));
}

/** The polygons of GeoJSON service-area text, checked as parseServiceArea checks them (for drawing the area). */
export function parseServiceAreaPolygons(text: string, file: string): PolygonRings[] {
  const polygons: PolygonRings[] = [];
  collectPolygons(file, parseJsonFile(file, text), '', polygons);
  try {
    new ServiceArea(polygons);
  } catch (err) {
    throw new InputFileError(file, (err as Error).message);
  }
  return polygons;
}

/**
 * Reads a service area from a GeoJSON file (plain or gzip). Holes are respected; several polygons form their union.
 *
 * @example readServiceArea('../shared/data/service-areas/zoox_bay-area.geojson').contains(37.7955, -122.3937)
 */
export function readServiceArea(file: string): ServiceArea {
  return parseServiceArea(readSmallTextFile(file), file);
}
