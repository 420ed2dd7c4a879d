// The crash test (issue 12): `baton serve` (child process) under load from the emulator is killed with SIGKILL at
// random moments and restarted on the same port and store, again and again; afterwards every ride request that was
// acknowledged must be in the store once (idempotent retries: no duplicates) and in a terminal state.
//
//   npx tsx test/service/crash-run.ts [--kills 20] [--db sqlite|postgres] [--fleet 60] [--speed 20] [--json FILE]
//
// test/service/crash.test.ts runs it with fewer kills; the script's figures go to docs/BENCHMARKS.md.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DWELL } from '../../src/core/sim/engine-options.js';
import { RoadSnapper } from '../../src/core/network/snap.js';
import { runEmulation, type EmulateResult } from '../../src/io/emulator/emulator.js';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { openStore } from '../../src/io/store/index.js';
import { TERMINAL_RIDE_STATUSES } from '../../src/io/store/store.js';
import { runCli } from '../cli/run-cli.js';
import { freePort, startPostgres, type PostgresServer } from './postgres-server.js';
import { killServe, startServeProcess, type ServeProcess } from './serve-process.js';
import { writeSyntheticTrips } from './synthetic-trips.js';

export interface CrashRunOptions {
  kills: number;
  db: 'sqlite' | 'postgres';
  fleet?: number;
  speed?: number;
  /** Synthetic requests in the day the trip file is cut from (the window keeps about 1/13 of them). */
  requests?: number;
  window?: string;
  /** Wall ms a server lives before it is killed: uniform in [min, max]. */
  upMs?: [number, number];
  seed?: number;
  log?(line: string): void;
}

export interface CrashRunResult {
  db: 'sqlite' | 'postgres';
  kills: number;
  requests: number;
  acknowledged: number;
  refused: number;
  /** Acknowledged rides not found in the store afterwards (must be 0). */
  missing: number;
  /** Trips whose retries named another ride, and stored rides no acknowledgement named (both must be 0). */
  duplicates: number;
  unacknowledgedStored: number;
  /** Acknowledged rides not terminal at the end (must be 0). */
  notTerminal: number;
  byStatus: Record<string, number>;
  /** Why rides ended other than served (from the emulator's final read of the server). */
  reasons: Record<string, number>;
  runs: number;
  retries: number;
  /** Wall seconds from SIGKILL to the new server listening: mean and max. */
  restartMeanS: number;
  restartMaxS: number;
  wallS: number;
}

/** A small seeded generator for the kill moments (the test repeats). */
function lcg(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

export async function crashRun(o: CrashRunOptions): Promise<CrashRunResult> {
  const t0 = Date.now();
  const log = o.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'baton-crash-'));
  const fleet = o.fleet ?? 60;
  const speed = o.speed ?? 60;
  const window = o.window ?? '08:00-08:40';
  const rand = lcg(o.seed ?? 12);
  const [upMin, upMax] = o.upMs ?? [1500, 5000];
  let pg: PostgresServer | undefined;
  let serve: ServeProcess | undefined;
  try {
    const trips = join(dir, 'trips.csv');
    await writeSyntheticTrips(trips, { requests: o.requests ?? 6000 });
    const scenarioArgs = ['--trips', trips, '--format', 'baton', '--window', window];
    const data = join(dir, 'data');
    let dbArgs = ['--data-dir', data];
    if (o.db === 'postgres') {
      pg = await startPostgres();
      dbArgs = ['--db', await pg.createDatabase('crash')];
    }
    const key = runCli(['token', 'create', '--role', 'operator', '--subject', 'crash-test', '--json', ...dbArgs]);
    if (key.status !== 0) throw new Error(`token create: ${key.stderr}`);
    const operatorKey = JSON.parse(key.stdout).apiKey as string;
    const port = await freePort();
    const serveArgs = ['--port', String(port), ...dbArgs, '--fleet', String(fleet), '--dispatcher', 'greedy', '--speed', String(speed), '--start', '08:00', '--silence', '0', ...scenarioArgs];
    serve = await startServeProcess(serveArgs);

    const runner = await openScenarioRunner(parseSimSettings({ trips, format: 'baton', window, fleet }));
    const { graph, travelTimes } = runner.scenario.network;
    const snapper = new RoadSnapper(graph);
    const emulation: Promise<EmulateResult> = runEmulation({
      url: serve.url,
      operatorKey,
      cars: fleet,
      trips: runner.scenario.requests,
      riders: 20,
      prefix: 'crash',
      drainS: 3600,
      world: {
        nodeAt: (lat, lon) => snapper.snap(lat, lon)?.node ?? 0,
        lat: (n) => graph.lat[n],
        lon: (n) => graph.lon[n],
        timeS: (a, b, t) => Math.round(travelTimes.timeS(a, b, t)),
        pickupDwellS: DEFAULT_DWELL.pickupS,
        dropoffDwellS: DEFAULT_DWELL.dropoffS,
      },
      log,
    });
    let emulationDone = false;
    void emulation.then(
      () => void (emulationDone = true),
      () => void (emulationDone = true),
    );

    const restartS: number[] = [];
    for (let k = 0; k < o.kills && !emulationDone; k++) {
      await new Promise((r) => setTimeout(r, upMin + rand() * (upMax - upMin)));
      if (emulationDone) break;
      await killServe(serve);
      const k0 = Date.now();
      serve = await startServeProcess(serveArgs);
      restartS.push((Date.now() - k0) / 1000);
      log(`kill ${k + 1}/${o.kills}: restarted in ${restartS[restartS.length - 1].toFixed(1)} s, ${serve.resumed} open rides resumed`);
    }
    const r = await emulation;

    // The store itself, read directly: every acknowledged ride once, terminal.
    const store = await openStore(o.db === 'postgres' ? { db: dbArgs[1] } : { dataDir: data });
    const byStatus: Record<string, number> = {};
    let missing = 0;
    let notTerminal = 0;
    const acked = r.rideIds.filter((id): id is string => id !== null);
    try {
      for (const id of acked) {
        const ride = await store.getRide(id);
        if (!ride) {
          missing++;
          continue;
        }
        byStatus[ride.status] = (byStatus[ride.status] ?? 0) + 1;
        if (!TERMINAL_RIDE_STATUSES.has(ride.status)) notTerminal++;
      }
    } finally {
      await store.close();
    }
    return {
      db: o.db,
      kills: restartS.length,
      requests: r.rideIds.length,
      acknowledged: acked.length,
      refused: r.outcomes.refused,
      missing,
      duplicates: r.duplicates,
      unacknowledgedStored: r.unacknowledgedStored,
      notTerminal,
      byStatus,
      reasons: r.reasons,
      runs: r.runs.length,
      retries: r.retries,
      restartMeanS: restartS.length ? restartS.reduce((a, b) => a + b, 0) / restartS.length : 0,
      restartMaxS: restartS.length ? Math.max(...restartS) : 0,
      wallS: (Date.now() - t0) / 1000,
    };
  } finally {
    if (serve) await killServe(serve);
    if (pg) await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string, def: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : def;
  };
  const db = arg('--db', 'sqlite');
  if (db !== 'sqlite' && db !== 'postgres') throw new Error(`--db must be sqlite or postgres, got "${db}"`);
  const result = await crashRun({
    kills: Number(arg('--kills', '20')),
    db,
    fleet: Number(arg('--fleet', '60')),
    speed: Number(arg('--speed', '20')),
    log: (line) => void process.stderr.write(`${line}\n`),
  });
  console.log(JSON.stringify(result, null, 2));
  const out = arg('--json', '');
  if (out) writeFileSync(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...result }, null, 2)}\n`);
  if (result.missing || result.duplicates || result.unacknowledgedStored || result.notTerminal) process.exitCode = 1;
}
