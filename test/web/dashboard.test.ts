// The replay dashboard in a real headless Chromium against a real replay server on a free port: it loads with no
// request leaving the machine, shows one marker per placed car (and the same cars per activity as the sampler here),
// plays and scrubs, and a click on a car shows that car's plan.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { FrameSampler } from '../../src/core/replay/frame.js';
import { ACTIVITY_NAMES } from '../../src/core/replay/timeline.js';
import { vehiclePlanAt } from '../../src/core/replay/vehicle-plan.js';
import { eventToJson, eventsToNdjson, type SimEvent } from '../../src/core/sim/events.js';
import { loadReplay, type LoadedReplay } from '../../src/io/replay-source.js';
import { startReplayServer, type ReplayServer } from '../../src/io/replay-server.js';
import { openEventLog } from '../../src/io/event-log-file.js';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { launchChromium, openOfflinePage, dashboardRunnable } from '../browser.js';
import { haveSharedData, SF_EDGES, SF_NODES, sharedData } from '../shared-data.js';
import { syntheticDayLog } from '../replay/synthetic-day.js';
import type { DashboardHook } from '../../web/src/hook.js';

// What the page's code in the callbacks below sees (this file compiles without the DOM library).
declare const window: { __baton?: DashboardHook };

const FLEET = 40;
const runnable = dashboardRunnable();

describe.skipIf(!runnable)('replay dashboard in headless Chromium', () => {
  let dir: string;
  let events: SimEvent[];
  let replay: LoadedReplay;
  let server: ReplayServer;
  let context: BrowserContext;
  let page: Page;
  const requested: string[] = [];
  const leftTheMachine: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-dashboard-'));
    events = syntheticDayLog({ fleet: FLEET, requests: 2000 }).map((ev) => JSON.parse(eventToJson(ev)) as SimEvent);
    const file = join(dir, 'day.ndjson');
    writeFileSync(file, eventsToNdjson(events));
    replay = await loadReplay(file, ['synthetic']);
    server = await startReplayServer(replay, { port: 0 });
    context = await launchChromium(join(dir, 'profile'));
    // Anything not for our server is refused and remembered: the page must not need it.
    page = await openOfflinePage(context, server.url, { leftTheMachine, problems, requested });
    await page.goto(server.url);
    await page.waitForFunction(() => window.__baton?.ready === true, null, { timeout: 90_000 });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Seeks and waits until a frame of that time has been handed to the map. */
  async function seek(t: number): Promise<void> {
    const before = await page.evaluate(() => window.__baton!.framesDrawn);
    await page.evaluate((s) => window.__baton!.seek(s), t);
    await page.waitForFunction((n) => window.__baton!.framesDrawn > n, before);
  }

  it('loads offline: every request goes to the replay server on 127.0.0.1, none fails', async () => {
    expect(leftTheMachine).toEqual([]);
    expect(requested.length).toBeGreaterThan(2);
    for (const url of requested) expect(url.startsWith(server.url) || url.startsWith('data:') || url.startsWith('blob:'), url).toBe(true);
    expect(problems).toEqual([]);
    expect(Number(await page.locator('#map canvas.maplibregl-canvas').getAttribute('width'))).toBeGreaterThan(500);
    expect(await page.locator('#map canvas').count()).toBeGreaterThanOrEqual(2); // MapLibre's, deck.gl's (and the markers')
    // Software WebGL (SwiftShader here) makes the page draw its markers on a canvas with the CPU.
    const { markerRenderer, webglRenderer } = await page.evaluate(() => ({ markerRenderer: window.__baton!.markerRenderer, webglRenderer: window.__baton!.webglRenderer }));
    expect(markerRenderer).toBe(/swiftshader|llvmpipe|software/i.test(webglRenderer) ? 'canvas' : 'deck');
  });

  it('shows one car marker per car placed in the log, and the same cars per activity as the sampler', async () => {
    const placed = events.filter((ev) => ev.kind === 'VehiclePlaced');
    expect(placed.length).toBe(FLEET);
    const sampler = new FrameSampler(replay.scene.timeline, replay.scene.network);
    const endS = replay.scene.timeline.endS;
    for (const t of [0, 6 * 3600, 8 * 3600 + 1234, 17.5 * 3600, endS]) {
      await seek(t);
      const got = await page.evaluate(() => ({ cars: window.__baton!.carMarkers, placed: window.__baton!.placedVehicles(), activities: window.__baton!.activityCounts, riders: window.__baton!.riderMarkers }));
      sampler.sampleAt(t);
      expect(got.cars, `markers at ${t}`).toBe(placed.filter((ev) => ev.timeS <= t).length);
      expect(got.placed).toBe(got.cars);
      expect(got.activities).toEqual(Object.fromEntries(ACTIVITY_NAMES.map((name, a) => [name, sampler.activityCounts[a]])));
      expect(got.riders, `riders at ${t}`).toBe(sampler.riderCount);
      const shown = (await page.locator('[data-activity]').allTextContents()).map((text) => Number(text.replace(/,/g, '')));
      expect(shown).toEqual(Array.from(sampler.activityCounts));
    }
  });

  it('plays forward at the chosen speed and pauses; the scrubber jumps; the clock and KPIs follow', async () => {
    await seek(7 * 3600);
    await page.selectOption('#speed', '600');
    await page.click('#play');
    await page.waitForFunction(() => window.__baton!.timeS > 7 * 3600 + 600, null, { timeout: 30_000 });
    await page.click('#play');
    const paused = await page.evaluate(() => ({ t: window.__baton!.timeS, playing: window.__baton!.playing, speed: window.__baton!.speed }));
    expect(paused.playing).toBe(false);
    expect(paused.speed).toBe(600);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.__baton!.timeS)).toBe(paused.t);
    const kpisBefore = await page.textContent('#kpis');

    await page.locator('#scrub').fill(String(15 * 3600));
    await page.waitForFunction(() => window.__baton!.timeS === 15 * 3600);
    await expect.poll(() => page.textContent('#clock')).toBe('15:00:00');
    const served = events.filter((ev) => ev.kind === 'DroppedOff' && ev.timeS <= 15 * 3600).length;
    await expect.poll(async () => (await page.textContent('[data-kpi="served"] .v'))!.replace(/,/g, '')).toMatch(new RegExp(`^${served} `));
    expect(await page.textContent('#kpis')).not.toBe(kpisBefore);
  });

  it("shows a car's plan when it is clicked, and its stops on the map", async () => {
    await seek(8 * 3600 + 900);
    const vehicle = await page.evaluate(() => window.__baton!.isolatedBusyVehicle());
    expect(vehicle, 'a busy car standing clear of others at 08:15').toBeDefined();
    const point = (await page.evaluate((v) => window.__baton!.vehiclePagePoint(v), vehicle!))!;
    await page.mouse.click(point.x, point.y);
    await page.waitForFunction((v) => window.__baton!.selectedVehicle === v, vehicle);
    await page.waitForSelector('#vehicle .plan li, #vehicle .plan-empty');
    const t = await page.evaluate(() => window.__baton!.timeS);
    const tl = replay.scene.timeline;
    const mine = events.filter((ev) => ('vehicle' in ev && ev.vehicle === vehicle) || ('previousVehicle' in ev && ev.previousVehicle === vehicle));
    const plan = vehiclePlanAt(vehicle!, mine, { pickupNode: (r) => tl.requestPickupNode[r], dropoffNode: (r) => tl.requestDropoffNode[r] }, t);
    expect(plan.stops.length).toBeGreaterThan(0);
    expect(await page.textContent('#vehicle .head b')).toBe(`Vehicle ${vehicle}`);
    const stops = await page.locator('#vehicle .plan li').allTextContents();
    expect(stops.length).toBe(plan.stops.length);
    plan.stops.forEach((s, i) => expect(stops[i]).toContain(`${s.kind === 'pickup' ? 'pick up' : 'drop off'} request ${s.request}`));
    expect(await page.locator('#vehicle .history li').count()).toBeGreaterThan(0);

    await page.click('#vehicle [data-close]');
    await page.waitForFunction(() => window.__baton!.selectedVehicle === undefined);
    expect(await page.isHidden('#vehicle')).toBe(true);
  });

  it('draws the same markers with deck.gl when asked (?markers=deck), and picks a car there too', async () => {
    const deckPage = await context.newPage();
    try {
      await deckPage.goto(`${server.url}?markers=deck`);
      await deckPage.waitForFunction(() => window.__baton?.ready === true, null, { timeout: 90_000 });
      expect(await deckPage.evaluate(() => window.__baton!.markerRenderer)).toBe('deck');
      const before = await deckPage.evaluate(() => window.__baton!.framesDrawn);
      await deckPage.evaluate(() => window.__baton!.seek(8 * 3600 + 900));
      await deckPage.waitForFunction((n) => window.__baton!.framesDrawn > n, before);
      expect(await deckPage.evaluate(() => window.__baton!.carMarkers)).toBe(FLEET);
      const vehicle = await deckPage.evaluate(() => window.__baton!.isolatedBusyVehicle());
      const point = (await deckPage.evaluate((v) => window.__baton!.vehiclePagePoint(v), vehicle!))!;
      await deckPage.mouse.click(point.x, point.y);
      await deckPage.waitForFunction((v) => window.__baton!.selectedVehicle === v, vehicle, { timeout: 30_000 });
      await deckPage.waitForSelector('#vehicle .plan li');
    } finally {
      await deckPage.close();
    }
  });
});

const SF_TRIPS = 'san-francisco/sf_trips_2008-05-18_to_05-24.csv.gz';

describe.skipIf(!runnable || !haveSharedData(SF_NODES, SF_EDGES, SF_TRIPS))('replay of a recorded SF run in headless Chromium', () => {
  const SF_FLEET = 300;
  let dir: string;
  let replay: LoadedReplay;
  let server: ReplayServer;
  let context: BrowserContext;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-dashboard-sf-'));
    // Two hours of the SF Wednesday, greedy: enough to be a real recorded run, quick enough for the suite.
    const network = [sharedData('san-francisco')];
    const settings = parseSimSettings({ network, trips: sharedData(SF_TRIPS), format: 'sf-cabspotting', date: '2008-05-21', window: '17:00-19:00', fleet: SF_FLEET, dispatcher: 'greedy' });
    const file = join(dir, 'sf.ndjson');
    const log = openEventLog(file);
    try {
      await (await openScenarioRunner(settings)).run(SF_FLEET, 'greedy', { keepLog: false, eventSink: (ev) => log.write(ev) });
    } finally {
      log.close();
    }
    replay = await loadReplay(file, network);
    server = await startReplayServer(replay, { port: 0 });
    context = await launchChromium(join(dir, 'profile'));
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shows every placed car at 18:00, with the activities the sampler computes, and a clicked car's plan", async () => {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => window.__baton?.ready === true, null, { timeout: 90_000 });
    const before = await page.evaluate(() => window.__baton!.framesDrawn);
    await page.evaluate(() => window.__baton!.seek(18 * 3600));
    await page.waitForFunction((n) => window.__baton!.framesDrawn > n, before);
    const sampler = new FrameSampler(replay.scene.timeline, replay.scene.network);
    sampler.sampleAt(18 * 3600);
    const got = await page.evaluate(() => ({ cars: window.__baton!.carMarkers, activities: window.__baton!.activityCounts }));
    expect(got.cars).toBe(SF_FLEET);
    expect(got.activities).toEqual(Object.fromEntries(ACTIVITY_NAMES.map((name, a) => [name, sampler.activityCounts[a]])));
    const vehicle = await page.evaluate(() => window.__baton!.isolatedBusyVehicle());
    const point = (await page.evaluate((v) => window.__baton!.vehiclePagePoint(v), vehicle!))!;
    await page.mouse.click(point.x, point.y);
    await page.waitForFunction((v) => window.__baton!.selectedVehicle === v, vehicle);
    await page.waitForSelector('#vehicle .plan li');
    expect(await page.textContent('#vehicle .head b')).toBe(`Vehicle ${vehicle}`);
  });
});

