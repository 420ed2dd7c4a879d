// A hand-made test street shared by engine and dispatcher tests: nodes 0-1-…-(n-1) on a line, two-way, every edge
// 500 m and 60 s, so expected times can be worked out by hand.
import type { PlacedTrip } from '../src/core/demand/placed-trip.js';
import { GraphBuilder, RoadClass, type RoadGraph } from '../src/core/network/graph.js';

/** `nodeCount` nodes on a line (default 5), two-way, every edge 500 m and 60 s. */
export function street(source = 'test-street', nodeCount = 5): RoadGraph {
  const b = new GraphBuilder();
  for (let i = 0; i < nodeCount; i++) b.addNode(i, 47, 8 + i * 0.0066);
  for (let i = 0; i + 1 < nodeCount; i++) {
    b.addEdge({ from: i, to: i + 1, lengthM: 500, timeMs: 60_000, roadClass: RoadClass.residential });
    b.addEdge({ from: i + 1, to: i, lengthM: 500, timeMs: 60_000, roadClass: RoadClass.residential });
  }
  return b.build({ source, attribution: '' }).graph;
}

/** A request on graph `g` between two of its nodes. */
export function trip(g: RoadGraph, id: string, requestS: number, pickupNode: number, dropoffNode: number, riders = 1): PlacedTrip {
  return {
    id, requestS, pickupNode, dropoffNode, riders, acceptsSharing: false,
    pickupLat: g.lat[pickupNode], pickupLon: g.lon[pickupNode], dropoffLat: g.lat[dropoffNode], dropoffLon: g.lon[dropoffNode],
  };
}
