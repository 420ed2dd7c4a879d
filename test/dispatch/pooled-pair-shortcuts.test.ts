// The pooled planner's pair shortcuts (PooledPlanner.overlapBarred and neitherSharesNorFollows) leave out only pairs
// and stop orders that bestTrip would find infeasible: with them and without them, every batch makes the same number
// of candidate trips and the event log is the same.
import { describe, expect, it } from 'vitest';
import { pooled } from '../../src/core/dispatch/pooled.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { simulate } from '../../src/core/simulate.js';
import { loadPooledSolver } from '../../src/io/highs-ilp.js';
import { randomRequests } from './conformance.js';

const solver = await loadPooledSolver();

interface Shortcuts {
  overlapBarred(...args: unknown[]): boolean;
  neitherSharesNorFollows(...args: unknown[]): boolean;
  plan(...args: unknown[]): { tripCount: number };
}

describe('pooled: pair shortcuts', () => {
  const { graph } = buildSyntheticCity({ seed: 7, widthM: 2400, heightM: 2400, blockM: 200 });
  const tt = new DijkstraTravelTimes(graph);
  // Mixed parties and sharing preferences, dense enough that most cars see several pairs per batch.
  const requests = randomRequests(graph, 400, 3600, 41);

  const run = (shortcuts: boolean): { log: string; trips: number[]; barred: number; skipped: number; kept: number } => {
    const d = pooled({ solver });
    const planner = d.planner as unknown as Shortcuts;
    const overlap = planner.overlapBarred.bind(planner);
    const neither = planner.neitherSharesNorFollows.bind(planner);
    const plan = planner.plan.bind(planner);
    const trips: number[] = [];
    let barred = 0;
    let skipped = 0;
    let kept = 0;
    planner.overlapBarred = (...args) => {
      const got = overlap(...args);
      if (got) barred++;
      return shortcuts && got;
    };
    planner.neitherSharesNorFollows = (...args) => {
      const got = neither(...args);
      if (got) skipped++;
      else kept++;
      return shortcuts && got;
    };
    planner.plan = (...args) => {
      const out = plan(...args);
      trips.push(out.tripCount);
      return out;
    };
    const { events } = simulate({ graph, travelTimes: tt, requests, fleetSize: 12, dispatcher: d, seed: 3, maxWaitS: 600 });
    return { log: JSON.stringify(events), trips, barred, skipped, kept };
  };

  it('leave out only what would be no trip: the same trips per batch and the same log as without them', () => {
    const without = run(false);
    const withThem = run(true);
    // Both shortcuts fire, and pairs with a rider who does not share are still kept where they may follow each other.
    expect(withThem.barred).toBeGreaterThan(0);
    expect(withThem.skipped).toBeGreaterThan(0);
    expect(withThem.kept).toBeGreaterThan(0);
    expect(withThem.trips.length).toBeGreaterThan(10);
    expect(withThem.trips).toEqual(without.trips);
    expect(withThem.log).toBe(without.log);
  });
});
