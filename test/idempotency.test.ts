// Idempotency (contract §3): 24 h, tenant + environment scope, keyed-hash
// storage, replays trigger nothing, and one run under concurrency.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { forgetTemplate } from "../src/cache/templates";
import { canonicalJson, keyedHash, sha256Hex } from "../src/lib/crypto";
import { createRun as serviceCreateRun, servicesFor } from "../src/runs/service";
import { admin, call, createKey, createRun, createTenant, runToEnd, sandboxTenant } from "./helpers/api";
import { faultyEnv, tenantWithAuth } from "./helpers/faults";

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

  it("a body carrying a lone surrogate escape (valid JSON) is fingerprinted: created, then replayed", async () => {
    // JSON.parse turns "\ud800" into a lone surrogate; an RFC 8785 canonicaliser
    // refuses it (the reason canonicalJson is kept, src/lib/crypto.ts), which here would be a 500.
    const { key } = await sandboxTenant();
    const odd = { ...body, metadata: { nota: "\ud800" } };
    const first = await createRun(key, odd, { "Idempotency-Key": "k-surrogate" });
    expect(first.status).toBe(202);
    const replay = await createRun(key, odd, { "Idempotency-Key": "k-surrogate" });
    expect(replay.status).toBe(202);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await replay.json<any>()).run_id).toBe((await first.json<any>()).run_id);
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

// ---- one atomic creation (claim + reservation + run row) and runs that must not strand ----

const tenantCredits = async (tenantId: string) => ((await (await admin("GET", `/tenants/${tenantId}`)).json()) as { credits: number }).credits;
const claimsOf = async (tenantId: string) =>
  (await env.DB.prepare("SELECT * FROM idempotency_keys WHERE tenant_id = ?").bind(tenantId).all<Record<string, any>>()).results;
const runRow = async (runId: string) => env.DB.prepare("SELECT * FROM runs WHERE id = ?").bind(runId).first<Record<string, any>>();
const objectStatus = (runId: string) => env.RUN.get(env.RUN.idFromName(runId)).currentStatus();

const PF_SCHEMA = { type: "object", properties: { cpf: { type: "string" }, nome: { type: "string" } }, required: ["cpf"], additionalProperties: false };
const V1_SOURCES = [
  { source: "receita_federal_cpf", phase: "critical", on_hit: "block" },
  { source: "cgu_ceis", phase: "important", on_hit: "review" },
];

/** A published tenant template (version 1) whose later versions the tests change. */
async function tenantTemplate(tenantId: string): Promise<string> {
  const draft = await admin("POST", "/templates", { tenant_id: tenantId, name: "Idem", subject_type: "pf", parametros_schema: PF_SCHEMA, sources: V1_SOURCES });
  expect(draft.status).toBe(201);
  const { id } = (await draft.json()) as { id: string };
  expect((await admin("POST", `/templates/${id}/publish`)).status).toBe(200);
  return id;
}

/** Publishes version 2: other sources, and a schema the v1 body no longer satisfies. */
async function publishIncompatibleV2(tenantId: string, templateId: string) {
  const v2 = await admin("POST", `/templates/${templateId}/versions`, {
    tenant_id: tenantId,
    name: "Idem v2",
    subject_type: "pf",
    parametros_schema: { ...PF_SCHEMA, required: ["cpf", "data_nascimento"], properties: { ...PF_SCHEMA.properties, data_nascimento: { type: "string" } } },
    sources: [{ source: "receita_federal_cpf", phase: "critical", on_hit: "block" }],
  });
  expect(v2.status, await v2.clone().text()).toBe(201);
  expect((await admin("POST", `/templates/${templateId}/publish`)).status).toBe(200);
}

describe("Idempotency-Key: claim, reservation and run are one", () => {
  it("a replay never gets 402: with credits for exactly one run, concurrent POSTs with one key → one run, the others replay", async () => {
    const tenant = await createTenant(16); // tpl_pf_padrao reserves one credit per source: 16
    const key = await createKey(tenant.id, "live");
    const responses = await Promise.all(Array.from({ length: 4 }, () => createRun(key, body, { "Idempotency-Key": "exact-balance" })));
    const texts = await Promise.all(responses.map((r) => r.text()));
    expect(responses.map((r) => r.status), texts.join("\n")).toEqual([202, 202, 202, 202]);
    expect(new Set(texts.map((t) => JSON.parse(t).run_id)).size).toBe(1);
    expect(responses.filter((r) => r.headers.get("Idempotent-Replayed") === "true")).toHaveLength(3);
    expect(await runCount(tenant.id)).toBe(1);
    expect(await tenantCredits(tenant.id)).toBe(0);
  });

  it("a 402 leaves no claim behind: the same key creates the run once the tenant has credits", async () => {
    const tenant = await createTenant(15);
    const key = await createKey(tenant.id, "live");
    const refused = await createRun(key, body, { "Idempotency-Key": "short-balance" });
    expect(refused.status).toBe(402);
    expect((await refused.json<any>()).error.code).toBe("billing_suspended");
    expect(await claimsOf(tenant.id)).toEqual([]);
    expect(await runCount(tenant.id)).toBe(0);
    expect(await tenantCredits(tenant.id)).toBe(15);

    expect((await admin("PATCH", `/tenants/${tenant.id}`, { credits: 16 })).status).toBe(200);
    const retried = await createRun(key, body, { "Idempotency-Key": "short-balance" });
    expect(retried.status).toBe(202);
    expect(retried.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await runCount(tenant.id)).toBe(1);
    expect(await tenantCredits(tenant.id)).toBe(0);
  });

  it("a creation whose D1 batch fails reserves nothing: no credit taken, no run, no claim", async () => {
    const { tenant, auth } = await tenantWithAuth(100, "live");
    const s = servicesFor(faultyEnv({ d1Batch: true }), auth);
    await expect(serviceCreateRun(s, body, "batch-fails")).rejects.toThrow(/injected: D1 batch failed/);
    expect(await tenantCredits(tenant.id)).toBe(100);
    expect(await runCount(tenant.id)).toBe(0);
    expect(await claimsOf(tenant.id)).toEqual([]);
  });
});

describe("Idempotency-Key: the fingerprint is keyed", () => {
  it("stores an HMAC of the body (which holds a CPF), never its plain SHA-256; replays still match", async () => {
    const { tenant, key } = await sandboxTenant();
    const first = await createRun(key, body, { "Idempotency-Key": "fp-keyed" });
    expect(first.status).toBe(202);
    const [claim] = await claimsOf(tenant.id);
    const plain = await sha256Hex(canonicalJson(body));
    expect(claim.fingerprint).not.toBe(plain);
    expect(claim.fingerprint).toBe(await keyedHash(env.SERVER_SECRET, "idempotency-fingerprint", canonicalJson(body)));
    const cached = await env.IDEMPOTENCY.get<{ fingerprint: string }>(`idem:${claim.key_hash}`, "json");
    expect(cached?.fingerprint).toBe(claim.fingerprint);

    const replay = await createRun(key, body, { "Idempotency-Key": "fp-keyed" });
    expect(replay.status).toBe(202);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await replay.json<any>()).run_id).toBe((await first.json<any>()).run_id);
  });
});

describe("Idempotency-Key: a replay is the original run, whatever became of its template", () => {
  it("after a new version with another schema is published", async () => {
    const { tenant, key } = await sandboxTenant();
    const templateId = await tenantTemplate(tenant.id);
    const req = { template_id: templateId, parametros: { cpf: "529.982.247-25" } };
    const first = await (await createRun(key, req, { "Idempotency-Key": "tpl-changed" })).json<any>();
    await publishIncompatibleV2(tenant.id, templateId);
    // A new request with this body is refused by v2's schema…
    expect((await createRun(key, req)).status).toBe(400);
    // …but the replay answers with the original run.
    const replay = await createRun(key, req, { "Idempotency-Key": "tpl-changed" });
    expect(replay.status, await replay.clone().text()).toBe(202);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await replay.json<any>()).toMatchObject({ run_id: first.run_id, template: { id: templateId, version: 1 } });
  });

  it("after its template was unpublished", async () => {
    const { tenant, key } = await sandboxTenant();
    const templateId = await tenantTemplate(tenant.id);
    const req = { template_id: templateId, parametros: { cpf: "529.982.247-25" } };
    const first = await (await createRun(key, req, { "Idempotency-Key": "tpl-gone" })).json<any>();
    await env.DB.prepare("UPDATE templates SET status = 'archived' WHERE id = ?").bind(templateId).run();
    // Archiving is an operator's SQL: locations let go of the cached template within
    // TEMPLATE_TTL_S (src/cache/templates.ts); this one is told at once.
    await forgetTemplate(env, templateId);
    expect((await createRun(key, req)).status).toBe(400); // template_not_found for a new request
    const replay = await createRun(key, req, { "Idempotency-Key": "tpl-gone" });
    expect(replay.status, await replay.clone().text()).toBe(202);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await replay.json<any>()).run_id).toBe(first.run_id);
  });
});

describe("a failure after the run is committed does not strand it", () => {
  it("the object's start fails → 202 with the queued run; a replay re-drives it with its own template version", async () => {
    const { tenant, key, auth } = await tenantWithAuth(1000, "test");
    const templateId = await tenantTemplate(tenant.id);
    const req = { template_id: templateId, parametros: { cpf: "529.982.247-25", nome: "Maria" } };
    const created = await serviceCreateRun(servicesFor(faultyEnv({ start: true }), auth), req, "start-fails");
    expect(created.replayed).toBe(false);
    expect(created.body).toMatchObject({ status: "queued", template: { id: templateId, version: 1 } });
    const runId = created.body.run_id;
    expect((await runRow(runId))?.status).toBe("queued");
    expect(await objectStatus(runId)).toBeNull(); // the object never got the run

    // The template moves on meanwhile; the run still executes version 1.
    await publishIncompatibleV2(tenant.id, templateId);
    const replay = await createRun(key, req, { "Idempotency-Key": "start-fails" });
    expect(replay.status, await replay.clone().text()).toBe(202);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await replay.json<any>()).run_id).toBe(runId);
    expect(await objectStatus(runId)).not.toBeNull();

    const done = await runToEnd(key, runId);
    expect(done.status).toBe("completed");
    expect(done.template).toMatchObject({ id: templateId, version: 1 });
    expect(done.sources.map((s: { source: string }) => s.source).sort()).toEqual(V1_SOURCES.map((s) => s.source).sort());
    expect(await runCount(tenant.id)).toBe(1);
  });

  it("a replay of a started run executes nothing twice", async () => {
    const { key } = await sandboxTenant();
    const first = await (await createRun(key, body, { "Idempotency-Key": "started-once" })).json<any>();
    const replay = await createRun(key, body, { "Idempotency-Key": "started-once" });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    await runToEnd(key, first.run_id);
    expect(await env.RUN.get(env.RUN.idFromName(first.run_id)).callLog()).toHaveLength(16);
  });

  it("the idempotency cache write fails → 202; the replay still finds the run through D1", async () => {
    const { tenant, key, auth } = await tenantWithAuth(1000, "test");
    const created = await serviceCreateRun(servicesFor(faultyEnv({ kvPut: true }), auth), body, "kv-fails");
    expect(created.replayed).toBe(false);
    expect(await objectStatus(created.body.run_id)).not.toBeNull();
    const replay = await createRun(key, body, { "Idempotency-Key": "kv-fails" });
    expect(replay.status).toBe(202);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await replay.json<any>()).run_id).toBe(created.body.run_id);
    expect(await runCount(tenant.id)).toBe(1);
  });
});
