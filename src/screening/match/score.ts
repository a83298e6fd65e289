import { normalizeName, tokenizeName, type MatchSchema, type NameToken, type TokenizedName } from "./normalize";
import { LEGAL_FAMILY } from "./tables";
import { genderedVariants, tokenSimilarity, type TokenMatchKind } from "./similarity";

/** Why a score is what it is; several may apply. */
export type MatchReason =
  | "exact"
  | "normalized"
  | "token_order"
  | "missing_middle"
  | "extra_tokens"
  | "initial"
  | "initials"
  | "typo"
  | "phonetic"
  | "nickname"
  | "transliteration"
  | "joined_tokens"
  | "particle"
  | "suffix"
  | "title"
  | "legal_form"
  | "legal_form_conflict"
  | "number"
  | "conflict"
  | "weak_alias";

export interface NameScore {
  /** 0..1; compare with DEFAULT_THRESHOLD / STRONG_THRESHOLD (see strength()). */
  score: number;
  reasons: MatchReason[];
}

export interface ScoreOptions {
  schema?: MatchSchema;
}

/**
 * A name prepared once for many comparisons (the index keeps one per listed
 * name): the normalised text and its tokens per schema, computed lazily.
 */
export class PreparedName {
  readonly raw: string;
  readonly normalized: string;
  readonly nonLatin: boolean;
  private readonly bySchema = new Map<MatchSchema, TokenizedName>();
  constructor(raw: string) {
    this.raw = raw;
    this.normalized = normalizeName(raw);
    // Letters outside Latin scripts were transliterated: worth saying in the reasons.
    this.nonLatin = /[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u.test(raw);
  }
  tokens(schema: MatchSchema): TokenizedName {
    let t = this.bySchema.get(schema);
    if (!t) {
      t = tokenizeName(this.raw, schema);
      this.bySchema.set(schema, t);
    }
    return t;
  }
}

export function prepareName(name: string | PreparedName): PreparedName {
  return typeof name === "string" ? new PreparedName(name) : name;
}

/**
 * Turns a token similarity into its contribution: near-identical words count
 * fully, one slip in a four-letter word (0.75) still counts about 0.6, and at
 * 0.5 or below two words are simply different.
 */
const CREDIT_FULL = 0.85;
const CREDIT_ZERO = 0.5;
function credit(sim: number): number {
  if (sim >= CREDIT_FULL) return sim;
  if (sim <= CREDIT_ZERO) return 0;
  return ((sim - CREDIT_ZERO) / (CREDIT_FULL - CREDIT_ZERO)) * CREDIT_FULL;
}

/** A word that conflicts with a word of the other name (both unpaired) costs more than one word's weight: names that differ in one part are usually different people. */
const CONFLICT_COST = 1.5;

type PairKind = TokenMatchKind | "initial" | "initials" | "joined" | "number" | "particle";

interface Pair {
  a: number[];
  b: number[];
  sim: number;
  kind: PairKind;
  w: number;
  /** Tie-break: how far apart the words sit in their names (prefers keeping order). */
  disorder: number;
}

function isNameLike(t: NameToken): boolean {
  return t.role === "name" || t.role === "generic";
}

function pairSimilarity(x: NameToken, y: NameToken, person: boolean): { sim: number; kind: PairKind } {
  if (x.role === "number" || y.role === "number") {
    if (x.role === y.role) return { sim: x.text === y.text ? 1 : 0, kind: "number" };
    // A misspelt number word ("Secnd", "Firzst") is still that word.
    const other = x.role === "number" ? y : x;
    const num = x.role === "number" ? x : y;
    if (/^[a-z]+$/.test(num.raw) && (other.role === "name" || other.role === "generic")) {
      const r = tokenSimilarity(num.raw, other.raw);
      return { sim: r.sim, kind: r.kind };
    }
    return { sim: 0, kind: "number" };
  }
  if (x.role === "title" || y.role === "title") {
    // Titles pair with titles, or with a word spelt like one ("Sqeikh").
    if (x.role === y.role && x.text === y.text) return { sim: 1, kind: "particle" };
    if ((x.role === "title" || x.role === "name") && (y.role === "title" || y.role === "name")) {
      const r = tokenSimilarity(x.raw, y.raw);
      return { sim: r.sim, kind: r.kind };
    }
    return { sim: 0, kind: "particle" };
  }
  if (x.role === "initial" || y.role === "initial") {
    if (x.role === "initial" && y.role === "initial") return { sim: x.text === y.text ? 1 : 0, kind: "initial" };
    const [ini, full] = x.role === "initial" ? [x, y] : [y, x];
    if (full.role === "particle" || full.role === "suffix") return { sim: 0, kind: "initial" };
    return { sim: full.text.startsWith(ini.text) ? 0.9 : 0, kind: "initial" };
  }
  if (x.role === "particle" || y.role === "particle" || x.role === "suffix" || y.role === "suffix") {
    // Particles and suffixes pair only with their own kind, and only when equal.
    if (x.role === y.role && x.text === y.text) return { sim: 1, kind: "particle" };
    if (x.role !== y.role) return { sim: 0, kind: "particle" };
    return { sim: 0, kind: "particle" };
  }
  let r = tokenSimilarity(x.text, y.text);
  // Canonical spellings help variants; the written words help typos in them ("Mohammde").
  if (r.sim < 1 && (x.raw !== x.text || y.raw !== y.text)) {
    const w = tokenSimilarity(x.raw, y.raw);
    if (w.sim > r.sim) r = w;
  }
  if (person && r.sim < 1 && genderedVariants(x.text, y.text)) return { sim: Math.min(r.sim, CREDIT_ZERO), kind: r.kind };
  return { sim: r.sim, kind: r.kind };
}

/** Candidate pairings: word to word, a word to 2–3 neighbouring words joined, a short word to the initials of a run of words. */
function candidatePairs(A: NameToken[], B: NameToken[], person: boolean): Pair[] {
  const out: Pair[] = [];
  const na = A.length;
  const nb = B.length;
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < nb; j++) {
      const { sim, kind } = pairSimilarity(A[i], B[j], person);
      if (credit(sim) > 0) {
        out.push({ a: [i], b: [j], sim, kind, w: (A[i].weight + B[j].weight) / 2, disorder: Math.abs(i / na - j / nb) });
      }
    }
  }
  const joins = (X: NameToken[], Y: NameToken[], flip: boolean) => {
    for (let i = 0; i < X.length; i++) {
      const x = X[i];
      if (x.role === "number" || x.role === "initial" || x.role === "particle") continue;
      for (let j = 0; j < Y.length; j++) {
        let joined = "";
        let joinedRaw = "";
        let initials = "";
        let wy = 0;
        for (let k = j; k < Math.min(Y.length, j + 4); k++) {
          const y = Y[k];
          if (y.role === "number") break;
          joined += y.text;
          joinedRaw += y.raw;
          initials += y.text[0];
          wy += y.weight;
          const len = k - j + 1;
          if (len < 2) continue;
          const idxY = Array.from({ length: len }, (_, m) => j + m);
          const disorder = Math.abs(i / X.length - j / Y.length);
          if (len <= 3 && Math.abs(joined.length - x.text.length) <= Math.max(2, x.text.length * 0.25)) {
            let r = tokenSimilarity(x.text, joined);
            if (r.sim < 1 && (joinedRaw !== joined || x.raw !== x.text)) {
              const w = tokenSimilarity(x.raw, joinedRaw);
              if (w.sim > r.sim) r = w;
            }
            // Joining is a strong assumption: only near-exact joins count.
            if (r.sim >= 0.85) {
              const w = (x.weight + wy) / 2;
              out.push(flip ? { a: idxY, b: [i], sim: r.sim, kind: "joined", w, disorder } : { a: [i], b: idxY, sim: r.sim, kind: "joined", w, disorder });
            }
          }
          // "JC" = "Jean Claude", "PLA" = "People's Liberation Army": a short word spelled by initials.
          if (x.text.length === len && x.text.length <= 5 && x.text === initials && /^[a-z]+$/.test(x.text)) {
            const w = (x.weight + wy) / 2;
            out.push(flip ? { a: idxY, b: [i], sim: 0.85, kind: "initials", w, disorder } : { a: [i], b: idxY, sim: 0.85, kind: "initials", w, disorder });
          }
        }
      }
    }
  };
  joins(A, B, false);
  joins(B, A, true);
  return out;
}

/** Greedy assignment: best pairs first, each word used once. Names are short, greedy is close to optimal here. */
function align(A: NameToken[], B: NameToken[], person: boolean): Pair[] {
  const cands = candidatePairs(A, B, person);
  cands.sort((p, q) => credit(q.sim) - credit(p.sim) || q.w - p.w || q.a.length + q.b.length - (p.a.length + p.b.length) || p.disorder - q.disorder);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  const chosen: Pair[] = [];
  for (const p of cands) {
    if (p.a.some((i) => usedA.has(i)) || p.b.some((j) => usedB.has(j))) continue;
    p.a.forEach((i) => usedA.add(i));
    p.b.forEach((j) => usedB.add(j));
    chosen.push(p);
  }
  return chosen;
}

/**
 * Two names that both state a legal form, of different families ("AG" / "GmbH",
 * "ANO" / "LLC"), are two registered entities even when the name words agree:
 * groups register sister companies under one name. The factor takes an
 * otherwise equal name under the default threshold.
 */
const LEGAL_FORM_CONFLICT_FACTOR = 0.75;

function legalConflict(a: string[], b: string[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  const fam = (x: string) => LEGAL_FAMILY[x] ?? x;
  const fa = new Set(a.map(fam));
  return !b.some((x) => fa.has(fam(x)));
}

/**
 * Relative cost of a word present on one side only (a missing middle name),
 * against a word that conflicts (CONFLICT_COST). A person matched on one name
 * word only has no "middle" to miss: the other side's extra words are then
 * likely a family name the query lacks ("Vladimir" is not "Vladimir Putin").
 */
function extraCost(schema: MatchSchema, matchedNameWords: number): number {
  if (schema === "Person") return matchedNameWords >= 2 ? 0.25 : 0.6;
  return 0.3;
}

function scoreTokens(ta: TokenizedName, tb: TokenizedName, schema: MatchSchema, reasons: Set<MatchReason>): number {
  const A = ta.tokens;
  const B = tb.tokens;
  if (A.length === 0 || B.length === 0) return 0;
  const pairs = align(A, B, schema === "Person");
  let num = 0;
  let den = 0;
  let fullWords = 0;
  let nameWords = 0;
  let distinctive = false;
  for (const p of pairs) {
    const c = credit(p.sim);
    num += c * p.w;
    den += p.w;
    const kinds = p.kind;
    if (kinds === "initial") reasons.add("initial");
    else if (kinds === "initials") reasons.add("initials");
    else if (kinds === "joined") reasons.add("joined_tokens");
    else if (kinds === "typo" && p.sim < 1) reasons.add("typo");
    else if (kinds === "phonetic" || kinds === "abjad") reasons.add("phonetic");
    else if (kinds === "nickname") reasons.add("nickname");
    const toks = [...p.a.map((i) => A[i]), ...p.b.map((j) => B[j])];
    // An acronym of three letters or more names an organisation ("PLA"); a person's initials do not name them.
    const acronym = kinds === "initials" && schema !== "Person" && Math.max(p.a.length, p.b.length) >= 3;
    if ((acronym || (kinds !== "initial" && kinds !== "initials")) && toks.some(isNameLike)) fullWords++;
    if (acronym) distinctive = true;
    // A shared title ("Haji Ashraf" / "Haji Muhammad Ashraf") counts as a name part here: the names have two parts in common.
    const isPart = (t: NameToken) => t.role === "name" || t.role === "title";
    if (kinds !== "initial" && kinds !== "initials" && credit(p.sim) > 0) nameWords += Math.max(p.a.filter((i) => isPart(A[i])).length, p.b.filter((j) => isPart(B[j])).length);
    if (kinds !== "initial" && kinds !== "initials" && toks.some((t) => t.role === "name")) distinctive = true;
  }
  const usedA = new Set(pairs.flatMap((p) => p.a));
  const usedB = new Set(pairs.flatMap((p) => p.b));
  let ua = 0;
  let ub = 0;
  let unmatchedNameA = false;
  let unmatchedNameB = false;
  let unmatchedWord = false;
  A.forEach((t, i) => {
    if (usedA.has(i) || t.role === "title") return;
    ua += t.weight;
    if (t.role === "name") unmatchedNameA = true;
    if (t.role !== "particle" && t.role !== "suffix" && t.role !== "stopword") unmatchedWord = true;
    if (t.role === "particle") reasons.add("particle");
    if (t.role === "suffix") reasons.add("suffix");
    if (t.role === "number") reasons.add("number");
  });
  B.forEach((t, j) => {
    if (usedB.has(j) || t.role === "title") return;
    ub += t.weight;
    if (t.role === "name") unmatchedNameB = true;
    if (t.role !== "particle" && t.role !== "suffix" && t.role !== "stopword") unmatchedWord = true;
    if (t.role === "particle") reasons.add("particle");
    if (t.role === "suffix") reasons.add("suffix");
    if (t.role === "number") reasons.add("number");
  });
  const conflict = Math.min(ua, ub);
  const extra = Math.max(ua, ub) - conflict;
  if (conflict > 0.25) reasons.add("conflict");
  if (extra > 0 && unmatchedWord) reasons.add(schema === "Person" && (unmatchedNameA || unmatchedNameB) ? "missing_middle" : "extra_tokens");
  let score = den > 0 ? num / (den + CONFLICT_COST * conflict + extraCost(schema, nameWords) * extra) : 0;
  // Order: pairs taken in the first name's order should also be in order in the second.
  const ordered = pairs.filter((p) => p.a.length && p.b.length).sort((p, q) => p.a[0] - q.a[0]);
  for (let k = 1; k < ordered.length; k++) {
    if (ordered[k].b[0] < ordered[k - 1].b[0]) {
      reasons.add("token_order");
      break;
    }
  }
  // Initials and particles alone never make a match ("N.N." is not "Nursultan Nazarbayev").
  if (fullWords === 0) score = Math.min(score, 0.5);
  // Organisation names matched only on generic words ("Management Company") with a distinctive word left over.
  if (!distinctive && (unmatchedNameA || unmatchedNameB)) score = Math.min(score, 0.5);
  return score;
}

/**
 * Score how likely two names designate the same person or organisation, 0..1.
 * Word order is free, legal forms are compared apart from the name words,
 * particles / titles / generational suffixes weigh little, initials match the
 * names they abbreviate, a missing middle name costs a quarter of a conflicting
 * one, spellings are compared by edit distance and transliteration-insensitive
 * keys. Pure and deterministic.
 */
export function scoreNames(query: string | PreparedName, candidate: string | PreparedName, options: ScoreOptions = {}): NameScore {
  const schema: MatchSchema = options.schema ?? "Thing";
  const qa = prepareName(query);
  const qb = prepareName(candidate);
  const reasons = new Set<MatchReason>();
  if (qa.normalized.length === 0 || qb.normalized.length === 0) return { score: 0, reasons: [] };
  if (qa.raw === qb.raw) return { score: 1, reasons: ["exact"] };
  const ta = qa.tokens(schema);
  const tb = qb.tokens(schema);
  let score = scoreTokens(ta, tb, schema, reasons);
  if (ta.legalForms.length || tb.legalForms.length) {
    if (legalConflict(ta.legalForms, tb.legalForms)) {
      reasons.add("legal_form_conflict");
      score *= LEGAL_FORM_CONFLICT_FACTOR;
    } else if (ta.legalForms.join() !== tb.legalForms.join()) reasons.add("legal_form");
  }
  if (ta.titles.length || tb.titles.length) reasons.add("title");
  if (qa.nonLatin || qb.nonLatin) reasons.add("transliteration");
  if (qa.normalized === qb.normalized) {
    reasons.add("normalized");
    score = Math.max(score, 0.99);
  }
  score = Math.max(0, Math.min(1, Math.round(score * 1000) / 1000));
  // Equal after canonical spellings ("Mohamed bin Salman" = "Muhammad ibn Salman").
  if (reasons.size === 0) reasons.add("normalized");
  return { score, reasons: [...reasons] };
}
