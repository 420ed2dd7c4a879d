// BinaryProgramSolver backed by HiGHS (WASM): loaded once, warmed up once, then every solve is synchronous.
import highsLoader, { type Highs } from 'highs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BinaryProgram, BinaryProgramSolution, BinaryProgramSolver } from '../core/solve/ilp.js';
import { bySize } from '../core/solve/by-size.js';
import { splitByLp, type LpRelaxation } from '../core/solve/split-by-fixing.js';
import { branchAndCut, type IncrementalLp } from '../core/solve/branch-and-cut.js';
import { twoSeatSolverChain } from '../core/solve/pair-packing.js';
import { BASIS_BASIC, BASIS_LOWER, fitsProgram, repairBasis, type LpBasis } from '../core/solve/lp-basis.js';
import type { SolverThreads } from './solver-threads.js';

/** HiGHS through its structured (CSC) model API; the LP-text API was ~8× slower (STACK.md). */
export class HighsBinarySolver implements BinaryProgramSolver {
  constructor(
    private readonly highs: Highs,
    private readonly options: Record<string, string | number | boolean> = {},
    /** HiGHS's C functions on the same WASM instance (see NativeHighs); without them, highs-js's model API. */
    private readonly native?: NativeHighs,
  ) {}

  /** The same WASM instance with other HiGHS options (e.g. `{ presolve: 'off' }`). */
  withOptions(options: Record<string, string | number | boolean>): HighsBinarySolver {
    return new HighsBinarySolver(this.highs, options, this.native);
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
    return this.relaxWith(p, { ...this.options, ...LP_RELAXATION_OPTIONS }, null) ?? this.relaxWith(p, this.options, null);
  }

  /**
   * The LP relaxation started from `basis` (decision 0032): HiGHS status codes per column and per row (0 at lower, 1
   * basic, 2 at upper), with exactly rowCount basic. Where HiGHS refuses that basis, or does not report the LP optimal
   * from it, the cold relax. Also returns the optimal basis (for the next program's start), the simplex iterations, and
   * whether the start was taken. Without HiGHS's C functions (NativeHighs), always cold and without a basis.
   */
  relaxFrom(p: BinaryProgram, basis?: LpBasis): WarmRelaxation | null {
    if (p.colCount === 0) return null;
    if (!this.native) {
      const cold = this.relax(p);
      return cold && { ...cold, warm: false, iterations: 0 };
    }
    const options = { ...this.options, ...LP_RELAXATION_OPTIONS };
    // HiGHS's setBasis takes a basis without rowCount basic entries but then drops it at run (a cold solve, stated
    // as warm): such a basis, or one of the wrong length, is refused here.
    if (fitsProgram(basis, p.colCount, p.rowCount)) {
      const warm = this.relaxWith(p, options, basis);
      if (warm) return { ...warm, iterations: warm.iterations ?? 0, warm: true };
    }
    const cold = this.relaxWith(p, options, undefined) ?? this.relaxWith(p, this.options, undefined);
    return cold && { ...cold, iterations: cold.iterations ?? 0, warm: false };
  }

  private relaxWith(p: BinaryProgram, options: Record<string, string | number | boolean>, basis: LpBasis | null | undefined): (LpSolution & { basis?: LpBasis; iterations?: number }) | null {
    const h = this.highs;
    const native = this.native;
    if (native) {
      const ptr = native.model(p, false, { output_flag: false, ...options });
      try {
        // `basis` undefined: a cold solve that also reports its basis; null (relax): a cold solve, x and duals only.
        if (basis && native.setBasis(ptr, basis) === -1) return null;
        native.run(ptr);
        if (native.modelStatus(ptr) !== h.constants.modelStatus.optimal) return null;
        const sol = native.solution(ptr, p.colCount, p.rowCount);
        if (basis === null) return sol;
        return { ...sol, basis: native.basis(ptr, p.colCount, p.rowCount), iterations: native.iterations(ptr) };
      } finally {
        native.destroy(ptr);
      }
    }
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

  /**
   * openLp's LPs: opened, started from BinaryProgram.startBasis, of those solved again cold, and the simplex iterations
   * of every LP's first solve (for benchmarks and tests).
   */
  readonly openLpStats = { opened: 0, warm: 0, warmRefused: 0, firstIterations: 0 };

  /**
   * The LP relaxation of p kept open in its own HiGHS instance (IncrementalLp, for branchAndCut): the first solve from
   * p.startBasis where it fits (decision 0036: splitByLp's parts carry the whole program's optimal basis restricted to
   * them), each later one from the last one's basis after bound changes and added rows. With this solver's options and
   * LP_RELAXATION_OPTIONS. Null without HiGHS's C functions (NativeHighs).
   */
  openLp(p: BinaryProgram): IncrementalLp | null {
    const native = this.native;
    if (!native) return null;
    const h = this.highs;
    const options = { output_flag: false, ...this.options, ...LP_RELAXATION_OPTIONS };
    let ptr = native.model(p, false, options);
    // The first solve starts from p.startBasis where it fits (decision 0036); where HiGHS refuses it, or does not
    // report the LP optimal or infeasible from it, that solve is done again cold (bounds and rows change only after it).
    let warm = fitsProgram(p.startBasis, p.colCount, p.rowCount);
    if (warm && native.setBasis(ptr, p.startBasis!) === -1) {
      warm = false;
      native.destroy(ptr);
      ptr = native.model(p, false, options);
    }
    let open = true;
    let first = true;
    let rows = p.rowCount;
    const stats = this.openLpStats;
    stats.opened++;
    if (warm) stats.warm++;
    return {
      solve() {
        native.run(ptr);
        let status = native.modelStatus(ptr);
        if (warm) {
          warm = false;
          if (status !== h.constants.modelStatus.optimal && status !== h.constants.modelStatus.infeasible) {
            stats.warmRefused++;
            native.destroy(ptr);
            ptr = native.model(p, false, options);
            native.run(ptr);
            status = native.modelStatus(ptr);
          }
        }
        if (first) {
          first = false;
          stats.firstIterations += native.iterations(ptr);
        }
        if (status === h.constants.modelStatus.infeasible) return 'infeasible';
        if (status !== h.constants.modelStatus.optimal) return null;
        return native.solution(ptr, p.colCount, rows);
      },
      setColumnBounds: (j, lower, upper) => native.changeColBounds(ptr, j, lower, upper),
      addPackingRow(columns) {
        native.addRow(ptr, columns, -h.infinity, 1);
        rows++;
      },
      close() {
        if (open) native.destroy(ptr);
        open = false;
      },
    };
  }

  solve(p: BinaryProgram, start?: Uint8Array): BinaryProgramSolution | null {
    if (p.colCount === 0) {
      for (let i = 0; i < p.rowCount; i++) if (p.rowLower[i] > 0 || p.rowUpper[i] < 0) return null;
      return { x: new Uint8Array(0), objective: 0 };
    }
    const h = this.highs;
    const native = this.native;
    if (native) {
      // The same calls as below, through HiGHS's C functions (see NativeHighs).
      const ptr = native.model(p, true, { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 0.5, ...this.options });
      try {
        if (start) native.setStart(ptr, start);
        native.run(ptr);
        const status = native.modelStatus(ptr);
        if (status === h.constants.modelStatus.infeasible) return null;
        if (status !== h.constants.modelStatus.optimal) throw new Error(`HiGHS: binary program not solved to optimality (model status ${status})`);
        return binarySolution(p, native.solution(ptr, p.colCount, p.rowCount).x);
      } finally {
        native.destroy(ptr);
      }
    }
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
      return binarySolution(p, model.getSolution().colValue);
    } finally {
      model.dispose();
    }
  }
}

/** A MIP's column values as 0/1 and the objective summed from p's costs. */
function binarySolution(p: BinaryProgram, col: ArrayLike<number>): BinaryProgramSolution {
  const x = new Uint8Array(p.colCount);
  let objective = 0;
  for (let j = 0; j < p.colCount; j++) {
    x[j] = col[j] > 0.5 ? 1 : 0;
    if (x[j]) objective += p.cost[j];
  }
  return { x, objective };
}

/** The C functions of HiGHS's WASM build that NativeHighs calls (exported by highs-js's Emscripten module as `_Highs_*`). */
interface HighsCFunctions {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _Highs_create(): number;
  _Highs_destroy(highs: number): void;
  _Highs_passModel(...args: number[]): number;
  _Highs_run(highs: number): number;
  _Highs_getModelStatus(highs: number): number;
  _Highs_getSolution(highs: number, colValue: number, colDual: number, rowValue: number, rowDual: number): number;
  _Highs_setSolution(highs: number, colValue: number, colDual: number, rowValue: number, rowDual: number): number;
  _Highs_setBasis(highs: number, colStatus: number, rowStatus: number): number;
  _Highs_getBasis(highs: number, colStatus: number, rowStatus: number): number;
  _Highs_addRow(highs: number, lower: number, upper: number, count: number, index: number, value: number): number;
  _Highs_changeColBounds(highs: number, col: number, lower: number, upper: number): number;
  cwrap(name: string, returnType: string, argTypes: string[]): (...args: (number | string)[]) => number;
}

/**
 * The HiGHS calls of highs-js's model API (`createModel(lp)`, `options.set`, `setSolution`, `run`, `getSolution`,
 * `dispose`), made directly on HiGHS's C functions in the same WASM instance, with the arrays written straight into
 * its memory. The same C calls with the same values, so the same answers, byte for byte; what is left out is
 * highs-js's JavaScript around them: it validates every array element by element (building a label string per
 * element), copies the column starts through a plain Array, and allocates and frees a scratch arena per call — on the
 * stress day's giant LPs (~12,000 columns, ~3,000 rows) that was ~13 s of the day's 112 s of LP relaxations.
 * Callers hand in what highs-js would have accepted (BinaryProgram's typed arrays, finite costs).
 */
class NativeHighs {
  private readonly setBool: (highs: number, name: string, value: number) => number;
  private readonly setInt: (highs: number, name: string, value: number) => number;
  private readonly setDouble: (highs: number, name: string, value: number) => number;
  private readonly setString: (highs: number, name: string, value: string) => number;
  private readonly getIntInfo: (highs: number, name: string, out: number) => number;

  constructor(
    private readonly c: HighsCFunctions,
    private readonly memory: WasmMemory,
    private readonly infinity: number,
  ) {
    this.setBool = c.cwrap('Highs_setBoolOptionValue', 'number', ['number', 'string', 'number']) as never;
    this.setInt = c.cwrap('Highs_setIntOptionValue', 'number', ['number', 'string', 'number']) as never;
    this.setDouble = c.cwrap('Highs_setDoubleOptionValue', 'number', ['number', 'string', 'number']) as never;
    this.setString = c.cwrap('Highs_setStringOptionValue', 'number', ['number', 'string', 'string']) as never;
    this.getIntInfo = c.cwrap('Highs_getIntInfoValue', 'number', ['number', 'string', 'number']) as never;
  }

  /**
   * A new HiGHS instance holding p (columns in [0, 1], integer when `integer`) with `options` set, as highs-js's
   * createModel(p) then options.set(options) leave it. The caller destroys it.
   */
  model(p: BinaryProgram, integer: boolean, options: Readonly<Record<string, string | number | boolean>>): number {
    const c = this.c;
    const n = p.colCount;
    const m = p.rowCount;
    const nnz = p.colStart[n];
    // What highs-js's validation would refuse that HiGHS would not (a NaN), with its message.
    checkNumbers(p.cost, n, 'colCost');
    checkNumbers(p.rowLower, m, 'rowLower');
    checkNumbers(p.rowUpper, m, 'rowUpper');
    checkNumbers(p.value, nnz, 'matrix.values');
    const highs = c._Highs_create();
    if (!highs) throw new Error('Highs_create failed');
    try {
      // As highs-js's createRawModel: one thread, no parallel.
      this.setInt(highs, 'threads', 1);
      this.setString(highs, 'parallel', 'off');
      // One block: colCost, colLower, colUpper (n), rowLower, rowUpper (m), values (nnz) as doubles; then the starts
      // (n), indices (nnz) and integrality (n) as 32-bit integers.
      const doubles = 3 * n + 2 * m + nnz;
      const ints = n + nnz + (integer ? n : 0);
      const base = c._malloc(Math.max(1, 8 * doubles + 4 * ints));
      if (!base) throw new RangeError('Unable to allocate WebAssembly memory');
      try {
        const f = new Float64Array(this.memory.buffer, base, doubles);
        f.set(p.cost, 0);
        f.fill(0, n, 2 * n);
        f.fill(1, 2 * n, 3 * n);
        const inf = this.infinity;
        for (let i = 0; i < m; i++) {
          const lo = p.rowLower[i];
          const up = p.rowUpper[i];
          f[3 * n + i] = lo === -Infinity ? -inf : lo;
          f[3 * n + m + i] = up === Infinity ? inf : up;
        }
        f.set(p.value.subarray(0, nnz), 3 * n + 2 * m);
        const intBase = base + 8 * doubles;
        const k = new Int32Array(this.memory.buffer, intBase, ints);
        k.set(p.colStart.subarray(0, n), 0);
        k.set(p.rowIndex.subarray(0, nnz), n);
        if (integer) k.fill(1, n + nnz, 2 * n + nnz);
        const at = (i: number): number => base + 8 * i;
        const status = c._Highs_passModel(
          highs, n, m, nnz, 0, 1, 1, 1, 0,
          at(0), at(n), at(2 * n), at(3 * n), at(3 * n + m),
          intBase, intBase + 4 * n, at(3 * n + 2 * m),
          0, 0, 0, integer ? intBase + 4 * (n + nnz) : 0,
        );
        if (status === -1) throw new Error('HiGHS: passModel failed with HiGHS status -1');
      } finally {
        c._free(base);
      }
      for (const name of Object.keys(options)) this.setOption(highs, name, options[name]);
      return highs;
    } catch (e) {
      c._Highs_destroy(highs);
      throw e;
    }
  }

  /** As highs-js's options.set for one option. */
  private setOption(highs: number, name: string, value: string | number | boolean): void {
    let status: number;
    if (typeof value === 'boolean') status = this.setBool(highs, name, value ? 1 : 0);
    else if (typeof value === 'string') status = this.setString(highs, name, value);
    else if (Number.isSafeInteger(value) && value >= -2147483648 && value <= 2147483647) {
      status = this.setInt(highs, name, value);
      if (status === -1) status = this.setDouble(highs, name, value);
    } else status = this.setDouble(highs, name, value);
    if (status === -1) throw new Error(`HiGHS: setOptionValue ${name} failed with HiGHS status -1`);
  }

  /** As highs-js's setSolution({ colValue }) with x's 0/1 values. */
  setStart(highs: number, start: Uint8Array): void {
    const c = this.c;
    const ptr = c._malloc(Math.max(1, 8 * start.length));
    try {
      const f = new Float64Array(this.memory.buffer, ptr, start.length);
      for (let j = 0; j < start.length; j++) f[j] = start[j];
      c._Highs_setSolution(highs, ptr, 0, 0, 0);
    } finally {
      c._free(ptr);
    }
  }

  run(highs: number): void {
    this.c._Highs_run(highs);
  }

  modelStatus(highs: number): number {
    return this.c._Highs_getModelStatus(highs);
  }

  /** The column values and row duals of the last run (copies). */
  solution(highs: number, n: number, m: number): { x: Float64Array; rowDual: Float64Array } {
    const c = this.c;
    const ptr = c._malloc(Math.max(1, 8 * (2 * n + 2 * m)));
    try {
      c._Highs_getSolution(highs, ptr, ptr + 8 * n, ptr + 16 * n, ptr + 16 * n + 8 * m);
      const buf = this.memory.buffer;
      return { x: new Float64Array(buf, ptr, n).slice(), rowDual: new Float64Array(buf, ptr + 16 * n + 8 * m, m).slice() };
    } finally {
      c._free(ptr);
    }
  }

  /** Highs_setBasis with these statuses: its status (−1 where HiGHS refuses the basis, e.g. not rowCount basic). */
  setBasis(highs: number, basis: LpBasis): number {
    const c = this.c;
    const n = basis.colStatus.length;
    const m = basis.rowStatus.length;
    const ptr = c._malloc(Math.max(1, 4 * (n + m)));
    try {
      const k = new Int32Array(this.memory.buffer, ptr, n + m);
      k.set(basis.colStatus, 0);
      k.set(basis.rowStatus, n);
      return c._Highs_setBasis(highs, ptr, ptr + 4 * n);
    } finally {
      c._free(ptr);
    }
  }

  /** The basis of the last run (copies). */
  basis(highs: number, n: number, m: number): LpBasis {
    const c = this.c;
    const ptr = c._malloc(Math.max(1, 4 * (n + m)));
    try {
      c._Highs_getBasis(highs, ptr, ptr + 4 * n);
      const buf = this.memory.buffer;
      return { colStatus: new Int32Array(buf, ptr, n).slice(), rowStatus: new Int32Array(buf, ptr + 4 * n, m).slice() };
    } finally {
      c._free(ptr);
    }
  }

  /** The simplex iterations of the last run. */
  iterations(highs: number): number {
    const c = this.c;
    const ptr = c._malloc(8);
    try {
      this.getIntInfo(highs, 'simplex_iteration_count', ptr);
      return new Int32Array(this.memory.buffer, ptr, 1)[0];
    } finally {
      c._free(ptr);
    }
  }

  destroy(highs: number): void {
    this.c._Highs_destroy(highs);
  }

  /** Highs_addRow: the row Σ_{j ∈ columns} x_j in [lower, upper]. */
  addRow(highs: number, columns: readonly number[], lower: number, upper: number): void {
    const c = this.c;
    const n = columns.length;
    const ptr = c._malloc(Math.max(1, 12 * n));
    try {
      new Float64Array(this.memory.buffer, ptr, n).fill(1);
      new Int32Array(this.memory.buffer, ptr + 8 * n, n).set(columns);
      if (c._Highs_addRow(highs, lower, upper, n, ptr + 8 * n, ptr) === -1) throw new Error('HiGHS: addRow failed with HiGHS status -1');
    } finally {
      c._free(ptr);
    }
  }

  changeColBounds(highs: number, j: number, lower: number, upper: number): void {
    if (this.c._Highs_changeColBounds(highs, j, lower, upper) === -1) throw new Error('HiGHS: changeColBounds failed with HiGHS status -1');
  }
}

/** The little of the WebAssembly API loadHighs uses (the project's TypeScript libs do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
  Memory: abstract new (...args: never[]) => WasmMemory;
}

/** Throws as highs-js's model validation does where one of the first `length` values is NaN. */
function checkNumbers(values: Float64Array, length: number, label: string): void {
  for (let i = 0; i < length; i++) if (Number.isNaN(values[i])) throw new Error(`HiGHS: ${label}[${i}] must be a number`);
}

/**
 * highs-js loaded with its WASM memory and C functions at hand (NativeHighs), through Emscripten's `instantiateWasm`
 * hook: the module is compiled from highs-js's own highs.wasm and the instance handed back to its loader. Where any
 * of that is missing (another build of highs-js), highs-js alone, loaded as usual.
 */
async function loadHighs(): Promise<{ highs: Highs; native?: NativeHighs }> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(join(dirname(createRequire(import.meta.url).resolve('highs')), 'highs.wasm'));
  } catch {
    return { highs: await highsLoader() };
  }
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  let memory: WasmMemory | undefined;
  const options = {
    instantiateWasm(imports: object, receive: (instance: WasmInstance) => void): object {
      const instance = new wasm.Instance(new wasm.Module(bytes), imports);
      memory = Object.values(instance.exports).find((e): e is WasmMemory => e instanceof wasm.Memory);
      receive(instance);
      return {};
    },
  };
  const highs = await highsLoader(options as Parameters<typeof highsLoader>[0]);
  const c = highs as unknown as Partial<HighsCFunctions>;
  const complete = memory && typeof c.cwrap === 'function' && ['_malloc', '_free', '_Highs_create', '_Highs_destroy', '_Highs_passModel', '_Highs_run',
    '_Highs_getModelStatus', '_Highs_getSolution', '_Highs_setSolution', '_Highs_setBasis', '_Highs_getBasis', '_Highs_addRow',
    '_Highs_changeColBounds'].every((f) => typeof (c as Record<string, unknown>)[f] === 'function');
  return { highs, native: complete ? new NativeHighs(c as HighsCFunctions, memory!, highs.infinity) : undefined };
}

/** A simplex basis in HiGHS's status codes (0 at lower, 1 basic, 2 at upper), per column and per row. */
export type { LpBasis };

interface LpSolution {
  x: Float64Array;
  rowDual: Float64Array;
}

/** relaxFrom's answer: the LP's x and duals, its optimal basis, its simplex iterations and whether it was warm. */
export interface WarmRelaxation extends LpSolution {
  basis?: LpBasis;
  iterations: number;
  /** whether the given basis was taken (else the LP was solved cold) */
  warm: boolean;
}

/**
 * The LP relaxations of a sequence of programs with row keys (BinaryProgram.rowKey), each started from the bases of
 * the programs before it (decision 0032): pooled's giant programs of consecutive batches share most of their cars,
 * requests and trips, so the last optimal basis is close to the next one's. A known column (by its rows' keys, in its
 * row order) keeps its last status, a new one starts at its lower bound; a known row keeps its last status, a new one
 * starts basic; then the count is repaired to exactly rowCount basic (surplus basic columns made nonbasic at lower
 * from the last column down, then surplus basic rows; missing ones made up by the last nonbasic rows' slacks). HiGHS
 * refusing that basis, or not reporting the LP optimal from it, means the cold solve (relaxFrom). Programs without
 * row keys are solved cold and leave the state alone.
 *
 * Exact as splitByLp is: the LP is only used for prices and a rounding, any prices give a valid bound, so a warm start
 * can change which of equal optima is returned, never an optimum. It carries state from one call to the next, so it
 * must only run on one thread in a deterministic order (decision 0030): the main thread's splitByLp, as giant programs
 * are never solved on the solver threads.
 */
export class WarmStartedLp implements LpRelaxation {
  /** last status of each row key, with the call that set it: stamp · 4 + status */
  private readonly rows = new Map<number, number>();
  /**
   * the same per column: by its first row's key (its car), a list of its columns' other rows' keys packed (packedRest)
   * and stamp · 4 + status, in pairs (a car has a few columns: a scan is cheaper than a map keyed by such numbers)
   */
  private readonly cols = new Map<number, number[]>();
  private call = 0;
  readonly stats = { calls: 0, warm: 0, iterations: 0 };

  constructor(private readonly solver: HighsBinarySolver) {}

  relax(p: BinaryProgram): LpSolution | null {
    const keys = p.rowKey;
    if (!keys) return this.solver.relax(p);
    // Each column's key (packedRest), found once for both the start and what is remembered.
    const rests = new Float64Array(p.colCount);
    for (let j = 0; j < p.colCount; j++) rests[j] = packedRest(p, keys, j);
    // startingBasis always has rowCount basic; relaxFrom checks it before HiGHS sees it.
    const basis = this.call > 0 ? this.startingBasis(p, keys, rests) : undefined;
    const r = this.solver.relaxFrom(p, basis);
    this.stats.calls++;
    if (!r) return null;
    if (r.warm) this.stats.warm++;
    this.stats.iterations += r.iterations;
    if (r.basis) this.remember(p, keys, rests, r.basis);
    return r;
  }

  /** The statuses last seen for p's rows and columns (column j's key `rests[j]`), repaired to rowCount basic. */
  private startingBasis(p: BinaryProgram, keys: Int32Array, rests: Float64Array): LpBasis {
    const n = p.colCount;
    const m = p.rowCount;
    const colStatus = new Int32Array(n);
    const rowStatus = new Int32Array(m);
    // A car's columns are mostly next to each other: its map is looked up once for them.
    let first = NaN;
    let list: number[] | undefined;
    for (let j = 0; j < n; j++) {
      const a = p.colStart[j];
      const rest = rests[j];
      let v = -1;
      if (a < p.colStart[j + 1] && rest === rest) {
        const k = keys[p.rowIndex[a]];
        if (k !== first) (first = k), (list = this.cols.get(k));
        if (list) for (let t = 0; t < list.length; t += 2) if (list[t] === rest) (v = list[t + 1]), (t = list.length);
      }
      colStatus[j] = v < 0 ? BASIS_LOWER : v & 3;
    }
    for (let i = 0; i < m; i++) {
      const v = this.rows.get(keys[i]);
      rowStatus[i] = v === undefined ? BASIS_BASIC : v & 3;
    }
    return repairBasis({ colStatus, rowStatus });
  }

  /** Keeps the optimal basis's statuses by key; forgets keys no program has had for PRUNE_AFTER_CALLS calls. */
  private remember(p: BinaryProgram, keys: Int32Array, rests: Float64Array, basis: LpBasis): void {
    const stamp = ++this.call * 4;
    for (let i = 0; i < keys.length; i++) this.rows.set(keys[i], stamp + basis.rowStatus[i]);
    // A car's list is replaced by this program's columns of it (a car is in one program of a batch, with all its
    // columns); a car's columns are mostly next to each other, but need not be.
    const fresh = new Set<number>();
    for (let j = 0; j < p.colCount; j++) {
      const a = p.colStart[j];
      const rest = rests[j];
      if (a === p.colStart[j + 1] || rest !== rest) continue;
      const k = keys[p.rowIndex[a]];
      let list = this.cols.get(k);
      if (!list || !fresh.has(k)) {
        fresh.add(k);
        this.cols.set(k, (list = []));
      }
      list.push(rest, stamp + basis.colStatus[j]);
    }
    if (this.cols.size <= 4 * fresh.size && this.rows.size <= 4 * keys.length) return;
    const old = (this.call - PRUNE_AFTER_CALLS) * 4;
    for (const [k, list] of this.cols) if (list[1] < old) this.cols.delete(k);
    for (const [k, v] of this.rows) if (v < old) this.rows.delete(k);
  }
}

/** WarmStartedLp forgets a row or column no program has had for this many LP calls (a few batches' giant programs). */
const PRUNE_AFTER_CALLS = 16;

/**
 * Column j's rows after its first, by their keys: each key k (|k| < 2²⁵) as k + 2²⁵ + 1 in 26 bits, at most two of
 * them (pooled: a trip's one or two requests after its car), so that the first row's key and this number identify the
 * column. NaN (never stored, never found: the column starts at its lower bound) for a column with more rows or larger keys.
 */
function packedRest(p: BinaryProgram, keys: Int32Array, j: number): number {
  const a = p.colStart[j];
  const b = p.colStart[j + 1];
  if (b - a > 3) return NaN;
  let rest = 0;
  for (let t = a + 1; t < b; t++) {
    const k = keys[p.rowIndex[t]];
    if (k <= -REST_OFFSET || k >= REST_OFFSET) return NaN;
    rest = rest * 2 * REST_OFFSET + (k + REST_OFFSET + 1);
  }
  return rest;
}

const REST_OFFSET = 2 ** 25;

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
  shared ??= loadHighs().then(({ highs, native }) => {
    const s = new HighsBinarySolver(highs, {}, native);
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
 * POOLED_HIGHS_OPTIONS started from the best incumbent (from 200 columns on, the packing root alone before HiGHS:
 * decision 0034). Programs of GIANT_PROGRAM_COLUMNS or more skip the searches
 * (decision 0029): they are split exactly by LP reduced-cost fixing (splitByLp) and each part goes to the chain when
 * small, else to our branch and cut on HiGHS's LP with HiGHS's MIP behind it (decision 0035).
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
  // One warm-started LP per solver chain, on this thread only (decision 0032): giant programs never go to the workers.
  // It is the chain's only state from one program to the next, so a fork is the chain with a fresh one (decision 0038).
  const make = (): BinaryProgramSolver => {
    const lp = new WarmStartedLp(highs);
    if (!threads) return { ...bySize(chain, splitByLp(lp, parts), GIANT_PROGRAM_COLUMNS), fork: make };
    const threadedParts: BinaryProgramSolver = {
      solve: (p, start) => parts.solve(p, start),
      solveMany: (programs, starts) => threads.solveMany(programs, starts, parts, 'parts'),
    };
    const whole = bySize(chain, splitByLp(lp, threadedParts), GIANT_PROGRAM_COLUMNS);
    // Below GIANT_PROGRAM_COLUMNS `whole` is `chain`: the workers answer those with theirs (not with `parts`, which
    // sends programs of HIGHS_PART_COLUMNS or more to HiGHS alone).
    return {
      solve: (p, start) => whole.solve(p, start),
      solveMany: (programs, starts) => threads.solveMany(programs, starts, whole, 'chain', GIANT_PROGRAM_COLUMNS),
      fork: make,
    };
  };
  return make();
}

/**
 * The pieces of the pooled chain around one HiGHS instance, built the same way on the main thread and on every solver
 * thread: HiGHS with POOLED_HIGHS_OPTIONS, the two-seat chain in front of it, and `parts`, the solver of splitByLp's
 * parts (the chain, or for a part of HIGHS_PART_COLUMNS or more our branch and cut on HiGHS's LP, decision 0035).
 */
export function pooledSolverParts(base: HighsBinarySolver): { highs: HighsBinarySolver; chain: BinaryProgramSolver; parts: BinaryProgramSolver } {
  const highs = base.withOptions(POOLED_HIGHS_OPTIONS);
  // Our branch and cut on HiGHS's LP, HiGHS's MIP behind it (decision 0035): where the chain's searches hand a program
  // on, and for splitByLp's parts of HIGHS_PART_COLUMNS or more.
  const cut = branchAndCut({ open: (p) => highs.openLp(p) }, highs);
  const chain = twoSeatSolverChain(cut);
  return { highs, chain, parts: bySize(chain, cut, HIGHS_PART_COLUMNS) };
}

/**
 * Programs of this many columns or more skip the packing and two-seat searches (decision 0029): at metro density (the
 * 1,000,000-request stress day's morning peak) the searches never prove one, and HiGHS alone took 33–43 % less CPU
 * on them; split by splitByLp first, a third less again. San Francisco's programs stay below it (at most ~690 columns
 * on a 320-car day), so its decisions do not change.
 */
export const GIANT_PROGRAM_COLUMNS = 1_000;

/**
 * Parts of a split giant program (splitByLp) with this many columns or more skip the chain (since decision 0035 they go to
 * our branch and cut on HiGHS's LP, before that to HiGHS's MIP), smaller ones to the
 * chain (decision 0031). What the fixing leaves in a part of that size is a fractional core of the LP, which the
 * packing search's root does not prove: on the stress day's 08–09 h programs the chain's searches cost more than they
 * saved from ~30 columns. Only giant programs are split, so San Francisco never reaches this route.
 */
export const HIGHS_PART_COLUMNS = 100;

/**
 * HiGHS options added for the LP relaxation of splitByLp and the branch and cut's LPs (decision 0031, tuning): no cost
 * perturbation in the dual simplex. HiGHS perturbs the costs against dual degeneracy, then has to clean the
 * perturbation up; on the giant programs' LPs (set packing, integer costs, highly degenerate) it made the dual simplex
 * take more and dearer iterations. Where HiGHS does not report the LP optimal without it, relax solves it again
 * without these options. And Devex pricing in the dual simplex rather than steepest edge (decision 0036): on the
 * stress day's 08–08.5 h giant programs, warm-started, 15 % fewer iterations and ~11 % less time (steepest edge's
 * weights cost more than they save from a warm start). The LPs are only ever used for prices, a rounding and branching
 * (decisions 0029, 0035), never trusted for a bound, so no option here can change an optimum.
 */
export const LP_RELAXATION_OPTIONS: Readonly<Record<string, string | number | boolean>> = {
  dual_simplex_cost_perturbation_multiplier: 0,
  simplex_dual_edge_weight_strategy: 1,
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
