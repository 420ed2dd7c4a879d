// Builds the demand forecast for predictive rebalancing from days BEFORE the simulated day: earlier days of the same
// trip file, or, for synthetic demand, synthetic days drawn with other seeds. Never from the simulated day itself.
// Where the file holds no earlier day, the zones for a causal forecast learnt during the run (core/dispatch/
// causal-forecast.ts) instead.
import { cellToLatLng, latLngToCell } from 'h3-js';
import type { PlacedTrip } from '../core/demand/placed-trip.js';
import { generateSyntheticDemand } from '../core/demand/synthetic-demand.js';
import type { DemandForecast } from '../core/dispatch/rebalance.js';
import type { ForecastZones } from '../core/dispatch/causal-forecast.js';
import type { RoadGraph } from '../core/network/graph.js';
import { RoadSnapper } from '../core/network/snap.js';
import { loadTripDays, parseLocalDate } from './trips/index.js';
import type { Scenario } from './scenario.js';
import { readServiceArea } from './service-area.js';

const DAY_S = 86_400;

/** One past day of demand and its weight in the forecast. */
export interface HistoryDay {
  /** `YYYY-MM-DD` for a day of a trip file; undefined for a synthetic day. */
  date?: string;
  /** Seed of a synthetic day. */
  seed?: number;
  weight: number;
  /** Pickup node and request time (seconds since that day's local midnight) of each request. */
  trips: readonly Pick<PlacedTrip, 'requestS' | 'pickupNode'>[];
}

export interface ForecastOptions {
  /** H3 resolution of the zones (default 8: cells of about 0.7 km², a few minutes' drive across). */
  resolution?: number;
  /** Slot length (default 900 s). */
  slotS?: number;
}

/** Thrown when a forecast would see the day it is meant to predict. */
export class ForecastLeakError extends Error {}

/** Thrown when a scenario has no earlier day to forecast from (a one-day file, or no --date). */
export class NoHistoryError extends Error {
  override name = 'NoHistoryError';
}

/**
 * Weighted mean demand per H3 cell per slot over the history days. `simulated` names the day being predicted
 * (a date, or the synthetic seed): every history day must lie strictly before that date (resp. use another seed),
 * else ForecastLeakError — the forecast must never see the day it predicts.
 *
 * @example buildForecast(graph, [{ date: '2008-05-20', weight: 1, trips }], { date: '2008-05-21' })
 */
export function buildForecast(graph: RoadGraph, days: readonly HistoryDay[], simulated: { date?: string; seed?: number }, o: ForecastOptions = {}): DemandForecast {
  const resolution = o.resolution ?? 8;
  const slotS = o.slotS ?? 900;
  if (days.length === 0) throw new Error('forecast: no history days');
  for (const d of days) {
    if (d.date !== undefined && (simulated.date === undefined || !(d.date < simulated.date))) {
      throw new ForecastLeakError(`forecast: history day ${d.date} is not before the simulated day ${simulated.date ?? '(unknown)'}`);
    }
    if (d.date === undefined && (d.seed === undefined || d.seed === simulated.seed)) {
      throw new ForecastLeakError(`forecast: synthetic history day with seed ${d.seed} is the simulated day's seed`);
    }
  }
  // Cells: every node gets its H3 cell; only cells with history pickups become forecast cells.
  const h3OfNode: string[] = new Array<string>(graph.nodeCount);
  for (let i = 0; i < graph.nodeCount; i++) h3OfNode[i] = latLngToCell(graph.lat[i], graph.lon[i], resolution);
  const pickups = new Map<number, number>();
  for (const d of days) for (const t of d.trips) pickups.set(t.pickupNode, (pickups.get(t.pickupNode) ?? 0) + d.weight);
  const cellIndex = new Map<string, number>();
  const cellIds: string[] = [];
  const busiest: { node: number; count: number }[] = [];
  for (const [node, count] of [...pickups].sort((a, b) => a[0] - b[0])) {
    const id = h3OfNode[node];
    let c = cellIndex.get(id);
    if (c === undefined) {
      c = cellIds.length;
      cellIndex.set(id, c);
      cellIds.push(id);
      busiest.push({ node, count });
    } else if (count > busiest[c].count) {
      busiest[c] = { node, count };
    }
  }
  const nodeCell = new Int32Array(graph.nodeCount);
  for (let i = 0; i < graph.nodeCount; i++) nodeCell[i] = cellIndex.get(h3OfNode[i]) ?? -1;
  const slotCount = Math.ceil(DAY_S / slotS);
  const nC = cellIds.length;
  const expected = new Float64Array(slotCount * nC);
  let weightSum = 0;
  for (const d of days) {
    weightSum += d.weight;
    for (const t of d.trips) {
      if (t.requestS < 0 || t.requestS >= DAY_S) continue;
      expected[Math.floor(t.requestS / slotS) * nC + nodeCell[t.pickupNode]] += d.weight;
    }
  }
  for (let k = 0; k < expected.length; k++) expected[k] /= weightSum;
  return { slotS, slotCount, cellCount: nC, expected, cellNode: Uint32Array.from(busiest.map((b) => b.node)), nodeCell, cellIds };
}

const isWeekend = (date: string): boolean => {
  const dow = new Date(parseLocalDate(date) * 1000).getUTCDay();
  return dow === 0 || dow === 6;
};
const shiftDate = (date: string, days: number): string => new Date((parseLocalDate(date) + days * DAY_S) * 1000).toISOString().slice(0, 10);

/**
 * The history model: every day of the past week before `date` that the file holds; days of the same kind (weekday vs
 * weekend) weigh 1, the others `otherKindWeight` (default 0.25). So a Wednesday leans on Mon–Tue with a little of
 * Sunday; a Saturday on earlier weekend days, blended with the weekdays. Returns (date, weight) pairs, oldest first.
 */
export function historyDates(date: string, lookbackDays = 7, otherKindWeight = 0.25): { date: string; weight: number }[] {
  const out: { date: string; weight: number }[] = [];
  for (let k = lookbackDays; k >= 1; k--) {
    const d = shiftDate(date, -k);
    out.push({ date: d, weight: isWeekend(d) === isWeekend(date) ? 1 : otherKindWeight });
  }
  return out;
}

/** Synthetic "previous days": the scenario's demand model drawn with seeds other than the simulated one. */
export const SYNTHETIC_HISTORY_SEED_OFFSETS = [101, 202, 303] as const;

/**
 * Loads the history of a scenario and builds its forecast: earlier days of the trip file (one read of the file for
 * all of them; days the file lacks are skipped), or synthetic days with other seeds.
 */
export async function loadForecast(scenario: Scenario, o: ForecastOptions = {}): Promise<DemandForecast> {
  const h = scenario.history;
  if (!h) throw new Error('forecast: the scenario does not say where its demand came from (load it with loadScenario)');
  const graph = scenario.network.graph;
  if (!h.trips) {
    const days: HistoryDay[] = SYNTHETIC_HISTORY_SEED_OFFSETS.map((off) => {
      const seed = h.seed + off;
      const trips = generateSyntheticDemand(graph, { seed, ridersShares: [0.85, 0.15, 0, 0], ...(h.syntheticRequests ? { trips: h.syntheticRequests } : {}) });
      return { seed, weight: 1, trips };
    });
    return buildForecast(graph, days, { seed: h.seed }, o);
  }
  if (!h.date || !h.format) throw new NoHistoryError(`forecast: without --date, ${h.trips} starts on its earliest request's day, so it holds no earlier day`);
  const snapper = new RoadSnapper(graph, { cutoffM: h.snapCutoffM });
  const wanted = historyDates(h.date);
  // Earlier days see the same operating area: demand outside it is no demand the fleet could serve.
  const serviceArea = h.serviceArea ? readServiceArea(h.serviceArea) : undefined;
  const byDate = await loadTripDays(h.trips, { format: h.format, dates: wanted.map((d) => d.date), snapper, serviceArea });
  const days: HistoryDay[] = [];
  for (const { date, weight } of wanted) {
    const trips = byDate.get(date)?.trips ?? [];
    if (trips.length > 0) days.push({ date, weight, trips });
  }
  if (days.length === 0) throw new NoHistoryError(`forecast: ${h.trips} holds no day in the week before ${h.date}`);
  return buildForecast(graph, days, { date: h.date }, o);
}

/**
 * H3 cells over every road node, for a forecast without history: each cell's node is the one nearest its centre.
 *
 * @example causalForecast(forecastZones(graph))
 */
export function forecastZones(graph: RoadGraph, o: Pick<ForecastOptions, 'resolution'> = {}): ForecastZones {
  const resolution = o.resolution ?? 8;
  const cellIndex = new Map<string, number>();
  const cellIds: string[] = [];
  const nodeCell = new Int32Array(graph.nodeCount);
  for (let i = 0; i < graph.nodeCount; i++) {
    const id = latLngToCell(graph.lat[i], graph.lon[i], resolution);
    let c = cellIndex.get(id);
    if (c === undefined) {
      c = cellIds.length;
      cellIndex.set(id, c);
      cellIds.push(id);
    }
    nodeCell[i] = c;
  }
  const centres = cellIds.map((id) => cellToLatLng(id));
  const cellNode = new Uint32Array(cellIds.length);
  const bestD = new Float64Array(cellIds.length).fill(Infinity);
  for (let i = 0; i < graph.nodeCount; i++) {
    const c = nodeCell[i];
    const [lat, lon] = centres[c];
    const d = (graph.lat[i] - lat) ** 2 + ((graph.lon[i] - lon) * Math.cos((lat * Math.PI) / 180)) ** 2;
    if (d < bestD[c]) {
      bestD[c] = d;
      cellNode[c] = i;
    }
  }
  return { cellCount: cellIds.length, nodeCell, cellNode, cellIds };
}

/** Where a rebalancing preset's forecast comes from: earlier days, or the run's own past (no earlier day exists). */
export type ForecastPart =
  | { source: 'history'; forecast: DemandForecast }
  | { source: 'causal'; zones: ForecastZones; /** Why there is no history, for the one line users are told. */ reason: string };

export type ForecastSource = ForecastPart['source'];

/**
 * The scenario's forecast from earlier days when it has any, else the zones of a causal forecast (with the reason),
 * so that rebalancing presets run on any trip file.
 */
export async function loadForecastPart(scenario: Scenario, o: ForecastOptions = {}): Promise<ForecastPart> {
  try {
    return { source: 'history', forecast: await loadForecast(scenario, o) };
  } catch (err) {
    if (!(err instanceof NoHistoryError)) throw err;
    return { source: 'causal', zones: forecastZones(scenario.network.graph, o), reason: err.message.replace(/^forecast: /, '') };
  }
}
