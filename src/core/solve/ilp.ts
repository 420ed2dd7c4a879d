// The 0/1 integer program contract that exact dispatchers hand to a solver (HiGHS lives in io/, behind this seam),
// plus an exhaustive reference solver for tiny programs and tests.

/**
 * minimise Σ cost[j]·x[j] subject to rowLower[i] ≤ Σ_j A[i][j]·x[j] ≤ rowUpper[i], x ∈ {0,1}^colCount.
 * A is given column-wise (CSC): column j's nonzeros are rows rowIndex[colStart[j] .. colStart[j+1]) with `value`.
 */
export interface BinaryProgram {
  colCount: number;
  rowCount: number;
  cost: Float64Array;
  /** length colCount + 1 */
  colStart: Int32Array;
  rowIndex: Int32Array;
  value: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  /**
   * Optional structure hint: every column has exactly one nonzero among rows 0..partitionRows-1 (e.g. "this car"
   * rows). The packing branch and bound then also bounds by each such row's cheapest column.
   */
  partitionRows?: number;
}

export interface BinaryProgramSolution {
  /** 0/1 per column */
  x: Uint8Array;
  objective: number;
}

/**
 * Solves a BinaryProgram to proven optimality (no gap tolerance beyond floating-point noise), or returns null when it
 * is infeasible. Implementations may be impure (WASM, workers); the dispatcher calling them stays pure.
 */
export interface BinaryProgramSolver {
  solve(p: BinaryProgram): BinaryProgramSolution | null;
}

/** Row activities of x. */
function activities(p: BinaryProgram, x: Uint8Array): Float64Array {
  const act = new Float64Array(p.rowCount);
  for (let j = 0; j < p.colCount; j++) {
    if (!x[j]) continue;
    for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) act[p.rowIndex[k]] += p.value[k];
  }
  return act;
}

/** Whether x satisfies every row (with a 1e-9 tolerance). */
export function isFeasibleBinary(p: BinaryProgram, x: Uint8Array): boolean {
  const act = activities(p, x);
  for (let i = 0; i < p.rowCount; i++) if (act[i] < p.rowLower[i] - 1e-9 || act[i] > p.rowUpper[i] + 1e-9) return false;
  return true;
}

/**
 * Exhaustive reference solver: tries all 2^colCount vectors (colCount ≤ 22). For tests and tiny programs.
 *
 * @example bruteForceBinaryProgram.solve(program)?.objective
 */
export const bruteForceBinaryProgram: BinaryProgramSolver = {
  solve(p: BinaryProgram): BinaryProgramSolution | null {
    if (p.colCount > 22) throw new Error(`bruteForceBinaryProgram: ${p.colCount} columns is too many (≤ 22)`);
    let best: BinaryProgramSolution | null = null;
    const x = new Uint8Array(p.colCount);
    for (let mask = 0; mask < 2 ** p.colCount; mask++) {
      let obj = 0;
      for (let j = 0; j < p.colCount; j++) {
        x[j] = (mask >>> j) & 1;
        if (x[j]) obj += p.cost[j];
      }
      if (best !== null && obj >= best.objective) continue;
      if (isFeasibleBinary(p, x)) best = { x: x.slice(), objective: obj };
    }
    return best;
  },
};

/** Thrown inside the branch and bound when its node budget runs out. */
class NodeBudgetExceeded extends Error {}

/** Whether p is a packing program: 0/1 coefficients, every row 0..1 or exactly 1. */
function isPacking(p: BinaryProgram): boolean {
  for (let k = 0; k < p.value.length; k++) if (p.value[k] !== 1) return false;
  for (let i = 0; i < p.rowCount; i++) if (p.rowUpper[i] !== 1 || (p.rowLower[i] !== 0 && p.rowLower[i] !== 1)) return false;
  return true;
}

/**
 * Exact depth-first branch and bound for packing programs (each row covered at most once, or exactly once), with a
 * node budget; beyond it, or for other programs, it hands the program to `fallback` (e.g. HiGHS). Small sparse
 * programs (one batch's trips) solve in microseconds here, where a WASM MIP call costs ~15 ms even when trivial.
 *
 * Why it is exact: it branches on one open row at a time — take one of the still-compatible columns containing it, or
 * (for an at-most-once row) close it so that no later column may contain it — which enumerates every feasible x
 * exactly once; a subtree is cut only when its bound (cost so far plus, for every open row, the cheapest share
 * cost_j / |rows_j| of a compatible column, or 0) cannot beat the incumbent, and each column's cost is split over its
 * rows so the bound never exceeds the subtree's best cost.
 *
 * @example const solver = packingBranchAndBound(await loadHighsBinarySolver());
 */
export function packingBranchAndBound(fallback: BinaryProgramSolver, nodeBudget = 2_000): BinaryProgramSolver {
  return {
    solve(p: BinaryProgram): BinaryProgramSolution | null {
      if (!isPacking(p)) return fallback.solve(p);
      try {
        return branchAndBound(p, nodeBudget);
      } catch (e) {
        if (e instanceof NodeBudgetExceeded) return fallback.solve(p);
        throw e;
      }
    },
  };
}

function branchAndBound(p: BinaryProgram, nodeBudget: number): BinaryProgramSolution | null {
  const { colCount, rowCount, colStart, rowIndex, cost, rowLower } = p;
  // Row → columns (CSR), columns of a row in ascending cost so good solutions come first.
  const rowFirst = new Int32Array(rowCount + 1);
  for (let k = 0; k < rowIndex.length; k++) rowFirst[rowIndex[k] + 1]++;
  for (let i = 0; i < rowCount; i++) rowFirst[i + 1] += rowFirst[i];
  const rowCols = new Int32Array(rowIndex.length);
  const fill = rowFirst.slice(0, rowCount);
  for (let j = 0; j < colCount; j++) for (let k = colStart[j]; k < colStart[j + 1]; k++) rowCols[fill[rowIndex[k]]++] = j;
  for (let i = 0; i < rowCount; i++) {
    const seg = Array.from(rowCols.subarray(rowFirst[i], rowFirst[i + 1])).sort((a, b) => cost[a] - cost[b] || a - b);
    rowCols.set(seg, rowFirst[i]);
  }
  // A column's cost split over its rows (outside the partition rows when there are any): each row takes ≤ 1 column,
  // so Σ over open rows of the cheapest share bounds the rest; with partition rows, each of them takes ≤ 1 column.
  const parts = p.partitionRows ?? 0;
  const share = new Float64Array(colCount);
  for (let j = 0; j < colCount; j++) {
    let n = 0;
    for (let k = colStart[j]; k < colStart[j + 1]; k++) if (rowIndex[k] >= parts) n++;
    share[j] = n > 0 ? cost[j] / n : parts > 0 ? 0 : cost[j];
    if (parts === 0) share[j] = cost[j] / Math.max(1, colStart[j + 1] - colStart[j]);
  }
  /** 0 open, 1 covered by a chosen column, 2 closed (no column may contain it). */
  const rowState = new Uint8Array(rowCount);
  const x = new Uint8Array(colCount);
  let best: BinaryProgramSolution | null = null;
  let nodes = 0;
  // Columns with no rows are free choices: take the negative ones.
  let freeCost = 0;
  for (let j = 0; j < colCount; j++) if (colStart[j + 1] === colStart[j] && cost[j] < 0) {
    x[j] = 1;
    freeCost += cost[j];
  }
  const available = (j: number): boolean => {
    for (let k = colStart[j]; k < colStart[j + 1]; k++) if (rowState[rowIndex[k]] !== 0) return false;
    return true;
  };
  const go = (acc: number): void => {
    if (++nodes > nodeBudget) throw new NodeBudgetExceeded();
    let bound = acc;
    let partBound = acc;
    let branchRow = -1;
    let branchCount = Infinity;
    let branchMust = false;
    for (let i = 0; i < rowCount; i++) {
      if (rowState[i] !== 0) continue;
      let minShare = 0;
      let minCost = 0;
      let count = 0;
      for (let k = rowFirst[i]; k < rowFirst[i + 1]; k++) {
        const j = rowCols[k];
        if (!available(j)) continue;
        count++;
        if (share[j] < minShare) minShare = share[j];
        if (cost[j] < minCost) minCost = cost[j];
      }
      const must = rowLower[i] === 1;
      if (must && count === 0) return;
      if (i < parts) partBound += minCost;
      else bound += minShare;
      if (count === 0) continue;
      // Branch on a must-cover row first, then on the row with the fewest options.
      if ((must && !branchMust) || (must === branchMust && count < branchCount)) {
        branchRow = i;
        branchCount = count;
        branchMust = must;
      }
    }
    if (parts > 0 && partBound > bound) bound = partBound;
    if (best !== null && bound >= best.objective - 1e-9) return;
    if (branchRow < 0) {
      if (best === null || acc < best.objective - 1e-9) best = { x: x.slice(), objective: acc };
      return;
    }
    for (let k = rowFirst[branchRow]; k < rowFirst[branchRow + 1]; k++) {
      const j = rowCols[k];
      if (!available(j)) continue;
      x[j] = 1;
      for (let q = colStart[j]; q < colStart[j + 1]; q++) rowState[rowIndex[q]] = 1;
      go(acc + cost[j]);
      for (let q = colStart[j]; q < colStart[j + 1]; q++) rowState[rowIndex[q]] = 0;
      x[j] = 0;
    }
    if (!branchMust) {
      rowState[branchRow] = 2;
      go(acc);
      rowState[branchRow] = 0;
    }
  };
  go(freeCost);
  return best;
}
