// Charging sites from settings: placed automatically (k-means on the pickups), read from GeoJSON or CSV and snapped,
// impossible configurations refused before the run, and every preset running with them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { placeChargingSites } from '../../src/core/dispatch/charging-sites.js';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { readChargingSites } from '../../src/io/chargers.js';
import { DISPATCHER_NAMES } from '../../src/io/dispatchers.js';
import { InputFileError } from '../../src/io/file-input.js';
import { openScenarioRunner, type ScenarioRunner } from '../../src/io/scenario-runner.js';
import { parseSimSettings, SettingsError } from '../../src/io/settings.js';
import { logViolations } from '../dispatch/conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-chargers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('automatic charging sites', () => {
  // Pickups in two clumps, 60 west and 40 east; node = index.
  const lat = [...Array.from({ length: 60 }, (_, i) => 47 + (i % 6) * 1e-4), ...Array.from({ length: 40 }, (_, i) => 47 + (i % 4) * 1e-4)];
  const lon = [...Array.from({ length: 60 }, (_, i) => 8 + Math.floor(i / 6) * 1e-4), ...Array.from({ length: 40 }, (_, i) => 8.05 + Math.floor(i / 4) * 1e-4)];
  const points = { lat, lon, node: lat.map((_, i) => i) };

  it('puts one site per 100 cars at a pickup node of each cluster, and shares the plugs by pickups', () => {
    const sites = placeChargingSites(points, { fleetSize: 150, seed: 1 });
    expect(sites).toHaveLength(2);
    const [west, east] = [...sites].sort((a, b) => a.node - b.node);
    expect(west.node).toBeLessThan(60);
    expect(east.node).toBeGreaterThanOrEqual(60);
    // ⌈150 × 0.1⌉ = 15 plugs, 60 : 40.
    expect([west.plugs, east.plugs]).toEqual([9, 6]);
    expect(sites.every((s) => s.powerKw === 50)).toBe(true);
    expect(placeChargingSites(points, { fleetSize: 150, seed: 1 })).toEqual(sites);
  });

  it('scales with the fleet and its options', () => {
    expect(placeChargingSites(points, { fleetSize: 20, seed: 1 })).toEqual([expect.objectContaining({ plugs: 2 })]);
    const halved = placeChargingSites(points, { fleetSize: 150, seed: 1, plugsPerCar: 0.05, powerKw: 22 });
    expect(halved.reduce((n, s) => n + s.plugs, 0)).toBe(8);
    expect(halved.every((s) => s.powerKw === 22)).toBe(true);
  });
});

describe('charging sites from a file', () => {
  const { graph } = buildSyntheticCity({ seed: 3, widthM: 2400, heightM: 2400, blockM: 200 });
  const at = (n: number) => ({ lat: graph.lat[n], lon: graph.lon[n] });
  const o = { snapCutoffM: 250, defaultPowerKw: 50 };

  it('reads GeoJSON points and CSV rows, snapped to their road nodes', () => {
    const a = at(10);
    const b = at(100);
    const geo = file(
      'sites.geojson',
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', geometry: { type: 'Point', coordinates: [a.lon, a.lat] }, properties: { plugs: 4, powerKw: 150 } },
          { type: 'Feature', geometry: { type: 'Point', coordinates: [b.lon, b.lat] }, properties: { plugs: 2 } },
        ],
      }),
    );
    expect(readChargingSites(geo, graph, o)).toEqual([{ node: 10, plugs: 4, powerKw: 150 }, { node: 100, plugs: 2, powerKw: 50 }]);
    const csv = file('sites.csv', `lat,lon,plugs,powerKw\n${a.lat},${a.lon},4,150\n${b.lat},${b.lon},2,\n`);
    expect(readChargingSites(csv, graph, o)).toEqual(readChargingSites(geo, graph, o));
  });

  it.each([
    ['off.csv', 'lon,lat,plugs\n9.5,47.5,2\n', /off.csv: row 2 at 47.5,9.5 is off the road network \(no road within 250 m\)/],
    ['zero.csv', (p: { lat: number; lon: number }) => `lon,lat,plugs\n${p.lon},${p.lat},0\n`, /zero.csv: row 2: plugs "0" must be an integer ≥ 1/],
    ['power.csv', (p: { lat: number; lon: number }) => `lon,lat,plugs,powerKw\n${p.lon},${p.lat},2,-5\n`, /power.csv: row 2: powerKw "-5" must be a number > 0/],
    ['header.csv', 'x,y,z\n1,2,3\n', /header.csv: the CSV header must name lon, lat and plugs/],
    ['empty.csv', 'lon,lat,plugs\n', /empty.csv: no charging sites in the file/],
    ['line.geojson', '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[]},"properties":{}}]}', /feature 0: expected a Point geometry, got "LineString"/],
  ])('%s is refused with a clear error', (name, text, message) => {
    const f = file(name, typeof text === 'string' ? text : text(at(5)));
    expect(() => readChargingSites(f, graph, o)).toThrow(InputFileError);
    expect(() => readChargingSites(f, graph, o)).toThrow(message);
  });
});

describe('runs with charging', () => {
  const settings = (extra: Record<string, unknown>) => parseSimSettings({ network: ['synthetic:nodes=400'], requests: 300, seed: 4, maxWaitS: 900, ...extra });
  let auto: ScenarioRunner | undefined;
  // 6 kWh at 0.2 kWh/km on the small synthetic city: cars charge during the run.
  const energyRunner = async () => (auto ??= await openScenarioRunner(settings({ chargers: 'auto', batteryKwh: 6, energyKwhPerKm: 0.2, reserveKwh: 0.5, carsPerSite: 5 })));

  it.each(DISPATCHER_NAMES)('%s charges under the shared policy and keeps the energy invariant', async (name) => {
    const r = await energyRunner();
    const { result } = await r.run(15, name);
    const k = result.summary.kpis;
    expect(k.plugs).toBeGreaterThan(0);
    expect(k.chargingSessions).toBeGreaterThan(0);
    expect(k.served).toBeGreaterThan(200);
    expect(logViolations(result.events, { seats: 2, maxWaitS: 900, energy: { batteryKwh: 6, reserveKwh: 0.5 } })).toEqual([]);
  });

  it('refuses a battery too small for some trip before the run, naming the options', async () => {
    const r = await openScenarioRunner(settings({ chargers: 'auto', batteryKwh: 0.6, energyKwhPerKm: 0.2, reserveKwh: 0.3 }));
    await expect(r.run(15, 'greedy')).rejects.toThrow(SettingsError);
    await expect(r.run(15, 'greedy')).rejects.toThrow(/^--battery 0.6 kWh is too small: \d+ trips? cannot be served even on a full battery, the longest .* while a full battery less the --reserve of 0.3 kWh drives 1.5 km at --consumption 0.2 kWh\/km$/);
  });

  it('refuses settings that cannot work', () => {
    expect(() => settings({ batteryKwh: 4, reserveKwh: 4 })).toThrow('--reserve 4 kWh must be less than --battery 4 kWh');
    expect(() => settings({ chargeBelow: 0.8, chargeTo: 0.5 })).toThrow('--charge-to 0.5 must be above --charge-below 0.8');
    expect(() => settings({ batteryKwh: '0' })).toThrow('--battery "0": expected kWh in (0, 1000]');
    expect(() => settings({ plugsPerCar: 'many' })).toThrow('--plugs-per-car "many": expected plugs per car in (0, 10]');
  });
});
