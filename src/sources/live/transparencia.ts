// cgu_ceis, cgu_cnep and pep_coaf through the Portal da Transparência API.
//
//   GET {TRANSPARENCIA_API_URL}/api-de-dados/ceis?codigoSancionado=<doc>&pagina=1
//   GET {TRANSPARENCIA_API_URL}/api-de-dados/cnep?codigoSancionado=<doc>&pagina=1
//   GET {TRANSPARENCIA_API_URL}/api-de-dados/peps?cpf=<cpf>&pagina=1
//   chave-api-dados: {TRANSPARENCIA_API_KEY}
//   Accept: application/json
//
// The portal answers a JSON array: [] = no record → VALID; one or more
// records → INVALID (`sancao_ativa` / `pep_ativo`). Records are validated
// loosely (the portal adds fields over time; only the ones mapped are typed).
// Only page 1 is read: one record already decides the check, and the mapped
// list is evidence, not an exhaustive export.
import { z } from "zod";
import type { AdapterAnswer, SourceKey } from "../../domain/types";
import type { SourceAdapter } from "../adapter";
import type { LiveSourceConfig } from "./config";
import { describeIssues, safeFetchJson } from "./http";

export type TransparenciaSource = Extract<SourceKey, "cgu_ceis" | "cgu_cnep" | "pep_coaf">;

export const TRANSPARENCIA_SOURCES: readonly TransparenciaSource[] = ["cgu_ceis", "cgu_cnep", "pep_coaf"];

export interface SancaoData {
  tipo: string | null;
  orgao: string | null;
  processo: string | null;
  /** YYYY-MM-DD when the portal's date parses, the portal's text otherwise. */
  inicio: string | null;
  fim: string | null;
}

export interface PepData {
  [key: string]: unknown;
  cargo: string | null;
  orgao: string | null;
  inicio_exercicio: string | null;
  fim_exercicio: string | null;
  fim_carencia: string | null;
  /** Records the portal returned on page 1 (a person can hold several functions). */
  registros: number;
}

const text = z.union([z.string(), z.number()]).nullish().transform((v) => {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === "" ? null : s;
});

const named = (field: string) => z.looseObject({ [field]: text }).nullish();

// Portal names (CEIS/CNEP): tipoSancao.descricaoResumida|descricaoPortal,
// orgaoSancionador.nome, numeroProcesso, dataInicioSancao, dataFimSancao
// (dd/mm/yyyy). `dataFinalSancao` seen in some clients is accepted too.
const SancaoRecord = z.looseObject({
  tipoSancao: z.looseObject({ descricaoResumida: text, descricaoPortal: text }).nullish(),
  orgaoSancionador: named("nome"),
  numeroProcesso: text,
  dataInicioSancao: text,
  dataFimSancao: text,
  dataFinalSancao: text,
});

// Portal names (PEP): sigla_funcao, descricao_funcao, nome_orgao,
// dt_inicio_exercicio, dt_fim_exercicio, dt_fim_carencia; camelCase variants
// tolerated.
const PepRecord = z.looseObject({
  descricao_funcao: text,
  sigla_funcao: text,
  descricaoFuncao: text,
  nome_orgao: text,
  nomeOrgao: text,
  dt_inicio_exercicio: text,
  dataInicioExercicio: text,
  dt_fim_exercicio: text,
  dataFimExercicio: text,
  dt_fim_carencia: text,
  dataFimCarencia: text,
});

/** dd/mm/yyyy (or already ISO yyyy-mm-dd…) → YYYY-MM-DD; other text kept as is. */
export function portalDate(v: string | null): string | null {
  if (v === null) return null;
  const br = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v);
  if (br) return `${br[3]}-${br[2]}-${br[1]}`;
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$/.exec(v);
  if (iso) return iso[1];
  return v;
}

function requestUrl(base: string, source: TransparenciaSource, document: string): string {
  const doc = encodeURIComponent(document);
  if (source === "pep_coaf") return `${base}/api-de-dados/peps?cpf=${doc}&pagina=1`;
  const path = source === "cgu_ceis" ? "ceis" : "cnep";
  return `${base}/api-de-dados/${path}?codigoSancionado=${doc}&pagina=1`;
}

export function interpretTransparencia(source: TransparenciaSource, json: unknown): AdapterAnswer {
  const malformed = (why: string): AdapterAnswer => ({
    status: "ERROR",
    reason: `Resposta do Portal da Transparência fora do formato esperado (${why}).`,
    retryable: false,
  });
  if (!Array.isArray(json)) return malformed("esperada uma lista JSON");

  if (source === "pep_coaf") {
    const parsed = z.array(PepRecord).safeParse(json);
    if (!parsed.success) return malformed(describeIssues(parsed.error.issues));
    if (parsed.data.length === 0) return { status: "VALID", checks: { pep_ativo: "VALID" } };
    const r = parsed.data[0];
    const data: PepData = {
      cargo: r.descricao_funcao ?? r.descricaoFuncao ?? r.sigla_funcao,
      orgao: r.nome_orgao ?? r.nomeOrgao,
      inicio_exercicio: portalDate(r.dt_inicio_exercicio ?? r.dataInicioExercicio),
      fim_exercicio: portalDate(r.dt_fim_exercicio ?? r.dataFimExercicio),
      fim_carencia: portalDate(r.dt_fim_carencia ?? r.dataFimCarencia),
      registros: parsed.data.length,
    };
    return { status: "INVALID", checks: { pep_ativo: "INVALID" }, data };
  }

  const parsed = z.array(SancaoRecord).safeParse(json);
  if (!parsed.success) return malformed(describeIssues(parsed.error.issues));
  const sancoes: SancaoData[] = parsed.data.map((r) => ({
    tipo: r.tipoSancao?.descricaoResumida ?? r.tipoSancao?.descricaoPortal ?? null,
    orgao: r.orgaoSancionador?.nome ?? null,
    processo: r.numeroProcesso,
    inicio: portalDate(r.dataInicioSancao),
    fim: portalDate(r.dataFimSancao ?? r.dataFinalSancao),
  }));
  if (sancoes.length === 0) return { status: "VALID", checks: { sancao_ativa: "VALID" }, data: { sancoes } };
  return { status: "INVALID", checks: { sancao_ativa: "INVALID" }, data: { sancoes } };
}

export function createTransparenciaAdapter(cfg: LiveSourceConfig, fetchFn: typeof fetch): SourceAdapter {
  const source = cfg.source;
  if (!(TRANSPARENCIA_SOURCES as readonly string[]).includes(source)) {
    throw new Error(`transparencia adapter cannot serve ${source}`);
  }
  const key = source as TransparenciaSource;
  return {
    async query(req): Promise<AdapterAnswer> {
      if (key === "pep_coaf" && (req.subject.type !== "pf" || !/^\d{11}$/.test(req.subject.document))) {
        return { status: "ERROR", reason: "Consulta PEP exige um CPF de 11 dígitos (pessoa física).", retryable: false };
      }
      const res = await safeFetchJson(fetchFn, requestUrl(cfg.baseUrl, key, req.subject.document), {
        method: "GET",
        headers: { "chave-api-dados": cfg.credential, accept: "application/json" },
        signal: req.signal,
      });
      if (res.kind === "error") return res.answer;
      if (res.kind === "status" || res.status !== 200) {
        return { status: "ERROR", reason: `Status HTTP inesperado do provedor (HTTP ${res.status}).`, retryable: false, raw: res.raw };
      }
      return { ...interpretTransparencia(key, res.json), raw: res.raw };
    },
  };
}
