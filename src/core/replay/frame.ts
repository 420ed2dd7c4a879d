// One moment of a replay as marker buffers: where every placed vehicle is and what it is doing, and which riders wait
// where and for how long. Made for 60 frames a second with 10,000 cars: typed arrays reused between frames, and each
// vehicle's current keyframe copied into per-vehicle arrays so that a frame reads memory in order (the keyframe table
// is touched only when a vehicle's keyframe changes), and a window over requests by submission time.
import { ACTIVITY_COUNT, NEVER_S, type ReplayTimeline } from './timeline.js';

/** Node coordinates (degrees). */
export interface NodeCoordinates {
  nodeLon: ArrayLike<number>;
  nodeLat: ArrayLike<number>;
}

/**
 * Samples a timeline at any time. After `sampleAt(t)`, the first `carCount` entries of the car buffers and the first
 * `riderCount` entries of the rider buffers describe time t (positions as lon, lat pairs).
 *
 * @example
 * const frame = new FrameSampler(timeline, network);
 * frame.sampleAt(8 * 3600);
 * frame.carCount; // vehicles placed by 08:00
 */
/** The markers of one moment, as the map draws them (FrameSampler in replay, LiveFrame in live mode). */
export interface MarkerFrame {
  /** [lon, lat] per car, activity and vehicle index per car; carCount of them are valid. */
  readonly carPositions: Float32Array;
  readonly carActivity: Uint8Array;
  readonly carVehicle: Uint32Array;
  readonly carCount: number;
  /** [lon, lat] and seconds waited per waiting rider; riderCount of them are valid. */
  readonly riderPositions: Float32Array;
  readonly riderWaitS: Float32Array;
  readonly riderCount: number;
  /** Request index per waiting rider, where the frame knows it (replay), for picking a rider. */
  readonly riderRequest?: Uint32Array;
}

export class FrameSampler implements MarkerFrame {
  readonly carPositions: Float32Array;
  readonly carActivity: Uint8Array;
  /** Vehicle index of each car marker (markers skip vehicles not placed yet). */
  readonly carVehicle: Uint32Array;
  carCount = 0;
  /** Cars per Activity at the sampled time. */
  readonly activityCounts = new Int32Array(ACTIVITY_COUNT);
  riderPositions = new Float32Array(0);
  riderWaitS = new Float32Array(0);
  riderRequest = new Uint32Array(0);
  riderCount = 0;
  // Per vehicle, its keyframe in effect at the last sampled time (-1 before placement), when the next one starts
  // (+Infinity: none), and that keyframe's movement: coordinates of both ends, departure, arrival, activity.
  private readonly cur: Int32Array;
  private readonly nextS: Float64Array;
  private readonly fromLon: Float64Array;
  private readonly fromLat: Float64Array;
  private readonly toLon: Float64Array;
  private readonly toLat: Float64Array;
  private readonly departS: Float64Array;
  private readonly arriveS: Float64Array;
  private readonly activity: Uint8Array;
  private lastS = -Infinity;
  /** Requests in submission order, their submission times, and those still waiting when the log ends. */
  private readonly bySubmit: Uint32Array;
  private readonly submitSorted: Int32Array;
  private readonly waitingAtEnd: Uint32Array;
  // The timeline's arrays held directly (a decoded timeline is an object with many keys).
  private readonly vehicleCount: number;
  private readonly keyFirst: Uint32Array;
  private readonly keyS: Int32Array;
  private readonly keyFromNode: Uint32Array;
  private readonly keyToNode: Uint32Array;
  private readonly keyDepartS: Int32Array;
  private readonly keyArriveS: Int32Array;
  private readonly keyActivity: Uint8Array;
  private readonly nodeLon: ArrayLike<number>;
  private readonly nodeLat: ArrayLike<number>;
  private readonly requestSubmitS: Int32Array;
  private readonly requestEndWaitS: Int32Array;
  private readonly requestPickupNode: Uint32Array;
  private readonly longestWaitS: number;

  constructor(timeline: ReplayTimeline, nodes: NodeCoordinates) {
    const n = timeline.vehicleCount;
    this.vehicleCount = n;
    this.keyFirst = timeline.keyFirst;
    this.keyS = timeline.keyS;
    this.keyFromNode = timeline.keyFromNode;
    this.keyToNode = timeline.keyToNode;
    this.keyDepartS = timeline.keyDepartS;
    this.keyArriveS = timeline.keyArriveS;
    this.keyActivity = timeline.keyActivity;
    this.nodeLon = nodes.nodeLon;
    this.nodeLat = nodes.nodeLat;
    this.requestSubmitS = timeline.requestSubmitS;
    this.requestEndWaitS = timeline.requestEndWaitS;
    this.requestPickupNode = timeline.requestPickupNode;
    this.longestWaitS = timeline.longestWaitS;
    this.carPositions = new Float32Array(2 * n);
    this.carActivity = new Uint8Array(n);
    this.carVehicle = new Uint32Array(n);
    this.cur = new Int32Array(n);
    this.nextS = new Float64Array(n);
    this.fromLon = new Float64Array(n);
    this.fromLat = new Float64Array(n);
    this.toLon = new Float64Array(n);
    this.toLat = new Float64Array(n);
    this.departS = new Float64Array(n);
    this.arriveS = new Float64Array(n);
    this.activity = new Uint8Array(n);
    for (let v = 0; v < n; v++) this.load(v, -1, this.keyFirst[v + 1]);
    const submit = timeline.requestSubmitS;
    const order = Uint32Array.from({ length: timeline.requestCount }, (_, i) => i);
    let sorted = true;
    for (let r = 1; r < submit.length && sorted; r++) sorted = submit[r - 1] <= submit[r];
    if (!sorted) order.sort((a, b) => submit[a] - submit[b] || a - b);
    this.bySubmit = order;
    this.submitSorted = Int32Array.from(order, (r) => submit[r]);
    this.waitingAtEnd = Uint32Array.from(order.filter((r) => timeline.requestEndWaitS[r] === NEVER_S));
  }

  /** Fills the car and rider buffers for time t (seconds). */
  sampleAt(t: number): void {
    if (t < this.lastS) this.rewind(t);
    this.lastS = t;
    this.carCount = this.sampleCars(t);
    this.sampleRiders(t);
  }

  /**
   * Fills the car buffers; returns the number of cars. NOTE: the loop is alone in its function on purpose: with a
   * statement after it, V8's on-stack-replaced code for the loop lacked feedback for that statement and deoptimised
   * on every call.
   */
  private sampleCars(t: number): number {
    const { carPositions, carActivity, carVehicle, activityCounts, cur, nextS, fromLon, fromLat, toLon, toLat, departS, arriveS, activity } = this;
    activityCounts.fill(0);
    let n = 0;
    for (let v = 0; v < this.vehicleCount; v++) {
      if (t >= nextS[v]) this.advance(v, t);
      if (cur[v] < 0) continue;
      const d = departS[v];
      const a = arriveS[v];
      if (t <= d) {
        carPositions[2 * n] = fromLon[v];
        carPositions[2 * n + 1] = fromLat[v];
      } else if (t >= a) {
        carPositions[2 * n] = toLon[v];
        carPositions[2 * n + 1] = toLat[v];
      } else {
        const f = (t - d) / (a - d);
        carPositions[2 * n] = fromLon[v] + f * (toLon[v] - fromLon[v]);
        carPositions[2 * n + 1] = fromLat[v] + f * (toLat[v] - fromLat[v]);
      }
      const act = activity[v];
      carActivity[n] = act;
      activityCounts[act]++;
      carVehicle[n] = v;
      n++;
    }
    return n;
  }

  /** Moves vehicle v's keyframe forward to the one in effect at t (a few steps while playing; a search after a jump). */
  private advance(v: number, t: number): void {
    const { keyFirst, keyS } = this;
    const lo = keyFirst[v];
    const hi = keyFirst[v + 1];
    let k = this.cur[v] < 0 ? lo : this.cur[v];
    let steps = 0;
    while (k + 1 < hi && keyS[k + 1] <= t && steps < 4) {
      k++;
      steps++;
    }
    if (k + 1 < hi && keyS[k + 1] <= t) k = lastAtOrBefore(keyS, k, hi, t);
    this.load(v, k, hi);
  }

  /** Goes back to time t: every vehicle's keyframe found again by binary search. */
  private rewind(t: number): void {
    for (let v = 0; v < this.vehicleCount; v++) this.load(v, this.keyAt(v, t), this.keyFirst[v + 1]);
  }

  /** Copies keyframe k of vehicle v (or "not placed", k = -1) into the per-vehicle arrays. */
  private load(v: number, k: number, hi: number): void {
    const { keyS, nodeLon, nodeLat } = this;
    this.cur[v] = k;
    if (k < 0) {
      const lo = this.keyFirst[v];
      this.nextS[v] = hi > lo ? keyS[lo] : Infinity;
      return;
    }
    this.nextS[v] = k + 1 < hi ? keyS[k + 1] : Infinity;
    const from = this.keyFromNode[k];
    const to = this.keyToNode[k];
    this.fromLon[v] = nodeLon[from];
    this.fromLat[v] = nodeLat[from];
    this.toLon[v] = nodeLon[to];
    this.toLat[v] = nodeLat[to];
    // A standing vehicle (from = to) is at its node whatever the times say.
    this.departS[v] = from === to ? Infinity : this.keyDepartS[k];
    this.arriveS[v] = this.keyArriveS[k];
    this.activity[v] = this.keyActivity[k];
  }

  /** Where vehicle v is at time t as [lon, lat], or undefined before it is placed (leaves the frame as it is). */
  vehiclePosition(v: number, t: number): [number, number] | undefined {
    const k = this.keyAt(v, t);
    if (k < 0) return undefined;
    const { nodeLon, nodeLat } = this;
    const from = this.keyFromNode[k];
    const to = this.keyToNode[k];
    const d = this.keyDepartS[k];
    const a = this.keyArriveS[k];
    if (from === to || t <= d) return [nodeLon[from], nodeLat[from]];
    if (t >= a) return [nodeLon[to], nodeLat[to]];
    const f = (t - d) / (a - d);
    return [nodeLon[from] + f * (nodeLon[to] - nodeLon[from]), nodeLat[from] + f * (nodeLat[to] - nodeLat[from])];
  }

  /** The keyframe row of vehicle v in effect at time t, or -1 before it is placed (a binary search). */
  keyAt(v: number, t: number): number {
    const lo = this.keyFirst[v];
    const hi = this.keyFirst[v + 1];
    if (hi === lo || this.keyS[lo] > t) return -1;
    return lastAtOrBefore(this.keyS, lo, hi, t);
  }

  private sampleRiders(t: number): void {
    const { bySubmit, submitSorted, requestEndWaitS, requestSubmitS } = this;
    // Riders submitted longer ago than the longest finished wait have all stopped waiting, but for those still waiting
    // when the log ends (listed apart).
    const from = firstAtOrAfter(submitSorted, 0, submitSorted.length, t - this.longestWaitS);
    const to = firstAtOrAfter(submitSorted, from, submitSorted.length, t + 1);
    this.ensureRiderCapacity(to - from + this.waitingAtEnd.length);
    let n = 0;
    for (let i = from; i < to; i++) {
      const r = bySubmit[i];
      const endS = requestEndWaitS[r];
      if (endS !== NEVER_S && endS > t) n = this.addRider(n, r, t);
    }
    for (const r of this.waitingAtEnd) if (requestSubmitS[r] <= t) n = this.addRider(n, r, t);
    this.riderCount = n;
  }

  private addRider(n: number, r: number, t: number): number {
    const node = this.requestPickupNode[r];
    this.riderPositions[2 * n] = this.nodeLon[node];
    this.riderPositions[2 * n + 1] = this.nodeLat[node];
    this.riderWaitS[n] = t - this.requestSubmitS[r];
    this.riderRequest[n] = r;
    return n + 1;
  }

  private ensureRiderCapacity(n: number): void {
    if (this.riderWaitS.length >= n) return;
    const size = Math.max(n, 2 * this.riderWaitS.length, 64);
    this.riderPositions = new Float32Array(2 * size);
    this.riderWaitS = new Float32Array(size);
    this.riderRequest = new Uint32Array(size);
  }
}

/** Largest index i in [lo, hi) with a[i] <= t (a sorted ascending, a[lo] <= t). */
function lastAtOrBefore(a: Int32Array, lo: number, hi: number, t: number): number {
  let l = lo;
  let h = hi - 1;
  while (l < h) {
    const m = (l + h + 1) >> 1;
    if (a[m] <= t) l = m;
    else h = m - 1;
  }
  return l;
}

/** Smallest index i in [lo, hi] with a[i] >= t (hi if none; a sorted ascending). */
function firstAtOrAfter(a: Int32Array, lo: number, hi: number, t: number): number {
  let l = lo;
  let h = hi;
  while (l < h) {
    const m = (l + h) >> 1;
    if (a[m] < t) l = m + 1;
    else h = m;
  }
  return l;
}
