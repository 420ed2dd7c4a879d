// The names of the dispatcher presets, apart from their table (src/io/dispatchers.ts), so that the settings schema
// can name them without importing the dispatchers, their forecast and, through it, the scenario loader (an import
// circle back to the settings). The table is typed against this list: a preset missing from either fails to compile.

/** Every preset name, in table order. */
export const DISPATCHER_NAMES = ['greedy', 'batch', 'pooled', 'pooled+rebalance', 'batch+rebalance', 'pooled+anticipate', 'pooled+admit'] as const;

export type DispatcherName = (typeof DISPATCHER_NAMES)[number];

/**
 * The preset users get when they do not choose: the best measured one (docs/BENCHMARKS.md: on SF it needs 0.34–0.38×
 * greedy's fleet for 95 % of pickups within 5 min, against 0.36–0.44× for batch+rebalance). `greedy` stays available
 * as the baseline.
 */
export const DEFAULT_DISPATCHER: DispatcherName = 'pooled+rebalance';
