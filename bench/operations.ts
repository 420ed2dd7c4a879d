// Fleet operations benchmark (decision 0012): the San Francisco Wednesday (2008-05-21, free-flow speeds as in the
// golden logs), greedy with 500 cars, with cleaning, maintenance and remote assistance off and on (documented
// defaults: --service-centres auto --assist), and with charging too. The day's wall time is the median of BENCH_RUNS
// (default 3) alternated runs; the scenario is loaded once.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Kpis } from '../src/core/metrics/kpis.js';
import { openScenarioRunner, scenarioRunner, type ScenarioRunner } from '../src/io/scenario-runner.js';
import { parseSimSettings, type SimSettingsInput } from '../src/io/settings.js';
import { median, peakRssMb, writeResult } from './machine.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FLEET = 500;
const ROOT = resolve(import.meta.dirname, '..');
const SF = resolve(ROOT, '../shared/data/san-francisco');
const TRIPS = join(SF, 'sf_trips_2008-05-18_to_05-24.csv.gz');

if (!existsSync(TRIPS)) {
  console.log(`operations benchmark skipped: ${TRIPS} not found (it needs ../shared/data/san-francisco)`);
  process.exit(0);
}

const BASE: SimSettingsInput = { network: [SF], trips: TRIPS, format: 'sf-cabspotting', date: '2008-05-21', seed: 1, dispatcher: 'greedy' };
const base = await openScenarioRunner(parseSimSettings(BASE));
const configs: Record<string, SimSettingsInput> = {
  off: {},
  'servicing + assists': { serviceCentres: 'auto', assist: true },
  'servicing + assists + charging': { serviceCentres: 'auto', assist: true, chargers: 'auto' },
};
const runners = new Map<string, ScenarioRunner>();
for (const [name, extra] of Object.entries(configs)) runners.set(name, scenarioRunner(base.scenario, parseSimSettings({ ...BASE, ...extra })));
console.log(`SF 2008-05-21: ${base.scenario.requests.length} requests, greedy, ${FLEET} cars, ${RUNS} alternated runs`);

type Figures = Omit<Kpis, 'hourly'>;
const walls = new Map<string, number[]>([...runners.keys()].map((c) => [c, []]));
const last = new Map<string, Figures>();
for (let i = 0; i < RUNS; i++) {
  for (const [c, runner] of runners) {
    const { result, wallS } = await runner.run(FLEET, 'greedy', { keepLog: false, eventSink: () => undefined });
    const { hourly: _hourly, ...kpis } = result.summary.kpis;
    walls.get(c)!.push(wallS);
    last.set(c, kpis);
  }
}
const rows = [...runners.keys()].map((config) => ({ config, fleet: FLEET, wallS: walls.get(config)!, wallMedianS: median(walls.get(config)!), kpis: last.get(config)! }));
const off = rows[0].wallMedianS;
for (const r of rows) {
  const k = r.kpis;
  console.log(
    `${r.config.padEnd(31)} day ${r.wallMedianS.toFixed(1)} s (${(r.wallMedianS / off).toFixed(2)}×; ${r.wallS.map((w) => w.toFixed(1)).join(', ')})  ` +
      `within 5 min ${k.within5MinPct.toFixed(2)} %, served ${k.servedPct.toFixed(2)} %, wait mean ${k.waitMeanS.toFixed(1)} s p95 ${k.waitP95S} s  ` +
      `cleanings ${k.cleanings} (messes ${k.messesReported}), maintenances ${k.maintenances}, ${k.serviceHours.toFixed(1)} car-h in service, ${k.bays} bays ${(100 * k.bayUtilisation).toFixed(1)} % used  ` +
      `assists ${k.assists} (${k.assistsPer1000Km.toFixed(2)} per 1,000 km), operators ${(100 * k.operatorUtilisation).toFixed(1)} % busy, wait mean ${Number.isFinite(k.assistWaitMeanS) ? k.assistWaitMeanS.toFixed(1) : '–'} s, ${k.riderMinutesLostToAssists.toFixed(0)} rider-min lost`,
  );
}
console.log(`peak RSS ${peakRssMb()} MB`);
console.log(`wrote ${writeResult('operations', { runs: RUNS, day: '2008-05-21', speeds: 'free flow', preset: 'greedy', fleet: FLEET, rows, peakRssMb: peakRssMb() })}`);
