// The clairvoyant plan's shortcuts (session 41: cars skipped by a cost floor, leave-out rounds restarted at an hour
// mark), timed side by side against the same planner without them (`noShortcuts`), on an SF day: the plans must be
// identical (same stops, hashed), and the bench prints each run's wall time, the medians and their ratio.
//   PS_DATE=2008-05-21 PS_PAIRS=1 npm run bench:plan-shortcuts   (writes bench/results/plan-shortcuts-<date>-<today>.json)
// Two searches, as `fleet-size --clairvoyant-plan` runs them: quick (the planner's defaults, bisecting
// PS_QUICK=min,max) and one thorough fleet (5 movable stops, 6 leave-out rounds of 0.2; PS_THOROUGH=fleet, one car
// below the quick answer, where every round runs because the plan falls short).
import { createHash } from 'node:crypto';
import { clairvoyantFleet, type ClairvoyantPlanOptions, type LeaveOutRounds } from '../src/core/solve/clairvoyant-plan.js';
import { planTrips, scenarioPlanOptions } from '../src/io/fleet-size.js';
import { DEFAULT_RIDE_LIMITS } from '../src/core/dispatch/pooled.js';
import { median, writeResult } from './machine.js';
import { openSfDay } from './sf-day.js';

const date = process.env.PS_DATE ?? '2008-05-21';
const wed = date === '2008-05-21';
const [qMin, qMax] = (process.env.PS_QUICK ?? (wed ? '120,127' : '146,154')).split(',').map(Number);
const thoroughFleet = Number(process.env.PS_THOROUGH ?? (wed ? 124 : 149));
const pairs = Number(process.env.PS_PAIRS ?? 1);
const runner = await openSfDay(date, process.env.PS_NETWORK);
const { graph, travelTimes, speedProfile } = runner.scenario.network;
const trips = planTrips(travelTimes, runner.scenario.requests);
const base = scenarioPlanOptions(graph, travelTimes, speedProfile, { withinS: 300, seats: 2, rideLimit: DEFAULT_RIDE_LIMITS });

interface Search {
  name: string;
  options: Omit<ClairvoyantPlanOptions, 'fleet'>;
  range: { min: number; max: number; grow: false };
  leaveOut?: LeaveOutRounds;
}
const searches: Search[] = [
  { name: 'quick', options: base, range: { min: qMin, max: qMax, grow: false } },
  { name: 'thorough fleet', options: { ...base, modifiableStops: 5 }, range: { min: thoroughFleet, max: thoroughFleet, grow: false }, leaveOut: { share: 0.2, rounds: 6 } },
];
const rows: Record<string, unknown>[] = [];
for (const s of searches) {
  const wallS: Record<'with' | 'without', number[]> = { with: [], without: [] };
  const hashes = new Set<string>();
  let result: ReturnType<typeof clairvoyantFleet> | undefined;
  // Alternating, the planner without shortcuts first, so that neither run always has the warmer machine.
  for (let k = 0; k < pairs; k++) {
    for (const mode of ['without', 'with'] as const) {
      const t0 = performance.now();
      const r = clairvoyantFleet(trips, 0.95, { ...s.options, noShortcuts: mode === 'without' }, s.range, undefined, s.leaveOut);
      const w = (performance.now() - t0) / 1000;
      wallS[mode].push(Math.round(w * 10) / 10);
      hashes.add(createHash('sha256').update(JSON.stringify(r.tried)).update(JSON.stringify(r.plan)).digest('hex'));
      result = r;
      console.log(`${date} ${s.name} ${mode} shortcuts: ${w.toFixed(1)} s, fleet ${r.fleet} (${r.met ? 'met' : 'short'}), tried ${r.tried.map((t) => `${t.fleet}:${t.counted}`).join(' ')}`);
    }
  }
  if (hashes.size !== 1) throw new Error(`${s.name}: the plans with and without shortcuts differ`);
  const row = {
    date,
    search: s.name,
    range: s.range,
    modifiableStops: s.options.modifiableStops ?? 4,
    leaveOut: s.leaveOut ?? null,
    fleet: result!.fleet,
    met: result!.met,
    tried: result!.tried,
    samePlans: true,
    planSha256: [...hashes][0],
    wallS,
    medianWithoutS: median(wallS.without),
    medianWithS: median(wallS.with),
    speedup: Math.round((median(wallS.without) / median(wallS.with)) * 100) / 100,
  };
  console.log(`${date} ${s.name}: identical plans; median ${row.medianWithoutS} s without shortcuts, ${row.medianWithS} s with: ${row.speedup}×`);
  rows.push(row);
}
console.log(`wrote ${writeResult(`plan-shortcuts-${date}`, { simulatedDate: date, pairs, searches: rows })}`);
