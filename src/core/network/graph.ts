// The road network as a directed graph in CSR form (typed arrays, dense node indices), and the builder that makes one.
//
// Index conventions: nodes are 0..nodeCount-1, edges 0..edgeCount-1. The outgoing edges of node u are
// firstOut[u] .. firstOut[u+1]-1, sorted by tail. External ids (OSM node ids, CSV node ids) live only in `externalId`.

/** Road classes shared by every importer; the byte stored per edge. */
export const RoadClass = {
  motorway: 0,
  trunk: 1,
  primary: 2,
  secondary: 3,
  tertiary: 4,
  unclassified: 5,
  residential: 6,
  service: 7,
  living_street: 8,
  ramp: 9,
  other: 10,
} as const;
export type RoadClassName = keyof typeof RoadClass;
export const ROAD_CLASS_NAMES = Object.keys(RoadClass) as RoadClassName[];

export interface NetworkMeta {
  /** Human-readable name of where this network came from (file names or `synthetic:seed=…`). */
  source: string;
  /** Licence/attribution line that must travel with the data (e.g. ODbL for OSM). */
  attribution: string;
  /** [minLon, minLat, maxLon, maxLat] of kept nodes. */
  bbox: [number, number, number, number];
  /** What the import kept and dropped, for reporting. */
  build: BuildReport;
  /** Free-form extra facts (speed table used, importer options). */
  extra?: Record<string, unknown>;
}

export interface BuildReport {
  nodesIn: number;
  edgesIn: number;
  nodesKept: number;
  edgesKept: number;
  componentsFound: number;
  nodesDropped: number;
  edgesDropped: number;
  selfLoopsDropped: number;
  parallelEdgesMerged: number;
}

export interface RoadGraph {
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** CSR offsets, length nodeCount+1. */
  readonly firstOut: Uint32Array;
  /** Target node of each edge. */
  readonly head: Uint32Array;
  /** Free-flow travel time of each edge in integer milliseconds (≥ 1). Integers keep CH sums exact. */
  readonly timeMs: Uint32Array;
  /** Length of each edge in metres. */
  readonly lengthM: Float32Array;
  /** RoadClass value of each edge. */
  readonly roadClass: Uint8Array;
  /** Node coordinates, degrees WGS84. */
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  /** External node id (OSM ids fit exactly in a double). */
  readonly externalId: Float64Array;
  /** Intermediate shape points of each edge (endpoints excluded): points geomFirst[e] .. geomFirst[e+1]-1 of geomLat/geomLon. */
  readonly geomFirst: Uint32Array;
  readonly geomLat: Float64Array;
  readonly geomLon: Float64Array;
  readonly meta: NetworkMeta;
}

/** Tail node of every edge (the CSR stores only heads); computed on demand where a tail lookup is needed. */
export function edgeTails(g: RoadGraph): Uint32Array {
  const tail = new Uint32Array(g.edgeCount);
  for (let u = 0; u < g.nodeCount; u++) tail.fill(u, g.firstOut[u], g.firstOut[u + 1]);
  return tail;
}

/** The edge u→v with the smallest time, or -1. */
export function findEdge(g: RoadGraph, u: number, v: number): number {
  let best = -1;
  for (let e = g.firstOut[u]; e < g.firstOut[u + 1]; e++) {
    if (g.head[e] === v && (best < 0 || g.timeMs[e] < g.timeMs[best])) best = e;
  }
  return best;
}

/** Reverse graph as CSR: incoming edges of v are revFirst[v]..revFirst[v+1]-1, with revTail and revEdge (the forward edge index). */
export interface ReverseIndex {
  revFirst: Uint32Array;
  revTail: Uint32Array;
  revEdge: Uint32Array;
}

export function reverseIndex(g: RoadGraph): ReverseIndex {
  const n = g.nodeCount;
  const m = g.edgeCount;
  const revFirst = new Uint32Array(n + 1);
  for (let e = 0; e < m; e++) revFirst[g.head[e] + 1]++;
  for (let v = 0; v < n; v++) revFirst[v + 1] += revFirst[v];
  const fill = revFirst.slice(0, n);
  const revTail = new Uint32Array(m);
  const revEdge = new Uint32Array(m);
  for (let u = 0; u < n; u++) {
    for (let e = g.firstOut[u]; e < g.firstOut[u + 1]; e++) {
      const slot = fill[g.head[e]]++;
      revTail[slot] = u;
      revEdge[slot] = e;
    }
  }
  return { revFirst, revTail, revEdge };
}

/** One directed edge as an importer hands it to the builder. Shape points exclude the two endpoints. */
export interface EdgeInput {
  from: number;
  to: number;
  lengthM: number;
  timeMs: number;
  roadClass: number;
  shapeLat?: ArrayLike<number>;
  shapeLon?: ArrayLike<number>;
}

/**
 * Collects nodes and directed edges from an importer, then builds a RoadGraph restricted to the largest strongly
 * connected component (so that every kept node can reach every other: no stranded cars or riders).
 *
 * @example
 * const b = new GraphBuilder();
 * const a = b.addNode(1, 43.73, 7.42), c = b.addNode(2, 43.74, 7.42);
 * b.addEdge({ from: a, to: c, lengthM: 1100, timeMs: 80_000, roadClass: RoadClass.residential });
 * b.addEdge({ from: c, to: a, lengthM: 1100, timeMs: 80_000, roadClass: RoadClass.residential });
 * const { graph, report } = b.build({ source: 'test', attribution: '' });
 */
export class GraphBuilder {
  private lat: number[] = [];
  private lon: number[] = [];
  private ids: number[] = [];
  private from: number[] = [];
  private to: number[] = [];
  private len: number[] = [];
  private time: number[] = [];
  private cls: number[] = [];
  private shapeStart: number[] = [];
  private shapeLat: number[] = [];
  private shapeLon: number[] = [];

  get nodeCount(): number {
    return this.lat.length;
  }
  get edgeCount(): number {
    return this.from.length;
  }

  addNode(externalId: number, lat: number, lon: number): number {
    this.ids.push(externalId);
    this.lat.push(lat);
    this.lon.push(lon);
    return this.lat.length - 1;
  }

  nodeLat(i: number): number {
    return this.lat[i];
  }
  nodeLon(i: number): number {
    return this.lon[i];
  }

  addEdge(e: EdgeInput): void {
    if (!(e.lengthM >= 0) || !(e.timeMs > 0) || !Number.isFinite(e.timeMs)) {
      throw new Error(`edge ${e.from}->${e.to}: length ${e.lengthM} m and time ${e.timeMs} ms must be finite and positive`);
    }
    this.from.push(e.from);
    this.to.push(e.to);
    this.len.push(e.lengthM);
    this.time.push(Math.max(1, Math.round(e.timeMs)));
    this.cls.push(e.roadClass);
    this.shapeStart.push(this.shapeLat.length);
    if (e.shapeLat && e.shapeLon) {
      for (let i = 0; i < e.shapeLat.length; i++) {
        this.shapeLat.push(e.shapeLat[i]);
        this.shapeLon.push(e.shapeLon[i]);
      }
    }
  }

  /**
   * Builds the CSR graph of the largest strongly connected component. `builderNode[i]` is the index that graph node i
   * had in this builder (the order of addNode), so callers that derive a graph from another can map nodes back.
   */
  build(meta: Omit<NetworkMeta, 'bbox' | 'build'>): { graph: RoadGraph; report: BuildReport; builderNode: Uint32Array } {
    const n = this.lat.length;
    const mIn = this.from.length;
    // Drop self-loops; merge parallel edges keeping the fastest.
    const best = new Map<number, number>();
    let selfLoops = 0;
    let merged = 0;
    const keepEdge = new Uint8Array(mIn);
    for (let e = 0; e < mIn; e++) {
      const u = this.from[e];
      const v = this.to[e];
      if (u === v) {
        selfLoops++;
        continue;
      }
      const key = u * n + v;
      const prev = best.get(key);
      if (prev === undefined) {
        best.set(key, e);
        keepEdge[e] = 1;
      } else {
        merged++;
        if (this.time[e] < this.time[prev]) {
          keepEdge[prev] = 0;
          keepEdge[e] = 1;
          best.set(key, e);
        }
      }
    }
    const comp = stronglyConnectedComponents(n, this.from, this.to, keepEdge);
    const sizes = new Uint32Array(comp.count);
    for (let v = 0; v < n; v++) sizes[comp.of[v]]++;
    let largest = 0;
    for (let c = 1; c < comp.count; c++) if (sizes[c] > sizes[largest]) largest = c;

    const newIndex = new Int32Array(n).fill(-1);
    let kept = 0;
    for (let v = 0; v < n; v++) if (comp.count > 0 && comp.of[v] === largest) newIndex[v] = kept++;

    const edges: number[] = [];
    for (let e = 0; e < mIn; e++) {
      if (keepEdge[e] && newIndex[this.from[e]] >= 0 && newIndex[this.to[e]] >= 0) edges.push(e);
    }
    edges.sort((a, b) => newIndex[this.from[a]] - newIndex[this.from[b]] || newIndex[this.to[a]] - newIndex[this.to[b]]);
    const m = edges.length;
    const firstOut = new Uint32Array(kept + 1);
    const head = new Uint32Array(m);
    const timeMs = new Uint32Array(m);
    const lengthM = new Float32Array(m);
    const roadClass = new Uint8Array(m);
    const geomFirst = new Uint32Array(m + 1);
    let shapeCount = 0;
    for (const e of edges) shapeCount += this.shapeEnd(e) - this.shapeStart[e];
    const geomLat = new Float64Array(shapeCount);
    const geomLon = new Float64Array(shapeCount);
    let s = 0;
    for (let i = 0; i < m; i++) {
      const e = edges[i];
      firstOut[newIndex[this.from[e]] + 1]++;
      head[i] = newIndex[this.to[e]];
      timeMs[i] = this.time[e];
      lengthM[i] = this.len[e];
      roadClass[i] = this.cls[e];
      geomFirst[i] = s;
      for (let p = this.shapeStart[e]; p < this.shapeEnd(e); p++) {
        geomLat[s] = this.shapeLat[p];
        geomLon[s] = this.shapeLon[p];
        s++;
      }
    }
    geomFirst[m] = s;
    for (let v = 0; v < kept; v++) firstOut[v + 1] += firstOut[v];
    const lat = new Float64Array(kept);
    const lon = new Float64Array(kept);
    const externalId = new Float64Array(kept);
    const builderNode = new Uint32Array(kept);
    const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let v = 0; v < n; v++) {
      const i = newIndex[v];
      if (i < 0) continue;
      lat[i] = this.lat[v];
      lon[i] = this.lon[v];
      externalId[i] = this.ids[v];
      builderNode[i] = v;
      bbox[0] = Math.min(bbox[0], lon[i]);
      bbox[1] = Math.min(bbox[1], lat[i]);
      bbox[2] = Math.max(bbox[2], lon[i]);
      bbox[3] = Math.max(bbox[3], lat[i]);
    }
    const report: BuildReport = {
      nodesIn: n,
      edgesIn: mIn,
      nodesKept: kept,
      edgesKept: m,
      componentsFound: comp.count,
      nodesDropped: n - kept,
      edgesDropped: mIn - selfLoops - merged - m,
      selfLoopsDropped: selfLoops,
      parallelEdgesMerged: merged,
    };
    const graph: RoadGraph = {
      nodeCount: kept,
      edgeCount: m,
      firstOut,
      head,
      timeMs,
      lengthM,
      roadClass,
      lat,
      lon,
      externalId,
      geomFirst,
      geomLat,
      geomLon,
      meta: { ...meta, bbox, build: report },
    };
    return { graph, report, builderNode };
  }

  private shapeEnd(e: number): number {
    return e + 1 < this.shapeStart.length ? this.shapeStart[e + 1] : this.shapeLat.length;
  }
}

/** Iterative Tarjan SCC over an edge list (edges with keep[e] = 0 are ignored). Returns the component of each node. */
export function stronglyConnectedComponents(
  n: number,
  from: ArrayLike<number>,
  to: ArrayLike<number>,
  keep?: Uint8Array,
): { of: Uint32Array; count: number } {
  const first = new Uint32Array(n + 1);
  const m = from.length;
  for (let e = 0; e < m; e++) if (!keep || keep[e]) first[from[e] + 1]++;
  for (let v = 0; v < n; v++) first[v + 1] += first[v];
  const adj = new Uint32Array(first[n]);
  const fill = first.slice(0, n);
  for (let e = 0; e < m; e++) if (!keep || keep[e]) adj[fill[from[e]]++] = to[e];

  const index = new Int32Array(n).fill(-1);
  const low = new Uint32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Uint32Array(n);
  let sp = 0;
  const callNode = new Uint32Array(n);
  const callEdge = new Uint32Array(n);
  const of = new Uint32Array(n);
  let counter = 0;
  let count = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue;
    let depth = 0;
    callNode[0] = root;
    callEdge[0] = first[root];
    index[root] = low[root] = counter++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callNode[depth];
      if (callEdge[depth] < first[v + 1]) {
        const w = adj[callEdge[depth]++];
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          depth++;
          callNode[depth] = w;
          callEdge[depth] = first[w];
        } else if (onStack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
      } else {
        if (low[v] === index[v]) {
          let w: number;
          do {
            w = stack[--sp];
            onStack[w] = 0;
            of[w] = count;
          } while (w !== v);
          count++;
        }
        depth--;
        if (depth >= 0) {
          const parent = callNode[depth];
          if (low[v] < low[parent]) low[parent] = low[v];
        }
      }
    }
  }
  return { of, count };
}
