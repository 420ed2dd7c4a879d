// The rebalancer's transportation problem with rows grouped into classes: idle cars that stand on the same road node
// have the same drive time to every cell, so their candidate edges are stored (and their drive times computed) once
// per node instead of once per car. At night on the stress day 16,500 idle cars stand on about 6,500 nodes, and cars
// that earlier rounds moved gather on their cell's node, so a cell holds many cars of few classes.
//
// The solver is `AssignmentSolver` (src/core/solve/assignment.ts) step for step, with two changes that leave every
// decision it takes the same (test/dispatch/rebalance-flow.test.ts compares the two on random problems):
//  - a row reads its edges through its class (`rowClass`), so the edge list has one entry per class and cell;
//  - a search scans a row only when no row of its class was scanned before in the same search from a base distance
//    as low or lower. Such a row has the same edges, so every label it would offer is at least one already offered;
//    a search only changes a label on a strict improvement (and the dummy only on a strictly better value), so the
//    skipped scan was a no-op. Rows of one class in one column have the same matched cost and so the same base;
//    with the solver's dual feasibility, rows of one class have one row potential, and a column settled later has
//    a distance no smaller, so after the first row of a class a search scans it again only in rare cases.
// What stays proportional to cars is a walk over the rows a settled column holds (no edges) and the greedy start.

/** Rows (cars) in classes that share their candidate edges; the edges are in CSR form per class. */
export interface ClassAssignmentProblem {
  rowCount: number;
  colCount: number;
  classCount: number;
  /** class of each row, < classCount */
  rowClass: Int32Array;
  /** length classCount + 1: class k's edges are col/cost[classFirst[k] .. classFirst[k + 1]) */
  classFirst: Uint32Array;
  col: Uint32Array;
  /** finite costs */
  cost: Float64Array;
  /** penalty for leaving a row of the class unassigned, finite */
  unassignedCost: Float64Array;
  /** rows each column may take, integers ≥ 0 */
  colCapacity: Int32Array;
}

const ON_DUMMY = -1;
const FREE = -2;

/**
 * Exact min-cost transportation of unit rows in classes to capacitated columns, each row free to stay unassigned at
 * its class's penalty. Returns the column of each row (-1: unassigned): the same as `AssignmentSolver` gives on the
 * problem with every row's edges written out. Keeps its work arrays between calls; not re-entrant.
 */
export class ClassAssignmentSolver {
  private rowCap = -1;
  private colCap = -1;
  private classCap = -1;
  private rowState = new Int32Array(0);
  private matchCost = new Float64Array(0);
  private rowNext = new Int32Array(0);
  private rowPrev = new Int32Array(0);
  private colHead = new Int32Array(0);
  private colLoad = new Int32Array(0);
  private capacity = new Int32Array(0);
  private v = new Float64Array(0);
  private dist = new Float64Array(0);
  private predRow = new Int32Array(0);
  private predCost = new Float64Array(0);
  private seen = new Uint32Array(0);
  private done = new Uint32Array(0);
  private stamp = 0;
  private settled = new Uint32Array(0);
  private heap = new Int32Array(0);
  private heapPos = new Int32Array(0);
  private heapSize = 0;
  /** `classMark[k] === stamp`: a row of class k was scanned in the current search, from base `classBase[k]` */
  private classMark = new Uint32Array(0);
  private classBase = new Float64Array(0);
  private classBest = new Float64Array(0);
  private classBestCol = new Int32Array(0);

  solve(p: ClassAssignmentProblem): Int32Array {
    validate(p);
    const n = p.rowCount;
    const m = p.colCount;
    this.ensure(n, m, p.classCount);
    const { rowClass, classFirst, col, cost, unassignedCost } = p;
    const rowState = this.rowState;
    const matchCost = this.matchCost;
    this.colHead.fill(-1, 0, m);
    this.colLoad.fill(0, 0, m);
    this.capacity.set(p.colCapacity.subarray(0, m));
    this.v.fill(0, 0, m);

    // Greedy start with v = 0, as AssignmentSolver: a row takes its cheapest option when it still has room (the
    // cheapest option is a property of the class, found once per class).
    const classBest = this.classBest;
    const classBestCol = this.classBestCol;
    for (let k = 0; k < p.classCount; k++) {
      let best = unassignedCost[k];
      let bestCol = -1;
      for (let e = classFirst[k]; e < classFirst[k + 1]; e++) {
        const c = cost[e];
        if (c < best || (c === best && bestCol < 0)) {
          best = c;
          bestCol = col[e];
        }
      }
      classBest[k] = best;
      classBestCol[k] = bestCol;
    }
    for (let r = 0; r < n; r++) {
      const k = rowClass[r];
      const bestCol = classBestCol[k];
      if (bestCol < 0) {
        rowState[r] = ON_DUMMY;
        matchCost[r] = unassignedCost[k];
      } else if (this.colLoad[bestCol] < this.capacity[bestCol]) {
        this.attach(r, bestCol);
        matchCost[r] = classBest[k];
      } else {
        rowState[r] = FREE;
      }
    }
    for (let r = 0; r < n; r++) if (rowState[r] === FREE) this.augment(r, p);

    const rowToCol = new Int32Array(n);
    for (let r = 0; r < n; r++) rowToCol[r] = rowState[r] >= 0 ? rowState[r] : -1;
    return rowToCol;
  }

  private attach(r: number, c: number): void {
    const head = this.colHead[c];
    this.rowState[r] = c;
    this.rowPrev[r] = -1;
    this.rowNext[r] = head;
    if (head >= 0) this.rowPrev[head] = r;
    this.colHead[c] = r;
    this.colLoad[c]++;
  }

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
  private scan(row: number, base: number, p: ClassAssignmentProblem, stamp: number): void {
    const { classFirst, col, cost } = p;
    const k = p.rowClass[row];
    const v = this.v;
    const dist = this.dist;
    const seen = this.seen;
    const done = this.done;
    for (let e = classFirst[k]; e < classFirst[k + 1]; e++) {
      const c = col[e];
      if (done[c] === stamp) continue;
      const ce = cost[e];
      const nd = base + ce - v[c];
      if (seen[c] !== stamp) {
        seen[c] = stamp;
        dist[c] = nd;
        this.predRow[c] = row;
        this.predCost[c] = ce;
        this.heapPush(c);
      } else if (nd < dist[c]) {
        dist[c] = nd;
        this.predRow[c] = row;
        this.predCost[c] = ce;
        this.heapDecrease(c);
      }
    }
  }

  private augment(root: number, p: ClassAssignmentProblem): void {
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
    const classMark = this.classMark;
    const classBase = this.classBase;
    const stamp = ++this.stamp;
    this.heapSize = 0;
    let settledCount = 0;

    let bestDummy = unassignedCost[rowClass[root]];
    let bestDummyRow = root;
    let terminalCol = -1;
    let delta = 0;
    classMark[rowClass[root]] = stamp;
    classBase[rowClass[root]] = 0;
    this.scan(root, 0, p, stamp);
    for (;;) {
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
      // The rows j holds, each through its matched edge at reduced cost 0; a row whose class was already scanned in
      // this search from a base as low is skipped (see the file comment).
      for (let i = this.colHead[j]; i >= 0; i = rowNext[i]) {
        const k = rowClass[i];
        const base = d - (matchCost[i] - v[j]);
        if (classMark[k] === stamp && base >= classBase[k]) continue;
        classMark[k] = stamp;
        classBase[k] = base;
        const viaDummy = base + unassignedCost[k];
        if (viaDummy < bestDummy) {
          bestDummy = viaDummy;
          bestDummyRow = i;
        }
        this.scan(i, base, p, stamp);
      }
    }

    for (let s = 0; s < settledCount; s++) {
      const j = settled[s];
      v[j] += dist[j] - delta;
    }

    let j = terminalCol;
    if (terminalCol < 0) {
      const t = bestDummyRow;
      matchCost[t] = unassignedCost[rowClass[t]];
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
    if (n > this.rowCap) {
      this.rowCap = n;
      this.rowState = new Int32Array(n);
      this.matchCost = new Float64Array(n);
      this.rowNext = new Int32Array(n);
      this.rowPrev = new Int32Array(n);
    }
    if (classes > this.classCap) {
      this.classCap = classes;
      this.classMark = new Uint32Array(classes);
      this.classBase = new Float64Array(classes);
      this.classBest = new Float64Array(classes);
      this.classBestCol = new Int32Array(classes);
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
      this.classMark.fill(0);
      this.stamp = 0;
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

function validate(p: ClassAssignmentProblem): void {
  const { rowCount: n, colCount: m, classCount: k, rowClass, classFirst, col, cost, unassignedCost, colCapacity } = p;
  if (rowClass.length < n) throw new Error(`rebalance flow: rowClass has ${rowClass.length} entries; need rowCount ${n}`);
  for (let r = 0; r < n; r++) {
    if (!(rowClass[r] >= 0 && rowClass[r] < k)) throw new Error(`rebalance flow: rowClass[${r}] is ${rowClass[r]}; it must be 0–${k - 1}`);
  }
  if (classFirst.length !== k + 1 || classFirst[0] !== 0) throw new Error(`rebalance flow: classFirst must have classCount + 1 = ${k + 1} entries starting at 0`);
  const e = classFirst[k];
  if (col.length < e || cost.length < e) throw new Error(`rebalance flow: col/cost have ${col.length}/${cost.length} entries; classFirst says ${e}`);
  for (let x = 0; x < e; x++) {
    if (col[x] >= m) throw new Error(`rebalance flow: col[${x}] is ${col[x]}; it must be < colCount ${m}`);
    if (!Number.isFinite(cost[x])) throw new Error(`rebalance flow: cost[${x}] is ${cost[x]}; it must be finite`);
  }
  if (unassignedCost.length < k) throw new Error(`rebalance flow: unassignedCost has ${unassignedCost.length} entries; need classCount ${k}`);
  if (colCapacity.length < m) throw new Error(`rebalance flow: colCapacity has ${colCapacity.length} entries; need colCount ${m}`);
}
