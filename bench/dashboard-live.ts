// Bytes the live dashboard stream sends (decision 0015): a snapshot against the deltas that follow it, on a greedy
// synthetic day, for a few engine-seconds-per-delta (hz = 4 at service speed ×1, ×10, ×60). Deterministic (no timing):
// the figures depend only on the log. Writes bench/results/dashboard-live-DATE.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { LiveFleetFeed } from '../src/core/replay/live.js';
import { syntheticDayLog } from '../test/replay/synthetic-day.js';

const FLEET = Number(process.env.FLEET ?? 300);
const REQUESTS = Number(process.env.REQUESTS ?? 12_000);
const events = syntheticDayLog({ fleet: FLEET, requests: REQUESTS });
const from = 7 * 3600;
const to = 10 * 3600;
const rows: Record<string, number | string>[] = [];
for (const stepS of [0.25, 2.5, 15]) {
  const feed = new LiveFleetFeed();
  let i = 0;
  while (i < events.length && events[i].timeS < from) feed.add(events[i++]);
  const snapshotBytes = JSON.stringify(feed.snapshot(from, 1, [], false)).length;
  feed.takeDelta(from, false);
  let deltaBytes = 0;
  let deltas = 0;
  let maxDelta = 0;
  let kpiAt = -Infinity;
  for (let t = from + stepS; t <= to; t += stepS) {
    while (i < events.length && events[i].timeS <= t) feed.add(events[i++]);
    // KPIs ride along once a wall second (every 4th delta at 4 Hz).
    const withKpis = deltas - kpiAt >= 4;
    if (withKpis) kpiAt = deltas;
    const n = JSON.stringify(feed.takeDelta(t, withKpis)).length;
    deltaBytes += n;
    maxDelta = Math.max(maxDelta, n);
    deltas++;
  }
  const wallS = deltas / 4;
  rows.push({
    engineSecondsPerDelta: stepS,
    serviceSpeed: stepS * 4,
    snapshotBytes,
    meanDeltaBytes: Math.round(deltaBytes / deltas),
    maxDeltaBytes: maxDelta,
    deltaBytesPerWallSecond: Math.round(deltaBytes / wallS),
    fullStateEveryDeltaBytesPerWallSecond: snapshotBytes * 4,
  });
}
console.table(rows);
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/dashboard-live-${new Date().toISOString().slice(0, 10)}.json`;
writeFileSync(file, `${JSON.stringify({ fleet: FLEET, requests: REQUESTS, window: '07:00-10:00', hz: 4, rows }, null, 2)}\n`);
console.log(`wrote ${file}`);
