// Admission (decision 0042): under `admitOnTime` a new request is accepted only if its first batch plans its pickup
// within the service target, else it is rejected at once (`no_car_in_time`); with `scarceRideWeight`, while the fleet
// is nearly all busy, long rides are declined first. The `pooled+admit` preset passes the shared conformance suite,
// each batch stays exact, riders hear within one batch, and a fleet that can reach every rider in time rejects nobody.
import { describe, expect, it } from 'vitest';
import { ADMIT_POOLING, ANTICIPATE_POOLING, DEFAULT_RIDE_LIMITS, pooled } from '../../src/core/dispatch/pooled.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { simulate } from '../../src/core/simulate.js';
import { eventsToNdjson, type SimEvent } from '../../src/core/sim/events.js';
import { packingBranchAndBound } from '../../src/core/solve/ilp.js';
import { dispatcherPreset } from '../../src/io/dispatchers.js';
import { loadHighsBinarySolver } from '../../src/io/highs-ilp.js';
import { conformanceCityForecast, logViolations, expectBatchesExact, randomRequests, runDispatcherConformance } from './conformance.js';
import { street, trip } from '../street.js';

const solver = packingBranchAndBound(await loadHighsBinarySolver());
const { forecast: cityForecast } = conformanceCityForecast();
const admit = dispatcherPreset('pooled+admit');
runDispatcherConformance('pooled+admit (forecast from history)', () => admit.build({ solver, forecast: { source: 'history', forecast: cityForecast }, charging: {}, rideLimits: DEFAULT_RIDE_LIMITS }));

/** Per request: when it was rejected for want of a car in time, else undefined. */
function rejectedAt(events: readonly SimEvent[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of events) if (e.kind === 'RequestRejected' && e.reason === 'no_car_in_time') out.set(e.request, e.timeS);
  return out;
}

describe('pooled+admit', () => {
  it('is pooled+anticipate with admission, long rides declined first when cars are scarce and 12 candidate cars, under its own name', () => {
    expect(ADMIT_POOLING).toEqual({ ...ANTICIPATE_POOLING, admitOnTime: true, scarceRideWeight: 2, maxVehiclesPerRequest: 12 });
    expect(admit.needs).toEqual(['solver', 'rideLimits', 'forecast', 'charging']);
    expect(admit.build({ solver, forecast: { source: 'history', forecast: cityForecast }, charging: {}, rideLimits: DEFAULT_RIDE_LIMITS }).name).toBe('pooled+admit');
  });
});

describe('pooled: admission (admitOnTime, decision 0042)', () => {
  const { graph } = buildSyntheticCity({ seed: 5, widthM: 1800, heightM: 1800, blockM: 200 });
  const tt = new DijkstraTravelTimes(graph);

  it('each batch still reaches the least objective of brute force over every trip and stop order', () => {
    const variants = [
      { admitOnTime: true, serviceTargetS: 120 },
      { ...ADMIT_POOLING, serviceTargetS: 120 },
      { ...ADMIT_POOLING, serviceTargetS: 120, scarceRideWeight: 6, lateRideWeight: 2 },
    ];
    for (const options of variants) expectBatchesExact({ solver, ...options });
  });

  it('a rider no car can reach within the target hears at once; one it can reach is served', () => {
    // Street 0 … 9, 60 s a block; one car at node 0, target 180 s. At 0 s a rider asks at node 2 (120 s away) and one
    // at node 8 (480 s away, within the 600-s max wait but not the target). Without admission both are served.
    const g = street('admit', 10);
    const requests = [trip(g, 'near', 0, 2, 3), trip(g, 'far', 0, 8, 9)];
    const run = (admitOnTime: boolean) =>
      simulate({ graph: g, travelTimes: new DijkstraTravelTimes(g), requests, fleetSize: 1, depots: [0], dispatcher: pooled({ solver, serviceTargetS: 180, admitOnTime }), seed: 1, maxWaitS: 600 }).events;
    const admitted = run(true);
    expect(logViolations(admitted, { seats: 2, maxWaitS: 600 })).toEqual([]);
    expect([...rejectedAt(admitted)]).toEqual([[1, 0]]);
    expect(admitted.filter((e) => e.kind === 'PickedUp').map((e) => e.request)).toEqual([0]);
    const plain = run(false);
    expect(rejectedAt(plain).size).toBe(0);
    expect(plain.filter((e) => e.kind === 'PickedUp').map((e) => e.request).sort()).toEqual([0, 1]);
  });

  it('on an undersupplied day: riders hear within a batch, nobody waits out the max wait for nothing, more are picked up in time', () => {
    const requests = randomRequests(graph, 300, 3600, 43);
    const run = (options: { admitOnTime?: boolean }) => {
      const dispatcher = pooled({ solver, lateS: 600, serviceTargetS: 180, ...options });
      const { events } = simulate({ graph, travelTimes: tt, requests, fleetSize: 5, dispatcher, seed: 3, maxWaitS: 600 });
      expect(logViolations(events, { seats: 2, maxWaitS: 600 })).toEqual([]);
      const picked = events.filter((e) => e.kind === 'PickedUp');
      return {
        within: picked.filter((e) => e.waitS <= 180).length,
        served: picked.length,
        cancelled: events.filter((e) => e.kind === 'RequestCancelled').length,
        rejected: rejectedAt(events),
      };
    };
    const shaped = run({});
    const admitting = run({ admitOnTime: true });
    expect(shaped.rejected.size).toBe(0);
    expect(shaped.cancelled).toBeGreaterThan(10);
    // The case binds: admission turns riders away, each within one 10-s batch of asking.
    expect(admitting.rejected.size).toBeGreaterThan(10);
    for (const [r, atS] of admitting.rejected) {
      expect(atS).toBeGreaterThanOrEqual(requests[r].requestS);
      expect(atS - requests[r].requestS).toBeLessThan(10);
    }
    expect(admitting.cancelled).toBeLessThan(shaped.cancelled / 4);
    expect(admitting.within).toBeGreaterThan(shaped.within);
    // No new rider is taken at the price of an accepted one's target: nearly every accepted rider is picked up in time
    // (a pair of new riders may still outweigh one accepted rider's target).
    expect(admitting.within).toBeGreaterThanOrEqual(0.95 * admitting.served);
  });

  it('while the fleet is nearly all busy, riders asking for long rides are declined first (scarceRideWeight)', () => {
    const requests = randomRequests(graph, 300, 3600, 43);
    const rideS = requests.map((r) => tt.timeS(r.pickupNode, r.dropoffNode, 0));
    const run = (scarceRideWeight: number) => {
      const dispatcher = pooled({ solver, ...ANTICIPATE_POOLING, serviceTargetS: 180, admitOnTime: true, scarceRideWeight });
      const { events } = simulate({ graph, travelTimes: tt, requests, fleetSize: 5, dispatcher, seed: 3, maxWaitS: 600 });
      expect(logViolations(events, { seats: 2, maxWaitS: 600 })).toEqual([]);
      const rejected = [...rejectedAt(events).keys()];
      const pickedUp = events.filter((e) => e.kind === 'PickedUp');
      return {
        rejectedRideS: rejected.reduce((sum, r) => sum + rideS[r], 0) / rejected.length,
        servedRideS: pickedUp.reduce((sum, e) => sum + rideS[e.request], 0) / pickedUp.length,
        within: pickedUp.filter((e) => e.waitS <= 180).length,
      };
    };
    const flat = run(0);
    const weighted = run(2);
    expect(weighted.rejectedRideS).toBeGreaterThan(flat.rejectedRideS);
    expect(weighted.servedRideS).toBeLessThan(flat.servedRideS);
    expect(weighted.within).toBeGreaterThan(flat.within);
  });

  it('refuses a scarce-ride weight that is not a number ≥ 0', () => {
    for (const scarceRideWeight of [-1, NaN, Infinity]) expect(() => pooled({ solver, admitOnTime: true, scarceRideWeight })).toThrow(/scarceRideWeight .* must be a number ≥ 0/);
  });

  it('a fleet that reaches every rider in time turns nobody away and serves as without admission', () => {
    const requests = randomRequests(graph, 120, 3600, 44);
    const run = (admitOnTime: boolean) =>
      simulate({ graph, travelTimes: tt, requests, fleetSize: 30, dispatcher: pooled({ solver, ...ANTICIPATE_POOLING, admitOnTime }), seed: 3, maxWaitS: 600 }).events;
    const admitted = run(true);
    const plain = run(false);
    expect(rejectedAt(admitted).size).toBe(0);
    // With idle cars to spare throughout, the scarce-ride weight never applies: the same log.
    const weighted = simulate({ graph, travelTimes: tt, requests, fleetSize: 30, dispatcher: pooled({ solver, ...ADMIT_POOLING }), seed: 3, maxWaitS: 600 }).events;
    expect(eventsToNdjson(weighted)).toBe(eventsToNdjson(admitted));
    const pickedUp = (events: readonly SimEvent[]) => events.filter((e) => e.kind === 'PickedUp').length;
    expect(pickedUp(admitted)).toBe(requests.length);
    expect(pickedUp(plain)).toBe(requests.length);
  });
});
