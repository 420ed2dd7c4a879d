// sortColumns, the packing branch and bound's column order (branching order, greedy packings): it must give exactly the
// order of `key[a] − key[b] || a − b`, ties by column index included, or the solver's choice among equal optima moves.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { sortColumns } from '../../src/core/solve/ilp.js';

describe('sortColumns', () => {
  it('orders by key, then column index, like the comparator it replaces, in short and long runs', () => {
    const rng = new Rng(13);
    for (let n = 0; n < 200; n += 1 + rng.int(7)) {
      // Few distinct keys (many ties), negative and positive, -0 and 0, fractions as priced costs have.
      const key = Float64Array.from({ length: n + 5 }, () => [0, -0, -1e7 - 0.5, 3.25, -660, 12][rng.int(6)] + (rng.next() < 0.3 ? rng.int(5) / 4 : 0));
      // A shuffled subset of the columns, as a row's columns or the greedy's candidates are.
      const cols = Array.from({ length: n }, (_, j) => j);
      for (let i = n - 1; i > 0; i--) {
        const t = rng.int(i + 1);
        [cols[i], cols[t]] = [cols[t], cols[i]];
      }
      const want = [...cols].sort((a, b) => key[a] - key[b] || a - b);
      // Nearly sorted too (the greedy packings re-sort the last order by new prices): a few neighbours swapped.
      const near = [...want];
      for (let s = 0; s < 3 && n > 1; s++) {
        const t = rng.int(n - 1);
        [near[t], near[t + 1]] = [near[t + 1], near[t]];
      }
      for (const input of [cols, near, want]) {
        // Sorted in place within a larger array: only [from, to) moves.
        const arr = Int32Array.from([-7, ...input, -9]);
        sortColumns(arr, 1, n + 1, key);
        expect(Array.from(arr)).toEqual([-7, ...want, -9]);
      }
    }
  });
});
