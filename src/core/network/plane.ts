// A straight-line lower bound on travel time: planar node coordinates (metres) and the network's top free-flow speed,
// shared by the dispatchers that prune candidate cars before asking for exact times.
import type { RoadGraph } from './graph.js';
import { metresPerDegree } from '../geo.js';

/** Planar node coordinates (metres) and the fastest free-flow speed: distance / maxMPerMs ≤ free-flow time (ms). */
export interface Plane {
  x: Float64Array;
  y: Float64Array;
  /** Metres per free-flow millisecond, the most over all edges (counting an edge at least as long as its chord). */
  maxMPerMs: number;
}

/**
 * The plane of a graph, or null where no bound exists (empty graph, or a zero-time edge between distinct nodes).
 * NOTE: the equirectangular projection is off by well under 1 % across a city; 2 % slack on the top speed keeps the
 * bound safe.
 */
export function makePlane(g: RoadGraph): Plane | null {
  const n = g.nodeCount;
  if (n === 0) return null;
  let lat0 = 0;
  for (let i = 0; i < n; i++) lat0 += g.lat[i];
  const { mPerDegLat, mPerDegLon } = metresPerDegree(lat0 / n);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = g.lon[i] * mPerDegLon;
    y[i] = g.lat[i] * mPerDegLat;
  }
  let maxMPerMs = 0;
  for (let u = 0; u < n; u++) {
    for (let e = g.firstOut[u]; e < g.firstOut[u + 1]; e++) {
      const h = g.head[e];
      const t = g.timeMs[e];
      // A zero-time edge allows any speed: no straight-line bound then.
      if (t <= 0) {
        if (h !== u) return null;
        continue;
      }
      maxMPerMs = Math.max(maxMPerMs, Math.max(Math.hypot(x[h] - x[u], y[h] - y[u]), g.lengthM[e]) / t);
    }
  }
  return maxMPerMs > 0 ? { x, y, maxMPerMs: maxMPerMs * 1.02 } : null;
}
