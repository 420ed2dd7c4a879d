// The Store conformance suite on the embedded SQLite store (real files in a temp folder), plus SQLite specifics.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/io/store/sqlite.js';
import { storeConformance } from './store-conformance.js';

const root = mkdtempSync(join(tmpdir(), 'baton-sqlite-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The connection in its own worker thread (the default) and on the calling thread (the earlier design).
storeConformance('SQLite', {
  async fresh() {
    const file = join(root, `db-${n++}`, 'baton.sqlite');
    return { open: () => openSqliteStore(file) };
  },
});
storeConformance('SQLite, inline connection', {
  async fresh() {
    const file = join(root, `db-${n++}`, 'baton.sqlite');
    return { open: () => openSqliteStore(file, { writer: 'inline' }) };
  },
});

describe('SQLite store', () => {
  it('runs in WAL mode with synchronous=FULL', async () => {
    const file = join(root, 'pragmas', 'baton.sqlite');
    const s = await openSqliteStore(file);
    await s.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    // synchronous is per connection: check the one the store opens.
    for (const writer of ['worker', 'inline'] as const) {
      const s2 = await openSqliteStore(file, { writer });
      const executor = (s2 as unknown as { db: { all(sql: string): Promise<{ synchronous: number }[]> } }).db;
      expect(await executor.all('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]); // FULL
      await s2.close();
    }
  });

  it('never writes an API key itself to the database file', async () => {
    const dir = join(root, 'keys');
    const s = await openSqliteStore(join(dir, 'baton.sqlite'));
    const { apiKey } = await s.createToken({ role: 'operator', subject: 'ops' });
    await s.close();
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).includes(Buffer.from(apiKey))).toBe(false);
  });
});
