// A restart keeps what operators set live (issue 12, decision 0025): `baton serve` (the real CLI, child process,
// SQLite) gets dispatcher parameters, a global pause, an area pause and a live service area, is killed with SIGKILL and
// started again on the same data directory; all of it holds again, riders are refused as before, and the new run's
// log says what was put back. Started a third time with another preset, it keeps only the parameters that preset has.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoadGraph } from '../../src/core/network/graph.js';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { openSqliteStore } from '../../src/io/store/sqlite.js';
import { freePort } from './postgres-server.js';
import { killServe, startServeProcess, type ServeProcess } from './serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-restart-operator-state-'));
const running: ServeProcess[] = [];
let graph: RoadGraph;
beforeAll(async () => {
  // The network serve builds by default (the synthetic city of seed 1), to pick places on it.
  graph = (await openScenarioRunner(parseSimSettings({ seed: 1, fleet: 2 }))).scenario.network.graph;
}, 120_000);
afterAll(async () => {
  for (const p of running) await killServe(p);
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function call(url: string, method: string, path: string, token: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  if (path === '/v1/rides') headers['idempotency-key'] = `k-${Math.random()}`;
  const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, json: (res.headers.get('content-type') ?? '').startsWith('application/json') ? JSON.parse(text) : undefined };
}

const events = async (url: string, token: string, run: number): Promise<any[]> => {
  const text = (await call(url, 'GET', `/v1/operator/events?run=${run}`, token)).text.trim();
  return text === '' ? [] : text.split('\n').map((l) => JSON.parse(l));
};

/** The run's stored log once `ready` holds for it: the recorder flushes events in batches, not before each answer. */
async function eventsOnceStored(url: string, token: string, run: number, ready: (log: any[]) => boolean): Promise<any[]> {
  for (const t0 = Date.now(); ; await sleep(100)) {
    const log = await events(url, token, run);
    if (ready(log) || Date.now() - t0 > 20_000) return log;
  }
}

describe('restart with live operator state', () => {
  it('puts back dispatcher parameters, pauses and the live service area after SIGKILL, and logs them as restored', async () => {
    const at = (node: number) => ({ lat: graph.lat[node], lon: graph.lon[node] });
    const box = (lat0: number, lon0: number, lat1: number, lon1: number) => ({ type: 'Polygon', coordinates: [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]] });
    // Pier: a small square around node 0. Service area: a box holding node 0 and a node b some way off; d lies outside.
    const a = 0;
    const b = [...Array(graph.nodeCount).keys()].find((v) => Math.abs(graph.lat[v] - graph.lat[a]) > 0.004 && Math.abs(graph.lat[v] - graph.lat[a]) < 0.012)!;
    const [s, w, n, e] = [Math.min(graph.lat[a], graph.lat[b]) - 0.003, Math.min(graph.lon[a], graph.lon[b]) - 0.003, Math.max(graph.lat[a], graph.lat[b]) + 0.003, Math.max(graph.lon[a], graph.lon[b]) + 0.003];
    const inside = (v: number) => graph.lat[v] > s && graph.lat[v] < n && graph.lon[v] > w && graph.lon[v] < e;
    const c = [...Array(graph.nodeCount).keys()].find((v) => inside(v) && v !== b && Math.abs(graph.lat[v] - graph.lat[a]) > 0.003)!;
    const d = [...Array(graph.nodeCount).keys()].find((v) => !inside(v))!;
    expect([b, c, d].every((v) => v !== undefined)).toBe(true);
    const pier = box(graph.lat[a] - 0.002, graph.lon[a] - 0.002, graph.lat[a] + 0.002, graph.lon[a] + 0.002);
    const serviceArea = box(s, w, n, e);

    const store = await openSqliteStore(join(dir, 'baton.sqlite'));
    const ops = (await store.createToken({ role: 'operator', subject: 'ops' })).apiKey;
    const rider = (await store.createToken({ role: 'rider', subject: 'alice' })).apiKey;
    await store.close();
    const port = await freePort();
    const args = (preset: string) => ['--port', String(port), '--data-dir', dir, '--dispatcher', preset, '--fleet', '2', '--start', '08:00', '--silence', '0'];
    const ride = (from: number, to: number) => call(serve.url, 'POST', '/v1/rides', rider, { pickup: at(from), dropoff: at(to), riders: 1, acceptsSharing: true });

    let serve = await startServeProcess(args('batch+rebalance'));
    running.push(serve);
    const before = await call(serve.url, 'GET', '/v1/operator/dispatcher', ops);
    expect(before.json.parameters).toEqual({ maxWaitS: 600, rebalancing: true, rebalanceShare: 0.5 });
    expect((await call(serve.url, 'PATCH', '/v1/operator/dispatcher', ops, { maxWaitS: 240, rebalancing: false })).status).toBe(200);
    expect((await call(serve.url, 'PATCH', '/v1/operator/dispatcher', ops, { rebalanceShare: 0.25 })).status).toBe(200);
    expect((await call(serve.url, 'POST', '/v1/operator/requests/pause-area', ops, { area: pier, name: 'pier', reason: 'street fair' })).status).toBe(201);
    const sa = await call(serve.url, 'POST', '/v1/operator/service-area', ops, { area: serviceArea });
    expect(sa.status).toBe(200);
    expect((await call(serve.url, 'POST', '/v1/operator/requests/pause', ops, { paused: true, reason: 'storm' })).status).toBe(200);
    // A pause that was lifted stays lifted.
    expect((await call(serve.url, 'POST', '/v1/operator/requests/pause-area', ops, { area: pier, name: 'gone' })).status).toBe(201);
    expect((await call(serve.url, 'POST', '/v1/operator/requests/resume-area', ops, { name: 'gone' })).status).toBe(200);
    const areasBefore = (await call(serve.url, 'GET', '/v1/operator/areas', ops)).json;
    // Run 1's log is checked after the restart: let the recorder store it first (a SIGKILL loses an unflushed batch).
    await eventsOnceStored(serve.url, ops, 1, (log) => log.some((ev) => ev.kind === 'RequestsResumed'));
    await killServe(serve);

    serve = await startServeProcess(args('batch+rebalance'));
    running.push(serve);
    expect((await call(serve.url, 'GET', '/v1/operator/dispatcher', ops)).json).toMatchObject({
      preset: 'batch+rebalance',
      parameters: { maxWaitS: 240, rebalancing: false, rebalanceShare: 0.25 },
      changedBy: 'ops',
    });
    const areas = (await call(serve.url, 'GET', '/v1/operator/areas', ops)).json;
    expect(areas.paused.map((p: { area: string }) => p.area).sort()).toEqual(['*', 'pier']);
    expect(areas).toEqual(areasBefore);
    // Riders are refused as before the restart: everywhere (global pause), then in the pier, then outside the area.
    const everywhere = await ride(c, b);
    expect(everywhere.status).toBe(503);
    expect(everywhere.json.reason).toBe('new ride requests are paused by the operator: storm');
    expect((await call(serve.url, 'POST', '/v1/operator/requests/pause', ops, { paused: false })).status).toBe(200);
    const inPier = await ride(a, b);
    expect(inPier.status).toBe(503);
    expect(inPier.json.reason).toContain('area "pier"');
    expect((await ride(b, d)).json).toEqual({ error: 'outside_service_area', reason: 'drop-off is outside the service area (changed by the operator)' });
    expect((await ride(b, c)).status).toBe(201);

    const run2 = await eventsOnceStored(serve.url, ops, 2, (log) => log.filter((ev) => ev.restored === true).length >= 4);
    const restored = run2.filter((ev) => ev.restored === true);
    expect(restored.map((ev) => ev.kind).sort()).toEqual(['DispatcherParametersChanged', 'RequestsPaused', 'RequestsPaused', 'ServiceAreaChanged']);
    expect(restored.find((ev) => ev.kind === 'DispatcherParametersChanged')).toMatchObject({
      dispatcher: 'batch+rebalance',
      parameters: { maxWaitS: 240, rebalancing: false, rebalanceShare: 0.25 },
      changed: ['maxWaitS', 'rebalanceShare', 'rebalancing'],
      by: 'ops',
    });
    expect(restored.find((ev) => ev.kind === 'RequestsPaused' && ev.area === 'pier')).toMatchObject({ by: 'ops', reason: 'street fair' });
    expect(restored.find((ev) => ev.kind === 'ServiceAreaChanged')).toMatchObject({ polygons: sa.json.serviceArea, nodesInside: sa.json.nodesInside, by: 'ops' });
    // Run 1's log holds what the operator did, none of it marked restored.
    const run1 = await events(serve.url, ops, 1);
    expect(run1.filter((ev) => ev.kind === 'DispatcherParametersChanged').map((ev) => [ev.changed, ev.restored])).toEqual([
      [['maxWaitS', 'rebalancing'], undefined],
      [['rebalanceShare'], undefined],
    ]);
    await killServe(serve);

    // Another preset: the max wait carries over, the rebalancing parameters do not (greedy has none).
    serve = await startServeProcess(args('greedy'));
    running.push(serve);
    expect((await call(serve.url, 'GET', '/v1/operator/dispatcher', ops)).json).toMatchObject({ preset: 'greedy', parameters: { maxWaitS: 240 } });
    expect(Object.keys((await call(serve.url, 'GET', '/v1/operator/dispatcher', ops)).json.parameters)).toEqual(['maxWaitS']);
    expect((await call(serve.url, 'GET', '/v1/operator/areas', ops)).json.paused.map((p: { area: string }) => p.area)).toEqual(['pier']);
  }, 300_000);
});
