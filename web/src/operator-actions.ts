// Operator actions on areas and cars in the live dashboard (issue 15.5, decision 0021): pick H3 cells on the map (the
// heat overlay's cells) or upload GeoJSON, then pause new requests there or make it the service area; resume a pause;
// send the selected car to a charging site; change the running dispatcher's parameters (decision 0025). Shown only
// while the stream has accepted an operator key; the server checks the key again on every call. The paused areas and
// the live service area are drawn on the map.
import { cellsToMultiPolygon, latLngToCell } from 'h3-js';
import type { FeatureCollection, MultiPolygon } from 'geojson';
import type * as maplibregl from 'maplibre-gl';
import { esc } from './format.js';
import { HEAT_RESOLUTION } from './heat.js';
import type { OperatorActionsState } from './hook.js';

type Polygons = number[][][][];

interface PausedArea {
  area: string;
  polygons: Polygons;
  by: string;
  reason: string;
}

interface Site {
  site: number;
  lat: number;
  lon: number;
  plugs: number;
}

/** GET /v1/operator/dispatcher. */
interface DispatcherView {
  preset: string;
  parameters: Record<string, number | boolean>;
  changedBy: string | null;
}

/** How each parameter is labelled and stepped in the form (the server checks the ranges). */
const PARAMETER_FORM: Record<string, { label: string; step?: number }> = {
  maxWaitS: { label: 'Max wait (s)', step: 10 },
  pooling: { label: 'Pooling' },
  minDetourS: { label: 'Min detour (s)', step: 10 },
  detourShare: { label: 'Detour share', step: 0.05 },
  carTimeWeight: { label: 'Car time weight', step: 0.25 },
  admitOnTime: { label: 'Admit only on time' },
  scarceRideWeight: { label: 'Scarce-ride weight', step: 0.5 },
  rebalancing: { label: 'Rebalancing' },
  rebalanceShare: { label: 'Rebalance share', step: 0.05 },
  chargeBelowShare: { label: 'Charge below (share)', step: 0.05 },
  chargeToShare: { label: 'Charge to (share)', step: 0.05 },
};

export interface ActionAnswer {
  ok: boolean;
  status: number;
  text: string;
  json?: unknown;
}

/** What the page gives this module: the map, the operator key (if any), and where the panel goes. */
export interface OperatorActionsHost {
  map: maplibregl.Map;
  panel: HTMLElement;
  token(): string | undefined;
}


const AREAS_EVERY_MS = 5000;
const PAUSE_COLOR = '#ff8a3d';
const SERVICE_COLOR = '#7fb0ff';
const SELECT_COLOR = '#f5d04a';

/** Calls an operator endpoint with the key; refusals come back as `status error: reason`. */
async function call(token: string | undefined, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<ActionAnswer> {
  if (!token) return { ok: false, status: 0, text: 'enter an operator API key first' };
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    return { ok: false, status: 0, text: `the server did not answer (${(err as Error).message})` };
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const j = json as { error?: string; reason?: string } | undefined;
  return { ok: res.ok, status: res.status, json, text: res.ok ? 'done' : j?.error ? `${res.status} ${j.error}: ${j.reason ?? ''}` : text };
}

const multiPolygon = (polygons: Polygons): MultiPolygon => ({ type: 'MultiPolygon', coordinates: polygons });

export class OperatorActions {
  private shown = false;
  private selecting = false;
  private readonly selected = new Set<string>();
  /** An uploaded GeoJSON area (used instead of the cells while set). */
  private uploaded: { name: string; geojson: unknown } | undefined;
  private paused: PausedArea[] = [];
  private serviceArea: Polygons | null = null;
  private sites: Site[] = [];
  private dispatcher: DispatcherView | null = null;
  /** Parameters the operator edited in the form and has not applied yet (a refresh leaves them alone). */
  private readonly edited = new Set<string>();
  private message = '';
  private lastAreasMs = -Infinity;
  private readonly box: HTMLElement;

  constructor(private readonly host: OperatorActionsHost) {
    this.box = document.createElement('div');
    this.box.className = 'op-areas';
    this.box.hidden = true;
    host.panel.appendChild(this.box);
    this.build();
    const map = host.map;
    const addLayers = () => {
      map.addSource('op-areas', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      map.addLayer({ id: 'op-areas-fill', type: 'fill', source: 'op-areas', paint: { 'fill-color': ['get', 'color'], 'fill-opacity': 0.18 } });
      map.addLayer({ id: 'op-areas-line', type: 'line', source: 'op-areas', paint: { 'line-color': ['get', 'color'], 'line-width': 2 } });
    };
    if (map.isStyleLoaded()) addLayers();
    else map.once('load', addLayers);
    map.on('click', (e) => {
      if (!this.selecting || !this.shown) return;
      const cell = latLngToCell(e.lngLat.lat, e.lngLat.lng, HEAT_RESOLUTION);
      if (this.selected.has(cell)) this.selected.delete(cell);
      else this.selected.add(cell);
      this.uploaded = undefined;
      this.renderSelection();
    });
  }

  /** The stream accepted (true) or refused / lost (false) the key: the controls follow. */
  setConnected(connected: boolean): void {
    if (connected === this.shown) return;
    this.shown = connected;
    this.box.hidden = !connected;
    if (!connected) {
      this.selecting = false;
      this.selected.clear();
      this.uploaded = undefined;
      this.paused = [];
      this.serviceArea = null;
      this.dispatcher = null;
      this.edited.clear();
      this.renderDispatcher();
      this.renderSelection();
      this.drawAreas();
      return;
    }
    void this.refresh();
  }

  /** Called from the page's frame loop: the areas are fetched again every few seconds (another operator may act). */
  tick(wallMs: number): void {
    if (this.shown && wallMs - this.lastAreasMs > AREAS_EVERY_MS) {
      this.lastAreasMs = wallMs;
      void this.refresh();
    }
  }

  /** Adds "send to a charging site" to a selected car's card (vehicle id known, operator connected). */
  vehicleControls(card: HTMLElement, vehicleId: string, show: (r: ActionAnswer) => void): void {
    if (!this.shown || this.sites.length === 0) return;
    const row = document.createElement('div');
    row.className = 'row';
    row.innerHTML =
      `<select data-send-site>${this.sites.map((s) => `<option value="${s.site}">charger ${s.site} · ${s.plugs} plugs</option>`).join('')}</select>` +
      `<button type="button" data-send>Send to charger</button>`;
    row.querySelector('[data-send]')!.addEventListener('click', async () => {
      const site = Number(row.querySelector<HTMLSelectElement>('[data-send-site]')!.value);
      const r = await call(this.host.token(), 'POST', `v1/operator/vehicles/${encodeURIComponent(vehicleId)}/send`, { site, reason: 'sent from the dashboard' });
      show(r.ok ? { ...r, text: `sent to charger ${site}` } : r);
    });
    const msg = card.querySelector('[data-action-msg]');
    card.insertBefore(row, msg);
  }

  state(): OperatorActionsState {
    return {
      shown: this.shown,
      selectedCells: [...this.selected],
      paused: this.paused.map((a) => a.area),
      serviceArea: this.serviceArea !== null,
      sites: this.sites.length,
      message: this.message,
      dispatcher: this.dispatcher && { preset: this.dispatcher.preset, parameters: { ...this.dispatcher.parameters } },
    };
  }

  private build(): void {
    this.box.innerHTML =
      `<h2>Areas</h2>` +
      `<div class="row"><button type="button" data-select>Pick cells on the map</button><button type="button" data-clear>Clear</button></div>` +
      `<label>or a GeoJSON area <input type="file" accept=".geojson,.json,application/geo+json,application/json" data-upload /></label>` +
      `<div class="note" data-selection>No area picked.</div>` +
      `<div class="row"><button type="button" data-pause-area>Pause requests here</button><button type="button" data-service-area>Make it the service area</button><button type="button" data-lift-area>Lift service area</button></div>` +
      `<div data-paused></div>` +
      `<h2>Dispatcher</h2><div class="note" data-preset></div><div data-dispatcher></div>` +
      `<div class="row"><button type="button" data-apply-dispatcher>Apply</button></div>` +
      // One line for the answer to the last action of this box (areas or dispatcher).
      `<div class="msg" data-areas-msg></div>`;
    const q = <T extends HTMLElement>(sel: string) => this.box.querySelector<T>(sel)!;
    q('[data-select]').addEventListener('click', () => {
      this.selecting = !this.selecting;
      this.renderSelection();
    });
    q('[data-clear]').addEventListener('click', () => {
      this.selected.clear();
      this.uploaded = undefined;
      q<HTMLInputElement>('[data-upload]').value = '';
      this.renderSelection();
    });
    q<HTMLInputElement>('[data-upload]').addEventListener('change', async (e) => {
      const file = (e.target as HTMLInputElement).files?.[0];
      if (!file) return;
      try {
        this.uploaded = { name: file.name, geojson: JSON.parse(await file.text()) };
        this.selected.clear();
      } catch (err) {
        this.show({ ok: false, status: 0, text: `${file.name}: not valid JSON (${(err as Error).message})` });
      }
      this.renderSelection();
    });
    q('[data-pause-area]').addEventListener('click', () => void this.pauseHere());
    q('[data-service-area]').addEventListener('click', () => void this.setServiceArea(true));
    q('[data-lift-area]').addEventListener('click', () => void this.setServiceArea(false));
    q('[data-apply-dispatcher]').addEventListener('click', () => void this.applyDispatcher());
  }

  /** Sends the edited parameters (only those) to PATCH /v1/operator/dispatcher. */
  private async applyDispatcher(): Promise<void> {
    const change: Record<string, number | boolean> = {};
    for (const name of this.edited) {
      const input = this.box.querySelector<HTMLInputElement>(`[data-parameter="${name}"]`);
      if (input) change[name] = input.type === 'checkbox' ? input.checked : Number(input.value);
    }
    if (Object.keys(change).length === 0) return this.show({ ok: false, status: 0, text: 'change a dispatcher parameter first' });
    const r = await call(this.host.token(), 'PATCH', 'v1/operator/dispatcher', change);
    this.show(r.ok ? { ...r, text: `dispatcher: ${Object.entries(change).map(([k, v]) => `${k} ${v}`).join(', ')}` } : r);
    if (r.ok) {
      this.edited.clear();
      this.dispatcher = r.json as DispatcherView;
      this.renderDispatcher();
    }
  }

  /** The form: one input per parameter the preset has; inputs the operator is editing keep their value. */
  private renderDispatcher(): void {
    const box = this.box.querySelector<HTMLElement>('[data-dispatcher]')!;
    const d = this.dispatcher;
    this.box.querySelector<HTMLElement>('[data-preset]')!.textContent = d ? `${d.preset}${d.changedBy ? ` · last changed by ${d.changedBy}` : ''}` : '';
    if (!d) {
      box.innerHTML = '';
      delete box.dataset.names;
      return;
    }
    const names = Object.keys(d.parameters);
    if (box.dataset.names !== names.join()) {
      box.dataset.names = names.join();
      box.innerHTML = names
        .map((name) => {
          const f = PARAMETER_FORM[name] ?? { label: name };
          const input = typeof d.parameters[name] === 'boolean' ? `<input type="checkbox" data-parameter="${esc(name)}" />` : `<input type="number" step="${f.step ?? 'any'}" data-parameter="${esc(name)}" />`;
          return `<label class="row">${esc(f.label)} ${input}</label>`;
        })
        .join('');
      for (const input of box.querySelectorAll<HTMLInputElement>('[data-parameter]')) input.addEventListener('input', () => this.edited.add(input.dataset.parameter!));
    }
    for (const input of box.querySelectorAll<HTMLInputElement>('[data-parameter]')) {
      const name = input.dataset.parameter!;
      if (this.edited.has(name)) continue;
      const value = d.parameters[name];
      if (typeof value === 'boolean') input.checked = value;
      else input.value = String(value);
    }
  }

  /** The picked area as the API takes it, or undefined when nothing is picked. */
  private pickedArea(): { area: unknown } | { cells: string[] } | undefined {
    if (this.uploaded) return { area: this.uploaded.geojson };
    if (this.selected.size > 0) return { cells: [...this.selected] };
    return undefined;
  }

  private async pauseHere(): Promise<void> {
    const picked = this.pickedArea();
    if (!picked) return this.show({ ok: false, status: 0, text: 'pick cells on the map or upload a GeoJSON area first' });
    const r = await call(this.host.token(), 'POST', 'v1/operator/requests/pause-area', { ...picked, reason: 'paused from the dashboard' });
    const name = (r.json as { area?: string } | undefined)?.area;
    this.show(r.ok ? { ...r, text: `requests paused in ${name}` } : r);
    if (r.ok) this.clearPick();
    await this.refresh();
  }

  private async setServiceArea(set: boolean): Promise<void> {
    let area: unknown = null;
    if (set) {
      const picked = this.pickedArea();
      if (!picked) return this.show({ ok: false, status: 0, text: 'pick cells on the map or upload a GeoJSON area first' });
      area = 'area' in picked ? picked.area : multiPolygon(cellsToMultiPolygon(picked.cells, true));
    }
    const r = await call(this.host.token(), 'POST', 'v1/operator/service-area', { area });
    const n = (r.json as { nodesInside?: number } | undefined)?.nodesInside;
    this.show(r.ok ? { ...r, text: set ? `service area set (${n} road nodes inside)` : 'service area lifted' } : r);
    if (r.ok && set) this.clearPick();
    await this.refresh();
  }

  private async resume(name: string): Promise<void> {
    const r = await call(this.host.token(), 'POST', 'v1/operator/requests/resume-area', { name });
    this.show(r.ok ? { ...r, text: `requests resumed in ${name}` } : r);
    await this.refresh();
  }

  private clearPick(): void {
    this.selected.clear();
    this.uploaded = undefined;
    this.selecting = false;
    this.renderSelection();
  }

  /** Fetches the paused areas, the service area and the sites. */
  private async refresh(): Promise<void> {
    const token = this.host.token();
    const [areas, sites, dispatcher] = await Promise.all([
      call(token, 'GET', 'v1/operator/areas'),
      this.sites.length === 0 ? call(token, 'GET', 'v1/operator/sites') : undefined,
      call(token, 'GET', 'v1/operator/dispatcher'),
    ]);
    if (!this.shown) return;
    if (dispatcher.ok) {
      this.dispatcher = dispatcher.json as DispatcherView;
      this.renderDispatcher();
    }
    if (areas.ok) {
      const a = areas.json as { paused: PausedArea[]; serviceArea: Polygons | null };
      this.paused = a.paused;
      this.serviceArea = a.serviceArea;
    }
    if (sites?.ok) this.sites = (sites.json as { sites: Site[] }).sites;
    this.renderPaused();
    this.drawAreas();
  }

  private renderPaused(): void {
    const box = this.box.querySelector<HTMLElement>('[data-paused]')!;
    box.innerHTML = this.paused.length === 0 ? '' : this.paused
      .map((a) => `<div class="row" data-paused-area="${esc(a.area)}"><span>${a.polygons.length === 0 ? 'everywhere' : esc(a.area)}: paused by ${esc(a.by)}</span>${a.polygons.length === 0 ? '' : `<button type="button" data-resume-area="${esc(a.area)}">Resume</button>`}</div>`)
      .join('');
    for (const b of box.querySelectorAll<HTMLElement>('[data-resume-area]')) b.addEventListener('click', () => void this.resume(b.dataset.resumeArea!));
  }

  private renderSelection(): void {
    const line = this.box.querySelector<HTMLElement>('[data-selection]')!;
    const button = this.box.querySelector<HTMLElement>('[data-select]')!;
    button.textContent = this.selecting ? 'Done picking' : 'Pick cells on the map';
    line.textContent = this.uploaded
      ? `Area from ${this.uploaded.name}.`
      : this.selected.size > 0
        ? `${this.selected.size} cell${this.selected.size === 1 ? '' : 's'} picked${this.selecting ? ' (click the map to add or remove)' : ''}.`
        : this.selecting
          ? 'Click the map to pick cells.'
          : 'No area picked.';
    this.drawAreas();
  }

  /** Paused areas, the service area and the picked cells as one GeoJSON layer. */
  private drawAreas(): void {
    const features: FeatureCollection<MultiPolygon, { color: string }>['features'] = [];
    for (const a of this.paused) if (a.polygons.length > 0) features.push({ type: 'Feature', properties: { color: PAUSE_COLOR }, geometry: multiPolygon(a.polygons) });
    if (this.serviceArea) features.push({ type: 'Feature', properties: { color: SERVICE_COLOR }, geometry: multiPolygon(this.serviceArea) });
    if (this.selected.size > 0) features.push({ type: 'Feature', properties: { color: SELECT_COLOR }, geometry: multiPolygon(cellsToMultiPolygon([...this.selected], true)) });
    (this.host.map.getSource('op-areas') as maplibregl.GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features });
  }

  private show(r: ActionAnswer): void {
    this.message = r.text;
    const el = this.box.querySelector<HTMLElement>('[data-areas-msg]')!;
    el.textContent = r.text;
    el.className = `msg ${r.ok ? 'ok' : 'error'}`;
  }
}
