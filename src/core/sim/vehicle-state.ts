// Fleet state: what every vehicle is and is doing, one dense index per vehicle, as struct-of-arrays; plans as stop codes.
//
// Index conventions: vehicles are 0..size-1. A plan is the vehicle's remaining stop list (first = next), each stop
// encoded as request * 2 + (1 if drop-off else 0). Times are integer seconds on the engine clock.
import { VehicleStatus, type Stop } from '../dispatch/types.js';

/** Immutable for a run: what every vehicle of the fleet is. */
export interface VehicleSpec {
  /** Passenger seats. */
  readonly seats: number;
  /** Energy use per driven km. */
  readonly energyKwhPerKm: number;
  /** Usable battery; every car starts the run full. A constraint only when the run has charging sites. */
  readonly batteryKwh: number;
  /**
   * Energy a car keeps in hand after any plan and the drive to the nearest charger (the energy invariant, enforced
   * when the run has charging sites); the margin that covers what the plan-time estimate cannot see.
   */
  readonly reserveKwh: number;
}

/**
 * A small purpose-built two-seat robotaxi; where each number comes from is in docs/fleet-operations.md.
 * NOTE: energyKwhPerKm is the figure logs were pinned with before energy was modelled; it is kept so that runs without
 * charging sites log the same energy as before.
 */
export const DEFAULT_VEHICLE_SPEC: VehicleSpec = { seats: 2, energyKwhPerKm: 0.15, batteryKwh: 40, reserveKwh: 4 };

/** Where a vehicle with status `charging` is in its charging stop. */
export const ChargeState = {
  none: 0,
  /** Driving to its site. */
  heading: 1,
  /** At the site, waiting for a plug (first come, first served). */
  queued: 2,
  /** Plugged in. */
  plugged: 3,
} as const;
export type ChargeState = (typeof ChargeState)[keyof typeof ChargeState];

/** Encodes a stop as a plan code. */
export const stopCode = (s: Stop): number => s.request * 2 + (s.action === 'dropoff' ? 1 : 0);
/** The request a plan code serves. */
export const codeRequest = (code: number): number => code >>> 1;
/** Whether a plan code is a drop-off. */
export const codeIsDropoff = (code: number): boolean => (code & 1) === 1;
/** Decodes a plan code. */
export const codeStop = (code: number): Stop => ({ action: codeIsDropoff(code) ? 'dropoff' : 'pickup', request: codeRequest(code) });

/**
 * The fleet's mutable state. Every field is a typed array indexed by vehicle except `plans`. The engine and its
 * movement module write it; the snapshot exposes it read-only to dispatchers.
 */
export class FleetState {
  readonly size: number;
  /** VehicleStatus (idle, driving, dwelling, rebalancing, charging). */
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
  /** Energy left in the battery (starts full). */
  readonly socKwh: Float64Array;
  /** Charging stop: its site (-1 = none), where the car is in it (ChargeState), the SoC to charge to, and when the
   *  car reached the site (for the wait). */
  readonly chargeSite: Int32Array;
  readonly chargeState: Uint8Array;
  readonly chargeTargetKwh: Float64Array;
  readonly chargeArrivedS: Int32Array;
  /** Counters over the run. */
  readonly emptyM: Float64Array;
  readonly occupiedM: Float64Array;
  readonly energyKwh: Float64Array;
  readonly trips: Uint32Array;
  /** Remaining stop codes per vehicle (first = next). */
  readonly plans: number[][];
  /**
   * Bumped (wrapping) whenever the vehicle's plan changes, by whoever changes `plans` (see planChanged): dispatchers
   * redo per-car work only for cars whose plan is not the one they saw (FleetSnapshot.vehiclePlanVersion).
   */
  readonly planVersion: Uint32Array;
  private readonly arrays: ArrayLike<number>[];

  constructor(size: number, spec: VehicleSpec) {
    this.size = size;
    this.status = new Uint8Array(size).fill(VehicleStatus.idle);
    this.node = new Uint32Array(size);
    this.legStartS = new Int32Array(size);
    this.legEndS = new Int32Array(size);
    this.legTarget = new Uint32Array(size);
    this.legDistanceM = new Float64Array(size);
    this.legDiverted = new Uint8Array(size);
    this.load = new Uint8Array(size);
    this.rebalanceTarget = new Int32Array(size).fill(-1);
    this.freeS = new Int32Array(size).fill(-1);
    this.freeNode = new Uint32Array(size);
    this.version = new Uint32Array(size);
    this.socKwh = new Float64Array(size).fill(spec.batteryKwh);
    this.chargeSite = new Int32Array(size).fill(-1);
    this.chargeState = new Uint8Array(size);
    this.chargeTargetKwh = new Float64Array(size);
    this.chargeArrivedS = new Int32Array(size);
    this.emptyM = new Float64Array(size);
    this.occupiedM = new Float64Array(size);
    this.energyKwh = new Float64Array(size);
    this.trips = new Uint32Array(size);
    this.plans = Array.from({ length: size }, () => []);
    this.planVersion = new Uint32Array(size);
    this.arrays = [
      this.status, this.node, this.legStartS, this.legEndS, this.legTarget, this.legDistanceM, this.legDiverted,
      this.load, this.rebalanceTarget, this.freeS, this.freeNode, this.version, this.socKwh, this.chargeSite,
      this.chargeState, this.chargeTargetKwh, this.chargeArrivedS, this.emptyM, this.occupiedM, this.energyKwh, this.trips, this.planVersion,
    ];
  }

  /** Whether `v` is a vehicle of this fleet. */
  has(v: number): boolean {
    return Number.isInteger(v) && v >= 0 && v < this.size;
  }

  /** Call after every change of `plans[v]` (a new list or the list changed in place). */
  planChanged(v: number): void {
    this.planVersion[v] = (this.planVersion[v] + 1) >>> 0;
  }

  /** The vehicle's remaining plan as stops. */
  plan(v: number): Stop[] {
    return this.plans[v].map(codeStop);
  }

  /** Bytes of typed-array state per vehicle (plans and current-leg paths excluded). */
  bytesPerVehicle(): number {
    let bytes = 0;
    for (const a of this.arrays) bytes += (a as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    return bytes;
  }
}
