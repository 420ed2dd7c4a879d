// The crash test, shortened for the suite (test/service/crash-run.ts does 20 kills for the benchmark): `baton serve`
// under load from the emulator, SIGKILLed at random moments and restarted on the same store; every acknowledged ride
// is stored once and ends terminal. SQLite and a throwaway PostgreSQL.
import { describe, expect, it } from 'vitest';
import { crashRun, type CrashRunResult } from './crash-run.js';
import { findPostgresBin, POSTGRES_MISSING } from './postgres-server.js';

function expectSound(r: CrashRunResult, kills: number): void {
  expect(r.kills).toBe(kills);
  expect(r.runs).toBe(kills + 1);
  expect(r.acknowledged + r.refused).toBe(r.requests);
  expect(r.acknowledged).toBeGreaterThan(0);
  expect(r.missing).toBe(0);
  expect(r.duplicates).toBe(0);
  expect(r.unacknowledgedStored).toBe(0);
  expect(r.notTerminal).toBe(0);
}

describe('SIGKILL under load, restart, every acknowledged ride once and terminal', () => {
  it('SQLite', async () => {
    const r = await crashRun({ kills: 3, db: 'sqlite', speed: 60, window: '08:00-08:20', upMs: [1000, 3000], seed: 5 });
    expectSound(r, 3);
  }, 600_000);

  it.skipIf(!findPostgresBin())(`PostgreSQL${findPostgresBin() ? '' : ` (${POSTGRES_MISSING})`}`, async () => {
    const r = await crashRun({ kills: 2, db: 'postgres', speed: 60, window: '08:00-08:20', upMs: [1000, 3000], seed: 6 });
    expectSound(r, 2);
  }, 600_000);
});
