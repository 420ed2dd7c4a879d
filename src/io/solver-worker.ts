// Worker thread of SolverThreads (decision 0030): loads HiGHS, builds the pooled chain exactly as the main thread
// does, then solves the programs of each batch it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { loadHighsBinarySolver, pooledSolverParts } from './highs-ilp.js';
import { workOnBatch, type SolverBatchMessage, type SolverWorkerData } from './solver-threads.js';

const port = parentPort;
if (!port) throw new Error('solver-worker: must run as a worker thread');
const { errors } = workerData as SolverWorkerData;
const { parts } = pooledSolverParts(await loadHighsBinarySolver());
port.on('message', (msg: SolverBatchMessage) => workOnBatch(msg, parts, errors));
port.postMessage('ready');
