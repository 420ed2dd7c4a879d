// End-to-end: `baton calibrate` as a user runs it — fitting SF speed factors on three days, checking them on a fourth,
// writing the factors file and a calibrated network — plus its user-facing errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { haveSharedData, sharedData, SF_EDGES, SF_NODES } from '../shared-data.js';
import { loadSpeedProfile } from '../../src/io/speed-profile.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-calibrate-'));
const SF_TRIPS = 'san-francisco/sf_trips_2008-05-18_to_05-24.csv.gz';

describe('baton calibrate: usage errors', () => {
  it('bad dates and overlapping held-out days are refused before any work, without a stack trace', () => {
    const base = ['calibrate', 'synthetic', '--trips', 'x.csv', '--format', 'baton'];
    const bad = runCli([...base, '--dates', '2008-05-18..2008-13-01']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--dates "2008-05-18..2008-13-01": "2008-13-01" is not a date/);
    expect(runCli([...base, '--dates', '2008-05-20..2008-05-18']).stderr).toMatch(/ends before it starts/);
    expect(runCli([...base, '--date', '2008-05-18', '--dates', '2008-05-18..2008-05-19']).stderr).toMatch(/--date or --dates, not both/);
    const overlap = runCli([...base, '--dates', '2008-05-18..2008-05-20', '--holdout', '2008-05-20']);
    expect(overlap.stderr).toMatch(/--holdout: 2008-05-20 also in the fitted dates/);
    expect(overlap.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a trip file without observed durations says so', () => {
    const trips = join(dir, 'no-durations.csv');
    const city = join(dir, 'city.baton');
    expect(runCli(['network', 'build', 'synthetic:seed=3,width=2000,height=2000', '-o', city]).status).toBe(0);
    const [minLon, minLat, maxLon, maxLat] = JSON.parse(runCli(['network', 'info', city]).stdout).meta.bbox as number[];
    const at = (f: number) => `${minLat + f * (maxLat - minLat)},${minLon + f * (maxLon - minLon)}`;
    writeFileSync(trips, `id,request_time,pickup_lat,pickup_lon,dropoff_lat,dropoff_lon\nt1,2024-05-01T08:00:00Z,${at(0.1)},${at(0.9)}\n`);
    const r = runCli(['calibrate', city, '--trips', trips, '--format', 'baton']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no-durations\.csv: nothing to calibrate on: none of its 1 placed trips has an observed duration/);
  });
});

describe.skipIf(!haveSharedData(SF_NODES, SF_EDGES, SF_TRIPS))('baton calibrate on San Francisco (Cabspotting, TIGER)', () => {
  it('fits on Sun–Tue 2008-05-18..20: daytime slower than free flow, every well-sampled hour at ratio ≈ 1 after, and better on held-out Wednesday', () => {
    const factorsFile = join(dir, 'sf-factors.json');
    const calibrated = join(dir, 'sf-calibrated.baton');
    const r = runCli(
      [
        'calibrate', sharedData(SF_NODES), sharedData(SF_EDGES),
        '--trips', sharedData(SF_TRIPS), '--format', 'sf-cabspotting',
        '--dates', '2008-05-18..2008-05-20', '--holdout', '2008-05-21',
        '--out', factorsFile, '--write-network', calibrated, '--json',
      ],
      { timeoutMs: 300_000 },
    );
    // Nothing on stderr but the plain progress lines long work prints when stderr is not a terminal ("trips: 97 %, 6 s").
    expect(r.stderr.split('\n').filter((line) => line !== '' && !/^[\w ]+: \d+ %, \d+ s$/.test(line))).toEqual([]);
    expect(r.status).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.fittedOn).toMatchObject({ format: 'sf-cabspotting', dates: ['2008-05-18', '2008-05-19', '2008-05-20'] });
    // README: 22,288 + 17,037 + 15,884 trips on these days, ~88 % inside the network.
    expect(res.trips.placed).toBeGreaterThan(40_000);
    expect(res.screening.usable).toBeGreaterThan(0.85 * res.trips.placed);
    expect(res.fittedOn.samples).toBe(res.screening.usable);

    for (const h of res.hours) {
      if (h.source === 'hour') expect(Math.abs(h.ratioAfter - 1)).toBeLessThan(0.02);
      if (h.hour >= 7 && h.hour <= 22) {
        expect(h.source).toBe('hour');
        expect(h.factor).toBeGreaterThan(1.2); // SF streets are slower than their free-flow speeds
      }
    }
    expect(res.allDay.ratioBefore).toBeGreaterThan(1.3);
    expect(Math.abs(res.allDay.ratioAfter - 1)).toBeLessThan(0.02);

    // Held out: Wednesday 2008-05-21, not seen by the fit.
    const ho = res.holdout;
    expect(ho.dates).toEqual(['2008-05-21']);
    expect(ho.fitted.allDay.samples).toBeGreaterThan(10_000);
    const freeFlowErr = Math.abs(ho.freeFlow.allDay.medianRatio - 1);
    const fittedErr = Math.abs(ho.fitted.allDay.medianRatio - 1);
    expect(fittedErr).toBeLessThan(freeFlowErr);
    expect(fittedErr).toBeLessThan(0.05);

    // Both outputs carry the same factors, and the factors file loads through the shared loader.
    expect(loadSpeedProfile(factorsFile).hourlyFactors).toEqual(res.hourlyFactors);
    const info = JSON.parse(runCli(['network', 'info', calibrated]).stdout);
    expect(info.hierarchy).toBe(true);
    expect(info.speedProfile.hourlyFactors).toEqual(res.hourlyFactors);
  }, 300_000);
});
