// The exact split of large two-seat programs (LP prices, reduced-cost fixing, then components; decision 0029) against
// the exhaustive solver and HiGHS: the same objective whatever the LP says, feasible choices, and a Lagrangian bound
// that never exceeds the optimum.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { bruteForceBinaryProgram, isFeasibleBinary, type BinaryProgram, type BinaryProgramSolver } from '../../src/core/solve/ilp.js';
import { lagrangianBound, PartMemo, splitByFixing, splitByLp, type LpRelaxation, type SplitStats } from '../../src/core/solve/split-by-fixing.js';
import { twoSeatSolverChain } from '../../src/core/solve/pair-packing.js';
import { BASIS_BASIC, fitsProgram } from '../../src/core/solve/lp-basis.js';
import { loadHighsBinarySolver, POOLED_HIGHS_OPTIONS, relaxWithHighs } from '../../src/io/highs-ilp.js';
import { packingProgram, twoSeatProgram } from './programs.js';

const highs = await loadHighsBinarySolver();

/** A metro-like program: cars and requests on a line, each car reaching the requests near it (a long chain of overlaps). */
function lineProgram(rng: Rng, cars: number, requests: number, reach: number): BinaryProgram {
  const penalty = Array.from({ length: requests }, () => 660 + rng.int(300));
  const colStart: number[] = [0];
  const rowIndex: number[] = [];
  const cost: number[] = [];
  for (let v = 0; v < cars; v++) {
    const at = Math.floor((v / cars) * requests);
    const near: number[] = [];
    for (let r = Math.max(0, at - reach); r < Math.min(requests, at + reach); r++) near.push(r);
    for (const r of near) {
      rowIndex.push(v, cars + r);
      cost.push(20 * Math.abs(r - at) + rng.int(200) - penalty[r]);
      colStart.push(rowIndex.length);
    }
    for (let t = 0; t < 3; t++) {
      const a = near[rng.int(near.length)];
      const b = near[rng.int(near.length)];
      if (a === b) continue;
      rowIndex.push(v, cars + Math.min(a, b), cars + Math.max(a, b));
      cost.push(20 * (Math.abs(a - at) + Math.abs(b - at)) + 300 + rng.int(300) - penalty[a] - penalty[b]);
      colStart.push(rowIndex.length);
    }
  }
  return packingProgram(colStart, rowIndex, cost, cars + requests, cars);
}

/** Programs side by side (no shared row): each one's cars first in the result, then all requests. */
function sideBySide(blocks: BinaryProgram[]): BinaryProgram {
  const cars = blocks.reduce((a, b) => a + (b.partitionRows ?? 0), 0);
  const rows = blocks.reduce((a, b) => a + b.rowCount, 0);
  const colStart: number[] = [0];
  const rowIndex: number[] = [];
  const cost: number[] = [];
  let carBase = 0;
  let reqBase = cars;
  for (const b of blocks) {
    const bc = b.partitionRows ?? 0;
    for (let j = 0; j < b.colCount; j++) {
      for (let k = b.colStart[j]; k < b.colStart[j + 1]; k++) rowIndex.push(b.rowIndex[k] < bc ? carBase + b.rowIndex[k] : reqBase + b.rowIndex[k] - bc);
      colStart.push(rowIndex.length);
      cost.push(b.cost[j]);
    }
    carBase += bc;
    reqBase += b.rowCount - bc;
  }
  return packingProgram(colStart, rowIndex, cost, rows, cars);
}

const carOf = (p: BinaryProgram): Int32Array => Int32Array.from({ length: p.colCount }, (_, j) => p.rowIndex[p.colStart[j]]);

function expectConsistent(p: BinaryProgram, got: { x: Uint8Array; objective: number }): void {
  expect(isFeasibleBinary(p, got.x)).toBe(true);
  let sum = 0;
  for (let j = 0; j < p.colCount; j++) if (got.x[j]) sum += p.cost[j];
  expect(sum).toBe(got.objective);
}

const emptyStats = (): SplitStats => ({ programs: 0, columns: 0, keptColumns: 0, parts: 0, largestPart: 0, secondRounds: 0, reusedParts: 0, refined: 0, settled: 0 });
/** LP prices from HiGHS's duals, as splitByLp takes them. */
const lpPrices = (p: BinaryProgram): Float64Array => {
  const r = relaxWithHighs(highs).relax(p)!;
  return Float64Array.from(r.rowDual, (d, i) => (i < (p.partitionRows ?? 0) ? 0 : Math.max(0, -d)));
};

describe('lagrangianBound', () => {
  it('never exceeds the optimum, for any prices ≥ 0, and equals the LP bound at the LP prices', () => {
    const rng = new Rng(3);
    for (let k = 0; k < 40; k++) {
      const p = twoSeatProgram(rng, 2 + rng.int(3), 3 + rng.int(4), 2, 3);
      if (p.colCount > 20) continue;
      const want = bruteForceBinaryProgram.solve(p)!.objective;
      const mu = Float64Array.from({ length: p.rowCount }, () => rng.int(2000));
      expect(lagrangianBound(p, carOf(p), mu).bound).toBeLessThanOrEqual(want + 1e-9);
      const atLp = lagrangianBound(p, carOf(p), lpPrices(p)).bound;
      expect(atLp).toBeLessThanOrEqual(want + 1e-6);
      const r = relaxWithHighs(highs).relax(p)!;
      let lpValue = 0;
      for (let j = 0; j < p.colCount; j++) lpValue += p.cost[j] * r.x[j];
      // The car rows kept as a partition: at least the LP's value (up to its tolerances).
      expect(atLp).toBeGreaterThanOrEqual(lpValue - 1e-3);
    }
  });
});

describe('relaxWithHighs', () => {
  it('returns an optimal x and optimal duals on metro-like programs (LP_RELAXATION_OPTIONS: no cost perturbation)', () => {
    // The car rows kept as a partition, the Lagrangian bound at the duals' prices is the LP dual's value: never above
    // the LP optimum, which is never above the value of the LP's x. Equal (up to tolerances) only when both are optimal.
    const rng = new Rng(21);
    for (let k = 0; k < 6; k++) {
      const p = k % 2 === 0 ? lineProgram(rng, 30 + rng.int(30), 60 + rng.int(60), 6) : sideBySide([lineProgram(rng, 20, 40, 5), lineProgram(rng, 25, 45, 6)]);
      const r = relaxWithHighs(highs).relax(p)!;
      expect(r).not.toBeNull();
      let lpValue = 0;
      for (let j = 0; j < p.colCount; j++) {
        expect(r.x[j]).toBeGreaterThanOrEqual(-1e-9);
        expect(r.x[j]).toBeLessThanOrEqual(1 + 1e-9);
        lpValue += p.cost[j] * r.x[j];
      }
      const activity = new Float64Array(p.rowCount);
      for (let j = 0; j < p.colCount; j++) for (let t = p.colStart[j]; t < p.colStart[j + 1]; t++) activity[p.rowIndex[t]] += r.x[j];
      for (let i = 0; i < p.rowCount; i++) expect(activity[i]).toBeLessThanOrEqual(1 + 1e-7);
      const atLp = lagrangianBound(p, carOf(p), lpPrices(p)).bound;
      expect(Math.abs(atLp - lpValue)).toBeLessThan(1e-3);
    }
  });
});

describe('splitByFixing', () => {
  it('keeps an optimum: the parts solved on their own add up to the whole optimum, with any prices and incumbent', () => {
    const rng = new Rng(8);
    let dropped = 0;
    const stats = emptyStats();
    for (let k = 0; k < 60; k++) {
      const p = twoSeatProgram(rng, 2 + rng.int(4), 3 + rng.int(5), 2, 3);
      if (p.colCount > 20) continue;
      const want = bruteForceBinaryProgram.solve(p)!.objective;
      const mu = k % 2 === 0 ? lpPrices(p) : Float64Array.from({ length: p.rowCount }, () => rng.int(1500));
      // Incumbent: nothing taken (objective 0), or the optimum itself (the tightest fixing).
      const inc = k % 3 === 0 ? bruteForceBinaryProgram.solve(p)! : { x: new Uint8Array(p.colCount), objective: 0 };
      const parts = splitByFixing(p, carOf(p), mu, inc.x, inc.objective, stats);
      let total = 0;
      let kept = 0;
      for (const part of parts) {
        expect(isFeasibleBinary(part.program, part.start)).toBe(true);
        expect(part.program.partitionRows).toBeGreaterThan(0);
        const best = bruteForceBinaryProgram.solve(part.program)!.objective;
        // A settled part's start is its optimum (the fixing left nothing that could beat it).
        if (part.settled) expect(part.program.cost.reduce((a, c, t) => a + (part.start[t] ? c : 0), 0)).toBe(best);
        total += best;
        kept += part.columns.length;
      }
      expect(total).toBe(want);
      dropped += p.colCount - kept;
    }
    // The fixing does something on these programs (else this test would not test it): the whole program's, each
    // component's again on its own, and components settled by it alone.
    expect(dropped).toBeGreaterThan(0);
    expect(stats.refined).toBeGreaterThan(0);
    expect(stats.settled).toBeGreaterThan(0);
  });
});

describe('PartMemo', () => {
  it('returns an answer only for the very same columns, not for others of the same length and ends', () => {
    const memo = new PartMemo();
    const x = Uint8Array.of(1, 0, 0, 1);
    memo.set(Int32Array.of(3, 5, 8, 13), x, -7);
    expect(memo.get(Int32Array.of(3, 5, 8, 13))).toEqual({ columns: Int32Array.of(3, 5, 8, 13), x, objective: -7 });
    expect(memo.get(Int32Array.of(3, 6, 8, 13))).toBeUndefined();
    expect(memo.get(Int32Array.of(3, 5, 13))).toBeUndefined();
    expect(memo.get(Int32Array.of(4, 5, 8, 13))).toBeUndefined();
  });
});

describe('splitByLp', () => {
  it('matches the exhaustive solver on small programs, with the LP of HiGHS or with a nonsense one', () => {
    const rng = new Rng(11);
    const nonsense: LpRelaxation = {
      relax: (q) => ({ x: Float64Array.from({ length: q.colCount }, () => rng.next()), rowDual: Float64Array.from({ length: q.rowCount }, () => -rng.int(3000)) }),
    };
    let proofs = 0;
    let settled = 0;
    for (let k = 0; k < 30; k++) {
      const p = twoSeatProgram(rng, 2 + rng.int(4), 3 + rng.int(5), 2, 3);
      if (p.colCount > 20) continue;
      const want = bruteForceBinaryProgram.solve(p)!.objective;
      // restrictS 0: the restricted first round is as small as it can be, so the proof (or the second round) decides.
      for (const [lp, ladder] of [[relaxWithHighs(highs), [500]], [relaxWithHighs(highs), [0]], [nonsense, [0]], [nonsense, [500]], [nonsense, [0, 200]], [relaxWithHighs(highs), [0, 50, 100]]] as const) {
        const stats = emptyStats();
        // Every part handed on comes with a feasible start (the rounded packing completed by the assignment, or an
        // earlier round's answer): an infeasible one would make the fixing drop columns it must keep.
        const checked: BinaryProgramSolver = { solve: (q, start) => (expect(start && isFeasibleBinary(q, start)).toBe(true), bruteForceBinaryProgram.solve(q)) };
        const got = splitByLp(lp, checked, stats, ladder).solve(p)!;
        expect(got.objective).toBe(want);
        expectConsistent(p, got);
        proofs += stats.secondRounds;
        settled += stats.settled;
      }
    }
    // Some restricted first rounds could not be proven and took the exact second round; some parts needed no solver.
    expect(proofs).toBeGreaterThan(0);
    expect(settled).toBeGreaterThan(0);
  });

  it('matches HiGHS on large metro-like programs, splitting them into smaller parts', () => {
    const rng = new Rng(12);
    const tuned = highs.withOptions(POOLED_HIGHS_OPTIONS);
    // The presets' ladder, and a finer one (more rounds, each with a better incumbent).
    const ladders = [undefined, [0, 10, 30, 100]];
    const stats = ladders.map(emptyStats);
    const splits = ladders.map((ladder, i) => splitByLp(relaxWithHighs(tuned), twoSeatSolverChain(tuned), stats[i], ladder));
    for (let k = 0; k < 6; k++) {
      const p = k % 2 === 0 ? lineProgram(rng, 60 + rng.int(60), 80 + rng.int(60), 6) : sideBySide(Array.from({ length: 8 }, () => lineProgram(rng, 8 + rng.int(6), 10 + rng.int(8), 5)));
      const want = highs.solve(p)!.objective;
      for (const split of splits) {
        const got = split.solve(p)!;
        expect(got.objective).toBe(want);
        expectConsistent(p, got);
      }
    }
    for (const st of stats) {
      expect(st.parts + (st.settled > 0 ? st.programs : 0)).toBeGreaterThan(st.programs);
      expect(st.keptColumns).toBeLessThan(st.columns);
    }
  });

  it("hands each part the LP's optimal basis restricted to it, a start its own LP needs fewer iterations from (decision 0036)", () => {
    const rng = new Rng(36);
    const tuned = highs.withOptions(POOLED_HIGHS_OPTIONS);
    const parts: BinaryProgram[] = [];
    const spy: BinaryProgramSolver = { solve: (q, start) => (parts.push(q), tuned.solve(q, start)) };
    const split = splitByLp({ relax: (q) => tuned.relaxFrom(q) }, spy);
    const plain = splitByLp(relaxWithHighs(tuned), tuned);
    for (let k = 0; k < 6; k++) {
      const p = k % 2 === 0 ? lineProgram(rng, 60 + rng.int(60), 80 + rng.int(60), 6) : sideBySide(Array.from({ length: 8 }, () => lineProgram(rng, 8 + rng.int(6), 10 + rng.int(8), 5)));
      const got = split.solve(p)!;
      expect(got.objective).toBe(tuned.solve(p)!.objective);
      expect(got.objective).toBe(plain.solve(p)!.objective);
      expectConsistent(p, got);
    }
    expect(parts.length).toBeGreaterThan(4);
    let basic = 0;
    for (const q of parts) {
      // Exactly rowCount basic, one status per column and row: a basis HiGHS takes.
      expect(fitsProgram(q.startBasis, q.colCount, q.rowCount)).toBe(true);
      basic += q.startBasis!.colStatus.filter((v) => v === BASIS_BASIC).length;
    }
    expect(basic).toBeGreaterThan(0);
    // The parts' LPs from their start basis, then cold: the same LP optimum, in fewer first-solve iterations.
    const firstIterations = (withBasis: boolean): number => {
      const before = tuned.openLpStats.firstIterations;
      for (const q of parts) {
        const lp = tuned.openLp(withBasis ? q : { ...q, startBasis: undefined })!;
        const r = lp.solve();
        lp.close();
        const cold = tuned.relax(q)!;
        if (!r || r === 'infeasible') throw new Error('LP not solved');
        const lpObjective = (x: Float64Array) => q.cost.reduce((a, c, j) => a + c * x[j], 0);
        expect(Math.abs(lpObjective(r.x) - lpObjective(cold.x))).toBeLessThanOrEqual(1e-6 * Math.abs(lpObjective(cold.x)) + 1e-6);
      }
      return tuned.openLpStats.firstIterations - before;
    };
    expect(firstIterations(true)).toBeLessThan(firstIterations(false));
  });

  it('hands programs of another shape to the MIP untouched', () => {
    const rng = new Rng(13);
    const p = twoSeatProgram(rng, 3, 5, 2, 3);
    const seen: BinaryProgram[] = [];
    const spy: BinaryProgramSolver = { solve: (q) => (seen.push(q), bruteForceBinaryProgram.solve(q)) };
    const noPartition = { ...p, partitionRows: undefined };
    splitByLp(relaxWithHighs(highs), spy).solve(noPartition);
    expect(seen).toEqual([noPartition]);
  });
});
