// The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a commit (an acknowledged ride request)
// is on disk before the call returns and survives the process being killed.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqlStore, type SqlExecutor, type SqlParam, type SqlStatement } from './sql-store.js';

class SqliteExecutor implements SqlExecutor {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private prepare(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      if (this.statements.size < 500) this.statements.set(sql, st);
    }
    return st;
  }

  async all<T>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    const st = this.prepare(sql);
    if (!st.reader) {
      st.run(...params);
      return [];
    }
    return st.all(...params) as T[];
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    const st = this.prepare(sql);
    if (st.reader) {
      st.all(...params);
      return 0;
    }
    return st.run(...params).changes;
  }

  async batch(statements: readonly SqlStatement[]): Promise<void> {
    // Synchronous inside: nothing else can interleave with the transaction.
    this.db.transaction(() => {
      for (const s of statements) {
        if (/^\s*CREATE\s/i.test(s.sql)) this.db.exec(s.sql);
        else this.prepare(s.sql).run(...(s.params ?? []));
      }
    })();
  }

  async withMigrationLock<T>(fn: () => Promise<T>): Promise<T> {
    // NOTE: one process owns a SQLite data directory; batches are already atomic, so no lock beyond that.
    return fn();
  }

  async close(): Promise<void> {
    this.statements.clear();
    this.db.close();
  }
}

/** Opens (creating if needed) the SQLite store at `file` and applies pending migrations. */
export async function openSqliteStore(file: string): Promise<SqlStore> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const store = new SqlStore(new SqliteExecutor(db));
  await store.migrate();
  return store;
}
