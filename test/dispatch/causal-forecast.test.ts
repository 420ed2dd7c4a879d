// The causal forecast: learns only from requests already submitted (a run's log up to time T does not depend on
// requests after T), counts the recent rate per zone, and keeps every dispatcher invariant when rebalancing with it.
import { describe, expect, it } from 'vitest';
import { causalForecast, type ForecastZones } from '../../src/core/dispatch/causal-forecast.js';
import { batch } from '../../src/core/dispatch/batch.js';
import { forecastRebalancer, withRebalancing, type Rebalancer } from '../../src/core/dispatch/rebalance.js';
import type { FleetSnapshot } from '../../src/core/dispatch/types.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { simulate } from '../../src/core/simulate.js';
import { forecastZones } from '../../src/io/forecast.js';
import { randomRequests, runDispatcherConformance } from './conformance.js';

const { graph: city } = buildSyntheticCity({ seed: 3, widthM: 2400, heightM: 2400, blockM: 200 });
const zones = forecastZones(city, { resolution: 9 });
// NOTE: batch only: the rebalancer is the same composed with pooled, and pooled's suite takes 40 s on two cores;
// pooled+rebalance with a causal forecast runs end to end in test/io/one-day-file.test.ts.
runDispatcherConformance('batch+rebalance (causal forecast)', () => withRebalancing(batch(), forecastRebalancer(causalForecast(zones), { everyS: 120, horizonS: 900 })));

/** A snapshot holding only what the forecast reads. */
function fakeSnapshot(requestS: number[], pickupNode: number[], fresh: number[]): FleetSnapshot {
  return { requestS, requestPickupNode: pickupNode, newRequests: fresh } as unknown as FleetSnapshot;
}

describe('causal forecast', () => {
  const two: ForecastZones = { cellCount: 2, nodeCell: Int32Array.from([0, 0, 1, 1]), cellNode: Uint32Array.from([0, 2]), cellIds: ['a', 'b'] };

  it('expects nothing before any request, then the last hour’s rate per zone, and sends cars to the busiest pickup node', () => {
    const f = causalForecast(two, { windowS: 3600, minSpanS: 900 });
    expect([...f.expected(0, 1800)]).toEqual([0, 0]);
    // 6 requests in zone 0 (4 at node 1), 2 in zone 1, over the first hour.
    const times = [0, 600, 1200, 1800, 2400, 3000, 3300, 3500];
    const nodes = [1, 1, 0, 1, 2, 1, 3, 0];
    f.observe(fakeSnapshot(times, nodes, [0, 1, 2, 3, 4, 5, 6, 7]));
    expect([...f.expected(3600, 5400)]).toEqual([3, 1]); // 6 and 2 per hour, over half an hour
    expect([...f.cellNode]).toEqual([1, 2]); // zone 1: nodes 2 and 3 tie at one pickup, the first one stays
    // An hour later with nothing new, the window is empty.
    expect([...f.expected(3600 + 3600 + 3500, 3600 + 3600 + 5400)]).toEqual([0, 0]);
  });

  it('measures the rate over the span seen so far (at least minSpanS), not a whole window, at the start', () => {
    const f = causalForecast(two, { windowS: 3600, minSpanS: 600 });
    f.observe(fakeSnapshot([0, 300], [0, 0], [0, 1]));
    expect(f.expected(1200, 2400)[0]).toBeCloseTo(2, 9); // 2 requests in 1200 s → 2 in the next 1200 s
    expect(f.expected(300, 900)[0]).toBeCloseTo(2, 9); // span floored at 600 s
  });

  it('never sees the future: a run is identical up to T whatever requests come after T', () => {
    const tt = new DijkstraTravelTimes(city);
    const base = randomRequests(city, 600, 7200, 21);
    const T = 3600;
    const other = randomRequests(city, 600, 7200, 99).filter((r) => r.requestS > T);
    const a = base;
    const b = [...base.filter((r) => r.requestS <= T), ...other.map((r, i) => ({ ...r, id: `x${i}` }))];
    const run = (requests: typeof base) =>
      simulate({
        graph: city,
        travelTimes: tt,
        requests,
        fleetSize: 12,
        dispatcher: withRebalancing(batch(), forecastRebalancer(causalForecast(zones), { everyS: 120, horizonS: 900 })),
        seed: 5,
        maxWaitS: 600,
        depots: [0, 50, 100, 150],
      }).events;
    const upTo = (evs: ReturnType<typeof run>) => JSON.stringify(evs.filter((e) => e.timeS <= T));
    const ea = run(a);
    expect(ea.some((e) => e.kind === 'VehicleRebalanced' && e.timeS <= T)).toBe(true); // the forecast acted before T
    expect(upTo(run(b))).toBe(upTo(ea));
  });
});

describe('causal forecast with the rebalancer', () => {
  it('plans as a rebalancer that asks its drive times afresh every round, while cells move to their busiest node', () => {
    // The rebalancer keeps drive times to the cells' nodes between rounds; a causal forecast moves a cell's node as
    // pickups come in, and the kept times must follow.
    const forecast = causalForecast(zones, { windowS: 1800, minSpanS: 600 });
    const options = { everyS: 300, horizonS: 900, maxDriveS: 240 };
    const kept = forecastRebalancer(forecast, options);
    let rounds = 0;
    let moves = 0;
    const checked: Rebalancer = {
      name: 'checked',
      everyS: 300,
      observe: (s, nowS) => kept.observe!(s, nowS),
      plan(s, nowS, taken) {
        const got = kept.plan(s, nowS, taken);
        expect(got).toEqual(forecastRebalancer(forecast, options).plan(s, nowS, taken));
        rounds++;
        moves += got.length;
        return got;
      },
    };
    simulate({ graph: city, travelTimes: new DijkstraTravelTimes(city), requests: randomRequests(city, 400, 3 * 3600, 11), fleetSize: 40, depots: [0, 1, 2, 3], dispatcher: withRebalancing(batch(), checked), seed: 1 });
    expect(rounds).toBeGreaterThan(30);
    expect(moves).toBeGreaterThan(20);
  });
});
