// Snapping: places a coordinate on the nearest road position (a point on an edge) within a cutoff, or reports it
// off-network. Exact nearest-edge search over points sampled along every edge, indexed with kdbush.
import KDBush from 'kdbush';
import { haversineM, metresPerDegree } from '../geo.js';
import { edgeTails, type RoadGraph } from './graph.js';
import type { SnapResult, Snapper } from './snap-types.js';

export const DEFAULT_SNAP_CUTOFF_M = 250;

export interface SnapOptions {
  /** Points farther than this from every road are off-network (null), never silently snapped. */
  cutoffM?: number;
  /** Spacing of the sample points along edges; smaller = more memory, fewer candidates per query. */
  sampleSpacingM?: number;
}

/**
 * Nearest-road snapper. Correctness: every point of an edge lies within spacing/2 of one of that edge's samples, so
 * a search radius r finds every edge closer than r − spacing/2; the radius grows until the best distance found is
 * inside that bound (or the cutoff is passed).
 *
 * @example
 * const snapper = new RoadSnapper(graph, { cutoffM: 250 });
 * const pos = snapper.snap(37.7955, -122.3937); // null if farther than 250 m from any road
 */
export class RoadSnapper implements Snapper {
  readonly cutoffM: number;
  private readonly spacingM: number;
  private readonly index: KDBush;
  private readonly sampleEdge: Uint32Array;
  private readonly tail: Uint32Array;
  private readonly lat0: number;
  private readonly lon0: number;
  private readonly mLat: number;
  private readonly mLon: number;
  private readonly seen: Uint32Array;
  private stamp = 0;

  constructor(
    private readonly graph: RoadGraph,
    opts: SnapOptions = {},
  ) {
    this.cutoffM = opts.cutoffM ?? DEFAULT_SNAP_CUTOFF_M;
    if (!(this.cutoffM > 0)) throw new Error(`snap cutoff must be > 0 m, got ${this.cutoffM}`);
    this.spacingM = opts.sampleSpacingM ?? 100;
    const [minLon, minLat, maxLon, maxLat] = graph.meta.bbox;
    this.lat0 = (minLat + maxLat) / 2;
    this.lon0 = (minLon + maxLon) / 2;
    const { mPerDegLat, mPerDegLon } = metresPerDegree(this.lat0);
    this.mLat = mPerDegLat;
    this.mLon = mPerDegLon;
    this.tail = edgeTails(graph);
    this.seen = new Uint32Array(graph.edgeCount);

    // Two-way roads appear as two directed edges with the same shape: index only the one with the smaller tail.
    const xs: number[] = [];
    const ys: number[] = [];
    const owner: number[] = [];
    for (let e = 0; e < graph.edgeCount; e++) {
      if (this.isReverseTwin(e)) continue;
      let px = this.x(graph.lon[this.tail[e]]);
      let py = this.y(graph.lat[this.tail[e]]);
      xs.push(px);
      ys.push(py);
      owner.push(e);
      const pts = graph.geomFirst[e + 1] - graph.geomFirst[e];
      for (let p = 0; p <= pts; p++) {
        const qx = p < pts ? this.x(graph.geomLon[graph.geomFirst[e] + p]) : this.x(graph.lon[graph.head[e]]);
        const qy = p < pts ? this.y(graph.geomLat[graph.geomFirst[e] + p]) : this.y(graph.lat[graph.head[e]]);
        const steps = Math.ceil(Math.hypot(qx - px, qy - py) / this.spacingM);
        for (let k = 1; k <= steps; k++) {
          xs.push(px + ((qx - px) * k) / steps);
          ys.push(py + ((qy - py) * k) / steps);
          owner.push(e);
        }
        px = qx;
        py = qy;
      }
    }
    this.index = new KDBush(xs.length);
    for (let i = 0; i < xs.length; i++) this.index.add(xs[i], ys[i]);
    this.index.finish();
    this.sampleEdge = Uint32Array.from(owner);
  }

  snap(lat: number, lon: number): SnapResult | null {
    const qx = this.x(lon);
    const qy = this.y(lat);
    const half = this.spacingM / 2;
    let bestEdge = -1;
    let bestD2 = Infinity;
    let bestT = 0;
    let bestSeg = 0;
    for (let r = Math.min(60, this.cutoffM) + half; ; r *= 2) {
      const radius = Math.min(r, this.cutoffM + half);
      this.stamp++;
      for (const id of this.index.within(qx, qy, radius)) {
        const e = this.sampleEdge[id];
        if (this.seen[e] === this.stamp) continue;
        this.seen[e] = this.stamp;
        const hit = this.nearestOnEdge(e, qx, qy);
        if (hit.d2 < bestD2 || (hit.d2 === bestD2 && e < bestEdge)) {
          bestD2 = hit.d2;
          bestEdge = e;
          bestT = hit.t;
          bestSeg = hit.seg;
        }
      }
      const bestD = Math.sqrt(bestD2);
      if (bestD <= radius - half || radius >= this.cutoffM + half) break;
    }
    if (bestEdge < 0 || Math.sqrt(bestD2) > this.cutoffM) return null;
    return this.result(bestEdge, bestSeg, bestT, lat, lon);
  }

  private isReverseTwin(e: number): boolean {
    const g = this.graph;
    const u = this.tail[e];
    const v = g.head[e];
    if (u < v) return false;
    for (let f = g.firstOut[v]; f < g.firstOut[v + 1]; f++) if (g.head[f] === u) return true;
    return false;
  }

  private x(lon: number): number {
    return (lon - this.lon0) * this.mLon;
  }
  private y(lat: number): number {
    return (lat - this.lat0) * this.mLat;
  }

  /** Nearest point of edge e's polyline to (qx, qy): squared distance, segment index and position t within it. */
  private nearestOnEdge(e: number, qx: number, qy: number): { d2: number; seg: number; t: number } {
    const g = this.graph;
    const pts = g.geomFirst[e + 1] - g.geomFirst[e];
    let ax = this.x(g.lon[this.tail[e]]);
    let ay = this.y(g.lat[this.tail[e]]);
    let best = { d2: Infinity, seg: 0, t: 0 };
    for (let p = 0; p <= pts; p++) {
      const bx = p < pts ? this.x(g.geomLon[g.geomFirst[e] + p]) : this.x(g.lon[g.head[e]]);
      const by = p < pts ? this.y(g.geomLat[g.geomFirst[e] + p]) : this.y(g.lat[g.head[e]]);
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 > 0 ? Math.max(0, Math.min(1, ((qx - ax) * dx + (qy - ay) * dy) / len2)) : 0;
      const cx = ax + t * dx - qx;
      const cy = ay + t * dy - qy;
      const d2 = cx * cx + cy * cy;
      if (d2 < best.d2) best = { d2, seg: p, t };
      ax = bx;
      ay = by;
    }
    return best;
  }

  private result(e: number, seg: number, t: number, qLat: number, qLon: number): SnapResult {
    const g = this.graph;
    const pts = g.geomFirst[e + 1] - g.geomFirst[e];
    const pointLat = (p: number) => (p === 0 ? g.lat[this.tail[e]] : p <= pts ? g.geomLat[g.geomFirst[e] + p - 1] : g.lat[g.head[e]]);
    const pointLon = (p: number) => (p === 0 ? g.lon[this.tail[e]] : p <= pts ? g.geomLon[g.geomFirst[e] + p - 1] : g.lon[g.head[e]]);
    // Segment `seg` runs from polyline point seg to seg+1 (point 0 = tail, point pts+1 = head).
    const lat = pointLat(seg) + t * (pointLat(seg + 1) - pointLat(seg));
    const lon = pointLon(seg) + t * (pointLon(seg + 1) - pointLon(seg));
    let before = 0;
    let total = 0;
    for (let p = 0; p <= pts; p++) {
      const l = haversineM(pointLat(p), pointLon(p), pointLat(p + 1), pointLon(p + 1));
      if (p < seg) before += l;
      if (p === seg) before += t * l;
      total += l;
    }
    const fraction = total > 0 ? before / total : 0;
    return {
      node: fraction < 0.5 ? this.tail[e] : g.head[e],
      edge: e,
      fraction,
      distanceM: haversineM(qLat, qLon, lat, lon),
      lat,
      lon,
    };
  }
}
