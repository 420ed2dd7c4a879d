// Opens the service's store from command-line style options: PostgreSQL when a postgres:// URL is given, else the
// embedded SQLite file in the data directory.
import { join } from 'node:path';
import type { Store } from './store.js';
import { openSqliteStore } from './sqlite.js';
import { openPostgresStore } from './postgres.js';

export * from './store.js';
export { openSqliteStore } from './sqlite.js';
export { openPostgresStore } from './postgres.js';

export const DEFAULT_DATA_DIR = './baton-data';
export const SQLITE_FILE = 'baton.sqlite';

/** `db` (postgres://… or postgresql://…) wins; otherwise `<dataDir>/baton.sqlite`. */
export async function openStore(o: { dataDir?: string; db?: string }): Promise<Store> {
  if (o.db) {
    if (!/^postgres(ql)?:\/\//.test(o.db)) throw new Error(`--db must be a postgres:// URL, got "${o.db}"`);
    return openPostgresStore(o.db);
  }
  return openSqliteStore(join(o.dataDir ?? DEFAULT_DATA_DIR, SQLITE_FILE));
}
