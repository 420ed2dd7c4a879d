// Stress day: 20,000 cars and 1,000,000 requests on a large synthetic city, in one process, reporting wall time, peak
// memory and bytes of engine state per vehicle. Sizes can be lowered with STRESS_CARS / STRESS_TRIPS.
import { buildSyntheticCity, syntheticCityOfNodes } from '../src/core/network/synthetic.js';
import { buildContractionHierarchy, ChTravelTimes } from '../src/core/network/ch.js';
import { generateSyntheticDemand } from '../src/core/demand/synthetic-demand.js';
import { simulate } from '../src/core/simulate.js';
import { greedy } from '../src/core/dispatch/greedy.js';
import { peakRssMb, writeResult } from './machine.js';

const CARS = Number(process.env.STRESS_CARS ?? 20_000);
const TRIPS = Number(process.env.STRESS_TRIPS ?? 1_000_000);
const NODES = Number(process.env.STRESS_NODES ?? 20_000);

let t = performance.now();
const { graph } = buildSyntheticCity(syntheticCityOfNodes(NODES, 7));
const ch = buildContractionHierarchy(graph);
const tt = new ChTravelTimes(graph, ch);
const setupS = (performance.now() - t) / 1000;
t = performance.now();
const requests = generateSyntheticDemand(graph, { seed: 7, trips: TRIPS, ridersShares: [0.85, 0.15, 0, 0] });
const demandS = (performance.now() - t) / 1000;
console.log(`city ${graph.nodeCount} nodes, ${graph.edgeCount} edges; CH ${setupS.toFixed(1)} s; ${requests.length} requests generated in ${demandS.toFixed(1)} s; RSS so far ${peakRssMb()} MB`);

let events = 0;
t = performance.now();
let lastLog = 0;
const result = simulate({
  graph,
  travelTimes: tt,
  requests,
  fleetSize: CARS,
  dispatcher: greedy(),
  seed: 7,
  keepLog: false,
  eventSink: () => {
    events++;
  },
  progressEveryS: 3600,
  onProgress: (nowS, handled) => {
    const wall = (performance.now() - t) / 1000;
    if (wall - lastLog > 10) {
      lastLog = wall;
      console.log(`  ${(nowS / 3600).toFixed(0).padStart(2)} h simulated, ${handled} requests, ${wall.toFixed(0)} s wall, RSS ${peakRssMb()} MB`);
    }
  },
});
const simS = (performance.now() - t) / 1000;
const k = result.summary.kpis;
const row = {
  cars: CARS,
  requests: requests.length,
  nodes: graph.nodeCount,
  simWallS: Math.round(simS * 10) / 10,
  setupS: Math.round(setupS * 10) / 10,
  events,
  peakRssMb: peakRssMb(),
  stateBytesPerVehicle: result.summary.stateBytesPerVehicle,
  servedPct: k.servedPct,
  within5MinPct: k.within5MinPct,
};
console.log(JSON.stringify(row, null, 2));
console.log(`wrote ${writeResult('stress', row)}`);
