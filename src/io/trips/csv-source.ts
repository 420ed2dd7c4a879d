// Opens a trip CSV (plain or gzip) for streaming: its header, the data rows, and bytes read for progress bars.
import { statSync } from 'node:fs';
import { csvRows, InputFileError, isGzip, peekFile } from '../file-input.js';

/** A CSV file opened for streaming: its trimmed header and an async iterator over the data rows (fields as strings). */
export interface CsvSource {
  /** Header names exactly as in the file, trimmed of surrounding spaces. */
  header: string[];
  /** Data rows after the header; empty lines are skipped. */
  rows: AsyncIterable<string[]>;
  /** Size of the file on disk, bytes (compressed size for gzip). */
  totalBytes: number;
  /** Bytes of the file read so far (compressed bytes for gzip); for progress bars. */
  bytesRead(): number;
  /** Whether the file was gzip-compressed. */
  gzip: boolean;
}

/**
 * Opens a CSV file for streaming. Throws an InputFileError naming the file when it is missing, empty, not a regular
 * file, or has no header line.
 *
 * @example
 * const src = await openCsv('../shared/data/austin/austin_rideaustin_trips_2017-03-15.csv.gz');
 * for await (const row of src.rows) console.log(row[0]);
 */
export async function openCsv(path: string): Promise<CsvSource> {
  const gzip = isGzip(peekFile(path, 2));
  let bytes = 0;
  const rows = csvRows(path, { relax_quotes: true }, (n) => (bytes += n));
  const first = await rows.next();
  if (first.done) throw new InputFileError(path, 'no header line');
  return {
    header: first.value.map((h) => h.trim()),
    rows: { [Symbol.asyncIterator]: () => rows },
    totalBytes: statSync(path).size,
    bytesRead: () => bytes,
    gzip,
  };
}
