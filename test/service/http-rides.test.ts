// Rider API over real sockets with a real SQLite store: idempotent, durable ride creation; refusals with reasons;
// reading, cancelling, and the ride stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SF_RIDE, startTestServer, waitFor, type TestServer } from './harness.js';

let s: TestServer;
let alice: string;
beforeAll(async () => {
  s = await startTestServer();
  alice = await s.token('rider', 'alice');
});
afterAll(() => s.close());

const post = (body: unknown, key: string, token = alice) => s.call('POST', '/v1/rides', { token, body, headers: { 'idempotency-key': key } });

describe('POST /v1/rides', () => {
  it('accepts a ride: 201 with its id, status, ETA and Location; stored before the answer', async () => {
    const r = await post(SF_RIDE, 'first');
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ status: 'accepted', etaS: 120, riders: 1, acceptsSharing: true, pickup: SF_RIDE.pickup, vehicleId: null });
    expect(r.headers.get('location')).toBe(`/v1/rides/${r.json.rideId}`);
    expect(await s.store.getRide(r.json.rideId)).toMatchObject({ riderId: 'alice', idempotencyKey: 'first', status: 'accepted' });
    expect(s.conductor.submitted).toContain(r.json.rideId);
  });

  it('fills defaults: one rider, no sharing', async () => {
    const r = await post({ pickup: SF_RIDE.pickup, dropoff: SF_RIDE.dropoff }, 'defaults');
    expect(r.json).toMatchObject({ riders: 1, acceptsSharing: false });
  });

  it('a retry with the same key returns the same ride, marked replayed; one row, one submission', async () => {
    const before = await s.store.countRides();
    const a = await post(SF_RIDE, 'retry-me');
    const b = await post({ ...SF_RIDE }, 'retry-me');
    const c = await post({ acceptsSharing: true, riders: 1, dropoff: SF_RIDE.dropoff, pickup: SF_RIDE.pickup }, 'retry-me');
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(b.json.rideId).toBe(a.json.rideId);
    expect(c.json.rideId).toBe(a.json.rideId);
    expect(a.headers.get('idempotent-replayed')).toBeNull();
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await s.store.countRides()).toBe(before + 1);
    expect(s.conductor.submitted.filter((id) => id === a.json.rideId)).toHaveLength(1);
  });

  it('concurrent retries make one ride', async () => {
    const before = await s.store.countRides();
    const all = await Promise.all(Array.from({ length: 20 }, () => post(SF_RIDE, 'storm')));
    expect(all.every((r) => r.status === 201)).toBe(true);
    expect(new Set(all.map((r) => r.json.rideId)).size).toBe(1);
    expect(await s.store.countRides()).toBe(before + 1);
  });

  it('the same key with a different request is a 409, and the first ride is untouched', async () => {
    const a = await post(SF_RIDE, 'reused');
    const b = await post({ ...SF_RIDE, riders: 2 }, 'reused');
    expect(b.status).toBe(409);
    expect(b.json).toEqual({ error: 'idempotency_key_reused', reason: expect.stringMatching(/different/) });
    expect((await s.store.getRide(a.json.rideId))!.payload).toMatchObject({ riders: 1 });
  });

  it('refuses with a reason and stores nothing: outside the area 422, too many riders 422, same place 422', async () => {
    const before = await s.store.countRides();
    const far = await post({ ...SF_RIDE, pickup: { lat: 85, lon: 0 } }, 'far');
    expect(far.status).toBe(422);
    expect(far.json).toEqual({ error: 'outside_service_area', reason: expect.any(String) });
    expect((await post({ ...SF_RIDE, riders: 3 }, 'big')).json.error).toBe('too_many_riders');
    expect((await post({ ...SF_RIDE, dropoff: SF_RIDE.pickup }, 'same')).json.error).toBe('trip_too_short');
    expect(await s.store.countRides()).toBe(before);
  });

  it('validates: missing key, bad key, bad fields, unknown fields, wrong types, bad JSON, wrong content type, oversize body', async () => {
    const noKey = await s.call('POST', '/v1/rides', { token: alice, body: SF_RIDE });
    expect(noKey.status).toBe(400);
    expect(noKey.json.reason).toMatch(/Idempotency-Key/);
    expect((await post(SF_RIDE, 'x'.repeat(129))).status).toBe(400);
    const bad = await post({ ...SF_RIDE, pickup: { lat: 91, lon: 0 } }, 'bad-lat');
    expect(bad.status).toBe(400);
    expect(bad.json.reason).toMatch(/pickup\.lat/);
    expect((await post({ ...SF_RIDE, tip: 5 }, 'extra')).json.reason).toMatch(/tip/);
    expect((await post({ ...SF_RIDE, riders: 1.5 }, 'frac')).status).toBe(400);
    expect((await post({ ...SF_RIDE, acceptsSharing: 'yes' }, 'str')).status).toBe(400);
    expect((await post([SF_RIDE], 'arr')).status).toBe(400);
    const json = await s.call('POST', '/v1/rides', { token: alice, rawBody: '{"pickup":', headers: { 'content-type': 'application/json', 'idempotency-key': 'j' } });
    expect(json.status).toBe(400);
    expect(json.json.error).toBe('invalid_json');
    const type = await s.call('POST', '/v1/rides', { token: alice, rawBody: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 't' } });
    expect(type.status).toBe(415);
    expect(type.json.error).toBe('unsupported_media_type');
    const big = await s.call('POST', '/v1/rides', { token: alice, rawBody: JSON.stringify({ ...SF_RIDE, pad: 'x'.repeat(20_000) }), headers: { 'content-type': 'application/json', 'idempotency-key': 'b' } });
    expect(big.status).toBe(413);
    expect(big.json.error).toBe('payload_too_large');
    const proto = await s.call('POST', '/v1/rides', { token: alice, rawBody: '{"__proto__":{"x":1},"pickup":{"lat":1,"lon":1}}', headers: { 'content-type': 'application/json', 'idempotency-key': 'p' } });
    expect(proto.status).toBe(400);
  });

  it('answers 503 (and stores nothing) while the conductor is not ready', async () => {
    s.conductor.ready = false;
    try {
      const r = await post(SF_RIDE, 'early');
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('1');
      expect(await s.store.listRides({ riderId: 'alice', limit: 1000 }).then((l) => l.some((x) => x.idempotencyKey === 'early'))).toBe(false);
    } finally {
      s.conductor.ready = true;
    }
  });
});

describe('reading and cancelling', () => {
  it('GET shows the live status and car', async () => {
    const r = await post(SF_RIDE, 'watch');
    s.conductor.registerVehicle('car-7');
    s.conductor.assign(r.json.rideId, 'car-7');
    const g = await s.call('GET', `/v1/rides/${r.json.rideId}`, { token: alice });
    expect(g.json).toMatchObject({ rideId: r.json.rideId, status: 'assigned', vehicleId: 'car-7', etaS: 60 });
    expect((await s.call('GET', '/v1/rides/not-a-ride', { token: alice })).status).toBe(404);
    expect((await s.call('GET', '/v1/rides/bad%20id', { token: alice })).status).toBe(400);
  });

  it('DELETE cancels before pickup, durably; a second cancel is 409; an onboard ride cannot be cancelled', async () => {
    const r = await post(SF_RIDE, 'cancel-me');
    const d = await s.call('DELETE', `/v1/rides/${r.json.rideId}`, { token: alice });
    expect(d.status).toBe(200);
    expect(d.json).toMatchObject({ status: 'cancelled', reason: 'rider' });
    expect((await s.store.getRide(r.json.rideId))!.status).toBe('cancelled');
    expect((await s.call('DELETE', `/v1/rides/${r.json.rideId}`, { token: alice })).status).toBe(409);
    const on = await post(SF_RIDE, 'onboard');
    s.conductor.registerVehicle('car-8');
    s.conductor.assign(on.json.rideId, 'car-8');
    s.conductor.report('car-8', { kind: 'pickup', rideId: on.json.rideId });
    const refused = await s.call('DELETE', `/v1/rides/${on.json.rideId}`, { token: alice });
    expect(refused.status).toBe(409);
    expect(refused.json).toEqual({ error: 'not_cancellable', reason: 'the ride is onboard' });
  });

  it('lists the rider’s own rides in order, paged', async () => {
    const bob = await s.token('rider', 'bob-lister');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await post(SF_RIDE, `l${i}`, bob)).json.rideId);
    const all = await s.call('GET', '/v1/rides', { token: bob });
    expect(all.json.rides.map((r: { rideId: string }) => r.rideId)).toEqual(ids);
    const page = await s.call('GET', `/v1/rides?limit=1&afterId=${ids[0]}`, { token: bob });
    expect(page.json.rides.map((r: { rideId: string }) => r.rideId)).toEqual([ids[1]]);
    expect((await s.call('GET', '/v1/rides?limit=0', { token: bob })).status).toBe(400);
    expect((await s.call('GET', '/v1/rides?limit=5&limit=6', { token: bob })).status).toBe(400);
  });

  it('streams the ride: its view at once, then each change', async () => {
    const r = await post(SF_RIDE, 'stream');
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/v1/rides/${r.json.rideId}/stream`, { headers: { authorization: `Bearer ${alice}` } });
    const messages: any[] = [];
    ws.on('message', (m) => messages.push(JSON.parse(m.toString())));
    await new Promise((res) => ws.on('open', res));
    await waitFor(() => messages.length >= 1);
    expect(messages[0]).toMatchObject({ type: 'ride', ride: { rideId: r.json.rideId, status: 'accepted' } });
    s.conductor.registerVehicle('car-9');
    s.conductor.assign(r.json.rideId, 'car-9');
    await waitFor(() => messages.length >= 2);
    expect(messages[1].ride).toMatchObject({ status: 'assigned', vehicleId: 'car-9' });
    s.conductor.report('car-9', { kind: 'pickup', rideId: r.json.rideId });
    s.conductor.report('car-9', { kind: 'dropoff', rideId: r.json.rideId });
    await waitFor(() => messages.length >= 4);
    expect(messages.slice(2).map((m) => m.ride.status)).toEqual(['onboard', 'completed']);
    ws.close();
  });
});
