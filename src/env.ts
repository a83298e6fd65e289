// Hono's environment (bindings from `wrangler types`, per-request variables)
// and the parsing of string vars into typed configuration, in one place.
import type { AuthContext } from "./lib/api-keys";

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    auth: AuthContext;
    /** The API version this request is served with (X-Kycert-Api-Version, see http/versioning.ts). */
    apiVersion: string;
    /**
     * /api/v1: the request's D1 session (reads from a replica, read-your-writes
     * through X-Kycert-Bookmark; see http/middleware/d1-session.ts).
     */
    d1?: D1DatabaseSession;
    /**
     * The authenticated key's hash: when its limiter cannot be asked for the
     * revoked flag, revocation is checked on the primary with it (http/middleware/rate-limit.ts).
     */
    keyHash?: string;
  };
};

export interface RuntimeConfig {
  sandboxLatencyFactor: number;
  maxSourceTimeoutMs: number;
  sourceMaxAttempts: number;
  sourceRetryBaseMs: number;
  runDeadlineMs: number;
  /** How long a company waits for its partner runs; partners not done by then leave it on hold. */
  partnerDeadlineMs: number;
  /** Requests per minute per API key when the key has no limit of its own. */
  rateLimitPerMinute: number;
  /**
   * Local dev only: sandbox runs and test endpoints may deliver webhooks to loopback
   * receivers (LOCAL_WEBHOOK_LOOPBACK = "1", in wrangler.toml's top-level [vars] only).
   */
  webhookLoopback: boolean;
}

const num = (raw: unknown, fallback: number, min = 0): number => {
  const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
  return Number.isFinite(n) && n >= min ? n : fallback;
};

export function runtimeConfig(env: Env): RuntimeConfig {
  return {
    sandboxLatencyFactor: num(env.SANDBOX_LATENCY_FACTOR, 1),
    maxSourceTimeoutMs: num(env.MAX_SOURCE_TIMEOUT_MS, 30_000, 1),
    sourceMaxAttempts: Math.floor(num(env.SOURCE_MAX_ATTEMPTS, 2, 1)),
    sourceRetryBaseMs: num(env.SOURCE_RETRY_BASE_MS, 250),
    runDeadlineMs: num(env.RUN_DEADLINE_MS, 120_000, 1),
    partnerDeadlineMs: num(env.PARTNER_DEADLINE_MS, 600_000, 1),
    rateLimitPerMinute: Math.floor(num(env.RATE_LIMIT_PER_MINUTE, 600, 1)),
    // Production and previews do not declare the var (a test reads each configuration).
    webhookLoopback: (env as { LOCAL_WEBHOOK_LOOPBACK?: unknown }).LOCAL_WEBHOOK_LOOPBACK === "1",
  };
}
