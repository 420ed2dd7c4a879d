// Reads an avoid list (`--avoid`): intersections that routes must never pass through (e.g. unprotected left turns the
// cars do not handle yet), given as network node ids or as lat/lon points snapped to the nearest node within a
// cutoff, in CSV or GeoJSON. Every problem is an InputFileError naming the file and the row or feature.
import { parse } from 'csv-parse/sync';
import { nearestNode } from '../core/network/area.js';
import type { RoadGraph } from '../core/network/graph.js';
import { InputFileError } from './file-input.js';
import { checkGeoJsonDepth, geoJsonPosition, parseJsonFile, readSmallTextFile } from './service-area.js';

/** Farthest an avoid point may lie from the node it names, metres (`--avoid-cutoff`). */
export const DEFAULT_AVOID_CUTOFF_M = 50;

/** One listed intersection: a node id of the network, or a point to snap. */
export interface AvoidEntry {
  /** Where it sits in the file, for errors: `row 3`, `features[1]`. */
  where: string;
  /** The network's own node id (CSV/OSM id, `externalId`). */
  nodeId?: number;
  lat?: number;
  lon?: number;
}

const ID_COLUMNS = ['node_id', 'node', 'id', 'osm_id'];
const LAT_COLUMNS = ['lat', 'latitude', 'y'];
const LON_COLUMNS = ['lon', 'lng', 'longitude', 'x'];

function nodeIdOf(file: string, value: unknown, where: string): number {
  const id = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(id)) throw new InputFileError(file, `${where}: node id ${JSON.stringify(value)} is not a number`);
  return id;
}

/** CSV with a header: a node id column, or lat and lon columns, or both (a row's id, when given, wins). */
function parseCsv(text: string, file: string): AvoidEntry[] {
  let rows: string[][];
  try {
    rows = parse(text, { relax_column_count: true, skip_empty_lines: true, comment: '#', trim: true });
  } catch (err) {
    throw new InputFileError(file, `not valid CSV (${(err as Error).message})`);
  }
  if (rows.length === 0) throw new InputFileError(file, 'no header row');
  const header = rows[0].map((h) => h.toLowerCase());
  const col = (names: string[]) => names.map((n) => header.indexOf(n)).find((i) => i >= 0) ?? -1;
  const iId = col(ID_COLUMNS);
  const iLat = col(LAT_COLUMNS);
  const iLon = col(LON_COLUMNS);
  if (iId < 0 && (iLat < 0 || iLon < 0)) {
    throw new InputFileError(file, `expected a ${ID_COLUMNS[0]} column, or lat and lon columns (header: ${rows[0].join(',')})`);
  }
  return rows.slice(1).map((row, k) => {
    const where = `row ${k + 2}`;
    if (iId >= 0 && (row[iId] ?? '') !== '') return { where, nodeId: nodeIdOf(file, row[iId], where) };
    if (iLat < 0 || iLon < 0) throw new InputFileError(file, `${where}: no node id`);
    const lat = Number(row[iLat]);
    const lon = Number(row[iLon]);
    if ((row[iLat] ?? '') === '' || (row[iLon] ?? '') === '' || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
      throw new InputFileError(file, `${where}: expected a node id or lat,lon in degrees, got "${row.join(',')}"`);
    }
    return { where, lat, lon };
  });
}

/** GeoJSON: Point / MultiPoint geometries (bare, in Features, in collections); a Feature's `node_id` property wins. */
function parseGeoJson(value: unknown, file: string, where: string, out: AvoidEntry[], depth = 0): void {
  checkGeoJsonDepth(file, where, depth);
  const at = where ? `${where}: ` : '';
  const child = (key: string) => (where ? `${where}.${key}` : key);
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
    throw new InputFileError(file, `${at}expected a GeoJSON object with a "type"`);
  }
  const v = value as Record<string, unknown>;
  switch (v.type) {
    case 'Point': {
      const [lon, lat] = geoJsonPosition(file, v.coordinates, child('coordinates'));
      out.push({ where: where || 'Point', lat, lon });
      return;
    }
    case 'MultiPoint':
      if (!Array.isArray(v.coordinates)) throw new InputFileError(file, `${at}a MultiPoint needs an array of positions`);
      v.coordinates.forEach((p, i) => {
        const [lon, lat] = geoJsonPosition(file, p, `${child('coordinates')}[${i}]`);
        out.push({ where: `${child('coordinates')}[${i}]`, lat, lon });
      });
      return;
    case 'Feature': {
      const props = v.properties as Record<string, unknown> | null | undefined;
      if (props && props.node_id !== undefined && props.node_id !== null) {
        out.push({ where: where || 'Feature', nodeId: nodeIdOf(file, props.node_id, child('properties.node_id')) });
        return;
      }
      if (v.geometry === null || v.geometry === undefined) throw new InputFileError(file, `${at}the Feature has neither a geometry nor a node_id property`);
      parseGeoJson(v.geometry, file, child('geometry'), out, depth + 1);
      return;
    }
    case 'FeatureCollection':
      if (!Array.isArray(v.features)) throw new InputFileError(file, `${at}the FeatureCollection has no features array`);
      v.features.forEach((f, i) => parseGeoJson(f, file, `${child('features')}[${i}]`, out, depth + 1));
      return;
    case 'GeometryCollection':
      if (!Array.isArray(v.geometries)) throw new InputFileError(file, `${at}the GeometryCollection has no geometries array`);
      v.geometries.forEach((g, i) => parseGeoJson(g, file, `${child('geometries')}[${i}]`, out, depth + 1));
      return;
    default:
      throw new InputFileError(file, `${at}a ${String(v.type)}; an avoid list holds Point or MultiPoint geometry, or Features with a node_id property`);
  }
}

/**
 * The entries of an avoid list's text: GeoJSON when it starts with `{`, else CSV with a header (`node_id`, or `lat`
 * and `lon`; `#` starts a comment). An empty list is an error (a file given by mistake should not pass silently).
 *
 * @example parseAvoidList('node_id\n65312\n', 'avoid.csv') // [{ where: 'row 2', nodeId: 65312 }]
 */
export function parseAvoidList(text: string, file: string): AvoidEntry[] {
  let entries: AvoidEntry[];
  if (text.trimStart().startsWith('{')) {
    entries = [];
    parseGeoJson(parseJsonFile(file, text), file, '', entries);
  } else {
    entries = parseCsv(text, file);
  }
  if (entries.length === 0) throw new InputFileError(file, 'lists no intersection');
  return entries;
}

/** Reads an avoid list file (CSV or GeoJSON, plain or gzip); see parseAvoidList. */
export function readAvoidList(file: string): AvoidEntry[] {
  return parseAvoidList(readSmallTextFile(file), file);
}

/** An avoid list placed on a network. */
export interface ResolvedAvoidList {
  /** Distinct node indices of the graph, ascending. */
  nodes: Uint32Array;
  /** Entries listed, given by id and by point. */
  listed: number;
  byId: number;
  byPoint: number;
  /** Farthest a point lay from its node, metres (0 when no point was listed). */
  maxSnapM: number;
}

/**
 * Places the entries on the graph: ids through the graph's `externalId`, points on the nearest node (by a scan of
 * all nodes) within `cutoffM`. An unknown id or a point farther than the cutoff is an error naming the entry.
 */
export function resolveAvoidList(file: string, entries: readonly AvoidEntry[], graph: RoadGraph, cutoffM: number): ResolvedAvoidList {
  let byExternal: Map<number, number> | undefined;
  const nodes = new Set<number>();
  let byId = 0;
  let maxSnapM = 0;
  for (const e of entries) {
    if (e.nodeId !== undefined) {
      if (!byExternal) {
        byExternal = new Map();
        for (let v = 0; v < graph.nodeCount; v++) byExternal.set(graph.externalId[v], v);
      }
      const v = byExternal.get(e.nodeId);
      if (v === undefined) throw new InputFileError(file, `${e.where}: node ${e.nodeId} is not a node of the road network ${graph.meta.source} (or the import dropped it as unconnected)`);
      nodes.add(v);
      byId++;
      continue;
    }
    const { node, distanceM } = nearestNode(graph, e.lat!, e.lon!);
    if (node < 0 || distanceM > cutoffM) {
      const nearest = node < 0 ? 'the network has no node' : `the nearest intersection (node ${graph.externalId[node]} at ${graph.lat[node].toFixed(6)},${graph.lon[node].toFixed(6)}) is ${distanceM.toFixed(0)} m away`;
      throw new InputFileError(file, `${e.where}: point ${e.lat},${e.lon}: ${nearest}, farther than the cutoff of ${cutoffM} m (--avoid-cutoff)`);
    }
    nodes.add(node);
    maxSnapM = Math.max(maxSnapM, distanceM);
  }
  return { nodes: Uint32Array.from([...nodes].sort((a, b) => a - b)), listed: entries.length, byId, byPoint: entries.length - byId, maxSnapM };
}
