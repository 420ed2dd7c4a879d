// The named dispatcher presets users pick with --dispatcher: one table of name, description, what the preset needs
// prepared outside the pure core (a solver to load, a demand forecast to read) and how to build it from those parts.
// CLI help and validation, the scenario runner, fleet sizing and the benchmarks all read this table. Every preset is
// wrapped in the shared charging policy (core/dispatch/charging.ts), which passes through in runs without chargers, and
// that in the shared servicing policy (core/dispatch/servicing.ts), which also keeps commands from cars out of service.
import { withCharging, type ChargingPolicyOptions } from '../core/dispatch/charging.js';
import { withServicing } from '../core/dispatch/servicing.js';
import type { Dispatcher } from '../core/dispatch/types.js';
import { greedy } from '../core/dispatch/greedy.js';
import { ADMIT_POOLING, ANTICIPATE_POOLING, pooled, type PooledOptions, type RideLimits } from '../core/dispatch/pooled.js';
import { batch } from '../core/dispatch/batch.js';
import { ANTICIPATE_REBALANCE, forecastRebalancer, withRebalancing, type DemandForecast } from '../core/dispatch/rebalance.js';
import { causalForecast, type OnlineDemandForecast } from '../core/dispatch/causal-forecast.js';
import type { BinaryProgramSolver } from '../core/solve/ilp.js';
import type { ForecastPart } from './forecast.js';
import { DISPATCHER_NAMES, type DispatcherName } from './dispatcher-names.js';

export { DEFAULT_DISPATCHER, DISPATCHER_NAMES, type DispatcherName } from './dispatcher-names.js';

/** What a preset may need prepared by I/O before it is built (the scenario runner loads exactly the ones named). */
export interface PresetParts {
  /** Exact 0/1 program solver: branch and bound, HiGHS beyond its node budget (src/io/highs-ilp.ts). */
  solver: BinaryProgramSolver;
  /** Demand forecast from the days before the simulated one (src/io/forecast.ts; slow to read, so shared per
   *  scenario), or, where there are none, the zones of a causal forecast learnt during each run. */
  forecast: ForecastPart;
  /** The charging policy's settings (--charge-below, --charge-to); every preset needs them. */
  charging: ChargingPolicyOptions;
  /** The ride limit pooled presets promise a shared rider (--min-detour, --detour-share). */
  rideLimits: RideLimits;
}

/** The forecast a fresh dispatcher uses: the shared one from history, or a new causal one (it keeps run state). */
function demandOf(part: ForecastPart): DemandForecast | OnlineDemandForecast {
  return part.source === 'history' ? part.forecast : causalForecast(part.zones);

}

/** The forecast from history, if the scenario has one (the charging policy charges in its troughs). */
function historyOf(part: ForecastPart): DemandForecast | undefined {
  return part.source === 'history' ? part.forecast : undefined;
}
export type PresetNeed = keyof PresetParts;

/**
 * Pooled with the given objective, rebalanced every minute on the next 15 min of forecast demand in full
 * (ANTICIPATE_REBALANCE), under the charging policy: the anticipating presets. Named after the preset (withRebalancing
 * alone would call it pooled+rebalance), so its KPIs and logs say which.
 */
function anticipating(name: string, pooling: Omit<PooledOptions, 'solver'>, { solver, rideLimits, forecast, charging }: Pick<PresetParts, 'solver' | 'rideLimits' | 'forecast' | 'charging'>): Dispatcher {
  return withCharging(
    { ...withRebalancing(pooled({ solver, ...rideLimits, ...pooling }), forecastRebalancer(demandOf(forecast), ANTICIPATE_REBALANCE)), name },
    { ...charging, forecast: historyOf(forecast) },
  );
}

/** One row of the table. `build` sees only the parts listed in `needs`, so the list cannot fall out of date. */
export interface DispatcherPreset<Name extends string = string, Need extends PresetNeed = PresetNeed> {
  readonly name: Name;
  readonly description: string;
  readonly needs: readonly Need[];
  /** A fresh dispatcher (strategies keep state across calls: never share one between runs). */
  build(parts: Pick<PresetParts, Need>): Dispatcher;
}

/** A table row whose built dispatcher is wrapped in the servicing policy, outermost (see the file header). */
const preset = <const Name extends DispatcherName, Need extends PresetNeed = never>(p: DispatcherPreset<Name, Need>): DispatcherPreset<Name, Need> => ({
  ...p,
  build: (parts) => withServicing(p.build(parts)),
});

export const DISPATCHER_PRESETS = [
  preset({
    name: 'greedy',
    description: 'baseline: nearest idle car at once, else FIFO queue for the next free car',
    needs: ['charging'],
    build: ({ charging }) => withCharging(greedy(), charging),
  }),
  preset({
    name: 'batch',
    description: 'every 10 s, the min-total-wait assignment of all waiting requests (reassigning unpicked ones) to free and soon-free cars',
    needs: ['charging'],
    build: ({ charging }) => withCharging(batch(), charging),
  }),
  preset({
    name: 'pooled',
    description: 'every 10 s, up to two riders per car within wait and detour limits, trips chosen exactly per batch (branch and bound, HiGHS beyond its node budget)',
    needs: ['solver', 'rideLimits', 'charging'],
    build: ({ solver, rideLimits, charging }) => withCharging(pooled({ solver, ...rideLimits }), charging),
  }),
  preset({
    name: 'pooled+rebalance',
    description: 'pooled, plus every 5 min idle cars moved toward forecast demand (history: days before the simulated one; else the run\'s own past requests)',
    needs: ['solver', 'rideLimits', 'forecast', 'charging'],
    // With a forecast from history, the charging policy also charges in its demand troughs.
    build: ({ solver, rideLimits, forecast, charging }) =>
      withCharging(withRebalancing(pooled({ solver, ...rideLimits }), forecastRebalancer(demandOf(forecast))), { ...charging, forecast: historyOf(forecast) }),
  }),
  preset({
    name: 'batch+rebalance',
    description: 'batch, plus every 5 min idle cars moved toward forecast demand (history: days before the simulated one; else the run\'s own past requests)',
    needs: ['forecast', 'charging'],
    build: ({ forecast, charging }) => withCharging(withRebalancing(batch(), forecastRebalancer(demandOf(forecast))), { ...charging, forecast: historyOf(forecast) }),
  }),
  preset({
    name: 'pooled+anticipate',
    description: 'pooled aiming at the 5-min service level: a pickup later than 5 min costs 10 min more (riders who can still make it go first; none is left unserved that a car can reach), and every minute idle cars follow the next 15 min of forecast demand in full (decision 0027)',
    needs: ['solver', 'rideLimits', 'forecast', 'charging'],
    build: (parts) => anticipating('pooled+anticipate', ANTICIPATE_POOLING, parts),
  }),
  preset({
    name: 'pooled+admit',
    description: 'pooled+anticipate for a service that counts pickups within 5 min: a ride is accepted only if a car can pick the rider up within 5 min, else it is rejected at once (no_car_in_time), no new rider is taken at the price of an accepted one\'s 5 min, and 12 candidate cars per request instead of 8 (decisions 0042, 0043)',
    needs: ['solver', 'rideLimits', 'forecast', 'charging'],
    build: (parts) => anticipating('pooled+admit', ADMIT_POOLING, parts),
  }),
] as const;

// Every name in src/io/dispatcher-names.ts has exactly one row, in the same order (checked when this compiles).
type TableNames = (typeof DISPATCHER_PRESETS)[number]['name'];
const _sameNames: [TableNames, DispatcherName] extends [DispatcherName, TableNames] ? true : never = true;
void _sameNames;

/** Whether a preset is built from that part (e.g. 'forecast': it rebalances on a forecast; 'rideLimits': it pools). */
export function presetNeeds(name: string, need: PresetNeed): boolean {
  return (dispatcherPreset(name).needs as readonly PresetNeed[]).includes(need);
}

/** The table row of a preset; unknown names list the known ones. */
export function dispatcherPreset(name: string): DispatcherPreset {
  const p = DISPATCHER_PRESETS.find((x) => x.name === name);
  if (!p) throw new Error(`unknown dispatcher "${name}" (known: ${DISPATCHER_NAMES.join(', ')})`);
  return p as DispatcherPreset;
}
