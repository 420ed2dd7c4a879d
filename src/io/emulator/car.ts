// One emulated car: follows the plan the server pushes (pickups and drop-offs in order) with the simulator's travel
// times and dwells, and says where it is at any engine second and which stops it has reached (to report them).
// Pure: time is passed in, nothing is sent from here.

/** A stop as the server pushes it (see PlanStop in src/service/conductor.ts). */
export interface EmulatedStop {
  action: 'pickup' | 'dropoff';
  rideId: string;
  lat: number;
  lon: number;
}

/** What the car needs of the network: snapping a point to a node, node coordinates, and travel times. */
export interface CarWorld {
  nodeAt(lat: number, lon: number): number;
  lat(node: number): number;
  lon(node: number): number;
  /** Whole seconds from `from` to `to` leaving at `departS` (the simulator's travel times). */
  timeS(from: number, to: number, departS: number): number;
  pickupDwellS: number;
  dropoffDwellS: number;
}

interface Leg {
  stop: EmulatedStop;
  fromNode: number;
  toNode: number;
  departS: number;
  arriveS: number;
  /** Leaves the stop (end of its dwell). */
  leaveS: number;
}

/** A stop reached: the car reports it (pickup or drop-off of a ride). */
export interface ReachedStop {
  action: 'pickup' | 'dropoff';
  rideId: string;
  atS: number;
}

export type CarActivity = 'idle' | 'driving' | 'dwelling';

export class EmulatedCar {
  /** Node the car stands at, or left from on its current leg. */
  private node: number;
  private legs: Leg[] = [];
  private readonly reached = new Set<string>();
  /** Stops reached and not yet taken by `takeReached`. */
  private pending: ReachedStop[] = [];

  constructor(
    readonly id: string,
    private readonly world: CarWorld,
    lat: number,
    lon: number,
  ) {
    this.node = world.nodeAt(lat, lon);
  }

  /** The server's new plan at engine second `nowS`: the car carries on from where it is now. */
  setPlan(stops: readonly EmulatedStop[], nowS: number): void {
    this.advance(nowS);
    const w = this.world;
    const current = this.legs[0];
    const next: Leg[] = [];
    let at = this.node;
    let t = nowS;
    let i = 0;
    // Keep the leg under way (or the dwell) when the new plan still starts with its stop; else turn from here.
    if (current && current.departS <= nowS && stops[0] && sameStop(stops[0], current.stop)) {
      next.push(current);
      at = current.toNode;
      t = current.leaveS;
      i = 1;
    } else if (current && current.departS <= nowS && current.arriveS > nowS) {
      const here = this.positionAt(nowS);
      at = w.nodeAt(here.lat, here.lon);
      this.node = at;
    }
    for (; i < stops.length; i++) {
      const s = stops[i];
      const key = stopKey(s);
      if (this.reached.has(key)) continue;
      const to = w.nodeAt(s.lat, s.lon);
      const arriveS = t + (to === at ? 0 : w.timeS(at, to, t));
      const leaveS = arriveS + (s.action === 'pickup' ? w.pickupDwellS : w.dropoffDwellS);
      next.push({ stop: s, fromNode: at, toNode: to, departS: t, arriveS, leaveS });
      at = to;
      t = leaveS;
    }
    this.legs = next;
  }

  /** Moves the car to engine second `nowS`: stops whose arrival has come are reached (see takeReached). */
  advance(nowS: number): void {
    while (this.legs.length > 0 && this.legs[0].arriveS <= nowS) {
      const leg = this.legs[0];
      const key = stopKey(leg.stop);
      if (!this.reached.has(key)) {
        this.reached.add(key);
        this.pending.push({ action: leg.stop.action, rideId: leg.stop.rideId, atS: leg.arriveS });
      }
      if (leg.leaveS > nowS) {
        this.node = leg.toNode;
        return;
      }
      this.node = leg.toNode;
      this.legs.shift();
    }
  }

  /** Stops reached since the last call, in order. */
  takeReached(): ReachedStop[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Where the car is at `nowS` (straight between the ends of its leg, by time). */
  positionAt(nowS: number): { lat: number; lon: number; activity: CarActivity; speedMps: number } {
    const w = this.world;
    const leg = this.legs[0];
    if (!leg || nowS < leg.departS) return { lat: w.lat(this.node), lon: w.lon(this.node), activity: 'idle', speedMps: 0 };
    if (nowS >= leg.arriveS) return { lat: w.lat(leg.toNode), lon: w.lon(leg.toNode), activity: 'dwelling', speedMps: 0 };
    const f = (nowS - leg.departS) / Math.max(1, leg.arriveS - leg.departS);
    const lat = w.lat(leg.fromNode) + f * (w.lat(leg.toNode) - w.lat(leg.fromNode));
    const lon = w.lon(leg.fromNode) + f * (w.lon(leg.toNode) - w.lon(leg.fromNode));
    const m = straightM(w.lat(leg.fromNode), w.lon(leg.fromNode), w.lat(leg.toNode), w.lon(leg.toNode));
    return { lat, lon, activity: 'driving', speedMps: Math.min(60, m / Math.max(1, leg.arriveS - leg.departS)) };
  }

  /** Stops still ahead. */
  get stopsLeft(): number {
    return this.legs.length;
  }
}

function stopKey(s: EmulatedStop): string {
  return `${s.action}:${s.rideId}`;
}

function sameStop(a: EmulatedStop, b: EmulatedStop): boolean {
  return a.action === b.action && a.rideId === b.rideId;
}

function straightM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const k = Math.PI / 180;
  const x = (lon2 - lon1) * k * Math.cos(((lat1 + lat2) / 2) * k);
  const y = (lat2 - lat1) * k;
  return 6_371_000 * Math.hypot(x, y);
}
