// Screening a name (and optionally a document) against the loaded lists
// (contract §14): the one search behind POST /api/v1/screening/search, the
// console's search and the list-backed sources of live runs (src/sources/lists.ts).
//
// How a search goes:
//  1. Pin the serving version of every requested list;
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
  type SearchReason,
} from "./match";
import type { ListStateRow, ListVersion, StoredEntity } from "./store";
import { DEFAULT_SEARCH_LIMIT, LIST_IDS, MAX_SEARCH_LIMIT, type EntityType, type ListEntity, type ListId } from "./types";

export { COMMON_TRIGRAM_NAMES } from "./match/retrieval";

/** What the search reads through: the database, or a request's D1 session (a read replica near the caller). */
export type D1Reader = Pick<D1Database, "prepare" | "batch">;

type EntityRow = { list_id: ListId; sha256: string; data: string; record_hash: string };

/** Pins as "list:sha256": an uncorrelated IN list SQLite builds once, not a JSON walk per matched row. */
const pinsJson = (pins: readonly Pick<ListVersion, "list" | "sha256">[]) => JSON.stringify(pins.map((v) => `${v.list}:${v.sha256}`));

/**
 * The entities a MATCH expression retrieves in the pinned versions: each
 * entity's best name (bm25) ranks it; the best `perList` of each list and the
 * best `total` overall are kept (TrigramIndex applies the same cut in memory);
 * the entities' records are read for those only.
 */
const entitiesStatement = (db: D1Reader, pins: readonly Pick<ListVersion, "list" | "sha256">[], match: string, perList: number, total: number) =>
  db
    .prepare(
      `WITH hits AS (
         SELECT n.list_id, n.sha256, n.entity_id, f.rank
           FROM screening_names_fts f JOIN screening_names n ON n.id = f.rowid
          WHERE screening_names_fts MATCH ?1 AND n.list_id || ':' || n.sha256 IN (SELECT value FROM json_each(?2))),
       best AS (
         SELECT list_id, sha256, entity_id, MIN(rank) AS rank FROM hits GROUP BY list_id, sha256, entity_id),
       ranked AS (
         SELECT *, ROW_NUMBER() OVER (PARTITION BY list_id ORDER BY rank, entity_id) AS nth FROM best),
       top AS (
         SELECT list_id, sha256, entity_id, rank FROM ranked WHERE nth <= ?3 ORDER BY rank, list_id, entity_id LIMIT ?4)
       SELECT top.list_id, top.sha256, e.data, e.record_hash
         FROM top JOIN screening_entities e ON e.list_id = top.list_id AND e.sha256 = top.sha256 AND e.entity_id = top.entity_id
        ORDER BY top.rank`,
    )
    .bind(match, pinsJson(pins), perList, total);

/**
 * Entities of the pinned versions listing the query's documents, in one
 * statement: an exact CPF; the CNPJs sharing a CNPJ's 8-character root (its
 * branches: `value` between the root and the root followed by the highest
 * characters, a range the (kind, value) index serves); the masked CPFs showing a
 * CPF's digits 4–9, or a masked query's own six.
 */
function documentsStatement(db: D1Reader, pins: readonly Pick<ListVersion, "list" | "sha256">[], documents: readonly QueryDocument[]) {
  const cpf = documents.find((d) => d.kind === "cpf")?.value ?? null;
  const cnpjRoot = documents.find((d) => d.kind === "cnpj")?.value.slice(0, 8) ?? null;
  const masked = cpf ? cpfVisibleDigits(cpf) : (documents.find((d) => d.kind === "cpf_masked")?.value ?? null);
  return db
    .prepare(
      `SELECT e.list_id, e.sha256, e.data, e.record_hash
         FROM screening_documents d
         JOIN screening_entities e ON e.list_id = d.list_id AND e.sha256 = d.sha256 AND e.entity_id = d.entity_id
        WHERE ((d.kind = 'cpf' AND d.value = ?1)
            OR (d.kind = 'cnpj' AND d.value >= ?2 AND d.value <= ?2 || 'ZZZZZZ')
            OR (d.kind = 'cpf_masked' AND d.value = ?3))
          AND d.list_id || ':' || d.sha256 IN (SELECT value FROM json_each(?4))
        GROUP BY e.list_id, e.sha256, e.entity_id`,
    )
    .bind(cpf, cnpjRoot, masked, pinsJson(pins));
}

/**
 * The lists' states and how many listed names (all versions) hold each of
 * `terms` (the index's own vocabulary), in one D1 round trip.
 */
async function statesAndCounts(db: D1Reader, terms: readonly string[]): Promise<{ states: ListStateRow[]; counts: Map<string, number> }> {
  const [states, counts] = await db.batch<Record<string, unknown>>([
    db.prepare("SELECT id, status, current_sha256, current_fetched_at, current_entities, current_names FROM screening_lists"),
    db.prepare("SELECT term, doc FROM screening_names_vocab WHERE term IN (SELECT value FROM json_each(?))").bind(JSON.stringify(terms)),
  ]);
  return {
    states: states.results as unknown as ListStateRow[],
    counts: new Map((counts.results as { term: string; doc: number }[]).map((r) => [r.term, r.doc])),
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
  /** Entities taken from the name index, per list and in all (tests and the benchmark vary it). */
  budget?: { perList: number; total: number };
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
 * Screens `q` against the serving versions of the requested lists. Throws
 * DomainError list_not_ready (param = the first list without a version).
 */
export async function searchLists(db: D1Reader, q: SearchQuery, opts: SearchOptions = {}): Promise<SearchOutcome> {
  const now = opts.now ?? Date.now;
  const started = now();
  const today = opts.today ?? new Date(started).toISOString().slice(0, 10);
  const lists = requestedLists(q.lists);
  const threshold = q.threshold ?? DEFAULT_THRESHOLD;
  const limit = Math.min(Math.max(1, q.limit ?? DEFAULT_SEARCH_LIMIT), MAX_SEARCH_LIMIT);

  const name = q.name?.trim() ? q.name : undefined;
  const { states, counts } = await statesAndCounts(db, name ? planVocabulary(name) : []);
  // The version each list serves now: pinned for every later query of this search.
  const byList = new Map<ListId, ListVersion>();
  for (const r of states) {
    if (r.current_sha256 === null) continue;
    byList.set(r.id, { list: r.id, sha256: r.current_sha256, fetched_at: r.current_fetched_at!, entities: r.current_entities ?? 0, names: r.current_names ?? 0 });
  }
  const missing = lists.filter((id) => !byList.has(id));
  if (missing.length > 0) throw notReadyError(new Map(states.map((r) => [r.id, r.status])), missing);
  const pins = lists.map((id) => byList.get(id)!);

  const plan = name ? retrievalPlan(name, (t) => counts.get(t) ?? 0) : null;
  const documents = queryDocuments(q);
  // Names and documents in one D1 round trip.
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const statements: D1PreparedStatement[] = [];
  if (plan) statements.push(entitiesStatement(db, pins, matchExpression(plan), budget.perList, budget.total));
  if (documents.length > 0) statements.push(documentsStatement(db, pins, documents));
  const answers = statements.length > 0 ? await db.batch<Record<string, unknown>>(statements) : [];

  // Entities by name first (best bm25 first), then by document; one parse each.
  const candidates = new Map<string, StoredEntity>();
  for (const r of answers.flatMap((a) => a.results as EntityRow[])) {
    const entity = JSON.parse(r.data) as ListEntity;
    const key = refKey({ list: r.list_id, sha256: r.sha256, entity_id: entity.entity_id });
    if (!candidates.has(key)) candidates.set(key, { list: r.list_id, sha256: r.sha256, entity, record_hash: r.record_hash });
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
    [...candidates].map(([key, stored]) => ({ key, entity: stored.entity })),
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
