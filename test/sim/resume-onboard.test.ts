// Engine.resumeOnboard: riders picked up before a live service restarted are placed back in their car with their
// drop-offs, never picked up again (decision 0020), on the hand-made street (60 s, 500 m edges).
import { describe, expect, it } from 'vitest';
import { greedy } from '../../src/core/dispatch/greedy.js';
import { withServicing } from '../../src/core/dispatch/servicing.js';
import { computeKpis } from '../../src/core/metrics/kpis.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { ReplayTimelineBuilder, RequestOutcome } from '../../src/core/replay/timeline.js';
import { vehiclePlanAt } from '../../src/core/replay/vehicle-plan.js';
import { Engine } from '../../src/core/sim/engine.js';
import { eventsToNdjson, type SimEvent } from '../../src/core/sim/events.js';
import { logViolations } from '../dispatch/conformance.js';
import { street, trip } from '../street.js';

const g = street('resume-test');
const tt = new DijkstraTravelTimes(g);

function engine(startS = 1000) {
  const e = new Engine({ graph: g, travelTimes: tt, fleetSize: 2, depots: [2, 0], dispatcher: withServicing(greedy()), seed: 1, startS });
  const events: SimEvent[] = [];
  e.onEvent((ev) => events.push(ev));
  return { e, events };
}

describe('Engine.resumeOnboard', () => {
  it('places riders on board with their drop-offs in the given order; they are dropped off, never picked up', () => {
    const { e, events } = engine();
    // Car 0 stands at node 2 with two riders picked up before the restart: to node 3, then node 4.
    const rs = e.resumeOnboard(0, [
      { trip: { ...trip(g, 'ride-a', 700, 0, 3), acceptsSharing: true }, pickedUpS: 800 },
      { trip: { ...trip(g, 'ride-b', 750, 1, 4), acceptsSharing: true }, pickedUpS: 900 },
    ]);
    expect(rs).toEqual([0, 1]);
    expect(e.plan(0)).toEqual([
      { action: 'dropoff', request: 0 },
      { action: 'dropoff', request: 1 },
    ]);
    e.submit(trip(g, 'new', 1000, 0, 1));
    e.closeRequests();
    e.runUntil(Infinity);
    expect(events.filter((ev) => ev.kind === 'RequestResumed')).toEqual([
      { kind: 'RequestResumed', timeS: 1000, request: 0, id: 'ride-a', vehicle: 0, pickupNode: 0, dropoffNode: 3, riders: 1, acceptsSharing: true, requestS: 700, pickedUpS: 800 },
      { kind: 'RequestResumed', timeS: 1000, request: 1, id: 'ride-b', vehicle: 0, pickupNode: 1, dropoffNode: 4, riders: 1, acceptsSharing: true, requestS: 750, pickedUpS: 900 },
    ]);
    expect(events.find((ev) => ev.kind === 'VehicleDeparted')).toMatchObject({ timeS: 1000, vehicle: 0, fromNode: 2, toNode: 3, onboard: 2 });
    // Node 3 at 1060 (30 s dwell), node 4 at 1150; ride times count from the pickup before the restart.
    const dropped = events.filter((ev) => ev.kind === 'DroppedOff');
    expect(dropped).toEqual([
      expect.objectContaining({ request: 0, vehicle: 0, timeS: 1060, rideS: 260 }),
      expect.objectContaining({ request: 2, vehicle: 1 }),
      expect.objectContaining({ request: 1, vehicle: 0, timeS: 1150, rideS: 250 }),
    ]);
    const picked = events.filter((ev) => ev.kind === 'PickedUp').map((ev) => (ev as { request: number }).request);
    expect(picked).toEqual([2]);
    expect(logViolations(events, { seats: 2, maxWaitS: 600 })).toEqual([]);
    // The folds: three requests of this run, all served; the replay shows them on board from the restart.
    expect(computeKpis(events)).toMatchObject({ requests: 3, served: 3 });
    const timeline = new ReplayTimelineBuilder();
    for (const ev of events) timeline.add(ev);
    const built = timeline.result();
    expect(built.requestOutcome[0]).toBe(RequestOutcome.served);
    expect(built.requestPickupS[0]).toBe(1000);
    expect(built.kpis).toMatchObject({ requests: 3, served: 3 });
    const nodes = { pickupNode: (r: number) => [0, 1, 0][r], dropoffNode: (r: number) => [3, 4, 1][r] };
    expect(vehiclePlanAt(0, events, nodes, 1001)).toMatchObject({ onboard: 2, stops: [expect.objectContaining({ request: 0, kind: 'dropoff' }), expect.objectContaining({ request: 1, kind: 'dropoff' })] });
  });

  it('is deterministic and refuses what it cannot place, naming the problem', () => {
    const run = () => {
      const { e, events } = engine();
      e.resumeOnboard(1, [{ trip: trip(g, 'a', 900, 2, 4), pickedUpS: 950 }]);
      e.closeRequests();
      e.runUntil(Infinity);
      return eventsToNdjson(events);
    };
    expect(run()).toBe(run());
    const { e } = engine();
    expect(() => e.resumeOnboard(0, [{ trip: trip(g, 'x', 900, 0, 3, 3), pickedUpS: 950 }])).toThrow(/3 riders do not fit the 2 seats of vehicle 0/);
    expect(() => e.resumeOnboard(0, [{ trip: trip(g, 'x', 900, 0, 3), pickedUpS: 2000 }])).toThrow(/pickedUpS 2000 must be an integer in \[requestS 900, now 1000\]/);
    expect(() => e.resumeOnboard(5, [])).toThrow(/5 is not a vehicle/);
    e.resumeOnboard(0, [{ trip: trip(g, 'x', 900, 0, 3), pickedUpS: 950 }]);
    expect(() => e.resumeOnboard(0, [{ trip: trip(g, 'y', 900, 0, 4), pickedUpS: 950 }])).toThrow(/vehicle 0 must be in service, idle, with no plan/);
  });
});
