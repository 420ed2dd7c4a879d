// Load benchmark of the live service (issue 12 acceptance): a real `baton serve` conducting 20,000 cars, every car
// connected and sending 1 Hz telemetry, while riders ask for 200 rides/s over HTTP. Reports what the server ingested
// (its /metrics), its CPU time per core, the time to acknowledge a ride on both sides, and the machine's load.
//   npm run bench:live-load -- [--vehicles 20000] [--http-vehicles 200] [--rate 200] [--seconds 30] [--batch-s 1]
//                              [--gens 2] [--dispatcher greedy] [--prof <dir>] [--name live-load]
// The cars come from `--gens` load-generator processes (this file with --role vehicles), each registering its cars
// over HTTP and opening one vehicle WebSocket per car; `--http-vehicles` of them send telemetry over HTTP instead
// (POST /v1/vehicles/:id/telemetry on a few keep-alive connections), because one process may hold at most
// RLIMIT_NOFILE descriptors and this container's hard limit is 20,000 (it cannot be raised here: no CAP_SYS_RESOURCE).
// Each car sends every `--batch-s` seconds one message holding the `--batch-s` fixes of those seconds (1 Hz).
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { generateApiKey, generateTokenId, hashApiKey } from '../src/io/store/api-keys.js';
import { openStore, SQLITE_FILE } from '../src/io/store/index.js';
import { writeResult } from './machine.js';

const REPO = resolve(import.meta.dirname, '..');
/** A ride request not answered within this counts as an error (code 0). */
const RIDE_TIMEOUT_MS = 30_000;
/** Seconds of telemetry without riders, measured before the riders start. */
const TELEMETRY_ONLY_S = 15;

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    vehicles: { type: 'string', default: '20000' },
    'http-vehicles': { type: 'string', default: '200' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '30' },
    'warmup-s': { type: 'string', default: '10' },
    'batch-s': { type: 'string', default: '1' },
    gens: { type: 'string', default: '2' },
    dispatcher: { type: 'string', default: 'greedy' },
    prof: { type: 'string' },
    name: { type: 'string', default: 'live-load' },
    // load-generator role
    url: { type: 'string' },
    keys: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'http-from': { type: 'string' },
  },
});

interface Key {
  id: string;
  key: string;
}

/** What a load generator tells the main process. */
type GenMessage =
  | { type: 'ready'; connected: number; httpCars: number; registerS: number; connectS: number; points: { lat: number; lon: number }[]; failures: string[] }
  | { type: 'report'; failures: string[]; fixesSent: number; messagesSent: number; httpErrors: number; open: number; closed: number; planMessages: number; errorReplies: number; cpuS: number };

const positiveInt = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${v}"`);
  return n;
};

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

function httpJson(agent: Agent, url: string, method: string, key: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((res, rej) => {
    const req = request(url, { method, agent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (r) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (d: string) => (text += d));
      r.on('end', () => res({ status: r.statusCode ?? 0, text }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

// ---------------------------------------------------------------- load generator: cars

async function runVehicles(): Promise<void> {
  const url = values.url!;
  const keys = (JSON.parse(readFileSync(values.keys!, 'utf8')) as Key[]).slice(positiveInt('from', values.from), positiveInt('to', values.to));
  const httpFrom = positiveInt('http-from', values['http-from']);
  const batchS = positiveInt('batch-s', values['batch-s']);
  const send = (m: GenMessage) => process.send!(m);
  const failures: string[] = [];
  const fail = (what: string) => void (failures.length < 5 && failures.push(what));

  // Register every car (the service binds it to a car of the fleet); its engine position is where it reports from.
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const positions: { lat: number; lon: number }[] = new Array(keys.length);
  const t0 = performance.now();
  await pool(keys, 32, async (k, i) => {
    const r = await httpJson(agent, `${url}/v1/vehicles/${k.id}/register`, 'POST', k.key, '{}');
    if (r.status !== 200) return fail(`register ${k.id}: ${r.status} ${r.text.slice(0, 200)}`);
    const v = JSON.parse(r.text) as { lat: number | null; lon: number | null };
    positions[i] = { lat: v.lat ?? 0, lon: v.lon ?? 0 };
  });
  const registerS = (performance.now() - t0) / 1000;

  // One WebSocket per car (up to httpFrom); the rest stream over HTTP.
  const sockets: (WebSocket | null)[] = new Array(keys.length).fill(null);
  let closed = 0;
  let planMessages = 0;
  let errorReplies = 0;
  const t1 = performance.now();
  await pool(keys.slice(0, httpFrom), 100, async (k, i) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/vehicles/${k.id}/stream`, { headers: { authorization: `Bearer ${k.key}` }, perMessageDeflate: false });
    await new Promise<void>((res) => {
      ws.once('open', () => {
        sockets[i] = ws;
        res();
      });
      ws.once('error', (err) => {
        fail(`socket ${k.id}: ${err.message}`);
        res();
      });
    });
    ws.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('{"type":"plan"')) planMessages++;
      else errorReplies++;
    });
    ws.on('error', () => undefined);
    ws.on('close', () => void closed++);
  });
  const connectS = (performance.now() - t1) / 1000;
  agent.destroy();
  send({ type: 'ready', connected: sockets.filter((s) => s?.readyState === WebSocket.OPEN).length, httpCars: keys.length - httpFrom, registerS, connectS, points: positions.filter(Boolean).slice(0, 100), failures });

  let fixesSent = 0;
  let messagesSent = 0;
  let httpErrors = 0;
  let timer: NodeJS.Timeout | undefined;
  const telemetryAgent = new Agent({ keepAlive: true, maxSockets: 4 });
  const batch = (i: number, nowMs: number): string => {
    const p = positions[i] ?? { lat: 0, lon: 0 };
    const samples = [];
    for (let s = batchS - 1; s >= 0; s--) samples.push({ atMs: nowMs - s * 1000, lat: p.lat + ((i * 7 + s) % 10) * 1e-6, lon: p.lon, speedMps: 8 });
    return JSON.stringify({ type: 'telemetry', samples });
  };
  const start = () => {
    // Ticks of 100 ms; car i sends in tick i mod (10 × batchS), so the cars' messages are spread evenly over time.
    // A late timer (a busy machine) catches up on the ticks it missed, so every car keeps its 1 Hz on average.
    const slots = 10 * batchS;
    let tick = 0;
    const t0 = performance.now();
    const sendTick = () => {
      const slot = tick++ % slots;
      const nowMs = Date.now();
      for (let i = slot; i < keys.length; i += slots) {
        if (i < httpFrom) {
          const ws = sockets[i];
          if (!ws || ws.readyState !== WebSocket.OPEN) continue;
          ws.send(batch(i, nowMs));
        } else {
          const k = keys[i];
          httpJson(telemetryAgent, `${url}/v1/vehicles/${k.id}/telemetry`, 'POST', k.key, batch(i, nowMs)).then(
            (r) => {
              if (r.status !== 200 && httpErrors++ < 3) fail(`telemetry ${k.id}: ${r.status} ${r.text.slice(0, 200)}`);
            },
            (err: Error) => {
              if (httpErrors++ < 3) fail(`telemetry ${k.id}: ${err.message}`);
            },
          );
        }
        fixesSent += batchS;
        messagesSent++;
      }
    };
    timer = setInterval(() => {
      const due = Math.floor((performance.now() - t0) / 100) + 1;
      while (tick < due) sendTick();
    }, 100);
  };
  process.on('message', (m: { type: string }) => {
    if (m.type === 'start') start();
    if (m.type === 'report') {
      const cpu = process.cpuUsage();
      send({ type: 'report', failures, fixesSent, messagesSent, httpErrors, open: sockets.filter((s) => s?.readyState === WebSocket.OPEN).length, closed, planMessages, errorReplies, cpuS: (cpu.user + cpu.system) / 1e6 });
    }
    if (m.type === 'stop') {
      clearInterval(timer);
      for (const s of sockets) s?.terminate();
      telemetryAgent.destroy();
      process.exit(0);
    }
  });
}

// ---------------------------------------------------------------- main: server, riders, measurements

/** Seeds API keys straight into the store file in one transaction (issuing 20,000 through the API costs an fsync each). */
function seedTokens(file: string, role: 'rider' | 'vehicle', ids: string[]): Key[] {
  const db = new Database(file);
  const insert = db.prepare('INSERT INTO tokens (id, key_sha256, role, subject, label, created_at_ms, revoked_at_ms) VALUES (?, ?, ?, ?, ?, ?, NULL)');
  const out: Key[] = [];
  db.transaction(() => {
    for (const id of ids) {
      const key = generateApiKey();
      insert.run(generateTokenId(), hashApiKey(key), role, id, 'bench:live-load', Date.now());
      out.push({ id, key });
    }
  })();
  db.close();
  return out;
}

/** Metric values by series text (name plus labels) from the Prometheus text format. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    out.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return out;
}

/** Quantile upper bounds (ms) of a histogram between two scrapes. */
function histogramQuantilesMs(m0: Map<string, number>, m1: Map<string, number>, name: string, labels: string, qs: number[]): Record<string, number | null> {
  const buckets: [number, number][] = [];
  for (const [k, v] of m1) {
    if (!k.startsWith(`${name}_bucket{${labels}`)) continue;
    const le = /le="([^"]+)"/.exec(k)?.[1];
    if (le === undefined) continue;
    buckets.push([le === '+Inf' ? Infinity : Number(le), v - (m0.get(k) ?? 0)]);
  }
  buckets.sort((a, b) => a[0] - b[0]);
  const n = buckets.at(-1)?.[1] ?? 0;
  const out: Record<string, number | null> = { count: n };
  for (const q of qs) {
    const b = buckets.find(([, c]) => c >= q * n);
    out[`p${Math.round(q * 100)}AtMostMs`] = n === 0 || !b ? null : Number.isFinite(b[0]) ? b[0] * 1000 : Infinity;
  }
  return out;
}

function procStat(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuS = (Number(f[11]) + Number(f[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuS, rssMb: Math.round(Number(rss) / 1024) };
}

const quantile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
const round1 = (x: number) => Math.round(x * 10) / 10;

async function runMain(): Promise<void> {
  const vehicles = positiveInt('vehicles', values.vehicles);
  const httpVehicles = Math.min(vehicles, positiveInt('http-vehicles', values['http-vehicles']));
  const rate = positiveInt('rate', values.rate);
  const seconds = positiveInt('seconds', values.seconds);
  const warmupS = positiveInt('warmup-s', values['warmup-s']);
  const batchS = positiveInt('batch-s', values['batch-s']);
  const gens = Math.max(1, positiveInt('gens', values.gens));
  const dir = mkdtempSync(join(tmpdir(), 'baton-load-'));
  let server: ChildProcess | undefined;
  const children: ChildProcess[] = [];
  const log = (s: string) => process.stderr.write(`[live-load ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
  try {
    const store = await openStore({ dataDir: dir });
    await store.close();
    const carIds = Array.from({ length: vehicles }, (_, i) => `car-${i}`);
    const cars = seedTokens(join(dir, SQLITE_FILE), 'vehicle', carIds);
    const riders = seedTokens(join(dir, SQLITE_FILE), 'rider', Array.from({ length: 200 }, (_, i) => `rider-${i}`));
    const keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify(cars));

    const profArgs = values.prof ? ['--cpu-prof', '--cpu-prof-dir', resolve(values.prof)] : [];
    const serveArgs = ['serve', '--port', '0', '--data-dir', dir, '--dispatcher', values.dispatcher!, '--fleet', String(vehicles), '--speed', '1', '--silence', '600', '--log-level', 'info'];
    server = spawn(process.execPath, [...profArgs, '--max-old-space-size=4096', '--import', 'tsx', join(REPO, 'src/cli/main.ts'), ...serveArgs], { stdio: ['ignore', 'pipe', 'inherit'], cwd: REPO });
    const serverLog: string[] = [];
    const url = await new Promise<string>((res, rej) => {
      let out = '';
      server!.stdout!.on('data', (d) => {
        out += d;
        for (const line of String(d).split('\n')) if (/"level":(40|50|60)/.test(line) && serverLog.length < 20) serverLog.push(line.slice(0, 300));
        const m = /"url":"([^"]+)"/.exec(out);
        if (m) res(m[1]);
        if (out.length > 1e6) out = out.slice(-1000);
      });
      server!.on('exit', (c) => rej(new Error(`baton serve exited with ${c} before listening`)));
    });
    log(`serve listening at ${url} (pid ${server.pid}), fleet ${vehicles}; starting ${gens} load generators`);

    // Load generators: contiguous slices of the cars; the last httpVehicles cars (spread over the generators) use HTTP.
    const wsVehicles = vehicles - httpVehicles;
    const ready: Extract<GenMessage, { type: 'ready' }>[] = [];
    const reports = new Map<number, Extract<GenMessage, { type: 'report' }>>();
    await Promise.all(
      Array.from({ length: gens }, (_, g) => {
        const wsFrom = Math.floor((wsVehicles * g) / gens);
        const wsTo = Math.floor((wsVehicles * (g + 1)) / gens);
        const hFrom = wsVehicles + Math.floor((httpVehicles * g) / gens);
        const hTo = wsVehicles + Math.floor((httpVehicles * (g + 1)) / gens);
        // Keys [wsFrom, wsTo) then [hFrom, hTo): written as one slice file per generator.
        const slice = [...cars.slice(wsFrom, wsTo), ...cars.slice(hFrom, hTo)];
        const file = join(dir, `keys-${g}.json`);
        writeFileSync(file, JSON.stringify(slice));
        const child = fork(import.meta.filename, ['--role', 'vehicles', '--url', url, '--keys', file, '--from', '0', '--to', String(slice.length), '--http-from', String(wsTo - wsFrom), '--batch-s', String(batchS)], {
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        return new Promise<void>((res, rej) => {
          child.on('message', (m: GenMessage) => {
            if (m.type === 'ready') {
              ready.push(m);
              log(`generator ${g}: ${m.connected} sockets + ${m.httpCars} HTTP cars (register ${m.registerS.toFixed(1)} s, connect ${m.connectS.toFixed(1)} s)${m.failures.length ? `; failures: ${m.failures.join(' | ')}` : ''}`);
              res();
            } else reports.set(g, m);
          });
          child.on('exit', (c) => rej(new Error(`load generator ${g} exited with ${c}`)));
        });
      }),
    );
    const connected = ready.reduce((a, r) => a + r.connected, 0);
    const httpCars = ready.reduce((a, r) => a + r.httpCars, 0);
    const points = [...new Map(ready.flatMap((r) => r.points).filter((p) => p.lat !== 0).map((p) => [`${p.lat},${p.lon}`, p])).values()];
    const askReports = async () => {
      reports.clear();
      for (const c of children) c.send({ type: 'report' });
      for (let i = 0; i < 100 && reports.size < children.length; i++) await new Promise((r) => setTimeout(r, 20));
      return [...reports.values()];
    };
    // An overloaded server may answer late or never: the benchmark reports that instead of waiting forever.
    const scrape = async () => {
      try {
        return parseMetrics(await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(60_000) })).text());
      } catch (err) {
        log(`/metrics did not answer: ${(err as Error).message}`);
        return new Map<string, number>();
      }
    };

    for (const c of children) c.send({ type: 'start' });
    log(`telemetry started (${connected + httpCars} cars, batches of ${batchS} s); warm-up ${warmupS} s`);
    await new Promise((r) => setTimeout(r, warmupS * 1000));

    // ---- telemetry alone: fixes ingested per second of server CPU (the ingest cost per core, rides apart)
    const tA = performance.now();
    const mA = await scrape();
    const pA = procStat(server.pid!);
    await new Promise((r) => setTimeout(r, TELEMETRY_ONLY_S * 1000));
    const mB = await scrape();
    const pB = procStat(server.pid!);
    const telemetryOnlyS = (performance.now() - tA) / 1000;
    const fixesOnly = (mB.get('baton_telemetry_samples_total') ?? 0) - (mA.get('baton_telemetry_samples_total') ?? 0);
    const telemetryOnly = {
      seconds: round1(telemetryOnlyS),
      fixesIngestedPerS: round1(fixesOnly / telemetryOnlyS),
      serverCpuCoresUsed: Math.round(((pB.cpuS - pA.cpuS) / telemetryOnlyS) * 100) / 100,
      fixesPerCpuSecond: Math.round(fixesOnly / (pB.cpuS - pA.cpuS)),
      eventLoopDelayMs: { p99: round1((mB.get('baton_event_loop_delay_seconds{quantile="0.99"}') ?? NaN) * 1000), max: round1((mB.get('baton_event_loop_delay_seconds{quantile="1"}') ?? NaN) * 1000) },
    };
    log(`telemetry alone: ${JSON.stringify(telemetryOnly)}`);

    // ---- the measured window: riders at `rate` per second, open loop
    const m0 = await scrape();
    log('measuring');
    const p0 = procStat(server.pid!);
    const g0 = await askReports();
    const load: number[][] = [loadavg()];
    const loadTimer = setInterval(() => load.push(loadavg()), 5000);
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const errors: string[] = [];
    const post = (body: string, headers: Record<string, string>) =>
      new Promise<number>((res, rej) => {
        const req = request(`${url}/v1/rides`, { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (r) => {
          let text = '';
          r.on('data', (d) => void (r.statusCode !== 201 && (text += d)));
          r.on('end', () => {
            if (r.statusCode !== 201 && errors.length < 5) errors.push(`${r.statusCode}: ${text.slice(0, 200)}`);
            res(r.statusCode ?? 0);
          });
        });
        req.on('error', rej);
        req.setTimeout(RIDE_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${RIDE_TIMEOUT_MS / 1000} s`)));
        req.end(body);
      });
    const total = rate * seconds;
    const latMs: number[] = [];
    const codes = new Map<number, number>();
    const t0 = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = t0 + (i * 1000) / rate - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const a = points[i % points.length];
      const b = points[(i * 7 + 3) % points.length];
      const start = performance.now();
      inflight.push(
        post(JSON.stringify({ pickup: a, dropoff: b, acceptsSharing: true }), { authorization: `Bearer ${riders[i % riders.length].key}`, 'idempotency-key': `load-${i}` }).then(
          (status) => {
            latMs.push(performance.now() - start);
            codes.set(status, (codes.get(status) ?? 0) + 1);
          },
          (err: Error) => {
            codes.set(0, (codes.get(0) ?? 0) + 1);
            if (errors.length < 5) errors.push(`ride ${i}: ${err.message}`);
          },
        ),
      );
    }
    const offeredS = (performance.now() - t0) / 1000;
    log(`offered ${total} ride requests in ${offeredS.toFixed(1)} s; waiting for the answers`);
    await Promise.all(inflight);
    const wallS = (performance.now() - t0) / 1000;
    const m1 = await scrape();
    const p1 = procStat(server.pid!);
    const g1 = await askReports();
    clearInterval(loadTimer);
    load.push(loadavg());
    agent.destroy();

    // ---- figures
    latMs.sort((x, y) => x - y);
    const d = (k: string) => (m1.get(k) ?? 0) - (m0.get(k) ?? 0);
    const fixes = d('baton_telemetry_samples_total');
    const serverCpuS = d('process_cpu_seconds_total') || p1.cpuS - p0.cpuS;
    const genCpuS = g1.reduce((a, r) => a + r.cpuS, 0) - g0.reduce((a, r) => a + r.cpuS, 0);
    const created = d('baton_ride_requests_total{outcome="created"}');
    const result = {
      options: { vehicles, wsVehicles, httpVehicles, rate, seconds, warmupS, batchS, gens, dispatcher: values.dispatcher, network: 'synthetic city (built in)', store: 'sqlite', profiled: Boolean(values.prof) },
      cars: { connectedSockets: connected, httpCars, openAtEnd: g1.reduce((a, r) => a + r.open, 0), closedByServer: g1.reduce((a, r) => a + r.closed, 0), registerS: Math.max(...ready.map((r) => r.registerS)), connectS: Math.max(...ready.map((r) => r.connectS)), failures: ready.flatMap((r) => r.failures) },
      telemetryOnly,
      telemetry: {
        fixesSentPerS: round1((g1.reduce((a, r) => a + r.fixesSent, 0) - g0.reduce((a, r) => a + r.fixesSent, 0)) / wallS),
        fixesIngestedPerS: round1(fixes / wallS),
        messagesPerS: round1((g1.reduce((a, r) => a + r.messagesSent, 0) - g0.reduce((a, r) => a + r.messagesSent, 0)) / wallS),
        httpErrors: g1.reduce((a, r) => a + r.httpErrors, 0),
        failures: g1.flatMap((r) => r.failures),
        errorReplies: g1.reduce((a, r) => a + r.errorReplies, 0),
        planMessages: g1.reduce((a, r) => a + r.planMessages, 0),
      },
      server: {
        cpuCoresUsed: Math.round((serverCpuS / wallS) * 100) / 100,
        cpuSeconds: round1(serverCpuS),
        procCpuSeconds: round1(p1.cpuS - p0.cpuS),
        /** Fixes ingested per second of server CPU (the whole process: rides, engine, store thread included). */
        fixesPerCpuSecond: Math.round(fixes / serverCpuS),
        rssMb: Math.round((m1.get('process_resident_memory_bytes') ?? p1.rssMb * 2 ** 20) / 2 ** 20),
        eventLoopDelayMsAtEnd: { p99: round1((m1.get('baton_event_loop_delay_seconds{quantile="0.99"}') ?? NaN) * 1000), max: round1((m1.get('baton_event_loop_delay_seconds{quantile="1"}') ?? NaN) * 1000) },
        engineAdvance: histogramQuantilesMs(m0, m1, 'baton_engine_advance_seconds', '', [0.5, 0.99, 1]),
        warnings: serverLog,
      },
      loadGenerators: { cpuCoresUsed: Math.round((genCpuS / wallS) * 100) / 100 },
      rides: {
        offered: total,
        offeredPerS: round1(total / offeredS),
        acknowledgedPerS: round1((codes.get(201) ?? 0) / wallS),
        createdServerSide: created,
        codes: Object.fromEntries(codes),
        errors,
        clientAckMs: latMs.length ? { p50: round1(quantile(latMs, 0.5)), p95: round1(quantile(latMs, 0.95)), p99: round1(quantile(latMs, 0.99)), max: round1(latMs[latMs.length - 1]) } : null,
        serverAckMs: histogramQuantilesMs(m0, m1, 'baton_http_request_duration_seconds', 'method="POST",route="/v1/rides",code="201",', [0.5, 0.95, 0.99, 1]),
      },
      loadAverage: { atStart: load[0].map(round1), atEnd: load[load.length - 1].map(round1), max1m: round1(Math.max(...load.map((l) => l[0]))) },
      wallS: round1(wallS),
    };
    const file = writeResult(values.name!, result);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${file}`);
  } finally {
    for (const c of children) if (c.exitCode === null) c.send({ type: 'stop' });
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (values.role === 'vehicles') await runVehicles();
else await runMain();
