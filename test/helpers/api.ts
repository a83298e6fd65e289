// HTTP helpers for integration tests: every call goes through the Worker's
// real fetch handler (exports.default.fetch), like a client would.
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
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
  // redirect: "manual" so tests see the 302 of report downloads, as a client would.
  return exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body, redirect: "manual" }));
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

// ---- assertions and run control shared by the HTTP contract suites ----------

export interface ErrorEnvelope {
  type: string;
  code: string;
  message: string;
  param?: string;
  invalid_params?: { name: string; reason: string }[];
  request_id: string;
}

/** The `type` each HTTP status carries in this API (contract §2), unless a test says otherwise. */
const TYPE_BY_STATUS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "invalid_request_error",
  422: "idempotency_error",
  429: "rate_limit_error",
  500: "api_error",
};

/**
 * Asserts the error envelope of contract §2 — `{error: {type, code, message,
 * param?, request_id}}` and nothing else at the top level, `X-Request-Id` equal
 * to `error.request_id` — and returns `error`. `param: null` asserts there is none.
 */
export async function expectError(
  res: Response,
  want: { status: number; code: string; type?: string; param?: string | null },
): Promise<ErrorEnvelope> {
  const text = await res.text();
  expect(res.status, text).toBe(want.status);
  expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error: ErrorEnvelope };
  expect(Object.keys(body)).toEqual(["error"]);
  const e = body.error;
  expect(e.code, text).toBe(want.code);
  expect(e.type, text).toBe(want.type ?? TYPE_BY_STATUS[want.status]);
  expect(typeof e.message).toBe("string");
  expect(e.message.length).toBeGreaterThan(0);
  expect(e.request_id).toMatch(/^req_[0-9A-Z]{26}$/);
  expect(res.headers.get("x-request-id")).toBe(e.request_id);
  for (const k of Object.keys(e)) expect(["type", "code", "message", "param", "invalid_params", "request_id"]).toContain(k);
  if (want.param === null) expect(e).not.toHaveProperty("param");
  else if (want.param !== undefined) expect(e.param, text).toBe(want.param);
  return e;
}

/**
 * Keeps a freshly created run `queued`: pushes its alarm an hour out, so it
 * only advances when a test drives it (runToEnd → runDurableObjectAlarm runs a
 * scheduled alarm at once, whatever its time). Call it right after creation:
 * workerd fires the start alarm on its own a few ms later.
 */
export async function holdRun(runId: string): Promise<void> {
  const stub = env.RUN.get(env.RUN.idFromName(runId));
  await runInDurableObject(stub, async (_instance, state) => {
    await state.storage.setAlarm(Date.now() + 3_600_000);
  });
  expect(await stub.currentStatus()).toBe("queued");
}

/** POST /runs (expects 202), then holds the run in `queued`. Returns the 202 body. */
export async function createHeldRun(key: string, body: unknown): Promise<Record<string, any>> {
  const res = await createRun(key, body);
  const text = await res.text();
  expect(res.status, text).toBe(202);
  const created = JSON.parse(text) as Record<string, any>;
  await holdRun(created.run_id);
  return created;
}

/** A tenant with `credits` and one key per environment (every scope). */
export async function tenantWithKeys(credits = 1000) {
  const tenant = await createTenant(credits);
  return { tenant, test: await createKey(tenant.id, "test"), live: await createKey(tenant.id, "live") };
}

/** A PF body for the standard template. */
export const pfBody = (cpf = "529.982.247-25", extra: Record<string, unknown> = {}) => ({
  template_id: "tpl_pf_padrao",
  parametros: { cpf },
  ...extra,
});
