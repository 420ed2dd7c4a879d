// End-to-end: `baton fleet-size` on a small synthetic city prints the curve, the chosen fleet and the bound, and
// writes them as JSON; bad options fail with a message naming the option.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-fleet-size-'));
const CITY = ['--network', 'synthetic:nodes=1000', '--requests', '250', '--dispatcher', 'greedy'];

describe('baton fleet-size', () => {
  it('finds the fleet on worker threads, prints curve, bound and the 100 % search, writes JSON and the report', () => {
    const json = join(dir, 'fleet.json');
    const html = join(dir, 'fleet.html');
    const r = runCli(['fleet-size', ...CITY, '--tolerance', '4', '--workers', '2', '--also-100', '--json', json, '--report', html]);
    expect(r.stderr).not.toMatch(/baton:/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/fleet\s+within 300 s\s+mean wait\s+p95 wait\s+empty km\s+utilisation\s+trips\/car\/day/);
    expect(r.stdout).toMatch(/chosen fleet\s+\d+ cars/);
    expect(r.stdout).toMatch(/clairvoyant bound\s+\d+ cars for 100 % within 300 s \(lower bound for single-rider cars/);
    expect(r.stdout).toMatch(/fleet for 100 %/);
    expect(r.stdout).toMatch(/bound for target\s+\d+ cars with 2 seats \(\d+ carrying one rider at a time\) for 95 % within 300 s/);
    expect(r.stdout).toMatch(/optimality gap\s+\d+\.\d\d = chosen \/ bound for target/);
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(out).toMatchObject({ dispatcher: 'greedy', targetPct: 95, withinS: 300, requests: 250, workers: 2 });
    expect(out.fleet).toBeGreaterThan(0);
    expect(out.boundFleet).toBeGreaterThan(0);
    expect(out.boundFleet).toBeLessThanOrEqual(out.fleet * 2);
    expect(out.ratioToBound).toBeCloseTo(out.fleet / out.boundFleet, 2);
    expect(out.serviceBound).toMatchObject({ seats: 2, targetPct: 95, withinS: 300 });
    expect(out.serviceBound.fleet).toBeGreaterThan(0);
    expect(out.serviceBound.singleRiderFleet).toBeLessThanOrEqual(out.fleet);
    expect(out.gapToBound).toBeCloseTo(out.fleet / out.serviceBound.fleet, 2);
    expect('fleetFor100Pct' in out).toBe(true);
    for (const p of out.curve) {
      for (const k of ['fleet', 'servicePct', 'waitMeanS', 'emptyShare', 'utilization', 'tripsPerVehiclePerDay']) expect(typeof p[k]).toBe('number');
    }
    const chosen = out.curve.find((p: { fleet: number }) => p.fleet === out.fleet);
    expect(chosen.servicePct).toBeGreaterThanOrEqual(95);
    const below = out.curve.find((p: { fleet: number }) => p.fleet === out.fleet - 4);
    if (below) expect(below.servicePct).toBeLessThan(95);
    expect(readFileSync(html, 'utf8')).toMatch(/<html/i);
  });

  it('runs in this thread with --workers 0, honours --min/--max, and names bad options', () => {
    const r = runCli(['fleet-size', ...CITY, '--workers', '0', '--no-bound', '--min', '2', '--max', '3', '--target', '0.99']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/chosen fleet\s+none/);
    expect(r.stdout).toMatch(/not met even at the upper limit --max 3/);
    expect(r.stdout).not.toMatch(/clairvoyant bound|bound for target/);
    const bad = runCli(['fleet-size', ...CITY, '--within', '900']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--within 900 s exceeds --max-wait 600 s/);
    expect(runCli(['fleet-size', ...CITY, '--target', '1.5x']).stderr).toMatch(/--target "1.5x"/);
  });
});
