// End to end over the network: `baton serve` (child process, real SQLite, real engine) on the synthetic city and
// `baton emulate` (child process: cars on the vehicle WebSocket, riders over HTTP) replaying one hour of requests at
// 60× real time. Every request must end served, cancelled or rejected with a reason, and the within-5-minute share
// folded from the server's stored event log must be within 3 points of `simulate` on the same trips and preset.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { runCli } from '../cli/run-cli.js';
import { freePort } from './postgres-server.js';
import { killServe, startServeProcess, type ServeProcess } from './serve-process.js';
import { writeSyntheticTrips } from './synthetic-trips.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-emulate-'));
const servers: ServeProcess[] = [];
afterAll(async () => {
  for (const s of servers) await killServe(s);
  rmSync(dir, { recursive: true, force: true });
});

const FLEET = 70;
const WINDOW = '08:00-09:00';

describe('baton emulate against baton serve', () => {
  it('ends every request with a reason and matches simulate within 3 points (within 5 min)', async () => {
    const trips = join(dir, 'trips.csv');
    await writeSyntheticTrips(trips, { requests: 4000 });
    const scenario = ['--trips', trips, '--format', 'baton', '--window', WINDOW];
    const port = await freePort();
    const data = join(dir, 'data');
    const serve = await startServeProcess(['--port', String(port), '--data-dir', data, '--fleet', String(FLEET), '--dispatcher', 'greedy', '--speed', '60', '--start', '08:00', '--hold', ...scenario]);
    servers.push(serve);

    const out = join(dir, 'emulate.json');
    const r = runCli(['emulate', '--url', serve.url, '--data-dir', data, '--cars', String(FLEET), '--speed', '60', '--json', out, ...scenario], { timeoutMs: 400_000, env: { BATON_NO_PROGRESS: '1' } });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(readFileSync(out, 'utf8'));
    const n = got.outcomes.completed + got.outcomes.cancelled + got.outcomes.rejected + got.outcomes.refused + got.outcomes.open;
    expect(n).toBe(307);
    expect(got.outcomes.open).toBe(0);
    expect(got.outcomes.refused).toBe(0);
    expect(got.duplicates).toBe(0);
    expect(got.unacknowledgedStored).toBe(0);
    // Every ride that did not end served carries its reason.
    for (const why of Object.keys(got.reasons)) expect(why).toMatch(/^(cancelled|rejected) \S/);
    expect(r.stdout).toMatch(/KPIs from the server's event log/);
    // The server held its clock at 08:00 until the cars were connected: the replay starts on time.
    expect(r.stderr).toMatch(/clock started at engine 08:00/);
    expect(got.offsetS).toBe(0);

    const runner = await openScenarioRunner(parseSimSettings({ trips, format: 'baton', window: WINDOW, fleet: FLEET, dispatcher: 'greedy' }));
    const sim = (await runner.run(FLEET, 'greedy')).result.summary.kpis;
    expect(got.kpis.requests).toBe(sim.requests);
    expect(got.kpis.served + got.kpis.cancelled + got.kpis.rejected).toBe(sim.requests);
    expect(Math.abs(got.kpis.within5MinPct - sim.within5MinPct)).toBeLessThanOrEqual(3);
  }, 600_000);
});
