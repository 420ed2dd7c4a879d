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
  /** Operating area: trips whose pickup or drop-off lies outside are rejected as outside_service_area. */
  serviceArea?: { contains(lat: number, lon: number): boolean };
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
 * bad_riders → times_out_of_order → non_positive_duration (format level) → outside_date → outside_bbox → outside_time_window →
 * outside_service_area → pickup_off_network →
 * dropoff_off_network → same_pickup_dropoff (same snapped node; same coordinates when no snapper is given).
 * Without a snapper, pickupNode and dropoffNode are -1 (network-free travel models).
 *
 * @example
 * const { trips, rejected, dayStartEpochS } = await loadTrips('../shared/data/austin/austin_rideaustin_trips_2017-03-15.csv.gz',
 *   { format: 'rideaustin', date: '2017-03-15', window: parseTimeWindow('07:00-10:00') });
 */
export async function loadTrips(path: string, opts: LoadTripsOptions): Promise<LoadedTrips> {
  if (opts.date !== undefined) {
    const byDay = await loadTripDays(path, { ...opts, dates: [opts.date] });
    return byDay.get(opts.date)!;
  }
  return readAndPlace(path, opts, undefined).then((days) => days.get(UNDATED)!);
}

/**
 * Like loadTrips, for several local dates in one pass over the file (history days for forecasts, calibration over a
 * date range). Each day gets its own clock (requestS from its local midnight) and its own reject counts, as if it had
 * been loaded alone: rows of the other days count as outside_date there.
 *
 * @example const days = await loadTripDays(file, { format: 'sf-cabspotting', dates: ['2008-05-19', '2008-05-20'] });
 */
export async function loadTripDays(
  path: string,
  opts: Omit<LoadTripsOptions, 'date'> & { dates: readonly string[] },
): Promise<Map<string, LoadedTrips>> {
  if (opts.dates.length === 0) throw new Error('loadTripDays: no dates given');
  return readAndPlace(path, opts, opts.dates);
}

const UNDATED = '';

/** Reasons decided per row before its day is known: loadTripDays reports them in every day's counts. */
export const FILE_LEVEL_REASONS: readonly RejectReason[] = [
  RejectReason.unparseable,
  RejectReason.badCoordinates,
  RejectReason.badRiders,
  RejectReason.timesOutOfOrder,
  RejectReason.nonPositiveDuration,
];

/** One day being collected: its trips, its own reject counts, its clock. */
interface DayBucket {
  date: string;
  trips: PlacedTrip[];
  rejected: Record<RejectReason, number>;
  /** Rows that fell on this day (before the box, window and network checks). */
  rows: number;
  /** Local midnight; NaN until the day's first row fixes it. */
  dayStartEpochS: number;
}

/** The one pass over a trip file behind loadTrips and loadTripDays (`dates` undefined: the earliest request's day). */
async function readAndPlace(path: string, opts: Omit<LoadTripsOptions, 'date'>, dates: readonly string[] | undefined): Promise<Map<string, LoadedTrips>> {
  const buckets = new Map<number, DayBucket>();
  for (const date of dates ?? []) {
    const day = parseLocalDate(date) / DAY_S;
    buckets.set(day, { date, trips: [], rejected: emptyRejectCounts(), rows: 0, dayStartEpochS: NaN });
  }
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
  /** Rows rejected before any day is known (format level) and rows on no wanted day: shared by every day. */
  const shared = emptyRejectCounts();
  let read = 0;
  const progress = (done: boolean) =>
    opts.onProgress?.({ rowsRead: read, bytesRead: file.source.bytesRead(), totalBytes: file.source.totalBytes, done });

  const acceptsSharing = opts.acceptsSharing ?? false;
  /** Window, snapping and same-endpoint checks; keeps the trip in its day when it passes. */
  const place = (r: TripRecord, b: DayBucket) => {
    const requestS = r.requestEpochS - b.dayStartEpochS;
    if (opts.window && (requestS < opts.window.fromS || requestS >= opts.window.toS)) {
      b.rejected[RejectReason.outsideTimeWindow]++;
      return;
    }
    if (opts.serviceArea && !(opts.serviceArea.contains(r.pickupLat, r.pickupLon) && opts.serviceArea.contains(r.dropoffLat, r.dropoffLon))) {
      b.rejected[RejectReason.outsideServiceArea]++;
      return;
    }
    let pickupNode = -1;
    let dropoffNode = -1;
    if (opts.snapper) {
      const p = opts.snapper.snap(r.pickupLat, r.pickupLon);
      if (p === null) {
        b.rejected[RejectReason.pickupOffNetwork]++;
        return;
      }
      const d = opts.snapper.snap(r.dropoffLat, r.dropoffLon);
      if (d === null) {
        b.rejected[RejectReason.dropoffOffNetwork]++;
        return;
      }
      pickupNode = p.node;
      dropoffNode = d.node;
      if (pickupNode === dropoffNode) {
        b.rejected[RejectReason.samePickupDropoff]++;
        return;
      }
    } else if (r.pickupLat === r.dropoffLat && r.pickupLon === r.dropoffLon) {
      b.rejected[RejectReason.samePickupDropoff]++;
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
    b.trips.push(t);
  };

  // With dates, a day's start is known at its first row, so every check runs while streaming and only kept trips are
  // held. NOTE: without a date the day start is the earliest request's local midnight, known only at the end: the
  // records passing the box check are held until then (memory grows with the file).
  const candidates: TripRecord[] = [];
  for await (const row of file.rows) {
    read++;
    if (read % PROGRESS_EVERY_ROWS === 0) progress(false);
    if (row.kind === 'reject') {
      shared[row.reason]++;
      continue;
    }
    const r = row.trip;
    if (dates === undefined) {
      if (!inBox(r.pickupLat, r.pickupLon) || !inBox(r.dropoffLat, r.dropoffLon)) shared[RejectReason.outsideBbox]++;
      else candidates.push(r);
      continue;
    }
    const b = buckets.get(localDay(r));
    if (b === undefined) {
      shared[RejectReason.outsideDate]++;
      continue;
    }
    b.rows++;
    if (!inBox(r.pickupLat, r.pickupLon) || !inBox(r.dropoffLat, r.dropoffLon)) b.rejected[RejectReason.outsideBbox]++;
    else {
      if (Number.isNaN(b.dayStartEpochS)) b.dayStartEpochS = localMidnightEpochS(localDay(r), r, file.zone);
      place(r, b);
    }
  }
  progress(true);

  if (dates === undefined) {
    let earliest: TripRecord | undefined;
    for (const r of candidates) if (earliest === undefined || r.requestEpochS < earliest.requestEpochS) earliest = r;
    const day = earliest === undefined ? 0 : localDay(earliest);
    const b: DayBucket = { date: UNDATED, trips: [], rejected: emptyRejectCounts(), rows: candidates.length, dayStartEpochS: localMidnightEpochS(day, earliest, file.zone) };
    for (const r of candidates) place(r, b);
    buckets.set(day, b);
  }
  const out = new Map<string, LoadedTrips>();
  for (const [day, b] of buckets) {
    // A date with no usable row on it: midnight in the format's time zone.
    if (Number.isNaN(b.dayStartEpochS)) b.dayStartEpochS = localMidnightEpochS(day, undefined, file.zone);
    const rejected = emptyRejectCounts();
    for (const reason of Object.values(RejectReason)) rejected[reason] = shared[reason] + b.rejected[reason];
    // Rows of the other wanted days are outside this day's date.
    for (const other of buckets.values()) if (other !== b) rejected[RejectReason.outsideDate] += other.rows;
    b.trips.sort((x, y) => x.requestS - y.requestS || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    out.set(b.date, { trips: b.trips, rejected, read, dayStartEpochS: b.dayStartEpochS });
  }
  return out;
}
