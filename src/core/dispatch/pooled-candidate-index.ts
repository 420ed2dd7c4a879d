// The pooled planner's candidate index, rebuilt or read every batch: the grid of open cars over the plane, and the
// landmark lower bounds on free-flow ms with which the candidate scan prunes cars and pairs.
import type { Plane } from '../network/plane.js';
import { BoundedSearch } from '../network/bounded-search.js';
import type { RoadGraph } from '../network/graph.js';

/** Open cars bucketed by square cells over the plane (rebuilt every batch). */
export interface Grid {
  x0: number;
  y0: number;
  cellM: number;
  nx: number;
  ny: number;
  /** CSR over cells (nx × ny + 1) into cellCar. */
  cellFirst: Int32Array;
  cellCar: Int32Array;
  fill: Int32Array;
  carCell: Int32Array;
  /**
   * What the candidate scan reads of each car, in cellCar's order (position k: the car cellCar[k]): its divert node's
   * coordinates, divert time and hourly factor at 4k … 4k + 3 of carPack, the node its leg ends at in carEnd; each
   * car's position (carAt, valid while open this batch), and the scan that skipped it as a seed (seededAt, by
   * position). Copied per batch (a pass in car order) so that the scan reads consecutive memory instead of five arrays
   * at random car indexes per car.
   */
  carPack: Float64Array;
  carEnd: Int32Array;
  carAt: Int32Array;
  seededAt: Int32Array;
  /** Earliest divert time and fastest reach (m per s of travel) over this batch's open cars. */
  minDivS: number;
  maxReachMPerS: number;
}

/** Side of a grid cell, metres (the least: a larger area gets larger cells). */
const GRID_CELL_M = 400;

/** An empty grid over the plane's extent for vehicleCount cars (PooledPlanner.indexCars fills it every batch). */
export function makeGrid(plane: Plane, vehicleCount: number): Grid {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < plane.x.length; i++) {
    x0 = Math.min(x0, plane.x[i]);
    x1 = Math.max(x1, plane.x[i]);
    y0 = Math.min(y0, plane.y[i]);
    y1 = Math.max(y1, plane.y[i]);
  }
  // At most ~256 cells a side (a larger area gets larger cells).
  const cellM = Math.max(GRID_CELL_M, (x1 - x0) / 256, (y1 - y0) / 256);
  const nx = Math.floor((x1 - x0) / cellM) + 1;
  const ny = Math.floor((y1 - y0) / cellM) + 1;
  return {
    x0, y0, cellM, nx, ny,
    cellFirst: new Int32Array(nx * ny + 1),
    cellCar: new Int32Array(vehicleCount),
    fill: new Int32Array(nx * ny),
    carCell: new Int32Array(vehicleCount),
    carPack: new Float64Array(4 * vehicleCount),
    carEnd: new Int32Array(vehicleCount),
    carAt: new Int32Array(vehicleCount),
    seededAt: new Int32Array(vehicleCount),
    minDivS: Infinity,
    maxReachMPerS: Infinity,
  };
}

/** Landmark (ALT) lower bounds on free-flow ms between any two nodes, for pruning candidate cars and pairs. */
export class Landmarks {
  /** Landmark count. */
  private readonly k: number;
  /**
   * Per node x, 2k values in a row (one or two cache lines per bound instead of 2k scattered reads): ms L_i → x for
   * i < k, then ms x → L_i.
   */
  private readonly table: Float64Array | Float32Array;

  /** Picks `count` landmarks by farthest-point selection (deterministic) and stores their full tables. */
  constructor(g: RoadGraph, count: number) {
    const n = g.nodeCount;
    const k = n === 0 ? 0 : count;
    this.k = k;
    if (n === 0) {
      this.table = new Float64Array(0);
      return;
    }
    const table = new Float64Array(n * 2 * k);
    const search = new BoundedSearch(g);
    const minTo = new Float64Array(n).fill(Infinity);
    let next = 0;
    for (let i = 0; i < count; i++) {
      search.start(next, 'forward');
      search.settleAll();
      const from = search.distancesMs();
      search.start(next, 'reverse');
      search.settleAll();
      const to = search.distancesMs();
      for (let x = 0; x < n; x++) {
        table[x * 2 * k + i] = from[x];
        table[x * 2 * k + k + i] = to[x];
      }
      let best = -1;
      for (let x = 0; x < n; x++) {
        const d = Math.min(minTo[x], Number.isFinite(from[x]) ? from[x] : 0);
        minTo[x] = d;
        if (best < 0 || d > minTo[best]) best = x;
      }
      next = best;
    }
    // Whole ms below 2^24 are exact in 32 bits: half the memory per node row, and the same bounds.
    let exact32 = true;
    for (let j = 0; j < table.length && exact32; j++) exact32 = table[j] === Infinity || (table[j] < 2 ** 24 && Number.isInteger(table[j]));
    this.table = exact32 ? Float32Array.from(table) : table;
  }

  /** Values per node row (2 × landmarks). */
  get rowLength(): number {
    return 2 * this.k;
  }

  /** A lower bound on the free-flow ms a → b (0 without landmarks). */
  lowerBoundMs(a: number, b: number): number {
    const k = this.k;
    const tab = this.table;
    const ra = a * 2 * k;
    const rb = b * 2 * k;
    let lb = 0;
    for (let i = 0; i < k; i++) {
      const d1 = tab[rb + i] - tab[ra + i];
      const d2 = tab[ra + k + i] - tab[rb + k + i];
      // NaN (∞ − ∞) fails the comparison; +∞ (one side unreachable) is no bound.
      if (d1 > lb && d1 !== Infinity) lb = d1;
      if (d2 > lb && d2 !== Infinity) lb = d2;
    }
    return lb;
  }
}
