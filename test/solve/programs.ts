// Set-packing 0/1 programs for solver tests, as pooled builds them: every coefficient 1, every row at most 1, the
// first `partitionRows` rows being cars (each column covers one car and one or two requests).
import type { BinaryProgram } from '../../src/core/solve/ilp.js';

/** The program of columns given in CSR form (`colStart`, `rowIndex`) with their costs, over `rows` rows. */
export function packingProgram(colStart: readonly number[], rowIndex: readonly number[], cost: readonly number[], rows: number, partitionRows: number): BinaryProgram {
  return {
    colCount: cost.length,
    rowCount: rows,
    cost: Float64Array.from(cost),
    colStart: Int32Array.from(colStart),
    rowIndex: Int32Array.from(rowIndex),
    value: new Float64Array(rowIndex.length).fill(1),
    rowLower: new Float64Array(rows),
    rowUpper: new Float64Array(rows).fill(1),
    partitionRows,
  };
}
