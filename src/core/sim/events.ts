// The simulation's event log vocabulary: one discriminated union of everything that happens, and its NDJSON form.
//
// Index conventions: `request` is the index into the scenario's request array, `vehicle` the fleet index, nodes are
// RoadGraph node indices. -1 means "none" where a vehicle may be absent. All times are integer seconds (`timeS`).
import type { PolygonRings } from '../network/area.js';
import type { DispatchReason, ReasonAlternative, ReasonKind } from '../dispatch/types.js';
import { orderedParameters, type DispatcherParameters } from '../dispatch/parameters.js';

/** A vehicle is placed at its start node (emitted once per vehicle at the start; makes a log self-contained). */
export interface VehiclePlaced {
  kind: 'VehiclePlaced';
  timeS: number;
  vehicle: number;
  node: number;
  seats: number;
}

/** A ride request enters the system. */
export interface RequestSubmitted {
  kind: 'RequestSubmitted';
  timeS: number;
  request: number;
  id: string;
  pickupNode: number;
  dropoffNode: number;
  riders: number;
  acceptsSharing: boolean;
}

/** A request is put on a vehicle's plan; `previousVehicle` ≥ 0 when it moved from another vehicle (reassignment). */
export interface RequestAssigned {
  kind: 'RequestAssigned';
  timeS: number;
  request: number;
  vehicle: number;
  previousVehicle: number;
}

/** A not-yet-picked-up request was taken off its vehicle's plan and is open again. */
export interface RequestUnassigned {
  kind: 'RequestUnassigned';
  timeS: number;
  request: number;
  previousVehicle: number;
}

/** Why a vehicle drives a leg. */
export type LegPurpose = 'stop' | 'rebalance' | 'charge' | 'service';

/** A vehicle starts driving a leg (shortest path) towards `toNode`, planned to arrive at `arriveS`. */
export interface VehicleDeparted {
  kind: 'VehicleDeparted';
  timeS: number;
  vehicle: number;
  fromNode: number;
  toNode: number;
  arriveS: number;
  onboard: number;
  purpose: LegPurpose;
}

/**
 * A vehicle ends a leg at `node`: either the leg's target, or (`diverted`) the next node of its path where it turned
 * towards a changed plan. `distanceM` is what it actually drove on the leg, with `onboard` riders; `energyKwh` its use;
 * `socKwh` what is left in the battery (only in runs that enforce energy, i.e. with charging sites).
 */
export interface VehicleArrived {
  kind: 'VehicleArrived';
  timeS: number;
  vehicle: number;
  node: number;
  distanceM: number;
  energyKwh: number;
  onboard: number;
  diverted: boolean;
  socKwh?: number;
}

/** Riders board; `waitS` = pickup time − request time. */
export interface PickedUp {
  kind: 'PickedUp';
  timeS: number;
  request: number;
  vehicle: number;
  riders: number;
  waitS: number;
}

/** Riders leave; `rideS` = drop-off time − pickup time (in-vehicle time, pickup dwell included). */
export interface DroppedOff {
  kind: 'DroppedOff';
  timeS: number;
  request: number;
  vehicle: number;
  riders: number;
  rideS: number;
}

/** Why a request was cancelled. */
export type CancelReason = 'max_wait' | 'rider';

/** A request not picked up within the maximum wait gives up; `vehicle` is the one it was assigned to, or -1. */
export interface RequestCancelled {
  kind: 'RequestCancelled';
  timeS: number;
  request: number;
  vehicle: number;
  reason: CancelReason;
}

/** The dispatcher declined a request. */
export interface RequestRejected {
  kind: 'RequestRejected';
  timeS: number;
  request: number;
  reason: string;
}

/** An empty vehicle is sent to a node to wait there (repositioning). */
export interface VehicleRebalanced {
  kind: 'VehicleRebalanced';
  timeS: number;
  vehicle: number;
  fromNode: number;
  toNode: number;
}

/** A vehicle has no plan left and waits at `node`. */
export interface VehicleIdle {
  kind: 'VehicleIdle';
  timeS: number;
  vehicle: number;
  node: number;
}

/** A charging site is open for the run (emitted once per site at the start, after the vehicles are placed). */
export interface ChargingSiteOpened {
  kind: 'ChargingSiteOpened';
  timeS: number;
  site: number;
  node: number;
  plugs: number;
  powerKw: number;
}

/** An empty vehicle is sent to charge at `site` up to `targetSocKwh`; `socKwh` is what it holds now. */
export interface VehicleSentToCharge {
  kind: 'VehicleSentToCharge';
  timeS: number;
  vehicle: number;
  site: number;
  socKwh: number;
  targetSocKwh: number;
}

/** A vehicle plugs in at `site` after waiting `waitedS` there for a free plug. */
export interface ChargingStarted {
  kind: 'ChargingStarted';
  timeS: number;
  vehicle: number;
  site: number;
  socKwh: number;
  waitedS: number;
}

/** A vehicle unplugs, charged by `energyKwh` in `chargedS` to `socKwh`; it is idle at the site from now on. */
export interface ChargingEnded {
  kind: 'ChargingEnded';
  timeS: number;
  vehicle: number;
  site: number;
  socKwh: number;
  energyKwh: number;
  chargedS: number;
  waitedS: number;
}

/** A service centre is open for the run (emitted once per centre at the start, after the charging sites). */
export interface ServiceCentreOpened {
  kind: 'ServiceCentreOpened';
  timeS: number;
  centre: number;
  node: number;
  bays: number;
}

/** A rider reported a mess on leaving the car (drawn per trip, seeded): the car is due for cleaning. */
export interface MessReported {
  kind: 'MessReported';
  timeS: number;
  vehicle: number;
  request: number;
}

/** An empty vehicle is sent to service centre `centre` for `task` (cleaning or maintenance). */
export interface VehicleSentToService {
  kind: 'VehicleSentToService';
  timeS: number;
  vehicle: number;
  centre: number;
  task: 'cleaning' | 'maintenance';
}

/** A vehicle enters a bay at `centre` after waiting `waitedS` there for a free one. */
export interface ServiceStarted {
  kind: 'ServiceStarted';
  timeS: number;
  vehicle: number;
  centre: number;
  task: 'cleaning' | 'maintenance';
  waitedS: number;
}

/** A vehicle leaves its bay after `servicedS`; it is idle at the centre from now on. */
export interface ServiceEnded {
  kind: 'ServiceEnded';
  timeS: number;
  vehicle: number;
  centre: number;
  task: 'cleaning' | 'maintenance';
  servicedS: number;
  waitedS: number;
}

/** The run has a pool of `operators` remote operators (emitted once at the start, when assistance is modelled). */
export interface AssistanceOpened {
  kind: 'AssistanceOpened';
  timeS: number;
  operators: number;
}

/** A vehicle stops at `node` and asks for remote help; `onboard` riders wait with it. */
export interface AssistRequested {
  kind: 'AssistRequested';
  timeS: number;
  vehicle: number;
  node: number;
  onboard: number;
}

/** A remote operator takes the vehicle's request after it waited `waitedS` in the queue. */
export interface AssistStarted {
  kind: 'AssistStarted';
  timeS: number;
  vehicle: number;
  waitedS: number;
}

/** The operator is done: the vehicle carries on. It stood `waitedS + heldS` with `onboard` riders on board. */
export interface AssistEnded {
  kind: 'AssistEnded';
  timeS: number;
  vehicle: number;
  waitedS: number;
  heldS: number;
  onboard: number;
}

/**
 * A vehicle is taken out of service (`fault`: it reported a fault; else an operator or silent telemetry, `reason`).
 * Its not-yet-picked-up requests were unassigned just before; a drive to charge or to service it was on is dropped
 * (`abandoned`). It stops at the next node of its path (or at once if standing), or, when held by a plug, a bay or an
 * assist, when that hold ends; its riders are then rescued (RescueNeeded).
 */
export interface VehicleOutOfService {
  kind: 'VehicleOutOfService';
  timeS: number;
  vehicle: number;
  reason: string;
  fault: boolean;
  abandoned: 'charge' | 'service' | 'none';
}

/** A vehicle out of service has stopped at `node` and stays there until it is put back into service. */
export interface VehicleStopped {
  kind: 'VehicleStopped';
  timeS: number;
  vehicle: number;
  node: number;
}

/** A vehicle out of service is back in service, idle at `node`. */
export interface VehicleInService {
  kind: 'VehicleInService';
  timeS: number;
  vehicle: number;
  node: number;
}

/**
 * Riders of `request` were on board a vehicle that stopped out of service at `node`: that request ends here (rescued)
 * and a new request `rescue` (same riders and drop-off, pickup at `node`, submitted now) carries them on.
 */
export interface RescueNeeded {
  kind: 'RescueNeeded';
  timeS: number;
  vehicle: number;
  request: number;
  rescue: number;
  node: number;
  riders: number;
}

/**
 * A request carried over from an earlier run with its riders already on board `vehicle` (a restarted live service:
 * they were picked up at `pickedUpS`, before the restart, and are not picked up again). It enters this run here, on
 * board; its drop-off follows as for any rider. `requestS` is when it was first requested.
 */
export interface RequestResumed {
  kind: 'RequestResumed';
  timeS: number;
  request: number;
  id: string;
  vehicle: number;
  pickupNode: number;
  dropoffNode: number;
  riders: number;
  acceptsSharing: boolean;
  requestS: number;
  pickedUpS: number;
}

/** A dispatcher command failed validation and was ignored (only when the engine records instead of throwing). */
export interface CommandInvalid {
  kind: 'CommandInvalid';
  timeS: number;
  command: string;
  reason: string;
}

/**
 * An operator paused new ride requests whose pickup lies in `polygons` (GeoJSON rings, [lon, lat]; none: everywhere)
 * under the name `area`. The live service refuses them before they reach the engine (decision 0021); live runs only.
 */
export interface RequestsPaused {
  kind: 'RequestsPaused';
  timeS: number;
  area: string;
  polygons: PolygonRings[];
  by: string;
  reason: string;
  /** A restarted service put back a pause still in force when it stopped (decision 0025); `by` paused it then. */
  restored?: true;
}

/** An operator lifted the pause of `area`. */
export interface RequestsResumed {
  kind: 'RequestsResumed';
  timeS: number;
  area: string;
  by: string;
}

/**
 * An operator changed the service area live: from now on requests with an end outside `polygons` are refused
 * (`outside_service_area`) and no car is sent outside; none: the whole network again. Routing is not re-cut
 * (decision 0021); `nodesInside` counts the road nodes inside.
 */
export interface ServiceAreaChanged {
  kind: 'ServiceAreaChanged';
  timeS: number;
  polygons: PolygonRings[];
  nodesInside: number;
  by: string;
  /** A restarted service put back the area in force when it stopped (decision 0025); `by` set it then. */
  restored?: true;
}

/**
 * An operator sent a vehicle to charging site `site` (-1: to road node `node`); the command's own event follows
 * (VehicleSentToCharge, or VehicleRebalanced for a node).
 */
export interface VehicleSentByOperator {
  kind: 'VehicleSentByOperator';
  timeS: number;
  vehicle: number;
  site: number;
  node: number;
  by: string;
  reason: string;
}

/**
 * An operator changed the running dispatcher's parameters (decision 0025): `parameters` holds every one after the
 * change (the preset's own and the max wait), `changed` the names given; the dispatcher reads them from its next
 * decision. Live runs only.
 */
export interface DispatcherParametersChanged {
  kind: 'DispatcherParametersChanged';
  timeS: number;
  /** The running dispatcher's name (the preset, e.g. pooled+rebalance). */
  dispatcher: string;
  parameters: DispatcherParameters;
  changed: string[];
  by: string;
  /** A restarted service put back parameters an operator had set before it stopped; `by` set them then. */
  restored?: true;
}

/** The events an operator's action adds to a live run (the engine stamps the time: `Engine.recordOperatorAction`). */
export type OperatorActionEvent = RequestsPaused | RequestsResumed | ServiceAreaChanged | VehicleSentByOperator | DispatcherParametersChanged;

/**
 * Why `vehicle` was just given its plan (only in runs with explaining on, decision 0022): the dispatcher's reason about
 * one request of it — how it chose (`why`), the predicted pickup `pickupEtaS` seconds from now, and up to three cars it
 * weighed for the same request, best first (`costS`/`took` as in DispatchReason). Follows the RequestAssigned events
 * of the same assignment; KPIs and the replay fold ignore it.
 */
export interface PlanExplained {
  kind: 'PlanExplained';
  timeS: number;
  vehicle: number;
  request: number;
  why: ReasonKind;
  pickupEtaS: number;
  alternatives: ReasonAlternative[];
  costS?: number;
  sharedWith?: number;
}

/** The PlanExplained event of an assign command's reason. */
export function planExplained(timeS: number, vehicle: number, r: DispatchReason): PlanExplained {
  return {
    kind: 'PlanExplained',
    timeS,
    vehicle,
    request: r.request,
    why: r.kind,
    pickupEtaS: r.pickupEtaS,
    alternatives: r.alternatives,
    ...(r.costS === undefined ? {} : { costS: r.costS }),
    ...(r.sharedWith === undefined ? {} : { sharedWith: r.sharedWith }),
  };
}

/** Everything that can happen in a run. */
export type SimEvent =
  | VehiclePlaced
  | RequestSubmitted
  | RequestAssigned
  | RequestUnassigned
  | VehicleDeparted
  | VehicleArrived
  | PickedUp
  | DroppedOff
  | RequestCancelled
  | RequestRejected
  | VehicleRebalanced
  | VehicleIdle
  | ChargingSiteOpened
  | VehicleSentToCharge
  | ChargingStarted
  | ChargingEnded
  | ServiceCentreOpened
  | MessReported
  | VehicleSentToService
  | ServiceStarted
  | ServiceEnded
  | AssistanceOpened
  | AssistRequested
  | AssistStarted
  | AssistEnded
  | VehicleOutOfService
  | VehicleStopped
  | VehicleInService
  | RescueNeeded
  | RequestResumed
  | CommandInvalid
  | OperatorActionEvent
  | PlanExplained;

export type SimEventKind = SimEvent['kind'];

/** Rounds a metre/kWh figure so that the NDJSON text is stable and compact (mm / Wh resolution). */
function fixed(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * One event as one JSON line (no trailing newline), keys always in the same order whatever order the object was
 * built in, so that a run's NDJSON log is byte-identical across runs.
 *
 * @example eventToJson({ kind: 'VehicleIdle', timeS: 5, vehicle: 0, node: 3 }) // '{"kind":"VehicleIdle","timeS":5,"vehicle":0,"node":3}'
 */
export function eventToJson(ev: SimEvent): string {
  switch (ev.kind) {
    case 'VehiclePlaced':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, node: ev.node, seats: ev.seats });
    case 'RequestSubmitted':
      return JSON.stringify({
        kind: ev.kind,
        timeS: ev.timeS,
        request: ev.request,
        id: ev.id,
        pickupNode: ev.pickupNode,
        dropoffNode: ev.dropoffNode,
        riders: ev.riders,
        acceptsSharing: ev.acceptsSharing,
      });
    case 'RequestAssigned':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, request: ev.request, vehicle: ev.vehicle, previousVehicle: ev.previousVehicle });
    case 'RequestUnassigned':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, request: ev.request, previousVehicle: ev.previousVehicle });
    case 'VehicleDeparted':
      return JSON.stringify({
        kind: ev.kind,
        timeS: ev.timeS,
        vehicle: ev.vehicle,
        fromNode: ev.fromNode,
        toNode: ev.toNode,
        arriveS: ev.arriveS,
        onboard: ev.onboard,
        purpose: ev.purpose,
      });
    case 'VehicleArrived':
      return JSON.stringify({
        kind: ev.kind,
        timeS: ev.timeS,
        vehicle: ev.vehicle,
        node: ev.node,
        distanceM: fixed(ev.distanceM, 3),
        energyKwh: fixed(ev.energyKwh, 6),
        onboard: ev.onboard,
        diverted: ev.diverted,
        ...(ev.socKwh === undefined ? {} : { socKwh: fixed(ev.socKwh, 6) }),
      });
    case 'PickedUp':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, request: ev.request, vehicle: ev.vehicle, riders: ev.riders, waitS: ev.waitS });
    case 'DroppedOff':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, request: ev.request, vehicle: ev.vehicle, riders: ev.riders, rideS: ev.rideS });
    case 'RequestCancelled':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, request: ev.request, vehicle: ev.vehicle, reason: ev.reason });
    case 'RequestRejected':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, request: ev.request, reason: ev.reason });
    case 'VehicleRebalanced':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, fromNode: ev.fromNode, toNode: ev.toNode });
    case 'VehicleIdle':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, node: ev.node });
    case 'ChargingSiteOpened':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, site: ev.site, node: ev.node, plugs: ev.plugs, powerKw: ev.powerKw });
    case 'VehicleSentToCharge':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, site: ev.site, socKwh: fixed(ev.socKwh, 6), targetSocKwh: fixed(ev.targetSocKwh, 6) });
    case 'ChargingStarted':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, site: ev.site, socKwh: fixed(ev.socKwh, 6), waitedS: ev.waitedS });
    case 'ChargingEnded':
      return JSON.stringify({
        kind: ev.kind,
        timeS: ev.timeS,
        vehicle: ev.vehicle,
        site: ev.site,
        socKwh: fixed(ev.socKwh, 6),
        energyKwh: fixed(ev.energyKwh, 6),
        chargedS: ev.chargedS,
        waitedS: ev.waitedS,
      });
    case 'ServiceCentreOpened':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, centre: ev.centre, node: ev.node, bays: ev.bays });
    case 'MessReported':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, request: ev.request });
    case 'VehicleSentToService':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, centre: ev.centre, task: ev.task });
    case 'ServiceStarted':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, centre: ev.centre, task: ev.task, waitedS: ev.waitedS });
    case 'ServiceEnded':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, centre: ev.centre, task: ev.task, servicedS: ev.servicedS, waitedS: ev.waitedS });
    case 'AssistanceOpened':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, operators: ev.operators });
    case 'AssistRequested':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, node: ev.node, onboard: ev.onboard });
    case 'AssistStarted':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, waitedS: ev.waitedS });
    case 'AssistEnded':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, waitedS: ev.waitedS, heldS: ev.heldS, onboard: ev.onboard });
    case 'VehicleOutOfService':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, reason: ev.reason, fault: ev.fault, abandoned: ev.abandoned });
    case 'VehicleStopped':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, node: ev.node });
    case 'VehicleInService':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, node: ev.node });
    case 'RescueNeeded':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, request: ev.request, rescue: ev.rescue, node: ev.node, riders: ev.riders });
    case 'RequestResumed':
      return JSON.stringify({
        kind: ev.kind,
        timeS: ev.timeS,
        request: ev.request,
        id: ev.id,
        vehicle: ev.vehicle,
        pickupNode: ev.pickupNode,
        dropoffNode: ev.dropoffNode,
        riders: ev.riders,
        acceptsSharing: ev.acceptsSharing,
        requestS: ev.requestS,
        pickedUpS: ev.pickedUpS,
      });
    case 'CommandInvalid':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, command: ev.command, reason: ev.reason });
    case 'RequestsPaused':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, area: ev.area, polygons: ev.polygons, by: ev.by, reason: ev.reason, ...(ev.restored ? { restored: true } : {}) });
    case 'RequestsResumed':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, area: ev.area, by: ev.by });
    case 'ServiceAreaChanged':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, polygons: ev.polygons, nodesInside: ev.nodesInside, by: ev.by, ...(ev.restored ? { restored: true } : {}) });
    case 'DispatcherParametersChanged':
      return JSON.stringify({
        kind: ev.kind,
        timeS: ev.timeS,
        dispatcher: ev.dispatcher,
        parameters: orderedParameters(ev.parameters),
        changed: ev.changed,
        by: ev.by,
        ...(ev.restored ? { restored: true } : {}),
      });
    case 'VehicleSentByOperator':
      return JSON.stringify({ kind: ev.kind, timeS: ev.timeS, vehicle: ev.vehicle, site: ev.site, node: ev.node, by: ev.by, reason: ev.reason });
    case 'PlanExplained':
      return JSON.stringify({
        kind: ev.kind,
        timeS: ev.timeS,
        vehicle: ev.vehicle,
        request: ev.request,
        why: ev.why,
        pickupEtaS: ev.pickupEtaS,
        alternatives: ev.alternatives.map((a) => ({
          vehicle: a.vehicle,
          pickupEtaS: a.pickupEtaS,
          ...(a.costS === undefined ? {} : { costS: fixed(a.costS, 1) }),
          ...(a.took === undefined ? {} : { took: a.took }),
        })),
        ...(ev.costS === undefined ? {} : { costS: fixed(ev.costS, 1) }),
        ...(ev.sharedWith === undefined ? {} : { sharedWith: ev.sharedWith }),
      });
    default: {
      const never: never = ev;
      throw new Error(`eventToJson: unknown event ${JSON.stringify(never)}`);
    }
  }
}

/** The whole log as NDJSON text (one event per line, trailing newline). */
export function eventsToNdjson(events: readonly SimEvent[]): string {
  let s = '';
  for (const ev of events) s += eventToJson(ev) + '\n';
  return s;
}
