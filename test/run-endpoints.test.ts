// Contract §7–8: GET /runs/{id} (202 + Retry-After while not terminal, then the
// terminal body), POST /runs/{id}/cancel, GET /runs/{id}/analysis (byte-identical
// on every call) and GET /runs/{id}/detail (detail:read).
import { beforeAll, describe, expect, it } from "vitest";
import { TPL_PF_PADRAO } from "../src/domain/standard-templates";
import { call, createHeldRun, createKey, expectError, pfBody, runToEnd, tenantWithKeys } from "./helpers/api";

const BASE = "/api/v1/bureau/runs";
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// external_id and metadata are echoed while pending too (contract §3: "echoed everywhere").
const PENDING_KEYS = ["created_at", "external_id", "id", "livemode", "metadata", "object", "retry_after_seconds", "status", "webhook_url"];

let key: string;
let tenantId: string;
beforeAll(async () => {
  const t = await tenantWithKeys();
  key = t.test;
  tenantId = t.tenant.id;
});

/** Asserts the §7 202 answer (status and Retry-After) and returns its body. */
async function expectPending(res: Response, id: string, status = "queued") {
  const text = await res.text();
  expect(res.status, text).toBe(202);
  const body = JSON.parse(text) as Record<string, any>;
  expect(Object.keys(body).sort()).toEqual(PENDING_KEYS);
  expect(body).toMatchObject({ id, object: "bureau_run", status, livemode: false });
  expect(Number.isInteger(body.retry_after_seconds)).toBe(true);
  expect(body.retry_after_seconds).toBeGreaterThanOrEqual(1);
  expect(res.headers.get("retry-after")).toBe(String(body.retry_after_seconds));
  expect(body.created_at).toMatch(ISO_MS);
  return body;
}

describe("GET /runs/{id}", () => {
  it("202 with Retry-After before the alarm runs, then 200 with the §7 body", async () => {
    const created = await createHeldRun(key, pfBody("529.982.247-25", { external_id: "cliente-77", metadata: { canal: "app" } }));
    const id = created.run_id as string;
    const pending = await expectPending(await call("GET", `${BASE}/${id}`, { key }), id);
    // Not started yet: the whole estimate is still ahead.
    expect(pending.retry_after_seconds).toBe(created.estimated_seconds);
    expect(pending.created_at).toBe(created.created_at);

    const run = await runToEnd(key, id);
    const res = await call("GET", `${BASE}/${id}`, { key });
    expect(res.status).toBe(200);
    expect(res.headers.get("retry-after")).toBeNull();
    const text = await res.text();
    expect(JSON.parse(text)).toEqual(run);

    for (const k of [
      "id", "object", "status", "decision", "operative_decision", "risk_band", "template", "subject", "sources",
      "triggered_rules", "partner_runs", "credits_used", "external_id", "flags", "metadata", "created_at", "started_at",
      "completed_at", "livemode",
    ]) {
      expect(run).toHaveProperty(k);
    }
    expect(run).toMatchObject({
      id,
      object: "bureau_run",
      status: "completed",
      decision: "approved",
      operative_decision: "approved",
      risk_band: "baixo",
      template: { id: "tpl_pf_padrao", version: TPL_PF_PADRAO.version },
      subject: { type: "pf", document: "***.982.247-**" },
      triggered_rules: [],
      partner_runs: [],
      credits_used: 0,
      external_id: "cliente-77",
      flags: { external_id: "cliente-77" },
      metadata: { canal: "app" },
      created_at: created.created_at,
      livemode: false,
    });
    for (const t of ["created_at", "started_at", "completed_at"]) expect(run[t]).toMatch(ISO_MS);
    expect(run.created_at <= run.started_at && run.started_at <= run.completed_at).toBe(true);

    // one entry per template source, each with the §7 fields
    expect(run.sources.map((s: { source: string }) => s.source).sort()).toEqual(TPL_PF_PADRAO.sources.map((s) => s.source).sort());
    for (const s of run.sources) {
      expect(s).toMatchObject({ status: "VALID", attempts: 1 });
      expect(["critical", "important", "additional"]).toContain(s.phase);
      expect(Object.keys(s.checks).length).toBeGreaterThan(0);
      expect(Number.isInteger(s.duration_ms)).toBe(true);
    }
    // The response never carries the clear CPF.
    expect(text).not.toContain("52998224725");
    // Terminal runs are immutable: the same bytes on every GET.
    expect(await (await call("GET", `${BASE}/${id}`, { key })).text()).toBe(text);
  });

  it("a review fixture lists the rule that fired", async () => {
    const created = await createHeldRun(key, pfBody("000.000.004-53"));
    const run = await runToEnd(key, created.run_id);
    expect(run).toMatchObject({ status: "completed", decision: "review", operative_decision: "review" });
    expect(run.triggered_rules).toEqual([expect.objectContaining({ source: "pep_coaf", on_hit: "review", effect: "review" })]);
  });

  it("unknown id → 404 run_not_found", async () => {
    await expectError(await call("GET", `${BASE}/run_00000000000000000000000000`, { key }), { status: 404, code: "run_not_found" });
    await expectError(await call("GET", `${BASE}/qualquer-coisa`, { key }), { status: 404, code: "run_not_found" });
  });
});

describe("POST /runs/{id}/cancel", () => {
  it("a queued run → 200 cancelado; again → 409 run_already_terminal; the run stays cancelled", async () => {
    const created = await createHeldRun(key, pfBody());
    const id = created.run_id as string;
    const res = await call("POST", `${BASE}/${id}/cancel`, { key });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const cancelled = JSON.parse(text) as Record<string, any>;
    expect(cancelled).toMatchObject({ id, object: "bureau_run", status: "cancelado", decision: null, operative_decision: null, livemode: false });
    expect(cancelled.completed_at).toMatch(ISO_MS);
    expect(cancelled.sources).toEqual([]);

    const err = await expectError(await call("POST", `${BASE}/${id}/cancel`, { key }), {
      status: 409,
      code: "run_already_terminal",
      type: "invalid_request_error",
    });
    expect(err.message).toMatch(/terminou|cancel/i);

    const got = await call("GET", `${BASE}/${id}`, { key });
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(cancelled);
    // Driving its alarm now changes nothing.
    expect(await runToEnd(key, id)).toEqual(cancelled);
  });

  it("a completed run → 409 and its body is unchanged", async () => {
    const created = await createHeldRun(key, pfBody("111.444.777-35"));
    const before = await runToEnd(key, created.run_id);
    await expectError(await call("POST", `${BASE}/${created.run_id}/cancel`, { key }), {
      status: 409,
      code: "run_already_terminal",
      type: "invalid_request_error",
    });
    expect(await (await call("GET", `${BASE}/${created.run_id}`, { key })).json()).toEqual(before);
  });

  it("unknown id → 404 run_not_found", async () => {
    await expectError(await call("POST", `${BASE}/run_00000000000000000000000000/cancel`, { key }), { status: 404, code: "run_not_found" });
  });
});

describe("GET /runs/{id}/analysis", () => {
  it("202 while not terminal; then 200, byte-identical on repeated calls", async () => {
    const created = await createHeldRun(key, pfBody("222.333.666-38", { metadata: { pedido: "A-1" } }));
    const id = created.run_id as string;
    await expectPending(await call("GET", `${BASE}/${id}/analysis`, { key }), id);

    const run = await runToEnd(key, id);
    const texts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call("GET", `${BASE}/${id}/analysis`, { key });
      expect(res.status).toBe(200);
      texts.push(await res.text());
    }
    expect(texts[1]).toBe(texts[0]);
    expect(texts[2]).toBe(texts[0]);

    const body = JSON.parse(texts[0]) as Record<string, any>;
    expect(body).toMatchObject({
      object: "bureau_run_analysis",
      meta: { run_id: id, template: { id: "tpl_pf_padrao", version: TPL_PF_PADRAO.version }, livemode: false },
      metadata: { pedido: "A-1" },
    });
    expect(body.meta.generated_at).toMatch(ISO_MS);
    expect(typeof body.meta.analysis_version).not.toBe("undefined");
    const a = body.analysis;
    expect(a).toMatchObject({ decision: run.decision, operative_decision: run.operative_decision, risk_band: run.risk_band });
    expect(a.score).toBeGreaterThanOrEqual(0);
    expect(a.score).toBeLessThanOrEqual(100);
    expect(Object.keys(a.dimensions).length === 8 || (Array.isArray(a.dimensions) && a.dimensions.length === 8)).toBe(true);
    expect(Array.isArray(a.findings)).toBe(true);
    expect(a.subject_profile).toHaveProperty("nome");
    expect(a.incomplete_sources).toEqual([]);
    expect(texts[0]).not.toContain("22233366638");
  });

  it("two runs of the same document give the same analysis (apart from the run's own ids and times)", async () => {
    const one = await createHeldRun(key, pfBody("390.533.447-05"));
    const two = await createHeldRun(key, pfBody("390.533.447-05"));
    await runToEnd(key, one.run_id);
    await runToEnd(key, two.run_id);
    const a = (await (await call("GET", `${BASE}/${one.run_id}/analysis`, { key })).json()) as Record<string, any>;
    const b = (await (await call("GET", `${BASE}/${two.run_id}/analysis`, { key })).json()) as Record<string, any>;
    expect(a.analysis).toEqual(b.analysis);
  });

  it("unknown id → 404", async () => {
    await expectError(await call("GET", `${BASE}/run_00000000000000000000000000/analysis`, { key }), { status: 404, code: "run_not_found" });
  });
});

describe("GET /runs/{id}/detail", () => {
  it("needs detail:read", async () => {
    const created = await createHeldRun(key, pfBody());
    const noDetail = await createKey(tenantId, "test", ["runs:read", "runs:write"]);
    const err = await expectError(await call("GET", `${BASE}/${created.run_id}/detail`, { key: noDetail }), { status: 403, code: "insufficient_scope" });
    expect(err.message).toContain("detail:read");
    // runs:read alone is not enough either; detail:read alone is
    const onlyDetail = await createKey(tenantId, "test", ["detail:read"]);
    await expectPending(await call("GET", `${BASE}/${created.run_id}/detail`, { key: onlyDetail }), created.run_id);
  });

  it("returns per-source data, raw payload, timings and attempts", async () => {
    const created = await createHeldRun(key, pfBody("987.654.321-00"));
    const id = created.run_id as string;
    await runToEnd(key, id);
    const res = await call("GET", `${BASE}/${id}/detail`, { key });
    expect(res.status).toBe(200);
    const d = (await res.json()) as Record<string, any>;
    expect(d).toMatchObject({ object: "bureau_run_detail", run_id: id, status: "completed", livemode: false });
    expect(d.sources).toHaveLength(TPL_PF_PADRAO.sources.length);
    for (const s of d.sources) {
      for (const k of ["source", "phase", "status", "checks", "attempts", "duration_ms", "started_at", "completed_at", "data", "raw"]) {
        expect(s, s.source).toHaveProperty(k);
      }
      expect(s.attempts).toBe(1);
      expect(s.started_at).toMatch(ISO_MS);
      expect(s.raw).not.toBeNull();
    }
    const receita = d.sources.find((s: { source: string }) => s.source === "receita_federal_cpf");
    expect(receita.data).toMatchObject({ situacao_cadastral: "REGULAR" });
    expect(typeof receita.data.nome).toBe("string");
    // the call log: every source called once
    expect(d.calls.map((c: { source: string }) => c.source).sort()).toEqual(TPL_PF_PADRAO.sources.map((s) => s.source).sort());
    for (const c of d.calls) expect(c.attempt).toBe(1);
  });

  it("a timed-out source shows its retries and the reason", async () => {
    const created = await createHeldRun(key, pfBody("000.000.008-06"));
    const run = await runToEnd(key, created.run_id);
    expect(run).toMatchObject({ status: "partial", operative_decision: "hold" });
    const d = (await (await call("GET", `${BASE}/${created.run_id}/detail`, { key })).json()) as Record<string, any>;
    const errored = d.sources.filter((s: { status: string }) => s.status === "ERROR");
    expect(errored.map((s: { source: string }) => s.source).sort()).toEqual(["cnj_mandados_prisao", "protestos", "trf_processos"]);
    for (const s of errored) {
      expect(s.attempts).toBeGreaterThan(1);
      expect(typeof s.reason).toBe("string");
    }
    const calls = d.calls.filter((c: { source: string }) => c.source === "protestos");
    expect(calls.map((c: { attempt: number }) => c.attempt)).toEqual(Array.from({ length: calls.length }, (_, i) => i + 1));
  });
});
