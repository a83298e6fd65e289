import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per official list (contract §14), seeded by a migration with status
 * `empty`. `current_sha256` names the version that serves: every read pins it,
 * so switching versions is one UPDATE of this row (atomic), and members of any
 * other version (being staged, or superseded and kept for replays) are invisible
 * to a search that did not pin them.
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

// ---- content-addressed storage (list versions with deltas, contract §17) ----
//
// A listed entity's record is stored once, under its record hash (sha256 of its
// canonical JSON), however many versions list it unchanged; a version is the set
// of its entities' record hashes (screening_version_members). Names, documents
// and the FTS index hang off the record. A reader pins a version (list, sha256)
// and reaches records through that version's members.

/** One listed record, stored once: `data` is the whole ListEntity as JSON. */
export const screeningRecords = sqliteTable("screening_records", {
  /** sha256 of the entity's canonical JSON (the entity holds its list and id, so the hash names one list's entity). */
  recordHash: text("record_hash").primaryKey(),
  listId: text("list_id").notNull(),
  entityId: text("entity_id").notNull(),
  entityType: text("entity_type").notNull(),
  name: text("name").notNull(),
  data: text("data").notNull(),
  /** Names indexed for this record (primary + distinct aliases): a version's name count adds these up. */
  nameCount: integer("name_count").notNull(),
  /**
   * The index text's version its names were derived with (match/index-keys.ts
   * INDEX_TEXT_VERSION); a record staged again under a newer one gets its names
   * derived again. 0: carried over from the per-version tables (unknown).
   */
  namesVersion: integer("names_version").notNull(),
});

/**
 * Every name a record is listed under (primary + aliases), one row each. The
 * FTS5 trigram index `screening_record_names_fts` (custom migration) is an
 * external-content index over `norm`, kept in sync by triggers; its rowid is `id`.
 */
export const screeningRecordNames = sqliteTable(
  "screening_record_names",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    recordHash: text("record_hash").notNull(),
    listId: text("list_id").notNull(),
    entityId: text("entity_id").notNull(),
    /** As listed, for display (`matched_name`). */
    name: text("name").notNull(),
    /**
     * The name's index text (src/screening/match/index-keys.ts): its normalised
     * form, then its canonical words spaced and glued, joined by " | ". What the
     * FTS5 trigram index holds, the same text the in-memory index holds.
     */
    norm: text("norm").notNull(),
    /** 1 = low-quality alias (OFAC weak, UN QUALITY Low, EU strong=false). */
    weak: integer("weak", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("screening_record_names_record_idx").on(t.recordHash)],
);

/** Identity documents of listed records: CPF/CNPJ (digits), masked CPF (6 visible digits), passports… */
export const screeningRecordDocuments = sqliteTable(
  "screening_record_documents",
  {
    recordHash: text("record_hash").notNull(),
    listId: text("list_id").notNull(),
    entityId: text("entity_id").notNull(),
    kind: text("kind").notNull(),
    value: text("value").notNull(),
    country: text("country"),
  },
  (t) => [index("screening_record_documents_lookup_idx").on(t.kind, t.value), index("screening_record_documents_record_idx").on(t.recordHash)],
);

/**
 * One row per version of a list: staged (`became_current_at` null, invisible)
 * or served at some time (kept while contract §17 says: the last 30, and every
 * version that served in the last 90 days). Its delta against the version it
 * replaced is computed before it becomes current and stored with it.
 */
export const screeningVersions = sqliteTable(
  "screening_versions",
  {
    listId: text("list_id").notNull(),
    /** sha256 of the file (OFAC: of the file names and their sha256s). */
    sha256: text("sha256").notNull(),
    fetchedAt: text("fetched_at").notNull(),
    /** When the file says it was generated (UN dateGenerated, EU generationDate), as written; null when unknown. */
    publishedAt: text("published_at"),
    entities: integer("entities").notNull().default(0),
    names: integer("names").notNull().default(0),
    /** The version it replaced when it became current (null: the list's first, or carried over). */
    previousSha256: text("previous_sha256"),
    added: integer("added").notNull().default(0),
    modified: integer("modified").notNull().default(0),
    removed: integer("removed").notNull().default(0),
    /** Null while staging; set by the switch. */
    becameCurrentAt: text("became_current_at"),
    /** When a later version replaced it (null: serving, or never served). */
    supersededAt: text("superseded_at"),
    /** Set when the retention starts deleting it: from then on it is no longer kept (pins answer list_version_gone). */
    retiredAt: text("retired_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.listId, t.sha256] })],
);

/** A version's entities: which record each entity id had in it. */
export const screeningVersionMembers = sqliteTable(
  "screening_version_members",
  {
    listId: text("list_id").notNull(),
    sha256: text("sha256").notNull(),
    entityId: text("entity_id").notNull(),
    recordHash: text("record_hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.listId, t.sha256, t.entityId] }), index("screening_version_members_record_idx").on(t.recordHash, t.sha256)],
);

/**
 * The delta of a version against another (the one it replaced when it became
 * current: screening_versions.previous_sha256), one row per entity that changed:
 * added (record_hash set), modified (both set), removed (previous_record_hash
 * set). Keyed by both versions, so computing a kept version's delta against a
 * new predecessor (it becomes current again) leaves the one it had untouched
 * until it switches. Not written for a list's first version: every member is
 * then added.
 */
export const screeningVersionChanges = sqliteTable(
  "screening_version_changes",
  {
    listId: text("list_id").notNull(),
    sha256: text("sha256").notNull(),
    /** The version the delta is against. */
    previousSha256: text("previous_sha256").notNull(),
    entityId: text("entity_id").notNull(),
    change: text("change", { enum: ["added", "modified", "removed"] }).notNull(),
    recordHash: text("record_hash"),
    previousRecordHash: text("previous_record_hash"),
  },
  (t) => [primaryKey({ columns: [t.listId, t.sha256, t.previousSha256, t.entityId] })],
);
