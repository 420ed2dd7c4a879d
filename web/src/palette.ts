// Colours of the map and plots: one per vehicle activity, riders, roads by class.
import { Activity, ACTIVITY_COUNT } from '../../src/core/replay/timeline.js';
import { RoadClass } from '../../src/core/network/graph.js';

export const BACKGROUND = '#0f1216';

/** Per Activity: label and colour. */
export const ACTIVITY_STYLE: Record<Activity, { label: string; color: string }> = {
  [Activity.idle]: { label: 'idle', color: '#8b949e' },
  [Activity.toPickup]: { label: 'to pickup', color: '#f2b33d' },
  [Activity.occupied1]: { label: '1 rider on board', color: '#4ea1ff' },
  [Activity.occupied2]: { label: '2 riders on board', color: '#c07cff' },
  [Activity.rebalancing]: { label: 'rebalancing', color: '#3ccf91' },
  [Activity.charging]: { label: 'charging (to, queued, plugged)', color: '#e8e35a' },
  [Activity.inService]: { label: 'cleaning / maintenance', color: '#ff8a4c' },
  [Activity.needsAssistance]: { label: 'held for remote assistance', color: '#ff4d8d' },
  [Activity.outOfService]: { label: 'out of service', color: '#5a2430' },
};

export const RIDER_COLOR = '#ff5a5f';

/** Overlays: the service area's edge, charging sites, and the heat of cells short of cars (riders waiting, no idle car) or with cars to spare. */
export const AREA_COLOR = '#7fd4ff';
export const CHARGER_COLOR = '#e8e35a';
export const HEAT_SHORT = '#ff4d4d';
export const HEAT_SPARE = '#3ccf91';

/** Car markers: 16 m across on the ground, kept between these radii (CSS px) as one zooms. */
export const CAR_RADIUS_M = 16;
export const CAR_MIN_RADIUS_PX = 3.4;
export const CAR_MAX_RADIUS_PX = 8;

/** Rider marker radius (px) and opacity (0–255): a pixel more per minute waited, up to 13 px; opaque from 5 min. */
export const riderRadiusPx = (waitS: number): number => 3 + Math.min(10, waitS / 60);
export const riderAlpha = (waitS: number): number => Math.round(170 + Math.min(1, waitS / 300) * 85);

export function rgba(hex: string, alpha = 255): [number, number, number, number] {
  const n = parseInt(hex.slice(1, 7), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha];
}

/** RGBA bytes per Activity, 4 per entry, for filling colour buffers. */
export const ACTIVITY_RGBA = new Uint8Array(4 * ACTIVITY_COUNT);
for (let a = 0; a < ACTIVITY_COUNT; a++) ACTIVITY_RGBA.set(rgba(ACTIVITY_STYLE[a as Activity].color), 4 * a);

/** How roads are drawn, minor to major (later styles are drawn on top). */
export const ROAD_STYLES = [
  { name: 'local', color: '#2b323b', widthPx: 1 },
  { name: 'tertiary', color: '#39414c', widthPx: 1.3 },
  { name: 'arterial', color: '#4a5461', widthPx: 1.8 },
  { name: 'motorway', color: '#606b7a', widthPx: 2.4 },
] as const;

/** Index into ROAD_STYLES of a RoadClass. */
export function roadStyleIndex(roadClass: number): number {
  switch (roadClass) {
    case RoadClass.motorway:
    case RoadClass.trunk:
      return 3;
    case RoadClass.primary:
    case RoadClass.secondary:
    case RoadClass.ramp:
      return 2;
    case RoadClass.tertiary:
      return 1;
    default:
      return 0;
  }
}
