// Screening a name (and optionally a document) against the loaded lists
// (contract §14): the one search behind POST /api/v1/screening/search and the
// list-backed sources of live runs (src/sources/lists.ts).
//
// How a search goes:
//  1. Pin the serving version of every requested list;
//     a requested list without one → list_not_ready: an empty result must
//     always mean "screened, nothing found".
//  2. Candidates, cheaply: the FTS5 trigram index over normalised names (best
//     bm25 first, a bounded number of names), and the document index — exact
//     CPF/CNPJ, and for a CPF the six visible digits of the masked CPFs (CEIS
//     persons, PEP). The MATCH expression is the matcher's query trigrams
//     (match/queryTrigrams) without the very common ones (`selectiveMatch`).
//  3. Careful scoring of the few candidate entities: every name they are
//     listed under (primary and aliases) against the query name, corroborated
//     by birth year, nationality and documents — the matcher's rankCandidates,
//     the same step its evaluation and benchmark measure.
//  4. Brazilian identifiers are decisive both ways: an equal CPF/CNPJ is a
//     match whatever the name; a masked CPF with the same visible digits is a
//     match with a name match; a different CPF/CNPJ (or different visible
//     digits) on both sides is another person or company — a homonym, cut.
//  5. Inactive entities (ended sanctions, PEPs past their grace period) never
//     match; they are returned apart, as information.
//
// No clock but `now()` (took_ms); everything else is a function of the query and
// the pinned versions, so a run that records the versions can be replayed.
import { documentKind } from "../domain/documents";
import { DomainError } from "../domain/errors";
import {
  DEFAULT_THRESHOLD,
  normalizeName,
  PreparedQuery,
  queryTrigrams,
  rankCandidates,
  type CandidateName,
  type MatchStrength,
  type RankedMatch,
  typesCompatible,
} from "./match";
import { PARTICLES } from "./match/tables";
import type { ListStateRow, ListVersion, StoredEntity } from "./store";
import { DEFAULT_SEARCH_LIMIT, LIST_IDS, MAX_SEARCH_LIMIT, type EntityType, type ListEntity, type ListId } from "./types";

/** What the search reads through: the database, or a request's D1 session (a read replica near the caller). */
export type D1Reader = Pick<D1Database, "prepare" | "batch">;

/**
 * Names taken from the index per search. The index ranks by shared trigrams, the
 * scorer decides; a listed name that shares few trigrams with the query would
 * not score as a match anyway. Measured in bench/screening-search.mjs.
 */
export const CANDIDATE_NAMES = 50;

/**
 * A trigram held by more listed names than this is left out of the MATCH
 * expression when the query has enough rarer ones. FTS5 evaluates bm25 for every
 * row a MATCH selects (about 5 µs each): "ana", "mar" or "sil" select tens of
 * thousands of the PEP list's 70k names and cost 100–300 ms, while adding the
 * least to the ranking (bm25's idf is lowest for them). At full size (178k
 * names), on 150 UN names varied (reordered, a typo, partial): the listed
 * name's recall in the top 50 is the same as with every trigram (0.953), the
 * FTS query's p95 drops from 54 ms to under 4 ms (bench/README.md).
 */
export const COMMON_TRIGRAM_NAMES = 1000;

/** Rare trigrams enough to retrieve by (fewer: the query is made of common words, see selectiveMatch). */
const MIN_RARE_TRIGRAMS = 4;

/**
 * At most this many (the rarest): each term is one more document list for FTS5 to
 * merge and score. Same recall as above with 8, 10 or 12; 10 keeps a margin.
 */
const MAX_RARE_TRIGRAMS = 10;

const ftsString = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * The FTS5 MATCH expression for `name`, given how many listed names hold each of
 * its trigrams (`names`, from screening_names_vocab):
 * - the OR of its rare trigrams (held by 1 to COMMON_TRIGRAM_NAMES names; the
 *   MAX_RARE_TRIGRAMS rarest), when it has at least MIN_RARE_TRIGRAMS of them (or
 *   all of its trigrams are rare);
 * - else — a name made of common words, e.g. "Maria Silva Santos" — names holding
 *   the least common trigram of two of its words (every pair; a one-word query:
 *   that trigram), or any of its rare trigrams. Single trigrams, not the words
 *   as phrases: FTS5 then intersects document lists without reading positions.
 *   A typo in one word leaves the other pairs.
 * Null when the name has no word of 3 characters or more (nothing to retrieve by).
 * Pure.
 */
export function selectiveMatch(name: string, names: ReadonlyMap<string, number>): string | null {
  const terms = queryTrigrams(name);
  if (terms.length === 0) return null;
  const count = (t: string) => names.get(t) ?? 0;
  // A trigram no listed name holds (a typo's) selects nothing: it does not count as a rare one.
  const rare = terms.filter((t) => count(t) > 0 && count(t) <= COMMON_TRIGRAM_NAMES).sort((a, b) => count(a) - count(b) || (a < b ? -1 : 1));
  if (rare.length >= Math.min(MIN_RARE_TRIGRAMS, terms.length)) return rare.slice(0, MAX_RARE_TRIGRAMS).map(ftsString).join(" OR ");
  // Each word's least common trigram that some name holds (words of particles aside).
  const keys: string[] = [];
  for (const w of new Set(normalizeName(name).split(" "))) {
    if (w.length < 3 || PARTICLES.has(w)) continue;
    let best: string | null = null;
    for (let i = 0; i + 3 <= w.length; i++) {
      const t = w.slice(i, i + 3);
      if (count(t) > 0 && (best === null || count(t) < count(best))) best = t;
    }
    if (best !== null && !keys.includes(best)) keys.push(best);
  }
  const parts: string[] = [];
  if (keys.length === 1) parts.push(ftsString(keys[0]));
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) parts.push(`(${ftsString(keys[i])} AND ${ftsString(keys[j])})`);
  }
  parts.push(...rare.map(ftsString));
  return parts.length > 0 ? parts.join(" OR ") : terms.map(ftsString).join(" OR ");
}

type NameRow = { list_id: ListId; sha256: string; entity_id: string; name: string; weak: number; data: string; record_hash: string };
type EntityRow = { list_id: ListId; sha256: string; data: string; record_hash: string };

/** Pins as "list:sha256": an uncorrelated IN list SQLite builds once, not a JSON walk per matched row. */
const pinsJson = (pins: readonly Pick<ListVersion, "list" | "sha256">[]) => JSON.stringify(pins.map((v) => `${v.list}:${v.sha256}`));

/**
 * The best `limit` names for a MATCH expression in the pinned versions, each
 * with its entity: the entities are joined after the ranking, for the few names
 * kept only.
 */
const namesStatement = (db: D1Reader, pins: readonly Pick<ListVersion, "list" | "sha256">[], match: string, limit: number) =>
  db
    .prepare(
      `WITH top AS (
         SELECT n.list_id, n.sha256, n.entity_id, n.name, n.weak, f.rank
           FROM screening_names_fts f JOIN screening_names n ON n.id = f.rowid
          WHERE screening_names_fts MATCH ?1 AND n.list_id || ':' || n.sha256 IN (SELECT value FROM json_each(?2))
          ORDER BY f.rank LIMIT ?3)
       SELECT top.list_id, top.sha256, top.entity_id, top.name, top.weak, e.data, e.record_hash
         FROM top JOIN screening_entities e ON e.list_id = top.list_id AND e.sha256 = top.sha256 AND e.entity_id = top.entity_id
        ORDER BY top.rank`,
    )
    .bind(match, pinsJson(pins), limit);

/**
 * Entities of the pinned versions listing the query's document: exact CPF or
 * CNPJ, and for a CPF the masked CPFs showing its digits 4–9 — one statement.
 */
const documentsStatement = (db: D1Reader, pins: readonly Pick<ListVersion, "list" | "sha256">[], document: string) => {
  const exact = idKind(document);
  const masked = exact === "cpf" ? cpfVisibleDigits(document) : null;
  return db
    .prepare(
      `SELECT e.list_id, e.sha256, e.data, e.record_hash
         FROM screening_documents d
         JOIN screening_entities e ON e.list_id = d.list_id AND e.sha256 = d.sha256 AND e.entity_id = d.entity_id
        WHERE ((d.kind = ?1 AND d.value = ?2) OR (d.kind = 'cpf_masked' AND d.value = ?3))
          AND d.list_id || ':' || d.sha256 IN (SELECT value FROM json_each(?4))
        GROUP BY e.list_id, e.sha256, e.entity_id`,
    )
    .bind(exact, document, masked, pinsJson(pins));
};

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
  /** Absent: documents only (a run screening a registry by CPF/CNPJ without a name). */
  name?: string;
  type?: "pf" | "pj";
  /** "YYYY" | "YYYY-MM" | "YYYY-MM-DD" */
  birth_date?: string;
  /** ISO 3166-1 alpha-2, upper case. */
  nationality?: string;
  /** Normalised CPF (11 digits) or CNPJ (14 characters). */
  document?: string;
  /** Default: every list. */
  lists?: readonly ListId[];
  /** 0..1; default DEFAULT_THRESHOLD. */
  threshold?: number;
  /** 1..MAX_SEARCH_LIMIT; default DEFAULT_SEARCH_LIMIT. */
  limit?: number;
}

/** Why an entity matched: the matcher's reasons (name, corroboration) plus the Brazilian document ones. */
export type SearchReason = RankedMatch<ListEntity>["reasons"][number] | "document_match" | "masked_cpf_match" | "alias";

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
  /** How it matched: an identity document (exact CPF/CNPJ, or masked CPF + name) or the name alone. */
  basis: "document" | "name";
  entity: ListEntity;
}

export interface SearchOutcome {
  /** The versions searched, one per requested list, in LIST_IDS order. */
  lists: { id: ListId; sha256: string; fetched_at: string }[];
  threshold: number;
  limit: number;
  /** Active entities at or above the threshold, best first, at most `limit`. */
  matches: ScoredEntity[];
  /** Inactive entities (ended sanction, PEP past grace) that would have matched: information, never a hit. */
  inactive: ScoredEntity[];
  took_ms: number;
}

/** The query document's kind as the lists record it (a validated CPF or CNPJ). */
const idKind = (document: string): "cpf" | "cnpj" => (documentKind(document) === "pf" ? "cpf" : "cnpj");

/** The CPF's visible digits in the government's masks (`***.456.789-**`): positions 4–9. */
export const cpfVisibleDigits = (cpf: string): string => cpf.slice(3, 9);

const round3 = (n: number) => Math.round(n * 1000) / 1000;

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

interface DocumentEvidence {
  exact: boolean;
  /** Same visible digits of a masked CPF (still needs a name match). */
  masked: boolean;
  /** The entity lists a CPF/CNPJ (or a masked CPF) of the subject's kind that differs: another person or company. */
  conflict: boolean;
}

/** What the entity's Brazilian documents say about the query's document. */
function brazilianDocument(entity: ListEntity, document: string | undefined): DocumentEvidence {
  const out: DocumentEvidence = { exact: false, masked: false, conflict: false };
  if (!document) return out;
  const kind = idKind(document);
  let comparable = false;
  for (const d of entity.documents) {
    if (d.kind === kind) {
      comparable = true;
      if (d.value.toUpperCase() === document) out.exact = true;
    } else if (kind === "cpf" && d.kind === "cpf_masked") {
      comparable = true;
      if (d.value === cpfVisibleDigits(document)) out.masked = true;
    }
  }
  out.conflict = comparable && !out.exact && !out.masked;
  return out;
}

/**
 * Scores the candidate entities: the matcher's shared ranking (each entity's
 * best name, weak aliases held under the strong threshold, corroboration by
 * birth year / nationality / documents: match/search.ts `rankCandidates`), then
 * the Brazilian identifiers (decisive both ways, see the header) and the types
 * the subject cannot be. Returns every match at or above the threshold, unsorted.
 */
function scoreCandidates(
  q: SearchQuery,
  name: string | undefined,
  candidates: StoredEntity[],
  retrieved: ReadonlyMap<string, { name: string; weak: boolean }[]>,
  threshold: number,
): ScoredEntity[] {
  const kept: { stored: StoredEntity; doc: DocumentEvidence }[] = [];
  for (const stored of candidates) {
    // Entities found by document alone never pass rankCandidates, which applies the same rule to names.
    if (!typesCompatible(q.type, stored.entity.entity_type)) continue;
    const doc = brazilianDocument(stored.entity, q.document);
    if (!doc.conflict) kept.push({ stored, doc });
  }
  const keyOf = (s: StoredEntity) => refKey({ list: s.list, sha256: s.sha256, entity_id: s.entity.entity_id });
  const ranked = new Map<string, RankedMatch<ListEntity>>();
  if (name) {
    const names: CandidateName<ListEntity>[] = [];
    for (const { stored } of kept) {
      const e = stored.entity;
      const key = keyOf(stored);
      const seen = new Set<string>();
      // The names the index retrieved (what the matcher's own evaluation scores),
      // or every name of an entity found by its document.
      for (const n of retrieved.get(key) ?? [{ name: e.name, weak: false }, ...e.aliases]) {
        if (!n.name || seen.has(n.name)) continue;
        seen.add(n.name);
        names.push({ key, entity: e, name: n.name, weak: n.weak === true });
      }
    }
    const query = new PreparedQuery({
      name,
      type: q.type ?? null,
      birth_date: q.birth_date ?? null,
      nationality: q.nationality ?? null,
      documents: q.document ? [{ kind: idKind(q.document), value: q.document, country: "BR" }] : [],
    });
    for (const r of rankCandidates(query, names, { threshold, limit: Number.MAX_SAFE_INTEGER })) ranked.set(r.key, r);
  }

  const out: ScoredEntity[] = [];
  for (const { stored, doc } of kept) {
    const e = stored.entity;
    const r = ranked.get(keyOf(stored));
    let basis: ScoredEntity["basis"] = "name";
    let score: number;
    let st: MatchStrength;
    const reasons: SearchReason[] = [];
    if (doc.exact) {
      // An equal CPF/CNPJ is the same person or company, whatever the name says.
      basis = "document";
      reasons.push("document_match");
      score = 1;
      st = "strong";
    } else if (r && doc.masked) {
      // Six visible CPF digits plus a name at or above the threshold: the masked lists' document match.
      basis = "document";
      reasons.push("masked_cpf_match");
      score = r.score;
      st = "strong";
    } else if (r) {
      // An equal foreign identifier (passport, tax id of the same kind) is strong whatever the name scored.
      if (r.corroboration.document === "match") basis = "document";
      score = basis === "document" ? 1 : r.score;
      st = r.strength;
    } else continue;
    // The name's own reasons only when the name matched by itself: a CPF/CNPJ hit
    // under another name must not read as a name match ("conflict", "extra_tokens").
    const byDocument = doc.exact || r?.corroboration.document === "match";
    const nameMatched = r !== undefined && (!byDocument || r.score >= threshold);
    if (r && nameMatched) {
      for (const reason of r.reasons) if (!(doc.exact && reason === "document")) reasons.push(reason);
      if (r.matched_name !== e.name) reasons.push("alias");
    }
    out.push({
      list: stored.list,
      entity_id: e.entity_id,
      entity_type: e.entity_type,
      name: e.name,
      matched_name: nameMatched ? r!.matched_name : e.name,
      score: round3(score),
      strength: st,
      reasons,
      programs: e.programs,
      listed_on: e.listed_on,
      birth_dates: e.birth_dates,
      nationalities: e.nationalities,
      basis,
      entity: e,
    });
  }
  return out;
}

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
  /** Names taken from the index (tests and the benchmark vary it). */
  candidateNames?: number;
}

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
  const { states, counts } = await statesAndCounts(db, name ? queryTrigrams(name) : []);
  // The version each list serves now: pinned for every later query of this search.
  const byList = new Map<ListId, ListVersion>();
  for (const r of states) {
    if (r.current_sha256 === null) continue;
    byList.set(r.id, { list: r.id, sha256: r.current_sha256, fetched_at: r.current_fetched_at!, entities: r.current_entities ?? 0, names: r.current_names ?? 0 });
  }
  const missing = lists.filter((id) => !byList.has(id));
  if (missing.length > 0) throw notReadyError(new Map(states.map((r) => [r.id, r.status])), missing);
  const pins = lists.map((id) => byList.get(id)!);

  const match = name ? selectiveMatch(name, counts) : null;
  // Names and documents in one D1 round trip.
  const statements: D1PreparedStatement[] = [];
  if (match) statements.push(namesStatement(db, pins, match, opts.candidateNames ?? CANDIDATE_NAMES));
  if (q.document) statements.push(documentsStatement(db, pins, q.document));
  const answers = statements.length > 0 ? await db.batch<Record<string, unknown>>(statements) : [];
  const nameRows = (match ? answers[0].results : []) as NameRow[];
  const documentRows = (q.document ? answers[answers.length - 1].results : []) as EntityRow[];

  const candidates = new Map<string, StoredEntity>();
  const entityOf = (r: EntityRow & { entity_id?: string }): StoredEntity => {
    const parsed = JSON.parse(r.data) as ListEntity;
    const key = refKey({ list: r.list_id, sha256: r.sha256, entity_id: parsed.entity_id });
    let stored = candidates.get(key);
    if (!stored) candidates.set(key, (stored = { list: r.list_id, sha256: r.sha256, entity: parsed, record_hash: r.record_hash }));
    return stored;
  };
  for (const r of documentRows) entityOf(r);
  const byDocumentKeys = new Set(candidates.keys());
  const names = nameRows.map((r) => ({ list: r.list_id, sha256: r.sha256, entity_id: r.entity_id, name: r.name, weak: r.weak === 1 }));
  const seen = new Set<string>();
  for (const r of nameRows) {
    // One parse per entity, however many of its names were retrieved.
    const key = refKey({ list: r.list_id, sha256: r.sha256, entity_id: r.entity_id });
    if (!seen.has(key) && !candidates.has(key)) entityOf(r);
    seen.add(key);
  }

  const active: ScoredEntity[] = [];
  const inactive: ScoredEntity[] = [];
  const retrieved = new Map<string, { name: string; weak: boolean }[]>();
  for (const n of names) {
    const k = refKey(n);
    if (!byDocumentKeys.has(k)) (retrieved.get(k) ?? retrieved.set(k, []).get(k)!).push({ name: n.name, weak: n.weak });
  }
  for (const scored of scoreCandidates(q, name, [...candidates.values()], retrieved, threshold)) {
    if (scored.score < threshold) continue;
    (isActiveOn(scored.entity, today) ? active : inactive).push(scored);
  }
  active.sort(byRelevance);
  inactive.sort(byRelevance);
  return {
    lists: pins.map((v) => ({ id: v.list, sha256: v.sha256, fetched_at: v.fetched_at })),
    threshold,
    limit,
    matches: active.slice(0, limit),
    inactive: inactive.slice(0, limit),
    took_ms: Math.max(0, now() - started),
  };
}
