// A ride request placed on the road network and on the scenario clock: what the simulator consumes.

/**
 * One request ready for simulation. `requestS` is seconds since the scenario's day start (local midnight of the
 * selected day for imported trips, 0 = midnight for synthetic demand); nodes are dense indices of the RoadGraph.
 *
 * @example
 * const t: PlacedTrip = { id: 'r1', requestS: 8 * 3600, pickupNode: 12, dropoffNode: 840, pickupLat: 47.0,
 *   pickupLon: 8.0, dropoffLat: 47.02, dropoffLon: 8.01, riders: 1, acceptsSharing: false };
 */
export interface PlacedTrip {
  /** Source id (file id, or a generated one for synthetic demand). */
  id: string;
  /** Request time, integer seconds since the scenario day start. */
  requestS: number;
  /** Road-graph node where the rider is picked up. */
  pickupNode: number;
  /** Road-graph node where the rider is dropped off. */
  dropoffNode: number;
  /** Original request coordinates (degrees WGS84), kept for maps and walking distances. */
  pickupLat: number;
  pickupLon: number;
  dropoffLat: number;
  dropoffLon: number;
  /** Riders travelling together (≥ 1). */
  riders: number;
  /** Observed pickup→drop-off duration in the source, where known (calibration). */
  observedDurationS?: number;
  /** The human-driven vehicle that served it in the source, where known. */
  sourceVehicleId?: string;
  /** Whether the rider accepts a shared (pooled) ride. */
  acceptsSharing: boolean;
}
