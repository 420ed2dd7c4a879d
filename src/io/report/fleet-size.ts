// The HTML report of a fleet-size search: service level against fleet size with the target, the chosen fleet, the
// clairvoyant lower bound and the source's human fleet marked, plus what the fleet size does to waits and vehicle use.
import { formatSpan } from '../../core/metrics/kpis.js';
import { breakdownStates, OPERATION_STATE_LABEL, type OperationName, type OperationsBreakdown } from '../../core/metrics/operations-breakdown.js';
import { formatDuration, operationsOverDayChart, type ChartSpec, type MarkerSpec, type SeriesSpec, type ValueFormat } from './charts.js';
import { figure, grid, kpiCards, renderPage, section, table, type Cell } from './page.js';
import { attributionLines, scenarioFacts, type ScenarioInfo } from './scenario.js';

/** One simulated fleet size (the shape of `FleetPoint` in src/io/fleet-size.ts; extra fields are ignored). */
export interface FleetSizePoint {
  fleet: number;
  /** Share of all requests picked up within the service window, %. */
  servicePct: number;
  waitMeanS: number;
  /** Share 0–1 of vehicle km driven empty. */
  emptyShare: number;
  /** Share 0–1 of vehicle time with a rider on board. */
  utilization: number;
  /** NaN when less than a day was simulated: the report then shows trips over `spanS` (tripsPerVehicle). */
  tripsPerVehiclePerDay: number;
  tripsPerVehicle?: number;
  spanS?: number;
  /** Optional extras drawn when present. */
  servedPct?: number;
  waitP95S?: number;
}

export interface FleetSizeReportOptions {
  /** Service-level target, % (same measure as `servicePct`). */
  target: number;
  /** The fleet the search settled on. */
  chosenFleet: number;
  /** Lower bound on the fleet for the target (any dispatcher, even one knowing every request in advance). */
  boundFleet?: number;
  /** A fleet that meets the target knowing every request in advance (--clairvoyant-plan): the optimum needs no more. */
  planFleet?: number;
  /** Distinct vehicles of the source that served the trips (e.g. SF cabs). */
  humanFleet?: number;
  /** The service window behind `servicePct`, seconds (default 300), for labels. */
  withinS?: number;
  scenario?: ScenarioInfo;
  /** With fleet operations on: the fleet without them and why the chosen fleet is larger. */
  operations?: FleetSizeOperations;
  /** With --search-operators: the remote-operator pools simulated at `fleet` and the smallest that met the target. */
  operators?: {
    fleet: number;
    configured: number;
    found: number | null;
    points: { operators: number; servicePct: number; assistWaitMeanS?: number; operatorUtilisation?: number }[];
  };
}

/** What fleet operations cost in cars (the shape of `FleetOperationsOutput` in src/cli/fleet-size.ts). */
export interface FleetSizeOperations {
  on: OperationName[];
  /** Smallest fleet meeting the target with every operation off; null if none did, absent if not searched. */
  fleetWithout?: number | null;
  extraCars?: number;
  extraPct?: number;
  /** Every fleet simulated without operations. */
  curveWithout?: FleetSizePoint[];
  /** At the chosen fleet. */
  breakdown: OperationsBreakdown;
}

const MARK = { target: '#59a14f', chosen: '#e15759', bound: '#b07aa1', plan: '#76b7b2', human: '#52606d', without: '#f28e2b' } as const;

/** Vertical markers for the fleets worth pointing at, each only when given (`chosenOnly` for the small charts). */
function fleetMarkers(o: FleetSizeReportOptions, chosenOnly = false): MarkerSpec[] {
  const marks: MarkerSpec[] = [{ value: o.chosenFleet, label: `chosen ${o.chosenFleet}`, color: MARK.chosen }];
  if (chosenOnly) return marks;
  if (o.boundFleet !== undefined) marks.push({ value: o.boundFleet, label: `lower bound ${o.boundFleet}`, color: MARK.bound });
  if (o.planFleet !== undefined) marks.push({ value: o.planFleet, label: `clairvoyant plan ${o.planFleet}`, color: MARK.plan });
  if (o.humanFleet !== undefined) marks.push({ value: o.humanFleet, label: `human fleet ${o.humanFleet}`, color: MARK.human });
  const without = o.operations?.fleetWithout;
  if (typeof without === 'number') marks.push({ value: without, label: `without operations ${without}`, color: MARK.without });
  return marks;
}

const MAIN_CHART = 'chart-fleet-service';

/** A chart over fleet size (every marker on the main chart, the chosen fleet on the others); the x extent covers the curve and every marker with a little margin. */
function fleetChart(
  id: string,
  curve: readonly { fleet: number }[],
  o: FleetSizeReportOptions,
  yLabel: string,
  yFormat: ValueFormat,
  series: SeriesSpec[],
  extra: Partial<ChartSpec> = {},
): ChartSpec {
  const xs = [...curve.map((p) => p.fleet), ...fleetMarkers(o).map((m) => m.value)];
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const margin = Math.max(1, (hi - lo) * 0.04);
  return {
    id,
    kind: 'xy',
    x: curve.map((p) => p.fleet),
    xRange: [Math.max(0, lo - margin), hi + margin],
    xLabel: 'Fleet size (vehicles)',
    yLabel,
    xFormat: 'integer',
    yFormat,
    series,
    vMarkers: fleetMarkers(o, id !== MAIN_CHART),
    ...extra,
  };
}

const finiteOrNull = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

const OPERATION_WORDS: Record<OperationName, string> = { charging: 'charging', servicing: 'cleaning and maintenance', assistance: 'remote assistance' };

/**
 * The section on what fleet operations cost in cars: the fleet with and without them, then why, at the chosen fleet:
 * cars out of service over the day stacked by what they were doing, and the car-hours of each as a table.
 */
function operationsSection(o: FleetSizeOperations, chosenFleet: number): { html: string; chart: ChartSpec } {
  const b = o.breakdown;
  const states = breakdownStates(o.on, b);
  const chart = operationsOverDayChart('chart-operations-day', b.series, states, chosenFleet, b.series.startS.find((_, i) => states.some((s) => b.series.byState[s][i] > 0)) ?? -Infinity);
  const spanH = b.spanS / 3600;
  const signed = (x: number, digits = 0): string => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
  const cards = [
    { label: 'Fleet with operations', value: `${chosenFleet}` },
    { label: 'Fleet without operations', value: o.fleetWithout === undefined ? 'not searched' : o.fleetWithout === null ? 'none met the target' : `${o.fleetWithout}` },
    { label: 'Extra cars for operations', value: o.extraCars !== undefined ? `${signed(o.extraCars)} (${signed(o.extraPct ?? NaN, 1)} %)` : '–' },
    { label: `Cars out of service, mean over ${spanH.toFixed(0)} h`, value: b.meanCarsOut.toFixed(1) },
    { label: 'Cars out of service at the peak', value: `${b.peakCarsOut}` },
  ];
  const total = b.totalCarHours;
  const rows: Cell[][] = [
    ...states.map((s) => [
      { text: OPERATION_STATE_LABEL[s] },
      { text: b.carHours[s].toFixed(1), num: true },
      { text: b.equivalentCars[s].toFixed(2), num: true },
      { text: total > 0 ? `${((100 * b.carHours[s]) / total).toFixed(1)} %` : '–', num: true },
    ]),
    [{ text: 'Total out of service' }, { text: total.toFixed(1), num: true }, { text: b.meanCarsOut.toFixed(2), num: true }, { text: total > 0 ? '100 %' : '–', num: true }],
  ];
  const headers: Cell[] = [{ text: `At ${chosenFleet} cars` }, { text: 'Car-hours', num: true }, { text: `Cars (car-hours / ${spanH.toFixed(0)} h)`, num: true }, { text: 'Share', num: true }];
  const html = section(
    'operations',
    'What fleet operations cost in cars',
    kpiCards(cards) +
      grid([
        figure('chart-operations-day', 'Cars out of service over the day', `At the chosen fleet of ${chosenFleet} cars: mean number of cars per ${Math.round(b.series.binS / 60)} min doing each thing, not available for riders.`),
        table(headers, rows, { id: 'operations-breakdown', rowClasses: rows.map((_, i) => (i === rows.length - 1 ? 'total' : undefined)) }),
      ]),
    `Operations on: ${o.on.map((x) => OPERATION_WORDS[x]).join(', ')}. The fleet without operations is the smallest that meets the same target on the same scenario with every operation off. ` +
      `Counts at the chosen fleet: ${b.counts.chargingSessions} charging sessions, ${b.counts.cleanings} cleanings, ${b.counts.maintenances} maintenances, ${b.counts.assists} assists.`,
  );
  return { html, chart };
}

/**
 * Renders the fleet-sizing report: the service-level curve with the target line and the chosen, bound and human
 * fleets marked, then waits, utilisation/empty share and trips per vehicle against fleet size, and the table of runs.
 *
 * @example
 * writeFileSync('fleet.html', renderFleetSizeReport(result.points, { target: 95, chosenFleet: result.fleet,
 *   boundFleet: bound.fleet, humanFleet: scenario.humanFleet, scenario: info }));
 */
export function renderFleetSizeReport(curve: readonly FleetSizePoint[], options: FleetSizeReportOptions): string {
  if (curve.length === 0) throw new Error('renderFleetSizeReport: the curve has no points');
  if (!(options.target > 0 && options.target <= 100)) throw new Error(`renderFleetSizeReport: target must be a percentage in (0, 100], got ${options.target}`);
  // One point per fleet size, ascending (a search may evaluate sizes out of order, or twice).
  const byFleet = new Map<number, FleetSizePoint>();
  for (const p of curve) byFleet.set(p.fleet, p);
  const points = [...byFleet.values()].sort((a, b) => a.fleet - b.fleet);
  // Trips per vehicle per day when a day was simulated, else over the simulated span (a window is not a day).
  const perDay = points.every((p) => Number.isFinite(p.tripsPerVehiclePerDay));
  const spanS = points.find((p) => p.spanS !== undefined)?.spanS;
  const tripsLabel = perDay || spanS === undefined ? 'Trips per vehicle per day' : `Trips per vehicle over ${formatSpan(spanS)}`;
  const trips = (p: FleetSizePoint): number => (perDay ? p.tripsPerVehiclePerDay : (p.tripsPerVehicle ?? NaN));
  const withinMin = Math.round((options.withinS ?? 300) / 60);
  const hasServed = points.some((p) => p.servedPct !== undefined);
  const hasP95 = points.some((p) => p.waitP95S !== undefined);

  // With operations compared, the main chart also draws the fleets simulated without them (x: both sets of fleets).
  const without = new Map((options.operations?.curveWithout ?? []).map((p) => [p.fleet, p]));
  const mainXs = [...new Set([...points.map((p) => p.fleet), ...without.keys()])].sort((a, b) => a - b);
  const at = (f: number, pick: (p: FleetSizePoint) => number | undefined): number | null => {
    const p = byFleet.get(f);
    return p ? finiteOrNull(pick(p)) : null;
  };
  const ops = options.operations;
  const charts: ChartSpec[] = [
    fleetChart(
      MAIN_CHART,
      mainXs.map((fleet) => ({ fleet })),
      options,
      `Requests picked up ≤ ${withinMin} min (%)`,
      'percent',
      [
        { label: `Picked up ≤ ${withinMin} min${ops ? ' (operations on)' : ''}`, color: '#4e79a7', values: mainXs.map((f) => at(f, (p) => p.servicePct)), points: true, width: 2.5 },
        ...(hasServed ? [{ label: 'Served at all', color: '#76b7b2', values: mainXs.map((f) => at(f, (p) => p.servedPct)), points: true, dash: true }] : []),
        ...(without.size > 0
          ? [{ label: `Picked up ≤ ${withinMin} min, operations off`, color: MARK.without, values: mainXs.map((f) => finiteOrNull(without.get(f)?.servicePct)), points: true, dash: true }]
          : []),
      ],
      { yRange: [0, 100], hMarkers: [{ value: options.target, label: `target ${options.target} %`, color: MARK.target }], height: 340 },
    ),
    fleetChart('chart-fleet-wait', points, options, 'Wait (min)', 'minutes', [
      { label: 'Mean wait', color: '#4e79a7', values: points.map((p) => finiteOrNull(p.waitMeanS / 60)), points: true },
      ...(hasP95 ? [{ label: 'p95 wait', color: '#e15759', values: points.map((p) => finiteOrNull((p.waitP95S ?? NaN) / 60)), points: true, dash: true }] : []),
    ]),
    fleetChart('chart-fleet-use', points, options, 'Share (%)', 'percent', [
      { label: 'Utilisation (time with riders)', color: '#4e79a7', values: points.map((p) => finiteOrNull(100 * p.utilization)), points: true },
      { label: 'Empty share of km', color: '#f28e2b', values: points.map((p) => finiteOrNull(100 * p.emptyShare)), points: true },
    ], { yRange: [0, 100] }),
    fleetChart('chart-fleet-trips', points, options, tripsLabel, 'number', [
      { label: tripsLabel, color: '#59a14f', values: points.map(trips).map(finiteOrNull), points: true },
    ]),
  ];

  const chosen = byFleet.get(options.chosenFleet);
  const pctText = (v: number | undefined): string => (v !== undefined && Number.isFinite(v) ? `${v.toFixed(1)} %` : '–');
  const cards = [
    { label: 'Chosen fleet', value: `${options.chosenFleet}` },
    { label: `Service at chosen fleet (target ${options.target} %)`, value: pctText(chosen?.servicePct) },
    { label: 'Lower bound (any dispatcher)', value: options.boundFleet !== undefined ? `${options.boundFleet}` : '–' },
    { label: 'Optimality gap (chosen / bound)', value: options.boundFleet ? (options.chosenFleet / options.boundFleet).toFixed(2) : '–' },
    ...(options.planFleet ? [{ label: 'Clairvoyant plan; gap at least (chosen / plan)', value: `${options.planFleet}; ${Math.max(1, options.chosenFleet / options.planFleet).toFixed(2)}` }] : []),
    { label: 'Human fleet in the source', value: options.humanFleet !== undefined ? `${options.humanFleet}` : '–' },
  ];
  const headers: Cell[] = [
    { text: 'Fleet', num: true },
    { text: `Picked up ≤ ${withinMin} min`, num: true },
    ...(hasServed ? [{ text: 'Served', num: true }] : []),
    { text: 'Mean wait', num: true },
    ...(hasP95 ? [{ text: 'Wait p95', num: true }] : []),
    { text: 'Utilisation', num: true },
    { text: 'Empty km share', num: true },
    { text: tripsLabel, num: true },
  ];
  const rows: Cell[][] = points.map((p) => [
    { text: String(p.fleet), num: true },
    { text: pctText(p.servicePct), num: true },
    ...(hasServed ? [{ text: pctText(p.servedPct), num: true }] : []),
    { text: formatDuration(p.waitMeanS), num: true },
    ...(hasP95 ? [{ text: formatDuration(p.waitP95S ?? NaN), num: true }] : []),
    { text: pctText(100 * p.utilization), num: true },
    { text: pctText(100 * p.emptyShare), num: true },
    { text: Number.isFinite(trips(p)) ? trips(p).toFixed(1) : '–', num: true },
  ]);

  const operations = ops ? operationsSection(ops, options.chosenFleet) : undefined;
  if (operations) charts.push(operations.chart);
  const scenario = options.scenario;
  const sections = [
    section(
      'fleet-size',
      'Service level against fleet size',
      kpiCards(cards) + figure('chart-fleet-service', 'Service level', `Each point is one simulation of the whole scenario; the chosen fleet is the smallest that meets the ${options.target} % target.`),
      [
        options.boundFleet !== undefined ? `The lower bound is proved for the same target: no dispatcher, even one knowing every request in advance, meets ${options.target} % with fewer vehicles.` : '',
        options.planFleet !== undefined ? `The clairvoyant plan meets the target with ${options.planFleet} vehicles knowing every request in advance (checked stop by stop): the optimum lies between the bound and the plan.` : '',
      ].filter((x) => x !== '').join(' ') || undefined,
    ),
    ...(operations ? [operations.html] : []),
    section(
      'effects',
      'What fleet size does to waits and vehicle use',
      grid([
        figure('chart-fleet-wait', 'Waits', 'Over picked-up requests.'),
        figure('chart-fleet-use', 'Utilisation and empty driving', 'Utilisation: share of vehicle time with a rider on board. Empty share: of vehicle km.'),
        figure('chart-fleet-trips', 'Trips per vehicle per day', 'Served trips divided by the fleet, scaled to a day.'),
      ]),
    ),
    section(
      'runs',
      'Every simulated fleet size',
      table(headers, rows, { id: 'fleet-size-runs', rowClasses: points.map((p) => (p.fleet === options.chosenFleet ? 'chosen' : undefined)) }),
      'The chosen fleet is highlighted.',
    ),
  ];
  const pools = options.operators;
  if (pools) {
    const opRows: Cell[][] = [...pools.points]
      .sort((a, b) => a.operators - b.operators)
      .map((p) => [
        { text: String(p.operators), num: true },
        { text: pctText(p.servicePct), num: true },
        { text: formatDuration(p.assistWaitMeanS ?? NaN), num: true },
        { text: pctText(100 * (p.operatorUtilisation ?? NaN)), num: true },
      ]);
    const found = pools.found !== null ? `${pools.found} remote operators are the smallest pool that keeps the ${options.target} % target at ${pools.fleet} vehicles` : `Not even the ${pools.configured} configured operators keep the target at ${pools.fleet} vehicles`;
    sections.push(
      section(
        'operators',
        'Remote-operator pool at the chosen fleet',
        table(
          [{ text: 'Operators', num: true }, { text: `Picked up ≤ ${withinMin} min`, num: true }, { text: 'Mean wait for an operator', num: true }, { text: 'Operators busy', num: true }],
          opRows,
          { id: 'fleet-size-operators', rowClasses: [...pools.points].sort((a, b) => a.operators - b.operators).map((p) => (p.operators === pools.found ? 'chosen' : undefined)) },
        ),
        `${found} (searched 1–${pools.configured}, the pool the fleet was sized with).`,
      ),
    );
  }
  if (scenario?.description) sections.unshift(section('scenario', 'Scenario', '', scenario.description));
  return renderPage({
    title: scenario?.title ?? `Fleet size: ${options.chosenFleet} vehicles for ${options.target} % within ${withinMin} min`,
    kicker: 'Baton fleet sizing report',
    facts: [
      ...(scenario ? scenarioFacts(scenario) : []),
      { label: 'Target', value: `${options.target} % of requests picked up within ${withinMin} min` },
      { label: 'Fleet sizes simulated', value: `${points.length} (${points[0].fleet}–${points[points.length - 1].fleet})` },
    ],
    sections,
    charts,
    maps: [],
    attribution: scenario ? attributionLines(scenario) : [],
  });
}
