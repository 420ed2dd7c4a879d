// One moment of a replay as marker buffers: where every placed vehicle is and what it is doing, and which riders wait
// where and for how long. Made for 60 frames a second: typed arrays reused between frames, a per-vehicle cursor that
// only steps forward while playing (binary search after a jump back), and a window over requests by submission time.
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
export class FrameSampler {
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
  private readonly cursor: Uint32Array;
  /** Requests in submission order, their submission times, and those still waiting when the log ends. */
  private readonly bySubmit: Uint32Array;
  private readonly submitSorted: Int32Array;
  private readonly waitingAtEnd: Uint32Array;
  private readonly point = new Float64Array(2);

  constructor(
    private readonly timeline: ReplayTimeline,
    private readonly nodes: NodeCoordinates,
  ) {
    const n = timeline.vehicleCount;
    this.carPositions = new Float32Array(2 * n);
    this.carActivity = new Uint8Array(n);
    this.carVehicle = new Uint32Array(n);
    this.cursor = timeline.keyFirst.slice(0, n);
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
    const tl = this.timeline;
    const { carPositions, carActivity, carVehicle, activityCounts, point } = this;
    activityCounts.fill(0);
    let n = 0;
    for (let v = 0; v < tl.vehicleCount; v++) {
      const k = this.keyAt(v, t);
      if (k < 0) continue;
      this.positionOf(k, t, point);
      carPositions[2 * n] = point[0];
      carPositions[2 * n + 1] = point[1];
      const a = tl.keyActivity[k];
      carActivity[n] = a;
      activityCounts[a]++;
      carVehicle[n] = v;
      n++;
    }
    this.carCount = n;
    this.sampleRiders(t);
  }

  /** Where vehicle v is at time t as [lon, lat], or undefined before it is placed. */
  vehiclePosition(v: number, t: number): [number, number] | undefined {
    const k = this.keyAt(v, t);
    if (k < 0) return undefined;
    this.positionOf(k, t, this.point);
    return [this.point[0], this.point[1]];
  }

  /** The keyframe row of vehicle v in effect at time t, or -1 before it is placed. Moves the vehicle's cursor. */
  keyAt(v: number, t: number): number {
    const { keyFirst, keyS } = this.timeline;
    const lo = keyFirst[v];
    const hi = keyFirst[v + 1];
    if (hi === lo || keyS[lo] > t) return -1;
    let k = this.cursor[v];
    if (keyS[k] > t) {
      k = lastAtOrBefore(keyS, lo, k, t);
    } else {
      // Playing forward: a few steps at most per frame; after a jump, a binary search.
      let steps = 0;
      while (k + 1 < hi && keyS[k + 1] <= t && steps < 4) {
        k++;
        steps++;
      }
      if (k + 1 < hi && keyS[k + 1] <= t) k = lastAtOrBefore(keyS, k, hi, t);
    }
    this.cursor[v] = k;
    return k;
  }

  private positionOf(k: number, t: number, out: Float64Array): void {
    const tl = this.timeline;
    const { nodeLon, nodeLat } = this.nodes;
    const from = tl.keyFromNode[k];
    const to = tl.keyToNode[k];
    const departS = tl.keyDepartS[k];
    const arriveS = tl.keyArriveS[k];
    if (from === to || t <= departS) {
      out[0] = nodeLon[from];
      out[1] = nodeLat[from];
    } else if (t >= arriveS) {
      out[0] = nodeLon[to];
      out[1] = nodeLat[to];
    } else {
      const f = (t - departS) / (arriveS - departS);
      out[0] = nodeLon[from] + f * (nodeLon[to] - nodeLon[from]);
      out[1] = nodeLat[from] + f * (nodeLat[to] - nodeLat[from]);
    }
  }

  private sampleRiders(t: number): void {
    const tl = this.timeline;
    const { bySubmit, submitSorted } = this;
    // Riders submitted longer ago than the longest finished wait have all stopped waiting, but for those still waiting
    // when the log ends (listed apart).
    const from = firstAtOrAfter(submitSorted, 0, submitSorted.length, t - tl.longestWaitS);
    const to = firstAtOrAfter(submitSorted, from, submitSorted.length, t + 1);
    this.ensureRiderCapacity(to - from + this.waitingAtEnd.length);
    let n = 0;
    for (let i = from; i < to; i++) {
      const r = bySubmit[i];
      const endS = tl.requestEndWaitS[r];
      if (endS !== NEVER_S && endS > t) n = this.addRider(n, r, t);
    }
    for (const r of this.waitingAtEnd) if (tl.requestSubmitS[r] <= t) n = this.addRider(n, r, t);
    this.riderCount = n;
  }

  private addRider(n: number, r: number, t: number): number {
    const node = this.timeline.requestPickupNode[r];
    this.riderPositions[2 * n] = this.nodes.nodeLon[node];
    this.riderPositions[2 * n + 1] = this.nodes.nodeLat[node];
    this.riderWaitS[n] = t - this.timeline.requestSubmitS[r];
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
