// Reads and writes hourly speed factors as JSON (`baton calibrate --out`, `baton simulate --speed-factors`).
import { readFileSync } from 'node:fs';
import { writeOutputFile } from './output-file.js';
import { validateSpeedProfile, type SpeedProfile } from '../core/network/travel-times.js';
import { InputFileError, peekFile } from './file-input.js';

/** What the factors were fitted on, kept beside them so a factors file explains itself. */
export interface FittedOn {
  tripsFile: string;
  format: string;
  /** Local dates (YYYY-MM-DD) whose trips were used; empty: the whole file. */
  dates: string[];
  /** Usable samples behind the fit. */
  samples: number;
  /** The network the free-flow times came from. */
  network?: string[];
}

/** The JSON file: `{"hourlyFactors": [24 numbers], "fittedOn": {…}}`; only hourlyFactors is required. */
export interface SpeedProfileFile {
  hourlyFactors: number[];
  fittedOn?: FittedOn;
}

/**
 * Loads a speed profile from a JSON file holding `{"hourlyFactors": [24 numbers > 0], …}` (other fields ignored).
 * Throws an InputFileError naming the file and the bad field or hour.
 *
 * @example
 * const profile = loadSpeedProfile('sf-factors.json'); // profile.hourlyFactors[8] === 1.62
 */
export function loadSpeedProfile(file: string): SpeedProfile {
  peekFile(file); // existence, regular file, not empty: one message shape for every input file
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputFileError(file, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputFileError(file, 'expected a JSON object with "hourlyFactors": [24 numbers]');
  }
  const factors = (parsed as { hourlyFactors?: unknown }).hourlyFactors;
  if (!Array.isArray(factors)) throw new InputFileError(file, `"hourlyFactors" is ${factors === undefined ? 'missing' : JSON.stringify(factors)}; expected an array of 24 numbers`);
  const bad = factors.findIndex((f) => typeof f !== 'number');
  if (bad >= 0) throw new InputFileError(file, `"hourlyFactors"[${bad}] is ${JSON.stringify(factors[bad])}; expected a number > 0`);
  try {
    return validateSpeedProfile({ hourlyFactors: factors as number[] });
  } catch (err) {
    throw new InputFileError(file, (err as Error).message);
  }
}

/** Writes a speed profile (and what it was fitted on) as pretty JSON that loadSpeedProfile reads back. */
export function saveSpeedProfile(file: string, profile: SpeedProfile, fittedOn?: FittedOn): void {
  const body: SpeedProfileFile = { hourlyFactors: [...validateSpeedProfile(profile).hourlyFactors], ...(fittedOn ? { fittedOn } : {}) };
  writeOutputFile(file, `${JSON.stringify(body, null, 2)}\n`);
}
