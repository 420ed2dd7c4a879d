// One engine, two clocks: requests submitted one at a time as a wall clock reaches them (nothing known in advance)
// give the same event log as the offline replay; runs cross midnight and last 48 h; the request book grows; KPIs and
// report series are folds subscribed to the event stream.
import { describe, expect, it } from 'vitest';
import { batch } from '../../src/core/dispatch/batch.js';
import { greedy } from '../../src/core/dispatch/greedy.js';
import { pooled } from '../../src/core/dispatch/pooled.js';
import { forecastRebalancer, withRebalancing } from '../../src/core/dispatch/rebalance.js';
import { RequestStatus, type Dispatcher } from '../../src/core/dispatch/types.js';
import type { PlacedTrip } from '../../src/core/demand/placed-trip.js';
import { computeKpis } from '../../src/core/metrics/kpis.js';
import { ReportSeriesAccumulator, reportSeries } from '../../src/core/metrics/report-series.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { Rng } from '../../src/core/random.js';
import { ManualClock } from '../../src/core/sim/clock.js';
import { validateCommand } from '../../src/core/sim/commands.js';
import { Engine } from '../../src/core/sim/engine.js';
import { eventsToNdjson, type SimEvent } from '../../src/core/sim/events.js';
import { Simulation, simulate, startNodesFromDemand } from '../../src/core/simulate.js';
import { packingBranchAndBound } from '../../src/core/solve/ilp.js';
import { buildForecast } from '../../src/io/forecast.js';
import { loadHighsBinarySolver } from '../../src/io/highs-ilp.js';
import { WallClock } from '../../src/io/wall-clock.js';
import { randomRequests } from '../dispatch/conformance.js';

const { graph } = buildSyntheticCity({ seed: 3, widthM: 2400, heightM: 2400, blockM: 200 });
const tt = new DijkstraTravelTimes(graph);
const DAY_S = 86_400;
const solver = packingBranchAndBound(await loadHighsBinarySolver());
const forecast = buildForecast(
  graph,
  [0, 1, 2].map((k) => ({ date: `2024-01-0${k + 1}`, weight: 1, trips: randomRequests(graph, 300, 4 * 3600, 90 + k) })),
  { date: '2024-01-04' },
  { resolution: 9 },
);
const presets: [string, () => Dispatcher][] = [
  ['greedy', () => greedy()],
  ['batch', () => batch()],
  ['pooled+rebalance', () => withRebalancing(pooled({ solver }), forecastRebalancer(forecast, { everyS: 120, horizonS: 900 }))],
];

/**
 * Drives an engine as the live service does: a wall clock (a fake millisecond counter advancing by irregular steps, at
 * 120× speed) says how far to run; each request is submitted when the clock has reached its time, one at a time.
 */
function runLive(requests: readonly PlacedTrip[], fleetSize: number, dispatcher: Dispatcher, depots: ArrayLike<number>, tickSeed: number): SimEvent[] {
  let wallMs = 0;
  const clock = new WallClock({ startS: 0, speed: 120, nowMs: () => wallMs });
  const engine = new Engine({ graph, travelTimes: tt, fleetSize, dispatcher, seed: 1, maxWaitS: 300, depots });
  const log: SimEvent[] = [];
  engine.onEvent((ev) => log.push(ev));
  const rng = new Rng(tickSeed);
  let next = 0;
  while (next < requests.length) {
    wallMs += 1 + rng.int(900);
    const nowS = clock.nowS();
    while (next < requests.length && requests[next].requestS <= nowS) {
      expect(requests[next].requestS).toBeGreaterThanOrEqual(engine.nextOpenS);
      engine.submit(requests[next++]);
    }
    engine.runUntil(nowS);
  }
  engine.closeRequests();
  engine.runUntil(Infinity);
  return log;
}

const replay = (requests: readonly PlacedTrip[], fleetSize: number, dispatcher: Dispatcher, depots: ArrayLike<number>, extra = {}) =>
  simulate({ graph, travelTimes: tt, requests, fleetSize, dispatcher, seed: 1, maxWaitS: 300, depots: Array.from(depots), ...extra });

describe('one engine, two clocks', () => {
  const requests = randomRequests(graph, 300, 4 * 3600, 7);
  const depots = startNodesFromDemand(requests, 8, 1, graph.nodeCount);

  for (const [name, make] of presets) {
    it(`${name}: requests submitted one at a time by a wall clock give the replay's event log`, () => {
      const offline = replay(requests, 8, make(), depots).events;
      const live = runLive(requests, 8, make(), depots, 42);
      expect(offline.filter((e) => e.kind === 'PickedUp').length).toBeGreaterThan(100);
      expect(eventsToNdjson(live)).toBe(eventsToNdjson(offline));
    });

    it(`${name}: a request book that starts at one entry and grows gives the same log`, () => {
      const small = replay(requests, 8, make(), depots, { requestCapacity: 1 }).events;
      expect(eventsToNdjson(small)).toBe(eventsToNdjson(replay(requests, 8, make(), depots).events));
    });
  }

  it('runs 48 h across midnight, live and offline alike', () => {
    const twoDays = randomRequests(graph, 500, 2 * DAY_S, 11);
    // One request a few seconds before midnight, served after it.
    const lateRequest = { ...twoDays[0], id: 'midnight', requestS: DAY_S - 5 };
    const requests48 = [...twoDays.filter((t) => t.requestS < DAY_S - 5), lateRequest, ...twoDays.filter((t) => t.requestS >= DAY_S - 5)];
    const d = startNodesFromDemand(requests48, 4, 1, graph.nodeCount);
    const { events, summary } = replay(requests48, 4, greedy(), d);
    expect(eventsToNdjson(runLive(requests48, 4, greedy(), d, 7))).toBe(eventsToNdjson(events));
    const late = events.find((e) => e.kind === 'RequestSubmitted' && e.id === 'midnight');
    const pickup = events.find((e) => e.kind === 'PickedUp' && late?.kind === 'RequestSubmitted' && e.request === late.request);
    expect(pickup && pickup.timeS).toBeGreaterThanOrEqual(DAY_S);
    expect(summary.kpis.requests).toBe(501);
    expect(summary.kpis.hourly.length).toBeGreaterThanOrEqual(48); // the last rides may end after 48:00
    expect(summary.kpis.hourly.slice(24).reduce((a, h) => a + h.served, 0)).toBeGreaterThan(200);
    for (let i = 1; i < events.length; i++) expect(events[i].timeS).toBeGreaterThanOrEqual(events[i - 1].timeS);
  });

  it('folds KPIs and report series from the event stream, equal to folding the stored log', () => {
    const series = new ReportSeriesAccumulator();
    const sim = new Simulation({ graph, travelTimes: tt, requests, fleetSize: 8, dispatcher: batch(), seed: 1, maxWaitS: 300, subscribers: [series], keepLog: true });
    const { events, summary } = sim.run();
    expect(summary.kpis).toEqual(computeKpis(events, { dispatcher: 'batch', fleet: 8 }));
    expect(series.result()).toEqual(reportSeries(events));
  });
});

describe('engine API for the live service', () => {
  const requests = randomRequests(graph, 40, 1800, 5);

  it('lets a rider cancel a waiting request, and refuses once on board', () => {
    const engine = new Engine({ graph, travelTimes: tt, fleetSize: 2, dispatcher: greedy(), seed: 1, maxWaitS: 600 });
    const log: SimEvent[] = [];
    engine.onEvent((ev) => log.push(ev));
    const clock = new ManualClock();
    const r0 = engine.submit({ ...requests[0], requestS: 10 });
    const r1 = engine.submit({ ...requests[1], requestS: 10 });
    expect([r0, r1]).toEqual([0, 1]);
    clock.advanceTo(10);
    engine.runUntil(clock.nowS());
    expect(engine.book.status[r1]).toBe(RequestStatus.assigned);
    expect(engine.cancel(r1)).toBe(true);
    expect(log.at(-1)).toMatchObject({ kind: 'RequestCancelled', request: r1, reason: 'rider' });
    expect(engine.cancel(r1)).toBe(false);
    clock.advanceTo(3600);
    engine.runUntil(clock.nowS());
    expect(engine.book.status[r0]).toBe(RequestStatus.droppedOff);
    expect(engine.cancel(r0)).toBe(false);
    expect(engine.cancel(99)).toBe(false);
  });

  it('moves a submission for a second already complete to the next open second', () => {
    const engine = new Engine({ graph, travelTimes: tt, fleetSize: 1, dispatcher: greedy(), seed: 1 });
    engine.runUntil(500);
    expect(engine.nextOpenS).toBe(501);
    const r = engine.submit({ ...requests[0], requestS: 100 });
    expect(engine.book.requestS[r]).toBe(501);
    expect(() => engine.submit({ ...requests[0], pickupNode: graph.nodeCount })).toThrow(/pickupNode .* is not a node/);
    expect(() => engine.submit({ ...requests[0], riders: 0 })).toThrow(/riders 0/);
  });

  it('validates an operator command without applying it', () => {
    const engine = new Engine({ graph, travelTimes: tt, fleetSize: 2, dispatcher: { name: 'none', decide: () => [] }, seed: 1 });
    const r = engine.submit({ ...requests[0], requestS: 0 });
    engine.runUntil(0);
    const state = engine.commandState();
    expect(validateCommand(state, { kind: 'rebalance', vehicle: 5, node: 0 })).toBe('vehicle 5 does not exist (fleet of 2)');
    expect(validateCommand(state, { kind: 'assign', vehicle: 0, stops: [{ action: 'pickup', request: r }] })).toBe(`request ${r} is picked up but never dropped off`);
    expect(validateCommand(state, { kind: 'assign', vehicle: 0, stops: [{ action: 'pickup', request: r }, { action: 'dropoff', request: r }] })).toBeNull();
    expect(engine.book.status[r]).toBe(RequestStatus.open);
  });
});

describe('wall clock', () => {
  it('maps wall milliseconds to engine seconds at a speed, past midnight, never backwards', () => {
    let ms = 1_000_000;
    const clock = new WallClock({ startS: DAY_S - 60, speed: 10, nowMs: () => ms });
    expect(clock.nowS()).toBe(DAY_S - 60);
    ms += 5_999;
    expect(clock.nowS()).toBe(DAY_S - 1);
    ms += 1;
    expect(clock.nowS()).toBe(DAY_S);
    expect(clock.msUntil(DAY_S + 10)).toBe(1000);
    ms -= 3000; // the wall clock steps back (NTP): engine time holds
    expect(clock.nowS()).toBe(DAY_S);
    expect(() => new WallClock({ speed: 0 })).toThrow(/speed 0/);
  });
});
