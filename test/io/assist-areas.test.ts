// Remote-assistance rates per area from a file (--assist-areas): GeoJSON polygons with ratePer1000Km turned into a rate
// per node (first area wins, else --assist-rate), bad files refused before any run naming the file, the feature and
// the problem, the setting refused without --assist, and a run on the synthetic city using the rates.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { readAssistRates } from '../../src/io/assist-areas.js';
import { InputFileError } from '../../src/io/file-input.js';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings } from '../../src/io/settings.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-assist-areas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, doc: unknown): string => {
  const f = join(dir, name);
  writeFileSync(f, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return f;
};
/** A box [w, s, e, n] as a Polygon feature with the given properties. */
const box = ([w, s, e, n]: number[], properties: Record<string, unknown>) => ({
  type: 'Feature',
  properties,
  geometry: { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] },
});
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('assistance rates per area', () => {
  const { graph } = buildSyntheticCity({ seed: 3, widthM: 2400, heightM: 2400, blockM: 200 });
  const [w, s, e, n] = graph.meta.bbox;
  const midLon = (w + e) / 2;
  const west = [w - 0.01, s - 0.01, midLon, n + 0.01];
  const all = [w - 0.01, s - 0.01, e + 0.01, n + 0.01];

  it('gives each node the rate of the first area containing it, else the default rate', () => {
    const f = file('areas.geojson', collection(box(west, { name: 'west', ratePer1000Km: 20 }), box(all, { ratePer1000Km: 0 })));
    const r = readAssistRates(f, graph, 5);
    for (let u = 0; u < graph.nodeCount; u++) expect(r.per1000KmByNode[u]).toBe(graph.lon[u] <= midLon ? 20 : 0);
    expect(r.areas[0]).toMatchObject({ feature: 0, name: 'west', ratePer1000Km: 20 });
    expect(r.areas[0].nodes + r.areas[1].nodes).toBe(graph.nodeCount);
    expect(r.nodesOutside).toBe(0);
    // Nodes in no area keep the default rate.
    const only = readAssistRates(file('west.geojson', collection(box(west, { ratePer1000Km: 20 }))), graph, 5);
    expect(only.nodesOutside).toBe(graph.nodeCount - only.areas[0].nodes);
    for (let u = 0; u < graph.nodeCount; u++) expect(only.per1000KmByNode[u]).toBe(graph.lon[u] <= midLon ? 20 : 5);
  });

  it('refuses bad files before any run, naming the file, the feature and the problem', () => {
    const bad = (name: string, doc: unknown) => () => readAssistRates(file(name, doc), graph, 5);
    expect(bad('a.geojson', '{"type":')).toThrow(InputFileError);
    expect(bad('a.geojson', '{"type":')).toThrow(/a\.geojson: not valid JSON/);
    expect(bad('b.geojson', box(west, { ratePer1000Km: 1 }))).toThrow(/b\.geojson: expected a GeoJSON FeatureCollection .* got a Feature/);
    expect(bad('c.geojson', collection())).toThrow(/c\.geojson: the FeatureCollection has no features/);
    expect(bad('d.geojson', collection(box(all, { ratePer1000Km: 1 }), box(west, { name: 'depot' })))).toThrow(/d\.geojson: features\[1\] \("depot"\): no property ratePer1000Km/);
    expect(bad('e.geojson', collection(box(all, { ratePer1000Km: -2 })))).toThrow(/e\.geojson: features\[0\]: ratePer1000Km -2 must be a number in 0\.\.1000000/);
    expect(bad('f.geojson', collection(box(all, { ratePer1000Km: '7' })))).toThrow(/features\[0\]: ratePer1000Km "7" must be a number/);
    expect(bad('g.geojson', collection({ type: 'Feature', properties: { ratePer1000Km: 1 }, geometry: { type: 'Point', coordinates: [w, s] } }))).toThrow(
      /g\.geojson: features\[0\]\.geometry: a Point; an assistance area needs Polygon or MultiPolygon/,
    );
    expect(bad('h.geojson', collection({ type: 'Feature', properties: { ratePer1000Km: 1 }, geometry: { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n]]] } }))).toThrow(
      /h\.geojson: features\[0\]\.geometry\.coordinates\[0\]: ring is not closed/,
    );
    // [lat, lon] instead of [lon, lat]: an area of no node of the network, named with both boxes.
    const swapped = [s - 0.01, w - 0.01, n + 0.01, e + 0.01];
    expect(bad('i.geojson', collection(box(all, { ratePer1000Km: 1 }), box(swapped, { name: 'swapped', ratePer1000Km: 9 })))).toThrow(
      /i\.geojson: features\[1\] \("swapped"\): the area contains no node of the network .*GeoJSON positions are \[lon, lat\]/,
    );
  });

  it('is a setting of remote assistance: refused without --assist, read before the first run, used by the runs', async () => {
    const areas = file('run.geojson', collection(box(west, { ratePer1000Km: 0 })));
    expect(() => parseSimSettings({ assistAreas: areas })).toThrow(/--assist-areas ".*run\.geojson" applies to remote assistance: add --assist/);
    const settings = { network: ['synthetic:seed=3,width=2400,height=2400,block=200'], requests: 300, seed: 2, assist: true, assistRate: 200 };
    const broken = file('broken.geojson', collection(box(west, {})));
    await expect(openScenarioRunner(parseSimSettings({ ...settings, assistAreas: broken }))).rejects.toThrow(/broken\.geojson: features\[0\]: no property ratePer1000Km/);
    const plain = await openScenarioRunner(parseSimSettings(settings));
    const withAreas = await openScenarioRunner(parseSimSettings({ ...settings, assistAreas: areas }));
    expect(withAreas.assistAreas?.areas[0].nodes).toBeGreaterThan(0);
    const everywhere = (await plain.run(10, 'greedy')).result.summary.kpis;
    const eastOnly = (await withAreas.run(10, 'greedy')).result.summary.kpis;
    expect(everywhere.assists).toBeGreaterThan(20);
    expect(eastOnly.assists).toBeGreaterThan(0);
    expect(eastOnly.assists).toBeLessThan(everywhere.assists);
    // A run may size the operator pool itself (fleet-size --search-operators).
    const one = (await plain.run(10, 'greedy', { assistOperators: 1 })).result.summary.kpis;
    expect(one.assistOperators).toBe(1);
    expect(everywhere.assistOperators).toBe(10);
  });
});
