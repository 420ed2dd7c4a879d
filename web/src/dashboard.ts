// The replay dashboard: a clock (play, pause, speed, scrubber) driving the frame sampler, the map, the KPI panel, the
// plots and the selected vehicle; plus `window.__baton`, the hook the browser tests and the benchmark read.
import type { ReplayScene } from '../../src/core/replay/bundle.js';
import { FrameSampler } from '../../src/core/replay/frame.js';
import { ACTIVITY_COUNT, ACTIVITY_NAMES, type Activity } from '../../src/core/replay/timeline.js';
import { clockText, esc, intText, minutesText, pctText } from './format.js';
import { chooseMarkerRenderer, MapView, webglRendererName, type SelectionDrawing } from './map-view.js';
import { ACTIVITY_STYLE, RIDER_COLOR } from './palette.js';
import { Plots } from './plots.js';
import { VehiclePanel } from './vehicle-panel.js';
import type { DashboardHook } from './hook.js';

/** Wall-clock intervals between drawn frames kept for the frame-time figures (the last ~20 s at 60 frames/s). */
const FRAME_HISTORY = 1200;

declare global {
  interface Window {
    __baton?: DashboardHook;
  }
}

export class Dashboard {
  timeS: number;
  playing = false;
  speed = 60;
  private readonly frame: FrameSampler;
  private readonly mapView: MapView;
  private readonly plots: Plots;
  private readonly vehiclePanel: VehiclePanel;
  private lastWallMs = NaN;
  private dirty = true;
  private lastSample = -1;
  private lastPanelMs = 0;
  private framesDrawn = 0;
  private readonly intervals: number[] = [];
  /** Per drawn frame while playing: ms sampling the timeline, ms drawing the map, ms in all (panels included). */
  private readonly work: [number, number, number][] = [];
  private lastSplit: [number, number] = [0, 0];
  private scrubbing = false;
  private nowCells: HTMLElement[] = [];
  /** Set once the map has loaded and a frame was drawn. */
  ready = false;
  private readonly webglRenderer: string;
  private readonly el = {
    play: byId<HTMLButtonElement>('play'),
    clock: byId('clock'),
    speed: byId<HTMLSelectElement>('speed'),
    scrub: byId<HTMLInputElement>('scrub'),
    title: byId('title'),
    now: byId('now'),
    kpis: byId('kpis'),
  };

  constructor(private readonly scene: ReplayScene) {
    const tl = scene.timeline;
    this.timeS = tl.startS;
    this.frame = new FrameSampler(tl, scene.network);
    this.webglRenderer = webglRendererName() ?? 'none';
    const markers = chooseMarkerRenderer(new URLSearchParams(location.search).get('markers'), this.webglRenderer === 'none' ? undefined : this.webglRenderer);
    this.mapView = new MapView(byId('map'), scene, markers, (v) => void this.select(v));
    this.vehiclePanel = new VehiclePanel(byId('vehicle'), scene, () => void this.select(undefined));
    this.plots = new Plots(byId('plots'), tl, (t) => this.seek(t));
    this.el.title.textContent = `${scene.log.name} · ${scene.network.source} · ${tl.vehicleCount} vehicles · ${intText(tl.requestCount)} requests`;
    this.el.title.title = this.el.title.textContent;
    this.el.scrub.min = String(tl.startS);
    this.el.scrub.max = String(Math.max(tl.endS, tl.startS + 1));
    this.el.scrub.disabled = false;
    this.el.play.disabled = false;
    this.el.play.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    this.el.speed.addEventListener('change', () => this.setSpeed(Number(this.el.speed.value)));
    this.el.scrub.addEventListener('input', () => {
      this.scrubbing = true;
      this.seek(Number(this.el.scrub.value));
    });
    this.el.scrub.addEventListener('change', () => (this.scrubbing = false));
    window.addEventListener('keydown', (e) => {
      if (e.code === 'Space' && e.target === document.body) {
        e.preventDefault();
        if (this.playing) this.pause();
        else this.play();
      }
    });
    this.buildNowPanel();
    window.__baton = this.hook();
    requestAnimationFrame((ms) => this.tick(ms));
  }

  /** Resolves once the map has loaded its (empty) style and a frame went to deck.gl; then the hook says ready. */
  async whenLoaded(): Promise<void> {
    await this.mapView.loaded;
    while (this.framesDrawn === 0) await new Promise((ok) => requestAnimationFrame(ok));
    this.ready = true;
  }

  play(): void {
    if (this.timeS >= this.scene.timeline.endS) this.timeS = this.scene.timeline.startS;
    this.playing = true;
    this.lastWallMs = NaN;
    this.el.play.textContent = '❚❚';
  }

  pause(): void {
    this.playing = false;
    this.el.play.textContent = '▶';
  }

  setSpeed(speed: number): void {
    this.speed = speed;
    if (this.el.speed.value !== String(speed)) this.el.speed.value = String(speed);
  }

  seek(timeS: number): void {
    const tl = this.scene.timeline;
    this.timeS = Math.min(tl.endS, Math.max(tl.startS, timeS));
    this.dirty = true;
  }

  async select(vehicle: number | undefined): Promise<void> {
    await this.vehiclePanel.select(vehicle);
    this.lastPanelMs = 0;
    this.dirty = true;
  }

  private tick(wallMs: number): void {
    requestAnimationFrame((ms) => this.tick(ms));
    const tl = this.scene.timeline;
    if (this.playing) {
      if (!Number.isNaN(this.lastWallMs)) {
        const dtMs = wallMs - this.lastWallMs;
        this.intervals.push(dtMs);
        if (this.intervals.length > FRAME_HISTORY) this.intervals.shift();
        this.timeS = Math.min(tl.endS, this.timeS + (dtMs / 1000) * this.speed);
        if (this.timeS >= tl.endS) this.pause();
      }
      this.lastWallMs = wallMs;
      this.dirty = true;
    }
    if (!this.dirty) return;
    this.dirty = false;
    const t0 = performance.now();
    this.draw(wallMs);
    if (this.playing) {
      this.work.push([...this.lastSplit, performance.now() - t0]);
      if (this.work.length > FRAME_HISTORY) this.work.shift();
    }
  }

  private draw(wallMs: number): void {
    const t = this.timeS;
    const t0 = performance.now();
    this.frame.sampleAt(t);
    const t1 = performance.now();
    this.mapView.draw(this.frame, this.selectionDrawing(t));
    this.lastSplit = [t1 - t0, performance.now() - t1];
    this.framesDrawn++;
    this.el.clock.textContent = clockText(t);
    if (!this.scrubbing) this.el.scrub.value = String(Math.round(t));
    this.plots.setTime(t);
    this.renderNow();
    const tl = this.scene.timeline;
    const sample = Math.min(tl.kpiSamples.requests.length - 1, Math.max(0, Math.floor((t - tl.kpiStartS) / tl.kpiStepS)));
    if (sample !== this.lastSample) {
      this.lastSample = sample;
      this.renderKpis(sample);
    }
    // The vehicle panel rebuilds its HTML: a few times a second is enough for reading.
    if (this.vehiclePanel.vehicle !== undefined && wallMs - this.lastPanelMs > 250) {
      this.lastPanelMs = wallMs;
      this.vehiclePanel.render(t, this.activityOf(this.vehiclePanel.vehicle, t));
    }
  }

  private activityOf(v: number, t: number): Activity | undefined {
    const k = this.frame.keyAt(v, t);
    return k < 0 ? undefined : (this.scene.timeline.keyActivity[k] as Activity);
  }

  private selectionDrawing(t: number): SelectionDrawing | undefined {
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

  /** Builds the "now" panel once; each frame then only rewrites the numbers that changed. */
  private buildNowPanel(): void {
    const rows: string[] = [];
    for (let a = 0; a < ACTIVITY_COUNT; a++) {
      const style = ACTIVITY_STYLE[a as Activity];
      rows.push(`<span><i class="dot" style="background:${style.color}"></i>${style.label}</span><span class="n" data-activity="${ACTIVITY_NAMES[a]}">0</span>`);
    }
    rows.push(`<span title="a dot per request not yet picked up; it grows with the wait"><i class="dot" style="background:${RIDER_COLOR}"></i>riders waiting</span><span class="n" data-riders>0</span>`);
    this.el.now.innerHTML = `<h2>Now · <span data-cars>0</span> cars on the map</h2><div class="legend">${rows.join('')}</div>`;
    this.nowCells = [
      ...ACTIVITY_NAMES.map((name) => this.el.now.querySelector<HTMLElement>(`[data-activity="${name}"]`)!),
      this.el.now.querySelector<HTMLElement>('[data-riders]')!,
      this.el.now.querySelector<HTMLElement>('[data-cars]')!,
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
    const cell = (value: string, label: string, key: string) => `<div class="kpi" data-kpi="${key}"><div class="v">${value}</div><div class="l">${esc(label)}</div></div>`;
    this.el.kpis.innerHTML =
      `<h2>So far (to ${clockText(asOf, false)})</h2><div class="kpis">` +
      cell(`${intText(k.served[i])} <small>/ ${intText(k.requests[i])}</small>`, `served (${pctText(k.servedPct[i])})`, 'served') +
      cell(pctText(k.within5MinPct[i]), 'picked up within 5 min', 'within5') +
      cell(minutesText(k.waitMeanS[i]), 'mean wait', 'waitMean') +
      cell(minutesText(k.waitP95S[i]), 'p95 wait', 'waitP95') +
      cell(pctText(100 * k.utilization[i]), 'utilisation (rider on board)', 'utilization') +
      cell(pctText(100 * k.emptyShare[i]), 'empty share of km', 'emptyShare') +
      `</div><div class="note">Whole run: ${pctText(tl.kpis.within5MinPct)} within 5 min, p95 wait ${minutesText(tl.kpis.waitP95S)}, utilisation ${pctText(100 * tl.kpis.utilization)}.</div>`;
  }

  private hook(): DashboardHook {
    const self = this;
    const tl = this.scene.timeline;
    return {
      get ready() {
        return self.ready;
      },
      get timeS() {
        return self.timeS;
      },
      get playing() {
        return self.playing;
      },
      get speed() {
        return self.speed;
      },
      startS: tl.startS,
      endS: tl.endS,
      markerRenderer: this.mapView.markers,
      webglRenderer: this.webglRenderer,
      vehicleCount: tl.vehicleCount,
      placedVehicles: () => tl.placedS.filter((s) => s <= self.timeS).length,
      get carMarkers() {
        return self.mapView.carsDrawn;
      },
      get riderMarkers() {
        return self.mapView.ridersDrawn;
      },
      get activityCounts() {
        return Object.fromEntries(ACTIVITY_NAMES.map((name, a) => [name, self.frame.activityCounts[a]]));
      },
      get framesDrawn() {
        return self.framesDrawn;
      },
      get selectedVehicle() {
        return self.vehiclePanel.vehicle;
      },
      seek: (t) => this.seek(t),
      play: () => this.play(),
      pause: () => this.pause(),
      setSpeed: (s) => this.setSpeed(s),
      select: (v) => this.select(v),
      vehiclePagePoint: (v) => {
        const p = this.frame.vehiclePosition(v, this.timeS);
        if (!p) return undefined;
        const pt = this.mapView.pagePoint(p[0], p[1]);
        return this.mapView.onMap(pt.x, pt.y) ? pt : undefined;
      },
      isolatedBusyVehicle: (clearPx = 14) => {
        const f = this.frame;
        f.sampleAt(this.timeS);
        const points = Array.from({ length: f.carCount }, (_, i) => this.mapView.pagePoint(f.carPositions[2 * i], f.carPositions[2 * i + 1]));
        for (let i = 0; i < f.carCount; i++) {
          if (f.carActivity[i] === 0) continue;
          const p = points[i];
          if (!this.mapView.onMap(p.x, p.y, 40)) continue;
          let clear = true;
          for (let j = 0; j < f.carCount && clear; j++) if (j !== i && Math.hypot(points[j].x - p.x, points[j].y - p.y) < clearPx) clear = false;
          if (clear) return f.carVehicle[i];
        }
        return undefined;
      },
      frameStats: () => {
        const xs = [...this.intervals].sort((a, b) => a - b);
        const at = (q: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] : NaN);
        const mean = (i: number) => this.work.reduce((a, w) => a + w[i], 0) / Math.max(1, this.work.length);
        return { frames: xs.length, medianMs: at(0.5), p95Ms: at(0.95), meanWorkMs: mean(2), meanSampleMs: mean(0), meanMapMs: mean(1) };
      },
      resetFrameStats: () => {
        this.intervals.length = 0;
        this.work.length = 0;
      },
    };
  }
}

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page element #${id} missing`);
  return el as T;
}
