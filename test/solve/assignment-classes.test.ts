// AssignmentSolver with rows in classes (rowClass: the rebalancer's idle cars on one road node) gives exactly the
// answer (same row → column, not only the same cost) it gives on the problem with every row's edges written out: random problems with many rows per class, integer costs with
// many ties (and costs in tenths, inexact in binary), capacities and cost-0 "stay" edges, as the rebalancer builds them.
import { describe, expect, it } from 'vitest';
import { AssignmentSolver, type AssignmentProblem } from '../../src/core/solve/assignment.js';
import { Rng } from '../../src/core/random.js';

type ClassProblem = AssignmentProblem & { rowClass: Int32Array };

function randomClassProblem(rng: Rng, rows: number, classes: number, cols: number, perClass: number, duplicatePairs: boolean, tenths = false): ClassProblem {
  const draw = (): number => (tenths ? (10 + rng.int(120)) / 10 : 1 + rng.int(12));
  const classFirst = new Uint32Array(classes + 1);
  const col: number[] = [];
  const cost: number[] = [];
  for (let k = 0; k < classes; k++) {
    // Most classes have a cost-0 edge first (the cell they stand in), then edges with small integer costs (ties).
    if (rng.next() < 0.8) {
      col.push(rng.int(cols));
      cost.push(0);
    }
    const n = rng.int(perClass + 1);
    for (let e = 0; e < n; e++) {
      col.push(rng.int(cols));
      cost.push(draw());
    }
    if (duplicatePairs && n > 0 && rng.next() < 0.3) {
      col.push(col[col.length - 1]);
      cost.push(draw());
    }
    classFirst[k + 1] = col.length;
  }
  const rowClass = new Int32Array(rows);
  for (let r = 0; r < rows; r++) rowClass[r] = rng.next() < 0.5 ? rng.int(Math.max(1, classes >> 3)) : rng.int(classes);
  return {
    rowCount: rows,
    colCount: cols,
    rowClass,
    rowFirst: classFirst,
    col: Uint32Array.from(col),
    cost: Float64Array.from(cost),
    unassignedCost: Float64Array.from({ length: classes }, () => (rng.next() < 0.9 ? 13 : 1 + rng.int(13))),
    colCapacity: Int32Array.from({ length: cols }, () => rng.int(Math.max(2, (2 * rows) / cols))),
  };
}

/** The same problem with every row's edges written out, as the rebalancer built it before classes. */
function expanded(p: ClassProblem): AssignmentProblem {
  const rowFirst = new Uint32Array(p.rowCount + 1);
  const col: number[] = [];
  const cost: number[] = [];
  const unassignedCost = new Float64Array(p.rowCount);
  for (let r = 0; r < p.rowCount; r++) {
    const k = p.rowClass[r];
    for (let e = p.rowFirst[k]; e < p.rowFirst[k + 1]; e++) {
      col.push(p.col[e]);
      cost.push(p.cost[e]);
    }
    rowFirst[r + 1] = col.length;
    unassignedCost[r] = p.unassignedCost[k];
  }
  return { rowCount: p.rowCount, colCount: p.colCount, rowFirst, col: Uint32Array.from(col), cost: Float64Array.from(cost), unassignedCost, colCapacity: p.colCapacity };
}

describe('assignment with rows in classes', () => {
  it('assigns every row exactly as on the written-out problem (one solver reused across both kinds)', () => {
    const rng = new Rng(20);
    const classSolver = new AssignmentSolver();
    const rowSolver = classSolver;
    let moved = 0;
    for (let t = 0; t < 400; t++) {
      const cols = 1 + rng.int(30);
      const classes = 1 + rng.int(60);
      const rows = rng.int(400);
      const p = randomClassProblem(rng, rows, classes, cols, 1 + rng.int(cols), t % 2 === 1, t % 3 === 2);
      const got = classSolver.solve(p).rowToCol;
      const want = rowSolver.solve(expanded(p)).rowToCol;
      expect(Array.from(got)).toEqual(Array.from(want));
      for (let r = 0; r < rows; r++) if (got[r] >= 0 && p.cost[p.rowFirst[p.rowClass[r]]] !== 0) moved++;
    }
    expect(moved).toBeGreaterThan(1000); // the instances do move rows, through full columns
  });

  it('names the malformed field', () => {
    const p = randomClassProblem(new Rng(1), 5, 3, 4, 2, false);
    expect(() => new AssignmentSolver().solve({ ...p, rowClass: Int32Array.of(0, 1, 2, 3, 0) })).toThrow(/rowClass\[3\] is 3/);
    expect(() => new AssignmentSolver().solve({ ...p, colCount: 0 })).toThrow(/col\[0\]/);
  });
});
