// The road network as a map layer: every street once as straight segments (shape points kept), with its road class,
// in typed arrays that a WebGL line layer draws as they are.
import { findEdge, type RoadGraph } from '../network/graph.js';

export interface RoadLayer {
  segmentCount: number;
  /** lon0, lat0, lon1, lat1 per segment (degrees). */
  segments: Float32Array;
  /** RoadClass of each segment's edge. */
  segmentClass: Uint8Array;
}

/**
 * Cuts every edge into its straight pieces. A two-way street is drawn once (the edge v→u is skipped when u→v exists
 * and u < v), so the layer holds about half the graph's edges for a city of two-way streets.
 *
 * @example roadLayer(buildSyntheticCity().graph).segmentCount // ≈ the number of streets
 */
export function roadLayer(graph: RoadGraph): RoadLayer {
  const xy: number[] = [];
  const cls: number[] = [];
  for (let u = 0; u < graph.nodeCount; u++) {
    for (let e = graph.firstOut[u]; e < graph.firstOut[u + 1]; e++) {
      const v = graph.head[e];
      if (v < u && findEdge(graph, v, u) >= 0) continue;
      let lon = graph.lon[u];
      let lat = graph.lat[u];
      for (let k = graph.geomFirst[e]; k <= graph.geomFirst[e + 1]; k++) {
        const last = k === graph.geomFirst[e + 1];
        const nextLon = last ? graph.lon[v] : graph.geomLon[k];
        const nextLat = last ? graph.lat[v] : graph.geomLat[k];
        xy.push(lon, lat, nextLon, nextLat);
        cls.push(graph.roadClass[e]);
        lon = nextLon;
        lat = nextLat;
      }
    }
  }
  return { segmentCount: cls.length, segments: Float32Array.from(xy), segmentClass: Uint8Array.from(cls) };
}
