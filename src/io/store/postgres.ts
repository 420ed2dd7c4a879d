// The PostgreSQL store: the same SQL as SQLite (sql-store.ts) over a connection pool. A commit with PostgreSQL's
// default synchronous_commit=on is flushed to its WAL before the call returns.
import pg from 'pg';
import { SqlStore, type SqlExecutor, type SqlParam, type SqlStatement } from './sql-store.js';

/** `?` placeholders → `$1, $2, …` (our SQL has no `?` inside string literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// BIGINT (int8, oid 20) and COUNT(*) come back as numbers: every value we store is an epoch ms or a count < 2^53.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Arbitrary fixed key for pg_advisory_lock while migrating ("baton" in ASCII). */
const MIGRATION_LOCK_KEY = 0x626174_6f6e;

class PostgresExecutor implements SqlExecutor {
  readonly dialect = 'postgres' as const;
  private readonly sqlCache = new Map<string, string>();

  constructor(private readonly pool: pg.Pool) {}

  private text(sql: string): string {
    let t = this.sqlCache.get(sql);
    if (t === undefined) {
      t = numberPlaceholders(sql);
      if (this.sqlCache.size < 500) this.sqlCache.set(sql, t);
    }
    return t;
  }

  async all<T>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    const res = await this.pool.query(this.text(sql), params as SqlParam[]);
    return res.rows as T[];
  }

  /** PostgreSQL groups concurrent commits itself (its WAL writer flushes them together). */
  allGrouped<T>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    return this.all<T>(sql, params);
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    const res = await this.pool.query(this.text(sql), params as SqlParam[]);
    return res.rowCount ?? 0;
  }

  async batch(statements: readonly SqlStatement[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const s of statements) await client.query(this.text(s.sql), (s.params ?? []) as SqlParam[]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async withMigrationLock<T>(fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Connects to PostgreSQL at `url` (postgres://…) and applies pending migrations. */
export async function openPostgresStore(url: string, opts: { maxConnections?: number } = {}): Promise<SqlStore> {
  const pool = new pg.Pool({ connectionString: url, max: opts.maxConnections ?? 16, types });
  // An idle client's connection error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    const store = new SqlStore(new PostgresExecutor(pool));
    await store.migrate();
    return store;
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}
