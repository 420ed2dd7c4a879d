// `baton replay`: serve a recorded run (simulate --events) as a web dashboard on this machine and open it.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { parseSimSettings } from '../io/settings.js';
import { loadReplay } from '../io/replay-source.js';
import { dashboardBuilt, DEFAULT_WEB_ROOT, startReplayServer } from '../io/replay-server.js';
import { UsageError } from './args.js';
import { addSettingOptions } from './scenario-cli.js';

/** The port `baton replay` listens on unless told otherwise. */
export const DEFAULT_REPLAY_PORT = 8421;

const clock = (s: number): string => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new UsageError(`--port "${value}": expected an integer in 0..65535 (0: any free port)`);
  return n;
}

/**
 * Checks `--basemap`: an http(s) URL, either a raster tile template with {z}, {x} and {y} or a MapLibre style URL.
 *
 * @example parseBasemap('https://tile.openstreetmap.org/{z}/{x}/{y}.png')
 */
export function parseBasemap(value: string): string {
  let url: URL;
  try {
    url = new URL(value.replace(/\{([zxy]|r|s)\}/g, '0'));
  } catch {
    throw new UsageError(`--basemap "${value}": not a URL (expected a raster tile template like https://host/{z}/{x}/{y}.png, or a MapLibre style URL)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--basemap "${value}": expected an http or https URL, got ${url.protocol}`);
  return value;
}

export const BASEMAP_HELP = 'draw a basemap under the roads: a raster tile template (https://…/{z}/{x}/{y}.png) or a MapLibre style URL; the page then fetches from it (without: nothing leaves this machine)';

/** Opens the URL in the desktop's browser; says so and carries on where there is none. */
function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`(could not open a browser: open ${url} yourself)\n`));
  child.unref();
}

export function registerReplayCommand(program: Command): void {
  const cmd = program
    .command('replay')
    .description('replay a recorded run (an event log from simulate --events) in a web dashboard: map, KPIs, plots; two logs side by side')
    .argument('<events...>', 'event log, NDJSON (plain or gzip); give two to compare them on one clock');
  const settingsOf = addSettingOptions(cmd, ['network', 'serviceArea']);
  cmd
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', String(DEFAULT_REPLAY_PORT))
    .option('--no-open', 'do not open a browser (it opens only on an interactive terminal anyway)')
    .option('--basemap <url>', BASEMAP_HELP)
    .action(async (eventsFiles: string[], o: { port: string; open: boolean; basemap?: string } & Record<string, unknown>) => {
      const port = parsePort(o.port);
      const basemap = o.basemap === undefined ? undefined : parseBasemap(o.basemap);
      if (eventsFiles.length > 2) throw new UsageError(`replay: ${eventsFiles.length} event logs given; it shows one, or two side by side`);
      const { network, serviceArea } = parseSimSettings(...(await settingsOf(o)));
      if (!dashboardBuilt()) throw new UsageError(`the dashboard is not built (${DEFAULT_WEB_ROOT}): run npm run build`);
      const replays = [];
      for (const eventsFile of eventsFiles) {
        const replay = await loadReplay(eventsFile, network, { serviceAreaFile: serviceArea });
        const tl = replay.scene.timeline;
        process.stderr.write(
          `replay ${replay.scene.log.name}: ${replay.scene.log.events} events, ${tl.vehicleCount} vehicles, ${tl.requestCount} requests, ` +
            `${clock(tl.startS)}–${clock(tl.endS)}, on ${replay.scene.network.source}\n`,
        );
        replays.push(replay);
      }
      let server;
      try {
        server = await startReplayServer(replays, { port, ...(basemap ? { basemap } : {}) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`--port ${port}: in use (try --port 0 for any free port)`);
        throw err;
      }
      process.stdout.write(`dashboard: ${server.url}\n`);
      process.stderr.write('(Ctrl-C to stop)\n');
      if (o.open && process.stdout.isTTY) openBrowser(server.url);
      const stop = () => void server.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
