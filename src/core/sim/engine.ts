// The discrete-event engine: the loop that orders everything that happens to the fleet. It owns the timer queue and
// the clock; vehicle state, movement along legs, the request book, command validation and the dispatcher's snapshot
// live in their own modules (vehicle-state, movement, request-book, commands, snapshot) and this file calls them in
// a fixed order. Requests arrive at run time through `submit` (a trip source replaying a file, or the live service);
// the engine never knows the future. It advances when told to (`runUntil`), from a simulated or a wall clock.
//
// Step order within one second (the `Phase` of a timer; ties inside a phase by scheduling order):
//   0. arrivals at drop-off stops (riders leave, seats free up first),
//   1. arrivals at pickup stops (so a pickup at exactly the max wait still happens),
//   2. other vehicle timers: dwell ends and departures, arrivals at diversion/rebalancing/charging nodes, vehicles
//      unplugging (and the next car in the site's queue plugging in), vehicles going idle,
//   3. request submissions (in submission order),
//   4. cancellations of requests not picked up by requestS + maxWaitS,
//   5. dispatch: the dispatcher sees the state after all of the above and its commands apply at once.
// A second is complete ("sealed") once its dispatch step has run; `submit` schedules a request no earlier than the
// first unsealed second.
//
// With charging sites (decision 0010) a car sent to charge drives to its site, waits in the site's first-come,
// first-served plug queue, charges along the curve (energy.ts) and frees up idle there; the energy invariant is part of
// command validation. With service centres (decision 0012, servicing.ts) a car sent to service does the same with a
// bay; with remote assistance (assistance.ts) a car that asks for help at the end of a leg is held there until an
// operator is done with it (`requestAssist`: a car that asks from outside, the live service's reports, is held the same
// way). `setInService`/`fault` take a car out of service: its unpicked requests reopen, it stops at
// the next node and its riders on board become rescue requests.
//
// NOTE: ~1,000 lines, above our ~400 guide: the loop and the kinds of step it orders (vehicle steps, charging stops,
// service visits, assists, cars going out of service, the request lifecycle, applying commands) share the timer queue,
// the clock, the deltas and `emit` on every event; split apart they would pass those around on the hot path. Everything
// that does not need them lives in the modules above (servicing.ts and assistance.ts hold the state of decision 0012).
import type { PlacedTrip } from '../demand/placed-trip.js';
import {
  RequestStatus,
  VehicleStatus,
  type AssignCommand,
  type ChargeCommand,
  type ChargingSite,
  type ChargingView,
  type Command,
  type RebalanceCommand,
  type RejectCommand,
  type ServiceCommand,
} from '../dispatch/types.js';
import type { TravelTimes } from '../network/travel-times.js';
import { Rng } from '../random.js';
import { RemoteAssistance } from './assistance.js';
import { CommandChecker, type CommandState, type EnergyCheckState } from './commands.js';
import { EnergyModel } from './energy.js';
import { DEFAULT_DWELL, DEFAULT_MAX_WAIT_S, InvalidCommandError, checkTrip, validateOptions, type EngineOptions, type EngineStats } from './engine-options.js';
import { Phase, TimerQueue } from './event-queue.js';
import { changeRefusal, orderedParameters, type DispatcherParameters } from '../dispatch/parameters.js';
import { planExplained, type CancelReason, type LegPurpose, type OperatorActionEvent, type SimEvent } from './events.js';
import { Movement } from './movement.js';
import { RequestBook } from './request-book.js';
import { ServiceCentres, ServiceState } from './servicing.js';
import { DispatchDeltas, EngineSnapshot, stopNode, type DwellTimes } from './snapshot.js';
import { ChargeState, DEFAULT_VEHICLE_SPEC, FleetState, codeIsDropoff, codeRequest, stopCode, type VehicleSpec } from './vehicle-state.js';

export { DEFAULT_VEHICLE_SPEC, type VehicleSpec } from './vehicle-state.js';
export type { DwellTimes } from './snapshot.js';
export { DEFAULT_DWELL, DEFAULT_MAX_WAIT_S, InvalidCommandError, type EngineOptions, type EngineStats, type InvalidCommandPolicy } from './engine-options.js';

/** `Omit` applied to each member of a union (the plain one would merge the members). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Timer kinds in the queue; the subject is a vehicle (arrive, depart) or a request (submit, cancel). */
const Timer = { arrive: 0, depart: 1, dispatch: 2, submit: 3, cancel: 4, unplug: 5, serviceEnd: 6, assistEnd: 7 } as const;

/** Per vehicle: in service, taken out but not stopped yet, or stopped out of service. */
const Out = { inService: 0, stopping: 1, stopped: 2 } as const;

/**
 * The simulation engine. Construct (the fleet is placed at `startS`), `submit` requests, and `runUntil(tS)` to
 * advance; `closeRequests()` says no more will come, after which `runUntil(Infinity)` ends once every request is
 * terminal. Listeners given to `onEvent` receive every event in order.
 */
export class Engine {
  readonly spec: VehicleSpec;
  readonly dwell: DwellTimes;
  /** A request not picked up this long after its request time is cancelled; an operator may change it (decision 0025). */
  private maxWait: number;
  readonly fleetSize: number;
  /** Vehicle state (read it; only the engine writes it). */
  readonly fleet: FleetState;
  /** Request state (read it; only the engine writes it). */
  readonly book: RequestBook;
  /** Charging sites and the way to them, when the run enforces energy (it has charging sites). */
  readonly energy: EnergyModel | undefined;
  private readonly sites: readonly ChargingSite[];
  /** Per site: cars plugged in, waiting (and the FIFO of who), driving there. */
  private readonly sitePlugged: Int32Array;
  private readonly siteQueued: Int32Array;
  private readonly siteHeading: Int32Array;
  private readonly siteQueue: number[][];
  /** Service centres and every car's service cycle, when the run has cleaning and maintenance. */
  readonly service: ServiceCentres | undefined;
  private readonly assist: RemoteAssistance | undefined;
  /** Per vehicle (with assistance): 1 when it asked from outside and is held at its next node (`requestAssist`). */
  private readonly assistAsked: Uint8Array | undefined;
  /** Per vehicle: Out state, and why it is out. */
  private readonly outState: Uint8Array;
  private readonly outReason: string[] = [];
  /** What command validation reads (the same objects all run long). */
  private readonly validationState: CommandState;
  private readonly movement: Movement;
  private readonly deltas = new DispatchDeltas();
  private readonly snapshot: EngineSnapshot;
  private readonly checker = new CommandChecker();
  private readonly queue = new TimerQueue(256);
  private readonly listeners: ((ev: SimEvent) => void)[] = [];
  private readonly eventDriven: boolean;
  private readonly periodS: number | undefined;
  private readonly travelTimes: TravelTimes;
  private nowS: number;
  /** Every second up to this one is complete (its dispatch step has run or nothing happened in it). */
  private sealedS: number;
  private dispatchDue = false;
  private tickerRunning = false;
  private closed = false;
  private pendingSubmits = 0;
  private lastEventS = 0;
  private eventCount = 0;
  private dispatchCalls = 0;
  private commandCount = 0;

  constructor(private readonly opts: EngineOptions) {
    this.spec = { ...DEFAULT_VEHICLE_SPEC, ...opts.spec };
    this.dwell = { ...DEFAULT_DWELL, ...opts.dwell };
    this.maxWait = opts.maxWaitS ?? DEFAULT_MAX_WAIT_S;
    this.fleetSize = opts.fleetSize;
    this.travelTimes = opts.travelTimes;
    validateOptions(opts, this.spec, this.dwell, this.maxWait);
    this.fleet = new FleetState(opts.fleetSize, this.spec);
    this.book = new RequestBook(opts.requestCapacity);
    this.movement = new Movement(this.fleet, opts.travelTimes, opts.graph, opts.trackPaths ?? opts.graph !== undefined);
    this.sites = opts.chargingSites ?? [];
    const nSites = this.sites.length;
    this.sitePlugged = new Int32Array(nSites);
    this.siteQueued = new Int32Array(nSites);
    this.siteHeading = new Int32Array(nSites);
    this.siteQueue = Array.from({ length: nSites }, () => []);
    this.energy = nSites > 0 ? new EnergyModel(opts.graph!, opts.travelTimes, this.sites, this.spec) : undefined;
    const energy = this.energy;
    const energyCheck: EnergyCheckState | undefined = energy && { model: energy, commitment: (v, target) => this.movement.commitment(v, target, this.nowS) };
    this.service = opts.servicing ? new ServiceCentres(opts.fleetSize, opts.servicing, opts.seed) : undefined;
    this.assist = opts.assistance ? new RemoteAssistance(opts.fleetSize, opts.assistance, opts.seed) : undefined;
    this.assistAsked = opts.assistance ? new Uint8Array(opts.fleetSize) : undefined;
    this.outState = new Uint8Array(opts.fleetSize);
    this.validationState = {
      fleet: this.fleet,
      book: this.book,
      seats: this.spec.seats,
      nodeCount: opts.travelTimes.nodeCount,
      ...(energyCheck ? { energy: energyCheck } : {}),
      ...(this.service ? { servicing: this.service } : {}),
    };
    this.eventDriven = opts.dispatcher.eventDriven ?? opts.dispatcher.periodS === undefined;
    this.periodS = opts.dispatcher.periodS;
    this.nowS = opts.startS ?? 0;
    this.sealedS = this.nowS - 1;
    this.snapshot = new EngineSnapshot({
      fleet: this.fleet,
      book: this.book,
      movement: this.movement,
      deltas: this.deltas,
      travelTimes: opts.travelTimes,
      graph: opts.graph,
      maxWaitS: this.maxWait,
      dwell: this.dwell,
      seats: this.spec.seats,
      explain: opts.explain === true,
      nowS: () => this.nowS,
      charging: energy && this.chargingView(energy),
      servicing: this.service,
      commandState: () => this.commandState(),
    });
  }

  /** The dispatcher's view of the sites: live counters and the model's per-node arrays. */
  private chargingView(energy: EnergyModel): ChargingView {
    return {
      sites: this.sites,
      plugged: this.sitePlugged,
      queued: this.siteQueued,
      heading: this.siteHeading,
      nearestSite: energy.nearestSite,
      toChargerM: energy.toChargerM,
      toChargerMs: energy.toChargerMs,
      batteryKwh: this.spec.batteryKwh,
      energyKwhPerKm: this.spec.energyKwhPerKm,
      reserveKwh: this.spec.reserveKwh,
      chargeDurationS: (site, fromKwh, toKwh) => energy.chargeDurationS(site, fromKwh, toKwh),
    };
  }

  /** Requests not picked up this long after their request time are cancelled (seconds). */
  get maxWaitS(): number {
    return this.maxWait;
  }

  /** Current engine time. */
  get timeS(): number {
    return this.nowS;
  }

  /** Earliest request time `submit` accepts without moving it later: the first second not yet complete. */
  get nextOpenS(): number {
    return this.sealedS + 1;
  }

  /** Subscribes to every event from now on (the fleet is placed on the first `runUntil` or `submit`); returns the unsubscribe. */
  onEvent(listener: (ev: SimEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** State that command validation reads (see `validateCommand`). */
  commandState(): CommandState {
    return this.validationState;
  }

  /** The vehicle's remaining plan as stops. */
  plan(vehicle: number) {
    return this.fleet.plan(vehicle);
  }

  /** Latitude/longitude of a vehicle at `timeS` (clamped to its current leg). Needs a graph. */
  positionAt(vehicle: number, timeS: number): { lat: number; lon: number } {
    return this.movement.positionAt(vehicle, timeS);
  }

  /** Bytes of typed-array state per vehicle (plans and current-leg paths excluded). */
  stateBytesPerVehicle(): number {
    return this.fleet.bytesPerVehicle();
  }

  /** Counters so far. */
  stats(): EngineStats {
    return {
      endS: this.lastEventS,
      eventCount: this.eventCount,
      dispatchCalls: this.dispatchCalls,
      commands: this.commandCount,
      stateBytesPerVehicle: this.stateBytesPerVehicle(),
    };
  }

  /**
   * Adds a ride request to the book and schedules its submission at `trip.requestS`, or at the first second not yet
   * complete (`nextOpenS`) if that is later. Returns its request index (dense, stable). Throws on a malformed trip.
   */
  submit(trip: PlacedTrip): number {
    if (this.closed) throw new Error(`engine: submit after closeRequests (${trip.id})`);
    this.placeFleetOnce();
    checkTrip(trip, this.travelTimes.nodeCount);
    const atS = Math.max(trip.requestS, this.sealedS + 1);
    const r = this.book.add(trip, atS);
    this.pendingSubmits++;
    this.queue.push(atS, Phase.submit, Timer.submit, r, 0);
    return r;
  }

  /**
   * Places riders already on board car v: a restarted live service carries on rides picked up before it stopped. Each
   * trip enters the book on board v (RequestResumed, with its first request time and its pickup time `pickedUpS`; no
   * second pickup), and v's plan becomes their drop-offs in the order given; the car sets off at once (strategies may
   * later reorder the drop-offs, never drop them). For a car in service that stands idle with no plan and nobody on
   * board, as every car does where the fleet is placed. Throws naming the problem otherwise (another state, seats
   * exceeded, a malformed trip or times). Returns the requests' indices. Call between `runUntil` steps.
   */
  resumeOnboard(v: number, riders: readonly { trip: PlacedTrip; pickedUpS: number }[]): number[] {
    if (this.closed) throw new Error(`engine: resumeOnboard after closeRequests (vehicle ${v})`);
    if (!this.fleet.has(v)) throw new Error(`engine: resumeOnboard: ${v} is not a vehicle`);
    this.placeFleetOnce();
    this.toFirstOpenSecond();
    const f = this.fleet;
    const b = this.book;
    const t = this.nowS;
    if (this.outState[v] !== Out.inService || f.status[v] !== VehicleStatus.idle || f.plans[v].length > 0 || f.load[v] > 0) {
      throw new Error(`engine: resumeOnboard: vehicle ${v} must be in service, idle, with no plan and nobody on board`);
    }
    let seats = 0;
    for (const { trip, pickedUpS } of riders) {
      checkTrip(trip, this.travelTimes.nodeCount);
      if (!Number.isInteger(pickedUpS) || pickedUpS < trip.requestS || pickedUpS > t) {
        throw new Error(`engine: resumeOnboard: request ${trip.id}: pickedUpS ${pickedUpS} must be an integer in [requestS ${trip.requestS}, now ${t}]`);
      }
      seats += trip.riders;
    }
    if (seats > this.spec.seats) throw new Error(`engine: resumeOnboard: ${seats} riders do not fit the ${this.spec.seats} seats of vehicle ${v}`);
    const requests: number[] = [];
    const plan: number[] = [];
    for (const { trip, pickedUpS } of riders) {
      const r = b.add(trip, trip.requestS);
      b.status[r] = RequestStatus.onboard;
      b.vehicle[r] = v;
      b.pickupS[r] = pickedUpS;
      b.active++;
      f.load[v] += trip.riders;
      plan.push(stopCode({ action: 'dropoff', request: r }));
      requests.push(r);
      this.emit({
        kind: 'RequestResumed',
        timeS: t,
        request: r,
        id: trip.id,
        vehicle: v,
        pickupNode: trip.pickupNode,
        dropoffNode: trip.dropoffNode,
        riders: trip.riders,
        acceptsSharing: trip.acceptsSharing,
        requestS: trip.requestS,
        pickedUpS,
      });
    }
    f.plans[v] = plan;
    f.planChanged(v);
    f.rebalanceTarget[v] = -1;
    this.replan(v);
    return requests;
  }

  /**
   * Cancels a request that is not picked up yet (a rider's or operator's cancellation) now. Returns false if it is
   * already on board or terminal.
   */
  cancel(request: number, reason: CancelReason = 'rider'): boolean {
    const b = this.book;
    if (!Number.isInteger(request) || request < 0 || request >= b.count) return false;
    if (b.status[request] === RequestStatus.future) {
      b.status[request] = RequestStatus.cancelled; // announced when its submission comes due
      return true;
    }
    if (!b.isWaiting(request)) return false;
    this.cancelWaiting(request, reason);
    return true;
  }

  /** No more requests will be submitted: periodic dispatch stops once every request is terminal. */
  closeRequests(): void {
    this.closed = true;
  }

  /**
   * Processes every timer up to and including second `untilS`, each second's dispatch step included. Returns
   * whether anything remains queued.
   */
  runUntil(untilS: number): boolean {
    this.placeFleetOnce();
    const q = this.queue;
    // Asked to stop before the current second ends: it stays open (a submission may still join it).
    if (untilS < this.nowS) return q.length > 0;
    for (;;) {
      const key = q.peekKey();
      if (key === Infinity) {
        if (this.dispatchDue || (this.eventDriven && this.deltas.any)) this.dispatch();
        if (q.length === 0) {
          this.sealedS = Math.max(this.sealedS, Number.isFinite(untilS) ? untilS : this.nowS);
          return false;
        }
        continue;
      }
      const t = q.peekTimeS();
      if (t > this.nowS) {
        // A new second begins: first finish the previous one with its dispatch step.
        if (this.dispatchDue || (this.eventDriven && this.deltas.any)) {
          this.dispatch();
          continue;
        }
        if (t > untilS) {
          this.sealedS = Math.max(this.sealedS, untilS);
          return true;
        }
        this.sealedS = Math.max(this.sealedS, t - 1);
        this.nowS = t;
      }
      const kind = q.peekKind();
      const subject = q.peekSubject();
      const tag = q.peekTag();
      q.pop();
      switch (kind) {
        case Timer.arrive:
          if (tag === this.fleet.version[subject]) this.arrive(subject);
          break;
        case Timer.depart:
          this.proceed(subject);
          break;
        case Timer.dispatch:
          this.dispatchDue = true;
          if (this.book.active > 0 || this.pendingSubmits > 0 || !this.closed) q.push(t + (this.periodS ?? 1), Phase.dispatch, Timer.dispatch, -1, 0);
          else this.tickerRunning = false;
          break;
        case Timer.submit:
          this.admit(subject);
          break;
        case Timer.cancel:
          // A timer set before an operator raised the max wait finds the request still within it (decision 0025).
          if (this.book.isWaiting(subject) && this.book.requestS[subject] + this.maxWait <= this.nowS) this.cancelWaiting(subject, 'max_wait');
          break;
        case Timer.unplug:
          this.unplug(subject);
          break;
        case Timer.serviceEnd:
          this.endService(subject);
          break;
        case Timer.assistEnd:
          this.endAssist(subject);
          break;
        default:
          throw new Error(`engine: unknown timer kind ${kind}`);
      }
    }
  }

  // ---- events ----

  private emit(ev: SimEvent): void {
    this.eventCount++;
    this.lastEventS = ev.timeS;
    const ls = this.listeners;
    for (let i = 0; i < ls.length; i++) ls[i](ev);
  }

  // ---- fleet ----

  private placed = false;

  /** Places every vehicle at its start node (once, when the run begins, so listeners see it). */
  private placeFleetOnce(): void {
    if (this.placed) return;
    this.placed = true;
    const n = this.fleetSize;
    let starts = this.opts.depots;
    if (!starts || starts.length === 0) {
      const rng = new Rng(this.opts.seed);
      const nodes = new Uint32Array(n);
      for (let v = 0; v < n; v++) nodes[v] = rng.int(this.travelTimes.nodeCount);
      starts = nodes;
    }
    const f = this.fleet;
    for (let v = 0; v < n; v++) {
      const node = starts[v % starts.length];
      f.node[v] = node;
      f.legTarget[v] = node;
      f.status[v] = VehicleStatus.idle;
      this.emit({ kind: 'VehiclePlaced', timeS: this.nowS, vehicle: v, node, seats: this.spec.seats });
      this.deltas.freedVehicles.push(v);
    }
    for (let i = 0; i < this.sites.length; i++) {
      const c = this.sites[i];
      this.emit({ kind: 'ChargingSiteOpened', timeS: this.nowS, site: i, node: c.node, plugs: c.plugs, powerKw: c.powerKw });
    }
    const centres = this.service?.centres ?? [];
    for (let i = 0; i < centres.length; i++) this.emit({ kind: 'ServiceCentreOpened', timeS: this.nowS, centre: i, node: centres[i].node, bays: centres[i].bays });
    if (this.assist) this.emit({ kind: 'AssistanceOpened', timeS: this.nowS, operators: this.assist.operators });
  }

  /** Starts a leg from the vehicle's node to `to` (≠ node) now. */
  private startLeg(v: number, to: number, purpose: LegPurpose): void {
    const f = this.fleet;
    const from = f.node[v];
    const t = this.nowS;
    const durS = this.movement.beginLeg(v, to, t);
    f.status[v] =
      purpose === 'rebalance' ? VehicleStatus.rebalancing : purpose === 'charge' ? VehicleStatus.charging : purpose === 'service' ? VehicleStatus.servicing : VehicleStatus.driving;
    this.emit({ kind: 'VehicleDeparted', timeS: t, vehicle: v, fromNode: from, toNode: to, arriveS: t + durS, onboard: f.load[v], purpose });
    this.scheduleArrival(v);
  }

  /** (Re)schedules the arrival timer of the current leg, in the phase of what happens on arrival. */
  private scheduleArrival(v: number): void {
    const f = this.fleet;
    const plan = f.plans[v];
    let phase: Phase = Phase.vehicle;
    if (plan.length > 0 && stopNode(this.book, plan[0]) === f.legTarget[v]) {
      phase = codeIsDropoff(plan[0]) ? Phase.dropoff : Phase.pickup;
    }
    f.version[v] = (f.version[v] + 1) >>> 0;
    this.queue.push(f.legEndS[v], phase, Timer.arrive, v, f.version[v]);
  }

  /** Arrival timer: account the leg, then carry on with the plan. */
  private arrive(v: number): void {
    const f = this.fleet;
    const distM = f.legDistanceM[v];
    const energy = (distM / 1000) * this.spec.energyKwhPerKm;
    if (f.load[v] > 0) f.occupiedM[v] += distM;
    else f.emptyM[v] += distM;
    f.energyKwh[v] += energy;
    f.socKwh[v] -= energy;
    // With rates per area, the assistance odometer counts the leg's metres weighted by where they were driven.
    const assistWeights = this.assist?.weightByNode;
    const assistM = assistWeights ? this.movement.weightedLegM(v, assistWeights) : distM;
    this.movement.endLeg(v);
    this.emit({
      kind: 'VehicleArrived',
      timeS: this.nowS,
      vehicle: v,
      node: f.node[v],
      distanceM: distM,
      energyKwh: energy,
      onboard: f.load[v],
      diverted: f.legDiverted[v] === 1,
      ...(this.energy ? { socKwh: f.socKwh[v] } : {}),
    });
    this.service?.drove(v, f.legEndS[v] - f.legStartS[v]);
    if (this.assist?.drove(v, assistM) && this.outState[v] === Out.inService) {
      this.holdForAssist(v);
      return;
    }
    this.proceed(v);
  }

  /** The vehicle stands at its node, free to act: serve a stop here, drive to the next, rebalance, or go idle. */
  private proceed(v: number): void {
    const f = this.fleet;
    const b = this.book;
    const t = this.nowS;
    const here = f.node[v];
    const plan = f.plans[v];
    if (this.outState[v] !== Out.inService) {
      this.stopOutOfService(v);
      return;
    }
    if (this.assistAsked !== undefined && this.assistAsked[v] === 1) {
      this.holdForAssist(v);
      return;
    }
    if (plan.length > 0) {
      const code = plan[0];
      const at = stopNode(b, code);
      if (at !== here) {
        this.startLeg(v, at, 'stop');
        return;
      }
      plan.shift();
      f.planChanged(v);
      const r = codeRequest(code);
      let dwellS: number;
      if (codeIsDropoff(code)) {
        f.load[v] -= b.riders[r];
        b.status[r] = RequestStatus.droppedOff;
        b.vehicle[r] = -1;
        b.active--;
        f.trips[v]++;
        this.emit({ kind: 'DroppedOff', timeS: t, request: r, vehicle: v, riders: b.riders[r], rideS: t - b.pickupS[r] });
        if (this.service?.afterTrip(v)) this.emit({ kind: 'MessReported', timeS: t, vehicle: v, request: r });
        dwellS = this.dwell.dropoffS;
      } else {
        f.load[v] += b.riders[r];
        b.status[r] = RequestStatus.onboard;
        b.pickupS[r] = t;
        this.emit({ kind: 'PickedUp', timeS: t, request: r, vehicle: v, riders: b.riders[r], waitS: t - b.requestS[r] });
        dwellS = this.dwell.pickupS;
      }
      f.status[v] = VehicleStatus.dwelling;
      f.legStartS[v] = t;
      f.legEndS[v] = t + dwellS;
      f.legTarget[v] = here;
      this.queue.push(t + dwellS, Phase.vehicle, Timer.depart, v, 0);
      return;
    }
    const site = f.chargeSite[v];
    if (site >= 0) {
      const at = this.sites[site].node;
      if (at !== here) this.startLeg(v, at, 'charge');
      else this.reachSite(v, site);
      return;
    }
    const centre = this.service ? this.service.centre[v] : -1;
    if (centre >= 0) {
      const at = this.service!.centres[centre].node;
      if (at !== here) this.startLeg(v, at, 'service');
      else this.reachCentre(v);
      return;
    }
    const target = f.rebalanceTarget[v];
    if (target >= 0 && target !== here) {
      this.startLeg(v, target, 'rebalance');
      return;
    }
    f.rebalanceTarget[v] = -1;
    f.status[v] = VehicleStatus.idle;
    f.legStartS[v] = t;
    f.legEndS[v] = t;
    f.legTarget[v] = here;
    f.freeS[v] = -1;
    this.emit({ kind: 'VehicleIdle', timeS: t, vehicle: v, node: here });
    this.deltas.freedVehicles.push(v);
  }

  /** After a plan or rebalancing target changed: make the vehicle head for its new first target. */
  private replan(v: number): void {
    const f = this.fleet;
    f.freeS[v] = -1;
    const st = f.status[v];
    if (st === VehicleStatus.idle) {
      this.proceed(v);
      return;
    }
    if (st === VehicleStatus.dwelling) return; // The pending departure timer reads the new plan.
    // Held (assist) or out of service: the end of the hold, or the stop, reads the new plan.
    if (st === VehicleStatus.assisted || st === VehicleStatus.outOfService) return;
    const plan = f.plans[v];
    const site = f.chargeSite[v];
    if (site >= 0) {
      // On the way to charge (never with a plan: charging cars take none). Head for the site.
      const at = this.sites[site].node;
      if (at !== f.legTarget[v]) this.movement.cutAtNextNode(v, this.nowS);
      this.scheduleArrival(v);
      return;
    }
    const centre = this.service && this.service.state[v] === ServiceState.heading ? this.service.centre[v] : -1;
    if (centre >= 0) {
      // On the way to a service centre (never with a plan either; queued or in a bay it has no leg to change).
      if (this.service!.centres[centre].node !== f.legTarget[v]) this.movement.cutAtNextNode(v, this.nowS);
      this.scheduleArrival(v);
      return;
    }
    const target = plan.length > 0 ? stopNode(this.book, plan[0]) : f.rebalanceTarget[v];
    f.status[v] = plan.length > 0 || target < 0 ? VehicleStatus.driving : VehicleStatus.rebalancing;
    // Divert: unless the leg already ends there, finish the edge being driven and carry on from its end node.
    if (target !== f.legTarget[v]) this.movement.cutAtNextNode(v, this.nowS);
    this.scheduleArrival(v);
  }

  // ---- charging ----

  /** The vehicle stands at its charging site: it joins the queue for a plug. */
  private reachSite(v: number, site: number): void {
    const f = this.fleet;
    const t = this.nowS;
    f.chargeState[v] = ChargeState.queued;
    f.chargeArrivedS[v] = t;
    f.legStartS[v] = t;
    f.legEndS[v] = t;
    f.legTarget[v] = f.node[v];
    this.siteHeading[site]--;
    this.siteQueued[site]++;
    this.siteQueue[site].push(v);
    this.plugWaiting(site);
  }

  /** Plugs in the cars at the head of the site's queue while plugs are free. */
  private plugWaiting(site: number): void {
    const f = this.fleet;
    const t = this.nowS;
    const queue = this.siteQueue[site];
    while (this.sitePlugged[site] < this.sites[site].plugs && queue.length > 0) {
      const v = queue.shift()!;
      this.siteQueued[site]--;
      this.sitePlugged[site]++;
      f.chargeState[v] = ChargeState.plugged;
      const durS = this.energy!.chargeDurationS(site, f.socKwh[v], f.chargeTargetKwh[v]);
      f.legStartS[v] = t;
      f.legEndS[v] = t + durS;
      this.emit({ kind: 'ChargingStarted', timeS: t, vehicle: v, site, socKwh: f.socKwh[v], waitedS: t - f.chargeArrivedS[v] });
      this.queue.push(t + durS, Phase.vehicle, Timer.unplug, v, 0);
    }
  }

  /** Unplug timer: the car is charged to its target, frees up idle at the site, and the next in line plugs in. */
  private unplug(v: number): void {
    const f = this.fleet;
    const t = this.nowS;
    const site = f.chargeSite[v];
    const before = f.socKwh[v];
    const after = Math.max(before, Math.min(f.chargeTargetKwh[v], this.spec.batteryKwh));
    f.socKwh[v] = after;
    this.sitePlugged[site]--;
    f.chargeSite[v] = -1;
    f.chargeState[v] = ChargeState.none;
    this.emit({
      kind: 'ChargingEnded',
      timeS: t,
      vehicle: v,
      site,
      socKwh: after,
      energyKwh: after - before,
      chargedS: t - f.legStartS[v],
      waitedS: f.legStartS[v] - f.chargeArrivedS[v],
    });
    this.proceed(v);
    this.plugWaiting(site);
  }

  // ---- servicing (servicing.ts) ----

  /** The vehicle stands at its service centre: it joins the bay queue. */
  private reachCentre(v: number): void {
    const f = this.fleet;
    const t = this.nowS;
    this.service!.arrive(v, t);
    f.legStartS[v] = t;
    f.legEndS[v] = t;
    f.legTarget[v] = f.node[v];
    this.admitToBays(this.service!.centre[v]);
  }

  /** Cars at the head of the centre's queue take the free bays. */
  private admitToBays(centre: number): void {
    const sv = this.service!;
    const t = this.nowS;
    for (let v = sv.admitNext(centre, t); v >= 0; v = sv.admitNext(centre, t)) {
      const durS = sv.durationS(v);
      const visit = sv.visit(v);
      this.fleet.legStartS[v] = t;
      this.fleet.legEndS[v] = t + durS;
      this.emit({ kind: 'ServiceStarted', timeS: t, vehicle: v, centre, task: visit.task, waitedS: t - visit.arrivedS });
      this.queue.push(t + durS, Phase.vehicle, Timer.serviceEnd, v, 0);
    }
  }

  /** Service timer: the car leaves its bay, frees up idle at the centre, and the next in line takes the bay. */
  private endService(v: number): void {
    const sv = this.service!;
    const visit = sv.visit(v);
    const centre = sv.finish(v);
    this.emit({ kind: 'ServiceEnded', timeS: this.nowS, vehicle: v, centre, task: visit.task, servicedS: this.nowS - visit.startedS, waitedS: visit.startedS - visit.arrivedS });
    this.proceed(v);
    this.admitToBays(centre);
  }

  private applyService(c: ServiceCommand): void {
    const f = this.fleet;
    const v = c.vehicle;
    f.rebalanceTarget[v] = -1;
    this.service!.send(v, c.centre, c.task);
    this.emit({ kind: 'VehicleSentToService', timeS: this.nowS, vehicle: v, centre: c.centre, task: c.task });
    // As for charging: not assignable from now on; a dwelling car heads there when its dwell ends.
    const was = f.status[v];
    f.status[v] = VehicleStatus.servicing;
    f.freeS[v] = -1;
    if (was === VehicleStatus.idle) this.proceed(v);
    else if (was !== VehicleStatus.dwelling) this.replan(v);
  }

  // ---- remote assistance (assistance.ts) ----

  /**
   * Vehicle v asks for remote assistance from outside the loop (the live service: the car reported that it needs
   * help). It is held as a car that asks by itself (decision 0012): at once where it stands idle; at the next node of
   * its path when driving; when its dwell, plug or bay ends otherwise. There it joins the operator queue
   * (AssistRequested), waits for a free operator, is held the service time and carries on with its plan; riders on board
   * stay on board. Needs the `assistance` option (throws without). Returns false when nothing changes: the car is
   * already asking or held, or out of service. Call between `runUntil` steps, like `setInService`.
   */
  requestAssist(v: number): boolean {
    if (!this.assist || !this.assistAsked) throw new Error('engine: requestAssist needs the assistance option (an operator pool)');
    if (!this.fleet.has(v)) return false;
    this.placeFleetOnce();
    this.toFirstOpenSecond();
    const f = this.fleet;
    if (this.outState[v] !== Out.inService || this.assistAsked[v] === 1 || f.status[v] === VehicleStatus.assisted) return false;
    this.assistAsked[v] = 1;
    if (f.status[v] === VehicleStatus.idle) {
      this.proceed(v);
    } else if (f.node[v] !== f.legTarget[v]) {
      // On a leg: finish the edge being driven; the arrival there holds it (proceed).
      this.movement.cutAtNextNode(v, this.nowS);
      this.scheduleArrival(v);
    }
    // Otherwise a dwell, a plug or a bay holds it: when that ends, proceed holds it for the assist.
    return true;
  }

  /** The car asks for help where it stands (its leg ended): held there (riders on board) until an operator is done. */
  private holdForAssist(v: number): void {
    const f = this.fleet;
    const t = this.nowS;
    this.assistAsked![v] = 0;
    this.assist!.request(v, t, f.status[v]);
    f.status[v] = VehicleStatus.assisted;
    f.legStartS[v] = t;
    f.legEndS[v] = t;
    f.legTarget[v] = f.node[v];
    f.freeS[v] = -1;
    this.emit({ kind: 'AssistRequested', timeS: t, vehicle: v, node: f.node[v], onboard: f.load[v] });
    this.admitToOperators();
  }

  /** Free operators take the cars at the head of the queue. */
  private admitToOperators(): void {
    const a = this.assist!;
    const t = this.nowS;
    for (let v = a.admitNext(t); v >= 0; v = a.admitNext(t)) {
      this.fleet.legEndS[v] = t + a.serviceS;
      this.fleet.freeS[v] = -1;
      this.emit({ kind: 'AssistStarted', timeS: t, vehicle: v, waitedS: a.waitedS(v) });
      this.queue.push(t + a.serviceS, Phase.vehicle, Timer.assistEnd, v, 0);
    }
  }

  /** Assist timer: the operator is done; the car carries on with what it was doing. */
  private endAssist(v: number): void {
    const a = this.assist!;
    const f = this.fleet;
    this.emit({ kind: 'AssistEnded', timeS: this.nowS, vehicle: v, waitedS: a.waitedS(v), heldS: a.serviceS, onboard: f.load[v] });
    // Back to what it was (charging or servicing cars reach their site through proceed; others get their status there).
    const before = a.finish(v);
    f.status[v] = before === VehicleStatus.charging || before === VehicleStatus.servicing ? before : VehicleStatus.driving;
    this.proceed(v);
    this.admitToOperators();
  }

  // ---- out of service ----

  /**
   * Takes vehicle v out of service (`inService` false: an operator, silent telemetry) or puts it back (true). Out of
   * service: its not-yet-picked-up requests are unassigned and open again (the strategy re-dispatches them), it stops
   * at the next node of its path (at once when standing; when a plug, a bay or an assist holds it, once that ends),
   * and its riders on board then become rescue requests at that node (RescueNeeded). Back in service: only a car that
   * has stopped; it is idle where it stands. Returns whether anything changed. Call between `runUntil` steps.
   */
  setInService(v: number, inService: boolean, reason: string): boolean {
    if (!this.fleet.has(v)) return false;
    this.placeFleetOnce();
    this.toFirstOpenSecond();
    return inService ? this.returnToService(v) : this.takeOutOfService(v, reason, false);
  }

  /** Vehicle v reports a fault: out of service as with `setInService(v, false, reason)`, logged as a fault. */
  fault(v: number, reason = 'fault'): boolean {
    if (!this.fleet.has(v)) return false;
    this.placeFleetOnce();
    this.toFirstOpenSecond();
    return this.takeOutOfService(v, reason, true);
  }

  /**
   * An action from outside (between `runUntil` steps) happens in the first second not yet complete, like a submission:
   * every timer up to the sealed second has run, so the clock may move there (where a car is depends on it).
   */
  private toFirstOpenSecond(): void {
    if (Number.isFinite(this.sealedS)) this.nowS = Math.max(this.nowS, this.sealedS + 1);
  }

  // ---- operator actions (live service, decision 0021) ----

  /**
   * Applies a command from outside the dispatcher (an operator's) now, in the first second not yet complete, after the
   * same validation as the dispatcher's commands; `note` (what the operator did) is logged just before it applies.
   * Returns why it was refused, or null once applied. Call between
   * `runUntil` steps. The strategy may still act on the car later as on any other (a rebalancing car takes work).
   */
  command(c: Command, note?: DistributiveOmit<OperatorActionEvent, 'timeS'>): string | null {
    this.placeFleetOnce();
    this.toFirstOpenSecond();
    const reason = this.checker.check(this.commandState(), c);
    if (reason !== null) return reason;
    if (note) this.emit({ ...note, timeS: this.nowS } as OperatorActionEvent);
    this.commandCount++;
    this.apply(c);
    return null;
  }

  /**
   * Records what an operator did that the engine does not enforce itself (a pause of requests, a live service area, a
   * car sent somewhere), stamped with the first second not yet complete, so the log says when it happened.
   */
  recordOperatorAction(ev: DistributiveOmit<OperatorActionEvent, 'timeS'>): void {
    this.placeFleetOnce();
    this.toFirstOpenSecond();
    this.emit({ ...ev, timeS: this.nowS } as OperatorActionEvent);
  }

  /**
   * The dispatcher's parameters an operator may change (decision 0025): the max wait and those of the preset's
   * policies (`Dispatcher.parameters`); the charging thresholds only in a run with charging sites.
   */
  dispatcherParameters(): DispatcherParameters {
    const own = { ...this.opts.dispatcher.parameters?.() };
    if (!this.energy) {
      delete own.chargeBelowShare;
      delete own.chargeToShare;
    }
    return orderedParameters({ maxWaitS: this.maxWait, ...own });
  }

  /**
   * Changes dispatcher parameters now, in the first second not yet complete, and logs DispatcherParametersChanged
   * with every parameter after the change; the dispatcher reads them from its next decision. A new max wait holds
   * for every request still waiting: each gets a cancellation timer at its new deadline (at once if that has passed).
   * Throws, changing nothing, when `changeRefusal` refuses the change (the message names the field). Returns the
   * parameters after the change.
   */
  tuneDispatcher(change: Partial<DispatcherParameters>, by: string, restored = false): DispatcherParameters {
    const refused = changeRefusal(this.dispatcherParameters(), change);
    if (refused !== null) throw new Error(refused);
    this.placeFleetOnce();
    this.toFirstOpenSecond();
    const { maxWaitS, ...rest } = change;
    if (maxWaitS !== undefined && maxWaitS !== this.maxWait) {
      this.maxWait = maxWaitS;
      this.snapshot.maxWaitS = maxWaitS;
      const b = this.book;
      for (const r of b.waitingRequests()) this.queue.push(Math.max(this.nowS, b.requestS[r] + maxWaitS), Phase.cancel, Timer.cancel, r, 0);
    }
    if (Object.keys(rest).length > 0) this.opts.dispatcher.tune?.(rest);
    const parameters = this.dispatcherParameters();
    this.emit({ kind: 'DispatcherParametersChanged', timeS: this.nowS, dispatcher: this.opts.dispatcher.name, parameters, changed: Object.keys(change).sort(), by, ...(restored ? { restored: true } : {}) });
    return parameters;
  }

  /** Remote operators on duty (0 without the `assistance` option). */
  get assistOperators(): number {
    return this.assist?.operators ?? 0;
  }

  /** Whether vehicle v is in service (false from `setInService(v, false)`/`fault` until it is put back). */
  isInService(v: number): boolean {
    return this.outState[v] === Out.inService;
  }

  private takeOutOfService(v: number, reason: string, fault: boolean): boolean {
    if (this.outState[v] !== Out.inService) return false;
    const f = this.fleet;
    const b = this.book;
    const t = this.nowS;
    // Its waiting riders go back to the strategy, as new requests.
    const plan = f.plans[v];
    let w = 0;
    for (let i = 0; i < plan.length; i++) {
      const code = plan[i];
      const r = codeRequest(code);
      if (b.status[r] === RequestStatus.onboard) {
        plan[w++] = code; // riders on board: dropped off if it stops at their destination, else rescued
        continue;
      }
      if (codeIsDropoff(code)) continue; // its pickup is reopened below (or was, at the pickup stop)
      b.status[r] = RequestStatus.open;
      b.vehicle[r] = -1;
      this.emit({ kind: 'RequestUnassigned', timeS: t, request: r, previousVehicle: v });
      this.deltas.newRequests.push(r);
    }
    plan.length = w;
    f.planChanged(v);
    f.rebalanceTarget[v] = -1;
    f.freeS[v] = -1;
    const st = f.status[v];
    let abandoned: 'charge' | 'service' | 'none' = 'none';
    if (f.chargeSite[v] >= 0 && f.chargeState[v] === ChargeState.heading) {
      this.siteHeading[f.chargeSite[v]]--;
      f.chargeSite[v] = -1;
      f.chargeState[v] = ChargeState.none;
      abandoned = 'charge';
    } else if (this.service && this.service.state[v] === ServiceState.heading) {
      this.service.abandon(v);
      abandoned = 'service';
    }
    this.outState[v] = Out.stopping;
    this.outReason[v] = reason;
    if (this.assistAsked) this.assistAsked[v] = 0; // it stops instead
    this.emit({ kind: 'VehicleOutOfService', timeS: t, vehicle: v, reason, fault, abandoned });
    const moving = f.node[v] !== f.legTarget[v];
    if (st === VehicleStatus.idle) {
      this.stopOutOfService(v);
    } else if (moving && (st === VehicleStatus.driving || st === VehicleStatus.rebalancing || abandoned !== 'none')) {
      f.status[v] = VehicleStatus.outOfService;
      this.movement.cutAtNextNode(v, t);
      this.scheduleArrival(v);
    } else if (st === VehicleStatus.dwelling || abandoned !== 'none') {
      f.status[v] = VehicleStatus.outOfService; // its departure timer stops it
    }
    // Otherwise a plug, a bay or an assist holds it: its end calls proceed, which stops it.
    return true;
  }

  /** The car out of service stands at its node: it stops there; riders on board are rescued (or arrived). */
  private stopOutOfService(v: number): void {
    const f = this.fleet;
    const b = this.book;
    const t = this.nowS;
    const here = f.node[v];
    this.outState[v] = Out.stopped;
    f.status[v] = VehicleStatus.outOfService;
    f.legStartS[v] = t;
    f.legEndS[v] = t;
    f.legTarget[v] = here;
    f.freeS[v] = -1;
    this.emit({ kind: 'VehicleStopped', timeS: t, vehicle: v, node: here });
    for (const code of f.plans[v]) {
      const r = codeRequest(code);
      f.load[v] -= b.riders[r];
      b.vehicle[r] = -1;
      if (b.dropoffNode[r] === here) {
        // Stopped at their destination: they get out.
        b.status[r] = RequestStatus.droppedOff;
        b.active--;
        f.trips[v]++;
        this.emit({ kind: 'DroppedOff', timeS: t, request: r, vehicle: v, riders: b.riders[r], rideS: t - b.pickupS[r] });
        continue;
      }
      b.status[r] = RequestStatus.rescued;
      b.active--;
      const rescue = this.addRescue(r, here);
      this.emit({ kind: 'RescueNeeded', timeS: t, vehicle: v, request: r, rescue, node: here, riders: b.riders[r] });
    }
    f.plans[v] = [];
    f.planChanged(v);
  }

  /** A new request for the riders of r, picked up at `node`, submitted at the first open second. */
  private addRescue(r: number, node: number): number {
    const b = this.book;
    const g = this.opts.graph;
    const atS = Math.max(this.nowS, this.sealedS + 1);
    const d = b.dropoffNode[r];
    const rescue = b.add(
      {
        id: `${b.ids[r]}:rescue`,
        requestS: atS,
        pickupNode: node,
        dropoffNode: d,
        pickupLat: g ? g.lat[node] : 0,
        pickupLon: g ? g.lon[node] : 0,
        dropoffLat: g ? g.lat[d] : 0,
        dropoffLon: g ? g.lon[d] : 0,
        riders: b.riders[r],
        acceptsSharing: b.acceptsSharing[r] === 1,
      },
      atS,
    );
    this.pendingSubmits++;
    this.queue.push(atS, Phase.submit, Timer.submit, rescue, 0);
    return rescue;
  }

  private returnToService(v: number): boolean {
    if (this.outState[v] !== Out.stopped) return false;
    const f = this.fleet;
    this.outState[v] = Out.inService;
    this.outReason[v] = '';
    f.status[v] = VehicleStatus.idle;
    this.emit({ kind: 'VehicleInService', timeS: this.nowS, vehicle: v, node: f.node[v] });
    this.proceed(v);
    return true;
  }

  // ---- requests ----

  /** Submission timer: the request enters the system now. */
  private admit(r: number): void {
    const b = this.book;
    this.pendingSubmits--;
    const cancelledEarly = b.status[r] === RequestStatus.cancelled;
    this.emit({
      kind: 'RequestSubmitted',
      timeS: this.nowS,
      request: r,
      id: b.ids[r],
      pickupNode: b.pickupNode[r],
      dropoffNode: b.dropoffNode[r],
      riders: b.riders[r],
      acceptsSharing: b.acceptsSharing[r] === 1,
    });
    if (cancelledEarly) {
      this.emit({ kind: 'RequestCancelled', timeS: this.nowS, request: r, vehicle: -1, reason: 'rider' });
      return;
    }
    b.open(r);
    this.deltas.newRequests.push(r);
    this.queue.push(b.requestS[r] + this.maxWait, Phase.cancel, Timer.cancel, r, 0);
    if (this.periodS !== undefined && !this.tickerRunning) {
      this.tickerRunning = true;
      this.queue.push(Math.ceil(this.nowS / this.periodS) * this.periodS, Phase.dispatch, Timer.dispatch, -1, 0);
    }
  }

  private cancelWaiting(r: number, reason: CancelReason): void {
    const b = this.book;
    const v = b.vehicle[r];
    b.status[r] = RequestStatus.cancelled;
    b.vehicle[r] = -1;
    b.active--;
    this.deltas.cancelledRequests.push(r);
    this.emit({ kind: 'RequestCancelled', timeS: this.nowS, request: r, vehicle: v, reason });
    if (v >= 0) {
      this.removeFromPlan(v, r);
      this.replan(v);
    }
  }

  private removeFromPlan(v: number, r: number): void {
    const plan = this.fleet.plans[v];
    let w = 0;
    for (let i = 0; i < plan.length; i++) if (codeRequest(plan[i]) !== r) plan[w++] = plan[i];
    plan.length = w;
    this.fleet.planChanged(v);
  }

  // ---- dispatch ----

  private dispatch(): void {
    this.dispatchDue = false;
    this.sealedS = Math.max(this.sealedS, this.nowS);
    this.dispatchCalls++;
    this.snapshot.refresh();
    const commands = this.opts.dispatcher.decide(this.snapshot, this.nowS);
    this.deltas.clear();
    const state = this.commandState();
    for (const c of commands) {
      this.commandCount++;
      const reason = this.checker.check(state, c);
      if (reason !== null) {
        if ((this.opts.invalidCommands ?? 'throw') === 'throw') throw new InvalidCommandError(c, reason, this.nowS);
        this.emit({ kind: 'CommandInvalid', timeS: this.nowS, command: JSON.stringify(c), reason });
        continue;
      }
      this.apply(c);
    }
  }

  /** Applies a command that passed validation. */
  private apply(c: Command): void {
    switch (c.kind) {
      case 'assign':
        return this.applyAssign(c);
      case 'rebalance':
        return this.applyRebalance(c);
      case 'reject':
        return this.applyReject(c);
      case 'charge':
        return this.applyCharge(c);
      case 'service':
        return this.applyService(c);
      default: {
        const never: never = c;
        throw new Error(`engine: unknown command ${JSON.stringify(never)}`);
      }
    }
  }

  private applyAssign(c: AssignCommand): void {
    const f = this.fleet;
    const b = this.book;
    const v = c.vehicle;
    const t = this.nowS;
    // Requests dropped from v's plan that were not picked up become open again.
    for (const code of f.plans[v]) {
      const r = codeRequest(code);
      if (!codeIsDropoff(code) && !this.checker.pickedUpByLast(r)) {
        b.status[r] = RequestStatus.open;
        b.vehicle[r] = -1;
        this.emit({ kind: 'RequestUnassigned', timeS: t, request: r, previousVehicle: v });
      }
    }
    const losers: number[] = [];
    const plan: number[] = new Array<number>(c.stops.length);
    for (let i = 0; i < c.stops.length; i++) {
      const s = c.stops[i];
      plan[i] = stopCode(s);
      if (s.action !== 'pickup') continue;
      const r = s.request;
      const prev = b.vehicle[r];
      if (prev === v) continue;
      if (prev >= 0) {
        this.removeFromPlan(prev, r);
        if (!losers.includes(prev)) losers.push(prev);
      }
      b.status[r] = RequestStatus.assigned;
      b.vehicle[r] = v;
      this.emit({ kind: 'RequestAssigned', timeS: t, request: r, vehicle: v, previousVehicle: prev });
    }
    f.plans[v] = plan;
    f.planChanged(v);
    if (plan.length > 0) f.rebalanceTarget[v] = -1;
    this.replan(v);
    for (const u of losers) this.replan(u);
    if (c.reason && this.opts.explain) this.emit(planExplained(t, v, c.reason));
  }

  private applyRebalance(c: RebalanceCommand): void {
    const f = this.fleet;
    const v = c.vehicle;
    const from = f.status[v] === VehicleStatus.idle || f.status[v] === VehicleStatus.dwelling ? f.node[v] : f.legTarget[v];
    f.rebalanceTarget[v] = c.node;
    this.emit({ kind: 'VehicleRebalanced', timeS: this.nowS, vehicle: v, fromNode: from, toNode: c.node });
    this.replan(v);
  }

  private applyCharge(c: ChargeCommand): void {
    const f = this.fleet;
    const v = c.vehicle;
    f.rebalanceTarget[v] = -1;
    f.chargeSite[v] = c.site;
    f.chargeState[v] = ChargeState.heading;
    f.chargeTargetKwh[v] = c.targetSocKwh;
    this.siteHeading[c.site]++;
    this.emit({ kind: 'VehicleSentToCharge', timeS: this.nowS, vehicle: v, site: c.site, socKwh: f.socKwh[v], targetSocKwh: c.targetSocKwh });
    // Not assignable from now on, also while a drop-off dwell ends (its departure timer then heads for the site).
    const was = f.status[v];
    f.status[v] = VehicleStatus.charging;
    f.freeS[v] = -1;
    if (was === VehicleStatus.idle) this.proceed(v);
    else if (was !== VehicleStatus.dwelling) this.replan(v);
  }

  private applyReject(c: RejectCommand): void {
    const b = this.book;
    const r = c.request;
    const v = b.vehicle[r];
    b.status[r] = RequestStatus.rejected;
    b.vehicle[r] = -1;
    b.active--;
    this.emit({ kind: 'RequestRejected', timeS: this.nowS, request: r, reason: c.reason ?? 'rejected' });
    if (v >= 0) {
      this.removeFromPlan(v, r);
      this.replan(v);
    }
  }
}
