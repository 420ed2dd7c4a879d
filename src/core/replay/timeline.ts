// The event log folded into what a map needs to draw any moment of a run: each vehicle's keyframes (where it stood or
// drove, doing what), each request's waiting interval, and the KPIs minute by minute. A fold like the metrics: `add`
// every event in log order, `result` at the end.
//
// Index conventions: vehicles and requests are the log's own indices; keyframes are rows in CSR form by vehicle
// (vehicle v owns rows keyFirst[v] .. keyFirst[v+1]-1, ordered by time); nodes are RoadGraph node indices.
import type { PolygonRings } from '../network/area.js';
import type { SimEvent } from '../sim/events.js';
import { KpiAccumulator, type Kpis } from '../metrics/kpis.js';
import { ReportSeriesAccumulator, type FleetStatusSeries, type HourlyFlows } from '../metrics/report-series.js';

/** What a vehicle is doing, as the map colours it (report-series' FleetState with occupied split by riders on board). */
export const Activity = { idle: 0, toPickup: 1, occupied1: 2, occupied2: 3, rebalancing: 4, charging: 5, inService: 6, needsAssistance: 7, outOfService: 8 } as const;
export type Activity = (typeof Activity)[keyof typeof Activity];
export const ACTIVITY_COUNT = 9;
/**
 * `charging` covers the whole charging stop: the drive to the site, the plug queue and the charge itself; `inService`
 * likewise a cleaning or maintenance visit; `needsAssistance` a car held for remote help (waiting or helped);
 * `outOfService` a car taken out of service (faulted, by an operator, or silent), until it is back.
 */
export const ACTIVITY_NAMES = [
  'idle',
  'toPickup',
  'occupied1',
  'occupied2',
  'rebalancing',
  'charging',
  'inService',
  'needsAssistance',
  'outOfService',
] as const satisfies readonly (keyof typeof Activity)[];

/** How a request ended (or stands at the end of the log). */
export const RequestOutcome = { waiting: 0, onboard: 1, served: 2, cancelled: 3, rejected: 4, rescued: 5 } as const;
export type RequestOutcome = (typeof RequestOutcome)[keyof typeof RequestOutcome];

/** "Not yet / never" for times stored in Int32Arrays (an end of waiting that never came within the log). */
export const NEVER_S = 0x7fffffff;

/** The KPIs sampled over time, by name of the `Kpis` field. */
export const KPI_SAMPLE_FIELDS = [
  'requests',
  'served',
  'cancelled',
  'rejected',
  'servedPct',
  'within5MinPct',
  'waitMeanS',
  'waitP95S',
  'utilization',
  'emptyShare',
  'vehicleKm',
] as const satisfies readonly (keyof Kpis)[];
export type KpiSampleField = (typeof KPI_SAMPLE_FIELDS)[number];

/** A charging site as the map draws it (from ChargingSiteOpened). */
export interface ChargingSiteView {
  site: number;
  node: number;
  plugs: number;
  powerKw: number;
  openedS: number;
}

/**
 * An area an operator acted on in a live run, and for how long: a pause of new requests (`pause`: `polygons` empty
 * means everywhere) or the service area set live (`serviceArea`). `toS` is NEVER_S while it still holds at the log's end.
 */
export interface OperatorAreaView {
  kind: 'pause' | 'serviceArea';
  area: string;
  polygons: PolygonRings[];
  fromS: number;
  toS: number;
  by: string;
  reason: string;
}

export interface ReplayTimeline {
  /** Times of the first and last event. */
  startS: number;
  endS: number;
  vehicleCount: number;
  /** When each vehicle was placed (NEVER_S if the log never places it). */
  placedS: Int32Array;
  /** CSR offsets of each vehicle's keyframes, length vehicleCount + 1. */
  keyFirst: Uint32Array;
  /** From when the keyframe holds (until the next one of its vehicle). */
  keyS: Int32Array;
  /**
   * The movement of the keyframe: at fromNode until departS, at toNode from arriveS, on the straight line between
   * them in between. A standing vehicle has fromNode = toNode.
   */
  keyFromNode: Uint32Array;
  keyToNode: Uint32Array;
  keyDepartS: Int32Array;
  keyArriveS: Int32Array;
  keyActivity: Uint8Array;
  requestCount: number;
  requestSubmitS: Int32Array;
  requestPickupNode: Uint32Array;
  requestDropoffNode: Uint32Array;
  requestRiders: Uint8Array;
  /** Pickup and drop-off times, -1 where none happened. */
  requestPickupS: Int32Array;
  requestDropoffS: Int32Array;
  /** When the rider stopped waiting (picked up, cancelled or rejected); NEVER_S if still waiting when the log ends. */
  requestEndWaitS: Int32Array;
  requestOutcome: Uint8Array;
  /** The vehicle the request was last assigned to, -1 if none. */
  requestVehicle: Int32Array;
  /** The longest wait that ended within the log (bounds the search for riders waiting at a given time). */
  longestWaitS: number;
  /**
   * KPI samples: sample i holds the KPIs of every event up to kpiStartS + i · kpiStepS (KpiAccumulator.resultAt); the
   * last sample lies at or after endS.
   */
  kpiStartS: number;
  kpiStepS: number;
  kpiSamples: Record<KpiSampleField, Float64Array>;
  /** The run's KPIs at the end of the log, with hourly figures. */
  kpis: Kpis;
  /** Fleet by activity over the day and hourly request flows, as the HTML report plots them. */
  fleetStatus: FleetStatusSeries;
  hourly: HourlyFlows;
  /** Charging sites the log opened, in site order (empty for a run without charging). */
  chargingSites: ChargingSiteView[];
  /** Operator pauses and live service areas, in the order they began (empty for a simulated run). */
  operatorAreas: OperatorAreaView[];
}

export interface ReplayTimelineOptions {
  /** Seconds between KPI samples; default 60. */
  kpiStepS?: number;
}

/** Growable column of integers (a plain array keeps small integers unboxed; typed copies are made once at the end). */
type Column = number[];

const occupied = (load: number): Activity => (load >= 2 ? Activity.occupied2 : Activity.occupied1);

/**
 * Folds an event log into a ReplayTimeline. Events must come in log order (non-decreasing time).
 *
 * @example
 * const b = new ReplayTimelineBuilder();
 * for (const ev of events) b.add(ev);
 * const timeline = b.result();
 */
export class ReplayTimelineBuilder {
  private readonly kpiStepS: number;
  private readonly kpi = new KpiAccumulator();
  private readonly series = new ReportSeriesAccumulator();
  private firstS = NaN;
  private lastS = NaN;
  private nextSampleS = NaN;
  private kpiStartS = 0;
  private readonly samples: Record<KpiSampleField, number[]>;
  // Keyframe rows in the order they were made (vehicle column kept for the CSR sort at the end).
  private readonly kVehicle: Column = [];
  private readonly kS: Column = [];
  private readonly kFrom: Column = [];
  private readonly kTo: Column = [];
  private readonly kDepart: Column = [];
  private readonly kArrive: Column = [];
  private readonly kActivity: Column = [];
  // Per vehicle: placement time, last keyframe row, row of the leg being driven (-1 none), node, riders, activity.
  private readonly placed: Column = [];
  private readonly lastKey: Column = [];
  private readonly legKey: Column = [];
  private readonly node: Column = [];
  private readonly load: Column = [];
  private readonly activity: Column = [];
  // Per request.
  private readonly rSubmit: Column = [];
  private readonly rPickupNode: Column = [];
  private readonly rDropoffNode: Column = [];
  private readonly rRiders: Column = [];
  private readonly rPickup: Column = [];
  private readonly rDropoff: Column = [];
  private readonly rEndWait: Column = [];
  private readonly rOutcome: Column = [];
  private readonly rVehicle: Column = [];
  private readonly chargingSites: ChargingSiteView[] = [];
  private readonly operatorAreas: OperatorAreaView[] = [];

  constructor(options: ReplayTimelineOptions = {}) {
    this.kpiStepS = options.kpiStepS ?? 60;
    if (!(Number.isInteger(this.kpiStepS) && this.kpiStepS > 0)) throw new Error(`ReplayTimelineBuilder: kpiStepS must be a positive integer (got ${this.kpiStepS})`);
    this.samples = Object.fromEntries(KPI_SAMPLE_FIELDS.map((f) => [f, []])) as unknown as Record<KpiSampleField, number[]>;
  }

  add(ev: SimEvent): void {
    const t = ev.timeS;
    if (Number.isNaN(this.firstS)) {
      this.firstS = t;
      this.kpiStartS = Math.floor(t / this.kpiStepS) * this.kpiStepS;
      this.nextSampleS = this.kpiStartS;
    } else if (t < this.lastS) {
      throw new Error(`event log out of order: ${ev.kind} at ${t} s after an event at ${this.lastS} s`);
    }
    // Every sample before this event's second is complete: it holds the events up to and including its time.
    while (this.nextSampleS < t) this.sample();
    this.lastS = t;
    this.kpi.add(ev);
    this.series.add(ev);
    switch (ev.kind) {
      case 'VehiclePlaced': {
        const v = ev.vehicle;
        while (this.placed.length <= v) {
          this.placed.push(-1);
          this.lastKey.push(-1);
          this.legKey.push(-1);
          this.node.push(0);
          this.load.push(0);
          this.activity.push(Activity.idle);
        }
        this.placed[v] = t;
        this.node[v] = ev.node;
        this.load[v] = 0;
        this.activity[v] = Activity.idle;
        this.stand(v, t, ev.node);
        break;
      }
      case 'VehicleDeparted': {
        const v = this.vehicle(ev.vehicle, ev);
        this.load[v] = ev.onboard;
        this.activity[v] =
          ev.purpose === 'rebalance'
            ? Activity.rebalancing
            : ev.purpose === 'charge'
              ? Activity.charging
              : ev.purpose === 'service'
                ? Activity.inService
                : this.activity[v] === Activity.outOfService
                  ? Activity.outOfService
                  : ev.onboard > 0
                ? occupied(ev.onboard)
                : Activity.toPickup;
        this.node[v] = ev.fromNode;
        this.legKey[v] = this.key(v, t, ev.fromNode, ev.toNode, t, ev.arriveS);
        break;
      }
      case 'VehicleArrived': {
        const v = this.vehicle(ev.vehicle, ev);
        const leg = this.legKey[v];
        // A diverted leg ends early at the next node of its path: end the drawn line there, when it really got there.
        if (leg >= 0 && (this.kTo[leg] !== ev.node || this.kArrive[leg] !== t)) {
          this.kTo[leg] = ev.node;
          this.kArrive[leg] = t;
        }
        this.legKey[v] = -1;
        this.node[v] = ev.node;
        this.stand(v, t, ev.node);
        break;
      }
      case 'PickedUp': {
        const v = this.vehicle(ev.vehicle, ev);
        this.load[v] += ev.riders;
        this.activity[v] = occupied(this.load[v]);
        this.stand(v, t, this.node[v]);
        const r = this.request(ev.request, ev);
        this.rPickup[r] = t;
        this.rEndWait[r] = t;
        this.rOutcome[r] = RequestOutcome.onboard;
        this.rVehicle[r] = v;
        break;
      }
      case 'DroppedOff': {
        const v = this.vehicle(ev.vehicle, ev);
        this.load[v] = Math.max(0, this.load[v] - ev.riders);
        // The drop-off dwell of the last rider still shows as occupied (as in the report's fleet status).
        if (this.load[v] > 0) {
          this.activity[v] = occupied(this.load[v]);
          this.stand(v, t, this.node[v]);
        }
        const r = this.request(ev.request, ev);
        this.rDropoff[r] = t;
        this.rOutcome[r] = RequestOutcome.served;
        break;
      }
      case 'VehicleIdle': {
        const v = this.vehicle(ev.vehicle, ev);
        this.activity[v] = Activity.idle;
        this.node[v] = ev.node;
        this.stand(v, t, ev.node);
        break;
      }
      case 'RequestSubmitted':
        this.submitRequest(ev.request, t, ev.pickupNode, ev.dropoffNode, ev.riders);
        break;
      case 'RequestResumed': {
        // On board since an earlier run (a restarted service): it enters this log picked up, with no wait here.
        const r = this.submitRequest(ev.request, t, ev.pickupNode, ev.dropoffNode, ev.riders);
        const v = this.vehicle(ev.vehicle, ev);
        this.load[v] += ev.riders;
        this.activity[v] = occupied(this.load[v]);
        this.stand(v, t, this.node[v]);
        this.rPickup[r] = t;
        this.rEndWait[r] = t;
        this.rOutcome[r] = RequestOutcome.onboard;
        this.rVehicle[r] = v;
        break;
      }
      case 'RequestAssigned':
        this.rVehicle[this.request(ev.request, ev)] = ev.vehicle;
        break;
      case 'RequestUnassigned':
        this.rVehicle[this.request(ev.request, ev)] = -1;
        break;
      case 'RequestCancelled':
      case 'RequestRejected': {
        const r = this.request(ev.request, ev);
        if (this.rEndWait[r] === NEVER_S) this.rEndWait[r] = t;
        this.rOutcome[r] = ev.kind === 'RequestCancelled' ? RequestOutcome.cancelled : RequestOutcome.rejected;
        break;
      }
      case 'VehicleSentToCharge': {
        const v = this.vehicle(ev.vehicle, ev);
        this.activity[v] = Activity.charging;
        this.stand(v, t, this.node[v]);
        break;
      }
      case 'VehicleSentToService': {
        const v = this.vehicle(ev.vehicle, ev);
        this.activity[v] = Activity.inService;
        this.stand(v, t, this.node[v]);
        break;
      }
      case 'AssistRequested': {
        const v = this.vehicle(ev.vehicle, ev);
        this.activity[v] = Activity.needsAssistance;
        this.node[v] = ev.node;
        this.stand(v, t, ev.node);
        break;
      }
      case 'AssistEnded': {
        // Until the departure, stop or VehicleIdle that follows in the same second says what it does next.
        const v = this.vehicle(ev.vehicle, ev);
        this.activity[v] = this.load[v] > 0 ? occupied(this.load[v]) : Activity.toPickup;
        this.stand(v, t, this.node[v]);
        break;
      }
      case 'VehicleOutOfService': {
        // NOTE: a car still rolling to the next node of its leg keeps the leg's keyframe (and colour) until it stops
        // there (VehicleStopped): splitting a drawn leg would make it jump where the leg was cut short.
        const v = this.vehicle(ev.vehicle, ev);
        this.activity[v] = Activity.outOfService;
        if (this.legKey[v] < 0) this.stand(v, t, this.node[v]);
        break;
      }
      case 'VehicleStopped': {
        const v = this.vehicle(ev.vehicle, ev);
        this.activity[v] = Activity.outOfService;
        this.load[v] = 0;
        this.node[v] = ev.node;
        this.stand(v, t, ev.node);
        break;
      }
      case 'RescueNeeded': {
        // The riders leave the stopped car; their rescue is a new request (submitted in its own event).
        const r = this.request(ev.request, ev);
        this.rDropoff[r] = t;
        this.rOutcome[r] = RequestOutcome.rescued;
        break;
      }
      case 'VehicleInService': // the VehicleIdle that follows recolours it
      case 'ServiceCentreOpened':
      case 'MessReported':
      case 'ServiceStarted':
      case 'ServiceEnded': // the VehicleIdle or departure that follows says what it does next
      case 'AssistanceOpened':
      case 'AssistStarted':
        break;
      case 'ChargingSiteOpened':
        this.chargingSites.push({ site: ev.site, node: ev.node, plugs: ev.plugs, powerKw: ev.powerKw, openedS: t });
        break;
      case 'VehicleRebalanced': // the departure that follows carries the movement
      case 'ChargingStarted': // still charging, where it stands
      case 'ChargingEnded': // the VehicleIdle or departure that follows says what it does next
      case 'CommandInvalid':
      case 'VehicleSentByOperator': // the command's own event follows
      case 'DispatcherParametersChanged': // the decisions that follow show its effect; nothing to draw
        break;
      case 'RequestsPaused':
        this.endOperatorArea('pause', ev.area, t);
        this.operatorAreas.push({ kind: 'pause', area: ev.area, polygons: ev.polygons, fromS: t, toS: NEVER_S, by: ev.by, reason: ev.reason });
        break;
      case 'RequestsResumed':
        this.endOperatorArea('pause', ev.area, t);
        break;
      case 'ServiceAreaChanged':
        this.endOperatorArea('serviceArea', 'service-area', t);
        if (ev.polygons.length > 0) this.operatorAreas.push({ kind: 'serviceArea', area: 'service-area', polygons: ev.polygons, fromS: t, toS: NEVER_S, by: ev.by, reason: '' });
        break;
      case 'PlanExplained': // why a plan was given (decision 0022): changes nothing here
        break;
      default: {
        const never: never = ev;
        throw new Error(`ReplayTimelineBuilder: unknown event ${JSON.stringify(never)}`);
      }
    }
  }

  result(): ReplayTimeline {
    const empty = Number.isNaN(this.firstS);
    const startS = empty ? 0 : this.firstS;
    const endS = empty ? 0 : this.lastS;
    // The last sample is the first at or after the last event: it holds the whole log.
    if (!empty) while (this.nextSampleS < endS + this.kpiStepS) this.sample();

    const vehicleCount = this.placed.length;
    const rows = this.kS.length;
    const keyFirst = new Uint32Array(vehicleCount + 1);
    for (let k = 0; k < rows; k++) keyFirst[this.kVehicle[k] + 1]++;
    for (let v = 0; v < vehicleCount; v++) keyFirst[v + 1] += keyFirst[v];
    const fill = keyFirst.slice(0, vehicleCount);
    const keyS = new Int32Array(rows);
    const keyFromNode = new Uint32Array(rows);
    const keyToNode = new Uint32Array(rows);
    const keyDepartS = new Int32Array(rows);
    const keyArriveS = new Int32Array(rows);
    const keyActivity = new Uint8Array(rows);
    // Rows were appended in time order, so a stable bucket pass keeps each vehicle's rows in time order.
    for (let k = 0; k < rows; k++) {
      const at = fill[this.kVehicle[k]]++;
      keyS[at] = this.kS[k];
      keyFromNode[at] = this.kFrom[k];
      keyToNode[at] = this.kTo[k];
      keyDepartS[at] = this.kDepart[k];
      keyArriveS[at] = this.kArrive[k];
      keyActivity[at] = this.kActivity[k];
    }

    let longestWaitS = 0;
    for (let r = 0; r < this.rSubmit.length; r++) {
      if (this.rEndWait[r] !== NEVER_S) longestWaitS = Math.max(longestWaitS, this.rEndWait[r] - this.rSubmit[r]);
    }
    const series = this.series.result();
    return {
      startS,
      endS,
      vehicleCount,
      placedS: Int32Array.from(this.placed, (s) => (s < 0 ? NEVER_S : s)),
      keyFirst,
      keyS,
      keyFromNode,
      keyToNode,
      keyDepartS,
      keyArriveS,
      keyActivity,
      requestCount: this.rSubmit.length,
      requestSubmitS: Int32Array.from(this.rSubmit),
      requestPickupNode: Uint32Array.from(this.rPickupNode),
      requestDropoffNode: Uint32Array.from(this.rDropoffNode),
      requestRiders: Uint8Array.from(this.rRiders),
      requestPickupS: Int32Array.from(this.rPickup),
      requestDropoffS: Int32Array.from(this.rDropoff),
      requestEndWaitS: Int32Array.from(this.rEndWait),
      requestOutcome: Uint8Array.from(this.rOutcome),
      requestVehicle: Int32Array.from(this.rVehicle),
      longestWaitS,
      kpiStartS: this.kpiStartS,
      kpiStepS: this.kpiStepS,
      kpiSamples: Object.fromEntries(KPI_SAMPLE_FIELDS.map((f) => [f, Float64Array.from(this.samples[f])])) as Record<KpiSampleField, Float64Array>,
      kpis: this.kpi.result(),
      fleetStatus: series.fleetStatus,
      hourly: series.hourly,
      chargingSites: [...this.chargingSites],
      operatorAreas: this.operatorAreas.map((a) => ({ ...a })),
    };
  }

  /** Ends the open operator area of this kind and name, if any, at `t`. */
  private endOperatorArea(kind: OperatorAreaView['kind'], area: string, t: number): void {
    for (const a of this.operatorAreas) if (a.kind === kind && a.area === area && a.toS === NEVER_S) a.toS = t;
  }

  /** Vehicles placed so far (the live feed reads the fold as it grows). */
  get vehicleCount(): number {
    return this.placed.length;
  }

  /**
   * The keyframe vehicle v is in after the events so far, as [activity, fromNode, toNode, departS, arriveS];
   * undefined before it is placed.
   */
  currentKey(v: number): [number, number, number, number, number] | undefined {
    const k = v >= 0 && v < this.lastKey.length ? this.lastKey[v] : -1;
    if (k < 0) return undefined;
    return [this.kActivity[k], this.kFrom[k], this.kTo[k], this.kDepart[k], this.kArrive[k]];
  }

  /** Request r's [pickupNode, submitS] while its rider waits (submitted, not yet picked up, cancelled or rejected). */
  waitingRequest(r: number): [number, number] | undefined {
    if (!(r >= 0 && r < this.rSubmit.length) || this.rSubmit[r] === NEVER_S || this.rEndWait[r] !== NEVER_S) return undefined;
    return [this.rPickupNode[r], this.rSubmit[r]];
  }

  /** The KPIs of the events so far, as of `nowS` (KpiAccumulator.resultAt: riders still waiting count their wait so far). */
  kpisAt(nowS: number): Kpis {
    return this.kpi.resultAt(nowS);
  }

  private sample(): void {
    const k = this.kpi.resultAt(this.nextSampleS);
    for (const f of KPI_SAMPLE_FIELDS) this.samples[f].push(k[f]);
    this.nextSampleS += this.kpiStepS;
  }

  /** Checks that the vehicle was placed (a log is self-contained: every vehicle starts with VehiclePlaced). */
  private vehicle(v: number, ev: SimEvent): number {
    if (!(v >= 0 && v < this.placed.length && this.placed[v] >= 0)) throw new Error(`${ev.kind} at ${ev.timeS} s names vehicle ${v}, which was never placed`);
    return v;
  }

  /** A request enters the log at t (submitted, or resumed on board): its per-request rows. */
  private submitRequest(r: number, t: number, pickupNode: number, dropoffNode: number, riders: number): number {
    while (this.rSubmit.length <= r) {
      this.rSubmit.push(NEVER_S);
      this.rPickupNode.push(0);
      this.rDropoffNode.push(0);
      this.rRiders.push(0);
      this.rPickup.push(-1);
      this.rDropoff.push(-1);
      this.rEndWait.push(NEVER_S);
      this.rOutcome.push(RequestOutcome.waiting);
      this.rVehicle.push(-1);
    }
    this.rSubmit[r] = t;
    this.rPickupNode[r] = pickupNode;
    this.rDropoffNode[r] = dropoffNode;
    this.rRiders[r] = riders;
    return r;
  }

  private request(r: number, ev: SimEvent): number {
    if (!(r >= 0 && r < this.rSubmit.length && this.rSubmit[r] !== NEVER_S)) throw new Error(`${ev.kind} at ${ev.timeS} s names request ${r}, which was never submitted`);
    return r;
  }

  private stand(v: number, t: number, node: number): void {
    this.key(v, t, node, node, t, t);
  }

  /** Appends a keyframe; one made in the same second as the vehicle's last replaces it (that one lasted no time). */
  private key(v: number, t: number, from: number, to: number, departS: number, arriveS: number): number {
    let k = this.lastKey[v];
    if (k < 0 || this.kS[k] !== t) {
      k = this.kS.length;
      this.kVehicle.push(v);
      this.kS.push(t);
      this.kFrom.push(from);
      this.kTo.push(to);
      this.kDepart.push(departS);
      this.kArrive.push(arriveS);
      this.kActivity.push(this.activity[v]);
      this.lastKey[v] = k;
      return k;
    }
    this.kFrom[k] = from;
    this.kTo[k] = to;
    this.kDepart[k] = departS;
    this.kArrive[k] = arriveS;
    this.kActivity[k] = this.activity[v];
    if (this.legKey[v] === k && from === to) this.legKey[v] = -1;
    return k;
  }
}
