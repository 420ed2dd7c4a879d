// Parsing and checking command-line values (coordinates, times, speed tables), with errors that name the option.
import { readFileSync } from 'node:fs';
import { isValidLatLon } from '../core/geo.js';
import { describeFileError } from '../io/file-input.js';

/** A user error: printed as `baton: message` without a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses "LAT,LON" (degrees). */
export function parseLatLon(option: string, value: string): { lat: number; lon: number } {
  const parts = value.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 2 || !isValidLatLon(parts[0], parts[1])) {
    throw new UsageError(`${option} "${value}": expected LAT,LON in degrees, e.g. 37.7955,-122.3937`);
  }
  return { lat: parts[0], lon: parts[1] };
}

/** Parses "HH:MM" or seconds after midnight into seconds. */
export function parseClockS(option: string, value: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value);
  const s = m ? Number(m[1]) * 3600 + Number(m[2]) * 60 : Number(value);
  if (!Number.isFinite(s) || s < 0 || (m && (Number(m[1]) > 23 || Number(m[2]) > 59))) throw new UsageError(`${option} "${value}": expected HH:MM or seconds after midnight`);
  return s;
}

/** Parses a positive integer option. */
export function parsePositiveInt(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${option} "${value}": expected a positive integer`);
  return n;
}

/** Reads a speed table: inline JSON (`{"residential":25}`) or a JSON file path. Values are km/h. */
export function parseSpeeds(option: string, value: string): Record<string, number> {
  let text = value;
  if (!value.trim().startsWith('{')) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UsageError(`${option} "${value}": neither inline JSON (e.g. {"residential":25}) nor an existing file`);
      throw new UsageError(`${option} ${value}: ${describeFileError(err, 'read')}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${option}: invalid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${option}: expected a JSON object of class → km/h`);
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'number' || !(v > 0)) throw new UsageError(`${option}: speed for "${k}" is ${JSON.stringify(v)}; expected a number > 0 (km/h)`);
  }
  return parsed as Record<string, number>;
}
