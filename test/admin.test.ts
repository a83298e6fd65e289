// Contract §13 / issue 2: the admin plane — token auth, tenants, API keys,
// templates (drafts, publishing, versions, run snapshots) — in the public
// API's error envelope.
import { beforeAll, describe, expect, it } from "vitest";
import { TPL_PF_PADRAO, TPL_PJ_PADRAO } from "../src/domain/standard-templates";
import { SOURCE_CATALOG } from "../src/sources/catalog";
import { ADMIN_TOKEN, admin, call, createKey, createRun, createTenant, expectError, holdRun, runToEnd } from "./helpers/api";

let seq = 0;
const slug = (p = "adm") => `${p}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

describe("admin authentication", () => {
  const attempts: [string, Record<string, string>][] = [
    ["no Authorization", {}],
    ["wrong token", { Authorization: "Bearer nao-e-o-token" }],
    ["token with a suffix", { Authorization: `Bearer ${ADMIN_TOKEN}x` }],
    ["token prefix only", { Authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` }],
    ["not Bearer", { Authorization: `Basic ${btoa(`admin:${ADMIN_TOKEN}`)}` }],
    ["bare token", { Authorization: ADMIN_TOKEN }],
    ["token in X-API-Key", { "X-API-Key": ADMIN_TOKEN }],
    ["empty bearer", { Authorization: "Bearer " }],
  ];

  it.each(attempts)("%s → 401 in the envelope", async (_n, headers) => {
    for (const [method, path, body] of [
      ["GET", "/admin/v1/templates", undefined],
      ["POST", "/admin/v1/tenants", { name: "X", slug: slug() }],
      ["DELETE", "/admin/v1/api-keys/key_x", undefined],
    ] as const) {
      const err = await expectError(await call(method, path, { headers, body }), { status: 401, code: "invalid_admin_token", type: "authentication_error" });
      expect(err.message).not.toContain(ADMIN_TOKEN);
    }
  });

  it("an API key is no admin token", async () => {
    const t = await createTenant();
    const key = await createKey(t.id, "live");
    await expectError(await call("GET", "/admin/v1/templates", { headers: { Authorization: `Bearer ${key}` } }), { status: 401, code: "invalid_admin_token" });
  });

  it("nothing was created by the refused requests", async () => {
    const s = slug("refused");
    await call("POST", "/admin/v1/tenants", { body: { name: "X", slug: s } });
    // The slug is still free.
    expect((await admin("POST", "/tenants", { name: "X", slug: s })).status).toBe(201);
  });
});

describe("tenants", () => {
  it("POST → 201 {id: ten_…, name, slug, status: active, credits}; GET returns the same", async () => {
    const s = slug();
    const res = await admin("POST", "/tenants", { name: "Banco Exemplo S.A.", slug: s, credits: 250 });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    const t = (await res.json()) as Record<string, unknown>;
    expect(t).toMatchObject({ name: "Banco Exemplo S.A.", slug: s, status: "active", credits: 250 });
    expect(t.id).toMatch(/^ten_[0-9A-Z]{26}$/);
    const got = await admin("GET", `/tenants/${t.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(t);
  });

  it("credits default to 0", async () => {
    const res = await admin("POST", "/tenants", { name: "Sem créditos", slug: slug() });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ status: "active", credits: 0 });
  });

  it("duplicate slug → 409, and the first tenant is unchanged", async () => {
    const s = slug();
    const first = (await (await admin("POST", "/tenants", { name: "Primeiro", slug: s, credits: 5 })).json()) as { id: string };
    const err = await expectError(await admin("POST", "/tenants", { name: "Segundo", slug: s, credits: 9 }), {
      status: 409,
      code: "tenant_slug_taken",
      type: "invalid_request_error",
      param: "slug",
    });
    expect(err.message).toContain(s);
    expect(await (await admin("GET", `/tenants/${first.id}`)).json()).toMatchObject({ name: "Primeiro", credits: 5 });
  });

  it("unknown tenant → 404 on GET, PATCH and key creation", async () => {
    await expectError(await admin("GET", "/tenants/ten_00000000000000000000000000"), { status: 404, code: "tenant_not_found" });
    await expectError(await admin("PATCH", "/tenants/ten_00000000000000000000000000", { status: "suspended" }), { status: 404, code: "tenant_not_found" });
    await expectError(await admin("POST", "/tenants/ten_00000000000000000000000000/api-keys", { name: "k", environment: "test" }), {
      status: 404,
      code: "tenant_not_found",
    });
  });

  it("PATCH status and credits → 200 tenant", async () => {
    const t = await createTenant(10);
    const suspended = await admin("PATCH", `/tenants/${t.id}`, { status: "suspended" });
    expect(suspended.status).toBe(200);
    expect(await suspended.json()).toMatchObject({ id: t.id, status: "suspended", credits: 10 });
    const credited = await admin("PATCH", `/tenants/${t.id}`, { credits: 500 });
    expect(await credited.json()).toMatchObject({ id: t.id, status: "suspended", credits: 500 });
    const both = await admin("PATCH", `/tenants/${t.id}`, { status: "active", credits: 0 });
    expect(await both.json()).toMatchObject({ id: t.id, status: "active", credits: 0 });
    expect(await (await admin("GET", `/tenants/${t.id}`)).json()).toMatchObject({ status: "active", credits: 0 });
  });

  const BAD_CREATE: [string, unknown][] = [
    ["empty body object", {}],
    ["missing slug", { name: "X" }],
    ["empty name", { name: " ", slug: "ok-slug" }],
    ["slug with spaces and capitals", { name: "X", slug: "Meu Banco" }],
    ["slug of one char", { name: "X", slug: "a" }],
    ["negative credits", { name: "X", slug: "ok-slug-2", credits: -1 }],
    ["credits as text", { name: "X", slug: "ok-slug-3", credits: "10" }],
    ["fractional credits", { name: "X", slug: "ok-slug-4", credits: 1.5 }],
    ["unknown field", { name: "X", slug: "ok-slug-5", plano: "ouro" }],
    ["status at creation", { name: "X", slug: "ok-slug-6", status: "suspended" }],
  ];
  it.each(BAD_CREATE)("POST bad input (%s) → 400 in the envelope", async (_n, body) => {
    const err = await expectError(await admin("POST", "/tenants", body), { status: 400, code: "invalid_request" });
    expect(err.invalid_params?.length).toBeGreaterThan(0);
  });

  it("PATCH bad input → 400; malformed JSON → invalid_json", async () => {
    const t = await createTenant();
    for (const body of [{}, { status: "deleted" }, { credits: -5 }, { slug: "novo" }, { name: "novo" }]) {
      await expectError(await admin("PATCH", `/tenants/${t.id}`, body), { status: 400, code: "invalid_request" });
    }
    const raw = await call("PATCH", `/admin/v1/tenants/${t.id}`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      rawBody: "{status:",
    });
    await expectError(raw, { status: 400, code: "invalid_json" });
    expect(await (await admin("GET", `/tenants/${t.id}`)).json()).toMatchObject({ status: "active", credits: 1000 });
  });
});

describe("API keys", () => {
  const RANDOM = /^sk_(test|live)_([A-Za-z0-9_-]+)$/;
  /** Entropy of the random part, counting a 62-symbol alphabet (the smallest URL-safe one it could be). */
  const bits = (key: string) => RANDOM.exec(key)![2].length * Math.log2(62);

  it("POST → 201 {id: key_…, key, name, environment, scopes, created_at}; sk_test_ / sk_live_, ≥ 128 bits", async () => {
    const t = await createTenant();
    const seen = new Set<string>();
    for (const environment of ["test", "live"] as const) {
      for (let i = 0; i < 3; i++) {
        const res = await admin("POST", `/tenants/${t.id}/api-keys`, { name: `integração ${i}`, environment, scopes: ["runs:read", "runs:write"] });
        expect(res.status).toBe(201);
        const k = (await res.json()) as Record<string, any>;
        expect(k).toMatchObject({ name: `integração ${i}`, environment, scopes: ["runs:read", "runs:write"] });
        expect(k.id).toMatch(/^key_[0-9A-Z]{26}$/);
        expect(k.key.startsWith(environment === "live" ? "sk_live_" : "sk_test_")).toBe(true);
        expect(k.key).toMatch(RANDOM);
        expect(bits(k.key)).toBeGreaterThanOrEqual(128);
        expect(new Date(k.created_at).toISOString()).toBe(k.created_at);
        seen.add(k.key);
        seen.add(RANDOM.exec(k.key)![2]);
      }
    }
    expect(seen.size).toBe(12);
  });

  it("without scopes, an integration key gets runs:write, runs:read and detail:read — not reports:write", async () => {
    const t = await createTenant();
    const res = await admin("POST", `/tenants/${t.id}/api-keys`, { name: "padrão", environment: "test" });
    expect(res.status).toBe(201);
    const k = (await res.json()) as { scopes: string[] };
    expect([...k.scopes].sort()).toEqual(["detail:read", "runs:read", "runs:write"]);
  });

  it("bad input → 400", async () => {
    const t = await createTenant();
    for (const body of [
      { name: "k" },
      { name: "k", environment: "prod" },
      { name: "k", environment: "test", scopes: ["runs:delete"] },
      { name: "k", environment: "test", scopes: "runs:read" },
      { name: "", environment: "test" },
      { environment: "test" },
      { name: "k", environment: "test", key: "sk_test_escolhida" },
    ]) {
      await expectError(await admin("POST", `/tenants/${t.id}/api-keys`, body), { status: 400, code: "invalid_request" });
    }
  });

  it("the key is shown only at creation; DELETE → 200 {id, revoked_at}, repeatable; unknown → 404", async () => {
    const t = await createTenant();
    const created = (await (await admin("POST", `/tenants/${t.id}/api-keys`, { name: "k", environment: "test" })).json()) as { id: string; key: string };
    const tenantText = await (await admin("GET", `/tenants/${t.id}`)).text();
    expect(tenantText).not.toContain(created.key);

    const del = await admin("DELETE", `/api-keys/${created.id}`);
    expect(del.status).toBe(200);
    const delText = await del.text();
    expect(delText).not.toContain(created.key);
    const revoked = JSON.parse(delText) as { id: string; revoked_at: string };
    expect(revoked.id).toBe(created.id);
    expect(new Date(revoked.revoked_at).toISOString()).toBe(revoked.revoked_at);

    const again = await admin("DELETE", `/api-keys/${created.id}`);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { revoked_at: string }).revoked_at).toBe(revoked.revoked_at);

    await expectError(await admin("DELETE", "/api-keys/key_00000000000000000000000000"), { status: 404, code: "api_key_not_found" });
    await expectError(await call("GET", "/api/v1/bureau/runs", { key: created.key }), { status: 401, code: "invalid_api_key" });
  });
});

// ---- templates -------------------------------------------------------------

type TemplateView = {
  id: string;
  object: string;
  version: number;
  status: string;
  name: string;
  tenant_id: string | null;
  subject_type: string;
  parametros_schema: Record<string, unknown>;
  sources: { source: string; phase: string; on_hit: string; tier: number; weight: number; timeout_ms: number }[];
  partner_runs: unknown;
  thresholds: { medio: number; alto: number };
  published_at: string | null;
};

const PF_SCHEMA = {
  type: "object",
  properties: { cpf: { type: "string" }, nome: { type: "string" } },
  required: ["cpf"],
  additionalProperties: false,
};

const definition = (tenantId: string | null, over: Record<string, unknown> = {}) => ({
  tenant_id: tenantId,
  name: "Onboarding varejo",
  subject_type: "pf",
  parametros_schema: PF_SCHEMA,
  sources: [
    { source: "receita_federal_cpf", phase: "critical", on_hit: "block" },
    { source: "ofac_sdn", phase: "critical", on_hit: "block" },
    { source: "pep_coaf", phase: "important", on_hit: "review" },
  ],
  ...over,
});

async function listTemplates(): Promise<TemplateView[]> {
  const res = await admin("GET", "/templates");
  expect(res.status).toBe(200);
  const body = (await res.json()) as { object: string; data: TemplateView[] };
  expect(body.object).toBe("list");
  return body.data;
}

describe("templates", () => {
  let tenantId: string;
  let key: string;
  beforeAll(async () => {
    tenantId = (await createTenant()).id;
    key = await createKey(tenantId, "test");
  });

  it("GET lists the seeded global templates, identical to src/domain/standard-templates.ts", async () => {
    const all = await listTemplates();
    for (const std of [TPL_PF_PADRAO, TPL_PJ_PADRAO]) {
      // Every published version stays listed (runs keep their snapshot); the newest is the module's.
      const rows = all.filter((t) => t.id === std.id);
      expect(rows.map((r) => r.version).sort()).toEqual(Array.from({ length: std.version }, (_, i) => i + 1));
      const t = rows.find((r) => r.version === std.version)!;
      expect(t).toMatchObject({ version: std.version, status: "published", tenant_id: null, subject_type: std.subject_type, name: std.name });
      expect(t.sources).toEqual(std.sources);
      expect(t.sources.map((s) => [s.source, s.phase])).toEqual(std.sources.map((s) => [s.source, s.phase]));
      expect(t.parametros_schema).toEqual(std.parametros_schema);
      // `require_full_cpf` is spelled out: a version stored without it does not require the full CPF.
      expect(t.partner_runs).toEqual(std.partner_runs ? { ...std.partner_runs, require_full_cpf: false } : null);
      expect(t.thresholds).toEqual(std.thresholds);
    }
    expect(TPL_PF_PADRAO.sources).toHaveLength(16);
    expect(TPL_PJ_PADRAO.sources).toHaveLength(13);
  });

  it("POST creates a draft (defaults from the catalogue); runs refuse it until published", async () => {
    const res = await admin("POST", "/templates", definition(tenantId));
    expect(res.status).toBe(201);
    const draft = (await res.json()) as TemplateView;
    expect(draft.id).toMatch(/^tpl_/);
    expect(draft).toMatchObject({ version: 1, status: "draft", tenant_id: tenantId, subject_type: "pf", published_at: null, thresholds: { medio: 20, alto: 40 } });
    expect(draft.sources[0]).toEqual({
      source: "receita_federal_cpf",
      phase: "critical",
      on_hit: "block",
      tier: SOURCE_CATALOG.receita_federal_cpf.tier,
      weight: 50,
      timeout_ms: SOURCE_CATALOG.receita_federal_cpf.defaultTimeoutMs,
    });

    await expectError(await createRun(key, { template_id: draft.id, parametros: { cpf: "529.982.247-25" } }), {
      status: 400,
      code: "template_not_found",
      param: "template_id",
    });

    const pub = await admin("POST", `/templates/${draft.id}/publish`);
    expect(pub.status).toBe(200);
    const published = (await pub.json()) as TemplateView;
    expect(published).toMatchObject({ id: draft.id, version: 1, status: "published" });
    expect(published.published_at).not.toBeNull();

    const run = await createRun(key, { template_id: draft.id, parametros: { cpf: "529.982.247-25", nome: "Maria" } });
    expect(run.status, await run.clone().text()).toBe(202);
    // The template's own schema applies (nome is declared, data_nascimento is not).
    await expectError(await createRun(key, { template_id: draft.id, parametros: { cpf: "529.982.247-25", data_nascimento: "1990-01-01" } }), {
      status: 400,
      code: "invalid_parametros",
      param: "parametros.data_nascimento",
    });
    // A second publish has nothing to publish.
    await expectError(await admin("POST", `/templates/${draft.id}/publish`), { status: 409, code: "template_not_draft", type: "invalid_request_error" });
  });

  it("a change publishes version 2; version 1 is unchanged; a run started on v1 keeps its v1 snapshot", async () => {
    const v1 = (await (await admin("POST", "/templates", definition(tenantId))).json()) as TemplateView;
    expect((await admin("POST", `/templates/${v1.id}/publish`)).status).toBe(200);
    const v1Published = (await listTemplates()).find((t) => t.id === v1.id && t.version === 1)!;

    const created = (await (await createRun(key, { template_id: v1.id, parametros: { cpf: "529.982.247-25" } })).json()) as { run_id: string };
    await holdRun(created.run_id);

    // The change: a draft of version 2 (runs keep using v1 meanwhile).
    const change = definition(tenantId, {
      name: "Onboarding varejo v2",
      sources: [
        { source: "receita_federal_cpf", phase: "critical", on_hit: "block" },
        { source: "cgu_ceis", phase: "important", on_hit: "review" },
      ],
    });
    // A version cannot switch the subject type (callers send cpf or cnpj by it).
    const switched = await admin("POST", `/templates/${v1.id}/versions`, {
      ...change,
      subject_type: "pj",
      parametros_schema: { type: "object", properties: { cnpj: { type: "string" } }, required: ["cnpj"] },
      sources: [{ source: "receita_federal_cnpj", phase: "critical", on_hit: "block" }],
    });
    await expectError(switched, { status: 400, code: "invalid_request", param: "subject_type" });

    const draftRes = await admin("POST", `/templates/${v1.id}/versions`, change);
    expect(draftRes.status).toBe(201);
    expect(await draftRes.json()).toMatchObject({ id: v1.id, version: 2, status: "draft", name: "Onboarding varejo v2" });

    const meanwhile = (await (await createRun(key, { template_id: v1.id, parametros: { cpf: "111.444.777-35" } })).json()) as { run_id: string };
    expect((await runToEnd(key, meanwhile.run_id)).template).toMatchObject({ id: v1.id, version: 1 });

    const pub = await admin("POST", `/templates/${v1.id}/publish`);
    expect(pub.status).toBe(200);
    expect(await pub.json()).toMatchObject({ id: v1.id, version: 2, status: "published" });

    // Version 1 is exactly what it was.
    const versions = (await listTemplates()).filter((t) => t.id === v1.id);
    expect(versions.map((t) => t.version).sort()).toEqual([1, 2]);
    expect(versions.find((t) => t.version === 1)).toEqual(v1Published);

    // New runs use v2; the run created on v1 finishes with the v1 snapshot.
    const after = (await (await createRun(key, { template_id: v1.id, parametros: { cpf: "222.333.666-38" } })).json()) as { run_id: string };
    const v2Run = await runToEnd(key, after.run_id);
    expect(v2Run.template).toMatchObject({ id: v1.id, version: 2 });
    expect(v2Run.sources.map((s: { source: string }) => s.source)).toEqual(["receita_federal_cpf", "cgu_ceis"]);

    const v1Run = await runToEnd(key, created.run_id);
    expect(v1Run.template).toMatchObject({ id: v1.id, version: 1 });
    expect(v1Run.sources.map((s: { source: string }) => s.source)).toEqual(["receita_federal_cpf", "ofac_sdn", "pep_coaf"]);
  });

  it("a global template (tenant_id null) is usable by every tenant once published; a tenant template only by its tenant", async () => {
    const global = (await (await admin("POST", "/templates", definition(null, { name: "Global de teste" }))).json()) as TemplateView;
    const mine = (await (await admin("POST", "/templates", definition(tenantId, { name: "Só meu" }))).json()) as TemplateView;
    await admin("POST", `/templates/${global.id}/publish`);
    await admin("POST", `/templates/${mine.id}/publish`);
    const stranger = await createKey((await createTenant()).id, "test");
    expect((await createRun(stranger, { template_id: global.id, parametros: { cpf: "529.982.247-25" } })).status).toBe(202);
    await expectError(await createRun(stranger, { template_id: mine.id, parametros: { cpf: "529.982.247-25" } }), { status: 400, code: "template_not_found" });
  });

  const INVALID: [string, (t: string) => unknown, string][] = [
    [
      "a source not applicable to the subject type",
      (t) => definition(t, { sources: [{ source: "receita_federal_cnpj", phase: "critical", on_hit: "block" }] }),
      "sources[0].source",
    ],
    [
      "block outside the critical phase",
      (t) => definition(t, { sources: [{ source: "receita_federal_cpf", phase: "critical", on_hit: "block" }, { source: "pep_coaf", phase: "important", on_hit: "block" }] }),
      "sources[1].on_hit",
    ],
    ["thresholds medio ≥ alto (greater)", (t) => definition(t, { thresholds: { medio: 50, alto: 30 } }), "thresholds"],
    ["thresholds medio ≥ alto (equal)", (t) => definition(t, { thresholds: { medio: 30, alto: 30 } }), "thresholds"],
    [
      "an additional source that is not informative",
      (t) => definition(t, { sources: [{ source: "receita_federal_cpf", phase: "critical", on_hit: "block" }, { source: "tse_doadores", phase: "additional", on_hit: "review" }] }),
      "sources[1].on_hit",
    ],
    [
      "the same source twice",
      (t) => definition(t, { sources: [{ source: "ofac_sdn", phase: "critical", on_hit: "block" }, { source: "ofac_sdn", phase: "important", on_hit: "review" }] }),
      "sources[1].source",
    ],
    ["partner runs on a PF template", (t) => definition(t, { partner_runs: { template_id: "tpl_pf_padrao", max_partners: 3 } }), "partner_runs"],
    [
      "partner_runs.require_full_cpf that is not a boolean",
      (t) =>
        definition(t, {
          subject_type: "pj",
          parametros_schema: { type: "object", properties: { cnpj: { type: "string" } } },
          sources: [{ source: "receita_federal_cnpj", phase: "critical", on_hit: "block" }],
          partner_runs: { template_id: "tpl_pf_padrao", max_partners: 3, require_full_cpf: "true" },
        }),
      "partner_runs.require_full_cpf",
    ],
    ["a schema without the document field", (t) => definition(t, { parametros_schema: { type: "object", properties: { nome: { type: "string" } } } }), "parametros_schema.properties.cpf"],
    ["an unknown source", (t) => definition(t, { sources: [{ source: "serasa_score", phase: "critical", on_hit: "block" }] }), "sources[0].source"],
    ["no sources", (t) => definition(t, { sources: [] }), "sources"],
    ["an unknown subject type", (t) => definition(t, { subject_type: "pe" }), "subject_type"],
  ];

  it.each(INVALID)("invalid definition: %s → 400", async (_n, make, param) => {
    const err = await expectError(await admin("POST", "/templates", make(tenantId)), { status: 400, code: "invalid_request", param });
    expect(err.invalid_params?.map((p) => p.name)).toContain(param);
    // The same checks guard a new version.
    const base = (await (await admin("POST", "/templates", definition(tenantId))).json()) as TemplateView;
    await admin("POST", `/templates/${base.id}/publish`);
    await expectError(await admin("POST", `/templates/${base.id}/versions`, make(tenantId)), { status: 400, code: "invalid_request", param });
    expect((await listTemplates()).filter((t) => t.id === base.id).map((t) => t.version)).toEqual([1]);
  });

  it("several problems in one definition are all listed", async () => {
    const err = await expectError(
      await admin(
        "POST",
        "/templates",
        definition(tenantId, {
          sources: [
            { source: "receita_federal_cnpj", phase: "critical", on_hit: "block" },
            { source: "pep_coaf", phase: "important", on_hit: "block" },
          ],
          thresholds: { medio: 60, alto: 10 },
        }),
      ),
      { status: 400, code: "invalid_request" },
    );
    expect(err.invalid_params?.map((p) => p.name).sort()).toEqual(["sources[0].source", "sources[1].on_hit", "thresholds"].sort());
  });

  it("unknown template → 404 on publish and versions; an unknown tenant_id → 404", async () => {
    await expectError(await admin("POST", "/templates/tpl_nao_existe/publish"), { status: 404, code: "template_not_found_admin" });
    await expectError(await admin("POST", "/templates/tpl_nao_existe/versions", definition(tenantId)), { status: 404, code: "template_not_found_admin" });
    await expectError(await admin("POST", "/templates", definition("ten_00000000000000000000000000")), { status: 404, code: "tenant_not_found" });
  });

  it("a version cannot move the template to another tenant", async () => {
    const base = (await (await admin("POST", "/templates", definition(tenantId))).json()) as TemplateView;
    await expectError(await admin("POST", `/templates/${base.id}/versions`, definition(null)), { status: 400, code: "invalid_request", param: "tenant_id" });
  });
});
