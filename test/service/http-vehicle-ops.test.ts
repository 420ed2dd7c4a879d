// Vehicle and operator APIs and the public operational endpoints, over real sockets with a real SQLite store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventsToNdjson, type SimEvent } from '../../src/core/sim/events.js';
import { Recorder } from '../../src/service/recorder.js';
import { SF_RIDE, startTestServer, waitFor, type TestServer } from './harness.js';

let s: TestServer;
let car: string;
let ops: string;
let rider: string;
beforeAll(async () => {
  s = await startTestServer();
  car = await s.token('vehicle', 'car-1');
  ops = await s.token('operator', 'ops');
  rider = await s.token('rider', 'rita');
});
afterAll(() => s.close());

const wsUrl = (path: string) => `${s.url.replace('http', 'ws')}${path}`;

describe('vehicles', () => {
  it('register (idempotent), then stream telemetry batches and receive plans over one WebSocket', async () => {
    const reg = await s.call('POST', '/v1/vehicles/car-1/register', { token: car, body: { seats: 2 } });
    expect(reg.status).toBe(200);
    expect(reg.json).toMatchObject({ vehicleId: 'car-1', inService: true, plan: [] });
    expect((await s.call('POST', '/v1/vehicles/car-1/register', { token: car, body: { seats: 2 } })).status).toBe(200);
    expect(await s.store.getVehicle('car-1')).toMatchObject({ seats: 2, inService: true });

    const ws = new WebSocket(wsUrl('/v1/vehicles/car-1/stream'), { headers: { authorization: `Bearer ${car}` } });
    const got: any[] = [];
    ws.on('message', (m) => got.push(JSON.parse(m.toString())));
    await new Promise((r) => ws.on('open', r));
    await waitFor(() => got.length >= 1);
    expect(got[0]).toEqual({ type: 'plan', stops: [] });
    const samples = Array.from({ length: 5 }, (_, i) => ({ atMs: 1_700_000_000_000 + i * 1000, lat: 37.79 + i * 1e-4, lon: -122.39, speedMps: 8, socPct: 80 - i, status: 'driving' }));
    ws.send(JSON.stringify({ type: 'telemetry', samples }));
    await waitFor(() => (s.conductor.samples.get('car-1')?.length ?? 0) === 5);
    // Malformed messages get an error reply; the socket stays open.
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'telemetry', samples: [{ atMs: 1, lat: 100, lon: 0 }] }));
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await waitFor(() => got.length >= 4);
    expect(got.slice(1).map((m) => m.error)).toEqual(['invalid_json', 'invalid_message', 'invalid_message']);
    expect(got[2].reason).toMatch(/samples\.0\.lat/);
    const r = await s.call('POST', '/v1/rides', { token: rider, body: SF_RIDE, headers: { 'idempotency-key': 'v1' } });
    s.conductor.assign(r.json.rideId, 'car-1');
    await waitFor(() => got.length >= 5);
    expect(got[4]).toMatchObject({ type: 'plan', stops: [{ action: 'pickup', rideId: r.json.rideId }, { action: 'dropoff' }] });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
    // Last positions reach the store in batches.
    await s.built.ctx.telemetry.flush();
    expect(await s.store.getVehicle('car-1')).toMatchObject({ lat: 37.79 + 4e-4, lon: -122.39, socPct: 76 });
  });

  it('accepts telemetry over HTTP too, within its own larger body limit', async () => {
    const samples = Array.from({ length: 120 }, (_, i) => ({ atMs: i, lat: 37.7, lon: -122.4, speedMps: 10, socPct: 50, status: 'driving' }));
    const r = await s.call('POST', '/v1/vehicles/car-1/telemetry', { token: car, body: { type: 'telemetry', samples } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ received: 120 });
    expect((await s.call('POST', '/v1/vehicles/car-1/telemetry', { token: car, body: { type: 'telemetry', samples: [...samples, samples[0]] } })).status).toBe(400);
  });

  it('reports: a fault takes the car out of service (durably); assistance requests queue for operators', async () => {
    const car2 = await s.token('vehicle', 'car-2');
    await s.call('POST', '/v1/vehicles/car-2/register', { token: car2, body: {} });
    expect((await s.call('POST', '/v1/vehicles/car-2/reports', { token: car2, body: { kind: 'assist', description: 'road closed' } })).status).toBe(200);
    const fault = await s.call('POST', '/v1/vehicles/car-2/reports', { token: car2, body: { kind: 'fault', code: 'tyre', description: 'flat' } });
    expect(fault.status).toBe(200);
    expect(await s.store.getVehicle('car-2')).toMatchObject({ inService: false, outOfServiceReason: 'fault tyre' });
    const assists = await s.call('GET', '/v1/operator/assists', { token: ops });
    expect(assists.json.assists).toEqual([expect.objectContaining({ vehicleId: 'car-2', description: 'road closed' })]);
    expect((await s.call('POST', '/v1/vehicles/car-2/reports', { token: car2, body: { kind: 'teleport' } })).status).toBe(400);
  });

  it('the stream refuses an unregistered vehicle (404) and a missing token (401) before upgrading', async () => {
    const ghost = await s.token('vehicle', 'ghost');
    for (const [headers, code] of [[{ authorization: `Bearer ${ghost}` }, 404], [{}, 401]] as const) {
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(wsUrl('/v1/vehicles/ghost/stream'), { headers });
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
        ws.on('error', () => undefined);
      });
      expect(status).toBe(code);
    }
  });

  it('takes a car out of silent service after the configured silence', async () => {
    let now = 1000;
    const t = await startTestServer({ silenceS: 30, nowMs: () => now });
    try {
      const key = await t.token('vehicle', 'quiet');
      await t.call('POST', '/v1/vehicles/quiet/register', { token: key, body: {} });
      now += 29_000;
      expect(t.built.ctx.telemetry.checkSilence()).toEqual([]);
      now += 2_000;
      expect(t.built.ctx.telemetry.checkSilence()).toEqual(['quiet']);
      expect(t.conductor.vehicle('quiet')).toMatchObject({ inService: false, outOfServiceReason: 'telemetry silent for more than 30 s' });
    } finally {
      await t.close();
    }
  });
});

describe('operators', () => {
  it('see the fleet, requests of every rider, KPIs; take a car out of service and back', async () => {
    const fleet = await s.call('GET', '/v1/operator/fleet', { token: ops });
    expect(fleet.json.vehicles.map((v: { vehicleId: string }) => v.vehicleId)).toContain('car-1');
    const reqs = await s.call('GET', '/v1/operator/requests?limit=10', { token: ops });
    expect(reqs.json.rides[0]).toMatchObject({ riderId: 'rita' });
    expect((await s.call('GET', '/v1/operator/requests?status=bogus', { token: ops })).status).toBe(400);
    const kpis = await s.call('GET', '/v1/operator/kpis', { token: ops });
    expect(kpis.json.kpis).toHaveProperty('within5MinPct');
    expect(kpis.json.live).toHaveProperty('vehiclesByState');
    const out = await s.call('POST', '/v1/operator/vehicles/car-1/out-of-service', { token: ops, body: { reason: 'cleaning' } });
    expect(out.status).toBe(200);
    expect(out.json).toMatchObject({ inService: false, outOfServiceReason: 'operator ops: cleaning' });
    expect(await s.store.getVehicle('car-1')).toMatchObject({ inService: false });
    expect((await s.call('POST', '/v1/operator/vehicles/car-1/in-service', { token: ops, body: {} })).json).toMatchObject({ inService: true });
    expect((await s.call('POST', '/v1/operator/vehicles/nope/out-of-service', { token: ops, body: { reason: 'x' } })).status).toBe(404);
    expect((await s.call('POST', '/v1/operator/vehicles/car-1/out-of-service', { token: ops, body: {} })).status).toBe(400);
  });

  it('issue tokens that work at once for their role and subject only', async () => {
    const r = await s.call('POST', '/v1/operator/tokens', { token: ops, body: { role: 'rider', subject: 'newbie', label: 'app' } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ role: 'rider', subject: 'newbie', apiKey: expect.stringMatching(/^baton_/) });
    expect((await s.call('GET', '/v1/rides', { token: r.json.apiKey })).status).toBe(200);
    expect((await s.call('GET', '/v1/operator/fleet', { token: r.json.apiKey })).status).toBe(403);
    expect((await s.call('POST', '/v1/operator/tokens', { token: ops, body: { role: 'admin', subject: 'x' } })).status).toBe(400);
  });

  it("export the stored event log as the simulator's NDJSON, byte for byte", async () => {
    const recorder = new Recorder(s.store, s.conductor, 1);
    const events: SimEvent[] = [
      { kind: 'VehiclePlaced', timeS: 0, vehicle: 0, node: 3, seats: 2 },
      { kind: 'VehicleArrived', timeS: 9, vehicle: 0, node: 4, distanceM: 10.123456, energyKwh: 0.001, onboard: 0, diverted: true },
    ];
    for (const ev of events) s.conductor.emit(ev);
    await recorder.close();
    const all = await s.call('GET', '/v1/operator/events', { token: ops });
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    expect(all.text.endsWith(eventsToNdjson(events))).toBe(true);
    const seq = await s.store.lastEventSeq();
    expect((await s.call('GET', `/v1/operator/events?fromSeq=${seq}`, { token: ops })).text).toBe(eventsToNdjson(events.slice(1)));
    expect((await s.call('GET', '/v1/operator/events?fromSeq=0', { token: ops })).status).toBe(400);
  });
});

describe('operations', () => {
  it('/healthz and /readyz', async () => {
    expect((await s.call('GET', '/healthz')).json).toEqual({ status: 'ok' });
    expect((await s.call('GET', '/readyz')).json).toEqual({ status: 'ready' });
    s.conductor.ready = false;
    const r = await s.call('GET', '/readyz');
    s.conductor.ready = true;
    expect(r.status).toBe(503);
    expect(r.json.error).toBe('not_ready');
  });

  it('/metrics is Prometheus text with request latency histograms, ride outcomes and fleet gauges', async () => {
    const m = await s.call('GET', '/metrics');
    expect(m.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(m.text).toMatch(/# TYPE baton_http_request_duration_seconds histogram/);
    expect(m.text).toMatch(/baton_http_request_duration_seconds_bucket\{method="POST",route="\/v1\/rides",code="201",le="0\.1"\} \d+/);
    expect(m.text).toMatch(/baton_http_request_duration_seconds_count\{method="GET",route="\/v1\/operator\/fleet",code="200"\} \d+/);
    expect(m.text).toMatch(/baton_ride_requests_total\{outcome="created"\} \d+/);
    expect(m.text).toMatch(/baton_telemetry_samples_total \d+/);
    expect(m.text).toMatch(/baton_vehicles\{state="out_of_service"\} \d+/);
    for (const line of m.text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [-+\dInfNa.e]+)$/);
  });

  it('/openapi.json documents every route with its roles, parameters and body schema, from the validating schemas', async () => {
    const doc = (await s.call('GET', '/openapi.json')).json;
    expect(doc.openapi).toBe('3.0.3');
    const post = doc.paths['/v1/rides'].post;
    expect(post['x-roles']).toEqual(['rider']);
    expect(post.parameters).toEqual([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true })]);
    const body = post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['pickup', 'dropoff']);
    expect(body.properties.pickup.properties.lat).toMatchObject({ type: 'number', minimum: -90, maximum: 90 });
    expect(body.additionalProperties).toBe(false);
    expect(doc.paths['/v1/rides/{rideId}'].delete.parameters[0]).toMatchObject({ name: 'rideId', in: 'path', required: true });
    expect(doc.paths['/v1/vehicles/{vehicleId}/stream'].get.responses['101']).toBeDefined();
    expect(doc.paths['/v1/operator/requests'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['status', 'limit', 'afterId']);
    const routes = s.built.app.printRoutes({ commonPrefix: false });
    for (const path of Object.keys(doc.paths)) expect(routes, path).toContain(path.replace(/\{(\w+)\}/g, ':$1').split('/').pop()!);
    const docs = await s.call('GET', '/docs');
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    expect(docs.text).toContain('/openapi.json');
  });

  it('unknown routes and methods answer 404 {error, reason}', async () => {
    expect((await s.call('GET', '/nope')).json).toEqual({ error: 'not_found', reason: 'no route GET /nope' });
    expect((await s.call('PUT', '/v1/rides')).status).toBe(404);
  });
});
