// Optimiser benchmark: a whole San Francisco day (2008-05-21, speeds calibrated on 05-18..05-20, 10-min cancellation)
// with pooled+rebalance and batch+rebalance at 700 cars: wall time per day (median of BENCH_RUNS, default 3) and the
// decision time per dispatcher call (p50/p95/max over all runs). The issue's targets: a day ≤ 60 s, p95 ≤ 1 s.
// The scenario and the forecast are loaded once and not timed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Dispatcher } from '../src/core/dispatch/types.js';
import { openScenarioRunner } from '../src/io/scenario-runner.js';
import { parseSimSettings } from '../src/io/settings.js';
import { median, peakRssMb, timedDispatcher, writeResult } from './machine.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Fleet and presets, validated like the CLI's --fleet and --dispatchers. */
const RUN = parseSimSettings({ fleet: process.env.BENCH_FLEET ?? 700, dispatchers: process.env.BENCH_PRESETS ?? 'pooled+rebalance,batch+rebalance' });
const FLEET = RUN.fleet;
const ROOT = resolve(import.meta.dirname, '..');
const SF = resolve(ROOT, '../shared/data/san-francisco');
const TRIPS = join(SF, 'sf_trips_2008-05-18_to_05-24.csv.gz');

if (!existsSync(TRIPS)) {
  console.log(`optimiser benchmark skipped: ${TRIPS} not found (it needs ../shared/data/san-francisco)`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'baton-bench-opt-'));
try {
  const network = join(work, 'sf.baton');
  const factors = join(work, 'factors.json');
  const cli = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log('building the SF network and calibrating speeds on 2008-05-18..20 (not timed)…');
  cli('network', 'build', SF, '-o', network);
  cli('calibrate', network, '--trips', TRIPS, '--format', 'sf-cabspotting', '--dates', '2008-05-18..2008-05-20', '--out', factors, '--json');
  const runner = await openScenarioRunner(
    parseSimSettings({ network: [network], trips: TRIPS, format: 'sf-cabspotting', date: '2008-05-21', seed: 1, speedFactors: factors, maxWaitS: 600 }),
  );
  console.log(`SF 2008-05-21: ${runner.scenario.requests.length} requests, ${FLEET} cars, ${RUNS} runs per preset`);

  const rows = [];
  for (const preset of RUN.dispatchers) {
    const wall: number[] = [];
    const decideMs: number[] = [];
    let kpis;
    for (let i = 0; i < RUNS; i++) {
      const timed = (inner: Dispatcher): Dispatcher => timedDispatcher(inner, decideMs);
      const { result, wallS } = await runner.run(FLEET, preset, { wrapDispatcher: timed, keepLog: false, eventSink: () => undefined });
      wall.push(wallS);
      kpis = result.summary.kpis;
    }
    decideMs.sort((a, b) => a - b);
    const q = (p: number) => decideMs[Math.min(decideMs.length - 1, Math.floor(p * decideMs.length))];
    const row = {
      preset,
      fleet: FLEET,
      wallMedianS: median(wall),
      wallS: wall,
      decideCalls: decideMs.length / RUNS,
      decideP50Ms: q(0.5),
      decideP95Ms: q(0.95),
      decideMaxMs: decideMs[decideMs.length - 1],
      within5MinPct: kpis!.within5MinPct,
      waitMeanS: kpis!.waitMeanS,
      emptyShare: kpis!.emptyShare,
    };
    console.log(
      `${preset.padEnd(18)} day wall median ${row.wallMedianS.toFixed(1)} s (${wall.map((w) => w.toFixed(1)).join(', ')})  ` +
        `decide p50 ${row.decideP50Ms.toFixed(1)} ms, p95 ${row.decideP95Ms.toFixed(1)} ms, max ${row.decideMaxMs.toFixed(0)} ms  ` +
        `within 5 min ${row.within5MinPct.toFixed(2)} %, mean wait ${row.waitMeanS.toFixed(1)} s`,
    );
    rows.push(row);
  }
  console.log(`peak RSS ${peakRssMb()} MB`);
  console.log(`wrote ${writeResult(FLEET === 700 ? 'optimiser' : `optimiser-${FLEET}-cars`, { runs: RUNS, day: '2008-05-21', calibratedOn: '2008-05-18..2008-05-20', rows, peakRssMb: peakRssMb() })}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
