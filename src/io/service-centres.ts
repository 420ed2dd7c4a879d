// Service centres from a file (`--service-centres FILE`): GeoJSON points or CSV rows, snapped to the road network like
// charging sites (src/io/chargers.ts); every bad centre is an InputFileError naming the file, the centre and the
// problem, raised before any run starts. `auto` centres are placed in scenario-runner.ts.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type { ServiceCentre } from '../core/dispatch/types.js';
import type { RoadGraph } from '../core/network/graph.js';
import { RoadSnapper } from '../core/network/snap.js';
import { InputFileError, isGzip, peekFile } from './file-input.js';

export interface CentreFileOptions {
  /** Farthest a centre may lie from a road, metres (the scenario's snap cutoff). */
  snapCutoffM: number;
  /** Durations of a centre that gives none, seconds. */
  cleaningS: number;
  maintenanceS: number;
}

interface RawCentre {
  label: string;
  lat: number;
  lon: number;
  bays: unknown;
  cleaningS: unknown;
  maintenanceS: unknown;
}

/**
 * Reads service centres: a GeoJSON FeatureCollection of Points (properties `bays`, optional `cleaningS`,
 * `maintenanceS`), or CSV with a header naming `lon`, `lat`, `bays` and optionally `cleaningS`, `maintenanceS` (any
 * column order). Each centre is placed on the nearest road node; centres on the same node are merged (bays added) when
 * their durations agree. Plain or gzip.
 *
 * @example readServiceCentres('centres.csv', graph, { snapCutoffM: 250, cleaningS: 1200, maintenanceS: 5400 })
 */
export function readServiceCentres(file: string, graph: RoadGraph, o: CentreFileOptions): ServiceCentre[] {
  const head = peekFile(file);
  let text: string;
  try {
    const buf = readFileSync(file);
    text = (isGzip(head) ? gunzipSync(buf) : buf).toString('utf8');
  } catch (err) {
    throw new InputFileError(file, `cannot read (${(err as Error).message})`);
  }
  const raw = text.trimStart().startsWith('{') ? geoJsonCentres(file, text) : csvCentres(file, text);
  if (raw.length === 0) throw new InputFileError(file, 'no service centres in the file');
  const snapper = new RoadSnapper(graph, { cutoffM: o.snapCutoffM });
  const byNode = new Map<number, ServiceCentre>();
  const seconds = (label: string, field: string, v: unknown, dflt: number): number => {
    if (v === undefined || v === null || v === '') return dflt;
    const n = Number(v);
    if (!(Number.isInteger(n) && n >= 1)) throw new InputFileError(file, `${label}: ${field} ${JSON.stringify(v)} must be an integer number of seconds ≥ 1`);
    return n;
  };
  for (const r of raw) {
    if (!(Number.isFinite(r.lat) && Number.isFinite(r.lon) && Math.abs(r.lat) <= 90 && Math.abs(r.lon) <= 180)) {
      throw new InputFileError(file, `${r.label}: no valid coordinates (lat ${r.lat}, lon ${r.lon})`);
    }
    const bays = Number(r.bays);
    if (!(Number.isInteger(bays) && bays >= 1)) throw new InputFileError(file, `${r.label}: bays ${JSON.stringify(r.bays)} must be an integer ≥ 1`);
    const cleaningS = seconds(r.label, 'cleaningS', r.cleaningS, o.cleaningS);
    const maintenanceS = seconds(r.label, 'maintenanceS', r.maintenanceS, o.maintenanceS);
    const at = snapper.snap(r.lat, r.lon);
    if (!at) throw new InputFileError(file, `${r.label} at ${r.lat},${r.lon} is off the road network (no road within ${o.snapCutoffM} m)`);
    const prev = byNode.get(at.node);
    if (prev && (prev.cleaningS !== cleaningS || prev.maintenanceS !== maintenanceS)) {
      throw new InputFileError(file, `${r.label} lands on the same road node as another centre with different service durations`);
    }
    byNode.set(at.node, { node: at.node, bays: (prev?.bays ?? 0) + bays, cleaningS, maintenanceS });
  }
  return [...byNode.values()];
}

function geoJsonCentres(file: string, text: string): RawCentre[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputFileError(file, `not valid JSON (${(err as Error).message})`);
  }
  const d = doc as { type?: unknown; features?: unknown };
  const features = d.type === 'FeatureCollection' && Array.isArray(d.features) ? d.features : d.type === 'Feature' ? [d] : null;
  if (!features) throw new InputFileError(file, 'expected a GeoJSON FeatureCollection of Point features');
  return features.map((f: { geometry?: { type?: unknown; coordinates?: unknown }; properties?: Record<string, unknown> | null }, i: number) => {
    const label = `feature ${i}`;
    const g = f.geometry;
    if (!g || g.type !== 'Point' || !Array.isArray(g.coordinates)) throw new InputFileError(file, `${label}: expected a Point geometry, got ${JSON.stringify(g?.type ?? null)}`);
    const [lon, lat] = g.coordinates as number[];
    const p = f.properties ?? {};
    return { label, lat: Number(lat), lon: Number(lon), bays: p.bays, cleaningS: p.cleaningS ?? p.cleaning_s, maintenanceS: p.maintenanceS ?? p.maintenance_s };
  });
}

function csvCentres(file: string, text: string): RawCentre[] {
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
  const bays = col('bays');
  const clean = col('cleanings', 'cleaning_s');
  const maintain = col('maintenances', 'maintenance_s');
  if (lon < 0 || lat < 0 || bays < 0) throw new InputFileError(file, `the CSV header must name lon, lat and bays (and optionally cleaningS, maintenanceS); got ${rows[0].join(',')}`);
  return rows.slice(1).map((r, i) => ({
    label: `row ${i + 2}`,
    lat: r[lat] === '' ? NaN : Number(r[lat]),
    lon: r[lon] === '' ? NaN : Number(r[lon]),
    bays: r[bays],
    cleaningS: clean >= 0 ? r[clean] : undefined,
    maintenanceS: maintain >= 0 ? r[maintain] : undefined,
  }));
}
