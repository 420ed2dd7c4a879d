// A demand forecast built during the run from the requests already submitted (never the future), for rebalancing
// where no earlier days exist: the demand per zone over the last hour, carried forward as the expected rate.
//
// Index conventions: zones (cells) are 0..cellCount-1 as in DemandForecast; `nodeCell[node]` is a node's zone (-1 =
// none); requests are snapshot request indices.
import type { FleetSnapshot } from './types.js';

/** The zones a causal forecast counts requests in (built outside the core, e.g. H3 cells over the road nodes). */
export interface ForecastZones {
  readonly cellCount: number;
  /** Zone of every road node, -1 if none. */
  readonly nodeCell: Int32Array;
  /** A node per zone to send cars to before any request was seen there (e.g. the node nearest the zone's centre). */
  readonly cellNode: Uint32Array;
  /** Zone labels (H3 indexes) for reports. */
  readonly cellIds: readonly string[];
}

/**
 * A forecast that learns while the run goes: the rebalancer calls `observe` at every decision, and `expected`
 * answers from what was observed up to then. Like DemandForecast it names a node per zone (`cellNode`: the zone's
 * busiest pickup node so far), which changes as requests come in.
 */
export interface OnlineDemandForecast {
  readonly kind: 'online';
  readonly cellCount: number;
  readonly nodeCell: Int32Array;
  readonly cellNode: Uint32Array;
  readonly cellIds: readonly string[];
  /** Takes in the snapshot's `newRequests` (submitted since the previous decision, so never a future one). */
  observe(s: FleetSnapshot): void;
  /** Requests expected per zone over [fromS, toS), from the requests observed so far. */
  expected(fromS: number, toS: number): Float64Array;
}

export interface CausalForecastOptions {
  /** Look-back over which the recent rate is measured (default 3600 s). */
  windowS?: number;
  /** Shortest span a rate is measured over, so the first few requests are not read as a flood (default 900 s). */
  minSpanS?: number;
}

const DEFAULTS = { windowS: 3600, minSpanS: 900 } as const;

/**
 * A persistence forecast: expected requests per zone over [fromS, toS) = requests submitted from that zone in the
 * last `windowS` seconds before `fromS`, as a rate, times (toS − fromS). The rate is measured over the span actually
 * observed (at least `minSpanS`), so the first hour is not underestimated. Only requests the snapshot reports as
 * submitted are counted, so the forecast never sees the future.
 *
 * @example withRebalancing(pooled({ solver }), forecastRebalancer(causalForecast(zones)))
 */
export function causalForecast(zones: ForecastZones, options: CausalForecastOptions = {}): OnlineDemandForecast {
  const o = { ...DEFAULTS, ...options };
  if (!(o.windowS > 0) || !(o.minSpanS > 0)) throw new Error(`causal forecast: windowS ${o.windowS} and minSpanS ${o.minSpanS} must be > 0`);
  const nC = zones.cellCount;
  const cellNode = Uint32Array.from(zones.cellNode);
  const bestCount = new Uint32Array(nC);
  /** Pickups seen per node (the zone's busiest pickup node is where its cars go). */
  const nodePickups = new Map<number, number>();
  // The observed requests in the window, oldest first: a queue of (request time, zone) with a moving head.
  let times: number[] = [];
  let cells: number[] = [];
  let head = 0;
  const inWindow = new Float64Array(nC);
  let firstS = Infinity;

  const evictBefore = (t: number): void => {
    while (head < times.length && times[head] < t) {
      inWindow[cells[head]]--;
      head++;
    }
    if (head > 1024 && head * 2 > times.length) {
      times = times.slice(head);
      cells = cells.slice(head);
      head = 0;
    }
  };

  return {
    kind: 'online',
    cellCount: nC,
    nodeCell: zones.nodeCell,
    cellNode,
    cellIds: zones.cellIds,
    observe(s) {
      for (const r of s.newRequests) {
        const node = s.requestPickupNode[r];
        const c = zones.nodeCell[node];
        if (c < 0) continue;
        const t = s.requestS[r];
        if (t < firstS) firstS = t;
        times.push(t);
        cells.push(c);
        inWindow[c]++;
        const n = (nodePickups.get(node) ?? 0) + 1;
        nodePickups.set(node, n);
        if (n > bestCount[c]) {
          bestCount[c] = n;
          cellNode[c] = node;
        }
      }
    },
    expected(fromS, toS) {
      const out = new Float64Array(nC);
      if (!(fromS >= firstS) || !(toS > fromS)) return out;
      evictBefore(fromS - o.windowS);
      const spanS = Math.max(o.minSpanS, Math.min(o.windowS, fromS - firstS));
      const scale = (toS - fromS) / spanS;
      for (let c = 0; c < nC; c++) out[c] = inWindow[c] * scale;
      return out;
    },
  };
}
