// The live service's fold of engine events into ride statuses, vehicle states and changed plans (hand-made events).
import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../src/core/sim/events.js';
import { LiveState } from '../../src/service/live-state.js';

const log: SimEvent[] = [
  { kind: 'VehiclePlaced', timeS: 0, vehicle: 0, node: 0, seats: 2 },
  { kind: 'VehiclePlaced', timeS: 0, vehicle: 1, node: 4, seats: 2 },
  { kind: 'RequestSubmitted', timeS: 1, request: 0, id: 'r0', pickupNode: 1, dropoffNode: 3, riders: 1, acceptsSharing: false },
  { kind: 'RequestAssigned', timeS: 1, request: 0, vehicle: 0, previousVehicle: -1 },
  { kind: 'VehicleDeparted', timeS: 1, vehicle: 0, fromNode: 0, toNode: 1, arriveS: 61, onboard: 0, purpose: 'stop' },
  { kind: 'RequestAssigned', timeS: 5, request: 0, vehicle: 1, previousVehicle: 0 },
  { kind: 'RequestSubmitted', timeS: 6, request: 1, id: 'r1', pickupNode: 2, dropoffNode: 0, riders: 2, acceptsSharing: true },
  { kind: 'RequestRejected', timeS: 6, request: 1, reason: 'no car in reach' },
  { kind: 'PickedUp', timeS: 70, request: 0, vehicle: 1, riders: 1, waitS: 69 },
  { kind: 'DroppedOff', timeS: 200, request: 0, vehicle: 1, riders: 1, rideS: 130 },
  { kind: 'VehicleIdle', timeS: 230, vehicle: 1, node: 3 },
];

describe('LiveState', () => {
  it('folds the request lifecycle into ride statuses, reporting each change', () => {
    const s = new LiveState();
    const changes = log.map((ev) => s.apply(ev)).filter((c) => c !== undefined).map((c) => `${c.id}:${c.state.status}:${c.state.vehicle}`);
    expect(changes).toEqual(['r0:accepted:-1', 'r0:assigned:0', 'r0:assigned:1', 'r1:accepted:-1', 'r1:rejected:-1', 'r0:onboard:1', 'r0:completed:1']);
    expect(s.requests[1]).toMatchObject({ status: 'rejected', reason: 'no car in reach', pickupNode: 2, dropoffNode: 0 });
  });

  it('tracks vehicle state, riders on board and the current leg', () => {
    const s = new LiveState();
    for (const ev of log.slice(0, 5)) s.apply(ev);
    expect(s.vehicles[0]).toEqual({ state: 'driving', node: 0, onboard: 0, legToNode: 1, legArriveS: 61 });
    for (const ev of log.slice(5, 9)) s.apply(ev);
    expect(s.vehicles[1]).toMatchObject({ state: 'dwelling', onboard: 1 });
    for (const ev of log.slice(9)) s.apply(ev);
    expect(s.vehicles[1]).toMatchObject({ state: 'idle', node: 3, onboard: 0 });
  });

  it('lists the vehicles whose plans changed since the last look, once', () => {
    const s = new LiveState();
    for (const ev of log.slice(0, 4)) s.apply(ev);
    expect(s.takeDirtyPlans()).toEqual([0]);
    s.apply(log[4]);
    expect(s.takeDirtyPlans()).toEqual([]);
    s.apply(log[5]); // reassigned from car 0 to car 1: both plans changed
    expect(s.takeDirtyPlans().sort()).toEqual([0, 1]);
  });
});
