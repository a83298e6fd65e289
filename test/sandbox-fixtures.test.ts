// One test per row of reference/sandbox.md, through the HTTP API and the real
// run pipeline (Durable Object, alarms, decision, analysis).
import { describe, expect, it } from "vitest";
import { isSandboxOnly, SANDBOX_DOCUMENTS } from "../src/sources/sandbox-catalog";
import { call, createAndFinish, createKey, createRun, createTenant, sandboxTenant } from "./helpers/api";

type Row = {
  doc: string;
  type: "pf" | "pj";
  status: string;
  decision: string | null;
  operative: string | null;
  band: string | null;
  /** A source that must have answered INVALID / ERROR, and sources that must not have been called. */
  invalid?: string[];
  error?: string[];
  notCalled?: string[];
};

const ROWS: Row[] = [
  { doc: "000.000.001-91", type: "pf", status: "completed", decision: "approved", operative: "approved", band: "baixo" },
  {
    doc: "000.000.002-81", type: "pf", status: "completed", decision: "rejected", operative: "rejected", band: "alto",
    invalid: ["receita_federal_cpf"], notCalled: ["cnj_mandados_prisao", "ofac_sdn", "pep_coaf", "trf_processos"],
  },
  { doc: "000.000.003-72", type: "pf", status: "completed", decision: "rejected", operative: "rejected", band: "alto", invalid: ["cnj_mandados_prisao"], notCalled: ["ofac_sdn", "pep_coaf"] },
  { doc: "000.000.004-53", type: "pf", status: "completed", decision: "review", operative: "review", band: "alto", invalid: ["pep_coaf"] },
  { doc: "000.000.005-44", type: "pf", status: "completed", decision: "rejected", operative: "rejected", band: "alto", invalid: ["ofac_sdn"], notCalled: ["un_sanctions"] },
  { doc: "000.000.006-34", type: "pf", status: "completed", decision: "review", operative: "review", band: "alto", invalid: ["protestos"] },
  { doc: "000.000.007-25", type: "pf", status: "completed", decision: "review", operative: "review", band: "alto", invalid: ["cgu_cnc"] },
  {
    doc: "000.000.008-06", type: "pf", status: "partial", decision: "approved", operative: "hold", band: "medio",
    error: ["cnj_mandados_prisao", "protestos", "trf_processos"],
  },
  { doc: "000.000.009-87", type: "pf", status: "completed", decision: "rejected", operative: "rejected", band: "alto", invalid: ["receita_federal_cpf"], notCalled: ["cnj_mandados_prisao"] },
  { doc: "00.000.000/0001-91", type: "pj", status: "completed", decision: "approved", operative: "approved", band: "baixo" },
  { doc: "00.000.000/0002-76", type: "pj", status: "completed", decision: "rejected", operative: "rejected", band: "alto", invalid: ["ofac_sdn"] },
  { doc: "00.000.000/0003-57", type: "pj", status: "completed", decision: "review", operative: "review", band: "medio" },
  { doc: "000.000.010-82", type: "pf", status: "failed", decision: null, operative: null, band: null },
  { doc: "00.000.000/0004-38", type: "pj", status: "completed", decision: "review", operative: "review", band: "alto", invalid: ["sit_trabalho_escravo"] },
  { doc: "00.000.000/0005-15", type: "pj", status: "completed", decision: "approved", operative: "approved", band: "baixo" },
  { doc: "00.000.000/0006-04", type: "pj", status: "completed", decision: "approved", operative: "approved", band: "baixo" },
  { doc: "00.000.000/0007-87", type: "pj", status: "completed", decision: "review", operative: "review", band: "alto" },
  { doc: "00.000.000/0020-54", type: "pj", status: "completed", decision: "approved", operative: "approved", band: "baixo" },
];

describe("the documented sandbox table (OpenAPI, /docs, docs/sandbox.md) is what the sandbox does", () => {
  it("every documented test document is a row here, with the same outcome", () => {
    const documented = SANDBOX_DOCUMENTS.map((d) => ({ doc: d.document, type: d.type, status: d.status, decision: d.decision, operative: d.operative_decision, band: d.risk_band }));
    const tested = ROWS.map((r) => ({ doc: r.doc, type: r.type, status: r.status, decision: r.decision, operative: r.operative, band: r.band }));
    const byDoc = (a: { doc: string }, b: { doc: string }) => (a.doc < b.doc ? -1 : 1);
    expect(documented.sort(byDoc)).toEqual(tested.sort(byDoc));
  });

  it("the documented sandbox-only values are the ones a live key refuses", async () => {
    const tenant = await createTenant();
    const live = await createKey(tenant.id, "live");
    for (const d of SANDBOX_DOCUMENTS) {
      const res = await createRun(live, { template_id: d.type === "pf" ? "tpl_pf_padrao" : "tpl_pj_padrao", parametros: { [d.type === "pf" ? "cpf" : "cnpj"]: d.document } });
      expect(res.status, d.document).toBe(isSandboxOnly(d) ? 400 : 202);
    }
  });
});

describe("sandbox fixtures (reference/sandbox.md), one test per row", () => {
  for (const row of ROWS) {
    it(`${row.type.toUpperCase()} ${row.doc} → ${row.status} / ${row.decision} / ${row.operative} / ${row.band}`, async () => {
      const { key } = await sandboxTenant();
      const template = row.type === "pf" ? "tpl_pf_padrao" : "tpl_pj_padrao";
      const run = await createAndFinish(key, { template_id: template, parametros: { [row.type === "pf" ? "cpf" : "cnpj"]: row.doc } }, 60);
      expect({ status: run.status, decision: run.decision, operative: run.operative_decision, band: run.risk_band }).toEqual({
        status: row.status,
        decision: row.decision,
        operative: row.operative,
        band: row.band,
      });
      const byKey = Object.fromEntries((run.sources as { source: string; status: string }[]).map((s) => [s.source, s.status]));
      for (const s of row.invalid ?? []) expect(byKey[s], s).toBe("INVALID");
      for (const s of row.error ?? []) expect(byKey[s], s).toBe("ERROR");
      for (const s of row.notCalled ?? []) {
        expect(byKey[s], s).toBeUndefined();
        expect(run.skipped_sources).toContain(s);
      }
      expect(run.credits_used).toBe(0); // sandbox charges nothing
      expect(run.livemode).toBe(false);
    });
  }

  it("the time-out fixture goes through the real timeout path (reason and retried attempts)", async () => {
    const { key } = await sandboxTenant();
    const run = await createAndFinish(key, { template_id: "tpl_pf_padrao", parametros: { cpf: "000.000.008-06" } });
    const cnj = run.sources.find((s: { source: string }) => s.source === "cnj_mandados_prisao");
    // MAX_SOURCE_TIMEOUT_MS is 40 in tests; SOURCE_MAX_ATTEMPTS defaults to 2.
    expect(cnj).toMatchObject({ status: "ERROR", attempts: 2, reason: "Tempo limite de 40 ms excedido." });
    expect(cnj.duration_ms).toBeGreaterThanOrEqual(80);
    const analysis = await (await call("GET", `/api/v1/bureau/runs/${run.id}/analysis`, { key })).json<any>();
    expect(analysis.analysis.incomplete_sources.map((s: { source: string }) => s.source)).toEqual([
      "cnj_mandados_prisao",
      "protestos",
      "trf_processos",
    ]);
  });

  it("any other valid document gives a clean, deterministic result", async () => {
    const { key } = await sandboxTenant();
    const a = await createAndFinish(key, { template_id: "tpl_pf_padrao", parametros: { cpf: "390.533.447-05" } });
    const b = await createAndFinish(key, { template_id: "tpl_pf_padrao", parametros: { cpf: "39053344705" } });
    expect(a).toMatchObject({ status: "completed", decision: "approved", risk_band: "baixo" });
    const analysisA = await (await call("GET", `/api/v1/bureau/runs/${a.id}/analysis`, { key })).json<any>();
    const analysisB = await (await call("GET", `/api/v1/bureau/runs/${b.id}/analysis`, { key })).json<any>();
    expect(analysisA.analysis).toEqual(analysisB.analysis);
    expect(analysisA.analysis.subject_profile.nome).toMatch(/^[A-ZÀ-Ú ]+$/);
  });
});
