// Measures the time to acknowledge a ride request on a real `baton serve` (real engine, greedy, synthetic city) at an
// offered rate, open loop: SQLite (default) or PostgreSQL (a throwaway server) as the store. Not a vitest file:
//   npx tsx test/service/ack-latency.ts [--rate 200] [--seconds 15] [--db sqlite|postgres] [--fleet 500]
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../../src/io/store/index.js';
import { REPO } from '../cli/run-cli.js';
import { startPostgres, type PostgresServer } from './postgres-server.js';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '200' }, seconds: { type: 'string', default: '15' }, db: { type: 'string', default: 'sqlite' }, fleet: { type: 'string', default: '500' } } });
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const fleet = Number(values.fleet);

const dir = mkdtempSync(join(tmpdir(), 'baton-ack-'));
let pg: PostgresServer | undefined;
let child: ChildProcess | undefined;
try {
  const dbUrl = values.db === 'postgres' ? await (pg = await startPostgres()).createDatabase('ack') : undefined;
  const store = await openStore({ dataDir: dir, db: dbUrl });
  const riders = await Promise.all(Array.from({ length: 200 }, (_, i) => store.createToken({ role: 'rider', subject: `rider-${i}` }).then((t) => t.apiKey)));
  const cars = await Promise.all(Array.from({ length: 50 }, (_, i) => store.createToken({ role: 'vehicle', subject: `car-${i}` }).then((t) => t.apiKey)));
  await store.close();

  child = spawn(process.execPath, [...(process.env.PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.PROF_DIR] : []), '--import', 'tsx', resolve(REPO, 'src/cli/main.ts'), 'serve', '--port', '0', '--data-dir', dir, ...(dbUrl ? ['--db', dbUrl] : []), '--dispatcher', 'greedy', '--fleet', String(fleet), '--speed', '1', '--silence', '0', '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'], cwd: REPO });
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    child!.stdout!.on('data', (d) => {
      out += d;
      for (const line of String(d).split('\n')) if (/"level":(40|50|60)/.test(line)) process.stderr.write(`serve: ${line}\n`);
      const m = /"url":"([^"]+)"/.exec(out);
      if (m) res(m[1]);
    });
    child!.on('exit', (c) => rej(new Error(`serve exited ${c}`)));
  });
  // Registered cars report where the engine placed them: on-network points to ride between.
  const points: { lat: number; lon: number }[] = [];
  for (let i = 0; i < cars.length; i++) {
    const r = await fetch(`${url}/v1/vehicles/car-${i}/register`, { method: 'POST', headers: { authorization: `Bearer ${cars[i]}`, 'content-type': 'application/json' }, body: '{}' });
    const v = (await r.json()) as { lat: number; lon: number };
    points.push({ lat: v.lat, lon: v.lon });
  }
  // A bounded keep-alive pool, as a real client (or a load balancer) would use: excess requests queue client-side.
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const post = (body: string, headers: Record<string, string>) =>
    new Promise<number>((res, rej) => {
      const req = request(`${url}/v1/rides`, { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (r) => {
        r.resume();
        r.on('end', () => res(r.statusCode ?? 0));
      });
      req.on('error', rej);
      req.end(body);
    });
  const total = Math.round(rate * seconds);
  const latMs: number[] = [];
  const codes = new Map<number, number>();
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const a = points[i % points.length];
    const b = points[(i * 7 + 3) % points.length];
    const start = performance.now();
    inflight.push(
      post(JSON.stringify({ pickup: a, dropoff: b, acceptsSharing: true }), { authorization: `Bearer ${riders[i % riders.length]}`, 'idempotency-key': `ack-${i}` }).then(
        (status) => {
          latMs.push(performance.now() - start);
          codes.set(status, (codes.get(status) ?? 0) + 1);
        },
        (err: Error) => {
          codes.set(0, (codes.get(0) ?? 0) + 1);
          if ((codes.get(0) ?? 0) <= 3) process.stderr.write(`request ${i}: ${err.message}\n`);
        },
      ),
    );
  }
  await Promise.all(inflight);
  const wallS = (performance.now() - t0) / 1000;
  latMs.sort((x, y) => x - y);
  const q = (p: number) => latMs[Math.min(latMs.length - 1, Math.ceil(p * latMs.length) - 1)].toFixed(1);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const advance = /baton_engine_advance_seconds_count (\d+)/.exec(metrics)?.[1];
  // Server-side time to acknowledge (request read → response sent), from the /metrics histogram: upper bucket bounds.
  const buckets = [...metrics.matchAll(/baton_http_request_duration_seconds_bucket\{method="POST",route="\/v1\/rides",code="201",le="([^"]+)"\} (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
  const n201 = buckets.at(-1)?.[1] ?? 0;
  const serverQ = (p: number) => (buckets.find(([, c]) => c >= p * n201)?.[0] ?? NaN) * 1000;
  console.log(
    JSON.stringify({ store: values.db, offeredPerS: rate, requests: total, achievedPerS: +(total / wallS).toFixed(1), codes: Object.fromEntries(codes), ackMs: { p50: +q(0.5), p95: +q(0.95), p99: +q(0.99), max: +latMs[latMs.length - 1].toFixed(1) }, serverAckMsAtMost: { p50: serverQ(0.5), p99: serverQ(0.99) }, engineAdvances: Number(advance), loadavg: (await import('node:os')).loadavg().map((x) => +x.toFixed(1)) }),
  );
} finally {
  child?.kill('SIGTERM');
  if (child) await new Promise((r) => child!.once('exit', r));
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
}
