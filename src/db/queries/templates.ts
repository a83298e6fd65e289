import { and, desc, eq, isNull, or, sql } from "drizzle-orm";
import type { TemplateSnapshot } from "../../domain/types";
import type { Db } from "../client";
import { templates } from "../schema";
import { olderThan } from "./sql";

export type TemplateRow = typeof templates.$inferSelect;

export const snapshotOf = (row: TemplateRow): TemplateSnapshot => JSON.parse(row.snapshot) as TemplateSnapshot;

/** The newest published version of a template the tenant may use (its own or a global one). */
export async function findPublishedTemplate(db: Db, id: string, tenantId: string): Promise<TemplateSnapshot | null> {
  const row = await findPublishedRowForTenant(db, id, tenantId);
  return row ? snapshotOf(row) : null;
}

/**
 * The newest published version of a template, whoever may use it (the caller
 * checks `tenantId`): what the location cache keeps per template id
 * (src/cache/templates.ts). A template's tenant never changes between versions.
 */
export const findNewestPublished = (db: Db, id: string) =>
  db
    .select()
    .from(templates)
    .where(and(eq(templates.id, id), eq(templates.status, "published")))
    .orderBy(desc(templates.version))
    .limit(1)
    .get();

/** One version of a template, whatever its status now: a run executes the version it was created with. */
export async function findTemplateVersion(db: Db, id: string, version: number): Promise<TemplateSnapshot | null> {
  const row = await db
    .select()
    .from(templates)
    .where(and(eq(templates.id, id), eq(templates.version, version)))
    .get();
  return row ? snapshotOf(row) : null;
}

export const listTemplates = (db: Db) =>
  db.select().from(templates).orderBy(templates.id, templates.version).all();

export const templateVersions = (db: Db, id: string) =>
  db.select().from(templates).where(eq(templates.id, id)).orderBy(desc(templates.version)).all();

export const insertTemplateVersion = (db: Db, row: typeof templates.$inferInsert) => db.insert(templates).values(row).run();

export const replaceDraft = (db: Db, id: string, version: number, snapshot: TemplateSnapshot, name: string) =>
  db
    .update(templates)
    .set({ snapshot: JSON.stringify(snapshot), name })
    .where(and(eq(templates.id, id), eq(templates.version, version), eq(templates.status, "draft")))
    .run();

/** Publishes a draft; the status condition makes a published row immutable. */
export const publishDraft = (db: Db, id: string, version: number, now: string) =>
  db
    .update(templates)
    .set({ status: "published", publishedAt: now })
    .where(and(eq(templates.id, id), eq(templates.version, version), eq(templates.status, "draft")))
    .returning()
    .get();

/**
 * The templates a tenant may run — its own and the global ones — each at its
 * newest published version, newest publication first (then id desc): keyset
 * pagination after `after` (its `createdAt` is a publication time).
 */
export function listPublishedForTenant(db: Db, q: { tenantId: string; limit: number; after?: { createdAt: string; id: string } }) {
  const newest = sql`${templates.version} = (select max(t2.version) from ${templates} t2 where t2.id = ${templates.id} and t2.status = 'published')`;
  const conds = [eq(templates.status, "published"), or(isNull(templates.tenantId), eq(templates.tenantId, q.tenantId)), newest];
  if (q.after) conds.push(olderThan(templates.publishedAt, templates.id, q.after));
  return db
    .select()
    .from(templates)
    .where(and(...conds))
    .orderBy(desc(templates.publishedAt), desc(templates.id))
    .limit(q.limit + 1)
    .all();
}

/** The newest published version of a template the tenant may run, with its row (publication time). */
export const findPublishedRowForTenant = (db: Db, id: string, tenantId: string) =>
  db
    .select()
    .from(templates)
    .where(and(eq(templates.id, id), eq(templates.status, "published"), or(isNull(templates.tenantId), eq(templates.tenantId, tenantId))))
    .orderBy(desc(templates.version))
    .limit(1)
    .get();
