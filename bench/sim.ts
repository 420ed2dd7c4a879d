// Simulation benchmark: wall time of a whole San Francisco day (2008-05-21, 500 cars, greedy) and of the built-in
// default day, median of several runs; the scenario is loaded once and not timed.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DispatcherName } from '../src/io/dispatchers.js';
import { openScenarioRunner, type ScenarioRunner } from '../src/io/scenario-runner.js';
import { parseSimSettings } from '../src/io/settings.js';
import { median, peakRssMb, writeResult } from './machine.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SHARED = resolve(import.meta.dirname, '../../shared/data');
const SF_TRIPS = resolve(SHARED, 'san-francisco/sf_trips_2008-05-18_to_05-24.csv.gz');
const SF_NET = resolve(SHARED, 'san-francisco');

async function timeDay(label: string, runner: ScenarioRunner, fleet: number, dispatcher: DispatcherName) {
  const wall: number[] = [];
  let kpis;
  for (let i = 0; i < RUNS; i++) {
    const { result, wallS } = await runner.run(fleet, dispatcher, { keepLog: false, eventSink: () => undefined });
    wall.push(wallS);
    kpis = result.summary.kpis;
  }
  const row = { label, dispatcher, fleet, requests: runner.scenario.requests.length, wallMedianS: median(wall), wallS: wall, within5MinPct: kpis!.within5MinPct, waitMeanS: kpis!.waitMeanS };
  console.log(`${label.padEnd(28)} ${dispatcher.padEnd(10)} fleet ${String(fleet).padStart(4)}  requests ${String(row.requests).padStart(6)}  wall median ${row.wallMedianS.toFixed(2)} s (${wall.map((w) => w.toFixed(2)).join(', ')})`);
  return row;
}

const rows = [];
rows.push(await timeDay('default synthetic day', await openScenarioRunner(parseSimSettings({ seed: 1 })), 200, 'greedy'));
if (existsSync(SF_TRIPS)) {
  const sf = await openScenarioRunner(parseSimSettings({ network: [SF_NET], trips: SF_TRIPS, format: 'sf-cabspotting', date: '2008-05-21', seed: 1 }));
  console.log(`SF 2008-05-21: ${sf.scenario.requests.length} requests on the network; rows rejected: ${JSON.stringify(sf.scenario.rejectedRows)}`);
  rows.push(await timeDay('SF 2008-05-21', sf, 500, 'greedy'));
} else {
  console.log(`SF skipped: ${SF_TRIPS} not found`);
}
console.log(`peak RSS ${peakRssMb()} MB`);
console.log(`wrote ${writeResult('sim', { runs: RUNS, rows, peakRssMb: peakRssMb() })}`);
