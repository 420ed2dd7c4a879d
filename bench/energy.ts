// Energy and charging benchmark: the San Francisco Wednesday (2008-05-21, free-flow speeds as in the golden logs,
// pooled+rebalance) with and without charging. At 700 cars: no chargers, automatic sites with the default car, and a
// 15 kWh battery (so most cars charge) with the default and with half the plugs; the day's wall time is the median of
// BENCH_RUNS (default 3) alternated runs. At 200 cars (a tight fleet: ~300 km per car per day, more than a 40 kWh
// battery holds): no chargers, automatic sites, half the plugs — whether the charging model binds. The scenario is
// loaded once; forecasts are read before timing.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Kpis } from '../src/core/metrics/kpis.js';
import { openScenarioRunner, scenarioRunner, type ScenarioRunner } from '../src/io/scenario-runner.js';
import { parseSimSettings, type SimSettingsInput } from '../src/io/settings.js';
import { median, peakRssMb, writeResult } from './machine.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ROOT = resolve(import.meta.dirname, '..');
const SF = resolve(ROOT, '../shared/data/san-francisco');
const TRIPS = join(SF, 'sf_trips_2008-05-18_to_05-24.csv.gz');

if (!existsSync(TRIPS)) {
  console.log(`energy benchmark skipped: ${TRIPS} not found (it needs ../shared/data/san-francisco)`);
  process.exit(0);
}

const BASE: SimSettingsInput = { network: [SF], trips: TRIPS, format: 'sf-cabspotting', date: '2008-05-21', seed: 1, dispatcher: 'pooled+rebalance' };
const base = await openScenarioRunner(parseSimSettings(BASE));
const configs: Record<string, SimSettingsInput> = {
  'no chargers': {},
  'auto sites': { chargers: 'auto' },
  'auto sites, half the plugs': { chargers: 'auto', plugsPerCar: 0.05 },
  '15 kWh battery': { chargers: 'auto', batteryKwh: 15 },
  '15 kWh battery, half the plugs': { chargers: 'auto', batteryKwh: 15, plugsPerCar: 0.05 },
};
const runners = new Map<string, ScenarioRunner>();
for (const [name, extra] of Object.entries(configs)) {
  const r = scenarioRunner(base.scenario, parseSimSettings({ ...BASE, ...extra }));
  await r.forecast();
  runners.set(name, r);
}
console.log(`SF 2008-05-21: ${base.scenario.requests.length} requests, pooled+rebalance, ${RUNS} alternated runs for the timed rows`);

interface Row {
  config: string;
  fleet: number;
  wallS: number[];
  wallMedianS: number;
  kpis: Omit<Kpis, 'hourly'>;
}
const rows: Row[] = [];
const runOnce = async (config: string, fleet: number): Promise<{ wallS: number; kpis: Omit<Kpis, 'hourly'> }> => {
  const { result, wallS } = await runners.get(config)!.run(fleet, 'pooled+rebalance', { keepLog: false, eventSink: () => undefined });
  const { hourly: _hourly, ...kpis } = result.summary.kpis;
  return { wallS, kpis };
};
const record = (config: string, fleet: number, wallS: number[], kpis: Omit<Kpis, 'hourly'>): void => {
  const row = { config, fleet, wallS, wallMedianS: median(wallS), kpis };
  rows.push(row);
  const k = kpis;
  console.log(
    `${String(fleet).padStart(4)} cars  ${config.padEnd(31)} day ${row.wallMedianS.toFixed(1)} s (${wallS.map((w) => w.toFixed(1)).join(', ')})  ` +
      `within 5 min ${k.within5MinPct.toFixed(2)} %, wait mean ${k.waitMeanS.toFixed(1)} s p95 ${k.waitP95S} s  ` +
      `charged ${k.vehiclesCharged} cars, ${k.chargingSessions} sessions, ${k.chargedKwh.toFixed(0)} kWh, ${k.plugs} plugs ${(100 * k.plugOccupancy).toFixed(1)} % used, ` +
      `plug wait mean ${Number.isFinite(k.chargeWaitMeanS) ? (k.chargeWaitMeanS / 60).toFixed(1) : '–'} min, lowest SoC ${Number.isFinite(k.minSocKwh) ? k.minSocKwh.toFixed(2) : '–'} kWh`,
  );
};

// 700 cars: timed, alternated so that a noisy machine hurts every configuration alike.
const timed = ['no chargers', 'auto sites', '15 kWh battery'];
const walls = new Map<string, number[]>(timed.map((c) => [c, []]));
const last = new Map<string, Omit<Kpis, 'hourly'>>();
for (let i = 0; i < RUNS; i++) {
  for (const c of timed) {
    const { wallS, kpis } = await runOnce(c, 700);
    walls.get(c)!.push(wallS);
    last.set(c, kpis);
  }
}
for (const c of timed) record(c, 700, walls.get(c)!, last.get(c)!);
for (const [config, fleet] of [['15 kWh battery, half the plugs', 700], ['no chargers', 200], ['auto sites', 200], ['auto sites, half the plugs', 200]] as const) {
  const { wallS, kpis } = await runOnce(config, fleet);
  record(config, fleet, [wallS], kpis);
}
console.log(`peak RSS ${peakRssMb()} MB`);
console.log(`wrote ${writeResult('energy', { runs: RUNS, day: '2008-05-21', speeds: 'free flow', preset: 'pooled+rebalance', rows, peakRssMb: peakRssMb() })}`);
