// Admin plane use cases for a tenant's webhook endpoints (contract §13).
import { requireTenant } from "../admin/service";
import type { Db } from "../db/client";
import {
  disableWebhookEndpoint,
  getWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookEndpoints,
  type WebhookEndpointRow,
} from "../db/queries/webhooks";
import { DEFAULT_ENDPOINT_EVENTS, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../domain/webhook-events";
import { webhookUrlProblem } from "../domain/webhook-url";
import { DomainError } from "../domain/errors";
import type { Environment } from "../lib/api-keys";
import { newId } from "../lib/ids";
import { generateEndpointSecret, overrideSecret } from "./signature";

/** A new endpoint as the admin plane asks for it (src/http/schemas/webhooks.ts validates it). */
export interface CreateWebhookEndpointInput {
  url: string;
  /** Defaults to the run events (DEFAULT_ENDPOINT_EVENTS). */
  events?: WebhookEventType[];
  environment: Environment;
}

/** The endpoint as listed: never the secret. */
export const endpointView = (e: WebhookEndpointRow) => ({
  id: e.id,
  object: "webhook_endpoint" as const,
  tenant_id: e.tenantId,
  url: e.url,
  events: JSON.parse(e.events) as string[],
  environment: (e.livemode ? "live" : "test") as Environment,
  livemode: e.livemode,
  status: e.status,
  created_at: e.createdAt,
  disabled_at: e.disabledAt,
  disabled_reason: e.disabledReason,
});

export async function createWebhookEndpoint(
  db: Db,
  tenantId: string,
  input: CreateWebhookEndpointInput,
  now: Date,
  opts: { loopback?: boolean } = {},
) {
  await requireTenant(db, tenantId);
  // The same URL rules as a run's webhook_url; test endpoints get the sandbox rules (http, any port,
  // and loopback receivers in local dev: opts.loopback, from runtimeConfig).
  const problem = webhookUrlProblem(input.url, { sandbox: input.environment === "test", loopback: opts.loopback });
  if (problem) throw new DomainError("invalid_webhook_url", problem, "url");
  const events = WEBHOOK_EVENT_TYPES.filter((t) => (input.events ?? DEFAULT_ENDPOINT_EVENTS).includes(t));
  const row: WebhookEndpointRow = {
    id: newId("whe", now.getTime()),
    tenantId,
    url: input.url,
    events: JSON.stringify(events),
    secret: generateEndpointSecret(),
    livemode: input.environment === "live",
    status: "active",
    createdAt: now.toISOString(),
    disabledAt: null,
    disabledReason: null,
  };
  await insertWebhookEndpoint(db, row);
  return { ...endpointView(row), secret: row.secret }; // the secret is shown only here
}

export async function listTenantWebhookEndpoints(db: Db, tenantId: string) {
  await requireTenant(db, tenantId);
  return { object: "list" as const, data: (await listWebhookEndpoints(db, tenantId)).map(endpointView) };
}

/**
 * Deleting disables the endpoint (the row stays, so the delivery log keeps
 * naming it): no new event targets it and pending retries stop. Idempotent.
 */
export async function deleteWebhookEndpoint(db: Db, tenantId: string, endpointId: string, now: Date) {
  await requireTenant(db, tenantId);
  const row = await disableWebhookEndpoint(db, endpointId, tenantId, "deleted", now.toISOString());
  if (!row) throw new DomainError("webhook_endpoint_not_found", undefined, "endpoint_id");
  return { ...endpointView(row), deleted: true };
}

export async function getWebhookEndpointForTenant(db: Db, tenantId: string, endpointId: string) {
  const row = await getWebhookEndpoint(db, endpointId);
  if (!row || row.tenantId !== tenantId) throw new DomainError("webhook_endpoint_not_found", undefined, "endpoint_id");
  return endpointView(row);
}

/** The secret that signs deliveries to per-run `webhook_url` overrides of this tenant and environment. */
export async function webhookOverrideSecret(db: Db, serverSecret: string, tenantId: string, environment: Environment) {
  await requireTenant(db, tenantId);
  return {
    object: "webhook_override_secret" as const,
    tenant_id: tenantId,
    environment,
    secret: await overrideSecret(serverSecret, tenantId, environment === "live"),
  };
}
