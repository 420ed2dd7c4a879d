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
