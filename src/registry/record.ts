// One company of a month as the build stores it and the lookup reads it: the
// Empresas row, every establishment, the QSA and the Simples row of one CNPJ
// root, joined. Stored as positional arrays (the file's own fields, codes not
// labels: the labels come from the month's tables at lookup), one line per
// company in the blocks: `<root>\t<json>\n`. No e-mail, no telephone: they are
// dropped when the row is read and never reach R2.
//
// Each record carries two digests, so a later month-to-month diff can tell per
// CNPJ whether anything changed (`record`) and whether the QSA did (`qsa`)
// without comparing fields; the situação of each establishment is compared
// directly.
import {
  cleanText,
  digest53,
  maskCpfsInName,
  padCode,
  parseCep,
  parseCodeList,
  parseMoney,
  parseRegistryDate,
} from "../domain/registry";
import type { DataKind } from "./layout";

/** A text field of the file, null when empty. */
type T = string | null;

/** razao_social, natureza_juridica, qualificacao_responsavel, capital_social, porte, ente_federativo_responsavel. */
export type CompanyRow = [T, T, T, number | null, T, T];

/**
 * cnpj_ordem, cnpj_dv, matriz_filial, nome_fantasia, situacao, data_situacao, motivo,
 * nome_cidade_exterior, pais, data_inicio_atividade, cnae_principal, cnaes_secundarios,
 * tipo_logradouro, logradouro, numero, complemento, bairro, cep, uf, municipio,
 * situacao_especial, data_situacao_especial.
 */
export type EstablishmentRow = [string, string, T, T, T, T, T, T, T, T, T, string[], T, T, T, T, T, T, T, T, T, T];

/**
 * identificador, nome, documento (a PF's CPF masked by the file, a PJ's CNPJ in full),
 * qualificacao, data_entrada, pais, representante_documento, representante_nome,
 * representante_qualificacao, faixa_etaria.
 */
export type PartnerRow = [T, T, T, T, T, T, T, T, T, T];

/** opcao_simples, data_opcao, data_exclusao, opcao_mei, data_opcao_mei, data_exclusao_mei. */
export type SimplesRow = [T, T, T, T, T, T];

export type KindRow = { empresas: CompanyRow; estabelecimentos: EstablishmentRow; socios: PartnerRow; simples: SimplesRow };

/** A parsed data row: its CNPJ root and the fields kept. */
export type ParsedRow = { [K in DataKind]: { kind: K; root: string; row: KindRow[K] } }[DataKind];

/** Everything one root has across the month's files, before it is packed. */
export interface Grouped {
  company: CompanyRow | null;
  establishments: EstablishmentRow[];
  partners: PartnerRow[];
  simples: SimplesRow | null;
}

export const emptyGroup = (): Grouped => ({ company: null, establishments: [], partners: [], simples: null });

export function addToGroup(g: Grouped, r: ParsedRow): void {
  switch (r.kind) {
    case "empresas":
      g.company = r.row;
      break;
    case "estabelecimentos":
      g.establishments.push(r.row);
      break;
    case "socios":
      g.partners.push(r.row);
      break;
    case "simples":
      g.simples = r.row;
      break;
  }
}

export interface CompanyRecord extends Grouped {
  root: string;
  /** Digests (53-bit, hex) of the whole record and of the QSA. */
  digest: { record: string; qsa: string };
}

const ROOT = /^[0-9A-Z]{8}$/;
const ORDER = /^[0-9A-Z]{4}$/;

/** A root as the files write it, uppercased; null when it is not 8 characters of [0-9A-Z] (the row is skipped and counted). */
export const rootOf = (raw: string): string | null => {
  const r = raw.replace(/\0/g, "").trim().toUpperCase();
  return ROOT.test(r) ? r : null;
};

const flag = (raw: string | undefined): string | null => {
  const s = (raw ?? "").trim().toUpperCase();
  return s === "S" || s === "N" ? s : null;
};

/** A data row's fields (column count already checked) → the row kept, or null when its key is malformed. */
export function parseDataRow(kind: DataKind, f: string[], maxYear: number): ParsedRow | null {
  const root = rootOf(f[0]);
  if (!root) return null;
  const date = (s: string) => parseRegistryDate(s, maxYear);
  switch (kind) {
    case "empresas": {
      const name = cleanText(f[1]);
      return {
        kind,
        root,
        row: [name && maskCpfsInName(name), padCode(f[2], 4), padCode(f[3], 2), parseMoney(f[4]), padCode(f[5], 2), cleanText(f[6])],
      };
    }
    case "estabelecimentos": {
      const ordem = (f[1] ?? "").trim().toUpperCase();
      const dv = (f[2] ?? "").trim();
      if (!ORDER.test(ordem) || !/^\d{1,2}$/.test(dv)) return null;
      // 22 ddd_1 … 28 correio_eletronico are never read: no telephone or e-mail is kept.
      return {
        kind,
        root,
        row: [
          ordem,
          dv.padStart(2, "0"),
          padCode(f[3], 1),
          cleanText(f[4]),
          padCode(f[5], 2),
          date(f[6]),
          padCode(f[7], 2),
          cleanText(f[8]),
          padCode(f[9], 3),
          date(f[10]),
          padCode(f[11], 7),
          parseCodeList(f[12], 7),
          cleanText(f[13]),
          cleanText(f[14]),
          cleanText(f[15]),
          cleanText(f[16]),
          cleanText(f[17]),
          parseCep(f[18]),
          cleanText(f[19]),
          padCode(f[20], 4),
          cleanText(f[28]),
          date(f[29]),
        ],
      };
    }
    case "socios": {
      const name = cleanText(f[2]);
      return {
        kind,
        root,
        row: [
          padCode(f[1], 1),
          name && maskCpfsInName(name),
          cleanText(f[3]),
          padCode(f[4], 2),
          date(f[5]),
          padCode(f[6], 3),
          cleanText(f[7]),
          cleanText(f[8]),
          padCode(f[9], 2),
          padCode(f[10], 1),
        ],
      };
    }
    case "simples":
      return { kind, root, row: [flag(f[1]), date(f[2]), date(f[3]), flag(f[4]), date(f[5]), date(f[6])] };
  }
}


const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const rowKey = (r: ReadonlyArray<unknown>) => JSON.stringify(r);

/**
 * The record of one root: establishments by order number, partners in a
 * canonical order (the files' row order is arbitrary, and must not change a
 * digest), then the digests.
 */
export function toRecord(root: string, g: Grouped): CompanyRecord {
  const establishments = [...g.establishments].sort((a, b) => cmp(a[0], b[0]));
  const partners = g.partners.map((p) => ({ p, k: rowKey(p) })).sort((a, b) => cmp(a.k, b.k)).map((x) => x.p);
  const qsa = digest53(JSON.stringify(partners));
  const record = digest53(JSON.stringify([g.company, establishments, partners, g.simples]));
  return { root, company: g.company, establishments, partners, simples: g.simples, digest: { record, qsa } };
}

/** The stored line of a record (no trailing newline). */
export function encodeRecord(r: CompanyRecord): string {
  return `${r.root}\t${JSON.stringify([r.company, r.establishments, r.partners, r.simples, [r.digest.record, r.digest.qsa]])}`;
}

export function decodeRecord(line: string): CompanyRecord {
  const tab = line.indexOf("\t");
  const [company, establishments, partners, simples, [record, qsa]] = JSON.parse(line.slice(tab + 1)) as [
    CompanyRow | null,
    EstablishmentRow[],
    PartnerRow[],
    SimplesRow | null,
    [string, string],
  ];
  return { root: line.slice(0, tab), company, establishments, partners, simples, digest: { record, qsa } };
}

/** The line of `root` in a block's text (lines sorted by root), or null. */
export function findRecordLine(block: string, root: string): string | null {
  const at = block.startsWith(`${root}\t`) ? 0 : block.indexOf(`\n${root}\t`);
  if (at < 0) return null;
  const start = at === 0 ? 0 : at + 1;
  const end = block.indexOf("\n", start);
  return block.slice(start, end < 0 ? block.length : end);
}
