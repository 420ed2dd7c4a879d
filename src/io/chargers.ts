// Charging sites from a file (`--chargers FILE`): GeoJSON points or CSV rows, snapped to the road network; every bad
// site is an InputFileError naming the file, the site and the problem, raised before any run starts.
import type { ChargingSite } from '../core/dispatch/types.js';
import type { RoadGraph } from '../core/network/graph.js';
import { InputFileError } from './file-input.js';
import { readPointPlaces, type PlaceField } from './point-places.js';

export interface ChargerFileOptions {
  /** Farthest a site may lie from a road, metres (the scenario's snap cutoff). */
  snapCutoffM: number;
  /** Power of a site that gives none, kW. */
  defaultPowerKw: number;
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
  const places = readPointPlaces(file, graph, { what: 'charging sites', snapCutoffM: o.snapCutoffM, fields: CHARGER_FIELDS });
  const byNode = new Map<number, ChargingSite>();
  for (const r of places) {
    const { plugs: rawPlugs, powerKw: rawPower } = r.values;
    const plugs = Number(rawPlugs);
    if (!(Number.isInteger(plugs) && plugs >= 1)) throw new InputFileError(file, `${r.label}: plugs ${JSON.stringify(rawPlugs)} must be an integer ≥ 1`);
    const powerKw = rawPower === undefined || rawPower === '' || rawPower === null ? o.defaultPowerKw : Number(rawPower);
    if (!(powerKw > 0 && Number.isFinite(powerKw))) throw new InputFileError(file, `${r.label}: powerKw ${JSON.stringify(rawPower)} must be a number > 0`);
    const prev = byNode.get(r.node);
    if (prev && prev.powerKw !== powerKw) throw new InputFileError(file, `${r.label} lands on the same road node as another site with a different power`);
    byNode.set(r.node, { node: r.node, plugs: (prev?.plugs ?? 0) + plugs, powerKw });
  }
  return [...byNode.values()];
}

/** What a charging site carries: plugs, and optionally its power per plug. */
const CHARGER_FIELDS: readonly PlaceField[] = [
  { key: 'plugs', names: ['plugs'], required: true },
  { key: 'powerKw', names: ['powerKw', 'power_kw', 'power'], required: false },
];
