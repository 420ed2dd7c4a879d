// The seam between the live service and the engine. The HTTP layer speaks only to `Conductor`; `EngineConductor`
// is the thin adapter that drives the simulator's engine with requests arriving at run time, so the live service
// makes the same decisions as `baton simulate`. Another conductor (a region's process on a bus) is one more class.
import type { PlacedTrip } from '../core/demand/placed-trip.js';
import type { DispatcherParameters } from '../core/dispatch/parameters.js';
import type { ChargingSite, Command, Stop } from '../core/dispatch/types.js';
import type { PolygonRings } from '../core/network/area.js';
import type { RoadGraph } from '../core/network/graph.js';
import type { Snapper } from '../core/network/snap-types.js';
import type { TravelTimes } from '../core/network/travel-times.js';
import { KpiAccumulator, type Kpis } from '../core/metrics/kpis.js';
import { Engine, type DistributiveOmit, type EngineOptions } from '../core/sim/engine.js';
import type { OperatorActionEvent, SimEvent } from '../core/sim/events.js';
import type { RideStatus } from '../io/store/store.js';
import { LiveState, VEHICLE_STATES, type VehicleState } from './live-state.js';
import { OperatorAreas, type PausedAreaView } from './operator-areas.js';
import type { OperatorState, RestoredOperatorState } from './operator-state.js';
import type { TelemetrySample, VehicleReport } from './schemas.js';
import type { Decision, LatLon } from './decision.js';

export type { Decision, LatLon } from './decision.js';

/** A ride request as the rider placed it. */
export interface RideOrder {
  pickup: LatLon;
  dropoff: LatLon;
  riders: number;
  acceptsSharing: boolean;
}

/** What a conductor knows of a ride right now. */
export interface LiveRide {
  status: RideStatus;
  reason: string | null;
  vehicleId: string | null;
  /** Expected seconds until pickup; null once picked up or ended, or when unknown. */
  etaS: number | null;
  /** On board: the engine second of the pickup (kept in the store, so a restart puts the riders back in the car). */
  pickedUpS?: number;
}

/** A ride whose riders were on board when the service stopped (the store says which car and since when). */
export interface OnboardRide {
  rideId: string;
  order: RideOrder;
  /** Engine second of the pickup, before the restart. */
  pickedUpS: number;
}

export interface PlanStop {
  action: 'pickup' | 'dropoff';
  rideId: string;
  lat: number;
  lon: number;
}

export interface LiveVehicle {
  vehicleId: string;
  inService: boolean;
  outOfServiceReason: string | null;
  state: VehicleState | 'out_of_service';
  lat: number | null;
  lon: number | null;
  onboard: number;
  plan: PlanStop[];
  lastTelemetryAtMs: number | null;
  socPct: number | null;
}

/**
 * Where a car's request for remote assistance is: `asked` (reported; the car drives on to the next node of its path,
 * or finishes its dwell, where it stops), `waiting` (stopped, in the operator queue), `helping` (an operator has it).
 * It leaves the list when the operator is done.
 */
export const ASSIST_STATES = ['asked', 'waiting', 'helping'] as const;
export type AssistState = (typeof ASSIST_STATES)[number];

export interface AssistRequest {
  id: number;
  vehicleId: string;
  description: string;
  /** Wall clock of the report, epoch ms. */
  atMs: number;
  state: AssistState;
  /** Engine seconds: when the car stopped and joined the queue, when an operator took it (null until then). */
  queuedS: number | null;
  startedS: number | null;
  /** Riders on board, who wait with the car. */
  onboard: number;
}

/** A place an operator can send a car to: a charging site of the run. */
export interface SiteView {
  site: number;
  kind: 'charger';
  lat: number;
  lon: number;
  plugs: number;
  powerKw: number;
}

/** Where an operator sends a car: a site (by number) or a position (snapped to the nearest road). */
export type SendTarget = { site: number } | { position: LatLon };

/** The running dispatcher as operators see it (decision 0025). */
export interface DispatcherView {
  /** The preset (serve --dispatcher). */
  preset: string;
  /** Every parameter an operator may change, with its value now. */
  parameters: DispatcherParameters;
  /** Who changed a parameter last and when (engine second); null: nobody since start. */
  changedBy: string | null;
  changedAtS: number | null;
}

export interface ConductorStats {
  engineTimeS: number;
  /** Requests not yet terminal, by ride status. */
  requestsByStatus: Record<string, number>;
  vehiclesByState: Record<string, number>;
  /** Cars that asked for remote assistance and no operator has yet (asked or waiting). */
  assistQueue: number;
  /** Remote operators on duty, and those helping a car now. */
  assistOperators: number;
  assistOperatorsBusy: number;
}

/** The live service's view of the fleet conductor. All methods are synchronous and cheap enough for a request. */
export interface Conductor {
  /** False until the engine is built and open rides are handed back to it after a restart. */
  readonly ready: boolean;
  /** Checks a request (service area, party size) before it is stored; changes nothing. */
  check(order: RideOrder): Decision;
  /** Hands an acknowledged, stored ride to the engine; returns a first pickup estimate. */
  submit(rideId: string, order: RideOrder): { etaS: number | null };
  /**
   * A restart: puts rides whose riders were on board `vehicleId` back in that car, which drops them off (no second
   * pickup). Refused (nothing changes) when the car is not registered, out of service or not free to take them.
   */
  resumeOnboard(vehicleId: string, rides: readonly OnboardRide[]): Decision;
  cancel(rideId: string, reason: string): Decision;
  ride(rideId: string): LiveRide | undefined;
  /** Binds a vehicle id to a car of the fleet. Registering again is fine. */
  registerVehicle(vehicleId: string, seats: number, position?: LatLon): Decision;
  telemetry(vehicleId: string, samples: readonly TelemetrySample[]): void;
  report(vehicleId: string, report: VehicleReport): Decision;
  setInService(vehicleId: string, inService: boolean, reason: string): Decision;
  vehicle(vehicleId: string): LiveVehicle | undefined;
  vehicles(): LiveVehicle[];
  assists(): AssistRequest[];
  kpis(): Kpis;
  stats(): ConductorStats;
  /** Ride status/car changes as they happen (ride streams and the store's ride statuses follow these). */
  onRideChange(listener: (rideId: string, ride: LiveRide) => void): () => void;
  /** A vehicle's plan changed (sent to that vehicle's socket). */
  onPlanChange(listener: (vehicleId: string, plan: PlanStop[]) => void): () => void;
  /** Every engine event in order: the event log. */
  onEvent(listener: (ev: SimEvent) => void): () => void;
  /** Advances the engine to engine second `toS` (the live clock calls this). */
  advance(toS: number): void;
  // Operator actions on areas and cars (decision 0021); each lands in the event log.
  /** Pauses new requests with pickup in `polygons` (none: everywhere) under the name `area` (replacing one of that name). */
  pauseRequests(area: string, polygons: PolygonRings[], by: string, reason: string): Decision;
  /** Lifts a pause; not_found when there is none of that name. */
  resumeRequests(area: string, by: string): Decision;
  pausedAreas(): PausedAreaView[];
  /** Sets the service area live (null: the whole network again); answers how many road nodes lie inside. */
  setServiceArea(polygons: PolygonRings[] | null, by: string): { nodesInside: number };
  serviceArea(): PolygonRings[] | null;
  /** Sends a car to a charging site (charged full there) or to a position (it rebalances there). */
  sendVehicle(vehicleId: string, to: SendTarget, by: string, reason: string): Decision;
  sites(): SiteView[];
  // Live dispatcher parameters and what a restart puts back (decision 0025).
  /** The running dispatcher's preset and parameters. */
  dispatcher(): DispatcherView;
  /** Changes some parameters from the next decision on (logged: DispatcherParametersChanged); refused naming the field. */
  tuneDispatcher(change: Partial<DispatcherParameters>, by: string): Decision;
  /** What operators set live: pauses, the live service area, the dispatcher parameters they changed. */
  operatorState(): OperatorState;
  /** Puts a stored operator state back after a restart (each part logged again, marked restored). */
  restoreOperatorState(state: OperatorState): RestoredOperatorState;
}

/**
 * What the live service needs of the engine (src/core/sim/engine.ts), declared structurally so a test or a remote
 * engine can stand in. Taking a car out of service (`setInService`, `fault`) reopens its unpicked rides and turns its
 * riders on board into rescue requests (decision 0012).
 */
export interface LiveEngine {
  readonly timeS: number;
  readonly fleetSize: number;
  submit(trip: PlacedTrip): number;
  cancel(request: number, reason?: string): boolean;
  runUntil(tS: number): boolean;
  onEvent(listener: (ev: SimEvent) => void): () => void;
  positionAt(vehicle: number, tS: number): LatLon;
  plan(vehicle: number): Stop[];
  /** Whether anything changed (false: already so, or back in service asked of a car that has not stopped yet). */
  setInService(vehicle: number, inService: boolean, reason: string): boolean;
  fault(vehicle: number, reason: string): boolean;
  isInService(vehicle: number): boolean;
  /** An operator's command, validated like the dispatcher's; `note` is logged just before it applies. Null: applied. */
  command(c: Command, note?: DistributiveOmit<OperatorActionEvent, 'timeS'>): string | null;
  recordOperatorAction(ev: DistributiveOmit<OperatorActionEvent, 'timeS'>): void;
  /** Charging sites, when the run has them. */
  readonly energy?: { readonly sites: readonly ChargingSite[] };
  readonly spec: { readonly batteryKwh: number };
  /**
   * The car asks for remote assistance: held at its next node until one of the operators is free, then for the
   * service time; riders stay on board (decision 0012). False when it already asks or is held, or is out of service.
   */
  requestAssist(vehicle: number): boolean;
  /**
   * Places riders already on board a standing, free car with their drop-offs in order (a restart; decision 0020);
   * throws when it cannot. Returns their request indices.
   */
  resumeOnboard(vehicle: number, riders: readonly { trip: PlacedTrip; pickedUpS: number }[]): number[];
  /** Remote operators on duty (0: the engine holds no car for assistance). */
  readonly assistOperators: number;
  /** The dispatcher's live parameters (decision 0025). */
  dispatcherParameters(): DispatcherParameters;
  /** Changes them now and logs it; throws naming the field when refused (nothing changes then). */
  tuneDispatcher(change: Partial<DispatcherParameters>, by: string, restored?: boolean): DispatcherParameters;
}

export interface EngineConductorOptions {
  engine: LiveEngine;
  graph: RoadGraph;
  travelTimes: TravelTimes;
  snapper: Snapper;
  seats: number;
  pickupDwellS: number;
  dispatcherName: string;
  /** Wall clock, epoch ms (injected for tests). */
  nowMs?: () => number;
}

/** First estimate before any pickup was seen (seconds). NOTE: a placeholder until the engine quotes ETAs. */
const DEFAULT_ETA_S = 300;

/** Drives the engine: ids ↔ indices, a fold of its events for views, and the vehicle and assistance books. */
export class EngineConductor implements Conductor {
  ready = true;
  private readonly engine: LiveEngine;
  private readonly state = new LiveState();
  private readonly requestOf = new Map<string, number>();
  private readonly slotOf = new Map<string, number>();
  private readonly vehicleIdOf: string[] = [];
  private readonly inService: boolean[] = [];
  private readonly outReason: (string | null)[] = [];
  private readonly lastSample: (TelemetrySample | null)[] = [];
  /** Open requests for remote assistance by vehicle slot, oldest first (a car has at most one). */
  private readonly assistOf = new Map<number, AssistRequest>();
  private nextAssist = 1;
  private assistBusy = 0;
  private readonly kpiAcc: KpiAccumulator;
  private readonly rideListeners: ((rideId: string, ride: LiveRide) => void)[] = [];
  private readonly planListeners: ((vehicleId: string, plan: PlanStop[]) => void)[] = [];
  private readonly eventListeners: ((ev: SimEvent) => void)[] = [];
  /** Recent waits, for the placeholder ETA. */
  private readonly recentWaitsS: number[] = [];
  private medianWaitS: number | undefined;
  private readonly nowMs: () => number;
  private readonly areas = new OperatorAreas();
  /** Who set the live service area (for the stored operator state). */
  private serviceAreaBy = '';
  /** The parameters operators changed since start (or restored), who changed them last and when. */
  private tuned: Partial<DispatcherParameters> = {};
  private tunedBy: string | null = null;
  private tunedAtS: number | null = null;

  constructor(private readonly o: EngineConductorOptions) {
    this.engine = o.engine;
    this.nowMs = o.nowMs ?? Date.now;
    this.kpiAcc = new KpiAccumulator({ dispatcher: o.dispatcherName, fleet: o.engine.fleetSize });
    this.engine.onEvent((ev) => this.onEngineEvent(ev));
  }

  check(order: RideOrder): Decision {
    const area = this.areas.refusal(order.pickup, order.dropoff);
    if (!area.ok) return area;
    if (order.riders > this.o.seats) return { ok: false, error: 'too_many_riders', reason: `a car seats ${this.o.seats}; ${order.riders} riders asked` };
    const p = this.o.snapper.snap(order.pickup.lat, order.pickup.lon);
    if (!p) return { ok: false, error: 'outside_service_area', reason: 'pickup is not near a road of the service area' };
    const d = this.o.snapper.snap(order.dropoff.lat, order.dropoff.lon);
    if (!d) return { ok: false, error: 'outside_service_area', reason: 'drop-off is not near a road of the service area' };
    if (p.node === d.node) return { ok: false, error: 'trip_too_short', reason: 'pickup and drop-off are the same place' };
    return { ok: true };
  }

  submit(rideId: string, order: RideOrder): { etaS: number | null } {
    const p = this.o.snapper.snap(order.pickup.lat, order.pickup.lon);
    const d = this.o.snapper.snap(order.dropoff.lat, order.dropoff.lon);
    if (!p || !d) throw new Error(`submit: ride ${rideId} was not checked first`);
    const request = this.engine.submit({
      id: rideId,
      requestS: this.engine.timeS + 1,
      pickupNode: p.node,
      dropoffNode: d.node,
      pickupLat: order.pickup.lat,
      pickupLon: order.pickup.lon,
      dropoffLat: order.dropoff.lat,
      dropoffLon: order.dropoff.lon,
      riders: order.riders,
      acceptsSharing: order.acceptsSharing,
    });
    this.requestOf.set(rideId, request);
    return { etaS: this.placeholderEtaS() };
  }

  resumeOnboard(vehicleId: string, rides: readonly OnboardRide[]): Decision {
    const v = this.slotOf.get(vehicleId);
    if (v === undefined) return { ok: false, error: 'not_registered', reason: `vehicle ${vehicleId} is not registered` };
    if (!this.inService[v] || !this.engine.isInService(v)) return { ok: false, error: 'not_available', reason: `vehicle ${vehicleId} is out of service` };
    const trips: PlacedTrip[] = [];
    for (const { rideId, order, pickedUpS } of rides) {
      const p = this.o.snapper.snap(order.pickup.lat, order.pickup.lon);
      const d = this.o.snapper.snap(order.dropoff.lat, order.dropoff.lon);
      if (!p || !d) return { ok: false, error: 'outside_service_area', reason: `ride ${rideId} is not near a road of the service area` };
      // NOTE: the store keeps the pickup second, not the engine second of the request: the request time is unknown here.
      trips.push({ id: rideId, requestS: pickedUpS, pickupNode: p.node, dropoffNode: d.node, pickupLat: order.pickup.lat, pickupLon: order.pickup.lon, dropoffLat: order.dropoff.lat, dropoffLon: order.dropoff.lon, riders: order.riders, acceptsSharing: order.acceptsSharing });
    }
    // First picked up, first dropped off: the plan's order before the restart is not stored (a reassigning strategy
    // reorders the drop-offs as it sees fit).
    const ordered = trips.map((trip, i) => ({ trip, pickedUpS: rides[i].pickedUpS })).sort((a, b) => a.pickedUpS - b.pickedUpS);
    try {
      this.engine.resumeOnboard(v, ordered); // each ride's RequestResumed binds its id (onEngineEvent)
      return { ok: true };
    } catch (err) {
      return { ok: false, error: 'not_available', reason: (err as Error).message };
    }
  }

  cancel(rideId: string, reason: string): Decision {
    const r = this.requestOf.get(rideId);
    if (r === undefined) return { ok: false, error: 'not_found', reason: 'no such ride in this run' };
    if (this.engine.cancel(r, reason)) return { ok: true };
    return { ok: false, error: 'not_cancellable', reason: `the ride is ${this.state.requests[r]?.status ?? 'not yet submitted'}` };
  }

  ride(rideId: string): LiveRide | undefined {
    const r = this.requestOf.get(rideId);
    if (r === undefined) return undefined;
    const s = this.state.requests[r];
    if (!s) return { status: 'accepted', reason: null, vehicleId: null, etaS: this.placeholderEtaS() };
    return {
      status: s.status,
      reason: s.reason,
      vehicleId: s.vehicle >= 0 ? (this.vehicleIdOf[s.vehicle] ?? `car-${s.vehicle}`) : null,
      etaS: s.status === 'accepted' ? this.placeholderEtaS() : s.status === 'assigned' ? this.plannedPickupInS(r, s.vehicle) : null,
      ...(s.status === 'onboard' && s.pickedUpS >= 0 ? { pickedUpS: s.pickedUpS } : {}),
    };
  }

  registerVehicle(vehicleId: string, _seats: number): Decision {
    if (this.slotOf.has(vehicleId)) return { ok: true };
    const slot = this.vehicleIdOf.length;
    if (slot >= this.engine.fleetSize) return { ok: false, error: 'fleet_full', reason: `this service runs ${this.engine.fleetSize} cars and all are registered` };
    this.slotOf.set(vehicleId, slot);
    this.vehicleIdOf.push(vehicleId);
    this.inService.push(true);
    this.outReason.push(null);
    this.lastSample.push(null);
    return { ok: true };
  }

  telemetry(vehicleId: string, samples: readonly TelemetrySample[]): void {
    const v = this.slotOf.get(vehicleId);
    if (v === undefined || samples.length === 0) return;
    // NOTE: the engine's movement model stays authoritative; reported fixes feed views, silence detection and, later,
    // reconciliation of the plan with where the car really is.
    this.lastSample[v] = samples[samples.length - 1];
  }

  report(vehicleId: string, report: VehicleReport): Decision {
    const v = this.slotOf.get(vehicleId);
    if (v === undefined) return { ok: false, error: 'not_registered', reason: 'register the vehicle first' };
    switch (report.kind) {
      case 'pickup':
      case 'dropoff': {
        const r = this.requestOf.get(report.rideId);
        if (r === undefined || this.state.requests[r]?.vehicle !== v) return { ok: false, error: 'not_on_plan', reason: `ride ${report.rideId} is not on this car's plan` };
        return { ok: true };
      }
      case 'fault':
        return this.takeOut(v, `fault ${report.code}${report.description ? `: ${report.description}` : ''}`, true);
      case 'assist': {
        if (!this.inService[v]) return { ok: false, error: 'not_available', reason: `vehicle ${vehicleId} is out of service (${this.outReason[v]})` };
        if (this.engine.assistOperators === 0) return { ok: false, error: 'no_operators', reason: 'this service runs no remote-assistance operators' };
        if (this.assistOf.has(v)) return { ok: true }; // already asking or held: the same request
        // In the book first: a standing car is held at once, and the fold then finds its request.
        this.assistOf.set(v, this.newAssist(v, report.description));
        if (this.engine.requestAssist(v)) return { ok: true };
        this.assistOf.delete(v);
        return { ok: false, error: 'not_available', reason: `vehicle ${vehicleId} cannot be held for assistance now` };
      }
      default: {
        const never: never = report;
        return { ok: false, error: 'invalid_request', reason: `unknown report ${JSON.stringify(never)}` };
      }
    }
  }

  setInService(vehicleId: string, inService: boolean, reason: string): Decision {
    const v = this.slotOf.get(vehicleId);
    if (v === undefined) return { ok: false, error: 'not_registered', reason: `vehicle ${vehicleId} is not registered` };
    if (!inService) return this.takeOut(v, reason, false);
    if (!this.engine.setInService(v, true, reason) && !this.engine.isInService(v)) {
      return { ok: false, error: 'still_stopping', reason: 'the car is still on its way to the node where it stops; put it back once it has stopped' };
    }
    this.inService[v] = true;
    this.outReason[v] = null;
    return { ok: true };
  }

  /** Takes car v out of service in the engine (its unpicked rides re-dispatched, riders on board rescued). */
  private takeOut(v: number, reason: string, fault: boolean): Decision {
    if (fault) this.engine.fault(v, reason);
    else this.engine.setInService(v, false, reason);
    this.inService[v] = false;
    this.outReason[v] = reason;
    return { ok: true };
  }

  vehicle(vehicleId: string): LiveVehicle | undefined {
    const v = this.slotOf.get(vehicleId);
    return v === undefined ? undefined : this.view(v);
  }

  vehicles(): LiveVehicle[] {
    return this.vehicleIdOf.map((_, v) => this.view(v));
  }

  assists(): AssistRequest[] {
    return [...this.assistOf.values()].map((a) => ({ ...a })).sort((a, b) => a.id - b.id);
  }

  kpis(): Kpis {
    return this.kpiAcc.result();
  }

  stats(): ConductorStats {
    const requestsByStatus: Record<string, number> = {};
    for (const r of this.state.requests) if (r) requestsByStatus[r.status] = (requestsByStatus[r.status] ?? 0) + 1;
    const vehiclesByState: Record<string, number> = Object.fromEntries(VEHICLE_STATES.map((s) => [s, 0]));
    vehiclesByState.out_of_service = 0;
    for (let v = 0; v < this.vehicleIdOf.length; v++) {
      const s = this.inService[v] ? (this.state.vehicles[v]?.state ?? 'unplaced') : 'out_of_service';
      vehiclesByState[s]++;
    }
    let assistQueue = 0;
    for (const a of this.assistOf.values()) if (a.state !== 'helping') assistQueue++;
    return { engineTimeS: this.engine.timeS, requestsByStatus, vehiclesByState, assistQueue, assistOperators: this.engine.assistOperators, assistOperatorsBusy: this.assistBusy };
  }

  onRideChange(listener: (rideId: string, ride: LiveRide) => void): () => void {
    return subscribe(this.rideListeners, listener);
  }
  onPlanChange(listener: (vehicleId: string, plan: PlanStop[]) => void): () => void {
    return subscribe(this.planListeners, listener);
  }
  onEvent(listener: (ev: SimEvent) => void): () => void {
    return subscribe(this.eventListeners, listener);
  }

  advance(toS: number): void {
    if (toS < this.engine.timeS) return;
    this.engine.runUntil(toS);
    for (const v of this.state.takeDirtyPlans()) {
      const id = this.vehicleIdOf[v];
      if (id === undefined) continue;
      const plan = this.planStops(v);
      for (const l of this.planListeners) l(id, plan);
    }
  }

  pauseRequests(area: string, polygons: PolygonRings[], by: string, reason: string): Decision {
    this.areas.pause({ area, polygons, by, reason, sinceS: this.engine.timeS });
    this.engine.recordOperatorAction({ kind: 'RequestsPaused', area, polygons, by, reason });
    return { ok: true };
  }

  resumeRequests(area: string, by: string): Decision {
    if (!this.areas.resume(area)) return { ok: false, error: 'not_found', reason: `no pause named "${area}"` };
    this.engine.recordOperatorAction({ kind: 'RequestsResumed', area, by });
    return { ok: true };
  }

  pausedAreas(): PausedAreaView[] {
    return this.areas.pausedAreas();
  }

  setServiceArea(polygons: PolygonRings[] | null, by: string): { nodesInside: number } {
    const nodesInside = this.areas.setServiceArea(polygons, this.o.graph);
    this.serviceAreaBy = by;
    this.engine.recordOperatorAction({ kind: 'ServiceAreaChanged', polygons: polygons ?? [], nodesInside, by });
    return { nodesInside };
  }

  dispatcher(): DispatcherView {
    return { preset: this.o.dispatcherName, parameters: this.engine.dispatcherParameters(), changedBy: this.tunedBy, changedAtS: this.tunedAtS };
  }

  tuneDispatcher(change: Partial<DispatcherParameters>, by: string): Decision {
    try {
      this.engine.tuneDispatcher(change, by);
    } catch (err) {
      return { ok: false, error: 'invalid_parameter', reason: (err as Error).message };
    }
    this.noteTuned(change, by);
    return { ok: true };
  }

  private noteTuned(change: Partial<DispatcherParameters>, by: string): void {
    this.tuned = { ...this.tuned, ...change };
    this.tunedBy = by;
    this.tunedAtS = this.engine.timeS;
  }

  operatorState(): OperatorState {
    const area = this.areas.serviceArea();
    return {
      paused: this.areas.pausedAreas(),
      serviceArea: area === null ? null : { polygons: area, by: this.serviceAreaBy },
      dispatcher: this.tunedBy === null ? null : { parameters: { ...this.tuned }, by: this.tunedBy },
    };
  }

  restoreOperatorState(state: OperatorState): RestoredOperatorState {
    const out: RestoredOperatorState = { pausedAreas: 0, serviceArea: false, dispatcherParameters: [], skipped: [] };
    for (const p of state.paused) {
      this.areas.pause(p);
      this.engine.recordOperatorAction({ kind: 'RequestsPaused', area: p.area, polygons: p.polygons, by: p.by, reason: p.reason, restored: true });
      out.pausedAreas++;
    }
    if (state.serviceArea && state.serviceArea.polygons.length > 0) {
      const { polygons, by } = state.serviceArea;
      const nodesInside = this.areas.setServiceArea(polygons, this.o.graph);
      this.serviceAreaBy = by;
      this.engine.recordOperatorAction({ kind: 'ServiceAreaChanged', polygons, nodesInside, by, restored: true });
      out.serviceArea = true;
    }
    if (state.dispatcher) {
      // Only what the preset now running has, each checked as an operator's change would be.
      const has = this.engine.dispatcherParameters();
      const change: Partial<DispatcherParameters> = {};
      for (const [name, value] of Object.entries(state.dispatcher.parameters)) {
        if (!(name in has)) out.skipped.push(`${name}: the ${this.o.dispatcherName} dispatcher has no such parameter`);
        else (change as Record<string, unknown>)[name] = value;
      }
      if (Object.keys(change).length > 0) {
        try {
          this.engine.tuneDispatcher(change, state.dispatcher.by, true);
          this.noteTuned(change, state.dispatcher.by);
          out.dispatcherParameters = Object.keys(change);
        } catch (err) {
          out.skipped.push((err as Error).message);
        }
      }
    }
    return out;
  }

  serviceArea(): PolygonRings[] | null {
    return this.areas.serviceArea();
  }

  /** Whether the live service area holds road node `node` (dispatchers' rebalancing is kept inside: withinServiceArea). */
  nodeInServiceArea(node: number): boolean {
    return this.areas.nodeInServiceArea(node);
  }

  sites(): SiteView[] {
    const g = this.o.graph;
    return (this.engine.energy?.sites ?? []).map((c, site) => ({ site, kind: 'charger' as const, lat: g.lat[c.node], lon: g.lon[c.node], plugs: c.plugs, powerKw: c.powerKw }));
  }

  sendVehicle(vehicleId: string, to: SendTarget, by: string, reason: string): Decision {
    const v = this.slotOf.get(vehicleId);
    if (v === undefined) return { ok: false, error: 'not_registered', reason: `vehicle ${vehicleId} is not registered` };
    let command: Command;
    let site = -1;
    let node: number;
    if ('site' in to) {
      const sites = this.engine.energy?.sites ?? [];
      if (to.site >= sites.length) return { ok: false, error: 'no_such_site', reason: sites.length === 0 ? 'this service has no charging sites (serve --chargers)' : `site ${to.site} does not exist (${sites.length} sites: 0..${sites.length - 1})` };
      site = to.site;
      node = sites[site].node;
      command = { kind: 'charge', vehicle: v, site, targetSocKwh: this.engine.spec.batteryKwh };
    } else {
      const at = this.o.snapper.snap(to.position.lat, to.position.lon);
      if (!at) return { ok: false, error: 'off_network', reason: 'position is not near a road of the network' };
      if (!this.areas.nodeInServiceArea(at.node)) return { ok: false, error: 'outside_service_area', reason: 'position is outside the service area (changed by the operator)' };
      node = at.node;
      command = { kind: 'rebalance', vehicle: v, node };
    }
    const refused = this.engine.command(command, { kind: 'VehicleSentByOperator', vehicle: v, site, node, by, reason });
    return refused === null ? { ok: true } : { ok: false, error: 'refused', reason: refused };
  }

  private onEngineEvent(ev: SimEvent): void {
    this.kpiAcc.add(ev);
    // The rider's ride continues as the rescue request.
    if (ev.kind === 'RescueNeeded') {
      const rideId = this.state.requestIds[ev.request];
      if (rideId !== undefined) this.requestOf.set(rideId, ev.rescue);
    }
    // A ride put back on board after a restart: known by its id before its change is reported.
    if (ev.kind === 'RequestResumed') this.requestOf.set(ev.id, ev.request);
    if (ev.kind === 'PickedUp') {
      this.recentWaitsS.push(ev.waitS);
      if (this.recentWaitsS.length > 200) this.recentWaitsS.shift();
      this.medianWaitS = undefined;
    }
    this.foldAssist(ev);
    const change = this.state.apply(ev);
    for (const l of this.eventListeners) l(ev);
    if (change && this.rideListeners.length > 0) {
      const ride = this.ride(change.id);
      if (ride) for (const l of this.rideListeners) l(change.id, ride);
    }
  }

  private newAssist(v: number, description: string): AssistRequest {
    return { id: this.nextAssist++, vehicleId: this.vehicleIdOf[v] ?? `car-${v}`, description, atMs: this.nowMs(), state: 'asked', queuedS: null, startedS: null, onboard: 0 };
  }

  /** The remote-assistance book follows the engine's events (also for cars the engine holds by itself). */
  private foldAssist(ev: SimEvent): void {
    switch (ev.kind) {
      case 'AssistRequested': {
        let a = this.assistOf.get(ev.vehicle);
        if (!a) this.assistOf.set(ev.vehicle, (a = this.newAssist(ev.vehicle, 'asked by the engine')));
        Object.assign(a, { state: 'waiting', queuedS: ev.timeS, onboard: ev.onboard });
        return;
      }
      case 'AssistStarted': {
        this.assistBusy++;
        const a = this.assistOf.get(ev.vehicle);
        if (a) Object.assign(a, { state: 'helping', startedS: ev.timeS });
        return;
      }
      case 'AssistEnded':
        this.assistBusy--;
        this.assistOf.delete(ev.vehicle);
        return;
      case 'VehicleOutOfService':
        // Taken out before it stopped for the assist: the request is dropped with it (the engine stops it instead).
        if (this.assistOf.get(ev.vehicle)?.state === 'asked') this.assistOf.delete(ev.vehicle);
        return;
      default:
        return;
    }
  }

  /** Median of recent waits (or DEFAULT_ETA_S before any pickup); kept until the next pickup (asked twice per ride request). */
  private placeholderEtaS(): number {
    if (this.medianWaitS !== undefined) return this.medianWaitS;
    const w = this.recentWaitsS;
    if (w.length === 0) return DEFAULT_ETA_S;
    const sorted = [...w].sort((a, b) => a - b);
    this.medianWaitS = sorted[sorted.length >> 1];
    return this.medianWaitS;
  }

  /** Seconds until the car reaches request r's pickup along its plan (travel times + pickup dwells). */
  private plannedPickupInS(r: number, v: number): number | null {
    const live = this.state.vehicles[v];
    if (!live) return null;
    const now = this.engine.timeS;
    let t = Math.max(now, live.legArriveS);
    let node = live.legToNode;
    for (const stop of this.engine.plan(v)) {
      const req = this.state.requests[stop.request];
      if (!req) return null;
      const to = stop.action === 'pickup' ? req.pickupNode : req.dropoffNode;
      t += this.o.travelTimes.timeS(node, to, t) + (stop.action === 'pickup' ? this.o.pickupDwellS : 0);
      node = to;
      if (stop.request === r && stop.action === 'pickup') return Math.max(0, Math.round(t - this.o.pickupDwellS - now));
    }
    return null;
  }

  private planStops(v: number): PlanStop[] {
    const g = this.o.graph;
    return this.engine.plan(v).map((s) => {
      const req = this.state.requests[s.request];
      const node = s.action === 'pickup' ? req.pickupNode : req.dropoffNode;
      return { action: s.action, rideId: this.state.requestIds[s.request], lat: g.lat[node], lon: g.lon[node] };
    });
  }

  private view(v: number): LiveVehicle {
    const live = this.state.vehicles[v];
    const sample = this.lastSample[v];
    const pos = live ? this.engine.positionAt(v, this.engine.timeS) : sample ? { lat: sample.lat, lon: sample.lon } : null;
    return {
      vehicleId: this.vehicleIdOf[v],
      inService: this.inService[v],
      outOfServiceReason: this.outReason[v],
      state: this.inService[v] ? (live?.state ?? 'unplaced') : 'out_of_service',
      lat: pos?.lat ?? null,
      lon: pos?.lon ?? null,
      onboard: live?.onboard ?? 0,
      plan: live ? this.planStops(v) : [],
      lastTelemetryAtMs: sample?.atMs ?? null,
      socPct: sample?.socPct ?? null,
    };
  }
}

function subscribe<T>(list: T[], listener: T): () => void {
  list.push(listener);
  return () => {
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  };
}

/** The live engine on the service's fleet (a thin seam, so a region's remote engine could stand in later). */
export function createLiveEngine(opts: EngineOptions): LiveEngine {
  return new Engine(opts);
}
