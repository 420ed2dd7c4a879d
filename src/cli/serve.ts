// `baton serve`: the live conductor over HTTP and WebSocket, and `baton token create`: issue an API key.
import type { Command } from 'commander';
import pino from 'pino';
import { keepRebalancingWhere } from '../core/dispatch/rebalance-guard.js';
import { RoadSnapper } from '../core/network/snap.js';
import { startNodesFromDemand } from '../core/simulate.js';
import { DEFAULT_DISPATCHER, DISPATCHER_NAMES } from '../io/dispatchers.js';
import { openScenarioRunner } from '../io/scenario-runner.js';
import { ENERGY_SETTINGS, parseSimSettings } from '../io/settings.js';
import { DEFAULT_DATA_DIR, openStore, ROLES, type Role } from '../io/store/index.js';
import { HeldWallClock, WallClock } from '../io/wall-clock.js';
import { createLiveEngine, EngineConductor } from '../service/conductor.js';
import { startLiveService } from '../service/live-service.js';
import { checkOutputFolder } from '../io/output-file.js';
import { UsageError } from './args.js';
import { BASEMAP_HELP, parseBasemap } from './replay.js';
import { addSettingOptions } from './scenario-cli.js';
import { emitJson, JSON_FLAGS, jsonHelp, jsonOnStdout, type JsonOption } from './json-option.js';

/** The scenario options serve shares with simulate and emulate (the trips place the fleet and are the forecast's history). */
const SERVE_SCENARIO_SETTINGS = ['trips', 'format', 'date', 'window', 'bbox', 'requests', 'share', 'speedFactors', 'snapCutoffM', 'seats', 'maxWaitS', 'minDetourS', 'detourShare', 'assistOperators', 'assistTimeS', ...ENERGY_SETTINGS] as const;

/** Engine state key: the engine second last reached, so an accelerated clock carries on after a restart. */
export const ENGINE_TIME_STATE = 'engine_time_s';

interface ServeOptions {
  port: string;
  host: string;
  dataDir: string;
  db?: string;
  speed: string;
  network?: string[];
  dispatcher: string;
  fleet: string;
  seed: string;
  silence: string;
  logLevel: string;
  start?: string;
  hold?: boolean;
  explain: boolean;
  basemap?: string;
}

/** Seconds since local midnight of `ms`: engine second 0 is the local midnight of the service's day. */
function localSecondOfDay(ms: number): number {
  const d = new Date(ms);
  return d.getHours() * 3600 + d.getMinutes() * 60 + d.getSeconds();
}

function intOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer in [${min}, ${max}], got "${value}"`);
  return n;
}

/** "HH:MM[:SS]" → seconds since midnight. */
export function parseClockTime(option: string, text: string): number {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m || +m[1] > 47 || +m[2] > 59 || (m[3] !== undefined && +m[3] > 59)) throw new UsageError(`${option} must be a time of day HH:MM[:SS], got "${text}"`);
  return +m[1] * 3600 + +m[2] * 60 + (m[3] === undefined ? 0 : +m[3]);
}

export function registerServeCommand(program: Command): void {
  const cmd = program.command('serve');
  const settingsOf = addSettingOptions(cmd, SERVE_SCENARIO_SETTINGS);
  cmd
    .description('run the live conductor: ride requests, vehicle telemetry and plans, operator API (HTTP + WebSocket), the operator dashboard at /')
    .option('--port <n>', 'TCP port', '8080')
    .option('--host <addr>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--data-dir <dir>', 'where the embedded SQLite store lives', DEFAULT_DATA_DIR)
    .option('--db <url>', 'PostgreSQL instead of SQLite: postgres://user@host:port/db')
    .option('--speed <x>', 'engine seconds per wall second (10 = ten times faster than real time)', '1')
    .option('--network <inputs...>', '.baton file or raw network input (default: the built-in synthetic city)')
    .option('--dispatcher <preset>', `dispatcher preset: ${DISPATCHER_NAMES.join(', ')}`, DEFAULT_DISPATCHER)
    .option('--fleet <n>', 'cars the service can conduct (vehicles bind to these as they register)', '500')
    .option('--seed <n>', 'seed (start positions, synthetic demand history)', '1')
    .option('--silence <s>', 'take a car out of service after this many seconds without telemetry (0: never)', '30')
    .option('--log-level <level>', 'pino log level', 'info')
    .option('--start <HH:MM>', 'engine clock starts at this time of day (default: the local time now); after a restart it carries on from the last engine second reached')
    .option('--hold', 'with --start: the clock stands at the start until an operator starts it (POST /v1/operator/clock/start; baton emulate does once its cars are connected); not after a restart')
    .option('--no-explain', 'do not keep why each car got its plan (PlanExplained events, shown when a car is selected on the dashboard)')
    .option('--basemap <url>', BASEMAP_HELP)
    .action(async (o: ServeOptions & Record<string, unknown>) => {
      const port = intOption('--port', o.port, 0, 65535);
      const basemap = o.basemap === undefined ? undefined : parseBasemap(o.basemap);
      const speed = Number(o.speed);
      if (!(speed > 0 && speed <= 1000)) throw new UsageError(`--speed must be in (0, 1000], got "${o.speed}"`);
      const fleetSize = intOption('--fleet', o.fleet, 1, 1_000_000);
      const seed = intOption('--seed', o.seed, 0, 2 ** 31 - 1);
      const silenceS = intOption('--silence', o.silence, 0, 86_400);
      const logger = pino({ level: o.logLevel });
      const startAtS = o.start === undefined ? undefined : parseClockTime('--start', o.start);
      if (o.hold && startAtS === undefined) throw new UsageError('--hold needs --start (the time the clock stands at)');
      const [scenarioInput, origin] = await settingsOf(o);
      const settings = parseSimSettings({ ...scenarioInput, network: o.network, seed, dispatcher: o.dispatcher, fleet: fleetSize }, origin);

      if (!o.db) checkOutputFolder('--data-dir', o.dataDir);
      const store = await openStore({ dataDir: o.dataDir, db: o.db });
      const run = Number((await store.getState('run')) ?? '0') + 1;
      await store.setState('run', String(run));
      // The scenario's demand (synthetic, or --trips) is the history the rebalancing presets forecast from and places
      // the fleet as simulate does (the first hour's pickups); no request is replayed.
      const runner = await openScenarioRunner(settings);
      // Rebalancing stays inside the service area an operator may set live (decision 0021); the conductor says which.
      let insideArea = (_node: number) => true;
      const dispatcher = keepRebalancingWhere(await runner.dispatcher(settings.dispatcher), (node) => insideArea(node));
      const now = Date.now();
      // An explicit start is an accelerated or replayed day: after a restart the clock carries on where it stopped.
      const storedS = Number((await store.getState(ENGINE_TIME_STATE)) ?? NaN);
      const startS = startAtS === undefined ? localSecondOfDay(now) : Number.isInteger(storedS) && storedS > startAtS ? storedS : startAtS;
      const { graph, travelTimes } = runner.scenario.network;
      const snapper = new RoadSnapper(graph);
      const depots = startNodesFromDemand(runner.scenario.requests, fleetSize, seed, travelTimes.nodeCount);
      // A restart: the vehicles registered before are bound again at once, each car starting where it last reported.
      const known = (await store.listVehicles()).slice(0, fleetSize);
      known.forEach((v, i) => {
        const at = v.lat !== null && v.lon !== null ? snapper.snap(v.lat, v.lon) : null;
        if (at) depots[i] = at.node;
      });
      // The operator pool holds the cars that report a need for remote assistance; none asks by itself (rate 0).
      const assistance = { per1000Km: 0, operators: settings.assistOperators, serviceS: settings.assistTimeS };
      // With --chargers the live engine enforces energy as simulate does, and operators can send cars to the sites.
      const chargingSites = runner.chargingSites(fleetSize);
      const spec = { seats: settings.seats, ...(settings.batteryKwh !== undefined ? { batteryKwh: settings.batteryKwh } : {}), ...(settings.energyKwhPerKm !== undefined ? { energyKwhPerKm: settings.energyKwhPerKm } : {}), ...(settings.reserveKwh !== undefined ? { reserveKwh: settings.reserveKwh } : {}) };
      const engine = createLiveEngine({ graph, travelTimes, fleetSize, dispatcher, seed, startS, depots, spec, ...(chargingSites.length > 0 ? { chargingSites } : {}), maxWaitS: settings.maxWaitS, invalidCommands: 'record', explain: o.explain, assistance });
      const conductor = new EngineConductor({ engine, graph, travelTimes, snapper, seats: settings.seats, pickupDwellS: 30, dispatcherName: settings.dispatcher });
      insideArea = (node) => conductor.nodeInServiceArea(node);
      for (const v of known) {
        conductor.registerVehicle(v.id, v.seats);
        if (!v.inService) conductor.setInService(v.id, false, v.outOfServiceReason ?? 'out of service');
      }
      // Held only on a fresh start: a restarted day carries on at once.
      const held = o.hold && !(Number.isInteger(storedS) && storedS > (startAtS ?? 0)) ? new HeldWallClock({ startS, speed, nowMs: () => Date.now() }) : undefined;
      const clock = held ?? new WallClock({ startS, speed, nowMs: () => Date.now() });
      const service = await startLiveService({
        store,
        conductor,
        clock,
        logger,
        port,
        host: o.host,
        run,
        silenceS,
        speed,
        fleet: fleetSize,
        dashboard: { graph, speed, ...(basemap ? { basemap } : {}) },
        ...(held ? { holdClock: { held: () => held.held, start: () => held.start() } } : {}),
        onFlush: () => store.setState(ENGINE_TIME_STATE, String(clock.nowS())),
      });
      // Cars bound from the store count as silent from now until they speak again.
      for (const v of known) service.built.ctx.telemetry.watch(v.id);
      logger.info({ url: service.url, run, store: store.kind, network: graph.meta.source, dispatcher: o.dispatcher, fleet: fleetSize, speed, ...service.resumed, vehiclesRebound: known.length, restoredPauses: service.restored.pausedAreas, restoredServiceArea: service.restored.serviceArea, restoredParameters: service.restored.dispatcherParameters }, 'baton serve: listening');
      const stop = async (signal: string) => {
        logger.info({ signal }, 'baton serve: stopping');
        await service.close();
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });

  const token = program.command('token').description('API keys for riders, vehicles and operators');
  token
    .command('create')
    .description('issue an API key (printed once; only its SHA-256 is stored)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--subject <id>', 'the rider id, vehicle id or operator name the key acts as')
    .option('--label <text>', 'a note to recognise the key by')
    .option('--data-dir <dir>', 'the service data directory', DEFAULT_DATA_DIR)
    .option('--db <url>', 'PostgreSQL store URL instead of the data directory')
    .option(JSON_FLAGS, jsonHelp('{tokenId, role, subject, apiKey}'))
    .action(async (o: { role: string; subject: string; label?: string; dataDir: string; db?: string; json?: JsonOption }) => {
      if (!(ROLES as readonly string[]).includes(o.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got "${o.role}"`);
      if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(o.subject)) throw new UsageError(`--subject must be 1–64 letters, digits or . _ : - (starting with a letter or digit), got "${o.subject}"`);
      if (!o.db) checkOutputFolder('--data-dir', o.dataDir);
      const store = await openStore({ dataDir: o.dataDir, db: o.db });
      try {
        const { token: t, apiKey } = await store.createToken({ role: o.role as Role, subject: o.subject, label: o.label });
        emitJson(o.json, { tokenId: t.id, role: t.role, subject: t.subject, apiKey }, { pretty: false });
        if (!jsonOnStdout(o.json)) process.stdout.write(`${apiKey}\n`);
        process.stderr.write(`token ${t.id}: ${t.role} ${t.subject} (store: ${store.kind}); the key is shown only now\n`);
      } finally {
        await store.close();
      }
    });
}
