// Per-API-key rate limit (contract §10). Runs after apiKeyAuth on /api/v1/*:
// one RPC to the key's RateLimiter Durable Object per request, whatever the
// outcome of the handler (a request counts when it is authenticated).
// The limiter also holds the key's revoked flag (src/ratelimit/limiter-object.ts):
// keys come from a per-location cache, and this call is their revocation check.
import { createMiddleware } from "hono/factory";
import { keyRevokedOnPrimary } from "../../cache/api-keys";
import { runtimeConfig, type AppEnv } from "../../env";
import type { LimiterAnswer } from "../../ratelimit/limiter-object";
import type { RateLimitDecision } from "../../ratelimit/window";
import { ApiError } from "../errors";

export const rateLimitHeaders = (d: RateLimitDecision): Record<string, string> => ({
  "X-RateLimit-Limit": String(d.limit),
  "X-RateLimit-Remaining": String(d.remaining),
  "X-RateLimit-Reset": String(d.resetAt),
});

export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const auth = c.get("auth");
  const limit = auth.rateLimitPerMinute ?? runtimeConfig(c.env).rateLimitPerMinute;
  const ns = c.env.RATE_LIMITER;
  let answer: LimiterAnswer;
  try {
    answer = await ns.get(ns.idFromName(auth.keyId)).hit(limit);
  } catch (err) {
    // Fail open on the count: the limiter protects capacity, so an unreachable
    // limiter must not take the API down with it. The request goes on without
    // rate-limit headers, and the log says why. Not on revocation: the key came
    // from the location cache or from a replica, either of which may not know
    // it was revoked, so the primary is asked.
    console.error(
      JSON.stringify({ level: "error", request_id: c.get("requestId"), error: "rate_limiter_unavailable", message: String(err).slice(0, 200) }),
    );
    const keyHash = c.get("keyHash");
    if (keyHash && (await keyRevokedOnPrimary(c.env, keyHash))) throw new ApiError("invalid_api_key");
    return next();
  }
  if (answer.revoked) throw new ApiError("invalid_api_key");
  const decision: RateLimitDecision = answer;
  const headers = rateLimitHeaders(decision);
  if (!decision.allowed) {
    throw new ApiError(
      "rate_limit_exceeded",
      `Limite de ${limit} requisições por minuto excedido para esta chave. Tente novamente em ${decision.retryAfter} s.`,
      undefined,
      undefined,
      { ...headers, "Retry-After": String(decision.retryAfter) },
    );
  }
  // Set before the handler, so an error rendered by onError (including a 404
  // for an unknown route, which unwinds past this middleware) carries them…
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
  await next();
  // …and again after it, for a handler that returned a Response built without the context.
  if (c.res.headers.get("X-RateLimit-Limit") === null) for (const [k, v] of Object.entries(headers)) c.header(k, v);
});
