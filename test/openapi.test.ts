// The OpenAPI document against the app itself (issue 5): served without a
// key, every route Hono serves is documented (and nothing undocumented is
// served), every error code is documented somewhere, and real responses —
// successes and errors — conform to the documented status, schema, error
// codes and headers of their operation. Validity as OpenAPI 3.1 is checked in
// Node by test/node/openapi-document.test.ts.
import { Validator } from "@cfworker/json-schema";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { isConsolePath } from "../src/console/routes";
import { ERROR_CODES, type ErrorCode } from "../src/http/errors";
import { buildOpenApiDocument, type Json } from "../src/http/openapi/document";
import { GLOBAL_ERRORS } from "../src/http/openapi/route";
import { WEBHOOK_EVENT_TYPES } from "../src/domain/webhook-events";
import { SANDBOX_DOCUMENTS } from "../src/sources/sandbox-catalog";
import { admin, call, createAndFinish, createHeldRun, createKey, createTenant, pfBody, sandboxTenant } from "./helpers/api";
import { buildAndPublish, TRUTH } from "./helpers/registry";
import { listed, seedList } from "./helpers/screening-seed";

const doc = buildOpenApiDocument({ exactResponses: true });
const METHODS = ["get", "post", "patch", "delete", "put"];
const toOpenApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");

/**
 * The API's routes. The analyst console (/console, contract §16) is served by
 * the same app but is not part of the API: HTML pages behind a browser
 * session, with no API key, version or JSON envelope; the README documents it
 * and test/console-*.test.ts test it. Its routes are set apart by the one
 * prefix the console owns (isConsolePath), so nothing else can slip out.
 */
function servedRoutes(): Set<string> {
  const out = new Set<string>();
  for (const r of createApp().routes) {
    const method = r.method.toLowerCase();
    if (!METHODS.includes(method)) continue; // app.use middleware is registered as ALL
    if (isConsolePath(r.path)) continue;
    out.add(`${method} ${toOpenApiPath(r.path)}`);
  }
  return out;
}

function documentedRoutes(): Set<string> {
  const out = new Set<string>();
  for (const [path, item] of Object.entries<Json>(doc.paths)) for (const method of Object.keys(item)) out.add(`${method} ${path}`);
  return out;
}

// ---- conformance -------------------------------------------------------------

/** A validator for a schema of the document, its `#/components/schemas/…` refs resolved. */
function validatorFor(schema: Json): Validator {
  const defs = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll("#/components/schemas/", "#/$defs/"));
  const root = JSON.parse(JSON.stringify(schema).replaceAll("#/components/schemas/", "#/$defs/"));
  return new Validator({ ...root, $defs: defs }, "2020-12", false);
}

const checked = new Map<string, Set<string>>(); // operationId → statuses seen

/** Asserts `res` is a documented response of `method path` (OpenAPI path) and returns its body. */
async function conform(method: string, path: string, res: Response): Promise<any> {
  const op: Json | undefined = doc.paths[path]?.[method];
  expect(op, `${method} ${path} is not documented`).toBeDefined();
  const isJson = (res.headers.get("content-type") ?? "").startsWith("application/json");
  const text = isJson ? await res.text() : `(${res.headers.get("content-type")}, ${(await res.arrayBuffer()).byteLength} bytes)`;
  const documented: Json | undefined = op!.responses[String(res.status)];
  expect(documented, `${method} ${path} answered an undocumented ${res.status}: ${text.slice(0, 300)}`).toBeDefined();
  (checked.get(op!.operationId) ?? checked.set(op!.operationId, new Set()).get(op!.operationId)!).add(String(res.status));

  let body: any = null;
  const media = documented!.content?.["application/json"];
  if (media) {
    expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
    body = JSON.parse(text);
    const result = validatorFor(media.schema).validate(body);
    expect(result.valid, `${method} ${path} ${res.status} does not match its schema:\n${JSON.stringify(result.errors.slice(-5), null, 1)}\n${text.slice(0, 600)}`).toBe(true);
  } else if (documented!.content) {
    expect(Object.keys(documented!.content).some((t) => (res.headers.get("content-type") ?? "").startsWith(t))).toBe(true);
  }
  const codes: string[] | undefined = documented!["x-error-codes"];
  if (codes) expect(codes, `${method} ${path}: ${res.status} ${body?.error?.code} is not documented`).toContain(body.error.code);

  // Documented headers that every such response has.
  const headers = Object.keys(documented!.headers ?? {});
  const unknownVersion = body?.error?.code === "unknown_api_version";
  for (const h of headers) {
    const always = ["X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Kycert-Api-Version", "Location", "Retry-After"];
    if (!always.includes(h)) continue;
    if (unknownVersion && h !== "X-Request-Id") continue; // rejected before version and key are known
    if (res.status === 429 && h === "Retry-After") expect(res.headers.get(h)).not.toBeNull();
    else if (h !== "Retry-After" || res.status === 202) expect(res.headers.get(h), `${method} ${path} ${res.status}: header ${h}`).not.toBeNull();
  }
  return body;
}

describe("OpenAPI document", () => {
  it("is served at /api/v1/openapi.json without an API key, versioned, not rate limited", async () => {
    const res = await call("GET", "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-kycert-api-version")).toBe("2026-11-01");
    expect(res.headers.get("x-ratelimit-limit")).toBeNull();
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    const served = await res.json<Json>();
    expect(served.openapi).toMatch(/^3\.1\./);
    expect(served.info.version).toBe("2026-11-01");
    expect(served.servers).toEqual([{ url: "https://api.kycert.test" }]);
    expect(Object.keys(served.paths).sort()).toEqual(Object.keys(doc.paths).sort());
    // An unknown version is refused here too: the document is part of /api/v1.
    expect((await call("GET", "/api/v1/openapi.json", { headers: { "X-Kycert-Api-Version": "2000-01-01" } })).status).toBe(400);
  });

  it("documents every route the app serves, and serves every route it documents", () => {
    const served = servedRoutes();
    const documented = documentedRoutes();
    expect(served.size).toBeGreaterThan(25);
    expect([...served].filter((r) => !documented.has(r)), "served but not documented").toEqual([]);
    expect([...documented].filter((r) => !served.has(r)), "documented but not served").toEqual([]);
    // The console's pages are the only routes left out, and none of them is documented as an API operation.
    const consoleRoutes = createApp().routes.filter((r) => isConsolePath(r.path) && METHODS.includes(r.method.toLowerCase()));
    expect(consoleRoutes.length).toBeGreaterThan(5);
    expect(Object.keys(doc.paths).filter(isConsolePath)).toEqual([]);
    expect(isConsolePath("/consoles")).toBe(false);
  });

  it("documents every error code of the table: per operation, or as one any request can get", () => {
    const used = new Set<string>(GLOBAL_ERRORS);
    for (const item of Object.values<Json>(doc.paths)) {
      for (const op of Object.values<Json>(item)) {
        for (const r of Object.values<Json>(op.responses)) for (const c of r["x-error-codes"] ?? []) used.add(c);
      }
    }
    expect((Object.keys(ERROR_CODES) as ErrorCode[]).filter((c) => !used.has(c))).toEqual([]);
    // Each error response lists codes of its own status only.
    for (const item of Object.values<Json>(doc.paths)) {
      for (const op of Object.values<Json>(item)) {
        for (const [status, r] of Object.entries<Json>(op.responses)) {
          for (const c of r["x-error-codes"] ?? []) expect(ERROR_CODES[c as ErrorCode].status, `${op.operationId} ${c}`).toBe(Number(status));
        }
      }
    }
  });

  it("every operation with an API key documents 401, 429 and the unknown-version 400", () => {
    for (const item of Object.values<Json>(doc.paths)) {
      for (const op of Object.values<Json>(item)) {
        if (!op.security?.some((s: Json) => "ApiKey" in s)) continue;
        expect(op.responses["401"]["x-error-codes"], op.operationId).toEqual(["missing_api_key", "invalid_api_key"]);
        expect(op.responses["429"]["x-error-codes"], op.operationId).toEqual(["rate_limit_exceeded"]);
        expect(op.responses["400"]["x-error-codes"], op.operationId).toContain("unknown_api_version");
        expect(op.parameters[0], op.operationId).toEqual({ $ref: "#/components/parameters/ApiVersion" });
      }
    }
  });

  it("the reference page is served as one self-contained HTML page", async () => {
    const res = await call("GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src=["']https?:|href=["']https?:|@import/i);
    for (const item of Object.values<Json>(doc.paths)) for (const op of Object.values<Json>(item)) expect(html).toContain(`id="op-${op.operationId}"`);
    for (const code of Object.keys(ERROR_CODES)) expect(html).toContain(`<code>${code}</code>`);
    for (const name of Object.keys(doc.components.schemas)) expect(html).toContain(`id="schema-${name}"`);
    // The sandbox's test documents and what each produces, and the webhooks every event type.
    for (const d of SANDBOX_DOCUMENTS) expect(html).toContain(`<code>${d.document}</code>`);
    expect(html).toMatch(/<td>CPF <code>000\.000\.008-06<\/code> ✱<\/td><td><code>partial<\/code><\/td><td><code>approved<\/code><\/td><td><code>hold<\/code><\/td>/);
    for (const type of WEBHOOK_EVENT_TYPES) expect(html).toContain(`id="webhook-${type}"`);
    // Response examples, folded.
    expect(html).toContain("<details><summary>Example</summary><pre>");
    expect(html).toContain("&quot;delivery_status&quot;: &quot;delivered&quot;");
  });
});

describe("real responses conform to the document", () => {
  it("runs: create, replay, poll, list, analysis, detail, cancel and their errors", async () => {
    const { tenant, key } = await sandboxTenant();
    const P = "/api/v1/bureau/runs";
    const created = await conform("post", P, await call("POST", P, { key, body: pfBody(), headers: { "Idempotency-Key": "oa-1" } }));
    await conform("post", P, await call("POST", P, { key, body: pfBody(), headers: { "Idempotency-Key": "oa-1" } }));
    await conform("get", `${P}/{id}`, await call("GET", `${P}/${created.run_id}`, { key }));
    const held = await createHeldRun(key, pfBody("111.444.777-35"));
    await conform("get", `${P}/{id}`, await call("GET", `${P}/${held.run_id}`, { key }));
    await conform("get", `${P}/{id}/analysis`, await call("GET", `${P}/${held.run_id}/analysis`, { key }));
    await conform("get", `${P}/{id}/detail`, await call("GET", `${P}/${held.run_id}/detail`, { key }));
    await conform("get", P, await call("GET", P, { key })); // a list with a queued run in it
    await conform("post", `${P}/{id}/cancel`, await call("POST", `${P}/${held.run_id}/cancel`, { key }));
    await conform("post", `${P}/{id}/cancel`, await call("POST", `${P}/${held.run_id}/cancel`, { key })); // 409

    const done = await createAndFinish(key, pfBody("000.000.004-53"));
    for (const suffix of ["", "/analysis", "/detail"]) await conform("get", `${P}/{id}${suffix}`, await call("GET", `${P}/${done.id}${suffix}`, { key }));
    await conform("get", P, await call("GET", `${P}?limit=1`, { key }));
    await conform("get", P, await call("GET", `${P}?status=completed&created_gte=2020-01-01`, { key }));

    const errors: [string, string, Parameters<typeof call>[2]][] = [
      ["post", P, { key, body: { parametros: { cpf: "1" } } }],
      ["post", P, { key, body: { template_id: "tpl_nope", parametros: { cpf: "529.982.247-25" } } }],
      ["post", P, { key, body: pfBody("123.456.789-00") }],
      ["post", P, { key, body: { template_id: "tpl_pf_padrao", parametros: {} } }],
      ["post", P, { key, body: { template_id: "tpl_pf_padrao", subject: { type: "pj", doc: "11.222.333/0001-81" } } }],
      ["post", P, { key, body: { ...pfBody(), surprise: 1 } }],
      ["post", P, { key, body: { ...pfBody(), metadata: { a: "x".repeat(501) } } }],
      ["post", P, { key, body: pfBody("111.444.777-35"), headers: { "Idempotency-Key": "oa-1" } }], // 422 reused
      ["post", P, { key, rawBody: "{", headers: { "content-type": "application/json" } }],
      ["post", P, { key, rawBody: "{}", headers: { "content-type": "text/plain" } }],
      ["post", P, { key, rawBody: JSON.stringify({ template_id: "x".repeat(70_000) }), headers: { "content-type": "application/json" } }],
      ["get", P, { key, headers: { "X-Kycert-Api-Version": "1999-01-01" } }],
      ["get", P, {}],
      ["get", P, { key: "sk_test_" + "0".repeat(40) }],
      ["get", `${P}?limit=0`, { key }],
      ["get", `${P}?cursor=tampered`, { key }],
      ["get", `${P}?status=done`, { key }],
      ["get", `${P}?created_lte=yesterday`, { key }],
      ["get", `${P}?colour=red`, { key }],
      ["get", `${P}/run_nope`, { key }],
      ["get", `${P}/run_nope/analysis`, { key }],
      ["get", `${P}/run_nope/detail`, { key }],
      ["post", `${P}/run_nope/cancel`, { key }],
    ];
    for (const [method, url, opts] of errors) {
      const template = url.replace(/\?.*$/, "").replace(/run_nope/, "{id}");
      await conform(method, template, await call(method.toUpperCase(), url, opts));
    }

    const readOnly = await createKey(tenant.id, "test", ["runs:read"]);
    await conform("post", P, await call("POST", P, { key: readOnly, body: pfBody() }));
    await conform("get", `${P}/{id}/detail`, await call("GET", `${P}/${done.id}/detail`, { key: readOnly }));

    const suspended = await createTenant(0);
    const live = await createKey(suspended.id, "live");
    await conform("post", P, await call("POST", P, { key: live, body: pfBody() })); // 402: no credits

    const limited = await admin("POST", `/tenants/${tenant.id}/api-keys`, { name: "one", environment: "test", rate_limit_per_minute: 1 });
    const one = (await limited.json<{ key: string }>()).key;
    await conform("get", P, await call("GET", P, { key: one }));
    await conform("get", P, await call("GET", P, { key: one })); // 429 (a minute boundary in between would make it 200: both are documented)
  });

  it("reports: generate, signed URL, download and their errors", async () => {
    const { key } = await sandboxTenant();
    const P = "/api/v1/bureau/runs/{id}/report";
    const done = await createAndFinish(key, pfBody());
    const url = `/api/v1/bureau/runs/${done.id}/report`;
    await conform("get", P, await call("GET", `${url}?mode=resumido`, { key })); // 404 report_not_generated
    await conform("post", P, await call("POST", `${url}?mode=resumido`, { key })); // 201
    await conform("post", P, await call("POST", `${url}?mode=resumido`, { key })); // 200
    await conform("post", P, await call("POST", `${url}?mode=inteiro`, { key })); // 400 invalid_mode
    const asJson = await conform("get", P, await call("GET", `${url}?mode=resumido&format=json`, { key })); // 200 {url, expires_at}
    expect(asJson.url).toContain(`/downloads/reports/${done.id}?`);
    await conform("get", P, await call("GET", `${url}?mode=resumido&format=pdf`, { key })); // 400 invalid_request
    const redirect = await call("GET", `${url}?mode=resumido`, { key });
    const location = redirect.headers.get("location")!;
    await conform("get", P, redirect);
    const download = new URL(location);
    await conform("get", "/downloads/reports/{runId}", await call("GET", `${download.pathname}${download.search}`));
    download.searchParams.set("sig", "0".repeat(64));
    await conform("get", "/downloads/reports/{runId}", await call("GET", `${download.pathname}${download.search}`)); // 403

    const held = await createHeldRun(key, pfBody("111.444.777-35"));
    await conform("post", P, await call("POST", `/api/v1/bureau/runs/${held.run_id}/report?mode=completo`, { key })); // run_not_terminal
  });

  it("events: read and redeliver, and an unknown event", async () => {
    const { tenant, key } = await sandboxTenant();
    const done = await createAndFinish(key, pfBody("529.982.247-25", { webhook_url: "https://hooks.example.com/kycert" }));
    const row = await env.DB.prepare("SELECT id FROM webhook_events WHERE run_id = ?").bind(done.id).first<{ id: string }>();
    expect(row, `no event for ${done.id} of ${tenant.id}`).not.toBeNull();
    await conform("get", "/api/v1/bureau/events/{id}", await call("GET", `/api/v1/bureau/events/${row!.id}`, { key }));
    await conform("post", "/api/v1/bureau/events/{id}/redeliver", await call("POST", `/api/v1/bureau/events/${row!.id}/redeliver`, { key }));
    await conform("get", "/api/v1/bureau/events/{id}", await call("GET", `/api/v1/bureau/events/${row!.id}`, { key })); // with a delivery logged
    await conform("get", "/api/v1/bureau/events/{id}", await call("GET", "/api/v1/bureau/events/evt_nope", { key }));
    await conform("post", "/api/v1/bureau/events/{id}/redeliver", await call("POST", "/api/v1/bureau/events/evt_nope/redeliver", { key }));
  });

  it("templates, the events list and the tenant's webhook endpoints, and their errors", async () => {
    const tenant = await createTenant();
    const key = await createKey(tenant.id, "test", ["runs:write", "runs:read", "webhooks:write"]);
    const T = "/api/v1/bureau/templates";
    await conform("get", T, await call("GET", `${T}?limit=1`, { key }));
    await conform("get", T, await call("GET", `${T}?limit=0`, { key }));
    await conform("get", `${T}/{id}`, await call("GET", `${T}/tpl_pf_padrao`, { key }));
    await conform("get", `${T}/{id}`, await call("GET", `${T}/tpl_nope`, { key }));

    const W = "/api/v1/webhook-endpoints";
    const endpoint = await conform("post", W, await call("POST", W, { key, body: { url: "https://hooks.example.com/oa", events: ["run.completed", "case.opened"] } }));
    await conform("post", W, await call("POST", W, { key, body: { url: "https://10.0.0.1/x" } }));
    await conform("post", W, await call("POST", W, { key, body: { url: "https://hooks.example.com/oa", environment: "live" } }));
    await conform("get", W, await call("GET", W, { key }));
    await conform("get", `${W}/{id}`, await call("GET", `${W}/${endpoint.id}`, { key }));
    await conform("get", `${W}/{id}`, await call("GET", `${W}/whe_nope`, { key }));
    await conform("post", `${W}/{id}/rotate-secret`, await call("POST", `${W}/${endpoint.id}/rotate-secret`, { key }));
    await conform("delete", `${W}/{id}`, await call("DELETE", `${W}/${endpoint.id}`, { key }));
    await conform("post", `${W}/{id}/rotate-secret`, await call("POST", `${W}/${endpoint.id}/rotate-secret`, { key })); // 409 disabled
    await conform("delete", `${W}/{id}`, await call("DELETE", `${W}/whe_nope`, { key }));
    await conform("get", W, await call("GET", W, { key: await createKey(tenant.id, "test", ["runs:read"]) })); // 403

    const E = "/api/v1/bureau/events";
    await createAndFinish(key, pfBody("000.000.010-82", { webhook_url: "https://hooks.example.com/failed" }));
    await createAndFinish(key, pfBody("000.000.004-53"));
    const events = await conform("get", E, await call("GET", E, { key }));
    expect(events.data.length).toBeGreaterThan(0);
    await conform("get", E, await call("GET", `${E}?type=run.failed&created_gte=2020-01-01&limit=5`, { key }));
    await conform("get", E, await call("GET", `${E}?type=nope`, { key }));
    await conform("get", E, await call("GET", `${E}?created_lte=ontem`, { key }));
  });

  it("cases: list, get, assign, resolve, approve, return and their errors", async () => {
    const tenant = await createTenant();
    const key = await createKey(tenant.id, "test", ["runs:write", "runs:read", "cases:read", "cases:write", "cases:approve"]);
    const readOnly = await createKey(tenant.id, "test", ["runs:read", "cases:read"]);
    const n = Date.now().toString(36);
    const [ana, bia] = [`ana.${n}@x.com.br`, `bia.${n}@x.com.br`];
    for (const [email, role] of [
      [ana, "analyst"],
      [bia, "approver"],
    ]) {
      expect((await admin("POST", `/tenants/${tenant.id}/users`, { email, role })).status).toBe(201);
    }
    const P = "/api/v1/bureau/cases";
    const review = await createAndFinish(key, pfBody("000.000.004-53"));
    const held = await createAndFinish(key, pfBody("000.000.008-06"));
    const id = review.case_id as string;
    const note = "Conferido com documentos enviados pelo cliente.";
    await conform("get", P, await call("GET", P, { key }));
    await conform("get", P, await call("GET", `${P}?status=open&overdue=false&limit=1`, { key }));
    await conform("get", `${P}/{id}`, await call("GET", `${P}/${id}`, { key }));
    await conform("post", `${P}/{id}/assign`, await call("POST", `${P}/${id}/assign`, { key, body: { assignee: ana, actor: ana } }));
    await conform("post", `${P}/{id}/approve`, await call("POST", `${P}/${id}/approve`, { key, body: { actor: bia } })); // 409 not pending
    await conform("post", `${P}/{id}/return`, await call("POST", `${P}/${id}/return`, { key, body: { actor: bia, note } })); // 409 not pending
    await conform("post", `${P}/{id}/resolve`, await call("POST", `${P}/${id}/resolve`, { key, body: { outcome: "rejected", reason_code: "other", note, actor: ana } }));
    await conform("post", `${P}/{id}/resolve`, await call("POST", `${P}/${id}/resolve`, { key, body: { outcome: "approved", reason_code: "other", note, actor: ana } })); // 409 pending
    await conform("post", `${P}/{id}/approve`, await call("POST", `${P}/${id}/approve`, { key, body: { actor: ana } })); // 403 actor_not_allowed (an analyst)
    await conform("post", `${P}/{id}/approve`, await call("POST", `${P}/${id}/approve`, { key, body: { actor: "ninguem@x.com.br" } })); // 403 not a user
    await conform("post", `${P}/{id}/return`, await call("POST", `${P}/${id}/return`, { key, body: { actor: bia, note } }));
    await conform("post", `${P}/{id}/resolve`, await call("POST", `${P}/${id}/resolve`, { key, body: { outcome: "rejected", reason_code: "other", note, actor: bia } }));
    await conform("post", `${P}/{id}/approve`, await call("POST", `${P}/${id}/approve`, { key, body: { actor: bia } })); // 403 four eyes
    await conform("post", `${P}/{id}/return`, await call("POST", `${P}/${id}/return`, { key, body: { actor: bia, note } }));
    await conform("post", `${P}/{id}/resolve`, await call("POST", `${P}/${id}/resolve`, { key, body: { outcome: "rejected", reason_code: "other", note, actor: ana } }));
    await conform("post", `${P}/{id}/approve`, await call("POST", `${P}/${id}/approve`, { key, body: { actor: bia } }));
    await conform("post", `${P}/{id}/approve`, await call("POST", `${P}/${id}/approve`, { key, body: { actor: bia } })); // 409 resolved
    await conform("post", `${P}/{id}/assign`, await call("POST", `${P}/${id}/assign`, { key, body: { assignee: ana, actor: ana } })); // 409 resolved
    await conform("get", `${P}/{id}`, await call("GET", `${P}/${id}`, { key })); // resolved, chain verified
    await conform("get", `${P}/{id}`, await call("GET", `${P}/${held.case_id}`, { key }));
    await conform("get", `${P}/{id}`, await call("GET", `${P}/case_nope`, { key }));
    await conform("get", P, await call("GET", `${P}?limit=0`, { key }));
    await conform("get", P, await call("GET", `${P}?status=nope`, { key }));
    await conform("get", P, await call("GET", `${P}?cursor=abc`, { key }));
    await conform("get", P, await call("GET", `${P}?surprise=1`, { key }));
    await conform("post", `${P}/{id}/resolve`, await call("POST", `${P}/${held.case_id}/resolve`, { key, body: { outcome: "approved", reason_code: "other", note: "curta", actor: ana } }));
    await conform("post", `${P}/{id}/resolve`, await call("POST", `${P}/${held.case_id}/resolve`, { key: readOnly, body: { outcome: "approved", reason_code: "other", note, actor: ana } }));
    await conform("post", `${P}/{id}/approve`, await call("POST", `${P}/${held.case_id}/approve`, { key: readOnly, body: { actor: bia } })); // 403 cases:approve
    await conform("post", `${P}/{id}/assign`, await call("POST", `${P}/case_nope/assign`, { key, body: { assignee: ana, actor: ana } }));
    // Anchoring, then the anchored case's record (chain.anchor set).
    await conform("post", "/admin/v1/audit/anchor", await admin("POST", "/audit/anchor"));
    await conform("post", "/admin/v1/audit/anchor", await admin("POST", "/audit/anchor")); // nothing changed
    await conform("get", `${P}/{id}`, await call("GET", `${P}/${id}`, { key }));
    // A record rewritten in the database: verified false, and a change refused (409 case_record_invalid).
    await env.DB.prepare("UPDATE cases SET status = 'open' WHERE id = ?").bind(held.case_id).run();
    await conform("get", `${P}/{id}`, await call("GET", `${P}/${held.case_id}`, { key }));
    await conform("post", `${P}/{id}/assign`, await call("POST", `${P}/${held.case_id}/assign`, { key, body: { assignee: ana, actor: ana } }));
  });

  it("screening: search and its errors", async () => {
    const P = "/api/v1/screening/search";
    const tenant = await createTenant();
    const key = await createKey(tenant.id, "test", ["screening:read"]);
    await seedList("un_sc", [listed({ list: "un_sc", entity_id: "1", name: "ABDUL HAI SALEK", birth_dates: ["1968"] })]);
    const found = await conform("post", P, await call("POST", P, { key, body: { name: "Abdul Hai Salek", lists: ["un_sc"], birth_date: "1968" } }));
    expect(found.matches).toHaveLength(1);
    await conform("post", P, await call("POST", P, { key, body: { name: "Abdul Hai Salek", document: "529.982.247-25", lists: ["un_sc"] } }));
    await conform("post", P, await call("POST", P, { key, body: { name: "Abdul Hai Salek", lists: ["ofac_sdn"] } })); // 503 list_not_ready
    const pinned = await conform("post", P, await call("POST", P, { key, body: { name: "Abdul Hai Salek", lists: ["un_sc"], versions: { un_sc: found.lists[0].sha256 } } }));
    expect(pinned.matches).toHaveLength(1);
    await conform("post", P, await call("POST", P, { key, body: { name: "Abdul Hai Salek", versions: { un_sc: "0".repeat(64) } } })); // 409 list_version_gone
    await conform("post", P, await call("POST", P, { key, body: { name: "" } })); // 400
    await conform("post", P, await call("POST", P, { key: await createKey(tenant.id, "test", ["runs:read"]), body: { name: "X" } })); // 403
  });

  it("companies: a lookup, the registry's admin plane and their errors", async () => {
    const P = "/api/v1/companies/{cnpj}";
    const tenant = await createTenant();
    const key = await createKey(tenant.id, "test", ["registry:read"]);
    await conform("get", P, await call("GET", "/api/v1/companies/11222333000181", { key })); // 503 registry_not_ready
    await conform("get", "/admin/v1/registry", await admin("GET", "/registry")); // empty
    expect((await buildAndPublish("2026-08")).outcome.status).toBe("ready");
    const c = TRUTH.companies.find((x) => x.partners.length > 1)!;
    const found = await conform("get", P, await call("GET", `/api/v1/companies/${c.cnpj}`, { key }));
    expect(found.cnpj_root).toBe(c.cnpj_basico);
    await conform("get", P, await call("GET", "/api/v1/companies/11222333000181", { key })); // 404
    await conform("get", P, await call("GET", "/api/v1/companies/11222333000182", { key })); // 400
    await conform("get", P, await call("GET", `/api/v1/companies/${c.cnpj}`, { key: await createKey(tenant.id, "test", ["runs:read"]) })); // 403
    await conform("get", "/admin/v1/registry", await admin("GET", "/registry")); // ready
    await conform("post", "/admin/v1/registry/refresh", await admin("POST", "/registry/refresh", { month: "2026-09" })); // 202
    await conform("post", "/admin/v1/registry/refresh", await admin("POST", "/registry/refresh", { month: "09/2026" })); // 400
  });

  it("admin plane: screening lists, a refresh and their errors", async () => {
    const A = "/admin/v1/lists";
    await conform("get", A, await admin("GET", "/lists"));
    await conform("get", `${A}/{id}`, await admin("GET", "/lists/cgu_pep"));
    await conform("get", `${A}/{id}`, await admin("GET", "/lists/nope")); // 404
    await seedList("ofac_cons", [listed({ list: "ofac_cons", entity_id: "c-1", entity_type: "organization", name: "SALEK TRADING COMPANY LLC" })]);
    const versions = await conform("get", `${A}/{id}/versions`, await admin("GET", "/lists/ofac_cons/versions"));
    expect(versions.data[0]).toMatchObject({ current: true, entities: 1, added: 1 });
    await conform("get", `${A}/{id}/versions`, await admin("GET", "/lists/nope/versions")); // 404
    await conform("post", `${A}/{id}/refresh`, await admin("POST", "/lists/cgu_pep/refresh")); // 202 (the download fails later: no network in tests)
    await conform("post", `${A}/{id}/refresh`, await admin("POST", "/lists/nope/refresh")); // 404
    await conform("get", A, await call("GET", A)); // 401
  });

  it("meta: the document, the page, health", async () => {
    await conform("get", "/api/v1/openapi.json", await call("GET", "/api/v1/openapi.json"));
    await conform("get", "/docs", await call("GET", "/docs"));
    await conform("get", "/health", await call("GET", "/health"));
  });

  it("admin plane: tenants, keys, templates, webhook endpoints and their errors", async () => {
    const A = "/admin/v1";
    const slug = `oa-${Date.now().toString(36)}`;
    const tenant = await conform("post", `${A}/tenants`, await admin("POST", "/tenants", { name: "OpenAPI", slug, credits: 10 }));
    await conform("post", `${A}/tenants`, await admin("POST", "/tenants", { name: "OpenAPI", slug })); // 409
    await conform("post", `${A}/tenants`, await admin("POST", "/tenants", { name: "" })); // 400
    await conform("post", `${A}/tenants`, await call("POST", `${A}/tenants`, { body: { name: "x", slug: "xx" } })); // 401
    await conform("get", `${A}/tenants/{id}`, await admin("GET", `/tenants/${tenant.id}`));
    await conform("get", `${A}/tenants/{id}`, await admin("GET", "/tenants/ten_nope"));
    await conform("patch", `${A}/tenants/{id}`, await admin("PATCH", `/tenants/${tenant.id}`, { credits: 20 }));
    await conform("patch", `${A}/tenants/{id}`, await admin("PATCH", "/tenants/ten_nope", { credits: 20 }));
    const key = await conform("post", `${A}/tenants/{id}/api-keys`, await admin("POST", `/tenants/${tenant.id}/api-keys`, { name: "k", environment: "test" }));
    await conform("post", `${A}/tenants/{id}/api-keys`, await admin("POST", "/tenants/ten_nope/api-keys", { name: "k", environment: "test" }));
    await conform("delete", `${A}/api-keys/{id}`, await admin("DELETE", `/api-keys/${key.id}`));
    await conform("delete", `${A}/api-keys/{id}`, await admin("DELETE", "/api-keys/key_nope"));

    await conform("get", `${A}/templates`, await admin("GET", "/templates"));
    const def = {
      tenant_id: tenant.id,
      name: "OA PF",
      subject_type: "pf",
      parametros_schema: { type: "object", properties: { cpf: { type: "string" } }, required: ["cpf"] },
      sources: [{ source: "receita_federal_cpf", phase: "critical", on_hit: "block" }],
    };
    const tpl = await conform("post", `${A}/templates`, await admin("POST", "/templates", def));
    await conform("post", `${A}/templates`, await admin("POST", "/templates", { ...def, sources: [] }));
    await conform("post", `${A}/templates/{id}/versions`, await admin("POST", `/templates/${tpl.id}/versions`, { ...def, name: "OA PF 2" }));
    await conform("post", `${A}/templates/{id}/versions`, await admin("POST", "/templates/tpl_nope/versions", def));
    await conform("post", `${A}/templates/{id}/publish`, await admin("POST", `/templates/${tpl.id}/publish`));
    await conform("post", `${A}/templates/{id}/publish`, await admin("POST", `/templates/${tpl.id}/publish`)); // 409 no draft
    await conform("post", `${A}/templates/{id}/publish`, await admin("POST", "/templates/tpl_nope/publish"));

    const W = `${A}/tenants/{id}/webhook-endpoints`;
    const endpoint = await conform("post", W, await admin("POST", `/tenants/${tenant.id}/webhook-endpoints`, { url: "https://hooks.example.com/a" }));
    await conform("post", W, await admin("POST", `/tenants/${tenant.id}/webhook-endpoints`, { url: "http://127.0.0.1/a" })); // 400
    await conform("get", W, await admin("GET", `/tenants/${tenant.id}/webhook-endpoints`));
    await conform("get", W, await admin("GET", "/tenants/ten_nope/webhook-endpoints"));
    await conform("get", `${W}/{endpoint_id}`, await admin("GET", `/tenants/${tenant.id}/webhook-endpoints/${endpoint.id}`));
    await conform("get", `${W}/{endpoint_id}`, await admin("GET", `/tenants/${tenant.id}/webhook-endpoints/whe_nope`));
    await conform("delete", `${W}/{endpoint_id}`, await admin("DELETE", `/tenants/${tenant.id}/webhook-endpoints/${endpoint.id}`));
    await conform("delete", `${W}/{endpoint_id}`, await admin("DELETE", `/tenants/${tenant.id}/webhook-endpoints/whe_nope`));
    const S = `${A}/tenants/{id}/webhook-override-secret`;
    await conform("get", S, await admin("GET", `/tenants/${tenant.id}/webhook-override-secret?environment=test`));
    await conform("get", S, await admin("GET", `/tenants/${tenant.id}/webhook-override-secret?environment=prod`));
  });

  it("admin plane: console users and their errors", async () => {
    const U = "/admin/v1/tenants/{id}/users";
    const tenant = await conform("post", "/admin/v1/tenants", await admin("POST", "/tenants", { name: "OA users", slug: `oa-u-${Date.now().toString(36)}` }));
    const email = `oa.${Date.now().toString(36)}@example.com`;
    const user = await conform("post", U, await admin("POST", `/tenants/${tenant.id}/users`, { email, role: "approver", name: "OA" }));
    await conform("post", U, await admin("POST", `/tenants/${tenant.id}/users`, { email, role: "analyst" })); // 409
    await conform("post", U, await admin("POST", `/tenants/${tenant.id}/users`, { email: "nope", role: "analyst" })); // 400
    await conform("post", U, await admin("POST", "/tenants/ten_nope/users", { email: "x@example.com", role: "analyst" })); // 404
    await conform("get", U, await admin("GET", `/tenants/${tenant.id}/users`));
    await conform("get", U, await admin("GET", "/tenants/ten_nope/users"));
    await conform("delete", `${U}/{user_id}`, await admin("DELETE", `/tenants/${tenant.id}/users/${user.id}`));
    await conform("delete", `${U}/{user_id}`, await admin("DELETE", `/tenants/${tenant.id}/users/${user.id}`)); // 404
  });

  it("monitoring: subjects, imports, alerts and their errors", async () => {
    const tenant = await createTenant();
    const key = await createKey(tenant.id, "test", ["monitoring:read", "monitoring:write", "cases:read"]);
    const reader = await createKey(tenant.id, "test", ["monitoring:read"]);
    const S = "/api/v1/monitoring/subjects";
    const I = "/api/v1/monitoring/imports";
    const AL = "/api/v1/monitoring/alerts";
    await seedList("un_sc", [listed({ list: "un_sc", entity_id: "M1", name: "Hassan Ali Jaber", birth_dates: ["1966"] })]);
    const created = await conform("post", S, await call("POST", S, { key, body: { document: "529.982.247-25", name: "Hassan Ali Jaber", birth_date: "1966-01-01" } }));
    await conform("post", S, await call("POST", S, { key, body: { document: "529.982.247-25", name: "Hassan Ali Jaber", birth_date: "1966-01-01" } })); // 200
    await conform("post", S, await call("POST", S, { key, body: { document: "529.982.247-24", name: "X" } })); // 400 invalid_document
    await conform("post", S, await call("POST", S, { key, body: { name: "X" } })); // 400 missing_document
    await conform("post", S, await call("POST", S, { key: reader, body: { document: "529.982.247-25", name: "X" } })); // 403
    await conform("get", S, await call("GET", S, { key }));
    await conform("get", S, await call("GET", `${S}?limit=0`, { key }));
    await conform("get", `${S}/{id}`, await call("GET", `${S}/${created.id}`, { key }));
    await conform("get", `${S}/{id}`, await call("GET", `${S}/mon_nope`, { key }));
    const csv = "document,name,birth_date\n111.444.777-35,Rafael Lima,1990\n123,Linha Ruim,\n";
    const imp = await conform("post", I, await call("POST", I, { key, rawBody: csv, headers: { "content-type": "text/csv" } }));
    await conform("post", I, await call("POST", I, { key, rawBody: "a;b\n1;2\n", headers: { "content-type": "text/csv" } })); // 400 invalid_import
    // The queue's work, as its consumer does it (tests record messages instead of delivering them).
    const { handleMonitoringMessage } = await import("../src/monitoring/queue");
    const { monitoringSent } = await import("./helpers/transports");
    const { monitoringEnv } = await import("./helpers/monitoring");
    while (monitoringSent.length) await handleMonitoringMessage(monitoringEnv(), monitoringSent.shift()!);
    await conform("get", I, await call("GET", I, { key }));
    await conform("get", I, await call("GET", `${I}?cursor=abc`, { key }));
    await conform("get", `${I}/{id}`, await call("GET", `${I}/${imp.id}`, { key }));
    await conform("get", `${I}/{id}`, await call("GET", `${I}/imp_nope`, { key }));
    await conform("get", `${I}/{id}/errors`, await call("GET", `${I}/${imp.id}/errors`, { key }));
    await conform("get", `${I}/{id}/errors`, await call("GET", `${I}/imp_nope/errors`, { key }));
    const alerts = await conform("get", AL, await call("GET", AL, { key }));
    expect(alerts.data).toHaveLength(1);
    await conform("get", AL, await call("GET", `${AL}?kind=match_created&status=open&list=un_sc`, { key }));
    await conform("get", AL, await call("GET", `${AL}?kind=nope`, { key }));
    await conform("get", `${AL}/{id}`, await call("GET", `${AL}/${alerts.data[0].id}`, { key }));
    await conform("get", `${AL}/{id}`, await call("GET", `${AL}/alr_nope`, { key }));
    await conform("get", "/api/v1/bureau/cases/{id}", await call("GET", `/api/v1/bureau/cases/${alerts.data[0].case_id}`, { key }));
    await conform("delete", `${S}/{id}`, await call("DELETE", `${S}/${created.id}`, { key }));
    await conform("delete", `${S}/{id}`, await call("DELETE", `${S}/mon_nope`, { key }));
  });

  it("every operation had at least one documented success response checked against a real one", () => {
    for (const item of Object.values<Json>(doc.paths)) {
      for (const op of Object.values<Json>(item)) {
        const successes = Object.keys(op.responses).filter((s) => /^[23]/.test(s));
        const seen = [...(checked.get(op.operationId) ?? [])];
        expect(
          successes.filter((s) => seen.includes(s)),
          `${op.operationId}: documented ${successes.join(",")}, checked ${seen.join(",")}`,
        ).not.toEqual([]);
      }
    }
  });
});
