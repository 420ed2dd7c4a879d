// Engine command handling with a scripted dispatcher: reassignment with divert-at-next-node, validation, rebalancing.
import { describe, expect, it } from 'vitest';
import { dropoff, pickup, type Command, type Dispatcher } from '../../src/core/dispatch/types.js';
import { street, trip as streetTrip } from '../street.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { InvalidCommandError } from '../../src/core/sim/engine.js';
import { simulate } from '../../src/core/simulate.js';
import { TimerQueue, Phase } from '../../src/core/sim/event-queue.js';
import { eventToJson, type SimEvent } from '../../src/core/sim/events.js';

const g = street('engine-test');
const trip = (id: string, requestS: number, pickupNode: number, dropoffNode: number, riders = 1) => streetTrip(g, id, requestS, pickupNode, dropoffNode, riders);

/** Plays back a fixed script: commands by decision time (called every 10 s). */
function scripted(script: Record<number, Command[]>): Dispatcher {
  return { name: 'scripted', periodS: 10, decide: (_s, nowS) => script[nowS] ?? [] };
}

// 'late' (never assigned) keeps the periodic dispatcher running past t=220.
const requests = [trip('a', 0, 3, 4), trip('big', 0, 1, 2, 3), trip('late', 1000, 0, 1)];
const run = (script: Record<number, Command[]>, invalidCommands: 'throw' | 'record' = 'record') =>
  simulate({ graph: g, travelTimes: new DijkstraTravelTimes(g), requests, fleetSize: 2, depots: [0, 4], dispatcher: scripted(script), seed: 1, maxWaitS: 600, invalidCommands });
const brief = (evs: SimEvent[], kinds: SimEvent['kind'][]) => evs.filter((e) => kinds.includes(e.kind)).map(eventToJson);

describe('engine commands', () => {
  // t=0: r0 (3→4) to car 0 at node 0: path 0-1-2-3, node times 60/120/180.
  // t=70: r0 moves to car 1 (at node 4). Car 0, between nodes 1 and 2, finishes that edge and stops at node 2 at 120
  //       having driven 1000 m; car 1 departs at 70, reaches node 3 at 130 (wait 130), drops off at 4 at 220.
  // t=230: car 0 (idle at 2) rebalances to node 0: arrives at 350.
  const script: Record<number, Command[]> = {
    0: [{ kind: 'assign', vehicle: 0, stops: [pickup(0), dropoff(0)] }, { kind: 'reject', request: 1, reason: 'too big' }],
    70: [{ kind: 'assign', vehicle: 1, stops: [pickup(0), dropoff(0)] }],
    230: [{ kind: 'rebalance', vehicle: 0, node: 0 }],
  };

  it('reassigns a not-yet-picked-up request and diverts the losing car at its next node', () => {
    const { events } = run(script);
    expect(brief(events, ['RequestAssigned', 'PickedUp', 'DroppedOff', 'RequestRejected'])).toEqual([
      '{"kind":"RequestAssigned","timeS":0,"request":0,"vehicle":0,"previousVehicle":-1}',
      '{"kind":"RequestRejected","timeS":0,"request":1,"reason":"too big"}',
      '{"kind":"RequestAssigned","timeS":70,"request":0,"vehicle":1,"previousVehicle":0}',
      '{"kind":"PickedUp","timeS":130,"request":0,"vehicle":1,"riders":1,"waitS":130}',
      '{"kind":"DroppedOff","timeS":220,"request":0,"vehicle":1,"riders":1,"rideS":90}',
    ]);
    const car0 = events.filter((e) => (e.kind === 'VehicleArrived' || e.kind === 'VehicleIdle') && e.vehicle === 0).map(eventToJson);
    expect(car0).toEqual([
      '{"kind":"VehicleArrived","timeS":120,"vehicle":0,"node":2,"distanceM":1000,"energyKwh":0.15,"onboard":0,"diverted":true}',
      '{"kind":"VehicleIdle","timeS":120,"vehicle":0,"node":2}',
      '{"kind":"VehicleArrived","timeS":350,"vehicle":0,"node":0,"distanceM":1000,"energyKwh":0.15,"onboard":0,"diverted":false}',
      '{"kind":"VehicleIdle","timeS":350,"vehicle":0,"node":0}',
    ]);
  });

  it('records every invalid command with a clear reason and ignores it', () => {
    const bad: Record<number, Command[]> = {
      ...script,
      0: [
        { kind: 'assign', vehicle: 9, stops: [] },
        { kind: 'assign', vehicle: 0, stops: [pickup(0)] },
        { kind: 'assign', vehicle: 0, stops: [dropoff(0), pickup(0)] },
        { kind: 'assign', vehicle: 0, stops: [pickup(1), dropoff(1)] },
        { kind: 'reject', request: 42 },
        ...script[0],
      ],
      140: [{ kind: 'assign', vehicle: 1, stops: [] }, { kind: 'rebalance', vehicle: 1, node: 0 }, { kind: 'reject', request: 0 }],
      240: [{ kind: 'assign', vehicle: 1, stops: [pickup(0), dropoff(0)] }],
    };
    const { events } = run(bad);
    expect(events.filter((e) => e.kind === 'CommandInvalid').map((e) => e.kind === 'CommandInvalid' && `${e.timeS}: ${e.reason}`)).toEqual([
      '0: vehicle 9 does not exist (fleet of 2)',
      '0: request 0 is picked up but never dropped off',
      '0: stops[0]: request 0 is dropped off before its pickup',
      '0: stops[0]: 3 riders on board exceed 2 seats',
      '0: request 42 does not exist',
      '140: request 0 is on board and must keep its drop-off',
      '140: vehicle 1 has a plan of 1 stops; only a vehicle without stops can rebalance',
      '140: request 0 cannot be rejected in state onboard',
      '240: stops[0]: request 0 was already served',
    ]);
    // The valid commands still did exactly what they did without the invalid ones.
    expect(brief(events, ['PickedUp', 'DroppedOff'])).toEqual(brief(run(script).events, ['PickedUp', 'DroppedOff']));
  });

  it('throws InvalidCommandError by default', () => {
    expect(() => run({ 0: [{ kind: 'assign', vehicle: 0, stops: [pickup(1), dropoff(1)] }] }, 'throw')).toThrow(InvalidCommandError);
  });

  it('cancels an assigned request at exactly maxWait and frees its car', () => {
    const { events } = simulate({
      graph: g, travelTimes: new DijkstraTravelTimes(g), requests: [trip('far', 0, 4, 3)], fleetSize: 1, depots: [0],
      dispatcher: scripted({ 0: [{ kind: 'assign', vehicle: 0, stops: [pickup(0), dropoff(0)] }] }), seed: 1, maxWaitS: 100,
    });
    // Car at 0 needs 240 s to node 4; at t=100 the request cancels; the car (between 1 and 2) stops at node 2 at 120.
    expect(brief(events, ['RequestCancelled', 'VehicleIdle']).slice(-2)).toEqual([
      '{"kind":"RequestCancelled","timeS":100,"request":0,"vehicle":0,"reason":"max_wait"}',
      '{"kind":"VehicleIdle","timeS":120,"vehicle":0,"node":2}',
    ]);
  });
});

describe('TimerQueue', () => {
  it('orders by time, then phase, then insertion', () => {
    const q = new TimerQueue(2);
    const input: [number, Phase, number][] = [[5, Phase.dispatch, 0], [5, Phase.dropoff, 1], [3, Phase.cancel, 2], [5, Phase.dropoff, 3], [4, Phase.pickup, 4], [3, Phase.cancel, 5]];
    for (const [t, p, id] of input) q.push(t, p, 0, id, 0);
    const out: number[] = [];
    while (q.length > 0) {
      out.push(q.peekSubject());
      q.pop();
    }
    expect(out).toEqual([2, 5, 4, 1, 3, 0]);
  });
});
