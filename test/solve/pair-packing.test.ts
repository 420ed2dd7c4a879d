// The two-seat trip solver (pair pricing branch and bound) against HiGHS's MIP and the exhaustive solver: the same
// objective on pooled-like programs, feasible choices whose cost is the reported objective, and the MIP only as a
// fallback for programs of another shape or beyond the node budget.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { bruteForceBinaryProgram, isFeasibleBinary, packingBranchAndBound, type BinaryProgram, type BinaryProgramSolver } from '../../src/core/solve/ilp.js';
import { pairPackingBranchAndBound, twoSeatSolverChain } from '../../src/core/solve/pair-packing.js';
import { loadHighsBinarySolver } from '../../src/io/highs-ilp.js';
import { twoSeatProgram } from './programs.js';

const highs = await loadHighsBinarySolver();

function expectConsistent(p: BinaryProgram, got: { x: Uint8Array; objective: number }): void {
  expect(isFeasibleBinary(p, got.x)).toBe(true);
  let sum = 0;
  for (let j = 0; j < p.colCount; j++) if (got.x[j]) sum += p.cost[j];
  expect(sum).toBe(got.objective);
}

describe('pairPackingBranchAndBound', () => {
  it('matches the exhaustive solver on small two-seat programs, without its fallback', () => {
    const rng = new Rng(5);
    const refuse: BinaryProgramSolver = { solve: () => { throw new Error('fell back'); } };
    for (let k = 0; k < 60; k++) {
      const p = twoSeatProgram(rng, 2 + rng.int(3), 3 + rng.int(4), 2, 3);
      if (p.colCount > 20) continue;
      const want = bruteForceBinaryProgram.solve(p)!;
      const got = pairPackingBranchAndBound(refuse, 1_000_000).solve(p)!;
      expect(got.objective).toBe(want.objective);
      expectConsistent(p, got);
    }
  });

  it('matches HiGHS on pooled-sized programs, solving a good share within its budget', () => {
    const rng = new Rng(21);
    let fellBack = 0;
    const counting: BinaryProgramSolver = { solve: (q) => (fellBack++, highs.solve(q)) };
    const solver = pairPackingBranchAndBound(counting);
    const programs = 40;
    for (let k = 0; k < programs; k++) {
      const p = twoSeatProgram(rng, 6 + rng.int(30), 8 + rng.int(50), 4, 4 + rng.int(6));
      const want = highs.solve(p)!;
      const got = solver.solve(p)!;
      expect(got.objective).toBe(want.objective);
      expectConsistent(p, got);
    }
    // These programs make pairs far more attractive than SF batches do (the hard case for its per-car bound): it still
    // proves a good share of them itself; the rest reach HiGHS, with the same objective either way.
    expect(programs - fellBack).toBeGreaterThanOrEqual(programs / 4);
  });

  it('hands programs of another shape, and searches beyond its budget, to the fallback', () => {
    let fellBack = 0;
    const counting: BinaryProgramSolver = { solve: (q) => (fellBack++, bruteForceBinaryProgram.solve(q)) };
    // Three requests in one column: not a two-seat program.
    const p: BinaryProgram = {
      colCount: 1, rowCount: 4, cost: Float64Array.of(-5), colStart: Int32Array.of(0, 4), rowIndex: Int32Array.of(0, 1, 2, 3),
      value: new Float64Array(4).fill(1), rowLower: new Float64Array(4), rowUpper: new Float64Array(4).fill(1), partitionRows: 1,
    };
    expect(pairPackingBranchAndBound(counting).solve(p)!.objective).toBe(-5);
    expect(fellBack).toBe(1);
    const rng = new Rng(3);
    let hard: BinaryProgram | null = null;
    for (let k = 0; k < 200 && !hard; k++) {
      const q = twoSeatProgram(rng, 3, 5, 3, 4);
      if (q.colCount > 20) continue;
      fellBack = 0;
      pairPackingBranchAndBound(counting, 1).solve(q);
      if (fellBack === 1) hard = q;
    }
    expect(hard).not.toBeNull();
    expect(pairPackingBranchAndBound(counting, 1).solve(hard!)!.objective).toBe(bruteForceBinaryProgram.solve(hard!)!.objective);
  });

  it('beyond their budgets, the chain hands HiGHS a feasible start no worse than the packing incumbent', () => {
    const rng = new Rng(77);
    let handed = 0;
    let pairImproved = 0;
    for (let k = 0; k < 40; k++) {
      const p = twoSeatProgram(rng, 10 + rng.int(20), 12 + rng.int(30), 4, 5 + rng.int(5));
      const want = highs.solve(p)!;
      let packingStart: Uint8Array | undefined;
      const last: BinaryProgramSolver = {
        solve(q, start) {
          handed++;
          expect(start).toBeDefined();
          expect(isFeasibleBinary(q, start!)).toBe(true);
          const objective = (x: Uint8Array): number => x.reduce((s, v, j) => s + (v ? q.cost[j] : 0), 0);
          expect(objective(start!)).toBeGreaterThanOrEqual(want.objective);
          if (packingStart && objective(start!) < objective(packingStart)) pairImproved++;
          return highs.solve(q, start);
        },
      };
      // The pair stage sees the packing stage's start first: record it on the way through.
      const spy: BinaryProgramSolver = { solve: (q, start) => ((packingStart = start), pairPackingBranchAndBound(last, 1).solve(q, start)) };
      const got = packingBranchAndBound(spy, 1).solve(p)!;
      expect(got.objective).toBe(want.objective);
      expectConsistent(p, got);
      packingStart = undefined;
      expect(twoSeatSolverChain(highs).solve(p)!.objective).toBe(want.objective);
    }
    expect(handed).toBeGreaterThan(0);
    expect(pairImproved).toBeGreaterThan(0);
  });
});

describe('packingBranchAndBound hand-off (reduced-cost fixing, decision 0028)', () => {
  it('hands its fallback only the columns that can beat its incumbent, and the optimum stays that of the whole program', () => {
    const rng = new Rng(13);
    let handed = 0;
    let dropped = 0;
    for (let k = 0; k < 300; k++) {
      const p = twoSeatProgram(rng, 2 + rng.int(4), 3 + rng.int(5), 2, 3 + rng.int(2));
      if (p.colCount > 16) continue;
      const want = bruteForceBinaryProgram.solve(p)!;
      const checking: BinaryProgramSolver = {
        solve(q, start) {
          handed++;
          expect(q.colCount).toBeLessThanOrEqual(p.colCount);
          if (q.colCount < p.colCount) dropped++;
          // The start is feasible in the reduced program, and the reduced program keeps the whole program's optimum.
          expect(isFeasibleBinary(q, start!)).toBe(true);
          const got = bruteForceBinaryProgram.solve(q);
          expect(got!.objective).toBe(want.objective);
          return got;
        },
      };
      const got = packingBranchAndBound(checking, 1).solve(p)!;
      expect(got.objective).toBe(want.objective);
      expectConsistent(p, got);
    }
    // The test must see hand-offs that drop columns, or it checks nothing.
    expect(handed).toBeGreaterThan(20);
    expect(dropped).toBeGreaterThan(10);
  });

  it('matches HiGHS on pooled-sized programs when every program is handed on after the root', () => {
    const rng = new Rng(31);
    let before = 0;
    let after = 0;
    const counting: BinaryProgramSolver = { solve: (q, start) => ((after += q.colCount), highs.solve(q, start)) };
    for (let k = 0; k < 40; k++) {
      const p = twoSeatProgram(rng, 10 + rng.int(25), 12 + rng.int(40), 4, 5 + rng.int(5));
      const want = highs.solve(p)!;
      const was = after;
      const got = packingBranchAndBound(counting, 1).solve(p)!;
      if (after > was) before += p.colCount;
      expect(got.objective).toBe(want.objective);
      expectConsistent(p, got);
    }
    expect(before).toBeGreaterThan(0);
    expect(after).toBeLessThan(before);
  });
});

describe('twoSeatSolverChain: the root alone from rootOnlyColumns on (decision 0034)', () => {
  it('hands large programs to its fallback as the packing root alone does, small ones as the full searches do, with the optimum either way', () => {
    const rng = new Rng(34);
    const threshold = 40;
    let large = 0;
    let small = 0;
    for (let k = 0; k < 60; k++) {
      const p = twoSeatProgram(rng, 4 + rng.int(12), 8 + rng.int(20), 3, 4 + rng.int(4), 0.5);
      const want = highs.solve(p)!;
      // What each route hands HiGHS (columns and start), recorded call by call.
      const handed = (into: string[]): BinaryProgramSolver => ({
        solve(q, start) {
          into.push(`${q.colCount}:${start ? Array.from(start).join('') : '-'}`);
          return highs.solve(q, start);
        },
      });
      const got: string[] = [];
      const ref: string[] = [];
      const sol = twoSeatSolverChain(handed(got), threshold).solve(p)!;
      const reference = p.colCount >= threshold
        ? packingBranchAndBound(handed(ref), 1)
        : packingBranchAndBound(pairPackingBranchAndBound(handed(ref), 20), 50);
      reference.solve(p);
      expect(got).toEqual(ref);
      expect(sol.objective).toBe(want.objective);
      expectConsistent(p, sol);
      if (got.length > 0) {
        if (p.colCount >= threshold) large++;
        else small++;
      }
    }
    // Both routes reached HiGHS at least once, so both were compared on a hand-off.
    expect(large).toBeGreaterThan(0);
    expect(small).toBeGreaterThan(0);
  });
});
