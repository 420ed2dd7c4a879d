// Replays recorded pooled programs (bench/recorded-programs.ts format) through the pooled chain on one thread and on
// SolverThreads of 2.. threads (decision 0030): wall and CPU time (process CPU: every thread), and whether every answer
// is byte-identical to the single-threaded chain's. Also how splitByLp's parts are sized, for the threshold.
//   [LIMIT=n] [PARTS=0] node --import tsx bench/solver-threads.ts PROGRAMS.json [threads=2] [minColumns=1000] [thresholds=50]
// thresholds: comma-separated minColumns of SolverThreads to try (programs below stay on the main thread).
import { solveEach, type BinaryProgram, type BinaryProgramSolution, type BinaryProgramSolver } from '../src/core/solve/ilp.js';
import { loadPooledSolver, HighsBinarySolver } from '../src/io/highs-ilp.js';
import { SolverThreads } from '../src/io/solver-threads.js';
import { readRecordedPrograms } from './recorded-programs.js';
import { cpuS } from './machine.js';

const file = process.argv[2];
const threads = Number(process.argv[3] ?? 2);
const minProgramColumns = Number(process.argv[4] ?? 1000);
const thresholds = (process.argv[5] ?? '50').split(',').map(Number);
const programs: BinaryProgram[] = readRecordedPrograms(file)
  .filter((p) => p.colCount >= minProgramColumns)
  .slice(0, Number(process.env.LIMIT ?? Infinity));
const cols = programs.map((p) => p.colCount).sort((a, b) => a - b);
console.log(`${programs.length} programs of ≥ ${minProgramColumns} columns, median ${cols[cols.length >> 1]}, max ${cols[cols.length - 1]}; load ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim()}`);


// Sizes of the parts splitByLp hands on (one pass, sequential), and the CPU they took by size class (PARTS=0 skips it).
if (process.env.PARTS !== '0') {
  const classes = [10, 50, 200, 1000, Infinity];
  const count = classes.map(() => 0);
  const ms = classes.map(() => 0);
  let batches = 0;
  // Per batch: its total CPU and its largest part's, and the whole programs' CPU (LP and splitting included): with
  // unlimited threads a batch still takes its largest part's time, and the rest of a program stays sequential.
  let partsMs = 0;
  let criticalMs = 0;
  // A stand-in for the pool that solves each part on this thread and records its size and CPU.
  const recorder = {
    solveMany(ps: readonly BinaryProgram[], ss: readonly (Uint8Array | undefined)[], local: BinaryProgramSolver) {
      batches++;
      let largest = 0;
      const sols = ps.map((p, i) => {
        const t0 = cpuS();
        const sol = local.solve(p, ss[i]);
        const c = classes.findIndex((m) => p.colCount < m);
        const took = (cpuS() - t0) * 1000;
        count[c]++;
        ms[c] += took;
        partsMs += took;
        largest = Math.max(largest, took);
        return sol;
      });
      criticalMs += largest;
      return sols;
    },
  } as unknown as SolverThreads;
  const probe = await loadPooledSolver(recorder);
  const c0 = cpuS();
  for (const p of programs) probe.solve(p);
  const wholeMs = (cpuS() - c0) * 1000;
  console.log(
    `whole programs ${wholeMs.toFixed(0)} ms CPU, of which parts ${partsMs.toFixed(0)} ms; the largest part of each batch ${criticalMs.toFixed(0)} ms ` +
      `(best case with unlimited threads: ${(wholeMs - partsMs + criticalMs).toFixed(0)} ms)`,
  );
  console.log(`parts in ${batches} batches, by columns:`);
  classes.forEach((m, c) => console.log(`  < ${m}: ${count[c]} parts, ${ms[c].toFixed(0)} ms CPU (${count[c] ? (ms[c] / count[c]).toFixed(2) : '-'} ms each)`));
}

let highsCalls = 0;
const highsSolve = HighsBinarySolver.prototype.solve;
HighsBinarySolver.prototype.solve = function (p, start) {
  highsCalls++;
  return highsSolve.call(this, p, start);
};

function same(a: BinaryProgramSolution | null, b: BinaryProgramSolution | null): boolean {
  if (a === null || b === null) return a === b;
  return a.objective === b.objective && a.x.length === b.x.length && a.x.every((v, j) => v === b.x[j]);
}

const want: (BinaryProgramSolution | null)[] = [];
const sequential = await loadPooledSolver();
const pools = new Map<number, SolverThreads>();
for (const m of thresholds) pools.set(m, await SolverThreads.start(threads, { minColumns: m }));
const runs: [string, BinaryProgramSolver][] = [['1 thread', sequential]];
for (const [m, pool] of pools) runs.push([`${threads} threads, parts ≥ ${m} columns to workers`, await loadPooledSolver(pool)]);
// Twice over, alternating, so that neither gains from running second (JIT, caches).
for (const [name, solver] of [...runs, ...runs]) {
  highsCalls = 0;
  const c0 = cpuS();
  const t0 = performance.now();
  // One program at a time, as pooled hands a batch's one giant program; then all at once through solveEach.
  const got = programs.map((p) => solver.solve(p));
  const wallS = (performance.now() - t0) / 1000;
  const usedS = cpuS() - c0;
  let differ = 0;
  got.forEach((sol, i) => {
    if (want.length <= i) want.push(sol);
    else if (!same(sol, want[i])) differ++;
  });
  console.log(`${name.padEnd(42)} wall ${wallS.toFixed(2)} s, CPU ${usedS.toFixed(2)} s (main-thread HiGHS calls ${highsCalls}), answers ≠ 1 thread: ${differ}`);
}
// The whole list as one batch (pooled's per-component batch path): giant ones first on this thread.
for (const [name, solver] of runs) {
  const c0 = cpuS();
  const t0 = performance.now();
  const got = solveEach(solver, programs);
  const differ = got.filter((sol, i) => !same(sol, want[i])).length;
  console.log(`${`${name}, solveEach`.padEnd(42)} wall ${((performance.now() - t0) / 1000).toFixed(2)} s, CPU ${(cpuS() - c0).toFixed(2)} s, answers ≠ 1 thread: ${differ}`);
}
for (const pool of pools.values()) await pool.close();
