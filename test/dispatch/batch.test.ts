// Batch dispatcher: the shared conformance suite, optimality of each built batch against brute force, exact arrival
// predictions, no re-issued plans, and reassignment when a better car frees up.
import { describe, expect, it } from 'vitest';
import type { PlacedTrip } from '../../src/core/demand/placed-trip.js';
import { batch, batchCommands, buildBatchProblem, newBatchState, type BatchOptions } from '../../src/core/dispatch/batch.js';
import { VehicleStatus, legTimeS, type Dispatcher } from '../../src/core/dispatch/types.js';
import { street, trip as streetTrip } from '../street.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes, type SpeedProfile } from '../../src/core/network/travel-times.js';
import { buildContractionHierarchy, ChTravelTimes } from '../../src/core/network/ch.js';
import { simulate } from '../../src/core/simulate.js';
import { AssignmentSolver, type AssignmentProblem } from '../../src/core/solve/assignment.js';
import { randomRequests, runDispatcherConformance } from './conformance.js';

runDispatcherConformance('batch', () => batch());
runDispatcherConformance('batch (period 7 s, chaining after drop-off)', () => batch({ periodS: 7, chainAfterDropoff: true, soonFreeS: 300 }));

/** Minimum total cost over every partial one-to-one assignment (rows may stay on their dummy). */
function bruteForce(p: AssignmentProblem): number {
  const used = new Uint8Array(p.colCount);
  const rec = (r: number): number => {
    if (r === p.rowCount) return 0;
    let best = p.unassignedCost[r] + rec(r + 1);
    for (let k = p.rowFirst[r]; k < p.rowFirst[r + 1]; k++) {
      const c = p.col[k];
      if (used[c]) continue;
      used[c] = 1;
      best = Math.min(best, p.cost[k] + rec(r + 1));
      used[c] = 0;
    }
    return best;
  };
  return rec(0);
}

/** Runs the batch pipeline step by step, checking each small batch against brute force and each idle car's edge. */
function checkedBatch(options: BatchOptions, log: { checked: number; problems: string[] }): Dispatcher {
  const state = newBatchState();
  const solver = new AssignmentSolver();
  return {
    name: 'batch-checked',
    periodS: options.periodS ?? 30,
    decide(s, nowS) {
      const b = buildBatchProblem(s, nowS, options, state);
      const res = solver.solve(b.problem);
      const p = b.problem;
      if (p.rowCount <= 6 && p.colCount <= 8) {
        log.checked++;
        const best = bruteForce(p);
        if (Math.abs(best - res.totalCost) > 1e-9) log.problems.push(`t=${nowS}: solver ${res.totalCost}, brute force ${best}`);
      }
      // Every candidate pickup is within the max wait; idle cars' arrivals are the engine's legs from now.
      for (let i = 0; i < p.rowCount; i++) {
        const r = b.rows[i];
        for (let k = p.rowFirst[i]; k < p.rowFirst[i + 1]; k++) {
          const v = b.cols[p.col[k]];
          if (b.arrivalS[k] > s.requestS[r] + s.maxWaitS) log.problems.push(`t=${nowS}: r${r} v${v} arrives too late`);
          if (s.vehicleStatus[v] === VehicleStatus.idle) {
            const want = nowS + legTimeS(s.travelTimes, s.vehicleNode[v], s.requestPickupNode[r], nowS);
            if (b.arrivalS[k] !== want) log.problems.push(`t=${nowS}: r${r} idle v${v} predicted ${b.arrivalS[k]}, engine ${want}`);
          }
        }
      }
      const commands = batchCommands(s, b, res.rowToCol);
      for (const c of commands) {
        if (c.kind !== 'assign') continue;
        const cur = s.plan(c.vehicle);
        if (cur.length === c.stops.length && cur.every((x, i) => x.action === c.stops[i].action && x.request === c.stops[i].request)) {
          log.problems.push(`t=${nowS}: v${c.vehicle} re-issued its own plan`);
        }
      }
      return commands;
    },
  };
}

describe('batch specifics', () => {
  const { graph } = buildSyntheticCity({ seed: 4, widthM: 3000, heightM: 3000, blockM: 200 });
  const tt = new DijkstraTravelTimes(graph);

  it('solves every small batch to the brute-force optimum, with engine-exact idle arrivals and no repeated plans', () => {
    for (const options of [{ periodS: 20 }, { periodS: 45, chainAfterDropoff: true, soonFreeS: 600 }] satisfies BatchOptions[]) {
      const log = { checked: 0, problems: [] as string[] };
      simulate({ graph, travelTimes: tt, requests: randomRequests(graph, 60, 3600, 31), fleetSize: 4, dispatcher: checkedBatch(options, log), seed: 2, maxWaitS: 420 });
      expect(log.problems).toEqual([]);
      expect(log.checked).toBeGreaterThan(20);
    }
  });

  it('finds the same candidates by reverse sweeps of the road graph as by CH tables (every batch, every edge)', () => {
    // Two hours across an hour boundary with different factors, a cut at 3 candidates so the sweep stops early,
    // chaining on so cars free later than now (other departure hours) and current cars beyond the cut take part.
    const rush: SpeedProfile = { hourlyFactors: Array.from({ length: 24 }, (_, h) => (h % 2 === 0 ? 1.3 : 0.9)) };
    const ch = buildContractionHierarchy(graph);
    for (const tt of [new DijkstraTravelTimes(graph), new ChTravelTimes(graph, ch, rush)]) {
      for (const maxCandidatesPerRequest of [3, 48]) {
        const base: BatchOptions = { periodS: 20, chainAfterDropoff: true, soonFreeS: 300, maxCandidatesPerRequest };
        const tables = newBatchState();
        const sweeps = newBatchState();
        const solver = new AssignmentSolver();
        let compared = 0;
        let edges = 0;
        const problems: string[] = [];
        const d: Dispatcher = {
          name: 'batch-both',
          periodS: 20,
          decide(s, nowS) {
            const a = buildBatchProblem(s, nowS, { ...base, sweepAbovePairs: Number.POSITIVE_INFINITY }, tables);
            const b = buildBatchProblem(s, nowS, { ...base, sweepAbovePairs: 0 }, sweeps);
            compared++;
            edges += a.problem.col.length;
            const same =
              [...a.problem.rowFirst].join() === [...b.problem.rowFirst].join() &&
              [...a.problem.col].join() === [...b.problem.col].join() &&
              [...a.problem.cost].join() === [...b.problem.cost].join() &&
              [...a.arrivalS].join() === [...b.arrivalS].join() &&
              [...a.problem.unassignedCost].join() === [...b.problem.unassignedCost].join();
            if (!same) problems.push(`t=${nowS}: tables ${[...a.problem.col].join()} / sweeps ${[...b.problem.col].join()}`);
            return batchCommands(s, a, solver.solve(a.problem).rowToCol);
          },
        };
        simulate({ graph, travelTimes: tt, requests: randomRequests(graph, 400, 7200, 33, 1), fleetSize: 14, dispatcher: d, seed: 5 });
        expect(problems).toEqual([]);
        expect(compared).toBeGreaterThan(300);
        expect(edges).toBeGreaterThan(1000);
      }
    }
  });

  it('predicts pickups exactly: every assigned request is picked up when the batch said (chained cars included)', () => {
    const predicted = new Map<number, number>();
    const state = newBatchState();
    const solver = new AssignmentSolver();
    const options: BatchOptions = { periodS: 15, chainAfterDropoff: true, soonFreeS: 600, reassignMarginS: 1e6 };
    const d: Dispatcher = {
      name: 'batch-predicting',
      periodS: 15,
      decide(s, nowS) {
        const b = buildBatchProblem(s, nowS, options, state);
        const { rowToCol } = solver.solve(b.problem);
        for (let i = 0; i < b.rows.length; i++) {
          for (let k = b.problem.rowFirst[i]; k < b.problem.rowFirst[i + 1]; k++) if (b.problem.col[k] === rowToCol[i]) predicted.set(b.rows[i], b.arrivalS[k]);
        }
        return batchCommands(s, b, rowToCol);
      },
    };
    const { events } = simulate({ graph, travelTimes: tt, requests: randomRequests(graph, 150, 3600, 32), fleetSize: 6, dispatcher: d, seed: 3 });
    const pickups = events.filter((e) => e.kind === 'PickedUp');
    expect(pickups.length).toBeGreaterThan(50);
    // With reassignment switched off (huge margin) a request keeps the car and the time it was first given.
    for (const e of pickups) if (e.kind === 'PickedUp') expect(e.timeS).toBe(predicted.get(e.request));
  });

  it('moves a request to a car that frees up nearer than the one driving to it', () => {
    // A 7-node street, 60 s per edge. Car 0 idles at node 0; car 1 starts at node 6 carrying request 0 (6 → 4).
    const g = street('batch-test', 7);
    const trip = (id: string, requestS: number, p: number, q: number): PlacedTrip => streetTrip(g, id, requestS, p, q);
    // Request 1 (at node 5) comes at t=40: car 0 is 300 s away, car 1 drops off at node 4 at 150 and is free at 180.
    const requests = [trip('ride', 0, 6, 4), trip('late', 40, 5, 6)];
    // Without chaining, car 1 takes it once its rider is off (150, free at 180); with chaining, as soon as its
    // drop-off ends within 120 s (60).
    for (const [options, reassignS] of [[{ periodS: 10, chainAfterDropoff: false }, 150], [{ periodS: 10, chainAfterDropoff: true, soonFreeS: 120 }, 60]] as const) {
      const { events } = simulate({ graph: g, travelTimes: new DijkstraTravelTimes(g), requests, fleetSize: 2, depots: [0, 6], dispatcher: batch(options), seed: 1 });
      const assigned = events.filter((e) => e.kind === 'RequestAssigned' && e.request === 1);
      expect(assigned.map((e) => e.kind === 'RequestAssigned' && [e.timeS, e.vehicle, e.previousVehicle])).toEqual([
        [40, 0, -1],
        [reassignS, 1, 0],
      ]);
      const pick = events.find((e) => e.kind === 'PickedUp' && e.request === 1);
      expect(pick && pick.kind === 'PickedUp' && [pick.vehicle, pick.timeS]).toEqual([1, 240]);
    }
  });
});
