import { and, desc, eq, isNull, or } from "drizzle-orm";
import type { TemplateSnapshot } from "../../domain/types";
import type { Db } from "../client";
import { templates } from "../schema";

export type TemplateRow = typeof templates.$inferSelect;

export const snapshotOf = (row: TemplateRow): TemplateSnapshot => JSON.parse(row.snapshot) as TemplateSnapshot;

/** The newest published version of a template the tenant may use (its own or a global one). */
export async function findPublishedTemplate(db: Db, id: string, tenantId: string): Promise<TemplateSnapshot | null> {
  const row = await db
    .select()
    .from(templates)
    .where(
      and(
        eq(templates.id, id),
        eq(templates.status, "published"),
        or(isNull(templates.tenantId), eq(templates.tenantId, tenantId)),
      ),
    )
    .orderBy(desc(templates.version))
    .limit(1)
    .get();
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
