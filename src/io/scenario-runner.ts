// The one path from settings to simulated runs: load the scenario (network, travel times, trips with their reject
// counts), prepare what dispatcher presets need (solver, forecast), and run the engine on it. simulate, compare,
// fleet-size (and its worker threads) and the benchmarks all run scenarios through here.
import type { Dispatcher } from '../core/dispatch/types.js';
import type { DemandForecast } from '../core/dispatch/rebalance.js';
import { packingBranchAndBound } from '../core/solve/ilp.js';
import { simulate, type EventSubscriber, type SimResult } from '../core/simulate.js';
import type { SimEvent } from '../core/sim/events.js';
import { dispatcherPreset, type DispatcherName, type PresetParts } from './dispatchers.js';
import { loadForecast } from './forecast.js';
import { loadHighsBinarySolver } from './highs-ilp.js';
import { loadScenario, type Scenario, type ScenarioProgress } from './scenario.js';
import type { RunSettings, ScenarioSettings } from './settings.js';

/** Per-run additions to what the engine is given; everything else comes from the settings. */
export interface RunExtras {
  /** Receives every event as it happens; the log is then not kept unless `keepLog` is true. */
  eventSink?(ev: SimEvent): void;
  /** Keep the event log in memory (default: true without an event sink, false with one). */
  keepLog?: boolean;
  /** Folds fed with every event as it happens (e.g. the report series), so no log needs to be kept. */
  subscribers?: readonly EventSubscriber[];
  onProgress?(nowS: number, handled: number): void;
  progressEveryS?: number;
  /** Wraps the built dispatcher, e.g. to time its decisions (benchmarks). */
  wrapDispatcher?(d: Dispatcher): Dispatcher;
}

export interface RunOutcome {
  result: SimResult;
  /** Wall time of the simulation alone (building the dispatcher and loading its parts are not counted). */
  wallS: number;
}

/** A loaded scenario ready for any number of runs. */
export interface ScenarioRunner {
  /** Network, travel times (`scenario.network.travelTimes`), requests, rejected rows, description, history. */
  readonly scenario: Scenario;
  readonly settings: RunSettings;
  /** The scenario's demand forecast, read once, on first use (only presets that rebalance need it). */
  forecast(): Promise<DemandForecast>;
  /** A fresh dispatcher of the named preset, its parts prepared. */
  dispatcher(name: DispatcherName): Promise<Dispatcher>;
  /** Simulates `fleetSize` cars under a fresh dispatcher of the named preset. */
  run(fleetSize: number, dispatcher: DispatcherName, extra?: RunExtras): Promise<RunOutcome>;
}

/**
 * Loads the scenario the settings describe and returns its runner.
 *
 * @example
 * const runner = await openScenarioRunner(parseSimSettings({ requests: 2000 }));
 * const { result } = await runner.run(50, 'greedy');
 * result.summary.kpis.within5MinPct;
 */
export async function openScenarioRunner(settings: ScenarioSettings & RunSettings, onProgress?: ScenarioProgress): Promise<ScenarioRunner> {
  return scenarioRunner(await loadScenario(settings, onProgress), settings);
}

/** A runner for a scenario already loaded (fleet-size workers rebuild theirs from a network file and cloned requests). */
export function scenarioRunner(scenario: Scenario, settings: RunSettings): ScenarioRunner {
  let forecast: Promise<DemandForecast> | undefined;
  const parts: { [K in keyof PresetParts]: () => Promise<PresetParts[K]> } = {
    // A fresh branch-and-bound wrapper per dispatcher around the process-wide HiGHS instance.
    solver: async () => packingBranchAndBound(await loadHighsBinarySolver()),
    forecast: () => (forecast ??= loadForecast(scenario)),
  };
  const runner: ScenarioRunner = {
    scenario,
    settings: { seed: settings.seed, seats: settings.seats, maxWaitS: settings.maxWaitS },
    forecast: parts.forecast,
    async dispatcher(name) {
      const preset = dispatcherPreset(name);
      // Filled with exactly the parts the preset names; its build function can read no others (see DispatcherPreset).
      const got = {} as PresetParts;
      const load = async <K extends keyof PresetParts>(need: K): Promise<void> => {
        got[need] = await parts[need]();
      };
      for (const need of preset.needs) await load(need);
      return preset.build(got);
    },
    async run(fleetSize, name, extra = {}) {
      const built = await runner.dispatcher(name);
      const dispatcher = extra.wrapDispatcher ? extra.wrapDispatcher(built) : built;
      const { eventSink, keepLog, onProgress, progressEveryS, subscribers } = extra;
      const t0 = performance.now();
      const result = simulate({
        graph: scenario.network.graph,
        travelTimes: scenario.network.travelTimes,
        requests: scenario.requests,
        fleetSize,
        spec: { seats: runner.settings.seats },
        dispatcher,
        seed: runner.settings.seed,
        maxWaitS: runner.settings.maxWaitS,
        ...(onProgress ? { onProgress, progressEveryS } : {}),
        ...(subscribers ? { subscribers } : {}),
        ...(eventSink ? { eventSink, keepLog: keepLog ?? false } : { keepLog: keepLog ?? true }),
      });
      return { result, wallS: (performance.now() - t0) / 1000 };
    },
  };
  return runner;
}
