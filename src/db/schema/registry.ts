import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per build of a month of the Receita's CNPJ data (contract §18). A
 * build's objects live in R2 under `prefix` and never change. The month that
 * serves is the `ready` build with the latest `published_at`: switching months
 * is one conditional UPDATE of the new build (building → ready), so a lookup
 * sees either the previous month or the new one, whole. Earlier builds stay
 * (the previous month keeps its objects and can serve again).
 */
export const registryBuilds = sqliteTable(
  "registry_builds",
  {
    /** `bld_…` */
    id: text("id").primaryKey(),
    /** YYYY-MM, the release folder. */
    month: text("month").notNull(),
    status: text("status", { enum: ["building", "ready", "error"] }).notNull(),
    /** Where the files were read from (URL root or local folder). */
    source: text("source").notNull(),
    /** R2 key prefix of the build's objects: `cnpj/<month>/<id>/`. */
    prefix: text("prefix").notNull(),
    startedAt: text("started_at").notNull(),
    finishedAt: text("finished_at"),
    /** Set once, when the build becomes the month that serves. */
    publishedAt: text("published_at"),
    extractionDate: text("extraction_date"),
    companies: integer("companies"),
    establishments: integer("establishments"),
    partners: integer("partners"),
    blocks: integer("blocks"),
    blockBytes: integer("block_bytes"),
    lastError: text("last_error"),
  },
  (t) => [index("registry_builds_published").on(t.publishedAt), index("registry_builds_started").on(t.startedAt)],
);
