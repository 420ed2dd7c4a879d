// `baton emulate`'s engine: N emulated cars and a trip file's riders against a running `baton serve`, over the
// network only (HTTP + the vehicle WebSocket), as real cars and rider apps would. Cars register, stream telemetry,
// follow the plans the server pushes with the simulator's travel times and report their pickups and drop-offs;
// riders ask for rides at their request times on the server's clock (accelerated when it is). At the end the
// server's stored event log is fetched and folded into KPIs, as the simulator would fold its own.
//
// Servers may die and come back mid-run (the crash test): every call is retried with the same Idempotency-Key, cars
// re-register and reconnect when their socket closes or the server's run number changes.
import WebSocket from 'ws';
import type { PlacedTrip } from '../../core/demand/placed-trip.js';
import { KpiAccumulator, type Kpis } from '../../core/metrics/kpis.js';
import type { SimEvent } from '../../core/sim/events.js';
import { EmulatedCar, type CarWorld, type EmulatedStop } from './car.js';
import { ServiceClient, sleep } from './client.js';

export interface EmulateOptions {
  /** The server, e.g. http://127.0.0.1:8080. */
  url: string;
  /** An operator key: reads the clock, issues the riders' and cars' keys, reads requests and the event log. */
  operatorKey: string;
  cars: number;
  /** The requests to replay, sorted by request time (engine seconds since local midnight). */
  trips: readonly PlacedTrip[];
  world: CarWorld;
  /** Rider accounts the requests are spread over (each has its own key and rate limit). Default min(100, trips). */
  riders?: number;
  /** The speed the server must run at (engine seconds per wall second); refused when it differs. */
  speed?: number;
  /** Prefix of car ids, rider ids and idempotency keys (default "emu"). */
  prefix?: string;
  /** Seats each car registers with (default 2, the engine's default). */
  seats?: number;
  /** Wall ms between telemetry fixes of a car (default 1000: 1 Hz). */
  telemetryEveryMs?: number;
  /** Engine seconds after the last request to wait for every ride to end (default 7200). */
  drainS?: number;
  /** Label of the dispatcher in the KPIs (the server does not say which preset it runs). */
  dispatcher?: string;
  onProgress?(p: EmulateProgress): void;
  log?(line: string): void;
}

export interface EmulateProgress {
  engineTimeS: number;
  handled: number;
  total: number;
  acked: number;
  open: number;
  connected: number;
}

export type RideOutcome = 'completed' | 'cancelled' | 'rejected' | 'refused' | 'open';

export interface EmulateResult {
  /** Each replayed request's end: the server's final ride status, or `refused` (a 4xx instead of a ride). */
  outcomes: Record<RideOutcome, number>;
  /** Reasons of rejections, cancellations and refusals, counted. */
  reasons: Record<string, number>;
  /** Ride ids acknowledged (201), by trip index. */
  rideIds: (string | null)[];
  /** Trips whose retries came back with a different ride id (must be 0: idempotency). */
  duplicates: number;
  /** Rides stored for the emulator's riders that no acknowledgement named (must be 0). */
  unacknowledgedStored: number;
  /** Server runs seen (a restart starts a new run); KPIs per run from the stored log. */
  runs: number[];
  kpisByRun: Map<number, Kpis>;
  /** KPIs of the whole emulation when the server ran once (undefined after restarts: indices restart per run). */
  kpis?: Kpis;
  events: number;
  /** Engine seconds added to every request time so that the replay starts on the server's clock. */
  offsetS: number;
  wallS: number;
  retries: number;
  reportsSent: number;
  reportsRefused: number;
  telemetrySamples: number;
  reconnects: number;
}

interface CarSlot {
  id: string;
  key: string;
  car: EmulatedCar | null;
  ws: WebSocket | null;
  connecting: boolean;
  run: number;
}

const OPEN_STATUSES = ['accepted', 'assigned', 'onboard'] as const;

export async function runEmulation(o: EmulateOptions): Promise<EmulateResult> {
  const t0 = Date.now();
  const client = new ServiceClient(o.url);
  const log = o.log ?? (() => undefined);
  const prefix = o.prefix ?? 'emu';
  const op = o.operatorKey;
  const trips = o.trips;
  const nRiders = Math.max(1, Math.min(o.riders ?? 100, trips.length));

  // The server's clock: polled every second, interpolated between polls with its speed.
  let clock = await client.expect<{ run: number; engineTimeS: number; speed: number; fleet: number; held: boolean }>(200, 'GET', '/v1/operator/clock', op);
  if (o.speed !== undefined && Math.abs(o.speed - clock.speed) > 1e-9) throw new Error(`--speed ${o.speed} differs from the server's ${clock.speed} (engine seconds per wall second); give the server's`);
  if (o.cars > clock.fleet) throw new Error(`--cars ${o.cars} is more than the server's fleet of ${clock.fleet}`);
  if (o.cars < clock.fleet) log(`note: the server conducts ${clock.fleet} cars; ${clock.fleet - o.cars} of them are not emulated (they still serve rides)`);
  let syncedAtMs = Date.now();
  const runs = [clock.run];
  const nowS = () => clock.engineTimeS + Math.floor(((Date.now() - syncedAtMs) * clock.speed) / 1000);

  // Keys: one per rider account and per car, issued through the operator API.
  const riderKeys: string[] = [];
  const slots: CarSlot[] = [];
  await inParallel(nRiders, 8, async (i) => {
    riderKeys[i] = (await client.expect<{ apiKey: string }>(201, 'POST', '/v1/operator/tokens', op, { role: 'rider', subject: `${prefix}-rider-${i + 1}`, label: 'baton emulate' })).apiKey;
  });
  await inParallel(o.cars, 8, async (i) => {
    const id = `${prefix}-car-${String(i + 1).padStart(5, '0')}`;
    const key = (await client.expect<{ apiKey: string }>(201, 'POST', '/v1/operator/tokens', op, { role: 'vehicle', subject: id, label: 'baton emulate' })).apiKey;
    slots[i] = { id, key, car: null, ws: null, connecting: false, run: 0 };
  });

  let reportsSent = 0;
  let reportsRefused = 0;
  let telemetrySamples = 0;
  let reconnects = 0;
  let stopping = false;

  /** Registers the car (again after a restart: the new engine has it where its view says) and opens its socket. */
  const connect = async (s: CarSlot): Promise<void> => {
    if (s.connecting || stopping) return;
    s.connecting = true;
    try {
      const view = await client.expect<{ lat: number | null; lon: number | null; plan: EmulatedStop[] }>(200, 'POST', `/v1/vehicles/${s.id}/register`, s.key, { seats: o.seats ?? 2 });
      const runNow = clock.run;
      const lat = view.lat ?? o.world.lat(0);
      const lon = view.lon ?? o.world.lon(0);
      if (!s.car || s.run !== runNow) s.car = new EmulatedCar(s.id, o.world, lat, lon);
      s.run = runNow;
      const ws = new WebSocket(client.wsUrl(`/v1/vehicles/${s.id}/stream`), { headers: { authorization: `Bearer ${s.key}` } });
      await new Promise<void>((res, rej) => {
        ws.once('open', () => res());
        ws.once('error', rej);
        ws.once('unexpected-response', (_req, r) => rej(new Error(`socket refused: ${r.statusCode}`)));
      });
      ws.on('message', (data) => {
        let msg: { type?: string; stops?: EmulatedStop[] };
        try {
          msg = JSON.parse(String(data));
        } catch {
          return;
        }
        if (msg.type === 'plan' && Array.isArray(msg.stops)) s.car?.setPlan(msg.stops, nowS());
      });
      ws.on('error', () => undefined);
      ws.on('close', () => {
        if (s.ws === ws) s.ws = null;
      });
      s.ws = ws;
    } catch {
      // the server is down or restarting: the watch loop tries again
    } finally {
      s.connecting = false;
    }
  };

  await inParallel(slots.length, 16, async (i) => connect(slots[i]));
  // A server holding its clock (serve --hold) starts the day now that the cars are connected.
  if (clock.held) {
    clock = await client.expect<typeof clock>(200, 'POST', '/v1/operator/clock/start', op, {});
    syncedAtMs = Date.now();
    log(`clock started at engine ${hhmm(clock.engineTimeS)}`);
  }

  // The replay starts on the server's clock: request times keep their spacing, shifted so the first is not late.
  const firstS = trips.length > 0 ? trips[0].requestS : nowS();
  const lastS = trips.length > 0 ? trips[trips.length - 1].requestS : firstS;
  const offsetS = Math.max(0, nowS() - firstS + 2);
  if (offsetS > 0) log(`replay: the server's clock is past the first request; request times shifted by ${offsetS} s`);

  const rideIds: (string | null)[] = trips.map(() => null);
  const refused: (string | null)[] = trips.map(() => null);
  let duplicates = 0;
  let handled = 0;
  let acked = 0;
  let next = 0;
  const inflight = new Set<Promise<void>>();

  const submit = async (i: number): Promise<void> => {
    const t = trips[i];
    const rider = i % nRiders;
    const body = { pickup: { lat: t.pickupLat, lon: t.pickupLon }, dropoff: { lat: t.dropoffLat, lon: t.dropoffLon }, riders: t.riders, acceptsSharing: t.acceptsSharing };
    const key = `${prefix}-${i}-${t.id}`.slice(0, 128);
    for (;;) {
      const r = await client.call<{ rideId?: string; error?: string; reason?: string }>('POST', '/v1/rides', riderKeys[rider], body, { 'idempotency-key': key });
      if (r.status === 201 && r.body.rideId) {
        if (rideIds[i] !== null && rideIds[i] !== r.body.rideId) duplicates++;
        rideIds[i] = r.body.rideId;
        acked++;
        break;
      }
      if (r.status >= 400 && r.status < 500) {
        refused[i] = `${r.body.error ?? r.status}: ${r.body.reason ?? ''}`;
        break;
      }
      await sleep(200);
    }
    handled++;
  };

  // Cars: move, report reached stops, send telemetry; re-register after a restart.
  const carTimer = setInterval(() => {
    const t = nowS();
    for (const s of slots) {
      const car = s.car;
      if (!car) continue;
      car.advance(t);
      for (const stop of car.takeReached()) {
        reportsSent++;
        void client
          .call('POST', `/v1/vehicles/${s.id}/reports`, s.key, { kind: stop.action, rideId: stop.rideId })
          .then((r) => {
            if (r.status !== 200) reportsRefused++;
          })
          .catch(() => void reportsRefused++);
      }
    }
  }, 100);
  const telemetryTimer = setInterval(() => {
    const t = nowS();
    const atMs = Date.now();
    for (const s of slots) {
      if (!s.car || !s.ws || s.ws.readyState !== WebSocket.OPEN) continue;
      const p = s.car.positionAt(t);
      s.ws.send(JSON.stringify({ type: 'telemetry', samples: [{ atMs, lat: p.lat, lon: p.lon, speedMps: p.speedMps, status: p.activity }] }));
      telemetrySamples++;
    }
  }, o.telemetryEveryMs ?? 1000);
  let syncing = false;
  const clockTimer = setInterval(() => {
    if (syncing) return;
    syncing = true;
    void (async () => {
      try {
        const r = await client.call<typeof clock>('GET', '/v1/operator/clock', op);
        if (r.status !== 200) return;
        clock = r.body;
        syncedAtMs = Date.now();
        if (!runs.includes(clock.run)) {
          // Runs it did not see (a server killed between two polls) still wrote events.
          for (let run = runs[runs.length - 1] + 1; run <= clock.run; run++) runs.push(run);
          log(`server restarted: run ${clock.run} at engine ${hhmm(clock.engineTimeS)}`);
        }
        for (const s of slots) {
          if (s.ws && s.run !== clock.run) s.ws.close();
          if ((!s.ws || s.ws.readyState > WebSocket.OPEN) && !s.connecting) {
            reconnects++;
            void connect(s);
          }
        }
      } catch {
        // server down: keep the last estimate
      } finally {
        syncing = false;
      }
    })();
  }, 1000);

  const progress = () => {
    const connected = slots.filter((s) => s.ws?.readyState === WebSocket.OPEN).length;
    o.onProgress?.({ engineTimeS: nowS(), handled, total: trips.length, acked, open: inflight.size, connected });
  };

  try {
    // Riders: each request at its time on the server's clock.
    while (next < trips.length) {
      const t = nowS();
      while (next < trips.length && trips[next].requestS + offsetS <= t) {
        const p = submit(next++).finally(() => inflight.delete(p));
        inflight.add(p);
      }
      progress();
      const dueMs = next < trips.length ? ((trips[next].requestS + offsetS - t) * 1000) / clock.speed : 0;
      await sleep(Math.max(5, Math.min(200, dueMs)));
    }
    while (inflight.size > 0) {
      progress();
      await Promise.race([...inflight, sleep(200)]);
    }
    // Until every acknowledged ride has ended (or the drain time is over).
    const endS = lastS + offsetS + (o.drainS ?? 7200);
    for (;;) {
      progress();
      if (nowS() >= endS) {
        log(`drain: engine time ${hhmm(nowS())} is past ${hhmm(endS)}; some rides may still be open`);
        break;
      }
      let open = 0;
      for (const status of OPEN_STATUSES) {
        const r = await client.call<{ rides: { riderId: string }[] }>('GET', `/v1/operator/requests?status=${status}&limit=1000`, op);
        if (r.status === 200) open += r.body.rides.filter((x) => x.riderId.startsWith(`${prefix}-rider-`)).length;
        else open++;
      }
      if (open === 0) break;
      await sleep(1000);
    }
  } finally {
    stopping = true;
    clearInterval(carTimer);
    clearInterval(telemetryTimer);
    clearInterval(clockTimer);
    for (const s of slots) s.ws?.close();
  }

  // Every ride of ours as the server stored it.
  const outcomes: Record<RideOutcome, number> = { completed: 0, cancelled: 0, rejected: 0, refused: 0, open: 0 };
  const reasons: Record<string, number> = {};
  const count = (why: string) => void (reasons[why] = (reasons[why] ?? 0) + 1);
  const stored = new Map<string, { status: string; reason: string | null }>();
  for (let after: string | undefined; ; ) {
    const page = await client.expect<{ rides: { rideId: string; riderId: string; status: string; reason: string | null }[] }>(
      200,
      'GET',
      `/v1/operator/requests?limit=1000${after ? `&afterId=${encodeURIComponent(after)}` : ''}`,
      op,
    );
    for (const r of page.rides) if (r.riderId.startsWith(`${prefix}-rider-`)) stored.set(r.rideId, r);
    if (page.rides.length < 1000) break;
    after = page.rides[page.rides.length - 1].rideId;
  }
  const ackedIds = new Set<string>();
  trips.forEach((_, i) => {
    const id = rideIds[i];
    if (id === null) {
      outcomes.refused++;
      count(`refused ${refused[i] ?? 'no answer'}`);
      return;
    }
    ackedIds.add(id);
    const r = stored.get(id);
    const status = r?.status ?? 'missing';
    if (status === 'completed' || status === 'cancelled' || status === 'rejected') {
      outcomes[status]++;
      if (status !== 'completed') count(`${status} ${r?.reason ?? '(no reason)'}`);
    } else {
      outcomes.open++;
      count(`open ${status}`);
    }
  });
  let unacknowledgedStored = 0;
  for (const id of stored.keys()) if (!ackedIds.has(id)) unacknowledgedStored++;

  // The server's event log, run by run (engine indices restart with each run).
  const kpisByRun = new Map<number, Kpis>();
  let events = 0;
  for (const run of runs) {
    const r = await client.call<string>('GET', `/v1/operator/events?run=${run}`, op);
    if (r.status !== 200) throw new Error(`GET /v1/operator/events?run=${run}: ${r.status}`);
    const acc = new KpiAccumulator({ dispatcher: o.dispatcher ?? 'server', fleet: clock.fleet });
    for (const line of String(r.body).split('\n')) {
      if (!line) continue;
      acc.add(JSON.parse(line) as SimEvent);
      events++;
    }
    kpisByRun.set(run, acc.result());
  }
  return {
    outcomes,
    reasons,
    rideIds,
    duplicates,
    unacknowledgedStored,
    runs,
    kpisByRun,
    kpis: runs.length === 1 ? kpisByRun.get(runs[0]) : undefined,
    events,
    offsetS,
    wallS: (Date.now() - t0) / 1000,
    retries: client.retries,
    reportsSent,
    reportsRefused,
    telemetrySamples,
    reconnects,
  };
}

/** Runs `fn(0..n-1)` with at most `width` at a time. */
async function inParallel(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
}

export function hhmm(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
