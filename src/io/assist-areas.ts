// Remote-assistance rates per area (`--assist-areas FILE`): a GeoJSON FeatureCollection of Polygon / MultiPolygon
// features, each with a property `ratePer1000Km` (requests for remote help per 1,000 km driven inside it). Read here
// and turned into a rate per road node (the first area in file order that contains the node, else --assist-rate), which
// is all the core sees (core/sim/assistance.ts). Every problem is an InputFileError naming the file, the feature and
// the problem, raised before any run starts.
import { ServiceArea, type PolygonRings } from '../core/network/area.js';
import type { RoadGraph } from '../core/network/graph.js';
import { InputFileError } from './file-input.js';
import { collectPolygons, parseJsonFile, readSmallTextFile } from './service-area.js';

/** One area of the file. */
export interface AssistArea {
  /** Index of its feature in the file's `features`. */
  feature: number;
  /** The feature's `name` property, if it has one (for messages and summaries). */
  name?: string;
  ratePer1000Km: number;
  area: ServiceArea;
}

/** Rates per node and what each area covered. */
export interface AssistRates {
  /** Requests per 1,000 km at each node of the graph (its area's rate, else the default rate). */
  per1000KmByNode: Float64Array;
  /** Per area, in file order: its rate and the nodes it decided (a node in two areas counts for the first). */
  areas: { feature: number; name?: string; ratePer1000Km: number; nodes: number }[];
  /** Nodes in no area (they keep the default rate). */
  nodesOutside: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Largest rate accepted, requests per 1,000 km (as --assist-rate). */
const MAX_RATE = 1_000_000;

/**
 * The areas of GeoJSON text; `file` names it in errors.
 *
 * @example parseAssistAreas('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ratePer1000Km":12},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}', 'a.geojson')[0].ratePer1000Km; // 12
 */
export function parseAssistAreas(text: string, file: string): AssistArea[] {
  const doc = parseJsonFile(file, text);
  if (!isObject(doc) || doc.type !== 'FeatureCollection') {
    const got = isObject(doc) && typeof doc.type === 'string' ? `a ${doc.type}` : 'no GeoJSON object';
    throw new InputFileError(file, `expected a GeoJSON FeatureCollection of Polygon or MultiPolygon features, each with a property ratePer1000Km; got ${got}`);
  }
  if (!Array.isArray(doc.features) || doc.features.length === 0) throw new InputFileError(file, 'the FeatureCollection has no features');
  return doc.features.map((f: unknown, i: number): AssistArea => {
    const where = `features[${i}]`;
    if (!isObject(f) || f.type !== 'Feature') throw new InputFileError(file, `${where}: expected a Feature (with a Polygon or MultiPolygon and a property ratePer1000Km)`);
    const props = isObject(f.properties) ? f.properties : {};
    const name = typeof props.name === 'string' ? props.name : undefined;
    const label = `${where}${name !== undefined ? ` ("${name}")` : ''}`;
    const rate = props.ratePer1000Km;
    if (rate === undefined) throw new InputFileError(file, `${label}: no property ratePer1000Km (requests for remote help per 1,000 km driven in the area)`);
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > MAX_RATE) {
      throw new InputFileError(file, `${label}: ratePer1000Km ${JSON.stringify(rate)} must be a number in 0..${MAX_RATE}`);
    }
    if (f.geometry === null || f.geometry === undefined) throw new InputFileError(file, `${label}: the Feature has no geometry; an assistance area needs a Polygon or MultiPolygon`);
    const polygons: PolygonRings[] = [];
    collectPolygons(file, f.geometry, `${where}.geometry`, polygons, 'an assistance area');
    let area: ServiceArea;
    try {
      area = new ServiceArea(polygons);
    } catch (err) {
      throw new InputFileError(file, `${label}: ${(err as Error).message}`);
    }
    return { feature: i, ...(name !== undefined ? { name } : {}), ratePer1000Km: rate, area };
  });
}

/**
 * Each node's rate: that of the first area (in file order) containing it, else `defaultPer1000Km`. An area that
 * contains no node of the graph is an error (a typo in the coordinates, [lat, lon] for [lon, lat], or an area of
 * another city): it would silently change nothing.
 */
export function assistRatesByNode(areas: readonly AssistArea[], graph: RoadGraph, defaultPer1000Km: number, file: string): AssistRates {
  const per1000KmByNode = new Float64Array(graph.nodeCount).fill(defaultPer1000Km);
  const counts = new Array<number>(areas.length).fill(0);
  const containing = new Array<number>(areas.length).fill(0);
  let nodesOutside = 0;
  for (let u = 0; u < graph.nodeCount; u++) {
    const lat = graph.lat[u];
    const lon = graph.lon[u];
    let first = -1;
    for (let a = 0; a < areas.length; a++) {
      if (!areas[a].area.contains(lat, lon)) continue;
      containing[a]++;
      if (first < 0) first = a;
    }
    if (first < 0) nodesOutside++;
    else {
      counts[first]++;
      per1000KmByNode[u] = areas[first].ratePer1000Km;
    }
  }
  areas.forEach((a, i) => {
    if (containing[i] > 0) return;
    const [w, s, e, n] = a.area.bbox.map((x) => x.toFixed(4));
    const [nw, ns, ne, nn] = graph.meta.bbox.map((x) => x.toFixed(4));
    throw new InputFileError(
      file,
      `features[${a.feature}]${a.name !== undefined ? ` ("${a.name}")` : ''}: the area contains no node of the network ${graph.meta.source} ` +
        `(area bbox ${w},${s},${e},${n}; network bbox ${nw},${ns},${ne},${nn}; GeoJSON positions are [lon, lat])`,
    );
  });
  return {
    per1000KmByNode,
    areas: areas.map((a, i) => ({ feature: a.feature, ...(a.name !== undefined ? { name: a.name } : {}), ratePer1000Km: a.ratePer1000Km, nodes: counts[i] })),
    nodesOutside,
  };
}

/**
 * Reads an --assist-areas file (plain or gzip) and gives every node of the graph its rate.
 *
 * @example readAssistRates('assist-areas.geojson', graph, 5).per1000KmByNode
 */
export function readAssistRates(file: string, graph: RoadGraph, defaultPer1000Km: number): AssistRates {
  return assistRatesByNode(parseAssistAreas(readSmallTextFile(file), file), graph, defaultPer1000Km, file);
}
