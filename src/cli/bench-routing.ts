// Routing benchmark: builds a contraction hierarchy for a network and measures preprocessing, point-to-point queries
// and a many-to-many table on seeded random nodes (the figures the routing targets are stated in).
import { performance } from 'node:perf_hooks';
import type { RoadGraph } from '../core/network/graph.js';
import { buildContractionHierarchy, ChTravelTimes } from '../core/network/ch.js';
import { Rng } from '../core/random.js';

export interface BenchRoutingOptions {
  /** Seed of the random node pairs (default 1). */
  seed?: number;
  /** Point-to-point queries timed (default 50,000). */
  pairs?: number;
  /** Side of the timed sources × targets table (default 1000). */
  tableSize?: number;
  /** Contraction progress, for a progress bar. */
  onProgress?: (contracted: number, total: number) => void;
}

export interface BenchRoutingResult {
  nodes: number;
  edges: number;
  /** Edges of the hierarchy (upward + downward, shortcuts included). */
  chEdges: number;
  preprocessS: number;
  p2pQueriesPerS: number;
  /** Seconds for one tableSize × tableSize manyToMany (1000 × 1000 by default, hence the name). */
  manyToMany1000S: number;
  tableSize: number;
  peakRssMb: number;
}

/** Lets a progress bar or log line render between long synchronous phases. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Benchmarks contraction-hierarchy routing on `graph`.
 *
 * @example
 * const r = await benchRouting(buildSyntheticCity(syntheticCityOfNodes(12_000)).graph, { seed: 1 });
 * console.log(`${r.preprocessS.toFixed(1)} s, ${Math.round(r.p2pQueriesPerS)} q/s, table ${r.manyToMany1000S.toFixed(2)} s`);
 */
export async function benchRouting(graph: RoadGraph, opts: BenchRoutingOptions = {}): Promise<BenchRoutingResult> {
  const pairs = opts.pairs ?? 50_000;
  const tableSize = Math.min(opts.tableSize ?? 1000, graph.nodeCount);
  const rng = new Rng(opts.seed ?? 1);
  const n = graph.nodeCount;

  let t = performance.now();
  const ch = buildContractionHierarchy(graph, { onProgress: opts.onProgress });
  const preprocessS = (performance.now() - t) / 1000;
  await yieldToEventLoop();

  // Warm-up on its own engine and its own pairs, so that the timed loop runs optimised code but starts with an empty
  // search-space cache: it pays for every search its pairs need (nodes repeat among 50,000 random pairs, as they do
  // in dispatch, and repeats are answered from the cache).
  let checksum = 0;
  const warm = new ChTravelTimes(graph, ch);
  for (let i = 0; i < 2000; i++) checksum += warm.timeS(rng.int(n), rng.int(n)) + warm.route(rng.int(n), rng.int(n)).timeS;
  const from = new Uint32Array(pairs);
  const to = new Uint32Array(pairs);
  for (let i = 0; i < pairs; i++) {
    from[i] = rng.int(n);
    to[i] = rng.int(n);
  }
  let tt = new ChTravelTimes(graph, ch);
  t = performance.now();
  for (let i = 0; i < pairs; i++) checksum += tt.timeS(from[i], to[i]);
  const p2pS = (performance.now() - t) / 1000;
  await yieldToEventLoop();

  const sources = new Uint32Array(tableSize);
  const targets = new Uint32Array(tableSize);
  for (let i = 0; i < tableSize; i++) {
    sources[i] = rng.int(n);
    targets[i] = rng.int(n);
  }
  tt = new ChTravelTimes(graph, ch); // the table also starts from an empty cache
  t = performance.now();
  const table = tt.manyToMany(sources, targets);
  const tableS = (performance.now() - t) / 1000;
  checksum += table[0] ?? 0;
  // NOTE: the checksum is only read so the engine cannot drop the timed loops as dead code.
  if (Number.isNaN(checksum)) throw new Error('benchRouting: NaN travel time');

  return {
    nodes: n,
    edges: graph.edgeCount,
    chEdges: ch.upHead.length + ch.downHead.length,
    preprocessS,
    p2pQueriesPerS: pairs / p2pS,
    manyToMany1000S: tableS,
    tableSize,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
