// The greedy baseline: each request gets the nearest idle car at once; without one it queues (FIFO) for the next car
// that frees up. The heuristic the optimiser is measured against, so it is exact and fast rather than clever.
import { BoundedSearch } from '../network/bounded-search.js';
import type { RoadGraph } from '../network/graph.js';
import {
  MAX_REASON_ALTERNATIVES,
  RequestStatus,
  VehicleStatus,
  dropoff,
  legTimeS,
  pickup,
  roundLegS,
  type Command,
  type DispatchReason,
  type Dispatcher,
  type FleetSnapshot,
  type ReasonAlternative,
} from './types.js';

export interface GreedyOptions {
  /**
   * When a car frees up, how many of the oldest waiting requests it considers (in arrival order; it takes the first
   * it can reach before that request's cancellation). 1 = strict FIFO head. Bounds the work per freed car.
   */
  lookahead?: number;
  /**
   * With at most this many idle cars (default 64), the nearest is found with a CH table from their nodes instead of
   * a reverse sweep of the road graph (same exact times; the sweep would cover the whole cancellation radius).
   */
  tableBelowIdle?: number;
}

/**
 * Exact nearest idle car by travel time: a reverse Dijkstra from the pickup node over incoming edges, stopping at the
 * first settled node that holds an idle car, and at the radius beyond which no car can arrive before cancellation.
 * Idle cars are free now and stand on nodes, so graph distance to the pickup is exactly their travel time (a uniform
 * hourly speed factor scales every time alike and keeps the order). Ties: first settled node, then lowest vehicle.
 */
class NearestIdleSearch {
  private readonly search: BoundedSearch;
  /** Idle cars per node as intrusive lists: head per node, next/prev per vehicle (-1 = none). */
  readonly headAt: Int32Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  readonly isIdle: Uint8Array;
  idleCount = 0;
  /** Idle vehicles as a dense list (swap-remove; `listPos` = index in it), for the few-idle-cars table. */
  readonly idleList: Int32Array;
  private readonly listPos: Int32Array;

  constructor(graph: RoadGraph, vehicleCount: number) {
    this.search = new BoundedSearch(graph);
    this.headAt = new Int32Array(graph.nodeCount).fill(-1);
    this.next = new Int32Array(vehicleCount).fill(-1);
    this.prev = new Int32Array(vehicleCount).fill(-1);
    this.isIdle = new Uint8Array(vehicleCount);
    this.idleList = new Int32Array(vehicleCount);
    this.listPos = new Int32Array(vehicleCount).fill(-1);
  }

  add(v: number, node: number): void {
    if (this.isIdle[v]) return;
    this.isIdle[v] = 1;
    this.listPos[v] = this.idleCount;
    this.idleList[this.idleCount] = v;
    this.idleCount++;
    const h = this.headAt[node];
    this.next[v] = h;
    this.prev[v] = -1;
    if (h >= 0) this.prev[h] = v;
    this.headAt[node] = v;
  }

  remove(v: number, node: number): void {
    if (!this.isIdle[v]) return;
    this.isIdle[v] = 0;
    this.idleCount--;
    const last = this.idleList[this.idleCount];
    this.idleList[this.listPos[v]] = last;
    this.listPos[last] = this.listPos[v];
    this.listPos[v] = -1;
    const p = this.prev[v];
    const n = this.next[v];
    if (p >= 0) this.next[p] = n;
    else this.headAt[node] = n;
    if (n >= 0) this.prev[n] = p;
  }

  private lowestAt(node: number): number {
    let best = -1;
    for (let v = this.headAt[node]; v >= 0; v = this.next[v]) if (best < 0 || v < best) best = v;
    return best;
  }

  /** Nearest idle vehicle to `target` within `radiusMs` free-flow milliseconds, or -1. */
  nearest(target: number, radiusMs: number): number {
    if (this.idleCount === 0) return -1;
    return this.searchFrom(target, radiusMs);
  }

  /**
   * Right after `nearest` returned `found` at `foundNode`: up to `k` more idle cars by travel time, continuing the same
   * search (the found node's other cars first, lowest index first). For explaining only (decision 0022).
   */
  nextNearest(found: number, foundNode: number, radiusMs: number, k: number): number[] {
    const out: number[] = [];
    const takeAt = (node: number, except: number): void => {
      const at: number[] = [];
      for (let v = this.headAt[node]; v >= 0; v = this.next[v]) if (v !== except) at.push(v);
      at.sort((a, b) => a - b);
      for (const v of at) if (out.length < k) out.push(v);
    };
    takeAt(foundNode, found);
    const search = this.search;
    for (let u = out.length < k ? search.settleNext(radiusMs) : -1; u >= 0; u = out.length < k ? search.settleNext(radiusMs) : -1) {
      if (this.headAt[u] >= 0) takeAt(u, -1);
    }
    return out;
  }

  /** Reverse Dijkstra from `target`: stops at the first node holding an idle car (returning it), or beyond the radius. */
  private searchFrom(target: number, radiusMs: number): number {
    const search = this.search;
    search.start(target, 'reverse');
    for (let u = search.settleNext(radiusMs); u >= 0; u = search.settleNext(radiusMs)) {
      if (this.headAt[u] >= 0) return this.lowestAt(u);
    }
    return -1;
  }
}

/** Idle-car bookkeeping without a graph: nearest by a many-to-one table over all idle cars (exact, slower). */
class IdleSet {
  readonly isIdle: Uint8Array;
  readonly nodeOf: Uint32Array;
  private list: number[] = [];
  constructor(vehicleCount: number) {
    this.isIdle = new Uint8Array(vehicleCount);
    this.nodeOf = new Uint32Array(vehicleCount);
  }
  add(v: number, node: number): void {
    if (this.isIdle[v]) return;
    this.isIdle[v] = 1;
    this.nodeOf[v] = node;
    this.list.push(v);
  }
  remove(v: number): void {
    this.isIdle[v] = 0;
  }
  /** Idle vehicles in ascending index order (compacts lazily). */
  members(): number[] {
    this.list = this.list.filter((v) => this.isIdle[v] === 1).sort((a, b) => a - b);
    return this.list;
  }
}

/**
 * The greedy baseline dispatcher (event-driven).
 *
 * Per tick, in event order: every car that became idle takes the oldest waiting request it can still reach before
 * that request would cancel (looking at up to `lookahead` of the oldest); otherwise it waits where it stopped. Then
 * every new request, in arrival order, takes the nearest idle car by travel time if that car arrives before the
 * cancellation deadline; otherwise the request joins the FIFO queue. Requests with more riders than seats are rejected.
 * Never pools, never rebalances.
 *
 * @example simulate({ ..., dispatcher: greedy() })
 */
export function greedy(options: GreedyOptions = {}): Dispatcher {
  const lookahead = Math.max(1, options.lookahead ?? 8);
  const fewIdle = options.tableBelowIdle ?? 64;
  let search: NearestIdleSearch | null = null;
  let idleSet: IdleSet | null = null;
  /** Waiting requests in arrival order; entries no longer open are skipped lazily. */
  let waiting: number[] = [];
  let waitingHead = 0;
  const candidates: number[] = [];
  let etaOut = new Float64Array(lookahead);

  const init = (s: FleetSnapshot): void => {
    if (s.graph) search = new NearestIdleSearch(s.graph, s.vehicleCount);
    else idleSet = new IdleSet(s.vehicleCount);
  };
  const addIdle = (v: number, node: number): void => {
    if (search) search.add(v, node);
    else idleSet!.add(v, node);
  };
  const removeIdle = (v: number, node: number): void => {
    if (search) search.remove(v, node);
    else idleSet!.remove(v);
  };

  /** Set by nearestIdle when explaining: the other idle cars it weighed, best first (vehicle, pickup leg s). */
  let weighed: ReasonAlternative[] = [];
  /** Up to MAX_REASON_ALTERNATIVES of (vehicle, leg) pairs other than `chosen`, by leg then vehicle. */
  const bestOthers = (vehicles: ArrayLike<number>, legsS: ArrayLike<number>, chosen: number): ReasonAlternative[] => {
    const order: number[] = [];
    for (let i = 0; i < vehicles.length; i++) if (vehicles[i] !== chosen && legsS[i] < Infinity) order.push(i);
    order.sort((a, b) => legsS[a] - legsS[b] || vehicles[a] - vehicles[b]);
    return order.slice(0, MAX_REASON_ALTERNATIVES).map((i) => ({ vehicle: vehicles[i], pickupEtaS: legsS[i] }));
  };

  const nearestIdle = (s: FleetSnapshot, r: number, nowS: number): number => {
    const p = s.requestPickupNode[r];
    const slackS = s.requestS[r] + s.maxWaitS - nowS;
    if (slackS < 0) return -1;
    if (search && search.idleCount > 0 && search.idleCount <= fewIdle) {
      // Few idle cars: the reverse search would sweep the whole cancellation radius to find them; a CH table from
      // their nodes gives the same exact times for a handful of (cached) upward searches. Ties: lowest vehicle.
      const k = search.idleCount;
      const sources = new Array<number>(k);
      for (let i = 0; i < k; i++) sources[i] = s.vehicleNode[search.idleList[i]];
      const times = s.travelTimes.manyToMany(sources, [p], nowS);
      let best = -1;
      let bestT = Infinity;
      for (let i = 0; i < k; i++) {
        const v = search.idleList[i];
        const t = sources[i] === p ? 0 : times[i];
        if (t < bestT || (t === bestT && v < best)) {
          bestT = t;
          best = v;
        }
      }
      const found = best >= 0 && legTimeS(s.travelTimes, s.vehicleNode[best], p, nowS) <= slackS ? best : -1;
      if (found >= 0 && s.explain) {
        const legsS = Array.from({ length: k }, (_, i) => (sources[i] === p ? 0 : roundLegS(times[i])));
        weighed = bestOthers(search.idleList.subarray(0, k), legsS, found);
      }
      return found;
    }
    if (search) {
      // Radius in free-flow ms: a car is useful if its rounded arrival ≤ deadline, i.e. time < slack + 0.5 s.
      const factor = s.travelTimes.speedFactor(nowS);
      const radiusMs = ((slackS + 0.5) / factor) * 1000;
      const v = search.nearest(p, radiusMs);
      if (v < 0) return -1;
      if (legTimeS(s.travelTimes, s.vehicleNode[v], p, nowS) > slackS) return -1;
      if (s.explain) {
        const others = search.nextNearest(v, s.vehicleNode[v], radiusMs, MAX_REASON_ALTERNATIVES);
        weighed = bestOthers(others, others.map((u) => legTimeS(s.travelTimes, s.vehicleNode[u], p, nowS)), v);
      }
      return v;
    }
    const idle = idleSet!.members();
    if (idle.length === 0) return -1;
    const sources = idle.map((v) => s.vehicleNode[v]);
    const times = s.travelTimes.manyToMany(sources, [p], nowS);
    let best = -1;
    let bestS = Infinity;
    for (let i = 0; i < idle.length; i++) {
      const legS = sources[i] === p ? 0 : Math.max(1, Math.round(times[i]));
      if (legS < bestS) {
        bestS = legS;
        best = idle[i];
      }
    }
    if (bestS > slackS) return -1;
    if (s.explain) {
      const legsS = idle.map((_, i) => (sources[i] === p ? 0 : roundLegS(times[i])));
      weighed = bestOthers(idle, legsS, best);
    }
    return best;
  };

  const assignCommand = (v: number, r: number, reason?: DispatchReason): Command =>
    reason ? { kind: 'assign', vehicle: v, stops: [pickup(r), dropoff(r)], reason } : { kind: 'assign', vehicle: v, stops: [pickup(r), dropoff(r)] };

  return {
    name: 'greedy',
    decide(s: FleetSnapshot, nowS: number): Command[] {
      if (!search && !idleSet) init(s);
      const commands: Command[] = [];
      // 1. Cars that became idle serve the FIFO queue first (those requests are older than any new one).
      for (const v of s.freedVehicles) {
        if (s.vehicleStatus[v] !== VehicleStatus.idle) continue;
        const node = s.vehicleNode[v];
        const isWaiting = (r: number): boolean => r >= 0 && s.requestStatus[r] === RequestStatus.open;
        while (waitingHead < waiting.length && !isWaiting(waiting[waitingHead])) waitingHead++;
        candidates.length = 0;
        for (let i = waitingHead; i < waiting.length && candidates.length < lookahead; i++) {
          if (isWaiting(waiting[i])) candidates.push(i);
        }
        let chosen = -1;
        let chosenLegS = 0;
        if (candidates.length > 0) {
          const targets = candidates.map((i) => s.requestPickupNode[waiting[i]]);
          if (etaOut.length < targets.length) etaOut = new Float64Array(targets.length);
          const times = s.travelTimes.oneToMany(node, targets, nowS, etaOut);
          for (let j = 0; j < candidates.length; j++) {
            const r = waiting[candidates[j]];
            const legS = targets[j] === node ? 0 : Math.max(1, Math.round(times[j]));
            if (nowS + legS <= s.requestS[r] + s.maxWaitS) {
              chosen = candidates[j];
              chosenLegS = legS;
              break;
            }
          }
        }
        if (chosen >= 0) {
          // The only car free for it: no other car was weighed (the rest were busy when the request queued).
          const r = waiting[chosen];
          commands.push(assignCommand(v, r, s.explain ? { kind: 'queue', request: r, pickupEtaS: chosenLegS, alternatives: [] } : undefined));
          waiting[chosen] = -1; // taken this tick; the snapshot only shows it assigned after the commands apply
        } else {
          addIdle(v, node);
        }
      }
      // Compact the queue now and then so that it does not grow without bound.
      if (waitingHead > 1024 && waitingHead * 2 > waiting.length) {
        waiting = waiting.slice(waitingHead);
        waitingHead = 0;
      }
      // 2. New requests, in arrival order, take the nearest idle car or queue.
      for (const r of s.newRequests) {
        if (s.requestStatus[r] !== RequestStatus.open) continue; // cancelled in the same second (maxWaitS = 0)
        if (s.requestRiders[r] > s.seats) {
          commands.push({ kind: 'reject', request: r, reason: 'too_many_riders' });
          continue;
        }
        const v = nearestIdle(s, r, nowS);
        if (v >= 0) {
          removeIdle(v, s.vehicleNode[v]);
          const reason: DispatchReason | undefined = s.explain
            ? { kind: 'nearest', request: r, pickupEtaS: legTimeS(s.travelTimes, s.vehicleNode[v], s.requestPickupNode[r], nowS), alternatives: weighed }
            : undefined;
          commands.push(assignCommand(v, r, reason));
        } else {
          waiting.push(r);
        }
      }
      return commands;
    },
  };
}

