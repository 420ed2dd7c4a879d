// Car-time bound: the fewest cars that pick up a target share of requests within a wait limit, proved from the car
// time a time window needs (riding blocks plus the links between a car's consecutive pickups, priced by min-cost
// assignment); delays carry along chains because each request has one pickup time. Method and proof: docs/fleet-bound.md.
//
// Index conventions: trips are indices into the `trips` array; `byRequest` is the trip order by request time (ties by
// index), and a window's rows are the trips of one contiguous run of it. Times are seconds since the scenario start.
import { AssignmentSolver } from './assignment.js';
import { lowerBound, sortedIndex, upperBound } from './sorted.js';

/** One request as the bound needs it. */
export interface CarTimeTrip {
  requestS: number;
  pickupNode: number;
  dropoffNode: number;
  /** Shortest free-flow (speed factor 1) driving time pickup → drop-off, s; 0 when the nodes coincide. */
  rideFreeFlowS: number;
}

export interface CarTimeBoundOptions {
  /** Wait limit of the service level: a request counts when picked up within it. */
  withinS: number;
  /** Share of all requests that must count, in (0, 1]. */
  targetShare: number;
  /**
   * A request not picked up within this is cancelled (the engine's maxWaitS, ≥ withinS): it bounds the pickup time of
   * requests that miss the target but are still served. Only read when targetShare < 1.
   */
  maxWaitS: number;
  pickupDwellS: number;
  dropoffDwellS: number;
  /** Riders a car carries at once (1 = single-rider; 2 for the pooled presets). */
  seats: number;
  /** Speed factor by departure hour (24 values): a leg departing at t takes free-flow × factor(hour of t), rounded. */
  hourlyFactors: readonly number[];
  /** Seconds taken off every modelled leg so the engine's rounding (< 0.5 s per leg) cannot undercut it (default 1). */
  legSlackS?: number;
  /**
   * Free-flow driving times, row-major: result[i * targets.length + k] = sources[i] → targets[k], Infinity if
   * unreachable. Must never overstate a shortest free-flow time, or the bound stops being one.
   */
  freeFlowManyToMany: (sources: Uint32Array, targets: Uint32Array) => Float64Array;
  /** Cheapest predecessors kept per trip (default 256); the rest are priced by one lower bound. */
  candidatesPerTrip?: number;
  /**
   * Predecessors a window first offers each request (default 16). Where a window decides the bound, a request whose
   * offers all went to others gets four times as many (the requests holding them twice as many) and the window is
   * solved again, up to candidatesPerTrip, until its car time settles.
   */
  initialCandidates?: number;
  /** Predecessors whose earliest drop-off is longer than this before a request are priced by a lower bound (default 2,400 s). */
  horizonS?: number;
  /** Window starts are multiples of this (default 1,800 s). */
  windowStepS?: number;
  /** Window lengths by request time (default 1, 2, 3, 4, 6 h). */
  windowLengthsS?: readonly number[];
  /**
   * Car time is counted over [start, end + withinS + tail] for each of these tails (default [0]): a longer tail keeps
   * more of the last requests' rides in the window but adds capacity for every car.
   */
  windowTailsS?: readonly number[];
  /** Upper limit on sources × targets per freeFlowManyToMany call (default 2,000,000). */
  maxTableEntries?: number;
  onProgress?: (phase: 'links' | 'windows' | 'target', done: number, total: number) => void;
}

/** A time window the bound rests on. */
export interface CarTimeWindow {
  /** Its requests are those requested in [startS, endS); its car time is counted over [startS, endS + withinS + tailS]. */
  startS: number;
  endS: number;
  tailS: number;
  requests: number;
  /** Car time those requests need in the window (seat-tracks × s), after `skips` of them are left out. */
  carTimeS: number;
  /** Requests of the window that may miss the target in the proof (0 when targetShare = 1). */
  skips: number;
}

export interface CarTimeBound {
  /** Lower bound on cars with `seats` seats: ceil(singleRiderFleet / seats). */
  fleet: number;
  /** The same bound for single-rider cars (seat tracks). */
  singleRiderFleet: number;
  /** Riding blocks alone (no links between pickups), single-rider: what the links add is the difference. */
  blockOnlyFleet: number;
  seats: number;
  /** Requests that may miss the target: n − ceil(targetShare · n). */
  skipsAllowed: number;
  /** The windows whose car time proves singleRiderFleet (one for a 100 % target; disjoint ones otherwise). */
  windows: CarTimeWindow[];
  /** Predecessor candidates kept over all trips. */
  links: number;
  /** Min-cost assignments solved. */
  assignments: number;
}

/** Smallest factor of the hours that [fromS, toS] touches (hour h of the day = floor(t / 3600) mod 24). */
export function minHourlyFactor(hourlyFactors: readonly number[], fromS: number, toS: number): number {
  const first = Math.floor(fromS / 3600);
  const last = Math.floor(toS / 3600);
  let m = Infinity;
  for (let h = first; h <= last && h < first + 24; h++) m = Math.min(m, hourlyFactors[((h % 24) + 24) % 24]);
  return m;
}

/**
 * Lower bound on the seconds a drive of `freeFlowS` takes when it may start anywhere in [earliestDepartS,
 * latestDepartS] and may be split into legs (each leg takes its own departure hour's factor), arrival unconstrained.
 *
 * Why: with X = latestDepartS + freeFlowS · max factor, an arrival D ≤ X means every leg departed in [t0, X], so
 * D − t0 ≥ freeFlowS · (smallest factor there); an arrival after X is later than that bound anyway.
 *
 * @example
 * driveLowerBoundS([...Array(24)].map((_, h) => (h < 7 ? 1 : 2)), 600, 6 * 3600, 6 * 3600 + 300, 0); // 600: the 6 h factor
 */
export function driveLowerBoundS(hourlyFactors: readonly number[], freeFlowS: number, earliestDepartS: number, latestDepartS: number, slackS: number): number {
  if (freeFlowS === 0) return 0;
  let top = 0;
  for (const f of hourlyFactors) top = Math.max(top, f);
  const m = minHourlyFactor(hourlyFactors, earliestDepartS, latestDepartS + freeFlowS * top);
  return Math.max(0, freeFlowS * m - slackS);
}

/**
 * Lower bound on the fleet that picks up at least `targetShare` of the requests within `withinS`, for any dispatcher
 * that knows every request in advance (clairvoyant), with `seats`-seat cars, dwells, and time-dependent speeds.
 *
 * Model (proof in docs/fleet-bound.md). Request j is picked up at one time P_j ≥ requestS_j (≤ requestS_j + withinS if
 * it counts); its block [P_j, P_j + b_j] covers the pickup dwell, the ride (time-dependent lower bound) and the drop-off
 * dwell. The riders of a car split into `seats` tracks whose in-vehicle intervals do not overlap (interval colouring);
 * on a track, the interval J_j = [P_prev, P_j) between consecutive pickups is at least b_prev + drive(drop_prev →
 * pick_j) and at least requestS_j − (latest pickup of prev). For a window of request times [t1, t2), the tracks'
 * J-intervals of the window's requests, plus the blocks of each track's last one, all lie disjointly in
 * [t1, t2 + withinS + tail] (parts outside it are not counted), so Σ ≤ tracks × window length. A min-cost assignment of predecessors (each trip precedes at most
 * one other on its track; "came from before the window" costs requestS_j − t1) is a lower bound on that sum. Because
 * P_j is one number per request, a delay carries along a chain: every link pays its full length, whichever request
 * absorbs the lateness. A lower target lets `skipsAllowed` requests drop out: windows with disjoint request times must
 * not together need more skips than allowed (weighted interval scheduling); a window's need comes from the same
 * assignment with a price per request left out (Lagrangian, exact because the cost is convex in the skips).
 *
 * @example
 * const line = (a: number, b: number) => Math.abs(a - b) * 60; // nodes on a line, 60 s apart
 * carTimeFleetBound(
 *   [{ requestS: 0, pickupNode: 0, dropoffNode: 5, rideFreeFlowS: 300 }, { requestS: 60, pickupNode: 0, dropoffNode: 5, rideFreeFlowS: 300 }],
 *   { withinS: 0, targetShare: 1, maxWaitS: 600, pickupDwellS: 0, dropoffDwellS: 0, seats: 1, hourlyFactors: Array(24).fill(1),
 *     legSlackS: 0, freeFlowManyToMany: (s, t) => Float64Array.from([...s].flatMap((a) => [...t].map((b) => line(a, b)))) },
 * ).fleet; // 2: the second request starts before the first car is back
 */
export function carTimeFleetBound(trips: readonly CarTimeTrip[], o: CarTimeBoundOptions): CarTimeBound {
  validate(trips, o);
  const n = trips.length;
  const seats = o.seats;
  const skipsAllowed = n - Math.ceil(o.targetShare * n - 1e-9);
  const empty: CarTimeBound = { fleet: 0, singleRiderFleet: 0, blockOnlyFleet: 0, seats, skipsAllowed, windows: [], links: 0, assignments: 0 };
  if (n === 0 || skipsAllowed >= n) return empty;
  const withinS = o.withinS;
  // Latest pickup of a request that may be a car's previous one: a counted one within withinS; with a lower target a
  // previous request may be one that missed it, picked up as late as the engine allows.
  const latestS = o.targetShare >= 1 ? withinS : Math.max(withinS, o.maxWaitS);
  const slackS = o.legSlackS ?? 1;
  const K = Math.max(1, Math.floor(o.candidatesPerTrip ?? 256));
  const horizonS = Math.max(o.horizonS ?? 2400, latestS);

  // Per trip: request time, block length b (dwells + ride lower bound over every pickup it may have), earliest end.
  const requestS = new Float64Array(n);
  const blockS = new Float64Array(n);
  const endS = new Float64Array(n);
  const pick = new Uint32Array(n);
  const drop = new Uint32Array(n);
  for (let j = 0; j < n; j++) {
    const t = trips[j];
    requestS[j] = t.requestS;
    pick[j] = t.pickupNode;
    drop[j] = t.dropoffNode;
    const departS = t.requestS + o.pickupDwellS;
    blockS[j] = o.pickupDwellS + driveLowerBoundS(o.hourlyFactors, t.rideFreeFlowS, departS, departS + latestS, slackS) + o.dropoffDwellS;
    endS[j] = t.requestS + blockS[j];
  }
  const byRequest = sortedIndex(requestS);
  const sortedRequestS = new Float64Array(n);
  for (let k = 0; k < n; k++) sortedRequestS[k] = requestS[byRequest[k]];

  const links = predecessorLinks(o, { n, K, horizonS, latestS, slackS, requestS, endS, pick, drop, byRequest });

  // Windows over request time.
  const stepS = o.windowStepS ?? 1800;
  const lengths = o.windowLengthsS ?? [3600, 7200, 10800, 14400, 21600];
  const tails = o.windowTailsS ?? [0];
  const windows: WindowSpec[] = [];
  const firstStart = Math.floor(sortedRequestS[0] / stepS) * stepS;
  for (let t1 = firstStart; t1 <= sortedRequestS[n - 1]; t1 += stepS) {
    for (const len of lengths) {
      const lo = lowerBound(sortedRequestS, t1);
      const hi = lowerBound(sortedRequestS, t1 + len);
      if (hi > lo) for (const tailS of tails) windows.push({ startS: t1, endS: t1 + len, tailS, lo, hi });
    }
  }
  const ctx: WindowContext = { o, n, blockS, requestS, byRequest, links, solver: new AssignmentSolver(), assignments: 0, stamp: new Int32Array(n), colOf: new Int32Array(n), builds: 0, initialOffers: Math.max(1, Math.floor(o.initialCandidates ?? 16)) };
  const priced = windows.map((w, idx) => priceWindow(ctx, w, idx));

  // Riding blocks alone (no assignment): a quick bound, and for a lower target the first skip estimate of every window.
  let blockOnly = 0;
  for (const p of priced) blockOnly = Math.max(blockOnly, ceilFleet(p.blockSumS, p.lengthS));

  if (skipsAllowed === 0) {
    // One window proves the bound: the one with the most car time per second. First every window that might beat the
    // best so far, solved once with its first offers (cut when even every row on its dummy could not beat it); then
    // the best few solved again with offers grown until their car time settles. Every solve is a valid bound.
    const firstUpper = priced.map((p) => p.dummyS.reduce((a, d) => a + d, 0) / p.lengthS);
    const order = priced.map((_, i) => i).sort((x, y) => firstUpper[y] - firstUpper[x] || x - y);
    const first = new Float64Array(priced.length);
    let best = 0;
    let done = 0;
    for (const i of order) {
      const p = priced[i];
      o.onProgress?.('windows', ++done, order.length);
      if (ceilFleet(firstUpper[i], 1) <= best) break;
      first[i] = carTimeOf(ctx, p) / p.lengthS;
      best = Math.max(best, ceilFleet(first[i] * p.lengthS, p.lengthS));
    }
    let bestWindow: CarTimeWindow | undefined;
    best = 0;
    const byFirst = order.filter((i) => first[i] > 0).sort((x, y) => first[y] - first[x] || x - y);
    for (const i of byFirst.slice(0, GROWN_WINDOWS)) {
      const p = priced[i];
      if (ceilFleet(p.upperS, p.lengthS) <= best) continue;
      const carTimeS = carTimeOf(ctx, p, true);
      if (ceilFleet(carTimeS, p.lengthS) > best) {
        best = ceilFleet(carTimeS, p.lengthS);
        bestWindow = { startS: p.startS, endS: p.endS, tailS: p.tailS, requests: p.rows.length, carTimeS, skips: 0 };
      }
    }
    return finish(Math.max(best, blockOnly), blockOnly, bestWindow ? [bestWindow] : [], links.count, ctx.assignments, seats, skipsAllowed);
  }

  // Lower target: the smallest track count G at which no family of windows with disjoint request times needs more
  // skips than allowed. Start from what the riding blocks alone prove, then double and bisect.
  const target = new TargetSearch(ctx, priced, skipsAllowed);
  const blockOnlyTarget = target.blockOnlyAnswer();
  let lo = blockOnlyTarget;
  let hi = Math.max(lo, 1);
  while (!target.feasible(hi)) {
    lo = hi + 1;
    hi *= 2;
  }
  while (lo < hi) {
    const g = (lo + hi) >> 1;
    o.onProgress?.('target', g, hi);
    if (target.feasible(g)) hi = g;
    else lo = g + 1;
  }
  return finish(lo, blockOnlyTarget, target.proofWindows(lo - 1), links.count, ctx.assignments, seats, skipsAllowed);
}

/**
 * What the path-cover (clairvoyant, 100 %) bound proves for a lower target and seats: a request left out shortens a
 * minimum path cover by at most one, and a car of `seats` seats is that many chains (its seat tracks).
 *
 * @example
 * pathCoverServiceFleet(124, 20, 2); // ceil((124 − 20) / 2) = 52
 */
export function pathCoverServiceFleet(pathCoverFleet: number, skipsAllowed: number, seats: number): number {
  return Math.ceil(Math.max(0, pathCoverFleet - skipsAllowed) / seats);
}

function finish(single: number, blockOnly: number, windows: CarTimeWindow[], links: number, assignments: number, seats: number, skipsAllowed: number): CarTimeBound {
  return { fleet: Math.ceil(single / seats), singleRiderFleet: single, blockOnlyFleet: blockOnly, seats, skipsAllowed, windows, links, assignments };
}

/** Windows whose offers are grown for a 100 % target (the best by their first solve). */
const GROWN_WINDOWS = 6;

const ceilFleet = (carTimeS: number, lengthS: number): number => Math.max(0, Math.ceil(carTimeS / lengthS - 1e-9));

// ---------------------------------------------------------------------------------------------------------------
// Predecessor links

/** For each trip j, its K cheapest possible predecessors i by extra car time α = max(drive, idle) after i's block. */
interface Links {
  /** CSR over trips: candidates of j at first[j] .. first[j + 1]. */
  first: Uint32Array;
  pred: Uint32Array;
  /** α(i, j): J_j − b_i lower bound (drive drop_i → pick_j, or the idle gap, whichever is longer). */
  alphaS: Float64Array;
  /** Lower bound on α for every predecessor not listed. */
  beyondS: Float64Array;
  count: number;
}

interface LinkInputs {
  n: number;
  K: number;
  horizonS: number;
  latestS: number;
  slackS: number;
  requestS: Float64Array;
  endS: Float64Array;
  pick: Uint32Array;
  drop: Uint32Array;
  byRequest: Uint32Array;
}

/**
 * Possible predecessors on a track: i with endS_i + drive ≤ requestS_j + withinS (it must hand over in time). Only
 * those with endS_i ≥ requestS_j − horizonS are priced; an older one waits at least requestS_j − latestS − endS_i >
 * horizonS − latestS, which bounds every unlisted one from below.
 */
function predecessorLinks(o: CarTimeBoundOptions, x: LinkInputs): Links {
  const { n, K, horizonS, latestS, slackS, requestS, endS, pick, drop, byRequest } = x;
  const withinS = o.withinS;
  const byEnd = sortedIndex(endS);
  const sortedEnd = new Float64Array(n);
  for (let k = 0; k < n; k++) sortedEnd[k] = endS[byEnd[k]];
  const maxTable = o.maxTableEntries ?? 2_000_000;
  const first = new Uint32Array(n + 1);
  const heapAlpha = new Float64Array(K);
  const heapPred = new Uint32Array(K);
  const listPred = new Uint32Array(n * K);
  const listAlpha = new Float64Array(n * K);
  const listLength = new Uint32Array(n);
  const beyondS = new Float64Array(n);
  for (let start = 0; start < n; ) {
    // A batch of rows consecutive in request time, small enough that rows × predecessors fits one table.
    let end = start + 1;
    const predLo = lowerBound(sortedEnd, requestS[byRequest[start]] - horizonS);
    for (; end < n; end++) {
      const predHi = upperBound(sortedEnd, requestS[byRequest[end]] + withinS);
      if ((end + 1 - start) * (predHi - predLo) > maxTable) break;
    }
    const predHi = upperBound(sortedEnd, requestS[byRequest[end - 1]] + withinS);
    const sources = new Uint32Array(predHi - predLo);
    for (let s = predLo; s < predHi; s++) sources[s - predLo] = drop[byEnd[s]];
    const targets = new Uint32Array(end - start);
    for (let r = start; r < end; r++) targets[r - start] = pick[byRequest[r]];
    const table = sources.length > 0 ? o.freeFlowManyToMany(sources, targets) : new Float64Array(0);
    const width = targets.length;
    for (let r = start; r < end; r++) {
      const j = byRequest[r];
      const deadlineS = requestS[j] + withinS;
      let size = 0;
      const sLo = lowerBound(sortedEnd, requestS[j] - horizonS);
      const sHi = upperBound(sortedEnd, deadlineS);
      for (let s = sLo; s < sHi; s++) {
        const i = byEnd[s];
        if (i === j) continue;
        const ff = table[(s - predLo) * width + (r - start)];
        if (!Number.isFinite(ff)) continue;
        const driveS = drop[i] === pick[j] ? 0 : Math.max(0, ff * minHourlyFactor(o.hourlyFactors, endS[i], deadlineS) - slackS);
        if (endS[i] + driveS > deadlineS) continue;
        const alpha = Math.max(driveS, requestS[j] - latestS - endS[i]);
        // Bounded max-heap of the K smallest (alpha, i).
        if (size < K) {
          heapAlpha[size] = alpha;
          heapPred[size] = i;
          siftUp(heapAlpha, heapPred, size++);
        } else if (alpha < heapAlpha[0] || (alpha === heapAlpha[0] && i < heapPred[0])) {
          heapAlpha[0] = alpha;
          heapPred[0] = i;
          siftDown(heapAlpha, heapPred, 0, size);
        }
      }
      beyondS[j] = size === K ? Math.min(heapAlpha[0], horizonS - latestS) : horizonS - latestS;
      // Listed cheapest first (ties by trip index).
      for (let m = size - 1; m >= 0; m--) {
        listAlpha[j * K + m] = heapAlpha[0];
        listPred[j * K + m] = heapPred[0];
        heapAlpha[0] = heapAlpha[m];
        heapPred[0] = heapPred[m];
        siftDown(heapAlpha, heapPred, 0, m);
      }
      listLength[j] = size;
    }
    o.onProgress?.('links', end, n);
    start = end;
  }
  for (let j = 0; j < n; j++) first[j + 1] = first[j] + listLength[j];
  const pred = new Uint32Array(first[n]);
  const alphaS = new Float64Array(first[n]);
  for (let j = 0; j < n; j++) {
    pred.set(listPred.subarray(j * K, j * K + listLength[j]), first[j]);
    alphaS.set(listAlpha.subarray(j * K, j * K + listLength[j]), first[j]);
  }
  return { first, pred, alphaS, beyondS, count: first[n] };
}

/** Max-heap on (alpha, pred) pairs. */
function siftUp(alpha: Float64Array, pred: Uint32Array, k: number): void {
  while (k > 0) {
    const parent = (k - 1) >> 1;
    if (!greater(alpha, pred, k, parent)) return;
    swap(alpha, pred, k, parent);
    k = parent;
  }
}

function siftDown(alpha: Float64Array, pred: Uint32Array, k: number, size: number): void {
  for (;;) {
    const l = 2 * k + 1;
    if (l >= size) return;
    const r = l + 1;
    const c = r < size && greater(alpha, pred, r, l) ? r : l;
    if (!greater(alpha, pred, c, k)) return;
    swap(alpha, pred, k, c);
    k = c;
  }
}

const greater = (alpha: Float64Array, pred: Uint32Array, a: number, b: number): boolean => alpha[a] > alpha[b] || (alpha[a] === alpha[b] && pred[a] > pred[b]);

function swap(alpha: Float64Array, pred: Uint32Array, a: number, b: number): void {
  const t = alpha[a];
  alpha[a] = alpha[b];
  alpha[b] = t;
  const p = pred[a];
  pred[a] = pred[b];
  pred[b] = p;
}

// ---------------------------------------------------------------------------------------------------------------
// Windows

interface WindowSpec {
  startS: number;
  endS: number;
  tailS: number;
  /** Its rows are byRequest[lo .. hi). */
  lo: number;
  hi: number;
}

/** A window: its rows and their costs' summary; the assignment's edges are built for each solve (they are large). */
interface PricedWindow {
  index: number;
  startS: number;
  endS: number;
  tailS: number;
  lengthS: number;
  rows: Uint32Array;
  /** Block overlap of each row with the window (its least over every allowed pickup time). */
  rowBlockS: Float64Array;
  blockSumS: number;
  /** Σ dummy with every candidate offered: the assignment's cost can only be lower, however many are offered. */
  upperS: number;
  /** Predecessors offered to each row now (the first of its candidates), grown where a row falls back to its dummy. */
  rowOffers: Uint32Array;
  /** Each row's private option: block + the least its predecessor could cost beyond those offered. */
  dummyS: Float64Array;
  /** Dummies with every candidate offered (the largest they get), sorted descending: leaving a row out saves at most that. */
  dummyMostSortedS: Float64Array;
  /** Solved skip prices: h(λ) = min over assignments of car time + λ · skipped rows, and the skips of that optimum. */
  priced: PricedSolve[];
}

interface WindowContext {
  o: CarTimeBoundOptions;
  n: number;
  blockS: Float64Array;
  requestS: Float64Array;
  byRequest: Uint32Array;
  links: Links;
  solver: AssignmentSolver;
  assignments: number;
  /** stamp[i] = the build that last mapped trip i to a column; colOf[i] = that column. */
  stamp: Int32Array;
  colOf: Int32Array;
  builds: number;
  initialOffers: number;
}

/**
 * Builds window w's assignment. Rows are its requests; row j's options (each cost includes j's block overlap):
 * a listed predecessor i in the window: α + b_i − overlap_i (i's block is then inside J_j, so it is not counted twice);
 * a listed one outside the window: min(requestS_j − t1, α + b_i) (only J_j's part after t1 counts); every other
 * possibility (an unlisted predecessor, a car that came from before the window, the track's first request of the day)
 * at the row's private dummy cost, block + min(requestS_j − t1, beyond_j).
 */
function priceWindow(ctx: WindowContext, w: WindowSpec, index: number): PricedWindow {
  const { o, blockS, requestS, byRequest, links } = ctx;
  const t1 = w.startS;
  const t2 = w.endS;
  const windowEndS = t2 + o.withinS + w.tailS;
  const lengthS = windowEndS - t1;
  const m = w.hi - w.lo;
  const rows = byRequest.slice(w.lo, w.hi);
  const rowBlockS = new Float64Array(m);
  const overlap = (startS: number, b: number): number => Math.max(0, Math.min(startS + b, windowEndS) - Math.max(startS, t1));
  let blockSumS = 0;
  for (let r = 0; r < m; r++) {
    const j = rows[r];
    // Overlap of [P, P + b] with the window is unimodal in P: least at an end of [requestS, requestS + withinS].
    rowBlockS[r] = Math.min(overlap(requestS[j], blockS[j]), overlap(requestS[j] + o.withinS, blockS[j]));
    blockSumS += rowBlockS[r];
  }
  const rowOffers = new Uint32Array(m);
  const dummyS = new Float64Array(m);
  const dummyMost = new Float64Array(m);
  let upperS = 0;
  for (let r = 0; r < m; r++) {
    const j = rows[r];
    rowOffers[r] = Math.min(ctx.initialOffers, links.first[j + 1] - links.first[j]);
    dummyS[r] = rowBlockS[r] + Math.min(requestS[j] - t1, unofferedS(links, j, rowOffers[r]));
    dummyMost[r] = rowBlockS[r] + Math.min(requestS[j] - t1, links.beyondS[j]);
    upperS += dummyMost[r];
  }
  const dummyMostSortedS = dummyMost.sort().reverse();
  return { index, startS: t1, endS: t2, tailS: w.tailS, lengthS, rows, rowBlockS, blockSumS, upperS, rowOffers, dummyS, dummyMostSortedS, priced: [] };
}

/** Least α of trip j's predecessors beyond its first `offered` candidates (listed or not). */
function unofferedS(links: Links, j: number, offered: number): number {
  const k = links.first[j] + offered;
  return k < links.first[j + 1] ? Math.min(links.alphaS[k], links.beyondS[j]) : links.beyondS[j];
}

/** The window's assignment edges (CSR over rows); see priceWindow for the costs. */
function windowEdges(ctx: WindowContext, p: PricedWindow): { rowFirst: Uint32Array; col: Uint32Array; cost: Float64Array; colCount: number } {
  const { blockS, requestS, links } = ctx;
  const { rows, rowBlockS } = p;
  const m = rows.length;
  const t1 = p.startS;
  // Trip i is a row iff t1 ≤ requestS_i < t2 (rows are one run of byRequest).
  const rowOf = new Map<number, number>();
  for (let r = 0; r < m; r++) rowOf.set(rows[r], r);
  let edges = 0;
  for (let r = 0; r < m; r++) edges += p.rowOffers[r];
  const rowFirst = new Uint32Array(m + 1);
  const col = new Uint32Array(edges);
  const cost = new Float64Array(edges);
  const build = ++ctx.builds;
  let colCount = 0;
  let e = 0;
  for (let r = 0; r < m; r++) {
    const j = rows[r];
    const beforeS = requestS[j] - t1;
    for (let k = links.first[j]; k < links.first[j] + p.rowOffers[r]; k++) {
      const i = links.pred[k];
      const spanS = links.alphaS[k] + blockS[i];
      const predRow = rowOf.get(i);
      const linkS = predRow !== undefined ? spanS - rowBlockS[predRow] : Math.min(beforeS, spanS);
      if (ctx.stamp[i] !== build) {
        ctx.stamp[i] = build;
        ctx.colOf[i] = colCount++;
      }
      col[e] = ctx.colOf[i];
      cost[e++] = rowBlockS[r] + linkS;
    }
    rowFirst[r + 1] = e;
  }
  return { rowFirst, col, cost, colCount };
}

/**
 * h(λ): the window's least car time + λ per row left out (λ = Infinity: none left out), and how many that optimum
 * leaves out (cached). A left-out row is a private option of cost λ beside its dummy.
 */
function solveWindow(ctx: WindowContext, p: PricedWindow, lambda: number, grow = false): PricedSolve {
  const known = p.priced.find((q) => q.lambda === lambda);
  if (known && (known.grown || !grow)) return known;
  const m = p.rows.length;
  const { links, requestS } = ctx;
  let lastH = -Infinity;
  for (let round = 0; ; round++) {
    const unassigned = lambda === Infinity ? p.dummyS : p.dummyS.map((d) => Math.min(d, lambda));
    const { rowFirst, col, cost, colCount } = windowEdges(ctx, p);
    ctx.assignments++;
    const res = ctx.solver.solve({ rowCount: m, colCount, rowFirst, col, cost, unassignedCost: unassigned });
    // Offer more where the offers decided: rows that fell back to a dummy set by the offers (not by leaving the row
    // out, nor by the window start), and the rows holding what those were offered (so they can make way).
    let grown = false;
    const offerMore = (r: number, factor: number): boolean => {
      const j = p.rows[r];
      const available = links.first[j + 1] - links.first[j];
      if (p.rowOffers[r] >= available || unofferedS(links, j, p.rowOffers[r]) >= requestS[j] - p.startS) return false;
      p.rowOffers[r] = Math.min(available, factor * p.rowOffers[r]);
      p.dummyS[r] = p.rowBlockS[r] + Math.min(requestS[j] - p.startS, unofferedS(links, j, p.rowOffers[r]));
      return (grown = true);
    };
    const improving = res.totalCost - lastH > GROWTH_GAIN * p.lengthS;
    lastH = res.totalCost;
    if (grow && improving && round < MAX_GROWTH_ROUNDS) {
      const holders: number[] = [];
      for (let r = 0; r < m; r++) {
        if (res.rowToCol[r] >= 0 || lambda < p.dummyS[r] || !offerMore(r, 4)) continue;
        for (let k = rowFirst[r]; k < rowFirst[r + 1]; k++) if (res.colToRow[col[k]] >= 0) holders.push(res.colToRow[col[k]]);
      }
      for (const h of holders) offerMore(h, 2);
    }
    if (grown) continue;
    let skips = 0;
    for (let r = 0; r < m; r++) if (res.rowToCol[r] < 0 && lambda < p.dummyS[r]) skips++;
    const q = { lambda, h: res.totalCost, skips, grown: grow };
    if (known) Object.assign(known, q);
    else p.priced.push(q);
    return known ?? q;
  }
}

/** One priced solve of a window (see solveWindow). */
interface PricedSolve {
  lambda: number;
  h: number;
  skips: number;
  /** Whether offers were grown until the cost settled (else: one solve with the offers as they were). */
  grown: boolean;
}

/** Offers grow while a round adds more than this many cars' worth of car time (× window length)… */
const GROWTH_GAIN = 0.01;
/** …and for at most this many rounds. */
const MAX_GROWTH_ROUNDS = 30;

/** g(0): the window's least car time with every row counted (offers grown with `grow`). */
const carTimeOf = (ctx: WindowContext, p: PricedWindow, grow = false): number => solveWindow(ctx, p, Infinity, grow).h;

// ---------------------------------------------------------------------------------------------------------------
// Lower target: skips across disjoint windows

/**
 * Skips a window needs at track count G are s* = min{s : g(s) ≤ G · length}, g(s) being its least car time with at
 * most s rows left out. g is convex (a min-cost flow in the number left out), so s* = max over λ > 0 of
 * ceil((h(λ) − capacity) / λ) with h(λ) = min_s g(s) + λ s: every priced λ gives a valid lower bound, and bisection
 * on λ reaches s* (the maximising λ is the slope of g at s*).
 */
class TargetSearch {
  private readonly blockSorted: Float64Array[];
  private blockAnswer = -1;

  constructor(
    private readonly ctx: WindowContext,
    private readonly windows: PricedWindow[],
    private readonly skipsAllowed: number,
  ) {
    this.blockSorted = windows.map((p) => Float64Array.from(p.rowBlockS).sort().reverse());
  }

  /** Smallest track count the riding blocks alone allow (a lower bound on the answer). */
  blockOnlyAnswer(): number {
    if (this.blockAnswer >= 0) return this.blockAnswer;
    const need = (g: number): number => this.maxSkips(g, (w, gg) => this.blockSkips(w, gg)).total;
    let lo = 0;
    let hi = 1;
    while (need(hi) > this.skipsAllowed) hi *= 2;
    while (lo < hi) {
      const g = (lo + hi) >> 1;
      if (need(g) <= this.skipsAllowed) hi = g;
      else lo = g + 1;
    }
    this.blockAnswer = lo;
    return lo;
  }

  /**
   * False when G tracks cannot meet the target (a proof: windows with disjoint request times that need more skips
   * than allowed); true when no such family was found after computing the deciding windows exactly.
   */
  feasible(g: number): boolean {
    const tried = new Set<number>();
    for (;;) {
      const best = this.maxSkips(g, (w, gg) => this.lowerSkips(w, gg));
      if (best.total > this.skipsAllowed) return false;
      let refined = false;
      for (const w of best.chosen) {
        if (!tried.has(w) && this.exactSkips(w, g) === undefined) {
          tried.add(w); // a window the bisection could not settle keeps its lower bound (still valid)
          this.refine(w, g);
          refined = true;
        }
      }
      if (!refined) return true;
    }
  }

  /** The family of windows proving that g tracks are too few (g = answer − 1), for the report. */
  proofWindows(g: number): CarTimeWindow[] {
    if (g < 0) return [];
    const best = this.maxSkips(g, (w, gg) => this.lowerSkips(w, gg));
    return best.chosen.map((w) => {
      const p = this.windows[w];
      return { startS: p.startS, endS: p.endS, tailS: p.tailS, requests: p.rows.length, carTimeS: carTimeOf(this.ctx, p), skips: this.lowerSkips(w, g) };
    });
  }

  /** Least skips such that the riding blocks alone fit g tracks. */
  private blockSkips(w: number, g: number): number {
    const p = this.windows[w];
    return skipsToFit(this.blockSorted[w], p.blockSumS, g * p.lengthS);
  }

  /** Best known lower bound on window w's skips at g (solves the unskipped assignment when it might matter). */
  private lowerSkips(w: number, g: number): number {
    const p = this.windows[w];
    const capacityS = g * p.lengthS;
    if (p.upperS <= capacityS + EPS) return 0; // every row on its dummy already fits
    const g0 = carTimeOf(this.ctx, p);
    if (g0 <= capacityS + EPS) return 0;
    let s = Math.max(1, this.blockSkips(w, g), skipsToFit(p.dummyMostSortedS, g0, capacityS));
    for (const q of p.priced) if (q.lambda !== Infinity) s = Math.max(s, Math.ceil((q.h - capacityS) / q.lambda - 1e-9));
    return s;
  }

  /** Window w's skips at g when the priced λ decide it (lower bound reaches a priced optimum that fits), else undefined. */
  private exactSkips(w: number, g: number): number | undefined {
    const lower = this.lowerSkips(w, g);
    if (lower === 0) return 0;
    const p = this.windows[w];
    const capacityS = g * p.lengthS;
    for (const q of p.priced) if (q.skips <= lower && q.h - (q.lambda === Infinity ? 0 : q.lambda * q.skips) <= capacityS + EPS) return lower;
    return undefined;
  }

  /** Bisection on the skip price λ until window w's skips at g are known exactly (or 40 prices). */
  private refine(w: number, g: number): void {
    const p = this.windows[w];
    const capacityS = g * p.lengthS;
    const fits = (q: PricedSolve): boolean => q.h - (q.lambda === Infinity ? 0 : q.lambda * q.skips) <= capacityS + EPS;
    carTimeOf(this.ctx, p, true); // grow the offers once, at full count, before pricing skips
    let lo = 0; // λ → 0 leaves every row out, which fits
    let hi = 0;
    for (const d of p.dummyMostSortedS) hi = Math.max(hi, d);
    hi += 1; // above every dummy nothing is left out, which does not fit (g(0) > capacity)
    for (const q of p.priced) {
      if (q.lambda === Infinity) continue;
      if (fits(q)) lo = Math.max(lo, q.lambda);
      else hi = Math.min(hi, q.lambda);
    }
    for (let it = 0; it < 40 && this.exactSkips(w, g) === undefined && hi - lo > 1e-6; it++) {
      const lambda = (lo + hi) / 2;
      const q = solveWindow(this.ctx, p, lambda, true);
      if (fits(q)) lo = lambda;
      else hi = lambda;
    }
    if (this.exactSkips(w, g) === undefined) solveWindow(this.ctx, p, lo > 0 ? lo : hi / 1024, true); // settles as an upper point
  }

  /**
   * Most skips a family of windows with disjoint request times needs at g (weighted interval scheduling over the
   * windows sorted by end), and which windows.
   */
  private maxSkips(g: number, skips: (w: number, g: number) => number): { total: number; chosen: number[] } {
    const ws = this.windows;
    const order = ws.map((_, i) => i).sort((x, y) => ws[x].endS - ws[y].endS || x - y);
    const ends = Float64Array.from(order, (i) => ws[i].endS);
    const best = new Float64Array(order.length + 1);
    const take = new Uint8Array(order.length);
    const prevOf = new Int32Array(order.length);
    for (let q = 0; q < order.length; q++) {
      const w = order[q];
      const s = ws[w].blockSumS <= g * ws[w].lengthS + EPS && ws[w].upperS <= g * ws[w].lengthS + EPS ? 0 : skips(w, g);
      const prev = upperBound(ends, ws[w].startS); // windows ending at or before this one's start
      prevOf[q] = prev;
      if (s > 0 && best[prev] + s > best[q]) {
        best[q + 1] = best[prev] + s;
        take[q] = 1;
      } else best[q + 1] = best[q];
    }
    const chosen: number[] = [];
    for (let q = order.length - 1; q >= 0; ) {
      if (take[q]) {
        chosen.push(order[q]);
        q = prevOf[q] - 1;
      } else q--;
    }
    return { total: best[order.length], chosen: chosen.reverse() };
  }
}

const EPS = 1e-6;

/** Least count of the largest values (sorted descending) to remove so that total − removed ≤ capacity. */
function skipsToFit(sortedDesc: Float64Array, total: number, capacityS: number): number {
  let s = 0;
  let rest = total;
  while (rest > capacityS + 1e-9 && s < sortedDesc.length) rest -= sortedDesc[s++];
  return rest > capacityS + 1e-9 ? sortedDesc.length + 1 : s;
}

// ---------------------------------------------------------------------------------------------------------------

function validate(trips: readonly CarTimeTrip[], o: CarTimeBoundOptions): void {
  const num = (name: string, x: number, ok: boolean): void => {
    if (!ok) throw new Error(`car-time bound: ${name} is ${x}; it must be ${name === 'targetShare' ? 'in (0, 1]' : name === 'seats' ? 'an integer ≥ 1' : 'a finite number ≥ 0'}`);
  };
  num('withinS', o.withinS, o.withinS >= 0 && Number.isFinite(o.withinS));
  num('targetShare', o.targetShare, o.targetShare > 0 && o.targetShare <= 1);
  num('maxWaitS', o.maxWaitS, o.maxWaitS >= 0 && Number.isFinite(o.maxWaitS));
  num('pickupDwellS', o.pickupDwellS, o.pickupDwellS >= 0 && Number.isFinite(o.pickupDwellS));
  num('dropoffDwellS', o.dropoffDwellS, o.dropoffDwellS >= 0 && Number.isFinite(o.dropoffDwellS));
  num('seats', o.seats, Number.isInteger(o.seats) && o.seats >= 1);
  if (o.hourlyFactors.length !== 24 || !o.hourlyFactors.every((f) => f > 0 && Number.isFinite(f))) {
    throw new Error(`car-time bound: hourlyFactors must be 24 finite numbers > 0, got [${o.hourlyFactors.join(', ')}]`);
  }
  for (let j = 0; j < trips.length; j++) {
    const t = trips[j];
    if (!Number.isFinite(t.requestS)) throw new Error(`car-time bound: trips[${j}].requestS is ${t.requestS}; it must be finite`);
    if (!(t.rideFreeFlowS >= 0) || !Number.isFinite(t.rideFreeFlowS)) throw new Error(`car-time bound: trips[${j}].rideFreeFlowS is ${t.rideFreeFlowS}; it must be finite and ≥ 0`);
  }
}
