import type { ListEntity } from "../types";
import { schemaFor, typesCompatible } from "./schema";
import { PreparedName, scoreNames, type MatchReason } from "./score";
import { TrigramIndex } from "./retrieval";
import { DEFAULT_THRESHOLD, STRONG_THRESHOLD, corroborate, corroboratedScore, strength, type Corroboration, type MatchStrength } from "./strength";

/**
 * From retrieved candidate names to ranked matches: the step the search endpoint
 * and the runs share, whatever retrieved the candidates (D1 FTS5 or the
 * in-memory TrigramIndex). Pure.
 */

export interface ScreeningQuery {
  name: string;
  /** "pf" → person rules, "pj" → organisation rules; absent: the listed entity's type decides. */
  type?: "pf" | "pj" | null;
  birth_date?: string | null;
  nationality?: string | null;
  documents?: { kind: string; value: string; country?: string }[];
}

/** What a candidate needs to be scored: the entity's attributes, and one of its names. */
export type ScreenedEntity = Pick<ListEntity, "entity_type" | "birth_dates" | "nationalities" | "documents">;

export interface CandidateName<E extends ScreenedEntity> {
  /** Groups the names of one entity (e.g. `${list}:${entity_id}`). */
  key: string;
  entity: E;
  name: string | PreparedName;
  weak?: boolean;
}

export interface RankedMatch<E extends ScreenedEntity> {
  key: string;
  entity: E;
  /** The listed name (primary or alias) that scored best. */
  matched_name: string;
  /** Name score after corroboration (birth year, nationality): what the threshold applies to. */
  score: number;
  /** Name score alone. */
  name_score: number;
  strength: MatchStrength;
  reasons: (MatchReason | "birth_year" | "birth_year_conflict" | "nationality" | "nationality_conflict" | "document" | "document_conflict")[];
  corroboration: Corroboration;
}

export interface RankOptions {
  threshold?: number;
  limit?: number;
}

/**
 * Score every candidate name, keep each entity's best name, corroborate with
 * birth year / nationality / documents, keep what reaches the threshold (or has
 * an equal document), best first (ties by key, so the order is stable).
 * A weak alias can make a possible match at most.
 */
export function rankCandidates<E extends ScreenedEntity>(query: ScreeningQuery | PreparedQuery, candidates: Iterable<CandidateName<E>>, options: RankOptions = {}): RankedMatch<E>[] {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const limit = options.limit ?? 10;
  const q = query instanceof PreparedQuery ? query : new PreparedQuery(query);
  const best = new Map<string, { c: CandidateName<E>; score: number; reasons: MatchReason[] }>();
  for (const c of candidates) {
    if (!typesCompatible(q.query.type, c.entity.entity_type)) continue;
    const r = scoreNames(q.name, c.name, { schema: schemaFor(q.query.type, c.entity.entity_type) });
    let score = r.score;
    const reasons = r.reasons.slice();
    if (c.weak) {
      score = weakAliasScore(score);
      reasons.push("weak_alias");
    }
    const prev = best.get(c.key);
    if (!prev || score > prev.score) best.set(c.key, { c, score, reasons });
  }
  const out: RankedMatch<E>[] = [];
  for (const [key, b] of best) {
    const corr = corroborate(
      { birthDate: q.query.birth_date, nationality: q.query.nationality, documents: q.query.documents },
      b.c.entity,
    );
    const s = strength(b.score, corr, threshold);
    if (!s) continue;
    const reasons: RankedMatch<E>["reasons"] = b.reasons.slice();
    if (corr.birthYear === "match") reasons.push("birth_year");
    if (corr.birthYear === "conflict") reasons.push("birth_year_conflict");
    if (corr.nationality === "match") reasons.push("nationality");
    if (corr.nationality === "conflict") reasons.push("nationality_conflict");
    if (corr.document === "match") reasons.push("document");
    if (corr.document === "conflict") reasons.push("document_conflict");
    out.push({
      key,
      entity: b.c.entity,
      matched_name: typeof b.c.name === "string" ? b.c.name : b.c.name.raw,
      score: corroboratedScore(b.score, corr),
      name_score: b.score,
      strength: s,
      reasons,
      corroboration: corr,
    });
  }
  out.sort((x, y) => y.score - x.score || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return out.slice(0, limit);
}

/**
 * A weak (low-quality) alias is weaker evidence: its score is lowered by
 * WEAK_ALIAS_PENALTY, so only a near-exact match on it reaches the default
 * threshold, and held under STRONG_THRESHOLD, so it is never strong on its own.
 */
export const WEAK_ALIAS_PENALTY = 0.1;
export function weakAliasScore(score: number): number {
  return Math.round(Math.max(0, Math.min(score - WEAK_ALIAS_PENALTY, STRONG_THRESHOLD - 0.001)) * 1000) / 1000;
}

/** A query prepared once (its name normalised and tokenised) for many candidates. */
export class PreparedQuery {
  readonly name: PreparedName;
  constructor(readonly query: ScreeningQuery) {
    this.name = new PreparedName(query.name);
  }
}

export interface MemoryScreenerOptions extends RankOptions {
  /** How many names the retrieval hands to the scorer. */
  candidates?: number;
}

/**
 * Lists screened in memory: TrigramIndex retrieval + rankCandidates. The same
 * pipeline as the D1-backed search, for node-side evaluation, the benchmark and
 * tests. Names are prepared once when added.
 */
export class MemoryScreener<E extends ScreenedEntity & { list: string; entity_id: string; name: string; aliases: { name: string; weak?: boolean }[] }> {
  private readonly index: TrigramIndex<CandidateName<E>>;
  private entities = 0;

  /** `keys`: what the index stores per name (see TrigramIndex). */
  constructor(options: { keys?: (name: string) => string[] } = {}) {
    this.index = new TrigramIndex<CandidateName<E>>(options.keys);
  }

  get size(): { entities: number; names: number } {
    return { entities: this.entities, names: this.index.size };
  }

  add(entity: E): void {
    this.entities++;
    const key = `${entity.list}:${entity.entity_id}`;
    const seen = new Set<string>();
    for (const n of [{ name: entity.name, weak: false }, ...entity.aliases]) {
      if (!n.name || seen.has(n.name)) continue;
      seen.add(n.name);
      this.index.add(n.name, { key, entity, name: new PreparedName(n.name), weak: !!n.weak });
    }
  }

  search(query: ScreeningQuery, options: MemoryScreenerOptions = {}): RankedMatch<E>[] {
    const hits = this.index.search(query.name, options.candidates ?? 50);
    return rankCandidates(query, hits.map((h) => h.ref), options);
  }
}
