// HiGHS through its C functions (highs-ilp.ts's NativeHighs) against highs-js's model API: the same calls with the same
// values, so the same answers byte for byte, LP and MIP, with and without a start.
import { describe, expect, it } from 'vitest';
import highsLoader from 'highs';
import { Rng } from '../../src/core/random.js';
import type { BinaryProgram } from '../../src/core/solve/ilp.js';
import { HighsBinarySolver, loadHighsBinarySolver, LP_RELAXATION_OPTIONS, POOLED_HIGHS_OPTIONS } from '../../src/io/highs-ilp.js';
import { twoSeatProgram } from '../solve/programs.js';

const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('HighsBinarySolver through HiGHS C functions', () => {
  it('is in use, and answers LPs and MIPs byte for byte as highs-js model API does', async () => {
    const native = (await loadHighsBinarySolver()).withOptions(POOLED_HIGHS_OPTIONS);
    expect((native as unknown as { native?: object }).native).toBeDefined();
    const plain = new HighsBinarySolver(await highsLoader(), POOLED_HIGHS_OPTIONS);
    expect((plain as unknown as { native?: object }).native).toBeUndefined();
    const rng = new Rng(25);
    let fractional = 0;
    for (let t = 0; t < 12; t++) {
      const p: BinaryProgram = twoSeatProgram(rng, 20 + rng.int(60), 30 + rng.int(90), 1 + rng.int(4), 2 + rng.int(4), 0.3);
      if (t % 3 === 0) p.rowLower[p.partitionRows! + rng.int(p.rowCount - p.partitionRows!)] = -Infinity;
      const a = native.relax(p)!;
      const b = plain.relax(p)!;
      expect(bytes(a.x)).toEqual(bytes(b.x));
      expect(bytes(a.rowDual)).toEqual(bytes(b.rowDual));
      if (a.x.some((v) => v > 1e-9 && v < 1 - 1e-9)) fractional++;
      const start = new Uint8Array(p.colCount);
      const s1 = native.solve(p, start)!;
      expect(s1).toEqual(plain.solve(p, start));
      expect(native.solve(p)).toEqual(plain.solve(p));
      expect(native.withOptions({ ...POOLED_HIGHS_OPTIONS, ...LP_RELAXATION_OPTIONS }).solve(p)!.objective).toBe(s1.objective);
    }
    expect(fractional).toBeGreaterThan(0);
  });

  it('reports an infeasible program as null and an empty one as empty, as before', async () => {
    const native = await loadHighsBinarySolver();
    const p: BinaryProgram = {
      colCount: 2, rowCount: 1, cost: Float64Array.of(1, 1), colStart: Int32Array.of(0, 1, 2), rowIndex: Int32Array.of(0, 0),
      value: Float64Array.of(1, 1), rowLower: Float64Array.of(3), rowUpper: Float64Array.of(4),
    };
    expect(native.solve(p)).toBeNull();
    expect(native.relax(p)).toBeNull();
  });

  it('refuses a NaN with the message highs-js gave', async () => {
    const native = await loadHighsBinarySolver();
    const p: BinaryProgram = {
      colCount: 2, rowCount: 1, cost: Float64Array.of(Number.NaN, -1), colStart: Int32Array.of(0, 1, 2), rowIndex: Int32Array.of(0, 0),
      value: Float64Array.of(2, 1), rowLower: Float64Array.of(0), rowUpper: Float64Array.of(1),
    };
    expect(() => native.solve(p)).toThrow(/colCost\[0\] must be a number/);
    expect(() => native.relax({ ...p, cost: Float64Array.of(1, 1), rowUpper: Float64Array.of(Number.NaN) })).toThrow(/rowUpper\[0\] must be a number/);
  });
});
