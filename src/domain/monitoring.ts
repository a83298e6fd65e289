// Ongoing monitoring (contract §17): the rules that need no runtime — what a
// monitored subject may be, how an import row is read, which alert a match
// makes, how a subject is asked about in the matcher's terms, how a re-screen
// splits the base. Pure: no I/O, no clock (time is passed in).
import { LIST_IDS, type ListId } from "../screening/types";
import { brazilianDateToIso } from "./dates";
import { isSandboxTestDocument, maskDocument, normalizeDocument, validateCnpj, validateCpf } from "./documents";

export const SUBJECT_STATUSES = ["active", "stopped"] as const;
export type SubjectStatus = (typeof SUBJECT_STATUSES)[number];

export const ALERT_KINDS = ["match_created", "match_updated", "entity_delisted", "pep_grace_ended", "company_status_changed", "qsa_changed"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_STATUSES = ["open", "closed"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * Where a company alert comes from: the company registry (the Receita's open
 * CNPJ data), named as the run source it answers. An alert's `list` is a
 * screening list or this.
 */
export const REGISTRY_ALERT_SOURCE = "receita_federal_cnpj";
export const ALERT_SOURCES = [...LIST_IDS, REGISTRY_ALERT_SOURCE] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

/** Lists whose records name people and companies by name (a re-screen streams every subject through their delta). */
export const NAME_LISTS: readonly ListId[] = ["ofac_sdn", "ofac_cons", "un_sc", "eu_fsf", "uk_fcdo"];
/**
 * Lists that publish documents (CPF, masked CPF, CNPJ): a subject is looked up
 * in them by document — its keyed hash, the visible digits of its CPF, its
 * CNPJ's root — and a name alone never alerts there (a Brazilian base against
 * 70,000 PEPs by name would be noise, not monitoring).
 */
export const DOCUMENT_LISTS: readonly ListId[] = ["cgu_ceis", "cgu_cnep", "cgu_pep", "mte_empregadores"];
export const isDocumentList = (list: string): boolean => (DOCUMENT_LISTS as readonly string[]).includes(list);
/** A match on these is a sanctions finding: approving its case takes four eyes (contract §15). */
export const SANCTIONS_LISTS: readonly ListId[] = NAME_LISTS;
export const isSanctionsList = (list: string): boolean => (SANCTIONS_LISTS as readonly string[]).includes(list);

/**
 * Days a stopped subject's personal data is kept by default before it is erased
 * (the tenant sets its own, 0–3650: README "Monitoring and personal data").
 */
export const DEFAULT_RETENTION_DAYS = 30;

/** How a subject remembers which version of a list it was screened against: the sha256's first 16 hex digits. */
export const versionTag = (sha256: string): string => sha256.slice(0, 16);

/** Digits 4–9 of a CPF: what CEIS, CNEP and PEP publish of a person's CPF (`***.456.789-**`). */
export const cpfVisible = (cpf: string): string => cpf.slice(3, 9);

/**
 * The form a keyed document hash takes in the matcher's evidence: the hex
 * digest written in letters (0–f → a–p). The evidence compares a query CPF
 * with a listed masked CPF by its digits 4–9; a token without digits never
 * agrees with six digits by accident, so a subject carries its hash and its
 * visible digits side by side and each listed document meets the one it can
 * be compared with.
 */
export const hashToken = (hexDigest: string): string => hexDigest.replace(/[0-9a-f]/g, (c) => "abcdefghijklmnop"[parseInt(c, 16)]);

/** What a subject's facts look like to the matcher: the query of a search, with the subject as the query (contract §17). */
export interface SubjectFacts {
  docType: "pf" | "pj";
  /** Keyed hash (hex) of `${type}:${document}`; null once erased. */
  docHash: string | null;
  cpfVisible: string | null;
  cnpj: string | null;
  name: string;
  birthDate: string | null;
  nationality: string | null;
  gender: "M" | "F" | null;
}

export interface SubjectQuery {
  name: string;
  type: "pf" | "pj";
  birth_date: string | null;
  nationality: string | null;
  gender: "M" | "F" | null;
  documents: { kind: "cpf" | "cpf_masked" | "cnpj"; value: string }[];
}

/** The subject as a screening query: a PF carries its hash token (as `cpf`) and its visible digits; a PJ its CNPJ. */
export function subjectQuery(s: SubjectFacts): SubjectQuery {
  const documents: SubjectQuery["documents"] = [];
  if (s.docType === "pf") {
    if (s.docHash) documents.push({ kind: "cpf", value: hashToken(s.docHash) });
    if (s.cpfVisible) documents.push({ kind: "cpf_masked", value: s.cpfVisible });
  } else if (s.cnpj) documents.push({ kind: "cnpj", value: s.cnpj });
  return { name: s.name, type: s.docType, birth_date: s.birthDate, nationality: s.nationality, gender: s.gender, documents };
}

// ---- subjects ---------------------------------------------------------------

/** What enrols (or updates) a subject, from the API, an import row or a run. */
export interface SubjectInput {
  document: string;
  name: string;
  birth_date?: string | null;
  nationality?: string | null;
  /** M / F (Masculino, Feminino… as spreadsheets write them). */
  gender?: string | null;
  external_id?: string | null;
  lists?: readonly string[] | null;
}

/** A subject input checked and normalised: what the store keeps, the clear document aside. */
export interface CheckedSubject {
  type: "pf" | "pj";
  /** The normalised document: hashed and masked by the caller, never stored. */
  document: string;
  masked: string;
  cpfVisible: string | null;
  cnpj: string | null;
  cnpjRoot: string | null;
  name: string;
  birthDate: string | null;
  nationality: string | null;
  gender: "M" | "F" | null;
  externalId: string | null;
  lists: ListId[] | null;
}

export type Problem = { field: string; reason: string };

export const MAX_SUBJECT_NAME = 300;
export const MAX_EXTERNAL_ID = 255;

const BIRTH_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/** "YYYY" | "YYYY-MM" | "YYYY-MM-DD", a real date no later than `today`; null when it is not one. */
export function checkBirthDate(raw: string, today: string): string | null {
  const m = BIRTH_DATE.exec(raw.trim());
  if (!m) return null;
  const [, y, mo, d] = m;
  if (Number(y) < 1850) return null;
  if (mo && (Number(mo) < 1 || Number(mo) > 12)) return null;
  if (d) {
    const date = new Date(`${y}-${mo}-${d}T00:00:00Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${y}-${mo}-${d}`) return null;
  }
  const v = raw.trim();
  return v.slice(0, Math.min(v.length, 10)) > today.slice(0, v.length) ? null : v;
}

const GENDERS: Record<string, "M" | "F"> = { m: "M", masculino: "M", male: "M", f: "F", feminino: "F", female: "F" };

/**
 * Checks one subject (API body, import row, run). `allowSandbox`: the sandbox's
 * fixed test documents are accepted (test keys), as in runs. Problems are
 * pt-BR and never echo the document.
 */
export function checkSubject(
  input: SubjectInput,
  opts: { today: string; allowSandbox: boolean; knownLists: readonly string[] },
): { ok: true; subject: CheckedSubject } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const doc = normalizeDocument(input.document ?? "");
  let type: "pf" | "pj" | null = null;
  if (doc.length === 0) problems.push({ field: "document", reason: "documento ausente" });
  else if (doc.length === 11 && opts.allowSandbox && isSandboxTestDocument("pf", doc)) type = "pf";
  else if (doc.length === 14 && opts.allowSandbox && isSandboxTestDocument("pj", doc)) type = "pj";
  else if (doc.length === 11) {
    const v = validateCpf(doc);
    if (v.ok) type = "pf";
    else problems.push({ field: "document", reason: v.message });
  } else if (doc.length === 14) {
    const v = validateCnpj(doc);
    if (v.ok) type = "pj";
    else problems.push({ field: "document", reason: v.message });
  } else problems.push({ field: "document", reason: `documento deve ser um CPF (11 dígitos) ou um CNPJ (14 caracteres); recebido: ${doc.length} caracteres` });

  const name = (input.name ?? "").replace(/\s+/g, " ").trim();
  if (!name) problems.push({ field: "name", reason: "nome ausente" });
  else if (name.length > MAX_SUBJECT_NAME) problems.push({ field: "name", reason: `nome longo demais (máximo ${MAX_SUBJECT_NAME})` });
  else if (!/\p{L}/u.test(name)) problems.push({ field: "name", reason: "nome sem letras" });

  let birthDate: string | null = null;
  if (input.birth_date != null && input.birth_date.trim() !== "") {
    // A Brazilian date (DD/MM/AAAA), as spreadsheets export them, read in ISO form; anything else as given.
    const raw = input.birth_date.trim();
    birthDate = checkBirthDate(brazilianDateToIso(raw) ?? raw, opts.today);
    if (!birthDate) problems.push({ field: "birth_date", reason: "data de nascimento inválida (AAAA, AAAA-MM, AAAA-MM-DD ou DD/MM/AAAA, não futura)" });
    else if (type === "pj") problems.push({ field: "birth_date", reason: "empresa não tem data de nascimento" });
  }
  let nationality: string | null = null;
  if (input.nationality != null && input.nationality.trim() !== "") {
    const n = input.nationality.trim().toUpperCase();
    if (/^[A-Z]{2}$/.test(n)) nationality = n;
    else problems.push({ field: "nationality", reason: "nacionalidade deve ser um código ISO 3166-1 alfa-2 (ex.: BR)" });
  }
  let gender: "M" | "F" | null = null;
  if (input.gender != null && String(input.gender).trim() !== "") {
    const g = GENDERS[String(input.gender).trim().toLowerCase()];
    if (g) gender = g;
    else problems.push({ field: "gender", reason: "gênero deve ser M ou F" });
  }
  let externalId: string | null = null;
  if (input.external_id != null && input.external_id !== "") {
    const e = input.external_id.trim();
    if (e.length === 0 || e.length > MAX_EXTERNAL_ID) problems.push({ field: "external_id", reason: `external_id deve ter de 1 a ${MAX_EXTERNAL_ID} caracteres` });
    // The service never keeps a clear CPF (only its keyed hash and digits 4–9): not as an id of yours either.
    else if (validateCpf(e).ok) problems.push({ field: "external_id", reason: "external_id não pode ser um CPF (o CPF não é guardado em claro); use um identificador seu" });
    else externalId = e;
  }
  let lists: ListId[] | null = null;
  if (input.lists != null) {
    const unknown = input.lists.filter((l) => !opts.knownLists.includes(l));
    if (unknown.length > 0) problems.push({ field: "lists", reason: `lista desconhecida: ${unknown.slice(0, 3).join(", ")}` });
    else if (input.lists.length === 0) problems.push({ field: "lists", reason: "informe ao menos uma lista, ou omita o campo para todas" });
    else lists = opts.knownLists.filter((l) => input.lists!.includes(l)) as ListId[];
  }
  if (problems.length > 0 || !type) return { ok: false, problems };
  return {
    ok: true,
    subject: {
      type,
      document: doc,
      masked: maskDocument(type, doc),
      cpfVisible: type === "pf" ? cpfVisible(doc) : null,
      cnpj: type === "pj" ? doc : null,
      cnpjRoot: type === "pj" ? doc.slice(0, 8) : null,
      name,
      birthDate,
      nationality,
      gender,
      externalId,
      lists,
    },
  };
}

/** Whether an update changes what matching weighs (then the subject is screened again, whole). */
export const sameScreeningFacts = (
  a: Pick<CheckedSubject, "name" | "birthDate" | "nationality" | "gender" | "lists">,
  b: Pick<CheckedSubject, "name" | "birthDate" | "nationality" | "gender" | "lists">,
): boolean =>
  a.name === b.name &&
  a.birthDate === b.birthDate &&
  a.nationality === b.nationality &&
  a.gender === b.gender &&
  JSON.stringify(a.lists ?? null) === JSON.stringify(b.lists ?? null);

// ---- imports ----------------------------------------------------------------

/** The columns an import's header row may name (contract §17), with the Portuguese names spreadsheets use. */
export const IMPORT_COLUMNS = ["document", "name", "birth_date", "nationality", "gender", "external_id"] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const COLUMN_ALIASES: Record<string, ImportColumn> = {
  document: "document",
  documento: "document",
  cpf_cnpj: "document",
  name: "name",
  nome: "name",
  birth_date: "birth_date",
  data_nascimento: "birth_date",
  data_de_nascimento: "birth_date",
  nascimento: "birth_date",
  nationality: "nationality",
  nacionalidade: "nationality",
  gender: "gender",
  sexo: "gender",
  genero: "gender",
  external_id: "external_id",
};

const headerName = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/^\ufeff/, "")
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");

/** The header row's columns, or why it is not an import's header (no `document` and `name`, a column twice). */
export function importColumns(header: readonly string[]): { ok: true; columns: Partial<Record<ImportColumn, number>> } | { ok: false; reason: string } {
  const columns: Partial<Record<ImportColumn, number>> = {};
  for (let i = 0; i < header.length; i++) {
    const c = COLUMN_ALIASES[headerName(header[i])];
    if (!c) continue;
    if (columns[c] !== undefined) return { ok: false, reason: `a coluna ${c} aparece duas vezes no cabeçalho` };
    columns[c] = i;
  }
  const missing = (["document", "name"] as const).filter((c) => columns[c] === undefined);
  if (missing.length > 0) return { ok: false, reason: `o cabeçalho deve nomear as colunas document e name (faltam: ${missing.join(", ")})` };
  return { ok: true, columns };
}

/** One data row as a subject input (missing trailing fields are empty). */
export function importRow(fields: readonly string[], columns: Partial<Record<ImportColumn, number>>): SubjectInput {
  const get = (c: ImportColumn) => (columns[c] === undefined ? "" : (fields[columns[c]!] ?? "").trim());
  return {
    document: get("document"),
    name: get("name"),
    birth_date: get("birth_date") || null,
    nationality: get("nationality") || null,
    gender: get("gender") || null,
    external_id: get("external_id") || null,
  };
}

/** The external_id a run's subject is enrolled with: the run's, unless it is a CPF (never kept in clear; the subject is still enrolled). */
export const runExternalIdForMonitoring = (externalId: string | null): string | null => (externalId && !validateCpf(externalId).ok ? externalId : null);

/** How a rejected row's external_id is shown in the errors CSV: a CPF given as one is masked like a document. */
export const externalIdForErrors = (raw: string | null | undefined): string => (raw && validateCpf(raw.trim()).ok ? maskedForErrors(raw) : (raw ?? ""));

/** A rejected row's reason, as the errors CSV shows it. */
export const rowReason = (problems: readonly Problem[]): string => problems.map((p) => `${p.field}: ${p.reason}`).join("; ");

/** How a rejected row's document is shown in the errors CSV: masked like everywhere else, never in clear. */
export function maskedForErrors(raw: string): string {
  const doc = normalizeDocument(raw);
  if (doc.length === 11 && /^\d+$/.test(doc)) return maskDocument("pf", doc);
  if (doc.length === 14) return maskDocument("pj", doc);
  // Not a document: show its length only (it may still be someone's number).
  return doc.length === 0 ? "" : `(${doc.length} caracteres)`;
}

// ---- alerts -----------------------------------------------------------------

/** One alert per (subject, listed entity, record content): the unique key of monitoring_alerts. */
export const matchAlertKey = (subjectId: string, list: string, entityId: string, recordHash: string) => `match|${subjectId}|${list}|${entityId}|${recordHash}`;
/** A company alert (the registry's new month): one per (subject, kind, CNPJ, new state). */
export const companyAlertKey = (subjectId: string, kind: "company_status_changed" | "qsa_changed", cnpj: string, recordHash: string) =>
  `company|${subjectId}|${kind}|${cnpj}|${recordHash}`;
/** A removal closes the pair's open alerts once per removed record. */
export const delistedAlertKey = (subjectId: string, list: string, entityId: string, recordHash: string) => `delisted|${subjectId}|${list}|${entityId}|${recordHash}`;
export const graceEndedAlertKey = (subjectId: string, list: string, entityId: string, recordHash: string) => `pep_grace|${subjectId}|${list}|${entityId}|${recordHash}`;

/** match_created the first time a pair matches; match_updated when an earlier alert of the pair saw another record. */
export const matchKind = (earlierRecordHashes: readonly string[], recordHash: string): "match_created" | "match_updated" | null => {
  if (earlierRecordHashes.length === 0) return "match_created";
  return earlierRecordHashes.includes(recordHash) ? null : "match_updated";
};

// ---- re-screens ---------------------------------------------------------------

/** Subjects drawn into buckets 0..BUCKETS-1 at enrolment; a re-screen message covers a range of them. */
export const BUCKETS = 65_536;

/** `n` contiguous bucket ranges [lo, hi) covering 0..BUCKETS, as even as integers allow. */
export function bucketRanges(n: number): [number, number][] {
  const k = Math.max(1, Math.min(BUCKETS, Math.floor(n)));
  const out: [number, number][] = [];
  for (let i = 0; i < k; i++) out.push([Math.floor((i * BUCKETS) / k), Math.floor(((i + 1) * BUCKETS) / k)]);
  return out;
}

/** The day a PEP stops being one (COAF Res. 40/2021: five years after leaving office), as the PEP list's record says. */
export const pepGraceEnd = (details: Readonly<Record<string, string>>): string | null => {
  const end = details.fim_carencia;
  return end && /^\d{4}-\d{2}-\d{2}$/.test(end) ? end : null;
};
