// The tokenizer, without the transliteration (normalize.ts binds any-ascii to it):
// the API Worker's ingest tokenizes names already normalised, without any-ascii.
import { frequencyWeight } from "./name-frequency";
import { editSimilarity } from "./similarity";
import {
  AMBIGUOUS_NUMBER_WORDS,
  DIGIT_AS_LETTER,
  EDGE_ONLY_LEGAL,
  GENERATIONAL,
  GENERIC_ORG_WORDS,
  LEGAL_FORM_PHRASES,
  LEGAL_FORM_WORDS,
  NUMBER_WORDS,
  PARTICLES,
  PARTICLE_CANON,
  PLACE_WORDS,
  ROMAN_NUMERALS,
  SUFFIX_CANON,
  TITLES,
  WEAK_TITLES,
} from "./tables";

/**
 * What kind of thing a name belongs to. Person rules (particles, titles,
 * generational suffixes, initials) and organisation rules (legal forms, generic
 * words, numbers) differ; "LegalEntity" / "Thing" / unknown apply both.
 */
export type MatchSchema = "Person" | "Company" | "Organization" | "LegalEntity" | "Vessel" | "Airplane" | "Thing";

export type TokenRole = "name" | "particle" | "suffix" | "initial" | "number" | "generic" | "stopword" | "title";

export interface NameToken {
  /** Canonical text used for comparison. */
  text: string;
  /** The word(s) as written (normalised, before canonical spellings): a typo in "Mohammed" is compared with "mohammed", not "muhammad". */
  raw: string;
  role: TokenRole;
  /** How much this token counts in the score: a rare given or family name 1, a common one less (name-frequency.ts), particles and titles little. */
  weight: number;
}

export interface TokenizedName {
  tokens: NameToken[];
  /** Canonical legal-form codes found in an organisation name ("llc", "jsc", "ag" …). */
  legalForms: string[];
  /** Titles that were dropped ("mr", "sheikh" …). */
  titles: string[];
}

const ORG_STOPWORDS = new Set(["the", "of", "and", "for", "de", "la", "el", "des", "du", "und", "et", "y", "e", "in", "at", "on", "to", "da", "do", "dos", "das", "del"]);

function isPersonSchema(schema: MatchSchema): boolean {
  return schema === "Person";
}
function isOrgSchema(schema: MatchSchema): boolean {
  return schema !== "Person";
}

/** Tokens that mix letters and digits are leetspeak or OCR slips ("sech1n") unless they look like codes ("2007ahl1", "a320"). */
function fixMixedToken(word: string): string {
  if (!/[a-z]/.test(word) || !/[0-9]/.test(word)) return word;
  const ordinal = /^(\d+)(st|nd|rd|th|o|a|er|e|eme)$/.exec(word);
  if (ordinal) return ordinal[1];
  const letters = word.replace(/[^a-z]/g, "").length;
  const digits = word.length - letters;
  // Digits inside a word of letters (not at both ends of a code) read as letters.
  if (letters >= 3 && digits <= 2 && /^[a-z]/.test(word)) {
    return word.replace(/[0-9]/g, (d) => DIGIT_AS_LETTER[d] ?? d);
  }
  return word;
}

const MUHAMMAD = /^(m[ouea]?h[ae]?m+[ae]?d|m[ouea]h[ae]m+[ae]d|muhammed|mohd|mhd|mhmd|mehmet|mehmed|mahomed|mohamad|mohammad|muhamad|muhammad|mohamed|mohammed|mohamud|muhamed)$/;
const ABD_PREFIX = /^(abd|abdu|abdul|abdel|abdal|abdol|abdoul|abdur|abdus|abduh)$/;
const ABD_GLUED = /^(abdel|abdal|abdol|abdoul|abdur|abdus)(?=[a-z]{3,})/;

/**
 * Arabic name conventions: one spelling of Muhammad; "Abd al-X" / "Abdel X" /
 * "Abdul X" are the one word "abdulx". Returns [canonical, as written] pairs.
 */
function arabicCanon(words: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < words.length; i++) {
    let w = words[i];
    if (MUHAMMAD.test(w)) {
      out.push(["muhammad", w]);
      continue;
    }
    if (ABD_PREFIX.test(w) && i + 1 < words.length) {
      let j = i + 1;
      // "abd al rahman", "abdul el aziz": the article belongs to the compound.
      if (j + 1 < words.length && /^(al|el|ul|ar|ur|as|us|an|ad|ed|ash)$/.test(words[j])) j++;
      const next = words[j];
      if (/^[a-z]{2,}$/.test(next) && !PARTICLES.has(next)) {
        out.push(["abdul" + next, words.slice(i, j + 1).join("")]);
        i = j;
        continue;
      }
    }
    const written = w;
    if (ABD_GLUED.test(w)) w = w.replace(ABD_GLUED, "abdul");
    // "abdurrahman" → "abdulrahman" (assimilated article doubled the consonant).
    w = w.replace(/^abdul([rsnzdt])\1/, "abdul$1");
    out.push([w, written]);
  }
  return out;
}

/** Spelled-out numbers to digits in organisation names ("forty 4" → "44", "first" → "1"). */
function numberWords(words: string[], schema: MatchSchema): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const v = NUMBER_WORDS[w];
    if (v === undefined || (isPersonSchema(schema) || (AMBIGUOUS_NUMBER_WORDS.has(w) && words.length > 1 && schema === "LegalEntity"))) {
      out.push(w);
      continue;
    }
    if (v >= 20 && v < 100 && v % 10 === 0 && i + 1 < words.length) {
      const n = words[i + 1];
      const unit = /^[1-9]$/.test(n) ? Number(n) : NUMBER_WORDS[n];
      if (unit !== undefined && unit >= 1 && unit <= 9) {
        out.push(String(v + unit));
        i++;
        continue;
      }
    }
    out.push(String(v));
  }
  return out;
}

/**
 * A word of a spelled-out legal form: equal, or for long words one slip away
 * ("joynt stock company", transliterations differing in a vowel), or cut short at
 * the very end of the name ("joint stock compan": fixed-width fields truncate).
 */
function phraseWordMatches(word: string, expected: string, atEnd: boolean): boolean {
  if (word === expected) return true;
  if (expected.length >= 5 && word.length >= 4 && Math.abs(word.length - expected.length) <= 2 && editSimilarity(word, expected) >= 0.8) return true;
  return atEnd && word.length >= 4 && expected.startsWith(word);
}

/** Long legal-form words survive one slip ("Cmopany", "Corportion", "Limoted"). */
const LONG_LEGAL_WORDS = Object.keys(LEGAL_FORM_WORDS).filter((w) => w.length >= 6);
function fuzzyLegalWord(w: string): string | undefined {
  if (w.length < 6) return undefined;
  for (const l of LONG_LEGAL_WORDS) {
    if (l[0] === w[0] && Math.abs(l.length - w.length) <= 1 && editSimilarity(w, l) >= 0.85) return LEGAL_FORM_WORDS[l];
  }
  return undefined;
}

const PHRASES: ReadonlyArray<readonly [string[], string]> = LEGAL_FORM_PHRASES.map(([p, code]) => [p.split(" "), code] as const);

/** Find legal-form phrases and words; returns remaining words and the canonical codes. */
function extractLegalForms(words: string[]): { words: string[]; forms: string[] } {
  const forms: string[] = [];
  let rest = words.slice();
  // Phrases first, longest first, anywhere in the name.
  for (const [p, code] of PHRASES) {
    for (let i = 0; i + p.length <= rest.length; i++) {
      // Cheap gate before the fuzzy comparison: the first letters agree.
      if (rest[i][0] !== p[0][0]) continue;
      const last = i + p.length === rest.length;
      if (p.every((x, k) => phraseWordMatches(rest[i + k], x, last && k === p.length - 1))) {
        // Keep at least one name word.
        if (rest.length - p.length < 1) break;
        forms.push(code);
        rest = [...rest.slice(0, i), ...rest.slice(i + p.length)];
        i--;
      }
    }
  }
  // Single words: unambiguous ones anywhere; ambiguous ones only at the edges.
  const kept: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i];
    const code = LEGAL_FORM_WORDS[w] ?? fuzzyLegalWord(w);
    if (code === undefined) {
      kept.push(w);
      continue;
    }
    const atEdge = i === 0 || i === rest.length - 1 || rest.slice(i + 1).every((x) => LEGAL_FORM_WORDS[x] !== undefined);
    const remaining = rest.length - forms.length;
    if ((EDGE_ONLY_LEGAL.has(w) && !atEdge) || remaining <= 1) {
      kept.push(w);
      continue;
    }
    forms.push(code);
  }
  if (kept.length === 0) return { words: rest, forms: [] };
  // A legal form glued to the last word ("SiemensAG").
  const last = kept[kept.length - 1];
  const glued = /^([a-z]{5,}?)(gmbh|llc|ltda|ltd|inc|plc|corp|ag)$/.exec(last);
  if (glued && kept.length >= 1 && forms.length === 0) {
    kept[kept.length - 1] = glued[1];
    forms.push(LEGAL_FORM_WORDS[glued[2]]);
  }
  return { words: kept, forms };
}

/**
 * Split a name into tokens with roles and weights, normalising it with
 * `normalizeName` (normalize.ts binds any-ascii's; the API Worker's ingest, whose
 * names are already normalised, the identity). Token order is kept (the scorer
 * ignores it, but joins neighbours for "Jean Claude" ↔ "JC" and "Polpot" ↔ "Pol Pot").
 */
export function tokenizeNameWith(name: string, schema: MatchSchema, normalizeName: (s: string) => string): TokenizedName {
  const person = isPersonSchema(schema);
  const org = isOrgSchema(schema);
  // "LAST, First Middle" (OFAC's order for individuals) read in natural order, so
  // neighbouring words that belong together ("Abdul" + "Haq") stay together.
  const comma = /^([^,]+),([^,]+)$/.exec(name);
  const afterComma = comma ? normalizeName(comma[2]).split(" ") : [];
  if (
    comma &&
    (person || schema === "LegalEntity" || schema === "Thing") &&
    /\p{L}/u.test(comma[1]) &&
    /\p{L}/u.test(comma[2]) &&
    // "RUBEN LAVILLA, JR": a suffix after the comma, not a given name.
    !afterComma.every((w) => GENERATIONAL.has(w) || TITLES.has(w))
  ) {
    name = `${comma[2]} ${comma[1]}`;
  }
  const normalized = normalizeName(name);
  let words = normalized.length ? normalized.split(" ") : [];
  words = words.map(fixMixedToken);
  const titles: string[] = [];
  let legalForms: string[] = [];

  if (org) {
    const r = extractLegalForms(words);
    words = r.words;
    legalForms = r.forms;
    words = numberWords(words, schema);
  }
  // Titles stay as light tokens (two names that both say "Haji" agree on it), and
  // cost nothing when only one name has them; weak titles only when they lead.
  const titleAt = new Set<number>();
  if (schema !== "Company" && schema !== "Organization" && schema !== "Vessel" && schema !== "Airplane") {
    words.forEach((w, i) => {
      if (TITLES.has(w) && (!WEAK_TITLES.has(w) || i === 0)) titleAt.add(i);
    });
    if (words.every((w, i) => titleAt.has(i) || PARTICLES.has(w))) titleAt.clear();
    for (const i of titleAt) titles.push(words[i]);
  }
  const pairs: [string, string][] = schema !== "Company" && schema !== "Organization" && schema !== "Vessel" && schema !== "Airplane" ? arabicCanon(words) : words.map((w) => [w, w]);
  words = pairs.map((p) => p[0]);

  // Repeated words stay: an unpaired repeat costs little ("Shoigu Shoigu Sergey"), and "Chang Chang Ha" is not "Chang Su Ha".
  const tokens: NameToken[] = [];
  words.forEach((w, i) => {
    let role: TokenRole = "name";
    let text = w;
    let weight = 1;
    if (titleAt.has(i)) {
      role = "title";
      weight = 0.2;
    } else if (/^\d+$/.test(w)) {
      role = "number";
      text = String(Number(w));
      weight = 0.3;
    } else if (org && !person && ROMAN_NUMERALS[w] !== undefined && i > 0 && (w.length > 1 || schema !== "LegalEntity")) {
      role = "number";
      text = String(ROMAN_NUMERALS[w]);
      weight = 0.3;
    } else if (person && GENERATIONAL.has(w) && i > 0) {
      role = "suffix";
      text = SUFFIX_CANON[w] ?? w;
      weight = 0.2;
    } else if (!person && ORG_STOPWORDS.has(w)) {
      role = "stopword";
      weight = 0.1;
    } else if (!person && (GENERIC_ORG_WORDS.has(w) || PLACE_WORDS.has(w)) && schema !== "LegalEntity") {
      role = "generic";
      weight = 0.5;
    } else if (!org || schema === "LegalEntity" || schema === "Thing") {
      // A lone "e"/"y" joins two names ("Silva e Souza"); at either end it is an initial.
      // "Ben"/"Bin" opening a name is a given name ("Ben Netanyahu"), not "son of".
      const opensName = i === 0 && PARTICLE_CANON[w] === "bin";
      if (PARTICLES.has(w) && words.length > 1 && !opensName && !(w.length === 1 && (i === 0 || i === words.length - 1))) {
        role = "particle";
        text = PARTICLE_CANON[w] ?? w;
        weight = 0.2;
      } else if (w.length === 1 && /[a-z]/.test(w)) {
        role = "initial";
        weight = 0.5;
      }
    }
    // A name word counts less the more common it is among listed names (name-frequency.ts).
    if (role === "name") weight = frequencyWeight(text);
    tokens.push({ text, raw: role === "name" || role === "generic" || role === "number" || role === "title" ? pairs[i][1] : text, role, weight });
  });
  return { tokens, legalForms, titles };
}
