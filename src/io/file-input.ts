// Opening input files for streaming: existence and emptiness checks with clear messages, and transparent gunzip
// detected by the gzip magic bytes (not by the file name).
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { parse, type Options as CsvOptions } from 'csv-parse';

/** A problem with an input file; the message always names the file. */
export class InputFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${problem}`, options);
    this.name = 'InputFileError';
  }
}

/** Reads the first `n` bytes of a file, after checking it exists, is a regular file and is not empty. */
export function peekFile(file: string, n = 16): Buffer {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new InputFileError(file, 'is not a regular file');
    size = st.size;
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputFileError(file, code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(err)})`);
  }
  if (size === 0) throw new InputFileError(file, 'file is empty');
  const buf = Buffer.alloc(Math.min(n, size));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  return buf;
}

/** True if the bytes start with the gzip magic number 1f 8b. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * A byte stream of the file's content, gunzipped if the file is gzip. Read errors surface on the returned stream;
 * wrap them with `asInputError(file, err)` where they are caught so the message names the file.
 */
export function openInput(file: string, onBytes?: (bytes: number) => void): Readable {
  const head = peekFile(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (onBytes) raw.on('data', (chunk) => onBytes(chunk.length));
  if (!isGzip(head)) return raw;
  const gunzip = createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

/** Wraps any error met while reading `file` so that its message names the file (InputFileErrors pass through). */
export function asInputError(file: string, err: unknown): InputFileError {
  if (err instanceof InputFileError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') return new InputFileError(file, `corrupt gzip data (${msg})`);
  return new InputFileError(file, msg);
}

/**
 * Streams CSV rows (arrays of strings) from a plain or gzip file with the maintained csv-parse library. Errors from
 * reading, gunzip or parsing all surface here, wrapped so that they name the file.
 */
export async function* csvRows(file: string, options: CsvOptions = {}, onBytes?: (bytes: number) => void): AsyncGenerator<string[]> {
  const input = openInput(file, onBytes);
  const parser = parse({ relax_column_count: true, skip_empty_lines: true, bom: true, ...options });
  // pipe() does not forward errors: a corrupt gzip must end the parse, not hang it.
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  try {
    for await (const row of parser) yield row as string[];
  } catch (err) {
    throw asInputError(file, err);
  } finally {
    input.destroy();
  }
}
