// Energy: the charging curve, the way from every road node to the nearest charging site, and the energy invariant — a
// car never starts a plan it cannot finish and still reach a charger with its reserve — as one pure check that the
// engine applies to every command and that strategies may call before they send one.
//
// Index conventions: sites are indices into the run's ChargingSite list; per-node arrays are indexed by road node.
// Distances are metres along the fastest path (what the engine drives), energy kWh, power kW, times integer seconds.
import FlatQueue from 'flatqueue';
import type { ChargingSite } from '../dispatch/types.js';
import { reverseIndex, type RoadGraph } from '../network/graph.js';
import type { TravelTimes } from '../network/travel-times.js';

/**
 * The charging curve: full power up to `fullPowerShare` of the battery, then power falling linearly with the energy
 * still missing (P × (B − soc) / ((1 − fullPowerShare) × B), i.e. exponential in time), never below `floorShare` × P.
 * NOTE: the shape of a typical DC fast-charging curve (constant current, then constant voltage); the break at 80 % and
 * the floor are assumptions, documented in docs/fleet-operations.md.
 */
export const CHARGE_CURVE = { fullPowerShare: 0.8, floorShare: 0.1 } as const;

/**
 * Seconds to charge from `fromKwh` to `toKwh` at a plug of `powerKw` with a battery of `batteryKwh`, along the
 * charging curve, rounded up to whole seconds (0 if there is nothing to charge). Closed form, piece by piece.
 *
 * @example chargeDurationS(10, 32, 50, 40) // 22 kWh at full power: 1584 s
 */
export function chargeDurationS(fromKwh: number, toKwh: number, powerKw: number, batteryKwh: number): number {
  const b = batteryKwh;
  const to = Math.min(toKwh, b);
  if (!(to > fromKwh)) return 0;
  const knee = CHARGE_CURVE.fullPowerShare * b;
  const taperSpan = b - knee;
  // Where the linear taper meets the floor: P × (B − s) / taperSpan = floorShare × P.
  const floorAt = b - CHARGE_CURVE.floorShare * taperSpan;
  let hours = 0;
  // Full power.
  if (fromKwh < knee) hours += (Math.min(to, knee) - fromKwh) / powerKw;
  // Taper: ds/dt = P (B − s) / taperSpan, so t = taperSpan / P × ln((B − lo) / (B − hi)).
  const lo = Math.max(fromKwh, knee);
  const hi = Math.min(to, floorAt);
  if (hi > lo) hours += (taperSpan / powerKw) * Math.log((b - lo) / (b - hi));
  // Floor.
  const flo = Math.max(fromKwh, floorAt);
  if (to > flo) hours += (to - flo) / (CHARGE_CURVE.floorShare * powerKw);
  // A hair below an integer must not round up a whole second: round to the microsecond first.
  return Math.ceil(Math.round(hours * 3600 * 1e6) / 1e6);
}

/** What a vehicle of the fleet is, energy-wise (from the VehicleSpec). */
export interface EnergySpec {
  readonly batteryKwh: number;
  readonly energyKwhPerKm: number;
  readonly reserveKwh: number;
}

/**
 * The charging sites of a run and the way to them: for every node the site reached fastest from it, with the length
 * and free-flow time of that path (one reverse multi-source Dijkstra from all sites), and the same from the nearest
 * site to every node (forward), for checking that every trip can be served at all. Leg distances along the fastest
 * path are memoised: dispatchers and the engine ask for the same legs again and again.
 */
export class EnergyModel {
  readonly sites: readonly ChargingSite[];
  readonly spec: EnergySpec;
  /** Per node: the site reached fastest, and the metres and free-flow ms of the fastest path to it. */
  readonly nearestSite: Int32Array;
  readonly toChargerM: Float64Array;
  readonly toChargerMs: Float64Array;
  /** Per node: metres of the fastest path from the site that reaches it fastest. */
  readonly fromChargerM: Float64Array;
  private readonly legCache = new Map<number, number>();
  private readonly nodeCount: number;
  /** For the query-free upper bound on a leg's metres (legUpperM): free-flow ms from every node to a central hub and
   *  from the hub to every node, and the fastest any edge is driven (metres per free-flow ms), with a hair of slack. */
  private readonly toHubMs: Float64Array;
  private readonly fromHubMs: Float64Array;
  private readonly maxMPerMs: number;

  constructor(
    graph: RoadGraph,
    private readonly travelTimes: TravelTimes,
    sites: readonly ChargingSite[],
    spec: EnergySpec,
  ) {
    this.sites = sites;
    this.spec = spec;
    this.nodeCount = graph.nodeCount;
    const rev = multiSourceDijkstra(graph, sites, 'reverse');
    this.nearestSite = rev.site;
    this.toChargerM = rev.distanceM;
    this.toChargerMs = rev.timeMs;
    this.fromChargerM = multiSourceDijkstra(graph, sites, 'forward').distanceM;
    const hub = [{ node: centralNode(graph), plugs: 1, powerKw: 1 }];
    this.toHubMs = multiSourceDijkstra(graph, hub, 'reverse').timeMs;
    this.fromHubMs = multiSourceDijkstra(graph, hub, 'forward').timeMs;
    let v = 0;
    for (let e = 0; e < graph.edgeCount; e++) v = Math.max(v, graph.lengthM[e] / graph.timeMs[e]);
    this.maxMPerMs = v * (1 + 1e-9);
  }

  /**
   * An upper bound on legM(a, b) without a route query: every metre of a path is driven at most at the fastest edge's
   * speed, and the fastest path from a to b is no slower than the one through the hub. Loose (a few times the truth),
   * but enough to accept most plans of a car that is not low.
   */
  legUpperM(a: number, b: number): number {
    return a === b ? 0 : this.maxMPerMs * (this.toHubMs[a] + this.fromHubMs[b]);
  }

  /**
   * A tighter upper bound on legM(a, b): the metres already known, else the fastest edge speed × the leg's free-flow
   * time (one time query, which the strategies' queries have usually cached already; no path unpacking).
   */
  legTimeBoundM(a: number, b: number): number {
    if (a === b) return 0;
    const known = this.legCache.get(a * this.nodeCount + b);
    if (known !== undefined) return known;
    const tt = this.travelTimes;
    return this.maxMPerMs * ((tt.timeS(a, b, 0) / tt.speedFactor(0)) * 1000) * (1 + 1e-9);
  }

  /** Metres of the fastest path from `a` to `b` (0 when a = b), as the engine drives it. */
  legM(a: number, b: number): number {
    if (a === b) return 0;
    const key = a * this.nodeCount + b;
    const hit = this.legCache.get(key);
    if (hit !== undefined) return hit;
    // NOTE: a plain bound on the memo (~40 MB); a day's distinct checked legs are far fewer (SF, 700 cars: ~1e5).
    if (this.legCache.size >= 1 << 19) this.legCache.clear();
    const m = this.travelTimes.route(a, b).distanceM;
    this.legCache.set(key, m);
    return m;
  }

  /** Metres of the fastest path from `a` to `b`, without filling the memo (one-off questions such as trip checks). */
  tripM(a: number, b: number): number {
    return a === b ? 0 : (this.legCache.get(a * this.nodeCount + b) ?? this.travelTimes.route(a, b).distanceM);
  }

  /** Metres a car may still drive before it is down to its keep (Infinity when driving uses no energy). */
  rangeM(socKwh: number, keepKwh: number): number {
    const rate = this.spec.energyKwhPerKm;
    return rate > 0 ? ((socKwh - keepKwh) / rate) * 1000 : Infinity;
  }

  /** Seconds a car needs at `site` to charge from `fromKwh` to `toKwh` once plugged in. */
  chargeDurationS(site: number, fromKwh: number, toKwh: number): number {
    return chargeDurationS(fromKwh, toKwh, this.sites[site].powerKw, this.spec.batteryKwh);
  }
}

/** Where a car starts anything new: the node, and the metres it drives before it gets there (its committed leg). */
export interface EnergyStart {
  node: number;
  distanceM: number;
}

/**
 * Why a car with `socKwh` that starts at `start` cannot drive through `nodes` in order and then still reach the
 * nearest charger with its reserve (or, with `toCharger: false`, reach the last node at all), or null if it can.
 * Pure: reads the model, writes nothing (the leg memo aside).
 *
 * @example energyShortfall(model, 12.5, { node: 40, distanceM: 0 }, [pickupNode, dropoffNode], true) // null: fine
 */
export function energyShortfall(model: EnergyModel, socKwh: number, start: EnergyStart, nodes: ArrayLike<number>, toCharger: boolean): string | null {
  const budgetM = model.rangeM(socKwh, toCharger ? model.spec.reserveKwh : 0);
  const last = nodes.length > 0 ? nodes[nodes.length - 1] : start.node;
  const fixedM = start.distanceM + (toCharger ? model.toChargerM[last] : 0);
  // Three ways to count the legs, each exact or above the truth, cheapest first: the query-free hub bound (settles
  // most checks of cars that are not low), a bound from travel times, then exact metres (route queries, memoised).
  let m = Infinity;
  for (let tier = 0; tier < 3; tier++) {
    m = fixedM;
    let at = start.node;
    for (let i = 0; i < nodes.length; i++) {
      const to = nodes[i];
      m += tier === 0 ? model.legUpperM(at, to) : tier === 1 ? model.legTimeBoundM(at, to) : model.legM(at, to);
      at = to;
    }
    if (m <= budgetM) return null;
  }
  const kwh = (m / 1000) * model.spec.energyKwhPerKm;
  return toCharger
    ? `needs ${kwh.toFixed(2)} kWh to finish and reach a charger with the ${model.spec.reserveKwh} kWh reserve; the battery holds ${socKwh.toFixed(2)} kWh`
    : `needs ${kwh.toFixed(2)} kWh to reach the charging site; the battery holds ${socKwh.toFixed(2)} kWh`;
}

interface MultiSourceResult {
  site: Int32Array;
  distanceM: Float64Array;
  timeMs: Float64Array;
}

/**
 * Fastest paths between every node and its nearest site by free-flow time: `reverse` = from the node to a site (over
 * incoming edges), `forward` = from a site to the node. Carries the metres of the path found. Ties: the site pushed
 * first (lowest index) wins at equal time, then first settled.
 */
function multiSourceDijkstra(g: RoadGraph, sites: readonly ChargingSite[], direction: 'reverse' | 'forward'): MultiSourceResult {
  const n = g.nodeCount;
  const site = new Int32Array(n).fill(-1);
  const distanceM = new Float64Array(n).fill(Infinity);
  const timeMs = new Float64Array(n).fill(Infinity);
  const done = new Uint8Array(n);
  const q = new FlatQueue<number>();
  for (let i = 0; i < sites.length; i++) {
    const s = sites[i].node;
    if (timeMs[s] === 0) continue;
    timeMs[s] = 0;
    distanceM[s] = 0;
    site[s] = i;
    q.push(s, 0);
  }
  // Forward: a node's outgoing edges (CSR); reverse: its incoming edges (tail, edge).
  const rev = direction === 'reverse' ? reverseIndex(g) : null;
  const first = rev ? rev.revFirst : g.firstOut;
  while (q.length > 0) {
    const u = q.pop()!;
    if (done[u]) continue;
    done[u] = 1;
    for (let i = first[u]; i < first[u + 1]; i++) {
      const w = rev ? rev.revTail[i] : g.head[i];
      const e = rev ? rev.revEdge[i] : i;
      const nt = timeMs[u] + g.timeMs[e];
      if (nt < timeMs[w]) {
        timeMs[w] = nt;
        distanceM[w] = distanceM[u] + g.lengthM[e];
        site[w] = site[u];
        q.push(w, nt);
      }
    }
  }
  return { site, distanceM, timeMs };
}

/** A trip no car can serve on a full battery: the drive it needs from the nearest site and back to one, in metres. */
export interface UnservableTrip {
  index: number;
  fromChargerM: number;
  tripM: number;
  toChargerM: number;
}

/**
 * Trips that even a car leaving the charger nearest to the pickup with a full battery could not drive (to the pickup,
 * to the drop-off, on to the nearest charger) and keep its reserve: such a configuration cannot run. Returns how many
 * and the longest. A route query only for trips the query-free bound does not settle.
 *
 * @example const bad = unservableTrips(model, trips); if (bad.count > 0) throw new Error(`battery too small`);
 */
export function unservableTrips(model: EnergyModel, trips: readonly { pickupNode: number; dropoffNode: number }[]): { count: number; worst: UnservableTrip | null } {
  const rangeM = model.rangeM(model.spec.batteryKwh, model.spec.reserveKwh);
  let count = 0;
  let worst: UnservableTrip | null = null;
  let worstM = -Infinity;
  for (let i = 0; i < trips.length; i++) {
    const t = trips[i];
    const fromM = model.fromChargerM[t.pickupNode];
    const toM = model.toChargerM[t.dropoffNode];
    if (fromM + model.legUpperM(t.pickupNode, t.dropoffNode) + toM <= rangeM) continue;
    const tripM = model.tripM(t.pickupNode, t.dropoffNode);
    const needM = fromM + tripM + toM;
    if (needM <= rangeM) continue;
    count++;
    if (needM > worstM) {
      worstM = needM;
      worst = { index: i, fromChargerM: fromM, tripM, toChargerM: toM };
    }
  }
  return { count, worst };
}

/** The node nearest the mean of all node coordinates (a hub for the leg bound; any node would be correct). */
function centralNode(g: RoadGraph): number {
  let lat = 0;
  let lon = 0;
  for (let n = 0; n < g.nodeCount; n++) {
    lat += g.lat[n];
    lon += g.lon[n];
  }
  lat /= g.nodeCount;
  lon /= g.nodeCount;
  const cos = Math.cos((lat * Math.PI) / 180);
  let best = 0;
  let bestD = Infinity;
  for (let n = 0; n < g.nodeCount; n++) {
    const d = (g.lat[n] - lat) ** 2 + ((g.lon[n] - lon) * cos) ** 2;
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}
