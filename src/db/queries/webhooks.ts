import { and, asc, desc, eq, gte, inArray, isNull, lte } from "drizzle-orm";
import type { Db } from "../client";
import { webhookDeliveries, webhookEndpoints, webhookEvents } from "../schema";
import { olderThan } from "./sql";

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookEventRow = typeof webhookEvents.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type NewWebhookEvent = typeof webhookEvents.$inferInsert;

export const insertWebhookEndpoint = (db: Db, row: typeof webhookEndpoints.$inferInsert) =>
  db.insert(webhookEndpoints).values(row).run();

export const listWebhookEndpoints = (db: Db, tenantId: string) =>
  db.select().from(webhookEndpoints).where(eq(webhookEndpoints.tenantId, tenantId)).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id)).all();

export const getWebhookEndpoint = (db: Db, id: string) => db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get();

/** Active endpoints of one tenant and environment (event filtering is the caller's). */
export const activeWebhookEndpoints = (db: Db, tenantId: string, livemode: boolean) =>
  db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.livemode, livemode), eq(webhookEndpoints.status, "active")))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id))
    .all();

/** Conditional: only an active endpoint is disabled, so the first reason and time stay. Returns the row either way. */
export async function disableWebhookEndpoint(db: Db, id: string, tenantId: string | null, reason: string, at: string) {
  const conds = [eq(webhookEndpoints.id, id), eq(webhookEndpoints.status, "active")];
  if (tenantId) conds.push(eq(webhookEndpoints.tenantId, tenantId));
  await db.update(webhookEndpoints).set({ status: "disabled", disabledAt: at, disabledReason: reason }).where(and(...conds)).run();
  const row = await getWebhookEndpoint(db, id);
  return row && (!tenantId || row.tenantId === tenantId) ? row : undefined;
}

/** Creates the event once; a second call with the same id leaves the first row untouched. Returns the stored row. */
export async function insertWebhookEventOnce(db: Db, row: typeof webhookEvents.$inferInsert): Promise<WebhookEventRow> {
  await db.insert(webhookEvents).values(row).onConflictDoNothing({ target: webhookEvents.id }).run();
  return (await getWebhookEvent(db, row.id))!;
}

export const getWebhookEvent = (db: Db, id: string) => db.select().from(webhookEvents).where(eq(webhookEvents.id, id)).get();

/** An event as its tenant sees it: other tenants' and other environments' events do not exist. */
export const getWebhookEventForTenant = (db: Db, tenantId: string, livemode: boolean, id: string) =>
  db
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.id, id), eq(webhookEvents.tenantId, tenantId), eq(webhookEvents.livemode, livemode)))
    .get();

export const insertWebhookDelivery = (db: Db, row: typeof webhookDeliveries.$inferInsert) =>
  db.insert(webhookDeliveries).values(row).run();

export const webhookDeliveryLog = (db: Db, eventId: string) =>
  db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId)).orderBy(asc(webhookDeliveries.id)).all();

/** The event row for a batch (the outbox: written with the change that causes it); a retried change inserts nothing twice. */
export const insertWebhookEventStatement = (db: Db, row: NewWebhookEvent) => db.insert(webhookEvents).values(row).onConflictDoNothing({ target: webhookEvents.id });

/** Marks an event handed to its delivery objects (the outbox is done with it). */
export const markWebhookEventDispatched = (db: Db, id: string, at: string) =>
  db.update(webhookEvents).set({ dispatchedAt: at }).where(and(eq(webhookEvents.id, id), isNull(webhookEvents.dispatchedAt))).run();

/** Events written but not yet handed to their delivery objects, created at or before `before`, oldest first. */
export const undispatchedWebhookEvents = (db: Db, before: string, limit: number) =>
  db
    .select()
    .from(webhookEvents)
    .where(and(isNull(webhookEvents.dispatchedAt), lte(webhookEvents.createdAt, before)))
    .orderBy(asc(webhookEvents.createdAt))
    .limit(limit)
    .all();

export interface WebhookEventListQuery {
  tenantId: string;
  livemode: boolean;
  limit: number;
  type?: string;
  createdGte?: string;
  createdLte?: string;
  /** Position after which to continue (exclusive), newest first. */
  after?: { createdAt: string; id: string };
}

/** A tenant's events of one environment, newest first by (created_at, id); keyset pagination (index webhook_events_tenant_idx). */
export function listWebhookEvents(db: Db, q: WebhookEventListQuery) {
  const conds = [eq(webhookEvents.tenantId, q.tenantId), eq(webhookEvents.livemode, q.livemode)];
  if (q.type) conds.push(eq(webhookEvents.type, q.type));
  if (q.createdGte) conds.push(gte(webhookEvents.createdAt, q.createdGte));
  if (q.createdLte) conds.push(lte(webhookEvents.createdAt, q.createdLte));
  if (q.after) conds.push(olderThan(webhookEvents.createdAt, webhookEvents.id, q.after));
  return db
    .select()
    .from(webhookEvents)
    .where(and(...conds))
    .orderBy(desc(webhookEvents.createdAt), desc(webhookEvents.id))
    .limit(q.limit + 1)
    .all();
}

/** The delivery attempts of several events (a page: at most 100 ids, D1's bound-parameter limit), oldest first. */
export const webhookDeliveryLogs = (db: Db, eventIds: string[]) =>
  eventIds.length === 0
    ? Promise.resolve([] as WebhookDeliveryRow[])
    : db.select().from(webhookDeliveries).where(inArray(webhookDeliveries.eventId, eventIds)).orderBy(asc(webhookDeliveries.id)).all();

/** A tenant's endpoints of one environment, newest first; keyset pagination after `after`. */
export function listWebhookEndpointsPage(db: Db, q: { tenantId: string; livemode: boolean; limit: number; after?: { createdAt: string; id: string } }) {
  const conds = [eq(webhookEndpoints.tenantId, q.tenantId), eq(webhookEndpoints.livemode, q.livemode)];
  if (q.after) conds.push(olderThan(webhookEndpoints.createdAt, webhookEndpoints.id, q.after));
  return db
    .select()
    .from(webhookEndpoints)
    .where(and(...conds))
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
    .limit(q.limit + 1)
    .all();
}

/** A new signing secret for an active endpoint: the updated row, or undefined when it is not active (a disabled endpoint keeps its row as it was). */
export const replaceWebhookEndpointSecret = (db: Db, id: string, secret: string) =>
  db
    .update(webhookEndpoints)
    .set({ secret })
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.status, "active")))
    .returning()
    .get();
