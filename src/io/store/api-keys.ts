// API keys: 32 random bytes shown to their holder once; the database keeps only their SHA-256 (a fast hash is enough
// for 256-bit random secrets: there is nothing to brute-force, unlike a password).
import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'baton_';

/** A new random API key, e.g. `baton_Jc0…` (6 + 43 characters). */
export function generateApiKey(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** What the store keeps of a key: its SHA-256, hex. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** A new token id (not secret: names the token in lists and logs). */
export function generateTokenId(): string {
  return `tok_${randomBytes(8).toString('hex')}`;
}
