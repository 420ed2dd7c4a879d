// Command validation: whether a dispatcher's (or an operator's) command may be applied to the current fleet and request
// state, and if not, why, in words. Pure: reads state, never changes it, so the live service can call it before it
// acknowledges an operator action, and the engine calls it before applying any command.
import { RequestStatus, type AssignCommand, type Command, type RebalanceCommand, type RejectCommand } from '../dispatch/types.js';
import type { RequestBook } from './request-book.js';
import { codeIsDropoff, codeRequest, type FleetState } from './vehicle-state.js';

/** What validation reads. */
export interface CommandState {
  readonly fleet: FleetState;
  readonly book: RequestBook;
  readonly seats: number;
  readonly nodeCount: number;
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
    return null;
  }
}

function checkRebalance(s: CommandState, c: RebalanceCommand): string | null {
  const v = c.vehicle;
  if (!s.fleet.has(v)) return `vehicle ${v} does not exist (fleet of ${s.fleet.size})`;
  if (!Number.isInteger(c.node) || c.node < 0 || c.node >= s.nodeCount) return `node ${c.node} does not exist`;
  const stops = s.fleet.plans[v].length;
  if (stops > 0) return `vehicle ${v} has a plan of ${stops} stops; only a vehicle without stops can rebalance`;
  return null;
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
