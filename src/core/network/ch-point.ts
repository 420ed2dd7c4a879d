// Point-to-point travel times on a contraction hierarchy through its core table: the layout and the search that
// ChTravelTimes.timeMs runs, built for memory locality and no allocation per query (decision 0023).
//
// Two upward searches (forward from the source, backward from the target) stop at the core (the hierarchy's top ranks);
// a meeting below the core is the least sum over the nodes both reach, a meeting in the core goes through the core
// table of exact pairwise distances (decision 0016). This module owns its own node numbering ("point ids"): core ranks
// on top in table-slot order (point id = nodeCount − coreSize + slot, so an entry's slot is a subtraction), the ranks
// below in Z-order of their coordinates, so that the nodes one search touches, which lie near each other on the map,
// lie near each other in memory too. Each node's up and down edges sit in one block of one Int32Array, and the search
// state (visit stamp, distance) of a node in one pair of one Float64Array: a node costs about one cache miss where the
// rank-space arrays cost six.
import type { ContractionHierarchy } from './ch-hierarchy.js';

/** The core: its first rank, size, the table slot of each core rank (rank − firstRank), and the distances (ms). */
export interface CoreTable {
  firstRank: number;
  size: number;
  slotOf: Uint32Array;
  distMs: Uint32Array;
}

/** A table cell with no path. */
export const NO_PATH_MS = 0xffffffff;

/** Most words of kept search results per direction (see CutSearch.run): 16 MB. */
const POOL_MAX_WORDS = 1 << 22;

/** Words before a block's edges: forward stamp and distance, backward stamp and distance, up count, down count, core slot (-1 below the core), padding. */
const HEAD_WORDS = 8;
/** Word offsets inside a block. */
const STAMP_F = 0;
const STAMP_B = 2;
const UP_COUNT = 4;
const DOWN_COUNT = 5;
const SLOT = 6;

/**
 * The hierarchy re-laid for point queries: one Int32Array of node blocks, a node's id being its block's offset.
 *
 * Block of a node at offset v: [forward stamp, forward distance ms, backward stamp, backward distance ms, number of up
 * edges (for a core node: its table slot), number of down edges, then (head, ms) pairs of the up edges, then of the
 * down edges (stored reversed, as in the hierarchy: (head, ms) stands for head → v)]. Heads are block offsets, so a
 * search follows an edge with no index lookup, and the state it reads and writes for a node shares the cache line of
 * the node's edges. Core nodes' blocks have no edges (a point search never relaxes or stalls them) and come last
 * (offset ≥ coreFrom). A stamp is valid only while it equals the current search's; distances are int32 ms (the build
 * checks that no upward path can exceed 2^31 − 1 ms).
 *
 * The stamps make the block mutable: every engine needs its own copy (`mem.slice()`, ~80 bytes a node).
 */
export interface PointLayout {
  readonly nodeCount: number;
  /** Offset of the first core block. */
  readonly coreFrom: number;
  /** Block offset of each graph node (not rank: a query then reads no rank array). */
  readonly offsetOfNode: Int32Array;
  readonly mem: Int32Array;
  readonly core: CoreTable;
}

/** Longest upward path a layout supports (int32 distances). */
const MAX_UPWARD_MS = 0x7fffffff;

/**
 * Lays a hierarchy out for point queries, or returns null when its distances might not fit int32 ms (then callers
 * use the plain bidirectional query). `zKey(rank)` is the space-filling-curve key of a rank's node: any order is
 * exact; a spatial one gives locality.
 */
export function buildPointLayout(ch: ContractionHierarchy, core: CoreTable, zKey: (rank: number) => number): PointLayout | null {
  const n = ch.nodeCount;
  const below = core.firstRank;
  // The longest upward path from each rank (the upward graph is acyclic: heads rank higher), top down.
  const longestUp = new Float64Array(n);
  const longestDown = new Float64Array(n);
  let boundUp = 0;
  let boundDown = 0;
  for (let r = n - 1; r >= 0; r--) {
    let mu = 0;
    let md = 0;
    for (let e = ch.upFirst[r]; e < ch.upFirst[r + 1]; e++) mu = Math.max(mu, ch.upTimeMs[e] + longestUp[ch.upHead[e]]);
    for (let e = ch.downFirst[r]; e < ch.downFirst[r + 1]; e++) md = Math.max(md, ch.downTimeMs[e] + longestDown[ch.downHead[e]]);
    longestUp[r] = mu;
    longestDown[r] = md;
    boundUp = Math.max(boundUp, mu);
    boundDown = Math.max(boundDown, md);
  }
  if (boundUp > MAX_UPWARD_MS || boundDown > MAX_UPWARD_MS) return null;
  const keys = new Float64Array(below);
  for (let r = 0; r < below; r++) keys[r] = zKey(r);
  const byKey = Array.from({ length: below }, (_, r) => r).sort((a, b) => keys[a] - keys[b] || a - b);
  // Core ranks after the others, in table-slot order.
  const rankAt = new Int32Array(n);
  for (let i = 0; i < below; i++) rankAt[i] = byKey[i];
  for (let r = below; r < n; r++) rankAt[below + core.slotOf[r - below]] = r;
  const offsetOf = new Int32Array(n);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const r = rankAt[i];
    offsetOf[r] = size;
    size += HEAD_WORDS;
    if (i < below) size += 2 * (ch.upFirst[r + 1] - ch.upFirst[r] + ch.downFirst[r + 1] - ch.downFirst[r]);
  }
  const coreFrom = below < n ? offsetOf[rankAt[below]] : size;
  const mem = new Int32Array(size);
  for (let i = 0; i < n; i++) {
    const r = rankAt[i];
    const v = offsetOf[r];
    if (i >= below) {
      mem[v + SLOT] = core.slotOf[r - below];
      continue;
    }
    mem[v + SLOT] = -1;
    mem[v + UP_COUNT] = ch.upFirst[r + 1] - ch.upFirst[r];
    mem[v + DOWN_COUNT] = ch.downFirst[r + 1] - ch.downFirst[r];
    let at = v + HEAD_WORDS;
    for (let e = ch.upFirst[r]; e < ch.upFirst[r + 1]; e++) {
      mem[at++] = offsetOf[ch.upHead[e]];
      mem[at++] = ch.upTimeMs[e];
    }
    for (let e = ch.downFirst[r]; e < ch.downFirst[r + 1]; e++) {
      mem[at++] = offsetOf[ch.downHead[e]];
      mem[at++] = ch.downTimeMs[e];
    }
  }
  const offsetOfNode = new Int32Array(n);
  for (let r = 0; r < n; r++) offsetOfNode[ch.order[r]] = offsetOf[r];
  return { nodeCount: n, coreFrom, offsetOfNode, mem, core };
}

/**
 * The search of one direction over an engine's copy of the layout: its result lists. Not re-entrant.
 */
class CutSearch {
  stamp = 0;
  /** Settled (unstalled) blocks below the core and their distances. */
  settledAt: Int32Array;
  settledMs: Int32Array;
  settled = 0;
  /** Core entries (table slot, distance) in ascending distance. */
  entrySlot: Int32Array;
  entryMs: Int32Array;
  entries = 0;
  private heapKey = new Int32Array(256);
  private heapItem = new Int32Array(256);
  /** Word of the stamp this direction uses (the distance follows it). */
  private readonly sw: number;
  private readonly coreFrom: number;
  /** Blocks below the core this search gave a distance to (the start first), in the order reached. */
  private reachedAt = new Int32Array(64);
  private reached = 0;
  /**
   * Results kept by start node (see run): the position of each node's record in `pool` (-1 none). A record is
   * [n, entries, then n (block, ms) pairs, then the entries' (slot, ms) pairs]: forwards the blocks given a distance
   * and their distances, backwards the settled blocks.
   */
  private readonly recordOf: Int32Array;
  private pool: Int32Array;
  private poolUsed = 0;

  constructor(
    private readonly mem: Int32Array,
    layout: PointLayout,
    private readonly forward: boolean,
    private readonly poolMaxWords: number,
  ) {
    const coreSize = layout.core.size;
    this.coreFrom = layout.coreFrom;
    this.sw = forward ? STAMP_F : STAMP_B;
    this.settledAt = new Int32Array(64);
    this.settledMs = new Int32Array(64);
    this.entrySlot = new Int32Array(Math.max(1, coreSize));
    this.entryMs = new Int32Array(Math.max(1, coreSize));
    this.recordOf = new Int32Array(layout.nodeCount).fill(-1);
    this.pool = new Int32Array(Math.min(4096, poolMaxWords));
  }

  /**
   * Upward search from block `start` (graph node `node`) cut at the core (see the module comment), with stall-on-demand
   * below it; or, for a node searched from before, its kept result put back as the search would leave it for
   * PointQueries.timeMs: forwards the stamps and distances of every block the search gave one (with a new stamp),
   * backwards the settled list, and the entries. A search is a function of its start (the stamps only say which
   * search a distance belongs to), so the answer is the same. Dispatch asks from the same car nodes and pickups
   * batch after batch: on the stress day three in four searches had run from the same node before.
   */
  run(start: number, node: number): void {
    const record = this.recordOf[node];
    if (record >= 0) {
      this.restore(record);
      return;
    }
    this.search(start);
    if (start < this.coreFrom) this.keep(node);
  }

  private restore(at: number): void {
    const pool = this.pool;
    const n = pool[at];
    const entries = pool[at + 1];
    let k = at + 2;
    if (this.forward) {
      const mem = this.mem;
      if (this.stamp === 0x7fffffff) this.resetStamps();
      const stamp = ++this.stamp;
      for (let i = 0; i < n; i++, k += 2) {
        const v = pool[k];
        mem[v + STAMP_F] = stamp;
        mem[v + STAMP_F + 1] = pool[k + 1];
      }
    } else {
      if (n > this.settledAt.length) {
        this.settledAt = new Int32Array(n);
        this.settledMs = new Int32Array(n);
      }
      const settledAt = this.settledAt;
      const settledMs = this.settledMs;
      for (let i = 0; i < n; i++, k += 2) {
        settledAt[i] = pool[k];
        settledMs[i] = pool[k + 1];
      }
      this.settled = n;
    }
    const entrySlot = this.entrySlot;
    const entryMs = this.entryMs;
    for (let i = 0; i < entries; i++, k += 2) {
      entrySlot[i] = pool[k];
      entryMs[i] = pool[k + 1];
    }
    this.entries = entries;
  }

  /** Keeps the result of the search just run from `node` (all kept are forgotten once the pool is full). */
  private keep(node: number): void {
    const n = this.forward ? this.reached : this.settled;
    const size = 2 + 2 * n + 2 * this.entries;
    // A result larger than the whole pool is not kept (and does not cost the kept ones their place).
    if (size > this.poolMaxWords) return;
    if (this.poolUsed + size > this.pool.length) {
      if (this.poolUsed + size > this.poolMaxWords) {
        this.recordOf.fill(-1);
        this.poolUsed = 0;
      }
      if (this.poolUsed + size > this.pool.length) {
        const grown = new Int32Array(Math.min(this.poolMaxWords, Math.max(this.poolUsed + size, 2 * this.pool.length)));
        grown.set(this.pool.subarray(0, this.poolUsed));
        this.pool = grown;
      }
    }
    const pool = this.pool;
    const at = this.poolUsed;
    pool[at] = n;
    pool[at + 1] = this.entries;
    let k = at + 2;
    if (this.forward) {
      const mem = this.mem;
      const reachedAt = this.reachedAt;
      for (let i = 0; i < n; i++, k += 2) {
        const v = reachedAt[i];
        pool[k] = v;
        pool[k + 1] = mem[v + STAMP_F + 1];
      }
    } else {
      for (let i = 0; i < n; i++, k += 2) {
        pool[k] = this.settledAt[i];
        pool[k + 1] = this.settledMs[i];
      }
    }
    for (let i = 0; i < this.entries; i++, k += 2) {
      pool[k] = this.entrySlot[i];
      pool[k + 1] = this.entryMs[i];
    }
    this.poolUsed = k;
    this.recordOf[node] = at;
  }

  private search(start: number): void {
    const mem = this.mem;
    const coreFrom = this.coreFrom;
    const forward = this.forward;
    const sw = this.sw;
    const dw = sw + 1;
    if (this.stamp === 0x7fffffff) this.resetStamps();
    const stamp = ++this.stamp;
    const entryAt = this.entrySlot;
    let heapKey = this.heapKey;
    let heapItem = this.heapItem;
    let settledAt = this.settledAt;
    let settledMs = this.settledMs;
    let settled = 0;
    let entries = 0;
    let reachedAt = this.reachedAt;
    let reached = 0;
    mem[start + sw] = stamp;
    mem[start + dw] = 0;
    reachedAt[reached++] = start;
    if (start >= coreFrom) {
      // A core node: its only entry is itself.
      this.settled = 0;
      this.entrySlot[0] = mem[start + SLOT];
      this.entryMs[0] = 0;
      this.entries = 1;
      return;
    }
    heapKey[0] = 0;
    heapItem[0] = start;
    let size = 1;
    while (size > 0) {
      // Pop the least (lazy heap: an item whose key is above its node's distance is stale).
      const k = heapKey[0];
      const u = heapItem[0];
      size--;
      if (size > 0) {
        const lk = heapKey[size];
        const li = heapItem[size];
        let i = 0;
        for (;;) {
          let c = 2 * i + 1;
          if (c >= size) break;
          if (c + 1 < size && heapKey[c + 1] < heapKey[c]) c++;
          if (heapKey[c] >= lk) break;
          heapKey[i] = heapKey[c];
          heapItem[i] = heapItem[c];
          i = c;
        }
        heapKey[i] = lk;
        heapItem[i] = li;
      }
      if (k > mem[u + dw]) continue;
      const upFrom = u + HEAD_WORDS;
      const downFrom = upFrom + 2 * mem[u + UP_COUNT];
      const end = downFrom + 2 * mem[u + DOWN_COUNT];
      // Forward: relax up edges, stall over down edges; backward the other way round.
      const relaxFrom = forward ? upFrom : downFrom;
      const relaxTo = forward ? downFrom : end;
      const stallFrom = forward ? downFrom : upFrom;
      const stallTo = forward ? end : downFrom;
      let stalled = false;
      for (let e = stallFrom; e < stallTo; e += 2) {
        const w = mem[e];
        if (mem[w + sw] === stamp && mem[w + dw] + mem[e + 1] < k) {
          stalled = true;
          break;
        }
      }
      if (stalled) continue;
      if (settled === settledAt.length) {
        this.growSettled();
        settledAt = this.settledAt;
        settledMs = this.settledMs;
      }
      settledAt[settled] = u;
      settledMs[settled++] = k;
      for (let e = relaxFrom; e < relaxTo; e += 2) {
        const v = mem[e];
        const nd = k + mem[e + 1];
        if (mem[v + sw] !== stamp) {
          mem[v + sw] = stamp;
          mem[v + dw] = nd;
          // Core nodes never enter the heap: they are only reached, never relaxed, so their distance is final once
          // the search below the core ends.
          if (v >= coreFrom) {
            entryAt[entries++] = v;
            continue;
          }
          if (reached === reachedAt.length) {
            const grown = new Int32Array(2 * reached);
            grown.set(reachedAt);
            this.reachedAt = reachedAt = grown;
          }
          reachedAt[reached++] = v;
        } else if (nd < mem[v + dw]) {
          mem[v + dw] = nd;
          if (v >= coreFrom) continue;
        } else continue;
        if (size === heapKey.length) {
          this.growHeap();
          heapKey = this.heapKey;
          heapItem = this.heapItem;
        }
        let i = size++;
        while (i > 0) {
          const p = (i - 1) >> 1;
          if (heapKey[p] <= nd) break;
          heapKey[i] = heapKey[p];
          heapItem[i] = heapItem[p];
          i = p;
        }
        heapKey[i] = nd;
        heapItem[i] = v;
      }
    }
    this.settled = settled;
    this.reached = reached;
    // Entries by distance (insertion sort: a few dozen), then as table slots.
    // NOTE: entries are not stall-checked: measured, checking a core node's long edge lists cost more than the
    // entries it removed saved in the join.
    const entryMs = this.entryMs;
    let kept = 0;
    for (let i = 0; i < entries; i++) {
      const at = entryAt[i];
      const d = mem[at + dw];
      let j = kept++;
      while (j > 0 && entryMs[j - 1] > d) {
        entryMs[j] = entryMs[j - 1];
        entryAt[j] = entryAt[j - 1];
        j--;
      }
      entryMs[j] = d;
      entryAt[j] = at;
    }
    for (let i = 0; i < kept; i++) entryAt[i] = mem[entryAt[i] + SLOT];
    this.entries = kept;
  }

  /** Clears this direction's stamps (once every 2^31 searches). */
  private resetStamps(): void {
    const mem = this.mem;
    for (let v = 0; v < mem.length; v += HEAD_WORDS + 2 * (mem[v + UP_COUNT] + mem[v + DOWN_COUNT])) mem[v + this.sw] = 0;
    this.stamp = 0;
  }

  private growSettled(): void {
    const at = new Int32Array(this.settledAt.length * 2);
    at.set(this.settledAt);
    this.settledAt = at;
    const ms = new Int32Array(this.settledMs.length * 2);
    ms.set(this.settledMs);
    this.settledMs = ms;
  }

  private growHeap(): void {
    const keys = new Int32Array(this.heapKey.length * 2);
    keys.set(this.heapKey);
    this.heapKey = keys;
    const items = new Int32Array(this.heapItem.length * 2);
    items.set(this.heapItem);
    this.heapItem = items;
  }
}

/**
 * Exact point-to-point free-flow times (ms) over its own copy of a PointLayout. Not re-entrant: one per engine.
 *
 * @example
 * const q = new PointQueries(buildPointLayout(ch, core, zKey)!);
 * q.timeMs(a, b); // graph nodes
 */
export class PointQueries {
  private readonly mem: Int32Array;
  private readonly fwd: CutSearch;
  private readonly bwd: CutSearch;
  /** Start blocks of the searches whose results fwd and bwd hold (-1: none). */
  private lastFrom = -1;
  private lastTo = -1;

  /** @param poolMaxWords most words of search results kept per direction (see CutSearch.run; tests make it small). */
  constructor(
    private readonly layout: PointLayout,
    poolMaxWords = POOL_MAX_WORDS,
  ) {
    this.mem = layout.mem.slice();
    this.fwd = new CutSearch(this.mem, layout, true, poolMaxWords);
    this.bwd = new CutSearch(this.mem, layout, false, poolMaxWords);
  }

  /**
   * Free-flow time in ms from graph node `fromNode` to `toNode`, Infinity if none. A search whose start is the same as last
   * time is not run again (a dispatcher asks from one car to many pickups, or from many cars to one).
   */
  timeMs(fromNode: number, toNode: number): number {
    if (fromNode === toNode) return 0;
    const { offsetOfNode, core } = this.layout;
    const from = offsetOfNode[fromNode];
    const to = offsetOfNode[toNode];
    const f = this.fwd;
    const b = this.bwd;
    if (from !== this.lastFrom) {
      f.run(from, fromNode);
      this.lastFrom = from;
    }
    if (to !== this.lastTo) {
      b.run(to, toNode);
      this.lastTo = to;
    }
    // Below the core: the least sum over nodes both searches reached. Any node the forward search gave a distance
    // to (settled, stalled or only reached) has a real path of that length, so the sum never undercuts the truth,
    // and the top node of an up-down shortest path is settled by both.
    const mem = this.mem;
    const fStamp = f.stamp;
    let best = Infinity;
    const at = b.settledAt;
    const ms = b.settledMs;
    for (let i = 0; i < b.settled; i++) {
      const v = at[i];
      if (mem[v + STAMP_F] === fStamp) {
        const d = mem[v + STAMP_F + 1] + ms[i];
        if (d < best) best = d;
      }
    }
    return throughCore(f.entrySlot, f.entryMs, f.entries, b.entrySlot, b.entryMs, b.entries, core, best);
  }
}

/**
 * min(best, least dF(a) + core(a, b) + dB(b) over forward entries a and backward entries b). Entries come in ascending
 * distance, so a row stops once dF(a) + dB(b) alone reaches the best, and the scan once dF(a) + the least dB does.
 */
export function throughCore(
  fs: ArrayLike<number>,
  fd: ArrayLike<number>,
  nf: number,
  bs: ArrayLike<number>,
  bd: ArrayLike<number>,
  nb: number,
  core: CoreTable,
  best: number,
): number {
  if (nb === 0) return best;
  const table = core.distMs;
  const size = core.size;
  const minB = bd[0];
  for (let i = 0; i < nf; i++) {
    const df = fd[i];
    if (df + minB >= best) break;
    const row = fs[i] * size;
    for (let j = 0; j < nb; j++) {
      const partial = df + bd[j];
      if (partial >= best) break;
      const mid = table[row + bs[j]];
      if (mid !== NO_PATH_MS && partial + mid < best) best = partial + mid;
    }
  }
  return best;
}

