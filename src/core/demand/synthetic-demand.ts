// Seeded synthetic ride demand for any road graph (the built-in city by default): a day profile with morning and
// evening peaks, a downtown and an airport hotspot, and lognormal trip lengths.
import type { RoadGraph } from '../network/graph.js';
import { metresPerDegree } from '../geo.js';
import { Rng } from '../random.js';
import type { PlacedTrip } from './placed-trip.js';

const DAY_S = 86_400;

/**
 * Relative demand per local hour 0..23: a night trough, a morning peak at 08:00 and a higher evening peak at 18:00,
 * shaped like typical urban taxi/ride-hail days (e.g. the SF and Austin files).
 */
export const DEFAULT_HOUR_WEIGHTS: readonly number[] = [
  1.2, 0.8, 0.55, 0.4, 0.4, 0.7, 1.5, 3.0, 4.3, 3.6, 2.8, 2.8, 3.0, 2.9, 2.8, 3.0, 3.5, 4.4, 4.7, 3.9, 3.1, 2.6, 2.2, 1.7,
];

export interface SyntheticDemandOptions {
  seed: number;
  /** Number of requests in the day. */
  trips: number;
  /** Relative demand per hour (24 non-negative weights). */
  hourWeights: readonly number[];
  /** Share of pickups and of drop-offs drawn around the downtown hotspot (the city centre). */
  downtownShare: number;
  /** Spread of the downtown hotspot (standard deviation), metres. */
  downtownSigmaM: number;
  /** Extra downtown share for drop-offs 07–10 h and pickups 16–20 h (commute direction), as a factor of downtownShare. */
  commuteBoost: number;
  /** Share of pickups and of drop-offs at the airport hotspot. */
  airportShare: number;
  /** Spread of the airport hotspot (standard deviation), metres. */
  airportSigmaM: number;
  /** Airport position; default: middle of the east edge, 5 % of the width inside. */
  airport?: { lat: number; lon: number };
  /** Median straight-line trip length (lognormal), metres. */
  medianTripM: number;
  /** Lognormal shape (σ of the log). 0.6 gives a 90th percentile ≈ 2.2 × the median. */
  tripLogSigma: number;
  /** Trips shorter than this are redrawn, metres. */
  minTripM: number;
  /** Trips longer than this are redrawn; capped by the city at 0.8 × its diagonal. */
  maxTripM: number;
  /** Share of riders who accept a pooled ride. */
  sharingShare: number;
  /** Probability of 1, 2, 3, 4 riders travelling together. */
  ridersShares: readonly number[];
}

export const DEFAULT_SYNTHETIC_DEMAND: SyntheticDemandOptions = {
  seed: 1,
  trips: 12_000,
  hourWeights: DEFAULT_HOUR_WEIGHTS,
  downtownShare: 0.2,
  downtownSigmaM: 700,
  commuteBoost: 0.75,
  airportShare: 0.05,
  airportSigmaM: 120,
  medianTripM: 3_500,
  tripLogSigma: 0.6,
  minTripM: 400,
  maxTripM: Number.POSITIVE_INFINITY,
  sharingShare: 0.5,
  ridersShares: [0.8, 0.14, 0.04, 0.02],
};

/** Where the hotspots of a graph lie: the city frame every sample is drawn in. */
export interface DemandHotspots {
  downtown: { lat: number; lon: number; node: number };
  airport: { lat: number; lon: number; node: number };
  /** Half extents of the node bounding box, metres. */
  halfWidthM: number;
  halfHeightM: number;
  /** Effective trip-length cap, metres. */
  maxTripM: number;
}

/** A local planar frame around the node bounding box centre, with a bucket grid for nearest-node queries. */
class CityFrame {
  readonly latC: number;
  readonly lonC: number;
  readonly mPerDegLat: number;
  readonly mPerDegLon: number;
  readonly halfW: number;
  readonly halfH: number;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly cellM: number;
  private readonly cols: number;
  private readonly rows: number;
  /** Nodes sorted by cell; nodes of cell c are cellNodes[cellStart[c] .. cellStart[c+1]-1]. */
  private readonly cellStart: Int32Array;
  private readonly cellNodes: Int32Array;

  constructor(readonly graph: RoadGraph) {
    const n = graph.nodeCount;
    if (n < 2) throw new Error(`synthetic demand needs a graph with at least 2 nodes (got ${n})`);
    let minLat = Infinity;
    let maxLat = -Infinity;
    let minLon = Infinity;
    let maxLon = -Infinity;
    for (let v = 0; v < n; v++) {
      minLat = Math.min(minLat, graph.lat[v]);
      maxLat = Math.max(maxLat, graph.lat[v]);
      minLon = Math.min(minLon, graph.lon[v]);
      maxLon = Math.max(maxLon, graph.lon[v]);
    }
    this.latC = (minLat + maxLat) / 2;
    this.lonC = (minLon + maxLon) / 2;
    const m = metresPerDegree(this.latC);
    this.mPerDegLat = m.mPerDegLat;
    this.mPerDegLon = m.mPerDegLon;
    this.halfW = Math.max(1, ((maxLon - minLon) / 2) * this.mPerDegLon);
    this.halfH = Math.max(1, ((maxLat - minLat) / 2) * this.mPerDegLat);
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    for (let v = 0; v < n; v++) {
      this.x[v] = (graph.lon[v] - this.lonC) * this.mPerDegLon;
      this.y[v] = (graph.lat[v] - this.latC) * this.mPerDegLat;
    }
    // About two nodes per cell.
    this.cellM = Math.max(10, Math.sqrt((4 * this.halfW * this.halfH * 2) / n));
    this.cols = Math.floor((2 * this.halfW) / this.cellM) + 1;
    this.rows = Math.floor((2 * this.halfH) / this.cellM) + 1;
    const cellOf = new Int32Array(n);
    this.cellStart = new Int32Array(this.cols * this.rows + 1);
    for (let v = 0; v < n; v++) {
      cellOf[v] = this.cell(this.x[v], this.y[v]);
      this.cellStart[cellOf[v] + 1]++;
    }
    for (let c = 0; c < this.cols * this.rows; c++) this.cellStart[c + 1] += this.cellStart[c];
    const fill = this.cellStart.slice(0, -1);
    this.cellNodes = new Int32Array(n);
    for (let v = 0; v < n; v++) this.cellNodes[fill[cellOf[v]]++] = v;
  }

  private colOf(x: number): number {
    return Math.min(this.cols - 1, Math.max(0, Math.floor((x + this.halfW) / this.cellM)));
  }
  private rowOf(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((y + this.halfH) / this.cellM)));
  }
  private cell(x: number, y: number): number {
    return this.rowOf(y) * this.cols + this.colOf(x);
  }

  /** Clamps a point into the node bounding box. */
  clampX(x: number): number {
    return Math.min(this.halfW, Math.max(-this.halfW, x));
  }
  clampY(y: number): number {
    return Math.min(this.halfH, Math.max(-this.halfH, y));
  }
  nodeX(v: number): number {
    return this.x[v];
  }
  nodeY(v: number): number {
    return this.y[v];
  }

  /** Nearest node to a point inside the frame (rings of cells outward until no closer node can exist). */
  nearest(x: number, y: number): number {
    const c0 = this.colOf(x);
    const r0 = this.rowOf(y);
    let best = -1;
    let bestD2 = Infinity;
    const maxRing = Math.max(this.cols, this.rows);
    for (let ring = 0; ring <= maxRing; ring++) {
      for (let r = r0 - ring; r <= r0 + ring; r++) {
        if (r < 0 || r >= this.rows) continue;
        const edgeRow = r === r0 - ring || r === r0 + ring;
        for (let c = c0 - ring; c <= c0 + ring; c += edgeRow ? 1 : 2 * ring) {
          if (c >= 0 && c < this.cols) {
            const cell = r * this.cols + c;
            for (let i = this.cellStart[cell]; i < this.cellStart[cell + 1]; i++) {
              const v = this.cellNodes[i];
              const dx = this.x[v] - x;
              const dy = this.y[v] - y;
              const d2 = dx * dx + dy * dy;
              if (d2 < bestD2 || (d2 === bestD2 && v < best)) {
                bestD2 = d2;
                best = v;
              }
            }
          }
          if (ring === 0) break;
        }
      }
      // Every node outside the searched square is at least `ring * cellM` away from the query point.
      if (best >= 0 && ring * this.cellM >= Math.sqrt(bestD2)) break;
    }
    return best;
  }
}

function validate(o: SyntheticDemandOptions): void {
  const bad = (field: string, value: unknown, want: string) => {
    throw new Error(`synthetic demand option ${field} = ${JSON.stringify(value)}: ${want}`);
  };
  if (!Number.isInteger(o.trips) || o.trips < 0) bad('trips', o.trips, 'expected a non-negative integer');
  if (o.hourWeights.length !== 24 || o.hourWeights.some((w) => !(w >= 0)) || !(o.hourWeights.reduce((a, b) => a + b, 0) > 0)) {
    bad('hourWeights', o.hourWeights, 'expected 24 non-negative weights with a positive sum');
  }
  for (const f of ['downtownShare', 'airportShare', 'sharingShare'] as const) if (!(o[f] >= 0 && o[f] <= 1)) bad(f, o[f], 'expected 0..1');
  if (!(o.downtownShare * (1 + o.commuteBoost) + o.airportShare <= 1)) {
    bad('downtownShare', o.downtownShare, 'downtownShare × (1 + commuteBoost) + airportShare must not exceed 1');
  }
  if (!(o.medianTripM > 0)) bad('medianTripM', o.medianTripM, 'expected > 0');
  if (!(o.tripLogSigma >= 0)) bad('tripLogSigma', o.tripLogSigma, 'expected ≥ 0');
  if (!(o.minTripM >= 0 && o.maxTripM > o.minTripM)) bad('maxTripM', o.maxTripM, 'expected > minTripM');
  if (o.ridersShares.length === 0 || o.ridersShares.some((p) => !(p >= 0)) || !(o.ridersShares.reduce((a, b) => a + b, 0) > 0)) {
    bad('ridersShares', o.ridersShares, 'expected non-negative probabilities for 1, 2, … riders');
  }
}

/** Index drawn from non-negative weights (cumulative sums given, last = total). */
function drawIndex(cumulative: readonly number[], rng: Rng): number {
  const u = rng.next() * cumulative[cumulative.length - 1];
  for (let i = 0; i < cumulative.length; i++) if (u < cumulative[i]) return i;
  return cumulative.length - 1;
}

function cumulativeOf(weights: readonly number[]): number[] {
  let s = 0;
  return weights.map((w) => (s += w));
}

function hotspotsOf(frame: CityFrame, o: SyntheticDemandOptions): DemandHotspots {
  const ax = o.airport ? (o.airport.lon - frame.lonC) * frame.mPerDegLon : frame.halfW * 0.9;
  const ay = o.airport ? (o.airport.lat - frame.latC) * frame.mPerDegLat : 0;
  const downtown = frame.nearest(0, 0);
  const airport = frame.nearest(frame.clampX(ax), frame.clampY(ay));
  const g = frame.graph;
  const diagonalM = 2 * Math.hypot(frame.halfW, frame.halfH);
  return {
    downtown: { lat: g.lat[downtown], lon: g.lon[downtown], node: downtown },
    airport: { lat: g.lat[airport], lon: g.lon[airport], node: airport },
    halfWidthM: frame.halfW,
    halfHeightM: frame.halfH,
    maxTripM: Math.max(o.minTripM + 1, Math.min(o.maxTripM, 0.8 * diagonalM)),
  };
}

/** The downtown and airport hotspots and the trip-length cap that `generateSyntheticDemand` uses for this graph. */
export function syntheticDemandHotspots(graph: RoadGraph, opts: Partial<SyntheticDemandOptions> = {}): DemandHotspots {
  const o = { ...DEFAULT_SYNTHETIC_DEMAND, ...opts };
  validate(o);
  return hotspotsOf(new CityFrame(graph), o);
}

/**
 * Generates one day of ride requests on `graph`, sorted by request time, with ids `syn-000001`… in that order.
 * Every request has distinct pickup and drop-off nodes; coordinates are those of the nodes. Same graph and options →
 * the same list, on every machine.
 *
 * Each request: an hour from `hourWeights`, a uniform second in it; a pickup downtown (Gaussian around the centre),
 * at the airport, or at a uniformly chosen node; a drop-off downtown, at the airport, or at a lognormal straight-line
 * distance in a random direction from the pickup (redrawn until it lies in the city). Downtown drop-offs are more
 * likely in the morning commute, downtown pickups in the evening.
 *
 * @example
 * const { graph } = buildSyntheticCity();
 * const requests = generateSyntheticDemand(graph, { seed: 7, trips: 12_000 });
 */
export function generateSyntheticDemand(graph: RoadGraph, opts: Partial<SyntheticDemandOptions> = {}): PlacedTrip[] {
  const o = { ...DEFAULT_SYNTHETIC_DEMAND, ...opts };
  validate(o);
  const frame = new CityFrame(graph);
  const spots = hotspotsOf(frame, o);
  const rng = new Rng(o.seed);
  const hourCum = cumulativeOf(o.hourWeights);
  const ridersCum = cumulativeOf(o.ridersShares);
  const dtX = frame.nodeX(spots.downtown.node);
  const dtY = frame.nodeY(spots.downtown.node);
  const apX = frame.nodeX(spots.airport.node);
  const apY = frame.nodeY(spots.airport.node);
  const n = graph.nodeCount;

  const around = (cx: number, cy: number, sigmaM: number) =>
    frame.nearest(frame.clampX(cx + sigmaM * rng.normal()), frame.clampY(cy + sigmaM * rng.normal()));
  const tripLengthM = () => {
    for (let tries = 0; tries < 50; tries++) {
      const l = o.medianTripM * Math.exp(o.tripLogSigma * rng.normal());
      if (l >= o.minTripM && l <= spots.maxTripM) return l;
    }
    return Math.min(spots.maxTripM, Math.max(o.minTripM, o.medianTripM));
  };
  const awayFrom = (from: number) => {
    const l = tripLengthM();
    const x0 = frame.nodeX(from);
    const y0 = frame.nodeY(from);
    let x = x0;
    let y = y0;
    for (let tries = 0; tries < 16; tries++) {
      const angle = 2 * Math.PI * rng.next();
      x = x0 + l * Math.cos(angle);
      y = y0 + l * Math.sin(angle);
      if (Math.abs(x) <= frame.halfW && Math.abs(y) <= frame.halfH) break;
    }
    return frame.nearest(frame.clampX(x), frame.clampY(y));
  };

  const out: PlacedTrip[] = [];
  for (let i = 0; i < o.trips; i++) {
    const hour = drawIndex(hourCum, rng);
    const t = Math.min(DAY_S - 1, hour * 3600 + rng.int(3600));
    const morning = hour >= 7 && hour < 10;
    const evening = hour >= 16 && hour < 20;
    const pickupDowntown = o.downtownShare * (evening ? 1 + o.commuteBoost : 1);
    const dropoffDowntown = o.downtownShare * (morning ? 1 + o.commuteBoost : 1);
    let pickup = -1;
    let dropoff = -1;
    for (let attempt = 0; pickup === dropoff; attempt++) {
      if (attempt > 100) throw new Error('synthetic demand: cannot place distinct pickup and drop-off nodes on this graph');
      const u = rng.next();
      const fromAirport = u >= pickupDowntown && u < pickupDowntown + o.airportShare;
      pickup = u < pickupDowntown ? around(dtX, dtY, o.downtownSigmaM) : fromAirport ? around(apX, apY, o.airportSigmaM) : rng.int(n);
      const w = rng.next();
      if (w < dropoffDowntown) dropoff = around(dtX, dtY, o.downtownSigmaM);
      else if (!fromAirport && w < dropoffDowntown + o.airportShare) dropoff = around(apX, apY, o.airportSigmaM);
      else dropoff = awayFrom(pickup);
    }
    out.push({
      id: '',
      requestS: t,
      pickupNode: pickup,
      dropoffNode: dropoff,
      pickupLat: graph.lat[pickup],
      pickupLon: graph.lon[pickup],
      dropoffLat: graph.lat[dropoff],
      dropoffLon: graph.lon[dropoff],
      riders: drawIndex(ridersCum, rng) + 1,
      acceptsSharing: rng.next() < o.sharingShare,
    });
  }
  // Stable sort by time: ties keep generation order, so the result depends on the seed only.
  out.sort((a, b) => a.requestS - b.requestS);
  const width = Math.max(6, String(o.trips).length);
  out.forEach((trip, i) => (trip.id = `syn-${String(i + 1).padStart(width, '0')}`));
  return out;
}
