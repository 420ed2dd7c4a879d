// Exact branch and cut for set-packing programs (every coefficient 1, every row at most 1: pooled's trip programs and
// splitByLp's parts), on an LP kept open between nodes (IncrementalLp: HiGHS in io/, warm from its last basis). Clique
// cuts from the columns' conflicts, depth-first branching, and a bound of our own from the LP's row prices, so that no
// LP tolerance can prune a better answer (decision 0035); columns fixed by reduced cost from that bound (decision 0036).

import { improvingLimit, isFeasibleBinary, objectiveOf, type BinaryProgram, type BinaryProgramSolution, type BinaryProgramSolver } from './ilp.js';

/** An LP (x in [lower, upper] per column) kept open between solves, each started from the last one's basis. */
export interface IncrementalLp {
  /**
   * Solves the LP as it now stands: x and the row prices (duals; for a minimisation with rows ≤ 1 they are ≤ 0), or
   * 'infeasible', or null when the LP engine reports neither optimal nor infeasible.
   */
  solve(): { x: Float64Array; rowDual: Float64Array } | 'infeasible' | null;
  setColumnBounds(j: number, lower: number, upper: number): void;
  /** Adds the row Σ_{j ∈ columns} x_j ≤ 1. */
  addPackingRow(columns: readonly number[]): void;
  /** Frees the engine's memory; the LP is not used after. */
  close(): void;
}

/** Opens the LP relaxation of a program (its rows, x in [0, 1]); null where it cannot (branchAndCut then falls back). */
export interface IncrementalLpSource {
  open(p: BinaryProgram): IncrementalLp | null;
}

/** What branchAndCut did, for benchmarks. */
export interface BranchAndCutStats {
  programs: number;
  /** programs handed to the fallback (node limit, an LP the engine could not solve, another shape) */
  fallbacks: number;
  nodes: number;
  lpSolves: number;
  cuts: number;
  /** programs proven at the root (no branching) */
  atRoot: number;
  /** columns fixed by reduced cost, at the nodes where it was done */
  fixed: number;
}

/** Defaults of branchAndCut. */
export const BRANCH_AND_CUT_NODES = 400;
const CUT_ROUNDS_ROOT = 20;
const CUT_ROUNDS_NODE = 2;
/** A cut is added only when the LP's x exceeds its right-hand side 1 by more than this. */
const CUT_VIOLATION = 1e-6;
/** x within this of 0 or 1 counts as integral. */
const INTEGRAL = 1e-9;

/**
 * A set-packing program's rows per column and its columns per row, or null when p is not one (a coefficient other
 * than 1, a row whose bounds are not [0, 1]).
 */
function packingShape(p: BinaryProgram): { rowStart: Int32Array; rowCols: Int32Array } | null {
  for (let i = 0; i < p.rowCount; i++) if (p.rowLower[i] !== 0 || p.rowUpper[i] !== 1) return null;
  const nnz = p.colStart[p.colCount];
  for (let k = 0; k < nnz; k++) if (p.value[k] !== 1) return null;
  const rowStart = new Int32Array(p.rowCount + 1);
  for (let k = 0; k < nnz; k++) rowStart[p.rowIndex[k] + 1]++;
  for (let i = 0; i < p.rowCount; i++) rowStart[i + 1] += rowStart[i];
  const fill = rowStart.slice(0, p.rowCount);
  const rowCols = new Int32Array(nnz);
  for (let j = 0; j < p.colCount; j++) for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) rowCols[fill[p.rowIndex[k]]++] = j;
  return { rowStart, rowCols };
}

/**
 * Exact branch and cut for set-packing programs (costs integers), `fallback` for everything else and for programs
 * that take more than `maxNodes` nodes (started from the best answer found).
 *
 * Exact: a node is pruned only by a bound computed here, in our arithmetic, from the LP's row prices y = max(0, −dual)
 * on every row (the program's and the cuts'): with the node's column bounds [l_j, u_j],
 *   L(y) = Σ_j (l_j = 1 ? c̄_j : u_j = 1 ? min(0, c̄_j) : 0) − Σ_rows y_i,  c̄_j = c_j + Σ_{i ∋ j} y_i,
 * is at most the cost of every packing within those bounds (each satisfies Σ_{j ∈ row} x_j ≤ 1 for every row and
 * cut, and y ≥ 0), whatever prices the LP hands back. A node is pruned when L cannot reach the incumbent less 1
 * (integer costs), with a margin above floating-point rounding. The same bound with one free column forced (L + c̄_j for
 * x_j = 1 when c̄_j > 0, L − c̄_j for x_j = 0 when c̄_j < 0) fixes that column at its other value for the node's
 * subtree where it cannot reach that limit (reduced-cost fixing, decision 0036); leaving the subtree frees it. Cuts are clique inequalities Σ_{j ∈ K} x_j ≤ 1 over
 * columns that pairwise share a row: every packing satisfies them. Integral LP answers are checked as packings and
 * costed from p's costs. Which of equal optima is returned may differ from another exact solver's (decision 0026).
 *
 * @example bySize(chain, branchAndCut(highsLps, highs), 100)
 */
export function branchAndCut(lps: IncrementalLpSource, fallback: BinaryProgramSolver, stats?: BranchAndCutStats, maxNodes = BRANCH_AND_CUT_NODES): BinaryProgramSolver {
  return {
    solve(p: BinaryProgram, start?: Uint8Array): BinaryProgramSolution | null {
      if (stats) stats.programs++;
      let integral = p.colCount > 0;
      for (let j = 0; j < p.colCount && integral; j++) if (!Number.isInteger(p.cost[j])) integral = false;
      const shape = integral ? packingShape(p) : null;
      const lp = shape ? lps.open(p) : null;
      if (!shape || !lp) {
        if (stats) stats.fallbacks++;
        return fallback.solve(p, start);
      }
      const search = new Search(p, shape, lp, start, stats);
      try {
        const done = search.run(maxNodes);
        if (done) return { x: search.bestX, objective: search.bestObjective };
      } finally {
        search.lp.close();
      }
      if (stats) stats.fallbacks++;
      return fallback.solve(p, search.bestX);
    },
  };
}

/** One program's branch and cut: the LP, the cuts so far (rows after p's), the incumbent. */
class Search {
  bestX: Uint8Array;
  bestObjective = 0;
  /** the node's column bounds: 0 free, 1 fixed at 0, 2 fixed at 1 */
  private readonly fixed: Uint8Array;
  /** the cuts' columns, as CSR over cut rows (cut c is row p.rowCount + c) */
  private readonly cutStart: number[] = [0];
  private readonly cutCols: number[] = [];
  private readonly cutKeys = new Set<string>();
  /** scratch of bound: each column's priced cost */
  private readonly priced: Float64Array;
  /** columns fixed by reduced cost at the nodes on the current path, in order (see node) */
  private readonly trail: number[] = [];

  constructor(
    private readonly p: BinaryProgram,
    private readonly shape: { rowStart: Int32Array; rowCols: Int32Array },
    readonly lp: IncrementalLp,
    start: Uint8Array | undefined,
    private readonly stats?: BranchAndCutStats,
  ) {
    this.bestX = new Uint8Array(p.colCount);
    if (start && isFeasibleBinary(p, start)) {
      this.bestX = Uint8Array.from(start);
      this.bestObjective = objectiveOf(p, start);
    }
    this.fixed = new Uint8Array(p.colCount);
    this.priced = new Float64Array(p.colCount);
  }

  /** Depth-first search from the root; false when it ran past maxNodes or an LP failed (the incumbent stands). */
  run(maxNodes: number): boolean {
    // The path from the root: the columns branched on, whether their second child (x = 0) is the one explored, and
    // how long the trail of reduced-cost fixings was when the branch was made (the node's own fixings hold for both
    // children; those made below it are undone when the search leaves the child that made them).
    const path: { j: number; second: boolean; mark: number }[] = [];
    let nodes = 0;
    let root = true;
    for (;;) {
      if (nodes++ >= maxNodes) return false;
      if (this.stats) this.stats.nodes++;
      const outcome = this.node(root ? CUT_ROUNDS_ROOT : CUT_ROUNDS_NODE);
      if (outcome === null) return false;
      if (root && outcome < 0 && this.stats) this.stats.atRoot++;
      root = false;
      if (outcome >= 0) {
        // Branch on column `outcome`: first x = 1 (packings come from there), then x = 0.
        path.push({ j: outcome, second: false, mark: this.trail.length });
        this.setFixed(outcome, 2);
        continue;
      }
      // Pruned or integral: back up to the last decision whose second child is unexplored.
      for (;;) {
        const top = path.pop();
        if (!top) return true;
        this.setFixed(top.j, 0);
        while (this.trail.length > top.mark) this.setFixed(this.trail.pop()!, 0);
        if (!top.second) {
          path.push({ j: top.j, second: true, mark: top.mark });
          this.setFixed(top.j, 1);
          break;
        }
      }
    }
  }

  private setFixed(j: number, state: number): void {
    this.fixed[j] = state;
    this.lp.setColumnBounds(j, state === 2 ? 1 : 0, state === 1 ? 0 : 1);
  }

  /**
   * Solves the node's LP with up to `rounds` rounds of cuts: −1 when the node is done (pruned, infeasible, or
   * integral and taken), the column to branch on, or null when the LP engine failed.
   */
  private node(rounds: number): number | null {
    for (let round = 0; ; round++) {
      const r = this.lp.solve();
      if (this.stats) this.stats.lpSolves++;
      // Infeasible only where the columns fixed at 1 share a row (else those columns alone are a packing here).
      if (r === 'infeasible') return this.fixedConflict() ? -1 : null;
      if (!r) return null;
      const { bound, magnitude } = this.bound(r.rowDual);
      const limit = improvingLimit(this.bestObjective, true, magnitude);
      if (bound > limit) return -1;
      // Reduced-cost fixing (decision 0036), for this node's subtree: a free column whose priced cost c̄ > 0 adds c̄ to
      // the bound when forced to 1, one with c̄ < 0 adds −c̄ when forced to 0. Where that passes the limit, no better
      // packing below here takes that value, so the column is fixed at the other. Where the LP's x already has it
      // there, this answer stands; else the LP is solved again (the same cut round).
      let moved = false;
      const priced = this.priced;
      for (let j = 0; j < this.p.colCount; j++) {
        if (this.fixed[j] !== 0) continue;
        const c = priced[j];
        if (c > 0 ? bound + c <= limit : bound - c <= limit) continue;
        this.setFixed(j, c > 0 ? 1 : 2);
        this.trail.push(j);
        if (this.stats) this.stats.fixed++;
        if (c > 0 ? r.x[j] > INTEGRAL : r.x[j] < 1 - INTEGRAL) moved = true;
      }
      if (moved) {
        round--;
        continue;
      }
      let fractional = -1;
      let best = 2;
      for (let j = 0; j < this.p.colCount; j++) {
        const v = r.x[j];
        if (v <= INTEGRAL || v >= 1 - INTEGRAL) continue;
        // The most fractional column, lowest index on ties.
        const d = Math.abs(v - 0.5);
        if (d < best) (best = d), (fractional = j);
      }
      if (fractional < 0) {
        const x = new Uint8Array(this.p.colCount);
        for (let j = 0; j < this.p.colCount; j++) x[j] = r.x[j] > 0.5 ? 1 : 0;
        if (!isFeasibleBinary(this.p, x)) return null;
        const o = objectiveOf(this.p, x);
        if (o < this.bestObjective) (this.bestX = x), (this.bestObjective = o);
        // Done only if our bound proves nothing better is left here (an LP answer within its tolerances may not be
        // optimal); else the engine is not trusted with this program.
        return bound > improvingLimit(this.bestObjective, true, magnitude) ? -1 : null;
      }
      if (round >= rounds || this.separate(r.x) === 0) return fractional;
    }
  }

  /** Whether two columns fixed at 1 share a row. */
  private fixedConflict(): boolean {
    return !isFeasibleBinary(this.p, Uint8Array.from(this.fixed, (f) => (f === 2 ? 1 : 0)));
  }

  /**
   * L(y) of the node (see branchAndCut), from the LP's row duals, and the size of the terms it sums (for
   * improvingLimit's rounding margin).
   */
  private bound(rowDual: Float64Array): { bound: number; magnitude: number } {
    const p = this.p;
    const y = (i: number): number => Math.max(0, -rowDual[i]);
    const priced = this.priced;
    let L = 0;
    let magnitude = 0;
    for (let j = 0; j < p.colCount; j++) {
      let c = p.cost[j];
      for (let k = p.colStart[j]; k < p.colStart[j + 1]; k++) c += y(p.rowIndex[k]);
      priced[j] = c;
      magnitude += Math.abs(p.cost[j]);
    }
    const cuts = this.cutStart.length - 1;
    for (let c = 0; c < cuts; c++) {
      const yc = y(p.rowCount + c);
      if (yc === 0) continue;
      for (let t = this.cutStart[c]; t < this.cutStart[c + 1]; t++) priced[this.cutCols[t]] += yc;
      L -= yc;
      magnitude += yc;
    }
    for (let i = 0; i < p.rowCount; i++) {
      L -= y(i);
      magnitude += y(i);
    }
    for (let j = 0; j < p.colCount; j++) {
      const f = this.fixed[j];
      magnitude += Math.abs(priced[j]);
      if (f === 2) L += priced[j];
      else if (f === 0 && priced[j] < 0) L += priced[j];
    }
    return { bound: L, magnitude };
  }

  /** Whether columns a and b share a row of p. */
  private conflict(a: number, b: number): boolean {
    const p = this.p;
    for (let k = p.colStart[a]; k < p.colStart[a + 1]; k++) {
      for (let l = p.colStart[b]; l < p.colStart[b + 1]; l++) if (p.rowIndex[k] === p.rowIndex[l]) return true;
    }
    return false;
  }

  /**
   * Clique cuts violated by x: from each fractional column (largest x first), a clique grown greedily over the
   * fractional columns that conflict with it (largest x first), then extended by any other column that conflicts with
   * all of it (a stronger cut). Added when Σ x over it exceeds 1 and it is new. Returns how many were added.
   */
  private separate(x: Float64Array): number {
    const p = this.p;
    const frac: number[] = [];
    for (let j = 0; j < p.colCount; j++) if (x[j] > INTEGRAL && x[j] < 1 - INTEGRAL && this.fixed[j] === 0) frac.push(j);
    frac.sort((a, b) => x[b] - x[a] || a - b);
    let added = 0;
    const { rowStart, rowCols } = this.shape;
    for (const seed of frac) {
      const clique = [seed];
      let sum = x[seed];
      for (const j of frac) {
        if (j === seed) continue;
        if (clique.every((k) => this.conflict(j, k))) {
          clique.push(j);
          sum += x[j];
        }
      }
      if (sum <= 1 + CUT_VIOLATION || clique.length < 3) continue;
      // Extension: columns conflicting with every member (found among the seed's rows' columns).
      const inClique = new Set(clique);
      for (let k = p.colStart[seed]; k < p.colStart[seed + 1]; k++) {
        const r = p.rowIndex[k];
        for (let t = rowStart[r]; t < rowStart[r + 1]; t++) {
          const j = rowCols[t];
          if (inClique.has(j) || this.fixed[j] === 1) continue;
          if (clique.every((m) => this.conflict(j, m))) {
            clique.push(j);
            inClique.add(j);
          }
        }
      }
      // A clique inside one row is that row already.
      if (this.withinOneRow(clique)) continue;
      clique.sort((a, b) => a - b);
      const key = clique.join(',');
      if (this.cutKeys.has(key)) continue;
      this.cutKeys.add(key);
      this.lp.addPackingRow(clique);
      for (const j of clique) this.cutCols.push(j);
      this.cutStart.push(this.cutCols.length);
      added++;
      if (this.stats) this.stats.cuts++;
    }
    return added;
  }

  private withinOneRow(cols: readonly number[]): boolean {
    const p = this.p;
    const first = cols[0];
    for (let k = p.colStart[first]; k < p.colStart[first + 1]; k++) {
      const r = p.rowIndex[k];
      let all = true;
      for (const j of cols) {
        let has = false;
        for (let l = p.colStart[j]; l < p.colStart[j + 1]; l++) if (p.rowIndex[l] === r) has = true;
        if (!has) all = false;
      }
      if (all) return true;
    }
    return false;
  }
}
