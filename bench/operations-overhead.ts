// Issue 11 acceptance: "an SF day with all features on simulates in at most 1.5× the time of the same day without
// them". The calibrated SF network (BATON_SF_CALIBRATED, default /tmp/acc/sf-calibrated.baton: what bench/live-sf.sh
// builds with `baton calibrate … --write-network`), the trips of Wednesday 2008-05-21, pooled+rebalance with the fleet
// that meets 95 % within 5 min with every operation on (356 cars, docs/BENCHMARKS.md), run with all operations off
// and on (--chargers auto --service-centres auto --assist, documented defaults), alternated BENCH_RUNS times (default
// 2). Reported: the medians of the simulation's wall time (and of the whole run with its set-up: sites, centres,
// dispatcher), their ratio, and the load average before and after (the machine is shared: the ratio of alternated
// runs is what to read, not the seconds).
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { Kpis } from '../src/core/metrics/kpis.js';
import { openScenarioRunner, scenarioRunner, type ScenarioRunner } from '../src/io/scenario-runner.js';
import { parseSimSettings, type SimSettingsInput } from '../src/io/settings.js';
import { median, peakRssMb, writeResult } from './machine.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const FLEET = Number(process.env.BENCH_FLEET ?? 356);
const PRESET = 'pooled+rebalance' as const;
const ROOT = resolve(import.meta.dirname, '..');
const NETWORK = process.env.BATON_SF_CALIBRATED ?? '/tmp/acc/sf-calibrated.baton';
const TRIPS = join(resolve(ROOT, '../shared/data/san-francisco'), 'sf_trips_2008-05-18_to_05-24.csv.gz');
const LIMIT = 1.5;

for (const [what, file] of [['calibrated SF network (set BATON_SF_CALIBRATED; bench/live-sf.sh builds one)', NETWORK], ['SF trips', TRIPS]] as const) {
  if (!existsSync(file)) {
    console.log(`operations-overhead benchmark skipped: the ${what} ${file} is not there`);
    process.exit(0);
  }
}

const load = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);
const loadBefore = load();
const BASE: SimSettingsInput = { network: [NETWORK], trips: TRIPS, format: 'sf-cabspotting', date: '2008-05-21', seed: 1, dispatcher: PRESET };
const ON: SimSettingsInput = { chargers: 'auto', serviceCentres: 'auto', assist: true };
const base = await openScenarioRunner(parseSimSettings(BASE));
// The forecast (earlier days of trips) is read once and shared, so neither configuration pays for reading it.
const forecast = await base.forecast();
const runners = new Map<string, ScenarioRunner>([
  ['off', scenarioRunner(base.scenario, parseSimSettings(BASE), { forecast })],
  ['on', scenarioRunner(base.scenario, parseSimSettings({ ...BASE, ...ON }), { forecast })],
]);
console.log(`SF 2008-05-21 on ${NETWORK}: ${base.scenario.requests.length} requests, ${PRESET}, ${FLEET} cars, ${RUNS} alternated runs, load ${loadBefore.join(' ')}`);

type Figures = Omit<Kpis, 'hourly'>;
const sim = new Map<string, number[]>([...runners.keys()].map((c) => [c, []]));
const whole = new Map<string, number[]>([...runners.keys()].map((c) => [c, []]));
const loads = new Map<string, number[]>([...runners.keys()].map((c) => [c, []]));
const last = new Map<string, Figures>();
/** Prints and writes the figures of the first `pairs` alternated pairs. */
function report(pairs: number): void {
  const rows = [...runners.keys()].map((config) => ({
    config,
    simS: sim.get(config)!,
    simMedianS: median(sim.get(config)!),
    wholeMedianS: median(whole.get(config)!),
    loadAfterEachRun: loads.get(config)!,
    kpis: last.get(config)!,
  }));
  const [off, on] = rows;
  const ratio = on.simMedianS / off.simMedianS;
  const wholeRatio = on.wholeMedianS / off.wholeMedianS;
  for (const r of rows) {
    const k = r.kpis;
    console.log(
      `${r.config.padEnd(4)} day ${r.simMedianS.toFixed(1)} s (${r.simS.map((w) => w.toFixed(1)).join(', ')}; with set-up ${r.wholeMedianS.toFixed(1)} s)  ` +
        `within 5 min ${k.within5MinPct.toFixed(2)} %, cleanings ${k.cleanings}, maintenances ${k.maintenances}, charging sessions ${k.chargingSessions}, assists ${k.assists}`,
    );
  }
  const loadAfter = load();
  console.log(`ratio on / off: ${ratio.toFixed(2)} (with set-up ${wholeRatio.toFixed(2)}); acceptance ≤ ${LIMIT}: ${ratio <= LIMIT ? 'met' : 'NOT met'}; load ${loadAfter.join(' ')}; peak RSS ${peakRssMb()} MB`);
  console.log(
    `wrote ${writeResult('operations-overhead', {
      runs: pairs,
      runsPlanned: RUNS,
      day: '2008-05-21',
      network: NETWORK,
      preset: PRESET,
      fleet: FLEET,
      on: ON,
      rows,
      ratio: Math.round(ratio * 1000) / 1000,
      ratioWithSetUp: Math.round(wholeRatio * 1000) / 1000,
      limit: LIMIT,
      met: ratio <= LIMIT,
      loadBefore,
      loadAfter,
      peakRssMb: peakRssMb(),
    })}`,
  );
}

for (let i = 0; i < RUNS; i++) {
  for (const [c, runner] of runners) {
    const t0 = performance.now();
    const { result, wallS } = await runner.run(FLEET, PRESET, { keepLog: false, eventSink: () => undefined });
    const { hourly: _hourly, ...kpis } = result.summary.kpis;
    sim.get(c)!.push(wallS);
    whole.get(c)!.push((performance.now() - t0) / 1000);
    loads.get(c)!.push(load()[0]);
    last.set(c, kpis);
    console.log(`  run ${i + 1} ${c}: ${wallS.toFixed(1)} s simulated day (load ${load()[0]})`);
  }
  // Written after every pair, so a run stopped early (a deadline, a busy machine) still leaves its figures.
  report(i + 1);
}
