// Two recorded runs side by side in a real headless Chromium (`baton replay A B`): one clock drives both maps, each
// map shows its own run's cars and each KPI panel its own run's figures at that moment; the cameras move together.
// The map layers too: charging sites from the log, the service area given to replay, and the demand/supply heat
// per H3 cell (the same cells as computed here from the sampler).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { FrameSampler } from '../../src/core/replay/frame.js';
import { ACTIVITY_NAMES } from '../../src/core/replay/timeline.js';
import { eventToJson, eventsToNdjson, type SimEvent } from '../../src/core/sim/events.js';
import { loadReplay, type LoadedReplay } from '../../src/io/replay-source.js';
import { startReplayServer, type ReplayServer } from '../../src/io/replay-server.js';
import { launchChromium, openOfflinePage, dashboardRunnable } from '../browser.js';
import { syntheticDayLog } from '../replay/synthetic-day.js';
import { heatCells } from '../../web/src/heat.js';
import type { DashboardHook } from '../../web/src/hook.js';

declare const window: { __baton?: DashboardHook };

const runnable = dashboardRunnable();

describe.skipIf(!runnable)('two runs side by side, with the map layers', () => {
  let dir: string;
  const logs: SimEvent[][] = [];
  const replays: LoadedReplay[] = [];
  let server: ReplayServer;
  let context: BrowserContext;
  let page: Page;
  const leftTheMachine: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-compare-'));
    const sites = [
      { node: 10, plugs: 4, powerKw: 50 },
      { node: 400, plugs: 9, powerKw: 150 },
    ];
    logs.push(syntheticDayLog({ fleet: 40, requests: 1500 }), syntheticDayLog({ fleet: 25, requests: 1500, chargingSites: sites }));
    const first = await loadReplay(writeLog('a.ndjson', logs[0]), ['synthetic']);
    const [minLon, minLat, maxLon, maxLat] = first.scene.network.bbox;
    const mid = [(minLon + maxLon) / 2, (minLat + maxLat) / 2];
    const area = join(dir, 'area.geojson');
    writeFileSync(area, JSON.stringify({ type: 'Polygon', coordinates: [[[minLon, minLat], [mid[0], minLat], [mid[0], mid[1]], [minLon, mid[1]], [minLon, minLat]]] }));
    replays.push(first, await loadReplay(writeLog('b.ndjson', logs[1]), ['synthetic'], { serviceAreaFile: area }));
    server = await startReplayServer(replays, { port: 0 });
    context = await launchChromium(join(dir, 'profile'));
    page = await openOfflinePage(context, server.url, { leftTheMachine, problems, requested: [] });
    await page.goto(server.url);
    await page.waitForFunction(() => window.__baton?.ready === true, null, { timeout: 90_000 });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function writeLog(name: string, events: SimEvent[]): string {
    const file = join(dir, name);
    writeFileSync(file, eventsToNdjson(events.map((ev) => JSON.parse(eventToJson(ev)) as SimEvent)));
    return file;
  }

  async function seek(t: number): Promise<void> {
    const before = await page.evaluate(() => window.__baton!.framesDrawn);
    await page.evaluate((s) => window.__baton!.seek(s), t);
    await page.waitForFunction((n) => window.__baton!.framesDrawn > n, before);
  }

  it('loads offline with two maps and two KPI panels', async () => {
    expect(leftTheMachine).toEqual([]);
    expect(problems).toEqual([]);
    expect(await page.evaluate(() => window.__baton!.runs)).toBe(2);
    expect(await page.locator('#map-area .pane canvas.maplibregl-canvas').count()).toBe(2);
    expect(await page.locator('#kpis [data-kpi="served"]').count()).toBe(1);
    expect(await page.locator('#kpis-1 [data-kpi="served"]').count()).toBe(1);
    expect(await page.textContent('#title')).toContain('a.ndjson vs B b.ndjson');
  });

  it('one clock: at each moment each map shows its own run, and each panel its own KPIs', async () => {
    for (const t of [6 * 3600, 8 * 3600 + 1234, 17.5 * 3600]) {
      await seek(t);
      await expect.poll(() => page.textContent('#clock')).toBe(new Date(t * 1000).toISOString().slice(11, 19));
      for (const run of [0, 1]) {
        const got = await page.evaluate((i) => window.__baton!.runState(i), run);
        const sampler = new FrameSampler(replays[run].scene.timeline, replays[run].scene.network);
        sampler.sampleAt(t);
        expect(got.carMarkers, `run ${run} at ${t}`).toBe(logs[run].filter((ev) => ev.kind === 'VehiclePlaced' && ev.timeS <= t).length);
        expect(got.activityCounts).toEqual(Object.fromEntries(ACTIVITY_NAMES.map((name, a) => [name, sampler.activityCounts[a]])));
        expect(got.riderMarkers).toBe(sampler.riderCount);
        // The KPI panel holds the minute sample at or before t: drop-offs up to the start of that minute.
        const minute = Math.floor(t / 60) * 60;
        const served = logs[run].filter((ev) => ev.kind === 'DroppedOff' && ev.timeS <= minute).length;
        const shown = (await page.textContent(`#${run === 0 ? 'kpis' : 'kpis-1'} [data-kpi="served"] .v`))!.replace(/,/g, '');
        expect(shown, `served in run ${run} at ${t}`).toMatch(new RegExp(`^${served} `));
      }
      const a = await page.evaluate(() => window.__baton!.runState(0).carMarkers);
      const b = await page.evaluate(() => window.__baton!.runState(1).carMarkers);
      expect(a).not.toBe(b); // two different fleets, really two runs
    }
  });

  it('moves both cameras together', async () => {
    const box = (await page.locator('#map').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await expect.poll(() => page.evaluate(() => window.__baton!.runState(0).camera.zoom), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(500);
    const [a, b] = await page.evaluate(() => [window.__baton!.runState(0).camera, window.__baton!.runState(1).camera]);
    expect(b.zoom).toBeCloseTo(a.zoom, 6);
    expect(b.lon).toBeCloseTo(a.lon, 6);
    expect(b.lat).toBeCloseTo(a.lat, 6);
  });

  it('draws the charging sites of the log and the service area given to replay; the boxes hide them', async () => {
    const b = await page.evaluate(() => window.__baton!.runState(1));
    expect(b.chargingSites).toBe(2);
    expect(b.serviceAreaPolygons).toBe(1);
    expect(await page.evaluate(() => window.__baton!.runState(0).chargingSites)).toBe(0);
    expect(await page.evaluate(() => [window.__baton!.layerShown('chargers', 1), window.__baton!.layerShown('area-line', 1)])).toEqual([true, true]);
    await page.click('#layers input[data-overlay="chargers"]');
    expect(await page.evaluate(() => window.__baton!.layerShown('chargers', 1))).toBe(false);
    await page.click('#layers input[data-overlay="chargers"]');
    expect(await page.evaluate(() => window.__baton!.layerShown('chargers', 1))).toBe(true);
  });

  it('shows the demand/supply heat per H3 cell when ticked: the cells of the waiting riders and idle cars', async () => {
    expect(await page.evaluate(() => window.__baton!.layerShown('heat-fill', 0))).toBe(false);
    await seek(8 * 3600 + 600);
    await page.click('#layers input[data-overlay="heat"]');
    await page.waitForFunction(() => window.__baton!.runState(0).heatCells > 0, null, { timeout: 10_000 });
    expect(await page.evaluate(() => window.__baton!.layerShown('heat-fill', 0))).toBe(true);
    for (const run of [0, 1]) {
      const sampler = new FrameSampler(replays[run].scene.timeline, replays[run].scene.network);
      sampler.sampleAt(8 * 3600 + 600);
      expect(await page.evaluate((i) => window.__baton!.runState(i).heatCells, run)).toBe(heatCells(sampler).length);
    }
    await page.click('#layers input[data-overlay="heat"]');
    expect(await page.evaluate(() => window.__baton!.layerShown('heat-fill', 0))).toBe(false);
  });
});
