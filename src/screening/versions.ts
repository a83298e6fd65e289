// List versions and their deltas (contract §17 "List versions and deltas"), read
// side, plus the delta's computation. A version is the set of its members
// (entity id → record hash, src/screening/store.ts); before a staged version
// becomes current, its delta against the version serving is computed here as
// set differences of the two member sets — added (an id only the new one has),
// modified (same id, another record hash), removed (an id only the old one
// has) — and stored with it (screening_version_changes, keyed by both
// versions; counts on its row).
//
// Seams for monitoring (src/monitoring/): after a switch, the ingest calls
// `onListVersionCurrent(env, { list, sha256, previous_sha256 })`
// (src/monitoring/rescreen.ts); the consumer pages through `versionChanges` to
// build an in-memory index of the delta, and reads `currentVersions` for the
// versions subjects are screened against.
import { DomainError } from "../domain/errors";
import type { VersionLife } from "../domain/list-retention";
import type { D1Reader, ListVersion } from "./store";
import { LIST_IDS, type ListEntity, type ListId } from "./types";

/** Each list's serving version (lists without one are absent), in LIST_IDS order. `lists` omitted: every list. */
export async function currentVersions(db: D1Reader, lists?: readonly ListId[]): Promise<ListVersion[]> {
  const { results } = await db
    .prepare("SELECT id, current_sha256, current_fetched_at, current_entities, current_names FROM screening_lists WHERE current_sha256 IS NOT NULL")
    .all<{ id: ListId; current_sha256: string; current_fetched_at: string; current_entities: number | null; current_names: number | null }>();
  const wanted = lists ? new Set<string>(lists) : null;
  const byId = new Map(results.map((r) => [r.id, r]));
  return LIST_IDS.filter((id) => byId.has(id) && (!wanted || wanted.has(id))).map((id) => {
    const r = byId.get(id)!;
    return { list: id, sha256: r.current_sha256, fetched_at: r.current_fetched_at, entities: r.current_entities ?? 0, names: r.current_names ?? 0 };
  });
}

/** A version kept (it served at some time and the retention has not started deleting it), as GET /admin/v1/lists/{id}/versions shows it. */
export interface KeptVersion {
  sha256: string;
  /** When its file was fetched (the last time, for a version that became current again). */
  fetched_at: string;
  /** When the file says it was generated (UN dateGenerated, EU generationDate), as written; null when unknown. */
  published_at: string | null;
  became_current_at: string;
  /** When a later version replaced it; null while it serves. */
  superseded_at: string | null;
  current: boolean;
  entities: number;
  names: number;
  /** The version its delta is against; null for the list's first version (every entity added). */
  previous_sha256: string | null;
  added: number;
  modified: number;
  removed: number;
}

type VersionRow = Omit<KeptVersion, "current"> & { list_id: ListId };

const KEPT = "became_current_at IS NOT NULL AND retired_at IS NULL";
const VERSION_COLUMNS =
  "list_id, sha256, fetched_at, published_at, became_current_at, superseded_at, entities, names, previous_sha256, added, modified, removed";

/** The versions of `list` kept, newest first (the one serving first). */
export async function keptVersions(db: D1Reader, list: ListId): Promise<KeptVersion[]> {
  const { results } = await db
    .prepare(
      `SELECT ${VERSION_COLUMNS}, sha256 IS (SELECT current_sha256 FROM screening_lists WHERE id = ?1) AS is_current
         FROM screening_versions WHERE list_id = ?1 AND ${KEPT} ORDER BY became_current_at DESC, sha256`,
    )
    .bind(list)
    .all<VersionRow & { is_current: number }>();
  return results.map((r) => ({
    sha256: r.sha256,
    fetched_at: r.fetched_at,
    published_at: r.published_at,
    became_current_at: r.became_current_at,
    superseded_at: r.superseded_at,
    current: r.is_current === 1,
    entities: r.entities,
    names: r.names,
    previous_sha256: r.previous_sha256,
    added: r.added,
    modified: r.modified,
    removed: r.removed,
  }));
}

/**
 * A statement reading the kept versions among `pins` ("list:sha256"), for the
 * search to check a pinned version is still kept before it reads it.
 */
export const keptVersionsStatement = (db: D1Reader, pins: readonly string[]) =>
  db.prepare(`SELECT ${VERSION_COLUMNS} FROM screening_versions WHERE ${KEPT} AND list_id || ':' || sha256 IN (SELECT value FROM json_each(?1))`).bind(JSON.stringify(pins));

export type KeptVersionRow = VersionRow;

/** list_version_gone for a pinned version that is not kept (never was, or deleted by the retention). */
export const versionGone = (list: ListId, sha256: string, param = `versions.${list}`): DomainError =>
  new DomainError(
    "list_version_gone",
    `A versão ${sha256.slice(0, 12)}… da lista ${list} não está guardada: versões são mantidas por 90 dias depois de deixarem de valer (e sempre as 30 mais recentes).`,
    param,
  );

// ---- the delta's pages (monitoring's seam) ---------------------------------------------

export type ChangeKind = "added" | "modified" | "removed";

/** One entity that changed in a version that became current. */
export interface VersionChange {
  change: ChangeKind;
  entity_id: string;
  /** The record the change is about: the version's (added, modified), or the one it had before (removed). */
  record_hash: string;
  /** modified: the record it had in the previous version; otherwise null. */
  previous_record_hash: string | null;
  /** The record of `record_hash`; null only for a removed entity whose record no kept version lists any more. */
  entity: ListEntity | null;
}

export interface VersionChangesPage {
  list: ListId;
  sha256: string;
  /** The version the delta is against (null: the list's first version, every member added). */
  previous_sha256: string | null;
  data: VersionChange[];
  /** Pass it back for the next page; null on the last one. Opaque. */
  next_cursor: string | null;
}

export const MAX_CHANGES_PAGE = 1000;

/**
 * The delta of a version that became current, a page at a time, by entity id:
 * each added, modified or removed entity with its record, so a consumer can
 * build an in-memory index of the delta. A list's first version (no previous)
 * pages through its members, every one `added`. A version not kept → DomainError
 * list_version_gone.
 */
export async function versionChanges(db: D1Reader, list: ListId, sha256: string, cursor: string | null = null, limit = 500): Promise<VersionChangesPage> {
  const n = Math.min(Math.max(1, Math.floor(limit)), MAX_CHANGES_PAGE);
  const version = await db.prepare(`SELECT previous_sha256 FROM screening_versions WHERE list_id = ?1 AND sha256 = ?2 AND ${KEPT}`).bind(list, sha256).first<{ previous_sha256: string | null }>();
  if (!version) throw versionGone(list, sha256, "sha256");
  type Row = { entity_id: string; change: ChangeKind; record_hash: string | null; previous_record_hash: string | null; data: string | null };
  const after = cursor ?? "";
  const { results } = version.previous_sha256
    ? await db
        .prepare(
          `SELECT c.entity_id, c.change, c.record_hash, c.previous_record_hash, r.data
             FROM screening_version_changes c LEFT JOIN screening_records r ON r.record_hash = coalesce(c.record_hash, c.previous_record_hash)
            WHERE c.list_id = ?1 AND c.sha256 = ?2 AND c.previous_sha256 = ?5 AND c.entity_id > ?3 ORDER BY c.entity_id LIMIT ?4`,
        )
        .bind(list, sha256, after, n + 1, version.previous_sha256)
        .all<Row>()
    : await db
        .prepare(
          `SELECT m.entity_id, 'added' AS change, m.record_hash, NULL AS previous_record_hash, r.data
             FROM screening_version_members m JOIN screening_records r ON r.record_hash = m.record_hash
            WHERE m.list_id = ?1 AND m.sha256 = ?2 AND m.entity_id > ?3 ORDER BY m.entity_id LIMIT ?4`,
        )
        .bind(list, sha256, after, n + 1)
        .all<Row>();
  const page = results.slice(0, n);
  return {
    list,
    sha256,
    previous_sha256: version.previous_sha256,
    data: page.map((r) => ({
      change: r.change,
      entity_id: r.entity_id,
      record_hash: r.change === "removed" ? r.previous_record_hash! : r.record_hash!,
      previous_record_hash: r.change === "modified" ? r.previous_record_hash : null,
      entity: r.data === null ? null : (JSON.parse(r.data) as ListEntity),
    })),
    next_cursor: results.length > n ? page[page.length - 1].entity_id : null,
  };
}

// ---- computing the delta (the ListIngest object) ---------------------------------------------

/** Where the delta's computation stands: which version's members it walks, after which entity id. */
export interface DeltaCursor {
  /** "new": the staged version's members (added, modified); "old": the previous version's (removed). */
  walk: "new" | "old";
  /** The last entity id done; null: from the start. */
  after: string | null;
}

export interface DeltaCounts {
  added: number;
  modified: number;
  removed: number;
}

/**
 * One bounded chunk of the delta of `sha256` against `previous`: up to `chunk`
 * members of one version, in entity id order, compared with the other
 * version's by primary key, the changes written (INSERT OR REPLACE: a chunk
 * redone after a lost checkpoint writes the same rows). Two short statements in
 * one round trip — never one statement over a whole list: D1 runs one statement
 * at a time for every tenant. Returns where the next chunk starts, or null when
 * both walks are done.
 */
export async function deltaChunk(db: D1Database, list: ListId, sha256: string, previous: string, at: DeltaCursor, chunk: number): Promise<DeltaCursor | null> {
  const [walked, other] = at.walk === "new" ? [sha256, previous] : [previous, sha256];
  const after = at.after ?? "";
  // The chunk's last entity id (null: fewer than `chunk` left, this is the walk's last chunk).
  const boundary = db
    .prepare("SELECT entity_id FROM screening_version_members WHERE list_id = ?1 AND sha256 = ?2 AND entity_id > ?3 ORDER BY entity_id LIMIT 1 OFFSET ?4")
    .bind(list, walked, after, chunk - 1);
  // Up to the chunk's last id; when there is none, no bound (x'ff' is a BLOB: SQLite sorts every TEXT before it).
  const upTo = "coalesce((SELECT entity_id FROM screening_version_members WHERE list_id = ?1 AND sha256 = ?2 AND entity_id > ?3 ORDER BY entity_id LIMIT 1 OFFSET ?5), x'ff')";
  const write =
    at.walk === "new"
      ? db
          .prepare(
            `INSERT OR REPLACE INTO screening_version_changes (list_id, sha256, previous_sha256, entity_id, change, record_hash, previous_record_hash)
             SELECT n.list_id, n.sha256, ?4, n.entity_id, CASE WHEN o.record_hash IS NULL THEN 'added' ELSE 'modified' END, n.record_hash, o.record_hash
               FROM screening_version_members n
               LEFT JOIN screening_version_members o ON o.list_id = n.list_id AND o.sha256 = ?4 AND o.entity_id = n.entity_id
              WHERE n.list_id = ?1 AND n.sha256 = ?2 AND n.entity_id > ?3 AND n.entity_id <= ${upTo}
                AND (o.record_hash IS NULL OR o.record_hash <> n.record_hash)`,
          )
          .bind(list, walked, after, other, chunk - 1)
      : db
          .prepare(
            `INSERT OR REPLACE INTO screening_version_changes (list_id, sha256, previous_sha256, entity_id, change, record_hash, previous_record_hash)
             SELECT o.list_id, ?4, o.sha256, o.entity_id, 'removed', NULL, o.record_hash
               FROM screening_version_members o
              WHERE o.list_id = ?1 AND o.sha256 = ?2 AND o.entity_id > ?3 AND o.entity_id <= ${upTo}
                AND NOT EXISTS (SELECT 1 FROM screening_version_members n WHERE n.list_id = ?1 AND n.sha256 = ?4 AND n.entity_id = o.entity_id)`,
          )
          .bind(list, walked, after, other, chunk - 1);
  const [last] = await db.batch<{ entity_id: string }>([boundary, write]);
  const end = last.results[0]?.entity_id ?? null;
  if (end !== null) return { walk: at.walk, after: end };
  return at.walk === "new" ? { walk: "old", after: null } : null;
}

/** The counts of the delta of `sha256` against `previous`, once every chunk is written. */
export async function deltaCounts(db: D1Database, list: ListId, sha256: string, previous: string): Promise<DeltaCounts> {
  const { results } = await db
    .prepare("SELECT change, count(*) AS n FROM screening_version_changes WHERE list_id = ?1 AND sha256 = ?2 AND previous_sha256 = ?3 GROUP BY change")
    .bind(list, sha256, previous)
    .all<{ change: ChangeKind; n: number }>();
  const out: DeltaCounts = { added: 0, modified: 0, removed: 0 };
  for (const r of results) out[r.change] = r.n;
  return out;
}

/** A version's row whatever its state (the ingest decides whether a downloaded file is a version kept). */
export async function versionRow(
  db: D1Database,
  list: ListId,
  sha256: string,
): Promise<(VersionRow & { retired_at: string | null }) | null> {
  return db.prepare(`SELECT ${VERSION_COLUMNS}, retired_at FROM screening_versions WHERE list_id = ?1 AND sha256 = ?2`).bind(list, sha256).first();
}

/** Every version row of a list (the retention's input: a few hundred at most). */
export async function versionRows(db: D1Database, list: ListId): Promise<VersionLife[]> {
  const { results } = await db
    .prepare("SELECT sha256, became_current_at, superseded_at, retired_at FROM screening_versions WHERE list_id = ?1")
    .bind(list)
    .all<VersionLife>();
  return results;
}
