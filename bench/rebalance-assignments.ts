// Replays recorded rebalancer problems (bench/rebalance-record-hook.ts) through two assignment solvers, the base (a
// copy of src/core/solve/assignment.ts from another commit) and this tree's, on the same problems in alternating order:
// the same car → cell on every problem and the same cost, and the CPU of each.
//   node --import tsx bench/rebalance-assignments.ts DIR BASE_ASSIGNMENT_TS [repeats]
// e.g. git show main:src/core/solve/assignment.ts > /tmp/base/assignment.ts (it imports nothing).
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AssignmentSolver, type AssignmentProblem, type AssignmentResult } from '../src/core/solve/assignment.js';
import { decodeRebalanceProblem } from './rebalance-problems.js';

const [dir, basePath, repeatsArg] = process.argv.slice(2);
if (!dir || !basePath) throw new Error('usage: rebalance-assignments.ts DIR BASE_ASSIGNMENT_TS [repeats]');
const repeats = Number(repeatsArg ?? 1);
const base = (await import(pathToFileURL(resolve(basePath)).href)) as { AssignmentSolver: new () => { solve(p: AssignmentProblem): AssignmentResult } };
const files = readdirSync(dir).filter((f) => f.endsWith('.bin')).sort();
const problems = files.map((f) => decodeRebalanceProblem(readFileSync(`${dir}/${f}`)));
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};
const solvers = { base: new base.AssignmentSolver(), head: new AssignmentSolver() };
const total = { base: 0, head: 0 };
let differ = 0;
console.log(`${problems.length} problems from ${dir}; load ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
console.log('file        rows classes cols   edges  unassigned   base ms   head ms  ratio');
for (let i = 0; i < problems.length; i++) {
  const p = problems[i];
  const ms = { base: 0, head: 0 };
  const out: Partial<Record<'base' | 'head', AssignmentResult>> = {};
  for (let k = 0; k < repeats; k++) {
    for (const who of (k + i) % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const)) {
      const t = cpuMs();
      out[who] = solvers[who].solve(p);
      ms[who] += cpuMs() - t;
    }
  }
  const a = out.base!;
  const b = out.head!;
  let same = a.totalCost === b.totalCost && a.assignedCount === b.assignedCount;
  for (let r = 0; same && r < p.rowCount; r++) same = a.rowToCol[r] === b.rowToCol[r];
  if (!same) differ++;
  total.base += ms.base / repeats;
  total.head += ms.head / repeats;
  const classes = p.rowFirst.length - 1;
  console.log(
    `${files[i].padEnd(9)} ${String(p.rowCount).padStart(6)} ${String(classes).padStart(7)} ${String(p.colCount).padStart(4)} ${String(p.rowFirst[classes]).padStart(7)}` +
      ` ${String(p.rowCount - a.assignedCount).padStart(11)} ${(ms.base / repeats).toFixed(1).padStart(9)} ${(ms.head / repeats).toFixed(1).padStart(9)}` +
      ` ${(ms.head / ms.base).toFixed(2).padStart(6)}${same ? '' : '  DIFFERENT PLAN'}`,
  );
}
console.log(`total base ${total.base.toFixed(0)} ms, head ${total.head.toFixed(0)} ms, head/base ${(total.head / total.base).toFixed(3)}; ${differ} of ${problems.length} problems with a different plan; load ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
