// /admin/v1 — the operator's plane (ADMIN_TOKEN).
import { Hono } from "hono";
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
import { runtimeConfig, type AppEnv } from "../../env";
import { adminAuth } from "../middleware/auth";
import { CreateApiKeySchema, CreateTenantSchema, PatchTenantSchema, TemplateDefinitionSchema } from "../schemas/admin";
import { CreateWebhookEndpointSchema, OverrideSecretQuerySchema, webhookEndpointErrorCode } from "../schemas/webhooks";
import { jsonBody, validate } from "../validate";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpointForTenant,
  listTenantWebhookEndpoints,
  webhookOverrideSecret,
} from "../../webhooks/endpoints";

export const adminRoutes = new Hono<AppEnv>();

adminRoutes.use("*", adminAuth);

adminRoutes.post("/tenants", jsonBody, validate("json", CreateTenantSchema), async (c) =>
  c.json(await createTenant(createDb(c.env.DB), c.req.valid("json"), new Date()), 201),
);

adminRoutes.get("/tenants/:id", async (c) => c.json(tenantView(await requireTenant(createDb(c.env.DB), c.req.param("id")))));

adminRoutes.patch("/tenants/:id", jsonBody, validate("json", PatchTenantSchema), async (c) =>
  c.json(await patchTenant(createDb(c.env.DB), c.req.param("id"), c.req.valid("json"), new Date())),
);

adminRoutes.post("/tenants/:id/api-keys", jsonBody, validate("json", CreateApiKeySchema), async (c) =>
  c.json(await createApiKey(createDb(c.env.DB), c.env.SERVER_SECRET, c.req.param("id"), c.req.valid("json"), new Date()), 201),
);

adminRoutes.delete("/api-keys/:id", async (c) => c.json(await revokeKey(c.env, createDb(c.env.DB), c.req.param("id"), new Date())));

adminRoutes.get("/templates", async (c) => c.json(await listAllTemplates(createDb(c.env.DB))));

adminRoutes.post("/templates", jsonBody, validate("json", TemplateDefinitionSchema), async (c) =>
  c.json(await createTemplate(createDb(c.env.DB), c.req.valid("json"), new Date()), 201),
);

adminRoutes.post("/templates/:id/versions", jsonBody, validate("json", TemplateDefinitionSchema), async (c) =>
  c.json(await createTemplateVersion(createDb(c.env.DB), c.req.param("id"), c.req.valid("json"), new Date()), 201),
);

adminRoutes.post("/templates/:id/publish", async (c) =>
  c.json(await publishTemplate(c.env, createDb(c.env.DB), c.req.param("id"), new Date())),
);

// ---- webhook endpoints (contract §11, §13) ----------------------------------

adminRoutes.post(
  "/tenants/:id/webhook-endpoints",
  jsonBody,
  validate("json", CreateWebhookEndpointSchema, webhookEndpointErrorCode),
  async (c) =>
    c.json(
      await createWebhookEndpoint(createDb(c.env.DB), c.req.param("id"), c.req.valid("json"), new Date(), {
        loopback: runtimeConfig(c.env).webhookLoopback,
      }),
      201,
    ),
);

adminRoutes.get("/tenants/:id/webhook-endpoints", async (c) =>
  c.json(await listTenantWebhookEndpoints(createDb(c.env.DB), c.req.param("id"))),
);

adminRoutes.get("/tenants/:id/webhook-endpoints/:endpoint_id", async (c) =>
  c.json(await getWebhookEndpointForTenant(createDb(c.env.DB), c.req.param("id"), c.req.param("endpoint_id"))),
);

adminRoutes.delete("/tenants/:id/webhook-endpoints/:endpoint_id", async (c) =>
  c.json(await deleteWebhookEndpoint(createDb(c.env.DB), c.req.param("id"), c.req.param("endpoint_id"), new Date())),
);

adminRoutes.get("/tenants/:id/webhook-override-secret", validate("query", OverrideSecretQuerySchema), async (c) =>
  c.json(await webhookOverrideSecret(createDb(c.env.DB), c.env.SERVER_SECRET, c.req.param("id"), c.req.valid("query").environment)),
);
