// The official lists: where each one comes from, how often it changes, and the
// parser for its layout. Ingest wires fetch → LIST_PARSERS[id] → store; URLs live
// here only (CONTRACT §14: `LIST_URL_<ID>` overrides them).
import { parseCguSanctions, parseMte, parsePep } from "./parsers/brazil";
import { parseEu } from "./parsers/eu";
import { parseOfac } from "./parsers/ofac";
import { unzipIfZip } from "./parsers/stream";
import { parseUk } from "./parsers/uk";
import { parseUn } from "./parsers/un";
import type { ByteSource, ListEntity, ListId, ParseOptions } from "./types";

export { sniff, unzipIfZip, type ContentKind } from "./parsers/stream";

/** Which file of a list a byte stream is. Only OFAC has more than `primary`. */
export type ListFileRole = "primary" | "alt" | "add" | "comments";

export type ListFiles = { primary: ByteSource } & Partial<Record<Exclude<ListFileRole, "primary">, ByteSource>>;

/**
 * One parser per list: bytes in (any chunking), entities out, in file order.
 * Pure and deterministic: the same bytes and `asOf` give the same entities, so
 * an ingest that stops mid-way can resume by skipping the entities it already
 * stored. Throws on a layout it cannot read (missing columns, malformed XML,
 * a truncated ZIP) — a refresh that must keep the previous version.
 */
export type ListParser = (files: ListFiles, opts: ParseOptions) => AsyncGenerator<ListEntity>;

export type ListFormat = "ofac_csv" | "un_xml" | "eu_fsf_xml" | "uk_fcdo_xml" | "cgu_csv" | "mte_csv";

export interface ListMeta {
  id: ListId;
  /** Display name (pt-BR where the list is Brazilian). */
  name: string;
  publisher: string;
  format: ListFormat;
  /**
   * Official URL. OFAC: a base URL to which each `files[].name` is appended.
   * CGU (`dated`): the Portal da Transparência download page, whose script names
   * the newest file — resolve it with `cguFileUrl`. Others: the file itself.
   */
  url: string;
  /** OFAC only: the files fetched from `url` + name; `required: false` ones may be absent (404) without failing the refresh. */
  files?: { role: ListFileRole; name: string; required: boolean }[];
  /** CGU lists: the file name carries a date, YYYYMMDD (CEIS, CNEP) or YYYYMM (PEP). */
  dated?: "day" | "month";
  /** How often the publisher changes it (reference/lists.md). */
  cadence: string;
  /** Suggested refresh interval; unchanged bytes keep the current version, so checking often is cheap. */
  refresh_hours: number;
  /** Environment variable that overrides `url` (CONTRACT §14). */
  env_var: string;
  /**
   * Share of the serving version's entities a refresh may drop before it is
   * refused (CONTRACT §14; `LIST_MAX_DROP_<ID>` overrides): sanctions lists
   * remove a few designations at a time, the Brazilian ones turn over more
   * (sanctions that end, PEPs past their grace period).
   */
  max_drop: number;
  /** Where the file says when it was generated: an attribute of its root element. A refresh never goes back in time. */
  published?: { root: string; attr: string };
}

const SANCTIONS_MAX_DROP = 0.1;
const BRAZIL_MAX_DROP = 0.5;

const OFAC_BASE = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/";

export const LISTS: Record<ListId, ListMeta> = {
  ofac_sdn: {
    id: "ofac_sdn",
    name: "OFAC Specially Designated Nationals (SDN)",
    publisher: "US Treasury — Office of Foreign Assets Control",
    format: "ofac_csv",
    url: OFAC_BASE,
    files: [
      { role: "primary", name: "SDN.CSV", required: true },
      { role: "alt", name: "ALT.CSV", required: true },
      { role: "add", name: "ADD.CSV", required: true },
      { role: "comments", name: "SDN_COMMENTS.CSV", required: false },
    ],
    cadence: "irregular, often several times a week",
    refresh_hours: 6,
    env_var: "LIST_URL_OFAC_SDN",
    max_drop: SANCTIONS_MAX_DROP,
  },
  ofac_cons: {
    id: "ofac_cons",
    name: "OFAC Consolidated (non-SDN) Sanctions List",
    publisher: "US Treasury — Office of Foreign Assets Control",
    format: "ofac_csv",
    url: OFAC_BASE,
    files: [
      { role: "primary", name: "CONS_PRIM.CSV", required: true },
      { role: "alt", name: "CONS_ALT.CSV", required: true },
      { role: "add", name: "CONS_ADD.CSV", required: true },
      { role: "comments", name: "CONS_COMMENTS.CSV", required: false },
    ],
    cadence: "irregular",
    refresh_hours: 6,
    env_var: "LIST_URL_OFAC_CONS",
    max_drop: SANCTIONS_MAX_DROP,
  },
  un_sc: {
    id: "un_sc",
    name: "UN Security Council Consolidated List",
    publisher: "United Nations Security Council",
    format: "un_xml",
    url: "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
    cadence: "irregular",
    // Polled every 15 minutes with a conditional GET (contract §17 "Timeliness":
    // UN designations are executable at once in Brazil, Lei 13.810/2019).
    refresh_hours: 0.25,
    env_var: "LIST_URL_UN_SC",
    max_drop: SANCTIONS_MAX_DROP,
    published: { root: "CONSOLIDATED_LIST", attr: "dateGenerated" },
  },
  eu_fsf: {
    id: "eu_fsf",
    name: "EU Financial Sanctions Files (consolidated list)",
    publisher: "European Commission — FPI",
    format: "eu_fsf_xml",
    url: "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
    cadence: "several times a month",
    refresh_hours: 12,
    env_var: "LIST_URL_EU_FSF",
    max_drop: SANCTIONS_MAX_DROP,
    published: { root: "export", attr: "generationDate" },
  },
  uk_fcdo: {
    id: "uk_fcdo",
    name: "UK Sanctions List (FCDO)",
    publisher: "UK Foreign, Commonwealth & Development Office",
    format: "uk_fcdo_xml",
    url: "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
    cadence: "several times a month",
    refresh_hours: 12,
    env_var: "LIST_URL_UK_FCDO",
    max_drop: SANCTIONS_MAX_DROP,
  },
  cgu_ceis: {
    id: "cgu_ceis",
    name: "CEIS — Cadastro de Empresas Inidôneas e Suspensas (CGU)",
    publisher: "Controladoria-Geral da União",
    format: "cgu_csv",
    url: "https://portaldatransparencia.gov.br/download-de-dados/ceis",
    dated: "day",
    cadence: "daily",
    refresh_hours: 24,
    env_var: "LIST_URL_CGU_CEIS",
    max_drop: BRAZIL_MAX_DROP,
  },
  cgu_cnep: {
    id: "cgu_cnep",
    name: "CNEP — Cadastro Nacional de Empresas Punidas (CGU)",
    publisher: "Controladoria-Geral da União",
    format: "cgu_csv",
    url: "https://portaldatransparencia.gov.br/download-de-dados/cnep",
    dated: "day",
    cadence: "daily",
    refresh_hours: 24,
    env_var: "LIST_URL_CGU_CNEP",
    max_drop: BRAZIL_MAX_DROP,
  },
  cgu_pep: {
    id: "cgu_pep",
    name: "PEP — Pessoas Expostas Politicamente (CGU)",
    publisher: "Controladoria-Geral da União",
    format: "cgu_csv",
    url: "https://portaldatransparencia.gov.br/download-de-dados/pep",
    dated: "month",
    cadence: "monthly",
    refresh_hours: 24,
    env_var: "LIST_URL_CGU_PEP",
    max_drop: BRAZIL_MAX_DROP,
  },
  mte_empregadores: {
    id: "mte_empregadores",
    name: "Cadastro de Empregadores — trabalho análogo ao de escravo (MTE)",
    publisher: "Ministério do Trabalho e Emprego",
    format: "mte_csv",
    url: "https://www.gov.br/trabalho-e-emprego/pt-br/assuntos/inspecao-do-trabalho/areas-de-atuacao/cadastro_de_empregadores.csv",
    cadence: "about every 6 months",
    refresh_hours: 24 * 7,
    env_var: "LIST_URL_MTE_EMPREGADORES",
    max_drop: BRAZIL_MAX_DROP,
  },
};

/** Whatever URL serves it may hand back a ZIP with the one file inside (recognised by content). */
function plain(src: ByteSource | undefined): ByteSource | undefined {
  return src ? unzipIfZip(src) : undefined;
}

export const LIST_PARSERS: Record<ListId, ListParser> = {
  ofac_sdn: (f, o) =>
    parseOfac({ primary: plain(f.primary)!, alt: plain(f.alt), add: plain(f.add), comments: plain(f.comments) }, { ...o, list: "ofac_sdn" }),
  ofac_cons: (f, o) =>
    parseOfac({ primary: plain(f.primary)!, alt: plain(f.alt), add: plain(f.add), comments: plain(f.comments) }, { ...o, list: "ofac_cons" }),
  un_sc: (f, o) => parseUn(plain(f.primary)!, o),
  eu_fsf: (f, o) => parseEu(plain(f.primary)!, o),
  uk_fcdo: (f, o) => parseUk(plain(f.primary)!, o),
  cgu_ceis: (f, o) => parseCguSanctions(f.primary, { ...o, list: "cgu_ceis" }),
  cgu_cnep: (f, o) => parseCguSanctions(f.primary, { ...o, list: "cgu_cnep" }),
  cgu_pep: (f, o) => parsePep(f.primary, o),
  mte_empregadores: (f, o) => parseMte(f.primary, o),
};

/**
 * CGU lists: the download page's script lists the available files as
 * `arquivos.push({"ano":"2026","mes":"11","dia":"25",…})`; the newest one is
 * served from dadosabertos-download.cgu.gov.br. Returns its URL, or null when
 * the page names no file (a layout change: the refresh should fail).
 */
export function cguFileUrl(id: "cgu_ceis" | "cgu_cnep" | "cgu_pep", pageHtml: string): string | null {
  const meta = LISTS[id];
  const slug = id.slice(4); // ceis | cnep | pep
  let best = "";
  const re = /arquivos\.push\(\s*\{([^}]*)\}/g;
  for (let m = re.exec(pageHtml); m; m = re.exec(pageHtml)) {
    const body = m[1];
    const part = (k: string) => /\d+/.exec(new RegExp(`["']?${k}["']?\\s*:\\s*["']?(\\d+)`).exec(body)?.[1] ?? "")?.[0] ?? "";
    const ano = part("ano");
    const mes = part("mes").padStart(2, "0");
    const dia = part("dia").padStart(2, "0");
    if (!/^\d{4}$/.test(ano) || mes === "00") continue;
    if (meta.dated === "day" && dia === "00") continue;
    const stamp = meta.dated === "day" ? `${ano}${mes}${dia}` : `${ano}${mes}`;
    if (stamp > best) best = stamp;
  }
  if (!best) return null;
  return `https://dadosabertos-download.cgu.gov.br/PortalDaTransparencia/saida/${slug}/${best}_${slug.toUpperCase()}.zip`;
}
