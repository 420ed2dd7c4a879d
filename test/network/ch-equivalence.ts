// Reusable check that a contraction hierarchy answers exactly like Dijkstra on a given network (synthetic, SF CSV,
// OSM…): point queries to the millisecond, valid unpacked paths, and tables.
import { expect } from 'vitest';
import { findEdge, type RoadGraph } from '../../src/core/network/graph.js';
import { buildContractionHierarchy, ChTravelTimes, type ContractionHierarchy } from '../../src/core/network/ch.js';
import { DijkstraTravelTimes, pathDistanceM } from '../../src/core/network/travel-times.js';
import { Rng } from '../../src/core/random.js';

export interface ChEquivalenceOptions {
  /** A hierarchy already built for `graph` (built here if absent). */
  ch?: ContractionHierarchy;
  /** How many of the pairs also get their unpacked path checked (default: all). */
  pathPairs?: number;
  /** Side of the sources × targets table compared with Dijkstra rows (default 12; 0 skips). */
  tableSize?: number;
}

/** The fastest edge time u → v in ms, or -1 if the graph has no such edge. */
export function fastestEdgeMs(graph: RoadGraph, u: number, v: number): number {
  let best = -1;
  for (let e = graph.firstOut[u]; e < graph.firstOut[u + 1]; e++) {
    if (graph.head[e] === v && (best < 0 || graph.timeMs[e] < best)) best = graph.timeMs[e];
  }
  return best;
}

/**
 * Asserts that CH and Dijkstra agree on `pairs` seeded random node pairs: equal integer milliseconds (Infinity for
 * unreachable pairs), paths that start and end at the right nodes, use only real edges and sum to the query time,
 * route distances equal to the path's length, and a small many-to-many table equal to Dijkstra's rows.
 * Returns the hierarchy so callers can reuse it.
 *
 * @example
 * expectChEqualsDijkstra(graph, 1000, 42);
 */
export function expectChEqualsDijkstra(
  graph: RoadGraph,
  pairs: number,
  seed: number,
  opts: ChEquivalenceOptions = {},
): ContractionHierarchy {
  const ch = opts.ch ?? buildContractionHierarchy(graph);
  const tt = new ChTravelTimes(graph, ch);
  const ref = new DijkstraTravelTimes(graph);
  const rng = new Rng(seed);
  const n = graph.nodeCount;
  const pathPairs = opts.pathPairs ?? pairs;
  const mismatches: string[] = [];
  for (let i = 0; i < pairs; i++) {
    const a = rng.int(n);
    const b = rng.int(n);
    const want = ref.timeMs(a, b);
    const got = tt.timeMs(a, b);
    if (got !== want) mismatches.push(`${a}->${b}: ch ${got} ms, dijkstra ${want} ms`);
    if (i >= pathPairs) continue;
    const p = tt.path(a, b);
    if (want === Infinity) {
      if (p !== null) mismatches.push(`${a}->${b}: unreachable but path has ${p.nodes.length} nodes`);
      continue;
    }
    if (p === null) {
      mismatches.push(`${a}->${b}: reachable (${want} ms) but no path`);
      continue;
    }
    if (p.nodes[0] !== a || p.nodes[p.nodes.length - 1] !== b) mismatches.push(`${a}->${b}: path runs ${p.nodes[0]}->${p.nodes[p.nodes.length - 1]}`);
    let sumMs = 0;
    for (let k = 1; k < p.nodes.length; k++) {
      const w = fastestEdgeMs(graph, p.nodes[k - 1], p.nodes[k]);
      if (w < 0) {
        mismatches.push(`${a}->${b}: path step ${p.nodes[k - 1]}->${p.nodes[k]} is not an edge`);
        sumMs = NaN;
        break;
      }
      sumMs += w;
    }
    if (!Number.isNaN(sumMs) && sumMs !== want) mismatches.push(`${a}->${b}: path edges sum to ${sumMs} ms, query says ${want} ms`);
    if (!Number.isNaN(sumMs)) {
      const r = tt.route(a, b);
      // The same metres to the bit: route and path sum the same edges (findEdge's) in the same order.
      const wantM = pathDistanceM(graph, p.nodes);
      if (r.timeS !== p.timeS || r.distanceM !== wantM || p.distanceM !== wantM) {
        mismatches.push(`${a}->${b}: route ${r.timeS} s / ${r.distanceM} m, path ${p.distanceM} m disagree with its nodes (${wantM} m)`);
      }
      // The edges a path hands out (Movement reads their times and lengths) are findEdge's, step by step.
      const edges = p.edges;
      if (!edges || edges.length !== p.nodes.length - 1) mismatches.push(`${a}->${b}: path has ${edges?.length} edges for ${p.nodes.length} nodes`);
      else {
        for (let k = 0; k < edges.length; k++) {
          const e = findEdge(graph, p.nodes[k], p.nodes[k + 1]);
          if (edges[k] !== e) mismatches.push(`${a}->${b}: step ${k} is edge ${edges[k]}, findEdge gives ${e}`);
        }
      }
    }
    if (mismatches.length > 20) break;
  }
  expect(mismatches).toEqual([]);

  const size = Math.min(opts.tableSize ?? 12, n);
  if (size > 0) {
    const sources = Array.from({ length: size }, () => rng.int(n));
    const targets = Array.from({ length: size }, () => rng.int(n));
    const table = tt.manyToMany(sources, targets);
    for (let i = 0; i < size; i++) {
      const row = ref.oneToMany(sources[i], targets);
      expect(Array.from(table.subarray(i * size, (i + 1) * size))).toEqual(Array.from(row));
      expect(Array.from(tt.oneToMany(sources[i], targets))).toEqual(Array.from(row));
    }
  }
  return ch;
}
