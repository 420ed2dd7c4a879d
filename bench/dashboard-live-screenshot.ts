// A screenshot of the live dashboard for docs/: `serve` started in this process (a network, a fleet, SQLite in a
// temp folder, the engine accelerated), ride requests sent through the rider API (between random nodes of the
// network, seeded), the page connected with an operator key, one car selected, the heat overlay on.
//
//   npm run docs:screenshots:live -- OUT.png [--network …] [--fleet N] [--rides N] [--speed X] [--at HH:MM]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { RoadSnapper } from '../src/core/network/snap.js';
import { openScenarioRunner } from '../src/io/scenario-runner.js';
import { parseSimSettings } from '../src/io/settings.js';
import { openSqliteStore } from '../src/io/store/sqlite.js';
import { dashboardBuilt } from '../src/io/replay-server.js';
import { WallClock } from '../src/io/wall-clock.js';
import { createLiveEngine, EngineConductor } from '../src/service/conductor.js';
import { startLiveService } from '../src/service/live-service.js';
import { launchChromium } from '../test/browser.js';
import type { DashboardHook } from '../web/src/hook.js';

declare const window: { __baton?: DashboardHook };

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    network: { type: 'string', multiple: true },
    fleet: { type: 'string', default: '200' },
    rides: { type: 'string', default: '300' },
    speed: { type: 'string', default: '20' },
    at: { type: 'string', default: '17:30' },
  },
});
const [out] = positionals;
if (!out) throw new Error('usage: dashboard-live-screenshot OUT.png [--network …] [--fleet N] [--rides N] [--speed X] [--at HH:MM]');
if (!dashboardBuilt()) throw new Error('the dashboard is not built: npm run build');
const fleet = Number(values.fleet);
const rides = Number(values.rides);
const speed = Number(values.speed);
const [hh, mm] = values.at.split(':').map(Number);
const startS = hh * 3600 + mm * 60;

const dir = mkdtempSync(join(tmpdir(), 'baton-live-screenshot-'));
const store = await openSqliteStore(join(dir, 'baton.sqlite'));
const settings = parseSimSettings({ network: values.network, seed: 1, dispatcher: 'greedy', fleet });
const runner = await openScenarioRunner(settings);
const dispatcher = await runner.dispatcher('greedy');
const { graph, travelTimes } = runner.scenario.network;
const engine = createLiveEngine({ graph, travelTimes, fleetSize: fleet, dispatcher, seed: 1, startS, spec: { seats: settings.seats }, maxWaitS: settings.maxWaitS, invalidCommands: 'record' });
const conductor = new EngineConductor({ engine, graph, travelTimes, snapper: new RoadSnapper(graph), seats: settings.seats, pickupDwellS: 30, dispatcherName: 'greedy' });
const service = await startLiveService({ store, conductor, clock: new WallClock({ startS, speed }), logger: pino({ level: 'warn' }), port: 0, host: '127.0.0.1', run: 1, silenceS: 0, dashboard: { graph, speed } });
const url = `${service.url}/`;
const operator = (await store.createToken({ role: 'operator', subject: 'ops' })).apiKey;
const rider = (await store.createToken({ role: 'rider', subject: 'demo' })).apiKey;
for (let i = 0; i < Math.min(fleet, 20); i++) {
  const car = (await store.createToken({ role: 'vehicle', subject: `car-${i + 1}` })).apiKey;
  await fetch(`${url}v1/vehicles/car-${i + 1}/register`, { method: 'POST', headers: { authorization: `Bearer ${car}`, 'content-type': 'application/json' }, body: '{"seats":2}' });
}
// Seeded pairs of nodes at least 1.5 km apart (straight line), sent over the first seconds of wall time.
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const node = () => Math.floor(rand() * graph.nodeCount);
let sent = 0;
const sendRides = async (n: number) => {
  for (let k = 0; k < n && sent < rides; k++) {
    let a = node();
    let b = node();
    while (Math.hypot((graph.lat[a] - graph.lat[b]) * 111_000, (graph.lon[a] - graph.lon[b]) * 88_000) < 1500) {
      a = node();
      b = node();
    }
    const body = { pickup: { lat: graph.lat[a], lon: graph.lon[a] }, dropoff: { lat: graph.lat[b], lon: graph.lon[b] }, riders: 1, acceptsSharing: false };
    const res = await fetch(`${url}v1/rides`, { method: 'POST', headers: { authorization: `Bearer ${rider}`, 'content-type': 'application/json', 'idempotency-key': `r${sent}` }, body: JSON.stringify(body) });
    if (res.status === 201) sent++;
    else await res.text();
  }
};
const context = await launchChromium(join(dir, 'profile'), { width: 1400, height: 860 });
try {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__baton?.ready === true, null, { timeout: 300_000 });
  await page.fill('#op-token', operator);
  await page.click('#operator button[type="submit"]');
  await page.waitForFunction((n) => window.__baton!.carMarkers === n, fleet, { timeout: 60_000 });
  for (let s = 0; s < 12; s++) {
    await sendRides(Math.ceil(rides / 12));
    await page.waitForTimeout(1000);
  }
  await page.evaluate(() => window.__baton!.setOverlay('heat', true));
  await page.evaluate(() => window.__baton!.select(0));
  await page.click('#vehicle [data-out]');
  await page.waitForTimeout(1500);
  await page.fill('#op-token', '');
  await page.screenshot({ path: out });
  const quant = spawnSync('pngquant', ['--force', '--quality', '70-95', '--skip-if-larger', '--output', out, out]);
  if (quant.error) process.stderr.write('(pngquant not found: the PNG stays as Chromium wrote it)\n');
  process.stderr.write(`${out}: ${Math.round(statSync(out).size / 1024)} KB, ${sent} rides sent, ${fleet} cars\n`);
} finally {
  await context.close();
  await service.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
