// The binary network file: exact round trip of every array, extras, and clear errors for bad files.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { loadNetwork, saveNetwork } from '../../src/io/network-file.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-net-'));

describe('network file', () => {
  const { graph } = buildSyntheticCity({ widthM: 2000, heightM: 1500, seed: 3 });

  it('round-trips the graph, extra arrays, numbers and the speed profile exactly', () => {
    const file = join(dir, 'city.baton');
    const rank = Uint32Array.from({ length: graph.nodeCount }, (_, i) => graph.nodeCount - i);
    const profile = { hourlyFactors: Array.from({ length: 24 }, (_, h) => 1 + h / 100) };
    saveNetwork(file, graph, { arrays: { 'ch.rank': rank, odd: new Uint8Array(3) }, numbers: { 'ch.nodeCount': 7 }, speedProfile: profile });
    const { graph: g, extras } = loadNetwork(file);
    expect(g.nodeCount).toBe(graph.nodeCount);
    expect(g.edgeCount).toBe(graph.edgeCount);
    for (const k of ['firstOut', 'head', 'timeMs', 'lengthM', 'roadClass', 'lat', 'lon', 'externalId', 'geomFirst', 'geomLat', 'geomLon'] as const) {
      expect(Array.from(g[k])).toEqual(Array.from(graph[k]));
    }
    expect(g.meta).toEqual(JSON.parse(JSON.stringify(graph.meta)));
    expect(Array.from(extras.arrays['ch.rank'])).toEqual(Array.from(rank));
    expect(extras.arrays.odd).toBeInstanceOf(Uint8Array);
    expect(extras.numbers['ch.nodeCount']).toBe(7);
    expect(extras.speedProfile).toEqual(profile);
  });

  it('rejects missing, foreign, other-version and truncated files with the file named', () => {
    expect(() => loadNetwork(join(dir, 'nope.baton'))).toThrow(/nope\.baton: file not found/);
    const foreign = join(dir, 'foreign.baton');
    writeFileSync(foreign, 'node_id,lat,lon\n1,2,3\n');
    expect(() => loadNetwork(foreign)).toThrow(/foreign\.baton: not a Baton network file/);
    const good = join(dir, 'good.baton');
    saveNetwork(good, graph);
    const bytes = readFileSync(good);
    const truncated = join(dir, 'truncated.baton');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
    expect(() => loadNetwork(truncated)).toThrow(/truncated\.baton: truncated network file/);
    const future = Buffer.from(bytes);
    future.writeUInt32LE(99, 8);
    const futureFile = join(dir, 'future.baton');
    writeFileSync(futureFile, future);
    expect(() => loadNetwork(futureFile)).toThrow(/format 99 is not supported/);
  });
});
