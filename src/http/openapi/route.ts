// One declaration per route: `route()` takes what only the route knows (path,
// request schemas, success responses, the error codes it can answer, its auth
// and scope) and adds what every route of its kind shares: the security
// requirement, the scope and body-parsing middleware, the error responses by
// status (one envelope, the codes listed), the response headers. `defineRoute`
// pairs it with its handler and the hook that names its validation errors.
// The same object validates requests (@hono/zod-openapi) and generates the
// document (openapi/generate.ts).
import { createRoute, OpenAPIHono, type RouteConfig, type RouteHandler } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../../env";
import type { Scope } from "../../lib/api-keys";
import { ApiError, ERROR_CODES, type ErrorCode } from "../errors";
import { requireScope } from "../middleware/auth";
import { API_VERSION_HEADER } from "../versioning";
import { issuePath, issuesToParams, jsonBody } from "../validate";

export type Auth = "api_key" | "admin" | "none";
export type Tag = "Runs" | "Templates" | "Reports" | "Events" | "Webhook endpoints" | "Cases" | "Screening" | "Monitoring" | "Companies" | "Admin" | "Meta";
type ResponseConfig = RouteConfig["responses"][string];

/** Codes not tied to one operation: any request can get them. */
export const GLOBAL_ERRORS: ErrorCode[] = ["route_not_found", "method_not_allowed", "internal_error"];

export interface RouteSpec extends Omit<RouteConfig, "responses" | "security" | "tags" | "middleware"> {
  operationId: string;
  tag: Tag;
  auth: Auth;
  scope?: Scope;
  /** Under /api/v1 (version header, version errors): every api_key route, and the document itself. */
  versioned?: boolean;
  /** Success responses (`ok()`); the error responses are generated from `errors`. */
  responses: Record<number, ResponseConfig>;
  /** Codes this route itself can answer, besides the ones every route of its kind can (commonErrors). */
  errors: ErrorCode[];
  /** Parameters documented here but checked by the handler (not by a zod validator, which would run before the body's). */
  parameters?: { name: string; in: "header"; required: boolean; description: string; schema: object }[];
}

/** A JSON request body (every body but a CSV import's, which its handler streams). */
const hasJsonBody = (spec: Pick<RouteSpec, "request">): boolean => !!spec.request?.body?.content?.["application/json"];

/** Codes any route of a kind can answer, added to its own list. */
function commonErrors(spec: RouteSpec, versioned: boolean): ErrorCode[] {
  const out: ErrorCode[] = [];
  if (versioned) out.push("unknown_api_version");
  if (spec.auth === "api_key") out.push("missing_api_key", "invalid_api_key", "rate_limit_exceeded");
  if (spec.auth === "admin") out.push("invalid_admin_token");
  if (spec.scope) out.push("insufficient_scope");
  if (hasJsonBody(spec)) out.push("invalid_json", "json_too_deep", "payload_too_large", "unsupported_media_type");
  out.push("internal_error");
  return out;
}

const headerRefs = (names: string[]) => Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));

function responseHeaders(auth: Auth, versioned: boolean, status: number, extra: string[] = []) {
  const names = ["X-Request-Id"];
  if (versioned) names.push(API_VERSION_HEADER);
  if (auth === "api_key" && status !== 401) names.push("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset");
  if (status === 429) names.push("Retry-After");
  if (versioned && auth === "api_key" && status < 300) names.push("X-Kycert-Bookmark");
  return headerRefs([...names, ...extra]);
}

/** A success response: a JSON body of `schema` (a response component, with an example for the reference), or none. Extra header names come from components.headers. */
export const ok = <S extends z.ZodType>(description: string, schema?: S, headers: string[] = [], example?: z.infer<S>) =>
  ({
    description,
    ...(schema ? { content: { "application/json": { schema, ...(example === undefined ? {} : { example }) } } } : {}),
    ...(headers.length ? { "x-headers": headers } : {}),
  }) as { description: string; content: { "application/json": { schema: S } } };

/** The error envelope's fields, typed by the Error component. */
const ENVELOPE_FIELDS = Object.fromEntries(["type", "message", "param", "invalid_params", "request_id"].map((k) => [k, {}]));

function errorResponses(spec: RouteSpec, versioned: boolean): Record<number, ResponseConfig> {
  const codes = new Set([...spec.errors, ...commonErrors(spec, versioned)]);
  const byStatus = new Map<number, ErrorCode[]>();
  // In table order, grouped by status.
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    if (!codes.has(code)) continue;
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<number, ResponseConfig> = {};
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[status] = {
      description: list.map((c) => `\`${c}\`: ${ERROR_CODES[c].message}`).join("\n\n"),
      headers: responseHeaders(spec.auth, versioned, status),
      content: {
        "application/json": {
          schema: {
            allOf: [
              { $ref: "#/components/schemas/Error" },
              // Narrows `code` to this response's codes. The envelope's other fields are named (the Error
              // component types them) so that the branch also holds alone, as strict validators read allOf.
              { type: "object", properties: { error: { type: "object", properties: { ...ENVELOPE_FIELDS, code: { enum: list } } } } },
            ],
          },
        },
      },
      "x-error-codes": list,
    } as ResponseConfig;
  }
  return out;
}

function security(spec: RouteSpec): Record<string, string[]>[] {
  if (spec.auth === "none") return [];
  if (spec.auth === "admin") return [{ AdminToken: [] }];
  const scopes = spec.scope ? [spec.scope] : [];
  return [{ ApiKey: scopes }, { BearerApiKey: scopes }];
}

/** The createRoute config of a spec; `responses` keeps the spec's success types for the handler. */
export function route<const S extends RouteSpec>(spec: S) {
  const { tag, auth, scope, versioned: v, errors: _errors, responses, parameters: own = [], ...rest } = spec;
  const versioned = v ?? auth === "api_key";
  const middleware: MiddlewareHandler<AppEnv>[] = [];
  if (scope) middleware.push(requireScope(scope));
  if (hasJsonBody(spec)) middleware.push(jsonBody);
  const successes = Object.fromEntries(
    Object.entries(responses).map(([status, r]) => {
      const { "x-headers": extra, ...res } = r as ResponseConfig & { "x-headers"?: string[] };
      return [status, { ...res, headers: responseHeaders(auth, versioned, Number(status), extra) }];
    }),
  );
  // The version and bookmark headers are read by app-wide middleware (api-version.ts, d1-session.ts): referenced, not validated here.
  const parameters = [
    ...(versioned ? [{ $ref: "#/components/parameters/ApiVersion" }] : []),
    ...(versioned && auth === "api_key" ? [{ $ref: "#/components/parameters/Bookmark" }] : []),
    ...own,
  ];
  return createRoute({
    ...rest,
    tags: [tag],
    ...(parameters.length ? { parameters } : {}),
    security: security(spec),
    ...(scope ? { "x-required-scope": scope } : {}),
    ...(middleware.length ? { middleware } : {}),
    responses: { ...successes, ...errorResponses(spec, versioned) },
  }) as unknown as Omit<S, "responses"> & { responses: S["responses"] & Record<number, ResponseConfig>; method: S["method"]; path: S["path"] };
}

/** Picks the contract code for the first problem of a request; every problem is listed in invalid_params. */
export type CodeFor = (path: string, issue: z.core.$ZodIssue) => ErrorCode;

/** The validation hook: the first problem becomes the ApiError the contract names (default invalid_request). */
export function hookFor(codeFor: CodeFor = () => "invalid_request") {
  return (result: { success: boolean; error?: z.ZodError }) => {
    if (result.success || !result.error) return;
    const issues = result.error.issues;
    const first = issues[0];
    const params = issuesToParams(issues);
    throw new ApiError(codeFor(issuePath(first), first), params.map((p) => `${p.name}: ${p.reason}`).join("; "), params[0]?.name, params);
  };
}

type Openapi = OpenAPIHono<AppEnv>["openapi"];

export interface RouteDefinition {
  route: RouteConfig;
  handler: Parameters<Openapi>[1];
  hook: Parameters<Openapi>[2];
}

/** A route and its handler (typed by the route's request and responses), and the hook naming its validation errors. */
export function defineRoute<R extends RouteConfig>(r: R, handler: RouteHandler<R, AppEnv>, codeFor?: CodeFor): RouteDefinition {
  return { route: r, handler: handler as RouteDefinition["handler"], hook: hookFor(codeFor) as RouteDefinition["hook"] };
}

/** A required JSON request body of `schema`, with an example for the reference. */
export const jsonRequest = <S extends z.ZodType>(schema: S, example?: unknown) => ({
  required: true,
  content: { "application/json": { schema, ...(example === undefined ? {} : { example }) } },
});

/** A router of route definitions, mounted by app.ts (which also orders the middleware before them). */
export function router(defs: RouteDefinition[]) {
  const app = new OpenAPIHono<AppEnv>();
  for (const d of defs) app.openapi(d.route, d.handler, d.hook);
  return app;
}
