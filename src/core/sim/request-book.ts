// The request book: every ride request the engine has been given, its lifecycle state and who serves it. It grows as
// requests are submitted at run time (by a trip source replaying a file, or by the live service).
//
// Index conventions: requests are numbered 0, 1, 2… in the order they were given to the book; an index never changes
// and is never reused. Arrays grow by doubling; `views()` exposes exactly `count` entries of each.
import type { PlacedTrip } from '../demand/placed-trip.js';
import { RequestStatus } from '../dispatch/types.js';

/** Read-only per-request arrays of exactly `count` entries (refreshed when the book grows). */
export interface RequestViews {
  readonly requestS: Int32Array;
  readonly pickupNode: Uint32Array;
  readonly dropoffNode: Uint32Array;
  readonly riders: Uint8Array;
  readonly acceptsSharing: Uint8Array;
  readonly status: Uint8Array;
  readonly vehicle: Int32Array;
}

/** Request state, struct-of-arrays, growing. */
export class RequestBook {
  /** Requests in the book. */
  count = 0;
  /** Request time (seconds) of each request. */
  requestS: Int32Array;
  pickupNode: Uint32Array;
  dropoffNode: Uint32Array;
  riders: Uint8Array;
  acceptsSharing: Uint8Array;
  /** RequestStatus. */
  status: Uint8Array;
  /** Vehicle whose plan holds the request (assigned or on board), else -1. */
  vehicle: Int32Array;
  /** Pickup time, -1 before. */
  pickupS: Int32Array;
  /** Source ids. */
  readonly ids: string[] = [];
  /** Requests open or assigned (not yet picked up, not terminal): active minus on board. */
  private waiting: number[] = [];
  /** Requests open, assigned or on board. */
  active = 0;
  private viewCache: RequestViews | null = null;

  constructor(capacity = 1024) {
    const c = Math.max(1, capacity);
    this.requestS = new Int32Array(c);
    this.pickupNode = new Uint32Array(c);
    this.dropoffNode = new Uint32Array(c);
    this.riders = new Uint8Array(c);
    this.acceptsSharing = new Uint8Array(c);
    this.status = new Uint8Array(c);
    this.vehicle = new Int32Array(c).fill(-1);
    this.pickupS = new Int32Array(c).fill(-1);
  }

  /** Array capacity (≥ count). */
  get capacity(): number {
    return this.requestS.length;
  }

  /** Adds a request in state `future` with request time `requestS`; returns its index. */
  add(trip: PlacedTrip, requestS: number): number {
    if (this.count === this.capacity) this.grow();
    const r = this.count++;
    this.requestS[r] = requestS;
    this.pickupNode[r] = trip.pickupNode;
    this.dropoffNode[r] = trip.dropoffNode;
    this.riders[r] = trip.riders;
    this.acceptsSharing[r] = trip.acceptsSharing ? 1 : 0;
    this.status[r] = RequestStatus.future;
    this.ids.push(trip.id);
    this.viewCache = null;
    return r;
  }

  /** A submitted request becomes open (waiting for a car). */
  open(r: number): void {
    this.status[r] = RequestStatus.open;
    this.active++;
    this.waiting.push(r);
  }

  /** Whether the request waits for a pickup (open or assigned). */
  isWaiting(r: number): boolean {
    const st = this.status[r];
    return st === RequestStatus.open || st === RequestStatus.assigned;
  }

  /** Requests waiting for a pickup (open or assigned), in submission order (a fresh array). */
  waitingRequests(): number[] {
    const list = this.waiting;
    let w = 0;
    for (let i = 0; i < list.length; i++) if (this.isWaiting(list[i])) list[w++] = list[i];
    list.length = w;
    return list.slice();
  }

  /** Views of exactly `count` entries, cached until the book grows. */
  views(): RequestViews {
    if (this.viewCache === null) {
      const n = this.count;
      this.viewCache = {
        requestS: this.requestS.subarray(0, n),
        pickupNode: this.pickupNode.subarray(0, n),
        dropoffNode: this.dropoffNode.subarray(0, n),
        riders: this.riders.subarray(0, n),
        acceptsSharing: this.acceptsSharing.subarray(0, n),
        status: this.status.subarray(0, n),
        vehicle: this.vehicle.subarray(0, n),
      };
    }
    return this.viewCache;
  }

  private grow(): void {
    const c = this.capacity * 2;
    const grown = <T extends Int32Array | Uint32Array | Uint8Array>(a: T, make: (n: number) => T, fill?: number): T => {
      const b = make(c);
      if (fill !== undefined) b.fill(fill, a.length);
      b.set(a);
      return b;
    };
    this.requestS = grown(this.requestS, (n) => new Int32Array(n));
    this.pickupNode = grown(this.pickupNode, (n) => new Uint32Array(n));
    this.dropoffNode = grown(this.dropoffNode, (n) => new Uint32Array(n));
    this.riders = grown(this.riders, (n) => new Uint8Array(n));
    this.acceptsSharing = grown(this.acceptsSharing, (n) => new Uint8Array(n));
    this.status = grown(this.status, (n) => new Uint8Array(n));
    this.vehicle = grown(this.vehicle, (n) => new Int32Array(n), -1);
    this.pickupS = grown(this.pickupS, (n) => new Int32Array(n), -1);
    this.viewCache = null;
  }
}
