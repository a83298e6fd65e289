// HTTP helpers for integration tests: every call goes through the Worker's
// real fetch handler (exports.default.fetch), like a client would.
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { expect } from "vitest";

export const ADMIN_TOKEN = "test-admin-token";
const BASE = "https://api.kycert.test";

export interface CallOptions {
  key?: string;
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
}

export async function call(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.key) headers["X-API-Key"] = opts.key;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  return exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body }));
}

export const admin = (method: string, path: string, body?: unknown) =>
  call(method, `/admin/v1${path}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, body });

let seq = 0;
const unique = () => `${Date.now().toString(36)}${(seq++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export async function createTenant(credits = 1000): Promise<{ id: string; name: string }> {
  const res = await admin("POST", "/tenants", { name: `Tenant ${unique()}`, slug: `t-${unique()}`, credits });
  expect(res.status).toBe(201);
  return res.json();
}

export async function createKey(
  tenantId: string,
  environment: "test" | "live" = "test",
  scopes: string[] = ["runs:write", "runs:read", "detail:read", "reports:write"],
): Promise<string> {
  const res = await admin("POST", `/tenants/${tenantId}/api-keys`, { name: "k", environment, scopes });
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

/** A fresh tenant with a sandbox key holding every scope. */
export async function sandboxTenant() {
  const tenant = await createTenant();
  return { tenant, key: await createKey(tenant.id, "test") };
}

export async function createRun(key: string, body: unknown, headers: Record<string, string> = {}) {
  return call("POST", "/api/v1/bureau/runs", { key, body, headers });
}

/** Drives a run's alarm until it is terminal (no sleeping), then returns GET /runs/{id}. */
export async function runToEnd(key: string, runId: string, maxAlarms = 20): Promise<Record<string, any>> {
  const stub = env.RUN.get(env.RUN.idFromName(runId));
  for (let i = 0; i < maxAlarms; i++) {
    const res = await call("GET", `/api/v1/bureau/runs/${runId}`, { key });
    if (res.status === 200) return res.json();
    expect(res.status).toBe(202);
    await runDurableObjectAlarm(stub);
    // Partner runs of a PJ run finish through their own alarms.
    const children = await env.DB.prepare("SELECT id FROM runs WHERE parent_run_id = ? AND result IS NULL").bind(runId).all<{ id: string }>();
    for (const child of children.results) await runDurableObjectAlarm(env.RUN.get(env.RUN.idFromName(child.id)));
  }
  throw new Error(`run ${runId} did not finish after ${maxAlarms} alarms`);
}

export async function createAndFinish(key: string, body: unknown, maxAlarms?: number) {
  const res = await createRun(key, body);
  expect(res.status).toBe(202);
  const { run_id } = (await res.json()) as { run_id: string };
  return runToEnd(key, run_id, maxAlarms);
}
