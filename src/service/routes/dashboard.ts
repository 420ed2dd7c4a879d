// The operator dashboard of the live service: the built page (dist/web) at `/`, the road network it draws, a
// WebSocket feeding it the fleet (snapshot, then bounded deltas: decision 0015), pausing new ride requests, and a
// selected car's plan with the dispatcher's reason for it (decision 0022).
// Everything the page loads comes from this server, so it works without internet access.
import type {} from '@fastify/websocket';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { RoadGraph } from '../../core/network/graph.js';
import { encodeReplayScene } from '../../core/replay/bundle.js';
import { LiveFleetFeed, type LiveAuth, type LiveError } from '../../core/replay/live.js';
import { RequestEventBook } from '../../core/replay/request-events.js';
import { ReplayTimelineBuilder } from '../../core/replay/timeline.js';
import type { PlanExplained } from '../../core/sim/events.js';
import { networkLayer } from '../../io/replay-source.js';
import { contentTypeOf, DEFAULT_WEB_ROOT } from '../../io/replay-server.js';
import type { ApiRoutes } from '../api.js';
import type { ServiceContext } from '../context.js';
import { ApiError } from '../errors.js';
import { ErrorBody } from '../schemas.js';
import type { PausedAreaView } from '../operator-areas.js';
import { saveOperatorState } from '../operator-state.js';

export interface DashboardOptions {
  /** The network the engine runs on (the page draws its roads). */
  graph: RoadGraph;
  /** Engine seconds per wall second (the page moves cars between messages at this pace); default 1. */
  speed?: number;
  /** The built page; default dist/web. */
  webRoot?: string;
  /** Most deltas a second to each page; default 4. */
  hz?: number;
  /** A page with more than this many bytes unsent gets no deltas, and one snapshot once it has caught up; default 1 MiB. */
  maxBufferedBytes?: number;
  /** `--basemap`: a raster tile template or MapLibre style URL the page draws under the roads. */
  basemap?: string;
}


/** Seconds a page has to send its operator key after opening the stream. */
const AUTH_WITHIN_MS = 10_000;
/** KPIs ride along with a delta at most this often (a percentile over the day's waits each time). */
const KPIS_EVERY_MS = 1000;
/** Registered vehicle ids are looked up again this often (the conductor builds every vehicle's view to answer). */
const IDS_EVERY_MS = 2000;

interface Client {
  socket: WebSocket;
  /** Missed deltas (it fell behind): it gets a snapshot once its buffer drains. */
  stale: boolean;
}

/** The name the global pause has in the event log (no area name can start with "*"). */
export const GLOBAL_PAUSE = '*';

export const PauseBody = z.strictObject({ paused: z.boolean(), reason: z.string().min(1).max(200).optional() });
const CarParams = z.strictObject({ car: z.coerce.number().int().min(0).max(1_000_000) });
const RequestParams = z.strictObject({ request: z.coerce.number().int().min(0).max(2_147_483_647) });
const RequestEvents = z.object({
  request: z.number(),
  events: z.array(z.record(z.string(), z.unknown())),
});
const CarWhy = z.object({
  car: z.number(),
  vehicleId: z.string().nullable(),
  plan: z.array(z.object({ action: z.enum(['pickup', 'dropoff']), rideId: z.string(), lat: z.number(), lon: z.number() })),
  reason: z.record(z.string(), z.unknown()).nullable(),
});

/** Registers the dashboard on `app` (call before `api.register`: the pause route is in the API table). */
export function dashboardRoutes(app: FastifyInstance, api: ApiRoutes, ctx: ServiceContext, o: DashboardOptions): void {
  const webRoot = resolve(o.webRoot ?? DEFAULT_WEB_ROOT);
  const hz = o.hz ?? 4;
  const maxBuffered = o.maxBufferedBytes ?? 1 << 20;
  const speed = o.speed ?? 1;
  const feed = new LiveFleetFeed();
  /** Per car: the dispatcher's last reason for its plan (decision 0022; only when the engine explains). */
  const reasons = new Map<number, PlanExplained>();
  /** Per request, the events naming it since this process started (the rider card; open requests and recent others). */
  const requestEvents = new RequestEventBook();
  const unsubscribe = ctx.conductor.onEvent((ev) => {
    feed.add(ev);
    requestEvents.add(ev);
    if (ev.kind === 'PlanExplained') reasons.set(ev.vehicle, ev);
  });
  const clients = new Set<Client>();
  /** The global pause: the conductor's pause of area "*" (so a restart that puts it back restores this too). */
  const globalPause = (): PausedAreaView | undefined => ctx.conductor.pausedAreas().find((a) => a.area === GLOBAL_PAUSE);
  let network: Uint8Array | undefined;
  let ids: [number, string][] = [];
  let idsAtMs = -Infinity;
  let kpisAtMs = -Infinity;
  let pausedSent = false;

  const vehicleIds = (): [number, string][] => {
    // The conductor binds the k-th registered vehicle to car k of the engine's fleet.
    ids = ctx.conductor.vehicles().map((v, car): [number, string] => [car, v.vehicleId]);
    idsAtMs = Date.now();
    return ids;
  };
  const engineTimeS = (): number => Math.max(feed.eventTimeS, ctx.conductor.stats().engineTimeS);

  // New ride requests are refused while paused (riders get the reason; nothing reaches the engine).
  app.addHook('onRequest', async (req) => {
    const paused = req.method === 'POST' && req.url.split('?')[0] === '/v1/rides' ? globalPause() : undefined;
    if (paused) {
      throw new ApiError(503, 'requests_paused', `new ride requests are paused by the operator: ${paused.reason}`, { 'Retry-After': '60' });
    }
  });

  app.get('/', (_req, reply) => sendFile(reply, resolve(webRoot, 'index.html'), webRoot));
  app.get('/assets/*', (req, reply) => sendFile(reply, resolve(webRoot, `.${decodeURIComponent(req.url.split('?')[0])}`), webRoot));
  app.get('/api/dashboard', async () => ({ mode: 'live', ...(o.basemap ? { basemap: o.basemap } : {}) }));
  app.get('/api/live/network', (_req, reply) => {
    network ??= encodeReplayScene({ log: { name: 'live', events: 0 }, network: networkLayer(o.graph), timeline: new ReplayTimelineBuilder().result() });
    reply.header('content-type', 'application/octet-stream').header('cache-control', 'no-store').send(Buffer.from(network.buffer, network.byteOffset, network.byteLength));
  });

  app.get('/api/live/stream', { websocket: true }, (socket) => {
    let client: Client | undefined;
    const timer = setTimeout(() => refuse(socket, 'unauthorized', 'send {"type":"auth","token":"<operator api key>"} first'), AUTH_WITHIN_MS);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      if (client) clients.delete(client);
      ctx.metrics.wsConnections.set({ kind: 'dashboard' }, clients.size);
    });
    socket.on('message', (data) => {
      if (client) return void socket.send(JSON.stringify({ type: 'error', error: 'read_only', reason: 'this stream only sends once authenticated' } satisfies LiveError));
      let msg: LiveAuth;
      try {
        msg = JSON.parse(String(data)) as LiveAuth;
      } catch {
        return refuse(socket, 'invalid_message', 'expected JSON {"type":"auth","token":"…"}');
      }
      if (msg?.type !== 'auth' || typeof msg.token !== 'string') return refuse(socket, 'invalid_message', 'expected {"type":"auth","token":"…"}');
      clearTimeout(timer);
      ctx.auth.authenticate(`Bearer ${msg.token}`).then(
        (principal) => {
          if (principal.role !== 'operator') return refuse(socket, 'forbidden', `the dashboard stream needs an operator token; this one is a ${principal.role} token`);
          if (socket.readyState !== 1) return;
          client = { socket, stale: false };
          clients.add(client);
          ctx.metrics.wsConnections.set({ kind: 'dashboard' }, clients.size);
          ctx.log.info({ by: principal.subject }, 'dashboard connected');
          socket.send(JSON.stringify(feed.snapshot(engineTimeS(), speed, vehicleIds(), globalPause() !== undefined)));
        },
        (err: unknown) => refuse(socket, err instanceof ApiError ? err.error : 'unauthorized', err instanceof ApiError ? err.reason : 'authentication failed'),
      );
    });
  });

  const tick = setInterval(() => {
    if (clients.size === 0) {
      // Nobody watching: forget what changed (a page that connects gets a snapshot).
      feed.takeDelta(0, false);
      return;
    }
    const now = Date.now();
    const nowS = engineTimeS();
    const withKpis = now - kpisAtMs >= KPIS_EVERY_MS;
    if (withKpis) kpisAtMs = now;
    const delta = feed.takeDelta(nowS, withKpis);
    if (now - idsAtMs >= IDS_EVERY_MS) {
      const known = ids.length;
      delta.ids = vehicleIds().slice(known);
    }
    const pausedNow = globalPause() !== undefined;
    if (pausedSent !== pausedNow) {
      pausedSent = pausedNow;
      delta.requestsPaused = pausedSent;
    }
    const text = JSON.stringify(delta);
    let snapshot: string | undefined;
    for (const c of clients) {
      if (c.socket.readyState !== 1) continue;
      if (c.socket.bufferedAmount > maxBuffered) {
        c.stale = true;
        continue;
      }
      if (c.stale) {
        snapshot ??= JSON.stringify(feed.snapshot(nowS, speed, ids, globalPause() !== undefined));
        c.socket.send(snapshot);
        c.stale = false;
      } else c.socket.send(text);
    }
  }, Math.max(1, Math.round(1000 / hz)));
  tick.unref();
  app.addHook('onClose', async () => {
    clearInterval(tick);
    unsubscribe();
    for (const c of clients) c.socket.close(1001, 'server stopping');
  });

  api.add({
    method: 'GET',
    url: '/v1/operator/cars/:car/why',
    summary: "A car of the dashboard's map (0-based, the k-th registered vehicle): its plan and the dispatcher's last reason for it",
    tag: 'operator',
    roles: ['operator'],
    params: CarParams,
    responses: { 200: { description: 'the plan and the reason (null when none was logged, e.g. serve --no-explain)', schema: CarWhy }, 400: { description: 'invalid car', schema: ErrorBody } },
    handler: async ({ params }) => {
      if (ids.length <= params.car) vehicleIds();
      const vehicleId = ids[params.car]?.[1] ?? null;
      const vehicle = vehicleId === null ? undefined : ctx.conductor.vehicle(vehicleId);
      return { car: params.car, vehicleId, plan: vehicle?.plan ?? [], reason: reasons.get(params.car) ?? null };
    },
  });

  api.add({
    method: 'GET',
    url: '/v1/operator/requests/:request/events',
    summary:
      "A rider of the dashboard's map (the engine's request index): the events naming its request since the service started, for the rider card (every open request, and the 20,000 most recently finished; the whole log is GET /v1/operator/events)",
    tag: 'operator',
    roles: ['operator'],
    params: RequestParams,
    responses: {
      200: { description: "the request's events, oldest first, as in the exported event log", schema: RequestEvents },
      400: { description: 'invalid request index', schema: ErrorBody },
      404: { description: 'no such request since the service started (or finished long ago)', schema: ErrorBody },
    },
    handler: async ({ params }) => {
      const events = requestEvents.events(params.request);
      if (!events) throw new ApiError(404, 'not_found', `request ${params.request} is not open and did not finish recently; GET /v1/operator/events has the whole log`);
      return { request: params.request, events: events as unknown as Record<string, unknown>[] };
    },
  });

  api.add({
    method: 'POST',
    url: '/v1/operator/requests/pause',
    summary: 'Pause (or resume) new ride requests: while paused, POST /v1/rides answers 503 requests_paused',
    tag: 'operator',
    roles: ['operator'],
    body: PauseBody,
    responses: { 200: { description: 'the new state', schema: z.object({ paused: z.boolean(), reason: z.string().nullable() }) }, 400: { description: 'invalid body', schema: ErrorBody } },
    handler: async ({ body, principal }) => {
      const reason = body.reason ?? 'operator pause';
      // In the event log too, as the pause of every area (named "*", no polygons).
      if (body.paused) ctx.conductor.pauseRequests(GLOBAL_PAUSE, [], principal!.subject, reason);
      else ctx.conductor.resumeRequests(GLOBAL_PAUSE, principal!.subject);
      await ctx.store.setState('requestsPaused', body.paused ? `${principal!.subject}: ${reason}` : '');
      await saveOperatorState(ctx.store, ctx.conductor);
      ctx.log.info({ paused: body.paused, reason, by: principal!.subject }, body.paused ? 'new ride requests paused' : 'new ride requests resumed');
      return { paused: body.paused, reason: globalPause()?.reason ?? null };
    },
  });
}

function refuse(socket: WebSocket, error: string, reason: string): void {
  if (socket.readyState !== 1) return;
  socket.send(JSON.stringify({ type: 'error', error, reason } satisfies LiveError));
  socket.close(4000 + (error === 'forbidden' ? 403 : error === 'unauthorized' ? 401 : 400), error);
}

function sendFile(reply: import('fastify').FastifyReply, file: string, webRoot: string): void {
  if (!file.startsWith(webRoot + sep) || !existsSync(file) || !statSync(file).isFile()) {
    if (file === resolve(webRoot, 'index.html')) {
      reply.code(503).type('text/plain; charset=utf-8').send(`the dashboard is not built (${webRoot}): run npm run build\n`);
      return;
    }
    reply.code(404).send({ error: 'not_found', reason: 'no such dashboard file' });
    return;
  }
  reply.header('content-type', contentTypeOf(file)).header('cache-control', 'no-store').send(readFileSync(file));
}
