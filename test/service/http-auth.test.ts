// The security matrix over real sockets: no token → 401, a rider sees and cancels only their own rides, a vehicle acts
// only as itself, operator endpoints refuse rider and vehicle tokens; revoked keys stop at once; rate limits per token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SF_RIDE, startTestServer, type TestServer } from './harness.js';

let s: TestServer;
let alice: string;
let bob: string;
let car1: string;
let car2: string;
let ops: string;
let aliceRide: string;

beforeAll(async () => {
  s = await startTestServer();
  alice = await s.token('rider', 'alice');
  bob = await s.token('rider', 'bob');
  car1 = await s.token('vehicle', 'car-1');
  car2 = await s.token('vehicle', 'car-2');
  ops = await s.token('operator', 'ops');
  const r = await s.call('POST', '/v1/rides', { token: alice, body: SF_RIDE, headers: { 'idempotency-key': 'a-1' } });
  expect(r.status).toBe(201);
  aliceRide = r.json.rideId;
  for (const [id, t] of [['car-1', car1], ['car-2', car2]]) expect((await s.call('POST', `/v1/vehicles/${id}/register`, { token: t, body: { seats: 2 } })).status).toBe(200);
});
afterAll(() => s.close());

const endpoints = (): [string, string, unknown?][] => [
  ['POST', '/v1/rides', SF_RIDE],
  ['GET', '/v1/rides'],
  ['GET', `/v1/rides/${aliceRide}`],
  ['DELETE', `/v1/rides/${aliceRide}`],
  ['POST', '/v1/vehicles/car-1/register', { seats: 2 }],
  ['GET', '/v1/vehicles/car-1/plan'],
  ['POST', '/v1/vehicles/car-1/telemetry', { type: 'telemetry', samples: [{ atMs: 1, lat: 1, lon: 1 }] }],
  ['POST', '/v1/vehicles/car-1/reports', { kind: 'assist', description: 'blocked lane' }],
  ['GET', '/v1/operator/fleet'],
  ['GET', '/v1/operator/requests'],
  ['GET', '/v1/operator/kpis'],
  ['GET', '/v1/operator/assists'],
  ['GET', '/v1/operator/events'],
  ['POST', '/v1/operator/vehicles/car-2/out-of-service', { reason: 'test' }],
  ['POST', '/v1/operator/tokens', { role: 'rider', subject: 'x' }],
  ['DELETE', '/v1/operator/tokens/tok_0000'],
];

describe('authentication', () => {
  it('refuses every protected endpoint without a token, with a malformed header, and with an unknown key: 401 {error, reason}', async () => {
    for (const [method, path, body] of endpoints()) {
      for (const headers of [{} as Record<string, string>, { authorization: 'Basic abc' }, { authorization: 'Bearer' }, { authorization: 'Bearer baton_not-a-real-key' }]) {
        const r = await s.call(method, path, { body, headers: { ...headers, 'idempotency-key': 'k' } });
        expect(r.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(r.json).toEqual({ error: 'unauthorized', reason: expect.any(String) });
        expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    }
  });

  it('leaves health, readiness, metrics and the API description public', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs']) expect((await s.call('GET', path)).status, path).toBe(200);
  });

  it('stops accepting a revoked key at once', async () => {
    const key = await s.token('rider', 'carol');
    expect((await s.call('GET', '/v1/rides', { token: key })).status).toBe(200);
    const id = (await s.store.listTokens()).find((t) => t.subject === 'carol')!.id;
    expect((await s.call('DELETE', `/v1/operator/tokens/${id}`, { token: ops })).status).toBe(200);
    expect((await s.call('GET', '/v1/rides', { token: key })).status).toBe(401);
  });
});

describe('roles', () => {
  it('operator endpoints refuse rider and vehicle tokens with 403', async () => {
    for (const [method, path, body] of endpoints().filter(([, p]) => p.startsWith('/v1/operator'))) {
      for (const token of [alice, car1]) {
        const r = await s.call(method, path, { token, body });
        expect(r.status, `${method} ${path}`).toBe(403);
        expect(r.json.error).toBe('forbidden');
      }
    }
  });

  it('rider endpoints refuse vehicle and operator tokens; vehicle endpoints refuse rider and operator tokens', async () => {
    for (const [method, path, body] of endpoints()) {
      const rider = path.startsWith('/v1/rides');
      const vehicle = path.startsWith('/v1/vehicles');
      if (!rider && !vehicle) continue;
      for (const token of rider ? [car1, ops] : [alice, ops]) {
        const r = await s.call(method, path, { token, body, headers: { 'idempotency-key': 'x' } });
        expect(r.status, `${method} ${path}`).toBe(403);
      }
    }
  });
});

describe('a rider acts only on their own rides', () => {
  it('rider B cannot read, list or cancel rider A’s ride (404, as if it did not exist), and A’s ride stays open', async () => {
    const read = await s.call('GET', `/v1/rides/${aliceRide}`, { token: bob });
    expect(read.status).toBe(404);
    expect(read.json.error).toBe('not_found');
    expect((await s.call('GET', '/v1/rides', { token: bob })).json.rides).toEqual([]);
    const cancel = await s.call('DELETE', `/v1/rides/${aliceRide}`, { token: bob });
    expect(cancel.status).toBe(404);
    expect((await s.store.getRide(aliceRide))!.status).toBe('accepted');
    expect((await s.call('GET', `/v1/rides/${aliceRide}`, { token: alice })).json.status).toBe('accepted');
  });

  it('rider B cannot open rider A’s ride stream', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${s.url.replace('http', 'ws')}/v1/rides/${aliceRide}/stream`, { headers: { authorization: `Bearer ${bob}` } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(404);
  });

  it('the same Idempotency-Key from two riders makes two rides: keys are per rider', async () => {
    const a = await s.call('POST', '/v1/rides', { token: alice, body: SF_RIDE, headers: { 'idempotency-key': 'shared-key' } });
    const b = await s.call('POST', '/v1/rides', { token: bob, body: SF_RIDE, headers: { 'idempotency-key': 'shared-key' } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.json.rideId).not.toBe(b.json.rideId);
  });
});

describe('a vehicle acts only as itself', () => {
  it('refuses registration, telemetry, reports and plan reads for another vehicle (403)', async () => {
    for (const [method, path, body] of endpoints().filter(([, p]) => p.startsWith('/v1/vehicles/car-1'))) {
      const r = await s.call(method, path, { token: car2, body });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.json.error).toBe('not_this_vehicle');
    }
    expect(s.conductor.samples.get('car-1')).toBeUndefined();
    expect(s.conductor.assistQueue).toEqual([]);
  });

  it('refuses another vehicle’s telemetry stream before the upgrade', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${s.url.replace('http', 'ws')}/v1/vehicles/car-1/stream`, { headers: { authorization: `Bearer ${car2}` } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(403);
  });

  it('cannot report a pickup of a ride that is on another car', async () => {
    const r = await s.call('POST', '/v1/rides', { token: alice, body: SF_RIDE, headers: { 'idempotency-key': 'for-car-1' } });
    s.conductor.assign(r.json.rideId, 'car-1');
    const wrong = await s.call('POST', '/v1/vehicles/car-2/reports', { token: car2, body: { kind: 'pickup', rideId: r.json.rideId } });
    expect(wrong.status).toBe(409);
    expect(wrong.json.error).toBe('not_on_plan');
    const right = await s.call('POST', '/v1/vehicles/car-1/reports', { token: car1, body: { kind: 'pickup', rideId: r.json.rideId } });
    expect(right.status).toBe(200);
  });
});

describe('rate limits', () => {
  it('limits each token on its own: 429 with Retry-After, other tokens unaffected', async () => {
    const t = await startTestServer({ limits: { rider: { perSecond: 1, burst: 5 } } });
    try {
      const dan = await t.token('rider', 'dan');
      const eve = await t.token('rider', 'eve');
      const codes: number[] = [];
      for (let i = 0; i < 8; i++) codes.push((await t.call('GET', '/v1/rides', { token: dan })).status);
      expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(codes.slice(5)).toEqual([429, 429, 429]);
      const limited = await t.call('GET', '/v1/rides', { token: dan });
      expect(limited.json.error).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await t.call('GET', '/v1/rides', { token: eve })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
