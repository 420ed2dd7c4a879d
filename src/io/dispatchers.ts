// The named dispatcher presets users pick with --dispatcher, built for a loaded scenario (presets that need I/O — a
// solver to load, a demand history to read — are prepared here, outside the pure core).
import type { Dispatcher } from '../core/dispatch/types.js';
import { greedy } from '../core/dispatch/greedy.js';
import { pooled } from '../core/dispatch/pooled.js';
import { packingBranchAndBound } from '../core/solve/ilp.js';
import { loadHighsBinarySolver } from './highs-ilp.js';
import { batch } from '../core/dispatch/batch.js';
import { forecastRebalancer, withRebalancing } from '../core/dispatch/rebalance.js';
import { loadForecast } from './forecast.js';
import type { Scenario } from './scenario.js';

export interface PresetInfo {
  name: string;
  description: string;
}

export const DISPATCHER_PRESETS: readonly PresetInfo[] = [
  { name: 'greedy', description: 'baseline: nearest idle car at once, else FIFO queue for the next free car' },
  { name: 'batch', description: 'every 10 s, the min-total-wait assignment of all waiting requests (reassigning unpicked ones) to free and soon-free cars' },
  { name: 'pooled', description: 'every 10 s, up to two riders per car within wait and detour limits, trips chosen exactly per batch (branch and bound, HiGHS beyond its node budget)' },
  { name: 'pooled+rebalance', description: 'pooled, plus every 5 min idle cars moved toward forecast demand' },
  { name: 'batch+rebalance', description: 'batch, plus every 5 min idle cars moved toward forecast demand (history: days before the simulated one)' },
];

/** One forecast per loaded scenario: reading its history is slow, and fleet sizing builds a dispatcher per run. */
const forecasts = new WeakMap<Scenario, ReturnType<typeof loadForecast>>();
function forecastOf(scenario: Scenario): ReturnType<typeof loadForecast> {
  let f = forecasts.get(scenario);
  if (!f) forecasts.set(scenario, (f = loadForecast(scenario)));
  return f;
}

/**
 * The preset users get when they do not choose: the best measured one (docs/BENCHMARKS.md: on SF it needs 0.34–0.38×
 * greedy's fleet for 95 % of pickups within 5 min, against 0.36–0.44× for batch+rebalance). `greedy` stays available
 * as the baseline.
 */
export const DEFAULT_DISPATCHER = 'pooled+rebalance';

/** Builds a preset by name for this scenario; unknown names list the known ones. */
export async function makeDispatcher(name: string, scenario: Scenario): Promise<Dispatcher> {
  switch (name) {
    case 'greedy':
      return greedy();
    case 'batch':
      return batch();
    case 'pooled':
      return pooled({ solver: packingBranchAndBound(await loadHighsBinarySolver()) });
    case 'pooled+rebalance':
      return withRebalancing(pooled({ solver: packingBranchAndBound(await loadHighsBinarySolver()) }), forecastRebalancer(await forecastOf(scenario)));
    case 'batch+rebalance':
      return withRebalancing(batch(), forecastRebalancer(await forecastOf(scenario)));
    default:
      throw new Error(`unknown dispatcher "${name}" (known: ${DISPATCHER_PRESETS.map((p) => p.name).join(', ')})`);
  }
}
