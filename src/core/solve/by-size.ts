// Routes 0/1 programs to one of two solvers by their number of columns.

import type { BinaryProgram, BinaryProgramSolution, BinaryProgramSolver } from './ilp.js';

/**
 * Programs of at least `minColumns` columns go to `large`, the others to `small` (each with the caller's start). Both
 * must be exact: the objective is then the optimum either way, and only which of equal optima is returned may depend
 * on the route (decision 0026's tie rule).
 *
 * Used by the presets (decision 0029): pooled's giant programs at metro density (thousands of columns, many
 * must-serve requests at a 10⁷ s penalty) go straight to HiGHS, where the packing search's Lagrangian root and the
 * two-seat dives never prove one and only add their own cost.
 *
 * @example bySize(twoSeatSolverChain(highs), highs, 1_000)
 */
export function bySize(small: BinaryProgramSolver, large: BinaryProgramSolver, minColumns: number): BinaryProgramSolver {
  if (!(minColumns >= 0)) throw new Error(`bySize: minColumns must be ≥ 0 (got ${minColumns})`);
  return {
    solve(p: BinaryProgram, start?: Uint8Array): BinaryProgramSolution | null {
      return (p.colCount >= minColumns ? large : small).solve(p, start);
    },
  };
}
