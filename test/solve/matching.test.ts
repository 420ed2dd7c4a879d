// Hopcroft–Karp against a plain augmenting-path matcher on random graphs, and on a graph that needs one very long augmenting path.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maximumMatching, type BipartiteGraph } from '../../src/core/solve/matching.js';

function toGraph(leftCount: number, rightCount: number, adj: number[][]): BipartiteGraph {
  const leftFirst = new Uint32Array(leftCount + 1);
  for (let u = 0; u < leftCount; u++) leftFirst[u + 1] = leftFirst[u] + adj[u].length;
  return { leftCount, rightCount, leftFirst, right: Uint32Array.from(adj.flat()) };
}

/** Kuhn's algorithm: one recursive augmenting-path search per left node (fine on small graphs). */
function simpleMatchingSize(g: BipartiteGraph): number {
  const rightToLeft = new Int32Array(g.rightCount).fill(-1);
  let size = 0;
  for (let root = 0; root < g.leftCount; root++) {
    const visited = new Uint8Array(g.rightCount);
    const tryAugment = (u: number): boolean => {
      for (let e = g.leftFirst[u]; e < g.leftFirst[u + 1]; e++) {
        const v = g.right[e];
        if (visited[v]) continue;
        visited[v] = 1;
        if (rightToLeft[v] < 0 || tryAugment(rightToLeft[v])) {
          rightToLeft[v] = u;
          return true;
        }
      }
      return false;
    };
    if (tryAugment(root)) size++;
  }
  return size;
}

function checkValid(g: BipartiteGraph, m: ReturnType<typeof maximumMatching>): void {
  let count = 0;
  for (let u = 0; u < g.leftCount; u++) {
    const v = m.leftToRight[u];
    if (v < 0) continue;
    count++;
    expect(m.rightToLeft[v]).toBe(u);
    let isEdge = false;
    for (let e = g.leftFirst[u]; e < g.leftFirst[u + 1]; e++) if (g.right[e] === v) isEdge = true;
    expect(isEdge).toBe(true);
  }
  for (let v = 0; v < g.rightCount; v++) if (m.rightToLeft[v] >= 0) expect(m.leftToRight[m.rightToLeft[v]]).toBe(v);
  expect(count).toBe(m.size);
}

const randomGraph = fc
  .record({ left: fc.integer({ min: 0, max: 12 }), right: fc.integer({ min: 1, max: 12 }) })
  .chain(({ left, right }) =>
    fc.record({
      left: fc.constant(left),
      right: fc.constant(right),
      adj: fc.array(fc.array(fc.integer({ min: 0, max: right - 1 }), { maxLength: 5 }), { minLength: left, maxLength: left }),
    }),
  );

describe('maximumMatching', () => {
  it('matches a hand-made case where greedy is not maximum', () => {
    const g = toGraph(2, 2, [[0, 1], [0]]);
    const m = maximumMatching(g);
    expect(m.size).toBe(2);
    expect(Array.from(m.leftToRight)).toEqual([1, 0]);
  });

  it('equals a simple augmenting-path matcher on random small graphs', () => {
    fc.assert(
      fc.property(randomGraph, ({ left, right, adj }) => {
        const g = toGraph(left, right, adj);
        const m = maximumMatching(g);
        checkValid(g, m);
        expect(m.size).toBe(simpleMatchingSize(g));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds a 200,000-step augmenting path without recursion', () => {
    // Greedy matches left i → right i+1, leaving left n-1 free; the only augmenting path runs back through all nodes.
    const n = 200_000;
    const adj: number[][] = [];
    for (let i = 0; i < n - 1; i++) adj.push([i + 1, i]);
    adj.push([n - 1]);
    const m = maximumMatching(toGraph(n, n, adj));
    expect(m.size).toBe(n);
  });

  it('rejects a right index out of range', () => {
    expect(() => maximumMatching(toGraph(1, 1, [[2]]))).toThrow(/right\[0\]/);
  });
});
