// One recorded run on the page: its map, its selected vehicle, its "now" panel and KPI panel. The dashboard holds one
// (replay) or two side by side (comparison), all driven by one clock.
import { ReplayOperatorAreas } from './operator-areas-replay.js';
import type { ReplayScene } from '../../src/core/replay/bundle.js';
import { FrameSampler } from '../../src/core/replay/frame.js';
import { ACTIVITY_COUNT, ACTIVITY_NAMES, type Activity } from '../../src/core/replay/timeline.js';
import { clockText, esc, intText, minutesText, pctText } from './format.js';
import { MapView, type MarkerRenderer, type OverlayName, type SelectionDrawing } from './map-view.js';
import { ACTIVITY_STYLE, RIDER_COLOR } from './palette.js';
import { VehiclePanel } from './vehicle-panel.js';
import { RiderPanel } from './rider-panel.js';
import { heatCells, heatGeoJson } from './heat.js';
import { wholeRunCostText } from './run-cost.js';

/** Wall ms between heat recomputations while the heat overlay is shown. */
const HEAT_EVERY_MS = 500;

/** The page elements of run i: run 0 keeps the plain ids (#map, #vehicle, #now, #kpis), run i > 0 gets "-i". */
export function runElementId(name: 'map' | 'vehicle' | 'rider' | 'now' | 'kpis', run: number): string {
  return run === 0 ? name : `${name}-${run}`;
}

/** Builds the map pane and the side panels of each run; two runs sit side by side. */
export function buildRunElements(runs: readonly ReplayScene[]): void {
  const area = document.getElementById('map-area')!;
  const side = document.getElementById('runs')!;
  document.getElementById('app')!.classList.toggle('compare', runs.length > 1);
  runs.forEach((scene, i) => {
    const pane = document.createElement('div');
    pane.className = 'pane';
    pane.dataset.run = String(i);
    pane.innerHTML =
      `<div id="${runElementId('map', i)}" class="map"></div><section id="${runElementId('vehicle', i)}" class="card vehicle" hidden></section>` +
      `<section id="${runElementId('rider', i)}" class="card vehicle rider" hidden></section>` +
      (runs.length > 1 ? `<div class="pane-label">${String.fromCharCode(65 + i)} · ${esc(scene.log.name)}</div>` : '');
    area.appendChild(pane);
    const panel = document.createElement('div');
    panel.className = 'run';
    panel.dataset.run = String(i);
    panel.innerHTML =
      (runs.length > 1 ? `<div class="run-name">${String.fromCharCode(65 + i)} · ${esc(scene.log.name)}</div>` : '') +
      `<section id="${runElementId('now', i)}" class="panel now"></section><section id="${runElementId('kpis', i)}" class="panel kpis-panel"></section>`;
    side.appendChild(panel);
  });
}

export class RunView {
  readonly frame: FrameSampler;
  readonly mapView: MapView;
  readonly vehiclePanel: VehiclePanel;
  /** The selected rider's card (one card at a time: selecting a rider closes the car's, and the other way round). */
  readonly riderPanel: RiderPanel;
  private readonly nowEl: HTMLElement;
  private readonly kpisEl: HTMLElement;
  private nowCells: HTMLElement[] = [];
  private lastSample = -1;
  private lastPanelMs = 0;
  heatShown = false;
  /** Operator pauses and live service areas of a recorded live run (none for a simulated one). */
  readonly operatorAreas: ReplayOperatorAreas | undefined;
  private lastHeatMs = -Infinity;
  /** Heat cells drawn last (for the tests). */
  heatCellCount = 0;

  constructor(
    readonly scene: ReplayScene,
    readonly index: number,
    markers: MarkerRenderer,
    onSelect: (v: number | undefined) => void,
    onSelectRider: (request: number | undefined) => void,
  ) {
    this.frame = new FrameSampler(scene.timeline, scene.network);
    this.mapView = new MapView(byId(runElementId('map', index)), scene, markers, onSelect, onSelectRider);
    const api = index === 0 ? 'api/' : `api/runs/${index}/`;
    this.vehiclePanel = new VehiclePanel(byId(runElementId('vehicle', index)), scene, () => onSelect(undefined), api);
    this.riderPanel = new RiderPanel(byId(runElementId('rider', index)), () => onSelectRider(undefined), (r) => fetch(`${api}requests/${r}`));
    this.nowEl = byId(runElementId('now', index));
    this.kpisEl = byId(runElementId('kpis', index));
    this.buildNowPanel();
    const areas = scene.timeline.operatorAreas ?? [];
    if (areas.length > 0) this.operatorAreas = new ReplayOperatorAreas(this.mapView.map, areas, byId(runElementId('map', index)));
  }

  /** Samples the run at t (clamped to its own span) and draws its map; the panels follow. Returns [ms sampling, ms drawing]. */
  draw(t: number, wallMs: number): [number, number] {
    const tl = this.scene.timeline;
    const at = Math.min(tl.endS, Math.max(tl.startS, t));
    const t0 = performance.now();
    this.frame.sampleAt(at);
    const t1 = performance.now();
    this.mapView.draw(this.frame, this.selectionDrawing(at));
    this.operatorAreas?.at(at);
    const split: [number, number] = [t1 - t0, performance.now() - t1];
    this.renderNow();
    const sample = Math.min(tl.kpiSamples.requests.length - 1, Math.max(0, Math.floor((at - tl.kpiStartS) / tl.kpiStepS)));
    if (sample !== this.lastSample) {
      this.lastSample = sample;
      this.renderKpis(sample);
    }
    // The vehicle panel rebuilds its HTML: a few times a second is enough for reading.
    if (this.vehiclePanel.vehicle !== undefined && wallMs - this.lastPanelMs > 250) {
      this.lastPanelMs = wallMs;
      this.vehiclePanel.render(at, this.activityOf(this.vehiclePanel.vehicle, at));
    }
    if (this.riderPanel.request !== undefined && wallMs - this.lastPanelMs > 250) {
      this.lastPanelMs = wallMs;
      this.riderPanel.render(at);
    }
    if (this.heatShown && wallMs - this.lastHeatMs > HEAT_EVERY_MS) this.drawHeat(wallMs);
    return split;
  }

  setOverlay(name: OverlayName, visible: boolean): void {
    if (name === 'heat') {
      this.heatShown = visible;
      this.lastHeatMs = -Infinity;
    }
    this.mapView.setOverlay(name, visible);
  }

  /** Recomputes the heat from the frame last drawn. */
  drawHeat(wallMs: number): void {
    const cells = heatCells(this.frame);
    this.heatCellCount = cells.length;
    this.mapView.setHeat(heatGeoJson(cells));
    this.lastHeatMs = wallMs;
  }

  async select(vehicle: number | undefined): Promise<void> {
    if (vehicle !== undefined) void this.riderPanel.select(undefined);
    await this.vehiclePanel.select(vehicle);
    this.lastPanelMs = 0;
  }

  /** Selects a rider by request (undefined: none); the car's card closes. */
  async selectRider(request: number | undefined): Promise<void> {
    if (request !== undefined) void this.vehiclePanel.select(undefined);
    await this.riderPanel.select(request);
    this.lastPanelMs = 0;
  }

  activityOf(v: number, t: number): Activity | undefined {
    const k = this.frame.keyAt(v, t);
    return k < 0 ? undefined : (this.scene.timeline.keyActivity[k] as Activity);
  }

  private selectionDrawing(t: number): SelectionDrawing | undefined {
    const r = this.riderPanel.request;
    if (r !== undefined) return this.riderDrawing(r, t);
    const v = this.vehiclePanel.vehicle;
    if (v === undefined) return undefined;
    const position = this.frame.vehiclePosition(v, t);
    if (!position) return undefined;
    const plan = this.vehiclePanel.planAt(t);
    const { nodeLon, nodeLat } = this.scene.network;
    return {
      position,
      stops: (plan?.stops ?? []).map((s) => ({ position: [nodeLon[s.node], nodeLat[s.node]] as [number, number], kind: s.kind, next: s.next })),
    };
  }

  /** The selected rider ringed at its pickup, with a line to the car coming for it (while it waits for one). */
  private riderDrawing(r: number, t: number): SelectionDrawing | undefined {
    const node = this.scene.timeline.requestPickupNode[r];
    if (node === undefined) return undefined;
    const { nodeLon, nodeLat } = this.scene.network;
    const h = this.riderPanel.historyAt(t);
    const car = h && h.status === 'assigned' ? this.frame.vehiclePosition(h.vehicle, t) : undefined;
    return { position: [nodeLon[node], nodeLat[node]], stops: car ? [{ position: car, kind: 'pickup', next: true }] : [] };
  }

  /** Builds the "now" panel once; each frame then only rewrites the numbers that changed. */
  private buildNowPanel(): void {
    const rows: string[] = [];
    for (let a = 0; a < ACTIVITY_COUNT; a++) {
      const style = ACTIVITY_STYLE[a as Activity];
      rows.push(`<span><i class="dot" style="background:${style.color}"></i>${style.label}</span><span class="n" data-activity="${ACTIVITY_NAMES[a]}">0</span>`);
    }
    rows.push(`<span title="a dot per request not yet picked up; it grows with the wait"><i class="dot" style="background:${RIDER_COLOR}"></i>riders waiting</span><span class="n" data-riders>0</span>`);
    this.nowEl.innerHTML = `<h2>Now · <span data-cars>0</span> cars on the map</h2><div class="legend">${rows.join('')}</div>`;
    this.nowCells = [
      ...ACTIVITY_NAMES.map((name) => this.nowEl.querySelector<HTMLElement>(`[data-activity="${name}"]`)!),
      this.nowEl.querySelector<HTMLElement>('[data-riders]')!,
      this.nowEl.querySelector<HTMLElement>('[data-cars]')!,
    ];
  }

  private renderNow(): void {
    const f = this.frame;
    const values = [...f.activityCounts, f.riderCount, f.carCount];
    for (let i = 0; i < values.length; i++) {
      const text = intText(values[i]);
      if (this.nowCells[i].textContent !== text) this.nowCells[i].textContent = text;
    }
  }

  private renderKpis(i: number): void {
    const k = this.scene.timeline.kpiSamples;
    const tl = this.scene.timeline;
    const asOf = tl.kpiStartS + i * tl.kpiStepS;
    this.kpisEl.innerHTML =
      `<h2>So far (to ${clockText(asOf, false)})</h2>` +
      kpiGrid({
        requests: k.requests[i],
        served: k.served[i],
        servedPct: k.servedPct[i],
        within5MinPct: k.within5MinPct[i],
        waitMeanS: k.waitMeanS[i],
        waitP95S: k.waitP95S[i],
        utilization: k.utilization[i],
        emptyShare: k.emptyShare[i],
      }) +
      `<div class="note">Whole run: ${pctText(tl.kpis.within5MinPct)} within 5 min, p95 wait ${minutesText(tl.kpis.waitP95S)}, utilisation ${pctText(100 * tl.kpis.utilization)}.</div>` +
      `<div class="note" data-run-cost>${esc(wholeRunCostText(tl.kpis))}</div>`;
  }
}

/** The KPIs the panels show (a subset of Kpis, the same fold in replay and live). */
export interface KpiFigures {
  requests: number;
  served: number;
  servedPct: number;
  within5MinPct: number;
  waitMeanS: number;
  waitP95S: number;
  utilization: number;
  emptyShare: number;
}

/** The KPI cells (`[data-kpi=…]`), shared by the replay and live panels. */
export function kpiGrid(k: KpiFigures): string {
  const cell = (value: string, label: string, key: string) => `<div class="kpi" data-kpi="${key}"><div class="v">${value}</div><div class="l">${esc(label)}</div></div>`;
  return (
    `<div class="kpis">` +
    cell(`${intText(k.served)} <small>/ ${intText(k.requests)}</small>`, `served (${pctText(k.servedPct)})`, 'served') +
    cell(pctText(k.within5MinPct), 'picked up within 5 min', 'within5') +
    cell(minutesText(k.waitMeanS), 'mean wait', 'waitMean') +
    cell(minutesText(k.waitP95S), 'p95 wait', 'waitP95') +
    cell(pctText(100 * k.utilization), 'utilisation (rider on board)', 'utilization') +
    cell(pctText(100 * k.emptyShare), 'empty share of km', 'emptyShare') +
    `</div>`
  );
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page element #${id} missing`);
  return el as T;
}
