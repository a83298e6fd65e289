// The document generated from the route declarations (src/http/openapi/generate.ts)
// keeps the meaning the zod schemas have: what zod-to-openapi emits for a
// nullable component, and the open/closed response objects of the two forms.
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument, type Json } from "../../src/http/openapi/document";

function walk(node: unknown, visit: (n: Json, at: string) => void, at = "#") {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, visit, `${at}/${i}`));
  else if (node && typeof node === "object") {
    visit(node as Json, at);
    for (const [k, v] of Object.entries(node)) walk(v, visit, `${at}/${k}`);
  }
}

const nullable = (s: Json) => s.type === "null" || (Array.isArray(s.type) && s.type.includes("null"));

describe("generated OpenAPI document", () => {
  const doc = buildOpenApiDocument({ exactResponses: true });

  it("a component used as `X or null` stays non-null itself, and the use is anyOf [$ref, null]", () => {
    for (const name of ["Decision", "OperativeDecision", "RiskBand"]) {
      expect(nullable(doc.components.schemas[name]), name).toBe(false);
      expect(doc.components.schemas[name].enum, name).not.toContain(null);
    }
    expect(doc.components.schemas.Run.properties.decision).toEqual({ anyOf: [{ $ref: "#/components/schemas/Decision" }, { type: "null" }] });
    // The form no null can satisfy: allOf [a non-null $ref, {type: [..., "null"]}].
    const broken: string[] = [];
    walk(doc, (n, at) => {
      if (Array.isArray(n.allOf) && n.allOf.some((s: Json) => s.$ref) && n.allOf.some((s: Json) => nullable(s))) broken.push(at);
    });
    expect(broken).toEqual([]);
  });

  it("response objects are closed in the exact form and open in the published one; request bodies stay strict", () => {
    const open: string[] = [];
    walk(doc.components.schemas, (n, at) => {
      const isObject = n.type === "object" || (Array.isArray(n.type) && n.type.includes("object"));
      if (isObject && n.properties && n.additionalProperties === undefined) open.push(at);
    });
    expect(open).toEqual([]);
    const published = buildOpenApiDocument();
    expect(JSON.stringify(published.components.schemas)).not.toContain('"additionalProperties":false');
    const body = published.paths["/api/v1/bureau/runs"].post.requestBody.content["application/json"].schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.metadata.propertyNames).toEqual({ type: "string", minLength: 1, maxLength: 40 });
  });

  it("the outbound webhooks declare no security (the service sends them)", () => {
    for (const [event, item] of Object.entries<Json>(doc.webhooks)) expect(item.post.security, event).toEqual([]);
  });
});
