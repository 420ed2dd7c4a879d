// Runs the live service: the HTTP server, the live clock advancing the conductor, the recorder writing events and
// ride statuses to the store, and the telemetry watch; resumes the open rides of a previous run on start, then puts
// back what operators had set live (area pauses, the live service area, dispatcher parameters: decision 0025).
import type { Logger } from 'pino';
import type { RideRecord, Role, Store } from '../io/store/store.js';
import type { Conductor } from './conductor.js';
import type { EngineClock } from '../core/sim/clock.js';
import type { RateLimit } from './rate-limit.js';
import { restoreOperatorState, type RestoredOperatorState } from './operator-state.js';
import { Recorder } from './recorder.js';
import type { RideRequestBody } from './schemas.js';
import { buildServer, type BuiltServer, type ServerOptions } from './server.js';

export interface LiveServiceOptions {
  store: Store;
  conductor: Conductor;
  /** Engine seconds from the wall clock (io/wall-clock.ts), possibly accelerated. */
  clock: EngineClock;
  logger: Logger;
  port: number;
  host: string;
  /** Service start number (events of this run carry it). */
  run: number;
  silenceS?: number;
  limits?: Partial<Record<Role, RateLimit>>;
  /** Wall ms between engine advances (default 100). */
  tickMs?: number;
  /** Wall ms between store flushes of events and ride statuses (default 200). */
  flushMs?: number;
  /**
   * Wall ms between writes of the cars' last-known positions (default 5000). NOTE: every write updates every car
   * heard from (20,000 rows at 20,000 cars); positions only seed a restart, so a few seconds' staleness costs nothing.
   */
  sightingsMs?: number;
  /** Serve the operator dashboard at `/`. */
  dashboard?: ServerOptions['dashboard'];
  /** Engine seconds per wall second, as the clock runs (reported by GET /v1/operator/clock). Default 1. */
  speed?: number;
  /** Cars the engine conducts (reported by GET /v1/operator/clock). */
  fleet?: number;
  /** A clock standing at its start until an operator starts it (`serve --hold`). */
  holdClock?: { held(): boolean; start(): boolean };
  /** Also run after each flush (serve stores the engine second reached, so a restarted clock carries on). */
  onFlush?: () => Promise<void>;
}

export interface LiveService {
  url: string;
  /** Open rides of earlier runs handed to the engine again (riders on board back in their car), and those refused. */
  resumed: ResumedRides;
  /** What operators had set live before the restart and was put back. */
  restored: RestoredOperatorState;
  built: BuiltServer;
  recorder: Recorder;
  close(): Promise<void>;
}

/** What a restart handed back to the engine (resumeOpenRides). */
export interface ResumedRides {
  /** Open rides handed to the engine again (those placed on board included). */
  resumed: number;
  /** Rides it now refused (marked rejected). */
  refused: number;
  /** Rides whose riders were put back on board their car (dropped off, not picked up again). */
  onboard: number;
  /** Rides recorded on board that could not go back in their car (not registered again, out of service): from their pickup. */
  onboardFromPickup: number;
}

/**
 * Hands every stored ride that is not terminal to the conductor again (a restart), oldest first. Rides whose riders
 * were on board (the store records the car and the pickup second) go back into that car, which drops them off; when
 * it cannot take them they are submitted from their pickup, as every other open ride. Rides it now refuses are marked
 * rejected with its reason. NOTE: ride statuses are stored every recorder flush, so a pickup in the last interval
 * before a crash is not known: that ride is served again from its pickup.
 */
export async function resumeOpenRides(store: Store, conductor: Conductor): Promise<ResumedRides> {
  const out: ResumedRides = { resumed: 0, refused: 0, onboard: 0, onboardFromPickup: 0 };
  const open = await store.openRides();
  const byCar = new Map<string, RideRecord[]>();
  for (const ride of open) {
    if (ride.status !== 'onboard' || ride.vehicleId === null || ride.pickedUpS === null) continue;
    const list = byCar.get(ride.vehicleId) ?? [];
    list.push(ride);
    byCar.set(ride.vehicleId, list);
  }
  const placed = new Set<string>();
  for (const [vehicleId, rides] of byCar) {
    const d = conductor.resumeOnboard(
      vehicleId,
      rides.map((r) => ({ rideId: r.id, order: r.payload as RideRequestBody, pickedUpS: r.pickedUpS! })),
    );
    if (!d.ok) {
      out.onboardFromPickup += rides.length;
      continue;
    }
    for (const r of rides) placed.add(r.id);
    out.onboard += rides.length;
    out.resumed += rides.length;
  }
  for (const ride of open) {
    if (placed.has(ride.id)) continue;
    const order = ride.payload as RideRequestBody;
    const check = conductor.check(order);
    if (!check.ok) {
      await store.setRideStatuses([{ id: ride.id, status: 'rejected', reason: `${check.error}: ${check.reason}` }]);
      out.refused++;
      continue;
    }
    conductor.submit(ride.id, order);
    out.resumed++;
  }
  return out;
}

/** Starts serving; the returned `close` stops the timers, the server, flushes the recorder (the store stays open). */
export async function startLiveService(o: LiveServiceOptions): Promise<LiveService> {
  const clockInfo = { run: o.run, speed: o.speed ?? 1, fleet: o.fleet ?? 0, nowS: () => o.clock.nowS(), held: () => o.holdClock?.held() ?? false, start: () => o.holdClock?.start() ?? false };
  const built = await buildServer({ store: o.store, conductor: o.conductor, logger: o.logger, limits: o.limits, silenceS: o.silenceS, dashboard: o.dashboard, clock: clockInfo });
  const { app, ctx } = built;
  // The recorder listens before anything happens, so the log holds the fleet's placement and resumed submissions.
  const recorder = new Recorder(o.store, o.conductor, o.run);
  const resumed = await resumeOpenRides(o.store, o.conductor);
  // After the open rides: a pause or a smaller service area refuses new requests, not those already accepted.
  const restored = await restoreOperatorState(o.store, o.conductor);
  for (const why of restored.skipped) o.logger.warn({ why }, 'operator state not restored');
  o.conductor.advance(o.clock.nowS());
  const timers: NodeJS.Timeout[] = [];
  let advancing = false;
  timers.push(
    setInterval(() => {
      if (advancing) return;
      advancing = true;
      const t0 = performance.now();
      try {
        o.conductor.advance(o.clock.nowS());
      } catch (err) {
        o.logger.error({ err }, 'engine advance failed');
      } finally {
        ctx.metrics.advanceDuration.observe(undefined, (performance.now() - t0) / 1000);
        advancing = false;
      }
    }, o.tickMs ?? 100),
  );
  timers.push(
    setInterval(
      () =>
        void recorder
          .flush()
          .then(() => o.onFlush?.())
          .catch((err) => o.logger.error({ err }, 'event log flush failed')),
      o.flushMs ?? 200,
    ),
  );
  timers.push(
    setInterval(() => {
      for (const id of ctx.telemetry.checkSilence()) {
        o.logger.warn({ vehicle: id }, 'vehicle silent: taken out of service');
        void o.store.setVehicleInService(id, false, 'telemetry silent').catch(() => undefined);
      }
    }, 1000),
  );
  timers.push(setInterval(() => void ctx.telemetry.flush().catch((err) => o.logger.error({ err }, 'sighting flush failed')), o.sightingsMs ?? 5000));
  for (const t of timers) t.unref();
  const url = await app.listen({ port: o.port, host: o.host });
  return {
    url,
    resumed,
    restored,
    built,
    recorder,
    async close() {
      for (const t of timers) clearInterval(t);
      await app.close();
      await recorder.close();
      await ctx.telemetry.flush();
    },
  };
}
