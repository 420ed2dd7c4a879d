// Worker thread of `baton fleet-size`: rebuilds the scenario runner once, then runs the simulations and bound it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { openNetwork } from './network-source.js';
import { scenarioRunner, type ScenarioRunner } from './scenario-runner.js';
import { validateSpeedProfile } from '../core/network/travel-times.js';
import { scenarioFleetBound, simulateFleet, userErrorData, type FleetJob, type WorkerReply, type WorkerScenario } from './fleet-size.js';

/** Rebuilds the runner from what the main thread sent: a network file, cloned requests and the run settings. */
async function loadWorkerRunner(data: WorkerScenario): Promise<ScenarioRunner> {
  const network = await openNetwork([data.networkFile], { speedProfile: validateSpeedProfile({ hourlyFactors: data.hourlyFactors }) });
  return scenarioRunner({ ...data.facts, network, requests: data.requests, rejectedRows: {}, rowsRead: data.requests.length }, data.run, {
    ...(data.forecast ? { forecast: data.forecast } : {}),
  });
}

const port = parentPort;
if (!port) throw new Error('fleet-size-worker: must run as a worker thread');
const t0 = performance.now();
const runner = await loadWorkerRunner(workerData as WorkerScenario);
const scenario = runner.scenario;
port.postMessage({ ready: true, loadS: (performance.now() - t0) / 1000 } satisfies WorkerReply);

port.on('message', async (msg: { id: number; job: FleetJob }) => {
  const { id, job } = msg;
  try {
    switch (job.kind) {
      case 'simulate':
        port.postMessage({ id, ok: true, point: await simulateFleet(runner, job.fleet, job.run) } satisfies WorkerReply);
        break;
      case 'bound': {
        const n = scenario.network;
        const bound = scenarioFleetBound(n.graph, n.travelTimes, n.speedProfile, scenario.requests, { withinS: job.withinS, dwellS: job.dwellS });
        port.postMessage({ id, ok: true, bound } satisfies WorkerReply);
        break;
      }
      default: {
        const never: never = job;
        throw new Error(`unknown job ${JSON.stringify(never)}`);
      }
    }
  } catch (err) {
    const userError = userErrorData(err);
    port.postMessage({ id, ok: false, error: (err as Error).message ?? String(err), ...(userError ? { userError } : {}) } satisfies WorkerReply);
  }
});
