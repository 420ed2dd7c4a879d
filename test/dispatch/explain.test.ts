// Dispatch reasons (decision 0022): what greedy, batch and pooled say about each plan is true — greedy's chosen car is
// the nearest idle one and every car it lists was idle at the pickup ETA it states; batch lists real candidates and no
// swap it reports lowers the batch objective; pooled lists cars that could reach the request in time. And explaining
// changes no decision: the log with it on, less its PlanExplained events, is byte for byte the log with it off.
import { describe, expect, it } from 'vitest';
import { batch } from '../../src/core/dispatch/batch.js';
import { greedy } from '../../src/core/dispatch/greedy.js';
import { pooled } from '../../src/core/dispatch/pooled.js';
import { VehicleStatus, legTimeS, takesWork, type Command, type Dispatcher, type FleetSnapshot } from '../../src/core/dispatch/types.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { Simulation, simulate } from '../../src/core/simulate.js';
import { eventToJson, eventsToNdjson, type PlanExplained } from '../../src/core/sim/events.js';
import { packingBranchAndBound } from '../../src/core/solve/ilp.js';
import { loadHighsBinarySolver } from '../../src/io/highs-ilp.js';
import { randomRequests } from './conformance.js';

const { graph } = buildSyntheticCity({ seed: 7, widthM: 2400, heightM: 2400, blockM: 200 });
const travelTimes = new DijkstraTravelTimes(graph);
const requests = randomRequests(graph, 220, 2 * 3600, 11);
const MAX_WAIT_S = 600;

/** Runs `dispatcher` with explaining on; `check` sees each PlanExplained event as the engine writes it. */
function runExplained(dispatcher: Dispatcher, fleetSize: number, check: (ev: PlanExplained, sim: Simulation) => void, withGraph = true): Simulation {
  const sim = new Simulation({ ...(withGraph ? { graph } : {}), travelTimes, requests, fleetSize, dispatcher, seed: 3, maxWaitS: MAX_WAIT_S, explain: true });
  sim.engine.onEvent((ev) => {
    if (ev.kind === 'PlanExplained') check(ev, sim);
  });
  sim.run();
  return sim;
}

/**
 * Greedy's reason checked against the engine at the moment it is written: the chosen car's ETA is no later than any
 * listed car's; each listed car is idle and reaches the pickup in exactly the ETA stated; every other idle car is no
 * nearer than the last one listed, or (fewer than three listed) cannot arrive before the rider would cancel.
 */
function checkGreedy(dispatcher: Dispatcher, withGraph: boolean, fleetSize: number): { nearest: number; withAlternatives: number; problems: string[] } {
  const problems: string[] = [];
  let nearest = 0;
  let withAlternatives = 0;
  const predicted = new Map<number, number>();
  const sim = runExplained(
    dispatcher,
    fleetSize,
    (ev, s) => {
      const f = s.engine.fleet;
      const b = s.engine.book;
      const r = ev.request;
      predicted.set(r, ev.timeS + ev.pickupEtaS);
      if (ev.why !== 'nearest') return;
      nearest++;
      if (ev.alternatives.length > 0) withAlternatives++;
      const p = b.pickupNode[r];
      const slackS = b.requestS[r] + MAX_WAIT_S - ev.timeS;
      const listed = new Set(ev.alternatives.map((a) => a.vehicle));
      if (listed.size !== ev.alternatives.length || listed.has(ev.vehicle)) problems.push(`t=${ev.timeS} r${r}: alternatives repeat or hold the chosen car`);
      let last = ev.pickupEtaS;
      for (const a of ev.alternatives) {
        if (a.pickupEtaS < ev.pickupEtaS) problems.push(`t=${ev.timeS} r${r}: car ${a.vehicle} (${a.pickupEtaS} s) nearer than the chosen car ${ev.vehicle} (${ev.pickupEtaS} s)`);
        if (a.pickupEtaS < last) problems.push(`t=${ev.timeS} r${r}: alternatives not in ETA order`);
        last = a.pickupEtaS;
        if (f.status[a.vehicle] !== VehicleStatus.idle) problems.push(`t=${ev.timeS} r${r}: listed car ${a.vehicle} is not idle`);
        const eta = legTimeS(travelTimes, f.node[a.vehicle], p, ev.timeS);
        if (eta !== a.pickupEtaS) problems.push(`t=${ev.timeS} r${r}: car ${a.vehicle} stated ${a.pickupEtaS} s, travel time ${eta} s`);
      }
      for (let u = 0; u < f.size; u++) {
        if (u === ev.vehicle || listed.has(u) || f.status[u] !== VehicleStatus.idle) continue;
        const eta = legTimeS(travelTimes, f.node[u], p, ev.timeS);
        if (eta < ev.pickupEtaS) problems.push(`t=${ev.timeS} r${r}: idle car ${u} (${eta} s) beats the chosen car (${ev.pickupEtaS} s)`);
        if (ev.alternatives.length === 3 ? eta < last : eta <= slackS) problems.push(`t=${ev.timeS} r${r}: idle car ${u} (${eta} s) left off the alternatives`);
      }
    },
    withGraph,
  );
  // Greedy never moves a request: every rider is picked up exactly when its reason said.
  for (const ev of sim.events) {
    if (ev.kind === 'PickedUp' && predicted.get(ev.request) !== ev.timeS) problems.push(`r${ev.request}: picked up at ${ev.timeS}, predicted ${predicted.get(ev.request)}`);
  }
  return { nearest, withAlternatives, problems };
}

describe('dispatch reasons', () => {
  it('greedy: the chosen car is the nearest idle one, and the cars listed were idle at the stated ETAs (graph search, CH table, no graph)', () => {
    for (const [label, dispatcher, withGraph] of [
      ['reverse search', greedy({ tableBelowIdle: 0 }), true],
      ['few-idle table', greedy({ tableBelowIdle: 1000 }), true],
      ['no graph', greedy(), false],
    ] as const) {
      const got = checkGreedy(dispatcher, withGraph, 12);
      expect(got.problems, label).toEqual([]);
      expect(got.nearest, label).toBeGreaterThan(50);
      expect(got.withAlternatives, label).toBeGreaterThan(20);
    }
  });

  it('batch: the alternatives are real candidates (could take the request, in time, at the stated ETA) and no swap lowers the objective', () => {
    const problems: string[] = [];
    let reasons = 0;
    let swaps = 0;
    const inner = batch({ periodS: 20 });
    const checked: Dispatcher = {
      name: 'batch-checked',
      periodS: inner.periodS,
      decide(s: FleetSnapshot, nowS: number): Command[] {
        const commands = inner.decide(s, nowS);
        const taken = new Map<number, number[]>();
        for (const c of commands) if (c.kind === 'assign') taken.set(c.vehicle, c.stops.filter((x) => x.action === 'pickup').map((x) => x.request));
        for (const c of commands) {
          if (c.kind !== 'assign' || !c.reason) continue;
          reasons++;
          const r = c.reason.request;
          const deadline = s.requestS[r] + s.maxWaitS;
          if (!c.stops.some((x) => x.action === 'pickup' && x.request === r)) problems.push(`t=${nowS}: reason about r${r}, not on car ${c.vehicle}'s plan`);
          for (const a of [{ vehicle: c.vehicle, pickupEtaS: c.reason.pickupEtaS }, ...c.reason.alternatives]) {
            if (!takesWork(s.vehicleStatus[a.vehicle])) problems.push(`t=${nowS}: car ${a.vehicle} cannot take work`);
            if (nowS + a.pickupEtaS > deadline) problems.push(`t=${nowS}: car ${a.vehicle} reaches r${r} after its deadline`);
            if (s.vehicleStatus[a.vehicle] === VehicleStatus.idle && legTimeS(s.travelTimes, s.vehicleNode[a.vehicle], s.requestPickupNode[r], nowS) !== a.pickupEtaS) {
              problems.push(`t=${nowS}: idle car ${a.vehicle} stated ${a.pickupEtaS} s to r${r}`);
            }
          }
          for (const a of c.reason.alternatives) {
            if (a.vehicle === c.vehicle) problems.push(`t=${nowS}: the chosen car listed as its own alternative`);
            if (!(a.costS! >= -1e-9)) problems.push(`t=${nowS}: swapping car ${a.vehicle} in for r${r} lowers the objective by ${-a.costS!} s`);
            if (a.took !== undefined) {
              swaps++;
              const has = (taken.get(a.vehicle) ?? s.plan(a.vehicle).filter((x) => x.action === 'pickup').map((x) => x.request)).includes(a.took);
              if (!has) problems.push(`t=${nowS}: car ${a.vehicle} said to take r${a.took}, which is not on its plan`);
            }
          }
        }
        return commands;
      },
    };
    let events = 0;
    runExplained(checked, 14, () => events++);
    expect(problems).toEqual([]);
    expect(reasons).toBeGreaterThan(50);
    expect(events).toBe(reasons);
    expect(swaps).toBeGreaterThan(0);
  });

  it('pooled: a reason for every new trip, about a request on the plan, listing other cars that could reach it in time', async () => {
    const solver = packingBranchAndBound(await loadHighsBinarySolver());
    const problems: string[] = [];
    let reasons = 0;
    let shared = 0;
    const inner = pooled({ solver });
    const checked: Dispatcher = {
      name: 'pooled-checked',
      periodS: inner.periodS,
      decide(s, nowS) {
        const commands = inner.decide(s, nowS);
        for (const c of commands) {
          if (c.kind !== 'assign' || !c.reason) continue;
          reasons++;
          const why = c.reason;
          if (why.sharedWith !== undefined) shared++;
          const r = why.request;
          if (!c.stops.some((x) => x.action === 'pickup' && x.request === r)) problems.push(`t=${nowS}: reason about r${r}, not on car ${c.vehicle}'s plan`);
          const cars = why.alternatives.map((a) => a.vehicle);
          if (new Set(cars).size !== cars.length || cars.includes(c.vehicle)) problems.push(`t=${nowS}: alternatives repeat or hold the chosen car`);
          for (const a of [{ vehicle: c.vehicle, pickupEtaS: why.pickupEtaS }, ...why.alternatives]) {
            if (!takesWork(s.vehicleStatus[a.vehicle])) problems.push(`t=${nowS}: car ${a.vehicle} cannot take work`);
            if (a.pickupEtaS < 0 || nowS + a.pickupEtaS > s.requestS[r] + s.maxWaitS) problems.push(`t=${nowS}: car ${a.vehicle} ETA ${a.pickupEtaS} s to r${r} outside its wait`);
          }
        }
        return commands;
      },
    };
    runExplained(checked, 10, () => undefined);
    expect(problems).toEqual([]);
    expect(reasons).toBeGreaterThan(50);
    expect(shared).toBeGreaterThan(0);
  });

  it('explaining changes no decision: the log with it on, less PlanExplained, is the log with it off', async () => {
    const solver = packingBranchAndBound(await loadHighsBinarySolver());
    for (const make of [() => greedy(), () => batch(), () => pooled({ solver })]) {
      const run = (explain: boolean) => simulate({ graph, travelTimes, requests, fleetSize: 12, dispatcher: make(), seed: 3, maxWaitS: MAX_WAIT_S, ...(explain ? { explain } : {}) });
      const off = run(false);
      const on = run(true);
      const explained = on.events.filter((e) => e.kind === 'PlanExplained');
      expect(explained.length, make().name).toBeGreaterThan(0);
      expect(off.events.some((e) => e.kind === 'PlanExplained')).toBe(false);
      expect(eventsToNdjson(on.events.filter((e) => e.kind !== 'PlanExplained'))).toBe(eventsToNdjson(off.events));
      expect(on.summary.kpis).toEqual(off.summary.kpis);
    }
  });

  it('a PlanExplained event is one stable JSON line', () => {
    const ev: PlanExplained = { kind: 'PlanExplained', timeS: 60, vehicle: 12, request: 4, why: 'batch', pickupEtaS: 192, alternatives: [{ took: 5, costS: 31.04, pickupEtaS: 246, vehicle: 7 }], costS: 191 };
    expect(eventToJson(ev)).toBe('{"kind":"PlanExplained","timeS":60,"vehicle":12,"request":4,"why":"batch","pickupEtaS":192,"alternatives":[{"vehicle":7,"pickupEtaS":246,"costS":31,"took":5}],"costS":191}');
  });
});
