// Cleaning and maintenance at service centres (decision 0012): what makes a car due (trips since its last cleaning, a
// rider-reported mess drawn per trip, seconds driven since its last maintenance), the centres' first-come,
// first-served bay queues, and the dispatcher's view of both. The engine drives the car there (status `servicing`)
// and calls in here when it arrives, when a bay frees up and when a service ends; the strategy decides who goes.
//
// Index conventions: centres index the run's ServiceCentre list; per-vehicle arrays are indexed by vehicle.
import type { ServiceCentre, ServiceTask, ServicingView } from '../dispatch/types.js';
import { Rng } from '../random.js';

/** Cleaning and maintenance of a run: its centres and what makes a car due. */
export interface ServicingOptions {
  readonly centres: readonly ServiceCentre[];
  /** A car is due for cleaning after this many drop-offs since its last cleaning. */
  readonly cleanEveryTrips: number;
  /** Chance per drop-off that the riders leave a mess the next riders report (the car is due for cleaning at once). */
  readonly messProbability: number;
  /** A car is due for maintenance after this many seconds driven since its last maintenance. */
  readonly maintainEveryS: number;
}

/**
 * Defaults, documented with their sources in docs/fleet-operations.md (assumptions where no operator publishes one).
 * Durations are per visit, bays per car over all centres.
 */
export const DEFAULT_SERVICING = {
  cleanEveryTrips: 25,
  messProbability: 0.01,
  maintainEveryH: 150,
  cleaningS: 1200,
  maintenanceS: 5400,
  baysPerCar: 0.04,
} as const;

/** Where a vehicle with status `servicing` is in its visit. */
export const ServiceState = { none: 0, heading: 1, queued: 2, inBay: 3 } as const;

/** Task names by code (the per-vehicle task array holds the index). */
const TASKS: readonly ServiceTask[] = ['cleaning', 'maintenance'];

/** Checks the options; throws naming the bad field. */
export function checkServicing(o: ServicingOptions, nodeCount: number): void {
  if (o.centres.length === 0) throw new Error('simulate: servicing.centres is empty (give at least one service centre)');
  o.centres.forEach((c, i) => {
    if (!Number.isInteger(c.node) || c.node < 0 || c.node >= nodeCount) throw new Error(`simulate: servicing.centres[${i}].node ${c.node} is not a node (0..${nodeCount - 1})`);
    if (!Number.isInteger(c.bays) || c.bays < 1) throw new Error(`simulate: servicing.centres[${i}].bays ${c.bays} must be an integer ≥ 1`);
    if (!Number.isInteger(c.cleaningS) || c.cleaningS < 1) throw new Error(`simulate: servicing.centres[${i}].cleaningS ${c.cleaningS} must be an integer ≥ 1`);
    if (!Number.isInteger(c.maintenanceS) || c.maintenanceS < 1) throw new Error(`simulate: servicing.centres[${i}].maintenanceS ${c.maintenanceS} must be an integer ≥ 1`);
  });
  if (!Number.isInteger(o.cleanEveryTrips) || o.cleanEveryTrips < 1) throw new Error(`simulate: servicing.cleanEveryTrips ${o.cleanEveryTrips} must be an integer ≥ 1`);
  if (!(o.messProbability >= 0 && o.messProbability <= 1)) throw new Error(`simulate: servicing.messProbability ${o.messProbability} must be in 0..1`);
  if (!(o.maintainEveryS > 0 && Number.isFinite(o.maintainEveryS))) throw new Error(`simulate: servicing.maintainEveryS ${o.maintainEveryS} must be > 0`);
}

/** The service centres of a run and every car's place in its service cycle. Only the engine writes it. */
export class ServiceCentres implements ServicingView {
  readonly centres: readonly ServiceCentre[];
  readonly cleanEveryTrips: number;
  readonly maintainEveryS: number;
  readonly inBay: Int32Array;
  readonly queued: Int32Array;
  readonly heading: Int32Array;
  readonly tripsSinceCleaning: Uint32Array;
  readonly messReported: Uint8Array;
  readonly operatingS: Float64Array;
  /** Per vehicle: its visit's centre (-1 = none), ServiceState, task code, and when it reached the centre. */
  readonly centre: Int32Array;
  readonly state: Uint8Array;
  private readonly task: Uint8Array;
  private readonly arrivedS: Int32Array;
  private readonly startedS: Int32Array;
  private readonly queues: number[][];
  private readonly messProbability: number;
  private readonly rng: Rng;

  /**
   * NOTE: a fleet in steady state, not one fresh from the factory: each car starts at a seeded random point of its
   * cleaning and maintenance cycles, so that visits spread over the day instead of all falling due at once.
   */
  constructor(fleetSize: number, o: ServicingOptions, seed: number) {
    this.centres = o.centres;
    this.cleanEveryTrips = o.cleanEveryTrips;
    this.maintainEveryS = o.maintainEveryS;
    this.messProbability = o.messProbability;
    const n = o.centres.length;
    this.inBay = new Int32Array(n);
    this.queued = new Int32Array(n);
    this.heading = new Int32Array(n);
    this.queues = Array.from({ length: n }, () => []);
    this.tripsSinceCleaning = new Uint32Array(fleetSize);
    this.messReported = new Uint8Array(fleetSize);
    this.operatingS = new Float64Array(fleetSize);
    this.centre = new Int32Array(fleetSize).fill(-1);
    this.state = new Uint8Array(fleetSize);
    this.task = new Uint8Array(fleetSize);
    this.arrivedS = new Int32Array(fleetSize);
    this.startedS = new Int32Array(fleetSize);
    this.rng = new Rng(seed ^ 0x5e4c1ce);
    for (let v = 0; v < fleetSize; v++) {
      this.tripsSinceCleaning[v] = this.rng.int(o.cleanEveryTrips);
      this.operatingS[v] = Math.floor(this.rng.next() * o.maintainEveryS);
    }
  }

  /** A drop-off by vehicle v: one more trip; returns whether the riders left a mess (seeded draw). */
  afterTrip(v: number): boolean {
    this.tripsSinceCleaning[v]++;
    if (this.messProbability > 0 && this.rng.next() < this.messProbability) {
      this.messReported[v] = 1;
      return true;
    }
    return false;
  }

  /** Vehicle v drove `seconds` (operating time counts toward maintenance). */
  drove(v: number, seconds: number): void {
    this.operatingS[v] += seconds;
  }

  /** Vehicle v is sent to `centre` for `task`. */
  send(v: number, centre: number, task: ServiceTask): void {
    this.centre[v] = centre;
    this.state[v] = ServiceState.heading;
    this.task[v] = TASKS.indexOf(task);
    this.heading[centre]++;
  }

  /** Vehicle v, on its way, no longer goes (taken out of service). */
  abandon(v: number): void {
    this.heading[this.centre[v]]--;
    this.centre[v] = -1;
    this.state[v] = ServiceState.none;
  }

  /** Vehicle v reached its centre at `nowS`: it joins the bay queue. */
  arrive(v: number, nowS: number): void {
    const c = this.centre[v];
    this.state[v] = ServiceState.queued;
    this.arrivedS[v] = nowS;
    this.heading[c]--;
    this.queued[c]++;
    this.queues[c].push(v);
  }

  /** The next car waiting at centre c if a bay is free (it takes the bay now), else -1. */
  admitNext(c: number, nowS: number): number {
    const q = this.queues[c];
    if (this.inBay[c] >= this.centres[c].bays || q.length === 0) return -1;
    const v = q.shift()!;
    this.queued[c]--;
    this.inBay[c]++;
    this.state[v] = ServiceState.inBay;
    this.startedS[v] = nowS;
    return v;
  }

  /** Seconds vehicle v's task holds its bay. */
  durationS(v: number): number {
    const c = this.centres[this.centre[v]];
    return this.task[v] === 1 ? c.maintenanceS : c.cleaningS;
  }

  /** Vehicle v's task, and when it reached the centre and took its bay. */
  visit(v: number): { centre: number; task: ServiceTask; arrivedS: number; startedS: number } {
    return { centre: this.centre[v], task: TASKS[this.task[v]], arrivedS: this.arrivedS[v], startedS: this.startedS[v] };
  }

  /** Vehicle v's service is done: it leaves its bay, clean (and maintained). Returns the centre. */
  finish(v: number): number {
    const c = this.centre[v];
    this.inBay[c]--;
    if (this.task[v] === 1) this.operatingS[v] = 0;
    this.tripsSinceCleaning[v] = 0;
    this.messReported[v] = 0;
    this.centre[v] = -1;
    this.state[v] = ServiceState.none;
    return c;
  }
}
