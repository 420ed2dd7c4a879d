// The TravelTimes contract every routing engine implements, the time-of-day speed profile, and plain Dijkstra as the
// reference engine that faster engines (contraction hierarchies) must equal exactly.
import { BoundedSearch } from './bounded-search.js';
import { findEdge, type RoadGraph } from './graph.js';

/** A shortest path: the node sequence, its time and its distance. */
export interface RoutePath {
  nodes: Uint32Array;
  /** Where an engine has them: edges[i] is the graph edge nodes[i] → nodes[i + 1] that findEdge gives. */
  edges?: Uint32Array;
  timeS: number;
  distanceM: number;
}

/**
 * Time-of-day speed factors: the extension point for congestion. A factor multiplies every free-flow travel time
 * departing in that hour (1 = free flow, 1.4 = 40 % slower). nowS = 0 is local midnight of the scenario's first day.
 * NOTE: a factor uniform over the network keeps every shortest path the same, so one CH serves all hours; per-road
 * factors would need a customisable CH.
 */
export interface SpeedProfile {
  /** One factor per hour of the day, index 0 = 00:00–00:59 local. */
  readonly hourlyFactors: readonly number[];
}

export const FREE_FLOW: SpeedProfile = { hourlyFactors: new Array(24).fill(1) };

/** The factor in force at `departS` seconds after local midnight of day 0. */
export function speedFactorAt(profile: SpeedProfile, departS: number): number {
  const hour = Math.floor(departS / 3600) % 24;
  return profile.hourlyFactors[hour < 0 ? hour + 24 : hour];
}

/** Checks a profile: 24 finite factors > 0. Throws with the bad hour named. */
export function validateSpeedProfile(profile: SpeedProfile): SpeedProfile {
  if (profile.hourlyFactors.length !== 24) throw new Error(`speed profile: need 24 hourly factors, got ${profile.hourlyFactors.length}`);
  profile.hourlyFactors.forEach((f, h) => {
    if (!(f > 0) || !Number.isFinite(f)) throw new Error(`speed profile: factor for hour ${h} is ${f}; it must be a finite number > 0`);
  });
  return profile;
}

/**
 * Travel times between road nodes. Times are seconds (free-flow time × the speed factor of the departure hour);
 * Infinity where no path exists. `departS` defaults to 0.
 */
export interface TravelTimes {
  readonly nodeCount: number;
  timeS(from: number, to: number, departS?: number): number;
  /** Time and distance of the fastest route. */
  route(from: number, to: number, departS?: number): { timeS: number; distanceM: number };
  /** Times from one node to each target; writes into `out` if given (length ≥ targets.length). */
  oneToMany(from: number, targets: ArrayLike<number>, departS?: number, out?: Float64Array): Float64Array;
  /** Row-major table: result[i * targets.length + j] = time from sources[i] to targets[j]. */
  manyToMany(sources: ArrayLike<number>, targets: ArrayLike<number>, departS?: number): Float64Array;
  /** The fastest path, or null if unreachable. */
  path(from: number, to: number, departS?: number): RoutePath | null;
  /**
   * The factor in force at `departS`: every time above is (free-flow ms / 1000) × this, computed in that order, so a
   * dispatcher holding free-flow ms (its own searches, straight-line bounds) reproduces the times exactly.
   */
  speedFactor(departS: number): number;
}

/** Sums edge lengths along a node path (fastest edge between consecutive nodes). */
export function pathDistanceM(g: RoadGraph, nodes: ArrayLike<number>): number {
  let d = 0;
  for (let i = 1; i < nodes.length; i++) {
    const e = findEdge(g, nodes[i - 1], nodes[i]);
    if (e < 0) throw new Error(`path has no edge ${nodes[i - 1]}->${nodes[i]}`);
    d += g.lengthM[e];
  }
  return d;
}

/**
 * Plain Dijkstra over the CSR graph: the reference that defines "exact". Slow on purpose-free grounds: no
 * preprocessing. Every query runs on one reused BoundedSearch (not re-entrant).
 */
export class DijkstraTravelTimes implements TravelTimes {
  readonly nodeCount: number;
  private readonly search: BoundedSearch;

  constructor(
    private readonly graph: RoadGraph,
    private readonly profile: SpeedProfile = FREE_FLOW,
  ) {
    this.nodeCount = graph.nodeCount;
    this.search = new BoundedSearch(graph);
  }

  /** Searches from `from` until `to` is settled, or everywhere when `to` is -1. */
  private run(from: number, to = -1): void {
    const search = this.search;
    search.start(from);
    for (let u = search.settleNext(); u >= 0 && u !== to; u = search.settleNext());
  }

  /** Free-flow time in integer milliseconds (Infinity if unreachable). */
  timeMs(from: number, to: number): number {
    this.run(from, to);
    return this.search.distanceMs(to);
  }

  speedFactor(departS: number): number {
    return speedFactorAt(this.profile, departS);
  }

  timeS(from: number, to: number, departS = 0): number {
    return (this.timeMs(from, to) / 1000) * speedFactorAt(this.profile, departS);
  }

  route(from: number, to: number, departS = 0): { timeS: number; distanceM: number } {
    const p = this.path(from, to, departS);
    return p ? { timeS: p.timeS, distanceM: p.distanceM } : { timeS: Infinity, distanceM: Infinity };
  }

  oneToMany(from: number, targets: ArrayLike<number>, departS = 0, out?: Float64Array): Float64Array {
    const res = out ?? new Float64Array(targets.length);
    this.run(from);
    const f = speedFactorAt(this.profile, departS);
    for (let j = 0; j < targets.length; j++) res[j] = (this.search.distanceMs(targets[j]) / 1000) * f;
    return res;
  }

  manyToMany(sources: ArrayLike<number>, targets: ArrayLike<number>, departS = 0): Float64Array {
    const res = new Float64Array(sources.length * targets.length);
    const row = new Float64Array(targets.length);
    for (let i = 0; i < sources.length; i++) {
      this.oneToMany(sources[i], targets, departS, row);
      res.set(row, i * targets.length);
    }
    return res;
  }

  path(from: number, to: number, departS = 0): RoutePath | null {
    this.run(from, to);
    const ms = this.search.distanceMs(to);
    if (ms === Infinity) return null;
    const rev: number[] = [];
    for (let v = to; v !== -1; v = this.search.parentOf(v)) rev.push(v);
    const nodes = Uint32Array.from(rev.reverse());
    return {
      nodes,
      timeS: (ms / 1000) * speedFactorAt(this.profile, departS),
      distanceM: pathDistanceM(this.graph, nodes),
    };
  }
}
