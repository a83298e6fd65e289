// Shared types of the screening engine (issue 9). Parsers produce ListEntity;
// the matcher, the ingest and the service consume it. Pure data, no runtime imports.

export type ListId =
  | "ofac_sdn"
  | "ofac_cons"
  | "un_sc"
  | "eu_fsf"
  | "uk_fcdo"
  | "cgu_ceis"
  | "cgu_cnep"
  | "cgu_pep"
  | "mte_empregadores";

export const LIST_IDS: readonly ListId[] = [
  "ofac_sdn",
  "ofac_cons",
  "un_sc",
  "eu_fsf",
  "uk_fcdo",
  "cgu_ceis",
  "cgu_cnep",
  "cgu_pep",
  "mte_empregadores",
];

/**
 * The lists whose records carry Brazilian documents (CPF, CNPJ, masked CPF:
 * their parsers fill `documents` with them), the ones a search by document
 * alone can look in. OFAC lists a CPF or CNPJ for some Brazilian entries; the
 * UN, EU and UK files carry none.
 */
export const LISTS_WITH_DOCUMENTS: readonly ListId[] = ["ofac_sdn", "ofac_cons", "cgu_ceis", "cgu_cnep", "cgu_pep", "mte_empregadores"];

/** POST /api/v1/screening/search limits (contract §14). */
export const DEFAULT_SEARCH_LIMIT = 10;
export const MAX_SEARCH_LIMIT = 50;
export const MAX_SEARCH_NAME_CHARS = 300;

export type EntityType = "person" | "organization" | "vessel" | "aircraft" | "unknown";

export interface ListDocument {
  kind: "cpf" | "cnpj" | "cpf_masked" | "passport" | "national_id" | "tax_id" | "other";
  /** cpf/cnpj: normalised digits (CNPJ may be alphanumeric); cpf_masked: the 6 visible digits (positions 4–9); others as printed. */
  value: string;
  country?: string;
}

export interface ListAlias {
  name: string;
  /** Low-quality alias (OFAC remarks a.k.a., UN QUALITY Low, EU strong=false). */
  weak?: boolean;
}

export interface ListEntity {
  list: ListId;
  /** Stable id within the list: OFAC ent_num, UN DATAID, EU logicalId, UK UniqueID; BR lists: a stable key derived from the row (document + sanction/process/function), never the row number. */
  entity_id: string;
  entity_type: EntityType;
  /** Primary name as listed, for display (OFAC individuals "LAST, First" kept as listed). */
  name: string;
  /** Every other name the entity is listed under; weak = low-quality alias (OFAC "weak", UN QUALITY Low, EU strong=false). */
  aliases: ListAlias[];
  birth_dates: string[]; // "YYYY" | "YYYY-MM" | "YYYY-MM-DD"
  nationalities: string[]; // ISO 3166-1 alpha-2 when it can be mapped, else the text as listed
  documents: ListDocument[];
  programs: string[];
  listed_on: string | null; // YYYY-MM-DD
  /** false: an ended sanction, a PEP past its 5-year grace period: kept, may show as information, never a hit. */
  active: boolean;
  /** Small pt-BR/English extras a finding may show (e.g. PEP função/órgão, CEIS categoria/órgão/processo, MTE UF/ano), string values only. */
  details: Record<string, string>;
}

/** Bytes as they arrive from fetch (a ReadableStream<Uint8Array> is one) or from a file. */
export type ByteSource = AsyncIterable<Uint8Array>;

/** A CSV's encoding found over the whole file ("ascii": no byte above 0x7F, any reading gives the same text). */
export type TextEncoding = "utf-8" | "latin1" | "ascii";

export interface ParseOptions {
  /** "Today" (YYYY-MM-DD) for whatever depends on it (ended sanctions, PEP grace period): parsers never read the clock. */
  asOf: string;
  /**
   * Each CSV file's encoding, found over the whole file before the parse (the
   * ingest's inspect phase); a file without one is decided on its first bytes.
   * XML files say theirs in their declaration.
   */
  encodings?: Partial<Record<"primary" | "alt" | "add" | "comments", TextEncoding>>;
}
