// Small directed road graphs for network tests: straight from an edge list, and random ones (fast-check) with one-way
// edges, parallel edges, self-loops and unreachable pairs.
import fc from 'fast-check';
import type { RoadGraph } from '../../src/core/network/graph.js';

/** A RoadGraph straight from an edge list (no SCC filtering, so some pairs stay unreachable). */
export function graphFromEdges(nodeCount: number, edges: ReadonlyArray<readonly [number, number, number]>): RoadGraph {
  const sorted = [...edges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const m = sorted.length;
  const firstOut = new Uint32Array(nodeCount + 1);
  const head = new Uint32Array(m);
  const timeMs = new Uint32Array(m);
  const lengthM = new Float32Array(m);
  sorted.forEach(([u, v, w], i) => {
    firstOut[u + 1]++;
    head[i] = v;
    timeMs[i] = w;
    lengthM[i] = w / 10;
  });
  for (let v = 0; v < nodeCount; v++) firstOut[v + 1] += firstOut[v];
  return {
    nodeCount,
    edgeCount: m,
    firstOut,
    head,
    timeMs,
    lengthM,
    roadClass: new Uint8Array(m),
    lat: new Float64Array(nodeCount),
    lon: new Float64Array(nodeCount),
    externalId: new Float64Array(nodeCount),
    geomFirst: new Uint32Array(m + 1),
    geomLat: new Float64Array(0),
    geomLon: new Float64Array(0),
    meta: {
      source: 'test',
      attribution: '',
      bbox: [0, 0, 0, 0],
      build: { nodesIn: nodeCount, edgesIn: m, nodesKept: nodeCount, edgesKept: m, componentsFound: 0, nodesDropped: 0, edgesDropped: 0, selfLoopsDropped: 0, parallelEdgesMerged: 0 },
    },
  };
}

/** Random directed graphs: one-way edges, some two-way, parallel edges and self-loops; small weights make ties common. */
export const arbitraryGraph = fc
  .integer({ min: 1, max: 30 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(
        fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.integer({ min: 1, max: 12 }), fc.boolean()),
        { maxLength: n * 3 },
      ),
    }),
  )
  .map(({ n, edges }) => {
    const list: [number, number, number][] = [];
    for (const [u, v, w, twoWay] of edges) {
      list.push([u, v, w]);
      if (twoWay) list.push([v, u, w]);
    }
    return graphFromEdges(n, list);
  });
