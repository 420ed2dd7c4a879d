// A stand-in conductor for unit tests of the HTTP layer only: rides and vehicles in maps, with test hooks to assign a
// ride to a car or emit a plan change. The real adapter (src/service/conductor.ts) drives the engine.
import type { Kpis } from '../../src/core/metrics/kpis.js';
import { computeKpis } from '../../src/core/metrics/kpis.js';
import type { SimEvent } from '../../src/core/sim/events.js';
import type { PolygonRings } from '../../src/core/network/area.js';
import { changeRefusal, type DispatcherParameters } from '../../src/core/dispatch/parameters.js';
import type { OperatorState, RestoredOperatorState } from '../../src/service/operator-state.js';
import type { AssistRequest, Conductor, ConductorStats, Decision, DispatcherView, LiveRide, LiveVehicle, OnboardRide, PlanStop, RideOrder, SendTarget, SiteView } from '../../src/service/conductor.js';
import { OperatorAreas, type PausedAreaView } from '../../src/service/operator-areas.js';
import type { TelemetrySample, VehicleReport } from '../../src/service/schemas.js';

export class FakeConductor implements Conductor {
  ready = true;
  readonly rides = new Map<string, LiveRide>();
  readonly submitted: string[] = [];
  readonly cars = new Map<string, LiveVehicle>();
  readonly samples = new Map<string, TelemetrySample[]>();
  readonly assistQueue: AssistRequest[] = [];
  maxVehicles = 1000;
  private readonly rideL: ((id: string, r: LiveRide) => void)[] = [];
  private readonly planL: ((id: string, p: PlanStop[]) => void)[] = [];
  private readonly eventL: ((ev: SimEvent) => void)[] = [];
  private request = 0;

  /** Refuses pickups north of 80° (the fake's "outside the service area") and parties over 2. */
  check(o: RideOrder): Decision {
    const area = this.areas.refusal(o.pickup, o.dropoff);
    if (!area.ok) return area;
    if (o.riders > 2) return { ok: false, error: 'too_many_riders', reason: `a car seats 2; ${o.riders} riders asked` };
    if (o.pickup.lat > 80 || o.dropoff.lat > 80) return { ok: false, error: 'outside_service_area', reason: 'not near a road of the service area' };
    if (o.pickup.lat === o.dropoff.lat && o.pickup.lon === o.dropoff.lon) return { ok: false, error: 'trip_too_short', reason: 'pickup and drop-off are the same place' };
    return { ok: true };
  }

  submit(rideId: string, o: RideOrder): { etaS: number | null } {
    this.submitted.push(rideId);
    this.rides.set(rideId, { status: 'accepted', reason: null, vehicleId: null, etaS: 120 });
    this.emit({ kind: 'RequestSubmitted', timeS: 0, request: this.request++, id: rideId, pickupNode: 0, dropoffNode: 1, riders: o.riders, acceptsSharing: o.acceptsSharing });
    return { etaS: 120 };
  }

  resumeOnboard(vehicleId: string, rides: readonly OnboardRide[]): Decision {
    if (!this.cars.has(vehicleId)) return { ok: false, error: 'not_registered', reason: 'register first' };
    for (const r of rides) this.change(r.rideId, { status: 'onboard', reason: null, vehicleId, etaS: null, pickedUpS: r.pickedUpS });
    return { ok: true };
  }

  cancel(rideId: string): Decision {
    const r = this.rides.get(rideId);
    if (!r) return { ok: false, error: 'not_found', reason: 'no such ride' };
    if (r.status !== 'accepted' && r.status !== 'assigned') return { ok: false, error: 'not_cancellable', reason: `the ride is ${r.status}` };
    this.change(rideId, { status: 'cancelled', reason: 'rider', vehicleId: null, etaS: null });
    return { ok: true };
  }

  ride(rideId: string): LiveRide | undefined {
    return this.rides.get(rideId);
  }

  registerVehicle(vehicleId: string): Decision {
    if (this.cars.has(vehicleId)) return { ok: true };
    if (this.cars.size >= this.maxVehicles) return { ok: false, error: 'fleet_full', reason: 'all cars are registered' };
    this.cars.set(vehicleId, { vehicleId, inService: true, outOfServiceReason: null, state: 'idle', lat: null, lon: null, onboard: 0, plan: [], lastTelemetryAtMs: null, socPct: null });
    return { ok: true };
  }

  telemetry(vehicleId: string, samples: readonly TelemetrySample[]): void {
    const list = this.samples.get(vehicleId) ?? [];
    list.push(...samples);
    this.samples.set(vehicleId, list);
    const car = this.cars.get(vehicleId);
    const last = samples[samples.length - 1];
    if (car) Object.assign(car, { lat: last.lat, lon: last.lon, lastTelemetryAtMs: last.atMs, socPct: last.socPct ?? car.socPct });
  }

  report(vehicleId: string, r: VehicleReport): Decision {
    if (!this.cars.has(vehicleId)) return { ok: false, error: 'not_registered', reason: 'register first' };
    if (r.kind === 'fault') return this.setInService(vehicleId, false, `fault ${r.code}`);
    if (r.kind === 'assist') {
      this.assistQueue.push({ id: this.assistQueue.length + 1, vehicleId, description: r.description, atMs: 0, state: 'asked', queuedS: null, startedS: null, onboard: 0 });
      return { ok: true };
    }
    const ride = this.rides.get(r.rideId);
    if (!ride || ride.vehicleId !== vehicleId) return { ok: false, error: 'not_on_plan', reason: `ride ${r.rideId} is not on this car's plan` };
    this.change(r.rideId, { ...ride, status: r.kind === 'pickup' ? 'onboard' : 'completed', etaS: null });
    return { ok: true };
  }

  setInService(vehicleId: string, inService: boolean, reason: string): Decision {
    const car = this.cars.get(vehicleId);
    if (!car) return { ok: false, error: 'not_registered', reason: `vehicle ${vehicleId} is not registered` };
    Object.assign(car, { inService, outOfServiceReason: inService ? null : reason, state: inService ? 'idle' : 'out_of_service' });
    return { ok: true };
  }

  vehicle(vehicleId: string): LiveVehicle | undefined {
    return this.cars.get(vehicleId);
  }
  vehicles(): LiveVehicle[] {
    return [...this.cars.values()];
  }
  assists(): AssistRequest[] {
    return [...this.assistQueue];
  }
  kpis(): Kpis {
    return computeKpis([]);
  }
  stats(): ConductorStats {
    const requestsByStatus: Record<string, number> = {};
    for (const r of this.rides.values()) requestsByStatus[r.status] = (requestsByStatus[r.status] ?? 0) + 1;
    const vehiclesByState: Record<string, number> = {};
    for (const c of this.cars.values()) vehiclesByState[c.state] = (vehiclesByState[c.state] ?? 0) + 1;
    return { engineTimeS: 0, requestsByStatus, vehiclesByState, assistQueue: this.assistQueue.length, assistOperators: 0, assistOperatorsBusy: 0 };
  }
  onRideChange(l: (id: string, r: LiveRide) => void): () => void {
    this.rideL.push(l);
    return () => this.rideL.splice(this.rideL.indexOf(l), 1);
  }
  onPlanChange(l: (id: string, p: PlanStop[]) => void): () => void {
    this.planL.push(l);
    return () => this.planL.splice(this.planL.indexOf(l), 1);
  }
  onEvent(l: (ev: SimEvent) => void): () => void {
    this.eventL.push(l);
    return () => this.eventL.splice(this.eventL.indexOf(l), 1);
  }
  advance(): void {}

  // Operator areas with the real rules (no network: nodes always count as inside); events at second 0.
  private readonly areas = new OperatorAreas();
  pauseRequests(area: string, polygons: PolygonRings[], by: string, reason: string): Decision {
    this.areas.pause({ area, polygons, by, reason, sinceS: 0 });
    this.emit({ kind: 'RequestsPaused', timeS: 0, area, polygons, by, reason });
    return { ok: true };
  }
  resumeRequests(area: string, by: string): Decision {
    if (!this.areas.resume(area)) return { ok: false, error: 'not_found', reason: `no pause named "${area}"` };
    this.emit({ kind: 'RequestsResumed', timeS: 0, area, by });
    return { ok: true };
  }
  pausedAreas(): PausedAreaView[] {
    return this.areas.pausedAreas();
  }
  setServiceArea(polygons: PolygonRings[] | null, by: string): { nodesInside: number } {
    this.areas.setServiceArea(polygons);
    this.emit({ kind: 'ServiceAreaChanged', timeS: 0, polygons: polygons ?? [], nodesInside: 0, by });
    return { nodesInside: 0 };
  }
  serviceArea(): PolygonRings[] | null {
    return this.areas.serviceArea();
  }
  /** Sends only to site 0 (the fake's one site). */
  sendVehicle(vehicleId: string, to: SendTarget): Decision {
    if (!this.cars.has(vehicleId)) return { ok: false, error: 'not_registered', reason: `vehicle ${vehicleId} is not registered` };
    if ('site' in to && to.site !== 0) return { ok: false, error: 'no_such_site', reason: `site ${to.site} does not exist (1 site: 0..0)` };
    return { ok: true };
  }
  sites(): SiteView[] {
    return [{ site: 0, kind: 'charger', lat: 37.79, lon: -122.4, plugs: 4, powerKw: 50 }];
  }

  // Dispatcher parameters of a pooled preset without rebalancing or chargers, checked by the real rules.
  parameters: DispatcherParameters = { maxWaitS: 600, pooling: true, minDetourS: 180, detourShare: 0.5, carTimeWeight: 1, admitOnTime: false, scarceRideWeight: 0 };
  private changedBy: string | null = null;
  dispatcher(): DispatcherView {
    return { preset: 'pooled', parameters: { ...this.parameters }, changedBy: this.changedBy, changedAtS: this.changedBy === null ? null : 0 };
  }
  tuneDispatcher(change: Partial<DispatcherParameters>, by: string): Decision {
    const refused = changeRefusal(this.parameters, change);
    if (refused !== null) return { ok: false, error: 'invalid_parameter', reason: refused };
    this.parameters = { ...this.parameters, ...change };
    this.changedBy = by;
    this.emit({ kind: 'DispatcherParametersChanged', timeS: 0, dispatcher: 'pooled', parameters: { ...this.parameters }, changed: Object.keys(change).sort(), by });
    return { ok: true };
  }
  operatorState(): OperatorState {
    const area = this.areas.serviceArea();
    return { paused: this.areas.pausedAreas(), serviceArea: area && { polygons: area, by: 'ops' }, dispatcher: this.changedBy === null ? null : { parameters: { ...this.parameters }, by: this.changedBy } };
  }
  restoreOperatorState(state: OperatorState): RestoredOperatorState {
    for (const p of state.paused) this.areas.pause(p);
    if (state.serviceArea) this.areas.setServiceArea(state.serviceArea.polygons);
    if (state.dispatcher) this.parameters = { ...this.parameters, ...state.dispatcher.parameters };
    return { pausedAreas: state.paused.length, serviceArea: state.serviceArea !== null, dispatcherParameters: Object.keys(state.dispatcher?.parameters ?? {}), skipped: [] };
  }

  // ---- test hooks ----

  /** Puts a ride on a car and pushes the car its new plan. */
  assign(rideId: string, vehicleId: string): void {
    const ride = this.rides.get(rideId)!;
    this.change(rideId, { ...ride, status: 'assigned', vehicleId, etaS: 60 });
    const plan: PlanStop[] = [
      { action: 'pickup', rideId, lat: 1, lon: 2 },
      { action: 'dropoff', rideId, lat: 3, lon: 4 },
    ];
    this.cars.get(vehicleId)!.plan = plan;
    for (const l of this.planL) l(vehicleId, plan);
  }

  emit(ev: SimEvent): void {
    for (const l of this.eventL) l(ev);
  }

  private change(rideId: string, r: LiveRide): void {
    this.rides.set(rideId, r);
    for (const l of this.rideL) l(rideId, r);
  }
}
