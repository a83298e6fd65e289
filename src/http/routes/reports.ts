// Reports (contract §9): generate (reports:write), get a signed URL (runs:read),
// and the signed download route itself (no API key: the signature is the credential).
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env";
import { generateReport, openDownload, reportDownloadUrl } from "../../reports/service";
import { servicesFor } from "../../runs/service";
import { ApiError } from "../errors";
import { sessionOptions } from "../middleware/d1-session";
import { defineRoute, ok, route, router } from "../openapi/route";
import { REPORT_MODES } from "../schemas/reports";
import * as R from "../schemas/responses";
import { RunIdParams } from "./runs";

const services = (c: Context<AppEnv>) => servicesFor(c.env, c.get("auth"), sessionOptions(c));
const modeQuery = (description: string) => z.object({ mode: z.enum(REPORT_MODES).meta({ description }) });

const generate = defineRoute(
  route({
    method: "post",
    path: "/runs/{id}/report",
    operationId: "generateReport",
    tag: "Reports",
    summary: "Generate a PDF report",
    description: "Renders the report once per (run, mode) and stores it; later calls return the same object (200) and regenerate nothing.",
    auth: "api_key",
    scope: "reports:write",
    request: { params: RunIdParams, query: modeQuery("`resumido` (~3 pages) or `completo` (every source and check). Missing or other → invalid_mode.") },
    responses: { 201: ok("Generated now.", R.Report), 200: ok("Already generated: the same report object.", R.Report) },
    errors: ["invalid_mode", "run_not_terminal", "run_not_found"],
  }),
  async (c) => {
    const { created, report } = await generateReport(services(c), c.req.valid("param").id, c.req.valid("query").mode);
    return created ? c.json(report, 201) : c.json(report, 200);
  },
  () => "invalid_mode",
);

const signedUrl = defineRoute(
  route({
    method: "get",
    path: "/runs/{id}/report",
    operationId: "getReportUrl",
    tag: "Reports",
    summary: "Get a signed download URL",
    description:
      "302 to a URL of this API, signed (HMAC-SHA256 over tenant, run, mode and expiry) and valid for 1 hour: following it streams the PDF, identical bytes every time (`curl -L`). With `format=json` the answer is 200 with the URL and its expiry instead, for clients that must not follow the redirect themselves (generated clients parse a 2xx body as JSON); GET the `url` for the PDF.",
    auth: "api_key",
    scope: "runs:read",
    request: {
      params: RunIdParams,
      query: modeQuery("`resumido` or `completo`. Missing or other → invalid_mode.").extend({
        format: z
          .enum(["json"], { error: () => "use json (ou omita para o redirecionamento)" })
          .optional()
          .meta({ description: "`json`: answer 200 with `{url, expires_at}` instead of the 302." }),
      }),
    },
    responses: {
      200: ok("`format=json`: the signed URL and when it expires.", R.ReportUrl),
      302: ok("Redirect to the signed download URL.", undefined, ["Location"]),
    },
    errors: ["invalid_mode", "invalid_request", "run_not_terminal", "report_not_generated", "run_not_found"],
  }),
  async (c) => {
    const origin = new URL(c.req.url).origin;
    const { mode, format } = c.req.valid("query");
    const { url, expiresAt } = await reportDownloadUrl(services(c), origin, c.req.valid("param").id, mode);
    c.header("Cache-Control", "no-store");
    if (format === "json") return c.json({ object: "report_url" as const, run_id: c.req.valid("param").id, mode, url, expires_at: expiresAt }, 200);
    return c.redirect(url, 302);
  },
  (path) => (path === "format" ? "invalid_request" : "invalid_mode"),
);

export const reportRoutes = router([generate, signedUrl]);

// Documented as required, validated by nobody but openDownload: it checks the
// signature over all of them (a missing field is a bad signature, 403).
const signed = (description: string, required = true) => z.string().optional().meta({ description, param: { required } });

const download = defineRoute(
  route({
    method: "get",
    path: "/downloads/reports/{runId}",
    operationId: "downloadReport",
    tag: "Reports",
    summary: "Download a report (signed URL)",
    description: "The URL returned by `getReportUrl`; the signature is the credential (no API key). Expired → 410; altered → 403.",
    auth: "none",
    request: {
      params: z.object({ runId: z.string().meta({ description: "The run id." }) }),
      query: z.object({
        tenant: signed("Signed field."),
        mode: signed("Signed field: resumido | completo."),
        exp: signed("Signed field: expiry, unix seconds."),
        v: signed("Signed field: `resolved` for the report rendered after the run's review case was resolved (absent otherwise).", false),
        sig: signed("HMAC-SHA256 signature, hex."),
      }),
    },
    responses: { 200: { description: "The PDF.", content: { "application/pdf": { schema: { type: "string", contentMediaType: "application/pdf" } } } } },
    errors: ["invalid_signature", "url_expired", "report_not_generated"],
  }),
  async (c) => {
    const runId = c.req.param("runId");
    const file = await openDownload(c.env, runId, c.req.query(), Date.now());
    if (!file) throw new ApiError("report_not_generated");
    return new Response(file.body, {
      status: 200,
      headers: {
        "content-type": "application/pdf",
        "content-length": String(file.size),
        "content-disposition": `attachment; filename="kycert-${runId}-${file.mode}.pdf"`,
        etag: file.etag,
        "cache-control": "private, max-age=3600, immutable",
        "x-content-type-options": "nosniff",
        "x-request-id": c.get("requestId"),
      },
    });
  },
);

export const downloadRoutes = router([download]);
