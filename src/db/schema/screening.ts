import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per official list (contract §14), seeded by a migration with status
 * `empty`. `current_sha256` names the version that serves: every read joins on it,
 * so switching versions is one UPDATE of this row (atomic), and rows of any other
 * version (being staged, or superseded and not yet deleted) are invisible.
 */
export const screeningLists = sqliteTable("screening_lists", {
  /** ListId: ofac_sdn, ofac_cons, un_sc, eu_fsf, uk_fcdo, cgu_ceis, cgu_cnep, cgu_pep, mte_empregadores. */
  id: text("id").primaryKey(),
  /** empty | loading | ready | error; `ready` whenever a version serves, even while a refresh runs. */
  status: text("status", { enum: ["empty", "loading", "ready", "error"] }).notNull().default("empty"),
  /** The URL the current version was fetched from (null before the first load). */
  sourceUrl: text("source_url"),
  currentSha256: text("current_sha256"),
  currentFetchedAt: text("current_fetched_at"),
  currentEntities: integer("current_entities"),
  currentNames: integer("current_names"),
  /** Set while a refresh runs, cleared when it ends (switched, same bytes, or failed). */
  loadingSince: text("loading_since"),
  lastErrorAt: text("last_error_at"),
  lastErrorMessage: text("last_error_message"),
  updatedAt: text("updated_at").notNull(),
});

/** One listed subject per (list, version). `data` is the whole ListEntity as JSON. */
export const screeningEntities = sqliteTable(
  "screening_entities",
  {
    listId: text("list_id").notNull(),
    sha256: text("sha256").notNull(),
    entityId: text("entity_id").notNull(),
    entityType: text("entity_type").notNull(),
    name: text("name").notNull(),
    data: text("data").notNull(),
    /** sha256 of the entity's canonical JSON: tells "the listed record changed" across versions. */
    recordHash: text("record_hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.listId, t.sha256, t.entityId] })],
);

/**
 * Every name an entity is listed under (primary + aliases), one row each. The
 * FTS5 trigram index `screening_names_fts` (custom migration) is an external-content
 * index over `norm`, kept in sync by triggers; its rowid is `id`.
 */
export const screeningNames = sqliteTable(
  "screening_names",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    listId: text("list_id").notNull(),
    sha256: text("sha256").notNull(),
    entityId: text("entity_id").notNull(),
    /** As listed, for display (`matched_name`). */
    name: text("name").notNull(),
    /**
     * The name's index text (src/screening/match/index-keys.ts): its normalised
     * form, then its canonical words spaced and glued, joined by " | ". What the
     * FTS5 trigram index holds, the same text the in-memory index holds. Rows
     * staged before the canonical keys existed hold the normalised name alone
     * (the first key): still found, until the list's next version re-stages them.
     */
    norm: text("norm").notNull(),
    /** 1 = low-quality alias (OFAC weak, UN QUALITY Low, EU strong=false). */
    weak: integer("weak", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("screening_names_version_idx").on(t.listId, t.sha256, t.entityId)],
);

/** Identity documents of listed entities: CPF/CNPJ (digits), masked CPF (6 visible digits), passports… */
export const screeningDocuments = sqliteTable(
  "screening_documents",
  {
    listId: text("list_id").notNull(),
    sha256: text("sha256").notNull(),
    kind: text("kind").notNull(),
    value: text("value").notNull(),
    country: text("country"),
    entityId: text("entity_id").notNull(),
  },
  (t) => [
    index("screening_documents_lookup_idx").on(t.kind, t.value),
    index("screening_documents_version_idx").on(t.listId, t.sha256, t.entityId),
  ],
);
