// The OpenAPI 3.1 document, generated from the zod schemas (zod 4's native
// z.toJSONSchema, JSON Schema 2020-12 = OpenAPI 3.1's dialect) and the
// operation list. Request schemas are converted on their input side (what a
// client sends), response components on their output side.
import { z } from "zod";
import { ERROR_CODES, type ErrorCode } from "../errors";
import { ErrorEnvelope, responseComponents, WebhookEnvelope } from "../schemas/responses";
import { API_VERSION_HEADER, currentApiVersion, supportedApiVersions } from "../versioning";
import { commonErrors, GLOBAL_ERRORS, OPERATIONS, type OperationSpec, type SuccessResponse, type Tag } from "./operations";

export type Json = Record<string, any>;

export interface DocumentOptions {
  /** `servers[0].url`; default "/" (the origin serving the document). */
  serverUrl?: string;
  /**
   * Keep `additionalProperties: false` on response objects (tests use it to
   * catch undocumented fields). The published document leaves it out: a
   * field added within a version is not a breaking change, and clients
   * should not be generated to reject it.
   */
  exactResponses?: boolean;
}

const TAGS: { name: Tag; description: string }[] = [
  { name: "Runs", description: "Create, poll, list and cancel bureau runs; read their analysis and raw detail." },
  { name: "Reports", description: "PDF reports stored once per (run, mode), downloaded through signed URLs." },
  { name: "Events", description: "Webhook events (run.completed, run.failed, case.opened, case.resolved): their delivery log, and re-sending them." },
  { name: "Screening", description: "Names and documents screened against the service's own copy of the official sanctions, PEP and Brazilian lists." },
  { name: "Cases", description: "Review cases (contract §15): one per run that ends `review` or on `hold`; assignment, resolution with four-eyes approval, a hash-chained event log." },
  { name: "Meta", description: "This document, the API reference page and liveness." },
  { name: "Admin", description: "The operator's plane (`Authorization: Bearer <ADMIN_TOKEN>`): tenants, API keys, templates, webhook endpoints. Not versioned, not rate limited." },
];

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

function componentId(schema: z.ZodType): string {
  const meta = responseComponents.get(schema);
  if (!meta) throw new Error("response schema is not a registered component (schemas/responses.ts)");
  return meta.id;
}

/** Drops what a Schema Object inside an OpenAPI document must not carry (a fragment `$id`) or need not (`$schema`). */
function clean(node: unknown, dropClosedObjects: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => clean(n, dropClosedObjects));
  if (typeof node !== "object" || node === null) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "$schema" || k === "$id") continue;
    if (dropClosedObjects && k === "additionalProperties" && v === false) continue;
    // zod's z.number().int() bounds: noise in a reference.
    if ((k === "minimum" || k === "maximum") && Math.abs(v as number) === Number.MAX_SAFE_INTEGER) continue;
    out[k] = clean(v, dropClosedObjects);
  }
  return out;
}

function requestSchema(schema: z.ZodType, docs: Record<string, string> = {}): Json {
  const out = clean(z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "any" }), false) as Json;
  for (const [path, description] of Object.entries(docs)) {
    const node = path.split(".").reduce<Json | undefined>((n, key) => n?.properties?.[key], out);
    if (!node) throw new Error(`bodyDocs: no field ${path}`);
    node.description = description;
  }
  return out;
}

function componentSchemas(exact: boolean): Json {
  const { schemas } = z.toJSONSchema(responseComponents, {
    target: "draft-2020-12",
    io: "output",
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  });
  return clean(schemas, !exact) as Json;
}

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
Lists return \`{object: "list", data, has_more, next_cursor?}\`; pass \`next_cursor\` as \`cursor\`. Cursors are opaque and signed.`;
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

const headerRefs = (names: string[]): Json => Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));

function responseHeaders(op: OperationSpec, status: number, extra: string[] = []): Json {
  const names = ["X-Request-Id"];
  const versioned = op.path.startsWith("/api/v1/");
  if (versioned) names.push(API_VERSION_HEADER);
  if (op.security === "api_key" && status !== 401) names.push("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset");
  if (status === 429) names.push("Retry-After");
  if (versioned && op.security === "api_key" && status < 300) names.push("X-Kycert-Bookmark");
  return headerRefs([...names, ...extra]);
}

function successResponse(op: OperationSpec, status: number, r: SuccessResponse): Json {
  const out: Json = { description: r.description, headers: responseHeaders(op, status, r.headers) };
  if (r.schema) out.content = { "application/json": { schema: ref(componentId(r.schema)) } };
  else if (r.content) out.content = Object.fromEntries(Object.entries(r.content).map(([type, schema]) => [type, { schema }]));
  return out;
}

/** All the codes an operation can answer (its own + those of its kind), in table order. */
export function operationErrorCodes(op: OperationSpec): ErrorCode[] {
  const set = new Set<ErrorCode>([...op.errors, ...commonErrors(op)]);
  return (Object.keys(ERROR_CODES) as ErrorCode[]).filter((c) => set.has(c));
}

function errorResponses(op: OperationSpec): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of operationErrorCodes(op)) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Json = {};
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[status] = {
      description: codes.map((c) => `\`${c}\`: ${ERROR_CODES[c].message}`).join("\n\n"),
      headers: responseHeaders(op, status),
      content: {
        "application/json": {
          schema: {
            allOf: [
              ref(componentId(ErrorEnvelope)),
              { type: "object", properties: { error: { type: "object", properties: { code: { enum: codes } } } } },
            ],
          },
        },
      },
      "x-error-codes": codes,
    };
  }
  return out;
}

function security(op: OperationSpec): Json[] {
  if (op.security === "none") return [];
  if (op.security === "admin") return [{ AdminToken: [] }];
  const scopes = op.scope ? [op.scope] : [];
  return [{ ApiKey: scopes }, { BearerApiKey: scopes }];
}

function operation(op: OperationSpec): Json {
  const parameters: Json[] = [];
  if (op.path.startsWith("/api/v1/")) parameters.push({ $ref: "#/components/parameters/ApiVersion" });
  if (op.path.startsWith("/api/v1/") && op.security === "api_key") parameters.push({ $ref: "#/components/parameters/Bookmark" });
  for (const p of op.parameters ?? []) {
    parameters.push({ name: p.name, in: p.in, required: p.in === "path" ? true : (p.required ?? false), description: p.description, schema: p.schema ?? { type: "string" } });
  }
  if (op.query) {
    const js = requestSchema(op.query);
    const required: string[] = js.required ?? [];
    for (const [name, prop] of Object.entries<Json>(js.properties ?? {})) {
      const { description, ...schema } = prop;
      const doc = op.queryDocs?.[name] ?? description;
      parameters.push({ name, in: "query", required: required.includes(name), ...(doc ? { description: doc } : {}), schema });
    }
  }
  const out: Json = {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    security: security(op),
    ...(op.scope ? { "x-required-scope": op.scope } : {}),
    ...(parameters.length ? { parameters } : {}),
  };
  if (op.body) {
    out.requestBody = {
      required: true,
      content: { "application/json": { schema: requestSchema(op.body, op.bodyDocs), ...(op.requestExample ? { example: op.requestExample } : {}) } },
    };
  }
  out.responses = {
    ...Object.fromEntries(Object.entries(op.responses).map(([status, r]) => [status, successResponse(op, Number(status), r)])),
    ...errorResponses(op),
  };
  return out;
}

function webhookOperation(event: string, summary: string): Json {
  return {
    post: {
      operationId: `webhook_${event.replace(".", "_")}`,
      summary,
      description:
        "Sent to the tenant's endpoints subscribed to this event, or to the run's own `webhook_url`. At-least-once: deduplicate on `id`. Verify `Kycert-Signature` (`t=<unix>,v1=<hex HMAC-SHA256(secret, t + \".\" + raw body)>`) and reject timestamps older than 5 minutes. Retried with exponential backoff for about 3 days until a 2xx.",
      parameters: [{ name: "Kycert-Signature", in: "header", required: true, description: "t=<unix>,v1=<hex>", schema: { type: "string" } }],
      requestBody: { required: true, content: { "application/json": { schema: ref(componentId(WebhookEnvelope)) } } },
      responses: {
        "2XX": { description: "Delivered." },
        "410": { description: "The endpoint is gone: it is disabled and receives nothing more." },
        default: { description: "Not delivered: retried later." },
      },
    },
  };
}

export function buildOpenApiDocument(opts: DocumentOptions = {}): Json {
  const paths: Json = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);
  return {
    openapi: "3.1.1",
    info: {
      title: "kycert bureau runs API",
      version: currentApiVersion(),
      summary: "KYC/KYB bureau runs on Cloudflare Workers.",
      description: infoDescription(),
    },
    servers: [{ url: opts.serverUrl ?? "/" }],
    tags: TAGS,
    paths,
    webhooks: {
      "run.completed": webhookOperation("run.completed", "A run ended with a decision (completed or partial)"),
      "run.failed": webhookOperation("run.failed", "A run failed (no decision possible)"),
    },
    components: {
      schemas: componentSchemas(opts.exactResponses ?? false),
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
    },
  };
}
