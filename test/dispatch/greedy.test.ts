// Greedy baseline: the shared conformance suite, plus exactness of its nearest-idle-car choice against brute force.
import { describe, expect, it } from 'vitest';
import { greedy, type GreedyOptions } from '../../src/core/dispatch/greedy.js';
import { eventsToNdjson } from '../../src/core/sim/events.js';
import { VehicleStatus, legTimeS, type Dispatcher } from '../../src/core/dispatch/types.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes, type SpeedProfile } from '../../src/core/network/travel-times.js';
import { simulate } from '../../src/core/simulate.js';
import { randomRequests, runDispatcherConformance } from './conformance.js';

runDispatcherConformance('greedy', () => greedy());
runDispatcherConformance('greedy (strict FIFO head)', () => greedy({ lookahead: 1 }));

/** Wraps greedy (composition) and checks each new request's car against a brute-force minimum over idle cars. */
function checkedGreedy(mismatches: string[], options: GreedyOptions = {}): Dispatcher {
  const inner = greedy(options);
  return {
    name: 'greedy-checked',
    decide(s, nowS) {
      const idle = new Set<number>();
      for (let v = 0; v < s.vehicleCount; v++) if (s.vehicleStatus[v] === VehicleStatus.idle) idle.add(v);
      const fresh = new Set(s.newRequests);
      const commands = inner.decide(s, nowS);
      for (const c of commands) {
        if (c.kind !== 'assign') continue;
        const r = c.stops[0].request;
        if (fresh.has(r)) {
          const p = s.requestPickupNode[r];
          let best = Infinity;
          for (const v of idle) best = Math.min(best, legTimeS(s.travelTimes, s.vehicleNode[v], p, nowS));
          const got = legTimeS(s.travelTimes, s.vehicleNode[c.vehicle], p, nowS);
          if (!idle.has(c.vehicle) || got !== best) mismatches.push(`t=${nowS} r=${r}: car ${c.vehicle} at ${got} s, best ${best} s`);
        }
        idle.delete(c.vehicle);
      }
      return commands;
    },
  };
}

describe('greedy specifics', () => {
  const { graph } = buildSyntheticCity({ seed: 4, widthM: 3000, heightM: 3000, blockM: 200 });

  it('gives each new request exactly the nearest idle car (free flow and a congested hour)', () => {
    const rush: SpeedProfile = { hourlyFactors: Array.from({ length: 24 }, (_, h) => (h === 0 ? 1.7 : 0.8)) };
    // Both ways of finding the car: the reverse sweep of the road graph (tableBelowIdle 0) and the table from the idle
    // cars' nodes (always).
    for (const tableBelowIdle of [0, Number.MAX_SAFE_INTEGER]) {
      for (const tt of [new DijkstraTravelTimes(graph), new DijkstraTravelTimes(graph, rush)]) {
        const mismatches: string[] = [];
        const requests = randomRequests(graph, 300, 7200, 21);
        simulate({ graph, travelTimes: tt, requests, fleetSize: 25, dispatcher: checkedGreedy(mismatches, { tableBelowIdle }), seed: 2 });
        expect(mismatches).toEqual([]);
      }
    }
  });

  it('the sweep and the few-idle-cars table make the same choices (identical event logs)', () => {
    const tt = new DijkstraTravelTimes(graph);
    const requests = randomRequests(graph, 600, 7200, 31);
    const log = (tableBelowIdle: number) =>
      eventsToNdjson(simulate({ graph, travelTimes: tt, requests, fleetSize: 40, dispatcher: greedy({ tableBelowIdle }), seed: 5 }).events);
    expect(log(0)).toBe(log(Number.MAX_SAFE_INTEGER));
    expect(log(16)).toBe(log(0));
  });

  it('rejects requests with more riders than seats and serves everyone with an ample fleet', () => {
    const tt = new DijkstraTravelTimes(graph);
    const requests = randomRequests(graph, 100, 3600, 22).map((t, i) => ({ ...t, riders: i === 7 ? 3 : 1 }));
    const { summary, events } = simulate({ graph, travelTimes: tt, requests, fleetSize: 100, dispatcher: greedy(), seed: 3 });
    expect(events.filter((e) => e.kind === 'RequestRejected').map((e) => e.kind === 'RequestRejected' && e.request)).toEqual([7]);
    expect(summary.kpis.served).toBe(99);
  });
});
