// `baton simulate --service-area/--avoid` end to end: the summary lines, the KPI JSON's operatingArea and
// rejectedRows, the report section, and bad inputs explained (file and problem) before the run.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-area-cli-'));
const NETWORK = 'synthetic:width=3000,height=3000';
// The synthetic city lies around 47 N, 8 E: this square covers its centre (about 1.5 km across).
const AREA = join(dir, 'centre.geojson');
writeFileSync(AREA, JSON.stringify({ type: 'Polygon', coordinates: [[[7.99, 46.993], [8.01, 46.993], [8.01, 47.007], [7.99, 47.007], [7.99, 46.993]]] }));
const AVOID = join(dir, 'avoid.geojson');
writeFileSync(AVOID, JSON.stringify({ type: 'Point', coordinates: [8.0, 47.0] }));

describe('baton simulate with an operating area', () => {
  it('prints what was cut and how much longer the trips got, and writes it to --json and --report', () => {
    const json = join(dir, 'k.json');
    const report = join(dir, 'r.html');
    const r = runCli(['simulate', '--network', NETWORK, '--requests', '300', '--fleet', '20', '--dispatcher', 'greedy', '--service-area', AREA, '--avoid', AVOID, '--avoid-cutoff', '150', '--json', json, '--report', report]);
    expect(r.stderr).not.toMatch(/baton: /);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^service area +.*centre\.geojson: 1 polygon, 4 vertices; 0 requests rejected \(outside_service_area\)$/m);
    expect(r.stdout).toMatch(/^network cut +[\d,]+ of [\d,]+ nodes, .* 1 avoided/m);
    expect(r.stdout).toMatch(/^avoided +.*avoid\.geojson: 1 listed, 1 intersections, 1 removed \(0 outside the area\)$/m);
    expect(r.stdout).toMatch(/^trip time +direct, with vs without avoidance: median [\d.]+ min vs [\d.]+ min/m);
    const k = JSON.parse(readFileSync(json, 'utf8'));
    expect(k.operatingArea.serviceArea).toMatchObject({ polygons: 1, vertices: 4, requestsRejected: 0 });
    expect(k.operatingArea.avoid).toMatchObject({ listed: 1, nodes: 1, nodesRemoved: 1 });
    expect(k.operatingArea.avoid.tripTimes.trips).toBe(300);
    expect(k.operatingArea.network.nodesKept).toBeLessThan(k.operatingArea.network.nodesIn);
    expect(readFileSync(report, 'utf8')).toContain('id="operating-area"');
  });

  it('explains bad inputs before the run: bad GeoJSON, an area with no road, an avoid point too far from any node', () => {
    const bad = join(dir, 'bad.geojson');
    writeFileSync(bad, '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]}');
    expect(runCli(['simulate', '--network', NETWORK, '--service-area', bad]).stderr).toBe(
      `baton: ${bad}: coordinates[0]: a ring needs at least 4 positions (a closed triangle), got 3\n`,
    );
    const sea = join(dir, 'sea.geojson');
    writeFileSync(sea, JSON.stringify({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }));
    expect(runCli(['simulate', '--network', NETWORK, '--service-area', sea]).stderr).toMatch(new RegExp(`^baton: ${sea}: the service area contains no road of the network`));
    expect(runCli(['simulate', '--network', NETWORK, '--avoid', AVOID, '--avoid-cutoff', '1']).stderr).toMatch(
      new RegExp(`^baton: ${AVOID}: Point: point 47,8: the nearest intersection \\(node \\d+ at [\\d.]+,[\\d.]+\\) is \\d+ m away, farther than the cutoff of 1 m \\(--avoid-cutoff\\)\\n$`),
    );
  });
});
