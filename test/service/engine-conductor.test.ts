// The engine adapter against the real engine (no fakes): rides submitted at run time, dispatched by the greedy
// strategy on the hand-made test street, followed through the conductor's views, plans and events.
import { describe, expect, it } from 'vitest';
import { greedy } from '../../src/core/dispatch/greedy.js';
import { withServicing } from '../../src/core/dispatch/servicing.js';
import type { AssistanceOptions } from '../../src/core/sim/assistance.js';
import { RoadSnapper } from '../../src/core/network/snap.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import type { SimEvent } from '../../src/core/sim/events.js';
import { openSqliteStore } from '../../src/io/store/sqlite.js';
import { createLiveEngine, EngineConductor, type LiveRide, type PlanStop } from '../../src/service/conductor.js';
import { TelemetryHub } from '../../src/service/telemetry.js';
import { street } from '../street.js';

const g = street('conductor-test');
const at = (node: number) => ({ lat: g.lat[node], lon: g.lon[node] });

function conductor(fleetSize = 2, assistance?: AssistanceOptions) {
  const travelTimes = new DijkstraTravelTimes(g);
  const engine = createLiveEngine({ graph: g, travelTimes, fleetSize, dispatcher: withServicing(greedy()), seed: 1, depots: [0, 4], maxWaitS: 600, invalidCommands: 'throw', ...(assistance ? { assistance } : {}) });
  const c = new EngineConductor({ engine, graph: g, travelTimes, snapper: new RoadSnapper(g), seats: 2, pickupDwellS: 30, dispatcherName: 'greedy' });
  const rides: [string, LiveRide][] = [];
  const plans: [string, PlanStop[]][] = [];
  const events: SimEvent[] = [];
  c.onRideChange((id, r) => rides.push([id, { ...r }]));
  c.onPlanChange((id, p) => plans.push([id, p]));
  c.onEvent((ev) => events.push(ev));
  return { c, rides, plans, events };
}

describe('EngineConductor on the live engine', () => {
  it('checks orders against the service area and the car size without changing anything', () => {
    const { c, events } = conductor();
    expect(c.check({ pickup: at(1), dropoff: at(3), riders: 1, acceptsSharing: false })).toEqual({ ok: true });
    expect(c.check({ pickup: { lat: 60, lon: 8 }, dropoff: at(3), riders: 1, acceptsSharing: false })).toMatchObject({ ok: false, error: 'outside_service_area' });
    expect(c.check({ pickup: at(2), dropoff: at(2), riders: 1, acceptsSharing: false })).toMatchObject({ ok: false, error: 'trip_too_short' });
    expect(c.check({ pickup: at(1), dropoff: at(3), riders: 3, acceptsSharing: false })).toMatchObject({ ok: false, error: 'too_many_riders' });
    expect(events).toEqual([]);
  });

  it('follows a ride submitted at run time from acceptance to drop-off, pushing plans to the registered car', () => {
    const { c, rides, plans, events } = conductor();
    expect(c.registerVehicle('car-a', 2)).toEqual({ ok: true });
    expect(c.registerVehicle('car-b', 2)).toEqual({ ok: true });
    expect(c.registerVehicle('car-c', 2)).toMatchObject({ ok: false, error: 'fleet_full' });
    c.advance(10);
    const { etaS } = c.submit('ride-1', { pickup: at(1), dropoff: at(3), riders: 1, acceptsSharing: false });
    expect(etaS).toBeGreaterThan(0);
    c.advance(11);
    // The car at node 0 is one 60 s edge from the pickup.
    expect(c.ride('ride-1')).toEqual({ status: 'assigned', reason: null, vehicleId: 'car-a', etaS: 60 });
    expect(plans).toEqual([['car-a', [{ action: 'pickup', rideId: 'ride-1', ...at(1) }, { action: 'dropoff', rideId: 'ride-1', ...at(3) }]]]);
    c.advance(1000);
    expect(rides.map(([id, r]) => `${id}:${r.status}`)).toEqual(['ride-1:accepted', 'ride-1:assigned', 'ride-1:onboard', 'ride-1:completed']);
    expect(c.ride('ride-1')).toMatchObject({ status: 'completed', etaS: null });
    expect(events.filter((e) => e.kind === 'RequestSubmitted')).toEqual([expect.objectContaining({ id: 'ride-1', timeS: 11, pickupNode: 1, dropoffNode: 3 })]);
    expect(c.kpis()).toMatchObject({ requests: 1, served: 1 });
    expect(c.stats().requestsByStatus).toEqual({ completed: 1 });
    expect(c.vehicle('car-a')).toMatchObject({ state: 'idle', onboard: 0, plan: [], ...at(3) });
  });

  it('cancels a ride before pickup, and refuses to cancel one on board', () => {
    const { c } = conductor();
    c.registerVehicle('car-a', 2);
    c.advance(5);
    c.submit('early', { pickup: at(1), dropoff: at(2), riders: 1, acceptsSharing: false });
    expect(c.cancel('early', 'rider')).toEqual({ ok: true });
    c.advance(20);
    expect(c.ride('early')).toMatchObject({ status: 'cancelled' });
    c.submit('late', { pickup: at(1), dropoff: at(4), riders: 1, acceptsSharing: false });
    c.advance(100); // picked up at ~81 s
    expect(c.ride('late')).toMatchObject({ status: 'onboard', vehicleId: 'car-a' });
    expect(c.cancel('late', 'rider')).toMatchObject({ ok: false, error: 'not_cancellable' });
    expect(c.cancel('nope', 'rider')).toMatchObject({ ok: false, error: 'not_found' });
  });

  it('accepts reports only for rides on the car; an assist needs an operator pool', () => {
    const { c } = conductor();
    c.registerVehicle('car-a', 2);
    c.registerVehicle('car-b', 2);
    c.advance(1);
    c.submit('r', { pickup: at(1), dropoff: at(3), riders: 1, acceptsSharing: false });
    c.advance(3);
    expect(c.report('car-a', { kind: 'pickup', rideId: 'r' })).toEqual({ ok: true });
    expect(c.report('car-b', { kind: 'pickup', rideId: 'r' })).toMatchObject({ ok: false, error: 'not_on_plan' });
    expect(c.report('car-b', { kind: 'assist', description: 'blocked' })).toMatchObject({ ok: false, error: 'no_operators' });
    expect(c.assists()).toEqual([]);
  });

  it('a car that reports it needs remote assistance is held until an operator is free, then for the service time; its rider stays on board', () => {
    // One operator, 120 s a car. car-a (node 0) carries a rider from node 1 to node 4; car-b stands idle at node 4.
    const { c, events, rides } = conductor(2, { per1000Km: 0, operators: 1, serviceS: 120 });
    c.registerVehicle('car-a', 2);
    c.registerVehicle('car-b', 2);
    c.advance(1);
    c.submit('r', { pickup: at(1), dropoff: at(4), riders: 1, acceptsSharing: false });
    c.advance(100); // picked up at 62 s, leaves node 1 at 92 s towards node 4
    expect(c.ride('r')).toMatchObject({ status: 'onboard', vehicleId: 'car-a' });
    // car-b, standing, is held at once and the one operator takes it; car-a drives on to node 2 (at 152 s) first.
    expect(c.report('car-b', { kind: 'assist', description: 'door will not close' })).toEqual({ ok: true });
    expect(c.report('car-a', { kind: 'assist', description: 'construction ahead' })).toEqual({ ok: true });
    expect(c.report('car-a', { kind: 'assist', description: 'again' })).toEqual({ ok: true }); // the same request
    expect(c.assists()).toEqual([
      expect.objectContaining({ vehicleId: 'car-b', description: 'door will not close', state: 'helping', queuedS: 101, startedS: 101, onboard: 0 }),
      expect.objectContaining({ vehicleId: 'car-a', description: 'construction ahead', state: 'asked', queuedS: null }),
    ]);
    expect(c.stats()).toMatchObject({ assistQueue: 1, assistOperators: 1, assistOperatorsBusy: 1 });
    expect(c.vehicle('car-b')).toMatchObject({ state: 'assisted' });
    c.advance(160);
    // car-a stopped at node 2 with its rider and waits for the operator, busy with car-b until 221 s.
    expect(c.assists()[1]).toMatchObject({ vehicleId: 'car-a', state: 'waiting', queuedS: 152, startedS: null, onboard: 1 });
    expect(c.vehicle('car-a')).toMatchObject({ state: 'assisted', onboard: 1, ...at(2) });
    expect(c.stats()).toMatchObject({ assistQueue: 1, assistOperatorsBusy: 1 });
    c.advance(230);
    expect(c.assists()).toEqual([expect.objectContaining({ vehicleId: 'car-a', state: 'helping', startedS: 221 })]);
    expect(c.ride('r')).toMatchObject({ status: 'onboard', vehicleId: 'car-a' });
    c.advance(2000);
    expect(c.assists()).toEqual([]);
    expect(c.stats()).toMatchObject({ assistQueue: 0, assistOperatorsBusy: 0 });
    // Held 152..341 s at node 2, then on to node 4: dropped off by the same car, picked up once.
    expect(rides.filter(([id]) => id === 'r').map(([, r]) => r.status)).toEqual(['accepted', 'assigned', 'onboard', 'completed']);
    const assist = events.filter((e) => e.kind.startsWith('Assist'));
    expect(assist).toEqual([
      { kind: 'AssistanceOpened', timeS: 0, operators: 1 },
      { kind: 'AssistRequested', timeS: 101, vehicle: 1, node: 4, onboard: 0 },
      { kind: 'AssistStarted', timeS: 101, vehicle: 1, waitedS: 0 },
      { kind: 'AssistRequested', timeS: 152, vehicle: 0, node: 2, onboard: 1 },
      { kind: 'AssistEnded', timeS: 221, vehicle: 1, waitedS: 0, heldS: 120, onboard: 0 },
      { kind: 'AssistStarted', timeS: 221, vehicle: 0, waitedS: 69 },
      { kind: 'AssistEnded', timeS: 341, vehicle: 0, waitedS: 69, heldS: 120, onboard: 1 },
    ]);
    expect(events.filter((e) => e.kind === 'PickedUp')).toHaveLength(1);
    expect(events.find((e) => e.kind === 'DroppedOff')).toMatchObject({ vehicle: 0, timeS: 341 + 120 });
    expect(c.kpis()).toMatchObject({ served: 1 });
  });

  it('an assist is refused for a car out of service, and dropped when the car is taken out before it stops', () => {
    const { c, events } = conductor(2, { per1000Km: 0, operators: 1, serviceS: 120 });
    c.registerVehicle('car-a', 2);
    c.registerVehicle('car-b', 2);
    c.advance(1);
    c.submit('r', { pickup: at(2), dropoff: at(3), riders: 1, acceptsSharing: false });
    c.advance(10); // car-a heads from node 0 to node 2
    expect(c.report('car-a', { kind: 'assist', description: 'sensor dirty' })).toEqual({ ok: true });
    expect(c.setInService('car-a', false, 'operator: pulled')).toEqual({ ok: true });
    expect(c.assists()).toEqual([]);
    expect(c.report('car-a', { kind: 'assist', description: 'again' })).toMatchObject({ ok: false, error: 'not_available' });
    c.advance(3000);
    expect(events.some((e) => e.kind === 'AssistRequested')).toBe(false);
    expect(c.ride('r')).toMatchObject({ status: 'completed', vehicleId: 'car-b' });
  });

  it('a restart puts rides on board back in their car, first picked up first dropped off; refuses cars it cannot use', () => {
    const { c, events, rides } = conductor();
    c.registerVehicle('car-a', 2);
    c.registerVehicle('car-b', 2);
    expect(c.setInService('car-b', false, 'operator: pulled')).toEqual({ ok: true });
    c.advance(100);
    const order = (from: number, to: number) => ({ pickup: at(from), dropoff: at(to), riders: 1, acceptsSharing: true });
    expect(c.resumeOnboard('car-x', [{ rideId: 'x', order: order(1, 2), pickedUpS: 0 }])).toMatchObject({ ok: false, error: 'not_registered' });
    expect(c.resumeOnboard('car-b', [{ rideId: 'x', order: order(1, 2), pickedUpS: 0 }])).toMatchObject({ ok: false, error: 'not_available' });
    expect(
      c.resumeOnboard('car-a', [
        { rideId: 'late', order: order(3, 2), pickedUpS: 90 },
        { rideId: 'early', order: order(2, 1), pickedUpS: 40 },
      ]),
    ).toEqual({ ok: true });
    expect(c.ride('early')).toMatchObject({ status: 'onboard', vehicleId: 'car-a', pickedUpS: 40 });
    expect(c.vehicle('car-a')?.plan.map((s) => s.rideId)).toEqual(['early', 'late']);
    c.advance(2000);
    expect(c.ride('early')).toMatchObject({ status: 'completed', vehicleId: 'car-a' });
    expect(c.ride('late')).toMatchObject({ status: 'completed', vehicleId: 'car-a' });
    expect(events.filter((e) => e.kind === 'PickedUp')).toEqual([]);
    expect(rides.map(([id, r]) => `${id}:${r.status}`)).toEqual(['early:onboard', 'late:onboard', 'early:completed', 'late:completed']);
    expect(c.kpis()).toMatchObject({ requests: 2, served: 2 });
  });

  it('a car faulted or taken out: its waiting ride is re-dispatched, its rider on board rescued, every ride ends (event log)', () => {
    const { c, events } = conductor();
    c.registerVehicle('car-a', 2);
    c.registerVehicle('car-b', 2);
    c.advance(1);
    // car-a (node 0) heads for the pickup at node 1; it faults on the way: the ride goes to car-b (node 4).
    c.submit('w', { pickup: at(1), dropoff: at(3), riders: 1, acceptsSharing: false });
    c.advance(20);
    expect(c.ride('w')).toMatchObject({ status: 'assigned', vehicleId: 'car-a' });
    expect(c.report('car-a', { kind: 'fault', code: 'lidar', description: 'no returns' })).toEqual({ ok: true });
    c.advance(21);
    expect(c.ride('w')).toMatchObject({ status: 'assigned', vehicleId: 'car-b' });
    expect(c.vehicle('car-a')).toMatchObject({ inService: false, state: 'out_of_service', outOfServiceReason: 'fault lidar: no returns' });
    // Not stopped yet (it rolls on to node 1): it cannot be put back before; once stopped it can.
    expect(c.setInService('car-a', true, 'repaired')).toMatchObject({ ok: false, error: 'still_stopping' });
    c.advance(100);
    expect(c.setInService('car-a', true, 'repaired')).toEqual({ ok: true });
    // car-a, back at node 1, takes a ride to node 4 and is taken out of service (silent) with the rider on board.
    c.submit('r', { pickup: at(1), dropoff: at(4), riders: 1, acceptsSharing: false });
    c.advance(200);
    expect(c.ride('r')).toMatchObject({ status: 'onboard', vehicleId: 'car-a' });
    expect(c.setInService('car-a', false, 'telemetry silent for more than 30 s')).toEqual({ ok: true });
    c.advance(5000);
    expect(c.ride('w')).toMatchObject({ status: 'completed', vehicleId: 'car-b' });
    expect(c.ride('r')).toMatchObject({ status: 'completed', vehicleId: 'car-b' });
    const rescue = events.find((e) => e.kind === 'RescueNeeded');
    expect(rescue).toMatchObject({ vehicle: 0, riders: 1 });
    expect(events).toContainEqual(expect.objectContaining({ kind: 'RequestUnassigned', previousVehicle: 0 }));
    // Over the log: every request reaches a terminal state; the rescued one ends as rescued, its rescue dropped off.
    const ends = new Map<number, string>();
    for (const e of events) {
      if (e.kind === 'DroppedOff' || e.kind === 'RequestCancelled' || e.kind === 'RequestRejected' || e.kind === 'RescueNeeded') ends.set(e.request, e.kind);
    }
    const submitted = events.filter((e) => e.kind === 'RequestSubmitted').map((e) => (e as { request: number }).request);
    expect(submitted).toHaveLength(3);
    for (const r of submitted) expect(ends.has(r)).toBe(true);
    expect(ends.get((rescue as { rescue: number }).rescue)).toBe('DroppedOff');
    expect(c.kpis()).toMatchObject({ served: 2, rescues: 1, faults: 1, outOfService: 2 });
  });

  it('the telemetry-silence watch takes a silent car out of service in the engine: its waiting ride goes to another car', async () => {
    const { c, events } = conductor();
    const store = await openSqliteStore(':memory:');
    let nowMs = 0;
    const hub = new TelemetryHub(store, c, { silenceS: 30, nowMs: () => nowMs });
    c.registerVehicle('car-a', 2);
    c.registerVehicle('car-b', 2);
    hub.watch('car-a');
    hub.watch('car-b');
    c.advance(1);
    c.submit('w', { pickup: at(1), dropoff: at(3), riders: 1, acceptsSharing: false });
    c.advance(10);
    expect(c.ride('w')).toMatchObject({ status: 'assigned', vehicleId: 'car-a' });
    nowMs = 20_000;
    hub.ingest('car-b', [{ atMs: nowMs, lat: at(4).lat, lon: at(4).lon }]);
    nowMs = 31_000;
    expect(hub.checkSilence()).toEqual(['car-a']);
    c.advance(11);
    expect(c.vehicle('car-a')).toMatchObject({ inService: false, outOfServiceReason: 'telemetry silent for more than 30 s' });
    expect(c.ride('w')).toMatchObject({ status: 'assigned', vehicleId: 'car-b' });
    expect(events).toContainEqual(expect.objectContaining({ kind: 'VehicleOutOfService', vehicle: 0, fault: false }));
    c.advance(2000);
    expect(c.ride('w')).toMatchObject({ status: 'completed', vehicleId: 'car-b' });
    await store.close();
  });
});
