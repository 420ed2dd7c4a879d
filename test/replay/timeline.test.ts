// Replay timeline, frame sampler, vehicle plans and the bundle: a hand-made log worked out by hand, then whole
// simulated days checked against the events themselves.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KpiAccumulator } from '../../src/core/metrics/kpis.js';
import { decodeReplayScene, encodeReplayScene, type ReplayScene } from '../../src/core/replay/bundle.js';
import { FrameSampler } from '../../src/core/replay/frame.js';
import { roadLayer } from '../../src/core/replay/road-layer.js';
import { Activity, KPI_SAMPLE_FIELDS, NEVER_S, ReplayTimelineBuilder, RequestOutcome, type ReplayTimeline } from '../../src/core/replay/timeline.js';
import { vehiclePlanAt } from '../../src/core/replay/vehicle-plan.js';
import { eventToJson, type SimEvent } from '../../src/core/sim/events.js';
import { GraphBuilder, RoadClass } from '../../src/core/network/graph.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { generateSyntheticDemand } from '../../src/core/demand/synthetic-demand.js';
import { simulate } from '../../src/core/simulate.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { batch } from '../../src/core/dispatch/batch.js';
import { greedy } from '../../src/core/dispatch/greedy.js';

const sub = (timeS: number, request: number, pickupNode: number, dropoffNode: number, riders = 1): SimEvent => ({
  kind: 'RequestSubmitted', timeS, request, id: `r${request}`, pickupNode, dropoffNode, riders, acceptsSharing: false,
});
const arrived = (timeS: number, vehicle: number, node: number, onboard: number, diverted = false): SimEvent => ({
  kind: 'VehicleArrived', timeS, vehicle, node, distanceM: 100, energyKwh: 0.015, onboard, diverted,
});

// v0 serves r0: drives 0→2 (10–40), picks up, dwells, drives 2→3 with the rider (70–130), drops off, idle at 160.
// v1 rebalances 1→4 (20–80) but is diverted at node 5 at 50 to fetch r1 (two riders) at node 6 (50–90).
// r2 is never assigned and gives up at 80; r3 is still waiting when the log ends.
const log: SimEvent[] = [
  { kind: 'VehiclePlaced', timeS: 0, vehicle: 0, node: 0, seats: 2 },
  { kind: 'VehiclePlaced', timeS: 0, vehicle: 1, node: 1, seats: 2 },
  sub(10, 0, 2, 3),
  { kind: 'RequestAssigned', timeS: 10, request: 0, vehicle: 0, previousVehicle: -1 },
  { kind: 'VehicleDeparted', timeS: 10, vehicle: 0, fromNode: 0, toNode: 2, arriveS: 40, onboard: 0, purpose: 'stop' },
  { kind: 'VehicleRebalanced', timeS: 20, vehicle: 1, fromNode: 1, toNode: 4 },
  { kind: 'VehicleDeparted', timeS: 20, vehicle: 1, fromNode: 1, toNode: 4, arriveS: 80, onboard: 0, purpose: 'rebalance' },
  arrived(40, 0, 2, 0),
  { kind: 'PickedUp', timeS: 40, request: 0, vehicle: 0, riders: 1, waitS: 30 },
  sub(45, 1, 6, 7, 2),
  { kind: 'RequestAssigned', timeS: 45, request: 1, vehicle: 1, previousVehicle: -1 },
  arrived(50, 1, 5, 0, true),
  { kind: 'VehicleDeparted', timeS: 50, vehicle: 1, fromNode: 5, toNode: 6, arriveS: 90, onboard: 0, purpose: 'stop' },
  sub(60, 2, 4, 5),
  { kind: 'VehicleDeparted', timeS: 70, vehicle: 0, fromNode: 2, toNode: 3, arriveS: 130, onboard: 1, purpose: 'stop' },
  { kind: 'RequestCancelled', timeS: 80, request: 2, vehicle: -1, reason: 'max_wait' },
  sub(85, 3, 1, 2),
  arrived(90, 1, 6, 0),
  { kind: 'PickedUp', timeS: 90, request: 1, vehicle: 1, riders: 2, waitS: 45 },
  arrived(130, 0, 3, 1),
  { kind: 'DroppedOff', timeS: 130, request: 0, vehicle: 0, riders: 1, rideS: 90 },
  { kind: 'VehicleIdle', timeS: 160, vehicle: 0, node: 3 },
];

/** Node i at lon 8 + i/100, lat 47 + i/1000: positions interpolate visibly in both coordinates. */
const nodes = { nodeLon: Float64Array.from({ length: 8 }, (_, i) => 8 + i / 100), nodeLat: Float64Array.from({ length: 8 }, (_, i) => 47 + i / 1000) };
const at = (node: number, other = node, f = 0): [number, number] => [
  nodes.nodeLon[node] + f * (nodes.nodeLon[other] - nodes.nodeLon[node]),
  nodes.nodeLat[node] + f * (nodes.nodeLat[other] - nodes.nodeLat[node]),
];

function fold(events: readonly SimEvent[], kpiStepS = 60): ReplayTimeline {
  const b = new ReplayTimelineBuilder({ kpiStepS });
  for (const ev of events) b.add(ev);
  return b.result();
}

const keysOf = (tl: ReplayTimeline, v: number) =>
  Array.from({ length: tl.keyFirst[v + 1] - tl.keyFirst[v] }, (_, i) => {
    const k = tl.keyFirst[v] + i;
    return [tl.keyS[k], tl.keyFromNode[k], tl.keyToNode[k], tl.keyDepartS[k], tl.keyArriveS[k], tl.keyActivity[k]];
  });

describe('ReplayTimelineBuilder on a hand-made log', () => {
  const tl = fold(log);

  it('keeps one keyframe per state a vehicle is in, a same-second change replacing the one before', () => {
    const { idle, toPickup, occupied1, occupied2, rebalancing } = Activity;
    expect(keysOf(tl, 0)).toEqual([
      [0, 0, 0, 0, 0, idle],
      [10, 0, 2, 10, 40, toPickup],
      [40, 2, 2, 40, 40, occupied1], // arrival and pickup in the same second: one keyframe
      [70, 2, 3, 70, 130, occupied1],
      [130, 3, 3, 130, 130, occupied1], // the drop-off dwell still shows occupied
      [160, 3, 3, 160, 160, idle],
    ]);
    expect(keysOf(tl, 1)).toEqual([
      [0, 1, 1, 0, 0, idle],
      [20, 1, 5, 20, 50, rebalancing], // diverted: the drawn leg ends where and when it really ended
      [50, 5, 6, 50, 90, toPickup],
      [90, 6, 6, 90, 90, occupied2],
    ]);
    expect([tl.startS, tl.endS, tl.vehicleCount, Array.from(tl.placedS)]).toEqual([0, 160, 2, [0, 0]]);
  });

  it('records each request: waiting interval, outcome, vehicle', () => {
    expect(Array.from(tl.requestSubmitS)).toEqual([10, 45, 60, 85]);
    expect(Array.from(tl.requestEndWaitS)).toEqual([40, 90, 80, NEVER_S]);
    expect(Array.from(tl.requestOutcome)).toEqual([RequestOutcome.served, RequestOutcome.onboard, RequestOutcome.cancelled, RequestOutcome.waiting]);
    expect(Array.from(tl.requestVehicle)).toEqual([0, 1, -1, -1]);
    expect(Array.from(tl.requestPickupS)).toEqual([40, 90, -1, -1]);
    expect(Array.from(tl.requestDropoffS)).toEqual([130, -1, -1, -1]);
    expect(tl.longestWaitS).toBe(45);
  });

  it('samples the KPIs each step as KpiAccumulator.resultAt gives them for the events so far', () => {
    // Samples at 0, 60, 120 and 180: the last one at or after the last event.
    expect([tl.kpiStartS, tl.kpiStepS, tl.kpiSamples.requests.length]).toEqual([0, 60, 4]);
    const acc = new KpiAccumulator();
    let i = 0;
    for (const sampleS of [0, 60, 120, 180]) {
      while (i < log.length && log[i].timeS <= sampleS) acc.add(log[i++]);
      const k = acc.resultAt(sampleS);
      for (const f of KPI_SAMPLE_FIELDS) expect(tl.kpiSamples[f][sampleS / 60], `${f} at ${sampleS}`).toEqual(k[f]);
    }
  });

  it('rejects a log out of time order, and events for vehicles or requests it never introduced', () => {
    expect(() => fold([log[0], log[1], log[2], { ...log[3], timeS: 5 }])).toThrow(/out of order: RequestAssigned at 5 s/);
    expect(() => fold([log[0], { kind: 'VehicleIdle', timeS: 3, vehicle: 9, node: 0 }])).toThrow(/vehicle 9, which was never placed/);
    expect(() => fold([log[0], { kind: 'PickedUp', timeS: 3, request: 4, vehicle: 0, riders: 1, waitS: 0 }])).toThrow(/request 4, which was never submitted/);
  });
});

describe('FrameSampler', () => {
  const tl = fold(log);

  it('puts each car on the straight line of its leg, and stops it where the leg ends', () => {
    const f = new FrameSampler(tl, nodes);
    const expectAt = (v: number, t: number, p: [number, number]) => {
      const got = f.vehiclePosition(v, t)!;
      expect(got[0], `v${v} lon at ${t}`).toBeCloseTo(p[0], 9);
      expect(got[1], `v${v} lat at ${t}`).toBeCloseTo(p[1], 9);
    };
    expectAt(0, 5, at(0));
    expectAt(0, 25, at(0, 2, 0.5));
    expectAt(0, 55, at(2));
    expectAt(0, 100, at(2, 3, 0.5));
    expectAt(0, 500, at(3));
    expectAt(1, 35, at(1, 5, 0.5)); // on the diverted leg: towards node 5, where it really went
    expectAt(1, 70, at(5, 6, 0.5));
    expectAt(0, 25, at(0, 2, 0.5)); // backwards after forwards (cursor moves back)
  });

  it('counts cars per activity and the riders waiting at each moment, with their waits', () => {
    const f = new FrameSampler(tl, nodes);
    const state = (t: number) => {
      f.sampleAt(t);
      const riders = Array.from(f.riderRequest.subarray(0, f.riderCount)).map((r, i) => [r, f.riderWaitS[i]]);
      return { cars: f.carCount, activities: Array.from(f.activityCounts), riders };
    };
    expect(state(0)).toEqual({ cars: 2, activities: [2, 0, 0, 0, 0, 0, 0, 0, 0], riders: [] });
    expect(state(30)).toEqual({ cars: 2, activities: [0, 1, 0, 0, 1, 0, 0, 0, 0], riders: [[0, 20]] });
    expect(state(70)).toEqual({ cars: 2, activities: [0, 1, 1, 0, 0, 0, 0, 0, 0], riders: [[1, 25], [2, 10]] });
    expect(state(85)).toEqual({ cars: 2, activities: [0, 1, 1, 0, 0, 0, 0, 0, 0], riders: [[1, 40], [3, 0]] });
    expect(state(200)).toEqual({ cars: 2, activities: [1, 0, 0, 1, 0, 0, 0, 0, 0], riders: [[3, 115]] });
    expect(Array.from(f.carVehicle.subarray(0, 2))).toEqual([0, 1]);
  });

  it('shows a car as charging from the moment it is sent until it frees up idle: drive, plug queue, charge', () => {
    const charging = fold([
      { kind: 'VehiclePlaced', timeS: 0, vehicle: 0, node: 0, seats: 2 },
      { kind: 'ChargingSiteOpened', timeS: 0, site: 0, node: 4, plugs: 1, powerKw: 50 },
      { kind: 'VehicleSentToCharge', timeS: 100, vehicle: 0, site: 0, socKwh: 5, targetSocKwh: 20 },
      { kind: 'VehicleDeparted', timeS: 100, vehicle: 0, fromNode: 0, toNode: 4, arriveS: 160, onboard: 0, purpose: 'charge' },
      arrived(160, 0, 4, 0),
      { kind: 'ChargingStarted', timeS: 200, vehicle: 0, site: 0, socKwh: 5, waitedS: 40 },
      { kind: 'ChargingEnded', timeS: 1300, vehicle: 0, site: 0, socKwh: 20, energyKwh: 15, chargedS: 1100, waitedS: 40 },
      { kind: 'VehicleIdle', timeS: 1300, vehicle: 0, node: 4 },
    ]);
    const f = new FrameSampler(charging, nodes);
    const activityAt = (t: number) => {
      f.sampleAt(t);
      return Array.from(f.activityCounts).findIndex((n) => n === 1);
    };
    expect([50, 130, 180, 700, 1400].map(activityAt)).toEqual([Activity.idle, Activity.charging, Activity.charging, Activity.charging, Activity.idle]);
    expect(f.vehiclePosition(0, 700)).toEqual(at(4));
  });

  it('shows no car before it is placed', () => {
    const late = fold([log[0], { kind: 'VehiclePlaced', timeS: 100, vehicle: 1, node: 4, seats: 2 }, { kind: 'VehicleIdle', timeS: 200, vehicle: 0, node: 0 }]);
    const f = new FrameSampler(late, nodes);
    f.sampleAt(50);
    expect([f.carCount, f.carVehicle[0], f.vehiclePosition(1, 50)]).toEqual([1, 0, undefined]);
    f.sampleAt(100);
    expect(f.carCount).toBe(2);
  });
});

describe('vehiclePlanAt', () => {
  const tl = fold(log);
  const requests = { pickupNode: (r: number) => tl.requestPickupNode[r], dropoffNode: (r: number) => tl.requestDropoffNode[r] };
  const mine = (v: number) => log.filter((ev) => ('vehicle' in ev && ev.vehicle === v) || ('previousVehicle' in ev && ev.previousVehicle === v));

  it('lists the stops still to make, marking the one the current leg drives to', () => {
    expect(vehiclePlanAt(0, mine(0), requests, 20)).toEqual({
      vehicle: 0,
      onboard: 0,
      leg: { fromNode: 0, toNode: 2, departS: 10, arriveS: 40, purpose: 'stop' },
      stops: [
        { request: 0, kind: 'pickup', node: 2, next: true },
        { request: 0, kind: 'dropoff', node: 3, next: false },
      ],
    });
    expect(vehiclePlanAt(0, mine(0), requests, 100)).toMatchObject({ onboard: 1, stops: [{ request: 0, kind: 'dropoff', node: 3, next: true }] });
    expect(vehiclePlanAt(0, mine(0), requests, 160)).toEqual({ vehicle: 0, onboard: 0, stops: [] });
    expect(vehiclePlanAt(1, mine(1), requests, 30)).toMatchObject({ leg: { purpose: 'rebalance' }, stops: [] });
  });

  it('drops a request reassigned to another vehicle or taken off the plan', () => {
    const events: SimEvent[] = [
      { kind: 'RequestAssigned', timeS: 1, request: 0, vehicle: 0, previousVehicle: -1 },
      { kind: 'RequestAssigned', timeS: 1, request: 1, vehicle: 0, previousVehicle: -1 },
      { kind: 'RequestAssigned', timeS: 5, request: 0, vehicle: 1, previousVehicle: 0 },
      { kind: 'RequestUnassigned', timeS: 6, request: 1, previousVehicle: 0 },
    ];
    expect(vehiclePlanAt(0, events, requests, 4).stops.map((s) => [s.request, s.kind])).toEqual([[0, 'pickup'], [1, 'pickup'], [0, 'dropoff'], [1, 'dropoff']]);
    expect(vehiclePlanAt(0, events, requests, 5).stops.map((s) => s.request)).toEqual([1, 1]);
    expect(vehiclePlanAt(0, events, requests, 6).stops).toEqual([]);
  });
});

describe('replay bundle', () => {
  it('round-trips a scene: arrays, series and the NaN of a mean wait before any pickup', () => {
    const b = new GraphBuilder();
    for (let i = 0; i < 8; i++) b.addNode(i, nodes.nodeLat[i], nodes.nodeLon[i]);
    for (let i = 0; i + 1 < 8; i++) {
      b.addEdge({ from: i, to: i + 1, lengthM: 100, timeMs: 10_000, roadClass: RoadClass.residential });
      b.addEdge({ from: i + 1, to: i, lengthM: 100, timeMs: 10_000, roadClass: RoadClass.residential });
    }
    const { graph } = b.build({ source: 'line', attribution: 'test data' });
    const tl = fold(log);
    const scene: ReplayScene = {
      log: { name: 'log.ndjson', events: log.length },
      network: { source: 'line', attribution: 'test data', bbox: graph.meta.bbox, nodeLon: Float32Array.from(graph.lon), nodeLat: Float32Array.from(graph.lat), roads: roadLayer(graph) },
      timeline: tl,
    };
    const bytes = encodeReplayScene(scene);
    expect(bytes.length % 8).toBe(0);
    const back = decodeReplayScene(bytes.slice().buffer);
    expect(back.log).toEqual(scene.log);
    expect(back.network.roads.segmentCount).toBe(7); // a two-way street drawn once per block
    expect(back.timeline.kpiSamples.waitMeanS[0]).toBeNaN();
    expect(back.timeline.kpis).toEqual(tl.kpis);
    expect({ ...back.timeline }).toEqual({ ...tl });
    expect(() => decodeReplayScene(new Uint8Array(16).buffer)).toThrow(/not a Baton replay bundle/);
  });

  it('cuts edges into their shape pieces, one-way streets kept', () => {
    const b = new GraphBuilder();
    b.addNode(0, 47, 8);
    b.addNode(1, 47, 8.01);
    b.addEdge({ from: 0, to: 1, lengthM: 800, timeMs: 60_000, roadClass: RoadClass.primary, shapeLat: [47.001, 47.002], shapeLon: [8.003, 8.006] });
    b.addEdge({ from: 1, to: 0, lengthM: 760, timeMs: 60_000, roadClass: RoadClass.residential });
    const layer = roadLayer(b.build({ source: 't', attribution: '' }).graph);
    // 0→1 in three pieces; 1→0 differs in shape but is the same street pair, so it is skipped.
    expect(layer.segmentCount).toBe(3);
    expect(Array.from(layer.segmentClass)).toEqual([RoadClass.primary, RoadClass.primary, RoadClass.primary]);
    expect(Array.from(layer.segments.subarray(0, 4), (x) => Number(x.toFixed(3)))).toEqual([8, 47, 8.003, 47.001]);
  });
});

describe('KpiAccumulator.resultAt', () => {
  it('gives the same waits as result() from its per-second histogram', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 900 }), { minLength: 1, maxLength: 200 }), (waits) => {
        const acc = new KpiAccumulator();
        acc.add({ kind: 'VehiclePlaced', timeS: 0, vehicle: 0, node: 0, seats: 2 });
        waits.forEach((w, r) => {
          acc.add({ kind: 'RequestSubmitted', timeS: 1000, request: r, id: `r${r}`, pickupNode: 0, dropoffNode: 1, riders: 1, acceptsSharing: false });
        });
        waits.forEach((w, r) => {
          acc.add({ kind: 'PickedUp', timeS: 1000 + w, request: r, vehicle: 0, riders: 1, waitS: w });
          acc.add({ kind: 'DroppedOff', timeS: 1000 + w, request: r, vehicle: 0, riders: 1, rideS: 0 });
        });
        const whole = acc.result();
        const now = acc.resultAt(2000);
        expect([now.waitMeanS, now.waitP50S, now.waitP95S, now.within5MinPct]).toEqual([whole.waitMeanS, whole.waitP50S, whole.waitP95S, whole.within5MinPct]);
      }),
      { numRuns: 50 },
    );
  });

  it('counts an occupied car up to the time asked, over the time since the first request hour', () => {
    const acc = new KpiAccumulator();
    for (const ev of log.filter((e) => e.timeS <= 100)) acc.add(ev);
    // At 100: v0 occupied since 40 (60 s), v1 since 90 (10 s); two cars over the 100 s since the hour began.
    expect(acc.resultAt(100).utilization).toBeCloseTo((60 + 10) / (2 * 100), 12);
    expect(acc.resultAt(100).hourly).toEqual([]);
  });
});

describe('replay of simulated days', () => {
  const { graph } = buildSyntheticCity({ widthM: 2000, heightM: 2000 });
  const requests = generateSyntheticDemand(graph, { seed: 3, trips: 400 });
  const runs = {
    greedy: simulate({ graph, travelTimes: new DijkstraTravelTimes(graph), requests, fleetSize: 12, dispatcher: greedy(), seed: 1, maxWaitS: 600 }).events,
    // batch reassigns requests that are not picked up yet, so cars divert mid-leg.
    batch: simulate({ graph, travelTimes: new DijkstraTravelTimes(graph), requests, fleetSize: 12, dispatcher: batch(), seed: 1, maxWaitS: 600 }).events,
  };

  for (const [name, events] of Object.entries(runs)) {
    it(`${name}: every car is at the node each of its events names, when it names it`, () => {
      const tl = fold(events);
      const f = new FrameSampler(tl, { nodeLon: graph.lon, nodeLat: graph.lat });
      let checked = 0;
      for (const ev of events) {
        const node = ev.kind === 'VehicleArrived' || ev.kind === 'VehicleIdle' || ev.kind === 'VehiclePlaced' ? ev.node : ev.kind === 'VehicleDeparted' ? ev.fromNode : -1;
        if (node < 0 || !('vehicle' in ev)) continue;
        expect(f.vehiclePosition(ev.vehicle, ev.timeS), `${ev.kind} of vehicle ${ev.vehicle} at ${ev.timeS}`).toEqual([graph.lon[node], graph.lat[node]]);
        checked++;
      }
      expect(checked).toBeGreaterThan(1000);
      const acc = new KpiAccumulator();
      for (const ev of events) acc.add(ev);
      expect(tl.kpis).toEqual(acc.result());
    });

    it(`${name}: jumping back and forth gives the frame a fresh sampler gives`, () => {
      const tl = fold(events);
      const nodes = { nodeLon: graph.lon, nodeLat: graph.lat };
      const playing = new FrameSampler(tl, nodes);
      for (const t of [12 * 3600, 3 * 3600, 20 * 3600, 20 * 3600 + 0.5, 20 * 3600 + 7, 5 * 3600 + 123.25, tl.endS + 10]) {
        playing.sampleAt(t);
        const fresh = new FrameSampler(tl, nodes);
        fresh.sampleAt(t);
        expect(playing.carCount).toBe(fresh.carCount);
        expect(Array.from(playing.carPositions.subarray(0, 2 * playing.carCount)), `positions at ${t}`).toEqual(Array.from(fresh.carPositions.subarray(0, 2 * fresh.carCount)));
        expect(Array.from(playing.carActivity.subarray(0, playing.carCount))).toEqual(Array.from(fresh.carActivity.subarray(0, fresh.carCount)));
        for (let i = 0; i < playing.carCount; i += 3) {
          const p = playing.vehiclePosition(playing.carVehicle[i], t)!;
          expect([Math.fround(p[0]), Math.fround(p[1])]).toEqual([playing.carPositions[2 * i], playing.carPositions[2 * i + 1]]);
        }
      }
    });

    it(`${name}: cars per activity add up to the fleet, and riders waiting to the requests open then`, () => {
      const tl = fold(events);
      const f = new FrameSampler(tl, { nodeLon: graph.lon, nodeLat: graph.lat });
      for (let t = 0; t <= tl.endS; t += 600) {
        f.sampleAt(t);
        expect(f.activityCounts.reduce((a, b) => a + b, 0)).toBe(12);
        let open = 0;
        for (let r = 0; r < tl.requestCount; r++) if (tl.requestSubmitS[r] <= t && t < tl.requestEndWaitS[r]) open++;
        expect(f.riderCount, `riders at ${t}`).toBe(open);
      }
    });
  }
});

describe('operator areas of a live log (decision 0021)', () => {
  const square = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] as const;
  const ops: SimEvent[] = [
    { kind: 'VehiclePlaced', timeS: 0, vehicle: 0, node: 0, seats: 2 },
    { kind: 'RequestsPaused', timeS: 10, area: 'pier', polygons: [square as never], by: 'ops', reason: 'fair' },
    { kind: 'RequestsPaused', timeS: 12, area: '*', polygons: [], by: 'ops', reason: 'storm' },
    { kind: 'ServiceAreaChanged', timeS: 15, polygons: [square as never], nodesInside: 3, by: 'ops' },
    { kind: 'VehicleSentByOperator', timeS: 16, vehicle: 0, site: -1, node: 2, by: 'ops', reason: 'x' },
    { kind: 'VehicleRebalanced', timeS: 16, vehicle: 0, fromNode: 0, toNode: 2 },
    { kind: 'RequestsResumed', timeS: 20, area: 'pier', by: 'ops' },
    { kind: 'ServiceAreaChanged', timeS: 25, polygons: [], nodesInside: 8, by: 'ops' },
    { kind: 'RequestsResumed', timeS: 30, area: '*', by: 'ops' },
  ];

  it('folds pauses and live service areas into intervals, kept through the bundle', () => {
    const folded = new ReplayTimelineBuilder();
    for (const ev of ops) folded.add(ev);
    const tl = folded.result();
    expect(tl.operatorAreas.map((a) => [a.kind, a.area, a.fromS, a.toS, a.polygons.length])).toEqual([
      ['pause', 'pier', 10, 20, 1],
      ['pause', '*', 12, 30, 0],
      ['serviceArea', 'service-area', 15, 25, 1],
    ]);
    // An area still held at the log's end stays open.
    const b = new ReplayTimelineBuilder();
    for (const ev of ops.slice(0, 3)) b.add(ev);
    expect(b.result().operatorAreas.map((a) => a.toS)).toEqual([NEVER_S, NEVER_S]);
    const g = new GraphBuilder();
    g.addNode(0, 0, 0);
    g.addNode(1, 0, 0.001);
    g.addEdge({ from: 0, to: 1, lengthM: 100, timeMs: 10_000, roadClass: RoadClass.residential });
    g.addEdge({ from: 1, to: 0, lengthM: 100, timeMs: 10_000, roadClass: RoadClass.residential });
    const { graph } = g.build({ source: 'pair', attribution: 'test data' });
    const scene: ReplayScene = {
      log: { name: 'live.ndjson', events: ops.length },
      network: { source: 'pair', attribution: 'test data', bbox: graph.meta.bbox, nodeLon: Float32Array.from(graph.lon), nodeLat: Float32Array.from(graph.lat), roads: roadLayer(graph) },
      timeline: tl,
    };
    expect(decodeReplayScene(encodeReplayScene(scene).slice().buffer).timeline.operatorAreas).toEqual(tl.operatorAreas);
  });

  it('writes the operator events as stable NDJSON lines', () => {
    expect(eventToJson(ops[1])).toBe('{"kind":"RequestsPaused","timeS":10,"area":"pier","polygons":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]]],"by":"ops","reason":"fair"}');
    expect(eventToJson(ops[4])).toBe('{"kind":"VehicleSentByOperator","timeS":16,"vehicle":0,"site":-1,"node":2,"by":"ops","reason":"x"}');
  });
});
