// Leg times as the engine rounds them, cached for the pooled planner: LegTimes, and MsCache, the open-addressing
// table of free-flow ms (also the pooled planner's pair store index).
import type { RoadGraph } from '../network/graph.js';
import type { TravelTimes } from '../network/travel-times.js';
import { legTimeS, roundLegS } from './types.js';

/** The hour of day (0–23) of a time in seconds, the index of TravelTimes.speedFactor's hourly factors. */
export const hourOf = (departS: number): number => {
  const h = Math.floor(departS / 3600) % 24;
  return h < 0 ? h + 24 : h;
};

/**
 * The first second of departS's hour (hourOf's floor × 3600). Every time in [hourStartS, hourStartS + 3599] has
 * departS's hourOf: division rounds monotonically, start / 3600 is exact, and (start + 3599) / 3600 is too far below
 * the next whole number to round up to it. So a factor looked up once serves that whole range.
 */
export const hourStartS = (departS: number): number => Math.floor(departS / 3600) * 3600;

/**
 * Leg times exactly as the engine rounds them, cached. With a road graph a leg is roundLegS((ms / 1000) × f) from a
 * cached free-flow ms and the travel times' own hourly factor f (TravelTimes.speedFactor), so free-flow ms from our own
 * Dijkstra searches can be used directly. Otherwise every leg is a cached travel-time query per hour.
 */
export class LegTimes {
  readonly factor: Float64Array | null;
  /** Smallest and largest hourly factor (lower bounds on any leg use the smallest). */
  readonly minFactor: number;
  /** Largest hourly factor (Infinity without a road graph). */
  readonly maxFactor: number;
  private readonly msCache = new MsCache();
  private readonly sCache = new Map<number, number>();
  private readonly n: number;

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

  /** Forgets the point cache once it grows large (memory stays bounded over a day). */
  boundCache(): void {
    if (this.msCache.size > 1_000_000) this.msCache.clear();
    if (this.sCache.size > 1_000_000) this.sCache.clear();
  }

  /**
   * Free-flow ms (fast mode only), from cached point queries. NOTE: the legs between a batch's pair stops came from
   * one CH many-to-many table per batch until session 19; with legs memoised per trip and the cache kept across
   * batches (a request waits ~10 batches), point queries for the legs not seen before cost less (SF day, 320 cars:
   * −1.6 s and −2.3 s CPU in two A/B runs, docs/BENCHMARKS.md).
   */
  ms(a: number, b: number): number {
    const key = a * this.n + b;
    let ms = this.msCache.get(key);
    if (ms < 0) {
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

/** Entries of MsCache's direct-mapped front table, minus one (a mask). */
const NEAR_MASK = (1 << 16) - 1;

/**
 * Free-flow ms by key (a × nodeCount + b), ≥ 0 (Infinity allowed): open addressing over typed arrays, since a Map of a
 * million number keys costs several hundred ns a lookup in the candidate scan. get returns -1 when absent. (The pair
 * store's slots by pair key use it too: any value ≥ 0 by any key ≥ 0.)
 */
export class MsCache {
  size = 0;
  private mask = (1 << 12) - 1;
  /** Slot i: key at 2i (-1 empty), ms at 2i + 1 (one cache line per probe). */
  private slots = new Float64Array(2 << 12).fill(-1);
  /** Direct-mapped copies of recent hits: key at 2i (-1 empty), ms at 2i + 1. */
  private readonly near = new Float64Array(2 * (NEAR_MASK + 1)).fill(-1);

  private static slotOf(key: number, mask: number): number {
    const lo = key % 0x100000000 | 0;
    const hi = (key / 0x100000000) | 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca77);
    h ^= h >>> 13;
    return h & mask;
  }

  get(key: number): number {
    // A small direct-mapped table in front (fits a core's cache; a batch asks for a few thousand legs, mostly the last
    // batch's again), then the large one.
    const h = MsCache.slotOf(key, 0x7fffffff);
    const near = this.near;
    const j = 2 * (h & NEAR_MASK);
    if (near[j] === key) return near[j + 1];
    const slots = this.slots;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const k = slots[2 * i];
      if (k === key) {
        near[j] = key;
        near[j + 1] = slots[2 * i + 1];
        return near[j + 1];
      }
      if (k < 0) return -1;
    }
  }

  /** Stores a key known to be absent. */
  set(key: number, ms: number): void {
    if (4 * (this.size + 1) > this.slots.length) this.grow();
    this.put(key, ms);
    this.size++;
  }

  /** Keeps the entries whose value v has newValue[v] ≥ 0, with that value (values must be below newValue's length). */
  remap(newValue: Int32Array): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length).fill(-1);
    this.near.fill(-1);
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] < 0) continue;
      const v = newValue[old[i + 1]];
      if (v < 0) continue;
      this.put(old[i], v);
      this.size++;
    }
  }

  clear(): void {
    this.slots.fill(-1);
    this.near.fill(-1);
    this.size = 0;
  }

  private put(key: number, ms: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = MsCache.slotOf(key, 0x7fffffff) & mask;
    while (slots[2 * i] >= 0) i = (i + 1) & mask;
    slots[2 * i] = key;
    slots[2 * i + 1] = ms;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2).fill(-1);
    this.mask = this.slots.length / 2 - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i] >= 0) this.put(old[i], old[i + 1]);
  }
}
