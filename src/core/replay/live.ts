// The live dashboard protocol (decision 0015): what the live service sends a dashboard over its WebSocket. One
// snapshot when the page connects (or falls behind), then deltas at most `hz` times a second holding only the cars
// whose keyframe changed and the riders who started or stopped waiting since the last delta. A car is sent as its
// keyframe (what it does, the leg it drives and when), not as a position: the page moves it along the leg itself,
// so a car driving a straight leg costs nothing until it arrives.
//
// `LiveFleetFeed` is the server's side (a fold of the engine's events, the replay timeline's own fold); `LiveFrame`
// the page's (the latest keyframes, sampled at the page's clock into the markers the map draws).
import type { SimEvent } from '../sim/events.js';
import type { Kpis } from '../metrics/kpis.js';
import type { MarkerFrame, NodeCoordinates } from './frame.js';
import { ACTIVITY_COUNT, ReplayTimelineBuilder } from './timeline.js';

/** Numbers per car in `cars`: vehicle, activity, fromNode, toNode, departS, arriveS. */
export const LIVE_CAR_FIELDS = 6;
/** Numbers per rider in `riders` / `ridersAdded`: request, pickupNode, submitS. */
export const LIVE_RIDER_FIELDS = 3;

/** The KPIs a live page shows (fields of Kpis, from KpiAccumulator.resultAt at the engine's time). */
export const LIVE_KPI_FIELDS = ['requests', 'served', 'servedPct', 'within5MinPct', 'waitMeanS', 'waitP95S', 'utilization', 'emptyShare'] as const satisfies readonly (keyof Kpis)[];
export type LiveKpis = Record<(typeof LIVE_KPI_FIELDS)[number], number | null>;

export interface LiveSnapshot {
  type: 'snapshot';
  /** Engine seconds this state holds at, and engine seconds per wall second. */
  timeS: number;
  speed: number;
  /** Flat, LIVE_CAR_FIELDS per placed car. */
  cars: number[];
  /** Flat, LIVE_RIDER_FIELDS per waiting rider. */
  riders: number[];
  /** Registered vehicle ids by car: [car, vehicleId]. */
  ids: [number, string][];
  kpis: LiveKpis;
  requestsPaused: boolean;
}

export interface LiveDelta {
  type: 'delta';
  timeS: number;
  cars: number[];
  ridersAdded: number[];
  /** Requests whose riders no longer wait (picked up, cancelled, rejected). */
  ridersGone: number[];
  ids?: [number, string][];
  kpis?: LiveKpis;
  requestsPaused?: boolean;
}

export interface LiveError {
  type: 'error';
  error: string;
  reason: string;
}

export type LiveMessage = LiveSnapshot | LiveDelta | LiveError;

/** What the page sends: its operator API key, first and once. */
export interface LiveAuth {
  type: 'auth';
  token: string;
}

function liveKpis(k: Kpis): LiveKpis {
  // JSON has no NaN (a mean wait before any pickup): null.
  return Object.fromEntries(LIVE_KPI_FIELDS.map((f) => [f, Number.isFinite(k[f]) ? k[f] : null])) as LiveKpis;
}

/**
 * The server side: folds the engine's events as they come and answers snapshots and deltas.
 *
 * @example
 * const feed = new LiveFleetFeed();
 * conductor.onEvent((ev) => feed.add(ev));
 * ws.send(JSON.stringify(feed.snapshot(nowS, speed, ids, false)));
 * setInterval(() => broadcast(JSON.stringify(feed.takeDelta(nowS))), 250);
 */
export class LiveFleetFeed {
  private readonly fold = new ReplayTimelineBuilder({ kpiStepS: 3600 });
  private readonly dirtyCars = new Set<number>();
  private readonly dirtyRequests = new Set<number>();
  private readonly waiting = new Set<number>();
  private lastS = 0;
  events = 0;

  add(ev: SimEvent): void {
    this.fold.add(ev);
    this.events++;
    this.lastS = ev.timeS;
    if ('vehicle' in ev && ev.vehicle >= 0) this.dirtyCars.add(ev.vehicle);
    if ('request' in ev && ev.request >= 0) this.dirtyRequests.add(ev.request);
  }

  /** Time of the last event folded. */
  get eventTimeS(): number {
    return this.lastS;
  }

  /** The whole state now. */
  snapshot(nowS: number, speed: number, ids: [number, string][], requestsPaused: boolean): LiveSnapshot {
    const cars: number[] = [];
    for (let v = 0; v < this.fold.vehicleCount; v++) this.pushCar(cars, v);
    // Requests that changed since the last delta are settled here too: the next delta repeats them harmlessly.
    this.settleRequests();
    const riders: number[] = [];
    for (const r of this.waiting) this.pushRider(riders, r);
    return { type: 'snapshot', timeS: nowS, speed, cars, riders, ids, kpis: liveKpis(this.fold.kpisAt(nowS)), requestsPaused };
  }

  /** What changed since the last delta (and forgets it); KPIs only when asked (they cost a fold's percentile). */
  takeDelta(nowS: number, withKpis: boolean): LiveDelta {
    const cars: number[] = [];
    for (const v of this.dirtyCars) this.pushCar(cars, v);
    this.dirtyCars.clear();
    const ridersAdded: number[] = [];
    const ridersGone: number[] = [];
    for (const r of this.dirtyRequests) {
      if (this.fold.waitingRequest(r)) {
        this.waiting.add(r);
        this.pushRider(ridersAdded, r);
      } else {
        this.waiting.delete(r);
        ridersGone.push(r);
      }
    }
    this.dirtyRequests.clear();
    const delta: LiveDelta = { type: 'delta', timeS: nowS, cars, ridersAdded, ridersGone };
    if (withKpis) delta.kpis = liveKpis(this.fold.kpisAt(nowS));
    return delta;
  }

  private settleRequests(): void {
    for (const r of this.dirtyRequests) {
      if (this.fold.waitingRequest(r)) this.waiting.add(r);
      else this.waiting.delete(r);
    }
  }

  private pushCar(out: number[], v: number): void {
    const k = this.fold.currentKey(v);
    if (k) out.push(v, ...k);
  }

  private pushRider(out: number[], r: number): void {
    const w = this.fold.waitingRequest(r);
    if (w) out.push(r, w[0], w[1]);
  }
}

/** The page side: the latest keyframe of every car and the waiting riders, sampled into markers at any time. */
export class LiveFrame implements MarkerFrame {
  carPositions = new Float32Array(0);
  carActivity = new Uint8Array(0);
  carVehicle = new Uint32Array(0);
  carCount = 0;
  riderPositions = new Float32Array(0);
  riderWaitS = new Float32Array(0);
  riderRequest = new Uint32Array(0);
  riderCount = 0;
  readonly activityCounts = new Int32Array(ACTIVITY_COUNT);
  /** Per car: [activity, fromNode, toNode, departS, arriveS], or undefined before it is placed. */
  private keys: (number[] | undefined)[] = [];
  /** Waiting riders: request → [pickupNode, submitS]. */
  private readonly riders = new Map<number, [number, number]>();
  readonly ids = new Map<number, string>();
  /** Engine time of the last message, and whether new requests are paused. */
  timeS = 0;
  speed = 1;
  requestsPaused = false;
  kpis: LiveKpis | undefined;

  constructor(private readonly nodes: NodeCoordinates) {}

  apply(m: LiveSnapshot | LiveDelta): void {
    if (m.type === 'snapshot') {
      this.keys = [];
      this.riders.clear();
      this.ids.clear();
      this.speed = m.speed;
      this.addRiders(m.riders);
    } else {
      this.addRiders(m.ridersAdded);
      for (const r of m.ridersGone) this.riders.delete(r);
    }
    const c = m.cars;
    for (let i = 0; i + LIVE_CAR_FIELDS <= c.length; i += LIVE_CAR_FIELDS) this.keys[c[i]] = c.slice(i + 1, i + LIVE_CAR_FIELDS);
    for (const [v, id] of m.ids ?? []) this.ids.set(v, id);
    this.timeS = m.timeS;
    if (m.kpis) this.kpis = m.kpis;
    if (m.requestsPaused !== undefined) this.requestsPaused = m.requestsPaused;
  }

  private addRiders(flat: readonly number[]): void {
    for (let i = 0; i + LIVE_RIDER_FIELDS <= flat.length; i += LIVE_RIDER_FIELDS) this.riders.set(flat[i], [flat[i + 1], flat[i + 2]]);
  }

  /** Cars placed so far. */
  get placedCars(): number {
    let n = 0;
    for (const k of this.keys) if (k) n++;
    return n;
  }

  /** Fills the marker buffers for engine time t. */
  sampleAt(t: number): void {
    const { nodeLon, nodeLat } = this.nodes;
    if (this.carVehicle.length < this.keys.length) {
      const n = Math.max(64, this.keys.length * 2);
      this.carPositions = new Float32Array(2 * n);
      this.carActivity = new Uint8Array(n);
      this.carVehicle = new Uint32Array(n);
    }
    this.activityCounts.fill(0);
    let n = 0;
    for (let v = 0; v < this.keys.length; v++) {
      const p = this.position(v, t);
      if (!p) continue;
      this.carPositions[2 * n] = p[0];
      this.carPositions[2 * n + 1] = p[1];
      const a = this.keys[v]![0];
      this.carActivity[n] = a;
      this.activityCounts[a]++;
      this.carVehicle[n] = v;
      n++;
    }
    this.carCount = n;
    if (this.riderRequest.length < this.riders.size) {
      const m = Math.max(64, this.riders.size * 2);
      this.riderPositions = new Float32Array(2 * m);
      this.riderWaitS = new Float32Array(m);
      this.riderRequest = new Uint32Array(m);
    }
    let i = 0;
    for (const [r, [node, submitS]] of this.riders) {
      this.riderPositions[2 * i] = nodeLon[node];
      this.riderPositions[2 * i + 1] = nodeLat[node];
      this.riderWaitS[i] = Math.max(0, t - submitS);
      this.riderRequest[i] = r;
      i++;
    }
    this.riderCount = i;
  }

  /** The pickup node of request r while its rider waits; undefined otherwise. */
  waitingRiderNode(r: number): number | undefined {
    return this.riders.get(r)?.[0];
  }

  /** Activity of car v now (undefined before it is placed). */
  activityOf(v: number): number | undefined {
    return this.keys[v]?.[0];
  }

  /** Where car v is at time t as [lon, lat], on the straight line of its leg; undefined before it is placed. */
  position(v: number, t: number): [number, number] | undefined {
    const k = this.keys[v];
    if (!k) return undefined;
    const { nodeLon, nodeLat } = this.nodes;
    const [, from, to, d, a] = k;
    if (from === to || t <= d) return [nodeLon[from], nodeLat[from]];
    if (t >= a) return [nodeLon[to], nodeLat[to]];
    const f = (t - d) / (a - d);
    return [nodeLon[from] + f * (nodeLon[to] - nodeLon[from]), nodeLat[from] + f * (nodeLat[to] - nodeLat[from])];
  }
}
