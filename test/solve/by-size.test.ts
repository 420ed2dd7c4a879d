// Routing programs by size (decision 0029): the presets' solver splits giant programs by their LP (no search over the
// whole of them) and keeps the chain for the rest, with the optimum either way.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { bySize } from '../../src/core/solve/by-size.js';
import { bruteForceBinaryProgram, isFeasibleBinary, type BinaryProgramSolver } from '../../src/core/solve/ilp.js';
import { GIANT_PROGRAM_COLUMNS, HighsBinarySolver, loadHighsBinarySolver, loadPooledSolver } from '../../src/io/highs-ilp.js';
import { twoSeatProgram } from './programs.js';

afterEach(() => vi.restoreAllMocks());

describe('bySize', () => {
  it('sends programs of at least minColumns columns to the large solver, the others to the small one, start included', () => {
    const rng = new Rng(1);
    const seen: string[] = [];
    const starts: (Uint8Array | undefined)[] = [];
    const spy = (name: string): BinaryProgramSolver => ({ solve: (q, start) => (seen.push(`${name}:${q.colCount}`), starts.push(start), bruteForceBinaryProgram.solve(q)) });
    const p = twoSeatProgram(rng, 3, 5, 1, 3, 0.3);
    const n = p.colCount;
    const start = new Uint8Array(n);
    expect(bySize(spy('small'), spy('large'), n).solve(p, start)!.objective).toBe(bruteForceBinaryProgram.solve(p)!.objective);
    bySize(spy('small'), spy('large'), n + 1).solve(p);
    expect(seen).toEqual([`large:${n}`, `small:${n}`]);
    expect(starts).toEqual([start, undefined]);
  });

  it('refuses a negative or missing threshold with a clear message', () => {
    expect(() => bySize(bruteForceBinaryProgram, bruteForceBinaryProgram, -1)).toThrow(/minColumns must be ≥ 0/);
    expect(() => bySize(bruteForceBinaryProgram, bruteForceBinaryProgram, Number.NaN)).toThrow(/minColumns must be ≥ 0/);
  });
});

describe('loadPooledSolver routing (decision 0029)', () => {
  it('splits giant programs by their LP first and keeps the chain for smaller ones, to the same optimum as HiGHS', async () => {
    const highs = await loadHighsBinarySolver();
    const preset = await loadPooledSolver();
    const rng = new Rng(29);
    const giant = twoSeatProgram(rng, 120, 240, 1, 10, 0.3);
    expect(giant.colCount).toBeGreaterThanOrEqual(GIANT_PROGRAM_COLUMNS);
    const small = twoSeatProgram(rng, 40, 60, 4, 5, 0.3);
    expect(small.colCount).toBeLessThan(GIANT_PROGRAM_COLUMNS);
    for (const [p, giantRoute] of [[giant, true], [small, false]] as const) {
      const relaxed: number[] = [];
      const solved: number[] = [];
      const relax = HighsBinarySolver.prototype.relax;
      const solve = HighsBinarySolver.prototype.solve;
      vi.spyOn(HighsBinarySolver.prototype, 'relax').mockImplementation(function (this: HighsBinarySolver, q) {
        relaxed.push(q.colCount);
        return relax.call(this, q);
      });
      vi.spyOn(HighsBinarySolver.prototype, 'solve').mockImplementation(function (this: HighsBinarySolver, q, start) {
        solved.push(q.colCount);
        return solve.call(this, q, start);
      });
      const got = preset.solve(p)!;
      vi.restoreAllMocks();
      // The giant program's LP, once, and no MIP over the whole of it; the small one never sees an LP.
      expect(relaxed).toEqual(giantRoute ? [p.colCount] : []);
      if (giantRoute) expect(solved.every((n) => n < p.colCount)).toBe(true);
      expect(got.objective).toBe(highs.solve(p)!.objective);
      expect(isFeasibleBinary(p, got.x)).toBe(true);
    }
  });
});
