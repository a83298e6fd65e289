// The source catalogue (reference/sources.md). Pure data: every adapter, the
// planner, the analysis and the reports read source facts from here only.
import type { SourceDefinition, SourceKey, Subject } from "../domain/types";

/** Default per-source timeout: generous against the typical latency, never below 3 s. */
const timeoutFor = (typicalMs: number) => Math.max(3000, typicalMs * 4);

const def = (d: Omit<SourceDefinition, "defaultTimeoutMs">): SourceDefinition => ({
  ...d,
  defaultTimeoutMs: timeoutFor(d.typicalLatencyMs),
});

export const SOURCE_CATALOG: Readonly<Record<SourceKey, SourceDefinition>> = {
  receita_federal_cpf: def({
    key: "receita_federal_cpf",
    label: "Receita Federal — situação do CPF",
    subjects: ["pf"],
    checks: ["situacao_cadastral", "registro_obito", "nome_confere"],
    tier: 1,
    typicalLatencyMs: 800,
    dimension: "identidade",
  }),
  receita_federal_cnpj: def({
    key: "receita_federal_cnpj",
    label: "Receita Federal — situação do CNPJ e QSA",
    subjects: ["pj"],
    checks: ["situacao_cadastral", "qsa"],
    tier: 1,
    typicalLatencyMs: 900,
    dimension: "identidade",
  }),
  cnj_mandados_prisao: def({
    key: "cnj_mandados_prisao",
    label: "CNJ BNMP — mandados de prisão",
    subjects: ["pf"],
    checks: ["mandados_ativos"],
    tier: 1,
    typicalLatencyMs: 1500,
    dimension: "judicial",
  }),
  ofac_sdn: def({
    key: "ofac_sdn",
    label: "OFAC — lista SDN (EUA)",
    subjects: ["pf", "pj"],
    checks: ["sancoes_ofac"],
    tier: 1,
    typicalLatencyMs: 300,
    dimension: "sancoes",
  }),
  un_sanctions: def({
    key: "un_sanctions",
    label: "ONU — lista consolidada do Conselho de Segurança",
    subjects: ["pf", "pj"],
    checks: ["sancoes_onu"],
    tier: 1,
    typicalLatencyMs: 300,
    dimension: "sancoes",
  }),
  eu_sanctions: def({
    key: "eu_sanctions",
    label: "União Europeia — sanções financeiras (FSF)",
    subjects: ["pf", "pj"],
    checks: ["sancoes_ue"],
    tier: 1,
    typicalLatencyMs: 300,
    dimension: "sancoes",
  }),
  uk_sanctions: def({
    key: "uk_sanctions",
    label: "Reino Unido — UK Sanctions List (FCDO)",
    subjects: ["pf", "pj"],
    checks: ["sancoes_uk"],
    tier: 1,
    typicalLatencyMs: 300,
    dimension: "sancoes",
  }),
  pep_coaf: def({
    key: "pep_coaf",
    label: "Pessoa exposta politicamente (PEP)",
    subjects: ["pf"],
    checks: ["pep_ativo"],
    tier: 2,
    typicalLatencyMs: 500,
    dimension: "pep",
  }),
  cgu_ceis: def({
    key: "cgu_ceis",
    label: "CGU — CEIS (empresas inidôneas e suspensas)",
    subjects: ["pf", "pj"],
    checks: ["sancao_ativa"],
    tier: 2,
    typicalLatencyMs: 600,
    dimension: "integridade",
  }),
  cgu_cnep: def({
    key: "cgu_cnep",
    label: "CGU — CNEP (empresas punidas, Lei Anticorrupção)",
    subjects: ["pf", "pj"],
    checks: ["sancao_ativa"],
    tier: 2,
    typicalLatencyMs: 600,
    dimension: "integridade",
  }),
  cgu_cnc: def({
    key: "cgu_cnc",
    label: "CNJ/CGU — condenações por improbidade administrativa",
    subjects: ["pf", "pj"],
    checks: ["condenacao_improbidade"],
    tier: 2,
    typicalLatencyMs: 900,
    dimension: "integridade",
  }),
  sit_trabalho_escravo: def({
    key: "sit_trabalho_escravo",
    label: "MTE — cadastro de empregadores (trabalho escravo)",
    subjects: ["pf", "pj"],
    checks: ["empregador_listado"],
    tier: 2,
    typicalLatencyMs: 400,
    dimension: "trabalhista",
  }),
  protestos: def({
    key: "protestos",
    label: "Protestos em cartório",
    subjects: ["pf", "pj"],
    checks: ["protestos_ativos"],
    tier: 2,
    typicalLatencyMs: 1200,
    dimension: "reputacional",
  }),
  cnj_seeu_processos: def({
    key: "cnj_seeu_processos",
    label: "CNJ SEEU — execuções penais",
    subjects: ["pf"],
    checks: ["execucoes_penais"],
    tier: 3,
    typicalLatencyMs: 1200,
    dimension: "judicial",
  }),
  trf_processos: def({
    key: "trf_processos",
    label: "Justiça Federal — processos criminais",
    subjects: ["pf", "pj"],
    checks: ["processos_criminais"],
    tier: 3,
    typicalLatencyMs: 1500,
    dimension: "judicial",
  }),
  tse_doadores: def({
    key: "tse_doadores",
    label: "TSE — doações de campanha",
    subjects: ["pf", "pj"],
    checks: ["doacoes"],
    tier: 3,
    typicalLatencyMs: 500,
    dimension: "reputacional",
  }),
  icij_offshore: def({
    key: "icij_offshore",
    label: "ICIJ Offshore Leaks",
    subjects: ["pf", "pj"],
    checks: ["entidades_offshore"],
    tier: 3,
    typicalLatencyMs: 500,
    dimension: "reputacional",
  }),
};

export const SOURCE_KEYS = Object.keys(SOURCE_CATALOG) as SourceKey[];

export const isSourceKey = (k: string): k is SourceKey => Object.hasOwn(SOURCE_CATALOG, k);

/**
 * Sources that screen the subject's name: the sanctions lists, the PEP list
 * (published with the CPF masked, so the name is the key) and the ICIJ leaks
 * carry names, not documents. Screening them without a name would answer
 * "no match" for a subject nobody screened.
 */
export const NAME_SCREENED_SOURCES: ReadonlySet<SourceKey> = new Set<SourceKey>([
  "ofac_sdn",
  "un_sanctions",
  "eu_sanctions",
  "uk_sanctions",
  "pep_coaf",
  "icij_offshore",
]);

/** Why a name-screened source ended in ERROR without being queried. */
export const NO_SUBJECT_NAME_REASON = "Nome do titular indisponível.";

/**
 * True when `source` screens names, applies to this subject and the subject
 * has no name to screen (absent or blank). A source that does not apply to
 * the subject type is left to its adapter, which says so.
 */
export const missingSubjectName = (source: SourceDefinition, subject: Subject): boolean =>
  NAME_SCREENED_SOURCES.has(source.key) && source.subjects.includes(subject.type) && !subject.name?.trim();
