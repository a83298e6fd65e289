// What a client generator and a reader of /docs get from the document: an
// example on every response (and on every webhook), each one valid against
// its schema in the exact form (closed objects: a field the schema does not
// document fails); every delivered event type in `webhooks`; query integers
// and flags typed as such; the sandbox's test documents in the guide; and no
// reader sent to a contract they do not have.
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it, vi } from "vitest";
import { WEBHOOK_EVENT_TYPES } from "../../src/domain/webhook-events";
import { buildOpenApiDocument, type Json } from "../../src/http/openapi/document";
import { SANDBOX_DOCUMENTS } from "../../src/sources/sandbox-catalog";

// Hundreds of schemas to compile on a loaded 2-core machine.
vi.setConfig({ testTimeout: 60_000 });

const doc = buildOpenApiDocument({ exactResponses: true });
const operations = Object.entries<Json>(doc.paths).flatMap(([path, item]) => Object.entries<Json>(item).map(([method, op]) => ({ path, method, op })));

function validator() {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  // $refs point into the document: serve its components as a schema of their own.
  ajv.addSchema({ $id: "doc", components: { schemas: doc.components.schemas } });
  // Compiled once per distinct schema: the error responses of the operations share a few.
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  return (schema: Json) => {
    const text = JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/');
    if (!compiled.has(text)) compiled.set(text, ajv.compile(JSON.parse(text)));
    return compiled.get(text)!;
  };
}

describe("examples in the document", () => {
  const compile = validator();

  it("every operation has an example on a success response", () => {
    const without = operations.filter(({ op }) =>
      !Object.entries<Json>(op.responses).some(([status, r]) => /^2/.test(status) && Object.values<Json>(r.content ?? {}).some((m) => m.example !== undefined)),
    );
    expect(without.map(({ op }) => op.operationId)).toEqual([]);
  });

  it("every response example (successes and errors) is valid against its schema", () => {
    let checked = 0;
    for (const { op } of operations) {
      for (const [status, r] of Object.entries<Json>(op.responses)) {
        for (const [type, media] of Object.entries<Json>(r.content ?? {})) {
          if (media.example === undefined) continue;
          const validate = compile(media.schema);
          expect(validate(media.example), `${op.operationId} ${status} ${type}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it("the validation is not a no-op: an example with an undocumented field, or a missing one, fails", () => {
    const run = doc.paths["/api/v1/bureau/runs/{id}"].get.responses["200"].content["application/json"];
    const validate = compile(run.schema);
    expect(validate(run.example)).toBe(true);
    expect(validate({ ...run.example, surprise: 1 })).toBe(false);
    const { webhook_url: _w, ...missing } = run.example;
    expect(validate(missing)).toBe(false);
  });

  it("request body examples are valid too", () => {
    for (const { op } of operations) {
      const media = op.requestBody?.content?.["application/json"];
      if (!media?.example) continue;
      const validate = compile(media.schema);
      expect(validate(media.example), `${op.operationId}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
    }
  });
});

describe("webhooks", () => {
  it("every event type the service delivers is declared, with a valid example body", () => {
    const compile = validator();
    expect(Object.keys(doc.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    for (const type of WEBHOOK_EVENT_TYPES) {
      const media = doc.webhooks[type].post.requestBody.content["application/json"];
      expect(media.example.event, type).toBe(type);
      const validate = compile(media.schema);
      expect(validate(media.example), `${type}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      // The body of one type is not the body of another.
      const other = WEBHOOK_EVENT_TYPES.find((t) => t !== type)!;
      expect(validate({ ...media.example, event: other })).toBe(false);
    }
  });
});

describe("what a generated client and a reader see", () => {
  const param = (path: string, name: string) => (doc.paths[path].get.parameters as Json[]).find((p) => p.name === name)!;

  it("integer and boolean query parameters are typed as integers and booleans", () => {
    for (const path of ["/api/v1/bureau/runs", "/api/v1/bureau/cases", "/api/v1/bureau/events", "/api/v1/bureau/templates", "/api/v1/webhook-endpoints"]) {
      expect(param(path, "limit").schema, path).toMatchObject({ type: "integer", minimum: 1, maximum: 100, default: 20 });
    }
    expect(param("/api/v1/bureau/runs", "top_level").schema.type).toBe("boolean");
    expect(param("/api/v1/bureau/cases", "overdue").schema.type).toBe("boolean");
  });

  it("the guide lists every sandbox test document with what it produces", () => {
    const guide: string = doc.info.description;
    expect(guide).toContain("## Sandbox");
    for (const d of SANDBOX_DOCUMENTS) {
      const row = guide.split("\n").find((l) => l.includes(`\`${d.document}\``));
      expect(row, d.document).toBeDefined();
      expect(row).toContain(`\`${d.status}\``);
      expect(row).toContain(d.decision === null ? "null" : `\`${d.decision}\``);
    }
  });

  it("sends nobody to the contract: no section numbers, no path outside the repository", () => {
    const text = JSON.stringify(buildOpenApiDocument());
    expect(text).not.toMatch(/contract §|§\d|\.\.\/shared/i);
  });
});
