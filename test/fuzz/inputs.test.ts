// The fast subset of the fuzz suite (test/fuzz/fuzz-inputs.ts) that runs with `npm test`; `npm run fuzz` runs ≥ 100,000.
import { describe, expect, it } from 'vitest';
import { fuzzInputs } from './fuzz-inputs.js';

describe('fuzzing the inputs (fast subset)', () => {
  it('every hostile input ends in a result or an error naming its file or option, never a crash or a hang', async () => {
    const r = await fuzzInputs(40, 7);
    expect(r.failures).toEqual([]);
    expect(r.total).toBeGreaterThan(1000);
  });
});
