// The live dashboard's selected car: its plan listed from the service and the dispatcher's reason for it (serve
// explains by default, decision 0022), through GET /v1/operator/cars/:car/why; and a waiting rider clicked on the map:
// its card from GET /v1/operator/requests/:request/events. In headless Chromium on a real service.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { RoadSnapper } from '../../src/core/network/snap.js';
import type { PlanExplained } from '../../src/core/sim/events.js';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { openSqliteStore } from '../../src/io/store/sqlite.js';
import type { SqlStore } from '../../src/io/store/sql-store.js';
import { WallClock } from '../../src/io/wall-clock.js';
import { createLiveEngine, EngineConductor } from '../../src/service/conductor.js';
import { startLiveService, type LiveService } from '../../src/service/live-service.js';
import { riderHistoryAt } from '../../src/core/replay/rider-history.js';
import type { SimEvent } from '../../src/core/sim/events.js';
import { reasonText } from '../../web/src/explain.js';
import type { DashboardHook } from '../../web/src/hook.js';
import { launchChromium, openOfflinePage, type PageWatch, dashboardRunnable } from '../browser.js';

declare const window: { __baton?: DashboardHook };

const FLEET = 4;
const runnable = dashboardRunnable();

describe.skipIf(!runnable)("live dashboard: the selected car's plan and why, and a waiting rider's card", () => {
  let dir: string;
  let store: SqlStore;
  let service: LiveService;
  let url: string;
  let context: BrowserContext;
  const keys = { operator: '', rider: '' };

  async function call(method: string, path: string, token: string, body?: unknown, idem?: string): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idem) headers['idempotency-key'] = idem;
    const res = await fetch(new URL(path, url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  /** The dashboard page, loaded and connected with the operator's key. */
  async function connectedPage(watch: PageWatch) {
    const page = await openOfflinePage(context, url, watch);
    await page.goto(url);
    await page.waitForFunction(() => window.__baton?.ready === true, null, { timeout: 90_000 });
    await page.fill('#op-token', keys.operator);
    await page.click('#operator button[type="submit"]');
    return page;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-live-why-'));
    store = await openSqliteStore(join(dir, 'baton.sqlite'));
    const settings = parseSimSettings({ seed: 1, dispatcher: 'greedy', fleet: FLEET });
    const runner = await openScenarioRunner(settings);
    const dispatcher = await runner.dispatcher('greedy');
    const { graph, travelTimes } = runner.scenario.network;
    const startS = 8 * 3600;
    // As serve builds it (explaining on by default); a slow clock, so that the plan stands while the page reads it.
    const engine = createLiveEngine({ graph, travelTimes, fleetSize: FLEET, dispatcher, seed: 1, startS, spec: { seats: settings.seats }, maxWaitS: settings.maxWaitS, invalidCommands: 'record', explain: true });
    const conductor = new EngineConductor({ engine, graph, travelTimes, snapper: new RoadSnapper(graph), seats: settings.seats, pickupDwellS: 30, dispatcherName: 'greedy' });
    service = await startLiveService({ store, conductor, clock: new WallClock({ startS, speed: 1 }), logger: pino({ level: 'silent' }), port: 0, host: '127.0.0.1', run: 1, silenceS: 0, dashboard: { graph, speed: 1 } });
    url = `${service.url}/`;
    keys.operator = (await store.createToken({ role: 'operator', subject: 'ops-1' })).apiKey;
    keys.rider = (await store.createToken({ role: 'rider', subject: 'rider-1' })).apiKey;
    for (let i = 1; i <= FLEET; i++) {
      const key = (await store.createToken({ role: 'vehicle', subject: `car-${i}` })).apiKey;
      expect((await call('POST', `/v1/vehicles/car-${i}/register`, key, { seats: 2 })).status).toBe(200);
    }
    // The pickup nearest the middle of the city (its rider is drawn well inside the map), the drop-off at a corner.
    const [midLat, midLon] = [(Math.min(...graph.lat) + Math.max(...graph.lat)) / 2, (Math.min(...graph.lon) + Math.max(...graph.lon)) / 2];
    let a = 0;
    for (let n = 1; n < graph.nodeCount; n++) if (Math.hypot(graph.lat[n] - midLat, graph.lon[n] - midLon) < Math.hypot(graph.lat[a] - midLat, graph.lon[a] - midLon)) a = n;
    const b = 7 % graph.nodeCount;
    const ride = { pickup: { lat: graph.lat[a], lon: graph.lon[a] }, dropoff: { lat: graph.lat[b], lon: graph.lon[b] }, riders: 1, acceptsSharing: false };
    expect((await call('POST', '/v1/rides', keys.rider, ride, 'ride-1')).status).toBe(201);
    context = await launchChromium(join(dir, 'profile'));
  });

  afterAll(async () => {
    await context?.close();
    await service?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists the selected car's plan and shows the reason the service logged for it", async () => {
    // The car the ride went to, and the reason the service keeps for it.
    let car = -1;
    let why: { vehicleId: string; plan: unknown[]; reason: PlanExplained | null } | undefined;
    await expect
      .poll(
        async () => {
          for (let c = 0; c < FLEET; c++) {
            const r = await call('GET', `/v1/operator/cars/${c}/why`, keys.operator);
            if (r.status === 200 && r.json.plan.length > 0) {
              car = c;
              why = r.json;
              return true;
            }
          }
          return false;
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(why!.reason).toMatchObject({ kind: 'PlanExplained', vehicle: car, why: 'nearest' });
    expect(why!.reason!.alternatives.length).toBe(FLEET - 1);
    expect((await call('GET', `/v1/operator/cars/${car}/why`, keys.rider)).status).toBe(403);
    expect((await call('GET', '/v1/operator/cars/x/why', keys.operator)).status).toBe(400);

    const watch: PageWatch = { leftTheMachine: [], problems: [], requested: [] };
    const page = await connectedPage(watch);
    try {
      await page.waitForFunction((n) => window.__baton!.live!().connected && window.__baton!.carMarkers === n, FLEET, { timeout: 20_000 });
      await page.evaluate((c) => window.__baton!.select(c), car);
      await page.waitForSelector('#vehicle [data-why]', { timeout: 15_000 });
      expect(await page.textContent('#vehicle [data-why]')).toBe(reasonText(why!.reason!));
      const stops = await page.locator('#vehicle [data-live-plan] .plan li').allTextContents();
      expect(stops.length).toBeGreaterThan(0);
      expect(stops[stops.length - 1]).toMatch(/^drop off ride /);
      expect(watch.leftTheMachine).toEqual([]);
      expect(watch.problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
  it("a waiting rider clicked on the map opens its card: the request, the car coming for it and the dispatcher's reason", async () => {
    // The request the service gave a car, from the reason it logged.
    let reason: PlanExplained | undefined;
    await expect
      .poll(
        async () => {
          for (let c = 0; c < FLEET; c++) {
            const r = await call('GET', `/v1/operator/cars/${c}/why`, keys.operator);
            if (r.status === 200 && r.json.reason) reason = r.json.reason;
          }
          return reason !== undefined;
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    const request = reason!.request;
    const served = await call('GET', `/v1/operator/requests/${request}/events`, keys.operator);
    expect(served.status).toBe(200);
    const kinds = (served.json.events as SimEvent[]).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['RequestSubmitted', 'RequestAssigned', 'PlanExplained']));
    expect((served.json.events as SimEvent[]).every((e) => 'request' in e && e.request === request)).toBe(true);
    expect((await call('GET', `/v1/operator/requests/${request}/events`, keys.rider)).status).toBe(403);
    expect((await call('GET', `/v1/operator/requests/${request}/events`, '')).status).toBe(401);
    expect((await call('GET', '/v1/operator/requests/999999/events', keys.operator)).status).toBe(404);
    expect((await call('GET', '/v1/operator/requests/-1/events', keys.operator)).status).toBe(400);

    const watch: PageWatch = { leftTheMachine: [], problems: [], requested: [] };
    const page = await connectedPage(watch);
    try {
      await page.waitForFunction((r) => window.__baton!.live!().connected && window.__baton!.riderPagePoint!(r) !== undefined, request, { timeout: 20_000 });
      // Click the rider's dot where no car is drawn near it (a click there would pick the car); else open it by hook.
      const at = await page.evaluate((r) => window.__baton!.riderPagePoint!(r), request);
      const cars = await page.evaluate((n) => Array.from({ length: n }, (_, c) => window.__baton!.vehiclePagePoint(c)), FLEET);
      const clear = cars.every((p) => !p || Math.hypot(p.x - at!.x, p.y - at!.y) > 16);
      if (clear) await page.mouse.click(at!.x, at!.y);
      else await page.evaluate((r) => window.__baton!.selectRider!(r), request);
      await page.waitForSelector(`#rider [data-request="${request}"]`, { timeout: 15_000 });
      expect(await page.locator('#vehicle').isHidden()).toBe(true);
      // The card says what the service's events say at the page's time: assigned to the reason's car, with that reason.
      const h = riderHistoryAt(request, served.json.events as SimEvent[], Number.MAX_SAFE_INTEGER);
      expect(h.vehicle).toBe(reason!.vehicle);
      await page.waitForSelector(`#rider [data-car="${reason!.vehicle}"]`, { timeout: 15_000 });
      expect(await page.getAttribute('#rider [data-status]', 'data-status')).toMatch(/^(assigned|on board|dropped off)$/);
      expect(h.reason).toBeDefined();
      expect(await page.textContent('#rider [data-why]')).toBe(reasonText(h.reason!));
      // Selecting a car closes the rider's card.
      await page.evaluate((c) => window.__baton!.select(c), reason!.vehicle);
      await page.waitForSelector('#rider', { state: 'hidden', timeout: 5_000 });
      expect(watch.leftTheMachine).toEqual([]);
      expect(watch.problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
