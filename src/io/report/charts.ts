// Chart specifications (plain JSON the page's client script draws with uPlot) and the builders the reports share.
import type { HourlyKpis } from '../../core/metrics/kpis.js';
import type { BaySeries, OutOfServiceSeries, PlugSeries, SocBands } from '../../core/metrics/energy-series.js';
import type { FleetStatusSeries, HourlyFlows, WaitHistogram } from '../../core/metrics/report-series.js';
import { OPERATION_STATE_LABEL, type OperationState, type OperationsBreakdown } from '../../core/metrics/operations-breakdown.js';

/** How axis ticks and legend values read: clock = hours since day start as HH:MM; minutes/percent add the unit. */
export type ValueFormat = 'clock' | 'number' | 'integer' | 'percent' | 'minutes';

/** How one series is drawn. */
export type SeriesStyle = 'line' | 'bars' | 'step';

export interface SeriesSpec {
  label: string;
  color: string;
  /** One value per x; null leaves a gap. */
  values: (number | null)[];
  style?: SeriesStyle;
  /** Show a dot at every data point (sparse curves). */
  points?: boolean;
  dash?: boolean;
  width?: number;
}

/** A labelled reference line: vertical at an x value, or horizontal at a y value. */
export interface MarkerSpec {
  value: number;
  label: string;
  color: string;
}

/**
 * One chart. `xy` draws each series as given; `stacked` stacks the series bottom to top (first = bottom) as filled
 * areas whose legend shows each layer's own value.
 */
export interface ChartSpec {
  id: string;
  kind: 'xy' | 'stacked';
  x: number[];
  xLabel: string;
  yLabel: string;
  xFormat: ValueFormat;
  yFormat: ValueFormat;
  /** Fixed x extent (e.g. whole hours around hourly bars); default: the data. */
  xRange?: [number, number];
  /** y extent; null ends are taken from the data (default: from 0 to the data maximum plus headroom). */
  yRange?: [number | null, number | null];
  series: SeriesSpec[];
  vMarkers?: MarkerSpec[];
  hMarkers?: MarkerSpec[];
  height?: number;
}

/** Colours shared by every report (Tableau 10, readable on white and distinguishable by most colour-blind readers). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac'] as const;

/** Colour of the n-th run or series. */
export const paletteColor = (i: number): string => PALETTE[i % PALETTE.length];

/** Fleet-state colours: productive states saturated, idle pale, so the stack reads at a glance. */
export const FLEET_STATE_STYLE = [
  { key: 'occupied', label: 'Occupied (rider on board)', color: '#4e79a7' },
  { key: 'toPickup', label: 'Driving to pickup', color: '#f28e2b' },
  { key: 'rebalancing', label: 'Rebalancing', color: '#b07aa1' },
  { key: 'charging', label: 'Charging (driving there, queued, plugged)', color: '#59a14f' },
  { key: 'servicing', label: 'Cleaning or maintenance (driving there, queued, in a bay)', color: '#76b7b2' },
  { key: 'assisted', label: 'Held for remote assistance', color: '#edc948' },
  { key: 'outOfService', label: 'Out of service', color: '#79706e' },
  { key: 'idle', label: 'Idle', color: '#cfd6de' },
] as const;

/** States drawn only in runs that have them (charging sites, service centres, remote assistance, faults). */
const OPTIONAL_FLEET_STATES: readonly string[] = ['charging', 'servicing', 'assisted', 'outOfService'];

const hourCentres = (hours: readonly number[]): number[] => hours.map((h) => h + 0.5);
const hourRange = (hours: readonly number[]): [number, number] | undefined =>
  hours.length > 0 ? [hours[0], hours[hours.length - 1] + 1] : undefined;

/** The index range [from, to) of hours for which `active` holds somewhere, so charts skip empty night hours. */
function activeSpan(hours: number, active: (h: number) => boolean): [number, number] {
  let from = 0;
  while (from < hours && !active(from)) from++;
  let to = hours;
  while (to > from && !active(to - 1)) to--;
  return from < to ? [from, to] : [0, hours];
}

/** Requests per hour as bars with pickups, cancellations and rejections as lines (clock hours of each event). */
export function hourlyFlowChart(id: string, flows: HourlyFlows): ChartSpec {
  const [from, to] = activeSpan(flows.hour.length, (h) => flows.requests[h] + flows.pickups[h] + flows.cancelled[h] + flows.rejected[h] > 0);
  const cut = (values: readonly number[]): number[] => values.slice(from, to);
  const hours = cut(flows.hour);
  return {
    id,
    kind: 'xy',
    x: hourCentres(hours),
    xRange: hourRange(hours),
    xLabel: 'Time of day',
    yLabel: 'Requests per hour',
    xFormat: 'clock',
    yFormat: 'integer',
    series: [
      { label: 'Requests', color: '#9fb9d6', values: cut(flows.requests), style: 'bars' },
      { label: 'Pickups', color: '#2f6db5', values: cut(flows.pickups), points: true },
      { label: 'Cancelled', color: '#e15759', values: cut(flows.cancelled), dash: true },
      ...(flows.rejected.some((n) => n > 0) ? [{ label: 'Rejected', color: '#9c755f', values: cut(flows.rejected), dash: true }] : []),
    ],
  };
}

/** One line of an hourly KPI chart: a run's hourly KPIs and which figure to plot. */
export interface HourlyLine {
  label: string;
  hourly: readonly HourlyKpis[];
  pick: (h: HourlyKpis) => number;
  color?: string;
  dash?: boolean;
}

/** Per-request-hour KPIs as lines (one run several figures, or one figure of several runs). */
export function hourlyKpiChart(
  id: string,
  lines: readonly HourlyLine[],
  yLabel: string,
  yFormat: ValueFormat,
  options: { yRange?: [number | null, number | null]; hMarkers?: MarkerSpec[] } = {},
): ChartSpec {
  const hours = Math.max(0, ...lines.map((l) => l.hourly.length));
  const [from, to] = activeSpan(hours, (h) => lines.some((l) => (l.hourly[h]?.requests ?? 0) > 0));
  const hourIdx = Array.from({ length: to - from }, (_, i) => from + i);
  return {
    id,
    kind: 'xy',
    x: hourCentres(hourIdx),
    xRange: hourRange(hourIdx),
    xLabel: 'Request time of day',
    yLabel,
    xFormat: 'clock',
    yFormat,
    yRange: options.yRange,
    hMarkers: options.hMarkers,
    series: lines.map((l, i) => ({
      label: l.label,
      color: l.color ?? paletteColor(i),
      // Hours without requests have no wait or service level: gaps, not zeros.
      values: hourIdx.map((h) => {
        const k = l.hourly[h];
        const v = k && k.requests > 0 ? l.pick(k) : NaN;
        return Number.isFinite(v) ? v : null;
      }),
      points: true,
      dash: l.dash,
    })),
  };
}

/** Wait-time histogram (minutes on x) with dashed p50/p95 markers. */
export function waitHistogramChart(id: string, wait: WaitHistogram): ChartSpec {
  const binMin = wait.binS / 60;
  const x = wait.counts.map((_, i) => (i + 0.5) * binMin);
  const markers: MarkerSpec[] = [];
  if (Number.isFinite(wait.p50S)) markers.push({ value: wait.p50S / 60, label: `p50 ${formatDuration(wait.p50S)}`, color: '#2f6db5' });
  if (Number.isFinite(wait.p95S)) markers.push({ value: wait.p95S / 60, label: `p95 ${formatDuration(wait.p95S)}`, color: '#e15759' });
  return {
    id,
    kind: 'xy',
    x,
    xRange: [0, Math.max(1, wait.counts.length) * binMin],
    xLabel: 'Wait from request to pickup (min)',
    yLabel: `Pickups per ${wait.binS} s bin`,
    xFormat: 'number',
    yFormat: 'integer',
    series: [{ label: 'Pickups', color: '#4e79a7', values: wait.counts, style: 'bars' }],
    vMarkers: markers,
  };
}

/** Several runs' wait distributions overlaid as step lines of the share of their pickups per bin. */
export function waitDistributionOverlay(id: string, runs: readonly { label: string; wait: WaitHistogram }[]): ChartSpec {
  const binS = runs[0]?.wait.binS ?? 30;
  for (const r of runs) {
    if (r.wait.binS !== binS) throw new Error(`waitDistributionOverlay: run ${r.label} has ${r.wait.binS} s bins, expected ${binS} s`);
  }
  const bins = Math.max(1, ...runs.map((r) => r.wait.counts.length));
  const binMin = binS / 60;
  return {
    id,
    kind: 'xy',
    x: Array.from({ length: bins + 1 }, (_, i) => i * binMin),
    xRange: [0, bins * binMin],
    xLabel: 'Wait from request to pickup (min)',
    yLabel: `Share of pickups per ${binS} s bin (%)`,
    xFormat: 'number',
    yFormat: 'percent',
    // Step lines hold each bin's value from its start; the extra last point closes the final bin.
    series: runs.map((r, i) => {
      const values = Array.from({ length: bins + 1 }, (_, b) => (r.wait.n > 0 ? (100 * (r.wait.counts[Math.min(b, bins - 1)] ?? 0)) / r.wait.n : null));
      return { label: r.label, color: paletteColor(i), values, style: 'step' as const };
    }),
    vMarkers: runs.flatMap((r, i) =>
      Number.isFinite(r.wait.p95S) ? [{ value: r.wait.p95S / 60, label: `${r.label} p95`, color: paletteColor(i) }] : [],
    ),
  };
}

/**
 * Vehicles per state over the day as a stacked area (bin means, so the stack adds up to the fleet). `fromS` hides the
 * bins before it (e.g. the idle night before a morning scenario's first request).
 */
export function fleetStatusChart(id: string, fs: FleetStatusSeries, fleet: number, fromS = -Infinity): ChartSpec {
  let first = 0;
  while (first < fs.startS.length - 1 && fs.startS[first] + fs.binS <= fromS) first++;
  const starts = fs.startS.slice(first);
  return {
    id,
    kind: 'stacked',
    x: starts.map((s) => (s + fs.binS / 2) / 3600),
    xRange: starts.length > 0 ? [starts[0] / 3600, (starts[starts.length - 1] + fs.binS) / 3600] : undefined,
    xLabel: 'Time of day',
    yLabel: `Vehicles (mean per ${Math.round(fs.binS / 60)} min)`,
    xFormat: 'clock',
    yFormat: 'number',
    yRange: [0, Math.max(1, fleet)],
    // Charging, servicing, assists and cars out of service only appear in runs that have them (series from older
    // bundles may lack them).
    series: FLEET_STATE_STYLE.filter((s) => !OPTIONAL_FLEET_STATES.includes(s.key) || (fs[s.key] ?? []).some((x) => x > 0)).map((s) => ({
      label: s.label,
      color: s.color,
      values: (fs[s.key] ?? []).slice(first),
    })),
  };
}

/** Start of the first hour with requests (where time-of-day charts begin), or 0. */
export function firstRequestHourS(hourly: readonly HourlyKpis[]): number {
  const h = hourly.findIndex((k) => k.requests > 0);
  return Math.max(0, h) * 3600;
}

/**
 * Seconds as a short human duration.
 *
 * @example formatDuration(125) // '2:05 min'; formatDuration(42) // '42 s'
 */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '–';
  const r = Math.round(s);
  if (Math.abs(r) < 60) return `${r} s`;
  const m = Math.floor(r / 60);
  return `${m}:${String(r - m * 60).padStart(2, '0')} min`;
}

/** Skips the leading marks or bins before `fromS` (keeping at least one). */
function firstFrom(times: readonly number[], widthS: number, fromS: number): number {
  let first = 0;
  while (first < times.length - 1 && times[first] + widthS <= fromS) first++;
  return first;
}

/**
 * The fleet's state of charge over the day as percentile lines (% of the battery): the median bold, the quartiles,
 * the 10th/90th percentiles dashed, the lowest car dotted; the charging threshold as a reference line if given.
 */
export function socBandsChart(id: string, soc: SocBands, fromS = -Infinity, chargeBelowShare?: number): ChartSpec {
  const first = firstFrom(soc.atS, soc.binS, fromS);
  const pct = (values: readonly number[]): number[] => values.slice(first).map((x) => (100 * x) / soc.batteryKwh);
  const at = soc.atS.slice(first);
  return {
    id,
    kind: 'xy',
    x: at.map((s) => s / 3600),
    xRange: at.length > 0 ? [at[0] / 3600, at[at.length - 1] / 3600] : undefined,
    xLabel: 'Time of day',
    yLabel: `State of charge (% of ${soc.batteryKwh} kWh)`,
    xFormat: 'clock',
    yFormat: 'percent',
    yRange: [0, 100],
    series: [
      { label: '90th percentile', color: '#9fb9d6', values: pct(soc.p90), dash: true },
      { label: '75th percentile', color: '#4e79a7', values: pct(soc.p75) },
      { label: 'Median', color: '#1f4e79', values: pct(soc.p50), width: 2.5 },
      { label: '25th percentile', color: '#4e79a7', values: pct(soc.p25) },
      { label: '10th percentile', color: '#9fb9d6', values: pct(soc.p10), dash: true },
      { label: 'Lowest car', color: '#e15759', values: pct(soc.min), dash: true, width: 1 },
    ],
    hMarkers: chargeBelowShare === undefined ? undefined : [{ value: 100 * chargeBelowShare, label: `charge below ${Math.round(100 * chargeBelowShare)} %`, color: '#59a14f' }],
  };
}

/** Places in use and cars queued for one over the day (bin means, stacked), with the number of places as a line. */
function occupancyChart(
  id: string,
  o: { startS: number[]; binS: number; places: number; inUse: number[]; queued: number[]; inUseLabel: string; queuedLabel: string; inUseColor: string; placeWord: string },
  fromS: number,
): ChartSpec {
  const first = firstFrom(o.startS, o.binS, fromS);
  const starts = o.startS.slice(first);
  return {
    id,
    kind: 'stacked',
    x: starts.map((s) => (s + o.binS / 2) / 3600),
    xRange: starts.length > 0 ? [starts[0] / 3600, (starts[starts.length - 1] + o.binS) / 3600] : undefined,
    xLabel: 'Time of day',
    yLabel: `Cars (mean per ${Math.round(o.binS / 60)} min)`,
    xFormat: 'clock',
    yFormat: 'number',
    // Up to the places (or the queue above them), so the capacity line is always in view.
    yRange: [0, 1.1 * Math.max(o.places, ...o.inUse.map((x, i) => x + (o.queued[i] ?? 0)))],
    series: [
      { label: o.inUseLabel, color: o.inUseColor, values: o.inUse.slice(first) },
      { label: o.queuedLabel, color: '#e15759', values: o.queued.slice(first) },
    ],
    hMarkers: [{ value: o.places, label: `${o.places} ${o.placeWord}`, color: '#1f2933' }],
  };
}

/** Cars plugged in and queued for a plug (bin means, stacked), with the number of plugs as a reference line. */
export function plugOccupancyChart(id: string, plugs: PlugSeries, fromS = -Infinity): ChartSpec {
  const { startS, binS, plugged, queued } = plugs;
  return occupancyChart(id, { startS, binS, places: plugs.plugs, inUse: plugged, queued, inUseLabel: 'Plugged in', queuedLabel: 'Queued for a plug', inUseColor: '#59a14f', placeWord: 'plugs' }, fromS);
}

/** How each out-of-service reason is drawn; reasons not listed (later features) get palette colours. */
const OUT_OF_SERVICE_STYLE: Record<string, { label: string; color: string }> = {
  plugged: { label: 'Charging: plugged in', color: '#59a14f' },
  queued: { label: 'Charging: queued for a plug', color: '#e15759' },
  toCharger: { label: 'Charging: driving to the site', color: '#8cd17d' },
  servicing: { label: 'Cleaning or maintenance (driving there, queued, in a bay)', color: '#4e79a7' },
  assist: { label: 'Remote assistance (waiting for an operator, held)', color: '#f28e2b' },
};

/** Cars in a bay and queued for one over the day (stacked), against the bays of all service centres. */
export function bayOccupancyChart(id: string, bays: BaySeries, fromS = -Infinity): ChartSpec {
  const { startS, binS, inBay, queued } = bays;
  return occupancyChart(id, { startS, binS, places: bays.bays, inUse: inBay, queued, inUseLabel: 'In a bay', queuedLabel: 'Queued for a bay', inUseColor: '#4e79a7', placeWord: 'bays' }, fromS);
}

/**
 * Cars out of service over the day, stacked by reason: the charging stop split into driving there, queued and
 * plugged in, then every other reason the series carries (servicing, assists) as its own layer.
 */
export function outOfServiceChart(id: string, oos: OutOfServiceSeries, plugs: PlugSeries, fleet: number, fromS = -Infinity): ChartSpec {
  const first = firstFrom(oos.startS, oos.binS, fromS);
  const starts = oos.startS.slice(first);
  const cut = (values: readonly number[]): number[] => values.slice(first);
  const plugged = cut(plugs.plugged);
  const queued = cut(plugs.queued);
  const toCharger = cut(oos.byReason.charging).map((c, i) => Math.max(0, c - (plugged[i] ?? 0) - (queued[i] ?? 0)));
  // The charging layers only in runs with charging sites.
  const layers: SeriesSpec[] =
    plugs.plugs > 0
      ? [
          { ...OUT_OF_SERVICE_STYLE.plugged, values: plugged },
          { ...OUT_OF_SERVICE_STYLE.queued, values: queued },
          { ...OUT_OF_SERVICE_STYLE.toCharger, values: toCharger },
        ]
      : [];
  let extra = 0;
  for (const [reason, values] of Object.entries(oos.byReason)) {
    if (reason === 'charging') continue;
    layers.push({ label: OUT_OF_SERVICE_STYLE[reason]?.label ?? reason, color: OUT_OF_SERVICE_STYLE[reason]?.color ?? paletteColor(4 + extra++), values: cut(values) });
  }
  const peak = Math.max(1, ...starts.map((_, i) => layers.reduce((s, l) => s + (l.values[i] ?? 0), 0)));
  return {
    id,
    kind: 'stacked',
    x: starts.map((s) => (s + oos.binS / 2) / 3600),
    xRange: starts.length > 0 ? [starts[0] / 3600, (starts[starts.length - 1] + oos.binS) / 3600] : undefined,
    xLabel: 'Time of day',
    yLabel: `Cars (mean per ${Math.round(oos.binS / 60)} min)`,
    xFormat: 'clock',
    yFormat: 'number',
    yRange: [0, Math.min(Math.max(1, fleet), Math.ceil(peak * 1.15))],
    series: layers,
  };
}

/** Colours of the operations breakdown: charging greens, servicing blues, assists oranges, out of service grey. */
export const OPERATION_STATE_COLOR: Record<OperationState, string> = {
  toCharger: '#8cd17d',
  plugQueue: '#e15759',
  plugged: '#59a14f',
  toCentre: '#a0cbe8',
  bayQueue: '#ff9da7',
  cleaning: '#4e79a7',
  maintenance: '#2b4a6f',
  assistQueue: '#f1ce63',
  assistHeld: '#f28e2b',
  outOfService: '#79706e',
};

/** Cars out of service over the day, stacked by what they were doing (the operations breakdown's series). */
export function operationsOverDayChart(id: string, series: OperationsBreakdown['series'], states: readonly OperationState[], fleet: number, fromS = -Infinity): ChartSpec {
  const first = firstFrom(series.startS, series.binS, fromS);
  const starts = series.startS.slice(first);
  const layers: SeriesSpec[] = states.map((s) => ({ label: OPERATION_STATE_LABEL[s], color: OPERATION_STATE_COLOR[s], values: series.byState[s].slice(first) }));
  const peak = Math.max(1, ...starts.map((_, i) => layers.reduce((sum, l) => sum + (l.values[i] ?? 0), 0)));
  return {
    id,
    kind: 'stacked',
    x: starts.map((s) => (s + series.binS / 2) / 3600),
    xRange: starts.length > 0 ? [starts[0] / 3600, (starts[starts.length - 1] + series.binS) / 3600] : undefined,
    xLabel: 'Time of day',
    yLabel: `Cars (mean per ${Math.round(series.binS / 60)} min)`,
    xFormat: 'clock',
    yFormat: 'number',
    yRange: [0, Math.min(Math.max(1, fleet), Math.ceil(peak * 1.15))],
    series: layers,
  };
}
