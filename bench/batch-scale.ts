// Batch-decision benchmark at metro scale (issue 13): single `batch` decisions with 10,000 open requests and 50,000
// cars on the ≥ 300k-node synthetic metro, one decision per sampled instant of a simulated peak hour (17:00–18:00,
// every 5 min by default): p50/p95/max decision time, split into building the problem (candidates and exact times)
// and solving the assignment.
//
// Each sample is a fresh engine: the fleet placed at seeded pickup nodes of that hour's demand (cars concentrate where
// demand is, as after rebalancing), all idle (every car is a column: the worst case for candidate generation), and
// 10,000 synthetic requests (downtown/airport hotspots) submitted at seeded times in the 540 s before the instant, so
// that all are still open then. The dispatcher stays silent until the instant, then decides once, timed.
//
// METRO_FILE=path.baton loads a prebuilt network (`baton network build synthetic:nodes=300000,seed=1 -o …`); without
// it the metro and its hierarchy are built here (minutes). BATCH_CARS / BATCH_REQUESTS / BATCH_SAMPLES lower the sizes.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { openNetwork } from '../src/io/network-source.js';
import { generateSyntheticDemand } from '../src/core/demand/synthetic-demand.js';
import { Engine } from '../src/core/sim/engine.js';
import { Rng } from '../src/core/random.js';
import { buildBatchProblem, batchCommands, newBatchState } from '../src/core/dispatch/batch.js';
import { AssignmentSolver } from '../src/core/solve/assignment.js';
import type { Command, Dispatcher, FleetSnapshot } from '../src/core/dispatch/types.js';
import type { PlacedTrip } from '../src/core/demand/placed-trip.js';
import { median, peakRssMb, writeResult } from './machine.js';

const CARS = Number(process.env.BATCH_CARS ?? 50_000);
const REQUESTS = Number(process.env.BATCH_REQUESTS ?? 10_000);
const SAMPLES = Number(process.env.BATCH_SAMPLES ?? 12);
const NODES = Number(process.env.METRO_NODES ?? 300_000);
const METRO_FILE = process.env.METRO_FILE;
const MAX_WAIT_S = 600;
/** BATCH_SWEEP_ABOVE=Infinity forces the CH-table candidates (the path below the sweep threshold), for comparison. */
const OPTIONS = process.env.BATCH_SWEEP_ABOVE ? { sweepAbovePairs: Number(process.env.BATCH_SWEEP_ABOVE) } : {};
const PEAK_S = 17 * 3600;

const t0 = performance.now();
const input = METRO_FILE && existsSync(METRO_FILE) ? METRO_FILE : `synthetic:nodes=${NODES},seed=1`;
const net = await openNetwork([input]);
const { graph, travelTimes } = net;
console.log(`metro ${input}: ${graph.nodeCount} nodes, ${graph.edgeCount} edges, opened in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

interface Sample {
  atS: number;
  rows: number;
  cols: number;
  edges: number;
  buildMs: number;
  solveMs: number;
  totalMs: number;
  /** CPU time of the process during the decision (user + system; GC threads included). */
  cpuMs: number;
  assigned: number;
  commands: number;
}
const samples: Sample[] = [];
const state = newBatchState();
const solver = new AssignmentSolver();

// Sample -1 is a warm-up at 17:00, not counted: the first decision also builds the reverse adjacency, the plane and
// the sweep order of the network (once per process, as in a live service) and compiles the code.
let warmUp: Sample | undefined;
for (let k = -1; k < SAMPLES; k++) {
  const atS = PEAK_S + 300 * (k + 1);
  const rng = new Rng(1000 + k);
  const pool = generateSyntheticDemand(graph, { seed: 1000 + k, trips: REQUESTS * 24, ridersShares: [1, 0, 0, 0] });
  const trips: PlacedTrip[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const trip = pool[rng.int(pool.length)];
    trips.push({ ...trip, id: `b${k}-${i}`, requestS: atS - 540 + rng.int(541) });
  }
  trips.sort((a, b) => a.requestS - b.requestS);
  const depots = new Uint32Array(CARS);
  for (let v = 0; v < CARS; v++) depots[v] = pool[rng.int(pool.length)].pickupNode;

  let sample: Sample | undefined;
  const timed: Dispatcher = {
    name: 'batch',
    periodS: 10,
    decide(s: FleetSnapshot, nowS: number): Command[] {
      if (nowS !== atS) return [];
      const cpu0 = process.cpuUsage();
      const a = performance.now();
      const b = buildBatchProblem(s, nowS, OPTIONS, state);
      const m = performance.now();
      const { rowToCol, assignedCount } = solver.solve(b.problem);
      const e = performance.now();
      const commands = batchCommands(s, b, rowToCol);
      const z = performance.now();
      const cpu = process.cpuUsage(cpu0);
      sample = {
        cpuMs: (cpu.user + cpu.system) / 1000,
        atS,
        rows: b.rows.length,
        cols: b.cols.length,
        edges: b.problem.col.length,
        buildMs: m - a,
        solveMs: e - m,
        totalMs: z - a,
        assigned: assignedCount,
        commands: commands.length,
      };
      return commands;
    },
  };
  const engine = new Engine({ graph, travelTimes, fleetSize: CARS, dispatcher: timed, seed: k, maxWaitS: MAX_WAIT_S, depots, startS: atS - 600, trackPaths: false });
  for (const trip of trips) engine.submit(trip);
  engine.runUntil(atS);
  if (!sample) throw new Error(`batch-scale: no decision was taken at ${atS}`);
  if (k < 0) warmUp = sample;
  else samples.push(sample);
  const x = sample;
  console.log(
    `  ${k < 0 ? 'warm-up ' : ''}${(atS / 3600).toFixed(2)} h  rows ${x.rows}  cols ${x.cols}  edges ${x.edges}  assigned ${x.assigned}  ` +
      `build ${x.buildMs.toFixed(0)} ms  solve ${x.solveMs.toFixed(0)} ms  decide ${x.totalMs.toFixed(0)} ms (CPU ${x.cpuMs.toFixed(0)} ms)`,
  );
}

const sorted = samples.map((x) => x.totalMs).sort((a, b) => a - b);
const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
const row = {
  options: OPTIONS,
  loadAverageAtEnd: loadavg().map((x) => Math.round(x * 10) / 10),
  nodes: graph.nodeCount,
  cars: CARS,
  requests: REQUESTS,
  samples: SAMPLES,
  decideP50Ms: Math.round(median(sorted)),
  decideP95Ms: Math.round(q(0.95)),
  decideMaxMs: Math.round(sorted[sorted.length - 1]),
  cpuP50Ms: Math.round(median(samples.map((x) => x.cpuMs))),
  cpuP95Ms: Math.round(samples.map((x) => x.cpuMs).sort((a, b) => a - b)[Math.min(samples.length - 1, Math.ceil(0.95 * samples.length) - 1)]),
  buildMedianMs: Math.round(median(samples.map((x) => x.buildMs))),
  solveMedianMs: Math.round(median(samples.map((x) => x.solveMs))),
  edgesMedian: median(samples.map((x) => x.edges)),
  peakRssMb: peakRssMb(),
  warmUp,
  perSample: samples,
};
console.log(`decide p50 ${row.decideP50Ms} ms, p95 ${row.decideP95Ms} ms, max ${row.decideMaxMs} ms; CPU p50 ${row.cpuP50Ms} ms, p95 ${row.cpuP95Ms} ms (build median ${row.buildMedianMs}, solve median ${row.solveMedianMs}); peak RSS ${row.peakRssMb} MB`);
console.log(`wrote ${writeResult(process.env.BATCH_RESULT ?? 'batch-scale', row)}`);
