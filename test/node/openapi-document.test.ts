// The OpenAPI document is valid OpenAPI 3.1 (the official 3.1 schema, through
// @seriousme/openapi-schema-validator, which needs Node: ajv compiles code,
// which workerd does not allow), and every Schema Object in it is a valid JSON
// Schema 2020-12 (the 3.1 schema itself leaves Schema Objects open). Route coverage and response conformance are
// checked in workerd by test/openapi.test.ts.
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument, type Json } from "../../src/http/openapi/document";

function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

const resolve = (doc: Json, pointer: string) =>
  pointer
    .replace(/^#\//, "")
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<any>((node, key) => (node === undefined ? undefined : node[key]), doc);

describe("OpenAPI document", () => {
  it.each([
    ["published", buildOpenApiDocument({ serverUrl: "https://api.kycert.test" })],
    ["exact (tests)", buildOpenApiDocument({ exactResponses: true })],
  ])("the %s document validates against the OpenAPI 3.1 schema", async (_name, doc) => {
    const validator = new Validator();
    const res = await validator.validate(doc);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("the validator is not a no-op: broken documents fail", async () => {
    const doc = buildOpenApiDocument();
    const broken = [
      { ...doc, info: { title: "no version" } },
      { ...doc, paths: { ...doc.paths, "/x": { get: { responses: { "2000": { description: "bad status" } } } } } },
      { ...doc, components: { ...doc.components, securitySchemes: { K: { type: "apiKey" } } } },
    ];
    for (const b of broken) expect((await new Validator().validate(b)).valid).toBe(false);
  });

  it("every Schema Object is a valid JSON Schema 2020-12", () => {
    const doc = buildOpenApiDocument({ exactResponses: true });
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const schemas: [string, unknown][] = Object.entries<Json>(doc.components.schemas).map(([k, v]) => [`components.schemas.${k}`, v]);
    const walk = (node: unknown, at: string) => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${at}[${i}]`));
      else if (node && typeof node === "object") {
        for (const [k, v] of Object.entries(node)) {
          if (k === "schema" && v && typeof v === "object") schemas.push([`${at}.schema`, v]);
          else walk(v, `${at}.${k}`);
        }
      }
    };
    walk(doc.paths, "paths");
    walk(doc.webhooks, "webhooks");
    walk(doc.components.headers, "components.headers");
    walk(doc.components.parameters, "components.parameters");
    expect(schemas.length).toBeGreaterThan(100);
    for (const [at, schema] of schemas) {
      // $refs point into the OpenAPI document, not into the schema: check the shape only.
      expect(ajv.validateSchema(schema as object), `${at}: ${ajv.errorsText(ajv.errors)}`).toBe(true);
    }
  });

  it("every $ref resolves inside the document", () => {
    const doc = buildOpenApiDocument();
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(50);
    for (const r of new Set(all)) {
      expect(r.startsWith("#/"), r).toBe(true);
      expect(resolve(doc, r), r).toBeDefined();
    }
  });

  it("operation ids are unique and every operation has responses and a tag", () => {
    const doc = buildOpenApiDocument();
    const ids: string[] = [];
    for (const item of Object.values<Json>(doc.paths)) {
      for (const op of Object.values<Json>(item)) {
        ids.push(op.operationId);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        expect(op.tags).toHaveLength(1);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
