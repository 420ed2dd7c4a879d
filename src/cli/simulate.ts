// `baton simulate`: replay a day of ride requests through a simulated robotaxi fleet and report the KPIs.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Kpis } from '../core/metrics/kpis.js';
import { renderSimulationReport } from '../io/report/index.js';
import { parseSimSettings } from '../io/settings.js';
import { addSettingOptions, kpiJson, openRunnerWithProgress, runWithProgress, SCENARIO_SETTINGS } from './scenario-cli.js';

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
    ...charging(k),
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

export function registerSimulateCommand(program: Command): void {
  const cmd = program
    .command('simulate')
    .description('replay a day of ride requests through a robotaxi fleet and print the KPIs (no options: the built-in synthetic city)');
  const settingsOf = addSettingOptions(cmd, [...SCENARIO_SETTINGS, 'fleet', 'dispatcher']);
  cmd
    .option('--events <file>', 'write the event log as NDJSON')
    .option('--json <file>', 'write the KPIs as JSON')
    .option('--report <file>', 'write a self-contained HTML report with plots')
    .action(async (o: { events?: string; json?: string; report?: string } & Record<string, unknown>) => {
      const settings = parseSimSettings(settingsOf(o));
      const runner = await openRunnerWithProgress(settings);
      const scenario = runner.scenario;
      const rejected = Object.entries(scenario.rejectedRows);
      process.stderr.write(
        `scenario: ${scenario.description.network}; ${scenario.requests.length} requests from ${scenario.description.trips}` +
          (rejected.length ? `; rows rejected: ${rejected.map(([r, n]) => `${r} ${n}`).join(', ')}` : '') +
          '\n',
      );
      const sites = runner.chargingSites(settings.fleet);
      if (sites.length > 0) {
        const plugs = sites.reduce((n, c) => n + c.plugs, 0);
        process.stderr.write(`charging: ${sites.length} sites (${settings.chargers === 'auto' ? 'placed by k-means on the pickups' : settings.chargers}), ${plugs} plugs\n`);
      }
      const { result, wallS, series } = await runWithProgress(runner, settings.fleet, settings.dispatcher, { events: o.events, series: Boolean(o.report) });
      const kpis = result.summary.kpis;
      process.stdout.write(`${formatKpis(kpis, wallS)}\n`);
      if (o.json) writeFileSync(o.json, `${JSON.stringify(kpiJson(kpis, scenario, wallS), null, 2)}\n`);
      if (o.report) {
        const html = renderSimulationReport({
          scenario: { ...scenario.description, fleet: settings.fleet, dispatcher: settings.dispatcher, seed: settings.seed },
          kpis,
          series: series!,
          graph: scenario.network.graph,
          rejectedRows: scenario.rejectedRows,
          rowsRead: scenario.rowsRead,
        });
        writeFileSync(o.report, html);
        process.stderr.write(`report: ${o.report}\n`);
      }
    });
}
