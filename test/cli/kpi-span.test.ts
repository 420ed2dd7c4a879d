// KPIs honest about their span: a windowed run gives per-car figures over the window, labelled with it, and per-day
// figures only when asked (scaled up and marked so).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openNetwork } from '../../src/io/network-source.js';
import { runCli } from './run-cli.js';
import { ONE_DAY_DATE, writeOneDayTripFile } from '../one-day-file.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-kpi-span-'));
const NETWORK = 'synthetic:nodes=400';
const FILE = join(dir, 'one-day.csv');
writeOneDayTripFile(FILE, (await openNetwork([NETWORK])).graph, 400, 5);
const WINDOWED = ['simulate', '--network', NETWORK, '--trips', FILE, '--format', 'baton', '--date', ONE_DAY_DATE, '--window', '07:00-10:00', '--fleet', '12', '--dispatcher', 'greedy'];

describe('KPIs of a windowed run', () => {
  it('are per car over the 3 h simulated, with no per-day figure unless asked', () => {
    const r = runCli([...WINDOWED, '--json', join(dir, 'w.json')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/per car over 3\.0 h\s+\d+\.\d trips, \d+\.\d busy hours/);
    expect(r.stdout).not.toMatch(/per car per day/);
    const k = JSON.parse(readFileSync(join(dir, 'w.json'), 'utf8'));
    expect(k.spanS).toBe(3 * 3600);
    expect(k.tripsPerVehicle).toBeCloseTo(k.served / 12, 9);
    expect(k.tripsPerVehiclePerDay).toBeNull(); // NaN: a window is not a day
    expect(k.perDayScaled).toBe(false);
  });

  it('scale to a day with --scale-to-day, and say from what span', () => {
    const r = runCli([...WINDOWED, '--scale-to-day', '--json', join(dir, 's.json')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/per car per day\s+\d+\.\d trips, \d+\.\d busy hours \(scaled up from 3\.0 h simulated\)/);
    const k = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
    expect(k.perDayScaled).toBe(true);
    expect(k.tripsPerVehiclePerDay).toBeCloseTo(k.tripsPerVehicle * 8, 9);
  });

  it('compare labels the trips row with the span', () => {
    const r = runCli(['compare', ...WINDOWED.slice(1, -2), '--dispatchers', 'greedy,batch']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/trips\/car 3\.0 h\s+\d+\.\d\s+\d+\.\d/);
  });
});
