// One reader and writer of recorded rebalancer problems (bench/rebalance-record-hook.ts writes, bench/rebalance-assignments.ts
// replays): a 4-word header (rows, columns, classes, edges), then rowFirst, col, cost (f64), unassignedCost (f64),
// colCapacity (i32), rowClass (i32), little-endian, as the rebalancer builds them.
import type { AssignmentProblem } from '../src/core/solve/assignment.js';

export function encodeRebalanceProblem(p: AssignmentProblem): Uint8Array {
  const classes = p.rowFirst.length - 1;
  const edges = p.rowFirst[classes];
  const parts: ArrayBufferView[] = [
    Uint32Array.of(p.rowCount, p.colCount, classes, edges),
    Uint32Array.from(p.rowFirst),
    Uint32Array.from(p.col.subarray(0, edges)),
    Float64Array.from(p.cost.subarray(0, edges)),
    Float64Array.from(p.unassignedCost.subarray(0, classes)),
    p.colCapacity ? Int32Array.from(p.colCapacity.subarray(0, p.colCount)) : new Int32Array(p.colCount).fill(1),
    Int32Array.from(p.rowClass ?? Int32Array.from({ length: p.rowCount }, (_, r) => r)),
  ];
  const out = new Uint8Array(parts.reduce((s, a) => s + a.byteLength, 0));
  let at = 0;
  for (const a of parts) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return out;
}

export function decodeRebalanceProblem(bytes: Uint8Array): AssignmentProblem {
  let at = 0;
  const take = (n: number, size: number): ArrayBuffer => {
    const b = bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + n * size);
    at += n * size;
    return b as ArrayBuffer;
  };
  const [rowCount, colCount, classes, edges] = new Uint32Array(take(4, 4));
  const rowFirst = new Uint32Array(take(classes + 1, 4));
  const col = new Uint32Array(take(edges, 4));
  const cost = new Float64Array(take(edges, 8));
  const unassignedCost = new Float64Array(take(classes, 8));
  const colCapacity = new Int32Array(take(colCount, 4));
  const rowClass = new Int32Array(take(rowCount, 4));
  return { rowCount, colCount, rowFirst, col, cost, unassignedCost, colCapacity, rowClass };
}
