// `baton compare`: several dispatchers on the same scenario, side by side: a table, one HTML comparison report, and
// one KPI object per dispatcher in --json (the same fields as `baton simulate --json`).
import type { Command } from 'commander';
import { formatSpan, scaleKpisToDay, type Kpis } from '../core/metrics/kpis.js';
import { renderComparisonReport, type ComparisonRun } from '../io/report/index.js';
import type { ForecastSource } from '../io/forecast.js';
import type { CostSummary } from '../core/metrics/cost.js';
import { checkOutputs, writeOutputFile } from '../io/output-file.js';
import { parseSimSettings } from '../io/settings.js';
import { addSettingOptions, formatOperatingArea, kpiJson, openRunnerWithProgress, runCost, runWithProgress, scenarioLine, SCENARIO_SETTINGS, settingInputs, tripRowsTable } from './scenario-cli.js';
import { emitJson, JSON_FLAGS, jsonFile, jsonHelp, jsonOnStdout, type JsonOption } from './json-option.js';

/** KPI rows of the comparison table: label, field, format. */
const ROWS: [string, keyof Kpis, (x: number) => string][] = [
  ['served %', 'servedPct', (x) => x.toFixed(1)],
  ['within 5 min %', 'within5MinPct', (x) => x.toFixed(1)],
  ['wait mean (min)', 'waitMeanS', (x) => (x / 60).toFixed(2)],
  ['wait p50 (min)', 'waitP50S', (x) => (x / 60).toFixed(2)],
  ['wait p95 (min)', 'waitP95S', (x) => (x / 60).toFixed(2)],
  ['ride time (min)', 'rideTimeMeanS', (x) => (x / 60).toFixed(2)],
  ['cancelled', 'cancelled', (x) => String(x)],
  ['vehicle km', 'vehicleKm', (x) => x.toFixed(0)],
  ['empty share %', 'emptyShare', (x) => (100 * x).toFixed(1)],
  ['utilisation %', 'utilization', (x) => (100 * x).toFixed(1)],
];

/** The per-car trips row, labelled with the span it covers (or per day when a day was simulated or scaling asked). */
function tripsRow(k: Kpis): [string, keyof Kpis] {
  if (Number.isFinite(k.tripsPerVehiclePerDay)) return [k.perDayScaled ? 'trips/car/day*' : 'trips/car/day', 'tripsPerVehiclePerDay'];
  return [`trips/car ${formatSpan(k.spanS)}`, 'tripsPerVehicle'];
}

/** The side-by-side KPI table as text. */
export function comparisonTable(runs: { label: string; kpis: Kpis; wallS: number; cost?: CostSummary }[]): string {
  const width = Math.max(12, ...runs.map((r) => r.label.length + 2));
  const head = `${''.padEnd(18)}${runs.map((r) => r.label.padStart(width)).join('')}`;
  const lines = ROWS.map(([label, field, fmt]) => `${label.padEnd(18)}${runs.map((r) => fmt(r.kpis[field] as number).padStart(width)).join('')}`);
  if (runs.length > 0) {
    // Every run of a comparison covers the same requests, hence the same span.
    const [label, field] = tripsRow(runs[0].kpis);
    lines.push(`${label.padEnd(18)}${runs.map((r) => (r.kpis[field] as number).toFixed(1).padStart(width)).join('')}`);
  }
  if (runs.length > 0 && runs.every((r) => r.cost)) {
    const costRows: [string, (c: CostSummary) => number, (x: number) => string][] = [
      ['cost/mile ($)', (c) => c.costPerMileUsd, (x) => x.toFixed(2)],
      ['cost/trip ($)', (c) => c.costPerTripUsd, (x) => x.toFixed(2)],
      ['paid miles %', (c) => c.paidMileShare, (x) => (100 * x).toFixed(1)],
      ['paid h/car/week', (c) => c.paidHoursPerVehiclePerWeek, (x) => (Number.isFinite(x) ? x.toFixed(1) : '–')],
    ];
    for (const [label, pick, fmt] of costRows) lines.push(`${label.padEnd(18)}${runs.map((r) => fmt(pick(r.cost!)).padStart(width)).join('')}`);
  }
  lines.push(`${'wall time (s)'.padEnd(18)}${runs.map((r) => r.wallS.toFixed(1).padStart(width)).join('')}`);
  const scaled = runs.some((r) => r.kpis.perDayScaled);
  return [head, ...lines, ...(scaled ? [`* scaled up to a day from ${formatSpan(runs[0].kpis.spanS)} simulated (--scale-to-day)`] : [])].join('\n');
}

export function registerCompareCommand(program: Command): void {
  const cmd = program.command('compare').description('run several dispatchers on the same scenario and compare their KPIs side by side');
  const settingsOf = addSettingOptions(cmd, [...SCENARIO_SETTINGS, 'dispatchers', 'fleet', 'solverThreads'], { cost: true });
  cmd
    .option(JSON_FLAGS, jsonHelp('one KPI object per dispatcher (same fields as simulate --json)'))
    .option('--scale-to-day', 'also give per-car figures per day when less than a day is simulated (scaled up from the span, and marked so)')
    .option('--report <file>', 'write one HTML report with the comparison plots')
    .action(async (o: { json?: JsonOption; report?: string; scaleToDay?: boolean } & Record<string, unknown>) => {
      const settings = parseSimSettings(...(await settingsOf(o)));
      checkOutputs([jsonFile(o.json) === undefined ? undefined : { option: '--json', file: jsonFile(o.json)! }, o.report === undefined ? undefined : { option: '--report', file: o.report }], settingInputs(settings));
      const { fleet, seed } = settings;
      const runner = await openRunnerWithProgress(settings);
      const scenario = runner.scenario;
      process.stderr.write(scenarioLine(scenario, `; ${fleet} cars`));
      if (scenario.operatingArea) process.stderr.write(`${formatOperatingArea(scenario.operatingArea).join('\n')}\n`);
      const runs: { label: string; kpis: Kpis; cost: CostSummary; wallS: number; forecastSource: ForecastSource | 'none'; series?: ComparisonRun['series'] }[] = [];
      try {
        for (const name of settings.dispatchers) {
          const { result, wallS, series, forecastSource } = await runWithProgress(runner, fleet, name, { series: Boolean(o.report) });
          const kpis = o.scaleToDay ? scaleKpisToDay(result.summary.kpis) : result.summary.kpis;
          runs.push({ label: name, kpis, cost: runCost(kpis, settings.cost), wallS, forecastSource, series });
        }
      } finally {
        await runner.close();
      }
      if (!jsonOnStdout(o.json)) process.stdout.write(`${comparisonTable(runs)}\n${tripRowsTable(scenario)}`);
      emitJson(o.json, runs.map((r) => kpiJson(r.kpis, scenario, r.wallS, r.forecastSource, r.cost)));
      if (o.report) {
        const html = renderComparisonReport(
          runs.map((r) => ({ label: r.label, kpis: r.kpis, series: r.series!, cost: r.cost })),
          { ...scenario.description, fleet, seed },
        );
        writeOutputFile(o.report, html, '--report');
        process.stderr.write(`report: ${o.report}\n`);
      }
    });
}
