// Energy and out-of-service series for reports, folded from the event log: the fleet's state of charge over the day
// (percentile bands), plug occupancy and the queue for plugs, bay occupancy and the queue for bays, and cars out of
// service by reason (charging, servicing, remote assistance). Pure data; the report draws them (src/io/report). Runs
// without charging sites have no SoC in the log (their SoC bands and plug series are empty); runs without any fleet
// operation get none of these.
import type { SimEvent } from '../sim/events.js';
import { percentileSorted } from './kpis.js';

/** The fleet's state of charge at every `binS` mark: percentiles over the cars, kWh. */
export interface SocBands {
  binS: number;
  /** Time of each mark, seconds since the scenario start. */
  atS: number[];
  min: number[];
  p10: number[];
  p25: number[];
  p50: number[];
  p75: number[];
  p90: number[];
  batteryKwh: number;
}

/** Plugs over all sites and, per bin, the mean number of cars plugged in and of cars queued for a plug. */
export interface PlugSeries {
  binS: number;
  /** Start of each bin. */
  startS: number[];
  plugs: number;
  plugged: number[];
  queued: number[];
}

/** Bays over all service centres and, per bin, the mean number of cars in a bay and of cars queued for one. */
export interface BaySeries {
  binS: number;
  startS: number[];
  bays: number;
  inBay: number[];
  queued: number[];
}

/**
 * Mean number of cars out of service per bin, by reason. `charging` is the whole charging stop (driving to the site,
 * queued, plugged in: from VehicleSentToCharge until the car takes work again); `servicing` the whole cleaning or
 * maintenance visit (from VehicleSentToService until it leaves the bay), only in runs with service centres; `assist`
 * a remote-assistance stop (waiting for an operator and held), only in runs with remote assistance. An assist on the
 * way to charge or to service pauses that stop, so every car counts under one reason at a time (as in the fleet status).
 */
export interface OutOfServiceSeries {
  binS: number;
  startS: number[];
  byReason: { charging: number[] } & Record<string, number[]>;
}

/** What a run with fleet operations adds to a report (SoC and plugs are empty without charging sites). */
export interface EnergySeries {
  soc: SocBands;
  plugs: PlugSeries;
  /** Only in runs with service centres. */
  bays?: BaySeries;
  outOfService: OutOfServiceSeries;
}

export interface EnergySeriesOptions {
  /** Every car's battery at placement (the engine starts every car full). */
  batteryKwh: number;
  /** Width of the bins and spacing of the SoC marks; default 600 s. */
  binS?: number;
}

/** Adds the seconds of [fromS, toS) to the bins they fall in. */
function addInterval(secondsPerBin: number[], binS: number, fromS: number, toS: number): void {
  let t = Math.max(0, fromS);
  while (t < toS) {
    const bin = Math.floor(t / binS);
    const end = Math.min(toS, (bin + 1) * binS);
    while (secondsPerBin.length <= bin) secondsPerBin.push(0);
    secondsPerBin[bin] += end - t;
    t = end;
  }
}

/**
 * The energy series as a fold over the event stream (`add` every event in log order, `result` at the end). A car's
 * SoC between two events that give it is interpolated linearly: it falls along a drive (known at the departure and the
 * arrival), stays put while the car waits, and rises along a charge (known at plug-in and unplugging).
 *
 * @example
 * const energy = new EnergySeriesAccumulator({ batteryKwh: 40 });
 * simulate({ ..., subscribers: [energy] });
 * energy.result()?.soc.p50; // median SoC of the fleet every 10 minutes
 */
export class EnergySeriesAccumulator {
  private readonly binS: number;
  private readonly batteryKwh: number;
  private sites = 0;
  private plugCount = 0;
  private firstS = Infinity;
  private lastS = -Infinity;
  /** Per vehicle: time and SoC of the last event that gave it. */
  private readonly socAtS: number[] = [];
  private readonly soc: number[] = [];
  /** SoC samples per mark index (mark k at k·binS). */
  private readonly samples: number[][] = [];
  private readonly pluggedSince: number[] = [];
  private readonly chargingSince: number[] = [];
  private readonly pluggedSeconds: number[] = [];
  private readonly queuedSeconds: number[] = [];
  private readonly chargingSeconds: number[] = [];
  private centres = 0;
  private bayCount = 0;
  private assistance = false;
  private readonly servicingSince: number[] = [];
  private readonly baySince: number[] = [];
  private readonly assistSince: number[] = [];
  private readonly inBaySeconds: number[] = [];
  private readonly bayQueuedSeconds: number[] = [];
  private readonly servicingSeconds: number[] = [];
  private readonly assistSeconds: number[] = [];
  /** The stop an assist interrupted, resumed when it ends. */
  private readonly pausedStop: ('charging' | 'servicing' | undefined)[] = [];

  constructor(options: EnergySeriesOptions) {
    this.binS = options.binS ?? 600;
    this.batteryKwh = options.batteryKwh;
    if (!(this.binS > 0)) throw new Error(`EnergySeriesAccumulator: the bin width must be positive, got ${this.binS}`);
  }

  /** Records a car's SoC at `timeS`, sampling every mark since its previous one on the line between them. */
  private observe(v: number, timeS: number, socKwh: number): void {
    const fromS = this.socAtS[v];
    const from = this.soc[v];
    if (fromS === undefined) return; // a vehicle never placed
    for (let k = Math.floor(fromS / this.binS) + 1; k * this.binS <= timeS; k++) {
      const at = k * this.binS;
      const value = timeS > fromS ? from + ((socKwh - from) * (at - fromS)) / (timeS - fromS) : socKwh;
      (this.samples[k] ??= []).push(value);
    }
    this.socAtS[v] = timeS;
    this.soc[v] = socKwh;
  }

  /** Ends a car's charging stop (it takes work again or went idle) at `timeS`. */
  private endCharging(v: number, timeS: number): void {
    const since = this.chargingSince[v];
    if (since !== undefined && since >= 0) addInterval(this.chargingSeconds, this.binS, since, timeS);
    this.chargingSince[v] = -1;
  }

  add(ev: SimEvent): void {
    if (ev.timeS < this.firstS) this.firstS = ev.timeS;
    if (ev.timeS > this.lastS) this.lastS = ev.timeS;
    // NOTE: an if-chain over the few events that matter, not an exhaustive switch: events this fold does not read
    // (service visits, assists, …) may join the log without touching it.
    if (ev.kind === 'VehiclePlaced') {
      this.socAtS[ev.vehicle] = ev.timeS;
      this.soc[ev.vehicle] = this.batteryKwh;
      if (ev.timeS % this.binS === 0) (this.samples[ev.timeS / this.binS] ??= []).push(this.batteryKwh);
    } else if (ev.kind === 'VehicleDeparted') {
      this.observe(ev.vehicle, ev.timeS, this.soc[ev.vehicle]);
      if (ev.purpose !== 'charge') this.endCharging(ev.vehicle, ev.timeS);
    } else if (ev.kind === 'VehicleArrived') {
      this.observe(ev.vehicle, ev.timeS, ev.socKwh ?? this.soc[ev.vehicle] - ev.energyKwh);
    } else if (ev.kind === 'ChargingSiteOpened') {
      this.sites++;
      this.plugCount += ev.plugs;
    } else if (ev.kind === 'VehicleSentToCharge') {
      this.observe(ev.vehicle, ev.timeS, ev.socKwh);
      if (!(this.chargingSince[ev.vehicle] >= 0)) this.chargingSince[ev.vehicle] = ev.timeS;
    } else if (ev.kind === 'ChargingStarted') {
      this.observe(ev.vehicle, ev.timeS, ev.socKwh);
      addInterval(this.queuedSeconds, this.binS, ev.timeS - ev.waitedS, ev.timeS);
      this.pluggedSince[ev.vehicle] = ev.timeS;
    } else if (ev.kind === 'ChargingEnded') {
      this.observe(ev.vehicle, ev.timeS, ev.socKwh);
      addInterval(this.pluggedSeconds, this.binS, ev.timeS - ev.chargedS, ev.timeS);
      this.pluggedSince[ev.vehicle] = -1;
    } else if (ev.kind === 'VehicleIdle') {
      // A charging stop ends when the car frees up after unplugging (or drives off on other work, above).
      this.endCharging(ev.vehicle, ev.timeS);
    } else if (ev.kind === 'ServiceCentreOpened') {
      this.centres++;
      this.bayCount += ev.bays;
    } else if (ev.kind === 'VehicleSentToService') {
      if (!(this.servicingSince[ev.vehicle] >= 0)) this.servicingSince[ev.vehicle] = ev.timeS;
    } else if (ev.kind === 'ServiceStarted') {
      addInterval(this.bayQueuedSeconds, this.binS, ev.timeS - ev.waitedS, ev.timeS);
      this.baySince[ev.vehicle] = ev.timeS;
    } else if (ev.kind === 'ServiceEnded') {
      addInterval(this.inBaySeconds, this.binS, ev.timeS - ev.servicedS, ev.timeS);
      this.baySince[ev.vehicle] = -1;
      this.endSince(this.servicingSince, this.servicingSeconds, ev.vehicle, ev.timeS);
    } else if (ev.kind === 'VehicleOutOfService' && ev.abandoned === 'service') {
      this.endSince(this.servicingSince, this.servicingSeconds, ev.vehicle, ev.timeS);
    } else if (ev.kind === 'AssistanceOpened') {
      this.assistance = true;
    } else if (ev.kind === 'AssistRequested') {
      // An assist on the way to charge or to service pauses that stop: each car counts under one reason at a time.
      const v = ev.vehicle;
      this.pausedStop[v] = this.chargingSince[v] >= 0 ? 'charging' : this.servicingSince[v] >= 0 ? 'servicing' : undefined;
      if (this.pausedStop[v] === 'charging') this.endCharging(v, ev.timeS);
      if (this.pausedStop[v] === 'servicing') this.endSince(this.servicingSince, this.servicingSeconds, v, ev.timeS);
      this.assistSince[v] = ev.timeS;
    } else if (ev.kind === 'AssistEnded') {
      const v = ev.vehicle;
      this.endSince(this.assistSince, this.assistSeconds, v, ev.timeS);
      if (this.pausedStop[v] === 'charging') this.chargingSince[v] = ev.timeS;
      if (this.pausedStop[v] === 'servicing') this.servicingSince[v] = ev.timeS;
      this.pausedStop[v] = undefined;
    }
  }

  /** Ends the interval a car opened in `since` at `timeS`, adding it to `seconds`. */
  private endSince(since: number[], seconds: number[], v: number, timeS: number): void {
    if (since[v] >= 0) addInterval(seconds, this.binS, since[v], timeS);
    since[v] = -1;
  }

  /** The series so far, or undefined for a run without charging sites, service centres or remote assistance. */
  result(): EnergySeries | undefined {
    if ((this.sites === 0 && this.centres === 0 && !this.assistance) || !Number.isFinite(this.lastS)) return undefined;
    const { binS } = this;
    const endS = (Math.floor(this.lastS / binS) + 1) * binS;
    // Close what is still open at the end: every car's SoC holds, plugged-in and charging stops run to the last event.
    const samples = this.samples.map((s) => s.slice());
    for (let v = 0; v < this.soc.length; v++) {
      if (this.socAtS[v] === undefined) continue;
      for (let k = Math.floor(this.socAtS[v] / binS) + 1; k * binS <= this.lastS; k++) (samples[k] ??= []).push(this.soc[v]);
    }
    const plugged = this.pluggedSeconds.slice();
    const charging = this.chargingSeconds.slice();
    for (let v = 0; v < this.pluggedSince.length; v++) {
      if (this.pluggedSince[v] >= 0) addInterval(plugged, binS, this.pluggedSince[v], this.lastS);
    }
    for (let v = 0; v < this.chargingSince.length; v++) {
      if (this.chargingSince[v] >= 0) addInterval(charging, binS, this.chargingSince[v], this.lastS);
    }
    const closed = (since: readonly number[], seconds: readonly number[]): number[] => {
      const out = seconds.slice();
      for (let v = 0; v < since.length; v++) if (since[v] >= 0) addInterval(out, binS, since[v], this.lastS);
      return out;
    };

    const soc: SocBands = { binS, atS: [], min: [], p10: [], p25: [], p50: [], p75: [], p90: [], batteryKwh: this.batteryKwh };
    // Without charging sites the log has no SoC (energy is counted, not enforced): no bands.
    for (let k = Math.ceil(this.firstS / binS); this.sites > 0 && k * binS <= this.lastS; k++) {
      const sorted = Float64Array.from(samples[k] ?? []).sort();
      if (sorted.length === 0) continue;
      soc.atS.push(k * binS);
      soc.min.push(sorted[0]);
      soc.p10.push(percentileSorted(sorted, 0.1));
      soc.p25.push(percentileSorted(sorted, 0.25));
      soc.p50.push(percentileSorted(sorted, 0.5));
      soc.p75.push(percentileSorted(sorted, 0.75));
      soc.p90.push(percentileSorted(sorted, 0.9));
    }
    const startS: number[] = [];
    const mean = (seconds: number[]): number[] => startS.map((s) => (seconds[s / binS] ?? 0) / binS);
    for (let bin = Math.max(0, Math.floor(this.firstS / binS)); bin * binS < endS; bin++) startS.push(bin * binS);
    const byReason: OutOfServiceSeries['byReason'] = { charging: mean(charging) };
    if (this.centres > 0) byReason.servicing = mean(closed(this.servicingSince, this.servicingSeconds));
    if (this.assistance) byReason.assist = mean(closed(this.assistSince, this.assistSeconds));
    return {
      soc,
      plugs: { binS, startS, plugs: this.plugCount, plugged: mean(plugged), queued: mean(this.queuedSeconds) },
      ...(this.centres > 0
        ? { bays: { binS, startS, bays: this.bayCount, inBay: mean(closed(this.baySince, this.inBaySeconds)), queued: mean(this.bayQueuedSeconds) } }
        : {}),
      outOfService: { binS, startS, byReason },
    };
  }
}

/** The energy series of a whole event log (see EnergySeriesAccumulator). */
export function energySeries(events: Iterable<SimEvent>, options: EnergySeriesOptions): EnergySeries | undefined {
  const acc = new EnergySeriesAccumulator(options);
  for (const ev of events) acc.add(ev);
  return acc.result();
}
