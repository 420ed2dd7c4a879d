// The replay dashboard: a clock (play, pause, speed, scrubber) driving one run's view, or two side by side for a
// comparison (one clock, the same moment on both maps, their cameras moving together), the plots of the first run,
// the overlay toggles; plus `window.__baton`, the hook the browser tests and the benchmark read.
import type { ReplayScene } from '../../src/core/replay/bundle.js';
import { ACTIVITY_NAMES } from '../../src/core/replay/timeline.js';
import { clockText, intText } from './format.js';
import { chooseMarkerRenderer, webglRendererName, type OverlayName } from './map-view.js';
import { Plots } from './plots.js';
import { buildRunElements, byId, RunView } from './run-view.js';
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
  readonly startS: number;
  readonly endS: number;
  readonly runs: RunView[];
  private readonly plots: Plots;
  private lastWallMs = NaN;
  private dirty = true;
  private framesDrawn = 0;
  private readonly intervals: number[] = [];
  /** Per drawn frame while playing: ms sampling the timeline, ms drawing the map, ms in all (panels included). */
  private readonly work: [number, number, number][] = [];
  private lastSplit: [number, number] = [0, 0];
  private scrubbing = false;
  /** Set once the maps have loaded and a frame was drawn. */
  ready = false;
  private readonly webglRenderer: string;
  private readonly el = {
    play: byId<HTMLButtonElement>('play'),
    clock: byId('clock'),
    speed: byId<HTMLSelectElement>('speed'),
    scrub: byId<HTMLInputElement>('scrub'),
    title: byId('title'),
  };

  constructor(scenes: ReplayScene[]) {
    buildRunElements(scenes);
    // One clock over both runs: from the earlier start to the later end (each run shows its own state, held at its ends).
    this.startS = Math.min(...scenes.map((s) => s.timeline.startS));
    this.endS = Math.max(...scenes.map((s) => s.timeline.endS));
    this.timeS = this.startS;
    this.webglRenderer = webglRendererName() ?? 'none';
    const markers = chooseMarkerRenderer(new URLSearchParams(location.search).get('markers'), this.webglRenderer === 'none' ? undefined : this.webglRenderer);
    this.runs = scenes.map((scene, i) => new RunView(scene, i, markers, (v) => void this.select(v, i), (r) => void this.selectRider(r, i)));
    if (this.runs.length > 1) syncCameras(this.runs);
    const first = scenes[0];
    const tl = first.timeline;
    this.plots = new Plots(byId('plots'), tl, (t) => this.seek(t));
    this.el.title.textContent =
      scenes.length > 1
        ? `A ${scenes[0].log.name} vs B ${scenes[1].log.name} · ${first.network.source}`
        : `${first.log.name} · ${first.network.source} · ${tl.vehicleCount} vehicles · ${intText(tl.requestCount)} requests`;
    this.el.title.title = this.el.title.textContent;
    this.el.scrub.min = String(this.startS);
    this.el.scrub.max = String(Math.max(this.endS, this.startS + 1));
    this.el.scrub.disabled = false;
    this.el.play.disabled = false;
    this.el.play.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    this.el.speed.addEventListener('change', () => this.setSpeed(Number(this.el.speed.value)));
    this.el.scrub.addEventListener('input', () => {
      this.scrubbing = true;
      this.seek(Number(this.el.scrub.value));
    });
    this.el.scrub.addEventListener('change', () => (this.scrubbing = false));
    for (const box of document.querySelectorAll<HTMLInputElement>('#layers input[data-overlay]')) {
      box.addEventListener('change', () => this.setOverlay(box.dataset.overlay as OverlayName, box.checked));
    }
    window.addEventListener('keydown', (e) => {
      if (e.code === 'Space' && e.target === document.body) {
        e.preventDefault();
        if (this.playing) this.pause();
        else this.play();
      }
    });
    window.__baton = this.hook();
    requestAnimationFrame((ms) => this.tick(ms));
  }

  /** Resolves once the maps have loaded their (empty) styles and a frame was drawn; then the hook says ready. */
  async whenLoaded(): Promise<void> {
    await Promise.all(this.runs.map((r) => r.mapView.loaded));
    // Overlays whose box starts unticked are hidden (the heat layer starts hidden anyway).
    for (const box of document.querySelectorAll<HTMLInputElement>('#layers input[data-overlay]')) this.setOverlay(box.dataset.overlay as OverlayName, box.checked);
    this.dirty = true;
    while (this.framesDrawn === 0) await new Promise((ok) => requestAnimationFrame(ok));
    this.ready = true;
  }

  play(): void {
    if (this.timeS >= this.endS) this.timeS = this.startS;
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
    this.timeS = Math.min(this.endS, Math.max(this.startS, timeS));
    this.dirty = true;
  }

  setOverlay(name: OverlayName, visible: boolean): void {
    for (const r of this.runs) r.setOverlay(name, visible);
    const box = document.querySelector<HTMLInputElement>(`#layers input[data-overlay="${name}"]`);
    if (box && box.checked !== visible) box.checked = visible;
    this.dirty = true;
  }

  async select(vehicle: number | undefined, run = 0): Promise<void> {
    await this.runs[run].select(vehicle);
    this.dirty = true;
  }

  async selectRider(request: number | undefined, run = 0): Promise<void> {
    await this.runs[run].selectRider(request);
    this.dirty = true;
  }

  private tick(wallMs: number): void {
    requestAnimationFrame((ms) => this.tick(ms));
    if (this.playing) {
      if (!Number.isNaN(this.lastWallMs)) {
        const dtMs = wallMs - this.lastWallMs;
        this.intervals.push(dtMs);
        if (this.intervals.length > FRAME_HISTORY) this.intervals.shift();
        this.timeS = Math.min(this.endS, this.timeS + (dtMs / 1000) * this.speed);
        if (this.timeS >= this.endS) this.pause();
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
    this.lastSplit = [0, 0];
    for (const r of this.runs) {
      const [sampleMs, mapMs] = r.draw(t, wallMs);
      this.lastSplit[0] += sampleMs;
      this.lastSplit[1] += mapMs;
    }
    this.framesDrawn++;
    this.el.clock.textContent = clockText(t);
    if (!this.scrubbing) this.el.scrub.value = String(Math.round(t));
    this.plots.setTime(t);
  }

  private hook(): DashboardHook {
    const self = this;
    const runs = this.runs;
    const run0 = runs[0];
    const runAt = (i = 0): RunView => {
      const r = runs[i];
      if (!r) throw new Error(`no run ${i}: the page shows ${runs.length}`);
      return r;
    };
    const placed = (r: RunView) => r.scene.timeline.placedS.filter((s) => s <= Math.min(self.timeS, r.scene.timeline.endS)).length;
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
      mode: 'replay',
      runs: runs.length,
      startS: this.startS,
      endS: this.endS,
      markerRenderer: run0.mapView.markers,
      webglRenderer: this.webglRenderer,
      vehicleCount: run0.scene.timeline.vehicleCount,
      placedVehicles: (i) => placed(runAt(i)),
      get carMarkers() {
        return run0.mapView.carsDrawn;
      },
      get riderMarkers() {
        return run0.mapView.ridersDrawn;
      },
      get activityCounts() {
        return Object.fromEntries(ACTIVITY_NAMES.map((name, a) => [name, run0.frame.activityCounts[a]]));
      },
      runState: (i) => {
        const r = runAt(i);
        return {
          carMarkers: r.mapView.carsDrawn,
          riderMarkers: r.mapView.ridersDrawn,
          activityCounts: Object.fromEntries(ACTIVITY_NAMES.map((name, a) => [name, r.frame.activityCounts[a]])),
          heatCells: r.heatShown ? r.heatCellCount : 0,
          chargingSites: r.scene.timeline.chargingSites.length,
          serviceAreaPolygons: r.scene.serviceArea?.length ?? 0,
          operatorAreas: r.operatorAreas?.shown ?? 0,
          camera: { lon: r.mapView.map.getCenter().lng, lat: r.mapView.map.getCenter().lat, zoom: r.mapView.map.getZoom() },
        };
      },
      layerShown: (id, i) => {
        const map = runAt(i).mapView.map;
        return map.getLayer(id) !== undefined && map.getLayoutProperty(id, 'visibility') !== 'none';
      },
      get framesDrawn() {
        return self.framesDrawn;
      },
      get selectedVehicle() {
        return run0.vehiclePanel.vehicle;
      },
      get selectedRequest() {
        return run0.riderPanel.request;
      },
      selectRider: (r) => this.selectRider(r),
      riderPagePoint: (r) => {
        const node = run0.scene.timeline.requestPickupNode[r];
        if (node === undefined) return undefined;
        const { nodeLon, nodeLat } = run0.scene.network;
        const pt = run0.mapView.pagePoint(nodeLon[node], nodeLat[node]);
        return run0.mapView.onMap(pt.x, pt.y, 40) ? pt : undefined;
      },
      isolatedWaitingRider: (candidates, clearPx = 14) => {
        const f = run0.frame;
        f.sampleAt(Math.min(this.timeS, run0.scene.timeline.endS));
        const cars = Array.from({ length: f.carCount }, (_, i) => run0.mapView.pagePoint(f.carPositions[2 * i], f.carPositions[2 * i + 1]));
        const riders = Array.from({ length: f.riderCount }, (_, i) => ({ r: f.riderRequest[i], p: run0.mapView.pagePoint(f.riderPositions[2 * i], f.riderPositions[2 * i + 1]) }));
        const wanted = new Set(candidates);
        for (const { r, p } of riders) {
          if (!wanted.has(r) || !run0.mapView.onMap(p.x, p.y, 40)) continue;
          const near = (q: { x: number; y: number }) => Math.hypot(q.x - p.x, q.y - p.y) < clearPx;
          if (cars.some(near) || riders.some((o) => o.r !== r && near(o.p))) continue;
          return r;
        }
        return undefined;
      },
      seek: (t) => this.seek(t),
      play: () => this.play(),
      pause: () => this.pause(),
      setSpeed: (s) => this.setSpeed(s),
      select: (v) => this.select(v),
      setOverlay: (name, visible) => this.setOverlay(name as OverlayName, visible),
      vehiclePagePoint: (v) => {
        const p = run0.frame.vehiclePosition(v, this.timeS);
        if (!p) return undefined;
        const pt = run0.mapView.pagePoint(p[0], p[1]);
        return run0.mapView.onMap(pt.x, pt.y) ? pt : undefined;
      },
      isolatedBusyVehicle: (clearPx = 14) => {
        const f = run0.frame;
        f.sampleAt(Math.min(this.timeS, run0.scene.timeline.endS));
        const points = Array.from({ length: f.carCount }, (_, i) => run0.mapView.pagePoint(f.carPositions[2 * i], f.carPositions[2 * i + 1]));
        for (let i = 0; i < f.carCount; i++) {
          if (f.carActivity[i] === 0) continue;
          const p = points[i];
          if (!run0.mapView.onMap(p.x, p.y, 40)) continue;
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

/** Panning or zooming one map moves the others to the same view (the same streets side by side). */
function syncCameras(runs: RunView[]): void {
  let moving = false;
  for (const r of runs) {
    r.mapView.map.on('move', () => {
      if (moving) return;
      moving = true;
      const m = r.mapView.map;
      for (const o of runs) if (o !== r) o.mapView.map.jumpTo({ center: m.getCenter(), zoom: m.getZoom() });
      moving = false;
    });
  }
}
