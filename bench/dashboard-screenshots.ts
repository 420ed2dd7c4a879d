// Screenshots of the replay dashboard for docs/: a recorded run (or two side by side) at a given time, one busy car
// selected so that its plan shows. Runs the real server and headless Chromium; shrinks the PNG to 256 colours with
// pngquant where it is installed (Debian: apt-get install pngquant), so that the files in docs/ stay small.
//
//   npm run docs:screenshots -- EVENTS.ndjson [EVENTS_B.ndjson] OUT.png [--network …] [--at HH:MM] [--service-area F] [--heat]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadReplay } from '../src/io/replay-source.js';
import { dashboardBuilt, startReplayServer } from '../src/io/replay-server.js';
import { launchChromium } from '../test/browser.js';
import type { DashboardHook } from '../web/src/hook.js';

// What the page's code below sees (this file compiles without the DOM library).
declare const window: { __baton?: DashboardHook };

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { network: { type: 'string', multiple: true }, at: { type: 'string', default: '08:30' }, 'service-area': { type: 'string' }, heat: { type: 'boolean', default: false } },
});
const out = positionals.at(-1);
const eventsFiles = positionals.slice(0, -1);
if (eventsFiles.length < 1 || eventsFiles.length > 2 || !out) throw new Error('usage: dashboard-screenshots EVENTS.ndjson [EVENTS_B.ndjson] OUT.png [--network …] [--at HH:MM] [--service-area F] [--heat]');
if (!dashboardBuilt()) throw new Error('the dashboard is not built: npm run build');
const [hh, mm] = values.at.split(':').map(Number);
const atS = hh * 3600 + mm * 60;

const dir = mkdtempSync(join(tmpdir(), 'baton-screenshot-'));
const replays = [];
for (const f of eventsFiles) replays.push(await loadReplay(f, values.network ?? ['synthetic'], { serviceAreaFile: values['service-area'] }));
const server = await startReplayServer(replays, { port: 0 });
const context = await launchChromium(join(dir, 'profile'), { width: 1400, height: 860 });
try {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => window.__baton?.ready === true, null, { timeout: 300_000 });
  await page.evaluate((t) => window.__baton!.seek(t), atS);
  if (values.heat) await page.evaluate(() => window.__baton!.setOverlay('heat', true));
  await page.waitForTimeout(500);
  // Side by side, the maps stay clear of the vehicle card.
  const vehicle = replays.length > 1 ? undefined : await page.evaluate(() => window.__baton!.isolatedBusyVehicle(12));
  if (vehicle !== undefined) {
    const p = (await page.evaluate((v) => window.__baton!.vehiclePagePoint(v), vehicle))!;
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('#vehicle .plan li, #vehicle .plan-empty');
  }
  // Two maps tile their roads in MapLibre's worker, on a loaded machine: give them time.
  await page.waitForTimeout(replays.length > 1 ? 10_000 : 800);
  await page.screenshot({ path: out });
  const quant = spawnSync('pngquant', ['--force', '--quality', '70-95', '--skip-if-larger', '--output', out, out]);
  if (quant.error) process.stderr.write('(pngquant not found: the PNG stays as Chromium wrote it)\n');
  process.stderr.write(`${out}: ${Math.round(statSync(out).size / 1024)} KB, vehicle ${vehicle ?? 'none'} selected at ${values.at}\n`);
} finally {
  await context.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
