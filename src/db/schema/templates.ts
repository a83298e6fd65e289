import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One row per template version. Published rows are never updated again. */
export const templates = sqliteTable(
  "templates",
  {
    id: text("id").notNull(),
    version: integer("version").notNull(),
    /** null = global template, visible to every tenant. */
    tenantId: text("tenant_id"),
    name: text("name").notNull(),
    subjectType: text("subject_type", { enum: ["pf", "pj"] }).notNull(),
    status: text("status", { enum: ["draft", "published", "archived"] }).notNull(),
    /** JSON: the whole TemplateSnapshot of this version. */
    snapshot: text("snapshot").notNull(),
    createdAt: text("created_at").notNull(),
    publishedAt: text("published_at"),
  },
  (t) => [primaryKey({ columns: [t.id, t.version] })],
);
