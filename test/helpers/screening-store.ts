// Reads of the staged screening rows by version, entity and document, for the
// ingest tests to check what a refresh wrote (the search has its own statements,
// src/screening/service.ts). A version's rows are reached through its members
// (entity id → record hash); records, names and documents are shared by every
// version that lists them unchanged.
import type { ListVersion, StoredEntity, StoredName } from "../../src/screening/store";
import type { ListDocument, ListEntity, ListId } from "../../src/screening/types";

export { currentVersions } from "../../src/screening/versions";

/** JSON of version pins for `json_each`: keeps any number of pins within the bound-parameter limit. */
const pinsJson = (versions: readonly Pick<ListVersion, "list" | "sha256">[]) => JSON.stringify(versions.map((v) => [v.list, v.sha256]));

/** Members `m` of the pinned versions (one bound parameter). */
const PINNED_MEMBERS = "JOIN json_each(?) p ON p.value->>'$[0]' = m.list_id AND p.value->>'$[1]' = m.sha256";

/**
 * Candidate names through the FTS5 trigram index: `match` is an FTS5 MATCH
 * expression over `norm` (src/screening/match builds it), restricted to the
 * records of the pinned versions, best bm25 rank first.
 */
export async function searchNames(
  db: D1Database,
  versions: readonly Pick<ListVersion, "list" | "sha256">[],
  match: string,
  limit: number,
): Promise<(StoredName & { rank: number })[]> {
  if (versions.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT n.id, m.list_id, m.sha256, m.entity_id, n.name, n.norm, n.weak, f.rank
         FROM screening_record_names_fts f JOIN screening_record_names n ON n.id = f.rowid
         JOIN screening_version_members m ON m.record_hash = n.record_hash ${PINNED_MEMBERS}
        WHERE screening_record_names_fts MATCH ?
        ORDER BY f.rank LIMIT ?`,
    )
    .bind(pinsJson(versions), match, limit)
    .all<{ id: number; list_id: ListId; sha256: string; entity_id: string; name: string; norm: string; weak: number; rank: number }>();
  return results.map((r) => ({ id: r.id, list: r.list_id, sha256: r.sha256, entity_id: r.entity_id, name: r.name, norm: r.norm, weak: r.weak === 1, rank: r.rank }));
}

export interface EntityRef {
  list: ListId;
  sha256: string;
  entity_id: string;
}

const refsJson = (refs: readonly EntityRef[]) => JSON.stringify(refs.map((r) => [r.list, r.sha256, r.entity_id]));
const REF_MEMBERS = "JOIN json_each(?) r ON r.value->>'$[0]' = m.list_id AND r.value->>'$[1]' = m.sha256 AND r.value->>'$[2]' = m.entity_id";

/** The entities of some versions (any number of refs; unknown refs are skipped). */
export async function entitiesByRefs(db: D1Database, refs: readonly EntityRef[]): Promise<StoredEntity[]> {
  if (refs.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT m.list_id, m.sha256, e.data, e.record_hash FROM screening_version_members m ${REF_MEMBERS} JOIN screening_records e ON e.record_hash = m.record_hash`)
    .bind(refsJson(refs))
    .all<{ list_id: ListId; sha256: string; data: string; record_hash: string }>();
  return results.map((r) => ({ list: r.list_id, sha256: r.sha256, entity: JSON.parse(r.data) as ListEntity, record_hash: r.record_hash }));
}

/** Every name row of the given entities (primary and aliases), e.g. to score all of an entity's names. */
export async function namesOfEntities(db: D1Database, refs: readonly EntityRef[]): Promise<StoredName[]> {
  if (refs.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT n.id, m.list_id, m.sha256, m.entity_id, n.name, n.norm, n.weak
         FROM screening_version_members m ${REF_MEMBERS} JOIN screening_record_names n ON n.record_hash = m.record_hash ORDER BY n.id`,
    )
    .bind(refsJson(refs))
    .all<{ id: number; list_id: ListId; sha256: string; entity_id: string; name: string; norm: string; weak: number }>();
  return results.map((r) => ({ id: r.id, list: r.list_id, sha256: r.sha256, entity_id: r.entity_id, name: r.name, norm: r.norm, weak: r.weak === 1 }));
}

/**
 * Entities of the pinned versions listing a document: exact CPF/CNPJ (`kind`
 * cpf/cnpj, digits) or the 6 visible digits of a masked CPF (`cpf_masked`).
 */
export async function entitiesByDocument(
  db: D1Database,
  versions: readonly Pick<ListVersion, "list" | "sha256">[],
  kind: ListDocument["kind"],
  value: string,
): Promise<StoredEntity[]> {
  if (versions.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT m.list_id, m.sha256, e.data, e.record_hash
         FROM screening_record_documents d
         JOIN screening_version_members m ON m.record_hash = d.record_hash ${PINNED_MEMBERS}
         JOIN screening_records e ON e.record_hash = d.record_hash
        WHERE d.kind = ? AND d.value = ?
        GROUP BY m.list_id, m.sha256, m.entity_id`,
    )
    .bind(pinsJson(versions), kind, value)
    .all<{ list_id: ListId; sha256: string; data: string; record_hash: string }>();
  return results.map((r) => ({ list: r.list_id, sha256: r.sha256, entity: JSON.parse(r.data) as ListEntity, record_hash: r.record_hash }));
}
