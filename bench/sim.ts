// Simulation benchmark: wall time of a whole San Francisco day (2008-05-21, 500 cars, greedy) and of the built-in
// default day, median of several runs; the scenario is loaded once and not timed.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { simulate } from '../src/core/simulate.js';
import { loadScenario, type Scenario } from '../src/io/scenario.js';
import { makeDispatcher } from '../src/io/dispatchers.js';
import { median, peakRssMb, writeResult } from './machine.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SHARED = resolve(import.meta.dirname, '../../shared/data');
const SF_TRIPS = resolve(SHARED, 'san-francisco/sf_trips_2008-05-18_to_05-24.csv.gz');
const SF_NET = resolve(SHARED, 'san-francisco');

async function timeDay(label: string, scenario: Scenario, fleet: number, dispatcher: string) {
  const wall: number[] = [];
  let kpis;
  for (let i = 0; i < RUNS; i++) {
    const d = await makeDispatcher(dispatcher, scenario);
    const t0 = performance.now();
    const r = simulate({ graph: scenario.network.graph, travelTimes: scenario.network.travelTimes, requests: scenario.requests, fleetSize: fleet, dispatcher: d, seed: 1, keepLog: false, eventSink: () => undefined });
    wall.push((performance.now() - t0) / 1000);
    kpis = r.summary.kpis;
  }
  const row = { label, dispatcher, fleet, requests: scenario.requests.length, wallMedianS: median(wall), wallS: wall, within5MinPct: kpis!.within5MinPct, waitMeanS: kpis!.waitMeanS };
  console.log(`${label.padEnd(28)} ${dispatcher.padEnd(10)} fleet ${String(fleet).padStart(4)}  requests ${String(row.requests).padStart(6)}  wall median ${row.wallMedianS.toFixed(2)} s (${wall.map((w) => w.toFixed(2)).join(', ')})`);
  return row;
}

const rows = [];
rows.push(await timeDay('default synthetic day', await loadScenario({ seed: 1 }), 200, 'greedy'));
if (existsSync(SF_TRIPS)) {
  const sf = await loadScenario({ network: [SF_NET], trips: SF_TRIPS, format: 'sf-cabspotting', date: '2008-05-21', seed: 1 });
  console.log(`SF 2008-05-21: ${sf.requests.length} requests on the network; rows rejected: ${JSON.stringify(sf.rejectedRows)}`);
  rows.push(await timeDay('SF 2008-05-21', sf, 500, 'greedy'));
} else {
  console.log(`SF skipped: ${SF_TRIPS} not found`);
}
console.log(`peak RSS ${peakRssMb()} MB`);
console.log(`wrote ${writeResult('sim', { runs: RUNS, rows, peakRssMb: peakRssMb() })}`);
