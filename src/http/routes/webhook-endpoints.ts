// /api/v1/webhook-endpoints — a tenant's webhook endpoints with its own key
// (scope webhooks:write, contract §19): the admin plane's objects and URL
// rules, in the key's environment. The signing secret is shown only when it
// is made (creation, rotation).
import { z } from "zod";
import { createDb } from "../../db/client";
import { runtimeConfig } from "../../env";
import {
  createOwnWebhookEndpoint,
  deleteOwnWebhookEndpoint,
  getOwnWebhookEndpoint,
  listOwnWebhookEndpoints,
  rotateOwnWebhookEndpointSecret,
} from "../../webhooks/endpoints";
import { defineRoute, jsonRequest, ok, route, router, type RouteSpec } from "../openapi/route";
import { WebhookEndpoint, WebhookEndpointCreated, WebhookEndpointDeleted, WebhookEndpointPage } from "../schemas/responses";
import { listQueryErrorCode, pageQueryFields } from "../schemas/runs";
import { CreateOwnWebhookEndpointSchema, ownWebhookEndpointErrorCode } from "../schemas/webhooks";

const common = { tag: "Webhook endpoints", auth: "api_key", scope: "webhooks:write" } as const satisfies Partial<RouteSpec>;
const EndpointIdParams = z.object({ id: z.string().meta({ description: "The endpoint id (`whe_…`)." }) });
const owner = (auth: { tenantId: string; livemode: boolean }) => ({ tenantId: auth.tenantId, livemode: auth.livemode });

const create = defineRoute(
  route({
    ...common,
    method: "post",
    path: "/webhook-endpoints",
    operationId: "createWebhookEndpoint",
    summary: "Register a webhook endpoint",
    description:
      "The endpoint belongs to your key's environment: a sandbox key's endpoint receives sandbox events, a live key's live ones. URL rules: https on port 443, no credentials, no IP literals, no internal names; sandbox endpoints may also use http and any port. Without `events` it receives the run events (`run.completed`, `run.failed`); review-case events are opted into by listing them. The `whsec_…` secret that signs deliveries is shown only in this answer.",
    request: { body: jsonRequest(CreateOwnWebhookEndpointSchema, { url: "https://hooks.example.com.br/kycert", events: ["run.completed", "run.failed", "case.opened", "case.resolved"] }) },
    responses: { 201: ok("Created, with its signing secret.", WebhookEndpointCreated) },
    errors: ["invalid_webhook_url", "unknown_parameter", "invalid_request"],
  }),
  async (c) =>
    c.json(
      await createOwnWebhookEndpoint(createDb(c.env.DB), owner(c.get("auth")), c.req.valid("json"), new Date(), { loopback: runtimeConfig(c.env).webhookLoopback }),
      201,
    ),
  ownWebhookEndpointErrorCode,
);

const list = defineRoute(
  route({
    ...common,
    method: "get",
    path: "/webhook-endpoints",
    operationId: "listWebhookEndpoints",
    summary: "List your webhook endpoints",
    description: "The endpoints of your key's environment, newest first, active and disabled (never their secrets).",
    request: { query: z.strictObject(pageQueryFields) },
    responses: { 200: ok("A page of endpoints.", WebhookEndpointPage) },
    errors: ["invalid_limit", "invalid_cursor", "unknown_parameter", "invalid_request"],
  }),
  async (c) => c.json(await listOwnWebhookEndpoints(createDb(c.env.DB), c.env.SERVER_SECRET, owner(c.get("auth")), c.req.valid("query")), 200),
  listQueryErrorCode,
);

const get = defineRoute(
  route({
    ...common,
    method: "get",
    path: "/webhook-endpoints/{id}",
    operationId: "getWebhookEndpoint",
    summary: "Retrieve a webhook endpoint",
    description: "Another tenant's or environment's endpoint is indistinguishable from an unknown one.",
    request: { params: EndpointIdParams },
    responses: { 200: ok("The endpoint (never its secret).", WebhookEndpoint) },
    errors: ["webhook_endpoint_not_found"],
  }),
  async (c) => c.json(await getOwnWebhookEndpoint(createDb(c.env.DB), owner(c.get("auth")), c.req.valid("param").id), 200),
);

const remove = defineRoute(
  route({
    ...common,
    method: "delete",
    path: "/webhook-endpoints/{id}",
    operationId: "deleteWebhookEndpoint",
    summary: "Delete (disable) a webhook endpoint",
    description: "No new event targets it and its pending retries stop. It stays listed as `disabled`, so delivery logs keep naming it. Idempotent.",
    request: { params: EndpointIdParams },
    responses: { 200: ok("Disabled.", WebhookEndpointDeleted) },
    errors: ["webhook_endpoint_not_found"],
  }),
  async (c) => c.json(await deleteOwnWebhookEndpoint(createDb(c.env.DB), owner(c.get("auth")), c.req.valid("param").id, new Date()), 200),
);

const rotate = defineRoute(
  route({
    ...common,
    method: "post",
    path: "/webhook-endpoints/{id}/rotate-secret",
    operationId: "rotateWebhookEndpointSecret",
    summary: "Rotate an endpoint's signing secret",
    description:
      "A new `whsec_…` secret, shown only in this answer. Every delivery from now on (retries of earlier events too) is signed with it; the old one stops at once. Deliveries your receiver refuses while it still checks the old secret are retried with backoff, so nothing is lost while you deploy the new one.",
    request: { params: EndpointIdParams },
    responses: { 200: ok("The endpoint with its new signing secret.", WebhookEndpointCreated) },
    errors: ["webhook_endpoint_not_found", "webhook_endpoint_disabled"],
  }),
  async (c) => c.json(await rotateOwnWebhookEndpointSecret(createDb(c.env.DB), owner(c.get("auth")), c.req.valid("param").id), 200),
);

export const webhookEndpointRoutes = router([create, list, get, remove, rotate]);
