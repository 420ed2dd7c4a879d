// The operator-pool search of `fleet-size --search-operators`: the smallest pool that meets the target, found by
// bisection between 0 (helps nobody) and the configured pool, reusing the fleet search's point, and going on above an
// answer whose next pool misses (the level is not strictly monotone).
import { describe, expect, it } from 'vitest';
import { searchSmallestPool, type FleetPoint } from '../../src/io/fleet-size.js';

const point = (assistOperators: number, servicePct: number): FleetPoint => ({
  fleet: 50, servicePct, withinS: 300, servedPct: 100, waitMeanS: 60, waitP95S: 120, emptyShare: 0.2, utilization: 0.3,
  tripsPerVehicle: 20, spanS: 86_400, tripsPerVehiclePerDay: 20, wallS: 0, assistOperators,
});

/** An evaluate over a level per pool size, recording every pool it is asked for. */
function levels(level: (k: number) => number) {
  const asked: number[] = [];
  const evaluate = async (pools: number[]) => {
    asked.push(...pools);
    return pools.map((k) => point(k, level(k)));
  };
  return { asked, evaluate };
}

describe('searchSmallestPool', () => {
  it('finds the smallest pool meeting the target, reusing the known point and never simulating a pool twice', async () => {
    for (const parallel of [1, 2, 3]) {
      for (const answer of [1, 2, 7, 12, 20]) {
        const { asked, evaluate } = levels((k) => (k >= answer ? 96 : 90));
        const r = await searchSmallestPool(evaluate, { targetPct: 95, max: 20, parallel, known: [point(20, 96)] });
        expect(r.operators, `answer ${answer}, parallel ${parallel}`).toBe(answer);
        expect(asked).not.toContain(20);
        expect(new Set(asked).size).toBe(asked.length);
        expect(asked.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(21)) + 1);
        expect(r.curve.map((p) => p.assistOperators)).toEqual([...r.curve.map((p) => p.assistOperators!)].sort((a, b) => a - b));
        if (answer > 1) expect(r.curve.find((p) => p.assistOperators === answer - 1)?.servicePct).toBeLessThan(95);
        expect(r.notes).toEqual([]);
      }
    }
  });

  it('says so when even the configured pool misses the target', async () => {
    const { evaluate } = levels(() => 80);
    const r = await searchSmallestPool(evaluate, { targetPct: 95, max: 6, parallel: 2 });
    expect(r.operators).toBeUndefined();
    expect(r.notes).toEqual(['the target is not met even with 6 operators']);
  });

  it('goes on above an answer whose next pool misses', async () => {
    // 5 meets the target by luck (the first pool bisection tries); 6 and 7 miss; 8 and up meet it.
    const { evaluate } = levels((k) => (k === 5 || k >= 8 ? 96 : 90));
    const r = await searchSmallestPool(evaluate, { targetPct: 95, max: 10, parallel: 1 });
    expect(r.operators).toBe(8);
    expect(r.notes).toEqual(['non-monotone: 5 operators meet the target but 6 do not; searched again above 6']);
  });
});
