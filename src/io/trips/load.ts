// Loads a trip file for simulation: filters by local date, time window and box, snaps to the network, counts every
// dropped row under one reason, and puts requests on the scenario clock.
import { RejectReason, type TripRecord } from '../../core/demand/trip.js';
import type { PlacedTrip } from '../../core/demand/placed-trip.js';
import type { Snapper } from '../../core/network/snap-types.js';
import { openTripFile } from './read.js';
import type { ZoneOffsets } from './time-parse.js';

const DAY_S = 86_400;
const PROGRESS_EVERY_ROWS = 25_000;

/** A time window within the scenario day: seconds since local midnight, [fromS, toS). */
export interface TimeWindow {
  fromS: number;
  toS: number;
}

/** Progress while reading (called every 25,000 rows and once at the end with `done`). */
export interface LoadProgress {
  rowsRead: number;
  /** Bytes of the file read so far (compressed bytes for gzip) and its size: a fraction for progress bars. */
  bytesRead: number;
  totalBytes: number;
  done: boolean;
}

export interface LoadTripsOptions {
  /** Format name: `sf-cabspotting`, `rideaustin`, `nyc-tlc` or `baton`. */
  format: string;
  /** Keep only requests on this local date, `YYYY-MM-DD`. */
  date?: string;
  /** Keep only requests in this window of the day (relative to `dayStartEpochS`). */
  window?: TimeWindow;
  /** Keep only trips whose pickup AND drop-off lie in [minLon, minLat, maxLon, maxLat] (the NetworkMeta.bbox order). */
  bbox?: readonly [number, number, number, number];
  /** Places both endpoints on the road network; rows with an endpoint off the network are rejected. */
  snapper?: Snapper;
  /** IANA zone for zone-less times (format default otherwise). */
  timeZone?: string;
  /** Value of PlacedTrip.acceptsSharing for every trip (the files do not say); default false. */
  acceptsSharing?: boolean;
  onProgress?: (p: LoadProgress) => void;
}

export interface LoadedTrips {
  /** Kept trips sorted by request time, then id. */
  trips: PlacedTrip[];
  /** Dropped rows per reason (every reason present, zero when none). read = trips.length + Σ rejected. */
  rejected: Record<RejectReason, number>;
  /** Data rows read from the file. */
  read: number;
  /** Epoch seconds of local midnight of the selected date (or of the first kept trip's local day): requestS = 0. */
  dayStartEpochS: number;
}

/** A fresh per-reason counter with every reason at zero. */
export function emptyRejectCounts(): Record<RejectReason, number> {
  const out = {} as Record<RejectReason, number>;
  for (const r of Object.values(RejectReason)) out[r] = 0;
  return out;
}

/** `YYYY-MM-DD` → epoch seconds of that date's midnight as if it were UTC; throws on a malformed or impossible date. */
export function parseLocalDate(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new Error(`invalid date "${date}" (expected YYYY-MM-DD)`);
  }
  return ms / 1000;
}

/**
 * "07:00-10:00" (or "7-10", "06:30-09:15:30") → seconds since midnight; hours may exceed 24 for windows past
 * midnight of the next day. Throws on malformed text or an empty window.
 */
export function parseTimeWindow(text: string): TimeWindow {
  const part = (s: string) => {
    const m = /^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(s.trim());
    if (!m || (m[2] !== undefined && +m[2] > 59) || (m[3] !== undefined && +m[3] > 59)) return NaN;
    return +m[1] * 3600 + (m[2] === undefined ? 0 : +m[2] * 60) + (m[3] === undefined ? 0 : +m[3]);
  };
  const [a, b, extra] = text.split('-');
  const w = { fromS: part(a ?? ''), toS: part(b ?? '') };
  if (extra !== undefined || Number.isNaN(w.fromS) || Number.isNaN(w.toS) || w.toS <= w.fromS) {
    throw new Error(`invalid time window "${text}" (expected HH:MM-HH:MM with the end after the start)`);
  }
  return w;
}

/** Local calendar day of a record as "days since epoch" (its own offset applied). */
function localDay(r: TripRecord): number {
  return Math.floor((r.requestEpochS + r.utcOffsetS) / DAY_S);
}

/**
 * Epoch seconds of local midnight starting `dayIndex` (days since epoch, local). Uses the zone database when it
 * agrees with the offset the file wrote at `ref` (so DST days are right), the file's offset otherwise.
 */
function localMidnightEpochS(dayIndex: number, ref: TripRecord | undefined, zone: ZoneOffsets): number {
  const asUtc = dayIndex * DAY_S;
  if (ref === undefined) return zone.localToEpoch(asUtc).epochS;
  if (zone.offsetAt(ref.requestEpochS) === ref.utcOffsetS) return zone.localToEpoch(asUtc).epochS;
  return asUtc - ref.utcOffsetS;
}

/**
 * Reads a trip file and returns the trips usable for simulation, with every dropped row counted by reason.
 *
 * Checks run in this order, so each dropped row gets exactly one reason: unparseable → bad_coordinates →
 * non_positive_duration (format level) → outside_date → outside_bbox → outside_time_window → pickup_off_network →
 * dropoff_off_network → same_pickup_dropoff (same snapped node; same coordinates when no snapper is given).
 * Without a snapper, pickupNode and dropoffNode are -1 (network-free travel models).
 *
 * @example
 * const { trips, rejected, dayStartEpochS } = await loadTrips('../shared/data/austin/austin_rideaustin_trips_2017-03-15.csv.gz',
 *   { format: 'rideaustin', date: '2017-03-15', window: parseTimeWindow('07:00-10:00') });
 */
export async function loadTrips(path: string, opts: LoadTripsOptions): Promise<LoadedTrips> {
  const dateUtcS = opts.date === undefined ? undefined : parseLocalDate(opts.date);
  const wantedDay = dateUtcS === undefined ? undefined : dateUtcS / DAY_S;
  if (opts.window && !(opts.window.fromS >= 0 && opts.window.toS > opts.window.fromS)) {
    throw new Error(`invalid time window ${JSON.stringify(opts.window)} (need 0 ≤ fromS < toS)`);
  }
  const bbox = opts.bbox;
  if (bbox && !(bbox[0] <= bbox[2] && bbox[1] <= bbox[3])) {
    throw new Error(`invalid bbox [${bbox.join(', ')}] (expected [minLon, minLat, maxLon, maxLat])`);
  }
  const inBox = (lat: number, lon: number) =>
    bbox === undefined || (lon >= bbox[0] && lon <= bbox[2] && lat >= bbox[1] && lat <= bbox[3]);

  const file = await openTripFile(path, opts);
  const rejected = emptyRejectCounts();
  let read = 0;
  const progress = (done: boolean) =>
    opts.onProgress?.({ rowsRead: read, bytesRead: file.source.bytesRead(), totalBytes: file.source.totalBytes, done });

  const trips: PlacedTrip[] = [];
  const acceptsSharing = opts.acceptsSharing ?? false;
  /** Window, snapping and same-endpoint checks; keeps the trip when it passes. */
  const place = (r: TripRecord, dayStartEpochS: number) => {
    const requestS = r.requestEpochS - dayStartEpochS;
    if (opts.window && (requestS < opts.window.fromS || requestS >= opts.window.toS)) {
      rejected[RejectReason.outsideTimeWindow]++;
      return;
    }
    let pickupNode = -1;
    let dropoffNode = -1;
    if (opts.snapper) {
      const p = opts.snapper.snap(r.pickupLat, r.pickupLon);
      if (p === null) {
        rejected[RejectReason.pickupOffNetwork]++;
        return;
      }
      const d = opts.snapper.snap(r.dropoffLat, r.dropoffLon);
      if (d === null) {
        rejected[RejectReason.dropoffOffNetwork]++;
        return;
      }
      pickupNode = p.node;
      dropoffNode = d.node;
      if (pickupNode === dropoffNode) {
        rejected[RejectReason.samePickupDropoff]++;
        return;
      }
    } else if (r.pickupLat === r.dropoffLat && r.pickupLon === r.dropoffLon) {
      rejected[RejectReason.samePickupDropoff]++;
      return;
    }
    const t: PlacedTrip = {
      id: r.id,
      requestS,
      pickupNode,
      dropoffNode,
      pickupLat: r.pickupLat,
      pickupLon: r.pickupLon,
      dropoffLat: r.dropoffLat,
      dropoffLon: r.dropoffLon,
      riders: r.riders,
      acceptsSharing,
    };
    if (r.observedDurationS !== undefined) t.observedDurationS = r.observedDurationS;
    if (r.sourceVehicleId !== undefined && r.sourceVehicleId !== '') t.sourceVehicleId = r.sourceVehicleId;
    trips.push(t);
  };

  // With a date, the day start is known at the first row of that day, so every check runs while streaming and only
  // kept trips are held. NOTE: without a date the day start is the earliest request's local midnight, which is known
  // only at the end: the records passing date/box checks are held until then (memory grows with the file).
  let dayStartEpochS = wantedDay === undefined ? undefined : NaN;
  const candidates: TripRecord[] = [];
  for await (const row of file.rows) {
    read++;
    if (read % PROGRESS_EVERY_ROWS === 0) progress(false);
    if (row.kind === 'reject') {
      rejected[row.reason]++;
      continue;
    }
    const r = row.trip;
    if (wantedDay !== undefined && localDay(r) !== wantedDay) rejected[RejectReason.outsideDate]++;
    else if (!inBox(r.pickupLat, r.pickupLon) || !inBox(r.dropoffLat, r.dropoffLon)) rejected[RejectReason.outsideBbox]++;
    else if (dayStartEpochS === undefined) candidates.push(r);
    else {
      if (Number.isNaN(dayStartEpochS)) dayStartEpochS = localMidnightEpochS(wantedDay ?? 0, r, file.zone);
      place(r, dayStartEpochS);
    }
  }
  progress(true);

  if (dayStartEpochS === undefined) {
    let earliest: TripRecord | undefined;
    for (const r of candidates) if (earliest === undefined || r.requestEpochS < earliest.requestEpochS) earliest = r;
    dayStartEpochS = localMidnightEpochS(earliest === undefined ? 0 : localDay(earliest), earliest, file.zone);
    for (const r of candidates) place(r, dayStartEpochS);
  } else if (Number.isNaN(dayStartEpochS)) {
    // A date with no usable row on it: midnight in the format's time zone.
    dayStartEpochS = localMidnightEpochS(wantedDay ?? 0, undefined, file.zone);
  }
  trips.sort((a, b) => a.requestS - b.requestS || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { trips, rejected, read, dayStartEpochS };
}
