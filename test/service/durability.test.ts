// Durability: ride requests acknowledged (201) by a server process that is then killed with SIGKILL mid-load are all
// in the SQLite file afterwards, and retrying every key after a restart duplicates none of them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/io/store/sqlite.js';
import { SF_RIDE } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-durable-'));
const file = join(dir, 'baton.sqlite');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'serve-fake-conductor.ts'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

/** Resolves once the child has exited (at once if it already has: its 'exit' event may be long gone). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

async function postRide(url: string, apiKey: string, key: string): Promise<{ status: number; rideId?: string }> {
  const res = await fetch(`${url}/v1/rides`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(SF_RIDE),
  });
  const json = (await res.json()) as { rideId?: string };
  return { status: res.status, rideId: json.rideId };
}

describe('durability of acknowledged ride requests (SQLite)', () => {
  it('survives SIGKILL under load, three times; retries after restarts never duplicate', async () => {
    const setup = await openSqliteStore(file);
    const apiKey = (await setup.createToken({ role: 'rider', subject: 'durable' })).apiKey;
    await setup.close();

    const acknowledged = new Map<string, string>(); // idempotency key → ride id
    const sent = new Set<string>();
    let n = 0;
    for (let round = 0; round < 3; round++) {
      const { child, url } = await startChild();
      let killed = false;
      const loops = Array.from({ length: 4 }, async () => {
        while (!killed) {
          const key = `k-${n++}`;
          sent.add(key);
          try {
            const r = await postRide(url, apiKey, key);
            if (r.status === 201 && r.rideId) acknowledged.set(key, r.rideId);
          } catch {
            return; // the connection died with the server
          }
        }
      });
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 500)));
      killed = true;
      child.kill('SIGKILL');
      await Promise.all(loops);
      await exited(child);
      expect(child.signalCode).toBe('SIGKILL');

      const store = await openSqliteStore(file);
      for (const [key, rideId] of acknowledged) {
        const ride = await store.getRide(rideId);
        expect(ride, `acknowledged ride ${rideId} (${key}) lost`).toBeDefined();
        expect(ride!.idempotencyKey).toBe(key);
      }
      expect(await store.countRides()).toBeGreaterThanOrEqual(acknowledged.size);
      expect(await store.countRides()).toBeLessThanOrEqual(sent.size);
      await store.close();
    }
    expect(acknowledged.size).toBeGreaterThan(10);

    // Restart and retry every key ever sent: acknowledged ones come back unchanged, none is duplicated.
    const { child, url } = await startChild();
    for (const key of sent) {
      const r = await postRide(url, apiKey, key);
      expect(r.status).toBe(201);
      if (acknowledged.has(key)) expect(r.rideId).toBe(acknowledged.get(key));
    }
    child.kill('SIGKILL');
    await exited(child);
    const store = await openSqliteStore(file);
    expect(await store.countRides()).toBe(sent.size);
    await store.close();
    console.log(`durability: ${acknowledged.size} acknowledged of ${sent.size} sent over 3 SIGKILLs; all present, ${sent.size} rows after retries`);
  }, 300_000);
});
