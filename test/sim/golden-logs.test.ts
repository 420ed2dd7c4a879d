// Whole-run event logs pinned by SHA-256: the built-in default scenario (greedy and pooled+rebalance) and the San
// Francisco Wednesday (greedy at 500 cars, pooled+rebalance at 700). A change to any decision or event changes a hash;
// a change that is meant must say why in its commit and regenerate with `REGEN=1 npx vitest run test/sim/golden-logs`.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { SF_EDGES, SF_NODES, haveSharedData, sharedData } from '../shared-data.js';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/golden-logs/sha256.json');
const SF_TRIPS = 'san-francisco/sf_trips_2008-05-18_to_05-24.csv.gz';
const sf = () => ['--network', sharedData('san-francisco'), '--trips', sharedData(SF_TRIPS), '--format', 'sf-cabspotting', '--date', '2008-05-21'];

const cases: { name: string; args: () => string[]; needs?: string[] }[] = [
  { name: 'synthetic-greedy', args: () => ['--dispatcher', 'greedy'] },
  { name: 'synthetic-pooled+rebalance', args: () => ['--dispatcher', 'pooled+rebalance'] },
  { name: 'sf-2008-05-21-greedy-500', args: () => [...sf(), '--fleet', '500', '--dispatcher', 'greedy'], needs: [SF_NODES, SF_EDGES, SF_TRIPS] },
  { name: 'sf-2008-05-21-pooled+rebalance-700', args: () => [...sf(), '--fleet', '700', '--dispatcher', 'pooled+rebalance'], needs: [SF_NODES, SF_EDGES, SF_TRIPS] },
];

const regen = process.env.REGEN === '1';
const pinned: Record<string, string> = JSON.parse(readFileSync(FIXTURE, 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'baton-golden-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (regen) writeFileSync(FIXTURE, `${JSON.stringify(pinned, null, 2)}\n`);
});

describe('golden event logs (byte-identical runs)', () => {
  for (const c of cases) {
    it.skipIf(c.needs !== undefined && !haveSharedData(...c.needs))(`${c.name}`, () => {
      const file = join(dir, `${c.name}.ndjson`);
      const r = runCli(['simulate', ...c.args(), '--events', file], { timeoutMs: 300_000 });
      expect(r.status, r.stderr).toBe(0);
      const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
      if (regen) pinned[c.name] = sha;
      else expect(sha).toBe(pinned[c.name]);
    });
  }
});
