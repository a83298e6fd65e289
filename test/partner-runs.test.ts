// QSA partner runs (contract §5): a PJ run starts one PF child run per person
// in its QSA, stays em_analise until they end, and takes their decisions in.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SANDBOX_BIG_QSA_CNPJ } from "../src/sources/sandbox";
import { call, createAndFinish, createRun, sandboxTenant } from "./helpers/api";

const stub = (id: string) => env.RUN.get(env.RUN.idFromName(id));

describe("partner runs", () => {
  it("the parent waits in em_analise for its partners, then decides with them", async () => {
    const { key } = await sandboxTenant();
    const res = await createRun(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: "00.000.000/0001-91" } });
    const { run_id } = await res.json<{ run_id: string }>();

    await runDurableObjectAlarm(stub(run_id)); // the parent's own sources
    const waiting = await call("GET", `/api/v1/bureau/runs/${run_id}`, { key });
    expect(waiting.status).toBe(202);
    expect(await waiting.json()).toMatchObject({ status: "em_analise" });

    const children = (
      await env.DB.prepare("SELECT id, template_id, status FROM runs WHERE parent_run_id = ? ORDER BY id").bind(run_id).all<{ id: string; template_id: string }>()
    ).results;
    expect(children).toHaveLength(2);
    expect(children.every((c) => c.template_id === "tpl_pf_padrao")).toBe(true);

    await runDurableObjectAlarm(stub(children[0].id));
    expect((await call("GET", `/api/v1/bureau/runs/${run_id}`, { key })).status).toBe(202); // one partner still running

    await runDurableObjectAlarm(stub(children[1].id));
    await runDurableObjectAlarm(stub(run_id)); // armed by the last partner's notice
    const done = await call("GET", `/api/v1/bureau/runs/${run_id}`, { key });
    expect(done.status).toBe(200);
    const run = await done.json<any>();
    expect(run).toMatchObject({ status: "completed", decision: "approved", risk_band: "baixo" });
    expect(run.partner_runs).toHaveLength(2);
    for (const p of run.partner_runs) {
      expect(p).toMatchObject({ status: "completed", decision: "approved", operative_decision: "approved" });
      expect(p.document).toMatch(/^\*\*\*\.\d{3}\.\d{3}-\*\*$/);
      expect(children.map((c) => c.id)).toContain(p.run_id);
    }
    // Partner runs are runs of the same tenant and environment, readable on their own.
    const child = await call("GET", `/api/v1/bureau/runs/${children[0].id}`, { key });
    expect(await child.json()).toMatchObject({ parent_run_id: run_id, status: "completed" });
  });

  it("a partner in review makes the company review (CNPJ 00.000.000/0003-57)", async () => {
    const { key } = await sandboxTenant();
    const run = await createAndFinish(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: "00.000.000/0003-57" } });
    expect(run).toMatchObject({ decision: "review", risk_band: "medio" });
    expect(run.partner_runs.map((p: { decision: string }) => p.decision).sort()).toEqual(["approved", "review"]);
    expect(run.triggered_rules).toContainEqual(expect.objectContaining({ source: "partner_runs", effect: "review" }));
    const analysis = await (await call("GET", `/api/v1/bureau/runs/${run.id}/analysis`, { key })).json<any>();
    const qsa = analysis.analysis.subject_profile.qsa;
    expect(qsa.filter((q: { run_id: string | null }) => q.run_id).length).toBe(2);
  });

  it("a company rejected by a critical block starts no partner runs", async () => {
    const { key } = await sandboxTenant();
    const run = await createAndFinish(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: "00.000.000/0002-76" } });
    expect(run.decision).toBe("rejected");
    expect(run.partner_runs).toEqual([]);
    const n = await env.DB.prepare("SELECT count(*) AS n FROM runs WHERE parent_run_id = ?").bind(run.id).first<{ n: number }>();
    expect(n?.n).toBe(0);
  });

  it("starts at most max_partners (20) partner runs", async () => {
    const { key } = await sandboxTenant();
    const run = await createAndFinish(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: SANDBOX_BIG_QSA_CNPJ } }, 40);
    expect(run.status).toBe("completed");
    expect(run.partner_runs).toHaveLength(20);
  });
});
