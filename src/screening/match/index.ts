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
 */
import type { MatchSchema } from "./normalize";
import { PreparedName, scoreNames, type MatchReason } from "./score";
import { STRONG_THRESHOLD } from "./strength";

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

/** The scoring schema for a listed entity's type (src/screening/types.ts EntityType). */
export function schemaForEntityType(entityType: "person" | "organization" | "vessel" | "aircraft" | "unknown" | string): MatchSchema {
  switch (entityType) {
    case "person":
      return "Person";
    case "organization":
      return "Company";
    case "vessel":
      return "Vessel";
    case "aircraft":
      return "Airplane";
    default:
      return "LegalEntity";
  }
}

/**
 * The schema to score a query against a listed entity with: the query's type when
 * given (search `type`: "pf" → Person, "pj" → Company), else the entity's. A
 * person query never scores against an organisation's rules or the reverse: the
 * mixed case uses LegalEntity (both rule sets).
 */
export function schemaFor(queryType: "pf" | "pj" | null | undefined, entityType: string): MatchSchema {
  const listed = schemaForEntityType(entityType);
  if (!queryType) return listed;
  const q: MatchSchema = queryType === "pf" ? "Person" : "Company";
  if (listed === "LegalEntity" || listed === q) return q;
  if (q === "Company" && (listed === "Vessel" || listed === "Airplane")) return listed;
  return "LegalEntity";
}

export interface NameMatch {
  score: number;
  reasons: MatchReason[];
  /** The listed name (primary or alias) that scored best. */
  matched_name: string;
  weak: boolean;
}

/**
 * Best score of a query against all names of one listed entity (primary name and
 * aliases). A weak (low-quality) alias can make a possible match at most: its
 * score is held just under STRONG_THRESHOLD.
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
    if (n.weak && score >= STRONG_THRESHOLD) score = Math.round((STRONG_THRESHOLD - 0.001) * 1000) / 1000;
    if (n.weak) reasons.push("weak_alias");
    if (!best || score > best.score) best = { score, reasons, matched_name: typeof n.name === "string" ? n.name : n.name.raw, weak: !!n.weak };
  }
  return best;
}
