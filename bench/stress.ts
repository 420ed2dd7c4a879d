// Stress day: 20,000 cars and 1,000,000 requests on a large synthetic city, in one process, reporting wall time, CPU
// time, peak memory, bytes of engine state per vehicle, decision-time percentiles and the service KPIs. Sizes can be
// lowered with STRESS_CARS / STRESS_TRIPS; STRESS_DISPATCHER picks the preset (default greedy; any name of
// src/io/dispatchers.ts, built from the same table with the same HiGHS wiring as the scenario runner). Presets that
// rebalance get a forecast from synthetic days drawn with OTHER seeds (the simulated day's seed + 101/202/303, as
// src/io/forecast.ts does for synthetic scenarios), never from the simulated day's own requests.
// STRESS_HOURS=h stops the day after h hours (probes); STRESS_TAG=name is appended to the result file's name.
// STRESS_FROM_H=h is a PROBE, not the acceptance day: only the requests made from hour h on are simulated (the cars
// start spread over the city at midnight as usual, idle until then), so that a busy hour such as the morning peak can
// be measured without the ~12 min of CPU the hours before it cost; its KPIs are the window's, not the day's.
// STRESS_PROGRAMS=1 also reports the 0/1 programs pooled hands its solver (count, columns, rows, the solver's CPU)
// per simulated hour, and the largest ones; STRESS_RECORD=FILE writes every program of ≥ 200 columns to FILE (JSON,
// the format bench/pooled-solvers.ts replays); STRESS_RECORD_FROM_H=h records only from simulated hour h on.
// STRESS_PROFILE_FROM_H=h starts V8's CPU profiler when the simulation reaches hour h (the state of a real day, unlike
// STRESS_FROM_H's cold start) and writes it at the end of the run to bench/results/…-from<h>h.cpuprofile.
// The result holds gcPauseS: the main thread's GC pauses while simulating, by kind (perf_hooks 'gc' entries).
// STRESS_SOLVER_THREADS=n solves pooled's independent programs on n threads, this one included (decision 0030; the
// default 1 starts none); STRESS_EVENTS_HASH=1 adds the SHA-256 of the whole event log (NDJSON) to the result, so that
// two runs can be shown to decide alike.
// `npm run bench:stress` runs it with --max-semi-space-size=64 (MB): the dispatcher makes ~90 MB of short-lived objects a
// second at the peak (trips, programs, per-batch lists), and V8's default young generation (16 MB semi-spaces) promoted
// enough of them to spend ~3 % of the peak in scavenges; with 64 MB the same event log comes 2.5–4 % sooner in paired
// probes (docs/BENCHMARKS.md, session 33), for ~150 MB more peak memory.
import { buildSyntheticCity, syntheticCityOfNodes } from '../src/core/network/synthetic.js';
import { buildContractionHierarchy, ChTravelTimes } from '../src/core/network/ch.js';
import { generateSyntheticDemand } from '../src/core/demand/synthetic-demand.js';
import { PlacedTripColumns } from '../src/core/demand/trip-columns.js';
import type { DemandForecast } from '../src/core/dispatch/rebalance.js';
import { simulate } from '../src/core/simulate.js';
import type { BinaryProgram } from '../src/core/solve/ilp.js';
import { PooledPlanner } from '../src/core/dispatch/pooled.js';
import type { Dispatcher } from '../src/core/dispatch/types.js';
import { DISPATCHER_NAMES, dispatcherPreset, type PresetParts } from '../src/io/dispatchers.js';
import { buildForecast, SYNTHETIC_HISTORY_SEED_OFFSETS, type HistoryDay } from '../src/io/forecast.js';
import { loadPooledSolver } from '../src/io/highs-ilp.js';
import { SolverThreads } from '../src/io/solver-threads.js';
import { eventToJson } from '../src/core/sim/events.js';
import { createHash } from 'node:crypto';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { peakRssMb, timedDispatcher, writeResult } from './machine.js';
import { writeRecordedPrograms } from './recorded-programs.js';

const CARS = Number(process.env.STRESS_CARS ?? 20_000);
const TRIPS = Number(process.env.STRESS_TRIPS ?? 1_000_000);
const NODES = Number(process.env.STRESS_NODES ?? 20_000);
const DISPATCHER = process.env.STRESS_DISPATCHER ?? 'greedy';
/** Stop after this many simulated hours (default: the whole day); for probes. */
const HOURS = Number(process.env.STRESS_HOURS ?? 24);
/** Simulate only the requests made from this hour on (a probe of a busy window; default 0: the whole day). */
const FROM_H = Number(process.env.STRESS_FROM_H ?? 0);
if (!(FROM_H >= 0 && FROM_H < HOURS)) throw new Error(`STRESS_FROM_H: ${process.env.STRESS_FROM_H} must be ≥ 0 and below STRESS_HOURS (${HOURS})`);
const PROFILE_FROM_H = process.env.STRESS_PROFILE_FROM_H === undefined ? undefined : Number(process.env.STRESS_PROFILE_FROM_H);
if (PROFILE_FROM_H !== undefined && !(PROFILE_FROM_H >= 0 && PROFILE_FROM_H < HOURS)) {
  throw new Error(`STRESS_PROFILE_FROM_H: ${process.env.STRESS_PROFILE_FROM_H} must be ≥ 0 and below STRESS_HOURS (${HOURS})`);
}
const RECORD_FROM_S = Number(process.env.STRESS_RECORD_FROM_H ?? 0) * 3600;
const PROGRAMS = process.env.STRESS_PROGRAMS === '1' || process.env.STRESS_RECORD !== undefined;
const SEED = 7;
/** Appended to the result file's name, so that probes of two code versions on the same day keep both files. */
const TAG = process.env.STRESS_TAG ?? '';
if (!/^[a-z0-9-]*$/.test(TAG)) throw new Error(`STRESS_TAG: "${TAG}" may hold only a-z, 0-9 and -`);
if (!(DISPATCHER_NAMES as readonly string[]).includes(DISPATCHER)) {
  throw new Error(`STRESS_DISPATCHER: unknown dispatcher "${DISPATCHER}" (known: ${DISPATCHER_NAMES.join(', ')})`);
}

const cpuS = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

let t = performance.now();
const { graph } = buildSyntheticCity(syntheticCityOfNodes(NODES, SEED));
const ch = buildContractionHierarchy(graph);
const tt = new ChTravelTimes(graph, ch);
const setupS = (performance.now() - t) / 1000;
t = performance.now();
// As columns (see PlacedTripColumns): the generated objects die with this call's frame (a variable of this top-level
// code would hold them for the whole run: ~280 MB of peak memory).
const demand = (): PlacedTripColumns => PlacedTripColumns.from(generateSyntheticDemand(graph, { seed: SEED, trips: TRIPS, ridersShares: [0.85, 0.15, 0, 0] }));
const requests = demand();
const demandS = (performance.now() - t) / 1000;
console.log(`city ${graph.nodeCount} nodes, ${graph.edgeCount} edges; CH ${setupS.toFixed(1)} s; ${requests.length} requests generated in ${demandS.toFixed(1)} s; RSS so far ${peakRssMb()} MB`);

// The preset's parts, prepared as src/io/scenario-runner.ts does (only those it needs).
const preset = dispatcherPreset(DISPATCHER);
const needs = preset.needs as readonly string[];
t = performance.now();
const parts: Partial<PresetParts> = { charging: {} };
const SOLVER_THREADS = Number(process.env.STRESS_SOLVER_THREADS ?? 1);
if (!(Number.isInteger(SOLVER_THREADS) && SOLVER_THREADS >= 1)) throw new Error(`STRESS_SOLVER_THREADS: ${process.env.STRESS_SOLVER_THREADS} must be an integer ≥ 1`);
const solverThreads = needs.includes('solver') && SOLVER_THREADS > 1 ? await SolverThreads.start(SOLVER_THREADS) : undefined;
if (needs.includes('solver')) parts.solver = await loadPooledSolver(solverThreads);
/** Per simulated hour: programs, Σ columns, largest columns, Σ rows, the solver's CPU (s). */
const programStats = new Map<number, { programs: number; columns: number; maxColumns: number; rows: number; solverCpuS: number }>();
const largest: { hour: number; columns: number; rows: number; cpuMs: number }[] = [];
const recorded: BinaryProgram[] = [];
/** pooled's exact choice (components, singles' assignment and pricing, programs), timed per simulated hour. */
const chooseStats = new Map<number, { calls: number; cpuS: number; singlesCpuS: number; maxTrips: number; trips: number }>();
if (PROGRAMS) {
  type Exposed = { choose: (...a: unknown[]) => unknown; solveSingles: (...a: unknown[]) => unknown };
  const proto = PooledPlanner.prototype as unknown as Exposed;
  const stat = () => {
    const hour = Math.floor(simNowS / 3600);
    let st = chooseStats.get(hour);
    if (!st) chooseStats.set(hour, (st = { calls: 0, cpuS: 0, singlesCpuS: 0, maxTrips: 0, trips: 0 }));
    return st;
  };
  const choose = proto.choose;
  proto.choose = function (this: unknown, ...a: unknown[]) {
    const c0 = process.cpuUsage();
    const out = choose.apply(this, a);
    const c = process.cpuUsage(c0);
    const st = stat();
    st.calls++;
    st.cpuS += (c.user + c.system) / 1e6;
    const n = (a[0] as unknown[]).length;
    st.trips += n;
    st.maxTrips = Math.max(st.maxTrips, n);
    return out;
  };
  const solveSingles = proto.solveSingles;
  proto.solveSingles = function (this: unknown, ...a: unknown[]) {
    const c0 = process.cpuUsage();
    const out = solveSingles.apply(this, a);
    const c = process.cpuUsage(c0);
    stat().singlesCpuS += (c.user + c.system) / 1e6;
    return out;
  };
}
let simNowS = 0;
if (PROGRAMS && parts.solver) {
  const inner = parts.solver;
  parts.solver = {
    solve(p, start) {
      const c0 = process.cpuUsage();
      const sol = inner.solve(p, start);
      const c = process.cpuUsage(c0);
      const cpuS = (c.user + c.system) / 1e6;
      const hour = Math.floor(simNowS / 3600);
      let st = programStats.get(hour);
      if (!st) programStats.set(hour, (st = { programs: 0, columns: 0, maxColumns: 0, rows: 0, solverCpuS: 0 }));
      st.programs++;
      st.columns += p.colCount;
      st.rows += p.rowCount;
      st.maxColumns = Math.max(st.maxColumns, p.colCount);
      st.solverCpuS += cpuS;
      largest.push({ hour, columns: p.colCount, rows: p.rowCount, cpuMs: Math.round(cpuS * 1e4) / 10 });
      if (largest.length > 200) largest.sort((a, b) => b.columns - a.columns).splice(20);
      if (process.env.STRESS_RECORD && p.colCount >= 200 && simNowS >= RECORD_FROM_S) recorded.push(p);
      return sol;
    },
  };
}
// The history days in a function of their own: as a block of this top-level code they stayed reachable from its frame
// for the whole run (3 million small objects).
const historyForecast = (): DemandForecast => {
  const days: HistoryDay[] = SYNTHETIC_HISTORY_SEED_OFFSETS.map((off) => ({
    seed: SEED + off,
    weight: 1,
    trips: generateSyntheticDemand(graph, { seed: SEED + off, trips: TRIPS, ridersShares: [0.85, 0.15, 0, 0] }).map((r) => ({ requestS: r.requestS, pickupNode: r.pickupNode })),
  }));
  return buildForecast(graph, days, { seed: SEED });
};
if (needs.includes('forecast')) parts.forecast = { source: 'history', forecast: historyForecast() };
const partsS = (performance.now() - t) / 1000;
if (needs.length > 1) console.log(`${DISPATCHER}: parts (${needs.join(', ')}) prepared in ${partsS.toFixed(1)} s; RSS so far ${peakRssMb()} MB`);

const decideMs: number[] = [];
let profiler: Session | undefined;
const inner: Dispatcher = preset.build(parts as PresetParts);
const timed = timedDispatcher(inner, decideMs);
const dispatcher: Dispatcher = {
  ...timed,
  decide(s, nowS) {
    simNowS = nowS;
    if (profiler === undefined && PROFILE_FROM_H !== undefined && nowS >= PROFILE_FROM_H * 3600) {
      profiler = new Session();
      profiler.connect();
      profiler.post('Profiler.enable');
      profiler.post('Profiler.start');
      console.log(`  CPU profiler started at ${(nowS / 3600).toFixed(2)} h`);
    }
    return timed.decide(s, nowS);
  },
};

const simulated = HOURS < 24 || FROM_H > 0 ? requests.filter((requestS) => requestS < HOURS * 3600 && requestS >= FROM_H * 3600) : requests;
let events = 0;
const eventsHash = process.env.STRESS_EVENTS_HASH === '1' ? createHash('sha256') : undefined;
t = performance.now();
// The main thread's GC pauses inside the simulated window, by kind (a whole day's figure: a short probe's are dominated
// by the setup's garbage, see docs/BENCHMARKS.md, session 27). Entries reach the observer once the run yields.
const simStartMs = t;
const gcPauseMs = { major: 0, minor: 0, incremental: 0, weakcb: 0, count: 0 };
const gcKinds: Record<number, keyof typeof gcPauseMs> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
let simEndMs = Infinity;
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.startTime < simStartMs || e.startTime > simEndMs) continue;
    const kind = gcKinds[(e as unknown as { detail?: { kind: number } }).detail?.kind ?? -1];
    if (kind) gcPauseMs[kind] += e.duration;
    gcPauseMs.count++;
  }
});
gcObserver.observe({ entryTypes: ['gc'] });
const cpu0 = cpuS();
let lastLog = 0;
const result = simulate({
  graph,
  travelTimes: tt,
  requests: simulated,
  fleetSize: CARS,
  dispatcher,
  seed: SEED,
  keepLog: false,
  eventSink: (ev) => {
    events++;
    eventsHash?.update(`${eventToJson(ev)}\n`);
  },
  progressEveryS: 3600,
  onProgress: (nowS, handled) => {
    const wall = (performance.now() - t) / 1000;
    if (wall - lastLog > 10) {
      lastLog = wall;
      console.log(
        `  ${(nowS / 3600).toFixed(0).padStart(2)} h simulated, ${handled} requests, ${wall.toFixed(0)} s wall, ${(cpuS() - cpu0).toFixed(0)} s CPU, ` +
          `${decideMs.length} decisions, RSS ${peakRssMb()} MB`,
      );
    }
  },
});
simEndMs = performance.now();
const simS = (simEndMs - t) / 1000;
const simCpuS = cpuS() - cpu0;
await new Promise((resolve) => setTimeout(resolve, 50));
gcObserver.disconnect();
await solverThreads?.close();
decideMs.sort((a, b) => a - b);
const q = (p: number): number => Math.round((decideMs[Math.min(decideMs.length - 1, Math.floor(p * decideMs.length))] ?? 0) * 10) / 10;
const k = result.summary.kpis;
const row = {
  dispatcher: DISPATCHER,
  ...(process.env.STRESS_BB_ALWAYS ? { solver: 'branch and bound first at every size (STRESS_BB_ALWAYS)' } : {}),
  cars: CARS,
  requests: requests.length,
  ...(HOURS < 24 || FROM_H > 0 ? { hours: HOURS, requestsSimulated: simulated.length } : {}),
  ...(FROM_H > 0 ? { fromHour: FROM_H, probe: 'only the requests from fromHour on: a probe of a busy window, not the acceptance day' } : {}),
  nodes: graph.nodeCount,
  ...(solverThreads ? { solverThreads: SOLVER_THREADS, solverThreadBatches: solverThreads.stats.batches, programsOnWorkers: solverThreads.stats.onWorkers } : {}),
  ...(eventsHash ? { eventsSha256: eventsHash.digest('hex') } : {}),
  simWallS: Math.round(simS * 10) / 10,
  simCpuS: Math.round(simCpuS * 10) / 10,
  setupS: Math.round(setupS * 10) / 10,
  partsS: Math.round(partsS * 10) / 10,
  events,
  peakRssMb: peakRssMb(),
  /** the main thread's GC pauses while simulating, s by kind, and their count */
  gcPauseS: Object.fromEntries(Object.entries(gcPauseMs).map(([k, v]) => [k, k === 'count' ? v : Math.round(v / 100) / 10])),
  /** at the end of the run: V8's heap and the memory outside it (WASM included), MB */
  endMemoryMb: Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 2 ** 20)])),
  stateBytesPerVehicle: result.summary.stateBytesPerVehicle,
  decisions: decideMs.length,
  decideP50Ms: q(0.5),
  decideP95Ms: q(0.95),
  decideP99Ms: q(0.99),
  decideMaxMs: q(1),
  decideTotalS: Math.round(decideMs.reduce((a, b) => a + b, 0) / 100) / 10,
  servedPct: k.servedPct,
  within5MinPct: k.within5MinPct,
  waitMeanS: k.waitMeanS,
  waitP95S: k.waitP95S,
  kpis: k,
  ...(PROGRAMS
    ? {
        programsPerHour: Object.fromEntries([...programStats].map(([h, st]) => [h, { ...st, solverCpuS: Math.round(st.solverCpuS * 10) / 10 }])),
        choosePerHour: Object.fromEntries([...chooseStats].map(([h, st]) => [h, { ...st, cpuS: Math.round(st.cpuS * 10) / 10, singlesCpuS: Math.round(st.singlesCpuS * 10) / 10 }])),
        largestPrograms: largest.sort((a, b) => b.columns - a.columns).slice(0, 20),
      }
    : {}),
};
console.log(JSON.stringify({ ...row, kpis: undefined }, null, 2));
const name =
  `stress-${DISPATCHER}${TRIPS === 1_000_000 && CARS === 20_000 && HOURS === 24 && FROM_H === 0 ? '' : `-${TRIPS}-${CARS}${FROM_H > 0 ? `-from${FROM_H}h` : ''}${HOURS < 24 ? `-${HOURS}h` : ''}`}` +
  `${process.env.STRESS_BB_ALWAYS ? '-bb-always' : ''}${TAG ? `-${TAG}` : ''}`;
console.log(`wrote ${writeResult(name, row)}`);
if (profiler) {
  const file = `bench/results/${name}-from${PROFILE_FROM_H}h.cpuprofile`;
  profiler.post('Profiler.stop', (err, res) => {
    if (err) throw err;
    writeFileSync(file, JSON.stringify(res.profile));
    console.log(`wrote ${file}`);
  });
}
if (process.env.STRESS_RECORD) {
  writeRecordedPrograms(process.env.STRESS_RECORD, recorded);
  console.log(`wrote ${recorded.length} programs of ≥ 200 columns to ${process.env.STRESS_RECORD}`);
}
