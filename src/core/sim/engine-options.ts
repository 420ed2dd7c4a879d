// Engine settings: the options a run is built from, their defaults and checks, and the error an invalid dispatcher
// command raises. Checked once, before the run starts, with messages that name the field and the bad value.
import type { PlacedTrip } from '../demand/placed-trip.js';
import type { ChargingSite, Command, Dispatcher } from '../dispatch/types.js';
import type { RoadGraph } from '../network/graph.js';
import type { TravelTimes } from '../network/travel-times.js';
import { checkAssistance, type AssistanceOptions } from './assistance.js';
import { checkServicing, type ServicingOptions } from './servicing.js';
import type { DwellTimes } from './snapshot.js';
import type { VehicleSpec } from './vehicle-state.js';

export const DEFAULT_DWELL: DwellTimes = { pickupS: 30, dropoffS: 30 };
export const DEFAULT_MAX_WAIT_S = 600;

/** What to do with a command that fails validation. */
export type InvalidCommandPolicy = 'throw' | 'record';

export interface EngineOptions {
  /** Road graph: needed for positions (`positionAt`) and divert-at-next-node; without it legs are committed. */
  graph?: RoadGraph;
  travelTimes: TravelTimes;
  fleetSize: number;
  spec?: Partial<VehicleSpec>;
  dispatcher: Dispatcher;
  /** Seeds the random start nodes when `depots` is not given. */
  seed: number;
  maxWaitS?: number;
  dwell?: Partial<DwellTimes>;
  /** Start nodes; vehicle i starts at depots[i % depots.length]. Default: seeded random nodes. */
  depots?: ArrayLike<number>;
  /** Engine time at which the fleet is placed (default 0). */
  startS?: number;
  /** 'throw' (default) stops the run with InvalidCommandError; 'record' logs a CommandInvalid event and skips it. */
  invalidCommands?: InvalidCommandPolicy;
  /** Keep each leg's node path (positions, divert at next node). Default: true when a graph is given. */
  trackPaths?: boolean;
  /** Initial request-book capacity (it grows as needed). */
  requestCapacity?: number;
  /**
   * Charging sites. When given (at least one), energy is enforced: every command must keep the energy invariant,
   * `charge` commands are accepted, and SoC appears in the log. Needs the graph. Without: energy is only counted.
   */
  chargingSites?: readonly ChargingSite[];
  /**
   * Cleaning and maintenance (decision 0012). When given, cars count trips, draw rider-reported messes and count
   * operating time, `service` commands are accepted and the centres' bays are queues. Without: none of it happens.
   */
  servicing?: ServicingOptions;
  /** Remote assistance (decision 0012). When given, cars ask for help as they drive and wait for an operator. */
  assistance?: AssistanceOptions;
  /**
   * Log why plans were given (decision 0022): strategies see `snapshot.explain` and attach a reason to their assign
   * commands; the engine writes each as a PlanExplained event after the assignment. Default false: the log is then
   * byte-identical to a run without the option.
   */
  explain?: boolean;
}

/** Engine counters. */
export interface EngineStats {
  /** Time of the last event. */
  endS: number;
  eventCount: number;
  dispatchCalls: number;
  commands: number;
  /** Bytes of typed-array engine state per vehicle (plans and current-leg paths excluded). */
  stateBytesPerVehicle: number;
}

/** A dispatcher command failed validation; the message names the command, the field and why. */
export class InvalidCommandError extends Error {
  constructor(
    readonly command: Command,
    readonly reason: string,
    readonly timeS: number,
  ) {
    super(`invalid ${command.kind} command at t=${timeS}s: ${reason} (${JSON.stringify(command)})`);
  }
}

/** Throws unless the trip can enter the book: integer time, nodes of the network, riders 1..255. */
export function checkTrip(t: PlacedTrip, nodes: number): void {
  if (!Number.isInteger(t.requestS)) throw new Error(`engine: request ${t.id}: requestS ${t.requestS} must be an integer`);
  if (!Number.isInteger(t.pickupNode) || t.pickupNode < 0 || t.pickupNode >= nodes) throw new Error(`engine: request ${t.id}: pickupNode ${t.pickupNode} is not a node`);
  if (!Number.isInteger(t.dropoffNode) || t.dropoffNode < 0 || t.dropoffNode >= nodes) throw new Error(`engine: request ${t.id}: dropoffNode ${t.dropoffNode} is not a node`);
  if (!Number.isInteger(t.riders) || t.riders < 1 || t.riders > 255) throw new Error(`engine: request ${t.id}: riders ${t.riders} must be an integer 1..255`);
}

export function validateOptions(o: EngineOptions, spec: VehicleSpec, dwell: DwellTimes, maxWaitS: number): void {
  const nodes = o.travelTimes.nodeCount;
  if (!Number.isInteger(o.fleetSize) || o.fleetSize < 0) throw new Error(`simulate: fleetSize ${o.fleetSize} must be a non-negative integer`);
  if (!Number.isInteger(spec.seats) || spec.seats < 1 || spec.seats > 255) throw new Error(`simulate: spec.seats ${spec.seats} must be an integer 1..255`);
  if (!(spec.energyKwhPerKm >= 0)) throw new Error(`simulate: spec.energyKwhPerKm ${spec.energyKwhPerKm} must be ≥ 0`);
  if (!Number.isInteger(dwell.pickupS) || dwell.pickupS < 0) throw new Error(`simulate: dwell.pickupS ${dwell.pickupS} must be an integer ≥ 0`);
  if (!Number.isInteger(dwell.dropoffS) || dwell.dropoffS < 0) throw new Error(`simulate: dwell.dropoffS ${dwell.dropoffS} must be an integer ≥ 0`);
  if (!Number.isInteger(maxWaitS) || maxWaitS < 0) throw new Error(`simulate: maxWaitS ${maxWaitS} must be an integer ≥ 0`);
  if (o.startS !== undefined && !Number.isInteger(o.startS)) throw new Error(`simulate: startS ${o.startS} must be an integer`);
  const period = o.dispatcher.periodS;
  if (period !== undefined && (!Number.isInteger(period) || period < 1)) throw new Error(`simulate: dispatcher ${o.dispatcher.name} periodS ${period} must be an integer ≥ 1`);
  const sites = o.chargingSites ?? [];
  if (sites.length > 0) {
    if (!o.graph) throw new Error('simulate: charging sites need the road graph (graph)');
    if (!(spec.batteryKwh > 0 && Number.isFinite(spec.batteryKwh))) throw new Error(`simulate: spec.batteryKwh ${spec.batteryKwh} must be > 0`);
    if (!(spec.reserveKwh >= 0 && spec.reserveKwh < spec.batteryKwh)) throw new Error(`simulate: spec.reserveKwh ${spec.reserveKwh} must be in [0, batteryKwh ${spec.batteryKwh})`);
    for (let i = 0; i < sites.length; i++) {
      const c = sites[i];
      if (!Number.isInteger(c.node) || c.node < 0 || c.node >= nodes) throw new Error(`simulate: chargingSites[${i}].node ${c.node} is not a node (0..${nodes - 1})`);
      if (!Number.isInteger(c.plugs) || c.plugs < 1) throw new Error(`simulate: chargingSites[${i}].plugs ${c.plugs} must be an integer ≥ 1`);
      if (!(c.powerKw > 0 && Number.isFinite(c.powerKw))) throw new Error(`simulate: chargingSites[${i}].powerKw ${c.powerKw} must be > 0`);
    }
  }
  if (o.servicing) checkServicing(o.servicing, nodes);
  if (o.assistance) checkAssistance(o.assistance, nodes);
  const depots = o.depots ?? [];
  for (let i = 0; i < depots.length; i++) {
    const d = depots[i];
    if (!Number.isInteger(d) || d < 0 || d >= nodes) throw new Error(`simulate: depots[${i}] = ${d} is not a node (0..${nodes - 1})`);
  }
}
