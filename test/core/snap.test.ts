// Snapping: the snapper's nearest road equals a brute-force scan over every edge, and far points are off-network.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { RoadSnapper } from '../../src/core/network/snap.js';
import { edgeTails, type RoadGraph } from '../../src/core/network/graph.js';
import { haversineM, metresPerDegree } from '../../src/core/geo.js';

/** Brute force: distance (m) from a point to the nearest point of any edge's polyline, in the same local projection. */
function bruteNearestM(g: RoadGraph, lat: number, lon: number): number {
  const [minLon, minLat, maxLon, maxLat] = g.meta.bbox;
  const lat0 = (minLat + maxLat) / 2;
  const lon0 = (minLon + maxLon) / 2;
  const { mPerDegLat, mPerDegLon } = metresPerDegree(lat0);
  const X = (x: number) => (x - lon0) * mPerDegLon;
  const Y = (y: number) => (y - lat0) * mPerDegLat;
  const tail = edgeTails(g);
  const qx = X(lon);
  const qy = Y(lat);
  let best = Infinity;
  for (let e = 0; e < g.edgeCount; e++) {
    const xs = [X(g.lon[tail[e]])];
    const ys = [Y(g.lat[tail[e]])];
    for (let p = g.geomFirst[e]; p < g.geomFirst[e + 1]; p++) {
      xs.push(X(g.geomLon[p]));
      ys.push(Y(g.geomLat[p]));
    }
    xs.push(X(g.lon[g.head[e]]));
    ys.push(Y(g.lat[g.head[e]]));
    for (let i = 0; i + 1 < xs.length; i++) {
      const dx = xs[i + 1] - xs[i];
      const dy = ys[i + 1] - ys[i];
      const l2 = dx * dx + dy * dy;
      const t = l2 > 0 ? Math.max(0, Math.min(1, ((qx - xs[i]) * dx + (qy - ys[i]) * dy) / l2)) : 0;
      best = Math.min(best, Math.hypot(xs[i] + t * dx - qx, ys[i] + t * dy - qy));
    }
  }
  return best;
}

describe('RoadSnapper', () => {
  const { graph } = buildSyntheticCity({ widthM: 3000, heightM: 3000, blockM: 200, removedShare: 0.2, seed: 7 });
  const snapper = new RoadSnapper(graph, { cutoffM: 250 });
  const [minLon, minLat, maxLon, maxLat] = graph.meta.bbox;

  it('finds the same nearest-road distance as a brute-force scan', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const lat = minLat + a * (maxLat - minLat);
        const lon = minLon + b * (maxLon - minLon);
        const hit = snapper.snap(lat, lon);
        const brute = bruteNearestM(graph, lat, lon);
        expect(hit).not.toBeNull();
        // Reported distance is a haversine of the projected point: equal to the planar brute force within 0.5 %.
        expect(Math.abs(hit!.distanceM - brute)).toBeLessThanOrEqual(0.005 * brute + 0.01);
        expect(hit!.fraction).toBeGreaterThanOrEqual(0);
        expect(hit!.fraction).toBeLessThanOrEqual(1);
        const tail = edgeTails(graph)[hit!.edge];
        expect([tail, graph.head[hit!.edge]]).toContain(hit!.node);
        expect(haversineM(lat, lon, hit!.lat, hit!.lon)).toBeCloseTo(hit!.distanceM, 6);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('snaps a node exactly onto itself', () => {
    const hit = snapper.snap(graph.lat[100], graph.lon[100])!;
    expect(hit.distanceM).toBeLessThan(0.01);
    expect(hit.node).toBe(100);
  });

  it('reports points beyond the cutoff as off-network, never silently snapped', () => {
    const { mPerDegLat } = metresPerDegree(maxLat);
    expect(snapper.snap(maxLat + 300 / mPerDegLat, (minLon + maxLon) / 2)).toBeNull();
    expect(snapper.snap(maxLat + 200 / mPerDegLat, (minLon + maxLon) / 2)).not.toBeNull();
    const tight = new RoadSnapper(graph, { cutoffM: 50 });
    expect(tight.snap(maxLat + 80 / mPerDegLat, (minLon + maxLon) / 2)).toBeNull();
    expect(() => new RoadSnapper(graph, { cutoffM: 0 })).toThrow(/cutoff/);
  });
});
