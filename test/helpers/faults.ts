// Fault injection for the run services: the real bindings, with one of them
// made to fail, and the auth context a request with a given key would carry.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { AuthContext } from "../../src/lib/api-keys";
import { admin, createTenant } from "./api";

/** A tenant with one key (every run scope), and the AuthContext that key authenticates as. */
export async function tenantWithAuth(credits = 1000, environment: "test" | "live" = "test") {
  const tenant = await createTenant(credits);
  const res = await admin("POST", `/tenants/${tenant.id}/api-keys`, {
    name: "k",
    environment,
    scopes: ["runs:write", "runs:read", "detail:read", "reports:write"],
  });
  expect(res.status).toBe(201);
  const created = (await res.json()) as { id: string; key: string };
  const auth: AuthContext = {
    tenantId: tenant.id,
    tenantName: tenant.name,
    tenantStatus: "active",
    keyId: created.id,
    livemode: environment === "live",
    scopes: ["runs:write", "runs:read", "detail:read", "reports:write"],
    rateLimitPerMinute: null,
  };
  return { tenant, key: created.key, keyId: created.id, auth };
}

export interface Faults {
  /** The run object's `start` throws (the object never receives the run). */
  start?: boolean;
  /** The idempotency cache's `put` throws. */
  kvPut?: boolean;
  /** Every D1 batch throws (single statements still work). */
  d1Batch?: boolean;
}

/** `env` with the chosen bindings failing; everything else is the real binding. */
export function faultyEnv(faults: Faults): Env {
  const base = env as Env;
  const RUN = faults.start
    ? ({
        idFromName: (name: string) => base.RUN.idFromName(name),
        get: (id: DurableObjectId) => {
          const real = base.RUN.get(id);
          return {
            start: async () => {
              throw new Error("injected: run object start failed");
            },
            redrive: () => real.redrive(),
            abandon: () => real.abandon(),
            currentStatus: () => real.currentStatus(),
          };
        },
      } as unknown as Env["RUN"])
    : base.RUN;
  const IDEMPOTENCY = faults.kvPut
    ? ({
        get: (...args: Parameters<KVNamespace["get"]>) => (base.IDEMPOTENCY.get as (...a: unknown[]) => unknown)(...args),
        put: async () => {
          throw new Error("injected: KV put failed");
        },
      } as unknown as KVNamespace)
    : base.IDEMPOTENCY;
  const DB = faults.d1Batch
    ? ({
        prepare: (query: string) => base.DB.prepare(query),
        batch: async () => {
          throw new Error("injected: D1 batch failed");
        },
      } as unknown as D1Database)
    : base.DB;
  const wrapped = { ...base, RUN, IDEMPOTENCY, DB };
  expect(wrapped.SERVER_SECRET).toBe(base.SERVER_SECRET);
  return wrapped;
}
