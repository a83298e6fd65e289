import { createMiddleware } from "hono/factory";
import { lookupApiKey } from "../../cache/api-keys";
import { createDb } from "../../db/client";
import type { AppEnv } from "../../env";
import { API_KEY_PATTERN, hashApiKey, type AuthContext, type Scope } from "../../lib/api-keys";
import { timingSafeEqual } from "../../lib/crypto";
import { ApiError } from "../errors";

export type { AuthContext };

function presentedKey(headers: Headers): string | null {
  const xApiKey = headers.get("x-api-key")?.trim() || null;
  const authz = headers.get("authorization");
  const bearer = authz && /^bearer\s+/i.test(authz) ? authz.replace(/^bearer\s+/i, "").trim() || null : null;
  if (authz && !bearer) throw new ApiError("invalid_api_key", "Cabeçalho Authorization deve ser 'Bearer <chave>'.");
  if (xApiKey && bearer && !timingSafeEqual(xApiKey, bearer)) {
    throw new ApiError("invalid_api_key", "X-API-Key e Authorization trazem chaves diferentes.");
  }
  return xApiKey ?? bearer;
}

/**
 * Authenticates the API key (either header form) and puts the tenant, environment and scopes on the context.
 * `cache`: serve known keys from the location cache (src/cache/api-keys.ts); the key's
 * rate limiter then makes the revocation check (src/http/middleware/rate-limit.ts), so
 * an app without the limiter (a bench option) reads every key from D1.
 */
export const keyAuth = (opts: { cache: boolean }) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const key = presentedKey(c.req.raw.headers);
    if (!key) throw new ApiError("missing_api_key");
    if (!API_KEY_PATTERN.test(key)) throw new ApiError("invalid_api_key");
    const hash = await hashApiKey(c.env.SERVER_SECRET, key);
    const found = await lookupApiKey(c.env, createDb(c.get("d1") ?? c.env.DB), hash, opts);
    // Looked up by a keyed hash, so the comparison below is belt and braces.
    if (!found || found.revoked || !timingSafeEqual(found.key.keyHash, hash)) throw new ApiError("invalid_api_key");
    const k = found.key;
    c.set("auth", {
      tenantId: k.tenantId,
      tenantName: k.tenantName,
      tenantStatus: k.tenantStatus,
      keyId: k.keyId,
      livemode: k.livemode,
      scopes: k.scopes,
      rateLimitPerMinute: k.rateLimitPerMinute,
    });
    c.set("keyHash", hash);
    await next();
  });

export const apiKeyAuth = keyAuth({ cache: true });

export const requireScope = (scope: Scope) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!c.get("auth").scopes.includes(scope)) {
      throw new ApiError("insufficient_scope", `A chave de API não tem o escopo necessário: ${scope}.`);
    }
    await next();
  });

/** Admin plane: Authorization: Bearer <ADMIN_TOKEN>, compared in constant time. */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const authz = c.req.header("authorization") ?? "";
  const token = /^bearer\s+/i.test(authz) ? authz.replace(/^bearer\s+/i, "").trim() : "";
  const expected = c.env.ADMIN_TOKEN;
  if (!token || !expected || !timingSafeEqual(token, expected)) throw new ApiError("invalid_admin_token");
  await next();
});
