// Synthetic demand on the built-in city: determinism by seed, day peaks, hotspots and the trip-length distribution.
import { describe, expect, it } from 'vitest';
import { generateSyntheticDemand, syntheticDemandHotspots } from '../../src/core/demand/synthetic-demand.js';
import { haversineM } from '../../src/core/geo.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';

const { graph } = buildSyntheticCity();
const trips = generateSyntheticDemand(graph, { seed: 42 });
const spots = syntheticDemandHotspots(graph);
const lengthsM = trips.map((t) => haversineM(t.pickupLat, t.pickupLon, t.dropoffLat, t.dropoffLon)).sort((a, b) => a - b);
const quantile = (q: number) => lengthsM[Math.floor(q * (lengthsM.length - 1))];

describe('generateSyntheticDemand on the built-in city', () => {
  it('is deterministic by seed', () => {
    expect(generateSyntheticDemand(graph, { seed: 42 })).toEqual(trips);
    const other = generateSyntheticDemand(graph, { seed: 43 });
    expect(other).not.toEqual(trips);
    expect(generateSyntheticDemand(graph, { seed: 42, trips: 10 })).toHaveLength(10);
  });

  it('yields well-formed requests: sorted, in the day, distinct valid nodes, node coordinates, unique ids', () => {
    expect(trips).toHaveLength(12_000);
    expect(new Set(trips.map((t) => t.id)).size).toBe(trips.length);
    expect(trips[0].id).toBe('syn-000001');
    const bad = trips.filter((t, i) => {
      const sorted = i === 0 || t.requestS >= trips[i - 1].requestS;
      const inDay = Number.isInteger(t.requestS) && t.requestS >= 0 && t.requestS < 86_400;
      const nodesOk = t.pickupNode !== t.dropoffNode && t.pickupNode >= 0 && t.dropoffNode >= 0 && Math.max(t.pickupNode, t.dropoffNode) < graph.nodeCount;
      const coordsOk = t.pickupLat === graph.lat[t.pickupNode] && t.pickupLon === graph.lon[t.pickupNode] && t.dropoffLat === graph.lat[t.dropoffNode] && t.dropoffLon === graph.lon[t.dropoffNode];
      return !(sorted && inDay && nodesOk && coordsOk && t.riders >= 1 && t.riders <= 4);
    });
    expect(bad).toEqual([]);
    const sharing = trips.filter((t) => t.acceptsSharing).length / trips.length;
    expect(sharing).toBeGreaterThan(0.45);
    expect(sharing).toBeLessThan(0.55);
  });

  it('has a morning and a higher evening peak over a night trough', () => {
    const perHour = new Array<number>(24).fill(0);
    for (const t of trips) perHour[Math.floor(t.requestS / 3600)]++;
    const night = perHour[3] + perHour[4];
    expect(perHour[8]).toBeGreaterThan(5 * (night / 2));
    expect(perHour[18]).toBeGreaterThan(5 * (night / 2));
    expect(perHour[8]).toBeGreaterThan(perHour[12]);
    expect(perHour[18]).toBeGreaterThan(perHour[14]);
    expect(perHour[18] + perHour[17]).toBeGreaterThan(perHour[8] + perHour[9]);
  });

  it('has a downtown hotspot at the centre and an airport hotspot at the east edge', () => {
    const near = (lat: number, lon: number, pLat: number, pLon: number, m: number) => haversineM(lat, lon, pLat, pLon) <= m;
    const dtPick = trips.filter((t) => near(t.pickupLat, t.pickupLon, spots.downtown.lat, spots.downtown.lon, 1000)).length / trips.length;
    const dtDrop = trips.filter((t) => near(t.dropoffLat, t.dropoffLon, spots.downtown.lat, spots.downtown.lon, 1000)).length / trips.length;
    // A 1 km disc is ~5 % of the 8 km square: uniform demand would put ~5 % there.
    expect(dtPick).toBeGreaterThan(0.15);
    expect(dtDrop).toBeGreaterThan(0.15);
    expect(Math.abs(spots.downtown.lat - 47.0)).toBeLessThan(0.002);
    expect(Math.abs(spots.downtown.lon - 8.0)).toBeLessThan(0.003);
    expect(spots.airport.lon).toBeGreaterThan(8.04); // east, ~3.6 km from the centre
    const apPick = trips.filter((t) => near(t.pickupLat, t.pickupLon, spots.airport.lat, spots.airport.lon, 400)).length / trips.length;
    const apDrop = trips.filter((t) => near(t.dropoffLat, t.dropoffLon, spots.airport.lat, spots.airport.lon, 400)).length / trips.length;
    expect(apPick).toBeGreaterThan(0.04);
    expect(apDrop).toBeGreaterThan(0.03);
    // Commute direction: more downtown drop-offs in the morning than pickups, the reverse in the evening.
    const share = (from: number, to: number, end: 'pickup' | 'dropoff') => {
      const inWin = trips.filter((t) => t.requestS >= from * 3600 && t.requestS < to * 3600);
      return inWin.filter((t) => (end === 'pickup' ? near(t.pickupLat, t.pickupLon, spots.downtown.lat, spots.downtown.lon, 1000) : near(t.dropoffLat, t.dropoffLon, spots.downtown.lat, spots.downtown.lon, 1000))).length / inWin.length;
    };
    expect(share(7, 10, 'dropoff')).toBeGreaterThan(share(7, 10, 'pickup') * 1.3);
    expect(share(16, 20, 'pickup')).toBeGreaterThan(share(16, 20, 'dropoff') * 1.3);
  });

  it('has realistic straight-line trip lengths: median 2.5–4.5 km, few under 1 km, capped by the city', () => {
    console.info(`synthetic trip lengths: p10 ${quantile(0.1).toFixed(0)} m, median ${quantile(0.5).toFixed(0)} m, p90 ${quantile(0.9).toFixed(0)} m, max ${quantile(1).toFixed(0)} m`);
    expect(quantile(0.5)).toBeGreaterThan(2500);
    expect(quantile(0.5)).toBeLessThan(4500);
    expect(quantile(0.1)).toBeGreaterThan(700);
    expect(quantile(0.9)).toBeLessThan(8000);
    expect(quantile(1)).toBeLessThanOrEqual(Math.hypot(2 * spots.halfWidthM, 2 * spots.halfHeightM) + 1);
    expect(lengthsM.filter((l) => l < 300).length / lengthsM.length).toBeLessThan(0.01);
  });

  it('rejects bad options with the field named', () => {
    expect(() => generateSyntheticDemand(graph, { trips: -1 })).toThrow('trips = -1');
    expect(() => generateSyntheticDemand(graph, { hourWeights: [1, 2] })).toThrow('hourWeights');
    expect(() => generateSyntheticDemand(graph, { downtownShare: 0.9 })).toThrow('downtownShare');
  });
});
