// Brazilian lists: CGU CEIS / CNEP / PEP (a ZIP holding one `;`-separated,
// fully quoted ISO-8859-1 CSV, or the bare CSV: recognised by content) and the
// MTE Cadastro de Empregadores (ISO-8859-1 CSV with title lines above the header
// and a source line below the data). Columns are found by header name, accents
// and case ignored, so a reordered or extra column does not shift the data.
import type { ByteSource, ListDocument, ListEntity, ParseOptions, TextEncoding } from "../types";
import { brDate, clean, csvRows, decodeAuto, fnv1a, headerKey, peek, pushAlias, unzipIfZip } from "./stream";

/** Document cell → ListDocument: masked CPF in both spellings, clear CPF, CNPJ (alphanumeric from 2026 on). */
export function brDocument(raw: string): ListDocument | null {
  const s = (raw ?? "").trim();
  if (!s) return null;
  const compact = s.replace(/[\s.\-/]/g, "");
  // "***.921.012-**" and "***921012**": the 6 visible digits are positions 4–9.
  const masked = /^\*{3}(\d{6})\*{2}$/.exec(compact);
  if (masked) return { kind: "cpf_masked", value: masked[1] };
  if (/^\d{11}$/.test(compact)) return { kind: "cpf", value: compact };
  const upper = compact.toUpperCase();
  if (/^[0-9A-Z]{12}\d{2}$/.test(upper)) return { kind: "cnpj", value: upper };
  return null;
}

/** The key part a document contributes to a BR entity_id (the masked form keeps its asterisks so it never reads as a clear CPF). */
function docKey(d: ListDocument | null, raw: string): string {
  if (!d) return `x${fnv1a(raw.trim())}`;
  return d.kind === "cpf_masked" ? `***${d.value}**` : d.value;
}

/** A CNPJ is a Brazilian registration; a CPF says nothing about nationality (foreigners hold them too). */
function nationalityOf(d: ListDocument | null): string[] {
  return d?.kind === "cnpj" ? ["BR"] : [];
}

/** Fails loudly when an expected column is missing: a changed layout must not load as an empty or shifted list. */
class Columns {
  private readonly idx = new Map<string, number>();
  constructor(header: string[]) {
    header.forEach((h, i) => {
      const k = headerKey(h);
      if (k && !this.idx.has(k)) this.idx.set(k, i);
    });
  }
  find(...keys: string[]): number {
    for (const k of keys) {
      const hit = this.idx.get(k);
      if (hit !== undefined) return hit;
    }
    for (const k of keys) for (const [h, i] of this.idx) if (h.startsWith(k)) return i;
    return -1;
  }
  require(label: string, ...keys: string[]): number {
    const i = this.find(...keys);
    if (i < 0) throw new Error(`${label}: column "${keys[0]}" not found in the header`);
    return i;
  }
}

function cell(r: string[], i: number): string {
  return i >= 0 ? clean(r[i]) : "";
}

async function* brRows(src: ByteSource, known: TextEncoding | undefined, delimiter?: string): AsyncGenerator<string[]> {
  const bytes = unzipIfZip(src);
  if (delimiter) {
    yield* csvRows(decodeAuto(bytes, "latin1", known), delimiter);
    return;
  }
  // The MTE file has been published with `;` (the official layout) but spreadsheet
  // re-exports use `,`: pick whichever is more frequent in the first 4 KiB.
  const { head, rest } = await peek(bytes, 4096);
  let semi = 0;
  let comma = 0;
  for (let i = 0; i < Math.min(head.length, 4096); i++) {
    if (head[i] === 0x3b) semi++;
    else if (head[i] === 0x2c) comma++;
  }
  yield* csvRows(decodeAuto(rest, "latin1", known), comma > semi ? "," : ";");
}

/** active = the date is today or later (the last day still counts); no date = no end. */
function notBefore(date: string | null, asOf: string): boolean {
  return date === null || date >= asOf;
}

// ---------------------------------------------------------------------------
// CEIS / CNEP

export interface CguSanctionsOptions extends ParseOptions {
  list: "cgu_ceis" | "cgu_cnep";
}

export async function* parseCguSanctions(src: ByteSource, opts: CguSanctionsOptions): AsyncGenerator<ListEntity> {
  let cols: Columns | null = null;
  let c: Record<string, number> = {};
  const label = opts.list === "cgu_ceis" ? "CEIS" : "CNEP";
  for await (const r of brRows(src, opts.encodings?.primary, ";")) {
    if (!cols) {
      cols = new Columns(r);
      c = {
        cadastro: cols.find("CADASTRO"),
        codigo: cols.find("CODIGO DA SANCAO"),
        tipo: cols.require(label, "TIPO DE PESSOA"),
        doc: cols.require(label, "CPF OU CNPJ DO SANCIONADO"),
        nome: cols.require(label, "NOME DO SANCIONADO"),
        nomeOrgao: cols.find("NOME INFORMADO PELO ORGAO SANCIONADOR"),
        razao: cols.find("RAZAO SOCIAL CADASTRO RECEITA"),
        fantasia: cols.find("NOME FANTASIA CADASTRO RECEITA"),
        processo: cols.find("NUMERO DO PROCESSO"),
        categoria: cols.find("CATEGORIA DA SANCAO"),
        inicio: cols.require(label, "DATA INICIO SANCAO"),
        fim: cols.require(label, "DATA FINAL SANCAO", "DATA FIM SANCAO"),
        publicacao: cols.find("DATA PUBLICACAO"),
        transito: cols.find("DATA DO TRANSITO EM JULGADO"),
        abrangencia: cols.find("ABRAGENCIA DA SANCAO", "ABRANGENCIA DA SANCAO"),
        orgao: cols.find("ORGAO SANCIONADOR"),
        ufOrgao: cols.find("UF ORGAO SANCIONADOR"),
        esfera: cols.find("ESFERA ORGAO SANCIONADOR"),
        fundamentacao: cols.find("FUNDAMENTACAO LEGAL"),
        multa: cols.find("VALOR DA MULTA"),
      };
      continue;
    }
    const name = cell(r, c.nome) || cell(r, c.nomeOrgao) || cell(r, c.razao);
    const rawDoc = cell(r, c.doc);
    if (!name && !rawDoc) continue;
    const doc = brDocument(rawDoc);
    const tipo = cell(r, c.tipo).toUpperCase();
    const entityType =
      tipo === "F" || doc?.kind === "cpf" || doc?.kind === "cpf_masked"
        ? "person"
        : tipo === "J" || doc?.kind === "cnpj"
          ? "organization"
          : "unknown";

    const aliases: ListEntity["aliases"] = [];
    for (const a of [c.nomeOrgao, c.razao, c.fantasia]) pushAlias(aliases, name, cell(r, a), false);

    const inicio = brDate(cell(r, c.inicio));
    const fim = brDate(cell(r, c.fim));
    const details: Record<string, string> = {};
    const set = (k: string, v: string | null) => {
      if (v) details[k] = v;
    };
    set("cadastro", cell(r, c.cadastro) || label);
    set("codigo_sancao", cell(r, c.codigo));
    set("categoria", cell(r, c.categoria));
    set("orgao_sancionador", cell(r, c.orgao));
    set("uf_orgao_sancionador", cell(r, c.ufOrgao));
    set("esfera", cell(r, c.esfera));
    set("processo", cell(r, c.processo));
    set("data_inicio", inicio);
    set("data_fim", fim);
    set("data_publicacao", brDate(cell(r, c.publicacao)));
    set("data_transito_julgado", brDate(cell(r, c.transito)));
    set("abrangencia", cell(r, c.abrangencia));
    set("fundamentacao_legal", cell(r, c.fundamentacao));
    set("valor_multa", cell(r, c.multa));

    // The sanction's code is CGU's own stable id; the process number stands in if a release lacks it.
    const sanctionKey =
      cell(r, c.codigo) || fnv1a([cell(r, c.processo), cell(r, c.categoria), inicio, cell(r, c.orgao)].join("|"));
    const categoria = cell(r, c.categoria);
    yield {
      list: opts.list,
      entity_id: `${docKey(doc, rawDoc)}:${sanctionKey}`,
      entity_type: entityType,
      name: name || rawDoc,
      aliases,
      birth_dates: [],
      nationalities: nationalityOf(doc),
      documents: doc ? [doc] : [],
      programs: categoria ? [categoria] : [],
      listed_on: inicio ?? brDate(cell(r, c.publicacao)),
      // An ended sanction stays in the file for a while: kept, never a hit.
      active: notBefore(fim, opts.asOf),
      details,
    };
  }
  if (!cols) throw new Error(`${label}: empty file`);
}

// ---------------------------------------------------------------------------
// PEP

/** "yyyy-mm-dd" + 5 years (29 Feb → 28 Feb when the target year is not a leap year). */
function plusYears(iso: string, years: number): string {
  const [y, m, d] = iso.split("-").map(Number);
  const t = new Date(Date.UTC(y + years, m - 1, d));
  if (t.getUTCMonth() !== m - 1) t.setUTCDate(0);
  return t.toISOString().slice(0, 10);
}

/** COAF Res. 40/2021: a person stays politically exposed for five years after leaving office. */
export const PEP_GRACE_YEARS = 5;

export async function* parsePep(src: ByteSource, opts: ParseOptions): AsyncGenerator<ListEntity> {
  let cols: Columns | null = null;
  let c: Record<string, number> = {};
  for await (const r of brRows(src, opts.encodings?.primary, ";")) {
    if (!cols) {
      cols = new Columns(r);
      c = {
        cpf: cols.require("PEP", "CPF"),
        nome: cols.require("PEP", "NOME PEP", "NOME"),
        sigla: cols.find("SIGLA FUNCAO"),
        funcao: cols.find("DESCRICAO FUNCAO"),
        nivel: cols.find("NIVEL FUNCAO"),
        orgao: cols.find("NOME ORGAO"),
        inicio: cols.find("DATA INICIO EXERCICIO"),
        fim: cols.find("DATA FIM EXERCICIO"),
        carencia: cols.require("PEP", "DATA FIM CARENCIA"),
      };
      continue;
    }
    const name = cell(r, c.nome);
    const rawDoc = cell(r, c.cpf);
    if (!name && !rawDoc) continue;
    const doc = brDocument(rawDoc);
    const inicio = brDate(cell(r, c.inicio));
    const fimExercicio = brDate(cell(r, c.fim));
    // "Não informada": still in office, or the end is unknown → still a PEP. When
    // only the end of office is known, the grace period is counted from it.
    let carencia = brDate(cell(r, c.carencia));
    if (!carencia && fimExercicio) carencia = plusYears(fimExercicio, PEP_GRACE_YEARS);

    const details: Record<string, string> = {};
    const set = (k: string, v: string | null) => {
      if (v) details[k] = v;
    };
    set("funcao", cell(r, c.funcao));
    set("sigla_funcao", cell(r, c.sigla));
    set("nivel_funcao", cell(r, c.nivel));
    set("orgao", cell(r, c.orgao));
    set("inicio_exercicio", inicio);
    set("fim_exercicio", fimExercicio);
    set("fim_carencia", carencia);

    const key = fnv1a([name, cell(r, c.sigla), cell(r, c.funcao), cell(r, c.orgao), inicio ?? ""].join("|"));
    yield {
      list: "cgu_pep",
      entity_id: `${docKey(doc, rawDoc)}:${key}`,
      entity_type: "person",
      name: name || rawDoc,
      aliases: [],
      birth_dates: [],
      nationalities: [],
      documents: doc ? [doc] : [],
      programs: ["PEP"],
      listed_on: inicio,
      active: notBefore(carencia, opts.asOf),
      details,
    };
  }
  if (!cols) throw new Error("PEP: empty file");
}

// ---------------------------------------------------------------------------
// MTE Cadastro de Empregadores

/**
 * "Inclusão no Cadastro" reads "d1", or "d1 a d2, d3" when an employer left the
 * list and came back: the listing in force starts at the last date given.
 */
export function mteInclusions(raw: string): { current: string | null; first: string | null; ended: string | null } {
  const periods = raw
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const [from, to] = p.split(/\s+a\s+|\s+até\s+|\s*-\s+/i);
      return { from: brDate(from), to: to ? brDate(to) : null };
    })
    .filter((p) => p.from);
  if (!periods.length) return { current: null, first: null, ended: null };
  const last = periods[periods.length - 1];
  return { current: last.from, first: periods[0].from, ended: last.to };
}

export async function* parseMte(src: ByteSource, opts: ParseOptions): AsyncGenerator<ListEntity> {
  let cols: Columns | null = null;
  let c: Record<string, number> = {};
  for await (const r of brRows(src, opts.encodings?.primary)) {
    if (!cols) {
      // Title and "Atualização" lines come first: the header is the row naming the employer and its document.
      const keys = r.map(headerKey);
      if (!keys.includes("EMPREGADOR") || !keys.some((k) => k.startsWith("CNPJ") || k.startsWith("CPF"))) continue;
      cols = new Columns(r);
      c = {
        ano: cols.find("ANO DA ACAO FISCAL"),
        uf: cols.find("UF"),
        empregador: cols.require("Cadastro de Empregadores", "EMPREGADOR"),
        doc: cols.require("Cadastro de Empregadores", "CNPJ CPF", "CPF CNPJ", "CNPJ", "CPF"),
        estabelecimento: cols.find("ESTABELECIMENTO"),
        trabalhadores: cols.find("TRABALHADORES ENVOLVIDOS", "TRABALHADORES"),
        cnae: cols.find("CNAE"),
        decisao: cols.find("DECISAO ADMINISTRATIVA DE PROCEDENCIA", "DECISAO ADMINISTRATIVA"),
        inclusao: cols.find("INCLUSAO NO CADASTRO DE EMPREGADORES", "INCLUSAO"),
      };
      continue;
    }
    const name = cell(r, c.empregador);
    // Blank separator rows and the "Fonte: …" line below the data have no employer.
    if (!name) continue;
    const rawDoc = cell(r, c.doc);
    const doc = brDocument(rawDoc);
    const inclusaoRaw = cell(r, c.inclusao);
    const inc = mteInclusions(inclusaoRaw);

    const details: Record<string, string> = {};
    const set = (k: string, v: string | null) => {
      if (v) details[k] = v;
    };
    set("uf", cell(r, c.uf));
    set("ano_acao_fiscal", cell(r, c.ano));
    set("estabelecimento", cell(r, c.estabelecimento));
    set("trabalhadores_envolvidos", cell(r, c.trabalhadores));
    set("cnae", cell(r, c.cnae));
    set("decisao_administrativa", brDate(cell(r, c.decisao)));
    set("inclusao", inclusaoRaw);
    if (inc.first && inc.first !== inc.current) set("primeira_inclusao", inc.first);

    const key = fnv1a([cell(r, c.ano), cell(r, c.estabelecimento), cell(r, c.decisao)].join("|"));
    yield {
      list: "mte_empregadores",
      entity_id: `${docKey(doc, rawDoc)}:${cell(r, c.ano) || "-"}:${key}`,
      entity_type: doc?.kind === "cnpj" ? "organization" : doc ? "person" : "unknown",
      name,
      aliases: [],
      birth_dates: [],
      nationalities: nationalityOf(doc),
      documents: doc ? [doc] : [],
      programs: ["Cadastro de Empregadores (trabalho análogo ao de escravo)"],
      listed_on: inc.current,
      // Everyone in the file is listed; a last period that already closed ("d1 a d2") is not.
      active: notBefore(inc.ended, opts.asOf),
      details,
    };
  }
  if (!cols) throw new Error("Cadastro de Empregadores: header not found");
}
