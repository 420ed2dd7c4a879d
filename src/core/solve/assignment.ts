// Exact sparse min-cost assignment of requests (rows) to vehicles (columns), each row free to stay unassigned at a penalty.

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
}

export interface AssignmentResult {
  /** column of each row, or -1 when the row is left unassigned */
  rowToCol: Int32Array;
  /** row of each column, or -1 when the column is idle */
  colToRow: Int32Array;
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
 * Why it is exact: it keeps a feasible dual of the LP `min Σ c x, Σ_j x_rj + x_r,dummy = 1, Σ_r x_rj ≤ 1` with column
 * potentials v ≤ 0 that are 0 on every idle column (only columns settled before the terminal of a search move, and
 * those are all matched), and every matched edge has reduced cost 0: complementary slackness holds at the end.
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
  // Per column.
  private colToRow = new Int32Array(0);
  /** column potentials (duals), ≤ 0; 0 on idle columns */
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

  /** Solves one problem to optimality. Throws on malformed input, naming the field. */
  solve(p: AssignmentProblem): AssignmentResult {
    validate(p);
    const n = p.rowCount;
    const m = p.colCount;
    this.ensure(n, m);
    const { rowFirst, col, cost, unassignedCost } = p;
    const rowState = this.rowState;
    const matchCost = this.matchCost;
    const colToRow = this.colToRow;
    const v = this.v;
    colToRow.fill(-1, 0, m);
    v.fill(0, 0, m);

    // Greedy start with v = 0: a row takes its cheapest option when that option is still free. This keeps the dual
    // feasible (u_r = that minimum) and typically settles most rows without any search.
    for (let r = 0; r < n; r++) {
      let best = unassignedCost[r];
      let bestCol = -1;
      for (let k = rowFirst[r]; k < rowFirst[r + 1]; k++) {
        const c = cost[k];
        // a tie with the penalty prefers serving the request
        if (c < best || (c === best && bestCol < 0)) {
          best = c;
          bestCol = col[k];
        }
      }
      if (bestCol < 0) {
        rowState[r] = ON_DUMMY;
        matchCost[r] = unassignedCost[r];
      } else if (colToRow[bestCol] < 0) {
        rowState[r] = bestCol;
        colToRow[bestCol] = r;
        matchCost[r] = best;
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
    return { rowToCol, colToRow: colToRow.slice(0, m), totalCost, assignedCount };
  }

  /** Dijkstra from free row `root` to the nearest free column (real or a dummy), then potential update and flip. */
  private augment(root: number, p: AssignmentProblem): void {
    const { rowFirst, col, cost, unassignedCost } = p;
    const rowState = this.rowState;
    const matchCost = this.matchCost;
    const colToRow = this.colToRow;
    const v = this.v;
    const dist = this.dist;
    const predRow = this.predRow;
    const predCost = this.predCost;
    const seen = this.seen;
    const done = this.done;
    const settled = this.settled;
    const stamp = ++this.stamp;
    this.heapSize = 0;
    let settledCount = 0;

    // The root's row potential is taken as 0, so its outgoing arcs may be negative: harmless, they are the first hop.
    // Dummy columns are never entered except as a terminal (free dummies keep v = 0), so one best value covers them.
    let bestDummy = unassignedCost[root];
    let bestDummyRow = root;
    let row = root;
    let base = 0;
    let terminalCol = -1;
    let delta = 0;
    for (;;) {
      for (let k = rowFirst[row]; k < rowFirst[row + 1]; k++) {
        const c = col[k];
        if (done[c] === stamp) continue;
        const ck = cost[k];
        const nd = base + ck - v[c];
        if (seen[c] !== stamp) {
          seen[c] = stamp;
          dist[c] = nd;
          predRow[c] = row;
          predCost[c] = ck;
          this.heapPush(c);
        } else if (nd < dist[c]) {
          dist[c] = nd;
          predRow[c] = row;
          predCost[c] = ck;
          this.heapDecrease(c);
        }
      }
      // Ties with a dummy go to the real column: serve the request when it costs the same.
      if (this.heapSize === 0 || dist[this.heap[0]] > bestDummy) {
        delta = bestDummy;
        break;
      }
      const j = this.heapPop();
      done[j] = stamp;
      settled[settledCount++] = j;
      const d = dist[j];
      const i = colToRow[j];
      if (i < 0) {
        terminalCol = j;
        delta = d;
        break;
      }
      // Row i is reached through its matched edge at reduced cost 0; u_i = matchCost - v[j].
      row = i;
      base = d - (matchCost[i] - v[j]);
      const viaDummy = base + unassignedCost[i];
      if (viaDummy < bestDummy) {
        bestDummy = viaDummy;
        bestDummyRow = i;
      }
    }

    // Potentials: v_j += d_j - delta on settled columns (≤ 0 change); keeps all reduced costs ≥ 0.
    for (let s = 0; s < settledCount; s++) {
      const j = settled[s];
      v[j] += dist[j] - delta;
    }

    // Flip the path. With a dummy terminal, that row lets go of its column first.
    let j = terminalCol;
    if (terminalCol < 0) {
      const t = bestDummyRow;
      j = rowState[t];
      rowState[t] = ON_DUMMY;
      matchCost[t] = unassignedCost[t];
      if (t === root) return;
    }
    for (;;) {
      const i = predRow[j];
      const prev = rowState[i];
      rowState[i] = j;
      colToRow[j] = i;
      matchCost[i] = predCost[j];
      if (i === root) return;
      j = prev;
    }
  }

  private ensure(n: number, m: number): void {
    if (n > this.rowCap) {
      this.rowCap = n;
      this.rowState = new Int32Array(n);
      this.matchCost = new Float64Array(n);
    }
    if (m > this.colCap) {
      this.colCap = m;
      this.colToRow = new Int32Array(m);
      this.v = new Float64Array(m);
      this.dist = new Float64Array(m);
      this.predRow = new Int32Array(m);
      this.predCost = new Float64Array(m);
      this.seen = new Uint32Array(m);
      this.done = new Uint32Array(m);
      this.stamp = 0;
      this.settled = new Uint32Array(m);
      this.heap = new Int32Array(m);
      this.heapPos = new Int32Array(m);
    }
    if (this.stamp > 0xfffffff0) {
      this.seen.fill(0);
      this.done.fill(0);
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
 * One-shot convenience over {@link AssignmentSolver} (allocates its work arrays each call).
 *
 * @example
 * solveAssignment({ rowCount: 1, colCount: 1, rowFirst: Uint32Array.of(0, 1), col: Uint32Array.of(0),
 *   cost: Float64Array.of(9), unassignedCost: Float64Array.of(5) }).rowToCol; // [-1]: cheaper to leave it
 */
export function solveAssignment(p: AssignmentProblem): AssignmentResult {
  return new AssignmentSolver().solve(p);
}

function validate(p: AssignmentProblem): void {
  const { rowCount: n, colCount: m, rowFirst, col, cost, unassignedCost } = p;
  if (!Number.isInteger(n) || n < 0) throw new Error(`assignment: rowCount is ${n}; it must be an integer ≥ 0`);
  if (!Number.isInteger(m) || m < 0) throw new Error(`assignment: colCount is ${m}; it must be an integer ≥ 0`);
  if (rowFirst.length !== n + 1) throw new Error(`assignment: rowFirst has length ${rowFirst.length}; need rowCount + 1 = ${n + 1}`);
  if (rowFirst[0] !== 0) throw new Error(`assignment: rowFirst[0] is ${rowFirst[0]}; it must be 0`);
  for (let r = 0; r < n; r++) {
    if (rowFirst[r + 1] < rowFirst[r]) throw new Error(`assignment: rowFirst decreases at row ${r}`);
  }
  const e = rowFirst[n];
  if (col.length < e || cost.length < e) throw new Error(`assignment: col/cost have ${col.length}/${cost.length} entries; rowFirst says ${e}`);
  if (unassignedCost.length < n) throw new Error(`assignment: unassignedCost has ${unassignedCost.length} entries; need ${n}`);
  for (let k = 0; k < e; k++) {
    if (col[k] >= m) throw new Error(`assignment: col[${k}] is ${col[k]}; it must be < colCount ${m}`);
    if (!Number.isFinite(cost[k])) throw new Error(`assignment: cost[${k}] is ${cost[k]}; it must be finite`);
  }
  for (let r = 0; r < n; r++) {
    if (!Number.isFinite(unassignedCost[r])) throw new Error(`assignment: unassignedCost[${r}] is ${unassignedCost[r]}; it must be finite`);
  }
}
