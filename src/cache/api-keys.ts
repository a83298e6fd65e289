// API keys served from the location cache (issue 11), so a request with a
// known key makes no round trip to the D1 primary to authenticate.
//
// What a cached entry may be stale about, and why that is safe:
// - revocation: never trusted from the cache. The key's RateLimiter Durable
//   Object, already called on every request of the key, holds the key's revoked
//   flag; the admin plane sets it before it answers a revocation
//   (src/admin/service.ts revokeKey), so a revoked key is refused at once in
//   every location (src/http/middleware/rate-limit.ts).
// - the tenant's status: run creation checks it on the primary, in the batch
//   that creates the run (insertRunReserving), so a suspension stops new runs at
//   once; reads by a suspended tenant's keys are allowed anyway.
// - the rest (scopes, environment, limit, tenant and name) never changes for a key.
import { createDb, replicaThenPrimary, type Db } from "../db/client";
import { findApiKeyByHash } from "../db/queries/tenants";
import type { Scope } from "../lib/api-keys";
import { locationCache } from "./location-cache";

/** How long a location trusts a key it has read (seconds): bounds a changed tenant name or status. */
export const API_KEY_TTL_S = 60;
const NS = "api-key-v1";

export interface KeyRecord {
  keyId: string;
  keyHash: string;
  tenantId: string;
  tenantName: string;
  tenantStatus: "active" | "suspended";
  livemode: boolean;
  scopes: Scope[];
  rateLimitPerMinute: number | null;
}

export interface KeyLookup {
  key: KeyRecord;
  revoked: boolean;
  /** Served from the location cache: the limiter's revoked flag is the revocation check. */
  cached: boolean;
}

/**
 * The key with this hash. `reads`: where a miss reads first (the request's D1
 * session: a replica); a key not found there is read again from the primary,
 * since a key created a moment ago may not have reached the replica yet.
 * Revoked keys are never cached.
 */
export async function lookupApiKey(env: Env, reads: Db, hash: string, opts: { cache: boolean }): Promise<KeyLookup | null> {
  const cache = locationCache(env);
  if (opts.cache) {
    const hit = await cache.get<KeyRecord>(NS, hash);
    if (hit) return { key: hit, revoked: false, cached: true };
  }
  const found = await replicaThenPrimary(reads, createDb(env.DB), (db) => findApiKeyByHash(db, hash));
  if (!found) return null;
  const key: KeyRecord = {
    keyId: found.key.id,
    keyHash: found.key.keyHash,
    tenantId: found.tenant.id,
    tenantName: found.tenant.name,
    tenantStatus: found.tenant.status,
    livemode: found.key.environment === "live",
    scopes: JSON.parse(found.key.scopes) as Scope[],
    rateLimitPerMinute: found.key.rateLimitPerMinute,
  };
  const revoked = found.key.revokedAt !== null;
  if (opts.cache && !revoked) await cache.put(NS, hash, key, API_KEY_TTL_S);
  return { key, revoked, cached: false };
}

/** The primary's word on a key (the fallback when the limiter cannot be asked: the cache and a replica may both be behind a revocation). */
export async function keyRevokedOnPrimary(env: Env, hash: string): Promise<boolean> {
  const found = await findApiKeyByHash(createDb(env.DB), hash);
  return !found || found.key.revokedAt !== null;
}
