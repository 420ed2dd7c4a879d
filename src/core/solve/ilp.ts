// The 0/1 integer program contract that exact dispatchers hand to a solver (HiGHS lives in io/, behind this seam),
// plus an exhaustive reference solver for tiny programs and tests.

import type { LpBasis } from './lp-basis.js';

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
  /**
   * Optional row identities, distinct within a program (pooled: a car row is its vehicle v, a request row −1 − its
   * request): rows of two programs with the same key are the same constraint, a column is known by its rows' keys.
   * Only for solvers that start one program from an earlier one's answer (the LP warm start of decision 0032); no
   * answer's optimum depends on it.
   */
  rowKey?: Int32Array;
  /**
   * Optional simplex basis of the program's LP relaxation to start from (splitByLp's parts: the whole program's
   * optimal LP basis restricted to the part, decision 0036). Only for solvers that solve the LP; a start, so no
   * answer's optimum depends on it.
   */
  startBasis?: LpBasis;
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
  /**
   * `start`, when given, is a feasible x (e.g. a branch and bound's incumbent before it handed the program on): a
   * solver may use it as its first incumbent. It changes no optimum value, only possibly which optimum is returned.
   */
  solve(p: BinaryProgram, start?: Uint8Array): BinaryProgramSolution | null;
  /**
   * Optional: solves independent programs at once (e.g. on worker threads); answer i must be exactly what
   * `solve(programs[i], starts[i])` returns, whatever else is in the batch. Callers go through solveEach.
   */
  solveMany?(programs: readonly BinaryProgram[], starts: readonly (Uint8Array | undefined)[]): (BinaryProgramSolution | null)[];
  /**
   * Optional, for a solver that carries state from one program to the next (the LP warm start of decision 0032): the
   * same solver with that state fresh, sharing what is only loaded once. A dispatcher takes its own fork, so that a
   * run's choices depend on its own programs alone, not on what another run solved before with the same solver
   * (decision 0038).
   */
  fork?(): BinaryProgramSolver;
}

/**
 * Each program solved by `solver`, answers in program order: its solveMany when it has one, else one solve after
 * another. Only for solvers without state carried from one call to the next (every solver here): the batch may then
 * be solved in any order, or in parallel, with the same answers.
 *
 * @example solveEach(solver, parts.map((q) => q.program), parts.map((q) => q.start))
 */
export function solveEach(solver: BinaryProgramSolver, programs: readonly BinaryProgram[], starts: readonly (Uint8Array | undefined)[] = []): (BinaryProgramSolution | null)[] {
  if (solver.solveMany && programs.length > 1) return solver.solveMany(programs, starts);
  return programs.map((p, i) => solver.solve(p, starts[i]));
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

/** Σ cost over the columns x takes. */
export function objectiveOf(p: BinaryProgram, x: Uint8Array): number {
  let o = 0;
  for (let j = 0; j < p.colCount; j++) if (x[j]) o += p.cost[j];
  return o;
}

/**
 * What an answer must cost at most to beat `incumbentObjective` when a bound summed in floating point over terms of
 * total size `magnitude` says so: with integer costs a better answer costs ≤ incumbent − 1; the margin lies far above
 * that sum's rounding (≤ n·2⁻⁵³·Σ|terms|), so nothing that could beat the incumbent is dropped (decisions 0029, 0035).
 */
export function improvingLimit(incumbentObjective: number, integralCosts: boolean, magnitude: number): number {
  return incumbentObjective - ((integralCosts ? 1 : 0) - 1e-11 * magnitude - 1e-9);
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

/**
 * Thrown inside the branch and bound when its node budget runs out, with the incumbent so far (if any). Not an Error:
 * it never leaves packingBranchAndBound, and an Error would record a stack trace on each of the day's ~800 hand-offs.
 */
class NodeBudgetExceeded {
  constructor(
    readonly incumbent: Uint8Array | undefined,
    /** Columns that may still be in a solution better than the incumbent (all of them without a Lagrangian bound). */
    readonly useful: Uint8Array | undefined,
  ) {}
}

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
 * rows so the bound never exceeds the subtree's best cost. With partition rows (one car per column) and only
 * at-most-once rows besides, it also bounds by a Lagrangian relaxation (see lagrangianPrices), which is about as tight
 * as the LP: on San Francisco's tight-fleet batches it proves most programs optimal at the root, where HiGHS's MIP
 * costs 20–40 ms a call. With integer costs a subtree is cut once it cannot reach one below the incumbent.
 *
 * @example const solver = packingBranchAndBound(await loadHighsBinarySolver());
 */
export function packingBranchAndBound(fallback: BinaryProgramSolver, nodeBudget = 2_000): BinaryProgramSolver {
  return {
    solve(p: BinaryProgram, start?: Uint8Array): BinaryProgramSolution | null {
      if (!isPacking(p)) return fallback.solve(p, start);
      try {
        return branchAndBound(p, nodeBudget);
      } catch (e) {
        if (!(e instanceof NodeBudgetExceeded)) throw e;
        // The fallback starts from our incumbent: it then only has to prove it or improve on it, on the columns that
        // can still beat it.
        const from = e.incumbent ?? start;
        return e.useful && from ? solveOnColumns(fallback, p, e.useful, from) : fallback.solve(p, from);
      }
    },
  };
}

function branchAndBound(p: BinaryProgram, nodeBudget: number): BinaryProgramSolution | null {
  const { colCount, rowCount, colStart, rowIndex, cost, rowLower } = p;
  const parts = p.partitionRows ?? 0;
  // Row → columns (CSR).
  const rowFirst = new Int32Array(rowCount + 1);
  for (let k = 0; k < rowIndex.length; k++) rowFirst[rowIndex[k] + 1]++;
  for (let i = 0; i < rowCount; i++) rowFirst[i + 1] += rowFirst[i];
  const rowCols = new Int32Array(rowIndex.length);
  const fill = rowFirst.slice(0, rowCount);
  for (let j = 0; j < colCount; j++) for (let k = colStart[j]; k < colStart[j + 1]; k++) rowCols[fill[rowIndex[k]]++] = j;
  // A row's columns are put in branching order (ascending cost, or priced cost with the Lagrangian bound; column index on
  // ties) when the search first branches on it: most rows never are (the root proves most programs). Only the
  // partition rows are sorted by cost up front, for the Lagrangian's tie order (its cheapest column per car).
  const willPrice = parts > 0 && rowLower.every((v) => v === 0);
  if (willPrice) for (let i = 0; i < parts; i++) sortColumns(rowCols, rowFirst[i], rowFirst[i + 1], cost);
  // A column's cost split over its rows (outside the partition rows when there are any): each row takes ≤ 1 column,
  // so Σ over open rows of the cheapest share bounds the rest; with partition rows, each of them takes ≤ 1 column.
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
  // blocked[j]: rows of column j that are not open (covered or closed); j is available while it is 0. Kept by
  // setRow, so that a node's bound scan tests each column in O(1) rather than walking its rows.
  const blocked = new Int32Array(colCount);
  const available = (j: number): boolean => blocked[j] === 0;
  const setRow = (i: number, state: number): void => {
    const was = rowState[i];
    rowState[i] = state;
    const d = (state !== 0 ? 1 : 0) - (was !== 0 ? 1 : 0);
    if (d !== 0) for (let k = rowFirst[i]; k < rowFirst[i + 1]; k++) blocked[rowCols[k]] += d;
  };
  // With partition rows and only at-most-once rows besides, a Lagrangian bound: price the other rows (mu ≥ 0) and
  // let each partition row take its cheapest priced column, or none. Good prices come from a subgradient search at
  // the root, started from a greedy packing that is also the first incumbent.
  const lag = parts > 0 ? lagrangianPrices(p, parts, rowFirst, rowCols, freeCost) : null;
  const redCost = lag ? lag.pricedCost : new Float64Array(colCount);
  let muOpen = 0;
  if (lag) {
    best = { x: lag.incumbent, objective: lag.incumbentObjective };
    for (let i = parts; i < rowCount; i++) muOpen += lag.mu[i];
  }
  // Branch on the cheapest (priced) column first: with prices, the Lagrangian choice, usually the optimum.
  const branchKey = lag ? redCost : cost;
  const sorted = new Uint8Array(rowCount);
  // With integer costs every objective is an integer, so a subtree must reach best − 1 to matter.
  const slack = isIntegral(cost) ? 1 - 1e-6 : 1e-9;
  const go = (acc: number, muLeft: number): void => {
    if (++nodes > nodeBudget) throw new NodeBudgetExceeded(best?.x, lag && best ? usefulColumns(p, parts, lag, freeCost, best, slack) : undefined);
    let bound = acc;
    let partBound = acc;
    let lagBound = acc - muLeft;
    let branchRow = -1;
    let branchCount = Infinity;
    let branchMust = false;
    for (let i = 0; i < rowCount; i++) {
      if (rowState[i] !== 0) continue;
      let minShare = 0;
      let minCost = 0;
      let minRed = 0;
      let count = 0;
      for (let k = rowFirst[i]; k < rowFirst[i + 1]; k++) {
        const j = rowCols[k];
        if (!available(j)) continue;
        count++;
        if (share[j] < minShare) minShare = share[j];
        if (cost[j] < minCost) minCost = cost[j];
        if (redCost[j] < minRed) minRed = redCost[j];
      }
      const must = rowLower[i] === 1;
      if (must && count === 0) return;
      if (i < parts) {
        partBound += minCost;
        lagBound += minRed;
      } else bound += minShare;
      if (count === 0) continue;
      // Branch on a must-cover row first, then on the row with the fewest options.
      if ((must && !branchMust) || (must === branchMust && count < branchCount)) {
        branchRow = i;
        branchCount = count;
        branchMust = must;
      }
    }
    if (parts > 0 && partBound > bound) bound = partBound;
    if (lag && lagBound > bound) bound = lagBound;
    if (best !== null && bound > best.objective - slack) return;
    if (branchRow < 0) {
      if (best === null || acc < best.objective - 1e-9) best = { x: x.slice(), objective: acc };
      return;
    }
    if (!sorted[branchRow]) {
      sortColumns(rowCols, rowFirst[branchRow], rowFirst[branchRow + 1], branchKey);
      sorted[branchRow] = 1;
    }
    for (let k = rowFirst[branchRow]; k < rowFirst[branchRow + 1]; k++) {
      const j = rowCols[k];
      if (!available(j)) continue;
      x[j] = 1;
      let muTaken = 0;
      for (let q = colStart[j]; q < colStart[j + 1]; q++) {
        setRow(rowIndex[q], 1);
        if (lag && rowIndex[q] >= parts) muTaken += lag.mu[rowIndex[q]];
      }
      go(acc + cost[j], muLeft - muTaken);
      for (let q = colStart[j]; q < colStart[j + 1]; q++) setRow(rowIndex[q], 0);
      x[j] = 0;
    }
    if (!branchMust) {
      setRow(branchRow, 2);
      go(acc, muLeft - (lag && branchRow >= parts ? lag.mu[branchRow] : 0));
      setRow(branchRow, 0);
    }
  };
  go(freeCost, muOpen);
  return best;
}

/**
 * Reduced-cost fixing: the columns that may lie in a solution strictly better than the incumbent, plus the incumbent's
 * own. With prices mu ≥ 0 (lagrangianPrices) every solution that takes column j of car c costs at least
 *   L(mu) − min(0, least priced cost of c's columns) + priced cost of j   (L including the free columns' cost),
 * the Lagrangian bound with car c's choice forced to j; when that cannot beat the incumbent (with integer costs: cannot
 * reach incumbent − 1), no better solution takes j. The optimum over the kept columns is therefore the optimum of p
 * (the incumbent itself is kept), and the fallback gets a smaller program: on the SF programs the packing search hands
 * on, about a third of the columns go.
 */
function usefulColumns(
  p: BinaryProgram,
  parts: number,
  lag: { mu: Float64Array; pricedCost: Float64Array },
  freeCost: number,
  incumbent: BinaryProgramSolution,
  slack: number,
): Uint8Array {
  const { colCount, rowCount, colStart, rowIndex } = p;
  const carOf = new Int32Array(colCount).fill(-1);
  const minPriced = new Float64Array(parts);
  for (let j = 0; j < colCount; j++) {
    for (let k = colStart[j]; k < colStart[j + 1]; k++) if (rowIndex[k] < parts) carOf[j] = rowIndex[k];
    if (carOf[j] >= 0 && lag.pricedCost[j] < minPriced[carOf[j]]) minPriced[carOf[j]] = lag.pricedCost[j];
  }
  let bound = freeCost;
  for (let c = 0; c < parts; c++) bound += minPriced[c];
  for (let i = parts; i < rowCount; i++) bound -= lag.mu[i];
  const useful = new Uint8Array(colCount);
  for (let j = 0; j < colCount; j++) {
    // Free columns (no rows) and anything the bound does not cover stay.
    const c = carOf[j];
    const withJ = c < 0 ? -Infinity : bound - minPriced[c] + lag.pricedCost[j];
    if (incumbent.x[j] || withJ <= incumbent.objective - slack) useful[j] = 1;
  }
  return useful;
}

/** Solves p restricted to the columns marked in `keep` (start must use only those) and maps the answer back to p. */
function solveOnColumns(solver: BinaryProgramSolver, p: BinaryProgram, keep: Uint8Array, start: Uint8Array): BinaryProgramSolution | null {
  const cols: number[] = [];
  for (let j = 0; j < p.colCount; j++) if (keep[j]) cols.push(j);
  if (cols.length === p.colCount) return solver.solve(p, start);
  const colStart = new Int32Array(cols.length + 1);
  let nnz = 0;
  for (const j of cols) nnz += p.colStart[j + 1] - p.colStart[j];
  const rowIndex = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  const cost = new Float64Array(cols.length);
  const subStart = new Uint8Array(cols.length);
  nnz = 0;
  cols.forEach((j, t) => {
    for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) {
      rowIndex[nnz] = p.rowIndex[k];
      value[nnz++] = p.value[k];
    }
    colStart[t + 1] = nnz;
    cost[t] = p.cost[j];
    subStart[t] = start[j];
  });
  // p's start basis (startBasis) has p's columns, so it does not come along (restricting it too is left for later).
  const sub = solver.solve({ ...p, colCount: cols.length, cost, colStart, rowIndex, value, startBasis: undefined }, subStart);
  if (!sub) return null;
  const x = new Uint8Array(p.colCount);
  cols.forEach((j, t) => (x[j] = sub.x[t]));
  return { x, objective: sub.objective };
}

/**
 * Prices for the Lagrangian bound of a packing program whose rows 0..parts-1 partition the columns and whose other
 * rows are all at most once (else null): for any mu ≥ 0 on those rows,
 *   L(mu) = Σ_partition rows min(0, min_j cost_j + Σ_{r ∈ j} mu_r) − Σ_r mu_r ≤ the optimum,
 * which at its best equals the LP relaxation. A projected subgradient search (Polyak steps toward a target a little
 * above the best bound so far) picks mu; greedy packings, by cost and by priced cost, give the incumbent returned with
 * it. Any mu keeps the bound valid, so exactness never depends on how well this converges.
 */
function lagrangianPrices(
  p: BinaryProgram,
  parts: number,
  rowFirst: Int32Array,
  rowCols: Int32Array,
  freeCost: number,
): { mu: Float64Array; pricedCost: Float64Array; incumbent: Uint8Array; incumbentObjective: number } | null {
  const { colCount, rowCount, colStart, rowIndex, cost, rowLower } = p;
  for (let i = 0; i < rowCount; i++) if (rowLower[i] !== 0) return null;
  const integral = isIntegral(cost);
  // Greedy packing by cost (free columns as in the caller): the first incumbent, and the Polyak target.
  // The greedy packings' candidates, kept in the last packing's order: the next prices order them about the same, and
  // sortColumns is quick on a nearly sorted run.
  const candidates = packingCandidates(p);
  let { x: incumbent, objective: ub } = greedyPacking(p, cost, freeCost, candidates);
  // Start from the prices that make every single-row column (one row besides its partition row) cost at least 0,
  // or, for a row in no such column, every column containing it once shared over its rows: L is then about the bound
  // of serving each row by its cheapest column, ignoring the partition; the search adds the partition back.
  const mu = new Float64Array(rowCount + 1);
  const priced = new Uint8Array(rowCount);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < colCount; j++) {
      let n = 0;
      for (let k = colStart[j]; k < colStart[j + 1]; k++) if (rowIndex[k] >= parts) n++;
      if (n === 0 || cost[j] >= 0 || (pass === 0) !== (n === 1)) continue;
      const share = -cost[j] / n;
      for (let k = colStart[j]; k < colStart[j + 1]; k++) {
        const r = rowIndex[k];
        if (r < parts || (pass === 1 && priced[r] === 1)) continue;
        if (pass === 0) priced[r] = 1;
        else priced[r] = 2;
        if (share > mu[r]) mu[r] = share;
      }
    }
  }
  // Each column's rows outside the partition (CSR, in the column's own order so that priced costs add up as before).
  const reqStart = new Int32Array(colCount + 1);
  for (let j = 0; j < colCount; j++) {
    let n = 0;
    for (let k = colStart[j]; k < colStart[j + 1]; k++) if (rowIndex[k] >= parts) n++;
    reqStart[j + 1] = reqStart[j] + n;
  }
  const req = new Int32Array(reqStart[colCount]);
  for (let j = 0, q = 0; j < colCount; j++) for (let k = colStart[j]; k < colStart[j + 1]; k++) if (rowIndex[k] >= parts) req[q++] = rowIndex[k];
  // The same, laid out in the partition rows' column order (entry k of rowCols), which each subgradient step walks.
  const kEnd = rowFirst[parts];
  const costK = new Float64Array(kEnd);
  const reqStartK = new Int32Array(kEnd + 1);
  for (let k = 0; k < kEnd; k++) reqStartK[k + 1] = reqStartK[k] + reqStart[rowCols[k] + 1] - reqStart[rowCols[k]];
  const reqK = new Int32Array(reqStartK[kEnd]);
  for (let k = 0, q = 0; k < kEnd; k++) {
    const j = rowCols[k];
    costK[k] = cost[j];
    for (let t = reqStart[j]; t < reqStart[j + 1]; t++) reqK[q++] = req[t];
  }
  // Two-seat programs (every column of a car row has one or two other rows): the step reads both rows' prices straight
  // from r1K / r2K, a missing second row pointing at an extra price slot (index rowCount) that stays 0.
  let twoRows = true;
  for (let k = 0; k < kEnd && twoRows; k++) if (reqStartK[k + 1] - reqStartK[k] > 2 || reqStartK[k + 1] === reqStartK[k]) twoRows = false;
  const r1K = new Int32Array(twoRows ? kEnd : 0);
  const r2K = new Int32Array(twoRows ? kEnd : 0);
  if (twoRows) {
    for (let k = 0; k < kEnd; k++) {
      r1K[k] = reqK[reqStartK[k]];
      r2K[k] = reqStartK[k + 1] - reqStartK[k] === 2 ? reqK[reqStartK[k] + 1] : rowCount;
    }
  }
  const bestMu = new Float64Array(rowCount + 1);
  const g = new Float64Array(rowCount + 1);
  let bestL = -Infinity;
  // Polyak steps toward bestL + gapS rather than toward the incumbent, which may be far off (a greedy packing can miss a
  // heavily weighted row); gapS shrinks when the bound stops improving.
  let gapS = -1;
  let stale = 0;
  // The greedy packing by priced cost: where the LP is integral this is usually the optimum itself.
  // Packing again with the same prices gives the same packing: bestMuVersion counts changes of bestMu.
  const priced2 = new Float64Array(colCount);
  let bestMuVersion = 0;
  let packedVersion = -1;
  const tryPricedPacking = (): void => {
    if (packedVersion === bestMuVersion) return;
    packedVersion = bestMuVersion;
    for (let j = 0; j < colCount; j++) {
      let c = cost[j];
      for (let q = reqStart[j]; q < reqStart[j + 1]; q++) c += bestMu[req[q]];
      priced2[j] = c;
    }
    const byPrice = greedyPacking(p, priced2, freeCost, candidates);
    if (byPrice.objective < ub) ({ x: incumbent, objective: ub } = byPrice);
  };
  for (let it = 0; it < LAGRANGIAN_ITERATIONS; it++) {
    if (it > 0 && it % INCUMBENT_EVERY === 0) tryPricedPacking();
    let l = freeCost;
    for (let i = parts; i < rowCount; i++) {
      l -= mu[i];
      g[i] = -1;
    }
    if (twoRows) {
      for (let i = 0; i < parts; i++) {
        let min = 0;
        let arg = -1;
        for (let k = rowFirst[i], end = rowFirst[i + 1]; k < end; k++) {
          const c = costK[k] + mu[r1K[k]] + mu[r2K[k]];
          if (c < min) {
            min = c;
            arg = k;
          }
        }
        l += min;
        if (arg >= 0) {
          g[r1K[arg]] += 1;
          g[r2K[arg]] += 1;
        }
      }
    } else for (let i = 0; i < parts; i++) {
      let min = 0;
      let arg = -1;
      for (let k = rowFirst[i]; k < rowFirst[i + 1]; k++) {
        let c = costK[k];
        for (let q = reqStartK[k]; q < reqStartK[k + 1]; q++) c += mu[reqK[q]];
        if (c < min) {
          min = c;
          arg = k;
        }
      }
      l += min;
      if (arg >= 0) for (let q = reqStartK[arg]; q < reqStartK[arg + 1]; q++) g[reqK[q]] += 1;
    }
    if (l > bestL + 1e-9) {
      bestL = l;
      bestMu.set(mu);
      bestMuVersion++;
      stale = 0;
    } else if (++stale >= STALE_STEPS) {
      gapS /= 2;
      stale = 0;
    }
    if (gapS < 0) gapS = Math.min(ub - bestL, INITIAL_GAP_SHARE * Math.abs(bestL) + 1);
    if (ub - bestL < (integral ? 1 - 1e-6 : 1e-9)) break;
    let norm = 0;
    for (let i = parts; i < rowCount; i++) {
      if (mu[i] <= 0 && g[i] < 0) g[i] = 0;
      norm += g[i] * g[i];
    }
    if (norm === 0) break; // mu is optimal for the dual: L is the LP bound
    const step = (Math.min(ub, bestL + gapS) - l) / norm;
    for (let i = parts; i < rowCount; i++) mu[i] = Math.max(0, mu[i] + step * g[i]);
  }
  tryPricedPacking(); // leaves priced2 = the costs priced by bestMu
  return { mu: bestMu.subarray(0, rowCount), pricedCost: priced2, incumbent, incumbentObjective: ub };
}

function isIntegral(xs: Float64Array): boolean {
  for (let i = 0; i < xs.length; i++) if (!Number.isInteger(xs[i])) return false;
  return true;
}

/** The columns a greedy packing may take: negative cost, at least one row. */
function packingCandidates(p: BinaryProgram): Int32Array {
  const { colCount, colStart, cost } = p;
  let n = 0;
  for (let j = 0; j < colCount; j++) if (cost[j] < 0 && colStart[j + 1] !== colStart[j]) n++;
  const order = new Int32Array(n);
  n = 0;
  for (let j = 0; j < colCount; j++) if (cost[j] < 0 && colStart[j + 1] !== colStart[j]) order[n++] = j;
  return order;
}

/** Packs the candidate columns (packingCandidates, sorted here in place) in ascending `key` order; returns x and its objective (true costs). */
function greedyPacking(p: BinaryProgram, key: Float64Array, freeCost: number, order: Int32Array): { x: Uint8Array; objective: number } {
  const { colCount, rowCount, colStart, rowIndex, cost } = p;
  sortColumns(order, 0, order.length, key);
  const used = new Uint8Array(rowCount);
  const x = new Uint8Array(colCount);
  let objective = freeCost;
  for (let j = 0; j < colCount; j++) if (colStart[j + 1] === colStart[j] && cost[j] < 0) x[j] = 1;
  for (const j of order) {
    let free = true;
    for (let k = colStart[j]; k < colStart[j + 1] && free; k++) if (used[rowIndex[k]]) free = false;
    if (!free) continue;
    x[j] = 1;
    objective += cost[j];
    for (let k = colStart[j]; k < colStart[j + 1]; k++) used[rowIndex[k]] = 1;
  }
  return { x, objective };
}

/**
 * Sorts cols[from..to) by ascending key, column index on ties (the order `key[a] − key[b] || a − b` gives): insertion
 * sort for a row's few columns, a merge sort beyond, without the comparator calls of Array.prototype.sort.
 */
export function sortColumns(cols: Int32Array, from: number, to: number, key: Float64Array): void {
  const n = to - from;
  if (n <= 24) {
    for (let i = from + 1; i < to; i++) {
      const j = cols[i];
      const kj = key[j];
      let t = i - 1;
      while (t >= from && (key[cols[t]] > kj || (key[cols[t]] === kj && cols[t] > j))) {
        cols[t + 1] = cols[t];
        t--;
      }
      cols[t + 1] = j;
    }
    return;
  }
  const mid = from + (n >> 1);
  sortColumns(cols, from, mid, key);
  sortColumns(cols, mid, to, key);
  // Already in order (a nearly sorted run): nothing to merge.
  const last = cols[mid - 1];
  const next = cols[mid];
  if (key[last] < key[next] || (key[last] === key[next] && last < next)) return;
  const left = cols.slice(from, mid);
  let a = 0;
  let b = mid;
  let o = from;
  while (a < left.length && b < to) {
    const x = left[a];
    const y = cols[b];
    if (key[y] < key[x] || (key[y] === key[x] && y < x)) {
      cols[o++] = y;
      b++;
    } else {
      cols[o++] = x;
      a++;
    }
  }
  while (a < left.length) cols[o++] = left[a++];
}

/** Subgradient steps at the root of the packing branch and bound (each costs one pass over the columns). */
const LAGRANGIAN_ITERATIONS = 300;
const STALE_STEPS = 8;
/** Subgradient steps between two greedy packings by the best prices so far (a better incumbent ends the search). */
const INCUMBENT_EVERY = 20;
const INITIAL_GAP_SHARE = 0.001;
