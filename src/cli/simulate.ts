// `baton simulate`: replay a day of ride requests through a simulated robotaxi fleet and report the KPIs.
import type { Command } from 'commander';
import { formatSpan, scaleKpisToDay, type Kpis } from '../core/metrics/kpis.js';
import { renderSimulationReport } from '../io/report/index.js';
import { checkOutputs, writeOutputFile } from '../io/output-file.js';
import { parseSimSettings } from '../io/settings.js';
import { addSettingOptions, formatCost, formatOperatingArea, kpiJson, openRunnerWithProgress, runCost, runWithProgress, scenarioLine, SCENARIO_SETTINGS, settingInputs, tripRowsTable } from './scenario-cli.js';
import { emitJson, JSON_FLAGS, jsonFile, jsonHelp, jsonOnStdout, type JsonOption } from './json-option.js';

const pct = (x: number) => `${x.toFixed(1)} %`;
const min = (s: number) => (Number.isFinite(s) ? `${(s / 60).toFixed(1)} min` : '–');

/**
 * The per-car figures, labelled with what they cover: the simulated span when it is shorter than a day ("per car
 * over 3.0 h"), per day when a day or more was simulated, or per day scaled up from a shorter span on request.
 */
export function perCarRow(k: Kpis): [string, string] {
  const text = (trips: number, busyH: number) => `${trips.toFixed(1)} trips, ${busyH.toFixed(1)} busy hours`;
  if (k.perDayScaled) return ['per car per day', `${text(k.tripsPerVehiclePerDay, k.busyHoursPerVehiclePerDay)} (scaled up from ${formatSpan(k.spanS)} simulated)`];
  if (Number.isFinite(k.tripsPerVehiclePerDay)) {
    return ['per car per day', text(k.tripsPerVehiclePerDay, k.busyHoursPerVehiclePerDay) + (k.spanS === 86_400 ? '' : ` (mean over ${formatSpan(k.spanS)})`)];
  }
  return [`per car over ${formatSpan(k.spanS)}`, text(k.tripsPerVehicle, k.busyHoursPerVehicle)];
}

/** Human-readable KPI block. */
export function formatKpis(k: Kpis, wallS: number): string {
  const rows: [string, string][] = [
    ['dispatcher', k.dispatcher],
    ['fleet', `${k.fleet} cars`],
    ['requests', `${k.requests}`],
    ['served', `${k.served} (${pct(k.servedPct)})`],
    ['cancelled', `${k.cancelled}`],
    ['rejected', `${k.rejected} by the dispatcher${k.rejected > 0 ? ` (${Object.entries(k.rejectedByReason).map(([why, n]) => `${why} ${n}`).join(', ')})` : ''}`],
    ['within 5 min', pct(k.within5MinPct)],
    ['wait', `mean ${min(k.waitMeanS)}, p50 ${min(k.waitP50S)}, p95 ${min(k.waitP95S)}`],
    ['ride time', `mean ${min(k.rideTimeMeanS)}`],
    ['vehicle km', `${k.vehicleKm.toFixed(0)} (empty ${k.emptyKm.toFixed(0)}, ${pct(100 * k.emptyShare)})`],
    ['utilisation', `${pct(100 * k.utilization)} of car time with a rider on board`],
    perCarRow(k),
    ['energy', `${k.energyKwh.toFixed(0)} kWh`],
    ...charging(k),
    ...operations(k),
    ['wall time', `${wallS.toFixed(2)} s`],
  ];
  return rows.map(([a, b]) => `${a.padEnd(16)} ${b}`).join('\n');
}

/** The charging rows, in runs with charging sites. */
function charging(k: Kpis): [string, string][] {
  if (k.plugs === 0) return [];
  return [
    ['charging', `${k.vehiclesCharged} cars, ${k.chargingSessions} sessions, ${k.chargedKwh.toFixed(0)} kWh, ${k.chargingHours.toFixed(1)} h plugged in`],
    ['plugs', `${k.plugs}, ${pct(100 * k.plugOccupancy)} occupied; wait for a plug mean ${min(k.chargeWaitMeanS)}, ${k.chargeWaitHours.toFixed(1)} h in all`],
    ['lowest SoC', `${k.minSocKwh.toFixed(2)} kWh`],
  ];
}

/** The cleaning, maintenance, assistance and out-of-service rows, in runs that have them. */
function operations(k: Kpis): [string, string][] {
  const rows: [string, string][] = [];
  if (k.bays > 0) {
    rows.push(['servicing', `${k.cleanings} cleanings (${k.messesReported} messes reported), ${k.maintenances} maintenances, ${k.serviceHours.toFixed(1)} car-h`]);
    rows.push(['bays', `${k.bays}, ${pct(100 * k.bayUtilisation)} occupied`]);
  }
  if (k.assistOperators > 0) {
    rows.push(['assists', `${k.assists} (${k.assistsPer1000Km.toFixed(1)} per 1,000 km), wait mean ${min(k.assistWaitMeanS)}, ${k.riderMinutesLostToAssists.toFixed(0)} rider-min lost`]);
    rows.push(['operators', `${k.assistOperators}, ${pct(100 * k.operatorUtilisation)} busy`]);
  }
  if (k.outOfService > 0) rows.push(['out of service', `${k.outOfService} cars (${k.faults} faults), ${k.rescues} rescues`]);
  return rows;
}

export function registerSimulateCommand(program: Command): void {
  const cmd = program
    .command('simulate')
    .description('replay a day of ride requests through a robotaxi fleet and print the KPIs (no options: the built-in synthetic city)');
  const settingsOf = addSettingOptions(cmd, [...SCENARIO_SETTINGS, 'fleet', 'dispatcher', 'solverThreads'], { cost: true });
  cmd
    .option('--events <file>', 'write the event log as NDJSON')
    .option('--explain', 'log why each car got its plan (PlanExplained events: pickup ETA, the cars it beat) for the dashboard; off by default, so logs stay as they were')
    .option(JSON_FLAGS, jsonHelp('the KPIs'))
    .option('--scale-to-day', 'also give per-car figures per day when less than a day is simulated (scaled up from the span, and marked so)')
    .option('--report <file>', 'write a self-contained HTML report with plots')
    .action(async (o: { events?: string; explain?: boolean; json?: JsonOption; report?: string; scaleToDay?: boolean } & Record<string, unknown>) => {
      const settings = parseSimSettings(...(await settingsOf(o)));
      checkOutputs(
        [jsonFile(o.json) === undefined ? undefined : { option: '--json', file: jsonFile(o.json)! }, o.events === undefined ? undefined : { option: '--events', file: o.events }, o.report === undefined ? undefined : { option: '--report', file: o.report }],
        settingInputs(settings),
      );
      const runner = await openRunnerWithProgress(settings);
      const scenario = runner.scenario;
      const rejected = Object.entries(scenario.rejectedRows);
      process.stderr.write(scenarioLine(scenario, rejected.length ? `; rows rejected: ${rejected.map(([r, n]) => `${r} ${n}`).join(', ')}` : ''));
      const sites = runner.chargingSites(settings.fleet);
      if (sites.length > 0) {
        const plugs = sites.reduce((n, c) => n + c.plugs, 0);
        process.stderr.write(`charging: ${sites.length} sites (${settings.chargers === 'auto' ? 'placed by k-means on the pickups' : settings.chargers}), ${plugs} plugs\n`);
      }
      const centres = runner.serviceCentres(settings.fleet);
      if (centres.length > 0) {
        const bays = centres.reduce((n, c) => n + c.bays, 0);
        process.stderr.write(`servicing: ${centres.length} centres (${settings.serviceCentres === 'auto' ? 'placed like automatic charging sites' : settings.serviceCentres}), ${bays} bays\n`);
      }
      if (settings.assist) {
        const areas = runner.assistAreas;
        const where = areas
          ? ` (${areas.nodesOutside} nodes outside the areas of ${settings.assistAreas}; ${areas.areas.map((a) => `${a.name ?? `features[${a.feature}]`} ${a.ratePer1000Km} on ${a.nodes} nodes`).join(', ')})`
          : '';
        process.stderr.write(`remote assistance: ${settings.assistRate} per 1,000 km${where}, ${settings.assistOperators} operators, ${settings.assistTimeS} s each\n`);
      }
      const { result, wallS, series, energy, forecastSource } = await runWithProgress(runner, settings.fleet, settings.dispatcher, { events: o.events, series: Boolean(o.report), explain: o.explain === true }).finally(() => runner.close());
      const kpis = o.scaleToDay ? scaleKpisToDay(result.summary.kpis) : result.summary.kpis;
      const cost = runCost(kpis, settings.cost);
      if (!jsonOnStdout(o.json)) {
        process.stdout.write(`${formatKpis(kpis, wallS)}\n${formatCost(cost).join('\n')}\n${tripRowsTable(scenario)}`);
        if (scenario.operatingArea) process.stdout.write(`${formatOperatingArea(scenario.operatingArea).join('\n')}\n`);
      }
      emitJson(o.json, kpiJson(kpis, scenario, wallS, forecastSource, cost));
      if (o.report) {
        const html = renderSimulationReport({
          scenario: { ...scenario.description, fleet: settings.fleet, dispatcher: settings.dispatcher, seed: settings.seed },
          kpis,
          cost,
          ...(energy ? { energy, chargeBelowShare: settings.chargeBelow } : {}),
          series: series!,
          graph: scenario.network.graph,
          rejectedRows: scenario.rejectedRows,
          rowsRead: scenario.rowsRead,
          ...(scenario.operatingArea ? { operatingArea: scenario.operatingArea } : {}),
        });
        writeOutputFile(o.report, html, '--report');
        process.stderr.write(`report: ${o.report}\n`);
      }
    });
}
