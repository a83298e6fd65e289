// The API's own documentation: the OpenAPI 3.1 document and the reference page
// rendered from it. Both public (no API key, not rate limited): they describe
// the API, they do not touch any tenant's data. Mounted in app.ts before the
// API-key middleware, which is what lets /api/v1/openapi.json bypass it.
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { buildOpenApiDocument, type Json } from "../openapi/document";
import { renderReferencePage } from "../openapi/reference-page";
import { supportedApiVersions } from "../versioning";

// Built once per isolate (per set of versions: tests register fake ones).
let cache: { key: string; doc: Json; page?: string } | undefined;
function cached() {
  const key = supportedApiVersions()
    .map((v) => v.version)
    .join(",");
  if (cache?.key !== key) cache = { key, doc: buildOpenApiDocument() };
  return cache;
}

export const docsRoutes = new Hono<AppEnv>();

docsRoutes.get("/api/v1/openapi.json", (c) => {
  c.header("Cache-Control", "public, max-age=300");
  c.header("Access-Control-Allow-Origin", "*");
  return c.json({ ...cached().doc, servers: [{ url: new URL(c.req.url).origin }] });
});

docsRoutes.get("/docs", (c) => {
  const entry = cached();
  entry.page ??= renderReferencePage(entry.doc);
  c.header("Cache-Control", "public, max-age=300");
  // Self-contained: no script at all, styles inline, nothing loaded from anywhere.
  c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  c.header("X-Content-Type-Options", "nosniff");
  return c.html(entry.page);
});
