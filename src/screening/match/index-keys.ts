import { tokenizeNameWith } from "./tokenize";

/**
 * What the retrieval index stores per listed name, from its normalised text:
 * the text itself, its canonical words (legal forms and titles left out,
 * "Mohamed" → "muhammad", "Abd al-Aziz" → "abdulaziz") spaced and glued, so a
 * query that glues words ("VladimirPutin") or splits one ("Van Der Bilt") still
 * shares trigrams with it. Free of any-ascii: the API Worker's ingest calls it
 * on names it already normalised (ingest.ts), the engine and the node tools
 * through retrieval.ts `candidateKeys`.
 */
export function indexKeysOfNormalized(normalized: string): string[] {
  if (!normalized) return [];
  const keys = [normalized];
  const words = keyWordsOfNormalized(normalized);
  const spaced = words.join(" ");
  const compact = words.join("");
  if (spaced && !keys.includes(spaced)) keys.push(spaced);
  if (compact && !keys.includes(compact)) keys.push(compact);
  return keys;
}

/**
 * Between keys in one indexed text. FTS5's trigram tokenizer (and the in-memory
 * index, which counts the same windows) then also holds trigrams that span two
 * keys: each has a "|", which no query term (letters, digits, one space) has.
 */
export const KEY_SEPARATOR = " | ";

/**
 * The version of the index text below: bumped whenever what indexTextOfNormalized
 * returns changes, so records stored under an older one get their names derived
 * again when a list version lists them next (screening_records.names_version;
 * 1 was the normalised name alone, 2 added the canonical words spaced and glued).
 */
export const INDEX_TEXT_VERSION = 2;

/** The one text indexed per listed name, in D1 (`screening_record_names.norm`) and in memory alike. */
export const indexTextOfNormalized = (normalized: string): string => indexKeysOfNormalized(normalized).join(KEY_SEPARATOR);

const identity = (s: string) => s;

/** Canonical words of a normalised name (legal forms and titles out), or its plain words when none is left. */
export function keyWordsOfNormalized(normalized: string): string[] {
  const tokens = tokenizeNameWith(normalized, "Thing", identity)
    .tokens.filter((t) => t.role !== "title")
    .map((t) => t.text)
    .filter((t) => /^[a-z0-9]+$/.test(t));
  return tokens.length ? tokens : normalized.split(" ").filter(Boolean);
}
