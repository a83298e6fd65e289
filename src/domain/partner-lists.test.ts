// Partners known only by a masked CPF: planned for the lists in live runs,
// screened by name + visible digits + age band, decided by the partner
// template's rules over its list-backed sources, and read by the company's
// decision and analysis like a partner run's outcome.
import { describe, expect, it } from "vitest";
import { SOURCE_CATALOG } from "../sources/catalog";
import { analyze } from "./analysis";
import { decide } from "./decision";
import { fullCpfRequiredReason, listScreenedOutcome, NO_LIST_SOURCES_REASON, splitPartnerSources } from "./partner-lists";
import { listedPartnerSubject, partnerGap, planPartners, type ListedPartner } from "./partners";
import { TPL_PF_PADRAO, TPL_PJ_PADRAO } from "./standard-templates";
import { templateProblems } from "./template-rules";
import type { QsaPartner, SourceKey, SourceResult, SourceStatus, TemplateSnapshot } from "./types";

const T0 = "2026-12-01T12:00:00.000Z";
const LIST_BACKED = new Set<SourceKey>(["ofac_sdn", "un_sanctions", "eu_sanctions", "uk_sanctions", "pep_coaf", "cgu_ceis", "cgu_cnep", "sit_trabalho_escravo"]);
const isListBacked = (k: SourceKey) => LIST_BACKED.has(k);

const cnpjResult = (qsa: QsaPartner[]): SourceResult => ({
  source: "receita_federal_cnpj",
  phase: "critical",
  status: "VALID",
  checks: { situacao_cadastral: "VALID", qsa: "VALID" },
  data: { razao_social: "EMPRESA LTDA", qsa },
  attempts: 1,
  duration_ms: 1,
  started_at: T0,
  completed_at: T0,
});

const pf = (nome: string, documento: string, extra: Partial<QsaPartner> = {}): QsaPartner => ({ nome, documento, tipo: "pf", qualificacao: "49-Sócio-Administrador", ...extra });

const pj = (max = 20, requireFullCpf?: boolean): TemplateSnapshot => ({
  ...TPL_PJ_PADRAO,
  partner_runs: { template_id: "tpl_pf_padrao", max_partners: max, ...(requireFullCpf === undefined ? {} : { require_full_cpf: requireFullCpf }) },
});

/** A list-backed source's answer as src/sources/lists.ts writes it. */
const listResult = (source: SourceKey, status: SourceStatus, opts: { possible?: boolean; matches?: object[]; cleared?: object[]; reason?: string } = {}): SourceResult => {
  const src = TPL_PF_PADRAO.sources.find((s) => s.source === source)!;
  const check = SOURCE_CATALOG[source].checks[0];
  return {
    source,
    phase: src.phase,
    status,
    checks: status === "ERROR" ? {} : { [check]: status === "INVALID" ? "INVALID" : "VALID" },
    ...(status === "ERROR" ? { reason: opts.reason ?? "Lista sem versão carregada." } : {}),
    ...(opts.possible ? { possible_match: true } : {}),
    ...(status === "ERROR"
      ? {}
      : {
          data: {
            listas: [{ id: `${source}_list`, sha256: "ab".repeat(32), fetched_at: T0 }],
            consulta: { nome: "MARIA", limiar: 0.8 },
            matches: opts.matches ?? [],
            ...(opts.cleared ? { descartados: opts.cleared } : {}),
          },
        }),
    attempts: 1,
    duration_ms: 1,
    started_at: T0,
    completed_at: T0,
  };
};

const listed: ListedPartner = { nome: "MARIA APARECIDA DOS SANTOS", documento: "***.982.247-**", qualificacao: "49-Sócio-Administrador", cpf_visivel: "982247" };
const { lists, notRun } = splitPartnerSources(TPL_PF_PADRAO, isListBacked);
const allClean = () => lists.map((s) => listResult(s.source, "VALID"));
const withResult = (r: SourceResult) => allClean().map((x) => (x.source === r.source ? r : x));
const PEP_MATCH = { lista: "cgu_pep", entity_id: "982247:a", nome: "MARIA APARECIDA DOS SANTOS", correspondencia: "documento", explicacao: "nome idêntico ao listado; dígitos visíveis do CPF conferem" };

describe("planPartners with masked CPFs", () => {
  const qsa: QsaPartner[] = [
    pf("MARIA APARECIDA DOS SANTOS", "***982247**", { cpf_visivel: "982247", faixa_etaria: { code: "5", label: "41 a 50 anos", nascimento_de: 1975, nascimento_ate: 1985 } }),
    pf("JOAO DA SILVA", "***.456.789-**"),
    pf("JOAO DA SILVA", "***456789**"), // the same person twice
    pf("PEDRO SEM DIGITOS", ""),
    pf("ANA COM CPF", "52998224725"),
    { nome: "JOHN SMITH", documento: "", tipo: "estrangeiro", qualificacao: "37-Sócio" },
  ];

  it("live: each person without a full CPF is listed once, with the visible digits from the registry or read off the mask", () => {
    const plan = planPartners(pj(), [cnpjResult(qsa)], false, { screenMaskedOnLists: true });
    expect(plan.listed).toEqual([
      { nome: "MARIA APARECIDA DOS SANTOS", documento: "***.982.247-**", qualificacao: "49-Sócio-Administrador", cpf_visivel: "982247", faixa_etaria: qsa[0].faixa_etaria },
      { nome: "JOAO DA SILVA", documento: "***.456.789-**", qualificacao: "49-Sócio-Administrador", cpf_visivel: "456789" },
      { nome: "PEDRO SEM DIGITOS", documento: "***.***.***-**", qualificacao: "49-Sócio-Administrador", cpf_visivel: null },
    ]);
    expect(plan.selected.map((p) => p.documento)).toEqual(["52998224725"]);
    expect(plan.unscreened.map((u) => u.reason_code)).toEqual(["estrangeiro"]);
  });

  it("sandbox (no list screening): a masked CPF stays unscreened, cpf_indisponivel, as before", () => {
    const plan = planPartners(pj(), [cnpjResult(qsa)], false);
    expect(plan.listed).toEqual([]);
    expect(plan.unscreened.map((u) => u.reason_code)).toEqual(["cpf_indisponivel", "cpf_indisponivel", "cpf_indisponivel", "cpf_indisponivel", "estrangeiro"]);
  });

  it("max_partners counts listed and selected partners together, in QSA order", () => {
    const plan = planPartners(pj(2), [cnpjResult(qsa)], false, { screenMaskedOnLists: true });
    expect(plan.listed.map((p) => p.nome)).toEqual(["MARIA APARECIDA DOS SANTOS", "JOAO DA SILVA"]);
    expect(plan.selected).toEqual([]);
    expect(plan.unscreened.map((u) => [u.nome, u.reason_code, u.documento])).toEqual([
      ["PEDRO SEM DIGITOS", "limite_de_socios", "***.***.***-**"],
      ["ANA COM CPF", "limite_de_socios", "***.982.247-**"],
      ["JOHN SMITH", "estrangeiro", ""],
    ]);
  });

  it("the list searches' subject: name, the six visible digits, no document, the age band's birth years", () => {
    const plan = planPartners(pj(), [cnpjResult(qsa)], false, { screenMaskedOnLists: true });
    expect(listedPartnerSubject(plan.listed[0], 2026)).toEqual({ type: "pf", document: "", name: "MARIA APARECIDA DOS SANTOS", masked_cpf: "982247", birth_years: { from: 1975, to: 1985 } });
    expect(listedPartnerSubject(plan.listed[2], 2026)).toEqual({ type: "pf", document: "", name: "PEDRO SEM DIGITOS" });
  });
});

describe("listScreenedOutcome", () => {
  const outcome = (results: SourceResult[], requireFullCpf = false) =>
    listScreenedOutcome({ partner: listed, template: TPL_PF_PADRAO, results, notRun, requireFullCpf });

  it("the checks that need the full CPF are the partner template's sources no list backs", () => {
    expect(notRun).toEqual(["receita_federal_cpf", "cnj_mandados_prisao", "cgu_cnc", "protestos", "cnj_seeu_processos", "trf_processos", "tse_doadores", "icij_offshore"]);
    expect(lists.map((s) => s.source)).toEqual(["ofac_sdn", "un_sanctions", "eu_sanctions", "uk_sanctions", "pep_coaf", "cgu_ceis", "cgu_cnep", "sit_trabalho_escravo"]);
  });

  it("nothing found → approved, no reason; the lists searched and the checks not run are recorded", () => {
    const o = outcome(allClean());
    expect(o).toMatchObject({ run_id: null, screened_by: "lists", status: "completed", decision: "approved", operative_decision: "approved", risk_band: "baixo" });
    expect(o.reason).toBeUndefined();
    expect(partnerGap(o)).toBeNull();
    expect(o.list_screening!.lists).toHaveLength(8);
    expect(o.list_screening!.checks_not_run).toEqual(notRun);
  });

  it("a PEP document-level hit (a review source) → review, the match kept with its source and explanation", () => {
    const o = outcome(withResult(listResult("pep_coaf", "INVALID", { matches: [PEP_MATCH] })));
    expect(o).toMatchObject({ decision: "review", operative_decision: "review" });
    expect(o.list_screening!.matches).toEqual([{ fonte: "pep_coaf", ...PEP_MATCH }]);
    expect(o.list_screening!.sources.find((s) => s.source === "pep_coaf")).toEqual({ source: "pep_coaf", status: "INVALID" });
  });

  it("a strong hit on a `block` source → rejected; a possible match there → review", () => {
    expect(outcome(withResult(listResult("ofac_sdn", "INVALID"))).decision).toBe("rejected");
    expect(outcome(withResult(listResult("ofac_sdn", "INVALID", { possible: true }))).decision).toBe("review");
  });

  it("a list that did not answer → the screening is incomplete: reason, hold, a gap for the company", () => {
    const o = outcome(withResult(listResult("un_sanctions", "ERROR", { reason: "Lista un_sc sem versão carregada neste ambiente; a fonte não pôde ser consultada." })));
    expect(o.operative_decision).toBe("hold");
    expect(o.reason).toBe(
      "a triagem do sócio nas listas ficou incompleta: ONU — lista consolidada do Conselho de Segurança (Lista un_sc sem versão carregada neste ambiente; a fonte não pôde ser consultada.)",
    );
    expect(partnerGap(o)).toBe(o.reason);
  });

  it("require_full_cpf → hold, the reason naming the checks not run; without it, no hold", () => {
    const o = outcome(allClean(), true);
    expect(o).toMatchObject({ decision: "approved", operative_decision: "hold", reason: fullCpfRequiredReason(notRun) });
    expect(o.reason).toContain("Receita Federal — situação do CPF, CNJ BNMP — mandados de prisão");
    expect(outcome(allClean(), false).operative_decision).toBe("approved");
  });

  it("a partner template without list-backed sources cannot screen the partner: failed, with the reason", () => {
    expect(outcome([])).toMatchObject({ status: "failed", decision: null, reason: NO_LIST_SOURCES_REASON });
  });
});

describe("the company's decision and analysis read a list-screened partner like a partner run", () => {
  const company = [cnpjResult([pf(listed.nome, "***982247**", { cpf_visivel: "982247" })])];
  const snapshot = pj();
  const run = (p: ReturnType<typeof listScreenedOutcome>) => {
    const outcome = decide({ snapshot, results: company, partners: [p], livemode: true });
    return { outcome, analysis: analyze({ snapshot, subjectType: "pj", results: company, partners: [p], unscreened: [], outcome }) };
  };

  it("a partner in review makes the company review; the finding names the match with its evidence in words", () => {
    const p = listScreenedOutcome({ partner: listed, template: TPL_PF_PADRAO, results: withResult(listResult("pep_coaf", "INVALID", { matches: [PEP_MATCH] })), notRun, requireFullCpf: false });
    const { outcome, analysis } = run(p);
    expect(outcome).toMatchObject({ decision: "review", operative_decision: "review" });
    const f = analysis.findings.find((x) => x.check === "socio_listas")!;
    expect(f).toMatchObject({ source: "partner_runs", severity: "medio", title: "Sócio com correspondência nas listas de triagem" });
    expect(f.description).toContain('Pessoa exposta politicamente (PEP): "MARIA APARECIDA DOS SANTOS" (nome idêntico ao listado; dígitos visíveis do CPF conferem)');
    expect(f.evidence.matches).toEqual([{ fonte: "pep_coaf", ...PEP_MATCH }]);
    // The partner has no run: the QSA profile says so.
    expect(analysis.subject_profile).toMatchObject({ qsa: [{ nome: listed.nome, documento: "***.982.247-**", run_id: null }] });
  });

  it("a clean partner: the company approved, one informative finding naming the checks not run", () => {
    const { outcome, analysis } = run(listScreenedOutcome({ partner: listed, template: TPL_PF_PADRAO, results: allClean(), notRun, requireFullCpf: false }));
    expect(outcome).toMatchObject({ decision: "approved", operative_decision: "approved" });
    const notRunFindings = analysis.findings.filter((x) => x.source === "partner_runs");
    expect(notRunFindings).toHaveLength(1);
    expect(notRunFindings[0]).toMatchObject({ check: "socio_sem_cpf_completo", severity: "info", weight: 0 });
    expect(notRunFindings[0].description).toContain("as verificações que exigem o CPF completo não foram executadas para ele: Receita Federal — situação do CPF, CNJ BNMP — mandados de prisão");
    expect(notRunFindings[0].description).toContain("O template não as exige");
  });

  it("require_full_cpf: the company holds, with a hold rule and the partner's reason in a finding", () => {
    const { outcome, analysis } = run(listScreenedOutcome({ partner: listed, template: TPL_PF_PADRAO, results: allClean(), notRun, requireFullCpf: true }));
    expect(outcome).toMatchObject({ decision: "approved", operative_decision: "hold", risk_band: "medio" });
    expect(outcome.triggered_rules).toEqual([{ source: "partner_runs", on_hit: "review", effect: "hold" }]);
    const gap = analysis.findings.find((x) => x.check === "socio_sem_triagem")!;
    expect(gap.description).toContain(`A triagem do sócio ${listed.nome} (***.982.247-**, 49-Sócio-Administrador) não foi concluída: ${fullCpfRequiredReason(notRun)}`);
    expect(analysis.findings.find((x) => x.check === "socio_sem_cpf_completo")).toMatchObject({ severity: "medio" });
  });
});

describe("template rules: partner_runs.require_full_cpf", () => {
  it("must be a boolean when given", () => {
    const bad = { ...pj(), partner_runs: { template_id: "tpl_pf_padrao", max_partners: 5, require_full_cpf: "sim" as unknown as boolean } };
    expect(templateProblems(bad)).toEqual([{ name: "partner_runs.require_full_cpf", reason: "deve ser true ou false" }]);
    expect(templateProblems(pj(5, true))).toEqual([]);
    expect(templateProblems(pj(5))).toEqual([]);
  });
});
