// Golden scenario: a hand-made 5-node street, 2 cars, 5 requests under greedy; every pickup, wait and cancel checked.
import { describe, expect, it } from 'vitest';
import { greedy } from '../../src/core/dispatch/greedy.js';
import { street, trip } from '../street.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { Simulation, simulate } from '../../src/core/simulate.js';
import { eventsToNdjson, type SimEvent } from '../../src/core/sim/events.js';

const g = street('golden');
const requests = [
  trip(g, 'r0', 0, 1, 3),
  trip(g, 'r1', 10, 2, 0),
  trip(g, 'r2', 20, 4, 3),
  trip(g, 'r3', 30, 0, 1),
  trip(g, 'r4', 100, 1, 2),
];
const run = () =>
  simulate({ graph: g, travelTimes: new DijkstraTravelTimes(g), requests, fleetSize: 2, depots: [0, 4], dispatcher: greedy(), seed: 1, maxWaitS: 280, dwell: { pickupS: 30, dropoffS: 30 } });

const pick = (evs: SimEvent[], kind: SimEvent['kind']) => evs.filter((e) => e.kind === kind);

describe('golden: greedy on a 5-node street', () => {
  // Cars: c0 at node 0, c1 at node 4. maxWait 280 s, dwell 30 s + 30 s, 60 s per edge.
  // t=0   r0 (1→3): idle c0 is 60 s away, c1 180 s → c0. Arrives 60: pickup, wait 60. Dwell to 90, drives 1→3
  //       (120 s), drops off at 210 (ride 150), dwell to 240, idle at node 3.
  // t=10  r1 (2→0): only c1 idle, 120 s away → arrives 130 ≤ 10+280: pickup, wait 120. Dwell to 160, 2→0 (120 s),
  //       drop-off at 280 (ride 150), dwell to 310, idle at node 0.
  // t=20  r2 (4→3), t=30 r3 (0→1), t=100 r4 (1→2): no idle car, all queue in that order.
  // t=240 c0 frees at node 3: oldest waiting r2 is 60 s away → arrives 300 = 20 + 280, exactly the deadline; pickups
  //       run before cancellations, so r2 is served with wait 280. Dwell to 330, 4→3 drop-off at 390 (ride 90), idle 420.
  // t=310 c1 frees at node 0 (phase 2) — but r3's deadline 30+280 = 310 runs first (phase 4 < dispatch 5): r3 is
  //       cancelled although a car now stands at its pickup node. Dispatch: r4 (deadline 380) is 60 s away → c1
  //       arrives 370: pickup, wait 270. Dwell to 400, 1→2 drop-off at 460 (ride 90), idle at 490.
  it('serves, waits and cancels exactly as computed by hand', () => {
    const { events, summary } = run();
    expect(pick(events, 'PickedUp').map((e) => e.kind === 'PickedUp' && [e.request, e.vehicle, e.timeS, e.waitS])).toEqual([
      [0, 0, 60, 60],
      [1, 1, 130, 120],
      [2, 0, 300, 280],
      [4, 1, 370, 270],
    ]);
    expect(pick(events, 'DroppedOff').map((e) => e.kind === 'DroppedOff' && [e.request, e.vehicle, e.timeS, e.rideS])).toEqual([
      [0, 0, 210, 150],
      [1, 1, 280, 150],
      [2, 0, 390, 90],
      [4, 1, 460, 90],
    ]);
    expect(pick(events, 'RequestCancelled').map((e) => e.kind === 'RequestCancelled' && [e.request, e.timeS, e.vehicle])).toEqual([[3, 310, -1]]);
    expect(pick(events, 'VehicleIdle').slice(-2).map((e) => e.kind === 'VehicleIdle' && [e.vehicle, e.timeS, e.node])).toEqual([
      [0, 420, 3],
      [1, 490, 2],
    ]);
    const k = summary.kpis;
    expect([k.requests, k.served, k.cancelled, k.servedPct, k.within5MinPct]).toEqual([5, 4, 1, 80, 80]);
    expect([k.waitMeanS, k.waitP50S, k.waitP95S, k.rideTimeMeanS]).toEqual([182.5, 120, 280, 120]);
    // Empty: c0 0→1, 3→4; c1 4→2, 0→1 = 500+500+1000+500. Occupied: 1000+500+1000+500. Energy 5.5 km × 0.15.
    expect([k.vehicleKm, k.emptyKm, k.occupiedKm]).toEqual([5.5, 2.5, 3]);
    expect(k.energyKwh).toBeCloseTo(0.825, 9);
  });

  it('is byte-identical across runs', () => {
    expect(eventsToNdjson(run().events)).toBe(eventsToNdjson(run().events));
  });

  it('interpolates positions along the current leg', () => {
    const sim = new Simulation({ graph: g, travelTimes: new DijkstraTravelTimes(g), requests, fleetSize: 2, depots: [0, 4], dispatcher: greedy(), seed: 1, maxWaitS: 280 });
    sim.runUntil(100);
    const engine = sim.engine; // c0 is on 1→3 since t=90 (node 2 at 150, node 3 at 210)
    const at = engine.positionAt(0, 120);
    expect(at.lat).toBeCloseTo(47, 9);
    expect(at.lon).toBeCloseTo(8 + 1.5 * 0.0066, 9);
    expect(engine.stateBytesPerVehicle()).toBeLessThanOrEqual(256);
  });
});
