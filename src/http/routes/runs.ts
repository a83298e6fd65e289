// /api/v1/bureau/runs — validate, call one service function, respond.
import { Hono } from "hono";
import { ANALYSIS_VERSION } from "../../domain/analysis";
import type { AppEnv } from "../../env";
import { callLog, cancelRun, createRun, getRun, listRunsPage, servicesFor } from "../../runs/service";
import { isTerminalRow, pendingBody, runBodyView, storedResult } from "../../runs/views";
import { ApiError } from "../errors";
import { requireScope } from "../middleware/auth";
import { sessionOptions } from "../middleware/d1-session";
import { CreateRunSchema, createRunErrorCode, ListRunsQuerySchema, listRunsErrorCode } from "../schemas/runs";
import { jsonBody, validate } from "../validate";
import type { Context } from "hono";
import type { RunRow } from "../../db/queries/runs";

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

export const runsRoutes = new Hono<AppEnv>();

const services = (c: Context<AppEnv>) => servicesFor(c.env, c.get("auth"), sessionOptions(c));

/** Not terminal yet → 202 with Retry-After (contract §7). */
function pending(c: Context<AppEnv>, row: RunRow) {
  const body = pendingBody(row, Date.now());
  c.header("Retry-After", String(body.retry_after_seconds));
  return c.json(body, 202);
}

runsRoutes.post(
  "/runs",
  requireScope("runs:write"),
  jsonBody,
  validate("json", CreateRunSchema, createRunErrorCode),
  async (c) => {
    const key = c.req.header("idempotency-key") ?? null;
    if (key !== null && !IDEMPOTENCY_KEY.test(key)) throw new ApiError("invalid_idempotency_key", undefined, "Idempotency-Key");
    const created = await createRun(services(c), c.req.valid("json"), key);
    if (created.replayed) c.header("Idempotent-Replayed", "true");
    return c.json(created.body, 202);
  },
);

runsRoutes.get("/runs", requireScope("runs:read"), validate("query", ListRunsQuerySchema, listRunsErrorCode), async (c) =>
  c.json(await listRunsPage(services(c), c.req.valid("query"))),
);

runsRoutes.get("/runs/:id", requireScope("runs:read"), async (c) => {
  const row = await getRun(services(c), c.req.param("id"));
  const stored = storedResult(row);
  if (!isTerminalRow(row) || !stored) return pending(c, row);
  return c.json(runBodyView(row, stored), 200);
});

runsRoutes.post("/runs/:id/cancel", requireScope("runs:write"), async (c) => {
  const row = await cancelRun(services(c), c.req.param("id"));
  const stored = storedResult(row);
  return c.json(stored ? runBodyView(row, stored) : pendingBody(row, Date.now()), 200);
});

runsRoutes.get("/runs/:id/analysis", requireScope("runs:read"), async (c) => {
  const row = await getRun(services(c), c.req.param("id"));
  const stored = storedResult(row);
  if (!isTerminalRow(row) || !stored) return pending(c, row);
  const body = stored.body;
  return c.json({
    object: "bureau_run_analysis",
    meta: {
      run_id: body.id,
      // The run's completion time, not "now": the same run gives byte-identical JSON on every call.
      generated_at: body.completed_at,
      analysis_version: ANALYSIS_VERSION,
      template: { id: body.template.id, version: body.template.version },
      livemode: body.livemode,
    },
    external_id: body.external_id,
    metadata: body.metadata,
    analysis: stored.analysis,
  });
});

runsRoutes.get("/runs/:id/detail", requireScope("detail:read"), async (c) => {
  const s = services(c);
  const row = await getRun(s, c.req.param("id"));
  const stored = storedResult(row);
  if (!isTerminalRow(row) || !stored) return pending(c, row);
  return c.json({
    object: "bureau_run_detail",
    run_id: row.id,
    status: row.status,
    sources: stored.results.map((r) => ({
      source: r.source,
      phase: r.phase,
      status: r.status,
      checks: r.checks,
      reason: r.reason ?? null,
      attempts: r.attempts,
      duration_ms: r.duration_ms,
      started_at: r.started_at,
      completed_at: r.completed_at,
      data: r.data ?? null,
      raw: r.raw ?? null,
    })),
    calls: await callLog(s, row),
    key_id: row.keyId,
    external_id: stored.body.external_id,
    metadata: stored.body.metadata,
    livemode: row.livemode,
  });
});
