// Replays large pooled programs recorded by the stress probe (STRESS_RECORD=FILE, bench/stress.ts) through the presets'
// route for them (splitByLp, its parts ≥ HIGHS_PART_COLUMNS to our branch and cut on HiGHS's LP and smaller ones to the
// chain; decisions 0029, 0031, 0035) and variants of it: CPU time (the LP's apart), HiGHS calls, how the split cut the programs, and the objectives
// compared with the first route's (every route is exact: any difference is a bug).
//   node --import tsx bench/split-programs.ts PROGRAMS.json [minColumns=1000] [every=1]
// SPLIT_ROUTES=n keeps the first n routes (HiGHS calls count the MIP only, the branch and cut's fallbacks included); SPLIT_HIGHS_ALONE=1 adds HiGHS on the whole programs (slow);
// SPLIT_OBJECTIVES=FILE writes the first route's
// objectives (one a line) to compare with another tree's replay of the same file.
import { writeFileSync } from 'node:fs';
import type { BinaryProgram, BinaryProgramSolver } from '../src/core/solve/ilp.js';
import { RESTRICT_LADDER_S, splitByLp, type LpRelaxation, type SplitStats } from '../src/core/solve/split-by-fixing.js';
import { GIANT_PROGRAM_COLUMNS, HIGHS_PART_COLUMNS, loadHighsBinarySolver, POOLED_HIGHS_OPTIONS, relaxWithHighs } from '../src/io/highs-ilp.js';
import { bySize } from '../src/core/solve/by-size.js';
import { branchAndCut, type BranchAndCutStats } from '../src/core/solve/branch-and-cut.js';
import { twoSeatSolverChain } from '../src/core/solve/pair-packing.js';
import { readRecordedPrograms } from './recorded-programs.js';
import { cpuS } from './machine.js';

const minColumns = Number(process.argv[3] ?? 1000);
const every = Number(process.argv[4] ?? 1);
const programs: BinaryProgram[] = readRecordedPrograms(process.argv[2]).filter((p) => p.colCount >= minColumns).filter((_, i) => i % every === 0);
const cols = programs.map((p) => p.colCount).sort((a, b) => a - b);
console.log(`${programs.length} programs of ≥ ${minColumns} columns (every ${every}), median ${cols[cols.length >> 1]}, max ${cols[cols.length - 1]}, Σ ${cols.reduce((a, b) => a + b, 0)}`);
const highs = (await loadHighsBinarySolver()).withOptions(POOLED_HIGHS_OPTIONS);
let calls = 0;
let lpS = 0;
const counted: BinaryProgramSolver = { solve: (p, s) => (calls++, highs.solve(p, s)) };
const relax = relaxWithHighs(highs);
const timed = (lp: LpRelaxation): LpRelaxation => ({
  relax(p) {
    const t = cpuS();
    const r = lp.relax(p);
    lpS += cpuS() - t;
    return r;
  },
});
// The LP without its basis (the parts' LPs start cold), and with it (the presets' WarmStartedLp hands splitByLp the
// optimal basis, so each part's LP starts from it restricted to the part: decision 0036). Both solve cold here.
const timedLp = timed(relax);
const timedLpBasis = timed({ relax: (p) => highs.relaxFrom(p) });
const chain = twoSeatSolverChain(counted);
const cutStats: BranchAndCutStats = { programs: 0, fallbacks: 0, nodes: 0, lpSolves: 0, cuts: 0, atRoot: 0, fixed: 0 };
const cut = branchAndCut({ open: (p) => highs.openLp(p) }, counted, cutStats);
const routes: [string, (st: SplitStats) => BinaryProgramSolver][] = [
  [`presets: splitByLp [${RESTRICT_LADDER_S}], parts ≥ ${HIGHS_PART_COLUMNS} → branch and cut from the LP's basis`, (st) => splitByLp(timedLpBasis, bySize(chain, cut, HIGHS_PART_COLUMNS), st)],
  [`splitByLp [${RESTRICT_LADDER_S}], parts ≥ ${HIGHS_PART_COLUMNS} → branch and cut, their LPs cold (decision 0036 step 1 off)`, (st) => splitByLp(timedLp, bySize(chain, cut, HIGHS_PART_COLUMNS), st)],
  [`decision 0031: splitByLp [${RESTRICT_LADDER_S}], parts ≥ ${HIGHS_PART_COLUMNS} → HiGHS's MIP`, (st) => splitByLp(timedLp, bySize(chain, counted, HIGHS_PART_COLUMNS), st)],
  [`splitByLp [${RESTRICT_LADDER_S}], parts ≥ ${GIANT_PROGRAM_COLUMNS} → HiGHS's MIP`, (st) => splitByLp(timedLp, bySize(chain, counted, GIANT_PROGRAM_COLUMNS), st)],
];
if (process.env.SPLIT_ROUTES) routes.splice(Number(process.env.SPLIT_ROUTES));
if (process.env.SPLIT_HIGHS_ALONE === '1') routes.push(['HiGHS alone', () => counted]);
const want: number[] = [];
// Twice over, alternating, so that none gains from running later (JIT, caches).
for (const [name, make] of [...routes, ...routes]) {
  const stats: SplitStats = { programs: 0, columns: 0, keptColumns: 0, parts: 0, largestPart: 0, secondRounds: 0, reusedParts: 0, refined: 0, settled: 0 };
  const s = make(stats);
  calls = 0;
  lpS = 0;
  Object.assign(cutStats, { programs: 0, fallbacks: 0, nodes: 0, lpSolves: 0, cuts: 0, atRoot: 0, fixed: 0 });
  Object.assign(highs.openLpStats, { opened: 0, warm: 0, warmRefused: 0, firstIterations: 0 });
  let wrong = 0;
  const t0 = cpuS();
  programs.forEach((p, i) => {
    const got = s.solve(p)!;
    if (want.length <= i) want.push(got.objective);
    else if (got.objective !== want[i]) wrong++;
  });
  console.log(`${name}: CPU ${(cpuS() - t0).toFixed(2)} s (LP ${lpS.toFixed(2)} s), HiGHS calls ${calls}, objective ≠ first route: ${wrong}` +
    (stats.programs ? `; columns ${stats.columns} → ${stats.keptColumns} solved in ${stats.parts} parts (largest ${stats.largestPart}), ` +
      `${stats.refined} dropped by refixing, ${stats.reusedParts} parts reused, exact rounds after restricted ${stats.secondRounds}` : '') +
    (cutStats.programs ? `; branch and cut: ${cutStats.programs} parts, ${cutStats.atRoot} proven at the root, ${cutStats.nodes} nodes, ${cutStats.lpSolves} LP solves, ${cutStats.cuts} cuts, ${cutStats.fixed} columns fixed by reduced cost, ${cutStats.fallbacks} to HiGHS's MIP, ` +
      `${highs.openLpStats.warm} of ${highs.openLpStats.opened} LPs from a basis (${highs.openLpStats.warmRefused} solved again cold), ${highs.openLpStats.firstIterations} iterations in their first solves` : ''));
}
if (process.env.SPLIT_OBJECTIVES) writeFileSync(process.env.SPLIT_OBJECTIVES, want.join('\n') + '\n');
