// The sparse assignment solver against brute force (small) and HiGHS's LP optimum (medium), plus hand-made cases.
import { describe, expect, it, beforeAll } from 'vitest';
import fc from 'fast-check';
import highsLoader, { type Highs } from 'highs';
import { AssignmentSolver, solveAssignment, type AssignmentProblem } from '../../src/core/solve/assignment.js';
import { Rng } from '../../src/core/random.js';

interface Edge {
  row: number;
  col: number;
  cost: number;
}

function toProblem(rowCount: number, colCount: number, edges: Edge[], penalty: number[], integer = false): AssignmentProblem {
  const sorted = [...edges].sort((a, b) => a.row - b.row);
  const rowFirst = new Uint32Array(rowCount + 1);
  for (const e of sorted) rowFirst[e.row + 1]++;
  for (let r = 0; r < rowCount; r++) rowFirst[r + 1] += rowFirst[r];
  return {
    rowCount,
    colCount,
    rowFirst,
    col: Uint32Array.from(sorted.map((e) => e.col)),
    cost: integer ? Int32Array.from(sorted.map((e) => e.cost)) : Float64Array.from(sorted.map((e) => e.cost)),
    unassignedCost: integer ? Int32Array.from(penalty) : Float64Array.from(penalty),
  };
}

/** Enumerates every assignment (each row: its dummy or one free candidate column). */
function bruteForce(p: AssignmentProblem): number {
  const used = new Uint8Array(p.colCount);
  let best = Infinity;
  const go = (r: number, acc: number): void => {
    if (r === p.rowCount) {
      best = Math.min(best, acc);
      return;
    }
    go(r + 1, acc + p.unassignedCost[r]);
    for (let k = p.rowFirst[r]; k < p.rowFirst[r + 1]; k++) {
      const c = p.col[k];
      if (used[c]) continue;
      used[c] = 1;
      go(r + 1, acc + p.cost[k]);
      used[c] = 0;
    }
  };
  go(0, 0);
  return best;
}

/** Checks the result is a valid assignment and that its reported cost is what it says. */
function checkConsistent(p: AssignmentProblem, res: ReturnType<typeof solveAssignment>): void {
  let total = 0;
  const seen = new Set<number>();
  for (let r = 0; r < p.rowCount; r++) {
    const c = res.rowToCol[r];
    if (c < 0) {
      total += p.unassignedCost[r];
      continue;
    }
    expect(seen.has(c)).toBe(false);
    seen.add(c);
    expect(res.colToRow[c]).toBe(r);
    let best = Infinity;
    for (let k = p.rowFirst[r]; k < p.rowFirst[r + 1]; k++) if (p.col[k] === c) best = Math.min(best, p.cost[k]);
    expect(best).toBeLessThan(Infinity);
    total += best;
  }
  for (let c = 0; c < p.colCount; c++) if (res.colToRow[c] >= 0) expect(res.rowToCol[res.colToRow[c]]).toBe(c);
  expect(res.totalCost).toBeCloseTo(total, 6);
}

const smallInstance = fc
  .record({ rows: fc.integer({ min: 0, max: 7 }), cols: fc.integer({ min: 0, max: 7 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      edges:
        cols === 0 || rows === 0
          ? fc.constant([] as Edge[])
          : fc.array(
              fc.record({
                row: fc.integer({ min: 0, max: rows - 1 }),
                col: fc.integer({ min: 0, max: cols - 1 }),
                cost: fc.integer({ min: -20, max: 60 }),
              }),
              { maxLength: rows * cols + 3 },
            ),
      penalty: fc.array(fc.integer({ min: 0, max: 70 }), { minLength: rows, maxLength: rows }),
    }),
  );

describe('solveAssignment', () => {
  it('solves a hand-made case where greedy is wrong', () => {
    // Row 0 prefers column 0 (1 vs 5); row 1 has only column 0 (cost 2). Optimum: row 0 → 1, row 1 → 0 = 7.
    const p = toProblem(2, 2, [
      { row: 0, col: 0, cost: 1 },
      { row: 0, col: 1, cost: 5 },
      { row: 1, col: 0, cost: 2 },
    ], [100, 100]);
    const res = solveAssignment(p);
    expect(Array.from(res.rowToCol)).toEqual([1, 0]);
    expect(res.totalCost).toBe(7);
    expect(res.assignedCount).toBe(2);
  });

  it('leaves a row unassigned when its penalty is cheaper than displacing another', () => {
    const p = toProblem(2, 1, [
      { row: 0, col: 0, cost: 1 },
      { row: 1, col: 0, cost: 2 },
    ], [10, 3]);
    const res = solveAssignment(p);
    expect(Array.from(res.rowToCol)).toEqual([0, -1]);
    expect(res.totalCost).toBe(4);
  });

  it('handles empty problems and rows without candidates', () => {
    expect(solveAssignment(toProblem(0, 0, [], [])).totalCost).toBe(0);
    const res = solveAssignment(toProblem(2, 3, [], [4, 5]));
    expect(Array.from(res.rowToCol)).toEqual([-1, -1]);
    expect(Array.from(res.colToRow)).toEqual([-1, -1, -1]);
    expect(res.totalCost).toBe(9);
  });

  it('rejects malformed input naming the field', () => {
    const p = toProblem(1, 1, [{ row: 0, col: 0, cost: 1 }], [1]);
    expect(() => solveAssignment({ ...p, col: Uint32Array.of(3) })).toThrow(/col\[0\]/);
    expect(() => solveAssignment({ ...p, unassignedCost: Float64Array.of(Infinity) })).toThrow(/unassignedCost\[0\]/);
    expect(() => solveAssignment({ ...p, rowFirst: Uint32Array.of(0) })).toThrow(/rowFirst/);
  });

  it('equals brute force on small random instances (float and integer costs, reused solver)', () => {
    const solver = new AssignmentSolver();
    fc.assert(
      fc.property(smallInstance, fc.boolean(), ({ rows, cols, edges, penalty }, integer) => {
        const p = toProblem(rows, cols, edges, penalty, integer);
        const res = solver.solve(p);
        checkConsistent(p, res);
        expect(res.totalCost).toBeCloseTo(bruteForce(p), 9);
      }),
      { numRuns: 1500 },
    );
  });

  it('equals brute force with fractional costs', () => {
    fc.assert(
      fc.property(smallInstance, fc.double({ min: 0.01, max: 3, noNaN: true }), ({ rows, cols, edges, penalty }, scale) => {
        const p = toProblem(rows, cols, edges.map((e) => ({ ...e, cost: e.cost * scale + 0.1 * e.col })), penalty.map((x) => x * scale));
        const res = solveAssignment(p);
        checkConsistent(p, res);
        expect(res.totalCost).toBeCloseTo(bruteForce(p), 6);
      }),
      { numRuns: 500 },
    );
  });
});

describe('solveAssignment against HiGHS', () => {
  let highs: Highs;
  beforeAll(async () => {
    highs = await highsLoader();
  });

  /** The assignment LP (integral: a bipartite matching polytope with unit dummy columns). */
  function lpOptimum(p: AssignmentProblem): number {
    const e = p.rowFirst[p.rowCount];
    const numCols = e + p.rowCount;
    const starts = new Int32Array(numCols + 1);
    const indices: number[] = [];
    const values: number[] = [];
    const colCost = new Float64Array(numCols);
    let k = 0;
    for (let r = 0; r < p.rowCount; r++) {
      for (let q = p.rowFirst[r]; q < p.rowFirst[r + 1]; q++) {
        colCost[k] = p.cost[q];
        indices.push(r, p.rowCount + p.col[q]);
        values.push(1, 1);
        starts[++k] = indices.length;
      }
    }
    for (let r = 0; r < p.rowCount; r++) {
      colCost[k] = p.unassignedCost[r];
      indices.push(r);
      values.push(1);
      starts[++k] = indices.length;
    }
    const numRows = p.rowCount + p.colCount;
    const rowLower = new Float64Array(numRows);
    const rowUpper = new Float64Array(numRows).fill(1);
    for (let r = 0; r < p.rowCount; r++) rowLower[r] = 1;
    const model = highs.createModel({
      numCols,
      numRows,
      colCost,
      colLower: new Float64Array(numCols),
      colUpper: new Float64Array(numCols).fill(1),
      rowLower,
      rowUpper,
      matrix: { format: 'csc', numRows, numCols, starts, indices: Int32Array.from(indices), values: Float64Array.from(values) },
    });
    try {
      model.options.set({ output_flag: false });
      model.run();
      expect(model.getModelStatus()).toBe(highs.constants.modelStatus.optimal);
      return model.getObjectiveValue();
    } finally {
      model.dispose();
    }
  }

  function randomProblem(rng: Rng, rows: number, cols: number, perRow: number): AssignmentProblem {
    const edges: Edge[] = [];
    for (let r = 0; r < rows; r++) {
      const degree = rng.int(perRow + 1);
      for (let d = 0; d < degree; d++) edges.push({ row: r, col: rng.int(cols), cost: Math.round(rng.range(0, 1000)) / 10 });
    }
    const penalty = Array.from({ length: rows }, () => Math.round(rng.range(20, 120)));
    return toProblem(rows, cols, edges, penalty);
  }

  it('matches the LP optimum on medium sparse random instances', () => {
    const rng = new Rng(7);
    const solver = new AssignmentSolver();
    const shapes: [number, number, number][] = [
      [60, 60, 6], [60, 40, 8], [40, 60, 5], [80, 80, 3], [60, 60, 12], [100, 30, 6], [30, 100, 10],
    ];
    for (let t = 0; t < 30; t++) {
      const [rows, cols, perRow] = shapes[t % shapes.length];
      const p = randomProblem(rng, rows, cols, perRow);
      const res = solver.solve(p);
      checkConsistent(p, res);
      expect(res.totalCost).toBeCloseTo(lpOptimum(p), 6);
    }
  });
});
