// Contract §1: API keys (both header forms, hashed storage, revocation) and the
// scope matrix — every /api/v1 route × a key lacking exactly its scope → 403.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, call, createHeldRun, createKey, createTenant, expectError, pfBody } from "./helpers/api";

const ALL_SCOPES = ["runs:write", "runs:read", "detail:read", "reports:write"] as const;
type Scope = (typeof ALL_SCOPES)[number];
const without = (scope: Scope) => ALL_SCOPES.filter((s) => s !== scope);

let tenantId: string;
let key: string;
let runId: string;

beforeAll(async () => {
  tenantId = (await createTenant()).id;
  key = await createKey(tenantId, "test");
  runId = (await createHeldRun(key, pfBody())).run_id;
});

const LIST = "/api/v1/bureau/runs";

describe("API key headers", () => {
  it("X-API-Key and Authorization: Bearer are equivalent", async () => {
    expect((await call("GET", LIST, { headers: { "X-API-Key": key } })).status).toBe(200);
    expect((await call("GET", LIST, { headers: { Authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await call("GET", LIST, { headers: { Authorization: `bearer ${key}` } })).status).toBe(200);
    // Both, with the same key, is fine.
    expect((await call("GET", LIST, { headers: { "X-API-Key": key, Authorization: `Bearer ${key}` } })).status).toBe(200);
  });

  it("both headers with different keys → 401, even when both keys are valid", async () => {
    const other = await createKey(tenantId, "test");
    const err = await expectError(await call("GET", LIST, { headers: { "X-API-Key": key, Authorization: `Bearer ${other}` } }), {
      status: 401,
      code: "invalid_api_key",
      type: "authentication_error",
    });
    expect(err.message).not.toContain(key);
    expect(err.message).not.toContain(other);
  });

  it("no key → 401 missing_api_key", async () => {
    await expectError(await call("GET", LIST), { status: 401, code: "missing_api_key", type: "authentication_error" });
    await expectError(await call("GET", LIST, { headers: { "X-API-Key": "" } }), { status: 401, code: "missing_api_key" });
    await expectError(await call("POST", LIST, { body: pfBody() }), { status: 401, code: "missing_api_key" });
  });

  it("garbage or unknown key → 401 invalid_api_key, never echoing the key", async () => {
    const unknownTest = `sk_test_${"A".repeat(40)}`;
    const unknownLive = `sk_live_${"b9".repeat(20)}`;
    for (const bad of ["abc", "sk_test_", "sk_test_short", unknownTest, unknownLive, `${key}x`, key.slice(0, -1), key.toUpperCase()]) {
      const err = await expectError(await call("GET", LIST, { key: bad }), { status: 401, code: "invalid_api_key" });
      expect(err.message).not.toContain(bad);
    }
    await expectError(await call("GET", LIST, { headers: { Authorization: `Basic ${btoa(`${key}:`)}` } }), { status: 401, code: "invalid_api_key" });
    await expectError(await call("GET", LIST, { headers: { Authorization: key } }), { status: 401, code: "invalid_api_key" });
  });

  it("a revoked key stops working at once; the tenant's other keys keep working", async () => {
    const res = await admin("POST", `/tenants/${tenantId}/api-keys`, { name: "a revogar", environment: "test", scopes: ["runs:read"] });
    const created = (await res.json()) as { id: string; key: string };
    const other = await createKey(tenantId, "test", ["runs:read"]);
    expect((await call("GET", LIST, { key: created.key })).status).toBe(200);

    const revoked = await admin("DELETE", `/api-keys/${created.id}`);
    expect(revoked.status).toBe(200);
    await expectError(await call("GET", LIST, { key: created.key }), { status: 401, code: "invalid_api_key" });
    await expectError(await call("GET", LIST, { headers: { Authorization: `Bearer ${created.key}` } }), { status: 401, code: "invalid_api_key" });
    await expectError(await call("GET", `${LIST}/${runId}`, { key: created.key }), { status: 401, code: "invalid_api_key" });
    expect((await call("GET", LIST, { key: other })).status).toBe(200);
  });

  it("the key is stored hashed: no column of api_keys holds it (nor its random part)", async () => {
    const res = await admin("POST", `/tenants/${tenantId}/api-keys`, { name: "hash", environment: "live", scopes: ["runs:read"] });
    const { id, key: secret } = (await res.json()) as { id: string; key: string };
    const random = secret.replace(/^sk_(live|test)_/, "");
    const rows = await env.DB.prepare("SELECT * FROM api_keys").all<Record<string, unknown>>();
    expect(rows.results.length).toBeGreaterThan(1);
    for (const row of rows.results) {
      for (const value of Object.values(row)) {
        const s = String(value);
        expect(s).not.toContain(secret);
        expect(s).not.toContain(random);
        // Nor a long stretch of it (a prefix for recognition is fine, the secret part is not).
        expect(s).not.toContain(random.slice(0, 16));
      }
    }
    const mine = rows.results.find((r) => r.id === id)!;
    expect(mine.key_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("scope matrix: each /api/v1 route × a key lacking exactly its scope → 403", () => {
  const ROUTES: { label: string; method: string; path: () => string; scope: Scope; body?: unknown }[] = [
    { label: "POST /runs", method: "POST", path: () => LIST, scope: "runs:write", body: pfBody() },
    { label: "GET /runs", method: "GET", path: () => LIST, scope: "runs:read" },
    { label: "GET /runs/{id}", method: "GET", path: () => `${LIST}/${runId}`, scope: "runs:read" },
    { label: "POST /runs/{id}/cancel", method: "POST", path: () => `${LIST}/${runId}/cancel`, scope: "runs:write" },
    { label: "GET /runs/{id}/analysis", method: "GET", path: () => `${LIST}/${runId}/analysis`, scope: "runs:read" },
    { label: "GET /runs/{id}/detail", method: "GET", path: () => `${LIST}/${runId}/detail`, scope: "detail:read" },
  ];

  it.each(ROUTES.map((r) => [`${r.label} needs ${r.scope}`, r] as const))(
    "%s",
    async (_name, route) => {
      const lacking = await createKey(tenantId, "test", without(route.scope));
      const err = await expectError(await call(route.method, route.path(), { key: lacking, body: route.body }), {
        status: 403,
        code: "insufficient_scope",
        type: "permission_error",
      });
      expect(err.message).toContain(route.scope);
      // A key with only that scope gets past the scope check (its own status then).
      const only = await createKey(tenantId, "test", [route.scope]);
      const ok = await call(route.method, route.path(), { key: only, body: route.body });
      expect(ok.status, await ok.clone().text()).not.toBe(403);
      expect(ok.status).toBeLessThan(300);
    },
  );

  it("the scope is checked before the run is looked up (an unknown id still gets 403, not 404)", async () => {
    const readOnly = await createKey(tenantId, "test", ["runs:read"]);
    await expectError(await call("GET", `${LIST}/run_00000000000000000000000000/detail`, { key: readOnly }), {
      status: 403,
      code: "insufficient_scope",
    });
  });

  it("an empty scope list cannot be created (every key can do something)", async () => {
    const res = await admin("POST", `/tenants/${tenantId}/api-keys`, { name: "vazia", environment: "test", scopes: [] });
    await expectError(res, { status: 400, code: "invalid_request" });
  });
});
