// Screening runs for anticipation variants (decision 0027): one SF day at a fixed fleet, pooled + forecast rebalancing
// with the options given as JSON, printing the within-5-min share and the mean wait. Not a benchmark of speed.
//   ANT_DATE=2008-05-21 ANT_FLEET=290 ANT_VARIANTS='[{"name":"base"},{"name":"r60","rebalance":{"everyS":60}}]' npx tsx bench/anticipate-screen.ts
// ANT_ORACLE=1 builds the forecast from the simulated day itself: a deliberate leak, to measure how much of the fleet a
// perfect forecast (at the forecast's cells and slots) could save. Never a preset: forecasts see only earlier days.
import { forecastRebalancer, withRebalancing, type RebalanceOptions } from '../src/core/dispatch/rebalance.js';
import { pooled, type PooledOptions } from '../src/core/dispatch/pooled.js';
import { withCharging } from '../src/core/dispatch/charging.js';
import { withServicing } from '../src/core/dispatch/servicing.js';
import { packingBranchAndBound } from '../src/core/solve/ilp.js';
import { loadHighsBinarySolver } from '../src/io/highs-ilp.js';
import { buildForecast } from '../src/io/forecast.js';
import { openSfDay } from './sf-day.js';

interface Variant {
  name: string;
  pooled?: Omit<PooledOptions, 'solver'>;
  rebalance?: RebalanceOptions;
}
const date = process.env.ANT_DATE ?? '2008-05-21';
const fleet = Number(process.env.ANT_FLEET ?? 290);
const variants = JSON.parse(process.env.ANT_VARIANTS ?? '[{"name":"base"}]') as Variant[];
const runner = await openSfDay(date, process.env.ANT_NETWORK);
const part = await runner.forecast();
if (part.source !== 'history') throw new Error('expected a forecast from history');
if (process.env.ANT_ORACLE === '1') {
  // The simulated day as its own history; the check against leaks is passed a later "simulated" date on purpose.
  part.forecast = buildForecast(runner.scenario.network.graph, [{ date, weight: 1, trips: runner.scenario.requests }], { date: '9999-12-31' });
}
for (const v of variants) {
  const solver = packingBranchAndBound(await loadHighsBinarySolver());
  const d = withServicing(withCharging(withRebalancing(pooled({ solver, ...v.pooled }), forecastRebalancer(part.forecast, v.rebalance)), { forecast: part.forecast }));
  const c0 = process.cpuUsage();
  // Requests not picked up within 5 min (late pickups and cancellations), by hour of the request.
  const missByHour = new Array<number>(24).fill(0);
  // Riders who had another rider aboard at some point (the clairvoyant plan's "sharing" count, for comparison).
  const aboardBy = new Map<number, number[]>();
  const shared = new Set<number>();
  const { result } = await runner.run(fleet, 'greedy', {
    wrapDispatcher: () => d,
    keepLog: false,
    eventSink: (ev) => {
      if (ev.kind === 'PickedUp' && ev.waitS > 300) missByHour[Math.floor((ev.timeS - ev.waitS) / 3600) % 24]++;
      if (ev.kind === 'PickedUp') {
        const on = aboardBy.get(ev.vehicle) ?? [];
        on.push(ev.request);
        aboardBy.set(ev.vehicle, on);
        if (on.length > 1) for (const r of on) shared.add(r);
      }
      if (ev.kind === 'DroppedOff') {
        const on = aboardBy.get(ev.vehicle)!;
        on.splice(on.indexOf(ev.request), 1);
      }
      if (ev.kind === 'RequestCancelled') missByHour[Math.floor(runner.scenario.requests[ev.request].requestS / 3600) % 24]++;
    },
  });
  const cpu = process.cpuUsage(c0);
  const k = result.summary.kpis as unknown as Record<string, number>;
  console.log(JSON.stringify({ date, fleet, variant: v.name, within5MinPct: k.within5MinPct, waitMeanS: k.waitMeanS, rideTimeMeanS: k.rideTimeMeanS, servedPct: k.servedPct, emptyShare: k.emptyShare, sharedRiders: shared.size, vehicleKm: Math.round(k.vehicleKm), cpuS: Math.round((cpu.user + cpu.system) / 1e5) / 10, missByHour: missByHour.join(' '), opts: v }));
}
