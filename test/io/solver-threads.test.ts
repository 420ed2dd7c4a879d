// Solver threads (decision 0030): the pooled chain on worker threads answers every program exactly as on one thread,
// random and real programs, giant ones split by their LP included; a whole simulation decides byte for byte alike;
// close() ends the workers.
import { DEFAULT_RIDE_LIMITS } from '../../src/core/dispatch/pooled.js';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { simulate } from '../../src/core/simulate.js';
import { eventsToNdjson } from '../../src/core/sim/events.js';
import { solveEach, type BinaryProgram, type BinaryProgramSolution } from '../../src/core/solve/ilp.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { ChTravelTimes, buildContractionHierarchy } from '../../src/core/network/ch.js';
import { dispatcherPreset } from '../../src/io/dispatchers.js';
import { forecastZones } from '../../src/io/forecast.js';
import { GIANT_PROGRAM_COLUMNS, HIGHS_PART_COLUMNS, loadHighsBinarySolver, loadPooledSolver, pooledSolverParts } from '../../src/io/highs-ilp.js';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { SolverThreads } from '../../src/io/solver-threads.js';
import { randomRequests } from '../dispatch/conformance.js';
import { packingProgram, twoSeatProgram } from '../solve/programs.js';

// Every program of two or more goes to the workers (no size threshold, and the calling thread takes none from the
// queue), so that the tests see the workers' answers.
const pool = await SolverThreads.start(2, { minColumns: 0, callerTakesQueued: false });
afterAll(() => pool.close());
const sequential = await loadPooledSolver();
const threaded = await loadPooledSolver(pool);

/** Why two answers differ, or '' when they are identical (objective, and x byte for byte). */
function difference(got: BinaryProgramSolution | null, want: BinaryProgramSolution | null): string {
  if (got === null || want === null) return got === want ? '' : `${got === null ? 'null' : 'a solution'} against ${want === null ? 'null' : 'a solution'}`;
  if (got.objective !== want.objective) return `objective ${got.objective} against ${want.objective}`;
  if (got.x.length !== want.x.length || got.x.some((v, j) => v !== want.x[j])) return 'another x of the same objective';
  return '';
}

/**
 * A packing program full of equal optima (costs −1/−2 a single, −3/−4 a pair): where solvers may differ, they do (HiGHS
 * alone and the chain pick different optima on these), so an answer from another solver on a worker would show.
 */
function tiedProgram(rng: Rng, cars: number, requests: number, reachPerCar: number): BinaryProgram {
  const colStart = [0];
  const rowIndex: number[] = [];
  const cost: number[] = [];
  for (let v = 0; v < cars; v++) {
    const reach = [...new Set(Array.from({ length: reachPerCar }, () => rng.int(requests)))];
    for (const r of reach) {
      rowIndex.push(v, cars + r);
      cost.push(-1 - rng.int(2));
      colStart.push(rowIndex.length);
    }
    for (let t = 0; t + 1 < reach.length; t += 2) {
      rowIndex.push(v, cars + Math.min(reach[t], reach[t + 1]), cars + Math.max(reach[t], reach[t + 1]));
      cost.push(-3 - rng.int(2));
      colStart.push(rowIndex.length);
    }
  }
  return packingProgram(colStart, rowIndex, cost, cars + requests, cars);
}

/** Threads of this process (Linux). */
function threadCount(): number {
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
}

/**
 * The thread count once it has come back to `expected`, or what it is after 5 s. A terminated worker's OS thread may
 * still be listed for a moment after `terminate()` resolves (a clean CI run once counted one thread too many), so the
 * count is polled; a pool that left threads running still fails.
 */
async function threadCountSettledAt(expected: number): Promise<number> {
  const until = Date.now() + 5000;
  let n = threadCount();
  while (n !== expected && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    n = threadCount();
  }
  return n;
}

describe('SolverThreads', () => {
  it('answers a batch of random programs, giant ones included, exactly as the single-threaded chain, starts or not', () => {
    const rng = new Rng(30);
    const programs: BinaryProgram[] = [
      twoSeatProgram(rng, 120, 240, 1, 10, 0.3),
      ...Array.from({ length: 6 }, () => twoSeatProgram(rng, 30 + rng.int(30), 50 + rng.int(40), 3, 5, 0.3)),
      twoSeatProgram(rng, 2, 3, 1, 2),
      twoSeatProgram(rng, 130, 250, 1, 10, 0.2),
      ...[20, 60, 150, 300].map((cars) => tiedProgram(rng, cars, Math.round(cars * 1.4), 8)),
    ];
    expect(programs.filter((p) => p.colCount >= GIANT_PROGRAM_COLUMNS).length).toBe(4);
    // Choosing nothing is feasible in these programs: a start for every other one.
    const starts = programs.map((p, i) => (i % 2 ? new Uint8Array(p.colCount) : undefined));
    const want = programs.map((p, i) => sequential.solve(p, starts[i]));
    const before = pool.stats.onWorkers;
    const got = solveEach(threaded, programs, starts);
    expect(got.map((g, i) => difference(g, want[i]))).toEqual(programs.map(() => ''));
    // One program at a time too: the giant ones' parts go to the workers.
    expect(programs.map((p, i) => difference(threaded.solve(p, starts[i]), want[i]))).toEqual(programs.map(() => ''));
    expect(pool.stats.onWorkers).toBeGreaterThan(before);
  }, 120_000);

  it("splitByLp's parts with an LP start basis: the workers start from it too, and answer as this thread", async () => {
    // Decision 0036: a part of HIGHS_PART_COLUMNS or more goes to the branch and cut, whose first LP starts from the
    // part's startBasis; started cold it may end at another of equal optima. A basis from a perturbed copy's LP (a
    // vertex of the same polytope, optimal for other costs) makes that show on these tied programs.
    const { highs, parts } = pooledSolverParts(await loadHighsBinarySolver());
    const rng = new Rng(36);
    const programs: BinaryProgram[] = [];
    while (programs.length < 6) {
      const p = tiedProgram(rng, 15 + rng.int(30), 30 + rng.int(40), 8);
      if (p.colCount < HIGHS_PART_COLUMNS) continue;
      const perturbed = { ...p, cost: Float64Array.from(p.cost, (c) => c + (rng.next() - 0.5) * 0.9) };
      const basis = highs.relaxFrom(perturbed)?.basis;
      expect(basis).toBeDefined();
      programs.push({ ...p, startBasis: basis });
    }
    const want = programs.map((p) => parts.solve(p));
    // The basis decides the answer on some of them, so a worker that dropped it would answer otherwise.
    const cold = programs.map((p) => parts.solve({ ...p, startBasis: undefined }));
    expect(cold.filter((c, i) => difference(c, want[i]) !== '').length).toBeGreaterThan(0);
    const before = pool.stats.onWorkers;
    const got = pool.solveMany(programs, [], parts, 'parts');
    expect(pool.stats.onWorkers - before).toBe(programs.length);
    expect(got.map((g, i) => difference(g, want[i]))).toEqual(programs.map(() => ''));
  }, 120_000);

  it('a program that fails on a worker fails the batch with its reason, and the pool goes on', () => {
    // A NaN cost: HiGHS refuses the model (not a packing program: it goes to HiGHS at once).
    const bad: BinaryProgram = {
      colCount: 2, rowCount: 1, cost: Float64Array.of(Number.NaN, -1), colStart: Int32Array.of(0, 1, 2), rowIndex: Int32Array.of(0, 0),
      value: Float64Array.of(2, 1), rowLower: Float64Array.of(0), rowUpper: Float64Array.of(1),
    };
    expect(() => solveEach(threaded, [bad, bad, bad], [])).toThrow(/colCost\[0\] must be a number/);
    const p = twoSeatProgram(new Rng(5), 20, 30, 2, 4);
    const got = solveEach(threaded, [p, p, p], []);
    expect(got.map((g) => difference(g, sequential.solve(p)))).toEqual(['', '', '']);
  });

  it('a whole pooled+rebalance simulation with the threaded solver writes a byte-identical event log', async () => {
    // A city wide enough that one batch holds several independent programs (a tight fleet in a small city gives one
    // component per batch, and splitByLp now settles most parts of its giant program without a solver).
    const { graph } = buildSyntheticCity({ seed: 7, widthM: 8000, heightM: 8000, blockM: 200 });
    const travelTimes = new ChTravelTimes(graph, buildContractionHierarchy(graph));
    const requests = randomRequests(graph, 3000, 3600, 8);
    const preset = dispatcherPreset('pooled+rebalance');
    const forecast = { source: 'causal' as const, zones: forecastZones(graph), reason: 'no history in a test' };
    const run = (solver: Awaited<ReturnType<typeof loadPooledSolver>>) =>
      eventsToNdjson(
        simulate({ graph, travelTimes, requests, fleetSize: 200, dispatcher: preset.build({ solver, forecast, charging: {}, rideLimits: DEFAULT_RIDE_LIMITS }), seed: 9, maxWaitS: 600 }).events,
      );
    const before = pool.stats.batches;
    const threadedLog = run(await loadPooledSolver(pool));
    // Batches went to the workers (which thread took each program is the scheduler's business: under load the calling
    // thread may take them all; the first test shows the workers' answers).
    expect(pool.stats.batches).toBeGreaterThan(before);
    expect(threadedLog === run(await loadPooledSolver())).toBe(true);
  }, 120_000);

  it.runIf(process.platform === 'linux')('close() ends the worker threads, also those --solver-threads starts in a scenario runner', async () => {
    const idle = threadCount();
    const own = await SolverThreads.start(3);
    expect(threadCount()).toBeGreaterThanOrEqual(idle + 2);
    await own.close();
    expect(await threadCountSettledAt(idle)).toBe(idle);
    const runner = await openScenarioRunner(parseSimSettings({ requests: 300, seed: 2, solverThreads: 2 }));
    const { result } = await runner.run(15, 'pooled');
    expect(result.summary.kpis.requests).toBe(300);
    expect(threadCount()).toBeGreaterThan(idle);
    await runner.close();
    expect(await threadCountSettledAt(idle)).toBe(idle);
    // After close, programs are solved on this thread, alike.
    const p = twoSeatProgram(new Rng(4), 20, 30, 2, 4);
    expect(difference(own.solveMany([p, p], [], sequential, 'chain')[1], sequential.solve(p))).toBe('');
  }, 120_000);
});
