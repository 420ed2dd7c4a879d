// Time series of the whole day (uPlot) with a line at the replay's current time; a click on a plot seeks there.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ReplayTimeline } from '../../src/core/replay/timeline.js';
import { Activity } from '../../src/core/replay/timeline.js';
import { clockText, esc } from './format.js';
import { ACTIVITY_STYLE, RIDER_COLOR } from './palette.js';

interface SeriesSpec {
  label: string;
  color: string;
  values: (number | null)[];
}

interface PlotSpec {
  id: string;
  title: string;
  x: number[];
  series: SeriesSpec[];
  /** Labels for the key when they differ from the series (stacked: the parts, not the running sums). */
  keys?: { label: string; color: string }[];
  yMin?: number;
  yMax?: number;
  /** Stacked areas: the series are running sums, top first; each band is filled down to the next series (the last to 0). */
  stacked?: boolean;
}

const AXIS = { stroke: '#8a939e', grid: { stroke: '#262c35', width: 1 }, ticks: { stroke: '#262c35', width: 1 }, font: '10px system-ui, sans-serif' };
const nullIfNaN = (x: number): number | null => (Number.isFinite(x) ? x : null);
/** Axis numbers: 1500 → 1.5k, so that four digits fit the narrow axis. */
const compact = (v: number): string => (Math.abs(v) >= 1000 ? `${Number((v / 1000).toFixed(1))}k` : String(Number(v.toFixed(2))));

/** The plots of a timeline: fleet by activity, requests per hour, waits per hour, service so far. */
function plotSpecs(tl: ReplayTimeline): PlotSpec[] {
  const fs = tl.fleetStatus;
  const mid = fs.startS.map((s) => s + fs.binS / 2);
  const occ = fs.occupied;
  const occPick = occ.map((v, i) => v + fs.toPickup[i]);
  const occPickReb = occPick.map((v, i) => v + fs.rebalancing[i]);
  const all = occPickReb.map((v, i) => v + fs.idle[i]);
  const hourMid = tl.hourly.hour.map((h) => h * 3600 + 1800);
  const kpiHours = tl.kpis.hourly;
  const samples = tl.kpiSamples;
  const sampleX = Array.from(samples.requests, (_, i) => tl.kpiStartS + i * tl.kpiStepS);
  const specs: PlotSpec[] = [
    {
      id: 'plot-fleet',
      title: 'Fleet by activity (cars, 5-min means)',
      x: mid,
      series: [
        { label: 'all', color: ACTIVITY_STYLE[Activity.idle].color, values: all },
        { label: 'occupied+to pickup+rebalancing', color: ACTIVITY_STYLE[Activity.rebalancing].color, values: occPickReb },
        { label: 'occupied+to pickup', color: ACTIVITY_STYLE[Activity.toPickup].color, values: occPick },
        { label: 'occupied', color: ACTIVITY_STYLE[Activity.occupied1].color, values: occ },
      ],
      keys: [
        { label: 'occupied', color: ACTIVITY_STYLE[Activity.occupied1].color },
        { label: 'to pickup', color: ACTIVITY_STYLE[Activity.toPickup].color },
        { label: 'rebalancing', color: ACTIVITY_STYLE[Activity.rebalancing].color },
        { label: 'idle', color: ACTIVITY_STYLE[Activity.idle].color },
      ],
      yMin: 0,
      stacked: true,
    },
    {
      id: 'plot-requests',
      title: 'Requests and pickups per hour',
      x: hourMid,
      series: [
        { label: 'requests', color: '#d7dce2', values: tl.hourly.requests },
        { label: 'pickups', color: ACTIVITY_STYLE[Activity.occupied1].color, values: tl.hourly.pickups },
        { label: 'cancelled + rejected', color: RIDER_COLOR, values: tl.hourly.cancelled.map((c, i) => c + tl.hourly.rejected[i]) },
      ],
      yMin: 0,
    },
    {
      id: 'plot-wait',
      title: 'Wait by request hour (min)',
      x: kpiHours.map((h) => h.hour * 3600 + 1800),
      series: [
        { label: 'mean', color: ACTIVITY_STYLE[Activity.toPickup].color, values: kpiHours.map((h) => nullIfNaN(h.waitMeanS / 60)) },
        { label: 'p95', color: RIDER_COLOR, values: kpiHours.map((h) => nullIfNaN(h.waitP95S / 60)) },
      ],
      yMin: 0,
    },
    {
      id: 'plot-service',
      title: 'Service so far (%)',
      x: sampleX,
      series: [
        { label: 'picked up within 5 min', color: ACTIVITY_STYLE[Activity.rebalancing].color, values: Array.from(samples.within5MinPct, nullIfNaN) },
        { label: 'utilisation', color: ACTIVITY_STYLE[Activity.occupied1].color, values: Array.from(samples.utilization, (u) => nullIfNaN(100 * u)) },
        { label: 'empty km share', color: '#8a939e', values: Array.from(samples.emptyShare, (u) => nullIfNaN(100 * u)) },
      ],
      yMin: 0,
      yMax: 100,
    },
  ];
  return specs.filter((s) => s.x.length > 1);
}

export class Plots {
  private readonly plots: { u: uPlot; cursor: HTMLDivElement }[] = [];

  constructor(host: HTMLElement, tl: ReplayTimeline, onSeek: (timeS: number) => void) {
    host.innerHTML = '<h2>Over the day</h2>';
    const width = Math.max(200, host.clientWidth - 28);
    for (const spec of plotSpecs(tl)) {
      const box = document.createElement('div');
      box.className = 'plot';
      box.id = spec.id;
      const keys = spec.keys ?? spec.series.map((s) => ({ label: s.label, color: s.color }));
      box.innerHTML =
        `<div class="t">${esc(spec.title)}</div>` +
        `<div class="keys">${keys.map((k) => `<span><i style="background:${k.color}"></i>${esc(k.label)}</span>`).join('')}</div>`;
      host.appendChild(box);
      const u = new uPlot(
        {
          width,
          height: 84,
          legend: { show: false },
          cursor: { show: true, x: true, y: false, points: { show: false }, drag: { x: false, y: false } },
          scales: {
            x: { time: false, range: [tl.startS, Math.max(tl.endS, tl.startS + 3600)] },
            y: { range: (_u, min, max) => [spec.yMin ?? min, spec.yMax ?? (max > 0 ? max * 1.08 : 1)] },
          },
          axes: [
            { ...AXIS, size: 22, space: 44, incrs: [3600, 7200, 10800, 21600, 43200], values: (_u, splits) => splits.map((s) => clockText(s, false)) },
            { ...AXIS, size: 34, space: 24, values: (_u, splits) => splits.map(compact) },
          ],
          series: [
            {},
            ...spec.series.map((s, i) => ({
              label: s.label,
              stroke: s.color,
              width: spec.stacked ? 0.8 : 1.4,
              fill: spec.stacked && i === spec.series.length - 1 ? `${s.color}cc` : undefined,
              points: { show: false },
              spanGaps: false,
            })),
          ],
          bands: spec.stacked ? spec.series.slice(0, -1).map((s, i) => ({ series: [i + 1, i + 2] as [number, number], fill: `${s.color}cc` })) : [],
        },
        [spec.x, ...spec.series.map((s) => s.values)] as uPlot.AlignedData,
        box,
      );
      const cursor = document.createElement('div');
      cursor.className = 'cursor-line';
      u.over.appendChild(cursor);
      u.over.addEventListener('click', (e) => {
        const t = u.posToVal(e.offsetX, 'x');
        if (Number.isFinite(t)) onSeek(t);
      });
      this.plots.push({ u, cursor });
    }
  }

  /** Moves the time line of every plot. */
  setTime(timeS: number): void {
    for (const { u, cursor } of this.plots) cursor.style.left = `${u.valToPos(timeS, 'x')}px`;
  }
}
