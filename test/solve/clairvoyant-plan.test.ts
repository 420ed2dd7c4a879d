// The clairvoyant plan (an upper bound on the clairvoyant minimum fleet): every plan it makes obeys the rules when
// checked on its own, the car-time lower bound never exceeds it, and it pools where two seats allow.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { carTimeFleetBound, type CarTimeTrip } from '../../src/core/solve/car-time-bound.js';
import { FLAT, GRID_W, WAVY, gridFreeFlowManyToMany, gridFreeFlowS } from './grid-city.js';
import { clairvoyantFleet, clairvoyantPlan, memoFreeFlow, plannedDriveS, verifyClairvoyantPlan, type ClairvoyantPlanOptions } from '../../src/core/solve/clairvoyant-plan.js';

const W = GRID_W;
const freeFlowS = gridFreeFlowS;
const freeFlowManyToMany = gridFreeFlowManyToMany;
const trip = (requestS: number, pickupNode: number, dropoffNode: number): CarTimeTrip => ({ requestS, pickupNode, dropoffNode, rideFreeFlowS: freeFlowS(pickupNode, dropoffNode) });
const base = (seats: number, hourlyFactors: readonly number[] = FLAT): Omit<ClairvoyantPlanOptions, 'fleet'> => ({
  withinS: 300,
  pickupDwellS: 30,
  dropoffDwellS: 30,
  seats,
  hourlyFactors,
  freeFlowS,
});

describe('clairvoyantPlan', () => {
  it('rounds drives up from the departure hour’s factor, never below 1 s', () => {
    expect(plannedDriveS(0, 0, WAVY)).toBe(0);
    expect(plannedDriveS(100, 3600 * 2 + 5, WAVY)).toBe(220);
    expect(plannedDriveS(100.2, 0, WAVY)).toBe(161);
    expect(plannedDriveS(0.1, 3600, WAVY)).toBe(1);
  });

  it('carries two riders of one street in one two-seat car, and needs two one-rider cars', () => {
    const trips = [trip(0, 0, 5), trip(10, 1, 4)];
    const two = clairvoyantPlan(trips, { ...base(2), fleet: 1 });
    expect(two.counted).toBe(2);
    expect(two.shared).toBe(2);
    expect(verifyClairvoyantPlan(trips, two, base(2))).toBe(2);
    expect(clairvoyantPlan(trips, { ...base(1), fleet: 1 }).counted).toBe(1);
    expect(clairvoyantFleet(trips, 1, base(1), { min: 1, max: 4 }).fleet).toBe(2);
  });

  it('carries the delay along a chain: eight requests at one stand, 240 s apart, 300 s each, need two cars', () => {
    // Each request keeps a car 30 + 120 + 30 s and 120 s back to the stand; one car would pick the seventh up 360 s late.
    const trips = Array.from({ length: 8 }, (_, i) => trip(i * 240, 0, 2));
    const one = clairvoyantPlan(trips, { ...base(1), fleet: 1 });
    expect(one.counted).toBe(7); // the seventh is left out; the eighth is then 120 s late
    expect(clairvoyantFleet(trips, 1, base(1), { min: 1, max: 8 }).fleet).toBe(2);
    // Told not to grow, a search whose top falls short says so and plans no larger fleet.
    const seen: number[] = [];
    const short = clairvoyantFleet(trips, 1, base(1), { min: 1, max: 1, grow: false }, (fleet) => seen.push(fleet));
    expect(short).toMatchObject({ fleet: 1, met: false });
    expect(short.plan.counted).toBe(7);
    expect(seen).toEqual([1]);
    expect(clairvoyantFleet(trips, 1, base(1), { min: 1, max: 3, grow: false })).toMatchObject({ fleet: 2, met: true });
    // Descending steps down 1, 2, 4, … cars from the top while plans suffice, then bisects what is left.
    const descending = (max: number): number[] => {
      const fleets: number[] = [];
      expect(clairvoyantFleet(trips, 1, base(1), { min: 1, max, grow: false, descend: true }, (fleet) => fleets.push(fleet))).toMatchObject({ fleet: 2, met: true });
      return fleets;
    };
    expect(descending(3)).toEqual([3, 2, 1]);
    expect(descending(8)).toEqual([8, 7, 5, 1, 3, 2]);
  });

  it('keeps parties in their seats and riders who refuse sharing alone, as the engine does', () => {
    // The two-seat pooling case of above, with the first request a party of two, then refusing to share.
    const pair = [{ ...trip(0, 0, 5), riders: 2 }, trip(10, 1, 4)];
    expect(clairvoyantPlan(pair, { ...base(2), fleet: 1 }).counted).toBe(1);
    const alone = [{ ...trip(0, 0, 5), acceptsSharing: false }, trip(10, 1, 4)];
    expect(clairvoyantPlan(alone, { ...base(2), fleet: 1 }).counted).toBe(1);
    expect(clairvoyantPlan([{ ...trip(0, 0, 5), riders: 3 }], { ...base(2), fleet: 1 }).counted).toBe(0);
    // The checker refuses the shared plan for both.
    const shared = clairvoyantPlan([trip(0, 0, 5), trip(10, 1, 4)], { ...base(2), fleet: 1 });
    expect(shared.counted).toBe(2);
    expect(() => verifyClairvoyantPlan(pair, shared, base(2))).toThrow(/3 riders aboard/);
    expect(() => verifyClairvoyantPlan(alone, shared, base(2))).toThrow(/refuses sharing/);
  });

  it('leaves out the long rides of an hour that dropped requests, and then meets the target with fewer cars', () => {
    // At 10:00 one long ride (10 blocks) and, every 100 s from 10:00:50, nine requests that keep a car 60 s at one
    // stand. One car takes the long ride first and then only the last of the others; leaving the long ride out (a
    // tenth of the eight it dropped, rounded up), it takes all nine, which is the 90 % asked for.
    const trips = [trip(36_000, 0, 5 * W + 5), ...Array.from({ length: 9 }, (_, i) => trip(36_050 + 100 * i, 7, 7))];
    const plain = clairvoyantFleet(trips, 0.9, base(1), { min: 1, max: 3 });
    const leaving = clairvoyantFleet(trips, 0.9, base(1), { min: 1, max: 3 }, undefined, { share: 0.1, rounds: 1 });
    expect(plain.fleet).toBe(2);
    expect(leaving.fleet).toBe(1);
    expect(verifyClairvoyantPlan(trips, leaving.plan, base(1))).toBe(9);
    expect(leaving.plan.cars[0].some((s) => s.request === 0)).toBe(false);
  });

  it('gives a long ride in a car\'s last stops up for a request that fits nowhere, and then meets the target with one car fewer', () => {
    // One car, one seat: at 10:00 a request that keeps the car 60 s at node 7, at 10:00:10 a ride of 8 blocks from
    // node 7, and every 100 s from 10:01:40 eight more requests at node 7. The car fits the first two of those in
    // before the long ride; the third fits nowhere, and so none after it, since the long ride takes the car away. With
    // ejection the third takes the long ride's place, which ends the car's plan 440 s earlier, and the long ride, which
    // no other car can take, is dropped in its stead: the car then serves the others too, 9 of the 10.
    const trips = [trip(36_000, 7, 7), trip(36_010, 7, 35), ...Array.from({ length: 8 }, (_, i) => trip(36_100 + 100 * i, 7, 7))];
    const keeping = clairvoyantPlan(trips, { ...base(1), fleet: 1, eject: false });
    const ejecting = clairvoyantPlan(trips, { ...base(1), fleet: 1, eject: true });
    expect(verifyClairvoyantPlan(trips, keeping, base(1))).toBe(4);
    expect(verifyClairvoyantPlan(trips, ejecting, base(1))).toBe(9);
    expect(ejecting.cars[0].some((s) => s.request === 1)).toBe(false);
    expect(clairvoyantFleet(trips, 0.9, { ...base(1), eject: false }, { min: 1, max: 3 }).fleet).toBe(2);
    const fleet = clairvoyantFleet(trips, 0.9, { ...base(1), eject: true }, { min: 1, max: 3 });
    expect(fleet.fleet).toBe(1);
    expect(verifyClairvoyantPlan(trips, fleet.plan, base(1))).toBe(9);
  });

  it('keeps a ride limit when given one', () => {
    // Served one after the other, either rider is picked up too late; together, one of them rides 450 s or more
    // beyond its 120 s or 60 s direct ride, over the limit of 180 s extra.
    const trips = [trip(0, 0, 12), trip(0, 3, 4)];
    const free = clairvoyantPlan(trips, { ...base(2), fleet: 1 });
    const limited = clairvoyantPlan(trips, { ...base(2), fleet: 1, rideLimit: { detourShare: 0.5, minDetourS: 180 } });
    expect(verifyClairvoyantPlan(trips, limited, { ...base(2), rideLimit: { detourShare: 0.5, minDetourS: 180 } })).toBe(limited.counted);
    expect(free.counted).toBe(2);
    expect(limited.counted).toBe(1);
    expect(() => verifyClairvoyantPlan(trips, free, { ...base(2), rideLimit: { detourShare: 0.5, minDetourS: 180 } })).toThrow(/beyond the limit/);
  });

  it('the checker refuses late pickups, too many riders, riders never dropped and requests planned twice', () => {
    const trips = [trip(0, 0, 5), trip(0, 30, 35), trip(0, 1, 2)];
    const stop = (request: number, pickup: boolean) => ({ request, pickup, node: pickup ? trips[request].pickupNode : trips[request].dropoffNode, atS: 0, leaveS: 0, aboard: 0 });
    // The first ride ends at 330 s and the car leaves at 360 s; node 5 to node 30 is 10 blocks, 600 s.
    expect(() => verifyClairvoyantPlan(trips, { cars: [[stop(0, true), stop(0, false), stop(1, true), stop(1, false)]] }, base(1))).toThrow(/picked up 960 s after/);
    expect(() => verifyClairvoyantPlan(trips, { cars: [[stop(0, true), stop(2, true), stop(2, false), stop(0, false)]] }, base(1))).toThrow(/2 riders aboard/);
    expect(() => verifyClairvoyantPlan(trips, { cars: [[stop(0, true)]] }, base(1))).toThrow(/never dropped off/);
    expect(() => verifyClairvoyantPlan(trips, { cars: [[stop(0, true), stop(0, false)], [stop(0, true), stop(0, false)]] }, base(1))).toThrow(/planned twice/);
  });

  it('makes only plans the checker accepts, leaving rides out or not, ejecting or not, and the car-time bound never exceeds the fleet they need', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 7200 }), fc.integer({ min: 0, max: W * W - 1 }), fc.integer({ min: 0, max: W * W - 1 }), fc.constantFrom(1, 1, 1, 2), fc.boolean()),
          { minLength: 1, maxLength: 40 },
        ),
        fc.constantFrom(1, 2),
        fc.constantFrom(1, 0.9, 0.75),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(0, 1, 2),
        (rows, seats, targetShare, wavy, limit, leave, ejectDepth) => {
          // Parties of two (one rider where cars have one seat) and riders who refuse sharing.
          const trips = rows.map(([t, p, d, riders, shares]) => ({ ...trip(t, p, d), riders: Math.min(riders, seats), acceptsSharing: shares }));
          const o = { ...base(seats, wavy ? WAVY : FLAT), rideLimit: limit ? { detourShare: 0.5, minDetourS: 180 } : undefined };
          const r = clairvoyantFleet(trips, targetShare, { ...o, eject: ejectDepth > 0, ejectDepth }, { min: 0, max: trips.length }, undefined, leave ? { share: 0.5, rounds: 2 } : undefined);
          expect(verifyClairvoyantPlan(trips, r.plan, o)).toBe(r.plan.counted);
          expect(r.plan.counted).toBeGreaterThanOrEqual(Math.ceil(targetShare * trips.length - 1e-9));
          expect(r.plan.cars.length).toBeLessThanOrEqual(r.fleet);
          const bound = carTimeFleetBound(trips, { withinS: 300, targetShare, maxWaitS: 600, pickupDwellS: 30, dropoffDwellS: 30, seats, hourlyFactors: o.hourlyFactors, freeFlowManyToMany });
          expect(bound.fleet).toBeLessThanOrEqual(r.fleet);
        },
      ),
      { numRuns: 300, seed: 36 },
    );
  });

  it('remembers free-flow times once for every plan given the same memo, and asks pairs beyond its trips every time', () => {
    const asked: string[] = [];
    const counting = (a: number, b: number): number => {
      asked.push(`${a}-${b}`);
      return freeFlowS(a, b);
    };
    const trips = [trip(0, 0, 5), trip(10, 1, 4)];
    const memo = memoFreeFlow(counting, trips);
    expect(memoFreeFlow(memo, trips)).toBe(memo);
    expect([memo(0, 5), memo(0, 5), memo(3, 3)]).toEqual([freeFlowS(0, 5), freeFlowS(0, 5), 0]);
    expect(asked).toEqual(['0-5']);
    // Node 9 lies beyond the trips' nodes: not cached, and not mistaken for another pair's key.
    expect([memo(1, 9), memo(1, 9), memo(2, 3)]).toEqual([freeFlowS(1, 9), freeFlowS(1, 9), freeFlowS(2, 3)]);
    expect(asked).toEqual(['0-5', '1-9', '1-9', '2-3']);
    // Plans given the memo add nothing to what it was asked for the same pairs.
    const o = { ...base(2), freeFlowS: memo, fleet: 1 };
    clairvoyantPlan(trips, o);
    const once = asked.length;
    clairvoyantPlan(trips, o);
    expect(asked.length).toBe(once);
  });

  it('makes the same plans with its shortcuts as without: cars that cannot beat the cheapest insertion skipped, leave-out rounds started at an hour mark', () => {
    // Three busy hours on the grid (up to 80 requests, few cars), so that cars are skipped, requests ejected and
    // insertion costs tie; hourly factors that change mid-plan, ride limits or none.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 2400, max: 9600 }), fc.integer({ min: 0, max: W * W - 1 }), fc.integer({ min: 0, max: W * W - 1 })), { minLength: 1, maxLength: 80 }),
        fc.constantFrom(1, 2),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 6 }),
        fc.boolean(),
        fc.boolean(),
        (rows, seats, fleet, modifiableStops, wavy, limit) => {
          const trips = rows.map(([t, p, d]) => trip(t, p, d));
          const o = { ...base(seats, wavy ? WAVY : FLAT), rideLimit: limit ? { detourShare: 0.5, minDetourS: 180 } : undefined, fleet, modifiableStops };
          const skipping = clairvoyantPlan(trips, o);
          expect(skipping).toEqual(clairvoyantPlan(trips, { ...o, noShortcuts: true }));
          expect(verifyClairvoyantPlan(trips, skipping, o)).toBe(skipping.counted);
          // A search that leaves rides out over rounds, at fleets short of everyone.
          const { fleet: _, ...search } = o;
          const leaveOut = { share: 0.3, rounds: 4 };
          const short = clairvoyantFleet(trips, 1, search, { min: fleet, max: fleet, grow: false }, undefined, leaveOut);
          expect(short).toEqual(clairvoyantFleet(trips, 1, { ...search, noShortcuts: true }, { min: fleet, max: fleet, grow: false }, undefined, leaveOut));
        },
      ),
      { numRuns: 1000, seed: 41 },
    );
  });
});
