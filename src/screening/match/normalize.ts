import anyAscii from "any-ascii";
import { normalizeNameWith } from "./normalize-text";
import { tokenizeNameWith, type MatchSchema, type TokenizedName } from "./tokenize";

export type { MatchSchema, NameToken, TokenRole, TokenizedName } from "./tokenize";

/**
 * Normalise a name for comparison and indexing: Unicode NFKD, accents stripped,
 * other scripts transliterated to ASCII (any-ascii), case folded, "&" spelled
 * "and", apostrophes dropped inside words, dotted initialisms joined ("A.B.C." →
 * "abc", "S.A." → "sa"), every other punctuation mark a space, spaces collapsed.
 * Idempotent: normalizeName(normalizeName(x)) === normalizeName(x).
 */
export function normalizeName(input: string): string {
  return normalizeNameWith(input, anyAscii);
}

/** tokenizeNameWith bound to normalizeName (any-ascii). */
export function tokenizeName(name: string, schema: MatchSchema = "Thing"): TokenizedName {
  return tokenizeNameWith(name, schema, normalizeName);
}
