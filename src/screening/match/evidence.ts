/**
 * Evidence (contract §14, "Evidence and strength"): what the query knows about
 * its subject, weighed against what the list knows about a candidate whose name
 * matched. Pure.
 *
 * - An identifier *corroborates* when both sides have it and it agrees: a
 *   document (the same CPF; a CNPJ with the same 8-digit root, a branch being the
 *   same legal person; the six visible digits of a masked CPF; an equal foreign
 *   identity document), or a birth date that agrees at the precision both sides
 *   have.
 * - It *contradicts* when both sides have it and it disagrees: another CPF, a
 *   CNPJ with another root, other visible digits of a masked CPF; birth years more
 *   than one apart, full dates that differ by more than a day/month swap, a birth
 *   year outside the subject's age band; a person against an organisation. A
 *   contradicted candidate is no match: it is cleared, with its reason.
 * - Nationality and gender that disagree lower the score (NATIONALITY_PENALTY,
 *   GENDER_PENALTY) and never clear a candidate alone: people hold several
 *   nationalities, list records are incomplete.
 * - `strong` needs corroboration and nothing contradicting; a name alone is at
 *   most `possible`. A CPF, a CNPJ root or a foreign document that is equal on
 *   both sides identifies the subject whatever the name says (a name changed by
 *   marriage is still that person); the six digits of a masked CPF identify
 *   nobody alone and need the name too.
 */
import type { ListDocument } from "../types";
import { typesCompatible } from "./schema";

/** How much a disagreeing nationality lowers a score (people hold several; lists miss some). */
export const NATIONALITY_PENALTY = 0.03;
/** How much a disagreeing gender lowers a score (gendered name variants are already scored apart). */
export const GENDER_PENALTY = 0.05;

export type Gender = "M" | "F";

/** A document the query carries: a CPF (11 digits), a CNPJ (14 characters), the six visible digits of a masked CPF, or a foreign one. */
export interface QueryDocument {
  kind: ListDocument["kind"];
  value: string;
  country?: string;
}

/** What the query knows about its subject besides the name. */
export interface SubjectFacts {
  type?: "pf" | "pj" | null;
  /** "YYYY" | "YYYY-MM" | "YYYY-MM-DD" */
  birth_date?: string | null;
  /** Inclusive birth-year range, e.g. from a QSA age band: bounds the birth year, never corroborates. */
  birth_years?: { from: number; to: number } | null;
  /** ISO 3166-1 alpha-2 */
  nationality?: string | null;
  gender?: Gender | null;
  documents?: readonly QueryDocument[];
}

/** What the list knows about a candidate. */
export interface ListedFacts {
  entity_type: string;
  birth_dates: readonly string[];
  nationalities: readonly string[];
  documents: readonly ListDocument[];
  details?: Readonly<Record<string, string>>;
}

export type DocumentAgreement = "cpf" | "cnpj" | "cnpj_root" | "cpf_masked" | "foreign";
export type DatePrecision = "year" | "month" | "day";

export type Contradiction =
  | { kind: "document"; document: "cpf" | "cnpj" | "cpf_masked" }
  | { kind: "birth_date"; query: string; listed: readonly string[] }
  | { kind: "birth_years"; from: number; to: number; listed: readonly string[] }
  | { kind: "entity_type"; query: "pf" | "pj"; listed: string };

export interface Evidence {
  /** The document that agrees, if any. */
  document: DocumentAgreement | null;
  /** The precision at which a birth date agrees, if one does. */
  birth_date: DatePrecision | null;
  /** The first contradiction found (documents, then birth date, then type), or null. */
  contradiction: Contradiction | null;
  /** Identifiers that could not be compared: the query lacks them, or the list does. */
  missing: ("document_not_given" | "document_not_listed" | "birth_date_not_given" | "birth_date_not_listed")[];
  /** An age band's birth years that the listed ones fall within (neither corroboration nor contradiction: said, for the analyst). */
  birth_years_within: boolean;
  nationality: "match" | "conflict" | "unknown";
  gender: "match" | "conflict" | "unknown";
}

/** Digits and letters only, upper case: "AB 123.456" = "ab123456". */
const docKey = (v: string) => v.replace(/[^0-9a-z]/gi, "").toUpperCase();

/** The visible digits (positions 4–9) of a CPF, as the government's masks show them (`***.456.789-**`). */
export const cpfVisibleDigits = (cpf: string): string => cpf.slice(3, 9);

type DocumentVerdict = { agree: DocumentAgreement } | { disagree: "cpf" | "cnpj" | "cpf_masked" } | null;

/** One query document against one listed document: agree, disagree, or not comparable (null). */
function compareDocument(q: QueryDocument, l: ListDocument): DocumentVerdict {
  const qv = docKey(q.value);
  const lv = docKey(l.value);
  if (q.kind === "cpf" && l.kind === "cpf") return qv === lv ? { agree: "cpf" } : { disagree: "cpf" };
  if (q.kind === "cpf" && l.kind === "cpf_masked") return cpfVisibleDigits(qv) === lv ? { agree: "cpf_masked" } : { disagree: "cpf_masked" };
  if (q.kind === "cpf_masked" && l.kind === "cpf") return qv === cpfVisibleDigits(lv) ? { agree: "cpf_masked" } : { disagree: "cpf_masked" };
  if (q.kind === "cpf_masked" && l.kind === "cpf_masked") return qv === lv ? { agree: "cpf_masked" } : { disagree: "cpf_masked" };
  if (q.kind === "cnpj" && l.kind === "cnpj") {
    if (qv === lv) return { agree: "cnpj" };
    // A branch (same 8-character root, another order number) is the same legal person.
    return qv.slice(0, 8) === lv.slice(0, 8) ? { agree: "cnpj_root" } : { disagree: "cnpj" };
  }
  const foreign = (k: ListDocument["kind"]) => k === "passport" || k === "national_id" || k === "tax_id" || k === "other";
  if (foreign(q.kind) && q.kind === l.kind) {
    if (q.country && l.country && q.country.toUpperCase() !== l.country.toUpperCase()) return null;
    // People hold several passports over a life: another number is no contradiction, an equal one is identity.
    return qv === lv ? { agree: "foreign" } : null;
  }
  return null;
}

/** The strongest agreement first: a full identifier over masked digits. */
const AGREEMENT_RANK: Record<DocumentAgreement, number> = { cpf: 0, cnpj: 0, foreign: 1, cnpj_root: 2, cpf_masked: 3 };

function weighDocuments(query: readonly QueryDocument[], listed: readonly ListDocument[]): { agree: DocumentAgreement | null; disagree: "cpf" | "cnpj" | "cpf_masked" | null } {
  let agree: DocumentAgreement | null = null;
  let disagree: "cpf" | "cnpj" | "cpf_masked" | null = null;
  for (const q of query) {
    for (const l of listed) {
      const v = compareDocument(q, l);
      if (!v) continue;
      if ("agree" in v) {
        if (agree === null || AGREEMENT_RANK[v.agree] < AGREEMENT_RANK[agree]) agree = v.agree;
      } else disagree ??= v.disagree;
    }
  }
  // Any agreement wins: a record listing an old and a new document still names the subject.
  return agree ? { agree, disagree: null } : { agree: null, disagree };
}

interface ParsedDate {
  year: number;
  month: number | null;
  day: number | null;
}

function parseDate(d: string): ParsedDate | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(d.trim());
  if (!m) return null;
  return { year: Number(m[1]), month: m[2] ? Number(m[2]) : null, day: m[3] ? Number(m[3]) : null };
}

type DateVerdict = { agree: DatePrecision } | "contradict" | "neutral";

/**
 * One birth date against one listed date, at the precision both have. Years
 * more than one apart contradict; full dates contradict unless equal or the day
 * and month swapped (a data-entry slip); years one apart, or months that differ
 * at month precision, neither agree nor contradict (lists give "circa" years).
 */
function compareDates(q: ParsedDate, l: ParsedDate): DateVerdict {
  if (Math.abs(q.year - l.year) > 1) return "contradict";
  if (q.day !== null && l.day !== null) {
    if (q.year === l.year && q.month === l.month && q.day === l.day) return { agree: "day" };
    if (q.year === l.year && q.month === l.day && q.day === l.month) return "neutral";
    return "contradict";
  }
  if (q.year !== l.year) return "neutral";
  if (q.month !== null && l.month !== null) return q.month === l.month ? { agree: "month" } : "neutral";
  return { agree: "year" };
}

const PRECISION_RANK: Record<DatePrecision, number> = { day: 0, month: 1, year: 2 };

function weighBirthDate(query: string, listed: readonly string[]): { agree: DatePrecision | null; contradicted: boolean; comparable: boolean } {
  const q = parseDate(query);
  const ls = listed.map(parseDate).filter((d): d is ParsedDate => d !== null);
  if (!q || ls.length === 0) return { agree: null, contradicted: false, comparable: false };
  let agree: DatePrecision | null = null;
  let contradictions = 0;
  for (const l of ls) {
    const v = compareDates(q, l);
    if (v === "contradict") contradictions++;
    else if (v !== "neutral" && (agree === null || PRECISION_RANK[v.agree] < PRECISION_RANK[agree])) agree = v.agree;
  }
  // Several listed dates (aliases, "1961 to 1963"): one that agrees, or does not contradict, is enough.
  return { agree, contradicted: contradictions === ls.length, comparable: true };
}

/** Every listed year outside the range (one year of slack each side, as birth years from an age band are approximate). */
function outsideYears(range: { from: number; to: number }, listed: readonly string[]): boolean {
  const years = listed.map(parseDate).filter((d): d is ParsedDate => d !== null).map((d) => d.year);
  return years.length > 0 && years.every((y) => y < range.from - 1 || y > range.to + 1);
}

const GENDERS: Record<string, Gender> = { male: "M", m: "M", masculino: "M", female: "F", f: "F", feminino: "F" };

/** The listed gender, when the record gives one (details.gender: "Male" / "Female" as the parsers keep it). */
export function listedGender(listed: ListedFacts): Gender | null {
  const g = listed.details?.gender?.trim().toLowerCase();
  return (g && GENDERS[g]) || null;
}

/** Weighs what the query knows against what the list knows about one candidate. */
export function weighEvidence(subject: SubjectFacts, listed: ListedFacts): Evidence {
  const out: Evidence = { document: null, birth_date: null, contradiction: null, missing: [], birth_years_within: false, nationality: "unknown", gender: "unknown" };

  const qDocs = subject.documents ?? [];
  const docs = weighDocuments(qDocs, listed.documents);
  out.document = docs.agree;
  if (docs.disagree) out.contradiction = { kind: "document", document: docs.disagree };
  if (qDocs.length === 0 && listed.documents.length > 0) out.missing.push("document_not_given");
  else if (qDocs.length > 0 && !docs.agree && !docs.disagree) out.missing.push("document_not_listed");

  if (subject.birth_date) {
    const bd = weighBirthDate(subject.birth_date, listed.birth_dates);
    out.birth_date = bd.agree;
    if (bd.contradicted) out.contradiction ??= { kind: "birth_date", query: subject.birth_date, listed: listed.birth_dates };
    if (!bd.comparable) out.missing.push("birth_date_not_listed");
  } else if (subject.birth_years) {
    // An age band bounds the year: outside it contradicts; inside it says little (a decade of people), never corroborates.
    if (outsideYears(subject.birth_years, listed.birth_dates)) {
      out.contradiction ??= { kind: "birth_years", from: subject.birth_years.from, to: subject.birth_years.to, listed: listed.birth_dates };
    } else if (listed.birth_dates.length > 0) out.birth_years_within = true;
    else out.missing.push("birth_date_not_listed");
  } else out.missing.push("birth_date_not_given");

  if (subject.type && !typesCompatible(subject.type, listed.entity_type)) {
    out.contradiction ??= { kind: "entity_type", query: subject.type, listed: listed.entity_type };
  }

  const qn = subject.nationality?.trim().toUpperCase();
  const ln = listed.nationalities.map((n) => n.trim().toUpperCase()).filter((n) => /^[A-Z]{2}$/.test(n));
  if (qn && ln.length) out.nationality = ln.includes(qn) ? "match" : "conflict";
  const lg = listedGender(listed);
  if (subject.gender && lg) out.gender = subject.gender === lg ? "match" : "conflict";
  return out;
}

/** Documents that identify the subject on their own, whatever the name says. */
const IDENTIFYING: ReadonlySet<DocumentAgreement> = new Set(["cpf", "cnpj", "cnpj_root", "foreign"]);

export type Judgement =
  | { verdict: "cleared"; contradiction: Contradiction }
  | { verdict: "match"; score: number; strength: "strong" | "possible"; by_document: boolean }
  | { verdict: "none" };

/**
 * A candidate's fate, from its name score and the evidence: cleared when
 * anything contradicts; a match when an identifying document agrees (strong,
 * score 1) or when the name score, less the nationality and gender penalties,
 * reaches the threshold — strong with corroboration (a document or a birth
 * date), possible without; otherwise none.
 */
export function judge(nameScore: number, ev: Evidence, threshold: number): Judgement {
  if (ev.contradiction) return { verdict: "cleared", contradiction: ev.contradiction };
  if (ev.document && IDENTIFYING.has(ev.document)) return { verdict: "match", score: 1, strength: "strong", by_document: true };
  const score = penalisedScore(nameScore, ev);
  if (score < threshold) return { verdict: "none" };
  const corroborated = ev.document !== null || ev.birth_date !== null;
  return { verdict: "match", score, strength: corroborated ? "strong" : "possible", by_document: ev.document !== null };
}

/** The name score less the documented penalties for a disagreeing nationality or gender, clamped to 0..1, 3 decimals. */
export function penalisedScore(nameScore: number, ev: Pick<Evidence, "nationality" | "gender">): number {
  let s = nameScore;
  if (ev.nationality === "conflict") s -= NATIONALITY_PENALTY;
  if (ev.gender === "conflict") s -= GENDER_PENALTY;
  return Math.max(0, Math.min(1, Math.round(s * 1000) / 1000));
}
