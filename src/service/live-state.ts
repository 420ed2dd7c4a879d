// What the live service tells riders and operators, folded from the engine's events: per request its ride status,
// car and reason; per vehicle its state, riders on board and current leg; and which vehicles' plans changed since the
// last look (those plans are pushed to the cars). Reads nothing but events, so it does not depend on engine internals.
//
// Index conventions: `request` and `vehicle` are the engine's dense indices of the current run.
import type { SimEvent } from '../core/sim/events.js';
import type { RideStatus } from '../io/store/store.js';

export const VEHICLE_STATES = ['unplaced', 'idle', 'driving', 'dwelling', 'rebalancing', 'assisted'] as const;
export type VehicleState = (typeof VEHICLE_STATES)[number];

export interface RequestState {
  status: RideStatus;
  vehicle: number;
  reason: string | null;
  requestS: number;
  pickupNode: number;
  dropoffNode: number;
  /** Engine second its riders were picked up (before a restart, for a resumed ride); -1 before. */
  pickedUpS: number;
}

export interface VehicleLive {
  state: VehicleState;
  node: number;
  onboard: number;
  /** Current leg's target and planned arrival (while driving or rebalancing). */
  legToNode: number;
  legArriveS: number;
}

/** A request whose ride status (or car) changed. */
export interface RideChange {
  request: number;
  id: string;
  state: RequestState;
}

export class LiveState {
  readonly requests: RequestState[] = [];
  readonly requestIds: string[] = [];
  readonly vehicles: VehicleLive[] = [];
  private readonly planDirty = new Set<number>();
  /** Rescue request → the request whose riders it carries on (the ride id stays the rider's). */
  private readonly rescueOf = new Map<number, number>();

  /** Folds one event; returns the ride change it makes, if any. */
  apply(ev: SimEvent): RideChange | undefined {
    switch (ev.kind) {
      case 'VehiclePlaced':
        this.vehicles[ev.vehicle] = { state: 'idle', node: ev.node, onboard: 0, legToNode: ev.node, legArriveS: ev.timeS };
        return undefined;
      case 'RequestSubmitted': {
        // A rescue carries on the rider's ride: same ride id, so streams and the store follow one ride.
        const original = this.rescueOf.get(ev.request);
        this.requestIds[ev.request] = original === undefined ? ev.id : this.requestIds[original];
        this.requests[ev.request] = { status: 'accepted', vehicle: -1, reason: null, requestS: ev.timeS, pickupNode: ev.pickupNode, dropoffNode: ev.dropoffNode, pickedUpS: -1 };
        return this.changed(ev.request);
      }
      case 'RequestResumed': {
        // On board since before a restart: the same ride, in its car, not picked up again.
        this.requestIds[ev.request] = ev.id;
        this.requests[ev.request] = { status: 'onboard', vehicle: ev.vehicle, reason: null, requestS: ev.requestS, pickupNode: ev.pickupNode, dropoffNode: ev.dropoffNode, pickedUpS: ev.pickedUpS };
        this.planDirty.add(ev.vehicle);
        this.vehicle(ev.vehicle).onboard += ev.riders;
        return this.changed(ev.request);
      }
      case 'RequestAssigned':
        this.planDirty.add(ev.vehicle);
        if (ev.previousVehicle >= 0) this.planDirty.add(ev.previousVehicle);
        return this.set(ev.request, 'assigned', ev.vehicle, null);
      case 'RequestUnassigned':
        this.planDirty.add(ev.previousVehicle);
        return this.set(ev.request, 'accepted', -1, null);
      case 'PickedUp': {
        this.planDirty.add(ev.vehicle);
        this.vehicle(ev.vehicle).onboard += ev.riders;
        this.vehicle(ev.vehicle).state = 'dwelling';
        const r = this.requests[ev.request];
        if (r) r.pickedUpS = ev.timeS;
        return this.set(ev.request, 'onboard', ev.vehicle, null);
      }
      case 'DroppedOff':
        this.planDirty.add(ev.vehicle);
        this.vehicle(ev.vehicle).onboard -= ev.riders;
        this.vehicle(ev.vehicle).state = 'dwelling';
        return this.set(ev.request, 'completed', ev.vehicle, null);
      case 'RequestCancelled':
        if (ev.vehicle >= 0) this.planDirty.add(ev.vehicle);
        return this.set(ev.request, 'cancelled', ev.vehicle, ev.reason);
      case 'RequestRejected': {
        const r = this.requests[ev.request];
        if (r && r.vehicle >= 0) this.planDirty.add(r.vehicle);
        return this.set(ev.request, 'rejected', -1, ev.reason);
      }
      case 'VehicleDeparted': {
        const v = this.vehicle(ev.vehicle);
        v.state = ev.purpose === 'rebalance' ? 'rebalancing' : 'driving';
        v.node = ev.fromNode;
        v.legToNode = ev.toNode;
        v.legArriveS = ev.arriveS;
        return undefined;
      }
      case 'VehicleArrived': {
        const v = this.vehicle(ev.vehicle);
        v.node = ev.node;
        v.legToNode = ev.node;
        v.legArriveS = ev.timeS;
        return undefined;
      }
      case 'VehicleRebalanced':
        this.planDirty.add(ev.vehicle);
        return undefined;
      case 'VehicleIdle': {
        const v = this.vehicle(ev.vehicle);
        v.state = 'idle';
        v.node = ev.node;
        return undefined;
      }
      case 'VehicleOutOfService':
        this.planDirty.add(ev.vehicle);
        return undefined;
      case 'AssistRequested': {
        // Held where it stands for remote assistance, riders on board; its departure or idling afterwards says what next.
        const v = this.vehicle(ev.vehicle);
        v.state = 'assisted';
        v.node = ev.node;
        v.legToNode = ev.node;
        v.legArriveS = ev.timeS;
        return undefined;
      }
      case 'RescueNeeded': {
        // The car stopped out of service with these riders on board: waiting again, for the rescue car.
        this.planDirty.add(ev.vehicle);
        this.vehicle(ev.vehicle).onboard -= ev.riders;
        this.rescueOf.set(ev.rescue, ev.request);
        return this.set(ev.request, 'accepted', -1, 'rescue: the car is out of service');
      }
      case 'CommandInvalid':
      case 'PlanExplained': // why a plan was given (decision 0022): changes nothing here
        return undefined;
      default: {
        // Events this service does not show yet (the union grows with the engine) change no ride.
        return undefined;
      }
    }
  }

  /** Vehicles whose plan changed since the last call (then forgotten). */
  takeDirtyPlans(): number[] {
    const out = [...this.planDirty];
    this.planDirty.clear();
    return out;
  }

  private vehicle(v: number): VehicleLive {
    return (this.vehicles[v] ??= { state: 'unplaced', node: 0, onboard: 0, legToNode: 0, legArriveS: 0 });
  }

  private set(request: number, status: RideStatus, vehicle: number, reason: string | null): RideChange | undefined {
    const r = this.requests[request];
    if (!r) return undefined;
    r.status = status;
    r.vehicle = vehicle;
    r.reason = reason;
    return this.changed(request);
  }

  private changed(request: number): RideChange {
    // A copy: the fold keeps changing the request's state after this change is reported.
    return { request, id: this.requestIds[request], state: { ...this.requests[request] } };
  }
}
