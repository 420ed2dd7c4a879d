// The shared bounded Dijkstra: exact against brute force both ways, the same settle order (ties included) as the lazy
// queue searches it replaced, bounds that settle exactly the nodes within them, and no leftovers between reused queries.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import FlatQueue from 'flatqueue';
import { BoundedSearch, type SearchDirection } from '../../src/core/network/bounded-search.js';
import { reverseIndex, type RoadGraph } from '../../src/core/network/graph.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { Rng } from '../../src/core/random.js';
import { fastestEdgeMs } from './ch-equivalence.js';
import { arbitraryGraph, graphFromEdges } from './random-graphs.js';

/** All-pairs free-flow ms by Floyd–Warshall: all[a * n + b] = ms a → b, Infinity if unreachable. */
function allPairsMs(g: RoadGraph): Float64Array {
  const n = g.nodeCount;
  const all = new Float64Array(n * n).fill(Infinity);
  for (let v = 0; v < n; v++) all[v * n + v] = 0;
  for (let u = 0; u < n; u++) {
    for (let e = g.firstOut[u]; e < g.firstOut[u + 1]; e++) all[u * n + g.head[e]] = Math.min(all[u * n + g.head[e]], g.timeMs[e]);
  }
  for (let k = 0; k < n; k++) {
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) all[a * n + b] = Math.min(all[a * n + b], all[a * n + k] + all[k * n + b]);
    }
  }
  return all;
}

/** Brute-force ms between source and v in the search's direction. */
const wantMs = (all: Float64Array, n: number, source: number, v: number, dir: SearchDirection): number =>
  dir === 'forward' ? all[source * n + v] : all[v * n + source];

/** Every settled node and its distance, in order, until none is left within `boundMs`. */
function settleOrder(search: BoundedSearch, boundMs = Infinity): [number, number][] {
  const out: [number, number][] = [];
  for (let u = search.settleNext(boundMs); u >= 0; u = search.settleNext(boundMs)) out.push([u, search.settledMs]);
  return out;
}

/**
 * The search greedy, pooled and DijkstraTravelTimes each had before they shared BoundedSearch: a growable lazy
 * FlatQueue, distances reset between queries, edges relaxed right after a node settles. Returns the settle order.
 */
function lazyQueueOrder(g: RoadGraph, source: number, dir: SearchDirection): [number, number][] {
  const rev = reverseIndex(g);
  const distMs = new Float64Array(g.nodeCount).fill(Infinity);
  const q = new FlatQueue<number>();
  const out: [number, number][] = [];
  distMs[source] = 0;
  q.push(source, 0);
  const improve = (w: number, nd: number): void => {
    if (nd < distMs[w]) {
      distMs[w] = nd;
      q.push(w, nd);
    }
  };
  while (q.length > 0) {
    const d = q.peekValue()!;
    const u = q.pop()!;
    if (d > distMs[u]) continue;
    out.push([u, d]);
    if (dir === 'reverse') {
      for (let i = rev.revFirst[u]; i < rev.revFirst[u + 1]; i++) improve(rev.revTail[i], d + g.timeMs[rev.revEdge[i]]);
    } else {
      for (let e = g.firstOut[u]; e < g.firstOut[u + 1]; e++) improve(g.head[e], d + g.timeMs[e]);
    }
  }
  return out;
}

const DIRECTIONS: readonly SearchDirection[] = ['forward', 'reverse'];

describe('BoundedSearch', () => {
  it('equals brute force from every source, forward and reverse, with a shortest-path tree in parentOf', () => {
    fc.assert(
      fc.property(arbitraryGraph, (g) => {
        const n = g.nodeCount;
        const all = allPairsMs(g);
        const search = new BoundedSearch(g);
        const dijkstra = new DijkstraTravelTimes(g);
        for (let source = 0; source < n; source++) {
          for (const dir of DIRECTIONS) {
            search.start(source, dir);
            const order = settleOrder(search);
            // Each reachable node settles once, in non-decreasing distance, at its brute-force distance.
            const reachable = Array.from({ length: n }, (_, v) => v).filter((v) => wantMs(all, n, source, v, dir) < Infinity);
            expect(order.map(([u]) => u).sort((a, b) => a - b)).toEqual(reachable);
            for (let i = 0; i < order.length; i++) {
              expect(order[i][1]).toBe(wantMs(all, n, source, order[i][0], dir));
              if (i > 0) expect(order[i][1]).toBeGreaterThanOrEqual(order[i - 1][1]);
            }
            const dist = search.distancesMs();
            for (let v = 0; v < n; v++) {
              const want = wantMs(all, n, source, v, dir);
              expect(search.distanceMs(v)).toBe(want);
              expect(dist[v]).toBe(want);
              const p = search.parentOf(v);
              if (v === source || want === Infinity) {
                expect(p).toBe(-1);
                continue;
              }
              const edgeMs = dir === 'forward' ? fastestEdgeMs(g, p, v) : fastestEdgeMs(g, v, p);
              expect(edgeMs).toBeGreaterThan(0);
              expect(search.distanceMs(p) + edgeMs).toBe(want);
            }
          }
          // The travel-time fallback runs on it too.
          for (let v = 0; v < n; v++) expect(dijkstra.timeMs(source, v)).toBe(all[source * n + v]);
        }
      }),
      { numRuns: 50, seed: 11 },
    );
  });

  it('settles nodes in the same order as the lazy-queue searches it replaced, ties included', () => {
    // Weights 1–12 on up to 30 nodes: many nodes at equal distance, so the order among ties is exercised.
    fc.assert(
      fc.property(arbitraryGraph, fc.nat(), (g, pick) => {
        const search = new BoundedSearch(g);
        const source = pick % g.nodeCount;
        for (const dir of DIRECTIONS) {
          search.start(source, dir);
          expect(settleOrder(search)).toEqual(lazyQueueOrder(g, source, dir));
        }
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('settles exactly the nodes within the bound (inclusive), then resumes past it in the unbounded order', () => {
    fc.assert(
      fc.property(arbitraryGraph, fc.nat(), fc.integer({ min: 0, max: 40 }), (g, pick, boundMs) => {
        const n = g.nodeCount;
        const all = allPairsMs(g);
        const search = new BoundedSearch(g);
        const source = pick % n;
        for (const dir of DIRECTIONS) {
          search.start(source, dir);
          const full = settleOrder(search);
          search.start(source, dir);
          const within = settleOrder(search, boundMs);
          const want = Array.from({ length: n }, (_, v) => v).filter((v) => wantMs(all, n, source, v, dir) <= boundMs);
          expect(within.map(([u]) => u).sort((a, b) => a - b)).toEqual(want);
          expect(search.settleNext(boundMs)).toBe(-1); // stays stopped at the bound
          expect([...within, ...settleOrder(search)]).toEqual(full);
        }
      }),
      { numRuns: 200, seed: 13 },
    );
  });

  it('reuses its arrays across thousands of queries: early stops, both directions and the stamp wrapping around', () => {
    const rng = new Rng(2024);
    const n = 40;
    const edges: [number, number, number][] = [];
    for (let i = 0; i < 120; i++) edges.push([rng.int(n), rng.int(n), 1 + rng.int(9)]);
    const g = graphFromEdges(n, edges);
    const all = allPairsMs(g);
    const search = new BoundedSearch(g);
    const check = (source: number, dir: SearchDirection): void => {
      search.start(source, dir);
      search.settleAll();
      for (let v = 0; v < n; v++) expect(search.distanceMs(v)).toBe(wantMs(all, n, source, v, dir));
    };
    for (let q = 0; q < 3000; q++) {
      const source = rng.int(n);
      const dir = DIRECTIONS[rng.int(2)];
      search.start(source, dir);
      // Stop after a few nodes (as greedy does at the first car), or at a bound, or run to the end.
      const stopAfter = rng.int(n + 1);
      for (let k = 0; k < stopAfter && search.settleNext(rng.int(30)) >= 0; k++);
      if (q % 100 === 0) check(rng.int(n), DIRECTIONS[rng.int(2)]);
    }
    // A query whose source reaches nothing must not see the previous query's distances.
    const lonely = graphFromEdges(3, [[0, 1, 5], [1, 2, 5]]);
    const small = new BoundedSearch(lonely);
    small.start(0);
    small.settleAll();
    small.start(2);
    small.settleAll();
    expect(Array.from(small.distancesMs())).toEqual([Infinity, Infinity, 0]);
    expect([small.parentOf(0), small.parentOf(1), small.parentOf(2)]).toEqual([-1, -1, -1]);
    // The stamp is 32 bits: force it to the top (private field) and check queries either side of the wrap.
    (search as unknown as { stamp: number }).stamp = 0xffffffff - 2;
    for (let q = 0; q < 6; q++) check(q, DIRECTIONS[q % 2]);
  });

  it('handles a lone source and an empty adjacency', () => {
    const g = graphFromEdges(1, []);
    const search = new BoundedSearch(g);
    search.start(0, 'reverse');
    expect(search.settleNext()).toBe(0);
    expect(search.settledMs).toBe(0);
    expect(search.settleNext()).toBe(-1);
    expect(search.parentOf(0)).toBe(-1);
  });
});
