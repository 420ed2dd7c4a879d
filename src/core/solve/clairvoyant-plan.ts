// A feasible clairvoyant plan: cars that know every request of the day in advance, under the same rules as the
// lower bounds (docs/fleet-bound.md, E1–E5), scheduled by cheapest insertion in request order. The fleet it needs is
// an UPPER bound on the clairvoyant minimum fleet, so together with the car-time bound it brackets the optimum: if
// the plan needs X cars, no bound can ever prove more than X, and a preset needing P cars is at least P / X from the
// optimum. A measurement for docs/fleet-bound.md, not a dispatcher: it sees the whole day.
import type { CarTimeTrip } from './car-time-bound.js';

/** A request as the plan takes it: the bound's fields, and who may share (the engine's rules, which a plan must keep). */
export interface PlanTrip extends CarTimeTrip {
  /** Riders travelling together (default 1): they take as many seats. */
  riders?: number;
  /** False: nobody else may be aboard while this request is (default true). */
  acceptsSharing?: boolean;
}

export interface ClairvoyantPlanOptions {
  /** A request counts when picked up within this of its request time; requests no car can reach in time are dropped. */
  withinS: number;
  pickupDwellS: number;
  dropoffDwellS: number;
  /** Riders a car carries at once (1 or 2). */
  seats: number;
  /** Speed factor by departure hour (24 values), as in the engine. */
  hourlyFactors: readonly number[];
  /** Cars available; a car starts wherever and whenever its first pickup is. */
  fleet: number;
  /**
   * Shortest free-flow driving time, s (Infinity if unreachable). Shortest: the triangle inequality must hold (to
   * within 1 s along a ride), since insertion skips cars by a floor that assumes no ride past other stops is shorter.
   */
  freeFlowS: (from: number, to: number) => number;
  /** A cheap lower bound on freeFlowS, used only to skip cars that cannot reach a pickup in time (default 0). */
  freeFlowLowerS?: (from: number, to: number) => number;
  /**
   * Optional ride limit (the pooled preset's: a rider may ride at most max(minDetourS, detourShare × direct) longer than the
   * direct ride at the departure's factor). Without it, as in E1–E5, a rider may stay aboard any time.
   */
  rideLimit?: { detourShare: number; minDetourS: number };
  /** Only the last this many stops of a car may be moved by an insertion (default 4). */
  modifiableStops?: number;
  /**
   * When a request fits no car and the fleet is used up, give it the place of a request in some car's last
   * `modifiableStops` stops whose removal frees more car time than the new one costs, and plan the one given up
   * elsewhere, by ejection again up to `ejectDepth` requests deep (default 8), or drop it (default true).
   */
  eject?: boolean;
  ejectDepth?: number;
  /**
   * No shortcuts (default false): every car tried for every insertion and ejection, in index order, without the cost
   * floor that skips cars, and every round of `clairvoyantFleet`'s leaveOut planned from the day's start instead of
   * from the mark of the first hour it changes. The plans are the same either way, only slower: for tests that hold
   * the shortcuts to that.
   */
  noShortcuts?: boolean;
}

/** One stop of a planned car: arrival at `atS` (a pickup starts at max(arrival, request time)), departure `leaveS`. */
export interface PlannedStop {
  request: number;
  pickup: boolean;
  node: number;
  /** Pickup: the pickup time P (start of the dwell). Drop-off: arrival. */
  atS: number;
  /** When the car leaves the stop (after its dwell). */
  leaveS: number;
  /** Riders aboard after the stop. */
  aboard: number;
  /** Requests aboard after the stop. */
  parties: number;
  /** Of those, requests that refuse sharing. */
  solo: number;
}

export interface ClairvoyantPlan {
  /** Each used car's stops in order. */
  cars: PlannedStop[][];
  /** Requests picked up within withinS (every planned request is). */
  counted: number;
  /** Requests left out. */
  dropped: number;
  /** Requests that shared a car with another rider aboard at some point. */
  shared: number;
}

const EPS = 1e-6;

/**
 * Seconds a drive of `freeFlowS` departing at `departS` takes: the engine rounds free-flow × factor to whole seconds;
 * this rounds up (never less), so a planned car is never later than planned when it waits for its planned departures.
 */
export function plannedDriveS(freeFlowS: number, departS: number, hourlyFactors: readonly number[]): number {
  if (freeFlowS === 0) return 0;
  const h = Math.floor(departS / 3600) % 24;
  return Math.max(1, Math.ceil(freeFlowS * hourlyFactors[h < 0 ? h + 24 : h] - EPS));
}

/**
 * Plans the day: requests in order of request time, each inserted where it lengthens a car's plan least (its pickup
 * and drop-off anywhere among the car's last `modifiableStops` stops, seats and every pickup's wait limit kept), on a
 * new car while fewer than `fleet` are used, else in the place of a request it ejects (`eject`), or dropped.
 *
 * @example clairvoyantPlan(trips, { withinS: 300, pickupDwellS: 30, dropoffDwellS: 30, seats: 2, hourlyFactors, fleet: 150, freeFlowS })
 */
export function clairvoyantPlan(trips: readonly PlanTrip[], o: ClairvoyantPlanOptions): ClairvoyantPlan {
  return planDay(trips, o, memoFreeFlow(o.freeFlowS, trips));
}

/** The functions memoFreeFlow made: planning with one of them memoises nothing again. */
const MEMOISED = new WeakSet<(from: number, to: number) => number>();

/**
 * freeFlowS remembered per node pair: a plan asks the same pairs many times, and a fleet search plans the same day
 * again and again. Keys are from × span + to, span one more than the largest node of `trips`; pairs beyond it (other
 * trips) are asked of freeFlowS every time. Give plans and searches of one day the same memo (as `freeFlowS`) so that
 * they share it: `clairvoyantPlan` and `clairvoyantFleet` memoise only a function that is not one already.
 */
export function memoFreeFlow(freeFlowS: (from: number, to: number) => number, trips: readonly PlanTrip[]): (from: number, to: number) => number {
  if (MEMOISED.has(freeFlowS)) return freeFlowS;
  const cache = new Map<number, number>();
  const span = 1 + trips.reduce((m, t) => Math.max(m, t.pickupNode, t.dropoffNode), 0);
  const memo = (a: number, b: number): number => {
    if (a === b) return 0;
    if (a >= span || b >= span) return freeFlowS(a, b);
    const key = a * span + b;
    let v = cache.get(key);
    if (v === undefined) {
      v = freeFlowS(a, b);
      cache.set(key, v);
    }
    return v;
  };
  MEMOISED.add(memo);
  return memo;
}

/** The hour a request belongs to for leaving rides out (`LeaveOutRounds`), and for the marks a plan leaves. */
const hourOf = (t: PlanTrip): number => Math.max(0, Math.floor(t.requestS / 3600));

/**
 * A plan's state where it reached the first request of an hour: the cars' stops (stop arrays are never changed once
 * made, only replaced, so the outer array's copy is the state), the requests dropped so far and the position in request
 * order. A plan that differs only in requests of that hour or later starts from here.
 */
interface HourMark {
  position: number;
  cars: PlannedStop[][];
  dropped: number;
}

/** How planDay runs for clairvoyantFleet's rounds: requests left out beforehand, a mark to start from, marks to leave. */
interface DayRun {
  /** left[i] = 1: request i is left out (not planned, not counted). */
  left?: Uint8Array;
  /** Start at this mark of an earlier plan whose left-out requests before its hour were the same. */
  from?: HourMark;
  /** Where to leave the marks of the hours this plan reaches (marks[h]; earlier entries kept). */
  marks?: HourMark[];
}

/**
 * clairvoyantPlan with its (memoised) free-flow times given, so that a search shares them between plans, and with
 * requests left out in place (`run.left`) so that a plan can start from an earlier plan's hour mark (`run.from`).
 */
function planDay(trips: readonly PlanTrip[], o: ClairvoyantPlanOptions, ff: (from: number, to: number) => number, run: DayRun = {}): ClairvoyantPlan {
  if (!(o.seats === 1 || o.seats === 2)) throw new Error(`clairvoyantPlan: seats ${o.seats} must be 1 or 2`);
  if (!(Number.isInteger(o.fleet) && o.fleet >= 0)) throw new Error(`clairvoyantPlan: fleet ${o.fleet} must be an integer ≥ 0`);
  const K = o.modifiableStops ?? 4;
  const lower = o.freeFlowLowerS ?? (() => 0);
  const f = o.hourlyFactors;
  const dp = o.pickupDwellS;
  const dd = o.dropoffDwellS;
  const order = trips.map((_, i) => i).sort((a, b) => trips[a].requestS - trips[b].requestS || a - b);
  const cars: PlannedStop[][] = run.from ? run.from.cars.slice() : [];
  const sharedBy = new Uint8Array(trips.length);
  let dropped = run.from?.dropped ?? 0;
  const ridersOf = (r: number): number => trips[r].riders ?? 1;
  // The least factor of the day: a drive never takes less than its free-flow lower bound times this.
  const leastFactor = minFactor(f);
  const rideLimitS = (r: number, departS: number): number => {
    if (!o.rideLimit) return Infinity;
    const direct = plannedDriveS(trips[r].rideFreeFlowS, departS, f);
    return direct + Math.max(o.rideLimit.minDetourS, o.rideLimit.detourShare * direct);
  };

  const stopBuf: PlannedStop[] = [];
  // Pickup times of the riders of the car being evaluated, by request (ride limits only), reused between evaluations.
  // A drop-off replayed reads its rider's pickup only after this replay wrote it (fillPickupAt or visit), so entries
  // other cars left behind are never read and nothing needs clearing.
  const pickupAt = new Float64Array(o.rideLimit ? trips.length : 0);
  // Riders aboard before position `pi` were all picked up after the car was last empty: only those pickups matter.
  const fillPickupAt = (stops: readonly PlannedStop[], pi: number): void => {
    let k = pi - 1;
    while (k >= 0 && stops[k].parties > 0) k--;
    for (k++; k < pi; k++) if (stops[k].pickup) pickupAt[stops[k].request] = stops[k].atS;
  };
  // The replay in progress (evaluate or without; one at a time): where the car is, when it leaves, who is aboard, and
  // the last stop's start. Scalars shared by both, so a replay allocates nothing per stop.
  let node = -1;
  let t = 0;
  let aboard = 0;
  let parties = 0;
  let solo = 0;
  let atS = 0;
  // Starts a replay of `stops` at position p: the car as it leaves stop p − 1 (or, at p = 0, nowhere at startS).
  const replayFrom = (stops: readonly PlannedStop[], p: number, startS: number): void => {
    node = p > 0 ? stops[p - 1].node : -1;
    t = p > 0 ? stops[p - 1].leaveS : startS;
    aboard = p > 0 ? stops[p - 1].aboard : 0;
    parties = p > 0 ? stops[p - 1].parties : 0;
    solo = p > 0 ? stops[p - 1].solo : 0;
    if (o.rideLimit) fillPickupAt(stops, p);
  };
  // Drives to `at` and serves r's pickup or drop-off there; false if that breaks a wait limit, a seat, sharing or a
  // ride limit (or no road leads there).
  const visit = (r: number, pickup: boolean, at: number): boolean => {
    const arrive = node < 0 ? t : t + plannedDriveS(ff(node, at), t, f);
    if (!Number.isFinite(arrive)) return false;
    if (pickup) {
      atS = Math.max(arrive, trips[r].requestS);
      if (atS > trips[r].requestS + o.withinS) return false;
      t = atS + dp;
      aboard += ridersOf(r);
      parties++;
      if (trips[r].acceptsSharing === false) solo++;
      if (aboard > o.seats || (solo > 0 && parties > 1)) return false;
      if (o.rideLimit) pickupAt[r] = atS;
    } else {
      atS = arrive;
      t = atS + dd;
      aboard -= ridersOf(r);
      parties--;
      if (trips[r].acceptsSharing === false) solo--;
      if (o.rideLimit) {
        const p = pickupAt[r];
        if (atS - (p + dp) > rideLimitS(r, p + dp)) return false;
      }
    }
    node = at;
    return true;
  };
  // Replays a car's stops from position `pi` on with the new rider's two stops inserted at `pi` and `di` (positions in
  // the new sequence); returns the new end (last leaveS) or -1 if a wait limit, a seat, sharing or a ride limit is
  // broken. With `write`, stores the new sequence.
  const evaluate = (c: number, j: number, pi: number, di: number, write: boolean): number => {
    const old = cars[c];
    const L = old.length;
    const tj = trips[j];
    // Sequence in new indices: k < pi → old[k]; k = pi → pickup j; pi < k < di → old[k - 1]; k = di → drop j; k > di → old[k - 2].
    replayFrom(old, pi, tj.requestS);
    if (write) stopBuf.length = 0;
    for (let k = pi; k < L + 2; k++) {
      let r: number;
      let pickup: boolean;
      let at: number;
      if (k === pi) {
        r = j;
        pickup = true;
        at = tj.pickupNode;
      } else if (k === di) {
        r = j;
        pickup = false;
        at = tj.dropoffNode;
      } else {
        const s = old[k < di ? k - 1 : k - 2];
        r = s.request;
        pickup = s.pickup;
        at = s.node;
      }
      if (!visit(r, pickup, at)) return -1;
      if (write) stopBuf.push({ request: r, pickup, node: at, atS, leaveS: t, aboard, parties, solo });
      // Past both new stops, an old stop reached at its old time leaves everything after it unchanged.
      if (!write && k > di && !o.rideLimit) {
        const s = old[k - 2];
        if (atS === s.atS && t === s.leaveS) return old[L - 1].leaveS;
      }
    }
    if (write) cars[c] = [...old.slice(0, pi), ...stopBuf];
    return t;
  };

  // The cheapest insertion found so far by tryCar: car, cost (the car's new end minus a reference end) and positions.
  let bestCar = -1;
  let bestCost = Infinity;
  let bestPi = 0;
  let bestDi = 0;
  // Tries every insertion of j among car c's last K stops; keeps it in best* if it ends the car earlier than
  // refEndS + bestCost.
  const tryCar = (c: number, j: number, refEndS: number): void => {
    const tj = trips[j];
    const latest = tj.requestS + o.withinS;
    const rj = ridersOf(j);
    const shares = tj.acceptsSharing !== false;
    const s = cars[c];
    const L = s.length;
    const lo = Math.max(1, L - K);
    for (let pi = L; pi >= lo; pi--) {
      const prev = s[pi - 1];
      if (prev.leaveS + lower(prev.node, tj.pickupNode) * leastFactor > latest) continue;
      // Inserted among others' stops, j rides with someone: seats and sharing must allow it.
      if (pi < L && (prev.aboard + rj > o.seats || prev.solo > 0 || (!shares && prev.parties > 0))) continue;
      const first = prev.leaveS + plannedDriveS(ff(prev.node, tj.pickupNode), prev.leaveS, f);
      if (first > latest) continue;
      for (let di = pi + 1; di <= L + 1; di++) {
        // The old stops between the two new ones carry j too: seats and sharing must allow it.
        if (di - 1 > pi && (s[di - 2].aboard + rj > o.seats || s[di - 2].solo > 0 || (!shares && s[di - 2].parties > 0))) break;
        const end = evaluate(c, j, pi, di, false);
        if (end < 0) continue;
        const cost = end - refEndS;
        // Of equal costs the lowest car wins, and within a car the first found, whatever order cars are tried in.
        if (cost < bestCost || (cost === bestCost && c < bestCar)) {
          bestCost = cost;
          bestCar = c;
          bestPi = pi;
          bestDi = di;
        }
      }
    }
  };
  // No insertion of j ends its car before this: j is picked up at its request time at the earliest, then come its two
  // dwells and the drive to its drop-off, at least its free-flow ride at the day's least factor (each leg rounds up,
  // and free-flow times are shortest paths, so a ride via other stops is no shorter; 1 s covers sums of floats).
  // Infinity if no road leads from its pickup to its drop-off: then no car can take it.
  const earliestEndS = (j: number): number => {
    const tj = trips[j];
    return tj.requestS + dp + ff(tj.pickupNode, tj.dropoffNode) * leastFactor - 1 + dd;
  };
  // With noShortcuts, a floor that skips nothing (and cars stay in index order).
  const floorOf = (j: number): number => (o.noShortcuts ? -Infinity : earliestEndS(j));
  // Car indices, latest plan end first: the order insertCheapest tries them in (index order with noShortcuts).
  let byEnd = new Int32Array(0);
  const carEnd = (c: number): number => cars[c][cars[c].length - 1].leaveS;
  // Every car is tried, latest plan end first, until the cost floor (earliestEndS − the car's end, which only grows
  // along that order) exceeds the cheapest insertion found: cars that have stood idle long cannot beat a car going
  // that way. The choice is the one trying every car in index order would make (tryCar's tie rule).
  const insertCheapest = (j: number): boolean => {
    bestCar = -1;
    bestCost = Infinity;
    const floorS = floorOf(j);
    if (floorS === Infinity) return false;
    if (byEnd.length !== cars.length) byEnd = Int32Array.from(cars, (_, c) => c);
    if (!o.noShortcuts) byEnd.sort((a, b) => carEnd(b) - carEnd(a) || a - b);
    for (const c of byEnd) {
      const refEndS = carEnd(c);
      const floorCost = floorS - refEndS;
      if (floorCost > bestCost) break;
      if (floorCost === bestCost && c > bestCar) continue;
      tryCar(c, j, refEndS);
    }
    if (bestCar < 0) return false;
    evaluate(bestCar, j, bestPi, bestDi, true);
    return true;
  };

  // Car c's stops with request r (picked up at position p ≥ 1) taken out, replayed from p; null if the replay breaks a
  // rule (drive times depend on the departure hour, so an earlier car is not always an earlier arrival).
  const without = (c: number, p: number): PlannedStop[] | null => {
    const old = cars[c];
    const r = old[p].request;
    const out = old.slice(0, p);
    replayFrom(old, p, 0);
    for (let k = p + 1; k < old.length; k++) {
      const s = old[k];
      if (s.request === r) continue;
      if (!visit(s.request, s.pickup, s.node)) return null;
      out.push({ request: s.request, pickup: s.pickup, node: s.node, atS, leaveS: t, aboard, parties, solo });
    }
    return out;
  };

  // Ejection (o.eject): j fits no car and the fleet is used up. Looks in every car's last K stops for a request r
  // whose pickup and drop-off both lie there and whose removal frees more of the car's time than j then costs (the
  // car's plan ends earlier with j in r's place); takes the one that frees most, puts j there and r wherever it is
  // cheapest, else gives r the same chance `depth` − 1 more times, else drops r. Returns whether j was planned. The
  // count is the same, but car time is freed for later requests. Each ejection ends some car's plan earlier, so a
  // chain of them cannot cycle; the depth only bounds its length (on SF, chains beyond 8 changed nothing).
  const eject = (j: number, depth: number): boolean => {
    let ejCar = -1;
    let ejStops: PlannedStop[] | null = null;
    let ejR = -1;
    let ejPi = 0;
    let ejDi = 0;
    // An ejection must end its car's plan earlier, and more so than the best so far.
    let ejCost = -EPS;
    const floorS = floorOf(j);
    for (let c = 0; c < cars.length; c++) {
      const s = cars[c];
      const L = s.length;
      const oldEnd = s[L - 1].leaveS;
      // j ends no car before earliestEndS: where that is not before this car's end less the best gain so far, no
      // ejection from this car can do better.
      if (floorS - oldEnd >= ejCost) continue;
      for (let p = Math.max(1, L - K); p < L; p++) {
        if (!s[p].pickup) continue;
        const reduced = without(c, p);
        if (!reduced) continue;
        cars[c] = reduced;
        bestCar = -1;
        bestCost = ejCost;
        tryCar(c, j, oldEnd);
        cars[c] = s;
        if (bestCar >= 0) {
          ejCost = bestCost;
          ejCar = c;
          ejStops = reduced;
          ejR = s[p].request;
          ejPi = bestPi;
          ejDi = bestDi;
        }
      }
    }
    if (ejCar < 0) return false;
    cars[ejCar] = ejStops!;
    evaluate(ejCar, j, ejPi, ejDi, true);
    if (!insertCheapest(ejR) && !(depth > 1 && eject(ejR, depth - 1))) dropped++;
    return true;
  };

  const { left, marks } = run;
  // The next hour whose mark this plan leaves.
  let nextMark = run.from ? hourOf(trips[order[run.from.position]]) : 0;
  for (let q = run.from?.position ?? 0; q < order.length; q++) {
    const j = order[q];
    const tj = trips[j];
    if (marks) for (const h = hourOf(tj); nextMark <= h; nextMark++) marks[nextMark] = { position: q, cars: cars.slice(), dropped };
    if (left?.[j]) continue;
    const rj = ridersOf(j);
    if (insertCheapest(j)) continue;
    const drivable = Number.isFinite(ff(tj.pickupNode, tj.dropoffNode)) && rj <= o.seats;
    if (cars.length < o.fleet && drivable) {
      const P = tj.requestS;
      const D = P + dp + plannedDriveS(ff(tj.pickupNode, tj.dropoffNode), P + dp, f);
      const shares = tj.acceptsSharing !== false;
      cars.push([
        { request: j, pickup: true, node: tj.pickupNode, atS: P, leaveS: P + dp, aboard: rj, parties: 1, solo: shares ? 0 : 1 },
        { request: j, pickup: false, node: tj.dropoffNode, atS: D, leaveS: D + dd, aboard: 0, parties: 0, solo: 0 },
      ]);
    } else if (!((o.eject ?? true) && drivable && eject(j, o.ejectDepth ?? 8))) dropped++;
  }
  // Riders aboard together at some point.
  for (const s of cars) {
    const aboard: number[] = [];
    for (const st of s) {
      if (st.pickup) {
        aboard.push(st.request);
        if (aboard.length > 1) for (const r of aboard) sharedBy[r] = 1;
      } else aboard.splice(aboard.indexOf(st.request), 1);
    }
  }
  let shared = 0;
  for (const x of sharedBy) shared += x;
  let leftOut = 0;
  if (left) for (const x of left) leftOut += x;
  return { cars, counted: trips.length - leftOut - dropped, dropped: dropped + leftOut, shared };
}

function minFactor(f: readonly number[]): number {
  let m = Infinity;
  for (const x of f) m = Math.min(m, x);
  return m;
}

/**
 * Leaving rides out where the plan runs short (`clairvoyantFleet`'s `leaveOut`): a plan that drops requests at a
 * busy hour drops whichever arrive when every car is taken, often short ones, while long rides it did take hold
 * cars. So after a plan that misses the target, the longest rides of each hour that dropped d requests are left out
 * beforehand (`share` × d of them, rounded up) and the day is planned again, for at most `rounds` more plans; the
 * first plan that counts enough, else the one that counted most, is kept. What it leaves out counts as missed.
 */
export interface LeaveOutRounds {
  share: number;
  rounds: number;
}

/**
 * The fleets `clairvoyantFleet` searches: from `max` (doubled until a plan suffices, unless `grow` is false) down to
 * `min`, stepping down before bisecting with `descend`.
 */
export interface FleetRange {
  min: number;
  max: number;
  grow?: boolean;
  descend?: boolean;
}

/**
 * The smallest fleet whose plan counts at least `targetShare` of the requests: plans at `range.max` (doubled up to
 * one car per request until it suffices; with `range.grow` false it stops there instead, `met` false, when that plan
 * falls short), then bisects down to `range.min`. With `range.descend` it first steps down from the top by 1, 2, 4, …
 * cars while plans suffice, and bisects only between the last that did and the first that did not: fewer plans when
 * the answer lies just below the top (a thorough search below a quick answer). Dropped requests need not fall
 * monotonically with the fleet, so this is the smallest fleet the search found sufficient, not necessarily the
 * smallest that is; every fleet it reports is sufficient, which is all an upper bound needs. Plans refer to `trips`
 * by index, whatever `leaveOut` left out.
 */
export function clairvoyantFleet(
  trips: readonly PlanTrip[],
  targetShare: number,
  o: Omit<ClairvoyantPlanOptions, 'fleet'>,
  range: FleetRange,
  onPlan?: (fleet: number, counted: number) => void,
  leaveOut?: LeaveOutRounds,
): { fleet: number; met: boolean; plan: ClairvoyantPlan; tried: { fleet: number; counted: number }[] } {
  const need = Math.ceil(targetShare * trips.length - EPS);
  const tried: { fleet: number; counted: number }[] = [];
  // One memo for every plan of the search (its keys span all of `trips`, so subsets left by leaveOut share it).
  const ff = memoFreeFlow(o.freeFlowS, trips);
  // Each hour's requests, longest ride first: the order in which leaveOut gives them up.
  const byHour: number[][] = [];
  trips.forEach((t, i) => (byHour[hourOf(t)] ??= []).push(i));
  for (const h of byHour) h?.sort((a, b) => trips[b].rideFreeFlowS - trips[a].rideFreeFlowS || a - b);
  const planAt = (fleet: number): ClairvoyantPlan => {
    const left = new Uint8Array(trips.length);
    // Each round's plan leaves a mark at every hour; the next round starts at the mark of the first hour it leaves
    // more rides out of, since up to there it would plan the same.
    const marks: HourMark[] = [];
    let from: HourMark | undefined;
    let best: ClairvoyantPlan | undefined;
    for (let round = 0; round <= (leaveOut?.rounds ?? 0); round++) {
      const plan = planDay(trips, { ...o, fleet }, ff, leaveOut ? { left, from, marks } : {});
      if (!best || plan.counted > best.counted) best = plan;
      if (plan.counted >= need || !leaveOut) break;
      const planned = new Uint8Array(trips.length);
      for (const car of plan.cars) for (const st of car) planned[st.request] = 1;
      const droppedInHour: number[] = [];
      for (let i = 0; i < trips.length; i++) {
        if (planned[i] || left[i]) continue;
        const h = hourOf(trips[i]);
        droppedInHour[h] = (droppedInHour[h] ?? 0) + 1;
      }
      let firstHour = Infinity;
      droppedInHour.forEach((d, h) => {
        let more = Math.ceil(leaveOut.share * d);
        for (const i of byHour[h] ?? []) {
          if (more <= 0) break;
          if (!left[i]) {
            left[i] = 1;
            more--;
            firstHour = Math.min(firstHour, h);
          }
        }
      });
      if (!o.noShortcuts) from = marks[firstHour];
    }
    tried.push({ fleet, counted: best!.counted });
    onPlan?.(fleet, best!.counted);
    return best!;
  };
  const cap = Math.max(1, trips.length);
  let hi = Math.min(cap, Math.max(range.min, range.max));
  let lo = Math.max(0, range.min);
  let best: { fleet: number; plan: ClairvoyantPlan } | undefined;
  for (;;) {
    const plan = planAt(hi);
    if (plan.counted >= need) {
      best = { fleet: hi, plan };
      break;
    }
    if (range.grow === false) return { fleet: hi, met: false, plan, tried };
    if (hi >= cap) throw new Error(`clairvoyantFleet: even ${cap} cars count only ${plan.counted} of the ${need} requests needed`);
    lo = hi + 1;
    hi = Math.min(cap, Math.max(1, hi * 2));
  }
  if (range.descend) {
    for (let step = 1; best.fleet - step >= lo; step *= 2) {
      const fleet: number = best.fleet - step;
      const plan = planAt(fleet);
      if (plan.counted < need) {
        lo = fleet + 1;
        break;
      }
      best = { fleet, plan };
    }
  }
  hi = best.fleet - 1;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const plan = planAt(mid);
    if (plan.counted >= need) {
      best = { fleet: mid, plan };
      hi = mid - 1;
    } else lo = mid + 1;
  }
  return { ...best, met: true, tried };
}

/**
 * Checks a plan against the rules on its own, from the stops' order alone (not trusting their times): each car
 * starts at its first pickup at that request's time, drives each leg departing when the previous stop's dwell ends
 * (taking `plannedDriveS`), picks up no earlier than the request time and within withinS, carries at most `seats`
 * riders and nobody beside a request that refuses sharing, keeps the ride limit if one is given, and drops off every
 * rider it picked up, after the pickup; no request is planned twice. Returns the requests
 * counted, or throws naming the first broken rule.
 */
export function verifyClairvoyantPlan(
  trips: readonly PlanTrip[],
  plan: { cars: readonly (readonly Pick<PlannedStop, 'request' | 'pickup' | 'node'>[])[] },
  o: Omit<ClairvoyantPlanOptions, 'fleet' | 'freeFlowLowerS' | 'modifiableStops'>,
): number {
  const seen = new Uint8Array(trips.length);
  let counted = 0;
  plan.cars.forEach((stops, c) => {
    const aboard = new Map<number, number>();
    let node = -1;
    let t = 0;
    for (const s of stops) {
      const tr = trips[s.request];
      if (tr === undefined) throw new Error(`car ${c}: unknown request ${s.request}`);
      if (s.node !== (s.pickup ? tr.pickupNode : tr.dropoffNode)) throw new Error(`car ${c}: request ${s.request} stop at the wrong node`);
      const arrive = node < 0 ? tr.requestS : t + plannedDriveS(o.freeFlowS(node, s.node), t, o.hourlyFactors);
      if (!Number.isFinite(arrive)) throw new Error(`car ${c}: no road to request ${s.request}`);
      if (s.pickup) {
        if (seen[s.request]) throw new Error(`request ${s.request} planned twice`);
        seen[s.request] = 1;
        const P = Math.max(arrive, tr.requestS);
        if (P - tr.requestS > o.withinS) throw new Error(`car ${c}: request ${s.request} picked up ${P - tr.requestS} s after its request`);
        aboard.set(s.request, P + o.pickupDwellS);
        let riders = 0;
        for (const r of aboard.keys()) riders += trips[r].riders ?? 1;
        if (riders > o.seats) throw new Error(`car ${c}: ${riders} riders aboard`);
        if (aboard.size > 1 && [...aboard.keys()].some((r) => trips[r].acceptsSharing === false)) throw new Error(`car ${c}: a request that refuses sharing rides with another`);
        t = P + o.pickupDwellS;
        counted++;
      } else {
        const from = aboard.get(s.request);
        if (from === undefined) throw new Error(`car ${c}: request ${s.request} dropped off but not aboard`);
        if (o.rideLimit) {
          const direct = plannedDriveS(tr.rideFreeFlowS, from, o.hourlyFactors);
          if (arrive - from > direct + Math.max(o.rideLimit.minDetourS, o.rideLimit.detourShare * direct)) throw new Error(`car ${c}: request ${s.request} rides beyond the limit`);
        }
        aboard.delete(s.request);
        t = arrive + o.dropoffDwellS;
      }
      node = s.node;
    }
    if (aboard.size > 0) throw new Error(`car ${c}: riders ${[...aboard.keys()].join(', ')} never dropped off`);
  });
  return counted;
}
