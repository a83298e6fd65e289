/**
 * The screening matcher: pure functions (no I/O, no clock).
 *
 *   normalizeName(s)                 → comparable text
 *   candidateKeys(name), indexText   → what the retrieval index stores per listed name (D1 and memory)
 *   TrigramIndex                     → the D1 retrieval in memory (BM25, entity budget)
 *   scoreNames(q, c, {schema})       → { score 0..1, reasons }
 *   matchNames(q, names, {schema})   → best of an entity's names (weak aliases capped)
 *   frequencyWeight(word)            → how much a name word counts (common words less)
 *   weighEvidence(subject, listed)   → documents / birth date / type / nationality / gender evidence
 *   judge(nameScore, evidence)       → cleared | strong | possible | none
 *   rankCandidates(query, entities)  → candidate entities → ranked matches and cleared homonyms (API, runs, monitoring)
 *   retrievalPlan, matchExpression   → the trigrams to retrieve by, and their FTS5 expression
 *   MemoryScreener                   → TrigramIndex + rankCandidates over ListEntity[] (node, benchmark, monitoring)
 */
import type { MatchSchema } from "./normalize";
import { PreparedName, scoreNames, type MatchReason } from "./score";
export { schemaFor, schemaForEntityType, typesCompatible } from "./schema";
export {
  rankCandidates,
  entityNames,
  weakAliasScore,
  WEAK_ALIAS_PENALTY,
  PreparedQuery,
  MemoryScreener,
  type ScreeningQuery,
  type ScreenedEntity,
  type Candidate,
  type RankedMatch,
  type ClearedCandidate,
  type Ranking,
  type RankOptions,
  type MemoryScreenerOptions,
  type MemoryEntity,
  type SearchReason,
  type EvidenceReason,
} from "./search";
export {
  weighEvidence,
  judge,
  penalisedScore,
  listedGender,
  cpfVisibleDigits,
  NATIONALITY_PENALTY,
  GENDER_PENALTY,
  type Evidence,
  type SubjectFacts,
  type QueryDocument,
  type ListedFacts,
  type Contradiction,
  type Judgement,
  type Gender,
} from "./evidence";
export { frequencyWeight } from "./name-frequency";
import { weakAliasScore } from "./search";

export { normalizeName, tokenizeName, type MatchSchema, type NameToken, type TokenRole, type TokenizedName } from "./normalize";
export { scoreNames, prepareName, PreparedName, type MatchReason, type NameScore, type ScoreOptions } from "./score";
export { DEFAULT_THRESHOLD, type MatchStrength } from "./strength";
export {
  candidateKeys,
  indexText,
  retrievalQuery,
  retrievalPlan,
  matchExpression,
  planVocabulary,
  queryTrigrams,
  TrigramIndex,
  MAX_QUERY_TERMS,
  DEFAULT_BUDGET,
  type RetrievalPlan,
  type EntityBudget,
} from "./retrieval";
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
