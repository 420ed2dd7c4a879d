// Exact decomposition of large two-seat trip programs (pooled at metro density): prices from the LP relaxation's duals,
// reduced-cost fixing with the Lagrangian bound of those prices, then the connected components of the columns that
// survive, each solved on its own (decision 0029).

import { solveEach, type BinaryProgram, type BinaryProgramSolution, type BinaryProgramSolver } from './ilp.js';

/**
 * A packing program with partition rows (rows 0..partitionRows-1, one per car; every column has exactly one of them) and
 * only at-most-once rows besides, all coefficients 1: pooled's trip program. Else null.
 */
function carOfColumns(p: BinaryProgram): Int32Array | null {
  const parts = p.partitionRows ?? 0;
  if (parts <= 0) return null;
  for (let i = 0; i < p.rowCount; i++) if (p.rowLower[i] !== 0 || p.rowUpper[i] !== 1) return null;
  const carOf = new Int32Array(p.colCount).fill(-1);
  for (let j = 0; j < p.colCount; j++) {
    for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) {
      if (p.value[k] !== 1) return null;
      if (p.rowIndex[k] < parts) {
        if (carOf[j] >= 0) return null;
        carOf[j] = p.rowIndex[k];
      }
    }
    if (carOf[j] < 0) return null;
  }
  return carOf;
}

/** Lagrangian bound of prices mu ≥ 0 on the non-partition rows, and every column's priced cost (see lagrangianBound). */
interface Priced {
  bound: number;
  pricedCost: Float64Array;
  /** per car: min(0, least priced cost of its columns) */
  carMin: Float64Array;
}

/**
 * For prices mu ≥ 0 on the rows that are not partition rows:
 *   L(mu) = Σ_cars min(0, min_{j of the car} cost_j + Σ_{r ∈ j} mu_r) − Σ_r mu_r ≤ the optimum,
 * because relaxing "each request at most once" with mu ≥ 0 only lowers the cost of every feasible x, and what is left
 * (each car at most one column) is solved car by car.
 */
export function lagrangianBound(p: BinaryProgram, carOf: Int32Array, mu: Float64Array): Priced {
  const parts = p.partitionRows ?? 0;
  const pricedCost = new Float64Array(p.colCount);
  const carMin = new Float64Array(parts);
  for (let j = 0; j < p.colCount; j++) {
    let c = p.cost[j];
    for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) if (p.rowIndex[k] >= parts) c += mu[p.rowIndex[k]];
    pricedCost[j] = c;
    if (c < carMin[carOf[j]]) carMin[carOf[j]] = c;
  }
  let bound = 0;
  for (let c = 0; c < parts; c++) bound += carMin[c];
  for (let i = parts; i < p.rowCount; i++) bound -= mu[i];
  return { bound, pricedCost, carMin };
}

/**
 * Packs columns of negative cost greedily: those the LP takes at 1 first, then by descending LP value, then ascending
 * priced cost, ties by index; x and its objective. Where the LP is nearly integral this is nearly optimal.
 */
function roundedPacking(p: BinaryProgram, lpX: Float64Array, priced: Float64Array): { x: Uint8Array; objective: number } {
  const order = Array.from({ length: p.colCount }, (_, j) => j).sort((a, b) => lpX[b] - lpX[a] || priced[a] - priced[b] || a - b);
  const used = new Uint8Array(p.rowCount);
  const x = new Uint8Array(p.colCount);
  let objective = 0;
  for (const j of order) {
    if (p.cost[j] >= 0) continue;
    let free = true;
    for (let k = p.colStart[j]; k < p.colStart[j + 1] && free; k++) if (used[p.rowIndex[k]]) free = false;
    if (!free) continue;
    x[j] = 1;
    objective += p.cost[j];
    for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) used[p.rowIndex[k]] = 1;
  }
  return { x, objective };
}

/** One independent part of a split program: its columns in the whole program, and the part as a program. */
export interface ProgramPart {
  columns: Int32Array;
  program: BinaryProgram;
  /** the incumbent restricted to the part (feasible in it) */
  start: Uint8Array;
}

/**
 * Reduced-cost fixing, then components. With prices mu ≥ 0 and L = L(mu), every solution that takes column j of car c
 * costs at least L − carMin_c + priced cost of j (the bound with c's choice forced to j). When that cannot beat the
 * incumbent (integer costs: cannot reach incumbent − 1), no better solution takes j, so the columns kept (those that
 * can, plus the incumbent's own) hold an optimum of p. The kept columns fall into connected components (rows linked by
 * columns); no kept column links two of them, so the optimum over the kept columns is the sum of the components'
 * optima. Rows are renumbered per part with its cars first (partition rows), in their order in p.
 */
export function splitByFixing(p: BinaryProgram, carOf: Int32Array, mu: Float64Array, incumbent: Uint8Array, incumbentObjective: number): ProgramPart[] {
  return splitKept(p, carOf, keptColumns(p, carOf, mu, incumbent, incumbentObjective), incumbent);
}

/**
 * The columns splitByFixing keeps: the incumbent's, and those whose forced bound L − carMin_c + priced cost is at most
 * `cutoff` (default: the incumbent's objective less the integer step, with a margin for rounding).
 */
export function keptColumns(p: BinaryProgram, carOf: Int32Array, mu: Float64Array, incumbent: Uint8Array, incumbentObjective: number, cutoff?: number): Uint8Array {
  const { bound, pricedCost, carMin } = lagrangianBound(p, carOf, mu);
  let integral = true;
  for (let j = 0; j < p.colCount && integral; j++) if (!Number.isInteger(p.cost[j])) integral = false;
  // With integer costs a better solution costs ≤ incumbent − 1. The bound is summed in floating point over up to ~10⁵
  // terms of up to ~10⁷ with prices that are not integers: keep a margin far above that rounding (≤ n·2⁻⁵³·Σ|terms|),
  // so that a column is dropped only when it provably cannot beat the incumbent.
  let magnitude = 0;
  for (let j = 0; j < p.colCount; j++) magnitude += Math.abs(p.cost[j]) + Math.abs(pricedCost[j]);
  for (let i = 0; i < p.rowCount; i++) magnitude += mu[i];
  const slack = (integral ? 1 : 0) - 1e-11 * magnitude - 1e-9;
  const limit = cutoff ?? incumbentObjective - slack;
  const keep = new Uint8Array(p.colCount);
  for (let j = 0; j < p.colCount; j++) if (incumbent[j] || bound - carMin[carOf[j]] + pricedCost[j] <= limit) keep[j] = 1;
  return keep;
}

/** The kept columns' connected components as programs (cars first), with the incumbent restricted to each. */
function splitKept(p: BinaryProgram, carOf: Int32Array, keep: Uint8Array, incumbent: Uint8Array): ProgramPart[] {
  const parts = p.partitionRows ?? 0;
  const parent = Int32Array.from({ length: p.rowCount }, (_, i) => i);
  const find = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (let j = 0; j < p.colCount; j++) {
    if (!keep[j]) continue;
    for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) {
      // Both roots afresh at every row: a link made for the previous row may have moved the car's root.
      const a = find(carOf[j]);
      const b = find(p.rowIndex[k]);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  // Parts in order of their first kept column; rows renumbered, cars first.
  const partOf = new Int32Array(p.rowCount).fill(-1);
  const cols: number[][] = [];
  for (let j = 0; j < p.colCount; j++) {
    if (!keep[j]) continue;
    const root = find(carOf[j]);
    if (partOf[root] < 0) {
      partOf[root] = cols.length;
      cols.push([]);
    }
    cols[partOf[root]].push(j);
  }
  const newRow = new Int32Array(p.rowCount).fill(-1);
  return cols.map((list) => {
    let rows = 0;
    for (const j of list) if (newRow[carOf[j]] < 0) newRow[carOf[j]] = rows++;
    const cars = rows;
    for (const j of list) for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) if (p.rowIndex[k] >= parts && newRow[p.rowIndex[k]] < 0) newRow[p.rowIndex[k]] = rows++;
    const colStart = new Int32Array(list.length + 1);
    let nnz = 0;
    for (const j of list) nnz += p.colStart[j + 1] - p.colStart[j];
    const rowIndex = new Int32Array(nnz);
    const cost = new Float64Array(list.length);
    const start = new Uint8Array(list.length);
    nnz = 0;
    list.forEach((j, t) => {
      for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) rowIndex[nnz++] = newRow[p.rowIndex[k]];
      colStart[t + 1] = nnz;
      cost[t] = p.cost[j];
      start[t] = incumbent[j];
    });
    const program: BinaryProgram = {
      colCount: list.length,
      rowCount: rows,
      cost,
      colStart,
      rowIndex,
      value: new Float64Array(nnz).fill(1),
      rowLower: new Float64Array(rows),
      rowUpper: new Float64Array(rows).fill(1),
      partitionRows: cars,
    };
    return { columns: Int32Array.from(list), program, start };
  });
}

/**
 * The LP relaxation of a 0/1 program (x in [0, 1]): its x and row prices (HiGHS's row duals; for a minimisation with
 * rows ≤ 1 they are ≤ 0). Only used to choose prices and an incumbent, never trusted for exactness.
 */
export interface LpRelaxation {
  relax(p: BinaryProgram): { x: Float64Array; rowDual: Float64Array } | null;
}

/** What splitByLp did, for benchmarks. */
export interface SplitStats {
  programs: number;
  columns: number;
  keptColumns: number;
  parts: number;
  largestPart: number;
  /** programs whose restricted answer was not proven and needed the exact fixing */
  secondRounds: number;
}

/**
 * Solves pooled-shaped programs by their LP relaxation first: prices mu_r = max(0, −row dual) on the request rows, the
 * incumbent a packing rounded from the LP's x, then splitByFixing, and each part by `mip` started from the incumbent's
 * restriction. The bound is recomputed here from mu (lagrangianBound, exact arithmetic on integer costs), so the
 * result is the optimum whatever the LP's tolerances; only which of equal optima is returned may differ from `mip` on
 * the whole program (decision 0026's tie rule). Programs of another shape, or whose LP fails, go to `mip` whole.
 *
 * On the stress day's giant programs the LP is within a few hundred seconds of the integer optimum (a 10¹⁰ objective),
 * so the fixing drops most columns and what is left falls apart into many small programs.
 *
 * @example bySize(twoSeatSolverChain(highs), splitByLp(relaxWithHighs(highs), highs), 1_000)
 */
export function splitByLp(lp: LpRelaxation, mip: BinaryProgramSolver, stats?: SplitStats, restrictS = RESTRICT_S): BinaryProgramSolver {
  return {
    solve(p: BinaryProgram, start?: Uint8Array): BinaryProgramSolution | null {
      const carOf = carOfColumns(p);
      const relaxed = carOf ? lp.relax(p) : null;
      if (!carOf || !relaxed) return mip.solve(p, start);
      const parts = p.partitionRows ?? 0;
      const mu = new Float64Array(p.rowCount);
      for (let i = parts; i < p.rowCount; i++) mu[i] = Math.max(0, -relaxed.rowDual[i]);
      let { x, objective }: { x: Uint8Array; objective: number } = roundedPacking(p, relaxed.x, lagrangianBound(p, carOf, mu).pricedCost);
      if (start) {
        let o = 0;
        for (let j = 0; j < p.colCount; j++) if (start[j]) o += p.cost[j];
        if (o < objective) ({ x, objective } = { x: start, objective: o });
      }
      // First the columns within RESTRICT_S of the bound (an optimum nearly always lies there: the LP is within a few
      // hundred seconds of it), then a proof: if no column left out can beat that answer, it is optimal; else the
      // exact fixing with that answer as the incumbent.
      const { bound } = lagrangianBound(p, carOf, mu);
      let keep = keptColumns(p, carOf, mu, x, objective);
      let restricted = false;
      if (objective - bound > restrictS) {
        const near = keptColumns(p, carOf, mu, x, objective, bound + restrictS);
        const sol = solveParts(p, splitKept(p, carOf, near, x), mip, stats);
        if (!sol) return null;
        ({ x, objective } = sol);
        keep = keptColumns(p, carOf, mu, x, objective);
        restricted = true;
        let proven = true;
        for (let j = 0; j < p.colCount && proven; j++) if (keep[j] && !near[j]) proven = false;
        if (proven) return sol;
      }
      if (stats && restricted) stats.secondRounds++;
      return solveParts(p, splitKept(p, carOf, keep, x), mip, stats);
    },
  };
}

/** Columns within this many seconds of the Lagrangian bound form the first, restricted program of splitByLp. */
export const RESTRICT_S = 500;

/** Each part by `mip` from its start; the answers mapped back to p and added up (the parts share no row). */
function solveParts(p: BinaryProgram, pieces: ProgramPart[], mip: BinaryProgramSolver, stats?: SplitStats): BinaryProgramSolution | null {
  const out = new Uint8Array(p.colCount);
  let total = 0;
  const sols = solveEach(mip, pieces.map((piece) => piece.program), pieces.map((piece) => piece.start));
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    const sol = sols[i];
    if (!sol) return null;
    total += sol.objective;
    piece.columns.forEach((j, t) => (out[j] = sol.x[t]));
  }
  if (stats) {
    stats.programs++;
    stats.columns += p.colCount;
    stats.parts += pieces.length;
    for (const piece of pieces) {
      stats.keptColumns += piece.program.colCount;
      stats.largestPart = Math.max(stats.largestPart, piece.program.colCount);
    }
  }
  return { x: out, objective: total };
}
