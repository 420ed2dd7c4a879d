// Anticipation (decision 0027): the pooled+anticipate preset passes the shared conformance suite, and the pooling
// objective's service-target shaping (lateS) keeps each batch exact and serves more riders within the target.
import { describe, expect, it } from 'vitest';
import { pooled } from '../../src/core/dispatch/pooled.js';
import { ANTICIPATE_REBALANCE, forecastRebalancer, withRebalancing } from '../../src/core/dispatch/rebalance.js';
import type { Dispatcher } from '../../src/core/dispatch/types.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { simulate } from '../../src/core/simulate.js';
import { packingBranchAndBound } from '../../src/core/solve/ilp.js';
import { dispatcherPreset } from '../../src/io/dispatchers.js';
import { buildForecast, forecastZones } from '../../src/io/forecast.js';
import { loadHighsBinarySolver } from '../../src/io/highs-ilp.js';
import { conformanceCityForecast, logViolations, pooledAgainstBruteForce, randomRequests, runDispatcherConformance } from './conformance.js';

const solver = packingBranchAndBound(await loadHighsBinarySolver());
// The conformance suite's city, with a forecast from three earlier random "days" on it.
const { city, forecast: cityForecast } = conformanceCityForecast();
const anticipate = dispatcherPreset('pooled+anticipate');
runDispatcherConformance('pooled+anticipate (forecast from history)', () => anticipate.build({ solver, forecast: { source: 'history', forecast: cityForecast }, charging: {} }));
runDispatcherConformance('pooled+anticipate (causal forecast)', () =>
  anticipate.build({ solver, forecast: { source: 'causal', zones: forecastZones(city, { resolution: 9 }), reason: 'test' }, charging: {} }),
);

describe('pooled+anticipate', () => {
  it('rebalances every minute toward the forecast of the next 15 min, closing the whole gap with drives up to 30 min, under its own name', () => {
    expect(ANTICIPATE_REBALANCE).toEqual({ everyS: 60, horizonS: 900, share: 1, maxDriveS: 1800 });
    expect(anticipate.needs).toEqual(['solver', 'forecast', 'charging']);
    expect(anticipate.build({ solver, forecast: { source: 'history', forecast: cityForecast }, charging: {} }).name).toBe('pooled+anticipate');
  });
});

describe('pooled: service-target shaping (lateS)', () => {
  const { graph } = buildSyntheticCity({ seed: 5, widthM: 1800, heightM: 1800, blockM: 200 });
  const tt = new DijkstraTravelTimes(graph);

  it('each batch still reaches the least objective of brute force over every trip and stop order', () => {
    const { violations, mismatches, batches } = pooledAgainstBruteForce({ solver, lateS: 600, serviceTargetS: 120 });
    expect(violations).toEqual([]);
    expect(mismatches).toEqual([]);
    expect(batches).toBeGreaterThan(10);
  });

  it('on an undersupplied day, picks more riders up within the target and serves about as many', () => {
    const requests = randomRequests(graph, 300, 3600, 43);
    const run = (lateS: number) => {
      const { events } = simulate({ graph, travelTimes: tt, requests, fleetSize: 5, dispatcher: pooled({ solver, lateS, serviceTargetS: 180 }), seed: 3, maxWaitS: 600 });
      expect(logViolations(events, { seats: 2, maxWaitS: 600 })).toEqual([]);
      const picked = events.filter((e) => e.kind === 'PickedUp');
      return { within: picked.filter((e) => e.waitS <= 180).length, served: picked.length };
    };
    const plain = run(0);
    const shaped = run(600);
    expect(shaped.within).toBeGreaterThan(plain.within);
    expect(shaped.served).toBeGreaterThanOrEqual(plain.served * 0.95);
  });
});

describe('pooled: late long rides give way (lateRideWeight, decision 0039)', () => {
  const { graph } = buildSyntheticCity({ seed: 5, widthM: 1800, heightM: 1800, blockM: 200 });
  const tt = new DijkstraTravelTimes(graph);

  it('each batch still reaches the least objective of brute force over every trip and stop order', () => {
    const { violations, mismatches, batches } = pooledAgainstBruteForce({ solver, lateS: 600, serviceTargetS: 120, lateRideWeight: 2 });
    expect(violations).toEqual([]);
    expect(mismatches).toEqual([]);
    expect(batches).toBeGreaterThan(10);
  });

  it('on an undersupplied day, serves fewer long rides late and more riders within the target', () => {
    const requests = randomRequests(graph, 300, 3600, 43);
    const rideS = requests.map((r) => tt.timeS(r.pickupNode, r.dropoffNode, 0));
    const run = (lateRideWeight: number) => {
      const dispatcher = pooled({ solver, lateS: 600, serviceTargetS: 180, lateRideWeight });
      const { events } = simulate({ graph, travelTimes: tt, requests, fleetSize: 5, dispatcher, seed: 3, maxWaitS: 600 });
      expect(logViolations(events, { seats: 2, maxWaitS: 600 })).toEqual([]);
      const picked = events.filter((e) => e.kind === 'PickedUp');
      const late = picked.filter((e) => e.waitS > 180);
      return { within: picked.length - late.length, late: late.length, lateRideS: late.reduce((sum, e) => sum + rideS[e.request], 0) / Math.max(1, late.length) };
    };
    const lateOnly = run(0);
    const weighted = run(4);
    expect(weighted.within).toBeGreaterThan(lateOnly.within);
    expect(weighted.late).toBeLessThan(lateOnly.late);
    expect(weighted.lateRideS).toBeLessThan(lateOnly.lateRideS);
  });

  it('refuses a weight that is not a number ≥ 0', () => {
    for (const lateRideWeight of [-1, NaN, Infinity]) expect(() => pooled({ solver, lateS: 600, lateRideWeight })).toThrow(/lateRideWeight .* must be a number ≥ 0/);
  });
});
