import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ANALYSIS_VERSION, DIMENSIONS, analyze } from "./analysis";
import { decide } from "./decision";
import { TPL_PF_PADRAO, TPL_PJ_PADRAO } from "./standard-templates";
import { SOURCE_CATALOG } from "../sources/catalog";
import type {
  Decision,
  PartnerOutcome,
  SourceKey,
  SourceResult,
  SourceStatus,
  TemplateSnapshot,
} from "./types";

const T0 = "2026-11-01T12:00:00.000Z";

type Spec = { status: SourceStatus; data?: Record<string, unknown>; checks?: SourceResult["checks"]; reason?: string };

const result = (tpl: TemplateSnapshot, source: SourceKey, spec: Spec): SourceResult => {
  const src = tpl.sources.find((s) => s.source === source);
  if (!src) throw new Error(`${source} not in ${tpl.id}`);
  let checks: SourceResult["checks"] = {};
  if (spec.checks) checks = spec.checks;
  else if (spec.status === "VALID" || spec.status === "INVALID") {
    SOURCE_CATALOG[source].checks.forEach(
      (c, i) => (checks[c] = spec.status === "INVALID" && i === 0 ? "INVALID" : "VALID"),
    );
  }
  return {
    source,
    phase: src.phase,
    status: spec.status,
    checks,
    ...(spec.data ? { data: spec.data } : {}),
    ...(spec.status === "ERROR" ? { reason: spec.reason ?? "timeout" } : {}),
    attempts: spec.status === "ERROR" ? 3 : 1,
    duration_ms: 10,
    started_at: T0,
    completed_at: T0,
  };
};

const CPF_DATA = {
  nome: "MARIA DA SILVA",
  data_nascimento: "1980-05-17",
  situacao_cadastral: "REGULAR",
  situacao_codigo: 0,
  obito: false,
  nome_confere: true,
};

const CNPJ_DATA = {
  razao_social: "EMPRESA EXEMPLO LTDA",
  nome_fantasia: "EXEMPLO",
  situacao_cadastral: "ATIVA",
  data_abertura: "2010-03-01",
  cnae_principal: "6201-5/01",
  natureza_juridica: "206-2",
  endereco: { uf: "SP", municipio: "SAO PAULO" },
  qsa: [
    { nome: "MARIA DA SILVA", documento: "12345678901", tipo: "pf", qualificacao: "Sócio-Administrador" },
    { nome: "JOÃO SOUZA", documento: "***987654**", tipo: "pf", qualificacao: "Sócio" },
    { nome: "HOLDING PARTICIPACOES S.A.", documento: "11222333000181", tipo: "pj", qualificacao: "Sócio" },
  ],
};

/** A run over a template: critical in order (stops after a block), then the rest; default VALID. */
const run = (tpl: TemplateSnapshot, specs: Partial<Record<SourceKey, Spec | SourceStatus>> = {}): SourceResult[] => {
  const identity = tpl.subject_type === "pf" ? "receita_federal_cpf" : "receita_federal_cnpj";
  const specOf = (k: SourceKey): Spec => {
    const s = specs[k];
    const base: Spec = typeof s === "string" ? { status: s } : (s ?? { status: "VALID" });
    if (k === identity && !base.data && base.status !== "ERROR") {
      return { ...base, data: tpl.subject_type === "pf" ? CPF_DATA : CNPJ_DATA };
    }
    return base;
  };
  const out: SourceResult[] = [];
  for (const s of tpl.sources.filter((x) => x.phase === "critical")) {
    const spec = specOf(s.source);
    out.push(result(tpl, s.source, spec));
    if (spec.status === "INVALID" && s.on_hit === "block") return out;
  }
  for (const s of tpl.sources.filter((x) => x.phase !== "critical")) out.push(result(tpl, s.source, specOf(s.source)));
  return out;
};

const partner = (
  run_id: string,
  decision: Decision | null,
  name = "MARIA DA SILVA",
  documento_mascarado = "***.456.789-**",
): PartnerOutcome => ({
  run_id,
  name,
  documento_mascarado,
  qualificacao: "Sócio-Administrador",
  status: decision === null ? "failed" : "completed",
  decision,
  risk_band: decision === null ? null : decision === "approved" ? "baixo" : decision === "review" ? "medio" : "alto",
});

const analyzeRun = (tpl: TemplateSnapshot, results: SourceResult[], partners: PartnerOutcome[] = []) =>
  analyze({
    snapshot: tpl,
    subjectType: tpl.subject_type,
    results,
    partners,
    outcome: decide({ snapshot: tpl, results, partners, livemode: false }),
  });

const dim = (a: ReturnType<typeof analyze>, d: string) => a.dimensions.find((x) => x.dimension === d)!;

describe("analyze — PF scenarios", () => {
  it("exports the analysis version", () => {
    expect(ANALYSIS_VERSION).toBe("2026-12-07");
  });

  it("clean PF: no findings, eight baixo dimensions, profile from receita_federal_cpf", () => {
    const a = analyzeRun(TPL_PF_PADRAO, run(TPL_PF_PADRAO));
    expect(a.decision).toBe("approved");
    expect(a.operative_decision).toBe("approved");
    expect(a.risk_band).toBe("baixo");
    expect(a.score).toBe(0);
    expect(a.findings).toEqual([]);
    expect(a.incomplete_sources).toEqual([]);
    expect(a.dimensions.map((d) => d.dimension)).toEqual([...DIMENSIONS]);
    expect(a.dimensions.every((d) => d.risk_band === "baixo" && d.score === 0 && d.findings_count === 0)).toBe(true);
    expect(dim(a, "identidade").sources).toEqual(["receita_federal_cpf"]);
    expect(dim(a, "sancoes").sources).toEqual(["ofac_sdn", "un_sanctions", "eu_sanctions", "uk_sanctions"]);
    expect(dim(a, "judicial").sources).toEqual(["cnj_mandados_prisao", "cnj_seeu_processos", "trf_processos"]);
    expect(dim(a, "reputacional").sources).toEqual(["protestos", "tse_doadores", "icij_offshore"]);
    expect(dim(a, "societario").sources).toEqual([]);
    expect(a.subject_profile).toEqual({
      type: "pf",
      nome: "MARIA DA SILVA",
      data_nascimento: "1980-05-17",
      situacao_cadastral: "REGULAR",
      obito: false,
    });
  });

  it("CPF cancelled: one critico finding with the Receita evidence", () => {
    const data = { ...CPF_DATA, situacao_cadastral: "CANCELADA", situacao_codigo: 5 };
    const a = analyzeRun(TPL_PF_PADRAO, run(TPL_PF_PADRAO, { receita_federal_cpf: { status: "INVALID", data } }));
    expect(a.decision).toBe("rejected");
    expect(a.risk_band).toBe("alto");
    expect(a.findings).toHaveLength(1);
    const f = a.findings[0];
    expect(f).toMatchObject({
      id: "fnd_receita_federal_cpf_situacao_cadastral",
      source: "receita_federal_cpf",
      check: "situacao_cadastral",
      severity: "critico",
      weight: 50,
      title: "CPF com situação cadastral irregular",
      evidence: { situacao_cadastral: "CANCELADA", situacao_codigo: 5 },
    });
    expect(f.description).toContain(SOURCE_CATALOG.receita_federal_cpf.label);
    expect(f.description).toContain("CANCELADA");
    expect(dim(a, "identidade")).toMatchObject({ risk_band: "alto", score: 50, findings_count: 1 });
    // Identity data still feeds the profile.
    expect(a.subject_profile).toMatchObject({ nome: "MARIA DA SILVA", situacao_cadastral: "CANCELADA" });
  });

  it("arrest warrant: 'Mandado de prisão ativo', critico, evidence = mandados", () => {
    const mandados = [{ numero: "0001234-56.2025.8.26.0050", orgao: "TJSP", data_expedicao: "2025-02-01" }];
    const a = analyzeRun(
      TPL_PF_PADRAO,
      run(TPL_PF_PADRAO, { cnj_mandados_prisao: { status: "INVALID", data: { mandados, consulta: "x" } } }),
    );
    expect(a.findings).toEqual([
      {
        id: "fnd_cnj_mandados_prisao_mandados_ativos",
        source: "cnj_mandados_prisao",
        check: "mandados_ativos",
        severity: "critico",
        weight: 50,
        title: "Mandado de prisão ativo",
        description:
          'Segundo a fonte "CNJ BNMP — mandados de prisão", consta 1 mandado de prisão em aberto contra o titular. ' +
          "Apontamento bloqueante: a análise é reprovada.",
        evidence: { mandados },
      },
    ]);
    expect(dim(a, "judicial")).toMatchObject({ risk_band: "alto", score: 50, findings_count: 1 });
  });

  it("PEP: severity alto, pep dimension alto", () => {
    const data = { cargo: "Deputado Federal", orgao: "Câmara dos Deputados", inicio_exercicio: "2023-02-01", fim_carencia: "2032-01-31", extra: 1 };
    const a = analyzeRun(TPL_PF_PADRAO, run(TPL_PF_PADRAO, { pep_coaf: { status: "INVALID", data } }));
    expect(a.decision).toBe("review");
    expect(a.findings).toHaveLength(1);
    expect(a.findings[0]).toMatchObject({
      id: "fnd_pep_coaf_pep_ativo",
      severity: "alto",
      weight: 40,
      title: "Pessoa exposta politicamente (PEP)",
      evidence: {
        cargo: "Deputado Federal",
        orgao: "Câmara dos Deputados",
        inicio_exercicio: "2023-02-01",
        fim_carencia: "2032-01-31",
      },
    });
    expect(a.findings[0].evidence).not.toHaveProperty("extra");
    expect(a.findings[0].description).toContain("Deputado Federal");
    expect(dim(a, "pep")).toMatchObject({ risk_band: "alto", score: 40, findings_count: 1, sources: ["pep_coaf"] });
  });

  it("OFAC match: title, list evidence and similarity in the description", () => {
    const matches = [{ nome: "SILVA, Maria", score: 0.934, limiar: 0.88, lista: "SDN", data_lista: "2026-10-30", programa: "SDGT" }];
    const a = analyzeRun(TPL_PF_PADRAO, run(TPL_PF_PADRAO, { ofac_sdn: { status: "INVALID", data: { matches } } }));
    expect(a.findings[0]).toMatchObject({
      id: "fnd_ofac_sdn_sancoes_ofac",
      severity: "critico",
      title: "Correspondência na lista OFAC SDN",
      evidence: { matches },
    });
    expect(a.findings[0].description).toContain("0,93");
    expect(dim(a, "sancoes").risk_band).toBe("alto");
  });

  it("protests, improbity: titles and evidence", () => {
    const a = analyzeRun(
      TPL_PF_PADRAO,
      run(TPL_PF_PADRAO, {
        protestos: { status: "INVALID", data: { quantidade: 3, valor_total: 12345.6, cartorios: ["1º Tabelionato"] } },
        cgu_cnc: { status: "INVALID", data: { sancoes: [{ processo: "123" }] } },
      }),
    );
    expect(a.findings.map((f) => [f.id, f.severity, f.title])).toEqual([
      ["fnd_cgu_cnc_condenacao_improbidade", "alto", "Condenação por improbidade administrativa"],
      ["fnd_protestos_protestos_ativos", "alto", "Protestos em cartório"],
    ]);
    expect(a.findings[1].evidence).toEqual({ quantidade: 3, valor_total: 12345.6, cartorios: ["1º Tabelionato"] });
    expect(a.findings[1].description).toContain("constam 3 protestos");
    expect(a.findings[1].description).toContain("R$ 12.345,60");
    expect(dim(a, "integridade")).toMatchObject({ score: 40, risk_band: "alto", findings_count: 1 });
  });

  it("three sources time out: ERROR findings (tier 1 medio first), incomplete_sources, hold", () => {
    const a = analyzeRun(
      TPL_PF_PADRAO,
      run(TPL_PF_PADRAO, { cnj_mandados_prisao: "ERROR", protestos: "ERROR", trf_processos: { status: "ERROR", reason: "http_503" } }),
    );
    expect(a.decision).toBe("approved");
    expect(a.operative_decision).toBe("hold");
    expect(a.risk_band).toBe("medio");
    expect(a.score).toBe(25);
    expect(a.findings.map((f) => [f.id, f.severity, f.weight, f.title])).toEqual([
      ["fnd_cnj_mandados_prisao_disponibilidade", "medio", 13, "Fonte sem resposta"],
      ["fnd_protestos_disponibilidade", "baixo", 10, "Fonte sem resposta"],
      ["fnd_trf_processos_disponibilidade", "baixo", 3, "Fonte sem resposta"],
    ]);
    expect(a.findings[0].description).toContain("timeout");
    expect(a.findings[0].description).toContain("nível 1");
    expect(a.findings[2].description).toContain("http_503");
    expect(a.findings[2].evidence).toEqual({ reason: "http_503", attempts: 3 });
    expect(a.incomplete_sources).toEqual([
      { source: "cnj_mandados_prisao", reason: "timeout" },
      { source: "protestos", reason: "timeout" },
      { source: "trf_processos", reason: "http_503" },
    ]);
    // judicial: 12.5 + 2.5 = 15 → baixo; reputacional 10 → baixo.
    expect(dim(a, "judicial")).toMatchObject({ score: 15, risk_band: "baixo", findings_count: 2 });
    expect(dim(a, "reputacional")).toMatchObject({ score: 10, risk_band: "baixo", findings_count: 1 });
  });

  it("every source ERROR: nulls copied from the outcome, one finding per source", () => {
    const all = Object.fromEntries(TPL_PF_PADRAO.sources.map((s) => [s.source, "ERROR"])) as Record<SourceKey, SourceStatus>;
    const a = analyzeRun(TPL_PF_PADRAO, run(TPL_PF_PADRAO, all));
    expect([a.decision, a.operative_decision, a.risk_band]).toEqual([null, null, null]);
    expect(a.findings).toHaveLength(TPL_PF_PADRAO.sources.length);
    expect(a.incomplete_sources.map((s) => s.source)).toEqual(TPL_PF_PADRAO.sources.map((s) => s.source));
    expect(a.subject_profile).toEqual({ type: "pf", nome: null, data_nascimento: null, situacao_cadastral: null, obito: null });
  });

  it("orders findings by severity, then template order", () => {
    const a = analyzeRun(
      TPL_PF_PADRAO,
      run(TPL_PF_PADRAO, {
        receita_federal_cpf: "ERROR",
        tse_doadores: "INVALID",
        cgu_ceis: "NO_DATA",
        protestos: "INVALID",
        pep_coaf: "INVALID",
        cgu_cnep: "ERROR",
      }),
    );
    expect(a.findings.map((f) => [f.id, f.severity])).toEqual([
      ["fnd_pep_coaf_pep_ativo", "alto"],
      ["fnd_protestos_protestos_ativos", "alto"],
      ["fnd_receita_federal_cpf_disponibilidade", "medio"],
      ["fnd_cgu_cnep_disponibilidade", "baixo"],
      ["fnd_tse_doadores_doacoes", "baixo"],
      ["fnd_cgu_ceis_sem_dados", "info"],
    ]);
    expect(a.findings[5]).toMatchObject({ weight: 10, title: "Fonte sem dados sobre o titular" });
  });

  it("one finding per INVALID check, in catalogue order", () => {
    const a = analyzeRun(TPL_PF_PADRAO, [
      result(TPL_PF_PADRAO, "receita_federal_cpf", {
        status: "INVALID",
        checks: { nome_confere: "INVALID", registro_obito: "INVALID", situacao_cadastral: "VALID" },
        data: { ...CPF_DATA, obito: true, nome_confere: false },
      }),
    ]);
    expect(a.findings.map((f) => [f.id, f.title, f.evidence])).toEqual([
      ["fnd_receita_federal_cpf_registro_obito", "Registro de óbito vinculado ao CPF", { obito: true }],
      ["fnd_receita_federal_cpf_nome_confere", "Nome não confere com o CPF", { nome: "MARIA DA SILVA", nome_confere: false }],
    ]);
    expect(dim(a, "identidade")).toMatchObject({ score: 50, findings_count: 2, risk_band: "alto" });
  });
});

describe("analyze — PJ", () => {
  it("QSA profile: CPF masked, CNPJ formatted, partner runs matched by document and name", () => {
    const partners = [
      partner("run_m", "review", "MARIA DA SILVA", "***.456.789-**"),
      partner("run_j", "approved", "JOAO SOUZA", "***.987.654-**"),
    ];
    const a = analyzeRun(TPL_PJ_PADRAO, run(TPL_PJ_PADRAO), partners);
    expect(a.decision).toBe("review");
    expect(a.risk_band).toBe("medio");
    expect(a.subject_profile).toEqual({
      type: "pj",
      razao_social: "EMPRESA EXEMPLO LTDA",
      nome_fantasia: "EXEMPLO",
      situacao_cadastral: "ATIVA",
      data_abertura: "2010-03-01",
      cnae_principal: "6201-5/01",
      qsa: [
        { nome: "MARIA DA SILVA", documento: "***.456.789-**", qualificacao: "Sócio-Administrador", run_id: "run_m" },
        { nome: "JOÃO SOUZA", documento: "***.987.654-**", qualificacao: "Sócio", run_id: "run_j" },
        { nome: "HOLDING PARTICIPACOES S.A.", documento: "11.222.333/0001-81", qualificacao: "Sócio", run_id: null },
      ],
    });
    expect(a.findings).toEqual([
      {
        id: "fnd_partner_run_m",
        source: "partner_runs",
        check: "socio",
        severity: "medio",
        weight: 20,
        title: "Sócio com análise em revisão",
        description: expect.stringContaining("MARIA DA SILVA"),
        evidence: {
          run_id: "run_m",
          nome: "MARIA DA SILVA",
          documento: "***.456.789-**",
          qualificacao: "Sócio-Administrador",
          decision: "review",
          risk_band: "medio",
        },
      },
    ]);
    expect(dim(a, "societario")).toMatchObject({
      score: 20,
      risk_band: "medio",
      findings_count: 1,
      sources: ["receita_federal_cnpj"],
    });
    expect(dim(a, "pep").sources).toEqual([]);
  });

  it("a homonym with other CPF digits is not matched", () => {
    const a = analyzeRun(TPL_PJ_PADRAO, run(TPL_PJ_PADRAO), [partner("run_x", "approved", "MARIA DA SILVA", "***.111.222-**")]);
    const qsa = (a.subject_profile as { qsa: { run_id: string | null }[] }).qsa;
    expect(qsa.map((q) => q.run_id)).toEqual([null, null, null]);
  });

  it("a partner rejected → alto finding; employer on the slave-labour list → alto", () => {
    const data = { ano_acao_fiscal: 2023, uf: "PA", trabalhadores_envolvidos: 12, inclusao_cadastro: "2024-04-05" };
    const a = analyzeRun(
      TPL_PJ_PADRAO,
      run(TPL_PJ_PADRAO, { sit_trabalho_escravo: { status: "INVALID", data } }),
      [partner("run_m", "rejected")],
    );
    expect(a.findings.map((f) => [f.id, f.severity, f.title])).toEqual([
      ["fnd_sit_trabalho_escravo_empregador_listado", "alto", "Empregador na lista de trabalho escravo"],
      ["fnd_partner_run_m", "alto", "Sócio com análise reprovada"],
    ]);
    expect(a.findings[0].evidence).toEqual(data);
    expect(dim(a, "trabalhista")).toMatchObject({ score: 40, risk_band: "alto" });
    expect(dim(a, "societario")).toMatchObject({ score: 40, risk_band: "alto" });
  });

  it("OFAC on the company: critico, rejected", () => {
    const a = analyzeRun(TPL_PJ_PADRAO, run(TPL_PJ_PADRAO, { ofac_sdn: { status: "INVALID", data: { matches: [] } } }));
    expect(a.decision).toBe("rejected");
    expect(a.findings.map((f) => [f.id, f.severity])).toEqual([["fnd_ofac_sdn_sancoes_ofac", "critico"]]);
  });

  it("an INVALID qsa check goes to societario, with masked documents in the evidence", () => {
    const a = analyzeRun(TPL_PJ_PADRAO, [
      result(TPL_PJ_PADRAO, "receita_federal_cnpj", {
        status: "INVALID",
        checks: { situacao_cadastral: "VALID", qsa: "INVALID" },
        data: CNPJ_DATA,
      }),
    ]);
    expect(a.findings).toHaveLength(1);
    expect(a.findings[0]).toMatchObject({ id: "fnd_receita_federal_cnpj_qsa", severity: "critico" });
    expect(JSON.stringify(a)).not.toContain("12345678901");
    expect((a.findings[0].evidence.qsa as { documento: string }[]).map((q) => q.documento)).toEqual([
      "***.456.789-**",
      "***.987.654-**",
      "11.222.333/0001-81",
    ]);
    expect(dim(a, "societario")).toMatchObject({ score: 50, risk_band: "alto", findings_count: 1 });
    expect(dim(a, "identidade")).toMatchObject({ score: 0, findings_count: 0 });
  });

  it("partner ids stay unique when run ids repeat", () => {
    const a = analyzeRun(TPL_PJ_PADRAO, run(TPL_PJ_PADRAO), [partner("run_m", "review"), partner("run_m", "rejected")]);
    const ids = a.findings.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

// ── Properties ──────────────────────────────────────────────────────────────

const statusArb = fc.constantFrom<SourceStatus>("VALID", "INVALID", "NO_DATA", "ERROR");
const templateArb = fc.constantFrom(TPL_PF_PADRAO, TPL_PJ_PADRAO);

const shuffleArb = <T>(xs: readonly T[]) =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: xs.length, maxLength: xs.length }).map((keys) =>
    xs
      .map((x, i) => ({ x, k: keys[i] }))
      .sort((a, b) => a.k - b.k)
      .map((e) => e.x),
  );

const partnerArb = fc
  .record({
    id: fc.integer({ min: 0, max: 50 }),
    decision: fc.constantFrom<Decision | null>("approved", "review", "rejected", null),
    name: fc.constantFrom("MARIA DA SILVA", "JOAO SOUZA", "OUTRO"),
    doc: fc.constantFrom("***.456.789-**", "***.987.654-**", ""),
  })
  .map(({ id, decision, name, doc }) => partner(`run_${id}`, decision, name, doc));

/** Random statuses and arbitrary `data` on every source of a standard template. */
const scenarioArb = (dataArb: fc.Arbitrary<unknown>) =>
  templateArb.chain((tpl) =>
    fc.record({
      tpl: fc.constant(tpl),
      specs: fc.tuple(...tpl.sources.map(() => fc.record({ status: statusArb, data: fc.option(dataArb, { nil: undefined }) }))),
      partners: fc.array(partnerArb, { maxLength: 4 }),
    }),
  );

const buildRun = (tpl: TemplateSnapshot, specs: { status: SourceStatus; data?: unknown }[]) =>
  run(
    tpl,
    Object.fromEntries(tpl.sources.map((s, i) => [s.source, specs[i] as Spec])) as Record<SourceKey, Spec>,
  );

describe("analyze — properties", () => {
  it("is deterministic: identical JSON across calls and across shuffled results and partners", () => {
    fc.assert(
      fc.property(
        scenarioArb(fc.object()).chain((sc) => {
          const results = buildRun(sc.tpl, sc.specs);
          return fc.tuple(fc.constant(sc), fc.constant(results), shuffleArb(results), shuffleArb(sc.partners));
        }),
        ([sc, results, shuffled, shuffledPartners]) => {
          const a = analyzeRun(sc.tpl, results, sc.partners);
          const b = analyzeRun(sc.tpl, results, sc.partners);
          const c = analyzeRun(sc.tpl, shuffled, shuffledPartners);
          expect(b).toEqual(a);
          expect(JSON.stringify(b)).toBe(JSON.stringify(a));
          expect(JSON.stringify(c)).toBe(JSON.stringify(a));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("never throws on arbitrary data; output is JSON-safe, well-formed and consistent", () => {
    fc.assert(
      fc.property(scenarioArb(fc.oneof(fc.object(), fc.anything())), ({ tpl, specs, partners }) => {
        const results = buildRun(tpl, specs);
        const a = analyzeRun(tpl, results, partners);
        expect(JSON.parse(JSON.stringify(a))).toStrictEqual(a);
        expect(a.dimensions.map((d) => d.dimension)).toEqual([...DIMENSIONS]);
        const ids = a.findings.map((f) => f.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(a.dimensions.reduce((n, d) => n + d.findings_count, 0)).toBe(a.findings.length);
        for (const d of a.dimensions) {
          expect(Number.isInteger(d.score) && d.score >= 0 && d.score <= 100).toBe(true);
        }
        const rank = { critico: 0, alto: 1, medio: 2, baixo: 3, info: 4 };
        for (let i = 1; i < a.findings.length; i++) {
          expect(rank[a.findings[i - 1].severity]).toBeLessThanOrEqual(rank[a.findings[i].severity]);
        }
        expect(a.incomplete_sources.length).toBe(results.filter((r) => r.status === "ERROR").length);
        expect(a.subject_profile.type).toBe(tpl.subject_type);
      }),
      { numRuns: 300 },
    );
  });

  it("identity data of any shape never throws in the profile", () => {
    fc.assert(
      fc.property(
        templateArb,
        fc.record({ qsa: fc.array(fc.anything(), { maxLength: 5 }) }, { requiredKeys: [] }),
        fc.object(),
        fc.array(partnerArb, { maxLength: 3 }),
        (tpl, extra, obj, partners) => {
          const identity = tpl.subject_type === "pf" ? "receita_federal_cpf" : "receita_federal_cnpj";
          const data = { ...obj, ...extra } as Record<string, unknown>;
          const results = [result(tpl, identity, { status: "VALID", data })];
          const a = analyzeRun(tpl, results, partners);
          expect(JSON.parse(JSON.stringify(a))).toStrictEqual(a);
        },
      ),
    );
  });
});

describe("analyze — possible matches of list-backed sources (contract §14)", () => {
  const candidates = [
    { lista: "ofac_sdn", entity_id: "7281", nome: "SALEK, Abdulhai", nome_correspondente: "ABDUL HAI SALEK", score: 0.81, correspondencia: "possivel" },
    { lista: "ofac_cons", entity_id: "9001", nome: "SALEH, Abdul", nome_correspondente: "SALEH, Abdul", score: 0.76, correspondencia: "possivel" },
  ];
  const listas = [{ id: "ofac_sdn", sha256: "a".repeat(64), fetched_at: "2026-11-30T00:00:00.000Z" }];

  it("a possible match is a review finding (alto, not critico) that names the candidates and keeps them as evidence", () => {
    const results = run(TPL_PF_PADRAO).map((r) =>
      r.source === "ofac_sdn"
        ? { ...result(TPL_PF_PADRAO, "ofac_sdn", { status: "INVALID", data: { listas, matches: candidates } }), possible_match: true }
        : r,
    );
    const a = analyzeRun(TPL_PF_PADRAO, results);
    expect(a.decision).toBe("review");
    const f = a.findings.find((x) => x.source === "ofac_sdn")!;
    expect(f.severity).toBe("alto");
    expect(f.title).toBe("Possível correspondência na lista OFAC SDN");
    expect(f.description).toContain('"SALEK, Abdulhai" (similaridade 0,81)');
    expect(f.description).toContain('"SALEH, Abdul" (similaridade 0,76)');
    expect(f.description).toContain("O apontamento exige revisão manual.");
    expect(f.evidence).toEqual({ matches: candidates, listas });
    expect(dim(a, "sancoes").risk_band).toBe("alto"); // by score (50), not by a blocking finding
  });

  it("a confirmed list hit of a Brazilian list shows its list versions and matches as evidence", () => {
    const matches = [{ lista: "cgu_pep", entity_id: "pep-1", nome: "MARIA DA SILVA", score: 1, correspondencia: "documento" }];
    const results = run(TPL_PF_PADRAO, {
      pep_coaf: { status: "INVALID", data: { listas, cargo: "Prefeito", orgao: "Prefeitura de X", matches } },
    });
    const f = analyzeRun(TPL_PF_PADRAO, results).findings.find((x) => x.source === "pep_coaf")!;
    expect(f.title).toBe("Pessoa exposta politicamente (PEP)");
    expect(f.evidence).toEqual({ cargo: "Prefeito", orgao: "Prefeitura de X", matches, listas });
  });
});
