// AssignmentProblem.scanByCost (decision record 0033): each class's edges scanned cheapest first, a scan cut at the
// first edge that cannot label a column at or below the search's best dummy. The total cost must stay exactly the
// optimum (the reference search's); which of equally cheap answers comes out may change, so these tests check the
// optimum and that the answer is a valid plan of that cost, not the row → column. Random problems full of ties
// (costs 1–8, cost-0 stay edges, duplicate pairs, penalties equal to edge costs), with and without capacities and
// classes, one solver reused across problems with and without the option (a sorted order left behind would show).
import { describe, expect, it } from 'vitest';
import { AssignmentSolver, type AssignmentProblem, type AssignmentResult } from '../../src/core/solve/assignment.js';
import { Rng } from '../../src/core/random.js';
import { rebalancerShapedProblem, ReferenceAssignmentSolver, tieHeavyProblem } from './assignment-reference.js';

function randomProblem(rng: Rng, withClasses: boolean, withCapacity: boolean, maxCost: number): AssignmentProblem {
  // Penalties mostly one above the dearest edge (the rebalancer's), else anywhere in the edges' range (ties with them).
  const penalty = (): number => (rng.next() < 0.6 ? maxCost + 1 : rng.int(maxCost + 2));
  return tieHeavyProblem(rng, { withClasses, withCapacity, maxEdges: 30, edgeCost: () => 1 + rng.int(maxCost), penalty });
}

/** The cost of `got` as a plan of p, or NaN when it is none (an edge that does not exist, a column over capacity, loads or totals that disagree). */
function planCost(p: AssignmentProblem, got: AssignmentResult): number {
  const load = new Int32Array(p.colCount);
  let total = 0;
  let assigned = 0;
  for (let r = 0; r < p.rowCount; r++) {
    const k = p.rowClass ? p.rowClass[r] : r;
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
    if (got.colToRow[c] >= 0 ? got.rowToCol[got.colToRow[c]] !== c : load[c] !== 0) return NaN;
  }
  return got.assignedCount === assigned && got.totalCost === total ? total : NaN;
}

describe('assignment with scanByCost', () => {
  it('finds the optimum total cost on random problems full of ties, with and without capacities, classes and stay edges', () => {
    const rng = new Rng(33);
    const solver = new AssignmentSolver();
    const reference = new ReferenceAssignmentSolver();
    let otherPlan = 0;
    let unassigned = 0;
    let assigned = 0;
    for (let t = 0; t < 2000; t++) {
      const maxCost = t % 7 === 0 ? 30_000 : 2 + rng.int(7);
      const p = randomProblem(rng, t % 2 === 0, t % 5 !== 0, maxCost);
      const want = reference.solve(p);
      const got = solver.solve({ ...p, scanByCost: true });
      expect(planCost(p, got)).toBe(want.totalCost);
      // Without the option the same solver still gives the reference's answer, row for row.
      if (t % 4 === 0) expect(Array.from(solver.solve(p).rowToCol)).toEqual(Array.from(want.rowToCol));
      let same = true;
      for (let r = 0; r < p.rowCount && same; r++) same = got.rowToCol[r] === want.rowToCol[r];
      if (!same) otherPlan++;
      assigned += got.assignedCount;
      unassigned += p.rowCount - got.assignedCount;
    }
    // Both ends are exercised, and the cut scans do reach other equally cheap plans (the option is in effect).
    expect(assigned).toBeGreaterThan(50_000);
    expect(unassigned).toBeGreaterThan(10_000);
    expect(otherPlan).toBeGreaterThan(50);
  });

  it('finds the optimum on rebalancer-shaped problems (stay at 0, penalty one above the dearest drive, most searches closed)', () => {
    const rng = new Rng(34);
    const solver = new AssignmentSolver();
    const reference = new ReferenceAssignmentSolver();
    let toDummy = 0;
    for (let t = 0; t < 400; t++) {
      const p = rebalancerShapedProblem(rng, 30, 60, 500);
      const rows = p.rowCount;
      const want = reference.solve(p);
      const got = solver.solve({ ...p, scanByCost: true });
      expect(planCost(p, got)).toBe(want.totalCost);
      toDummy += rows - got.assignedCount;
    }
    expect(toDummy).toBeGreaterThan(5_000);
  });

  it('is ignored where the edges do not pack (costs in tenths, negative, or above 32767): the reference answer', () => {
    const rng = new Rng(35);
    const solver = new AssignmentSolver();
    const reference = new ReferenceAssignmentSolver();
    for (let t = 0; t < 300; t++) {
      const p = randomProblem(rng, t % 2 === 0, t % 3 !== 0, 8);
      const cost = Float64Array.from(p.cost, (c, e) => (t % 3 === 0 ? c / 10 : t % 3 === 1 ? c - 4 : c + (e % 2) * 40_000));
      const q = { ...p, cost };
      const want = reference.solve(q);
      const got = solver.solve({ ...q, scanByCost: true });
      expect(Array.from(got.rowToCol)).toEqual(Array.from(want.rowToCol));
      expect(got.totalCost).toBe(want.totalCost);
    }
  });
});
