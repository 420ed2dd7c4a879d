// `baton emulate`: N emulated cars and a trip file's riders against a running `baton serve`, over HTTP and the vehicle
// WebSocket; prints the ride outcomes and the KPIs folded from the server's stored event log.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_DWELL } from '../core/sim/engine-options.js';
import { RoadSnapper } from '../core/network/snap.js';
import { hhmm, runEmulation, type EmulateResult } from '../io/emulator/emulator.js';
import type { CarWorld } from '../io/emulator/car.js';
import { parseSimSettings } from '../io/settings.js';
import { DEFAULT_DATA_DIR, openStore, SQLITE_FILE } from '../io/store/index.js';
import { UsageError } from './args.js';
import { progressBar } from './progress.js';
import { addSettingOptions, openRunnerWithProgress, scenarioLine } from './scenario-cli.js';
import { formatKpis } from './simulate.js';
import { emitJson, JSON_FLAGS, jsonFile, jsonHelp, jsonOnStdout, type JsonOption } from './json-option.js';

/** The scenario options emulate shares with simulate and serve: which network, which requests. */
const EMULATE_SCENARIO_SETTINGS = ['network', 'trips', 'format', 'date', 'window', 'bbox', 'requests', 'share', 'seed', 'snapCutoffM', 'speedFactors'] as const;

interface EmulateCliOptions {
  url: string;
  operatorKey?: string;
  dataDir: string;
  db?: string;
  cars: string;
  riders: string;
  speed?: string;
  prefix: string;
  drain: string;
  json?: JsonOption;
}

function intOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer in [${min}, ${max}], got "${value}"`);
  return n;
}

export function registerEmulateCommand(program: Command): void {
  const cmd = program
    .command('emulate')
    .description("drive emulated cars and replay a day's ride requests against a running `baton serve`, then print the KPIs of the server's event log");
  const settingsOf = addSettingOptions(cmd, EMULATE_SCENARIO_SETTINGS);
  cmd
    .option('--url <url>', 'the server', 'http://127.0.0.1:8080')
    .option('--operator-key <key>', 'an operator API key (or BATON_OPERATOR_KEY); without one, an operator key is issued in the local --data-dir store')
    .option('--data-dir <dir>', "the server's data directory, to issue an operator key when none is given", DEFAULT_DATA_DIR)
    .option('--db <url>', "the server's PostgreSQL store, to issue an operator key when none is given")
    .option('--cars <n>', 'emulated cars (at most the server\'s --fleet)', '500')
    .option('--riders <n>', 'rider accounts the requests are spread over', '100')
    .option('--speed <x>', "the server's --speed (checked; by default whatever the server runs at)")
    .option('--prefix <text>', 'prefix of the car ids, rider ids and idempotency keys', 'emu')
    .option('--drain <s>', 'engine seconds after the last request to wait for every ride to end', '7200')
    .option(JSON_FLAGS, jsonHelp('the outcomes and KPIs'))
    .action(async (o: EmulateCliOptions & Record<string, unknown>) => {
      const cars = intOption('--cars', o.cars, 1, 1_000_000);
      const riders = intOption('--riders', o.riders, 1, 100_000);
      const drainS = intOption('--drain', o.drain, 0, 7 * 86_400);
      const speed = o.speed === undefined ? undefined : Number(o.speed);
      if (speed !== undefined && !(speed > 0)) throw new UsageError(`--speed must be a positive number, got "${o.speed}"`);
      if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,20}$/.test(o.prefix)) throw new UsageError(`--prefix must be 1–21 letters, digits or . _ : -, got "${o.prefix}"`);
      try {
        new URL(o.url);
      } catch {
        throw new UsageError(`--url must be a URL such as http://127.0.0.1:8080, got "${o.url}"`);
      }
      const operatorKey = o.operatorKey ?? process.env.BATON_OPERATOR_KEY ?? (await issueOperatorKey(o));

      const [scenarioInput, origin] = await settingsOf(o);
      const settings = parseSimSettings({ ...scenarioInput, fleet: cars }, origin);
      const runner = await openRunnerWithProgress(settings);
      const scenario = runner.scenario;
      process.stderr.write(scenarioLine(scenario));
      const { graph, travelTimes } = scenario.network;
      const snapper = new RoadSnapper(graph);
      const world: CarWorld = {
        nodeAt: (lat, lon) => snapper.snap(lat, lon)?.node ?? 0,
        lat: (n) => graph.lat[n],
        lon: (n) => graph.lon[n],
        timeS: (a, b, t) => Math.round(travelTimes.timeS(a, b, t)),
        pickupDwellS: DEFAULT_DWELL.pickupS,
        dropoffDwellS: DEFAULT_DWELL.dropoffS,
      };
      const bar = progressBar('emulate', scenario.requests.length, '{bar} {clock} | {value}/{total} requests | {acked} acknowledged | {connected} cars connected', {
        clock: '--:--',
        acked: 0,
        connected: 0,
      });
      let result: EmulateResult;
      try {
        result = await runEmulation({
          url: o.url,
          operatorKey,
          cars,
          trips: scenario.requests,
          world,
          riders,
          speed,
          prefix: o.prefix,
          drainS,
          onProgress: (p) => bar.update(p.handled, { clock: hhmm(p.engineTimeS), acked: p.acked, connected: p.connected }),
          log: (line) => void process.stderr.write(`${line}\n`),
        });
      } finally {
        bar.stop();
      }
      if (!jsonOnStdout(o.json)) process.stdout.write(formatEmulation(result));
      emitJson(o.json, emulationJson(result));
    });
}

/** An operator key issued straight in the server's store (same machine), for the two-command demo. */
async function issueOperatorKey(o: EmulateCliOptions): Promise<string> {
  if (!o.db && !existsSync(join(o.dataDir, SQLITE_FILE))) {
    throw new UsageError(`no operator key: give --operator-key (or BATON_OPERATOR_KEY), or --data-dir of the running server (no ${join(o.dataDir, SQLITE_FILE)})`);
  }
  const store = await openStore({ dataDir: o.dataDir, db: o.db });
  try {
    const { apiKey, token } = await store.createToken({ role: 'operator', subject: `${o.prefix}-operator`, label: 'baton emulate' });
    process.stderr.write(`emulate: operator key ${token.id} issued in ${store.kind === 'sqlite' ? join(o.dataDir, SQLITE_FILE) : 'the PostgreSQL store'}\n`);
    return apiKey;
  } finally {
    await store.close();
  }
}

export function formatEmulation(r: EmulateResult): string {
  const total = r.rideIds.length;
  const lines = [
    `requests         ${total}: ${r.outcomes.completed} served, ${r.outcomes.cancelled} cancelled, ${r.outcomes.rejected} rejected, ${r.outcomes.refused} refused (4xx), ${r.outcomes.open} not ended`,
    ...Object.entries(r.reasons)
      .sort((a, b) => b[1] - a[1])
      .map(([why, n]) => `  ${String(n).padStart(6)}  ${why}`),
    `idempotency      ${r.duplicates} duplicated rides, ${r.unacknowledgedStored} stored rides never acknowledged`,
    `server runs      ${r.runs.join(', ')}${r.runs.length > 1 ? ` (${r.runs.length - 1} restarts)` : ''}; ${r.events} events in the stored log`,
    `emulator         ${r.reportsSent} stop reports (${r.reportsRefused} refused), ${r.telemetrySamples} telemetry fixes, ${r.retries} retried calls, replay offset ${r.offsetS} s, ${r.wallS.toFixed(0)} s wall`,
  ];
  let out = `${lines.join('\n')}\n`;
  if (r.kpis) out += `\nKPIs from the server's event log\n${formatKpis(r.kpis, r.wallS)}\n`;
  else for (const [run, k] of r.kpisByRun) out += `\nrun ${run}: ${k.requests} requests, ${k.served} served, within 5 min ${k.within5MinPct.toFixed(1)} %\n`;
  return out;
}

export function emulationJson(r: EmulateResult): unknown {
  return {
    outcomes: r.outcomes,
    reasons: r.reasons,
    duplicates: r.duplicates,
    unacknowledgedStored: r.unacknowledgedStored,
    runs: r.runs,
    events: r.events,
    offsetS: r.offsetS,
    wallS: r.wallS,
    retries: r.retries,
    reportsSent: r.reportsSent,
    reportsRefused: r.reportsRefused,
    telemetrySamples: r.telemetrySamples,
    kpis: r.kpis ?? null,
    kpisByRun: Object.fromEntries(r.kpisByRun),
  };
}
