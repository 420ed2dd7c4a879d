// Travel-time queries on a contraction hierarchy: bidirectional upward search with stall-on-demand for one pair, and
// the bucket many-to-many algorithm (Knopp et al. 2007) for tables, all on preallocated typed arrays.
import { findEdge, type RoadGraph } from './graph.js';
import { IndexedMinHeap } from './ch-heap.js';
import { assertChMatchesGraph, type ContractionHierarchy } from './ch-hierarchy.js';
import { FREE_FLOW, speedFactorAt, type RoutePath, type SpeedProfile, type TravelTimes } from './travel-times.js';

/** The settled, unstalled ranks of one upward search and their distances (ms). */
interface SearchSpace {
  ranks: Uint32Array;
  distMs: Float64Array;
}

/** Most settled entries kept in the search-space cache (≈ 12 bytes each: 4 M ≈ 48 MB). */
const SEARCH_SPACE_CACHE_ENTRIES = 4_000_000;

/**
 * Exact travel times (equal to Dijkstra to the millisecond) from a contraction hierarchy. Not re-entrant: each
 * instance owns its search arrays; use one instance per worker.
 *
 * @example
 * const tt = new ChTravelTimes(graph, buildContractionHierarchy(graph));
 * tt.timeS(a, b, 8 * 3600); // seconds at the 08:00 speed factor
 */
export class ChTravelTimes implements TravelTimes {
  readonly nodeCount: number;
  private readonly distF: Float64Array;
  private readonly distB: Float64Array;
  /** Index of the up (forward) or down (backward) edge that reached a node, for path unpacking. */
  private readonly parentF: Int32Array;
  private readonly parentB: Int32Array;
  private readonly touchedF: Uint32Array;
  private readonly touchedB: Uint32Array;
  private touchedFCount = 0;
  private touchedBCount = 0;
  private readonly heapF: IndexedMinHeap;
  private readonly heapB: IndexedMinHeap;
  /** Rank where the best forward and backward paths of the last point query meet (-1: none). */
  private meet = -1;
  /** Bucket slot of each rank during a table query (-1: no bucket). */
  private readonly bucketSlot: Int32Array;
  /** Settled ranks of one table search (not stalled), reused by every search. */
  private readonly settledRank: Uint32Array;
  private readonly settledDist: Float64Array;
  /** Scratch distances by rank for intersecting search spaces (Infinity between uses). */
  private readonly meetDist: Float64Array;
  /**
   * Upward search spaces of table queries by rank, one map per direction (0 backward, 1 forward). Dispatchers ask for
   * tables from the same car and pickup nodes batch after batch; a cached space turns a search into a lookup.
   * Bounded by SEARCH_SPACE_CACHE_ENTRIES settled entries in all, cleared when full.
   */
  private readonly spaceCache = [new Map<number, SearchSpace>(), new Map<number, SearchSpace>()];
  private spaceCacheEntries = 0;
  private unpackStack = new Int32Array(192);
  private pathBuf = new Uint32Array(256);

  /** @param graph the network `ch` was built from (checked by fingerprint). */
  constructor(
    private readonly graph: RoadGraph,
    private readonly ch: ContractionHierarchy,
    private readonly profile: SpeedProfile = FREE_FLOW,
  ) {
    assertChMatchesGraph(ch, graph);
    const n = ch.nodeCount;
    this.nodeCount = n;
    this.distF = new Float64Array(n).fill(Infinity);
    this.distB = new Float64Array(n).fill(Infinity);
    this.parentF = new Int32Array(n).fill(-1);
    this.parentB = new Int32Array(n).fill(-1);
    this.touchedF = new Uint32Array(n);
    this.touchedB = new Uint32Array(n);
    this.heapF = new IndexedMinHeap(n);
    this.heapB = new IndexedMinHeap(n);
    this.bucketSlot = new Int32Array(n).fill(-1);
    this.settledRank = new Uint32Array(n);
    this.settledDist = new Float64Array(n);
    this.meetDist = new Float64Array(n).fill(Infinity);
  }

  /**
   * Free-flow time in integer milliseconds, Infinity if `to` cannot be reached. Answered by intersecting the two
   * nodes' upward search spaces (min over common ranks of forward + backward distance, the rule the bucket tables use),
   * which are cached: dispatch asks about the same car and pickup nodes again and again, and a repeat costs a scan of
   * two short lists instead of a search. Paths still use the bidirectional query, which keeps parents for unpacking.
   */
  timeMs(from: number, to: number): number {
    const s = this.ch.rank[from];
    const t = this.ch.rank[to];
    if (s === t) return 0;
    return this.intersect(this.searchSpace(s, true), this.searchSpace(t, false));
  }

  /** Shortest distance through a common rank of a forward and a backward upward search space (ms). */
  private intersect(forward: SearchSpace, backward: SearchSpace): number {
    const mark = this.meetDist;
    const fr = forward.ranks;
    const fd = forward.distMs;
    for (let k = 0; k < fr.length; k++) mark[fr[k]] = fd[k];
    let best = Infinity;
    const br = backward.ranks;
    const bd = backward.distMs;
    for (let k = 0; k < br.length; k++) {
      const d = mark[br[k]] + bd[k];
      if (d < best) best = d;
    }
    for (let k = 0; k < fr.length; k++) mark[fr[k]] = Infinity;
    return best;
  }

  speedFactor(departS: number): number {
    return speedFactorAt(this.profile, departS);
  }

  timeS(from: number, to: number, departS = 0): number {
    return (this.timeMs(from, to) / 1000) * speedFactorAt(this.profile, departS);
  }

  route(from: number, to: number, departS = 0): { timeS: number; distanceM: number } {
    const ms = this.pointQuery(this.ch.rank[from], this.ch.rank[to]);
    if (ms === Infinity) return { timeS: Infinity, distanceM: Infinity };
    const len = this.unpackLastQuery(from);
    const g = this.graph;
    const nodes = this.pathBuf;
    let distanceM = 0;
    for (let i = 1; i < len; i++) distanceM += g.lengthM[findEdge(g, nodes[i - 1], nodes[i])];
    return { timeS: (ms / 1000) * speedFactorAt(this.profile, departS), distanceM };
  }

  path(from: number, to: number, departS = 0): RoutePath | null {
    const ms = this.pointQuery(this.ch.rank[from], this.ch.rank[to]);
    if (ms === Infinity) return null;
    const len = this.unpackLastQuery(from);
    const nodes = this.pathBuf.slice(0, len);
    const g = this.graph;
    let distanceM = 0;
    for (let i = 1; i < len; i++) distanceM += g.lengthM[findEdge(g, nodes[i - 1], nodes[i])];
    return { nodes, timeS: (ms / 1000) * speedFactorAt(this.profile, departS), distanceM };
  }

  oneToMany(from: number, targets: ArrayLike<number>, departS = 0, out?: Float64Array): Float64Array {
    const res = out ?? new Float64Array(targets.length);
    if (targets.length === 1) {
      res[0] = this.timeS(from, targets[0], departS);
      return res;
    }
    this.table([from], targets, res, speedFactorAt(this.profile, departS));
    return res;
  }

  manyToMany(sources: ArrayLike<number>, targets: ArrayLike<number>, departS = 0): Float64Array {
    const res = new Float64Array(sources.length * targets.length);
    this.table(sources, targets, res, speedFactorAt(this.profile, departS));
    return res;
  }

  /**
   * Bidirectional upward Dijkstra between ranks s and t. Each side stops once its smallest key reaches the best
   * meeting found; stall-on-demand skips relaxing a node that a higher neighbour already reaches more cheaply
   * (measured: without it, 40 % fewer queries/s on San Francisco).
   */
  private pointQuery(s: number, t: number): number {
    this.resetForward();
    this.resetBackward();
    this.meet = -1;
    if (s === t) {
      this.meet = s;
      return 0;
    }
    const ch = this.ch;
    const upFirst = ch.upFirst;
    const upHead = ch.upHead;
    const upTime = ch.upTimeMs;
    const downFirst = ch.downFirst;
    const downHead = ch.downHead;
    const downTime = ch.downTimeMs;
    const distF = this.distF;
    const distB = this.distB;
    const parentF = this.parentF;
    const parentB = this.parentB;
    const touchedF = this.touchedF;
    const touchedB = this.touchedB;
    const heapF = this.heapF;
    const heapB = this.heapB;
    let tf = 0;
    let tb = 0;
    distF[s] = 0;
    touchedF[tf++] = s;
    heapF.set(s, 0);
    distB[t] = 0;
    touchedB[tb++] = t;
    heapB.set(t, 0);
    let best = Infinity;
    let meet = -1;
    for (;;) {
      const kf = heapF.minKey();
      const kb = heapB.minKey();
      const forward = kf <= kb;
      const k = forward ? kf : kb;
      if (k >= best) break;
      if (forward) {
        const u = heapF.pop();
        const db = distB[u];
        if (k + db < best) {
          best = k + db;
          meet = u;
        }
        let stalled = false;
        for (let e = downFirst[u], end = downFirst[u + 1]; e < end; e++) {
          if (distF[downHead[e]] + downTime[e] < k) {
            stalled = true;
            break;
          }
        }
        if (stalled) continue;
        for (let e = upFirst[u], end = upFirst[u + 1]; e < end; e++) {
          const v = upHead[e];
          const nd = k + upTime[e];
          const dv = distF[v];
          // A node first reached at or beyond the best meeting can never improve it: not worth a heap entry.
          if (nd < dv && nd < best) {
            if (dv === Infinity) touchedF[tf++] = v;
            distF[v] = nd;
            parentF[v] = e;
            heapF.set(v, nd);
          }
        }
      } else {
        const u = heapB.pop();
        const df = distF[u];
        if (k + df < best) {
          best = k + df;
          meet = u;
        }
        let stalled = false;
        for (let e = upFirst[u], end = upFirst[u + 1]; e < end; e++) {
          if (distB[upHead[e]] + upTime[e] < k) {
            stalled = true;
            break;
          }
        }
        if (stalled) continue;
        for (let e = downFirst[u], end = downFirst[u + 1]; e < end; e++) {
          const v = downHead[e];
          const nd = k + downTime[e];
          const dv = distB[v];
          if (nd < dv && nd < best) {
            if (dv === Infinity) touchedB[tb++] = v;
            distB[v] = nd;
            parentB[v] = e;
            heapB.set(v, nd);
          }
        }
      }
    }
    this.touchedFCount = tf;
    this.touchedBCount = tb;
    this.meet = meet;
    return best;
  }

  private resetForward(): void {
    for (let i = 0; i < this.touchedFCount; i++) {
      const v = this.touchedF[i];
      this.distF[v] = Infinity;
      this.parentF[v] = -1;
    }
    this.touchedFCount = 0;
    this.heapF.clear();
  }

  private resetBackward(): void {
    for (let i = 0; i < this.touchedBCount; i++) {
      const v = this.touchedB[i];
      this.distB[v] = Infinity;
      this.parentB[v] = -1;
    }
    this.touchedBCount = 0;
    this.heapB.clear();
  }

  /**
   * Writes the original node ids of the last point query's path (which started at `from`) into pathBuf and returns
   * its length. The CH edges are collected meet → s (forward parents) and meet → t (backward parents), then each is
   * unpacked recursively through its middle node.
   */
  private unpackLastQuery(from: number): number {
    const ch = this.ch;
    let len = 0;
    this.ensurePath(1);
    this.pathBuf[len++] = from;
    if (this.meet < 0) return len;
    // Forward half: walk parents from meet down to s, then unpack in s → meet order.
    const chain: number[] = [];
    for (let v = this.meet; this.parentF[v] >= 0; ) {
      const e = this.parentF[v];
      chain.push(e);
      v = this.tailOfUpEdge(e);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const e = chain[i];
      len = this.unpackEdge(this.tailOfUpEdge(e), ch.upHead[e], ch.upMid[e], len);
    }
    // Backward half: the backward search reached v = downHead[e] from the rank x that stores down edge e, and that
    // edge stands for v → x, so following parents from meet walks the path forwards towards t.
    for (let v = this.meet; this.parentB[v] >= 0; ) {
      const e = this.parentB[v];
      const x = this.ownerOfDownEdge(e);
      len = this.unpackEdge(v, x, ch.downMid[e], len);
      v = x;
    }
    return len;
  }

  /** Rank whose upward list holds edge e (binary search over upFirst). */
  private tailOfUpEdge(e: number): number {
    return ownerOf(this.ch.upFirst, e);
  }

  private ownerOfDownEdge(e: number): number {
    return ownerOf(this.ch.downFirst, e);
  }

  /** Appends the original nodes after `a` on the CH edge a → b (ranks) with middle `mid`; returns the new length. */
  private unpackEdge(a: number, b: number, mid: number, len: number): number {
    const ch = this.ch;
    let stack = this.unpackStack;
    let sp = 0;
    stack[sp++] = a;
    stack[sp++] = b;
    stack[sp++] = mid;
    while (sp > 0) {
      const m = stack[--sp];
      const y = stack[--sp];
      const x = stack[--sp];
      if (m < 0) {
        this.ensurePath(len + 1);
        this.pathBuf[len++] = ch.order[y];
        continue;
      }
      if (sp + 6 > stack.length) {
        const bigger = new Int32Array(stack.length * 2);
        bigger.set(stack);
        this.unpackStack = stack = bigger;
      }
      // Push the second half first so that x → m is unpacked (popped) first.
      stack[sp++] = m;
      stack[sp++] = y;
      stack[sp++] = ch.upMid[findChEdge(ch.upFirst, ch.upHead, ch.upTimeMs, m, y)];
      stack[sp++] = x;
      stack[sp++] = m;
      stack[sp++] = ch.downMid[findChEdge(ch.downFirst, ch.downHead, ch.downTimeMs, m, x)];
    }
    return len;
  }

  private ensurePath(len: number): void {
    if (len > this.pathBuf.length) {
      const bigger = new Uint32Array(Math.max(len, this.pathBuf.length * 2));
      bigger.set(this.pathBuf);
      this.pathBuf = bigger;
    }
  }

  /**
   * Bucket many-to-many: one backward upward search per target leaves (target, distance) in a bucket at every node
   * it settles; one forward upward search per source then reads the buckets of the nodes it settles. Writes seconds
   * (× factor) row-major into `res`.
   */
  private table(sources: ArrayLike<number>, targets: ArrayLike<number>, res: Float64Array, factor: number): void {
    const ch = this.ch;
    const nt = targets.length;
    const ns = sources.length;
    res.fill(Infinity, 0, ns * nt);
    if (ns === 0 || nt === 0) return;
    const bucketSlot = this.bucketSlot;
    // Pass 1: backward searches; entries are (slot, target, dist) in arrival order, then grouped by slot.
    let entries = 0;
    let slotCount = 0;
    let slotOfEntry = new Int32Array(Math.max(1024, nt * 64));
    let targetOfEntry = new Int32Array(slotOfEntry.length);
    let distOfEntry = new Float64Array(slotOfEntry.length);
    const slotRank: number[] = [];
    for (let j = 0; j < nt; j++) {
      const space = this.searchSpace(ch.rank[targets[j]], false);
      const count = space.ranks.length;
      if (entries + count > slotOfEntry.length) {
        const size = Math.max(entries + count, slotOfEntry.length * 2);
        const s2 = new Int32Array(size);
        s2.set(slotOfEntry);
        slotOfEntry = s2;
        const t2 = new Int32Array(size);
        t2.set(targetOfEntry);
        targetOfEntry = t2;
        const d2 = new Float64Array(size);
        d2.set(distOfEntry);
        distOfEntry = d2;
      }
      for (let k = 0; k < count; k++) {
        const r = space.ranks[k];
        let slot = bucketSlot[r];
        if (slot < 0) {
          slot = bucketSlot[r] = slotCount++;
          slotRank.push(r);
        }
        slotOfEntry[entries] = slot;
        targetOfEntry[entries] = j;
        distOfEntry[entries] = space.distMs[k];
        entries++;
      }
    }
    const bucketFirst = new Uint32Array(slotCount + 1);
    for (let k = 0; k < entries; k++) bucketFirst[slotOfEntry[k] + 1]++;
    for (let s = 0; s < slotCount; s++) bucketFirst[s + 1] += bucketFirst[s];
    const fill = bucketFirst.slice(0, slotCount);
    const bucketTarget = new Int32Array(entries);
    const bucketDist = new Float64Array(entries);
    for (let k = 0; k < entries; k++) {
      const at = fill[slotOfEntry[k]]++;
      bucketTarget[at] = targetOfEntry[k];
      bucketDist[at] = distOfEntry[k];
    }
    // Pass 2: forward searches scan buckets; results in ms, converted at the end.
    for (let i = 0; i < ns; i++) {
      const space = this.searchSpace(ch.rank[sources[i]], true);
      const spaceRanks = space.ranks;
      const spaceDist = space.distMs;
      const row = i * nt;
      for (let k = 0, count = spaceRanks.length; k < count; k++) {
        const slot = bucketSlot[spaceRanks[k]];
        if (slot < 0) continue;
        const df = spaceDist[k];
        for (let b = bucketFirst[slot], end = bucketFirst[slot + 1]; b < end; b++) {
          const d = df + bucketDist[b];
          const at = row + bucketTarget[b];
          if (d < res[at]) res[at] = d;
        }
      }
    }
    for (const r of slotRank) bucketSlot[r] = -1;
    // Same arithmetic as timeS ((ms / 1000) × factor) so that a table cell equals the point query bit for bit.
    for (let k = 0; k < ns * nt; k++) res[k] = (res[k] / 1000) * factor;
  }

  /** The upward search space of a rank, from the cache or searched now (and cached while the budget allows). */
  private searchSpace(rank: number, forward: boolean): SearchSpace {
    const cache = this.spaceCache[forward ? 1 : 0];
    const hit = cache.get(rank);
    if (hit) return hit;
    const count = this.upwardSearch(rank, forward);
    const space: SearchSpace = { ranks: this.settledRank.slice(0, count), distMs: this.settledDist.slice(0, count) };
    if (this.spaceCacheEntries + count > SEARCH_SPACE_CACHE_ENTRIES) {
      this.spaceCache[0].clear();
      this.spaceCache[1].clear();
      this.spaceCacheEntries = 0;
    }
    cache.set(rank, space);
    this.spaceCacheEntries += count;
    return space;
  }

  /**
   * Exhaustive upward search from rank `start` (forward over up edges, or backward over down edges) with
   * stall-on-demand. Writes the settled, unstalled ranks and their distances to settledRank/settledDist; returns
   * how many.
   */
  private upwardSearch(start: number, forward: boolean): number {
    this.resetForward();
    const ch = this.ch;
    const relaxFirst = forward ? ch.upFirst : ch.downFirst;
    const relaxHead = forward ? ch.upHead : ch.downHead;
    const relaxTime = forward ? ch.upTimeMs : ch.downTimeMs;
    const stallFirst = forward ? ch.downFirst : ch.upFirst;
    const stallHead = forward ? ch.downHead : ch.upHead;
    const stallTime = forward ? ch.downTimeMs : ch.upTimeMs;
    const dist = this.distF;
    const touched = this.touchedF;
    const heap = this.heapF;
    const settledRank = this.settledRank;
    const settledDist = this.settledDist;
    let tc = 0;
    let count = 0;
    dist[start] = 0;
    touched[tc++] = start;
    heap.set(start, 0);
    while (heap.size > 0) {
      const k = heap.minKey();
      const u = heap.pop();
      let stalled = false;
      for (let e = stallFirst[u], end = stallFirst[u + 1]; e < end; e++) {
        if (dist[stallHead[e]] + stallTime[e] < k) {
          stalled = true;
          break;
        }
      }
      if (stalled) continue;
      settledRank[count] = u;
      settledDist[count++] = k;
      for (let e = relaxFirst[u], end = relaxFirst[u + 1]; e < end; e++) {
        const v = relaxHead[e];
        const nd = k + relaxTime[e];
        const dv = dist[v];
        if (nd < dv) {
          if (dv === Infinity) touched[tc++] = v;
          dist[v] = nd;
          heap.set(v, nd);
        }
      }
    }
    this.touchedFCount = tc;
    return count;
  }
}

/** The CSR row that holds edge index e: the largest r with first[r] ≤ e (rows may be empty). */
function ownerOf(first: Uint32Array, e: number): number {
  let lo = 0;
  let hi = first.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (first[mid] <= e) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The fastest edge from rank `x`'s list (up or down) whose head is `head`; throws if the hierarchy is inconsistent. */
function findChEdge(first: Uint32Array, heads: Uint32Array, times: Uint32Array, x: number, head: number): number {
  let best = -1;
  for (let e = first[x], end = first[x + 1]; e < end; e++) {
    if (heads[e] === head && (best < 0 || times[e] < times[best])) best = e;
  }
  if (best < 0) throw new Error(`contraction hierarchy is inconsistent: no edge between ranks ${x} and ${head} to unpack`);
  return best;
}
