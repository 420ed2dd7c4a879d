// Simplex bases of a 0/1 program's LP relaxation, as data: what one LP hands the next one to start from (decisions 0032,
// 0036). An LP engine in io/ reads and writes them; the core only carries and restricts them.

/** Status codes of a basis entry (HiGHS's): 0 at its lower bound, 1 basic (2, at its upper bound, is not named here). */
export const BASIS_LOWER = 0;
export const BASIS_BASIC = 1;

/** A simplex basis: one status per column and per row (a row's status is its slack's). */
export interface LpBasis {
  colStatus: Int32Array;
  rowStatus: Int32Array;
}

/** Basic entries of a basis, columns and rows: an LP engine can start from it only with exactly rowCount. */
export function basicCount(basis: LpBasis): number {
  let basic = 0;
  for (const s of basis.colStatus) if (s === BASIS_BASIC) basic++;
  for (const s of basis.rowStatus) if (s === BASIS_BASIC) basic++;
  return basic;
}

/**
 * Repairs a basis in place to exactly rowStatus.length basic entries: surplus basic columns made nonbasic at their
 * lower bound from the last column down, then surplus basic rows; missing ones made up by the last nonbasic rows'
 * slacks. The result may still be singular; the LP engine then replaces what it must (a start, never an answer).
 */
export function repairBasis(basis: LpBasis): LpBasis {
  const { colStatus, rowStatus } = basis;
  const m = rowStatus.length;
  let basic = basicCount(basis);
  for (let j = colStatus.length - 1; j >= 0 && basic > m; j--) if (colStatus[j] === BASIS_BASIC) (colStatus[j] = BASIS_LOWER), basic--;
  for (let i = m - 1; i >= 0 && basic > m; i--) if (rowStatus[i] === BASIS_BASIC) (rowStatus[i] = BASIS_LOWER), basic--;
  for (let i = m - 1; i >= 0 && basic < m; i--) if (rowStatus[i] !== BASIS_BASIC) (rowStatus[i] = BASIS_BASIC), basic++;
  return basis;
}

/** Whether `basis` fits a program of these dimensions with exactly rowCount basic (what an LP engine can start from). */
export function fitsProgram(basis: LpBasis | undefined, colCount: number, rowCount: number): basis is LpBasis {
  return !!basis && basis.colStatus.length === colCount && basis.rowStatus.length === rowCount && basicCount(basis) === rowCount;
}
