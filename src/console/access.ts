// Cloudflare Access login (contract §16): Access sits in front of /console and
// adds `Cf-Access-Jwt-Assertion`, an RS256 JWT signed by the team's keys
// (`https://<team>.cloudflareaccess.com/cdn-cgi/access/certs`). The Worker
// verifies signature, issuer, audience (the Access application's AUD tag) and
// expiry itself: a request that reaches the Worker some other way (workers.dev,
// a misconfigured route) must not get in by carrying a made-up header.

/**
 * Where the JWKS is fetched through. Production uses the global fetch; the
 * tests build the env they pass to the Worker's fetch with a transport under
 * this symbol (no configuration can set a symbol key), like the run objects'
 * LIVE_TRANSPORT (src/sources/resolve.ts).
 */
export const ACCESS_TRANSPORT = Symbol("kycert.accessTransport");

export interface AccessTransport {
  fetch: typeof fetch;
}

const accessFetch = (env: Env): typeof fetch =>
  (env as Env & { [ACCESS_TRANSPORT]?: AccessTransport })[ACCESS_TRANSPORT]?.fetch ?? ((input, init) => fetch(input, init));

export interface AccessConfig {
  /** `https://<team>.cloudflareaccess.com`: the JWT issuer; the keys live under it. */
  teamDomain: string;
  /** The Access application's audience tag. */
  aud: string;
}

/** null when the deployment has no Access application configured: Access logins are then refused. */
export function accessConfig(env: Env): AccessConfig | null {
  const vars = env as unknown as Record<string, unknown>;
  const rawDomain = typeof vars.ACCESS_TEAM_DOMAIN === "string" ? vars.ACCESS_TEAM_DOMAIN.trim() : "";
  const aud = typeof vars.ACCESS_AUD === "string" ? vars.ACCESS_AUD.trim() : "";
  if (!rawDomain || !aud) return null;
  const withScheme = /^https?:\/\//i.test(rawDomain) ? rawDomain : `https://${rawDomain}`;
  return { teamDomain: withScheme.replace(/\/+$/, ""), aud };
}

export type AccessFailure = "malformed" | "unknown_key" | "bad_signature" | "wrong_issuer" | "wrong_audience" | "expired" | "not_yet_valid" | "no_email" | "keys_unavailable";

export type AccessResult = { ok: true; email: string; exp: number } | { ok: false; reason: AccessFailure };

// ---- JWKS cache ------------------------------------------------------------------

interface KeySet {
  keys: Map<string, CryptoKey>;
  fetchedAt: number;
}

/** Keys per certs URL. Access rotates its keys every few weeks and keeps the old one valid for a while. */
const keySets = new Map<string, KeySet>();
const KEYS_TTL_MS = 60 * 60 * 1000;
/** An unknown `kid` refetches the keys (a rotation), at most this often, so forged kids cannot hammer the certs URL. */
const REFETCH_MIN_MS = 30 * 1000;
/**
 * How long keys fetched once may still be used while the certs URL cannot be
 * reached: long enough to ride out an Access outage, short enough that a key
 * Access withdrew (an emergency rotation) stops opening the console the same
 * day. Past it, logins are refused (keys_unavailable) until a fetch succeeds.
 */
export const KEYS_MAX_STALE_MS = 6 * 60 * 60 * 1000;

async function fetchKeys(env: Env, url: string, nowMs: number): Promise<KeySet | null> {
  try {
    const res = await accessFetch(env)(url, { headers: { accept: "application/json" } });
    if (!res.ok) return null;
    const body = (await res.json()) as { keys?: (JsonWebKey & { kid?: string })[] };
    const keys = new Map<string, CryptoKey>();
    for (const jwk of body.keys ?? []) {
      if (jwk.kty !== "RSA" || typeof jwk.kid !== "string") continue;
      const { kid, ...material } = jwk;
      try {
        keys.set(kid, await crypto.subtle.importKey("jwk", { kty: "RSA", n: material.n, e: material.e }, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]));
      } catch {
        // A key we cannot import cannot have signed a token we accept.
      }
    }
    return { keys, fetchedAt: nowMs };
  } catch {
    return null;
  }
}

async function keyFor(env: Env, cfg: AccessConfig, kid: string, nowMs: number): Promise<CryptoKey | null | "unavailable"> {
  const url = `${cfg.teamDomain}/cdn-cgi/access/certs`;
  let set = keySets.get(url);
  const stale = !set || nowMs - set.fetchedAt > KEYS_TTL_MS;
  const rotated = set !== undefined && !set.keys.has(kid) && nowMs - set.fetchedAt > REFETCH_MIN_MS;
  if (stale || rotated) {
    const fresh = await fetchKeys(env, url, nowMs);
    if (fresh) keySets.set(url, (set = fresh));
    else if (!set || nowMs - set.fetchedAt > KEYS_MAX_STALE_MS) return "unavailable";
  }
  return set!.keys.get(kid) ?? null;
}

// ---- JWT ---------------------------------------------------------------------------

const b64urlBytes = (s: string): Uint8Array => {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(s.length / 4) * 4, "=");
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
};
const b64urlJson = (s: string): unknown => JSON.parse(new TextDecoder().decode(b64urlBytes(s)));

/** Clock skew tolerated on `nbf` and `exp` (Access and Workers both run on synchronised clocks). */
const LEEWAY_S = 30;

export async function verifyAccessJwt(env: Env, cfg: AccessConfig, token: string, now: Date): Promise<AccessResult> {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return { ok: false, reason: "malformed" };
  let header: { alg?: unknown; kid?: unknown };
  let payload: { iss?: unknown; aud?: unknown; exp?: unknown; nbf?: unknown; email?: unknown };
  let signature: Uint8Array;
  try {
    header = b64urlJson(parts[0]) as typeof header;
    payload = b64urlJson(parts[1]) as typeof payload;
    signature = b64urlBytes(parts[2]);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  // Only RS256: an `alg: none` or HS256 token must never reach verification with an RSA key.
  if (header.alg !== "RS256" || typeof header.kid !== "string") return { ok: false, reason: "malformed" };
  const nowMs = now.getTime();
  const key = await keyFor(env, cfg, header.kid, nowMs);
  if (key === "unavailable") return { ok: false, reason: "keys_unavailable" };
  if (!key) return { ok: false, reason: "unknown_key" };
  const signed = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
  if (!(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, signed))) return { ok: false, reason: "bad_signature" };

  if (payload.iss !== cfg.teamDomain) return { ok: false, reason: "wrong_issuer" };
  const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!auds.includes(cfg.aud)) return { ok: false, reason: "wrong_audience" };
  const nowS = nowMs / 1000;
  if (typeof payload.exp !== "number" || payload.exp + LEEWAY_S <= nowS) return { ok: false, reason: "expired" };
  if (typeof payload.nbf === "number" && payload.nbf - LEEWAY_S > nowS) return { ok: false, reason: "not_yet_valid" };
  // Service tokens carry no email: they are not people and cannot use the console.
  if (typeof payload.email !== "string" || !payload.email.includes("@")) return { ok: false, reason: "no_email" };
  return { ok: true, email: payload.email.toLowerCase(), exp: payload.exp };
}
