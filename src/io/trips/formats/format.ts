// The contract every trip-file format implements: bind to a header once, then turn each row into a TripRecord or a
// reject reason.
import { isValidLatLon } from '../../../core/geo.js';
import { MAX_RIDERS, RejectReason, type TripRecord } from '../../../core/demand/trip.js';
import type { ZoneOffsets } from '../time-parse.js';

/** What a format may use while binding: the file (for error messages) and the local time zone for zone-less times. */
export interface FormatContext {
  path: string;
  zone: ZoneOffsets;
}

/** Turns one data row (fields as strings; `rowNumber` counts data rows from 1) into a record or the reason it is unusable. */
export type RowParser = (fields: string[], rowNumber: number) => TripRecord | RejectReason;

/** One trip-file format. `bind` resolves columns (throwing a clear error when some are missing). */
export interface TripFormat {
  readonly name: string;
  readonly description: string;
  /** IANA zone used for times without an offset, unless the caller gives another. */
  readonly defaultTimeZone: string;
  bind(header: readonly string[], ctx: FormatContext): RowParser;
}

/**
 * The checks every format shares, in a fixed order so each row gets exactly one reason: a missing/non-numeric time
 * or coordinate → unparseable; an impossible coordinate (out of range, or 0,0) → bad_coordinates; a riders count that
 * is not a whole number in 1..MAX_RIDERS → bad_riders; a request after the pickup → times_out_of_order; an observed
 * duration ≤ 0 → non_positive_duration. Nothing is coerced: a row is used as written or rejected.
 */
export function checkRecord(r: TripRecord): TripRecord | RejectReason {
  if (
    !Number.isFinite(r.requestEpochS) ||
    !Number.isFinite(r.utcOffsetS) ||
    Number.isNaN(r.pickupLat) ||
    Number.isNaN(r.pickupLon) ||
    Number.isNaN(r.dropoffLat) ||
    Number.isNaN(r.dropoffLon) ||
    (r.observedDurationS !== undefined && Number.isNaN(r.observedDurationS))
  ) {
    return RejectReason.unparseable;
  }
  if (!isValidLatLon(r.pickupLat, r.pickupLon) || !isValidLatLon(r.dropoffLat, r.dropoffLon)) return RejectReason.badCoordinates;
  if (!(Number.isInteger(r.riders) && r.riders >= 1 && r.riders <= MAX_RIDERS)) return RejectReason.badRiders;
  if (r.pickupEpochS !== undefined && Number.isFinite(r.pickupEpochS) && r.requestEpochS > r.pickupEpochS) return RejectReason.timesOutOfOrder;
  if (r.observedDurationS !== undefined && r.observedDurationS <= 0) return RejectReason.nonPositiveDuration;
  return r;
}

/**
 * Riders from an optional count column: an empty cell means the default, 1; anything else must be a plain whole
 * number (else NaN, and checkRecord rejects the row as bad_riders; TLC's 0 passengers is not silently made 1).
 */
export function ridersOf(text: string | undefined): number {
  const t = text === undefined ? '' : text.trim();
  if (t === '') return 1;
  return /^\d{1,3}$/.test(t) ? Number(t) : NaN;
}
