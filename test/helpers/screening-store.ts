// Reads of the staged screening rows by version, entity and document, for the
// ingest tests to check what a refresh wrote (the search has its own statements,
// src/screening/service.ts).
import { getListStates, type ListVersion, type StoredEntity, type StoredName } from "../../src/screening/store";
import type { ListDocument, ListEntity, ListId } from "../../src/screening/types";

/**
 * The versions serving now, one per ready list (lists without a version are
 * absent: callers answer `list_not_ready` for a requested list missing here).
 * `lists` omitted: every list.
 */
export async function currentVersions(db: D1Database, lists?: readonly ListId[]): Promise<ListVersion[]> {
  const rows = await getListStates(db);
  const wanted = lists ? new Set<string>(lists) : null;
  return rows
    .filter((r) => r.current_sha256 !== null && (!wanted || wanted.has(r.id)))
    .map((r) => ({
      list: r.id,
      sha256: r.current_sha256!,
      fetched_at: r.current_fetched_at!,
      entities: r.current_entities ?? 0,
      names: r.current_names ?? 0,
    }));
}

/** JSON of version pins for `json_each`: keeps any number of pins within the bound-parameter limit. */
const pinsJson = (versions: readonly Pick<ListVersion, "list" | "sha256">[]) => JSON.stringify(versions.map((v) => [v.list, v.sha256]));

/** SQL restricting alias `t` (with list_id, sha256 columns) to the pinned versions (one bound parameter). */
const PINNED = (t: string) =>
  `EXISTS (SELECT 1 FROM json_each(?) p WHERE p.value->>'$[0]' = ${t}.list_id AND p.value->>'$[1]' = ${t}.sha256)`;

/**
 * Candidate names through the FTS5 trigram index: `match` is an FTS5 MATCH
 * expression over `norm` (src/screening/match builds it), restricted to the
 * pinned versions, best bm25 rank first.
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
      `SELECT n.id, n.list_id, n.sha256, n.entity_id, n.name, n.norm, n.weak, f.rank
         FROM screening_names_fts f JOIN screening_names n ON n.id = f.rowid
        WHERE screening_names_fts MATCH ? AND ${PINNED("n")}
        ORDER BY f.rank LIMIT ?`,
    )
    .bind(match, pinsJson(versions), limit)
    .all<{ id: number; list_id: ListId; sha256: string; entity_id: string; name: string; norm: string; weak: number; rank: number }>();
  return results.map((r) => ({ id: r.id, list: r.list_id, sha256: r.sha256, entity_id: r.entity_id, name: r.name, norm: r.norm, weak: r.weak === 1, rank: r.rank }));
}

export interface EntityRef {
  list: ListId;
  sha256: string;
  entity_id: string;
}

const refsJson = (refs: readonly EntityRef[]) => JSON.stringify(refs.map((r) => [r.list, r.sha256, r.entity_id]));
const REF_JOIN = (t: string) =>
  `JOIN json_each(?) r ON r.value->>'$[0]' = ${t}.list_id AND r.value->>'$[1]' = ${t}.sha256 AND r.value->>'$[2]' = ${t}.entity_id`;

/** The entities behind candidate names (any number of refs; unknown refs are skipped). */
export async function entitiesByRefs(db: D1Database, refs: readonly EntityRef[]): Promise<StoredEntity[]> {
  if (refs.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT e.list_id, e.sha256, e.data, e.record_hash FROM screening_entities e ${REF_JOIN("e")}`)
    .bind(refsJson(refs))
    .all<{ list_id: ListId; sha256: string; data: string; record_hash: string }>();
  return results.map((r) => ({ list: r.list_id, sha256: r.sha256, entity: JSON.parse(r.data) as ListEntity, record_hash: r.record_hash }));
}

/** Every name row of the given entities (primary and aliases), e.g. to score all of an entity's names. */
export async function namesOfEntities(db: D1Database, refs: readonly EntityRef[]): Promise<StoredName[]> {
  if (refs.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT n.id, n.list_id, n.sha256, n.entity_id, n.name, n.norm, n.weak FROM screening_names n ${REF_JOIN("n")} ORDER BY n.id`)
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
      `SELECT e.list_id, e.sha256, e.data, e.record_hash
         FROM screening_documents d
         JOIN screening_entities e ON e.list_id = d.list_id AND e.sha256 = d.sha256 AND e.entity_id = d.entity_id
        WHERE d.kind = ? AND d.value = ? AND ${PINNED("d")}
        GROUP BY e.list_id, e.sha256, e.entity_id`,
    )
    .bind(kind, value, pinsJson(versions))
    .all<{ list_id: ListId; sha256: string; data: string; record_hash: string }>();
  return results.map((r) => ({ list: r.list_id, sha256: r.sha256, entity: JSON.parse(r.data) as ListEntity, record_hash: r.record_hash }));
}
