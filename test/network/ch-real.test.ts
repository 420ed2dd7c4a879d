// Contraction hierarchies equal Dijkstra on real networks: San Francisco (TIGER CSV) and Monaco (OSM PBF), 1,000
// seeded random pairs each, plus a stored-and-reloaded hierarchy giving the same answers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCsvNetwork } from '../../src/io/csv-network.js';
import { importOsm } from '../../src/io/osm.js';
import { openNetwork, saveNetworkWithCh } from '../../src/io/network-source.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { ChTravelTimes } from '../../src/core/network/ch.js';
import { Rng } from '../../src/core/random.js';
import { expectChEqualsDijkstra } from './ch-equivalence.js';
import { haveSharedData, sharedData, SF_EDGES, SF_NODES } from '../shared-data.js';

const MONACO = 'osm/monaco.osm.pbf';

describe.skipIf(!haveSharedData(SF_NODES, SF_EDGES))('CH on San Francisco', () => {
  it('equals Dijkstra on 1,000 random pairs, and a stored hierarchy reloads to the same answers', async () => {
    const { graph } = await importCsvNetwork(sharedData(SF_NODES), sharedData(SF_EDGES));
    const ch = expectChEqualsDijkstra(graph, 1000, 2024, { pathPairs: 200 });
    const file = join(mkdtempSync(join(tmpdir(), 'baton-ch-')), 'sf.baton');
    saveNetworkWithCh(file, graph, ch);
    const net = await openNetwork([file]);
    expect(net.chFromFile).toBe(true);
    const ref = new DijkstraTravelTimes(graph);
    const rng = new Rng(9);
    for (let i = 0; i < 200; i++) {
      const a = rng.int(graph.nodeCount);
      const b = rng.int(graph.nodeCount);
      expect(net.travelTimes.timeS(a, b)).toBe(ref.timeS(a, b));
    }
  });
});

describe.skipIf(!haveSharedData(MONACO))('CH on Monaco (OSM, many one-way streets)', () => {
  it('equals Dijkstra on 1,000 random pairs, and one-way streets make A→B differ from B→A', async () => {
    const { graph } = await importOsm(sharedData(MONACO));
    const ch = expectChEqualsDijkstra(graph, 1000, 77, { pathPairs: 300 });
    const tt = new ChTravelTimes(graph, ch);
    const rng = new Rng(5);
    let asymmetric = 0;
    for (let i = 0; i < 500; i++) {
      const a = rng.int(graph.nodeCount);
      const b = rng.int(graph.nodeCount);
      if (tt.timeS(a, b) !== tt.timeS(b, a)) asymmetric++;
    }
    // Monaco is full of one-way streets: most random pairs have different times each way.
    expect(asymmetric).toBeGreaterThan(250);
  });
});
