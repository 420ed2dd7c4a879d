// Demand against supply per H3 cell (resolution 8, cells about 0.7 km² — a few blocks): riders waiting in the cell
// against idle cars in it. Recomputed a few times a second at most while the overlay is shown (10,000 cars cost a few
// milliseconds in latLngToCell), never in the frame loop's hot path.
import { cellToBoundary, latLngToCell } from 'h3-js';
import type { FeatureCollection, Polygon } from 'geojson';
import type { MarkerFrame } from '../../src/core/replay/frame.js';
import { Activity } from '../../src/core/replay/timeline.js';

export const HEAT_RESOLUTION = 8;

export interface HeatCell {
  cell: string;
  /** Riders waiting in the cell and idle cars in it. */
  demand: number;
  supply: number;
}

/** Counts per cell of the frame's waiting riders and idle cars. */
export function heatCells(frame: MarkerFrame, resolution = HEAT_RESOLUTION): HeatCell[] {
  const cells = new Map<string, HeatCell>();
  const at = (lon: number, lat: number): HeatCell => {
    const cell = latLngToCell(lat, lon, resolution);
    let c = cells.get(cell);
    if (!c) cells.set(cell, (c = { cell, demand: 0, supply: 0 }));
    return c;
  };
  for (let i = 0; i < frame.riderCount; i++) at(frame.riderPositions[2 * i], frame.riderPositions[2 * i + 1]).demand++;
  for (let i = 0; i < frame.carCount; i++) if (frame.carActivity[i] === Activity.idle) at(frame.carPositions[2 * i], frame.carPositions[2 * i + 1]).supply++;
  return [...cells.values()];
}

/** The cells as GeoJSON polygons with `value` = (supply − demand) / (supply + demand), in −1 (short) … 1 (spare). */
export function heatGeoJson(cells: readonly HeatCell[]): FeatureCollection<Polygon, { value: number; demand: number; supply: number }> {
  return {
    type: 'FeatureCollection',
    features: cells.map((c) => ({
      type: 'Feature',
      properties: { value: (c.supply - c.demand) / (c.supply + c.demand), demand: c.demand, supply: c.supply },
      geometry: { type: 'Polygon', coordinates: [cellToBoundary(c.cell, true)] },
    })),
  };
}
