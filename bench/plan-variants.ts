// A screen for the clairvoyant planner (src/core/solve/clairvoyant-plan.ts): plans at fixed fleets for variants of
// its options, counted per fleet, much faster than bench/clairvoyant-plan.ts's search. Each variant's keys are merged
// into the planner's options (two seats within pooled's ride limit); `"leave":[share,rounds]` turns on leaveOut.
// Plans without leaveOut are checked by verifyClairvoyantPlan (`verified`); with it, only the count is printed.
//   PV_DATE=2008-05-21 PV_FLEETS=125,130 PV_VARIANTS='[{"name":"base"},{"name":"k5","modifiableStops":5},{"name":"no-eject","eject":false}]' npx tsx bench/plan-variants.ts
import { clairvoyantFleet, clairvoyantPlan, verifyClairvoyantPlan } from '../src/core/solve/clairvoyant-plan.js';
import { planTrips, scenarioPlanOptions } from '../src/io/fleet-size.js';
import { openSfDay } from './sf-day.js';

const date = process.env.PV_DATE ?? '2008-05-21';
const runner = await openSfDay(date, process.env.CP_NETWORK);
const { graph, travelTimes, speedProfile } = runner.scenario.network;
const trips = planTrips(travelTimes, runner.scenario.requests);
const fleets = (process.env.PV_FLEETS ?? '130').split(',').map(Number);
const variants = JSON.parse(process.env.PV_VARIANTS ?? '[{"name":"base"}]') as { name: string; leave?: [number, number]; [k: string]: unknown }[];
const base = scenarioPlanOptions(graph, travelTimes, speedProfile, { withinS: 300, seats: 2, rideLimit: { detourShare: 0.5, minDetourS: 180 } });
for (const v of variants) {
  const { name, leave, ...over } = v;
  const o = { ...base, ...over };
  for (const F of fleets) {
    const t0 = performance.now();
    let counted = -1;
    let verified: number | null = null;
    // Without leaveOut: one plan, checked on its own. With it, a search at exactly F: one plan (with its leaveOut
    // rounds); the doubling that follows a short plan is cut off.
    if (!leave) {
      const plan = clairvoyantPlan(trips, { ...o, fleet: F });
      counted = plan.counted;
      verified = verifyClairvoyantPlan(trips, plan, o);
    } else try {
      clairvoyantFleet(trips, 0.95, o, { min: F, max: F }, (_f, c) => {
        counted = c;
        throw new Error('stop');
      }, { share: leave[0], rounds: leave[1] });
    } catch (e) {
      if ((e as Error).message !== 'stop') console.error(e);
    }
    console.log(JSON.stringify({ date, variant: name, fleet: F, counted, verified, need: Math.ceil(0.95 * trips.length - 1e-6), wallS: Math.round((performance.now() - t0) / 100) / 10 }));
  }
}
