// Rate limits (contract §10, issue 5): per API key, per calendar minute,
// counted exactly by the key's RateLimiter Durable Object. Time is the
// object's clock, replaced here through runInDurableObject (no sleeping).
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RateLimiter } from "../src/ratelimit/limiter-object";
import { admin, call, createTenant, expectError } from "./helpers/api";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0); // a minute boundary
const RESET_0 = String((T0 + MINUTE) / 1000);

async function newKey(opts: { limit?: number; scopes?: string[]; tenantId?: string } = {}) {
  const tenantId = opts.tenantId ?? (await createTenant()).id;
  const res = await admin("POST", `/tenants/${tenantId}/api-keys`, {
    name: "rl",
    environment: "test",
    ...(opts.scopes ? { scopes: opts.scopes } : {}),
    ...(opts.limit ? { rate_limit_per_minute: opts.limit } : {}),
  });
  expect(res.status).toBe(201);
  const body = await res.json<{ id: string; key: string; rate_limit_per_minute: number | null }>();
  expect(body.rate_limit_per_minute).toBe(opts.limit ?? null);
  return { tenantId, keyId: body.id, key: body.key };
}

/** Sets the clock of the key's limiter object. */
async function setClock(keyId: string, ms: number) {
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(keyId));
  await runInDurableObject(stub, (instance: RateLimiter) => {
    instance.clock = () => ms;
  });
}

const list = (key: string) => call("GET", "/api/v1/bureau/runs", { key });

const rl = (res: Response) => ({
  limit: res.headers.get("x-ratelimit-limit"),
  remaining: res.headers.get("x-ratelimit-remaining"),
  reset: res.headers.get("x-ratelimit-reset"),
});

describe("rate limit", () => {
  it("the limit-th request passes and the next one is 429 with Retry-After", async () => {
    const { key, keyId } = await newKey({ limit: 3 });
    await setClock(keyId, T0 + 10_000);
    for (const remaining of ["2", "1", "0"]) {
      const res = await list(key);
      expect(res.status).toBe(200);
      expect(rl(res)).toEqual({ limit: "3", remaining, reset: RESET_0 });
    }
    const refused = await list(key);
    expect(refused.headers.get("retry-after")).toBe("50");
    expect(rl(refused)).toEqual({ limit: "3", remaining: "0", reset: RESET_0 });
    expect(refused.headers.get("x-kycert-api-version")).toBe("2026-11-01");
    const e = await expectError(refused, { status: 429, code: "rate_limit_exceeded", type: "rate_limit_error", param: null });
    expect(e.message).toContain("3 requisições por minuto");
  });

  it("resets when the minute ends (and not a millisecond before)", async () => {
    const { key, keyId } = await newKey({ limit: 2 });
    await setClock(keyId, T0 + 30_000);
    expect((await list(key)).status).toBe(200);
    expect((await list(key)).status).toBe(200);
    await setClock(keyId, T0 + MINUTE - 1);
    const last = await list(key);
    expect(last.status).toBe(429);
    expect(last.headers.get("retry-after")).toBe("1");
    await setClock(keyId, T0 + MINUTE);
    const fresh = await list(key);
    expect(fresh.status).toBe(200);
    expect(rl(fresh)).toEqual({ limit: "2", remaining: "1", reset: String((T0 + 2 * MINUTE) / 1000) });
  });

  it("every /api/v1 response of the key carries the headers, errors included, and each counts", async () => {
    const { key, keyId, tenantId } = await newKey({ limit: 50 });
    const readOnly = await newKey({ tenantId, limit: 50, scopes: ["runs:read"] });
    await setClock(keyId, T0);
    await setClock(readOnly.keyId, T0);
    const cases: [Response, number, string | null][] = [
      [await list(key), 200, null],
      [await call("GET", "/api/v1/bureau/runs/run_does_not_exist", { key }), 404, "run_not_found"],
      [await call("GET", "/api/v1/bureau/runs?limit=0", { key }), 400, "invalid_limit"],
      [await call("GET", "/api/v1/bureau/nothing-here", { key }), 404, "route_not_found"],
      [await call("POST", "/api/v1/bureau/runs", { key, rawBody: "{oops", headers: { "content-type": "application/json" } }), 400, "invalid_json"],
      [await call("POST", "/api/v1/bureau/runs", { key, body: { parametros: {} } }), 400, "missing_template_id"],
    ];
    cases.forEach(([res, status, code], i) => {
      expect(res.status, code ?? "ok").toBe(status);
      expect(rl(res), code ?? "ok").toEqual({ limit: "50", remaining: String(49 - i), reset: String((T0 + MINUTE) / 1000) });
    });
    for (const [res, , code] of cases) if (code) expect((await res.json<any>()).error.code).toBe(code);

    const forbidden = await call("POST", "/api/v1/bureau/runs", { key: readOnly.key, body: {} });
    await expect(forbidden.clone().json()).resolves.toMatchObject({ error: { code: "insufficient_scope" } });
    expect(rl(forbidden)).toEqual({ limit: "50", remaining: "49", reset: String((T0 + MINUTE) / 1000) });
  });

  it("a 202 run response keeps its own Retry-After next to the rate-limit headers", async () => {
    const { key, keyId } = await newKey({ limit: 50 });
    // A fixed clock: on the real one a minute boundary between the POST and the GET resets the count.
    await setClock(keyId, T0 + 10_000);
    const res = await call("POST", "/api/v1/bureau/runs", { key, body: { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" } } });
    expect(res.status).toBe(202);
    expect(res.headers.get("x-ratelimit-limit")).toBe("50");
    const run = await res.json<{ run_id: string }>();
    const pending = await call("GET", `/api/v1/bureau/runs/${run.run_id}`, { key });
    if (pending.status === 202) expect(Number(pending.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(pending.headers.get("x-ratelimit-remaining")).toBe("48");
  });

  it("the count is kept in the object's storage (it survives eviction), one row per key", async () => {
    const { key, keyId } = await newKey({ limit: 5 });
    await setClock(keyId, T0 + 1_000);
    await list(key);
    await list(key);
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(keyId));
    const stored = await runInDurableObject(stub, (_i: RateLimiter, state) => [...state.storage.kv.list()]);
    expect(stored).toEqual([["window", { start: T0, count: 2 }]]);
  });

  it("keys are counted independently, also within one tenant", async () => {
    const a = await newKey({ limit: 2 });
    const b = await newKey({ limit: 2, tenantId: a.tenantId });
    await setClock(a.keyId, T0);
    await setClock(b.keyId, T0);
    await list(a.key);
    await list(a.key);
    expect((await list(a.key)).status).toBe(429);
    const other = await list(b.key);
    expect(other.status).toBe(200);
    expect(rl(other).remaining).toBe("1");
  });

  it("a key without a limit of its own gets the configured default (RATE_LIMIT_PER_MINUTE)", async () => {
    const plain = await newKey();
    const own = await newKey({ limit: 7, tenantId: plain.tenantId });
    expect(rl(await list(plain.key)).limit).toBe(env.RATE_LIMIT_PER_MINUTE);
    expect(env.RATE_LIMIT_PER_MINUTE).toBe("600");
    expect(rl(await list(own.key)).limit).toBe("7");
  });

  it("is exact under concurrency: N parallel requests over a limit of L admit exactly L", async () => {
    const { key, keyId } = await newKey({ limit: 10 });
    await setClock(keyId, T0);
    const responses = await Promise.all(Array.from({ length: 16 }, () => list(key)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
    const remaining = responses.filter((r) => r.status === 200).map((r) => Number(rl(r).remaining));
    expect(remaining.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("requests without a valid key are not counted and carry no rate-limit headers", async () => {
    const res = await call("GET", "/api/v1/bureau/runs", { key: "sk_test_" + "x".repeat(40) });
    await expectError(res.clone(), { status: 401, code: "invalid_api_key" });
    expect(rl(res)).toEqual({ limit: null, remaining: null, reset: null });
  });

  it("the admin plane is not rate limited", async () => {
    const res = await admin("GET", "/templates");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-limit")).toBeNull();
  });
});
