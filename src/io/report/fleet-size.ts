// The HTML report of a fleet-size search: service level against fleet size with the target, the chosen fleet, the
// clairvoyant lower bound and the source's human fleet marked, plus what the fleet size does to waits and vehicle use.
import { formatSpan } from '../../core/metrics/kpis.js';
import { formatDuration, type ChartSpec, type MarkerSpec, type SeriesSpec, type ValueFormat } from './charts.js';
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
  /** Distinct vehicles of the source that served the trips (e.g. SF cabs). */
  humanFleet?: number;
  /** The service window behind `servicePct`, seconds (default 300), for labels. */
  withinS?: number;
  scenario?: ScenarioInfo;
  /** With --search-operators: the remote-operator pools simulated at `fleet` and the smallest that met the target. */
  operators?: {
    fleet: number;
    configured: number;
    found: number | null;
    points: { operators: number; servicePct: number; assistWaitMeanS?: number; operatorUtilisation?: number }[];
  };
}

const MARK = { target: '#59a14f', chosen: '#e15759', bound: '#b07aa1', human: '#52606d' } as const;

/** Vertical markers for the fleets worth pointing at, each only when given (`chosenOnly` for the small charts). */
function fleetMarkers(o: FleetSizeReportOptions, chosenOnly = false): MarkerSpec[] {
  const marks: MarkerSpec[] = [{ value: o.chosenFleet, label: `chosen ${o.chosenFleet}`, color: MARK.chosen }];
  if (chosenOnly) return marks;
  if (o.boundFleet !== undefined) marks.push({ value: o.boundFleet, label: `lower bound ${o.boundFleet}`, color: MARK.bound });
  if (o.humanFleet !== undefined) marks.push({ value: o.humanFleet, label: `human fleet ${o.humanFleet}`, color: MARK.human });
  return marks;
}

const MAIN_CHART = 'chart-fleet-service';

/** A chart over fleet size (every marker on the main chart, the chosen fleet on the others); the x extent covers the curve and every marker with a little margin. */
function fleetChart(
  id: string,
  curve: readonly FleetSizePoint[],
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

  const charts: ChartSpec[] = [
    fleetChart(
      MAIN_CHART,
      points,
      options,
      `Requests picked up ≤ ${withinMin} min (%)`,
      'percent',
      [
        { label: `Picked up ≤ ${withinMin} min`, color: '#4e79a7', values: points.map((p) => finiteOrNull(p.servicePct)), points: true, width: 2.5 },
        ...(hasServed ? [{ label: 'Served at all', color: '#76b7b2', values: points.map((p) => finiteOrNull(p.servedPct)), points: true, dash: true }] : []),
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

  const scenario = options.scenario;
  const sections = [
    section(
      'fleet-size',
      'Service level against fleet size',
      kpiCards(cards) + figure('chart-fleet-service', 'Service level', `Each point is one simulation of the whole scenario; the chosen fleet is the smallest that meets the ${options.target} % target.`),
      options.boundFleet !== undefined ? `The lower bound is proved for the same target: no dispatcher, even one knowing every request in advance, meets ${options.target} % with fewer vehicles.` : undefined,
    ),
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
  const ops = options.operators;
  if (ops) {
    const opRows: Cell[][] = [...ops.points]
      .sort((a, b) => a.operators - b.operators)
      .map((p) => [
        { text: String(p.operators), num: true },
        { text: pctText(p.servicePct), num: true },
        { text: formatDuration(p.assistWaitMeanS ?? NaN), num: true },
        { text: pctText(100 * (p.operatorUtilisation ?? NaN)), num: true },
      ]);
    const found = ops.found !== null ? `${ops.found} remote operators are the smallest pool that keeps the ${options.target} % target at ${ops.fleet} vehicles` : `Not even the ${ops.configured} configured operators keep the target at ${ops.fleet} vehicles`;
    sections.push(
      section(
        'operators',
        'Remote-operator pool at the chosen fleet',
        table(
          [{ text: 'Operators', num: true }, { text: `Picked up ≤ ${withinMin} min`, num: true }, { text: 'Mean wait for an operator', num: true }, { text: 'Operators busy', num: true }],
          opRows,
          { id: 'fleet-size-operators', rowClasses: [...ops.points].sort((a, b) => a.operators - b.operators).map((p) => (p.operators === ops.found ? 'chosen' : undefined)) },
        ),
        `${found} (searched 1–${ops.configured}, the pool the fleet was sized with).`,
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
