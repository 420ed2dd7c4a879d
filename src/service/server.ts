// Builds the live service's HTTP + WebSocket server (Fastify 5) around a store and a conductor: routes from one
// table (rider, vehicle, operator, ops), bearer-key auth by role, per-token rate limits, a body size limit, zod
// validation, `{ error, reason }` errors, Prometheus metrics and pino JSON logs.
import fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import websocket from '@fastify/websocket';
import pino, { type Logger } from 'pino';
import type { Role, Store } from '../io/store/store.js';
import { ApiRoutes, type Guards } from './api.js';
import { Authenticator } from './auth.js';
import type { Conductor } from './conductor.js';
import { createServiceMetrics, DEFAULT_LIMITS, type ServiceClock, type ServiceContext } from './context.js';
import { installErrorHandlers } from './errors.js';
import { RateLimiter, type RateLimit } from './rate-limit.js';
import { operatorActionRoutes } from './routes/operator-actions.js';
import { operatorRoutes } from './routes/operator.js';
import { opsRoutes } from './routes/ops.js';
import { dashboardRoutes, type DashboardOptions } from './routes/dashboard.js';
import { riderRoutes } from './routes/rider.js';
import { TELEMETRY_BODY_LIMIT, VehicleSockets, vehicleRoutes } from './routes/vehicle.js';
import { RideSockets, rideStreamRoute } from './routes/ride-stream.js';
import { TelemetryHub } from './telemetry.js';

/** Bodies above this are refused with 413 before they are parsed. */
export const BODY_LIMIT_BYTES = 16 * 1024;

export interface ServerOptions {
  store: Store;
  conductor: Conductor;
  logger?: Logger;
  limits?: Partial<Record<Role, RateLimit>>;
  /** Seconds of telemetry silence after which a car is taken out of service (0: never). */
  silenceS?: number;
  /** How long a found API key is trusted without asking the store again. */
  authCacheMs?: number;
  /** Wall clock, epoch ms (injected by tests). */
  nowMs?: () => number;
  /** Serve the operator dashboard at `/` (routes/dashboard.ts). */
  dashboard?: DashboardOptions;
  /** The service's run number and engine clock (GET /v1/operator/clock); absent in tests without a clock. */
  clock?: ServiceClock;
}

export interface BuiltServer {
  app: FastifyInstance;
  ctx: ServiceContext;
  api: ApiRoutes;
}

export async function buildServer(o: ServerOptions): Promise<BuiltServer> {
  const log = o.logger ?? pino({ level: 'info' });
  const app = fastify({
    // NOTE: fastify types its logger with its own pino's types; ours is the same API.
    loggerInstance: log as unknown as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Request ids for the logs; a client's X-Request-Id is used when it is short and plain.
    requestIdHeader: 'x-request-id',
    genReqId: () => `req-${(++requestCounter).toString(36)}`,
    // One line per request would swamp the log under load; errors are logged, latencies go to /metrics.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
    // Router refusals (a malformed percent-encoding, an over-long path parameter) bypass the error handler.
    frameworkErrors: (err, _req, res) => {
      const reply = res as unknown as FastifyReply;
      const status = err.statusCode ?? 400;
      const error = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'uri_too_long' : 'invalid_url';
      reply.code(status >= 400 && status < 500 ? status : 400).send({ error, reason: err.message.replace(/^FST_\w+: /, '').slice(0, 300) });
    },
  });
  const conductor = o.conductor;
  const metrics = createServiceMetrics(conductor);
  const auth = new Authenticator(o.store, o.authCacheMs);
  const limiter = new RateLimiter();
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  const telemetry = new TelemetryHub(o.store, conductor, { silenceS: o.silenceS ?? 0, nowMs: o.nowMs });
  const ctx: ServiceContext = { store: o.store, conductor, auth, limiter, limits, metrics, telemetry, log, clock: o.clock };
  const guards: Guards = { auth, limiter, limits };

  installErrorHandlers(app);
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: req.method, route, code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) req.log.error({ method: req.method, route, code: reply.statusCode }, 'server error');
  });

  await app.register(websocket, { options: { maxPayload: TELEMETRY_BODY_LIMIT } });

  const api = new ApiRoutes();
  opsRoutes(api, ctx);
  riderRoutes(api, ctx);
  vehicleRoutes(api, ctx);
  operatorRoutes(api, ctx);
  operatorActionRoutes(api, ctx);
  rideStreamRoute(api);
  if (o.dashboard) dashboardRoutes(app, api, ctx, o.dashboard);
  api.register(app, guards);
  new VehicleSockets(ctx).attach(app, guards);
  new RideSockets(ctx).attach(app, guards);
  return { app, ctx, api };
}

let requestCounter = 0;
