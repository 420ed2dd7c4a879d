// Pooled dispatch in the spirit of Alonso-Mora et al. (PNAS 2017), for up to two requests per car: every period, build
// request–vehicle and request–request candidates, enumerate each car's feasible trips (one or two requests, best stop
// order computed exactly with the engine's leg rounding) and choose trips exactly with a 0/1 program per batch.
//
// Index conventions: vehicles, requests and nodes as in types.ts. A stop code is request * 2 + (1 for a drop-off).
import { makePlane, type Plane } from '../network/plane.js';
import type { TravelTimes } from '../network/travel-times.js';
import { AssignmentSolver } from '../solve/assignment.js';
import { hourOf, hourStartS, LegTimes, MsCache } from './pooled-leg-times.js';
import { makeGrid, Landmarks, type Grid } from './pooled-candidate-index.js';
import {
  newTrip,
  ORDER_BIT,
  ORDER_BIT_FLIPPED,
  ORDERS_1,
  ORDERS_2,
  ORDERS_ONBOARD,
  OVERLAP_ORDERS,
  tripRequests,
  type Trip,
} from './pooled-trip.js';
import type { TunableParameters } from './parameters.js';
import { solveEach, type BinaryProgram, type BinaryProgramSolver } from '../solve/ilp.js';
import {
  MAX_REASON_ALTERNATIVES,
  RequestStatus,
  VehicleStatus,
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
  /**
   * With the shaping on (lateS > 0), a pickup later than the target also costs `lateRideWeight` × the request's
   * direct ride at the day's fastest hour (decision 0039; default 0, off). When cars are short, a long ride that has
   * already missed the target then loses to the short ones, and from about 1 (a 10-min ride) it may stay unserved and
   * be cancelled at the max wait: the car time goes to riders who still count. It lowers the fleet for a share within
   * the target and raises cancellations, so it is a policy for operators who count only that share; no preset uses it.
   */
  lateRideWeight?: number;
  /**
   * Landmarks of the lower bounds that prune candidate cars, pairs and stop orders (default 4). Only speed depends on
   * it: the bounds prune nothing that could be chosen, and of equal-cost stop orders the lowest index wins whatever
   * their bounds' ranking (decision 0038). On the stress day 4 beat 8 by 1–6 % in peak probes and 4.2 % over the
   * whole day; 2 and 6 were slower.
   */
  landmarks?: number;
  /**
   * Weight of the car time a trip adds beyond its riders' own direct rides (default 1; 0 off, the objective before
   * decision 0041): the time the car's plan grows by, less each new rider's dwells and direct ride. An empty car pays
   * its drive to the pickup; a rider taken along by a car going that way may earn a credit. Every request's unserved
   * penalty grows by weight × max wait, so a request a car can reach is still served.
   */
  carTimeWeight?: number;
  /**
   * Admission (default false): a new request is accepted only if its first batch can plan its pickup within
   * `serviceTargetS`; otherwise it is rejected at once (`no_car_in_time`), so the rider hears in seconds rather than
   * waiting out the max wait. An accepted request is then planned as any other, up to the max wait, except that a plan
   * picking it up past the target costs a new request's whole unserved penalty more: no new rider is taken at the price
   * of an accepted one's target (it still is picked up late where no plan can keep it). For operators who count only the
   * share picked up within the target (the `pooled+admit` preset, decision 0042).
   */
  admitOnTime?: boolean;
  /**
   * Under admission, while fewer than 5 % of the cars are idle (SCARCE_IDLE_SHARE: the fleet is nearly all busy), a new
   * request's unserved penalty is lowered by this weight × its direct ride at the fastest hour, so that of the riders
   * a batch cannot all take, those asking for long rides are declined first: a long ride holds a car that several short
   * ones could use (default 0, off; `pooled+admit`: 2, decision 0042). Never applies to accepted requests.
   */
  scarceRideWeight?: number;
}

/** Below this share of idle cars, scarceRideWeight applies (decision 0042: 2 % and 10 % did worse on SF than 5 %). */
export const SCARCE_IDLE_SHARE = 0.05;

/** The pooling objective of the `pooled+anticipate` preset (decision 0027): pickups after 5 min cost 10 min more. */
export const ANTICIPATE_POOLING: Readonly<Pick<PooledOptions, 'serviceTargetS' | 'lateS'>> = { serviceTargetS: 300, lateS: 600 };

/**
 * The pooling objective of the `pooled+admit` preset (decision 0042): anticipate's shaping, a request accepted only with
 * a pickup within 5 min (admitOnTime), and long rides declined first while the fleet is nearly all busy; 12 candidate
 * cars per request instead of 8 (decision 0043: 145 / 164 SF cars instead of 146 / 169, for ~1.4× the CPU).
 */
export const ADMIT_POOLING: Readonly<Pick<PooledOptions, 'serviceTargetS' | 'lateS' | 'admitOnTime' | 'scarceRideWeight' | 'maxVehiclesPerRequest'>> = {
  ...ANTICIPATE_POOLING,
  admitOnTime: true,
  scarceRideWeight: 2,
  maxVehiclesPerRequest: 12,
};

/** The ride limits the pooled dispatcher promises each rider. */
export interface RideLimits {
  minDetourS: number;
  detourShare: number;
}

export const DEFAULT_RIDE_LIMITS: RideLimits = { minDetourS: 180, detourShare: 0.5 };

/** Refuses a weight of the objective that is not a finite number ≥ 0, naming it. */
function checkWeight(name: string, value: number): void {
  if (!(value >= 0 && value < Infinity)) throw new Error(`pooled: ${name} ${value} must be a number ≥ 0`);
}

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

/** Whether stop st drops off a rider already on board (what prepare counts and car lists, the same test in both). */
function dropsRiderOnBoard(s: FleetSnapshot, st: Stop): boolean {
  return st.action === 'dropoff' && s.requestStatus[st.request] === RequestStatus.onboard;
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
  /** onboard's length (read per trip evaluated: a field here, where the list is one more object to load). */
  riders: number;
  /** Of them, those that do not accept sharing. */
  solo: number;
  /** May take new requests. */
  open: boolean;
  /** The car's plan at this batch (the snapshot's copy). */
  stops: readonly Stop[];
}

/** The plan of an idle car. */
const NO_STOPS: readonly Stop[] = Object.freeze([]);
/** Numbers per pair candidate in PooledPlanner.plan (requests, first-leg ms, their bounds, pair store slot × 64 + orders). */
const PAIR_FIELDS = 7;
/**
 * Numbers per pair in PooledPlanner's pair store: lower-bound legs among its four stops, then their exact ms, then
 * when mayPair last tested the pair's orders and, per order, the latest batch time at which it stays possible.
 */
const PAIR_DATA = 40;
/** In a pair's store entry: the batch time mayPair's latest times (below) were found at (NaN: none). */
const PAIR_FROM_S = 32;
/** Then, per order o of ORDERS_2 at PAIR_LATEST + o: the latest batch time at which mayPair finds it possible (-∞: none). */
const PAIR_LATEST = 33;
/** Then the last batch (number) that asked for the pair. */
const PAIR_USED = 39;
/**
 * Pairs the store holds (× PAIR_DATA × 8 bytes: 42 MB) before it keeps only those asked for in the last
 * PAIR_KEEP_BATCHES batches (see compactPairStore).
 */
const PAIR_STORE_MAX = 1 << 17;
const PAIR_KEEP_BATCHES = 2;
/** Pair keys lo × PAIR_KEY + hi stay exact doubles and the same across batches while requests are fewer. */
const PAIR_KEY = 2 ** 26;
/** Nodes of one trip for its leg memo: the car's divert node and up to four stops. */
const TRIP_NODES = 5;

/**
 * The planner behind the `pooled` dispatcher, exposed so that tests can compare a batch's choice with brute force.
 * Keeps, between batches, the predicted pickup time of every rider it planned (the engine follows plans exactly, so
 * that is when the rider was picked up), which fixes an on-board rider's drop-off deadline.
 */
export class PooledPlanner {
  readonly limits: RideLimits;
  /** False: one request per car at a time, sharing or not (an operator turned pooling off, decision 0025). */
  pooling = true;
  private readonly maxCars: number;
  private readonly maxPairs: number;
  private readonly unassignedBaseS: number;
  private readonly ageWeight: number;
  private readonly serviceTargetS: number;
  private readonly lateS: number;
  private readonly lateRideWeight: number;
  private readonly landmarkCount: number;
  /** PooledOptions.carTimeWeight; an operator may change it between batches (decision 0025). */
  carTimeWeight: number;
  /** PooledOptions.admitOnTime and scarceRideWeight; an operator may change them between batches (decision 0042). */
  admitOnTime: boolean;
  scarceRideWeight: number;
  /** This batch: admission with a scarce-ride weight, and fewer than SCARCE_IDLE_SHARE of the cars idle (see prepare). */
  private scarce = false;
  /** Per request, the batch number in which it was new and admission applies (admitOnTime; see deadlineS). */
  private admittingAt = new Int32Array(0);
  private readonly assignment = new AssignmentSolver();
  /** choose's scratch, kept across calls: a request's and a car's dense id (a car's valid where its stamp is chStamp). */
  private chReqId = new Int32Array(0);
  private chCarStamp = new Uint32Array(0);
  private chCarId = new Int32Array(0);
  private chStamp = 0;
  /** solveSingles' scratch, kept across calls: row and column of a request and car, the edges, Bellman–Ford's edges. */
  private readonly ssRowOf = new Map<number, number>();
  private readonly ssColOf = new Map<number, number>();
  private ssCol = new Uint32Array(0);
  private ssCost = new Float64Array(0);
  private readonly ssEdgeTrip: Trip[] = [];
  private bfFrom = new Int32Array(0);
  private bfTo = new Int32Array(0);
  private bfW = new Float64Array(0);
  private legs: LegTimes | null = null;
  private landmarks: Landmarks | null = null;
  /** Predicted (then actual) pickup time per request (NaN: none; a typed array, as it is read per drop-off evaluated). */
  private pickupAtS = new Float64Array(0);
  /** Straight-line lower bounds (fast mode only). */
  private plane: Plane | null = null;
  /** This batch's open cars by grid cell of their divert node: cellFirst (CSR over cells) and cellCar. */
  private grid: Grid | null = null;
  private cars: CarState[] = [];
  /** Cost of each car's plan without new requests (see baseOf), reused between batches. */
  private baseS = new Float64Array(0);
  /** This batch's cars whose plan holds more than their riders' drop-offs (ascending; see prepare): planned[0 … plannedN). */
  private planned = new Int32Array(0);
  private plannedN = 0;
  /** Free-flow ms of each request's direct ride (-1 unknown), fast mode. */
  private directMs = new Float64Array(0);
  /** Scratch of evalStops: the new pickups of the last evaluation. */
  private pickR = new Int32Array(4);
  private pickT = new Float64Array(4);
  private pickN = 0;
  /** Scratch of bestTrip: its stop codes, their orders, memoised legs (TRIP_NODES²) and bounds per order. */
  private readonly items = new Int32Array(4);
  private readonly orderCodes = new Int32Array(4);
  private readonly orderIdx = new Int32Array(4);
  private readonly orderBounds = new Float64Array(6);
  private readonly orderRank = new Int32Array(6);
  private readonly lowMemo = new Float64Array(TRIP_NODES * TRIP_NODES);
  private readonly msMemo = new Float64Array(TRIP_NODES * TRIP_NODES);
  /** Scratch of candidateCars: the best offers so far (see offer). */
  private topV: number[] = [];
  private topS: number[] = [];
  /** Free-flow ms from the car's divert node to the pickup where computed (else NaN). */
  private topMs: number[] = [];
  /** The landmark lower bound (ms) on that leg where computed (else NaN). */
  private topLowMs: number[] = [];
  /** Per request, its candidate cars of the last batch (seedN each, -1 after the last; see candidateCars). */
  private seeds = new Int32Array(0);
  /** Per seed: the car's divert node then (-1 unknown), its first leg's free-flow ms and landmark bound (ms). */
  private seedNode = new Int32Array(0);
  private seedMs = new Float64Array(0);
  private seedLowMs = new Float64Array(0);
  private readonly seedN: number;
  /** The candidate scan's number (the scan in which each car was offered first: Grid.seededAt; see candidateCars). */
  private scanNo = 0;
  /** Lower-bound seconds of each request's direct leg (NaN unknown): the same every batch. */
  private directLowS = new Float64Array(0);
  /**
   * The pair store, kept across batches (a request is re-planned every batch until picked up, with the same partners):
   * per pair of requests (key lo × PAIR_KEY + hi), PAIR_DATA numbers at slot × PAIR_DATA in pairData: the lower-bound
   * legs among its four stops (16, stop i → j at 4i + j, stops: lo's pickup and drop-off, then hi's; NaN unknown),
   * then their exact free-flow ms (16, the same way). Neither depends on the time, so they are valid for as long as
   * they are kept; emptied when it reaches PAIR_STORE_MAX pairs (at the start of a batch).
   */
  private pairSlotOfKey = new MsCache();
  private pairData = new Float64Array(PAIR_DATA * 1024);
  private pairSlots = 0;
  /** PAIR_STORE_MAX (a field, so that a test can make the store small). */
  private readonly pairStoreMax = PAIR_STORE_MAX;
  /** What the store's latest times were found under: max wait, pickup and drop-off dwells, ride limits (pairLimitsCheck). */
  private readonly pairLimitsKey = new Float64Array(5).fill(NaN);
  private topN = 0;
  private kthS = Infinity;
  /**
   * Every car's divert time and node, end of its current leg and whether it is open, this batch (prepare writes them
   * for every car, as CarState holds them for the cars it was filled for).
   */
  private carDivS = new Float64Array(0);
  private carDivAt = new Int32Array(0);
  private carEndS = new Float64Array(0);
  private carEndNode = new Int32Array(0);
  private carOpen = new Uint8Array(0);
  /** Batch number at which cars[v] was last filled (filled on first use: see car). */
  private carFilled = new Int32Array(0);
  /**
   * Per car, what prepare derived from its plan and when: the plan version it was derived at (NaN: none), its on-board
   * riders, its number of stops, and 1 if every on-board rider's pickup time is known; the fleet's plan versions.
   */
  private carPlanSeen = new Float64Array(0);
  private carOnboardN = new Int32Array(0);
  private carPlanLen = new Int32Array(0);
  private carKnown = new Uint8Array(0);
  private planVersions: ArrayLike<number> | null = null;
  private batchNo = 0;
  /** The snapshot of the batch being planned (for car). */
  private snap: FleetSnapshot | null = null;
  /** The node each open car's coordinates and grid cell were taken at (-1 none yet). */
  private carRowNode = new Int32Array(0);
  /** Hourly factor at each open car's divert time (fast mode). */
  private carFactor = new Float64Array(0);
  private carX = new Float64Array(0);
  private carY = new Float64Array(0);
  /**
   * Scratch of plan, typed and kept across batches (grown by doubling; plain arrays emptied and refilled every batch
   * cost an allocation each, per car for the lists by car): the batch's request–vehicle candidates in request order
   * (car, request, first-leg ms and its bound), the same by car (ascending cars, request order within each: byCar…),
   * each car's candidate count (0 between batches), one car's feasible singles (request, first-leg ms and bound), and
   * the batch's pair candidates (PAIR_FIELDS numbers each).
   */
  private candV = new Int32Array(1024);
  private candR = new Int32Array(1024);
  private candMs = new Float64Array(1024);
  private candLowMs = new Float64Array(1024);
  private byCarR = new Int32Array(1024);
  private byCarMs = new Float64Array(1024);
  private byCarLowMs = new Float64Array(1024);
  private candCount = new Int32Array(0);
  private singlesR = new Int32Array(1024);
  private singlesMs = new Float64Array(1024);
  private singlesLowMs = new Float64Array(1024);
  /** firstArrivalLower of each of one car's singles (see singleArrivalLower). */
  private singlesArriveLow = new Float64Array(1024);
  private pairCand = new Float64Array(PAIR_FIELDS * 1024);
  private readonly pairCars: number[] = [];
  private readonly pairEnd: number[] = [];
  /** Scratch of mayPair: the four stop nodes. */
  private readonly pairNode = new Int32Array(4);
  /**
   * Open cars by the node their current leg ends at, this batch: a list per node, ascending, linked through
   * endingNext (first car endingFirst[node], last endingLast[node]; -1 none). Typed arrays, as a Map's lookups and
   * lists cost more than the rest of indexing a car.
   */
  private endingFirst = new Int32Array(0);
  private endingLast = new Int32Array(0);
  private endingNext = new Int32Array(0);
  /**
   * The nodes with a list this batch (their lists are emptied at the next): endingUsed[0 … endingUsedN). Typed and
   * kept, as the plain array's `length = 0` dropped its backing store and every batch grew a new one (an allocation
   * source of the stress day's busy hours).
   */
  private endingUsed = new Int32Array(0);
  private endingUsedN = 0;
  /** Grid cell of each open car's divert node (valid while carRowNode holds that node). */
  private carCellNow = new Int32Array(0);

  /** This planner's own fork of options.solver (its warm start state is this run's alone, decision 0038). */
  private readonly solver: BinaryProgramSolver;

  constructor(private readonly options: PooledOptions) {
    this.solver = options.solver.fork?.() ?? options.solver;
    this.limits = { minDetourS: options.minDetourS ?? DEFAULT_RIDE_LIMITS.minDetourS, detourShare: options.detourShare ?? DEFAULT_RIDE_LIMITS.detourShare };
    this.maxCars = options.maxVehiclesPerRequest ?? 8;
    this.maxPairs = options.maxPairTripsPerVehicle ?? 24;
    // Candidates kept per request for its next batch: all of them, unless there may be very many.
    this.seedN = this.maxCars <= 32 ? this.maxCars : 0;
    this.unassignedBaseS = options.unassignedBaseS ?? 60;
    this.ageWeight = options.ageWeight ?? 2;
    this.serviceTargetS = options.serviceTargetS ?? 300;
    this.lateS = options.lateS ?? 0;
    this.lateRideWeight = options.lateRideWeight ?? 0;
    checkWeight('lateRideWeight', this.lateRideWeight);
    if (!(this.lateS >= 0)) throw new Error(`pooled: lateS ${this.lateS} must be ≥ 0`);
    this.landmarkCount = options.landmarks ?? 4;
    this.carTimeWeight = options.carTimeWeight ?? 1;
    this.admitOnTime = options.admitOnTime ?? false;
    this.scarceRideWeight = options.scarceRideWeight ?? 0;
    checkWeight('scarceRideWeight', this.scarceRideWeight);
    checkWeight('carTimeWeight', this.carTimeWeight);
    if (!(Number.isInteger(this.landmarkCount) && this.landmarkCount >= 0)) throw new Error(`pooled: landmarks ${options.landmarks} must be a whole number ≥ 0`);
  }

  private init(s: FleetSnapshot): void {
    const g = s.graph;
    if (g) {
      this.landmarks = new Landmarks(g, Math.min(this.landmarkCount, g.nodeCount));
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

  /**
   * The latest pickup of request r this batch: the max wait, or the service target for a new request under admission
   * (admitOnTime). Only this batch's tests may use it; tests whose results are kept between batches use anyDeadlineS.
   */
  private deadlineS(s: FleetSnapshot, r: number): number {
    if (this.admitOnTime && this.admittingAt[r] === this.batchNo) return s.requestS[r] + Math.min(this.serviceTargetS, s.maxWaitS);
    return s.requestS[r] + s.maxWaitS;
  }

  /** The latest pickup of request r in any batch (at least deadlineS): for pruning tests kept in the pair store. */
  private anyDeadlineS(s: FleetSnapshot, r: number): number {
    return s.requestS[r] + s.maxWaitS;
  }

  /** Free-flow ms of r's direct ride, cached per request (fast mode: with a road graph; pickup ≠ drop-off). */
  private directFreeMs(s: FleetSnapshot, r: number): number {
    if (r >= this.directMs.length) this.growDirect(s.requestCount);
    let ms = this.directMs[r];
    if (ms < 0) this.directMs[r] = ms = this.legs!.ms(s.requestPickupNode[r], s.requestDropoffNode[r]);
    return ms;
  }

  /**
   * The service-target shaping's extra cost of picking r up at arriveS (decision 0027): 0 within the target, else lateS
   * plus lateRideWeight × r's direct ride at the fastest hour (without a road graph: departing at midnight; decision
   * 0039). The ride part is fixed per request, so the cost is monotone in the arrival and lower bounds stay bounds.
   */
  private lateCostS(s: FleetSnapshot, r: number, arriveS: number): number {
    if (arriveS - s.requestS[r] <= this.serviceTargetS) return 0;
    // Under admission only accepted riders can be planned late (a new one's deadline is the target).
    if (this.admitOnTime) return this.brokenTargetS(s) + this.shapedLateS(s, r);
    return this.shapedLateS(s, r);
  }

  /**
   * Under admission, what planning an accepted rider's pickup past the target costs besides the shaping: a new
   * request's whole unserved penalty, so that no new rider is taken at the price of an accepted one's target.
   */
  private brokenTargetS(s: FleetSnapshot): number {
    return this.unservedBaseS(s, 0);
  }

  /** What leaving a request of this age unserved costs a batch (before any promise or scarce-ride term). */
  private unservedBaseS(s: FleetSnapshot, ageS: number): number {
    return s.maxWaitS + this.unassignedBaseS + this.ageWeight * Math.max(0, ageS) + this.lateS + this.carTimeWeight * s.maxWaitS;
  }

  /** lateCostS's shaping part for a pickup past the target: lateS, plus lateRideWeight × r's ride. */
  private shapedLateS(s: FleetSnapshot, r: number): number {
    if (this.lateS === 0) return 0;
    if (this.lateRideWeight === 0) return this.lateS;
    return this.lateS + Math.round(this.lateRideWeight * this.fastestRideS(s, r));
  }

  /** r's direct ride at the day's fastest hour (without a road graph: departing at midnight), fixed per request. */
  private fastestRideS(s: FleetSnapshot, r: number): number {
    const legs = this.legs!;
    const p = s.requestPickupNode[r];
    const d = s.requestDropoffNode[r];
    if (p === d) return 0;
    if (!legs.factor) return legs.legS(p, d, 0);
    return roundLegS((this.directFreeMs(s, r) / 1000) * legs.minFactor);
  }

  /** In-vehicle seconds of r's solo ride picked up at pickupS (its free-flow ms cached per request). */
  private direct(s: FleetSnapshot, r: number, pickupS: number): number {
    const legs = this.legs!;
    const p = s.requestPickupNode[r];
    const d = s.requestDropoffNode[r];
    const departS = pickupS + s.pickupDwellS;
    if (!legs.factor || p === d) return s.pickupDwellS + legs.legS(p, d, departS);
    // As legs.legS(p, d, departS).
    return s.pickupDwellS + roundLegS((this.directFreeMs(s, r) / 1000) * legs.factor[hourOf(departS)]);
  }

  private setPickupS(s: FleetSnapshot, r: number, pickupS: number): void {
    if (r >= this.pickupAtS.length) {
      const next = new Float64Array(Math.max(s.requestCount, r + 1, 2 * this.pickupAtS.length, 1024)).fill(NaN);
      next.set(this.pickupAtS);
      this.pickupAtS = next;
    }
    this.pickupAtS[r] = pickupS;
  }

  private growDirect(count: number): void {
    const next = new Float64Array(Math.max(count, 2 * this.directMs.length, 1024)).fill(-1);
    next.set(this.directMs);
    this.directMs = next;
  }

  /**
   * The engine's seconds (or, with `lower`, a lower bound on them) for the leg a → b departing at departS. With
   * `ia`, `ib` ≥ 0 the leg is memoised per trip (see bestTrip) under stop indexes ia → ib.
   */
  private leg(a: number, b: number, departS: number, ia: number, ib: number, lower: boolean): number {
    if (a === b) return 0;
    const legs = this.legs!;
    const slot = ia >= 0 ? ia * TRIP_NODES + ib : -1;
    if (lower) {
      if (slot < 0) return this.lowerLegS(a, b);
      let lb = this.lowMemo[slot];
      if (lb !== lb) this.lowMemo[slot] = lb = this.lowerLegS(a, b);
      return lb;
    }
    if (!legs.factor) return legs.legS(a, b, departS);
    let ms: number;
    if (slot < 0) ms = legs.ms(a, b);
    else {
      ms = this.msMemo[slot];
      if (ms !== ms) this.msMemo[slot] = ms = legs.ms(a, b);
    }
    // As legs.legS(a, b, departS).
    return roundLegS((ms / 1000) * legs.factor[hourOf(departS)]);
  }

  /**
   * Evaluates a stop sequence for car v: total (wait + delay) seconds of its riders plus carTimeWeight × the plan's car
   * time beyond its new riders' own rides (with the late-pickup shaping where on), or Infinity if it breaks a wait,
   * detour, seat or sharing limit (not -1: a cost, and above all a lower bound on one, may be negative, since a rider
   * taken along earns its direct ride back and delay is measured against the direct ride at another hour's speed or
   * against an exact direct ride). Writes predicted pickup times into `pickupOut` (request → time).
   */
  evaluate(s: FleetSnapshot, v: number, codes: readonly number[], pickupOut: Map<number, number> | null, enforce = true, lower = false): number {
    const cost = this.evalStops(s, v, codes, null, codes.length, enforce, lower);
    if (pickupOut) for (let k = 0; k < this.pickN; k++) pickupOut.set(this.pickR[k], this.pickT[k]);
    return cost;
  }

  /**
   * `evaluate` without allocation: the first `count` codes, legs memoised per trip under `memoIdx` (stop → index of
   * its node in the trip, the car's divert node being 0) when given. Leaves the new pickups in pickR / pickT (pickN).
   */
  private evalStops(s: FleetSnapshot, v: number, codes: ArrayLike<number>, memoIdx: ArrayLike<number> | null, count: number, enforce: boolean, lower: boolean): number {
    const car = this.car(v);
    if (this.pickR.length < count) {
      this.pickR = new Int32Array(count);
      this.pickT = new Float64Array(count);
    }
    const pickR = this.pickR;
    const pickT = this.pickT;
    let pickN = 0;
    this.pickN = 0;
    let t = 0;
    let node = -1;
    let prevIdx = -1;
    let load = car.load;
    let aboard = car.riders;
    let solo = car.solo;
    let cost = 0;
    let ownS = 0;
    for (let i = 0; i < count; i++) {
      const code = codes[i];
      const r = code >>> 1;
      const isDrop = (code & 1) === 1;
      const x = isDrop ? s.requestDropoffNode[r] : s.requestPickupNode[r];
      const idx = memoIdx ? memoIdx[i] : -1;
      let arriveS: number;
      // With `lower`, legs are lower bounds, so the result bounds the exact cost (and infeasibility is certain).
      if (i === 0) arriveS = x === car.endNode ? car.endS : car.divS + this.leg(car.divNode, x, car.divS, memoIdx ? 0 : -1, idx, lower);
      else arriveS = t + this.leg(node, x, t, prevIdx, idx, lower);
      if (!isDrop) {
        if (enforce && arriveS > this.deadlineS(s, r)) return Infinity;
        cost += arriveS - s.requestS[r];
        // Monotone in arriveS, so a lower bound on the arrival still bounds the cost.
        cost += this.lateCostS(s, r, arriveS);
        load += s.requestRiders[r];
        aboard++;
        if (!s.requestAcceptsSharing[r]) solo++;
        if (enforce && (load > s.seats || ((solo > 0 || !this.pooling) && aboard > 1))) return Infinity;
        pickR[pickN] = r;
        pickT[pickN++] = arriveS;
        t = arriveS + s.pickupDwellS;
      } else {
        let k = 0;
        while (k < pickN && pickR[k] !== r) k++;
        const pickS = k < pickN ? pickT[k] : r < this.pickupAtS.length ? this.pickupAtS[r] : NaN;
        if (pickS !== pickS) return Infinity;
        const rideS = arriveS - pickS;
        const directS = this.direct(s, r, pickS);
        if (enforce && rideS > directS + maxDetourS(directS, this.limits)) return Infinity;
        cost += rideS - directS;
        // A new rider's own share of the car's time (picked up in this sequence; an on-board rider's is the car's already).
        if (k < pickN && this.carTimeWeight > 0) ownS += (lower ? this.directUpperS(s, r, directS) : directS) + s.dropoffDwellS;
        load -= s.requestRiders[r];
        aboard--;
        if (!s.requestAcceptsSharing[r]) solo--;
        t = arriveS + s.dropoffDwellS;
      }
      node = x;
      prevIdx = idx;
    }
    this.pickN = pickN;
    if (this.carTimeWeight > 0 && count > 0) cost += this.carTimeWeight * (t - car.divS - ownS);
    return cost;
  }

  /**
   * An upper bound on `direct` at any pickup time: the ride at the slowest hour (+1 s for rounding). Lower-bound
   * evaluations subtract a new rider's own time, so they subtract this and stay bounds. Without hourly factors (no
   * road graph) or for a ride of zero length, `atPickupS`: the ride at the pickup the bound assumed.
   */
  private directUpperS(s: FleetSnapshot, r: number, atPickupS: number): number {
    const legs = this.legs!;
    if (!legs.factor || s.requestPickupNode[r] === s.requestDropoffNode[r]) return atPickupS;
    return s.pickupDwellS + roundLegS((this.directFreeMs(s, r) / 1000) * legs.maxFactor) + 1;
  }

  /** Cost of car v's plan without new requests (its riders on board in current order), memoised in baseS. */
  private baseOf(s: FleetSnapshot, v: number, baseS: Float64Array): number {
    if (Number.isNaN(baseS[v])) baseS[v] = this.evaluate(s, v, this.car(v).onboard.map((r) => r * 2 + 1), null, false);
    return baseS[v];
  }

  /**
   * Car states, the requests to plan, and which of them must stay served (already promised a car). Every car's divert
   * and leg end and whether it is open go to typed arrays (all the candidate scan reads); a CarState is filled only if
   * it is read (see car), and a car's plan is read only if it changed since the last batch (see vehiclePlanVersion):
   * touching objects per car per batch was most of this loop's time at 20,000 cars.
   */
  private prepare(s: FleetSnapshot, nowS: number): { requests: number[]; mustServe: Set<number>; baseS: Float64Array } {
    const n = s.vehicleCount;
    // Car states are reused between batches (nothing keeps one past its batch).
    if (this.cars.length !== n) {
      this.cars = Array.from({ length: n }, (): CarState => ({ divS: 0, divNode: 0, endS: 0, endNode: 0, load: 0, onboard: [], riders: 0, solo: 0, open: false, stops: [] }));
      this.baseS = new Float64Array(n);
      this.carDivS = new Float64Array(n);
      this.carDivAt = new Int32Array(n);
      this.carEndS = new Float64Array(n);
      this.carEndNode = new Int32Array(n);
      this.carOpen = new Uint8Array(n);
      this.carFilled = new Int32Array(n).fill(-1);
      this.carPlanSeen = new Float64Array(n);
      this.carOnboardN = new Int32Array(n);
      this.carPlanLen = new Int32Array(n);
      this.carKnown = new Uint8Array(n);
      this.planVersions = null;
    }
    // Another fleet (a run with the same planner): no plan seen yet.
    if (this.planVersions !== s.vehiclePlanVersion) {
      this.planVersions = s.vehiclePlanVersion;
      this.carPlanSeen.fill(NaN);
    }
    this.snap = s;
    ++this.batchNo;
    if (this.admitOnTime) {
      if (this.admittingAt.length < s.requestCount) {
        const grown = new Int32Array(Math.max(s.requestCount, 2 * this.admittingAt.length, 1024));
        grown.set(this.admittingAt);
        this.admittingAt = grown;
      }
      for (const r of s.newRequests) if (s.requestStatus[r] === RequestStatus.open) this.admittingAt[r] = this.batchNo;
    }
    const baseS = this.baseS;
    if (this.planned.length !== n) this.planned = new Int32Array(n);
    const planned = this.planned;
    let plannedN = 0;
    const status = s.vehicleStatus;
    const carDivS = this.carDivS;
    const carDivAt = this.carDivAt;
    const carEndS = this.carEndS;
    const carEndNode = this.carEndNode;
    const carOpen = this.carOpen;
    const planVersion = s.vehiclePlanVersion;
    const carPlanSeen = this.carPlanSeen;
    const carOnboardN = this.carOnboardN;
    const carPlanLen = this.carPlanLen;
    const carKnown = this.carKnown;
    // Every car's divert point and leg end in one call (an object per car and call cost more than the rest here).
    s.divertPoints(carDivS, carDivAt, carEndS, carEndNode);
    let idle = 0;
    for (let v = 0; v < n; v++) {
      if (status[v] === VehicleStatus.idle) {
        idle++;
        // An idle car has no plan, and its divertAt and legEnd are now and here (the snapshot's contract): open,
        // nothing on board; its CarState is filled from these if read (see car).
        carOpen[v] = 1;
        baseS[v] = 0;
        continue;
      }
      // Its plan's on-board riders (drop-offs of riders on board), whether all their pickup times are known, and its
      // length: kept while the plan is the one seen then (its requests' statuses and the riders' pickup times with it;
      // a pickup time only becomes unknown when the request is cancelled, which changes the plan), redone otherwise
      // and while one is unknown. The CarState is filled on first use (see car).
      const version = planVersion[v];
      if (carKnown[v] !== 1 || carPlanSeen[v] !== version) {
        const stops = s.plan(v);
        let onboardN = 0;
        let known = 1;
        for (let i = 0; i < stops.length; i++) {
          const st = stops[i];
          if (dropsRiderOnBoard(s, st)) {
            onboardN++;
            if (!(st.request < this.pickupAtS.length && this.pickupAtS[st.request] === this.pickupAtS[st.request])) known = 0;
          }
        }
        carPlanSeen[v] = version;
        carOnboardN[v] = onboardN;
        carPlanLen[v] = stops.length;
        carKnown[v] = known;
      }
      const onboardN = carOnboardN[v];
      // A plan with stops other than on-board riders' drop-offs: realised (or cleared) after the choice.
      if (onboardN !== carPlanLen[v]) planned[plannedN++] = v;
      // A full car stays open: it may still drop its rider off and then pick someone up (seats are checked per stop).
      // A charging car takes no work (see takesWork).
      carOpen[v] = carKnown[v] === 1 && onboardN < MAX_REQUESTS_PER_CAR && takesWork(status[v]) ? 1 : 0;
      // Computed on first use (see baseOf): most cars with riders get no candidate, and each costs a routing query.
      baseS[v] = onboardN === 0 ? 0 : NaN;
    }
    this.plannedN = plannedN;
    this.scarce = this.admitOnTime && this.scarceRideWeight > 0 && idle < SCARCE_IDLE_SHARE * n;
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

  /** Car v's state this batch, filled on first use from what prepare wrote for it and the car's plan. */
  private car(v: number): CarState {
    const c = this.cars[v];
    if (this.carFilled[v] !== this.batchNo) {
      this.carFilled[v] = this.batchNo;
      const s = this.snap!;
      const onboard = c.onboard;
      // The list is emptied only if it was filled (riders is its length from the last fill, on the object at hand;
      // the list is one more object to load per car).
      if (c.riders !== 0) onboard.length = 0;
      let riders = 0;
      c.solo = 0;
      c.load = s.vehicleLoad[v];
      // An idle car has no plan (see prepare).
      if (s.vehicleStatus[v] === VehicleStatus.idle) {
        c.stops = NO_STOPS;
      } else {
        const stops = s.plan(v);
        c.stops = stops;
        for (let i = 0; i < stops.length; i++) {
          const st = stops[i];
          if (dropsRiderOnBoard(s, st)) {
            onboard.push(st.request);
            riders++;
            if (!s.requestAcceptsSharing[st.request]) c.solo++;
          }
        }
      }
      c.riders = riders;
      c.divS = this.carDivS[v];
      c.divNode = this.carDivAt[v];
      c.endS = this.carEndS[v];
      c.endNode = this.carEndNode[v];
      c.open = this.carOpen[v] === 1;
    }
    return c;
  }

  /**
   * Candidate cars of request r with their exact first-stop arrival, earliest first, at most maxCars (+ current): their
   * count, the cars in topV[0 …], their first-leg ms and its lower bound in topMs and topLowMs (no array per request).
   */
  private candidateCars(s: FleetSnapshot, r: number, nowS: number): number {
    const deadline = this.deadlineS(s, r);
    const p = s.requestPickupNode[r];
    this.topN = 0;
    this.kthS = Infinity;
    const landmarks = this.landmarks;
    const legs = this.legs!;
    const grid = this.grid;
    if (landmarks && legs.factor && grid && this.plane) {
      // Grid rings outward from the pickup. Every car with an exact arrival ≤ the maxCars-th found so far is tried:
      // a ring stops the scan once its straight-line bound exceeds that, and a car is skipped only if its landmark
      // bound does. So the result equals trying every car.
      const carEndS = this.carEndS;
      const endingNext = this.endingNext;
      for (let v = this.endingFirst[p]; v >= 0; v = endingNext[v]) if (carEndS[v] <= deadline) this.offer(v, carEndS[v], NaN, NaN);
      const carDivS = this.carDivS;
      const carDivAt = this.carDivAt;
      const carEndNode = this.carEndNode;
      const carFactor = this.carFactor;
      // Landmark bounds read the table's rows of the car's divert node and of the pickup (the pickup's stays in cache).
      // NOTE: until session 26 each open car's row was copied per batch into a Float64 array by car (when its divert
      // node moved): two cache lines per car to read where the table's Float32 row is one, and the copy itself was a
      // quarter of indexCars. The values are the same (Float32 holds whole ms below 2^24 exactly), so the same bounds.
      // The cars that were this request's candidates in the last batch it was planned in go first (most still are):
      // the maxCars-th arrival is low from the start, and the scan's bounds cut more cars. The scan skips them. Offers
      // are kept by (arrival, car) whatever their order, so the result is the same.
      const stamp = ++this.scanNo;
      const seededAt = grid.seededAt;
      const carAt = grid.carAt;
      const seedN = this.seedN;
      if (seedN > 0 && (r + 1) * seedN <= this.seeds.length) {
        const carOpen = this.carOpen;
        for (let i = r * seedN, end = i + seedN; i < end; i++) {
          const v = this.seeds[i];
          if (v < 0) break;
          if (carOpen[v] !== 1 || carEndNode[v] === p) continue;
          // An open car has a position this batch (indexCars).
          seededAt[carAt[v]] = stamp;
          const divS = carDivS[v];
          // A car still at the divert node it had then: its leg to the pickup and the bound on it are the same.
          const same = this.seedNode[i] === carDivAt[v];
          const lowMs = same ? this.seedLowMs[i] : landmarks.lowerBoundMs(carDivAt[v], p);
          const low = divS + (lowMs === 0 ? 0 : roundLegS((lowMs / 1000) * carFactor[v]));
          if (low > deadline || low > this.kthS) continue;
          const ms = same ? this.seedMs[i] : legs.ms(carDivAt[v], p);
          const arriveS = divS + (ms === 0 ? 0 : roundLegS((ms / 1000) * carFactor[v]));
          if (arriveS <= deadline && arriveS <= this.kthS) this.offer(v, arriveS, ms, lowMs);
        }
      }
      const maxMPerMs = this.plane.maxMPerMs;
      const px = this.plane.x[p];
      const py = this.plane.y[p];
      const cx = Math.min(grid.nx - 1, Math.max(0, Math.floor((px - grid.x0) / grid.cellM)));
      const cy = Math.min(grid.ny - 1, Math.max(0, Math.floor((py - grid.y0) / grid.cellM)));
      const maxRing = Math.max(cx, grid.nx - 1 - cx, cy, grid.ny - 1 - cy);
      const nx = grid.nx;
      const cellFirst = grid.cellFirst;
      const cellCar = grid.cellCar;
      const carPack = grid.carPack;
      const carEnd = grid.carEnd;
      for (let ring = 0; ring <= maxRing; ring++) {
        // Any point of ring ≥ 1 lies at least (ring − 1) cells away; a leg rounds to at least its time − 0.5 s.
        const boundS = grid.minDivS + (Math.max(0, ring - 1) * grid.cellM) / grid.maxReachMPerS - 0.5;
        if (boundS > this.kthS || boundS > deadline) break;
        for (let y = cy - ring; y <= cy + ring; y++) {
          if (y < 0 || y >= grid.ny) continue;
          // The ring's cells of this row, left to right: all of an edge row, else its two ends. Cells of one row are
          // adjacent in the CSR, so a run of cells is one run of cars (the same cars in the same order, without a loop
          // over the empty cells between them).
          const row = y * nx;
          let from0: number;
          let to0: number;
          let from1 = 0;
          let to1 = 0;
          // The runs' first and last cell columns.
          let lo0: number;
          let hi0: number;
          const lo1 = cx + ring;
          if (ring === 0 || y === cy - ring || y === cy + ring) {
            lo0 = Math.max(0, cx - ring);
            hi0 = Math.min(nx - 1, cx + ring);
            from0 = cellFirst[row + lo0];
            to0 = cellFirst[row + hi0 + 1];
          } else {
            lo0 = hi0 = cx - ring;
            from0 = to0 = 0;
            if (cx - ring >= 0) {
              from0 = cellFirst[row + cx - ring];
              to0 = cellFirst[row + cx - ring + 1];
            }
            if (cx + ring < nx) {
              from1 = cellFirst[row + cx + ring];
              to1 = cellFirst[row + cx + ring + 1];
            }
          }
          const rowDy = Math.max(0, grid.y0 + y * grid.cellM - py, py - (grid.y0 + (y + 1) * grid.cellM));
          for (let run = 0; run < 2; run++) {
            const from = run === 0 ? from0 : from1;
            const to = run === 0 ? to0 : to1;
            if (from === to) continue;
            // The run's straight-line bound: every car in it lies at least that far from the pickup, and leaves no
            // earlier, nor at a smaller hourly factor, than the batch's earliest and smallest (what each car's own
            // straight-line bound below uses, with a margin for rounding). Past it, every car of the run would fail
            // that bound: skipped at once.
            const lo = run === 0 ? lo0 : lo1;
            const hi = run === 0 ? hi0 : lo1;
            const runDx = Math.max(0, grid.x0 + lo * grid.cellM - px, px - (grid.x0 + (hi + 1) * grid.cellM));
            const runS = grid.minDivS + (Math.sqrt(runDx * runDx + rowDy * rowDy) / grid.maxReachMPerS) * (1 - 1e-6) - 0.5 - 1e-3;
            if (runS > deadline || runS > this.kthS) continue;
            // A car is skipped when a bound on its arrival exceeds `limit`: the same test as `> deadline || > kthS`
            // (re-read after every offer, as an offer may lower kthS).
            let limit = Math.min(deadline, this.kthS);
            for (let k = from; k < to; k++) {
              if (seededAt[k] === stamp) continue;
              const at = 4 * k;
              const divS = carPack[at + 2];
              if (carEnd[k] === p) {
                // Cars whose leg ends here but diverts elsewhere were offered above.
                const v = cellCar[k];
                if (carDivAt[v] === p) {
                  const endS = carEndS[v];
                  if (endS <= limit) {
                    this.offer(v, endS, NaN, NaN);
                    limit = Math.min(deadline, this.kthS);
                  }
                }
                continue;
              }
              // Straight-line bound first (the car's coordinates are at hand; the landmark rows are a cache miss each).
              const dx = carPack[at] - px;
              const dy = carPack[at + 1] - py;
              const f = carPack[at + 3];
              const lineMs = (Math.sqrt(dx * dx + dy * dy) / maxMPerMs) * (1 - 1e-9);
              const line = divS + (lineMs === 0 ? 0 : roundLegS((lineMs / 1000) * f));
              if (line > limit) continue;
              const v = cellCar[k];
              // As legs.legFromMs(ms, divS), with the car's hourly factor looked up once per batch.
              const lowMs = landmarks.lowerBoundMs(carDivAt[v], p);
              const low = divS + (lowMs === 0 ? 0 : roundLegS((lowMs / 1000) * f));
              if (low > limit) continue;
              const ms = legs.ms(carDivAt[v], p);
              const arriveS = divS + (ms === 0 ? 0 : roundLegS((ms / 1000) * f));
              if (arriveS <= limit) {
                this.offer(v, arriveS, ms, lowMs);
                limit = Math.min(deadline, this.kthS);
              }
            }
          }
        }
      }
    } else {
      for (let v = 0; v < s.vehicleCount; v++) {
        const c = this.car(v);
        if (!c.open) continue;
        const arriveS = c.endNode === p ? c.endS : c.divS + legs.legS(c.divNode, p, c.divS);
        if (arriveS <= deadline) this.offer(v, arriveS, NaN, NaN);
      }
    }
    if (this.seedN > 0 && grid) this.keepSeeds(s, r);
    let count = this.topN;
    const cur = s.requestVehicle[r];
    if (cur >= 0 && this.carOpen[cur] === 1) {
      let listed = false;
      for (let k = 0; k < count && !listed; k++) listed = this.topV[k] === cur;
      if (!listed) {
        this.topV[count] = cur;
        this.topMs[count] = NaN;
        this.topLowMs[count] = NaN;
        count++;
      }
    }
    return count;
  }

  /** Room for at least `n` request–vehicle candidates in plan's scratch (and as many singles of one car). */
  private growCandidates(n: number): void {
    const size = Math.max(n, 2 * this.candV.length);
    const grow = <T extends Int32Array | Float64Array>(old: T, next: T): T => {
      next.set(old);
      return next;
    };
    this.candV = grow(this.candV, new Int32Array(size));
    this.candR = grow(this.candR, new Int32Array(size));
    this.candMs = grow(this.candMs, new Float64Array(size));
    this.candLowMs = grow(this.candLowMs, new Float64Array(size));
    this.byCarR = new Int32Array(size);
    this.byCarMs = new Float64Array(size);
    this.byCarLowMs = new Float64Array(size);
    this.singlesR = new Int32Array(size);
    this.singlesMs = new Float64Array(size);
    this.singlesLowMs = new Float64Array(size);
    this.singlesArriveLow = new Float64Array(size);
  }

  /** Keeps request r's candidate cars (topV) for its next batch (see candidateCars). */
  private keepSeeds(s: FleetSnapshot, r: number): void {
    const seedN = this.seedN;
    if ((r + 1) * seedN > this.seeds.length) {
      const size = Math.max(s.requestCount, r + 1, 2 * (this.seeds.length / seedN), 1024) * seedN;
      const grow = <T extends Int32Array | Float64Array>(old: T, next: T): T => {
        next.set(old);
        return next;
      };
      this.seeds = grow(this.seeds, new Int32Array(size).fill(-1));
      this.seedNode = grow(this.seedNode, new Int32Array(size).fill(-1));
      this.seedMs = grow(this.seedMs, new Float64Array(size));
      this.seedLowMs = grow(this.seedLowMs, new Float64Array(size));
    }
    for (let i = 0; i < seedN; i++) {
      const k = r * seedN + i;
      const v = i < this.topN ? this.topV[i] : -1;
      this.seeds[k] = v;
      // The car's leg to the pickup and its bound, where the scan had them (not for a car whose leg ends there).
      const known = v >= 0 && this.topMs[i] === this.topMs[i];
      this.seedNode[k] = known ? this.carDivAt[v] : -1;
      this.seedMs[k] = known ? this.topMs[i] : NaN;
      this.seedLowMs[k] = known ? this.topLowMs[i] : NaN;
    }
  }

  /**
   * Keeps the best maxCars offers by (arrival, car) in topV / topS, sorted, and kthS the last one's arrival once
   * there are maxCars (the same set and order as sorting every offer and keeping the first maxCars).
   */
  private offer(v: number, arriveS: number, ms: number, lowMs: number): void {
    const topV = this.topV;
    const topS = this.topS;
    const topMs = this.topMs;
    const topLowMs = this.topLowMs;
    let n = this.topN;
    if (n >= this.maxCars) {
      const lastS = topS[n - 1];
      if (arriveS > lastS || (arriveS === lastS && v > topV[n - 1])) return;
      n--;
    }
    let j = n;
    while (j > 0 && (topS[j - 1] > arriveS || (topS[j - 1] === arriveS && topV[j - 1] > v))) {
      topS[j] = topS[j - 1];
      topV[j] = topV[j - 1];
      topMs[j] = topMs[j - 1];
      topLowMs[j] = topLowMs[j - 1];
      j--;
    }
    topS[j] = arriveS;
    topV[j] = v;
    topMs[j] = ms;
    topLowMs[j] = lowMs;
    this.topN = n + 1;
    if (this.topN >= this.maxCars) this.kthS = topS[this.topN - 1];
  }

  /** The pair store's slot of a pair key (a new slot, all unknown, if it has none). */
  private pairSlot(key: number): number {
    let slot = this.pairSlotOfKey.get(key);
    if (slot < 0) {
      slot = this.pairSlots++;
      if (this.pairSlots * PAIR_DATA > this.pairData.length) {
        const grown = new Float64Array(2 * this.pairData.length);
        grown.set(this.pairData);
        this.pairData = grown;
      }
      this.pairData.fill(NaN, slot * PAIR_DATA, (slot + 1) * PAIR_DATA);
      this.pairSlotOfKey.set(key, slot);
    }
    return slot;
  }

  /**
   * Keeps only the pairs asked for in the last PAIR_KEEP_BATCHES batches (a request is re-planned every batch until
   * picked up, mostly with the same partners; the others' requests are mostly gone), moved down in slot order, or
   * empties the store if they are more than half of it. Before session 23 the store was emptied whenever full: every
   * two minutes of the stress day's busiest hour, and each live pair was tested and its legs bounded again.
   */
  private compactPairStore(): void {
    const n = this.pairSlots;
    const data = this.pairData;
    const since = this.batchNo - PAIR_KEEP_BATCHES;
    let kept = 0;
    for (let i = 0; i < n; i++) if (data[i * PAIR_DATA + PAIR_USED] >= since) kept++;
    if (kept > n / 2) {
      this.clearPairStore();
      return;
    }
    const newSlot = new Int32Array(n);
    kept = 0;
    for (let i = 0; i < n; i++) {
      if (data[i * PAIR_DATA + PAIR_USED] >= since) {
        if (kept !== i) data.copyWithin(kept * PAIR_DATA, i * PAIR_DATA, (i + 1) * PAIR_DATA);
        newSlot[i] = kept++;
      } else newSlot[i] = -1;
    }
    this.pairSlotOfKey.remap(newSlot);
    this.pairSlots = kept;
  }

  private clearPairStore(): void {
    this.pairSlotOfKey.clear();
    this.pairSlots = 0;
  }

  /**
   * mayPair's orders mask for the pair at `at` in the store, from the latest times it found there if it tested the
   * pair at an earlier (or this) batch time, else by testing it (which stores them). Its lower-bound legs and the
   * rides' bounds do not depend on the time, and each pickup's test is nowS + (legs and dwells before it) ≤ deadline:
   * so an order possible at time T0 stays possible exactly while nowS ≤ min over its pickups of (deadline − those
   * seconds), and one impossible at T0 stays impossible at every later time. Exact in whole seconds (the times are
   * kept only where all of them are integers; see mayPair), and kept only under the limits they were found with (see
   * pairLimitsCheck).
   */
  private pairMask(s: FleetSnapshot, r1: number, r2: number, nowS: number, at: number): number {
    const data = this.pairData;
    const fromS = data[at + PAIR_FROM_S];
    if (fromS <= nowS && Number.isInteger(nowS)) {
      let mask = 0;
      for (let o = 0; o < ORDERS_2.length; o++) if (nowS <= data[at + PAIR_LATEST + o]) mask |= 1 << o;
      return mask;
    }
    return this.mayPair(s, r1, r2, nowS, at);
  }

  /**
   * Empties the pair store when what its latest times depend on besides the requests changed since the last batch:
   * the max wait (deadlines), the dwells and the ride limits (all tunable or per snapshot).
   */
  private pairLimitsCheck(s: FleetSnapshot): void {
    const key = this.pairLimitsKey;
    if (key[0] === s.maxWaitS && key[1] === s.pickupDwellS && key[2] === s.dropoffDwellS && key[3] === this.limits.minDetourS && key[4] === this.limits.detourShare) return;
    key[0] = s.maxWaitS;
    key[1] = s.pickupDwellS;
    key[2] = s.dropoffDwellS;
    key[3] = this.limits.minDetourS;
    key[4] = this.limits.detourShare;
    this.clearPairStore();
  }

  /**
   * The orders (bit o: ORDERS_2[o], stops of r1 < r2 first) in which r1 and r2 could ride in one car, by lower-bound
   * legs from now on (a necessary condition, for any car: a car reaches its first stop no earlier than now); 0: none.
   * The lower-bound legs are read from and added to the pair store at `at`.
   */
  private mayPair(s: FleetSnapshot, r1: number, r2: number, nowS: number, at: number): number {
    const nodes = this.pairNode;
    nodes[0] = s.requestPickupNode[r1];
    nodes[1] = s.requestDropoffNode[r1];
    nodes[2] = s.requestPickupNode[r2];
    nodes[3] = s.requestDropoffNode[r2];
    // Lower-bound legs between the four stops and each ride's upper bound, shared by the orders.
    const low = this.pairData;
    let up1 = NaN;
    let up2 = NaN;
    let mask = 0;
    // The latest times are kept (see pairMask) only where every term of the tests is a whole number of seconds, so that
    // nowS + seconds ≤ deadline and nowS ≤ deadline − seconds agree.
    let whole = Number.isInteger(nowS) && Number.isInteger(s.pickupDwellS) && Number.isInteger(s.dropoffDwellS);
    for (let o = 0; o < ORDERS_2.length; o++) {
      const order = ORDERS_2[o];
      let t = nowS;
      let ok = true;
      let pick1 = 0;
      let pick2 = 0;
      let latest = Infinity;
      for (let i = 0; i < 4 && ok; i++) {
        const k = order[i];
        if (i > 0) {
          const slot = at + order[i - 1] * 4 + k;
          let lb = low[slot];
          if (lb !== lb) low[slot] = lb = this.lowerLegS(nodes[order[i - 1]], nodes[k]);
          t += lb;
        }
        const first = k < 2;
        const r = first ? r1 : r2;
        if ((k & 1) === 0) {
          const deadline = this.anyDeadlineS(s, r);
          if (t > deadline) ok = false;
          const lastS = deadline - (t - nowS);
          if (lastS < latest) latest = lastS;
          if (!Number.isInteger(t) || !Number.isInteger(deadline)) whole = false;
          if (first) pick1 = t;
          else pick2 = t;
          t += s.pickupDwellS;
        } else {
          // Upper bound of the allowed ride: the direct ride is at most its time at the slowest hour.
          if (first && up1 !== up1) up1 = this.directUpper(s, r1);
          if (!first && up2 !== up2) up2 = this.directUpper(s, r2);
          const directUp = first ? up1 : up2;
          if (t - (first ? pick1 : pick2) > directUp + maxDetourS(directUp, this.limits)) ok = false;
          t += s.dropoffDwellS;
        }
      }
      if (ok) mask |= 1 << o;
      low[at + PAIR_LATEST + o] = ok ? latest : -Infinity;
    }
    low[at + PAIR_FROM_S] = whole ? nowS : NaN;
    return mask;
  }

  /**
   * Of the orders mayPair found possible for requests a and b (`pairAt`: store slot × 64 + mask), those this car may
   * still make: -1 if none, else `pairAt` with those orders only. An order's first pickup is reached no earlier than
   * the lower bound bestTrip's lower-bound evaluation gives it (the same value: the car's leg end, or its divert time
   * plus the same lower-bound leg), and from there each pickup comes exactly the seconds later that mayPair counted
   * from the batch time; so an order whose first arrival is past its latest time (pairMask) would be found impossible
   * by that evaluation too, and the pair with no order left is not a trip. Tested only where the latest times are kept
   * (whole seconds; see mayPair) and the arrivals are whole seconds.
   */
  private carPairOrders(s: FleetSnapshot, car: CarState, a: number, b: number, i: number, j: number, pairAt: number): number {
    let mask = pairAt & 63;
    // Most of the stress day's pairs cannot ride at once (a request that does not share): those orders are left out
    // here and not evaluated at all, with the same trips (see overlapBarred).
    if (this.overlapBarred(s, car, a, b)) {
      mask &= ~OVERLAP_ORDERS;
      if (mask === 0) return -1;
    }
    const pairBase = pairAt - (pairAt & 63);
    const data = this.pairData;
    const at = (pairAt >> 6) * PAIR_DATA;
    const fromS = data[at + PAIR_FROM_S];
    if (fromS !== fromS) return pairBase + mask;
    const arriveA = this.singleArrivalLower(s, car, i);
    const arriveB = this.singleArrivalLower(s, car, j);
    const lo = a < b;
    const arriveLo = lo ? arriveA : arriveB;
    const arriveHi = lo ? arriveB : arriveA;
    if (!Number.isInteger(arriveLo) || !Number.isInteger(arriveHi)) return pairBase + mask;
    let kept = 0;
    for (let o = 0; o < ORDERS_2.length; o++) {
      if ((mask & (1 << o)) === 0) continue;
      if ((ORDERS_2[o][0] === 0 ? arriveLo : arriveHi) <= data[at + PAIR_LATEST + o]) kept |= 1 << o;
    }
    return kept === 0 ? -1 : pairBase + kept;
  }

  /**
   * Whether car may not carry requests a and b on board at once: then evalStops finds every such order (OVERLAP_ORDERS)
   * infeasible at its second pickup, in the lower-bound evaluation and the exact one alike (aboard = the car's riders
   * + 2 > 1 there, and its load and solo count are these same sums), so bestTrip would never pick one.
   */
  private overlapBarred(s: FleetSnapshot, car: CarState, a: number, b: number): boolean {
    return car.solo > 0 || !this.pooling || !s.requestAcceptsSharing[a] || !s.requestAcceptsSharing[b] || car.load + s.requestRiders[a] + s.requestRiders[b] > s.seats;
  }

  /**
   * Whether requests a and b can neither ride at once (one of them does not share, or pooling is off: every car's
   * evaluation rejects those orders, see carPairOrders) nor one after the other by mayPair's own test: its second
   * pickup comes at nowS + pickup dwell + the lower-bound leg of the first ride (directLower: the same lowerLegS of
   * the same nodes that mayPair adds) + drop-off dwell + a leg ≥ 0, added in that order, so past the second's
   * deadline whenever this sum is. Then mayPair or carPairOrders would leave the pair no order: skipped before its
   * store lookup, with the same trips (the store only holds pure functions of the pair and its latest times).
   */
  private neitherSharesNorFollows(s: FleetSnapshot, a: number, b: number, nowS: number): boolean {
    if (this.pooling && s.requestAcceptsSharing[a] && s.requestAcceptsSharing[b]) return false;
    const pd = s.pickupDwellS;
    const dd = s.dropoffDwellS;
    return nowS + pd + this.directLower(s, a) + dd > this.anyDeadlineS(s, b) && nowS + pd + this.directLower(s, b) + dd > this.anyDeadlineS(s, a);
  }

  /**
   * firstArrivalLower of the car's i-th single (singlesR, singlesLowMs), found once per car and single (NaN in
   * singlesArriveLow: not yet; plan resets it per car) rather than once per pair it is in.
   */
  private singleArrivalLower(s: FleetSnapshot, car: CarState, i: number): number {
    let arriveS = this.singlesArriveLow[i];
    if (arriveS !== arriveS) this.singlesArriveLow[i] = arriveS = this.firstArrivalLower(s, car, this.singlesR[i], this.singlesLowMs[i]);
    return arriveS;
  }

  /**
   * The lower bound bestTrip's lower-bound evaluation gives car's arrival at request r's pickup as its first stop
   * (firstLowMs: candidateCars' landmark bound on the leg, ms, NaN unknown; see knownLowerLegs and evalStops).
   */
  private firstArrivalLower(s: FleetSnapshot, car: CarState, r: number, firstLowMs: number): number {
    const x = s.requestPickupNode[r];
    if (x === car.endNode) return car.endS;
    if (x === car.divNode) return car.divS;
    const lb = firstLowMs === firstLowMs ? Math.round(((firstLowMs / 1000) * this.legs!.minFactor) * (1 - 1e-12)) : this.lowerLegS(car.divNode, x);
    return car.divS + lb;
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
    this.indexCars(s);
    // Request–vehicle candidates: each car's requests, in request order.
    if (this.candCount.length !== s.vehicleCount) this.candCount = new Int32Array(s.vehicleCount);
    const candCount = this.candCount;
    const vehicles: number[] = [];
    let candN = 0;
    for (const r of requests) {
      const count = this.candidateCars(s, r, nowS);
      if (candN + count > this.candV.length) this.growCandidates(candN + count);
      const candV = this.candV;
      for (let k = 0; k < count; k++) {
        const v = this.topV[k];
        if (candCount[v]++ === 0) vehicles.push(v);
        candV[candN] = v;
        this.candR[candN] = r;
        this.candMs[candN] = this.topMs[k];
        this.candLowMs[candN] = this.topLowMs[k];
        candN++;
      }
    }
    // Trips per car.
    const trips: Trip[] = [];
    // Per pair: -1 if it cannot pair this batch, else its slot in the pair store × 64 + the orders mayPair found
    // possible (from the latest times kept in the store: see pairMask). Keys are stable across batches while requests are fewer than PAIR_KEY.
    const stableKeys = s.requestCount <= PAIR_KEY;
    if (!stableKeys) this.clearPairStore();
    else if (this.pairSlots >= this.pairStoreMax) this.compactPairStore();
    this.pairLimitsCheck(s);
    const keyBase = stableKeys ? PAIR_KEY : s.requestCount;
    const batchNo = this.batchNo;
    const mayPair = (a: number, b: number): number => {
      const key = a < b ? a * keyBase + b : b * keyBase + a;
      const slot = this.pairSlot(key);
      const at = slot * PAIR_DATA;
      this.pairData[at + PAIR_USED] = batchNo;
      const mask = this.pairMask(s, Math.min(a, b), Math.max(a, b), nowS, at);
      return mask !== 0 ? slot * 64 + mask : -1;
    };
    // Ascending (a typed array sorts numerically without a comparator call per comparison).
    const carsInOrder = new Int32Array(vehicles).sort();
    // The candidates by car: each car's range starts where the last car's ends (candCount: where its next one goes).
    let start = 0;
    for (const v of carsInOrder) {
      const c = candCount[v];
      candCount[v] = start;
      start += c;
    }
    const byCarR = this.byCarR;
    const byCarMs = this.byCarMs;
    const byCarLowMs = this.byCarLowMs;
    for (let i = 0; i < candN; i++) {
      const at = candCount[this.candV[i]]++;
      byCarR[at] = this.candR[i];
      byCarMs[at] = this.candMs[i];
      byCarLowMs[at] = this.candLowMs[i];
    }
    // Singles first, and the request pairs each empty car might take (lower-bound test only).
    // Per pair of a car, PAIR_FIELDS numbers in pairCand: the two requests, their first-leg ms and lower bounds, and
    // their pair's lower-bound legs (offset in pairLows); the cars with pairs in pairCars, each one's end in pairEnd.
    const pairCars = this.pairCars;
    const pairEnd = this.pairEnd;
    pairCars.length = 0;
    pairEnd.length = 0;
    let pairN = 0;
    const singles = this.singlesR;
    const singlesMs = this.singlesMs;
    const singlesLowMs = this.singlesLowMs;
    let from = 0;
    for (const v of carsInOrder) {
      const car = this.car(v);
      // The car's candidates: from the last car's end to its own (candCount[v] is its end now; back to 0 for the next batch).
      const to = candCount[v];
      candCount[v] = 0;
      let singleN = 0;
      for (let k = from; k < to; k++) {
        const r = byCarR[k];
        const t = this.bestTrip(s, v, r, -1, this.baseOf(s, v, baseS), byCarMs[k], NaN, byCarLowMs[k]);
        if (t) {
          trips.push(t);
          singles[singleN] = r;
          singlesMs[singleN] = byCarMs[k];
          singlesLowMs[singleN++] = byCarLowMs[k];
        }
      }
      from = to;
      if (car.riders > 0) continue;
      const first = pairN;
      if (singleN > 1) this.singlesArriveLow.fill(NaN, 0, singleN);
      for (let i = 0; i < singleN; i++) {
        for (let j = i + 1; j < singleN; j++) {
          if (this.neitherSharesNorFollows(s, singles[i], singles[j], nowS)) continue;
          const may = mayPair(singles[i], singles[j]);
          if (may < 0) continue;
          const at = this.carPairOrders(s, car, singles[i], singles[j], i, j, may);
          if (at < 0) continue;
          if (pairN + PAIR_FIELDS > this.pairCand.length) {
            const grown = new Float64Array(2 * this.pairCand.length);
            grown.set(this.pairCand);
            this.pairCand = grown;
          }
          const pairCand = this.pairCand;
          pairCand[pairN] = singles[i];
          pairCand[pairN + 1] = singles[j];
          pairCand[pairN + 2] = singlesMs[i];
          pairCand[pairN + 3] = singlesMs[j];
          pairCand[pairN + 4] = singlesLowMs[i];
          pairCand[pairN + 5] = singlesLowMs[j];
          pairCand[pairN + 6] = at;
          pairN += PAIR_FIELDS;
        }
      }
      if (pairN > first) {
        pairCars.push(v);
        pairEnd.push(pairN);
      }
    }
    const pairCand = this.pairCand;
    for (let c = 0; c < pairCars.length; c++) {
      const v = pairCars[c];
      const pairs: Trip[] = [];
      for (let k = c === 0 ? 0 : pairEnd[c - 1]; k < pairEnd[c]; k += PAIR_FIELDS) {
        const t = this.bestTrip(s, v, pairCand[k], pairCand[k + 1], baseS[v], pairCand[k + 2], pairCand[k + 3], pairCand[k + 4], pairCand[k + 5], pairCand[k + 6]);
        if (t) pairs.push(t);
      }
      if (pairs.length > this.maxPairs) {
        // Keep promised pairs (the car's current trip) and the cheapest others, ranked by objective (cost less the
        // penalties it saves), so older requests' pairs are kept first. The keys are found once per pair (not per
        // comparison); the requests break ties, so the order is total and the same whatever the sort.
        const n = pairs.length;
        const current = new Uint8Array(n);
        const gainS = new Float64Array(n);
        const rank: number[] = [];
        for (let k = 0; k < n; k++) {
          const t = pairs[k];
          const a = t.r0;
          const b = t.r1;
          current[k] = mustServe.has(a) && s.requestVehicle[a] === v && mustServe.has(b) && s.requestVehicle[b] === v ? 1 : 0;
          gainS[k] = t.marginalS - unservedS.get(a)! - unservedS.get(b)!;
          rank.push(k);
        }
        rank.sort((x, y) => current[y] - current[x] || gainS[x] - gainS[y] || pairs[x].r0 - pairs[y].r0 || pairs[x].r1 - pairs[y].r1);
        for (let k = 0; k < this.maxPairs; k++) trips.push(pairs[rank[k]]);
        continue;
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
      newPlan.set(t.vehicle, this.tripCodes(t));
      served += t.r1 >= 0 ? 2 : 1;
      costS += t.marginalS;
      objectiveS += t.marginalS;
      objectiveS -= unservedS.get(t.r0)!;
      if (t.r1 >= 0) objectiveS -= unservedS.get(t.r1)!;
      this.setPickupS(s, t.r0, t.pick0);
      if (t.r1 >= 0) this.setPickupS(s, t.r1, t.pick1);
    }
    const reasons = s.explain ? pooledReasons(s, nowS, trips, chosen) : undefined;
    // Cars with a chosen trip first, so that a request moving between cars goes straight to its new car. The others
    // keep their plan unless it holds more than their riders' drop-offs (prepare listed those): in vehicle order.
    const clearing: Command[] = [];
    const touched = mergeAscending(new Int32Array(newPlan.keys()).sort(), this.planned.subarray(0, this.plannedN));
    for (const v of touched) {
      const car = this.car(v);
      const current = car.stops;
      const chosenCodes = newPlan.get(v);
      const next = chosenCodes ?? car.onboard.map((r) => r * 2 + 1);
      if (sameCodes(current, next)) continue;
      const reason = chosenCodes ? reasons?.get(v) : undefined;
      (chosenCodes ? commands : clearing).push(reason ? { kind: 'assign', vehicle: v, stops: next.map(codeStop), reason } : { kind: 'assign', vehicle: v, stops: next.map(codeStop) });
    }
    commands.push(...clearing);
    if (this.admitOnTime) this.rejectUnadmitted(s, chosen, commands);
    // Forget riders that are gone.
    for (const r of s.cancelledRequests) if (r < this.pickupAtS.length) this.pickupAtS[r] = NaN;
    return { commands, served, costS, tripCount: trips.length, objectiveS };
  }

  /**
   * Admission (admitOnTime): this batch's new requests that no chosen trip picks up (none could within the target, or
   * others took the cars that could) are rejected, so their riders hear at once.
   */
  private rejectUnadmitted(s: FleetSnapshot, chosen: readonly Trip[], commands: Command[]): void {
    const batchNo = this.batchNo;
    const admittingAt = this.admittingAt;
    // Chosen requests are marked out of admission, so the loop below passes them over.
    for (const t of chosen) {
      admittingAt[t.r0] = 0;
      if (t.r1 >= 0) admittingAt[t.r1] = 0;
    }
    for (const r of s.newRequests) {
      if (admittingAt[r] !== batchNo || s.requestStatus[r] !== RequestStatus.open || s.requestRiders[r] > s.seats) continue;
      commands.push({ kind: 'reject', request: r, reason: 'no_car_in_time' });
    }
  }

  /**
   * Indexes this batch's open cars by grid cell of their divert node, and by the end of their current leg. A car's
   * cell and coordinates are kept from the last batch while its divert node stays (an idle car's does),
   * so a large, mostly idle fleet costs a few array reads per car here.
   */
  private indexCars(s: FleetSnapshot): void {
    const endingFirst = this.endingFirst;
    for (let i = 0; i < this.endingUsedN; i++) endingFirst[this.endingUsed[i]] = -1;
    this.endingUsedN = 0;
    const landmarks = this.landmarks;
    const grid = this.grid;
    if (!landmarks || !grid) return;
    if (this.endingFirst.length !== s.travelTimes.nodeCount) {
      this.endingFirst = new Int32Array(s.travelTimes.nodeCount).fill(-1);
      this.endingLast = new Int32Array(s.travelTimes.nodeCount).fill(-1);
    }
    if (this.endingNext.length !== s.vehicleCount) {
      this.endingNext = new Int32Array(s.vehicleCount);
      // At most one node per open car.
      this.endingUsed = new Int32Array(s.vehicleCount);
    }
    const endingUsed = this.endingUsed;
    let endingUsedN = 0;
    const endingLast = this.endingLast;
    const endingNext = this.endingNext;
    const plane = this.plane!;
    const n = s.vehicleCount;
    const cellOf = grid.carCell;
    grid.cellFirst.fill(0);
    if (this.carRowNode.length !== n) {
      // -1: no cell or coordinates taken yet.
      this.carRowNode = new Int32Array(n).fill(-1);
      this.carCellNow = new Int32Array(n);
      this.carFactor = new Float64Array(n);
      this.carX = new Float64Array(n);
      this.carY = new Float64Array(n);
    }
    // What prepare wrote for every car.
    const carDivS = this.carDivS;
    const carDivAt = this.carDivAt;
    const carEndNode = this.carEndNode;
    const carOpen = this.carOpen;
    const carRowNode = this.carRowNode;
    const carCellNow = this.carCellNow;
    const carFactor = this.carFactor;
    const factor = this.legs!.factor;
    const cellCounts = grid.cellFirst;
    // The factor of the last hour looked up, for divert times in [hourLoS, hourHiS] (see hourStartS: the same hourOf).
    // Most cars divert within the batch's hour (idle ones at its time): two comparisons instead of hourOf's floor and
    // modulo per car (an eighth of this loop's time on the stress day), the same factor.
    let hourLoS = NaN;
    let hourHiS = NaN;
    let hourF = NaN;
    let minDivS = Infinity;
    let minFactor = Infinity;
    for (let v = 0; v < n; v++) {
      if (carOpen[v] === 0) {
        cellOf[v] = -1;
        continue;
      }
      const node = carDivAt[v];
      const divS = carDivS[v];
      let f = NaN;
      if (factor) {
        if (divS >= hourLoS && divS <= hourHiS) f = hourF;
        else {
          f = factor[hourOf(divS)];
          hourLoS = hourStartS(divS);
          hourHiS = hourLoS + 3599;
          hourF = f;
        }
      }
      carFactor[v] = f;
      if (carRowNode[v] !== node) {
        carRowNode[v] = node;
        this.carX[v] = plane.x[node];
        this.carY[v] = plane.y[node];
        const x = Math.min(grid.nx - 1, Math.max(0, Math.floor((plane.x[node] - grid.x0) / grid.cellM)));
        const y = Math.min(grid.ny - 1, Math.max(0, Math.floor((plane.y[node] - grid.y0) / grid.cellM)));
        carCellNow[v] = y * grid.nx + x;
      }
      const endNode = carEndNode[v];
      if (endNode !== node) {
        const last = this.endingFirst[endNode] < 0 ? -1 : endingLast[endNode];
        if (last < 0) {
          this.endingFirst[endNode] = v;
          endingUsed[endingUsedN++] = endNode;
        } else endingNext[last] = v;
        endingLast[endNode] = v;
        endingNext[v] = -1;
      }
      const cell = carCellNow[v];
      cellOf[v] = cell;
      cellCounts[cell + 1]++;
      if (divS < minDivS) minDivS = divS;
      if (f < minFactor) minFactor = f;
    }
    this.endingUsedN = endingUsedN;
    grid.minDivS = minDivS;
    // The fastest reach over the open cars: x / f falls as f grows, so it is the reach at the smallest factor.
    const maxReach = factor && minFactor < Infinity ? (plane.maxMPerMs * 1000) / minFactor : 0;
    grid.maxReachMPerS = maxReach > 0 ? maxReach : Infinity;
    for (let k = 0; k < grid.nx * grid.ny; k++) cellCounts[k + 1] += cellCounts[k];
    const fill = grid.fill;
    fill.set(cellCounts.subarray(0, grid.nx * grid.ny));
    const cellCar = grid.cellCar;
    const carAt = grid.carAt;
    const carPack = grid.carPack;
    const carEnd = grid.carEnd;
    const carX = this.carX;
    const carY = this.carY;
    for (let v = 0; v < n; v++) {
      const cell = cellOf[v];
      if (cell < 0) continue;
      const k = fill[cell]++;
      cellCar[k] = v;
      carAt[v] = k;
      carPack[4 * k] = carX[v];
      carPack[4 * k + 1] = carY[v];
      carPack[4 * k + 2] = carDivS[v];
      carPack[4 * k + 3] = carFactor[v];
      carEnd[k] = carEndNode[v];
    }
  }

  /** Each request's cost of staying unserved this batch (batch's rule; promised requests far above everything). */
  private unservedPenalties(s: FleetSnapshot, nowS: number, requests: readonly number[], mustServe: ReadonlySet<number>): Map<number, number> {
    const out = new Map<number, number>();
    for (const r of requests) {
      const baseS = this.unservedBaseS(s, nowS - s.requestS[r]);
      // Under admission, while cars are scarce, a new request's claim shrinks with its ride (scarceRideWeight).
      const scarceS = this.scarce && this.admittingAt[r] === this.batchNo ? Math.round(this.scarceRideWeight * this.fastestRideS(s, r)) : 0;
      out.set(r, Math.max(0, baseS - scarceS) + (mustServe.has(r) ? BROKEN_PROMISE_S : 0));
    }
    return out;
  }

  /**
   * The cheapest feasible stop order for car v and the new request r0 (with r1 for a pair; r1 = -1 for a single), or
   * null. Legs known already may be given: the car to each pickup (exact ms and landmark bound ms, from candidateCars)
   * and, for a pair, the offset of the lower-bound legs among its stops that mayPair computed (pairLows; -1 none).
   */
  private bestTrip(s: FleetSnapshot, v: number, r0: number, r1: number, baseS: number, firstMs0 = NaN, firstMs1 = NaN, firstLowMs0 = NaN, firstLowMs1 = NaN, pairAt = -1): Trip | null {
    const car = this.car(v);
    if (r1 < 0 && car.riders === 0 && this.legs!.factor && this.limits.minDetourS >= 0) return this.soloTrip(s, v, car, r0, baseS, firstMs0);
    return this.bestTripGeneral(s, v, car, r0, r1, baseS, firstMs0, firstMs1, firstLowMs0, firstLowMs1, pairAt);
  }

  /** bestTrip by evaluating the orders (lower bounds first). */
  private bestTripGeneral(s: FleetSnapshot, v: number, car: CarState, r0: number, r1: number, baseS: number, firstMs0: number, firstMs1: number, firstLowMs0: number, firstLowMs1: number, pairAt: number): Trip | null {
    const items = this.items;
    let orders: readonly (readonly number[])[];
    const pair = r1 >= 0;
    if (!pair) {
      items[0] = r0 * 2;
      items[1] = r0 * 2 + 1;
      if (car.riders === 0) orders = ORDERS_1;
      else {
        items[2] = car.onboard[0] * 2 + 1;
        orders = ORDERS_ONBOARD;
      }
    } else {
      items[0] = r0 * 2;
      items[1] = r0 * 2 + 1;
      items[2] = r1 * 2;
      items[3] = r1 * 2 + 1;
      orders = ORDERS_2;
    }
    // Legs memoised over this trip's nodes (the car's divert node, then the items): every order reuses them. Only the
    // slots of this trip's node indexes (0 … stops) are read, so only they are cleared.
    const usedSlots = orders[0].length * (TRIP_NODES + 1) + 1;
    this.lowMemo.fill(NaN, 0, usedSlots);
    const msMemo = this.msMemo;
    msMemo.fill(NaN, 0, usedSlots);
    // Legs known already: the car to each pickup (candidateCars), and each ride's direct leg (direct).
    msMemo[1] = firstMs0;
    msMemo[TRIP_NODES + 2] = r0 < this.directMs.length ? this.directMs[r0] : -1;
    if (pair) {
      msMemo[3] = firstMs1;
      msMemo[3 * TRIP_NODES + 4] = r1 < this.directMs.length ? this.directMs[r1] : -1;
    }
    if (msMemo[TRIP_NODES + 2] < 0) msMemo[TRIP_NODES + 2] = NaN;
    if (pair && msMemo[3 * TRIP_NODES + 4] < 0) msMemo[3 * TRIP_NODES + 4] = NaN;
    // A pair's exact legs among its stops found for another car (this batch or an earlier one): see sharePairLegs.
    const storeAt = pairAt >= 0 ? (pairAt >> 6) * PAIR_DATA : -1;
    if (storeAt >= 0) this.sharePairLegs(storeAt, r0 > r1, false);
    const codes = this.orderCodes;
    const memoIdx = this.orderIdx;
    const m = orders.length;
    const len = orders[0].length;
    // Lower bounds first (cheap, no routing queries): skip orders that cannot be feasible or cannot beat the best.
    const bounds = this.orderBounds;
    const rank = this.orderRank;
    let ranked = 0;
    if (m === 1 && (this.limits.minDetourS >= 0 || this.limits.detourShare >= 0)) {
      // A single for an empty car has one order, and its bound could only find it infeasible where the exact
      // evaluation does too: the bound's pickup is no later than the exact one, and its ride (a lower-bound leg) is
      // within the direct ride it is compared with, while the detour limit is ≥ 0. So it goes straight to the exact one.
      rank[ranked++] = 0;
    } else this.knownLowerLegs(s, r0, r1, firstLowMs0, firstLowMs1, pairAt >= 0 ? (pairAt >> 6) * PAIR_DATA : -1);
    // A pair's orders that mayPair found impossible from now on are impossible for this car too (its lower bound
    // only starts later): skipped, as their bound would be infinite.
    const possible = pairAt >= 0 ? pairAt & 63 : -1;
    const orderBit = pair && r0 > r1 ? ORDER_BIT_FLIPPED : ORDER_BIT;
    for (let o = ranked; o < m; o++) {
      if ((possible & orderBit[o]) === 0) continue;
      const ord = orders[o];
      for (let i = 0; i < len; i++) {
        codes[i] = items[ord[i]];
        memoIdx[i] = ord[i] + 1;
      }
      const lb = this.evalStops(s, v, codes, memoIdx, len, true, true);
      bounds[o] = lb;
      if (lb === Infinity) continue;
      // Insertion by (bound, order index), as a sort of the feasible orders.
      let j = ranked++;
      while (j > 0 && bounds[rank[j - 1]] > lb) {
        rank[j] = rank[j - 1];
        j--;
      }
      rank[j] = o;
    }
    let bestO = -1;
    let bestMarginalS = 0;
    let bestPick0 = 0;
    let bestPick1 = 0;
    for (let q = 0; q < ranked; q++) {
      const o = rank[q];
      // Of equal costs the lowest order index wins, whatever the bounds' ranking (they depend on the landmarks, a
      // pruning choice that must not choose). rank is by (bound, index): past a bound above the best, or equal to it
      // with a higher index than the best's, no order can win.
      if (bestO >= 0 && (bounds[o] - baseS > bestMarginalS || (bounds[o] - baseS === bestMarginalS && o > bestO))) break;
      const ord = orders[o];
      for (let i = 0; i < len; i++) {
        codes[i] = items[ord[i]];
        memoIdx[i] = ord[i] + 1;
      }
      const c = this.evalStops(s, v, codes, memoIdx, len, true, false);
      if (c === Infinity) continue;
      const marginalS = c - baseS;
      if (bestO < 0 || marginalS < bestMarginalS || (marginalS === bestMarginalS && o < bestO)) {
        bestO = o;
        bestMarginalS = marginalS;
        bestPick0 = this.pickupOf(r0);
        if (pair) bestPick1 = this.pickupOf(r1);
      }
    }
    if (storeAt >= 0) this.sharePairLegs(storeAt, r0 > r1, true);
    if (bestO < 0) return null;
    return newTrip(v, r0, pair ? r1 : -1, bestO, bestMarginalS, bestPick0, pair ? bestPick1 : -1);
  }

  /**
   * bestTrip of one request for a car with no rider (fast mode, detour floor ≥ 0): what evaluating its one order
   * [pickup, drop-off] gives, without the general loop. The ride is the direct ride itself (the same leg, departing
   * at the same time), so it adds no delay and meets any detour limit ≥ 0; the cost is the wait (and the late
   * penalty). Where the direct leg is not finite the general evaluation decides (its delay would be ∞ − ∞).
   */
  private soloTrip(s: FleetSnapshot, v: number, car: CarState, r: number, baseS: number, firstMs: number): Trip | null {
    const legs = this.legs!;
    const p = s.requestPickupNode[r];
    const d = s.requestDropoffNode[r];
    if (p !== d && this.directFreeMs(s, r) === Infinity) return this.bestTripGeneral(s, v, car, r, -1, baseS, firstMs, NaN, NaN, NaN, -1);
    // As evalStops: the car's leg end, or its divert node and time plus the leg (memoised first leg, else cached).
    let arriveS: number;
    if (p === car.endNode) arriveS = car.endS;
    else if (p === car.divNode) arriveS = car.divS;
    else {
      const ms = firstMs === firstMs ? firstMs : legs.ms(car.divNode, p);
      arriveS = car.divS + roundLegS((ms / 1000) * legs.factor![hourOf(car.divS)]);
    }
    if (arriveS > this.deadlineS(s, r)) return null;
    if (car.load + s.requestRiders[r] > s.seats) return null;
    const cost = arriveS - s.requestS[r] + this.lateCostS(s, r, arriveS) + this.carTimeWeight * (arriveS - car.divS);
    return newTrip(v, r, -1, 0, cost - baseS, arriveS, -1);
  }

  /**
   * Fills bestTrip's lower-bound memo (lowMemo, stop indexes as there) with the bounds known already, each the value
   * lowerLegS would compute: the car to each pickup from its landmark bound ms, each ride's direct leg (kept per
   * request), and a pair's legs among its stops from mayPair (stops there in the order of the lower request first).
   */
  private knownLowerLegs(s: FleetSnapshot, r0: number, r1: number, firstLowMs0: number, firstLowMs1: number, pairAt: number): void {
    const low = this.lowMemo;
    const minFactor = this.legs!.minFactor;
    // As lowerLegS (the leg a → b with a = b never reads its memo slot).
    if (firstLowMs0 === firstLowMs0) low[1] = Math.round(((firstLowMs0 / 1000) * minFactor) * (1 - 1e-12));
    low[TRIP_NODES + 2] = this.directLower(s, r0);
    if (r1 < 0) return;
    if (firstLowMs1 === firstLowMs1) low[3] = Math.round(((firstLowMs1 / 1000) * minFactor) * (1 - 1e-12));
    low[3 * TRIP_NODES + 4] = this.directLower(s, r1);
    if (pairAt < 0) return;
    const pairLows = this.pairData;
    // mayPair's stops: the lower request's pickup and drop-off, then the other's; stop i here is its i ^ 2 if r0 is the higher.
    const flip = r0 > r1 ? 2 : 0;
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        const lb = pairLows[pairAt + (i ^ flip) * 4 + (j ^ flip)];
        if (i !== j && lb === lb) low[(i + 1) * TRIP_NODES + j + 1] = lb;
      }
    }
  }

  /**
   * Copies a pair's legs among its four stops between bestTrip's memos (stop indexes 1–4 there) and the pair store at
   * `at` (mayPair's stop order; `flip`: bestTrip's first request is the higher, stop i there is i ^ 2 here): known
   * exact ms into msMemo where it has none (`save` false), or the exact ms and lower bounds the memos hold into the
   * store (`save` true). Both are pure functions of the two nodes, so a value from the store is the one the trip would
   * compute itself.
   */
  private sharePairLegs(at: number, flip: boolean, save: boolean): void {
    const data = this.pairData;
    const msMemo = this.msMemo;
    const lowMemo = this.lowMemo;
    const f = flip ? 2 : 0;
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        if (i === j) continue;
        const slot = (i + 1) * TRIP_NODES + j + 1;
        const k = at + (i ^ f) * 4 + (j ^ f);
        if (save) {
          const ms = msMemo[slot];
          if (ms === ms) data[k + 16] = ms;
          const lb = lowMemo[slot];
          if (lb === lb) data[k] = lb;
        } else if (msMemo[slot] !== msMemo[slot]) msMemo[slot] = data[k + 16];
      }
    }
  }

  /** lowerLegS of request r's direct leg, kept per request. */
  private directLower(s: FleetSnapshot, r: number): number {
    if (r >= this.directLowS.length) {
      const next = new Float64Array(Math.max(s.requestCount, 2 * this.directLowS.length, 1024)).fill(NaN);
      next.set(this.directLowS);
      this.directLowS = next;
    }
    let lb = this.directLowS[r];
    if (lb !== lb) this.directLowS[r] = lb = this.lowerLegS(s.requestPickupNode[r], s.requestDropoffNode[r]);
    return lb;
  }

  /** A trip's stop codes in its order (as bestTrip evaluated them; the car's rider on board is this batch's). */
  private tripCodes(t: Trip): number[] {
    if (t.r1 >= 0) {
      const items = [t.r0 * 2, t.r0 * 2 + 1, t.r1 * 2, t.r1 * 2 + 1];
      return ORDERS_2[t.order].map((k) => items[k]);
    }
    const car = this.car(t.vehicle);
    if (car.onboard.length === 0) return [t.r0 * 2, t.r0 * 2 + 1];
    const items = [t.r0 * 2, t.r0 * 2 + 1, car.onboard[0] * 2 + 1];
    return ORDERS_ONBOARD[t.order].map((k) => items[k]);
  }

  /** The last evaluation's predicted pickup of new request r (as the Map evaluate fills: the last one wins). */
  private pickupOf(r: number): number {
    for (let k = this.pickN - 1; k >= 0; k--) if (this.pickR[k] === r) return this.pickT[k];
    return NaN;
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
    // Dense ids in scratch arrays indexed by request and vehicle (kept across batches: no Maps per batch). A request's
    // id is its last position in requests; a car's is its first appearance in trips (stamped per call).
    let maxReq = -1;
    for (const r of requests) if (r > maxReq) maxReq = r;
    if (this.chReqId.length <= maxReq) this.chReqId = new Int32Array(Math.max(maxReq + 1, 2 * this.chReqId.length));
    const reqIdOf = this.chReqId;
    for (let i = 0; i < requests.length; i++) reqIdOf[requests[i]] = i;
    let maxCar = -1;
    for (const t of trips) if (t.vehicle > maxCar) maxCar = t.vehicle;
    if (this.chCarStamp.length <= maxCar) {
      const size = Math.max(maxCar + 1, 2 * this.chCarStamp.length);
      this.chCarStamp = new Uint32Array(size);
      this.chCarId = new Int32Array(size);
    }
    const carStamp = this.chCarStamp;
    const carIdOf = this.chCarId;
    const stamp = ++this.chStamp;
    let carCount = 0;
    for (const t of trips) {
      if (carStamp[t.vehicle] !== stamp) {
        carStamp[t.vehicle] = stamp;
        carIdOf[t.vehicle] = carCount++;
      }
    }
    // Filled by a loop: TypedArray.from with a map function calls it through the iterator protocol, per element.
    const parent = new Int32Array(carCount + requests.length);
    for (let i = 0; i < parent.length; i++) parent[i] = i;
    const find = (x: number): number => {
      while (parent[x] !== x) x = parent[x] = parent[parent[x]];
      return x;
    };
    for (const t of trips) {
      for (let k = 0; k < 2; k++) {
        const r = k === 0 ? t.r0 : t.r1;
        if (r < 0) break;
        // The car's root afresh for each request: linking the first request may have moved it, and linking a stale
        // root would cut it from its set (a pair's request could then sit in two components and be served twice).
        const a = find(carIdOf[t.vehicle]);
        const b = find(carCount + reqIdOf[r]);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
    const byComp = new Map<number, Trip[]>();
    for (const t of trips) {
      const c = find(carIdOf[t.vehicle]);
      let list = byComp.get(c);
      if (!list) byComp.set(c, (list = []));
      list.push(t);
    }
    // Per component, in order: the singles' choice when their duals prove it, else its 0/1 program; the programs are
    // independent, so they go to the solver as one batch (solveEach: worker threads where the solver has them).
    const outcome: (Trip[] | number)[] = [];
    const programTrips: Trip[][] = [];
    const programs: BinaryProgram[] = [];
    for (const list of byComp.values()) {
      const singles = list.filter((t) => t.r1 < 0);
      const pairs = list.filter((t) => t.r1 >= 0);
      const priced = this.solveSingles(singles, pairs, unservedS);
      if (priced) {
        outcome.push(priced);
        continue;
      }
      this.programCount++;
      outcome.push(programs.length);
      programTrips.push(list);
      programs.push(this.tripProgram(list, unservedS));
    }
    const sols = solveEach(this.solver, programs);
    const chosen: Trip[] = [];
    for (const o of outcome) {
      if (typeof o !== 'number') {
        chosen.push(...o);
        continue;
      }
      const sol = sols[o];
      if (!sol) throw new Error('pooled: the trip program has no solution (cannot happen: choosing nothing is feasible)');
      chosen.push(...programTrips[o].filter((_, j) => sol.x[j] === 1));
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
    // Called per component of every batch: the maps and edge lists are scratch kept across calls (no per-call Maps,
    // closures or growing arrays; GC was 7 % of the stress day's CPU).
    const rowOf = this.ssRowOf;
    const colOf = this.ssColOf;
    rowOf.clear();
    colOf.clear();
    const rows: number[] = [];
    const cols: number[] = [];
    for (const t of singles) {
      if (!rowOf.has(t.r0)) rowOf.set(t.r0, rows.push(t.r0) - 1);
      if (!colOf.has(t.vehicle)) colOf.set(t.vehicle, cols.push(t.vehicle) - 1);
    }
    for (const t of pairs) {
      if (!rowOf.has(t.r0)) rowOf.set(t.r0, rows.push(t.r0) - 1);
      if (!rowOf.has(t.r1)) rowOf.set(t.r1, rows.push(t.r1) - 1);
      if (!colOf.has(t.vehicle)) colOf.set(t.vehicle, cols.push(t.vehicle) - 1);
    }
    // The singles' edges grouped by row, in their order within a row (a stable counting sort).
    const edgeCount = singles.length;
    if (this.ssCol.length < edgeCount) {
      const size = Math.max(edgeCount, 2 * this.ssCol.length, 256);
      this.ssCol = new Uint32Array(size);
      this.ssCost = new Float64Array(size);
    }
    const col = this.ssCol;
    const cost = this.ssCost;
    const edgeTrip = this.ssEdgeTrip;
    edgeTrip.length = edgeCount;
    const rowFirst = new Uint32Array(rows.length + 1);
    for (const t of singles) rowFirst[rowOf.get(t.r0)! + 1]++;
    for (let i = 0; i < rows.length; i++) rowFirst[i + 1] += rowFirst[i];
    const fill = rowFirst.slice(0, rows.length);
    for (const t of singles) {
      const k = fill[rowOf.get(t.r0)!]++;
      col[k] = colOf.get(t.vehicle)!;
      cost[k] = t.marginalS;
      edgeTrip[k] = t;
    }
    const pen = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) pen[i] = unservedS.get(rows[i])!;
    const res = this.assignment.solve({ rowCount: rows.length, colCount: cols.length, rowFirst, col, cost, unassignedCost: pen });
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
    if (pairs.length === 0) {
      edgeTrip.length = 0;
      return chosen;
    }
    // Bellman–Ford (queue-based) for π over nodes 0..m-1 (cars) and m (the root Z).
    const m = cols.length;
    const bound = 2 * m + rows.length + edgeCount;
    if (this.bfFrom.length < bound) {
      const size = Math.max(bound, 2 * this.bfFrom.length, 256);
      this.bfFrom = new Int32Array(size);
      this.bfTo = new Int32Array(size);
      this.bfW = new Float64Array(size);
    }
    const from = this.bfFrom;
    const to = this.bfTo;
    const w = this.bfW;
    let edges = 0;
    for (let j = 0; j < m; j++) {
      from[edges] = j;
      to[edges] = m;
      w[edges++] = 0;
      if (res.colToRow[j] < 0) {
        from[edges] = m;
        to[edges] = j;
        w[edges++] = 0;
      }
    }
    for (let i = 0; i < rows.length; i++) {
      const j = res.rowToCol[i];
      if (j >= 0) {
        from[edges] = m;
        to[edges] = j;
        w[edges++] = pen[i] - matchCost[i];
        for (let k = rowFirst[i]; k < rowFirst[i + 1]; k++) {
          if (col[k] === j) continue;
          from[edges] = col[k];
          to[edges] = j;
          w[edges++] = cost[k] - matchCost[i];
        }
      } else {
        for (let k = rowFirst[i]; k < rowFirst[i + 1]; k++) {
          from[edges] = col[k];
          to[edges] = m;
          w[edges++] = cost[k] - pen[i];
        }
      }
    }
    edgeTrip.length = 0;
    const pi = new Float64Array(m + 1).fill(Infinity);
    pi[m] = 0;
    for (let round = 0; round <= m + 1; round++) {
      let changed = false;
      for (let e = 0; e < edges; e++) {
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
      const reducedS = t.marginalS + piV - u[rowOf.get(t.r0)!] - u[rowOf.get(t.r1)!];
      if (reducedS < 0) return null;
    }
    return chosen;
  }

  /** A component's trips as a 0/1 program: one column per trip, car rows first (partition rows), then request rows. */
  private tripProgram(trips: Trip[], unservedS: ReadonlyMap<number, number>): BinaryProgram {
    const rowOfCar = new Map<number, number>();
    const rowOfReq = new Map<number, number>();
    let rowCount = 0;
    // Car rows first: each trip has exactly one (the partition hint for the branch and bound).
    for (const t of trips) if (!rowOfCar.has(t.vehicle)) rowOfCar.set(t.vehicle, rowCount++);
    for (const t of trips) {
      if (!rowOfReq.has(t.r0)) rowOfReq.set(t.r0, rowCount++);
      if (t.r1 >= 0 && !rowOfReq.has(t.r1)) rowOfReq.set(t.r1, rowCount++);
    }
    const colStart = new Int32Array(trips.length + 1);
    const rowIndex: number[] = [];
    const cost = new Float64Array(trips.length);
    trips.forEach((t, j) => {
      // A trip's cost less the penalties it saves: the objective up to the constant Σ penalties.
      cost[j] = t.marginalS;
      rowIndex.push(rowOfCar.get(t.vehicle)!);
      for (let k = 0; k < 2; k++) {
        const r = k === 0 ? t.r0 : t.r1;
        if (r < 0) break;
        rowIndex.push(rowOfReq.get(r)!);
        cost[j] -= unservedS.get(r)!;
      }
      colStart[j + 1] = rowIndex.length;
    });
    // Row identities for the LP's warm start (decision 0032): a car row its vehicle, a request row −1 − r.
    const rowKey = new Int32Array(rowCount);
    for (const [v, i] of rowOfCar) rowKey[i] = v;
    for (const [r, i] of rowOfReq) rowKey[i] = -1 - r;
    return {
      colCount: trips.length,
      rowCount,
      cost,
      colStart,
      rowIndex: new Int32Array(rowIndex),
      value: new Float64Array(rowIndex.length).fill(1),
      rowLower: new Float64Array(rowCount),
      rowUpper: new Float64Array(rowCount).fill(1),
      partitionRows: rowOfCar.size,
      rowKey,
    };
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
      const car = this.car(v);
      if (car.open) {
        for (let i = 0; i < requests.length; i++) {
          const t = this.bestTrip(s, v, requests[i], -1, this.baseOf(s, v, baseS));
          if (t) list.push(t);
          if (car.onboard.length > 0) continue;
          for (let j = i + 1; j < requests.length; j++) {
            const t2 = this.bestTrip(s, v, requests[i], requests[j], this.baseOf(s, v, baseS));
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
        const requests = tripRequests(t);
        if (requests.some((r) => used.has(r))) continue;
        let saved = 0;
        for (const r of requests) {
          used.add(r);
          saved += unservedS.get(r)!;
        }
        go(v + 1, objS + t.marginalS - saved);
        for (const r of requests) used.delete(r);
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
    for (const r of tripRequests(t)) {
      const list = tripsWith.get(r);
      if (list) list.push(t);
      else tripsWith.set(r, [t]);
    }
  }
  const tookBy = new Map<number, number>();
  for (const t of chosen) tookBy.set(t.vehicle, t.r0);
  // Of a trip holding r.
  const pickupOf = (t: Trip, r: number): number => (r === t.r0 ? t.pick0 : t.pick1);
  const out = new Map<number, DispatchReason>();
  for (const t of chosen) {
    const requests = tripRequests(t);
    const r = requests.find((q) => s.requestVehicle[q] !== t.vehicle) ?? requests[0];
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
    const other = requests.find((q) => q !== r);
    out.set(t.vehicle, { kind: 'pooled', request: r, pickupEtaS: pickupOf(t, r) - nowS, alternatives, costS: t.marginalS, ...(other === undefined ? {} : { sharedWith: other }) });
  }
  return out;
}

/** The union of two ascending lists of distinct numbers, ascending. */
function mergeAscending(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) out.push(a[i++]);
    else if (i >= a.length || b[j] < a[i]) out.push(b[j++]);
    else {
      out.push(a[i++]);
      j++;
    }
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
    parameters: () => ({
      pooling: planner.pooling,
      minDetourS: planner.limits.minDetourS,
      detourShare: planner.limits.detourShare,
      carTimeWeight: planner.carTimeWeight,
      admitOnTime: planner.admitOnTime,
      scarceRideWeight: planner.scarceRideWeight,
    }),
    tune(change: TunableParameters): void {
      if (change.pooling !== undefined) planner.pooling = change.pooling;
      if (change.minDetourS !== undefined) planner.limits.minDetourS = change.minDetourS;
      if (change.detourShare !== undefined) planner.limits.detourShare = change.detourShare;
      if (change.carTimeWeight !== undefined) planner.carTimeWeight = change.carTimeWeight;
      if (change.admitOnTime !== undefined) planner.admitOnTime = change.admitOnTime;
      if (change.scarceRideWeight !== undefined) planner.scarceRideWeight = change.scarceRideWeight;
    },
  };
}
