// A rider's story at a moment of a replay, rebuilt from the events naming its request: when it was requested, which
// car it was assigned to (and reassigned to), its pickup, drop-off or cancellation, how long it has waited, and the
// dispatcher's reason for the car it holds (decision 0022: the PlanExplained about the request, when the log has them).
import type { PlanExplained, SimEvent } from '../sim/events.js';

/** Where a request stands. */
export type RiderStatus = 'not requested yet' | 'waiting' | 'assigned' | 'on board' | 'dropped off' | 'cancelled' | 'rejected' | 'rescue needed';

/** One line of a rider's history. */
export type RiderStep =
  | { timeS: number; what: 'requested'; riders: number }
  | { timeS: number; what: 'assigned'; vehicle: number }
  | { timeS: number; what: 'reassigned'; vehicle: number; previousVehicle: number }
  | { timeS: number; what: 'unassigned'; previousVehicle: number }
  | { timeS: number; what: 'picked up'; vehicle: number; waitS: number }
  | { timeS: number; what: 'dropped off'; vehicle: number; rideS: number }
  | { timeS: number; what: 'cancelled'; vehicle: number; reason: string }
  | { timeS: number; what: 'rejected'; reason: string }
  | { timeS: number; what: 'resumed on board'; vehicle: number }
  | { timeS: number; what: 'rescue needed'; vehicle: number };

export interface RiderHistory {
  request: number;
  /** The request's id in the source (RequestSubmitted.id), when the events hold its submission. */
  id?: string;
  riders: number;
  /** When it was requested (-1: not in the events given). */
  requestedS: number;
  status: RiderStatus;
  /** The car it is (or was last) assigned to, -1 for none. */
  vehicle: number;
  /** Since when that car holds it (-1: none). */
  assignedS: number;
  /** Waited so far (still waiting), or in all (picked up, cancelled); 0 before it was requested. */
  waitS: number;
  /** When the dispatcher expected the pickup (its reason's time + predicted pickup ETA), while it waits for that car. */
  expectedPickupS?: number;
  /** The dispatcher's latest reason for giving the request to `vehicle` (up to now). */
  reason?: PlanExplained;
  /** Whether the events hold any reason at all (to tell "not recorded" from "none for this car"). */
  reasonsLogged: boolean;
  /** Oldest first. */
  steps: RiderStep[];
}

/**
 * The history of `request` at `nowS` from the events naming it (any order-preserving subset of the log holding every
 * event whose `request` is this one); events after `nowS` are ignored.
 *
 * @example riderHistoryAt(42, eventsOfRequest42, 8 * 3600).status // 'assigned'
 */
export function riderHistoryAt(request: number, events: readonly SimEvent[], nowS: number): RiderHistory {
  const h: RiderHistory = { request, riders: 0, requestedS: -1, status: 'not requested yet', vehicle: -1, assignedS: -1, waitS: 0, reasonsLogged: false, steps: [] };
  let endWaitS = -1;
  for (const ev of events) {
    if (ev.kind === 'PlanExplained' && ev.request === request) h.reasonsLogged = true;
    if (ev.timeS > nowS) continue;
    switch (ev.kind) {
      case 'RequestSubmitted':
        if (ev.request !== request) break;
        h.id = ev.id;
        h.riders = ev.riders;
        h.requestedS = ev.timeS;
        h.status = 'waiting';
        h.steps.push({ timeS: ev.timeS, what: 'requested', riders: ev.riders });
        break;
      case 'RequestAssigned':
        if (ev.request !== request) break;
        h.steps.push(
          ev.previousVehicle >= 0 && ev.previousVehicle !== ev.vehicle
            ? { timeS: ev.timeS, what: 'reassigned', vehicle: ev.vehicle, previousVehicle: ev.previousVehicle }
            : { timeS: ev.timeS, what: 'assigned', vehicle: ev.vehicle },
        );
        if (h.vehicle !== ev.vehicle || h.status !== 'assigned') h.assignedS = ev.timeS;
        h.vehicle = ev.vehicle;
        h.status = 'assigned';
        break;
      case 'RequestUnassigned':
        if (ev.request !== request) break;
        h.steps.push({ timeS: ev.timeS, what: 'unassigned', previousVehicle: ev.previousVehicle });
        h.vehicle = -1;
        h.assignedS = -1;
        h.status = 'waiting';
        break;
      case 'PickedUp':
        if (ev.request !== request) break;
        h.steps.push({ timeS: ev.timeS, what: 'picked up', vehicle: ev.vehicle, waitS: ev.waitS });
        h.vehicle = ev.vehicle;
        h.status = 'on board';
        endWaitS = ev.timeS;
        h.waitS = ev.waitS;
        break;
      case 'DroppedOff':
        if (ev.request !== request) break;
        h.steps.push({ timeS: ev.timeS, what: 'dropped off', vehicle: ev.vehicle, rideS: ev.rideS });
        h.status = 'dropped off';
        break;
      case 'RequestCancelled':
        if (ev.request !== request) break;
        h.steps.push({ timeS: ev.timeS, what: 'cancelled', vehicle: ev.vehicle, reason: ev.reason });
        h.status = 'cancelled';
        endWaitS = ev.timeS;
        break;
      case 'RequestRejected':
        if (ev.request !== request) break;
        h.steps.push({ timeS: ev.timeS, what: 'rejected', reason: ev.reason });
        h.status = 'rejected';
        endWaitS = ev.timeS;
        break;
      case 'RequestResumed':
        if (ev.request !== request) break;
        h.id = ev.id;
        h.riders = ev.riders;
        h.requestedS = ev.requestS;
        h.vehicle = ev.vehicle;
        h.status = 'on board';
        h.waitS = ev.pickedUpS - ev.requestS;
        endWaitS = ev.pickedUpS;
        h.steps.push({ timeS: ev.timeS, what: 'resumed on board', vehicle: ev.vehicle });
        break;
      case 'RescueNeeded':
        if (ev.request !== request) break;
        h.steps.push({ timeS: ev.timeS, what: 'rescue needed', vehicle: ev.vehicle });
        h.status = 'rescue needed';
        break;
      case 'PlanExplained':
        // The latest reason for the car that holds the request is picked below, once the car is known.
        break;
      default:
        break;
    }
  }
  if (h.requestedS >= 0 && endWaitS < 0) h.waitS = nowS - h.requestedS;
  else if (h.requestedS >= 0 && h.status !== 'on board' && h.status !== 'dropped off') h.waitS = endWaitS - h.requestedS;
  if (h.vehicle >= 0) {
    for (let i = events.length - 1; i >= 0; i--) {
      const ev = events[i];
      if (ev.kind !== 'PlanExplained' || ev.timeS > nowS || ev.request !== request || ev.vehicle !== h.vehicle) continue;
      h.reason = ev;
      break;
    }
  }
  if (h.status === 'assigned' && h.reason) h.expectedPickupS = h.reason.timeS + h.reason.pickupEtaS;
  return h;
}
