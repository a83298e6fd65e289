// The Hono app: middleware order, routers, and the one place errors are rendered.
import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env";
import { DomainError } from "./domain/errors";
import { redactForLog } from "./domain/redaction";
import { ApiError, errorBody, fromDomainError } from "./http/errors";
import { apiVersion } from "./http/middleware/api-version";
import { adminAuth, apiKeyAuth, keyAuth } from "./http/middleware/auth";
import type { AuthContext } from "./lib/api-keys";
import { d1Session } from "./http/middleware/d1-session";
import { rateLimit } from "./http/middleware/rate-limit";
import { requestId } from "./http/middleware/request-id";
import { adminRoutes } from "./http/routes/admin";
import { adminAuditRoutes } from "./http/routes/admin-audit";
import { adminListRoutes } from "./http/routes/admin-lists";
import { adminRegistryRoutes } from "./http/routes/admin-registry";
import { casesRoutes } from "./http/routes/cases";
import { companiesRoutes } from "./http/routes/companies";
import { monitoringRoutes } from "./http/routes/monitoring";
import { docsRoutes } from "./http/routes/docs";
import { eventsRoutes } from "./http/routes/events";
import { healthRoutes } from "./http/routes/health";
import { downloadRoutes, reportRoutes } from "./http/routes/reports";
import { runsRoutes } from "./http/routes/runs";
import { screeningRoutes } from "./http/routes/screening";
import { templatesRoutes } from "./http/routes/templates";
import { webhookEndpointRoutes } from "./http/routes/webhook-endpoints";
import { adminUserRoutes } from "./http/routes/users";
import { generateDocument } from "./http/openapi/generate";
import { methodsByPath } from "./http/method-not-allowed";
import { zodMessage } from "./http/validate";
import { consoleRoutes } from "./console/routes";

// Validation messages in pt-BR, like the rest of the API's messages (`pt` is
// European Portuguese: "registo"); zodMessage words missing fields and limits.
z.config(z.locales.ptBR());
z.config({ customError: zodMessage });

/**
 * Bench only (bench/middleware-entry.ts measures the middleware's cost); the
 * Worker (src/index.ts) uses the defaults. Code options, not configuration:
 * no variable or request can turn authentication off.
 */
export interface AppOptions {
  /** Replaces API-key authentication with this fixed identity (no key, no D1 read). */
  fixedAuth?: AuthContext;
  /** false: no rate limiting. */
  rateLimit?: boolean;
}


export function createApp(options: AppOptions = {}) {
  // OpenAPIHono: the routers' createRoute declarations gather in its registry,
  // from which /api/v1/openapi.json is generated (on its first request).
  const app = new OpenAPIHono<AppEnv>();
  app.use("*", requestId);

  app.route("/", healthRoutes);
  // /api/v1 order: version (before anything that can answer, so every answer
  // has the version's shape and echo) → public docs (answer before the key is
  // asked for) → API key → rate limit (counts authenticated requests only) → routes.
  app.use("/api/v1/*", apiVersion);
  app.route("/", docsRoutes(() => generateDocument(app)));
  const fixed = options.fixedAuth;
  // The D1 session before the key: a key not in the location cache is read from a replica.
  app.use("/api/v1/*", d1Session);
  // Without the limiter (a bench option) nothing would check revocation of a cached key: read keys from D1.
  const auth = options.rateLimit === false ? keyAuth({ cache: false }) : apiKeyAuth;
  app.use("/api/v1/*", fixed ? createMiddleware<AppEnv>((c, next) => (c.set("auth", fixed), next())) : auth);
  if (options.rateLimit !== false) app.use("/api/v1/*", rateLimit);
  app.route("/api/v1/bureau", runsRoutes);
  app.route("/api/v1/bureau", reportRoutes);
  app.route("/api/v1/bureau", templatesRoutes);
  app.route("/api/v1/bureau", eventsRoutes);
  app.route("/api/v1/bureau", casesRoutes);
  app.route("/api/v1/screening", screeningRoutes);
  app.route("/api/v1", webhookEndpointRoutes);
  app.route("/api/v1", companiesRoutes);
  app.route("/api/v1/monitoring", monitoringRoutes);
  app.route("/", downloadRoutes);
  // Every /admin/v1 request, known route or not, needs the admin token.
  app.use("/admin/v1/*", adminAuth);
  app.route("/admin/v1", adminRoutes);
  app.route("/admin/v1", adminListRoutes);
  app.route("/admin/v1", adminRegistryRoutes);
  app.route("/admin/v1", adminUserRoutes);
  app.route("/admin/v1", adminAuditRoutes);
  app.route("/console", consoleRoutes);

  // Read from the route table on the first miss: every router is mounted by then.
  let allowed: ((path: string) => string[]) | undefined;
  app.notFound((c) => {
    allowed ??= methodsByPath(app.routes);
    const methods = allowed(c.req.path);
    if (methods.length > 0) {
      throw new ApiError("method_not_allowed", `Método ${c.req.method} não permitido nesta rota (use: ${methods.join(", ")}).`, undefined, undefined, {
        Allow: methods.join(", "),
      });
    }
    throw new ApiError("route_not_found");
  });

  app.onError((err, c) => {
    const requestId = c.get("requestId") ?? "req_unknown";
    let apiError: ApiError;
    if (err instanceof ApiError) apiError = err;
    else if (err instanceof DomainError) apiError = fromDomainError(err);
    else if (err instanceof HTTPException && err.status === 400) apiError = new ApiError("invalid_json");
    // @hono/zod-openapi's media-type gate: jsonBody answers first for every route with a body; this keeps the envelope if one ever has none.
    else if (err instanceof HTTPException && err.status === 415) apiError = new ApiError("unsupported_media_type", undefined, "Content-Type");
    else {
      // Never leak stack traces, SQL or secrets: log the error class and request id only.
      console.error(JSON.stringify({ level: "error", request_id: requestId, error: err.name, message: redactForLog(err.message).slice(0, 200) }));
      apiError = new ApiError("internal_error");
    }
    c.header("X-Request-Id", requestId);
    for (const [k, v] of Object.entries(apiError.headers ?? {})) c.header(k, v);
    return c.json(errorBody(apiError, requestId), apiError.status);
  });
  return app;
}
