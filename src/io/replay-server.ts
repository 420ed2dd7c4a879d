// The replay dashboard's HTTP server (node:http, loopback only): the built page from dist/web, the replay bundle, and
// one vehicle's events on demand. Nothing is fetched from elsewhere, so the page works offline (unless the user gives
// a basemap URL, which the page then draws under the roads).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { LoadedReplay } from './replay-source.js';

/** Where `npm run build` puts the dashboard (the same path from src/io under tsx and from dist/io when built). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/** The content type of a dashboard file, by its extension (the replay server's and the live service's). */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
}

export interface ReplayServerOptions {
  /** 0 picks any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The built dashboard; default DEFAULT_WEB_ROOT. */
  webRoot?: string;
  /** `--basemap`: a raster tile template or MapLibre style URL the page draws under the roads (the page then fetches it). */
  basemap?: string;
}

export interface ReplayServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** True if the dashboard has been built into `webRoot`. */
export function dashboardBuilt(webRoot = DEFAULT_WEB_ROOT): boolean {
  return existsSync(join(webRoot, 'index.html'));
}

/**
 * Serves one loaded replay, or several side by side: `/` the dashboard, `/api/dashboard` what the page shows
 * (`{"mode":"replay","runs":n}`, with `basemap` when given), `/api/runs/I/replay` run I's bundle and `/api/runs/I/vehicles/N` vehicle N's events
 * in run I, `/api/runs/I/requests/N` the events naming request N (the rider card); `/api/replay` and `/api/vehicles/N` are run 0's.
 *
 * @example const server = await startReplayServer(await loadReplay('e.ndjson', ['synthetic']), { port: 0 });
 */
export async function startReplayServer(replays: LoadedReplay | LoadedReplay[], options: ReplayServerOptions = {}): Promise<ReplayServer> {
  const runs = Array.isArray(replays) ? replays : [replays];
  if (runs.length === 0) throw new Error('startReplayServer: no replay to serve');
  const webRoot = resolve(options.webRoot ?? DEFAULT_WEB_ROOT);
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      send(res, 500, 'text/plain; charset=utf-8', `internal error: ${(err as Error).message}\n`);
    }
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (path === '/api/dashboard') return send(res, 200, 'application/json', JSON.stringify({ mode: 'replay', runs: runs.length, ...(options.basemap ? { basemap: options.basemap } : {}) }));
    const api = /^\/api(?:\/runs\/(\d+))?\/(replay|vehicles\/(\d+)|requests\/(\d+))$/.exec(path);
    const replay = api ? runs[Number(api[1] ?? 0)] : undefined;
    if (api && !replay) return send(res, 404, 'application/json', `{"error":"no run ${api[1]}: this server replays ${runs.length}"}`);
    if (api?.[2] === 'replay') return send(res, 200, 'application/octet-stream', replay!.bundle);
    if (api?.[4] !== undefined) {
      const json = replay!.requestJson(Number(api[4]));
      return json === undefined ? send(res, 404, 'application/json', '{"error":"no such request"}') : send(res, 200, 'application/json', json);
    }
    if (api) {
      const json = replay!.vehicleJson(Number(api[3]));
      return json === undefined ? send(res, 404, 'application/json', '{"error":"no such vehicle"}') : send(res, 200, 'application/json', json);
    }
    if (path.startsWith('/api/')) return send(res, 404, 'application/json', '{"error":"not found"}');
    const file = resolve(webRoot, `.${path === '/' ? '/index.html' : path}`);
    if (!file.startsWith(webRoot + sep) || !existsSync(file) || !statSync(file).isFile()) {
      if (path === '/' || path === '/index.html') return send(res, 500, 'text/plain; charset=utf-8', `the dashboard is not built (${webRoot}): run npm run build\n`);
      return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
    send(res, 200, contentTypeOf(file), readFileSync(file));
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
