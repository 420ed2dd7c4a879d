// Placed trips as columns: one typed array per number field and one list of ids, instead of one object per trip.
import type { PlacedTrip } from './placed-trip.js';

/**
 * A day of placed trips held as columns (a simulation's input at metro scale). A million PlacedTrip objects, each with
 * its four coordinates boxed as heap numbers, are ~5 million heap objects; as columns they are a few typed arrays
 * outside the JS heap and the id strings. On the stress day that is 280 MB less peak memory and the same CPU time: over
 * a whole day V8 makes its full collections rare, so their marking was never a real share (docs/BENCHMARKS.md,
 * session 27). `at(i)` gives back trip i as the object it was
 * made from (the same fields and values; the optional ones only where the trip had them), made afresh on each call:
 * the simulation takes each trip once, when it is submitted. Numbers are kept as float64, so what the engine checks
 * (integer times and nodes) is checked on the very values given.
 *
 * @example
 * const columns = PlacedTripColumns.from(generateSyntheticDemand(graph, { seed: 1, trips: 1_000_000 }));
 * simulate({ graph, travelTimes, requests: columns, fleetSize: 20_000, dispatcher, seed: 1 });
 */
export class PlacedTripColumns {
  private constructor(
    readonly ids: readonly string[],
    readonly requestS: Float64Array,
    readonly pickupNode: Float64Array,
    readonly dropoffNode: Float64Array,
    readonly pickupLat: Float64Array,
    readonly pickupLon: Float64Array,
    readonly dropoffLat: Float64Array,
    readonly dropoffLon: Float64Array,
    readonly riders: Float64Array,
    readonly acceptsSharing: Uint8Array,
    /** NaN where the trip has none; null when no trip has one. */
    private readonly observedDurationS: Float64Array | null,
    /** undefined where the trip has none; null when no trip has one. */
    private readonly sourceVehicleId: readonly (string | undefined)[] | null,
  ) {}

  /** The trips as columns, in the list's order. */
  static from(trips: readonly PlacedTrip[]): PlacedTripColumns {
    const n = trips.length;
    const col = (): Float64Array => new Float64Array(n);
    const requestS = col();
    const pickupNode = col();
    const dropoffNode = col();
    const pickupLat = col();
    const pickupLon = col();
    const dropoffLat = col();
    const dropoffLon = col();
    const riders = col();
    const acceptsSharing = new Uint8Array(n);
    const ids = new Array<string>(n);
    let observed: Float64Array | null = null;
    let vehicle: (string | undefined)[] | null = null;
    for (let i = 0; i < n; i++) {
      const t = trips[i];
      ids[i] = t.id;
      requestS[i] = t.requestS;
      pickupNode[i] = t.pickupNode;
      dropoffNode[i] = t.dropoffNode;
      pickupLat[i] = t.pickupLat;
      pickupLon[i] = t.pickupLon;
      dropoffLat[i] = t.dropoffLat;
      dropoffLon[i] = t.dropoffLon;
      riders[i] = t.riders;
      acceptsSharing[i] = t.acceptsSharing ? 1 : 0;
      if (t.observedDurationS !== undefined) (observed ??= new Float64Array(n).fill(NaN))[i] = t.observedDurationS;
      if (t.sourceVehicleId !== undefined) (vehicle ??= new Array<string | undefined>(n).fill(undefined))[i] = t.sourceVehicleId;
    }
    return new PlacedTripColumns(ids, requestS, pickupNode, dropoffNode, pickupLat, pickupLon, dropoffLat, dropoffLon, riders, acceptsSharing, observed, vehicle);
  }

  get length(): number {
    return this.ids.length;
  }

  /** Trip i as a PlacedTrip (a new object each call). */
  at(i: number): PlacedTrip {
    if (!(Number.isInteger(i) && i >= 0 && i < this.ids.length)) throw new RangeError(`PlacedTripColumns.at: ${i} is not an index below ${this.ids.length}`);
    const trip: PlacedTrip = {
      id: this.ids[i],
      requestS: this.requestS[i],
      pickupNode: this.pickupNode[i],
      dropoffNode: this.dropoffNode[i],
      pickupLat: this.pickupLat[i],
      pickupLon: this.pickupLon[i],
      dropoffLat: this.dropoffLat[i],
      dropoffLon: this.dropoffLon[i],
      riders: this.riders[i],
      acceptsSharing: this.acceptsSharing[i] === 1,
    };
    const observed = this.observedDurationS?.[i];
    if (observed !== undefined && !Number.isNaN(observed)) trip.observedDurationS = observed;
    const vehicle = this.sourceVehicleId?.[i];
    if (vehicle !== undefined) trip.sourceVehicleId = vehicle;
    return trip;
  }

  /** The trips for which `keep(requestS, i)` holds, as new columns in the same order. */
  filter(keep: (requestS: number, i: number) => boolean): PlacedTripColumns {
    const picked: number[] = [];
    for (let i = 0; i < this.ids.length; i++) if (keep(this.requestS[i], i)) picked.push(i);
    const take = (c: Float64Array): Float64Array => Float64Array.from(picked, (i) => c[i]);
    const observed = this.observedDurationS;
    const vehicle = this.sourceVehicleId;
    return new PlacedTripColumns(
      picked.map((i) => this.ids[i]),
      take(this.requestS),
      take(this.pickupNode),
      take(this.dropoffNode),
      take(this.pickupLat),
      take(this.pickupLon),
      take(this.dropoffLat),
      take(this.dropoffLon),
      take(this.riders),
      Uint8Array.from(picked, (i) => this.acceptsSharing[i]),
      observed && take(observed),
      vehicle && picked.map((i) => vehicle[i]),
    );
  }
}

/** A simulation's requests: a list of trips, or the same as columns. */
export type PlacedTrips = readonly PlacedTrip[] | PlacedTripColumns;
