// The compact binary network file (`.baton`): CSR typed arrays, node coordinates, edge geometry, metadata, and
// optionally the contraction hierarchy and calibrated speed factors, loaded as zero-copy typed-array views.
//
// Layout: "BATONNET" (8 bytes) · u32 format version · u32 header length · header JSON (UTF-8) · zero padding to a
// multiple of 8 · the arrays, each starting at a multiple of 8. The header lists every array (name, type, offset,
// length) so that readers can check the file is complete before touching it.
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import type { NetworkMeta, RoadGraph } from '../core/network/graph.js';
import type { SpeedProfile } from '../core/network/travel-times.js';
import { describeFileError, InputFileError } from './file-input.js';
import { asOutputError, writeOutputFile } from './output-file.js';

const MAGIC = 'BATONNET';
const VERSION = 1;

const ARRAY_TYPES = { Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array } as const;
type TypedArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
type ArrayTypeName = keyof typeof ARRAY_TYPES;

const GRAPH_ARRAYS = ['firstOut', 'head', 'timeMs', 'lengthM', 'roadClass', 'lat', 'lon', 'externalId', 'geomFirst', 'geomLat', 'geomLon'] as const;

interface Header {
  meta: NetworkMeta;
  nodeCount: number;
  edgeCount: number;
  speedProfile?: SpeedProfile;
  /** Number stored alongside the extra arrays (e.g. CH node count). */
  extraNumbers: Record<string, number>;
  arrays: { name: string; type: ArrayTypeName; offset: number; length: number }[];
}

/** What a network file holds besides the graph: arrays such as the CH (`ch.*`) and calibrated speed factors. */
export interface NetworkExtras {
  arrays?: Record<string, TypedArray>;
  numbers?: Record<string, number>;
  speedProfile?: SpeedProfile;
}

export interface LoadedNetwork {
  graph: RoadGraph;
  extras: Required<Pick<NetworkExtras, 'arrays' | 'numbers'>> & { speedProfile?: SpeedProfile };
  bytes: number;
}

function typeName(a: TypedArray): ArrayTypeName {
  const name = a.constructor.name as ArrayTypeName;
  if (!(name in ARRAY_TYPES)) throw new Error(`cannot store array of type ${name}`);
  return name;
}

/** Writes the network (atomically: a temporary file renamed into place, so a crash never leaves half a file). */
export function saveNetwork(file: string, graph: RoadGraph, extras: NetworkExtras = {}): number {
  const named: [string, TypedArray][] = GRAPH_ARRAYS.map((k) => [k, graph[k]]);
  for (const [k, a] of Object.entries(extras.arrays ?? {})) named.push([k, a]);
  const arrays: Header['arrays'] = [];
  let offset = 0;
  for (const [name, a] of named) {
    arrays.push({ name, type: typeName(a), offset, length: a.length });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const header: Header = {
    meta: graph.meta,
    nodeCount: graph.nodeCount,
    edgeCount: graph.edgeCount,
    speedProfile: extras.speedProfile,
    extraNumbers: extras.numbers ?? {},
    arrays,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const dataStart = Math.ceil((16 + json.length) / 8) * 8;
  const buf = Buffer.alloc(dataStart + offset);
  buf.write(MAGIC, 0, 'ascii');
  buf.writeUInt32LE(VERSION, 8);
  buf.writeUInt32LE(json.length, 12);
  json.copy(buf, 16);
  for (let i = 0; i < named.length; i++) {
    const a = named[i][1];
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(buf, dataStart + arrays[i].offset);
  }
  writeReplacing(file, buf);
  return buf.length;
}

/**
 * Writes a regular file through a temporary file beside it and a rename, so that a failed write never leaves a
 * half-written network where a good one was; a device (/dev/null) is written directly. Errors name `file`, never the
 * temporary file.
 */
function writeReplacing(file: string, buf: Uint8Array): void {
  let regular = true;
  try {
    regular = statSync(file).isFile();
  } catch {
    // A new file: written through the temporary file.
  }
  if (!regular) {
    writeOutputFile(file, buf);
    return;
  }
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, buf);
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // Never created, or already renamed.
    }
    throw asOutputError(file, err);
  }
}

/** True if the file starts with the network magic bytes. */
export function isNetworkFile(head: Uint8Array): boolean {
  return Buffer.from(head.subarray(0, 8)).toString('ascii') === MAGIC;
}

/**
 * The graph arrays agree with the counts and with each other (CSR offsets rising to edgeCount, heads inside the
 * node range), so a corrupt file fails here and not as an out-of-range index deep in a query. O(nodes + edges).
 */
function checkGraphShape(file: string, nodeCount: number, edgeCount: number, a: Record<string, TypedArray>): void {
  const bad = (what: string) => new InputFileError(file, `corrupt network file (${what}); rebuild it`);
  const perNode = ['lat', 'lon', 'externalId'];
  const perEdge = ['head', 'timeMs', 'lengthM', 'roadClass'];
  if (a.firstOut.length !== nodeCount + 1) throw bad('firstOut length');
  for (const k of perNode) if (a[k].length !== nodeCount) throw bad(`${k} length`);
  for (const k of perEdge) if (a[k].length !== edgeCount) throw bad(`${k} length`);
  const firstOut = a.firstOut;
  if (firstOut[0] !== 0 || firstOut[nodeCount] !== edgeCount) throw bad('firstOut bounds');
  for (let u = 0; u < nodeCount; u++) if (firstOut[u + 1] < firstOut[u]) throw bad('firstOut order');
  const head = a.head;
  for (let e = 0; e < edgeCount; e++) if (head[e] >= nodeCount) throw bad('edge head out of range');
}

/** Loads a network file; errors name the file and say what is wrong (not a network file, other version, truncated). */
export function loadNetwork(file: string): LoadedNetwork {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new InputFileError(file, describeFileError(err, 'read'), { cause: err });
  }
  if (buf.length < 16 || buf.toString('ascii', 0, 8) !== MAGIC) throw new InputFileError(file, 'not a Baton network file (build one with `baton network build`)');
  const version = buf.readUInt32LE(8);
  if (version !== VERSION) throw new InputFileError(file, `network file format ${version} is not supported (this Baton reads ${VERSION}); rebuild it`);
  const jsonLen = buf.readUInt32LE(12);
  if (16 + jsonLen > buf.length) throw new InputFileError(file, 'truncated network file (header)');
  let header: Header;
  try {
    header = JSON.parse(buf.toString('utf8', 16, 16 + jsonLen)) as Header;
  } catch {
    throw new InputFileError(file, 'corrupt network file (header is not valid JSON); rebuild it');
  }
  const count = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < 2 ** 32;
  if (typeof header !== 'object' || header === null || !count(header.nodeCount) || !count(header.edgeCount) || !Array.isArray(header.arrays)) {
    throw new InputFileError(file, 'corrupt network file (header fields); rebuild it');
  }
  const dataStart = Math.ceil((16 + jsonLen) / 8) * 8;
  // Typed-array views need 8-byte alignment; readFileSync may hand back a pooled buffer at any offset.
  if ((buf.byteOffset + dataStart) % 8 !== 0) buf = Buffer.from(Uint8Array.prototype.slice.call(buf));
  const out: Record<string, TypedArray> = {};
  for (const a of header.arrays) {
    const Ctor = typeof a === 'object' && a !== null && Object.hasOwn(ARRAY_TYPES, a.type) ? ARRAY_TYPES[a.type] : undefined;
    if (!Ctor || !count(a.offset) || !count(a.length) || a.offset % 8 !== 0 || typeof a.name !== 'string') {
      throw new InputFileError(file, `corrupt network file (array entry ${JSON.stringify(a)?.slice(0, 80)}); rebuild it`);
    }
    const start = buf.byteOffset + dataStart + a.offset;
    if (dataStart + a.offset + a.length * Ctor.BYTES_PER_ELEMENT > buf.length) throw new InputFileError(file, `truncated network file (array ${a.name})`);
    out[a.name] = new Ctor(buf.buffer as ArrayBuffer, start, a.length);
  }
  for (const k of GRAPH_ARRAYS) if (!out[k]) throw new InputFileError(file, `network file lacks array ${k}`);
  checkGraphShape(file, header.nodeCount, header.edgeCount, out);
  const graph: RoadGraph = {
    nodeCount: header.nodeCount,
    edgeCount: header.edgeCount,
    firstOut: out.firstOut as Uint32Array,
    head: out.head as Uint32Array,
    timeMs: out.timeMs as Uint32Array,
    lengthM: out.lengthM as Float32Array,
    roadClass: out.roadClass as Uint8Array,
    lat: out.lat as Float64Array,
    lon: out.lon as Float64Array,
    externalId: out.externalId as Float64Array,
    geomFirst: out.geomFirst as Uint32Array,
    geomLat: out.geomLat as Float64Array,
    geomLon: out.geomLon as Float64Array,
    meta: header.meta,
  };
  const arrays: Record<string, TypedArray> = {};
  for (const [k, v] of Object.entries(out)) if (!(GRAPH_ARRAYS as readonly string[]).includes(k)) arrays[k] = v;
  return { graph, extras: { arrays, numbers: header.extraNumbers, speedProfile: header.speedProfile }, bytes: buf.length };
}
