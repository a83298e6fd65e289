// A company's partners known only by a masked CPF (the registry masks every
// partner's; a provider may too), screened on the lists by the company's run
// (contract §18 "Runs", evidence rules of §14): name, the six visible CPF
// digits and the age band's birth years against the lists behind the partner
// template's list-backed sources. A PEP record with the same visible digits
// and the name → review; a listed homonym born outside the band → cleared; a
// clean partner → approved, with the checks that need the full CPF named as
// not run; `require_full_cpf` → hold; a list not ready → hold; a restarted
// company object does not search a partner it already has an outcome for.
// The network is never reached.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SearchQuery } from "../src/screening/client";
import type { ListId } from "../src/screening/types";
import { LISTS_BY_SOURCE, listNotReadyReason } from "../src/sources/lists";
import { admin, call, createKey, createRun, createTenant, expectError, runToEnd } from "./helpers/api";
import { ALL_SCOPES, caseActionOk, NOTE } from "./helpers/cases";
import { buildAndPublish, companyOf } from "./helpers/registry";
import { listed, seedList, unseedList, type LoadedVersion } from "./helpers/screening-seed";
import { engineSearches, liveTransport, resetEngineSearches, resetLiveTransport, runObjectStates } from "./helpers/transports";

const ALL_LISTS: ListId[] = [...new Set(Object.values(LISTS_BY_SOURCE).flat())];
/** tpl_pf_padrao's sources no list backs: they need the partner's full CPF. */
const FULL_CPF_CHECKS = ["receita_federal_cpf", "cnj_mandados_prisao", "cgu_cnc", "protestos", "cnj_seeu_processos", "trf_processos", "tse_doadores", "icij_offshore"];
const LIST_SOURCES = ["ofac_sdn", "un_sanctions", "eu_sanctions", "uk_sanctions", "pep_coaf", "cgu_ceis", "cgu_cnep", "sit_trabalho_escravo"];

// Fixture companies (test/fixtures/registry/2026-08/truth.json), all ATIVA.
const PEP_COMPANY = companyOf((c) => c.cnpj === "TW8RNWB6000134"); // CAMILA MARQUES MACHADO SOUZA ***225023** (band 5), EDUARDO NUNES LOPES ***646495** (band 8)
const YOUNG_COMPANY = companyOf((c) => c.cnpj === "90385550000169"); // JULIANA TEIXEIRA MACHADO ***667863** (band 3: 21 to 30)
const CLEAN_COMPANY = companyOf((c) => c.cnpj === "60103718000135"); // RODRIGO PEREIRA VIEIRA ***511531**
const TWO_PARTNERS = companyOf((c) => c.cnpj === "84578449000121"); // LETICIA ROCHA TEIXEIRA SOARES ***025227**, LUCAS GOMES SOUZA SOARES ***467826**
const SANCTIONED_NAME = companyOf((c) => c.cnpj === "OTZFP6R7000120"); // ANA DIAS ***848386**, ADRIANA SOUZA OLIVEIRA MENDES ***015695** (both band 9)

let key: string;
let tenantId: string;
let templateId: string;
let strictTemplateId: string;
let versions: Record<string, LoadedVersion>;

/** A PJ template: the registry's source alone, and each PF partner screened with the standard PF template. */
async function companyTemplate(tenantId: string, partnerRuns: Record<string, unknown>): Promise<string> {
  const res = await admin("POST", "/templates", {
    tenant_id: tenantId,
    name: "Cadastro CNPJ e sócios",
    subject_type: "pj",
    parametros_schema: { type: "object", properties: { cnpj: { type: "string", minLength: 1, maxLength: 32 } }, required: ["cnpj"], additionalProperties: false },
    sources: [{ source: "receita_federal_cnpj", phase: "critical", on_hit: "block" }],
    partner_runs: { template_id: "tpl_pf_padrao", max_partners: 5, ...partnerRuns },
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const id = (JSON.parse(text) as { id: string }).id;
  expect((await admin("POST", `/templates/${id}/publish`)).status).toBe(200);
  return id;
}

async function startRun(cnpj: string, template = templateId): Promise<string> {
  const res = await createRun(key, { template_id: template, parametros: { cnpj } });
  const text = await res.text();
  expect(res.status, text).toBe(202);
  return (JSON.parse(text) as { run_id: string }).run_id;
}

const liveRun = async (cnpj: string, template = templateId) => runToEnd(key, await startRun(cnpj, template));

const get = async (path: string) => {
  const res = await call("GET", path, { key });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<any>();
};

const partnerNamed = (run: any, name: string) => run.partner_runs.find((p: { name: string }) => p.name === name);
const masked = (documento: string) => `***.${documento.slice(3, 6)}.${documento.slice(6, 9)}-**`;

beforeAll(async () => {
  const tenant = await createTenant(500);
  tenantId = tenant.id;
  key = await createKey(tenant.id, "live", ["runs:write", "runs:read", "detail:read", "reports:write", "cases:read"]);
  templateId = await companyTemplate(tenant.id, {});
  strictTemplateId = await companyTemplate(tenant.id, { require_full_cpf: true });
  expect((await buildAndPublish("2026-08")).outcome.status).toBe("ready");
  const camila = PEP_COMPANY.partners[0];
  const loaded = await Promise.all(
    ALL_LISTS.map((id) => {
      if (id === "cgu_pep") {
        return seedList(id, [
          listed({
            list: id,
            entity_id: `${camila.documento!.slice(3, 9)}:1`,
            name: camila.nome,
            documents: [{ kind: "cpf_masked", value: camila.documento!.slice(3, 9) }],
            programs: ["PEP"],
            details: { funcao: "Secretária Municipal", orgao: "Prefeitura de Exemplo", inicio_exercicio: "2021-01-01", fim_carencia: "2099-12-31" },
          }),
        ]);
      }
      // A designee born in 1960 whose name is the young partner's (band 3: born 1995 to 2005).
      // And one listed without a birth date under another partner's name: a name alone is a possible match.
      if (id === "ofac_sdn") {
        return seedList(id, [
          listed({ list: id, entity_id: "4401", name: YOUNG_COMPANY.partners[0].nome, birth_dates: ["1960"], programs: ["SDGT"] }),
          listed({ list: id, entity_id: "4402", name: SANCTIONED_NAME.partners[1].nome, programs: ["SDGT"] }),
        ]);
      }
      return seedList(id, []);
    }),
  );
  versions = Object.fromEntries(loaded.map((v) => [v.id, v]));
});
afterEach(() => {
  resetLiveTransport();
  resetEngineSearches();
});

describe("partners known only by a masked CPF, screened on the lists", () => {
  it("visible digits and name of a PEP record → the partner in review, the company review; the hit in partner_runs, the analysis and a case", async () => {
    const [camila, eduardo] = PEP_COMPANY.partners;
    const run = await liveRun(PEP_COMPANY.cnpj);
    expect(run).toMatchObject({ status: "completed", decision: "review", operative_decision: "review" });
    expect(run.triggered_rules).toEqual([{ source: "partner_runs", on_hit: "review", effect: "review" }]);
    expect(run.unscreened_partners).toEqual([]);
    // Screened by the company's run: no partner runs, no credit beyond the company's own source.
    expect(run.credits_used).toBe(1);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM runs WHERE parent_run_id = ?").bind(run.id).first<{ n: number }>())?.n).toBe(0);
    expect(run.case_id).toMatch(/^case_/);

    const hit = partnerNamed(run, camila.nome);
    expect(hit).toMatchObject({
      run_id: null,
      screened_by: "lists",
      document: masked(camila.documento!),
      status: "completed",
      decision: "review",
      operative_decision: "review",
      checks_not_run: FULL_CPF_CHECKS,
    });
    expect(hit.sources.map((s: { source: string }) => s.source)).toEqual(LIST_SOURCES);
    expect(hit.sources.find((s: { source: string }) => s.source === "pep_coaf")).toEqual({ source: "pep_coaf", status: "INVALID" });
    expect(hit.lists).toHaveLength(ALL_LISTS.length);
    expect(hit.lists).toContainEqual({ id: "cgu_pep", sha256: versions.cgu_pep.sha256, fetched_at: versions.cgu_pep.fetched_at });
    expect(hit.matches).toEqual([
      expect.objectContaining({
        fonte: "pep_coaf",
        lista: "cgu_pep",
        nome: camila.nome,
        correspondencia: "documento",
        motivos: expect.arrayContaining(["masked_cpf_match"]),
        explicacao: expect.stringContaining("dígitos visíveis do CPF conferem"),
      }),
    ]);
    expect(partnerNamed(run, eduardo.nome)).toMatchObject({ run_id: null, screened_by: "lists", decision: "approved", matches: [] });

    const analysis = (await get(`/api/v1/bureau/runs/${run.id}/analysis`)).analysis;
    const finding = analysis.findings.find((f: { check: string }) => f.check === "socio_listas");
    expect(finding).toMatchObject({ source: "partner_runs", severity: "medio", title: "Sócio com correspondência nas listas de triagem" });
    expect(finding.description).toContain(`O sócio ${camila.nome} (${masked(camila.documento!)}, 49-Sócio-Administrador), com CPF mascarado na fonte`);
    expect(finding.description).toContain(`Pessoa exposta politicamente (PEP): "${camila.nome}" (similaridade 1,00; nome idêntico ao listado`);
    expect(finding.evidence.matches[0].explicacao).toBe(hit.matches[0].explicacao);
    expect(analysis.subject_profile.qsa).toContainEqual({ nome: camila.nome, documento: masked(camila.documento!), qualificacao: "49-Sócio-Administrador", run_id: null });

    // The list searches are in the audit trail, each with the partner's masked CPF.
    const detail = await get(`/api/v1/bureau/runs/${run.id}/detail`);
    const searches = detail.calls.filter((c: { partner?: string }) => c.partner === masked(camila.documento!));
    expect(searches.map((c: { source: string }) => c.source).sort()).toEqual([...LIST_SOURCES].sort());

    // The completo report renders the partner screened on the lists.
    const report = await call("POST", `/api/v1/bureau/runs/${run.id}/report?mode=completo`, { key });
    expect(report.status, await report.clone().text()).toBe(201);
  });

  it("an age band that excludes the listed person's birth year → not a hit: the candidate cleared, shown in the partner's result", async () => {
    const juliana = YOUNG_COMPANY.partners[0];
    const run = await liveRun(YOUNG_COMPANY.cnpj);
    expect(run).toMatchObject({ status: "completed", decision: "approved", operative_decision: "approved" });
    const p = partnerNamed(run, juliana.nome);
    expect(p).toMatchObject({ screened_by: "lists", decision: "approved", matches: [] });
    expect(p.sources.find((s: { source: string }) => s.source === "ofac_sdn")).toEqual({ source: "ofac_sdn", status: "VALID" });
    expect(p.cleared).toEqual([
      {
        fonte: "ofac_sdn",
        lista: "ofac_sdn",
        entity_id: "4401",
        nome_correspondente: juliana.nome,
        motivo: "birth_date_conflict",
        detalhe: expect.stringMatching(/^faixa etária indica nascimento entre 199\d e 200\d; a lista indica 1960$/),
      },
    ]);
  });

  it("a clean partner → the company approved; a finding names the checks not run for want of the full CPF", async () => {
    const rodrigo = CLEAN_COMPANY.partners[0];
    const run = await liveRun(CLEAN_COMPANY.cnpj);
    expect(run).toMatchObject({ status: "completed", decision: "approved", operative_decision: "approved", risk_band: "baixo", triggered_rules: [] });
    expect(run.case_id ?? null).toBeNull();
    expect(partnerNamed(run, rodrigo.nome)).toMatchObject({ screened_by: "lists", decision: "approved", operative_decision: "approved", checks_not_run: FULL_CPF_CHECKS });
    expect(partnerNamed(run, rodrigo.nome).reason).toBeUndefined();
    const findings = (await get(`/api/v1/bureau/runs/${run.id}/analysis`)).analysis.findings;
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      source: "partner_runs",
      check: "socio_sem_cpf_completo",
      severity: "info",
      title: "Verificações do sócio que exigem CPF completo não executadas",
      evidence: { nome: rodrigo.nome, documento: masked(rodrigo.documento!), verificacoes_nao_executadas: FULL_CPF_CHECKS, cpf_completo_exigido: false },
    });
    expect(findings[0].description).toBe(
      `O CPF do sócio ${rodrigo.nome} (${masked(rodrigo.documento!)}, 22-Sócio) é mascarado na fonte; as verificações que exigem o CPF completo não foram executadas para ele: ` +
        "Receita Federal — situação do CPF, CNJ BNMP — mandados de prisão, CNJ/CGU — condenações por improbidade administrativa, " +
        "Protestos em cartório, CNJ SEEU — execuções penais, Justiça Federal — processos criminais, TSE — doações de campanha, ICIJ Offshore Leaks. " +
        "O template não as exige: a decisão da empresa considera a triagem do sócio nas listas.",
    );
  });

  it("require_full_cpf: true → the company on hold, the partner's reason naming the checks not run", async () => {
    const rodrigo = CLEAN_COMPANY.partners[0];
    const run = await liveRun(CLEAN_COMPANY.cnpj, strictTemplateId);
    expect(run).toMatchObject({ status: "completed", decision: "approved", operative_decision: "hold", risk_band: "medio" });
    expect(run.triggered_rules).toEqual([{ source: "partner_runs", on_hit: "review", effect: "hold" }]);
    const p = partnerNamed(run, rodrigo.nome);
    expect(p).toMatchObject({ screened_by: "lists", decision: "approved", operative_decision: "hold" });
    expect(p.reason).toMatch(/^o template exige as verificações que dependem do CPF completo \(require_full_cpf\), não executadas para este sócio: Receita Federal — situação do CPF, /);
    const findings = (await get(`/api/v1/bureau/runs/${run.id}/analysis`)).analysis.findings;
    expect(findings.find((f: { check: string }) => f.check === "socio_sem_triagem").description).toContain(p.reason);
    expect(findings.find((f: { check: string }) => f.check === "socio_sem_cpf_completo")).toMatchObject({ severity: "medio", evidence: { cpf_completo_exigido: true } });
  });

  it("no partner template to screen with → the masked partner shown as a lists partner that was not screened (no run), the company never approved", async () => {
    const rodrigo = CLEAN_COMPANY.partners[0];
    const run = await liveRun(CLEAN_COMPANY.cnpj, await companyTemplate(tenantId, { template_id: "tpl_nao_publicado" }));
    expect(run.operative_decision).not.toBe("approved");
    expect(partnerNamed(run, rodrigo.nome)).toMatchObject({
      run_id: null,
      screened_by: "lists",
      status: "failed",
      reason: "a análise do sócio não foi iniciada: template de sócios indisponível",
    });
  });

  it("a list not ready → the partner's screening incomplete: the company on hold with the reason, never approved", async () => {
    const restore = await unseedList("uk_fcdo", "loading");
    try {
      const run = await liveRun(CLEAN_COMPANY.cnpj);
      expect(run).toMatchObject({ status: "completed", decision: "approved", operative_decision: "hold" });
      const p = run.partner_runs[0];
      expect(p.sources.find((s: { source: string }) => s.source === "uk_sanctions")).toEqual({ source: "uk_sanctions", status: "ERROR", reason: listNotReadyReason("uk_fcdo") });
      expect(p.reason).toBe(`a triagem do sócio nas listas ficou incompleta: Reino Unido — UK Sanctions List (FCDO) (${listNotReadyReason("uk_fcdo")})`);
    } finally {
      await restore();
    }
  });

  it("a name alone on a sanctions list → a possible match, review; approving the company's case waits for a second person", async () => {
    const tenant = await createTenant(100);
    const n = Date.now().toString(36);
    const [ana, bruno] = [`ana.${n}@cliente.com.br`, `bruno.${n}@cliente.com.br`];
    expect((await admin("POST", `/tenants/${tenant.id}/users`, { email: ana, role: "analyst" })).status).toBe(201);
    expect((await admin("POST", `/tenants/${tenant.id}/users`, { email: bruno, role: "approver" })).status).toBe(201);
    const caseKey = await createKey(tenant.id, "live", ALL_SCOPES);
    const res = await createRun(caseKey, { template_id: await companyTemplate(tenant.id, {}), parametros: { cnpj: SANCTIONED_NAME.cnpj } });
    expect(res.status).toBe(202);
    const run = await runToEnd(caseKey, ((await res.json()) as { run_id: string }).run_id);
    expect(run).toMatchObject({ decision: "review", operative_decision: "review" });
    const p = partnerNamed(run, SANCTIONED_NAME.partners[1].nome);
    expect(p).toMatchObject({ decision: "review", matches: [expect.objectContaining({ fonte: "ofac_sdn", entity_id: "4402", correspondencia: "possivel" })] });
    expect(p.sources.find((s: { source: string }) => s.source === "ofac_sdn")).toEqual({ source: "ofac_sdn", status: "INVALID", possible_match: true });
    // The company's own sources are clean: only the partner's screening found the sanctions candidate.
    const body = { outcome: "approved", reason_code: "false_positive", note: NOTE, actor: ana };
    expect(await caseActionOk(caseKey, run.case_id, "resolve", body)).toMatchObject({ status: "pending_approval", proposal: { outcome: "approved", by: ana } });
    expect((await caseActionOk(caseKey, run.case_id, "approve", { actor: bruno })).resolution).toMatchObject({ outcome: "approved", approved_by: bruno });
  });

  it("a provider's QSA that masks a partner's CPF is screened the same way (visible digits read off the mask)", async () => {
    const camila = PEP_COMPANY.partners[0];
    liveTransport.extraConfig = { SOURCE_URL_RECEITA_FEDERAL_CNPJ: "https://provider.example.com/cnpj", SOURCE_TOKEN_RECEITA_FEDERAL_CNPJ: "tok" };
    liveTransport.fetch = (async () =>
      new Response(
        JSON.stringify({
          status: "VALID",
          checks: { situacao_cadastral: "VALID", qsa: "VALID" },
          data: { razao_social: "EMPRESA DO PROVEDOR LTDA", qsa: [{ nome: camila.nome, documento: masked(camila.documento!), tipo: "pf", qualificacao: "49-Sócio-Administrador", faixa_etaria: 5 }] },
        }),
        { status: 200, headers: { "content-type": "application/json" } },
      )) as typeof fetch;
    const run = await liveRun("11.222.333/0001-81");
    expect(run).toMatchObject({ decision: "review" });
    expect(run.partner_runs).toEqual([expect.objectContaining({ run_id: null, screened_by: "lists", decision: "review", document: masked(camila.documento!) })]);
  });

  it("a restarted company object does not search a partner it already has an outcome for", async () => {
    const [first, second] = TWO_PARTNERS.partners;
    const digits = (p: typeof first) => p.documento!.slice(3, 9);
    const runId = await startRun(TWO_PARTNERS.cnpj);
    const stub = env.RUN.get(env.RUN.idFromName(runId));
    const searches: SearchQuery[] = [];
    let killed = false;
    engineSearches.before = (q) => {
      searches.push(q);
      // The object dies (eviction, runtime restart) while the second partner's lists are being searched.
      if (!killed && q.masked_cpf === digits(second)) {
        killed = true;
        runObjectStates.get(env.RUN.idFromName(runId).toString())!.abort("injected: the object was restarted");
        throw new Error("injected: the object was restarted");
      }
    };
    await expect(runDurableObjectAlarm(stub)).rejects.toThrow("injected: the object was restarted");
    expect(killed).toBe(true);
    const before = searches.filter((q) => q.masked_cpf === digits(first)).length;
    expect(before).toBe(LIST_SOURCES.length);

    const run = await runToEnd(key, runId);
    expect(run).toMatchObject({ status: "completed", decision: "approved", operative_decision: "approved" });
    expect(run.partner_runs.map((p: { name: string; screened_by: string }) => [p.name, p.screened_by])).toEqual([
      [first.nome, "lists"],
      [second.nome, "lists"],
    ]);
    // The first partner's outcome was stored before the restart: its lists were searched once, never again.
    expect(searches.filter((q) => q.masked_cpf === digits(first))).toHaveLength(LIST_SOURCES.length);
    const calls = (await get(`/api/v1/bureau/runs/${runId}/detail`)).calls.filter((c: { partner?: string }) => c.partner === masked(first.documento!));
    expect(calls.map((c: { source: string }) => c.source).sort()).toEqual([...LIST_SOURCES].sort());
    // The second partner was searched again in full after the restart.
    expect(searches.filter((q) => q.masked_cpf === digits(second)).length).toBeGreaterThanOrEqual(LIST_SOURCES.length + 1);
  });
});

describe("partner_runs.require_full_cpf in the template model", () => {
  it("is accepted, stored and shown by the admin plane and GET /bureau/templates (false when not given)", async () => {
    const admins = (await (await admin("GET", "/templates")).json<{ data: any[] }>()).data;
    expect(admins.find((t) => t.id === strictTemplateId).partner_runs).toEqual({ template_id: "tpl_pf_padrao", max_partners: 5, require_full_cpf: true });
    expect(admins.find((t) => t.id === templateId).partner_runs).toEqual({ template_id: "tpl_pf_padrao", max_partners: 5, require_full_cpf: false });
    expect((await get(`/api/v1/bureau/templates/${strictTemplateId}`)).partner_runs).toEqual({ template_id: "tpl_pf_padrao", max_partners: 5, require_full_cpf: true });
    expect((await get("/api/v1/bureau/templates/tpl_pj_padrao")).partner_runs).toEqual({ template_id: "tpl_pf_padrao", max_partners: 20, require_full_cpf: false });
  });

  it("anything but a boolean → 400 invalid_request naming the field", async () => {
    const err = await expectError(
      await admin("POST", "/templates", {
        name: "Sócios",
        subject_type: "pj",
        parametros_schema: { type: "object", properties: { cnpj: { type: "string" } } },
        sources: [{ source: "receita_federal_cnpj", phase: "critical", on_hit: "block" }],
        partner_runs: { template_id: "tpl_pf_padrao", max_partners: 5, require_full_cpf: "sim" },
      }),
      { status: 400, code: "invalid_request", param: "partner_runs.require_full_cpf" },
    );
    expect(err.invalid_params?.map((p) => p.name)).toEqual(["partner_runs.require_full_cpf"]);
  });
});
