// A ride request as read from a trip source, before it is placed on the road network.

/**
 * One trip record from any source (file replay or live API). Times are absolute epoch seconds; `utcOffsetS` is the
 * local offset at the request so that "the local day" can be computed without a time-zone database in core.
 */
export interface TripRecord {
  /** Source id of the trip (string at the edge). */
  id: string;
  /** When the ride was requested (epoch seconds). Sources without a request time use the pickup time. */
  requestEpochS: number;
  /** Local offset from UTC at the request, seconds (PDT = -25200). */
  utcOffsetS: number;
  pickupLat: number;
  pickupLon: number;
  dropoffLat: number;
  dropoffLon: number;
  /** Riders travelling together (default 1). */
  riders: number;
  /** Observed pickup→drop-off duration where the source has it (calibration uses it). */
  observedDurationS?: number;
  /** Observed pickup time where the source has it (epoch seconds). */
  pickupEpochS?: number;
  /** The human-driven vehicle that served it, where the source says (SF cab_id): used to count the human fleet. */
  sourceVehicleId?: string;
}

/** Largest party a row may book: more than any car model carries (bigger groups book several cars). */
export const MAX_RIDERS = 9;

/** Why a source row could not be used. Every dropped row is counted under exactly one reason. */
export const RejectReason = {
  unparseable: 'unparseable',
  badCoordinates: 'bad_coordinates',
  outsideBbox: 'outside_bbox',
  outsideDate: 'outside_date',
  outsideTimeWindow: 'outside_time_window',
  /** Pickup or drop-off outside the operating area (`--service-area`). */
  outsideServiceArea: 'outside_service_area',
  pickupOffNetwork: 'pickup_off_network',
  dropoffOffNetwork: 'dropoff_off_network',
  samePickupDropoff: 'same_pickup_dropoff',
  nonPositiveDuration: 'non_positive_duration',
  /** A riders count that is not a whole number in 1..MAX_RIDERS (0, negative, fractional, text). */
  badRiders: 'bad_riders',
  /** Source times in an impossible order (the request after the pickup). */
  timesOutOfOrder: 'times_out_of_order',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];
