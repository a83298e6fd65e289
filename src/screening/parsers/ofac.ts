// OFAC SDN and consolidated (non-SDN) lists, legacy CSV layout (no header row,
// `-0-` = empty). The primary file streams; ALT / ADD / COMMENTS are small and
// are read into maps first, keyed by ent_num.
//   SDN.CSV / CONS_PRIM.CSV: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign,
//                            Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks
//   ALT.CSV:      ent_num, alt_num, alt_type (aka|fka|nka), alt_name, alt_remarks
//   ADD.CSV:      ent_num, add_num, address, city_state_postal, country, add_remarks
//   *_COMMENTS.CSV: ent_num, remarks continued (Remarks past 1,000 characters)
// Birth dates, nationalities, identity documents and the weak a.k.a.s live in
// Remarks, a `;`-separated bag (see parseOfacRemarks).
import type { ByteSource, EntityType, ListAlias, ListDocument, ListEntity, ParseOptions, TextEncoding } from "../types";
import { countryCode, nationality } from "./countries";
import { clean, csvRows, decodeAuto, FileRefused, pushAlias, pushUnique, READ_LIMITS } from "./stream";

export interface OfacFiles {
  /** SDN.CSV or CONS_PRIM.CSV (streamed). */
  primary: ByteSource;
  /** ALT.CSV / CONS_ALT.CSV. */
  alt?: ByteSource;
  /** ADD.CSV / CONS_ADD.CSV. */
  add?: ByteSource;
  /** SDN_COMMENTS.CSV / CONS_COMMENTS.CSV (remarks spill-over). */
  comments?: ByteSource;
}

export interface OfacOptions extends ParseOptions {
  list: "ofac_sdn" | "ofac_cons";
}

/** OFAC's empty marker is `-0-`, usually followed by a space. */
function val(s: string | undefined): string {
  const t = (s ?? "").trim();
  return t === "-0-" ? "" : t;
}

function rows(src: ByteSource, known: TextEncoding | undefined): AsyncGenerator<string[]> {
  return csvRows(decodeAuto(src, "utf-8", known), ",");
}

/** Rows whose first field is an ent_num; drops the DOS end-of-file byte (0x1A) OFAC appends, and any header. */
function isEntry(r: string[]): boolean {
  return /^\d+$/.test(r[0]?.trim() ?? "");
}

const TYPE: Record<string, EntityType> = {
  individual: "person",
  vessel: "vessel",
  aircraft: "aircraft",
};

export async function* parseOfac(files: OfacFiles, opts: OfacOptions): AsyncGenerator<ListEntity> {
  const enc = opts.encodings ?? {};
  // The side files are held in memory until the main file is read: bounded, whatever their size.
  let kept = 0;
  const keep = (chars: number) => {
    kept += chars + 100;
    if (kept > READ_LIMITS.joinedChars) {
      throw new FileRefused(`os arquivos ALT, ADD e COMMENTS da OFAC passam de ${READ_LIMITS.joinedChars.toLocaleString("pt-BR")} caracteres a guardar`);
    }
  };
  const alts = new Map<string, ListAlias[]>();
  if (files.alt) {
    for await (const r of rows(files.alt, enc.alt)) {
      if (!isEntry(r)) continue;
      const name = clean(val(r[3]));
      if (!name) continue;
      keep(name.length);
      const remarks = val(r[4]).toLowerCase();
      const list = alts.get(r[0].trim()) ?? [];
      list.push(/\bweak\b|low quality/.test(remarks) ? { name, weak: true } : { name });
      alts.set(r[0].trim(), list);
    }
  }
  const countries = new Map<string, string[]>();
  if (files.add) {
    for await (const r of rows(files.add, enc.add)) {
      if (!isEntry(r)) continue;
      const c = nationality(val(r[4]));
      if (!c) continue;
      keep(c.length);
      const list = countries.get(r[0].trim()) ?? [];
      pushUnique(list, c);
      countries.set(r[0].trim(), list);
    }
  }
  const comments = new Map<string, string>();
  if (files.comments) {
    for await (const r of rows(files.comments, enc.comments)) {
      if (!isEntry(r)) continue;
      // The continuation picks up mid-word where Remarks stopped: join without a separator.
      const id = r[0].trim();
      const more = r.slice(1).join(",");
      keep(more.length);
      comments.set(id, (comments.get(id) ?? "") + more);
    }
  }

  for await (const r of rows(files.primary, enc.primary)) {
    if (!isEntry(r)) continue;
    const id = r[0].trim();
    const name = clean(val(r[1]));
    if (!name) continue;
    const type = TYPE[val(r[2]).toLowerCase()] ?? "organization";
    let remarksText = val(r[11]);
    const more = comments.get(id);
    if (more) remarksText = (r[11] ?? "").trim() === "-0-" ? more : remarksText + more;
    const remarks = parseOfacRemarks(remarksText);

    const aliases: ListAlias[] = [];
    for (const a of alts.get(id) ?? []) pushAlias(aliases, name, a.name, !!a.weak);
    for (const a of remarks.aliases) pushAlias(aliases, name, a.name, !!a.weak);

    const nationalities = [...remarks.nationalities];
    const details: Record<string, string> = {};
    const addressCountries = countries.get(id) ?? [];
    if (type === "person") {
      // An address abroad is not a nationality; shown, not used to corroborate.
      if (addressCountries.length) details.address_countries = addressCountries.join(", ");
    } else {
      for (const c of addressCountries) pushUnique(nationalities, c);
    }
    const flag = val(r[9]);
    if (type === "vessel" && flag) pushUnique(nationalities, nationality(flag) ?? flag);

    const set = (k: string, v: string) => {
      if (v) details[k] = v;
    };
    set("title", clean(val(r[4])));
    set("call_sign", val(r[5]));
    set("vessel_type", val(r[6]));
    set("vessel_flag", flag);
    set("vessel_owner", clean(val(r[10])));
    set("gender", remarks.gender ?? "");
    set("place_of_birth", remarks.placeOfBirth ?? "");

    yield {
      list: opts.list,
      entity_id: id,
      entity_type: type,
      name,
      aliases,
      birth_dates: remarks.birthDates,
      nationalities,
      documents: remarks.documents,
      programs: ofacPrograms(val(r[3])),
      listed_on: null,
      active: true,
      details,
    };
  }
}

/** "SDGT] [IFSR" → ["SDGT", "IFSR"] (the CSV keeps the brackets between programs). */
export function ofacPrograms(s: string): string[] {
  return s
    .split(/\]\s*\[/)
    .map((p) => p.replace(/[[\]]/g, "").trim())
    .filter(Boolean);
}

export interface OfacRemarks {
  birthDates: string[];
  nationalities: string[];
  documents: ListDocument[];
  aliases: ListAlias[];
  gender?: string;
  placeOfBirth?: string;
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

interface PartialDate {
  y: number;
  m?: number;
  d?: number;
}

function ofacDate(s: string): PartialDate | null {
  const t = s.trim();
  let m = /^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$/.exec(t);
  if (m && MONTHS[m[2].toLowerCase()]) return { y: +m[3], m: MONTHS[m[2].toLowerCase()], d: +m[1] };
  m = /^([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$/.exec(t);
  if (m && MONTHS[m[1].toLowerCase()]) return { y: +m[2], m: MONTHS[m[1].toLowerCase()] };
  m = /^(\d{4})$/.exec(t);
  if (m) return { y: +m[1] };
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m) return { y: +m[1], m: +m[2], d: +m[3] };
  return null;
}

function fmt(p: PartialDate): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  if (p.m && p.d) return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
  if (p.m) return `${p.y}-${pad(p.m)}`;
  return String(p.y);
}

/** Longest span spelled out year by year; wider ranges keep their two ends. */
const MAX_RANGE_YEARS = 20;

/**
 * "10 Jul 1955" | "Jul 1955" | "1955" | "circa 1960" | "1960 to 1962" |
 * "01 Jan 1960 to 31 Dec 1962" | "circa 1958-1962" → birth_dates values. A range
 * becomes its years (the list says only "born in one of these"); "circa" keeps
 * the year given, and the matcher's tolerance on years does the rest.
 */
export function ofacDobValues(text: string): string[] {
  const t = text.replace(/\.$/, "").trim().replace(/^(circa|approximately|approx\.?|about)\s+/i, "");
  const range = /^(.+?)\s+(?:to|-|–)\s+(.+)$/.exec(t) ?? /^(\d{4})-(\d{4})$/.exec(t);
  if (range) {
    const a = ofacDate(range[1]);
    const b = ofacDate(range[2].replace(/^(circa|approximately)\s+/i, ""));
    if (a && b) {
      if (a.y === b.y && a.m === b.m && a.d === b.d) return [fmt(a)];
      if (b.y >= a.y && b.y - a.y <= MAX_RANGE_YEARS) {
        const out: string[] = [];
        for (let y = a.y; y <= b.y; y++) out.push(String(y));
        return out;
      }
      return [String(a.y), String(b.y)];
    }
  }
  const p = ofacDate(t);
  return p ? [fmt(p)] : [];
}

type DocKind = ListDocument["kind"];

// Identity-document labels seen in Remarks, longest first where one prefixes another.
const DOC_LABELS: [RegExp, DocKind][] = [
  [/^(?:Diplomatic\s+)?Passport(?:\s+No\.?|\s+Number|\s+#)?/i, "passport"],
  [/^Travel Document Number/i, "passport"],
  [/^C\.?P\.?F\.?(?:\s+No\.?|\s*#)?/i, "cpf"],
  [/^C\.?N\.?P\.?J\.?(?:\s+No\.?|\s*#)?/i, "cnpj"],
  [
    /^(?:National ID No\.?|National ID Number|National Identification Number|National Identity Card(?: Number)?|National Foreign ID Number|Identification Number|Personal ID Card|Cedula No\.?|Cedula|C\.U\.R\.P\.(?:\s*#)?|CURP|D\.N\.I\.?|DNI|Kenyan ID No\.?|Tazkira National ID Card|Citizen's Card Number|Turkish Identifi?ciation Number|Turkish Identification Number|Stateless Person ID Card|Identity Card(?: Number)?|SSN|Social Security Number)/i,
    "national_id",
  ],
  [
    /^(?:Tax ID No\.?|Tax Identification Number|Tax Number|NIT\s*#|NIT|R\.F\.C\.|RFC|RUC\s*#|RUC|RIF\s*#|RIF|C\.U\.I\.T\.|CUIT|V\.A\.T\. Number|VAT Number|RTN|INN|TIN)/i,
    "tax_id",
  ],
  [
    /^(?:Registration Number|Registration ID|Company Number|UK Company Number|Commercial Registry Number|Business Registration Document\s*#|Business Registration Number|Business Number|Folio Mercantil No\.?|Matricula Mercantil No\.?|Trade License No\.?|Certificate of Incorporation Number|Chamber of Commerce Number|Legal Entity Number|Government Gazette Number|Registered Charity No\.?|Residency Number|Electoral Registry No\.?|Credencial electoral|Birth Certificate Number|Driver's License No\.?|Pilot License Number|Immigration No\.?|C\.R\. No\.?|Vessel Registration Identification|MMSI|Aircraft Manufacturer's Serial Number \(MSN\)|Aircraft Tail Number|SWIFT\/BIC|BIK)/i,
    "other",
  ],
];

function parseDocument(seg: string): ListDocument | null {
  for (const [re, kind] of DOC_LABELS) {
    const m = re.exec(seg);
    if (!m) continue;
    let rest = seg.slice(m[0].length).replace(/^[\s:#]+/, "");
    // A label followed by a letter is a longer label we do not know ("Passport Office …").
    if (!rest || (/^[a-z]/.test(rest) && kind !== "other")) return null;
    let country: string | undefined;
    const paren = /^(.*?)\s*\(([^()]*)\)(.*)$/.exec(rest);
    if (paren) {
      rest = paren[1];
      const c = paren[2].trim();
      if (c) country = countryCode(c) ?? c;
    } else {
      rest = rest.replace(/\s+(issued|expires?|valid|dated)\b.*$/i, "");
    }
    let value = rest.replace(/[.,;]+$/, "").trim();
    if (!/[0-9]/.test(value)) return null;
    if (kind === "cpf" || kind === "cnpj") {
      const digits = value.replace(/[^0-9A-Za-z]/g, "").toUpperCase();
      if (kind === "cpf" && !/^\d{11}$/.test(digits)) return { kind: "national_id", value, ...(country ? { country } : {}) };
      if (kind === "cnpj" && !/^[0-9A-Z]{12}\d{2}$/.test(digits)) return { kind: "tax_id", value, ...(country ? { country } : {}) };
      value = digits;
    }
    return country ? { kind, value, country } : { kind, value };
  }
  return null;
}

/**
 * Splits the Remarks bag into what screening uses: "DOB 10 Jul 1955", "alt. DOB
 * circa 1960", "nationality Iraq", "citizen Iraq", "Passport A123 (Iraq)",
 * "National ID No. …", "Cedula No. …", "a.k.a. 'X'" (OFAC's weak aliases live
 * here, not in ALT), "Gender Male", "POB …". Everything else is ignored.
 */
export function parseOfacRemarks(remarks: string): OfacRemarks {
  const out: OfacRemarks = { birthDates: [], nationalities: [], documents: [], aliases: [] };
  if (!remarks) return out;
  for (const raw of remarks.split(";")) {
    const seg = raw.trim().replace(/^(?:alt\.|alternate)\s+/i, "");
    if (!seg) continue;
    let m: RegExpExecArray | null;
    if ((m = /^DOB\s+(.+)$/i.exec(seg))) {
      for (const d of ofacDobValues(m[1])) pushUnique(out.birthDates, d);
    } else if ((m = /^(?:nationality(?: of registration)?|citizen|citizenship)\s+(.+)$/i.exec(seg))) {
      // "Nationality of Registration" is a vessel's or an aircraft's flag.
      const n = nationality(m[1]);
      if (n) pushUnique(out.nationalities, n);
    } else if ((m = /^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s*(.+)$/i.exec(seg))) {
      const name = m[2].trim().replace(/\.$/, "").replace(/^['"‘“]/, "").replace(/['"’”]$/, "").trim();
      if (name) out.aliases.push({ name, weak: true });
    } else if ((m = /^Gender\s+(Male|Female)\b/i.exec(seg))) {
      out.gender = m[1][0].toUpperCase() + m[1].slice(1).toLowerCase();
    } else if ((m = /^POB\s+(.+)$/i.exec(seg))) {
      out.placeOfBirth ??= m[1].replace(/\.$/, "").trim();
    } else {
      const doc = parseDocument(seg);
      if (doc && !out.documents.some((d) => d.kind === doc.kind && d.value === doc.value)) out.documents.push(doc);
    }
  }
  return out;
}
