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

function toProblem(rowCount: number, colCount: number, edges: Edge[], penalty: number[], integer = false, capacity?: number[]): AssignmentProblem {
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
    ...(capacity ? { colCapacity: Uint32Array.from(capacity) } : {}),
  };
}

const capacityOf = (p: AssignmentProblem, c: number): number => (p.colCapacity ? p.colCapacity[c] : 1);

/** Enumerates every assignment (each row: its dummy or one candidate column with room left). */
function bruteForce(p: AssignmentProblem): number {
  const used = new Int32Array(p.colCount);
  let best = Infinity;
  const go = (r: number, acc: number): void => {
    if (r === p.rowCount) {
      best = Math.min(best, acc);
      return;
    }
    go(r + 1, acc + p.unassignedCost[r]);
    for (let k = p.rowFirst[r]; k < p.rowFirst[r + 1]; k++) {
      const c = p.col[k];
      if (used[c] >= capacityOf(p, c)) continue;
      used[c]++;
      go(r + 1, acc + p.cost[k]);
      used[c]--;
    }
  };
  go(0, 0);
  return best;
}

/** Checks the result is a valid assignment and that its reported cost is what it says. */
function checkConsistent(p: AssignmentProblem, res: ReturnType<typeof solveAssignment>): void {
  let total = 0;
  const load = new Int32Array(p.colCount);
  for (let r = 0; r < p.rowCount; r++) {
    const c = res.rowToCol[r];
    if (c < 0) {
      total += p.unassignedCost[r];
      continue;
    }
    load[c]++;
    expect(load[c]).toBeLessThanOrEqual(capacityOf(p, c));
    if (capacityOf(p, c) === 1) expect(res.colToRow[c]).toBe(r);
    let best = Infinity;
    for (let k = p.rowFirst[r]; k < p.rowFirst[r + 1]; k++) if (p.col[k] === c) best = Math.min(best, p.cost[k]);
    expect(best).toBeLessThan(Infinity);
    total += best;
  }
  for (let c = 0; c < p.colCount; c++) {
    expect(res.colLoad[c]).toBe(load[c]);
    if (res.colToRow[c] >= 0) expect(res.rowToCol[res.colToRow[c]]).toBe(c);
    else expect(load[c]).toBe(0);
  }
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

  it('equals brute force with column capacities 0–3 (the transportation problem)', () => {
    const solver = new AssignmentSolver();
    fc.assert(
      fc.property(smallInstance, fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 7, maxLength: 7 }), ({ rows, cols, edges, penalty }, caps) => {
        const p = toProblem(rows, cols, edges, penalty, false, caps.slice(0, cols));
        const res = solver.solve(p);
        checkConsistent(p, res);
        expect(res.totalCost).toBeCloseTo(bruteForce(p), 9);
      }),
      { numRuns: 1500 },
    );
  });

  it('gives a column of capacity k up to k rows, and a column of capacity 0 none', () => {
    // Three rows all cheapest on column 0 (capacity 2); column 1 (capacity 0) would be cheaper still for row 2.
    const p = toProblem(3, 3, [
      { row: 0, col: 0, cost: 1 }, { row: 0, col: 2, cost: 9 },
      { row: 1, col: 0, cost: 2 }, { row: 1, col: 2, cost: 4 },
      { row: 2, col: 0, cost: 1 }, { row: 2, col: 1, cost: 0 }, { row: 2, col: 2, cost: 8 },
    ], [50, 50, 50], false, [2, 0, 5]);
    const res = solveAssignment(p);
    expect(Array.from(res.rowToCol)).toEqual([0, 2, 0]);
    expect(Array.from(res.colLoad)).toEqual([2, 0, 1]);
    expect(res.totalCost).toBe(6);
    expect(() => solveAssignment({ ...p, colCapacity: Uint32Array.of(1, 1) })).toThrow(/colCapacity/);
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
    for (let c = 0; c < p.colCount; c++) rowUpper[p.rowCount + c] = capacityOf(p, c);
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

  function randomProblem(rng: Rng, rows: number, cols: number, perRow: number, maxCapacity = 1): AssignmentProblem {
    const edges: Edge[] = [];
    for (let r = 0; r < rows; r++) {
      const degree = rng.int(perRow + 1);
      for (let d = 0; d < degree; d++) edges.push({ row: r, col: rng.int(cols), cost: Math.round(rng.range(0, 1000)) / 10 });
    }
    const penalty = Array.from({ length: rows }, () => Math.round(rng.range(20, 120)));
    const capacity = maxCapacity > 1 ? Array.from({ length: cols }, () => rng.int(maxCapacity + 1)) : undefined;
    return toProblem(rows, cols, edges, penalty, false, capacity);
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

  it('matches the LP optimum with column capacities (many rows onto few columns, as cars onto zones)', () => {
    const rng = new Rng(11);
    const solver = new AssignmentSolver();
    const shapes: [number, number, number, number][] = [
      [200, 20, 8, 12], [300, 40, 40, 10], [120, 60, 10, 3], [80, 10, 10, 6],
    ];
    for (let t = 0; t < 16; t++) {
      const [rows, cols, perRow, maxCapacity] = shapes[t % shapes.length];
      const p = randomProblem(rng, rows, cols, perRow, maxCapacity);
      const res = solver.solve(p);
      checkConsistent(p, res);
      expect(res.totalCost).toBeCloseTo(lpOptimum(p), 6);
    }
  });
});
