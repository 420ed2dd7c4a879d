// Remote assistance (decision 0012): cars ask for remote help at a rate per 1,000 km driven, wait for one of a limited
// pool of remote operators (first come, first served) and are then held for a service time, stopped where they are
// with their riders on board. The distance to a car's next request is drawn from an exponential (a Poisson process in
// kilometres), seeded, in event order, so a run is reproducible. The engine holds the car (status `assisted`). A car
// may also ask from outside the loop (the live service: a vehicle's report, `Engine.requestAssist`); it joins the same
// queue. With a rate of 0 no car asks by itself and no random number is drawn (the live service's pool).
// With a rate per area (`per1000KmByNode`, io's --assist-areas) the process runs on weighted metres: each metre counts
// rate-where-driven / base rate, so a car asks for help once it has driven an exponential draw of such metres (an
// inhomogeneous Poisson process in distance). With no areas every weight is 1 and the draws are those of a single rate.
//
// Index conventions: per-vehicle arrays are indexed by vehicle.
import { Rng } from '../random.js';

export interface AssistanceOptions {
  /** Requests for remote help per 1,000 km driven (mean); 0: only cars that ask from outside (`Engine.requestAssist`). */
  readonly per1000Km: number;
  /** Remote operators on duty (each helps one car at a time). */
  readonly operators: number;
  /** Seconds an operator holds a car once they take it. */
  readonly serviceS: number;
  /**
   * Requests per 1,000 km where each node lies (its area's rate, else `per1000Km`), indexed by node; a metre driven
   * on an edge counts at the rate of the edge's start node. Omitted: `per1000Km` everywhere.
   */
  readonly per1000KmByNode?: Float64Array;
}

/** Defaults, documented with their sources in docs/fleet-operations.md (the rate is an assumption). */
export const DEFAULT_ASSISTANCE = { per1000Km: 5, operators: 10, serviceS: 180 } as const;

/** Checks the options; throws naming the bad field. */
export function checkAssistance(o: AssistanceOptions, nodeCount: number): void {
  if (!(o.per1000Km >= 0 && Number.isFinite(o.per1000Km))) throw new Error(`simulate: assistance.per1000Km ${o.per1000Km} must be ≥ 0`);
  if (!Number.isInteger(o.operators) || o.operators < 1) throw new Error(`simulate: assistance.operators ${o.operators} must be an integer ≥ 1`);
  if (!Number.isInteger(o.serviceS) || o.serviceS < 1) throw new Error(`simulate: assistance.serviceS ${o.serviceS} must be an integer ≥ 1`);
  const byNode = o.per1000KmByNode;
  if (byNode) {
    if (o.per1000Km === 0) throw new Error('simulate: assistance.per1000KmByNode needs a base rate per1000Km > 0 (its metres are weighted by it)');
    if (byNode.length !== nodeCount) throw new Error(`simulate: assistance.per1000KmByNode has ${byNode.length} entries, the network ${nodeCount} nodes`);
    for (let u = 0; u < byNode.length; u++) {
      if (!(byNode[u] >= 0 && Number.isFinite(byNode[u]))) throw new Error(`simulate: assistance.per1000KmByNode[${u}] ${byNode[u]} must be ≥ 0`);
    }
  }
}

/**
 * Per node, the weight of a metre driven there: its rate over the base rate (what the odometer of RemoteAssistance
 * counts in), or undefined without rates per area.
 */
export function assistWeights(o: AssistanceOptions): Float64Array | undefined {
  const byNode = o.per1000KmByNode;
  if (!byNode) return undefined;
  const w = new Float64Array(byNode.length);
  for (let u = 0; u < byNode.length; u++) w[u] = byNode[u] / o.per1000Km;
  return w;
}

/** The operator pool, its queue, and every car's distance to its next request for help. Only the engine writes it. */
export class RemoteAssistance {
  readonly operators: number;
  readonly serviceS: number;
  /** Operators helping a car now. */
  busy = 0;
  /** Per node: the weight of a metre driven there (area rate / base rate); undefined: 1 everywhere. */
  readonly weightByNode: Float64Array | undefined;
  /** Per vehicle: metres driven (weighted by `weightByNode`), and the reading at which it next asks for help. */
  private readonly drivenM: Float64Array;
  private readonly nextAtM: Float64Array;
  /** Per vehicle: when it asked, when an operator took it, and its status before the hold (restored after). */
  private readonly requestedS: Int32Array;
  private readonly startedS: Int32Array;
  private readonly statusBefore: Uint8Array;
  private readonly queue: number[] = [];
  private readonly meanM: number;
  private readonly rng: Rng;

  constructor(fleetSize: number, o: AssistanceOptions, seed: number) {
    this.operators = o.operators;
    this.serviceS = o.serviceS;
    this.meanM = o.per1000Km > 0 ? 1e6 / o.per1000Km : Infinity;
    this.weightByNode = assistWeights(o);
    this.rng = new Rng(seed ^ 0xa5515);
    this.drivenM = new Float64Array(fleetSize);
    this.nextAtM = new Float64Array(fleetSize).fill(Infinity);
    this.requestedS = new Int32Array(fleetSize);
    this.startedS = new Int32Array(fleetSize);
    this.statusBefore = new Uint8Array(fleetSize);
    if (o.per1000Km > 0) for (let v = 0; v < fleetSize; v++) this.nextAtM[v] = this.drawM();
  }

  /** Metres to the next request: exponential with the configured mean. */
  private drawM(): number {
    return -Math.log(1 - this.rng.next()) * this.meanM;
  }

  /**
   * Vehicle v drove `distanceM` (weighted metres with rates per area: see `weightByNode`); returns whether it now asks
   * for help (and draws the distance to its next request).
   */
  drove(v: number, distanceM: number): boolean {
    this.drivenM[v] += distanceM;
    if (this.drivenM[v] < this.nextAtM[v]) return false;
    this.nextAtM[v] = this.drivenM[v] + this.drawM();
    return true;
  }

  /** Vehicle v (whose status was `status`) asks for help at `nowS` and joins the queue. */
  request(v: number, nowS: number, status: number): void {
    this.requestedS[v] = nowS;
    this.statusBefore[v] = status;
    this.queue.push(v);
  }

  /** Queued cars waiting for an operator. */
  get waiting(): number {
    return this.queue.length;
  }

  /** The next car in the queue if an operator is free (taken now; its wait returned via `waitedS`), else -1. */
  admitNext(nowS: number): number {
    if (this.busy >= this.operators || this.queue.length === 0) return -1;
    const v = this.queue.shift()!;
    this.busy++;
    this.startedS[v] = nowS;
    return v;
  }

  /** Seconds vehicle v waited for its operator. */
  waitedS(v: number): number {
    return this.startedS[v] - this.requestedS[v];
  }

  /** The operator is done with v: frees the operator; returns v's status before the hold. */
  finish(v: number): number {
    this.busy--;
    return this.statusBefore[v];
  }
}
