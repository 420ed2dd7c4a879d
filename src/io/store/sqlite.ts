// The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a commit (an acknowledged ride request)
// is on disk before the call returns and survives the process being killed.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqlStore, type SqlExecutor, type SqlParam, type SqlStatement } from './sql-store.js';
import { WorkerSqliteExecutor } from './sqlite-worker.js';

interface GroupedStatement {
  sql: string;
  params: readonly SqlParam[];
  resolve(rows: unknown[]): void;
  reject(err: unknown): void;
}

class SqliteExecutor implements SqlExecutor {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();
  private group: GroupedStatement[] = [];
  private groupScheduled = false;

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

  /**
   * Group commit. A synchronous=FULL commit waits for the disk (~10 ms here) and better-sqlite3 blocks the event loop
   * meanwhile, so one commit per ride request would cap the whole service near 100 requests/s. Statements queued in
   * one event-loop turn — and those that arrive while the previous group is flushing — commit together.
   */
  allGrouped<T>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) => {
      this.group.push({ sql, params, resolve: resolve as (rows: unknown[]) => void, reject });
      if (!this.groupScheduled) {
        this.groupScheduled = true;
        setImmediate(() => this.flushGroup());
      }
    });
  }

  private flushGroup(): void {
    const items = this.group;
    this.group = [];
    this.groupScheduled = false;
    const results: unknown[][] = [];
    try {
      this.db.transaction(() => {
        for (const it of items) results.push(this.rows(it.sql, it.params));
      })();
    } catch {
      // One bad statement must not fail the others: run each in its own transaction instead.
      for (const it of items) {
        try {
          it.resolve(this.rows(it.sql, it.params));
        } catch (err) {
          it.reject(err);
        }
      }
      return;
    }
    items.forEach((it, i) => it.resolve(results[i]));
  }

  private rows(sql: string, params: readonly SqlParam[]): unknown[] {
    const st = this.prepare(sql);
    if (!st.reader) {
      st.run(...params);
      return [];
    }
    return st.all(...params);
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

/** Where the connection lives: its own worker thread (default), or the calling thread (`inline`, the earlier design). */
export type SqliteWriter = 'worker' | 'inline';

/**
 * Opens (creating if needed) the SQLite store at `file` and applies pending migrations. The connection lives in a
 * worker thread (sqlite-worker.ts) unless `writer` is 'inline' (or BATON_SQLITE_WRITER=inline, for before/after
 * measurements); ':memory:' is always inline.
 */
export async function openSqliteStore(file: string, o: { writer?: SqliteWriter } = {}): Promise<SqlStore> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const writer = file === ':memory:' ? 'inline' : (o.writer ?? (process.env.BATON_SQLITE_WRITER === 'inline' ? 'inline' : 'worker'));
  let executor: SqlExecutor;
  if (writer === 'worker') {
    const w = new WorkerSqliteExecutor(file);
    await w.opened();
    executor = w;
  } else {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    executor = new SqliteExecutor(db);
  }
  const store = new SqlStore(executor);
  await store.migrate();
  return store;
}
