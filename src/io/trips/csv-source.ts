// Streams the rows of a CSV file (plain or gzip, detected by magic bytes) with csv-parse, reporting bytes read.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';

/** First two bytes of every gzip member (RFC 1952). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

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

/** True when the file starts with the gzip magic bytes, whatever its name. */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === GZIP_MAGIC[0] && buf[1] === GZIP_MAGIC[1];
  } finally {
    await fh.close();
  }
}

/**
 * Opens a CSV file for streaming. Throws an error naming the file when it is missing, is not a regular file, or has
 * no header line.
 *
 * @example
 * const src = await openCsv('../shared/data/austin/austin_rideaustin_trips_2017-03-15.csv.gz');
 * for await (const row of src.rows) console.log(row[0]);
 */
export async function openCsv(path: string): Promise<CsvSource> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error(`trip file is not a regular file: ${path}`);
    size = st.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`trip file not found: ${path}`);
    throw err;
  }
  const gzip = size >= 2 && (await isGzipFile(path));
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  file.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
  });
  const decoded: Readable = gzip ? file.pipe(createGunzip()) : file;
  // Errors of the file or gunzip streams must reach the parser, which the caller iterates.
  const fail = (err: Error) => parser.destroy(new Error(`cannot read trip file ${path}: ${err.message}`));
  file.on('error', fail);
  if (gzip) decoded.on('error', fail);
  decoded.pipe(parser);

  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const first = await iterator.next().catch((err: Error) => {
    throw new Error(`cannot read trip file ${path}: ${err.message}`);
  });
  if (first.done) {
    throw new Error(`trip file has no header line: ${path}`);
  }
  const header = first.value.map((h) => h.trim());
  const rows: AsyncIterable<string[]> = {
    [Symbol.asyncIterator]: () => ({
      next: () =>
        iterator.next().catch((err: Error) => {
          throw err.message.includes(path) ? err : new Error(`cannot parse trip file ${path}: ${err.message}`);
        }),
      return: async () => {
        parser.destroy();
        file.destroy();
        return { done: true, value: undefined };
      },
    }),
  };
  return { header, rows, totalBytes: size, bytesRead: () => bytes, gzip };
}
