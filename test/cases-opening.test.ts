// A case opens exactly once for every run that ends `review` or on `hold`, in
// the terminal write's batch; the run gains case_id / final_decision while its
// computed decision never changes; due_at follows the tenant's SLA.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";
import { finishRun } from "../src/db/queries/runs";
import { caseOpeningFor } from "../src/cases/opening";
import type { StoredResult } from "../src/runs/types";
import { sandboxPersonFor } from "../src/sources/sandbox";
import { admin, call } from "./helpers/api";
import { caseActionOk, caseRows, casesTenant, CPF, eventRows, finishPf, getCase, NOTE } from "./helpers/cases";

const HOUR = 3_600_000;
const stub = (id: string) => env.RUN.get(env.RUN.idFromName(id));

describe("case opening", () => {
  it("a review run opens one case: open, reason review, due 48 h after the run ended, an `opened` event at the chain's start", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    expect(run.decision).toBe("review");
    expect(run.case_id).toMatch(/^case_[0-9A-Z]{26}$/);
    expect(run.final_decision).toBeNull();

    const c = await getCase(key, run.case_id);
    expect(c).toMatchObject({
      id: run.case_id,
      object: "case",
      run_id: run.id,
      status: "open",
      reason: "review",
      opened_at: run.completed_at,
      assignee: null,
      proposal: null,
      resolution: null,
      livemode: false,
    });
    expect(Date.parse(c.due_at) - Date.parse(c.opened_at)).toBe(48 * HOUR);
    expect(c.events).toHaveLength(1);
    expect(c.events[0]).toMatchObject({ type: "opened", actor: "system", at: run.completed_at, prev_hash: "0".repeat(64) });
    expect(c.events[0].data).toMatchObject({ run_id: run.id, reason: "review", decision: "review", due_at: c.due_at });
    expect(c.chain).toEqual({ length: 1, head: c.events[0].hash, verified: true, problem: null, anchor: null });
    // The sandbox PEP record is a match an analyst can resolve: found by the subject's own CPF, it names
    // the list it stands for, the subject's name (from Receita) and a document match's score.
    expect(c.matches).toEqual([
      {
        source: "pep_coaf",
        list: "cgu_pep",
        entity_id: "registro:1",
        name: sandboxPersonFor("00000000453").nome,
        score: 1,
        record_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
  });

  it("a run on hold (a tier-1 source timed out) opens a case with reason hold", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.hold);
    expect(run.operative_decision).toBe("hold");
    const c = await getCase(key, run.case_id);
    expect(c).toMatchObject({ status: "open", reason: "hold", run_id: run.id });
  });

  it("approved and rejected runs open no case; their body says case_id null", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    for (const cpf of [CPF.clean, CPF.ofac]) {
      const run = await finishPf(key, cpf);
      expect(["approved", "rejected"]).toContain(run.decision);
      expect(run.operative_decision).not.toBe("hold");
      expect(run).toMatchObject({ case_id: null, final_decision: null });
      expect(await caseRows(run.id)).toEqual([]);
    }
  });

  it("a retried finalize (redelivered alarm, lost `mirrored` flag) never opens a second case nor appends a second opening", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    const before = await caseRows(run.id);
    expect(before).toHaveLength(1);
    // The alarm comes again: nothing to do.
    await runDurableObjectAlarm(stub(run.id));
    // A crash after the terminal write, before `mirrored`: the next alarm repeats finalize as a whole.
    for (let i = 0; i < 2; i++) {
      await runInDurableObject(stub(run.id), async (_i, state) => {
        state.storage.sql.exec("DELETE FROM meta WHERE k = 'mirrored'");
        await state.storage.setAlarm(Date.now() + 60_000);
      });
      expect(await runDurableObjectAlarm(stub(run.id))).toBe(true);
    }
    const after = await caseRows(run.id);
    expect(after).toEqual(before);
    expect(await eventRows(before[0].id)).toHaveLength(1);
  });

  it("the opening is gated by the run row: a repeated terminal write with its case rows changes nothing, even after the case moved on", async () => {
    const { key, tenant, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    await caseActionOk(key, run.case_id, "assign", { assignee: ANA, actor: ANA });
    const row = await env.DB.prepare("SELECT result FROM runs WHERE id = ?").bind(run.id).first<{ result: string }>();
    const stored = JSON.parse(row!.result) as StoredResult;
    const db = createDb(env.DB);
    const opening = await caseOpeningFor(env, db, { tenantId: tenant.id, livemode: false, subjectHash: null, webhookUrl: null }, stored.body);
    expect(opening).not.toBeNull();
    const body = stored.body;
    const wrote = await finishRun(
      db,
      run.id,
      tenant.id,
      {
        status: body.status,
        decision: body.decision,
        operativeDecision: body.operative_decision,
        riskBand: body.risk_band,
        creditsUsed: body.credits_used,
        result: row!.result,
        startedAt: body.started_at,
        completedAt: body.completed_at!,
      },
      opening!,
    );
    expect(wrote).toBe(false);
    const rows = await caseRows(run.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "in_review", assignee: ANA, version: 2 });
    expect((await eventRows(run.case_id)).map((e) => e.type)).toEqual(["opened", "assigned"]);
  });

  it("a run row that does not say review/hold (e.g. failed by the sweeper first) gets no case from a late finalize", async () => {
    const { key, tenant, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    const row = await env.DB.prepare("SELECT result FROM runs WHERE id = ?").bind(run.id).first<{ result: string }>();
    const stored = JSON.parse(row!.result) as StoredResult;
    const db = createDb(env.DB);
    // A different run id whose D1 row ended failed: the opening rows of a review body must not go in.
    const other = `run_${"0".repeat(10)}${crypto.randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase()}`;
    await env.DB.prepare(
      "INSERT INTO runs (id, tenant_id, livemode, template_id, template_version, subject_type, document_masked, status, decision, metadata, estimated_seconds, created_at) VALUES (?, ?, 0, 'tpl_pf_padrao', 1, 'pf', '***', 'failed', NULL, '{}', 1, ?)",
    )
      .bind(other, tenant.id, new Date().toISOString())
      .run();
    const opening = await caseOpeningFor(env, db, { tenantId: tenant.id, livemode: false, subjectHash: null, webhookUrl: null }, { ...stored.body, id: other });
    const body = stored.body;
    await finishRun(
      db,
      other,
      tenant.id,
      {
        status: body.status,
        decision: body.decision,
        operativeDecision: body.operative_decision,
        riskBand: body.risk_band,
        creditsUsed: 0,
        result: row!.result,
        startedAt: null,
        completedAt: body.completed_at!,
      },
      opening!,
    );
    expect(await caseRows(other)).toEqual([]);
    expect(await env.DB.prepare("SELECT case_id FROM runs WHERE id = ?").bind(other).first()).toEqual({ case_id: null });
  });

  it("due_at follows the tenant's SLA, set through the admin plane (default 48 h, documented on the tenant)", async () => {
    const { key, tenant, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const got = await (await admin("GET", `/tenants/${tenant.id}`)).json<any>();
    expect(got.case_sla_hours).toBe(48);
    const patched = await admin("PATCH", `/tenants/${tenant.id}`, { case_sla_hours: 4 });
    expect(patched.status).toBe(200);
    expect((await patched.json<any>()).case_sla_hours).toBe(4);
    const run = await finishPf(key, CPF.pep);
    const c = await getCase(key, run.case_id);
    expect(Date.parse(c.due_at) - Date.parse(c.opened_at)).toBe(4 * HOUR);

    const bad = await admin("PATCH", `/tenants/${tenant.id}`, { case_sla_hours: 0 });
    expect(bad.status).toBe(400);
  });

  it("partner runs that end in review open their own case, and the company a case of its own", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const res = await call("POST", "/api/v1/bureau/runs", { key, body: { template_id: "tpl_pj_padrao", parametros: { cnpj: "00.000.000/0003-57" } } });
    expect(res.status).toBe(202);
    const { run_id } = await res.json<{ run_id: string }>();
    const { runToEnd } = await import("./helpers/api");
    const company = await runToEnd(key, run_id);
    expect(company.decision).toBe("review");
    const c = await getCase(key, company.case_id);
    expect(c.reason).toBe("review");
    const pepPartner = company.partner_runs.find((p: any) => p.decision === "review");
    expect(pepPartner).toBeDefined();
    const child = await (await call("GET", `/api/v1/bureau/runs/${pepPartner.run_id}`, { key })).json<any>();
    expect(child.case_id).toMatch(/^case_/);
    expect(child.case_id).not.toBe(company.case_id);
  });

  it("the run keeps its computed decision; case_id and final_decision show on GET, the list and the cancel answer alike", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    await caseActionOk(key, run.case_id, "resolve", { outcome: "approved", reason_code: "risk_accepted", note: NOTE, actor: ANA });
    const again = await (await call("GET", `/api/v1/bureau/runs/${run.id}`, { key })).json<any>();
    expect(again).toMatchObject({ decision: "review", operative_decision: "review", case_id: run.case_id, final_decision: "approved" });
    const stored = await env.DB.prepare("SELECT decision, result FROM runs WHERE id = ?").bind(run.id).first<{ decision: string; result: string }>();
    expect(stored!.decision).toBe("review");
    expect(JSON.parse(stored!.result).body.decision).toBe("review");
    const list = await (await call("GET", `/api/v1/bureau/runs?limit=100`, { key })).json<any>();
    expect(list.data.find((r: any) => r.id === run.id)).toMatchObject({ decision: "review", case_id: run.case_id, final_decision: "approved" });
    const { sources: _s, ...rest } = again;
    expect(list.data.find((r: any) => r.id === run.id)).toEqual(rest);
  });
});
