// Exact sparse min-cost assignment of requests (rows) to vehicles (columns), each row free to stay unassigned at a penalty;
// with column capacities it is the transportation problem (unit supplies, capacitated sinks), e.g. cars to zones.
import { popTop, siftUp } from './label-heap.js';

/** Costs may be floating point or integer; integer costs give exact arithmetic. */
export type CostArray = Float64Array | Float32Array | Int32Array | Uint32Array;

/**
 * A sparse assignment problem in CSR form. Row `r`'s candidate columns are `col[rowFirst[r] .. rowFirst[r + 1])` with
 * costs at the same positions. Every row also owns a private dummy column of cost `unassignedCost[r]` ("leave this
 * request unassigned"), so a solution always exists. Each real column takes at most one row; columns may stay idle.
 * Duplicate (row, col) pairs are allowed (the cheaper one wins).
 */
export interface AssignmentProblem {
  rowCount: number;
  colCount: number;
  /** length rowCount + 1, nondecreasing, rowFirst[0] = 0, rowFirst[rowCount] = col.length */
  rowFirst: Uint32Array;
  /** column index of each candidate edge, < colCount */
  col: Uint32Array;
  /** cost of each candidate edge, finite */
  cost: CostArray;
  /** per-row penalty for leaving the row unassigned, finite */
  unassignedCost: CostArray;
  /** rows each column may take, integers ≥ 0 (default 1 each): a min-cost flow with capacitated sinks, exactly */
  colCapacity?: Uint32Array | Int32Array;
  /**
   * Rows in classes that share their edges and penalty (e.g. idle cars standing on one road node): when given, `rowFirst`
   * and `unassignedCost` are indexed by class (`rowFirst` has classCount + 1 entries) and row r has the edges of class
   * `rowClass[r]`. The answer is the same, row for row, as with every row's edges written out; a search then scans a
   * class once unless it reaches it again from a lower base, so the work grows with classes rather than rows.
   */
  rowClass?: Int32Array;
}

export interface AssignmentResult {
  /** column of each row, or -1 when the row is left unassigned */
  rowToCol: Int32Array;
  /** row of each column, or -1 when the column is idle (with capacities above 1: one of its rows; see colLoad) */
  colToRow: Int32Array;
  /** rows taken by each column */
  colLoad: Int32Array;
  /** sum of the chosen edge costs plus the penalties of unassigned rows */
  totalCost: number;
  /** rows given a real column */
  assignedCount: number;
}

/** Row states inside the solver besides a column index ≥ 0. */
const ON_DUMMY = -1;
const FREE = -2;

/**
 * Shortest-augmenting-path solver (Hungarian / Jonker–Volgenant family) working on the sparse edge list: one Dijkstra
 * over reduced costs per row that a greedy start leaves free, then potentials are updated so reduced costs stay ≥ 0.
 * Optimal for any finite costs (negative allowed). Keeps its work arrays between calls, so a dispatcher that solves
 * every tick allocates only the result; not re-entrant.
 *
 * Why it is exact: it keeps a feasible dual of the LP `min Σ c x, Σ_j x_rj + x_r,dummy = 1, Σ_r x_rj ≤ cap_j` with
 * column potentials v ≤ 0 that are 0 on every column with room left (only columns settled before the terminal of a
 * search move, and those are all full), and every matched edge has reduced cost 0: complementary slackness holds at the
 * end. A full column reached by a search passes it on to every row it holds (each at reduced cost 0), so capacities
 * cost nothing when they are 1 and keep the problem as small as its distinct columns when they are not.
 * A row that goes to its dummy is never revisited: its dummy column can only be entered from the row itself, so no
 * later augmenting path can pass through it.
 *
 * @example
 * const solver = new AssignmentSolver();
 * const { rowToCol, totalCost } = solver.solve({
 *   rowCount: 2, colCount: 2,
 *   rowFirst: Uint32Array.of(0, 2, 3), col: Uint32Array.of(0, 1, 0), cost: Float64Array.of(1, 5, 2),
 *   unassignedCost: Float64Array.of(100, 100),
 * }); // rowToCol = [1, 0], totalCost = 7
 */
export class AssignmentSolver {
  private rowCap = -1;
  private colCap = -1;
  // Per row.
  private rowState = new Int32Array(0);
  /** cost of the row's current edge (or its penalty on the dummy): gives the row potential u = matchCost - v[col] */
  private matchCost = new Float64Array(0);
  /** the rows a column holds, as a doubly linked list: colHead[c], then rowNext[r] (-1 ends) */
  private rowNext = new Int32Array(0);
  private rowPrev = new Int32Array(0);
  // Per column.
  private colHead = new Int32Array(0);
  private colLoad = new Int32Array(0);
  private capacity = new Int32Array(0);
  /** column potentials (duals), ≤ 0; 0 on columns with room left */
  private v = new Float64Array(0);
  /**
   * A column's state in the current search, one number so that relaxing an edge is one comparison: +Infinity not yet
   * labelled, -Infinity settled, else its tentative distance (the heap's key). +Infinity between searches.
   */
  private label = new Float64Array(0);
  /**
   * `label + v` of the same column (the alternating path's own cost), -Infinity settled, +Infinity unlabelled: with
   * integer costs (exact arithmetic) an edge improves a label iff `base + cost < labelPlusV`, one column load fewer.
   */
  private labelPlusV = new Float64Array(0);
  /** the current problem's costs and penalties are integers small enough that every sum in a search is exact */
  private exact = false;
  /**
   * With exact sums, every edge cost an integer 0–32767 and fewer than 65,536 columns: edge k as one word,
   * `cost * 65536 + col` (`packed` holds the current problem's edges), so a relaxation reads one 4-byte word where it
   * reads 12 bytes from two arrays (measured when the rebalancer used this solver, before decision 0037: ~30 M edges a round, ~5 % faster).
   */
  private packedValid = false;
  private packed = new Int32Array(0);
  private predRow = new Int32Array(0);
  private predCost = new Float64Array(0);
  private stamp = 0;
  /** columns settled in the current search, in order, and the distance each was settled at */
  private settled = new Uint32Array(0);
  private settledDist = new Float64Array(0);
  /** columns labelled in the current search (their label goes back to +Infinity at its end) */
  private labelled = new Int32Array(0);
  private labelledCount = 0;
  // Indexed binary min-heap of labelled columns keyed by label.
  private heap = new Int32Array(0);
  private heapPos = new Int32Array(0);
  private heapSize = 0;
  // Per class (rows without classes are each their own class).
  private classCap = -1;
  private classBest = new Float64Array(0);
  private classBestCol = new Int32Array(0);
  /** `classMark[k] === stamp`: a row of class k was scanned in the current search, from base `classBase[k]` */
  private classMark = new Uint32Array(0);
  private classBase = new Float64Array(0);
  /**
   * A set of columns closed at penalty `closedU` (integer costs only): `closedMark[c] === closedStamp`, while
   * `closedValid`. Every column in it is full, and every edge of reduced cost 0 from a row a member holds leads to a
   * member. It is what the walks of closedFor found for roots that change nothing; a search that moves something
   * re-closes it from the members it changed (repairClosed), or voids it when that reaches a column with room.
   */
  private closedMark = new Uint32Array(0);
  private closedStamp = 0;
  private closedValid = false;
  /** columns the last flip gave or took a row, and per column a stamp (repairClosed's) */
  private pathCols = new Int32Array(0);
  private pathLength = 0;
  private seenMark = new Uint32Array(0);
  private closedU = 0;

  /** Solves one problem to optimality. Throws on malformed input, naming the field. */
  solve(p: AssignmentProblem): AssignmentResult {
    validateAssignment(p);
    const n = p.rowCount;
    const m = p.colCount;
    const rowClass = p.rowClass;
    const classCount = p.rowFirst.length - 1;
    this.ensure(n, m, classCount);
    const { rowFirst, col, cost, unassignedCost } = p;
    const rowState = this.rowState;
    const matchCost = this.matchCost;
    const colHead = this.colHead;
    const colLoad = this.colLoad;
    const capacity = this.capacity;
    const v = this.v;
    colHead.fill(-1, 0, m);
    colLoad.fill(0, 0, m);
    if (p.colCapacity) capacity.set(p.colCapacity.subarray(0, m));
    else capacity.fill(1, 0, m);
    v.fill(0, 0, m);
    this.label.fill(Infinity, 0, m);
    this.labelPlusV.fill(Infinity, 0, m);

    // Greedy start with v = 0: a row takes its cheapest option when that option still has room. This keeps the dual
    // feasible (u_r = that minimum) and typically settles most rows without any search. The cheapest option is a
    // property of the row's class, found once per class.
    const classBest = this.classBest;
    const classBestCol = this.classBestCol;
    let exact = true;
    const edgeCount = rowFirst[classCount];
    let packable = m <= 0x10000;
    if (packable && this.packed.length < edgeCount) this.packed = new Int32Array(Math.max(edgeCount, 2 * this.packed.length));
    const packed = this.packed;
    for (let k = 0; k < classCount; k++) {
      let best = unassignedCost[k];
      let bestCol = -1;
      exact &&= isExact(best);
      for (let e = rowFirst[k]; e < rowFirst[k + 1]; e++) {
        const c = cost[e];
        exact &&= isExact(c);
        if (packable) {
          if (c >= 0 && c <= 0x7fff && Number.isInteger(c)) packed[e] = c * 0x10000 + col[e];
          else packable = false;
        }
        // a tie with the penalty prefers serving the request
        if (c < best || (c === best && bestCol < 0)) {
          best = c;
          bestCol = col[e];
        }
      }
      classBest[k] = best;
      classBestCol[k] = bestCol;
    }
    this.exact = exact;
    this.packedValid = exact && packable;
    this.closedValid = false;
    for (let r = 0; r < n; r++) {
      const k = rowClass ? rowClass[r] : r;
      const bestCol = classBestCol[k];
      if (bestCol < 0) {
        rowState[r] = ON_DUMMY;
        matchCost[r] = unassignedCost[k];
      } else if (colLoad[bestCol] < capacity[bestCol]) {
        this.attach(r, bestCol);
        matchCost[r] = classBest[k];
      } else {
        rowState[r] = FREE;
      }
    }
    for (let r = 0; r < n; r++) if (rowState[r] === FREE) this.augment(r, p);

    const rowToCol = new Int32Array(n);
    let totalCost = 0;
    let assignedCount = 0;
    for (let r = 0; r < n; r++) {
      const c = rowState[r];
      rowToCol[r] = c >= 0 ? c : -1;
      if (c >= 0) assignedCount++;
      totalCost += matchCost[r];
    }
    return { rowToCol, colToRow: colHead.slice(0, m), colLoad: colLoad.slice(0, m), totalCost, assignedCount };
  }

  /** Row r takes column c (r holds no column). */
  private attach(r: number, c: number): void {
    const head = this.colHead[c];
    this.rowState[r] = c;
    this.rowPrev[r] = -1;
    this.rowNext[r] = head;
    if (head >= 0) this.rowPrev[head] = r;
    this.colHead[c] = r;
    this.colLoad[c]++;
  }

  /** Row r lets go of its column. */
  private detach(r: number): void {
    const c = this.rowState[r];
    const prev = this.rowPrev[r];
    const next = this.rowNext[r];
    if (prev >= 0) this.rowNext[prev] = next;
    else this.colHead[c] = next;
    if (next >= 0) this.rowPrev[next] = prev;
    this.colLoad[c]--;
  }

  /**
   * Relaxes every edge of `row` (of its class), reached at distance `base` minus its potential. An edge changes the
   * search only when it labels a column or lowers its label; a settled column's label is -Infinity and an unlabelled
   * one's +Infinity, so one comparison tells (finite labels), and every other edge costs four loads (three with integer
   * costs, compared as `label + v`: e.g. drive seconds, of which 96 % of relaxations changed nothing in the rebalancer's rounds).
   */
  private scan(row: number, base: number, p: AssignmentProblem): void {
    const { rowFirst, col, cost } = p;
    const k0 = p.rowClass ? p.rowClass[row] : row;
    const label = this.label;
    const end = rowFirst[k0 + 1];
    if (this.exact) {
      // base + ck - v[c] < label[c] ⟺ base + ck < label[c] + v[c] when every sum is exact (integers): the same edges
      // improve, in the same order, with the same labels, so the heap sees the same operations.
      const labelPlusV = this.labelPlusV;
      for (let k = rowFirst[k0]; k < end; k++) {
        const c = col[k];
        const ck = cost[k];
        const nd = base + ck;
        if (!(nd < labelPlusV[c])) continue;
        this.improve(c, nd - this.v[c], nd, row, ck);
      }
      return;
    }
    const v = this.v;
    for (let k = rowFirst[k0]; k < end; k++) {
      const c = col[k];
      const ck = cost[k];
      const nd = base + ck - v[c];
      if (!(nd < label[c])) continue;
      this.improve(c, nd, base + ck, row, ck);
    }
  }

  /**
   * scan when the edges are packed (packedValid): the exact comparison of scan on the same numbers, read from one word
   * per edge; its own small method, so that the search can take it in.
   */
  private scanPacked(row: number, base: number, k0: number, rowFirst: Uint32Array): void {
    const labelPlusV = this.labelPlusV;
    const packed = this.packed;
    for (let k = rowFirst[k0], end = rowFirst[k0 + 1]; k < end; k++) {
      const x = packed[k];
      const c = x & 0xffff;
      const nd = base + (x >>> 16);
      if (!(nd < labelPlusV[c])) continue;
      this.improve(c, nd - this.v[c], nd, row, x >>> 16);
    }
  }

  /** Column c gets label `nd` (lower than its own, or its first; `plusV` = nd + v[c]) through `row`'s edge of cost ck. */
  private improve(c: number, nd: number, plusV: number, row: number, ck: number): void {
    const old = this.label[c];
    this.label[c] = nd;
    this.labelPlusV[c] = plusV;
    this.predRow[c] = row;
    this.predCost[c] = ck;
    if (old === Infinity) {
      this.labelled[this.labelledCount++] = c;
      this.heapPush(c);
    } else this.heapDecrease(c);
  }

  /**
   * Whether a search from free row `root` (penalty U) would change nothing but send it to its dummy (integer costs),
   * decided without the search: the case where every edge of the root has reduced cost `cost - v ≥ U` and no column
   * with room is reachable at exactly U. Then no label is below U (reduced costs ≥ 0 past the root), the search settles
   * exactly the columns at U (reached from the root's edges at U through edges of reduced cost 0 from the rows they
   * hold), all full, so no terminal; every other dummy costs `U + (penalty - u) ≥ U` (dual feasibility), no strict
   * improvement; the potentials move by `U - U = 0`. Conversely a search that changes nothing settles only columns at U,
   * so its root has no edge below U and reaches no column with room at U: the answer is exact both ways.
   * The columns at U are found by a breadth-first walk over edges of reduced cost 0 that stops at members of the closed
   * set (closed under such edges and full, so nothing past them has room); what it walks joins the set. A row's edges
   * of reduced cost 0 are those at `cost - v = u` with u its potential, the least over its class's edges (a class's
   * matched rows share u, so each class is walked once, as in augment).
   */
  private closedFor(root: number, u: number, p: AssignmentProblem): boolean {
    const { rowFirst, col, cost, rowClass } = p;
    const k0 = rowClass ? rowClass[root] : root;
    const v = this.v;
    const colLoad = this.colLoad;
    const capacity = this.capacity;
    const closedMark = this.closedMark;
    const trusted = this.closedValid && u === this.closedU;
    const closedStamp = trusted ? this.closedStamp : this.closedStamp + 1;
    const queue = this.labelled;
    let queued = 0;
    for (let e = rowFirst[k0], end = rowFirst[k0 + 1]; e < end; e++) {
      const c = col[e];
      const reduced = cost[e] - v[c];
      if (reduced < u) {
        this.unmarkClosed(queued);
        return false;
      }
      if (reduced === u && closedMark[c] !== closedStamp) {
        if (colLoad[c] < capacity[c]) {
          this.unmarkClosed(queued);
          return false;
        }
        closedMark[c] = closedStamp;
        queue[queued++] = c;
      }
    }
    // A walk that fails takes back the marks it set (the set is closed only once the walk completes).
    const stamp = ++this.stamp;
    this.classMark[k0] = stamp;
    this.classBase[k0] = -u;
    const walked = this.walkClosed(queued, stamp, closedStamp, p);
    if (walked < 0) {
      this.unmarkClosed(-walked - 1);
      return false;
    }
    if (!trusted) {
      this.closedStamp = closedStamp;
      this.closedValid = true;
      this.closedU = u;
    }
    return true;
  }

  /** Takes back the closed-set marks of a walk that failed: the first `count` columns it queued (0 is never a stamp in use). */
  private unmarkClosed(count: number): void {
    const queue = this.labelled;
    for (let q = 0; q < count; q++) this.closedMark[queue[q]] = 0;
  }

  /**
   * Walks edges of reduced cost 0 on from the columns `labelled[0 .. queued)` (each marked `closedStamp`): marks and
   * queues every column reached that is not marked. Returns the queue's final length, or `-(length) - 1` at the first
   * column with room (the walk stops there). Rows of a class marked `stamp` from a base as low are skipped (they have
   * the same edges at the same potential). A row's edges of reduced cost 0 are those at `cost - v = u`, u its potential.
   */
  private walkClosed(queued: number, stamp: number, closedStamp: number, p: AssignmentProblem): number {
    const { rowFirst, col, cost, rowClass } = p;
    const queue = this.labelled;
    const v = this.v;
    const colLoad = this.colLoad;
    const capacity = this.capacity;
    const closedMark = this.closedMark;
    const classMark = this.classMark;
    const classBase = this.classBase;
    const rowNext = this.rowNext;
    const matchCost = this.matchCost;
    for (let q = 0; q < queued; q++) {
      const j = queue[q];
      for (let i = this.colHead[j]; i >= 0; i = rowNext[i]) {
        const ui = matchCost[i] - v[j];
        const base = -ui;
        const k = rowClass ? rowClass[i] : i;
        if (classMark[k] === stamp && base >= classBase[k]) continue;
        classMark[k] = stamp;
        classBase[k] = base;
        for (let e = rowFirst[k], end = rowFirst[k + 1]; e < end; e++) {
          const c = col[e];
          if (cost[e] - v[c] !== ui || closedMark[c] === closedStamp) continue;
          closedMark[c] = closedStamp;
          queue[queued++] = c;
          if (colLoad[c] < capacity[c]) return -queued - 1;
        }
      }
    }
    return queued;
  }

  /**
   * After a search that moved something (integer costs): potentials changed only on the columns it settled (down,
   * which only removes edges of reduced cost 0 into them and adds some out of the rows they hold) and rows moved only
   * between settled columns, loads never fall. So the closed set stays closed if the rows its settled members hold now
   * have edges of reduced cost 0 only into members or into full columns that join it, closed in turn: a walk from those
   * members checks that; one that reaches a column with room voids the set.
   */
  private repairClosed(settledCount: number, delta: number, p: AssignmentProblem): void {
    if (!this.closedValid) return;
    const settled = this.settled;
    const settledDist = this.settledDist;
    const closedMark = this.closedMark;
    const closedStamp = this.closedStamp;
    const queue = this.labelled;
    // Members whose potential moved or whose rows changed; the others' edges of reduced cost 0 are a subset of before.
    const stamp = ++this.stamp;
    const seen = this.seenMark;
    let queued = 0;
    for (let s = 0; s < settledCount; s++) {
      const c = settled[s];
      if (settledDist[s] < delta && closedMark[c] === closedStamp) {
        seen[c] = stamp;
        queue[queued++] = c;
      }
    }
    for (let s = 0; s < this.pathLength; s++) {
      const c = this.pathCols[s];
      if (closedMark[c] === closedStamp && seen[c] !== stamp) {
        seen[c] = stamp;
        queue[queued++] = c;
      }
    }
    if (queued === 0) return;
    if (this.walkClosed(queued, stamp, closedStamp, p) < 0) this.closedValid = false;
  }

  /** Dijkstra from free row `root` to the nearest column with room (real or a dummy), then potential update and flip. */
  private augment(root: number, p: AssignmentProblem): void {
    const { unassignedCost, rowClass } = p;
    const rowState = this.rowState;
    const matchCost = this.matchCost;
    const rootPenalty = unassignedCost[rowClass ? rowClass[root] : root];
    if (this.exact && this.closedFor(root, rootPenalty, p)) {
      rowState[root] = ON_DUMMY;
      matchCost[root] = rootPenalty;
      return;
    }
    const colLoad = this.colLoad;
    const capacity = this.capacity;
    const rowNext = this.rowNext;
    const v = this.v;
    const label = this.label;
    const labelPlusV = this.labelPlusV;
    const predRow = this.predRow;
    const predCost = this.predCost;
    const settled = this.settled;
    const settledDist = this.settledDist;
    const stamp = ++this.stamp;
    this.heapSize = 0;
    this.labelledCount = 0;
    let settledCount = 0;

    // The root's row potential is taken as 0, so its outgoing arcs may be negative: harmless, they are the first hop.
    // Dummy columns are never entered except as a terminal (free dummies keep v = 0), so one best value covers them.
    let bestDummy = unassignedCost[rowClass ? rowClass[root] : root];
    let bestDummyRow = root;
    const classMark = this.classMark;
    const classBase = this.classBase;
    if (rowClass) {
      classMark[rowClass[root]] = stamp;
      classBase[rowClass[root]] = 0;
    }
    let terminalCol = -1;
    let delta = 0;
    const packedValid = this.packedValid;
    const rowFirst = p.rowFirst;
    const rootClass = rowClass ? rowClass[root] : root;
    if (packedValid) this.scanPacked(root, 0, rootClass, rowFirst);
    else this.scan(root, 0, p);
    for (;;) {
      // Ties with a dummy go to the real column: serve the request when it costs the same.
      if (this.heapSize === 0 || label[this.heap[0]] > bestDummy) {
        delta = bestDummy;
        break;
      }
      const j = this.heapPop();
      const d = label[j];
      label[j] = -Infinity;
      labelPlusV[j] = -Infinity;
      settledDist[settledCount] = d;
      settled[settledCount++] = j;
      if (colLoad[j] < capacity[j]) {
        terminalCol = j;
        delta = d;
        break;
      }
      // Each row i that j holds is reached through its matched edge at reduced cost 0; u_i = matchCost - v[j].
      for (let i = this.colHead[j]; i >= 0; i = rowNext[i]) {
        const base = d - (matchCost[i] - v[j]);
        let k = i;
        if (rowClass) {
          // A row whose class was scanned in this search from a base as low has the same edges: every label it would
          // offer is one already offered, and labels (and the dummy) change only on a strict improvement, so skipping
          // it changes nothing. Rows without classes are each scanned at most once per search anyway.
          k = rowClass[i];
          if (classMark[k] === stamp && base >= classBase[k]) continue;
          classMark[k] = stamp;
          classBase[k] = base;
        }
        const viaDummy = base + unassignedCost[k];
        if (viaDummy < bestDummy) {
          bestDummy = viaDummy;
          bestDummyRow = i;
        }
        if (packedValid) this.scanPacked(i, base, k, rowFirst);
        else this.scan(i, base, p);
      }
    }

    // Potentials: v_j += d_j - delta on settled columns (≤ 0 change); keeps all reduced costs ≥ 0.
    for (let s = 0; s < settledCount; s++) v[settled[s]] += settledDist[s] - delta;
    const labelled = this.labelled;
    for (let s = 0; s < this.labelledCount; s++) {
      label[labelled[s]] = Infinity;
      labelPlusV[labelled[s]] = Infinity;
    }

    this.flip(root, terminalCol, bestDummyRow, p);
    // A search from a root that closedFor let through always moves something.
    if (this.exact) this.repairClosed(settledCount, delta, p);
  }

  /** Flips the path of the search from root. With a dummy terminal, that row lets go of its column first (its predecessor takes the place). */
  private flip(root: number, terminalCol: number, bestDummyRow: number, p: AssignmentProblem): void {
    const { unassignedCost, rowClass } = p;
    const rowState = this.rowState;
    const matchCost = this.matchCost;
    const predRow = this.predRow;
    const predCost = this.predCost;
    let j = terminalCol;
    this.pathLength = 0;
    if (terminalCol < 0) {
      const t = bestDummyRow;
      matchCost[t] = unassignedCost[rowClass ? rowClass[t] : t];
      if (t === root) {
        rowState[t] = ON_DUMMY;
        return;
      }
      j = rowState[t];
      this.pathCols[this.pathLength++] = j;
      this.detach(t);
      rowState[t] = ON_DUMMY;
    }
    for (;;) {
      const i = predRow[j];
      const prev = rowState[i];
      if (i !== root) this.detach(i);
      this.attach(i, j);
      this.pathCols[this.pathLength++] = j;
      matchCost[i] = predCost[j];
      if (i === root) return;
      j = prev;
    }
  }

  private ensure(n: number, m: number, classes: number): void {
    if (classes > this.classCap) {
      this.classCap = classes;
      this.classBest = new Float64Array(classes);
      this.classBestCol = new Int32Array(classes);
      this.classMark = new Uint32Array(classes);
      this.classBase = new Float64Array(classes);
    }
    if (n > this.rowCap) {
      this.rowCap = n;
      this.rowState = new Int32Array(n);
      this.matchCost = new Float64Array(n);
      this.rowNext = new Int32Array(n);
      this.rowPrev = new Int32Array(n);
    }
    if (m > this.colCap) {
      this.colCap = m;
      this.colHead = new Int32Array(m);
      this.colLoad = new Int32Array(m);
      this.capacity = new Int32Array(m);
      this.v = new Float64Array(m);
      this.label = new Float64Array(m).fill(Infinity);
      this.labelPlusV = new Float64Array(m).fill(Infinity);
      this.closedMark = new Uint32Array(m);
      this.pathCols = new Int32Array(m + 1);
      this.seenMark = new Uint32Array(m);
      this.predRow = new Int32Array(m);
      this.predCost = new Float64Array(m);
      this.settled = new Uint32Array(m);
      this.settledDist = new Float64Array(m);
      this.labelled = new Int32Array(m);
      this.heap = new Int32Array(m);
      this.heapPos = new Int32Array(m);
    }
    // A solve advances these stamps at most a few times per row: starting below 2^31 they never pass 2^32 in one.
    if (this.closedStamp > 0x7fffffff) {
      this.closedMark.fill(0);
      this.closedStamp = 0;
    }
    if (this.stamp > 0x7fffffff) {
      this.classMark.fill(0);
      this.seenMark.fill(0);
      this.stamp = 0;
    }
  }

  private heapPush(c: number): void {
    const at = this.heapSize++;
    this.heap[at] = c;
    this.heapPos[c] = at;
    siftUp(this.heap, this.heapPos, this.label, at);
  }

  private heapDecrease(c: number): void {
    siftUp(this.heap, this.heapPos, this.label, this.heapPos[c]);
  }

  private heapPop(): number {
    return popTop(this.heap, this.heapPos, this.label, this.heapSize--);
  }
}

/**
 * One-shot convenience over {@link AssignmentSolver} (allocates its work arrays each call).
 *
 * @example
 * solveAssignment({ rowCount: 1, colCount: 1, rowFirst: Uint32Array.of(0, 1), col: Uint32Array.of(0),
 *   cost: Float64Array.of(9), unassignedCost: Float64Array.of(5) }).rowToCol; // [-1]: cheaper to leave it
 */
export function solveAssignment(p: AssignmentProblem): AssignmentResult {
  return new AssignmentSolver().solve(p);
}

/**
 * An integer of at most 2^40 in size. With every cost and penalty such, each number a search forms (labels, bases,
 * potentials: sums of a few of them, potentials bounded by the penalties through dual feasibility) is an integer below
 * 2^53, so float arithmetic on them is exact and reordering a sum cannot change a comparison.
 */
function isExact(x: number): boolean {
  return Number.isInteger(x) && Math.abs(x) <= 2 ** 40;
}

/** Throws on a malformed problem, naming the field (also read by TransportationSolver). */
export function validateAssignment(p: AssignmentProblem): void {
  const { rowCount: n, colCount: m, rowFirst, col, cost, unassignedCost, rowClass } = p;
  if (!Number.isInteger(n) || n < 0) throw new Error(`assignment: rowCount is ${n}; it must be an integer ≥ 0`);
  if (!Number.isInteger(m) || m < 0) throw new Error(`assignment: colCount is ${m}; it must be an integer ≥ 0`);
  // Without classes every row is its own class.
  const classes = rowClass ? rowFirst.length - 1 : n;
  // The per-element checks name the offending element through invalid(), out of line: a template literal inside these
  // loops made V8 allocate on every iteration (~20 bytes per edge, 8 MB per rebalance round on the stress day).
  if (rowClass) {
    if (rowClass.length < n) throw new Error(`assignment: rowClass has ${rowClass.length} entries; need rowCount ${n}`);
    for (let r = 0; r < n; r++) {
      if (!(rowClass[r] >= 0 && rowClass[r] < classes)) throw invalid(p, 'rowClass', r);
    }
  } else if (rowFirst.length !== n + 1) throw new Error(`assignment: rowFirst has length ${rowFirst.length}; need rowCount + 1 = ${n + 1}`);
  if (rowFirst[0] !== 0) throw new Error(`assignment: rowFirst[0] is ${rowFirst[0]}; it must be 0`);
  for (let r = 0; r < classes; r++) {
    if (rowFirst[r + 1] < rowFirst[r]) throw invalid(p, 'rowFirst', r);
  }
  const e = rowFirst[classes];
  if (col.length < e || cost.length < e) throw new Error(`assignment: col/cost have ${col.length}/${cost.length} entries; rowFirst says ${e}`);
  if (unassignedCost.length < classes) throw new Error(`assignment: unassignedCost has ${unassignedCost.length} entries; need ${classes}`);
  for (let k = 0; k < e; k++) {
    if (col[k] >= m) throw invalid(p, 'col', k);
    if (!Number.isFinite(cost[k])) throw invalid(p, 'cost', k);
  }
  for (let r = 0; r < classes; r++) {
    if (!Number.isFinite(unassignedCost[r])) throw invalid(p, 'unassignedCost', r);
  }
  const capacity = p.colCapacity;
  if (capacity) {
    if (capacity.length < m) throw new Error(`assignment: colCapacity has ${capacity.length} entries; need colCount ${m}`);
    for (let c = 0; c < m; c++) {
      if (!(capacity[c] >= 0)) throw invalid(p, 'colCapacity', c);
    }
  }
}

/** The error naming element i of field of p, which validate found invalid. */
function invalid(p: AssignmentProblem, field: 'rowClass' | 'rowFirst' | 'col' | 'cost' | 'unassignedCost' | 'colCapacity', i: number): Error {
  const { colCount: m, rowFirst, col, cost, unassignedCost, rowClass } = p;
  const classes = rowClass ? rowFirst.length - 1 : p.rowCount;
  switch (field) {
    case 'rowClass':
      return new Error(`assignment: rowClass[${i}] is ${rowClass![i]}; it must be 0–${classes - 1} (rowFirst has ${classes} classes)`);
    case 'rowFirst':
      return new Error(`assignment: rowFirst decreases at ${rowClass ? 'class' : 'row'} ${i}`);
    case 'col':
      return new Error(`assignment: col[${i}] is ${col[i]}; it must be < colCount ${m}`);
    case 'cost':
      return new Error(`assignment: cost[${i}] is ${cost[i]}; it must be finite`);
    case 'unassignedCost':
      return new Error(`assignment: unassignedCost[${i}] is ${unassignedCost[i]}; it must be finite`);
    case 'colCapacity':
      return new Error(`assignment: colCapacity[${i}] is ${p.colCapacity![i]}; it must be ≥ 0`);
  }
}
