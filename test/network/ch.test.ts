// Contraction hierarchies must equal Dijkstra exactly: on the synthetic city, on random directed graphs with one-ways
// and unreachable pairs, for tables, unpacked paths, speed factors, and after a round trip through typed arrays.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes, type SpeedProfile } from '../../src/core/network/travel-times.js';
import {
  buildContractionHierarchy,
  chArrays,
  chFromArrays,
  ChTravelTimes,
  type AnyTypedArray,
} from '../../src/core/network/ch.js';
import { buildPointLayout, PointQueries } from '../../src/core/network/ch-point.js';
import { expectChEqualsDijkstra, fastestEdgeMs } from './ch-equivalence.js';
import { arbitraryGraph, graphFromEdges } from './random-graphs.js';
import { Rng } from '../../src/core/random.js';

const city = buildSyntheticCity().graph;
const cityCh = buildContractionHierarchy(city);

describe('contraction hierarchy on the default synthetic city', () => {
  it('equals Dijkstra exactly on 1,000 seeded random pairs (times, paths, tables)', () => {
    expectChEqualsDijkstra(city, 1000, 20240601, { ch: cityCh, pathPairs: 300, tableSize: 30 });
  });

  it('answers oneToMany and manyToMany like Dijkstra, with repeated nodes and source = target', () => {
    const tt = new ChTravelTimes(city, cityCh);
    const ref = new DijkstraTravelTimes(city);
    const sources = [0, 17, 17, city.nodeCount - 1, 500];
    const targets = [500, 0, 17, 17, city.nodeCount - 1, 1234, 9];
    const table = tt.manyToMany(sources, targets);
    expect(Array.from(table)).toEqual(Array.from(ref.manyToMany(sources, targets)));
    const out = new Float64Array(targets.length + 3).fill(-1);
    tt.oneToMany(17, targets, 0, out);
    expect(Array.from(out.subarray(0, targets.length))).toEqual(Array.from(ref.oneToMany(17, targets)));
    expect(Array.from(out.subarray(targets.length))).toEqual([-1, -1, -1]);
    expect(Array.from(tt.oneToMany(3, [42]))).toEqual([ref.timeS(3, 42)]);
    expect(tt.manyToMany([], targets).length).toBe(0);
    expect(tt.timeS(5, 5)).toBe(0);
    expect(tt.path(5, 5)).toEqual({ nodes: Uint32Array.of(5), edges: new Uint32Array(0), timeS: 0, distanceM: 0 });
  });

  it('point queries equal Dijkstra from one source to many, many to one, and with two engines interleaved', () => {
    // timeMs skips a search whose start equals the last one, and every engine writes search state into its own copy
    // of the shared point layout: repeats and interleaving must not leak state between queries or engines.
    const a = new ChTravelTimes(city, cityCh);
    const b = new ChTravelTimes(city, cityCh);
    const ref = new DijkstraTravelTimes(city);
    const rng = new Rng(7);
    const n = city.nodeCount;
    for (let round = 0; round < 5; round++) {
      const hub = rng.int(n);
      const others = Array.from({ length: 20 }, () => rng.int(n));
      const fromHub = ref.oneToMany(hub, others);
      others.forEach((v, i) => {
        expect(a.timeS(hub, v)).toBe(fromHub[i]);
        expect(b.timeS(v, hub)).toBe(ref.timeS(v, hub));
        expect(a.timeS(v, hub)).toBe(ref.timeS(v, hub));
        expect(b.timeS(hub, v)).toBe(fromHub[i]);
      });
    }
  });

  it('gives the same path from kept shortcut expansions as a fresh engine, pair by pair', () => {
    // One engine answers 400 paths in a row (later ones copy the expansions earlier ones kept); a fresh engine per pair
    // unpacks every shortcut from its halves. Nodes, edges, time and metres must be the same.
    const warm = new ChTravelTimes(city, cityCh);
    const rng = new Rng(77);
    const n = city.nodeCount;
    let nodes = 0;
    for (let i = 0; i < 400; i++) {
      const a = rng.int(n);
      const b = rng.int(n);
      const got = warm.path(a, b);
      const want = new ChTravelTimes(city, cityCh).path(a, b);
      expect(got).toEqual(want);
      if (got) nodes += got.nodes.length;
    }
    expect(nodes).toBeGreaterThan(400);
  });

  it('scales times by the speed factor of the departure hour', () => {
    const factors = Array.from({ length: 24 }, (_, h) => (h >= 7 && h <= 9 ? 1.5 : 1));
    const profile: SpeedProfile = { hourlyFactors: factors };
    const tt = new ChTravelTimes(city, cityCh, profile);
    const ref = new DijkstraTravelTimes(city, profile);
    const free = new ChTravelTimes(city, cityCh);
    for (const [a, b] of [[1, 2000], [700, 30], [2500, 2501]] as const) {
      const ms = free.timeMs(a, b);
      expect(tt.timeS(a, b, 3 * 3600)).toBe(ms / 1000);
      expect(tt.timeS(a, b, 8 * 3600 + 59)).toBe((ms / 1000) * 1.5);
      expect(tt.timeS(a, b, 8 * 3600)).toBe(ref.timeS(a, b, 8 * 3600));
      expect(tt.timeS(a, b, 24 * 3600 + 8 * 3600)).toBe((ms / 1000) * 1.5);
      expect(tt.route(a, b, 8 * 3600).timeS).toBe((ms / 1000) * 1.5);
      expect(tt.path(a, b, 8 * 3600)?.timeS).toBe((ms / 1000) * 1.5);
      expect(Array.from(tt.manyToMany([a], [b], 8 * 3600))).toEqual([(ms / 1000) * 1.5]);
    }
  });

  it('round-trips through its typed arrays and refuses broken or foreign arrays', () => {
    for (const v of Object.values(cityCh)) expect(typeof v === 'number' || ArrayBuffer.isView(v)).toBe(true);
    const arrays = chArrays(cityCh);
    const copy = Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, a.slice()])) as Record<string, AnyTypedArray>;
    const again = chFromArrays(cityCh.nodeCount, copy);
    const a = new ChTravelTimes(city, again);
    const b = new ChTravelTimes(city, cityCh);
    for (let i = 0; i < 50; i++) expect(a.timeMs(i * 37, i * 53)).toBe(b.timeMs(i * 37, i * 53));

    const { upMid: _dropped, ...missing } = copy;
    expect(() => chFromArrays(cityCh.nodeCount, missing)).toThrow(/upMid/);
    expect(() => chFromArrays(cityCh.nodeCount, { ...copy, upMid: new Uint32Array(copy.upMid.length) })).toThrow(/upMid must be a Int32Array/);
    expect(() => chFromArrays(cityCh.nodeCount, { ...copy, downHead: copy.downHead.subarray(1) })).toThrow(/downHead has length/);
    expect(() => chFromArrays(cityCh.nodeCount + 1, copy)).toThrow(/rank has length/);

    const other = buildSyntheticCity({ seed: 2 }).graph;
    expect(() => new ChTravelTimes(other, cityCh)).toThrow(/another network/);
  });

  it('is deterministic and reports progress up to (total, total)', () => {
    const calls: number[] = [];
    const again = buildContractionHierarchy(city, { onProgress: (done, total) => calls.push(done / total) });
    expect(calls.at(-1)).toBe(1);
    expect(calls.every((f, i) => i === 0 || f >= calls[i - 1])).toBe(true);
    for (const [k, v] of Object.entries(chArrays(again))) expect(v, k).toEqual(chArrays(cityCh)[k as keyof ReturnType<typeof chArrays>]);
  });
});

describe('contraction hierarchy on random directed graphs', () => {
  it('equals Dijkstra on every pair, Infinity where unreachable, with valid paths and tables', () => {
    fc.assert(
      fc.property(arbitraryGraph, (g) => {
        const ch = buildContractionHierarchy(g);
        const tt = new ChTravelTimes(g, ch);
        const ref = new DijkstraTravelTimes(g);
        const all = Array.from({ length: g.nodeCount }, (_, i) => i);
        const table = tt.manyToMany(all, all);
        for (const a of all) {
          const row = ref.oneToMany(a, all);
          for (const b of all) {
            const want = ref.timeMs(a, b);
            expect(tt.timeMs(a, b)).toBe(want);
            expect(tt.timeS(a, b)).toBe(want / 1000);
            expect(table[a * g.nodeCount + b]).toBe(row[b]);
            const p = tt.path(a, b);
            if (want === Infinity) {
              expect(p).toBeNull();
              expect(tt.route(a, b)).toEqual({ timeS: Infinity, distanceM: Infinity });
              continue;
            }
            expect(p).not.toBeNull();
            const nodes = p!.nodes;
            expect([nodes[0], nodes[nodes.length - 1]]).toEqual([a, b]);
            let sum = 0;
            for (let k = 1; k < nodes.length; k++) {
              const w = fastestEdgeMs(g, nodes[k - 1], nodes[k]);
              expect(w).toBeGreaterThan(0);
              sum += w;
            }
            expect(sum).toBe(want);
            expect(p!.distanceM).toBeCloseTo(sum / 10, 3);
          }
        }
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it('handles an empty graph and isolated nodes', () => {
    const empty = graphFromEdges(0, []);
    expect(buildContractionHierarchy(empty).nodeCount).toBe(0);
    const lonely = graphFromEdges(3, [[0, 1, 5]]);
    const tt = new ChTravelTimes(lonely, buildContractionHierarchy(lonely));
    expect(tt.timeMs(0, 1)).toBe(5);
    expect(tt.timeS(1, 0)).toBe(Infinity);
    expect(tt.timeS(2, 0)).toBe(Infinity);
    expect(Array.from(tt.manyToMany([0, 2], [1, 2]))).toEqual([0.005, Infinity, Infinity, 0]);
  });
});

describe('point queries from cached search spaces', () => {
  it('repeated queries (warm cache) and a full cache reset give Dijkstra times exactly', () => {
    const { graph } = buildSyntheticCity({ seed: 11, widthM: 2500, heightM: 2500, oneWayShare: 0.5 });
    const ch = buildContractionHierarchy(graph);
    const tt = new ChTravelTimes(graph, ch);
    const ref = new DijkstraTravelTimes(graph);
    const rng = new Rng(3);
    const pairs = Array.from({ length: 300 }, () => [rng.int(graph.nodeCount), rng.int(graph.nodeCount)] as const);
    for (let round = 0; round < 3; round++) {
      for (const [a, b] of pairs) expect(tt.timeMs(a, b)).toBe(ref.timeMs(a, b));
      // Paths use the bidirectional query; both answers must agree.
      for (const [a, b] of pairs.slice(0, 30)) expect(tt.route(a, b).timeS).toBe(tt.timeS(a, b));
    }
  });
});

describe('point queries from kept search results', () => {
  it('equal Dijkstra with sources and targets revisited in turn, whether the kept results fit, are forgotten every few searches or do not fit', () => {
    // A layout with no core (every search climbs to the top of the hierarchy and meets below it) and one with a small
    // core. Alternating sources and targets make most searches a restore of a kept result.
    const { graph } = buildSyntheticCity({ seed: 5, widthM: 2000, heightM: 2000, oneWayShare: 0.4 });
    const ch = buildContractionHierarchy(graph);
    const n = graph.nodeCount;
    const ref = new DijkstraTravelTimes(graph);
    const noCore = { firstRank: n, size: 0, slotOf: new Uint32Array(0), distMs: new Uint32Array(0) };
    // A core of the top 40 ranks, its table from Dijkstra (the engine's comes from the hierarchy: the same distances).
    const size = 40;
    const firstRank = n - size;
    const coreNodes = Array.from({ length: size }, (_, i) => ch.order[firstRank + i]);
    const distMs = new Uint32Array(size * size);
    coreNodes.forEach((a, i) => coreNodes.forEach((b, j) => (distMs[i * size + j] = ref.timeMs(a, b))));
    const core = { firstRank, size, slotOf: Uint32Array.from({ length: size }, (_, i) => i), distMs };
    const rng = new Rng(9);
    // Random nodes, and nodes at the top of the hierarchy and just below the core (whose searches are short: the
    // results a small pool keeps).
    const top = [n - 1, n - 2, firstRank - 1, firstRank - 2, firstRank - 3].map((rank) => ch.order[rank]);
    const nodes = [...Array.from({ length: 10 }, () => rng.int(n)), ...top];
    // Small pools keep the smaller results only (a larger one forgets them all), so kept results and new searches
    // meet in one query.
    const layouts = [buildPointLayout(ch, noCore, (rank) => rank)!, buildPointLayout(ch, core, (rank) => rank)!];
    for (const q of layouts.flatMap((layout) => [undefined, 8, 24, 64, 160].map((words) => new PointQueries(layout, words)))) {
      for (let round = 0; round < 3; round++) {
        for (const a of nodes) for (const b of nodes) expect(q.timeMs(a, b)).toBe(ref.timeMs(a, b));
        for (const b of nodes) for (const a of nodes) expect(q.timeMs(a, b)).toBe(ref.timeMs(a, b));
      }
    }
  });
});
