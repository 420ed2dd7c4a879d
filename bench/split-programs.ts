// Replays large pooled programs recorded by the stress probe (STRESS_RECORD=FILE, bench/stress.ts) through HiGHS alone
// (the route of programs ≥ GIANT_PROGRAM_COLUMNS since decision 0029) and through splitByLp in front of it: CPU time,
// HiGHS calls, objectives compared, and how the split cut the programs (columns kept by the fixing, parts, largest part).
//   node --import tsx bench/split-programs.ts PROGRAMS.json [minColumns=1000]
import type { BinaryProgram, BinaryProgramSolver } from '../src/core/solve/ilp.js';
import { splitByLp, type SplitStats } from '../src/core/solve/split-by-fixing.js';
import { GIANT_PROGRAM_COLUMNS, loadHighsBinarySolver, POOLED_HIGHS_OPTIONS, relaxWithHighs } from '../src/io/highs-ilp.js';
import { bySize } from '../src/core/solve/by-size.js';
import { twoSeatSolverChain } from '../src/core/solve/pair-packing.js';
import { readRecordedPrograms } from './recorded-programs.js';

const minColumns = Number(process.argv[3] ?? 1000);
const programs: BinaryProgram[] = readRecordedPrograms(process.argv[2]).filter((p) => p.colCount >= minColumns);
const cols = programs.map((p) => p.colCount).sort((a, b) => a - b);
console.log(`${programs.length} programs of ≥ ${minColumns} columns, median ${cols[cols.length >> 1]}, max ${cols[cols.length - 1]}, Σ ${cols.reduce((a, b) => a + b, 0)}`);
const highs = (await loadHighsBinarySolver()).withOptions(POOLED_HIGHS_OPTIONS);
let calls = 0;
const counted: BinaryProgramSolver = { solve: (p, s) => (calls++, highs.solve(p, s)) };
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const want: number[] = [];
const chains = [
  ['HiGHS alone', () => counted],
  ['splitByLp → HiGHS', (st: SplitStats) => splitByLp(relaxWithHighs(highs), counted, st)],
  ['splitByLp → bySize', (st: SplitStats) => splitByLp(relaxWithHighs(highs), bySize(twoSeatSolverChain(counted), counted, GIANT_PROGRAM_COLUMNS), st)],
  ['splitByLp(500) → bySize', (st: SplitStats) => splitByLp(relaxWithHighs(highs), bySize(twoSeatSolverChain(counted), counted, GIANT_PROGRAM_COLUMNS), st, 500)],
] as const;
// Twice over, alternating, so that neither gains from running second (JIT, caches).
for (const [name, make] of [...chains, ...chains]) {
  const stats: SplitStats = { programs: 0, columns: 0, keptColumns: 0, parts: 0, largestPart: 0, secondRounds: 0 };
  const s = make(stats);
  calls = 0;
  let wrong = 0;
  const t0 = cpu();
  programs.forEach((p, i) => {
    const got = s.solve(p)!;
    if (want.length <= i) want.push(got.objective);
    else if (got.objective !== want[i]) wrong++;
  });
  console.log(`${name.padEnd(20)} CPU ${(cpu() - t0).toFixed(2)} s, HiGHS calls ${calls}, objective ≠ HiGHS alone: ${wrong}` +
    (stats.programs ? `; columns ${stats.columns} → ${stats.keptColumns} kept, ${stats.parts} parts, largest ${stats.largestPart}, second rounds ${stats.secondRounds}` : ''));
}
