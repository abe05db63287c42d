// API keys: `fgk_<id>_<secret>`. The id finds the row; only sha256(secret) is stored, and the
// comparison is constant-time on the hashes (crypto.timingSafeEqual).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import type { Scope } from '../store/model.js';

export type { Scope };
export const SCOPES: readonly Scope[] = ['read', 'write'];

const KEY_RE = /^fgk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface ParsedKey {
  id: string;
  secret: string;
}

export function newKeyId(): string {
  return randomBytes(8).toString('hex');
}

/** A new key for id: the full text (shown once) and the hash to store. */
export function newKey(id: string): { key: string; hash: Buffer } {
  const secret = randomBytes(32).toString('base64url');
  return { key: `fgk_${id}_${secret}`, hash: hashSecret(secret) };
}

export function parseKey(text: string): ParsedKey | null {
  const m = KEY_RE.exec(text);
  return m ? { id: m[1], secret: m[2] } : null;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

// Compared when the key id is unknown, so a miss costs the same as a wrong secret.
const DUMMY_HASH = hashSecret('fleetgate-no-such-key');

/** Constant-time check of a presented secret against a stored hash (or the dummy when there is none). */
export function secretMatches(storedHash: Uint8Array | null, secret: string): boolean {
  const presented = hashSecret(secret);
  const stored = storedHash && storedHash.length === presented.length ? storedHash : DUMMY_HASH;
  const same = timingSafeEqual(presented, stored);
  return same && storedHash !== null && stored !== DUMMY_HASH;
}

/** Scope check: write implies read. */
export function hasScope(scopes: readonly Scope[], need: Scope): boolean {
  return scopes.includes(need) || (need === 'read' && scopes.includes('write'));
}
