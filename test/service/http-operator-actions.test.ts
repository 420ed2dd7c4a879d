// Operator actions on areas and cars (issue 15.5, decision 0021) over real sockets: a real engine on the synthetic city
// with charging sites, the real conductor, a SQLite store and the recorder, so each action is checked where it lands
// (riders refused or not, the car's plan, the stored event log).
import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { RoadSnapper } from '../../src/core/network/snap.js';
import { ENGINE_START_S, useEngineServer } from './engine-server.js';

const START_S = ENGINE_START_S;
const env = useEngineServer({ dispatcher: 'greedy', fleet: 4 });
const { call, storedEvents, at } = env;
/** A square of ±d degrees around a node, as a GeoJSON Polygon. */
const squareAround = (node: number, d = 0.002) => {
  const { lat, lon } = at(node);
  return { type: 'Polygon', coordinates: [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]] };
};
/** A node at least `minDeg` degrees (in lat or lon) from `node`. */
const farFrom = (node: number, minDeg = 0.01): number => {
  for (let v = 0; v < env.graph.nodeCount; v++) if (Math.abs(env.graph.lat[v] - env.graph.lat[node]) > minDeg || Math.abs(env.graph.lon[v] - env.graph.lon[node]) > minDeg) return v;
  throw new Error('no far node');
};
const ride = (from: number, to: number) => ({ pickup: at(from), dropoff: at(to), riders: 1, acceptsSharing: false });

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
      for (const key of [env.keys.rider, env.keys.vehicle]) {
        const r = await call(method, path, key, body);
        expect(r.status, `${method} ${path}`).toBe(403);
        expect(r.json.error).toBe('forbidden');
      }
      expect((await fetch(env.url + path, { method })).status).toBe(401);
    }
    expect(env.conductor.pausedAreas()).toEqual([]);
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
      const r = await call('POST', path, env.keys.operator, body);
      expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(r.json.error).toBe('invalid_request');
      expect(r.json.reason, `${path} ${JSON.stringify(body)}`).toMatch(reason);
    }
    expect(env.conductor.pausedAreas()).toEqual([]);
  });

  it('pause requests with pickup in a GeoJSON area: refused there with 503 requests_paused, taken elsewhere, logged, resumed', async () => {
    const inside = 0;
    const outside = farFrom(inside);
    const r = await call('POST', '/v1/operator/requests/pause-area', env.keys.operator, { area: squareAround(inside), name: 'pier', reason: 'street fair' });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ area: 'pier', by: 'ops-1', reason: 'street fair' });
    expect(r.json.polygons).toHaveLength(1);
    const refused = await call('POST', '/v1/rides', env.keys.rider, ride(inside, outside));
    expect(refused.status).toBe(503);
    expect(refused.json).toEqual({ error: 'requests_paused', reason: 'new ride requests with pickup in area "pier" are paused by the operator: street fair' });
    // A drop-off in the area is fine: only pickups are paused.
    expect((await call('POST', '/v1/rides', env.keys.rider, ride(outside, inside))).status).toBe(201);
    expect((await call('GET', '/v1/operator/areas', env.keys.operator)).json.paused.map((a: { area: string }) => a.area)).toEqual(['pier']);
    expect((await call('POST', '/v1/operator/requests/resume-area', env.keys.operator, { name: 'nowhere' })).status).toBe(404);
    expect((await call('POST', '/v1/operator/requests/resume-area', env.keys.operator, { name: 'pier' })).json).toEqual({ resumed: 'pier' });
    expect((await call('POST', '/v1/rides', env.keys.rider, ride(inside, outside))).status).toBe(201);
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
    const r = await call('POST', '/v1/operator/requests/pause-area', env.keys.operator, { cells: [cell] });
    expect(r.status).toBe(201);
    expect(r.json.area).toMatch(/^area-\d+$/);
    const refused = await call('POST', '/v1/rides', env.keys.rider, ride(node, farFrom(node)));
    expect(refused.status).toBe(503);
    expect(refused.json.reason).toContain(`area "${r.json.area}"`);
    await call('POST', '/v1/operator/requests/resume-area', env.keys.operator, { name: r.json.area });
  });

  it('change the service area live: requests with an end outside are refused, sends outside too; lifted with null', async () => {
    const inside = 0;
    const outside = farFrom(inside);
    const r = await call('POST', '/v1/operator/service-area', env.keys.operator, { area: { type: 'Feature', properties: {}, geometry: squareAround(inside, 0.004) } });
    expect(r.status).toBe(200);
    expect(r.json.nodesInside).toBeGreaterThan(0);
    expect(r.json.nodesInside).toBeLessThan(env.graph.nodeCount);
    const refused = await call('POST', '/v1/rides', env.keys.rider, ride(inside, outside));
    expect(refused.status).toBe(422);
    expect(refused.json).toEqual({ error: 'outside_service_area', reason: 'drop-off is outside the service area (changed by the operator)' });
    const sendOut = await call('POST', '/v1/operator/vehicles/car-1/send', env.keys.operator, { position: at(outside) });
    expect(sendOut.status).toBe(422);
    expect(sendOut.json.error).toBe('outside_service_area');
    expect((await call('GET', '/v1/operator/areas', env.keys.operator)).json.serviceArea).toEqual(r.json.serviceArea);
    const lifted = await call('POST', '/v1/operator/service-area', env.keys.operator, { area: null });
    expect(lifted.json).toEqual({ serviceArea: null, nodesInside: env.graph.nodeCount });
    expect((await call('POST', '/v1/rides', env.keys.rider, ride(inside, outside))).status).toBe(201);
    const changes = (await storedEvents()).filter((e) => e.kind === 'ServiceAreaChanged');
    expect(changes.map((e) => [e.polygons.length, e.nodesInside, e.by])).toEqual([
      [1, r.json.nodesInside, 'ops-1'],
      [0, env.graph.nodeCount, 'ops-1'],
    ]);
  });

  it('send a car to a position: it rebalances there', async () => {
    const car2 = (await env.store.createToken({ role: 'vehicle', subject: 'car-2' })).apiKey;
    expect((await call('POST', '/v1/vehicles/car-2/register', car2, { seats: 2 })).status).toBe(200);
    const target = farFrom(0, 0.005);
    const r = await call('POST', '/v1/operator/vehicles/car-2/send', env.keys.operator, { position: at(target) });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const log = await storedEvents();
    const i = log.findIndex((e) => e.kind === 'VehicleSentByOperator' && e.vehicle === 1);
    expect(log[i]).toMatchObject({ site: -1, reason: 'sent by the operator' });
    expect(log[i].node).toBe(new RoadSnapper(env.graph).snap(at(target).lat, at(target).lon)!.node);
    expect(log[i + 1]).toMatchObject({ kind: 'VehicleRebalanced', vehicle: 1, toNode: log[i].node, timeS: log[i].timeS });
  });

  it('send a car to a charging site: the engine executes a charge command and the log shows who sent it', async () => {
    const sites = (await call('GET', '/v1/operator/sites', env.keys.operator)).json.sites;
    expect(sites.length).toBeGreaterThan(0);
    expect(sites[0]).toMatchObject({ site: 0, kind: 'charger' });
    const car3 = (await env.store.createToken({ role: 'vehicle', subject: 'car-3' })).apiKey;
    expect((await call('POST', '/v1/vehicles/car-3/register', car3, { seats: 2 })).status).toBe(200);
    expect((await call('POST', '/v1/operator/vehicles/car-3/send', env.keys.operator, { site: sites.length })).status).toBe(404);
    expect((await call('POST', '/v1/operator/vehicles/nobody/send', env.keys.operator, { site: 0 })).status).toBe(404);
    const r = await call('POST', '/v1/operator/vehicles/car-3/send', env.keys.operator, { site: 0, reason: 'end of shift' });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.vehicleId).toBe('car-3');
    // Now charging: a second send is refused with the engine's reason.
    const again = await call('POST', '/v1/operator/vehicles/car-3/send', env.keys.operator, { position: at(0) });
    expect(again.status).toBe(409);
    expect(again.json.reason).toMatch(/charging/);
    const log = await storedEvents();
    const i = log.findIndex((e) => e.kind === 'VehicleSentByOperator' && e.vehicle === 2);
    expect(log[i]).toMatchObject({ vehicle: 2, site: 0, by: 'ops-1', reason: 'end of shift' });
    expect(log[i + 1]).toMatchObject({ kind: 'VehicleSentToCharge', vehicle: 2, site: 0, timeS: log[i].timeS });
    // The engine carries it out: the car drives to the site (or is there already).
    env.conductor.advance(START_S + 3600);
    const after = await storedEvents();
    expect(after.some((e) => (e.kind === 'ChargingStarted' || e.kind === 'ChargingEnded') && e.vehicle === 2)).toBe(true);
  });
});
