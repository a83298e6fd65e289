// D1 access for the screening lists (schema: src/db/schema/screening.ts).
//
// Content-addressed: a listed entity's record is stored once, under its record
// hash, with its names (and their FTS index) and documents; a version is the set
// of its members (entity id → record hash), so an entity unchanged across 30
// kept versions is one record and 30 member rows. A version is visible iff its
// sha256 is the list's `current_sha256`, or a search pins it while it is kept
// (src/screening/versions.ts). Writers (the ListIngest object) stage a new
// version's members under its sha256, compute its delta, then switch with ONE
// D1 batch — atomic: a reader sees the old version or the new one, never a mix.
// The search (src/screening/service.ts) pins versions first and passes the pins
// to every later query, so one search reads one consistent version per list.
//
// Raw D1 (prepared statements) rather than drizzle: the bulk inserts use
// json_each to carry hundreds of rows in one statement within D1's limit of 100
// bound parameters, and the FTS5 MATCH queries have no drizzle form.
import type { ListEntity, ListId } from "./types";

/** What reads go through: the database, or a request's D1 session (a read replica near the caller). */
export type D1Reader = Pick<D1Database, "prepare" | "batch">;

/** The row of screening_lists, as stored. */
export interface ListStateRow {
  id: ListId;
  status: "empty" | "loading" | "ready" | "error";
  source_url: string | null;
  current_sha256: string | null;
  current_fetched_at: string | null;
  current_entities: number | null;
  current_names: number | null;
  loading_since: string | null;
  last_error_at: string | null;
  last_error_message: string | null;
  updated_at: string;
}

/** A list version that serves: what a search pins and a source result records. */
export interface ListVersion {
  list: ListId;
  sha256: string;
  fetched_at: string;
  entities: number;
  names: number;
}

/** A listed entity as stored in one version. */
export interface StoredEntity {
  list: ListId;
  sha256: string;
  entity: ListEntity;
  /** sha256 of the entity's canonical JSON: changes iff the listed record changed. */
  record_hash: string;
}

/** One name row (primary or alias) of a pinned version. */
export interface StoredName {
  /** screening_record_names.id = the FTS rowid. */
  id: number;
  list: ListId;
  sha256: string;
  entity_id: string;
  name: string;
  norm: string;
  weak: boolean;
}

const STATE_COLUMNS =
  "id, status, source_url, current_sha256, current_fetched_at, current_entities, current_names, loading_since, last_error_at, last_error_message, updated_at";

export async function getListStates(db: D1Database): Promise<ListStateRow[]> {
  const { results } = await db.prepare(`SELECT ${STATE_COLUMNS} FROM screening_lists`).all<ListStateRow>();
  return results;
}

export async function getListState(db: D1Database, id: ListId): Promise<ListStateRow | null> {
  return db.prepare(`SELECT ${STATE_COLUMNS} FROM screening_lists WHERE id = ?`).bind(id).first<ListStateRow>();
}

// ---- reads (search, runs) ---------------------------------------------------

// ---- writes (the ListIngest object only) ------------------------------------

/** A record to store with its rows: the entity, its record hash, its names. */
export interface StagedEntity {
  entity: ListEntity;
  recordHash: string;
  names: { name: string; norm: string; weak: boolean }[];
}

/** One entity of a version: which record it has there. */
export interface Member {
  entityId: string;
  recordHash: string;
}

/** What staging needs to know of a record already stored. */
export interface KnownRecord {
  nameCount: number;
  /** The index text version its names were derived with (match/index-keys.ts INDEX_TEXT_VERSION). */
  namesVersion: number;
}

/** The records among `hashes` already stored (any version, kept or not), in one statement. */
export async function knownRecords(db: D1Database, hashes: readonly string[]): Promise<Map<string, KnownRecord>> {
  if (hashes.length === 0) return new Map();
  const { results } = await db
    .prepare("SELECT record_hash, name_count, names_version FROM screening_records WHERE record_hash IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(hashes))
    .all<{ record_hash: string; name_count: number; names_version: number }>();
  return new Map(results.map((r) => [r.record_hash, { nameCount: r.name_count, namesVersion: r.names_version }]));
}

/**
 * Statements staging a batch of one version: every entity becomes a member of
 * (list, sha256); records no version has yet (`fresh`) are written with their
 * names and documents; records stored with names of an older index text
 * (`stale`) get their names replaced. Records stored already are not written
 * again: an unchanged entity costs one member row per version. Each statement
 * binds at most 3 parameters (D1 caps bound parameters at 100 per statement,
 * not their size); callers keep a batch's JSON well under D1's 2 MB value limit
 * (ingest.ts: batchBytes). One db.batch: a transaction, so a record never
 * exists without its names and documents.
 */
export function stageStatements(
  db: D1Database,
  list: ListId,
  sha256: string,
  members: readonly Member[],
  records: { fresh: readonly StagedEntity[]; stale: readonly StagedEntity[] },
  namesVersion: number,
): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [];
  const written = [...records.fresh, ...records.stale];
  if (records.stale.length > 0) {
    // Names derived under an older index text give way to the new ones (the FTS triggers follow).
    out.push(db.prepare("DELETE FROM screening_record_names WHERE record_hash IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(records.stale.map((s) => s.recordHash))));
  }
  const names = written.flatMap((s) => s.names.map((n) => [s.recordHash, s.entity.entity_id, n.name, n.norm, n.weak ? 1 : 0]));
  if (names.length > 0) {
    out.push(
      db
        .prepare(
          `INSERT INTO screening_record_names (record_hash, list_id, entity_id, name, norm, weak)
           SELECT j.value->>'$[0]', ?1, j.value->>'$[1]', j.value->>'$[2]', j.value->>'$[3]', j.value->>'$[4]' FROM json_each(?2) j`,
        )
        .bind(list, JSON.stringify(names)),
    );
  }
  // Documents are a function of the record alone: a stale record keeps its own.
  const documents = records.fresh.flatMap((s) => s.entity.documents.map((d) => [s.recordHash, s.entity.entity_id, d.kind, d.value, d.country ?? null]));
  if (documents.length > 0) {
    out.push(
      db
        .prepare(
          `INSERT INTO screening_record_documents (record_hash, list_id, entity_id, kind, value, country)
           SELECT j.value->>'$[0]', ?1, j.value->>'$[1]', j.value->>'$[2]', j.value->>'$[3]', j.value->>'$[4]' FROM json_each(?2) j`,
        )
        .bind(list, JSON.stringify(documents)),
    );
  }
  if (written.length > 0) {
    const rows = written.map((s) => [s.recordHash, s.entity.entity_id, s.entity.entity_type, s.entity.name, JSON.stringify(s.entity), s.names.length]);
    out.push(
      db
        .prepare(
          `INSERT INTO screening_records (record_hash, list_id, entity_id, entity_type, name, data, name_count, names_version)
           SELECT j.value->>'$[0]', ?1, j.value->>'$[1]', j.value->>'$[2]', j.value->>'$[3]', j.value->>'$[4]', j.value->>'$[5]', ?2 FROM json_each(?3) j WHERE true
           ON CONFLICT (record_hash) DO UPDATE SET name_count = excluded.name_count, names_version = excluded.names_version`,
        )
        .bind(list, namesVersion, JSON.stringify(rows)),
    );
  }
  if (members.length > 0) {
    out.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO screening_version_members (list_id, sha256, entity_id, record_hash)
           SELECT ?1, ?2, j.value->>'$[0]', j.value->>'$[1]' FROM json_each(?3) j`,
        )
        .bind(list, sha256, JSON.stringify(members.map((m) => [m.entityId, m.recordHash]))),
    );
  }
  return out;
}

/** Statements removing some entities from one version (undoing a batch whose checkpoint was lost); their records stay, found stored when the batch comes again. */
export function deleteMembersStatements(db: D1Database, list: ListId, sha256: string, entityIds: readonly string[]): D1PreparedStatement[] {
  return [
    db
      .prepare("DELETE FROM screening_version_members WHERE list_id = ?1 AND sha256 = ?2 AND entity_id IN (SELECT value FROM json_each(?3))")
      .bind(list, sha256, JSON.stringify(entityIds)),
  ];
}

/**
 * Statements deleting, among `hashes`, the records no version lists any more,
 * with their names (the FTS index follows through its trigger) and documents.
 * Names and documents go first: their statements look for the record's members.
 */
function orphanRecordStatements(db: D1Database, hashes: string): D1PreparedStatement[] {
  const orphans = "SELECT value FROM json_each(?1) h WHERE NOT EXISTS (SELECT 1 FROM screening_version_members m WHERE m.record_hash = h.value)";
  return ["screening_record_names", "screening_record_documents", "screening_records"].map((table) =>
    db.prepare(`DELETE FROM ${table} WHERE record_hash IN (${orphans})`).bind(hashes),
  );
}

/**
 * Takes up to `limit` entities out of one version, and deletes those of their
 * records no other version lists. Returns how many members went; 0 means the
 * version has none left. Bounded so one call is a few short statements: D1 runs
 * one statement at a time for every tenant, and every deleted name also
 * updates the FTS index.
 */
export async function deleteVersionMembers(db: D1Database, list: ListId, sha256: string, limit: number): Promise<number> {
  const { results } = await db
    .prepare("SELECT entity_id, record_hash FROM screening_version_members WHERE list_id = ?1 AND sha256 = ?2 LIMIT ?3")
    .bind(list, sha256, limit)
    .all<{ entity_id: string; record_hash: string }>();
  if (results.length === 0) return 0;
  await db.batch([
    ...deleteMembersStatements(
      db,
      list,
      sha256,
      results.map((r) => r.entity_id),
    ),
    ...orphanRecordStatements(db, JSON.stringify([...new Set(results.map((r) => r.record_hash))])),
  ]);
  return results.length;
}

/** Deletes up to `limit` rows of one version's deltas (only its delta against `previous`, when given); returns how many went. */
export async function deleteVersionChanges(db: D1Database, list: ListId, sha256: string, limit: number, previous?: string): Promise<number> {
  const r = await db
    .prepare(
      `DELETE FROM screening_version_changes WHERE rowid IN (
         SELECT rowid FROM screening_version_changes WHERE list_id = ?1 AND sha256 = ?2 AND (?4 IS NULL OR previous_sha256 = ?4) LIMIT ?3)`,
    )
    .bind(list, sha256, limit, previous ?? null)
    .run();
  return r.meta.changes ?? 0;
}

/**
 * The version row a refresh stages under: created, or reset when it is left
 * over from a refresh that did not switch (or a retired version whose rows the
 * retention is deleting). Never called for a version kept (ingest-object.ts
 * reuses those).
 */
export async function openStagingVersion(db: D1Database, list: ListId, sha256: string, fetchedAt: string, now: string): Promise<void> {
  await db
    .prepare(
      `INSERT INTO screening_versions (list_id, sha256, fetched_at, created_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (list_id, sha256) DO UPDATE SET fetched_at = excluded.fetched_at, created_at = excluded.created_at,
         became_current_at = NULL, superseded_at = NULL, retired_at = NULL, previous_sha256 = NULL, added = 0, modified = 0, removed = 0,
         entities = 0, names = 0, published_at = NULL`,
    )
    .bind(list, sha256, fetchedAt, now)
    .run();
}

/** Marks a version as no longer kept (the retention is about to delete it): pins answer list_version_gone from now on. */
export async function retireVersion(db: D1Database, list: ListId, sha256: string, now: string): Promise<void> {
  await db.prepare("UPDATE screening_versions SET retired_at = coalesce(retired_at, ?3) WHERE list_id = ?1 AND sha256 = ?2").bind(list, sha256, now).run();
}

/** Deletes a version's row, once its members and delta are gone. */
export async function deleteVersionRow(db: D1Database, list: ListId, sha256: string): Promise<void> {
  await db.prepare("DELETE FROM screening_versions WHERE list_id = ?1 AND sha256 = ?2").bind(list, sha256).run();
}

/** Marks a refresh as running (status `loading` unless a version serves: then it stays `ready`). */
export async function markLoading(db: D1Database, list: ListId, since: string): Promise<void> {
  await db
    .prepare(
      `UPDATE screening_lists SET loading_since = ?2, updated_at = ?2,
         status = CASE WHEN current_sha256 IS NULL THEN 'loading' ELSE 'ready' END
       WHERE id = ?1`,
    )
    .bind(list, since)
    .run();
}

/** A staged version as it becomes current: its counts and its delta against `previous` (the version serving when the delta was computed). */
export interface SwitchTo {
  sha256: string;
  fetchedAt: string;
  publishedAt: string | null;
  entities: number;
  names: number;
  sourceUrl: string;
  previous: string | null;
  added: number;
  modified: number;
  removed: number;
  /** The moment it becomes current, fixed by the refresh before the switch (a retried switch writes the same). */
  at: string;
}

/**
 * The version switch, atomic (one D1 batch, a transaction): the list's row
 * points at the new version — conditional on the refresh that staged it still
 * being the one running (`loading_since`, so a late retry of a finished refresh
 * never switches back) and on the version its delta was computed against
 * still serving; the new version's row records when it became current and its
 * delta; the one it replaced, when it stopped serving. The version rows change
 * only if the list's row now points at the new version, so a switch that does
 * not land changes nothing, and a retry of one that landed writes the same
 * values again. A successful refresh clears last_error. Returns whether this
 * call moved the list's row.
 */
export async function switchVersion(db: D1Database, list: ListId, loadingSince: string, v: SwitchTo): Promise<boolean> {
  const landed = "(SELECT current_sha256 FROM screening_lists WHERE id = ?1) = ?2";
  const [moved] = await db.batch([
    db
      .prepare(
        `UPDATE screening_lists SET status = 'ready', current_sha256 = ?2, current_fetched_at = ?3, current_entities = ?4,
           current_names = ?5, source_url = ?6, loading_since = NULL, last_error_at = NULL, last_error_message = NULL, updated_at = ?7
         WHERE id = ?1 AND loading_since = ?8 AND current_sha256 IS ?9`,
      )
      .bind(list, v.sha256, v.fetchedAt, v.entities, v.names, v.sourceUrl, v.at, loadingSince, v.previous),
    db
      .prepare(
        `UPDATE screening_versions SET became_current_at = ?3, superseded_at = NULL, retired_at = NULL, fetched_at = ?4, published_at = ?5,
           entities = ?6, names = ?7, previous_sha256 = ?8, added = ?9, modified = ?10, removed = ?11
         WHERE list_id = ?1 AND sha256 = ?2 AND ${landed}`,
      )
      .bind(list, v.sha256, v.at, v.fetchedAt, v.publishedAt, v.entities, v.names, v.previous, v.added, v.modified, v.removed),
    db
      .prepare(`UPDATE screening_versions SET superseded_at = ?3 WHERE list_id = ?1 AND sha256 = ?4 AND ${landed}`)
      .bind(list, v.sha256, v.at, v.previous),
  ]);
  return (moved.meta.changes ?? 0) > 0;
}

/**
 * A refresh ended without a new version: same bytes (`error` null: the list is
 * up to date, any earlier error is cleared) or a failure that keeps the
 * previous version (recorded as last_error).
 */
export async function endRefresh(db: D1Database, list: ListId, loadingSince: string, error: string | null, now: string): Promise<void> {
  await db
    .prepare(
      `UPDATE screening_lists SET loading_since = NULL, updated_at = ?3,
         status = CASE WHEN current_sha256 IS NOT NULL THEN 'ready' WHEN ?4 IS NOT NULL THEN 'error' ELSE 'empty' END,
         last_error_at = CASE WHEN ?4 IS NULL THEN NULL ELSE ?3 END,
         last_error_message = ?4
       WHERE id = ?1 AND (loading_since = ?2 OR loading_since IS NULL)`,
    )
    .bind(list, loadingSince, now, error)
    .run();
}
