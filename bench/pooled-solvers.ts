// Replays recorded pooled programs (bench/pooled-programs.ts) through solver chains: CPU time, HiGHS calls, and the
// objective of each program compared with HiGHS's. Optional: a regular expression selecting chains by name, and
// `starts` to print how good the packing branch and bound's incumbent is when it hands a program on.
//   node --import tsx bench/pooled-solvers.ts PROGRAMS.json ['preset|before'] [starts]
import { type BinaryProgram, type BinaryProgramSolver, packingBranchAndBound } from '../src/core/solve/ilp.js';
import { pairPackingBranchAndBound, twoSeatSolverChain } from '../src/core/solve/pair-packing.js';
import { loadHighsBinarySolver, POOLED_HIGHS_OPTIONS } from '../src/io/highs-ilp.js';
import { branchAndCut } from '../src/core/solve/branch-and-cut.js';
import { readRecordedPrograms } from './recorded-programs.js';

const programs: BinaryProgram[] = readRecordedPrograms(process.argv[2]);
const highs = await loadHighsBinarySolver();
let calls = 0;
const counted: BinaryProgramSolver = { solve: (p, start) => (calls++, highs.solve(p, start)) };
const noPresolve = highs.withOptions({ presolve: 'off' });
const countedNp: BinaryProgramSolver = { solve: (p, start) => (calls++, noPresolve.solve(p, start)) };
const tuned = highs.withOptions(POOLED_HIGHS_OPTIONS);
const countedTuned: BinaryProgramSolver = { solve: (p, start) => (calls++, tuned.solve(p, start)) };
const want = programs.map((p) => highs.solve(p)!.objective);
const chains: Record<string, () => BinaryProgramSolver> = {
  'highs': () => counted,
  'packing(2000)→highs (presets before 0026)': () => packingBranchAndBound(counted),
  'packing(2000)→pair(200)→highs': () => packingBranchAndBound(pairPackingBranchAndBound(counted)),
  'packing(50)→highs': () => packingBranchAndBound(counted, 50),
  'packing(2000)→highs(presolve off)': () => packingBranchAndBound(countedNp),
  'packing(200)→highs(presolve off)': () => packingBranchAndBound(countedNp, 200),
  'packing(50)→highs(presolve off)': () => packingBranchAndBound(countedNp, 50),
  'packing(200)→highs': () => packingBranchAndBound(counted, 200),
  'packing(500)→highs': () => packingBranchAndBound(counted, 500),
};
const nullSolver: BinaryProgramSolver = { solve: () => (calls++, null) };
chains['packing(1)→none (the root alone)'] = () => packingBranchAndBound(nullSolver, 1);
chains['before 0028: twoSeatSolverChain(highs presolve off)'] = () => twoSeatSolverChain(countedNp);
chains['preset: twoSeatSolverChain(highs POOLED_HIGHS_OPTIONS)'] = () => twoSeatSolverChain(countedTuned);
chains['highs POOLED_HIGHS_OPTIONS alone'] = () => countedTuned;
// Decision 0035: our branch and cut on HiGHS's LP in front of HiGHS's MIP (calls count the MIP's alone).
const tunedLps = { open: (p: BinaryProgram) => tuned.openLp(p) };
chains['twoSeatSolverChain(branch and cut → highs POOLED_HIGHS_OPTIONS)'] = () => twoSeatSolverChain(branchAndCut(tunedLps, countedTuned));
chains['branch and cut → highs POOLED_HIGHS_OPTIONS alone'] = () => branchAndCut(tunedLps, countedTuned);
chains['packing(1)→highs POOLED_HIGHS_OPTIONS (the root, then HiGHS)'] = () => packingBranchAndBound(countedTuned, 1);
chains['packing(1)→pair(20)→highs POOLED_HIGHS_OPTIONS'] = () => packingBranchAndBound(pairPackingBranchAndBound(countedTuned, 20), 1);
chains['packing(50)→highs POOLED_HIGHS_OPTIONS (no two-seat search)'] = () => packingBranchAndBound(countedTuned, 50);
const only = process.argv[3];
for (const [name, make] of Object.entries(chains)) {
  if (only && !new RegExp(only).test(name)) continue;
  const s = make();
  calls = 0;
  let wrong = 0;
  const t0 = process.cpuUsage();
  programs.forEach((p, i) => {
    const got = s.solve(p);
    if (!got || got.objective !== want[i]) wrong++;
  });
  const c = process.cpuUsage(t0);
  console.log(`${name.padEnd(40)} CPU ${((c.user + c.system) / 1e6).toFixed(2)} s, HiGHS calls ${calls}, objective ≠ HiGHS: ${wrong}`);
}
if (process.argv[4] === 'starts') {
  for (const budget of [1, 50, 500]) {
    let n = 0, opt = 0; const gaps: number[] = [];
    programs.forEach((p, i) => {
      packingBranchAndBound({ solve: (q, start) => { n++; let o = 0; for (let j = 0; j < q.colCount; j++) if (start![j]) o += q.cost[j]; if (o === want[i]) opt++; gaps.push(o - want[i]); return null; } }, budget).solve(p);
    });
    gaps.sort((a, b) => a - b);
    console.log(`budget ${budget}: ${n} handed on, start optimal in ${opt}, start gap median ${gaps[n >> 1]} p90 ${gaps[Math.floor(n * 0.9)]}`);
  }
}
