// The dispatcher contract: a read-only fleet snapshot in, commands as plain data out. Strategies compose, never inherit.
//
// Index conventions: vehicles are 0..vehicleCount-1, requests are indices into the scenario's request array, nodes are
// RoadGraph node indices. A stop is one pickup or drop-off of one request.
import type { RoadGraph } from '../network/graph.js';
import type { TravelTimes } from '../network/travel-times.js';
import type { TunableParameters } from './parameters.js';

/** What a vehicle is doing. */
export const VehicleStatus = {
  /** No plan; waiting at its node. */
  idle: 0,
  /** Driving a leg towards the next stop of its plan (or, with an emptied plan, to the next node to stop there). */
  driving: 1,
  /** Stopped at a node for a pickup or drop-off dwell. */
  dwelling: 2,
  /** Driving empty to a rebalancing target; may be given a plan at any time. */
  rebalancing: 3,
  /** Sent to charge: driving to a charging site, queued for a plug or plugged in. Takes no work until it frees up. */
  charging: 4,
  /** Sent for cleaning or maintenance: driving to a service centre, queued for a bay or in one. Takes no work. */
  servicing: 5,
  /** Held where it stands for remote assistance (waiting for an operator or being helped); riders stay on board. */
  assisted: 6,
  /** Taken out of service (a fault, an operator, silent telemetry): stopping at the next node or parked. */
  outOfService: 7,
} as const;
export type VehicleStatus = (typeof VehicleStatus)[keyof typeof VehicleStatus];

/**
 * Whether a vehicle in this status may be given a plan or a rebalancing target (idle, driving, dwelling,
 * rebalancing). Every strategy asks this rather than listing statuses, so the statuses added later (charging,
 * servicing, assisted, out of service) are unavailable to all of them at once.
 */
export const takesWork = (status: number): boolean => status <= VehicleStatus.rebalancing;

/** Where a request is in its lifecycle. */
export const RequestStatus = {
  /** Not yet submitted (request time in the future). */
  future: 0,
  /** Submitted, on no vehicle's plan. */
  open: 1,
  /** On a vehicle's plan, not picked up yet (may still be reassigned). */
  assigned: 2,
  /** Riders on board. */
  onboard: 3,
  droppedOff: 4,
  cancelled: 5,
  rejected: 6,
  /** Riders were on board a car that stopped out of service; a new request (the rescue) carries them on. */
  rescued: 7,
} as const;
export type RequestStatus = (typeof RequestStatus)[keyof typeof RequestStatus];

/** One stop of a plan. */
export interface Stop {
  action: 'pickup' | 'dropoff';
  request: number;
}

/** Shorthands for building stop lists: `[pickup(3), dropoff(3)]`. */
export const pickup = (request: number): Stop => ({ action: 'pickup', request });
export const dropoff = (request: number): Stop => ({ action: 'dropoff', request });

/**
 * Give `vehicle` this whole ordered stop list, replacing its plan. It must contain the drop-off of every rider on
 * board; requests taken from another vehicle's plan are reassigned; not-yet-picked-up requests left out of it become
 * open again. An empty list clears the plan (a driving vehicle stops at the next node of its path).
 */
export interface AssignCommand {
  kind: 'assign';
  vehicle: number;
  stops: readonly Stop[];
  /** Why this car got this plan; strategies fill it only when `snapshot.explain` is on (decision 0022). */
  reason?: DispatchReason;
}

/** How a strategy chose: nearest idle car, a freed car taking the oldest queued request, a batch assignment, a pooled trip. */
export type ReasonKind = 'nearest' | 'queue' | 'batch' | 'pooled';

/** A car the strategy weighed for the same request and did not choose. */
export interface ReasonAlternative {
  vehicle: number;
  /** Seconds from the decision to its predicted pickup of the request. */
  pickupEtaS: number;
  /** batch: how much the batch objective (total wait, s) would grow by swapping this car in (its own request, if any,
   *  going to the chosen car or unserved); pooled: the marginal cost (s) of its trip with the request. */
  costS?: number;
  /** The request it took instead in the same decision, if any. */
  took?: number;
}

/**
 * Why a car was given a plan: about one request of it (the new pickup), its predicted pickup and up to
 * `MAX_REASON_ALTERNATIVES` cars that were candidates for it, best first. Data only: the engine logs it as a
 * PlanExplained event when explaining is on, and nothing reads it to decide.
 */
export interface DispatchReason {
  kind: ReasonKind;
  request: number;
  /** Seconds from the decision to the predicted pickup. */
  pickupEtaS: number;
  alternatives: ReasonAlternative[];
  /** batch: the chosen edge's cost (wait, s); pooled: the chosen trip's marginal cost (s). */
  costS?: number;
  /** pooled: the other request of a shared trip. */
  sharedWith?: number;
}

/** Most alternatives a reason lists. */
export const MAX_REASON_ALTERNATIVES = 3;
/** Send a vehicle with an empty plan to `node` to wait there. */
export interface RebalanceCommand {
  kind: 'rebalance';
  vehicle: number;
  node: number;
}
/** Decline a request that is not on board (it leaves any plan it was on). */
export interface RejectCommand {
  kind: 'reject';
  request: number;
  reason?: string;
}
/**
 * Send a vehicle with an empty plan to charging site `site` (an index into the run's charging sites): it drives
 * there, waits for a plug (first come, first served), charges to `targetSocKwh` and then frees up, idle at the site.
 */
export interface ChargeCommand {
  kind: 'charge';
  vehicle: number;
  site: number;
  targetSocKwh: number;
}
/** What a service centre does to a car. */
export type ServiceTask = 'cleaning' | 'maintenance';
/**
 * Send a vehicle with an empty plan to service centre `centre` (an index into the run's centres) for `task`: it drives
 * there, waits for a bay (first come, first served, one queue for both tasks), is serviced for the centre's duration
 * of the task and then frees up, idle at the centre. Out of service all along (status `servicing`).
 */
export interface ServiceCommand {
  kind: 'service';
  vehicle: number;
  centre: number;
  task: ServiceTask;
}
export type Command = AssignCommand | RebalanceCommand | RejectCommand | ChargeCommand | ServiceCommand;

/** A cleaning and maintenance centre: a road node, its bays, and how long each task holds a bay. */
export interface ServiceCentre {
  readonly node: number;
  readonly bays: number;
  readonly cleaningS: number;
  readonly maintenanceS: number;
}

/**
 * What a dispatcher sees of cleaning and maintenance when the run has service centres: the centres and their load,
 * and per vehicle what makes it due (trips since its last cleaning, a rider-reported mess, operating seconds since
 * its last maintenance) with the thresholds of the run.
 *
 * Index conventions: centres are 0..centres.length-1; per-vehicle arrays are indexed by vehicle.
 */
export interface ServicingView {
  readonly centres: readonly ServiceCentre[];
  /** Per centre: cars in a bay, waiting for one, and driving there. */
  readonly inBay: ArrayLike<number>;
  readonly queued: ArrayLike<number>;
  readonly heading: ArrayLike<number>;
  /** Per vehicle: drop-offs since the last cleaning; 1 if a rider reported a mess; seconds driven since maintenance. */
  readonly tripsSinceCleaning: ArrayLike<number>;
  readonly messReported: ArrayLike<number>;
  readonly operatingS: ArrayLike<number>;
  /** A car is due for cleaning after this many trips, and for maintenance after this many operating seconds. */
  readonly cleanEveryTrips: number;
  readonly maintainEveryS: number;
}

/** A charging depot: a road node, its number of plugs and the power of each plug. */
export interface ChargingSite {
  readonly node: number;
  readonly plugs: number;
  readonly powerKw: number;
}

/**
 * What a dispatcher sees of energy when the run enforces it (charging sites given): the sites, how loaded they are,
 * the way to the nearest one from every node, and the vehicle figures the energy invariant uses.
 *
 * Index conventions: sites are 0..sites.length-1; per-node arrays are indexed by road node.
 */
export interface ChargingView {
  readonly sites: readonly ChargingSite[];
  /** Per site: cars plugged in, waiting for a plug, and driving there. */
  readonly plugged: ArrayLike<number>;
  readonly queued: ArrayLike<number>;
  readonly heading: ArrayLike<number>;
  /** Per node: the site reached fastest from it, and the length and free-flow time of that fastest path. */
  readonly nearestSite: ArrayLike<number>;
  readonly toChargerM: ArrayLike<number>;
  readonly toChargerMs: ArrayLike<number>;
  readonly batteryKwh: number;
  readonly energyKwhPerKm: number;
  /** Energy a car keeps in hand after any plan and the drive from its end to the nearest charger. */
  readonly reserveKwh: number;
  /** Seconds a car at site `site` needs to charge from `fromKwh` to `toKwh` once plugged in (the charging curve). */
  chargeDurationS(site: number, fromKwh: number, toKwh: number): number;
}

/** A time and a node. */
export interface TimedNode {
  timeS: number;
  node: number;
}

/**
 * The read-only view a dispatcher decides on. Arrays are live views into engine state, valid only during `decide`;
 * the types forbid writing to them. Deltas list what changed since the previous `decide` call.
 */
export interface FleetSnapshot {
  readonly nowS: number;
  /** True when the run logs why plans were given: strategies then fill `AssignCommand.reason` (cheap, but not free). */
  readonly explain?: boolean;
  readonly travelTimes: TravelTimes;
  /** The road graph when the run has one (exact nearest-car searches use it). */
  readonly graph: RoadGraph | undefined;
  /** Requests not picked up this long after their request time are cancelled (pickup at exactly maxWaitS counts). */
  readonly maxWaitS: number;
  readonly pickupDwellS: number;
  readonly dropoffDwellS: number;
  readonly seats: number;

  readonly vehicleCount: number;
  /** VehicleStatus per vehicle. */
  readonly vehicleStatus: ArrayLike<number>;
  /** Node where the vehicle is (idle, dwelling) or where its current leg started (driving, rebalancing). */
  readonly vehicleNode: ArrayLike<number>;
  /** Riders on board. */
  readonly vehicleLoad: ArrayLike<number>;
  /**
   * Changes (a counter, wrapping) whenever the vehicle's plan changes: a car whose value is the one seen at an earlier
   * call has the plan it had then, with the same statuses of its requests (so work derived from them can be kept).
   */
  readonly vehiclePlanVersion: ArrayLike<number>;
  /** Energy left in each battery, kWh (decreases when a leg ends, by the leg's distance × consumption). */
  readonly vehicleSocKwh: ArrayLike<number>;
  /** Charging sites and the energy figures, when the run enforces energy; undefined otherwise. */
  readonly charging: ChargingView | undefined;
  /** Service centres and what makes each car due, when the run has cleaning and maintenance; undefined otherwise. */
  readonly servicing: ServicingView | undefined;
  /**
   * Why the engine would refuse `command` for breaking the energy invariant (a plan the car cannot finish and still
   * reach a charger with its reserve; a charging site it cannot reach), or null. Always null without energy. The same
   * pure check the engine applies (`core/sim/energy.ts`), so a strategy can drop such commands before they fail.
   */
  energyCheck(command: Command): string | null;
  /** The vehicle's remaining stop list (first = next). */
  plan(vehicle: number): readonly Stop[];
  /** Earliest time and node from which the vehicle can head to a changed first stop: now/here if idle, the end of its
   *  dwell, or the next node of its current path when driving (computed on demand). */
  divertAt(vehicle: number): TimedNode;
  /** When and where the current leg (or dwell) ends: now/here if idle. A new plan whose first stop is at this node
   *  keeps the leg and reaches the stop exactly then; any other first stop is headed for from `divertAt`. */
  legEnd(vehicle: number): TimedNode;
  /**
   * `divertAt` and `legEnd` of every vehicle at once, written into the caller's arrays (indexed by vehicle, at least
   * vehicleCount long): the same values, without an object per vehicle, for strategies that read every car's.
   */
  divertPoints(divertS: Float64Array, divertNode: Int32Array, endS: Float64Array, endNode: Int32Array): void;
  /** When and where the vehicle finishes its plan or rebalancing leg (computed on demand, cached until the plan
   *  changes; exact if the plan is then followed, since the engine rounds legs the same way). */
  freeAt(vehicle: number): TimedNode;

  readonly requestCount: number;
  readonly requestS: ArrayLike<number>;
  readonly requestPickupNode: ArrayLike<number>;
  readonly requestDropoffNode: ArrayLike<number>;
  readonly requestRiders: ArrayLike<number>;
  /** 1 if the rider accepts a shared ride. */
  readonly requestAcceptsSharing: ArrayLike<number>;
  /** RequestStatus per request. */
  readonly requestStatus: ArrayLike<number>;
  /** Vehicle whose plan holds the request (assigned or on board), else -1. */
  readonly requestVehicle: ArrayLike<number>;
  /** Requests waiting for a pickup (open or assigned), in submission order. */
  openRequests(): readonly number[];

  /** Requests submitted since the previous call, in submission order. */
  readonly newRequests: readonly number[];
  /** Vehicles that became idle since the previous call (every vehicle at the first call), in event order. */
  readonly freedVehicles: readonly number[];
  /** Requests cancelled since the previous call. */
  readonly cancelledRequests: readonly number[];
}

/**
 * A dispatch strategy. Called at the end of every tick in which something changed (event-driven, the default when
 * `periodS` is absent), and/or every `periodS` seconds (batch). `decide` must not mutate the snapshot.
 */
export interface Dispatcher {
  readonly name: string;
  /** Batch period in seconds; when set, `decide` runs at every multiple of it. */
  readonly periodS?: number;
  /** Whether to call `decide` at ticks with changes; default: true iff `periodS` is absent. */
  readonly eventDriven?: boolean;
  decide(snapshot: FleetSnapshot, nowS: number): Command[];
  /**
   * The parameters an operator may change live (decision 0025) that this strategy and those it wraps read, with their
   * values now. Absent: none. A wrapper adds its own to its inner strategy's.
   */
  parameters?(): TunableParameters;
  /**
   * Sets some of them (already checked: `changeRefusal`); they apply from the next `decide`. A wrapper takes its own
   * and passes the change on to its inner strategy, which ignores names it does not have.
   */
  tune?(change: TunableParameters): void;
}

/** The engine's rounding of a travel time: whole seconds, at least 1 (Infinity stays Infinity). */
export function roundLegS(timeS: number): number {
  return timeS === Infinity ? Infinity : Math.max(1, Math.round(timeS));
}

/**
 * Seconds the engine schedules for driving from → to departing at departS: 0 for the same node, else the travel time
 * rounded to whole seconds and at least 1 s. Dispatchers use it to predict arrivals exactly as the engine will.
 */
export function legTimeS(tt: TravelTimes, from: number, to: number, departS: number): number {
  if (from === to) return 0;
  return roundLegS(tt.timeS(from, to, departS));
}
