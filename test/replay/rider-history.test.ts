// A rider's history at a moment of a replay: a hand-made log worked out by hand (assigned, reassigned, picked up,
// dropped off; a cancellation), then a whole simulated day recorded with reasons checked against its own events.
import { describe, expect, it } from 'vitest';
import { riderHistoryAt } from '../../src/core/replay/rider-history.js';
import type { SimEvent } from '../../src/core/sim/events.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { generateSyntheticDemand } from '../../src/core/demand/synthetic-demand.js';
import { simulate } from '../../src/core/simulate.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { batch } from '../../src/core/dispatch/batch.js';

// r0 (2 riders) requested at 100, given to car 3 at 110 (pickup predicted 120 s later, beating car 5), moved to car 5 at
// 150 (pickup predicted in 60 s), picked up at 200, dropped off at 500. r1 waits from 120 and gives up at 420.
const log: SimEvent[] = [
  { kind: 'RequestSubmitted', timeS: 100, request: 0, id: 'trip-a', pickupNode: 1, dropoffNode: 2, riders: 2, acceptsSharing: false },
  { kind: 'PlanExplained', timeS: 110, vehicle: 3, request: 0, why: 'batch', pickupEtaS: 120, alternatives: [{ vehicle: 5, pickupEtaS: 180 }] },
  { kind: 'RequestAssigned', timeS: 110, request: 0, vehicle: 3, previousVehicle: -1 },
  { kind: 'RequestSubmitted', timeS: 120, request: 1, id: 'trip-b', pickupNode: 4, dropoffNode: 2, riders: 1, acceptsSharing: false },
  { kind: 'PlanExplained', timeS: 150, vehicle: 5, request: 0, why: 'batch', pickupEtaS: 60, alternatives: [{ vehicle: 3, pickupEtaS: 90, took: 7 }] },
  { kind: 'RequestAssigned', timeS: 150, request: 0, vehicle: 5, previousVehicle: 3 },
  { kind: 'PickedUp', timeS: 200, request: 0, vehicle: 5, riders: 2, waitS: 100 },
  { kind: 'RequestCancelled', timeS: 420, request: 1, vehicle: -1, reason: 'max_wait' },
  { kind: 'DroppedOff', timeS: 500, request: 0, vehicle: 5, riders: 2, rideS: 300 },
];
const of = (r: number) => log.filter((e) => 'request' in e && e.request === r);

describe('riderHistoryAt on a hand-made log', () => {
  it('before the request, nothing; waiting, the wait so far', () => {
    expect(riderHistoryAt(0, of(0), 50)).toMatchObject({ status: 'not requested yet', requestedS: -1, waitS: 0, steps: [], reasonsLogged: true });
    expect(riderHistoryAt(0, of(0), 105)).toMatchObject({ status: 'waiting', id: 'trip-a', riders: 2, requestedS: 100, waitS: 5, vehicle: -1 });
  });

  it('assigned: the car, since when, the reason for that car and the pickup it predicted', () => {
    const h = riderHistoryAt(0, of(0), 130);
    expect(h).toMatchObject({ status: 'assigned', vehicle: 3, assignedS: 110, waitS: 30, expectedPickupS: 230 });
    expect(h.reason).toBe(log[1]);
    // Reassigned to car 5: the reason is now the one for car 5.
    const later = riderHistoryAt(0, of(0), 160);
    expect(later).toMatchObject({ status: 'assigned', vehicle: 5, assignedS: 150, expectedPickupS: 210 });
    expect(later.reason).toBe(log[4]);
    expect(later.steps.map((s) => s.what)).toEqual(['requested', 'assigned', 'reassigned']);
    expect(later.steps[2]).toEqual({ timeS: 150, what: 'reassigned', vehicle: 5, previousVehicle: 3 });
  });

  it('picked up and dropped off: the wait stops at the pickup, the car and its reason stay', () => {
    const on = riderHistoryAt(0, of(0), 300);
    expect(on).toMatchObject({ status: 'on board', vehicle: 5, waitS: 100 });
    expect(on.expectedPickupS).toBeUndefined();
    const done = riderHistoryAt(0, of(0), 600);
    expect(done).toMatchObject({ status: 'dropped off', vehicle: 5, waitS: 100 });
    expect(done.reason).toBe(log[4]);
    expect(done.steps.at(-1)).toEqual({ timeS: 500, what: 'dropped off', vehicle: 5, rideS: 300 });
  });

  it('cancelled: the wait stops at the cancellation; no reason when none names the request', () => {
    const h = riderHistoryAt(1, of(1), 1000);
    expect(h).toMatchObject({ status: 'cancelled', waitS: 300, vehicle: -1, reasonsLogged: false });
    expect(h.reason).toBeUndefined();
    expect(h.steps.at(-1)).toEqual({ timeS: 420, what: 'cancelled', vehicle: -1, reason: 'max_wait' });
  });
});

describe('riderHistoryAt on a simulated day with reasons', () => {
  const { graph } = buildSyntheticCity({ widthM: 2000, heightM: 2000 });
  const requests = generateSyntheticDemand(graph, { seed: 3, trips: 300 });
  const events = simulate({ graph, travelTimes: new DijkstraTravelTimes(graph), requests, fleetSize: 10, dispatcher: batch(), seed: 1, maxWaitS: 600, explain: true }).events;
  const byRequest = new Map<number, SimEvent[]>();
  for (const ev of events) {
    if (!('request' in ev)) continue;
    let list = byRequest.get(ev.request);
    if (!list) byRequest.set(ev.request, (list = []));
    list.push(ev);
  }

  it('the car at pickup is the one that picked up, with a reason for it, and the wait is the PickedUp wait', () => {
    let served = 0;
    for (const [r, own] of byRequest) {
      const picked = own.find((e) => e.kind === 'PickedUp');
      if (!picked || picked.kind !== 'PickedUp') continue;
      served++;
      // Just before the pickup it is assigned to the car that picks it up, and the dispatcher said why.
      const lastAssign = own.filter((e) => e.kind === 'RequestAssigned' && e.timeS <= picked.timeS).at(-1);
      const before = riderHistoryAt(r, own, picked.timeS - 1);
      if (lastAssign && lastAssign.timeS < picked.timeS) {
        expect(before.status).toBe('assigned');
        expect(before.vehicle).toBe(picked.vehicle);
        expect(before.reason?.vehicle).toBe(picked.vehicle);
        expect(before.waitS).toBe(picked.timeS - 1 - before.requestedS);
      }
      const after = riderHistoryAt(r, own, picked.timeS);
      expect(after.status).toBe('on board');
      expect(after.waitS).toBe(picked.waitS);
    }
    expect(served).toBeGreaterThan(100);
  });
});
