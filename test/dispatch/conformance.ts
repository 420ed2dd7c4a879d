// The conformance suite every dispatch strategy must pass: engine-level invariants checked on the event log, with and
// without energy (small batteries, so that cars must charge during the run, under the shared charging policy).
import { describe, expect, it } from 'vitest';
import type { PlacedTrip } from '../../src/core/demand/placed-trip.js';
import { withCharging } from '../../src/core/dispatch/charging.js';
import type { ChargingSite, Dispatcher } from '../../src/core/dispatch/types.js';
import type { RoadGraph } from '../../src/core/network/graph.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { Rng } from '../../src/core/random.js';
import { simulate, type SimResult, type SimulateOptions } from '../../src/core/simulate.js';
import { eventsToNdjson, type SimEvent } from '../../src/core/sim/events.js';

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
  let lastS = -Infinity;
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
        if (opts.energy && ev.purpose !== 'charge') {
          const left = soc.get(ev.vehicle) ?? opts.energy.batteryKwh;
          if (!(left >= opts.energy.reserveKwh - 1e-9)) bad.push(`vehicle ${ev.vehicle} starts a ${ev.purpose} leg at t=${ev.timeS} with ${left} kWh, below its reserve`);
        }
        break;
      case 'VehicleSentToCharge':
        sentToCharge++;
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
  for (const [r, v] of pickedBy) if (terminal.get(r) !== 'dropped off') bad.push(`request ${r} picked up by ${v} but never dropped off`);
  for (const [v, l] of load) if (l !== 0) bad.push(`vehicle ${v} ends with ${l} riders on board`);
  if (sentToCharge !== charged) bad.push(`${sentToCharge} cars sent to charge, ${charged} charged`);
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

/**
 * Runs the shared suite against a strategy (in the energy case wrapped in the shared charging policy). `makeDispatcher` must return a fresh dispatcher each call.
 *
 * @example runDispatcherConformance('greedy', () => greedy());
 */
export function runDispatcherConformance(name: string, makeDispatcher: () => Dispatcher): void {
  const { graph } = buildSyntheticCity({ seed: 3, widthM: 2400, heightM: 2400, blockM: 200 });
  const tt = new DijkstraTravelTimes(graph);
  const scenarios: { label: string; options: () => SimulateOptions }[] = [
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
      label: 'four seats, depots',
      options: () => ({ graph, travelTimes: tt, requests: randomRequests(graph, 300, 3600, 14, 3), fleetSize: 10, spec: { seats: 4 }, depots: [0, graph.nodeCount - 1], dispatcher: makeDispatcher(), seed: 8, maxWaitS: 600, invalidCommands: 'record' }),
    },
  ];

  describe(`dispatcher conformance: ${name}`, () => {
    for (const sc of scenarios) {
      describe(sc.label, () => {
        const opts = sc.options();
        let memo: SimResult | undefined;
        const first = (): SimResult => (memo ??= simulate(opts));
        const seats = opts.spec?.seats ?? 2;
        const maxWaitS = opts.maxWaitS ?? 600;
        const energy = opts.chargingSites ? { batteryKwh: opts.spec!.batteryKwh!, reserveKwh: opts.spec!.reserveKwh! } : undefined;

        it('keeps every invariant (capacity, served once, onboard riders dropped, cancel exactly at maxWait, one terminal state each)', () => {
          const result = first();
          expect(logViolations(result.events, { seats, maxWaitS, energy })).toEqual([]);
          const k = result.summary.kpis;
          expect(k.served + k.cancelled + k.rejected).toBe(opts.requests.length);
          if (energy) {
            // The case binds: cars charge, and still serve most requests.
            expect(k.chargingSessions).toBeGreaterThan(opts.fleetSize);
            expect(k.servedPct).toBeGreaterThan(30);
          }
        });

        it('is deterministic: same input, byte-identical NDJSON log', () => {
          const again = simulate(sc.options());
          expect(eventsToNdjson(again.events)).toBe(eventsToNdjson(first().events));
        });
      });
    }
  });
}
