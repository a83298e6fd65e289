import { distance } from "fastest-levenshtein";
import { NICKNAMES } from "./tables";

/**
 * Edit distance with adjacent transpositions counted as one edit ("Schloz" →
 * "Scholz" is one slip of the fingers, not two). fastest-levenshtein computes
 * plain Levenshtein (bit-parallel, no dependencies); a swap of two neighbours at
 * the first differences is tried on top of it.
 */
export function editDistance(a: string, b: string): number {
  let best = distance(a, b);
  if (best < 2) return best;
  let s = a;
  let swaps = 0;
  for (let round = 0; round < 2; round++) {
    let i = 0;
    while (i < s.length && i < b.length && s[i] === b[i]) i++;
    if (i + 1 >= s.length || i + 1 >= b.length || s[i] !== b[i + 1] || s[i + 1] !== b[i]) break;
    s = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
    swaps++;
    best = Math.min(best, swaps + distance(s, b));
  }
  return best;
}

export function editSimilarity(a: string, b: string): number {
  const m = Math.max(a.length, b.length);
  if (m === 0) return 1;
  return 1 - editDistance(a, b) / m;
}

/**
 * A transliteration-insensitive key: the spellings romanisation systems disagree
 * on are folded together (sh/ch/sch/tch/initial x; zh/j/dj; kh/h; ph/f; c/k/q;
 * w/v; z/s; y/i; vowels in three classes; h after the first letter; doubled
 * letters). "Hassan" = "Hasan", "Rouhani" = "Rohani", "Bachar" = "Bashar",
 * "Ahmadinezhad" = "Ahmadinejad", "Xi" = "Shi".
 */
export function phoneticKey(token: string): string {
  let k = PHONETIC_MEMO.get(token);
  if (k === undefined) {
    k = computePhoneticKey(token);
    // Bounded memo: listed names repeat the same words (Muhammad, Ali, Abdul…) across thousands of entries.
    if (PHONETIC_MEMO.size >= 100_000) PHONETIC_MEMO.clear();
    PHONETIC_MEMO.set(token, k);
  }
  return k;
}
const PHONETIC_MEMO = new Map<string, string>();

function computePhoneticKey(token: string): string {
  let s = token;
  s = s.replace(/^x/, "C");
  s = s.replace(/dzh|zh|dj/g, "j");
  s = s.replace(/sch|tch|tsch|ch|sh/g, "C");
  s = s.replace(/ph/g, "f");
  s = s.replace(/ck/g, "k");
  s = s.replace(/qu(?=[eiy])/g, "k");
  s = s.replace(/c(?=[eiy])/g, "s");
  s = s.replace(/c/g, "k").replace(/q/g, "k").replace(/x/g, "ks");
  s = s.replace(/kh/g, "h").replace(/gh/g, "g").replace(/dh/g, "d").replace(/th/g, "t");
  s = s.replace(/w/g, "v").replace(/z/g, "s").replace(/y/g, "i");
  s = s.replace(/[ei]+/g, "i").replace(/[ou]+/g, "u");
  s = s.replace(/(?<=.)h/g, "");
  s = s.replace(/(.)\1+/g, "$1");
  return s.replace(/C/g, "c");
}

/** Consonant skeleton (first letter kept): abjad scripts write no short vowels. */
export function consonantSkeleton(token: string): string {
  const p = phoneticKey(token);
  return (p[0] ?? "") + p.slice(1).replace(/[aiu]/g, "").replace(/(.)\1+/g, "$1");
}

function hasNoVowel(t: string): boolean {
  return t.length >= 3 && !/[aeiou]/.test(t);
}

export type TokenMatchKind = "exact" | "typo" | "phonetic" | "nickname" | "abjad";

export interface TokenSimilarity {
  sim: number;
  kind: TokenMatchKind;
}

/**
 * Similarity of two name words in 0..1 and how it was found. The best of: the
 * edit similarity of the spellings, the edit similarity of their phonetic keys
 * (× 0.95: a sound-alike is a little less sure than a typo), a shared nickname
 * root, and for a vowel-less transliteration (Arabic, Persian) equal consonant
 * skeletons.
 */
export function tokenSimilarity(a: string, b: string): TokenSimilarity {
  if (a === b) return { sim: 1, kind: "exact" };
  // "Abdul" compounds share their first half by construction: compare what follows it.
  // "Abdul X" is "servant of X": two such compounds differ by their X, and "Abdul Aziz" is not "Aziz".
  // The shared "abdul" is not evidence: the distance counts against what follows it (plus two letters of slack).
  if (a.startsWith("abdul") && b.startsWith("abdul") && a.length > 7 && b.length > 7) {
    const ra = a.slice(5);
    const rb = b.slice(5);
    const r = tokenSimilarity(ra, rb);
    const typo = 1 - editDistance(ra, rb) / (Math.max(ra.length, rb.length) + 2);
    return typo > r.sim ? { sim: typo, kind: "typo" } : r;
  }
  let best: TokenSimilarity = { sim: editSimilarity(a, b), kind: "typo" };
  const pa = phoneticKey(a);
  const pb = phoneticKey(b);
  // Sound-alikes among short words are often distinct names ("Ping" / "Peng", "Bo" / "Bu"): less credit.
  // Sound-alikes start with the same sound, as Soundex keeps the first letter: "Alves" is not "Galvez".
  const ps = pa[0] === pb[0] ? (Math.min(a.length, b.length) <= 4 ? 0.8 : 0.95) * editSimilarity(pa, pb) : 0;
  if (ps > best.sim) best = { sim: ps, kind: "phonetic" };
  const na = NICKNAMES[a] ?? a;
  const nb = NICKNAMES[b] ?? b;
  if (na === nb && best.sim < 0.9) best = { sim: 0.9, kind: "nickname" };
  if ((hasNoVowel(a) || hasNoVowel(b)) && best.sim < 0.88) {
    const sa = consonantSkeleton(a);
    const sb = consonantSkeleton(b);
    if (sa.length >= 2 && sa === sb) best = { sim: 0.88, kind: "abjad" };
  }
  return best;
}

/**
 * Masculine and feminine forms of one Romance given name ("Antonio" / "Antonia",
 * "Daniel" / "Daniela", "Simon" / "Simone", "Luis" / "Luisa"): one letter apart,
 * yet two names of two different people.
 */
export function genderedVariants(a: string, b: string): boolean {
  if (a.length < 4 || b.length < 4 || a === b) return false;
  const [x, y] = a.length <= b.length ? [a, b] : [b, a];
  if (y.length === x.length) {
    const stem = x.slice(0, -1);
    if (y.slice(0, -1) !== stem) return false;
    const e = new Set([x[x.length - 1], y[y.length - 1]]);
    return e.has("a") && (e.has("o") || e.has("e"));
  }
  // The masculine forms that take a feminine -a / -e end in l, n, r or s (Daniel, Simon, Victor, Luis): "Scholz" / "Scholze" is one family name.
  return y.length === x.length + 1 && y.startsWith(x) && (y.endsWith("a") || y.endsWith("e")) && /[lnrs]$/.test(x);
}
