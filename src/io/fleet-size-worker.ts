// Worker thread of `baton fleet-size`: loads the scenario once, then runs the simulations and bound it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { openNetwork } from './network-source.js';
import { loadScenario, type Scenario } from './scenario.js';
import { validateSpeedProfile } from '../core/network/travel-times.js';
import { scenarioFleetBound, simulateFleet, type FleetJob, type WorkerReply, type WorkerScenario } from './fleet-size.js';

/** Rebuilds the scenario from what the main thread sent: a network file plus cloned requests, or the loader options. */
async function loadWorkerScenario(data: WorkerScenario): Promise<Scenario> {
  if (data.kind === 'files') return loadScenario(data.options);
  const network = await openNetwork([data.networkFile], { speedProfile: validateSpeedProfile({ hourlyFactors: data.hourlyFactors }) });
  return { ...data.facts, network, requests: data.requests, rejectedRows: {}, rowsRead: data.requests.length };
}

const port = parentPort;
if (!port) throw new Error('fleet-size-worker: must run as a worker thread');
const t0 = performance.now();
const scenario = await loadWorkerScenario(workerData as WorkerScenario);
port.postMessage({ ready: true, loadS: (performance.now() - t0) / 1000 } satisfies WorkerReply);

port.on('message', async (msg: { id: number; job: FleetJob }) => {
  const { id, job } = msg;
  try {
    switch (job.kind) {
      case 'simulate':
        port.postMessage({ id, ok: true, point: await simulateFleet(scenario, job.fleet, job.run) } satisfies WorkerReply);
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
    port.postMessage({ id, ok: false, error: (err as Error).message ?? String(err) } satisfies WorkerReply);
  }
});
