// Where a fleet's car-hours go besides carrying riders: charging stops, cleaning and maintenance visits, remote
// assistance and cars taken out of service, folded from the event log. It says why a fleet with operations on must be
// larger than one without (`baton fleet-size`): every car-hour out of service is a car-hour no rider can use.
import type { SimEvent } from '../sim/events.js';

/**
 * What a car out of service is doing, in the order the breakdown lists (and stacks) them. A car is in at most one of
 * these at a time; a car in none of them takes work (idle, driving to or with riders, rebalancing).
 */
export const OPERATION_STATES = [
  'toCharger',
  'plugQueue',
  'plugged',
  'toCentre',
  'bayQueue',
  'cleaning',
  'maintenance',
  'assistQueue',
  'assistHeld',
  'outOfService',
] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

/** What each state means, for tables and legends. */
export const OPERATION_STATE_LABEL: Record<OperationState, string> = {
  toCharger: 'driving to charge',
  plugQueue: 'waiting for a plug',
  plugged: 'charging (plugged in)',
  toCentre: 'driving to service',
  bayQueue: 'waiting for a bay',
  cleaning: 'in cleaning',
  maintenance: 'in maintenance',
  assistQueue: 'waiting for an operator',
  assistHeld: 'held by an assist',
  outOfService: 'taken out of service',
};

/** The fleet operations a run can have on, and the states of the breakdown each one puts cars in. */
export const OPERATION_GROUPS = {
  charging: ['toCharger', 'plugQueue', 'plugged'],
  servicing: ['toCentre', 'bayQueue', 'cleaning', 'maintenance'],
  assistance: ['assistQueue', 'assistHeld'],
} as const satisfies Record<string, readonly OperationState[]>;
export type OperationName = keyof typeof OPERATION_GROUPS;

/** The states worth listing for the operations that were on (and any other state cars spent time in). */
export function breakdownStates(on: readonly OperationName[], b: Pick<OperationsBreakdown, 'carHours'>): OperationState[] {
  return OPERATION_STATES.filter((s) => on.some((o) => (OPERATION_GROUPS[o] as readonly string[]).includes(s)) || b.carHours[s] > 0);
}

export interface OperationsBreakdown {
  /** The span the car-hours are averaged over (the KPI span by default), seconds. */
  spanS: number;
  /** Cars placed. */
  fleet: number;
  /** Car-hours in each state over the whole run (up to its last event). */
  carHours: Record<OperationState, number>;
  /** Sum of `carHours`. */
  totalCarHours: number;
  /** carHours / span hours: as many cars as were, on average over the span, in each state. */
  equivalentCars: Record<OperationState, number>;
  /** totalCarHours / span hours: the mean number of cars out of service. */
  meanCarsOut: number;
  /** Most cars out of service at once (held for at least one second), and the first second it was reached. */
  peakCarsOut: number;
  peakAtS: number;
  /** Stops and visits that started: charging sessions (plug-ins), cleanings, maintenances, assists (requests). */
  counts: { chargingSessions: number; cleanings: number; maintenances: number; assists: number };
  /** Mean cars in each state per bin (time-weighted), for a stacked plot over the day. */
  series: { binS: number; startS: number[]; byState: Record<OperationState, number[]> };
}

export interface OperationsBreakdownOptions {
  /** Span to average over; default the KPIs' (whole hours from the first to the last request hour). */
  spanS?: number;
  /** Width of the series' bins; default 900 s. */
  binS?: number;
}

const NONE = -1;
const STATE_COUNT = OPERATION_STATES.length;
const S = Object.fromEntries(OPERATION_STATES.map((s, i) => [s, i])) as Record<OperationState, number>;

/**
 * The breakdown as a fold over the event stream: `add` every event in log order, `result` at the end (states still
 * open end at the last event). Each car runs a small state machine: sent to charge → driving there → (arrived at the
 * site) waiting for a plug → plugged in → free (ChargingEnded); the same for a service visit with bays, the visit's
 * task deciding cleaning or maintenance; an assist request → waiting for an operator → held → back to the state it
 * interrupted (an assist can stop a car on its way to charge or to service); taken out of service → stopped until put
 * back. The queue waits come from the events' `waitedS`, so a stop whose arrival the fold missed is still split right.
 *
 * @example
 * const ops = new OperationsBreakdownAccumulator({ spanS: kpis.spanS });
 * simulate({ ..., subscribers: [ops] });
 * ops.result().carHours.cleaning; // car-hours spent in cleaning bays
 */
export class OperationsBreakdownAccumulator {
  private readonly binS: number;
  private readonly spanS: number | undefined;
  private readonly state: number[] = [];
  private readonly since: number[] = [];
  /** The state an assist interrupted, restored when it ends. */
  private readonly beforeAssist: number[] = [];
  /** Per vehicle: the node of the site or centre it is heading to (−1: none). */
  private readonly heading: number[] = [];
  private readonly taskOf: number[] = [];
  private readonly stopped: boolean[] = [];
  private readonly siteNode: number[] = [];
  private readonly centreNode: number[] = [];
  private readonly totalS = new Float64Array(STATE_COUNT);
  /** Seconds per bin and state, flat: bin * STATE_COUNT + state. */
  private readonly binSeconds: number[] = [];
  private readonly counts = { chargingSessions: 0, cleanings: 0, maintenances: 0, assists: 0 };
  private placed = 0;
  private out = 0;
  private peak = 0;
  private peakAtS = 0;
  private nowS = -Infinity;
  private firstS = Infinity;
  private firstRequestS = Infinity;
  private lastRequestS = -Infinity;

  constructor(options: OperationsBreakdownOptions = {}) {
    this.binS = options.binS ?? 900;
    this.spanS = options.spanS;
    if (!(this.binS > 0)) throw new Error(`OperationsBreakdownAccumulator: the bin width must be positive, got ${this.binS}`);
  }

  add(ev: SimEvent): void {
    if (ev.timeS > this.nowS) {
      // The count held over the seconds since the last event: a peak only counts if it lasted.
      if (Number.isFinite(this.nowS) && this.out > this.peak) {
        this.peak = this.out;
        this.peakAtS = this.nowS;
      }
      this.nowS = ev.timeS;
    }
    if (ev.timeS < this.firstS) this.firstS = ev.timeS;
    const t = ev.timeS;
    // NOTE: an if-chain over the events that move a car between states, not an exhaustive switch: events this fold
    // does not read may join the log without touching it.
    if (ev.kind === 'VehiclePlaced') {
      if (this.state[ev.vehicle] === undefined) this.placed++;
      this.state[ev.vehicle] = NONE;
      this.since[ev.vehicle] = t;
      this.heading[ev.vehicle] = -1;
    } else if (ev.kind === 'RequestSubmitted') {
      this.firstRequestS = Math.min(this.firstRequestS, t);
      this.lastRequestS = Math.max(this.lastRequestS, t);
    } else if (ev.kind === 'ChargingSiteOpened') {
      this.siteNode[ev.site] = ev.node;
    } else if (ev.kind === 'ServiceCentreOpened') {
      this.centreNode[ev.centre] = ev.node;
    } else if (ev.kind === 'VehicleSentToCharge') {
      this.heading[ev.vehicle] = this.siteNode[ev.site] ?? -1;
      this.enter(ev.vehicle, t, S.toCharger);
    } else if (ev.kind === 'VehicleSentToService') {
      this.heading[ev.vehicle] = this.centreNode[ev.centre] ?? -1;
      this.taskOf[ev.vehicle] = ev.task === 'maintenance' ? S.maintenance : S.cleaning;
      this.enter(ev.vehicle, t, S.toCentre);
    } else if (ev.kind === 'VehicleArrived') {
      const s = this.state[ev.vehicle];
      if ((s === S.toCharger || s === S.toCentre) && !ev.diverted && ev.node === this.heading[ev.vehicle]) {
        this.enter(ev.vehicle, t, s === S.toCharger ? S.plugQueue : S.bayQueue);
      }
    } else if (ev.kind === 'ChargingStarted') {
      this.counts.chargingSessions++;
      this.queueEnded(ev.vehicle, t, ev.waitedS, S.toCharger, S.plugQueue);
      this.enter(ev.vehicle, t, S.plugged);
    } else if (ev.kind === 'ServiceStarted') {
      if (ev.task === 'maintenance') this.counts.maintenances++;
      else this.counts.cleanings++;
      this.queueEnded(ev.vehicle, t, ev.waitedS, S.toCentre, S.bayQueue);
      this.enter(ev.vehicle, t, ev.task === 'maintenance' ? S.maintenance : S.cleaning);
    } else if (ev.kind === 'ChargingEnded' || ev.kind === 'ServiceEnded') {
      this.heading[ev.vehicle] = -1;
      this.enter(ev.vehicle, t, this.stopped[ev.vehicle] ? S.outOfService : NONE);
    } else if (ev.kind === 'AssistRequested') {
      this.counts.assists++;
      this.beforeAssist[ev.vehicle] = this.state[ev.vehicle] ?? NONE;
      this.enter(ev.vehicle, t, S.assistQueue);
    } else if (ev.kind === 'AssistStarted') {
      this.enter(ev.vehicle, t, S.assistHeld);
    } else if (ev.kind === 'AssistEnded') {
      this.enter(ev.vehicle, t, this.stopped[ev.vehicle] ? S.outOfService : (this.beforeAssist[ev.vehicle] ?? NONE));
    } else if (ev.kind === 'VehicleOutOfService') {
      this.stopped[ev.vehicle] = true;
      // A drive to charge or to service (or a queue at the site) is dropped at once; a plug, a bay or an assist holds
      // the car until it ends.
      const s = this.state[ev.vehicle];
      if (s === NONE || s === S.toCharger || s === S.plugQueue || s === S.toCentre || s === S.bayQueue) this.enter(ev.vehicle, t, S.outOfService);
    } else if (ev.kind === 'VehicleInService') {
      this.stopped[ev.vehicle] = false;
      this.enter(ev.vehicle, t, NONE);
    }
  }

  /** A plug or bay was taken at `t` after `waitedS` in the queue: the drive there ends at t − waitedS. */
  private queueEnded(v: number, t: number, waitedS: number, drive: number, queue: number): void {
    if (this.state[v] === drive) this.enter(v, Math.max(this.since[v], t - waitedS), queue);
  }

  /** Moves car v into state `s` at `t`, accounting the time since its last change to the state it leaves. */
  private enter(v: number, t: number, s: number): void {
    const from = this.state[v];
    if (from === undefined) return; // a vehicle never placed
    if (from !== NONE) this.account(from, this.since[v], t);
    if ((from === NONE) !== (s === NONE)) this.out += s === NONE ? -1 : 1;
    this.state[v] = s;
    this.since[v] = t;
  }

  private account(s: number, fromS: number, toS: number, into: Float64Array = this.totalS, bins: number[] = this.binSeconds): void {
    if (!(toS > fromS)) return;
    into[s] += toS - fromS;
    for (let t = Math.max(0, fromS); t < toS; ) {
      const bin = Math.floor(t / this.binS);
      const end = Math.min(toS, (bin + 1) * this.binS);
      const at = bin * STATE_COUNT + s;
      while (bins.length <= at) bins.push(0);
      bins[at] += end - t;
      t = end;
    }
  }

  /** The breakdown of everything added so far (open states end at the last event); `spanS` overrides the option
   *  (a caller that learns the KPI span only at the end of the run). */
  result(spanS: number | undefined = this.spanS): OperationsBreakdown {
    const lastS = Number.isFinite(this.nowS) ? this.nowS : 0;
    const total = Float64Array.from(this.totalS);
    const bins = this.binSeconds.slice();
    for (let v = 0; v < this.state.length; v++) {
      const s = this.state[v];
      if (s !== undefined && s !== NONE) this.account(s, this.since[v], lastS, total, bins);
    }
    spanS ??=
      (Number.isFinite(this.firstRequestS) ? (Math.floor(this.lastRequestS / 3600) + 1 - Math.floor(this.firstRequestS / 3600)) * 3600 : 3600);
    const spanH = spanS / 3600;
    const carHours = {} as Record<OperationState, number>;
    const equivalentCars = {} as Record<OperationState, number>;
    let totalS = 0;
    for (const name of OPERATION_STATES) {
      carHours[name] = total[S[name]] / 3600;
      equivalentCars[name] = spanH > 0 ? carHours[name] / spanH : 0;
      totalS += total[S[name]];
    }
    const byState = {} as Record<OperationState, number[]>;
    const startS: number[] = [];
    if (Number.isFinite(this.firstS)) {
      for (let bin = Math.max(0, Math.floor(this.firstS / this.binS)); bin * this.binS <= lastS; bin++) startS.push(bin * this.binS);
    }
    for (const name of OPERATION_STATES) byState[name] = startS.map((b) => (bins[(b / this.binS) * STATE_COUNT + S[name]] ?? 0) / this.binS);
    return {
      spanS,
      fleet: this.placed,
      carHours,
      totalCarHours: totalS / 3600,
      equivalentCars,
      meanCarsOut: spanH > 0 ? totalS / 3600 / spanH : 0,
      peakCarsOut: this.peak,
      peakAtS: this.peakAtS,
      counts: { ...this.counts },
      series: { binS: this.binS, startS, byState },
    };
  }
}

/** The breakdown of a whole event log (see OperationsBreakdownAccumulator). */
export function operationsBreakdown(events: Iterable<SimEvent>, options: OperationsBreakdownOptions = {}): OperationsBreakdown {
  const acc = new OperationsBreakdownAccumulator(options);
  for (const ev of events) acc.add(ev);
  return acc.result();
}
