// The one shortest-path search over the road network (Dijkstra, forward or over incoming edges, up to a bound) that
// greedy, pooled and DijkstraTravelTimes share: typed arrays, one reused heap and a visited stamp, so a query allocates nothing.
import FlatQueue from 'flatqueue';
import { reverseIndex, type RoadGraph } from './graph.js';

/** Which way a search follows edges: `forward` gives times from the source, `reverse` times to it. */
export type SearchDirection = 'forward' | 'reverse';

/** One direction's adjacency as CSR: the edges of node u are first[u] .. first[u+1]-1, to `head`, costing `timeMs`. */
interface Adjacency {
  first: Uint32Array;
  head: Uint32Array;
  timeMs: Uint32Array;
}

/**
 * Dijkstra over a RoadGraph in free-flow milliseconds, reused across queries. A query is `start` then `settleNext`
 * until the caller has what it needs (a target, the first node passing its own test, or everything within a bound):
 * the caller's test runs in its own loop, so nothing is allocated or called back per settled node.
 *
 * Distances, parents and the visited stamp are per-node typed arrays; a new query bumps the stamp instead of clearing
 * them. The heap is a fixed-capacity lazy queue (one entry per improvement, stale entries skipped when popped).
 * NOTE: the lazy queue (flatqueue) rather than ch-heap's IndexedMinHeap because the order in which nodes at equal
 * distance settle decides greedy's nearest car among ties; this keeps the order every earlier copy of this search had.
 * NOTE: flatqueue is used here in its typed-array mode only. A growable (plain array) flatqueue in the same process
 * makes its methods polymorphic and measured this search 2–3× slower, so a new lazy-queue search belongs here.
 * Not re-entrant: one query at a time per instance.
 *
 * @example
 * const search = new BoundedSearch(graph);
 * search.start(pickupNode, 'reverse');
 * for (let u = search.settleNext(radiusMs); u >= 0; u = search.settleNext(radiusMs)) if (hasIdleCar(u)) return u;
 */
export class BoundedSearch {
  readonly nodeCount: number;
  private readonly forward: Adjacency;
  private reverse: Adjacency | null = null;
  /** Adjacency of the current query. */
  private adjacency: Adjacency;
  private readonly distMs: Float64Array;
  private readonly parent: Int32Array;
  /** A node's distance and parent belong to the current query only where seen[node] === stamp. */
  private readonly seen: Uint32Array;
  private stamp = 0;
  private readonly queue: FlatQueue<number>;
  /** The node settleNext returned last; its edges are relaxed when the search goes on (-1: none pending). */
  private pending = -1;
  private lastSettledMs = 0;

  constructor(private readonly graph: RoadGraph) {
    this.nodeCount = graph.nodeCount;
    this.forward = { first: graph.firstOut, head: graph.head, timeMs: graph.timeMs };
    this.adjacency = this.forward;
    this.distMs = new Float64Array(graph.nodeCount);
    this.parent = new Int32Array(graph.nodeCount);
    this.seen = new Uint32Array(graph.nodeCount);
    // Every edge is relaxed at most once per query (each node settles once), so this many entries always suffice.
    this.queue = new FlatQueue<number>(graph.edgeCount + 1);
  }

  /** Starts a new query at `source` (distance 0). The reverse adjacency is built on the first reverse query. */
  start(source: number, direction: SearchDirection = 'forward'): void {
    if (this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 0;
    }
    const stamp = ++this.stamp;
    this.adjacency = direction === 'forward' ? this.forward : (this.reverse ??= reverseAdjacency(this.graph));
    this.queue.clear();
    this.pending = -1;
    this.seen[source] = stamp;
    this.distMs[source] = 0;
    this.parent[source] = -1;
    this.queue.push(source, 0);
  }

  /**
   * Settles the next node in order of distance and returns it, or -1 when none is left within `boundMs` (inclusive).
   * The returned node's edges are relaxed only when the search goes on, so stopping at it costs nothing more. After
   * -1 for the bound, a call with a larger bound resumes the same query.
   */
  settleNext(boundMs = Infinity): number {
    if (this.pending >= 0) {
      this.relax(this.pending);
      this.pending = -1;
    }
    const q = this.queue;
    const distMs = this.distMs;
    while (q.length > 0) {
      const d = q.peekValue()!;
      const u = q.peek()!;
      if (d > distMs[u]) {
        q.pop(); // stale: u was reached again more cheaply
        continue;
      }
      if (d > boundMs) return -1;
      q.pop();
      this.pending = u;
      this.lastSettledMs = d;
      return u;
    }
    return -1;
  }

  /** Settles every node within `boundMs` of the source (all reachable nodes by default). */
  settleAll(boundMs = Infinity): void {
    while (this.settleNext(boundMs) >= 0);
  }

  /** Distance of the node settleNext returned last, ms. */
  get settledMs(): number {
    return this.lastSettledMs;
  }

  /**
   * Distance from the source (forward) or to it (reverse) in ms: final for settled nodes, tentative for nodes only
   * reached, Infinity for nodes this query has not reached.
   */
  distanceMs(node: number): number {
    return this.seen[node] === this.stamp ? this.distMs[node] : Infinity;
  }

  /**
   * The node before `node` on its shortest path from the source (forward) or the node after it towards the source
   * (reverse); -1 for the source and for nodes not reached.
   */
  parentOf(node: number): number {
    return this.seen[node] === this.stamp ? this.parent[node] : -1;
  }

  /** Every node's distanceMs, written into `out` (a new array when not given). */
  distancesMs(out = new Float64Array(this.nodeCount)): Float64Array {
    const seen = this.seen;
    const stamp = this.stamp;
    const distMs = this.distMs;
    for (let v = 0; v < this.nodeCount; v++) out[v] = seen[v] === stamp ? distMs[v] : Infinity;
    return out;
  }

  private relax(u: number): void {
    const { first, head, timeMs } = this.adjacency;
    const distMs = this.distMs;
    const parent = this.parent;
    const seen = this.seen;
    const stamp = this.stamp;
    const q = this.queue;
    const d = distMs[u];
    for (let e = first[u], end = first[u + 1]; e < end; e++) {
      const v = head[e];
      const nd = d + timeMs[e];
      if (seen[v] !== stamp) {
        seen[v] = stamp;
      } else if (nd >= distMs[v]) {
        continue;
      }
      distMs[v] = nd;
      parent[v] = u;
      q.push(v, nd);
    }
  }
}

/** Incoming edges as CSR (same order as reverseIndex), each with its forward edge's time. */
function reverseAdjacency(g: RoadGraph): Adjacency {
  const { revFirst, revTail, revEdge } = reverseIndex(g);
  const timeMs = new Uint32Array(revEdge.length);
  for (let i = 0; i < revEdge.length; i++) timeMs[i] = g.timeMs[revEdge[i]];
  return { first: revFirst, head: revTail, timeMs };
}
