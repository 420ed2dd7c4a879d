// Trip sources: where requests come from at run time. A replayed file is a source the simulation pulls from just in
// time, submitting each trip to the engine at its request time; the live service submits to the engine directly.
import type { PlacedTrip } from '../demand/placed-trip.js';
import { PlacedTripColumns, type PlacedTrips } from '../demand/trip-columns.js';
import type { Engine } from './engine.js';

/** Trips in request-time order, read one at a time. */
export interface TripSource {
  /** Request time of the next trip, Infinity when there is none. */
  peekS(): number;
  /** Takes the next trip (call only when peekS() is finite). */
  take(): PlacedTrip;
}

/**
 * A source over an in-memory list, or the same as columns (each trip then made as an object only when taken), in
 * (requestS, list position) order.
 */
export class ArrayTripSource implements TripSource {
  private readonly order: Uint32Array;
  private readonly requestS: ArrayLike<number>;
  private next = 0;

  constructor(
    private readonly trips: PlacedTrips,
    /** The order and request times of another source over the same trips (see rewound): not sorted again. */
    sorted?: { order: Uint32Array; requestS: ArrayLike<number> },
  ) {
    if (sorted) {
      this.order = sorted.order;
      this.requestS = sorted.requestS;
      return;
    }
    const requestS = trips instanceof PlacedTripColumns ? trips.requestS : trips.map((t) => t.requestS);
    const order = Array.from({ length: trips.length }, (_, i) => i);
    order.sort((a, b) => requestS[a] - requestS[b] || a - b);
    this.order = Uint32Array.from(order);
    this.requestS = requestS;
  }

  /** A source over the same trips in the same order, from the first (nothing sorted again; this one is untouched). */
  rewound(): ArrayTripSource {
    return new ArrayTripSource(this.trips, { order: this.order, requestS: this.requestS });
  }

  /** Trips taken so far. */
  get taken(): number {
    return this.next;
  }

  peekS(): number {
    return this.next < this.order.length ? this.requestS[this.order[this.next]] : Infinity;
  }

  take(): PlacedTrip {
    const i = this.order[this.next++];
    const trips = this.trips;
    return trips instanceof PlacedTripColumns ? trips.at(i) : trips[i];
  }
}

/**
 * Runs the engine to `untilS`, submitting every trip of `source` due by then just before its second begins, so the
 * engine learns of each request only at its request time. Closes the engine's requests once the source is empty.
 * Returns whether the engine has anything left queued.
 */
export function feedUntil(engine: Engine, source: TripSource, untilS: number): boolean {
  for (let s = source.peekS(); s !== Infinity && s <= untilS; s = source.peekS()) {
    engine.runUntil(s - 1);
    while (source.peekS() === s) engine.submit(source.take());
  }
  if (source.peekS() === Infinity) engine.closeRequests();
  return engine.runUntil(untilS);
}
