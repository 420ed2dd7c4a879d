// The map: MapLibre with a blank style (no tiles, no fonts: nothing to fetch; a basemap only if given, basemap.ts) drawing the road network
// as a vector layer, under deck.gl layers drawn from typed arrays every frame — cars, waiting riders, the selected
// car's plan. NOTE: the roads live in MapLibre, not deck.gl, because MapLibre's canvas is only redrawn when the view
// moves, while deck.gl's is redrawn every frame of playback; see docs/decisions/0011-replay-dashboard-rendering.md.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { MapboxOverlay } from '@deck.gl/mapbox';
import { LineLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Layer, PickingInfo } from '@deck.gl/core';
import type { FeatureCollection, MultiLineString, Point, Polygon } from 'geojson';
import type { ReplayScene } from '../../src/core/replay/bundle.js';
import type { MarkerFrame } from '../../src/core/replay/frame.js';
import { initialStyle } from './basemap.js';
import { CanvasMarkers } from './canvas-markers.js';
import { DotLayer } from './dot-layer.js';
import { ACTIVITY_RGBA, AREA_COLOR, BACKGROUND, CHARGER_COLOR, HEAT_SHORT, HEAT_SPARE, CAR_MAX_RADIUS_PX, CAR_MIN_RADIUS_PX, CAR_RADIUS_M, rgba, RIDER_COLOR, riderAlpha, riderRadiusPx, ROAD_STYLES, roadStyleIndex } from './palette.js';

maplibregl.setWorkerUrl(workerUrl);

/** What to draw for the selected vehicle: where it is and the stops of its plan. */
export interface SelectionDrawing {
  position: [number, number];
  stops: { position: [number, number]; kind: 'pickup' | 'dropoff'; next: boolean }[];
}

const PICKUP_RGBA = rgba('#f2b33d');
const DROPOFF_RGBA = rgba('#4ea1ff');

/** Who draws the cars and riders: deck.gl (WebGL) or the CPU into a 2D canvas (for software WebGL). */
export type MarkerRenderer = 'deck' | 'canvas';

/** The WebGL renderer's name (e.g. "ANGLE (…SwiftShader…)"), or undefined where there is no WebGL2. */
export function webglRendererName(): string | undefined {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return name;
}

/** deck.gl where WebGL runs on a GPU; the canvas where it is software (or missing); `?markers=deck|canvas` decides. */
export function chooseMarkerRenderer(requested: string | null, rendererName: string | undefined): MarkerRenderer {
  if (requested === 'deck' || requested === 'canvas') return requested;
  return rendererName === undefined || /swiftshader|llvmpipe|softpipe|software/i.test(rendererName) ? 'canvas' : 'deck';
}


export class MapView {
  readonly map: maplibregl.Map;
  readonly loaded: Promise<void>;
  /** Markers handed to deck.gl in the last draw. */
  carsDrawn = 0;
  ridersDrawn = 0;
  private readonly overlay: MapboxOverlay;
  private carColors: Uint8Array;
  private riderColors = new Uint8Array(0);
  private riderRadii = new Float32Array(0);
  /** Vehicle of each car marker as last drawn (picking answers a marker index). */
  private drawnVehicles: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  /** Request of each rider marker as last drawn (empty where the frame has none, live). */
  private drawnRiders: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

  private readonly canvasMarkers: CanvasMarkers | undefined;
  private lastFrame: MarkerFrame | undefined;
  private selectionShown = false;

  constructor(
    private readonly container: HTMLElement,
    scene: ReplayScene,
    readonly markers: MarkerRenderer,
    onPick: (vehicle: number | undefined) => void,
    /** Called for a click on a waiting rider (and no car): riders are pickable only where given. */
    private readonly onPickRider?: (request: number) => void,
  ) {
    const [minLon, minLat, maxLon, maxLat] = scene.network.bbox;
    this.map = new maplibregl.Map({
      container,
      style: initialStyle(BACKGROUND),
      bounds: [minLon, minLat, maxLon, maxLat],
      fitBoundsOptions: { padding: 24 },
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      maxPitch: 0,
      renderWorldCopies: false,
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.map.addControl(
      new maplibregl.AttributionControl({ compact: true, customAttribution: [scene.network.attribution, 'Baton'].filter(Boolean) }),
      'bottom-right',
    );
    this.loaded = new Promise((ok) => this.map.once('load', () => ok()));

    this.loaded.then(() => {
      this.addRoads(scene.network.roads);
      addOverlays(this.map, scene);
    });
    this.carColors = new Uint8Array(4 * scene.timeline.vehicleCount);
    this.overlay = new MapboxOverlay({
      interleaved: false,
      deviceProps: { webgl: { antialias: false } },
      layers: [],
      pickingRadius: 6,
      onClick: (info: PickingInfo) => {
        if (markers !== 'deck') return;
        // Cars are drawn over riders, so a car under the pointer wins.
        if (info.layer?.id === 'cars' && info.index >= 0 && info.index < this.carsDrawn) onPick(this.drawnVehicles[info.index]);
        else if (info.layer?.id === 'riders' && onPickRider && info.index >= 0 && info.index < Math.min(this.ridersDrawn, this.drawnRiders.length)) onPickRider(this.drawnRiders[info.index]);
        else onPick(undefined);
      },
      getCursor: ({ isHovering, isDragging }) => (isHovering ? 'pointer' : isDragging ? 'grabbing' : 'grab'),
    });
    this.map.addControl(this.overlay);
    if (markers === 'canvas') {
      const canvasMarkers = new CanvasMarkers(this.map);
      this.canvasMarkers = canvasMarkers;
      this.map.on('click', (e) => {
        const i = canvasMarkers.pick(e.point.x, e.point.y);
        if (i !== undefined) return onPick(this.drawnVehicles[i]);
        // No car within reach: the nearest rider, if any.
        const j = onPickRider ? canvasMarkers.pickRider(e.point.x, e.point.y) : undefined;
        if (j !== undefined && j < this.drawnRiders.length) onPickRider!(this.drawnRiders[j]);
        else onPick(undefined);
      });
      // Panning and zooming move the markers with the map, in the same frame.
      this.map.on('move', () => {
        if (this.lastFrame) canvasMarkers.draw(this.lastFrame);
      });
    }
  }

  /** Hands the frame's markers (and the selection, if any) to deck.gl, which draws them on its next animation frame. */
  draw(frame: MarkerFrame, selection?: SelectionDrawing): void {
    this.lastFrame = frame;
    if (this.canvasMarkers) {
      this.canvasMarkers.draw(frame);
      this.drawnVehicles = frame.carVehicle;
      this.drawnRiders = frame.riderRequest ?? this.drawnRiders.subarray(0, 0);
      this.carsDrawn = frame.carCount;
      this.ridersDrawn = frame.riderCount;
      // deck.gl redraws its whole canvas on every setProps: with no selection to show, leave it alone.
      if (selection || this.selectionShown) this.overlay.setProps({ layers: selection ? selectionLayers(selection) : [] });
      this.selectionShown = selection !== undefined;
      return;
    }
    const cars = frame.carCount;
    if (this.carColors.length < 4 * cars) this.carColors = new Uint8Array(4 * frame.carActivity.length);
    const colors = this.carColors;
    for (let i = 0; i < cars; i++) {
      const a = 4 * frame.carActivity[i];
      colors[4 * i] = ACTIVITY_RGBA[a];
      colors[4 * i + 1] = ACTIVITY_RGBA[a + 1];
      colors[4 * i + 2] = ACTIVITY_RGBA[a + 2];
      colors[4 * i + 3] = ACTIVITY_RGBA[a + 3];
    }
    const riders = frame.riderCount;
    if (this.riderRadii.length < riders) {
      this.riderRadii = new Float32Array(frame.riderWaitS.length);
      this.riderColors = new Uint8Array(4 * frame.riderWaitS.length);
    }
    const [r, g, b] = rgba(RIDER_COLOR);
    for (let i = 0; i < riders; i++) {
      const w = frame.riderWaitS[i];
      this.riderRadii[i] = riderRadiusPx(w);
      this.riderColors[4 * i] = r;
      this.riderColors[4 * i + 1] = g;
      this.riderColors[4 * i + 2] = b;
      this.riderColors[4 * i + 3] = riderAlpha(w);
    }
    this.drawnVehicles = frame.carVehicle;
    this.drawnRiders = frame.riderRequest ?? this.drawnRiders.subarray(0, 0);
    this.carsDrawn = cars;
    this.ridersDrawn = riders;
    // New views every frame: deck.gl re-uploads a binary attribute only when its array object changes.
    const layers: Layer[] = [
      new DotLayer({
        id: 'riders',
        data: {
          length: riders,
          attributes: {
            getPosition: { value: frame.riderPositions.subarray(0, 2 * riders), size: 2 },
            getRadius: { value: this.riderRadii.subarray(0, riders), size: 1 },
            getFillColor: { value: this.riderColors.subarray(0, 4 * riders), size: 4, normalized: true },
          },
        },
        radiusUnits: 'pixels',
        pickable: this.onPickRider !== undefined,
      }),
      new DotLayer({
        id: 'cars',
        data: {
          length: cars,
          attributes: {
            getPosition: { value: frame.carPositions.subarray(0, 2 * cars), size: 2 },
            getFillColor: { value: this.carColors.subarray(0, 4 * cars), size: 4, normalized: true },
          },
        },
        radiusUnits: 'meters',
        getRadius: CAR_RADIUS_M,
        radiusMinPixels: CAR_MIN_RADIUS_PX,
        radiusMaxPixels: CAR_MAX_RADIUS_PX,
        outlineWidthPixels: 0.7,
        outlineColor: rgba(BACKGROUND, 220),
        pickable: true,
      }),
    ];
    if (selection) layers.push(...selectionLayers(selection));
    this.overlay.setProps({ layers });
  }

  /** The road network as one GeoJSON source (a multi-line per road style) and one MapLibre line layer per style. */
  private addRoads(roads: ReplayScene['network']['roads']): void {
    const lines: [number, number][][][] = ROAD_STYLES.map(() => []);
    const seg = roads.segments;
    for (let i = 0; i < roads.segmentCount; i++) {
      lines[roadStyleIndex(roads.segmentClass[i])].push([
        [seg[4 * i], seg[4 * i + 1]],
        [seg[4 * i + 2], seg[4 * i + 3]],
      ]);
    }
    const data: FeatureCollection<MultiLineString, { style: number }> = {
      type: 'FeatureCollection',
      features: lines.map((coordinates, style) => ({ type: 'Feature', properties: { style }, geometry: { type: 'MultiLineString', coordinates } })),
    };
    this.map.addSource('roads', { type: 'geojson', data, tolerance: 0.3, buffer: 8 });
    // Minor streets first, so that major roads are drawn over them.
    ROAD_STYLES.forEach((style, i) => {
      this.map.addLayer({
        id: `roads-${i}`,
        type: 'line',
        source: 'roads',
        filter: ['==', ['get', 'style'], i],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: {
          'line-color': style.color,
          // Thin at city scale, wider as one zooms into streets.
          'line-width': ['interpolate', ['exponential', 1.6], ['zoom'], 11, style.widthPx * 0.7, 14, style.widthPx, 17, style.widthPx * 3],
        },
      });
    });
  }

  /** Shows or hides one of the overlay layers (see OVERLAYS). */
  setOverlay(name: OverlayName, visible: boolean): void {
    for (const id of OVERLAYS[name]) if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }

  /** Replaces the heat cells (GeoJSON polygons with a `value` in -1..1: supply short of demand < 0 < supply to spare). */
  setHeat(cells: FeatureCollection<Polygon, { value: number }>): void {
    (this.map.getSource('heat') as maplibregl.GeoJSONSource | undefined)?.setData(cells);
  }

  /** Page coordinates (CSS px) of a point on the map. */
  pagePoint(lon: number, lat: number): { x: number; y: number } {
    const p = this.map.project([lon, lat]);
    const box = this.container.getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }

  /** True if the page point lies inside the map's box (with a margin). */
  onMap(x: number, y: number, marginPx = 20): boolean {
    const box = this.container.getBoundingClientRect();
    return x > box.left + marginPx && x < box.right - marginPx && y > box.top + marginPx && y < box.bottom - marginPx;
  }
}

/** The map layers behind each overlay toggle. */
export const OVERLAYS = {
  heat: ['heat-fill'],
  chargers: ['chargers'],
  area: ['area-fill', 'area-line'],
} as const;
export type OverlayName = keyof typeof OVERLAYS;

const EMPTY: FeatureCollection<Polygon, { value: number }> = { type: 'FeatureCollection', features: [] };

/**
 * The run's service area (a faint fill and its edge), its charging sites (a ring per site, larger with more plugs) and
 * the demand/supply heat (filled by setHeat; hidden until asked for), all under the markers.
 */
function addOverlays(map: maplibregl.Map, scene: ReplayScene): void {
  map.addSource('heat', { type: 'geojson', data: EMPTY });
  map.addLayer({
    id: 'heat-fill',
    type: 'fill',
    source: 'heat',
    layout: { visibility: 'none' },
    paint: {
      'fill-color': ['interpolate', ['linear'], ['get', 'value'], -1, HEAT_SHORT, 0, '#2b323b', 1, HEAT_SPARE],
      'fill-opacity': ['interpolate', ['linear'], ['abs', ['get', 'value']], 0, 0.08, 1, 0.55],
    },
  });
  const area = scene.serviceArea ?? [];
  map.addSource('area', {
    type: 'geojson',
    data: { type: 'FeatureCollection', features: area.map((rings) => ({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: rings as unknown as number[][][] } })) },
  });
  map.addLayer({ id: 'area-fill', type: 'fill', source: 'area', paint: { 'fill-color': AREA_COLOR, 'fill-opacity': 0.06 } });
  map.addLayer({ id: 'area-line', type: 'line', source: 'area', paint: { 'line-color': AREA_COLOR, 'line-width': 1.6, 'line-dasharray': [3, 2] } });
  const { nodeLon, nodeLat } = scene.network;
  const sites: FeatureCollection<Point, { plugs: number; powerKw: number }> = {
    type: 'FeatureCollection',
    features: scene.timeline.chargingSites.map((c) => ({
      type: 'Feature',
      properties: { plugs: c.plugs, powerKw: c.powerKw },
      geometry: { type: 'Point', coordinates: [nodeLon[c.node], nodeLat[c.node]] },
    })),
  };
  map.addSource('chargers', { type: 'geojson', data: sites });
  map.addLayer({
    id: 'chargers',
    type: 'circle',
    source: 'chargers',
    paint: {
      'circle-radius': ['+', 5, ['min', 8, ['sqrt', ['get', 'plugs']]]],
      'circle-color': BACKGROUND,
      'circle-stroke-color': CHARGER_COLOR,
      'circle-stroke-width': 2.5,
    },
  });
}

function selectionLayers(s: SelectionDrawing): Layer[] {
  return [
    new LineLayer({
      id: 'plan-lines',
      data: s.stops,
      getSourcePosition: () => s.position,
      getTargetPosition: (d: SelectionDrawing['stops'][number]) => d.position,
      getColor: (d: SelectionDrawing['stops'][number]) => (d.kind === 'pickup' ? PICKUP_RGBA : DROPOFF_RGBA),
      getWidth: (d: SelectionDrawing['stops'][number]) => (d.next ? 2.5 : 1.4),
      widthUnits: 'pixels',
    }),
    new ScatterplotLayer({
      id: 'plan-stops',
      data: s.stops,
      getPosition: (d: SelectionDrawing['stops'][number]) => d.position,
      getFillColor: rgba(BACKGROUND),
      getLineColor: (d: SelectionDrawing['stops'][number]) => (d.kind === 'pickup' ? PICKUP_RGBA : DROPOFF_RGBA),
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      radiusUnits: 'pixels',
      getRadius: 5,
    }),
    new ScatterplotLayer({
      id: 'selected',
      data: [s.position],
      getPosition: (d: [number, number]) => d,
      filled: false,
      stroked: true,
      getLineColor: [255, 255, 255, 255],
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      radiusUnits: 'pixels',
      getRadius: 10,
    }),
  ];
}
