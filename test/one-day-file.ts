// Writes a one-day trip file (Baton CSV) from seeded synthetic demand on a network: the kind of file a new user
// brings, with no earlier day for a forecast to learn from.
import { writeFileSync } from 'node:fs';
import type { RoadGraph } from '../src/core/network/graph.js';
import { generateSyntheticDemand } from '../src/core/demand/synthetic-demand.js';

/** Local midnight (UTC) of the day the file holds. */
export const ONE_DAY_DATE = '2024-05-01';
const DAY_START_EPOCH_S = Date.UTC(2024, 4, 1) / 1000;

/** Writes `count` requests of one day on `graph` to `path` (times as epoch seconds, UTC); returns how many rows. */
export function writeOneDayTripFile(path: string, graph: RoadGraph, count: number, seed: number): number {
  const trips = generateSyntheticDemand(graph, { seed, trips: count, ridersShares: [0.85, 0.15, 0, 0] });
  const rows = trips.map((t) => [t.id, DAY_START_EPOCH_S + t.requestS, t.pickupLat.toFixed(6), t.pickupLon.toFixed(6), t.dropoffLat.toFixed(6), t.dropoffLon.toFixed(6), t.riders].join(','));
  writeFileSync(path, `id,request_time,pickup_lat,pickup_lon,dropoff_lat,dropoff_lon,riders\n${rows.join('\n')}\n`);
  return rows.length;
}
