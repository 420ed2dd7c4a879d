// The one path from settings to simulated runs: load the scenario (network, travel times, trips with their reject
// counts), prepare what dispatcher presets need (solver, forecast), and run the engine on it. simulate, compare,
// fleet-size (and its worker threads) and the benchmarks all run scenarios through here. With --chargers it places or
// reads the charging sites and checks, before any run, that the fleet can serve every trip at all. With
// --service-centres and --assist it adds cleaning, maintenance and remote assistance (decision 0012).
import { DEFAULT_SITE_PLACEMENT, placeChargingSites } from '../core/dispatch/charging-sites.js';
import { DEFAULT_SNAP_CUTOFF_M } from '../core/network/snap.js';
import type { ChargingSite, Dispatcher, ServiceCentre } from '../core/dispatch/types.js';
import { DEFAULT_ASSISTANCE, type AssistanceOptions } from '../core/sim/assistance.js';
import { DEFAULT_SERVICING, type ServicingOptions } from '../core/sim/servicing.js';
import { DEFAULT_VEHICLE_SPEC } from '../core/sim/engine.js';
import { DEFAULT_RIDE_LIMITS, type RideLimits } from '../core/dispatch/pooled.js';
import { EnergyModel, unservableTrips } from '../core/sim/energy.js';
import { simulate, type EventSubscriber, type SimResult } from '../core/simulate.js';
import type { SimEvent } from '../core/sim/events.js';
import { readAssistRates, type AssistRates } from './assist-areas.js';
import { readChargingSites } from './chargers.js';
import { readServiceCentres } from './service-centres.js';
import { dispatcherPreset, presetNeeds, type DispatcherName, type PresetParts } from './dispatchers.js';
import { loadForecastPart, type ForecastPart, type ForecastSource } from './forecast.js';
import { loadPooledSolver } from './highs-ilp.js';
import { SolverThreads } from './solver-threads.js';
import { loadScenario, type Scenario, type ScenarioProgress } from './scenario.js';
import { SettingsError, type RunSettings, type ScenarioSettings } from './settings.js';

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
  /** Log why each plan was given (PlanExplained events, decision 0022); default off. */
  explain?: boolean;
  /** Run with charging sites, service centres and remote assistance off, as if none of their options were given
   *  (fleet-size's comparison: the same scenario without operations). */
  withoutOperations?: boolean;
  /** With --assist: remote operators on duty in this run instead of --assist-operators (fleet-size --search-operators). */
  assistOperators?: number;
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
  /** The scenario's demand forecast, read once, on first use (only presets that rebalance need it): from earlier
   *  days, or, where the trip file has none, the zones of a causal forecast each run learns from its own past. */
  forecast(): Promise<ForecastPart>;
  /** Where a preset's forecast comes from ('none' for presets without one); reads the forecast if needed. */
  forecastSource(name: DispatcherName): Promise<ForecastSource | 'none'>;
  /** A fresh dispatcher of the named preset, its parts prepared. */
  dispatcher(name: DispatcherName): Promise<Dispatcher>;
  /** Simulates `fleetSize` cars under a fresh dispatcher of the named preset. */
  run(fleetSize: number, dispatcher: DispatcherName, extra?: RunExtras): Promise<RunOutcome>;
  /** The charging sites a run of `fleetSize` cars gets (none without --chargers), checked against every trip. */
  chargingSites(fleetSize: number): ChargingSite[];
  /** The service centres a run of `fleetSize` cars gets (none without --service-centres). */
  serviceCentres(fleetSize: number): ServiceCentre[];
  /** With --assist-areas: what each area of the file covers (read, checked and turned into node rates up front). */
  readonly assistAreas?: AssistRates;
  /** Ends what the runs left running: the solver threads of --solver-threads (none otherwise). Runs after it solve on
   *  this thread alone. */
  close(): Promise<void>;
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

/**
 * A runner for a scenario already loaded (fleet-size workers rebuild theirs from a network file and cloned requests,
 * and are handed the forecast the main thread read, `preloaded`, instead of reading the trip file again).
 */
export function scenarioRunner(scenario: Scenario, settings: RunSettings, preloaded: { forecast?: ForecastPart } = {}): ScenarioRunner {
  let forecast: Promise<ForecastPart> | undefined = preloaded.forecast ? Promise.resolve(preloaded.forecast) : undefined;
  const energy = energySettings(settings);
  const rideLimits = rideLimitsOf(settings);
  // With --solver-threads N > 1: one pool of solver threads, started at the first dispatcher that needs a solver and
  // shared by every run of this runner (decision 0030).
  const solverThreads = settings.solverThreads ?? 1;
  let threads: Promise<SolverThreads> | undefined;
  const parts: { [K in keyof PresetParts]: () => Promise<PresetParts[K]> } = {
    // A fresh solver chain per dispatcher around the process-wide HiGHS instance (decision 0026).
    solver: async () => loadPooledSolver(solverThreads > 1 ? await (threads ??= SolverThreads.start(solverThreads)) : undefined),
    forecast: () => (forecast ??= loadForecastPart(scenario)),
    charging: async () => ({ chargeBelowShare: energy.chargeBelow, chargeToShare: energy.chargeTo }),
    rideLimits: async () => ({ ...rideLimits }),
  };
  const sites = chargingSitesOf(scenario, settings.seed, energy);
  const ops = operationsSettings(settings);
  const centres = serviceCentresOf(scenario, settings.seed, ops, energy.carsPerSite);
  // Read here, before any run, so that a bad areas file stops the command at once (fleet-size: before the workers start).
  const assistAreas = ops.assist && ops.assistAreas ? readAssistRates(ops.assistAreas, scenario.network.graph, ops.assistRate) : undefined;
  const assistance: AssistanceOptions | undefined = ops.assist
    ? { per1000Km: ops.assistRate, operators: ops.assistOperators, serviceS: ops.assistTimeS, ...(assistAreas ? { per1000KmByNode: assistAreas.per1000KmByNode } : {}) }
    : undefined;
  const runner: ScenarioRunner = {
    scenario,
    settings: { seed: settings.seed, seats: settings.seats, maxWaitS: settings.maxWaitS, ...rideLimits, ...energy, ...ops },
    forecast: parts.forecast,
    async forecastSource(name) {
      return presetNeeds(name, 'forecast') ? (await parts.forecast()).source : 'none';
    },
    chargingSites: sites,
    serviceCentres: centres,
    ...(assistAreas ? { assistAreas } : {}),
    async close() {
      const started = threads;
      threads = undefined;
      if (started) await (await started).close();
    },
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
      const { eventSink, keepLog, onProgress, progressEveryS, subscribers, explain } = extra;
      const operations = !extra.withoutOperations;
      const chargingSites = operations ? sites(fleetSize) : [];
      const serviceCentres = operations ? centres(fleetSize) : [];
      const servicing: ServicingOptions | undefined =
        serviceCentres.length > 0
          ? { centres: serviceCentres, cleanEveryTrips: ops.cleanEveryTrips, messProbability: ops.messProbability, maintainEveryS: Math.round(ops.maintainEveryH * 3600) }
          : undefined;
      const t0 = performance.now();
      const result = simulate({
        graph: scenario.network.graph,
        travelTimes: scenario.network.travelTimes,
        requests: scenario.requests,
        fleetSize,
        spec: { seats: runner.settings.seats, batteryKwh: energy.batteryKwh, energyKwhPerKm: energy.energyKwhPerKm, reserveKwh: energy.reserveKwh },
        ...(chargingSites.length > 0 ? { chargingSites } : {}),
        ...(servicing ? { servicing } : {}),
        ...(assistance && operations ? { assistance: extra.assistOperators !== undefined ? { ...assistance, operators: extra.assistOperators } : assistance } : {}),
        dispatcher,
        seed: runner.settings.seed,
        maxWaitS: runner.settings.maxWaitS,
        ...(onProgress ? { onProgress, progressEveryS } : {}),
        ...(subscribers ? { subscribers } : {}),
        ...(explain ? { explain } : {}),
        ...(eventSink ? { eventSink, keepLog: keepLog ?? false } : { keepLog: keepLog ?? true }),
      });
      return { result, wallS: (performance.now() - t0) / 1000 };
    },
  };
  return runner;
}

/** Whether runs of these settings have any fleet operation on: charging sites, service centres or remote assistance. */
export function hasOperations(s: RunSettings): boolean {
  return s.chargers !== undefined || s.serviceCentres !== undefined || s.assist === true;
}

/** The pooled presets' ride limit, the defaults filled in (runners built from bare run settings get the schema's). */
export function rideLimitsOf(s: RunSettings): RideLimits {
  return { minDetourS: s.minDetourS ?? DEFAULT_RIDE_LIMITS.minDetourS, detourShare: s.detourShare ?? DEFAULT_RIDE_LIMITS.detourShare };
}

/** The energy settings with their defaults filled in (runners built from bare run settings get the schema's). */
function energySettings(s: RunSettings) {
  return {
    ...(s.chargers !== undefined ? { chargers: s.chargers } : {}),
    batteryKwh: s.batteryKwh ?? DEFAULT_VEHICLE_SPEC.batteryKwh,
    energyKwhPerKm: s.energyKwhPerKm ?? DEFAULT_VEHICLE_SPEC.energyKwhPerKm,
    reserveKwh: s.reserveKwh ?? DEFAULT_VEHICLE_SPEC.reserveKwh,
    chargerPowerKw: s.chargerPowerKw,
    plugsPerCar: s.plugsPerCar,
    carsPerSite: s.carsPerSite,
    chargeBelow: s.chargeBelow,
    chargeTo: s.chargeTo,
  };
}

/** The cleaning, maintenance and assistance settings with their defaults filled in. */
function operationsSettings(s: RunSettings) {
  return {
    ...(s.serviceCentres !== undefined ? { serviceCentres: s.serviceCentres } : {}),
    cleanEveryTrips: s.cleanEveryTrips ?? DEFAULT_SERVICING.cleanEveryTrips,
    messProbability: s.messProbability ?? DEFAULT_SERVICING.messProbability,
    maintainEveryH: s.maintainEveryH ?? DEFAULT_SERVICING.maintainEveryH,
    cleaningS: s.cleaningS ?? DEFAULT_SERVICING.cleaningS,
    maintenanceS: s.maintenanceS ?? DEFAULT_SERVICING.maintenanceS,
    baysPerCar: s.baysPerCar ?? DEFAULT_SERVICING.baysPerCar,
    assist: s.assist ?? false,
    assistRate: s.assistRate ?? DEFAULT_ASSISTANCE.per1000Km,
    assistOperators: s.assistOperators ?? DEFAULT_ASSISTANCE.operators,
    assistTimeS: s.assistTimeS ?? DEFAULT_ASSISTANCE.serviceS,
    ...(s.assistAreas !== undefined ? { assistAreas: s.assistAreas } : {}),
  };
}

/**
 * The service centres per fleet size: none without --service-centres; the file's (read and snapped once); or `auto`:
 * the automatic charging-site rule (k-means on the pickups, one centre per --cars-per-site cars, with the same seed, so
 * that with --chargers auto every centre shares its node with a charging site), with --bays-per-car bays over all.
 */
function serviceCentresOf(scenario: Scenario, seed: number, o: ReturnType<typeof operationsSettings>, carsPerSite: number | undefined): (fleetSize: number) => ServiceCentre[] {
  if (!o.serviceCentres) return () => [];
  const { graph } = scenario.network;
  let fromFile: ServiceCentre[] | undefined;
  return (fleetSize) => {
    if (o.serviceCentres !== 'auto') {
      return (fromFile ??= readServiceCentres(o.serviceCentres!, graph, {
        snapCutoffM: scenario.history?.snapCutoffM ?? DEFAULT_SNAP_CUTOFF_M,
        cleaningS: o.cleaningS,
        maintenanceS: o.maintenanceS,
      }));
    }
    const reqs = scenario.requests;
    const placed = placeChargingSites(
      { lat: reqs.map((t) => t.pickupLat), lon: reqs.map((t) => t.pickupLon), node: reqs.map((t) => t.pickupNode) },
      { fleetSize, seed, carsPerSite: carsPerSite ?? DEFAULT_SITE_PLACEMENT.carsPerSite, plugsPerCar: o.baysPerCar },
    );
    return placed.map((p) => ({ node: p.node, bays: p.plugs, cleaningS: o.cleaningS, maintenanceS: o.maintenanceS }));
  };
}

/**
 * The charging sites per fleet size: none without --chargers; the file's (read and snapped once); or placed by the
 * automatic rule on the scenario's pickups (k and plugs scale with the fleet). Each set of sites is checked once
 * against every trip: a battery that cannot serve some trip even full from the nearest charger is an error.
 */
function chargingSitesOf(scenario: Scenario, seed: number, e: ReturnType<typeof energySettings>): (fleetSize: number) => ChargingSite[] {
  if (!e.chargers) return () => [];
  const { graph, travelTimes } = scenario.network;
  let fromFile: ChargingSite[] | undefined;
  const checked = new Map<string, ChargingSite[]>();
  return (fleetSize) => {
    let sites: ChargingSite[];
    if (e.chargers === 'auto') {
      const reqs = scenario.requests;
      sites = placeChargingSites(
        { lat: reqs.map((t) => t.pickupLat), lon: reqs.map((t) => t.pickupLon), node: reqs.map((t) => t.pickupNode) },
        { fleetSize, seed, carsPerSite: e.carsPerSite, plugsPerCar: e.plugsPerCar, powerKw: e.chargerPowerKw },
      );
    } else {
      sites = fromFile ??= readChargingSites(e.chargers!, graph, { snapCutoffM: scenario.history?.snapCutoffM ?? DEFAULT_SNAP_CUTOFF_M, defaultPowerKw: e.chargerPowerKw ?? DEFAULT_SITE_PLACEMENT.powerKw });
    }
    const key = JSON.stringify(sites);
    const known = checked.get(key);
    if (known) return known;
    const model = new EnergyModel(graph, travelTimes, sites, { batteryKwh: e.batteryKwh, energyKwhPerKm: e.energyKwhPerKm, reserveKwh: e.reserveKwh });
    const { count, worst } = unservableTrips(model, scenario.requests);
    if (worst) {
      const km = (m: number) => (m / 1000).toFixed(1);
      const t = scenario.requests[worst.index];
      const need = worst.fromChargerM + worst.tripM + worst.toChargerM;
      throw new SettingsError(
        `--battery ${e.batteryKwh} kWh is too small: ${count} trip${count > 1 ? 's' : ''} cannot be served even on a full battery, the longest ` +
          `"${t.id}" needing ${km(worst.fromChargerM)} km from the nearest charger to its pickup, ${km(worst.tripM)} km to its drop-off and ` +
          `${km(worst.toChargerM)} km on to a charger (${km(need)} km), while a full battery less the --reserve of ${e.reserveKwh} kWh drives ` +
          `${km(model.rangeM(e.batteryKwh, e.reserveKwh))} km at --consumption ${e.energyKwhPerKm} kWh/km`,
      );
    }
    checked.set(key, sites);
    return sites;
  };
}
