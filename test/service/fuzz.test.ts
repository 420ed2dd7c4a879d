// Fuzz: generated malformed requests (fast-check) against every endpoint over real sockets — bodies of every JSON
// shape and none, mutated valid payloads, bad JSON, odd content types, path and query junk, bad headers — and junk
// WebSocket messages. The service must never answer 5xx, and every refusal is a 4xx `{ error, reason }`.
// BATON_FUZZ_RUNS sets the number of HTTP requests (default 10 000; the acceptance run uses 100 000).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SF_RIDE, startTestServer, waitFor, type TestServer } from './harness.js';

const RUNS = Number(process.env.BATON_FUZZ_RUNS ?? 10_000);
const CONCURRENCY = 8;

let s: TestServer;
const tokens: Record<string, string> = {};
let rideId = '';
beforeAll(async () => {
  s = await startTestServer();
  tokens.rider = await s.token('rider', 'fuzzy');
  tokens.vehicle = await s.token('vehicle', 'car-1');
  tokens.operator = await s.token('operator', 'ops');
  await s.call('POST', '/v1/vehicles/car-1/register', { token: tokens.vehicle, body: { seats: 2 } });
  rideId = (await s.call('POST', '/v1/rides', { token: tokens.rider, body: SF_RIDE, headers: { 'idempotency-key': 'seed' } })).json.rideId;
});
afterAll(() => s.close());

interface Endpoint {
  method: string;
  path: (id: string) => string;
  role: string;
  valid?: unknown;
  id: 'ride' | 'vehicle' | 'token' | 'none';
}

const ENDPOINTS: Endpoint[] = [
  { method: 'POST', path: () => '/v1/rides', role: 'rider', valid: SF_RIDE, id: 'none' },
  { method: 'GET', path: () => '/v1/rides', role: 'rider', id: 'none' },
  { method: 'GET', path: (id) => `/v1/rides/${id}`, role: 'rider', id: 'ride' },
  { method: 'DELETE', path: (id) => `/v1/rides/${id}`, role: 'rider', id: 'ride' },
  { method: 'POST', path: (id) => `/v1/vehicles/${id}/register`, role: 'vehicle', valid: { seats: 2, position: { lat: 37.7, lon: -122.4 } }, id: 'vehicle' },
  { method: 'GET', path: (id) => `/v1/vehicles/${id}/plan`, role: 'vehicle', id: 'vehicle' },
  { method: 'POST', path: (id) => `/v1/vehicles/${id}/telemetry`, role: 'vehicle', valid: { type: 'telemetry', samples: [{ atMs: 1, lat: 37.7, lon: -122.4, speedMps: 3, socPct: 90, status: 'driving' }] }, id: 'vehicle' },
  { method: 'POST', path: (id) => `/v1/vehicles/${id}/reports`, role: 'vehicle', valid: { kind: 'fault', code: 'x', description: 'y' }, id: 'vehicle' },
  { method: 'GET', path: () => '/v1/operator/fleet', role: 'operator', id: 'none' },
  { method: 'GET', path: () => '/v1/operator/requests', role: 'operator', id: 'none' },
  { method: 'GET', path: () => '/v1/operator/kpis', role: 'operator', id: 'none' },
  { method: 'GET', path: () => '/v1/operator/assists', role: 'operator', id: 'none' },
  { method: 'GET', path: () => '/v1/operator/events', role: 'operator', id: 'none' },
  { method: 'POST', path: (id) => `/v1/operator/vehicles/${id}/out-of-service`, role: 'operator', valid: { reason: 'fuzz' }, id: 'vehicle' },
  { method: 'POST', path: (id) => `/v1/operator/vehicles/${id}/in-service`, role: 'operator', valid: {}, id: 'vehicle' },
  { method: 'POST', path: () => '/v1/operator/tokens', role: 'operator', valid: { role: 'rider', subject: 'fz', label: 'l' }, id: 'none' },
  { method: 'DELETE', path: (id) => `/v1/operator/tokens/${id}`, role: 'operator', id: 'token' },
  { method: 'POST', path: () => '/v1/operator/requests/pause-area', role: 'operator', valid: { area: { type: 'Polygon', coordinates: [[[-122.5, 37.7], [-122.4, 37.7], [-122.4, 37.8], [-122.5, 37.7]]] }, name: 'fz', reason: 'r' }, id: 'none' },
  { method: 'POST', path: () => '/v1/operator/requests/pause-area', role: 'operator', valid: { cells: ['882830829bfffff'] }, id: 'none' },
  { method: 'POST', path: () => '/v1/operator/requests/resume-area', role: 'operator', valid: { name: 'fz' }, id: 'none' },
  { method: 'GET', path: () => '/v1/operator/areas', role: 'operator', id: 'none' },
  { method: 'POST', path: () => '/v1/operator/service-area', role: 'operator', valid: { area: { type: 'Polygon', coordinates: [[[-123, 37], [-122, 37], [-122, 38], [-123, 37]]] } }, id: 'none' },
  { method: 'GET', path: () => '/v1/operator/sites', role: 'operator', id: 'none' },
  { method: 'GET', path: () => '/v1/operator/dispatcher', role: 'operator', id: 'none' },
  { method: 'PATCH', path: () => '/v1/operator/dispatcher', role: 'operator', valid: { maxWaitS: 300, pooling: false, detourShare: 0.4 }, id: 'none' },
  { method: 'POST', path: (id) => `/v1/operator/vehicles/${id}/send`, role: 'operator', valid: { site: 0, reason: 'fz' }, id: 'vehicle' },
  { method: 'GET', path: () => '/healthz', role: 'none', id: 'none' },
  { method: 'GET', path: () => '/readyz', role: 'none', id: 'none' },
  { method: 'GET', path: () => '/metrics', role: 'none', id: 'none' },
  { method: 'GET', path: () => '/openapi.json', role: 'none', id: 'none' },
];

const printable = (max: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: max });

/** A valid payload with one thing wrong: a field replaced by junk, dropped, added, or a nested value broken. */
function mutate(valid: unknown): fc.Arbitrary<unknown> {
  if (valid === null || typeof valid !== 'object') return fc.jsonValue();
  const keys = Object.keys(valid as object);
  if (keys.length === 0) return fc.oneof(fc.jsonValue(), fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue(), { minKeys: 1, maxKeys: 3 }));
  const junk = fc.oneof(fc.jsonValue(), fc.constantFrom(NaN, Infinity, -0, 1e308, -1e308, 2 ** 53, '', ' ', '\u0000', 'x'.repeat(5000), [], {}, null, true));
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), junk).map(([k, v]) => ({ ...(valid as object), [k]: v })),
    fc.constantFrom(...keys).map((k) => {
      const o: Record<string, unknown> = { ...(valid as object) };
      delete o[k];
      return o;
    }),
    fc.tuple(fc.string({ maxLength: 20 }), junk).map(([k, v]) => ({ ...(valid as object), [k]: v })),
    fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...keys)).chain(([k]) => mutate((valid as Record<string, unknown>)[k]).map((inner) => ({ ...(valid as object), [k]: inner }))),
  );
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const idArb = (kind: Endpoint['id']) =>
  fc.oneof(
    fc.constant(kind === 'ride' ? rideId : kind === 'vehicle' ? 'car-1' : 'tok_0'),
    fc.string({ maxLength: 80 }).map(encodeURIComponent),
    fc.constantFrom('..', '%2e%2e', '%00', 'a'.repeat(300), '-', 'car-2', 'ghost', '%E2%82', 'x%2Fy'),
  );

const requestArb: fc.Arbitrary<FuzzRequest> = fc.constantFrom(...ENDPOINTS).chain((ep) =>
  fc
    .record({
      id: idArb(ep.id),
      body: fc.oneof(
        { weight: 4, arbitrary: mutate(ep.valid ?? {}).map((v) => JSON.stringify(v) ?? 'null') },
        { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
        { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
        { weight: 1, arbitrary: fc.constantFrom('', '{', '[1,', '{"a":1}}', 'null', '"x"', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', `[${'['.repeat(2000)}`) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      contentType: fc.oneof(
        { weight: 6, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', '') },
        { weight: 1, arbitrary: printable(40) },
      ),
      auth: fc.oneof(
        { weight: 8, arbitrary: fc.constant(ep.role === 'none' ? undefined : `Bearer ${tokens[ep.role]}`) },
        { weight: 1, arbitrary: fc.constantFrom(`Bearer ${tokens.rider}`, `Bearer ${tokens.vehicle}`, `Bearer ${tokens.operator}`, undefined) },
        { weight: 1, arbitrary: printable(60) },
      ),
      idem: fc.option(printable(140), { nil: undefined }),
      query: fc.oneof(
        { weight: 3, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('limit', 'status', 'afterId', 'fromSeq', 'run', 'x'), fc.string({ maxLength: 30 }), { maxKeys: 4 }).map((d) => `?${new URLSearchParams(d)}`) },
        { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((q) => `?${encodeURI(q)}`) },
      ),
    })
    .map(({ id, body, contentType, auth, idem, query }): FuzzRequest => {
      const headers: Record<string, string> = {};
      if (auth !== undefined) headers.authorization = auth;
      if (idem !== undefined) headers['idempotency-key'] = idem;
      const sendsBody = ep.method !== 'GET' && body !== undefined;
      if (sendsBody && contentType) headers['content-type'] = contentType;
      return { method: ep.method, path: ep.path(id) + query, headers, body: sendsBody ? body : undefined };
    }),
);

describe('fuzz', () => {
  it(`${RUNS} malformed HTTP requests across every endpoint: no 5xx, every refusal a 4xx {error, reason}`, async () => {
    const requests = fc.sample(requestArb, { numRuns: RUNS, seed: Number(process.env.BATON_FUZZ_SEED ?? 20261122) });
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const q = requests[next++];
        let status = 0;
        let text = '';
        try {
          const res = await fetch(s.url + q.path, { method: q.method, headers: q.headers, body: q.body });
          status = res.status;
          text = await res.text();
        } catch (err) {
          // A request the client itself cannot send (an invalid URL) is not a server answer.
          if (err instanceof TypeError && !/fetch failed/.test(err.message)) continue;
          failures.push(`${q.method} ${q.path}: connection failed: ${(err as Error).message}`);
          continue;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) failures.push(`${q.method} ${q.path} ${JSON.stringify(q.headers)} ${q.body?.slice(0, 200)} → ${status} ${text.slice(0, 200)}`);
        else if (status >= 400) {
          let json: { error?: unknown; reason?: unknown } | undefined;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          if (typeof json?.error !== 'string' || typeof json?.reason !== 'string' || json.reason.length === 0 || /\bat .+:\d+:\d+/.test(text)) {
            failures.push(`${q.method} ${q.path} → ${status} without {error, reason}: ${text.slice(0, 200)}`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const summary = [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([c, n]) => `${c}×${n}`).join(' ');
    console.log(`fuzz: ${requests.length} requests: ${summary}`);
    expect(failures.slice(0, 10)).toEqual([]);
    // The server is still healthy afterwards.
    expect((await s.call('GET', '/healthz')).status).toBe(200);
  }, 600_000);

  it('junk WebSocket messages on the vehicle stream each get an error reply; the socket stays open and still takes telemetry', async () => {
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/v1/vehicles/car-1/stream`, { headers: { authorization: `Bearer ${tokens.vehicle}` } });
    const replies: { type: string; error?: string; reason?: string }[] = [];
    ws.on('message', (m) => replies.push(JSON.parse(m.toString())));
    await new Promise((r) => ws.on('open', r));
    await waitFor(() => replies.length === 1); // the current plan
    const junk = fc.sample(
      fc.oneof(
        mutate({ type: 'telemetry', samples: [{ atMs: 1, lat: 1, lon: 1 }] }).map((v) => JSON.stringify(v) ?? 'null'),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 100 }),
      ),
      { numRuns: Math.min(2000, RUNS), seed: 7 },
    );
    const expectedErrors = junk.filter((m) => {
      try {
        const v = JSON.parse(m);
        return !(v && v.type === 'telemetry' && Array.isArray(v.samples) && v.samples.length > 0 && v.samples.every((x: { lat: number }) => typeof x?.lat === 'number'));
      } catch {
        return true;
      }
    }).length;
    for (const m of junk) ws.send(m);
    await waitFor(() => replies.length - 1 >= expectedErrors - 5, 20_000);
    for (const r of replies.slice(1)) {
      expect(r.type).toBe('error');
      expect(typeof r.error).toBe('string');
      expect(typeof r.reason).toBe('string');
    }
    expect(ws.readyState).toBe(WebSocket.OPEN);
    const before = s.conductor.samples.get('car-1')?.length ?? 0;
    ws.send(JSON.stringify({ type: 'telemetry', samples: [{ atMs: 5, lat: 37.7, lon: -122.4 }] }));
    await waitFor(() => (s.conductor.samples.get('car-1')?.length ?? 0) > before);
    ws.close();
  });
});
