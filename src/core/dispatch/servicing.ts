// The shared servicing policy, composed around any strategy (decision 0012): when a car frees up due for cleaning or
// maintenance it decides where the car goes; due cars take no new work; commands to cars that cannot take them (out
// of service, held for an assist, servicing) never reach the engine and their requests are offered again. Every
// dispatcher preset is wrapped in it (src/io/dispatchers.ts), outside the charging policy.
//
// Index conventions: vehicles, requests, nodes as in types.ts; centres index the run's ServiceCentre list.
import type { TunableParameters } from './parameters.js';
import { PolicyView } from './charging.js';
import { RequestStatus, VehicleStatus, takesWork, type Command, type Dispatcher, type FleetSnapshot, type ServiceCommand, type ServiceTask, type ServicingView } from './types.js';

/**
 * Wraps a strategy with the servicing policy. Per decision:
 * 1. with service centres, every car that freed up since the last decision due for a service (maintenance after
 *    `maintainEveryS` operating seconds; cleaning after `cleanEveryTrips` trips or a reported mess) goes to the centre
 *    with the least drive + expected wait for a bay that it can reach (the energy invariant holds);
 * 2. the inner strategy decides on a view in which those cars, and every other due car, show as `servicing` (a due
 *    car finishes what it has and takes nothing new), and in which requests whose command was dropped last time are
 *    announced as new again; a car that freed up due but could reach no centre is shown as it is (it may charge);
 * 3. commands to cars that show as servicing here, or that the engine holds (servicing, assisted, out of service —
 *    a strategy may still hold a car in its own idle set that has since faulted), are dropped: their open requests are
 *    announced again at the next decision.
 * Without centres, and while no command is dropped, the inner strategy sees the engine's snapshot unchanged.
 *
 * @example withServicing(withCharging(greedy(), charging))
 */
export function withServicing(inner: Dispatcher): Dispatcher {
  const view = new PolicyView();
  /** Per vehicle in this decision: 0 seen as it is, DUE shown as servicing, SENT sent to service now. */
  let hidden = new Uint8Array(0);
  let againRequests: number[] = [];
  let againVehicles: number[] = [];

  const d: Dispatcher = {
    name: inner.name,
    decide(s: FleetSnapshot, nowS: number): Command[] {
      const sv = s.servicing;
      if (hidden.length < s.vehicleCount) hidden = new Uint8Array(s.vehicleCount);
      hidden.fill(0);
      const out: Command[] = [];
      const again = againRequests.filter((r) => s.requestStatus[r] === RequestStatus.open);
      againRequests = [];
      let commands: Command[];
      if (!sv) {
        againVehicles = [];
        commands = inner.decide(again.length > 0 ? view.update(s, hidden, s.freedVehicles, again, VehicleStatus.servicing) : s, nowS);
      } else {
        // 1. Cars that just freed up (or kept no work last time) and are due.
        const freed: number[] = [];
        // Due cars no centre could take (none reachable with the energy left): shown as they are, so that they can
        // charge (or work) and come back when they free up again.
        const unsent = new Set<number>();
        const candidates = againVehicles.length > 0 ? [...againVehicles, ...s.freedVehicles] : s.freedVehicles;
        againVehicles = [];
        for (const v of candidates) {
          if (s.vehicleStatus[v] !== VehicleStatus.idle || s.plan(v).length > 0 || hidden[v] === SENT) continue;
          const task = dueTask(sv, v);
          const cmd = task && serviceCommand(s, v, task);
          if (cmd) {
            out.push(cmd);
            hidden[v] = SENT;
            continue;
          }
          if (task) unsent.add(v);
          if (!freed.includes(v)) freed.push(v);
        }
        // 2. The inner strategy, without due cars.
        for (let v = 0; v < s.vehicleCount; v++) {
          if (hidden[v] === 0 && takesWork(s.vehicleStatus[v]) && !unsent.has(v) && dueTask(sv, v) !== null) hidden[v] = DUE;
        }
        commands = inner.decide(view.update(s, hidden, freed, again, VehicleStatus.servicing), nowS);
      }
      // 3. Only cars that can take the command get it.
      for (const cmd of commands) {
        if (cmd.kind === 'reject') {
          out.push(cmd);
          continue;
        }
        const v = cmd.vehicle;
        const st = s.vehicleStatus[v];
        const held = st === VehicleStatus.servicing || st === VehicleStatus.assisted || st === VehicleStatus.outOfService;
        if (!held && hidden[v] === 0) {
          out.push(cmd);
          continue;
        }
        if (cmd.kind === 'assign') {
          for (const stop of cmd.stops) if (stop.action === 'pickup' && s.requestStatus[stop.request] === RequestStatus.open) againRequests.push(stop.request);
        }
        if (sv && hidden[v] === DUE && st === VehicleStatus.idle && s.plan(v).length === 0) againVehicles.push(v);
      }
      return out;
    },
    ...(inner.parameters ? { parameters: () => inner.parameters!() } : {}),
    ...(inner.tune ? { tune: (change: TunableParameters) => inner.tune!(change) } : {}),
  };
  return { ...d, ...(inner.periodS !== undefined ? { periodS: inner.periodS } : {}), ...(inner.eventDriven !== undefined ? { eventDriven: inner.eventDriven } : {}) };
}

/** Whether vehicle v is due for a service, and which (maintenance first: a maintenance visit cleans the car too). */
export function dueTask(s: ServicingView, v: number): ServiceTask | null {
  if (s.operatingS[v] >= s.maintainEveryS) return 'maintenance';
  if (s.messReported[v] === 1 || s.tripsSinceCleaning[v] >= s.cleanEveryTrips) return 'cleaning';
  return null;
}

const DUE = 1;
const SENT = 2;

/**
 * The service command for idle car v: to the centre with the least drive + expected wait for a bay that it can reach
 * under the energy invariant, or null if none.
 *
 * NOTE: expected wait = cars ahead (in a bay, queued, driving there) beyond its bays × this task's duration / bays:
 * a queue estimate, not a reservation; the engine's FIFO queue is the truth.
 */
function serviceCommand(s: FleetSnapshot, v: number, task: ServiceTask): ServiceCommand | null {
  const sv = s.servicing!;
  const node = s.vehicleNode[v];
  const nodes = sv.centres.map((c) => c.node);
  const driveS = s.travelTimes.oneToMany(node, nodes, s.nowS);
  const order: { centre: number; costS: number }[] = [];
  for (let i = 0; i < sv.centres.length; i++) {
    const c = sv.centres[i];
    const ahead = sv.inBay[i] + sv.queued[i] + sv.heading[i];
    const durS = task === 'maintenance' ? c.maintenanceS : c.cleaningS;
    const waitS = ahead < c.bays ? 0 : ((ahead - c.bays + 1) * durS) / c.bays;
    const toS = nodes[i] === node ? 0 : driveS[i];
    if (Number.isFinite(toS)) order.push({ centre: i, costS: toS + waitS });
  }
  order.sort((a, b) => a.costS - b.costS || a.centre - b.centre);
  for (const { centre } of order) {
    const cmd: ServiceCommand = { kind: 'service', vehicle: v, centre, task };
    if (s.energyCheck(cmd) === null) return cmd;
  }
  return null;
}
