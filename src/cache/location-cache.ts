// Per-location caches (issue 11): what the Worker next to a caller can answer
// without a round trip to the D1 primary, which sits in one region. Two tiers:
// this isolate's memory (free, but one copy per isolate) and the Cache API
// (shared by the isolates of one Cloudflare location, a few ms). Nothing here
// is shared between locations, so nothing here can be invalidated everywhere:
// what is cached is either immutable (a terminal run, a stored report) or
// bounded in staleness by its TTL and backed by a check that is immediate
// (an API key's revocation: src/cache/api-keys.ts).
//
// Each entry carries its own expiry, checked against the seam's clock, so the
// TTL does not depend on how a Cache API implementation reads max-age (and
// tests can move the clock instead of sleeping). A cache failure is a miss:
// a cache never fails a request.

/** An isolate's in-memory tier: LRU, bounded in bytes (an isolate has 128 MB in all). */
export class MemoryTier {
  private readonly map = new Map<string, { text: string; expiresAt: number }>();
  private bytes = 0;

  constructor(
    private readonly maxBytes = 8 * 1024 * 1024,
    private readonly maxEntryBytes = 512 * 1024,
  ) {}

  get(key: string, now: number): string | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    if (e.expiresAt <= now) {
      this.bytes -= e.text.length;
      return undefined;
    }
    this.map.set(key, e); // most recently used last
    return e.text;
  }

  set(key: string, text: string, expiresAt: number): void {
    this.delete(key);
    if (text.length > this.maxEntryBytes) return;
    this.map.set(key, { text, expiresAt });
    this.bytes += text.length;
    for (const [k, e] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= e.text.length;
    }
  }

  delete(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.bytes -= e.text.length;
  }
}

/**
 * Where a location keeps its entries. Production: this isolate's memory and
 * the location's default cache. Only code can set another one (the env symbol
 * below): the far-caller bench and the tests use it to count Cache API calls
 * or to play a second location.
 */
export interface LocationCacheSeam {
  memory: MemoryTier | null;
  cache: Cache | null;
  now: () => number;
}

export const LOCATION_CACHE = Symbol("kycert.locationCache");

const isolateMemory = new MemoryTier();

export const defaultLocationSeam = (): LocationCacheSeam => ({
  memory: isolateMemory,
  // The Cache API is absent outside Workers and a no-op on workers.dev (then the memory tier serves alone).
  cache: typeof caches !== "undefined" ? caches.default : null,
  now: () => Date.now(),
});

const seamOf = (env: Env): LocationCacheSeam =>
  (env as Env & { [LOCATION_CACHE]?: LocationCacheSeam })[LOCATION_CACHE] ?? defaultLocationSeam();

// Never served to anyone: the Cache API only needs a URL to key entries by.
const ORIGIN = "https://location-cache.kycert.invalid";
const EXPIRES = "x-kycert-expires-at";

export interface LocationCache {
  get<T>(namespace: string, key: string): Promise<T | null>;
  put(namespace: string, key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(namespace: string, key: string): Promise<void>;
}

export function locationCache(env: Env): LocationCache {
  const seam = seamOf(env);
  const id = (ns: string, key: string) => `${ns}/${encodeURIComponent(key)}`;
  const request = (ns: string, key: string) => new Request(`${ORIGIN}/${id(ns, key)}`);
  return {
    async get<T>(ns: string, key: string): Promise<T | null> {
      const now = seam.now();
      const inMemory = seam.memory?.get(id(ns, key), now);
      if (inMemory !== undefined) return JSON.parse(inMemory) as T;
      if (!seam.cache) return null;
      try {
        const res = await seam.cache.match(request(ns, key));
        if (!res) return null;
        const expiresAt = Number(res.headers.get(EXPIRES));
        const text = await res.text();
        if (!(expiresAt > now)) return null;
        seam.memory?.set(id(ns, key), text, expiresAt);
        return JSON.parse(text) as T;
      } catch {
        return null;
      }
    },
    async put(ns: string, key: string, value: unknown, ttlSeconds: number): Promise<void> {
      const text = JSON.stringify(value);
      const expiresAt = seam.now() + ttlSeconds * 1000;
      seam.memory?.set(id(ns, key), text, expiresAt);
      if (!seam.cache) return;
      try {
        await seam.cache.put(
          request(ns, key),
          new Response(text, {
            headers: { "content-type": "application/json", "cache-control": `max-age=${ttlSeconds}`, [EXPIRES]: String(expiresAt) },
          }),
        );
      } catch {
        // A cache that cannot store is a cache that misses.
      }
    },
    async delete(ns: string, key: string): Promise<void> {
      seam.memory?.delete(id(ns, key));
      try {
        await seam.cache?.delete(request(ns, key));
      } catch {
        // Nothing stored, nothing to forget.
      }
    },
  };
}
