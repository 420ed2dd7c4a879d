// Reading service areas (GeoJSON) and avoid lists (CSV or GeoJSON), their errors, and a scenario restricted to its
// operating area on the synthetic city: requests and cars stay inside, the summary says what was cut.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { parseAvoidList, readAvoidList, resolveAvoidList } from '../../src/io/avoid-list.js';
import { workerScenarioFor } from '../../src/io/fleet-size.js';
import { openNetwork, saveNetworkWithCh } from '../../src/io/network-source.js';
import { openOperatingNetwork } from '../../src/io/operating-area.js';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseServiceArea, readServiceArea } from '../../src/io/service-area.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { insideByWinding } from '../network/winding.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-area-'));
const file = (name: string, text: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('no error');
};

const SQUARE = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]];
const HOLE = [[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]];

describe('readServiceArea', () => {
  it('reads a Polygon with a hole, a MultiPolygon, a Feature and a FeatureCollection (the union), plain or gzip', () => {
    const poly = parseServiceArea(JSON.stringify({ type: 'Polygon', coordinates: [SQUARE, HOLE] }), 'a.geojson');
    expect(poly.contains(3, 3)).toBe(true);
    expect(poly.contains(1.5, 1.5)).toBe(false);
    const shifted = SQUARE.map(([x, y]) => [x + 10, y]);
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [SQUARE] } }, { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[shifted]] } }] };
    const gz = readServiceArea(file('fc.geojson.gz', gzipSync(JSON.stringify(fc))));
    expect(gz.polygonCount).toBe(2);
    expect(gz.contains(2, 12)).toBe(true); // lat 2, lon 12
    expect(gz.contains(2, 7)).toBe(false);
  });

  it.each([
    ['{"type": "Polygon", "coordinates": [', 'not valid JSON'],
    ['[1, 2]', 'expected a GeoJSON object with a "type"'],
    ['{"type": "Point", "coordinates": [1, 2]}', 'a Point; a service area needs Polygon or MultiPolygon geometry'],
    ['{"type": "FeatureCollection", "features": []}', 'the FeatureCollection has no features'],
    ['{"type": "Feature", "geometry": null}', 'the Feature has no geometry'],
    ['{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "LineString", "coordinates": []}}]}', 'features[0].geometry: a LineString'],
    ['{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1]]]}', 'coordinates[0]: ring is not closed: it starts at [0, 0] and ends at [0, 1]'],
    ['{"type": "Polygon", "coordinates": [[[0,0],[1,0],[0,0]]]}', 'coordinates[0]: a ring needs at least 4 positions'],
    ['{"type": "Polygon", "coordinates": [[[0,0],[1,"x"],[1,1],[0,0]]]}', 'coordinates[0][1]: expected a position [lon, lat] of two numbers, got [1,"x"]'],
    ['{"type": "Polygon", "coordinates": [[[37.7,-122.4],[37.8,-122.4],[37.8,-122.5],[37.7,-122.4]]]}', 'are these [lat, lon]?'],
    ['{"type": "Polygon", "coordinates": []}', 'a Polygon needs an array of rings'],
  ])('%s → %s', (text, message) => {
    const msg = errorOf(() => parseServiceArea(text, 'bad.geojson'));
    expect(msg.startsWith('bad.geojson: ')).toBe(true);
    expect(msg).toContain(message);
  });

  it('names a missing or empty file', () => {
    expect(errorOf(() => readServiceArea(join(dir, 'nope.geojson')))).toBe(`${join(dir, 'nope.geojson')}: file not found`);
    expect(errorOf(() => readServiceArea(file('empty.geojson', '')))).toContain('file is empty');
  });
});

describe('avoid lists', () => {
  const { graph } = buildSyntheticCity({ widthM: 1500, heightM: 1500 });
  const [v1, v2] = [10, 57];

  it('read node ids and lat/lon points from CSV, and Points, MultiPoints and node_id properties from GeoJSON', () => {
    const csv = `# comment\nnode_id,lat,lon,name\n${graph.externalId[v1]},,,by id\n,${graph.lat[v2] + 0.0001},${graph.lon[v2]},by point\n`;
    const entries = parseAvoidList(csv, 'a.csv');
    expect(entries).toEqual([
      { where: 'row 2', nodeId: graph.externalId[v1] },
      { where: 'row 3', lat: graph.lat[v2] + 0.0001, lon: graph.lon[v2] },
    ]);
    const r = resolveAvoidList('a.csv', entries, graph, 50);
    expect([...r.nodes]).toEqual([v1, v2]);
    expect(r).toMatchObject({ listed: 2, byId: 1, byPoint: 1 });
    expect(r.maxSnapM).toBeCloseTo(11.1, 0);
    const geo = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { node_id: graph.externalId[v1] }, geometry: null },
        { type: 'Feature', properties: {}, geometry: { type: 'MultiPoint', coordinates: [[graph.lon[v2], graph.lat[v2]], [graph.lon[v1], graph.lat[v1]]] } },
      ],
    };
    const fromGeo = resolveAvoidList('a.geojson', readAvoidList(file('a.geojson', JSON.stringify(geo))), graph, 50);
    expect([...fromGeo.nodes]).toEqual([v1, v2]); // distinct nodes
    expect(fromGeo.listed).toBe(3);
  });

  it.each([
    ['node_id\n', 'lists no intersection'],
    ['name\nfoo\n', 'expected a node_id column, or lat and lon columns (header: name)'],
    ['lat,lon\n37.7,\n', 'row 2: expected a node id or lat,lon in degrees, got "37.7,"'],
    ['node_id\nabc\n', 'row 2: node id "abc" is not a number'],
    ['{"type": "LineString", "coordinates": []}', 'a LineString; an avoid list holds Point or MultiPoint geometry'],
    ['{"type": "Point", "coordinates": [200, 1]}', 'coordinates: position [200, 1] is out of range'],
  ])('%j → %s', (text, message) => {
    const msg = errorOf(() => parseAvoidList(text, 'avoid.csv'));
    expect(msg).toContain(`avoid.csv: ${message}`);
  });

  it('a point farther than the cutoff from every node, or an unknown id, is an error naming the entry', () => {
    const far = parseAvoidList(`lat,lon\n${graph.lat[v1] + 0.01},${graph.lon[v1]}\n`, 'far.csv');
    expect(errorOf(() => resolveAvoidList('far.csv', far, graph, 50))).toMatch(/^far\.csv: row 2: point [\d.]+,[\d.]+: the nearest intersection \(node \d+ at [\d.]+,[\d.]+\) is \d+ m away, farther than the cutoff of 50 m \(--avoid-cutoff\)$/);
    const unknown = parseAvoidList('node_id\n99999999\n', 'ids.csv');
    expect(errorOf(() => resolveAvoidList('ids.csv', unknown, graph, 50))).toContain('ids.csv: row 2: node 99999999 is not a node of the road network');
  });
});

describe('a scenario restricted to its operating area (synthetic city)', () => {
  const city = buildSyntheticCity({ widthM: 3000, heightM: 3000 }).graph;
  const [w, s, e, n] = city.meta.bbox;
  const lon = (f: number) => w + f * (e - w);
  const lat = (f: number) => s + f * (n - s);
  // A triangle over the south-west half of the city, with a square hole.
  const polygon = [
    [[lon(0.05), lat(0.05)], [lon(0.95), lat(0.05)], [lon(0.05), lat(0.95)], [lon(0.05), lat(0.05)]],
    [[lon(0.2), lat(0.2)], [lon(0.35), lat(0.2)], [lon(0.35), lat(0.35)], [lon(0.2), lat(0.35)], [lon(0.2), lat(0.2)]],
  ];
  const areaFile = file('triangle.geojson', JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: polygon } }));

  it('requests, car positions and routes stay inside; the summary and the KPI JSON fields say what was cut', async () => {
    const runner = await openScenarioRunner(parseSimSettings({ network: ['synthetic:width=3000,height=3000'], requests: 400, serviceArea: areaFile }));
    const sc = runner.scenario;
    const g = sc.network.graph;
    const inside = (v: number) => insideByWinding([polygon as never], g.lat[v], g.lon[v]);
    expect(sc.operatingArea?.network.nodesIn).toBe(city.nodeCount);
    expect(sc.operatingArea?.network.nodesKept).toBe(g.nodeCount);
    expect(g.nodeCount).toBeLessThan(city.nodeCount * 0.5);
    expect(sc.operatingArea?.serviceArea).toMatchObject({ file: areaFile, polygons: 1, vertices: 7, requestsRejected: 0 });
    expect(sc.description.network).toContain('service area triangle.geojson');
    expect(sc.requests.every((t) => inside(t.pickupNode) && inside(t.dropoffNode))).toBe(true);
    const { result } = await runner.run(20, 'greedy');
    for (const ev of result.events) {
      if (ev.kind === 'VehicleDeparted') expect(inside(ev.fromNode) && inside(ev.toNode)).toBe(true);
      if (ev.kind === 'VehicleArrived' || ev.kind === 'VehiclePlaced' || ev.kind === 'VehicleIdle') expect(inside(ev.node)).toBe(true);
    }
  });

  it('an avoid list without a service area removes the nodes and measures the longer trips', async () => {
    const avoidFile = file('avoid.csv', `node_id\n${[...city.externalId].filter((_, i) => i % 37 === 0).join('\n')}\n`);
    const runner = await openScenarioRunner(parseSimSettings({ network: ['synthetic:width=3000,height=3000'], requests: 300, avoid: avoidFile }));
    const a = runner.scenario.operatingArea!;
    expect(a.serviceArea).toBeUndefined();
    expect(a.avoid).toMatchObject({ file: avoidFile, nodesOutsideArea: 0 });
    expect(a.avoid!.nodesRemoved).toBe(a.avoid!.nodes);
    expect(a.network.nodesAvoided).toBe(a.avoid!.nodes);
    const t = a.avoid!.tripTimes!;
    expect(t.trips).toBe(300);
    expect(t.longer).toBeGreaterThan(0);
    expect(t.meanWithS).toBeGreaterThan(t.meanWithoutS);
    const avoided = new Set(readAvoidList(avoidFile).map((x) => x.nodeId));
    const g = runner.scenario.network.graph;
    for (let v = 0; v < g.nodeCount; v++) expect(avoided.has(g.externalId[v])).toBe(false);
  });

  it('fleet-size workers get the cut network, not the user\'s whole .baton file', async () => {
    const whole = join(dir, 'city.baton');
    const opened = await openNetwork(['synthetic:width=3000,height=3000']);
    saveNetworkWithCh(whole, opened.graph, opened.ch);
    const runner = await openScenarioRunner(parseSimSettings({ network: [whole], requests: 50, serviceArea: areaFile }));
    const { data, cleanup } = workerScenarioFor(runner, [whole]);
    try {
      expect(data.networkFile).not.toBe(whole);
      expect((await openNetwork([data.networkFile])).graph.nodeCount).toBe(runner.scenario.network.graph.nodeCount);
    } finally {
      cleanup();
    }
  });

  it('a service area with no road of the network is an error before the run, naming the file', async () => {
    const far = file('far.geojson', JSON.stringify({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }));
    await expect(openOperatingNetwork(['synthetic:width=3000,height=3000'], { serviceArea: far, avoidCutoffM: 50 })).rejects.toThrow(
      new RegExp(`^${far.replace(/[.]/g, '\\.')}: the service area contains no road of the network synthetic.*: none of its \\d+ nodes lies inside \\(area bbox 0\\.0000,0\\.0000,1\\.0000,1\\.0000; network bbox`),
    );
  });

  it('settings: the options are spelled like the flags and checked', () => {
    expect(parseSimSettings({ serviceArea: 'a.geojson', avoid: 'b.csv' })).toMatchObject({ serviceArea: 'a.geojson', avoid: 'b.csv', avoidCutoffM: 50 });
    expect(() => parseSimSettings({ avoidCutoffM: '0' })).toThrow('--avoid-cutoff "0": expected a distance in metres, > 0');
    expect(() => parseSimSettings({ serviceArea: '' })).toThrow('--service-area "": expected a file');
  });
});
