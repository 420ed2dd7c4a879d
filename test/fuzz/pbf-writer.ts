// A minimal OSM PBF writer for the fuzz suite: a header block and one data block (dense nodes, ways with tags), so
// that generated networks of any shape, valid or hostile (missing nodes, huge ids, odd tags), reach the real reader
// as well-formed files, and well-formed files can then be cut and corrupted.
import { deflateSync } from 'node:zlib';

/** A node: id and degrees. */
export interface PbfNode {
  id: number;
  lat: number;
  lon: number;
}

/** A way: id, node refs and tags. */
export interface PbfWay {
  id: number;
  refs: number[];
  tags: Record<string, string>;
}

function varint(n: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const zigzag = (n: bigint): bigint => (n >= 0n ? n << 1n : (-n << 1n) - 1n);
const key = (field: number, wire: number): number[] => varint(BigInt((field << 3) | wire));
const bytesField = (field: number, data: Uint8Array | number[]): number[] => [...key(field, 2), ...varint(BigInt(data.length)), ...data];
const intField = (field: number, n: number | bigint): number[] => [...key(field, 0), ...varint(BigInt(n))];
const packed = (field: number, values: bigint[]): number[] => bytesField(field, values.flatMap(varint));
const text = (s: string): number[] => [...Buffer.from(s, 'utf8')];

/** One blob: BlobHeader length, BlobHeader, Blob (zlib-compressed unless `raw`). */
function blob(type: string, payload: number[], raw: boolean): Buffer {
  const data = Buffer.from(payload);
  const body = raw ? [...bytesField(1, data), ...intField(2, data.length)] : [...intField(2, data.length), ...bytesField(3, deflateSync(data))];
  const header = [...bytesField(1, text(type)), ...intField(3, body.length)];
  const len = Buffer.alloc(4);
  len.writeUInt32BE(header.length);
  return Buffer.concat([len, Buffer.from(header), Buffer.from(body)]);
}

/** The decompressed PrimitiveBlock bytes of the nodes and ways (granularity 100, no offsets). */
export function primitiveBlock(nodes: readonly PbfNode[], ways: readonly PbfWay[]): number[] {
  const strings = [''];
  const index = (s: string) => {
    let i = strings.indexOf(s);
    if (i < 0) i = strings.push(s) - 1;
    return i;
  };
  const delta = (xs: bigint[]) => xs.map((x, i) => zigzag(i === 0 ? x : x - xs[i - 1]));
  const dense = [
    ...packed(1, delta(nodes.map((n) => BigInt(n.id)))),
    ...packed(8, delta(nodes.map((n) => BigInt(Math.round(n.lat * 1e7))))),
    ...packed(9, delta(nodes.map((n) => BigInt(Math.round(n.lon * 1e7))))),
  ];
  const wayMessages = ways.map((w) => {
    const keys = Object.keys(w.tags).map((k) => BigInt(index(k)));
    const vals = Object.values(w.tags).map((v) => BigInt(index(v)));
    return bytesField(3, [...intField(1, BigInt(w.id)), ...packed(2, keys), ...packed(3, vals), ...packed(8, delta(w.refs.map((r) => BigInt(r))))]);
  });
  const groups = [...bytesField(2, [...bytesField(2, dense)]), ...(wayMessages.length ? bytesField(2, wayMessages.flat()) : [])];
  const table = bytesField(1, strings.flatMap((s) => bytesField(1, text(s))));
  return [...table, ...groups];
}

/**
 * A whole .osm.pbf file: OSMHeader, then one OSMData block with the nodes and ways (or `block`, bytes standing for
 * the PrimitiveBlock, to feed the reader a corrupt block inside valid compression).
 *
 * @example writeFileSync('t.osm.pbf', encodePbf([{ id: 1, lat: 47, lon: 8 }], []))
 */
export function encodePbf(nodes: readonly PbfNode[], ways: readonly PbfWay[], o: { raw?: boolean; block?: number[] } = {}): Buffer {
  const header = [...bytesField(4, text('OsmSchema-V0.6')), ...bytesField(4, text('DenseNodes')), ...bytesField(16, text('baton-fuzz'))];
  return Buffer.concat([blob('OSMHeader', header, o.raw ?? false), blob('OSMData', o.block ?? primitiveBlock(nodes, ways), o.raw ?? false)]);
}
