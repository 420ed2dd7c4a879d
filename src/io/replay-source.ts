// Reads a recorded run for the dashboard: the NDJSON event log (plain or gzip) folded into a replay scene with the
// network it ran on, packed once into the bundle the page loads, plus an index of each vehicle's own event lines.
import { basename } from 'node:path';
import type { RoadGraph } from '../core/network/graph.js';
import { encodeReplayScene, type ReplayScene } from '../core/replay/bundle.js';
import { roadLayer } from '../core/replay/road-layer.js';
import { ReplayTimelineBuilder } from '../core/replay/timeline.js';
import type { SimEvent } from '../core/sim/events.js';
import { gunzipInput, InputFileError, isGzip, readInputFile } from './file-input.js';
import { loadGraph } from './network-source.js';
import { parseServiceAreaPolygons, readSmallTextFile } from './service-area.js';

export interface LoadedReplay {
  scene: ReplayScene;
  /** The scene packed for the page (encodeReplayScene). */
  bundle: Uint8Array;
  /**
   * JSON text `{"vehicle":v,"events":[…],"requests":{"r":RequestSubmitted,…}}`: every event naming vehicle v (as
   * `vehicle` or `previousVehicle`) in log order, and the submission of each request among them. Undefined for a
   * vehicle the log does not have.
   */
  vehicleJson(vehicle: number): string | undefined;
  /**
   * JSON text `{"request":r,"events":[…]}`: every event naming request r (as `request`) in log order, for the rider
   * card. Undefined for a request the log does not have.
   */
  requestJson(request: number): string | undefined;
}

const NODE_FIELDS = ['node', 'fromNode', 'toNode', 'pickupNode', 'dropoffNode'] as const;

/**
 * Loads an event log and the network it ran on. Every node the log names must exist in the network (a log replayed
 * on the wrong network fails here, not as cars in the wrong places).
 *
 * @example const replay = await loadReplay('events.ndjson', ['synthetic']);
 */
export async function loadReplay(eventsFile: string, networkInputs: string[], options: { serviceAreaFile?: string } = {}): Promise<LoadedReplay> {
  const serviceArea = options.serviceAreaFile === undefined ? undefined : parseServiceAreaPolygons(readSmallTextFile(options.serviceAreaFile), options.serviceAreaFile);
  const raw = readInputFile(eventsFile);
  const text = isGzip(raw) ? gunzipInput(eventsFile, raw) : raw;
  const graph = await loadGraph(networkInputs);

  const builder = new ReplayTimelineBuilder();
  const vehicleLines: number[][] = [];
  const requestLine: number[] = [];
  /** Per request, the starts of the lines naming it. */
  const requestLines: number[][] = [];
  let maxNode = -1;
  let maxNodeLine = 0;
  let events = 0;
  let lineNo = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf(10, start);
    if (end < 0) end = text.length;
    lineNo++;
    if (end > start) {
      let ev: SimEvent;
      try {
        ev = JSON.parse(text.toString('utf8', start, end)) as SimEvent;
        if (typeof ev !== 'object' || ev === null || typeof ev.kind !== 'string' || !Number.isInteger(ev.timeS)) throw new Error('not an event (needs "kind" and integer "timeS")');
        builder.add(ev);
      } catch (err) {
        throw new InputFileError(eventsFile, `line ${lineNo}: ${(err as Error).message}`);
      }
      events++;
      const e = ev as unknown as Record<string, unknown>;
      for (const f of NODE_FIELDS) {
        const n = e[f];
        if (typeof n === 'number' && n > maxNode) {
          maxNode = n;
          maxNodeLine = lineNo;
        }
      }
      const v = typeof e.vehicle === 'number' ? e.vehicle : -1;
      const pv = typeof e.previousVehicle === 'number' ? e.previousVehicle : -1;
      if (v >= 0) linesOf(vehicleLines, v).push(start);
      if (pv >= 0 && pv !== v) linesOf(vehicleLines, pv).push(start);
      if (ev.kind === 'RequestSubmitted') requestLine[ev.request] = start;
      if (typeof e.request === 'number' && Number.isInteger(e.request) && e.request >= 0) linesOf(requestLines, e.request).push(start);
    }
    start = end + 1;
  }
  if (events === 0) throw new InputFileError(eventsFile, 'no events');
  if (maxNode >= graph.nodeCount) {
    throw new InputFileError(
      eventsFile,
      `line ${maxNodeLine} names node ${maxNode}, but the network ${graph.meta.source} has ${graph.nodeCount} nodes: give --network the network the run used`,
    );
  }

  const scene: ReplayScene = {
    log: { name: basename(eventsFile), events },
    network: networkLayer(graph),
    timeline: builder.result(),
    ...(serviceArea ? { serviceArea } : {}),
  };
  const lineAt = (start: number): string => {
    const end = text.indexOf(10, start);
    return text.toString('utf8', start, end < 0 ? text.length : end);
  };
  return {
    scene,
    bundle: encodeReplayScene(scene),
    vehicleJson(vehicle) {
      if (!(Number.isInteger(vehicle) && vehicle >= 0 && vehicle < scene.timeline.vehicleCount)) return undefined;
      const lines = (vehicleLines[vehicle] ?? []).map(lineAt);
      const requests = new Set<number>();
      for (const line of lines) {
        const m = /"request":(\d+)/.exec(line);
        if (m) requests.add(Number(m[1]));
      }
      const submitted = [...requests].filter((r) => requestLine[r] !== undefined).map((r) => `"${r}":${lineAt(requestLine[r])}`);
      return `{"vehicle":${vehicle},"events":[${lines.join(',')}],"requests":{${submitted.join(',')}}}`;
    },
    requestJson(request) {
      if (!(Number.isInteger(request) && request >= 0 && requestLines[request] !== undefined)) return undefined;
      return `{"request":${request},"events":[${requestLines[request].map(lineAt).join(',')}]}`;
    },
  };
}

function linesOf(lists: number[][], v: number): number[] {
  let list = lists[v];
  if (!list) lists[v] = list = [];
  return list;
}

/** The network as the page draws it: node coordinates and the road segments. */
export function networkLayer(graph: RoadGraph): ReplayScene['network'] {
  return {
    source: graph.meta.source,
    attribution: graph.meta.attribution,
    bbox: graph.meta.bbox,
    nodeLon: Float32Array.from(graph.lon),
    nodeLat: Float32Array.from(graph.lat),
    roads: roadLayer(graph),
  };
}
