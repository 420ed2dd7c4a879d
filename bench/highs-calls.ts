// The HiGHS MIP calls of pooled's preset route (the chain below GIANT_PROGRAM_COLUMNS, splitByLp above) on recorded
// programs (STRESS_RECORD, bench/stress.ts), replayed with HiGHS option variants: CPU per variant by call size, and
// whether each variant returns the very same x as the presets' options on every call (identical decisions).
//   node --import tsx bench/highs-calls.ts PROGRAMS.json [minColumns=200] [every=1]
// VARIANTS='{"name":{"option":value}}' replaces the default variants; LPCHECK=1 also tries the LP first (a call whose
// LP relaxation is integral needs no branching) and reports how often that x is the MIP's.
import type { BinaryProgram, BinaryProgramSolution, BinaryProgramSolver } from '../src/core/solve/ilp.js';
import { splitByLp } from '../src/core/solve/split-by-fixing.js';
import { bySize } from '../src/core/solve/by-size.js';
import { twoSeatSolverChain } from '../src/core/solve/pair-packing.js';
import { GIANT_PROGRAM_COLUMNS, HIGHS_PART_COLUMNS, loadHighsBinarySolver, POOLED_HIGHS_OPTIONS, relaxWithHighs } from '../src/io/highs-ilp.js';
import { readRecordedPrograms } from './recorded-programs.js';
import { cpuS } from './machine.js';

const minColumns = Number(process.argv[3] ?? 200);
const every = Number(process.argv[4] ?? 1);
const programs: BinaryProgram[] = readRecordedPrograms(process.argv[2]).filter((p) => p.colCount >= minColumns).filter((_, i) => i % every === 0);
const base = await loadHighsBinarySolver();
const highs = base.withOptions(POOLED_HIGHS_OPTIONS);
interface Call { p: BinaryProgram; start?: Uint8Array; x: Uint8Array; objective: number; s: number; chain: boolean }
const calls: Call[] = [];
let inChain = false;
const recording = (chain: boolean): BinaryProgramSolver => ({
  solve(p, start) {
    const t = cpuS();
    const r = highs.solve(p, start)!;
    calls.push({ p, start: start?.slice(), x: r.x, objective: r.objective, s: cpuS() - t, chain: chain || inChain });
    return r;
  },
});
const chain = twoSeatSolverChain(recording(true));
const parts = bySize(chain, recording(false), HIGHS_PART_COLUMNS);
const route = bySize(chain, splitByLp(relaxWithHighs(highs), parts), GIANT_PROGRAM_COLUMNS);
const t0 = cpuS();
for (const p of programs) route.solve(p);
const buckets = [0, 50, 100, 200, 500, 1000, 2000, 5000, Infinity];
const bucketOf = (n: number): number => buckets.findIndex((b, i) => n >= b && n < buckets[i + 1]);
const report = (name: string, times: number[], same: boolean[]): void => {
  const rows: string[] = [];
  for (const chainCalls of [true, false]) {
    for (let b = 0; b < buckets.length - 1; b++) {
      let n = 0;
      let s = 0;
      let diff = 0;
      calls.forEach((c, i) => {
        if (c.chain !== chainCalls || bucketOf(c.p.colCount) !== b) return;
        n++;
        s += times[i];
        if (!same[i]) diff++;
      });
      if (n) rows.push(`${chainCalls ? 'chain' : 'part'} ${buckets[b]}–${buckets[b + 1]}: ${n} calls ${s.toFixed(2)} s${diff ? ` (${diff} other x)` : ''}`);
    }
  }
  const total = times.reduce((a, b) => a + b, 0);
  console.log(`${name}: Σ ${total.toFixed(2)} s, other x on ${same.filter((v) => !v).length} of ${calls.length}\n  ${rows.join('\n  ')}`);
};
console.log(`${programs.length} programs ≥ ${minColumns} cols: route ${(cpuS() - t0).toFixed(1)} s, ${calls.length} HiGHS MIP calls`);
report('recorded (presets)', calls.map((c) => c.s), calls.map(() => true));
const variants: Record<string, Record<string, string | number | boolean>> = process.env.VARIANTS ? JSON.parse(process.env.VARIANTS) : {
  'presets again': {},
  'symmetry off': { mip_detect_symmetry: false },
  'heuristic effort 0': { mip_heuristic_effort: 0 },
  'no restart': { mip_allow_restart: false },
  'no node cuts': { mip_allow_cut_separation_at_nodes: false },
};
const sameX = (a: Uint8Array, b: Uint8Array): boolean => a.every((v, j) => v === b[j]);
// Variants interleaved call by call (the order rotated), so that the machine's load falls on all of them alike.
const entries = Object.entries(variants).map(([name, opts]) => ({ name, s: base.withOptions({ ...POOLED_HIGHS_OPTIONS, ...opts }), times: [] as number[], same: [] as boolean[] }));
calls.forEach((c, i) => {
  for (let v = 0; v < entries.length; v++) {
    const e = entries[(v + i) % entries.length];
    const t = cpuS();
    const r: BinaryProgramSolution = e.s.solve(c.p, e.name === 'optimal start' ? c.x : c.start)!;
    e.times[i] = cpuS() - t;
    if (r.objective !== c.objective) throw new Error(`${e.name}: objective ${r.objective} ≠ ${c.objective}`);
    e.same[i] = sameX(r.x, c.x);
  }
});
for (const e of entries) report(e.name, e.times, e.same);
{
  // The calls whose start HiGHS returned unchanged (it was optimal) against the others.
  const kept = calls.map((c) => !!c.start && sameX(c.start, c.x));
  const s0 = entries[0].times;
  let a = 0;
  let b = 0;
  kept.forEach((k, i) => (k ? (a += s0[i]) : (b += s0[i])));
  console.log(`start returned unchanged: ${kept.filter((k) => k).length} calls ${a.toFixed(2)} s; improved: ${kept.filter((k) => !k).length} calls ${b.toFixed(2)} s`);
}
if (process.env.LPCHECK) {
  const relax = relaxWithHighs(highs);
  const times: number[] = [];
  const same: boolean[] = [];
  let integral = 0;
  for (const c of calls) {
    const t = cpuS();
    const r = relax.relax(c.p);
    times.push(cpuS() - t);
    const isInt = !!r && r.x.every((v) => Math.abs(v - Math.round(v)) < 1e-9);
    if (isInt) integral++;
    same.push(isInt && r!.x.every((v, j) => Math.round(v) === c.x[j]));
  }
  report(`LP alone (${integral} integral)`, times, same);
}
