// `baton token create` and `baton serve` end to end: the real CLI in child processes, the real SQLite store and the
// real engine on the synthetic city, killed with SIGKILL and restarted.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/io/store/sqlite.js';
import { REPO, runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-serve-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function tokenCreate(role: string, subject: string): string {
  const r = runCli(['token', 'create', '--role', role, '--subject', subject, '--data-dir', dir, '--json']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout).apiKey;
}

describe('baton token create', () => {
  it('prints a key once that the store then recognises by its hash', async () => {
    const r = runCli(['token', 'create', '--role', 'operator', '--subject', 'ops', '--label', 'first', '--data-dir', dir, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ role: 'operator', subject: 'ops', apiKey: expect.stringMatching(/^baton_[A-Za-z0-9_-]{43}$/) });
    expect(r.stderr).toMatch(/shown only now/);
    const store = await openSqliteStore(join(dir, 'baton.sqlite'));
    expect(await store.findTokenByKey(out.apiKey)).toMatchObject({ id: out.tokenId, role: 'operator', label: 'first' });
    await store.close();
  });

  it('refuses an unknown role or a bad subject, naming the option', () => {
    const role = runCli(['token', 'create', '--role', 'admin', '--subject', 'x', '--data-dir', dir]);
    expect(role.status).toBe(1);
    expect(role.stderr).toMatch(/--role must be one of rider, vehicle, operator, got "admin"/);
    const subject = runCli(['token', 'create', '--role', 'rider', '--subject', 'a b', '--data-dir', dir]);
    expect(subject.status).toBe(1);
    expect(subject.stderr).toMatch(/--subject/);
  });
});

async function startServe(extra: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO, 'src/cli/main.ts'), 'serve', '--port', '0', '--data-dir', dir, '--dispatcher', 'greedy', '--fleet', '4', '--speed', '100', ...extra], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      for (const line of out.split('\n')) {
        if (!line.includes('baton serve: listening')) continue;
        res(JSON.parse(line).url);
      }
    });
    child.on('exit', (code) => rej(new Error(`serve exited ${code}: ${out}`)));
  });
  return { child, url };
}

const call = async (url: string, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: (res.headers.get('content-type') ?? '').startsWith('application/json') ? JSON.parse(text) : undefined };
};

describe('baton serve with the live engine', () => {
  it('serves a ride end to end on the synthetic city, survives SIGKILL, and exports its event log', async () => {
    const rider = tokenCreate('rider', 'alice');
    const cars = ['car-a', 'car-b'].map((id) => [id, tokenCreate('vehicle', id)] as const);
    const ops = tokenCreate('operator', 'ops2');
    let { child, url } = await startServe();
    expect((await call(url, 'GET', '/healthz')).status).toBe(200);
    expect((await call(url, 'GET', '/readyz')).status).toBe(200);
    const positions = [];
    for (const [id, key] of cars) {
      const r = await call(url, 'POST', `/v1/vehicles/${id}/register`, key, { seats: 2 });
      expect(r.status, r.text).toBe(200);
      positions.push({ lat: r.json.lat, lon: r.json.lon });
    }
    const ride = await call(url, 'POST', '/v1/rides', rider, { pickup: positions[0], dropoff: positions[1] }, { 'idempotency-key': 'e2e-1' });
    expect(ride.status, ride.text).toBe(201);
    const rideId = ride.json.rideId;
    let status = '';
    for (let i = 0; i < 600 && status !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await call(url, 'GET', `/v1/rides/${rideId}`, rider)).json.status;
    }
    expect(status).toBe('completed');
    await new Promise((r) => setTimeout(r, 500)); // one recorder flush
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    ({ child, url } = await startServe());
    const again = await call(url, 'GET', `/v1/rides/${rideId}`, rider);
    expect(again.json).toMatchObject({ rideId, status: 'completed' });
    const retry = await call(url, 'POST', '/v1/rides', rider, { pickup: positions[0], dropoff: positions[1] }, { 'idempotency-key': 'e2e-1' });
    expect(retry.json.rideId).toBe(rideId);
    const log = await call(url, 'GET', '/v1/operator/events?run=1', ops);
    const kinds = log.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(kinds.find((e) => e.kind === 'RequestSubmitted')).toMatchObject({ id: rideId });
    expect(kinds.some((e) => e.kind === 'DroppedOff')).toBe(true);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }, 300_000);

  it('starts a pooled preset with the ride limit of --min-detour and --detour-share as its live parameters', async () => {
    const ops = tokenCreate('operator', 'ops3');
    const serve = await startServe(['--dispatcher', 'pooled', '--min-detour', '240', '--detour-share', '0.75']);
    const got = await call(serve.url, 'GET', '/v1/operator/dispatcher', ops);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ preset: 'pooled', parameters: { minDetourS: 240, detourShare: 0.75 } });
    serve.child.kill('SIGKILL');
    const bad = runCli(['serve', '--port', '0', '--data-dir', dir, '--dispatcher', 'pooled', '--detour-share', '9']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--detour-share "9": expected a share of the direct ride in 0..5');
  }, 120_000);
});
