// Streams one trip file row by row through its format: each data row becomes a TripRecord or a reject reason.
import type { RejectReason, TripRecord } from '../../core/demand/trip.js';
import { openCsv, type CsvSource } from './csv-source.js';
import { tripFormat, type RowParser } from './formats/index.js';
import { ZoneOffsets } from './time-parse.js';

/** One data row of a trip file: a usable record, or the reason it is not. `rowNumber` counts data rows from 1. */
export type TripRow =
  | { kind: 'trip'; rowNumber: number; trip: TripRecord }
  | { kind: 'reject'; rowNumber: number; reason: RejectReason };

export interface ReadTripsOptions {
  /** Format name: `sf-cabspotting`, `rideaustin`, `nyc-tlc` or `baton`. */
  format: string;
  /** IANA zone for times written without an offset (the format's own default otherwise, e.g. New York for nyc-tlc). */
  timeZone?: string;
}

/** An opened trip file: its rows, plus what loaders need for progress and local days. */
export interface TripFile {
  rows: AsyncIterable<TripRow>;
  /** The time zone the format reads zone-less times in. */
  zone: ZoneOffsets;
  source: CsvSource;
}

/**
 * Opens a trip file and checks its header against the format, so that a missing file, an unknown format or missing
 * columns fail here with an error naming the file. Rows are parsed lazily as `rows` is iterated.
 */
export async function openTripFile(path: string, opts: ReadTripsOptions): Promise<TripFile> {
  const format = tripFormat(opts.format);
  const zone = new ZoneOffsets(opts.timeZone ?? format.defaultTimeZone);
  const source = await openCsv(path);
  let parseRow: RowParser;
  try {
    parseRow = format.bind(source.header, { path, zone });
  } catch (err) {
    await source.rows[Symbol.asyncIterator]().return?.();
    throw err;
  }
  async function* rows(): AsyncGenerator<TripRow> {
    let rowNumber = 0;
    for await (const fields of source.rows) {
      rowNumber++;
      const r = parseRow(fields, rowNumber);
      yield typeof r === 'string' ? { kind: 'reject', rowNumber, reason: r } : { kind: 'trip', rowNumber, trip: r };
    }
  }
  return { rows: rows(), zone, source };
}

/**
 * Streams the rows of a trip file (plain or gzip) as records or reject reasons, in file order, without filters.
 *
 * @example
 * for await (const row of readTrips('trips.csv.gz', { format: 'rideaustin' })) if (row.kind === 'trip') use(row.trip);
 */
export async function* readTrips(path: string, opts: ReadTripsOptions): AsyncGenerator<TripRow> {
  const file = await openTripFile(path, opts);
  yield* file.rows;
}
