// The API's own documentation: the OpenAPI 3.1 document and the reference page
// rendered from it. Both public (no API key, not rate limited): they describe
// the API, they do not touch any tenant's data. Mounted in app.ts before the
// API-key middleware, which is what lets /api/v1/openapi.json bypass it.
import type { Json } from "../openapi/generate";
import { renderReferencePage } from "../openapi/reference-page";
import { defineRoute, route, router } from "../openapi/route";
import { supportedApiVersions } from "../versioning";

/** The document of the app these routes are mounted in, generated on first use (not at isolate start). */
export type DocumentSource = () => Json;

export function docsRoutes(document: DocumentSource) {
  // Built once per isolate (per set of versions: tests register fake ones).
  let cache: { key: string; doc: Json; page?: string } | undefined;
  const cached = () => {
    const key = supportedApiVersions()
      .map((v) => v.version)
      .join(",");
    if (cache?.key !== key) cache = { key, doc: document() };
    return cache;
  };

  const openapi = defineRoute(
    route({
      method: "get",
      path: "/api/v1/openapi.json",
      operationId: "getOpenApiDocument",
      tag: "Meta",
      summary: "This OpenAPI 3.1 document",
      description: "Public: no API key needed, not rate limited.",
      auth: "none",
      versioned: true,
      responses: { 200: { description: "The document.", content: { "application/json": { schema: { type: "object" } } } } },
      errors: [],
    }),
    (c) => {
      c.header("Cache-Control", "public, max-age=300");
      c.header("Access-Control-Allow-Origin", "*");
      return c.json({ ...cached().doc, servers: [{ url: new URL(c.req.url).origin }] }, 200);
    },
  );

  const reference = defineRoute(
    route({
      method: "get",
      path: "/docs",
      operationId: "getApiReference",
      tag: "Meta",
      summary: "API reference (HTML)",
      description: "This document rendered as a self-contained page. Public.",
      auth: "none",
      responses: { 200: { description: "The page.", content: { "text/html": { schema: { type: "string" } } } } },
      errors: [],
    }),
    (c) => {
      const entry = cached();
      entry.page ??= renderReferencePage(entry.doc);
      c.header("Cache-Control", "public, max-age=300");
      // Self-contained: no script at all, styles inline, nothing loaded from anywhere.
      c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      c.header("X-Content-Type-Options", "nosniff");
      return c.html(entry.page);
    },
  );

  return router([openapi, reference]);
}
