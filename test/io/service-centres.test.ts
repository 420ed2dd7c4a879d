// Service centres from settings: read from CSV or GeoJSON and snapped, bad files refused naming the file and the row,
// `auto` centres co-located with automatic charging sites, and every preset running with cleaning, maintenance and
// remote assistance on the synthetic city under the conformance checks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSyntheticCity } from '../../src/core/network/synthetic.js';
import { DISPATCHER_NAMES } from '../../src/io/dispatchers.js';
import { InputFileError } from '../../src/io/file-input.js';
import { openScenarioRunner } from '../../src/io/scenario-runner.js';
import { readServiceCentres } from '../../src/io/service-centres.js';
import { parseSimSettings } from '../../src/io/settings.js';
import { logViolations } from '../dispatch/conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-centres-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('service centres from a file', () => {
  const { graph } = buildSyntheticCity({ seed: 3, widthM: 2400, heightM: 2400, blockM: 200 });
  const opts = { snapCutoffM: 250, cleaningS: 1200, maintenanceS: 5400 };
  const [lat, lon] = [graph.lat[5], graph.lon[5]];

  it('reads CSV and GeoJSON, snaps to the nearest node, fills in durations, merges centres on one node', () => {
    const csv = file('c.csv', `lat,lon,bays,cleaningS\n${lat},${lon},2,900\n${lat},${lon},1,900\n`);
    expect(readServiceCentres(csv, graph, opts)).toEqual([{ node: 5, bays: 3, cleaningS: 900, maintenanceS: 5400 }]);
    const geo = file('c.geojson', JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: { bays: 4 } }] }));
    expect(readServiceCentres(geo, graph, opts)).toEqual([{ node: 5, bays: 4, cleaningS: 1200, maintenanceS: 5400 }]);
  });

  it('refuses bad centres before the run, naming the file and the row', () => {
    const bad = (text: string) => () => readServiceCentres(file('bad.csv', text), graph, opts);
    expect(bad(`lat,lon,bays\n${lat},${lon},0\n`)).toThrow(InputFileError);
    expect(bad(`lat,lon,bays\n${lat},${lon},0\n`)).toThrow(/bad\.csv.*row 2: bays "0" must be an integer ≥ 1/);
    expect(bad(`lat,lon,bays\n10,10,2\n`)).toThrow(/row 2 at 10,10 is off the road network/);
    expect(bad(`lat,lon\n${lat},${lon}\n`)).toThrow(/header must name lon, lat and bays/);
    expect(bad(`lat,lon,bays,maintenanceS\n${lat},${lon},1,-5\n`)).toThrow(/row 2: maintenanceS "-5" must be an integer number of seconds/);
    // Read by the same points reader as charging sites, so what fuzzing fixed there holds here: a null feature.
    const nullFeature = file('null.geojson', JSON.stringify({ type: 'FeatureCollection', features: [null] }));
    expect(() => readServiceCentres(nullFeature, graph, opts)).toThrow(new InputFileError(nullFeature, 'feature 0: expected a GeoJSON Feature object, got null'));
    expect(bad(`lat,lon,bays\n`)).toThrow(/bad\.csv: no service centres in the file/);
  });
});

describe('every preset with cleaning, maintenance and remote assistance', () => {
  it('places auto centres on the automatic charging sites, and keeps every invariant for every preset', async () => {
    const runner = await openScenarioRunner(
      parseSimSettings({ requests: 1500, seed: 2, chargers: 'auto', serviceCentres: 'auto', cleanEveryTrips: 3, maintainEveryH: 0.5, assist: true, assistRate: 50, assistOperators: 2 }),
    );
    const fleet = 40;
    expect(runner.serviceCentres(fleet).map((c) => c.node)).toEqual(runner.chargingSites(fleet).map((s) => s.node));
    for (const name of DISPATCHER_NAMES) {
      const { result } = await runner.run(fleet, name);
      const k = result.summary.kpis;
      expect(logViolations(result.events, { seats: 2, maxWaitS: 600, energy: { batteryKwh: 40, reserveKwh: 4 } }), name).toEqual([]);
      expect(k.cleanings + k.maintenances, name).toBeGreaterThan(0);
      expect(k.assists, name).toBeGreaterThan(0);
    }
  }, 600_000);
});
