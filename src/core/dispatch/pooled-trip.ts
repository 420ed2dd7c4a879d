// One candidate trip of the pooled planner (a car with one or two new requests) and the stop orders a trip may take.

/**
 * One candidate trip of one car: its new request or two, the stop order it is best in (its codes: see
 * PooledPlanner.tripCodes) and its cost over the car's plan without them. One object of numbers, no arrays (a batch of
 * the stress day's busiest hour makes ~16,000 trips, kept until its choice is made).
 */
export interface Trip {
  vehicle: number;
  /** The new requests: r0, and r1 for a pair (-1: a single). */
  r0: number;
  r1: number;
  /** Index of its stop order in ORDERS_2 (a pair), ORDERS_ONBOARD (a single for a car with a rider) or ORDERS_1. */
  order: number;
  /**
   * The plan's cost (Σ wait + delay of every rider, the late-pickup shaping, carTimeWeight × the car time beyond the new
   * riders' own rides) minus the same for the car's plan without new requests.
   */
  marginalS: number;
  /** Predicted pickup time of r0, and of r1 (-1 for a single). */
  pick0: number;
  pick1: number;
}

/** A trip's new requests as a list (r0, then r1 if a pair). */
export function tripRequests(t: Trip): number[] {
  return t.r1 >= 0 ? [t.r0, t.r1] : [t.r0];
}

/** A trip as one object of numbers (see Trip). */
export function newTrip(vehicle: number, r0: number, r1: number, order: number, marginalS: number, pick0: number, pick1: number): Trip {
  return { vehicle, r0, r1, order, marginalS, pick0, pick1 };
}

/** The stop orders of a pair trip: each request's pickup before its drop-off. */
export const ORDERS_2: readonly (readonly number[])[] = [
  // indexes into [p1, d1, p2, d2]
  [0, 2, 1, 3], [0, 2, 3, 1], [0, 1, 2, 3], [2, 0, 1, 3], [2, 0, 3, 1], [2, 3, 0, 1],
];
/** The stop order of a single for a car with no rider on board. */
export const ORDERS_1: readonly (readonly number[])[] = [[0, 1]];
/** The stop orders of a single for a car with a rider on board: the new pickup before its drop-off. */
export const ORDERS_ONBOARD: readonly (readonly number[])[] = [
  // indexes into [p, d, dOnboard]
  [0, 1, 2], [0, 2, 1], [2, 0, 1],
];
/** Bit of each order of ORDERS_2 in PooledPlanner.mayPair's mask: the same order, or, with the two requests' stops swapped (stop i ↔ i ^ 2), the order it becomes. */
export const ORDER_BIT = ORDERS_2.map((_, o) => 1 << o);
export const ORDER_BIT_FLIPPED = ORDERS_2.map((ord) => 1 << ORDERS_2.findIndex((other) => other.every((k, i) => k === (ord[i] ^ 2))));
/**
 * Bits of the orders of ORDERS_2 with both riders on board at once (the second stop a pickup), in either mask's
 * indexing (swapping the two requests' stops maps this set onto itself).
 */
export const OVERLAP_ORDERS = ORDERS_2.reduce((mask, ord, o) => ((ord[1] & 1) === 0 ? mask | (1 << o) : mask), 0);
