// The stored shape of a contraction hierarchy: nodeCount plus typed arrays only, so the io layer can write it to a
// binary cache and load it back without knowing what each array means.
//
// Index conventions: everything inside the hierarchy is in RANK space (rank 0 = contracted first, nodeCount-1 =
// last), so that "upward" simply means a higher index and the nodes every query visits (the top of the hierarchy) sit
// together in memory. `rank[node]` maps a graph node to its rank, `order[rank]` maps back.
import type { RoadGraph } from './graph.js';

/**
 * A contraction hierarchy over one RoadGraph.
 *
 * - Upward graph (forward search): for rank r, edges upFirst[r] .. upFirst[r+1]-1 go r → upHead[e] (upHead[e] > r).
 * - Downward graph stored reversed (backward search): for rank r, edges downFirst[r] .. downFirst[r+1]-1 stand for
 *   the directed edge downHead[e] → r (downHead[e] > r), so the backward search also only climbs.
 * - *TimeMs: integer free-flow milliseconds. *Mid: the rank of the node a shortcut skips, or -1 for an original edge;
 *   a shortcut a → b via m unpacks into a → m (in m's downward list) and m → b (in m's upward list).
 * - graphFingerprint: [nodeCount, edgeCount, hash(head), hash(timeMs)] of the graph it was built from, so a cached
 *   hierarchy is never silently used with another network.
 */
export interface ContractionHierarchy {
  readonly nodeCount: number;
  readonly rank: Uint32Array;
  readonly order: Uint32Array;
  readonly upFirst: Uint32Array;
  readonly upHead: Uint32Array;
  readonly upTimeMs: Uint32Array;
  readonly upMid: Int32Array;
  readonly downFirst: Uint32Array;
  readonly downHead: Uint32Array;
  readonly downTimeMs: Uint32Array;
  readonly downMid: Int32Array;
  readonly graphFingerprint: Uint32Array;
}

/** Names and element types of the typed-array fields, in a fixed order (the io layer may rely on it). */
export const CH_ARRAY_FIELDS = {
  rank: Uint32Array,
  order: Uint32Array,
  upFirst: Uint32Array,
  upHead: Uint32Array,
  upTimeMs: Uint32Array,
  upMid: Int32Array,
  downFirst: Uint32Array,
  downHead: Uint32Array,
  downTimeMs: Uint32Array,
  downMid: Int32Array,
  graphFingerprint: Uint32Array,
} as const;

export type ChArrayName = keyof typeof CH_ARRAY_FIELDS;

/** Any typed array the io layer may hand back. */
export type AnyTypedArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

/**
 * Rebuilds a hierarchy from its typed arrays (e.g. loaded from a binary file), checking every field's presence, type
 * and length so that a truncated or foreign file fails here with the bad field named, not later inside a query.
 *
 * @example
 * const arrays = Object.fromEntries(Object.entries(ch).filter(([, v]) => ArrayBuffer.isView(v)));
 * const again = chFromArrays(ch.nodeCount, arrays);
 */
export function chFromArrays(nodeCount: number, arrays: Readonly<Record<string, AnyTypedArray>>): ContractionHierarchy {
  if (!Number.isInteger(nodeCount) || nodeCount < 0) throw new Error(`contraction hierarchy: nodeCount ${nodeCount} is not a count`);
  const get = <K extends ChArrayName>(name: K): InstanceType<(typeof CH_ARRAY_FIELDS)[K]> => {
    const a = arrays[name];
    const want = CH_ARRAY_FIELDS[name];
    if (!(a instanceof want)) {
      throw new Error(`contraction hierarchy: field ${name} must be a ${want.name}, got ${a === undefined ? 'nothing' : a.constructor.name}`);
    }
    return a as InstanceType<(typeof CH_ARRAY_FIELDS)[K]>;
  };
  const ch: ContractionHierarchy = {
    nodeCount,
    rank: get('rank'),
    order: get('order'),
    upFirst: get('upFirst'),
    upHead: get('upHead'),
    upTimeMs: get('upTimeMs'),
    upMid: get('upMid'),
    downFirst: get('downFirst'),
    downHead: get('downHead'),
    downTimeMs: get('downTimeMs'),
    downMid: get('downMid'),
    graphFingerprint: get('graphFingerprint'),
  };
  const expect = (name: ChArrayName, length: number) => {
    if (ch[name].length !== length) throw new Error(`contraction hierarchy: field ${name} has length ${ch[name].length}, expected ${length}`);
  };
  expect('rank', nodeCount);
  expect('order', nodeCount);
  expect('upFirst', nodeCount + 1);
  expect('downFirst', nodeCount + 1);
  const up = ch.upFirst[nodeCount];
  const down = ch.downFirst[nodeCount];
  for (const name of ['upHead', 'upTimeMs', 'upMid'] as const) expect(name, up);
  for (const name of ['downHead', 'downTimeMs', 'downMid'] as const) expect(name, down);
  expect('graphFingerprint', 4);
  return ch;
}

/** The typed arrays of a hierarchy by field name (the inverse of chFromArrays). */
export function chArrays(ch: ContractionHierarchy): Record<ChArrayName, AnyTypedArray> {
  const out = {} as Record<ChArrayName, AnyTypedArray>;
  for (const name of Object.keys(CH_ARRAY_FIELDS) as ChArrayName[]) out[name] = ch[name];
  return out;
}

/** FNV-1a over 32-bit words: cheap, and enough to tell two networks apart. */
function hashWords(words: Uint32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) {
    h = Math.imul(h ^ words[i], 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** [nodeCount, edgeCount, hash(head), hash(timeMs)] of a graph: what a hierarchy records about its source. */
export function graphFingerprint(graph: RoadGraph): Uint32Array {
  return Uint32Array.of(graph.nodeCount, graph.edgeCount, hashWords(graph.head), hashWords(graph.timeMs));
}

/** Throws unless `ch` was built from `graph` (same nodes, edges, heads and times). */
export function assertChMatchesGraph(ch: ContractionHierarchy, graph: RoadGraph): void {
  const f = graphFingerprint(graph);
  for (let i = 0; i < 4; i++) {
    if (f[i] !== ch.graphFingerprint[i]) {
      throw new Error(
        `contraction hierarchy was built for another network (fingerprint ${Array.from(ch.graphFingerprint).join(',')}, ` +
          `graph has ${Array.from(f).join(',')}); rebuild it`,
      );
    }
  }
}
