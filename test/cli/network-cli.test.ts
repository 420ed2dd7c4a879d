// End-to-end: `baton network build`, `network info` and `route` as a user runs them, including their error messages.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { haveSharedData, sharedData, SF_EDGES, SF_NODES } from '../shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-cli-'));

describe('baton network build / info / route on the synthetic city', () => {
  const file = join(dir, 'city.baton');

  it('builds a .baton file with its hierarchy and routes on it', () => {
    const build = runCli(['network', 'build', 'synthetic:seed=5,width=3000,height=3000', '-o', file, '--json']);
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    const summary = JSON.parse(build.stdout);
    expect(summary.nodes).toBeGreaterThan(300);
    const info = JSON.parse(runCli(['network', 'info', file]).stdout);
    expect(info.nodes).toBe(summary.nodes);
    expect(info.hierarchy).toBe(true);
    const lat = info.meta.bbox[1] + 0.002;
    const lon = info.meta.bbox[0] + 0.002;
    const r = runCli(['route', file, '--from', `${lat},${lon}`, '--to', `${info.meta.bbox[3] - 0.002},${info.meta.bbox[2] - 0.002}`, '--json']);
    expect(r.status).toBe(0);
    const route = JSON.parse(r.stdout);
    expect(route.distanceM).toBeGreaterThan(3000);
    expect(route.timeS).toBeGreaterThan(route.distanceM / (45 / 3.6) - 1);
  });

  it('explains bad input instead of crashing', () => {
    const bad = runCli(['route', file, '--from', '95,8', '--to', '47,8']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--from "95,8": expected LAT,LON/);
    const off = runCli(['route', file, '--from', '47.5,8.0', '--to', '47.0,8.0']);
    expect(off.stderr).toMatch(/--from 47.5,8.0 is off the network \(no road within 250 m\)/);
    const missing = runCli(['route', join(dir, 'nope.osm.pbf'), '--from', '47,8', '--to', '47,8']);
    expect(missing.stderr).toMatch(/nope\.osm\.pbf: file not found/);
    writeFileSync(join(dir, 'trips.txt'), 'hello');
    const unsupported = runCli(['network', 'build', join(dir, 'trips.txt'), '-o', join(dir, 'x.baton')]);
    expect(unsupported.stderr).toMatch(/trips\.txt: unsupported network input/);
    expect(unsupported.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace for user errors
  });
});

describe.skipIf(!haveSharedData(SF_NODES, SF_EDGES))('baton route on San Francisco', () => {
  it('Ferry Building → Golden Gate Park: 8–12 km, 10–25 min; GeoJSON follows the streets', () => {
    const sf = join(dir, 'sf.baton');
    const build = runCli(['network', 'build', sharedData(SF_NODES), sharedData(SF_EDGES), '-o', sf]);
    expect(build.status).toBe(0);
    expect(build.stdout).toMatch(/kept\s+11791 nodes/);
    const r = runCli(['route', sf, '--from', '37.7955,-122.3937', '--to', '37.7694,-122.4862', '--json']);
    expect(r.status).toBe(0);
    const { timeS, distanceM } = JSON.parse(r.stdout);
    expect(distanceM).toBeGreaterThan(8000);
    expect(distanceM).toBeLessThan(12000);
    expect(timeS).toBeGreaterThan(600);
    expect(timeS).toBeLessThan(1500);
    const g = JSON.parse(runCli(['route', sf, '--from', '37.7955,-122.3937', '--to', '37.7694,-122.4862', '--geojson']).stdout);
    const line = g.features[0].geometry.coordinates as [number, number][];
    expect(g.features[0].properties.distanceM).toBe(distanceM);
    expect(line.length).toBeGreaterThan(50);
    for (const [lon, lat] of line) {
      expect(lat).toBeGreaterThan(37.7);
      expect(lon).toBeLessThan(-122.38);
    }
  });
});
