// The live dashboard protocol against the replay's own sampler: a page that got a snapshot and then deltas draws the
// same cars, doing the same things, at the same places, and the same waiting riders, as the replay of that log does
// at that moment; and a delta holds only what changed since the last one.
import { describe, expect, it } from 'vitest';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { FrameSampler } from '../../src/core/replay/frame.js';
import { LIVE_CAR_FIELDS, LiveFleetFeed, LiveFrame, type LiveDelta, type LiveSnapshot } from '../../src/core/replay/live.js';
import { ReplayTimelineBuilder } from '../../src/core/replay/timeline.js';
import type { SimEvent } from '../../src/core/sim/events.js';
import { syntheticDayLog } from './synthetic-day.js';

const events = syntheticDayLog({ fleet: 30, requests: 1500 });
const { graph } = buildSyntheticCity();
const nodes = { nodeLon: Float32Array.from(graph.lon), nodeLat: Float32Array.from(graph.lat) };
const timeline = (() => {
  const b = new ReplayTimelineBuilder();
  for (const ev of events) b.add(ev);
  return b.result();
})();

/** Feeds every event up to and including second t. */
function feedUntil(feed: LiveFleetFeed, from: number, t: number): number {
  let i = from;
  while (i < events.length && events[i].timeS <= t) feed.add(events[i++]);
  return i;
}

function expectSameFrame(live: LiveFrame, t: number): void {
  const replay = new FrameSampler(timeline, nodes);
  replay.sampleAt(t);
  live.sampleAt(t);
  expect(live.carCount).toBe(replay.carCount);
  expect(Array.from(live.activityCounts)).toEqual(Array.from(replay.activityCounts));
  for (let i = 0; i < replay.carCount; i++) {
    expect(live.carVehicle[i]).toBe(replay.carVehicle[i]);
    expect(live.carActivity[i]).toBe(replay.carActivity[i]);
    expect(live.carPositions[2 * i]).toBeCloseTo(replay.carPositions[2 * i], 5);
    expect(live.carPositions[2 * i + 1]).toBeCloseTo(replay.carPositions[2 * i + 1], 5);
  }
  expect(live.riderCount).toBe(replay.riderCount);
  const waits = (f: { riderWaitS: Float32Array; riderCount: number }) => Array.from(f.riderWaitS.subarray(0, f.riderCount)).sort((a, b) => a - b);
  expect(waits(live)).toEqual(waits(replay));
}

describe('live dashboard protocol', () => {
  it('a snapshot draws what the replay draws at that moment', () => {
    const feed = new LiveFleetFeed();
    const t = 8 * 3600 + 417;
    feedUntil(feed, 0, t);
    const snapshot = JSON.parse(JSON.stringify(feed.snapshot(t, 1, [[0, 'car-a']], false))) as LiveSnapshot;
    expect(snapshot.cars.length).toBe(30 * LIVE_CAR_FIELDS);
    const kpis = new ReplayTimelineBuilder();
    for (const ev of events) if (ev.timeS <= t) kpis.add(ev);
    expect(snapshot.kpis.requests).toBe(kpis.kpisAt(t).requests);
    expect(snapshot.kpis.served).toBe(events.filter((ev) => ev.kind === 'DroppedOff' && ev.timeS <= t).length);
    const live = new LiveFrame(nodes);
    live.apply(snapshot);
    expect(live.ids.get(0)).toBe('car-a');
    expectSameFrame(live, t);
    // Between messages the page moves cars along their legs: still the replay's picture a little later, if no event came.
    const next = events.find((ev) => ev.timeS > t)!.timeS;
    expectSameFrame(live, Math.min(next - 1, t + 20));
  });

  it('deltas carry only the cars and riders that changed, and keep the page in step', () => {
    const feed = new LiveFleetFeed();
    let t = 7 * 3600;
    let i = feedUntil(feed, 0, t);
    const live = new LiveFrame(nodes);
    live.apply(JSON.parse(JSON.stringify(feed.snapshot(t, 1, [], false))) as LiveSnapshot);
    feed.takeDelta(t, false); // what the snapshot already holds
    for (let step = 0; step < 40; step++) {
      const before = i;
      t += 15;
      i = feedUntil(feed, i, t);
      const changed = new Set((events.slice(before, i) as SimEvent[]).flatMap((ev) => ('vehicle' in ev && ev.vehicle >= 0 ? [ev.vehicle] : [])));
      const delta = JSON.parse(JSON.stringify(feed.takeDelta(t, step % 4 === 0))) as LiveDelta;
      const sent = new Set<number>();
      for (let k = 0; k < delta.cars.length; k += LIVE_CAR_FIELDS) sent.add(delta.cars[k]);
      expect(sent).toEqual(changed);
      expect(delta.kpis !== undefined).toBe(step % 4 === 0);
      live.apply(delta);
      expectSameFrame(live, t);
    }
    // Nothing happened: an empty delta.
    expect(feed.takeDelta(t, false)).toEqual({ type: 'delta', timeS: t, cars: [], ridersAdded: [], ridersGone: [] });
  });
});
