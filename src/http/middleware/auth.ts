import { createMiddleware } from "hono/factory";
import { createDb } from "../../db/client";
import { findApiKeyByHash } from "../../db/queries/tenants";
import type { AppEnv } from "../../env";
import { API_KEY_PATTERN, hashApiKey, type Scope } from "../../lib/api-keys";
import { timingSafeEqual } from "../../lib/crypto";
import { ApiError } from "../errors";

export interface AuthContext {
  tenantId: string;
  tenantName: string;
  tenantStatus: "active" | "suspended";
  keyId: string;
  livemode: boolean;
  scopes: Scope[];
  rateLimitPerMinute: number | null;
}

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

/** Authenticates the API key (either header form) and puts the tenant, environment and scopes on the context. */
export const apiKeyAuth = createMiddleware<AppEnv>(async (c, next) => {
  const key = presentedKey(c.req.raw.headers);
  if (!key) throw new ApiError("missing_api_key");
  if (!API_KEY_PATTERN.test(key)) throw new ApiError("invalid_api_key");
  const hash = await hashApiKey(c.env.SERVER_SECRET, key);
  const found = await findApiKeyByHash(createDb(c.env.DB), hash);
  // Looked up by a keyed hash, so the comparison below is belt and braces.
  if (!found || found.key.revokedAt || !timingSafeEqual(found.key.keyHash, hash)) throw new ApiError("invalid_api_key");
  c.set("auth", {
    tenantId: found.tenant.id,
    tenantName: found.tenant.name,
    tenantStatus: found.tenant.status,
    keyId: found.key.id,
    livemode: found.key.environment === "live",
    scopes: JSON.parse(found.key.scopes) as Scope[],
    rateLimitPerMinute: found.key.rateLimitPerMinute,
  });
  await next();
});

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
