// Pooled dispatch in the spirit of Alonso-Mora et al. (PNAS 2017), for up to two requests per car: every period, build
// request–vehicle and request–request candidates, enumerate each car's feasible trips (one or two requests, best stop
// order computed exactly with the engine's leg rounding) and choose trips exactly with a 0/1 program per batch.
//
// Index conventions: vehicles, requests and nodes as in types.ts. A stop code is request * 2 + (1 for a drop-off).
import { makePlane, type Plane } from '../network/plane.js';
import { BoundedSearch } from '../network/bounded-search.js';
import type { RoadGraph } from '../network/graph.js';
import type { TravelTimes } from '../network/travel-times.js';
import { AssignmentSolver } from '../solve/assignment.js';
import type { BinaryProgram, BinaryProgramSolver } from '../solve/ilp.js';
import {
  MAX_REASON_ALTERNATIVES,
  RequestStatus,
  legTimeS,
  roundLegS,
  takesWork,
  type Command,
  type DispatchReason,
  type Dispatcher,
  type FleetSnapshot,
  type ReasonAlternative,
  type Stop,
} from './types.js';

export interface PooledOptions {
  /** Exact 0/1 program solver (HiGHS from io/, or bruteForceBinaryProgram for tiny tests). */
  solver: BinaryProgramSolver;
  /** Batch period, seconds (default 10, like `batch`: a request waits at most one period before its first plan). */
  periodS?: number;
  /**
   * Cost of leaving request r unserved in a batch, as in `batch`: maxWaitS + unassignedBaseS + ageWeight × age. It
   * exceeds any single's wait, so a request is served whenever a car can make it, and an older request outbids a
   * newer one for the same car (no starvation). Defaults 60 and 2.
   */
  unassignedBaseS?: number;
  ageWeight?: number;
  /** Detour limit floor, seconds (default 180). */
  minDetourS?: number;
  /** Detour limit as a share of the direct ride time (default 0.5). */
  detourShare?: number;
  /**
   * Most candidate cars per request, earliest exact pickup arrival first (default 8; the request's current car is
   * always kept). NOTE: this is the one pruning that is not exact; Infinity keeps every car that can arrive in time.
   */
  maxVehiclesPerRequest?: number;
  /**
   * Most two-request trips kept per car, best objective first (default 24). NOTE: like maxVehiclesPerRequest a
   * speed bound (Alonso-Mora et al. cap trips per vehicle too); Infinity keeps all and the choice is exact over them.
   */
  maxPairTripsPerVehicle?: number;
  /**
   * Service-target shaping of the objective (decision 0027; off by default): a pickup later than `serviceTargetS`
   * after the request costs `lateS` more, and every request's unserved penalty grows by `lateS` too, so a request
   * is still served whenever a car can make it within the max wait, but cars go first to the requests that can still
   * be picked up within the target. Defaults: target 300 s, lateS 0 (off).
   */
  serviceTargetS?: number;
  lateS?: number;
}

/** The pooling objective of the `pooled+anticipate` preset (decision 0027): pickups after 5 min cost 10 min more. */
export const ANTICIPATE_POOLING: Readonly<Pick<PooledOptions, 'serviceTargetS' | 'lateS'>> = { serviceTargetS: 300, lateS: 600 };

/** The ride limits the pooled dispatcher promises each rider. */
export interface RideLimits {
  minDetourS: number;
  detourShare: number;
}

export const DEFAULT_RIDE_LIMITS: RideLimits = { minDetourS: 180, detourShare: 0.5 };

/** Requests per car at once (riders on board included). */
const MAX_REQUESTS_PER_CAR = 2;

/**
 * In-vehicle seconds of a solo ride picked up at `pickupS`: the pickup dwell plus the direct leg departing after it
 * (the engine's DroppedOff.rideS of an unshared trip).
 */
export function directRideS(tt: TravelTimes, pickupNode: number, dropoffNode: number, pickupS: number, pickupDwellS: number): number {
  return pickupDwellS + legTimeS(tt, pickupNode, dropoffNode, pickupS + pickupDwellS);
}

/** Extra in-vehicle seconds allowed over the direct ride: the larger of the floor and the share of the ride. */
export function maxDetourS(directS: number, limits: RideLimits = DEFAULT_RIDE_LIMITS): number {
  return Math.max(limits.minDetourS, Math.floor(limits.detourShare * directS));
}

const hourOf = (departS: number): number => {
  const h = Math.floor(departS / 3600) % 24;
  return h < 0 ? h + 24 : h;
};

/**
 * Leg times exactly as the engine rounds them, cached. With a road graph a leg is roundLegS((ms / 1000) × f) from a
 * cached free-flow ms and the travel times' own hourly factor f (TravelTimes.speedFactor), so free-flow ms from our own
 * Dijkstra searches can be used directly. Otherwise every leg is a cached travel-time query per hour.
 */
class LegTimes {
  readonly factor: Float64Array | null;
  /** Smallest and largest hourly factor (lower bounds on any leg use the smallest). */
  readonly minFactor: number;
  /** Largest hourly factor (Infinity without a road graph). */
  readonly maxFactor: number;
  private readonly msCache = new Map<number, number>();
  private readonly sCache = new Map<number, number>();
  private readonly n: number;
  /** This batch's dense free-flow table over its request nodes: slot per node (-1 none), row-major ms. */
  private slot = new Int32Array(0);
  private slotted: number[] = [];
  private tableMs: Float64Array = new Float64Array(0);

  constructor(
    private readonly tt: TravelTimes,
    graph: RoadGraph | undefined,
  ) {
    this.n = tt.nodeCount;
    // With a road graph, our own searches give free-flow ms and the contract gives the factor that turns them into the
    // engine's times exactly; without one, every leg is a travel-time query.
    this.factor = graph ? Float64Array.from({ length: 24 }, (_, h) => tt.speedFactor(h * 3600)) : null;
    this.maxFactor = this.factor ? Math.max(...this.factor) : Infinity;
    this.minFactor = this.factor ? Math.min(...this.factor) : 0;
  }

  /**
   * Replaces the batch table with one CH many-to-many table over `nodes` (fast mode only): one bucket query instead of
   * a point query per leg.
   */
  setBatchNodes(nodes: readonly number[]): void {
    if (this.slot.length !== this.n) this.slot = new Int32Array(this.n).fill(-1);
    for (const u of this.slotted) this.slot[u] = -1;
    this.slotted = [...nodes];
    nodes.forEach((u, i) => (this.slot[u] = i));
    const f = this.factor![0];
    const t = this.tt.manyToMany(nodes, nodes, 0);
    for (let k = 0; k < t.length; k++) t[k] = Math.round((t[k] * 1000) / f);
    this.tableMs = t;
  }

  /** Forgets the previous batch's table, and the point cache once it grows large (memory stays bounded over a day). */
  boundCache(): void {
    for (const u of this.slotted) this.slot[u] = -1;
    this.slotted = [];
    if (this.msCache.size > 1_000_000) this.msCache.clear();
    if (this.sCache.size > 1_000_000) this.sCache.clear();
  }

  /** Free-flow ms (fast mode only), from the batch table or cached point queries. */
  ms(a: number, b: number): number {
    const sa = this.slot.length > 0 ? this.slot[a] : -1;
    if (sa >= 0) {
      const sb = this.slot[b];
      if (sb >= 0) return this.tableMs[sa * this.slotted.length + sb];
    }
    const key = a * this.n + b;
    let ms = this.msCache.get(key);
    if (ms === undefined) {
      const f = this.factor![0];
      ms = Math.round((this.tt.timeS(a, b, 0) * 1000) / f);
      this.msCache.set(key, ms);
    }
    return ms;
  }

  /** The engine's seconds for the leg a → b departing at departS. */
  legS(a: number, b: number, departS: number): number {
    if (a === b) return 0;
    if (this.factor) return roundLegS((this.ms(a, b) / 1000) * this.factor[hourOf(departS)]);
    const key = (a * this.n + b) * 24 + hourOf(departS);
    let s = this.sCache.get(key);
    if (s === undefined) {
      s = legTimeS(this.tt, a, b, departS);
      this.sCache.set(key, s);
    }
    return s;
  }

  /** Leg seconds from a free-flow ms known exactly (fast mode). */
  legFromMs(ms: number, departS: number): number {
    return ms === 0 ? 0 : roundLegS((ms / 1000) * this.factor![hourOf(departS)]);
  }
}

/** Open cars bucketed by square cells over the plane (rebuilt every batch). */
interface Grid {
  x0: number;
  y0: number;
  cellM: number;
  nx: number;
  ny: number;
  /** CSR over cells (nx × ny + 1) into cellCar. */
  cellFirst: Int32Array;
  cellCar: Int32Array;
  fill: Int32Array;
  carCell: Int32Array;
  /** Earliest divert time and fastest reach (m per s of travel) over this batch's open cars. */
  minDivS: number;
  maxReachMPerS: number;
}

const GRID_CELL_M = 400;

function makeGrid(plane: Plane, vehicleCount: number): Grid {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < plane.x.length; i++) {
    x0 = Math.min(x0, plane.x[i]);
    x1 = Math.max(x1, plane.x[i]);
    y0 = Math.min(y0, plane.y[i]);
    y1 = Math.max(y1, plane.y[i]);
  }
  // At most ~256 cells a side (a larger area gets larger cells).
  const cellM = Math.max(GRID_CELL_M, (x1 - x0) / 256, (y1 - y0) / 256);
  const nx = Math.floor((x1 - x0) / cellM) + 1;
  const ny = Math.floor((y1 - y0) / cellM) + 1;
  return {
    x0, y0, cellM, nx, ny,
    cellFirst: new Int32Array(nx * ny + 1),
    cellCar: new Int32Array(vehicleCount),
    fill: new Int32Array(nx * ny),
    carCell: new Int32Array(vehicleCount),
    minDivS: Infinity,
    maxReachMPerS: Infinity,
  };
}

/** Landmark (ALT) lower bounds on free-flow ms between any two nodes, for pruning candidate cars and pairs. */
class Landmarks {
  /** Landmark tables: from[L][x] = ms L → x, to[L][x] = ms x → L. */
  private readonly fromL: Float64Array[] = [];
  private readonly toL: Float64Array[] = [];

  /** Picks `count` landmarks by farthest-point selection (deterministic) and stores their full tables. */
  constructor(g: RoadGraph, count: number) {
    const n = g.nodeCount;
    if (n === 0) return;
    const search = new BoundedSearch(g);
    const minTo = new Float64Array(n).fill(Infinity);
    let next = 0;
    for (let i = 0; i < count; i++) {
      search.start(next, 'forward');
      search.settleAll();
      const from = search.distancesMs();
      search.start(next, 'reverse');
      search.settleAll();
      const to = search.distancesMs();
      this.fromL.push(from);
      this.toL.push(to);
      let best = -1;
      for (let x = 0; x < n; x++) {
        const d = Math.min(minTo[x], Number.isFinite(from[x]) ? from[x] : 0);
        minTo[x] = d;
        if (best < 0 || d > minTo[best]) best = x;
      }
      next = best;
    }
  }

  /** A lower bound on the free-flow ms a → b (0 without landmarks). */
  lowerBoundMs(a: number, b: number): number {
    let lb = 0;
    for (let i = 0; i < this.fromL.length; i++) {
      const f = this.fromL[i];
      const t = this.toL[i];
      const d1 = f[b] - f[a];
      const d2 = t[a] - t[b];
      if (d1 > lb && Number.isFinite(d1)) lb = d1;
      if (d2 > lb && Number.isFinite(d2)) lb = d2;
    }
    return lb;
  }
}

/** One candidate trip of one car: its stop codes in the best order and its cost over the car's empty plan. */
interface Trip {
  vehicle: number;
  requests: number[];
  codes: number[];
  /** Σ (wait + delay) of every rider in the plan minus the same for the car's plan without new requests. */
  marginalS: number;
  /** Predicted pickup time per new request (same order as requests). */
  pickupS: number[];
}

/** What a planned batch chose (for tests and benchmarks). */
export interface BatchOutcome {
  commands: Command[];
  /** Requests in chosen trips. */
  served: number;
  /** Σ marginal cost of the chosen trips, seconds. */
  costS: number;
  /** Candidate trips (columns) considered. */
  tripCount: number;
  /** The batch objective: Σ marginal cost of the chosen trips + Σ unserved penalty (see `unservedS`), seconds. */
  objectiveS: number;
}

/** Penalty for a promised request left unserved: above any other term of a batch, so promises are kept if they can be. */
const BROKEN_PROMISE_S = 1e7;

/** Per-car view for one batch. */
interface CarState {
  divS: number;
  divNode: number;
  endS: number;
  endNode: number;
  load: number;
  /** Requests on board (drop-off codes kept in current plan order). */
  onboard: number[];
  /** May take new requests. */
  open: boolean;
  /** The car's plan at this batch (the snapshot's copy). */
  stops: readonly Stop[];
}

const ORDERS_2: readonly (readonly number[])[] = [
  // indexes into [p1, d1, p2, d2]
  [0, 2, 1, 3], [0, 2, 3, 1], [0, 1, 2, 3], [2, 0, 1, 3], [2, 0, 3, 1], [2, 3, 0, 1],
];
const ORDERS_ONBOARD: readonly (readonly number[])[] = [
  // indexes into [p, d, dOnboard]
  [0, 1, 2], [0, 2, 1], [2, 0, 1],
];

/**
 * The planner behind the `pooled` dispatcher, exposed so that tests can compare a batch's choice with brute force.
 * Keeps, between batches, the predicted pickup time of every rider it planned (the engine follows plans exactly, so
 * that is when the rider was picked up), which fixes an on-board rider's drop-off deadline.
 */
export class PooledPlanner {
  readonly limits: RideLimits;
  private readonly maxCars: number;
  private readonly maxPairs: number;
  private readonly unassignedBaseS: number;
  private readonly ageWeight: number;
  private readonly serviceTargetS: number;
  private readonly lateS: number;
  private readonly assignment = new AssignmentSolver();
  private legs: LegTimes | null = null;
  private landmarks: Landmarks | null = null;
  /** Predicted (then actual) pickup time per request. */
  private readonly pickupAtS = new Map<number, number>();
  /** Straight-line lower bounds (fast mode only). */
  private plane: Plane | null = null;
  /** This batch's open cars by grid cell of their divert node: cellFirst (CSR over cells) and cellCar. */
  private grid: Grid | null = null;
  private cars: CarState[] = [];
  /** Open cars by the node their current leg ends at (this batch). */
  private endingAt = new Map<number, number[]>();

  constructor(private readonly options: PooledOptions) {
    this.limits = { minDetourS: options.minDetourS ?? DEFAULT_RIDE_LIMITS.minDetourS, detourShare: options.detourShare ?? DEFAULT_RIDE_LIMITS.detourShare };
    this.maxCars = options.maxVehiclesPerRequest ?? 8;
    this.maxPairs = options.maxPairTripsPerVehicle ?? 24;
    this.unassignedBaseS = options.unassignedBaseS ?? 60;
    this.ageWeight = options.ageWeight ?? 2;
    this.serviceTargetS = options.serviceTargetS ?? 300;
    this.lateS = options.lateS ?? 0;
    if (!(this.lateS >= 0)) throw new Error(`pooled: lateS ${this.lateS} must be ≥ 0`);
  }

  private init(s: FleetSnapshot): void {
    const g = s.graph;
    if (g) {
      this.landmarks = new Landmarks(g, Math.min(8, g.nodeCount));
      this.legs = new LegTimes(s.travelTimes, g);
      this.plane = makePlane(g);
      if (this.plane) this.grid = makeGrid(this.plane, s.vehicleCount);
    } else {
      this.legs = new LegTimes(s.travelTimes, undefined);
    }
  }

  /** Lower bound on the engine's seconds for a → b departing any time. */
  private lowerLegS(a: number, b: number): number {
    if (a === b || !this.landmarks) return 0;
    return Math.round(((this.landmarks.lowerBoundMs(a, b) / 1000) * this.legs!.minFactor) * (1 - 1e-12));
  }

  private deadlineS(s: FleetSnapshot, r: number): number {
    return s.requestS[r] + s.maxWaitS;
  }

  private direct(s: FleetSnapshot, r: number, pickupS: number): number {
    return s.pickupDwellS + this.legs!.legS(s.requestPickupNode[r], s.requestDropoffNode[r], pickupS + s.pickupDwellS);
  }

  /**
   * Evaluates a stop sequence for car v: total (wait + delay) seconds of its riders, or Infinity if it breaks a wait,
   * detour, seat or sharing limit (not -1: a cost, and above all a lower bound on one, may be negative, since delay
   * is measured against the direct ride at another hour's speed or against an exact direct ride). Writes predicted pickup times into `pickupOut` (request → time).
   */
  evaluate(s: FleetSnapshot, v: number, codes: readonly number[], pickupOut: Map<number, number> | null, enforce = true, lower = false): number {
    const car = this.cars[v];
    const legs = this.legs!;
    let t = 0;
    let node = -1;
    let load = car.load;
    let aboard = car.onboard.length;
    let solo = 0;
    for (const r of car.onboard) if (!s.requestAcceptsSharing[r]) solo++;
    let cost = 0;
    const picked: number[] = [];
    const pickedS: number[] = [];
    for (let i = 0; i < codes.length; i++) {
      const r = codes[i] >>> 1;
      const isDrop = (codes[i] & 1) === 1;
      const x = isDrop ? s.requestDropoffNode[r] : s.requestPickupNode[r];
      let arriveS: number;
      // With `lower`, legs are lower bounds, so the result bounds the exact cost (and infeasibility is certain).
      if (i === 0) arriveS = x === car.endNode ? car.endS : car.divS + (lower ? this.lowerLegS(car.divNode, x) : legs.legS(car.divNode, x, car.divS));
      else arriveS = t + (lower ? this.lowerLegS(node, x) : legs.legS(node, x, t));
      if (!isDrop) {
        if (enforce && arriveS > this.deadlineS(s, r)) return Infinity;
        cost += arriveS - s.requestS[r];
        // Monotone in arriveS, so a lower bound on the arrival still bounds the cost.
        if (this.lateS > 0 && arriveS - s.requestS[r] > this.serviceTargetS) cost += this.lateS;
        load += s.requestRiders[r];
        aboard++;
        if (!s.requestAcceptsSharing[r]) solo++;
        if (enforce && (load > s.seats || (solo > 0 && aboard > 1))) return Infinity;
        picked.push(r);
        pickedS.push(arriveS);
        t = arriveS + s.pickupDwellS;
      } else {
        const k = picked.indexOf(r);
        const pickS = k >= 0 ? pickedS[k] : this.pickupAtS.get(r);
        if (pickS === undefined) return Infinity;
        const rideS = arriveS - pickS;
        const directS = this.direct(s, r, pickS);
        if (enforce && rideS > directS + maxDetourS(directS, this.limits)) return Infinity;
        cost += rideS - directS;
        load -= s.requestRiders[r];
        aboard--;
        if (!s.requestAcceptsSharing[r]) solo--;
        t = arriveS + s.dropoffDwellS;
      }
      node = x;
    }
    if (pickupOut) for (let k = 0; k < picked.length; k++) pickupOut.set(picked[k], pickedS[k]);
    return cost;
  }

  /** Cost of car v's plan without new requests (its riders on board in current order), memoised in baseS. */
  private baseOf(s: FleetSnapshot, v: number, baseS: Float64Array): number {
    if (Number.isNaN(baseS[v])) baseS[v] = this.evaluate(s, v, this.cars[v].onboard.map((r) => r * 2 + 1), null, false);
    return baseS[v];
  }

  /** Car states, the requests to plan, and which of them must stay served (already promised a car). */
  private prepare(s: FleetSnapshot, nowS: number): { requests: number[]; mustServe: Set<number>; baseS: Float64Array } {
    this.cars = new Array<CarState>(s.vehicleCount);
    const baseS = new Float64Array(s.vehicleCount);
    for (let v = 0; v < s.vehicleCount; v++) {
      const d = s.divertAt(v);
      const e = s.legEnd(v);
      const onboard: number[] = [];
      const stops = s.plan(v);
      for (const st of stops) if (st.action === 'dropoff' && s.requestStatus[st.request] === RequestStatus.onboard) onboard.push(st.request);
      const known = onboard.every((r) => this.pickupAtS.has(r));
      this.cars[v] = {
        divS: d.timeS,
        divNode: d.node,
        endS: e.timeS,
        endNode: e.node,
        load: s.vehicleLoad[v],
        onboard,
        // A full car stays open: it may still drop its rider off and then pick someone up (seats are checked per stop).
        // A charging car takes no work (see takesWork).
        open: known && onboard.length < MAX_REQUESTS_PER_CAR && takesWork(s.vehicleStatus[v]),
        stops,
      };
      // Computed on first use (see baseOf): most cars with riders get no candidate, and each costs a routing query.
      baseS[v] = onboard.length === 0 ? 0 : NaN;
    }
    const requests: number[] = [];
    const mustServe = new Set<number>();
    for (const r of s.openRequests()) {
      const st = s.requestStatus[r];
      if (s.requestRiders[r] > s.seats || this.deadlineS(s, r) < nowS) continue;
      requests.push(r);
      if (st === RequestStatus.assigned) mustServe.add(r);
    }
    return { requests, mustServe, baseS };
  }

  /** Candidate cars of request r with their exact first-stop arrival, earliest first, at most maxCars (+ current). */
  private candidateCars(s: FleetSnapshot, r: number, nowS: number): number[] {
    const deadline = this.deadlineS(s, r);
    const p = s.requestPickupNode[r];
    const found: { v: number; arriveS: number }[] = [];
    const consider = (v: number, arriveS: number): void => {
      if (arriveS <= deadline) found.push({ v, arriveS });
    };
    const landmarks = this.landmarks;
    const legs = this.legs!;
    const grid = this.grid;
    if (landmarks && legs.factor && grid && this.plane) {
      // Grid rings outward from the pickup. Every car with an exact arrival ≤ the maxCars-th found so far is tried:
      // a ring stops the scan once its straight-line bound exceeds that, and a car is skipped only if its landmark
      // bound does. So the result equals trying every car.
      for (const v of this.endingAt.get(p) ?? []) consider(v, this.cars[v].endS);
      let kthS = Infinity;
      // Keeps `found` to the best maxCars (same order as the final sort) once it has that many, and kthS the last.
      const add = (v: number, arriveS: number): void => {
        if (arriveS > deadline || arriveS > kthS) return;
        found.push({ v, arriveS });
        if (found.length >= this.maxCars) {
          found.sort((a, b) => a.arriveS - b.arriveS || a.v - b.v);
          found.length = this.maxCars;
          kthS = found[this.maxCars - 1].arriveS;
        }
      };
      if (found.length >= this.maxCars) {
        found.sort((a, b) => a.arriveS - b.arriveS || a.v - b.v);
        kthS = found[this.maxCars - 1].arriveS;
      }
      const px = this.plane.x[p];
      const py = this.plane.y[p];
      const cx = Math.min(grid.nx - 1, Math.max(0, Math.floor((px - grid.x0) / grid.cellM)));
      const cy = Math.min(grid.ny - 1, Math.max(0, Math.floor((py - grid.y0) / grid.cellM)));
      const maxRing = Math.max(cx, grid.nx - 1 - cx, cy, grid.ny - 1 - cy);
      for (let ring = 0; ring <= maxRing; ring++) {
        // Any point of ring ≥ 1 lies at least (ring − 1) cells away; a leg rounds to at least its time − 0.5 s.
        const boundS = grid.minDivS + (Math.max(0, ring - 1) * grid.cellM) / grid.maxReachMPerS - 0.5;
        if (boundS > kthS || boundS > deadline) break;
        for (let y = cy - ring; y <= cy + ring; y++) {
          if (y < 0 || y >= grid.ny) continue;
          const edge = y === cy - ring || y === cy + ring;
          for (let x = cx - ring; x <= cx + ring; x += edge || ring === 0 ? 1 : 2 * ring) {
            if (x < 0 || x >= grid.nx) continue;
            const cell = y * grid.nx + x;
            for (let k = grid.cellFirst[cell]; k < grid.cellFirst[cell + 1]; k++) {
              const v = grid.cellCar[k];
              const c = this.cars[v];
              if (c.endNode === p) {
                // Cars whose leg ends here but diverts elsewhere were added above.
                if (c.divNode === p) add(v, c.endS);
                continue;
              }
              const low = c.divS + legs.legFromMs(landmarks.lowerBoundMs(c.divNode, p), c.divS);
              if (low > deadline || low > kthS) continue;
              add(v, c.divS + legs.legFromMs(legs.ms(c.divNode, p), c.divS));
            }
          }
        }
      }
    } else {
      for (let v = 0; v < s.vehicleCount; v++) {
        const c = this.cars[v];
        if (!c.open) continue;
        consider(v, c.endNode === p ? c.endS : c.divS + legs.legS(c.divNode, p, c.divS));
      }
    }
    found.sort((a, b) => a.arriveS - b.arriveS || a.v - b.v);
    const out = found.slice(0, this.maxCars).map((f) => f.v);
    const cur = s.requestVehicle[r];
    if (cur >= 0 && this.cars[cur].open && !out.includes(cur)) out.push(cur);
    return out;
  }

  /** Whether r1 and r2 could ride in one car in some order, by lower-bound legs (a necessary condition). */
  private mayPair(s: FleetSnapshot, r1: number, r2: number, nowS: number): boolean {
    const nodes = [s.requestPickupNode[r1], s.requestDropoffNode[r1], s.requestPickupNode[r2], s.requestDropoffNode[r2]];
    const req = [r1, r1, r2, r2];
    for (const order of ORDERS_2) {
      let t = nowS;
      let ok = true;
      const pickS = [0, 0];
      for (let i = 0; i < 4 && ok; i++) {
        const k = order[i];
        if (i > 0) t += this.lowerLegS(nodes[order[i - 1]], nodes[k]);
        const which = k < 2 ? 0 : 1;
        const r = req[k];
        if ((k & 1) === 0) {
          if (t > this.deadlineS(s, r)) ok = false;
          pickS[which] = t;
          t += s.pickupDwellS;
        } else {
          // Upper bound of the allowed ride: the direct ride is at most its time at the slowest hour.
          const directUp = this.directUpper(s, r);
          if (t - pickS[which] > directUp + maxDetourS(directUp, this.limits)) ok = false;
          t += s.dropoffDwellS;
        }
      }
      if (ok) return true;
    }
    return false;
  }

  private directUpper(s: FleetSnapshot, r: number): number {
    const legs = this.legs!;
    const p = s.requestPickupNode[r];
    const d = s.requestDropoffNode[r];
    if (!legs.factor || p === d) return legs.factor ? s.pickupDwellS : Infinity;
    return s.pickupDwellS + roundLegS((legs.ms(p, d) / 1000) * legs.maxFactor);
  }

  /** Plans one batch: candidate trips, the exact choice, and the commands that realise it. */
  plan(s: FleetSnapshot, nowS: number): BatchOutcome {
    if (!this.legs) this.init(s);
    const commands: Command[] = [];
    for (const r of s.newRequests) {
      if (s.requestStatus[r] === RequestStatus.open && s.requestRiders[r] > s.seats) commands.push({ kind: 'reject', request: r, reason: 'too_many_riders' });
    }
    const { requests, mustServe, baseS } = this.prepare(s, nowS);
    const unservedS = this.unservedPenalties(s, nowS, requests, mustServe);
    this.legs!.boundCache();
    // Index open cars by grid cell of their divert node, and by the end of their current leg.
    this.endingAt.clear();
    if (this.landmarks && this.grid) {
      const grid = this.grid;
      const plane = this.plane!;
      const cellOf = grid.carCell;
      grid.cellFirst.fill(0);
      grid.minDivS = Infinity;
      let maxReach = 0;
      for (let v = 0; v < s.vehicleCount; v++) {
        const c = this.cars[v];
        cellOf[v] = -1;
        if (!c.open) continue;
        if (c.endNode !== c.divNode) {
          const list = this.endingAt.get(c.endNode);
          if (list) list.push(v);
          else this.endingAt.set(c.endNode, [v]);
        }
        const x = Math.min(grid.nx - 1, Math.max(0, Math.floor((plane.x[c.divNode] - grid.x0) / grid.cellM)));
        const y = Math.min(grid.ny - 1, Math.max(0, Math.floor((plane.y[c.divNode] - grid.y0) / grid.cellM)));
        cellOf[v] = y * grid.nx + x;
        grid.cellFirst[cellOf[v] + 1]++;
        grid.minDivS = Math.min(grid.minDivS, c.divS);
        if (this.legs!.factor) maxReach = Math.max(maxReach, (plane.maxMPerMs * 1000) / this.legs!.factor[hourOf(c.divS)]);
      }
      grid.maxReachMPerS = maxReach > 0 ? maxReach : Infinity;
      for (let k = 0; k < grid.nx * grid.ny; k++) grid.cellFirst[k + 1] += grid.cellFirst[k];
      const fill = grid.fill;
      fill.set(grid.cellFirst.subarray(0, grid.nx * grid.ny));
      for (let v = 0; v < s.vehicleCount; v++) if (cellOf[v] >= 0) grid.cellCar[fill[cellOf[v]]++] = v;
    }
    // Request–vehicle candidates.
    const carsOf = new Map<number, number[]>();
    const requestsOf = new Map<number, number[]>();
    for (const r of requests) {
      const vs = this.candidateCars(s, r, nowS);
      carsOf.set(r, vs);
      for (const v of vs) {
        let list = requestsOf.get(v);
        if (!list) requestsOf.set(v, (list = []));
        list.push(r);
      }
    }
    // Trips per car.
    const trips: Trip[] = [];
    const pairMemo = new Map<number, boolean>();
    const mayPair = (a: number, b: number): boolean => {
      const key = a < b ? a * s.requestCount + b : b * s.requestCount + a;
      let ok = pairMemo.get(key);
      if (ok === undefined) pairMemo.set(key, (ok = this.mayPair(s, Math.min(a, b), Math.max(a, b), nowS)));
      return ok;
    };
    const vehicles = [...requestsOf.keys()].sort((a, b) => a - b);
    // Singles first, and the request pairs each empty car might take (lower-bound test only).
    const pairCandidates = new Map<number, [number, number][]>();
    const pairNodes = new Set<number>();
    for (const v of vehicles) {
      const car = this.cars[v];
      const singles: number[] = [];
      for (const r of requestsOf.get(v)!) {
        const t = this.bestTrip(s, v, [r], this.baseOf(s, v, baseS));
        if (t) {
          trips.push(t);
          singles.push(r);
        }
      }
      if (car.onboard.length > 0) continue;
      const list: [number, number][] = [];
      for (let i = 0; i < singles.length; i++) {
        for (let j = i + 1; j < singles.length; j++) {
          if (!mayPair(singles[i], singles[j])) continue;
          list.push([singles[i], singles[j]]);
          for (const r of [singles[i], singles[j]]) {
            pairNodes.add(s.requestPickupNode[r]);
            pairNodes.add(s.requestDropoffNode[r]);
          }
        }
      }
      if (list.length > 0) pairCandidates.set(v, list);
    }
    // The legs between pair stops from one CH table (a point query each would cost more beyond a few requests).
    if (this.legs!.factor && pairNodes.size > 4) this.legs!.setBatchNodes([...pairNodes].sort((a, b) => a - b));
    for (const [v, list] of pairCandidates) {
      const pairs: Trip[] = [];
      for (const [a, b] of list) {
        const t = this.bestTrip(s, v, [a, b], baseS[v]);
        if (t) pairs.push(t);
      }
      if (pairs.length > this.maxPairs) {
        // Keep promised pairs (the car's current trip) and the cheapest others.
        const current = (t: Trip): number => (t.requests.every((r) => mustServe.has(r) && s.requestVehicle[r] === v) ? 1 : 0);
        // Ranked by objective (cost less the penalties it saves), so older requests' pairs are kept first.
        const gainS = (t: Trip): number => t.marginalS - unservedS.get(t.requests[0])! - unservedS.get(t.requests[1])!;
        pairs.sort((a, b) => current(b) - current(a) || gainS(a) - gainS(b) || a.requests[0] - b.requests[0] || a.requests[1] - b.requests[1]);
        pairs.length = this.maxPairs;
      }
      trips.push(...pairs);
    }
    const chosen = this.choose(trips, requests, unservedS);
    // Realise: each car's new stop list (chosen trip, or its riders on board in current order).
    const newPlan = new Map<number, number[]>();
    let served = 0;
    let costS = 0;
    let objectiveS = 0;
    for (const r of requests) objectiveS += unservedS.get(r)!;
    for (const t of chosen) {
      newPlan.set(t.vehicle, t.codes);
      served += t.requests.length;
      costS += t.marginalS;
      objectiveS += t.marginalS;
      for (const r of t.requests) objectiveS -= unservedS.get(r)!;
      t.requests.forEach((r, k) => this.pickupAtS.set(r, t.pickupS[k]));
    }
    const reasons = s.explain ? pooledReasons(s, nowS, trips, chosen) : undefined;
    // Cars with a chosen trip first, so that a request moving between cars goes straight to its new car.
    const clearing: Command[] = [];
    for (let v = 0; v < s.vehicleCount; v++) {
      const current = this.cars[v].stops;
      const chosenCodes = newPlan.get(v);
      if (!chosenCodes && current.every((st) => st.action === 'dropoff' && s.requestStatus[st.request] === RequestStatus.onboard)) continue;
      const next = chosenCodes ?? this.cars[v].onboard.map((r) => r * 2 + 1);
      if (sameCodes(current, next)) continue;
      const reason = chosenCodes ? reasons?.get(v) : undefined;
      (chosenCodes ? commands : clearing).push(reason ? { kind: 'assign', vehicle: v, stops: next.map(codeStop), reason } : { kind: 'assign', vehicle: v, stops: next.map(codeStop) });
    }
    commands.push(...clearing);
    // Forget riders that are gone.
    for (const r of s.cancelledRequests) this.pickupAtS.delete(r);
    return { commands, served, costS, tripCount: trips.length, objectiveS };
  }

  /** Each request's cost of staying unserved this batch (batch's rule; promised requests far above everything). */
  private unservedPenalties(s: FleetSnapshot, nowS: number, requests: readonly number[], mustServe: ReadonlySet<number>): Map<number, number> {
    const out = new Map<number, number>();
    for (const r of requests) {
      const baseS = s.maxWaitS + this.unassignedBaseS + this.ageWeight * Math.max(0, nowS - s.requestS[r]) + this.lateS;
      out.set(r, baseS + (mustServe.has(r) ? BROKEN_PROMISE_S : 0));
    }
    return out;
  }

  /** The cheapest feasible stop order for car v and the new requests rs, or null. */
  private bestTrip(s: FleetSnapshot, v: number, rs: number[], baseS: number): Trip | null {
    const car = this.cars[v];
    let orders: number[][];
    if (rs.length === 1) {
      const r = rs[0];
      if (car.onboard.length === 0) orders = [[r * 2, r * 2 + 1]];
      else {
        const o = car.onboard[0];
        const items = [r * 2, r * 2 + 1, o * 2 + 1];
        orders = ORDERS_ONBOARD.map((ord) => ord.map((k) => items[k]));
      }
    } else {
      const [a, b] = rs;
      const items = [a * 2, a * 2 + 1, b * 2, b * 2 + 1];
      orders = ORDERS_2.map((ord) => ord.map((k) => items[k]));
    }
    let best: Trip | null = null;
    const pick = new Map<number, number>();
    // Lower bounds first (cheap, no routing queries): skip orders that cannot be feasible or cannot beat the best.
    const bounds = orders.map((codes) => this.evaluate(s, v, codes, null, true, true));
    const rank = orders.map((_, i) => i).filter((i) => bounds[i] !== Infinity).sort((a, b) => bounds[a] - bounds[b] || a - b);
    for (const i of rank) {
      const codes = orders[i];
      if (best !== null && bounds[i] - baseS >= best.marginalS) break;
      pick.clear();
      const c = this.evaluate(s, v, codes, pick);
      if (c === Infinity) continue;
      const marginalS = c - baseS;
      if (best === null || marginalS < best.marginalS) {
        best = { vehicle: v, requests: rs, codes, marginalS, pickupS: rs.map((r) => pick.get(r)!) };
      }
    }
    return best;
  }

  /**
   * The exact choice: each car at most one trip, each request at most one, minimising Σ marginal cost of the chosen
   * trips + Σ penalty of the requests left unserved. Per connected component (cars and requests linked by trips):
   * - without two-request trips it is a sparse assignment, solved exactly by AssignmentSolver;
   * - with them, the singles' assignment is solved first and its LP duals price every pair: if no pair has a negative
   *   reduced cost, the duals are feasible for the LP with the pair columns too, so the singles' optimum is optimal
   *   for the whole component (the common case on a city with enough cars);
   * - otherwise the component's 0/1 program goes to the solver (packing branch and bound, HiGHS beyond its budget).
   */
  private choose(trips: Trip[], requests: number[], unservedS: ReadonlyMap<number, number>): Trip[] {
    if (trips.length === 0) return [];
    // Components over cars and requests (union–find on dense ids: cars first, then requests).
    const reqId = new Map<number, number>();
    requests.forEach((r, i) => reqId.set(r, i));
    const carId = new Map<number, number>();
    for (const t of trips) if (!carId.has(t.vehicle)) carId.set(t.vehicle, carId.size);
    const carCount = carId.size;
    const parent = Int32Array.from({ length: carCount + requests.length }, (_, i) => i);
    const find = (x: number): number => {
      while (parent[x] !== x) x = parent[x] = parent[parent[x]];
      return x;
    };
    for (const t of trips) {
      const a = find(carId.get(t.vehicle)!);
      for (const r of t.requests) {
        const b = find(carCount + reqId.get(r)!);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
    const byComp = new Map<number, Trip[]>();
    for (const t of trips) {
      const c = find(carId.get(t.vehicle)!);
      let list = byComp.get(c);
      if (!list) byComp.set(c, (list = []));
      list.push(t);
    }
    const chosen: Trip[] = [];
    for (const list of byComp.values()) {
      const singles = list.filter((t) => t.requests.length === 1);
      const pairs = list.filter((t) => t.requests.length === 2);
      const priced = this.solveSingles(singles, pairs, unservedS);
      if (priced) {
        chosen.push(...priced);
        continue;
      }
      this.programCount++;
      const sol = this.solveProgram(list, unservedS);
      if (!sol) throw new Error('pooled: the trip program has no solution (cannot happen: choosing nothing is feasible)');
      chosen.push(...sol);
    }
    return chosen;
  }

  /** Components that needed the 0/1 program solver so far (for benchmarks). */
  programCount = 0;

  /**
   * The optimal singles-only choice of a component, or null when some pair has a negative reduced cost under the
   * assignment's LP duals (then pairs may improve on it and the full program must decide).
   *
   * Duals, from the optimal assignment by shortest paths: with column potential π_j = −v_j ≥ 0 (0 on idle cars) and
   * row potential u_r = c_rj + π_j (matched) or its penalty (unserved), dual feasibility u_r + v_k ≤ c_rk, u_r ≤ pen_r,
   * v ≤ 0 is a system of difference constraints over π, whose shortest-path solution from a root Z (π_Z = 0) exists
   * because an optimal assignment has no negative cycle in its residual graph. Costs are integers, so all of it is exact.
   */
  private solveSingles(singles: Trip[], pairs: Trip[], unservedS: ReadonlyMap<number, number>): Trip[] | null {
    const rowOf = new Map<number, number>();
    const rows: number[] = [];
    const colOf = new Map<number, number>();
    const cols: number[] = [];
    const addRow = (r: number): void => {
      if (!rowOf.has(r)) {
        rowOf.set(r, rows.length);
        rows.push(r);
      }
    };
    const addCol = (v: number): void => {
      if (!colOf.has(v)) {
        colOf.set(v, cols.length);
        cols.push(v);
      }
    };
    for (const t of singles) {
      addRow(t.requests[0]);
      addCol(t.vehicle);
    }
    for (const t of pairs) {
      addRow(t.requests[0]);
      addRow(t.requests[1]);
      addCol(t.vehicle);
    }
    const byRow: Trip[][] = rows.map(() => []);
    for (const t of singles) byRow[rowOf.get(t.requests[0])!].push(t);
    const rowFirst = new Uint32Array(rows.length + 1);
    const col: number[] = [];
    const cost: number[] = [];
    const edgeTrip: Trip[] = [];
    for (let i = 0; i < rows.length; i++) {
      for (const t of byRow[i]) {
        col.push(colOf.get(t.vehicle)!);
        cost.push(t.marginalS);
        edgeTrip.push(t);
      }
      rowFirst[i + 1] = col.length;
    }
    const pen = Float64Array.from(rows, (r) => unservedS.get(r)!);
    const res = this.assignment.solve({ rowCount: rows.length, colCount: cols.length, rowFirst, col: Uint32Array.from(col), cost: Float64Array.from(cost), unassignedCost: pen });
    // The chosen edge of each row (the cheapest to that column, as the solver keeps duplicates' cheaper one).
    const matchCost = new Float64Array(rows.length);
    const chosen: Trip[] = [];
    for (let i = 0; i < rows.length; i++) {
      const j = res.rowToCol[i];
      if (j < 0) continue;
      let best: Trip | null = null;
      for (let k = rowFirst[i]; k < rowFirst[i + 1]; k++) if (col[k] === j && (best === null || cost[k] < best.marginalS)) best = edgeTrip[k];
      chosen.push(best!);
      matchCost[i] = best!.marginalS;
    }
    if (pairs.length === 0) return chosen;
    // Bellman–Ford (queue-based) for π over nodes 0..m-1 (cars) and m (the root Z).
    const m = cols.length;
    const from: number[] = [];
    const to: number[] = [];
    const w: number[] = [];
    const edge = (a: number, b: number, wt: number): void => {
      from.push(a);
      to.push(b);
      w.push(wt);
    };
    for (let j = 0; j < m; j++) {
      edge(j, m, 0);
      if (res.colToRow[j] < 0) edge(m, j, 0);
    }
    for (let i = 0; i < rows.length; i++) {
      const j = res.rowToCol[i];
      if (j >= 0) {
        edge(m, j, pen[i] - matchCost[i]);
        for (let k = rowFirst[i]; k < rowFirst[i + 1]; k++) if (col[k] !== j) edge(col[k], j, cost[k] - matchCost[i]);
      } else {
        for (let k = rowFirst[i]; k < rowFirst[i + 1]; k++) edge(col[k], m, cost[k] - pen[i]);
      }
    }
    const pi = new Float64Array(m + 1).fill(Infinity);
    pi[m] = 0;
    for (let round = 0; round <= m + 1; round++) {
      let changed = false;
      for (let e = 0; e < from.length; e++) {
        const d = pi[from[e]] + w[e];
        if (d < pi[to[e]]) {
          pi[to[e]] = d;
          changed = true;
        }
      }
      if (!changed) break;
      // A change after m + 1 rounds means a negative cycle: not an optimal assignment (cannot happen); be safe.
      if (round === m + 1) return null;
    }
    if (pi[m] !== 0) return null;
    const u = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const j = res.rowToCol[i];
      u[i] = j >= 0 ? matchCost[i] + pi[j] : pen[i];
    }
    for (const t of pairs) {
      const piV = pi[colOf.get(t.vehicle)!];
      if (!Number.isFinite(piV)) return null;
      const reducedS = t.marginalS + piV - u[rowOf.get(t.requests[0])!] - u[rowOf.get(t.requests[1])!];
      if (reducedS < 0) return null;
    }
    return chosen;
  }

  private solveProgram(trips: Trip[], unservedS: ReadonlyMap<number, number>): Trip[] | null {
    const rowOfCar = new Map<number, number>();
    const rowOfReq = new Map<number, number>();
    let rowCount = 0;
    // Car rows first: each trip has exactly one (the partition hint for the branch and bound).
    for (const t of trips) if (!rowOfCar.has(t.vehicle)) rowOfCar.set(t.vehicle, rowCount++);
    for (const t of trips) for (const r of t.requests) if (!rowOfReq.has(r)) rowOfReq.set(r, rowCount++);
    const colStart = new Int32Array(trips.length + 1);
    const rowIndex: number[] = [];
    const cost = new Float64Array(trips.length);
    trips.forEach((t, j) => {
      // A trip's cost less the penalties it saves: the objective up to the constant Σ penalties.
      cost[j] = t.marginalS;
      rowIndex.push(rowOfCar.get(t.vehicle)!);
      for (const r of t.requests) {
        rowIndex.push(rowOfReq.get(r)!);
        cost[j] -= unservedS.get(r)!;
      }
      colStart[j + 1] = rowIndex.length;
    });
    const program: BinaryProgram = {
      colCount: trips.length,
      rowCount,
      cost,
      colStart,
      rowIndex: Int32Array.from(rowIndex),
      value: new Float64Array(rowIndex.length).fill(1),
      rowLower: new Float64Array(rowCount),
      rowUpper: new Float64Array(rowCount).fill(1),
      partitionRows: rowOfCar.size,
    };
    const sol = this.options.solver.solve(program);
    if (!sol) return null;
    return trips.filter((_, j) => sol.x[j] === 1);
  }

  /**
   * Brute force for tests: the least batch objective (Σ marginal cost + Σ unserved penalty) over every way to give
   * each car at most one set of ≤ 2 requests in any stop order, without any pruning. Exponential; small snapshots
   * only. Call instead of `plan` on a snapshot.
   */
  bruteForce(s: FleetSnapshot, nowS: number): { objectiveS: number } {
    if (!this.legs) this.init(s);
    const { requests, mustServe, baseS } = this.prepare(s, nowS);
    const unservedS = this.unservedPenalties(s, nowS, requests, mustServe);
    const options: Trip[][] = [];
    for (let v = 0; v < s.vehicleCount; v++) {
      const list: Trip[] = [];
      const car = this.cars[v];
      if (car.open) {
        for (let i = 0; i < requests.length; i++) {
          const t = this.bestTrip(s, v, [requests[i]], this.baseOf(s, v, baseS));
          if (t) list.push(t);
          if (car.onboard.length > 0) continue;
          for (let j = i + 1; j < requests.length; j++) {
            const t2 = this.bestTrip(s, v, [requests[i], requests[j]], this.baseOf(s, v, baseS));
            if (t2) list.push(t2);
          }
        }
      }
      options.push(list);
    }
    let all = 0;
    for (const r of requests) all += unservedS.get(r)!;
    let best = Infinity;
    const used = new Set<number>();
    const go = (v: number, objS: number): void => {
      if (v === s.vehicleCount) {
        best = Math.min(best, objS);
        return;
      }
      go(v + 1, objS);
      for (const t of options[v]) {
        if (t.requests.some((r) => used.has(r))) continue;
        let saved = 0;
        for (const r of t.requests) {
          used.add(r);
          saved += unservedS.get(r)!;
        }
        go(v + 1, objS + t.marginalS - saved);
        for (const r of t.requests) used.delete(r);
      }
    };
    go(0, all);
    return { objectiveS: best };
  }
}

const codeStop = (code: number): Stop => ({ action: (code & 1) === 1 ? 'dropoff' : 'pickup', request: code >>> 1 });

/**
 * Why each car got its chosen trip (decision 0022), about the trip's first request new to the car (else its first):
 * the predicted pickup, the trip's marginal cost, and the other cars whose candidate trips held that request, by their
 * pickup of it (each car's best trip with it), with the request each of them took instead.
 */
function pooledReasons(s: FleetSnapshot, nowS: number, trips: readonly Trip[], chosen: readonly Trip[]): Map<number, DispatchReason> {
  const tripsWith = new Map<number, Trip[]>();
  for (const t of trips) {
    for (const r of t.requests) {
      const list = tripsWith.get(r);
      if (list) list.push(t);
      else tripsWith.set(r, [t]);
    }
  }
  const tookBy = new Map<number, number>();
  for (const t of chosen) tookBy.set(t.vehicle, t.requests[0]);
  const pickupOf = (t: Trip, r: number): number => t.pickupS[t.requests.indexOf(r)];
  const out = new Map<number, DispatchReason>();
  for (const t of chosen) {
    const r = t.requests.find((q) => s.requestVehicle[q] !== t.vehicle) ?? t.requests[0];
    const others = (tripsWith.get(r) ?? []).filter((o) => o.vehicle !== t.vehicle);
    others.sort((a, b) => pickupOf(a, r) - pickupOf(b, r) || a.marginalS - b.marginalS || a.vehicle - b.vehicle);
    const alternatives: ReasonAlternative[] = [];
    const seen = new Set<number>();
    for (const o of others) {
      if (alternatives.length >= MAX_REASON_ALTERNATIVES) break;
      if (seen.has(o.vehicle)) continue;
      seen.add(o.vehicle);
      const took = tookBy.get(o.vehicle);
      alternatives.push({ vehicle: o.vehicle, pickupEtaS: pickupOf(o, r) - nowS, costS: o.marginalS, ...(took === undefined ? {} : { took }) });
    }
    const other = t.requests.find((q) => q !== r);
    out.set(t.vehicle, { kind: 'pooled', request: r, pickupEtaS: pickupOf(t, r) - nowS, alternatives, costS: t.marginalS, ...(other === undefined ? {} : { sharedWith: other }) });
  }
  return out;
}

function sameCodes(plan: readonly Stop[], codes: readonly number[]): boolean {
  if (plan.length !== codes.length) return false;
  for (let i = 0; i < plan.length; i++) if (plan[i].request * 2 + (plan[i].action === 'dropoff' ? 1 : 0) !== codes[i]) return false;
  return true;
}

/**
 * The pooled dispatcher (batch, every `periodS` seconds): up to two requests per car, each rider's wait within the
 * max wait and in-vehicle time within the direct ride plus the max detour, chosen exactly per batch.
 *
 * @example simulate({ ..., dispatcher: pooled({ solver: await loadHighsBinarySolver() }) })
 */
export function pooled(options: PooledOptions): Dispatcher & { readonly planner: PooledPlanner } {
  const planner = new PooledPlanner(options);
  return {
    name: 'pooled',
    periodS: options.periodS ?? 10,
    planner,
    decide(s: FleetSnapshot, nowS: number): Command[] {
      return planner.plan(s, nowS).commands;
    },
  };
}
