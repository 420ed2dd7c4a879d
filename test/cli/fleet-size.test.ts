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
    expect(r.stdout).toMatch(/fleet\s+within 300 s\s+served\s+mean wait\s+p95 wait\s+empty km\s+utilisation\s+trips\/car\/day/);
    expect(r.stdout).toMatch(/chosen fleet\s+\d+ cars/);
    expect(r.stdout).toMatch(/clairvoyant bound\s+\d+ cars for 100 % within 300 s \(lower bound for single-rider cars/);
    expect(r.stdout).toMatch(/fleet for 100 %/);
    expect(r.stdout).toMatch(/bound for target\s+\d+ cars with 2 seats \(\d+ carrying one rider at a time\) for 95 % within 300 s/);
    expect(r.stdout).toMatch(/optimality gap\s+\d+\.\d\d = chosen \/ bound for target/);
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(out).toMatchObject({ dispatcher: 'greedy', targetPct: 95, withinS: 300, requests: 250, workers: 2 });
    expect(out.rideLimits).toBeUndefined(); // greedy promises no ride limit
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

  it('with --clairvoyant-plan brackets the gap: a checked plan between the lower bound and the fleet found', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-fs-plan-'));
    const json = join(dir, 'out.json');
    const html = join(dir, 'out.html');
    const r = runCli(['fleet-size', '--network', 'synthetic:nodes=1000', '--requests', '250', '--dispatcher', 'pooled', '--tolerance', '2', '--workers', '0', '--clairvoyant-plan', '--min-detour', '240', '--detour-share', '0.75', '--json', json, '--report', html]);
    expect(r.status).toBe(0);
    // The ride limit given is the one every simulation promised and the plan kept, and the output says so.
    expect(r.stdout).toContain('shared rides within max(240 s, 0.75 × direct) of the direct ride');
    expect(r.stdout).toMatch(/clairvoyant plan\s+\d+ cars with 2 seats meet 95 % within 300 s knowing every request in advance/);
    expect(r.stdout).toMatch(/gap to the optimum\s+at least \d+\.\d\d \(chosen \/ plan\) and at most \d+\.\d\d \(chosen \/ bound\)/);
    const out = JSON.parse(readFileSync(json, 'utf8'));
    const plan = out.clairvoyantPlan;
    expect(plan.seats).toBe(2);
    expect(out.rideLimits).toEqual({ minDetourS: 240, detourShare: 0.75 });
    expect(plan.rideLimits).toEqual({ minDetourS: 240, detourShare: 0.75 });
    expect(plan.counted).toBeGreaterThanOrEqual(Math.ceil(0.95 * out.requests));
    // The plan is a fleet that suffices, the bound one below which none does: bound ≤ plan.
    expect(plan.fleet).toBeGreaterThanOrEqual(out.serviceBound.fleet);
    expect(plan.tried.some((t: { fleet: number; counted: number }) => t.fleet === plan.fleet - 1 && t.counted < plan.counted)).toBe(plan.fleet > out.serviceBound.fleet);
    expect(out.gapAtLeast).toBeCloseTo(Math.max(1, out.fleet / plan.fleet), 3);
    expect(out.gapAtLeast).toBeLessThanOrEqual(out.gapToBound);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain(`clairvoyant plan ${plan.fleet}`);
    expect(page).toContain(`${plan.fleet}; ${out.gapAtLeast.toFixed(2)}`);
    expect(page).toMatch(/the optimum lies between the bound and the plan/);
    expect(plan.effort).toBe('quick');
    expect(plan.tried.every((t: { effort: string }) => t.effort === 'quick')).toBe(true);
    const bad = runCli(['fleet-size', ...CITY, '--workers', '0', '--no-bound', '--seats', '3', '--clairvoyant-plan', '--max', '40']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--clairvoyant-plan: plans cars of 1 or 2 seats, not 3 \(--seats\)/);
    // Refused before the search spends any time.
    expect(bad.stderr).not.toMatch(/\d+ cars: .* within/);
  });

  it('with --plan-effort thorough plans again below the quick answer, and keeps only a plan that suffices', () => {
    const json = join(dir, 'thorough.json');
    // A busy small city, so that the quick plan lies above the bound.
    const r = runCli(['fleet-size', '--network', 'synthetic:nodes=1000', '--requests', '400', '--dispatcher', 'greedy', '--tolerance', '4', '--workers', '0', '--clairvoyant-plan', '--plan-effort', 'thorough', '--json', json]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/clairvoyant plan\s+\d+ cars with 2 seats meet 95 % within 300 s .* thorough effort, computed in/);
    const out = JSON.parse(readFileSync(json, 'utf8'));
    const plan = out.clairvoyantPlan;
    expect(plan.effort).toBe('thorough');
    const quick = plan.tried.filter((t: { effort: string }) => t.effort === 'quick');
    const thorough = plan.tried.filter((t: { effort: string }) => t.effort === 'thorough');
    const need = Math.ceil(0.95 * out.requests);
    const quickFleet = Math.min(...quick.filter((t: { counted: number }) => t.counted >= need).map((t: { fleet: number }) => t.fleet));
    // Quick search first; the thorough one starts one car below its answer and never plans above it.
    expect(plan.tried.findIndex((t: { effort: string }) => t.effort === 'thorough')).toBe(quick.length);
    expect(thorough[0].fleet).toBe(quickFleet - 1);
    expect(Math.max(...thorough.map((t: { fleet: number }) => t.fleet))).toBe(quickFleet - 1);
    // The answer is a checked plan that suffices, the best either search found, never below the bound.
    expect(plan.counted).toBeGreaterThanOrEqual(need);
    expect(plan.fleet).toBe(Math.min(quickFleet, ...thorough.filter((t: { counted: number }) => t.counted >= need).map((t: { fleet: number }) => t.fleet)));
    expect(plan.fleet).toBeGreaterThanOrEqual(out.serviceBound.fleet);
    expect(r.stderr).toMatch(/clairvoyant plan \(thorough\), \d+ cars:/);
    const bad = runCli(['fleet-size', ...CITY, '--workers', '0', '--plan-effort', 'thorough']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--plan-effort says how hard the clairvoyant plan tries: add --clairvoyant-plan/);
    const worse = runCli(['fleet-size', ...CITY, '--workers', '0', '--clairvoyant-plan', '--plan-effort', 'hard']);
    expect(worse.stderr).toMatch(/--plan-effort.*expected quick or thorough/);
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

  it('with --service-centres auto also finds the fleet without operations and says why the two differ', () => {
    const json = join(dir, 'ops.json');
    const html = join(dir, 'ops.html');
    const ops = ['--network', 'synthetic:nodes=600', '--requests', '150', '--dispatcher', 'greedy', '--service-centres', 'auto', '--clean-every', '4'];
    const r = runCli(['fleet-size', ...ops, '--workers', '0', '--no-bound', '--tolerance', '2', '--json', json, '--report', html], { env: { BATON_NO_PROGRESS: '1' } });
    expect(r.stderr).not.toMatch(/baton:/);
    expect(r.status).toBe(0);
    const out = JSON.parse(readFileSync(json, 'utf8'));
    const o = out.operations;
    expect(o.on).toEqual(['servicing']);
    expect(o.fleetWith).toBe(out.fleet);
    expect(o.fleetWithout).toBeGreaterThan(0);
    expect(o.fleetWithout).toBeLessThanOrEqual(out.fleet);
    expect(o.extraCars).toBe(out.fleet - o.fleetWithout);
    // The search without operations met the target at its answer and missed it tolerance below (or at 1 car).
    const off = new Map(o.curveWithout.map((p: { fleet: number; servicePct: number }) => [p.fleet, p.servicePct]));
    expect(off.get(o.fleetWithout)).toBeGreaterThanOrEqual(95);
    if (o.fleetWithout > 2) expect(off.get(o.fleetWithout - 2)).toBeLessThan(95);
    // The breakdown of the chosen fleet: servicing car-hours, consistent means, no stray fields in the curve.
    const b = o.breakdown;
    expect(b.fleet).toBe(out.fleet);
    expect(b.counts.cleanings).toBeGreaterThan(0);
    expect(b.carHours.cleaning).toBeGreaterThan(0);
    expect(b.carHours.plugged).toBe(0);
    expect(b.meanCarsOut).toBeCloseTo(b.totalCarHours / (b.spanS / 3600), 9);
    expect(b.peakCarsOut).toBeGreaterThanOrEqual(1);
    expect(out.curve.every((p: object) => !('operations' in p))).toBe(true);
    // The text says both fleets, the difference and why.
    expect(r.stdout).toMatch(new RegExp(`without operations\\s+${o.fleetWithout} cars for 95 % within 300 s with every operation off: operations cost \\+${o.extraCars} cars? \\(\\+`));
    expect(r.stdout).toMatch(/why, at \d+ cars\s+car-hours out of service/);
    expect(r.stdout).toMatch(/in cleaning\s+\d+\.\d car-h\s+\d+\.\d cars/);
    expect(r.stdout).toMatch(/waiting for a bay/);
    expect(r.stdout).toMatch(/cars out of service\s+\d+\.\d on average over .*at the peak/);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/What fleet operations cost in cars/);
    expect(page).toMatch(/id="operations-breakdown"/);
    expect(page).toMatch(/chart-operations-day/);

    // --no-baseline: the breakdown stays, the second search goes.
    const skip = runCli(['fleet-size', ...ops, '--workers', '0', '--no-bound', '--tolerance', '2', '--no-baseline', '--json'], { env: { BATON_NO_PROGRESS: '1' } });
    expect(skip.status).toBe(0);
    const lone = JSON.parse(skip.stdout);
    expect(lone.fleet).toBe(out.fleet);
    expect(lone.operations.breakdown).toEqual(b);
    expect('fleetWithout' in lone.operations).toBe(false);
  });
});
