/**
 * From a name score to a match strength, with what else is known about the two
 * parties (birth year, nationality, identity documents).
 *
 * DEFAULT_THRESHOLD is where a candidate becomes a match at all ("possible"):
 * the search endpoint's default `threshold`, and the threshold at which the
 * evaluation reports precision / recall / F1. STRONG_THRESHOLD is where a name
 * alone is a hit.
 */
export const DEFAULT_THRESHOLD = 0.8;
export const STRONG_THRESHOLD = 0.92;

export type MatchStrength = "strong" | "possible";

/** Outcome of comparing one attribute of the query with the listed entity: unknown when either side lacks it. */
export type Evidence = "match" | "conflict" | "unknown";

export interface Corroboration {
  birthYear?: Evidence;
  nationality?: Evidence;
  /** An identity document (CPF, CNPJ, passport …) of the same kind on both sides. */
  document?: Evidence;
}

/** Score adjustments: an equal birth year is worth a little, a nationality less. */
const BIRTH_YEAR_BONUS = 0.05;
const NATIONALITY_BONUS = 0.02;
const NATIONALITY_PENALTY = 0.03;

/**
 * The score after corroboration, clamped to 0..1: an equal birth year raises it,
 * an equal nationality a little; a different nationality lowers it a little (people
 * hold several, lists miss some). A birth-year conflict does not change the score
 * but caps the strength (see strength()).
 */
export function corroboratedScore(score: number, c: Corroboration = {}): number {
  let s = score;
  if (c.birthYear === "match") s += BIRTH_YEAR_BONUS;
  if (c.nationality === "match") s += NATIONALITY_BONUS;
  if (c.nationality === "conflict") s -= NATIONALITY_PENALTY;
  return Math.max(0, Math.min(1, Math.round(s * 1000) / 1000));
}

/**
 * "strong" | "possible" | null for a name score and its corroboration:
 * - an equal identity document is strong whatever the name score;
 * - below DEFAULT_THRESHOLD (after corroboration) nothing;
 * - at or above STRONG_THRESHOLD strong, unless the birth years or documents conflict
 *   (then possible at most);
 * - otherwise possible.
 */
export function strength(score: number, c: Corroboration = {}, threshold: number = DEFAULT_THRESHOLD): MatchStrength | null {
  if (c.document === "match") return "strong";
  const s = corroboratedScore(score, c);
  if (s < threshold) return null;
  if (s >= Math.max(STRONG_THRESHOLD, threshold) && c.birthYear !== "conflict" && c.document !== "conflict") return "strong";
  return "possible";
}

/** Years named by the list's birth dates ("YYYY", "YYYY-MM", "YYYY-MM-DD"). */
function years(dates: readonly string[]): number[] {
  const out: number[] = [];
  for (const d of dates) {
    const m = /^(\d{4})/.exec(d.trim());
    if (m) out.push(Number(m[1]));
  }
  return out;
}

export interface CorroborationInput {
  /** "YYYY" | "YYYY-MM" | "YYYY-MM-DD" */
  birthDate?: string | null;
  /** ISO 3166-1 alpha-2 */
  nationality?: string | null;
  documents?: readonly { kind: string; value: string; country?: string }[];
}

export interface ListedAttributes {
  birth_dates: readonly string[];
  nationalities: readonly string[];
  documents: readonly { kind: string; value: string; country?: string }[];
}

/** Digits and letters only, upper case: "AB 123.456" = "ab123456". */
function docKey(v: string): string {
  return v.replace(/[^0-9a-z]/gi, "").toUpperCase();
}

/**
 * Compare what the query says with what the list says. Birth years: any listed
 * year equal → match; all listed years more than one year away → conflict (lists
 * often give "circa" years). Nationality: any equal → match, else conflict.
 * Documents: only of the same kind (and country when both give one); masked CPFs
 * are left to the caller (they need a name match as well).
 */
export function corroborate(query: CorroborationInput, listed: ListedAttributes): Corroboration {
  const out: Corroboration = {};
  const qy = query.birthDate ? years([query.birthDate]) : [];
  const ly = years(listed.birth_dates);
  if (qy.length && ly.length) {
    out.birthYear = ly.includes(qy[0]) ? "match" : ly.some((y) => Math.abs(y - qy[0]) <= 1) ? "unknown" : "conflict";
  }
  const qn = query.nationality?.trim().toUpperCase();
  const ln = listed.nationalities.map((n) => n.trim().toUpperCase()).filter((n) => /^[A-Z]{2}$/.test(n));
  if (qn && ln.length) out.nationality = ln.includes(qn) ? "match" : "conflict";
  const qd = (query.documents ?? []).filter((d) => d.kind !== "cpf_masked");
  if (qd.length && listed.documents.length) {
    let comparable = false;
    for (const d of qd) {
      for (const l of listed.documents) {
        if (l.kind !== d.kind || l.kind === "cpf_masked") continue;
        if (d.country && l.country && d.country.toUpperCase() !== l.country.toUpperCase()) continue;
        comparable = true;
        if (docKey(d.value) === docKey(l.value)) {
          out.document = "match";
          return out;
        }
      }
    }
    if (comparable) out.document = "conflict";
  }
  return out;
}
