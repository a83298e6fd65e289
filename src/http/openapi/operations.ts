// Every route the Worker serves, as the OpenAPI document describes it. Request
// bodies and query parameters are the SAME zod schemas the routes validate
// with (src/http/schemas/*); responses are the schemas of schemas/responses.ts;
// error codes are typed against the one table in errors.ts.
// test/openapi.test.ts checks this list against Hono's `app.routes` (both
// ways) and every documented error/response against real responses.
import type { z } from "zod";
import type { Scope } from "../../lib/api-keys";
import type { ErrorCode } from "../errors";
import { CreateApiKeySchema, CreateTenantSchema, PatchTenantSchema, TemplateDefinitionSchema } from "../schemas/admin";
import { ReportQuerySchema } from "../schemas/reports";
import * as R from "../schemas/responses";
import { CreateRunSchema, ListRunsQuerySchema } from "../schemas/runs";
import { ScreeningSearchSchema } from "../schemas/screening";
import { DEFAULT_THRESHOLD, STRONG_THRESHOLD } from "../../screening/match/strength";
import { CreateWebhookEndpointSchema, OverrideSecretQuerySchema } from "../schemas/webhooks";
import { LIST_OPERATIONS } from "./list-operations";
import { USER_OPERATIONS } from "./user-operations";
import { CASE_OPERATIONS } from "./case-operations";

export type Security = "api_key" | "admin" | "none";
export type Tag = "Runs" | "Reports" | "Events" | "Cases" | "Screening" | "Admin" | "Meta";

export interface SuccessResponse {
  description: string;
  /** A component of schemas/responses.ts; omitted for non-JSON or empty bodies. */
  schema?: z.ZodType;
  /** Non-JSON body (`content-type` → a JSON Schema of the body). */
  content?: Record<string, object>;
  /** Extra response headers (names of components.headers). */
  headers?: string[];
}

export interface ParameterSpec {
  name: string;
  in: "query" | "header" | "path";
  required?: boolean;
  description: string;
  schema?: object;
}

export interface OperationSpec {
  method: "get" | "post" | "patch" | "delete";
  /** OpenAPI form: `{id}`. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  security: Security;
  scope?: Scope;
  /** The query schema the route validates with. */
  query?: z.ZodObject;
  /** Descriptions of its fields, for the reference (the schema stays the route's). */
  queryDocs?: Record<string, string>;
  /** The JSON body schema the route validates with. */
  body?: z.ZodType;
  /** Descriptions of its fields by dotted path (`subject.doc`), for the reference. */
  bodyDocs?: Record<string, string>;
  /** Parameters that no zod schema describes (headers, path parameter descriptions, signed-URL fields). */
  parameters?: ParameterSpec[];
  requestExample?: unknown;
  responses: Record<number, SuccessResponse>;
  /** Codes this route itself can answer, besides the ones every route of its kind can (see commonErrors). */
  errors: ErrorCode[];
}

/** Codes any operation of a kind can answer, added to its own list. */
export function commonErrors(op: OperationSpec): ErrorCode[] {
  const out: ErrorCode[] = [];
  if (op.path.startsWith("/api/v1/")) out.push("unknown_api_version");
  if (op.security === "api_key") out.push("missing_api_key", "invalid_api_key", "rate_limit_exceeded");
  if (op.security === "admin") out.push("invalid_admin_token");
  if (op.scope) out.push("insufficient_scope");
  if (op.body) out.push("invalid_json", "json_too_deep", "payload_too_large", "unsupported_media_type");
  out.push("internal_error");
  return out;
}

/** Codes not tied to one operation: any request can get them. */
export const GLOBAL_ERRORS: ErrorCode[] = ["route_not_found", "method_not_allowed", "internal_error"];

const idParam = (description: string, name = "id"): ParameterSpec => ({ name, in: "path", required: true, description });
const runId = idParam("The run id (`run_…`).");

const pendingRun: SuccessResponse = {
  description: "The run is not terminal yet; poll again after `Retry-After` seconds.",
  schema: R.RunPending,
  headers: ["Retry-After"],
};

export const OPERATIONS: OperationSpec[] = [
  // ---- runs ---------------------------------------------------------------------
  {
    method: "post",
    path: "/api/v1/bureau/runs",
    operationId: "createRun",
    tag: "Runs",
    summary: "Create and trigger a run",
    description:
      "Validates the template's `parametros` (JSON Schema) and the subject's document (CPF/CNPJ check digits, alphanumeric CNPJ), reserves live credits and starts the run asynchronously. The document goes in `parametros.cpf` / `parametros.cnpj`, or in `subject: {type, doc}`.",
    security: "api_key",
    scope: "runs:write",
    body: CreateRunSchema,
    bodyDocs: {
      template_id: "A published template of your tenant, or a global one (`tpl_pf_padrao`, `tpl_pj_padrao`).",
      parametros:
        "Validated against the template's `parametros_schema`; holds the subject's document: `cpf` (PF templates) or `cnpj` (PJ). Punctuation is ignored.",
      subject: "Instead of the document inside `parametros`: maps to `parametros.cpf` / `parametros.cnpj`.",
      "subject.type": "Must match the template's subject type.",
      "subject.doc": "CPF (11 digits) or CNPJ (14 characters, alphanumeric accepted).",
      external_id: "Your own id for the run: echoed everywhere (also as `flags.external_id`) and filterable in the list.",
      metadata: "Up to 10 keys of 1–40 characters, string values of up to 500 characters; echoed back.",
      webhook_url: "This run's events go here instead of the tenant's endpoints. https only with live keys; no credentials, IP literals or internal names.",
    },
    parameters: [
      {
        name: "Idempotency-Key",
        in: "header",
        description:
          "1–255 printable ASCII characters. Within 24 h the same key (per tenant and environment) returns the original run and triggers nothing; with a different body → 422 idempotency_key_reused.",
        schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x20-\\x7e]+$" },
      },
    ],
    requestExample: { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" }, external_id: "cliente-42", metadata: { pedido: "A-1001" } },
    responses: {
      202: { description: "Accepted: the run was created (or found, for an idempotent replay).", schema: R.RunAccepted, headers: ["Idempotent-Replayed"] },
    },
    errors: [
      "missing_template_id",
      "template_not_found",
      "invalid_parametros",
      "missing_document",
      "invalid_document",
      "missing_subject",
      "invalid_subject_type",
      "subject_type_mismatch",
      "invalid_metadata",
      "invalid_external_id",
      "invalid_webhook_url",
      "invalid_idempotency_key",
      "unknown_parameter",
      "invalid_request",
      "billing_suspended",
      "idempotency_key_reused",
      "idempotency_key_in_use",
    ],
  },
  {
    method: "get",
    path: "/api/v1/bureau/runs",
    operationId: "listRuns",
    tag: "Runs",
    summary: "List runs",
    description: "Newest first (`created_at` desc, then id desc), stable under concurrent inserts. Pass `next_cursor` as `cursor` for the next page.",
    security: "api_key",
    scope: "runs:read",
    query: ListRunsQuerySchema,
    queryDocs: {
      limit: "Page size, an integer from 1 to 100 (default 20). Out of range → invalid_limit.",
      cursor: "`next_cursor` of the previous page. Opaque and signed; altered → invalid_cursor.",
      status: "Only runs in this status (`pending` = `queued`).",
      template_id: "Only runs of this template.",
      external_id: "Only runs with this `external_id`.",
      created_gte: "Created at or after (ISO 8601). Invalid → invalid_timestamp.",
      created_lte: "Created at or before (ISO 8601). Invalid → invalid_timestamp.",
    },
    responses: { 200: { description: "A page of runs.", schema: R.RunList } },
    errors: ["invalid_limit", "invalid_timestamp", "invalid_cursor", "invalid_status", "invalid_external_id", "unknown_parameter", "invalid_request"],
  },
  {
    method: "get",
    path: "/api/v1/bureau/runs/{id}",
    operationId: "getRun",
    tag: "Runs",
    summary: "Retrieve a run",
    description: "200 with the full result once the run is terminal; 202 with `Retry-After` while it executes. Another tenant's run is indistinguishable from an unknown one.",
    security: "api_key",
    scope: "runs:read",
    parameters: [runId],
    responses: { 200: { description: "The terminal run.", schema: R.Run }, 202: pendingRun },
    errors: ["run_not_found"],
  },
  {
    method: "post",
    path: "/api/v1/bureau/runs/{id}/cancel",
    operationId: "cancelRun",
    tag: "Runs",
    summary: "Cancel a run",
    description: "A run that is not terminal ends `cancelado`; sources that already answered are still charged.",
    security: "api_key",
    scope: "runs:write",
    parameters: [runId],
    responses: { 200: { description: "The cancelled run.", schema: R.Run } },
    errors: ["run_not_found", "run_already_terminal", "partner_run_not_cancellable"],
  },
  {
    method: "get",
    path: "/api/v1/bureau/runs/{id}/analysis",
    operationId: "getRunAnalysis",
    tag: "Runs",
    summary: "Retrieve a run's analysis",
    description: "Computed deterministically from the stored source results: the same run gives byte-identical JSON on every call.",
    security: "api_key",
    scope: "runs:read",
    parameters: [runId],
    responses: { 200: { description: "The analysis.", schema: R.Analysis }, 202: pendingRun },
    errors: ["run_not_found"],
  },
  {
    method: "get",
    path: "/api/v1/bureau/runs/{id}/detail",
    operationId: "getRunDetail",
    tag: "Runs",
    summary: "Retrieve a run's raw source detail",
    security: "api_key",
    scope: "detail:read",
    parameters: [runId],
    responses: { 200: { description: "Per-source payloads, timings and attempts.", schema: R.RunDetail }, 202: pendingRun },
    errors: ["run_not_found"],
  },
  // ---- reports ------------------------------------------------------------------
  {
    method: "post",
    path: "/api/v1/bureau/runs/{id}/report",
    operationId: "generateReport",
    tag: "Reports",
    summary: "Generate a PDF report",
    description: "Renders the report once per (run, mode) and stores it; later calls return the same object (200) and regenerate nothing.",
    security: "api_key",
    scope: "reports:write",
    query: ReportQuerySchema,
    queryDocs: { mode: "`resumido` (~3 pages) or `completo` (every source and check). Missing or other → invalid_mode." },
    parameters: [runId],
    responses: {
      201: { description: "Generated now.", schema: R.Report },
      200: { description: "Already generated: the same report object.", schema: R.Report },
    },
    errors: ["invalid_mode", "run_not_terminal", "run_not_found"],
  },
  {
    method: "get",
    path: "/api/v1/bureau/runs/{id}/report",
    operationId: "getReportUrl",
    tag: "Reports",
    summary: "Get a signed download URL",
    description: "302 to a URL of this API, signed (HMAC-SHA256 over tenant, run, mode and expiry) and valid for 1 hour. Following it streams the PDF, identical bytes every time.",
    security: "api_key",
    scope: "runs:read",
    query: ReportQuerySchema,
    queryDocs: { mode: "`resumido` or `completo`. Missing or other → invalid_mode." },
    parameters: [runId],
    responses: { 302: { description: "Redirect to the signed download URL.", headers: ["Location"] } },
    errors: ["invalid_mode", "run_not_terminal", "report_not_generated", "run_not_found"],
  },
  {
    method: "get",
    path: "/downloads/reports/{runId}",
    operationId: "downloadReport",
    tag: "Reports",
    summary: "Download a report (signed URL)",
    description: "The URL returned by `getReportUrl`; the signature is the credential (no API key). Expired → 410; altered → 403.",
    security: "none",
    parameters: [
      idParam("The run id.", "runId"),
      { name: "tenant", in: "query", required: true, description: "Signed field." },
      { name: "mode", in: "query", required: true, description: "Signed field: resumido | completo." },
      { name: "exp", in: "query", required: true, description: "Signed field: expiry, unix seconds." },
      { name: "v", in: "query", required: false, description: "Signed field: `resolved` for the report rendered after the run's review case was resolved (absent otherwise)." },
      { name: "sig", in: "query", required: true, description: "HMAC-SHA256 signature, hex." },
    ],
    responses: { 200: { description: "The PDF.", content: { "application/pdf": { type: "string", contentMediaType: "application/pdf" } } } },
    errors: ["invalid_signature", "url_expired", "report_not_generated"],
  },
  // ---- webhook events -----------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/bureau/events/{id}",
    operationId: "getEvent",
    tag: "Events",
    summary: "Retrieve a webhook event and its delivery log",
    security: "api_key",
    scope: "runs:read",
    parameters: [idParam("The event id (`evt_…`).")],
    responses: { 200: { description: "The event as sent, its targets and every delivery attempt.", schema: R.EventObject } },
    errors: ["event_not_found"],
  },
  {
    method: "post",
    path: "/api/v1/bureau/events/{id}/redeliver",
    operationId: "redeliverEvent",
    tag: "Events",
    summary: "Re-send a webhook event",
    description: "One extra attempt to each target still active, with the same event id and body.",
    security: "api_key",
    scope: "runs:write",
    parameters: [idParam("The event id (`evt_…`).")],
    responses: { 202: { description: "Queued.", schema: R.EventRedelivery } },
    errors: ["event_not_found"],
  },
  // ---- screening ----------------------------------------------------------------
  {
    method: "post",
    path: "/api/v1/screening/search",
    operationId: "screeningSearch",
    tag: "Screening",
    summary: "Screen a name against the sanctions, PEP and Brazilian lists",
    description:
      "Searches the service's own copy of the official lists (OFAC SDN and consolidated, UN, EU, UK, CGU CEIS / CNEP / PEP, MTE Cadastro de Empregadores): candidates from a trigram index, then careful name scoring (token order, missing middle names, initials, particles, legal forms, transliteration), corroborated by birth year, nationality and documents. Brazilian lists match by document first: an exact CPF/CNPJ, or for masked CPFs (CEIS persons, PEP) the visible digits 4–9 plus a name match; a different CPF/CNPJ on both sides is a homonym and never matches. Ended sanctions and PEPs past their 5-year grace period never match. A requested list with no loaded version → 503 list_not_ready: an empty `matches` always means screened, nothing found. Sandbox and live keys search the same lists; nothing is charged.",
    security: "api_key",
    scope: "screening:read",
    body: ScreeningSearchSchema,
    bodyDocs: {
      name: "The name to screen, 1–300 characters.",
      type: "`pf` (a person: organisations, vessels and aircraft are not candidates) or `pj` (a company: persons are not).",
      birth_date: "YYYY, YYYY-MM or YYYY-MM-DD. An equal birth year raises the score; a year more than one off keeps the match `possible` at most.",
      nationality: "ISO 3166-1 alpha-2 (e.g. BR): equal raises the score a little, different lowers it a little.",
      document: "CPF or CNPJ (punctuation ignored, check digits verified): matched exactly against the Brazilian lists, and by its digits 4–9 against masked CPFs.",
      lists: "List ids to search (default: all): ofac_sdn, ofac_cons, un_sc, eu_fsf, uk_fcdo, cgu_ceis, cgu_cnep, cgu_pep, mte_empregadores.",
      threshold: `0–1, default ${DEFAULT_THRESHOLD}: matches scoring below are not returned. \`strong\` starts at ${STRONG_THRESHOLD}.`,
      limit: "1–50, default 10.",
    },
    requestExample: { name: "Abdul Hai Salek", type: "pf", birth_date: "1968", nationality: "AF", lists: ["ofac_sdn", "un_sc"] },
    responses: { 200: { description: "The matches, best score first, and the list versions searched.", schema: R.ScreeningResult } },
    errors: ["invalid_screening_query", "list_not_ready"],
  },
  // ---- meta ---------------------------------------------------------------------
  {
    method: "get",
    path: "/api/v1/openapi.json",
    operationId: "getOpenApiDocument",
    tag: "Meta",
    summary: "This OpenAPI 3.1 document",
    description: "Public: no API key needed, not rate limited.",
    security: "none",
    responses: { 200: { description: "The document.", content: { "application/json": { type: "object" } } } },
    errors: [],
  },
  {
    method: "get",
    path: "/docs",
    operationId: "getApiReference",
    tag: "Meta",
    summary: "API reference (HTML)",
    description: "This document rendered as a self-contained page. Public.",
    security: "none",
    responses: { 200: { description: "The page.", content: { "text/html": { type: "string" } } } },
    errors: [],
  },
  {
    method: "get",
    path: "/health",
    operationId: "health",
    tag: "Meta",
    summary: "Liveness",
    security: "none",
    responses: { 200: { description: "Up.", schema: R.Health } },
    errors: [],
  },
  // ---- admin plane --------------------------------------------------------------
  {
    method: "post",
    path: "/admin/v1/tenants",
    operationId: "adminCreateTenant",
    tag: "Admin",
    summary: "Create a tenant",
    security: "admin",
    body: CreateTenantSchema,
    requestExample: { name: "Banco Exemplo", slug: "banco-exemplo", credits: 5000 },
    responses: { 201: { description: "Created.", schema: R.Tenant } },
    errors: ["tenant_slug_taken", "invalid_request"],
  },
  {
    method: "get",
    path: "/admin/v1/tenants/{id}",
    operationId: "adminGetTenant",
    tag: "Admin",
    summary: "Retrieve a tenant",
    security: "admin",
    parameters: [idParam("The tenant id (`ten_…`).")],
    responses: { 200: { description: "The tenant.", schema: R.Tenant } },
    errors: ["tenant_not_found"],
  },
  {
    method: "patch",
    path: "/admin/v1/tenants/{id}",
    operationId: "adminUpdateTenant",
    tag: "Admin",
    summary: "Suspend, reactivate, set credits or add to them",
    security: "admin",
    body: PatchTenantSchema,
    parameters: [idParam("The tenant id (`ten_…`).")],
    responses: { 200: { description: "The tenant.", schema: R.Tenant } },
    errors: ["tenant_not_found", "invalid_request", "credits_below_zero"],
  },
  {
    method: "post",
    path: "/admin/v1/tenants/{id}/api-keys",
    operationId: "adminCreateApiKey",
    tag: "Admin",
    summary: "Create an API key",
    description: "`rate_limit_per_minute` overrides the configured default for this key. The key is shown only in this response.",
    security: "admin",
    body: CreateApiKeySchema,
    bodyDocs: {
      scopes: "Default: runs:write, runs:read, detail:read (reports:write is for the dashboard).",
      rate_limit_per_minute: "Requests per minute for this key; without it, the service default (RATE_LIMIT_PER_MINUTE).",
    },
    parameters: [idParam("The tenant id (`ten_…`).")],
    requestExample: { name: "backend", environment: "test", scopes: ["runs:write", "runs:read"], rate_limit_per_minute: 120 },
    responses: { 201: { description: "Created.", schema: R.ApiKeyCreated } },
    errors: ["tenant_not_found", "invalid_request"],
  },
  {
    method: "delete",
    path: "/admin/v1/api-keys/{id}",
    operationId: "adminRevokeApiKey",
    tag: "Admin",
    summary: "Revoke an API key",
    security: "admin",
    parameters: [idParam("The key id (`key_…`).")],
    responses: { 200: { description: "Revoked; the key stopped working at once.", schema: R.ApiKeyRevoked } },
    errors: ["api_key_not_found"],
  },
  {
    method: "get",
    path: "/admin/v1/templates",
    operationId: "adminListTemplates",
    tag: "Admin",
    summary: "List templates",
    security: "admin",
    responses: { 200: { description: "Every template version.", schema: R.TemplateList } },
    errors: [],
  },
  {
    method: "post",
    path: "/admin/v1/templates",
    operationId: "adminCreateTemplate",
    tag: "Admin",
    summary: "Create a template (draft)",
    security: "admin",
    body: TemplateDefinitionSchema,
    responses: { 201: { description: "The draft, version 1.", schema: R.Template } },
    errors: ["tenant_not_found", "invalid_request"],
  },
  {
    method: "post",
    path: "/admin/v1/templates/{id}/versions",
    operationId: "adminCreateTemplateVersion",
    tag: "Admin",
    summary: "Change a template (replaces the draft, or opens draft n+1)",
    security: "admin",
    body: TemplateDefinitionSchema,
    parameters: [idParam("The template id.")],
    responses: { 201: { description: "The draft.", schema: R.Template } },
    errors: ["template_not_found_admin", "tenant_not_found", "invalid_request"],
  },
  {
    method: "post",
    path: "/admin/v1/templates/{id}/publish",
    operationId: "adminPublishTemplate",
    tag: "Admin",
    summary: "Publish a template's draft",
    security: "admin",
    parameters: [idParam("The template id.")],
    responses: { 200: { description: "The published version.", schema: R.Template } },
    errors: ["template_not_found_admin", "template_not_draft"],
  },
  {
    method: "post",
    path: "/admin/v1/tenants/{id}/webhook-endpoints",
    operationId: "adminCreateWebhookEndpoint",
    tag: "Admin",
    summary: "Create a webhook endpoint",
    description:
      "https only (http allowed for test endpoints); no credentials, IP literals or internal names. The `whsec_…` secret is shown only in this response. Without `events` the endpoint receives the run events (run.completed, run.failed); review-case events (case.opened, case.resolved) must be listed to be received.",
    security: "admin",
    body: CreateWebhookEndpointSchema,
    parameters: [idParam("The tenant id (`ten_…`).")],
    requestExample: { url: "https://hooks.example.com.br/kycert", events: ["run.completed", "run.failed"], environment: "live" },
    responses: { 201: { description: "Created, with its signing secret.", schema: R.WebhookEndpointCreated } },
    errors: ["tenant_not_found", "invalid_webhook_url", "invalid_request"],
  },
  {
    method: "get",
    path: "/admin/v1/tenants/{id}/webhook-endpoints",
    operationId: "adminListWebhookEndpoints",
    tag: "Admin",
    summary: "List a tenant's webhook endpoints",
    security: "admin",
    parameters: [idParam("The tenant id (`ten_…`).")],
    responses: { 200: { description: "The endpoints (never their secrets).", schema: R.WebhookEndpointList } },
    errors: ["tenant_not_found"],
  },
  {
    method: "get",
    path: "/admin/v1/tenants/{id}/webhook-endpoints/{endpoint_id}",
    operationId: "adminGetWebhookEndpoint",
    tag: "Admin",
    summary: "Retrieve a webhook endpoint",
    security: "admin",
    parameters: [idParam("The tenant id (`ten_…`)."), idParam("The endpoint id (`whe_…`).", "endpoint_id")],
    responses: { 200: { description: "The endpoint.", schema: R.WebhookEndpoint } },
    errors: ["webhook_endpoint_not_found"],
  },
  {
    method: "delete",
    path: "/admin/v1/tenants/{id}/webhook-endpoints/{endpoint_id}",
    operationId: "adminDeleteWebhookEndpoint",
    tag: "Admin",
    summary: "Delete (disable) a webhook endpoint",
    security: "admin",
    parameters: [idParam("The tenant id (`ten_…`)."), idParam("The endpoint id (`whe_…`).", "endpoint_id")],
    responses: { 200: { description: "Disabled.", schema: R.WebhookEndpointDeleted } },
    errors: ["tenant_not_found", "webhook_endpoint_not_found"],
  },
  {
    method: "get",
    path: "/admin/v1/tenants/{id}/webhook-override-secret",
    operationId: "adminGetWebhookOverrideSecret",
    tag: "Admin",
    summary: "The secret signing per-run webhook_url deliveries",
    security: "admin",
    query: OverrideSecretQuerySchema,
    queryDocs: { environment: "`live` (default) or `test`." },
    parameters: [idParam("The tenant id (`ten_…`).")],
    responses: { 200: { description: "The secret.", schema: R.WebhookOverrideSecret } },
    errors: ["tenant_not_found", "invalid_request"],
  },
  ...USER_OPERATIONS,
  ...CASE_OPERATIONS,
  ...LIST_OPERATIONS,
];
