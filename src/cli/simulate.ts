// `baton simulate`: replay a day of ride requests through a simulated robotaxi fleet and report the KPIs.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_MAX_WAIT_S } from '../core/sim/engine.js';
import { simulate, type SimResult } from '../core/simulate.js';
import type { Kpis } from '../core/metrics/kpis.js';
import { loadScenario, type Scenario, type ScenarioOptions } from '../io/scenario.js';
import { DEFAULT_DISPATCHER, DISPATCHER_PRESETS, makeDispatcher } from '../io/dispatchers.js';
import { openEventLog } from '../io/event-log-file.js';
import { renderSimulationReport } from '../io/report/index.js';
import { reportSeries } from '../core/metrics/report-series.js';
import { parseBbox, parsePositiveInt, UsageError } from './args.js';
import { progressBar, type Progress } from './progress.js';

/** Options every scenario-running command shares (simulate, compare, fleet-size). */
export interface ScenarioCliOptions {
  network?: string[];
  trips?: string;
  format?: string;
  date?: string;
  window?: string;
  bbox?: string;
  requests?: string;
  share?: string;
  seed: string;
  speedFactors?: string;
  snapCutoff?: string;
  seats: string;
  maxWait: string;
}

/** Adds the shared scenario options to a command. */
export function addScenarioOptions(cmd: Command): Command {
  return cmd
    .option('--network <input...>', 'road network: a .baton file, OSM file, node+edge CSV pair/folder, or synthetic[:…] (default: the built-in synthetic city)')
    .option('--trips <file>', 'trip file (default: synthetic demand for the built-in city)')
    .option('--format <name>', 'trip file format: sf-cabspotting | rideaustin | nyc-tlc | baton')
    .option('--date <YYYY-MM-DD>', 'keep requests of this local day')
    .option('--window <HH:MM-HH:MM>', 'keep requests in this time window of the day')
    .option('--bbox <minLon,minLat,maxLon,maxLat>', 'keep trips whose pickup and drop-off lie in this box')
    .option('--requests <n>', 'synthetic demand: requests in the day (default 12000)')
    .option('--share <0..1>', 'share of riders who accept a shared ride (default 1)')
    .option('--seed <n>', 'random seed (initial positions, synthetic demand)', '1')
    .option('--speed-factors <file>', 'hourly speed factors JSON from `baton calibrate`')
    .option('--snap-cutoff <m>', 'farthest a trip end may be from a road, metres', '250')
    .option('--seats <n>', 'seats per car', '2')
    .option('--max-wait <s>', 'cancel a request not picked up within this many seconds', String(DEFAULT_MAX_WAIT_S));
}

/** Loads the scenario named by the shared options, with progress bars for the slow parts. */
export async function scenarioFromCli(o: ScenarioCliOptions): Promise<Scenario> {
  const bars = new Map<string, Progress>();
  const opts: ScenarioOptions = {
    network: o.network,
    trips: o.trips,
    format: o.format,
    date: o.date,
    window: o.window,
    bbox: o.bbox ? parseBbox('--bbox', o.bbox) : undefined,
    syntheticRequests: o.requests ? parsePositiveInt('--requests', o.requests) : undefined,
    shareAcceptance: o.share === undefined ? undefined : Number(o.share),
    seed: Number(o.seed),
    speedFactors: o.speedFactors,
    snapCutoffM: o.snapCutoff ? Number(o.snapCutoff) : undefined,
    onProgress: (stage, done, total) => {
      let bar = bars.get(stage);
      // Trip files report bytes: a percentage and an ETA say more than raw byte counts.
      if (!bar) bars.set(stage, (bar = stage === 'reading trips' ? progressBar(stage, total, '{bar} {percentage}% | ETA {eta_formatted}') : progressBar(stage, total)));
      bar.update(done);
    },
  };
  if (!Number.isInteger(opts.seed)) throw new UsageError(`--seed "${o.seed}": expected an integer`);
  try {
    return await loadScenario(opts);
  } finally {
    for (const bar of bars.values()) bar.stop();
  }
}

export interface RunOptions {
  fleet: number;
  dispatcher: string;
  seed: number;
  seats: number;
  maxWaitS: number;
  events?: string;
  /** Keep the event log in memory (reports read it). */
  keepLog?: boolean;
  progressLabel?: string;
}

/** Runs one simulation of a scenario with a progress bar on simulated time; returns the result and wall time. */
export async function runScenario(scenario: Scenario, r: RunOptions): Promise<{ result: SimResult; wallS: number }> {
  const dispatcher = await makeDispatcher(r.dispatcher, scenario);
  const lastRequestS = scenario.requests.reduce((m, t) => Math.max(m, t.requestS), 0);
  const endS = lastRequestS + r.maxWaitS;
  const bar = progressBar(r.progressLabel ?? r.dispatcher, endS, '{bar} {clock} | {handled} requests | {speed}× real time', { clock: '00:00', handled: 0, speed: 0 });
  const log = r.events ? openEventLog(r.events) : undefined;
  const t0 = performance.now();
  try {
    const result = simulate({
      graph: scenario.network.graph,
      travelTimes: scenario.network.travelTimes,
      requests: scenario.requests,
      fleetSize: r.fleet,
      spec: { seats: r.seats },
      dispatcher,
      seed: r.seed,
      maxWaitS: r.maxWaitS,
      progressEveryS: 300,
      onProgress: (nowS, handled) => {
        const wallS = (performance.now() - t0) / 1000;
        const clock = `${String(Math.floor(nowS / 3600)).padStart(2, '0')}:${String(Math.floor((nowS % 3600) / 60)).padStart(2, '0')}`;
        bar.update(Math.min(nowS, endS), { clock, handled, speed: wallS > 0 ? Math.round(nowS / wallS) : 0 });
      },
      ...(log ? { eventSink: (ev) => log.write(ev), keepLog: r.keepLog ?? false } : { keepLog: r.keepLog ?? true }),
    });
    return { result, wallS: (performance.now() - t0) / 1000 };
  } finally {
    bar.stop();
    log?.close();
  }
}

/** The KPI object written by --json (and one per dispatcher by compare). */
export function kpiJson(kpis: Kpis, scenario: Scenario, wallS: number): Record<string, unknown> {
  return { ...kpis, rejectedRows: scenario.rejectedRows, rowsRead: scenario.rowsRead, wallS: Math.round(wallS * 1000) / 1000 };
}

const pct = (x: number) => `${x.toFixed(1)} %`;
const min = (s: number) => (Number.isFinite(s) ? `${(s / 60).toFixed(1)} min` : '–');

/** Human-readable KPI block. */
export function formatKpis(k: Kpis, wallS: number): string {
  const rows: [string, string][] = [
    ['dispatcher', k.dispatcher],
    ['fleet', `${k.fleet} cars`],
    ['requests', `${k.requests}`],
    ['served', `${k.served} (${pct(k.servedPct)})`],
    ['cancelled', `${k.cancelled}`],
    ['rejected', `${k.rejected}`],
    ['within 5 min', pct(k.within5MinPct)],
    ['wait', `mean ${min(k.waitMeanS)}, p50 ${min(k.waitP50S)}, p95 ${min(k.waitP95S)}`],
    ['ride time', `mean ${min(k.rideTimeMeanS)}`],
    ['vehicle km', `${k.vehicleKm.toFixed(0)} (empty ${k.emptyKm.toFixed(0)}, ${pct(100 * k.emptyShare)})`],
    ['utilisation', `${pct(100 * k.utilization)} of car time with a rider on board`],
    ['per car per day', `${k.tripsPerVehiclePerDay.toFixed(1)} trips, ${k.busyHoursPerVehiclePerDay.toFixed(1)} busy hours`],
    ['energy', `${k.energyKwh.toFixed(0)} kWh`],
    ['wall time', `${wallS.toFixed(2)} s`],
  ];
  return rows.map(([a, b]) => `${a.padEnd(16)} ${b}`).join('\n');
}

export function registerSimulateCommand(program: Command): void {
  const cmd = program
    .command('simulate')
    .description('replay a day of ride requests through a robotaxi fleet and print the KPIs (no options: the built-in synthetic city)');
  addScenarioOptions(cmd)
    .option('--fleet <n>', 'number of cars', '200')
    .option('--dispatcher <name>', `dispatch strategy: ${DISPATCHER_PRESETS.map((p) => p.name).join(' | ')}`, DEFAULT_DISPATCHER)
    .option('--events <file>', 'write the event log as NDJSON')
    .option('--json <file>', 'write the KPIs as JSON')
    .option('--report <file>', 'write a self-contained HTML report with plots')
    .action(async (o: ScenarioCliOptions & { fleet: string; dispatcher: string; events?: string; json?: string; report?: string }) => {
      const fleet = parsePositiveInt('--fleet', o.fleet);
      const seats = parsePositiveInt('--seats', o.seats);
      const maxWaitS = parsePositiveInt('--max-wait', o.maxWait);
      const scenario = await scenarioFromCli(o);
      const rejected = Object.entries(scenario.rejectedRows);
      process.stderr.write(
        `scenario: ${scenario.description.network}; ${scenario.requests.length} requests from ${scenario.description.trips}` +
          (rejected.length ? `; rows rejected: ${rejected.map(([r, n]) => `${r} ${n}`).join(', ')}` : '') +
          '\n',
      );
      const seed = Number(o.seed);
      const { result, wallS } = await runScenario(scenario, { fleet, dispatcher: o.dispatcher, seed, seats, maxWaitS, events: o.events, keepLog: Boolean(o.report) });
      const kpis = result.summary.kpis;
      process.stdout.write(`${formatKpis(kpis, wallS)}\n`);
      if (o.json) writeFileSync(o.json, `${JSON.stringify(kpiJson(kpis, scenario, wallS), null, 2)}\n`);
      if (o.report) {
        const html = renderSimulationReport({
          scenario: { ...scenario.description, fleet, dispatcher: o.dispatcher, seed },
          kpis,
          series: reportSeries(result.events),
          graph: scenario.network.graph,
          rejectedRows: scenario.rejectedRows,
          rowsRead: scenario.rowsRead,
        });
        writeFileSync(o.report, html);
        process.stderr.write(`report: ${o.report}\n`);
      }
    });
}
