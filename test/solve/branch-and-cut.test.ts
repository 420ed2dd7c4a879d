// Our branch and cut for set-packing programs (decision 0035) on HiGHS's open LP: the optimum of the exhaustive solver
// and of HiGHS's MIP, whatever the LP engine answers, with clique cuts and branching in effect.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { branchAndCut, type BranchAndCutStats, type IncrementalLp, type IncrementalLpSource } from '../../src/core/solve/branch-and-cut.js';
import { bruteForceBinaryProgram, isFeasibleBinary, type BinaryProgram, type BinaryProgramSolver } from '../../src/core/solve/ilp.js';
import { loadHighsBinarySolver, POOLED_HIGHS_OPTIONS } from '../../src/io/highs-ilp.js';
import { packingProgram, twoSeatProgram } from './programs.js';

const highs = (await loadHighsBinarySolver()).withOptions(POOLED_HIGHS_OPTIONS);
const highsLps: IncrementalLpSource = { open: (p) => highs.openLp(p) };
const emptyStats = (): BranchAndCutStats => ({ programs: 0, fallbacks: 0, nodes: 0, lpSolves: 0, cuts: 0, atRoot: 0, fixed: 0 });

function expectConsistent(p: BinaryProgram, got: { x: Uint8Array; objective: number }): void {
  expect(isFeasibleBinary(p, got.x)).toBe(true);
  let sum = 0;
  for (let j = 0; j < p.colCount; j++) if (got.x[j]) sum += p.cost[j];
  expect(sum).toBe(got.objective);
}

/** A fallback that counts its calls and answers exhaustively (small programs) or with HiGHS's MIP. */
function countingFallback(): BinaryProgramSolver & { calls: number } {
  const f = {
    calls: 0,
    solve(p: BinaryProgram, start?: Uint8Array) {
      f.calls++;
      if (start) expect(isFeasibleBinary(p, start)).toBe(true);
      return p.colCount <= 20 ? bruteForceBinaryProgram.solve(p) : highs.solve(p, start);
    },
  };
  return f;
}

/**
 * HiGHS's open LP with its answers bent: prices replaced by nonsense, or shifted off the optimal ones by a few seconds,
 * or every solve reported infeasible, or an integral x that is no optimum.
 */
function bentLps(rng: Rng, how: 'prices' | 'shifted' | 'infeasible' | 'x'): IncrementalLpSource {
  return {
    open(p) {
      const lp = highs.openLp(p)!;
      const bent: IncrementalLp = {
        solve() {
          const r = lp.solve();
          if (how === 'infeasible') return 'infeasible';
          if (!r || r === 'infeasible') return r;
          if (how === 'prices') return { x: r.x, rowDual: r.rowDual.map(() => -rng.int(3000)) };
          if (how === 'shifted') return { x: r.x, rowDual: r.rowDual.map((d) => Math.min(0, d + rng.int(7) - 3)) };
          // An integral x that is no LP optimum: the cheapest column alone.
          const x = new Float64Array(r.x.length);
          let best = 0;
          for (let j = 1; j < p.colCount; j++) if (p.cost[j] < p.cost[best]) best = j;
          x[best] = 1;
          return { x, rowDual: r.rowDual };
        },
        setColumnBounds: (j, lo, up) => lp.setColumnBounds(j, lo, up),
        addPackingRow: (cols) => lp.addPackingRow(cols),
        close: () => lp.close(),
      };
      return bent;
    },
  };
}

describe('branchAndCut', () => {
  it('matches the exhaustive solver on small two-seat programs, from no start or a feasible one, at any node limit', () => {
    const rng = new Rng(31);
    const stats = emptyStats();
    let checked = 0;
    for (let k = 0; k < 60; k++) {
      const p = twoSeatProgram(rng, 2 + rng.int(4), 3 + rng.int(5), 3, 3);
      if (p.colCount > 20) continue;
      const want = bruteForceBinaryProgram.solve(p)!.objective;
      for (const maxNodes of [1, 3, 400]) {
        const fallback = countingFallback();
        const solver = branchAndCut(highsLps, fallback, stats, maxNodes);
        const fromNothing = solver.solve(p)!;
        expect(fromNothing.objective).toBe(want);
        expectConsistent(p, fromNothing);
        // A feasible start: the first column alone.
        const start = new Uint8Array(p.colCount);
        start[0] = 1;
        const fromStart = solver.solve(p, start)!;
        expect(fromStart.objective).toBe(want);
        expectConsistent(p, fromStart);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
    // Cuts were added, columns fixed by reduced cost (and freed again on the way back up), most programs needed no fallback.
    expect(stats.cuts).toBeGreaterThan(0);
    expect(stats.fixed).toBeGreaterThan(0);
    expect(stats.fallbacks).toBeLessThan(stats.programs / 2);
  });

  it('closes a triangle of pairs with one clique cut at the root', () => {
    // Cars A, B, C (rows 0–2) and requests 1–3 (rows 3–5): A takes {1, 2}, B {2, 3}, C {1, 3}, each −10. The LP takes
    // each at ½ (−15); any two share a request, so the optimum is one pair (−10), and Σ x ≤ 1 over the three proves it.
    const p = packingProgram([0, 3, 6, 9], [0, 3, 4, 1, 4, 5, 2, 3, 5], [-10, -10, -10], 6, 3);
    const stats = emptyStats();
    const fallback = countingFallback();
    const got = branchAndCut(highsLps, fallback, stats).solve(p)!;
    expect(got.objective).toBe(-10);
    expectConsistent(p, got);
    expect(stats).toMatchObject({ programs: 1, fallbacks: 0, nodes: 1, atRoot: 1, cuts: 1 });
    expect(fallback.calls).toBe(0);
  });

  it('stays exact whatever the LP engine answers: nonsense or shifted prices, a false infeasible, an integral x that is no optimum', () => {
    const rng = new Rng(32);
    for (const how of ['prices', 'shifted', 'infeasible', 'x'] as const) {
      for (let k = 0; k < 20; k++) {
        const p = twoSeatProgram(rng, 2 + rng.int(4), 3 + rng.int(5), 3, 3);
        if (p.colCount > 20) continue;
        const want = bruteForceBinaryProgram.solve(p)!.objective;
        const got = branchAndCut(bentLps(rng, how), countingFallback()).solve(p)!;
        expect(got.objective).toBe(want);
        expectConsistent(p, got);
      }
    }
  });

  it("fixes columns by reduced cost from prices off the LP's, and stays exact (any prices ≥ 0 give a valid bound)", () => {
    const rng = new Rng(34);
    const stats = emptyStats();
    for (let k = 0; k < 6; k++) {
      const p = twoSeatProgram(rng, 30 + rng.int(30), 40 + rng.int(30), 4, 5, 0.3);
      // Started from the optimum, as splitByLp's parts mostly are (the search has only to prove it), or from nothing.
      const want = highs.solve(p)!;
      const solver = branchAndCut(bentLps(rng, 'shifted'), countingFallback(), stats);
      const got = solver.solve(p, want.x)!;
      expect(got.objective).toBe(want.objective);
      expectConsistent(p, got);
      const fromNothing = solver.solve(p)!;
      expect(fromNothing.objective).toBe(want.objective);
      expectConsistent(p, fromNothing);
      expectConsistent(p, got);
    }
    expect(stats.fixed).toBeGreaterThan(0);
  });

  it("matches HiGHS's MIP on pooled-like programs of hundreds of columns, branching, and past a node limit", () => {
    const rng = new Rng(33);
    const stats = emptyStats();
    const limited = emptyStats();
    for (let k = 0; k < 8; k++) {
      const p = twoSeatProgram(rng, 40 + rng.int(40), 60 + rng.int(40), 4, 5, 0.3);
      const want = highs.solve(p)!.objective;
      const got = branchAndCut(highsLps, countingFallback(), stats).solve(p)!;
      expect(got.objective).toBe(want);
      expectConsistent(p, got);
      // Two nodes at most: programs that branch go to the fallback from the best packing found (checked feasible).
      const cut = branchAndCut(highsLps, countingFallback(), limited, 2).solve(p)!;
      expect(cut.objective).toBe(want);
      expectConsistent(p, cut);
    }
    // Some programs branched and none needed the fallback; with two nodes some did.
    expect(stats.nodes).toBeGreaterThan(stats.programs);
    expect(stats.atRoot).toBeLessThan(stats.programs);
    expect(stats.fallbacks).toBe(0);
    expect(stats.fixed).toBeGreaterThan(0);
    expect(limited.fallbacks).toBeGreaterThan(0);
  });

  it('frees the columns fixed by reduced cost below a node when the search leaves it (optima found in a second child)', () => {
    // Fixings made under x_j = 1 do not hold under x_j = 0: kept there, they cut off optima of these programs.
    const stats = emptyStats();
    const never: BinaryProgramSolver = { solve: () => { throw new Error('no fallback expected'); } };
    for (let seed = 1; seed <= 60; seed++) {
      const rng = new Rng(seed);
      const p = twoSeatProgram(rng, 20 + rng.int(40), 30 + rng.int(50), 4, 5, 0.3);
      const got = branchAndCut(highsLps, never, stats).solve(p)!;
      expect(got.objective).toBe(highs.solve(p)!.objective);
      expectConsistent(p, got);
    }
    expect(stats.fixed).toBeGreaterThan(0);
    expect(stats.nodes).toBeGreaterThan(stats.programs);
  });

  it('hands programs of another shape to the fallback untouched', () => {
    const rng = new Rng(34);
    const p = twoSeatProgram(rng, 3, 5, 2, 3);
    const shapes: BinaryProgram[] = [
      { ...p, cost: p.cost.map((c) => c + 0.5) },
      { ...p, rowLower: Float64Array.from(p.rowLower, (v, i) => (i === 0 ? 1 : v)) },
      { ...p, value: p.value.map((v, k) => (k === 0 ? 2 : v)) },
    ];
    for (const q of shapes) {
      const seen: BinaryProgram[] = [];
      const spy: BinaryProgramSolver = { solve: (r) => (seen.push(r), bruteForceBinaryProgram.solve(r)) };
      branchAndCut(highsLps, spy).solve(q);
      expect(seen).toEqual([q]);
    }
  });
});
