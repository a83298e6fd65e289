// POST /api/v1/bureau/runs — every error of the seed table (one row each) and
// of contract §3, through the Worker's real fetch handler, in the exact
// envelope of contract §2. Plus the transport errors (invalid JSON, 64 KiB,
// unknown route) and the 202 body.
//
// Seed row 429 `rate_limit_exceeded`: its machinery (per-key limits, the
// X-RateLimit-* headers) belongs to the production-surface issue; the test for
// that row lives there, not here.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  call,
  createKey,
  createRun,
  createTenant,
  expectError,
  holdRun,
  pfBody,
  runToEnd,
  type ErrorEnvelope,
} from "./helpers/api";

const CPF = "529.982.247-25";
const CNPJ = "11.222.333/0001-81";
const pjBody = (cnpj = CNPJ, extra: Record<string, unknown> = {}) => ({ template_id: "tpl_pj_padrao", parametros: { cnpj }, ...extra });

/** Keys and templates every row can use; storage is per file, so one set for the whole file. */
interface Fixtures {
  test: string; // sandbox key, every scope
  live: string; // live key, 1000 credits
  readOnly: string; // sandbox key without runs:write
  poorLive: string; // live key of a tenant with 15 credits (PF needs 16, PJ 13)
  suspendedTest: string; // keys of a suspended tenant
  suspendedLive: string;
  draftTemplate: string; // a draft of this tenant
  foreignTemplate: string; // a published template of another tenant
}
let fx: Fixtures;

async function publishedTemplateOf(tenantId: string | null, publish: boolean): Promise<string> {
  const res = await admin("POST", "/templates", {
    tenant_id: tenantId,
    name: "Modelo de teste",
    subject_type: "pf",
    parametros_schema: { type: "object", properties: { cpf: { type: "string" } }, required: ["cpf"], additionalProperties: false },
    sources: [{ source: "receita_federal_cpf", phase: "critical", on_hit: "block" }],
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  if (publish) expect((await admin("POST", `/templates/${id}/publish`)).status).toBe(200);
  return id;
}

beforeAll(async () => {
  const main = await createTenant(1000);
  const poor = await createTenant(15);
  const suspended = await createTenant(1000);
  const other = await createTenant(1000);
  fx = {
    test: await createKey(main.id, "test"),
    live: await createKey(main.id, "live"),
    readOnly: await createKey(main.id, "test", ["runs:read", "detail:read"]),
    poorLive: await createKey(poor.id, "live"),
    suspendedTest: await createKey(suspended.id, "test"),
    suspendedLive: await createKey(suspended.id, "live"),
    draftTemplate: await publishedTemplateOf(main.id, false),
    foreignTemplate: await publishedTemplateOf(other.id, true),
  };
  const patched = await admin("PATCH", `/tenants/${suspended.id}`, { status: "suspended" });
  expect(patched.status).toBe(200);
  expect(await patched.json()).toMatchObject({ id: suspended.id, status: "suspended" });
});

interface Row {
  name: string;
  key?: keyof Fixtures; // default: the sandbox key
  body: (f: Fixtures) => unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  param?: string | null;
  /** Every name invalid_params must list (exactly these, in any order). */
  invalidParams?: string[];
  /** Something the message must say. */
  message?: RegExp;
}

// One row per row of the seed's error table (seed/bureau-runs-api.txt), with
// every trigger the contract names for it.
const SEED_ROWS: Row[] = [
  // 400 missing_template_id — template_id omitted or not a string
  { name: "missing_template_id: absent", body: () => ({ parametros: { cpf: CPF } }), status: 400, code: "missing_template_id", param: "template_id" },
  { name: "missing_template_id: a number", body: () => ({ template_id: 42, parametros: { cpf: CPF } }), status: 400, code: "missing_template_id", param: "template_id" },
  { name: "missing_template_id: null", body: () => ({ template_id: null, parametros: { cpf: CPF } }), status: 400, code: "missing_template_id", param: "template_id" },
  { name: "missing_template_id: an object", body: () => ({ template_id: { id: "tpl_pf_padrao" }, parametros: { cpf: CPF } }), status: 400, code: "missing_template_id", param: "template_id" },
  { name: "missing_template_id: empty string", body: () => ({ template_id: "", parametros: { cpf: CPF } }), status: 400, code: "missing_template_id", param: "template_id" },

  // 400 template_not_found — no such template, not published, not visible to the tenant
  { name: "template_not_found: unknown id", body: () => pfBody(CPF, { template_id: "tpl_nao_existe" }), status: 400, code: "template_not_found", param: "template_id" },
  { name: "template_not_found: a draft of this tenant", body: (f) => pfBody(CPF, { template_id: f.draftTemplate }), status: 400, code: "template_not_found", param: "template_id" },
  { name: "template_not_found: another tenant's published template", body: (f) => pfBody(CPF, { template_id: f.foreignTemplate }), status: 400, code: "template_not_found", param: "template_id" },

  // 400 invalid_parametros — unknown fields, wrong types; invalid_params lists every problem
  {
    name: "invalid_parametros: unknown field",
    body: () => ({ template_id: "tpl_pf_padrao", parametros: { cpf: CPF, apelido: "Zé" } }),
    status: 400,
    code: "invalid_parametros",
    param: "parametros.apelido",
    invalidParams: ["parametros.apelido"],
  },
  {
    name: "invalid_parametros: wrong type",
    body: () => ({ template_id: "tpl_pf_padrao", parametros: { cpf: CPF, nome: 123 } }),
    status: 400,
    code: "invalid_parametros",
    param: "parametros.nome",
    invalidParams: ["parametros.nome"],
  },
  {
    name: "invalid_parametros: the document with a wrong type (a number) is a type problem, listed with the others",
    body: () => ({ template_id: "tpl_pf_padrao", parametros: { cpf: 52998224725, nome: false } }),
    status: 400,
    code: "invalid_parametros",
    invalidParams: ["parametros.cpf", "parametros.nome"],
  },
  {
    name: "invalid_parametros: several problems at once, every one listed",
    body: () => ({
      template_id: "tpl_pf_padrao",
      parametros: { cpf: CPF, nome: 123, data_nascimento: "31/02/1990", apelido: "Zé", renda: 1000 },
    }),
    status: 400,
    code: "invalid_parametros",
    invalidParams: ["parametros.nome", "parametros.data_nascimento", "parametros.apelido", "parametros.renda"],
  },
  { name: "invalid_parametros: parametros not an object", body: () => ({ template_id: "tpl_pf_padrao", parametros: "52998224725" }), status: 400, code: "invalid_parametros", param: "parametros" },
  { name: "invalid_parametros: parametros an array", body: () => ({ template_id: "tpl_pf_padrao", parametros: [CPF] }), status: 400, code: "invalid_parametros", param: "parametros" },

  // 400 missing_document — the document field not in parametros
  { name: "missing_document: empty parametros", body: () => ({ template_id: "tpl_pf_padrao", parametros: {} }), status: 400, code: "missing_document", param: "parametros.cpf" },
  { name: "missing_document: other fields only", body: () => ({ template_id: "tpl_pf_padrao", parametros: { nome: "Maria" } }), status: 400, code: "missing_document", param: "parametros.cpf" },
  { name: "missing_document: empty string", body: () => ({ template_id: "tpl_pf_padrao", parametros: { cpf: "" } }), status: 400, code: "missing_document", param: "parametros.cpf" },
  { name: "missing_document: null", body: () => ({ template_id: "tpl_pf_padrao", parametros: { cpf: null } }), status: 400, code: "missing_document", param: "parametros.cpf" },
  { name: "missing_document: neither parametros nor subject", body: () => ({ template_id: "tpl_pf_padrao" }), status: 400, code: "missing_document", param: "parametros.cpf" },
  { name: "missing_document: PJ template given a cpf", body: () => ({ template_id: "tpl_pj_padrao", parametros: { cpf: CPF } }), status: 400, code: "missing_document", param: "parametros.cnpj" },

  // 400 invalid_document — length, check digits, repeated digits, bad characters
  { name: "invalid_document: CPF too short", body: () => pfBody("5299822472"), status: 400, code: "invalid_document", param: "parametros.cpf", message: /11 dígitos \(recebido: 10\)/ },
  { name: "invalid_document: CPF too long", body: () => pfBody("529982247255"), status: 400, code: "invalid_document", param: "parametros.cpf", message: /11 dígitos \(recebido: 12\)/ },
  { name: "invalid_document: CPF bad check digit", body: () => pfBody("529.982.247-24"), status: 400, code: "invalid_document", param: "parametros.cpf", message: /verificador/ },
  { name: "invalid_document: CPF repeated digits", body: () => pfBody("111.111.111-11"), status: 400, code: "invalid_document", param: "parametros.cpf", message: /repetidos/ },
  { name: "invalid_document: letters in a CPF", body: () => pfBody("52998224X25"), status: 400, code: "invalid_document", param: "parametros.cpf", message: /dígitos/ },
  { name: "invalid_document: CNPJ bad check digit", body: () => pjBody("11.222.333/0001-80"), status: 400, code: "invalid_document", param: "parametros.cnpj" },
  { name: "invalid_document: CNPJ 13 characters", body: () => pjBody("1222333000181"), status: 400, code: "invalid_document", param: "parametros.cnpj", message: /14 caracteres \(recebido: 13\)/ },

  // 402 billing_suspended — tenant suspended, or live credits below the template's source count
  { name: "billing_suspended: suspended tenant, live key", key: "suspendedLive", body: () => pfBody(), status: 402, code: "billing_suspended" },
  { name: "billing_suspended: suspended tenant, sandbox key", key: "suspendedTest", body: () => pfBody(), status: 402, code: "billing_suspended" },
  { name: "billing_suspended: 15 live credits, PF template has 16 sources", key: "poorLive", body: () => pfBody(), status: 402, code: "billing_suspended", message: /16/ },

  // 403 insufficient_scope — key without runs:write
  { name: "insufficient_scope: key without runs:write", key: "readOnly", body: () => pfBody(), status: 403, code: "insufficient_scope", message: /runs:write/ },
];

// Contract §3's extra codes for the same endpoint.
const CONTRACT_ROWS: Row[] = [
  // metadata: ≤ 10 keys; keys 1–40 chars; values strings ≤ 500 chars
  {
    name: "invalid_metadata: 11 keys",
    body: () => pfBody(CPF, { metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"])) }),
    status: 400,
    code: "invalid_metadata",
    param: "metadata",
  },
  { name: "invalid_metadata: key of 41 chars", body: () => pfBody(CPF, { metadata: { ["k".repeat(41)]: "v" } }), status: 400, code: "invalid_metadata", message: /40/ },
  { name: "invalid_metadata: empty key", body: () => pfBody(CPF, { metadata: { "": "v" } }), status: 400, code: "invalid_metadata" },
  { name: "invalid_metadata: value of 501 chars", body: () => pfBody(CPF, { metadata: { nota: "x".repeat(501) } }), status: 400, code: "invalid_metadata", param: "metadata.nota", message: /500/ },
  { name: "invalid_metadata: non-string value", body: () => pfBody(CPF, { metadata: { pedido: 123 } }), status: 400, code: "invalid_metadata", param: "metadata.pedido" },
  { name: "invalid_metadata: nested object value", body: () => pfBody(CPF, { metadata: { pedido: { id: "1" } } }), status: 400, code: "invalid_metadata", param: "metadata.pedido" },
  { name: "invalid_metadata: an array", body: () => pfBody(CPF, { metadata: ["a"] }), status: 400, code: "invalid_metadata", param: "metadata" },

  // external_id: 1–255 chars
  { name: "invalid_external_id: empty", body: () => pfBody(CPF, { external_id: "" }), status: 400, code: "invalid_external_id", param: "external_id" },
  { name: "invalid_external_id: 256 chars", body: () => pfBody(CPF, { external_id: "e".repeat(256) }), status: 400, code: "invalid_external_id", param: "external_id" },
  { name: "invalid_external_id: a number", body: () => pfBody(CPF, { external_id: 7 }), status: 400, code: "invalid_external_id", param: "external_id" },

  // webhook_url (§3, §11): https only in live, no credentials, no IP literals, no localhost/internal names
  { name: "invalid_webhook_url: http with a live key", key: "live", body: () => pfBody(CPF, { webhook_url: "http://hooks.example.com/kyc" }), status: 400, code: "invalid_webhook_url", param: "webhook_url" },
  { name: "invalid_webhook_url: IPv4 literal", key: "live", body: () => pfBody(CPF, { webhook_url: "https://203.0.113.7/kyc" }), status: 400, code: "invalid_webhook_url", param: "webhook_url" },
  { name: "invalid_webhook_url: IPv6 literal", key: "live", body: () => pfBody(CPF, { webhook_url: "https://[2001:db8::1]/kyc" }), status: 400, code: "invalid_webhook_url", param: "webhook_url" },
  { name: "invalid_webhook_url: localhost", key: "live", body: () => pfBody(CPF, { webhook_url: "https://localhost/kyc" }), status: 400, code: "invalid_webhook_url", param: "webhook_url" },
  { name: "invalid_webhook_url: internal name", key: "live", body: () => pfBody(CPF, { webhook_url: "https://hooks.corp.internal/kyc" }), status: 400, code: "invalid_webhook_url", param: "webhook_url" },
  { name: "invalid_webhook_url: credentials in the URL", key: "live", body: () => pfBody(CPF, { webhook_url: "https://user:senha@hooks.example.com/kyc" }), status: 400, code: "invalid_webhook_url", param: "webhook_url" },
  { name: "invalid_webhook_url: non-443 port with a live key", key: "live", body: () => pfBody(CPF, { webhook_url: "https://hooks.example.com:8443/kyc" }), status: 400, code: "invalid_webhook_url", param: "webhook_url" },
  { name: "invalid_webhook_url: not a URL", body: () => pfBody(CPF, { webhook_url: "hooks.example.com/kyc" }), status: 400, code: "invalid_webhook_url", param: "webhook_url" },
  { name: "invalid_webhook_url: IP literal with a sandbox key too", body: () => pfBody(CPF, { webhook_url: "http://127.0.0.1:8080/kyc" }), status: 400, code: "invalid_webhook_url", param: "webhook_url" },

  // the `subject` body shape
  { name: "missing_subject: subject null", body: () => ({ template_id: "tpl_pf_padrao", subject: null }), status: 400, code: "missing_subject", param: "subject" },
  { name: "missing_subject: subject a string", body: () => ({ template_id: "tpl_pf_padrao", subject: CPF }), status: 400, code: "missing_subject", param: "subject" },
  { name: "invalid_subject_type: unknown type", body: () => ({ template_id: "tpl_pf_padrao", subject: { type: "px", doc: CPF } }), status: 400, code: "invalid_subject_type", param: "subject.type" },
  { name: "invalid_subject_type: type missing", body: () => ({ template_id: "tpl_pf_padrao", subject: { doc: CPF } }), status: 400, code: "invalid_subject_type", param: "subject.type" },
  { name: "missing_document: subject without doc", body: () => ({ template_id: "tpl_pf_padrao", subject: { type: "pf" } }), status: 400, code: "missing_document", param: "subject.doc" },
  { name: "subject_type_mismatch: PF template, PJ subject", body: () => ({ template_id: "tpl_pf_padrao", subject: { type: "pj", doc: CNPJ } }), status: 400, code: "subject_type_mismatch", param: "subject.type" },
  { name: "subject_type_mismatch: PJ template, PF subject", body: () => ({ template_id: "tpl_pj_padrao", subject: { type: "pf", doc: CPF } }), status: 400, code: "subject_type_mismatch", param: "subject.type" },
  { name: "invalid_document: through subject.doc (the param names the field sent)", body: () => ({ template_id: "tpl_pf_padrao", subject: { type: "pf", doc: "529.982.247-24" } }), status: 400, code: "invalid_document", param: "subject.doc" },
  {
    name: "invalid_parametros: subject.doc and parametros.cpf disagree",
    body: () => ({ template_id: "tpl_pf_padrao", subject: { type: "pf", doc: CPF }, parametros: { cpf: "111.444.777-35" } }),
    status: 400,
    code: "invalid_parametros",
    param: "parametros.cpf",
  },

  // headers and shape
  { name: "invalid_idempotency_key: 256 chars", body: () => pfBody(), headers: { "Idempotency-Key": "k".repeat(256) }, status: 400, code: "invalid_idempotency_key", param: "Idempotency-Key" },
  { name: "invalid_idempotency_key: empty", body: () => pfBody(), headers: { "Idempotency-Key": "" }, status: 400, code: "invalid_idempotency_key", param: "Idempotency-Key" },
  { name: "invalid_idempotency_key: a non-printable character (tab)", body: () => pfBody(), headers: { "Idempotency-Key": "pedido\t42" }, status: 400, code: "invalid_idempotency_key", param: "Idempotency-Key" },
  { name: "unknown_parameter: unknown top-level field", body: () => pfBody(CPF, { callback: "x" }), status: 400, code: "unknown_parameter", param: "callback" },
];

async function runRow(row: Row): Promise<ErrorEnvelope> {
  const res = await createRun(fx[row.key ?? "test"], row.body(fx), row.headers);
  const err = await expectError(res, { status: row.status, code: row.code, param: row.param });
  if (row.invalidParams) {
    expect(err.invalid_params?.map((p) => p.name).sort()).toEqual([...row.invalidParams].sort());
    for (const p of err.invalid_params!) expect(p.reason.length).toBeGreaterThan(0);
    // The message names every problem too.
    for (const n of row.invalidParams) expect(err.message).toContain(n);
  }
  if (row.message) expect(err.message).toMatch(row.message);
  return err;
}

describe("POST /runs — seed error table, one row each", () => {
  it.each(SEED_ROWS.map((r) => [r.name, r] as const))("%s", async (_name, row) => {
    await runRow(row);
  });

  it("insufficient_scope is decided before the body is read (even a broken body gets 403)", async () => {
    const res = await call("POST", "/api/v1/bureau/runs", { key: fx.readOnly, rawBody: "{", headers: { "content-type": "application/json" } });
    await expectError(res, { status: 403, code: "insufficient_scope" });
  });

  it("billing: the same 15-credit tenant can still start a PJ run (13 sources), and then is short", async () => {
    const ok = await createRun(fx.poorLive, pjBody());
    expect(ok.status, await ok.clone().text()).toBe(202);
    expect(await ok.json()).toMatchObject({ livemode: true, status: "queued" });
    await expectError(await createRun(fx.poorLive, pjBody()), { status: 402, code: "billing_suspended" });
  });

  it("billing: a sandbox key of an active tenant with no credits is never charged", async () => {
    const broke = await createTenant(0);
    const key = await createKey(broke.id, "test");
    expect((await createRun(key, pfBody())).status).toBe(202);
  });
});

describe("POST /runs — contract §3 extras", () => {
  it.each(CONTRACT_ROWS.map((r) => [r.name, r] as const))("%s", async (_name, row) => {
    await runRow(row);
  });

  it("metadata at the limits is accepted: 10 keys, key of 40 chars, value of 500 chars", async () => {
    const metadata = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, "v"]));
    metadata["c".repeat(40)] = "x".repeat(500);
    const res = await createRun(fx.test, pfBody(CPF, { metadata, external_id: "e".repeat(255) }));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ metadata, external_id: "e".repeat(255) });
  });

  it("webhook_url: http and a non-443 port are allowed with a sandbox key; https:443 with a live key", async () => {
    expect((await createRun(fx.test, pfBody(CPF, { webhook_url: "http://hooks.example.com/kyc" }))).status).toBe(202);
    expect((await createRun(fx.test, pfBody(CPF, { webhook_url: "http://hooks.example.com:8080/kyc" }))).status).toBe(202);
    expect((await createRun(fx.live, pfBody(CPF, { webhook_url: "https://hooks.example.com:443/kyc" }))).status).toBe(202);
  });

  it("both body shapes are accepted and mean the same subject", async () => {
    const a = await createRun(fx.test, { template_id: "tpl_pf_padrao", parametros: { cpf: CPF } });
    const b = await createRun(fx.test, { template_id: "tpl_pf_padrao", subject: { type: "pf", doc: CPF } });
    const c = await createRun(fx.test, { template_id: "tpl_pf_padrao", subject: { type: "pf", doc: "52998224725" }, parametros: { cpf: CPF, nome: "Maria" } });
    const d = await createRun(fx.test, { template_id: "tpl_pj_padrao", subject: { type: "pj", doc: "12.ABC.345/01DE-35" } });
    for (const r of [a, b, c, d]) expect(r.status, await r.clone().text()).toBe(202);
    const ids = await Promise.all([a, b, c].map(async (r) => ((await r.json()) as { run_id: string }).run_id));
    for (const id of ids) {
      const list = await call("GET", `/api/v1/bureau/runs?limit=100`, { key: fx.test });
      const item = ((await list.json()) as { data: { id: string; subject: unknown }[] }).data.find((x) => x.id === id);
      expect(item?.subject).toEqual({ type: "pf", document: "***.982.247-**" });
    }
  });
});

describe("POST /runs — transport errors", () => {
  const post = (rawBody: string | undefined, headers: Record<string, string> = { "content-type": "application/json" }) =>
    call("POST", "/api/v1/bureau/runs", { key: fx.test, rawBody, headers });

  it("malformed JSON → 400 invalid_json", async () => {
    await expectError(await post('{"template_id": "tpl_pf_padrao",'), { status: 400, code: "invalid_json", param: null });
    await expectError(await post("{'template_id': 'tpl_pf_padrao'}"), { status: 400, code: "invalid_json" });
    await expectError(await post('{"template_id":"tpl_pf_padrao"} trailing'), { status: 400, code: "invalid_json" });
  });

  it("empty body → 400 invalid_json", async () => {
    await expectError(await post(undefined), { status: 400, code: "invalid_json" });
    await expectError(await post(""), { status: 400, code: "invalid_json" });
    await expectError(await post("  \n "), { status: 400, code: "invalid_json" });
  });

  it("a JSON value that is not an object → 400, never a 500", async () => {
    for (const raw of ["null", "[]", "42", '"texto"']) {
      const res = await post(raw);
      const code = ((await res.clone().json()) as { error?: { code?: string } }).error?.code ?? "";
      expect(["invalid_json", "invalid_request"]).toContain(code);
      await expectError(res, { status: 400, code });
    }
  });

  it("a JSON body sent without a JSON content type → 415 unsupported_media_type (not a misleading missing_template_id)", async () => {
    const body = JSON.stringify(pfBody());
    const variants: Record<string, string>[] = [{}, { "content-type": "text/plain" }, { "content-type": "application/x-www-form-urlencoded" }];
    for (const headers of variants) {
      await expectError(await post(body, headers), { status: 415, code: "unsupported_media_type", type: "invalid_request_error" });
    }
    // charset and +json suffixes are JSON.
    expect((await post(body, { "content-type": "application/json; charset=utf-8" })).status).toBe(202);
    expect((await post(body, { "content-type": "application/vnd.kycert+json" })).status).toBe(202);
  });

  it("body over 64 KiB → 413 payload_too_large (declared length, and a streamed body without one)", async () => {
    const big = JSON.stringify({ ...pfBody(), metadata: { a: "x".repeat(66_000) } });
    expect(new TextEncoder().encode(big).byteLength).toBeGreaterThan(64 * 1024);
    await expectError(await post(big), { status: 413, code: "payload_too_large", type: "invalid_request_error" });

    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
    const req = new Request("https://api.kycert.test/api/v1/bureau/runs", {
      method: "POST",
      headers: { "X-API-Key": fx.test, "content-type": "application/json" },
      body: stream,
    });
    expect(req.headers.get("content-length")).toBeNull();
    await expectError(await exports.default.fetch(req), { status: 413, code: "payload_too_large" });

    // Exactly at the limit is not "too large" (it fails later, on content).
    const pad = 64 * 1024 - JSON.stringify({ ...pfBody(), external_id: "" }).length;
    const atLimit = JSON.stringify({ ...pfBody(), external_id: "e".repeat(pad) });
    expect(atLimit.length).toBe(64 * 1024);
    await expectError(await post(atLimit), { status: 400, code: "invalid_external_id" });
  });

  it("unknown route → 404 route_not_found in the envelope", async () => {
    await expectError(await call("GET", "/api/v1/bureau/nada", { key: fx.test }), { status: 404, code: "route_not_found", param: null });
    await expectError(await call("POST", "/api/v1/bureau/runs/run_x/outra-coisa", { key: fx.test }), { status: 404, code: "route_not_found" });
    // A known path with another method is 405 (test/method-not-allowed.test.ts), not an unknown route.
    await expectError(await call("DELETE", "/api/v1/bureau/runs", { key: fx.test }), { status: 405, code: "method_not_allowed", type: "invalid_request_error" });
    await expectError(await call("GET", "/nada"), { status: 404, code: "route_not_found" });
    await expectError(await call("GET", "/admin/v1/nada", { headers: { Authorization: "Bearer test-admin-token" } }), { status: 404, code: "route_not_found" });
  });
});

describe("POST /runs — messages", () => {
  const failing: { body: unknown; key?: keyof Fixtures }[] = [
    { body: pfBody("529.982.247-24") },
    { body: pfBody("529982247-2") },
    { body: pfBody("52998224X25") },
    { body: pfBody("111.111.111-11") },
    { body: { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-24", apelido: "529.982.247-24" } } },
    { body: { template_id: "tpl_pf_padrao", parametros: { cpf: 52998224724 } } },
    { body: { template_id: "tpl_pf_padrao", subject: { type: "pf", doc: "529.982.247-24" } } },
    { body: { template_id: "tpl_pj_padrao", subject: { type: "pf", doc: "529.982.247-24" } } },
    { body: { template_id: "tpl_pf_padrao", subject: { type: "pf", doc: "529.982.247-24" }, parametros: { cpf: "111.444.777-35" } } },
    { body: { template_id: "tpl_pf_padrao", subject: { type: "pf", doc: "5".repeat(80) } } },
    { body: pfBody("529.982.247-25", { template_id: "tpl_nao_existe" }) },
    { body: pfBody("529.982.247-25"), key: "poorLive" },
    { body: pfBody("529.982.247-25", { metadata: { cpf: "529.982.247-25".repeat(40) } }) },
  ];

  it("never contain the submitted CPF (formatted or bare)", async () => {
    for (const { body, key } of failing) {
      const res = await createRun(fx[key ?? "test"], body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      const text = await res.text();
      for (const doc of ["529.982.247-24", "52998224724", "529.982.247-25", "52998224725", "111.444.777-35", "11144477735", "5".repeat(11)]) {
        expect(text, text).not.toContain(doc);
      }
    }
  });

  it("are pt-BR (no English validator text, no pt-PT spellings)", async () => {
    const bodies: unknown[] = [
      { parametros: { cpf: CPF } },
      { template_id: 1 },
      pfBody(CPF, { metadata: { ["k".repeat(41)]: "v" } }),
      pfBody(CPF, { metadata: { a: 1 } }),
      pfBody(CPF, { metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"])) }),
      pfBody(CPF, { external_id: "" }),
      pfBody(CPF, { foo: 1 }),
      { template_id: "tpl_pf_padrao", parametros: { cpf: CPF, nome: 1, data_nascimento: "ontem", x: 1 } },
      { template_id: "tpl_pf_padrao", subject: { type: "px", doc: CPF } },
      { template_id: "tpl_pf_padrao", subject: 5 },
      pfBody("123"),
    ];
    for (const body of bodies) {
      const res = await createRun(fx.test, body);
      const err = (await res.json()) as { error: ErrorEnvelope };
      const texts = [err.error.message, ...(err.error.invalid_params ?? []).map((p) => p.reason)];
      for (const t of texts) {
        expect(t, t).not.toMatch(/\b(invalid|expected|received|required|must|should|property|does not|undefined|registo)\b/i);
      }
    }
    const missing = (await (await createRun(fx.test, { parametros: { cpf: CPF } })).json()) as { error: ErrorEnvelope };
    expect(missing.error.message).toMatch(/template_id/);
    expect(missing.error.message).toMatch(/obrigatório/);
  });
});

describe("POST /runs — 202 body", () => {
  const KEYS = ["run_id", "object", "status", "estimated_seconds", "livemode", "external_id", "metadata"];

  it("PF with a sandbox key: queued, estimated_seconds 5, livemode false, echoes external_id and metadata", async () => {
    const res = await createRun(fx.test, pfBody(CPF, { external_id: "pedido-123", metadata: { canal: "app", loja: "sp-01" } }));
    expect(res.status).toBe(202);
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
    const body = (await res.json()) as Record<string, any>;
    for (const k of KEYS) expect(body).toHaveProperty(k);
    expect(body.run_id).toMatch(/^run_[0-9A-Z]{26}$/);
    expect(body).toMatchObject({
      object: "bureau_run",
      status: "queued",
      estimated_seconds: 5,
      livemode: false,
      external_id: "pedido-123",
      metadata: { canal: "app", loja: "sp-01" },
    });
  });

  it("PJ with a live key: estimated_seconds 9 (its 4 s plus the 5 s partner phase), livemode true; absent external_id, metadata and webhook_url are null, {} and null", async () => {
    const res = await createRun(fx.live, pjBody());
    expect(res.status).toBe(202);
    const body = (await res.json()) as Record<string, any>;
    for (const k of KEYS) expect(body).toHaveProperty(k);
    expect(body).toMatchObject({ object: "bureau_run", status: "queued", estimated_seconds: 9, livemode: true, external_id: null, metadata: {}, webhook_url: null });
  });

  it("webhook_url is echoed: on the 202, while pending, on the terminal run and in the list", async () => {
    const hook = "https://hooks.example.com.br/kycert";
    const res = await createRun(fx.test, pfBody(CPF, { webhook_url: hook }));
    expect(res.status).toBe(202);
    const created = (await res.json()) as Record<string, any>;
    expect(created.webhook_url).toBe(hook);
    await holdRun(created.run_id);
    const pending = await call("GET", `/api/v1/bureau/runs/${created.run_id}`, { key: fx.test });
    expect(pending.status).toBe(202);
    expect(((await pending.json()) as Record<string, any>).webhook_url).toBe(hook);
    const done = await runToEnd(fx.test, created.run_id);
    expect(done).toMatchObject({ status: "completed", webhook_url: hook, failed_at: null });
    const page = (await (await call("GET", `/api/v1/bureau/runs?limit=100`, { key: fx.test })).json()) as { data: Record<string, any>[] };
    expect(page.data.find((r) => r.id === created.run_id)?.webhook_url).toBe(hook);
  });
});
