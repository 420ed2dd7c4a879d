// Remote assistance through the live service (issue 12): a car reports over HTTP that it needs help; the real engine
// holds it until the operator pool has someone free, then for the service time, with its rider on board. The queue
// shows in the operator endpoint and /metrics, and the engine's assist events reach the stored event log. Real
// service (startLiveService), real engine (EngineConductor), real SQLite store, a clock moved by hand.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { greedy } from '../../src/core/dispatch/greedy.js';
import { withServicing } from '../../src/core/dispatch/servicing.js';
import { RoadSnapper } from '../../src/core/network/snap.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { ManualClock } from '../../src/core/sim/clock.js';
import { Engine } from '../../src/core/sim/engine.js';
import { openSqliteStore } from '../../src/io/store/sqlite.js';
import { EngineConductor } from '../../src/service/conductor.js';
import { startLiveService } from '../../src/service/live-service.js';
import { street } from '../street.js';
import { waitFor } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-assist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const g = street('live-assist');
const at = (node: number) => ({ lat: g.lat[node], lon: g.lon[node] });

describe('remote assistance in the live service', () => {
  it('a reported assist holds the car in the engine; queue in the operator API and /metrics; events in the stored log', async () => {
    const store = await openSqliteStore(join(dir, 'baton.sqlite'));
    const travelTimes = new DijkstraTravelTimes(g);
    const engine = new Engine({
      graph: g,
      travelTimes,
      fleetSize: 2,
      dispatcher: withServicing(greedy()),
      seed: 1,
      depots: [0, 4],
      invalidCommands: 'record',
      assistance: { per1000Km: 0, operators: 1, serviceS: 120 },
    });
    const conductor = new EngineConductor({ engine, graph: g, travelTimes, snapper: new RoadSnapper(g), seats: 2, pickupDwellS: 30, dispatcherName: 'greedy' });
    const clock = new ManualClock(0);
    const service = await startLiveService({ store, conductor, clock, logger: pino({ level: 'silent' }), port: 0, host: '127.0.0.1', run: 1, silenceS: 0, tickMs: 5, flushMs: 20 });
    const key = async (role: 'rider' | 'vehicle' | 'operator', subject: string) => (await store.createToken({ role, subject })).apiKey;
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const res = await fetch(service.url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(path === '/v1/rides' ? { 'idempotency-key': 'k1' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
    };
    /** Moves the clock and waits until the service's tick has advanced the engine through second s. */
    const advanceTo = async (s: number) => {
      clock.advanceTo(s);
      await waitFor(() => engine.nextOpenS > s);
    };
    try {
      const ops = await key('operator', 'ops');
      const carA = await key('vehicle', 'car-a');
      const carB = await key('vehicle', 'car-b');
      expect((await call('POST', '/v1/vehicles/car-a/register', carA, { seats: 2 })).status).toBe(200);
      expect((await call('POST', '/v1/vehicles/car-b/register', carB, { seats: 2 })).status).toBe(200);
      const ride = await call('POST', '/v1/rides', await key('rider', 'alice'), { pickup: at(1), dropoff: at(4), riders: 1, acceptsSharing: false });
      expect(ride.status, ride.text).toBe(201);
      await advanceTo(100);
      expect(conductor.ride(ride.json.rideId)).toMatchObject({ status: 'onboard', vehicleId: 'car-a' });

      // car-b (standing) is held at once and takes the one operator; car-a drives on to the next node and queues.
      expect((await call('POST', '/v1/vehicles/car-b/reports', carB, { kind: 'assist', description: 'door will not close' })).status).toBe(200);
      expect((await call('POST', '/v1/vehicles/car-a/reports', carA, { kind: 'assist', description: 'construction ahead' })).status).toBe(200);
      await advanceTo(160);
      const queue = await call('GET', '/v1/operator/assists', ops);
      expect(queue.json.assists).toEqual([
        expect.objectContaining({ vehicleId: 'car-b', description: 'door will not close', state: 'helping', onboard: 0 }),
        expect.objectContaining({ vehicleId: 'car-a', description: 'construction ahead', state: 'waiting', onboard: 1 }),
      ]);
      const fleet = await call('GET', '/v1/operator/fleet', ops);
      expect(fleet.json.vehicles.find((v: { vehicleId: string }) => v.vehicleId === 'car-a')).toMatchObject({ state: 'assisted', onboard: 1 });
      const metrics = (await fetch(`${service.url}/metrics`).then((r) => r.text())).split('\n');
      expect(metrics).toContain('baton_assist_queue_length 1');
      expect(metrics).toContain('baton_assist_operators{state="busy"} 1');
      expect(metrics).toContain('baton_assist_operators{state="free"} 0');
      expect(metrics).toContain('baton_vehicles{state="assisted"} 2');
      expect((await call('GET', `/v1/rides/${ride.json.rideId}`, await key('rider', 'alice'))).json).toMatchObject({ status: 'onboard' });

      await advanceTo(1000);
      await waitFor(() => conductor.ride(ride.json.rideId)?.status === 'completed');
      expect((await call('GET', '/v1/operator/assists', ops)).json.assists).toEqual([]);
      await service.recorder.flush();
      const stored = (await store.readEvents(1, 10_000)).map((e) => JSON.parse(e.json));
      expect(stored.filter((e) => e.kind.startsWith('Assist')).map((e) => `${e.kind} ${e.vehicle ?? ''}`.trim())).toEqual([
        'AssistanceOpened',
        'AssistRequested 1',
        'AssistStarted 1',
        'AssistRequested 0',
        'AssistEnded 1',
        'AssistStarted 0',
        'AssistEnded 0',
      ]);
      expect(stored.find((e) => e.kind === 'AssistRequested' && e.vehicle === 0)).toMatchObject({ onboard: 1 });
      expect(stored.filter((e) => e.kind === 'PickedUp')).toHaveLength(1);
      expect(stored.find((e) => e.kind === 'DroppedOff')).toMatchObject({ vehicle: 0 });
      expect((await store.getRide(ride.json.rideId))?.status).toBe('completed');
    } finally {
      await service.close();
      await store.close();
    }
  }, 60_000);
});
