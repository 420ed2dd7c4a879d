// Time series and distributions for reports, folded from the event log: hourly flows, the wait histogram, fleet
// status over the day and where pickups happened. Pure data; rendering lives in src/io/report.
import type { SimEvent } from '../sim/events.js';
import { percentileSorted } from './kpis.js';

/** What a vehicle is doing, as the fleet-status chart stacks it. */
export const FleetState = { idle: 0, toPickup: 1, occupied: 2, rebalancing: 3, charging: 4, servicing: 5, assisted: 6, outOfService: 7 } as const;
export type FleetState = (typeof FleetState)[keyof typeof FleetState];
const STATE_COUNT = 8;

/** Counts per clock hour of the event (hour 0 = 00:00–00:59 of day 0). */
export interface HourlyFlows {
  /** Hour indices 0..n-1 (one entry per hour up to the last hour with any of these events). */
  hour: number[];
  /** RequestSubmitted by submission hour. */
  requests: number[];
  /** PickedUp by pickup hour. */
  pickups: number[];
  /** DroppedOff by drop-off hour. */
  dropoffs: number[];
  /** RequestCancelled by cancellation hour. */
  cancelled: number[];
  /** RequestRejected by rejection hour. */
  rejected: number[];
}

/** Histogram of wait times (pickup − request) of every picked-up request. */
export interface WaitHistogram {
  binS: number;
  /** counts[i] = waits in [i·binS, (i+1)·binS). */
  counts: number[];
  /** Number of waits (= picked-up requests). */
  n: number;
  meanS: number;
  /** Nearest-rank percentiles, like the KPIs. NaN when nothing was picked up. */
  p50S: number;
  p95S: number;
}

/**
 * Mean number of vehicles in each state per time bin (time-weighted, so the series add up to the fleet).
 * Pickup and drop-off dwells count as occupied; a vehicle is "to pickup" while driving a stop leg empty; "charging"
 * from being sent to charge until it frees up (driving there, queued, plugged in); "servicing" the same for a cleaning
 * or maintenance visit (driving there, queued, in a bay); "assisted" from asking for remote help until the operator is
 * done (then back to what it was doing); "outOfService" from being taken out of service until put back.
 */
export interface FleetStatusSeries {
  binS: number;
  /** Start of each bin, seconds since the scenario start. */
  startS: number[];
  idle: number[];
  toPickup: number[];
  occupied: number[];
  rebalancing: number[];
  charging: number[];
  servicing: number[];
  assisted: number[];
  outOfService: number[];
}

/** Everything a report plots besides the KPIs. */
export interface ReportSeries {
  hourly: HourlyFlows;
  wait: WaitHistogram;
  fleetStatus: FleetStatusSeries;
  /** Pickup node of every picked-up request, in pickup order. */
  pickupNodes: number[];
  /** Pickup node of every request that was cancelled or rejected (unserved demand). */
  unservedNodes: number[];
}

export interface ReportSeriesOptions {
  /** Wait histogram bin width; default 30 s. */
  waitBinS?: number;
  /** Fleet-status bin width; default 300 s. */
  fleetBinS?: number;
}

const grow = (a: number[], i: number): void => {
  while (a.length <= i) a.push(0);
};

/**
 * Folds an event log (in log order) into the series a report plots.
 *
 * @example
 * const { events } = simulate({ ... });
 * const series = reportSeries(events);
 * series.hourly.requests.reduce((a, b) => a + b, 0); // = number of RequestSubmitted events
 */
export function reportSeries(events: Iterable<SimEvent>, options: ReportSeriesOptions = {}): ReportSeries {
  const acc = new ReportSeriesAccumulator(options);
  for (const ev of events) acc.add(ev);
  return acc.result();
}

/**
 * The report series as a fold that subscribes to the event stream (no log needs to be kept): `add` every event in
 * order, `result` at the end.
 *
 * @example
 * const series = new ReportSeriesAccumulator();
 * simulate({ ..., subscribers: [series] });
 * renderSimulationReport({ ..., series: series.result() });
 */
export class ReportSeriesAccumulator {
  private readonly waitBinS: number;
  private readonly fleetBinS: number;
  private readonly hourly: HourlyFlows = { hour: [], requests: [], pickups: [], dropoffs: [], cancelled: [], rejected: [] };
  private readonly waitCounts: number[] = [];
  private readonly waits: number[] = [];
  private readonly pickupNodeOf: number[] = [];
  private readonly pickupNodes: number[] = [];
  private readonly unservedNodes: number[] = [];
  // Fleet state machine per vehicle, and the time spent in each state per bin (flat: bin * STATE_COUNT + state).
  private readonly state: number[] = [];
  private readonly since: number[] = [];
  private readonly load: number[] = [];
  /** The state a remote assist interrupted, and whether a car is out of service (no other change applies then). */
  private readonly beforeAssist: number[] = [];
  private readonly stopped: boolean[] = [];
  private readonly stateSeconds: number[] = [];
  private firstS = Infinity;
  private lastS = -Infinity;

  constructor(options: ReportSeriesOptions = {}) {
    this.waitBinS = options.waitBinS ?? 30;
    this.fleetBinS = options.fleetBinS ?? 300;
    if (!(this.waitBinS > 0) || !(this.fleetBinS > 0)) throw new Error(`reportSeries: bin widths must be positive (wait ${this.waitBinS}, fleet ${this.fleetBinS})`);
  }

  add(ev: SimEvent): void {
    const { hourly, load } = this;
    if (ev.timeS < this.firstS) this.firstS = ev.timeS;
    if (ev.timeS > this.lastS) this.lastS = ev.timeS;
    switch (ev.kind) {
      case 'VehiclePlaced':
        this.state[ev.vehicle] = FleetState.idle;
        this.since[ev.vehicle] = ev.timeS;
        load[ev.vehicle] = 0;
        break;
      case 'RequestSubmitted':
        bump(hourly.requests, ev.timeS);
        this.pickupNodeOf[ev.request] = ev.pickupNode;
        break;
      case 'PickedUp': {
        bump(hourly.pickups, ev.timeS);
        const bin = Math.floor(ev.waitS / this.waitBinS);
        grow(this.waitCounts, bin);
        this.waitCounts[bin]++;
        this.waits.push(ev.waitS);
        const node = this.pickupNodeOf[ev.request];
        if (node !== undefined) this.pickupNodes.push(node);
        load[ev.vehicle] = (load[ev.vehicle] ?? 0) + ev.riders;
        this.setState(ev.vehicle, ev.timeS, FleetState.occupied);
        break;
      }
      case 'RequestResumed': // on board since an earlier run: a request of this run, no pickup or wait here
        bump(hourly.requests, ev.timeS);
        this.pickupNodeOf[ev.request] = ev.pickupNode;
        load[ev.vehicle] = (load[ev.vehicle] ?? 0) + ev.riders;
        this.setState(ev.vehicle, ev.timeS, FleetState.occupied);
        break;
      case 'DroppedOff':
        bump(hourly.dropoffs, ev.timeS);
        // The drop-off dwell still counts as occupied; the next departure or VehicleIdle changes the state.
        load[ev.vehicle] = Math.max(0, (load[ev.vehicle] ?? 0) - ev.riders);
        break;
      case 'RequestCancelled':
      case 'RequestRejected': {
        bump(ev.kind === 'RequestCancelled' ? hourly.cancelled : hourly.rejected, ev.timeS);
        const node = this.pickupNodeOf[ev.request];
        if (node !== undefined) this.unservedNodes.push(node);
        break;
      }
      case 'VehicleDeparted':
        this.setState(
          ev.vehicle,
          ev.timeS,
          ev.purpose === 'rebalance'
            ? FleetState.rebalancing
            : ev.purpose === 'charge'
              ? FleetState.charging
              : ev.purpose === 'service'
                ? FleetState.servicing
                : ev.onboard > 0
                ? FleetState.occupied
                : FleetState.toPickup,
        );
        break;
      case 'VehicleIdle':
        this.setState(ev.vehicle, ev.timeS, FleetState.idle);
        break;
      case 'VehicleSentToCharge':
        this.setState(ev.vehicle, ev.timeS, FleetState.charging);
        break;
      case 'ChargingSiteOpened':
      case 'ChargingStarted':
      case 'ChargingEnded': // followed in the same second by VehicleIdle
        break;
      case 'VehicleSentToService':
        this.setState(ev.vehicle, ev.timeS, FleetState.servicing);
        break;
      case 'AssistRequested':
        this.beforeAssist[ev.vehicle] = this.state[ev.vehicle] ?? FleetState.idle;
        this.setState(ev.vehicle, ev.timeS, FleetState.assisted);
        break;
      case 'AssistEnded': // back to what it was doing; the departure or stop that follows carries any change
        this.setState(ev.vehicle, ev.timeS, (this.beforeAssist[ev.vehicle] ?? FleetState.idle) as FleetState);
        break;
      case 'VehicleOutOfService':
        this.setState(ev.vehicle, ev.timeS, FleetState.outOfService);
        this.stopped[ev.vehicle] = true;
        break;
      case 'VehicleInService':
        this.stopped[ev.vehicle] = false;
        this.setState(ev.vehicle, ev.timeS, FleetState.idle);
        break;
      case 'ServiceCentreOpened':
      case 'MessReported':
      case 'ServiceStarted':
      case 'ServiceEnded': // followed in the same second by VehicleIdle
      case 'AssistanceOpened':
      case 'AssistStarted':
      case 'VehicleStopped':
      case 'RescueNeeded':
        break;
      case 'VehicleArrived': // always followed in the same second by a departure, a stop or VehicleIdle
      case 'RequestAssigned':
      case 'RequestUnassigned':
      case 'VehicleRebalanced': // the departure that follows carries the state change
      case 'CommandInvalid':
      case 'RequestsPaused':
      case 'RequestsResumed':
      case 'ServiceAreaChanged':
      case 'DispatcherParametersChanged':
      case 'VehicleSentByOperator': // the command's own event follows
      case 'PlanExplained': // why a plan was given (decision 0022): changes nothing here
        break;
      default: {
        const never: never = ev;
        throw new Error(`reportSeries: unknown event ${JSON.stringify(never)}`);
      }
    }
  }

  /** The series of everything added so far (each vehicle's last state closed at the end of the last bin). */
  result(): ReportSeries {
    const { hourly, fleetBinS, stateSeconds, waits } = this;
    // Hourly arrays share one length so that charts can zip them.
    const hours = Math.max(hourly.requests.length, hourly.pickups.length, hourly.dropoffs.length, hourly.cancelled.length, hourly.rejected.length);
    for (const list of [hourly.requests, hourly.pickups, hourly.dropoffs, hourly.cancelled, hourly.rejected]) grow(list, hours - 1);
    hourly.hour = Array.from({ length: hours }, (_, h) => h);

    const fleetStatus: FleetStatusSeries = { binS: fleetBinS, startS: [], idle: [], toPickup: [], occupied: [], rebalancing: [], charging: [], servicing: [], assisted: [], outOfService: [] };
    if (Number.isFinite(this.lastS)) {
      const firstBin = Math.max(0, Math.floor(this.firstS / fleetBinS));
      const endS = (Math.floor(this.lastS / fleetBinS) + 1) * fleetBinS;
      for (let v = 0; v < this.state.length; v++) if (this.state[v] !== undefined) this.account(v, endS);
      grow(stateSeconds, (endS / fleetBinS) * STATE_COUNT - 1);
      for (let bin = firstBin; bin * fleetBinS < endS; bin++) {
        const at = (s: FleetState): number => stateSeconds[bin * STATE_COUNT + s] / fleetBinS;
        fleetStatus.startS.push(bin * fleetBinS);
        fleetStatus.idle.push(at(FleetState.idle));
        fleetStatus.toPickup.push(at(FleetState.toPickup));
        fleetStatus.occupied.push(at(FleetState.occupied));
        fleetStatus.rebalancing.push(at(FleetState.rebalancing));
        fleetStatus.charging.push(at(FleetState.charging));
        fleetStatus.servicing.push(at(FleetState.servicing));
        fleetStatus.assisted.push(at(FleetState.assisted));
        fleetStatus.outOfService.push(at(FleetState.outOfService));
      }
    }

    const sorted = Float64Array.from(waits).sort();
    let waitSum = 0;
    for (const w of waits) waitSum += w;
    return {
      hourly,
      wait: {
        binS: this.waitBinS,
        counts: this.waitCounts,
        n: waits.length,
        meanS: waits.length > 0 ? waitSum / waits.length : NaN,
        p50S: percentileSorted(sorted, 0.5),
        p95S: percentileSorted(sorted, 0.95),
      },
      fleetStatus,
      pickupNodes: this.pickupNodes,
      unservedNodes: this.unservedNodes,
    };
  }

  private account(v: number, toS: number): void {
    let t = this.since[v];
    const s = this.state[v];
    while (t < toS) {
      const bin = Math.floor(t / this.fleetBinS);
      const end = Math.min(toS, (bin + 1) * this.fleetBinS);
      grow(this.stateSeconds, bin * STATE_COUNT + STATE_COUNT - 1);
      this.stateSeconds[bin * STATE_COUNT + s] += end - t;
      t = end;
    }
    this.since[v] = toS;
  }

  private setState(v: number, timeS: number, s: FleetState): void {
    if (this.state[v] === undefined) return; // a vehicle never placed: nothing to account
    if (this.stopped[v]) return; // out of service until put back, whatever its riders or holds do
    this.account(v, timeS);
    this.state[v] = s;
  }
}

const bump = (list: number[], timeS: number): void => {
  const h = Math.max(0, Math.floor(timeS / 3600));
  grow(list, h);
  list[h]++;
};
