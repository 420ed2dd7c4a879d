// The SQLite connection on its own thread. better-sqlite3 is synchronous: a synchronous=FULL commit waits ~10 ms for the
// disk, and on the service's thread that wait stalls every request, socket and engine step behind it. Here a worker
// thread owns the connection; the service thread sends statements as messages and gets rows back once committed.
// Group commit happens in the worker: grouped statements that arrive while it is busy (committing the previous group)
// or in the same turn share one transaction, one fsync. Statements are applied in the order they were sent.
//
// The worker's code is plain JavaScript evaluated from a string, so it needs no TypeScript loader in the worker
// (running from source under tsx or vitest, or compiled).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqlExecutor, SqlParam, SqlStatement } from './sql-store.js';

type Op =
  | { op: 'all' | 'grouped' | 'run'; sql: string; params: readonly SqlParam[] }
  | { op: 'batch'; statements: readonly SqlStatement[] }
  | { op: 'close' };

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
  code?: string;
}

const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
const statements = new Map();
function prepare(sql) {
  let st = statements.get(sql);
  if (!st) {
    st = db.prepare(sql);
    if (statements.size < 500) statements.set(sql, st);
  }
  return st;
}
function rows(sql, params) {
  const st = prepare(sql);
  if (!st.reader) { st.run(...params); return []; }
  return st.all(...params);
}
const fail = (id, err) => parentPort.postMessage({ id, ok: false, error: String(err && err.message || err), code: err && err.code });
let group = [];
let scheduled = false;
function flushGroup() {
  scheduled = false;
  const items = group;
  group = [];
  if (items.length === 0) return;
  const results = [];
  try {
    db.transaction(() => { for (const it of items) results.push(rows(it.sql, it.params)); })();
  } catch {
    // One bad statement must not fail the others: each in its own transaction instead.
    for (const it of items) {
      try { parentPort.postMessage({ id: it.id, ok: true, result: rows(it.sql, it.params) }); } catch (err) { fail(it.id, err); }
    }
    return;
  }
  items.forEach((it, i) => parentPort.postMessage({ id: it.id, ok: true, result: results[i] }));
}
parentPort.on('message', (m) => {
  if (m.op === 'grouped') {
    group.push(m);
    if (!scheduled) { scheduled = true; setImmediate(flushGroup); }
    return;
  }
  flushGroup();
  try {
    let result;
    if (m.op === 'all') result = rows(m.sql, m.params);
    else if (m.op === 'run') {
      const st = prepare(m.sql);
      if (st.reader) { st.all(...m.params); result = 0; } else result = st.run(...m.params).changes;
    } else if (m.op === 'batch') {
      db.transaction(() => {
        for (const s of m.statements) {
          if (/^\s*CREATE\s/i.test(s.sql)) db.exec(s.sql);
          else prepare(s.sql).run(...(s.params || []));
        }
      })();
    } else if (m.op === 'close') {
      statements.clear();
      db.close();
    }
    parentPort.postMessage({ id: m.id, ok: true, result });
    if (m.op === 'close') parentPort.close();
  } catch (err) {
    fail(m.id, err);
  }
});
parentPort.postMessage({ id: 0, ok: true });
`;

/** A SqlExecutor whose SQLite connection lives in a worker thread. */
export class WorkerSqliteExecutor implements SqlExecutor {
  readonly dialect = 'sqlite' as const;
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  private readonly ready: Promise<void>;
  private dead: Error | null = null;

  constructor(file: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
    this.ready = new Promise<void>((res, rej) => {
      this.pending.set(0, { resolve: () => res(), reject: rej });
    });
    this.worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(Object.assign(new Error(m.error), { code: m.code }));
    });
    const fail = (err: Error) => {
      this.dead = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', (err) => fail(new Error(`SQLite ${file}: ${err.message}`)));
    this.worker.on('exit', () => fail(new Error(`SQLite ${file}: the store's thread has stopped`)));
  }

  /** Resolves once the database is open (rejects with the open error, e.g. a file that is not a database). */
  opened(): Promise<void> {
    return this.ready;
  }

  private send<T>(op: Op): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, ...op });
    });
  }

  all<T>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    return this.send<T[]>({ op: 'all', sql, params });
  }
  allGrouped<T>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    return this.send<T[]>({ op: 'grouped', sql, params });
  }
  run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    return this.send<number>({ op: 'run', sql, params });
  }
  async batch(statements: readonly SqlStatement[]): Promise<void> {
    await this.send({ op: 'batch', statements });
  }
  async withMigrationLock<T>(fn: () => Promise<T>): Promise<T> {
    // NOTE: one process owns a SQLite data directory; batches are already atomic, so no lock beyond that.
    return fn();
  }
  async close(): Promise<void> {
    if (this.dead) return;
    await this.send({ op: 'close' });
    this.worker.unref();
  }
}
