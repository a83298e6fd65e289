import { describe, expect, it } from "vitest";
import { call, createAndFinish, createRun, sandboxTenant } from "./helpers/api";

describe("run lifecycle (sandbox)", () => {
  it("creates a PF run, answers 202 while running, then the terminal body", async () => {
    const { key } = await sandboxTenant();
    const res = await createRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" }, external_id: "cli-1" });
    expect(res.status).toBe(202);
    const created = (await res.json()) as Record<string, any>;
    expect(created).toMatchObject({ object: "bureau_run", status: "queued", estimated_seconds: 5, livemode: false, external_id: "cli-1" });
    const run = await createAndFinish(key, { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" } });
    expect(run).toMatchObject({ status: "completed", decision: "approved", operative_decision: "approved", risk_band: "baixo" });
    expect(run.sources).toHaveLength(16);
    expect(run.subject).toEqual({ type: "pf", document: "***.982.247-**" });
    const analysis = await call("GET", `/api/v1/bureau/runs/${run.id}/analysis`, { key });
    expect(analysis.status).toBe(200);
  });
});
