// The clairvoyant fleet bound against brute force: the relaxed graph's matching, its minimum path cover, and the true minimum fleet.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clairvoyantFleetBound, type CoverTrip, type FleetBoundOptions } from '../../src/core/solve/path-cover.js';
import { maximumMatching } from '../../src/core/solve/matching.js';
import { Rng } from '../../src/core/random.js';

/** Fake city: nodes on a W × W grid, 60 s per block, Manhattan distance (so the triangle inequality holds). */
const W = 10;
const BLOCK_S = 60;
const travelS = (a: number, b: number): number => (Math.abs((a % W) - (b % W)) + Math.abs(Math.floor(a / W) - Math.floor(b / W))) * BLOCK_S;
const manyToMany = (sources: Uint32Array, targets: Uint32Array): Float64Array => {
  const out = new Float64Array(sources.length * targets.length);
  for (let i = 0; i < sources.length; i++) for (let k = 0; k < targets.length; k++) out[i * targets.length + k] = travelS(sources[i], targets[k]);
  return out;
};

function trip(requestS: number, pickupNode: number, dropoffNode: number): CoverTrip {
  return { requestS, pickupNode, dropoffNode, rideS: travelS(pickupNode, dropoffNode) };
}

/** Edge i → j of the relaxed model, straight from its definition. */
function follows(trips: CoverTrip[], i: number, j: number, withinS: number, dwellS: number): boolean {
  const a = trips[i];
  const b = trips[j];
  return i !== j && a.requestS + dwellS + a.rideS + travelS(a.dropoffNode, b.pickupNode) <= b.requestS + withinS;
}

/** Minimum number of sets covering all trips, where ok(mask) says a set can be served by one car. */
function minCover(n: number, ok: (mask: number) => boolean): number {
  const full = (1 << n) - 1;
  const good = new Uint8Array(1 << n);
  for (let m = 1; m <= full; m++) good[m] = ok(m) ? 1 : 0;
  const f = new Int32Array(1 << n).fill(1e9);
  f[0] = 0;
  for (let m = 1; m <= full; m++) {
    const low = m & -m;
    for (let s = m; s > 0; s = (s - 1) & m) if (s & low && good[s]) f[m] = Math.min(f[m], f[m ^ s] + 1);
  }
  return f[full];
}

/** Minimum path cover of the relaxed graph (simple paths), by Hamiltonian-path DP per subset. */
function bruteMinPathCover(trips: CoverTrip[], withinS: number, dwellS: number): number {
  const n = trips.length;
  const ham = Array.from({ length: 1 << n }, () => new Uint8Array(n));
  for (let i = 0; i < n; i++) ham[1 << i][i] = 1;
  for (let m = 1; m < 1 << n; m++)
    for (let i = 0; i < n; i++)
      if (ham[m][i]) for (let j = 0; j < n; j++) if (!(m & (1 << j)) && follows(trips, i, j, withinS, dwellS)) ham[m | (1 << j)][j] = 1;
  return minCover(n, (m) => ham[m].some((x) => x === 1));
}

/** The true minimum single-rider fleet: pickups wait ≤ withinS, delays propagate along each car's sequence. */
function bruteTrueFleet(trips: CoverTrip[], withinS: number, dwellS: number): number {
  const n = trips.length;
  // earliest[m][last] = earliest time the car is free after serving set m ending with `last`.
  const earliest = Array.from({ length: 1 << n }, () => new Float64Array(n).fill(Infinity));
  for (let i = 0; i < n; i++) earliest[1 << i][i] = trips[i].requestS + dwellS + trips[i].rideS;
  for (let m = 1; m < 1 << n; m++)
    for (let i = 0; i < n; i++) {
      const free = earliest[m][i];
      if (free === Infinity) continue;
      for (let j = 0; j < n; j++) {
        if (m & (1 << j)) continue;
        const t = trips[j];
        const pickup = Math.max(free + travelS(trips[i].dropoffNode, t.pickupNode), t.requestS);
        if (pickup > t.requestS + withinS) continue;
        const m2 = m | (1 << j);
        earliest[m2][j] = Math.min(earliest[m2][j], pickup + dwellS + t.rideS);
      }
    }
  return minCover(n, (m) => earliest[m].some((x) => x < Infinity));
}

function explicitMatching(trips: CoverTrip[], withinS: number, dwellS: number): number {
  const n = trips.length;
  const adj: number[] = [];
  const leftFirst = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (follows(trips, i, j, withinS, dwellS)) adj.push(j);
    leftFirst[i + 1] = adj.length;
  }
  return maximumMatching({ leftCount: n, rightCount: n, leftFirst, right: Uint32Array.from(adj) }).size;
}

function checkSuccessors(trips: CoverTrip[], res: ReturnType<typeof clairvoyantFleetBound>, withinS: number, dwellS: number): void {
  const hasPred = new Set<number>();
  let links = 0;
  res.successor.forEach((j, i) => {
    if (j < 0) return;
    links++;
    expect(follows(trips, i, j, withinS, dwellS)).toBe(true);
    expect(hasPred.has(j)).toBe(false);
    hasPred.add(j);
  });
  expect(links).toBe(res.matched);
}

const tripArb = fc
  .record({ requestS: fc.integer({ min: 0, max: 3600 }), pickupNode: fc.integer({ min: 0, max: W * W - 1 }), dropoffNode: fc.integer({ min: 0, max: W * W - 1 }) })
  .map((t) => trip(t.requestS, t.pickupNode, t.dropoffNode));

describe('clairvoyantFleetBound', () => {
  const base: FleetBoundOptions = { withinS: 0, manyToMany };

  it('chains three trips that follow each other onto one car', () => {
    const trips = [trip(0, 0, 3), trip(200, 3, 5), trip(400, 5, 0)];
    const res = clairvoyantFleetBound(trips, { ...base, chains: true });
    expect(res.fleet).toBe(1);
    expect(res.chains!.map((c) => Array.from(c))).toEqual([[0, 1, 2]]);
  });

  it('needs one car per trip when the trips overlap in time', () => {
    const trips = [trip(0, 0, 9), trip(10, 9, 0), trip(20, 5, 55)];
    expect(clairvoyantFleetBound(trips, base).fleet).toBe(3);
  });

  it('lets withinS absorb a late arrival, and dwellS block it', () => {
    // Car free at 180 s at node 3, then 2 blocks (120 s) to node 5: reaches it at 300; trip 1 requested at 250.
    const trips = [trip(0, 0, 3), trip(250, 5, 7)];
    expect(clairvoyantFleetBound(trips, base).fleet).toBe(2);
    expect(clairvoyantFleetBound(trips, { ...base, withinS: 60 }).fleet).toBe(1);
    expect(clairvoyantFleetBound(trips, { ...base, withinS: 60, dwellS: 30 }).fleet).toBe(2);
  });

  it('handles no trips and rejects a bad option', () => {
    expect(clairvoyantFleetBound([], base).fleet).toBe(0);
    expect(() => clairvoyantFleetBound([trip(0, 0, 1)], { ...base, withinS: -1 })).toThrow(/withinS/);
  });

  it('equals n − maximum matching of the relaxed graph and never exceeds the true minimum fleet (brute force, ≤ 8 trips)', () => {
    fc.assert(
      fc.property(
        fc.array(tripArb, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(0, 0, 120, 600, 3000),
        fc.constantFrom(0, 30),
        fc.integer({ min: 0, max: W * W - 1 }),
        fc.boolean(),
        (trips, withinS, dwellS, hubNode, useLowerBound) => {
          const res = clairvoyantFleetBound(trips, {
            withinS,
            dwellS,
            manyToMany,
            hubNode,
            maxTableEntries: 6,
            lowerBoundTimeS: useLowerBound ? (a, b) => travelS(a, b) / 2 : undefined,
          });
          checkSuccessors(trips, res, withinS, dwellS);
          expect(res.fleet).toBe(trips.length - explicitMatching(trips, withinS, dwellS));
          const pathCover = bruteMinPathCover(trips, withinS, dwellS);
          const trueFleet = bruteTrueFleet(trips, withinS, dwellS);
          expect(res.fleet).toBeLessThanOrEqual(pathCover);
          expect(pathCover).toBeLessThanOrEqual(trueFleet);
          // Without waiting the relaxation is exact (Vazifeh's model).
          if (withinS === 0) expect(res.fleet).toBe(trueFleet);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('agrees with Hopcroft–Karp on the explicit graph for a few hundred trips', () => {
    const rng = new Rng(11);
    for (const [withinS, dwellS] of [[0, 0], [300, 20], [900, 0]]) {
      const trips = Array.from({ length: 400 }, () => trip(rng.int(4 * 3600), rng.int(W * W), rng.int(W * W)));
      const res = clairvoyantFleetBound(trips, { withinS, dwellS, manyToMany, lowerBoundTimeS: (a, b) => travelS(a, b) * 0.8, chains: true });
      checkSuccessors(trips, res, withinS, dwellS);
      expect(res.matched).toBe(explicitMatching(trips, withinS, dwellS));
      let explicitEdges = 0;
      for (let i = 0; i < trips.length; i++) for (let j = 0; j < trips.length; j++) if (follows(trips, i, j, withinS, dwellS)) explicitEdges++;
      expect(res.edges).toBe(explicitEdges);
      expect(res.queriedPairs).toBeLessThan(explicitEdges); // the hub test spares most queries
      expect(res.chains!.reduce((s, c) => s + c.length, 0)).toBe(trips.length);
    }
  });
});
