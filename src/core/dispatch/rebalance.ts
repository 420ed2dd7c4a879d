// Predictive rebalancing, composed with any assignment strategy: every few minutes, move idle cars toward the zones
// where the demand forecast expects more requests than there are cars, by an exact min-cost transportation plan.
//
// Index conventions: forecast cells are 0..cellCount-1; slots are 0..slotCount-1 from local midnight; a node's cell
// is forecast.nodeCell[node] (-1 = a node in no forecast cell).
import { TransportationSolver } from '../solve/transportation.js';
import type { OnlineDemandForecast } from './causal-forecast.js';
import type { TunableParameters } from './parameters.js';
import type { TravelTimes } from '../network/travel-times.js';
import { RequestStatus, VehicleStatus, roundLegS, type Command, type Dispatcher, type FleetSnapshot, type RebalanceCommand } from './types.js';

/**
 * Expected requests per zone (cell) per time slot, built outside the core from days before the simulated one.
 * `expected[slot * cellCount + cell]` is the mean number of requests submitted in that slot from that cell.
 */
export interface DemandForecast {
  readonly slotS: number;
  readonly slotCount: number;
  readonly cellCount: number;
  readonly expected: Float64Array;
  /** Road node per cell that cars are sent to (the busiest pickup node of the cell in the history). */
  readonly cellNode: Uint32Array;
  /** Cell of every road node, -1 if none. */
  readonly nodeCell: Int32Array;
  /** Cell labels (H3 indexes) for reports. */
  readonly cellIds: readonly string[];
}

/** Requests the forecast expects per cell over [fromS, toS): slot values scaled by their overlap (wraps daily). */
export function expectedDemand(f: DemandForecast, fromS: number, toS: number): Float64Array {
  const out = new Float64Array(f.cellCount);
  const dayS = f.slotS * f.slotCount;
  for (let t = fromS; t < toS; ) {
    const k = Math.floor(t / f.slotS);
    const end = Math.min(toS, (k + 1) * f.slotS);
    const share = (end - t) / f.slotS;
    const slot = (((k % f.slotCount) + f.slotCount) % f.slotCount) * f.cellCount;
    for (let c = 0; c < f.cellCount; c++) out[c] += f.expected[slot + c] * share;
    t = end;
    if (dayS <= 0) break;
  }
  return out;
}

export interface RebalanceOptions {
  /** Seconds between rebalancing rounds (default 300). */
  everyS?: number;
  /** Look-ahead of the forecast (default 1800 s). */
  horizonS?: number;
  /** Share of the gap between today's idle-car spread and the forecast spread closed per round, 0–1 (default 0.5);
   *  less moves fewer cars (less empty driving), more follows demand closer. */
  share?: number;
  /** Longest rebalancing drive considered (default 1800 s; was 900 s until decision 0040). Cars that reach no cell
   *  wanting cars within it go to the nearest such cell instead of staying stranded. */
  maxDriveS?: number;
}

/** The rebalancer's defaults (`pooled+rebalance`, `batch+rebalance`). 30-min drives and the stranded-car rule of
 *  decision 0040 took the SF 95 % fleet of `pooled+rebalance` from 333 / 293 cars to 224 / 224. */
const DEFAULTS = { everyS: 300, horizonS: 1800, share: 0.5, maxDriveS: 1800 } as const;

/**
 * The rebalancer settings of the `pooled+anticipate` preset (decision 0027): a round every minute, the next 15 min of
 * forecast demand, the whole gap closed. On SF they lift the share picked up within 5 min by 9 points at 290 cars
 * (docs/BENCHMARKS.md, "Issue 13: anticipation"). Drives of up to 30 min (decision 0039; since 0040 the default):
 * with 15 min, a car that drops its rider far from the cells that want cars in the evening peak (speed factor 2.4)
 * reached none of them and stayed idle there; on the SF Wednesday at 175 cars 89 % of the idle cars a round saw at
 * 18–22 h were left so.
 */
export const ANTICIPATE_REBALANCE: Readonly<RebalanceOptions> = { everyS: 60, horizonS: 900, share: 1, maxDriveS: 1800 };

/** A rebalancing policy: which idle cars to move where, given the cars another strategy just gave work. */
export interface Rebalancer {
  readonly name: string;
  readonly everyS: number;
  /** Sees every decision's snapshot (its `newRequests`), also between rounds: online forecasts learn here. */
  observe?(s: FleetSnapshot, nowS: number): void;
  /** `taken[v] = 1` for cars given work in this same decision. */
  plan(s: FleetSnapshot, nowS: number, taken: Uint8Array): RebalanceCommand[];
  /** Share of the gap closed per round, when the policy has one; `setShare` changes it live (decision 0025). */
  share?(): number;
  setShare?(share: number): void;
}

/**
 * The forecast-driven rebalancer. Supply per cell = idle cars (movable) + cars rebalancing there or freeing there
 * within half the horizon (fixed). Target per cell = all that supply spread in proportion to the forecast demand over
 * the horizon; each movable car's goal cell comes from closing `share` of the gap to that spread.
 *
 * The move is an exact min-cost transportation problem (total drive seconds): one row per idle car, one column per
 * cell with goal slots, taking as many cars as it has slots; a car already in the cell takes a slot at cost 0 (it
 * stays), another car at its drive time to the cell's node if ≤ maxDriveS; a car left without a slot costs more than
 * any drive, so as many slots are filled as possible (the same as leaving the fewest slots empty), then with the least
 * driving. Cars with no edge at all (stranded: no wanted cell within maxDriveS) get the nearest wanted cells at their
 * drive and a penalty of that drive + 1, so they fill the slots no car within reach takes (decision 0040). Cars on the
 * same road node are one class (one drive-time row and one edge list per node: `AssignmentProblem.rowClass`), and
 * the TransportationSolver moves a class's cars in bulk (decision record 0037; until then the AssignmentSolver moved
 * them one by one: 2–3× the time in replays of the stress day's rounds, ~1.25× inside the run, the same least drive).
 *
 * The forecast is either one built beforehand from earlier days (DemandForecast) or an online one that learns from
 * the requests submitted so far (OnlineDemandForecast, `causal-forecast.ts`): the rebalancer then feeds it every
 * decision's new requests.
 *
 * @example withRebalancing(batch(), forecastRebalancer(forecast))
 */
export function forecastRebalancer(forecast: DemandForecast | OnlineDemandForecast, options: RebalanceOptions = {}): Rebalancer {
  const o: { everyS: number; horizonS: number; share: number; maxDriveS: number } = { ...DEFAULTS, ...options };
  const online = 'kind' in forecast && forecast.kind === 'online' ? forecast : undefined;
  if (!(o.share >= 0 && o.share <= 1)) throw new Error(`rebalance: share ${o.share} must be 0–1`);
  const solver = new TransportationSolver();
  const nC = forecast.cellCount;
  const classOfNode = new Map<number, number>();
  // Edge arrays kept between rounds (a round at 20,000 idle cars has ~600,000 edges).
  let edgeCol = new Uint32Array(0);
  let edgeDriveS = new Float64Array(0);
  const drives = new DriveTable(forecast.cellNode, o.maxDriveS);
  return {
    name: 'rebalance',
    everyS: o.everyS,
    ...(online ? { observe: (s: FleetSnapshot) => online.observe(s) } : {}),
    share: () => o.share,
    setShare(share: number): void {
      if (!(share >= 0 && share <= 1)) throw new Error(`rebalance: share ${share} must be 0–1`);
      o.share = share;
    },
    plan(s: FleetSnapshot, nowS: number, taken: Uint8Array): RebalanceCommand[] {
      const demand = online ? online.expected(nowS, nowS + o.horizonS) : expectedDemand(forecast as DemandForecast, nowS, nowS + o.horizonS);
      let totalDemand = 0;
      for (let c = 0; c < nC; c++) totalDemand += demand[c];
      if (!(totalDemand > 0)) return [];
      const fixed = new Float64Array(nC);
      const movableCount = new Float64Array(nC);
      const movable: number[] = [];
      let fixedTotal = 0;
      for (let v = 0; v < s.vehicleCount; v++) {
        if (taken[v]) continue;
        const st = s.vehicleStatus[v];
        if (st === VehicleStatus.idle && s.vehicleLoad[v] === 0 && s.plan(v).length === 0) {
          movable.push(v);
          const c = forecast.nodeCell[s.vehicleNode[v]];
          if (c >= 0) movableCount[c]++;
          continue;
        }
        const f = s.freeAt(v);
        if (f.timeS > nowS + o.horizonS / 2) continue;
        const c = forecast.nodeCell[f.node];
        fixedTotal++;
        if (c >= 0) fixed[c]++;
      }
      const m = movable.length;
      if (m === 0) return [];
      // Open requests still waiting count as demand already here.
      for (const r of s.openRequests()) {
        if (s.requestStatus[r] !== RequestStatus.open) continue;
        const c = forecast.nodeCell[s.requestPickupNode[r]];
        if (c >= 0) {
          demand[c]++;
          totalDemand++;
        }
      }
      // Where the movable cars should be: the forecast spread of all supply, minus what is fixed there.
      const supply = m + fixedTotal;
      const need = new Float64Array(nC);
      let needTotal = 0;
      for (let c = 0; c < nC; c++) {
        need[c] = Math.max(0, (supply * demand[c]) / totalDemand - fixed[c]);
        needTotal += need[c];
      }
      if (!(needTotal > 0)) return [];
      const goal = new Float64Array(nC);
      for (let c = 0; c < nC; c++) goal[c] = movableCount[c] + o.share * ((need[c] * m) / needTotal - movableCount[c]);
      const slots = largestRemainder(goal);

      // Drive times to the node of each cell that wants more cars than it has, once per road node that idle cars
      // stand on (a class: its cars have the same edges).
      const importCells: number[] = [];
      for (let c = 0; c < nC; c++) if (slots[c] > movableCount[c]) importCells.push(c);
      const sources = movable.map((v) => s.vehicleNode[v]);
      const rowClass = new Int32Array(m);
      const classNodes: number[] = [];
      for (let j = 0; j < m; j++) {
        const node = sources[j];
        let k = classOfNode.get(node);
        if (k === undefined) {
          k = classNodes.length;
          classOfNode.set(node, k);
          classNodes.push(node);
        }
        rowClass[j] = k;
      }
      classOfNode.clear();
      const nK = classNodes.length;
      const nT = importCells.length;
      if (nT > 0) drives.prepare(s.travelTimes, nowS, classNodes);

      // Columns: the cells with goal slots, each taking as many cars as it has slots.
      const colCell: number[] = [];
      const colOf = new Int32Array(nC).fill(-1);
      for (let c = 0; c < nC; c++) {
        if (slots[c] <= 0) continue;
        colOf[c] = colCell.length;
        colCell.push(c);
      }
      if (colCell.length === 0) return [];
      // Edges per class: the cell it is in at cost 0 (it stays), then every import cell within maxDriveS. A class with
      // neither (stranded: its cars reach no cell that wants cars within maxDriveS) gets the nearest import cells
      // instead, and its penalty for staying is that drive + 1, so it goes there whenever a slot is left for it.
      const classFirst = new Uint32Array(nK + 1);
      const unassignedCost = new Float64Array(nK).fill(o.maxDriveS + 1);
      let e = 0;
      for (let k = 0; k < nK; k++) {
        if (edgeCol.length < e + nT + 1) {
          const size = Math.max(2 * edgeCol.length, e + nT + 1, 1024);
          const grownCol = new Uint32Array(size);
          const grownDriveS = new Float64Array(size);
          grownCol.set(edgeCol.subarray(0, e));
          grownDriveS.set(edgeDriveS.subarray(0, e));
          edgeCol = grownCol;
          edgeDriveS = grownDriveS;
        }
        const node = classNodes[k];
        const here = forecast.nodeCell[node];
        if (here >= 0 && colOf[here] >= 0) {
          edgeCol[e] = colOf[here];
          edgeDriveS[e++] = 0;
        }
        const row = nT > 0 ? drives.rowOf(node) : 0;
        const rowDriveS = drives.driveS;
        for (let ii = 0; ii < nT; ii++) {
          const c = importCells[ii];
          if (c === here) continue;
          const driveS = node === forecast.cellNode[c] ? 0 : rowDriveS[row + c];
          if (driveS <= o.maxDriveS) {
            edgeCol[e] = colOf[c];
            edgeDriveS[e++] = driveS;
          }
        }
        if (e === classFirst[k]) {
          // Stranded (its own cell is no import cell, so no c below is `here`): one pass keeps the import cells at the
          // least drive seen so far, all of them on a tie; unreachable ones (`far`) never.
          let nearestS = drives.far;
          for (let ii = 0; ii < nT; ii++) {
            const c = importCells[ii];
            const driveS = rowDriveS[row + c];
            if (driveS >= drives.far || driveS > nearestS) continue;
            if (driveS < nearestS) {
              nearestS = driveS;
              e = classFirst[k];
            }
            edgeCol[e] = colOf[c];
            edgeDriveS[e++] = driveS;
          }
          if (e > classFirst[k]) unassignedCost[k] = nearestS + 1;
        }
        classFirst[k + 1] = e;
      }
      const { rowToCol } = solver.solve({
        rowCount: m,
        colCount: colCell.length,
        rowClass,
        rowFirst: classFirst,
        col: edgeCol,
        cost: edgeDriveS,
        unassignedCost,
        colCapacity: Int32Array.from(colCell, (c) => slots[c]),
      });
      const commands: RebalanceCommand[] = [];
      for (let j = 0; j < m; j++) {
        const k = rowToCol[j];
        if (k < 0) continue;
        const c = colCell[k];
        if (forecast.nodeCell[sources[j]] === c) continue; // already in the cell: stays where it is
        commands.push({ kind: 'rebalance', vehicle: movable[j], node: forecast.cellNode[c] });
      }
      commands.sort((a, b) => a.vehicle - b.vehicle);
      return commands;
    },
  };
}

/** Table cells a DriveTable holds at most (2 bytes each) before it starts again. */
const DRIVE_TABLE_CELLS = 64_000_000;

/**
 * Drive seconds (`roundLegS` of the travel time) from road nodes to every cell's node, a row per node, kept between
 * rounds: idle cars stand mostly on nodes a round before saw (95 % at 13 h of the stress day), so a round asks the
 * travel times only for nodes new since. A time is `free-flow ms / 1000 × speedFactor(departS)` (TravelTimes), a
 * function of the two nodes and the factor, so rows are kept while the travel times, the factor in force and the
 * cells' nodes are the same ones (an online forecast moves a cell's node to its busiest pickup node so far) and are
 * exactly what a table asked this round would give. Times beyond 16 bits (or unreachable) are kept as `far` only.
 */
class DriveTable {
  /** row start (node's row × cells) per road node, -1 none */
  private rowStart = new Int32Array(0);
  private rows = 0;
  /** the rows, cells apart: drive seconds, or `far` (unreachable, or beyond 16 bits) */
  driveS: Uint16Array | Float64Array;
  readonly far: number;
  private times: TravelTimes | undefined;
  private factor = NaN;
  /** the cells' nodes the rows were asked for */
  private rowsCellNode: Uint32Array;

  constructor(
    private readonly cellNode: Uint32Array,
    private readonly maxDriveS: number,
  ) {
    // Drive seconds up to maxDriveS fit 16 bits for every sensible limit; a larger one keeps floats. Longer drives are
    // kept too (up to 18 h in 16 bits), for the cars that reach no cell within maxDriveS.
    this.far = maxDriveS < 0xffff ? 0xffff : Infinity;
    this.driveS = this.far === Infinity ? new Float64Array(0) : new Uint16Array(0);
    this.rowsCellNode = cellNode.slice();
  }

  /** Whether a cell's node changed since the rows were asked (then they are asked again). */
  private cellsMoved(): boolean {
    const cellNode = this.cellNode;
    const rowsCellNode = this.rowsCellNode;
    for (let c = 0; c < cellNode.length; c++) if (cellNode[c] !== rowsCellNode[c]) return true;
    return false;
  }

  /** Makes sure every node of `nodes` has its row, for the travel times and factor in force at nowS. */
  prepare(times: TravelTimes, nowS: number, nodes: readonly number[]): void {
    const nC = this.cellNode.length;
    const factor = times.speedFactor(nowS);
    if (times !== this.times || factor !== this.factor || this.rowStart.length !== times.nodeCount || this.cellsMoved()) {
      this.times = times;
      this.factor = factor;
      this.rowsCellNode.set(this.cellNode);
      if (this.rowStart.length !== times.nodeCount) this.rowStart = new Int32Array(times.nodeCount);
      this.rowStart.fill(-1);
      this.rows = 0;
    }
    const missing: number[] = [];
    for (const node of nodes) {
      if (this.rowStart[node] < 0) {
        this.rowStart[node] = -2; // counted once
        missing.push(node);
      }
    }
    if (missing.length === 0) return;
    if ((this.rows + missing.length) * nC > DRIVE_TABLE_CELLS) {
      // Start again with only this round's nodes (a network far larger than the stress city's).
      this.rowStart.fill(-1);
      this.rows = 0;
      missing.length = 0;
      for (const node of nodes) {
        if (this.rowStart[node] === -1) {
          this.rowStart[node] = -2;
          missing.push(node);
        }
      }
    }
    const need = (this.rows + missing.length) * nC;
    if (this.driveS.length < need) {
      const size = Math.min(Math.max(need, 2 * this.driveS.length), Math.max(need, DRIVE_TABLE_CELLS));
      const grown = this.far === Infinity ? new Float64Array(size) : new Uint16Array(size);
      grown.set(this.driveS.subarray(0, this.rows * nC));
      this.driveS = grown;
    }
    const table = times.manyToMany(missing, this.cellNode, nowS);
    const driveS = this.driveS;
    for (let i = 0; i < missing.length; i++) {
      const start = this.rows++ * nC;
      this.rowStart[missing[i]] = start;
      for (let c = 0; c < nC; c++) {
        const d = roundLegS(table[i * nC + c]);
        driveS[start + c] = d < this.far ? d : this.far;
      }
    }
  }

  /** Where node's row starts in driveS (prepared this round). */
  rowOf(node: number): number {
    return this.rowStart[node];
  }
}

/** Rounds non-negative reals to integers with the same rounded total (largest remainders first, ties by index). */
function largestRemainder(x: Float64Array): Int32Array {
  const out = new Int32Array(x.length);
  let total = 0;
  let floorSum = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.max(0, x[i]);
    total += v;
    out[i] = Math.floor(v);
    floorSum += out[i];
  }
  const extra = Math.round(total) - floorSum;
  const order = Array.from(x.keys()).sort((a, b) => (x[b] - Math.floor(x[b])) - (x[a] - Math.floor(x[a])) || a - b);
  for (let k = 0; k < extra && k < order.length; k++) out[order[k]]++;
  return out;
}

/**
 * Composes an assignment strategy with a rebalancer: the strategy decides first; then, when a rebalancing round is
 * due, idle cars it gave no work are moved. Keeps the strategy's period and event-driven setting.
 *
 * @example withRebalancing(batch(), forecastRebalancer(forecast, { horizonS: 1200 }))
 */
export function withRebalancing(inner: Dispatcher, rebalancer: Rebalancer): Dispatcher {
  let nextS = -Infinity;
  /** Turned off by an operator (decision 0025): the forecast still learns, no car is moved. */
  let rebalancing = true;
  const d: Dispatcher = {
    name: `${inner.name}+${rebalancer.name}`,
    decide(s: FleetSnapshot, nowS: number): Command[] {
      rebalancer.observe?.(s, nowS);
      const commands = inner.decide(s, nowS);
      if (nowS < nextS || !rebalancing) return commands;
      nextS = (Math.floor(nowS / rebalancer.everyS) + 1) * rebalancer.everyS;
      const taken = new Uint8Array(s.vehicleCount);
      for (const c of commands) if (c.kind === 'assign') taken[c.vehicle] = 1;
      return [...commands, ...rebalancer.plan(s, nowS, taken)];
    },
    parameters: () => ({ ...inner.parameters?.(), rebalancing, ...(rebalancer.share ? { rebalanceShare: rebalancer.share() } : {}) }),
    tune(change: TunableParameters): void {
      if (change.rebalancing !== undefined) rebalancing = change.rebalancing;
      if (change.rebalanceShare !== undefined) rebalancer.setShare?.(change.rebalanceShare);
      inner.tune?.(change);
    },
  };
  return { ...d, ...(inner.periodS !== undefined ? { periodS: inner.periodS } : {}), ...(inner.eventDriven !== undefined ? { eventDriven: inner.eventDriven } : {}) };
}
