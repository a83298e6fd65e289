// Reports (contract §9): generate (reports:write), get a signed URL (runs:read),
// and the signed download route itself (no API key: the signature is the credential).
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { generateReport, openDownload, reportDownloadUrl } from "../../reports/service";
import { servicesFor } from "../../runs/service";
import { ApiError } from "../errors";
import { requireScope } from "../middleware/auth";
import { sessionOptions } from "../middleware/d1-session";
import { ReportQuerySchema } from "../schemas/reports";
import { validate } from "../validate";

const modeQuery = validate("query", ReportQuerySchema, () => "invalid_mode");

export const reportRoutes = new Hono<AppEnv>();

reportRoutes.post("/runs/:id/report", requireScope("reports:write"), modeQuery, async (c) => {
  const { mode } = c.req.valid("query");
  const { created, report } = await generateReport(servicesFor(c.env, c.get("auth"), sessionOptions(c)), c.req.param("id"), mode as "resumido");
  return c.json(report, created ? 201 : 200);
});

reportRoutes.get("/runs/:id/report", requireScope("runs:read"), modeQuery, async (c) => {
  const { mode } = c.req.valid("query");
  const origin = new URL(c.req.url).origin;
  const url = await reportDownloadUrl(servicesFor(c.env, c.get("auth"), sessionOptions(c)), origin, c.req.param("id"), mode as "resumido");
  c.header("Cache-Control", "no-store");
  return c.redirect(url, 302);
});

export const downloadRoutes = new Hono<AppEnv>();

downloadRoutes.get("/downloads/reports/:runId", async (c) => {
  const file = await openDownload(c.env, c.req.param("runId"), c.req.query(), Date.now());
  if (!file) throw new ApiError("report_not_generated");
  return new Response(file.body, {
    status: 200,
    headers: {
      "content-type": "application/pdf",
      "content-length": String(file.size),
      "content-disposition": `attachment; filename="kycert-${c.req.param("runId")}-${file.mode}.pdf"`,
      etag: file.etag,
      "cache-control": "private, max-age=3600, immutable",
      "x-content-type-options": "nosniff",
      "x-request-id": c.get("requestId"),
    },
  });
});
