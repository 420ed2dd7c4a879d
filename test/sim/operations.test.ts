// Fleet operations in the engine (decision 0012): service visits (drive to the centre, FIFO bay queue, free up idle),
// the service command's validation, remote assistance (held with riders on board, the operator pool, the rate per
// 1,000 km) and cars taken out of service, on the hand-made street (60 s, 500 m edges) and the conformance city.
import { describe, expect, it } from 'vitest';
import { greedy } from '../../src/core/dispatch/greedy.js';
import { FrameSampler } from '../../src/core/replay/frame.js';
import { Activity, ReplayTimelineBuilder, RequestOutcome } from '../../src/core/replay/timeline.js';
import { withServicing } from '../../src/core/dispatch/servicing.js';
import type { ServiceCentre } from '../../src/core/dispatch/types.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { validateCommand } from '../../src/core/sim/commands.js';
import { Engine } from '../../src/core/sim/engine.js';
import { eventsToNdjson, type SimEvent } from '../../src/core/sim/events.js';
import { simulate } from '../../src/core/simulate.js';
import { randomRequests } from '../dispatch/conformance.js';
import { street, trip as streetTrip } from '../street.js';

const g = street('operations-test');
const tt = new DijkstraTravelTimes(g);
const trip = (id: string, requestS: number, pickupNode: number, dropoffNode: number) => streetTrip(g, id, requestS, pickupNode, dropoffNode);
const centre = (node: number, bays = 1): ServiceCentre => ({ node, bays, cleaningS: 600, maintenanceS: 1800 });
const of = <K extends SimEvent['kind']>(events: readonly SimEvent[], kind: K) => events.filter((e): e is Extract<SimEvent, { kind: K }> => e.kind === kind);

describe('service visits', () => {
  it('sends a car due for cleaning to the centre after its trip: drive, bay, clean, idle there', () => {
    // cleanEveryTrips 1: every car is due after one trip (the steady-state offset is drawn in [0, 1), i.e. 0).
    const { events, summary } = simulate({
      graph: g,
      travelTimes: tt,
      requests: [trip('a', 0, 0, 1)],
      fleetSize: 1,
      depots: [0],
      servicing: { centres: [centre(3)], cleanEveryTrips: 1, messProbability: 0, maintainEveryS: 1e9 },
      dispatcher: withServicing(greedy()),
      seed: 1,
    });
    // Picked up at 0, 30 s dwell, 60 s to node 1, dropped off at 90, free after the dwell at 120, then 120 s to node 3.
    expect(of(events, 'DroppedOff')).toEqual([expect.objectContaining({ timeS: 90 })]);
    expect(of(events, 'VehicleSentToService')).toEqual([{ kind: 'VehicleSentToService', timeS: 120, vehicle: 0, centre: 0, task: 'cleaning' }]);
    expect(of(events, 'VehicleDeparted').at(-1)).toMatchObject({ timeS: 120, fromNode: 1, toNode: 3, arriveS: 240, purpose: 'service' });
    expect(of(events, 'ServiceStarted')).toEqual([{ kind: 'ServiceStarted', timeS: 240, vehicle: 0, centre: 0, task: 'cleaning', waitedS: 0 }]);
    expect(of(events, 'ServiceEnded')).toEqual([{ kind: 'ServiceEnded', timeS: 840, vehicle: 0, centre: 0, task: 'cleaning', servicedS: 600, waitedS: 0 }]);
    expect(events.at(-1)).toEqual({ kind: 'VehicleIdle', timeS: 840, vehicle: 0, node: 3 });
    expect(summary.kpis).toMatchObject({ cleanings: 1, maintenances: 0, bays: 1 });
    // Sent at 120, out until 840.
    expect(summary.kpis.serviceHours).toBeCloseTo(720 / 3600, 9);
  });

  it('queues cars for a busy bay first come, first served; maintenance when due by hours driven', () => {
    const { events } = simulate({
      graph: g,
      travelTimes: tt,
      requests: [trip('a', 0, 0, 2), trip('b', 0, 4, 2)],
      fleetSize: 2,
      depots: [0, 4],
      // Every drive makes a car due for maintenance (1 s of driving).
      servicing: { centres: [centre(2)], cleanEveryTrips: 1000, messProbability: 0, maintainEveryS: 1 },
      dispatcher: withServicing(greedy()),
      seed: 1,
    });
    const started = of(events, 'ServiceStarted');
    expect(started.map((e) => [e.vehicle, e.task])).toEqual([[0, 'maintenance'], [1, 'maintenance']]);
    // Both drop off at the centre's node at 150 s and are sent when free at 180; the second waits for the first's 1800 s.
    expect(started[0]).toMatchObject({ timeS: 180, waitedS: 0 });
    expect(started[1]).toMatchObject({ timeS: 1980, waitedS: 1800 });
  });

  it('validates the service command like charge: centres, task, an empty plan, a car that takes work', () => {
    const engine = new Engine({
      graph: g,
      travelTimes: tt,
      fleetSize: 2,
      depots: [0, 4],
      servicing: { centres: [centre(2)], cleanEveryTrips: 5, messProbability: 0, maintainEveryS: 3600 },
      dispatcher: { name: 'none', decide: () => [] },
      seed: 1,
    });
    engine.runUntil(0);
    const s = engine.commandState();
    expect(validateCommand(s, { kind: 'service', vehicle: 0, centre: 0, task: 'cleaning' })).toBeNull();
    expect(validateCommand(s, { kind: 'service', vehicle: 0, centre: 3, task: 'cleaning' })).toBe('service centre 3 does not exist (1 centres)');
    expect(validateCommand(s, { kind: 'service', vehicle: 9, centre: 0, task: 'cleaning' })).toBe('vehicle 9 does not exist (fleet of 2)');
    expect(validateCommand(s, { kind: 'service', vehicle: 0, centre: 0, task: 'wash' as 'cleaning' })).toBe('task "wash" must be cleaning or maintenance');
    engine.fault(1, 'test');
    expect(validateCommand(s, { kind: 'service', vehicle: 1, centre: 0, task: 'cleaning' })).toBe('vehicle 1 is out of service');
    expect(validateCommand(s, { kind: 'rebalance', vehicle: 1, node: 2 })).toBe('vehicle 1 is out of service');
    const without = new Engine({ graph: g, travelTimes: tt, fleetSize: 1, dispatcher: { name: 'none', decide: () => [] }, seed: 1 });
    expect(validateCommand(without.commandState(), { kind: 'service', vehicle: 0, centre: 0, task: 'cleaning' })).toBe('this run has no service centres');
  });

  it('refuses bad servicing options before the run, naming the field', () => {
    const base = { graph: g, travelTimes: tt, fleetSize: 1, dispatcher: greedy(), seed: 1 };
    expect(() => new Engine({ ...base, servicing: { centres: [], cleanEveryTrips: 5, messProbability: 0, maintainEveryS: 1 } })).toThrow(/servicing.centres is empty/);
    expect(() => new Engine({ ...base, servicing: { centres: [centre(9)], cleanEveryTrips: 5, messProbability: 0, maintainEveryS: 1 } })).toThrow(/servicing.centres\[0\].node 9 is not a node/);
    expect(() => new Engine({ ...base, servicing: { centres: [centre(1)], cleanEveryTrips: 5, messProbability: 2, maintainEveryS: 1 } })).toThrow(/messProbability 2/);
    expect(() => new Engine({ ...base, assistance: { per1000Km: 1, operators: 0, serviceS: 60 } })).toThrow(/assistance.operators 0/);
  });
});

describe('remote assistance', () => {
  const { graph: city } = buildSyntheticCity({ seed: 3, widthM: 2400, heightM: 2400, blockM: 200 });
  const cityTt = new DijkstraTravelTimes(city);
  const run = (assistance?: { per1000Km: number; operators: number; serviceS: number }) =>
    simulate({
      graph: city,
      travelTimes: cityTt,
      requests: randomRequests(city, 400, 7200, 21),
      fleetSize: 25,
      ...(assistance ? { assistance } : {}),
      dispatcher: withServicing(greedy()),
      seed: 4,
    });

  it('holds cars where they stop, riders on board, never more at once than operators; riders lose the held time', () => {
    const { events, summary } = run({ per1000Km: 100, operators: 1, serviceS: 120 });
    let helping = 0;
    const held = new Map<number, number>();
    for (const ev of events) {
      if (ev.kind === 'AssistRequested') held.set(ev.vehicle, ev.timeS);
      if (ev.kind === 'AssistStarted') expect(++helping).toBeLessThanOrEqual(1);
      if (ev.kind === 'AssistEnded') {
        helping--;
        expect(ev.heldS).toBe(120);
        expect(ev.timeS - held.get(ev.vehicle)!).toBe(ev.waitedS + ev.heldS);
        held.delete(ev.vehicle);
      }
      // A held car does not move.
      if (ev.kind === 'VehicleDeparted') expect(held.has(ev.vehicle)).toBe(false);
    }
    const k = summary.kpis;
    expect(k.assists).toBeGreaterThan(10);
    expect(k.riderMinutesLostToAssists).toBeGreaterThan(0);
    expect(k.operatorUtilisation).toBeCloseTo((k.assists * 120) / k.spanS, 6);
    expect(k.served + k.cancelled + k.rejected).toBe(k.requests);
  });

  it('asks at the configured rate per 1,000 km (a Poisson process in distance) and is reproducible', () => {
    const a = run({ per1000Km: 100, operators: 50, serviceS: 60 });
    // Expected one request per 10 km: over ~N requests the count is within ±4 sd of km / 10.
    const k = a.summary.kpis;
    const expected = k.vehicleKm / 10;
    expect(Math.abs(k.assists - expected)).toBeLessThan(4 * Math.sqrt(expected) + 1);
    expect(eventsToNdjson(run({ per1000Km: 100, operators: 50, serviceS: 60 }).events)).toBe(eventsToNdjson(a.events));
    // Off: none of it happens.
    expect(run().events.some((e) => e.kind.startsWith('Assist'))).toBe(false);
  });

  it('requestAssist from outside: a dwelling car is held where its dwell ends, with its rider; a rate of 0 asks nothing by itself', () => {
    const engine = new Engine({ graph: g, travelTimes: tt, fleetSize: 1, depots: [0], dispatcher: withServicing(greedy()), seed: 1, assistance: { per1000Km: 0, operators: 1, serviceS: 100 } });
    const events: SimEvent[] = [];
    engine.onEvent((e) => events.push(e));
    engine.submit(trip('a', 0, 0, 2));
    engine.runUntil(10); // picked up at 0, dwelling until 30
    expect(engine.requestAssist(0)).toBe(true);
    expect(engine.requestAssist(0)).toBe(false); // already asking
    engine.closeRequests();
    engine.runUntil(Infinity);
    expect(of(events, 'AssistRequested')).toEqual([{ kind: 'AssistRequested', timeS: 30, vehicle: 0, node: 0, onboard: 1 }]);
    expect(of(events, 'AssistEnded')).toEqual([{ kind: 'AssistEnded', timeS: 130, vehicle: 0, waitedS: 0, heldS: 100, onboard: 1 }]);
    // Then on with the plan: 120 s to node 2.
    expect(of(events, 'DroppedOff')).toEqual([expect.objectContaining({ timeS: 250, vehicle: 0, rideS: 250 })]);
    expect(of(events, 'AssistRequested')).toHaveLength(1);
    const without = new Engine({ graph: g, travelTimes: tt, fleetSize: 1, depots: [0], dispatcher: greedy(), seed: 1 });
    expect(() => without.requestAssist(0)).toThrow(/requestAssist needs the assistance option/);
  });
});

describe('out of service', () => {
  it('stops a car at the next node, rescues its riders there, and puts it back in service on request', () => {
    const engine = new Engine({ graph: g, travelTimes: tt, fleetSize: 2, depots: [0, 4], dispatcher: greedy(), seed: 1 });
    const events: SimEvent[] = [];
    engine.onEvent((e) => events.push(e));
    engine.submit(trip('a', 0, 0, 4));
    // Picked up at 0, leaves at 30 towards node 4 (240 s); the fault comes after second 100, between nodes 1 and 2.
    engine.runUntil(100);
    expect(engine.fault(0, 'flat tyre')).toBe(true);
    expect(engine.fault(0, 'again')).toBe(false);
    engine.closeRequests();
    engine.runUntil(Infinity);
    expect(of(events, 'VehicleStopped')).toEqual([{ kind: 'VehicleStopped', timeS: 150, vehicle: 0, node: 2 }]);
    const rescue = of(events, 'RescueNeeded')[0];
    expect(rescue).toEqual({ kind: 'RescueNeeded', timeS: 150, vehicle: 0, request: 0, rescue: 1, node: 2, riders: 1 });
    // Car 1 (node 4) fetches the riders at node 2 and takes them to node 4.
    expect(of(events, 'PickedUp').at(-1)).toMatchObject({ request: 1, vehicle: 1 });
    expect(of(events, 'DroppedOff')).toEqual([expect.objectContaining({ request: 1, vehicle: 1 })]);
    expect(engine.setInService(0, true, 'fixed')).toBe(true);
    expect(events.at(-1)).toEqual({ kind: 'VehicleIdle', timeS: engine.timeS, vehicle: 0, node: 2 });
    expect(engine.isInService(0)).toBe(true);
  });

  it('shows on the replay map: out of service once stopped, the riders rescued, the car back idle', () => {
    const engine = new Engine({ graph: g, travelTimes: tt, fleetSize: 2, depots: [0, 4], dispatcher: greedy(), seed: 1 });
    const events: SimEvent[] = [];
    engine.onEvent((e) => events.push(e));
    engine.submit(trip('a', 0, 0, 4));
    engine.runUntil(100);
    engine.fault(0, 'flat tyre');
    engine.closeRequests();
    engine.runUntil(2000);
    engine.setInService(0, true, 'fixed');
    engine.runUntil(Infinity);
    const b = new ReplayTimelineBuilder({ kpiStepS: 60 });
    for (const e of events) b.add(e);
    const tl = b.result();
    expect(tl.requestOutcome[0]).toBe(RequestOutcome.rescued);
    const f = new FrameSampler(tl, { nodeLon: g.lon, nodeLat: g.lat });
    const activityOf = (v: number, t: number): number => {
      f.sampleAt(t);
      let k = -1;
      for (let i = tl.keyFirst[v]; i < tl.keyFirst[v + 1]; i++) if (tl.keyS[i] <= t) k = i;
      return tl.keyActivity[k];
    };
    // Faulted after second 100, it rolls on (with its rider, occupied) to node 2, where it stops at 150.
    expect(activityOf(0, 120)).toBe(Activity.occupied1);
    expect(activityOf(0, 150)).toBe(Activity.outOfService);
    expect(activityOf(0, 1000)).toBe(Activity.outOfService);
    expect(activityOf(0, engine.timeS)).toBe(Activity.idle);
  });
});
