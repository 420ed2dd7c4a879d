// Places given as points in a file — charging sites (`--chargers`), service centres (`--service-centres`): a GeoJSON
// FeatureCollection of Points or CSV rows with lon/lat columns, plain or gzip, each point checked and snapped to the
// road network. What each kind of place carries (plugs, bays, durations) is read by its own module from `values`.
import { parse } from 'csv-parse/sync';
import type { RoadGraph } from '../core/network/graph.js';
import { RoadSnapper } from '../core/network/snap.js';
import { gunzipInput, InputFileError, isGzip, readInputFile } from './file-input.js';

/** One value a place carries: its name in results, and the spellings accepted (GeoJSON property or CSV column). */
export interface PlaceField {
  key: string;
  /** GeoJSON property names tried in order; CSV header names compared without case. */
  names: readonly string[];
  required: boolean;
}

/** A place as the file gives it, snapped: `label` names it in errors ("feature 3", "row 5"). */
export interface PointPlace {
  label: string;
  lat: number;
  lon: number;
  /** The road node nearest to the point (within the snap cutoff). */
  node: number;
  /** Each field's value as written (undefined when absent); the caller checks its domain. */
  values: Record<string, unknown>;
}

/**
 * Reads the points of a places file and snaps each to the road network. A point without valid coordinates, farther
 * than `snapCutoffM` from every road, a CSV header without lon, lat and the required fields, or a file without points
 * is an InputFileError naming the file (and the point).
 *
 * @example readPointPlaces('depots.csv', graph, { what: 'charging sites', snapCutoffM: 250, fields: [{ key: 'plugs', names: ['plugs'], required: true }] })
 */
export function readPointPlaces(file: string, graph: RoadGraph, o: { what: string; snapCutoffM: number; fields: readonly PlaceField[] }): PointPlace[] {
  const buf = readInputFile(file);
  const text = (isGzip(buf) ? gunzipInput(file, buf) : buf).toString('utf8');
  const raw = text.trimStart().startsWith('{') ? geoJsonPoints(file, text, o.fields) : csvPoints(file, text, o.fields);
  if (raw.length === 0) throw new InputFileError(file, `no ${o.what} in the file`);
  const snapper = new RoadSnapper(graph, { cutoffM: o.snapCutoffM });
  return raw.map((r) => {
    if (!(Number.isFinite(r.lat) && Number.isFinite(r.lon) && Math.abs(r.lat) <= 90 && Math.abs(r.lon) <= 180)) {
      throw new InputFileError(file, `${r.label}: no valid coordinates (lat ${r.lat}, lon ${r.lon})`);
    }
    const at = snapper.snap(r.lat, r.lon);
    if (!at) throw new InputFileError(file, `${r.label} at ${r.lat},${r.lon} is off the road network (no road within ${o.snapCutoffM} m)`);
    return { ...r, node: at.node };
  });
}

type RawPoint = Omit<PointPlace, 'node'>;

function geoJsonPoints(file: string, text: string, fields: readonly PlaceField[]): RawPoint[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputFileError(file, `not valid JSON (${(err as Error).message})`);
  }
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as { type?: unknown; features?: unknown };
  const features: unknown[] | null = d.type === 'FeatureCollection' && Array.isArray(d.features) ? d.features : d.type === 'Feature' ? [d] : null;
  if (!features) throw new InputFileError(file, 'expected a GeoJSON FeatureCollection of Point features');
  return features.map((item, i) => {
    const label = `feature ${i}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new InputFileError(file, `${label}: expected a GeoJSON Feature object, got ${JSON.stringify(item)?.slice(0, 40)}`);
    const f = item as { geometry?: { type?: unknown; coordinates?: unknown } | null; properties?: Record<string, unknown> | null };
    const g = f.geometry;
    if (!g || g.type !== 'Point' || !Array.isArray(g.coordinates)) throw new InputFileError(file, `${label}: expected a Point geometry, got ${JSON.stringify(g?.type ?? null)}`);
    const [lon, lat] = g.coordinates as number[];
    const p = (typeof f.properties === 'object' && f.properties !== null ? f.properties : {}) as Record<string, unknown>;
    const values: Record<string, unknown> = {};
    for (const field of fields) values[field.key] = field.names.map((n) => p[n]).find((v) => v !== undefined);
    return { label, lat: Number(lat), lon: Number(lon), values };
  });
}

function csvPoints(file: string, text: string, fields: readonly PlaceField[]): RawPoint[] {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }) as string[][];
  } catch (err) {
    throw new InputFileError(file, `not valid CSV (${(err as Error).message})`);
  }
  if (rows.length === 0) return [];
  const header = rows[0].map((h) => h.toLowerCase());
  const col = (names: readonly string[]) => header.findIndex((h) => names.some((n) => n.toLowerCase() === h));
  const lon = col(['lon', 'lng', 'longitude']);
  const lat = col(['lat', 'latitude']);
  const columns = fields.map((f) => col(f.names));
  if (lon < 0 || lat < 0 || fields.some((f, i) => f.required && columns[i] < 0)) {
    const required = ['lon', 'lat', ...fields.filter((f) => f.required).map((f) => f.key)];
    const optional = fields.filter((f) => !f.required).map((f) => f.key);
    const must = `${required.slice(0, -1).join(', ')} and ${required[required.length - 1]}`;
    throw new InputFileError(file, `the CSV header must name ${must}${optional.length ? ` (and optionally ${optional.join(', ')})` : ''}; got ${rows[0].join(',')}`);
  }
  return rows.slice(1).map((r, i) => {
    const values: Record<string, unknown> = {};
    fields.forEach((f, j) => (values[f.key] = columns[j] >= 0 ? r[columns[j]] : undefined));
    return { label: `row ${i + 2}`, lat: r[lat] === '' || r[lat] === undefined ? NaN : Number(r[lat]), lon: r[lon] === '' || r[lon] === undefined ? NaN : Number(r[lon]), values };
  });
}
