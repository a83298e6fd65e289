// A tenant's webhook endpoints: the admin plane's use cases (contract §13),
// and the tenant's own through its API key (contract §19), which sees and
// changes only the endpoints of its key's environment.
import { requireTenant } from "../admin/service";
import type { Db } from "../db/client";
import {
  disableWebhookEndpoint,
  getWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookEndpoints,
  listWebhookEndpointsPage,
  replaceWebhookEndpointSecret,
  type WebhookEndpointRow,
} from "../db/queries/webhooks";
import { DEFAULT_ENDPOINT_EVENTS, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../domain/webhook-events";
import { webhookUrlProblem } from "../domain/webhook-url";
import { DomainError } from "../domain/errors";
import type { Environment } from "../lib/api-keys";
import { keysetPage, positionAfter } from "../lib/cursor";
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
  return endpointView(await requireEndpoint(db, { tenantId }, endpointId, "endpoint_id"));
}

/** Whose endpoint it must be: a tenant, and for an API key also its environment. */
interface EndpointOwner {
  tenantId: string;
  livemode?: boolean;
}

/** Another tenant's (or environment's) endpoint is indistinguishable from an unknown one. */
async function requireEndpoint(db: Db, owner: EndpointOwner, endpointId: string, param: string): Promise<WebhookEndpointRow> {
  const row = await getWebhookEndpoint(db, endpointId);
  if (!row || row.tenantId !== owner.tenantId || (owner.livemode !== undefined && row.livemode !== owner.livemode)) {
    throw new DomainError("webhook_endpoint_not_found", undefined, param);
  }
  return row;
}

// ---- the tenant's own (API key, scope webhooks:write) ----------------------------

/** The API key's tenant and environment. */
export interface KeyOwner {
  tenantId: string;
  livemode: boolean;
}

const environmentOf = (owner: KeyOwner): Environment => (owner.livemode ? "live" : "test");

/** POST /webhook-endpoints: the admin plane's endpoint, in the key's environment. */
export const createOwnWebhookEndpoint = (db: Db, owner: KeyOwner, input: Omit<CreateWebhookEndpointInput, "environment">, now: Date, opts: { loopback?: boolean } = {}) =>
  createWebhookEndpoint(db, owner.tenantId, { ...input, environment: environmentOf(owner) }, now, opts);

/** GET /webhook-endpoints: the key's environment's endpoints (never their secrets), newest first. */
export async function listOwnWebhookEndpoints(db: Db, serverSecret: string, owner: KeyOwner, q: { limit: number; cursor?: string }) {
  const after = await positionAfter(serverSecret, owner, q.cursor);
  const rows = await listWebhookEndpointsPage(db, { ...owner, limit: q.limit, after });
  return keysetPage(serverSecret, owner, rows, q.limit, (e) => ({ createdAt: e.createdAt, id: e.id }), endpointView);
}

export const getOwnWebhookEndpoint = async (db: Db, owner: KeyOwner, endpointId: string) => endpointView(await requireEndpoint(db, owner, endpointId, "id"));

/** DELETE /webhook-endpoints/{id}: disables it, as the admin plane's DELETE does. */
export async function deleteOwnWebhookEndpoint(db: Db, owner: KeyOwner, endpointId: string, now: Date) {
  await requireEndpoint(db, owner, endpointId, "id");
  // Found and the tenant's just above; endpoint rows are never deleted nor change tenant.
  const row = (await disableWebhookEndpoint(db, endpointId, owner.tenantId, "deleted", now.toISOString()))!;
  return { ...endpointView(row), deleted: true as const };
}

/**
 * POST /webhook-endpoints/{id}/rotate-secret: a new `whsec_…`, shown only in
 * this answer. Every delivery from now on, retries of earlier events
 * included, is signed with it; the old one stops at once (a receiver that
 * still checks the old one answers non-2xx, and those deliveries are retried
 * with backoff until it takes the new one).
 */
export async function rotateOwnWebhookEndpointSecret(db: Db, owner: KeyOwner, endpointId: string) {
  const current = await requireEndpoint(db, owner, endpointId, "id");
  if (current.status !== "active") throw new DomainError("webhook_endpoint_disabled", undefined, "id");
  const secret = generateEndpointSecret();
  const row = await replaceWebhookEndpointSecret(db, endpointId, secret);
  // Disabled between the read and the write (a DELETE, or a 410 from the receiver).
  if (!row) throw new DomainError("webhook_endpoint_disabled", undefined, "id");
  return { ...endpointView(row), secret };
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
