// Why a car got its plan, and the optional basemap, in a real headless Chromium against a real replay server: a run
// recorded with explaining on, a click on a busy car shows the dispatcher's reason for its current plan (the same text
// the log's PlanExplained event gives), with nothing leaving the machine; with `--basemap` the page asks for the given
// tile template or style URL (answered here by a local handler) and still draws the roads.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { vehiclePlanAt } from '../../src/core/replay/vehicle-plan.js';
import type { SimEvent } from '../../src/core/sim/events.js';
import { loadReplay, type LoadedReplay } from '../../src/io/replay-source.js';
import { startReplayServer, type ReplayServer } from '../../src/io/replay-server.js';
import { currentReason, reasonText } from '../../web/src/explain.js';
import { wholeRunCostText } from '../../web/src/run-cost.js';
import type { DashboardHook } from '../../web/src/hook.js';
import { launchChromium, openOfflinePage, type PageWatch, dashboardRunnable } from '../browser.js';
import { recordExplainedDay } from '../replay/synthetic-day.js';

declare const window: { __baton?: DashboardHook };

const FLEET = 30;
const runnable = dashboardRunnable();

/** A 1×1 PNG: the local stand-in for a basemap tile. */
const TILE_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

describe.skipIf(!runnable)('why a car got its plan, and --basemap, in headless Chromium', () => {
  let dir: string;
  let replay: LoadedReplay;
  const servers: ReplayServer[] = [];
  let context: BrowserContext;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-why-'));
    const file = join(dir, 'explained.ndjson');
    await recordExplainedDay(file, { dispatcher: 'greedy', fleet: FLEET, requests: 1500 });
    replay = await loadReplay(file, ['synthetic']);
    context = await launchChromium(join(dir, 'profile'));
  });

  afterAll(async () => {
    await context?.close();
    for (const s of servers) await s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a clicked car shows the dispatcher's reason for its current plan, and nothing leaves the machine", async () => {
    const server = await startReplayServer(replay, { port: 0 });
    servers.push(server);
    const watch: PageWatch = { leftTheMachine: [], problems: [], requested: [] };
    const page = await openOfflinePage(context, server.url, watch);
    try {
      await page.goto(server.url);
      await page.waitForFunction(() => window.__baton?.ready === true, null, { timeout: 90_000 });
      const tl = replay.scene.timeline;
      const t = Math.round((tl.startS + tl.endS) / 2);
      const before = await page.evaluate(() => window.__baton!.framesDrawn);
      await page.evaluate((s) => window.__baton!.seek(s), t);
      await page.waitForFunction((n) => window.__baton!.framesDrawn > n, before);
      const vehicle = await page.evaluate(() => window.__baton!.isolatedBusyVehicle());
      expect(vehicle).toBeDefined();
      const point = (await page.evaluate((v) => window.__baton!.vehiclePagePoint(v), vehicle!))!;
      await page.mouse.click(point.x, point.y);
      await page.waitForFunction((v) => window.__baton!.selectedVehicle === v, vehicle, { timeout: 30_000 });
      await page.waitForSelector('#vehicle [data-why]');

      // What the log says: the latest reason up to now about a request still on the car's plan.
      const own = (JSON.parse(replay.vehicleJson(vehicle!)!) as { events: SimEvent[] }).events;
      const plan = vehiclePlanAt(vehicle!, own, { pickupNode: (r) => tl.requestPickupNode[r], dropoffNode: (r) => tl.requestDropoffNode[r] }, t);
      const reason = currentReason(own, t, new Set(plan.stops.map((s) => s.request)));
      expect(reason, 'a busy car of a run recorded with --explain has a reason').toBeDefined();
      const text = await page.textContent('#vehicle [data-why]');
      expect(text).toBe(reasonText(reason!));
      expect(text).toMatch(new RegExp(`^car ${vehicle} chosen for request \\d+: pickup in \\d+\\.\\d min`));
      // The KPI panel's whole-run line: the cost model at its default prices over the run's KPIs.
      const cost = await page.textContent('[data-run-cost]');
      expect(cost).toBe(wholeRunCostText(tl.kpis));
      expect(cost).toMatch(/^Cost \$\d+\.\d\d per vehicle mile \(\$\d+\.\d\d per trip, \d+ % of miles paid\)/);
      expect(watch.leftTheMachine).toEqual([]);
      expect(watch.problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('--basemap: the page fetches the given tile template, and the roads are still drawn over it', async () => {
    const server = await startReplayServer(replay, { port: 0, basemap: 'http://tiles.basemap.test/{z}/{x}/{y}.png' });
    servers.push(server);
    const watch: PageWatch = { leftTheMachine: [], problems: [], requested: [] };
    const page = await openOfflinePage(context, server.url, watch);
    const tiles: string[] = [];
    // Registered after openOfflinePage's catch-all, so it answers first (playwright runs the latest route first).
    await page.route('http://tiles.basemap.test/**', (route) => {
      tiles.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'image/png', body: TILE_PNG });
    });
    try {
      await page.goto(server.url);
      await page.waitForFunction(() => window.__baton?.ready === true, null, { timeout: 90_000 });
      await page.waitForFunction(() => window.__baton!.layerShown('basemap'), null, { timeout: 30_000 });
      expect(await page.evaluate(() => window.__baton!.layerShown('roads-0'))).toBe(true);
      await expect.poll(() => tiles.length, { timeout: 30_000 }).toBeGreaterThan(0);
      expect(tiles.every((u) => /^http:\/\/tiles\.basemap\.test\/\d+\/\d+\/\d+\.png$/.test(u))).toBe(true);
      expect(watch.leftTheMachine).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('--basemap with a MapLibre style URL: the page loads that style and adds the roads on top', async () => {
    const server = await startReplayServer(replay, { port: 0, basemap: 'http://style.basemap.test/style.json' });
    servers.push(server);
    const watch: PageWatch = { leftTheMachine: [], problems: [], requested: [] };
    const page = await openOfflinePage(context, server.url, watch);
    const asked: string[] = [];
    await page.route('http://style.basemap.test/**', (route) => {
      asked.push(route.request().url());
      const style = { version: 8, sources: {}, layers: [{ id: 'style-land', type: 'background', paint: { 'background-color': '#202a30' } }] };
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(style) });
    });
    try {
      await page.goto(server.url);
      await page.waitForFunction(() => window.__baton?.ready === true, null, { timeout: 90_000 });
      expect(asked).toEqual(['http://style.basemap.test/style.json']);
      expect(await page.evaluate(() => window.__baton!.layerShown('style-land'))).toBe(true);
      expect(await page.evaluate(() => window.__baton!.layerShown('roads-0'))).toBe(true);
      expect(watch.leftTheMachine).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
