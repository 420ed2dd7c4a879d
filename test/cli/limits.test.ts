// Limits, not crashes: runs too big for memory are refused with the estimate and the limit, synthetic cities are
// bounded, and progress goes to stderr as plain lines every few seconds when it is not a terminal.
import { describe, expect, it } from 'vitest';
import { checkMemoryBudget, estimateRunBytes } from '../../src/io/memory-budget.js';
import { parseSyntheticSpec } from '../../src/io/network-source.js';
import { SettingsError } from '../../src/io/settings.js';
import { progressLines } from '../../src/cli/progress.js';
import { runCli } from './run-cli.js';

describe('limits', () => {
  it('refuses a run over the heap limit with the sizes, the estimate and the limit', () => {
    expect(() => checkMemoryBudget({ fleet: 1000, requests: 10_000, nodes: 10_000 }, 2 ** 30)).not.toThrow();
    expect(() => checkMemoryBudget({ fleet: 10_000_000, requests: 1_000_000 }, 2 ** 32)).toThrow(SettingsError);
    expect(() => checkMemoryBudget({ fleet: 10_000_000, requests: 1_000_000 }, 2 ** 32)).toThrow(/--fleet 10000000, 1000000 requests: needs about 20\.0 GiB of memory, more than this process's limit of 4\.0 GiB/);
    expect(estimateRunBytes({ fleet: 1, requests: 1, nodes: 1 })).toBeGreaterThan(0);
  });

  it('bounds synthetic cities and names --network', () => {
    expect(() => parseSyntheticSpec('synthetic:nodes=1e12')).toThrow(/--network "synthetic:nodes=1e12": nodes=1e12 is more than 5000000/);
    expect(() => parseSyntheticSpec('synthetic:width=1e9')).toThrow(SettingsError);
    expect(() => parseSyntheticSpec('synthetic:block=-1')).toThrow(/"block=-1" needs a positive number/);
    expect(parseSyntheticSpec('synthetic:nodes=400')).toBeTruthy();
  });

  it('the CLI refuses before any work, without a stack trace', () => {
    const r = runCli(['simulate', '--fleet', '10000000', '--requests', '100000000'], { timeoutMs: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^baton: --fleet 10000000, 100000000 requests: needs about \d+\.\d GiB of memory, more than this process's limit/);
    expect(r.stderr).not.toMatch(/BATON_DEBUG|at /);
  });

  it('progress lines: none before the first interval, then one per interval with the share and payload', () => {
    const lines: string[] = [];
    const quiet = progressLines('simulating', 100, 3600, (l) => lines.push(l));
    quiet.update(50);
    expect(lines).toEqual([]);
    const every = progressLines('simulating', 200, 0, (l) => lines.push(l));
    every.update(50, { handled: 7 });
    expect(lines[0]).toMatch(/^simulating: 25 % \(handled 7\), \d+ s\n$/);
  });
});
