// The company registry (contract §18) end to end in workerd: the fixture month
// (every quirk of reference/cnpj-open-data.md §7, alphanumeric CNPJs, branches)
// built by the same code a runner runs, published by the service the Cron
// Trigger calls, and read through GET /api/v1/companies/{cnpj} against the
// generator's truth.json; the admin view; the guards that keep the previous
// month serving.
import { env } from "cloudflare:workers";
import { strToU8, zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";
import { formatCnpj } from "../src/domain/documents";
import { checkBuilds, publishBuild, startBuild } from "../src/registry/service";
import { FAILED_KEY } from "../src/registry/build";
import { admin, call, createKey, createTenant, expectError } from "./helpers/api";
import { buildAndPublish, companyOf, FIXTURE_FILES, TRUTH } from "./helpers/registry";

let key: string;
const lookup = (cnpj: string, k = key) => call("GET", `/api/v1/companies/${encodeURIComponent(cnpj)}`, { key: k });
const lookupOk = async (cnpj: string) => {
  const res = await lookup(cnpj);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Record<string, any>;
};
const maskedCpf = (cpf: string) => `***${cpf.slice(3, 9)}**`;

beforeAll(async () => {
  const tenant = await createTenant();
  key = await createKey(tenant.id, "test", ["registry:read"]);
});

describe("before any month is loaded", () => {
  it("a lookup → 503 registry_not_ready; the admin view says empty", async () => {
    await expectError(await lookup("11.222.333/0001-81"), { status: 503, code: "registry_not_ready", type: "api_error" });
    const res = await admin("GET", "/registry");
    expect(await res.json()).toEqual({ status: "empty", version: null, building_since: null, last_error: null });
  });
});

describe("the fixture month", () => {
  beforeAll(async () => {
    const { outcome } = await buildAndPublish("2026-08");
    expect(outcome).toMatchObject({ status: "ready" });
  });

  it("serves with the counts of the files; the admin view says ready", async () => {
    const res = await admin("GET", "/registry");
    const body = await res.json<any>();
    expect(body).toMatchObject({
      status: "ready",
      version: { month: "2026-08", extraction_date: "2026-08-08", companies: 48, establishments: 64, partners: 73 },
      building_since: null,
      last_error: null,
    });
  });

  it("every establishment of every company answers as the truth says, whatever the quirk in its row", async () => {
    for (const c of TRUTH.companies) {
      for (const t of c.establishments) {
        const got = await lookupOk(t.cnpj);
        const where = `${t.cnpj} ${c.quirks.join(",")}`;
        expect(got.cnpj, where).toBe(formatCnpj(t.cnpj));
        expect(got.cnpj_root, where).toBe(c.cnpj_basico);
        expect(got.matriz, where).toBe(t.matriz_filial === "1");
        // An entrepreneur's CPF in the name is masked as the file masks partners.
        const name = c.cpf_in_razao_social ? c.razao_social.replace(c.cpf_in_razao_social, maskedCpf(c.cpf_in_razao_social)) : c.razao_social;
        expect(got.razao_social, where).toBe(name);
        expect(got.situacao_cadastral, where).toEqual({
          code: t.situacao,
          label: t.situacao_descricao,
          since: t.data_situacao_cadastral,
          reason: { code: t.motivo_situacao_cadastral, label: t.motivo_descricao },
        });
        expect(got.data_abertura, where).toBe(t.data_inicio_atividade);
        expect(got.cnae_principal.code, where).toBe(t.cnae_principal);
        expect(got.cnaes_secundarios.map((s: { code: string }) => s.code), where).toEqual(t.cnaes_secundarios);
        expect(got.endereco, where).toMatchObject({
          logradouro: `${t.tipo_logradouro} ${t.logradouro}`,
          numero: t.numero,
          cep: t.cep,
          uf: t.uf,
          municipio: { code: t.municipio, label: t.municipio_nome },
        });
        if (!t.lossy_fields.includes("complemento")) expect(got.endereco.complemento, where).toBe(t.complemento);
        if (!t.lossy_fields.includes("nome_fantasia")) expect(got.nome_fantasia, where).toBe(t.nome_fantasia);
        expect(got.natureza_juridica, where).toEqual({ code: c.natureza_juridica, label: c.natureza_juridica_descricao });
        expect(got.porte.code, where).toBe(c.porte);
        expect(got.capital_social, where).toBe(Number(c.capital_social));
        expect(got.estabelecimentos, where).toBe(c.establishments.length);
        expect(got.source).toEqual({ month: "2026-08", extraction_date: "2026-08-08" });
        expect(got.socios.length, where).toBe(c.partners.length);
        for (const p of c.partners) {
          const s = got.socios.find((x: { nome: string; desde: string }) => x.nome === p.nome && x.desde === p.data_entrada);
          expect(s, `${where} ${p.nome}`).toBeDefined();
          expect(s.tipo).toBe({ "1": "pj", "2": "pf", "3": "estrangeiro" }[p.identificador]);
          expect(s.qualificacao).toEqual({ code: p.qualificacao, label: p.qualificacao_descricao });
          const doc = p.documento === "***999999**" ? null : p.documento && p.identificador === "1" ? formatCnpj(p.documento) : p.documento;
          expect(s.documento, `${where} ${p.nome}`).toBe(doc);
          if (p.identificador === "2") expect(s.documento).toMatch(/^\*{3}\d{6}\*{2}$/);
          expect(s.faixa_etaria, `${where} ${p.nome}`).toEqual(p.faixa_etaria === "0" ? null : { code: p.faixa_etaria, label: p.faixa_etaria_descricao });
        }
        if (c.simples) {
          expect(got.simples).toEqual({
            optante: c.simples.opcao_pelo_simples === null ? null : c.simples.opcao_pelo_simples === "S",
            desde: c.simples.data_opcao_pelo_simples,
            ate: c.simples.data_exclusao_do_simples,
          });
          expect(got.mei.optante).toBe(c.simples.opcao_pelo_mei === "S");
        } else expect(got.simples).toBeNull();
      }
    }
  });

  it("quirks, one by one: impossible and zero dates null, 7-digit CEP padded, ';' inside a field, a trailing backslash, an orphan code's label null", async () => {
    const invalid = companyOf((c) => c.quirks.includes("invalid_date"));
    expect(invalid.establishments[0].data_situacao_cadastral_raw).toBe("2021221");
    expect((await lookupOk(invalid.cnpj)).situacao_cadastral.since).toBeNull();
    const zero = companyOf((c) => c.quirks.includes("zero_date_abertura"));
    expect((await lookupOk(zero.cnpj)).data_abertura).toBeNull();
    const cep = companyOf((c) => c.quirks.includes("cep_7_digits"));
    expect(cep.establishments[0].cep_raw).toHaveLength(7);
    expect((await lookupOk(cep.cnpj)).endereco.cep).toBe(`0${cep.establishments[0].cep_raw}`);
    const semicolon = companyOf((c) => c.quirks.includes("semicolon_in_field"));
    expect((await lookupOk(semicolon.cnpj)).endereco.complemento).toBe("LOTE 01;QUADRA 73");
    const backslash = companyOf((c) => c.quirks.includes("trailing_backslash"));
    expect((await lookupOk(backslash.cnpj)).razao_social).toMatch(/ \\$/);
    const orphan = companyOf((c) => c.quirks.includes("orphan_motivo"));
    expect((await lookupOk(orphan.cnpj)).situacao_cadastral.reason).toEqual({ code: "32", label: null });
    const quoted = companyOf((c) => c.quirks.includes("embedded_quote"));
    expect((await lookupOk(quoted.cnpj)).razao_social).toMatch(/^BAR "O [A-Z]+" LTDA$/);
  });

  it("a NUL byte inside a field is dropped (the hostile rows)", async () => {
    const hostile = TRUTH.companies.flatMap((c) => c.establishments).find((t) => t.lossy_fields.includes("complemento"));
    expect(hostile).toBeDefined();
    expect((await lookupOk(hostile!.cnpj)).endereco.complemento).toBe("SALA12");
  });

  it("an entrepreneur's CPF in the company name is masked; a formatted CNPJ root in a name is kept", async () => {
    const mei = companyOf((c) => c.cpf_in_razao_social !== null);
    const got = await lookupOk(mei.cnpj);
    expect(got.razao_social).not.toContain(mei.cpf_in_razao_social);
    expect(got.razao_social).toMatch(/ \*{3}\d{6}\*{2}$/);
    const prefixed = companyOf((c) => c.quirks.includes("cnpj_prefix_in_name"));
    expect((await lookupOk(prefixed.cnpj)).razao_social).toBe(prefixed.razao_social);
  });

  it("an alphanumeric CNPJ, in any case and punctuation, and its alphanumeric branch, which answers as itself", async () => {
    const alnum = companyOf((c) => c.quirks.includes("alnum_cnpj") && c.establishments.length > 1);
    const branch = alnum.establishments[1];
    expect(branch.cnpj).toMatch(/[A-Z]/);
    const got = await lookupOk(formatCnpj(branch.cnpj).toLowerCase());
    expect(got).toMatchObject({ cnpj: formatCnpj(branch.cnpj), matriz: false, situacao_cadastral: { code: branch.situacao } });
    expect(got.endereco.cep).toBe(branch.cep);
    const head = await lookupOk(alnum.cnpj);
    expect(head).toMatchObject({ matriz: true, estabelecimentos: 2 });
  });

  it("no e-mail or telephone anywhere: not in the answer, not in what the build stored", async () => {
    const withContact = companyOf((c) => c.establishments.length > 0);
    const got = await lookupOk(withContact.cnpj);
    expect(JSON.stringify(got)).not.toMatch(/@|telefone|email|ddd/i);
    const listed = await env.REGISTRY.list({ prefix: "cnpj/2026-08/" });
    const blocks = listed.objects.filter((o) => o.key.includes("/blocks/"));
    expect(blocks.length).toBeGreaterThan(1);
    for (const o of blocks) {
      const obj = await env.REGISTRY.get(o.key);
      const text = await new Response(obj!.body.pipeThrough(new DecompressionStream("gzip"))).text();
      expect(text).not.toMatch(/@|\.COM\.BR/);
    }
  });

  it("400 invalid_document for bad check digits or length; 404 company_not_found for a valid CNPJ the month lacks; 403 without registry:read", async () => {
    await expectError(await lookup("11.222.333/0001-82"), { status: 400, code: "invalid_document", param: "cnpj" });
    await expectError(await lookup("123"), { status: 400, code: "invalid_document" });
    await expectError(await lookup("11.222.333/0001-81"), { status: 404, code: "company_not_found" });
    // A root the month has, with an establishment it lacks.
    const c = companyOf((x) => x.establishments.length === 1 && /^\d+$/.test(x.cnpj));
    const base = `${c.cnpj_basico}0009`;
    const { cnpjCheckDigits } = await import("../src/domain/documents");
    await expectError(await lookup(base + cnpjCheckDigits(base)), { status: 404, code: "company_not_found" });
    const tenant = await createTenant();
    const other = await createKey(tenant.id, "test", ["runs:read"]);
    await expectError(await lookup(c.cnpj, other), { status: 403, code: "insufficient_scope" });
  });
});

describe("guards: a new month serves only when complete and plausible; the previous one serves until then", () => {
  const servingMonth = async () => (await lookupOk(TRUTH.companies[0].cnpj)).source.month;

  it("a month missing a file → error naming it, nothing built; the previous month keeps serving", async () => {
    const { Socios3: _gone, ...rest } = Object.fromEntries(Object.entries(FIXTURE_FILES).map(([k, v]) => [k.replace(".zip", ""), v]));
    const files = Object.fromEntries(Object.entries(rest).map(([k, v]) => [`${k}.zip`, v]));
    const { id, outcome } = await buildAndPublish("2026-09", files);
    expect(outcome).toEqual({ status: "error", message: "Mês 2026-09 incompleto: falta o arquivo Socios3.zip." });
    expect((await env.REGISTRY.list({ prefix: `cnpj/2026-09/${id}/blocks/` })).objects).toEqual([]);
    const view = await (await admin("GET", "/registry")).json<any>();
    expect(view).toMatchObject({ status: "error", version: { month: "2026-08" }, last_error: { month: "2026-09", message: expect.stringContaining("Socios3.zip") } });
    expect(await servingMonth()).toBe("2026-08");
  });

  it("the drop guard: a month that lost a file's companies (an empty Empresas0) is refused", async () => {
    const emptyEmpresas0 = zipSync({ "K3241.K03200Y0.D60808.EMPRECSV": strToU8("") });
    const { outcome } = await buildAndPublish("2026-09", { ...FIXTURE_FILES, "Empresas0.zip": emptyEmpresas0 });
    expect(outcome.status).toBe("error");
    expect((outcome as { message: string }).message).toMatch(/^Queda de \d+\.\d% em empresas \(48 → \d+\) em relação ao mês em uso; o limite é 5\.0%\.$/);
    expect(await servingMonth()).toBe("2026-08");
  });

  it("a control row missing → refused", async () => {
    const db = createDb(env.DB);
    const { row } = await startBuild(db, "2026-10", "test", new Date());
    const first = await buildAndPublishInto(row.id, row.prefix);
    expect(first).toBe(true);
    const outcome = await publishBuild(db, env.REGISTRY, row.id, { controls: [{ cnpj_root: "00000000", razao_social_prefix: "BANCO DO BRASIL" }], maxDrop: 0.05 }, new Date());
    expect(outcome).toEqual({ status: "error", message: "Linha de controle ausente: a raiz 00000000 não está no mês." });
    expect(await servingMonth()).toBe("2026-08");
  });

  it("a complete, plausible month switches at once; the previous month's objects stay", async () => {
    const { outcome } = await buildAndPublish("2026-09");
    expect(outcome.status).toBe("ready");
    expect(await servingMonth()).toBe("2026-09");
    expect((await env.REGISTRY.list({ prefix: "cnpj/2026-08/" })).objects.length).toBeGreaterThan(2);
  });
});

/** Writes the fixture month's build under an existing build's prefix (the runner's part only). */
async function buildAndPublishInto(id: string, prefix: string): Promise<boolean> {
  const { buildMonth, MemoryGrouper } = await import("../src/registry/build");
  const { memorySource } = await import("./helpers/registry");
  await buildMonth({
    month: "2026-10",
    buildId: id,
    source: memorySource(FIXTURE_FILES),
    grouper: new MemoryGrouper(),
    sink: { put: async (k, body) => void (await env.REGISTRY.put(`${prefix}${k}`, body)) },
    now: () => new Date(),
  });
  return true;
}

describe("POST /admin/v1/registry/refresh", () => {
  it("202 building; the same month again is the same build; a runner's failure is recorded by the minute check", async () => {
    const res = await admin("POST", "/registry/refresh", { month: "2026-11" });
    expect(res.status).toBe(202);
    const first = await res.json<any>();
    expect(first).toMatchObject({ status: "building", building_since: expect.any(String) });
    const again = await (await admin("POST", "/registry/refresh", { month: "2026-11" })).json<any>();
    expect(again.building_since).toBe(first.building_since);
    const row = await env.DB.prepare("SELECT id, prefix FROM registry_builds WHERE month = '2026-11'").first<{ id: string; prefix: string }>();
    expect(await checkBuilds(env, new Date())).toEqual(expect.arrayContaining([{ id: row!.id, outcome: "pending" }]));
    await env.REGISTRY.put(`${row!.prefix}${FAILED_KEY}`, JSON.stringify({ message: "Empresas3.zip: HTTP 503" }));
    expect(await checkBuilds(env, new Date())).toEqual([{ id: row!.id, outcome: "error" }]);
    const view = await (await admin("GET", "/registry")).json<any>();
    expect(view).toMatchObject({ status: "error", version: { month: "2026-09" }, last_error: { month: "2026-11", message: "Empresas3.zip: HTTP 503" } });
  });

  it("a month that is no YYYY-MM (2021-03 on) → 400", async () => {
    await expectError(await admin("POST", "/registry/refresh", { month: "2026-13" }), { status: 400, code: "invalid_request" });
    await expectError(await admin("POST", "/registry/refresh", { month: "2020-01" }), { status: 400, code: "invalid_request" });
  });
});

describe("asking a builder for a build", () => {
  const GITHUB = "https://api.github.com/repos/kycert/kycert-edge/actions/workflows/registry.yml/dispatches";
  const withBuilder = (url: string) => ({ ...env, REGISTRY_BUILDER_URL: url, REGISTRY_BUILDER_TOKEN: "ghp_test" }) as Env;

  it("a GitHub workflow gets its dispatch shape; the daily cron asks for the current month once", async () => {
    const { scheduledRegistryRefresh } = await import("../src/registry/service");
    const sent: { url: string; auth: string | null; body: any }[] = [];
    const fetcher = (async (req: Request) => {
      sent.push({ url: req.url, auth: req.headers.get("authorization"), body: await req.json() });
      return new Response(null, { status: 204 });
    }) as unknown as typeof fetch;
    expect(await scheduledRegistryRefresh(withBuilder(GITHUB), new Date("2027-02-03T09:41:00Z"), fetcher)).toBe("2027-02");
    expect(sent).toHaveLength(1);
    const row = await env.DB.prepare("SELECT id, prefix, status FROM registry_builds WHERE month = '2027-02'").first<{ id: string; prefix: string; status: string }>();
    expect(sent[0]).toEqual({
      url: GITHUB,
      auth: "Bearer ghp_test",
      body: { ref: "main", inputs: { build_id: row!.id, month: "2027-02", source_url: "https://arquivos.receitafederal.gov.br/public.php/webdav/2027-02", prefix: row!.prefix } },
    });
    expect(row!.status).toBe("building");
    // Building already: the next day asks nothing.
    expect(await scheduledRegistryRefresh(withBuilder(GITHUB), new Date("2027-02-04T09:41:00Z"), fetcher)).toBeNull();
    expect(sent).toHaveLength(1);
    // No builder configured: nobody to ask.
    expect(await scheduledRegistryRefresh(env, new Date("2027-03-04T09:41:00Z"), fetcher)).toBeNull();
  });

  it("a builder that refuses → the build is an error at once, naming the status", async () => {
    const { requestRegistryRefresh } = await import("../src/registry/service");
    const view = await requestRegistryRefresh(withBuilder("https://builder.example.com/builds"), "2027-04", new Date("2027-04-05T00:00:00Z"), (async () => new Response("no", { status: 401 })) as unknown as typeof fetch);
    expect(view).toMatchObject({ status: "error", last_error: { month: "2027-04", message: "O construtor recusou o pedido (HTTP 401)." } });
  });
});
