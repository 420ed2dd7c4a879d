// OSM import: tag rules on hand-made XML fixtures, maxspeed/oneway parsing, bad-file errors, and real extracts
// (Monaco PBF, Austin gzipped XML) routed with the reference Dijkstra to prove one-way streets stay one-way.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haversineM } from '../../src/core/geo.js';
import { findEdge, RoadClass, type RoadGraph } from '../../src/core/network/graph.js';
import { edgeTimeMs, speedTable } from '../../src/core/network/speeds.js';
import { DijkstraTravelTimes } from '../../src/core/network/travel-times.js';
import { NetworkImportError } from '../../src/io/import-error.js';
import {
  classifyWay,
  importOsm,
  OSM_ATTRIBUTION,
  parseMaxspeedKph,
  parseOneway,
  readDrivableWays,
  type DrivableWay,
  type OsmImport,
} from '../../src/io/osm.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MONACO = path.resolve(repoRoot, '../shared/data/osm/monaco.osm.pbf');
const AUSTIN = path.resolve(repoRoot, '../shared/data/austin/roads/austin_downtown_capitol.osm.gz');
for (const f of [MONACO, AUSTIN]) {
  if (!existsSync(f)) console.warn(`osm.test: skipping the real-data tests for ${f}: file not found`);
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'baton-osm-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeTmp(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
}

/** Graph index of each OSM node id. */
function indexById(g: RoadGraph): Map<number, number> {
  const m = new Map<number, number>();
  g.externalId.forEach((id, i) => m.set(id, i));
  return m;
}

/** OSM XML from nodes ([id, lat, lon]) and ways ([id, node ids, tags]). */
function osmXml(nodes: [number, number, number][], ways: [number, number[], Record<string, string>][]): string {
  const n = nodes.map(([id, lat, lon]) => `  <node id="${id}" lat="${lat}" lon="${lon}"/>`);
  const w = ways.map(
    ([id, refs, tags]) =>
      `  <way id="${id}">\n${refs.map((r) => `    <nd ref="${r}"/>`).join('\n')}\n` +
      `${Object.entries(tags).map(([k, v]) => `    <tag k="${k}" v="${v}"/>`).join('\n')}\n  </way>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n${[...n, ...w].join('\n')}\n</osm>\n`;
}

describe('parseMaxspeedKph', () => {
  it.each([
    ['50', 50],
    ['50 km/h', 50],
    ['50kmh', 50],
    ['30 mph', 48.28],
    ['35 MPH', 56.33],
    ['10 knots', 18.52],
    ['50;30', 30],
    ['1000', 150], // clamped: a typo, not a speed
    ['2', 5], // clamped
    ['0', null],
    ['none', null],
    ['signals', null],
    ['walk', null],
    ['DE:urban', null],
    ['FR:zone30', null],
    ['', null],
    [undefined, null],
  ])('%s → %s', (value, kph) => {
    expect(parseMaxspeedKph(value)).toBe(kph);
  });
});

describe('parseOneway and classifyWay', () => {
  it('reads explicit and implied one-way rules', () => {
    expect(parseOneway({ highway: 'residential', oneway: 'yes' })).toBe('forward');
    expect(parseOneway({ highway: 'residential', oneway: '1' })).toBe('forward');
    expect(parseOneway({ highway: 'residential', oneway: 'true' })).toBe('forward');
    expect(parseOneway({ highway: 'residential', oneway: '-1' })).toBe('backward');
    expect(parseOneway({ highway: 'residential', oneway: 'reverse' })).toBe('backward');
    expect(parseOneway({ highway: 'residential', oneway: 'no' })).toBe('both');
    expect(parseOneway({ highway: 'residential' })).toBe('both');
    expect(parseOneway({ highway: 'residential', junction: 'roundabout' })).toBe('forward');
    expect(parseOneway({ highway: 'primary', junction: 'circular' })).toBe('forward');
    expect(parseOneway({ highway: 'primary', junction: 'roundabout', oneway: 'no' })).toBe('both');
    expect(parseOneway({ highway: 'motorway' })).toBe('forward');
    expect(parseOneway({ highway: 'motorway_link' })).toBe('forward');
    expect(parseOneway({ highway: 'motorway', oneway: 'no' })).toBe('both');
    expect(parseOneway({ highway: 'primary', oneway: 'reversible' })).toBe('reversible');
  });

  it('applies class, service, access and area rules', () => {
    const s = speedTable();
    const verdict = (tags: Record<string, string>) => {
      const v = classifyWay(tags, s);
      return v.drivable ? v.roadClass : `excluded:${v.reason}`;
    };
    expect(verdict({ highway: 'primary_link' })).toBe('ramp');
    expect(verdict({ highway: 'living_street' })).toBe('living_street');
    expect(verdict({ highway: 'service', service: 'parking_aisle' })).toBe('service');
    expect(verdict({ highway: 'service', service: 'alley' })).toBe('service');
    expect(verdict({ highway: 'service', service: 'driveway' })).toBe('excluded:service');
    expect(verdict({ highway: 'service', service: 'emergency_access' })).toBe('excluded:service');
    for (const h of ['track', 'road', 'construction', 'proposed', 'footway', 'pedestrian', 'busway']) expect(verdict({ highway: h })).toBe('excluded:class');
    expect(verdict({ name: 'no highway' })).toBe('excluded:not-highway');
    expect(verdict({ highway: 'residential', access: 'private' })).toBe('excluded:access');
    expect(verdict({ highway: 'residential', motor_vehicle: 'no' })).toBe('excluded:access');
    expect(verdict({ highway: 'residential', vehicle: 'no', access: 'yes' })).toBe('excluded:access');
    expect(verdict({ highway: 'residential', access: 'no', motorcar: 'yes' })).toBe('residential');
    expect(verdict({ highway: 'residential', access: 'destination' })).toBe('residential');
    expect(verdict({ highway: 'residential', area: 'yes' })).toBe('excluded:area');
    expect(verdict({ highway: 'primary', oneway: 'reversible' })).toBe('excluded:reversible');
  });

  it('takes speeds from maxspeed, per direction, or the (overridable) class default', () => {
    const v = classifyWay({ highway: 'primary', maxspeed: '30 mph', 'maxspeed:backward': '20' }, speedTable({ primary: 55 }));
    expect(v).toMatchObject({ drivable: true, forwardKph: 48.28, backwardKph: 20, maxspeedParsed: true });
    const d = classifyWay({ highway: 'primary', maxspeed: 'none' }, speedTable({ primary: 55 }));
    expect(d).toMatchObject({ forwardKph: 55, backwardKph: 55, maxspeedParsed: false, maxspeedUnrecognised: true });
  });
});

describe('importOsm on a hand-made XML fixture', () => {
  // A north-south backbone 1-2-3-4-5 (two-way) with: a one-way bypass 1→11→3, a oneway=-1 bypass 3-12-5
  // (legal only 5→12→3), an asymmetric roundabout 20→21→22→23→20 hung off node 5, and ways that must be dropped.
  const lat0 = 43.7;
  const lon0 = 7.4;
  const d = 0.001;
  const nodes: [number, number, number][] = [
    [1, lat0, lon0],
    [2, lat0 + d, lon0],
    [3, lat0 + 2 * d, lon0],
    [4, lat0 + 3 * d, lon0],
    [5, lat0 + 4 * d, lon0],
    [11, lat0 + d, lon0 + d],
    [12, lat0 + 3 * d, lon0 + d],
    [20, lat0 + 5 * d, lon0],
    [21, lat0 + 6 * d, lon0 + 3 * d], // far out: the 20→21→22 half of the roundabout is much longer
    [22, lat0 + 7 * d, lon0],
    [23, lat0 + 6 * d, lon0 - 0.2 * d],
    [30, lat0 + 8 * d, lon0],
    [40, lat0 + 3 * d, lon0 - d],
    [41, lat0 + d, lon0 - d],
    [42, lat0 + d, lon0 + 0.5 * d],
    [43, lat0 + 3 * d, lon0 + 2 * d],
    [44, lat0 + 4 * d, lon0 + d],
    [45, lat0 + 5 * d, lon0 + d],
    [46, lat0 + 3 * d, lon0 - 2 * d],
    [50, lat0 - d, lon0],
    [99, lat0 - 5 * d, lon0], // used by no way
  ];
  const ways: [number, number[], Record<string, string>][] = [
    [100, [1, 2, 3, 4, 5], { highway: 'residential', name: 'Backbone' }],
    [101, [1, 11, 3], { highway: 'residential', oneway: 'yes' }],
    [102, [3, 12, 5], { highway: 'tertiary', oneway: '-1' }],
    [103, [20, 21, 22, 23, 20], { highway: 'primary', junction: 'roundabout' }],
    [104, [5, 20], { highway: 'primary' }],
    [105, [22, 30], { highway: 'primary' }],
    [107, [4, 40], { highway: 'residential', access: 'private' }],
    [108, [2, 41], { highway: 'residential', access: 'no', motorcar: 'yes' }],
    [109, [2, 42], { highway: 'service', service: 'driveway' }],
    [110, [4, 43], { highway: 'footway' }],
    [111, [5, 44, 45, 5], { highway: 'residential', area: 'yes' }],
    [112, [1, 50], { highway: 'residential', maxspeed: '30 mph' }],
    [113, [4, 46], { highway: 'residential' }],
    [114, [1, 3], { building: 'yes' }],
  ];
  let res: OsmImport;
  let at: Map<number, number>;
  beforeAll(async () => {
    res = await importOsm(writeTmp('fixture.osm', osmXml(nodes, ways)));
    at = indexById(res.graph);
  });

  it('keeps junctions and ends as nodes, drops excluded ways, counts what it read', () => {
    expect([...res.graph.externalId].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 20, 22, 30, 41, 46, 50]);
    expect(res.stats).toMatchObject({
      format: 'xml',
      waysRead: 14,
      highwayWays: 13,
      drivableWays: 9,
      onewayWays: 3,
      excluded: { class: 1, service: 1, access: 1, area: 1, reversible: 0 },
      maxspeedParsed: 1,
      maxspeedDefaulted: 8,
      missingNodeRefs: 0,
    });
    expect(res.report.componentsFound).toBe(1);
    expect(res.graph.meta.source).toBe('fixture.osm');
    expect(res.graph.meta.attribution).toBe(OSM_ATTRIBUTION);
  });

  it('oneway=yes gives one direction only, with its shape point and haversine length along the shape', () => {
    const e = findEdge(res.graph, at.get(1)!, at.get(3)!);
    expect(e).toBeGreaterThanOrEqual(0);
    expect(findEdge(res.graph, at.get(3)!, at.get(1)!)).toBe(-1);
    expect(res.graph.geomLat.slice(res.graph.geomFirst[e], res.graph.geomFirst[e + 1])).toEqual(Float64Array.of(lat0 + d));
    const [p1, p11, p3] = [nodes[0], nodes[5], nodes[2]];
    const expected = haversineM(p1[1], p1[2], p11[1], p11[2]) + haversineM(p11[1], p11[2], p3[1], p3[2]);
    expect(res.graph.lengthM[e]).toBeCloseTo(expected, 1);
    expect(res.graph.roadClass[e]).toBe(RoadClass.residential);
  });

  it('oneway=-1 reverses the edge and its shape', () => {
    const e = findEdge(res.graph, at.get(5)!, at.get(3)!);
    expect(e).toBeGreaterThanOrEqual(0);
    expect(findEdge(res.graph, at.get(3)!, at.get(5)!)).toBe(-1);
    expect(res.graph.geomLon[res.graph.geomFirst[e]]).toBeCloseTo(lon0 + d, 9);
    const tt = new DijkstraTravelTimes(res.graph);
    // 3→5 has to take the backbone; 5→3 uses the -1 way.
    expect(tt.timeMs(at.get(3)!, at.get(5)!)).toBeGreaterThan(tt.timeMs(at.get(5)!, at.get(3)!));
    expect(tt.path(at.get(3)!, at.get(5)!)!.nodes).toEqual(Uint32Array.of(at.get(3)!, at.get(4)!, at.get(5)!));
  });

  it('a roundabout is one-way in its drawing direction', () => {
    const tt = new DijkstraTravelTimes(res.graph);
    const [n20, n22] = [at.get(20)!, at.get(22)!];
    // 20→22 must go round via the far node 21; 22→20 takes the short half via 23.
    expect(tt.timeMs(n20, n22)).toBeGreaterThan(2 * tt.timeMs(n22, n20));
  });

  it('uses maxspeed where tagged, the class default otherwise, and opts.speeds overrides defaults', async () => {
    const e = findEdge(res.graph, at.get(1)!, at.get(50)!);
    expect(res.graph.timeMs[e]).toBe(edgeTimeMs(res.graph.lengthM[e], 48.28));
    const b = findEdge(res.graph, at.get(1)!, at.get(2)!);
    expect(res.graph.timeMs[b]).toBe(edgeTimeMs(res.graph.lengthM[b], 30));
    const fast = await importOsm(writeTmp('fixture-fast.osm', osmXml(nodes, ways)), { speeds: { residential: 60 } });
    const at2 = indexById(fast.graph);
    const b2 = findEdge(fast.graph, at2.get(1)!, at2.get(2)!);
    expect(fast.graph.timeMs[b2]).toBe(edgeTimeMs(fast.graph.lengthM[b2], 60));
    expect(fast.graph.timeMs[findEdge(fast.graph, at2.get(1)!, at2.get(50)!)]).toBe(res.graph.timeMs[e]); // tagged: unchanged
  });

  it('detects gzip by its magic bytes whatever the name, and reports a dropped island', async () => {
    const withIsland = osmXml(
      [...nodes, [60, lat0 - 9 * d, lon0], [61, lat0 - 9 * d, lon0 + d]],
      [...ways, [115, [60, 61], { highway: 'residential' }]],
    );
    const r = await importOsm(writeTmp('gzipped-but-named.osm', gzipSync(withIsland)));
    expect(r.stats.format).toBe('xml.gz');
    expect(r.graph.nodeCount).toBe(res.graph.nodeCount);
    expect(r.report).toMatchObject({ componentsFound: 2, nodesDropped: 2, edgesDropped: 2 });
  });

  it('skips ways a JOSM-saved file marks deleted', async () => {
    const xml = osmXml(nodes, ways).replace('<way id="101">', '<way id="101" action="delete">');
    const r = await importOsm(writeTmp('josm.osm', xml));
    expect(r.stats.drivableWays).toBe(res.stats.drivableWays - 1);
    const at2 = indexById(r.graph);
    expect(findEdge(r.graph, at2.get(1)!, at2.get(3)!)).toBe(-1);
  });

  it('cuts ways at nodes missing from the file (clipped extracts)', async () => {
    const clipped = osmXml(
      [[1, lat0, lon0], [2, lat0 + d, lon0], [4, lat0 + 3 * d, lon0], [5, lat0 + 4 * d, lon0]],
      [[200, [1, 2, 3, 4, 5], { highway: 'residential' }]],
    );
    const r = await importOsm(writeTmp('clipped.osm', clipped));
    expect(r.stats.missingNodeRefs).toBe(1);
    expect(r.report.nodesIn).toBe(4);
    expect(r.graph.nodeCount).toBe(2); // two pieces, one kept
  });
});

describe('importOsm errors name the file and the problem', () => {
  const expectError = async (file: string, problem: RegExp) => {
    const err = await importOsm(file).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NetworkImportError);
    expect((err as NetworkImportError).file).toBe(file);
    expect((err as Error).message.startsWith(`${file}: `)).toBe(true);
    expect((err as Error).message).toMatch(problem);
  };

  it('missing, empty, a directory', async () => {
    await expectError(path.join(tmp, 'nope.osm.pbf'), /file not found/);
    await expectError(writeTmp('empty.osm.pbf', ''), /file is empty/);
    await expectError(tmp, /not a regular file/);
  });

  it('random bytes, CSV (under any name), HTML, broken XML, gzip of non-XML, bzip2', async () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
    await expectError(writeTmp('random.osm.pbf', bytes), /not an OSM PBF file/);
    await expectError(writeTmp('roads.csv', 'id,lat,lon\n1,43.7,7.4\n'), /unsupported format.*starts with "id,lat,lon/);
    await expectError(writeTmp('roads-csv.osm.pbf', 'id,lat,lon\n1,43.7,7.4\n'), /not an OSM PBF file/);
    await expectError(writeTmp('page.osm', '<html><body/></html>'), /root element is <html>, expected <osm>/);
    await expectError(writeTmp('broken.osm', '<osm><node id="1" lat="1" lon="1"/><way id="2"><nd ref="1"/></way'), /malformed OSM XML/);
    await expectError(writeTmp('hello.osm.gz', gzipSync('hello\n')), /gzip content is not OSM XML/);
    await expectError(writeTmp('x.osm.bz2', 'BZh91AY&SY'), /bzip2/);
  });

  it('a valid OSM file without drivable roads', async () => {
    const xml = osmXml(
      [[1, 43.7, 7.4], [2, 43.71, 7.4]],
      [[3, [1, 2], { highway: 'footway' }], [4, [1, 2], { highway: 'residential', access: 'private' }]],
    );
    await expectError(writeTmp('paths-only.osm', xml), /no drivable highway ways found in paths-only\.osm \(2 ways read, 2 tagged highway\)/);
  });

  it.skipIf(!existsSync(MONACO))('a truncated PBF', async () => {
    await expectError(writeTmp('truncated.osm.pbf', readFileSync(MONACO).subarray(0, 400_000)), /corrupt or unsupported OSM PBF data/);
  });

  it.skipIf(!existsSync(AUSTIN))('a truncated gzip', async () => {
    await expectError(writeTmp('truncated.osm.gz', readFileSync(AUSTIN).subarray(0, 50_000)), /corrupt gzip data/);
  });
});

/** For every one-way way: consecutive graph nodes along the legal direction, as [from, to] pairs. */
function onewayPairs(w: DrivableWay, at: Map<number, number>): [number, number][] {
  const ks: number[] = [];
  for (const id of w.nodeIds) {
    const k = at.get(id);
    if (k !== undefined && ks[ks.length - 1] !== k) ks.push(k);
  }
  if (w.direction === 'backward') ks.reverse();
  const pairs: [number, number][] = [];
  for (let i = 1; i < ks.length; i++) if (ks[i - 1] !== ks[i]) pairs.push([ks[i - 1], ks[i]]);
  return pairs;
}

/** Checks named one-way streets: on every segment, driving against the one-way rule takes strictly longer. */
function expectNamedStreetsOneWay(r: OsmImport, ways: DrivableWay[], names: string[]): void {
  const at = indexById(r.graph);
  const tt = new DijkstraTravelTimes(r.graph);
  for (const name of names) {
    const segments = ways.filter((w) => w.name === name && w.direction !== 'both').flatMap((w) => onewayPairs(w, at));
    expect(segments.length, name).toBeGreaterThanOrEqual(3);
    for (const [a, b] of segments) expect(tt.timeMs(b, a), `${name} ${a}→${b}`).toBeGreaterThan(tt.timeMs(a, b));
  }
}

describe.skipIf(!existsSync(MONACO))('Monaco (PBF)', () => {
  let r: OsmImport;
  let ways: DrivableWay[];
  beforeAll(async () => {
    const t = performance.now();
    r = await importOsm(MONACO);
    console.info(`monaco: ${r.graph.nodeCount} nodes, ${r.graph.edgeCount} edges in ${Math.round(performance.now() - t)} ms`, r.report);
    ways = (await readDrivableWays(MONACO)).ways;
  });

  it('reads every way and keeps a plausible, strongly connected street network', () => {
    // Way counts as `osmium fileinfo -e` reports them (data/osm/README.md).
    expect(r.stats.waysRead).toBe(27_377);
    expect(r.stats.highwayWays).toBe(2_927);
    expect(r.stats.format).toBe('pbf');
    expect(r.stats.drivableWays).toBeGreaterThan(1_400);
    expect(r.stats.drivableWays).toBeLessThan(1_900);
    expect(r.stats.onewayWays).toBeGreaterThan(500);
    expect(r.stats.maxspeedParsed).toBeGreaterThan(100);
    expect(r.stats.maxspeedParsed + r.stats.maxspeedDefaulted).toBe(r.stats.drivableWays);
    expect(r.graph.nodeCount).toBeGreaterThan(1_700);
    expect(r.graph.nodeCount).toBeLessThan(2_500);
    expect(r.graph.edgeCount).toBeGreaterThan(3_300);
    expect(r.graph.edgeCount).toBeLessThan(4_600);
    expect(r.report.componentsFound).toBeGreaterThan(1);
    expect(r.report.nodesDropped).toBeGreaterThan(50);
    expect(r.report.nodesKept + r.report.nodesDropped).toBe(r.report.nodesIn);
    const [minLon, minLat, maxLon, maxLat] = r.graph.meta.bbox;
    expect(minLon).toBeGreaterThanOrEqual(7.349);
    expect(maxLon).toBeLessThanOrEqual(7.491);
    expect(minLat).toBeGreaterThanOrEqual(43.71);
    expect(maxLat).toBeLessThanOrEqual(43.77);
    expect(r.graph.meta.source).toBe('monaco.osm.pbf');
    expect(r.graph.meta.attribution).toBe(OSM_ATTRIBUTION);
  });

  it('edge lengths follow the shape: never shorter than the straight line between the ends', () => {
    const g = r.graph;
    for (let u = 0; u < g.nodeCount; u++) {
      for (let e = g.firstOut[u]; e < g.firstOut[u + 1]; e++) {
        const v = g.head[e];
        expect(g.lengthM[e]).toBeGreaterThanOrEqual(haversineM(g.lat[u], g.lon[u], g.lat[v], g.lon[v]) * 0.999);
      }
    }
    expect(g.geomLat.length).toBeGreaterThan(g.edgeCount); // most edges carry shape points
  });

  it('one-way ways: for most of them the reverse trip is strictly longer', () => {
    const at = indexById(r.graph);
    const tt = new DijkstraTravelTimes(r.graph);
    let checked = 0;
    let longer = 0;
    for (const w of ways) {
      if (w.direction === 'both') continue;
      const [pair] = onewayPairs(w, at);
      if (!pair) continue;
      checked++;
      if (tt.timeMs(pair[1], pair[0]) > tt.timeMs(pair[0], pair[1])) longer++;
    }
    // Measured 543 of 574; the rest have a parallel two-way road (or a loop) as fast in both directions.
    expect(checked).toBeGreaterThan(450);
    expect(longer / checked).toBeGreaterThan(0.9);
  });

  it('named one-way streets and a roundabout', () => {
    expectNamedStreetsOneWay(r, ways, ['Boulevard du Larvotto', 'Avenue Princesse Grace', 'Boulevard du Jardin Exotique', 'Rond-Point Sainte-Dévote']);
  });

  it('a real oneway=-1 street (Allée Marie Henriette) is legal against its drawing direction only', () => {
    const w = ways.find((x) => x.name === 'Allée Marie Henriette' && x.direction === 'backward');
    expect(w).toBeDefined();
    const at = indexById(r.graph);
    const [first, last] = [at.get(w!.nodeIds[0])!, at.get(w!.nodeIds[w!.nodeIds.length - 1])!];
    expect(findEdge(r.graph, last, first)).toBeGreaterThanOrEqual(0);
    expect(findEdge(r.graph, first, last)).toBe(-1);
    const tt = new DijkstraTravelTimes(r.graph);
    expect(tt.timeMs(first, last)).toBeGreaterThan(tt.timeMs(last, first));
  });
});

describe.skipIf(!existsSync(AUSTIN))('Austin downtown (gzipped OSM XML)', () => {
  let r: OsmImport;
  let ways: DrivableWay[];
  beforeAll(async () => {
    const t = performance.now();
    r = await importOsm(AUSTIN);
    console.info(`austin: ${r.graph.nodeCount} nodes, ${r.graph.edgeCount} edges in ${Math.round(performance.now() - t)} ms`, r.report);
    ways = (await readDrivableWays(AUSTIN)).ways;
  });

  it('keeps a plausible downtown grid and reports what it dropped', () => {
    expect(r.stats.format).toBe('xml.gz');
    expect(r.stats.waysRead).toBe(1_443); // data/austin/roads/README.md
    expect(r.stats.drivableWays).toBeGreaterThan(180);
    expect(r.stats.drivableWays).toBeLessThan(300);
    expect(r.graph.nodeCount).toBeGreaterThan(240);
    expect(r.graph.nodeCount).toBeLessThan(380);
    expect(r.graph.edgeCount).toBeGreaterThan(550);
    expect(r.graph.edgeCount).toBeLessThan(850);
    expect(r.report.componentsFound).toBeGreaterThan(1);
    expect(r.report.nodesDropped).toBeGreaterThan(0);
    const [minLon, minLat, maxLon, maxLat] = r.graph.meta.bbox;
    expect(minLon).toBeGreaterThanOrEqual(-97.750259);
    expect(maxLon).toBeLessThanOrEqual(-97.7327278);
    expect(minLat).toBeGreaterThanOrEqual(30.2641038);
    expect(maxLat).toBeLessThanOrEqual(30.2890285);
  });

  it('downtown one-way pairs (Guadalupe, Lavaca, West 15th) are one-way when routed', () => {
    expectNamedStreetsOneWay(r, ways, ['Guadalupe Street', 'Lavaca Street', 'West 15th Street']);
  });
});
