// The file format of recorded pooled programs (bench/pooled-programs.ts and the stress probe's STRESS_RECORD write it,
// bench/pooled-solvers.ts and bench/split-programs.ts replay it): a JSON array of set-packing programs, every
// coefficient 1 and every row at most 1, the first `partitionRows` rows being cars.
import { readFileSync, writeFileSync } from 'node:fs';
import type { BinaryProgram } from '../src/core/solve/ilp.js';

interface RecordedProgram {
  colCount: number;
  rowCount: number;
  partitionRows: number;
  cost: number[];
  colStart: number[];
  rowIndex: number[];
  /** BinaryProgram.rowKey where the program had one (recordings since session 30), for replays of the LP warm start */
  rowKey?: number[];
}

export function writeRecordedPrograms(file: string, programs: readonly BinaryProgram[]): void {
  const plain: RecordedProgram[] = programs.map((p) => ({
    colCount: p.colCount, rowCount: p.rowCount, partitionRows: p.partitionRows ?? 0,
    cost: Array.from(p.cost), colStart: Array.from(p.colStart), rowIndex: Array.from(p.rowIndex),
    ...(p.rowKey ? { rowKey: Array.from(p.rowKey) } : {}),
  }));
  writeFileSync(file, JSON.stringify(plain));
}

export function readRecordedPrograms(file: string): BinaryProgram[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RecordedProgram[];
  return raw.map((r) => {
    const rowIndex = Int32Array.from(r.rowIndex);
    return {
      colCount: r.colCount, rowCount: r.rowCount, partitionRows: r.partitionRows,
      cost: Float64Array.from(r.cost), colStart: Int32Array.from(r.colStart), rowIndex,
      value: new Float64Array(rowIndex.length).fill(1), rowLower: new Float64Array(r.rowCount), rowUpper: new Float64Array(r.rowCount).fill(1),
      ...(r.rowKey ? { rowKey: Int32Array.from(r.rowKey) } : {}),
    };
  });
}
