// Charging sites from a file (`--chargers FILE`): GeoJSON points or CSV rows, snapped to the road network; every bad
// site is an InputFileError naming the file, the site and the problem, raised before any run starts.
import { parse } from 'csv-parse/sync';
import type { ChargingSite } from '../core/dispatch/types.js';
import type { RoadGraph } from '../core/network/graph.js';
import { RoadSnapper } from '../core/network/snap.js';
import { gunzipInput, InputFileError, isGzip, readInputFile } from './file-input.js';

export interface ChargerFileOptions {
  /** Farthest a site may lie from a road, metres (the scenario's snap cutoff). */
  snapCutoffM: number;
  /** Power of a site that gives none, kW. */
  defaultPowerKw: number;
}

/** A site as written in the file, before snapping. */
interface RawSite {
  label: string;
  lat: number;
  lon: number;
  plugs: unknown;
  powerKw: unknown;
}

/**
 * Reads charging sites: a GeoJSON FeatureCollection of Points (properties `plugs`, optional `powerKw`), or CSV with a
 * header naming `lon`, `lat`, `plugs` and optionally `powerKw` (any column order; `lng`/`longitude`/`latitude` too).
 * Each site is placed on the road node nearest to it; a site farther than the snap cutoff from every road, a missing
 * or non-positive plug count or power, or a file without sites is an error. Plain or gzip.
 *
 * @example readChargingSites('depots.geojson', graph, { snapCutoffM: 250, defaultPowerKw: 50 })
 */
export function readChargingSites(file: string, graph: RoadGraph, o: ChargerFileOptions): ChargingSite[] {
  const buf = readInputFile(file);
  const text = (isGzip(buf) ? gunzipInput(file, buf) : buf).toString('utf8');
  const raw = text.trimStart().startsWith('{') ? geoJsonSites(file, text) : csvSites(file, text);
  if (raw.length === 0) throw new InputFileError(file, 'no charging sites in the file');
  const snapper = new RoadSnapper(graph, { cutoffM: o.snapCutoffM });
  const byNode = new Map<number, ChargingSite>();
  for (const r of raw) {
    if (!(Number.isFinite(r.lat) && Number.isFinite(r.lon) && Math.abs(r.lat) <= 90 && Math.abs(r.lon) <= 180)) {
      throw new InputFileError(file, `${r.label}: no valid coordinates (lat ${r.lat}, lon ${r.lon})`);
    }
    const plugs = Number(r.plugs);
    if (!(Number.isInteger(plugs) && plugs >= 1)) throw new InputFileError(file, `${r.label}: plugs ${JSON.stringify(r.plugs)} must be an integer ≥ 1`);
    const powerKw = r.powerKw === undefined || r.powerKw === '' || r.powerKw === null ? o.defaultPowerKw : Number(r.powerKw);
    if (!(powerKw > 0 && Number.isFinite(powerKw))) throw new InputFileError(file, `${r.label}: powerKw ${JSON.stringify(r.powerKw)} must be a number > 0`);
    const at = snapper.snap(r.lat, r.lon);
    if (!at) throw new InputFileError(file, `${r.label} at ${r.lat},${r.lon} is off the road network (no road within ${o.snapCutoffM} m)`);
    const prev = byNode.get(at.node);
    if (prev && prev.powerKw !== powerKw) throw new InputFileError(file, `${r.label} lands on the same road node as another site with a different power`);
    byNode.set(at.node, { node: at.node, plugs: (prev?.plugs ?? 0) + plugs, powerKw });
  }
  return [...byNode.values()];
}

function geoJsonSites(file: string, text: string): RawSite[] {
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
    const p = f.properties ?? {};
    return { label, lat: Number(lat), lon: Number(lon), plugs: p.plugs, powerKw: p.powerKw ?? p.power_kw };
  });
}

function csvSites(file: string, text: string): RawSite[] {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }) as string[][];
  } catch (err) {
    throw new InputFileError(file, `not valid CSV (${(err as Error).message})`);
  }
  if (rows.length === 0) return [];
  const header = rows[0].map((h) => h.toLowerCase());
  const col = (...names: string[]) => header.findIndex((h) => names.includes(h));
  const lon = col('lon', 'lng', 'longitude');
  const lat = col('lat', 'latitude');
  const plugs = col('plugs');
  const power = col('powerkw', 'power_kw', 'power');
  if (lon < 0 || lat < 0 || plugs < 0) throw new InputFileError(file, `the CSV header must name lon, lat and plugs (and optionally powerKw); got ${rows[0].join(',')}`);
  return rows.slice(1).map((r, i) => ({
    label: `row ${i + 2}`,
    lat: r[lat] === '' ? NaN : Number(r[lat]),
    lon: r[lon] === '' ? NaN : Number(r[lon]),
    plugs: r[plugs],
    powerKw: power >= 0 ? r[power] : undefined,
  }));
}
