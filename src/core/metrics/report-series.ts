// Time series and distributions for reports, folded from the event log: hourly flows, the wait histogram, fleet
// status over the day and where pickups happened. Pure data; rendering lives in src/io/report.
import type { SimEvent } from '../sim/events.js';
import { percentileSorted } from './kpis.js';

/** What a vehicle is doing, as the fleet-status chart stacks it. */
export const FleetState = { idle: 0, toPickup: 1, occupied: 2, rebalancing: 3 } as const;
export type FleetState = (typeof FleetState)[keyof typeof FleetState];
const STATE_COUNT = 4;

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
 * Mean number of vehicles in each state per time bin (time-weighted, so the four series add up to the fleet).
 * Pickup and drop-off dwells count as occupied; a vehicle is "to pickup" while driving a stop leg empty.
 */
export interface FleetStatusSeries {
  binS: number;
  /** Start of each bin, seconds since the scenario start. */
  startS: number[];
  idle: number[];
  toPickup: number[];
  occupied: number[];
  rebalancing: number[];
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
  const waitBinS = options.waitBinS ?? 30;
  const fleetBinS = options.fleetBinS ?? 300;
  if (!(waitBinS > 0) || !(fleetBinS > 0)) throw new Error(`reportSeries: bin widths must be positive (wait ${waitBinS}, fleet ${fleetBinS})`);

  const hourly: HourlyFlows = { hour: [], requests: [], pickups: [], dropoffs: [], cancelled: [], rejected: [] };
  const bump = (list: number[], timeS: number): void => {
    const h = Math.max(0, Math.floor(timeS / 3600));
    grow(list, h);
    list[h]++;
  };
  const waitCounts: number[] = [];
  const waits: number[] = [];
  const pickupNodeOf: number[] = [];
  const pickupNodes: number[] = [];
  const unservedNodes: number[] = [];

  // Fleet state machine per vehicle, and the time spent in each state per bin (flat: bin * STATE_COUNT + state).
  const state: number[] = [];
  const since: number[] = [];
  const load: number[] = [];
  const stateSeconds: number[] = [];
  let firstS = Infinity;
  let lastS = -Infinity;
  const account = (v: number, toS: number): void => {
    let t = since[v];
    const s = state[v];
    while (t < toS) {
      const bin = Math.floor(t / fleetBinS);
      const end = Math.min(toS, (bin + 1) * fleetBinS);
      grow(stateSeconds, bin * STATE_COUNT + STATE_COUNT - 1);
      stateSeconds[bin * STATE_COUNT + s] += end - t;
      t = end;
    }
    since[v] = toS;
  };
  const setState = (v: number, timeS: number, s: FleetState): void => {
    if (state[v] === undefined) return; // a vehicle never placed: nothing to account
    account(v, timeS);
    state[v] = s;
  };

  for (const ev of events) {
    if (ev.timeS < firstS) firstS = ev.timeS;
    if (ev.timeS > lastS) lastS = ev.timeS;
    switch (ev.kind) {
      case 'VehiclePlaced':
        state[ev.vehicle] = FleetState.idle;
        since[ev.vehicle] = ev.timeS;
        load[ev.vehicle] = 0;
        break;
      case 'RequestSubmitted':
        bump(hourly.requests, ev.timeS);
        pickupNodeOf[ev.request] = ev.pickupNode;
        break;
      case 'PickedUp': {
        bump(hourly.pickups, ev.timeS);
        const bin = Math.floor(ev.waitS / waitBinS);
        grow(waitCounts, bin);
        waitCounts[bin]++;
        waits.push(ev.waitS);
        const node = pickupNodeOf[ev.request];
        if (node !== undefined) pickupNodes.push(node);
        load[ev.vehicle] = (load[ev.vehicle] ?? 0) + ev.riders;
        setState(ev.vehicle, ev.timeS, FleetState.occupied);
        break;
      }
      case 'DroppedOff':
        bump(hourly.dropoffs, ev.timeS);
        // The drop-off dwell still counts as occupied; the next departure or VehicleIdle changes the state.
        load[ev.vehicle] = Math.max(0, (load[ev.vehicle] ?? 0) - ev.riders);
        break;
      case 'RequestCancelled':
      case 'RequestRejected': {
        bump(ev.kind === 'RequestCancelled' ? hourly.cancelled : hourly.rejected, ev.timeS);
        const node = pickupNodeOf[ev.request];
        if (node !== undefined) unservedNodes.push(node);
        break;
      }
      case 'VehicleDeparted':
        setState(
          ev.vehicle,
          ev.timeS,
          ev.purpose === 'rebalance' ? FleetState.rebalancing : ev.onboard > 0 ? FleetState.occupied : FleetState.toPickup,
        );
        break;
      case 'VehicleIdle':
        setState(ev.vehicle, ev.timeS, FleetState.idle);
        break;
      case 'VehicleArrived': // always followed in the same second by a departure, a stop or VehicleIdle
      case 'RequestAssigned':
      case 'RequestUnassigned':
      case 'VehicleRebalanced': // the departure that follows carries the state change
      case 'CommandInvalid':
        break;
      default: {
        const never: never = ev;
        throw new Error(`reportSeries: unknown event ${JSON.stringify(never)}`);
      }
    }
  }

  // Hourly arrays share one length so that charts can zip them.
  const hours = Math.max(hourly.requests.length, hourly.pickups.length, hourly.dropoffs.length, hourly.cancelled.length, hourly.rejected.length);
  for (const list of [hourly.requests, hourly.pickups, hourly.dropoffs, hourly.cancelled, hourly.rejected]) grow(list, hours - 1);
  hourly.hour = Array.from({ length: hours }, (_, h) => h);

  // Close every vehicle's last state at the end of the last bin that saw an event.
  const fleetStatus: FleetStatusSeries = { binS: fleetBinS, startS: [], idle: [], toPickup: [], occupied: [], rebalancing: [] };
  if (Number.isFinite(lastS)) {
    const firstBin = Math.max(0, Math.floor(firstS / fleetBinS));
    const endS = (Math.floor(lastS / fleetBinS) + 1) * fleetBinS;
    for (let v = 0; v < state.length; v++) if (state[v] !== undefined) account(v, endS);
    grow(stateSeconds, (endS / fleetBinS) * STATE_COUNT - 1);
    for (let bin = firstBin; bin * fleetBinS < endS; bin++) {
      const at = (s: FleetState): number => stateSeconds[bin * STATE_COUNT + s] / fleetBinS;
      fleetStatus.startS.push(bin * fleetBinS);
      fleetStatus.idle.push(at(FleetState.idle));
      fleetStatus.toPickup.push(at(FleetState.toPickup));
      fleetStatus.occupied.push(at(FleetState.occupied));
      fleetStatus.rebalancing.push(at(FleetState.rebalancing));
    }
  }

  const sorted = Float64Array.from(waits).sort();
  let waitSum = 0;
  for (const w of waits) waitSum += w;
  return {
    hourly,
    wait: {
      binS: waitBinS,
      counts: waitCounts,
      n: waits.length,
      meanS: waits.length > 0 ? waitSum / waits.length : NaN,
      p50S: percentileSorted(sorted, 0.5),
      p95S: percentileSorted(sorted, 0.95),
    },
    fleetStatus,
    pickupNodes,
    unservedNodes,
  };
}
