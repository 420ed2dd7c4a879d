// The live dashboard in a real headless Chromium against a real `serve` started in-process (synthetic city, real
// engine, SQLite store, port 0): the page loads with no request leaving 127.0.0.1, refuses to stream to a rider's key,
// shows the service's cars once an operator key is entered, and its operator actions reach the server (taking a car
// out of service, which the engine does and the event log records; pausing new requests, which riders then feel).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { latLngToCell } from 'h3-js';
import { RoadSnapper } from '../../src/core/network/snap.js';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { openSqliteStore } from '../../src/io/store/sqlite.js';
import type { SqlStore } from '../../src/io/store/sql-store.js';
import { WallClock } from '../../src/io/wall-clock.js';
import { createLiveEngine, EngineConductor } from '../../src/service/conductor.js';
import { startLiveService, type LiveService } from '../../src/service/live-service.js';
import { launchChromium, openOfflinePage, dashboardRunnable } from '../browser.js';
import type { DashboardHook } from '../../web/src/hook.js';

declare const window: { __baton?: DashboardHook };

const FLEET = 12;
const RIDES = 5;
const runnable = dashboardRunnable();

describe.skipIf(!runnable)('live dashboard on a running serve, in headless Chromium', () => {
  let dir: string;
  let store: SqlStore;
  let service: LiveService;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  let conductor: EngineConductor;
  const keys = { operator: '', rider: '', vehicle: '' };
  const leftTheMachine: string[] = [];
  const requested: string[] = [];
  const problems: string[] = [];
  let rideNo = 0;

  async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (path === '/v1/rides' && method === 'POST') headers['idempotency-key'] = `ride-${++rideNo}`;
    const res = await fetch(new URL(path, url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  let graphNodes: { lat: Float64Array | Float32Array; lon: Float64Array | Float32Array; n: number };
  const ride = (i: number) => {
    const a = (i * 97) % graphNodes.n;
    const b = (i * 97 + graphNodes.n / 2) % graphNodes.n | 0;
    return { pickup: { lat: graphNodes.lat[a], lon: graphNodes.lon[a] }, dropoff: { lat: graphNodes.lat[b], lon: graphNodes.lon[b] }, riders: 1, acceptsSharing: false };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-live-dashboard-'));
    store = await openSqliteStore(join(dir, 'baton.sqlite'));
    const settings = parseSimSettings({ seed: 1, dispatcher: 'greedy', fleet: FLEET });
    const runner = await openScenarioRunner(settings);
    const dispatcher = await runner.dispatcher('greedy');
    const { graph, travelTimes } = runner.scenario.network;
    graphNodes = { lat: graph.lat, lon: graph.lon, n: graph.nodeCount };
    const startS = 8 * 3600;
    const engine = createLiveEngine({ graph, travelTimes, fleetSize: FLEET, dispatcher, seed: 1, startS, spec: { seats: settings.seats }, maxWaitS: settings.maxWaitS, invalidCommands: 'record' });
    conductor = new EngineConductor({ engine, graph, travelTimes, snapper: new RoadSnapper(graph), seats: settings.seats, pickupDwellS: 30, dispatcherName: 'greedy' });
    service = await startLiveService({
      store,
      conductor,
      clock: new WallClock({ startS, speed: 5 }),
      logger: pino({ level: 'silent' }),
      port: 0,
      host: '127.0.0.1',
      run: 1,
      silenceS: 0,
      dashboard: { graph, speed: 5 },
    });
    url = `${service.url}/`;
    keys.operator = (await store.createToken({ role: 'operator', subject: 'ops-1' })).apiKey;
    keys.rider = (await store.createToken({ role: 'rider', subject: 'rider-1' })).apiKey;
    keys.vehicle = (await store.createToken({ role: 'vehicle', subject: 'car-1' })).apiKey;
    expect((await call('POST', '/v1/vehicles/car-1/register', keys.vehicle, { seats: 2 })).status).toBe(200);
    for (let i = 0; i < RIDES; i++) expect((await call('POST', '/v1/rides', keys.rider, ride(i))).status).toBe(201);

    context = await launchChromium(join(dir, 'profile'));
    // The refused actions below answer 4xx, which Chromium logs as failed resources: those are expected.
    page = await openOfflinePage(context, url, { leftTheMachine, problems, requested }, /Failed to load resource/);
    await page.goto(url);
    await page.waitForFunction(() => window.__baton?.ready === true, null, { timeout: 90_000 });
  });

  afterAll(async () => {
    await context?.close();
    await service?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function connect(key: string): Promise<void> {
    await page.fill('#op-token', key);
    await page.click('#operator button[type="submit"]');
  }

  it('loads offline from the service: every request goes to it on 127.0.0.1; it asks for an operator key', async () => {
    expect(leftTheMachine).toEqual([]);
    expect(requested.length).toBeGreaterThan(2);
    for (const u of requested) expect(u.startsWith(url) || u.startsWith('data:') || u.startsWith('blob:'), u).toBe(true);
    expect(problems).toEqual([]);
    expect(await page.evaluate(() => window.__baton!.mode)).toBe('live');
    expect(await page.textContent('#live-status')).toMatch(/operator API key/);
    expect(await page.evaluate(() => window.__baton!.carMarkers)).toBe(0);
  });

  it("refuses to stream the fleet to a rider's key", async () => {
    await connect(keys.rider);
    await page.waitForFunction(() => window.__baton!.live!().error !== undefined, null, { timeout: 10_000 });
    expect(await page.evaluate(() => window.__baton!.live!().error)).toMatch(/^forbidden: .*operator token.*rider token/);
    expect(await page.textContent('#live-status')).toMatch(/refused: forbidden/);
    expect(await page.evaluate(() => window.__baton!.carMarkers)).toBe(0);
  });

  it("shows the service's cars, riders and KPIs once an operator key is entered", async () => {
    await connect(keys.operator);
    await page.waitForFunction((n) => window.__baton!.live!().connected && window.__baton!.carMarkers === n, FLEET, { timeout: 20_000 });
    const live = await page.evaluate(() => window.__baton!.live!());
    expect(live.snapshots).toBe(1);
    expect(live.ids).toEqual({ 0: 'car-1' });
    const counts = await page.evaluate(() => window.__baton!.activityCounts);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(FLEET);
    // The KPIs come from the same fold as the service's own (GET /v1/operator/kpis).
    const kpis = (await call('GET', '/v1/operator/kpis', keys.operator)).json.kpis;
    expect(kpis.requests).toBe(RIDES);
    await expect.poll(() => page.textContent('[data-kpi="served"] .v'), { timeout: 10_000 }).toMatch(new RegExp(`/ ${RIDES}$`));
    // Deltas follow: the page keeps receiving while the engine runs.
    await page.waitForFunction((n) => window.__baton!.live!().deltas > n, live.deltas, { timeout: 10_000 });
    // A new ride shows up on the page (a waiting rider, or a car heading to it).
    const before = await page.evaluate(() => window.__baton!.live!().bytes);
    expect((await call('POST', '/v1/rides', keys.rider, ride(RIDES))).status).toBe(201);
    await expect.poll(() => page.textContent('[data-kpi="served"] .v'), { timeout: 10_000 }).toMatch(new RegExp(`/ ${RIDES + 1}$`));
    expect(await page.evaluate(() => window.__baton!.live!().bytes)).toBeGreaterThan(before);
  });

  it('takes a car out of service from the page: the engine does it and the event log records it', async () => {
    await page.evaluate(() => window.__baton!.select(0));
    await page.waitForSelector('#vehicle [data-out]');
    expect(await page.textContent('#vehicle .head b')).toBe('Car 0 · car-1');
    await page.click('#vehicle [data-out]');
    await expect.poll(() => page.textContent('#vehicle [data-action-msg]'), { timeout: 10_000 }).not.toBe('');
    expect(await page.textContent('#vehicle [data-action-msg]')).toBe('taken out of service');
    const fleet = (await call('GET', '/v1/operator/fleet', keys.operator)).json.vehicles as { vehicleId: string; inService: boolean; outOfServiceReason: string | null }[];
    const car = fleet.find((v) => v.vehicleId === 'car-1')!;
    expect(car.inService).toBe(false);
    expect(car.outOfServiceReason).toMatch(/operator ops-1: taken out from the dashboard/);
    // The action lands in the stored event log (flushed every 200 ms), as the engine's own event for car 0.
    const outEvents = async () => {
      const res = await fetch(new URL('/v1/operator/events', url), { headers: { authorization: `Bearer ${keys.operator}` } });
      return (await res.text()).split('\n').filter((l) => l.includes('"kind":"VehicleOutOfService"')).map((l) => JSON.parse(l) as { vehicle: number; reason: string; fault: boolean });
    };
    await expect.poll(async () => (await outEvents()).length, { timeout: 10_000 }).toBe(1);
    expect((await outEvents())[0]).toMatchObject({ vehicle: 0, fault: false });
    expect((await outEvents())[0].reason).toMatch(/taken out from the dashboard/);
  });

  it('pauses new ride requests from the page: riders are refused until it resumes them', async () => {
    await page.click('#operator [data-pause]');
    await expect.poll(() => page.textContent('#operator [data-op-msg]')).toBe('new requests paused');
    const refused = await call('POST', '/v1/rides', keys.rider, ride(RIDES + 1));
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({ error: 'requests_paused' });
    expect(refused.json.reason).toMatch(/paused by the operator/);
    await page.waitForFunction(() => window.__baton!.live!().requestsPaused === true, null, { timeout: 10_000 });
    expect(await store.getState('requestsPaused')).toMatch(/^ops-1: /);
    await page.click('#operator [data-resume]');
    await expect.poll(() => page.textContent('#operator [data-op-msg]')).toBe('requests resumed');
    expect((await call('POST', '/v1/rides', keys.rider, ride(RIDES + 2))).status).toBe(201);
  });

  it('pauses requests in an area picked on the map: riders there are refused, the stored log holds it; a rider key gets no controls', async () => {
    // A rider's key: the stream refuses it and the area controls stay hidden (the API answers 403: see the API tests).
    await connect(keys.rider);
    await page.waitForFunction(() => window.__baton!.live!().error?.startsWith('forbidden') === true, null, { timeout: 10_000 });
    expect(await page.evaluate(() => window.__baton!.live!().operatorActions.shown)).toBe(false);
    expect(await page.isVisible('#operator [data-pause-area]')).toBe(false);
    await connect(keys.operator);
    await page.waitForFunction(() => window.__baton!.live!().operatorActions.shown, null, { timeout: 20_000 });
    // Pick the H3 cell under the middle of the map, then pause it.
    await page.click('#operator [data-select]');
    const box = (await page.locator('#map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => window.__baton!.live!().operatorActions.selectedCells.length === 1, null, { timeout: 10_000 });
    const cell = (await page.evaluate(() => window.__baton!.live!().operatorActions.selectedCells))[0];
    await page.click('#operator [data-pause-area]');
    await expect.poll(() => page.evaluate(() => window.__baton!.live!().operatorActions.message), { timeout: 10_000 }).toMatch(/^requests paused in area-\d+$/);
    const area = (await page.evaluate(() => window.__baton!.live!().operatorActions.message)).replace('requests paused in ', '');
    await expect.poll(() => page.evaluate(() => window.__baton!.live!().operatorActions.paused), { timeout: 10_000 }).toContain(area);
    // A rider whose pickup lies in the cell is refused; the action is in the stored event log.
    const inCell = Array.from({ length: graphNodes.n }, (_, v) => v).find((v) => latLngToCell(graphNodes.lat[v], graphNodes.lon[v], 8) === cell);
    expect(inCell, 'a road node in the middle cell of the synthetic city').toBeDefined();
    const trip = { ...ride(0), pickup: { lat: graphNodes.lat[inCell!], lon: graphNodes.lon[inCell!] } };
    expect((await call('POST', '/v1/rides', keys.rider, trip)).json).toMatchObject({ error: 'requests_paused' });
    const paused = async () => {
      const res = await fetch(new URL('/v1/operator/events', url), { headers: { authorization: `Bearer ${keys.operator}` } });
      return (await res.text()).split('\n').filter((l) => l.includes('"kind":"RequestsPaused"')).map((l) => JSON.parse(l) as { area: string; by: string; polygons: unknown[] });
    };
    await expect.poll(async () => (await paused()).filter((e) => e.area === area).length, { timeout: 10_000 }).toBe(1);
    expect((await paused()).find((e) => e.area === area)).toMatchObject({ by: 'ops-1', polygons: [expect.any(Array)] });
    // Resumed from the page.
    await page.click(`#operator [data-resume-area="${area}"]`);
    await expect.poll(() => page.evaluate(() => window.__baton!.live!().operatorActions.paused), { timeout: 10_000 }).not.toContain(area);
  });

  it('changes a dispatcher parameter from the page: the running engine takes it and the stored log records it', async () => {
    await connect(keys.operator);
    await page.waitForFunction(() => window.__baton!.live!().operatorActions.dispatcher !== null, null, { timeout: 20_000 });
    expect(await page.evaluate(() => window.__baton!.live!().operatorActions.dispatcher)).toEqual({ preset: 'greedy', parameters: { maxWaitS: 600 } });
    // greedy has the max wait only (no charging sites: no thresholds either).
    expect(await page.locator('#operator [data-parameter]').count()).toBe(1);
    await page.fill('#operator [data-parameter="maxWaitS"]', '300');
    await page.click('#operator [data-apply-dispatcher]');
    await expect.poll(() => page.evaluate(() => window.__baton!.live!().operatorActions.message), { timeout: 10_000 }).toBe('dispatcher: maxWaitS 300');
    expect((await call('GET', '/v1/operator/dispatcher', keys.operator)).json).toMatchObject({ parameters: { maxWaitS: 300 }, changedBy: 'ops-1' });
    const changes = async () => {
      const res = await fetch(new URL('/v1/operator/events', url), { headers: { authorization: `Bearer ${keys.operator}` } });
      return (await res.text()).split('\n').filter((l) => l.includes('"kind":"DispatcherParametersChanged"')).map((l) => JSON.parse(l) as { parameters: unknown; by: string });
    };
    await expect.poll(async () => (await changes()).length, { timeout: 10_000 }).toBe(1);
    expect((await changes())[0]).toMatchObject({ parameters: { maxWaitS: 300 }, by: 'ops-1' });
    // Out of range: the server's reason is shown and nothing changes.
    await page.fill('#operator [data-parameter="maxWaitS"]', '0');
    await page.click('#operator [data-apply-dispatcher]');
    await expect.poll(() => page.evaluate(() => window.__baton!.live!().operatorActions.message), { timeout: 10_000 }).toBe('400 invalid_request: invalid body: maxWaitS: expected an integer in 1..86400');
    expect(conductor.dispatcher().parameters.maxWaitS).toBe(300);
  });

  it("refuses the operator actions to a rider's key", async () => {
    expect((await call('POST', '/v1/operator/vehicles/car-1/out-of-service', keys.rider, { reason: 'x' })).status).toBe(403);
    const pause = await call('POST', '/v1/operator/requests/pause', keys.rider, { paused: true });
    expect(pause.status).toBe(403);
    expect(pause.json.error).toBe('forbidden');
    expect((await call('POST', '/v1/rides', keys.rider, ride(RIDES + 3))).status).toBe(201); // still not paused
  });
});
