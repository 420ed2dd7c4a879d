// The HTML report that compares dispatchers on one scenario: a KPI table with one column per run (best highlighted),
// hourly wait and service level overlaid, wait distributions overlaid, and each run's fleet status.
import type { CostSummary } from '../../core/metrics/cost.js';
import type { Kpis } from '../../core/metrics/kpis.js';
import { costComparisonTable } from './cost.js';
import type { ReportSeries } from '../../core/metrics/report-series.js';
import { firstRequestHourS, fleetStatusChart, hourlyKpiChart, waitDistributionOverlay, type ChartSpec } from './charts.js';
import { KPI_FIELDS, KPI_GROUPS, bestIndices } from './kpi-fields.js';
import { figure, grid, renderPage, section, table, type Cell } from './page.js';
import { attributionLines, scenarioFacts, type ScenarioInfo } from './scenario.js';

/** One dispatcher's run of the shared scenario. */
export interface ComparisonRun {
  /** Column and legend name (e.g. the dispatcher preset). */
  label: string;
  kpis: Kpis;
  /** From `reportSeries(events)` of this run. */
  series: ReportSeries;
  /** The cost model's figures; the report adds a cost section when every run has them. */
  cost?: CostSummary;
}

/** The KPI table: one row per field, one column per run, group header rows, best value(s) per row highlighted. */
function comparisonTable(runs: readonly ComparisonRun[]): string {
  const headers: Cell[] = [{ text: 'KPI' }, ...runs.map((r) => ({ text: r.label, num: true }))];
  const rows: Cell[][] = [];
  const rowClasses: (string | undefined)[] = [];
  for (const { group, title } of KPI_GROUPS) {
    rows.push([{ text: title }, ...runs.map(() => ({ text: '' }))]);
    rowClasses.push('group');
    for (const f of KPI_FIELDS.filter((x) => x.group === group)) {
      const values = runs.map((r) => r.kpis[f.key]);
      const best = new Set(bestIndices(f, values));
      rows.push([{ text: f.label }, ...values.map((v, i) => ({ text: f.format(v), num: true, className: best.has(i) ? 'best' : undefined }))]);
      rowClasses.push(undefined);
    }
  }
  return table(headers, rows, { id: 'comparison-kpis', className: 'compare', rowClasses });
}

/**
 * Renders the side-by-side report of several dispatchers on one scenario.
 *
 * @example
 * const runs = ['greedy', 'batch'].map((name) => { const r = simulate({ ...base, dispatcher: make(name) });
 *   return { label: name, kpis: r.summary.kpis, series: reportSeries(r.events) }; });
 * writeFileSync('compare.html', renderComparisonReport(runs, { network, trips, fleet: 200, seed: 1 }));
 */
export function renderComparisonReport(runs: readonly ComparisonRun[], scenario: ScenarioInfo): string {
  if (runs.length === 0) throw new Error('renderComparisonReport: no runs to compare');
  const labels = new Set(runs.map((r) => r.label));
  if (labels.size !== runs.length) throw new Error(`renderComparisonReport: run labels must be distinct (${runs.map((r) => r.label).join(', ')})`);
  const fleets = [...new Set(runs.map((r) => r.kpis.fleet))];
  const lines = (pick: (h: Kpis['hourly'][number]) => number) => runs.map((r) => ({ label: r.label, hourly: r.kpis.hourly, pick }));
  const fromS = Math.min(...runs.map((r) => firstRequestHourS(r.kpis.hourly)));
  const fleetMax = Math.max(...fleets);
  const fleetCharts: ChartSpec[] = runs.map((r, i) => ({
    ...fleetStatusChart(`chart-fleet-${i}`, r.series.fleetStatus, r.kpis.fleet, fromS),
    yRange: [0, fleetMax] as [number, number],
    height: 240,
  }));
  const charts: ChartSpec[] = [
    hourlyKpiChart('chart-compare-wait', lines((h) => h.waitMeanS / 60), 'Mean wait (min)', 'minutes'),
    hourlyKpiChart('chart-compare-service', lines((h) => h.servedPct), 'Served (% of requests)', 'percent', { yRange: [null, 100] }),
    hourlyKpiChart('chart-compare-p95', lines((h) => h.waitP95S / 60), 'Wait p95 (min)', 'minutes'),
    waitDistributionOverlay('chart-compare-wait-dist', runs.map((r) => ({ label: r.label, wait: r.series.wait }))),
    ...fleetCharts,
  ];
  const sections = [
    section(
      'kpis',
      'KPIs by dispatcher',
      comparisonTable(runs),
      'Same requests, network and seed for every run. Green: the best value of a row (where higher or lower is better).',
    ),
    ...(runs.every((r) => r.cost)
      ? [
          section(
            'cost',
            'Cost per mile by dispatcher',
            costComparisonTable(runs.map((r) => ({ label: r.label, cost: r.cost! }))),
            'Costs of the simulated span with the prices of docs/fleet-operations.md; items a run does not model count zero. Green: the lowest cost, the highest margin, share and hours.',
          ),
        ]
      : []),
    section(
      'hourly',
      'Service through the day',
      grid([
        figure('chart-compare-wait', 'Mean wait by request hour', 'Picked-up requests of each hour; gaps where an hour had no requests.'),
        figure('chart-compare-service', 'Service level by request hour', 'Share of each hour’s requests that were served.'),
        figure('chart-compare-p95', 'Wait p95 by request hour', '95th percentile of the wait of each hour’s picked-up requests.'),
        figure('chart-compare-wait-dist', 'Wait distributions', 'Share of each run’s pickups per wait bin; dashed lines at each run’s p95.'),
      ]),
    ),
    section(
      'fleet',
      'Fleet status by dispatcher',
      grid(runs.map((r, i) => figure(`chart-fleet-${i}`, r.label, `${r.kpis.fleet} vehicles; mean count per state and ${Math.round(r.series.fleetStatus.binS / 60)} min.`))),
    ),
  ];
  if (scenario.description) sections.unshift(section('scenario', 'Scenario', '', scenario.description));
  return renderPage({
    title: scenario.title ?? `Dispatcher comparison: ${runs.map((r) => r.label).join(' vs ')}`,
    kicker: 'Baton dispatcher comparison',
    facts: [
      ...scenarioFacts({ ...scenario, fleet: scenario.fleet ?? (fleets.length === 1 ? fleets[0] : undefined) }),
      { label: 'Runs', value: runs.map((r) => r.label).join(', ') },
    ],
    sections,
    charts,
    maps: [],
    attribution: attributionLines(scenario),
  });
}
