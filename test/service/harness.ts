// Starts the real HTTP server on a free loopback port with a real SQLite store (temp folder) and the fake
// conductor, and gives tests a small client that speaks to it over real sockets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Role } from '../../src/io/store/store.js';
import { openSqliteStore } from '../../src/io/store/sqlite.js';
import type { SqlStore } from '../../src/io/store/sql-store.js';
import { buildServer, type BuiltServer, type ServerOptions } from '../../src/service/server.js';
import type { RateLimit } from '../../src/service/rate-limit.js';
import { FakeConductor } from './fake-conductor.js';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface TestServer {
  url: string;
  port: number;
  store: SqlStore;
  conductor: FakeConductor;
  built: BuiltServer;
  dir: string;
  /** Issues a token and returns its API key. */
  token(role: Role, subject: string): Promise<string>;
  call(method: string, path: string, o?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<Reply>;
  close(): Promise<void>;
}

const GENEROUS: Record<Role, RateLimit> = {
  rider: { perSecond: 1e6, burst: 1e6 },
  vehicle: { perSecond: 1e6, burst: 1e6 },
  operator: { perSecond: 1e6, burst: 1e6 },
};

export async function startTestServer(o: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-service-'));
  const store = await openSqliteStore(join(dir, 'baton.sqlite'));
  const conductor = new FakeConductor();
  const built = await buildServer({ store, conductor, logger: pino({ level: process.env.BATON_TEST_LOG ?? 'silent' }), limits: GENEROUS, ...o });
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (built.app.server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    store,
    conductor,
    built,
    dir,
    async token(role, subject) {
      return (await store.createToken({ role, subject })).apiKey;
    },
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined = opts.rawBody;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + path, { method, headers, body });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async close() {
      await built.app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const SF_RIDE = { pickup: { lat: 37.7955, lon: -122.3937 }, dropoff: { lat: 37.7694, lon: -122.4862 }, riders: 1, acceptsSharing: true };

/** Polls `cond` every 10 ms until it holds (or fails after `timeoutMs`). */
export async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
