// The replay server and `baton replay`: the bundle and a vehicle's events over real HTTP on a free port, files that
// are not the dashboard's stay out of reach, and logs that cannot be replayed fail with the file and the reason.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeReplayScene } from '../../src/core/replay/bundle.js';
import { ReplayTimelineBuilder } from '../../src/core/replay/timeline.js';
import { eventToJson, eventsToNdjson, type SimEvent } from '../../src/core/sim/events.js';
import { loadReplay } from '../../src/io/replay-source.js';
import { dashboardBuilt, startReplayServer, type ReplayServer } from '../../src/io/replay-server.js';
import { REPO } from '../cli/run-cli.js';
import { syntheticDayLog } from '../replay/synthetic-day.js';

let dir: string;
let events: SimEvent[];
let logFile: string;
let server: ReplayServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-replay-'));
  // As the log file holds them (distances and energy rounded), so that folds here and in the server agree.
  events = syntheticDayLog({ fleet: 20, requests: 500 }).map((ev) => JSON.parse(eventToJson(ev)) as SimEvent);
  logFile = join(dir, 'day.ndjson');
  writeFileSync(logFile, eventsToNdjson(events));
  server = await startReplayServer(await loadReplay(logFile, ['synthetic']), { port: 0 });
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** GET over node:http with the path sent as written (fetch would normalise `..`). */
function get(path: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((ok, fail) => {
    // A fresh connection each time: a test that blocks the loop (spawnSync) lets the server drop an idle kept-alive socket
    // that Node's global agent would then reuse (ECONNRESET).
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('replay server', () => {
  it('listens on loopback on the port it was given (0: any free one)', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves the bundle: the timeline of the log, on the network of the run', async () => {
    const res = await get('/api/replay');
    expect([res.status, res.type]).toEqual([200, 'application/octet-stream']);
    const scene = decodeReplayScene(res.body.buffer.slice(res.body.byteOffset, res.body.byteOffset + res.body.length) as ArrayBuffer);
    const b = new ReplayTimelineBuilder();
    for (const ev of events) b.add(ev);
    const tl = b.result();
    expect(scene.log).toEqual({ name: 'day.ndjson', events: events.length });
    expect(scene.network.source).toMatch(/^synthetic/);
    expect(Array.from(scene.timeline.keyS)).toEqual(Array.from(tl.keyS));
    expect(scene.timeline.kpis).toEqual(tl.kpis);
  });

  it('says what the page shows (one run), and serves run 0 under /api/runs/0 too', async () => {
    expect(JSON.parse((await get('/api/dashboard')).body.toString())).toEqual({ mode: 'replay', runs: 1 });
    expect((await get('/api/runs/0/replay')).body.equals((await get('/api/replay')).body)).toBe(true);
    expect((await get('/api/runs/0/vehicles/3')).body.equals((await get('/api/vehicles/3')).body)).toBe(true);
  });

  it("serves one vehicle's events in log order, with the submissions of its requests", async () => {
    const res = await get('/api/vehicles/3');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body.toString()) as { vehicle: number; events: SimEvent[]; requests: Record<string, SimEvent> };
    const mine = events.filter((ev) => ('vehicle' in ev && ev.vehicle === 3) || ('previousVehicle' in ev && ev.previousVehicle === 3));
    expect(body.vehicle).toBe(3);
    expect(body.events).toEqual(mine);
    const named = new Set(mine.flatMap((ev) => ('request' in ev ? [ev.request] : [])));
    expect(Object.keys(body.requests).map(Number).sort((a, b) => a - b)).toEqual([...named].sort((a, b) => a - b));
    for (const [r, ev] of Object.entries(body.requests)) expect(ev).toMatchObject({ kind: 'RequestSubmitted', request: Number(r) });
  });

  it("serves one request's events in log order (the rider card), under /api/runs/0 too; 404 for a request not in the log", async () => {
    const res = await get('/api/requests/7');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body.toString()) as { request: number; events: SimEvent[] };
    expect(body.request).toBe(7);
    expect(body.events).toEqual(events.filter((ev) => 'request' in ev && ev.request === 7));
    expect(body.events[0]).toMatchObject({ kind: 'RequestSubmitted', request: 7 });
    expect((await get('/api/runs/0/requests/7')).body.equals(res.body)).toBe(true);
    expect((await get('/api/requests/500')).status).toBe(404);
  });

  it('answers 404 for a vehicle not in the log, an unknown API path, and files outside the dashboard', async () => {
    expect((await get('/api/vehicles/20')).status).toBe(404);
    expect((await get('/api/nothing')).status).toBe(404);
    expect((await get('/api/runs/1/replay')).status).toBe(404); // one run served: there is no run 1
    expect((await get('/%2e%2e/%2e%2e/package.json')).status).toBe(404);
    expect((await get('/../../package.json')).status).toBe(404);
  });

  it.skipIf(!dashboardBuilt())('serves the built page at /', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/text\/html/);
    expect(res.body.toString()).toMatch(/<title>Baton dashboard<\/title>/);
  });
});

describe('loadReplay', () => {
  it('reads a gzip log like a plain one', async () => {
    const gz = join(dir, 'day.ndjson.gz');
    writeFileSync(gz, gzipSync(eventsToNdjson(events)));
    const replay = await loadReplay(gz, ['synthetic']);
    expect(replay.scene.log.events).toBe(events.length);
  });

  it('refuses a log that names nodes the network does not have, naming the option to fix it', async () => {
    const f = join(dir, 'big-network.ndjson');
    writeFileSync(f, eventsToNdjson([{ kind: 'VehiclePlaced', timeS: 0, vehicle: 0, node: 999_999, seats: 2 }]));
    await expect(loadReplay(f, ['synthetic'])).rejects.toThrow(/big-network\.ndjson: line 1 names node 999999, but the network synthetic.* has \d+ nodes: give --network/);
  });

  it('names the file and line of a line that is not an event', async () => {
    const f = join(dir, 'bad.ndjson');
    writeFileSync(f, `${eventsToNdjson(events.slice(0, 2))}{"kind":"VehicleIdle"\n`);
    await expect(loadReplay(f, ['synthetic'])).rejects.toThrow(/bad\.ndjson: line 3: /);
    writeFileSync(f, '\n');
    await expect(loadReplay(f, ['synthetic'])).rejects.toThrow(/bad\.ndjson: no events/);
  });
});

describe('baton replay', () => {
  it.skipIf(!dashboardBuilt())('serves the log until stopped, printing where', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO, 'src/cli/main.ts'), 'replay', logFile, '--port', '0', '--no-open'], { cwd: REPO });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) ok(m[1]);
        });
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.on('exit', (code) => fail(new Error(`baton replay exited ${code}: ${err}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const bundle = decodeReplayScene(await (await fetch(`${url}api/replay`)).arrayBuffer());
      expect(bundle.timeline.vehicleCount).toBe(20);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('says what is wrong with --port', async () => {
    const { runCli } = await import('../cli/run-cli.js');
    const r = runCli(['replay', logFile, '--port', 'x', '--no-open']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--port "x": expected an integer in 0\.\.65535/);
  });

  it('says what is wrong with --basemap, and tells the page the basemap it was given', async () => {
    const { runCli } = await import('../cli/run-cli.js');
    const bad = runCli(['replay', logFile, '--basemap', 'tiles/{z}/{x}/{y}.png', '--no-open']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--basemap "tiles\/\{z\}\/\{x\}\/\{y\}\.png": not a URL/);
    const file = runCli(['replay', logFile, '--basemap', 'file:///etc/style.json', '--no-open']);
    expect(file.status).toBe(1);
    expect(file.stderr).toMatch(/--basemap "file:\/\/\/etc\/style\.json": expected an http or https URL/);
    expect(JSON.parse((await get('/api/dashboard')).body.toString())).toEqual({ mode: 'replay', runs: 1 });
    const withBasemap = await startReplayServer(await loadReplay(logFile, ['synthetic']), { port: 0, basemap: 'https://tiles.example/{z}/{x}/{y}.png' });
    try {
      expect(await (await fetch(`${withBasemap.url}api/dashboard`)).json()).toEqual({ mode: 'replay', runs: 1, basemap: 'https://tiles.example/{z}/{x}/{y}.png' });
    } finally {
      await withBasemap.close();
    }
  });
});
