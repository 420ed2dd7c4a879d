// The conformance suite every dispatch strategy must pass: engine-level invariants checked on the event log, with and
// without energy (small batteries, so that cars must charge during the run, under the shared charging policy), and
// with fleet operations (cleaning, maintenance, remote assistance and cars taken out of service mid-run, under the
// shared servicing policy).
import { describe, expect, it } from 'vitest';
import type { PlacedTrip } from '../../src/core/demand/placed-trip.js';
import { withCharging } from '../../src/core/dispatch/charging.js';
import { pooled, type PooledOptions, type PooledPlanner } from '../../src/core/dispatch/pooled.js';
import type { DemandForecast } from '../../src/core/dispatch/rebalance.js';
import { withServicing } from '../../src/core/dispatch/servicing.js';
import type { ChargingSite, Dispatcher, FleetSnapshot, ServiceCentre } from '../../src/core/dispatch/types.js';
import type { RoadGraph } from '../../src/core/network/graph.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { Rng } from '../../src/core/random.js';
import { Simulation, simulate, type SimResult, type SimulateOptions } from '../../src/core/simulate.js';
import { eventsToNdjson, type SimEvent } from '../../src/core/sim/events.js';
import { buildForecast } from '../../src/io/forecast.js';

/** Seeded random requests over `spanS` seconds on `g` (distinct pickup/drop-off; some 2-rider, some sharing). */
export function randomRequests(g: RoadGraph, count: number, spanS: number, seed: number, maxRiders = 2): PlacedTrip[] {
  const rng = new Rng(seed);
  const times = Array.from({ length: count }, () => rng.int(spanS)).sort((a, b) => a - b);
  return times.map((requestS, i) => {
    const pickupNode = rng.int(g.nodeCount);
    let dropoffNode = rng.int(g.nodeCount);
    if (dropoffNode === pickupNode) dropoffNode = (pickupNode + 1) % g.nodeCount;
    return {
      id: `q${i}`,
      requestS,
      pickupNode,
      dropoffNode,
      pickupLat: g.lat[pickupNode],
      pickupLon: g.lon[pickupNode],
      dropoffLat: g.lat[dropoffNode],
      dropoffLon: g.lon[dropoffNode],
      riders: 1 + (rng.next() < 0.15 ? rng.int(maxRiders) : 0),
      acceptsSharing: rng.next() < 0.5,
    };
  });
}

/** What the energy checks need to know of the fleet. */
export interface EnergyLimits {
  batteryKwh: number;
  reserveKwh: number;
}

/**
 * Checks the engine invariants on a finished log; returns a list of violations (empty = fine). With `energy`: no car
 * is ever stranded — its SoC never goes below 0, it never starts a leg of a plan or a rebalancing drive below its
 * reserve, and every car sent to charge gets charged.
 */
export function logViolations(events: readonly SimEvent[], opts: { seats: number; maxWaitS: number; energy?: EnergyLimits }): string[] {
  const bad: string[] = [];
  const requestS = new Map<number, number>();
  const riders = new Map<number, number>();
  const sharing = new Map<number, boolean>();
  const terminal = new Map<number, string>();
  const pickedBy = new Map<number, number>();
  const load = new Map<number, number>();
  const aboard = new Map<number, Set<number>>();
  const soc = new Map<number, number>();
  let sentToCharge = 0;
  let charged = 0;
  let sentToService = 0;
  let serviced = 0;
  let lastS = -Infinity;
  // Fleet operations: cars that may take no command (servicing, held for an assist, out of service), stopped cars,
  // and the load of bays and operators against their capacity.
  const unavailable = new Map<number, string>();
  const stopped = new Set<number>();
  const bays: number[] = [];
  const inBay: number[] = [];
  let operators = 0;
  let helping = 0;
  const commanded = (v: number, what: string, timeS: number): void => {
    const why = unavailable.get(v);
    if (why) bad.push(`vehicle ${v} ${why} was ${what} at t=${timeS}`);
  };
  for (const ev of events) {
    if (ev.timeS < lastS) bad.push(`time goes back at ${JSON.stringify(ev)}`);
    lastS = ev.timeS;
    switch (ev.kind) {
      case 'RequestSubmitted':
        if (requestS.has(ev.request)) bad.push(`request ${ev.request} submitted twice`);
        requestS.set(ev.request, ev.timeS);
        riders.set(ev.request, ev.riders);
        sharing.set(ev.request, ev.acceptsSharing);
        break;
      case 'PickedUp': {
        if (terminal.has(ev.request)) bad.push(`request ${ev.request} picked up after ${terminal.get(ev.request)}`);
        if (pickedBy.has(ev.request)) bad.push(`request ${ev.request} picked up twice`);
        pickedBy.set(ev.request, ev.vehicle);
        if (ev.waitS > opts.maxWaitS) bad.push(`request ${ev.request} waited ${ev.waitS} s > max ${opts.maxWaitS}`);
        if (ev.waitS !== ev.timeS - (requestS.get(ev.request) ?? NaN)) bad.push(`request ${ev.request} wait mismatch`);
        const l = (load.get(ev.vehicle) ?? 0) + ev.riders;
        load.set(ev.vehicle, l);
        if (l > opts.seats) bad.push(`vehicle ${ev.vehicle} carries ${l} > ${opts.seats} at t=${ev.timeS}`);
        const set = aboard.get(ev.vehicle) ?? new Set<number>();
        set.add(ev.request);
        aboard.set(ev.vehicle, set);
        if (set.size > 1 && [...set].some((r) => !sharing.get(r))) bad.push(`vehicle ${ev.vehicle} shares a ride with a non-sharing rider at t=${ev.timeS}`);
        break;
      }
      case 'RequestResumed': {
        // On board since an earlier run: submitted and picked up before this log began.
        if (requestS.has(ev.request)) bad.push(`request ${ev.request} submitted twice`);
        requestS.set(ev.request, ev.requestS);
        riders.set(ev.request, ev.riders);
        sharing.set(ev.request, ev.acceptsSharing);
        pickedBy.set(ev.request, ev.vehicle);
        const l = (load.get(ev.vehicle) ?? 0) + ev.riders;
        load.set(ev.vehicle, l);
        if (l > opts.seats) bad.push(`vehicle ${ev.vehicle} carries ${l} > ${opts.seats} at t=${ev.timeS}`);
        aboard.set(ev.vehicle, (aboard.get(ev.vehicle) ?? new Set<number>()).add(ev.request));
        break;
      }
      case 'DroppedOff':
        if (pickedBy.get(ev.request) !== ev.vehicle) bad.push(`request ${ev.request} dropped by ${ev.vehicle}, picked up by ${pickedBy.get(ev.request)}`);
        if (terminal.has(ev.request)) bad.push(`request ${ev.request} ends twice (${terminal.get(ev.request)}, dropped off)`);
        terminal.set(ev.request, 'dropped off');
        load.set(ev.vehicle, (load.get(ev.vehicle) ?? 0) - ev.riders);
        aboard.get(ev.vehicle)?.delete(ev.request);
        break;
      case 'RequestCancelled':
        if (terminal.has(ev.request)) bad.push(`request ${ev.request} ends twice (${terminal.get(ev.request)}, cancelled)`);
        if (pickedBy.has(ev.request)) bad.push(`request ${ev.request} cancelled after pickup`);
        if (ev.timeS !== (requestS.get(ev.request) ?? NaN) + opts.maxWaitS) bad.push(`request ${ev.request} cancelled at ${ev.timeS}, not at request + maxWait`);
        terminal.set(ev.request, 'cancelled');
        break;
      case 'RequestRejected':
        if (terminal.has(ev.request)) bad.push(`request ${ev.request} ends twice (${terminal.get(ev.request)}, rejected)`);
        if (pickedBy.has(ev.request)) bad.push(`request ${ev.request} rejected after pickup`);
        terminal.set(ev.request, 'rejected');
        break;
      case 'CommandInvalid':
        bad.push(`invalid command: ${ev.reason}`);
        break;
      case 'VehicleArrived':
        if (opts.energy) {
          if (ev.socKwh === undefined) bad.push(`vehicle ${ev.vehicle} arrived at t=${ev.timeS} without SoC in the log`);
          else if (ev.socKwh < 0) bad.push(`vehicle ${ev.vehicle} ran out of energy at t=${ev.timeS} (${ev.socKwh} kWh)`);
          soc.set(ev.vehicle, ev.socKwh ?? NaN);
        }
        break;
      case 'VehicleDeparted':
        if (stopped.has(ev.vehicle)) bad.push(`vehicle ${ev.vehicle} departs at t=${ev.timeS} while stopped out of service`);
        if (opts.energy && ev.purpose !== 'charge') {
          const left = soc.get(ev.vehicle) ?? opts.energy.batteryKwh;
          if (!(left >= opts.energy.reserveKwh - 1e-9)) bad.push(`vehicle ${ev.vehicle} starts a ${ev.purpose} leg at t=${ev.timeS} with ${left} kWh, below its reserve`);
        }
        break;
      case 'VehicleSentToCharge':
        sentToCharge++;
        commanded(ev.vehicle, 'sent to charge', ev.timeS);
        break;
      case 'RequestAssigned':
        commanded(ev.vehicle, `assigned request ${ev.request}`, ev.timeS);
        break;
      case 'VehicleRebalanced':
        commanded(ev.vehicle, 'rebalanced', ev.timeS);
        break;
      case 'VehicleSentToService':
        commanded(ev.vehicle, 'sent to service', ev.timeS);
        sentToService++;
        unavailable.set(ev.vehicle, 'on a service visit');
        break;
      case 'ServiceCentreOpened':
        bays[ev.centre] = ev.bays;
        inBay[ev.centre] = 0;
        break;
      case 'ServiceStarted':
        inBay[ev.centre]++;
        if (inBay[ev.centre] > bays[ev.centre]) bad.push(`centre ${ev.centre} holds ${inBay[ev.centre]} cars in ${bays[ev.centre]} bays at t=${ev.timeS}`);
        break;
      case 'ServiceEnded':
        inBay[ev.centre]--;
        serviced++;
        if (unavailable.get(ev.vehicle) === 'on a service visit') unavailable.delete(ev.vehicle);
        break;
      case 'AssistanceOpened':
        operators += ev.operators;
        break;
      case 'AssistRequested':
        if (!unavailable.has(ev.vehicle)) unavailable.set(ev.vehicle, 'held for an assist');
        break;
      case 'AssistStarted':
        helping++;
        if (helping > operators) bad.push(`${helping} assists at once with ${operators} operators at t=${ev.timeS}`);
        break;
      case 'AssistEnded':
        helping--;
        if (unavailable.get(ev.vehicle) === 'held for an assist') unavailable.delete(ev.vehicle);
        break;
      case 'VehicleOutOfService':
        unavailable.set(ev.vehicle, 'out of service');
        if (ev.abandoned === 'charge') sentToCharge--;
        if (ev.abandoned === 'service') sentToService--;
        break;
      case 'VehicleStopped':
        stopped.add(ev.vehicle);
        break;
      case 'VehicleInService':
        if (!stopped.has(ev.vehicle)) bad.push(`vehicle ${ev.vehicle} back in service at t=${ev.timeS} before it stopped`);
        stopped.delete(ev.vehicle);
        unavailable.delete(ev.vehicle);
        break;
      case 'RescueNeeded':
        if (pickedBy.get(ev.request) !== ev.vehicle) bad.push(`request ${ev.request} rescued from ${ev.vehicle}, picked up by ${pickedBy.get(ev.request)}`);
        if (terminal.has(ev.request)) bad.push(`request ${ev.request} ends twice (${terminal.get(ev.request)}, rescued)`);
        if (!stopped.has(ev.vehicle)) bad.push(`request ${ev.request} rescued from vehicle ${ev.vehicle}, which has not stopped`);
        terminal.set(ev.request, 'rescued');
        load.set(ev.vehicle, (load.get(ev.vehicle) ?? 0) - ev.riders);
        aboard.get(ev.vehicle)?.delete(ev.request);
        break;
      case 'ChargingEnded':
        charged++;
        soc.set(ev.vehicle, ev.socKwh);
        if (opts.energy && ev.socKwh > opts.energy.batteryKwh + 1e-9) bad.push(`vehicle ${ev.vehicle} charged above its battery (${ev.socKwh} kWh)`);
        break;
      default:
        break;
    }
  }
  for (const r of requestS.keys()) if (!terminal.has(r)) bad.push(`request ${r} never reached a terminal state`);
  for (const [r, v] of pickedBy) if (terminal.get(r) !== 'dropped off' && terminal.get(r) !== 'rescued') bad.push(`request ${r} picked up by ${v} but never dropped off`);
  for (const [v, l] of load) if (l !== 0) bad.push(`vehicle ${v} ends with ${l} riders on board`);
  if (sentToCharge !== charged) bad.push(`${sentToCharge} cars sent to charge, ${charged} charged`);
  if (sentToService !== serviced) bad.push(`${sentToService} cars sent to service, ${serviced} serviced`);
  if (helping !== 0) bad.push(`${helping} assists never ended`);
  return bad;
}

/** Two charging sites of two 20 kW plugs on the conformance city: near its west and east edges. */
export function ENERGY_SITES(g: RoadGraph): ChargingSite[] {
  let west = 0;
  let east = 0;
  for (let n = 0; n < g.nodeCount; n++) {
    if (g.lon[n] < g.lon[west] || (g.lon[n] === g.lon[west] && g.lat[n] < g.lat[west])) west = n;
    if (g.lon[n] > g.lon[east] || (g.lon[n] === g.lon[east] && g.lat[n] > g.lat[east])) east = n;
  }
  return [
    { node: west, plugs: 2, powerKw: 20 },
    { node: east, plugs: 2, powerKw: 20 },
  ];
}

/** Two service centres of one bay each on the conformance city: near its north and south edges. */
export function OPERATIONS_CENTRES(g: RoadGraph): ServiceCentre[] {
  let north = 0;
  let south = 0;
  for (let n = 0; n < g.nodeCount; n++) {
    if (g.lat[n] > g.lat[north]) north = n;
    if (g.lat[n] < g.lat[south]) south = n;
  }
  return [
    { node: north, bays: 1, cleaningS: 300, maintenanceS: 900 },
    { node: south, bays: 1, cleaningS: 300, maintenanceS: 900 },
  ];
}

/** When the operations scenario takes cars out of service (and puts one back), in engine seconds. */
export const OPERATIONS_FAULTS = [
  { atS: 1200, action: 'fault' },
  { atS: 1800, action: 'out' },
  { atS: 2400, action: 'fault' },
  { atS: 3000, action: 'back' },
  { atS: 3600, action: 'out' },
] as const;

/**
 * Runs `opts` with cars taken out of service at OPERATIONS_FAULTS times: each time the first car with riders on board
 * (so that its riders need a rescue; the first car at all if none has), and at `back` the first stopped car is put back.
 */
export function simulateWithFaults(opts: SimulateOptions): SimResult {
  const sim = new Simulation(opts);
  const e = sim.engine;
  const out: number[] = [];
  for (const f of OPERATIONS_FAULTS) {
    sim.runUntil(f.atS);
    if (f.action === 'back') {
      const v = out.find((u) => e.fleet.status[u] === 7);
      if (v !== undefined) e.setInService(v, true, 'repaired');
      continue;
    }
    let v = -1;
    for (let u = 0; u < e.fleetSize && v < 0; u++) if (e.isInService(u) && e.fleet.load[u] > 0) v = u;
    for (let u = 0; u < e.fleetSize && v < 0; u++) if (e.isInService(u)) v = u;
    if (v < 0) continue;
    out.push(v);
    if (f.action === 'fault') e.fault(v, 'conformance fault');
    else e.setInService(v, false, 'conformance: taken out by an operator');
  }
  return sim.run();
}

/**
 * Runs the shared suite against a strategy (in the energy case wrapped in the shared charging policy). `makeDispatcher` must return a fresh dispatcher each call.
 *
 * @example runDispatcherConformance('greedy', () => greedy());
 */
export function runDispatcherConformance(name: string, makeDispatcher: () => Dispatcher): void {
  const { graph } = buildSyntheticCity({ seed: 3, widthM: 2400, heightM: 2400, blockM: 200 });
  const tt = new DijkstraTravelTimes(graph);
  const scenarios: { label: string; options: () => SimulateOptions; operations?: boolean }[] = [
    {
      label: 'undersupplied (cancellations)',
      options: () => ({ graph, travelTimes: tt, requests: randomRequests(graph, 400, 3600, 11), fleetSize: 6, dispatcher: makeDispatcher(), seed: 5, maxWaitS: 300 }),
    },
    {
      label: 'well supplied, 3-rider requests in 2-seat cars',
      options: () => ({ graph, travelTimes: tt, requests: randomRequests(graph, 200, 3600, 12, 3), fleetSize: 30, dispatcher: makeDispatcher(), seed: 6, maxWaitS: 600 }),
    },
    {
      label: 'no graph (committed legs), zero dwell, maxWait 0',
      options: () => ({ travelTimes: tt, requests: randomRequests(graph, 150, 1800, 13), fleetSize: 20, dispatcher: makeDispatcher(), seed: 7, maxWaitS: 0, dwell: { pickupS: 0, dropoffS: 0 } }),
    },
    {
      // 3 kWh at 0.2 kWh/km (15 km) on a 2.4 km city: every car charges several times; few plugs, so cars queue.
      label: 'energy: small batteries, two charging sites, cars must charge',
      options: () => ({
        graph,
        travelTimes: tt,
        requests: randomRequests(graph, 300, 7200, 15),
        fleetSize: 12,
        spec: { batteryKwh: 3, energyKwhPerKm: 0.2, reserveKwh: 0.3 },
        chargingSites: ENERGY_SITES(graph),
        dispatcher: withCharging(makeDispatcher()),
        seed: 9,
        maxWaitS: 600,
        invalidCommands: 'record',
      }),
    },
    {
      // Everything at once: energy, cleaning every 4 trips and messes, maintenance every 40 min driven, assists every
      // ~8 km with two operators, and cars faulted, taken out and put back mid-run. One bay per centre: cars queue.
      label: 'operations: servicing, remote assistance and faults, with energy',
      operations: true,
      options: () => ({
        graph,
        travelTimes: tt,
        requests: randomRequests(graph, 300, 7200, 16),
        fleetSize: 16,
        spec: { batteryKwh: 3, energyKwhPerKm: 0.2, reserveKwh: 0.3 },
        chargingSites: ENERGY_SITES(graph),
        servicing: { centres: OPERATIONS_CENTRES(graph), cleanEveryTrips: 4, messProbability: 0.1, maintainEveryS: 2400 },
        assistance: { per1000Km: 120, operators: 2, serviceS: 120 },
        dispatcher: withServicing(withCharging(makeDispatcher())),
        seed: 10,
        maxWaitS: 600,
        invalidCommands: 'record',
      }),
    },
    {
      label: 'four seats, depots',
      options: () => ({ graph, travelTimes: tt, requests: randomRequests(graph, 300, 3600, 14, 3), fleetSize: 10, spec: { seats: 4 }, depots: [0, graph.nodeCount - 1], dispatcher: makeDispatcher(), seed: 8, maxWaitS: 600, invalidCommands: 'record' }),
    },
  ];

  describe(`dispatcher conformance: ${name}`, () => {
    for (const sc of scenarios) {
      describe(sc.label, () => {
        const opts = sc.options();
        let memo: SimResult | undefined;
        const run = (o: SimulateOptions): SimResult => (sc.operations ? simulateWithFaults(o) : simulate(o));
        const first = (): SimResult => (memo ??= run(opts));
        const seats = opts.spec?.seats ?? 2;
        const maxWaitS = opts.maxWaitS ?? 600;
        const energy = opts.chargingSites ? { batteryKwh: opts.spec!.batteryKwh!, reserveKwh: opts.spec!.reserveKwh! } : undefined;

        it('keeps every invariant (capacity, served once, onboard riders dropped, cancel exactly at maxWait, one terminal state each)', () => {
          const result = first();
          expect(logViolations(result.events, { seats, maxWaitS, energy })).toEqual([]);
          const k = result.summary.kpis;
          // Every request ends once: served, cancelled, rejected, or rescued (its riders then travel on as a new request).
          expect(k.served + k.cancelled + k.rejected + k.rescues).toBe(k.requests);
          expect(k.requests - k.rescues).toBe(opts.requests.length);
          if (sc.operations) {
            // The case binds: every kind of operation happens.
            expect(k.cleanings).toBeGreaterThan(0);
            expect(k.maintenances).toBeGreaterThan(0);
            expect(k.messesReported).toBeGreaterThan(0);
            expect(k.assists).toBeGreaterThan(0);
            expect(k.faults).toBeGreaterThan(0);
            expect(k.outOfService).toBeGreaterThan(k.faults);
            expect(k.rescues).toBeGreaterThan(0);
            expect(k.servedPct).toBeGreaterThan(20);
          } else if (energy) {
            // The case binds: cars charge, and still serve most requests.
            expect(k.chargingSessions).toBeGreaterThan(opts.fleetSize);
            expect(k.servedPct).toBeGreaterThan(30);
          }
        });

        it('is deterministic: same input, byte-identical NDJSON log', () => {
          const again = run(sc.options());
          expect(eventsToNdjson(again.events)).toBe(eventsToNdjson(first().events));
        });
      });
    }
  });
}

/** The conformance suite's city with a forecast from three earlier random "days" on it (for the rebalancing presets). */
export function conformanceCityForecast(): { city: RoadGraph; forecast: DemandForecast } {
  const { graph: city } = buildSyntheticCity({ seed: 3, widthM: 2400, heightM: 2400, blockM: 200 });
  const forecast = buildForecast(
    city,
    [0, 1, 2].map((k) => ({ date: `2024-01-0${k + 1}`, weight: 1, trips: randomRequests(city, 400, 3600, 90 + k) })),
    { date: '2024-01-04' },
    { resolution: 9 },
  );
  return { city, forecast };
}

/** How pooledAgainstBruteForce's run differs from its default. */
export interface BruteForceRun {
  /** Every request accepts sharing (default: all but every fourth). */
  everyoneShares?: boolean;
  /** Called before each batch: may change the planner's parameters, and returns the snapshot both planners see. */
  beforeBatch?: (planner: PooledPlanner, s: FleetSnapshot, nowS: number) => FleetSnapshot;
}

/**
 * Asserts that pooledAgainstBruteForce finds every batch of `pooled(options)` at brute force's least objective, with no
 * invariant broken, over more than ten batches that had trips to choose from.
 */
export function expectBatchesExact(options: PooledOptions): void {
  const { violations, mismatches, batches } = pooledAgainstBruteForce(options);
  expect(violations).toEqual([]);
  expect(mismatches).toEqual([]);
  expect(batches).toBeGreaterThan(10);
}

/**
 * Runs `pooled(options)` (unlimited candidates, so the choice is exact over every trip) on a small city with 3 cars and
 * 60 requests, comparing every batch's objective with brute force over every trip and stop order.
 */
export function pooledAgainstBruteForce(options: PooledOptions, run: BruteForceRun = {}): { violations: string[]; mismatches: string[]; batches: number } {
  const { graph } = buildSyntheticCity({ seed: 5, widthM: 1800, heightM: 1800, blockM: 200 });
  const requests = randomRequests(graph, 60, 1800, 41).map((t, i) => ({ ...t, acceptsSharing: run.everyoneShares === true || i % 4 !== 0 }));
  const inner = pooled({ maxVehiclesPerRequest: Infinity, maxPairTripsPerVehicle: Infinity, ...options });
  const mismatches: string[] = [];
  let batches = 0;
  const checked: Dispatcher = {
    name: 'pooled-checked',
    periodS: inner.periodS,
    decide(snapshot, nowS) {
      const s = run.beforeBatch ? run.beforeBatch(inner.planner, snapshot, nowS) : snapshot;
      const brute = inner.planner.bruteForce(s, nowS);
      const got = inner.planner.plan(s, nowS);
      if (got.objectiveS !== brute.objectiveS) mismatches.push(`t=${nowS}: got ${got.objectiveS} s, brute ${brute.objectiveS} s`);
      if (got.tripCount > 0) batches++;
      return got.commands;
    },
  };
  const { events } = simulate({ graph, travelTimes: new DijkstraTravelTimes(graph), requests, fleetSize: 3, dispatcher: checked, seed: 2, maxWaitS: 480 });
  return { violations: logViolations(events, { seats: 2, maxWaitS: 480 }), mismatches, batches };
}
