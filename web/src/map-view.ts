// The map: MapLibre with a blank style (no basemap, no tiles, no fonts: nothing to fetch) under deck.gl layers drawn
// from typed arrays — roads once, cars and waiting riders every frame, the selected car's plan on top.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { MapboxOverlay } from '@deck.gl/mapbox';
import { LineLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Layer, PickingInfo } from '@deck.gl/core';
import type { ReplayScene } from '../../src/core/replay/bundle.js';
import type { FrameSampler } from '../../src/core/replay/frame.js';
import { ACTIVITY_RGBA, BACKGROUND, rgba, RIDER_COLOR, roadStyle } from './palette.js';

maplibregl.setWorkerUrl(workerUrl);

/** What to draw for the selected vehicle: where it is and the stops of its plan. */
export interface SelectionDrawing {
  position: [number, number];
  stops: { position: [number, number]; kind: 'pickup' | 'dropoff'; next: boolean }[];
}

const PICKUP_RGBA = rgba('#f2b33d');
const DROPOFF_RGBA = rgba('#4ea1ff');

/** Rider marker radius in pixels: grows a pixel per minute waited, up to 13 px. */
const riderRadiusPx = (waitS: number): number => 2.5 + Math.min(10.5, waitS / 60);

export class MapView {
  readonly map: maplibregl.Map;
  readonly loaded: Promise<void>;
  /** Markers handed to deck.gl in the last draw. */
  carsDrawn = 0;
  ridersDrawn = 0;
  private readonly overlay: MapboxOverlay;
  private readonly roads: Layer;
  private carColors: Uint8Array;
  private riderColors = new Uint8Array(0);
  private riderRadii = new Float32Array(0);
  /** Vehicle of each car marker as last drawn (picking answers a marker index). */
  private drawnVehicles: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

  constructor(
    private readonly container: HTMLElement,
    scene: ReplayScene,
    onPick: (vehicle: number | undefined) => void,
  ) {
    const [minLon, minLat, maxLon, maxLat] = scene.network.bbox;
    this.map = new maplibregl.Map({
      container,
      style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }] },
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

    const roads = scene.network.roads;
    const roadColors = new Uint8Array(4 * roads.segmentCount);
    const roadWidths = new Float32Array(roads.segmentCount);
    for (let i = 0; i < roads.segmentCount; i++) {
      const style = roadStyle(roads.segmentClass[i]);
      roadColors.set(style.rgba, 4 * i);
      roadWidths[i] = style.widthPx;
    }
    this.roads = new LineLayer({
      id: 'roads',
      data: {
        length: roads.segmentCount,
        attributes: {
          getSourcePosition: { value: roads.segments, size: 2, stride: 16, offset: 0 },
          getTargetPosition: { value: roads.segments, size: 2, stride: 16, offset: 8 },
          getColor: { value: roadColors, size: 4, normalized: true },
          getWidth: { value: roadWidths, size: 1 },
        },
      },
      widthUnits: 'pixels',
    });
    this.carColors = new Uint8Array(4 * scene.timeline.vehicleCount);
    this.overlay = new MapboxOverlay({
      interleaved: false,
      layers: [this.roads],
      pickingRadius: 6,
      onClick: (info: PickingInfo) => {
        if (info.layer?.id === 'cars' && info.index >= 0 && info.index < this.carsDrawn) onPick(this.drawnVehicles[info.index]);
        else onPick(undefined);
      },
      getCursor: ({ isHovering, isDragging }) => (isHovering ? 'pointer' : isDragging ? 'grabbing' : 'grab'),
    });
    this.map.addControl(this.overlay);
  }

  /** Hands the frame's markers (and the selection, if any) to deck.gl, which draws them on its next animation frame. */
  draw(frame: FrameSampler, selection?: SelectionDrawing): void {
    const cars = frame.carCount;
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
      // Fresh requests are pale, long waits full red.
      this.riderColors[4 * i] = r;
      this.riderColors[4 * i + 1] = g;
      this.riderColors[4 * i + 2] = b;
      this.riderColors[4 * i + 3] = Math.round(110 + Math.min(1, w / 300) * 130);
    }
    this.drawnVehicles = frame.carVehicle;
    this.carsDrawn = cars;
    this.ridersDrawn = riders;
    // New views every frame: deck.gl re-uploads a binary attribute only when its array object changes.
    const layers: Layer[] = [
      this.roads,
      new ScatterplotLayer({
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
        stroked: false,
      }),
      new ScatterplotLayer({
        id: 'cars',
        data: {
          length: cars,
          attributes: {
            getPosition: { value: frame.carPositions.subarray(0, 2 * cars), size: 2 },
            getFillColor: { value: this.carColors.subarray(0, 4 * cars), size: 4, normalized: true },
          },
        },
        radiusUnits: 'meters',
        getRadius: 16,
        radiusMinPixels: 2.6,
        radiusMaxPixels: 8,
        stroked: true,
        getLineColor: rgba(BACKGROUND, 220),
        lineWidthUnits: 'pixels',
        getLineWidth: 0.7,
        pickable: true,
      }),
    ];
    if (selection) layers.push(...selectionLayers(selection));
    this.overlay.setProps({ layers });
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
