import type { ApiKeyRole } from '../../db/schema';
import type { Clock } from '../clock';

export interface ApiKeyAuth {
  workspaceId: string;
  role: ApiKeyRole;
  keyId: string;
}

/**
 * What an API key hash authenticated to, kept for `ttlMs` so a hot ingest path does not look
 * the key up on every request. Revocation stays honest: a revoke through this process evicts
 * at once (`evictKey`); one made elsewhere (another API process, SQL) is seen after at most
 * `ttlMs` (API_KEY_CACHE_MS, 1 s by default: RELIABILITY #28 asks for 401 within 1 s).
 * Only keys that authenticated are kept, so random keys always reach Postgres.
 */
export interface ApiKeyCache {
  get(keyHash: string): ApiKeyAuth | undefined;
  set(keyHash: string, auth: ApiKeyAuth): void;
  evictKey(keyId: string): void;
}

// NOTE: a bound on memory; past it the cache starts over (live keys are few per process).
const MAX_ENTRIES = 10_000;

export function createApiKeyCache(ttlMs: number, clock: Clock): ApiKeyCache {
  const entries = new Map<string, { auth: ApiKeyAuth; until: number }>();
  return {
    get(keyHash) {
      const hit = entries.get(keyHash);
      if (!hit) {
        return undefined;
      }
      if (clock.now().getTime() >= hit.until) {
        entries.delete(keyHash);
        return undefined;
      }
      return hit.auth;
    },
    set(keyHash, auth) {
      if (ttlMs <= 0) {
        return;
      }
      if (entries.size >= MAX_ENTRIES) {
        entries.clear();
      }
      entries.set(keyHash, { auth, until: clock.now().getTime() + ttlMs });
    },
    evictKey(keyId) {
      for (const [hash, e] of entries) {
        if (e.auth.keyId === keyId) {
          entries.delete(hash);
        }
      }
    },
  };
}
