// Independent 0/1 programs solved on worker threads, called synchronously (decision 0030): the programs go into one
// SharedArrayBuffer, the workers and the main thread take them from a shared counter, largest first, and the main
// thread blocks on Atomics.wait until every worker is through; answers are read back in program order.
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import type { BinaryProgram, BinaryProgramSolution, BinaryProgramSolver } from '../core/solve/ilp.js';
import { startModuleWorker } from './worker-module.js';

// Batch buffer layout (all offsets in bytes, 8-aligned): a header of HEADER_INTS Int32, then JOB_INTS Int32 per job,
// then each job's data: cost, rowLower, rowUpper, value (Float64), objective (Float64), colStart, rowIndex, the start
// basis's colStatus and rowStatus (Int32), start, x (Uint8). Everything a worker's solvers read of a program travels
// (writeJob): its matrix, bounds and partition rows, the start, and the LP start basis (decision 0036: a part's branch
// and cut starts its LP from it, and a cold start may end at another of equal optima). rowKey does not: only the giant
// programs' warm-started LP reads it, and giant programs are solved on the calling thread.
/** BinaryProgram's fields that travel to a worker (writeJob, jobViews). */
type CarriedField = 'colCount' | 'rowCount' | 'cost' | 'colStart' | 'rowIndex' | 'value' | 'rowLower' | 'rowUpper' | 'partitionRows' | 'startBasis';
/** Fields that stay behind, each for a reason given above. */
type CallingThreadField = 'rowKey';
type MustBeNever<T extends never> = T;
/**
 * A field added to BinaryProgram fails the type check here until it is put in one of the two lists: a solver on a
 * worker that silently lacks one answers otherwise (decision 0030, consequences: the start basis of session 30).
 */
export type EveryProgramFieldDecided = MustBeNever<Exclude<keyof BinaryProgram, CarriedField | CallingThreadField>>;

const HEADER_INTS = 4;
/** header: next job to take */
const NEXT = 0;
/** header: workers through with this batch */
const DONE = 1;
const JOB_INTS = 8;
// Per job: where its data begins, its sizes, whether it has a start, and its status.
const J_OFFSET = 0;
const J_COLS = 1;
const J_ROWS = 2;
const J_PARTITION = 3;
const J_NNZ = 4;
const J_HAS_START = 5;
const J_STATUS = 6;
const J_HAS_BASIS = 7;
/** J_STATUS values */
export const JobStatus = { pending: 0, solved: 1, infeasible: 2, failed: 3 } as const;

const align8 = (n: number): number => (n + 7) & ~7;

/** Bytes of one job's data. */
function jobBytes(colCount: number, rowCount: number, nnz: number): number {
  return 8 * (colCount + 2 * rowCount + nnz + 1) + align8(4 * (2 * colCount + rowCount + 1 + nnz)) + align8(2 * colCount);
}

/** Views of one job's data in the batch buffer (no copy). */
interface JobViews {
  program: BinaryProgram;
  start: Uint8Array | undefined;
  objective: Float64Array;
  x: Uint8Array;
}

function jobViews(buf: SharedArrayBuffer, jobs: Int32Array, i: number): JobViews {
  const b = HEADER_INTS + i * JOB_INTS;
  let at = jobs[b + J_OFFSET];
  const colCount = jobs[b + J_COLS];
  const rowCount = jobs[b + J_ROWS];
  const nnz = jobs[b + J_NNZ];
  const f64 = (n: number): Float64Array => {
    const v = new Float64Array(buf, at, n);
    at += 8 * n;
    return v;
  };
  const cost = f64(colCount);
  const rowLower = f64(rowCount);
  const rowUpper = f64(rowCount);
  const value = f64(nnz);
  const objective = f64(1);
  const colStart = new Int32Array(buf, at, colCount + 1);
  const rowIndex = new Int32Array(buf, at + 4 * (colCount + 1), nnz);
  const colStatus = new Int32Array(buf, at + 4 * (colCount + 1 + nnz), colCount);
  const rowStatus = new Int32Array(buf, at + 4 * (2 * colCount + 1 + nnz), rowCount);
  at += align8(4 * (2 * colCount + rowCount + 1 + nnz));
  const start = new Uint8Array(buf, at, colCount);
  const x = new Uint8Array(buf, at + colCount, colCount);
  const partition = jobs[b + J_PARTITION];
  const program: BinaryProgram = {
    colCount, rowCount, cost, colStart, rowIndex, value, rowLower, rowUpper,
    ...(partition >= 0 ? { partitionRows: partition } : {}),
    ...(jobs[b + J_HAS_BASIS] ? { startBasis: { colStatus, rowStatus } } : {}),
  };
  return { program, start: jobs[b + J_HAS_START] ? start : undefined, objective, x };
}

/**
 * Writes program p (and its start) as job i of the batch buffer at byte `offset` (room for jobBytes): what jobViews
 * reads back. A start basis travels when its sizes are p's (a solver ignores one that is not, on either thread).
 */
function writeJob(buf: SharedArrayBuffer, header: Int32Array, i: number, offset: number, p: BinaryProgram, start: Uint8Array | undefined): void {
  const b = HEADER_INTS + i * JOB_INTS;
  const nnz = p.colStart[p.colCount];
  const basis = p.startBasis;
  const sendBasis = !!basis && basis.colStatus.length === p.colCount && basis.rowStatus.length === p.rowCount;
  header[b + J_OFFSET] = offset;
  header[b + J_COLS] = p.colCount;
  header[b + J_ROWS] = p.rowCount;
  header[b + J_PARTITION] = p.partitionRows ?? -1;
  header[b + J_NNZ] = nnz;
  header[b + J_HAS_START] = start ? 1 : 0;
  header[b + J_HAS_BASIS] = sendBasis ? 1 : 0;
  const v = jobViews(buf, header, i);
  v.program.cost.set(p.cost.subarray(0, p.colCount));
  v.program.rowLower.set(p.rowLower.subarray(0, p.rowCount));
  v.program.rowUpper.set(p.rowUpper.subarray(0, p.rowCount));
  v.program.value.set(p.value.subarray(0, nnz));
  v.program.colStart.set(p.colStart.subarray(0, p.colCount + 1));
  v.program.rowIndex.set(p.rowIndex.subarray(0, nnz));
  if (sendBasis) {
    v.program.startBasis!.colStatus.set(basis.colStatus);
    v.program.startBasis!.rowStatus.set(basis.rowStatus);
  }
  if (start) v.start!.set(start.subarray(0, p.colCount));
}

/** Bytes a batch of these programs takes in the buffer: its header, then each job at its offset (returned). */
function batchLayout(programs: readonly BinaryProgram[]): { bytes: number; offsets: number[] } {
  let bytes = align8(4 * (HEADER_INTS + programs.length * JOB_INTS));
  const offsets = programs.map((p) => {
    const at = bytes;
    bytes += jobBytes(p.colCount, p.rowCount, p.colStart[p.colCount]);
    return at;
  });
  return { bytes, offsets };
}

/** The header view of a batch buffer holding `jobs` jobs. */
function batchHeader(buf: SharedArrayBuffer, jobs: number): Int32Array {
  return new Int32Array(buf, 0, HEADER_INTS + jobs * JOB_INTS);
}

/** What a worker is sent at start: its half of the error channel. */
export interface SolverWorkerData {
  errors: MessagePort;
}

/**
 * The solvers every worker holds, by name (built by pooledSolverParts, as on the main thread): `chain`, the presets'
 * chain for whole programs below GIANT_PROGRAM_COLUMNS, and `parts`, the solver of splitByLp's parts (the chain below
 * HIGHS_PART_COLUMNS, our branch and cut on HiGHS's LP from there, decision 0035). The two answer differently between those sizes (other equal optima), so
 * a batch names the one that answers as the caller's `local` does.
 */
export type WorkerSolverName = 'chain' | 'parts';

/** A batch for a worker: the buffer (shared, not copied), how many jobs it holds, and which solver answers them. */
export interface SolverBatchMessage {
  buf: SharedArrayBuffer;
  jobs: number;
  solver: WorkerSolverName;
}

/**
 * A worker's side of a batch: take jobs from the shared counter until none is left, solve each with `solver`, write
 * the answer into the buffer, then count itself through and wake the main thread. A failure is reported on `errors`
 * (the main thread reads it once the batch is through) and marks the job failed.
 */
export function workOnBatch(msg: SolverBatchMessage, solver: BinaryProgramSolver, errors: MessagePort): void {
  const header = batchHeader(msg.buf, msg.jobs);
  for (let i = Atomics.add(header, NEXT, 1); i < msg.jobs; i = Atomics.add(header, NEXT, 1)) {
    let status: number = JobStatus.failed;
    try {
      const job = jobViews(msg.buf, header, i);
      const sol = solver.solve(job.program, job.start);
      if (sol) {
        job.x.set(sol.x);
        job.objective[0] = sol.objective;
        status = JobStatus.solved;
      } else status = JobStatus.infeasible;
    } catch (e) {
      errors.postMessage(e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
    Atomics.store(header, HEADER_INTS + i * JOB_INTS + J_STATUS, status);
  }
  Atomics.add(header, DONE, 1);
  Atomics.notify(header, DONE);
}

/** Options of a solver pool. */
export interface SolverThreadsOptions {
  /** Programs with fewer columns are solved on the calling thread (a message round trip costs more than they do). */
  minColumns?: number;
  /**
   * Whether the calling thread also takes programs from the queue (default true). False leaves every queued program to
   * the workers: for tests, which must see the workers' answers whatever the scheduler does.
   */
  callerTakesQueued?: boolean;
}

/**
 * Programs below this many columns stay on the calling thread. On the stress day's recorded giant programs (decision
 * 0030) 95 % of splitByLp's parts have fewer than 50 columns and take 0.005–0.04 ms each, less than handing one over
 * (a copy and a wake-up); from 50 columns they take ~0.8 ms and more.
 */
export const DEFAULT_THREAD_MIN_COLUMNS = 50;

/**
 * A pool of `threads − 1` worker threads, each with its own HiGHS and its own copy of the pooled solver chain
 * (solver-worker.ts builds it as loadPooledSolver does); the calling thread is the last of the `threads`.
 *
 * Exact and deterministic because every solver of the chain is a pure function of (program, start): nothing is carried
 * from one call to the next (each HiGHS call is a fresh model; the searches keep only scratch buffers they reset),
 * so it does not matter which thread solves which program, nor in what order. `close()` ends the workers; they are
 * also unreferenced once started, so a forgotten pool never keeps a process alive.
 */
export class SolverThreads {
  private buf = new SharedArrayBuffer(1 << 16);
  private busy = false;
  private closed = false;
  /** Batches handed to the workers, and the programs they solved (the rest of a batch was solved on this thread). */
  readonly stats = { batches: 0, onWorkers: 0 };

  private constructor(
    private readonly workers: Worker[],
    private readonly errorPorts: MessagePort[],
    readonly minColumns: number,
    private readonly callerTakesQueued: boolean,
  ) {}

  /** Starts `threads − 1` workers and resolves once each has loaded HiGHS and built its chain. */
  static async start(threads: number, options: SolverThreadsOptions = {}): Promise<SolverThreads> {
    if (!(Number.isInteger(threads) && threads >= 2)) throw new Error(`SolverThreads: threads must be an integer ≥ 2 (got ${threads})`);
    const workers: Worker[] = [];
    const ports: MessagePort[] = [];
    const ready: Promise<void>[] = [];
    for (let w = 0; w < threads - 1; w++) {
      const channel = new MessageChannel();
      const worker = startModuleWorker(import.meta.url, 'solver-worker', 'baton-solver', {
        workerData: { errors: channel.port2 } satisfies SolverWorkerData,
        transferList: [channel.port2],
      });
      workers.push(worker);
      ports.push(channel.port1);
      channel.port1.unref();
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', (m: unknown) => (m === 'ready' ? resolve() : reject(new Error(`solver worker: unexpected first message ${String(m)}`))));
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`solver worker exited with code ${code} before it was ready`)));
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    for (const w of workers) {
      w.removeAllListeners();
      // NOTE: a worker that dies outside a job (not an exception in a solve, which is reported) is not detected while
      // the main thread waits on a batch; this listener only keeps such an error from being unhandled.
      w.on('error', () => undefined);
      w.unref();
    }
    return new SolverThreads(workers, ports, options.minColumns ?? DEFAULT_THREAD_MIN_COLUMNS, options.callerTakesQueued ?? true);
  }

  /** Threads solving a batch: the workers and the calling thread. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Answer i = `local.solve(programs[i], starts[i])`, given that every worker's solver named `remote` answers as
   * `local` does on the programs sent to it. Programs of ≥ `localFirstColumns` columns are solved by `local` first, before the batch (they
   * may use this pool themselves, e.g. splitByLp's parts); programs below `minColumns` by `local` while the workers
   * run; the others on whichever thread takes them, largest first. Called while a batch is running (from inside a
   * solve), or after close, it solves everything with `local`.
   */
  solveMany(
    programs: readonly BinaryProgram[],
    starts: readonly (Uint8Array | undefined)[],
    local: BinaryProgramSolver,
    remote: WorkerSolverName,
    localFirstColumns = Infinity,
  ): (BinaryProgramSolution | null)[] {
    const out: (BinaryProgramSolution | null)[] = new Array(programs.length).fill(null);
    if (this.busy || this.closed) {
      programs.forEach((p, i) => (out[i] = local.solve(p, starts[i])));
      return out;
    }
    const queued: number[] = [];
    const after: number[] = [];
    programs.forEach((p, i) => {
      if (p.colCount >= localFirstColumns) out[i] = local.solve(p, starts[i]);
      else (p.colCount >= this.minColumns ? queued : after).push(i);
    });
    if (queued.length < 2) {
      // One program worth a thread and nothing else: no gain from handing it over.
      for (const i of [...queued, ...after]) out[i] = local.solve(programs[i], starts[i]);
      return out;
    }
    queued.sort((a, b) => programs[b].colCount - programs[a].colCount || a - b);
    this.busy = true;
    try {
      this.runBatch(programs, starts, local, remote, queued, after, out);
    } finally {
      this.busy = false;
    }
    return out;
  }

  private runBatch(
    programs: readonly BinaryProgram[],
    starts: readonly (Uint8Array | undefined)[],
    local: BinaryProgramSolver,
    remote: WorkerSolverName,
    queued: number[],
    after: number[],
    out: (BinaryProgramSolution | null)[],
  ): void {
    // Lay the queued programs out in the buffer (grown by doubling), in queue order.
    const { bytes, offsets } = batchLayout(queued.map((i) => programs[i]));
    if (bytes > this.buf.byteLength) {
      let size = this.buf.byteLength;
      while (size < bytes) size *= 2;
      this.buf = new SharedArrayBuffer(size);
    }
    const buf = this.buf;
    const header = batchHeader(buf, queued.length);
    header.fill(0);
    queued.forEach((i, q) => writeJob(buf, header, q, offsets[q], programs[i], starts[i]));
    this.stats.batches++;
    const message: SolverBatchMessage = { buf, jobs: queued.length, solver: remote };
    for (const w of this.workers) w.postMessage(message);
    // The calling thread: first the small programs, then its share of the queue (with its own solver, which answers as
    // the workers' do). Its failure is thrown only once the workers are through: they must not write into a buffer
    // the next batch reuses.
    let thrown: { error: unknown } | undefined;
    try {
      for (const i of after) out[i] = local.solve(programs[i], starts[i]);
      for (let q = this.callerTakesQueued ? Atomics.add(header, NEXT, 1) : queued.length; q < queued.length; q = Atomics.add(header, NEXT, 1)) {
        header[HEADER_INTS + q * JOB_INTS + J_STATUS] = -1; // taken here
        out[queued[q]] = local.solve(programs[queued[q]], starts[queued[q]]);
      }
    } catch (error) {
      thrown = { error };
    }
    for (let done = Atomics.load(header, DONE); done < this.workers.length; done = Atomics.load(header, DONE)) Atomics.wait(header, DONE, done);
    if (thrown) {
      for (const port of this.errorPorts) while (receiveMessageOnPort(port));
      throw thrown.error;
    }
    let failure: string | undefined;
    queued.forEach((i, q) => {
      const status = Atomics.load(header, HEADER_INTS + q * JOB_INTS + J_STATUS);
      if (status === -1) return;
      this.stats.onWorkers++;
      if (status === JobStatus.solved) {
        const v = jobViews(buf, header, q);
        out[i] = { x: v.x.slice(), objective: v.objective[0] };
      } else if (status === JobStatus.infeasible) out[i] = null;
      else failure ??= `program ${i} (${programs[i].colCount} columns) failed on a solver thread`;
    });
    if (failure !== undefined) {
      const reasons: string[] = [];
      for (const port of this.errorPorts) for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) reasons.push(String(m.message));
      throw new Error(`${failure}: ${reasons.join('; ') || 'no reason given'}`);
    }
  }

  /** Ends the worker threads; later batches are solved on the calling thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const port of this.errorPorts) port.close();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
