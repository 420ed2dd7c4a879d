// What the commands that run scenarios (simulate, compare, fleet-size) share: their options, built from the settings
// schema so each is spelled and defaulted the same everywhere; loading the runner and running it with progress bars;
// the KPI JSON.
import { Option, type Command } from 'commander';
import type { Kpis } from '../core/metrics/kpis.js';
import { ReportSeriesAccumulator, type ReportSeries } from '../core/metrics/report-series.js';
import { EnergySeriesAccumulator, type EnergySeries } from '../core/metrics/energy-series.js';
import { DEFAULT_VEHICLE_SPEC } from '../core/sim/engine.js';
import type { DispatcherName } from '../io/dispatchers.js';
import { openEventLog } from '../io/event-log-file.js';
import type { ForecastSource } from '../io/forecast.js';
import { DEFAULT_SYNTHETIC_DEMAND } from '../core/demand/synthetic-demand.js';
import { checkMemoryBudget } from '../io/memory-budget.js';
import type { InputSource } from '../io/output-file.js';
import { hasOperations, openScenarioRunner, type RunOutcome, type ScenarioRunner } from '../io/scenario-runner.js';
import type { OperatingAreaSummary } from '../io/operating-area.js';
import type { Scenario } from '../io/scenario.js';
import { costInputsFromKpis, costSummary, COST_ITEM_LABELS, DEFAULT_COST_PARAMETERS, type CostParameters, type CostSummary } from '../core/metrics/cost.js';
import { readScenarioFile, valuesFor } from '../io/scenario-file.js';
import { COST_OPTIONS, ENERGY_SETTINGS, OPERATIONS_SETTINGS, SETTING_OPTIONS, settingDefaultText, type OptionKey, type RunSettings, type ScenarioSettings, type SettingOrigin } from '../io/settings.js';
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
  'minDetourS',
  'detourShare',
  ...ENERGY_SETTINGS,
  ...OPERATIONS_SETTINGS,
] as const satisfies readonly OptionKey[];

/** What a command's options give the settings parser: the input, and where each value came from (for errors). */
export type SettingsInput = readonly [Record<string, unknown>, SettingOrigin];

/**
 * Adds `--scenario FILE` and one option per setting, help text and default from the settings table and schema (and,
 * with `cost`, the cost model's few options). Returns a function that picks those settings out of the command's
 * parsed options over the scenario file's values, ready for parseSimSettings / parseFleetSizeSettings: only options
 * the user gave override the file (commander's getOptionValueSource), and errors name the file and field of values
 * that came from it.
 */
export function addSettingOptions(cmd: Command, keys: readonly OptionKey[], o: { cost?: boolean } = {}): (opts: Record<string, unknown>) => Promise<SettingsInput> {
  cmd.addOption(new Option('--scenario <file>', 'read the settings from a JSON (or YAML) scenario file; options given here override it (docs/scenario-file.md)'));
  const attributes: [OptionKey, string][] = [];
  for (const key of keys) {
    const { flags, help } = SETTING_OPTIONS[key];
    const shown = settingDefaultText(key);
    const option = new Option(flags, shown === undefined ? help : `${help} (default: ${shown})`);
    cmd.addOption(option);
    attributes.push([key, option.attributeName()]);
  }
  const costAttributes: [string, string][] = [];
  if (o.cost) {
    for (const [field, { flags, help }] of Object.entries(COST_OPTIONS)) {
      const option = new Option(flags, `${help} (default: ${DEFAULT_COST_PARAMETERS[field as keyof CostParameters]})`);
      cmd.addOption(option);
      costAttributes.push([field, option.attributeName()]);
    }
  }
  const given = (attribute: string): boolean => {
    const source = cmd.getOptionValueSource(attribute);
    return source === 'cli' || source === 'env';
  };
  return async (opts) => {
    const file = typeof opts.scenario === 'string' ? await readScenarioFile(opts.scenario) : undefined;
    const input: Record<string, unknown> = file ? valuesFor(file, o.cost ? [...keys, 'cost'] : keys) : {};
    const fromFile = new Set(Object.keys(input));
    for (const [key, attribute] of attributes) {
      if (opts[attribute] !== undefined && given(attribute)) {
        input[key] = opts[attribute];
        fromFile.delete(key);
      }
    }
    const fileCost = (input.cost ?? {}) as Record<string, unknown>;
    const costFromFile = new Set(fromFile.has('cost') ? Object.keys(fileCost) : []);
    const cost: Record<string, unknown> = { ...fileCost };
    for (const [field, attribute] of costAttributes) {
      if (opts[attribute] !== undefined && given(attribute)) {
        cost[field] = opts[attribute];
        costFromFile.delete(field);
      }
    }
    if (Object.keys(cost).length > 0) input.cost = cost;
    const origin: SettingOrigin = (path) => {
      if (!file) return undefined;
      if (path[0] === 'cost') return path.length > 1 && costFromFile.has(String(path[1])) ? file.file : undefined;
      return typeof path[0] === 'string' && fromFile.has(path[0]) ? file.file : undefined;
    };
    return [input, origin] as const;
  };
}

/**
 * The files a scenario command reads, with the options that named them: outputs are checked against them (an output
 * must never overwrite an input).
 */
export function settingInputs(settings: Partial<ScenarioSettings> & { chargers?: string; serviceCentres?: string; assistAreas?: string }): InputSource[] {
  const inputs: InputSource[] = [];
  for (const file of settings.network ?? []) if (!/^synthetic(:|$)/.test(file)) inputs.push({ option: '--network', file });
  const single: [string, string | undefined][] = [
    ['--trips', settings.trips],
    ['--speed-factors', settings.speedFactors],
    ['--service-area', settings.serviceArea],
    ['--avoid', settings.avoid],
    ['--chargers', settings.chargers === 'auto' ? undefined : settings.chargers],
    ['--service-centres', settings.serviceCentres === 'auto' ? undefined : settings.serviceCentres],
    ['--assist-areas', settings.assistAreas],
  ];
  for (const [option, file] of single) if (file !== undefined) inputs.push({ option, file });
  return inputs;
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
  o: { events?: string; series?: boolean; explain?: boolean } = {},
): Promise<RunOutcome & { series?: ReportSeries; energy?: EnergySeries; forecastSource: ForecastSource | 'none' }> {
  const forecastSource = await forecastSourceWithNotice(runner, dispatcher);
  const lastRequestS = runner.scenario.requests.reduce((m, t) => Math.max(m, t.requestS), 0);
  const endS = lastRequestS + runner.settings.maxWaitS;
  const bar = progressBar(dispatcher, endS, '{bar} {clock} | {handled} requests | {speed}× real time', { clock: '00:00', handled: 0, speed: 0 });
  const log = o.events ? openEventLog(o.events, '--events') : undefined;
  // Speed is measured from the first report, so that building the dispatcher (reading a forecast) does not count.
  let origin: { wallMs: number; nowS: number } | undefined;
  const series = o.series ? new ReportSeriesAccumulator() : undefined;
  // With fleet operations the report also plots SoC and plugs (charging sites), bays (service centres) and cars out of service.
  const battery = runner.settings.batteryKwh ?? DEFAULT_VEHICLE_SPEC.batteryKwh;
  const energy = o.series && hasOperations(runner.settings) ? new EnergySeriesAccumulator({ batteryKwh: battery }) : undefined;
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
      ...(o.explain ? { explain: true } : {}),
      ...(log ? { eventSink: (ev) => log.write(ev) } : {}),
      ...(series ? { subscribers: energy ? [series, energy] : [series] } : {}),
    });
    const energyResult = energy?.result();
    return { ...outcome, forecastSource, ...(series ? { series: series.result() } : {}), ...(energyResult ? { energy: energyResult } : {}) };
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
export function kpiJson(kpis: Kpis, scenario: Scenario, wallS: number, forecastSource: ForecastSource | 'none', cost?: CostSummary): Record<string, unknown> {
  return {
    ...kpis,
    ...(cost ? { cost } : {}),
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

/**
 * The cost model over a run's KPIs with the settings' prices. Cleaning/maintenance visits and remote-operator hours
 * count 0 until the run models them (then pass them in `extra`).
 */
export function runCost(kpis: Kpis, prices: CostParameters, extra: Parameters<typeof costInputsFromKpis>[1] = {}): CostSummary {
  return costSummary(costInputsFromKpis(kpis, extra), prices);
}

const usd = (x: number): string => (Number.isFinite(x) ? `$${x.toFixed(x >= 100 ? 0 : 2)}` : '–');

/** The cost lines of the command summaries: per mile, per trip, paid share and hours, items per mile, revenue. */
export function formatCost(c: CostSummary): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const hours = Number.isFinite(c.paidHoursPerVehiclePerWeek)
    ? `${c.paidHoursPerVehiclePerWeek.toFixed(1)} paid hours per car per week`
    : 'paid hours per car per week: – (less than a day simulated; --scale-to-day scales it up)';
  const items = c.items.filter((l) => l.totalUsd > 0).map((l) => `${l.item} ${usd(l.perMileUsd)}`);
  const lines: [string, string][] = [
    ['cost', `${usd(c.costPerMileUsd)} per vehicle mile, ${usd(c.costPerPaidMileUsd)} per paid mile, ${usd(c.costPerTripUsd)} per trip (${usd(c.totalUsd)} in all)`],
    ['cost per mile', items.join(', ')],
    ['paid miles', `${pct(c.paidMileShare)} of ${c.vehicleMiles.toFixed(0)} vehicle miles; ${hours}`],
    ['revenue', `${usd(c.revenuePerMileUsd)} per vehicle mile, margin ${usd(c.marginPerMileUsd)} per vehicle mile`],
    ['energy bought', `${c.gridEnergyKwh.toFixed(0)} kWh from the grid for ${c.energyKwh.toFixed(0)} kWh driven; ${c.plugs} plugs${c.plugsAssumed ? ' assumed (no charging sites in the run)' : `, ${pct(c.chargerUtilisation)} in use`}`],
  ];
  return lines.map(([k, v]) => `${k.padEnd(16)} ${v}`);
}

/** Item labels for reports and tables (re-exported so the commands need one import). */
export { COST_ITEM_LABELS };
