/**
 * The screening matcher: pure functions (no I/O, no clock).
 *
 *   normalizeName(s)                 → comparable text
 *   candidateKeys(name)              → strings the retrieval index stores per listed name
 *   retrievalQuery(name)             → FTS5 MATCH expression (OR of quoted trigrams)
 *   TrigramIndex                     → the same retrieval in memory (BM25), for node and benchmarks
 *   scoreNames(q, c, {schema})       → { score 0..1, reasons }
 *   matchNames(q, names, {schema})   → best of an entity's names (weak aliases capped)
 *   corroborate(query, listed)       → birth year / nationality / document evidence
 *   strength(score, corroboration)   → "strong" | "possible" | null
 *   rankCandidates(query, names)     → retrieved names → ranked, corroborated matches (API and runs)
 *   MemoryScreener                   → TrigramIndex + rankCandidates over ListEntity[] (node, benchmark)
 */
import type { MatchSchema } from "./normalize";
import { PreparedName, scoreNames, type MatchReason } from "./score";
export { schemaFor, schemaForEntityType, typesCompatible } from "./schema";
export {
  rankCandidates,
  weakAliasScore,
  WEAK_ALIAS_PENALTY,
  PreparedQuery,
  MemoryScreener,
  type ScreeningQuery,
  type ScreenedEntity,
  type CandidateName,
  type RankedMatch,
  type RankOptions,
  type MemoryScreenerOptions,
} from "./search";
import { weakAliasScore } from "./search";

export { normalizeName, tokenizeName, type MatchSchema, type NameToken, type TokenRole, type TokenizedName } from "./normalize";
export { scoreNames, prepareName, PreparedName, type MatchReason, type NameScore, type ScoreOptions } from "./score";
export {
  DEFAULT_THRESHOLD,
  STRONG_THRESHOLD,
  strength,
  corroborate,
  corroboratedScore,
  type Corroboration,
  type CorroborationInput,
  type Evidence,
  type ListedAttributes,
  type MatchStrength,
} from "./strength";
export { candidateKeys, retrievalQuery, queryTrigrams, TrigramIndex, MAX_QUERY_TERMS, type RetrievalHit } from "./retrieval";
export { tokenSimilarity, phoneticKey, editDistance, editSimilarity } from "./similarity";

export interface NameMatch {
  score: number;
  reasons: MatchReason[];
  /** The listed name (primary or alias) that scored best. */
  matched_name: string;
  weak: boolean;
}

/**
 * Best score of a query against all names of one listed entity (primary name and
 * aliases). A weak (low-quality) alias counts less and is never strong (see
 * weakAliasScore).
 */
export function matchNames(
  query: string | PreparedName,
  names: readonly { name: string | PreparedName; weak?: boolean }[],
  options: { schema?: MatchSchema } = {},
): NameMatch | null {
  let best: NameMatch | null = null;
  for (const n of names) {
    const r = scoreNames(query, n.name, options);
    let score = r.score;
    const reasons = r.reasons.slice();
    if (n.weak) score = weakAliasScore(score);
    if (n.weak) reasons.push("weak_alias");
    if (!best || score > best.score) best = { score, reasons, matched_name: typeof n.name === "string" ? n.name : n.name.raw, weak: !!n.weak };
  }
  return best;
}
