import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { apiKeys, tenants } from "../schema";

export type TenantRow = typeof tenants.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;

export async function insertTenant(db: Db, row: typeof tenants.$inferInsert): Promise<boolean> {
  const res = await db.insert(tenants).values(row).onConflictDoNothing({ target: tenants.slug }).returning({ id: tenants.id });
  return res.length === 1;
}

export const getTenant = (db: Db, id: string) => db.select().from(tenants).where(eq(tenants.id, id)).get();

export const getTenantBySlug = (db: Db, slug: string) => db.select().from(tenants).where(eq(tenants.slug, slug)).get();

/**
 * One conditional UPDATE. `credits` sets the balance; `creditsDelta` adds to it
 * only if the result is not negative. Undefined when no row changed: no such
 * tenant, or the delta would go below zero.
 */
export async function updateTenant(
  db: Db,
  id: string,
  patch: { status?: "active" | "suspended"; credits?: number; creditsDelta?: number; caseSlaHours?: number; monitoringRetentionDays?: number },
  now: string,
): Promise<TenantRow | undefined> {
  const delta = patch.creditsDelta;
  return db
    .update(tenants)
    .set({
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.credits !== undefined ? { credits: patch.credits } : {}),
      ...(delta !== undefined ? { credits: sql`${tenants.credits} + ${delta}` } : {}),
      ...(patch.caseSlaHours !== undefined ? { caseSlaHours: patch.caseSlaHours } : {}),
      ...(patch.monitoringRetentionDays !== undefined ? { monitoringRetentionDays: patch.monitoringRetentionDays } : {}),
      updatedAt: now,
    })
    .where(and(eq(tenants.id, id), delta !== undefined ? sql`${tenants.credits} + ${delta} >= 0` : undefined))
    .returning()
    .get();
}

export const insertApiKey = (db: Db, row: typeof apiKeys.$inferInsert) => db.insert(apiKeys).values(row).run();

export const listApiKeys = (db: Db, tenantId: string) =>
  db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).all();

/** The key with its tenant, by hash; revoked keys are returned too so the caller can say so. */
export const findApiKeyByHash = (db: Db, keyHash: string) =>
  db
    .select({ key: apiKeys, tenant: tenants })
    .from(apiKeys)
    .innerJoin(tenants, eq(apiKeys.tenantId, tenants.id))
    .where(eq(apiKeys.keyHash, keyHash))
    .get();

export const findApiKeyById = (db: Db, id: string) => db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();

export async function revokeApiKey(db: Db, id: string, now: string): Promise<ApiKeyRow | undefined> {
  const row = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), sql`${apiKeys.revokedAt} is null`))
    .returning()
    .get();
  return row ?? db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
}
