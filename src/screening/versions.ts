// STAND-IN for the list-version store with deltas (contract §17 "List versions
// and deltas"), built separately; monitoring codes against its seam
// `versionChanges` only. This version keeps, per version that became current, a
// manifest (entity id → record hash) copied from screening_entities while the
// version still has its rows, and the version it replaced; the delta is then a
// set difference of two manifests, and the entities added or modified are read
// from the version's own rows (which serve while it is current).
import type { ListEntity, ListId } from "./types";

/** What changed in a version, per listed entity, since the version it replaced. */
export type VersionChangeKind = "added" | "modified" | "removed";

export interface VersionChange {
  change: VersionChangeKind;
  entity_id: string;
  record_hash: string;
  /** The entity as this version lists it; for a removed one, as the previous version did when its rows are still there, else null. */
  entity: ListEntity | null;
}

export interface VersionChangesPage {
  changes: VersionChange[];
  /** Pass back for the next page; null: this was the last. */
  next_cursor: string | null;
}

type Reader = Pick<D1Database, "prepare" | "batch">;

/**
 * Records that `sha256` became current after `previous` (null: the list's
 * first version): the log row, and the manifests of both versions copied from
 * screening_entities while their rows exist. Idempotent (INSERT OR IGNORE).
 */
export async function recordVersionSwitch(db: Reader, list: ListId, sha256: string, previous: string | null, now: string): Promise<void> {
  const manifest = (sha: string) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO version_delta_entities (list_id, sha256, entity_id, record_hash)
         SELECT list_id, sha256, entity_id, record_hash FROM screening_entities WHERE list_id = ?1 AND sha256 = ?2`,
      )
      .bind(list, sha);
  await db.batch([
    db.prepare("INSERT OR IGNORE INTO version_delta_log (list_id, sha256, previous_sha256, created_at) VALUES (?1, ?2, ?3, ?4)").bind(list, sha256, previous, now),
    ...(previous ? [manifest(previous)] : []),
    manifest(sha256),
    // Only the manifests a delta can still need: the last few versions' (a re-screen of one may still be paging when the next lands).
    db
      .prepare(
        `DELETE FROM version_delta_entities WHERE list_id = ?1 AND sha256 NOT IN (?2, coalesce(?3, ''))
           AND sha256 NOT IN (SELECT sha256 FROM version_delta_log WHERE list_id = ?1 ORDER BY created_at DESC LIMIT 3)`,
      )
      .bind(list, sha256, previous),
  ]);
}

/**
 * The changes of a version that became current, a page at a time, in entity id
 * order: entities added, modified (another record hash) or removed since the
 * version it replaced. `cursor`: the previous page's `next_cursor`.
 */
export async function versionChanges(db: Reader, list: ListId, sha256: string, cursor?: string | null, limit = 500): Promise<VersionChangesPage> {
  const log = await db
    .prepare("SELECT previous_sha256 FROM version_delta_log WHERE list_id = ?1 AND sha256 = ?2")
    .bind(list, sha256)
    .first<{ previous_sha256: string | null }>();
  const previous = log?.previous_sha256 ?? null;
  const after = cursor ?? "";
  const rows = await db
    .prepare(
      `SELECT change, entity_id, record_hash, data FROM (
         SELECT CASE WHEN p.entity_id IS NULL THEN 'added' ELSE 'modified' END AS change, c.entity_id, c.record_hash, e.data
           FROM version_delta_entities c
           LEFT JOIN version_delta_entities p ON p.list_id = c.list_id AND p.sha256 = ?3 AND p.entity_id = c.entity_id
           LEFT JOIN screening_entities e ON e.list_id = c.list_id AND e.sha256 = c.sha256 AND e.entity_id = c.entity_id
          WHERE c.list_id = ?1 AND c.sha256 = ?2 AND c.entity_id > ?4 AND (p.entity_id IS NULL OR p.record_hash <> c.record_hash)
         UNION ALL
         SELECT 'removed', p.entity_id, p.record_hash, e.data
           FROM version_delta_entities p
           LEFT JOIN screening_entities e ON e.list_id = p.list_id AND e.sha256 = p.sha256 AND e.entity_id = p.entity_id
          WHERE p.list_id = ?1 AND p.sha256 = ?3 AND p.entity_id > ?4
            AND NOT EXISTS (SELECT 1 FROM version_delta_entities c WHERE c.list_id = ?1 AND c.sha256 = ?2 AND c.entity_id = p.entity_id)
       ) ORDER BY entity_id LIMIT ?5`,
    )
    .bind(list, sha256, previous ?? "", after, limit + 1)
    .all<{ change: VersionChangeKind; entity_id: string; record_hash: string; data: string | null }>();
  const page = rows.results.slice(0, limit);
  return {
    changes: page.map((r) => ({ change: r.change, entity_id: r.entity_id, record_hash: r.record_hash, entity: r.data ? (JSON.parse(r.data) as ListEntity) : null })),
    next_cursor: rows.results.length > limit ? page.at(-1)!.entity_id : null,
  };
}
