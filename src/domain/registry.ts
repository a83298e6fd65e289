// The Receita Federal's open CNPJ data (contract §18; facts and quirks in
// reference/cnpj-open-data.md): the rules that turn the files' raw fields into
// values, the code tables the release ships no file for, and the plausibility
// rules a new month must pass before it serves. Pure: no I/O, no clock (the
// extraction date is passed in).
import type { CompanyRecord, EstablishmentRow } from "../registry/record";
import { formatCnpj } from "./documents";

// ── Code tables the release does not ship (layout PDF; SERPRO's domains) ─────

export const SITUACAO_LABELS: Readonly<Record<string, string>> = {
  "01": "NULA",
  "02": "ATIVA",
  "03": "SUSPENSA",
  "04": "INAPTA",
  "05": "ATIVA NÃO REGULAR",
  "08": "BAIXADA",
};

export const PORTE_LABELS: Readonly<Record<string, string>> = {
  "00": "NÃO INFORMADO",
  "01": "MICRO EMPRESA",
  "03": "EMPRESA DE PEQUENO PORTE",
  "05": "DEMAIS",
};

/** identificador_de_socio → the API's partner type. */
export const PARTNER_TYPES: Readonly<Record<string, "pj" | "pf" | "estrangeiro">> = { "1": "pj", "2": "pf", "3": "estrangeiro" };

/** faixa_etaria: label and the ages it covers (inclusive; 9 has no upper bound). Code 0 means "not applicable". */
export const AGE_BANDS: Readonly<Record<string, { label: string; min: number; max: number | null }>> = {
  "1": { label: "0 a 12 anos", min: 0, max: 12 },
  "2": { label: "13 a 20 anos", min: 13, max: 20 },
  "3": { label: "21 a 30 anos", min: 21, max: 30 },
  "4": { label: "31 a 40 anos", min: 31, max: 40 },
  "5": { label: "41 a 50 anos", min: 41, max: 50 },
  "6": { label: "51 a 60 anos", min: 51, max: 60 },
  "7": { label: "61 a 70 anos", min: 61, max: 70 },
  "8": { label: "71 a 80 anos", min: 71, max: 80 },
  "9": { label: "Maiores de 80 anos", min: 81, max: null },
};

/** The situação that keeps a company VALID in a run (contract §18: INVALID unless ATIVA). */
export const SITUACAO_ATIVA = "02";

/**
 * The birth years an age band allows, given the date the ages were computed on
 * (the month's extraction date, YYYY-MM-DD). Someone aged `a` on that date was
 * born in year Y − a or Y − a − 1. Null for "not applicable" or unknown codes.
 * The oldest band is open-ended: its range starts 120 years back.
 */
export function birthYearRange(code: string | null, extractionDate: string): { from: number; to: number } | null {
  const band = code ? AGE_BANDS[code] : undefined;
  if (!band) return null;
  const year = Number(extractionDate.slice(0, 4));
  return { from: year - (band.max ?? 119) - 1, to: year - band.min };
}

// ── Field normalisation (quirks §7 of the reference) ─────────────────────────

/** NUL bytes dropped (quirk 4), white-space runs collapsed ("SALA  01"), trimmed; empty → null. */
export function cleanText(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const s = raw.replace(/\0/g, "").replace(/\s+/g, " ").trim();
  return s === "" ? null : s;
}

/**
 * A code as text with its leading zeros (quirk 11: the 2021 files dropped them,
 * `"2"` for `"02"`). Empty or non-alphanumeric → null.
 */
export function padCode(raw: string | undefined, width: number): string | null {
  const s = (raw ?? "").replace(/\0/g, "").trim();
  if (s === "" || !/^[0-9A-Z]+$/i.test(s)) return null;
  return s.length >= width ? s : s.padStart(width, "0");
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Earliest year a registry date may carry: the CNPJ (and its CGC predecessor) cover companies from the 1800s. */
const MIN_YEAR = 1800;

/**
 * `YYYYMMDD` → `YYYY-MM-DD`. Null for `""`, `"0"`, `"00000000"` and anything
 * impossible (quirk 1: `2021221`, `4100813`, year 202 or 4100): not eight digits,
 * no such day, before 1800, or after `maxYear` (the extraction year + 1).
 */
export function parseRegistryDate(raw: string | undefined, maxYear: number): string | null {
  const s = (raw ?? "").replace(/\0/g, "").trim();
  if (!/^\d{8}$/.test(s)) return null;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(4, 6));
  const d = Number(s.slice(6, 8));
  if (y < MIN_YEAR || y > maxYear || m < 1 || m > 12 || d < 1) return null;
  const last = m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m - 1];
  if (d > last) return null;
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/** CEP: 8 digits; 7 digits lost their leading zero (quirk 6) and get it back; anything else (`0`, `"       0"`) is junk → null. */
export function parseCep(raw: string | undefined): string | null {
  const s = (raw ?? "").replace(/\0/g, "").trim();
  if (/^\d{8}$/.test(s)) return s === "00000000" ? null : s;
  if (/^\d{7}$/.test(s)) return `0${s}`;
  return null;
}

/** Money with a decimal comma and no thousands separator (`"1061004829,23"`) → a number; unparseable → null. Sentinels and negatives are served as the file has them. */
export function parseMoney(raw: string | undefined): number | null {
  const s = (raw ?? "").replace(/\0/g, "").trim();
  if (!/^-?\d+(,\d+)?$/.test(s)) return null;
  return Number(s.replace(",", "."));
}

/** `cnae_fiscal_secundaria`: a comma-separated list of 7-digit codes. */
export function parseCodeList(raw: string | undefined, width: number): string[] {
  return (raw ?? "")
    .split(",")
    .map((c) => padCode(c, width))
    .filter((c): c is string => c !== null);
}

/**
 * An individual entrepreneur's CPF written into the company name (quirk 9: most
 * MEI names end in the owner's full CPF): every 11-digit run, bare or punctuated
 * (`123.456.789-01`), not part of a longer number, is masked the way the file
 * masks partners (`***456789**`). A formatted CNPJ root at the start of a name
 * (`12.345.678 NOME`) has 8 digits and is left alone: it is public.
 */
export function maskCpfsInName(name: string): string {
  return name.replace(/(?<![\d.])(\d{3})\.?(\d{3})\.?(\d{3})-?(\d{2})(?!\d)/g, (_m, _a: string, b: string, c: string) => `***${b}${c}**`);
}

/** The six visible digits of a CPF as the file masks it (`***456789**` → `456789`), or null when it is not one. */
export function visibleCpfDigits(masked: string | null): string | null {
  const m = /^\*{3}(\d{6})\*{2}$/.exec(masked ?? "");
  // `***000000**` means "none" (97 % of representative fields) and `***999999**` a foreigner: no person's digits.
  if (!m || m[1] === "000000" || m[1] === "999999") return null;
  return m[1];
}

/**
 * A partner's document as the registry may show it: a PF's CPF as the file
 * masks it, a company's CNPJ formatted in full; the file's "none" and
 * "foreigner" markers (`***000000**`, `***999999**`) → null.
 */
export function registryPartnerDocument(doc: string | null): string | null {
  if (!doc || doc === "***000000**" || doc === "***999999**") return null;
  return /^[0-9A-Z]{12}\d{2}$/.test(doc) ? formatCnpj(doc) : doc;
}

// ── Month naming ─────────────────────────────────────────────────────────────

/** `YYYY-MM`, 2021-03 or later (the layout's start) — the folder name of a release. */
export function isRegistryMonth(month: string): boolean {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return false;
  const mm = Number(m[2]);
  return mm >= 1 && mm <= 12 && month >= "2021-03";
}

/**
 * The extraction date a member name carries: `D60808` → last digit of the year
 * 6 and 08-08. The decade comes from the month being built (the extraction is
 * in that month or the one before it).
 */
export function extractionDateOf(token: string, month: string): string | null {
  const m = /^D(\d)(\d{2})(\d{2})$/.exec(token);
  if (!m || !isRegistryMonth(month)) return null;
  const year = Number(month.slice(0, 4));
  let y = year - (year % 10) + Number(m[1]);
  if (y > year) y -= 10;
  const date = `${y}-${m[2]}-${m[3]}`;
  return parseRegistryDate(date.replace(/-/g, ""), year + 1) ? date : null;
}

// ── Plausibility of a new month (quirk 12: silent drift) ────────────────────

export interface MonthCounts {
  companies: number;
  establishments: number;
  partners: number;
}

/** A control row: a company that must be in every month, with a name it must start with. */
export interface ControlRow {
  cnpj_root: string;
  razao_social_prefix: string;
}

/** Banco do Brasil (the reference's known row) and two more roots that have been in the file since it began. */
export const DEFAULT_CONTROL_ROWS: readonly ControlRow[] = [
  { cnpj_root: "00000000", razao_social_prefix: "BANCO DO BRASIL" },
  { cnpj_root: "33000167", razao_social_prefix: "PETROLEO BRASILEIRO" },
  { cnpj_root: "00360305", razao_social_prefix: "CAIXA ECONOMICA FEDERAL" },
];

/** `ROOT=PREFIX;ROOT=PREFIX` (REGISTRY_CONTROL_ROWS); empty → none; malformed entries → null (a configuration error). */
export function parseControlRows(raw: string | undefined): ControlRow[] | null {
  if (raw === undefined) return [...DEFAULT_CONTROL_ROWS];
  const out: ControlRow[] = [];
  for (const part of raw.split(";").map((p) => p.trim()).filter(Boolean)) {
    const m = /^([0-9A-Z]{8})=(.+)$/.exec(part);
    if (!m) return null;
    out.push({ cnpj_root: m[1], razao_social_prefix: m[2].trim().toUpperCase() });
  }
  return out;
}

/** Largest share of companies, establishments or partners a month may lose against the previous one. */
export const DEFAULT_MAX_DROP = 0.05;

/**
 * Why a built month must not serve (pt-BR, for `last_error`), or null when it
 * is plausible: no companies at all; any count fallen by more than `maxDrop`
 * against the month serving; a control row missing or under another name.
 * `controls` maps each control root to the razao_social the month has for it
 * (null: absent).
 */
export function implausibility(
  next: MonthCounts,
  previous: MonthCounts | null,
  maxDrop: number,
  controls: ReadonlyArray<{ row: ControlRow; found: string | null }>,
): string | null {
  if (next.companies === 0) return "O mês não tem nenhuma empresa.";
  if (previous) {
    for (const key of ["companies", "establishments", "partners"] as const) {
      const before = previous[key];
      if (before > 0 && next[key] < before * (1 - maxDrop)) {
        const pct = (((before - next[key]) / before) * 100).toFixed(1);
        return `Queda de ${pct}% em ${COUNT_NAMES[key]} (${before} → ${next[key]}) em relação ao mês em uso; o limite é ${(maxDrop * 100).toFixed(1)}%.`;
      }
    }
  }
  for (const { row, found } of controls) {
    if (found === null) return `Linha de controle ausente: a raiz ${row.cnpj_root} não está no mês.`;
    if (!found.toUpperCase().startsWith(row.razao_social_prefix)) {
      return `Linha de controle divergente: a raiz ${row.cnpj_root} deveria começar com "${row.razao_social_prefix}".`;
    }
  }
  return null;
}

const COUNT_NAMES: Record<keyof MonthCounts, string> = {
  companies: "empresas",
  establishments: "estabelecimentos",
  partners: "sócios",
};

/**
 * cyrb53 (a public-domain 53-bit string hash): a digest for change detection
 * across months, not for security; fast enough for ~70 M records on one core.
 */
export function digest53(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, "0");
}

/** The establishment of `order` (4 characters) in a company's record, or undefined. */
export const establishmentOf = (record: CompanyRecord, order: string): EstablishmentRow | undefined =>
  record.establishments.find((e) => e[0] === order);
