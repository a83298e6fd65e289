// JSON nesting: a body deeper than MAX_JSON_DEPTH (32 levels of objects and
// arrays, the body itself being level 1) is refused with 400 json_too_deep,
// wherever the depth is (parametros, metadata, an admin body) — never a 500.
// A body at the limit goes through, and the idempotency fingerprint
// (canonicalJson) is iterative, so it cannot overflow either.
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH, jsonDepth } from "../src/http/validate";
import { canonicalJson } from "../src/lib/crypto";
import { admin, call, createKey, createRun, createTenant, expectError, runToEnd } from "./helpers/api";

const CPF = "529.982.247-25";
let key: string;
let templateId: string;

beforeAll(async () => {
  const tenant = await createTenant(1000);
  key = await createKey(tenant.id, "test");
  // `extras` takes any JSON, so only the depth limit can refuse it.
  const res = await admin("POST", "/templates", {
    tenant_id: tenant.id,
    name: "Modelo com campo livre",
    subject_type: "pf",
    parametros_schema: { type: "object", properties: { cpf: { type: "string" }, extras: {} }, required: ["cpf"], additionalProperties: false },
    sources: [{ source: "receita_federal_cpf", phase: "critical", on_hit: "block" }],
  });
  expect(res.status).toBe(201);
  templateId = ((await res.json()) as { id: string }).id;
  expect((await admin("POST", `/templates/${templateId}/publish`)).status).toBe(200);
});

/** `levels` nested arrays ([[[…]]]) or objects ({"a":{"a":…}}) around a string. */
const nested = (kind: "array" | "object", levels: number): unknown => {
  let v: unknown = "x";
  for (let i = 0; i < levels; i++) v = kind === "array" ? [v] : { a: v };
  return v;
};

/** The raw request body text, checked to fit the 64 KiB cap so the test is about depth, not size. */
const bodyText = (body: unknown): string => {
  const text = JSON.stringify(body);
  expect(new TextEncoder().encode(text).byteLength).toBeLessThanOrEqual(MAX_BODY_BYTES);
  return text;
};

const post = (body: unknown, headers: Record<string, string> = {}) =>
  call("POST", "/api/v1/bureau/runs", { key, rawBody: bodyText(body), headers: { "content-type": "application/json", ...headers } });

describe("POST /runs: a body nested deeper than the limit is 400 json_too_deep", () => {
  for (const kind of ["array", "object"] as const) {
    it(`10 000 nested ${kind}s in parametros`, async () => {
      const body = { template_id: templateId, parametros: { cpf: CPF, extras: nested(kind, 10_000) } };
      const err = await expectError(await post(body), { status: 400, code: "json_too_deep", param: null });
      expect(err.message).toContain(`${MAX_JSON_DEPTH} níveis`);
    });

    it(`10 000 nested ${kind}s in metadata`, async () => {
      const body = { template_id: templateId, parametros: { cpf: CPF }, metadata: { pedido: nested(kind, 10_000) } };
      await expectError(await post(body), { status: 400, code: "json_too_deep", param: null });
    });

    it(`10 000 nested ${kind}s as the whole body`, async () => {
      await expectError(await post(nested(kind, 10_000)), { status: 400, code: "json_too_deep" });
    });
  }

  it("the same deep body with an Idempotency-Key is refused the same way (no claim, no 500)", async () => {
    const body = { template_id: templateId, parametros: { cpf: CPF, extras: nested("array", 10_000) } };
    const headers = { "Idempotency-Key": `deep-${crypto.randomUUID()}` };
    await expectError(await post(body, headers), { status: 400, code: "json_too_deep" });
    await expectError(await post(body, headers), { status: 400, code: "json_too_deep" });
  });

  it("one level past the limit is refused; brackets inside strings do not count", async () => {
    // body (1) → parametros (2) → extras (3): extras holds limit - 2 levels.
    const over = { template_id: templateId, parametros: { cpf: CPF, extras: nested("array", MAX_JSON_DEPTH - 1) } };
    await expectError(await post(over), { status: 400, code: "json_too_deep" });
    const stringy = { template_id: templateId, parametros: { cpf: CPF, extras: "[[[[".repeat(5000) + '\\"{{{{' } };
    expect((await post(stringy)).status).toBe(202);
  });

  it("a body exactly at the limit is accepted, replayed and run to the end", async () => {
    const extras = nested("object", MAX_JSON_DEPTH - 2);
    const body = { template_id: templateId, parametros: { cpf: CPF, extras } };
    expect(jsonDepth(JSON.stringify(body))).toBe(MAX_JSON_DEPTH);
    const headers = { "Idempotency-Key": `limit-${crypto.randomUUID()}` };
    const first = await post(body, headers);
    expect(first.status).toBe(202);
    const created = (await first.json()) as { run_id: string };
    const replay = await post(body, headers);
    expect(replay.status).toBe(202);
    expect(((await replay.json()) as { run_id: string }).run_id).toBe(created.run_id);
    const done = await runToEnd(key, created.run_id);
    expect(done.status).toBe("completed");
  });

  it("metadata at the limit fails on its own rule (strings only), not on depth", async () => {
    const body = { template_id: templateId, parametros: { cpf: CPF }, metadata: { pedido: nested("array", MAX_JSON_DEPTH - 2) } };
    await expectError(await post(body), { status: 400, code: "invalid_metadata", param: "metadata.pedido" });
  });
});

describe("admin bodies share the limit", () => {
  it("a template whose schema nests 10 000 levels is 400 json_too_deep", async () => {
    const res = await call("POST", "/admin/v1/templates", {
      headers: { Authorization: "Bearer test-admin-token", "content-type": "application/json" },
      rawBody: bodyText({ name: "Fundo", subject_type: "pf", parametros_schema: nested("object", 10_000), sources: [] }),
    });
    await expectError(res, { status: 400, code: "json_too_deep" });
  });
});

describe("canonicalJson", () => {
  it("does not overflow on 100 000 levels", () => {
    const n = 100_000;
    expect(canonicalJson(nested("array", n))).toBe(`${"[".repeat(n)}"x"${"]".repeat(n)}`);
    expect(canonicalJson(nested("object", n))).toBe(`${'{"a":'.repeat(n)}"x"${"}".repeat(n)}`);
  });

  it("keeps its output: sorted keys at every level, undefined dropped in objects and null in arrays", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, "2", null, { z: true, y: undefined }], c: "é" }, u: undefined })).toBe(
      '{"a":{"c":"é","d":[1,"2",null,{"z":true}]},"b":1}',
    );
    expect(canonicalJson([undefined, 1])).toBe("[null,1]");
    expect(canonicalJson([])).toBe("[]");
    expect(canonicalJson({})).toBe("{}");
    expect(canonicalJson("a\"b")).toBe('"a\\"b"');
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson(undefined)).toBe("null");
  });
});
