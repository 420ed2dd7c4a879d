// Exact min-cost transportation: classes of interchangeable units (e.g. the idle cars standing on one road node) to
// capacitated columns (e.g. the cells that want cars), each unit free to stay unassigned at its class's penalty. The
// same optimum as AssignmentSolver on the problem written row by row, found by moving a class's units in bulk.
import { validateAssignment, type AssignmentProblem } from './assignment.js';
import { popTop, siftUp } from './label-heap.js';

/** The answer, row by row, to a problem whose rows come in classes (AssignmentProblem.rowClass). */
export interface TransportationResult {
  /** column of each row, or -1 when the row is left unassigned */
  rowToCol: Int32Array;
  /** rows taken by each column */
  colLoad: Int32Array;
  /** sum of the chosen edge costs plus the penalties of unassigned rows */
  totalCost: number;
  /** rows given a real column */
  assignedCount: number;
  /** searches run (each moves at least one unit; many move several) */
  searches: number;
}

/**
 * Successive shortest paths on the class graph (decision record 0037). Nodes are the classes and the columns; a class
 * k has supply s_k (its rows), an arc to each of its columns at the edge's cost (uncapacitated) and an arc to its own
 * dummy at its penalty; a column takes at most its capacity. Flows live on (class, column) pairs, kept per column.
 *
 * Duals: u_k per class, v_j ≤ 0 per column, 0 on every column with room; every arc has reduced cost
 * `c − u_k − v_j ≥ 0` (the dummy `P_k − u_k ≥ 0`), and 0 where it carries flow. The start is greedy with v = 0: each
 * class sends what its cheapest option takes (u_k = that cost). Then, for each class with units left, a Dijkstra from
 * it over reduced costs (a column with flow from class k leads back to k at reduced cost 0) runs to the nearest column
 * with room or the nearest dummy; potentials move by `min(d, δ) − δ` on what it settled (columns down, classes up), so
 * reduced costs stay ≥ 0 and the path's are 0; then the path carries as many units as its narrowest place allows: the
 * root's units left, the terminal's room, and the flow on each arc it walks back. So a class of ten cars that all
 * belong in one cell moves in one search, where a row-by-row solver runs ten.
 *
 * Exact for any finite costs; with integer costs every sum is exact. Keeps its work arrays between calls; not
 * re-entrant. Ties: a column with room is preferred to a dummy at the same cost (serve the unit when it costs the
 * same), as in AssignmentSolver; among equally cheap plans, which comes out differs from AssignmentSolver's.
 *
 * @example
 * const r = new TransportationSolver().solve({
 *   rowCount: 3, colCount: 2, rowClass: Int32Array.of(0, 0, 1),
 *   rowFirst: Uint32Array.of(0, 2, 3), col: Uint32Array.of(0, 1, 0), cost: Float64Array.of(1, 4, 2),
 *   unassignedCost: Float64Array.of(10, 10), colCapacity: Int32Array.of(2, 1),
 * }); // totalCost 7: class 0 sends one row to each column, class 1 takes column 0's other place
 */
export class TransportationSolver {
  private classCap = -1;
  private colCap = -1;
  // Per class.
  private supply = new Int32Array(0);
  private dummyFlow = new Int32Array(0);
  private u = new Float64Array(0);
  private classMark = new Uint32Array(0);
  private classDist = new Float64Array(0);
  /** the column a class was reached from in the current search, and the flow entry (class, column) it came back by */
  private classPredCol = new Int32Array(0);
  private classPredEntry = new Int32Array(0);
  /** 1 once the class's packed edges are sorted by cost in this solve (sorted on first scan) */
  private classSorted = new Uint8Array(0);
  private reached = new Int32Array(0);
  // Per column.
  private v = new Float64Array(0);
  private load = new Int32Array(0);
  private capacity = new Int32Array(0);
  /** tentative distance in the current search: +Infinity unlabelled, -Infinity settled */
  private label = new Float64Array(0);
  /**
   * `label + v` of the same column (+Infinity unlabelled, -Infinity settled): with exact integer sums an edge improves
   * a label iff `base − u_k + c < labelPlusV`, one load per edge instead of two (the packed scan).
   */
  private labelPlusV = new Float64Array(0);
  private predClass = new Int32Array(0);
  private labelled = new Int32Array(0);
  private settled = new Int32Array(0);
  private settledDist = new Float64Array(0);
  private heap = new Int32Array(0);
  private heapPos = new Int32Array(0);
  private heapSize = 0;
  /** the first flow entry of each column (-1 none); entries form a doubly linked list per column */
  private colHead = new Int32Array(0);
  // Flow entries (a pool): class, units, next and previous entry of the same column.
  private entryClass = new Int32Array(0);
  private entryUnits = new Int32Array(0);
  private entryNext = new Int32Array(0);
  private entryPrev = new Int32Array(0);
  private entryCount = 0;
  private freeEntry = -1;
  /** Edges as words `cost * 65536 + col` (integer costs 0–32767, fewer than 65,536 columns), sorted per class on use. */
  private packed = new Int32Array(0);
  private packedValid = false;
  private stamp = 0;
  private roomLabel = Infinity;

  /** Solves one problem with row classes to optimality. Throws on malformed input, naming the field. */
  solve(p: AssignmentProblem): TransportationResult {
    const rowClass = p.rowClass;
    if (!rowClass) throw new Error('transportation: rowClass is missing; every row needs its class');
    validateAssignment(p);
    const n = p.rowCount;
    const m = p.colCount;
    const classCount = p.rowFirst.length - 1;
    this.ensure(classCount, m, p.rowFirst[classCount]);
    const { rowFirst, col, cost, unassignedCost } = p;
    const supply = this.supply;
    const u = this.u;
    const v = this.v;
    const load = this.load;
    const capacity = this.capacity;
    supply.fill(0, 0, classCount);
    this.dummyFlow.fill(0, 0, classCount);
    this.classSorted.fill(0, 0, classCount);
    for (let r = 0; r < n; r++) supply[rowClass[r]]++;
    v.fill(0, 0, m);
    load.fill(0, 0, m);
    this.colHead.fill(-1, 0, m);
    this.label.fill(Infinity, 0, m);
    this.labelPlusV.fill(Infinity, 0, m);
    if (p.colCapacity) capacity.set(p.colCapacity.subarray(0, m));
    else capacity.fill(1, 0, m);
    this.entryCount = 0;
    this.freeEntry = -1;

    // Greedy start with v = 0: u_k is the class's cheapest option, and its units go there while it has room (a tie
    // with the penalty prefers a column). Edges are packed on the way when they can be.
    let packable = m <= 0x10000;
    const packed = this.packed;
    for (let k = 0; k < classCount; k++) {
      let best = unassignedCost[k];
      let bestCol = -1;
      for (let e = rowFirst[k]; e < rowFirst[k + 1]; e++) {
        const c = cost[e];
        if (packable) {
          if (c >= 0 && c <= 0x7fff && Number.isInteger(c)) packed[e] = c * 0x10000 + col[e];
          else packable = false;
        }
        if (c < best || (c === best && bestCol < 0)) {
          best = c;
          bestCol = col[e];
        }
      }
      u[k] = best;
      if (supply[k] === 0) continue;
      if (bestCol < 0) {
        this.dummyFlow[k] = supply[k];
        supply[k] = 0;
      } else {
        const units = Math.min(supply[k], capacity[bestCol] - load[bestCol]);
        if (units > 0) {
          this.addFlow(k, bestCol, units);
          supply[k] -= units;
        }
      }
    }
    // Packed scans compare sums of costs, penalties and potentials: exact when all are integers (below 2^40).
    let integers = true;
    for (let k = 0; k < classCount && integers; k++) integers = Number.isInteger(unassignedCost[k]) && Math.abs(unassignedCost[k]) <= 2 ** 40;
    this.packedValid = packable && integers;
    let searches = 0;
    for (let k = 0; k < classCount; k++) {
      while (supply[k] > 0) {
        this.search(k, p);
        searches++;
      }
    }
    return this.answer(p, rowClass, searches);
  }

  /** Rows of each class take its flows column by column (ascending), in row order; the rest stay unassigned. */
  private answer(p: AssignmentProblem, rowClass: Int32Array, searches: number): TransportationResult {
    const n = p.rowCount;
    const m = p.colCount;
    const classCount = p.rowFirst.length - 1;
    // Per class, its flows as a list of (column, units) in ascending column order: the rows then read it in order.
    const classFirst = new Int32Array(classCount + 1);
    for (let j = 0; j < m; j++) {
      for (let e = this.colHead[j]; e >= 0; e = this.entryNext[e]) classFirst[this.entryClass[e] + 1]++;
    }
    for (let k = 0; k < classCount; k++) classFirst[k + 1] += classFirst[k];
    const fill = classFirst.slice(0, classCount);
    const flowCol = new Int32Array(classFirst[classCount]);
    const flowUnits = new Int32Array(classFirst[classCount]);
    let totalCost = 0;
    for (let j = 0; j < m; j++) {
      for (let e = this.colHead[j]; e >= 0; e = this.entryNext[e]) {
        const k = this.entryClass[e];
        const at = fill[k]++;
        flowCol[at] = j;
        flowUnits[at] = this.entryUnits[e];
      }
    }
    // A unit on (k, j) costs its cheapest edge, which carries it at reduced cost 0: u_k + v_j (no second pass over the
    // edges). With integer costs the sum is exact.
    for (let k = 0; k < classCount; k++) {
      for (let i = classFirst[k]; i < classFirst[k + 1]; i++) totalCost += flowUnits[i] * (this.u[k] + this.v[flowCol[i]]);
    }
    for (let k = 0; k < classCount; k++) totalCost += this.dummyFlow[k] * p.unassignedCost[k];
    const rowToCol = new Int32Array(n).fill(-1);
    const next = classFirst.slice(0, classCount);
    let assignedCount = 0;
    for (let r = 0; r < n; r++) {
      const k = rowClass[r];
      let i = next[k];
      while (i < classFirst[k + 1] && flowUnits[i] === 0) i++;
      next[k] = i;
      if (i === classFirst[k + 1]) continue;
      rowToCol[r] = flowCol[i];
      flowUnits[i]--;
      assignedCount++;
    }
    return { rowToCol, colLoad: this.load.slice(0, m), totalCost, assignedCount, searches };
  }

  /** One search from class `root` (units left) and the augmentation along its path. */
  private search(root: number, p: AssignmentProblem): void {
    const { unassignedCost } = p;
    const u = this.u;
    const v = this.v;
    const label = this.label;
    const load = this.load;
    const capacity = this.capacity;
    const classMark = this.classMark;
    const classDist = this.classDist;
    const stamp = ++this.stamp;
    this.heapSize = 0;
    let labelledCount = 0;
    let settledCount = 0;
    let reachedCount = 0;
    this.roomLabel = Infinity;
    classMark[root] = stamp;
    classDist[root] = 0;
    this.classPredCol[root] = -1;
    this.reached[reachedCount++] = root;
    let bestDummy = unassignedCost[root] - u[root];
    let bestDummyClass = root;
    labelledCount = this.scanClass(root, 0, bestDummy, labelledCount, p);
    let terminalCol = -1;
    let delta: number;
    for (;;) {
      // Ties with a dummy go to the real column.
      if (this.heapSize === 0 || label[this.heap[0]] > bestDummy) {
        delta = bestDummy;
        break;
      }
      const j = this.heapPop();
      const d = label[j];
      label[j] = -Infinity;
      this.labelPlusV[j] = -Infinity;
      this.settled[settledCount] = j;
      this.settledDist[settledCount++] = d;
      if (load[j] < capacity[j]) {
        terminalCol = j;
        delta = d;
        break;
      }
      // Every class with flow into j is reached back at reduced cost 0: at d, the least it can be reached at (columns
      // settle in order), so each class is scanned once.
      for (let e = this.colHead[j]; e >= 0; e = this.entryNext[e]) {
        const k = this.entryClass[e];
        if (classMark[k] === stamp) continue;
        classMark[k] = stamp;
        classDist[k] = d;
        this.classPredCol[k] = j;
        this.classPredEntry[k] = e;
        this.reached[reachedCount++] = k;
        const viaDummy = d + unassignedCost[k] - u[k];
        if (viaDummy < bestDummy) {
          bestDummy = viaDummy;
          bestDummyClass = k;
        }
        labelledCount = this.scanClass(k, d, Math.min(bestDummy, this.roomLabel), labelledCount, p);
      }
    }

    // Potentials: settled columns down by δ − d, reached classes up by δ − d (both d ≤ δ).
    for (let s = 0; s < settledCount; s++) v[this.settled[s]] += this.settledDist[s] - delta;
    for (let s = 0; s < reachedCount; s++) {
      const k = this.reached[s];
      u[k] += delta - classDist[k];
    }
    const labelled = this.labelled;
    for (let s = 0; s < labelledCount; s++) {
      label[labelled[s]] = Infinity;
      this.labelPlusV[labelled[s]] = Infinity;
    }

    // The path's narrowest place: the root's units, the terminal's room, the flow on every arc walked back.
    let units = this.supply[root];
    if (terminalCol >= 0) units = Math.min(units, capacity[terminalCol] - load[terminalCol]);
    let k = terminalCol >= 0 ? this.predClass[terminalCol] : bestDummyClass;
    for (let c = k; c !== root; c = this.predClass[this.classPredCol[c]]) units = Math.min(units, this.entryUnits[this.classPredEntry[c]]);
    // Carry them: into the terminal, then back along the path (each class gives up flow where it was reached from and
    // takes the column after it), to the root.
    this.supply[root] -= units;
    if (terminalCol >= 0) this.addFlow(k, terminalCol, units);
    else this.dummyFlow[k] += units;
    while (k !== root) {
      const j = this.classPredCol[k];
      this.takeFlow(this.classPredEntry[k], j, units);
      k = this.predClass[j];
      this.addFlow(k, j, units);
    }
  }

  /**
   * Relaxes class k's edges from distance `base`, stopping (sorted packed edges) at the first whose label could not be
   * settled before the search ends (above `limit`: the best dummy or the least column with room so far; labels only
   * grow past that edge, as v ≤ 0). Returns the new count of labelled columns.
   */
  private scanClass(k: number, base: number, limit: number, labelledCount: number, p: AssignmentProblem): number {
    const uk = this.u[k];
    const v = this.v;
    const label = this.label;
    const from = p.rowFirst[k];
    const to = p.rowFirst[k + 1];
    if (this.packedValid) {
      if (this.classSorted[k] === 0) {
        this.classSorted[k] = 1;
        this.packed.subarray(from, to).sort();
      }
      const packed = this.packed;
      const labelPlusV = this.labelPlusV;
      // Label of edge (c, j): bu + c − v[j] with bu = base − u_k; the scan stops at the first word whose cost is above
      // limit − bu (words ascend by cost), and improves a label iff bu + c < labelPlusV[j] (exact integer sums).
      const bu = base - uk;
      let stopWord = stopWordFor(limit - bu);
      for (let e = from; e < to; e++) {
        const x = packed[e];
        if (x >= stopWord) break;
        const j = x & 0xffff;
        const plusV = bu + (x >>> 16);
        if (!(plusV < labelPlusV[j])) continue;
        const nd = plusV - v[j];
        if (label[j] === Infinity) this.labelled[labelledCount++] = j;
        this.relabel(j, nd, k);
        if (nd < limit && this.load[j] < this.capacity[j]) {
          limit = nd;
          stopWord = stopWordFor(limit - bu);
        }
      }
      return labelledCount;
    }
    for (let e = from; e < to; e++) {
      const j = p.col[e];
      const nd = base + p.cost[e] - uk - v[j];
      if (!(nd < label[j])) continue;
      if (label[j] === Infinity) this.labelled[labelledCount++] = j;
      this.relabel(j, nd, k);
    }
    return labelledCount;
  }

  /** Column j gets label nd (its first, or lower) through class k. */
  private relabel(j: number, nd: number, k: number): void {
    const old = this.label[j];
    this.label[j] = nd;
    this.labelPlusV[j] = nd + this.v[j];
    this.predClass[j] = k;
    if (nd < this.roomLabel && this.load[j] < this.capacity[j]) this.roomLabel = nd;
    if (old === Infinity) this.heapPush(j);
    else siftUp(this.heap, this.heapPos, this.label, this.heapPos[j]);
  }

  /** Class k sends `units` more to column j (an entry of j's list, made if it has none). */
  private addFlow(k: number, j: number, units: number): void {
    this.load[j] += units;
    for (let e = this.colHead[j]; e >= 0; e = this.entryNext[e]) {
      if (this.entryClass[e] === k) {
        this.entryUnits[e] += units;
        return;
      }
    }
    let e = this.freeEntry;
    if (e >= 0) this.freeEntry = this.entryNext[e];
    else {
      if (this.entryCount === this.entryClass.length) this.growEntries();
      e = this.entryCount++;
    }
    this.entryClass[e] = k;
    this.entryUnits[e] = units;
    const head = this.colHead[j];
    this.entryPrev[e] = -1;
    this.entryNext[e] = head;
    if (head >= 0) this.entryPrev[head] = e;
    this.colHead[j] = e;
  }

  /** Entry e (of column j) gives up `units`; an emptied entry leaves j's list. */
  private takeFlow(e: number, j: number, units: number): void {
    this.load[j] -= units;
    this.entryUnits[e] -= units;
    if (this.entryUnits[e] > 0) return;
    const prev = this.entryPrev[e];
    const next = this.entryNext[e];
    if (prev >= 0) this.entryNext[prev] = next;
    else this.colHead[j] = next;
    if (next >= 0) this.entryPrev[next] = prev;
    this.entryNext[e] = this.freeEntry;
    this.freeEntry = e;
  }

  private growEntries(): void {
    const size = Math.max(1024, 2 * this.entryClass.length);
    const grow = (old: Int32Array): Int32Array<ArrayBuffer> => {
      const next = new Int32Array(size);
      next.set(old);
      return next;
    };
    this.entryClass = grow(this.entryClass);
    this.entryUnits = grow(this.entryUnits);
    this.entryNext = grow(this.entryNext);
    this.entryPrev = grow(this.entryPrev);
  }

  private ensure(classes: number, m: number, edges: number): void {
    if (classes > this.classCap) {
      this.classCap = classes;
      this.supply = new Int32Array(classes);
      this.dummyFlow = new Int32Array(classes);
      this.u = new Float64Array(classes);
      this.classMark = new Uint32Array(classes);
      this.classDist = new Float64Array(classes);
      this.classPredCol = new Int32Array(classes);
      this.classPredEntry = new Int32Array(classes);
      this.classSorted = new Uint8Array(classes);
      this.reached = new Int32Array(classes);
    }
    if (m > this.colCap) {
      this.colCap = m;
      this.v = new Float64Array(m);
      this.load = new Int32Array(m);
      this.capacity = new Int32Array(m);
      this.label = new Float64Array(m).fill(Infinity);
      this.labelPlusV = new Float64Array(m).fill(Infinity);
      this.predClass = new Int32Array(m);
      this.labelled = new Int32Array(m);
      this.settled = new Int32Array(m);
      this.settledDist = new Float64Array(m);
      this.heap = new Int32Array(m);
      this.heapPos = new Int32Array(m);
      this.colHead = new Int32Array(m);
    }
    if (this.packed.length < edges) this.packed = new Int32Array(Math.max(edges, 2 * this.packed.length));
    // A solve advances the stamp once per search, at most once per row: starting below 2^31 it never passes 2^32.
    if (this.stamp > 0x7fffffff) {
      this.classMark.fill(0);
      this.stamp = 0;
    }
  }

  private heapPush(j: number): void {
    const at = this.heapSize++;
    this.heap[at] = j;
    this.heapPos[j] = at;
    siftUp(this.heap, this.heapPos, this.label, at);
  }

  private heapPop(): number {
    return popTop(this.heap, this.heapPos, this.label, this.heapSize--);
  }
}

/**
 * The first packed word (`cost × 65,536 + column`) whose cost exceeds `limit`: a scan that may skip edges of cost
 * above limit stops at a word ≥ it (every word is ≥ 0, so a negative limit stops at once; an infinite one never).
 */
function stopWordFor(limit: number): number {
  return (Math.floor(limit) + 1) * 0x10000;
}
