// Exact decomposition of large two-seat trip programs (pooled at metro density): prices from the LP relaxation's duals,
// reduced-cost fixing with the Lagrangian bound of those prices, then the connected components of the columns that
// survive, each fixed again on its own and solved on its own (decisions 0029, 0031).

import { AssignmentSolver } from './assignment.js';
import { improvingLimit, solveEach, type BinaryProgram, type BinaryProgramSolution, type BinaryProgramSolver } from './ilp.js';
import { repairBasis, type LpBasis } from './lp-basis.js';

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

/**
 * The columns `fixed` (pairwise disjoint) completed by the optimal assignment of singles (columns of one request) on
 * the cars and requests they leave free: x and its objective. Where a rounding leaves a must-serve request out (a
 * 10⁷ s penalty) the assignment serves it whenever the fixed columns leave a way to.
 */
function assignmentCompletion(p: BinaryProgram, carOf: Int32Array, fixed: Uint8Array, assignment: AssignmentSolver): { x: Uint8Array; objective: number } {
  const parts = p.partitionRows ?? 0;
  const used = new Uint8Array(p.rowCount);
  const x = new Uint8Array(p.colCount);
  let objective = 0;
  for (let j = 0; j < p.colCount; j++) {
    if (!fixed[j]) continue;
    x[j] = 1;
    objective += p.cost[j];
    for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) used[p.rowIndex[k]] = 1;
  }
  // Singles by request row (CSR over the free request rows that have one).
  const count = new Int32Array(p.rowCount + 1);
  // The request row of column j when it is a single of negative cost on a free car and a free request, else -1.
  const freeSingle = (j: number): number => {
    if (p.colStart[j + 1] - p.colStart[j] !== 2 || p.cost[j] >= 0 || used[carOf[j]]) return -1;
    const r = p.rowIndex[p.colStart[j]] === carOf[j] ? p.rowIndex[p.colStart[j] + 1] : p.rowIndex[p.colStart[j]];
    return used[r] ? -1 : r;
  };
  for (let j = 0; j < p.colCount; j++) {
    const r = freeSingle(j);
    if (r >= 0) count[r + 1]++;
  }
  for (let i = 0; i < p.rowCount; i++) count[i + 1] += count[i];
  const edgeCol = new Int32Array(count[p.rowCount]);
  const fill = count.slice(0, p.rowCount);
  for (let j = 0; j < p.colCount; j++) {
    const r = freeSingle(j);
    if (r >= 0) edgeCol[fill[r]++] = j;
  }
  const rowReq: number[] = [];
  const rowFirst: number[] = [0];
  for (let r = parts; r < p.rowCount; r++) {
    if (count[r + 1] === count[r]) continue;
    rowReq.push(r);
    rowFirst.push(rowFirst[rowFirst.length - 1] + count[r + 1] - count[r]);
  }
  const edges = edgeCol.length;
  const col = new Uint32Array(edges);
  const cost = new Float64Array(edges);
  for (let e = 0; e < edges; e++) {
    col[e] = carOf[edgeCol[e]];
    cost[e] = p.cost[edgeCol[e]];
  }
  if (rowReq.length === 0) return { x, objective };
  // Request rows are visited in ascending order, so edge e of assignment row i is entry e of edgeCol.
  const res = assignment.solve({ rowCount: rowReq.length, colCount: parts, rowFirst: Uint32Array.from(rowFirst), col, cost, unassignedCost: new Float64Array(rowReq.length) });
  for (let i = 0; i < rowReq.length; i++) {
    const c = res.rowToCol[i];
    if (c < 0) continue;
    // The cheapest single of that request on that car, lowest index on ties.
    let best = -1;
    for (let e = rowFirst[i]; e < rowFirst[i + 1]; e++) if (col[e] === c && (best < 0 || cost[e] < cost[best])) best = e;
    x[edgeCol[best]] = 1;
    objective += cost[best];
  }
  return { x, objective };
}

/** One independent part of a split program: its columns in the whole program, and the part as a program. */
export interface ProgramPart {
  columns: Int32Array;
  program: BinaryProgram;
  /** the incumbent restricted to the part (feasible in it) */
  start: Uint8Array;
  /**
   * The start is proven optimal in the part (the fixing left nothing else in its components): no solver needed. Such
   * components are gathered in one part.
   */
  settled?: true;
}

/**
 * Reduced-cost fixing, then components. With prices mu ≥ 0 and L = L(mu), every solution that takes column j of car c
 * costs at least L − carMin_c + priced cost of j (the bound with c's choice forced to j). When that cannot beat the
 * incumbent (integer costs: cannot reach incumbent − 1), no better solution takes j, so the columns kept (those that
 * can, plus the incumbent's own) hold an optimum of p. The kept columns fall into connected components (rows linked by
 * columns); no kept column links two of them, so the optimum over the kept columns is the sum of the components'
 * optima. Rows are renumbered per part with its cars first (partition rows), in their order in p.
 */
export function splitByFixing(p: BinaryProgram, carOf: Int32Array, mu: Float64Array, incumbent: Uint8Array, incumbentObjective: number, stats?: SplitStats): ProgramPart[] {
  return splitKept(p, carOf, keptColumns(p, carOf, mu, incumbent, incumbentObjective), incumbent, mu, lagrangianBound(p, carOf, mu).pricedCost, stats);
}

/**
 * The columns splitByFixing keeps: the incumbent's, and those whose forced bound L − carMin_c + priced cost is at most
 * `cutoff` (default: the incumbent's objective less the integer step, with a margin for rounding).
 */
export function keptColumns(p: BinaryProgram, carOf: Int32Array, mu: Float64Array, incumbent: Uint8Array, incumbentObjective: number, cutoff?: number): Uint8Array {
  const { bound, pricedCost, carMin } = lagrangianBound(p, carOf, mu);
  let integral = true;
  for (let j = 0; j < p.colCount && integral; j++) if (!Number.isInteger(p.cost[j])) integral = false;
  // The bound is summed in floating point over up to ~10⁵ terms of up to ~10⁷ with prices that are not integers: a
  // column is dropped only when it provably cannot beat the incumbent (improvingLimit's margin).
  let magnitude = 0;
  for (let j = 0; j < p.colCount; j++) magnitude += Math.abs(p.cost[j]) + Math.abs(pricedCost[j]);
  for (let i = 0; i < p.rowCount; i++) magnitude += mu[i];
  const limit = cutoff ?? improvingLimit(incumbentObjective, integral, magnitude);
  const keep = new Uint8Array(p.colCount);
  for (let j = 0; j < p.colCount; j++) if (incumbent[j] || bound - carMin[carOf[j]] + pricedCost[j] <= limit) keep[j] = 1;
  return keep;
}

/**
 * The kept columns' connected components as programs (cars first), with the incumbent restricted to each. Each
 * component is then fixed again on its own (refineParts) before it becomes a part. With `basis` (p's optimal LP basis),
 * each part that needs a solver starts its LP from that basis restricted to it (startBasis, decision 0036): the LP's x
 * and prices restricted to a part are optimal for the part's LP when the fixing kept the columns the LP uses.
 */
function splitKept(p: BinaryProgram, carOf: Int32Array, keep: Uint8Array, incumbent: Uint8Array, mu: Float64Array, pricedCost: Float64Array, stats?: SplitStats, basis?: LpBasis): ProgramPart[] {
  const kept: number[] = [];
  for (let j = 0; j < p.colCount; j++) if (keep[j]) kept.push(j);
  const { lists, settled } = refineParts(p, carOf, kept, incumbent, mu, pricedCost, stats);
  const parts = p.partitionRows ?? 0;
  const newRow = new Int32Array(p.rowCount).fill(-1);
  const oldRow: number[] = [];
  const built = [...lists, settled].map((list, n): ProgramPart => {
    oldRow.length = 0;
    let rows = 0;
    for (const j of list) if (newRow[carOf[j]] < 0) (newRow[carOf[j]] = rows++), oldRow.push(carOf[j]);
    const cars = rows;
    for (const j of list) {
      for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) {
        const i = p.rowIndex[k];
        if (i >= parts && newRow[i] < 0) (newRow[i] = rows++), oldRow.push(i);
      }
    }
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
    // The settled part (last) needs no solver, so no basis.
    if (basis && n < lists.length) {
      const colStatus = new Int32Array(list.length);
      list.forEach((j, t) => (colStatus[t] = basis.colStatus[j]));
      program.startBasis = repairBasis({ colStatus, rowStatus: Int32Array.from(oldRow, (i) => basis.rowStatus[i]) });
    }
    return { columns: Int32Array.from(list), program, start };
  });
  if (settled.length === 0) built.pop();
  else built[built.length - 1].settled = true;
  return built;
}

/**
 * The columns `cols` (ascending) split into connected components (rows linked by columns), each ascending, in order of
 * their first column. `parent` and `slot` are scratch arrays over p's rows (slot all −1, and left so).
 */
function components(p: BinaryProgram, carOf: Int32Array, cols: readonly number[], parent: Int32Array, slot: Int32Array): number[][] {
  for (const j of cols) {
    parent[carOf[j]] = carOf[j];
    for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) parent[p.rowIndex[k]] = p.rowIndex[k];
  }
  const find = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (const j of cols) {
    for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) {
      // Both roots afresh at every row: a link made for the previous row may have moved the car's root.
      const a = find(carOf[j]);
      const b = find(p.rowIndex[k]);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const out: number[][] = [];
  for (const j of cols) {
    const root = find(carOf[j]);
    if (slot[root] < 0) {
      slot[root] = out.length;
      out.push([]);
    }
    out[slot[root]].push(j);
  }
  for (const j of cols) slot[find(carOf[j])] = -1;
  return out;
}

/**
 * The kept columns' components, each fixed again on its own until nothing more goes. A component is a program of its
 * own (no kept column links it to another), so the fixing holds within it with the same prices restricted to its
 * rows: its own bound L_P (its cars' least priced kept columns, its request rows' prices) and its own incumbent (the
 * incumbent's columns in it). Its gap is its own share of the whole program's, usually far smaller, so more columns go
 * and the rest often falls apart again. Exact for the same reason as splitByFixing: in each component the columns
 * dropped cannot beat its incumbent, which is kept.
 */
function refineParts(
  p: BinaryProgram,
  carOf: Int32Array,
  kept: readonly number[],
  incumbent: Uint8Array,
  mu: Float64Array,
  pricedCost: Float64Array,
  stats?: SplitStats,
): { lists: number[][]; settled: number[] } {
  const parts = p.partitionRows ?? 0;
  const parent = new Int32Array(p.rowCount);
  const slot = new Int32Array(p.rowCount).fill(-1);
  const seen = new Int32Array(p.rowCount);
  const carMin = new Float64Array(parts);
  let stamp = 0;
  let integral = true;
  for (let j = 0; j < p.colCount && integral; j++) if (!Number.isInteger(p.cost[j])) integral = false;
  const queue = components(p, carOf, kept, parent, slot);
  const leaves: number[][] = [];
  const settled: number[] = [];
  while (queue.length > 0) {
    const cols = queue.pop()!;
    stamp++;
    let bound = 0;
    let upper = 0;
    let magnitude = 0;
    for (const j of cols) {
      const c = carOf[j];
      if (seen[c] !== stamp) {
        seen[c] = stamp;
        carMin[c] = 0;
      }
      if (pricedCost[j] < carMin[c]) carMin[c] = pricedCost[j];
      if (incumbent[j]) upper += p.cost[j];
      magnitude += Math.abs(p.cost[j]) + Math.abs(pricedCost[j]);
    }
    stamp++;
    for (const j of cols) {
      const c = carOf[j];
      if (seen[c] !== stamp) {
        seen[c] = stamp;
        bound += carMin[c];
      }
      for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) {
        const r = p.rowIndex[k];
        if (r < parts || seen[r] === stamp) continue;
        seen[r] = stamp;
        bound -= mu[r];
        magnitude += mu[r];
      }
    }
    // The margin of keptColumns, over this component's terms.
    const limit = improvingLimit(upper, integral, magnitude);
    let others = 0;
    let negative = true;
    const still = cols.filter((j) => {
      if (incumbent[j]) {
        if (p.cost[j] >= 0) negative = false;
        return true;
      }
      if (bound - carMin[carOf[j]] + pricedCost[j] > limit) return false;
      others++;
      return true;
    });
    if (stats) stats.refined += cols.length - still.length;
    // Only the incumbent's columns left, all of negative cost: nothing can beat it here.
    if (others === 0 && negative) {
      for (const j of still) settled.push(j);
      if (stats) stats.settled += still.length;
    }
    else if (still.length === cols.length) leaves.push(cols);
    else for (const part of components(p, carOf, still, parent, slot)) queue.push(part);
  }
  return { lists: leaves.sort((a, b) => a[0] - b[0]), settled: settled.sort((a, b) => a - b) };
}

/**
 * The LP relaxation of a 0/1 program (x in [0, 1]): its x and row prices (HiGHS's row duals; for a minimisation with
 * rows ≤ 1 they are ≤ 0). Only used to choose prices and an incumbent, never trusted for exactness.
 */
export interface LpRelaxation {
  /** with the optimal basis where the LP engine reports one (for the parts' start, decision 0036) */
  relax(p: BinaryProgram): { x: Float64Array; rowDual: Float64Array; basis?: LpBasis } | null;
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
  /** parts met again in a later round of the same program, not solved again */
  reusedParts: number;
  /** columns dropped by fixing a component again on its own (refineParts) */
  refined: number;
  /** incumbent columns in components where the fixing left nothing else: taken without a solver */
  settled: number;
}

/**
 * Solves pooled-shaped programs by their LP relaxation first: prices mu_r = max(0, −row dual) on the request rows, the
 * incumbent a packing rounded from the LP's x (its singles chosen again by an assignment, decision 0031), then
 * restricted rounds up `ladder` and the exact fixing (splitByFixing, each component fixed again on its own), and each
 * part by `mip` started from the incumbent's restriction. The bound is recomputed here from mu (lagrangianBound, exact arithmetic on integer costs), so the
 * result is the optimum whatever the LP's tolerances; only which of equal optima is returned may differ from `mip` on
 * the whole program (decision 0026's tie rule). Programs of another shape, or whose LP fails, go to `mip` whole.
 *
 * On the stress day's giant programs the LP is within a few hundred seconds of the integer optimum (a 10¹⁰ objective),
 * so the fixing drops most columns and what is left falls apart into many small programs.
 *
 * @example bySize(chain, splitByLp(relaxWithHighs(highs), bySize(chain, highs, 100)), 1_000)
 */
export function splitByLp(lp: LpRelaxation, mip: BinaryProgramSolver, stats?: SplitStats, ladder: readonly number[] = RESTRICT_LADDER_S): BinaryProgramSolver {
  const assignment = new AssignmentSolver();
  return {
    solve(p: BinaryProgram, start?: Uint8Array): BinaryProgramSolution | null {
      const carOf = carOfColumns(p);
      const relaxed = carOf ? lp.relax(p) : null;
      if (!carOf || !relaxed) return mip.solve(p, start);
      const parts = p.partitionRows ?? 0;
      const mu = new Float64Array(p.rowCount);
      for (let i = parts; i < p.rowCount; i++) mu[i] = Math.max(0, -relaxed.rowDual[i]);
      const { bound, pricedCost } = lagrangianBound(p, carOf, mu);
      let { x, objective }: { x: Uint8Array; objective: number } = roundedPacking(p, relaxed.x, pricedCost);
      {
        // The rounded packing's pairs kept, its singles chosen again by the optimal assignment: the rounding often
        // leaves a must-serve request out (10⁷ s) where the assignment finds it a car.
        const pairs = new Uint8Array(p.colCount);
        for (let j = 0; j < p.colCount; j++) if (x[j] && p.colStart[j + 1] - p.colStart[j] > 2) pairs[j] = 1;
        const completed = assignmentCompletion(p, carOf, pairs, assignment);
        if (completed.objective < objective) ({ x, objective } = completed);
      }
      if (start) {
        let o = 0;
        for (let j = 0; j < p.colCount; j++) if (start[j]) o += p.cost[j];
        if (o < objective) ({ x, objective } = { x: start, objective: o });
      }
      // Restricted rounds first: the columns within r of the bound, r up the ladder (an optimum nearly always lies
      // within a few hundred seconds: the LP is that close to it), each followed by a proof: if no column left out can
      // beat that answer, it is optimal. Else the exact fixing with the last answer as the incumbent. A part met again
      // in a later round (the same columns) keeps its answer.
      const memo = new PartMemo();
      let rounds = 0;
      for (const r of ladder) {
        if (objective - bound <= r) break;
        const near = keptColumns(p, carOf, mu, x, objective, bound + r);
        const sol = solveRound(p, splitKept(p, carOf, near, x, mu, pricedCost, stats, relaxed.basis), mip, memo, stats);
        if (!sol) return null;
        ({ x, objective } = sol);
        rounds++;
        const keep = keptColumns(p, carOf, mu, x, objective);
        let proven = true;
        for (let j = 0; j < p.colCount && proven; j++) if (keep[j] && !near[j]) proven = false;
        if (proven) return sol;
      }
      if (stats && rounds > 0) stats.secondRounds++;
      return solveRound(p, splitKept(p, carOf, keptColumns(p, carOf, mu, x, objective), x, mu, pricedCost, stats, relaxed.basis), mip, memo, stats);
    },
  };
}

/**
 * splitByLp's restricted rounds: the columns within this many seconds of the Lagrangian bound, each round only when
 * the incumbent is further than that from the bound.
 */
export const RESTRICT_LADDER_S: readonly number[] = [200, 500];

/** Answers of parts already solved in an earlier round of the same program, by their columns. */
export class PartMemo {
  private readonly byKey = new Map<string, { columns: Int32Array; x: Uint8Array; objective: number }>();

  private static key(columns: Int32Array): string {
    return `${columns.length}:${columns[0]}:${columns[columns.length - 1]}`;
  }

  get(columns: Int32Array): { x: Uint8Array; objective: number } | undefined {
    const hit = this.byKey.get(PartMemo.key(columns));
    if (!hit || hit.columns.length !== columns.length) return undefined;
    for (let t = 0; t < columns.length; t++) if (hit.columns[t] !== columns[t]) return undefined;
    return hit;
  }

  set(columns: Int32Array, x: Uint8Array, objective: number): void {
    this.byKey.set(PartMemo.key(columns), { columns, x, objective });
  }
}

/** One round: the parts not met before solved by solveParts, the others from the memo; answers remembered. */
function solveRound(p: BinaryProgram, pieces: ProgramPart[], mip: BinaryProgramSolver, memo: PartMemo, stats?: SplitStats): BinaryProgramSolution | null {
  const fresh: ProgramPart[] = [];
  let reusedObjective = 0;
  const reused: { columns: Int32Array; x: Uint8Array }[] = [];
  for (const piece of pieces) {
    if (piece.settled) {
      let objective = 0;
      for (let t = 0; t < piece.columns.length; t++) if (piece.start[t]) objective += piece.program.cost[t];
      reused.push({ columns: piece.columns, x: piece.start });
      reusedObjective += objective;
      continue;
    }
    // Parts of a few columns cost less to solve again than to look up.
    const hit = piece.columns.length >= MEMO_MIN_COLUMNS ? memo.get(piece.columns) : undefined;
    if (hit) {
      if (stats) stats.reusedParts++;
      reused.push({ columns: piece.columns, x: hit.x });
      reusedObjective += hit.objective;
    } else fresh.push(piece);
  }
  const sol = solveParts(p, fresh, mip, stats);
  if (!sol) return null;
  for (const piece of fresh) {
    if (piece.columns.length < MEMO_MIN_COLUMNS) continue;
    const x = new Uint8Array(piece.columns.length);
    let objective = 0;
    piece.columns.forEach((j, t) => {
      x[t] = sol.x[j];
      if (x[t]) objective += p.cost[j];
    });
    memo.set(piece.columns, x, objective);
  }
  for (const { columns, x } of reused) columns.forEach((j, t) => (sol.x[j] = x[t]));
  return { x: sol.x, objective: sol.objective + reusedObjective };
}

const MEMO_MIN_COLUMNS = 50;

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
