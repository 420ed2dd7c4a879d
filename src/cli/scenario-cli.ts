// What the commands that run scenarios (simulate, compare, fleet-size) share: their options, built from the settings
// schema so each is spelled and defaulted the same everywhere; loading the runner and running it with progress bars;
// the KPI JSON.
import { Option, type Command } from 'commander';
import type { Kpis } from '../core/metrics/kpis.js';
import { ReportSeriesAccumulator, type ReportSeries } from '../core/metrics/report-series.js';
import type { DispatcherName } from '../io/dispatchers.js';
import { openEventLog } from '../io/event-log-file.js';
import { openScenarioRunner, type RunOutcome, type ScenarioRunner } from '../io/scenario-runner.js';
import type { Scenario } from '../io/scenario.js';
import { ENERGY_SETTINGS, SETTING_OPTIONS, settingDefaultText, type RunSettings, type ScenarioSettings, type SettingKey } from '../io/settings.js';
import { progressBar, type Progress } from './progress.js';

/** The settings that say which scenario to load and how every run on it goes: every scenario command takes them. */
export const SCENARIO_SETTINGS = [
  'network',
  'trips',
  'format',
  'date',
  'window',
  'bbox',
  'requests',
  'share',
  'seed',
  'speedFactors',
  'snapCutoffM',
  'seats',
  'maxWaitS',
  ...ENERGY_SETTINGS,
] as const satisfies readonly SettingKey[];

/**
 * Adds one option per setting, help text and default from the settings table and schema. Returns a function that
 * picks those settings out of the command's parsed options, ready for parseSimSettings / parseFleetSizeSettings.
 */
export function addSettingOptions(cmd: Command, keys: readonly SettingKey[]): (opts: Record<string, unknown>) => Record<string, unknown> {
  const attributes: [SettingKey, string][] = [];
  for (const key of keys) {
    const { flags, help } = SETTING_OPTIONS[key];
    const shown = settingDefaultText(key);
    const option = new Option(flags, shown === undefined ? help : `${help} (default: ${shown})`);
    cmd.addOption(option);
    attributes.push([key, option.attributeName()]);
  }
  return (opts) => {
    const input: Record<string, unknown> = {};
    for (const [key, attribute] of attributes) if (opts[attribute] !== undefined) input[key] = opts[attribute];
    return input;
  };
}

/** Loads the scenario of the settings with progress bars for the slow parts (contracting, reading trips). */
export async function openRunnerWithProgress(settings: ScenarioSettings & RunSettings): Promise<ScenarioRunner> {
  const bars = new Map<string, Progress>();
  try {
    return await openScenarioRunner(settings, (stage, done, total) => {
      let bar = bars.get(stage);
      // Trip files report bytes: a percentage and an ETA say more than raw byte counts.
      if (!bar) bars.set(stage, (bar = stage === 'reading trips' ? progressBar(stage, total, '{bar} {percentage}% | ETA {eta_formatted}') : progressBar(stage, total)));
      bar.update(done);
    });
  } finally {
    for (const bar of bars.values()) bar.stop();
  }
}

/**
 * Runs one simulation with a progress bar on simulated time; `events` streams the log to an NDJSON file, `series`
 * folds the report series from the stream. The log itself is never kept in memory.
 */
export async function runWithProgress(
  runner: ScenarioRunner,
  fleet: number,
  dispatcher: DispatcherName,
  o: { events?: string; series?: boolean } = {},
): Promise<RunOutcome & { series?: ReportSeries }> {
  const lastRequestS = runner.scenario.requests.reduce((m, t) => Math.max(m, t.requestS), 0);
  const endS = lastRequestS + runner.settings.maxWaitS;
  const bar = progressBar(dispatcher, endS, '{bar} {clock} | {handled} requests | {speed}× real time', { clock: '00:00', handled: 0, speed: 0 });
  const log = o.events ? openEventLog(o.events) : undefined;
  // Speed is measured from the first report, so that building the dispatcher (reading a forecast) does not count.
  let origin: { wallMs: number; nowS: number } | undefined;
  const series = o.series ? new ReportSeriesAccumulator() : undefined;
  try {
    const outcome = await runner.run(fleet, dispatcher, {
      progressEveryS: 300,
      onProgress: (nowS, handled) => {
        origin ??= { wallMs: performance.now(), nowS };
        const wallS = (performance.now() - origin.wallMs) / 1000;
        const clock = `${String(Math.floor(nowS / 3600)).padStart(2, '0')}:${String(Math.floor((nowS % 3600) / 60)).padStart(2, '0')}`;
        bar.update(Math.min(nowS, endS), { clock, handled, speed: wallS > 0 ? Math.round((nowS - origin.nowS) / wallS) : 0 });
      },
      keepLog: false,
      ...(log ? { eventSink: (ev) => log.write(ev) } : {}),
      ...(series ? { subscribers: [series] } : {}),
    });
    return { ...outcome, ...(series ? { series: series.result() } : {}) };
  } finally {
    bar.stop();
    log?.close();
  }
}

/** The KPI object written by --json (and one per dispatcher by compare). */
export function kpiJson(kpis: Kpis, scenario: Scenario, wallS: number): Record<string, unknown> {
  return { ...kpis, rejectedRows: scenario.rejectedRows, rowsRead: scenario.rowsRead, wallS: Math.round(wallS * 1000) / 1000 };
}
