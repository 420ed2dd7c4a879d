// `baton fleet-size`: the smallest fleet that picks up a target share of requests within a time limit, found by
// parallel bisection over simulations, printed beside the clairvoyant lower bound and the source's human fleet.
import type { Command } from 'commander';
import {
  FleetWorkerPool,
  defaultWorkerCount,
  scenarioFleetBound,
  scenarioServiceBound,
  searchFleetWithoutOperations,
  searchSmallestFleet,
  searchSmallestPool,
  simulateFleet,
  checkClairvoyantPlanSeats,
  scenarioClairvoyantPlan,
  withPathCover,
  workerScenarioFor,
  type FleetPoint,
  type FleetRunOptions,
  type OperatorSearchResult,
  type ScenarioBound,
  type ScenarioClairvoyantPlan,
  type ScenarioServiceBound,
  type SearchResult,
} from '../io/fleet-size.js';
import { formatSpan } from '../core/metrics/kpis.js';
import type { OperatingAreaSummary } from '../io/operating-area.js';
import { hasOperations, rideLimitsOf, type ScenarioRunner } from '../io/scenario-runner.js';
import { presetNeeds } from '../io/dispatchers.js';
import type { RideLimits } from '../core/dispatch/pooled.js';
import { breakdownStates, OPERATION_STATE_LABEL, type OperationName, type OperationsBreakdown } from '../core/metrics/operations-breakdown.js';
import type { Scenario } from '../io/scenario.js';
import { checkOutputs, writeOutputFile } from '../io/output-file.js';
import { parseFleetSizeSettings, type OptionKey } from '../io/settings.js';
import type { ForecastPart, ForecastSource } from '../io/forecast.js';
import { addSettingOptions, formatOperatingArea, forecastSourceWithNotice, openRunnerWithProgress, scenarioLine, SCENARIO_SETTINGS, settingInputs, tripRowsTable } from './scenario-cli.js';
import { emitJson, JSON_FLAGS, jsonFile, jsonHelp, jsonOnStdout, type JsonOption } from './json-option.js';

/** The settings `baton fleet-size` takes: the scenario's, the preset, and the search's own. */
const FLEET_SIZE_SETTINGS: readonly OptionKey[] = [...SCENARIO_SETTINGS, 'dispatcher', 'targetPct', 'withinS', 'min', 'max', 'tolerance', 'workers', 'also100', 'bound', 'clairvoyantPlan', 'planEffort', 'baseline', 'searchOperators'];

/** What fleet operations cost in cars: the fleet with them and without, and where the car-hours out of service went. */
export interface FleetOperationsOutput {
  /** The operations that were on. */
  on: OperationName[];
  /** The chosen fleet (with the operations). */
  fleetWith: number;
  /** Smallest fleet meeting the same target with every operation off (null if none did; absent with --no-baseline). */
  fleetWithout?: number | null;
  /** fleetWith − fleetWithout, and that as a % of fleetWithout. */
  extraCars?: number;
  extraPct?: number;
  /** Every fleet simulated without operations, and the notes of that search. */
  curveWithout?: FleetPoint[];
  notesWithout?: string[];
  /** At the chosen fleet, folded from its run's events: car-hours per state, mean and peak cars out of service. */
  breakdown: OperationsBreakdown;
}

/** Everything the command found, as written by --json. */
export interface FleetSizeOutput {
  dispatcher: string;
  /** What the preset's rebalancing forecast was built from: earlier days, the run's own past, or none. */
  forecastSource: ForecastSource | 'none';
  /** Pooled presets: the ride limit a shared rider was promised in every simulation (--min-detour, --detour-share). */
  rideLimits?: RideLimits;
  /** Target share of requests picked up within `withinS`, %. */
  targetPct: number;
  withinS: number;
  tolerance: number;
  requests: number;
  /** Smallest simulated fleet meeting the target (null if none did within the limits). */
  fleet: number | null;
  curve: FleetPoint[];
  notes: string[];
  /** Clairvoyant lower bound for single-rider cars serving 100 % of requests within `withinS`. */
  boundFleet?: number;
  bound?: ScenarioBound;
  /** chosen fleet / bound. */
  ratioToBound?: number;
  /** Lower bound for this target, wait limit and seats (car-time and path-cover proofs), any dispatcher. */
  serviceBound?: ScenarioServiceBound;
  /** Optimality gap: chosen fleet / serviceBound.fleet. */
  gapToBound?: number;
  /** With --clairvoyant-plan: a fleet that meets the target knowing every request, an upper bound on the optimum. */
  clairvoyantPlan?: ScenarioClairvoyantPlan;
  /** chosen fleet / clairvoyantPlan.fleet, at least 1: the optimality gap is at least this. */
  gapAtLeast?: number;
  /** Smallest simulated fleet serving 100 % within `withinS` (--also-100; null if none did), comparable with the bound. */
  fleetFor100Pct?: number | null;
  notes100?: string[];
  /**
   * With --search-operators: the smallest remote-operator pool that keeps the target at the chosen fleet (null if
   * even the configured pool, `configured`, misses it), and every pool simulated at that fleet.
   */
  operators?: { fleet: number; configured: number; found: number | null; curve: FleetPoint[]; notes: string[] };
  /** Distinct vehicles of the source that served the trips that day (SF cab_id). */
  humanFleet?: number;
  /** With --service-area or --avoid: what was cut, requests rejected outside, trip time increase. */
  operatingArea?: OperatingAreaSummary;
  /** With --chargers, --service-centres or --assist (and a fleet found): the fleet without them and why it differs. */
  operations?: FleetOperationsOutput;
  workers: number;
  workerLoadS?: number[];
  wallS: number;
}

const pct = (x: number): string => `${x.toFixed(1)} %`;
const minutes = (s: number): string => (Number.isFinite(s) ? `${(s / 60).toFixed(1)} min` : '–');

/**
 * The curve as a table: fleet → service level, share of requests served at all (a preset may reject or let cancel
 * riders it cannot pick up in time), mean wait, empty share, utilisation, trips per car (per day when a day or more was
 * simulated, else over the simulated span, and labelled so).
 */
export function formatCurve(curve: readonly FleetPoint[], withinS: number, targetPct: number, chosen?: number): string {
  const perDay = curve.length > 0 && curve.every((p) => Number.isFinite(p.tripsPerVehiclePerDay));
  const tripsHead = perDay || curve.length === 0 ? 'trips/car/day' : `trips/car over ${formatSpan(curve[0].spanS)}`;
  const head = ['fleet', `within ${withinS} s`, 'served', 'mean wait', 'p95 wait', 'empty km', 'utilisation', tripsHead, 'sim s'];
  const rows = curve.map((p) => [
    `${p.fleet}${p.fleet === chosen ? ' ◀' : ''}`,
    `${pct(p.servicePct)}${p.servicePct >= targetPct ? ' ✓' : '  '}`,
    pct(p.servedPct),
    minutes(p.waitMeanS),
    minutes(p.waitP95S),
    pct(100 * p.emptyShare),
    pct(100 * p.utilization),
    (perDay ? p.tripsPerVehiclePerDay : p.tripsPerVehicle).toFixed(1),
    p.wallS.toFixed(1),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string => cells.map((x, c) => x.padStart(widths[c])).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

/** Registers `baton fleet-size` (the shared scenario options plus the search's own). */
export function registerFleetSizeCommand(program: Command): void {
  const cmd = program
    .command('fleet-size')
    .description('smallest fleet that picks up a target share of requests within a time limit (bisection over simulations), beside the clairvoyant bound');
  const settingsOf = addSettingOptions(cmd, FLEET_SIZE_SETTINGS);
  cmd
    .option(JSON_FLAGS, jsonHelp('the curve, chosen fleet and bound'))
    .option('--report <file>', 'write a self-contained HTML report')
    .action(async (o: { json?: JsonOption; report?: string } & Record<string, unknown>) => {
      const t0 = performance.now();
      const settings = parseFleetSizeSettings(...(await settingsOf(o)));
      checkOutputs([jsonFile(o.json) === undefined ? undefined : { option: '--json', file: jsonFile(o.json)! }, o.report === undefined ? undefined : { option: '--report', file: o.report }], settingInputs(settings));
      const { targetPct, withinS, tolerance, min, max } = settings;
      // Before any simulation: the plan handles one or two seats only.
      if (settings.clairvoyantPlan) checkClairvoyantPlanSeats(settings.seats);
      const workers = settings.workers ?? defaultWorkerCount();
      const run: FleetRunOptions = { dispatcher: settings.dispatcher, withinS };

      const runner = await openRunnerWithProgress(settings);
      const scenario = runner.scenario;
      // Charging sites and service centres from files are read and checked (snapping, the battery against every trip)
      // here, before any worker starts; automatic ones depend on the fleet size and are checked by each run.
      if (settings.chargers !== undefined && settings.chargers !== 'auto') runner.chargingSites(1);
      if (settings.serviceCentres !== undefined && settings.serviceCentres !== 'auto') runner.serviceCentres(1);
      process.stderr.write(scenarioLine(scenario));
      if (scenario.operatingArea) process.stderr.write(`${formatOperatingArea(scenario.operatingArea).join('\n')}\n`);
      // Read once here (and handed to the workers), so every simulation of the search uses the same forecast source.
      const forecastSource = await forecastSourceWithNotice(runner, settings.dispatcher);
      const forecast = forecastSource === 'none' ? undefined : await runner.forecast();
      const engine = await startEngine(runner, settings.network, workers, settings.bound, forecast);
      try {
        const boundPromise = settings.bound ? engine.bound(withinS) : undefined;
        boundPromise?.catch(() => undefined); // awaited below
        // One line per simulated fleet, terminal or not: a search can take minutes and must not be silent.
        const tell = !process.env.BATON_NO_PROGRESS;
        const evaluate = async (fleets: number[]): Promise<FleetPoint[]> => {
          const points = await engine.simulate(fleets, run);
          if (tell) for (const p of points) process.stderr.write(`  ${p.fleet} cars: ${pct(p.servicePct)} within ${withinS} s (${p.wallS.toFixed(1)} s)\n`);
          return points;
        };
        const cap = Math.max(1, scenario.requests.length);
        const searchPromise = searchSmallestFleet(evaluate, {
          targetPct,
          tolerance,
          min,
          max,
          cap,
          start: Math.max(tolerance, Math.ceil(scenario.requests.length / 60)),
          parallel: Math.max(1, workers),
        });
        searchPromise.catch(() => undefined); // awaited below
        // NOTE: the bound for the target runs in this thread once the first simulations are under way (the worker
        // protocol carries no target); replies wait for it, the workers do not.
        const servicePromise = o.bound ? serviceBoundSoon(scenario, { withinS, targetPct, maxWaitS: runner.settings.maxWaitS, seats: runner.settings.seats }) : undefined;
        servicePromise?.catch(() => undefined); // awaited below
        const search: SearchResult = await searchPromise;
        let search100: SearchResult | undefined;
        if (settings.also100) {
          const lo = Math.max(0, ...search.curve.filter((p) => p.servicePct < 100).map((p) => p.fleet));
          search100 = await searchSmallestFleet(evaluate, {
            targetPct: 100,
            tolerance,
            max,
            cap,
            start: Math.max(tolerance, Math.ceil(lo / 2)),
            parallel: Math.max(1, workers),
            known: search.curve,
          });
        }
        const operations = hasOperations(runner.settings) && search.fleet !== undefined
          ? await operationsComparison(search, runner, settings.baseline, { targetPct, tolerance, parallel: Math.max(1, workers), cap: max ?? cap }, async (fleets) => {
              const points = await engine.simulate(fleets, { ...run, withoutOperations: true });
              if (tell) for (const p of points) process.stderr.write(`  ${p.fleet} cars without operations: ${pct(p.servicePct)} within ${withinS} s (${p.wallS.toFixed(1)} s)\n`);
              return points;
            })
          : undefined;
        // The operator pool at the fleet found, with the same target and limit (the fleet's own run is the largest pool).
        let operators: FleetSizeOutput['operators'];
        if (settings.searchOperators && search.fleet !== undefined) {
          const fleet = search.fleet;
          const configured = settings.assistOperators;
          const pools: OperatorSearchResult = await searchSmallestPool(
            async (ks) => {
              const points = (await Promise.all(ks.map((k) => engine.simulate([fleet], { ...run, assistOperators: k })))).flat();
              if (tell) for (const p of points) process.stderr.write(`  ${fleet} cars, ${p.assistOperators} operator${p.assistOperators === 1 ? '' : 's'}: ${pct(p.servicePct)} within ${withinS} s (${p.wallS.toFixed(1)} s)\n`);
              return points;
            },
            { targetPct, max: configured, parallel: Math.max(1, workers), known: search.curve.filter((p) => p.fleet === fleet) },
          );
          operators = { fleet, configured, found: pools.operators ?? null, curve: pools.curve, notes: pools.notes };
        }
        const bound = await boundPromise;
        const serviceOnly = await servicePromise;
        const service = serviceOnly && bound ? withPathCover(serviceOnly, bound) : serviceOnly;
        // The ride limit every simulation promised (pooled presets) and the clairvoyant plan keeps.
        const rideLimits = rideLimitsOf(runner.settings);
        // From the fleet found (or the search's top) down to the lower bound: what a clairvoyant plan needs.
        const plan = settings.clairvoyantPlan
          ? scenarioClairvoyantPlan(scenario.network.graph, scenario.network.travelTimes, scenario.network.speedProfile, scenario.requests, {
              withinS,
              targetPct,
              seats: runner.settings.seats,
              rideLimits,
              effort: settings.planEffort,
              minFleet: service?.fleet ?? 1,
              startFleet: search.fleet ?? max ?? Math.max(1, ...search.curve.map((p) => p.fleet)),
              onPlan: (fleet, counted, effort) => {
                const how = effort === 'thorough' ? ' (thorough)' : '';
                if (tell) process.stderr.write(`  clairvoyant plan${how}, ${fleet} cars: ${pct((100 * counted) / Math.max(1, scenario.requests.length))} within ${withinS} s\n`);
              },
            })
          : undefined;
        const curve = mergeCurves(search.curve, search100?.curve ?? []);
        const out: FleetSizeOutput = {
          dispatcher: settings.dispatcher,
          forecastSource,
          ...(presetNeeds(settings.dispatcher, 'rideLimits') ? { rideLimits } : {}),
          targetPct,
          withinS,
          tolerance,
          requests: scenario.requests.length,
          fleet: search.fleet ?? null,
          curve: curve.map(withoutBreakdown),
          notes: search.notes,
          ...(bound ? { boundFleet: bound.fleet, bound } : {}),
          ...(bound && search.fleet !== undefined && bound.fleet > 0 ? { ratioToBound: round3(search.fleet / bound.fleet) } : {}),
          ...(service ? { serviceBound: service } : {}),
          ...(service && search.fleet !== undefined && service.fleet > 0 ? { gapToBound: round3(search.fleet / service.fleet) } : {}),
          ...(plan ? { clairvoyantPlan: { ...plan, wallS: round3(plan.wallS) } } : {}),
          ...(plan && search.fleet !== undefined && plan.fleet > 0 ? { gapAtLeast: round3(Math.max(1, search.fleet / plan.fleet)) } : {}),
          ...(search100 ? { fleetFor100Pct: search100.fleet ?? null, notes100: search100.notes } : {}),
          ...(operators ? { operators } : {}),
          ...(settings.searchOperators && !operators ? { notes: [...search.notes, 'no operator search: no fleet met the target'] } : {}),
          ...(scenario.humanFleet !== undefined ? { humanFleet: scenario.humanFleet } : {}),
          ...(scenario.operatingArea ? { operatingArea: scenario.operatingArea } : {}),
          ...(operations ? { operations } : {}),
          workers,
          ...(engine.loadS ? { workerLoadS: engine.loadS.map(round3) } : {}),
          wallS: round3((performance.now() - t0) / 1000),
        };
        if (!jsonOnStdout(o.json)) process.stdout.write(`${formatFleetSize(out)}\n${tripRowsTable(scenario)}`);
        emitJson(o.json, out);
        if (o.report) await writeReport(o.report, out, runner);
      } finally {
        await engine.close();
      }
    });
}

/** Human-readable result: the curve, the chosen fleet, the bound with the ratio, the 100 % fleet and the human fleet. */
export function formatFleetSize(r: FleetSizeOutput): string {
  const lines: string[] = [];
  const limits = r.rideLimits ? `; shared rides within max(${r.rideLimits.minDetourS} s, ${r.rideLimits.detourShare} × direct) of the direct ride` : '';
  lines.push(`${r.dispatcher}: smallest fleet picking up ≥ ${r.targetPct} % of ${r.requests} requests within ${r.withinS} s (±${r.tolerance} cars${limits})`);
  lines.push('');
  lines.push(formatCurve(r.curve, r.withinS, r.targetPct, r.fleet ?? undefined));
  lines.push('');
  const row = (label: string, text: string): string => `${label.padEnd(20)} ${text}`;
  lines.push(row('chosen fleet', r.fleet !== null ? `${r.fleet} cars (simulated ${r.dispatcher}, ${r.targetPct} % within ${r.withinS} s)` : 'none: see the notes'));
  if (r.operations) lines.push(...formatOperations(r.operations, r.targetPct, r.withinS));
  if (r.boundFleet !== undefined && r.bound) {
    lines.push(
      row(
        'clairvoyant bound',
        `${r.boundFleet} cars for 100 % within ${r.withinS} s (lower bound for single-rider cars knowing every request in advance; ` +
          `pooling can beat it); computed in ${r.bound.wallS.toFixed(1)} s`,
      ),
    );
    if (r.ratioToBound !== undefined && !r.serviceBound) lines.push(row('chosen / bound', `${r.ratioToBound.toFixed(2)} (note: the chosen fleet is for ${r.targetPct} %, the bound for 100 %)`));
  }
  const sb = r.serviceBound;
  if (sb) {
    const clock = (t: number): string => `${String(Math.floor(t / 3600)).padStart(2, '0')}:${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}`;
    const where = sb.windows.map((w) => `${clock(w.startS)}–${clock(w.endS)}`).join(', ');
    const need = sb.windows.reduce((s, w) => s + w.skips, 0);
    const proof = sb.skipsAllowed > 0 ? `requested ${where} would need ${need} to miss, ${sb.skipsAllowed} may` : `car time of the requests of ${where}`;
    lines.push(
      row(
        'bound for target',
        `${sb.fleet} cars with ${sb.seats} seat${sb.seats === 1 ? '' : 's'} (${sb.singleRiderFleet} carrying one rider at a time) for ${sb.targetPct} % within ${sb.withinS} s: ` +
          `no dispatcher, even knowing every request in advance, needs fewer (${proof}); computed in ${sb.wallS.toFixed(1)} s`,
      ),
    );
    if (r.gapToBound !== undefined && r.fleet !== null) {
      lines.push(row('optimality gap', `${r.gapToBound.toFixed(2)} = chosen / bound for target (${(r.fleet / Math.max(1, sb.singleRiderFleet)).toFixed(2)} against the one-rider bound)`));
    }
  }
  const cp = r.clairvoyantPlan;
  if (cp) {
    const limits = cp.rideLimits ? `, rides within max(${cp.rideLimits.minDetourS} s, ${cp.rideLimits.detourShare} × direct) of the direct ride` : '';
    lines.push(
      row(
        'clairvoyant plan',
        `${cp.fleet} cars with ${cp.seats} seat${cp.seats === 1 ? '' : 's'} meet ${cp.targetPct} % within ${cp.withinS} s knowing every request in advance ` +
          `(${cp.counted} picked up in time, ${cp.sharedRiders} riders sharing${limits}; checked stop by stop): the optimum needs no more; ${cp.effort} effort, computed in ${cp.wallS.toFixed(1)} s`,
      ),
    );
    if (r.gapAtLeast !== undefined) {
      const upper = r.gapToBound !== undefined ? ` and at most ${r.gapToBound.toFixed(2)} (chosen / bound)` : '';
      lines.push(row('gap to the optimum', `at least ${r.gapAtLeast.toFixed(2)} (chosen / plan)${upper}`));
    }
  }
  if (r.notes100) {
    const text = typeof r.fleetFor100Pct === 'number' ? `${r.fleetFor100Pct} cars (simulated ${r.dispatcher})` : 'not reached: see the notes';
    lines.push(row('fleet for 100 %', text + (typeof r.fleetFor100Pct === 'number' && r.boundFleet ? `, ${(r.fleetFor100Pct / r.boundFleet).toFixed(2)} × the bound` : '')));
  }
  const ops = r.operators;
  if (ops) {
    const text =
      ops.found !== null
        ? `${ops.found} remote operator${ops.found === 1 ? '' : 's'} keep ≥ ${r.targetPct} % within ${r.withinS} s at ${ops.fleet} cars (of ${ops.configured} configured; ${ops.curve.length} pools simulated)`
        : `not even the ${ops.configured} configured keep the target at ${ops.fleet} cars`;
    lines.push(row('operators', text));
    for (const p of ops.curve) {
      const wait = p.assistWaitMeanS !== undefined && Number.isFinite(p.assistWaitMeanS) ? `${p.assistWaitMeanS.toFixed(0)} s` : '–';
      lines.push(
        row(
          '',
          `${String(p.assistOperators).padStart(4)}${p.assistOperators === ops.found ? ' ◀' : '  '}  ${pct(p.servicePct)}${p.servicePct >= r.targetPct ? ' ✓' : '  '}  ` +
            `wait for an operator ${wait}, operators ${pct(100 * (p.operatorUtilisation ?? 0))} busy`,
        ),
      );
    }
    for (const n of ops.notes) lines.push(row('note', `operators: ${n}`));
  }
  if (r.humanFleet !== undefined) lines.push(row('human fleet', `${r.humanFleet} cabs served these requests that day (distinct cab ids in the source)`));
  for (const n of [...r.notes, ...(r.notes100 ?? []).map((x) => `100 %: ${x}`)]) lines.push(row('note', n));
  const without = r.operations?.curveWithout?.length ?? 0;
  const simulations = r.curve.length + (r.operators ? r.operators.curve.length - 1 : 0);
  lines.push(row('wall time', `${r.wallS.toFixed(1)} s, ${simulations} simulations${without > 0 ? ` (+ ${without} without operations)` : ''} on ${r.workers || 'no'} worker thread${r.workers === 1 ? '' : 's'}`));
  return lines.join('\n');
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

const OPERATION_WORDS: Record<OperationName, string> = { charging: 'charging', servicing: 'cleaning and maintenance', assistance: 'remote assistance' };

const clockOf = (t: number): string => `${String(Math.floor(t / 3600) % 24).padStart(2, '0')}:${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}`;

/**
 * The operations lines of the text output: the fleet without them, what they cost in cars, and why: a table of
 * car-hours per state at the chosen fleet, each also as cars (car-hours / span hours), the mean and the peak.
 */
export function formatOperations(o: FleetOperationsOutput, targetPct: number, withinS: number): string[] {
  const row = (label: string, text: string): string => `${label.padEnd(20)} ${text}`;
  const lines = [row('operations on', o.on.map((x) => OPERATION_WORDS[x]).join(', '))];
  if (o.fleetWithout === null) lines.push(row('without operations', 'no fleet met the target: see the notes'));
  else if (o.fleetWithout !== undefined) {
    lines.push(
      row(
        'without operations',
        `${o.fleetWithout} cars for ${targetPct} % within ${withinS} s with every operation off: operations cost ` +
          `${o.extraCars! >= 0 ? '+' : ''}${o.extraCars} car${Math.abs(o.extraCars!) === 1 ? '' : 's'} (${o.extraPct! >= 0 ? '+' : ''}${o.extraPct!.toFixed(1)} %)`,
      ),
    );
  }
  const b = o.breakdown;
  const span = formatSpan(b.spanS);
  lines.push(row(`why, at ${o.fleetWith} cars`, `car-hours out of service by what the cars were doing (cars = car-hours / ${span})`));
  const states = breakdownStates(o.on, b);
  const labels = [...states.map((s) => OPERATION_STATE_LABEL[s]), 'total out of service'];
  const width = Math.max(...labels.map((l) => l.length));
  const cell = (label: string, hours: number, cars: number): string => `  ${label.padEnd(width)}  ${hours.toFixed(1).padStart(8)} car-h  ${cars.toFixed(1).padStart(6)} cars`;
  for (const s of states) lines.push(cell(OPERATION_STATE_LABEL[s], b.carHours[s], b.equivalentCars[s]));
  lines.push(cell('total out of service', b.totalCarHours, b.meanCarsOut));
  lines.push(
    row(
      'cars out of service',
      `${b.meanCarsOut.toFixed(1)} on average over ${span}, ${b.peakCarsOut} at the peak (${clockOf(b.peakAtS)}); ` +
        `${b.counts.chargingSessions} charging sessions, ${b.counts.cleanings} cleanings, ${b.counts.maintenances} maintenances, ${b.counts.assists} assists`,
    ),
  );
  for (const n of o.notesWithout ?? []) lines.push(row('note', `without operations: ${n}`));
  return lines;
}

/** A curve point as written out: the breakdown of every point would swamp the JSON; the chosen one's is kept apart. */
function withoutBreakdown(p: FleetPoint): FleetPoint {
  const { operations: _, ...rest } = p;
  return rest;
}

/**
 * The fleet with operations against the fleet without them (unless `baseline` is false), and the breakdown at the
 * chosen fleet (from the run that chose it). The search without operations is bracketed by the chosen fleet and a
 * fleet the peak of cars out of service below it.
 */
async function operationsComparison(
  search: SearchResult,
  runner: ScenarioRunner,
  baseline: boolean,
  o: { targetPct: number; tolerance: number; parallel: number; cap: number },
  evaluateWithout: (fleets: number[]) => Promise<FleetPoint[]>,
): Promise<FleetOperationsOutput | undefined> {
  const fleetWith = search.fleet!;
  const breakdown = search.curve.find((p) => p.fleet === fleetWith)?.operations;
  if (!breakdown) return undefined;
  const s = runner.settings;
  const on: OperationName[] = [
    ...(s.chargers !== undefined ? (['charging'] as const) : []),
    ...(s.serviceCentres !== undefined ? (['servicing'] as const) : []),
    ...(s.assist ? (['assistance'] as const) : []),
  ];
  if (!baseline) return { on, fleetWith, breakdown };
  const without = await searchFleetWithoutOperations(evaluateWithout, { ...o, withOperations: fleetWith, firstStepDown: breakdown.peakCarsOut });
  const fleetWithout = without.fleet ?? null;
  return {
    on,
    fleetWith,
    fleetWithout,
    ...(fleetWithout !== null ? { extraCars: fleetWith - fleetWithout, extraPct: round3((100 * (fleetWith - fleetWithout)) / fleetWithout) } : {}),
    curveWithout: without.curve,
    notesWithout: without.notes,
    breakdown,
  };
}

/** The bound for the target, computed in this thread after the current tick (so jobs already posted start first). */
function serviceBoundSoon(scenario: Scenario, o: { withinS: number; targetPct: number; maxWaitS: number; seats: number }): Promise<ScenarioServiceBound> {
  return new Promise((resolve, reject) =>
    setImmediate(() => {
      try {
        const n = scenario.network;
        resolve(scenarioServiceBound(n.travelTimes, n.speedProfile, scenario.requests, o));
      } catch (err) {
        reject(err);
      }
    }),
  );
}

function mergeCurves(a: readonly FleetPoint[], b: readonly FleetPoint[]): FleetPoint[] {
  const m = new Map<number, FleetPoint>();
  for (const p of [...a, ...b]) m.set(p.fleet, p);
  return [...m.values()].sort((x, y) => x.fleet - y.fleet);
}

/** Runs simulations and the bound: on worker threads, or in this thread when `workers` is 0. */
interface SizingEngine {
  simulate(fleets: number[], run: FleetRunOptions): Promise<FleetPoint[]>;
  bound(withinS: number): Promise<ScenarioBound>;
  loadS?: number[];
  close(): Promise<void>;
}

async function startEngine(
  runner: ScenarioRunner,
  networkInputs: readonly string[],
  workers: number,
  withBound: boolean,
  forecast: ForecastPart | undefined,
): Promise<SizingEngine> {
  if (workers === 0) {
    return {
      simulate: async (fleets, run) => {
        const out: FleetPoint[] = [];
        for (const f of fleets) out.push(await simulateFleet(runner, f, run));
        return out;
      },
      bound: async (withinS) => {
        const { network: n, requests } = runner.scenario;
        return scenarioFleetBound(n.graph, n.travelTimes, n.speedProfile, requests, { withinS });
      },
      close: async () => undefined,
    };
  }
  const { data, cleanup } = workerScenarioFor(runner, networkInputs, forecast);
  // One extra thread for the bound, so that the search's rounds never wait behind it (it competes for the cores
  // only while it runs, then takes simulations like the others).
  const pool = new FleetWorkerPool(data, workers + (withBound ? 1 : 0));
  try {
    await pool.whenReady();
  } catch (err) {
    await pool.close();
    cleanup();
    throw err;
  }
  return {
    simulate: (fleets, run) => Promise.all(fleets.map((f) => pool.simulate(f, run))),
    bound: (withinS) => pool.bound(withinS),
    loadS: pool.loadS,
    close: async () => {
      await pool.close();
      cleanup();
    },
  };
}

/** Writes the HTML report through the report module's renderFleetSizeReport. */
async function writeReport(file: string, r: FleetSizeOutput, runner: ScenarioRunner): Promise<void> {
  if (r.fleet === null) {
    process.stderr.write('report: no fleet met the target, so there is no report to draw\n');
    return;
  }
  const { renderFleetSizeReport } = await import('../io/report/fleet-size.js');
  const html = renderFleetSizeReport(r.curve, {
    target: r.targetPct,
    chosenFleet: r.fleet,
    boundFleet: r.serviceBound?.fleet ?? r.boundFleet,
    ...(r.clairvoyantPlan ? { planFleet: r.clairvoyantPlan.fleet } : {}),
    humanFleet: r.humanFleet,
    withinS: r.withinS,
    ...(r.operators
      ? {
          operators: {
            fleet: r.operators.fleet,
            configured: r.operators.configured,
            found: r.operators.found,
            points: r.operators.curve.map((p) => ({ operators: p.assistOperators!, servicePct: p.servicePct, assistWaitMeanS: p.assistWaitMeanS, operatorUtilisation: p.operatorUtilisation })),
          },
        }
      : {}),
    scenario: { ...runner.scenario.description, dispatcher: r.dispatcher, seed: runner.settings.seed, fleet: r.fleet },
    ...(r.operations ? { operations: r.operations } : {}),
  });
  writeOutputFile(file, html, '--report');
}
