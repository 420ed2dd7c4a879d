// Where the two-seat chain's time goes on recorded pooled programs (STRESS_RECORD, bench/stress.ts) of a column range:
// the packing search (its Lagrangian root and nodes), the two-seat search, HiGHS; how many programs each stage proves,
// and how far the start HiGHS gets is from the optimum it returns.
//   node --import tsx bench/chain-analyse.ts PROGRAMS.json [minColumns=200] [maxColumns=999]
import type { BinaryProgram, BinaryProgramSolver } from '../src/core/solve/ilp.js';
import { packingBranchAndBound } from '../src/core/solve/ilp.js';
import { pairPackingBranchAndBound, CHAIN_PACKING_NODES, CHAIN_PAIR_NODES } from '../src/core/solve/pair-packing.js';
import { loadHighsBinarySolver, POOLED_HIGHS_OPTIONS } from '../src/io/highs-ilp.js';
import { createHash } from 'node:crypto';
import { readRecordedPrograms } from './recorded-programs.js';
import { cpuS } from './machine.js';

const minColumns = Number(process.argv[3] ?? 200);
const maxColumns = Number(process.argv[4] ?? 999);
const programs: BinaryProgram[] = readRecordedPrograms(process.argv[2]).filter((p) => p.colCount >= minColumns && p.colCount <= maxColumns);
const highs = (await loadHighsBinarySolver()).withOptions(POOLED_HIGHS_OPTIONS);
let highsS = 0;
let highsCalls = 0;
let pairS = 0;
let pairCalls = 0;
let startGapSum = 0;
let startOptimal = 0;
let highsCols = 0;
const timedHighs: BinaryProgramSolver = {
  solve(p, s) {
    const t = cpuS();
    const r = highs.solve(p, s);
    highsS += cpuS() - t;
    highsCalls++;
    highsCols += p.colCount;
    if (r && s) {
      let so = 0;
      for (let j = 0; j < p.colCount; j++) if (s[j]) so += p.cost[j];
      startGapSum += so - r.objective;
      if (so - r.objective < 0.5) startOptimal++;
    }
    return r;
  },
};
const pair = pairPackingBranchAndBound(timedHighs, CHAIN_PAIR_NODES);
const timedPair: BinaryProgramSolver = {
  solve(p, s) {
    const t = cpuS();
    const r = pair.solve(p, s);
    pairS += cpuS() - t;
    pairCalls++;
    return r;
  },
};
const chain = packingBranchAndBound(timedPair, CHAIN_PACKING_NODES);
const t0 = cpuS();
let objSum = 0;
const hash = createHash('sha256');
for (const p of programs) {
  const r = chain.solve(p)!;
  objSum += r.objective;
  hash.update(r.x);
}
const total = cpuS() - t0;
console.log(`${programs.length} programs ${minColumns}–${maxColumns} cols: chain ${total.toFixed(2)} s; packing search ${(total - pairS).toFixed(2)} s (proved ${programs.length - pairCalls}); two-seat search ${(pairS - highsS).toFixed(2)} s (${pairCalls} calls, proved ${pairCalls - highsCalls}); HiGHS ${highsS.toFixed(2)} s (${highsCalls} calls, Σ cols ${highsCols}, start optimal ${startOptimal}, mean start−opt ${(startGapSum / Math.max(1, highsCalls)).toExponential(2)}); Σ objective ${objSum}, answers sha256 ${hash.digest('hex').slice(0, 12)}`);
