// `"monitor": true` on POST /runs (contract §17): the completed run enrols its
// subject (name and birth date from the run), a company also its screened partners.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { versionsScreenedBy } from "../src/monitoring/enrol-run";
import type { StoredResult } from "../src/runs/types";
import { call, createAndFinish, createKey, createRun, expectError } from "./helpers/api";
import { drainMonitoring, monitoringTenant, takeSent } from "./helpers/monitoring";

const subjectsOf = async (key: string) => ((await (await call("GET", "/api/v1/monitoring/subjects", { key })).json()) as { data: Record<string, any>[] }).data;

describe("monitor: true", () => {
  it("a PF run that completes enrols its subject with the name and birth date the run had", async () => {
    const { key } = await monitoringTenant();
    const run = await createAndFinish(key, { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" }, external_id: "cli-9", monitor: true });
    expect(run.status).toBe("completed");
    const [s] = await subjectsOf(key);
    expect(s).toMatchObject({ document: "***.982.247-**", external_id: "cli-9", status: "active" });
    // The sandbox's Receita answer gave the name and the birth date.
    const detail = (await (await call("GET", `/api/v1/bureau/runs/${run.id}/analysis`, { key })).json()) as { analysis: { subject_profile: Record<string, string> } };
    expect(s.name).toBe(detail.analysis.subject_profile.nome);
    expect(s.birth_date).toBe(detail.analysis.subject_profile.data_nascimento);
    const row = await env.DB.prepare("SELECT origin, origin_id FROM monitored_subjects WHERE id = ?").bind(s.id).first();
    expect(row).toEqual({ origin: "run", origin_id: run.id });
    // And its first screening is queued.
    await drainMonitoring();
    expect((await subjectsOf(key))[0].last_screened_at).not.toBeNull();
  });

  it("a company run enrols the company and its screened partners", async () => {
    const { key } = await monitoringTenant();
    const run = await createAndFinish(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: "00.000.000/0001-91" }, monitor: true }, 60);
    expect(run.partner_runs.length).toBe(2);
    const subjects = await subjectsOf(key);
    expect(subjects).toHaveLength(3);
    expect(subjects.map((s) => s.document)).toContain("00.000.000/0001-91");
    const names = subjects.map((s) => s.name);
    for (const p of run.partner_runs as { name: string }[]) expect(names).toContain(p.name);
    takeSent();
  });

  it("without monitor nothing is enrolled; monitor needs monitoring:write (403 naming it)", async () => {
    const { tenant, key } = await monitoringTenant();
    await createAndFinish(key, { template_id: "tpl_pf_padrao", parametros: { cpf: "111.444.777-35" } });
    expect(await subjectsOf(key)).toEqual([]);
    const runsOnly = await createKey(tenant.id, "test", ["runs:write", "runs:read"]);
    const err = await expectError(await createRun(runsOnly, { template_id: "tpl_pf_padrao", parametros: { cpf: "111.444.777-35" }, monitor: true }), {
      status: 403,
      code: "insufficient_scope",
    });
    expect(err.message).toContain("monitoring:write");
    await expectError(await createRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: "111.444.777-35" }, monitor: "yes" }), { status: 400, code: "invalid_request" });
  });

  it("the lists a live run screened, at the versions it recorded, are not screened again at enrolment", () => {
    const stored = {
      results: [
        { source: "un_sanctions", status: "VALID", data: { listas: [{ id: "un_sc", sha256: "a".repeat(64), fetched_at: "x" }] } },
        { source: "ofac_sdn", status: "ERROR", data: { listas: [{ id: "ofac_sdn", sha256: "b".repeat(64) }] } },
        { source: "receita_federal_cpf", status: "VALID", data: { nome: "X" } },
      ],
    } as unknown as StoredResult;
    expect(versionsScreenedBy(stored)).toEqual({ un_sc: "a".repeat(16) });
  });
});
