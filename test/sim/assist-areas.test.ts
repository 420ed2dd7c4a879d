// Remote assistance at a rate per area (core side): the engine weighs each metre by the rate of the node it is driven
// from (Movement.weightedLegM), so rates equal to the base rate change nothing, rate 0 everywhere means no request
// for help, and an area covering half the city draws about half the requests.
import { describe, expect, it } from 'vitest';
import { greedy } from '../../src/core/dispatch/greedy.js';
import { withServicing } from '../../src/core/dispatch/servicing.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { Engine } from '../../src/core/sim/engine.js';
import { eventsToNdjson } from '../../src/core/sim/events.js';
import { Movement } from '../../src/core/sim/movement.js';
import { DEFAULT_VEHICLE_SPEC, FleetState } from '../../src/core/sim/vehicle-state.js';
import { simulate } from '../../src/core/simulate.js';
import { randomRequests } from '../dispatch/conformance.js';
import { street } from '../street.js';

describe('the weighted leg', () => {
  it('counts each edge at the weight of the node it leaves, up to where the leg now ends', () => {
    const g = street('assist-areas', 5);
    const tt = new DijkstraTravelTimes(g);
    const fleet = new FleetState(1, DEFAULT_VEHICLE_SPEC);
    const m = new Movement(fleet, tt, g, true);
    fleet.node[0] = 0;
    m.beginLeg(0, 4, 0);
    const w = Float64Array.from([1, 0, 2, 10, 100]);
    // Edges 0→1, 1→2, 2→3 and 3→4, 500 m each, from nodes of weight 1, 0, 2 and 10.
    expect(m.weightedLegM(0, w)).toBe(500 * (1 + 0 + 2 + 10));
    // Cut at the next node after 90 s (node 2 is reached at 120 s): the leg ends at node 2.
    m.cutAtNextNode(0, 90);
    expect(fleet.legTarget[0]).toBe(2);
    expect(m.weightedLegM(0, w)).toBe(500 * (1 + 0));
    // Without paths: the whole leg at its start node's weight.
    const plain = new Movement(fleet, tt, g, false);
    fleet.node[0] = 2;
    plain.beginLeg(0, 4, 0);
    expect(plain.weightedLegM(0, w)).toBe(1000 * 2);
  });
});

describe('remote assistance with rates per area', () => {
  const { graph: city } = buildSyntheticCity({ seed: 3, widthM: 2400, heightM: 2400, blockM: 200 });
  const tt = new DijkstraTravelTimes(city);
  const requests = randomRequests(city, 400, 7200, 21);
  const run = (byNode?: Float64Array) =>
    simulate({
      graph: city,
      travelTimes: tt,
      requests,
      fleetSize: 25,
      assistance: { per1000Km: 100, operators: 50, serviceS: 60, ...(byNode ? { per1000KmByNode: byNode } : {}) },
      dispatcher: withServicing(greedy()),
      seed: 4,
    });
  const rates = (rate: (node: number) => number) => Float64Array.from({ length: city.nodeCount }, (_, u) => rate(u));

  it('with every node at the base rate, the run is the run without areas, byte for byte', () => {
    expect(eventsToNdjson(run(rates(() => 100)).events)).toBe(eventsToNdjson(run().events));
  });

  it('rate 0 everywhere: no car asks for help', () => {
    const { summary } = run(rates(() => 0));
    expect(summary.kpis.assists).toBe(0);
    expect(summary.kpis.vehicleKm).toBeGreaterThan(100);
  });

  it('an area over the west half draws about the west half of the requests, reproducibly', () => {
    let midLon = 0;
    for (let u = 0; u < city.nodeCount; u++) midLon += city.lon[u] / city.nodeCount;
    const west = rates((u) => (city.lon[u] < midLon ? 100 : 0));
    const all = run().summary.kpis.assists;
    const a = run(west);
    const k = a.summary.kpis;
    expect(all).toBeGreaterThan(50);
    // About half (each half of the grid carries about half the driving); ±4 sd of a Poisson count around all / 2.
    expect(Math.abs(k.assists - all / 2)).toBeLessThan(4 * Math.sqrt(all / 2));
    expect(eventsToNdjson(run(west).events)).toBe(eventsToNdjson(a.events));
    // Quadrupled everywhere: about four times the requests.
    const four = run(rates(() => 400)).summary.kpis.assists;
    expect(Math.abs(four - 4 * all)).toBeLessThan(4 * Math.sqrt(4 * all));
  });

  it('refuses rates that are not one per node, or negative', () => {
    const base = { graph: city, travelTimes: tt, fleetSize: 1, dispatcher: greedy(), seed: 1 };
    expect(() => new Engine({ ...base, assistance: { per1000Km: 5, operators: 1, serviceS: 60, per1000KmByNode: new Float64Array(3) } })).toThrow(
      /per1000KmByNode has 3 entries, the network \d+ nodes/,
    );
    expect(() => new Engine({ ...base, assistance: { per1000Km: 5, operators: 1, serviceS: 60, per1000KmByNode: rates((u) => (u === 7 ? -1 : 5)) } })).toThrow(
      /per1000KmByNode\[7\] -1 must be ≥ 0/,
    );
  });
});
