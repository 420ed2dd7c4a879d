// The Store conformance suite: every store implementation runs these same cases against a real database.
import { describe, expect, it } from 'vitest';
import { eventsToNdjson, type SimEvent } from '../../src/core/sim/events.js';
import { MIGRATIONS } from '../../src/io/store/migrations.js';
import { exportEventsNdjson, type Store } from '../../src/io/store/store.js';

export interface StoreHarness {
  /** A new, empty database; `open` may be called again to reopen the same one after `close`. */
  fresh(): Promise<{ open(): Promise<Store> }>;
}

const sampleEvents: SimEvent[] = [
  { kind: 'VehiclePlaced', timeS: 0, vehicle: 0, node: 4, seats: 2 },
  { kind: 'RequestSubmitted', timeS: 5, request: 0, id: 'ride-1', pickupNode: 4, dropoffNode: 9, riders: 1, acceptsSharing: true },
  { kind: 'RequestAssigned', timeS: 5, request: 0, vehicle: 0, previousVehicle: -1 },
  { kind: 'VehicleArrived', timeS: 70, vehicle: 0, node: 9, distanceM: 1234.56789, energyKwh: 0.1234567891, onboard: 1, diverted: false },
  { kind: 'PickedUp', timeS: 40, request: 0, vehicle: 0, riders: 1, waitS: 35 },
  { kind: 'DroppedOff', timeS: 100, request: 0, vehicle: 0, riders: 1, rideS: 60 },
  { kind: 'RequestRejected', timeS: 101, request: 1, reason: 'no car "within" reach\nnewline' },
];

export function storeConformance(name: string, harness: StoreHarness): void {
  describe(`Store conformance: ${name}`, () => {
    it('migrates once; a second migrate applies nothing', async () => {
      const db = await harness.fresh();
      const s = await db.open();
      expect(await s.schemaVersion()).toBe(MIGRATIONS.length);
      expect(await s.migrate()).toBe(0);
      await s.close();
      const again = await db.open();
      expect(await again.migrate()).toBe(0);
      await again.close();
    });

    it('creates a ride once per (rider, idempotency key): retries return the same ride and write nothing', async () => {
      const s = await (await harness.fresh()).open();
      const payload = { pickup: { lat: 1, lon: 2 }, dropoff: { lat: 3, lon: 4 }, riders: 1 };
      const a = await s.createRideRequest('key-1', 'alice', payload);
      expect(a.created).toBe(true);
      expect(a.ride).toMatchObject({ riderId: 'alice', idempotencyKey: 'key-1', status: 'accepted', payload });
      const retry = await s.createRideRequest('key-1', 'alice', { riders: 1, dropoff: { lon: 4, lat: 3 }, pickup: { lon: 2, lat: 1 } });
      expect(retry.created).toBe(false);
      expect(retry.ride.id).toBe(a.ride.id);
      expect(retry.ride.payloadSha256).toBe(a.ride.payloadSha256); // same payload, other key order
      const other = await s.createRideRequest('key-1', 'bob', payload);
      expect(other.created).toBe(true);
      expect(other.ride.id).not.toBe(a.ride.id);
      expect(await s.countRides()).toBe(2);
      await s.close();
    });

    it('concurrent retries with one key make one ride', async () => {
      const s = await (await harness.fresh()).open();
      const results = await Promise.all(Array.from({ length: 25 }, () => s.createRideRequest('same', 'carol', { n: 1 })));
      expect(new Set(results.map((r) => r.ride.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await s.countRides()).toBe(1);
      await s.close();
    });

    it('many concurrent creates (committed together where the store groups commits) are all there after reopening', async () => {
      const db = await harness.fresh();
      const s = await db.open();
      const res = await Promise.all(Array.from({ length: 300 }, (_, i) => s.createRideRequest(`g${i % 250}`, 'gina', { i: i % 250 })));
      expect(res.filter((r) => r.created)).toHaveLength(250);
      for (let i = 250; i < 300; i++) expect(res[i].ride.id).toBe(res[i - 250].ride.id);
      await s.close();
      const again = await db.open();
      expect(await again.countRides()).toBe(250);
      expect((await again.getRide(res[123].ride.id))?.payload).toEqual({ i: 123 });
      await again.close();
    });

    it('a created ride is there after closing and reopening', async () => {
      const db = await harness.fresh();
      const s = await db.open();
      const { ride } = await s.createRideRequest('k', 'dave', { x: 'ü "quoted"' });
      await s.close();
      const s2 = await db.open();
      expect(await s2.getRide(ride.id)).toEqual(ride);
      await s2.close();
    });

    it('lists rides by rider and status, pages in creation order, and keeps open ones apart', async () => {
      const s = await (await harness.fresh()).open();
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push((await s.createRideRequest(`k${i}`, i % 2 ? 'odd' : 'even', { i }, { nowMs: 1000 + i })).ride.id);
      expect((await s.listRides({ riderId: 'odd' })).map((r) => r.id)).toEqual([ids[1], ids[3], ids[5]]);
      expect((await s.listRides({ limit: 2 })).map((r) => r.id)).toEqual([ids[0], ids[1]]);
      expect((await s.listRides({ afterId: ids[1], limit: 2 })).map((r) => r.id)).toEqual([ids[2], ids[3]]);
      await s.setRideStatuses(
        [
          { id: ids[0], status: 'completed' },
          { id: ids[2], status: 'rejected', reason: 'outside the service area' },
          { id: ids[3], status: 'assigned' },
        ],
        5000,
      );
      expect((await s.openRides()).map((r) => r.id)).toEqual([ids[1], ids[3], ids[4], ids[5]]);
      expect(await s.getRide(ids[2])).toMatchObject({ status: 'rejected', reason: 'outside the service area', updatedAtMs: 5000 });
      expect((await s.listRides({ status: 'assigned' })).map((r) => r.id)).toEqual([ids[3]]);
      expect(await s.getRide('no-such-ride')).toBeUndefined();
      // The car and pickup second of a ride on board (what a restart places back in the car); cleared when it ends.
      expect(await s.getRide(ids[4])).toMatchObject({ vehicleId: null, pickedUpS: null });
      await s.setRideStatuses([{ id: ids[4], status: 'onboard', vehicleId: 'car-7', pickedUpS: 30_125 }, { id: ids[5], status: 'assigned', vehicleId: 'car-8' }]);
      expect(await s.getRide(ids[4])).toMatchObject({ status: 'onboard', vehicleId: 'car-7', pickedUpS: 30_125 });
      expect(await s.getRide(ids[5])).toMatchObject({ status: 'assigned', vehicleId: 'car-8', pickedUpS: null });
      expect((await s.openRides()).find((r) => r.id === ids[4])).toMatchObject({ vehicleId: 'car-7', pickedUpS: 30_125 });
      await s.setRideStatuses([{ id: ids[4], status: 'completed' }]);
      expect(await s.getRide(ids[4])).toMatchObject({ status: 'completed', vehicleId: null, pickedUpS: null });
      await s.close();
    });

    it('appends events in order and exports them byte for byte as the simulator NDJSON', async () => {
      const db = await harness.fresh();
      const s = await db.open();
      expect(await s.lastEventSeq()).toBe(0);
      const r1 = await s.appendEvents(1, sampleEvents.slice(0, 3));
      const r2 = await s.appendEvents(1, sampleEvents.slice(3));
      expect(r1).toEqual({ firstSeq: 1, lastSeq: 3 });
      expect(r2).toEqual({ firstSeq: 4, lastSeq: sampleEvents.length });
      const rows = await s.readEvents(1);
      expect(rows.map((r) => r.seq)).toEqual(sampleEvents.map((_, i) => i + 1));
      expect(rows[3]).toMatchObject({ run: 1, timeS: 70, kind: 'VehicleArrived' });
      let text = '';
      await exportEventsNdjson(s, (c) => void (text += c), { pageSize: 2 });
      expect(text).toBe(eventsToNdjson(sampleEvents));
      expect((await s.readEvents(5, 1)).map((r) => r.seq)).toEqual([5]);
      await s.close();
      // Sequence numbers carry on after a reopen; runs tell the service starts apart.
      const s2 = await db.open();
      const r3 = await s2.appendEvents(2, [{ kind: 'VehicleIdle', timeS: 3, vehicle: 0, node: 1 }]);
      expect(r3.firstSeq).toBe(sampleEvents.length + 1);
      let run2 = '';
      await exportEventsNdjson(s2, (c) => void (run2 += c), { run: 2 });
      expect(run2).toBe('{"kind":"VehicleIdle","timeS":3,"vehicle":0,"node":1}\n');
      await s2.close();
    });

    it('concurrent appends get distinct, gapless sequence numbers in call order', async () => {
      const s = await (await harness.fresh()).open();
      const batches = Array.from({ length: 10 }, (_, b) => Array.from({ length: 1 + b * 150 }, (_, i): SimEvent => ({ kind: 'VehicleIdle', timeS: b, vehicle: i, node: 0 })));
      const res = await Promise.all(batches.map((b) => s.appendEvents(1, b)));
      let next = 1;
      for (let b = 0; b < batches.length; b++) {
        expect(res[b].firstSeq).toBe(next);
        next += batches[b].length;
      }
      const all = await s.readEvents(1, 100_000);
      expect(all).toHaveLength(next - 1);
      expect(all.map((e) => e.timeS)).toEqual(batches.flatMap((b, i) => b.map(() => i)));
      await s.close();
    });

    it('issues API keys that are found by key, never stored in plain text, and stop working when revoked', async () => {
      const s = await (await harness.fresh()).open();
      const { token, apiKey } = await s.createToken({ role: 'rider', subject: 'alice', label: 'phone' });
      expect(Buffer.from(apiKey.replace(/^baton_/, ''), 'base64url')).toHaveLength(32);
      expect(await s.findTokenByKey(apiKey)).toEqual(token);
      expect(await s.findTokenByKey(`${apiKey}x`)).toBeUndefined();
      expect(await s.findTokenByKey('')).toBeUndefined();
      const other = await s.createToken({ role: 'operator', subject: 'ops' });
      expect(other.apiKey).not.toBe(apiKey);
      expect(new Set((await s.listTokens()).map((t) => t.id))).toEqual(new Set([token.id, other.token.id]));
      expect(JSON.stringify(await s.listTokens())).not.toContain(apiKey);
      expect(await s.revokeToken(token.id)).toBe(true);
      expect(await s.revokeToken(token.id)).toBe(false);
      expect(await s.findTokenByKey(apiKey)).toBeUndefined();
      expect(await s.findTokenByKey(other.apiKey)).toMatchObject({ role: 'operator', subject: 'ops' });
      await s.close();
    });

    it('registers vehicles, keeps their service state on re-registration, and records sightings', async () => {
      const s = await (await harness.fresh()).open();
      const v = await s.registerVehicle({ id: 'car-1', seats: 2, nowMs: 10 });
      expect(v).toEqual({ id: 'car-1', seats: 2, registeredAtMs: 10, inService: true, outOfServiceReason: null, lastSeenAtMs: null, lat: null, lon: null, socPct: null });
      expect(await s.setVehicleInService('car-1', false, 'fault: tyre')).toBe(true);
      expect(await s.setVehicleInService('car-9', false, 'x')).toBe(false);
      const again = await s.registerVehicle({ id: 'car-1', seats: 4, nowMs: 20 });
      expect(again).toMatchObject({ seats: 4, registeredAtMs: 10, inService: false, outOfServiceReason: 'fault: tyre' });
      await s.registerVehicle({ id: 'car-0', seats: 2 });
      await s.recordSightings([
        { id: 'car-1', atMs: 99, lat: 37.1, lon: -122.4, socPct: 80.5 },
        { id: 'car-0', atMs: 98, lat: 37.2, lon: -122.3 },
      ]);
      const list = await s.listVehicles();
      expect(list.map((x) => x.id)).toEqual(['car-0', 'car-1']);
      expect(list[1]).toMatchObject({ lastSeenAtMs: 99, lat: 37.1, lon: -122.4, socPct: 80.5 });
      expect(list[0]).toMatchObject({ lastSeenAtMs: 98, socPct: null });
      expect(await s.setVehicleInService('car-1', true)).toBe(true);
      expect(await s.getVehicle('car-1')).toMatchObject({ inService: true, outOfServiceReason: null });
      await s.close();
    });

    it('keeps named state values', async () => {
      const s = await (await harness.fresh()).open();
      expect(await s.getState('run')).toBeUndefined();
      await s.setState('run', '1');
      await s.setState('run', '2');
      expect(await s.getState('run')).toBe('2');
      await s.close();
    });
  });
}
