// The dispatcher's read-only view of the engine: live views of fleet and request state, the plan-end estimate (freeAt)
// and the deltas since the previous decision. Built once per run; the engine refreshes its request views.
import { VehicleStatus, legTimeS, type ChargingView, type Command, type FleetSnapshot, type ServicingView, type Stop, type TimedNode } from '../dispatch/types.js';
import type { RoadGraph } from '../network/graph.js';
import type { TravelTimes } from '../network/travel-times.js';
import { energyViolation, type CommandState } from './commands.js';
import type { Movement } from './movement.js';
import type { RequestBook } from './request-book.js';
import { ServiceState, type ServiceCentres } from './servicing.js';
import { ChargeState, codeIsDropoff, codeRequest, codeStop, type FleetState } from './vehicle-state.js';

/** Stop durations in seconds. */
export interface DwellTimes {
  readonly pickupS: number;
  readonly dropoffS: number;
}

/** What changed since the previous decision (the engine fills these; `clear` after each decide call). */
export class DispatchDeltas {
  newRequests: number[] = [];
  freedVehicles: number[] = [];
  cancelledRequests: number[] = [];

  get any(): boolean {
    return this.newRequests.length > 0 || this.freedVehicles.length > 0 || this.cancelledRequests.length > 0;
  }

  clear(): void {
    this.newRequests = [];
    this.freedVehicles = [];
    this.cancelledRequests = [];
  }
}

/** The parts a snapshot reads. */
export interface SnapshotSources {
  readonly fleet: FleetState;
  readonly book: RequestBook;
  readonly movement: Movement;
  readonly deltas: DispatchDeltas;
  readonly travelTimes: TravelTimes;
  readonly graph: RoadGraph | undefined;
  readonly maxWaitS: number;
  readonly dwell: DwellTimes;
  readonly seats: number;
  /** Whether strategies should say why they gave each plan. */
  readonly explain: boolean;
  /** The engine's current time. */
  nowS(): number;
  /** The charging sites as dispatchers see them, when the run enforces energy. */
  readonly charging: ChargingView | undefined;
  /** The service centres, when the run has cleaning and maintenance. */
  readonly servicing: ServiceCentres | undefined;
  /** The state command validation reads (for the energy check). */
  commandState(): CommandState;
}

/** Node a plan code's stop is at. */
export function stopNode(book: RequestBook, code: number): number {
  const r = codeRequest(code);
  return codeIsDropoff(code) ? book.dropoffNode[r] : book.pickupNode[r];
}

/**
 * When and where vehicle v finishes its plan (or rebalancing leg), following it with the engine's leg rounding;
 * cached in the fleet state until the plan changes.
 */
export function freeAt(src: SnapshotSources, v: number): TimedNode {
  const f = src.fleet;
  if (f.status[v] === VehicleStatus.charging) return chargingFreeAt(src, v);
  if (f.status[v] === VehicleStatus.servicing) return servicingFreeAt(src, v);
  if (f.status[v] === VehicleStatus.outOfService) return { timeS: Infinity, node: f.node[v] };
  const idle = f.status[v] === VehicleStatus.idle;
  if (f.freeS[v] >= 0 && !idle) return { timeS: f.freeS[v], node: f.freeNode[v] };
  if (idle) return { timeS: src.nowS(), node: f.node[v] };
  const tt = src.travelTimes;
  let timeS = f.legEndS[v];
  let node = f.status[v] === VehicleStatus.dwelling ? f.node[v] : f.legTarget[v];
  const plan = f.plans[v];
  for (const code of plan) {
    const to = stopNode(src.book, code);
    timeS += legTimeS(tt, node, to, timeS) + (codeIsDropoff(code) ? src.dwell.dropoffS : src.dwell.pickupS);
    node = to;
  }
  const rb = f.rebalanceTarget[v];
  if (plan.length === 0 && rb >= 0 && rb !== node) {
    timeS += legTimeS(tt, node, rb, timeS);
    node = rb;
  }
  f.freeS[v] = timeS;
  f.freeNode[v] = node;
  return { timeS, node };
}

/**
 * When a car on a charging stop frees up, at its site: exact once plugged in; before that an estimate that ignores
 * the queue ahead and the energy the drive there uses (not cached: queue and plug change it).
 */
function chargingFreeAt(src: SnapshotSources, v: number): TimedNode {
  const f = src.fleet;
  const site = f.chargeSite[v];
  const c = src.charging!;
  const node = c.sites[site].node;
  if (f.chargeState[v] === ChargeState.plugged) return { timeS: f.legEndS[v], node };
  let timeS = Math.max(src.nowS(), f.legEndS[v]);
  if (f.chargeState[v] === ChargeState.heading) timeS += legTimeS(src.travelTimes, f.legTarget[v], node, timeS);
  return { timeS: timeS + c.chargeDurationS(site, f.socKwh[v], f.chargeTargetKwh[v]), node };
}

/**
 * When a car on a service visit frees up, at its centre: exact once in a bay; before that an estimate that ignores
 * the queue ahead (not cached). A car held by an assist on its way there is counted from the end of the hold.
 */
function servicingFreeAt(src: SnapshotSources, v: number): TimedNode {
  const f = src.fleet;
  const sv = src.servicing!;
  const centre = sv.centre[v];
  if (centre < 0) return { timeS: Math.max(src.nowS(), f.legEndS[v]), node: f.node[v] };
  const node = sv.centres[centre].node;
  if (sv.state[v] === ServiceState.inBay) return { timeS: f.legEndS[v], node };
  let timeS = Math.max(src.nowS(), f.legEndS[v]);
  if (sv.state[v] === ServiceState.heading) timeS += legTimeS(src.travelTimes, f.legTarget[v], node, timeS);
  return { timeS: timeS + sv.durationS(v), node };
}

/**
 * The snapshot a dispatcher decides on: plain fields (fast to read in dispatchers' inner loops), request views
 * refreshed by the engine before each `decide` call, since the book only grows between calls.
 */
export class EngineSnapshot implements FleetSnapshot {
  readonly travelTimes: TravelTimes;
  readonly graph: RoadGraph | undefined;
  /** Written by the engine only, when an operator changes the max wait (decision 0025). */
  maxWaitS: number;
  readonly pickupDwellS: number;
  readonly dropoffDwellS: number;
  readonly seats: number;
  readonly explain: boolean;
  readonly vehicleCount: number;
  readonly vehicleStatus: Uint8Array;
  readonly vehicleNode: Uint32Array;
  readonly vehicleLoad: Uint8Array;
  readonly vehiclePlanVersion: Uint32Array;
  readonly vehicleSocKwh: Float64Array;
  readonly charging: ChargingView | undefined;
  readonly servicing: ServicingView | undefined;
  // Request views: set by refresh() (called from the constructor), since the book only grows between decide calls.
  requestCount = -1;
  requestS!: Int32Array;
  requestPickupNode!: Uint32Array;
  requestDropoffNode!: Uint32Array;
  requestRiders!: Uint8Array;
  requestAcceptsSharing!: Uint8Array;
  requestStatus!: Uint8Array;
  requestVehicle!: Int32Array;

  /** The last plan made per vehicle (see plan) and the codes it was made from. */
  private readonly planStops: (readonly Stop[])[] = [];
  private readonly planCodes: (readonly number[] | undefined)[] = [];
  /** The fleet's planVersion of each vehicle when plan last answered for it; planKept[v] = 1 once it has. */
  private readonly planSeenVersion: Uint32Array;
  private readonly planKept: Uint8Array;

  constructor(private readonly src: SnapshotSources) {
    this.travelTimes = src.travelTimes;
    this.graph = src.graph;
    this.maxWaitS = src.maxWaitS;
    this.pickupDwellS = src.dwell.pickupS;
    this.dropoffDwellS = src.dwell.dropoffS;
    this.seats = src.seats;
    this.explain = src.explain;
    this.vehicleCount = src.fleet.size;
    this.vehicleStatus = src.fleet.status;
    this.vehicleNode = src.fleet.node;
    this.vehicleLoad = src.fleet.load;
    this.vehiclePlanVersion = src.fleet.planVersion;
    this.planSeenVersion = new Uint32Array(src.fleet.size);
    this.planKept = new Uint8Array(src.fleet.size);
    this.vehicleSocKwh = src.fleet.socKwh;
    this.charging = src.charging;
    this.servicing = src.servicing;
    this.refresh();
  }

  /** Points the request views at the book's current arrays (call before each decide). */
  refresh(): void {
    const book = this.src.book;
    if (this.requestCount === book.count && this.requestS.buffer === book.requestS.buffer) return;
    const v = book.views();
    this.requestCount = book.count;
    this.requestS = v.requestS;
    this.requestPickupNode = v.pickupNode;
    this.requestDropoffNode = v.dropoffNode;
    this.requestRiders = v.riders;
    this.requestAcceptsSharing = v.acceptsSharing;
    this.requestStatus = v.status;
    this.requestVehicle = v.vehicle;
  }

  get nowS(): number {
    return this.src.nowS();
  }
  /**
   * The vehicle's plan as stops. Dispatchers read every car's plan every batch, and most plans did not change since the
   * last call: the stop list made then is returned again while the plan's codes are the same (callers must not change
   * it, as FleetSnapshot's readonly type says). A plan whose version (FleetState.planVersion, bumped at every change)
   * is the one seen last time is that plan without reading its codes (a car's pooled work asks for it every batch).
   */
  plan(v: number): readonly Stop[] {
    const version = this.vehiclePlanVersion[v];
    if (this.planKept[v] === 1 && this.planSeenVersion[v] === version) return this.planStops[v];
    this.planKept[v] = 1;
    this.planSeenVersion[v] = version;
    const codes = this.src.fleet.plans[v];
    const was = this.planCodes[v];
    if (was !== undefined && was.length === codes.length) {
      let same = true;
      for (let i = 0; i < codes.length && same; i++) same = codes[i] === was[i];
      if (same) return this.planStops[v];
    }
    const stops = codes.map(codeStop);
    this.planCodes[v] = codes.slice();
    this.planStops[v] = stops;
    return stops;
  }
  divertAt(v: number): TimedNode {
    return this.src.movement.divertAt(v, this.src.nowS());
  }
  legEnd(v: number): TimedNode {
    return this.src.movement.legEnd(v, this.src.nowS());
  }
  divertPoints(divertS: Float64Array, divertNode: Int32Array, endS: Float64Array, endNode: Int32Array): void {
    this.src.movement.divertPoints(this.src.nowS(), divertS, divertNode, endS, endNode);
  }
  freeAt(v: number): TimedNode {
    return freeAt(this.src, v);
  }
  energyCheck(command: Command): string | null {
    return this.charging ? energyViolation(this.src.commandState(), command) : null;
  }
  openRequests(): readonly number[] {
    return this.src.book.waitingRequests();
  }
  get newRequests(): readonly number[] {
    return this.src.deltas.newRequests;
  }
  get freedVehicles(): readonly number[] {
    return this.src.deltas.freedVehicles;
  }
  get cancelledRequests(): readonly number[] {
    return this.src.deltas.cancelledRequests;
  }
}
