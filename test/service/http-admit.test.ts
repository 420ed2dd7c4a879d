// The `pooled+admit` preset live (decision 0042): over a real socket, with the real engine, conductor, SQLite store and
// recorder, a ride no car can reach within 5 min is accepted (durable, 201) and then rejected within one batch with
// `no_car_in_time`, and the rider reads that reason; a ride the car can reach is assigned.
import { describe, expect, it } from 'vitest';
import { ENGINE_START_S, useEngineServer } from './engine-server.js';

const env = useEngineServer({ dispatcher: 'pooled+admit', fleet: 1 });
const { call, storedEvents, at } = env;

describe('pooled+admit, live', () => {
  it('a rider no car can reach within 5 min hears no_car_in_time at once; a rider it can reach gets the car', async () => {
    const placed = (await storedEvents()).find((e) => e.kind === 'VehiclePlaced' && e.vehicle === 0);
    expect(placed).toBeDefined();
    const carNode: number = placed.node;
    // The node farthest from the car (straight line) is several km away on the 8-km synthetic city: over 5 min of driving.
    const g = env.graph;
    const distance = (v: number) => Math.hypot(g.lat[v] - g.lat[carNode], (g.lon[v] - g.lon[carNode]) * Math.cos((g.lat[carNode] * Math.PI) / 180));
    let far = 0;
    for (let v = 1; v < g.nodeCount; v++) if (distance(v) > distance(far)) far = v;
    const near = g.head[g.firstOut[carNode]];
    const ride = (from: number, to: number) => ({ pickup: at(from), dropoff: at(to), riders: 1, acceptsSharing: false });

    const farRide = await call('POST', '/v1/rides', env.keys.rider, ride(far, carNode));
    expect(farRide.status, JSON.stringify(farRide.json)).toBe(201);
    const nearRide = await call('POST', '/v1/rides', env.keys.rider, ride(near, far));
    expect(nearRide.status, JSON.stringify(nearRide.json)).toBe(201);
    // One 10-s batch later.
    env.conductor.advance(ENGINE_START_S + 20);
    const log = await storedEvents();
    const rejected = log.filter((e) => e.kind === 'RequestRejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ reason: 'no_car_in_time' });
    const submittedAt = log.find((e) => e.kind === 'RequestSubmitted' && e.request === rejected[0].request).timeS;
    expect(rejected[0].timeS - submittedAt).toBeLessThanOrEqual(10);
    const farView = await call('GET', `/v1/rides/${farRide.json.rideId}`, env.keys.rider);
    expect(farView.json).toMatchObject({ status: 'rejected', reason: 'no_car_in_time' });
    const nearView = await call('GET', `/v1/rides/${nearRide.json.rideId}`, env.keys.rider);
    expect(['assigned', 'onboard']).toContain(nearView.json.status);
  });
});
