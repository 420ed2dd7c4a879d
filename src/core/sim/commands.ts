// Command validation: whether a dispatcher's (or an operator's) command may be applied to the current fleet and request
// state, and if not, why, in words. Pure: reads state, never changes it, so the live service can call it before it
// acknowledges an operator action, and the engine calls it before applying any command. With charging sites, the
// energy invariant is part of it: a car never starts a plan it cannot finish and still reach a charger with its reserve.
import {
  RequestStatus,
  VehicleStatus,
  takesWork,
  type AssignCommand,
  type ChargeCommand,
  type Command,
  type RebalanceCommand,
  type RejectCommand,
  type ServiceCommand,
  type ServicingView,
} from '../dispatch/types.js';
import { energyShortfall, type EnergyModel, type EnergyStart } from './energy.js';
import type { RequestBook } from './request-book.js';
import { codeIsDropoff, codeRequest, type FleetState } from './vehicle-state.js';

/** What validation reads. */
export interface CommandState {
  readonly fleet: FleetState;
  readonly book: RequestBook;
  readonly seats: number;
  readonly nodeCount: number;
  /** Present when the run enforces energy (it has charging sites). */
  readonly energy?: EnergyCheckState;
  /** Present when the run has service centres. */
  readonly servicing?: ServicingView;
}

/** What the energy invariant reads besides fleet and requests. */
export interface EnergyCheckState {
  readonly model: EnergyModel;
  /** Where vehicle v starts towards a new first target (-1: it stops) and the metres it drives first (Movement.commitment). */
  commitment(v: number, target: number): EnergyStart;
}

/** Why the car cannot take a plan or target now because of what it is doing, or null. */
function busyReason(fleet: FleetState, v: number): string | null {
  const st = fleet.status[v];
  if (takesWork(st) && fleet.chargeSite[v] < 0) return null;
  if (st === VehicleStatus.servicing) return `vehicle ${v} is servicing (cleaning or maintenance) and takes no work until it frees up`;
  if (st === VehicleStatus.assisted) return `vehicle ${v} is held for remote assistance and takes no work until it is released`;
  if (st === VehicleStatus.outOfService) return `vehicle ${v} is out of service`;
  return `vehicle ${v} is charging and takes no work until it frees up`;
}

/** Name of a RequestStatus value, for messages. */
export function requestStatusName(st: number): string {
  const entry = Object.entries(RequestStatus).find(([, value]) => value === st);
  return entry ? entry[0] : String(st);
}

/**
 * Validates commands with reusable scratch marks (stamped, never cleared). After `check` accepts an assign command,
 * `pickedUpByLast(r)` tells whether r is picked up in its stop list.
 */
export class CommandChecker {
  private markPickup = new Int32Array(0);
  private markDropoff = new Int32Array(0);
  private stamp = 0;

  /** Why `c` cannot be applied now, or null if it can. */
  check(s: CommandState, c: Command): string | null {
    switch (c.kind) {
      case 'assign':
        return this.checkAssign(s, c);
      case 'rebalance':
        return checkRebalance(s, c);
      case 'reject':
        return checkReject(s, c);
      case 'charge':
        return checkCharge(s, c);
      case 'service':
        return checkService(s, c);
      default: {
        const never: never = c;
        return `unknown command kind in ${JSON.stringify(never)}`;
      }
    }
  }

  /** Whether request r is picked up in the stop list of the last assign command checked. */
  pickedUpByLast(r: number): boolean {
    return this.markPickup[r] === this.stamp;
  }

  private checkAssign(s: CommandState, c: AssignCommand): string | null {
    const { fleet, book } = s;
    const v = c.vehicle;
    if (!fleet.has(v)) return `vehicle ${v} does not exist (fleet of ${fleet.size})`;
    const busy = busyReason(fleet, v);
    if (busy) return busy;
    if (this.markPickup.length < book.capacity) {
      this.markPickup = new Int32Array(book.capacity);
      this.markDropoff = new Int32Array(book.capacity);
    }
    const stamp = ++this.stamp;
    const m = book.count;
    for (let i = 0; i < c.stops.length; i++) {
      const stop = c.stops[i];
      const r = stop.request;
      if (!Number.isInteger(r) || r < 0 || r >= m) return `stops[${i}]: request ${r} does not exist`;
      const st = book.status[r];
      if (st === RequestStatus.future) return `stops[${i}]: request ${r} is not submitted yet`;
      if (st === RequestStatus.droppedOff) return `stops[${i}]: request ${r} was already served`;
      if (st === RequestStatus.cancelled) return `stops[${i}]: request ${r} was cancelled`;
      if (st === RequestStatus.rejected) return `stops[${i}]: request ${r} was rejected`;
      if (st === RequestStatus.rescued) return `stops[${i}]: request ${r} ended on a car out of service (its rescue is a new request)`;
      if (stop.action === 'pickup') {
        if (st === RequestStatus.onboard) return `stops[${i}]: request ${r} is already on board vehicle ${book.vehicle[r]}`;
        if (this.markPickup[r] === stamp) return `stops[${i}]: request ${r} is picked up twice`;
        this.markPickup[r] = stamp;
      } else if (stop.action === 'dropoff') {
        if (st === RequestStatus.onboard && book.vehicle[r] !== v) return `stops[${i}]: request ${r} is on board vehicle ${book.vehicle[r]}, not ${v}`;
        if (st !== RequestStatus.onboard && this.markPickup[r] !== stamp) return `stops[${i}]: request ${r} is dropped off before its pickup`;
        if (this.markDropoff[r] === stamp) return `stops[${i}]: request ${r} is dropped off twice`;
        this.markDropoff[r] = stamp;
      } else {
        return `stops[${i}]: unknown action ${String((stop as { action: unknown }).action)}`;
      }
    }
    for (const stop of c.stops) {
      if (stop.action === 'pickup' && this.markDropoff[stop.request] !== stamp) return `request ${stop.request} is picked up but never dropped off`;
    }
    const plan = fleet.plans[v];
    for (const code of plan) {
      const r = codeRequest(code);
      if (book.status[r] === RequestStatus.onboard && this.markDropoff[r] !== stamp) return `request ${r} is on board and must keep its drop-off`;
    }
    // Capacity and sharing along the stop list.
    let load = fleet.load[v];
    let aboard = 0;
    let soloAboard = 0;
    for (const code of plan) {
      const r = codeRequest(code);
      if (codeIsDropoff(code) && book.status[r] === RequestStatus.onboard) {
        aboard++;
        if (!book.acceptsSharing[r]) soloAboard++;
      }
    }
    for (let i = 0; i < c.stops.length; i++) {
      const r = c.stops[i].request;
      const riders = book.riders[r];
      if (c.stops[i].action === 'pickup') {
        load += riders;
        aboard++;
        if (!book.acceptsSharing[r]) soloAboard++;
        if (load > s.seats) return `stops[${i}]: ${load} riders on board exceed ${s.seats} seats`;
        if (soloAboard > 0 && aboard > 1) return `stops[${i}]: a rider who does not accept sharing would share the vehicle`;
      } else {
        load -= riders;
        aboard--;
        if (!book.acceptsSharing[r]) soloAboard--;
      }
    }
    return s.energy ? assignEnergy(s, s.energy, c) : null;
  }
}

/** The energy invariant for a stop list: through every stop, then to the nearest charger, keeping the reserve. */
function assignEnergy(s: CommandState, e: EnergyCheckState, c: AssignCommand): string | null {
  const { fleet, book } = s;
  const v = c.vehicle;
  const nodes = new Array<number>(c.stops.length);
  for (let i = 0; i < c.stops.length; i++) {
    const r = c.stops[i].request;
    nodes[i] = c.stops[i].action === 'dropoff' ? book.dropoffNode[r] : book.pickupNode[r];
  }
  // An empty list keeps a rebalancing target (see the engine's applyAssign); otherwise the car stops where it can.
  const target = nodes.length > 0 ? nodes[0] : fleet.rebalanceTarget[v];
  if (nodes.length === 0 && target >= 0) nodes.push(target);
  const why = energyShortfall(e.model, fleet.socKwh[v], e.commitment(v, target), nodes, true);
  return why && `vehicle ${v} ${why}`;
}

function checkRebalance(s: CommandState, c: RebalanceCommand): string | null {
  const v = c.vehicle;
  if (!s.fleet.has(v)) return `vehicle ${v} does not exist (fleet of ${s.fleet.size})`;
  if (!Number.isInteger(c.node) || c.node < 0 || c.node >= s.nodeCount) return `node ${c.node} does not exist`;
  const stops = s.fleet.plans[v].length;
  if (stops > 0) return `vehicle ${v} has a plan of ${stops} stops; only a vehicle without stops can rebalance`;
  const busy = busyReason(s.fleet, v);
  if (busy) return busy;
  return energyViolation(s, c);
}

function checkCharge(s: CommandState, c: ChargeCommand): string | null {
  const v = c.vehicle;
  if (!s.fleet.has(v)) return `vehicle ${v} does not exist (fleet of ${s.fleet.size})`;
  if (!s.energy) return 'this run has no charging sites';
  const { model } = s.energy;
  if (!Number.isInteger(c.site) || c.site < 0 || c.site >= model.sites.length) return `charging site ${c.site} does not exist (${model.sites.length} sites)`;
  const battery = model.spec.batteryKwh;
  if (!(c.targetSocKwh > 0 && c.targetSocKwh <= battery)) return `targetSocKwh ${c.targetSocKwh} must be in (0, ${battery}] kWh`;
  const stops = s.fleet.plans[v].length;
  if (stops > 0) return `vehicle ${v} has a plan of ${stops} stops; only a vehicle without stops can go to charge`;
  const busy = busyReason(s.fleet, v);
  if (busy) return busy;
  // The drive to a charger may use the reserve: that is what the reserve is kept for.
  const node = model.sites[c.site].node;
  const why = energyShortfall(model, s.fleet.socKwh[v], s.energy.commitment(v, node), [node], false);
  return why && `vehicle ${v} ${why}`;
}

function checkService(s: CommandState, c: ServiceCommand): string | null {
  const v = c.vehicle;
  if (!s.fleet.has(v)) return `vehicle ${v} does not exist (fleet of ${s.fleet.size})`;
  if (!s.servicing) return 'this run has no service centres';
  const centres = s.servicing.centres;
  if (!Number.isInteger(c.centre) || c.centre < 0 || c.centre >= centres.length) return `service centre ${c.centre} does not exist (${centres.length} centres)`;
  if (c.task !== 'cleaning' && c.task !== 'maintenance') return `task ${JSON.stringify(c.task)} must be cleaning or maintenance`;
  const stops = s.fleet.plans[v].length;
  if (stops > 0) return `vehicle ${v} has a plan of ${stops} stops; only a vehicle without stops can go to service`;
  const busy = busyReason(s.fleet, v);
  if (busy) return busy;
  return serviceEnergy(s, c);
}

/** With energy: the car reaches the centre and, after it, still the nearest charger with its reserve. */
function serviceEnergy(s: CommandState, c: ServiceCommand): string | null {
  if (!s.energy || !s.servicing) return null;
  const node = s.servicing.centres[c.centre].node;
  const why = energyShortfall(s.energy.model, s.fleet.socKwh[c.vehicle], s.energy.commitment(c.vehicle, node), [node], true);
  return why && `vehicle ${c.vehicle} ${why}`;
}

function checkReject(s: CommandState, c: RejectCommand): string | null {
  const r = c.request;
  if (!Number.isInteger(r) || r < 0 || r >= s.book.count) return `request ${r} does not exist`;
  if (!s.book.isWaiting(r)) return `request ${r} cannot be rejected in state ${requestStatusName(s.book.status[r])}`;
  return null;
}

/**
 * Why `command` cannot be applied to the state now, or null if it can: the engine's own validation, for callers
 * outside the engine (e.g. the live service before acknowledging an operator action).
 *
 * @example
 * const why = validateCommand(engine.commandState(), { kind: 'rebalance', vehicle: 3, node: 120 });
 * if (why) reply(409, why);
 */
export function validateCommand(state: CommandState, command: Command): string | null {
  return new CommandChecker().check(state, command);
}

/**
 * Why `command` would break the energy invariant now, or null (always null when the state has no energy): the energy
 * part of validation alone, for strategies that want to drop such commands before the engine refuses them. Assumes
 * the command is otherwise valid.
 *
 * @example
 * if (energyViolation(state, { kind: 'rebalance', vehicle: 3, node: 120 })) skip();
 */
export function energyViolation(s: CommandState, c: Command): string | null {
  if (!s.energy) return null;
  switch (c.kind) {
    case 'assign':
      return s.fleet.has(c.vehicle) ? assignEnergy(s, s.energy, c) : null;
    case 'rebalance': {
      if (!s.fleet.has(c.vehicle)) return null;
      const why = energyShortfall(s.energy.model, s.fleet.socKwh[c.vehicle], s.energy.commitment(c.vehicle, c.node), [c.node], true);
      return why && `vehicle ${c.vehicle} ${why}`;
    }
    case 'charge':
      return checkCharge(s, c);
    case 'service':
      return s.fleet.has(c.vehicle) && s.servicing && s.servicing.centres[c.centre] ? serviceEnergy(s, c) : null;
    case 'reject':
      return null;
    default: {
      const never: never = c;
      return `unknown command kind in ${JSON.stringify(never)}`;
    }
  }
}
