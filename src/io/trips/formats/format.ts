// The contract every trip-file format implements: bind to a header once, then turn each row into a TripRecord or a
// reject reason.
import { isValidLatLon } from '../../../core/geo.js';
import { RejectReason, type TripRecord } from '../../../core/demand/trip.js';
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
 * or coordinate → unparseable; an impossible coordinate (out of range, or 0,0) → bad_coordinates; an observed
 * duration ≤ 0 → non_positive_duration.
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
  if (r.observedDurationS !== undefined && r.observedDurationS <= 0) return RejectReason.nonPositiveDuration;
  return r;
}

/** Riders from an optional count column: missing, empty or < 1 → 1 (TLC files hold 0 passengers for some trips). */
export function ridersOf(text: string | undefined): number {
  const n = text === undefined ? NaN : Number(text.trim());
  return Number.isInteger(n) && n >= 1 ? n : 1;
}
