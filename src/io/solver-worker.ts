// Worker thread of SolverThreads (decision 0030): loads HiGHS, builds the pooled chain and the parts' solver exactly
// as the main thread does, then solves the programs of each batch it is sent with the solver the batch names.
import { parentPort, workerData } from 'node:worker_threads';
import { loadHighsBinarySolver, pooledSolverParts } from './highs-ilp.js';
import type { BinaryProgramSolver } from '../core/solve/ilp.js';
import { workOnBatch, type SolverBatchMessage, type SolverWorkerData, type WorkerSolverName } from './solver-threads.js';

const port = parentPort;
if (!port) throw new Error('solver-worker: must run as a worker thread');
const { errors } = workerData as SolverWorkerData;
const solvers: Record<WorkerSolverName, BinaryProgramSolver> = pooledSolverParts(await loadHighsBinarySolver());
port.on('message', (msg: SolverBatchMessage) => workOnBatch(msg, solvers[msg.solver], errors));
port.postMessage('ready');
