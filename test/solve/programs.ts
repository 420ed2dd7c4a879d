// Set-packing 0/1 programs for solver tests, as pooled builds them: every coefficient 1, every row at most 1, the
// first `partitionRows` rows being cars (each column covers one car and one or two requests).
import type { Rng } from '../../src/core/random.js';
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

/**
 * A pooled-like random program: car rows first, each column one car plus one request (single) or two (pair). Each
 * request's penalty is 660–959 s, and a share `mustServeShare` of them add 10⁷ s (must-serve). Pairs are often cheaper
 * than two singles: the cases where the singles' assignment is not optimal.
 */
export function twoSeatProgram(rng: Rng, cars: number, requests: number, pairsPerCar: number, singlesPerCar: number, mustServeShare = 0.2): BinaryProgram {
  const penalty = Array.from({ length: requests }, () => 660 + rng.int(300) + (rng.next() < mustServeShare ? 1e7 : 0));
  const colStart: number[] = [0];
  const rowIndex: number[] = [];
  const cost: number[] = [];
  for (let v = 0; v < cars; v++) {
    const reach = Array.from({ length: singlesPerCar }, () => rng.int(requests));
    for (const r of new Set(reach)) {
      rowIndex.push(v, cars + r);
      cost.push(rng.int(400) - penalty[r]);
      colStart.push(rowIndex.length);
    }
    for (let t = 0; t < pairsPerCar; t++) {
      const [a, b] = [reach[rng.int(reach.length)], reach[rng.int(reach.length)]];
      if (a === b) continue;
      rowIndex.push(v, cars + Math.min(a, b), cars + Math.max(a, b));
      cost.push(200 + rng.int(500) - penalty[a] - penalty[b]);
      colStart.push(rowIndex.length);
    }
  }
  return packingProgram(colStart, rowIndex, cost, cars + requests, cars);
}
