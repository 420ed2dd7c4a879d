// The discrete-event simulation engine: moves the fleet along shortest paths, runs the request lifecycle, asks the
// dispatcher for commands, validates and applies them, and writes every change to the event log.
//
// Index conventions: vehicles 0..fleetSize-1 index the struct-of-arrays fleet state; requests are indices into the
// `requests` array given to the engine; nodes are RoadGraph indices. A plan stop is encoded as request * 2 + (1 if
// drop-off else 0). Times are integer seconds; travel times are rounded with roundLegS when scheduled.
//
// Step order within one second (the `Phase` of a timer; ties inside a phase by scheduling order):
//   0. arrivals at drop-off stops (riders leave, seats free up first),
//   1. arrivals at pickup stops (so a pickup at exactly the max wait still happens),
//   2. other vehicle timers: dwell ends and departures, arrivals at diversion/rebalancing nodes, vehicles going idle,
//   3. request submissions (in request-time order),
//   4. cancellations of requests not picked up by requestS + maxWaitS,
//   5. dispatch: the dispatcher sees the state after all of the above and its commands apply at once.
import type { PlacedTrip } from '../demand/placed-trip.js';
import { findEdge, type RoadGraph } from '../network/graph.js';
import type { TravelTimes } from '../network/travel-times.js';
import { Rng } from '../random.js';
import {
  RequestStatus,
  VehicleStatus,
  legTimeS,
  roundLegS,
  type AssignCommand,
  type Command,
  type Dispatcher,
  type FleetSnapshot,
  type RebalanceCommand,
  type RejectCommand,
  type Stop,
  type TimedNode,
} from '../dispatch/types.js';
import { KpiAccumulator, type Kpis } from '../metrics/kpis.js';
import { Phase, TimerQueue } from './event-queue.js';
import type { LegPurpose, SimEvent } from './events.js';

/** Immutable for a run: what every vehicle of the fleet is. */
export interface VehicleSpec {
  /** Passenger seats. */
  readonly seats: number;
  /** Energy use per driven km. */
  readonly energyKwhPerKm: number;
  /** Usable battery (placeholder until charging is simulated). */
  readonly batteryKwh: number;
}

export const DEFAULT_VEHICLE_SPEC: VehicleSpec = { seats: 2, energyKwhPerKm: 0.15, batteryKwh: 60 };

/** Stop durations in seconds. */
export interface DwellTimes {
  readonly pickupS: number;
  readonly dropoffS: number;
}
export const DEFAULT_DWELL: DwellTimes = { pickupS: 30, dropoffS: 30 };
export const DEFAULT_MAX_WAIT_S = 600;

/** What to do with a command that fails validation. */
export type InvalidCommandPolicy = 'throw' | 'record';

export interface SimulateOptions {
  /** Road graph: needed for positions (`positionAt`) and divert-at-next-node; without it legs are committed. */
  graph?: RoadGraph;
  travelTimes: TravelTimes;
  requests: readonly PlacedTrip[];
  fleetSize: number;
  spec?: Partial<VehicleSpec>;
  dispatcher: Dispatcher;
  seed: number;
  maxWaitS?: number;
  dwell?: Partial<DwellTimes>;
  /** Start nodes; vehicle i starts at depots[i % depots.length]. Default: seeded sample of the first hour's pickups. */
  depots?: readonly number[];
  /** Called whenever simulated time passes a multiple of `progressEveryS`, with the number of requests submitted. */
  onProgress?(nowS: number, handled: number): void;
  progressEveryS?: number;
  /** Receives every event as it happens (streaming); the log is then not kept unless `keepLog` is true. */
  eventSink?(ev: SimEvent): void;
  keepLog?: boolean;
  /** 'throw' (default) stops the run with InvalidCommandError; 'record' logs a CommandInvalid event and skips it. */
  invalidCommands?: InvalidCommandPolicy;
  /** Keep each leg's node path (positions, divert at next node). Default: true when a graph is given. */
  trackPaths?: boolean;
}

/** Run totals besides the KPIs. */
export interface SimSummary {
  kpis: Kpis;
  /** Time of the last event. */
  endS: number;
  eventCount: number;
  dispatchCalls: number;
  commands: number;
  /** Bytes of typed-array engine state per vehicle (plans and current-leg paths excluded). */
  stateBytesPerVehicle: number;
}

export interface SimResult {
  /** The event log (empty when streamed to a sink without keepLog). */
  events: SimEvent[];
  summary: SimSummary;
}

/** A dispatcher command failed validation; the message names the command, the field and why. */
export class InvalidCommandError extends Error {
  constructor(
    readonly command: Command,
    readonly reason: string,
    readonly timeS: number,
  ) {
    super(`invalid ${command.kind} command at t=${timeS}s: ${reason} (${JSON.stringify(command)})`);
  }
}

/** Timer kinds in the queue. */
const Timer = { arrive: 0, depart: 1, dispatch: 2 } as const;

/** The current leg's node path with cumulative free-flow times and distances (kept for the current leg only). */
interface LegPath {
  nodes: Uint32Array;
  cumMs: Float64Array;
  cumM: Float64Array;
  /** Seconds per free-flow ms on this leg (rounded leg time / path ms): node k is reached at start + cumMs[k] * scale. */
  scale: number;
  /** Index of the node the leg now ends at (the last, or a diversion node). */
  endIdx: number;
}

const stopCode = (s: Stop): number => s.request * 2 + (s.action === 'dropoff' ? 1 : 0);
const codeRequest = (code: number): number => code >>> 1;
const codeIsDropoff = (code: number): boolean => (code & 1) === 1;

/**
 * The simulation engine. Construct, then `run()` (offline) or `runUntil(tS)` repeatedly (live clock). State is
 * struct-of-arrays; `positionAt` interpolates a moving vehicle along its current path.
 */
export class Engine {
  readonly spec: VehicleSpec;
  readonly dwell: DwellTimes;
  readonly maxWaitS: number;
  readonly fleetSize: number;
  readonly events: SimEvent[] = [];

  // Fleet state, one entry per vehicle.
  /** VehicleStatus. */
  readonly status: Uint8Array;
  /** Node where the vehicle is (idle, dwelling) or where its current leg started. */
  readonly node: Uint32Array;
  /** Current leg (or dwell) start and end times; the leg's target node. */
  readonly legStartS: Int32Array;
  readonly legEndS: Int32Array;
  readonly legTarget: Uint32Array;
  /** Distance the current leg covers (as planned, or up to the diversion node). */
  readonly legDistanceM: Float64Array;
  /** 1 when the current leg was cut short at a diversion node. */
  readonly legDiverted: Uint8Array;
  /** Riders on board. */
  readonly load: Uint8Array;
  /** Rebalancing target node, -1 if none. */
  readonly rebalanceTarget: Int32Array;
  /** Cached plan end (time, node); freeS = -1 when stale. */
  readonly freeS: Int32Array;
  readonly freeNode: Uint32Array;
  /** Bumped whenever the vehicle's arrival timer is rescheduled; stale timers carry an older value. */
  readonly version: Uint32Array;
  /** Counters. */
  readonly emptyM: Float64Array;
  readonly occupiedM: Float64Array;
  readonly energyKwh: Float64Array;
  readonly trips: Uint32Array;
  private readonly vehicleArrays: ArrayLike<number>[];

  /** Per vehicle: remaining stop codes (first = next), and the current leg's path. */
  private readonly plans: number[][];
  private readonly legPaths: (LegPath | null)[];

  // Request state, one entry per request.
  readonly requestS: Int32Array;
  readonly requestPickupNode: Uint32Array;
  readonly requestDropoffNode: Uint32Array;
  readonly requestRiders: Uint8Array;
  readonly requestAcceptsSharing: Uint8Array;
  readonly requestStatus: Uint8Array;
  readonly requestVehicle: Int32Array;
  readonly requestPickupS: Int32Array;
  /** Request indices by (requestS, index): drives submissions and cancellations (deadlines share the order). */
  private readonly order: Uint32Array;
  private submitCursor = 0;
  private cancelCursor = 0;
  private openList: number[] = [];
  private activeRequests = 0;

  // Dispatcher bookkeeping.
  private newRequests: number[] = [];
  private freedVehicles: number[] = [];
  private cancelledRequests: number[] = [];
  private dirty = true;
  private dispatchDue = false;
  private readonly eventDriven: boolean;
  private readonly snapshot: FleetSnapshot;
  private dispatchCalls = 0;
  private commandCount = 0;
  // Validation scratch (stamped marks avoid clearing per command).
  private readonly markPickup: Int32Array;
  private readonly markDropoff: Int32Array;
  private stamp = 0;

  private readonly queue = new TimerQueue(256);
  private readonly kpi: KpiAccumulator;
  private nowS = 0;
  private lastEventS = 0;
  private eventCount = 0;
  private nextProgressS: number;
  private readonly trackPaths: boolean;

  constructor(private readonly opts: SimulateOptions) {
    this.spec = { ...DEFAULT_VEHICLE_SPEC, ...opts.spec };
    this.dwell = { ...DEFAULT_DWELL, ...opts.dwell };
    this.maxWaitS = opts.maxWaitS ?? DEFAULT_MAX_WAIT_S;
    this.fleetSize = opts.fleetSize;
    this.trackPaths = opts.trackPaths ?? opts.graph !== undefined;
    if (this.trackPaths && !opts.graph) throw new Error('simulate: trackPaths needs a graph');
    validateOptions(opts, this.spec, this.dwell, this.maxWaitS);
    const n = opts.fleetSize;
    this.status = new Uint8Array(n);
    this.node = new Uint32Array(n);
    this.legStartS = new Int32Array(n);
    this.legEndS = new Int32Array(n);
    this.legTarget = new Uint32Array(n);
    this.legDistanceM = new Float64Array(n);
    this.legDiverted = new Uint8Array(n);
    this.load = new Uint8Array(n);
    this.rebalanceTarget = new Int32Array(n).fill(-1);
    this.freeS = new Int32Array(n).fill(-1);
    this.freeNode = new Uint32Array(n);
    this.version = new Uint32Array(n);
    this.emptyM = new Float64Array(n);
    this.occupiedM = new Float64Array(n);
    this.energyKwh = new Float64Array(n);
    this.trips = new Uint32Array(n);
    this.vehicleArrays = [
      this.status, this.node, this.legStartS, this.legEndS, this.legTarget, this.legDistanceM, this.legDiverted,
      this.load, this.rebalanceTarget, this.freeS, this.freeNode, this.version, this.emptyM, this.occupiedM,
      this.energyKwh, this.trips,
    ];
    this.plans = Array.from({ length: n }, () => []);
    this.legPaths = new Array<LegPath | null>(n).fill(null);

    const reqs = opts.requests;
    const m = reqs.length;
    this.requestS = new Int32Array(m);
    this.requestPickupNode = new Uint32Array(m);
    this.requestDropoffNode = new Uint32Array(m);
    this.requestRiders = new Uint8Array(m);
    this.requestAcceptsSharing = new Uint8Array(m);
    this.requestStatus = new Uint8Array(m);
    this.requestVehicle = new Int32Array(m).fill(-1);
    this.requestPickupS = new Int32Array(m).fill(-1);
    this.markPickup = new Int32Array(m);
    this.markDropoff = new Int32Array(m);
    for (let r = 0; r < m; r++) {
      const t = reqs[r];
      this.requestS[r] = t.requestS;
      this.requestPickupNode[r] = t.pickupNode;
      this.requestDropoffNode[r] = t.dropoffNode;
      this.requestRiders[r] = t.riders;
      this.requestAcceptsSharing[r] = t.acceptsSharing ? 1 : 0;
    }
    const order = Array.from({ length: m }, (_, i) => i);
    order.sort((a, b) => this.requestS[a] - this.requestS[b] || a - b);
    this.order = Uint32Array.from(order);

    this.kpi = new KpiAccumulator({ dispatcher: opts.dispatcher.name, fleet: n });
    this.eventDriven = opts.dispatcher.eventDriven ?? opts.dispatcher.periodS === undefined;
    this.snapshot = this.makeSnapshot();
    const firstS = m > 0 ? this.requestS[this.order[0]] : 0;
    this.nowS = Math.min(0, firstS);
    const every = opts.progressEveryS ?? 3600;
    this.nextProgressS = (Math.floor(this.nowS / every) + 1) * every;
    this.placeFleet(firstS);
    const period = opts.dispatcher.periodS;
    if (period !== undefined) {
      this.queue.push(Math.ceil(firstS / period) * period, Phase.dispatch, Timer.dispatch, -1, 0);
    }
  }

  /** Bytes of typed-array state per vehicle (plans and current-leg paths excluded). */
  stateBytesPerVehicle(): number {
    return engineStateBytesPerVehicle(this.vehicleArrays);
  }

  /** Current simulated time. */
  get timeS(): number {
    return this.nowS;
  }

  /** The vehicle's remaining plan as stops. */
  plan(vehicle: number): Stop[] {
    return this.plans[vehicle].map((c) => ({ action: codeIsDropoff(c) ? 'dropoff' : 'pickup', request: codeRequest(c) }));
  }

  /**
   * Latitude/longitude of a vehicle at `timeS` (clamped to its current leg): linear between the nodes of its current
   * path, whose node times are the free-flow times scaled to the leg's rounded duration. Needs a graph.
   */
  positionAt(vehicle: number, timeS: number): { lat: number; lon: number } {
    const g = this.opts.graph;
    if (!g) throw new Error('positionAt needs the road graph');
    const st = this.status[vehicle];
    const from = this.node[vehicle];
    if (st !== VehicleStatus.driving && st !== VehicleStatus.rebalancing) return { lat: g.lat[from], lon: g.lon[from] };
    const start = this.legStartS[vehicle];
    const end = this.legEndS[vehicle];
    const p = this.legPaths[vehicle];
    if (!p) {
      const to = this.legTarget[vehicle];
      const f = end > start ? Math.min(1, Math.max(0, (timeS - start) / (end - start))) : 1;
      return { lat: g.lat[from] + f * (g.lat[to] - g.lat[from]), lon: g.lon[from] + f * (g.lon[to] - g.lon[from]) };
    }
    const atMs = Math.max(0, (timeS - start) / p.scale);
    let k = 1;
    while (k < p.endIdx && p.cumMs[k] < atMs) k++;
    const a = p.nodes[k - 1];
    const b = p.nodes[k];
    const seg = p.cumMs[k] - p.cumMs[k - 1];
    const f = seg > 0 ? Math.min(1, Math.max(0, (atMs - p.cumMs[k - 1]) / seg)) : 1;
    return { lat: g.lat[a] + f * (g.lat[b] - g.lat[a]), lon: g.lon[a] + f * (g.lon[b] - g.lon[a]) };
  }

  /** Runs to the end (every request terminal, every vehicle idle). */
  run(): SimResult {
    this.runUntil(Infinity);
    return { events: this.events, summary: this.summary() };
  }

  /** Totals so far. */
  summary(): SimSummary {
    return {
      kpis: this.kpi.result(),
      endS: this.lastEventS,
      eventCount: this.eventCount,
      dispatchCalls: this.dispatchCalls,
      commands: this.commandCount,
      stateBytesPerVehicle: this.stateBytesPerVehicle(),
    };
  }

  /** Processes every timer up to and including `untilS`. Returns whether anything remains. */
  runUntil(untilS: number): boolean {
    const q = this.queue;
    for (;;) {
      const submitKey = this.submitCursor < this.order.length ? TimerQueue.keyOf(this.requestS[this.order[this.submitCursor]], Phase.submit) : Infinity;
      const cancelKey = this.cancelCursor < this.order.length ? TimerQueue.keyOf(this.requestS[this.order[this.cancelCursor]] + this.maxWaitS, Phase.cancel) : Infinity;
      const timerKey = q.peekKey();
      const key = Math.min(submitKey, cancelKey, timerKey);
      if (key === Infinity) {
        if (this.dispatchDue || (this.eventDriven && this.hasDeltas())) this.dispatch();
        if (q.length === 0) return false;
        continue;
      }
      const t = Math.floor(key / 8);
      if (t > this.nowS) {
        // A new second begins: first finish the previous one with its dispatch step.
        if (this.dispatchDue || (this.eventDriven && this.dirty)) {
          this.dispatch();
          continue;
        }
        if (t > untilS) return true;
        this.advanceClock(t);
      }
      if (key === timerKey) {
        const kind = q.peekKind();
        const v = q.peekSubject();
        const tag = q.peekTag();
        q.pop();
        switch (kind) {
          case Timer.arrive:
            if (tag === this.version[v]) this.arrive(v);
            break;
          case Timer.depart:
            this.proceed(v);
            break;
          case Timer.dispatch:
            this.dispatchDue = true;
            if (this.activeRequests > 0 || this.submitCursor < this.order.length) {
              q.push(t + (this.opts.dispatcher.periodS ?? 1), Phase.dispatch, Timer.dispatch, -1, 0);
            }
            break;
          default:
            throw new Error(`engine: unknown timer kind ${kind}`);
        }
      } else if (key === submitKey) {
        this.submit(this.order[this.submitCursor++]);
      } else {
        this.cancelIfWaiting(this.order[this.cancelCursor++]);
      }
    }
  }

  // ---- time, events ----

  private advanceClock(t: number): void {
    this.nowS = t;
    if (t >= this.nextProgressS && this.opts.onProgress) {
      const every = this.opts.progressEveryS ?? 3600;
      this.opts.onProgress(t, this.submitCursor);
      this.nextProgressS = (Math.floor(t / every) + 1) * every;
    }
  }

  private emit(ev: SimEvent): void {
    this.eventCount++;
    this.lastEventS = ev.timeS;
    this.kpi.add(ev);
    if (this.opts.eventSink) this.opts.eventSink(ev);
    if (this.opts.keepLog ?? !this.opts.eventSink) this.events.push(ev);
  }

  private hasDeltas(): boolean {
    return this.newRequests.length > 0 || this.freedVehicles.length > 0 || this.cancelledRequests.length > 0;
  }

  // ---- fleet ----

  private placeFleet(firstS: number): void {
    const opts = this.opts;
    let starts: ArrayLike<number>;
    if (opts.depots && opts.depots.length > 0) {
      starts = opts.depots;
    } else {
      const rng = new Rng(opts.seed);
      const firstHour: number[] = [];
      for (let i = 0; i < this.order.length && this.requestS[this.order[i]] < firstS + 3600; i++) {
        firstHour.push(this.requestPickupNode[this.order[i]]);
      }
      const pool = firstHour.length > 0 ? firstHour : null;
      const nodes = new Uint32Array(this.fleetSize);
      for (let v = 0; v < this.fleetSize; v++) nodes[v] = pool ? pool[rng.int(pool.length)] : rng.int(opts.travelTimes.nodeCount);
      starts = nodes;
    }
    for (let v = 0; v < this.fleetSize; v++) {
      const node = starts[v % starts.length];
      this.node[v] = node;
      this.legTarget[v] = node;
      this.status[v] = VehicleStatus.idle;
      this.emit({ kind: 'VehiclePlaced', timeS: this.nowS, vehicle: v, node, seats: this.spec.seats });
      this.freedVehicles.push(v);
    }
  }

  /** Starts a leg from the vehicle's node to `to` (≠ node) now. */
  private startLeg(v: number, to: number, purpose: LegPurpose): void {
    const from = this.node[v];
    const t = this.nowS;
    const tt = this.opts.travelTimes;
    let durS: number;
    let distM: number;
    if (this.trackPaths) {
      const p = tt.path(from, to, t);
      if (!p) throw new Error(`engine: no path from node ${from} to ${to} for vehicle ${v}`);
      durS = roundLegS(p.timeS);
      const leg = this.buildLegPath(p.nodes, durS);
      this.legPaths[v] = leg;
      distM = leg.cumM[leg.endIdx];
    } else {
      const r = tt.route(from, to, t);
      durS = roundLegS(r.timeS);
      distM = r.distanceM;
      this.legPaths[v] = null;
    }
    if (!Number.isFinite(durS)) throw new Error(`engine: node ${to} unreachable from ${from} for vehicle ${v}`);
    this.status[v] = purpose === 'rebalance' ? VehicleStatus.rebalancing : VehicleStatus.driving;
    this.legStartS[v] = t;
    this.legEndS[v] = t + durS;
    this.legTarget[v] = to;
    this.legDistanceM[v] = distM;
    this.legDiverted[v] = 0;
    this.emit({ kind: 'VehicleDeparted', timeS: t, vehicle: v, fromNode: from, toNode: to, arriveS: t + durS, onboard: this.load[v], purpose });
    this.scheduleArrival(v);
  }

  private buildLegPath(nodes: Uint32Array, durS: number): LegPath {
    const g = this.opts.graph!;
    const k = nodes.length;
    const cumMs = new Float64Array(k);
    const cumM = new Float64Array(k);
    for (let i = 1; i < k; i++) {
      const e = findEdge(g, nodes[i - 1], nodes[i]);
      if (e < 0) throw new Error(`engine: path has no edge ${nodes[i - 1]}->${nodes[i]}`);
      cumMs[i] = cumMs[i - 1] + g.timeMs[e];
      cumM[i] = cumM[i - 1] + g.lengthM[e];
    }
    return { nodes, cumMs, cumM, scale: cumMs[k - 1] > 0 ? durS / cumMs[k - 1] : 0, endIdx: k - 1 };
  }

  /** (Re)schedules the arrival timer of the current leg, in the phase of what happens on arrival. */
  private scheduleArrival(v: number): void {
    const plan = this.plans[v];
    let phase: Phase = Phase.vehicle;
    if (plan.length > 0 && this.stopNode(plan[0]) === this.legTarget[v]) {
      phase = codeIsDropoff(plan[0]) ? Phase.dropoff : Phase.pickup;
    }
    this.version[v] = (this.version[v] + 1) >>> 0;
    this.queue.push(this.legEndS[v], phase, Timer.arrive, v, this.version[v]);
  }

  private stopNode(code: number): number {
    const r = codeRequest(code);
    return codeIsDropoff(code) ? this.requestDropoffNode[r] : this.requestPickupNode[r];
  }

  /** Arrival timer: account the leg, then carry on with the plan. */
  private arrive(v: number): void {
    const distM = this.legDistanceM[v];
    const energy = (distM / 1000) * this.spec.energyKwhPerKm;
    if (this.load[v] > 0) this.occupiedM[v] += distM;
    else this.emptyM[v] += distM;
    this.energyKwh[v] += energy;
    const node = this.legTarget[v];
    this.node[v] = node;
    this.legPaths[v] = null;
    this.emit({
      kind: 'VehicleArrived',
      timeS: this.nowS,
      vehicle: v,
      node,
      distanceM: distM,
      energyKwh: energy,
      onboard: this.load[v],
      diverted: this.legDiverted[v] === 1,
    });
    this.proceed(v);
  }

  /** The vehicle stands at its node, free to act: serve a stop here, drive to the next, rebalance, or go idle. */
  private proceed(v: number): void {
    const t = this.nowS;
    const here = this.node[v];
    const plan = this.plans[v];
    if (plan.length > 0) {
      const code = plan[0];
      if (this.stopNode(code) !== here) {
        this.startLeg(v, this.stopNode(code), 'stop');
        return;
      }
      plan.shift();
      const r = codeRequest(code);
      let dwellS: number;
      if (codeIsDropoff(code)) {
        this.load[v] -= this.requestRiders[r];
        this.requestStatus[r] = RequestStatus.droppedOff;
        this.requestVehicle[r] = -1;
        this.activeRequests--;
        this.trips[v]++;
        this.emit({ kind: 'DroppedOff', timeS: t, request: r, vehicle: v, riders: this.requestRiders[r], rideS: t - this.requestPickupS[r] });
        dwellS = this.dwell.dropoffS;
      } else {
        this.load[v] += this.requestRiders[r];
        this.requestStatus[r] = RequestStatus.onboard;
        this.requestPickupS[r] = t;
        this.emit({ kind: 'PickedUp', timeS: t, request: r, vehicle: v, riders: this.requestRiders[r], waitS: t - this.requestS[r] });
        dwellS = this.dwell.pickupS;
      }
      this.status[v] = VehicleStatus.dwelling;
      this.legStartS[v] = t;
      this.legEndS[v] = t + dwellS;
      this.legTarget[v] = here;
      this.queue.push(t + dwellS, Phase.vehicle, Timer.depart, v, 0);
      return;
    }
    const target = this.rebalanceTarget[v];
    if (target >= 0 && target !== here) {
      this.startLeg(v, target, 'rebalance');
      return;
    }
    this.rebalanceTarget[v] = -1;
    this.status[v] = VehicleStatus.idle;
    this.legStartS[v] = t;
    this.legEndS[v] = t;
    this.legTarget[v] = here;
    this.freeS[v] = -1;
    this.emit({ kind: 'VehicleIdle', timeS: t, vehicle: v, node: here });
    this.freedVehicles.push(v);
    this.dirty = true;
  }

  /** Index of the first node of the current path reached strictly after now (the diversion node). */
  private divertIndex(v: number): number {
    const p = this.legPaths[v];
    if (!p) return -1;
    const atMs = (this.nowS - this.legStartS[v]) / p.scale;
    for (let k = 1; k < p.endIdx; k++) {
      if (this.legStartS[v] + Math.round(p.cumMs[k] * p.scale) > this.nowS && p.cumMs[k] > atMs) return k;
    }
    return p.endIdx;
  }

  /** After a plan or rebalancing target changed: make the vehicle head for its new first target. */
  private replan(v: number): void {
    this.freeS[v] = -1;
    const st = this.status[v];
    if (st === VehicleStatus.idle) {
      this.proceed(v);
      return;
    }
    if (st === VehicleStatus.dwelling) return; // The pending departure timer reads the new plan.
    const plan = this.plans[v];
    const target = plan.length > 0 ? this.stopNode(plan[0]) : this.rebalanceTarget[v];
    this.status[v] = plan.length > 0 || target < 0 ? VehicleStatus.driving : VehicleStatus.rebalancing;
    if (target === this.legTarget[v]) {
      this.scheduleArrival(v);
      return;
    }
    // Divert: finish the edge being driven, stop at its end node, and carry on from there on arrival.
    const p = this.legPaths[v];
    const k = this.divertIndex(v);
    if (p && k < p.endIdx) {
      this.legTarget[v] = p.nodes[k];
      this.legEndS[v] = this.legStartS[v] + Math.round(p.cumMs[k] * p.scale);
      this.legDistanceM[v] = p.cumM[k];
      this.legDiverted[v] = 1;
      p.endIdx = k;
    }
    this.scheduleArrival(v);
  }

  // ---- requests ----

  private submit(r: number): void {
    this.requestStatus[r] = RequestStatus.open;
    this.activeRequests++;
    this.openList.push(r);
    this.newRequests.push(r);
    this.dirty = true;
    const t = this.opts.requests[r];
    this.emit({
      kind: 'RequestSubmitted',
      timeS: this.nowS,
      request: r,
      id: t.id,
      pickupNode: t.pickupNode,
      dropoffNode: t.dropoffNode,
      riders: t.riders,
      acceptsSharing: t.acceptsSharing,
    });
  }

  private cancelIfWaiting(r: number): void {
    const st = this.requestStatus[r];
    if (st !== RequestStatus.open && st !== RequestStatus.assigned) return;
    const v = this.requestVehicle[r];
    this.requestStatus[r] = RequestStatus.cancelled;
    this.requestVehicle[r] = -1;
    this.activeRequests--;
    this.cancelledRequests.push(r);
    this.dirty = true;
    this.emit({ kind: 'RequestCancelled', timeS: this.nowS, request: r, vehicle: v, reason: 'max_wait' });
    if (v >= 0) {
      this.removeFromPlan(v, r);
      this.replan(v);
    }
  }

  private removeFromPlan(v: number, r: number): void {
    const plan = this.plans[v];
    let w = 0;
    for (let i = 0; i < plan.length; i++) if (codeRequest(plan[i]) !== r) plan[w++] = plan[i];
    plan.length = w;
  }

  // ---- dispatch ----

  private dispatch(): void {
    this.dirty = false;
    this.dispatchDue = false;
    this.dispatchCalls++;
    const commands = this.opts.dispatcher.decide(this.snapshot, this.nowS);
    this.newRequests = [];
    this.freedVehicles = [];
    this.cancelledRequests = [];
    for (const c of commands) {
      this.commandCount++;
      const reason = this.applyCommand(c);
      if (reason !== null) {
        if ((this.opts.invalidCommands ?? 'throw') === 'throw') throw new InvalidCommandError(c, reason, this.nowS);
        this.emit({ kind: 'CommandInvalid', timeS: this.nowS, command: JSON.stringify(c), reason });
      }
    }
  }

  /** Validates and applies one command; returns why it is invalid, or null once applied. */
  private applyCommand(c: Command): string | null {
    switch (c.kind) {
      case 'assign':
        return this.applyAssign(c);
      case 'rebalance':
        return this.applyRebalance(c);
      case 'reject':
        return this.applyReject(c);
      default: {
        const never: never = c;
        return `unknown command kind in ${JSON.stringify(never)}`;
      }
    }
  }

  private isVehicle(v: number): boolean {
    return Number.isInteger(v) && v >= 0 && v < this.fleetSize;
  }

  private checkAssign(c: AssignCommand): string | null {
    const v = c.vehicle;
    if (!this.isVehicle(v)) return `vehicle ${v} does not exist (fleet of ${this.fleetSize})`;
    const stamp = ++this.stamp;
    const m = this.requestStatus.length;
    for (let i = 0; i < c.stops.length; i++) {
      const s = c.stops[i];
      const r = s.request;
      if (!Number.isInteger(r) || r < 0 || r >= m) return `stops[${i}]: request ${r} does not exist`;
      const st = this.requestStatus[r];
      if (st === RequestStatus.future) return `stops[${i}]: request ${r} is not submitted yet`;
      if (st === RequestStatus.droppedOff) return `stops[${i}]: request ${r} was already served`;
      if (st === RequestStatus.cancelled) return `stops[${i}]: request ${r} was cancelled`;
      if (st === RequestStatus.rejected) return `stops[${i}]: request ${r} was rejected`;
      if (s.action === 'pickup') {
        if (st === RequestStatus.onboard) return `stops[${i}]: request ${r} is already on board vehicle ${this.requestVehicle[r]}`;
        if (this.markPickup[r] === stamp) return `stops[${i}]: request ${r} is picked up twice`;
        this.markPickup[r] = stamp;
      } else if (s.action === 'dropoff') {
        if (st === RequestStatus.onboard && this.requestVehicle[r] !== v) return `stops[${i}]: request ${r} is on board vehicle ${this.requestVehicle[r]}, not ${v}`;
        if (st !== RequestStatus.onboard && this.markPickup[r] !== stamp) return `stops[${i}]: request ${r} is dropped off before its pickup`;
        if (this.markDropoff[r] === stamp) return `stops[${i}]: request ${r} is dropped off twice`;
        this.markDropoff[r] = stamp;
      } else {
        return `stops[${i}]: unknown action ${String((s as { action: unknown }).action)}`;
      }
    }
    for (const s of c.stops) {
      if (s.action === 'pickup' && this.markDropoff[s.request] !== stamp) return `request ${s.request} is picked up but never dropped off`;
    }
    for (const code of this.plans[v]) {
      const r = codeRequest(code);
      if (this.requestStatus[r] === RequestStatus.onboard && this.markDropoff[r] !== stamp) return `request ${r} is on board and must keep its drop-off`;
    }
    // Capacity and sharing along the stop list.
    let load = this.load[v];
    let aboard = 0;
    let soloAboard = 0;
    for (const code of this.plans[v]) {
      const r = codeRequest(code);
      if (codeIsDropoff(code) && this.requestStatus[r] === RequestStatus.onboard) {
        aboard++;
        if (!this.requestAcceptsSharing[r]) soloAboard++;
      }
    }
    for (let i = 0; i < c.stops.length; i++) {
      const r = c.stops[i].request;
      const riders = this.requestRiders[r];
      if (c.stops[i].action === 'pickup') {
        load += riders;
        aboard++;
        if (!this.requestAcceptsSharing[r]) soloAboard++;
        if (load > this.spec.seats) return `stops[${i}]: ${load} riders on board exceed ${this.spec.seats} seats`;
        if (soloAboard > 0 && aboard > 1) return `stops[${i}]: a rider who does not accept sharing would share the vehicle`;
      } else {
        load -= riders;
        aboard--;
        if (!this.requestAcceptsSharing[r]) soloAboard--;
      }
    }
    return null;
  }

  private applyAssign(c: AssignCommand): string | null {
    const bad = this.checkAssign(c);
    if (bad !== null) return bad;
    const v = c.vehicle;
    const t = this.nowS;
    const stamp = this.stamp; // marks of the new plan, set by checkAssign
    // Requests dropped from v's plan that were not picked up become open again.
    for (const code of this.plans[v]) {
      const r = codeRequest(code);
      if (!codeIsDropoff(code) && this.markPickup[r] !== stamp) {
        this.requestStatus[r] = RequestStatus.open;
        this.requestVehicle[r] = -1;
        this.emit({ kind: 'RequestUnassigned', timeS: t, request: r, previousVehicle: v });
      }
    }
    const losers: number[] = [];
    const plan: number[] = new Array<number>(c.stops.length);
    for (let i = 0; i < c.stops.length; i++) {
      const s = c.stops[i];
      plan[i] = stopCode(s);
      if (s.action !== 'pickup') continue;
      const r = s.request;
      const prev = this.requestVehicle[r];
      if (prev === v) continue;
      if (prev >= 0) {
        this.removeFromPlan(prev, r);
        if (!losers.includes(prev)) losers.push(prev);
      }
      this.requestStatus[r] = RequestStatus.assigned;
      this.requestVehicle[r] = v;
      this.emit({ kind: 'RequestAssigned', timeS: t, request: r, vehicle: v, previousVehicle: prev });
    }
    this.plans[v] = plan;
    if (plan.length > 0) this.rebalanceTarget[v] = -1;
    this.replan(v);
    for (const u of losers) this.replan(u);
    return null;
  }

  private applyRebalance(c: RebalanceCommand): string | null {
    const v = c.vehicle;
    if (!this.isVehicle(v)) return `vehicle ${v} does not exist (fleet of ${this.fleetSize})`;
    if (!Number.isInteger(c.node) || c.node < 0 || c.node >= this.opts.travelTimes.nodeCount) return `node ${c.node} does not exist`;
    if (this.plans[v].length > 0) return `vehicle ${v} has a plan of ${this.plans[v].length} stops; only a vehicle without stops can rebalance`;
    const from = this.status[v] === VehicleStatus.idle || this.status[v] === VehicleStatus.dwelling ? this.node[v] : this.legTarget[v];
    this.rebalanceTarget[v] = c.node;
    this.emit({ kind: 'VehicleRebalanced', timeS: this.nowS, vehicle: v, fromNode: from, toNode: c.node });
    this.replan(v);
    return null;
  }

  private applyReject(c: RejectCommand): string | null {
    const r = c.request;
    if (!Number.isInteger(r) || r < 0 || r >= this.requestStatus.length) return `request ${r} does not exist`;
    const st = this.requestStatus[r];
    if (st !== RequestStatus.open && st !== RequestStatus.assigned) return `request ${r} cannot be rejected in state ${statusName(st)}`;
    const v = this.requestVehicle[r];
    this.requestStatus[r] = RequestStatus.rejected;
    this.requestVehicle[r] = -1;
    this.activeRequests--;
    this.emit({ kind: 'RequestRejected', timeS: this.nowS, request: r, reason: c.reason ?? 'rejected' });
    if (v >= 0) {
      this.removeFromPlan(v, r);
      this.replan(v);
    }
    return null;
  }

  // ---- snapshot ----

  private divertAt(v: number): TimedNode {
    const st = this.status[v];
    if (st === VehicleStatus.idle) return { timeS: this.nowS, node: this.node[v] };
    if (st === VehicleStatus.dwelling) return { timeS: this.legEndS[v], node: this.node[v] };
    const p = this.legPaths[v];
    const k = this.divertIndex(v);
    if (!p || k >= p.endIdx) return { timeS: this.legEndS[v], node: this.legTarget[v] };
    return { timeS: this.legStartS[v] + Math.round(p.cumMs[k] * p.scale), node: p.nodes[k] };
  }

  private legEnd(v: number): TimedNode {
    if (this.status[v] === VehicleStatus.idle) return { timeS: this.nowS, node: this.node[v] };
    return { timeS: this.legEndS[v], node: this.legTarget[v] };
  }

  private freeAt(v: number): TimedNode {
    if (this.freeS[v] >= 0 && this.status[v] !== VehicleStatus.idle) return { timeS: this.freeS[v], node: this.freeNode[v] };
    if (this.status[v] === VehicleStatus.idle) return { timeS: this.nowS, node: this.node[v] };
    const tt = this.opts.travelTimes;
    let { timeS, node } = this.status[v] === VehicleStatus.dwelling
      ? { timeS: this.legEndS[v], node: this.node[v] }
      : { timeS: this.legEndS[v], node: this.legTarget[v] };
    for (const code of this.plans[v]) {
      const to = this.stopNode(code);
      timeS += legTimeS(tt, node, to, timeS) + (codeIsDropoff(code) ? this.dwell.dropoffS : this.dwell.pickupS);
      node = to;
    }
    const rb = this.rebalanceTarget[v];
    if (this.plans[v].length === 0 && rb >= 0 && rb !== node) {
      timeS += legTimeS(tt, node, rb, timeS);
      node = rb;
    }
    this.freeS[v] = timeS;
    this.freeNode[v] = node;
    return { timeS, node };
  }

  private openRequests(): readonly number[] {
    const list = this.openList;
    let w = 0;
    for (let i = 0; i < list.length; i++) {
      const st = this.requestStatus[list[i]];
      if (st === RequestStatus.open || st === RequestStatus.assigned) list[w++] = list[i];
    }
    list.length = w;
    return list.slice();
  }

  private makeSnapshot(): FleetSnapshot {
    const e = this;
    const o = this.opts;
    return {
      get nowS() {
        return e.nowS;
      },
      travelTimes: o.travelTimes,
      graph: o.graph,
      maxWaitS: this.maxWaitS,
      pickupDwellS: this.dwell.pickupS,
      dropoffDwellS: this.dwell.dropoffS,
      seats: this.spec.seats,
      vehicleCount: this.fleetSize,
      vehicleStatus: this.status,
      vehicleNode: this.node,
      vehicleLoad: this.load,
      plan: (v) => e.plan(v),
      divertAt: (v) => e.divertAt(v),
      legEnd: (v) => e.legEnd(v),
      freeAt: (v) => e.freeAt(v),
      requestCount: this.requestS.length,
      requestS: this.requestS,
      requestPickupNode: this.requestPickupNode,
      requestDropoffNode: this.requestDropoffNode,
      requestRiders: this.requestRiders,
      requestAcceptsSharing: this.requestAcceptsSharing,
      requestStatus: this.requestStatus,
      requestVehicle: this.requestVehicle,
      openRequests: () => e.openRequests(),
      get newRequests() {
        return e.newRequests;
      },
      get freedVehicles() {
        return e.freedVehicles;
      },
      get cancelledRequests() {
        return e.cancelledRequests;
      },
    };
  }
}

function statusName(st: number): string {
  const entry = Object.entries(RequestStatus).find(([, value]) => value === st);
  return entry ? entry[0] : String(st);
}

/** Sum of BYTES_PER_ELEMENT over per-vehicle typed arrays: the engine's fixed state per vehicle. */
export function engineStateBytesPerVehicle(arrays: readonly ArrayLike<number>[]): number {
  let bytes = 0;
  for (const a of arrays) bytes += (a as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  return bytes;
}

function validateOptions(o: SimulateOptions, spec: VehicleSpec, dwell: DwellTimes, maxWaitS: number): void {
  const nodes = o.travelTimes.nodeCount;
  if (!Number.isInteger(o.fleetSize) || o.fleetSize < 0) throw new Error(`simulate: fleetSize ${o.fleetSize} must be a non-negative integer`);
  if (!Number.isInteger(spec.seats) || spec.seats < 1 || spec.seats > 255) throw new Error(`simulate: spec.seats ${spec.seats} must be an integer 1..255`);
  if (!(spec.energyKwhPerKm >= 0)) throw new Error(`simulate: spec.energyKwhPerKm ${spec.energyKwhPerKm} must be ≥ 0`);
  if (!Number.isInteger(dwell.pickupS) || dwell.pickupS < 0) throw new Error(`simulate: dwell.pickupS ${dwell.pickupS} must be an integer ≥ 0`);
  if (!Number.isInteger(dwell.dropoffS) || dwell.dropoffS < 0) throw new Error(`simulate: dwell.dropoffS ${dwell.dropoffS} must be an integer ≥ 0`);
  if (!Number.isInteger(maxWaitS) || maxWaitS < 0) throw new Error(`simulate: maxWaitS ${maxWaitS} must be an integer ≥ 0`);
  const period = o.dispatcher.periodS;
  if (period !== undefined && (!Number.isInteger(period) || period < 1)) throw new Error(`simulate: dispatcher ${o.dispatcher.name} periodS ${period} must be an integer ≥ 1`);
  o.depots?.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0 || d >= nodes) throw new Error(`simulate: depots[${i}] = ${d} is not a node (0..${nodes - 1})`);
  });
  o.requests.forEach((t, i) => {
    if (!Number.isInteger(t.requestS)) throw new Error(`simulate: requests[${i}] (${t.id}) requestS ${t.requestS} must be an integer`);
    if (!Number.isInteger(t.pickupNode) || t.pickupNode < 0 || t.pickupNode >= nodes) throw new Error(`simulate: requests[${i}] (${t.id}) pickupNode ${t.pickupNode} is not a node`);
    if (!Number.isInteger(t.dropoffNode) || t.dropoffNode < 0 || t.dropoffNode >= nodes) throw new Error(`simulate: requests[${i}] (${t.id}) dropoffNode ${t.dropoffNode} is not a node`);
    if (!Number.isInteger(t.riders) || t.riders < 1 || t.riders > 255) throw new Error(`simulate: requests[${i}] (${t.id}) riders ${t.riders} must be an integer 1..255`);
  });
}

/**
 * Runs a whole scenario and returns the event log (or streams it to `eventSink`) and a summary with KPIs.
 *
 * @example
 * const { events, summary } = simulate({ graph, travelTimes: new DijkstraTravelTimes(graph), requests, fleetSize: 50,
 *   dispatcher: greedy(), seed: 1 });
 */
export function simulate(opts: SimulateOptions): SimResult {
  return new Engine(opts).run();
}
