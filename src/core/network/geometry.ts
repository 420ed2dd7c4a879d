// Display geometry of routes: the full polyline of a node path, shape points included.
import { findEdge, type RoadGraph } from './graph.js';

/** [lon, lat] points of a node path, following each edge's shape (GeoJSON order). */
export function pathCoordinates(g: RoadGraph, nodes: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = [];
  if (nodes.length === 0) return out;
  out.push([g.lon[nodes[0]], g.lat[nodes[0]]]);
  for (let i = 1; i < nodes.length; i++) {
    const e = findEdge(g, nodes[i - 1], nodes[i]);
    if (e < 0) throw new Error(`path has no edge ${nodes[i - 1]}->${nodes[i]}`);
    for (let p = g.geomFirst[e]; p < g.geomFirst[e + 1]; p++) out.push([g.geomLon[p], g.geomLat[p]]);
    out.push([g.lon[nodes[i]], g.lat[nodes[i]]]);
  }
  return out;
}
