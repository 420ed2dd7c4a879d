// Dispatcher parameters changed while the engine runs (decision 0025): a new max wait holds for requests already
// waiting, pooling and rebalancing turned off take effect at the next decision, each change is one logged event, and
// the same inputs with the same change at the same second give the same log.
import { describe, expect, it } from 'vitest';
import { withCharging } from '../../src/core/dispatch/charging.js';
import { greedy } from '../../src/core/dispatch/greedy.js';
import { changeRefusal } from '../../src/core/dispatch/parameters.js';
import { pooled } from '../../src/core/dispatch/pooled.js';
import { withRebalancing, type Rebalancer } from '../../src/core/dispatch/rebalance.js';
import { keepRebalancingWhere } from '../../src/core/dispatch/rebalance-guard.js';
import { withServicing } from '../../src/core/dispatch/servicing.js';
import { VehicleStatus, type Dispatcher } from '../../src/core/dispatch/types.js';
import type { PlacedTrip } from '../../src/core/demand/placed-trip.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import type { RoadGraph } from '../../src/core/network/graph.js';
import { Engine } from '../../src/core/sim/engine.js';
import { eventsToNdjson, eventToJson, type SimEvent } from '../../src/core/sim/events.js';
import { packingBranchAndBound } from '../../src/core/solve/ilp.js';
import { loadHighsBinarySolver } from '../../src/io/highs-ilp.js';
import { randomRequests } from '../dispatch/conformance.js';
import { street, trip as streetTrip } from '../street.js';

const g = street('live-parameters', 5);
/** Never assigns: every request waits until the max wait gives it up. */
const idle: Dispatcher = { name: 'idle', decide: () => [] };

/** An engine over `dispatcher`; `changes` are applied between steps at the given seconds (runUntil(t - 1) first). */
function run(o: { graph: RoadGraph; dispatcher: Dispatcher; requests: PlacedTrip[]; fleet: number; maxWaitS?: number; depots?: number[]; changes?: [number, Parameters<Engine['tuneDispatcher']>[0]][] }): SimEvent[] {
  const engine = new Engine({ graph: o.graph, travelTimes: new DijkstraTravelTimes(o.graph), fleetSize: o.fleet, dispatcher: o.dispatcher, seed: 7, maxWaitS: o.maxWaitS ?? 600, ...(o.depots ? { depots: o.depots } : {}) });
  const events: SimEvent[] = [];
  engine.onEvent((ev) => events.push(ev));
  for (const t of o.requests) engine.submit(t);
  engine.closeRequests();
  for (const [atS, change] of o.changes ?? []) {
    engine.runUntil(atS - 1);
    engine.tuneDispatcher(change, 'ops-1');
  }
  engine.runUntil(Infinity);
  return events;
}

const of = (events: SimEvent[], kind: SimEvent['kind']) => events.filter((e) => e.kind === kind).map(eventToJson);

describe('max wait changed live', () => {
  const requests = [streetTrip(g, 'a', 0, 3, 4)];

  it('lowered: a request already waiting is given up at its new deadline, and the change is logged with every parameter', () => {
    const events = run({ graph: g, dispatcher: idle, requests, fleet: 1, depots: [0], changes: [[101, { maxWaitS: 120 }]] });
    expect(of(events, 'DispatcherParametersChanged')).toEqual(['{"kind":"DispatcherParametersChanged","timeS":101,"dispatcher":"idle","parameters":{"maxWaitS":120},"changed":["maxWaitS"],"by":"ops-1"}']);
    expect(of(events, 'RequestCancelled')).toEqual(['{"kind":"RequestCancelled","timeS":120,"request":0,"vehicle":-1,"reason":"max_wait"}']);
  });

  it('lowered below the time already waited: given up at once', () => {
    const events = run({ graph: g, dispatcher: idle, requests, fleet: 1, depots: [0], changes: [[300, { maxWaitS: 120 }]] });
    expect(of(events, 'RequestCancelled')).toEqual(['{"kind":"RequestCancelled","timeS":300,"request":0,"vehicle":-1,"reason":"max_wait"}']);
  });

  it('raised: the request waits past the old deadline, to the new one', () => {
    const events = run({ graph: g, dispatcher: idle, requests, fleet: 1, depots: [0], changes: [[101, { maxWaitS: 900 }]] });
    expect(of(events, 'RequestCancelled')).toEqual(['{"kind":"RequestCancelled","timeS":900,"request":0,"vehicle":-1,"reason":"max_wait"}']);
  });

  it('unchanged runs and runs with the same change at the same second give the same log; another second, another log', () => {
    const requests = randomRequests(g, 40, 1800, 3);
    const a = eventsToNdjson(run({ graph: g, dispatcher: greedy(), requests, fleet: 2, changes: [[600, { maxWaitS: 90 }]] }));
    const b = eventsToNdjson(run({ graph: g, dispatcher: greedy(), requests, fleet: 2, changes: [[600, { maxWaitS: 90 }]] }));
    const c = eventsToNdjson(run({ graph: g, dispatcher: greedy(), requests, fleet: 2, changes: [[900, { maxWaitS: 90 }]] }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    const plain = run({ graph: g, dispatcher: greedy(), requests, fleet: 2 });
    expect(plain.some((e) => e.kind === 'DispatcherParametersChanged')).toBe(false);
  });

  it('refuses a value out of range or a parameter the preset lacks, naming the field, and changes nothing', () => {
    const engine = new Engine({ graph: g, travelTimes: new DijkstraTravelTimes(g), fleetSize: 1, dispatcher: greedy(), seed: 1, maxWaitS: 600 });
    expect(() => engine.tuneDispatcher({ maxWaitS: 0 }, 'ops')).toThrow('maxWaitS: 0 is not an integer in 1..86400');
    expect(() => engine.tuneDispatcher({ maxWaitS: 90.5 }, 'ops')).toThrow(/maxWaitS: 90.5/);
    expect(() => engine.tuneDispatcher({ pooling: false }, 'ops')).toThrow('pooling: this dispatcher has no such parameter (it has maxWaitS)');
    expect(() => engine.tuneDispatcher({}, 'ops')).toThrow('give at least one parameter');
    expect(engine.dispatcherParameters()).toEqual({ maxWaitS: 600 });
  });
});

describe('preset parameters', () => {
  it('each policy of a preset offers its own, through every wrapper; charging thresholds only with charging sites', () => {
    const stub: Rebalancer = { name: 'rebalance', everyS: 60, plan: () => [], share: () => 0.5, setShare: () => undefined };
    const d = keepRebalancingWhere(withServicing(withCharging(withRebalancing(greedy(), stub), {})), () => true);
    expect(d.parameters!()).toEqual({ rebalancing: true, rebalanceShare: 0.5, chargeBelowShare: 0.3, chargeToShare: 0.8 });
    d.tune!({ chargeBelowShare: 0.2, rebalancing: false });
    expect(d.parameters!()).toMatchObject({ rebalancing: false, chargeBelowShare: 0.2 });
    // No charging sites: the engine leaves the thresholds out and refuses them.
    const engine = new Engine({ graph: g, travelTimes: new DijkstraTravelTimes(g), fleetSize: 1, dispatcher: d, seed: 1 });
    expect(engine.dispatcherParameters()).toEqual({ maxWaitS: 600, rebalancing: false, rebalanceShare: 0.5 });
    expect(() => engine.tuneDispatcher({ chargeToShare: 0.9 }, 'ops')).toThrow(/chargeToShare: this dispatcher has no such parameter/);
    expect(changeRefusal({ maxWaitS: 600, chargeBelowShare: 0.3, chargeToShare: 0.8 }, { chargeToShare: 0.25 })).toBe('chargeToShare: 0.25 must be above chargeBelowShare 0.3');
  });

  it('rebalancing turned off: no car is moved from the next decision on; a stub rebalancer moved them before', () => {
    // Every round, each idle car is sent to the far end of the street (node 4), then back to node 0.
    let target = 4;
    const stub: Rebalancer = {
      name: 'rebalance',
      everyS: 300,
      plan: (s, _nowS, taken) => {
        const out = [];
        for (let v = 0; v < s.vehicleCount; v++) if (!taken[v] && s.vehicleStatus[v] === VehicleStatus.idle && s.plan(v).length === 0 && s.vehicleNode[v] !== target) out.push({ kind: 'rebalance' as const, vehicle: v, node: target });
        target = target === 4 ? 0 : 4;
        return out;
      },
    };
    // The first request starts the periodic decisions; the late one keeps them going past the change.
    const requests = [streetTrip(g, 'first', 0, 1, 2), streetTrip(g, 'late', 3000, 1, 2)];
    const events = run({ graph: g, dispatcher: withRebalancing({ ...greedy(), periodS: 60, eventDriven: false }, stub), requests, fleet: 1, depots: [0], changes: [[1000, { rebalancing: false }]] });
    const moves = events.filter((e) => e.kind === 'VehicleRebalanced').map((e) => e.timeS);
    expect(moves.length).toBeGreaterThan(0);
    expect(moves.every((t) => t < 1000)).toBe(true);
  });
});

describe('pooling turned off live', async () => {
  const solver = packingBranchAndBound(await loadHighsBinarySolver());
  const { graph } = buildSyntheticCity({ seed: 3, widthM: 2400, heightM: 2400, blockM: 200 });
  const requests = randomRequests(graph, 400, 3600, 31).map((t) => ({ ...t, acceptsSharing: true, riders: 1 }));

  /** Per PickedUp: requests on board that car right after it, with the pickup second. */
  const aboardAtPickups = (events: SimEvent[]): [number, number][] => {
    const aboard = new Map<number, number>();
    const out: [number, number][] = [];
    for (const ev of events) {
      if (ev.kind === 'PickedUp') {
        aboard.set(ev.vehicle, (aboard.get(ev.vehicle) ?? 0) + 1);
        out.push([ev.timeS, aboard.get(ev.vehicle)!]);
      } else if (ev.kind === 'DroppedOff') aboard.set(ev.vehicle, aboard.get(ev.vehicle)! - 1);
    }
    return out;
  };

  it('shares before the change and never after it (riders already sharing finish their rides)', () => {
    const changeS = 1800;
    const events = run({ graph, dispatcher: pooled({ solver }), requests, fleet: 10, maxWaitS: 420, changes: [[changeS, { pooling: false }]] });
    expect(of(events, 'DispatcherParametersChanged')).toEqual([
      `{"kind":"DispatcherParametersChanged","timeS":${changeS},"dispatcher":"pooled","parameters":{"maxWaitS":420,"pooling":false,"minDetourS":180,"detourShare":0.5,"carTimeWeight":1,"admitOnTime":false,"scarceRideWeight":0},"changed":["pooling"],"by":"ops-1"}`,
    ]);
    const picks = aboardAtPickups(events);
    expect(picks.filter(([t, n]) => t < changeS && n === 2).length).toBeGreaterThan(0);
    expect(picks.filter(([t, n]) => t > changeS && n > 1)).toEqual([]);
    expect(picks.filter(([t]) => t > changeS).length).toBeGreaterThan(50);
  });
});
