// Imports a road network from node/edge CSV files (the San Francisco TIGER export format, gzip or plain).
//
// nodes: node_id, lat, lon[, …]          edges: u, v, length_m, <class column>[, drivable][, oneway][, geometry_lonlat]
// Edges are two-way unless a `oneway` column says 1 (u→v only). The class column is `mtfcc` (TIGER) or `highway`
// (OSM-style names); speeds come from CSV_CLASS_SPEED_KPH below, overridable per class.
import { GraphBuilder, RoadClass, type BuildReport, type RoadClassName, type RoadGraph } from '../core/network/graph.js';
import { DEFAULT_SPEED_KPH, edgeTimeMs } from '../core/network/speeds.js';
import { haversineM, isValidLatLon } from '../core/geo.js';
import { csvRows as rows, InputFileError } from './file-input.js';

/**
 * Default free-flow speed (km/h) and Baton road class per TIGER MTFCC code. SF defaults follow the data README:
 * 25 mph local, 30–35 mph arterial, 55 mph freeway. OSM-style class names fall back to DEFAULT_SPEED_KPH.
 */
export const CSV_CLASS_SPEED_KPH: Readonly<Record<string, { kph: number; roadClass: RoadClassName }>> = {
  S1100: { kph: 88, roadClass: 'motorway' }, // primary road / freeway, 55 mph
  S1200: { kph: 52, roadClass: 'primary' }, // secondary road / arterial, ~32 mph
  S1400: { kph: 40, roadClass: 'residential' }, // local street, 25 mph
  S1630: { kph: 56, roadClass: 'ramp' }, // ramp, 35 mph
  S1640: { kph: 24, roadClass: 'service' }, // service drive, 15 mph
  S1730: { kph: 16, roadClass: 'service' }, // alley, 10 mph
  S1740: { kph: 16, roadClass: 'service' }, // private road, 10 mph
  S1750: { kph: 16, roadClass: 'other' }, // internal census use
  S1780: { kph: 8, roadClass: 'service' }, // parking-lot road, 5 mph
};
/** TIGER classes that are not drivable even if a file marks them so (4WD trail, walkway, stairway, bike path). */
const NON_DRIVABLE_MTFCC = new Set(['S1500', 'S1710', 'S1720', 'S1820', 'S1830']);

export interface CsvNetworkOptions {
  /** Speed overrides in km/h keyed by class code (S1400) or road class name (residential). */
  speeds?: Record<string, number>;
}

export interface CsvNetworkResult {
  graph: RoadGraph;
  report: BuildReport;
  stats: { nodeRows: number; edgeRows: number; nonDrivableSkipped: number; classes: Record<string, number> };
}

function columnIndex(file: string, header: string[], names: string[], required: boolean): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  for (const n of names) {
    const i = lower.indexOf(n);
    if (i >= 0) return i;
  }
  if (required) throw new InputFileError(file, `missing column ${names.join(' or ')} (header: ${header.join(',')})`);
  return -1;
}

/** Resolves the speed and class for a class code, honouring overrides; unknown codes become `other`. */
function classSpeed(code: string, overrides: Record<string, number>): { kph: number; roadClass: number } {
  const tiger = CSV_CLASS_SPEED_KPH[code];
  if (tiger) {
    const kph = overrides[code] ?? overrides[tiger.roadClass] ?? tiger.kph;
    return { kph, roadClass: RoadClass[tiger.roadClass] };
  }
  const name = (code in RoadClass ? code : 'other') as RoadClassName;
  return { kph: overrides[code] ?? overrides[name] ?? DEFAULT_SPEED_KPH[name], roadClass: RoadClass[name] };
}

/**
 * Reads a node CSV and an edge CSV into a RoadGraph (largest strongly connected component kept).
 * @example const { graph, report } = await importCsvNetwork('sf_road_nodes.csv.gz', 'sf_road_edges.csv.gz');
 */
export async function importCsvNetwork(nodesFile: string, edgesFile: string, opts: CsvNetworkOptions = {}): Promise<CsvNetworkResult> {
  const overrides = opts.speeds ?? {};
  for (const [k, v] of Object.entries(overrides)) {
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`speed override for "${k}" is ${v}; it must be a number > 0 km/h`);
  }
  const b = new GraphBuilder();
  const index = new Map<string, number>();
  let nodeRows = 0;
  let header: string[] | null = null;
  let iId = 0;
  let iLat = 0;
  let iLon = 0;
  for await (const row of rows(nodesFile)) {
    if (!header) {
      header = row;
      iId = columnIndex(nodesFile, row, ['node_id', 'id'], true);
      iLat = columnIndex(nodesFile, row, ['lat', 'latitude', 'y'], true);
      iLon = columnIndex(nodesFile, row, ['lon', 'lng', 'longitude', 'x'], true);
      continue;
    }
    nodeRows++;
    const lat = Number(row[iLat]);
    const lon = Number(row[iLon]);
    if (!isValidLatLon(lat, lon)) throw new InputFileError(nodesFile, `row ${nodeRows + 1}: bad coordinates "${row[iLat]}","${row[iLon]}"`);
    const id = row[iId];
    if (index.has(id)) throw new InputFileError(nodesFile, `row ${nodeRows + 1}: duplicate node id "${id}"`);
    const numeric = Number(id);
    index.set(id, b.addNode(Number.isFinite(numeric) ? numeric : nodeRows - 1, lat, lon));
  }
  if (!header) throw new InputFileError(nodesFile, 'no header row');
  if (nodeRows === 0) throw new InputFileError(nodesFile, 'no node rows');

  header = null;
  let edgeRows = 0;
  let skipped = 0;
  const classes: Record<string, number> = {};
  let iU = 0;
  let iV = 0;
  let iLen = -1;
  let iClass = -1;
  let iDrivable = -1;
  let iOneway = -1;
  let iGeom = -1;
  for await (const row of rows(edgesFile)) {
    if (!header) {
      header = row;
      iU = columnIndex(edgesFile, row, ['u', 'from', 'source'], true);
      iV = columnIndex(edgesFile, row, ['v', 'to', 'target'], true);
      iLen = columnIndex(edgesFile, row, ['length_m', 'length'], false);
      iClass = columnIndex(edgesFile, row, ['mtfcc', 'highway', 'road_class', 'class'], true);
      iDrivable = columnIndex(edgesFile, row, ['drivable'], false);
      iOneway = columnIndex(edgesFile, row, ['oneway'], false);
      iGeom = columnIndex(edgesFile, row, ['geometry_lonlat', 'geometry'], false);
      continue;
    }
    edgeRows++;
    const code = row[iClass]?.trim() ?? '';
    if ((iDrivable >= 0 && row[iDrivable] !== '1') || NON_DRIVABLE_MTFCC.has(code)) {
      skipped++;
      continue;
    }
    const u = index.get(row[iU]);
    const v = index.get(row[iV]);
    if (u === undefined || v === undefined) {
      throw new InputFileError(edgesFile, `row ${edgeRows + 1}: node "${u === undefined ? row[iU] : row[iV]}" is not in ${nodesFile}`);
    }
    const shapeLat: number[] = [];
    const shapeLon: number[] = [];
    if (iGeom >= 0 && row[iGeom]) {
      const pts = row[iGeom].split(';');
      // Endpoints are the nodes themselves; keep only the interior shape points.
      for (let p = 1; p < pts.length - 1; p++) {
        const [lonS, latS] = pts[p].trim().split(/\s+/);
        shapeLon.push(Number(lonS));
        shapeLat.push(Number(latS));
      }
    }
    let lengthM = iLen >= 0 ? Number(row[iLen]) : NaN;
    if (!(lengthM >= 0)) {
      lengthM = 0;
      let pLat = b.nodeLat(u);
      let pLon = b.nodeLon(u);
      for (let p = 0; p <= shapeLat.length; p++) {
        const qLat = p < shapeLat.length ? shapeLat[p] : b.nodeLat(v);
        const qLon = p < shapeLat.length ? shapeLon[p] : b.nodeLon(v);
        lengthM += haversineM(pLat, pLon, qLat, qLon);
        pLat = qLat;
        pLon = qLon;
      }
    }
    classes[code] = (classes[code] ?? 0) + 1;
    const { kph, roadClass } = classSpeed(code, overrides);
    const timeMs = edgeTimeMs(lengthM, kph);
    b.addEdge({ from: u, to: v, lengthM, timeMs, roadClass, shapeLat, shapeLon });
    if (iOneway < 0 || !['1', 'yes', 'true'].includes(row[iOneway]?.trim().toLowerCase())) {
      b.addEdge({ from: v, to: u, lengthM, timeMs, roadClass, shapeLat: shapeLat.slice().reverse(), shapeLon: shapeLon.slice().reverse() });
    }
  }
  if (!header) throw new InputFileError(edgesFile, 'no header row');
  if (b.edgeCount === 0) throw new InputFileError(edgesFile, 'no drivable edges found');
  const { graph, report } = b.build({
    source: `${nodesFile} + ${edgesFile}`,
    attribution: 'Road network from node/edge CSV (for the SF files: Source: U.S. Census Bureau, TIGER/Line 2013, public domain).',
    extra: { speedOverrides: overrides },
  });
  return { graph, report, stats: { nodeRows, edgeRows, nonDrivableSkipped: skipped, classes } };
}
