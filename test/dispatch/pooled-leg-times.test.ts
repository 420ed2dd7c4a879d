import { describe, expect, it } from 'vitest';
import { hourOf, hourStartS } from '../../src/core/dispatch/pooled-leg-times.js';

/** hourOf as an index of the factor array (-0 and 0 are the same index). */
const hour = (departS: number): number => hourOf(departS) + 0;

/** The largest double below x (finite). */
function below(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const b = new Float64Array([x]);
  const u = new BigInt64Array(b.buffer);
  // A double's bits order its magnitude: one step down for a positive value, one step up (in magnitude) for a negative one.
  u[0] += x > 0 ? -1n : 1n;
  return b[0];
}

describe('hourStartS', () => {
  it('gives a range of times that all have the hour of the time it was found from (indexCars looks the factor up once for it)', () => {
    for (let h = -48; h < 24 * 9; h++) {
      const startS = h * 3600;
      for (const departS of [startS, startS + 0.25, startS + 1800, startS + 3599, startS + 3599.5, below(startS + 3600)]) {
        const lo = hourStartS(departS);
        // (Not for the double just below 0: its quotient underflows to -0, hour 0 for hourOf as for hourStartS.)
        if (departS !== -Number.MIN_VALUE) {
          expect(lo).toBe(startS);
          expect(hour(departS)).toBe(hour(startS));
        }
        // Every time in [lo, lo + 3599] has that hour, the ends and the doubles next to them included.
        for (const x of [lo, lo + 3599, below(lo + 3599), lo + 1e-9, lo + 3598.999999]) expect(hour(x)).toBe(hour(departS));
      }
      // Just past the range, the next hour's start is another hour (the range is not too wide).
      expect(hour(startS + 3600)).toBe(hour(startS + 7200 - 1));
      expect(hour(startS + 3600)).not.toBe(hour(startS));
    }
    // Fractional seconds of a day, as divert times are.
    for (let k = 0; k < 20_000; k++) {
      const departS = ((k * 7919.123) % 90_000) + k / 7;
      const lo = hourStartS(departS);
      expect(lo <= departS && departS < lo + 3600).toBe(true);
      expect(hour(lo)).toBe(hour(departS));
      expect(hour(lo + 3599)).toBe(hour(departS));
    }
  });
});
