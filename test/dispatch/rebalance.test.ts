// Predictive rebalancing: conformance of batch+rebalance and pooled+rebalance, moves toward a forecast deficit (as empty km), and a
// forecast builder that never reads the simulated day.
import { describe, expect, it } from 'vitest';
import { batch } from '../../src/core/dispatch/batch.js';
import { pooled } from '../../src/core/dispatch/pooled.js';
import { packingBranchAndBound } from '../../src/core/solve/ilp.js';
import { loadHighsBinarySolver } from '../../src/io/highs-ilp.js';
import { expectedDemand, forecastRebalancer, withRebalancing, type DemandForecast, type Rebalancer } from '../../src/core/dispatch/rebalance.js';
import type { Dispatcher } from '../../src/core/dispatch/types.js';
import { GraphBuilder, RoadClass, type RoadGraph } from '../../src/core/network/graph.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { simulate } from '../../src/core/simulate.js';
import { ForecastLeakError, buildForecast, historyDates, loadForecast } from '../../src/io/forecast.js';
import type { Scenario } from '../../src/io/scenario.js';
import { conformanceCityForecast, randomRequests, runDispatcherConformance } from './conformance.js';

// The conformance suite's city, with a forecast from three earlier random "days" on it.
const { city, forecast: cityForecast } = conformanceCityForecast();
runDispatcherConformance('batch+rebalance', () => withRebalancing(batch(), forecastRebalancer(cityForecast, { everyS: 120, horizonS: 900 })));
const pooledSolver = packingBranchAndBound(await loadHighsBinarySolver());
runDispatcherConformance('pooled+rebalance', () =>
  withRebalancing(pooled({ solver: pooledSolver }), forecastRebalancer(cityForecast, { everyS: 120, horizonS: 900 })),
);

/** Two clusters 3 km apart (distinct H3 cells): nodes 0–2 west, 3–5 east, joined by a 3 km road. */
function twoTowns(): RoadGraph {
  const b = new GraphBuilder();
  const lon = [8, 8.001, 8.002, 8.04, 8.041, 8.042];
  lon.forEach((x, i) => b.addNode(i, 47, x));
  const link = (u: number, v: number, lengthM: number) => {
    b.addEdge({ from: u, to: v, lengthM, timeMs: lengthM * 100, roadClass: RoadClass.residential });
    b.addEdge({ from: v, to: u, lengthM, timeMs: lengthM * 100, roadClass: RoadClass.residential });
  };
  link(0, 1, 76);
  link(1, 2, 76);
  link(2, 3, 2900);
  link(3, 4, 76);
  link(4, 5, 76);
  return b.build({ source: 'rebalance-test', attribution: '' }).graph;
}

/** Gives no work; event-driven, so it (and the rebalancer) runs at the start and whenever a car stops. */
const noWork: Dispatcher = { name: 'none', decide: () => [] };

describe('predictive rebalancing', () => {
  const g = twoTowns();
  const east = (n: number) => ({ requestS: 1800 + n, pickupNode: 4 });
  const history = [1, 2].map((k) => ({ date: `2024-03-0${k}`, weight: 1, trips: Array.from({ length: 40 }, (_, n) => east(n)) }));
  const forecast: DemandForecast = buildForecast(g, history, { date: '2024-03-03' });

  it('builds one cell per zone with demand, its busiest pickup node, and per-slot means', () => {
    expect(forecast.cellCount).toBe(1);
    expect(forecast.cellNode[0]).toBe(4);
    expect(forecast.nodeCell[4]).toBe(0);
    expect(forecast.nodeCell[0]).toBe(-1);
    expect(expectedDemand(forecast, 1800, 2700)[0]).toBeCloseTo(40);
    expect(expectedDemand(forecast, 1800 - 450, 1800 + 450)[0]).toBeCloseTo(20);
  });

  it('moves idle cars toward the forecast deficit, a share per round, and counts the drive as empty km', () => {
    // Four idle cars in the west town; demand expected only in the east. One late request keeps the run going.
    const late = { id: 'late', requestS: 3 * 3600, pickupNode: 0, dropoffNode: 2, riders: 1, acceptsSharing: false, pickupLat: 47, pickupLon: 8, dropoffLat: 47, dropoffLon: 8.002 };
    const dispatcher = withRebalancing(noWork, forecastRebalancer(forecast, { everyS: 300, horizonS: 3600, share: 0.5 }));
    const { events, summary } = simulate({ graph: g, travelTimes: new DijkstraTravelTimes(g), requests: [late], fleetSize: 4, depots: [0, 1], dispatcher, seed: 1 });
    const moves = events.filter((e) => e.kind === 'VehicleRebalanced');
    expect(moves.length).toBeGreaterThanOrEqual(2);
    // The first round (t=0) moves half the gap: 2 of 4 cars, to the east cell's node.
    expect(moves.filter((e) => e.timeS === 0).length).toBe(2);
    for (const e of moves) expect(e.kind === 'VehicleRebalanced' && e.toNode).toBe(4);
    expect(summary.kpis.emptyKm).toBeGreaterThan(2 * 2.9);
  });

  it('sends cars that reach no wanted cell within maxDriveS to the nearest one instead of leaving them stranded', () => {
    // The east cell is ~300 s from the west town, beyond a 120 s limit: every west car is stranded. They still go
    // (the whole gap: all four), each the least drive to the cell that wants cars.
    const late = { id: 'late', requestS: 3 * 3600, pickupNode: 0, dropoffNode: 2, riders: 1, acceptsSharing: false, pickupLat: 47, pickupLon: 8, dropoffLat: 47, dropoffLon: 8.002 };
    const dispatcher = withRebalancing(noWork, forecastRebalancer(forecast, { everyS: 300, horizonS: 3600, share: 1, maxDriveS: 120 }));
    const { events } = simulate({ graph: g, travelTimes: new DijkstraTravelTimes(g), requests: [late], fleetSize: 4, depots: [0, 1], dispatcher, seed: 1 });
    const first = events.filter((e) => e.kind === 'VehicleRebalanced' && e.timeS === 0);
    expect(first.length).toBe(4);
    for (const e of first) expect(e.kind === 'VehicleRebalanced' && e.toNode).toBe(4);
  });

  it('leaves cars where demand is expected', () => {
    const dispatcher = withRebalancing(noWork, forecastRebalancer(forecast, { everyS: 300, horizonS: 3600, share: 1 }));
    const late = { id: 'late', requestS: 3600, pickupNode: 5, dropoffNode: 3, riders: 1, acceptsSharing: false, pickupLat: 47, pickupLon: 8.042, dropoffLat: 47, dropoffLon: 8.04 };
    const { events } = simulate({ graph: g, travelTimes: new DijkstraTravelTimes(g), requests: [late], fleetSize: 3, depots: [4, 4, 4], dispatcher, seed: 1 });
    expect(events.filter((e) => e.kind === 'VehicleRebalanced')).toEqual([]);
  });
});

describe('drive times kept between rounds', () => {
  it('plan as a rebalancer that asks every round afresh, across speed-factor changes', () => {
    // The factor changes every hour (so do the times); the kept rebalancer must then ask again, not reuse an hour's rows.
    const profile = { hourlyFactors: Array.from({ length: 24 }, (_, h) => (h % 2 === 0 ? 1 : 0.3)) };
    const travelTimes = new DijkstraTravelTimes(city, profile);
    // Demand over three hours, so that rounds in all of them move cars.
    const history = [0, 1, 2].map((k) => ({ date: `2024-01-0${k + 1}`, weight: 1, trips: randomRequests(city, 600, 3 * 3600, 190 + k) }));
    const forecast = buildForecast(city, history, { date: '2024-01-04' }, { resolution: 9 });
    const kept = forecastRebalancer(forecast, { everyS: 300, horizonS: 900, maxDriveS: 240 });
    let rounds = 0;
    let moves = 0;
    const checked: Rebalancer = {
      name: 'checked',
      everyS: 300,
      plan(s, nowS, taken) {
        const got = kept.plan(s, nowS, taken);
        const fresh = forecastRebalancer(forecast, { everyS: 300, horizonS: 900, maxDriveS: 240 }).plan(s, nowS, taken);
        expect(got).toEqual(fresh);
        rounds++;
        moves += got.length;
        return got;
      },
    };
    const dispatcher = withRebalancing(batch(), checked);
    simulate({ graph: city, travelTimes, requests: randomRequests(city, 300, 3 * 3600, 7), fleetSize: 40, depots: [0, 1, 2, 3], dispatcher, seed: 1 });
    expect(rounds).toBeGreaterThan(30);
    expect(moves).toBeGreaterThan(20);
  });
});

describe('forecast history never includes the simulated day', () => {
  const g = twoTowns();
  const trips = [{ requestS: 100, pickupNode: 4 }];

  it('refuses the simulated day, a later day, and a synthetic day with the simulated seed', () => {
    expect(() => buildForecast(g, [{ date: '2008-05-21', weight: 1, trips }], { date: '2008-05-21' })).toThrow(ForecastLeakError);
    expect(() => buildForecast(g, [{ date: '2008-05-20', weight: 1, trips }, { date: '2008-05-22', weight: 1, trips }], { date: '2008-05-21' })).toThrow(ForecastLeakError);
    expect(() => buildForecast(g, [{ seed: 7, weight: 1, trips }], { seed: 7 })).toThrow(ForecastLeakError);
    expect(() => buildForecast(g, [{ date: '2008-05-20', weight: 1, trips }], {})).toThrow(ForecastLeakError);
    expect(buildForecast(g, [{ date: '2008-05-20', weight: 1, trips }], { date: '2008-05-21' }).cellCount).toBe(1);
  });

  it('picks the week before: same kind of day weighs 1, the other kind 0.25', () => {
    const wed = historyDates('2008-05-21');
    expect(wed.map((d) => d.date)).toEqual(['2008-05-14', '2008-05-15', '2008-05-16', '2008-05-17', '2008-05-18', '2008-05-19', '2008-05-20']);
    expect(wed.every((d) => d.date < '2008-05-21')).toBe(true);
    expect(wed.find((d) => d.date === '2008-05-18')?.weight).toBe(0.25); // Sunday
    expect(wed.find((d) => d.date === '2008-05-20')?.weight).toBe(1);
    const sat = historyDates('2008-05-24');
    expect(sat.find((d) => d.date === '2008-05-18')?.weight).toBe(1);
    expect(sat.find((d) => d.date === '2008-05-23')?.weight).toBe(0.25);
  });

  it('builds a synthetic scenario forecast from other seeds', async () => {
    const { graph } = buildSyntheticCity({ seed: 3, widthM: 2400, heightM: 2400, blockM: 200 });
    const scenario = { network: { graph }, history: { seed: 5, syntheticRequests: 500 } } as unknown as Scenario;
    const f = await loadForecast(scenario);
    expect(f.cellCount).toBeGreaterThan(0);
    let total = 0;
    for (const x of f.expected) total += x;
    expect(total).toBeCloseTo(500, 0);
  });
});
