// Opening input files for streaming: existence and emptiness checks with clear messages, and transparent gunzip
// detected by the gzip magic bytes (not by the file name).
import { createReadStream, openSync, readFileSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip, gunzipSync } from 'node:zlib';
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

/**
 * Plain words for an operating-system error met on a file the user named: what went wrong and what to do. Never
 * the system message itself, which names whatever path the call used (a temporary file, say) rather than the
 * user's.
 *
 * @example describeFileError({ code: 'EACCES' }, 'read') // 'permission denied: this user may not read it (…)'
 */
export function describeFileError(err: unknown, use: 'read' | 'write'): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return use === 'read' ? 'file not found' : 'its folder does not exist (create it first, or choose another path)';
    case 'EACCES':
    case 'EPERM':
      return use === 'read'
        ? 'permission denied: this user may not read it (check the permissions of the file and of its folders: ls -l)'
        : 'permission denied: this user may not write it (choose another path, or check the permissions of the file and its folder)';
    case 'EISDIR':
      return 'is a folder; give a file';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder (check the path)';
    case 'ENOSPC':
      return 'the disk is full (no space left on the device): free some space or choose another disk';
    case 'EDQUOT':
      return 'the disk quota is exceeded: free some space or choose another disk';
    case 'EROFS':
      return 'the file system is read-only: choose another path';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'ELOOP':
      return 'the path has a loop of symbolic links';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files (raise the limit, e.g. ulimit -n, and run again)';
    case 'EIO':
      return `input/output error from the device while trying to ${use} it (the disk or network share may be failing)`;
    case 'EBUSY':
    case 'ETXTBSY':
      return 'the file is busy (in use by another program)';
    default:
      return `cannot ${use} it (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
}

/** Reads the first `n` bytes of a file, after checking it exists, is a regular file and is not empty. */
export function peekFile(file: string, n = 16): Buffer {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new InputFileError(file, 'is a folder, not a regular file; give a file');
    if (!st.isFile()) throw new InputFileError(file, 'is not a regular file (a device, pipe or socket); give a file');
    size = st.size;
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    throw new InputFileError(file, describeFileError(err, 'read'), { cause: err });
  }
  if (size === 0) throw new InputFileError(file, 'file is empty');
  const buf = Buffer.alloc(Math.min(n, size));
  try {
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buf, 0, buf.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new InputFileError(file, describeFileError(err, 'read'), { cause: err });
  }
  return buf;
}

/** Reads a whole input file (after peekFile's checks); errors name the file in plain words. */
export function readInputFile(file: string): Buffer {
  peekFile(file, 1);
  try {
    return readFileSync(file);
  } catch (err) {
    throw new InputFileError(file, describeFileError(err, 'read'), { cause: err });
  }
}

/** Gunzips a small input file read whole; corrupt data is an InputFileError naming the file. */
export function gunzipInput(file: string, bytes: Buffer): Buffer {
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw asInputError(file, err);
  }
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
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return new InputFileError(file, describeFileError(err, 'read'), { cause: err });
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
