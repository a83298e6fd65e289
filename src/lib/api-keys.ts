import { keyedHash } from "./crypto";
import { randomToken } from "./ids";

export type Environment = "live" | "test";

// cases:read / cases:write: review cases (contract §15); granted on request, not by default.
// cases:approve: approve or return a pending proposal (four eyes); cases:write does not imply it.
// screening:read: POST /api/v1/screening/search (contract §14); granted on request, not by default.
// webhooks:write: the tenant's own webhook endpoints (contract §19); granted on request, not by default.
// registry:read: GET /api/v1/companies/{cnpj} (contract §18); granted on request, not by default.
// monitoring:read / monitoring:write: ongoing monitoring (contract §17); granted on request, not by default.
export const SCOPES = ["runs:write", "runs:read", "detail:read", "reports:write", "screening:read", "cases:read", "cases:write", "cases:approve", "webhooks:write", "registry:read", "monitoring:read", "monitoring:write"] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * What an authenticated API key grants a request: its tenant, environment and
 * scopes. Built by the HTTP layer (src/http/middleware/auth.ts) or the console;
 * services take it as their caller.
 */
export interface AuthContext {
  tenantId: string;
  tenantName: string;
  tenantStatus: "active" | "suspended";
  keyId: string;
  livemode: boolean;
  scopes: Scope[];
  rateLimitPerMinute: number | null;
}

/** Integration keys get these unless the admin asks otherwise (reports:write is dashboard-only). */
export const DEFAULT_SCOPES: Scope[] = ["runs:write", "runs:read", "detail:read"];

/** `sk_test_` / `sk_live_` + 40 chars of [A-Za-z0-9] (~238 bits). */
export function generateApiKey(environment: Environment): string {
  return `sk_${environment}_${randomToken(40)}`;
}

export const hashApiKey = (serverSecret: string, key: string) => keyedHash(serverSecret, "api-key", key);

export const API_KEY_PATTERN = /^sk_(live|test)_[A-Za-z0-9]{20,100}$/;
