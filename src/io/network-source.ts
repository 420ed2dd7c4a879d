// Turns whatever the user names as a network — a .baton file, an OSM file, a node/edge CSV pair or folder, or the
// built-in synthetic city — into a graph with its contraction hierarchy, ready for travel-time queries.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildReport, RoadGraph } from '../core/network/graph.js';
import { buildSyntheticCity, DEFAULT_SYNTHETIC_CITY, syntheticCityOfNodes, type SyntheticCityOptions } from '../core/network/synthetic.js';
import { buildContractionHierarchy, chArrays, chFromArrays, ChTravelTimes, type ContractionHierarchy } from '../core/network/ch.js';
import { FREE_FLOW, validateSpeedProfile, type SpeedProfile } from '../core/network/travel-times.js';
import { importCsvNetwork } from './csv-network.js';
import { importOsm } from './osm.js';
import { SettingsError } from './settings-error.js';
import { describeFileError, InputFileError, peekFile } from './file-input.js';
import { isNetworkFile, loadNetwork, saveNetwork } from './network-file.js';

export interface ImportedNetwork {
  graph: RoadGraph;
  report: BuildReport;
  /** Importer-specific counts (ways read, rows skipped…), for the build report. */
  stats: unknown;
}

export interface ImportOptions {
  /** Speed overrides in km/h by road class or source class code. */
  speeds?: Record<string, number>;
}

/** Largest synthetic city, in grid nodes (about 3 GB of graph and hierarchy); beyond it, use a real network file. */
export const MAX_SYNTHETIC_NODES = 5_000_000;

/**
 * Parses `synthetic`, `synthetic:nodes=300000`, `synthetic:seed=3,width=6000,height=5000,block=120`. Every value must
 * be a positive number and the grid at most MAX_SYNTHETIC_NODES nodes, else a SettingsError naming --network.
 */
export function parseSyntheticSpec(spec: string): Partial<SyntheticCityOptions> {
  const [, args = ''] = spec.split(':', 2);
  let opts: Partial<SyntheticCityOptions> = {};
  const bad = (why: string) => new SettingsError(`--network ${JSON.stringify(spec)}: ${why}`);
  for (const part of args.split(',').filter(Boolean)) {
    const [key, raw] = part.split('=');
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw bad(`"${part}" needs a positive number`);
    if (key === 'nodes' && value > MAX_SYNTHETIC_NODES) throw bad(`nodes=${raw} is more than ${MAX_SYNTHETIC_NODES}`);
    switch (key) {
      case 'nodes':
        opts = { ...syntheticCityOfNodes(value, opts.seed ?? DEFAULT_SYNTHETIC_CITY.seed), ...opts };
        break;
      case 'seed':
        opts.seed = value;
        break;
      case 'width':
        opts.widthM = value;
        break;
      case 'height':
        opts.heightM = value;
        break;
      case 'block':
        opts.blockM = value;
        break;
      default:
        throw bad(`unknown option "${key}" (known: nodes, seed, width, height, block)`);
    }
  }
  const c = { ...DEFAULT_SYNTHETIC_CITY, ...opts };
  const gridNodes = (Math.floor(c.widthM / c.blockM) + 1) * (Math.floor(c.heightM / c.blockM) + 1);
  if (!(gridNodes <= MAX_SYNTHETIC_NODES)) throw bad(`a ${c.widthM} × ${c.heightM} m city of ${c.blockM} m blocks has ${gridNodes} nodes, more than ${MAX_SYNTHETIC_NODES}`);
  return opts;
}

/** Finds the node and edge CSV files in a folder (names containing "node" and "edge"). */
function csvPairIn(dir: string): [string, string] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new InputFileError(dir, describeFileError(err, 'read'), { cause: err });
  }
  const files = names.filter((f) => /\.csv(\.gz)?$/i.test(f));
  const nodes = files.filter((f) => /node/i.test(f));
  const edges = files.filter((f) => /edge/i.test(f));
  if (nodes.length !== 1 || edges.length !== 1) {
    throw new InputFileError(dir, `expected one *node*.csv[.gz] and one *edge*.csv[.gz] file, found nodes: [${nodes.join(', ')}], edges: [${edges.join(', ')}]`);
  }
  return [join(dir, nodes[0]), join(dir, edges[0])];
}

const OSM_NAME = /\.(osm\.pbf|pbf|osm|osm\.gz|osm\.xml|osm\.xml\.gz)$/i;
const CSV_NAME = /\.csv(\.gz)?$/i;

/**
 * Imports raw network input: `synthetic[:…]`; one OSM file (.osm.pbf, .osm, .osm.gz); a node CSV and an edge CSV
 * (in either order: the names must contain "node" and "edge"); or a folder holding such a pair.
 */
export async function importNetwork(inputs: string[], opts: ImportOptions = {}): Promise<ImportedNetwork> {
  if (inputs.length === 0) throw new Error('no network input given');
  if (inputs.length === 1 && /^synthetic(:|$)/.test(inputs[0])) {
    const { graph, report } = buildSyntheticCity(parseSyntheticSpec(inputs[0]));
    return { graph, report, stats: {} };
  }
  if (inputs.length === 1) {
    const input = inputs[0];
    let isDir = false;
    try {
      isDir = statSync(input).isDirectory();
    } catch (err) {
      throw new InputFileError(input, describeFileError(err, 'read'), { cause: err });
    }
    if (isDir) {
      const [n, e] = csvPairIn(input);
      return importCsvNetwork(n, e, opts);
    }
    if (OSM_NAME.test(input)) return importOsm(input, opts);
    if (CSV_NAME.test(input)) throw new InputFileError(input, 'a CSV network needs two files: the node CSV and the edge CSV');
    peekFile(input);
    throw new InputFileError(input, 'unsupported network input (expected .osm.pbf, .osm, .osm.gz, a node+edge CSV pair or folder, or synthetic)');
  }
  if (inputs.length === 2 && inputs.every((f) => CSV_NAME.test(f))) {
    const nodes = inputs.find((f) => /node/i.test(f));
    const edges = inputs.find((f) => /edge/i.test(f));
    if (!nodes || !edges || nodes === edges) throw new Error(`cannot tell the node CSV from the edge CSV in ${inputs.join(', ')}: their names must contain "node" and "edge"`);
    return importCsvNetwork(nodes, edges, opts);
  }
  throw new Error(`unsupported network inputs: ${inputs.join(', ')} (give one OSM file, a node+edge CSV pair, a folder, or synthetic)`);
}

/** A network ready for routing. */
export interface OpenedNetwork {
  graph: RoadGraph;
  ch: ContractionHierarchy;
  speedProfile: SpeedProfile;
  travelTimes: ChTravelTimes;
  /** True if the hierarchy was read from the file rather than built now. */
  chFromFile: boolean;
  /** Seconds spent building the hierarchy now (0 if read from the file). */
  chBuildS: number;
  report?: BuildReport;
}

export interface OpenOptions extends ImportOptions {
  onChProgress?(contracted: number, total: number): void;
  /** Calibrated hourly speed factors to use instead of the file's own. */
  speedProfile?: SpeedProfile;
}

/** True if the path names a .baton network file (by its magic bytes). */
export function isNetworkFilePath(path: string): boolean {
  try {
    return statSync(path).isFile() && isNetworkFile(peekFile(path, 8));
  } catch {
    return false;
  }
}

/**
 * The graph alone, for drawing or checking node indices: a .baton file's graph, or raw input imported without
 * building a hierarchy (seconds saved on a city network).
 */
export async function loadGraph(inputs: string[], opts: ImportOptions = {}): Promise<RoadGraph> {
  if (inputs.length === 1 && isNetworkFilePath(inputs[0])) return loadNetwork(inputs[0]).graph;
  return (await importNetwork(inputs, opts)).graph;
}

/** A network graph as read, before it is made ready for routing: its hierarchy and speed factors if the file has them. */
export interface ReadNetwork {
  graph: RoadGraph;
  ch?: ContractionHierarchy;
  /** The speed profile stored in the network file, if any. */
  fileSpeedProfile?: SpeedProfile;
  report?: BuildReport;
}

/** Reads a network by name (see importNetwork) without building a hierarchy; a .baton file brings its own. */
export async function readNetwork(inputs: string[], opts: ImportOptions = {}): Promise<ReadNetwork> {
  if (inputs.length === 1 && isNetworkFilePath(inputs[0])) {
    const loaded = loadNetwork(inputs[0]);
    const graph = loaded.graph;
    let ch: ContractionHierarchy | undefined;
    const chNodes = loaded.extras.numbers['ch.nodeCount'];
    if (chNodes !== undefined) {
      const arrays = Object.fromEntries(Object.entries(loaded.extras.arrays).filter(([k]) => k.startsWith('ch.')).map(([k, v]) => [k.slice(3), v]));
      try {
        ch = chFromArrays(chNodes, arrays);
      } catch (err) {
        throw new InputFileError(inputs[0], (err as Error).message);
      }
    }
    return { graph, ch, fileSpeedProfile: loaded.extras.speedProfile, report: graph.meta.build };
  }
  const { graph, report } = await importNetwork(inputs, opts);
  return { graph, report };
}

/** Makes a read network ready for routing: builds its hierarchy unless it has one, and sets the speed profile. */
export function routableNetwork(read: ReadNetwork, opts: Pick<OpenOptions, 'onChProgress' | 'speedProfile'> = {}): OpenedNetwork {
  const { graph, report } = read;
  let ch = read.ch;
  let chBuildS = 0;
  const chFromFile = ch !== undefined;
  if (!ch) {
    const t0 = performance.now();
    ch = buildContractionHierarchy(graph, { onProgress: opts.onChProgress });
    chBuildS = (performance.now() - t0) / 1000;
  }
  const speedProfile = validateSpeedProfile(opts.speedProfile ?? read.fileSpeedProfile ?? FREE_FLOW);
  return { graph, ch, speedProfile, travelTimes: new ChTravelTimes(graph, ch, speedProfile), chFromFile, chBuildS, report };
}

/** Opens a network by name (see importNetwork), reusing a stored hierarchy when the file has one. */
export async function openNetwork(inputs: string[], opts: OpenOptions = {}): Promise<OpenedNetwork> {
  return routableNetwork(await readNetwork(inputs, opts), opts);
}

/** Writes a network file with its hierarchy (and calibrated speed factors, if any). Returns bytes written. */
export function saveNetworkWithCh(file: string, graph: RoadGraph, ch: ContractionHierarchy | undefined, speedProfile?: SpeedProfile): number {
  const arrays = ch ? Object.fromEntries(Object.entries(chArrays(ch)).map(([k, v]) => [`ch.${k}`, v])) : {};
  return saveNetwork(file, graph, { arrays, numbers: ch ? { 'ch.nodeCount': ch.nodeCount } : {}, speedProfile });
}
