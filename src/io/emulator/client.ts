// A small HTTP client for the live service's API (src/service/routes/), as an outside program sees it: JSON over
// fetch with a bearer key, retried while the server is down, restarting or busy (network errors, 429, 503), so that
// an emulator rides through a server being killed and restarted. Answers 4xx other than those are returned as they are.

export interface ApiReply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class ServerGoneError extends Error {}

export interface ClientOptions {
  /** Give up retrying after this many wall milliseconds without an answer (default 120 s). */
  retryForMs?: number;
  /** Each attempt's own time limit (default 15 s). */
  attemptTimeoutMs?: number;
}

export class ServiceClient {
  readonly base: string;
  /** Attempts that failed and were retried (network error, 429, 5xx). */
  retries = 0;
  private readonly retryForMs: number;
  private readonly attemptTimeoutMs: number;

  constructor(url: string, o: ClientOptions = {}) {
    this.base = url.replace(/\/+$/, '');
    this.retryForMs = o.retryForMs ?? 120_000;
    this.attemptTimeoutMs = o.attemptTimeoutMs ?? 15_000;
  }

  /** The WebSocket URL of a path on this server. */
  wsUrl(path: string): string {
    return this.base.replace(/^http/, 'ws') + path;
  }

  /**
   * One call, retried with back-off on network errors, 429 (after Retry-After), 502–504 and 500; other answers are
   * returned. Throws ServerGoneError when nothing answered for `retryForMs`.
   */
  async call<T = any>(method: string, path: string, key: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<ApiReply<T>> {
    const t0 = Date.now();
    let waitMs = 100;
    for (;;) {
      let retryAfterMs = waitMs;
      try {
        const res = await fetch(this.base + path, {
          method,
          headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.attemptTimeoutMs),
        });
        const text = await res.text();
        if (res.status !== 429 && res.status !== 503 && res.status < 500) {
          // NDJSON (the event log) stays text.
          const json = /^application\/json\b/.test(res.headers.get('content-type') ?? '');
          return { status: res.status, body: (json && text ? JSON.parse(text) : text) as T, headers: res.headers };
        }
        const ra = Number(res.headers.get('retry-after'));
        if (Number.isFinite(ra) && ra > 0) retryAfterMs = Math.min(5000, ra * 1000);
      } catch {
        // connection refused or reset, or the attempt timed out: the server is down or restarting
      }
      this.retries++;
      if (Date.now() - t0 > this.retryForMs) throw new ServerGoneError(`${method} ${this.base}${path}: no answer for ${Math.round((Date.now() - t0) / 1000)} s`);
      await sleep(retryAfterMs);
      waitMs = Math.min(2000, waitMs * 2);
    }
  }

  /** Like `call`, but any answer other than `expect` is an error naming the call, status and the server's reason. */
  async expect<T = any>(status: number, method: string, path: string, key: string | undefined, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const r = await this.call<T>(method, path, key, body, headers);
    if (r.status !== status) {
      const b = r.body as { error?: string; reason?: string } | string;
      const why = typeof b === 'object' && b ? `${b.error}: ${b.reason}` : String(b).slice(0, 200);
      throw new Error(`${method} ${this.base}${path}: expected ${status}, got ${r.status} (${why})`);
    }
    return r.body;
  }
}

export const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));
