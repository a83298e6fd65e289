// Idempotency (contract §3): 24 h, tenant + environment scope, keyed-hash
// storage, replays trigger nothing, and one run under concurrency.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, call, createKey, createRun, createTenant, runToEnd, sandboxTenant } from "./helpers/api";

const body = { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" }, external_id: "idem-1" };

const runCount = async (tenantId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM runs WHERE tenant_id = ?").bind(tenantId).first<{ n: number }>())!.n;

describe("Idempotency-Key", () => {
  it("a replay returns the same run with its current status and triggers nothing", async () => {
    const { tenant, key } = await sandboxTenant();
    const first = await createRun(key, body, { "Idempotency-Key": "order-1" });
    expect(first.status).toBe(202);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const created = await first.json<any>();
    await runToEnd(key, created.run_id);
    const log = await env.RUN.get(env.RUN.idFromName(created.run_id)).callLog();

    const replay = await createRun(key, body, { "Idempotency-Key": "order-1" });
    expect(replay.status).toBe(202);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    const replayed = await replay.json<any>();
    expect(replayed).toEqual({ ...created, status: "completed" });
    expect(await runCount(tenant.id)).toBe(1);
    expect(await env.RUN.get(env.RUN.idFromName(created.run_id)).callLog()).toEqual(log);
  });

  it("the same key with a different body → 422 idempotency_key_reused", async () => {
    const { key } = await sandboxTenant();
    expect((await createRun(key, body, { "Idempotency-Key": "k-2" })).status).toBe(202);
    const res = await createRun(key, { ...body, external_id: "other" }, { "Idempotency-Key": "k-2" });
    expect(res.status).toBe(422);
    expect((await res.json<any>()).error).toMatchObject({ type: "idempotency_error", code: "idempotency_key_reused" });
  });

  it("the body comparison ignores key order", async () => {
    const { key } = await sandboxTenant();
    const a = await (await createRun(key, body, { "Idempotency-Key": "k-order" })).json<any>();
    const reordered = { external_id: body.external_id, parametros: body.parametros, template_id: body.template_id };
    const b = await createRun(key, reordered, { "Idempotency-Key": "k-order" });
    expect(b.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await b.json<any>()).run_id).toBe(a.run_id);
  });

  it("is scoped to tenant and environment", async () => {
    const t1 = await createTenant();
    const t2 = await createTenant();
    const [k1test, k1live, k2test] = [await createKey(t1.id, "test"), await createKey(t1.id, "live"), await createKey(t2.id, "test")];
    const ids = new Set<string>();
    for (const k of [k1test, k1live, k2test]) {
      const res = await createRun(k, body, { "Idempotency-Key": "shared-key" });
      expect(res.status).toBe(202);
      expect(res.headers.get("Idempotent-Replayed")).toBeNull();
      ids.add((await res.json<any>()).run_id);
    }
    expect(ids.size).toBe(3);
  });

  it("N concurrent requests with one key create exactly one run and one execution", async () => {
    const { tenant, key } = await sandboxTenant();
    const N = 12;
    const responses = await Promise.all(Array.from({ length: N }, () => createRun(key, body, { "Idempotency-Key": "burst" })));
    expect(responses.map((r) => r.status)).toEqual(Array(N).fill(202));
    const ids = new Set(await Promise.all(responses.map(async (r) => (await r.json<any>()).run_id)));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.headers.get("Idempotent-Replayed") === "true")).toHaveLength(N - 1);
    expect(await runCount(tenant.id)).toBe(1);
    const [runId] = [...ids];
    await runToEnd(key, runId);
    const log = await env.RUN.get(env.RUN.idFromName(runId)).callLog();
    expect(log).toHaveLength(16); // one execution: each of the 16 sources called once
  });

  it("concurrent live requests with one key reserve credits once", async () => {
    const tenant = await createTenant(100);
    const key = await createKey(tenant.id, "live");
    const responses = await Promise.all(Array.from({ length: 6 }, () => createRun(key, body, { "Idempotency-Key": "live-burst" })));
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(202));
    const t = await (await admin("GET", `/tenants/${tenant.id}`)).json<any>();
    expect(t.credits).toBe(100 - 16);
  });

  it("stores only a keyed hash of the key, in D1 and KV", async () => {
    const { tenant, key } = await sandboxTenant();
    const secretKey = "my-very-recognisable-idempotency-key";
    await createRun(key, body, { "Idempotency-Key": secretKey });
    const rows = await env.DB.prepare("SELECT * FROM idempotency_keys WHERE tenant_id = ?").bind(tenant.id).all();
    expect(rows.results).toHaveLength(1);
    expect(JSON.stringify(rows.results)).not.toContain(secretKey);
    const kv = await env.IDEMPOTENCY.list();
    expect(kv.keys.length).toBeGreaterThan(0);
    for (const k of kv.keys) {
      expect(k.name).not.toContain(secretKey);
      expect(await env.IDEMPOTENCY.get(k.name)).not.toContain(secretKey);
    }
  });

  it("after 24 h the key starts a new run", async () => {
    const { tenant, key } = await sandboxTenant();
    const first = await (await createRun(key, body, { "Idempotency-Key": "day-old" })).json<any>();
    // Age the claim past its 24 h window (D1 and the KV cache).
    const past = new Date(Date.now() - 1000).toISOString();
    await env.DB.prepare("UPDATE idempotency_keys SET expires_at = ? WHERE run_id = ?").bind(past, first.run_id).run();
    for (const k of (await env.IDEMPOTENCY.list()).keys) {
      const v = await env.IDEMPOTENCY.get<any>(k.name, "json");
      if (v?.run_id === first.run_id) await env.IDEMPOTENCY.put(k.name, JSON.stringify({ ...v, expires_at: past }));
    }
    const second = await createRun(key, { ...body, external_id: "changed is fine now" }, { "Idempotency-Key": "day-old" });
    expect(second.status).toBe(202);
    expect((await second.json<any>()).run_id).not.toBe(first.run_id);
    expect(await runCount(tenant.id)).toBe(2);
  });

  it("rejects a malformed key", async () => {
    const { key } = await sandboxTenant();
    for (const bad of ["a".repeat(256), "tab\there", "line\u007fdel"]) {
      const res = await call("POST", "/api/v1/bureau/runs", { key, body, headers: { "Idempotency-Key": bad } });
      expect(res.status).toBe(400);
      expect((await res.json<any>()).error.code).toBe("invalid_idempotency_key");
    }
  });
});
