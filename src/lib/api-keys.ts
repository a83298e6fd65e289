import { keyedHash } from "./crypto";
import { randomToken } from "./ids";

export type Environment = "live" | "test";

// cases:read / cases:write: review cases (contract §15); granted on request, not by default.
// screening:read: POST /api/v1/screening/search (contract §14); granted on request, not by default.
// registry:read: GET /api/v1/companies/{cnpj} (contract §18); granted on request, not by default.
export const SCOPES = ["runs:write", "runs:read", "detail:read", "reports:write", "screening:read", "cases:read", "cases:write", "registry:read"] as const;
export type Scope = (typeof SCOPES)[number];

/** Integration keys get these unless the admin asks otherwise (reports:write is dashboard-only). */
export const DEFAULT_SCOPES: Scope[] = ["runs:write", "runs:read", "detail:read"];

/** `sk_test_` / `sk_live_` + 40 chars of [A-Za-z0-9] (~238 bits). */
export function generateApiKey(environment: Environment): string {
  return `sk_${environment}_${randomToken(40)}`;
}

export const hashApiKey = (serverSecret: string, key: string) => keyedHash(serverSecret, "api-key", key);

export const API_KEY_PATTERN = /^sk_(live|test)_[A-Za-z0-9]{20,100}$/;
