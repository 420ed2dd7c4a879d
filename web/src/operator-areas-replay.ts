// Operator areas of a recorded live run in the replay (decision 0021): pauses of new requests and service areas set
// live, drawn on the map while they held at the replay's time, with a badge naming them. A simulated run has none.
import type { FeatureCollection, MultiPolygon } from 'geojson';
import type * as maplibregl from 'maplibre-gl';
import type { OperatorAreaView } from '../../src/core/replay/timeline.js';

const PAUSE_COLOR = '#ff8a3d';
const SERVICE_COLOR = '#7fb0ff';

export class ReplayOperatorAreas {
  private activeKey = '';
  /** Areas drawn now (for the tests). */
  shown = 0;
  private readonly badge: HTMLElement;

  constructor(
    private readonly map: maplibregl.Map,
    private readonly areas: readonly OperatorAreaView[],
    container: HTMLElement,
  ) {
    this.badge = document.createElement('div');
    this.badge.className = 'op-areas-badge';
    this.badge.hidden = true;
    this.badge.style.cssText = 'position:absolute;left:8px;bottom:8px;z-index:2;background:#1a1f26e6;color:#ffb27d;border:1px solid #ff8a3d;border-radius:5px;padding:3px 8px;font-size:12px;pointer-events:none';
    container.appendChild(this.badge);
    const data: FeatureCollection<MultiPolygon, { i: number; color: string }> = {
      type: 'FeatureCollection',
      features: areas.map((a, i) => ({
        type: 'Feature',
        properties: { i, color: a.kind === 'pause' ? PAUSE_COLOR : SERVICE_COLOR },
        geometry: { type: 'MultiPolygon', coordinates: a.polygons as unknown as number[][][][] },
      })),
    };
    const add = () => {
      map.addSource('op-areas-replay', { type: 'geojson', data });
      const none = ['in', ['get', 'i'], ['literal', []]] as maplibregl.FilterSpecification;
      map.addLayer({ id: 'op-areas-replay-fill', type: 'fill', source: 'op-areas-replay', filter: none, paint: { 'fill-color': ['get', 'color'], 'fill-opacity': 0.16 } });
      map.addLayer({ id: 'op-areas-replay-line', type: 'line', source: 'op-areas-replay', filter: none, paint: { 'line-color': ['get', 'color'], 'line-width': 2 } });
      this.activeKey = '';
    };
    if (map.isStyleLoaded()) add();
    else map.once('load', add);
  }

  /** Shows the areas that held at second t (cheap when nothing changed). */
  at(t: number): void {
    const active: number[] = [];
    this.areas.forEach((a, i) => {
      if (a.fromS <= t && t < a.toS) active.push(i);
    });
    const key = active.join(',');
    if (key === this.activeKey || !this.map.getLayer('op-areas-replay-fill')) return;
    this.activeKey = key;
    this.shown = active.length;
    const filter = ['in', ['get', 'i'], ['literal', active]] as maplibregl.FilterSpecification;
    this.map.setFilter('op-areas-replay-fill', filter);
    this.map.setFilter('op-areas-replay-line', filter);
    const names = active.map((i) => {
      const a = this.areas[i];
      return a.kind === 'serviceArea' ? 'service area set live' : a.polygons.length === 0 ? 'all new requests paused' : `requests paused in ${a.area}`;
    });
    this.badge.textContent = names.join(' · ');
    this.badge.hidden = names.length === 0;
  }
}
