// PlacedTripColumns: a day of trips as columns gives back each trip as it was, and a simulation fed the columns writes
// the very event log it writes from the list.
import { describe, expect, it } from 'vitest';
import { PlacedTripColumns } from '../../src/core/demand/trip-columns.js';
import type { PlacedTrip } from '../../src/core/demand/placed-trip.js';
import { generateSyntheticDemand } from '../../src/core/demand/synthetic-demand.js';
import { buildSyntheticCity, syntheticCityOfNodes } from '../../src/core/network/synthetic.js';
import { buildContractionHierarchy, ChTravelTimes } from '../../src/core/network/ch.js';
import { pooled } from '../../src/core/dispatch/pooled.js';
import { greedy } from '../../src/core/dispatch/greedy.js';
import { simulate } from '../../src/core/simulate.js';
import { eventsToNdjson } from '../../src/core/sim/events.js';
import { ArrayTripSource } from '../../src/core/sim/trip-source.js';
import { loadPooledSolver } from '../../src/io/highs-ilp.js';

const solver = await loadPooledSolver();

const base: PlacedTrip = { id: 'a', requestS: 60, pickupNode: 3, dropoffNode: 7, pickupLat: 47.1, pickupLon: 8.2, dropoffLat: 47.3, dropoffLon: 8.4, riders: 1, acceptsSharing: true };

describe('PlacedTripColumns', () => {
  it('gives back every trip with the same fields, the optional ones only where they were', () => {
    const trips: PlacedTrip[] = [
      base,
      { ...base, id: 'b', requestS: -5, riders: 2, acceptsSharing: false, observedDurationS: 840 },
      { ...base, id: 'c', requestS: 30, pickupLat: -33.868_123_456_789, sourceVehicleId: 'cab-9' },
      { ...base, id: 'd', requestS: 30, observedDurationS: 0, sourceVehicleId: '' },
    ];
    const c = PlacedTripColumns.from(trips);
    expect(c.length).toBe(4);
    for (let i = 0; i < trips.length; i++) expect(c.at(i)).toStrictEqual(trips[i]);
    expect(() => c.at(4)).toThrow(/not an index below 4/);
    expect(() => c.at(-1)).toThrow(RangeError);
  });

  it('keeps a value the engine would refuse as it was given (checked there, not rounded here)', () => {
    const c = PlacedTripColumns.from([{ ...base, requestS: 12.5, pickupNode: 2.5 }]);
    expect(c.at(0).requestS).toBe(12.5);
    expect(c.at(0).pickupNode).toBe(2.5);
  });

  it('filters by request time in list order, the optional columns with it', () => {
    const trips = [0, 1, 2, 3, 4, 5].map((i): PlacedTrip => ({ ...base, id: `t${i}`, requestS: 100 * (5 - i), ...(i % 2 === 0 ? { observedDurationS: i } : {}) }));
    const c = PlacedTripColumns.from(trips).filter((s) => s >= 100 && s < 400);
    expect(Array.from({ length: c.length }, (_, i) => c.at(i))).toStrictEqual(trips.filter((t) => t.requestS >= 100 && t.requestS < 400));
  });

  it('is taken by a trip source in the order of the list: (requestS, position)', () => {
    const trips = [50, 10, 50, 10, 30].map((s, i): PlacedTrip => ({ ...base, id: `t${i}`, requestS: s }));
    const fromList = new ArrayTripSource(trips);
    const fromColumns = new ArrayTripSource(PlacedTripColumns.from(trips));
    const ids: [string, string][] = [];
    while (fromList.peekS() !== Infinity) {
      expect(fromColumns.peekS()).toBe(fromList.peekS());
      ids.push([fromList.take().id, fromColumns.take().id]);
    }
    expect(fromColumns.peekS()).toBe(Infinity);
    expect(ids.map((p) => p[0])).toEqual(['t1', 't3', 't4', 't0', 't2']);
    expect(ids.map((p) => p[1])).toEqual(['t1', 't3', 't4', 't0', 't2']);
    // A rewound source starts again from the first trip in the same order; the one it came from stays where it was.
    const again = fromColumns.rewound();
    const order: string[] = [];
    while (again.peekS() !== Infinity) order.push(again.take().id);
    expect(order).toEqual(['t1', 't3', 't4', 't0', 't2']);
    expect(fromColumns.peekS()).toBe(Infinity);
  });

  it('simulates to the same event log as the list it was made from (greedy and pooled)', () => {
    const { graph } = buildSyntheticCity(syntheticCityOfNodes(400, 3));
    const travelTimes = new ChTravelTimes(graph, buildContractionHierarchy(graph));
    const trips = generateSyntheticDemand(graph, { seed: 3, trips: 600, ridersShares: [0.85, 0.15, 0, 0] });
    for (const dispatcher of [() => greedy(), () => pooled({ solver })]) {
      const run = (requests: PlacedTrip[] | PlacedTripColumns) => eventsToNdjson(simulate({ graph, travelTimes, requests, fleetSize: 25, dispatcher: dispatcher(), seed: 3 }).events);
      const fromList = run(trips);
      expect(fromList.length).toBeGreaterThan(1000);
      expect(run(PlacedTripColumns.from(trips))).toBe(fromList);
    }
  });
});
