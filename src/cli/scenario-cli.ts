// What the commands that run scenarios (simulate, compare, fleet-size) share: their options, built from the settings
// schema so each is spelled and defaulted the same everywhere; loading the runner and running it with progress bars;
// the KPI JSON.
import { Option, type Command } from 'commander';
import type { Kpis } from '../core/metrics/kpis.js';
import { ReportSeriesAccumulator, type ReportSeries } from '../core/metrics/report-series.js';
import type { DispatcherName } from '../io/dispatchers.js';
import { openEventLog } from '../io/event-log-file.js';
import type { ForecastSource } from '../io/forecast.js';
import { DEFAULT_SYNTHETIC_DEMAND } from '../core/demand/synthetic-demand.js';
import { checkMemoryBudget } from '../io/memory-budget.js';
import { openScenarioRunner, type RunOutcome, type ScenarioRunner } from '../io/scenario-runner.js';
import type { OperatingAreaSummary } from '../io/operating-area.js';
import type { Scenario } from '../io/scenario.js';
import { ENERGY_SETTINGS, OPERATIONS_SETTINGS, SETTING_OPTIONS, settingDefaultText, type RunSettings, type ScenarioSettings, type SettingKey } from '../io/settings.js';
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
  'serviceArea',
  'avoid',
  'avoidCutoffM',
  'seats',
  'maxWaitS',
  ...ENERGY_SETTINGS,
  ...OPERATIONS_SETTINGS,
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

/**
 * Loads the scenario of the settings with progress bars for the slow parts (contracting, reading trips). A run too
 * big for memory is refused before any work when the sizes are known from the settings (fleet, synthetic requests),
 * and again once the network and trips are loaded.
 */
export async function openRunnerWithProgress(settings: ScenarioSettings & RunSettings & { fleet?: number }): Promise<ScenarioRunner> {
  const fleet = settings.fleet;
  checkMemoryBudget({ fleet, requests: settings.trips ? undefined : (settings.requests ?? DEFAULT_SYNTHETIC_DEMAND.trips) });
  const bars = new Map<string, Progress>();
  try {
    const runner = await openScenarioRunner(settings, (stage, done, total) => {
      let bar = bars.get(stage);
      // Trip files report bytes: a percentage and an ETA say more than raw byte counts.
      if (!bar) bars.set(stage, (bar = stage === 'reading trips' ? progressBar(stage, total, '{bar} {percentage}% | ETA {eta_formatted}') : progressBar(stage, total)));
      bar.update(done);
    });
    checkMemoryBudget({ fleet, requests: runner.scenario.requests.length, nodes: runner.scenario.network.graph.nodeCount });
    return runner;
  } finally {
    for (const bar of bars.values()) bar.stop();
  }
}

const toldCausal = new WeakSet<ScenarioRunner>();

/**
 * Where the named preset's forecast comes from ('none' if it has none). The first time a runner's presets fall back
 * to a causal forecast (no earlier day in the trip file), says so once on stderr, with the reason.
 */
export async function forecastSourceWithNotice(runner: ScenarioRunner, dispatcher: DispatcherName): Promise<ForecastSource | 'none'> {
  const source = await runner.forecastSource(dispatcher);
  if (source === 'causal' && !toldCausal.has(runner)) {
    toldCausal.add(runner);
    const part = await runner.forecast();
    const why = part.source === 'causal' ? part.reason : '';
    process.stderr.write(`forecast: ${why}; rebalancing uses a causal forecast from the requests already submitted in the run (never later ones)\n`);
  }
  return source;
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
): Promise<RunOutcome & { series?: ReportSeries; forecastSource: ForecastSource | 'none' }> {
  const forecastSource = await forecastSourceWithNotice(runner, dispatcher);
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
    return { ...outcome, forecastSource, ...(series ? { series: series.result() } : {}) };
  } finally {
    bar.stop();
    log?.close();
  }
}

/** The line each scenario command writes to stderr before running: network, requests, trip source. */
export function scenarioLine(scenario: Scenario, extra = ''): string {
  return `scenario: ${scenario.description.network}; ${scenario.requests.length} requests from ${scenario.description.trips}${extra}\n`;
}

/**
 * The trip rows of a file scenario as a summary table for stdout: read, used, and every reason rows were rejected
 * under, with its count (nothing for synthetic demand). read = used + Σ rejected.
 */
export function tripRowsTable(scenario: Scenario): string {
  if (scenario.history?.trips === undefined) return '';
  const rejected = Object.entries(scenario.rejectedRows).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const total = rejected.reduce((a, [, n]) => a + n, 0);
  const lines = [`${'trip rows'.padEnd(16)} ${scenario.rowsRead} read, ${scenario.requests.length} used, ${total} rejected`];
  const width = Math.max(0, ...rejected.map(([r]) => r.length));
  for (const [reason, n] of rejected) lines.push(`  ${reason.padEnd(width)}  ${String(n).padStart(String(total).length)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The KPI object written by --json (and one per dispatcher by compare). `forecastSource` says what the rebalancing
 * forecast was built from: 'history' (earlier days), 'causal' (the run's own past requests), 'none' (no rebalancing).
 */
export function kpiJson(kpis: Kpis, scenario: Scenario, wallS: number, forecastSource: ForecastSource | 'none'): Record<string, unknown> {
  return {
    ...kpis,
    forecastSource,
    rejectedRows: scenario.rejectedRows,
    rowsRead: scenario.rowsRead,
    ...(scenario.operatingArea ? { operatingArea: scenario.operatingArea } : {}),
    wallS: Math.round(wallS * 1000) / 1000,
  };
}


/** The operating area's lines of the command summaries: requests rejected, network cut, trips made longer. */
export function formatOperatingArea(a: OperatingAreaSummary): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  const minutes = (sec: number) => `${(sec / 60).toFixed(2)} min`;
  const up = (pct: number) => `${pct >= 0 ? '+' : ''}${pct.toFixed(2)} %`;
  const lines: [string, string][] = [];
  if (a.serviceArea) {
    const s = a.serviceArea;
    lines.push(['service area', `${s.file}: ${s.polygons} polygon${s.polygons > 1 ? 's' : ''}, ${n(s.vertices)} vertices; ${n(s.requestsRejected)} requests rejected (outside_service_area)`]);
  }
  const c = a.network;
  lines.push([
    'network cut',
    `${n(c.nodesCut)} of ${n(c.nodesIn)} nodes, ${n(c.edgesCut)} of ${n(c.edgesIn)} edges (nodes: ${n(c.nodesOutside)} outside the area, ` +
      `${n(c.nodesAvoided)} avoided, ${n(c.nodesDisconnected)} cut off; ${n(c.edgesLeavingArea)} edges leaving the area); routing on ${n(c.nodesKept)} nodes`,
  ]);
  if (a.avoid) {
    const v = a.avoid;
    lines.push(['avoided', `${v.file}: ${n(v.listed)} listed, ${n(v.nodes)} intersections, ${n(v.nodesRemoved)} removed (${n(v.nodesOutsideArea)} outside the area)`]);
    const t = v.tripTimes;
    if (t && t.trips > 0) {
      lines.push([
        'trip time',
        `direct, with vs without avoidance: median ${minutes(t.medianWithS)} vs ${minutes(t.medianWithoutS)} (${up(t.medianIncreasePct)}), ` +
          `mean ${minutes(t.meanWithS)} vs ${minutes(t.meanWithoutS)} (${up(t.meanIncreasePct)}); ${n(t.longer)} of ${n(t.trips)} trips longer, at most +${minutes(t.maxIncreaseS)}`,
      ]);
    }
  }
  return lines.map(([k, v]) => `${k.padEnd(16)} ${v}`);
}
