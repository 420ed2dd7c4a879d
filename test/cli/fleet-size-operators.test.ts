// End-to-end: `baton fleet-size --assist --search-operators` on a small synthetic city finds the fleet, then the
// smallest remote-operator pool that keeps the target at it, on worker threads, in the text, the JSON and the report;
// without --assist the option is refused naming it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-fleet-operators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Frequent, long assists (every 10 km, 10 min each), so that one operator is too few and the pool matters.
const CITY = ['--network', 'synthetic:nodes=1000', '--requests', '250', '--dispatcher', 'greedy', '--target', '0.85', '--tolerance', '4', '--no-bound'];
const ASSIST = ['--assist', '--assist-rate', '100', '--assist-time', '600', '--assist-operators', '8'];

describe('baton fleet-size --search-operators', () => {
  it('reports the smallest operator pool keeping the target at the fleet found', () => {
    const json = join(dir, 'fleet.json');
    const html = join(dir, 'fleet.html');
    const r = runCli(['fleet-size', ...CITY, ...ASSIST, '--search-operators', '--workers', '2', '--json', json, '--report', html]);
    expect(r.stderr).not.toMatch(/baton:/);
    expect(r.status).toBe(0);
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(out.fleet).toBeGreaterThan(0);
    const ops = out.operators;
    expect(ops).toMatchObject({ fleet: out.fleet, configured: 8 });
    expect(ops.found).toBeGreaterThanOrEqual(2);
    expect(ops.found).toBeLessThanOrEqual(8);
    const at = (k: number) => ops.curve.find((p: { assistOperators: number }) => p.assistOperators === k);
    // The answer meets the target, one operator fewer misses it, and the configured pool is the fleet search's own run.
    expect(at(ops.found).servicePct).toBeGreaterThanOrEqual(85);
    expect(at(ops.found - 1).servicePct).toBeLessThan(85);
    expect(at(8).servicePct).toBe(out.curve.find((p: { fleet: number }) => p.fleet === out.fleet).servicePct);
    for (const p of ops.curve) {
      expect(p.fleet).toBe(out.fleet);
      expect(p.operatorUtilisation).toBeGreaterThan(0);
    }
    // Fewer operators: longer waits for one.
    expect(at(ops.found - 1).assistWaitMeanS).toBeGreaterThan(at(8).assistWaitMeanS);
    expect(r.stdout).toMatch(new RegExp(`operators\\s+${ops.found} remote operators keep ≥ 85 % within 300 s at ${out.fleet} cars \\(of 8 configured`));
    expect(readFileSync(html, 'utf8')).toMatch(new RegExp(`${ops.found} remote operators are the smallest pool that keeps the 85 % target at ${out.fleet} vehicles`));
  });

  it('needs --assist', () => {
    const r = runCli(['fleet-size', ...CITY, '--search-operators', '--workers', '0']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--search-operators sizes the remote-operator pool: add --assist/);
  });
});
