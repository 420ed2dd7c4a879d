// Live dispatcher parameters (issue 12, decision 0025) over real sockets: a real engine on the synthetic city with the
// pooled preset and charging sites, the real conductor, a SQLite store and the recorder. A lowered max wait gives up a
// ride that was waiting; the change is in the stored event log and in the stored operator state; riders and cars are
// refused; bad bodies get a 400 that names the field.
import { describe, expect, it } from 'vitest';
import { loadOperatorState } from '../../src/service/operator-state.js';
import { ENGINE_START_S, useEngineServer } from './engine-server.js';

const START_S = ENGINE_START_S;
const env = useEngineServer({ dispatcher: 'pooled', fleet: 1, maxWaitS: 600 });
const { call, storedEvents, at } = env;

describe('live dispatcher parameters', () => {
  it('are shown to operators: the preset and every parameter it has (charging thresholds: the run has sites)', async () => {
    const r = await call('GET', '/v1/operator/dispatcher', env.keys.operator);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      preset: 'pooled',
      parameters: { maxWaitS: 600, pooling: true, minDetourS: 180, detourShare: 0.5, carTimeWeight: 1, admitOnTime: false, scarceRideWeight: 0, chargeBelowShare: 0.3, chargeToShare: 0.8 },
      changedBy: null,
      changedAtS: null,
    });
  });

  it('are refused to rider and vehicle tokens (403) and to no token (401)', async () => {
    for (const method of ['GET', 'PATCH']) {
      const body = method === 'PATCH' ? { maxWaitS: 60 } : undefined;
      for (const key of [env.keys.rider, env.keys.vehicle]) {
        const r = await call(method, '/v1/operator/dispatcher', key, body);
        expect(r.status, method).toBe(403);
        expect(r.json.error).toBe('forbidden');
      }
      expect((await fetch(`${env.url}/v1/operator/dispatcher`, { method })).status).toBe(401);
    }
    expect(env.conductor.dispatcher().parameters.maxWaitS).toBe(600);
  });

  it('refuse bad bodies with 400 and a reason that names the field, changing nothing', async () => {
    const bad: [unknown, RegExp][] = [
      [{}, /give at least one parameter/],
      [{ maxWaitS: 0 }, /maxWaitS: expected an integer in 1\.\.86400/],
      [{ maxWaitS: 86_401 }, /maxWaitS: expected an integer in 1\.\.86400/],
      [{ maxWaitS: 30.5 }, /maxWaitS: expected an integer/],
      [{ maxWaitS: '60' }, /maxWaitS: expected an integer/],
      [{ detourShare: -0.1 }, /detourShare: expected a number in \[0, 5\]/],
      [{ carTimeWeight: 11 }, /carTimeWeight: expected a number in \[0, 10\]/],
      [{ scarceRideWeight: -1 }, /scarceRideWeight: expected a number in \[0, 10\]/],
      [{ admitOnTime: 1 }, /admitOnTime/],
      [{ chargeBelowShare: 0 }, /chargeBelowShare: expected a number in \(0, 1\]/],
      [{ pooling: 'no' }, /pooling/],
      [{ speed: 3 }, /speed/],
    ];
    for (const [body, reason] of bad) {
      const r = await call('PATCH', '/v1/operator/dispatcher', env.keys.operator, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error).toBe('invalid_request');
      expect(r.json.reason, JSON.stringify(body)).toMatch(reason);
    }
    // Well-formed, but not for this preset or out of order: the conductor refuses, naming the field.
    const notHere = await call('PATCH', '/v1/operator/dispatcher', env.keys.operator, { rebalancing: false });
    expect(notHere.status).toBe(400);
    expect(notHere.json).toEqual({ error: 'invalid_parameter', reason: 'rebalancing: this dispatcher has no such parameter (it has maxWaitS, pooling, minDetourS, detourShare, carTimeWeight, admitOnTime, scarceRideWeight, chargeBelowShare, chargeToShare)' });
    const order = await call('PATCH', '/v1/operator/dispatcher', env.keys.operator, { chargeToShare: 0.25 });
    expect(order.status).toBe(400);
    expect(order.json.reason).toBe('chargeToShare: 0.25 must be above chargeBelowShare 0.3');
    expect(env.conductor.dispatcher().parameters).toMatchObject({ maxWaitS: 600, chargeToShare: 0.8 });
    expect((await storedEvents()).filter((e) => e.kind === 'DispatcherParametersChanged')).toEqual([]);
  });

  it('a lowered max wait gives up a ride that was waiting, with its reason; the change is logged and stored', async () => {
    // The only car is out of service: rides wait.
    expect((await call('POST', '/v1/operator/vehicles/car-1/out-of-service', env.keys.operator, { reason: 'test' })).status).toBe(200);
    const ride = await call('POST', '/v1/rides', env.keys.rider, { pickup: at(0), dropoff: at(env.graph.nodeCount - 1), riders: 1, acceptsSharing: true });
    expect(ride.status).toBe(201);
    env.conductor.advance(START_S + 120);
    expect((await call('GET', `/v1/rides/${ride.json.rideId}`, env.keys.rider)).json.status).toBe('accepted');

    const r = await call('PATCH', '/v1/operator/dispatcher', env.keys.operator, { maxWaitS: 60, pooling: false });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ preset: 'pooled', parameters: { maxWaitS: 60, pooling: false, minDetourS: 180 }, changedBy: 'ops-1' });
    expect(r.json.changedAtS).toBeGreaterThan(START_S);
    // At the next engine step: it has waited more than 60 s already.
    env.conductor.advance(START_S + 130);
    const after = (await call('GET', `/v1/rides/${ride.json.rideId}`, env.keys.rider)).json;
    expect(after).toMatchObject({ status: 'cancelled', reason: 'max_wait' });

    const log = await storedEvents();
    const changes = log.filter((e) => e.kind === 'DispatcherParametersChanged');
    expect(changes).toEqual([
      {
        kind: 'DispatcherParametersChanged',
        timeS: r.json.changedAtS,
        dispatcher: 'pooled',
        parameters: { maxWaitS: 60, pooling: false, minDetourS: 180, detourShare: 0.5, carTimeWeight: 1, admitOnTime: false, scarceRideWeight: 0, chargeBelowShare: 0.3, chargeToShare: 0.8 },
        changed: ['maxWaitS', 'pooling'],
        by: 'ops-1',
      },
    ]);
    const cancelled = log.find((e) => e.kind === 'RequestCancelled');
    expect(cancelled).toMatchObject({ reason: 'max_wait', timeS: r.json.changedAtS });
    // The operator state a restart puts back holds only what was changed, and who changed it.
    expect((await loadOperatorState(env.store))?.dispatcher).toEqual({ parameters: { maxWaitS: 60, pooling: false }, by: 'ops-1' });
    expect((await call('GET', '/v1/operator/dispatcher', env.keys.operator)).json.parameters.maxWaitS).toBe(60);
  });

  it('is in the OpenAPI document with its schemas', async () => {
    const doc = (await (await fetch(`${env.url}/openapi.json`)).json()) as any;
    const path = doc.paths['/v1/operator/dispatcher'];
    expect(Object.keys(path).sort()).toEqual(['get', 'patch']);
    expect(Object.keys(path.patch.requestBody.content['application/json'].schema.properties)).toEqual(['maxWaitS', 'pooling', 'minDetourS', 'detourShare', 'carTimeWeight', 'admitOnTime', 'scarceRideWeight', 'rebalancing', 'rebalanceShare', 'chargeBelowShare', 'chargeToShare']);
    expect(path.patch.requestBody.content['application/json'].schema.properties.maxWaitS).toMatchObject({ type: 'integer', minimum: 1, maximum: 86400 });
  });
});

