// What every route handler may use: the store, the conductor, authentication, limits, metrics and the logger.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Role, Store } from '../io/store/store.js';
import type { Authenticator } from './auth.js';
import type { Conductor } from './conductor.js';
import { LATENCY_BUCKETS_S, MetricsRegistry, type Counter, type Gauge, type Histogram } from './metrics.js';
import type { RateLimit, RateLimiter } from './rate-limit.js';
import type { TelemetryHub } from './telemetry.js';

export interface ServiceMetrics {
  registry: MetricsRegistry;
  httpDuration: Histogram;
  rides: Counter;
  telemetrySamples: Counter;
  wsConnections: Gauge;
  advanceDuration: Histogram;
}

/** The live clock as clients see it: which service start this is, engine seconds now, and how fast they pass. */
export interface ServiceClock {
  run: number;
  speed: number;
  /** Cars the engine conducts. */
  fleet: number;
  nowS(): number;
  /** True while the clock stands at its start (serve --hold). */
  held(): boolean;
  /** Starts a held clock; false when it was running already. */
  start(): boolean;
}

export interface ServiceContext {
  store: Store;
  conductor: Conductor;
  auth: Authenticator;
  limiter: RateLimiter;
  limits: Record<Role, RateLimit>;
  metrics: ServiceMetrics;
  telemetry: TelemetryHub;
  log: Logger;
  clock?: ServiceClock;
}

/** Defaults: riders are people (a few calls a second), vehicles stream, operators page through lists. */
export const DEFAULT_LIMITS: Record<Role, RateLimit> = {
  rider: { perSecond: 5, burst: 20 },
  vehicle: { perSecond: 20, burst: 60 },
  operator: { perSecond: 50, burst: 200 },
};

let loopMonitor: ReturnType<typeof monitorEventLoopDelay> | undefined;
/** One event-loop delay monitor per process (servers built by tests share it). */
function eventLoopDelay(): ReturnType<typeof monitorEventLoopDelay> {
  if (!loopMonitor) {
    loopMonitor = monitorEventLoopDelay({ resolution: 10 });
    loopMonitor.enable();
  }
  return loopMonitor;
}

export function createServiceMetrics(conductor: Conductor): ServiceMetrics {
  const registry = new MetricsRegistry();
  const m: ServiceMetrics = {
    registry,
    httpDuration: registry.histogram('baton_http_request_duration_seconds', 'HTTP request latency by route and status code', ['method', 'route', 'code'], LATENCY_BUCKETS_S),
    rides: registry.counter('baton_ride_requests_total', 'ride requests by outcome (created, replayed, refused:<error>)', ['outcome']),
    telemetrySamples: registry.counter('baton_telemetry_samples_total', 'vehicle telemetry fixes received'),
    wsConnections: registry.gauge('baton_websocket_connections', 'open WebSocket connections by kind', ['kind']),
    advanceDuration: registry.histogram('baton_engine_advance_seconds', 'time to advance the engine to the clock (events, timers and dispatch decisions)', [], LATENCY_BUCKETS_S),
  };
  const engineTime = registry.gauge('baton_engine_time_seconds', 'engine clock, seconds since local midnight');
  const requests = registry.gauge('baton_requests', 'requests of this run by ride status', ['status']);
  const vehicles = registry.gauge('baton_vehicles', 'registered vehicles by state', ['state']);
  const assists = registry.gauge('baton_assist_queue_length', 'vehicles that asked for remote assistance and no operator has yet');
  // Process figures for load tests and dashboards: CPU time of the whole process (worker threads included), resident
  // memory, and how late the event loop ran timers since the previous scrape (what every request waits behind).
  const cpuSeconds = registry.counter('process_cpu_seconds_total', 'user + system CPU time of the process (all threads), seconds');
  const rssBytes = registry.gauge('process_resident_memory_bytes', 'resident set size, bytes');
  const loopDelay = registry.gauge('baton_event_loop_delay_seconds', 'event-loop delay since the previous scrape (p50, p99, max)', ['quantile']);
  const loop = eventLoopDelay();
  const operators = registry.gauge('baton_assist_operators', 'remote-assistance operators by state (busy: helping a car; free)', ['state']);
  registry.onCollect(() => {
    const cpu = process.cpuUsage();
    cpuSeconds.setTotal(undefined, (cpu.user + cpu.system) / 1e6);
    rssBytes.set(undefined, process.memoryUsage.rss());
    for (const [q, v] of [['0.5', loop.percentile(50)], ['0.99', loop.percentile(99)], ['1', loop.max]] as const) loopDelay.set({ quantile: q }, v / 1e9);
    loop.reset();
    const s = conductor.stats();
    engineTime.set(undefined, s.engineTimeS);
    requests.reset();
    for (const [k, n] of Object.entries(s.requestsByStatus)) requests.set({ status: k }, n);
    vehicles.reset();
    for (const [k, n] of Object.entries(s.vehiclesByState)) vehicles.set({ state: k }, n);
    assists.set(undefined, s.assistQueue);
    operators.set({ state: 'busy' }, s.assistOperatorsBusy);
    operators.set({ state: 'free' }, s.assistOperators - s.assistOperatorsBusy);
  });
  return m;
}
