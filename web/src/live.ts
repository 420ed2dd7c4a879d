// The live dashboard: the service's fleet on the map, fed over a WebSocket (a snapshot, then deltas: decision 0015),
// the "now" and KPI panels, and operator actions. The operator's API key is typed into the page and kept in this
// object only (never stored, never put in a URL): it opens the stream and signs each action.
import type { ReplayScene } from '../../src/core/replay/bundle.js';
import { LiveFrame, type LiveMessage } from '../../src/core/replay/live.js';
import { ACTIVITY_COUNT, ACTIVITY_NAMES, type Activity } from '../../src/core/replay/timeline.js';
import { clockText, esc, intText } from './format.js';
import { heatCells, heatGeoJson } from './heat.js';
import { OperatorActions } from './operator-actions.js';
import type { DashboardHook } from './hook.js';
import { chooseMarkerRenderer, MapView, webglRendererName, type OverlayName, type SelectionDrawing } from './map-view.js';
import { ACTIVITY_STYLE, RIDER_COLOR } from './palette.js';
import { LiveWhy } from './live-why.js';
import { RiderPanel } from './rider-panel.js';
import { buildRunElements, byId, kpiGrid } from './run-view.js';

/** The page's clock runs ahead of the last message by at most this many wall seconds (then waits for the server). */
const EXTRAPOLATE_MAX_S = 3;
const HEAT_EVERY_MS = 500;
/** The selected rider's events are fetched again this often (its story goes on while the card is open). */
const RIDER_RELOAD_MS = 2000;

interface ActionResult {
  ok: boolean;
  status: number;
  text: string;
}

export class LiveDashboard {
  private readonly frame: LiveFrame;
  private readonly mapView: MapView;
  private token: string | undefined;
  private socket: WebSocket | undefined;
  private lastMessageMs = NaN;
  private selected: number | undefined;
  private framesDrawn = 0;
  private ready = false;
  private connected = false;
  private lastError: string | undefined;
  private readonly stats = { snapshots: 0, deltas: 0, bytes: 0 };
  private heatShown = false;
  private heatCellCount = 0;
  private lastHeatMs = -Infinity;
  private lastPanelMs = 0;
  private lastAction: ActionResult | undefined;
  private nowCells: HTMLElement[] = [];
  private readonly webglRenderer: string;
  private readonly ops: OperatorActions;
  /** The selected car's plan and the dispatcher's reason for it. */
  private readonly why = new LiveWhy(
    () => this.token,
    () => this.renderWhy(),
  );
  private readonly el: Record<'clock' | 'title' | 'status' | 'operator' | 'vehicle' | 'now' | 'kpis', HTMLElement>;
  /** The selected rider's card (one card at a time: selecting a rider closes the car's, and the other way round). */
  private readonly riderPanel: RiderPanel;
  private lastRiderLoadMs = 0;

  constructor(private readonly scene: ReplayScene) {
    buildRunElements([scene]);
    this.el = {
      clock: byId('clock'),
      title: byId('title'),
      status: byId('live-status'),
      operator: byId('operator'),
      vehicle: byId('vehicle'),
      now: byId('now'),
      kpis: byId('kpis'),
    };
    document.title = 'Baton live';
    for (const id of ['play', 'speed', 'scrub', 'plots']) byId(id).hidden = true;
    document.querySelector<HTMLElement>('label.speed')!.hidden = true;
    this.el.status.hidden = false;
    this.el.title.textContent = `live · ${scene.network.source}`;
    this.frame = new LiveFrame(scene.network);
    this.webglRenderer = webglRendererName() ?? 'none';
    const markers = chooseMarkerRenderer(new URLSearchParams(location.search).get('markers'), this.webglRenderer === 'none' ? undefined : this.webglRenderer);
    this.mapView = new MapView(
      byId('map'),
      scene,
      markers,
      (v) => this.select(v),
      (r) => void this.selectRider(r),
    );
    this.riderPanel = new RiderPanel(
      byId('rider'),
      () => void this.selectRider(undefined),
      (r) => fetch(`v1/operator/requests/${r}/events`, { headers: { authorization: `Bearer ${this.token ?? ''}` } }),
    );
    for (const box of document.querySelectorAll<HTMLInputElement>('#layers input[data-overlay]')) {
      box.addEventListener('change', () => this.setOverlay(box.dataset.overlay as OverlayName, box.checked));
    }
    this.buildOperatorPanel();
    this.ops = new OperatorActions({ map: this.mapView.map, panel: this.el.operator, token: () => this.token });
    this.buildNowPanel();
    this.renderKpis();
    this.setStatus('not connected: enter an operator API key', '');
    window.__baton = this.hook();
    requestAnimationFrame((ms) => this.tick(ms));
  }

  async whenLoaded(): Promise<void> {
    await this.mapView.loaded;
    for (const box of document.querySelectorAll<HTMLInputElement>('#layers input[data-overlay]')) this.setOverlay(box.dataset.overlay as OverlayName, box.checked);
    while (this.framesDrawn === 0) await new Promise((ok) => requestAnimationFrame(ok));
    this.ready = true;
  }

  /** Engine time now: the last message's, moved on at the service's speed for at most a few seconds. */
  get timeS(): number {
    if (Number.isNaN(this.lastMessageMs)) return this.frame.timeS;
    const wallS = Math.min(EXTRAPOLATE_MAX_S, (performance.now() - this.lastMessageMs) / 1000);
    return this.frame.timeS + wallS * this.frame.speed;
  }

  /** Opens the stream with this operator key (kept in memory only). */
  connect(token: string): void {
    this.token = token;
    this.socket?.close();
    this.lastError = undefined;
    this.connected = false;
    const url = new URL('api/live/stream', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    this.socket = ws;
    this.setStatus('connecting…', '');
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
    ws.onmessage = (e) => {
      const text = String(e.data);
      this.stats.bytes += text.length;
      const m = JSON.parse(text) as LiveMessage;
      if (m.type === 'error') {
        this.lastError = `${m.error}: ${m.reason}`;
        this.setStatus(`refused: ${this.lastError}`, 'bad');
        this.ops.setConnected(false);
        return;
      }
      if (m.type === 'snapshot') this.stats.snapshots++;
      else this.stats.deltas++;
      this.frame.apply(m);
      this.lastMessageMs = performance.now();
      if (!this.connected || m.type === 'snapshot') {
        this.connected = true;
        this.setStatus('● live', 'on');
        this.ops.setConnected(true);
        if (this.selected !== undefined) this.renderVehicle();
      }
      if (m.kpis) this.renderKpis();
      if (m.type === 'snapshot' || m.requestsPaused !== undefined) this.renderOperatorState();
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.connected = false;
      this.ops.setConnected(false);
      if (!this.lastError) this.setStatus('disconnected', 'bad');
    };
  }

  select(v: number | undefined): void {
    if (v !== undefined && this.riderPanel.request !== undefined) void this.riderPanel.select(undefined);
    this.selected = v;
    this.why.select(v);
    this.lastAction = undefined;
    this.renderVehicle();
  }

  /** Selects a waiting rider by request (undefined: none); the car's card closes. Its events come from the service. */
  async selectRider(request: number | undefined): Promise<void> {
    if (request !== undefined && this.selected !== undefined) this.select(undefined);
    this.lastRiderLoadMs = performance.now();
    await this.riderPanel.select(request);
    this.lastPanelMs = 0;
  }

  /** POSTs to an operator endpoint with the key; the answer (or the refusal) is shown on the page. */
  async action(path: string, body: unknown): Promise<ActionResult> {
    if (!this.token) return { ok: false, status: 0, text: 'enter an operator API key first' };
    let res: Response;
    try {
      res = await fetch(path, { method: 'POST', headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    } catch (err) {
      return { ok: false, status: 0, text: `the server did not answer (${(err as Error).message})` };
    }
    const text = await res.text();
    let shown = text;
    try {
      const j = JSON.parse(text) as { error?: string; reason?: string };
      if (j.error) shown = `${res.status} ${j.error}: ${j.reason ?? ''}`;
    } catch {
      /* not JSON: shown as it came */
    }
    return { ok: res.ok, status: res.status, text: res.ok ? 'done' : shown };
  }

  private setOverlay(name: OverlayName, visible: boolean): void {
    const box = document.querySelector<HTMLInputElement>(`#layers input[data-overlay="${name}"]`);
    if (box && box.checked !== visible) box.checked = visible;
    if (name === 'heat') {
      this.heatShown = visible;
      this.lastHeatMs = -Infinity;
    }
    this.mapView.setOverlay(name, visible);
  }

  private tick(wallMs: number): void {
    requestAnimationFrame((ms) => this.tick(ms));
    const t = this.timeS;
    this.frame.sampleAt(t);
    this.mapView.draw(this.frame, this.selectionDrawing(t));
    this.framesDrawn++;
    this.el.clock.textContent = Number.isNaN(this.lastMessageMs) ? '--:--:--' : clockText(t);
    this.renderNow();
    this.ops.tick(wallMs);
    if (this.heatShown && wallMs - this.lastHeatMs > HEAT_EVERY_MS) {
      const cells = heatCells(this.frame);
      this.heatCellCount = cells.length;
      this.mapView.setHeat(heatGeoJson(cells));
      this.lastHeatMs = wallMs;
    }
    this.why.poll(wallMs);
    // Only the state line changes as the car moves (rebuilding the card would swap its buttons under the pointer).
    if (this.selected !== undefined && wallMs - this.lastPanelMs > 500) {
      this.lastPanelMs = wallMs;
      const line = this.el.vehicle.querySelector<HTMLElement>('[data-state]');
      const text = this.activityText(this.selected);
      if (line && line.textContent !== text) line.textContent = text;
    }
    if (this.riderPanel.request !== undefined) {
      if (wallMs - this.lastRiderLoadMs > RIDER_RELOAD_MS) {
        this.lastRiderLoadMs = wallMs;
        void this.riderPanel.reload();
      }
      if (wallMs - this.lastPanelMs > 500) {
        this.lastPanelMs = wallMs;
        this.riderPanel.render(t);
      }
    }
  }

  private selectionDrawing(t: number): SelectionDrawing | undefined {
    const r = this.riderPanel.request;
    if (r !== undefined) return this.riderDrawing(r, t);
    if (this.selected === undefined) return undefined;
    const position = this.frame.position(this.selected, t);
    return position ? { position, stops: this.why.stops() } : undefined;
  }

  /** The selected rider ringed at its pickup, with a line to the car coming for it (while it waits for one). */
  private riderDrawing(r: number, t: number): SelectionDrawing | undefined {
    const node = this.frame.waitingRiderNode(r) ?? this.riderPanel.pickupNode;
    if (node === undefined) return undefined;
    const { nodeLon, nodeLat } = this.scene.network;
    const h = this.riderPanel.historyAt(t);
    const car = h && h.status === 'assigned' ? this.frame.position(h.vehicle, t) : undefined;
    return { position: [nodeLon[node], nodeLat[node]], stops: car ? [{ position: car, kind: 'pickup', next: true }] : [] };
  }

  private setStatus(text: string, cls: '' | 'on' | 'bad'): void {
    this.el.status.textContent = text;
    this.el.status.className = `live-status ${cls}`;
  }

  private buildOperatorPanel(): void {
    const op = this.el.operator;
    op.hidden = false;
    op.innerHTML =
      `<h2>Operator</h2>` +
      `<form data-connect><label for="op-token">Operator API key (kept in this page only)</label>` +
      `<input id="op-token" type="password" autocomplete="off" spellcheck="false" />` +
      `<div class="row"><button type="submit">Connect</button></div></form>` +
      `<div class="row"><button type="button" data-pause>Pause new requests</button><button type="button" data-resume>Resume requests</button></div>` +
      `<div class="note" data-op-state></div><div class="msg" data-op-msg></div>`;
    op.querySelector('form')!.addEventListener('submit', (e) => {
      e.preventDefault();
      const token = op.querySelector<HTMLInputElement>('#op-token')!.value.trim();
      if (token) this.connect(token);
    });
    const pause = async (paused: boolean) => {
      const r = await this.action('v1/operator/requests/pause', { paused, reason: 'paused from the dashboard' });
      this.showMessage(op.querySelector<HTMLElement>('[data-op-msg]')!, r.ok ? { ...r, text: paused ? 'new requests paused' : 'requests resumed' } : r);
    };
    op.querySelector('[data-pause]')!.addEventListener('click', () => void pause(true));
    op.querySelector('[data-resume]')!.addEventListener('click', () => void pause(false));
  }

  private renderOperatorState(): void {
    this.el.operator.querySelector<HTMLElement>('[data-op-state]')!.textContent = this.frame.requestsPaused ? 'New ride requests are paused.' : 'New ride requests are open.';
  }

  private showMessage(el: HTMLElement, r: ActionResult): void {
    el.textContent = r.text;
    el.className = `msg ${r.ok ? 'ok' : 'error'}`;
  }

  private renderVehicle(): void {
    const box = this.el.vehicle;
    const v = this.selected;
    if (v === undefined) {
      box.hidden = true;
      box.innerHTML = '';
      return;
    }
    const id = this.frame.ids.get(v);
    box.hidden = false;
    box.innerHTML =
      `<div class="head"><b>Car ${v}${id ? ` · ${esc(id)}` : ''}</b><button type="button" title="close" data-close>×</button></div>` +
      `<div data-state>${esc(this.activityText(v))}</div>` +
      (id
        ? `<div class="row"><button type="button" data-out>Take out of service</button><button type="button" data-in>Back in service</button></div>`
        : `<div class="note">No vehicle has registered as this car yet: operator actions need its vehicle id.</div>`) +
      `<div class="msg${this.lastAction ? (this.lastAction.ok ? ' ok' : ' error') : ''}" data-action-msg>${this.lastAction ? esc(this.lastAction.text) : ''}</div>` +
      `<div data-live-plan>${this.why.html()}</div>`;
    box.querySelector('[data-close]')!.addEventListener('click', () => this.select(undefined));
    const act = async (suffix: 'out-of-service' | 'in-service') => {
      const r = await this.action(`v1/operator/vehicles/${encodeURIComponent(id!)}/${suffix}`, suffix === 'out-of-service' ? { reason: 'taken out from the dashboard' } : {});
      this.lastAction = r.ok ? { ...r, text: suffix === 'out-of-service' ? 'taken out of service' : 'back in service' } : r;
      this.renderVehicle();
    };
    if (id) {
      this.ops.vehicleControls(box, id, (r) => {
        this.lastAction = r;
        this.renderVehicle();
      });
    }
    box.querySelector('[data-out]')?.addEventListener('click', () => void act('out-of-service'));
    box.querySelector('[data-in]')?.addEventListener('click', () => void act('in-service'));
  }

  /** Rewrites only the plan section of the card (its buttons stay under the pointer). */
  private renderWhy(): void {
    const section = this.el.vehicle.querySelector<HTMLElement>('[data-live-plan]');
    if (section) section.innerHTML = this.why.html();
  }

  private activityText(v: number): string {
    const a = this.frame.activityOf(v);
    return a === undefined ? 'not placed' : ACTIVITY_STYLE[a as Activity].label;
  }

  private buildNowPanel(): void {
    const rows: string[] = [];
    for (let a = 0; a < ACTIVITY_COUNT; a++) {
      const style = ACTIVITY_STYLE[a as Activity];
      rows.push(`<span><i class="dot" style="background:${style.color}"></i>${style.label}</span><span class="n" data-activity="${ACTIVITY_NAMES[a]}">0</span>`);
    }
    rows.push(`<span><i class="dot" style="background:${RIDER_COLOR}"></i>riders waiting</span><span class="n" data-riders>0</span>`);
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

  private renderKpis(): void {
    const k = this.frame.kpis;
    const n = (x: number | null | undefined) => (x === null || x === undefined ? NaN : x);
    this.el.kpis.innerHTML =
      `<h2>Today so far${k ? ` (to ${clockText(this.frame.timeS, false)})` : ''}</h2>` +
      kpiGrid({
        requests: n(k?.requests),
        served: n(k?.served),
        servedPct: n(k?.servedPct),
        within5MinPct: n(k?.within5MinPct),
        waitMeanS: n(k?.waitMeanS),
        waitP95S: n(k?.waitP95S),
        utilization: n(k?.utilization),
        emptyShare: n(k?.emptyShare),
      });
  }

  private hook(): DashboardHook {
    const self = this;
    const counts = () => Object.fromEntries(ACTIVITY_NAMES.map((name, a) => [name, self.frame.activityCounts[a]]));
    const unsupported = () => {
      throw new Error('live mode has no replay clock');
    };
    return {
      get ready() {
        return self.ready;
      },
      mode: 'live',
      runs: 1,
      get timeS() {
        return self.timeS;
      },
      playing: true,
      speed: 1,
      startS: 0,
      endS: 0,
      markerRenderer: this.mapView.markers,
      webglRenderer: this.webglRenderer,
      get vehicleCount() {
        return self.frame.placedCars;
      },
      placedVehicles: () => self.frame.placedCars,
      runState: () => ({
        carMarkers: self.mapView.carsDrawn,
        riderMarkers: self.mapView.ridersDrawn,
        activityCounts: counts(),
        heatCells: self.heatShown ? self.heatCellCount : 0,
        chargingSites: 0,
        serviceAreaPolygons: 0,
        camera: { lon: self.mapView.map.getCenter().lng, lat: self.mapView.map.getCenter().lat, zoom: self.mapView.map.getZoom() },
      }),
      layerShown: (id) => self.mapView.map.getLayoutProperty(id, 'visibility') !== 'none',
      setOverlay: (name, visible) => this.setOverlay(name, visible),
      get carMarkers() {
        return self.mapView.carsDrawn;
      },
      get riderMarkers() {
        return self.mapView.ridersDrawn;
      },
      get activityCounts() {
        return counts();
      },
      get framesDrawn() {
        return self.framesDrawn;
      },
      get selectedVehicle() {
        return self.selected;
      },
      live: () => ({ connected: self.connected, error: self.lastError, ...self.stats, ids: Object.fromEntries(self.frame.ids), requestsPaused: self.frame.requestsPaused, operatorActions: self.ops.state() }),
      seek: unsupported,
      play: unsupported,
      pause: unsupported,
      setSpeed: unsupported,
      select: async (v) => this.select(v),
      selectRider: (r) => this.selectRider(r),
      riderPagePoint: (r) => {
        const node = this.frame.waitingRiderNode(r);
        if (node === undefined) return undefined;
        const pt = this.mapView.pagePoint(this.scene.network.nodeLon[node], this.scene.network.nodeLat[node]);
        return this.mapView.onMap(pt.x, pt.y, 40) ? pt : undefined;
      },
      vehiclePagePoint: (v) => {
        const p = this.frame.position(v, this.timeS);
        if (!p) return undefined;
        const pt = this.mapView.pagePoint(p[0], p[1]);
        return this.mapView.onMap(pt.x, pt.y) ? pt : undefined;
      },
      isolatedBusyVehicle: () => undefined,
      frameStats: () => ({ frames: 0, medianMs: NaN, p95Ms: NaN, meanWorkMs: NaN, meanSampleMs: NaN, meanMapMs: NaN }),
      resetFrameStats: () => undefined,
    };
  }
}
