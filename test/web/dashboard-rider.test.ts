// A rider's card and the operator pause badge, in a real headless Chromium against a real replay server, with nothing
// leaving the machine: a run recorded with explaining on, a click on a waiting rider assigned to a car opens its card
// with its request, the car and the dispatcher's reason for that car (as the log's PlanExplained gives it); and the
// same run with an operator pause spliced into its log shows the paused-area badge while the pause holds, not after.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { riderHistoryAt } from '../../src/core/replay/rider-history.js';
import { eventToJson, type SimEvent } from '../../src/core/sim/events.js';
import { loadReplay, type LoadedReplay } from '../../src/io/replay-source.js';
import { startReplayServer, type ReplayServer } from '../../src/io/replay-server.js';
import { reasonText } from '../../web/src/explain.js';
import type { DashboardHook } from '../../web/src/hook.js';
import { launchChromium, openOfflinePage, type PageWatch, dashboardRunnable } from '../browser.js';
import { recordExplainedDay } from '../replay/synthetic-day.js';

declare const window: { __baton?: DashboardHook };

const FLEET = 30;
const runnable = dashboardRunnable();

describe.skipIf(!runnable)('a rider card and the operator pause badge, in headless Chromium', () => {
  let dir: string;
  let file: string;
  let replay: LoadedReplay;
  let events: SimEvent[];
  const servers: ReplayServer[] = [];
  let context: BrowserContext;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-rider-'));
    file = join(dir, 'explained.ndjson');
    await recordExplainedDay(file, { dispatcher: 'batch', fleet: FLEET, requests: 1500 });
    events = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SimEvent);
    replay = await loadReplay(file, ['synthetic']);
    context = await launchChromium(join(dir, 'profile'));
  });

  afterAll(async () => {
    await context?.close();
    for (const s of servers) await s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['canvas', 'deck'] as const)("a clicked waiting rider shows its request, the car assigned to it and the dispatcher's reason (markers: %s)", async (markers) => {
    const server = await startReplayServer(replay, { port: 0 });
    servers.push(server);
    const watch: PageWatch = { leftTheMachine: [], problems: [], requested: [] };
    const page = await openOfflinePage(context, server.url, watch);
    try {
      await page.goto(`${server.url}?markers=${markers}`);
      await page.waitForFunction(() => window.__baton?.ready === true, null, { timeout: 90_000 });
      expect(await page.evaluate(() => window.__baton!.markerRenderer)).toBe(markers);
      const byRequest = new Map<number, SimEvent[]>();
      for (const ev of events) {
        if (!('request' in ev)) continue;
        let list = byRequest.get(ev.request);
        if (!list) byRequest.set(ev.request, (list = []));
        list.push(ev);
      }
      const tl = replay.scene.timeline;
      // Try a few moments of the run for a rider waiting for its car, with a reason, clear of other markers.
      let found: { t: number; request: number } | undefined;
      for (const f of [0.5, 0.4, 0.6, 0.3, 0.7]) {
        const t = Math.round(tl.startS + f * (tl.endS - tl.startS));
        const candidates = [...byRequest].filter(([r, own]) => {
          const h = riderHistoryAt(r, own, t);
          return h.status === 'assigned' && h.reason !== undefined && h.assignedS < t;
        });
        if (candidates.length === 0) continue;
        const before = await page.evaluate(() => window.__baton!.framesDrawn);
        await page.evaluate((s) => window.__baton!.seek(s), t);
        await page.waitForFunction((n) => window.__baton!.framesDrawn > n, before);
        const request = await page.evaluate((rs) => window.__baton!.isolatedWaitingRider!(rs), candidates.map(([r]) => r));
        if (request !== undefined) {
          found = { t, request };
          break;
        }
      }
      expect(found, 'some rider waiting for its assigned car stands clear of other markers').toBeDefined();
      const { t, request } = found!;
      const point = (await page.evaluate((r) => window.__baton!.riderPagePoint!(r), request))!;
      await page.mouse.click(point.x, point.y);
      await page.waitForFunction((r) => window.__baton!.selectedRequest === r, request, { timeout: 30_000 });
      await page.waitForSelector('#rider [data-why]');
      expect(await page.evaluate(() => window.__baton!.selectedVehicle)).toBeUndefined();

      // What the log says about this request at t.
      const own = (JSON.parse(replay.requestJson(request)!) as { events: SimEvent[] }).events;
      const h = riderHistoryAt(request, own, t);
      expect(await page.getAttribute('#rider [data-request]', 'data-request')).toBe(String(request));
      expect(await page.getAttribute('#rider [data-status]', 'data-status')).toBe('assigned');
      expect(await page.getAttribute('#rider [data-car]', 'data-car')).toBe(String(h.vehicle));
      expect(await page.textContent('#rider [data-car]')).toMatch(new RegExp(`^car ${h.vehicle} since \\d\\d:\\d\\d:\\d\\d · pickup expected at`));
      const why = await page.textContent('#rider [data-why]');
      expect(why).toBe(reasonText(h.reason!));
      expect(why).toMatch(new RegExp(`^car ${h.vehicle} chosen for request ${request}: pickup in \\d+\\.\\d min`));
      if (process.env.BATON_SCREENSHOT_DIR) await page.screenshot({ path: join(process.env.BATON_SCREENSHOT_DIR, `rider-${markers}.png`) });
      const history = await page.textContent('#rider .history');
      expect(history).toContain('requested');
      expect(history).toContain(`car ${h.vehicle}`);

      // A car still wins: clicking a busy car closes the rider's card and opens the car's.
      const vehicle = await page.evaluate(() => window.__baton!.isolatedBusyVehicle());
      expect(vehicle, 'a busy car clear of other cars to click').toBeDefined();
      const p = (await page.evaluate((v) => window.__baton!.vehiclePagePoint(v), vehicle!))!;
      await page.mouse.click(p.x, p.y);
      await page.waitForFunction((v) => window.__baton!.selectedVehicle === v, vehicle, { timeout: 30_000 });
      expect(await page.evaluate(() => window.__baton!.selectedRequest)).toBeUndefined();
      expect(await page.isHidden('#rider')).toBe(true);
      expect(watch.leftTheMachine).toEqual([]);
      expect(watch.problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a log with an operator pause shows the paused-area badge while the pause holds, and not after the resume', async () => {
    const tl = replay.scene.timeline;
    const pauseS = Math.round(tl.startS + 0.3 * (tl.endS - tl.startS));
    const resumeS = Math.round(tl.startS + 0.6 * (tl.endS - tl.startS));
    const [minLon, minLat, maxLon, maxLat] = replay.scene.network.bbox;
    const midLon = (minLon + maxLon) / 2;
    const west: SimEvent = {
      kind: 'RequestsPaused',
      timeS: pauseS,
      area: 'west-half',
      polygons: [[[[minLon, minLat], [midLon, minLat], [midLon, maxLat], [minLon, maxLat], [minLon, minLat]]]],
      by: 'test operator',
      reason: 'street festival',
    };
    const resume: SimEvent = { kind: 'RequestsResumed', timeS: resumeS, area: 'west-half', by: 'test operator' };
    // Spliced in log order: after the last event at or before each time.
    const spliced: SimEvent[] = [];
    const pending = [west, resume];
    for (const ev of events) {
      while (pending.length > 0 && pending[0].timeS < ev.timeS) spliced.push(pending.shift()!);
      spliced.push(ev);
    }
    spliced.push(...pending);
    const pausedFile = join(dir, 'paused.ndjson');
    writeFileSync(pausedFile, spliced.map(eventToJson).join('\n') + '\n');
    const paused = await loadReplay(pausedFile, ['synthetic']);
    expect(paused.scene.timeline.operatorAreas).toHaveLength(1);
    const server = await startReplayServer(paused, { port: 0 });
    servers.push(server);
    const watch: PageWatch = { leftTheMachine: [], problems: [], requested: [] };
    const page = await openOfflinePage(context, server.url, watch);
    try {
      await page.goto(server.url);
      await page.waitForFunction(() => window.__baton?.ready === true, null, { timeout: 90_000 });
      const seek = async (s: number) => {
        const before = await page.evaluate(() => window.__baton!.framesDrawn);
        await page.evaluate((x) => window.__baton!.seek(x), s);
        await page.waitForFunction((n) => window.__baton!.framesDrawn > n, before);
      };
      await seek(pauseS - 60);
      expect(await page.isHidden('.op-areas-badge')).toBe(true);
      expect(await page.evaluate(() => window.__baton!.runState(0).operatorAreas)).toBe(0);

      await seek(Math.round((pauseS + resumeS) / 2));
      await page.waitForSelector('.op-areas-badge', { state: 'visible', timeout: 30_000 });
      expect(await page.textContent('.op-areas-badge')).toBe('requests paused in west-half');
      expect(await page.evaluate(() => window.__baton!.runState(0).operatorAreas)).toBe(1);
      expect(await page.evaluate(() => window.__baton!.layerShown('op-areas-replay-fill'))).toBe(true);

      await seek(resumeS + 60);
      await page.waitForSelector('.op-areas-badge', { state: 'hidden', timeout: 30_000 });
      expect(await page.evaluate(() => window.__baton!.runState(0).operatorAreas)).toBe(0);
      expect(watch.leftTheMachine).toEqual([]);
      expect(watch.problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
