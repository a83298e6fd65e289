// Live runs screened against the loaded lists (contract §14, "Runs"): the
// sources of the §14 table answer from the lists when no provider is configured
// for them — a strong or document match is a hit (the template's on_hit), a
// possible match makes the run review (never rejected) and lists the
// candidates, a list without a version is an ERROR, and every list-backed
// result records the list versions it used (shown in /detail). Every other
// source is a scripted generic-protocol provider; the network is never reached.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SOURCE_CATALOG, SOURCE_KEYS } from "../src/sources/catalog";
import { LISTS_BY_SOURCE, listNotReadyReason } from "../src/sources/lists";
import { NOT_CONFIGURED_REASON } from "../src/sources/live/config";
import type { ListId } from "../src/screening/types";
import { call, createKey, createRun, createTenant, runToEnd } from "./helpers/api";
import { listed, seedList, unseedList, type LoadedVersion } from "./helpers/screening-seed";
import { liveTransport, resetLiveTransport } from "./helpers/transports";

const PROVIDER = "https://provider.example.com";
const LIST_BACKED = Object.keys(LISTS_BY_SOURCE);

const CPF_A = "52998224725"; // visible digits 982247 (the listed PEP's)
const CPF_B = "11144477735";
const CNPJ_LISTED = "11222333000181";

let versions: Record<ListId, LoadedVersion>;

beforeAll(async () => {
  const loaded = await Promise.all([
    seedList("ofac_sdn", [
      listed({ list: "ofac_sdn", entity_id: "7281", name: "SALEK, Abdulhai", birth_dates: ["1968"], programs: ["SDGT"], listed_on: "2012-06-14" }),
      listed({ list: "ofac_sdn", entity_id: "9647", name: "BOUT, Viktor Anatolijevitch", programs: ["SDGT"] }),
    ]),
    seedList("ofac_cons", [listed({ list: "ofac_cons", entity_id: "c-1", entity_type: "organization", name: "SALEK TRADING COMPANY LLC" })]),
    seedList("un_sc", [listed({ list: "un_sc", entity_id: "6908425", name: "ABDUL HAI SALEK", birth_dates: ["1967", "1968", "1969"] })]),
    seedList("eu_fsf", [listed({ list: "eu_fsf", entity_id: "eu-1", name: "Ivan PETROV" })]),
    seedList("uk_fcdo", [listed({ list: "uk_fcdo", entity_id: "RUS0001", name: "Ivan PETROV" })]),
    seedList("cgu_ceis", [
      listed({
        list: "cgu_ceis",
        entity_id: `${CNPJ_LISTED}:1`,
        entity_type: "organization",
        name: "CONSTRUTORA EXEMPLO LTDA",
        documents: [{ kind: "cnpj", value: CNPJ_LISTED }],
        programs: ["Inidoneidade"],
        details: { categoria: "Inidoneidade", orgao_sancionador: "Ministério da Saúde", processo: "25000.1/2024", data_inicio: "2024-01-10", data_fim: "2099-01-01" },
      }),
    ]),
    seedList("cgu_cnep", [listed({ list: "cgu_cnep", entity_id: "x:1", entity_type: "organization", name: "EMPRESA MULTADA SA" })]),
    seedList("cgu_pep", [
      listed({
        list: "cgu_pep",
        entity_id: "982247:a",
        name: "MARIA APARECIDA DOS SANTOS",
        documents: [{ kind: "cpf_masked", value: "982247" }],
        programs: ["PEP"],
        details: { funcao: "Prefeito", orgao: "Prefeitura de Exemplo", inicio_exercicio: "2021-01-01", fim_carencia: "2099-12-31" },
      }),
      listed({
        list: "cgu_pep",
        entity_id: "444777:b",
        name: "JOAO BATISTA LIMA",
        documents: [{ kind: "cpf_masked", value: "444777" }],
        programs: ["PEP"],
        active: false,
        details: { funcao: "Vereador", orgao: "Câmara Municipal de Exemplo", fim_carencia: "2019-12-31" },
      }),
    ]),
    seedList("mte_empregadores", [listed({ list: "mte_empregadores", entity_id: "m:1", name: "ANTONIO FAZENDEIRO", documents: [{ kind: "cpf", value: "12345678909" }] })]),
  ]);
  versions = Object.fromEntries(loaded.map((v) => [v.id, v])) as Record<ListId, LoadedVersion>;
});

/** Generic-protocol providers for `keys` (default: every source the lists do not back); all VALID. */
function providers(keys: string[] = SOURCE_KEYS.filter((k) => !LIST_BACKED.includes(k)), qsa: unknown[] = []) {
  const calls: Record<string, number> = {};
  liveTransport.extraConfig = Object.fromEntries(
    keys.flatMap((k) => [
      [`SOURCE_URL_${k.toUpperCase()}`, `${PROVIDER}/${k}`],
      [`SOURCE_TOKEN_${k.toUpperCase()}`, "tok_test"],
    ]),
  );
  liveTransport.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const key = new URL(new Request(input as RequestInfo, init as RequestInit).url).pathname.split("/")[1] as keyof typeof SOURCE_CATALOG;
    calls[key] = (calls[key] ?? 0) + 1;
    const checks = Object.fromEntries(SOURCE_CATALOG[key].checks.map((c) => [c, "VALID"]));
    const data = key === "receita_federal_cnpj" ? { razao_social: "EMPRESA DO TESTE LTDA", qsa } : { fonte: key };
    return new Response(JSON.stringify({ status: "VALID", checks, data }), { status: 200, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return calls;
}

beforeEach(() => {
  providers();
});
afterEach(resetLiveTransport);

async function liveKey() {
  const tenant = await createTenant(500);
  return createKey(tenant.id, "live", ["runs:write", "runs:read", "detail:read", "cases:read"]);
}

async function livePf(nome: string, cpf = CPF_B, extra: Record<string, string> = {}) {
  const key = await liveKey();
  const res = await createRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf, nome, ...extra } });
  expect(res.status, await res.clone().text()).toBe(202);
  const run = await runToEnd(key, ((await res.json()) as { run_id: string }).run_id);
  return { key, run };
}

const get = async (key: string, path: string) => {
  const res = await call("GET", path, { key });
  expect(res.status).toBe(200);
  return res.json<any>();
};
const sourceOf = (run: any, s: string) => run.sources.find((x: { source: string }) => x.source === s);
const detailOf = (detail: any, s: string) => detail.sources.find((x: { source: string }) => x.source === s);
const versionsOf = (...ids: ListId[]) => ids.map((id) => ({ id, sha256: versions[id].sha256, fetched_at: versions[id].fetched_at }));

describe("live runs screened against the lists", () => {
  it("a clean name: every list-backed source VALID from the lists, no provider call for them, versions recorded in /detail", async () => {
    const calls = providers();
    const { key, run } = await livePf("Herculano Quintanilha Borba");
    expect(run).toMatchObject({ status: "completed", decision: "approved", operative_decision: "approved", livemode: true });
    for (const s of LIST_BACKED) {
      expect(sourceOf(run, s), s).toMatchObject({ status: "VALID", attempts: 1 });
      expect(calls[s], s).toBeUndefined();
    }
    const detail = await get(key, `/api/v1/bureau/runs/${run.id}/detail`);
    expect(detailOf(detail, "ofac_sdn").data).toMatchObject({
      listas: versionsOf("ofac_sdn", "ofac_cons"),
      consulta: { nome: "Herculano Quintanilha Borba", limiar: 0.8 },
      matches: [],
    });
    const backing: Record<string, ListId[]> = {
      un_sanctions: ["un_sc"],
      eu_sanctions: ["eu_fsf"],
      uk_sanctions: ["uk_fcdo"],
      pep_coaf: ["cgu_pep"],
      cgu_ceis: ["cgu_ceis"],
      cgu_cnep: ["cgu_cnep"],
      sit_trabalho_escravo: ["mte_empregadores"],
    };
    for (const [s, ids] of Object.entries(backing)) expect(detailOf(detail, s).data.listas, s).toEqual(versionsOf(...ids));
  });

  it("a listed name with an agreeing birth year (strong match) on ofac_sdn, a critical `block` source → rejected; the sources after it are skipped", async () => {
    const { key, run } = await livePf("Abdulhai Salek", CPF_B, { data_nascimento: "1968-03-02" });
    expect(run).toMatchObject({ status: "completed", decision: "rejected", risk_band: "alto" });
    expect(sourceOf(run, "ofac_sdn")).toMatchObject({ status: "INVALID", checks: { sancoes_ofac: "INVALID" } });
    expect(run.triggered_rules).toEqual([{ source: "ofac_sdn", on_hit: "block", effect: "block", check: "sancoes_ofac" }]);
    expect(run.skipped_sources).toContain("un_sanctions");
    const detail = await get(key, `/api/v1/bureau/runs/${run.id}/detail`);
    const data = detailOf(detail, "ofac_sdn").data;
    expect(data.listas).toEqual(versionsOf("ofac_sdn", "ofac_cons"));
    expect(data.matches[0]).toMatchObject({
      lista: "ofac_sdn",
      entity_id: "7281",
      nome: "SALEK, Abdulhai",
      correspondencia: "forte",
      programas: ["SDGT"],
      motivos: expect.arrayContaining(["birth_year_match"]),
      explicacao: "nome idêntico ao listado; ano de nascimento confere; a lista não traz documento comparável",
    });
    const analysis = (await get(key, `/api/v1/bureau/runs/${run.id}/analysis`)).analysis;
    const finding = analysis.findings.find((f: { source: string }) => f.source === "ofac_sdn");
    expect(finding).toMatchObject({ severity: "critico", title: "Correspondência na lista OFAC SDN" });
    expect(finding.description).toContain('"SALEK, Abdulhai" (similaridade 1,00; nome idêntico ao listado; ano de nascimento confere');
  });

  it("a birth date given as DD/MM/AAAA is the same evidence: the homonym born 02/03/1985 is cleared", async () => {
    const { key, run } = await livePf("Abdulhai Salek", CPF_B, { data_nascimento: "02/03/1985" });
    expect(run).toMatchObject({ status: "completed", decision: "approved" });
    const data = detailOf(await get(key, `/api/v1/bureau/runs/${run.id}/detail`), "ofac_sdn").data;
    expect(data.descartados).toEqual([
      { lista: "ofac_sdn", entity_id: "7281", nome_correspondente: "SALEK, Abdulhai", motivo: "birth_date_conflict", detalhe: "nascimento em 1985-03-02; a lista indica 1968" },
    ]);
  });

  it("the same listed name alone → review, never rejected: the run goes on, a case is opened, the finding says what was missing", async () => {
    const { key, run } = await livePf("Abdulhai Salek");
    expect(run).toMatchObject({ status: "completed", decision: "review", operative_decision: "review" });
    expect(run.case_id).toMatch(/^case_/);
    expect(run.triggered_rules).toContainEqual({ source: "ofac_sdn", on_hit: "block", effect: "review", check: "sancoes_ofac" });
    expect(run.skipped_sources).toEqual([]);
    const data = detailOf(await get(key, `/api/v1/bureau/runs/${run.id}/detail`), "ofac_sdn").data;
    expect(data.matches[0]).toMatchObject({ entity_id: "7281", correspondencia: "possivel", motivos: expect.arrayContaining(["birth_date_not_given"]) });
    expect(data.matches[0].explicacao).toContain("data de nascimento não informada");
  });

  it("a homonym whose birth date contradicts the listed one → approved; the cleared candidate is in /detail with its reason", async () => {
    const { key, run } = await livePf("Abdulhai Salek", CPF_B, { data_nascimento: "1985-03-02" });
    expect(run).toMatchObject({ status: "completed", decision: "approved", operative_decision: "approved" });
    expect(sourceOf(run, "ofac_sdn")).toMatchObject({ status: "VALID" });
    expect(run.case_id ?? null).toBeNull();
    const data = detailOf(await get(key, `/api/v1/bureau/runs/${run.id}/detail`), "ofac_sdn").data;
    expect(data.matches).toEqual([]);
    expect(data.descartados).toEqual([
      { lista: "ofac_sdn", entity_id: "7281", nome_correspondente: "SALEK, Abdulhai", motivo: "birth_date_conflict", detalhe: "nascimento em 1985-03-02; a lista indica 1968" },
    ]);
  });

  it("a possible match on ofac_sdn → review, never rejected: the run goes on, the rule is capped, the finding lists the candidate", async () => {
    const { key, run } = await livePf("Viktor Bout");
    expect(run).toMatchObject({ status: "completed", decision: "review", operative_decision: "review" });
    expect(sourceOf(run, "ofac_sdn")).toMatchObject({ status: "INVALID" });
    expect(run.triggered_rules).toEqual([{ source: "ofac_sdn", on_hit: "block", effect: "review", check: "sancoes_ofac" }]);
    expect(run.skipped_sources).toEqual([]);
    expect(sourceOf(run, "un_sanctions")).toMatchObject({ status: "VALID" });
    const analysis = (await get(key, `/api/v1/bureau/runs/${run.id}/analysis`)).analysis;
    const finding = analysis.findings.find((f: { source: string }) => f.source === "ofac_sdn");
    expect(finding).toMatchObject({ severity: "alto", title: "Possível correspondência na lista OFAC SDN" });
    expect(finding.description).toContain('"BOUT, Viktor Anatolijevitch"');
    expect(finding.evidence.matches).toEqual([
      expect.objectContaining({ lista: "ofac_sdn", entity_id: "9647", correspondencia: "possivel", nome_correspondente: "BOUT, Viktor Anatolijevitch" }),
    ]);
    expect(finding.evidence.listas).toEqual(versionsOf("ofac_sdn", "ofac_cons"));
  });

  it("a PEP found by the visible CPF digits plus the name → pep_coaf INVALID (review) with the office", async () => {
    const { key, run } = await livePf("Maria Aparecida dos Santos", CPF_A);
    expect(run).toMatchObject({ status: "completed", decision: "review" });
    expect(sourceOf(run, "pep_coaf")).toMatchObject({ status: "INVALID", checks: { pep_ativo: "INVALID" } });
    const analysis = (await get(key, `/api/v1/bureau/runs/${run.id}/analysis`)).analysis;
    const finding = analysis.findings.find((f: { source: string }) => f.source === "pep_coaf");
    expect(finding.title).toBe("Pessoa exposta politicamente (PEP)");
    expect(finding.evidence).toMatchObject({ cargo: "Prefeito", orgao: "Prefeitura de Exemplo", listas: versionsOf("cgu_pep") });
    expect(finding.evidence.matches[0]).toMatchObject({ correspondencia: "documento", motivos: expect.arrayContaining(["masked_cpf_match"]) });
  });

  it("the same name with other visible CPF digits is not the listed PEP", async () => {
    const { run } = await livePf("Maria Aparecida dos Santos", CPF_B);
    expect(sourceOf(run, "pep_coaf")).toMatchObject({ status: "VALID" });
    expect(run.decision).toBe("approved");
  });

  it("a PEP past the grace period is no hit (VALID) but is shown as information on the result", async () => {
    const { key, run } = await livePf("João Batista Lima", CPF_B);
    expect(sourceOf(run, "pep_coaf")).toMatchObject({ status: "VALID", checks: { pep_ativo: "VALID" } });
    expect(run.decision).toBe("approved");
    const data = detailOf(await get(key, `/api/v1/bureau/runs/${run.id}/detail`), "pep_coaf").data;
    expect(data.matches).toEqual([]);
    expect(data.inativos).toEqual([
      expect.objectContaining({ lista: "cgu_pep", entity_id: "444777:b", nome: "JOAO BATISTA LIMA", correspondencia: "documento" }),
    ]);
  });

  it("a list without a loaded version → that source ends in ERROR (not VALID), one attempt; tier 1 puts the run on hold", async () => {
    const restore = await unseedList("un_sc", "loading");
    try {
      const { run } = await livePf("Herculano Quintanilha Borba");
      expect(sourceOf(run, "un_sanctions")).toMatchObject({ status: "ERROR", attempts: 1, reason: listNotReadyReason("un_sc") });
      expect(run).toMatchObject({ status: "partial", decision: "approved", operative_decision: "hold" });
      expect(sourceOf(run, "eu_sanctions")).toMatchObject({ status: "VALID" });
    } finally {
      await restore();
    }
  });

  it("a configured provider wins over the lists (SOURCE_URL_<KEY>)", async () => {
    const calls = providers([...SOURCE_KEYS.filter((k) => !LIST_BACKED.includes(k)), "ofac_sdn"]);
    const { key, run } = await livePf("Abdulhai Salek");
    expect(calls.ofac_sdn).toBe(1);
    expect(sourceOf(run, "ofac_sdn")).toMatchObject({ status: "VALID" });
    expect(sourceOf(run, "un_sanctions")).toMatchObject({ status: "INVALID" }); // from the lists
    const detail = await get(key, `/api/v1/bureau/runs/${run.id}/detail`);
    expect(detailOf(detail, "ofac_sdn").data).toEqual({ fonte: "ofac_sdn" });
  });

  it("a provider configured wrongly for a list-backed source stays not configured (ERROR), not silently replaced by the lists", async () => {
    providers();
    liveTransport.extraConfig = { ...liveTransport.extraConfig, SOURCE_URL_UN_SANCTIONS: `${PROVIDER}/un_sanctions` }; // no token
    const { run } = await livePf("Herculano Quintanilha Borba");
    expect(sourceOf(run, "un_sanctions")).toMatchObject({ status: "ERROR", reason: NOT_CONFIGURED_REASON });
    expect(sourceOf(run, "eu_sanctions")).toMatchObject({ status: "VALID" }); // the lists still answer the others
  });

  it("a company: its CNPJ on CEIS is a document hit, and a QSA partner with a listed name is screened the same way", async () => {
    providers(undefined, [
      // Born 1968 per the QSA's provider: the listed SALEK's year corroborates.
      { nome: "ABDULHAI SALEK", documento: CPF_A, tipo: "pf", qualificacao: "49-Sócio-Administrador", data_nascimento: "1968-05-01" },
      { nome: "HERCULANO QUINTANILHA BORBA", documento: CPF_B, tipo: "pf", qualificacao: "22-Sócio" },
    ]);
    const key = await liveKey();
    const res = await createRun(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: "11.222.333/0001-81" } });
    expect(res.status).toBe(202);
    const company = await runToEnd(key, ((await res.json()) as { run_id: string }).run_id);
    expect(company).toMatchObject({ status: "completed", decision: "review" });
    expect(sourceOf(company, "cgu_ceis")).toMatchObject({ status: "INVALID", checks: { sancao_ativa: "INVALID" } });
    // The company's name (from Receita) is no sanctions match.
    expect(sourceOf(company, "ofac_sdn")).toMatchObject({ status: "VALID" });
    const partners = Object.fromEntries(company.partner_runs.map((p: any) => [p.name, p]));
    expect(partners["ABDULHAI SALEK"]).toMatchObject({ status: "completed", decision: "rejected" });
    expect(partners["HERCULANO QUINTANILHA BORBA"]).toMatchObject({ status: "completed", decision: "approved" });
    const detail = await get(key, `/api/v1/bureau/runs/${company.id}/detail`);
    expect(detailOf(detail, "cgu_ceis").data.sancoes).toEqual([
      { tipo: "Inidoneidade", orgao: "Ministério da Saúde", processo: "25000.1/2024", inicio: "2024-01-10", fim: "2099-01-01" },
    ]);
    expect(detailOf(detail, "cgu_ceis").data.matches[0]).toMatchObject({ correspondencia: "documento", motivos: expect.arrayContaining(["cnpj_match"]) });
    const partnerRun = await get(key, `/api/v1/bureau/runs/${partners["ABDULHAI SALEK"].run_id}`);
    expect(sourceOf(partnerRun, "ofac_sdn")).toMatchObject({ status: "INVALID" });
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM runs WHERE parent_run_id = ?").bind(company.id).first<{ n: number }>();
    expect(rows?.n).toBe(2);
  });

  it("a partner whose QSA age band excludes the listed person's birth year is not a hit; the same name alone is", async () => {
    const companyOf = async (faixa: number) => {
      providers(undefined, [{ nome: "ABDULHAI SALEK", documento: CPF_A, tipo: "pf", qualificacao: "49-Sócio-Administrador", faixa_etaria: faixa }]);
      const key = await liveKey();
      const res = await createRun(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: "11.444.777/0001-61" } });
      expect(res.status).toBe(202);
      const company = await runToEnd(key, ((await res.json()) as { run_id: string }).run_id);
      const partner = await get(key, `/api/v1/bureau/runs/${company.partner_runs[0].run_id}`);
      return { key, company, partner };
    };
    // Band 3 (21–30 years old in the run's year): born long after the listed SALEK (1968).
    const young = await companyOf(3);
    expect(sourceOf(young.partner, "ofac_sdn")).toMatchObject({ status: "VALID" });
    expect(young.partner.decision).toBe("approved");
    const cleared = detailOf(await get(young.key, `/api/v1/bureau/runs/${young.partner.id}/detail`), "ofac_sdn").data.descartados;
    expect(cleared[0]).toMatchObject({ entity_id: "7281", motivo: "birth_date_conflict" });
    expect(cleared[0].detalhe).toMatch(/^faixa etária indica nascimento entre \d{4} e \d{4}; a lista indica 1968$/);
    // Band 6 (51–60): the listed year fits; a name without corroboration is a possible match, for review.
    const fits = await companyOf(6);
    expect(sourceOf(fits.partner, "ofac_sdn")).toMatchObject({ status: "INVALID" });
    expect(fits.partner.decision).toBe("review");
  });
});

// Last in the file: it moves ofac_sdn to a new version.
describe("a run replayed against its list versions", () => {
  it("after the list changed, a search pinned to the versions the run recorded finds what the run found; the serving versions no longer do", async () => {
    const { key, run } = await livePf("Abdulhai Salek", CPF_B, { data_nascimento: "1968-03-02" });
    expect(run.decision).toBe("rejected");
    const data = detailOf(await get(key, `/api/v1/bureau/runs/${run.id}/detail`), "ofac_sdn").data;
    expect(data.listas).toEqual(versionsOf("ofac_sdn", "ofac_cons"));
    expect(data.matches[0]).toMatchObject({ entity_id: "7281", correspondencia: "forte" });

    // SALEK is delisted: ofac_sdn moves to a new version.
    await seedList("ofac_sdn", [listed({ list: "ofac_sdn", entity_id: "9647", name: "BOUT, Viktor Anatolijevitch", programs: ["SDGT"] })]);
    const tenant = await createTenant();
    const screener = await createKey(tenant.id, "live", ["screening:read"]);
    const query = { name: "Abdulhai Salek", type: "pf", document: CPF_B, birth_date: "1968-03-02", lists: data.listas.map((l: { id: string }) => l.id) };
    const search = async (body: unknown) => {
      const res = await call("POST", "/api/v1/screening/search", { key: screener, body });
      expect(res.status).toBe(200);
      return res.json<any>();
    };
    const today = await search(query);
    expect(today.lists.find((l: { id: string }) => l.id === "ofac_sdn").sha256).not.toBe(versions.ofac_sdn.sha256);
    expect(today.matches).toEqual([]);
    const replay = await search({ ...query, versions: Object.fromEntries(data.listas.map((l: { id: string; sha256: string }) => [l.id, l.sha256])) });
    expect(replay.lists).toEqual(data.listas);
    expect(replay.matches).toHaveLength(1);
    expect(replay.matches[0]).toMatchObject({ list: "ofac_sdn", entity_id: "7281", name: "SALEK, Abdulhai", strength: "strong", reasons: expect.arrayContaining(["birth_year_match"]) });
  });
});
