// Clairvoyant minimum fleet (Vazifeh et al., Nature 2018): a lower bound on the single-rider fleet that serves every trip, via a minimum path cover.
import { lowerBound, sortedIndex } from './sorted.js';

/** One trip as the bound needs it. Times in seconds since the scenario start; nodes are road-network node indices. */
export interface CoverTrip {
  requestS: number;
  pickupNode: number;
  dropoffNode: number;
  /** Direct (shortest) ride time from pickup to drop-off. */
  rideS: number;
}

export interface FleetBoundOptions {
  /** The longest a request may wait for its pickup. */
  withinS: number;
  /** Non-driving stop time a car spends per trip (boarding + alighting); 0 when unsure (it only weakens the bound). */
  dwellS?: number;
  /**
   * Car travel times, row-major: result[i * targets.length + k] = time sources[i] → targets[k]; Infinity if unreachable.
   * Called in batches, so a bucket many-to-many (contraction hierarchies) pays off. Must never overstate a time the
   * fleet it is compared with would need, or the bound is no longer a bound.
   */
  manyToMany: (sources: Uint32Array, targets: Uint32Array) => Float64Array;
  /** Optional cheap lower bound on travel time (straight line / top network speed): prunes pairs before querying. */
  lowerBoundTimeS?: (fromNode: number, toNode: number) => number;
  /** Node used for the "surely reachable" test (default: the pickup node of the median-request trip). */
  hubNode?: number;
  /** Upper limit on (lefts × targets) per manyToMany call (default 2,000,000). */
  maxTableEntries?: number;
  /** Also return the vehicle chains (trip index sequences). */
  chains?: boolean;
  onProgress?: (phase: 'pairs' | 'flow', done: number, total: number) => void;
}

export interface FleetBound {
  /** Lower bound on the number of vehicles: trips − matched. */
  fleet: number;
  trips: number;
  /** Size of the maximum matching in the connectability graph. */
  matched: number;
  /** Edges of the connectability graph (explicit + implicit "surely reachable" ones). */
  edges: number;
  /** Trip pairs whose travel time was queried through manyToMany. */
  queriedPairs: number;
  /** successor[i] = the trip the same car serves after trip i in the bound's matching, or -1. */
  successor: Int32Array;
  /** Chains of trip indices, one per vehicle, when asked for (cycles, see below, are listed as chains too). */
  chains?: Uint32Array[];
}

/**
 * Lower bound on the fleet of single-rider cars that serves every trip with a pickup wait ≤ `withinS`.
 *
 * Model. Trip i is picked up at some p_i ∈ [requestS_i, requestS_i + withinS]; the car then needs ≥ dwellS + rideS_i
 * before it is free at the drop-off, so it is free no earlier than end_i = requestS_i + dwellS + rideS_i. Trip j may
 * follow trip i on one car only if end_i + travel(drop_i → pick_j) ≤ requestS_j + withinS (edge i → j). Every
 * feasible schedule satisfies this for each pair of consecutive trips of one car (p_i ≥ requestS_i, p_j ≤
 * requestS_j + withinS), so each car's trips form a path in this graph, and the fleet is ≥ the minimum path cover ≥
 * trips − maximum matching (a cover with k paths yields a matching of trips − k edges). The relaxation drops the
 * propagation of delays along a chain, which only loosens the bound. With withinS = 0 the graph is acyclic and the
 * bound is Vazifeh's exact minimum fleet for pickups at request time; with withinS > 0, short trips close together
 * can form cycles that the matching may use, which again only loosens it.
 *
 * Pruning without losing edges (no idle-gap horizon, which would not be valid): with a hub h,
 * travel(a, b) ≤ travel(a, h) + travel(h, b). So all j with requestS_j + withinS − travel(h, pick_j) ≥ end_i +
 * travel(drop_i, h) surely follow i: a suffix in that key's order, fed to a max-flow as one "timeline" chain instead
 * of explicit edges. Only pairs below that threshold and after end_i are checked, first with `lowerBoundTimeS`, then
 * with `manyToMany` in batches. Max flow (Dinic) on source → trip-out → (explicit edge | timeline) → trip-in → sink
 * equals the maximum matching of the full graph.
 *
 * @example
 * const line = (a: number, b: number) => Math.abs(a - b) * 60; // nodes on a line, 60 s apart
 * clairvoyantFleetBound(
 *   [ { requestS: 0, pickupNode: 0, dropoffNode: 1, rideS: 60 },
 *     { requestS: 100, pickupNode: 1, dropoffNode: 2, rideS: 60 } ],
 *   { withinS: 0, manyToMany: (s, t) => Float64Array.from(Array.from(s).flatMap((a) => Array.from(t, (b) => line(a, b)))) },
 * ).fleet; // 1
 */
export function clairvoyantFleetBound(trips: readonly CoverTrip[], options: FleetBoundOptions): FleetBound {
  const n = trips.length;
  const withinS = options.withinS;
  const dwellS = options.dwellS ?? 0;
  if (!(withinS >= 0) || !Number.isFinite(withinS)) throw new Error(`fleet bound: withinS is ${withinS}; it must be a finite number ≥ 0`);
  if (!(dwellS >= 0) || !Number.isFinite(dwellS)) throw new Error(`fleet bound: dwellS is ${dwellS}; it must be a finite number ≥ 0`);
  const endS = new Float64Array(n);
  const deadlineS = new Float64Array(n);
  const drop = new Uint32Array(n);
  const pick = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const t = trips[i];
    if (!Number.isFinite(t.requestS)) throw new Error(`fleet bound: trips[${i}].requestS is ${t.requestS}; it must be finite`);
    if (!(t.rideS >= 0) || !Number.isFinite(t.rideS)) throw new Error(`fleet bound: trips[${i}].rideS is ${t.rideS}; it must be finite and ≥ 0`);
    endS[i] = t.requestS + dwellS + t.rideS;
    deadlineS[i] = t.requestS + withinS;
    drop[i] = t.dropoffNode;
    pick[i] = t.pickupNode;
  }
  if (n === 0) return { fleet: 0, trips: 0, matched: 0, edges: 0, queriedPairs: 0, successor: new Int32Array(0), chains: options.chains ? [] : undefined };

  // Hub distances: toHub[i] = travel(drop_i → h), fromHub[j] = travel(h → pick_j).
  const byRequest = sortedIndex(deadlineS);
  const hub = options.hubNode ?? pick[byRequest[n >> 1]];
  const toHub = options.manyToMany(drop, Uint32Array.of(hub));
  const fromHub = options.manyToMany(Uint32Array.of(hub), pick);
  const keyS = new Float64Array(n); // j surely follows i iff keyS[j] ≥ thresholdS[i]
  const thresholdS = new Float64Array(n);
  let maxFromHubS = 0;
  for (let j = 0; j < n; j++) {
    keyS[j] = deadlineS[j] - fromHub[j]; // -Infinity when the hub cannot reach pick_j: never "sure"
    if (Number.isFinite(fromHub[j])) maxFromHubS = Math.max(maxFromHubS, fromHub[j]);
  }
  for (let i = 0; i < n; i++) thresholdS[i] = endS[i] + toHub[i]; // Infinity when drop_i cannot reach the hub
  const byKey = sortedIndex(keyS);
  const sortedKeys = new Float64Array(n);
  for (let k = 0; k < n; k++) sortedKeys[k] = keyS[byKey[k]];
  const sortedDeadlines = new Float64Array(n);
  for (let k = 0; k < n; k++) sortedDeadlines[k] = deadlineS[byRequest[k]];
  const hubOrphans: number[] = []; // pickups the hub cannot reach: checked explicitly for every i
  for (let k = 0; k < n; k++) if (!Number.isFinite(fromHub[byRequest[k]])) hubOrphans.push(byRequest[k]);

  // Explicit candidate pairs, queried in batches of lefts taken in end-time order (their windows overlap).
  const byEnd = sortedIndex(endS);
  const maxTable = options.maxTableEntries ?? 2_000_000;
  const lbTime = options.lowerBoundTimeS;
  let edgeLeft = new Uint32Array(1024);
  let edgeRight = new Uint32Array(1024);
  let edgeCount = 0;
  let queriedPairs = 0;
  let pairLeft = new Uint32Array(1024);
  let pairRight = new Uint32Array(1024);
  let pairCount = 0;
  const targetSlot = new Int32Array(n).fill(-1);
  let targets: number[] = [];
  let lefts: number[] = [];
  const flush = (): void => {
    if (pairCount > 0) {
      const srcNodes = Uint32Array.from(lefts, (i) => drop[i]);
      const tgtNodes = Uint32Array.from(targets, (j) => pick[j]);
      const table = options.manyToMany(srcNodes, tgtNodes);
      const leftSlot = new Map<number, number>();
      lefts.forEach((i, s) => leftSlot.set(i, s));
      const width = targets.length;
      for (let q = 0; q < pairCount; q++) {
        const i = pairLeft[q];
        const j = pairRight[q];
        const t = table[leftSlot.get(i)! * width + targetSlot[j]];
        if (endS[i] + t <= deadlineS[j]) {
          if (edgeCount === edgeLeft.length) {
            edgeLeft = grow(edgeLeft);
            edgeRight = grow(edgeRight);
          }
          edgeLeft[edgeCount] = i;
          edgeRight[edgeCount++] = j;
        }
      }
      queriedPairs += pairCount;
    }
    for (const j of targets) targetSlot[j] = -1;
    targets = [];
    lefts = [];
    pairCount = 0;
  };
  const consider = (i: number, j: number): void => {
    if (j === i || keyS[j] >= thresholdS[i]) return; // self, or already a sure edge
    if (lbTime && endS[i] + lbTime(drop[i], pick[j]) > deadlineS[j]) return;
    if (pairCount === pairLeft.length) {
      pairLeft = grow(pairLeft);
      pairRight = grow(pairRight);
    }
    pairLeft[pairCount] = i;
    pairRight[pairCount++] = j;
    if (targetSlot[j] < 0) {
      targetSlot[j] = targets.length;
      targets.push(j);
    }
  };
  for (let e = 0; e < n; e++) {
    if (options.onProgress && (e & 1023) === 1023) options.onProgress('pairs', e, n);
    const i = byEnd[e];
    // Right j can only be a non-sure edge while deadline_j < threshold_i + fromHub[j] ≤ threshold_i + maxFromHubS.
    const upperS = thresholdS[i] + maxFromHubS;
    const pairsBefore = pairCount;
    for (let k = lowerBound(sortedDeadlines, endS[i]); k < n && sortedDeadlines[k] < upperS; k++) consider(i, byRequest[k]);
    for (const j of hubOrphans) if (deadlineS[j] >= endS[i] && deadlineS[j] >= upperS) consider(i, j);
    if (pairCount === pairsBefore) continue;
    lefts.push(i);
    if ((lefts.length + 1) * (targets.length + 1) >= maxTable) flush();
  }
  flush();
  options.onProgress?.('pairs', n, n);

  // Sure edges as a suffix of the key order: left i enters the timeline at position entry[i]. A trip must not follow
  // itself: when its own key lies in its suffix (zero-length trips, or withinS longer than a round trip via the hub)
  // it enters just after itself and the few sure trips before it become explicit edges.
  const positionInKey = new Uint32Array(n);
  for (let k = 0; k < n; k++) positionInKey[byKey[k]] = k;
  const entry = new Int32Array(n);
  let sureEdges = 0;
  for (let i = 0; i < n; i++) {
    let p = lowerBound(sortedKeys, thresholdS[i]);
    sureEdges += n - p;
    if (keyS[i] >= thresholdS[i]) {
      sureEdges--;
      for (; p < positionInKey[i]; p++) {
        if (edgeCount === edgeLeft.length) {
          edgeLeft = grow(edgeLeft);
          edgeRight = grow(edgeRight);
        }
        edgeLeft[edgeCount] = i;
        edgeRight[edgeCount++] = byKey[p];
        sureEdges--;
      }
      p++;
    }
    entry[i] = p < n ? p : -1;
  }

  const flow = maxFlowMatching(n, edgeLeft.subarray(0, edgeCount), edgeRight.subarray(0, edgeCount), entry, byKey, options.onProgress);
  const result: FleetBound = {
    fleet: n - flow.matched,
    trips: n,
    matched: flow.matched,
    edges: edgeCount + sureEdges,
    queriedPairs,
    successor: flow.successor,
  };
  if (options.chains) result.chains = chainsOf(flow.successor);
  return result;
}

/** Max flow on the matching network with a timeline for sure edges; returns the matching it decomposes into. */
function maxFlowMatching(
  n: number,
  edgeLeft: Uint32Array,
  edgeRight: Uint32Array,
  entry: Int32Array,
  byKey: Uint32Array,
  onProgress: FleetBoundOptions['onProgress'],
): { matched: number; successor: Int32Array } {
  // Nodes: 0 source, 1 sink, 2+i trip i's "out" side, 2+n+j trip j's "in" side, 2+2n+k timeline position k.
  const SOURCE = 0;
  const SINK = 1;
  const outNode = (i: number): number => 2 + i;
  const inNode = (j: number): number => 2 + n + j;
  const timeNode = (k: number): number => 2 + 2 * n + k;
  const nodeCount = 2 + 3 * n;
  let entering = 0;
  for (let i = 0; i < n; i++) if (entry[i] >= 0) entering++;
  const arcPairs = n + n + edgeLeft.length + entering + n + (n - 1);
  const arcCount = 2 * arcPairs;
  const arcFrom = new Uint32Array(arcCount);
  const arcTo = new Uint32Array(arcCount);
  const cap = new Int32Array(arcCount);
  let a = 0;
  const addArc = (u: number, v: number, c: number): number => {
    arcFrom[a] = u;
    arcTo[a] = v;
    cap[a] = c;
    arcFrom[a + 1] = v;
    arcTo[a + 1] = u;
    cap[a + 1] = 0;
    a += 2;
    return a - 2;
  };
  for (let i = 0; i < n; i++) addArc(SOURCE, outNode(i), 1);
  for (let j = 0; j < n; j++) addArc(inNode(j), SINK, 1);
  const explicitFirst = a;
  for (let e = 0; e < edgeLeft.length; e++) addArc(outNode(edgeLeft[e]), inNode(edgeRight[e]), 1);
  const entryArc = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) if (entry[i] >= 0) entryArc[i] = addArc(outNode(i), timeNode(entry[i]), 1);
  const exitArc = new Uint32Array(n);
  for (let k = 0; k < n; k++) exitArc[k] = addArc(timeNode(k), inNode(byKey[k]), 1);
  for (let k = 0; k + 1 < n; k++) addArc(timeNode(k), timeNode(k + 1), n);

  // Adjacency (arc ids grouped by tail node).
  const adjFirst = new Uint32Array(nodeCount + 1);
  for (let x = 0; x < arcCount; x++) adjFirst[arcFrom[x] + 1]++;
  for (let u = 0; u < nodeCount; u++) adjFirst[u + 1] += adjFirst[u];
  const adj = new Uint32Array(arcCount);
  const fill = adjFirst.slice(0, nodeCount);
  for (let x = 0; x < arcCount; x++) adj[fill[arcFrom[x]]++] = x;

  // Dinic with unit augmentations (every path is limited to 1 by its source arc), iterative DFS.
  const level = new Int32Array(nodeCount);
  const queue = new Uint32Array(nodeCount);
  const cursor = new Uint32Array(nodeCount);
  const pathArcs = new Uint32Array(nodeCount);
  let matched = 0;
  for (;;) {
    level.fill(-1);
    level[SOURCE] = 0;
    let head = 0;
    let tail = 0;
    queue[tail++] = SOURCE;
    while (head < tail) {
      const u = queue[head++];
      for (let q = adjFirst[u]; q < adjFirst[u + 1]; q++) {
        const x = adj[q];
        if (cap[x] > 0 && level[arcTo[x]] < 0) {
          level[arcTo[x]] = level[u] + 1;
          queue[tail++] = arcTo[x];
        }
      }
    }
    if (level[SINK] < 0) break;
    for (let u = 0; u < nodeCount; u++) cursor[u] = adjFirst[u];
    let depth = 0;
    let u = SOURCE;
    for (;;) {
      if (u === SINK) {
        for (let d = 0; d < depth; d++) {
          cap[pathArcs[d]]--;
          cap[pathArcs[d] ^ 1]++;
        }
        matched++;
        depth = 0;
        u = SOURCE;
        continue;
      }
      let advanced = false;
      const end = adjFirst[u + 1];
      while (cursor[u] < end) {
        const x = adj[cursor[u]];
        const v = arcTo[x];
        if (cap[x] > 0 && level[v] === level[u] + 1 && level[v] <= level[SINK]) {
          pathArcs[depth++] = x;
          u = v;
          advanced = true;
          break;
        }
        cursor[u]++;
      }
      if (advanced) continue;
      if (u === SOURCE) break;
      level[u] = -1; // dead end for this phase
      const back = pathArcs[--depth];
      u = arcFrom[back];
      cursor[u]++;
    }
    onProgress?.('flow', matched, n);
  }

  // Decompose: explicit arcs carry their pair; timeline flow is paired greedily in key order — any left that entered
  // at or before position k may take the trip exiting at k, because its sure set is the whole suffix from its entry
  // (never itself: a trip enters after its own position).
  const successor = new Int32Array(n).fill(-1);
  for (let e = 0; e < edgeLeft.length; e++) if (cap[explicitFirst + 2 * e] === 0) successor[edgeLeft[e]] = edgeRight[e];
  const enteringAt: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) if (entryArc[i] >= 0 && cap[entryArc[i]] === 0) enteringAt[entry[i]].push(i);
  const pending: number[] = [];
  for (let k = 0; k < n; k++) {
    for (const i of enteringAt[k]) pending.push(i);
    if (cap[exitArc[k]] !== 0) continue;
    successor[pending.pop()!] = byKey[k];
  }
  return { matched, successor };
}

/** Splits successor links into chains; leftover cycles (possible when withinS > 0) are cut at their smallest trip. */
function chainsOf(successor: Int32Array): Uint32Array[] {
  const n = successor.length;
  const hasPred = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (successor[i] >= 0) hasPred[successor[i]] = 1;
  const visited = new Uint8Array(n);
  const chains: Uint32Array[] = [];
  const walk = (start: number): void => {
    const chain: number[] = [];
    for (let i = start; i >= 0 && !visited[i]; i = successor[i]) {
      visited[i] = 1;
      chain.push(i);
    }
    chains.push(Uint32Array.from(chain));
  };
  for (let i = 0; i < n; i++) if (!hasPred[i]) walk(i);
  for (let i = 0; i < n; i++) if (!visited[i]) walk(i);
  return chains;
}

function grow(a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}
