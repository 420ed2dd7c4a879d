// Fleet sizing: the smallest fleet that meets a service level, found by parallel bisection over seeded simulations
// in worker threads, and the clairvoyant lower bound on the same requests for comparison.
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from './worker-module.js';
import type { PlacedTrip } from '../core/demand/placed-trip.js';
import { haversineM } from '../core/geo.js';
import type { RoadGraph } from '../core/network/graph.js';
import type { SpeedProfile, TravelTimes } from '../core/network/travel-times.js';
import { DEFAULT_DWELL } from '../core/sim/engine.js';
import { carTimeFleetBound, pathCoverServiceFleet, type CarTimeTrip, type CarTimeWindow } from '../core/solve/car-time-bound.js';
import { clairvoyantFleetBound, type CoverTrip } from '../core/solve/path-cover.js';
import { clairvoyantFleet, memoFreeFlow, verifyClairvoyantPlan, type ClairvoyantPlanOptions, type FleetRange, type LeaveOutRounds, type PlanTrip } from '../core/solve/clairvoyant-plan.js';
import { DEFAULT_RIDE_LIMITS, type RideLimits } from '../core/dispatch/pooled.js';
import { makePlane } from '../core/network/plane.js';
import type { DispatcherName } from './dispatchers.js';
import type { ForecastPart } from './forecast.js';
import { isNetworkFilePath, saveNetworkWithCh } from './network-source.js';
import type { Scenario } from './scenario.js';
import { hasOperations, type ScenarioRunner } from './scenario-runner.js';
import { OperationsBreakdownAccumulator, type OperationsBreakdown } from '../core/metrics/operations-breakdown.js';
import { InputFileError } from './file-input.js';
import { SettingsError } from './settings-error.js';
import type { RunSettings } from './settings.js';

/** One simulated fleet size: the service level asked for and the KPIs that explain it. */
export interface FleetPoint {
  fleet: number;
  /** Share of all requests picked up within `withinS` of their request, %. */
  servicePct: number;
  withinS: number;
  servedPct: number;
  waitMeanS: number;
  waitP95S: number;
  emptyShare: number;
  utilization: number;
  /** Riders dropped off per car over `spanS`, the simulated span. */
  tripsPerVehicle: number;
  spanS: number;
  /** tripsPerVehicle per simulated day; NaN (null in JSON) when less than a day was simulated. */
  tripsPerVehiclePerDay: number;
  /** Wall time of this simulation (in its worker). */
  wallS: number;
  /** Where the car-hours out of service went, in runs with fleet operations on (charging, servicing, assists). */
  operations?: OperationsBreakdown;
  /** With --assist: remote operators on duty, the share of their time spent helping, and the mean wait for one. */
  assistOperators?: number;
  operatorUtilisation?: number;
  assistWaitMeanS?: number;
}

/** How one simulation of the search is run besides the runner's settings (seed, seats, max wait) and the fleet size. */
export interface FleetRunOptions {
  dispatcher: DispatcherName;
  withinS: number;
  /** Charging, cleaning, maintenance and remote assistance off, whatever the settings say (the comparison run). */
  withoutOperations?: boolean;
  /** With --assist: remote operators on duty instead of --assist-operators (--search-operators). */
  assistOperators?: number;
}

/**
 * Simulates `fleet` cars on the runner's scenario and measures the share of requests picked up within `withinS`,
 * counted from the streamed events (the log is not kept, so memory stays flat however many runs a worker does).
 */
export async function simulateFleet(runner: ScenarioRunner, fleet: number, o: FleetRunOptions): Promise<FleetPoint> {
  let within = 0;
  const operations = !o.withoutOperations && hasOperations(runner.settings) ? new OperationsBreakdownAccumulator() : undefined;
  const { result, wallS } = await runner.run(fleet, o.dispatcher, {
    eventSink: (ev) => {
      if (ev.kind === 'PickedUp' && ev.waitS <= o.withinS) within++;
    },
    keepLog: false,
    ...(operations ? { subscribers: [operations] } : {}),
    ...(o.withoutOperations ? { withoutOperations: true } : {}),
    ...(o.assistOperators !== undefined ? { assistOperators: o.assistOperators } : {}),
  });
  const k = result.summary.kpis;
  return {
    fleet,
    servicePct: k.requests > 0 ? (100 * within) / k.requests : 100,
    withinS: o.withinS,
    servedPct: k.servedPct,
    waitMeanS: k.waitMeanS,
    waitP95S: k.waitP95S,
    emptyShare: k.emptyShare,
    utilization: k.utilization,
    tripsPerVehicle: k.tripsPerVehicle,
    spanS: k.spanS,
    tripsPerVehiclePerDay: k.tripsPerVehiclePerDay,
    wallS,
    ...(operations ? { operations: operations.result(k.spanS) } : {}),
    ...(k.assistOperators > 0 ? { assistOperators: k.assistOperators, operatorUtilisation: k.operatorUtilisation, assistWaitMeanS: k.assistWaitMeanS } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Clairvoyant bound on a real network

/** The bound as fleet sizing reports it. */
export interface ScenarioBound {
  /** Lower bound on single-rider cars that pick up every request within `withinS`. */
  fleet: number;
  withinS: number;
  dwellS: number;
  hubNode: number;
  /** Hour of the day whose (fastest) speed factor all times were taken at. */
  fastestHour: number;
  queriedPairs: number;
  edges: number;
  wallS: number;
}

/**
 * Seconds taken off every travel time given to the bound. The engine rounds each leg to whole seconds (down by up to
 * 0.5 s), so an unreduced time could overstate what the simulated fleet needs and the bound would stop being one.
 */
const ROUNDING_SLACK_S = 1;

/** The node nearest the mean position of all nodes: a hub that splits the city's trips fairly evenly. */
export function hubNodeNearCentroid(graph: RoadGraph): number {
  let lat = 0;
  let lon = 0;
  for (let u = 0; u < graph.nodeCount; u++) {
    lat += graph.lat[u];
    lon += graph.lon[u];
  }
  lat /= graph.nodeCount;
  lon /= graph.nodeCount;
  let best = 0;
  let bestD = Infinity;
  for (let u = 0; u < graph.nodeCount; u++) {
    const d = (graph.lat[u] - lat) ** 2 + ((graph.lon[u] - lon) * Math.cos((lat * Math.PI) / 180)) ** 2;
    if (d < bestD) {
      bestD = d;
      best = u;
    }
  }
  return best;
}

/** Fastest straight-line speed of any edge, m/s: straight line / top speed never overstates a travel time. */
function topCrowSpeedMps(graph: RoadGraph): number {
  let top = 0;
  for (let u = 0; u < graph.nodeCount; u++) {
    for (let e = graph.firstOut[u]; e < graph.firstOut[u + 1]; e++) {
      const v = graph.head[e];
      const mps = haversineM(graph.lat[u], graph.lon[u], graph.lat[v], graph.lon[v]) / (graph.timeMs[e] / 1000);
      if (mps > top) top = mps;
    }
  }
  return top;
}

/**
 * The clairvoyant minimum-fleet bound (src/core/solve/path-cover.ts) on a scenario's requests: single-rider cars,
 * every request picked up within `withinS`. All times are taken in the fastest hour of the speed profile and reduced
 * by the engine's rounding slack, so they never exceed what a simulated car needs; the hub is the node nearest the
 * centroid; `dwellS` defaults to the engine's pickup + drop-off stop time.
 *
 * @example
 * const b = scenarioFleetBound(net.graph, net.travelTimes, net.speedProfile, requests, { withinS: 300 });
 * b.fleet; // no single-rider fleet smaller than this serves every request within 5 min
 */
export function scenarioFleetBound(
  graph: RoadGraph,
  travelTimes: TravelTimes,
  speedProfile: SpeedProfile,
  requests: readonly PlacedTrip[],
  o: { withinS: number; dwellS?: number; hubNode?: number; onProgress?: (phase: 'pairs' | 'flow', done: number, total: number) => void },
): ScenarioBound {
  const t0 = performance.now();
  const factors = speedProfile.hourlyFactors;
  let fastestHour = 0;
  for (let h = 1; h < factors.length; h++) if (factors[h] < factors[fastestHour]) fastestHour = h;
  const departS = fastestHour * 3600;
  const slack = (t: number): number => (t === Infinity ? Infinity : Math.max(0, t - ROUNDING_SLACK_S));
  const trips: CoverTrip[] = requests.map((r) => ({
    requestS: r.requestS,
    pickupNode: r.pickupNode,
    dropoffNode: r.dropoffNode,
    rideS: r.pickupNode === r.dropoffNode ? 0 : slack(travelTimes.timeS(r.pickupNode, r.dropoffNode, departS)),
  }));
  const crowMps = topCrowSpeedMps(graph) / factors[fastestHour];
  const dwellS = o.dwellS ?? DEFAULT_DWELL.pickupS + DEFAULT_DWELL.dropoffS;
  const hubNode = o.hubNode ?? hubNodeNearCentroid(graph);
  const bound = clairvoyantFleetBound(trips, {
    withinS: o.withinS,
    dwellS,
    hubNode,
    manyToMany: (s, t) => travelTimes.manyToMany(s, t, departS).map(slack),
    lowerBoundTimeS: (a, b) => slack(haversineM(graph.lat[a], graph.lon[a], graph.lat[b], graph.lon[b]) / crowMps),
    onProgress: o.onProgress,
  });
  return {
    fleet: bound.fleet,
    withinS: o.withinS,
    dwellS,
    hubNode,
    fastestHour,
    queriedPairs: bound.queriedPairs,
    edges: bound.edges,
    wallS: (performance.now() - t0) / 1000,
  };
}

/** The lower bound for the search's own service target (src/core/solve/car-time-bound.ts), as fleet sizing reports it. */
export interface ScenarioServiceBound {
  /** No dispatcher, even one knowing every request in advance, meets the target with fewer cars of `seats` seats. */
  fleet: number;
  /** The same for cars carrying one rider at a time (what dispatchers that never pool are held to). */
  singleRiderFleet: number;
  seats: number;
  targetPct: number;
  withinS: number;
  /** Requests that may miss the target. */
  skipsAllowed: number;
  /** From riding time alone, single-rider (what the links between pickups add is the difference). */
  blockOnlyFleet: number;
  /** Where the proof lies: one window for 100 %, disjoint ones for a lower target. */
  windows: CarTimeWindow[];
  /** Single-rider fleet the path-cover bound proves for this target (its 100 % bound less the requests that may miss). */
  pathCoverFleet?: number;
  wallS: number;
}

/**
 * The car-time bound on a scenario's requests for a service target: free-flow times from the scenario's travel times
 * (each leg then takes the factor of the hours it may depart in), the engine's dwells, maxWaitS and seats as the
 * simulations use them.
 *
 * @example
 * const b = scenarioServiceBound(net.travelTimes, net.speedProfile, requests, { withinS: 300, targetPct: 95, maxWaitS: 600, seats: 2 });
 * b.fleet; // no dispatcher meets 95 % within 5 min with fewer two-seat cars
 */
export function scenarioServiceBound(
  travelTimes: TravelTimes,
  speedProfile: SpeedProfile,
  requests: readonly PlacedTrip[],
  o: { withinS: number; targetPct: number; maxWaitS: number; seats: number },
): ScenarioServiceBound {
  const t0 = performance.now();
  const departS = 0;
  const factor = travelTimes.speedFactor(departS);
  const trips = carTimeTrips(travelTimes, requests);
  const b = carTimeFleetBound(trips, {
    withinS: o.withinS,
    targetShare: o.targetPct / 100,
    maxWaitS: o.maxWaitS,
    pickupDwellS: DEFAULT_DWELL.pickupS,
    dropoffDwellS: DEFAULT_DWELL.dropoffS,
    seats: o.seats,
    hourlyFactors: speedProfile.hourlyFactors,
    legSlackS: ROUNDING_SLACK_S,
    freeFlowManyToMany: (s, t) => travelTimes.manyToMany(s, t, departS).map((x) => x / factor),
  });
  return {
    fleet: b.fleet,
    singleRiderFleet: b.singleRiderFleet,
    seats: o.seats,
    targetPct: o.targetPct,
    withinS: o.withinS,
    skipsAllowed: b.skipsAllowed,
    blockOnlyFleet: b.blockOnlyFleet,
    windows: b.windows,
    wallS: (performance.now() - t0) / 1000,
  };
}

/**
 * The requests as the clairvoyant bound and plan take them: free-flow ride times (any hour's times divided by its
 * factor are the free-flow times, by the TravelTimes contract).
 */
export function carTimeTrips(travelTimes: TravelTimes, requests: readonly PlacedTrip[]): CarTimeTrip[] {
  const factor = travelTimes.speedFactor(0);
  return requests.map((r) => ({
    requestS: r.requestS,
    pickupNode: r.pickupNode,
    dropoffNode: r.dropoffNode,
    rideFreeFlowS: r.pickupNode === r.dropoffNode ? 0 : travelTimes.timeS(r.pickupNode, r.dropoffNode, 0) / factor,
  }));
}

/** The requests as the clairvoyant plan takes them: unlike the bound, it must keep parties' seats and riders who refuse sharing, as the engine does. */
export function planTrips(travelTimes: TravelTimes, requests: readonly PlacedTrip[]): PlanTrip[] {
  return carTimeTrips(travelTimes, requests).map((t, i) => ({ ...t, riders: requests[i].riders, acceptsSharing: requests[i].acceptsSharing }));
}

/** A feasible clairvoyant plan for the search's target: an upper bound on the optimum the service bound bounds below. */
export interface ScenarioClairvoyantPlan {
  /** Cars with `seats` seats that meet the target knowing every request in advance: the optimum needs no more. */
  fleet: number;
  seats: number;
  targetPct: number;
  withinS: number;
  /** Two seats: the plan keeps the pooled presets' ride limit of the run (plans without one were no smaller on SF). */
  rideLimits: RideLimits | null;
  /** Requests the plan picks up within withinS, checked by an independent replay of its stops. */
  counted: number;
  /** Riders who share a car with another rider at some point. */
  sharedRiders: number;
  /** How hard the plan tried (PLAN_EFFORTS); a thorough search may still keep the quick answer. */
  effort: PlanEffort;
  /** Every fleet planned on the way and what it counted, in order (a thorough plan's quick search first). */
  tried: { fleet: number; counted: number; effort: PlanEffort }[];
  wallS: number;
}

export type PlanEffort = 'quick' | 'thorough';

/**
 * What each effort asks of the planner beyond its defaults. Quick: nothing (a car's last 4 stops movable, nothing left
 * out beforehand). Thorough: after the quick search, plan again from its answer down with the last 5 stops movable and up
 * to 6 rounds of leaving out the longest rides of the hours where a plan fell short (0.2 × what it dropped there):
 * the best planner settings found on SF (docs/fleet-bound.md, "From above"; 125 / 150 cars on the Wednesday and
 * Saturday where quick finds 126 / 153), at several times the time.
 */
export const PLAN_EFFORTS: Readonly<Record<PlanEffort, { modifiableStops?: number; leaveOut?: LeaveOutRounds }>> = {
  quick: {},
  thorough: { modifiableStops: 5, leaveOut: { share: 0.2, rounds: 6 } },
};

/** A thorough plan searches from the quick answer down to this share of it (or the lower bound, if higher). */
const THOROUGH_SPAN = 0.9;

/**
 * The clairvoyant plan's options on a scenario's network: the engine's dwells and hourly factors, free-flow times
 * from its travel times (any hour's time divided by its factor), and the straight-line bound to skip far cars.
 */
export function scenarioPlanOptions(
  graph: RoadGraph,
  travelTimes: TravelTimes,
  speedProfile: SpeedProfile,
  o: Pick<ClairvoyantPlanOptions, 'withinS' | 'seats' | 'rideLimit'>,
): Omit<ClairvoyantPlanOptions, 'fleet'> {
  const factor = travelTimes.speedFactor(0);
  const plane = makePlane(graph);
  return {
    withinS: o.withinS,
    pickupDwellS: DEFAULT_DWELL.pickupS,
    dropoffDwellS: DEFAULT_DWELL.dropoffS,
    seats: o.seats,
    hourlyFactors: speedProfile.hourlyFactors,
    freeFlowS: (a, b) => travelTimes.timeS(a, b, 0) / factor,
    ...(plane ? { freeFlowLowerS: (a: number, b: number) => Math.hypot(plane.x[a] - plane.x[b], plane.y[a] - plane.y[b]) / plane.maxMPerMs / 1000 } : {}),
    ...(o.rideLimit ? { rideLimit: o.rideLimit } : {}),
  };
}

/** Refuses seats the clairvoyant plan does not handle (it plans one or two riders at once). */
export function checkClairvoyantPlanSeats(seats: number): void {
  if (seats !== 1 && seats !== 2) throw new SettingsError(`--clairvoyant-plan: plans cars of 1 or 2 seats, not ${seats} (--seats)`);
}

/**
 * Plans the day knowing every request (src/core/solve/clairvoyant-plan.ts) and finds the smallest planned fleet that
 * meets the target, from `startFleet` (e.g. the simulated fleet found) down to `minFleet` (e.g. the lower bound):
 * the clairvoyant optimum needs at most that many cars, so chosen / plan is a lower end for the optimality gap.
 *
 * @example
 * const p = scenarioClairvoyantPlan(net.graph, net.travelTimes, net.speedProfile, requests, { withinS: 300, targetPct: 95, seats: 2, minFleet: 67, startFleet: 173 });
 */
export function scenarioClairvoyantPlan(
  graph: RoadGraph,
  travelTimes: TravelTimes,
  speedProfile: SpeedProfile,
  requests: readonly PlacedTrip[],
  o: {
    withinS: number;
    targetPct: number;
    seats: number;
    minFleet: number;
    startFleet: number;
    rideLimits?: RideLimits;
    effort?: PlanEffort;
    onPlan?: (fleet: number, counted: number, effort: PlanEffort) => void;
  },
): ScenarioClairvoyantPlan {
  checkClairvoyantPlanSeats(o.seats);
  const t0 = performance.now();
  const effort = o.effort ?? 'quick';
  const trips = planTrips(travelTimes, requests);
  const rideLimits = o.seats === 2 ? { ...(o.rideLimits ?? DEFAULT_RIDE_LIMITS) } : null;
  const plain = scenarioPlanOptions(graph, travelTimes, speedProfile, { withinS: o.withinS, seats: o.seats, rideLimit: rideLimits ?? undefined });
  // One memo of free-flow times for the quick search, the thorough one and the check: they ask the same pairs.
  const base = { ...plain, freeFlowS: memoFreeFlow(plain.freeFlowS, trips) };
  const optionsOf = (e: PlanEffort): Omit<ClairvoyantPlanOptions, 'fleet'> => {
    const { modifiableStops } = PLAN_EFFORTS[e];
    return modifiableStops === undefined ? base : { ...base, modifiableStops };
  };
  const search = (e: PlanEffort, range: FleetRange) => {
    const r = clairvoyantFleet(trips, o.targetPct / 100, optionsOf(e), range, (fleet, counted) => o.onPlan?.(fleet, counted, e), PLAN_EFFORTS[e].leaveOut);
    return { ...r, effort: e, tried: r.tried.map((t) => ({ ...t, effort: e })) };
  };
  let best = search('quick', { min: o.minFleet, max: o.startFleet });
  let tried = best.tried;
  if (effort === 'thorough' && best.fleet > o.minFleet) {
    // The quick answer suffices already; the thorough planner looks below it, and stops if one car fewer falls short
    // (plans need not shrink monotonically with the fleet, so this is a search, not a proof, as the quick one is).
    // It steps down from there (1, 2, 4, … cars) before bisecting: on SF its answer lies 1–3 cars below quick's.
    const top = best.fleet - 1;
    const thorough = search('thorough', { min: Math.max(o.minFleet, Math.floor(THOROUGH_SPAN * best.fleet)), max: top, grow: false, descend: true });
    tried = [...tried, ...thorough.tried];
    if (thorough.met) best = thorough;
  }
  // Only the plan kept is checked, against the options it was planned with.
  const counted = verifyClairvoyantPlan(trips, best.plan, optionsOf(best.effort));
  return {
    fleet: best.fleet,
    seats: o.seats,
    targetPct: o.targetPct,
    withinS: o.withinS,
    rideLimits,
    counted,
    sharedRiders: best.plan.shared,
    effort,
    tried,
    wallS: (performance.now() - t0) / 1000,
  };
}

/** The service bound joined by the clairvoyant path-cover bound (a second, independent proof): the larger of the two. */
export function withPathCover(service: ScenarioServiceBound, pathCover: ScenarioBound): ScenarioServiceBound {
  // The path cover is computed with the same wait limit; its dwell may differ, which only weakens it.
  if (pathCover.withinS !== service.withinS) return service;
  const single = pathCoverServiceFleet(pathCover.fleet, service.skipsAllowed, 1);
  return {
    ...service,
    pathCoverFleet: single,
    singleRiderFleet: Math.max(service.singleRiderFleet, single),
    fleet: Math.max(service.fleet, pathCoverServiceFleet(pathCover.fleet, service.skipsAllowed, service.seats)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The search

/** A service level that gains less than this (percentage points) while the fleet doubles has hit its ceiling. */
const CEILING_GAIN_PCT = 0.1;

/** What the search is asked to find. */
export interface SearchOptions {
  /** Service level to meet, % of requests picked up within the limit (e.g. 95). */
  targetPct: number;
  /** Stop when the bracket is this many cars wide (the answer is at most this far above the true smallest). */
  tolerance: number;
  /** Smallest / largest fleet the user allows (default: found by doubling, up to `cap`). */
  min?: number;
  max?: number;
  /** Step of the doubling: it tries lo + start·2^k, lo being the largest fleet known to miss (default 8). */
  start?: number;
  /** Largest fleet the doubling may reach (default 100 000). */
  cap?: number;
  /** Simulations evaluated at once (the worker count). */
  parallel: number;
  /** Points simulated before (same scenario and run options) that the search may reuse instead of re-running. */
  known?: readonly FleetPoint[];
}

export interface SearchResult {
  /** Smallest fleet found meeting the target; undefined if none up to the limit did. */
  fleet?: number;
  /** Every simulated point, by fleet. */
  curve: FleetPoint[];
  /** Why there is no answer, or caveats about it (non-monotone points met and handled). */
  notes: string[];
}

/**
 * Smallest fleet whose simulated service level meets the target: doubling until a fleet meets it, then k-ary
 * bisection (k = `parallel` simulations per round, so both cores work), then a check of answer − tolerance and
 * answer + tolerance.
 *
 * NOTE: the service level is not strictly monotone in the fleet: another fleet size draws other start positions and
 * the greedy dynamics are chaotic, so it wobbles by a few tenths of a percent. Bisection assumes monotonicity only
 * where it matters: if answer − tolerance also meets the target, the search continues below it; if answer +
 * tolerance misses, the answer was a lucky dip and the search continues above it. Each such event is listed in
 * `notes`. The answer therefore meets the target, with answer − tolerance missing and answer + tolerance meeting it.
 */
export async function searchSmallestFleet(evaluate: (fleets: number[]) => Promise<FleetPoint[]>, o: SearchOptions): Promise<SearchResult> {
  const measured = new Map<number, FleetPoint>();
  for (const p of o.known ?? []) measured.set(p.fleet, p);
  const notes: string[] = [];
  const cap = Math.max(1, Math.floor(o.max ?? o.cap ?? 100_000));
  const parallel = Math.max(1, o.parallel);
  const tolerance = Math.max(1, Math.floor(o.tolerance));
  const passes = (f: number): boolean => measured.get(f)!.servicePct >= o.targetPct;
  const measure = async (fleets: number[]): Promise<void> => {
    const todo = [...new Set(fleets.map((f) => Math.round(f)))].filter((f) => f >= 1 && f <= cap && !measured.has(f));
    if (todo.length === 0) return;
    for (const p of await evaluate(todo)) measured.set(p.fleet, p);
  };
  const curve = (): FleetPoint[] => [...measured.values()].sort((a, b) => a.fleet - b.fleet);
  if (!(o.targetPct > 0 && o.targetPct <= 100)) throw new Error(`fleet search: target ${o.targetPct} % must be in (0, 100]`);
  /** Largest measured failing fleet below `hi` (0 cars serve nobody). */
  const failingBelow = (hi: number): number => {
    let lo = 0;
    for (const f of measured.keys()) if (f < hi && f > lo && !passes(f)) lo = f;
    return lo;
  };
  /** Smallest fleet meeting the target found by trying lo + step·2^k, `parallel` at a time, up to the cap. */
  const growFrom = async (lo: number, step: number): Promise<number | undefined> => {
    for (let k = 0; ; ) {
      const batch: number[] = [];
      for (let b = 0; b < parallel; b++, k++) {
        const f = Math.min(cap, lo + step * 2 ** k);
        if (f > lo && !batch.includes(f)) batch.push(f);
      }
      if (batch.length === 0) return undefined;
      await measure(batch);
      const ok = batch.filter((f) => passes(f));
      if (ok.length > 0) return Math.min(...ok);
      if (batch[batch.length - 1] >= cap) return undefined;
      // A level flat over a doubling fleet (three or more runs) is a ceiling: requests no car reaches in time, e.g. far
      // from every start position. More doubling would only burn simulations.
      const top = batch[batch.length - 1];
      const topPct = measured.get(top)!.servicePct;
      const flat = [...measured.values()]
        .filter((p) => p.fleet <= top)
        .sort((a, b) => b.fleet - a.fleet)
        .filter((_, idx, all) => all.slice(0, idx + 1).every((q) => Math.abs(q.servicePct - topPct) < CEILING_GAIN_PCT));
      const from = flat.length > 0 ? flat[flat.length - 1].fleet : top;
      if (flat.length >= 3 && top >= 2 * from) {
        notes.push(`the service level stays at ${topPct.toFixed(2)} % from ${from} to ${top} cars: a ceiling below the target`);
        return undefined;
      }
    }
  };

  // Bracket: lo misses the target (0 cars trivially), hi meets it.
  let lo = 0;
  if (o.min !== undefined || o.max !== undefined) await measure([o.min ?? 0, o.max ?? 0]);
  if (o.min !== undefined && passes(o.min)) {
    notes.push(`the lower limit --min ${o.min} already meets the target`);
    return { fleet: o.min, curve: curve(), notes };
  }
  if (o.min !== undefined) lo = o.min;
  if (o.max !== undefined && !passes(cap)) {
    notes.push(`the target is not met even at the upper limit --max ${cap}`);
    return { curve: curve(), notes };
  }
  // Without --max: the smallest known fleet that meets the target, else grow from the largest known one that misses.
  const knownOk = [...measured.keys()].filter((f) => f >= lo && passes(f));
  const first =
    o.max !== undefined ? cap : knownOk.length > 0 ? Math.min(...knownOk) : await growFrom(Math.max(lo, failingBelow(Infinity)), Math.max(1, Math.floor(o.start ?? 8)));
  if (first === undefined) {
    notes.push(`the target is not met by any fleet up to ${cap} cars`);
    return { curve: curve(), notes };
  }
  let hi = first;
  lo = failingBelow(hi);

  for (let round = 0; round < 6; round++) {
    while (hi - lo > tolerance) {
      const span = hi - lo;
      const points: number[] = [];
      for (let k = 1; k <= parallel; k++) points.push(lo + Math.round((span * k) / (parallel + 1)));
            await measure(points.filter((p) => p > lo && p < hi));
      const top = hi;
      for (const p of points) if (p > lo && p < top && passes(p)) hi = Math.min(hi, p);
      lo = failingBelow(hi);
    }
    // Check the neighbourhood the monotone reasoning skipped.
    const below = hi - tolerance;
    const above = hi + tolerance;
    await measure([below, above]);
    if (measured.has(below) && passes(below)) {
      notes.push(`non-monotone: ${below} cars meet the target although ${lo} do not; searched again below ${hi}`);
      hi = below;
      lo = failingBelow(hi);
      continue;
    }
    if (measured.has(above) && !passes(above)) {
      notes.push(`non-monotone: ${hi} cars meet the target but ${above} do not; searched again above ${above}`);
      const higher = await growFrom(above, tolerance);
      if (higher === undefined) {
        notes.push(`the target is not met reliably by any fleet up to ${cap} cars`);
        return { curve: curve(), notes };
      }
      hi = higher;
      lo = failingBelow(hi);
      continue;
    }
    return { fleet: hi, curve: curve(), notes };
  }
  notes.push(`the service level kept wobbling around the target; ${hi} cars is the smallest that met it`);
  return { fleet: hi, curve: curve(), notes };
}

/** What the search for the fleet without operations needs besides the evaluation. */
export interface BaselineSearchOptions {
  targetPct: number;
  tolerance: number;
  parallel: number;
  /** Largest fleet the search may try when even the fleet with operations misses the target without them. */
  cap: number;
  /** The fleet found with operations on: without them it should meet the target too, so it brackets the search. */
  withOperations: number;
  /** How many fewer cars to try first (e.g. the peak of cars out of service); at least `tolerance`. */
  firstStepDown: number;
}

/**
 * The smallest fleet meeting the target with every operation off, searched with `searchSmallestFleet` inside a
 * bracket: its upper end is the fleet found with operations on (which, without the cars' hours out of service, should
 * meet the target too), its lower end a fleet `firstStepDown` cars below, simulated in the same round; while that one
 * also meets the target, the step doubles. So the search costs a few simulations, not a search from scratch.
 *
 * @example
 * const off = await searchFleetWithoutOperations((fleets) => engine.simulate(fleets, { ...run, withoutOperations: true }),
 *   { targetPct: 95, tolerance: 10, parallel: 2, cap: 5000, withOperations: 356, firstStepDown: 30 });
 * off.fleet; // e.g. 320
 */
export async function searchFleetWithoutOperations(evaluate: (fleets: number[]) => Promise<FleetPoint[]>, o: BaselineSearchOptions): Promise<SearchResult> {
  const known = new Map<number, FleetPoint>();
  const measure = async (fleets: number[]): Promise<void> => {
    const todo = [...new Set(fleets)].filter((f) => f >= 1 && !known.has(f));
    if (todo.length > 0) for (const p of await evaluate(todo)) known.set(p.fleet, p);
  };
  const passes = (f: number): boolean => known.get(f)!.servicePct >= o.targetPct;
  const tolerance = Math.max(1, Math.floor(o.tolerance));
  const upper = Math.max(1, o.withOperations);
  let step = Math.max(tolerance, Math.ceil(o.firstStepDown));
  let below = Math.max(1, upper - step);
  await measure([upper, below]);
  const base = { targetPct: o.targetPct, tolerance, parallel: o.parallel };
  if (!passes(upper)) {
    // Fewer cars never did better here: search upwards from the fleet with operations, as a fresh search would.
    const up = await searchSmallestFleet(evaluate, { ...base, cap: o.cap, start: tolerance, known: [...known.values()] });
    return { ...up, notes: [`${upper} cars miss the target even without operations`, ...up.notes] };
  }
  let hi = upper;
  while (below > 1 && passes(below)) {
    hi = below;
    step *= 2;
    below = Math.max(1, hi - step);
    await measure([below]);
  }
  if (passes(below)) return { fleet: below, curve: [...known.values()].sort((a, b) => a.fleet - b.fleet), notes: [] };
  return searchSmallestFleet(evaluate, { ...base, min: below, max: hi, known: [...known.values()] });
}

/** What the operator-pool search found (`fleet-size --search-operators`). */
export interface OperatorSearchResult {
  /** Smallest pool found that keeps the target at the fleet; undefined if even `max` operators miss it. */
  operators?: number;
  /** Every simulated pool (points of the same fleet), by `assistOperators`. */
  curve: FleetPoint[];
  notes: string[];
}

/**
 * Smallest remote-operator pool, in 1..`max`, whose simulated service level meets the target at a fixed fleet: k-ary
 * bisection (`parallel` pools per round), `evaluate` simulating the fleet with each pool. `known`: points already
 * simulated at that fleet (the fleet search's point, run with `max` operators). Then one more check above the
 * answer: the level is not strictly monotone in the pool either (other queueing, other dispatch), so if answer + 1
 * misses, the search goes on above it (noted).
 *
 * @example
 * const r = await searchSmallestPool((pools) => Promise.all(pools.map((k) => simulateFleet(runner, 356, { ...run, assistOperators: k }))), { targetPct: 95, max: 10, parallel: 2 });
 * r.operators; // e.g. 3
 */
export async function searchSmallestPool(
  evaluate: (pools: number[]) => Promise<FleetPoint[]>,
  o: { targetPct: number; max: number; parallel: number; known?: readonly FleetPoint[] },
): Promise<OperatorSearchResult> {
  const max = Math.max(1, Math.floor(o.max));
  const parallel = Math.max(1, o.parallel);
  const measured = new Map<number, FleetPoint>();
  for (const p of o.known ?? []) if (p.assistOperators !== undefined) measured.set(p.assistOperators, p);
  const notes: string[] = [];
  const curve = (): FleetPoint[] => [...measured.values()].sort((a, b) => a.assistOperators! - b.assistOperators!);
  const measure = async (pools: number[]): Promise<void> => {
    const todo = [...new Set(pools)].filter((k) => k >= 1 && k <= max && !measured.has(k));
    if (todo.length === 0) return;
    const points = await evaluate(todo);
    points.forEach((p, i) => measured.set(p.assistOperators ?? todo[i], p));
  };
  const passes = (k: number): boolean => measured.get(k)!.servicePct >= o.targetPct;
  /** Largest measured failing pool below `hi` (no operator at all helps nobody: 0 fails). */
  const failingBelow = (hi: number): number => Math.max(0, ...[...measured.keys()].filter((k) => k < hi && !passes(k)));
  await measure([max]);
  if (!passes(max)) {
    notes.push(`the target is not met even with ${max} operators`);
    return { curve: curve(), notes };
  }
  let hi = Math.min(...[...measured.keys()].filter(passes));
  let lo = failingBelow(hi);
  for (let round = 0; round < 4; round++) {
    while (hi - lo > 1) {
      const span = hi - lo;
      const points: number[] = [];
      for (let k = 1; k <= parallel; k++) points.push(lo + Math.max(1, Math.round((span * k) / (parallel + 1))));
      await measure(points.filter((p) => p > lo && p < hi));
      for (const p of points) if (p > lo && p < hi && passes(p)) hi = p;
      lo = failingBelow(hi);
    }
    if (hi >= max) break;
    await measure([hi + 1]);
    if (passes(hi + 1)) break;
    notes.push(`non-monotone: ${hi} operators meet the target but ${hi + 1} do not; searched again above ${hi + 1}`);
    lo = hi + 1;
    hi = Math.min(...[...measured.keys()].filter((k) => k > lo && passes(k)));
  }
  return { operators: hi, curve: curve(), notes };
}

// ---------------------------------------------------------------------------------------------------------------
// Worker threads

/** What a worker needs to rebuild the runner: a network file, the requests (cloned) and the run settings. */
export interface WorkerScenario {
  networkFile: string;
  hourlyFactors: number[];
  requests: PlacedTrip[];
  /** The scenario's small fields (where its demand came from, for presets that forecast from earlier days). */
  facts: Pick<Scenario, 'description' | 'history' | 'dayStartEpochS' | 'humanFleet'>;
  run: RunSettings;
  /** The forecast the main thread read (presets that rebalance), so no worker reads the trip file again. */
  forecast?: ForecastPart;
}

/** A job for a worker. */
export type FleetJob =
  | { kind: 'simulate'; fleet: number; run: FleetRunOptions }
  | { kind: 'bound'; withinS: number; dwellS?: number };

/** Messages from a worker. */
/** A worker's answer to a job that succeeded: a simulated point or the bound. */
export type JobDone = { id: number; ok: true; point?: FleetPoint; bound?: ScenarioBound };
export type WorkerReply =
  | JobDone
  | { id: number; ok: false; error: string; userError?: UserErrorData }
  | { ready: true; loadS: number };

/** A user's mistake met in a worker (a bad input file, a bad setting), sent as data: an Error's class does not cross threads. */
export type UserErrorData = { kind: 'input'; file: string; problem: string } | { kind: 'settings'; message: string };

/** The data of a user's mistake (undefined for any other error), for a worker's reply. */
export function userErrorData(err: unknown): UserErrorData | undefined {
  if (err instanceof InputFileError) return { kind: 'input', file: err.file, problem: err.problem };
  if (err instanceof SettingsError) return { kind: 'settings', message: err.message };
  return undefined;
}

/** The error a worker's failed reply stands for: the user's mistake as its own class (printed without a stack), else an Error. */
function replyError(msg: { error: string; userError?: UserErrorData }): Error {
  const u = msg.userError;
  if (u?.kind === 'input') return new InputFileError(u.file, u.problem);
  if (u?.kind === 'settings') return new SettingsError(u.message);
  return new Error(msg.error);
}

/** Starts one worker thread on fleet-size-worker (compiled, or from TypeScript source under tsx and vitest). */
function startWorker(data: WorkerScenario): Worker {
  return startModuleWorker(import.meta.url, 'fleet-size-worker', 'baton-fleet-size', { workerData: data });
}

/**
 * A fixed set of worker threads, each holding its own copy of the scenario (ChTravelTimes is not re-entrant) and
 * running one job at a time; jobs queue in submission order.
 */
export class FleetWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { job: FleetJob; resolve: (r: WorkerReply) => void; reject: (e: Error) => void }[] = [];
  private readonly pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  /** Seconds each worker took to load its scenario (measured inside the worker). */
  readonly loadS: number[] = [];
  private readonly ready: Promise<void>;

  constructor(data: WorkerScenario, size: number) {
    const readies: Promise<void>[] = [];
    for (let w = 0; w < size; w++) {
      const worker = startWorker(data);
      this.workers.push(worker);
      readies.push(
        new Promise<void>((resolve, reject) => {
          worker.on('message', (msg: WorkerReply) => {
            if ('ready' in msg) {
              this.loadS.push(msg.loadS);
              this.release(worker);
              resolve();
              return;
            }
            const p = this.pending.get(msg.id);
            this.pending.delete(msg.id);
            this.release(worker);
            if (!p) return;
            if (msg.ok) p.resolve(msg);
            else p.reject(replyError(msg));
          });
          worker.on('error', (err) => {
            reject(err);
            for (const p of this.pending.values()) p.reject(err);
            this.pending.clear();
          });
        }),
      );
    }
    this.ready = Promise.all(readies).then(() => undefined);
    this.ready.catch(() => undefined); // reported through run()
  }

  get size(): number {
    return this.workers.length;
  }

  /** Resolves when every worker has loaded its scenario; rejects with the first worker's failure. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  private release(worker: Worker): void {
    const next = this.queue.shift();
    if (next) this.dispatch(worker, next);
    else this.idle.push(worker);
  }

  private dispatch(worker: Worker, item: { job: FleetJob; resolve: (r: WorkerReply) => void; reject: (e: Error) => void }): void {
    const id = this.nextId++;
    this.pending.set(id, { resolve: item.resolve, reject: item.reject });
    worker.postMessage({ id, job: item.job });
  }

  /** Runs a job on the next free worker. */
  async run(job: FleetJob): Promise<JobDone> {
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      const item = { job, resolve, reject };
      const worker = this.idle.shift();
      if (worker) this.dispatch(worker, item);
      else this.queue.push(item);
      this.ready.catch(reject);
    });
    return reply as JobDone;
  }

  /** Simulates one fleet size on the next free worker. */
  async simulate(fleet: number, run: FleetRunOptions): Promise<FleetPoint> {
    return (await this.run({ kind: 'simulate', fleet, run })).point!;
  }

  /** Computes the clairvoyant bound on the next free worker. */
  async bound(withinS: number, dwellS?: number): Promise<ScenarioBound> {
    return (await this.run({ kind: 'bound', withinS, dwellS })).bound!;
  }

  /** Stops every worker (jobs still queued are dropped). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Worker threads to use by default: one per core. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/**
 * What to hand workers for a runner: its network as a `.baton` path (the user's file, or a temporary copy with the
 * hierarchy so no worker rebuilds it), the requests themselves and the run settings. `cleanup` removes the temporary file.
 */
export function workerScenarioFor(
  runner: ScenarioRunner,
  networkInputs: readonly string[] | undefined,
  forecast?: ForecastPart,
): { data: WorkerScenario; cleanup: () => void } {
  const scenario = runner.scenario;
  // The user's file only when the scenario routes on it whole: an operating area cuts it, so workers get the cut copy.
  const whole = scenario.operatingArea === undefined;
  let networkFile = whole && networkInputs && networkInputs.length === 1 && isNetworkFilePath(networkInputs[0]) ? networkInputs[0] : undefined;
  let tmp: string | undefined;
  if (!networkFile) {
    tmp = mkdtempSync(join(tmpdir(), 'baton-fleet-size-'));
    networkFile = join(tmp, 'network.baton');
    saveNetworkWithCh(networkFile, scenario.network.graph, scenario.network.ch);
  }
  return {
    data: {
      networkFile,
      hourlyFactors: [...scenario.network.speedProfile.hourlyFactors],
      requests: scenario.requests,
      facts: { description: scenario.description, history: scenario.history, dayStartEpochS: scenario.dayStartEpochS, humanFleet: scenario.humanFleet },
      run: runner.settings,
      ...(forecast ? { forecast } : {}),
    },
    cleanup: () => {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    },
  };
}
