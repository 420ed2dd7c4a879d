// Movement along legs: a vehicle's current leg (shortest path, its node times and distances), where it can turn
// towards a changed plan (the next node of its path), cutting a leg short there, and its position at any time.
//
// A leg's duration is the travel time rounded once (roundLegS); node k of the path is reached at
// legStartS + round(cumMs[k] × scale), scale = rounded leg seconds / free-flow ms of the path.
import { VehicleStatus, roundLegS, type TimedNode } from '../dispatch/types.js';
import { findEdge, type RoadGraph } from '../network/graph.js';
import type { TravelTimes } from '../network/travel-times.js';
import type { EnergyStart } from './energy.js';
import { ChargeState, type FleetState } from './vehicle-state.js';

/** The current leg's node path with cumulative free-flow times and distances (kept for the current leg only). */
interface LegPath {
  nodes: Uint32Array;
  cumMs: Float64Array;
  cumM: Float64Array;
  /** Seconds per free-flow ms on this leg (rounded leg time / path ms): node k is reached at start + cumMs[k] * scale. */
  scale: number;
  /** Index of the node the leg now ends at (the last, or a diversion node). */
  endIdx: number;
  /** The leg's rounded seconds (roundLegS of the routing engine's time). */
  durS: number;
}

/** Path nodes from the divert index on that Movement keeps per vehicle (see divertSlot). */
const DIVERT_AHEAD = 8;
/** Numbers per vehicle in Movement's divRec and per kept node in divSlots (see divertSlot). */
const DIV_REC = 8;
const DIV_SLOT = 3;

/** Owns the current-leg paths of every vehicle; reads and writes the leg fields of the fleet state. */
export class Movement {
  private readonly paths: (LegPath | null)[];
  /**
   * Per vehicle, the divert index of its current path last found (see divertSlot) and the path's next nodes from it,
   * read in vehicle order: dispatchers ask for every car's divert point every batch, and walking each path costs cache
   * misses. divRec, DIV_REC numbers per vehicle: the time they were found at (NaN: none kept, set whenever the path or
   * its end changes), the leg start then, the path's scale, the path index of the first kept node, and the kept node
   * that was the answer (0 … DIVERT_AHEAD - 1). divSlots, DIV_SLOT numbers per kept node (vehicle × DIVERT_AHEAD +
   * slot): its time (Infinity: the path's end, which stays the answer), its free-flow ms and the node. The index found
   * at t stays the answer at any later time at which its node is still ahead, else one of the next kept nodes is (the
   * nodes before it were passed at t, so they still are).
   */
  private readonly divRec: Float64Array;
  private readonly divSlots: Float64Array;
  /** Scratch of divert: its time and node (no object per call). */
  private outS = 0;
  private outNode = 0;

  /** With `trackPaths`, legs keep their node path (positions, divert at the next node); it needs the graph. */
  constructor(
    private readonly fleet: FleetState,
    private readonly travelTimes: TravelTimes,
    private readonly graph: RoadGraph | undefined,
    private readonly trackPaths: boolean,
  ) {
    if (trackPaths && !graph) throw new Error('simulate: trackPaths needs a graph');
    this.paths = new Array<LegPath | null>(fleet.size).fill(null);
    this.divRec = new Float64Array(fleet.size * DIV_REC).fill(NaN);
    this.divSlots = new Float64Array(fleet.size * DIVERT_AHEAD * DIV_SLOT);
  }

  /** Sets up a leg from the vehicle's node to `to` (≠ node) departing at `nowS`; returns its duration in seconds. */
  beginLeg(v: number, to: number, nowS: number): number {
    const f = this.fleet;
    const from = f.node[v];
    this.divRec[v * DIV_REC] = NaN;
    let durS: number;
    let distM: number;
    if (this.trackPaths) {
      const leg = this.legPathOf(from, to, nowS, v);
      this.paths[v] = leg;
      durS = leg.durS;
      distM = leg.cumM[leg.endIdx];
    } else {
      const r = this.travelTimes.route(from, to, nowS);
      durS = roundLegS(r.timeS);
      distM = r.distanceM;
      this.paths[v] = null;
    }
    if (!Number.isFinite(durS)) throw new Error(`engine: node ${to} unreachable from ${from} for vehicle ${v}`);
    f.legStartS[v] = nowS;
    f.legEndS[v] = nowS + durS;
    f.legTarget[v] = to;
    f.legDistanceM[v] = distM;
    f.legDiverted[v] = 0;
    return durS;
  }

  /**
   * The current leg's metres, each weighted by `weightByNode` of the node it is driven from (the start node of its
   * edge); without a path, the whole leg at its start node's weight. Call before `endLeg`.
   */
  weightedLegM(v: number, weightByNode: Float64Array): number {
    const p = this.paths[v];
    if (!p) return this.fleet.legDistanceM[v] * weightByNode[this.fleet.node[v]];
    let m = 0;
    for (let i = 1; i <= p.endIdx; i++) m += (p.cumM[i] - p.cumM[i - 1]) * weightByNode[p.nodes[i - 1]];
    return m;
  }

  /** The leg is over: the vehicle stands at its target. */
  endLeg(v: number): void {
    this.fleet.node[v] = this.fleet.legTarget[v];
    this.paths[v] = null;
    this.divRec[v * DIV_REC] = NaN;
  }

  /** Cuts the current leg at the next node of its path (if it ends beyond it): the vehicle stops there instead. */
  cutAtNextNode(v: number, nowS: number): void {
    const p = this.paths[v];
    const k = this.divertIndex(v, nowS);
    if (p && k < p.endIdx) {
      const f = this.fleet;
      f.legTarget[v] = p.nodes[k];
      f.legEndS[v] = f.legStartS[v] + Math.round(p.cumMs[k] * p.scale);
      f.legDistanceM[v] = p.cumM[k];
      f.legDiverted[v] = 1;
      p.endIdx = k;
      this.divRec[v * DIV_REC] = NaN;
    }
  }

  /** Earliest time and node from which the vehicle can head to a changed first stop (see FleetSnapshot.divertAt). */
  divertAt(v: number, nowS: number): TimedNode {
    this.divert(v, nowS);
    return { timeS: this.outS, node: this.outNode };
  }

  /**
   * divertAt and legEnd of every vehicle at nowS, written into the arrays (indexed by vehicle, at least fleet-size
   * long): the same values, without an object per vehicle (see FleetSnapshot.divertPoints).
   */
  divertPoints(nowS: number, divertS: Float64Array, divertNode: Int32Array, endS: Float64Array, endNode: Int32Array): void {
    const f = this.fleet;
    const status = f.status;
    const legEndS = f.legEndS;
    const legTarget = f.legTarget;
    const node = f.node;
    for (let v = 0; v < f.size; v++) {
      if (status[v] === VehicleStatus.idle) {
        divertS[v] = endS[v] = nowS;
        divertNode[v] = endNode[v] = node[v];
        continue;
      }
      this.divert(v, nowS);
      divertS[v] = this.outS;
      divertNode[v] = this.outNode;
      endS[v] = legEndS[v];
      endNode[v] = legTarget[v];
    }
  }

  /** divertAt into outS and outNode. */
  private divert(v: number, nowS: number): void {
    const f = this.fleet;
    const st = f.status[v];
    if (st === VehicleStatus.idle || st === VehicleStatus.dwelling) {
      this.outS = st === VehicleStatus.idle ? nowS : f.legEndS[v];
      this.outNode = f.node[v];
      return;
    }
    const i = this.divertSlot(v, nowS);
    if (i < 0 || this.divSlots[i] === Infinity) {
      this.outS = f.legEndS[v];
      this.outNode = f.legTarget[v];
    } else {
      this.outS = this.divSlots[i];
      this.outNode = this.divSlots[i + 2];
    }
  }

  /**
   * Where a vehicle would start towards a new first target `target` (-1: none, it stops), and the metres it drives
   * before it is there: idle or dwelling, its node and 0; on a leg that already ends at `target`, the whole leg;
   * otherwise the leg up to the node where it can turn (the next node of its path; the leg's end without a path).
   * The energy invariant counts that committed distance, since the battery is charged for a leg when it ends.
   */
  commitment(v: number, target: number, nowS: number): EnergyStart {
    const f = this.fleet;
    const st = f.status[v];
    if (st === VehicleStatus.idle || st === VehicleStatus.dwelling || (st === VehicleStatus.charging && f.chargeState[v] !== ChargeState.heading)) {
      return { node: f.node[v], distanceM: 0 };
    }
    const p = this.paths[v];
    if (target === f.legTarget[v] || !p) return { node: f.legTarget[v], distanceM: f.legDistanceM[v] };
    const k = this.divertIndex(v, nowS);
    if (k >= p.endIdx) return { node: f.legTarget[v], distanceM: f.legDistanceM[v] };
    return { node: p.nodes[k], distanceM: p.cumM[k] };
  }

  /** When and where the current leg (or dwell) ends: now/here if idle. */
  legEnd(v: number, nowS: number): TimedNode {
    const f = this.fleet;
    if (f.status[v] === VehicleStatus.idle) return { timeS: nowS, node: f.node[v] };
    return { timeS: f.legEndS[v], node: f.legTarget[v] };
  }

  /**
   * Latitude/longitude of a vehicle at `timeS` (clamped to its current leg): linear between the nodes of its current
   * path, whose node times are the free-flow times scaled to the leg's rounded duration. Needs a graph.
   */
  positionAt(v: number, timeS: number): { lat: number; lon: number } {
    const g = this.graph;
    if (!g) throw new Error('positionAt needs the road graph');
    const f = this.fleet;
    const st = f.status[v];
    const from = f.node[v];
    const moving =
      st === VehicleStatus.driving ||
      st === VehicleStatus.rebalancing ||
      (st === VehicleStatus.charging && f.chargeState[v] === ChargeState.heading) ||
      // On the way to a service centre, or rolling to the node where it stops out of service.
      ((st === VehicleStatus.servicing || st === VehicleStatus.outOfService) && from !== f.legTarget[v]);
    if (!moving) return { lat: g.lat[from], lon: g.lon[from] };
    const start = f.legStartS[v];
    const end = f.legEndS[v];
    const p = this.paths[v];
    if (!p) {
      const to = f.legTarget[v];
      const t = end > start ? Math.min(1, Math.max(0, (timeS - start) / (end - start))) : 1;
      return { lat: g.lat[from] + t * (g.lat[to] - g.lat[from]), lon: g.lon[from] + t * (g.lon[to] - g.lon[from]) };
    }
    const atMs = Math.max(0, (timeS - start) / p.scale);
    let k = 1;
    while (k < p.endIdx && p.cumMs[k] < atMs) k++;
    const a = p.nodes[k - 1];
    const b = p.nodes[k];
    const seg = p.cumMs[k] - p.cumMs[k - 1];
    const t = seg > 0 ? Math.min(1, Math.max(0, (atMs - p.cumMs[k - 1]) / seg)) : 1;
    return { lat: g.lat[a] + t * (g.lat[b] - g.lat[a]), lon: g.lon[a] + t * (g.lon[b] - g.lon[a]) };
  }

  /** Index of the first node of the current path reached strictly after now (the diversion node), -1 without path. */
  private divertIndex(v: number, nowS: number): number {
    if (this.divertSlot(v, nowS) < 0) return -1;
    const r = v * DIV_REC;
    return this.divRec[r + 3] + this.divRec[r + 4];
  }

  /** divertIndex, kept (see divRec): where its node's time, ms and node are in divSlots, -1 without path. */
  private divertSlot(v: number, nowS: number): number {
    const p = this.paths[v];
    if (!p) return -1;
    const start = this.fleet.legStartS[v];
    const rec = this.divRec;
    const slots = this.divSlots;
    const r = v * DIV_REC;
    const base = v * DIVERT_AHEAD;
    // The nodes kept for this leg, found at or before now: the first still ahead is the answer (the path's end stays
    // it); if none is, the search starts after them.
    let lo = 1;
    if (nowS >= rec[r] && rec[r + 1] === start) {
      const atMs = (nowS - start) / rec[r + 2];
      for (let j = rec[r + 4]; j < DIVERT_AHEAD; j++) {
        const i = (base + j) * DIV_SLOT;
        const timeS = slots[i];
        if (timeS === Infinity || (timeS > nowS && slots[i + 1] > atMs)) {
          rec[r] = nowS;
          rec[r + 4] = j;
          return i;
        }
      }
      lo = rec[r + 3] + DIVERT_AHEAD;
    }
    const atMs = (nowS - start) / p.scale;
    // The first k in [1, endIdx) past both now and the position now, else endIdx. Both tests only turn true as k grows
    // (cumMs never decreases), so a binary search finds the same k as a scan (dispatchers ask for every car each batch);
    // and they only turn false as time goes on, so none before the nodes kept holds now.
    let k = p.endIdx;
    if (k > 1) {
      let hi = p.endIdx;
      while (lo < hi) {
        const m = (lo + hi) >>> 1;
        if (start + Math.round(p.cumMs[m] * p.scale) > nowS && p.cumMs[m] > atMs) hi = m;
        else lo = m + 1;
      }
      k = lo;
    }
    rec[r] = nowS;
    rec[r + 1] = start;
    rec[r + 2] = p.scale;
    rec[r + 3] = k;
    rec[r + 4] = 0;
    for (let j = 0; j < DIVERT_AHEAD; j++) {
      const idx = k + j;
      const i = (base + j) * DIV_SLOT;
      if (idx >= p.endIdx) {
        slots[i] = Infinity;
        break;
      }
      slots[i] = start + Math.round(p.cumMs[idx] * p.scale);
      slots[i + 1] = p.cumMs[idx];
      slots[i + 2] = p.nodes[idx];
    }
    return base * DIV_SLOT;
  }

  /** The path of a leg from `from` to `to` departing at nowS, with its rounded duration. */
  private legPathOf(from: number, to: number, nowS: number, v: number): LegPath {
    const p = this.travelTimes.path(from, to, nowS);
    if (!p) throw new Error(`engine: no path from node ${from} to ${to} for vehicle ${v}`);
    const durS = roundLegS(p.timeS);
    const g = this.graph!;
    const nodes = p.nodes;
    const edges = p.edges;
    const k = nodes.length;
    const cumMs = new Float64Array(k);
    const cumM = new Float64Array(k);
    for (let i = 1; i < k; i++) {
      const e = edges ? edges[i - 1] : findEdge(g, nodes[i - 1], nodes[i]);
      if (e < 0) throw new Error(`engine: path has no edge ${nodes[i - 1]}->${nodes[i]}`);
      cumMs[i] = cumMs[i - 1] + g.timeMs[e];
      cumM[i] = cumM[i - 1] + g.lengthM[e];
    }
    return { nodes, cumMs, cumM, scale: cumMs[k - 1] > 0 ? durS / cumMs[k - 1] : 0, endIdx: k - 1, durS };
  }
}
