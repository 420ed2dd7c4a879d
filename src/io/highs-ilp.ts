// BinaryProgramSolver backed by HiGHS (WASM): loaded once, warmed up once, then every solve is synchronous.
import highsLoader, { type Highs } from 'highs';
import type { BinaryProgram, BinaryProgramSolution, BinaryProgramSolver } from '../core/solve/ilp.js';
import { bySize } from '../core/solve/by-size.js';
import { splitByLp, type LpRelaxation } from '../core/solve/split-by-fixing.js';
import { twoSeatSolverChain } from '../core/solve/pair-packing.js';
import type { SolverThreads } from './solver-threads.js';

/** HiGHS through its structured (CSC) model API; the LP-text API was ~8× slower (STACK.md). */
export class HighsBinarySolver implements BinaryProgramSolver {
  constructor(
    private readonly highs: Highs,
    private readonly options: Record<string, string | number | boolean> = {},
  ) {}

  /** The same WASM instance with other HiGHS options (e.g. `{ presolve: 'off' }`). */
  withOptions(options: Record<string, string | number | boolean>): HighsBinarySolver {
    return new HighsBinarySolver(this.highs, options);
  }

  /** The program as a HiGHS model: columns in [0, 1], integer when `integer`, else its LP relaxation. */
  private createModel(p: BinaryProgram, integer: boolean) {
    const h = this.highs;
    return h.createModel({
      numCols: p.colCount,
      numRows: p.rowCount,
      colCost: p.cost,
      colLower: new Float64Array(p.colCount),
      colUpper: new Float64Array(p.colCount).fill(1),
      rowLower: p.rowLower.map((v) => (v === -Infinity ? -h.infinity : v)),
      rowUpper: p.rowUpper.map((v) => (v === Infinity ? h.infinity : v)),
      matrix: { format: 'csc', numRows: p.rowCount, numCols: p.colCount, starts: p.colStart, indices: p.rowIndex, values: p.value },
      ...(integer ? { integrality: new Int32Array(p.colCount).fill(h.constants.variableType.integer) } : {}),
    });
  }

  /**
   * The LP relaxation (see relaxWithHighs): first with LP_RELAXATION_OPTIONS over this solver's options, and if HiGHS
   * does not report that optimal, again with this solver's options alone.
   */
  relax(p: BinaryProgram): { x: Float64Array; rowDual: Float64Array } | null {
    if (p.colCount === 0) return null;
    return this.relaxWith(p, { ...this.options, ...LP_RELAXATION_OPTIONS }) ?? this.relaxWith(p, this.options);
  }

  private relaxWith(p: BinaryProgram, options: Record<string, string | number | boolean>): { x: Float64Array; rowDual: Float64Array } | null {
    const h = this.highs;
    const model = this.createModel(p, false);
    try {
      model.options.set({ output_flag: false, ...options });
      model.run();
      if (model.getModelStatus() !== h.constants.modelStatus.optimal) return null;
      const sol = model.getSolution();
      return { x: Float64Array.from(sol.colValue), rowDual: Float64Array.from(sol.rowDual) };
    } finally {
      model.dispose();
    }
  }

  solve(p: BinaryProgram, start?: Uint8Array): BinaryProgramSolution | null {
    if (p.colCount === 0) {
      for (let i = 0; i < p.rowCount; i++) if (p.rowLower[i] > 0 || p.rowUpper[i] < 0) return null;
      return { x: new Uint8Array(0), objective: 0 };
    }
    const h = this.highs;
    const model = this.createModel(p, true);
    try {
      // Exact: no relative gap. Callers give integer costs, so an absolute gap below 1 proves optimality.
      model.options.set({ output_flag: false, mip_rel_gap: 0, mip_abs_gap: 0.5, ...this.options });
      // A feasible start (the branch and bound's incumbent) lets the MIP prune from its first node.
      if (start) model.setSolution({ colValue: Float64Array.from(start) });
      model.run();
      const status = model.getModelStatus();
      if (status === h.constants.modelStatus.infeasible) return null;
      if (status !== h.constants.modelStatus.optimal) throw new Error(`HiGHS: binary program not solved to optimality (model status ${status})`);
      const col = model.getSolution().colValue;
      const x = new Uint8Array(p.colCount);
      let objective = 0;
      for (let j = 0; j < p.colCount; j++) {
        x[j] = col[j] > 0.5 ? 1 : 0;
        if (x[j]) objective += p.cost[j];
      }
      return { x, objective };
    } finally {
      model.dispose();
    }
  }
}

/**
 * The LP relaxation of p (x in [0, 1]) with this solver's options: x and the row duals, or null when HiGHS does not
 * report it optimal. For splitByLp (decision 0029), which trusts neither for exactness.
 */
export function relaxWithHighs(solver: HighsBinarySolver): LpRelaxation {
  return { relax: (p) => solver.relax(p) };
}

let shared: Promise<HighsBinarySolver> | undefined;

/**
 * The process-wide HiGHS binary solver: one WASM instance, loaded and warmed up (the first solve pays ~1 s) once.
 *
 * @example const solver = await loadHighsBinarySolver(); pooled({ solver })
 */
export function loadHighsBinarySolver(): Promise<HighsBinarySolver> {
  shared ??= highsLoader().then((highs) => {
    const s = new HighsBinarySolver(highs);
    s.solve({
      colCount: 2, rowCount: 1, cost: Float64Array.of(-1, -2), colStart: Int32Array.of(0, 1, 2), rowIndex: Int32Array.of(0, 0),
      value: Float64Array.of(1, 1), rowLower: Float64Array.of(0), rowUpper: Float64Array.of(1),
    });
    return s;
  });
  return shared;
}

/**
 * The solver chain of the `pooled` presets (decision 0026): packing branch and bound → two-seat dives → HiGHS with
 * POOLED_HIGHS_OPTIONS started from the best incumbent. Programs of GIANT_PROGRAM_COLUMNS or more skip the searches
 * (decision 0029): they are split exactly by LP reduced-cost fixing (splitByLp) and each part goes to the chain when
 * small or to HiGHS directly when it is itself giant.
 *
 * With `threads` (decision 0030) independent programs are also solved on its worker threads: splitByLp's parts, and
 * the programs of one batch below GIANT_PROGRAM_COLUMNS (a batch's giant programs are solved first, on this thread,
 * their parts on the workers). Every thread runs the same chain (pooledSolverParts), so the answers are those of the
 * single-threaded chain, program by program. The caller owns the pool and closes it.
 *
 * @example pooled({ solver: await loadPooledSolver() })
 */
export async function loadPooledSolver(threads?: SolverThreads): Promise<BinaryProgramSolver> {
  const { highs, chain, parts } = pooledSolverParts(await loadHighsBinarySolver());
  if (!threads) return bySize(chain, splitByLp(relaxWithHighs(highs), parts), GIANT_PROGRAM_COLUMNS);
  const threadedParts: BinaryProgramSolver = {
    solve: (p, start) => parts.solve(p, start),
    solveMany: (programs, starts) => threads.solveMany(programs, starts, parts, 'parts'),
  };
  const whole = bySize(chain, splitByLp(relaxWithHighs(highs), threadedParts), GIANT_PROGRAM_COLUMNS);
  // Below GIANT_PROGRAM_COLUMNS `whole` is `chain`: the workers answer those with theirs (not with `parts`, which
  // sends programs of HIGHS_PART_COLUMNS or more to HiGHS alone).
  return {
    solve: (p, start) => whole.solve(p, start),
    solveMany: (programs, starts) => threads.solveMany(programs, starts, whole, 'chain', GIANT_PROGRAM_COLUMNS),
  };
}

/**
 * The pieces of the pooled chain around one HiGHS instance, built the same way on the main thread and on every solver
 * thread: HiGHS with POOLED_HIGHS_OPTIONS, the two-seat chain in front of it, and `parts`, the solver of splitByLp's
 * parts (the chain, or HiGHS alone for a part of HIGHS_PART_COLUMNS or more).
 */
export function pooledSolverParts(base: HighsBinarySolver): { highs: HighsBinarySolver; chain: BinaryProgramSolver; parts: BinaryProgramSolver } {
  const highs = base.withOptions(POOLED_HIGHS_OPTIONS);
  const chain = twoSeatSolverChain(highs);
  return { highs, chain, parts: bySize(chain, highs, HIGHS_PART_COLUMNS) };
}

/**
 * Programs of this many columns or more skip the packing and two-seat searches (decision 0029): at metro density (the
 * 1,000,000-request stress day's morning peak) the searches never prove one, and HiGHS alone took 33–43 % less CPU
 * on them; split by splitByLp first, a third less again. San Francisco's programs stay below it (at most ~690 columns
 * on a 320-car day), so its decisions do not change.
 */
export const GIANT_PROGRAM_COLUMNS = 1_000;

/**
 * Parts of a split giant program (splitByLp) with this many columns or more go to HiGHS directly, smaller ones to the
 * chain (decision 0031). What the fixing leaves in a part of that size is a fractional core of the LP, which the
 * packing search's root does not prove: on the stress day's 08–09 h programs the chain's searches cost more than they
 * saved from ~30 columns. Only giant programs are split, so San Francisco never reaches this route.
 */
export const HIGHS_PART_COLUMNS = 100;

/**
 * HiGHS options added for the LP relaxation of splitByLp (decision 0031, tuning): no cost perturbation in the dual simplex.
 * HiGHS perturbs the costs against dual degeneracy, then has to clean the perturbation up; on the giant programs' LPs
 * (set packing, integer costs, highly degenerate) it made the dual simplex take more and dearer iterations. Where
 * HiGHS does not report the LP optimal without it, relax solves it again without these options. The LP is only ever
 * used for prices and a rounding (decision 0029), so no option here can change an optimum.
 */
export const LP_RELAXATION_OPTIONS: Readonly<Record<string, string | number | boolean>> = {
  dual_simplex_cost_perturbation_multiplier: 0,
};

/**
 * HiGHS options of the pooled chain (decisions 0026, 0028). Presolve off: on these ~100-row programs it costs more than
 * it saves. Four primal heuristics off (feasibility jump, RINS, RENS, root reduced cost): they cost a fixed few
 * milliseconds on every MIP call, even a trivial one, and the chain already hands HiGHS a good start; on 994 recorded
 * SF programs the MIP took 43–48 % less CPU without them, same objective on each. Options only change the search,
 * never the optimum (mip_rel_gap 0, mip_abs_gap 0.5 with integer costs).
 */
export const POOLED_HIGHS_OPTIONS: Readonly<Record<string, string | number | boolean>> = {
  presolve: 'off',
  mip_heuristic_run_feasibility_jump: false,
  mip_heuristic_run_rins: false,
  mip_heuristic_run_rens: false,
  mip_heuristic_run_root_reduced_cost: false,
};
