// The operating area (ODD) on the road network: which points lie inside a service area (polygons with holes, as
// GeoJSON holds them), and the road graph restricted to the area and away from avoided nodes. Routing on the
// restricted graph cannot leave the area at any cost: it is an exact restriction, not a penalty.
import { haversineM } from '../geo.js';
import { edgeTails, GraphBuilder, type NetworkMeta, type RoadGraph } from './graph.js';
import type { TravelTimes } from './travel-times.js';

/** A position [lon, lat] in degrees WGS84 (GeoJSON order). */
export type Position = readonly [number, number];
/** One polygon as GeoJSON holds it: the outer ring, then its holes; each ring closed (first position = last). */
export type PolygonRings = readonly (readonly Position[])[];

/** Most latitude bands of the boundary index (each lists the boundary segments that reach into it). */
const MAX_BANDS = 4096;

/**
 * A service area: the union of polygons, each an outer ring minus its holes. Ring edges are straight lines in
 * lon/lat (as RFC 7946 has it); ring orientation does not matter. Inside means: inside some polygon's outer ring
 * and inside none of that polygon's holes, decided by ray casting (even-odd crossings of a ray towards +lon).
 * Points on the boundary count as inside when the computation puts them exactly on it (every vertex does); within
 * rounding of a boundary line either answer may come back.
 *
 * Queries cost O(segments reaching the point's latitude band), not O(all vertices): the boundary segments are
 * indexed in latitude bands.
 *
 * @example
 * const square: PolygonRings = [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]], [[0.5, 0.5], [1, 0.5], [1, 1], [0.5, 0.5]]];
 * const area = new ServiceArea([square]);
 * area.contains(1.5, 1.5); // true (lat 1.5, lon 1.5)
 * area.contains(0.6, 0.9); // false: inside the hole
 */
export class ServiceArea {
  readonly polygonCount: number;
  readonly ringCount: number;
  /** Boundary segments (ring edges) of all rings. */
  readonly segmentCount: number;
  /** [minLon, minLat, maxLon, maxLat] of all rings. */
  readonly bbox: [number, number, number, number];
  /** Segment s runs from (seg[4s], seg[4s+1]) to (seg[4s+2], seg[4s+3]), as (lon, lat). */
  private readonly seg: Float64Array;
  private readonly segRing: Uint32Array;
  /** Rings of polygon p: polygonFirstRing[p] (the outer ring) .. polygonFirstRing[p+1]-1 (its holes). */
  private readonly polygonFirstRing: Uint32Array;
  private readonly bandCount: number;
  private readonly bandHeight: number;
  /** Segments reaching band b: bandSeg[bandFirst[b]] .. bandSeg[bandFirst[b+1]-1]. */
  private readonly bandFirst: Uint32Array;
  private readonly bandSeg: Uint32Array;
  /** Crossing parity per ring during one `contains` call. */
  private readonly parity: Uint8Array;

  /** Throws if a ring has fewer than 4 positions, is not closed, or holds a non-finite coordinate. */
  constructor(polygons: readonly PolygonRings[]) {
    if (polygons.length === 0) throw new Error('service area: no polygon');
    const seg: number[] = [];
    const segRing: number[] = [];
    const polygonFirstRing = [0];
    const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    let ring = 0;
    polygons.forEach((rings, p) => {
      if (rings.length === 0) throw new Error(`service area: polygon ${p} has no ring`);
      rings.forEach((r, k) => {
        const where = `polygon ${p} ring ${k}`;
        if (r.length < 4) throw new Error(`service area: ${where} has ${r.length} positions; a ring needs at least 4`);
        for (const [lon, lat] of r) {
          if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new Error(`service area: ${where} holds a non-finite coordinate`);
          if (k === 0) {
            bbox[0] = Math.min(bbox[0], lon);
            bbox[1] = Math.min(bbox[1], lat);
            bbox[2] = Math.max(bbox[2], lon);
            bbox[3] = Math.max(bbox[3], lat);
          }
        }
        const first = r[0];
        const last = r[r.length - 1];
        if (first[0] !== last[0] || first[1] !== last[1]) throw new Error(`service area: ${where} is not closed (its last position differs from its first)`);
        for (let i = 0; i + 1 < r.length; i++) {
          seg.push(r[i][0], r[i][1], r[i + 1][0], r[i + 1][1]);
          segRing.push(ring);
        }
        ring++;
      });
      polygonFirstRing.push(ring);
    });
    this.polygonCount = polygons.length;
    this.ringCount = ring;
    this.segmentCount = segRing.length;
    this.bbox = bbox;
    this.seg = Float64Array.from(seg);
    this.segRing = Uint32Array.from(segRing);
    this.polygonFirstRing = Uint32Array.from(polygonFirstRing);
    this.parity = new Uint8Array(ring);

    // Holes outside their outer ring do not widen the bbox; their segments are indexed only where they overlap it.
    const height = bbox[3] - bbox[1];
    this.bandCount = height > 0 ? Math.max(1, Math.min(MAX_BANDS, Math.ceil(this.segmentCount / 2))) : 1;
    this.bandHeight = height > 0 ? height / this.bandCount : 1;
    const bandFirst = new Uint32Array(this.bandCount + 1);
    const range = (s: number): [number, number] => {
      const y0 = this.seg[4 * s + 1];
      const y1 = this.seg[4 * s + 3];
      return [this.bandOf(Math.min(y0, y1)), this.bandOf(Math.max(y0, y1))];
    };
    for (let s = 0; s < this.segmentCount; s++) {
      const [lo, hi] = range(s);
      for (let b = lo; b <= hi; b++) bandFirst[b + 1]++;
    }
    for (let b = 0; b < this.bandCount; b++) bandFirst[b + 1] += bandFirst[b];
    const fill = bandFirst.slice(0, this.bandCount);
    const bandSeg = new Uint32Array(bandFirst[this.bandCount]);
    for (let s = 0; s < this.segmentCount; s++) {
      const [lo, hi] = range(s);
      for (let b = lo; b <= hi; b++) bandSeg[fill[b]++] = s;
    }
    this.bandFirst = bandFirst;
    this.bandSeg = bandSeg;
  }

  /** Band of a latitude, clamped to the index. Monotone in lat, so a segment spanning lat is listed in lat's band. */
  private bandOf(lat: number): number {
    const b = Math.floor((lat - this.bbox[1]) / this.bandHeight);
    return b < 0 ? 0 : b >= this.bandCount ? this.bandCount - 1 : b;
  }

  /** True if the point lies inside the area (or exactly on its boundary). */
  contains(lat: number, lon: number): boolean {
    const [minLon, minLat, maxLon, maxLat] = this.bbox;
    if (!(lat >= minLat && lat <= maxLat && lon >= minLon && lon <= maxLon)) return false;
    const seg = this.seg;
    const parity = this.parity;
    parity.fill(0);
    const band = this.bandOf(lat);
    for (let i = this.bandFirst[band]; i < this.bandFirst[band + 1]; i++) {
      const s = this.bandSeg[i];
      const x0 = seg[4 * s];
      const y0 = seg[4 * s + 1];
      const x1 = seg[4 * s + 2];
      const y1 = seg[4 * s + 3];
      // On the segment: collinear and within its box.
      if ((lat - y0) * (lat - y1) <= 0 && (lon - x0) * (lon - x1) <= 0 && (x1 - x0) * (lat - y0) - (y1 - y0) * (lon - x0) === 0) return true;
      if (y0 > lat !== y1 > lat && lon < x0 + ((lat - y0) * (x1 - x0)) / (y1 - y0)) parity[this.segRing[s]] ^= 1;
    }
    for (let p = 0; p < this.polygonCount; p++) {
      const outer = this.polygonFirstRing[p];
      if (!parity[outer]) continue;
      let inHole = false;
      for (let r = outer + 1; r < this.polygonFirstRing[p + 1] && !inHole; r++) inHole = parity[r] === 1;
      if (!inHole) return true;
    }
    return false;
  }

  /**
   * True if the straight piece a→b (lon/lat) properly crosses a boundary segment (each strictly on both sides of
   * the other). A piece with both ends inside that crosses nothing stays inside; touching the boundary is allowed.
   * NOTE: a piece that leaves exactly through a boundary vertex, and comes back through another vertex, is not seen.
   */
  crossesBoundary(aLat: number, aLon: number, bLat: number, bLon: number): boolean {
    const loLat = Math.max(Math.min(aLat, bLat), this.bbox[1]);
    const hiLat = Math.min(Math.max(aLat, bLat), this.bbox[3]);
    if (loLat > hiLat || Math.max(aLon, bLon) < this.bbox[0] || Math.min(aLon, bLon) > this.bbox[2]) return false;
    const seg = this.seg;
    const lastBand = this.bandOf(hiLat);
    for (let i = this.bandFirst[this.bandOf(loLat)]; i < this.bandFirst[lastBand + 1]; i++) {
      const s = this.bandSeg[i];
      const px = seg[4 * s];
      const py = seg[4 * s + 1];
      const qx = seg[4 * s + 2];
      const qy = seg[4 * s + 3];
      if (Math.max(px, qx) < Math.min(aLon, bLon) || Math.min(px, qx) > Math.max(aLon, bLon)) continue;
      const o1 = Math.sign((bLon - aLon) * (py - aLat) - (bLat - aLat) * (px - aLon));
      const o2 = Math.sign((bLon - aLon) * (qy - aLat) - (bLat - aLat) * (qx - aLon));
      if (o1 * o2 >= 0) continue;
      const o3 = Math.sign((qx - px) * (aLat - py) - (qy - py) * (aLon - px));
      const o4 = Math.sign((qx - px) * (bLat - py) - (qy - py) * (bLon - px));
      if (o3 * o4 < 0) return true;
    }
    return false;
  }
}

/** 1 for every node of `g` inside the area. */
export function nodesInside(g: RoadGraph, area: ServiceArea): Uint8Array {
  const inside = new Uint8Array(g.nodeCount);
  for (let v = 0; v < g.nodeCount; v++) inside[v] = area.contains(g.lat[v], g.lon[v]) ? 1 : 0;
  return inside;
}

/**
 * 1 for every edge whose whole line stays inside the area: both end nodes (per `nodeInside`), every shape point,
 * and no piece crossing the boundary. A road that bulges out of the area between two inside junctions is not kept.
 */
export function edgesInside(g: RoadGraph, area: ServiceArea, nodeInside: Uint8Array = nodesInside(g, area)): Uint8Array {
  const tail = edgeTails(g);
  const inside = new Uint8Array(g.edgeCount);
  for (let e = 0; e < g.edgeCount; e++) {
    const u = tail[e];
    const v = g.head[e];
    if (!nodeInside[u] || !nodeInside[v]) continue;
    let lat = g.lat[u];
    let lon = g.lon[u];
    let ok = true;
    for (let p = g.geomFirst[e]; p <= g.geomFirst[e + 1] && ok; p++) {
      const last = p === g.geomFirst[e + 1];
      const nLat = last ? g.lat[v] : g.geomLat[p];
      const nLon = last ? g.lon[v] : g.geomLon[p];
      ok = (last || area.contains(nLat, nLon)) && !area.crossesBoundary(lat, lon, nLat, nLon);
      lat = nLat;
      lon = nLon;
    }
    inside[e] = ok ? 1 : 0;
  }
  return inside;
}

/** What restricting a graph kept and cut, and why. */
export interface RestrictionReport {
  nodesIn: number;
  edgesIn: number;
  /** Nodes removed because they lie outside the service area. */
  nodesOutside: number;
  /** Nodes removed because they are avoided (avoided nodes outside the area count as outside). */
  nodesAvoided: number;
  /** Edges between two kept nodes removed because their line leaves the area. */
  edgesLeavingArea: number;
  /** Nodes removed because what remained cut them off from its largest strongly connected component. */
  nodesDisconnected: number;
  nodesKept: number;
  edgesKept: number;
  /** nodesIn − nodesKept and edgesIn − edgesKept. */
  nodesCut: number;
  edgesCut: number;
}

/** A graph restricted to an operating area. */
export interface Restriction {
  graph: RoadGraph;
  /** Index in the original graph of each node of the restricted one. */
  originalNode: Uint32Array;
  report: RestrictionReport;
}

export interface RestrictOptions {
  /** Keep only nodes inside, and only edges whose whole line stays inside. */
  area?: ServiceArea;
  /** Node indices of the original graph that routes must never pass through. */
  avoidNodes?: ArrayLike<number>;
  /** Source line of the restricted graph's meta (default: the original's). */
  source?: string;
}

/**
 * The graph restricted to the area and without the avoided nodes, keeping the largest strongly connected component
 * of what remains (so every kept node still reaches every other). Edge data, shapes and external ids are kept.
 *
 * @example
 * const { graph, originalNode, report } = restrictGraph(sf, { area, avoidNodes: [1203, 877] });
 * report.nodesCut; // nodes outside, avoided or cut off
 */
export function restrictGraph(g: RoadGraph, o: RestrictOptions): Restriction {
  const n = g.nodeCount;
  const keepNode = o.area ? nodesInside(g, o.area) : new Uint8Array(n).fill(1);
  const nodesOutside = n - keepNode.reduce((a, b) => a + b, 0);
  const keepEdge = o.area ? edgesInside(g, o.area, keepNode) : new Uint8Array(g.edgeCount).fill(1);
  let edgesLeavingArea = 0;
  if (o.area) {
    const tail = edgeTails(g);
    for (let e = 0; e < g.edgeCount; e++) if (!keepEdge[e] && keepNode[tail[e]] && keepNode[g.head[e]]) edgesLeavingArea++;
  }
  let nodesAvoided = 0;
  for (let i = 0; i < (o.avoidNodes?.length ?? 0); i++) {
    const v = o.avoidNodes![i];
    if (!(Number.isInteger(v) && v >= 0 && v < n)) throw new Error(`restrictGraph: avoided node ${v} is not a node of the graph (0..${n - 1})`);
    if (keepNode[v]) {
      keepNode[v] = 0;
      nodesAvoided++;
    }
  }
  const b = new GraphBuilder();
  const builderOf = new Int32Array(n).fill(-1);
  const builderToOriginal: number[] = [];
  for (let v = 0; v < n; v++) {
    if (!keepNode[v]) continue;
    builderOf[v] = b.addNode(g.externalId[v], g.lat[v], g.lon[v]);
    builderToOriginal.push(v);
  }
  for (let u = 0; u < n; u++) {
    if (builderOf[u] < 0) continue;
    for (let e = g.firstOut[u]; e < g.firstOut[u + 1]; e++) {
      const v = g.head[e];
      if (!keepEdge[e] || builderOf[v] < 0) continue;
      const from = g.geomFirst[e];
      const to = g.geomFirst[e + 1];
      b.addEdge({
        from: builderOf[u],
        to: builderOf[v],
        lengthM: g.lengthM[e],
        timeMs: g.timeMs[e],
        roadClass: g.roadClass[e],
        ...(to > from ? { shapeLat: g.geomLat.subarray(from, to), shapeLon: g.geomLon.subarray(from, to) } : {}),
      });
    }
  }
  const meta: Omit<NetworkMeta, 'bbox' | 'build'> = { source: o.source ?? g.meta.source, attribution: g.meta.attribution, ...(g.meta.extra ? { extra: g.meta.extra } : {}) };
  const built = b.build(meta);
  const originalNode = new Uint32Array(built.graph.nodeCount);
  for (let i = 0; i < originalNode.length; i++) originalNode[i] = builderToOriginal[built.builderNode[i]];
  const graph = built.graph;
  return {
    graph,
    originalNode,
    report: {
      nodesIn: n,
      edgesIn: g.edgeCount,
      nodesOutside,
      nodesAvoided,
      edgesLeavingArea,
      nodesDisconnected: built.report.nodesDropped,
      nodesKept: graph.nodeCount,
      edgesKept: graph.edgeCount,
      nodesCut: n - graph.nodeCount,
      edgesCut: g.edgeCount - graph.edgeCount,
    },
  };
}

/** The node of `g` nearest to a point (great-circle distance), by a scan of every node; -1 for an empty graph. */
export function nearestNode(g: RoadGraph, lat: number, lon: number): { node: number; distanceM: number } {
  let node = -1;
  let distanceM = Infinity;
  for (let v = 0; v < g.nodeCount; v++) {
    const d = haversineM(lat, lon, g.lat[v], g.lon[v]);
    if (d < distanceM) {
      distanceM = d;
      node = v;
    }
  }
  return { node, distanceM };
}

/** How much longer the direct trips got when nodes are avoided (times of the departure hour, seconds). */
export interface AvoidanceCost {
  /** Trips compared (both ends also on the graph without avoidance). */
  trips: number;
  /** Trips whose direct time is longer with avoidance. */
  longer: number;
  medianWithoutS: number;
  medianWithS: number;
  meanWithoutS: number;
  meanWithS: number;
  /** (with − without) / without of the medians and of the means, %. */
  medianIncreasePct: number;
  meanIncreasePct: number;
  /** Largest increase of one trip, seconds. */
  maxIncreaseS: number;
}

const medianOf = (xs: Float64Array): number => {
  if (xs.length === 0) return NaN;
  const s = xs.slice().sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Direct pickup→drop-off times of the trips with avoidance (`withAvoid`, on the trips' own nodes) and without it
 * (`withoutAvoid`, whose node of trip node v is `nodeWithout[v]`, -1 if it has none: such trips are left out).
 *
 * @example avoidanceCost(scenario.requests, restricted.travelTimes, areaOnly.travelTimes, nodeWithout).medianIncreasePct
 */
export function avoidanceCost(
  trips: readonly { readonly requestS: number; readonly pickupNode: number; readonly dropoffNode: number }[],
  withAvoid: TravelTimes,
  withoutAvoid: TravelTimes,
  nodeWithout: Int32Array,
): AvoidanceCost {
  const withS: number[] = [];
  const withoutS: number[] = [];
  let longer = 0;
  let maxIncreaseS = 0;
  for (const t of trips) {
    const p = nodeWithout[t.pickupNode];
    const d = nodeWithout[t.dropoffNode];
    if (p < 0 || d < 0) continue;
    const a = withAvoid.timeS(t.pickupNode, t.dropoffNode, t.requestS);
    const b = withoutAvoid.timeS(p, d, t.requestS);
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    withS.push(a);
    withoutS.push(b);
    if (a > b + 1e-6) longer++;
    maxIncreaseS = Math.max(maxIncreaseS, a - b);
  }
  const w = Float64Array.from(withS);
  const wo = Float64Array.from(withoutS);
  const mean = (xs: Float64Array) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN);
  const pctUp = (a: number, b: number) => (b > 0 ? (100 * (a - b)) / b : 0);
  const medianWithS = medianOf(w);
  const medianWithoutS = medianOf(wo);
  const meanWithS = mean(w);
  const meanWithoutS = mean(wo);
  return {
    trips: w.length,
    longer,
    medianWithoutS,
    medianWithS,
    meanWithoutS,
    meanWithS,
    medianIncreasePct: pctUp(medianWithS, medianWithoutS),
    meanIncreasePct: pctUp(meanWithS, meanWithoutS),
    maxIncreaseS,
  };
}
