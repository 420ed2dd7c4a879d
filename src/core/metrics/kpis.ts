// Service and fleet KPIs as a fold over the event log: the same numbers from a live stream, a stored log or a replay.
import type { SimEvent } from '../sim/events.js';

/** Requests picked up within this many seconds of their request count towards `within5MinPct`. */
export const WITHIN_WAIT_S = 300;

const DAY_S = 86_400;

/** KPIs of one hour (requests by request hour; vehicle figures by the hour in which they happened). */
export interface HourlyKpis {
  /** Hour index since the scenario start (0 = 00:00–00:59 of day 0). */
  hour: number;
  requests: number;
  served: number;
  cancelled: number;
  servedPct: number;
  within5MinPct: number;
  waitMeanS: number;
  waitP50S: number;
  waitP95S: number;
  rideTimeMeanS: number;
  vehicleKm: number;
  emptyKm: number;
  emptyShare: number;
  /** Share of fleet time in this hour with a rider on board. */
  utilization: number;
  energyKwh: number;
}

/**
 * Run-level KPIs. Percentages are 0–100; shares 0–1. Per-vehicle figures cover the simulated span `spanS`; the
 * per-day ones are per-span figures divided by the days simulated, given only when at least a day was simulated or
 * when asked for (`scaleKpisToDay`, then `perDayScaled` says so), NaN otherwise: a 3-hour window is not a day.
 */
export interface Kpis {
  dispatcher: string;
  fleet: number;
  /** Simulated span the per-vehicle and utilisation figures cover (whole hours covering the requests by default). */
  spanS: number;
  requests: number;
  /** Requests dropped off. */
  served: number;
  cancelled: number;
  rejected: number;
  /** The dispatcher's rejections by reason (e.g. `no_car_in_time` under admission, `too_many_riders`), keys sorted. */
  rejectedByReason: Record<string, number>;
  servedPct: number;
  /** Share of all requests picked up within 5 min of their request time, %. */
  within5MinPct: number;
  /** Wait = pickup time − request time, over picked-up requests. Percentiles are nearest-rank. */
  waitMeanS: number;
  waitP50S: number;
  waitP95S: number;
  /** Mean in-vehicle time (drop-off − pickup). */
  rideTimeMeanS: number;
  vehicleKm: number;
  emptyKm: number;
  occupiedKm: number;
  emptyShare: number;
  /** Share of vehicle time with at least one rider on board. */
  utilization: number;
  /** Hours per vehicle over `spanS` spent not idle (driving, dwelling, rebalancing, on a charging stop). */
  busyHoursPerVehicle: number;
  /** Riders dropped off per vehicle over `spanS`. */
  tripsPerVehicle: number;
  /** busyHoursPerVehicle per simulated day; NaN when less than a day was simulated, unless scaled on request. */
  busyHoursPerVehiclePerDay: number;
  /** tripsPerVehicle per simulated day; NaN when less than a day was simulated, unless scaled on request. */
  tripsPerVehiclePerDay: number;
  /** True when the per-day figures were extrapolated from a span shorter than a day (scaleKpisToDay). */
  perDayScaled: boolean;
  energyKwh: number;
  // Charging: all zero in runs without charging sites.
  /** Charging sessions ended. */
  chargingSessions: number;
  /** Energy put into batteries. */
  chargedKwh: number;
  /** Hours cars were plugged in, summed over cars. */
  chargingHours: number;
  /** Hours cars waited at a site for a free plug, summed over cars; and the mean per session (NaN without any). */
  chargeWaitHours: number;
  chargeWaitMeanS: number;
  /** Distinct cars that charged at least once. */
  vehiclesCharged: number;
  /** Plugs over all sites, and the share of their time over `durationS` with a car plugged in. */
  plugs: number;
  plugOccupancy: number;
  /** Lowest state of charge any car reached (NaN when the log carries no SoC, i.e. without charging sites). */
  minSocKwh: number;
  // Cleaning and maintenance (decision 0012): all zero in runs without service centres.
  /** Services ended, by task; messes riders reported. */
  cleanings: number;
  maintenances: number;
  messesReported: number;
  /** Hours cars spent on service visits (drive there, bay queue, bay), summed over cars. */
  serviceHours: number;
  /** Bays over all centres, and the share of their time over `spanS` with a car in them. */
  bays: number;
  bayUtilisation: number;
  /** Remote assistance (decision 0012): all zero (NaN for means) in runs without it. */
  assists: number;
  /** Requests for help per 1,000 vehicle-km. */
  assistsPer1000Km: number;
  assistOperators: number;
  /** Share of the operators' time over `spanS` spent helping a car. */
  operatorUtilisation: number;
  /** Mean wait for an operator, over ended assists (NaN without any). */
  assistWaitMeanS: number;
  /** Rider minutes spent held on board a car waiting for or getting remote help. */
  riderMinutesLostToAssists: number;
  /** Cars taken out of service (of which on a reported fault); riders rescued from them. */
  outOfService: number;
  faults: number;
  rescues: number;
  hourly: HourlyKpis[];
}

/** Options for the fold. */
export interface KpiOptions {
  dispatcher?: string;
  /** Fleet size; default: the number of VehiclePlaced events. */
  fleet?: number;
  /** Span for per-vehicle and utilisation figures; default: whole hours from the first to the last request hour. */
  spanS?: number;
}

/** Mean and nearest-rank percentiles of the waits so far. */
interface WaitFigures {
  meanS: number;
  p50S: number;
  p95S: number;
}

/** Nearest-rank percentile of `n` values given as counts per whole second (counts[s] = values equal to s). */
function percentileOfCounts(counts: readonly number[], n: number, p: number): number {
  if (n === 0) return NaN;
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (let s = 0; s < counts.length; s++) {
    seen += counts[s];
    if (seen >= rank) return s;
  }
  return counts.length - 1;
}

interface HourAcc {
  requests: number;
  served: number;
  cancelled: number;
  within: number;
  waits: number[];
  rideSum: number;
  rides: number;
  emptyM: number;
  occupiedM: number;
  occupiedS: number;
  energyKwh: number;
}

const newHour = (): HourAcc => ({
  requests: 0,
  served: 0,
  cancelled: 0,
  within: 0,
  waits: [],
  rideSum: 0,
  rides: 0,
  emptyM: 0,
  occupiedM: 0,
  occupiedS: 0,
  energyKwh: 0,
});

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

const pct = (part: number, whole: number): number => (whole > 0 ? (100 * part) / whole : 0);
const mean = (sum: number, n: number): number => (n > 0 ? sum / n : NaN);

/**
 * Incremental KPI fold: feed every event in log order with `add`, read `result()` at any time.
 *
 * @example
 * const acc = new KpiAccumulator({ dispatcher: 'greedy' });
 * for (const ev of events) acc.add(ev);
 * const kpis = acc.result();
 */
export class KpiAccumulator {
  private placed = 0;
  private requests = 0;
  private served = 0;
  private cancelled = 0;
  private rejected = 0;
  private readonly rejectedByReason = new Map<string, number>();
  private within = 0;
  private waits: number[] = [];
  private rideSum = 0;
  private emptyM = 0;
  private occupiedM = 0;
  private energyKwh = 0;
  private occupiedS = 0;
  private busyS = 0;
  private firstRequestS = Infinity;
  private lastRequestS = -Infinity;
  private lastEventS = 0;
  /** Per request: its request hour. */
  private requestHour: number[] = [];
  /** Per vehicle: riders on board, since when occupied / busy (-1 = not). */
  private load: number[] = [];
  private occupiedSince: number[] = [];
  private busySince: number[] = [];
  /** Picked-up requests by whole seconds waited (waits are integer seconds), for cheap percentiles in resultAt. */
  private waitsByS: number[] = [];
  private waitSum = 0;
  private nonIntegerWaits = false;
  private hours: HourAcc[] = [];
  private chargeSessions = 0;
  private chargedKwh = 0;
  private pluggedS = 0;
  private plugWaitS = 0;
  private plugs = 0;
  private minSocKwh = Infinity;
  private readonly charged = new Set<number>();
  private cleanings = 0;
  private maintenances = 0;
  private messes = 0;
  private bays = 0;
  private bayS = 0;
  private serviceS = 0;
  /** Per vehicle: when it was sent to service (-1 = not on a visit). */
  private serviceSince: number[] = [];
  private assists = 0;
  private assistOperators = 0;
  private assistHeldS = 0;
  private assistWaitS = 0;
  private assistsEnded = 0;
  private riderAssistS = 0;
  private outOfService = 0;
  private faults = 0;
  private rescues = 0;

  constructor(private readonly options: KpiOptions = {}) {}

  /** A request of this run, in the hour of `timeS` (submitted, or carried on from a run before a restart). */
  private countRequest(request: number, timeS: number): void {
    this.requests++;
    const hour = Math.floor(timeS / 3600);
    this.requestHour[request] = hour;
    this.hourAcc(hour).requests++;
    if (timeS < this.firstRequestS) this.firstRequestS = timeS;
    if (timeS > this.lastRequestS) this.lastRequestS = timeS;
  }

  private hourAcc(hour: number): HourAcc {
    while (this.hours.length <= hour) this.hours.push(newHour());
    return this.hours[hour];
  }

  private markBusy(vehicle: number, timeS: number): void {
    if (this.busySince[vehicle] === undefined || this.busySince[vehicle] < 0) this.busySince[vehicle] = timeS;
  }

  /** Adds an occupied interval, split over the hours it spans. */
  private addOccupied(fromS: number, toS: number): void {
    this.occupiedS += toS - fromS;
    let t = fromS;
    while (t < toS) {
      const hour = Math.floor(t / 3600);
      const end = Math.min(toS, (hour + 1) * 3600);
      this.hourAcc(hour).occupiedS += end - t;
      t = end;
    }
  }

  add(ev: SimEvent): void {
    if (ev.timeS > this.lastEventS) this.lastEventS = ev.timeS;
    switch (ev.kind) {
      case 'VehiclePlaced':
        this.placed++;
        this.load[ev.vehicle] = 0;
        this.occupiedSince[ev.vehicle] = -1;
        this.busySince[ev.vehicle] = -1;
        break;
      case 'RequestSubmitted':
        this.countRequest(ev.request, ev.timeS);
        break;
      case 'PickedUp': {
        this.waits.push(ev.waitS);
        this.waitSum += ev.waitS;
        if (Number.isInteger(ev.waitS) && ev.waitS >= 0) {
          while (this.waitsByS.length <= ev.waitS) this.waitsByS.push(0);
          this.waitsByS[ev.waitS]++;
        } else {
          this.nonIntegerWaits = true;
        }
        const h = this.hourAcc(this.requestHour[ev.request] ?? Math.floor((ev.timeS - ev.waitS) / 3600));
        h.waits.push(ev.waitS);
        if (ev.waitS <= WITHIN_WAIT_S) {
          this.within++;
          h.within++;
        }
        if ((this.load[ev.vehicle] ?? 0) === 0) this.occupiedSince[ev.vehicle] = ev.timeS;
        this.load[ev.vehicle] = (this.load[ev.vehicle] ?? 0) + ev.riders;
        this.markBusy(ev.vehicle, ev.timeS);
        break;
      }
      case 'DroppedOff': {
        this.served++;
        this.rideSum += ev.rideS;
        const h = this.hourAcc(this.requestHour[ev.request] ?? Math.floor((ev.timeS - ev.rideS) / 3600));
        h.served++;
        h.rideSum += ev.rideS;
        h.rides++;
        this.load[ev.vehicle] -= ev.riders;
        if (this.load[ev.vehicle] === 0) this.addOccupied(this.occupiedSince[ev.vehicle], ev.timeS);
        this.markBusy(ev.vehicle, ev.timeS);
        break;
      }
      case 'RequestCancelled':
        this.cancelled++;
        this.hourAcc(this.requestHour[ev.request] ?? Math.floor(ev.timeS / 3600)).cancelled++;
        break;
      case 'RequestRejected':
        this.rejected++;
        this.rejectedByReason.set(ev.reason, (this.rejectedByReason.get(ev.reason) ?? 0) + 1);
        break;
      case 'VehicleDeparted':
        this.markBusy(ev.vehicle, ev.timeS);
        break;
      case 'VehicleArrived': {
        const h = this.hourAcc(Math.floor(ev.timeS / 3600));
        if (ev.onboard > 0) {
          this.occupiedM += ev.distanceM;
          h.occupiedM += ev.distanceM;
        } else {
          this.emptyM += ev.distanceM;
          h.emptyM += ev.distanceM;
        }
        this.energyKwh += ev.energyKwh;
        h.energyKwh += ev.energyKwh;
        if (ev.socKwh !== undefined && ev.socKwh < this.minSocKwh) this.minSocKwh = ev.socKwh;
        break;
      }
      case 'ChargingSiteOpened':
        this.plugs += ev.plugs;
        break;
      case 'ChargingEnded':
        this.chargeSessions++;
        this.chargedKwh += ev.energyKwh;
        this.pluggedS += ev.chargedS;
        this.plugWaitS += ev.waitedS;
        this.charged.add(ev.vehicle);
        break;
      case 'VehicleSentToCharge': // busy from now on, also when it charges where it stands (no departure)
        this.markBusy(ev.vehicle, ev.timeS);
        break;
      case 'ChargingStarted':
        break;
      case 'ServiceCentreOpened':
        this.bays += ev.bays;
        break;
      case 'MessReported':
        this.messes++;
        break;
      case 'VehicleSentToService':
        this.serviceSince[ev.vehicle] = ev.timeS;
        this.markBusy(ev.vehicle, ev.timeS);
        break;
      case 'ServiceEnded': {
        if (ev.task === 'cleaning') this.cleanings++;
        else this.maintenances++;
        this.bayS += ev.servicedS;
        const since = this.serviceSince[ev.vehicle];
        if (since !== undefined && since >= 0) this.serviceS += ev.timeS - since;
        this.serviceSince[ev.vehicle] = -1;
        break;
      }
      case 'ServiceStarted':
        break;
      case 'AssistanceOpened':
        this.assistOperators += ev.operators;
        break;
      case 'AssistRequested':
        this.assists++;
        break;
      case 'AssistEnded':
        this.assistsEnded++;
        this.assistHeldS += ev.heldS;
        this.assistWaitS += ev.waitedS;
        this.riderAssistS += ev.onboard * (ev.waitedS + ev.heldS);
        break;
      case 'AssistStarted':
        break;
      case 'VehicleOutOfService':
        this.outOfService++;
        if (ev.fault) this.faults++;
        break;
      case 'RescueNeeded':
        this.rescues++;
        break;
      case 'RequestResumed': {
        // A request of an earlier run carried on with its riders on board (a restarted service): a request of this
        // run, occupied from now; its wait belongs to the run that picked it up.
        this.countRequest(ev.request, ev.timeS);
        if ((this.load[ev.vehicle] ?? 0) === 0) this.occupiedSince[ev.vehicle] = ev.timeS;
        this.load[ev.vehicle] = (this.load[ev.vehicle] ?? 0) + ev.riders;
        this.markBusy(ev.vehicle, ev.timeS);
        break;
      }
      case 'VehicleStopped':
      case 'VehicleInService':
        break;
      case 'VehicleIdle': {
        const since = this.busySince[ev.vehicle];
        if (since !== undefined && since >= 0) this.busyS += ev.timeS - since;
        this.busySince[ev.vehicle] = -1;
        break;
      }
      case 'RequestAssigned':
      case 'RequestUnassigned':
      case 'VehicleRebalanced':
      case 'CommandInvalid':
      case 'RequestsPaused': // refused requests never reach the engine: no request to count
      case 'RequestsResumed':
      case 'ServiceAreaChanged':
      case 'VehicleSentByOperator':
      case 'DispatcherParametersChanged': // the rides it affects are counted as they end (a max_wait cancellation, …)
      case 'PlanExplained': // why a plan was given (decision 0022): changes nothing here
        break;
      default: {
        const never: never = ev;
        throw new Error(`KpiAccumulator: unknown event ${JSON.stringify(never)}`);
      }
    }
  }

  /** The KPIs of everything added so far. Vehicles still busy or occupied count up to the last event time. */
  result(): Kpis {
    const spanS =
      this.options.spanS ??
      (this.requests > 0 ? (Math.floor(this.lastRequestS / 3600) + 1 - Math.floor(this.firstRequestS / 3600)) * 3600 : 3600);
    return this.summarise(this.lastEventS, spanS, this.waitFiguresBySort(), this.hourlyKpis());
  }

  /**
   * The KPIs as they stood at `nowS`, for a running view (replay, live): call it after adding every event up to
   * `nowS` and none after. Vehicles still busy or occupied count up to `nowS`; per-day and utilisation figures divide
   * by the time from the first request's hour to `nowS`. `hourly` is left empty (read the run's hours from result()).
   * Cheap enough to call every simulated minute: wait percentiles come from a per-second histogram, not a sort.
   *
   * @example
   * for (const ev of eventsUpTo3600) acc.add(ev);
   * acc.resultAt(3600).within5MinPct; // share of the requests so far picked up within 5 min
   */
  resultAt(nowS: number): Kpis {
    const startS = this.requests > 0 ? Math.floor(this.firstRequestS / 3600) * 3600 : Math.min(0, nowS);
    const n = this.waits.length;
    const wait = this.nonIntegerWaits
      ? this.waitFiguresBySort()
      : { meanS: mean(this.waitSum, n), p50S: percentileOfCounts(this.waitsByS, n, 0.5), p95S: percentileOfCounts(this.waitsByS, n, 0.95) };
    return this.summarise(nowS, Math.max(1, nowS - startS), wait, []);
  }

  private waitFiguresBySort(): WaitFigures {
    const waits = Float64Array.from(this.waits).sort();
    return { meanS: mean(this.waitSum, waits.length), p50S: percentileSorted(waits, 0.5), p95S: percentileSorted(waits, 0.95) };
  }

  private hourlyKpis(): HourlyKpis[] {
    const fleet = this.options.fleet ?? this.placed;
    return this.hours.map((h, hour): HourlyKpis => {
      const hw = Float64Array.from(h.waits).sort();
      let hwSum = 0;
      for (const w of h.waits) hwSum += w;
      const hm = h.emptyM + h.occupiedM;
      return {
        hour,
        requests: h.requests,
        served: h.served,
        cancelled: h.cancelled,
        servedPct: pct(h.served, h.requests),
        within5MinPct: pct(h.within, h.requests),
        waitMeanS: mean(hwSum, hw.length),
        waitP50S: percentileSorted(hw, 0.5),
        waitP95S: percentileSorted(hw, 0.95),
        rideTimeMeanS: mean(h.rideSum, h.rides),
        vehicleKm: hm / 1000,
        emptyKm: h.emptyM / 1000,
        emptyShare: hm > 0 ? h.emptyM / hm : 0,
        utilization: fleet > 0 ? h.occupiedS / (fleet * 3600) : 0,
        energyKwh: h.energyKwh,
      };
    });
  }

  /** Run-level figures with busy and occupied intervals still open counted up to `openUntilS`. */
  private summarise(openUntilS: number, spanS: number, wait: WaitFigures, hourly: HourlyKpis[]): Kpis {
    const fleet = this.options.fleet ?? this.placed;
    const days = spanS / DAY_S;
    let busyS = this.busyS;
    let occupiedS = this.occupiedS;
    for (let v = 0; v < this.busySince.length; v++) {
      const since = this.busySince[v];
      if (since !== undefined && since >= 0) busyS += openUntilS - since;
      if ((this.load[v] ?? 0) > 0) occupiedS += openUntilS - this.occupiedSince[v];
    }
    const busyPerVehicleH = fleet > 0 ? busyS / 3600 / fleet : 0;
    const tripsPerVehicle = fleet > 0 ? this.served / fleet : 0;
    const vehicleM = this.emptyM + this.occupiedM;
    return {
      dispatcher: this.options.dispatcher ?? '',
      fleet,
      spanS,
      requests: this.requests,
      served: this.served,
      cancelled: this.cancelled,
      rejected: this.rejected,
      rejectedByReason: Object.fromEntries([...this.rejectedByReason].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      servedPct: pct(this.served, this.requests),
      within5MinPct: pct(this.within, this.requests),
      waitMeanS: wait.meanS,
      waitP50S: wait.p50S,
      waitP95S: wait.p95S,
      rideTimeMeanS: mean(this.rideSum, this.served),
      vehicleKm: vehicleM / 1000,
      emptyKm: this.emptyM / 1000,
      occupiedKm: this.occupiedM / 1000,
      emptyShare: vehicleM > 0 ? this.emptyM / vehicleM : 0,
      utilization: fleet > 0 && spanS > 0 ? occupiedS / (fleet * spanS) : 0,
      busyHoursPerVehicle: busyPerVehicleH,
      tripsPerVehicle: tripsPerVehicle,
      // Whole days or more: a per-day mean of what was simulated. Less: not a day's figure, so none.
      busyHoursPerVehiclePerDay: days >= 1 ? busyPerVehicleH / days : NaN,
      tripsPerVehiclePerDay: days >= 1 ? tripsPerVehicle / days : NaN,
      perDayScaled: false,
      energyKwh: this.energyKwh,
      chargingSessions: this.chargeSessions,
      chargedKwh: this.chargedKwh,
      chargingHours: this.pluggedS / 3600,
      chargeWaitHours: this.plugWaitS / 3600,
      chargeWaitMeanS: mean(this.plugWaitS, this.chargeSessions),
      vehiclesCharged: this.charged.size,
      plugs: this.plugs,
      plugOccupancy: this.plugs > 0 && spanS > 0 ? this.pluggedS / (this.plugs * spanS) : 0,
      minSocKwh: Number.isFinite(this.minSocKwh) ? this.minSocKwh : NaN,
      cleanings: this.cleanings,
      maintenances: this.maintenances,
      messesReported: this.messes,
      serviceHours: this.serviceS / 3600,
      bays: this.bays,
      bayUtilisation: this.bays > 0 && spanS > 0 ? this.bayS / (this.bays * spanS) : 0,
      assists: this.assists,
      assistsPer1000Km: vehicleM > 0 ? (this.assists / vehicleM) * 1e6 : 0,
      assistOperators: this.assistOperators,
      operatorUtilisation: this.assistOperators > 0 && spanS > 0 ? this.assistHeldS / (this.assistOperators * spanS) : 0,
      assistWaitMeanS: mean(this.assistWaitS, this.assistsEnded),
      riderMinutesLostToAssists: this.riderAssistS / 60,
      outOfService: this.outOfService,
      faults: this.faults,
      rescues: this.rescues,
      hourly,
    };
  }
}

/**
 * The KPIs with per-day figures extrapolated from the simulated span (per-span × 86 400 / spanS), marked
 * `perDayScaled` when the span is shorter than a day; only for callers that ask for it (`--scale-to-day`).
 *
 * @example scaleKpisToDay(kpis).tripsPerVehiclePerDay; // a 3 h window's trips per car × 8
 */
export function scaleKpisToDay(k: Kpis): Kpis {
  if (!(k.spanS > 0) || k.spanS >= DAY_S) return k;
  const days = k.spanS / DAY_S;
  return { ...k, busyHoursPerVehiclePerDay: k.busyHoursPerVehicle / days, tripsPerVehiclePerDay: k.tripsPerVehicle / days, perDayScaled: true };
}

/** "3.0 h" or "1 day" / "2.5 days": the span KPIs cover, for labels. */
export function formatSpan(spanS: number): string {
  if (spanS < DAY_S) return `${(spanS / 3600).toFixed(1)} h`;
  const d = spanS / DAY_S;
  return d === 1 ? '1 day' : `${Number.isInteger(d) ? d : d.toFixed(1)} days`;
}

/** KPIs of a whole event log (a fold with KpiAccumulator). */
export function computeKpis(events: Iterable<SimEvent>, options: KpiOptions = {}): Kpis {
  const acc = new KpiAccumulator(options);
  for (const ev of events) acc.add(ev);
  return acc.result();
}
