// Screening a name (and optionally a document) against the loaded lists
// (contract §14): the one search behind POST /api/v1/screening/search, the
// console's search and the list-backed sources of live runs (src/sources/lists.ts).
//
// How a search goes:
//  1. Pin the serving version of every requested list, or the version the
//     query pins (`versions`, a replay; one no longer kept → list_version_gone);
//     a requested list without one → list_not_ready: an empty result must
//     always mean "screened, nothing found".
//  2. Candidate entities, cheaply, in one D1 round trip: the FTS5 trigram index
//     over the names' index texts, searched with the matcher's retrieval plan
//     (match/retrieval.ts: rare trigrams, or pairs of words for names made of
//     common words), ranked by bm25, collapsed to entities with a budget per list
//     (so one designee's dozens of aliases cannot crowd out the others); and the
//     document index — exact CPF, a CNPJ's 8-character root (its branches), and
//     the six visible digits of masked CPFs (CEIS persons, PEP).
//  3. Careful scoring of those few entities, the matcher's rankCandidates: every
//     name they are listed under against the query name, then the evidence —
//     documents, birth date, type contradict or corroborate; nationality and
//     gender lower the score. Contradicted candidates are cleared (returned apart
//     for the analyst); a name alone is at most `possible`.
//  4. Inactive entities (ended sanctions, PEPs past their grace period) never
//     match; they are returned apart, as information.
//
// No clock but `now()` (took_ms); everything else is a function of the query and
// the pinned versions, so a run that records the versions can be replayed.
import { documentKind } from "../domain/documents";
import { DomainError } from "../domain/errors";
import {
  DEFAULT_BUDGET,
  DEFAULT_THRESHOLD,
  cutToEntities,
  PreparedQuery,
  matchExpression,
  planVocabulary,
  rankCandidates,
  retrievalPlan,
  type ClearedCandidate,
  type Contradiction,
  type Gender,
  type MatchStrength,
  type QueryDocument,
  type RankedMatch,
  type RankedName,
  type EntityBudget,
  type SearchReason,
} from "./match";
import type { D1Reader, ListStateRow, ListVersion, StoredEntity } from "./store";
import { keptVersionsStatement, versionGone, type KeptVersionRow } from "./versions";
import { DEFAULT_SEARCH_LIMIT, LIST_IDS, MAX_SEARCH_LIMIT, type EntityType, type ListEntity, type ListId } from "./types";

export { COMMON_TRIGRAM_NAMES } from "./match/retrieval";

export type { D1Reader };

type EntityRow = { list_id: ListId; data: string; record_hash: string };

/** A pinned version: the list and its sha256. */
type Pin = Pick<ListVersion, "list" | "sha256">;

/**
 * SQL testing that the record of a row of `alias` (record_hash, list_id columns)
 * is a member of its list's pinned version — one primary-key probe of the
 * members' (record_hash, sha256) index a row — and its parameters, numbered
 * from `from`. A list not pinned gives NULL: never a member.
 */
function memberOfPinned(alias: string, pins: readonly Pin[], from: number): { sql: string; params: string[] } {
  const whens = pins.map((_, i) => `WHEN ?${from + 2 * i} THEN ?${from + 2 * i + 1}`).join(" ");
  return {
    sql: `EXISTS (SELECT 1 FROM screening_version_members m WHERE m.record_hash = ${alias}.record_hash AND m.sha256 = CASE ${alias}.list_id ${whens} END)`,
    params: pins.flatMap((p) => [p.list, p.sha256]),
  };
}

/**
 * The best `limit` names a MATCH expression retrieves in the pinned versions
 * (kind 'n': entity, name, weak, rank), and their records (kind 'e'), in one
 * statement: FTS5's `ORDER BY rank LIMIT` keeps the ranking cheap; the entity
 * cut (match/retrieval.ts cutToEntities) runs on the rows. Names hang off
 * records, which kept versions share: the pinned version's members decide
 * which records count.
 */
function namesStatement(db: D1Reader, pins: readonly Pin[], match: string, limit: number) {
  const member = memberOfPinned("n", pins, 3);
  return db
    .prepare(
      `WITH top AS MATERIALIZED (
         SELECT n.id, n.list_id, n.entity_id, n.record_hash, n.name, n.weak, f.rank
           FROM screening_record_names_fts f JOIN screening_record_names n ON n.id = f.rowid
          WHERE screening_record_names_fts MATCH ?1 AND ${member.sql}
          ORDER BY f.rank LIMIT ?2)
       SELECT 'n' AS kind, list_id, entity_id, name AS text, weak AS extra, rank, id FROM top
       UNION ALL
       SELECT 'e', r.list_id, r.entity_id, r.data, r.record_hash, NULL, NULL
         FROM (SELECT DISTINCT record_hash FROM top) t JOIN screening_records r ON r.record_hash = t.record_hash`,
    )
    .bind(match, limit, ...member.params);
}

type NameOrEntityRow = { kind: "n" | "e"; list_id: ListId; entity_id: string; text: string; extra: number | string; rank: number | null; id: number | null };

/**
 * Records of the pinned versions listing the query's documents, in one
 * statement: an exact CPF; the CNPJs sharing a CNPJ's 8-character root (its
 * branches: `value` between the root and the root followed by the highest
 * characters, a range the (kind, value) index serves); the masked CPFs showing a
 * CPF's digits 4–9, or a masked query's own six.
 */
function documentsStatement(db: D1Reader, pins: readonly Pin[], documents: readonly QueryDocument[]) {
  const cpf = documents.find((d) => d.kind === "cpf")?.value ?? null;
  const cnpjRoot = documents.find((d) => d.kind === "cnpj")?.value.slice(0, 8) ?? null;
  const masked = cpf ? cpfVisibleDigits(cpf) : (documents.find((d) => d.kind === "cpf_masked")?.value ?? null);
  const member = memberOfPinned("d", pins, 4);
  return db
    .prepare(
      `SELECT r.list_id, r.data, r.record_hash
         FROM screening_record_documents d
         JOIN screening_records r ON r.record_hash = d.record_hash
        WHERE ((d.kind = 'cpf' AND d.value = ?1)
            OR (d.kind = 'cnpj' AND d.value >= ?2 AND d.value <= ?2 || 'ZZZZZZ')
            OR (d.kind = 'cpf_masked' AND d.value = ?3))
          AND ${member.sql}
        GROUP BY r.record_hash`,
    )
    .bind(cpf, cnpjRoot, masked, ...member.params);
}

/**
 * The lists' states, how many listed names (every record kept) hold each of
 * `terms` (the index's own vocabulary), and the kept versions among `pinned`
 * ("list:sha256"), in one D1 round trip.
 */
async function statesAndCounts(
  db: D1Reader,
  terms: readonly string[],
  pinned: readonly string[],
): Promise<{ states: ListStateRow[]; counts: Map<string, number>; kept: KeptVersionRow[] }> {
  const [states, counts, kept] = await db.batch<Record<string, unknown>>([
    db.prepare("SELECT id, status, current_sha256, current_fetched_at, current_entities, current_names FROM screening_lists"),
    db.prepare("SELECT term, doc FROM screening_record_names_vocab WHERE term IN (SELECT value FROM json_each(?))").bind(JSON.stringify(terms)),
    ...(pinned.length > 0 ? [keptVersionsStatement(db, pinned)] : []),
  ]);
  return {
    states: states.results as unknown as ListStateRow[],
    counts: new Map((counts.results as { term: string; doc: number }[]).map((r) => [r.term, r.doc])),
    kept: (kept?.results ?? []) as unknown as KeptVersionRow[],
  };
}

export interface SearchQuery {
  /** Absent: documents only. */
  name?: string;
  type?: "pf" | "pj";
  /** "YYYY" | "YYYY-MM" | "YYYY-MM-DD" */
  birth_date?: string;
  /** Inclusive range of possible birth years (a QSA partner's age band); never corroborates, contradicts outside it. */
  birth_years?: { from: number; to: number };
  /** ISO 3166-1 alpha-2, upper case. */
  nationality?: string;
  gender?: Gender;
  /** Normalised CPF (11 digits) or CNPJ (14 characters). */
  document?: string;
  /** The six visible digits (4–9) of a CPF known only masked (a partner in the open CNPJ data). */
  masked_cpf?: string;
  /** Default: every list. */
  lists?: readonly ListId[];
  /**
   * Versions to search instead of the serving ones ("<list id>": "<sha256>"), to
   * replay what was screened then; a version no longer kept → list_version_gone.
   * A pinned list is searched even while it has no serving version.
   */
  versions?: Readonly<Partial<Record<ListId, string>>>;
  /** 0..1; default DEFAULT_THRESHOLD. */
  threshold?: number;
  /** 1..MAX_SEARCH_LIMIT; default DEFAULT_SEARCH_LIMIT. */
  limit?: number;
}

export type { SearchReason };

/** One match as the API shows it (contract §14). */
export interface SearchMatch {
  list: ListId;
  entity_id: string;
  entity_type: EntityType;
  name: string;
  matched_name: string;
  score: number;
  strength: MatchStrength;
  reasons: SearchReason[];
  programs: string[];
  listed_on: string | null;
  birth_dates: string[];
  nationalities: string[];
}

/** A match with what runs need besides the API fields. */
export interface ScoredEntity extends SearchMatch {
  /** How it matched: a document (an identifying one, or a masked CPF's digits with the name) or the name alone. */
  basis: "document" | "name";
  entity: ListEntity;
}

/** A homonym the evidence ruled out (contract §14 `cleared`). */
export interface ClearedMatch {
  list: ListId;
  entity_id: string;
  matched_name: string;
  /** What contradicted: document_conflict | birth_date_conflict | entity_type_conflict. */
  reason: "document_conflict" | "birth_date_conflict" | "entity_type_conflict";
  contradiction: Contradiction;
}

export interface SearchOutcome {
  /** The versions searched, one per requested list, in LIST_IDS order. */
  lists: { id: ListId; sha256: string; fetched_at: string }[];
  threshold: number;
  limit: number;
  /** Active entities at or above the threshold, best first, at most `limit`. */
  matches: ScoredEntity[];
  /** Candidates whose names matched but whose identifiers contradict the subject, at most `limit`. */
  cleared: ClearedMatch[];
  /** Inactive entities (ended sanction, PEP past grace) that would have matched: information, never a hit. */
  inactive: ScoredEntity[];
  took_ms: number;
}

/** The query document's kind as the lists record it (a validated CPF or CNPJ). */
const idKind = (document: string): "cpf" | "cnpj" => (documentKind(document) === "pf" ? "cpf" : "cnpj");

/** The CPF's visible digits in the government's masks (`***.456.789-**`): positions 4–9. */
export const cpfVisibleDigits = (cpf: string): string => cpf.slice(3, 9);

/** list_not_ready for the lists without a version, each named with its state. */
function notReadyError(states: ReadonlyMap<ListId, ListStateRow["status"]>, missing: ListId[]): DomainError {
  const first = missing[0];
  const what = missing.map((id) => `${id} (${states.get(id) === "loading" ? "carregando" : states.get(id) === "error" ? "com erro, sem versão" : "vazia"})`);
  return new DomainError(
    "list_not_ready",
    `${missing.length === 1 ? "A lista" : "As listas"} ${what.join(", ")} ainda não ${missing.length === 1 ? "tem" : "têm"} uma versão carregada; tente novamente depois da carga.`,
    first,
  );
}

/** The requested lists, deduplicated, in LIST_IDS order. */
const requestedLists = (lists: readonly ListId[] | undefined): ListId[] =>
  lists ? LIST_IDS.filter((id) => lists.includes(id)) : [...LIST_IDS];

/** The query's documents as the evidence compares them. */
export function queryDocuments(q: Pick<SearchQuery, "document" | "masked_cpf">): QueryDocument[] {
  const out: QueryDocument[] = [];
  if (q.document) out.push({ kind: idKind(q.document), value: q.document });
  else if (q.masked_cpf) out.push({ kind: "cpf_masked", value: q.masked_cpf });
  return out;
}

const CLEARED_REASON: Record<Contradiction["kind"], ClearedMatch["reason"]> = {
  document: "document_conflict",
  birth_date: "birth_date_conflict",
  birth_years: "birth_date_conflict",
  entity_type: "entity_type_conflict",
};

const LIST_ORDER = new Map(LIST_IDS.map((id, i) => [id, i]));

/** Best first: score, then document before name, strong before possible, then list order and id (stable). */
const byRelevance = (a: ScoredEntity, b: ScoredEntity): number =>
  b.score - a.score ||
  (a.basis === b.basis ? 0 : a.basis === "document" ? -1 : 1) ||
  (a.strength === b.strength ? 0 : a.strength === "strong" ? -1 : 1) ||
  (LIST_ORDER.get(a.list)! - LIST_ORDER.get(b.list)!) ||
  (a.entity_id < b.entity_id ? -1 : a.entity_id > b.entity_id ? 1 : 0);

/** Detail keys holding the date an entity stops counting (CEIS/CNEP sanction end, PEP grace end). */
const END_DATE_DETAILS = ["data_fim", "fim_carencia"] as const;

/**
 * Active today: listed as active when its list was loaded, and no end date has
 * passed since (a sanction that ended, or a PEP's grace period that ran out,
 * between two monthly or daily refreshes).
 */
export const isActiveOn = (e: ListEntity, today: string): boolean =>
  e.active && END_DATE_DETAILS.every((k) => {
    const end = e.details[k];
    return !end || !/^\d{4}-\d{2}-\d{2}$/.test(end) || end >= today;
  });

const refKey = (s: { list: ListId; sha256: string; entity_id: string }) => `${s.list}\u0000${s.sha256}\u0000${s.entity_id}`;

export interface SearchOptions {
  now?: () => number;
  /** "Today" (YYYY-MM-DD); default: the date of `now()`. */
  today?: string;
  /** The candidate cut (names from the index, entities per list and in all): tests and the benchmark vary it. */
  budget?: EntityBudget;
}

/** A ranked match as the API and the runs show it. */
function scoredEntity(stored: StoredEntity, r: RankedMatch<ListEntity>): ScoredEntity {
  const e = stored.entity;
  return {
    list: stored.list,
    entity_id: e.entity_id,
    entity_type: e.entity_type,
    name: e.name,
    matched_name: r.matched_name,
    score: r.score,
    strength: r.strength,
    reasons: r.reasons,
    programs: e.programs,
    listed_on: e.listed_on,
    birth_dates: e.birth_dates,
    nationalities: e.nationalities,
    basis: r.by_document ? "document" : "name",
    entity: e,
  };
}

const clearedMatch = (stored: StoredEntity, c: ClearedCandidate<ListEntity>): ClearedMatch => ({
  list: stored.list,
  entity_id: stored.entity.entity_id,
  matched_name: c.matched_name,
  reason: CLEARED_REASON[c.contradiction.kind],
  contradiction: c.contradiction,
});

/**
 * Screens `q` against the serving versions of the requested lists (or the
 * versions it pins). Throws DomainError list_not_ready (param = the first list
 * without a version) or list_version_gone (param = `versions.<list>`).
 */
export async function searchLists(db: D1Reader, q: SearchQuery, opts: SearchOptions = {}): Promise<SearchOutcome> {
  const now = opts.now ?? Date.now;
  const started = now();
  const today = opts.today ?? new Date(started).toISOString().slice(0, 10);
  const lists = requestedLists(q.lists);
  const threshold = q.threshold ?? DEFAULT_THRESHOLD;
  const limit = Math.min(Math.max(1, q.limit ?? DEFAULT_SEARCH_LIMIT), MAX_SEARCH_LIMIT);

  const name = q.name?.trim() ? q.name : undefined;
  const asked = lists.flatMap((id) => (q.versions?.[id] ? [`${id}:${q.versions[id]}`] : []));
  const { states, counts, kept } = await statesAndCounts(db, name ? planVocabulary(name) : [], asked);
  // The version each list serves now, or the one the query pins: pinned for every later query of this search.
  const byList = new Map<ListId, ListVersion>();
  for (const r of states) {
    if (r.current_sha256 === null) continue;
    byList.set(r.id, { list: r.id, sha256: r.current_sha256, fetched_at: r.current_fetched_at!, entities: r.current_entities ?? 0, names: r.current_names ?? 0 });
  }
  for (const id of lists) {
    const sha256 = q.versions?.[id];
    if (!sha256) continue;
    const v = kept.find((k) => k.list_id === id && k.sha256 === sha256);
    if (!v) throw versionGone(id, sha256);
    byList.set(id, { list: id, sha256, fetched_at: v.fetched_at, entities: v.entities, names: v.names });
  }
  const missing = lists.filter((id) => !byList.has(id));
  if (missing.length > 0) throw notReadyError(new Map(states.map((r) => [r.id, r.status])), missing);
  const pins = lists.map((id) => byList.get(id)!);
  const pinOf = new Map(pins.map((p) => [p.list, p.sha256]));
  const rowKey = (r: { list_id: ListId; entity_id: string }) => refKey({ list: r.list_id, sha256: pinOf.get(r.list_id)!, entity_id: r.entity_id });

  const plan = name ? retrievalPlan(name, (t) => counts.get(t) ?? 0) : null;
  const documents = queryDocuments(q);
  // Names and documents in one D1 round trip.
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const statements: D1PreparedStatement[] = [];
  if (plan) statements.push(namesStatement(db, pins, matchExpression(plan), budget.names));
  if (documents.length > 0) statements.push(documentsStatement(db, pins, documents));
  const answers = statements.length > 0 ? await db.batch<Record<string, unknown>>(statements) : [];
  const nameRows = (plan ? answers[0].results : []) as NameOrEntityRow[];
  const documentRows = (documents.length > 0 ? answers[answers.length - 1].results : []) as EntityRow[];

  // By name: the entity cut over the ranked names (bm25 is negated in FTS5: lower is better), each entity with its best names.
  const records = new Map<string, EntityRow>();
  for (const r of nameRows) if (r.kind === "e") records.set(rowKey(r), { list_id: r.list_id, data: r.text, record_hash: String(r.extra) });
  const ranked: RankedName<{ name: string; weak: boolean }>[] = nameRows
    .filter((r) => r.kind === "n")
    .map((r) => ({ entity: rowKey(r), list: r.list_id, score: -(r.rank ?? 0), order: r.id ?? 0, name: { name: r.text, weak: r.extra === 1 } }));
  const candidates = new Map<string, StoredEntity & { names?: { name: string; weak: boolean }[] }>();
  const stored = (r: EntityRow): StoredEntity => ({ list: r.list_id, sha256: pinOf.get(r.list_id)!, entity: JSON.parse(r.data) as ListEntity, record_hash: r.record_hash });
  for (const { entity, names } of cutToEntities(ranked, budget)) {
    const r = records.get(entity);
    if (r) candidates.set(entity, { ...stored(r), names });
  }
  // By document: every name of the entities listing the query's documents (the name that matters may not be one the index ranked).
  for (const r of documentRows) {
    const s = stored(r);
    candidates.set(refKey({ list: r.list_id, sha256: s.sha256, entity_id: s.entity.entity_id }), s);
  }

  const query = new PreparedQuery({
    name,
    type: q.type ?? null,
    birth_date: q.birth_date ?? null,
    birth_years: q.birth_years ?? null,
    nationality: q.nationality ?? null,
    gender: q.gender ?? null,
    documents,
  });
  const ranking = rankCandidates(
    query,
    [...candidates].map(([key, c]) => ({ key, entity: c.entity, names: c.names })),
    { threshold, limit: Number.MAX_SAFE_INTEGER },
  );
  const active: ScoredEntity[] = [];
  const inactive: ScoredEntity[] = [];
  for (const r of ranking.matches) {
    const scored = scoredEntity(candidates.get(r.key)!, r);
    (isActiveOn(scored.entity, today) ? active : inactive).push(scored);
  }
  active.sort(byRelevance);
  inactive.sort(byRelevance);
  return {
    lists: pins.map((v) => ({ id: v.list, sha256: v.sha256, fetched_at: v.fetched_at })),
    threshold,
    limit,
    matches: active.slice(0, limit),
    cleared: ranking.cleared.slice(0, limit).map((c) => clearedMatch(candidates.get(c.key)!, c)),
    inactive: inactive.slice(0, limit),
    took_ms: Math.max(0, now() - started),
  };
}
