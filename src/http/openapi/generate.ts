// The OpenAPI 3.1 document, generated from the routes themselves: every
// route's createRoute declaration (openapi/route.ts) is in the app's
// registry, and @asteasolutions/zod-to-openapi turns them and the zod schemas
// they use into paths and components. Added here: what is not a route (the
// guide in `info`, tags, shared headers and parameters, the security schemes,
// the outbound webhooks).
import { OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { ERROR_CODES, type ErrorCode } from "../errors";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../../domain/webhook-events";
import { isSandboxOnly, SANDBOX_DOCUMENTS, SANDBOX_OTHER_DOCUMENTS } from "../../sources/sandbox-catalog";
import { EVENT_PAYLOADS, webhookEnvelopeFor } from "../schemas/events";
import { responseComponents } from "../schemas/responses";
import { API_VERSION_HEADER, currentApiVersion, supportedApiVersions } from "../versioning";
import { OTHER_RESPONSE_EXAMPLES, RESPONSE_EXAMPLES, webhookExample } from "./examples";
import { GLOBAL_ERRORS, type Tag } from "./route";

export type Json = Record<string, any>;

export interface DocumentOptions {
  /** `servers[0].url`; default "/" (the origin serving the document). */
  serverUrl?: string;
  /**
   * Close response objects (`additionalProperties: false`, as zod parses
   * them): tests use it to catch undocumented fields. The published document
   * leaves them open: a field added within a version is not a breaking
   * change, and clients should not be generated to reject it.
   */
  exactResponses?: boolean;
}

const TAGS: { name: Tag; description: string }[] = [
  { name: "Runs", description: "Create, poll, list and cancel bureau runs; read their analysis and raw detail." },
  { name: "Templates", description: "The templates your key can run: their `parametros_schema` and the sources they query." },
  { name: "Reports", description: "PDF reports stored once per (run, mode), downloaded through signed URLs." },
  { name: "Events", description: `Webhook events (${WEBHOOK_EVENT_TYPES.join(", ")}): list them, read one with its delivery log, re-send it.` },
  { name: "Webhook endpoints", description: "Your own webhook endpoints (scope `webhooks:write`): register, list, disable, rotate the signing secret." },
  { name: "Screening", description: "Names and documents screened against the service's own copy of the official sanctions, PEP and Brazilian lists." },
  {
    name: "Monitoring",
    description: "Ongoing monitoring: monitored customers, bulk enrolment from a CSV, and the alerts raised when a new version of a list names one of them (or stops naming them).",
  },
  { name: "Companies", description: "Company lookups in the service's own copy of the Receita Federal's monthly open CNPJ data." },
  { name: "Cases", description: "Review cases: one per run that ends `review` or on `hold`; assignment, resolution with four-eyes approval, a hash-chained event log." },
  { name: "Meta", description: "This document, the API reference page and liveness." },
  { name: "Admin", description: "The operator's plane (`Authorization: Bearer <ADMIN_TOKEN>`): tenants, API keys, templates, webhook endpoints. Not versioned, not rate limited." },
];

const md = (s: string) => s.replace(/\|/g, "\\|");

function errorTable(codes: readonly ErrorCode[]): string {
  return [
    "| code | HTTP | type | meaning |",
    "|---|---|---|---|",
    ...codes.map((c) => `| \`${c}\` | ${ERROR_CODES[c].status} | ${ERROR_CODES[c].type} | ${md(ERROR_CODES[c].message)} |`),
  ].join("\n");
}

function infoDescription(): string {
  const versions = supportedApiVersions();
  return `KYC/KYB bureau runs for Brazilian regulated companies: post a CPF or CNPJ with a template; the service runs the template's data sources in phases and returns a decision, a risk band, an analysis and PDF reports.

## Authentication
Every \`/api/v1\` route (except this document) takes an API key: \`X-API-Key: sk_test_…\` or \`Authorization: Bearer sk_test_…\` (equivalent; both present and different → 401). \`sk_live_\` keys see live data only, \`sk_test_\` keys the sandbox only. Each operation names the scope it needs; a key without it gets 403 \`insufficient_scope\`.

## Errors
Every error has one envelope: \`{"error": {"type", "code", "message", "param"?, "invalid_params"?, "request_id"}}\`. Branch on \`code\` (stable); \`message\` is pt-BR text for people. Every response carries \`X-Request-Id\`; errors repeat it as \`request_id\`. Each operation lists the codes it can answer; any request can also get ${GLOBAL_ERRORS.map((c) => `\`${c}\``).join(", ")}. All codes:

${errorTable(Object.keys(ERROR_CODES) as ErrorCode[])}

## Rate limits
Per API key, per calendar minute (a fixed window aligned to the minute, counted exactly). The limit is the key's \`rate_limit_per_minute\`, or the service default. Every response to an authenticated \`/api/v1\` request — success or error — carries \`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\` (after this request) and \`X-RateLimit-Reset\` (unix seconds when the window ends). Over the limit: 429 \`rate_limit_exceeded\` with \`Retry-After\` (seconds). Refused requests do not count. Requests rejected before the key is known (401, 400 \`unknown_api_version\`) are not counted and carry no rate-limit headers.

## Versions
Send \`${API_VERSION_HEADER}: <date>\` to pin a version; without it you get the current one (\`${currentApiVersion()}\`). An unknown or malformed version → 400 \`unknown_api_version\`. Every \`/api/v1\` response echoes the version used in \`${API_VERSION_HEADER}\`. Backwards-compatible changes (new fields, new optional parameters, new error codes, new event types) happen without a new version: clients must ignore fields they do not know.

| version | changes |
|---|---|
${versions.map((v) => `| \`${v.version}\` | ${md(v.changes)} |`).join("\n")}

## Idempotency
\`POST /api/v1/bureau/runs\` accepts \`Idempotency-Key\`: within 24 h the same key returns the original run (header \`Idempotent-Replayed: true\`) and charges nothing again.

## Replicas and read-your-writes
Reads are served near you: by a D1 read replica, and a finished run from a per-location cache (a terminal run never changes, except the \`final_decision\` of its review case, which is always read again). A replica can be a moment behind the writes. Every \`/api/v1\` response that read or wrote the database carries \`X-Kycert-Bookmark\`; send the latest one you received back in \`X-Kycert-Bookmark\` and the read sees at least everything up to it (e.g. the run your \`POST\` just created, in \`GET /api/v1/bureau/runs\`). A run looked up by id is found even without it. A malformed bookmark → 400 \`invalid_request\`.

## Pagination
Lists return \`{object: "list", data, has_more, next_cursor?}\`; pass \`next_cursor\` as \`cursor\`. Cursors are opaque and signed.

## Dates and times
Timestamps in answers are ISO 8601 UTC with milliseconds. A \`created_gte\` / \`created_lte\` filter takes a date and time (ISO 8601; without an offset it is UTC) or a date alone, \`AAAA-MM-DD\`, which means that whole day in São Paulo (\`America/Sao_Paulo\`): \`created_lte=2026-12-07\` includes 07/12/2026 23:59:59.999 in Brasília. A template's date fields (\`format: date\`, e.g. \`parametros.data_nascimento\`) take \`AAAA-MM-DD\` or \`DD/MM/AAAA\`. Reports and the analyst console print times in São Paulo time with the offset.

## Sandbox
\`sk_test_\` keys run the same pipeline (statuses, decisions, analysis, reports, webhooks) against simulated sources, charge nothing and answer \`livemode: false\`. These test documents give fixed outcomes (a ✱ marks a test value that fails the check-digit rule: a sandbox key accepts it, a live key answers \`invalid_document\`):

${sandboxTable()}

${SANDBOX_OTHER_DOCUMENTS}`;
}

/** The sandbox's test documents and what each one produces (src/sources/sandbox-catalog.ts, checked against real runs). */
function sandboxTable(): string {
  const v = (x: string | null) => (x === null ? "null" : `\`${x}\``);
  return [
    "| document | status | decision | operative_decision | risk_band | what happens |",
    "|---|---|---|---|---|---|",
    ...SANDBOX_DOCUMENTS.map(
      (d) =>
        `| ${d.type === "pf" ? "CPF" : "CNPJ"} \`${d.document}\`${isSandboxOnly(d) ? " ✱" : ""} | ${v(d.status)} | ${v(d.decision)} | ${v(d.operative_decision)} | ${v(d.risk_band)} | ${md(d.scenario)} |`,
    ),
  ].join("\n");
}

const COMMON_HEADERS: Json = {
  "X-Request-Id": { description: "Request id (`req_…`); errors repeat it as `error.request_id`.", schema: { type: "string" } },
  [API_VERSION_HEADER]: { description: "The API version this response was built with.", schema: { type: "string" } },
  "X-RateLimit-Limit": { description: "Requests allowed per minute for this key.", schema: { type: "integer" } },
  "X-RateLimit-Remaining": { description: "Requests left in the current window, after this one.", schema: { type: "integer" } },
  "X-RateLimit-Reset": { description: "When the current window ends, unix seconds.", schema: { type: "integer" } },
  "Retry-After": { description: "Seconds to wait before trying again (429) or polling again (202).", schema: { type: "integer", minimum: 1 } },
  "Idempotent-Replayed": { description: "`true` when this is the stored response of an earlier request with the same Idempotency-Key.", schema: { type: "string", enum: ["true"] } },
  Location: { description: "The signed download URL (valid 1 hour).", schema: { type: "string", format: "uri" } },
  "X-Kycert-Bookmark": {
    description: "The database position this response saw (D1 Sessions API bookmark). Send it back in `X-Kycert-Bookmark` to read your own writes.",
    schema: { type: "string" },
  },
};

/** The document's `webhooks` entry of one event type the service delivers (schemas/events.ts EVENT_PAYLOADS). */
function webhook(event: WebhookEventType) {
  return {
    type: "webhook" as const,
    webhook: {
      method: "post" as const,
      path: event,
      operationId: `webhook_${event.replace(".", "_")}`,
      summary: EVENT_PAYLOADS[event].summary,
      description: `${EVENT_PAYLOADS[event].description} At-least-once: deduplicate on \`id\`. Verify \`Kycert-Signature\` (\`t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>\`) and reject timestamps older than 5 minutes. Retried with exponential backoff for about 3 days until a 2xx; every event can be found again with \`GET /api/v1/bureau/events\`.`,
      // Sent by this service, not called by clients: no credential of theirs is involved.
      security: [],
      parameters: [
        { name: "Kycert-Signature", in: "header", required: true, description: "t=<unix>,v1=<hex>", schema: { type: "string" } },
        { name: "Kycert-Event-Id", in: "header", required: true, description: "The event id (`evt_…`), as in the body.", schema: { type: "string" } },
      ],
      request: { body: { required: true, content: { "application/json": { schema: webhookEnvelopeFor(event), example: webhookExample(event) } } } },
      responses: {
        "2XX": { description: "Delivered." },
        "410": { description: "The endpoint is gone: it is disabled and receives nothing more." },
        default: { description: "Not delivered: retried later." },
      },
    },
  };
}

/**
 * Response components: closed (exact) or open (published), and without zod's
 * safe-integer bounds (noise in a reference). A loose object (z.looseObject)
 * stays open either way.
 */
function responseSchemas(node: unknown, exact: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => responseSchemas(n, exact));
  if (typeof node !== "object" || node === null) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if ((k === "minimum" || k === "maximum") && Math.abs(v as number) === Number.MAX_SAFE_INTEGER) continue;
    if (k === "additionalProperties" && v === false && !exact) continue;
    out[k] = responseSchemas(v, exact);
  }
  const isObject = out.type === "object" || (Array.isArray(out.type) && out.type.includes("object"));
  if (exact && isObject && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** An error answer of one of `codes` (the first), as the one envelope shows it. */
const errorExample = (codes: ErrorCode[]) => ({
  error: { type: ERROR_CODES[codes[0]].type, code: codes[0], message: ERROR_CODES[codes[0]].message, request_id: "req_01JDQ4Z8X2M7N3P5R6S9T0V1W2" },
});

/**
 * Puts an example on every response: a component's own (examples.ts), an
 * error envelope of the response's first code, or the operation's example of
 * a body that is no component (HTML, PDF, this document).
 */
function addResponseExamples(paths: Json): void {
  for (const item of Object.values<Json>(paths)) {
    for (const op of Object.values<Json>(item)) {
      for (const response of Object.values<Json>(op.responses ?? {})) {
        for (const media of Object.values<Json>(response.content ?? {})) {
          const ref: string | undefined = media.schema?.$ref;
          const component = ref?.replace("#/components/schemas/", "");
          if (response["x-error-codes"]) media.example = errorExample(response["x-error-codes"]);
          else if (component && RESPONSE_EXAMPLES[component] !== undefined) media.example = RESPONSE_EXAMPLES[component];
          else if (OTHER_RESPONSE_EXAMPLES[op.operationId] !== undefined) media.example = OTHER_RESPONSE_EXAMPLES[op.operationId];
        }
      }
    }
  }
}

export function generateDocument(app: OpenAPIHono<AppEnv>, opts: DocumentOptions = {}): Json {
  const definitions = [
    // Every response component first, also those no route names directly: a
    // component is generated from the first schema met with its id, and a
    // route's `Decision.nullable()` carries the id too (it must not make the
    // Decision component itself nullable).
    ...responseComponents.map((schema) => ({ type: "schema" as const, schema })),
    ...app.openAPIRegistry.definitions,
    ...WEBHOOK_EVENT_TYPES.map(webhook),
  ];
  const doc: Json = new OpenApiGeneratorV31(definitions as never).generateDocument({
    openapi: "3.1.1",
    info: {
      title: "kycert bureau runs API",
      version: currentApiVersion(),
      summary: "KYC/KYB bureau runs on Cloudflare Workers.",
      description: infoDescription(),
    },
    servers: [{ url: opts.serverUrl ?? "/" }],
    tags: TAGS,
  } as never);
  addResponseExamples(doc.paths);
  doc.components = {
    schemas: responseSchemas(doc.components?.schemas ?? {}, opts.exactResponses ?? false),
    headers: COMMON_HEADERS,
    parameters: {
      ApiVersion: {
        name: API_VERSION_HEADER,
        in: "header",
        required: false,
        description: `The API version (date). Missing → the current version (${currentApiVersion()}); unknown → 400 unknown_api_version.`,
        schema: { type: "string", enum: supportedApiVersions().map((v) => v.version) },
      },
      Bookmark: {
        name: "X-Kycert-Bookmark",
        in: "header",
        required: false,
        description: "A bookmark from an earlier response: this request reads at least everything up to it (read-your-writes). Malformed → 400 invalid_request.",
        schema: { type: "string", pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{8}-[0-9a-fA-F]{8}-[0-9a-fA-F]{32}$" },
      },
    },
    securitySchemes: {
      ApiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "`sk_live_…` or `sk_test_…`." },
      BearerApiKey: { type: "http", scheme: "bearer", description: "The same API key as a bearer token." },
      AdminToken: { type: "http", scheme: "bearer", description: "The operator's ADMIN_TOKEN (admin plane only)." },
    },
  };
  return doc;
}
