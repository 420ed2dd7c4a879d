// Writes a Baton trip CSV of the built-in synthetic city's demand (one local day, 2026-01-05, UTC), so that `serve`,
// `emulate` and `simulate` can all be given the same requests through the same trip options (--trips --format
// baton --window), as they would a real trip file.
import { writeFileSync } from 'node:fs';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';

export const SYNTHETIC_DAY = '2026-01-05';

export async function writeSyntheticTrips(file: string, o: { requests: number; seed?: number }): Promise<number> {
  const runner = await openScenarioRunner(parseSimSettings({ requests: o.requests, seed: o.seed ?? 1 }));
  const day = Date.parse(`${SYNTHETIC_DAY}T00:00:00Z`);
  const rows = ['id,request_time,pickup_lat,pickup_lon,dropoff_lat,dropoff_lon,riders'];
  for (const t of runner.scenario.requests) {
    const iso = new Date(day + t.requestS * 1000).toISOString().replace('.000Z', 'Z');
    rows.push(`${t.id},${iso},${t.pickupLat},${t.pickupLon},${t.dropoffLat},${t.dropoffLon},${t.riders}`);
  }
  writeFileSync(file, `${rows.join('\n')}\n`);
  return runner.scenario.requests.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, n] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx test/service/synthetic-trips.ts FILE [REQUESTS]');
  console.log(await writeSyntheticTrips(file, { requests: Number(n ?? 4000) }));
}
