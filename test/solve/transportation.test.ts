// TransportationSolver (decision record 0037): a class's units moved in bulk along shortest paths. It must reach the
// optimum of the row-by-row reference search on every problem (the plan may be another equally cheap one), give a
// valid plan of that cost, move a class's units together where they go together, and refuse malformed input by name.
import { describe, expect, it } from 'vitest';
import type { AssignmentProblem } from '../../src/core/solve/assignment.js';
import { TransportationSolver, type TransportationResult } from '../../src/core/solve/transportation.js';
import { Rng } from '../../src/core/random.js';
import { rebalancerShapedProblem, ReferenceAssignmentSolver, tieHeavyProblem } from './assignment-reference.js';

/** The cost of `got` as a plan of p, or NaN when it is none (a missing edge, a column over capacity, totals that disagree). */
function planCost(p: AssignmentProblem, got: TransportationResult): number {
  const load = new Int32Array(p.colCount);
  let total = 0;
  let assigned = 0;
  for (let r = 0; r < p.rowCount; r++) {
    const k = p.rowClass![r];
    const c = got.rowToCol[r];
    if (c < 0) {
      total += p.unassignedCost[k];
      continue;
    }
    let cheapest = Infinity;
    for (let e = p.rowFirst[k]; e < p.rowFirst[k + 1]; e++) if (p.col[e] === c) cheapest = Math.min(cheapest, p.cost[e]);
    if (cheapest === Infinity) return NaN;
    total += cheapest;
    load[c]++;
    assigned++;
  }
  for (let c = 0; c < p.colCount; c++) {
    if (load[c] > (p.colCapacity ? p.colCapacity[c] : 1) || got.colLoad[c] !== load[c]) return NaN;
  }
  return got.assignedCount === assigned && Math.abs(got.totalCost - total) <= 1e-9 * Math.max(1, Math.abs(total)) ? total : NaN;
}

/**
 * Rows the greedy start leaves to a search in a row-by-row solver (AssignmentSolver's: each row takes its class's
 * cheapest option while that has room, a tie with the penalty going to the column): one search each.
 */
function rowsLeftByGreedy(p: AssignmentProblem): number {
  const load = new Int32Array(p.colCount);
  let left = 0;
  for (let r = 0; r < p.rowCount; r++) {
    const k = p.rowClass![r];
    let best = p.unassignedCost[k];
    let bestCol = -1;
    for (let e = p.rowFirst[k]; e < p.rowFirst[k + 1]; e++) {
      if (p.cost[e] < best || (p.cost[e] === best && bestCol < 0)) {
        best = p.cost[e];
        bestCol = p.col[e];
      }
    }
    if (bestCol < 0) continue;
    if (load[bestCol] < (p.colCapacity ? p.colCapacity[bestCol] : 1)) load[bestCol]++;
    else left++;
  }
  return left;
}

/** Every row its own class: the problem written out with rowClass, for the rows-alone case. */
function withOwnClasses(p: AssignmentProblem): AssignmentProblem {
  return p.rowClass ? p : { ...p, rowClass: Int32Array.from({ length: p.rowCount }, (_, r) => r) };
}

describe('TransportationSolver', () => {
  it('reaches the optimum on random problems full of ties, with and without capacities, crowded classes and stay edges', () => {
    const rng = new Rng(37);
    const solver = new TransportationSolver();
    const reference = new ReferenceAssignmentSolver();
    let otherPlan = 0;
    let assigned = 0;
    let unassigned = 0;
    let searches = 0;
    let freeAfterGreedy = 0;
    for (let t = 0; t < 2000; t++) {
      const maxCost = t % 7 === 0 ? 30_000 : 2 + rng.int(7);
      const penalty = (): number => (rng.next() < 0.6 ? maxCost + 1 : rng.int(maxCost + 2));
      const p = withOwnClasses(tieHeavyProblem(rng, { withClasses: t % 2 === 0, withCapacity: t % 5 !== 0, maxEdges: 30, edgeCost: () => 1 + rng.int(maxCost), penalty }));
      const want = reference.solve(p);
      const got = solver.solve(p);
      expect(planCost(p, got)).toBe(want.totalCost);
      let same = true;
      for (let r = 0; r < p.rowCount && same; r++) same = got.rowToCol[r] === want.rowToCol[r];
      if (!same) otherPlan++;
      assigned += got.assignedCount;
      unassigned += p.rowCount - got.assignedCount;
      if (p.rowClass && t % 2 === 0) {
        searches += got.searches;
        freeAfterGreedy += rowsLeftByGreedy(p);
      }
    }
    expect(assigned).toBeGreaterThan(50_000);
    expect(unassigned).toBeGreaterThan(10_000);
    // The plans are the solver's own (not the reference's copied), and searches ran.
    expect(otherPlan).toBeGreaterThan(50);
    // With crowded classes a search moves several units: far fewer searches than the rows a row-by-row solver searches for.
    expect(freeAfterGreedy).toBeGreaterThan(10_000);
    expect(searches).toBeLessThan(0.7 * freeAfterGreedy);
  });

  it('reaches the optimum on rebalancer-shaped problems (stay at 0, penalty one above the dearest drive)', () => {
    const rng = new Rng(38);
    const solver = new TransportationSolver();
    const reference = new ReferenceAssignmentSolver();
    let toDummy = 0;
    for (let t = 0; t < 400; t++) {
      const p = rebalancerShapedProblem(rng, 30, 60, 500);
      const want = reference.solve(p);
      const got = solver.solve(p);
      expect(planCost(p, got)).toBe(want.totalCost);
      // The penalty is above every drive: as many cars placed as the reference places.
      expect(got.assignedCount).toBe(want.assignedCount);
      toDummy += p.rowCount - got.assignedCount;
    }
    expect(toDummy).toBeGreaterThan(5_000);
  });

  it('reaches the optimum where the edges do not pack (costs in tenths, negative, or above 32767)', () => {
    const rng = new Rng(39);
    const solver = new TransportationSolver();
    const reference = new ReferenceAssignmentSolver();
    for (let t = 0; t < 300; t++) {
      const p = withOwnClasses(tieHeavyProblem(rng, { withClasses: t % 2 === 0, withCapacity: t % 3 !== 0, maxEdges: 30, edgeCost: () => 1 + rng.int(8), penalty: () => rng.int(10) }));
      const cost = Float64Array.from(p.cost, (c, e) => (t % 3 === 0 ? c / 10 : t % 3 === 1 ? c - 4 : c + (e % 2) * 40_000));
      const q = { ...p, cost };
      const want = reference.solve(q);
      const got = solver.solve(q);
      expect(planCost(q, got)).toBeCloseTo(want.totalCost, 9);
    }
  });

  it('moves a class of ten cars bound for one cell in one search, and a displaced class along the path in bulk', () => {
    const solver = new TransportationSolver();
    // Ten rows of class 0, one column taking ten: the greedy start places them all, no search.
    const one = solver.solve({
      rowCount: 10, colCount: 1, rowClass: new Int32Array(10), rowFirst: Uint32Array.of(0, 1), col: Uint32Array.of(0),
      cost: Float64Array.of(5), unassignedCost: Float64Array.of(100), colCapacity: Int32Array.of(10),
    });
    expect(one.searches).toBe(0);
    expect(Array.from(one.rowToCol)).toEqual(new Array(10).fill(0));
    // Class 0 (rows 0–5) takes column 0 in the greedy start (cost 1; column 1 costs it 2). Class 1 (rows 6–11) needs
    // column 0 more (column 1 costs it 50) and finds it full: one search moves all six of class 0 on to column 1 and
    // class 1 into their places.
    const p: AssignmentProblem = {
      rowCount: 12, colCount: 2,
      rowClass: Int32Array.from({ length: 12 }, (_, r) => (r < 6 ? 0 : 1)),
      rowFirst: Uint32Array.of(0, 2, 4), col: Uint32Array.of(0, 1, 0, 1), cost: Float64Array.of(1, 2, 1, 50),
      unassignedCost: Float64Array.of(100, 100), colCapacity: Int32Array.of(6, 6),
    };
    const got = solver.solve(p);
    expect(got.totalCost).toBe(6 * 2 + 6 * 1);
    expect(got.searches).toBe(1);
    expect(Array.from(got.rowToCol)).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(got.totalCost).toBe(new ReferenceAssignmentSolver().solve(p).totalCost);
  });

  it('gives the same answer when reused across problems of other sizes (no state left behind)', () => {
    const rng = new Rng(40);
    const reused = new TransportationSolver();
    for (let t = 0; t < 200; t++) {
      const p = rebalancerShapedProblem(rng, t % 2 === 0 ? 40 : 5, 60, t % 3 === 0 ? 800 : 50);
      const a = reused.solve(p);
      const b = new TransportationSolver().solve(p);
      expect(Array.from(a.rowToCol)).toEqual(Array.from(b.rowToCol));
      expect(a.totalCost).toBe(b.totalCost);
    }
  });

  it('names what is malformed', () => {
    const solver = new TransportationSolver();
    const base: AssignmentProblem = {
      rowCount: 2, colCount: 1, rowClass: Int32Array.of(0, 0), rowFirst: Uint32Array.of(0, 1), col: Uint32Array.of(0),
      cost: Float64Array.of(1), unassignedCost: Float64Array.of(5), colCapacity: Int32Array.of(1),
    };
    expect(solver.solve(base).totalCost).toBe(6);
    expect(() => solver.solve({ ...base, rowClass: undefined })).toThrow(/rowClass is missing/);
    expect(() => solver.solve({ ...base, col: Uint32Array.of(3) })).toThrow(/col/);
    expect(() => solver.solve({ ...base, cost: Float64Array.of(NaN) })).toThrow(/cost/);
    expect(() => solver.solve({ ...base, rowClass: Int32Array.of(0, 4) })).toThrow(/rowClass/);
  });
});
