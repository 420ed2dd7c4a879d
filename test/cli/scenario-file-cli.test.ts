// End-to-end: `--scenario FILE` as a user runs it — the file's settings, an option overriding one, the cost in the
// output and the KPI JSON, an error naming the file and field, and `baton scenario check`.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-scenario-cli-'));
const scenario = join(dir, 'day.json');
writeFileSync(scenario, JSON.stringify({ requests: 600, fleet: 20, seed: 3, dispatcher: 'greedy', cost: { vehiclePriceUsd: 80_000 } }));

describe('baton simulate --scenario', () => {
  it('runs the file, an option overrides it, and the cost is printed and in the JSON', () => {
    const r = runCli(['simulate', '--scenario', scenario, '--fleet', '25', '--energy-price', '0.5', '--json', join(dir, 'k.json')], { env: { BATON_NO_PROGRESS: '1' } });
    expect(r.stderr).not.toMatch(/baton:/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/fleet\s+25 cars/);
    expect(r.stdout).toMatch(/dispatcher\s+greedy/);
    expect(r.stdout).toMatch(/cost\s+\$\d+\.\d\d per vehicle mile/);
    const k = JSON.parse(readFileSync(join(dir, 'k.json'), 'utf8'));
    expect([k.requests, k.fleet]).toEqual([600, 25]);
    expect(k.cost.items.map((l: { item: string }) => l.item)).toEqual(['vehicle', 'energy', 'charging', 'cleaning', 'maintenance', 'insurance', 'remoteAssistance', 'depot']);
    // Vehicle item at the file's price, energy at the option's: 25 cars × $80,000 / (5 × 365) per day of span.
    const vehicle = k.cost.items[0].totalUsd;
    expect(vehicle).toBeCloseTo(((25 * 80_000) / (5 * 365)) * (k.spanS / 86_400), 6);
    expect(k.cost.items[1].totalUsd).toBeCloseTo((k.energyKwh / 0.9) * 0.5, 6);
    expect(k.cost.costPerMileUsd).toBeGreaterThan(0);
  });

  it('a bad file stops before the run with the file, the field and the value', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ fleet: 'ten', maxwait: 300 }));
    const r = runCli(['simulate', '--scenario', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`baton: ${bad}: unknown field maxwait (did you mean maxWaitS?); ${bad}: fleet: expected an integer in 1..10000000, got "ten"`);
  });

  it('baton scenario check prints the resolved settings', () => {
    const r = runCli(['scenario', 'check', scenario]);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ requests: 600, fleet: 20, dispatcher: 'greedy', maxWaitS: 600, seats: 2 });
    expect(s.cost.vehiclePriceUsd).toBe(80_000);
    expect(s.cost.energyUsdPerKwh).toBe(0.23);
  });
});
