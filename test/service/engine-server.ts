// A real engine on the synthetic city (with charging sites), the real conductor, a SQLite store and the recorder
// behind the real HTTP server on a loopback port: for tests that check an operator action where it lands (the
// engine's state, the stored event log). One operator, one rider and one registered vehicle ("car-1") hold keys.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { RoadGraph } from '../../src/core/network/graph.js';
import type { TravelTimes } from '../../src/core/network/travel-times.js';
import { RoadSnapper } from '../../src/core/network/snap.js';
import type { DispatcherName } from '../../src/io/dispatcher-names.js';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { openSqliteStore } from '../../src/io/store/sqlite.js';
import type { SqlStore } from '../../src/io/store/sql-store.js';
import { createLiveEngine, EngineConductor } from '../../src/service/conductor.js';
import { Recorder } from '../../src/service/recorder.js';
import { buildServer, type BuiltServer } from '../../src/service/server.js';

export const ENGINE_START_S = 8 * 3600;

export interface EngineServer {
  dir: string;
  store: SqlStore;
  built: BuiltServer;
  url: string;
  graph: RoadGraph;
  travelTimes: TravelTimes;
  conductor: EngineConductor;
  recorder: Recorder;
  keys: { operator: string; rider: string; vehicle: string };
  /** One request over a real socket with a key (POST /v1/rides gets a fresh idempotency key). */
  call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** The stored event log (after a flush), parsed. */
  storedEvents(): Promise<any[]>;
  close(): Promise<void>;
}

export async function startEngineServer(o: { dispatcher: DispatcherName; fleet: number; maxWaitS?: number }): Promise<EngineServer> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-engine-server-'));
  const store = await openSqliteStore(join(dir, 'baton.sqlite'));
  const settings = parseSimSettings({ seed: 1, dispatcher: o.dispatcher, fleet: o.fleet, chargers: 'auto' });
  const runner = await openScenarioRunner(settings);
  const { graph, travelTimes } = runner.scenario.network;
  const engine = createLiveEngine({
    graph,
    travelTimes,
    fleetSize: o.fleet,
    dispatcher: await runner.dispatcher(o.dispatcher),
    seed: 1,
    startS: ENGINE_START_S,
    chargingSites: runner.chargingSites(o.fleet),
    invalidCommands: 'record',
    ...(o.maxWaitS === undefined ? {} : { maxWaitS: o.maxWaitS }),
  });
  const conductor = new EngineConductor({ engine, graph, travelTimes, snapper: new RoadSnapper(graph), seats: 2, pickupDwellS: 30, dispatcherName: o.dispatcher });
  const built = await buildServer({ store, conductor, logger: pino({ level: 'silent' }) });
  const recorder = new Recorder(store, conductor, 1);
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(built.app.server.address() as { port: number }).port}`;
  const keys = {
    operator: (await store.createToken({ role: 'operator', subject: 'ops-1' })).apiKey,
    rider: (await store.createToken({ role: 'rider', subject: 'rita' })).apiKey,
    vehicle: (await store.createToken({ role: 'vehicle', subject: 'car-1' })).apiKey,
  };
  let rideNo = 0;
  const call: EngineServer['call'] = async (method, path, token, body) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (path === '/v1/rides') headers['idempotency-key'] = `ride-${++rideNo}`;
    const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const registered = await call('POST', '/v1/vehicles/car-1/register', keys.vehicle, { seats: 2 });
  if (registered.status !== 200) throw new Error(`car-1 did not register: ${registered.status} ${JSON.stringify(registered.json)}`);
  conductor.advance(ENGINE_START_S);
  return {
    dir,
    store,
    built,
    url,
    graph,
    travelTimes,
    conductor,
    recorder,
    keys,
    call,
    async storedEvents() {
      await recorder.flush();
      const res = await fetch(`${url}/v1/operator/events`, { headers: { authorization: `Bearer ${keys.operator}` } });
      return (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    },
    async close() {
      await recorder.close();
      await built.app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The server of {@link useEngineServer}, filled in before the file's first test, with a node's coordinates. */
export type EngineServerFixture = EngineServer & { at(node: number): { lat: number; lon: number } };

/**
 * Starts one engine server for the calling test file (before its first test, closed after its last) and returns it:
 * its fields are there from the first test on.
 *
 * @example const env = useEngineServer({ dispatcher: 'greedy', fleet: 4 }); it('…', () => env.call('GET', '/v1/…', env.keys.operator));
 */
export function useEngineServer(o: Parameters<typeof startEngineServer>[0]): EngineServerFixture {
  let server: EngineServer | undefined;
  const env = {
    call: (...a: Parameters<EngineServer['call']>) => server!.call(...a),
    storedEvents: () => server!.storedEvents(),
    close: () => server!.close(),
    at: (node: number) => ({ lat: env.graph.lat[node], lon: env.graph.lon[node] }),
  } as EngineServerFixture;
  beforeAll(async () => {
    server = await startEngineServer(o);
    const { call, storedEvents, close, ...fields } = server;
    Object.assign(env, fields);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });
  return env;
}
