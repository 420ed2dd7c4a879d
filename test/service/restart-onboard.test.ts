// A restart with a rider on board (issue 12, decision 0020): `baton serve` (the real CLI, child process, SQLite) is
// killed with SIGKILL while a car carries a rider and started again on the same store; the rider is put back in the
// same car and dropped off by it, never picked up twice, and the stored event log says so run by run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/io/store/sqlite.js';
import { freePort } from './postgres-server.js';
import { killServe, startServeProcess, type ServeProcess } from './serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-restart-onboard-'));
const running: ServeProcess[] = [];
afterAll(async () => {
  for (const p of running) await killServe(p);
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function call(url: string, method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: (res.headers.get('content-type') ?? '').startsWith('application/json') ? JSON.parse(text) : undefined };
}

describe('restart with riders on board', () => {
  it('puts a rider picked up before SIGKILL back in the same car, which drops them off; one pickup in the whole log', async () => {
    const store = await openSqliteStore(join(dir, 'baton.sqlite'));
    const ops = (await store.createToken({ role: 'operator', subject: 'ops' })).apiKey;
    const rider = (await store.createToken({ role: 'rider', subject: 'alice' })).apiKey;
    const cars = { 'car-a': (await store.createToken({ role: 'vehicle', subject: 'car-a' })).apiKey, 'car-b': (await store.createToken({ role: 'vehicle', subject: 'car-b' })).apiKey };
    await store.close();
    const port = await freePort();
    // Slow enough (4×) that the ride lasts many wall seconds; no silence watch (the test's cars send one fix only).
    const args = (speed: number) => ['--port', String(port), '--data-dir', dir, '--dispatcher', 'greedy', '--fleet', '2', '--speed', String(speed), '--start', '08:00', '--silence', '0'];
    let serve = await startServeProcess(args(4));
    running.push(serve);
    const at: Record<string, { lat: number; lon: number }> = {};
    for (const [id, key] of Object.entries(cars)) {
      const r = await call(serve.url, 'POST', `/v1/vehicles/${id}/register`, key, { seats: 2 });
      expect(r.status, r.text).toBe(200);
      at[id] = { lat: r.json.lat, lon: r.json.lon };
    }
    // From where car-a stands to where car-b stands: car-a is there at once.
    const ride = await call(serve.url, 'POST', '/v1/rides', rider, { pickup: at['car-a'], dropoff: at['car-b'], riders: 1, acceptsSharing: false }, { 'idempotency-key': 'onboard-1' });
    expect(ride.status, ride.text).toBe(201);
    const rideId: string = ride.json.rideId;
    let status = '';
    for (let i = 0; i < 300 && status !== 'onboard'; i++) {
      await sleep(50);
      status = (await call(serve.url, 'GET', `/v1/rides/${rideId}`, rider)).json.status;
    }
    expect(status).toBe('onboard');
    // The car reports where it is; the sighting and the ride's status reach the store (flushes every 1 s / 200 ms).
    const carA = (await call(serve.url, 'GET', '/v1/operator/fleet', ops)).json.vehicles.find((v: { vehicleId: string }) => v.vehicleId === 'car-a');
    expect(carA).toMatchObject({ onboard: 1 });
    await call(serve.url, 'POST', '/v1/vehicles/car-a/telemetry', cars['car-a'], { type: 'telemetry', samples: [{ atMs: Date.now(), lat: carA.lat, lon: carA.lon }] });
    await sleep(1500);
    expect((await call(serve.url, 'GET', `/v1/rides/${rideId}`, rider)).json.status).toBe('onboard');
    await killServe(serve);

    const after = await openSqliteStore(join(dir, 'baton.sqlite'));
    const row = await after.getRide(rideId);
    await after.close();
    expect(row).toMatchObject({ status: 'onboard', vehicleId: 'car-a', pickedUpS: expect.any(Number) });

    // Faster after the restart (the clock carries on from the engine second reached), so the drive takes wall seconds.
    serve = await startServeProcess(args(40));
    running.push(serve);
    expect(serve.onboard).toBe(1);
    expect((await call(serve.url, 'GET', `/v1/rides/${rideId}`, rider)).json).toMatchObject({ status: 'onboard', vehicleId: 'car-a' });
    for (let i = 0; i < 600 && status !== 'completed'; i++) {
      await sleep(100);
      status = (await call(serve.url, 'GET', `/v1/rides/${rideId}`, rider)).json.status;
    }
    expect(status).toBe('completed');
    await sleep(500); // one recorder flush
    const log = (await call(serve.url, 'GET', '/v1/operator/events', ops)).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const run2 = (await call(serve.url, 'GET', '/v1/operator/events?run=2', ops)).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // Run 1: submitted and picked up. Run 2: resumed on board the same car (slot 0: car-a registered first), dropped off.
    const resumed = run2.find((e) => e.kind === 'RequestResumed');
    expect(resumed).toMatchObject({ id: rideId, vehicle: 0, riders: 1, pickedUpS: row!.pickedUpS });
    expect(run2.filter((e) => e.kind === 'RequestSubmitted')).toEqual([]);
    expect(run2.filter((e) => e.kind === 'PickedUp')).toEqual([]);
    expect(run2.find((e) => e.kind === 'DroppedOff')).toMatchObject({ request: resumed.request, vehicle: 0 });
    expect(log.filter((e) => e.kind === 'PickedUp')).toHaveLength(1);
    expect(log.filter((e) => e.kind === 'DroppedOff')).toHaveLength(1);
    const final = await openSqliteStore(join(dir, 'baton.sqlite'));
    try {
      expect(await final.getRide(rideId)).toMatchObject({ status: 'completed' });
      expect(await final.countRides()).toBe(1);
    } finally {
      await final.close();
    }
  }, 300_000);
});
