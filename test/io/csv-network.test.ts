// Node/edge CSV import: the real San Francisco TIGER network, speeds by class, and clear errors for bad input.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { importCsvNetwork, type CsvNetworkResult } from '../../src/io/csv-network.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { RoadSnapper } from '../../src/core/network/snap.js';
import { haveSharedData, sharedData, SF_EDGES, SF_NODES } from '../shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-csv-'));
function write(name: string, text: string, gzip = false): string {
  const p = join(dir, name);
  writeFileSync(p, gzip ? gzipSync(text) : text);
  return p;
}

describe.skipIf(!haveSharedData(SF_NODES, SF_EDGES))('San Francisco TIGER network', () => {
  let sf: CsvNetworkResult;
  beforeAll(async () => {
    sf = await importCsvNetwork(sharedData(SF_NODES), sharedData(SF_EDGES));
  });

  it('keeps the largest strongly connected component (≥ 11,700 nodes) and reports what was dropped', () => {
    expect(sf.graph.nodeCount).toBeGreaterThanOrEqual(11_700);
    expect(sf.report.nodesIn).toBe(11_815);
    expect(sf.report.nodesDropped).toBe(sf.report.nodesIn - sf.graph.nodeCount);
    expect(sf.report.componentsFound).toBeGreaterThan(1);
    expect(sf.stats.nonDrivableSkipped).toBe(14); // S1500 trails, S1710 walkways, S1720 stairways
  });

  it('routes Ferry Building → Golden Gate Park in 8–12 km and 10–25 min with default speeds', () => {
    const snap = new RoadSnapper(sf.graph);
    const from = snap.snap(37.7955, -122.3937)!;
    const to = snap.snap(37.7694, -122.4862)!;
    expect(from.distanceM).toBeLessThan(250);
    expect(to.distanceM).toBeLessThan(250);
    const r = new DijkstraTravelTimes(sf.graph).route(from.node, to.node);
    expect(r.distanceM).toBeGreaterThan(8_000);
    expect(r.distanceM).toBeLessThan(12_000);
    expect(r.timeS).toBeGreaterThan(10 * 60);
    expect(r.timeS).toBeLessThan(25 * 60);
  });

  it('applies speed overrides per class', async () => {
    const slow = await importCsvNetwork(sharedData(SF_NODES), sharedData(SF_EDGES), { speeds: { S1400: 20, S1200: 26, S1100: 44 } });
    const a = 0;
    const b = Math.floor(sf.graph.nodeCount / 2);
    const base = new DijkstraTravelTimes(sf.graph).timeS(a, b);
    expect(new DijkstraTravelTimes(slow.graph).timeS(a, b)).toBeGreaterThan(base * 1.8);
  });
});

describe('node/edge CSV format', () => {
  const nodes = 'node_id,lat,lon\n1,47.0,8.0\n2,47.001,8.0\n3,47.001,8.001\n9,47.5,8.5\n';
  it('reads gzip or plain, two-way unless oneway=1, and drops the unreachable rest', async () => {
    const edges = 'u,v,length_m,highway,oneway\n1,2,111,residential,0\n2,3,76,residential,1\n3,1,134,primary,1\n9,1,50000,primary,1\n';
    const { graph, report } = await importCsvNetwork(write('n.csv.gz', nodes, true), write('e.csv', edges));
    expect(graph.nodeCount).toBe(3);
    expect(report.nodesDropped).toBe(1);
    const tt = new DijkstraTravelTimes(graph);
    // 1→2 is two-way; 2→3 is one-way so 3→2 must go round via 3→1→2.
    expect(tt.timeS(1, 0)).toBeCloseTo(111 / (30 / 3.6), 2);
    expect(tt.timeS(2, 1)).toBeGreaterThan(tt.timeS(1, 2));
  });

  it('names the file and the problem for bad input', async () => {
    const edges = write('ok-edges.csv', 'u,v,length_m,highway\n1,2,111,residential\n');
    await expect(importCsvNetwork(join(dir, 'missing.csv'), edges)).rejects.toThrow(/missing\.csv: file not found/);
    await expect(importCsvNetwork(write('empty.csv', ''), edges)).rejects.toThrow(/empty\.csv: file is empty/);
    await expect(importCsvNetwork(write('nolat.csv', 'node_id,x1,y1\n1,2,3\n'), edges)).rejects.toThrow(/nolat\.csv: missing column lat/);
    await expect(importCsvNetwork(write('badcoord.csv', 'node_id,lat,lon\n1,95,8\n'), edges)).rejects.toThrow(/badcoord\.csv: row 2: bad coordinates/);
    await expect(importCsvNetwork(write('n2.csv', nodes), write('unknown.csv', 'u,v,length_m,highway\n1,77,10,residential\n'))).rejects.toThrow(/unknown\.csv: row 2: node "77"/);
    await expect(importCsvNetwork(write('n3.csv', nodes), write('walk.csv', 'u,v,length_m,mtfcc\n1,2,10,S1710\n'))).rejects.toThrow(/walk\.csv: no drivable edges/);
    const corrupt = join(dir, 'corrupt.csv.gz');
    writeFileSync(corrupt, Buffer.concat([gzipSync(nodes).subarray(0, 12), Buffer.from('garbage-garbage')]));
    await expect(importCsvNetwork(corrupt, edges)).rejects.toThrow(/corrupt\.csv\.gz: /);
  });
});
