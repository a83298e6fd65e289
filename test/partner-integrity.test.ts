// Partners (QSA) can never launder a company: a partner that was not screened
// — failed, cancelled, on hold, refused, or still running at the deadline —
// leaves the company at least on hold, with a finding that names it; QSA
// entries no partner run can screen are findings too, never dropped.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { RunObject } from "../src/runs/run-object";
import { SANDBOX_OVER_CAP_QSA_CNPJ, SANDBOX_UNSCREENABLE_QSA_CNPJ } from "../src/sources/sandbox";
import { admin, call, createAndFinish, createKey, createRun, createTenant, expectError, holdRun, runToEnd, sandboxTenant } from "./helpers/api";
import { scriptLiveProviders } from "./helpers/live-providers";
import { resetLiveTransport } from "./helpers/transports";

const stub = (id: string) => env.RUN.get(env.RUN.idFromName(id));
const CLEAN_PJ = "00.000.000/0001-91";

/** A PJ run driven until it waits for its two partners; returns the ids. */
async function companyWaitingForPartners(key: string) {
  const res = await createRun(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: CLEAN_PJ } });
  const { run_id } = await res.json<{ run_id: string }>();
  await runDurableObjectAlarm(stub(run_id));
  const children = (
    await env.DB.prepare("SELECT id FROM runs WHERE parent_run_id = ? ORDER BY id").bind(run_id).all<{ id: string }>()
  ).results.map((c) => c.id);
  expect(children).toHaveLength(2);
  // Their start alarms would fire by themselves within milliseconds; each test drives them.
  for (const c of children) await holdRun(c);
  expect((await call("GET", `/api/v1/bureau/runs/${run_id}`, { key })).status).toBe(202);
  return { runId: run_id, children };
}

const analysisOf = async (key: string, runId: string) =>
  (await (await call("GET", `/api/v1/bureau/runs/${runId}/analysis`, { key })).json<any>()).analysis;

describe("partner outcomes that leave a beneficial owner unscreened", () => {
  it("a partner run cannot be cancelled on its own: 409 partner_run_not_cancellable, and it goes on", async () => {
    const { key } = await sandboxTenant();
    const { runId, children } = await companyWaitingForPartners(key);
    const res = await call("POST", `/api/v1/bureau/runs/${children[0]}/cancel`, { key });
    const err = await expectError(res, { status: 409, code: "partner_run_not_cancellable", type: "invalid_request_error", param: "id" });
    expect(err.message).toContain(runId);
    const company = await runToEnd(key, runId);
    expect(company).toMatchObject({ status: "completed", decision: "approved", operative_decision: "approved" });
    expect(company.partner_runs.map((p: { status: string }) => p.status)).toEqual(["completed", "completed"]);
  });

  it("the company's cancel cancels its partners", async () => {
    const { key } = await sandboxTenant();
    const { runId, children } = await companyWaitingForPartners(key);
    const res = await call("POST", `/api/v1/bureau/runs/${runId}/cancel`, { key });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "cancelado" });
    for (const child of children) {
      const c = await (await call("GET", `/api/v1/bureau/runs/${child}`, { key })).json<any>();
      expect(c).toMatchObject({ status: "cancelado", parent_run_id: runId });
    }
  });

  it("a company whose object died between its cancel's finalize and its partners' cancels: the alarm cancels them", async () => {
    const { key } = await sandboxTenant();
    const { runId, children } = await companyWaitingForPartners(key);
    // What cancel() had done when the isolate died: cancelado, finalized (mirrored to D1), the alarm armed, partners untouched.
    await runInDurableObject(stub(runId), async (instance: RunObject, state) => {
      const o = instance as unknown as { meta: (k: string) => unknown; setMeta: (k: string, v: unknown) => void; finalize: (init: unknown, s: string) => Promise<void> };
      o.setMeta("status", "cancelado");
      await state.storage.setAlarm(Date.now() + 60_000);
      await o.finalize(o.meta("init"), "cancelado");
    });
    for (const child of children) expect((await (await call("GET", `/api/v1/bureau/runs/${child}`, { key })).json<any>()).status).toBe("queued");
    expect(await runDurableObjectAlarm(stub(runId))).toBe(true);
    for (const child of children) {
      expect(await (await call("GET", `/api/v1/bureau/runs/${child}`, { key })).json<any>()).toMatchObject({ status: "cancelado", parent_run_id: runId });
    }
  });

  // The partner's end is delivered as its notice would be; the second partner finishes normally.
  const ends = [
    ["failed", { status: "failed", decision: null, risk_band: null, operative_decision: null }, "a análise do sócio falhou sem decisão"],
    ["cancelado", { status: "cancelado", decision: null, risk_band: null, operative_decision: null }, "a análise do sócio foi cancelada"],
    [
      "on hold",
      { status: "partial", decision: "approved", risk_band: "medio", operative_decision: "hold" },
      "a análise do sócio ficou em espera (hold)",
    ],
  ] as const;
  for (const [name, end, why] of ends) {
    it(`a partner that ends ${name} puts the company on hold, with a finding that names the partner and why`, async () => {
      const { key } = await sandboxTenant();
      const { runId, children } = await companyWaitingForPartners(key);
      await stub(runId).partnerFinished({ run_id: children[0], ...end });
      await runDurableObjectAlarm(stub(children[1]));
      const company = await runToEnd(key, runId);
      expect(company).toMatchObject({ status: "completed", decision: "approved", operative_decision: "hold", risk_band: "medio" });
      expect(company.triggered_rules).toContainEqual({ source: "partner_runs", on_hit: "review", effect: "hold" });
      const partner = company.partner_runs.find((p: { run_id: string }) => p.run_id === children[0]);
      const finding = (await analysisOf(key, runId)).findings.find((f: { check: string }) => f.check === "socio_sem_triagem");
      expect(finding).toMatchObject({ source: "partner_runs", severity: "alto", title: "Sócio sem triagem concluída" });
      expect(finding.description).toContain(partner.name);
      expect(finding.description).toContain(why);
      expect(finding.evidence).toMatchObject({ run_id: children[0], documento: partner.document });
    });
  }

  it("partners still running at the wait deadline count as unscreened: company on hold, child re-driven meanwhile", async () => {
    const { key } = await sandboxTenant();
    const { runId, children } = await companyWaitingForPartners(key);
    // The first partner's object stopped (its alarm is gone): the parent's wait re-drives it.
    await runInDurableObject(stub(children[0]), (_i: RunObject, state) => state.storage.deleteAlarm());
    expect(await runInDurableObject(stub(children[0]), (_i: RunObject, state) => state.storage.getAlarm())).toBeNull();
    await runDurableObjectAlarm(stub(runId));
    expect(await runInDurableObject(stub(children[0]), (_i: RunObject, state) => state.storage.getAlarm())).not.toBeNull();

    // The second never finishes in time: move the wait's start past the deadline (10 min by default).
    await runDurableObjectAlarm(stub(children[0]));
    await runInDurableObject(stub(children[1]), (_i: RunObject, state) => state.storage.setAlarm(Date.now() + 3_600_000));
    await runInDurableObject(stub(runId), (_i: RunObject, state) => {
      state.storage.sql.exec("UPDATE meta SET v = ? WHERE k = 'partners_since'", JSON.stringify(Date.now() - 11 * 60_000));
    });
    await runDurableObjectAlarm(stub(runId));
    const company = await (await call("GET", `/api/v1/bureau/runs/${runId}`, { key })).json<any>();
    expect(company).toMatchObject({ status: "completed", decision: "approved", operative_decision: "hold" });
    const late = company.partner_runs.find((p: { run_id: string }) => p.run_id === children[1]);
    expect(late.reason).toBe("a análise do sócio não terminou dentro do prazo de espera da empresa");
    const finding = (await analysisOf(key, runId)).findings.find((f: { check: string }) => f.check === "socio_sem_triagem");
    expect(finding.description).toContain(late.name);
  });
});

describe("QSA entries no partner run can screen", () => {
  it("a company partner, a masked CPF and a foreign partner each appear as a finding and in unscreened_partners", async () => {
    const { key } = await sandboxTenant();
    const company = await createAndFinish(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: SANDBOX_UNSCREENABLE_QSA_CNPJ } });
    expect(company).toMatchObject({ status: "completed", decision: "approved" });
    expect(company.partner_runs).toHaveLength(1);
    expect(company.unscreened_partners.map((u: { reason_code: string }) => u.reason_code)).toEqual([
      "pessoa_juridica",
      "cpf_indisponivel",
      "estrangeiro",
    ]);
    expect(company.unscreened_partners[0]).toMatchObject({ name: "HOLDING EXEMPLO PARTICIPACOES LTDA", document: "11.222.333/0001-81" });
    const findings = (await analysisOf(key, company.id)).findings.filter((f: { check: string }) => f.check === "socio_nao_analisado");
    expect(findings).toHaveLength(3);
    expect(findings.map((f: { description: string }) => f.description).join("\n")).toMatch(/HOLDING EXEMPLO[\s\S]*JOANA PEREIRA SOUZA[\s\S]*JOHN SMITH/);
    expect(findings.every((f: { severity: string; title: string }) => f.severity === "medio" && f.title === "Sócio do QSA não analisado")).toBe(true);
  });

  it("partners past the template's cap of 20 each appear as a finding, CPF masked", async () => {
    const { key } = await sandboxTenant();
    const company = await createAndFinish(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: SANDBOX_OVER_CAP_QSA_CNPJ } }, 40);
    expect(company.partner_runs).toHaveLength(20);
    expect(company.unscreened_partners).toHaveLength(2);
    for (const u of company.unscreened_partners) {
      expect(u).toMatchObject({ reason_code: "limite_de_socios" });
      expect(u.document).toMatch(/^\*\*\*\.\d{3}\.\d{3}-\*\*$/);
    }
    const findings = (await analysisOf(key, company.id)).findings.filter((f: { check: string }) => f.check === "socio_nao_analisado");
    expect(findings).toHaveLength(2);
  });
});

describe("partner credits (live)", () => {
  afterEach(resetLiveTransport);

  /** Generic-protocol providers: every source VALID; the company's QSA lists two people. */
  const providers = () =>
    scriptLiveProviders((key) => ({
      data:
        key === "receita_federal_cnpj"
          ? {
              razao_social: "EMPRESA EXEMPLO LTDA",
              qsa: [
                { nome: "ANA LIMA", documento: "52998224725", tipo: "pf", qualificacao: "49-Sócio-Administrador" },
                { nome: "BRUNO COSTA", documento: "11144477735", tipo: "pf", qualificacao: "22-Sócio" },
              ],
            }
          : key === "receita_federal_cpf"
            ? { nome: "PESSOA" }
            : {},
    }));

  it("a tenant without credits for a partner gets the company on hold with a finding, never approved", async () => {
    providers();
    const pjSources = 13;
    const pfSources = 16;
    // Enough for the company and one partner, not for the second.
    const tenant = await createTenant(pjSources + pfSources);
    const key = await createKey(tenant.id, "live");
    const res = await createRun(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: "11.222.333/0001-81" } });
    expect(res.status).toBe(202);
    const company = await runToEnd(key, (await res.json<{ run_id: string }>()).run_id);
    expect(company).toMatchObject({ status: "completed", decision: "approved", operative_decision: "hold", credits_used: pjSources });
    const refused = company.partner_runs.find((p: { name: string }) => p.name === "BRUNO COSTA");
    expect(refused).toMatchObject({ status: "failed", reason: "a análise do sócio não foi iniciada: créditos insuficientes" });
    const screened = company.partner_runs.find((p: { name: string }) => p.name === "ANA LIMA");
    expect(screened).toMatchObject({ status: "completed", decision: "approved" });
    // The refused partner has no run (and held no credits); the balance is exactly what was used.
    const rows = await env.DB.prepare("SELECT id FROM runs WHERE parent_run_id = ?").bind(company.id).all();
    expect(rows.results).toHaveLength(1);
    expect((await (await admin("GET", `/tenants/${tenant.id}`)).json<any>()).credits).toBe(0);
    const finding = (await analysisOf(key, company.id)).findings.find((f: { check: string }) => f.check === "socio_sem_triagem");
    expect(finding.description).toContain("BRUNO COSTA");
    expect(finding.description).toContain("créditos insuficientes");
  });

  it("a cancel that lands while the company is starting a partner: no partner run executes or is charged, and no further partner is created", async () => {
    providers();
    const tenant = await createTenant(1000);
    const key = await createKey(tenant.id, "live");
    const res = await createRun(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: "11.222.333/0001-81" } });
    const { run_id } = await res.json<{ run_id: string }>();
    const company = stub(run_id);
    // The first D1 batch of the company's alarm is the first partner's reservation (its run row and
    // its credits): the cancel arrives while that batch is on its way, as from another request.
    await runInDurableObject(company, (obj: RunObject) => {
      const own = obj as unknown as { env: Env };
      const real = own.env.DB;
      let landed = false;
      own.env = {
        ...own.env,
        DB: {
          prepare: (q: string) => real.prepare(q),
          withSession: (c?: string) => real.withSession(c),
          batch: async (stmts: D1PreparedStatement[]) => {
            if (!landed) {
              landed = true;
              expect(await obj.cancel()).toMatchObject({ cancelled: true, status: "cancelado" });
            }
            return real.batch(stmts);
          },
        } as unknown as D1Database,
      };
    });
    await runDurableObjectAlarm(company);

    const after = await (await call("GET", `/api/v1/bureau/runs/${run_id}`, { key })).json<any>();
    expect(after.status).toBe("cancelado");
    const partners = (
      await env.DB.prepare("SELECT id, status, credits_used, credits_settled FROM runs WHERE parent_run_id = ? ORDER BY id").bind(run_id).all<any>()
    ).results;
    // The reservation that was in flight made one partner row; its start refused (the company is terminal): cancelled, nothing used, its reservation returned.
    expect(partners).toHaveLength(1);
    expect(partners[0]).toMatchObject({ status: "cancelado", credits_used: 0, credits_settled: 1 });
    // Its object never ran a source, even when its alarm comes.
    await runDurableObjectAlarm(stub(partners[0].id));
    expect(await stub(partners[0].id).callLog()).toEqual([]);
    expect((await (await call("GET", `/api/v1/bureau/runs/${partners[0].id}`, { key })).json<any>()).status).toBe("cancelado");
    // The tenant paid for the company's own sources only.
    expect((await (await admin("GET", `/tenants/${tenant.id}`)).json<any>()).credits).toBe(1000 - after.credits_used);
  });
});

