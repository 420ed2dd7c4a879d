// A simulation run: the engine, a trip source replaying requests at their request times, and the KPI fold subscribed
// to the event stream. The offline entry point (`simulate`); the live service drives the same engine with a wall
// clock and its own submissions instead.
import type { PlacedTrips } from './demand/trip-columns.js';
import { KpiAccumulator, type Kpis } from './metrics/kpis.js';
import { Rng } from './random.js';
import { Engine, type EngineOptions, type EngineStats } from './sim/engine.js';
import type { SimEvent } from './sim/events.js';
import { ArrayTripSource, feedUntil, type TripSource } from './sim/trip-source.js';

/** Something that folds the event stream (KPIs, report series, a store). */
export interface EventSubscriber {
  add(ev: SimEvent): void;
}

export interface SimulateOptions extends Omit<EngineOptions, 'startS'> {
  /**
   * The requests to replay, each submitted at its request time (indices follow (requestS, position) order); at metro
   * scale as PlacedTripColumns (a million trip objects are ~280 MB of heap that columns do not need).
   */
  requests: PlacedTrips;
  /** Called whenever simulated time passes a multiple of `progressEveryS`, with the number of requests submitted. */
  onProgress?(nowS: number, handled: number): void;
  progressEveryS?: number;
  /** Receives every event as it happens (streaming); the log is then not kept unless `keepLog` is true. */
  eventSink?(ev: SimEvent): void;
  keepLog?: boolean;
  /** Further folds fed with every event (e.g. a ReportSeriesAccumulator). */
  subscribers?: readonly EventSubscriber[];
}

/** Run totals: the KPIs and the engine's counters. */
export interface SimSummary extends EngineStats {
  kpis: Kpis;
}

export interface SimResult {
  /** The event log (empty when streamed to a sink without keepLog). */
  events: SimEvent[];
  summary: SimSummary;
}

/**
 * Start nodes for a fleet when none are given: a seeded sample of the pickup nodes of the first hour of demand (the
 * operator's overnight positioning), else seeded random nodes.
 */
export function startNodesFromDemand(requests: PlacedTrips, fleetSize: number, seed: number, nodeCount: number): Uint32Array {
  return startNodesFrom(new ArrayTripSource(requests), fleetSize, seed, nodeCount);
}

/** startNodesFromDemand over a source not yet taken from (it takes the first hour's trips). */
function startNodesFrom(source: TripSource, fleetSize: number, seed: number, nodeCount: number): Uint32Array {
  const firstS = source.peekS();
  const firstHour: number[] = [];
  while (source.peekS() < firstS + 3600) firstHour.push(source.take().pickupNode);
  const rng = new Rng(seed);
  const nodes = new Uint32Array(fleetSize);
  for (let v = 0; v < fleetSize; v++) nodes[v] = firstHour.length > 0 ? firstHour[rng.int(firstHour.length)] : rng.int(nodeCount);
  return nodes;
}

/** One replay: construct, then `runUntil` in steps (or `run` to the end). */
export class Simulation {
  readonly engine: Engine;
  readonly kpis: KpiAccumulator;
  readonly events: SimEvent[] = [];
  private readonly source: TripSource & { readonly taken: number };
  private nextProgressS: number;
  private readonly progressEveryS: number;

  constructor(private readonly opts: SimulateOptions) {
    const source = new ArrayTripSource(opts.requests);
    this.source = source;
    const firstS = source.peekS();
    const startS = Math.min(0, Number.isFinite(firstS) ? firstS : 0);
    // Start nodes from the same sorted order (a million trips are not sorted twice).
    const depots = opts.depots && opts.depots.length > 0 ? opts.depots : startNodesFrom(source.rewound(), opts.fleetSize, opts.seed, opts.travelTimes.nodeCount);
    this.engine = new Engine({ ...opts, depots, startS });
    this.kpis = new KpiAccumulator({ dispatcher: opts.dispatcher.name, fleet: opts.fleetSize });
    const kpis = this.kpis;
    this.engine.onEvent((ev) => kpis.add(ev));
    for (const s of opts.subscribers ?? []) this.engine.onEvent((ev) => s.add(ev));
    if (opts.eventSink) this.engine.onEvent(opts.eventSink);
    if (opts.keepLog ?? !opts.eventSink) {
      const log = this.events;
      this.engine.onEvent((ev) => log.push(ev));
    }
    this.progressEveryS = opts.progressEveryS ?? 3600;
    this.nextProgressS = (Math.floor(startS / this.progressEveryS) + 1) * this.progressEveryS;
  }

  /** Replays requests and runs the engine up to and including second `untilS`; returns whether anything remains. */
  runUntil(untilS: number): boolean {
    const onProgress = this.opts.onProgress;
    if (!onProgress) return feedUntil(this.engine, this.source, untilS);
    // In progress-sized steps, so the callback sees simulated time pass.
    for (;;) {
      const stepS = Math.min(untilS, this.nextProgressS - 1);
      const more = feedUntil(this.engine, this.source, stepS);
      if (stepS === untilS || (!more && this.source.peekS() === Infinity)) return more;
      const t = Math.max(this.engine.timeS, stepS + 1);
      onProgress(t, this.source.taken);
      this.nextProgressS = (Math.floor(t / this.progressEveryS) + 1) * this.progressEveryS;
    }
  }

  /** Runs to the end (every request terminal, every vehicle idle). */
  run(): SimResult {
    this.runUntil(Infinity);
    return { events: this.events, summary: this.summary() };
  }

  /** KPIs and counters so far. */
  summary(): SimSummary {
    return { ...this.engine.stats(), kpis: this.kpis.result() };
  }
}

/**
 * Runs a whole scenario and returns the event log (or streams it to `eventSink`) and a summary with KPIs.
 *
 * @example
 * const { events, summary } = simulate({ graph, travelTimes: new DijkstraTravelTimes(graph), requests, fleetSize: 50,
 *   dispatcher: greedy(), seed: 1 });
 */
export function simulate(opts: SimulateOptions): SimResult {
  return new Simulation(opts).run();
}
