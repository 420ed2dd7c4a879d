// A vehicle's plan at a moment of a replay, rebuilt from its own events: the requests assigned to it and not yet
// dropped off, which of them ride with it, and the leg it is driving. The log records assignments, not the order of
// the stops the dispatcher chose, so stops are listed pickups first in assignment order, then drop-offs.
import type { LegPurpose, SimEvent } from '../sim/events.js';

export interface PlanStop {
  request: number;
  kind: 'pickup' | 'dropoff';
  node: number;
  /** True for the stop the current leg drives to. */
  next: boolean;
}

export interface VehiclePlan {
  vehicle: number;
  /** Riders on board. */
  onboard: number;
  /** The leg being driven, if any. */
  leg?: { fromNode: number; toNode: number; departS: number; arriveS: number; purpose: LegPurpose };
  stops: PlanStop[];
}

/** Pickup and drop-off node of a request. */
export interface RequestNodes {
  pickupNode(request: number): number;
  dropoffNode(request: number): number;
}

/**
 * The plan of `vehicle` at `nowS` from the events that concern it (any order-preserving subset of the log that holds
 * every event naming the vehicle, as `vehicle` or `previousVehicle`); events after `nowS` are ignored.
 *
 * @example vehiclePlanAt(7, eventsOfVehicle7, { pickupNode: (r) => …, dropoffNode: (r) => … }, 8 * 3600).stops
 */
export function vehiclePlanAt(vehicle: number, events: readonly SimEvent[], requests: RequestNodes, nowS: number): VehiclePlan {
  // Request → picked up yet, in assignment order (a Map keeps insertion order).
  const assigned = new Map<number, boolean>();
  let onboard = 0;
  let leg: VehiclePlan['leg'];
  for (const ev of events) {
    if (ev.timeS > nowS) break;
    switch (ev.kind) {
      case 'RequestAssigned':
        if (ev.vehicle === vehicle) assigned.set(ev.request, false);
        else if (ev.previousVehicle === vehicle) assigned.delete(ev.request);
        break;
      case 'RequestUnassigned':
        if (ev.previousVehicle === vehicle) assigned.delete(ev.request);
        break;
      case 'PickedUp':
      case 'RequestResumed': // on board since an earlier run
        if (ev.vehicle !== vehicle) break;
        assigned.set(ev.request, true);
        onboard += ev.riders;
        break;
      case 'DroppedOff':
        if (ev.vehicle !== vehicle) break;
        assigned.delete(ev.request);
        onboard -= ev.riders;
        break;
      case 'RequestCancelled':
        if (ev.vehicle === vehicle) assigned.delete(ev.request);
        break;
      case 'RescueNeeded':
        if (ev.vehicle !== vehicle) break;
        assigned.delete(ev.request);
        onboard -= ev.riders;
        break;
      case 'VehicleDeparted':
        if (ev.vehicle === vehicle) leg = { fromNode: ev.fromNode, toNode: ev.toNode, departS: ev.timeS, arriveS: ev.arriveS, purpose: ev.purpose };
        break;
      case 'VehicleArrived':
        if (ev.vehicle === vehicle) leg = undefined;
        break;
      case 'VehiclePlaced':
      case 'RequestSubmitted':
      case 'RequestRejected':
      case 'VehicleRebalanced':
      case 'VehicleIdle':
      case 'ChargingSiteOpened':
      case 'VehicleSentToCharge':
      case 'ChargingStarted':
      case 'ChargingEnded':
      case 'ServiceCentreOpened':
      case 'MessReported':
      case 'VehicleSentToService':
      case 'ServiceStarted':
      case 'ServiceEnded':
      case 'AssistanceOpened':
      case 'AssistRequested':
      case 'AssistStarted':
      case 'AssistEnded':
      case 'VehicleOutOfService':
      case 'VehicleStopped':
      case 'VehicleInService':
      case 'CommandInvalid':
      case 'RequestsPaused':
      case 'RequestsResumed':
      case 'ServiceAreaChanged':
      case 'DispatcherParametersChanged':
      case 'VehicleSentByOperator':
      case 'PlanExplained': // why a plan was given (decision 0022): changes nothing here
        break;
      default: {
        const never: never = ev;
        throw new Error(`vehiclePlanAt: unknown event ${JSON.stringify(never)}`);
      }
    }
  }
  const pickups: PlanStop[] = [];
  const dropoffs: PlanStop[] = [];
  for (const [request, pickedUp] of assigned) {
    if (!pickedUp) pickups.push({ request, kind: 'pickup', node: requests.pickupNode(request), next: false });
    dropoffs.push({ request, kind: 'dropoff', node: requests.dropoffNode(request), next: false });
  }
  const stops = [...pickups, ...dropoffs];
  // The leg ends at one stop's node (a diverted leg may end elsewhere first); mark the first stop there as next.
  const next = leg?.purpose === 'stop' ? stops.find((s) => s.node === leg!.toNode) : undefined;
  if (next) next.next = true;
  return { vehicle, onboard, ...(leg ? { leg } : {}), stops };
}
