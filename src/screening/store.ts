// D1 access for the screening lists (schema: src/db/schema/screening.ts).
//
// A list's rows are keyed by (list_id, sha256): a version is visible iff its
// sha256 is the list's `current_sha256`. Writers (the ListIngest object) stage a
// new version's rows under its sha256, then switch with ONE UPDATE of
// screening_lists — atomic: a reader sees the old version or the new one, never
// a mix. The search (src/screening/service.ts) pins versions first and passes
// the pins to every later query, so one search reads one consistent version per
// list even if a switch lands between its queries (superseded rows are deleted
// only after a grace period, see ingest-object.ts).
//
// Raw D1 (prepared statements) rather than drizzle: the bulk inserts use
// json_each to carry hundreds of rows in one statement within D1's limit of 100
// bound parameters, and the FTS5 MATCH queries have no drizzle form.
import type { ListEntity, ListId } from "./types";

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
  /** screening_names.id = the FTS rowid. */
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

/** Rows of one entity as staged: the entity, its names, its documents. */
export interface StagedEntity {
  entity: ListEntity;
  recordHash: string;
  names: { name: string; norm: string; weak: boolean }[];
}

/**
 * Statements inserting a batch of entities of one version. Each statement binds
 * at most 3 parameters (list, sha256 and a JSON array of rows): D1 caps bound
 * parameters at 100 per statement, not their size. Callers keep a batch's JSON
 * well under D1's 2 MB value limit (ingest.ts: MAX_BATCH_BYTES).
 */
export function insertEntitiesStatements(db: D1Database, list: ListId, sha256: string, batch: readonly StagedEntity[]): D1PreparedStatement[] {
  const entities = batch.map((s) => [s.entity.entity_id, s.entity.entity_type, s.entity.name, JSON.stringify(s.entity), s.recordHash]);
  const names = batch.flatMap((s) => s.names.map((n) => [s.entity.entity_id, n.name, n.norm, n.weak ? 1 : 0]));
  const documents = batch.flatMap((s) => s.entity.documents.map((d) => [s.entity.entity_id, d.kind, d.value, d.country ?? null]));
  const out = [
    db
      .prepare(
        `INSERT OR IGNORE INTO screening_entities (list_id, sha256, entity_id, entity_type, name, data, record_hash)
         SELECT ?1, ?2, j.value->>'$[0]', j.value->>'$[1]', j.value->>'$[2]', j.value->>'$[3]', j.value->>'$[4]' FROM json_each(?3) j`,
      )
      .bind(list, sha256, JSON.stringify(entities)),
  ];
  if (names.length > 0) {
    out.push(
      db
        .prepare(
          `INSERT INTO screening_names (list_id, sha256, entity_id, name, norm, weak)
           SELECT ?1, ?2, j.value->>'$[0]', j.value->>'$[1]', j.value->>'$[2]', j.value->>'$[3]' FROM json_each(?3) j`,
        )
        .bind(list, sha256, JSON.stringify(names)),
    );
  }
  if (documents.length > 0) {
    out.push(
      db
        .prepare(
          `INSERT INTO screening_documents (list_id, sha256, entity_id, kind, value, country)
           SELECT ?1, ?2, j.value->>'$[0]', j.value->>'$[1]', j.value->>'$[2]', j.value->>'$[3]' FROM json_each(?3) j`,
        )
        .bind(list, sha256, JSON.stringify(documents)),
    );
  }
  return out;
}

/** Statements removing the rows of some entities of one version (undoing a batch whose checkpoint was lost). */
export function deleteEntitiesStatements(db: D1Database, list: ListId, sha256: string, entityIds: readonly string[]): D1PreparedStatement[] {
  const ids = JSON.stringify(entityIds);
  return ["screening_names", "screening_documents", "screening_entities"].map((table) =>
    db.prepare(`DELETE FROM ${table} WHERE list_id = ?1 AND sha256 = ?2 AND entity_id IN (SELECT value FROM json_each(?3))`).bind(list, sha256, ids),
  );
}

/** Deletes up to `limit` rows per table matching `where` (over list_id ?1, ?2); returns how many went. */
async function deleteRowsWhere(db: D1Database, where: string, list: ListId, arg: string, limit: number): Promise<number> {
  const results = await db.batch([
    db.prepare(`DELETE FROM screening_names WHERE id IN (SELECT id FROM screening_names WHERE ${where} LIMIT ?3)`).bind(list, arg, limit),
    db.prepare(`DELETE FROM screening_documents WHERE rowid IN (SELECT rowid FROM screening_documents WHERE ${where} LIMIT ?3)`).bind(list, arg, limit),
    db.prepare(`DELETE FROM screening_entities WHERE rowid IN (SELECT rowid FROM screening_entities WHERE ${where} LIMIT ?3)`).bind(list, arg, limit),
  ]);
  return results.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
}

/**
 * Deletes up to `limit` rows per table of the list's versions not in `keep`
 * (superseded versions, staging leftovers of a failed refresh). Returns how many
 * rows went; 0 means nothing is left. Bounded so one call fits an invocation:
 * every deleted name also updates the FTS index through its trigger.
 */
export function deleteOtherVersions(db: D1Database, list: ListId, keep: readonly string[], limit: number): Promise<number> {
  return deleteRowsWhere(db, "list_id = ?1 AND sha256 NOT IN (SELECT value FROM json_each(?2))", list, JSON.stringify(keep), limit);
}

/** Deletes up to `limit` rows per table of one version (a refresh clears its sha256's leftovers before staging). */
export function deleteVersionRows(db: D1Database, list: ListId, sha256: string, limit: number): Promise<number> {
  return deleteRowsWhere(db, "list_id = ?1 AND sha256 = ?2", list, sha256, limit);
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

/**
 * The version switch: one UPDATE, atomic; a successful refresh clears
 * last_error. Conditional on the refresh that staged it still being the one
 * running (`loading_since`), so a late retry of a finished refresh never
 * switches back.
 */
export async function switchVersion(
  db: D1Database,
  list: ListId,
  loadingSince: string,
  v: { sha256: string; fetchedAt: string; entities: number; names: number; sourceUrl: string },
  now: string,
): Promise<boolean> {
  const r = await db
    .prepare(
      `UPDATE screening_lists SET status = 'ready', current_sha256 = ?3, current_fetched_at = ?4, current_entities = ?5,
         current_names = ?6, source_url = ?7, loading_since = NULL, last_error_at = NULL, last_error_message = NULL, updated_at = ?8
       WHERE id = ?1 AND loading_since = ?2`,
    )
    .bind(list, loadingSince, v.sha256, v.fetchedAt, v.entities, v.names, v.sourceUrl, now)
    .run();
  return (r.meta.changes ?? 0) > 0;
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
