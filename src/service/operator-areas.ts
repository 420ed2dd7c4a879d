// What operators change about where the live service takes requests (decision 0021): areas where new requests are
// paused, and a service area set live. The conductor asks `refusal` before a request is stored; the engine only logs
// these actions (its routing graph stays as built at start). Also turns an API body's GeoJSON or H3 cells into
// polygons, with errors that name the field.
import { cellsToMultiPolygon, getResolution, isValidCell } from 'h3-js';
import { nodesInside, ServiceArea, type PolygonRings } from '../core/network/area.js';
import type { RoadGraph } from '../core/network/graph.js';
import { InputFileError } from '../io/file-input.js';
import { parseServiceAreaPolygons } from '../io/service-area.js';
import type { Decision, LatLon } from './decision.js';

/** Most H3 cells one area may list (a resolution-8 cell is ~0.7 km²: 2,000 cells cover a large city). */
export const MAX_AREA_CELLS = 2000;

/** A pause of new requests as operators see it; `polygons` empty: everywhere. */
export interface PausedAreaView {
  area: string;
  polygons: PolygonRings[];
  by: string;
  reason: string;
  sinceS: number;
}

interface PausedArea extends PausedAreaView {
  /** Null: everywhere. */
  shape: ServiceArea | null;
}

/**
 * The polygons of an operator's area: GeoJSON (Polygon, MultiPolygon, Feature or collections of them, as
 * `--service-area` reads them) or a set of H3 cells (merged into their outline). Throws an Error whose message names
 * the field (`area.coordinates[0]: …`, `cells[3]: …`).
 */
export function operatorAreaPolygons(body: { area?: unknown; cells?: readonly string[] }): PolygonRings[] {
  if ((body.area === undefined) === (body.cells === undefined)) throw new Error('give exactly one of "area" (GeoJSON) or "cells" (H3 cell ids)');
  if (body.area !== undefined) {
    try {
      return parseServiceAreaPolygons(JSON.stringify(body.area), 'area');
    } catch (err) {
      // InputFileError says "area: <where>: <problem>"; the field is the "file" here.
      if (err instanceof InputFileError) throw new Error(/^[\w[\].]+: /.test(err.problem) ? `area.${err.problem}` : `area: ${err.problem}`);
      throw err;
    }
  }
  const cells = body.cells!;
  if (cells.length === 0) throw new Error('cells: give at least one H3 cell');
  if (cells.length > MAX_AREA_CELLS) throw new Error(`cells: ${cells.length} cells; at most ${MAX_AREA_CELLS}`);
  cells.forEach((c, i) => {
    if (!isValidCell(c)) throw new Error(`cells[${i}]: "${String(c).slice(0, 20)}" is not an H3 cell id`);
  });
  const res = getResolution(cells[0]);
  cells.forEach((c, i) => {
    if (getResolution(c) !== res) throw new Error(`cells[${i}]: resolution ${getResolution(c)}; every cell must have the resolution of cells[0] (${res})`);
  });
  return cellsToMultiPolygon([...new Set(cells)], true) as unknown as PolygonRings[];
}

/** Pauses by area name and the live service area; answers whether a request may be taken. */
export class OperatorAreas {
  private readonly paused = new Map<string, PausedArea>();
  private service: { polygons: PolygonRings[]; shape: ServiceArea; nodeInside: Uint8Array | null } | null = null;

  /** Pauses new requests with pickup in `polygons` (none: everywhere) as `area`; replaces an earlier pause of that name. */
  pause(p: PausedAreaView): void {
    this.paused.set(p.area, { ...p, shape: p.polygons.length > 0 ? new ServiceArea(p.polygons) : null });
  }

  /** Lifts the pause of `area`; false when there was none. */
  resume(area: string): boolean {
    return this.paused.delete(area);
  }

  pausedAreas(): PausedAreaView[] {
    return [...this.paused.values()].map(({ shape: _shape, ...view }) => view);
  }

  /**
   * Sets the service area (null: none beyond the network) and returns how many road nodes lie inside it (all without
   * an area). `graph` is optional so a conductor without a network can still refuse by position.
   */
  setServiceArea(polygons: PolygonRings[] | null, graph?: RoadGraph): number {
    if (polygons === null || polygons.length === 0) {
      this.service = null;
      return graph?.nodeCount ?? 0;
    }
    const shape = new ServiceArea(polygons);
    const nodeInside = graph ? nodesInside(graph, shape) : null;
    this.service = { polygons, shape, nodeInside };
    let n = 0;
    if (nodeInside) for (let i = 0; i < nodeInside.length; i++) n += nodeInside[i];
    return n;
  }

  serviceArea(): PolygonRings[] | null {
    return this.service?.polygons ?? null;
  }

  /** Whether a point lies in the live service area (always true without one). */
  inServiceArea(p: LatLon): boolean {
    return !this.service || this.service.shape.contains(p.lat, p.lon);
  }

  /** Whether road node `node` lies in the live service area (always true without one). */
  nodeInServiceArea(node: number): boolean {
    return !this.service?.nodeInside || this.service.nodeInside[node] === 1;
  }

  /** Why a request from `pickup` to `dropoff` is refused now by the operator's areas, or ok. */
  refusal(pickup: LatLon, dropoff: LatLon): Decision {
    for (const p of this.paused.values()) {
      if (!p.shape || p.shape.contains(pickup.lat, pickup.lon)) {
        const where = p.shape ? `with pickup in area "${p.area}" ` : '';
        return { ok: false, error: 'requests_paused', reason: `new ride requests ${where}are paused by the operator: ${p.reason}` };
      }
    }
    if (!this.inServiceArea(pickup)) return { ok: false, error: 'outside_service_area', reason: 'pickup is outside the service area (changed by the operator)' };
    if (!this.inServiceArea(dropoff)) return { ok: false, error: 'outside_service_area', reason: 'drop-off is outside the service area (changed by the operator)' };
    return { ok: true };
  }
}
