// Live runs with receita_federal_cnpj answered by the company registry
// (contract §18, "Runs"): no provider configured for it, so the loaded month
// answers — BAIXADA is INVALID (the template's block rejects), ATIVA is VALID
// and the QSA lists the partners as the file masks them; no month loaded, or a
// CNPJ the month lacks, is an ERROR (hold), never VALID. A provider configured
// for the source still wins. The network is never reached.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { REGISTRY_NOT_READY_REASON } from "../src/sources/registry";
import { admin, call, createKey, createRun, createTenant, runToEnd } from "./helpers/api";
import { buildAndPublish, companyOf } from "./helpers/registry";
import { liveTransport, resetLiveTransport } from "./helpers/transports";

let key: string;
let templateId: string;

/** A PJ template with the registry's source alone, critical and blocking; no partner runs (their screening is another source's). */
async function registryTemplate(tenantId: string): Promise<string> {
  const res = await admin("POST", "/templates", {
    tenant_id: tenantId,
    name: "Cadastro CNPJ",
    subject_type: "pj",
    parametros_schema: {
      type: "object",
      properties: { cnpj: { type: "string", minLength: 1, maxLength: 32 } },
      required: ["cnpj"],
      additionalProperties: false,
    },
    sources: [{ source: "receita_federal_cnpj", phase: "critical", on_hit: "block" }],
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const id = (JSON.parse(text) as { id: string }).id;
  expect((await admin("POST", `/templates/${id}/publish`)).status).toBe(200);
  return id;
}

async function liveRun(cnpj: string) {
  const res = await createRun(key, { template_id: templateId, parametros: { cnpj } });
  const text = await res.text();
  expect(res.status, text).toBe(202);
  return runToEnd(key, (JSON.parse(text) as { run_id: string }).run_id);
}

const cnpjSource = (run: any) => run.sources.find((s: { source: string }) => s.source === "receita_federal_cnpj");

beforeAll(async () => {
  const tenant = await createTenant(500);
  key = await createKey(tenant.id, "live", ["runs:write", "runs:read", "detail:read"]);
  templateId = await registryTemplate(tenant.id);
});
afterEach(resetLiveTransport);

describe("receita_federal_cnpj from the registry (live, no provider)", () => {
  it("no month loaded → ERROR (nothing was checked): with no other source the run fails, never approved", async () => {
    const run = await liveRun("11.222.333/0001-81");
    expect(cnpjSource(run)).toMatchObject({ status: "ERROR", reason: REGISTRY_NOT_READY_REASON });
    expect(run).toMatchObject({ status: "failed", decision: null });
  });

  describe("with the fixture month loaded", () => {
    beforeAll(async () => {
      expect((await buildAndPublish("2026-08")).outcome.status).toBe("ready");
    });

    it("ATIVA → VALID, approved; the QSA lists the partners masked as the file has them, with their visible digits and birth years", async () => {
      const c = companyOf((x) => x.cnpj === "TW8RNWB6000134");
      const run = await liveRun(c.cnpj);
      expect(run).toMatchObject({ status: "completed", decision: "approved", livemode: true });
      expect(cnpjSource(run)).toMatchObject({ status: "VALID", checks: { situacao_cadastral: "VALID", qsa: "VALID" } });
      const detail = await (await call("GET", `/api/v1/bureau/runs/${run.id}/detail`, { key })).json<any>();
      const data = detail.sources.find((s: { source: string }) => s.source === "receita_federal_cnpj").data;
      expect(data).toMatchObject({ razao_social: c.razao_social, situacao_cadastral: "ATIVA", fonte: { mes: "2026-08", data_extracao: "2026-08-08" } });
      expect(data.qsa).toEqual(
        expect.arrayContaining(
          c.partners.map((p) =>
            expect.objectContaining({
              nome: p.nome,
              documento: p.documento,
              tipo: "pf",
              cpf_visivel: p.documento!.slice(3, 9),
              faixa_etaria: expect.objectContaining({ code: p.faixa_etaria }),
            }),
          ),
        ),
      );
      // Band 5 (41 to 50 years on 2026-08-08): born 1975 to 1985.
      const band5 = data.qsa.find((p: any) => p.faixa_etaria?.code === "5");
      expect(band5.faixa_etaria).toMatchObject({ nascimento_de: 1975, nascimento_ate: 1985 });
      // Masked CPFs get no partner run: each is listed as unscreened, as before.
      expect(run.unscreened_partners ?? []).toHaveLength(0);
    });

    it("BAIXADA → INVALID on situacao_cadastral: the template's block rejects", async () => {
      const c = companyOf((x) => x.situacao === "08");
      const run = await liveRun(c.cnpj);
      expect(cnpjSource(run)).toMatchObject({ status: "INVALID", checks: { situacao_cadastral: "INVALID", qsa: "VALID" } });
      expect(run).toMatchObject({ decision: "rejected", risk_band: "alto" });
      expect(run.triggered_rules).toEqual([{ source: "receita_federal_cnpj", on_hit: "block", effect: "block", check: "situacao_cadastral" }]);
    });

    it("a branch answers with its own situação", async () => {
      const c = companyOf((x) => x.establishments.length > 1 && x.establishments.some((e) => e.situacao !== x.situacao));
      const branch = c.establishments.find((e) => e.situacao !== c.situacao)!;
      const run = await liveRun(branch.cnpj);
      expect(cnpjSource(run).status).toBe(branch.situacao === "02" ? "VALID" : "INVALID");
    });

    it("a CNPJ the month lacks → ERROR, never VALID: the run fails without a decision", async () => {
      const run = await liveRun("11.222.333/0001-81");
      expect(cnpjSource(run)).toMatchObject({ status: "ERROR" });
      expect(cnpjSource(run).reason).toMatch(/não consta no cadastro/);
      expect(run).toMatchObject({ status: "failed", decision: null });
    });

    it("a provider configured for the source wins over the registry", async () => {
      let calls = 0;
      liveTransport.extraConfig = { SOURCE_URL_RECEITA_FEDERAL_CNPJ: "https://provider.example.com/cnpj", SOURCE_TOKEN_RECEITA_FEDERAL_CNPJ: "tok" };
      liveTransport.fetch = (async () => {
        calls++;
        return new Response(JSON.stringify({ status: "VALID", checks: { situacao_cadastral: "VALID", qsa: "VALID" }, data: { razao_social: "DO PROVEDOR", qsa: [] } }), {
          status: 200,
          headers: { "content-type": "application/json" },
        });
      }) as typeof fetch;
      const c = companyOf((x) => x.situacao === "08");
      const run = await liveRun(c.cnpj);
      expect(calls).toBe(1);
      expect(cnpjSource(run)).toMatchObject({ status: "VALID" });
    });
  });
});
