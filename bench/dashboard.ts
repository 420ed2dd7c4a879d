// Frame time of the replay dashboard with 10,000 cars on the synthetic city, in headless Chromium on this machine
// (software WebGL: SwiftShader). The log is `baton simulate --fleet 10000 --requests 100000 --dispatcher greedy`,
// made here unless --events names one. The page plays from 07:30 and records the wall time between drawn frames.
//
//   npm run bench:dashboard [-- --events FILE] [--seconds 15]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openEventLog } from '../src/io/event-log-file.js';
import { loadReplay } from '../src/io/replay-source.js';
import { dashboardBuilt, startReplayServer } from '../src/io/replay-server.js';
import { openScenarioRunner } from '../src/io/scenario-runner.js';
import { parseSimSettings } from '../src/io/settings.js';
import { haveChromium, launchChromium } from '../test/browser.js';
import type { DashboardHook } from '../web/src/hook.js';
import { writeResult } from './machine.js';

// What the page's code below sees (this file compiles without the DOM library).
declare const window: { __baton?: DashboardHook };

const FLEET = 10_000;
const REQUESTS = 100_000;
const SPEEDS = [60, 600];

const { values } = parseArgs({ options: { events: { type: 'string' }, seconds: { type: 'string', default: '15' } } });
const measureS = Number(values.seconds);
if (!haveChromium()) throw new Error('bench:dashboard needs /usr/bin/chromium (Debian: apt-get install chromium)');
if (!dashboardBuilt()) throw new Error('bench:dashboard needs the built dashboard: npm run build');

const dir = mkdtempSync(join(tmpdir(), 'baton-bench-dashboard-'));
try {
  let eventsFile = values.events;
  if (!eventsFile) {
    eventsFile = join(dir, 'events.ndjson');
    process.stderr.write(`simulating ${FLEET} cars, ${REQUESTS} requests (greedy) on the synthetic city…\n`);
    const settings = parseSimSettings({ requests: REQUESTS, fleet: FLEET, dispatcher: 'greedy' });
    const runner = await openScenarioRunner(settings);
    const log = openEventLog(eventsFile);
    try {
      await runner.run(FLEET, 'greedy', { keepLog: false, eventSink: (ev) => log.write(ev) });
    } finally {
      log.close();
    }
  }
  const t0 = performance.now();
  const replay = await loadReplay(eventsFile, ['synthetic']);
  const loadS = (performance.now() - t0) / 1000;
  const tl = replay.scene.timeline;
  process.stderr.write(`replay loaded in ${loadS.toFixed(1)} s: ${tl.vehicleCount} vehicles, bundle ${(replay.bundle.length / 2 ** 20).toFixed(1)} MiB\n`);
  const server = await startReplayServer(replay, { port: 0 });
  const viewport = { width: 1400, height: 860 };
  const context = await launchChromium(join(dir, 'profile'), viewport);
  try {
    const page = await context.newPage();
    const runs = [];
    let renderer = '';
    // The page picks its marker renderer (a CPU-drawn canvas where WebGL is software, as here); the deck.gl one is
    // measured too, forced, for comparison.
    for (const markers of ['auto', 'deck'] as const) {
      await page.goto(markers === 'auto' ? server.url : `${server.url}?markers=deck`);
      await page.waitForFunction(() => window.__baton?.ready === true, null, { timeout: 300_000 });
      const used = await page.evaluate(() => window.__baton!.markerRenderer);
      renderer = await page.evaluate(() => window.__baton!.webglRenderer);
      for (const speed of SPEEDS) {
        await page.evaluate((s) => {
          const b = window.__baton!;
          b.seek(7.5 * 3600);
          b.setSpeed(s);
          b.play();
        }, speed);
        await page.waitForTimeout(3000); // warm up: shaders, buffers, JIT
        await page.evaluate(() => window.__baton!.resetFrameStats());
        await page.waitForTimeout(measureS * 1000);
        const stats = await page.evaluate(() => {
          const b = window.__baton!;
          b.pause();
          return { ...b.frameStats(), cars: b.carMarkers, riders: b.riderMarkers };
        });
        runs.push({ markers: used, speed, ...stats, fps: Math.round((1000 / stats.medianMs) * 10) / 10 });
        process.stderr.write(
          `${used} ×${speed}: ${stats.frames} frames, median ${stats.medianMs.toFixed(1)} ms (${(1000 / stats.medianMs).toFixed(1)} frames/s), ` +
            `p95 ${stats.p95Ms.toFixed(1)} ms; page work ${stats.meanWorkMs.toFixed(1)} ms/frame (sampling ${stats.meanSampleMs.toFixed(1)}, map ${stats.meanMapMs.toFixed(1)}); ${stats.cars} cars, ${stats.riders} riders\n`,
        );
      }
    }
    const worst = Math.max(...runs.slice(0, SPEEDS.length).map((r) => r.medianMs));
    const file = writeResult('dashboard', {
      what: 'replay dashboard frame time: wall ms between drawn frames while playing (headless Chromium, software WebGL)',
      scenario: { network: 'synthetic (built-in city)', fleet: tl.vehicleCount, requests: tl.requestCount, events: replay.scene.log.events, dispatcher: 'greedy', roadSegments: replay.scene.network.roads.segmentCount },
      browser: { executable: '/usr/bin/chromium', renderer, viewport },
      loadAverage1m: Math.round(loadavg()[0] * 10) / 10,
      replayLoadS: Math.round(loadS * 10) / 10,
      bundleMiB: Math.round((replay.bundle.length / 2 ** 20) * 10) / 10,
      measureS,
      runs,
      goalFps: 30,
      // As the page runs by default (its own choice of marker renderer), at the slower of the two speeds.
      medianFrameMs: worst,
      meetsGoal: 1000 / worst >= 30,
    });
    process.stderr.write(`written ${file}\n`);
  } finally {
    await context.close();
    await server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
