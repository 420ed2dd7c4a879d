// Service centres from a file (`--service-centres FILE`): GeoJSON points or CSV rows, snapped to the road network like
// charging sites (src/io/chargers.ts); every bad centre is an InputFileError naming the file, the centre and the
// problem, raised before any run starts. `auto` centres are placed in scenario-runner.ts.
import type { ServiceCentre } from '../core/dispatch/types.js';
import type { RoadGraph } from '../core/network/graph.js';
import { InputFileError } from './file-input.js';
import { readPointPlaces, type PlaceField } from './point-places.js';

export interface CentreFileOptions {
  /** Farthest a centre may lie from a road, metres (the scenario's snap cutoff). */
  snapCutoffM: number;
  /** Durations of a centre that gives none, seconds. */
  cleaningS: number;
  maintenanceS: number;
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
  const places = readPointPlaces(file, graph, { what: 'service centres', snapCutoffM: o.snapCutoffM, fields: CENTRE_FIELDS });
  const byNode = new Map<number, ServiceCentre>();
  const seconds = (label: string, field: string, v: unknown, dflt: number): number => {
    if (v === undefined || v === null || v === '') return dflt;
    const n = Number(v);
    if (!(Number.isInteger(n) && n >= 1)) throw new InputFileError(file, `${label}: ${field} ${JSON.stringify(v)} must be an integer number of seconds ≥ 1`);
    return n;
  };
  for (const r of places) {
    const bays = Number(r.values.bays);
    if (!(Number.isInteger(bays) && bays >= 1)) throw new InputFileError(file, `${r.label}: bays ${JSON.stringify(r.values.bays)} must be an integer ≥ 1`);
    const cleaningS = seconds(r.label, 'cleaningS', r.values.cleaningS, o.cleaningS);
    const maintenanceS = seconds(r.label, 'maintenanceS', r.values.maintenanceS, o.maintenanceS);
    const prev = byNode.get(r.node);
    if (prev && (prev.cleaningS !== cleaningS || prev.maintenanceS !== maintenanceS)) {
      throw new InputFileError(file, `${r.label} lands on the same road node as another centre with different service durations`);
    }
    byNode.set(r.node, { node: r.node, bays: (prev?.bays ?? 0) + bays, cleaningS, maintenanceS });
  }
  return [...byNode.values()];
}

/** What a service centre carries: bays, and optionally its service durations. */
const CENTRE_FIELDS: readonly PlaceField[] = [
  { key: 'bays', names: ['bays'], required: true },
  { key: 'cleaningS', names: ['cleaningS', 'cleaning_s'], required: false },
  { key: 'maintenanceS', names: ['maintenanceS', 'maintenance_s'], required: false },
];
