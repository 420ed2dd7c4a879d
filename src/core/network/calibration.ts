// Calibration: fits the 24 hourly speed factors from observed trip durations against modelled free-flow times, and
// measures how well any speed profile matches observed trips (before/after tables, held-out days).
import type { SpeedProfile } from './travel-times.js';

/**
 * One observed trip set against the model. `hour` is the local hour of the trip start (the pickup, 0–23);
 * `observedS` the observed pickup→drop-off duration; `modelledS` the free-flow time of the fastest route between the
 * snapped pickup and drop-off nodes (factor 1).
 *
 * NOTE on what "observed" means (SF Cabspotting): the duration runs from the first to the last occupied GPS fix. The
 * cabs report about once a minute, so the true pickup lies up to a minute before the first fix and the true drop-off
 * up to a minute after the last one: the observed time is about 1 min shorter than the meter time on average, with
 * ±1 min of noise. We use it unchanged, with no correction: the meter period holds stopped and access time the
 * free-flow route lacks (pulling out, finding the door, the gap between the GPS point and its snapped node) and the
 * two effects partly cancel; the simulator adds its own dwell at both ends. The median of ratios ignores the
 * symmetric part of the noise, and trips whose free-flow time is under a minute (`minModelledS`) are dropped because
 * there the fix timing alone can double the ratio.
 * Measured on SF (2008-05-18..20): observed ≈ 80 s + f × free-flow, so one multiplicative factor per hour overstates
 * long trips and understates short ones; the median ratio is right for the hour's typical trip (4–6 min free flow).
 */
export interface CalibrationSample {
  hour: number;
  observedS: number;
  modelledS: number;
}

/** How samples are screened and sparse hours are filled. */
export interface CalibrationOptions {
  /** Samples with a free-flow time below this (s) are dropped: GPS fix timing (±1 min) would dominate their ratio. */
  minModelledS: number;
  /** Samples whose observed/free-flow ratio lies outside [minRatio, maxRatio] are dropped as GPS or data outliers. */
  minRatio: number;
  maxRatio: number;
  /** An hour with fewer usable samples than this borrows from its neighbours or the whole day. */
  minSamplesPerHour: number;
  /** How many hours on each side a sparse hour may pool with before falling back to the all-day median. */
  maxBorrowHours: number;
  /** Round fitted factors to this many decimals (undefined: keep full precision). "After" ratios use the rounded ones. */
  decimals?: number;
}

export const DEFAULT_CALIBRATION: CalibrationOptions = {
  minModelledS: 60,
  minRatio: 0.5,
  maxRatio: 5,
  minSamplesPerHour: 30,
  maxBorrowHours: 2,
};

/** Why a sample was not used; every sample lands in exactly one bucket (`usable` or one reason). */
export interface SampleScreening {
  total: number;
  usable: number;
  /** Free-flow time not finite (no route) or observed duration not a positive finite number. */
  invalid: number;
  /** Free-flow time below `minModelledS`. */
  shortModelled: number;
  /** observed/free-flow ratio outside [minRatio, maxRatio]. */
  ratioOutOfRange: number;
}

/** Median observed/modelled ratio of one hour under some profile (null where the hour has no usable sample). */
export interface HourRatio {
  hour: number;
  samples: number;
  /** Median of observed / (free-flow × the profile's factor for the hour). */
  medianRatio: number | null;
}

/** Ratios of a sample set under one profile: per hour and over the whole day. */
export interface RatioTable {
  hours: HourRatio[];
  allDay: { samples: number; medianRatio: number | null };
  screening: SampleScreening;
}

/** Where a fitted factor came from: the hour's own samples, a window of neighbouring hours, or the whole day. */
export const FactorSource = { hour: 'hour', neighbours: 'neighbours', allDay: 'all-day' } as const;
export type FactorSource = (typeof FactorSource)[keyof typeof FactorSource];

/** One row of the fit: the factor, where it came from, and the hour's ratio before (free flow) and after the fit. */
export interface HourFit {
  hour: number;
  /** Usable samples in this hour. */
  samples: number;
  factor: number;
  source: FactorSource;
  /** The hours whose samples were pooled (just `[hour]` for source "hour", empty for "all-day"). */
  pooledHours: number[];
  /** Samples behind the factor (the hour's own, the pooled window's, or the whole day's). */
  factorSamples: number;
  /** Median observed/free-flow ratio of this hour's samples (factor 1); null without samples. */
  ratioBefore: number | null;
  /** Median observed/(free-flow × factor) of this hour's samples; null without samples. */
  ratioAfter: number | null;
}

export interface CalibrationResult {
  profile: SpeedProfile;
  hours: HourFit[];
  allDay: { samples: number; ratioBefore: number | null; ratioAfter: number | null };
  screening: SampleScreening;
}

/** Median of a list (mean of the middle two for even length); sorts `xs` in place. NaN for an empty list. */
function medianInPlace(xs: number[]): number {
  if (xs.length === 0) return NaN;
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

function checkHour(s: CalibrationSample, i: number): void {
  if (!Number.isInteger(s.hour) || s.hour < 0 || s.hour > 23) throw new Error(`calibration sample ${i}: hour ${s.hour} is not an integer 0–23`);
}

/**
 * Screens samples and groups the usable ones' free-flow ratios (observed/modelled) by hour. Screening uses the
 * free-flow ratio only, so every profile is judged on the same samples.
 */
function screen(samples: readonly CalibrationSample[], opts: CalibrationOptions): { ratiosByHour: number[][]; screening: SampleScreening } {
  const ratiosByHour: number[][] = Array.from({ length: 24 }, () => []);
  const screening: SampleScreening = { total: samples.length, usable: 0, invalid: 0, shortModelled: 0, ratioOutOfRange: 0 };
  samples.forEach((s, i) => {
    checkHour(s, i);
    if (!Number.isFinite(s.modelledS) || !(s.observedS > 0) || !Number.isFinite(s.observedS)) {
      screening.invalid++;
      return;
    }
    if (s.modelledS < opts.minModelledS) {
      screening.shortModelled++;
      return;
    }
    const ratio = s.observedS / s.modelledS;
    if (ratio < opts.minRatio || ratio > opts.maxRatio) {
      screening.ratioOutOfRange++;
      return;
    }
    screening.usable++;
    ratiosByHour[s.hour].push(ratio);
  });
  return { ratiosByHour, screening };
}

function resolveOptions(opts: Partial<CalibrationOptions>): CalibrationOptions {
  const o = { ...DEFAULT_CALIBRATION, ...opts };
  if (!(o.minRatio > 0 && o.maxRatio > o.minRatio)) throw new Error(`calibration: need 0 < minRatio < maxRatio, got [${o.minRatio}, ${o.maxRatio}]`);
  if (!(o.minSamplesPerHour >= 1)) throw new Error(`calibration: minSamplesPerHour must be ≥ 1, got ${o.minSamplesPerHour}`);
  if (!(Number.isInteger(o.maxBorrowHours) && o.maxBorrowHours >= 0 && o.maxBorrowHours <= 12)) {
    throw new Error(`calibration: maxBorrowHours must be an integer 0–12, got ${o.maxBorrowHours}`);
  }
  return o;
}

/** Per-hour and all-day medians of free-flow ratios divided by the profile's factors. */
function ratiosUnder(ratiosByHour: readonly number[][], factors: readonly number[]): { hours: HourRatio[]; allDay: { samples: number; medianRatio: number | null } } {
  const all: number[] = [];
  const hours = ratiosByHour.map((rs, hour) => {
    const scaled = rs.map((r) => r / factors[hour]);
    for (const r of scaled) all.push(r);
    return { hour, samples: rs.length, medianRatio: orNull(medianInPlace(scaled)) };
  });
  return { hours, allDay: { samples: all.length, medianRatio: orNull(medianInPlace(all)) } };
}

/**
 * How well a speed profile matches observed trips: per hour and over the day, the median of
 * observed / (free-flow × factor), over the samples that pass screening. 1 = the model is right on the median.
 * Use it for before/after tables and to test fitted factors on held-out days.
 *
 * @example
 * ratioTable(samples, FREE_FLOW).allDay.medianRatio; // e.g. 1.4: trips take 40 % longer than free flow
 */
export function ratioTable(samples: readonly CalibrationSample[], profile: SpeedProfile, opts: Partial<CalibrationOptions> = {}): RatioTable {
  const o = resolveOptions(opts);
  const { ratiosByHour, screening } = screen(samples, o);
  return { ...ratiosUnder(ratiosByHour, profile.hourlyFactors), screening };
}

/**
 * Fits 24 hourly speed factors: for each hour, the median observed/free-flow ratio of its usable samples. The median
 * (not the mean) keeps the fit robust to the detours, waits and GPS glitches that the screening lets through. An
 * hour with fewer than `minSamplesPerHour` samples pools the hours within ±1, ±2 … ±`maxBorrowHours` around it
 * (wrapping past midnight) until the window has enough; failing that it takes the all-day median.
 * Throws if no sample is usable.
 *
 * @example
 * const fit = fitSpeedProfile([{ hour: 8, observedS: 900, modelledS: 600 }, …]);
 * fit.profile.hourlyFactors[8]; // 1.5
 */
export function fitSpeedProfile(samples: readonly CalibrationSample[], opts: Partial<CalibrationOptions> = {}): CalibrationResult {
  const o = resolveOptions(opts);
  const { ratiosByHour, screening } = screen(samples, o);
  if (screening.usable === 0) {
    throw new Error(
      `calibration: no usable sample among ${screening.total} (${screening.invalid} invalid, ${screening.shortModelled} with free-flow time < ${o.minModelledS} s, ${screening.ratioOutOfRange} with ratio outside [${o.minRatio}, ${o.maxRatio}])`,
    );
  }
  const allDayMedian = medianInPlace(ratiosByHour.flat());
  const round = (x: number) => (o.decimals === undefined ? x : Number(x.toFixed(o.decimals)));

  const fits = ratiosByHour.map((own, hour) => {
    if (own.length >= o.minSamplesPerHour) {
      return { factor: round(medianInPlace([...own])), source: FactorSource.hour, pooledHours: [hour], factorSamples: own.length };
    }
    for (let radius = 1; radius <= o.maxBorrowHours; radius++) {
      const pooledHours: number[] = [];
      for (let d = -radius; d <= radius; d++) pooledHours.push((hour + d + 24) % 24);
      const pool = pooledHours.flatMap((h) => ratiosByHour[h]);
      if (pool.length >= o.minSamplesPerHour) {
        return { factor: round(medianInPlace(pool)), source: FactorSource.neighbours, pooledHours, factorSamples: pool.length };
      }
    }
    return { factor: round(allDayMedian), source: FactorSource.allDay, pooledHours: [], factorSamples: screening.usable };
  });

  const hourlyFactors = fits.map((f) => f.factor);
  const before = ratiosUnder(ratiosByHour, new Array(24).fill(1));
  const after = ratiosUnder(ratiosByHour, hourlyFactors);
  return {
    profile: { hourlyFactors },
    hours: fits.map((f, hour) => ({
      hour,
      samples: ratiosByHour[hour].length,
      ...f,
      ratioBefore: before.hours[hour].medianRatio,
      ratioAfter: after.hours[hour].medianRatio,
    })),
    allDay: { samples: screening.usable, ratioBefore: before.allDay.medianRatio, ratioAfter: after.allDay.medianRatio },
    screening,
  };
}

/** Anything that gives free-flow times between node pairs in integer milliseconds (ChTravelTimes, Dijkstra). */
export interface FreeFlowTimes {
  timeMs(from: number, to: number): number;
}

/**
 * Free-flow seconds for each (from[i], to[i]) pair, Infinity where unreachable. Repeated pairs (cab ranks, the
 * airport) are queried once.
 * NOTE: point queries, not the bucket many-to-many: trip pairs share few endpoints, and on SF (20k trips of one day)
 * blocks of 16–256 trips through manyToMany were no faster than one CH point query per pair (~60 µs each).
 */
export function freeFlowPairTimesS(tt: FreeFlowTimes, from: ArrayLike<number>, to: ArrayLike<number>): Float64Array {
  if (from.length !== to.length) throw new Error(`freeFlowPairTimesS: ${from.length} origins but ${to.length} destinations`);
  const out = new Float64Array(from.length);
  const seen = new Map<number, number>();
  // pair key = from * 2^26 + to is an exact double while both indices are below 2^26 (67M nodes); bigger ones skip the cache.
  const KEY = 2 ** 26;
  for (let i = 0; i < from.length; i++) {
    const key = from[i] < KEY && to[i] < KEY ? from[i] * KEY + to[i] : -1;
    let s = key < 0 ? undefined : seen.get(key);
    if (s === undefined) {
      s = tt.timeMs(from[i], to[i]) / 1000;
      if (key >= 0) seen.set(key, s);
    }
    out[i] = s;
  }
  return out;
}
