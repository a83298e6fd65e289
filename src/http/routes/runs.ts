// /api/v1/bureau/runs — each route: its declaration (request, responses, error
// codes) and its handler: validate, call one service function, respond.
import type { Context } from "hono";
import { z } from "zod";
import type { RunRow } from "../../db/queries/runs";
import { ANALYSIS_VERSION } from "../../domain/analysis";
import type { AppEnv } from "../../env";
import { callLog, cancelRun, createRun, getRun, listRunsPage, servicesFor } from "../../runs/service";
import { isTerminalRow, pendingBody, runBodyView, storedResult } from "../../runs/views";
import { ApiError } from "../errors";
import { sessionOptions } from "../middleware/d1-session";
import { defineRoute, jsonRequest, ok, route, router } from "../openapi/route";
import * as R from "../schemas/responses";
import { CreateRunSchema, createRunErrorCode, ListRunsQuerySchema, listQueryErrorCode } from "../schemas/runs";

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

const services = (c: Context<AppEnv>) => servicesFor(c.env, c.get("auth"), sessionOptions(c));

export const RunIdParams = z.object({ id: z.string().meta({ description: "The run id (`run_…`)." }) });

const pendingRun = ok("The run is not terminal yet; poll again after `Retry-After` seconds.", R.RunPending, ["Retry-After"]);

/** Not terminal yet → 202 with Retry-After (contract §7). */
function pending(c: Context<AppEnv>, row: RunRow) {
  const body = pendingBody(row, Date.now());
  c.header("Retry-After", String(body.retry_after_seconds));
  return c.json(body, 202);
}

const create = defineRoute(
  route({
    method: "post",
    path: "/runs",
    operationId: "createRun",
    tag: "Runs",
    summary: "Create and trigger a run",
    description:
      "Validates the template's `parametros` (JSON Schema) and the subject's document (CPF/CNPJ check digits, alphanumeric CNPJ), reserves live credits and starts the run asynchronously. The document goes in `parametros.cpf` / `parametros.cnpj`, or in `subject: {type, doc}`.",
    auth: "api_key",
    scope: "runs:write",
    // Checked by the handler, after the body: a request with both wrong answers the body's problem, as it always did.
    parameters: [
      {
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description:
          "1–255 printable ASCII characters. Within 24 h the same key (per tenant and environment) returns the original run and triggers nothing; with a different body → 422 idempotency_key_reused.",
        schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x20-\\x7e]+$" },
      },
    ],
    request: {
      body: jsonRequest(CreateRunSchema, { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" }, external_id: "cliente-42", metadata: { pedido: "A-1001" } }),
    },
    responses: { 202: ok("Accepted: the run was created (or found, for an idempotent replay).", R.RunAccepted, ["Idempotent-Replayed"]) },
    errors: [
      ...["missing_template_id", "template_not_found", "invalid_parametros", "missing_document", "invalid_document", "missing_subject"] as const,
      ...["invalid_subject_type", "subject_type_mismatch", "invalid_metadata", "invalid_external_id", "invalid_webhook_url"] as const,
      ...["invalid_idempotency_key", "unknown_parameter", "invalid_request", "billing_suspended", "idempotency_key_reused", "idempotency_key_in_use"] as const,
    ],
  }),
  async (c) => {
    const key = c.req.header("idempotency-key") ?? null;
    if (key !== null && !IDEMPOTENCY_KEY.test(key)) throw new ApiError("invalid_idempotency_key", undefined, "Idempotency-Key");
    const body = c.req.valid("json");
    // Enrolling in monitoring is monitoring:write's, whoever asks for it.
    if (body.monitor && !c.get("auth").scopes.includes("monitoring:write")) {
      throw new ApiError("insufficient_scope", "A chave de API não tem o escopo necessário: monitoring:write.", "monitor");
    }
    const created = await createRun(services(c), body, key);
    if (created.replayed) c.header("Idempotent-Replayed", "true");
    return c.json(created.body, 202);
  },
  createRunErrorCode,
);

const list = defineRoute(
  route({
    method: "get",
    path: "/runs",
    operationId: "listRuns",
    tag: "Runs",
    summary: "List runs",
    description: "Newest first (`created_at` desc, then id desc), stable under concurrent inserts. Pass `next_cursor` as `cursor` for the next page.",
    auth: "api_key",
    scope: "runs:read",
    request: { query: ListRunsQuerySchema },
    responses: { 200: ok("A page of runs.", R.RunList) },
    errors: ["invalid_limit", "invalid_timestamp", "invalid_cursor", "invalid_status", "invalid_external_id", "unknown_parameter", "invalid_request"],
  }),
  async (c) => c.json(await listRunsPage(services(c), c.req.valid("query")), 200),
  listQueryErrorCode,
);

const get = defineRoute(
  route({
    method: "get",
    path: "/runs/{id}",
    operationId: "getRun",
    tag: "Runs",
    summary: "Retrieve a run",
    description: "200 with the full result once the run is terminal; 202 with `Retry-After` while it executes. Another tenant's run is indistinguishable from an unknown one.",
    auth: "api_key",
    scope: "runs:read",
    request: { params: RunIdParams },
    responses: { 200: ok("The terminal run.", R.Run), 202: pendingRun },
    errors: ["run_not_found"],
  }),
  async (c) => {
    const row = await getRun(services(c), c.req.valid("param").id);
    const stored = storedResult(row);
    if (!isTerminalRow(row) || !stored) return pending(c, row);
    return c.json(runBodyView(row, stored), 200);
  },
);

const cancel = defineRoute(
  route({
    method: "post",
    path: "/runs/{id}/cancel",
    operationId: "cancelRun",
    tag: "Runs",
    summary: "Cancel a run",
    description: "A run that is not terminal ends `cancelado`; sources that already answered are still charged.",
    auth: "api_key",
    scope: "runs:write",
    request: { params: RunIdParams },
    responses: { 200: ok("The cancelled run.", R.Run) },
    errors: ["run_not_found", "run_already_terminal", "partner_run_not_cancellable"],
  }),
  async (c) => {
    const row = await cancelRun(services(c), c.req.valid("param").id);
    const stored = storedResult(row);
    return c.json(stored ? runBodyView(row, stored) : pendingBody(row, Date.now()), 200);
  },
);

const analysis = defineRoute(
  route({
    method: "get",
    path: "/runs/{id}/analysis",
    operationId: "getRunAnalysis",
    tag: "Runs",
    summary: "Retrieve a run's analysis",
    description: "Computed deterministically from the stored source results: the same run gives byte-identical JSON on every call.",
    auth: "api_key",
    scope: "runs:read",
    request: { params: RunIdParams },
    responses: { 200: ok("The analysis.", R.Analysis), 202: pendingRun },
    errors: ["run_not_found"],
  }),
  async (c) => {
    const row = await getRun(services(c), c.req.valid("param").id);
    const stored = storedResult(row);
    if (!isTerminalRow(row) || !stored) return pending(c, row);
    const body = stored.body;
    return c.json(
      {
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
      },
      200,
    );
  },
);

const detail = defineRoute(
  route({
    method: "get",
    path: "/runs/{id}/detail",
    operationId: "getRunDetail",
    tag: "Runs",
    summary: "Retrieve a run's raw source detail",
    auth: "api_key",
    scope: "detail:read",
    request: { params: RunIdParams },
    responses: { 200: ok("Per-source payloads, timings and attempts.", R.RunDetail), 202: pendingRun },
    errors: ["run_not_found"],
  }),
  async (c) => {
    const s = services(c);
    const row = await getRun(s, c.req.valid("param").id);
    const stored = storedResult(row);
    if (!isTerminalRow(row) || !stored) return pending(c, row);
    return c.json(
      {
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
      },
      200,
    );
  },
);

export const runsRoutes = router([create, list, get, cancel, analysis, detail]);
