// Bearer API keys → the principal (role + subject) a request acts as. Keys are looked up by their SHA-256 in the
// store; found principals are cached briefly so a busy client does not cost a database read per request.
import { hashApiKey } from '../io/store/api-keys.js';
import type { Role, Store } from '../io/store/store.js';
import { ApiError } from './errors.js';

export interface Principal {
  tokenId: string;
  role: Role;
  /** Rider id, vehicle id or operator name. */
  subject: string;
  /** Rate-limit key: the token's id. */
  key: string;
}

const CACHE_LIMIT = 100_000;

export class Authenticator {
  private readonly cache = new Map<string, { principal: Principal; untilMs: number }>();

  constructor(
    private readonly store: Store,
    private readonly cacheTtlMs = 30_000,
  ) {}

  /** The principal for an Authorization header value, or a 401 ApiError. */
  async authenticate(header: string | undefined): Promise<Principal> {
    if (!header) throw new ApiError(401, 'unauthorized', 'missing Authorization: Bearer <api key> header', { 'WWW-Authenticate': 'Bearer' });
    const m = /^Bearer ([A-Za-z0-9_\-.~+/]{1,200}=*)$/.exec(header);
    if (!m) throw new ApiError(401, 'unauthorized', 'Authorization header must be "Bearer <api key>"', { 'WWW-Authenticate': 'Bearer' });
    const hash = hashApiKey(m[1]);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && hit.untilMs > now) return hit.principal;
    const token = await this.store.findTokenByKey(m[1]);
    if (!token) {
      this.cache.delete(hash);
      throw new ApiError(401, 'unauthorized', 'unknown or revoked API key', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    const principal: Principal = { tokenId: token.id, role: token.role, subject: token.subject, key: token.id };
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(hash, { principal, untilMs: now + this.cacheTtlMs });
    return principal;
  }

  /** Drops a revoked token from the cache at once. */
  forget(tokenId: string): void {
    for (const [h, e] of this.cache) if (e.principal.tokenId === tokenId) this.cache.delete(h);
  }
}
