// Where splitByLp's time goes on recorded programs (STRESS_RECORD, bench/stress.ts): LP CPU, the optimum's gap to the
// Lagrangian bound, part sizes and the solver's CPU per part size (decision 0031 was tuned with it).
//   node --import tsx bench/split-analyse.ts PROGRAMS.json [minColumns=1000]
// STEP=k every k-th program; LADDER=200,500 the restricted rounds (default the presets'); PART_MIN=n parts of n
// columns or more to HiGHS (default HIGHS_PART_COLUMNS); PART_OPTS='{"option":value}' HiGHS options for the parts;
// GAPS=1 prints, for every part of ≥ 500 columns, its start's and its optimum's distance to its own LP.
import type { BinaryProgram, BinaryProgramSolver } from '../src/core/solve/ilp.js';
import { lagrangianBound, RESTRICT_LADDER_S, splitByLp, type LpRelaxation, type SplitStats } from '../src/core/solve/split-by-fixing.js';
import { HIGHS_PART_COLUMNS, loadHighsBinarySolver, POOLED_HIGHS_OPTIONS, relaxWithHighs } from '../src/io/highs-ilp.js';
import { bySize } from '../src/core/solve/by-size.js';
import { twoSeatSolverChain } from '../src/core/solve/pair-packing.js';
import { readRecordedPrograms } from './recorded-programs.js';
import { cpuS } from './machine.js';

const minColumns = Number(process.argv[3] ?? 1000);
const step = Number(process.env.STEP ?? 1);
const ladder = process.env.LADDER ? process.env.LADDER.split(',').map(Number) : RESTRICT_LADDER_S;
const programs: BinaryProgram[] = readRecordedPrograms(process.argv[2]).filter((p) => p.colCount >= minColumns).filter((_, i) => i % step === 0);
const highs = (await loadHighsBinarySolver()).withOptions(POOLED_HIGHS_OPTIONS);
let lpS = 0;
let lastMu: Float64Array | null = null;
const lp0 = relaxWithHighs(highs);
const lp: LpRelaxation = {
  relax(p) {
    const t = cpuS();
    const r = lp0.relax(p);
    lpS += cpuS() - t;
    if (r) lastMu = Float64Array.from(r.rowDual, (d, i) => (i < (p.partitionRows ?? 0) ? 0 : Math.max(0, -d)));
    return r;
  },
};
const partGaps: string[] = [];
const buckets = [0, 50, 200, 500, 1000, 2000, 5000, Infinity];
const partCount = new Array(buckets.length - 1).fill(0);
const partS = new Array(buckets.length - 1).fill(0);
const partCols = new Array(buckets.length - 1).fill(0);
const timedMip = (inner: BinaryProgramSolver): BinaryProgramSolver => ({
  solve(p, s) {
    const t = cpuS();
    const r = inner.solve(p, s);
    const b = buckets.findIndex((x, i) => p.colCount >= x && p.colCount < buckets[i + 1]);
    partCount[b]++;
    partS[b] += cpuS() - t;
    partCols[b] += p.colCount;
    if (process.env.GAPS && p.colCount >= 500 && r && s) {
      const rel = lp0.relax(p)!;
      let lpv = 0;
      let so = 0;
      for (let j = 0; j < p.colCount; j++) {
        lpv += rel.x[j] * p.cost[j];
        if (s[j]) so += p.cost[j];
      }
      partGaps.push(`${p.colCount}: start−LP ${(so - lpv).toFixed(0)}, opt−LP ${(r.objective - lpv).toFixed(0)}`);
    }
    return r;
  },
});
const stats: SplitStats = { programs: 0, columns: 0, keptColumns: 0, parts: 0, largestPart: 0, secondRounds: 0, reusedParts: 0, refined: 0, settled: 0 };
const partHighs = highs.withOptions({ ...POOLED_HIGHS_OPTIONS, ...JSON.parse(process.env.PART_OPTS ?? '{}') });
const split = splitByLp(lp, timedMip(bySize(twoSeatSolverChain(partHighs), partHighs, Number(process.env.PART_MIN ?? HIGHS_PART_COLUMNS))), stats, ladder);
const gaps: number[] = [];
let objSum = 0;
const t0 = cpuS();
for (const p of programs) {
  const got = split.solve(p)!;
  const carOf = Int32Array.from({ length: p.colCount }, (_, j) => p.rowIndex[p.colStart[j]]);
  const L = lagrangianBound(p, carOf, lastMu!).bound;
  gaps.push(got.objective - L);
  objSum += got.objective;
}
const total = cpuS() - t0;
const q = (xs: number[], f: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(f * xs.length))];
console.log(`ladder [${ladder}]: ${programs.length} programs ≥ ${minColumns} columns: CPU ${total.toFixed(1)} s, LP ${lpS.toFixed(1)} s, exact rounds after restricted ${stats.secondRounds}, parts reused ${stats.reusedParts}, refined away ${stats.refined} cols, Σ objective ${objSum}`);
console.log(`optimum − L: p50 ${q(gaps, 0.5).toFixed(0)}, p90 ${q(gaps, 0.9).toFixed(0)}, p99 ${q(gaps, 0.99).toFixed(0)}, max ${q(gaps, 1).toFixed(0)}`);
for (let b = 0; b < partCount.length; b++) {
  if (partCount[b]) console.log(`parts ${buckets[b]}–${buckets[b + 1]} cols: ${partCount[b]}, Σ cols ${partCols[b]}, MIP CPU ${partS[b].toFixed(1)} s`);
}
if (process.env.GAPS) console.log(partGaps.join('\n'));
