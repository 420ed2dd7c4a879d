// Replays recorded rebalancer problems (bench/rebalance-record-hook.ts) through the row-by-row AssignmentSolver and the
// class-by-class TransportationSolver (decision record 0037), alternating which goes first: the same least total cost
// and the same number of cars placed on every problem (the plans may differ among equally cheap ones), and the CPU of
// each, and the transportation solver's number of searches.
//   node --import tsx bench/rebalance-transportation.ts DIR [repeats]
import { readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { AssignmentSolver } from '../src/core/solve/assignment.js';
import { TransportationSolver } from '../src/core/solve/transportation.js';
import { decodeRebalanceProblem } from './rebalance-problems.js';
import { writeResult } from './machine.js';

const [dir, repeatsArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: rebalance-transportation.ts DIR [repeats]');
const repeats = Number(repeatsArg ?? 3);
const files = readdirSync(dir).filter((f) => f.endsWith('.bin')).sort();
if (files.length === 0) throw new Error(`${dir}: no recorded problems (*.bin; see bench/rebalance-record-hook.ts)`);
const problems = files.map((f) => decodeRebalanceProblem(readFileSync(`${dir}/${f}`)));
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};
const assignment = new AssignmentSolver();
const transportation = new TransportationSolver();
const rows: { file: string; rows: number; classes: number; cols: number; edges: number; assignmentMs: number; transportationMs: number; searches: number; totalCost: number }[] = [];
let differ = 0;
console.log(`${problems.length} problems from ${dir}, ${repeats} repeats each; load ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
console.log('file        rows classes cols   edges  searches  assignment ms  transportation ms  ratio');
for (let i = 0; i < problems.length; i++) {
  const p = problems[i];
  const ms = { a: [] as number[], t: [] as number[] };
  let costA = NaN;
  let costT = NaN;
  let placedA = -1;
  let placedT = -1;
  let searches = 0;
  for (let k = 0; k < repeats; k++) {
    for (const who of (k + i) % 2 === 0 ? (['a', 't'] as const) : (['t', 'a'] as const)) {
      const t0 = cpuMs();
      if (who === 'a') {
        const r = assignment.solve(p);
        ms.a.push(cpuMs() - t0);
        costA = r.totalCost;
        placedA = r.assignedCount;
      } else {
        const r = transportation.solve(p);
        ms.t.push(cpuMs() - t0);
        costT = r.totalCost;
        placedT = r.assignedCount;
        searches = r.searches;
      }
    }
  }
  const median = (x: number[]): number => [...x].sort((a, b) => a - b)[x.length >> 1];
  const same = costA === costT && placedA === placedT;
  if (!same) differ++;
  const classes = p.rowFirst.length - 1;
  const row = { file: files[i], rows: p.rowCount, classes, cols: p.colCount, edges: p.rowFirst[classes], assignmentMs: median(ms.a), transportationMs: median(ms.t), searches, totalCost: costT };
  rows.push(row);
  console.log(
    `${row.file.padEnd(9)} ${String(row.rows).padStart(6)} ${String(classes).padStart(7)} ${String(row.cols).padStart(4)} ${String(row.edges).padStart(7)} ${String(searches).padStart(9)}` +
      ` ${row.assignmentMs.toFixed(1).padStart(14)} ${row.transportationMs.toFixed(1).padStart(18)} ${(row.transportationMs / row.assignmentMs).toFixed(2).padStart(6)}` +
      (same ? '' : `  DIFFERENT OPTIMUM (cost ${costA} / ${costT}, placed ${placedA} / ${placedT})`),
  );
}
const sumA = rows.reduce((s, r) => s + r.assignmentMs, 0);
const sumT = rows.reduce((s, r) => s + r.transportationMs, 0);
console.log(`total assignment ${sumA.toFixed(0)} ms, transportation ${sumT.toFixed(0)} ms, ratio ${(sumT / sumA).toFixed(3)}; ${differ} of ${problems.length} with a different optimum; load ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
writeResult(`rebalance-transportation-${basename(resolve(dir)).replace(/[^a-z0-9-]/gi, '')}`, { dir, repeats, differ, assignmentMs: sumA, transportationMs: sumT, problems: rows });
if (differ > 0) process.exitCode = 1;
