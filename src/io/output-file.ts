// Output files the user names (`--json`, `--events`, `--report`, `-o`): checked before any work starts (the folder
// exists, the path is not a folder, not an input, writable), then written with errors that name the user's file and
// say what to do, never a temporary file's name or a system message.
import { accessSync, constants, realpathSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeFileError } from './file-input.js';

/** A problem with an output file; the message names the option and the file, then the problem. */
export class OutputFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly option?: string,
    options?: { cause?: unknown },
  ) {
    super(`${option ? `${option} ` : ''}${file}: ${problem}`, options);
    this.name = 'OutputFileError';
  }
}

/** An output the command will write: the option that named it and the path. */
export interface OutputTarget {
  option: string;
  file: string;
}

/** An input the command reads: the option that named it (or a label such as "network input") and the path. */
export interface InputSource {
  option: string;
  file: string;
}

/** The same file, whichever way it is named: by device and inode where it exists, else by resolved path. */
function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    const real = (p: string) => {
      try {
        return realpathSync(p);
      } catch {
        return resolve(p);
      }
    };
    return real(a) === real(b);
  }
}

/**
 * Checks every output before any work starts, so that a long run does not end in an error it could have given at
 * once: the output's folder exists and may be written, the output is not a folder, not one of the inputs (it would be
 * overwritten) and not another output. Devices such as /dev/null or /dev/stdout pass.
 *
 * @example checkOutputs([{ option: '--json', file: 'out/kpis.json' }], [{ option: '--trips', file: 'trips.csv' }])
 */
export function checkOutputs(outputs: readonly (OutputTarget | undefined)[], inputs: readonly (InputSource | undefined)[] = []): void {
  const given = outputs.filter((o): o is OutputTarget => o !== undefined && o.file !== undefined);
  for (const [i, out] of given.entries()) {
    const { option, file } = out;
    if (file === '') throw new OutputFileError(file, 'an empty path; give a file name', option);
    for (const input of inputs) {
      if (input && sameFile(file, input.file)) {
        throw new OutputFileError(file, `is also an input (${input.option}); writing it would destroy that input: choose another output path`, option);
      }
    }
    for (const other of given.slice(0, i)) {
      if (sameFile(file, other.file)) throw new OutputFileError(file, `is also the output of ${other.option}; give each output its own path`, option);
    }
    checkWritable(file, option);
  }
}

/** The output path can be written: an existing file or device that may be written, or a new name in a writable folder. */
function checkWritable(file: string, option: string): void {
  let exists = true;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new OutputFileError(file, 'is a folder; give a file path inside it', option);
  } catch (err) {
    if (err instanceof OutputFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new OutputFileError(file, describeFileError(err, 'write'), option, { cause: err });
    exists = false;
  }
  if (exists) {
    try {
      accessSync(file, constants.W_OK);
    } catch (err) {
      throw new OutputFileError(file, describeFileError(err, 'write'), option, { cause: err });
    }
    return;
  }
  const folder = dirname(resolve(file));
  try {
    const st = statSync(folder);
    if (!st.isDirectory()) throw new OutputFileError(file, `${dirname(file)} is a file, not a folder`, option);
  } catch (err) {
    if (err instanceof OutputFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new OutputFileError(file, `the folder ${dirname(file)} does not exist: create it first (mkdir -p ${dirname(file)}) or choose another path`, option);
    throw new OutputFileError(file, describeFileError(err, 'write'), option, { cause: err });
  }
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === 'EACCES' || code === 'EPERM'
      ? `permission denied: this user may not create files in the folder ${dirname(file)} (choose another path, or check the folder's permissions)`
      : describeFileError(err, 'write');
    throw new OutputFileError(file, problem, option, { cause: err });
  }
}

/**
 * Checks a folder the command will create files in (created with its parents when missing): it is not a file, and
 * this user may write in it, or in the nearest folder above it that exists.
 *
 * @example checkOutputFolder('--data-dir', './baton-data')
 */
export function checkOutputFolder(option: string, folder: string): void {
  let at = resolve(folder);
  for (;;) {
    let st;
    try {
      st = statSync(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && dirname(at) !== at) {
        at = dirname(at);
        continue;
      }
      throw new OutputFileError(folder, describeFileError(err, 'write'), option, { cause: err });
    }
    if (!st.isDirectory()) throw new OutputFileError(folder, at === resolve(folder) ? 'is a file, not a folder; give a folder' : `${at} is a file, not a folder`, option);
    try {
      accessSync(at, constants.W_OK | constants.X_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const problem = code === 'EACCES' || code === 'EPERM' ? `permission denied: this user may not create files in ${at} (choose another folder, or check its permissions)` : describeFileError(err, 'write');
      throw new OutputFileError(folder, problem, option, { cause: err });
    }
    return;
  }
}

/**
 * An error met while writing `file` (by any call, on any path such as a temporary file beside it) as an
 * OutputFileError that names the user's file. A regular file left incomplete (disk full) is removed, and the message
 * says so.
 */
export function asOutputError(file: string, err: unknown, option?: string): OutputFileError {
  if (err instanceof OutputFileError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  let problem = describeFileError(err, 'write');
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EIO') {
    try {
      if (statSync(file).isFile()) {
        unlinkSync(file);
        problem += '; the incomplete file was removed';
      }
    } catch {
      // Nothing there, or it cannot be removed: the message stands as it is.
    }
  }
  return new OutputFileError(file, problem, option, { cause: err });
}

/**
 * Runs a write done by a module that does not know the option (saving a network, a speed profile) so that its
 * OutputFileError names the option too.
 */
export function writingFor<T>(option: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    if (err instanceof OutputFileError && err.option === undefined) throw new OutputFileError(err.file, err.problem, option, { cause: err.cause });
    throw err;
  }
}

/** Writes a whole output file; errors name the option and the file in plain words. */
export function writeOutputFile(file: string, data: string | Uint8Array, option?: string): void {
  try {
    writeFileSync(file, data);
  } catch (err) {
    throw asOutputError(file, err, option);
  }
}
