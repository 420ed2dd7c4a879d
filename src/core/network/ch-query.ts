// Travel-time queries on a contraction hierarchy: a point query is two upward searches cut at the hierarchy's core (its
// top ranks) joined through a table of the core's pairwise distances (ch-point.ts); paths use the bidirectional upward
// search with stall-on-demand; tables use the bucket many-to-many algorithm (Knopp et al. 2007); all on preallocated
// typed arrays.
import { findEdge, type RoadGraph } from './graph.js';
import { IndexedMinHeap } from './ch-heap.js';
import { assertChMatchesGraph, type ContractionHierarchy } from './ch-hierarchy.js';
import { buildPointLayout, NO_PATH_MS, PointQueries, type CoreTable, type PointLayout } from './ch-point.js';
import { FREE_FLOW, speedFactorAt, type RoutePath, type SpeedProfile, type TravelTimes } from './travel-times.js';

/** Which list a CH edge index is in (see ChTravelTimes.unpackEdge). */
const UP = 0;
const DOWN = 1;

/** Nodes (and as many graph edges) of shortcut expansions a ChTravelTimes keeps: 2 × 4 bytes each, 4 MB (the stress city used 181 k after 290 k paths). */
const EXPANSION_POOL_NODES = 524_288;

/** See ChTravelTimes.halvesOf. */
interface Halves {
  up: Int32Array;
  down: Int32Array;
  upTail: Uint32Array;
  downOwner: Uint32Array;
  /** Per original (not shortcut) up or down edge, the graph edge findEdge gives for it (-1: not found yet). */
  upLeaf: Int32Array;
  downLeaf: Int32Array;
}

/** The settled, unstalled ranks of one upward search and their distances (ms). */
interface SearchSpace {
  ranks: Uint32Array;
  distMs: Float64Array;
}

/**
 * Core size: 8·√n ranks, at most 4,500 (an 81 MB table). On the 300k-node synthetic metro 4,391 core ranks leave ~14
 * settled nodes and ~11 core entries per upward search, against ~270 settled and ~4,000 edges scanned for the full
 * search: the top of a hierarchy is where nodes have the most edges, and the table answers it at once. Measured
 * (decision 0023): 4·√n gave 0.6× the queries/s of 8·√n, 10·√n no more than 8·√n; the table costs size² × 4 bytes
 * and its computation grows with size².
 */
function coreSizeOf(nodeCount: number): number {
  return Math.min(nodeCount, CORE_MAX_RANKS, Math.round(CORE_RANKS_PER_SQRT_NODE * Math.sqrt(nodeCount)));
}
const CORE_MAX_RANKS = 4500;
const CORE_RANKS_PER_SQRT_NODE = 8;

/**
 * One core table and point layout per hierarchy per process (the hierarchy is immutable; every engine over it shares
 * them, each engine copying the layout's words it writes). layout is null where distances may not fit int32 ms.
 */
const coreTables = new WeakMap<ContractionHierarchy, { core: CoreTable; layout: PointLayout | null }>();

/** Most settled entries kept in each search-space cache (≈ 12 bytes each: 4 M ≈ 48 MB). */
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
  /**
   * Upward search spaces of table queries by rank, one map per direction (0 backward, 1 forward). Dispatchers ask for
   * tables from the same car and pickup nodes batch after batch; a cached space turns a search into a lookup.
   * Bounded by SEARCH_SPACE_CACHE_ENTRIES settled entries in all, cleared when full.
   */
  private readonly spaceCache = [new Map<number, SearchSpace>(), new Map<number, SearchSpace>()];
  private spaceCacheEntries = 0;
  /** Point queries through the core, made on first use (null: the layout does not fit, use pointQuery). */
  private points: PointQueries | null | undefined = undefined;
  private unpackStack = new Int32Array(256);
  /** See unpackEdge. */
  private halves: Halves | undefined = undefined;
  /**
   * The nodes and graph edges of shortcuts the path halves started from, by CH edge slot (up edges, then down edges:
   * `at` where in the pool, -1 not kept; `count` how many): a path's chain edges repeat across paths, and copying a
   * kept expansion is cheaper than walking its halves again. Kept until the pool is full.
   */
  private expansions: { at: Int32Array; count: Int32Array; nodes: Uint32Array; edges: Uint32Array; used: number } | undefined = undefined;
  /** The forward half's CH edges of the path being unpacked, meet → s (see unpackLastQuery). */
  private chain = new Int32Array(64);
  private pathBuf = new Uint32Array(256);
  /** edgeBuf[i]: the graph edge from pathBuf[i] to pathBuf[i + 1] (see unpackEdge). */
  private edgeBuf = new Uint32Array(256);

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
  }

  /**
   * Free-flow time in integer milliseconds, Infinity if `to` cannot be reached. Exact: the hierarchy's answer is the
   * least forward + backward distance over the ranks both upward searches reach. Searches stop at the core (the top
   * ranks): a meeting below it is found from the nodes both searches reach; a meeting in the core lies on an up-down
   * path that enters the core at some rank a reached forwards and leaves it at some rank b reached backwards, and its
   * middle part is at least the distance a → b, which the core table holds exactly: so the least
   * dF(a) + table(a, b) + dB(b) over the entries is the hierarchy's answer through the core (every term is a real path,
   * so it never undercuts the true distance). The searches run on a layout of their own (ch-point.ts, decision 0023).
   * Paths still use the bidirectional query, which keeps parents for unpacking.
   */
  timeMs(from: number, to: number): number {
    if (from === to) return 0;
    if (this.points === undefined) {
      const layout = this.loadCore().layout;
      this.points = layout ? new PointQueries(layout) : null;
    }
    return this.points ? this.points.timeMs(from, to) : this.pointQuery(this.ch.rank[from], this.ch.rank[to]);
  }

  /** This hierarchy's core table and point layout, computed on first use (once per process). */
  private loadCore(): { core: CoreTable; layout: PointLayout | null } {
    let loaded = coreTables.get(this.ch);
    if (!loaded) {
      const size = coreSizeOf(this.nodeCount);
      const firstRank = this.nodeCount - size;
      const ranks = zOrder(this.graph, this.ch, firstRank);
      const slotOf = new Uint32Array(size);
      for (let slot = 0; slot < size; slot++) slotOf[ranks[slot] - firstRank] = slot;
      const ms = new Float64Array(size * size);
      // The core's upward searches climb only within the core; they are not cached (dispatch never asks for them).
      this.table(ranks, ranks, ms, null, (rank, forward) => {
        const count = this.upwardSearch(rank, forward);
        return { ranks: this.settledRank.slice(0, count), distMs: this.settledDist.slice(0, count) };
      });
      const distMs = new Uint32Array(size * size);
      for (let k = 0; k < ms.length; k++) {
        if (ms[k] >= NO_PATH_MS) {
          if (ms[k] !== Infinity) throw new Error(`contraction hierarchy: core distance ${ms[k]} ms is beyond the core table's range`);
          distMs[k] = NO_PATH_MS;
        } else distMs[k] = ms[k];
      }
      const core: CoreTable = { firstRank, size, slotOf, distMs };
      loaded = { core, layout: buildPointLayout(this.ch, core, zKeys(this.graph, this.ch)) };
      coreTables.set(this.ch, loaded);
    }
    return loaded;
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
    return { timeS: (ms / 1000) * speedFactorAt(this.profile, departS), distanceM: this.unpackedMetres(len) };
  }

  path(from: number, to: number, departS = 0): RoutePath | null {
    // No cache of whole paths (main kept 50,000 until session 26): 5 % of a stress hour's 90 k leg paths repeated,
    // and keeping them cost more than it saved; the shortcut expansions kept (unpackEdge) serve every path instead.
    const ms = this.pointQuery(this.ch.rank[from], this.ch.rank[to]);
    if (ms === Infinity) return null;
    const len = this.unpackLastQuery(from);
    return { nodes: this.pathBuf.slice(0, len), edges: this.edgeBuf.slice(0, len - 1), timeS: (ms / 1000) * speedFactorAt(this.profile, departS), distanceM: this.unpackedMetres(len) };
  }

  /** Metres of the path unpackLastQuery left in pathBuf[0 … len), summed over its graph edges in order. */
  private unpackedMetres(len: number): number {
    const lengthM = this.graph.lengthM;
    const edges = this.edgeBuf;
    let distanceM = 0;
    for (let i = 0; i + 1 < len; i++) distanceM += lengthM[edges[i]];
    return distanceM;
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
    const halves = this.halvesOf();
    let len = 0;
    this.ensurePath(1);
    this.pathBuf[len++] = from;
    if (this.meet < 0) return len;
    // Forward half: walk parents from meet down to s, then unpack in s → meet order.
    let chain = this.chain;
    let count = 0;
    for (let v = this.meet; this.parentF[v] >= 0; ) {
      const e = this.parentF[v];
      if (count === chain.length) {
        const bigger = new Int32Array(chain.length * 2);
        bigger.set(chain);
        this.chain = chain = bigger;
      }
      chain[count++] = e;
      v = halves.upTail[e];
    }
    for (let i = count - 1; i >= 0; i--) {
      const e = chain[i];
      len = this.unpackEdge(halves.upTail[e], ch.upHead[e], UP, e, len);
    }
    // Backward half: the backward search reached v = downHead[e] from the rank x that stores down edge e, and that
    // edge stands for v → x, so following parents from meet walks the path forwards towards t.
    for (let v = this.meet; this.parentB[v] >= 0; ) {
      const e = this.parentB[v];
      const x = halves.downOwner[e];
      len = this.unpackEdge(v, x, DOWN, e, len);
      v = x;
    }
    return len;
  }

  /**
   * Appends the original nodes after `a` on the CH edge a → b (ranks), edge e of the up (UP: stored at a) or down
   * (DOWN: stored at b) lists; returns the new length. A shortcut a → b through its middle m is the down edge stored at
   * m with head a (a → m) and the up edge stored at m with head b (m → b), the fastest of each (findChEdge); they are
   * found once per shortcut and kept (upHalves, downHalves), since paths share most of their shortcuts.
   */
  private unpackEdge(a: number, b: number, kind: number, e: number, len: number): number {
    const ex = (this.expansions ??= {
      at: new Int32Array(this.ch.upHead.length + this.ch.downHead.length).fill(-1),
      count: new Int32Array(this.ch.upHead.length + this.ch.downHead.length),
      nodes: new Uint32Array(EXPANSION_POOL_NODES),
      edges: new Uint32Array(EXPANSION_POOL_NODES),
      used: 0,
    });
    const slot = kind === UP ? e : this.ch.upHead.length + e;
    const at = ex.at[slot];
    if (at >= 0) {
      const n = ex.count[slot];
      this.ensurePath(len + n);
      const nodes = this.pathBuf;
      const edges = this.edgeBuf;
      for (let i = 0; i < n; i++) {
        nodes[len + i] = ex.nodes[at + i];
        edges[len - 1 + i] = ex.edges[at + i];
      }
      return len + n;
    }
    const from = len;
    len = this.expandEdge(a, b, kind, e, len);
    const n = len - from;
    if ((kind === UP ? this.ch.upMid[e] : this.ch.downMid[e]) >= 0 && ex.used + n <= EXPANSION_POOL_NODES) {
      for (let i = 0; i < n; i++) {
        ex.nodes[ex.used + i] = this.pathBuf[from + i];
        ex.edges[ex.used + i] = this.edgeBuf[from - 1 + i];
      }
      ex.at[slot] = ex.used;
      ex.count[slot] = n;
      ex.used += n;
    }
    return len;
  }

  /** unpackEdge without the expansions kept. */
  private expandEdge(a: number, b: number, kind: number, e: number, len: number): number {
    const ch = this.ch;
    const halves = this.halvesOf();
    let stack = this.unpackStack;
    let sp = 0;
    stack[sp++] = a;
    stack[sp++] = b;
    stack[sp++] = kind;
    stack[sp++] = e;
    while (sp > 0) {
      const edge = stack[--sp];
      const k = stack[--sp];
      const y = stack[--sp];
      const x = stack[--sp];
      const m = k === UP ? ch.upMid[edge] : ch.downMid[edge];
      if (m < 0) {
        // An original edge: the graph's edge for it is the one findEdge picks (the fastest, the first of equals), found
        // once per CH edge; the path's lengths and times then read no adjacency lists.
        const leaf = k === UP ? halves.upLeaf : halves.downLeaf;
        let ge = leaf[edge];
        if (ge < 0) {
          ge = findEdge(this.graph, ch.order[x], ch.order[y]);
          if (ge < 0) throw new Error(`contraction hierarchy: no road edge ${ch.order[x]}->${ch.order[y]} for CH edge ${edge}`);
          leaf[edge] = ge;
        }
        this.ensurePath(len + 1);
        this.edgeBuf[len - 1] = ge;
        this.pathBuf[len++] = ch.order[y];
        continue;
      }
      if (sp + 8 > stack.length) {
        const bigger = new Int32Array(stack.length * 2);
        bigger.set(stack);
        this.unpackStack = stack = bigger;
      }
      const memo = k === UP ? halves.up : halves.down;
      let first = memo[2 * edge];
      let second = memo[2 * edge + 1];
      if (first < 0) {
        first = findChEdge(ch.downFirst, ch.downHead, ch.downTimeMs, m, x);
        second = findChEdge(ch.upFirst, ch.upHead, ch.upTimeMs, m, y);
        memo[2 * edge] = first;
        memo[2 * edge + 1] = second;
      }
      // Push the second half first so that x → m is unpacked (popped) first.
      stack[sp++] = m;
      stack[sp++] = y;
      stack[sp++] = UP;
      stack[sp++] = second;
      stack[sp++] = x;
      stack[sp++] = m;
      stack[sp++] = DOWN;
      stack[sp++] = first;
    }
    return len;
  }

  /**
   * Per shortcut, its two halves' edge indexes (down edge, up edge; -1 not found yet); per edge, the rank whose list
   * holds it (a path's chain of edges needs it per edge: a binary search over upFirst or downFirst each was ~15 % of
   * unpacking). Made on first use.
   */
  private halvesOf(): Halves {
    return (this.halves ??= {
      up: new Int32Array(2 * this.ch.upHead.length).fill(-1),
      down: new Int32Array(2 * this.ch.downHead.length).fill(-1),
      upTail: ownersOf(this.ch.upFirst),
      downOwner: ownersOf(this.ch.downFirst),
      upLeaf: new Int32Array(this.ch.upHead.length).fill(-1),
      downLeaf: new Int32Array(this.ch.downHead.length).fill(-1),
    });
  }

  private ensurePath(len: number): void {
    if (len > this.pathBuf.length) {
      const size = Math.max(len, this.pathBuf.length * 2);
      const bigger = new Uint32Array(size);
      bigger.set(this.pathBuf);
      this.pathBuf = bigger;
      const biggerEdges = new Uint32Array(size);
      biggerEdges.set(this.edgeBuf);
      this.edgeBuf = biggerEdges;
    }
  }

  /**
   * Bucket many-to-many: one backward upward search per target leaves (target, distance) in a bucket at every node
   * it settles; one forward upward search per source then reads the buckets of the nodes it settles. Writes seconds
   * (× factor; ms when factor is null) row-major into `res`. Sources and targets are graph nodes, or ranks when
   * `spaceOf` (the search space of a rank) is given.
   */
  private table(
    sources: ArrayLike<number>,
    targets: ArrayLike<number>,
    res: Float64Array,
    factor: number | null,
    spaceOf?: (rank: number, forward: boolean) => SearchSpace,
  ): void {
    const ch = this.ch;
    const nt = targets.length;
    const ns = sources.length;
    res.fill(Infinity, 0, ns * nt);
    if (ns === 0 || nt === 0) return;
    const space = spaceOf ?? ((node: number, forward: boolean) => this.searchSpace(ch.rank[node], forward));
    const bucketSlot = this.bucketSlot;
    // Pass 1: backward searches; entries are (slot, target, dist) in arrival order, then grouped by slot.
    let entries = 0;
    let slotCount = 0;
    let slotOfEntry = new Int32Array(Math.max(1024, nt * 64));
    let targetOfEntry = new Int32Array(slotOfEntry.length);
    let distOfEntry = new Float64Array(slotOfEntry.length);
    const slotRank: number[] = [];
    for (let j = 0; j < nt; j++) {
      const target = space(targets[j], false);
      const count = target.ranks.length;
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
        const r = target.ranks[k];
        let slot = bucketSlot[r];
        if (slot < 0) {
          slot = bucketSlot[r] = slotCount++;
          slotRank.push(r);
        }
        slotOfEntry[entries] = slot;
        targetOfEntry[entries] = j;
        distOfEntry[entries] = target.distMs[k];
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
      const source = space(sources[i], true);
      const spaceRanks = source.ranks;
      const spaceDist = source.distMs;
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
    if (factor !== null) for (let k = 0; k < ns * nt; k++) res[k] = (res[k] / 1000) * factor;
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
   * Upward search from rank `start` (forward over up edges, or backward over down edges) with stall-on-demand, to the
   * end. Writes the settled, unstalled ranks and their distances to settledRank/settledDist; returns how many.
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

/** The ranks from `firstRank` up, in Z-order of their nodes' coordinates (16 bits of latitude and longitude each). */
function zOrder(graph: RoadGraph, ch: ContractionHierarchy, firstRank: number): Uint32Array {
  const size = ch.nodeCount - firstRank;
  const zKey = zKeys(graph, ch, firstRank);
  const key = new Float64Array(size);
  for (let i = 0; i < size; i++) key[i] = zKey(firstRank + i) * size + i;
  const idx = Array.from({ length: size }, (_, i) => i).sort((a, b) => key[a] - key[b]);
  return Uint32Array.from(idx, (i) => firstRank + i);
}

/**
 * The Z-order (Morton) key of a rank's node: 16 bits of latitude and longitude each, interleaved, over the bounding box
 * of the ranks from `firstRank` up.
 */
function zKeys(graph: RoadGraph, ch: ContractionHierarchy, firstRank = 0): (rank: number) => number {
  let lat0 = Infinity;
  let lat1 = -Infinity;
  let lon0 = Infinity;
  let lon1 = -Infinity;
  for (let r = firstRank; r < ch.nodeCount; r++) {
    const v = ch.order[r];
    lat0 = Math.min(lat0, graph.lat[v]);
    lat1 = Math.max(lat1, graph.lat[v]);
    lon0 = Math.min(lon0, graph.lon[v]);
    lon1 = Math.max(lon1, graph.lon[v]);
  }
  const spread = (x: number): number => {
    let v = x & 0xffff;
    v = (v | (v << 8)) & 0x00ff00ff;
    v = (v | (v << 4)) & 0x0f0f0f0f;
    v = (v | (v << 2)) & 0x33333333;
    v = (v | (v << 1)) & 0x55555555;
    return v >>> 0;
  };
  const quantise = (x: number, lo: number, hi: number): number => (hi > lo ? Math.floor(((x - lo) / (hi - lo)) * 0xffff) : 0);
  return (rank) => {
    const v = ch.order[rank];
    return spread(quantise(graph.lat[v], lat0, lat1)) * 2 + spread(quantise(graph.lon[v], lon0, lon1));
  };
}

/** Per edge of a CSR list (`first`, one entry per rank plus one), the rank that holds it. */
function ownersOf(first: Uint32Array): Uint32Array {
  const owners = new Uint32Array(first[first.length - 1]);
  for (let r = 0; r + 1 < first.length; r++) owners.fill(r, first[r], first[r + 1]);
  return owners;
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
