// Sorted-array helpers shared by the fleet bounds (car-time-bound.ts, path-cover.ts): a stable argsort over numeric
// keys and the two binary searches over an ascending array.

/**
 * Indices 0..values.length-1 sorted by value, ties by index (deterministic). Comparisons, not subtraction: keys may
 * be ±Infinity.
 *
 * @example sortedIndex(Float64Array.of(3, 1, 3)) // Uint32Array [1, 0, 2]
 */
export function sortedIndex(values: Float64Array): Uint32Array {
  const idx = new Uint32Array(values.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((x, y) => (values[x] < values[y] ? -1 : values[x] > values[y] ? 1 : x - y));
}

/** First position whose value is ≥ x in an ascending array (its length when none). */
export function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position whose value is > x in an ascending array (its length when none). */
export function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
