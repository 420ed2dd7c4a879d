// The sparse assignment search as it stood before session 22 changed how a search keeps its column labels (one number
// per column instead of stamps), kept verbatim so that tests can pin the tie rule: the solver must give the same row →
// column as this one on every problem, not only the same cost (the rebalancer's plans and the golden logs depend on
// which of equally cheap answers it returns). Validation is the solver's own; this copy assumes valid input.
import type { AssignmentProblem, AssignmentResult } from '../../src/core/solve/assignment.js';
import type { Rng } from '../../src/core/random.js';

/** Row states inside the solver besides a column index ≥ 0. */
const ON_DUMMY = -1;
const FREE = -2;

/** The solver as it was before session 22 (seen/done stamps per column), verbatim apart from this comment. */
export class ReferenceAssignmentSolver {
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
  private dist = new Float64Array(0);
  private predRow = new Int32Array(0);
  private predCost = new Float64Array(0);
  /** `seen[c] === stamp`: labelled in this search; `done[c] === stamp`: settled */
  private seen = new Uint32Array(0);
  private done = new Uint32Array(0);
  private stamp = 0;
  private settled = new Uint32Array(0);
  // Indexed binary min-heap of labelled columns keyed by dist.
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

  /** Solves one valid problem to optimality. */
  solve(p: AssignmentProblem): AssignmentResult {
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

    // Greedy start with v = 0: a row takes its cheapest option when that option still has room. This keeps the dual
    // feasible (u_r = that minimum) and typically settles most rows without any search. The cheapest option is a
    // property of the row's class, found once per class.
    const classBest = this.classBest;
    const classBestCol = this.classBestCol;
    for (let k = 0; k < classCount; k++) {
      let best = unassignedCost[k];
      let bestCol = -1;
      for (let e = rowFirst[k]; e < rowFirst[k + 1]; e++) {
        const c = cost[e];
        // a tie with the penalty prefers serving the request
        if (c < best || (c === best && bestCol < 0)) {
          best = c;
          bestCol = col[e];
        }
      }
      classBest[k] = best;
      classBestCol[k] = bestCol;
    }
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

  /** Relaxes every edge of `row` (of its class), reached at distance `base` minus its potential. */
  private scan(row: number, base: number, p: AssignmentProblem, stamp: number): void {
    const { rowFirst, col, cost } = p;
    const k0 = p.rowClass ? p.rowClass[row] : row;
    const v = this.v;
    const dist = this.dist;
    const seen = this.seen;
    const done = this.done;
    for (let k = rowFirst[k0]; k < rowFirst[k0 + 1]; k++) {
      const c = col[k];
      if (done[c] === stamp) continue;
      const ck = cost[k];
      const nd = base + ck - v[c];
      if (seen[c] !== stamp) {
        seen[c] = stamp;
        dist[c] = nd;
        this.predRow[c] = row;
        this.predCost[c] = ck;
        this.heapPush(c);
      } else if (nd < dist[c]) {
        dist[c] = nd;
        this.predRow[c] = row;
        this.predCost[c] = ck;
        this.heapDecrease(c);
      }
    }
  }

  /** Dijkstra from free row `root` to the nearest column with room (real or a dummy), then potential update and flip. */
  private augment(root: number, p: AssignmentProblem): void {
    const { unassignedCost, rowClass } = p;
    const rowState = this.rowState;
    const matchCost = this.matchCost;
    const colLoad = this.colLoad;
    const capacity = this.capacity;
    const rowNext = this.rowNext;
    const v = this.v;
    const dist = this.dist;
    const predRow = this.predRow;
    const predCost = this.predCost;
    const done = this.done;
    const settled = this.settled;
    const stamp = ++this.stamp;
    this.heapSize = 0;
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
    this.scan(root, 0, p, stamp);
    for (;;) {
      // Ties with a dummy go to the real column: serve the request when it costs the same.
      if (this.heapSize === 0 || dist[this.heap[0]] > bestDummy) {
        delta = bestDummy;
        break;
      }
      const j = this.heapPop();
      done[j] = stamp;
      settled[settledCount++] = j;
      const d = dist[j];
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
        this.scan(i, base, p, stamp);
      }
    }

    // Potentials: v_j += d_j - delta on settled columns (≤ 0 change); keeps all reduced costs ≥ 0.
    for (let s = 0; s < settledCount; s++) {
      const j = settled[s];
      v[j] += dist[j] - delta;
    }

    // Flip the path. With a dummy terminal, that row lets go of its column first (its predecessor takes the place).
    let j = terminalCol;
    if (terminalCol < 0) {
      const t = bestDummyRow;
      matchCost[t] = unassignedCost[rowClass ? rowClass[t] : t];
      if (t === root) {
        rowState[t] = ON_DUMMY;
        return;
      }
      j = rowState[t];
      this.detach(t);
      rowState[t] = ON_DUMMY;
    }
    for (;;) {
      const i = predRow[j];
      const prev = rowState[i];
      if (i !== root) this.detach(i);
      this.attach(i, j);
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
      this.dist = new Float64Array(m);
      this.predRow = new Int32Array(m);
      this.predCost = new Float64Array(m);
      this.seen = new Uint32Array(m);
      this.done = new Uint32Array(m);
      this.stamp = 0;
      this.classMark.fill(0);
      this.settled = new Uint32Array(m);
      this.heap = new Int32Array(m);
      this.heapPos = new Int32Array(m);
    }
    if (this.stamp > 0xfffffff0) {
      this.seen.fill(0);
      this.done.fill(0);
      this.classMark.fill(0);
      this.stamp = 0;
    }
  }

  private heapPush(c: number): void {
    const pos = this.heapSize++;
    this.heap[pos] = c;
    this.heapPos[c] = pos;
    this.siftUp(pos);
  }

  private heapDecrease(c: number): void {
    this.siftUp(this.heapPos[c]);
  }

  private siftUp(pos: number): void {
    const heap = this.heap;
    const heapPos = this.heapPos;
    const dist = this.dist;
    const c = heap[pos];
    const d = dist[c];
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pc = heap[parent];
      if (dist[pc] <= d) break;
      heap[pos] = pc;
      heapPos[pc] = pos;
      pos = parent;
    }
    heap[pos] = c;
    heapPos[c] = pos;
  }

  private heapPop(): number {
    const heap = this.heap;
    const heapPos = this.heapPos;
    const dist = this.dist;
    const top = heap[0];
    const size = --this.heapSize;
    if (size > 0) {
      const c = heap[size];
      const d = dist[c];
      let pos = 0;
      for (;;) {
        let child = 2 * pos + 1;
        if (child >= size) break;
        if (child + 1 < size && dist[heap[child + 1]] < dist[heap[child]]) child++;
        const cc = heap[child];
        if (dist[cc] >= d) break;
        heap[pos] = cc;
        heapPos[cc] = pos;
        pos = child;
      }
      heap[pos] = c;
      heapPos[c] = pos;
    }
    return top;
  }
}


/**
 * A random problem shaped like the rebalancer's: up to `maxLists` road nodes (row classes), each with a cost-0 edge to
 * its own cell and edges of 1..maxCost to ~70 % of the others, up to `maxRows` cars, column capacities around twice
 * the cars per cell, and every penalty one above the dearest drive (most surplus cars' searches end on their dummy).
 */
export function rebalancerShapedProblem(rng: Rng, maxCols: number, maxLists: number, maxRows: number): AssignmentProblem {
  const cols = 2 + rng.int(maxCols);
  const lists = 1 + rng.int(maxLists);
  const rows = rng.int(maxRows);
  const maxCost = 3 + rng.int(6);
  const rowFirst = new Uint32Array(lists + 1);
  const col: number[] = [];
  const cost: number[] = [];
  for (let k = 0; k < lists; k++) {
    const here = rng.int(cols);
    col.push(here);
    cost.push(0);
    for (let c = 0; c < cols; c++) {
      if (c === here || rng.next() < 0.3) continue;
      col.push(c);
      cost.push(1 + rng.int(maxCost));
    }
    rowFirst[k + 1] = col.length;
  }
  return {
    rowCount: rows,
    colCount: cols,
    rowFirst,
    col: Uint32Array.from(col),
    cost: Float64Array.from(cost),
    unassignedCost: new Float64Array(lists).fill(maxCost + 1),
    colCapacity: Int32Array.from({ length: cols }, () => rng.int(Math.max(2, Math.ceil((2 * rows) / cols)))),
    rowClass: Int32Array.from({ length: rows }, () => rng.int(lists)),
  };
}

/** How tieHeavyProblem draws a problem's edges and penalties. */
export interface TieHeavyOptions {
  withClasses: boolean;
  withCapacity: boolean;
  /** At most this many edges per row list (besides its cost-0 "stay" edge and a duplicate pair). */
  maxEdges: number;
  edgeCost: () => number;
  /** A row list's cost of staying unassigned. */
  penalty: () => number;
}

/**
 * A random problem full of ties: up to 40 columns, rows alone or in up to 50 classes (half of the rows crowded into an
 * eighth of them), most lists with a cost-0 edge (the cell a car stands in), some with a duplicate pair.
 */
export function tieHeavyProblem(rng: Rng, o: TieHeavyOptions): AssignmentProblem {
  const cols = 1 + rng.int(40);
  const rows = rng.int(o.withClasses ? 300 : 80);
  const lists = o.withClasses ? 1 + rng.int(50) : rows;
  const rowFirst = new Uint32Array(lists + 1);
  const col: number[] = [];
  const cost: number[] = [];
  for (let k = 0; k < lists; k++) {
    if (rng.next() < 0.6) {
      col.push(rng.int(cols)); // the cell it stands in: "stay"
      cost.push(0);
    }
    const n = rng.int(Math.min(cols, o.maxEdges) + 1);
    for (let e = 0; e < n; e++) {
      col.push(rng.int(cols));
      cost.push(o.edgeCost());
    }
    if (n > 0 && rng.next() < 0.2) {
      col.push(col[col.length - 1]); // a duplicate pair
      cost.push(o.edgeCost());
    }
    rowFirst[k + 1] = col.length;
  }
  return {
    rowCount: rows,
    colCount: cols,
    rowFirst,
    col: Uint32Array.from(col),
    cost: Float64Array.from(cost),
    unassignedCost: Float64Array.from({ length: lists }, o.penalty),
    ...(o.withCapacity ? { colCapacity: Int32Array.from({ length: cols }, () => rng.int(Math.max(2, Math.ceil((3 * rows) / cols)))) } : {}),
    ...(o.withClasses ? { rowClass: Int32Array.from({ length: rows }, () => (rng.next() < 0.5 ? rng.int(Math.max(1, lists >> 3)) : rng.int(lists))) } : {}),
  };
}
