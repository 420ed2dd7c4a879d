// The clairvoyant bracket (docs/fleet-bound.md, "From above: a clairvoyant plan"): the smallest fleet for which a
// feasible clairvoyant plan (src/core/solve/clairvoyant-plan.ts) meets the target on an SF day, for one-rider cars,
// two-seat cars (rules E1–E5) and two-seat cars within the pooled preset's ride limit. Every such fleet is an upper
// bound on the clairvoyant optimum that the car-time bound bounds from below.
//   CP_DATE=2008-05-21 npx tsx bench/clairvoyant-plan.ts     (writes bench/results/clairvoyant-plan-<date>.json)
import { writeFileSync } from 'node:fs';
import { clairvoyantFleet, verifyClairvoyantPlan, type ClairvoyantPlanOptions } from '../src/core/solve/clairvoyant-plan.js';
import { planTrips, scenarioPlanOptions } from '../src/io/fleet-size.js';
import { openSfDay } from './sf-day.js';

const date = process.env.CP_DATE ?? '2008-05-21';
const targetShare = Number(process.env.CP_TARGET ?? 0.95);
const withinS = 300;
const runner = await openSfDay(date, process.env.CP_NETWORK);
const { graph, travelTimes, speedProfile } = runner.scenario.network;
const allTrips = planTrips(travelTimes, runner.scenario.requests);
// CP_DROP=N[,fromH,toH][;N,fromH,toH…]: leave out beforehand the N longest rides requested in [fromH, toH) (default
// 17–22 h), as a clairvoyant dispatcher would miss the costliest requests of a peak; the plan must still count the
// target share of all requests.
const drops = (process.env.CP_DROP ?? '0').split(';').map((g) => [...g.split(',').map(Number), 17, 22].slice(0, 3));
const dropSet = new Set<number>();
for (const [dropN, dropFromH, dropToH] of drops) {
  allTrips
    .map((t, i) => ({ i, t }))
    .filter(({ t }) => t.requestS >= dropFromH * 3600 && t.requestS < dropToH * 3600)
    .sort((a, b) => b.t.rideFreeFlowS - a.t.rideFreeFlowS || a.i - b.i)
    .slice(0, dropN)
    .forEach(({ i }) => dropSet.add(i));
}
const trips = allTrips.filter((_, i) => !dropSet.has(i));
const K = Number(process.env.CP_K ?? 4);
// CP_EJECT=0: no ejection (a request that fits no car is dropped, as before session 38); CP_EJECT=N: chains N deep.
const ejectDepth = Number(process.env.CP_EJECT ?? 8);
// CP_LEAVE=share,rounds: after a plan short of the target, leave out the longest rides of the hours that dropped
// requests and plan again (clairvoyantFleet's leaveOut): the automatic form of CP_DROP.
const leave = process.env.CP_LEAVE?.split(',').map(Number);
const leaveOut = leave ? { share: leave[0], rounds: leave[1] } : undefined;
const lim = process.env.CP_LIMIT?.split(',').map(Number);
const cases: { name: string; seats: number; rideLimit?: ClairvoyantPlanOptions['rideLimit'] }[] = [
  { name: 'one rider', seats: 1 },
  { name: 'two seats (E1–E5)', seats: 2 },
  { name: "two seats within pooled's ride limit", seats: 2, rideLimit: { detourShare: 0.5, minDetourS: 180 } },
  { name: 'two seats within a ride limit', seats: 2, rideLimit: lim ? { detourShare: lim[0], minDetourS: lim[1] } : undefined },
];
const only = process.env.CP_CASES?.split(',').map(Number);
const out: Record<string, unknown>[] = [];
for (const [i, c] of cases.entries()) {
  if (only && !only.includes(i)) continue;
  const t0 = performance.now();
  const options = scenarioPlanOptions(graph, travelTimes, speedProfile, { withinS, seats: c.seats, rideLimit: c.rideLimit });
  const r = clairvoyantFleet(trips, (targetShare * allTrips.length) / trips.length, { ...options, modifiableStops: K, eject: ejectDepth > 0, ejectDepth }, { min: Number(process.env.CP_MIN ?? 50), max: Number(process.env.CP_MAX ?? 400) }, undefined, leaveOut);
  // The plan checked on its own (times recomputed from the stops' order): the fleet stands only if it holds.
  const verified = verifyClairvoyantPlan(trips, r.plan, options);
  const row = {
    date,
    case: c.name,
    seats: c.seats,
    rideLimit: c.rideLimit ?? null,
    modifiableStops: K,
    ejectDepth,
    targetShare,
    withinS,
    requests: allTrips.length,
    droppedBeforehand: drops,
    leaveOut: leaveOut ?? null,
    fleet: r.fleet,
    counted: r.plan.counted,
    verifiedCounted: verified,
    sharedRiders: r.plan.shared,
    tried: r.tried,
    wallS: Math.round((performance.now() - t0) / 100) / 10,
  };
  console.log(JSON.stringify(row));
  out.push(row);
}
writeFileSync(`bench/results/clairvoyant-plan-${process.env.CP_TAG ?? date}.json`, JSON.stringify(out, null, 2) + '\n');
