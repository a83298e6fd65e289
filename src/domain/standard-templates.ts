// The two global templates seeded by the migrations (reference/sources.md,
// "Standard global templates"). The seed migration is generated from this
// module (scripts/gen-seed-sql.mjs) and a test checks D1 holds exactly this.
import { SOURCE_CATALOG } from "../sources/catalog";
import type { OnHit, Phase, SourceKey, TemplateSnapshot, TemplateSource } from "./types";

/** Score weight of an INVALID answer, per phase (thresholds below read against them). */
export const PHASE_WEIGHT: Record<Phase, number> = { critical: 50, important: 40, additional: 10 };
const PHASE_ON_HIT: Record<Phase, OnHit> = { critical: "block", important: "review", additional: "info" };

export const DEFAULT_THRESHOLDS = { medio: 20, alto: 40 } as const;

const phaseSources = (phase: Phase, keys: SourceKey[]): TemplateSource[] =>
  keys.map((key) => ({
    source: key,
    phase,
    on_hit: PHASE_ON_HIT[phase],
    tier: SOURCE_CATALOG[key].tier,
    weight: PHASE_WEIGHT[phase],
    timeout_ms: SOURCE_CATALOG[key].defaultTimeoutMs,
  }));

export const TPL_PF_PADRAO: TemplateSnapshot = {
  id: "tpl_pf_padrao",
  // v2 (migration 0009) adds `nacionalidade`: the lists use it, with `data_nascimento`, to tell homonyms apart (contract §14).
  version: 2,
  name: "Pessoa física — padrão",
  tenant_id: null,
  subject_type: "pf",
  parametros_schema: {
    type: "object",
    properties: {
      cpf: { type: "string", minLength: 1, maxLength: 32 },
      nome: { type: "string", minLength: 1, maxLength: 200 },
      data_nascimento: { type: "string", format: "date" },
      nacionalidade: { type: "string", pattern: "^[A-Za-z]{2}$" },
    },
    required: ["cpf"],
    additionalProperties: false,
  },
  sources: [
    ...phaseSources("critical", [
      "receita_federal_cpf",
      "cnj_mandados_prisao",
      "ofac_sdn",
      "un_sanctions",
      "eu_sanctions",
      "uk_sanctions",
    ]),
    ...phaseSources("important", [
      "pep_coaf",
      "cgu_ceis",
      "cgu_cnep",
      "cgu_cnc",
      "sit_trabalho_escravo",
      "protestos",
      "cnj_seeu_processos",
    ]),
    ...phaseSources("additional", ["trf_processos", "tse_doadores", "icij_offshore"]),
  ],
  partner_runs: null,
  thresholds: { ...DEFAULT_THRESHOLDS },
};

export const TPL_PJ_PADRAO: TemplateSnapshot = {
  id: "tpl_pj_padrao",
  version: 1,
  name: "Pessoa jurídica — padrão",
  tenant_id: null,
  subject_type: "pj",
  parametros_schema: {
    type: "object",
    properties: {
      cnpj: { type: "string", minLength: 1, maxLength: 32 },
      razao_social: { type: "string", minLength: 1, maxLength: 200 },
    },
    required: ["cnpj"],
    additionalProperties: false,
  },
  sources: [
    ...phaseSources("critical", ["receita_federal_cnpj", "ofac_sdn", "un_sanctions", "eu_sanctions", "uk_sanctions"]),
    ...phaseSources("important", ["cgu_ceis", "cgu_cnep", "cgu_cnc", "sit_trabalho_escravo", "protestos"]),
    ...phaseSources("additional", ["trf_processos", "tse_doadores", "icij_offshore"]),
  ],
  partner_runs: { template_id: "tpl_pf_padrao", max_partners: 20 },
  thresholds: { ...DEFAULT_THRESHOLDS },
};

export const STANDARD_TEMPLATES = [TPL_PF_PADRAO, TPL_PJ_PADRAO] as const;
