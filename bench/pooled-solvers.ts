// Replays recorded pooled programs (bench/pooled-programs.ts) through solver chains: CPU time, HiGHS calls, and the
// objective of each program compared with HiGHS's.
//   node --import tsx bench/pooled-solvers.ts PROGRAMS.json
import { readFileSync } from 'node:fs';
import { type BinaryProgram, type BinaryProgramSolver, packingBranchAndBound } from '../src/core/solve/ilp.js';
import { pairPackingBranchAndBound } from '../src/core/solve/pair-packing.js';
import { loadHighsBinarySolver } from '../src/io/highs-ilp.js';

const raw = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Array<Record<string, number | number[]>>;
const programs: BinaryProgram[] = raw.map((r) => {
  const rowIndex = Int32Array.from(r.rowIndex as number[]);
  const rowCount = r.rowCount as number;
  return {
    colCount: r.colCount as number, rowCount, partitionRows: r.partitionRows as number,
    cost: Float64Array.from(r.cost as number[]), colStart: Int32Array.from(r.colStart as number[]), rowIndex,
    value: new Float64Array(rowIndex.length).fill(1), rowLower: new Float64Array(rowCount), rowUpper: new Float64Array(rowCount).fill(1),
  };
});
const highs = await loadHighsBinarySolver();
let calls = 0;
const counted: BinaryProgramSolver = { solve: (p, start) => (calls++, highs.solve(p, start)) };
const noPresolve = highs.withOptions({ presolve: 'off' });
const countedNp: BinaryProgramSolver = { solve: (p, start) => (calls++, noPresolve.solve(p, start)) };
const want = programs.map((p) => highs.solve(p)!.objective);
const chains: Record<string, () => BinaryProgramSolver> = {
  'highs': () => counted,
  'packing(2000)→highs': () => packingBranchAndBound(counted),
  'packing(2000)→pair(200)→highs': () => packingBranchAndBound(pairPackingBranchAndBound(counted)),
  'packing(50)→highs': () => packingBranchAndBound(counted, 50),
  'packing(2000)→highs(presolve off)': () => packingBranchAndBound(countedNp),
  'packing(200)→highs(presolve off)': () => packingBranchAndBound(countedNp, 200),
  'packing(50)→highs(presolve off)': () => packingBranchAndBound(countedNp, 50),
  'packing(200)→highs': () => packingBranchAndBound(counted, 200),
  'packing(500)→highs': () => packingBranchAndBound(counted, 500),
};
export function withTriangles(p: BinaryProgram): BinaryProgram {
  const parts = p.partitionRows!;
  const key = (a: number, b: number) => a * 100000 + b;
  const pairCols = new Map<number, number[]>();
  const adj = new Map<number, Set<number>>();
  for (let j = 0; j < p.colCount; j++) {
    if (p.colStart[j + 1] - p.colStart[j] !== 3) continue;
    let a = p.rowIndex[p.colStart[j] + 1], b = p.rowIndex[p.colStart[j] + 2];
    if (a > b) [a, b] = [b, a];
    const k = key(a, b);
    if (!pairCols.has(k)) { pairCols.set(k, []); (adj.get(a) ?? adj.set(a, new Set()).get(a)!).add(b); (adj.get(b) ?? adj.set(b, new Set()).get(b)!).add(a); }
    pairCols.get(k)!.push(j);
  }
  const extra: number[][] = [];
  for (const [a, na] of adj) for (const b of na) if (b > a) for (const c of adj.get(b)!) if (c > b && na.has(c)) {
    extra.push([...pairCols.get(key(a, b))!, ...pairCols.get(key(b, c))!, ...pairCols.get(key(a, c))!]);
  }
  const colRows: number[][] = [];
  for (let j = 0; j < p.colCount; j++) colRows.push(Array.from(p.rowIndex.subarray(p.colStart[j], p.colStart[j + 1])));
  extra.forEach((cols, t) => { for (const j of cols) colRows[j].push(p.rowCount + t); });
  const colStart = new Int32Array(p.colCount + 1); const ri: number[] = [];
  colRows.forEach((rs, j) => { ri.push(...rs); colStart[j + 1] = ri.length; });
  const rowCount = p.rowCount + extra.length;
  return { ...p, rowCount, colStart, rowIndex: Int32Array.from(ri), value: new Float64Array(ri.length).fill(1), rowLower: new Float64Array(rowCount), rowUpper: new Float64Array(rowCount).fill(1) };
}

const triChain = (budget: number, fb: BinaryProgramSolver): BinaryProgramSolver => ({
  solve(p) {
    const inner = packingBranchAndBound({ solve: (_q, start) => fb.solve(p, start) }, budget);
    return inner.solve(withTriangles(p));
  },
});
const nullSolver: BinaryProgramSolver = { solve: () => (calls++, null) };
for (const b of [5, 20, 60]) chains[`packing(50)→pair(${b})→highs(presolve off)`] = () => packingBranchAndBound(pairPackingBranchAndBound(countedNp, b), 50);
chains['packing(1)→none'] = () => packingBranchAndBound(nullSolver, 1);
chains['packing(50)→none'] = () => packingBranchAndBound(nullSolver, 50);
chains['tri+packing(50)→highs(presolve off)'] = () => triChain(50, countedNp);
chains['tri+packing(500)→highs(presolve off)'] = () => triChain(500, countedNp);
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
