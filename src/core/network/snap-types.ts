// The result of placing a coordinate on the road network, shared by the snapper, importers and the simulator.

/** A road position: the nearest point on edge `edge` (fraction 0 = its tail, 1 = its head), and the node used for routing. */
export interface SnapResult {
  /** The node a vehicle routes to/from for this position (the edge endpoint nearer along the edge). */
  node: number;
  edge: number;
  /** Position along the edge, 0..1. */
  fraction: number;
  /** Straight-line distance from the coordinate to the road position, metres. */
  distanceM: number;
  lat: number;
  lon: number;
}

/** Places coordinates on the network; returns null when the nearest road is farther than the cutoff (off-network). */
export interface Snapper {
  readonly cutoffM: number;
  snap(lat: number, lon: number): SnapResult | null;
}
