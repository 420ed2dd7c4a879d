// The HTML report of one simulation run (`baton simulate --report`): KPIs, demand and service per hour, waits, fleet
// status over the day, a pickup map and the trip rows the import rejected.
import { formatSpan, type Kpis } from '../../core/metrics/kpis.js';
import type { ReportSeries } from '../../core/metrics/report-series.js';
import type { RoadGraph } from '../../core/network/graph.js';
import type { CostSummary } from '../../core/metrics/cost.js';
import type { EnergySeries } from '../../core/metrics/energy-series.js';
import { bayOccupancyChart, firstRequestHourS, fleetStatusChart, formatDuration, hourlyFlowChart, hourlyKpiChart, outOfServiceChart, plugOccupancyChart, socBandsChart, waitHistogramChart, type ChartSpec } from './charts.js';
import { costBreakdownChart, costTable, operatorTable } from './cost.js';
import { HEADLINE_KEYS, HEADLINE_LABELS, KPI_FIELDS, KPI_GROUPS, kpiField } from './kpi-fields.js';
import { mapSpec } from './map.js';
import { figure, grid, kpiCards, renderPage, section, table, type Cell } from './page.js';
import { attributionLines, scenarioFacts, type ScenarioInfo } from './scenario.js';
import type { OperatingAreaSummary } from '../operating-area.js';

/** Everything one run's report shows. */
export interface SimulationReportInput {
  scenario: ScenarioInfo;
  kpis: Kpis;
  /** From `reportSeries(events)` of the same run. */
  series: ReportSeries;
  /** The road network: map background, node positions of pickups, and its attribution line. */
  graph: RoadGraph;
  /** Trip-file rows dropped at import, by reason (empty for synthetic demand). */
  rejectedRows: Record<string, number>;
  /** Rows read from the trip source, for the rejected share (optional). */
  rowsRead?: number;
  /** With --service-area or --avoid: what was cut, requests rejected outside, how much longer the trips got. */
  operatingArea?: OperatingAreaSummary;
  /** The cost model's figures (costSummary): the cost section and its breakdown plot. */
  cost?: CostSummary;
  /** From EnergySeriesAccumulator, in runs with fleet operations: SoC, plug, bay and out-of-service plots. */
  energy?: EnergySeries;
  /** The charging policy's threshold (share of the battery), drawn on the SoC plot. */
  chargeBelowShare?: number;
}

/** The energy section's figures and their charts (runs with charging sites). */
function energySection(energy: EnergySeries, fleet: number, fromS: number, chargeBelowShare?: number): { html: string; charts: ChartSpec[] } {
  const charging = energy.plugs.plugs > 0;
  const bays = energy.bays;
  const charts = [
    ...(charging ? [socBandsChart('chart-soc', energy.soc, fromS, chargeBelowShare), plugOccupancyChart('chart-plugs', energy.plugs, fromS)] : []),
    ...(bays ? [bayOccupancyChart('chart-bays', bays, fromS)] : []),
    outOfServiceChart('chart-out-of-service', energy.outOfService, energy.plugs, fleet, fromS),
  ];
  const min = Math.round(energy.outOfService.binS / 60);
  const reasons = [
    ...(charging ? ['a charging stop lasts from being sent to charge until the car is free again'] : []),
    ...(bays ? ['a cleaning or maintenance visit from being sent until the car leaves its bay'] : []),
    ...('assist' in energy.outOfService.byReason ? ['a remote assist from the request until the operator is done'] : []),
  ];
  const html = section(
    'energy',
    charging ? 'Energy, charging and fleet operations over the day' : 'Fleet operations over the day',
    grid([
      ...(charging
        ? [
            figure('chart-soc', 'State of charge of the fleet', `Percentiles of the ${fleet} cars' state of charge every ${min} min (between the events that give it, interpolated along drives and charges).`),
            figure('chart-plugs', 'Plug occupancy', `Mean number of cars plugged in and queued for a plug per ${min} min, against the ${energy.plugs.plugs} plugs of all sites.`),
          ]
        : []),
      ...(bays ? [figure('chart-bays', 'Bay occupancy', `Mean number of cars in a cleaning or maintenance bay and queued for one per ${min} min, against the ${bays.bays} bays of all service centres.`)] : []),
      figure('chart-out-of-service', 'Cars out of service', `Mean number of cars not available for riders per ${min} min, by reason: ${reasons.join('; ')}.`),
    ]),
  );
  return { html, charts };
}

/** Plain-language meaning of the import's reject reasons (src/core/demand/trip.ts); unknown reasons show as given. */
const REJECT_REASON_TEXT: Record<string, string> = {
  unparseable: 'Row could not be parsed',
  bad_coordinates: 'Missing or invalid coordinates',
  outside_bbox: 'Pickup or drop-off outside the network area',
  outside_date: 'Not on the selected date',
  outside_time_window: 'Outside the selected time window',
  outside_service_area: 'Pickup or drop-off outside the service area',
  pickup_off_network: 'Pickup too far from any road',
  dropoff_off_network: 'Drop-off too far from any road',
  same_pickup_dropoff: 'Pickup and drop-off on the same road node',
  non_positive_duration: 'Zero or negative trip duration',
  bad_riders: 'Riders not a whole number from 1 to 9',
  times_out_of_order: 'Request time after the pickup time',
};

/** The KPI tables of one run, service and fleet side by side. */
function kpiTables(kpis: Kpis): string {
  return grid(
    KPI_GROUPS.map(({ group, title }) => {
      const rows: Cell[][] = KPI_FIELDS.filter((f) => f.group === group).map((f) => [{ text: f.label }, { text: f.format(kpis[f.key]), num: true }]);
      return table([{ text: title }, { text: 'Value', num: true }], rows, { className: 'kpis', id: `kpi-table-${group}` });
    }),
  );
}

/** The rejected-rows table, reasons by count; always present so that "nothing rejected" is stated, not implied. */
export function rejectedRowsTable(rejectedRows: Record<string, number>, rowsRead?: number): string {
  const entries = Object.entries(rejectedRows)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = entries.reduce((s, [, n]) => s + n, 0);
  const share = (n: number): string => (rowsRead && rowsRead > 0 ? `${((100 * n) / rowsRead).toFixed(2)} %` : '–');
  const rows: Cell[][] = entries.map(([reason, n]) => [
    { text: reason },
    { text: REJECT_REASON_TEXT[reason] ?? '' },
    { text: n.toLocaleString('en-US'), num: true },
    { text: share(n), num: true },
  ]);
  rows.push([{ text: 'Total rejected' }, { text: entries.length === 0 ? 'No rows were rejected' : '' }, { text: total.toLocaleString('en-US'), num: true }, { text: share(total), num: true }]);
  return table(
    [{ text: 'Reason' }, { text: 'Meaning' }, { text: 'Rows', num: true }, { text: 'Share of rows read', num: true }],
    rows,
    { id: 'rejected-rows', rowClasses: rows.map((_, i) => (i === rows.length - 1 ? 'total' : undefined)) },
  );
}

/** The operating area's figures: service area, network cut, avoided intersections and what they cost the trips. */
export function operatingAreaTable(a: OperatingAreaSummary): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const rows: [string, string][] = [];
  if (a.serviceArea) {
    rows.push(['Service area', `${a.serviceArea.file} (${a.serviceArea.polygons} polygon${a.serviceArea.polygons > 1 ? 's' : ''}, ${n(a.serviceArea.vertices)} vertices)`]);
    rows.push(['Requests rejected outside the area', n(a.serviceArea.requestsRejected)]);
  }
  const c = a.network;
  rows.push(['Network nodes kept / cut', `${n(c.nodesKept)} / ${n(c.nodesCut)} of ${n(c.nodesIn)} (${n(c.nodesOutside)} outside, ${n(c.nodesAvoided)} avoided, ${n(c.nodesDisconnected)} cut off)`]);
  rows.push(['Network edges kept / cut', `${n(c.edgesKept)} / ${n(c.edgesCut)} of ${n(c.edgesIn)} (${n(c.edgesLeavingArea)} leaving the area between inside nodes)`]);
  if (a.avoid) {
    const v = a.avoid;
    rows.push(['Avoided intersections', `${v.file}: ${n(v.listed)} listed, ${n(v.nodes)} nodes, ${n(v.nodesRemoved)} removed, ${n(v.nodesOutsideArea)} outside the area`]);
    const t = v.tripTimes;
    if (t && t.trips > 0) {
      const m = (sec: number) => formatDuration(sec);
      const pct = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)} %`;
      rows.push(['Direct trip time, median (with / without avoidance)', `${m(t.medianWithS)} / ${m(t.medianWithoutS)} (${pct(t.medianIncreasePct)})`]);
      rows.push(['Direct trip time, mean (with / without avoidance)', `${m(t.meanWithS)} / ${m(t.meanWithoutS)} (${pct(t.meanIncreasePct)})`]);
      rows.push(['Trips made longer by avoidance', `${n(t.longer)} of ${n(t.trips)} (at most ${m(t.maxIncreaseS)} longer)`]);
    }
  }
  return table([{ text: 'Operating area' }, { text: 'Value' }], rows.map(([k, v]) => [{ text: k }, { text: v }]), { id: 'operating-area' });
}

/**
 * Renders the self-contained HTML report of one simulation run.
 *
 * @example
 * const { events, summary } = simulate({ ... });
 * writeFileSync('report.html', renderSimulationReport({ scenario, kpis: summary.kpis, series: reportSeries(events),
 *   graph, rejectedRows: {} }));
 */
export function renderSimulationReport(input: SimulationReportInput): string {
  const { kpis, series, graph, scenario } = input;
  const facts = scenarioFacts({ ...scenario, fleet: scenario.fleet ?? kpis.fleet, dispatcher: scenario.dispatcher ?? kpis.dispatcher });
  const hourly = kpis.hourly;
  const charts = [
    hourlyFlowChart('chart-hourly-flows', series.hourly),
    hourlyKpiChart(
      'chart-hourly-service',
      [
        { label: 'Served', hourly, pick: (h) => h.servedPct },
        { label: 'Picked up within 5 min', hourly, pick: (h) => h.within5MinPct, color: '#59a14f' },
      ],
      'Share of requests (%)',
      'percent',
      { yRange: [0, 100] },
    ),
    waitHistogramChart('chart-wait-histogram', series.wait),
    hourlyKpiChart(
      'chart-hourly-wait',
      [
        { label: 'Mean wait', hourly, pick: (h) => h.waitMeanS / 60 },
        { label: 'p95 wait', hourly, pick: (h) => h.waitP95S / 60, color: '#e15759', dash: true },
      ],
      'Wait (min)',
      'minutes',
    ),
    fleetStatusChart('chart-fleet-status', series.fleetStatus, kpis.fleet, firstRequestHourS(hourly)),
  ];
  const energy = input.energy ? energySection(input.energy, kpis.fleet, firstRequestHourS(hourly), input.chargeBelowShare) : undefined;
  if (energy) charts.push(...energy.charts);
  const map = mapSpec('map-pickups', graph, [
    { label: 'Pickups', color: '#2f6db5', nodes: series.pickupNodes },
    { label: 'Unserved requests (cancelled or rejected)', color: '#d62728', nodes: series.unservedNodes, minRadiusPx: 2.5, alpha: 0.85 },
  ]);

  const cards = HEADLINE_KEYS.map((key) => ({ label: HEADLINE_LABELS[key] ?? key, value: kpiField(key).format(kpis[key]) }));
  const sections = [
    section(
      'summary',
      'Key figures',
      kpiCards(cards) + kpiTables(kpis),
      `${kpis.requests.toLocaleString('en-US')} requests over ${formatSpan(kpis.spanS)}; per-vehicle and utilisation figures cover that period${kpis.perDayScaled ? ' (per-day figures scaled up from it on request)' : ''}.`,
    ),
    section(
      'demand',
      'Demand and service by hour',
      grid([
        figure('chart-hourly-flows', 'Requests and pickups per hour', 'Bars: requests submitted in the hour. Lines: pickups, cancellations and rejections happening in the hour.'),
        figure('chart-hourly-service', 'Service level by request hour', 'Share of the hour’s requests served, and picked up within 5 minutes.'),
      ]),
    ),
    section(
      'waits',
      'Waiting times',
      grid([
        figure(
          'chart-wait-histogram',
          'Wait distribution',
          `${series.wait.n.toLocaleString('en-US')} pickups in ${series.wait.binS} s bins; mean ${formatDuration(series.wait.meanS)}, dashed lines at p50 and p95.`,
        ),
        figure('chart-hourly-wait', 'Wait by request hour', 'Mean and 95th percentile of the wait of requests made in each hour (picked-up requests only).'),
      ]),
    ),
    section(
      'fleet',
      'Fleet status over the day',
      figure(
        'chart-fleet-status',
        'What the vehicles are doing',
        `Mean number of the ${kpis.fleet} vehicles in each state per ${Math.round(series.fleetStatus.binS / 60)} min; pickup and drop-off dwells count as occupied.`,
      ),
    ),
    ...(energy ? [energy.html] : []),
    ...(input.cost
      ? [
          section(
            'cost',
            'Cost per mile',
            grid([costBreakdownChart(input.cost), costTable(input.cost) + operatorTable(input.cost)]),
            'Costs of the simulated span with the prices of docs/fleet-operations.md (overridable in the scenario file). Items the run does not model count zero.',
          ),
        ]
      : []),
    section(
      'map',
      'Where pickups happened',
      figure('map-pickups', 'Pickup locations', 'Blue: pickups; red: requests never picked up (cancelled after the maximum wait, or rejected), at their pickup node.', 'map'),
    ),
    section(
      'input-rows',
      'Trip rows rejected at import',
      rejectedRowsTable(input.rejectedRows, input.rowsRead),
      input.rowsRead !== undefined ? `${input.rowsRead.toLocaleString('en-US')} rows read from the trip source.` : undefined,
    ),
  ];
  if (input.operatingArea) {
    sections.push(section('operating-area', 'Operating area', operatingAreaTable(input.operatingArea), 'Routes are computed on the network cut to the area and without the avoided intersections.'));
  }
  if (scenario.description) sections.unshift(section('scenario', 'Scenario', '', scenario.description));
  return renderPage({
    title: scenario.title ?? `Simulation report: ${kpis.dispatcher || 'run'}, ${kpis.fleet} vehicles`,
    kicker: 'Baton simulation report',
    facts,
    sections,
    charts,
    maps: [map],
    attribution: attributionLines(scenario, graph.meta.attribution),
  });
}

