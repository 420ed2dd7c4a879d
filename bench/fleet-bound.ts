// Fleet bounds on San Francisco (2008-05-21 and 2008-05-24, speeds calibrated on the days before each): the
// clairvoyant path cover (single-rider, 100 %) against the car-time bound (100 % and the fleet-size target 95 % within
// 5 min, one rider and two seats), each timed, and the gaps to the presets' measured fleets.
// BOUND_DAYS=2008-05-21 limits the days; BOUND_SKIP_COVER=1 skips the path cover (the slowest part).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadScenario } from '../src/io/scenario.js';
import { parseSimSettings } from '../src/io/settings.js';
import { scenarioFleetBound, scenarioServiceBound, withPathCover, type ScenarioBound, type ScenarioServiceBound } from '../src/io/fleet-size.js';
import { peakRssMb, writeResult } from './machine.js';

const SHARED = resolve(import.meta.dirname, '../../shared/data');
const SF_TRIPS = resolve(SHARED, 'san-francisco/sf_trips_2008-05-18_to_05-24.csv.gz');
const SF_NET = resolve(SHARED, 'san-francisco');
const RESULTS = resolve(import.meta.dirname, 'results');
const DAYS = (process.env.BOUND_DAYS ?? '2008-05-21,2008-05-24').split(',');
const WITHIN_S = 300;
const MAX_WAIT_S = 600;

/** Fleet the acceptance runs measured for a preset (95 % within 5 min), if its results file is there. */
function measuredFleet(preset: string, day: string): number | undefined {
  const file = resolve(RESULTS, `acceptance-fleet-${preset}-${day}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { fleet?: number }).fleet : undefined;
}

const timed = <T>(f: () => T): { value: T; wallS: number } => {
  const t0 = performance.now();
  const value = f();
  return { value, wallS: (performance.now() - t0) / 1000 };
};

const slim = (b: ScenarioServiceBound) => ({ ...b, windows: b.windows.map((w) => ({ ...w, carTimeS: Math.round(w.carTimeS) })) });

const rows = [];
for (const day of DAYS) {
  const factors = resolve(RESULTS, `acceptance-calibration-${day}.json`);
  const sc = await loadScenario(parseSimSettings({ network: [SF_NET], trips: SF_TRIPS, format: 'sf-cabspotting', date: day, seed: 1, speedFactors: factors }));
  const { travelTimes, speedProfile, graph } = sc.network;
  const requests = sc.requests;
  console.log(`SF ${day}: ${requests.length} requests, speed factors ${factors}`);
  let cover: { value: ScenarioBound; wallS: number } | undefined;
  if (!process.env.BOUND_SKIP_COVER) {
    cover = timed(() => scenarioFleetBound(graph, travelTimes, speedProfile, requests, { withinS: WITHIN_S }));
    console.log(`  path cover (one rider, 100 %):        ${cover.value.fleet} cars in ${cover.wallS.toFixed(1)} s`);
  }
  const full = timed(() => scenarioServiceBound(travelTimes, speedProfile, requests, { withinS: WITHIN_S, targetPct: 100, maxWaitS: MAX_WAIT_S, seats: 1 }));
  console.log(`  car time (one rider, 100 %):          ${full.value.fleet} cars in ${full.wallS.toFixed(1)} s (riding alone: ${full.value.blockOnlyFleet})`);
  const target = timed(() => scenarioServiceBound(travelTimes, speedProfile, requests, { withinS: WITHIN_S, targetPct: 95, maxWaitS: MAX_WAIT_S, seats: 2 }));
  const combined = cover ? withPathCover(target.value, cover.value) : target.value;
  console.log(
    `  car time (95 %):                      ${combined.singleRiderFleet} one-rider cars, ${combined.fleet} two-seat cars in ${target.wallS.toFixed(1)} s ` +
      `(riding alone: ${combined.blockOnlyFleet}; ${combined.skipsAllowed} requests may miss)`,
  );
  const presets = Object.fromEntries(
    ['greedy', 'batch+rebalance', 'pooled+rebalance'].map((p) => {
      const fleet = measuredFleet(p, day);
      const bound = p.startsWith('pooled') ? combined.fleet : combined.singleRiderFleet;
      return [p, fleet === undefined ? null : { fleet, bound, gap: Math.round((1000 * fleet) / bound) / 1000 }];
    }),
  );
  for (const [p, g] of Object.entries(presets)) if (g) console.log(`  ${p.padEnd(18)} ${g.fleet} cars = ${g.gap.toFixed(2)} × its bound ${g.bound}`);
  rows.push({
    day,
    requests: requests.length,
    withinS: WITHIN_S,
    maxWaitS: MAX_WAIT_S,
    pathCover: cover ? { fleet: cover.value.fleet, wallS: cover.wallS, edges: cover.value.edges, queriedPairs: cover.value.queriedPairs } : null,
    carTime100: { ...slim(full.value), wallS: full.wallS },
    carTime95: { ...slim(combined), wallS: target.wallS },
    presets,
  });
}
console.log(`peak RSS ${peakRssMb()} MB`);
console.log(`wrote ${writeResult('fleet-bound', { rows, peakRssMb: peakRssMb() })}`);
