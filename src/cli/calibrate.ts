// `baton calibrate`: fits hourly speed factors from observed trip durations and prints observed/modelled ratios per
// hour before and after, optionally on held-out days too.
import type { Command } from 'commander';
import { RoadSnapper } from '../core/network/snap.js';
import { FREE_FLOW, type SpeedProfile } from '../core/network/travel-times.js';
import { DEFAULT_CALIBRATION, fitSpeedProfile, freeFlowPairTimesS, ratioTable, type CalibrationResult, type CalibrationSample, type HourFit, type RatioTable } from '../core/network/calibration.js';
import type { RejectReason } from '../core/demand/trip.js';
import { emptyRejectCounts, FILE_LEVEL_REASONS, loadTripDays, loadTrips, parseLocalDate, type LoadProgress } from '../io/trips/index.js';
import { saveNetworkWithCh, type OpenedNetwork } from '../io/network-source.js';
import { checkOutputs, writingFor } from '../io/output-file.js';
import { saveSpeedProfile, type FittedOn } from '../io/speed-profile.js';
import { parsePositiveInt, UsageError } from './args.js';
import { openForCommand } from './network.js';
import { progressBar } from './progress.js';
import { emitJson, JSON_FLAGS, jsonFile, jsonHelp, jsonOnStdout, type JsonOption } from './json-option.js';

const DAY_S = 86_400;
const MAX_DAYS = 366;
/** Decimals kept in written factors: 0.1 % steps, far below the fit's own uncertainty. */
const FACTOR_DECIMALS = 3;

/** Parses `FROM..TO` (inclusive, YYYY-MM-DD) or one date into the list of dates. */
export function parseDateRange(option: string, value: string): string[] {
  const [from, to, extra] = value.split('..');
  const parse = (d: string) => {
    try {
      return parseLocalDate(d);
    } catch {
      throw new UsageError(`${option} "${value}": "${d}" is not a date (expected YYYY-MM-DD or FROM..TO)`);
    }
  };
  if (extra !== undefined) throw new UsageError(`${option} "${value}": expected YYYY-MM-DD or FROM..TO`);
  const a = parse(from);
  const b = to === undefined ? a : parse(to);
  if (b < a) throw new UsageError(`${option} "${value}": the range ends before it starts`);
  const days = (b - a) / DAY_S + 1;
  if (days > MAX_DAYS) throw new UsageError(`${option} "${value}": ${days} days; at most ${MAX_DAYS}`);
  return Array.from({ length: days }, (_, i) => new Date((a + i * DAY_S) * 1000).toISOString().slice(0, 10));
}

interface DaySamples {
  samples: CalibrationSample[];
  placed: number;
  /** Placed trips without an observed duration (format or row lacks it). */
  noDuration: number;
  rejected: Record<RejectReason, number>;
}

/**
 * Loads the trips of the given dates (or the whole file: `dates` undefined) in one pass and turns each placed trip
 * into a sample. Each day keeps its own clock (requestS since that day's midnight).
 * The hour is that of requestS: the pickup time for sf-cabspotting, nyc-tlc and baton files; for rideaustin it is the
 * request time, a few minutes earlier (PlacedTrip does not carry the pickup time).
 */
async function loadSamples(net: OpenedNetwork, tripsFile: string, format: string, dates: string[] | undefined, snapper: RoadSnapper): Promise<DaySamples> {
  const out: DaySamples = { samples: [], placed: 0, noDuration: 0, rejected: emptyRejectCounts() };
  const bar = progressBar('trips', 1000);
  const onProgress = (p: LoadProgress) => bar.update(Math.round((1000 * p.bytesRead) / Math.max(1, p.totalBytes)));
  const days = dates
    ? [...(await loadTripDays(tripsFile, { format, dates, snapper, onProgress })).values()]
    : [await loadTrips(tripsFile, { format, snapper, onProgress })];
  bar.stop();
  days.forEach((loaded, i) => {
    for (const [reason, n] of Object.entries(loaded.rejected) as [RejectReason, number][]) {
      // Other days' rows are expected in a multi-day file: not a rejection of this run. Row-level reasons are
      // reported in every day's counts: take them once.
      if (reason === 'outside_date' && dates !== undefined) continue;
      if (i > 0 && FILE_LEVEL_REASONS.includes(reason)) continue;
      out.rejected[reason] += n;
    }
    const withDuration = loaded.trips.filter((t) => t.observedDurationS !== undefined);
    out.placed += loaded.trips.length;
    out.noDuration += loaded.trips.length - withDuration.length;
    const modelledS = freeFlowPairTimesS(
      net.travelTimes,
      withDuration.map((t) => t.pickupNode),
      withDuration.map((t) => t.dropoffNode),
    );
    withDuration.forEach((t, j) => {
      out.samples.push({ hour: (((Math.floor(t.requestS / 3600) % 24) + 24) % 24), observedS: t.observedDurationS!, modelledS: modelledS[j] });
    });
  });
  return out;
}

const fmt = (x: number | null, digits = 3) => (x === null ? '—' : x.toFixed(digits));
const int = (n: number) => n.toLocaleString('en-US');

function sourceText(h: HourFit): string {
  if (h.source === 'hour') return 'own hour';
  if (h.source === 'all-day') return 'all-day median';
  return `±${(h.pooledHours.length - 1) / 2} h (${int(h.factorSamples)})`;
}

/** The before/after table, with held-out columns when given. */
function printTable(fit: CalibrationResult, minSamples: number, holdout?: { freeFlow: RatioTable; fitted: RatioTable }): string {
  const lines: string[] = [];
  const head = `hour   samples  factor  factor from         before   after`;
  lines.push(holdout ? `${head}   | held-out samples  before   after` : head);
  for (const h of fit.hours) {
    let line = `${String(h.hour).padStart(2, '0')}:00 ${int(h.samples).padStart(9)}  ${h.factor.toFixed(FACTOR_DECIMALS)}  ${sourceText(h).padEnd(17)}  ${fmt(h.ratioBefore).padStart(6)}  ${fmt(h.ratioAfter).padStart(6)}`;
    if (holdout) {
      const b = holdout.freeFlow.hours[h.hour];
      const a = holdout.fitted.hours[h.hour];
      line += `   | ${int(b.samples).padStart(16)}  ${fmt(b.medianRatio).padStart(6)}  ${fmt(a.medianRatio).padStart(6)}`;
    }
    lines.push(line);
  }
  let all = `all  ${int(fit.allDay.samples).padStart(9)}  ${' '.repeat(5 + 2 + 17 + 2)}  ${fmt(fit.allDay.ratioBefore).padStart(6)}  ${fmt(fit.allDay.ratioAfter).padStart(6)}`;
  if (holdout) all += `   | ${int(holdout.freeFlow.allDay.samples).padStart(16)}  ${fmt(holdout.freeFlow.allDay.medianRatio).padStart(6)}  ${fmt(holdout.fitted.allDay.medianRatio).padStart(6)}`;
  lines.push(all);
  lines.push(`(ratio = median observed / modelled duration; before = free flow, after = × factor; hours with < ${minSamples} samples pool neighbouring hours)`);
  return lines.join('\n');
}

function rejectText(rejected: Record<RejectReason, number>): string {
  const parts = Object.entries(rejected)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${r} ${int(n)}`);
  return parts.length ? parts.join(', ') : 'none';
}

interface CalibrateOptions {
  trips: string;
  format: string;
  date?: string;
  dates?: string;
  holdout?: string;
  minSamples: string;
  out?: string;
  writeNetwork?: string;
  json?: JsonOption;
}

export function registerCalibrateCommand(program: Command): void {
  program
    .command('calibrate')
    .description('fit hourly speed factors (congestion) from observed trip durations against free-flow routes; print observed/modelled ratios per hour before and after')
    .argument('<network...>', 'a .baton file, or raw network input as for `network build`')
    .requiredOption('--trips <file>', 'trip file with observed pickup→drop-off durations')
    .requiredOption('--format <name>', 'trip file format: sf-cabspotting, rideaustin, nyc-tlc or baton')
    .option('--date <YYYY-MM-DD>', 'fit on the trips of this local date')
    .option('--dates <FROM..TO>', 'fit on the trips of these local dates (inclusive); neither option: the whole file')
    .option('--holdout <FROM..TO>', 'also report ratios on these days (one date or a range), which the fit does not see')
    .option('--min-samples <n>', 'fewest samples for an hour to get its own factor; sparser hours borrow from neighbours', String(DEFAULT_CALIBRATION.minSamplesPerHour))
    .option('--out <file>', 'write the factors as JSON: {"hourlyFactors":[…24], "fittedOn":{…}}')
    .option('--write-network <file>', 'write a .baton network file carrying the factors')
    .option(JSON_FLAGS, jsonHelp('the full result'))
    .action(async (inputs: string[], o: CalibrateOptions) => {
      if (o.date !== undefined && o.dates !== undefined) throw new UsageError('give --date or --dates, not both');
      const dates = o.date !== undefined ? parseDateRange('--date', o.date) : o.dates !== undefined ? parseDateRange('--dates', o.dates) : undefined;
      if (o.date !== undefined && dates!.length !== 1) throw new UsageError(`--date "${o.date}": one date; use --dates FROM..TO for a range`);
      const holdoutDates = o.holdout !== undefined ? parseDateRange('--holdout', o.holdout) : undefined;
      if (holdoutDates && dates === undefined) throw new UsageError('--holdout needs --date or --dates: with neither, the fit uses the whole file');
      const overlap = holdoutDates?.filter((d) => dates!.includes(d)) ?? [];
      if (overlap.length) throw new UsageError(`--holdout: ${overlap.join(', ')} also in the fitted dates; held-out days must not be fitted on`);
      const minSamplesPerHour = parsePositiveInt('--min-samples', o.minSamples);
      checkOutputs(
        [o.out === undefined ? undefined : { option: '--out', file: o.out }, o.writeNetwork === undefined ? undefined : { option: '--write-network', file: o.writeNetwork }, jsonFile(o.json) === undefined ? undefined : { option: '--json', file: jsonFile(o.json)! }],
        [...inputs.filter((f) => !/^synthetic(:|$)/.test(f)).map((file) => ({ option: 'network input', file })), { option: '--trips', file: o.trips }],
      );

      const net = await openForCommand(inputs);
      const snapper = new RoadSnapper(net.graph);
      const fitData = await loadSamples(net, o.trips, o.format, dates, snapper);
      if (fitData.samples.length === 0) {
        const why = fitData.placed > 0 ? `none of its ${int(fitData.placed)} placed trips has an observed duration` : `no trip was placed on the network (rejected: ${rejectText(fitData.rejected)})`;
        throw new UsageError(`${o.trips}: nothing to calibrate on: ${why}`);
      }
      let fit: CalibrationResult;
      try {
        fit = fitSpeedProfile(fitData.samples, { minSamplesPerHour, decimals: FACTOR_DECIMALS });
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const profile: SpeedProfile = fit.profile;

      let holdout: { dates: string[]; placed: number; freeFlow: RatioTable; fitted: RatioTable } | undefined;
      if (holdoutDates) {
        const h = await loadSamples(net, o.trips, o.format, holdoutDates, snapper);
        holdout = { dates: holdoutDates, placed: h.placed, freeFlow: ratioTable(h.samples, FREE_FLOW), fitted: ratioTable(h.samples, profile) };
      }

      const fittedOn: FittedOn = { tripsFile: o.trips, format: o.format, dates: dates ?? [], samples: fit.screening.usable, network: inputs };
      if (o.out) writingFor('--out', () => saveSpeedProfile(o.out!, profile, fittedOn));
      if (o.writeNetwork) writingFor('--write-network', () => saveNetworkWithCh(o.writeNetwork!, net.graph, net.ch, profile));

      if (o.json) {
        const result = {
          hourlyFactors: profile.hourlyFactors,
          fittedOn,
          trips: { placed: fitData.placed, noDuration: fitData.noDuration, rejected: fitData.rejected },
          screening: fit.screening,
          hours: fit.hours,
          allDay: fit.allDay,
          holdout: holdout ?? null,
          wrote: { factors: o.out ?? null, network: o.writeNetwork ?? null },
        };
        emitJson(o.json, result);
        if (jsonOnStdout(o.json)) return;
      }
      const s = fit.screening;
      const out = [
        `network      ${inputs.join(' ')} (${int(net.graph.nodeCount)} nodes)`,
        `trips        ${o.trips} (${o.format}), ${dates ? (dates.length === 1 ? dates[0] : `${dates[0]}..${dates[dates.length - 1]}`) : 'whole file'}: ${int(fitData.placed)} placed; rejected: ${rejectText(fitData.rejected)}`,
        `samples      ${int(s.usable)} usable of ${int(s.total)}: dropped ${int(s.shortModelled)} with free-flow time < ${DEFAULT_CALIBRATION.minModelledS} s, ${int(s.ratioOutOfRange)} with ratio outside [${DEFAULT_CALIBRATION.minRatio}, ${DEFAULT_CALIBRATION.maxRatio}], ${int(s.invalid)} without a route${fitData.noDuration ? `; ${int(fitData.noDuration)} trips had no observed duration` : ''}`,
        '',
        printTable(fit, minSamplesPerHour, holdout),
      ];
      if (holdout) out.push(`held-out     ${holdout.dates.join(', ')}: all-day median ratio ${fmt(holdout.freeFlow.allDay.medianRatio)} at free flow, ${fmt(holdout.fitted.allDay.medianRatio)} with the fitted factors`);
      if (net.speedProfile.hourlyFactors.some((f) => f !== 1)) out.push('note         the network carried speed factors already; they were ignored (the fit is against free flow)');
      if (o.out) out.push(`wrote        ${o.out}`);
      if (o.writeNetwork) out.push(`wrote        ${o.writeNetwork} (network with these factors)`);
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
