// Where charging depots go when the operator names none: k-means on where riders are picked up, k and plugs scaled to
// the fleet. A planning rule, applied once before a run; the rule and its defaults are in docs/fleet-operations.md.
import { metresPerDegree } from '../geo.js';
import { Rng } from '../random.js';
import type { ChargingSite } from './types.js';

export interface SitePlacementOptions {
  fleetSize: number;
  /** One site per this many cars, rounded up (default 100). */
  carsPerSite?: number;
  /** Plugs over all sites per car, rounded up, at least one per site (default 0.1: one plug per ten cars). */
  plugsPerCar?: number;
  /** Power of every plug (default 50 kW). */
  powerKw?: number;
  /** Seeds the k-means++ start. */
  seed: number;
}

export const DEFAULT_SITE_PLACEMENT = { carsPerSite: 100, plugsPerCar: 0.1, powerKw: 50 } as const;

/** Points to cluster: pickup positions and the road node each was snapped to. */
export interface PickupPoints {
  readonly lat: ArrayLike<number>;
  readonly lon: ArrayLike<number>;
  readonly node: ArrayLike<number>;
}

/** At most this many points enter the clustering (an even stride through them beyond that). */
const MAX_POINTS = 50_000;
const ITERATIONS = 50;

/**
 * Charging sites placed automatically: k = ⌈fleet / carsPerSite⌉ clusters of the pickups by k-means (k-means++ start,
 * seeded; Lloyd iterations on local metres), each site at the pickup node nearest its cluster's centre (so it is on
 * the network, where riders are), plugs = ⌈fleet × plugsPerCar⌉ shared in proportion to the pickups per cluster
 * (largest remainder, at least one each). Sites that land on the same node merge.
 *
 * @example placeChargingSites({ lat, lon, node }, { fleetSize: 700, seed: 1 }) // 7 sites, 70 plugs of 50 kW
 */
export function placeChargingSites(points: PickupPoints, options: SitePlacementOptions): ChargingSite[] {
  const o = { ...DEFAULT_SITE_PLACEMENT, ...options };
  if (!(Number.isInteger(o.fleetSize) && o.fleetSize >= 1)) throw new Error(`charging sites: fleetSize ${o.fleetSize} must be an integer ≥ 1`);
  if (!(o.carsPerSite >= 1)) throw new Error(`charging sites: carsPerSite ${o.carsPerSite} must be ≥ 1`);
  if (!(o.plugsPerCar > 0)) throw new Error(`charging sites: plugsPerCar ${o.plugsPerCar} must be > 0`);
  if (!(o.powerKw > 0)) throw new Error(`charging sites: powerKw ${o.powerKw} must be > 0`);
  const total = points.lat.length;
  if (total === 0) throw new Error('charging sites: no pickups to place sites by');
  const stride = Math.max(1, Math.ceil(total / MAX_POINTS));
  const n = Math.ceil(total / stride);
  const lat0 = mean(points.lat, stride);
  const { mPerDegLat, mPerDegLon } = metresPerDegree(lat0);
  const lon0 = mean(points.lon, stride);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const node = new Uint32Array(n);
  for (let i = 0, j = 0; j < total; i++, j += stride) {
    x[i] = (points.lon[j] - lon0) * mPerDegLon;
    y[i] = (points.lat[j] - lat0) * mPerDegLat;
    node[i] = points.node[j];
  }
  const k = Math.min(n, Math.ceil(o.fleetSize / o.carsPerSite));
  const { cx, cy, cluster } = kMeans(x, y, k, new Rng(o.seed));
  // Each centre's site: the nearest pickup node of its cluster; members counted for the plug share.
  const members = new Float64Array(k);
  const best = new Int32Array(k).fill(-1);
  const bestD = new Float64Array(k).fill(Infinity);
  for (let i = 0; i < n; i++) {
    const c = cluster[i];
    members[c]++;
    const d = (x[i] - cx[c]) ** 2 + (y[i] - cy[c]) ** 2;
    if (d < bestD[c] || (d === bestD[c] && node[i] < node[best[c]])) {
      bestD[c] = d;
      best[c] = i;
    }
  }
  const used: number[] = [];
  for (let c = 0; c < k; c++) if (best[c] >= 0) used.push(c);
  const plugTotal = Math.max(used.length, Math.ceil(o.fleetSize * o.plugsPerCar));
  const plugs = shareOut(plugTotal, used.map((c) => members[c]));
  const byNode = new Map<number, ChargingSite>();
  used.forEach((c, i) => {
    const at = node[best[c]];
    const prev = byNode.get(at);
    byNode.set(at, { node: at, plugs: (prev?.plugs ?? 0) + plugs[i], powerKw: o.powerKw });
  });
  return [...byNode.values()].sort((a, b) => a.node - b.node);
}

function mean(a: ArrayLike<number>, stride: number): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i += stride, n++) s += a[i];
  return s / n;
}

/** Lloyd's k-means from a k-means++ start; ties to the lower centre index. */
function kMeans(x: Float64Array, y: Float64Array, k: number, rng: Rng): { cx: Float64Array; cy: Float64Array; cluster: Int32Array } {
  const n = x.length;
  const cx = new Float64Array(k);
  const cy = new Float64Array(k);
  const d2 = new Float64Array(n).fill(Infinity);
  let pick = rng.int(n);
  for (let c = 0; c < k; c++) {
    cx[c] = x[pick];
    cy[c] = y[pick];
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const d = (x[i] - cx[c]) ** 2 + (y[i] - cy[c]) ** 2;
      if (d < d2[i]) d2[i] = d;
      sum += d2[i];
    }
    if (c + 1 === k) break;
    // Next centre with probability ∝ squared distance to the nearest centre so far (k-means++).
    let r = rng.next() * sum;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= d2[i];
      if (r < 0) {
        pick = i;
        break;
      }
    }
  }
  const cluster = new Int32Array(n);
  const sx = new Float64Array(k);
  const sy = new Float64Array(k);
  const cnt = new Float64Array(k);
  for (let it = 0; it < ITERATIONS; it++) {
    let moved = false;
    for (let i = 0; i < n; i++) {
      let bc = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        const d = (x[i] - cx[c]) ** 2 + (y[i] - cy[c]) ** 2;
        if (d < bd) {
          bd = d;
          bc = c;
        }
      }
      if (cluster[i] !== bc || it === 0) moved = true;
      cluster[i] = bc;
    }
    if (!moved) break;
    sx.fill(0);
    sy.fill(0);
    cnt.fill(0);
    for (let i = 0; i < n; i++) {
      sx[cluster[i]] += x[i];
      sy[cluster[i]] += y[i];
      cnt[cluster[i]]++;
    }
    for (let c = 0; c < k; c++) {
      if (cnt[c] > 0) {
        cx[c] = sx[c] / cnt[c];
        cy[c] = sy[c] / cnt[c];
      }
    }
  }
  return { cx, cy, cluster };
}

/** `total` (≥ weights.length) as integers ≥ 1 in proportion to the weights (largest remainder, ties by index). */
function shareOut(total: number, weights: readonly number[]): number[] {
  const m = weights.length;
  const out = new Array<number>(m).fill(1);
  const spare = total - m;
  const sum = weights.reduce((a, b) => a + b, 0);
  if (spare <= 0 || !(sum > 0)) return out;
  const exact = weights.map((w) => (spare * w) / sum);
  let given = 0;
  for (let i = 0; i < m; i++) {
    out[i] += Math.floor(exact[i]);
    given += Math.floor(exact[i]);
  }
  const order = exact.map((e, i) => i).sort((a, b) => exact[b] - Math.floor(exact[b]) - (exact[a] - Math.floor(exact[a])) || a - b);
  for (let j = 0; j < spare - given; j++) out[order[j]]++;
  return out;
}
