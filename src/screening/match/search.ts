import type { ListEntity } from "../types";
import { judge, penalisedScore, weighEvidence, type Contradiction, type Evidence, type SubjectFacts } from "./evidence";
import { schemaFor } from "./schema";
import { PreparedName, scoreNames, type MatchReason } from "./score";
import { DEFAULT_BUDGET, TrigramIndex, type EntityBudget } from "./retrieval";
import { DEFAULT_THRESHOLD } from "./strength";

/**
 * From candidate entities to ranked matches: the step the search endpoint, the
 * runs and the monitoring re-screen share, whatever retrieved the candidates (D1
 * FTS5, the document index, or the in-memory TrigramIndex). Every name of each
 * candidate is scored against the query name; the best one is weighed against
 * the evidence (evidence.ts): contradicted candidates are cleared, the rest
 * match `strong` or `possible`, or not at all. Pure.
 */

export interface ScreeningQuery extends SubjectFacts {
  /** Absent or empty: documents only (a candidate matches by an identifying document, never by name). */
  name?: string | null;
}

/** What a candidate needs to be scored: the entity's attributes and names. */
export type ScreenedEntity = Pick<ListEntity, "entity_type" | "name" | "aliases" | "birth_dates" | "nationalities" | "documents" | "details">;

export interface Candidate<E extends ScreenedEntity> {
  /** Identifies the entity (e.g. `${list}:${entity_id}`); ties rank by it. */
  key: string;
  entity: E;
}

/** Why a match is what it is: the name's reasons, then the evidence's. */
export type EvidenceReason =
  | "cpf_match"
  | "cnpj_match"
  | "document_match"
  | "cnpj_root_match"
  | "masked_cpf_match"
  | "birth_date_match"
  | "birth_month_match"
  | "birth_year_match"
  | "birth_years_within_age_band"
  | "nationality_match"
  | "nationality_conflict"
  | "gender_match"
  | "gender_conflict"
  | "document_not_given"
  | "document_not_listed"
  | "birth_date_not_given"
  | "birth_date_not_listed"
  | "alias";
export type SearchReason = MatchReason | EvidenceReason;

export interface RankedMatch<E extends ScreenedEntity> {
  key: string;
  entity: E;
  /** The listed name (primary or alias) that scored best; the primary name when an identifying document matched and no name did. */
  matched_name: string;
  /** The name score less the nationality and gender penalties (1 for an identifying document): what the threshold applies to. */
  score: number;
  /** The name score alone (0 without a query name). */
  name_score: number;
  strength: "strong" | "possible";
  /** Matched by a document (identifying, or a masked CPF's digits with the name) rather than the name alone. */
  by_document: boolean;
  reasons: SearchReason[];
  evidence: Evidence;
}

/** A candidate whose name matched but whose identifiers contradict the subject: another person or company. */
export interface ClearedCandidate<E extends ScreenedEntity> {
  key: string;
  entity: E;
  matched_name: string;
  name_score: number;
  contradiction: Contradiction;
}

export interface Ranking<E extends ScreenedEntity> {
  /** At or above the threshold, best first, at most `limit`. */
  matches: RankedMatch<E>[];
  /** Best name score first, at most `limit`. */
  cleared: ClearedCandidate<E>[];
}

export interface RankOptions {
  threshold?: number;
  limit?: number;
}

/**
 * A weak (low-quality) alias is weaker evidence: its score is lowered by
 * WEAK_ALIAS_PENALTY, so only a near-exact match on it reaches the default
 * threshold, and a match on it alone is never strong without a document (OFAC:
 * weak aliases are "generally insufficient to identify" someone).
 */
export const WEAK_ALIAS_PENALTY = 0.1;
export function weakAliasScore(score: number): number {
  return Math.round(Math.max(0, score - WEAK_ALIAS_PENALTY) * 1000) / 1000;
}

/** A query prepared once (its name normalised and tokenised) for many candidates. */
export class PreparedQuery {
  readonly name: PreparedName | null;
  constructor(readonly query: ScreeningQuery) {
    this.name = query.name?.trim() ? new PreparedName(query.name) : null;
  }
}

/** Every name an entity is listed under, each once: the primary first, an alias listed strong and weak counting as strong. */
export function entityNames(e: Pick<ScreenedEntity, "name" | "aliases">): { name: string; weak: boolean }[] {
  const out = new Map<string, boolean>();
  for (const n of [{ name: e.name, weak: false }, ...e.aliases]) {
    if (!n.name) continue;
    out.set(n.name, (out.get(n.name) ?? true) && !!n.weak);
  }
  return [...out].map(([name, weak]) => ({ name, weak }));
}

/**
 * Listed names prepared (normalised, tokenised) once per isolate, not once per
 * search: the same popular entities come back for many queries, and preparing a
 * name costs more than comparing it. Bounded: cleared past PREPARED_CACHE_SIZE.
 */
const PREPARED_CACHE_SIZE = 50_000;
const prepared = new Map<string, PreparedName>();
function preparedName(name: string | PreparedName): PreparedName {
  if (typeof name !== "string") return name;
  let p = prepared.get(name);
  if (!p) {
    if (prepared.size >= PREPARED_CACHE_SIZE) prepared.clear();
    prepared.set(name, (p = new PreparedName(name)));
  }
  return p;
}

/** The best of an entity's names against the query name (weak aliases count less). */
function bestName(q: PreparedQuery, e: ScreenedEntity, names: { name: string | PreparedName; weak: boolean }[]): { name: string; score: number; reasons: MatchReason[]; weak: boolean } {
  let best = { name: e.name, score: 0, reasons: [] as MatchReason[], weak: false };
  if (!q.name) return best;
  const schema = schemaFor(q.query.type, e.entity_type);
  for (const n of names) {
    const r = scoreNames(q.name, preparedName(n.name), { schema });
    let score = r.score;
    const reasons = r.reasons.slice();
    if (n.weak) {
      score = weakAliasScore(score);
      reasons.push("weak_alias");
    }
    const name = typeof n.name === "string" ? n.name : n.name.raw;
    // Ties go to the name written exactly as queried (a name in Han characters over its pinyin), then to the primary name.
    const tie = (x: { name: string; reasons: MatchReason[] }) => (x.reasons.includes("exact") ? 0 : x.name === e.name ? 1 : 2);
    if (score > best.score || (score === best.score && score > 0 && tie({ name, reasons }) < tie(best))) best = { name, score, reasons, weak: n.weak };
  }
  return best;
}

const DOCUMENT_REASON = { cpf: "cpf_match", cnpj: "cnpj_match", foreign: "document_match", cnpj_root: "cnpj_root_match", cpf_masked: "masked_cpf_match" } as const;
const DATE_REASON = { day: "birth_date_match", month: "birth_month_match", year: "birth_year_match" } as const;

/** The evidence in reasons: what corroborated, what lowered the score, what was missing. */
function evidenceReasons(ev: Evidence): EvidenceReason[] {
  const out: EvidenceReason[] = [];
  if (ev.document) out.push(DOCUMENT_REASON[ev.document]);
  if (ev.birth_date) out.push(DATE_REASON[ev.birth_date]);
  if (ev.birth_years_within) out.push("birth_years_within_age_band");
  if (ev.nationality !== "unknown") out.push(ev.nationality === "match" ? "nationality_match" : "nationality_conflict");
  if (ev.gender !== "unknown") out.push(ev.gender === "match" ? "gender_match" : "gender_conflict");
  out.push(...ev.missing);
  return out;
}

/**
 * Ranks candidate entities for a query (see the header). `names` overrides an
 * entity's names (prepared once by the in-memory index); by default every name
 * of the entity. Matches best first (score, then a document basis, then strong,
 * then key); cleared ones by name score.
 */
export function rankCandidates<E extends ScreenedEntity>(
  query: ScreeningQuery | PreparedQuery,
  candidates: Iterable<Candidate<E> & { names?: { name: string | PreparedName; weak: boolean }[] }>,
  options: RankOptions = {},
): Ranking<E> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const limit = options.limit ?? 10;
  const q = query instanceof PreparedQuery ? query : new PreparedQuery(query);
  const matches: RankedMatch<E>[] = [];
  const cleared: ClearedCandidate<E>[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.key)) continue;
    seen.add(c.key);
    const names = c.names ?? entityNames(c.entity);
    const best = bestName(q, c.entity, names);
    const ev = weighEvidence(q.query, c.entity);
    const j = judge(best.score, ev, threshold);
    if (j.verdict === "cleared") {
      // Only homonyms are worth showing: a candidate whose name did not match was never a match.
      if (penalisedScore(best.score, ev) >= threshold) cleared.push({ key: c.key, entity: c.entity, matched_name: best.name, name_score: best.score, contradiction: j.contradiction });
      continue;
    }
    if (j.verdict === "none") continue;
    // The name's reasons only when the name matched by itself: an identifying document under another name must not read as a name match.
    const nameMatched = best.score >= threshold;
    const reasons: SearchReason[] = nameMatched ? [...best.reasons] : [];
    if (nameMatched && best.name !== c.entity.name) reasons.push("alias");
    reasons.push(...evidenceReasons(ev));
    const strength = j.strength === "strong" && best.weak && !j.by_document ? "possible" : j.strength;
    matches.push({
      key: c.key,
      entity: c.entity,
      matched_name: nameMatched ? best.name : c.entity.name,
      score: j.score,
      name_score: best.score,
      strength,
      by_document: j.by_document,
      reasons,
      evidence: ev,
    });
  }
  matches.sort(
    (x, y) =>
      y.score - x.score ||
      (x.by_document === y.by_document ? 0 : x.by_document ? -1 : 1) ||
      (x.strength === y.strength ? 0 : x.strength === "strong" ? -1 : 1) ||
      (x.key < y.key ? -1 : x.key > y.key ? 1 : 0),
  );
  cleared.sort((x, y) => y.name_score - x.name_score || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return { matches: matches.slice(0, limit), cleared: cleared.slice(0, limit) };
}

export interface MemoryScreenerOptions extends RankOptions {
  /** How many entities the retrieval hands to the scorer (per list and in all). */
  budget?: EntityBudget;
}

/** A listed entity as the in-memory screener keeps it. */
export type MemoryEntity = ScreenedEntity & { list: string; entity_id: string };

/**
 * Lists screened in memory: the same retrieval as the D1 search (index texts,
 * retrieval plans, BM25, the entity budget) and the same ranking. For node-side
 * evaluation, the benchmark, tests, and the re-screening of a list version's
 * delta against monitored subjects. Names are prepared once when added.
 */
export class MemoryScreener<E extends MemoryEntity> {
  private readonly index = new TrigramIndex<Candidate<E> & { names: { name: PreparedName; weak: boolean }[] }>();
  private entities = 0;
  private readonly byDocument = new Map<string, (Candidate<E> & { names: { name: PreparedName; weak: boolean }[] })[]>();

  get size(): { entities: number; names: number } {
    return { entities: this.entities, names: this.index.size };
  }

  add(entity: E): void {
    this.entities++;
    const key = `${entity.list}:${entity.entity_id}`;
    const names = entityNames(entity).map((n) => ({ name: new PreparedName(n.name), weak: n.weak }));
    const ref = { key, entity, names };
    for (const n of names) this.index.add(n.name.raw, key, entity.list, ref);
    for (const d of entity.documents) {
      for (const k of documentKeys(d.kind, d.value)) (this.byDocument.get(k) ?? this.byDocument.set(k, []).get(k)!).push(ref);
    }
  }

  search(query: ScreeningQuery, options: MemoryScreenerOptions = {}): Ranking<E> {
    // By name: each entity with the names the index ranked best for the query (as the D1 search).
    const candidates: (Candidate<E> & { names: { name: PreparedName; weak: boolean }[] })[] = query.name?.trim()
      ? this.index.search(query.name, options.budget ?? DEFAULT_BUDGET).map(({ ref, names }) => ({ ...ref, names: names.map((i) => ref.names[i]) }))
      : [];
    // By document: every name of the entities listing the query's documents, as the D1 search's document index finds them.
    for (const d of query.documents ?? []) for (const k of documentKeys(d.kind, d.value)) candidates.push(...(this.byDocument.get(k) ?? []));
    return rankCandidates(query, candidates, options);
  }
}

/** Keys a document is found by, on either side: CPF, CNPJ root, the visible digits of a masked CPF (a full CPF shows them too). */
function documentKeys(kind: string, value: string): string[] {
  const v = value.replace(/[^0-9a-z]/gi, "").toUpperCase();
  if (kind === "cpf") return [`cpf:${v}`, `cpf_masked:${v.slice(3, 9)}`];
  if (kind === "cnpj") return [`cnpj_root:${v.slice(0, 8)}`];
  if (kind === "cpf_masked") return [`cpf_masked:${v}`];
  return [`${kind}:${v}`];
}

