// The LP relaxation warm-started from earlier programs' bases (decision 0032): the same LP optimum as a cold solve on a
// sequence of related programs, fewer simplex iterations, and a cold solve whenever HiGHS cannot use the start.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import type { BinaryProgram } from '../../src/core/solve/ilp.js';
import type { LpBasis } from '../../src/core/solve/lp-basis.js';
import { loadHighsBinarySolver, POOLED_HIGHS_OPTIONS, WarmStartedLp } from '../../src/io/highs-ilp.js';
import { twoSeatProgram } from '../solve/programs.js';

const highs = (await loadHighsBinarySolver()).withOptions(POOLED_HIGHS_OPTIONS);

/** The part of u on the rows `keep` holds (its columns whose rows are all kept), rows and columns shuffled, keyed by u's row. */
function restricted(u: BinaryProgram, keep: boolean[], rng: Rng): BinaryProgram {
  const rows = [...keep.keys()].filter((i) => keep[i]);
  for (let i = rows.length - 1; i > 0; i--) {
    const k = rng.int(i + 1);
    [rows[i], rows[k]] = [rows[k], rows[i]];
  }
  const rowOf = new Map(rows.map((r, i) => [r, i]));
  // Each set of rows once (WarmStartedLp knows a column by its rows; pooled has one trip per car and requests).
  const taken = new Set<string>();
  const cols = [...Array(u.colCount).keys()].filter((j) => {
    for (let t = u.colStart[j]; t < u.colStart[j + 1]; t++) if (!keep[u.rowIndex[t]]) return false;
    const k = u.rowIndex.subarray(u.colStart[j], u.colStart[j + 1]).join();
    return !taken.has(k) && !!taken.add(k);
  });
  for (let i = cols.length - 1; i > 0; i--) {
    const k = rng.int(i + 1);
    [cols[i], cols[k]] = [cols[k], cols[i]];
  }
  const colStart = [0];
  const rowIndex: number[] = [];
  for (const j of cols) {
    for (let t = u.colStart[j]; t < u.colStart[j + 1]; t++) rowIndex.push(rowOf.get(u.rowIndex[t])!);
    colStart.push(rowIndex.length);
  }
  return {
    colCount: cols.length, rowCount: rows.length, cost: Float64Array.from(cols, (j) => u.cost[j]), colStart: Int32Array.from(colStart),
    rowIndex: Int32Array.from(rowIndex), value: new Float64Array(rowIndex.length).fill(1), rowLower: new Float64Array(rows.length),
    rowUpper: new Float64Array(rows.length).fill(1), rowKey: Int32Array.from(rows),
  };
}

const lpObjective = (p: BinaryProgram, x: Float64Array): number => p.cost.reduce((s, c, j) => s + c * x[j], 0);

/** Bases an LP engine cannot start from, for n columns and m rows: every entry basic, and the wrong lengths. */
function unfitBases(n: number, m: number): { tooManyBasic: LpBasis; wrongLengths: LpBasis } {
  return {
    tooManyBasic: { colStatus: new Int32Array(n).fill(1), rowStatus: new Int32Array(m).fill(1) },
    wrongLengths: { colStatus: new Int32Array(n - 1), rowStatus: new Int32Array(m + 1).fill(1) },
  };
}

/** A basis of n columns and m rows with exactly m basic entries picked at random (singular more often than not). */
function randomBasis(rng: Rng, n: number, m: number): LpBasis {
  const status = new Int32Array(n + m);
  for (let placed = 0; placed < m; ) {
    const k = rng.int(n + m);
    if (!status[k]) (status[k] = 1), placed++;
  }
  return { colStatus: status.slice(0, n), rowStatus: status.slice(n) };
}

describe('WarmStartedLp', () => {
  it('reaches the cold LP optimum on a sequence of related programs, warm from the second on, in fewer iterations', () => {
    const rng = new Rng(32);
    const u = twoSeatProgram(rng, 150, 260, 4, 5, 0.3);
    const warm = new WarmStartedLp(highs);
    const cold = new WarmStartedLp(highs);
    let keep = Array.from({ length: u.rowCount }, () => rng.next() < 0.8);
    let coldIterations = 0;
    let firstIterations = 0;
    for (let step = 0; step < 12; step++) {
      const p = restricted(u, keep, rng);
      const a = warm.relax(p)!;
      const iterations = highs.relaxFrom(p)!.iterations;
      if (step === 0) firstIterations = iterations;
      coldIterations += iterations;
      const b = highs.relax(p)!;
      const c = cold.relax({ ...p, rowKey: undefined })!;
      expect(c.x).toEqual(b.x);
      const ref = lpObjective(p, b.x);
      expect(Math.abs(lpObjective(p, a.x) - ref)).toBeLessThanOrEqual(1e-6 * Math.abs(ref) + 1e-6);
      // The next batch: a tenth of the rows leave, as many others come.
      keep = keep.map((k) => (rng.next() < 0.1 ? !k : k));
    }
    expect(warm.stats).toMatchObject({ calls: 12, warm: 11 });
    // The first is cold in both; the eleven warm ones together take fewer iterations than half the cold ones.
    expect(warm.stats.iterations - firstIterations).toBeLessThan((coldIterations - firstIterations) / 2);
    const fresh = new WarmStartedLp(highs);
    const p0 = restricted(u, Array(u.rowCount).fill(true), rng);
    fresh.relax(p0);
    const first = fresh.stats.iterations;
    fresh.relax(restricted(u, Array(u.rowCount).fill(true), rng));
    // The same program again (rows and columns shuffled): its own optimal basis, no iteration needed.
    expect(fresh.stats).toMatchObject({ calls: 2, warm: 1, iterations: first });
    expect(first).toBeGreaterThan(0);
  });

  it('solves cold, with the same answer as relax, when HiGHS refuses the basis or cannot use it', () => {
    const rng = new Rng(7);
    for (let t = 0; t < 6; t++) {
      const p = twoSeatProgram(rng, 40, 70, 3, 4, 0.3);
      const n = p.colCount;
      const m = p.rowCount;
      const cold = highs.relax(p)!;
      // Too many basic: refused.
      const refused = highs.relaxFrom(p, unfitBases(n, m).tooManyBasic)!;
      expect(refused.warm).toBe(false);
      expect(refused.x).toEqual(cold.x);
      expect(refused.rowDual).toEqual(cold.rowDual);
      // Wrong lengths: refused too.
      expect(highs.relaxFrom(p, unfitBases(n, m).wrongLengths)!.warm).toBe(false);
      // rowCount basic picked at random (singular more often than not): whatever HiGHS makes of it, the LP optimum.
      const garbled = highs.relaxFrom(p, randomBasis(rng, n, m))!;
      const ref = lpObjective(p, cold.x);
      expect(Math.abs(lpObjective(p, garbled.x) - ref)).toBeLessThanOrEqual(1e-6 * Math.abs(ref) + 1e-6);
    }
  });
});

describe('openLp from a start basis (decision 0036)', () => {
  /** The LP objective of an IncrementalLp's first solve. */
  const firstObjective = (p: BinaryProgram): number => {
    const lp = highs.openLp(p)!;
    try {
      const r = lp.solve();
      if (!r || r === 'infeasible') throw new Error('LP not solved');
      return lpObjective(p, r.x);
    } finally {
      lp.close();
    }
  };

  it("starts from the program's own optimal basis without an iteration, and from any basis reaches the cold optimum", () => {
    const rng = new Rng(36);
    for (let t = 0; t < 6; t++) {
      const p = twoSeatProgram(rng, 40, 70, 3, 4, 0.3);
      const n = p.colCount;
      const m = p.rowCount;
      const cold = highs.relaxFrom(p)!;
      const ref = lpObjective(p, cold.x);
      const near = (v: number) => expect(Math.abs(v - ref)).toBeLessThanOrEqual(1e-6 * Math.abs(ref) + 1e-6);
      const stats = highs.openLpStats;
      // Cold: no start basis.
      let before = { ...stats };
      near(firstObjective(p));
      expect(stats.opened - before.opened).toBe(1);
      expect(stats.warm - before.warm).toBe(0);
      expect(stats.firstIterations - before.firstIterations).toBe(cold.iterations);
      expect(cold.iterations).toBeGreaterThan(0);
      // Its own optimal basis: taken, no iteration.
      before = { ...stats };
      near(firstObjective({ ...p, startBasis: cold.basis }));
      expect(stats.warm - before.warm).toBe(1);
      expect(stats.firstIterations - before.firstIterations).toBe(0);
      // Wrong lengths or too many basic: not taken (a cold solve).
      before = { ...stats };
      const { tooManyBasic, wrongLengths } = unfitBases(n, m);
      near(firstObjective({ ...p, startBasis: wrongLengths }));
      near(firstObjective({ ...p, startBasis: tooManyBasic }));
      expect(stats.warm - before.warm).toBe(0);
      // rowCount basic picked at random (singular more often than not): whatever HiGHS makes of it, the LP optimum.
      near(firstObjective({ ...p, startBasis: randomBasis(rng, n, m) }));
    }
  });
});
