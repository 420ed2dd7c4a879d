// The batch dispatcher: every periodS seconds, the optimal (min total wait) assignment of all waiting requests —
// reassigning those not yet picked up — to cars that are idle, rebalancing, or about to drop off their rider.
//
// Index conventions: a batch problem's rows are requests (in submission order), its columns are vehicles (ascending
// index); `rows[i]` / `cols[j]` map them back to request and vehicle indices.
import { BoundedSearch } from '../network/bounded-search.js';
import { makePlane, type Plane } from '../network/plane.js';
import { AssignmentSolver, type AssignmentProblem } from '../solve/assignment.js';
import {
  MAX_REASON_ALTERNATIVES,
  RequestStatus,
  VehicleStatus,
  dropoff,
  pickup,
  roundLegS,
  takesWork,
  type Command,
  type DispatchReason,
  type Dispatcher,
  type FleetSnapshot,
  type ReasonAlternative,
  type Stop,
} from './types.js';

export interface BatchOptions {
  /** Seconds between batches (default 10: on SF 2008-05-21 mean wait 0.80 min vs 0.95 at 30 s, 170 cars, with
   *  rebalancing; p95 decision time stays ~20–35 ms). */
  periodS?: number;
  /**
   * Cost of leaving request r unassigned in a batch: maxWaitS + unassignedBaseS + ageWeight × (nowS − requestS).
   * It exceeds any feasible wait (≤ maxWaitS), so a request is served whenever a car can make it; with ageWeight > 1
   * an older request outbids a newer one for the same car (serving it is worth more), so no request starves.
   */
  unassignedBaseS?: number;
  ageWeight?: number;
  /** A request keeps its current car unless another saves more than this many seconds of wait (default 1: ties and
   *  rounding noise keep the car, which avoids churn). */
  reassignMarginS?: number;
  /** Most candidate cars per request, nearest by exact arrival (default 48; the current car is always kept). */
  maxCandidatesPerRequest?: number;
  /** Let a car with a rider on board take its next request after that drop-off (default false)... */
  chainAfterDropoff?: boolean;
  /** ...if the drop-off dwell ends within this many seconds (default 60). NOTE: measured on SF 07–11 h, 120 cars,
   *  no rebalancing: chaining raises mean wait (1.73 → 1.83 min at 60 s, 1.96 at 120 s), because min-total-wait then
   *  prefers busy cars downtown and leaves idle cars stranded where they dropped off; with rebalancing it is neutral
   *  (0.80 vs 0.80 min at 170 cars). So it is off by default. */
  soonFreeS?: number;
  /**
   * With a road graph and at least this many (request, car) pairs in a batch (default 1,000,000), candidates come from
   * one reverse sweep of the road graph per request, stopping once the `maxCandidatesPerRequest` nearest arrivals are
   * known, instead of a straight-line filter over every pair and CH tables: the same candidates, the same costs (the
   * exact free-flow times of both are equal to the millisecond), found in time that grows with the answer rather
   * than with requests × cars. Below it the tables are faster (a sweep covers the whole cancellation radius when
   * fewer than `maxCandidatesPerRequest` cars can make it).
   */
  sweepAbovePairs?: number;
}

const DEFAULTS = {
  periodS: 10,
  unassignedBaseS: 60,
  ageWeight: 2,
  reassignMarginS: 1,
  maxCandidatesPerRequest: 48,
  chainAfterDropoff: false,
  soonFreeS: 60,
  sweepAbovePairs: 1_000_000,
} as const;

/** One batch as an assignment problem, with the maps back to requests and vehicles and what each car must keep. */
export interface BatchProblem {
  problem: AssignmentProblem;
  /** Request of each row. */
  rows: number[];
  /** Vehicle of each column. */
  cols: number[];
  /** Stops each column keeps before new work (the drop-off of its rider on board), per column. */
  keep: Stop[][];
  /** Request each column is now heading to pick up (-1 if none), per column. */
  current: Int32Array;
  /** Predicted pickup time of each candidate edge (same positions as problem.col). */
  arrivalS: Float64Array;
  /** Requests to reject (more riders than seats). */
  reject: number[];
}

/** Remembered end of a car's current drop-off (exact freeAt taken while that drop-off was its whole plan). */
interface DropoffMemo {
  request: Int32Array;
  timeS: Float64Array;
  node: Uint32Array;
}

/** Mutable state a batch dispatcher carries between calls (lazily sized on the first snapshot). */
export interface BatchState {
  memo: DropoffMemo | null;
  bound: Plane | null;
  boundReady: boolean;
  sweep: CandidateSweep | null;
}

/** Fresh state for `buildBatchProblem`. */
export function newBatchState(): BatchState {
  return { memo: null, bound: null, boundReady: false, sweep: null };
}

const isPickupOf = (stop: Stop | undefined, r: number): boolean => stop !== undefined && stop.action === 'pickup' && stop.request === r;

/**
 * Builds one batch's assignment problem from a snapshot: rows = open or assigned requests with riders ≤ seats,
 * columns = cars that are idle, rebalancing, stopping, heading to a pickup (its request may move), or carrying one
 * rider with nothing planned after that drop-off. Edge cost = predicted wait (pickup − request time), only where the
 * pickup is no later than requestS + maxWaitS; the current car's edge is `reassignMarginS` cheaper.
 * Arrivals are computed like the engine: from the car's divert point (or the end of its drop-off dwell), plus the
 * rounded travel time at that departure time.
 */
export function buildBatchProblem(s: FleetSnapshot, nowS: number, options: BatchOptions = {}, state: BatchState = newBatchState()): BatchProblem {
  const o = { ...DEFAULTS, ...options };
  const tt = s.travelTimes;
  if (!state.boundReady) {
    state.bound = s.graph ? makePlane(s.graph) : null;
    state.boundReady = true;
  }
  if (!state.memo || state.memo.request.length < s.vehicleCount) {
    state.memo = { request: new Int32Array(s.vehicleCount).fill(-1), timeS: new Float64Array(s.vehicleCount), node: new Uint32Array(s.vehicleCount) };
  }
  const memo = state.memo;

  // Rows.
  const rows: number[] = [];
  const reject: number[] = [];
  for (const r of s.openRequests()) {
    if (s.requestRiders[r] > s.seats) reject.push(r);
    else if (s.requestS[r] + s.maxWaitS >= nowS) rows.push(r);
  }

  // Columns: where and when each car can start new work.
  const cols: number[] = [];
  const keep: Stop[][] = [];
  const currentList: number[] = [];
  const baseS: number[] = [];
  const baseNode: number[] = [];
  for (let v = 0; v < s.vehicleCount; v++) {
    if (!takesWork(s.vehicleStatus[v])) continue; // charging
    const plan = s.plan(v);
    const load = s.vehicleLoad[v];
    let cur = -1;
    let kept: Stop[] = [];
    let t: number;
    let node: number;
    if (load === 0) {
      if (plan.length === 2 && plan[0].action === 'pickup' && plan[1].action === 'dropoff' && plan[1].request === plan[0].request) cur = plan[0].request;
      else if (plan.length !== 0) continue;
      if (s.vehicleStatus[v] === VehicleStatus.idle) {
        t = nowS;
        node = s.vehicleNode[v];
      } else {
        const d = s.divertAt(v);
        t = d.timeS;
        node = d.node;
      }
    } else {
      if (!o.chainAfterDropoff) continue;
      // One rider on board, dropped off first; after that at most the one pickup this dispatcher added.
      const first = plan[0];
      if (first === undefined || first.action !== 'dropoff' || s.requestStatus[first.request] !== RequestStatus.onboard) continue;
      if (plan.length === 3 && isPickupOf(plan[1], plan[2].request) && plan[2].action === 'dropoff') cur = plan[1].request;
      else if (plan.length !== 1) continue;
      const c = first.request;
      if (s.requestRiders[c] !== load) continue;
      if (plan.length === 1) {
        const f = s.freeAt(v);
        memo.request[v] = c;
        memo.timeS[v] = f.timeS;
        memo.node[v] = f.node;
      }
      if (memo.request[v] === c) {
        t = memo.timeS[v];
        node = memo.node[v];
      } else {
        // Not seen alone before (only if another strategy planned it): estimate from the divert point.
        const d = s.divertAt(v);
        const dn = s.requestDropoffNode[c];
        t = d.timeS + (d.node === dn ? 0 : roundLegS(tt.timeS(d.node, dn, d.timeS))) + s.dropoffDwellS;
        node = dn;
      }
      if (t > nowS + o.soonFreeS && cur < 0) continue;
      kept = [dropoff(c)];
    }
    cols.push(v);
    keep.push(kept);
    currentList.push(cur);
    baseS.push(t);
    baseNode.push(node);
  }
  const current = Int32Array.from(currentList);

  const nRows = rows.length;
  const nCols = cols.length;
  const c =
    s.graph && nRows * nCols >= o.sweepAbovePairs
      ? (state.sweep ??= new CandidateSweep(s.graph, state.bound)).candidates(s, rows, baseS, baseNode, current, o.maxCandidatesPerRequest)
      : tableCandidates(s, rows, baseS, baseNode, current, o.maxCandidatesPerRequest, state.bound);
  const unassignedCost = new Float64Array(nRows);
  const cost = new Float64Array(c.col.length);
  for (let i = 0; i < nRows; i++) {
    const r = rows[i];
    for (let k = c.rowFirst[i]; k < c.rowFirst[i + 1]; k++) cost[k] = c.arrivalS[k] - s.requestS[r] - (current[c.col[k]] === r ? o.reassignMarginS : 0);
    unassignedCost[i] = s.maxWaitS + o.unassignedBaseS + o.ageWeight * (nowS - s.requestS[r]);
  }
  return {
    problem: { rowCount: nRows, colCount: nCols, rowFirst: c.rowFirst, col: c.col, cost, unassignedCost },
    rows,
    cols,
    keep,
    current,
    arrivalS: c.arrivalS,
    reject,
  };
}

/** Each row's candidate columns in CSR form, by (arrival, column), with their predicted pickup times. */
interface Candidates {
  rowFirst: Uint32Array;
  col: Uint32Array;
  arrivalS: Float64Array;
}

/**
 * Candidates through CH tables: every (row, column) pair that the straight-line bound does not rule out gets its exact
 * time (one table per departure hour); the feasible ones, the nearest `maxPerRow` per row (always the current car).
 */
function tableCandidates(
  s: FleetSnapshot,
  rows: readonly number[],
  baseS: readonly number[],
  baseNode: readonly number[],
  current: Int32Array,
  maxPerRow: number,
  lb: Plane | null,
): Candidates {
  const nRows = rows.length;
  const nCols = baseS.length;
  const pairRow: number[] = [];
  const pairCol: number[] = [];
  const maxLbMs = lb ? lb.maxMPerMs : 0;
  const colFactor = new Float64Array(nCols);
  if (lb) for (let j = 0; j < nCols; j++) colFactor[j] = s.travelTimes.speedFactor(baseS[j]);
  for (let i = 0; i < nRows; i++) {
    const r = rows[i];
    const deadline = s.requestS[r] + s.maxWaitS;
    const p = s.requestPickupNode[r];
    for (let j = 0; j < nCols; j++) {
      const slackS = deadline - baseS[j];
      if (slackS < 0) continue;
      if (lb && maxLbMs > 0) {
        const n = baseNode[j];
        const distM = Math.hypot(lb.x[n] - lb.x[p], lb.y[n] - lb.y[p]);
        const lowS = (distM / maxLbMs / 1000) * colFactor[j];
        if (lowS >= slackS + 0.5) continue; // a rounded leg ≤ slack needs time < slack + 0.5 s
      }
      pairRow.push(i);
      pairCol.push(j);
    }
  }
  const pairArrival = exactArrivals(s, pairRow, pairCol, rows, baseS, baseNode);

  const byRow: number[][] = Array.from({ length: nRows }, () => []);
  for (let k = 0; k < pairRow.length; k++) {
    const r = rows[pairRow[k]];
    if (pairArrival[k] <= s.requestS[r] + s.maxWaitS) byRow[pairRow[k]].push(k);
  }
  const rowFirst = new Uint32Array(nRows + 1);
  const colList: number[] = [];
  const arrivalList: number[] = [];
  for (let i = 0; i < nRows; i++) {
    const r = rows[i];
    const ks = byRow[i];
    ks.sort((a, b) => pairArrival[a] - pairArrival[b] || pairCol[a] - pairCol[b]);
    let taken = 0;
    for (const k of ks) {
      const j = pairCol[k];
      if (taken >= maxPerRow && current[j] !== r) continue;
      taken++;
      colList.push(j);
      arrivalList.push(pairArrival[k]);
    }
    rowFirst[i + 1] = colList.length;
  }
  return { rowFirst, col: Uint32Array.from(colList), arrivalS: Float64Array.from(arrivalList) };
}

/**
 * Candidates by reverse sweeps of the road graph: from each request's pickup node, settle nodes in order of
 * free-flow time and take the columns standing there, until no column settled later can arrive before the request's
 * deadline or beat the `maxPerRow`-th arrival found (strictly: an equal arrival could still win on column order).
 * A column settled at d ms arrives at baseS + roundLegS(d / 1000 × factor(baseS)), the engine's own formula, and no
 * earlier than minBaseS + roundLegS(d / 1000 × minFactor); that bound decides the stop. The current car is always
 * kept (its time by a point query when the sweep stopped before it). Same result as `tableCandidates`.
 */
class CandidateSweep {
  private readonly search: BoundedSearch;
  /** Columns standing on each node, as lists: headAt[node], then nextCol[column] (-1 ends). */
  private readonly headAt: Int32Array;
  private nextCol = new Int32Array(0);

  /** Z-order key of each node (coordinates on a ~250 m grid, bits interleaved): requests swept in this order reuse
   *  the same stretches of the search arrays, which halves the cache misses of 10,000 sweeps on a large network. */
  private readonly zKey: Uint32Array;

  constructor(graph: NonNullable<FleetSnapshot['graph']>, plane: Plane | null) {
    this.search = new BoundedSearch(graph);
    this.headAt = new Int32Array(graph.nodeCount).fill(-1);
    this.zKey = new Uint32Array(graph.nodeCount);
    if (plane) {
      let minX = Infinity;
      let minY = Infinity;
      for (let n = 0; n < graph.nodeCount; n++) {
        if (plane.x[n] < minX) minX = plane.x[n];
        if (plane.y[n] < minY) minY = plane.y[n];
      }
      const spread = (v: number): number => {
        let x = Math.min(0xffff, Math.max(0, Math.floor(v))) & 0xffff;
        x = (x | (x << 8)) & 0x00ff00ff;
        x = (x | (x << 4)) & 0x0f0f0f0f;
        x = (x | (x << 2)) & 0x33333333;
        return (x | (x << 1)) & 0x55555555;
      };
      for (let n = 0; n < graph.nodeCount; n++) this.zKey[n] = (spread((plane.x[n] - minX) / 250) | (spread((plane.y[n] - minY) / 250) << 1)) >>> 0;
    } else {
      for (let n = 0; n < graph.nodeCount; n++) this.zKey[n] = n;
    }
  }

  candidates(s: FleetSnapshot, rows: readonly number[], baseS: readonly number[], baseNode: readonly number[], current: Int32Array, maxPerRow: number): Candidates {
    const nRows = rows.length;
    const nCols = baseS.length;
    const tt = s.travelTimes;
    const headAt = this.headAt;
    if (this.nextCol.length < nCols) this.nextCol = new Int32Array(nCols);
    const nextCol = this.nextCol;
    const factor = new Float64Array(nCols);
    let minBaseS = Infinity;
    let minFactor = Infinity;
    // Columns pushed in descending order, so each node's list is ascending by column.
    for (let j = nCols - 1; j >= 0; j--) {
      const n = baseNode[j];
      nextCol[j] = headAt[n];
      headAt[n] = j;
      factor[j] = tt.speedFactor(baseS[j]);
      if (baseS[j] < minBaseS) minBaseS = baseS[j];
      if (factor[j] < minFactor) minFactor = factor[j];
    }
    const colOfRequest = new Map<number, number>();
    for (let j = 0; j < nCols; j++) if (current[j] >= 0) colOfRequest.set(current[j], j);

    const search = this.search;
    // Rows are swept in Z-order of their pickup nodes (for the cache); each row's candidates go to its own stretch of
    // the output buffers, put back in row order at the end.
    const zKey = this.zKey;
    const sweepOrder = Array.from({ length: nRows }, (_, i) => i).sort(
      (a, b) => zKey[s.requestPickupNode[rows[a]]] - zKey[s.requestPickupNode[rows[b]]] || a - b,
    );
    const stretchAt = new Uint32Array(nRows);
    const stretchLen = new Uint32Array(nRows);
    let colOut = new Uint32Array(Math.max(16, nRows * Math.min(maxPerRow + 1, nCols)));
    let arrivalOut = new Float64Array(colOut.length);
    let used = 0;
    const foundCol: number[] = [];
    const foundArrival: number[] = [];
    // The `maxPerRow` smallest arrivals found so far, as a max-heap (best[0] is the largest of them).
    const best = new Float64Array(Math.max(1, maxPerRow));
    for (const i of sweepOrder) {
      const r = rows[i];
      const deadline = s.requestS[r] + s.maxWaitS;
      const p = s.requestPickupNode[r];
      foundCol.length = 0;
      foundArrival.length = 0;
      let heapSize = 0;
      const cur = colOfRequest.get(r) ?? -1;
      let curFound = false;
      if (nCols > 0 && minBaseS <= deadline) {
        search.start(p, 'reverse');
        for (let u = search.settleNext(); u >= 0; u = search.settleNext()) {
          const dMs = search.settledMs;
          if (u !== p) {
            const lowS = minBaseS + roundLegS((dMs / 1000) * minFactor);
            if (lowS > deadline || (maxPerRow > 0 && heapSize >= maxPerRow && lowS > best[0])) break;
          }
          for (let j = headAt[u]; j >= 0; j = nextCol[j]) {
            if (baseS[j] > deadline) continue;
            const arrival = baseS[j] + (u === p ? 0 : roundLegS((dMs / 1000) * factor[j]));
            if (arrival > deadline) continue;
            foundCol.push(j);
            foundArrival.push(arrival);
            if (j === cur) curFound = true;
            if (heapSize < maxPerRow) heapPushMax(best, heapSize++, arrival);
            else if (maxPerRow > 0 && arrival < best[0]) heapReplaceMax(best, heapSize, arrival);
          }
        }
      }
      if (cur >= 0 && !curFound && baseS[cur] <= deadline) {
        const n = baseNode[cur];
        const arrival = baseS[cur] + (n === p ? 0 : roundLegS(tt.timeS(n, p, baseS[cur])));
        if (arrival <= deadline) {
          foundCol.push(cur);
          foundArrival.push(arrival);
        }
      }
      const order = foundCol.map((_, k) => k).sort((a, b) => foundArrival[a] - foundArrival[b] || foundCol[a] - foundCol[b]);
      if (used + order.length > colOut.length) {
        const grown = Math.max(colOut.length * 2, used + order.length);
        const c2 = new Uint32Array(grown);
        c2.set(colOut.subarray(0, used));
        colOut = c2;
        const a2 = new Float64Array(grown);
        a2.set(arrivalOut.subarray(0, used));
        arrivalOut = a2;
      }
      let taken = 0;
      stretchAt[i] = used;
      for (const k of order) {
        const j = foundCol[k];
        if (taken >= maxPerRow && j !== cur) continue;
        taken++;
        colOut[used] = j;
        arrivalOut[used] = foundArrival[k];
        used++;
      }
      stretchLen[i] = used - stretchAt[i];
    }
    for (let j = 0; j < nCols; j++) headAt[baseNode[j]] = -1;
    const rowFirst = new Uint32Array(nRows + 1);
    const col = new Uint32Array(used);
    const arrivalS = new Float64Array(used);
    for (let i = 0; i < nRows; i++) {
      const at = rowFirst[i];
      col.set(colOut.subarray(stretchAt[i], stretchAt[i] + stretchLen[i]), at);
      arrivalS.set(arrivalOut.subarray(stretchAt[i], stretchAt[i] + stretchLen[i]), at);
      rowFirst[i + 1] = at + stretchLen[i];
    }
    return { rowFirst, col, arrivalS };
  }
}

function heapPushMax(h: Float64Array, size: number, x: number): void {
  let i = size;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (h[parent] >= x) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = x;
}

/** Replaces the largest of `size` entries by x (x smaller than it). */
function heapReplaceMax(h: Float64Array, size: number, x: number): void {
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && h[child + 1] > h[child]) child++;
    if (h[child] <= x) break;
    h[i] = h[child];
    i = child;
  }
  h[i] = x;
}


/** Pickup time of each (row, column) pair: base time + the engine's rounded leg, with one table per departure hour. */
function exactArrivals(s: FleetSnapshot, pairRow: number[], pairCol: number[], rows: readonly number[], baseS: readonly number[], baseNode: readonly number[]): Float64Array {
  const out = new Float64Array(pairRow.length);
  // Group pairs by the departure hour of their column: within an hour one speed factor applies to every leg.
  const groups = new Map<number, number[]>();
  for (let k = 0; k < pairRow.length; k++) {
    const hour = Math.floor(baseS[pairCol[k]] / 3600);
    let list = groups.get(hour);
    if (!list) groups.set(hour, (list = []));
    list.push(k);
  }
  for (const hour of [...groups.keys()].sort((a, b) => a - b)) {
    const ks = groups.get(hour)!;
    const srcIndex = new Map<number, number>();
    const tgtIndex = new Map<number, number>();
    const sources: number[] = [];
    const targets: number[] = [];
    for (const k of ks) {
      const from = baseNode[pairCol[k]];
      const to = s.requestPickupNode[rows[pairRow[k]]];
      if (!srcIndex.has(from)) {
        srcIndex.set(from, sources.length);
        sources.push(from);
      }
      if (!tgtIndex.has(to)) {
        tgtIndex.set(to, targets.length);
        targets.push(to);
      }
    }
    // Any departure time inside the hour gives the same factor; use the first pair's.
    const table = s.travelTimes.manyToMany(sources, targets, baseS[pairCol[ks[0]]]);
    for (const k of ks) {
      const from = baseNode[pairCol[k]];
      const to = s.requestPickupNode[rows[pairRow[k]]];
      const legS = from === to ? 0 : roundLegS(table[srcIndex.get(from)! * targets.length + tgtIndex.get(to)!]);
      out[k] = baseS[pairCol[k]] + legS;
    }
  }
  return out;
}

const sameStops = (a: readonly Stop[], b: readonly Stop[]): boolean =>
  a.length === b.length && a.every((x, i) => x.action === b[i].action && x.request === b[i].request);

/**
 * The commands that carry out a solved batch: a new plan (kept drop-off + pickup + drop-off) for every car whose
 * request changed, nothing for cars whose plan stays the same, and a cleared pickup for a car that lost its request
 * without getting another one.
 */
export function batchCommands(s: FleetSnapshot, b: BatchProblem, rowToCol: Int32Array): Command[] {
  const commands: Command[] = [];
  const colToRow = s.explain ? invert(rowToCol, b.cols.length) : undefined;
  for (const r of b.reject) commands.push({ kind: 'reject', request: r, reason: 'too_many_riders' });
  const colTaken = new Uint8Array(b.cols.length);
  const rowPlaced = new Set<number>();
  for (let i = 0; i < b.rows.length; i++) {
    const j = rowToCol[i];
    if (j < 0) continue;
    colTaken[j] = 1;
    const r = b.rows[i];
    rowPlaced.add(r);
    const v = b.cols[j];
    const stops = [...b.keep[j], pickup(r), dropoff(r)];
    if (!sameStops(stops, s.plan(v))) commands.push(colToRow ? { kind: 'assign', vehicle: v, stops, reason: batchReason(s, b, i, j, colToRow) } : { kind: 'assign', vehicle: v, stops });
  }
  for (let j = 0; j < b.cols.length; j++) {
    const r = b.current[j];
    // The car's request went nowhere (it can no longer be reached in time): free the car for other work.
    if (r >= 0 && !colTaken[j] && !rowPlaced.has(r)) commands.push({ kind: 'assign', vehicle: b.cols[j], stops: b.keep[j] });
  }
  return commands;
}

function invert(rowToCol: Int32Array, colCount: number): Int32Array {
  const colToRow = new Int32Array(colCount).fill(-1);
  rowToCol.forEach((j, i) => {
    if (j >= 0) colToRow[j] = i;
  });
  return colToRow;
}

/** Cost of the candidate edge (row i, column j), or undefined where the problem has none. */
function edgeCost(p: AssignmentProblem, i: number, j: number): number | undefined {
  for (let k = p.rowFirst[i]; k < p.rowFirst[i + 1]; k++) if (p.col[k] === j) return p.cost[k];
  return undefined;
}

/**
 * Why row i went to column j (decision 0022): its pickup, and the row's next candidates by arrival with what taking
 * each instead would add to the batch objective — the swap of the two cars' requests (the displaced request goes to
 * column j if that is a candidate edge, else unserved). The solution is optimal, so no swap lowers the objective.
 */
function batchReason(s: FleetSnapshot, b: BatchProblem, i: number, j: number, colToRow: Int32Array): DispatchReason {
  const p = b.problem;
  const nowS = s.nowS;
  let chosenK = -1;
  const alternatives: ReasonAlternative[] = [];
  for (let k = p.rowFirst[i]; k < p.rowFirst[i + 1]; k++) if (p.col[k] === j) chosenK = k;
  const chosenCost = p.cost[chosenK];
  // Edges within a row are in arrival order (buildBatchProblem), so the first others are the nearest.
  for (let k = p.rowFirst[i]; k < p.rowFirst[i + 1] && alternatives.length < MAX_REASON_ALTERNATIVES; k++) {
    const j2 = p.col[k];
    if (j2 === j) continue;
    const i2 = colToRow[j2];
    let deltaS = p.cost[k] - chosenCost;
    if (i2 >= 0) deltaS += (edgeCost(p, i2, j) ?? p.unassignedCost[i2]) - edgeCost(p, i2, j2)!;
    alternatives.push({ vehicle: b.cols[j2], pickupEtaS: b.arrivalS[k] - nowS, costS: deltaS, ...(i2 >= 0 ? { took: b.rows[i2] } : {}) });
  }
  return { kind: 'batch', request: b.rows[i], pickupEtaS: b.arrivalS[chosenK] - nowS, alternatives, costS: chosenCost };
}

/**
 * The batch dispatcher (periodic, every `periodS` s, default 10). Each batch solves the min-cost assignment of `buildBatchProblem`
 * exactly with AssignmentSolver and issues only the plans that change. One rider per car at a time (no pooling);
 * requests with more riders than seats are rejected.
 *
 * @example simulate({ ..., dispatcher: batch({ periodS: 20 }) })
 */
export function batch(options: BatchOptions = {}): Dispatcher {
  const periodS = options.periodS ?? DEFAULTS.periodS;
  const solver = new AssignmentSolver();
  const state = newBatchState();
  return {
    name: 'batch',
    periodS,
    decide(s: FleetSnapshot, nowS: number): Command[] {
      const b = buildBatchProblem(s, nowS, options, state);
      const { rowToCol } = solver.solve(b.problem);
      return batchCommands(s, b, rowToCol);
    },
  };
}

/** Vehicles that some assign command in `commands` gives work to (for composed strategies). */
export function vehiclesGivenWork(commands: readonly Command[], vehicleCount: number): Uint8Array {
  const taken = new Uint8Array(vehicleCount);
  for (const c of commands) if (c.kind === 'assign' && c.stops.length > 0) taken[c.vehicle] = 1;
  return taken;
}
