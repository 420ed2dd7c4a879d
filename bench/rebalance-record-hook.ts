// Preload for any benchmark run that records the rebalancer's transportation problems (the TransportationSolver's
// solves, and any AssignmentSolver solve given `rowClass`, as the rebalancer's were before decision 0037) for
// bench/rebalance-transportation.ts and bench/rebalance-assignments.ts to replay:
//   REBALANCE_RECORD=DIR [REBALANCE_RECORD_FROM=k] node --max-old-space-size=4096 --import tsx \
//     --import ./bench/rebalance-record-hook.ts bench/stress.ts
// writes DIR/NNNN.bin for the k-th solve on (0-based; default 0) and DIR/index.json with every solve's size and CPU.
// The solver's answer is untouched: the hook only copies the input and times the call.
import { mkdirSync, writeFileSync } from 'node:fs';
import { AssignmentSolver, type AssignmentProblem } from '../src/core/solve/assignment.js';
import { TransportationSolver } from '../src/core/solve/transportation.js';
import { encodeRebalanceProblem } from './rebalance-problems.js';

const dir = process.env.REBALANCE_RECORD;
if (dir) {
  const from = Number(process.env.REBALANCE_RECORD_FROM ?? 0);
  mkdirSync(dir, { recursive: true });
  const index: { seq: number; rows: number; classes: number; cols: number; edges: number; cpuMs: number; file?: string }[] = [];
  let seq = 0;
  const record = <R>(p: AssignmentProblem, solve: () => R): R => {
    const k = seq++;
    const file = k >= from ? `${String(k).padStart(4, '0')}.bin` : undefined;
    if (file) writeFileSync(`${dir}/${file}`, encodeRebalanceProblem(p));
    const c0 = process.cpuUsage();
    const out = solve();
    const c = process.cpuUsage(c0);
    const classes = p.rowFirst.length - 1;
    index.push({ seq: k, rows: p.rowCount, classes, cols: p.colCount, edges: p.rowFirst[classes], cpuMs: (c.user + c.system) / 1e3, ...(file ? { file } : {}) });
    writeFileSync(`${dir}/index.json`, JSON.stringify(index));
    return out;
  };
  const assignment = AssignmentSolver.prototype;
  const assignmentSolve = assignment.solve;
  assignment.solve = function (this: AssignmentSolver, p: AssignmentProblem) {
    return p.rowClass ? record(p, () => assignmentSolve.call(this, p)) : assignmentSolve.call(this, p);
  };
  const transportation = TransportationSolver.prototype;
  const transportationSolve = transportation.solve;
  transportation.solve = function (this: TransportationSolver, p: AssignmentProblem) {
    return record(p, () => transportationSolve.call(this, p));
  };
}
