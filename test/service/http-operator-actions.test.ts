// Operator actions on areas and cars (issue 15.5, decision 0021) over real sockets: a real engine on the synthetic city
// with charging sites, the real conductor, a SQLite store and the recorder, so each action is checked where it lands
// (riders refused or not, the car's plan, the stored event log).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latLngToCell } from 'h3-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoadGraph } from '../../src/core/network/graph.js';
import { RoadSnapper } from '../../src/core/network/snap.js';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { openSqliteStore } from '../../src/io/store/sqlite.js';
import type { SqlStore } from '../../src/io/store/sql-store.js';
import { createLiveEngine, EngineConductor } from '../../src/service/conductor.js';
import { Recorder } from '../../src/service/recorder.js';
import { buildServer, type BuiltServer } from '../../src/service/server.js';

const START_S = 8 * 3600;
let dir: string;
let store: SqlStore;
let built: BuiltServer;
let url: string;
let graph: RoadGraph;
let conductor: EngineConductor;
let recorder: Recorder;
const keys = { operator: '', rider: '', vehicle: '' };
let rideNo = 0;

async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (path === '/v1/rides') headers['idempotency-key'] = `ride-${++rideNo}`;
  const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** The stored event log (after a flush), parsed. */
async function storedEvents(): Promise<any[]> {
  await recorder.flush();
  const res = await fetch(`${url}/v1/operator/events`, { headers: { authorization: `Bearer ${keys.operator}` } });
  return (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
}

const at = (node: number) => ({ lat: graph.lat[node], lon: graph.lon[node] });
/** A square of ±d degrees around a node, as a GeoJSON Polygon. */
const squareAround = (node: number, d = 0.002) => {
  const { lat, lon } = at(node);
  return { type: 'Polygon', coordinates: [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]] };
};
/** A node at least `minDeg` degrees (in lat or lon) from `node`. */
const farFrom = (node: number, minDeg = 0.01): number => {
  for (let v = 0; v < graph.nodeCount; v++) if (Math.abs(graph.lat[v] - graph.lat[node]) > minDeg || Math.abs(graph.lon[v] - graph.lon[node]) > minDeg) return v;
  throw new Error('no far node');
};
const ride = (from: number, to: number) => ({ pickup: at(from), dropoff: at(to), riders: 1, acceptsSharing: false });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-operator-actions-'));
  store = await openSqliteStore(join(dir, 'baton.sqlite'));
  const settings = parseSimSettings({ seed: 1, dispatcher: 'greedy', fleet: 4, chargers: 'auto' });
  const runner = await openScenarioRunner(settings);
  graph = runner.scenario.network.graph;
  const travelTimes = runner.scenario.network.travelTimes;
  const chargingSites = runner.chargingSites(4);
  const engine = createLiveEngine({ graph, travelTimes, fleetSize: 4, dispatcher: await runner.dispatcher('greedy'), seed: 1, startS: START_S, chargingSites, invalidCommands: 'record' });
  conductor = new EngineConductor({ engine, graph, travelTimes, snapper: new RoadSnapper(graph), seats: 2, pickupDwellS: 30, dispatcherName: 'greedy' });
  built = await buildServer({ store, conductor, logger: pino({ level: 'silent' }) });
  recorder = new Recorder(store, conductor, 1);
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(built.app.server.address() as { port: number }).port}`;
  keys.operator = (await store.createToken({ role: 'operator', subject: 'ops-1' })).apiKey;
  keys.rider = (await store.createToken({ role: 'rider', subject: 'rita' })).apiKey;
  keys.vehicle = (await store.createToken({ role: 'vehicle', subject: 'car-1' })).apiKey;
  expect((await call('POST', '/v1/vehicles/car-1/register', keys.vehicle, { seats: 2 })).status).toBe(200);
  conductor.advance(START_S);
}, 120_000);

afterAll(async () => {
  await recorder?.close();
  await built?.app.close();
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('operator actions', () => {
  const actions: [string, string, unknown][] = [
    ['POST', '/v1/operator/requests/pause-area', { cells: ['882830829bfffff'] }],
    ['POST', '/v1/operator/requests/resume-area', { name: 'x' }],
    ['GET', '/v1/operator/areas', undefined],
    ['POST', '/v1/operator/service-area', { area: null }],
    ['GET', '/v1/operator/sites', undefined],
    ['POST', '/v1/operator/vehicles/car-1/send', { site: 0 }],
  ];

  it('are refused to rider and vehicle tokens (403) and to no token (401)', async () => {
    for (const [method, path, body] of actions) {
      for (const key of [keys.rider, keys.vehicle]) {
        const r = await call(method, path, key, body);
        expect(r.status, `${method} ${path}`).toBe(403);
        expect(r.json.error).toBe('forbidden');
      }
      expect((await fetch(url + path, { method })).status).toBe(401);
    }
    expect(conductor.pausedAreas()).toEqual([]);
  });

  it('refuse bad bodies with 400 and a reason that names the field', async () => {
    const bad: [string, unknown, RegExp][] = [
      ['/v1/operator/requests/pause-area', {}, /exactly one of "area".*"cells"/],
      ['/v1/operator/requests/pause-area', { cells: ['8828308'], area: squareAround(0) }, /exactly one/],
      ['/v1/operator/requests/pause-area', { cells: ['not-a-cell'] }, /cells\[0\]: "not-a-cell" is not an H3 cell/],
      ['/v1/operator/requests/pause-area', { area: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] } }, /area\.coordinates\[0\]: ring is not closed/],
      ['/v1/operator/requests/pause-area', { area: { type: 'Point', coordinates: [0, 0] } }, /area: a Point; a service area needs Polygon/],
      ['/v1/operator/requests/pause-area', { cells: [], name: 'bad name!' }, /name: letters, digits/],
      ['/v1/operator/requests/resume-area', {}, /name/],
      ['/v1/operator/service-area', {}, /area/],
      ['/v1/operator/service-area', { area: { type: 'Polygon', coordinates: [[[200, 0], [1, 0], [1, 1], [200, 0]]] } }, /area\.coordinates\[0\]\[0\]: position \[200, 0\] is out of range/],
      ['/v1/operator/vehicles/car-1/send', {}, /exactly one of "site" or "position"/],
      ['/v1/operator/vehicles/car-1/send', { site: 0, position: at(0) }, /exactly one/],
      ['/v1/operator/vehicles/car-1/send', { site: -1 }, /site: Too small/],
      ['/v1/operator/vehicles/car-1/send', { position: { lat: 95, lon: 0 } }, /position\.lat/],
    ];
    for (const [path, body, reason] of bad) {
      const r = await call('POST', path, keys.operator, body);
      expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(r.json.error).toBe('invalid_request');
      expect(r.json.reason, `${path} ${JSON.stringify(body)}`).toMatch(reason);
    }
    expect(conductor.pausedAreas()).toEqual([]);
  });

  it('pause requests with pickup in a GeoJSON area: refused there with 503 requests_paused, taken elsewhere, logged, resumed', async () => {
    const inside = 0;
    const outside = farFrom(inside);
    const r = await call('POST', '/v1/operator/requests/pause-area', keys.operator, { area: squareAround(inside), name: 'pier', reason: 'street fair' });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ area: 'pier', by: 'ops-1', reason: 'street fair' });
    expect(r.json.polygons).toHaveLength(1);
    const refused = await call('POST', '/v1/rides', keys.rider, ride(inside, outside));
    expect(refused.status).toBe(503);
    expect(refused.json).toEqual({ error: 'requests_paused', reason: 'new ride requests with pickup in area "pier" are paused by the operator: street fair' });
    // A drop-off in the area is fine: only pickups are paused.
    expect((await call('POST', '/v1/rides', keys.rider, ride(outside, inside))).status).toBe(201);
    expect((await call('GET', '/v1/operator/areas', keys.operator)).json.paused.map((a: { area: string }) => a.area)).toEqual(['pier']);
    expect((await call('POST', '/v1/operator/requests/resume-area', keys.operator, { name: 'nowhere' })).status).toBe(404);
    expect((await call('POST', '/v1/operator/requests/resume-area', keys.operator, { name: 'pier' })).json).toEqual({ resumed: 'pier' });
    expect((await call('POST', '/v1/rides', keys.rider, ride(inside, outside))).status).toBe(201);
    const log = await storedEvents();
    const paused = log.filter((e) => e.kind === 'RequestsPaused');
    expect(paused).toEqual([{ kind: 'RequestsPaused', timeS: expect.any(Number), area: 'pier', polygons: r.json.polygons, by: 'ops-1', reason: 'street fair' }]);
    expect(log.filter((e) => e.kind === 'RequestsResumed')).toEqual([{ kind: 'RequestsResumed', timeS: expect.any(Number), area: 'pier', by: 'ops-1' }]);
    expect(paused[0].timeS).toBeGreaterThanOrEqual(START_S);
    expect(log.findIndex((e) => e.kind === 'RequestsResumed')).toBeGreaterThan(log.findIndex((e) => e.kind === 'RequestsPaused'));
  });

  it('pause by H3 cells (as the dashboard picks them from its heat cells)', async () => {
    const node = 5;
    const cell = latLngToCell(at(node).lat, at(node).lon, 8);
    const r = await call('POST', '/v1/operator/requests/pause-area', keys.operator, { cells: [cell] });
    expect(r.status).toBe(201);
    expect(r.json.area).toMatch(/^area-\d+$/);
    const refused = await call('POST', '/v1/rides', keys.rider, ride(node, farFrom(node)));
    expect(refused.status).toBe(503);
    expect(refused.json.reason).toContain(`area "${r.json.area}"`);
    await call('POST', '/v1/operator/requests/resume-area', keys.operator, { name: r.json.area });
  });

  it('change the service area live: requests with an end outside are refused, sends outside too; lifted with null', async () => {
    const inside = 0;
    const outside = farFrom(inside);
    const r = await call('POST', '/v1/operator/service-area', keys.operator, { area: { type: 'Feature', properties: {}, geometry: squareAround(inside, 0.004) } });
    expect(r.status).toBe(200);
    expect(r.json.nodesInside).toBeGreaterThan(0);
    expect(r.json.nodesInside).toBeLessThan(graph.nodeCount);
    const refused = await call('POST', '/v1/rides', keys.rider, ride(inside, outside));
    expect(refused.status).toBe(422);
    expect(refused.json).toEqual({ error: 'outside_service_area', reason: 'drop-off is outside the service area (changed by the operator)' });
    const sendOut = await call('POST', '/v1/operator/vehicles/car-1/send', keys.operator, { position: at(outside) });
    expect(sendOut.status).toBe(422);
    expect(sendOut.json.error).toBe('outside_service_area');
    expect((await call('GET', '/v1/operator/areas', keys.operator)).json.serviceArea).toEqual(r.json.serviceArea);
    const lifted = await call('POST', '/v1/operator/service-area', keys.operator, { area: null });
    expect(lifted.json).toEqual({ serviceArea: null, nodesInside: graph.nodeCount });
    expect((await call('POST', '/v1/rides', keys.rider, ride(inside, outside))).status).toBe(201);
    const changes = (await storedEvents()).filter((e) => e.kind === 'ServiceAreaChanged');
    expect(changes.map((e) => [e.polygons.length, e.nodesInside, e.by])).toEqual([
      [1, r.json.nodesInside, 'ops-1'],
      [0, graph.nodeCount, 'ops-1'],
    ]);
  });

  it('send a car to a position: it rebalances there', async () => {
    const car2 = (await store.createToken({ role: 'vehicle', subject: 'car-2' })).apiKey;
    expect((await call('POST', '/v1/vehicles/car-2/register', car2, { seats: 2 })).status).toBe(200);
    const target = farFrom(0, 0.005);
    const r = await call('POST', '/v1/operator/vehicles/car-2/send', keys.operator, { position: at(target) });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const log = await storedEvents();
    const i = log.findIndex((e) => e.kind === 'VehicleSentByOperator' && e.vehicle === 1);
    expect(log[i]).toMatchObject({ site: -1, reason: 'sent by the operator' });
    expect(log[i].node).toBe(new RoadSnapper(graph).snap(at(target).lat, at(target).lon)!.node);
    expect(log[i + 1]).toMatchObject({ kind: 'VehicleRebalanced', vehicle: 1, toNode: log[i].node, timeS: log[i].timeS });
  });

  it('send a car to a charging site: the engine executes a charge command and the log shows who sent it', async () => {
    const sites = (await call('GET', '/v1/operator/sites', keys.operator)).json.sites;
    expect(sites.length).toBeGreaterThan(0);
    expect(sites[0]).toMatchObject({ site: 0, kind: 'charger' });
    const car3 = (await store.createToken({ role: 'vehicle', subject: 'car-3' })).apiKey;
    expect((await call('POST', '/v1/vehicles/car-3/register', car3, { seats: 2 })).status).toBe(200);
    expect((await call('POST', '/v1/operator/vehicles/car-3/send', keys.operator, { site: sites.length })).status).toBe(404);
    expect((await call('POST', '/v1/operator/vehicles/nobody/send', keys.operator, { site: 0 })).status).toBe(404);
    const r = await call('POST', '/v1/operator/vehicles/car-3/send', keys.operator, { site: 0, reason: 'end of shift' });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.vehicleId).toBe('car-3');
    // Now charging: a second send is refused with the engine's reason.
    const again = await call('POST', '/v1/operator/vehicles/car-3/send', keys.operator, { position: at(0) });
    expect(again.status).toBe(409);
    expect(again.json.reason).toMatch(/charging/);
    const log = await storedEvents();
    const i = log.findIndex((e) => e.kind === 'VehicleSentByOperator' && e.vehicle === 2);
    expect(log[i]).toMatchObject({ vehicle: 2, site: 0, by: 'ops-1', reason: 'end of shift' });
    expect(log[i + 1]).toMatchObject({ kind: 'VehicleSentToCharge', vehicle: 2, site: 0, timeS: log[i].timeS });
    // The engine carries it out: the car drives to the site (or is there already).
    conductor.advance(START_S + 3600);
    const after = await storedEvents();
    expect(after.some((e) => (e.kind === 'ChargingStarted' || e.kind === 'ChargingEnded') && e.vehicle === 2)).toBe(true);
  });
});
