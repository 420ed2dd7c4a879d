// What a pooled run chooses depends on its inputs alone (decision 0038): not on the number of landmarks, which only
// prune (before, of two stop orders of equal cost the one whose lower bound ranked first won), and not on what the
// same loaded solver solved before (its LP warm start state: each dispatcher takes its own fork). Dense enough that
// programs reach the giant route (≥ 1,000 columns, split by the LP) and equal-cost stop orders occur; both tests fail
// without the decision's changes.
import { describe, expect, it } from 'vitest';
import { ADMIT_POOLING, pooled, type PooledOptions } from '../../src/core/dispatch/pooled.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { eventsToNdjson } from '../../src/core/sim/events.js';
import { simulate } from '../../src/core/simulate.js';
import { GIANT_PROGRAM_COLUMNS, loadPooledSolver } from '../../src/io/highs-ilp.js';
import type { BinaryProgramSolver } from '../../src/core/solve/ilp.js';
import { randomRequests } from './conformance.js';

const solver = await loadPooledSolver();

describe('pooled: the same choices whatever the landmarks and the solver did before', () => {
  const { graph } = buildSyntheticCity({ seed: 3, widthM: 2400, heightM: 2400, blockM: 200 });
  const tt = new DijkstraTravelTimes(graph);
  const requests = randomRequests(graph, 1500, 3600, 5);
  let giant = 0;
  const log = (landmarks: number, options: Omit<PooledOptions, 'solver'> = {}): string => {
    const d = pooled({ solver, landmarks, ...options });
    // Counts the giant programs (the split route with its warm-started LP) on this dispatcher's own fork.
    const planner = d.planner as unknown as { solver: BinaryProgramSolver };
    const inner = planner.solver;
    planner.solver = { solve: (p, start) => ((giant += p.colCount >= GIANT_PROGRAM_COLUMNS ? 1 : 0), inner.solve(p, start)) };
    return eventsToNdjson(simulate({ graph, travelTimes: tt, requests, fleetSize: 30, dispatcher: d, seed: 3, maxWaitS: 600 }).events);
  };

  it('one loaded solver, runs one after another: the same log each time', () => {
    const first = log(4);
    expect(giant).toBeGreaterThan(0);
    expect(log(4) === first).toBe(true);
  });

  it('the same log with 1, 4 and 8 landmarks', () => {
    const base = log(4);
    for (const k of [1, 8]) expect(log(k) === base, `${k} landmarks`).toBe(true);
  });

  it('under admission too (decision 0042: its tighter deadlines are this batch\'s alone), turning riders away', () => {
    const base = log(4, ADMIT_POOLING);
    expect(base).toContain('"reason":"no_car_in_time"');
    expect(log(1, ADMIT_POOLING) === base).toBe(true);
  });

  it('refuses a landmark count that is not a whole number ≥ 0', () => {
    expect(() => pooled({ solver, landmarks: -1 })).toThrow(/landmarks -1 must be a whole number ≥ 0/);
    expect(() => pooled({ solver, landmarks: 2.5 })).toThrow(/landmarks 2.5 must be/);
  });
});
