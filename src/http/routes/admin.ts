// /admin/v1 — the operator's plane (ADMIN_TOKEN): tenants, API keys, templates, webhook endpoints.
import { z } from "zod";
import {
  createApiKey,
  createTemplate,
  createTemplateVersion,
  createTenant,
  listAllTemplates,
  patchTenant,
  publishTemplate,
  requireTenant,
  revokeKey,
  tenantView,
} from "../../admin/service";
import { createDb } from "../../db/client";
import { runtimeConfig } from "../../env";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpointForTenant,
  listTenantWebhookEndpoints,
  webhookOverrideSecret,
} from "../../webhooks/endpoints";
import { defineRoute, jsonRequest, ok, route, router, type RouteSpec } from "../openapi/route";
import { CreateApiKeySchema, CreateTenantSchema, PatchTenantSchema, TemplateDefinitionSchema } from "../schemas/admin";
import * as R from "../schemas/responses";
import { CreateWebhookEndpointSchema, OverrideSecretQuerySchema, webhookEndpointErrorCode } from "../schemas/webhooks";

export const adminCommon = { tag: "Admin", auth: "admin" } as const satisfies Partial<RouteSpec>;
const id = (description: string) => z.string().meta({ description });
export const TenantIdParams = z.object({ id: id("The tenant id (`ten_…`).") });
const TemplateIdParams = z.object({ id: id("The template id.") });
const EndpointParams = z.object({ id: id("The tenant id (`ten_…`)."), endpoint_id: id("The endpoint id (`whe_…`).") });

const createTenantRoute = defineRoute(
  route({
    ...adminCommon,
    method: "post",
    path: "/tenants",
    operationId: "adminCreateTenant",
    summary: "Create a tenant",
    request: { body: jsonRequest(CreateTenantSchema, { name: "Banco Exemplo", slug: "banco-exemplo", credits: 5000 }) },
    responses: { 201: ok("Created.", R.Tenant) },
    errors: ["tenant_slug_taken", "invalid_request"],
  }),
  async (c) => c.json(await createTenant(createDb(c.env.DB), c.req.valid("json"), new Date()), 201),
);

const getTenant = defineRoute(
  route({
    ...adminCommon,
    method: "get",
    path: "/tenants/{id}",
    operationId: "adminGetTenant",
    summary: "Retrieve a tenant",
    request: { params: TenantIdParams },
    responses: { 200: ok("The tenant.", R.Tenant) },
    errors: ["tenant_not_found"],
  }),
  async (c) => c.json(tenantView(await requireTenant(createDb(c.env.DB), c.req.valid("param").id)), 200),
);

const patchTenantRoute = defineRoute(
  route({
    ...adminCommon,
    method: "patch",
    path: "/tenants/{id}",
    operationId: "adminUpdateTenant",
    summary: "Suspend, reactivate, set credits or add to them",
    request: { params: TenantIdParams, body: jsonRequest(PatchTenantSchema) },
    responses: { 200: ok("The tenant.", R.Tenant) },
    errors: ["tenant_not_found", "invalid_request", "credits_below_zero"],
  }),
  async (c) => c.json(await patchTenant(createDb(c.env.DB), c.req.valid("param").id, c.req.valid("json"), new Date()), 200),
);

const createKey = defineRoute(
  route({
    ...adminCommon,
    method: "post",
    path: "/tenants/{id}/api-keys",
    operationId: "adminCreateApiKey",
    summary: "Create an API key",
    description: "`rate_limit_per_minute` overrides the configured default for this key. The key is shown only in this response.",
    request: {
      params: TenantIdParams,
      body: jsonRequest(CreateApiKeySchema, { name: "backend", environment: "test", scopes: ["runs:write", "runs:read"], rate_limit_per_minute: 120 }),
    },
    responses: { 201: ok("Created.", R.ApiKeyCreated) },
    errors: ["tenant_not_found", "invalid_request"],
  }),
  async (c) => c.json(await createApiKey(createDb(c.env.DB), c.env.SERVER_SECRET, c.req.valid("param").id, c.req.valid("json"), new Date()), 201),
);

const revokeKeyRoute = defineRoute(
  route({
    ...adminCommon,
    method: "delete",
    path: "/api-keys/{id}",
    operationId: "adminRevokeApiKey",
    summary: "Revoke an API key",
    request: { params: z.object({ id: id("The key id (`key_…`).") }) },
    responses: { 200: ok("Revoked; the key stopped working at once.", R.ApiKeyRevoked) },
    errors: ["api_key_not_found"],
  }),
  async (c) => c.json(await revokeKey(c.env, createDb(c.env.DB), c.req.valid("param").id, new Date()), 200),
);

const listTemplates = defineRoute(
  route({
    ...adminCommon,
    method: "get",
    path: "/templates",
    operationId: "adminListTemplates",
    summary: "List templates",
    responses: { 200: ok("Every template version.", R.TemplateList) },
    errors: [],
  }),
  async (c) => c.json(await listAllTemplates(createDb(c.env.DB)), 200),
);

const createTemplateRoute = defineRoute(
  route({
    ...adminCommon,
    method: "post",
    path: "/templates",
    operationId: "adminCreateTemplate",
    summary: "Create a template (draft)",
    request: { body: jsonRequest(TemplateDefinitionSchema) },
    responses: { 201: ok("The draft, version 1.", R.Template) },
    errors: ["tenant_not_found", "invalid_request"],
  }),
  async (c) => c.json(await createTemplate(createDb(c.env.DB), c.req.valid("json"), new Date()), 201),
);

const createTemplateVersionRoute = defineRoute(
  route({
    ...adminCommon,
    method: "post",
    path: "/templates/{id}/versions",
    operationId: "adminCreateTemplateVersion",
    summary: "Change a template (replaces the draft, or opens draft n+1)",
    request: { params: TemplateIdParams, body: jsonRequest(TemplateDefinitionSchema) },
    responses: { 201: ok("The draft.", R.Template) },
    errors: ["template_not_found_admin", "tenant_not_found", "invalid_request"],
  }),
  async (c) => c.json(await createTemplateVersion(createDb(c.env.DB), c.req.valid("param").id, c.req.valid("json"), new Date()), 201),
);

const publishTemplateRoute = defineRoute(
  route({
    ...adminCommon,
    method: "post",
    path: "/templates/{id}/publish",
    operationId: "adminPublishTemplate",
    summary: "Publish a template's draft",
    request: { params: TemplateIdParams },
    responses: { 200: ok("The published version.", R.Template) },
    errors: ["template_not_found_admin", "template_not_draft"],
  }),
  async (c) => c.json(await publishTemplate(c.env, createDb(c.env.DB), c.req.valid("param").id, new Date()), 200),
);

// ---- webhook endpoints (contract §11, §13) ----------------------------------

const createEndpoint = defineRoute(
  route({
    ...adminCommon,
    method: "post",
    path: "/tenants/{id}/webhook-endpoints",
    operationId: "adminCreateWebhookEndpoint",
    summary: "Create a webhook endpoint",
    description:
      "https only (http allowed for test endpoints); no credentials, IP literals or internal names. The `whsec_…` secret is shown only in this response. Without `events` the endpoint receives the run events (run.completed, run.failed); review-case events (case.opened, case.resolved) must be listed to be received.",
    request: {
      params: TenantIdParams,
      body: jsonRequest(CreateWebhookEndpointSchema, { url: "https://hooks.example.com.br/kycert", events: ["run.completed", "run.failed"], environment: "live" }),
    },
    responses: { 201: ok("Created, with its signing secret.", R.WebhookEndpointCreated) },
    errors: ["tenant_not_found", "invalid_webhook_url", "invalid_request"],
  }),
  async (c) =>
    c.json(
      await createWebhookEndpoint(createDb(c.env.DB), c.req.valid("param").id, c.req.valid("json"), new Date(), {
        loopback: runtimeConfig(c.env).webhookLoopback,
      }),
      201,
    ),
  webhookEndpointErrorCode,
);

const listEndpoints = defineRoute(
  route({
    ...adminCommon,
    method: "get",
    path: "/tenants/{id}/webhook-endpoints",
    operationId: "adminListWebhookEndpoints",
    summary: "List a tenant's webhook endpoints",
    request: { params: TenantIdParams },
    responses: { 200: ok("The endpoints (never their secrets).", R.WebhookEndpointList) },
    errors: ["tenant_not_found"],
  }),
  async (c) => c.json(await listTenantWebhookEndpoints(createDb(c.env.DB), c.req.valid("param").id), 200),
);

const getEndpoint = defineRoute(
  route({
    ...adminCommon,
    method: "get",
    path: "/tenants/{id}/webhook-endpoints/{endpoint_id}",
    operationId: "adminGetWebhookEndpoint",
    summary: "Retrieve a webhook endpoint",
    request: { params: EndpointParams },
    responses: { 200: ok("The endpoint.", R.WebhookEndpoint) },
    errors: ["webhook_endpoint_not_found"],
  }),
  async (c) => {
    const p = c.req.valid("param");
    return c.json(await getWebhookEndpointForTenant(createDb(c.env.DB), p.id, p.endpoint_id), 200);
  },
);

const deleteEndpoint = defineRoute(
  route({
    ...adminCommon,
    method: "delete",
    path: "/tenants/{id}/webhook-endpoints/{endpoint_id}",
    operationId: "adminDeleteWebhookEndpoint",
    summary: "Delete (disable) a webhook endpoint",
    request: { params: EndpointParams },
    responses: { 200: ok("Disabled.", R.WebhookEndpointDeleted) },
    errors: ["tenant_not_found", "webhook_endpoint_not_found"],
  }),
  async (c) => {
    const p = c.req.valid("param");
    return c.json(await deleteWebhookEndpoint(createDb(c.env.DB), p.id, p.endpoint_id, new Date()), 200);
  },
);

const overrideSecret = defineRoute(
  route({
    ...adminCommon,
    method: "get",
    path: "/tenants/{id}/webhook-override-secret",
    operationId: "adminGetWebhookOverrideSecret",
    summary: "The secret signing per-run webhook_url deliveries",
    request: { params: TenantIdParams, query: OverrideSecretQuerySchema },
    responses: { 200: ok("The secret.", R.WebhookOverrideSecret) },
    errors: ["tenant_not_found", "invalid_request"],
  }),
  async (c) =>
    c.json(await webhookOverrideSecret(createDb(c.env.DB), c.env.SERVER_SECRET, c.req.valid("param").id, c.req.valid("query").environment), 200),
);

export const adminRoutes = router([
  createTenantRoute,
  getTenant,
  patchTenantRoute,
  createKey,
  revokeKeyRoute,
  listTemplates,
  createTemplateRoute,
  createTemplateVersionRoute,
  publishTemplateRoute,
  createEndpoint,
  listEndpoints,
  getEndpoint,
  deleteEndpoint,
  overrideSecret,
]);
