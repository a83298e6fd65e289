// The run Durable Object: resumable after eviction or restart without calling
// a finished source again, idempotent alarm handler, immutable terminal state.
import { env } from "cloudflare:workers";
import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RunObject } from "../src/runs/run-object";
import { call, createRun, runToEnd, sandboxTenant } from "./helpers/api";

const stub = (id: string) => env.RUN.get(env.RUN.idFromName(id));

async function newRun(cpf = "529.982.247-25") {
  const { key } = await sandboxTenant();
  const res = await createRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf } });
  const { run_id } = await res.json<{ run_id: string }>();
  return { key, runId: run_id };
}

/** Simulates an earlier invocation that persisted some results and then died. */
async function seedProgress(runId: string, sources: string[]) {
  await runInDurableObject(stub(runId), async (_instance: RunObject, state) => {
    const sql = state.storage.sql;
    const at = new Date().toISOString();
    sql.exec("INSERT INTO meta (k, v) VALUES ('status', '\"running\"') ON CONFLICT (k) DO UPDATE SET v = excluded.v");
    sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('started_at', ?)", JSON.stringify(at));
    sources.forEach((source, seq) => {
      // The identity source returns the holder's name, which the name-screened lists after it need.
      const data = source === "receita_federal_cpf" ? { nome: "MARIA DA SILVA" } : undefined;
      const result = { source, phase: "critical", status: "VALID", checks: {}, data, attempts: 1, duration_ms: 5, started_at: at, completed_at: at };
      sql.exec("INSERT INTO results (source, seq, json) VALUES (?, ?, ?)", source, seq, JSON.stringify(result));
      sql.exec("INSERT INTO calls (source, attempt, at) VALUES (?, 1, ?)", source, at);
    });
  });
}

const callCounts = async (runId: string) => {
  const log = await stub(runId).callLog();
  const counts: Record<string, number> = {};
  for (const c of log) counts[c.source] = (counts[c.source] ?? 0) + 1;
  return counts;
};

describe("RunObject", () => {
  it("start persists the snapshot and arms an alarm, and is idempotent", async () => {
    const { runId } = await newRun();
    const armed = await runInDurableObject(stub(runId), (_i: RunObject, state) => state.storage.getAlarm());
    expect(armed).not.toBeNull();
    const again = await runInDurableObject(stub(runId), (instance: RunObject) =>
      instance.start({} as Parameters<RunObject["start"]>[0]),
    );
    expect(again).toEqual({ started: false, status: "queued" });
  });

  for (const [name, restart] of [
    ["eviction", (id: string) => evictDurableObject(stub(id))],
    ["abort of every object (restart)", () => abortAllDurableObjects()],
  ] as const) {
    it(`resumes after ${name} without calling a finished source again`, async () => {
      const { key, runId } = await newRun();
      const done = ["receita_federal_cpf", "cnj_mandados_prisao", "ofac_sdn"];
      await seedProgress(runId, done);
      await restart(runId);

      expect(await runDurableObjectAlarm(stub(runId))).toBe(true);
      const run = await runToEnd(key, runId);
      expect(run.status).toBe("completed");
      expect(run.sources).toHaveLength(16);
      const counts = await callCounts(runId);
      // Every source called exactly once overall: the seeded ones were not called again.
      expect(Object.keys(counts)).toHaveLength(16);
      expect(Object.values(counts).every((n) => n === 1)).toBe(true);
      expect(run.sources.slice(0, 3).map((s: { source: string }) => s.source)).toEqual(done);
    });
  }

  it("an alarm delivered again after the end changes nothing (at-least-once alarms)", async () => {
    const { key, runId } = await newRun();
    const first = await runToEnd(key, runId);
    const before = await env.DB.prepare("SELECT status, result, completed_at FROM runs WHERE id = ?").bind(runId).first();
    await runInDurableObject(stub(runId), (_i: RunObject, state) => state.storage.setAlarm(Date.now() + 60_000)); // due later, so only the test delivers it
    expect(await runDurableObjectAlarm(stub(runId))).toBe(true);
    const after = await env.DB.prepare("SELECT status, result, completed_at FROM runs WHERE id = ?").bind(runId).first();
    expect(after).toEqual(before);
    expect(Object.values(await callCounts(runId)).every((n) => n === 1)).toBe(true);
    const again = await (await call("GET", `/api/v1/bureau/runs/${runId}`, { key })).json();
    expect(again).toEqual(first);
  });

  it("status moves queued → running → em_analise → terminal in D1, and never back", async () => {
    const { key, runId } = await newRun();
    const status = async () => (await env.DB.prepare("SELECT status FROM runs WHERE id = ?").bind(runId).first<{ status: string }>())?.status;
    expect(await status()).toBe("queued");
    await runToEnd(key, runId);
    expect(await status()).toBe("completed");
    // A late conditional update from a stale writer cannot move a terminal run.
    const { advanceRunStatus } = await import("../src/db/queries/runs");
    const { createDb } = await import("../src/db/client");
    expect(await advanceRunStatus(createDb(env.DB), runId, "running")).toBe(false);
    expect(await status()).toBe("completed");
    // Forward only: a late "running" never moves an em_analise run back.
    const other = await newRun();
    await env.DB.prepare("UPDATE runs SET status = 'em_analise' WHERE id = ?").bind(other.runId).run();
    expect(await advanceRunStatus(createDb(env.DB), other.runId, "running")).toBe(false);
    expect(await advanceRunStatus(createDb(env.DB), other.runId, "em_analise")).toBe(false);
  });

  it("a cancelled run keeps its state: late source answers are not recorded", async () => {
    const { key, runId } = await newRun();
    await seedProgress(runId, ["receita_federal_cpf"]);
    const cancelled = await call("POST", `/api/v1/bureau/runs/${runId}/cancel`, { key });
    expect(cancelled.status).toBe(200);
    const body = await cancelled.json<any>();
    expect(body).toMatchObject({ status: "cancelado", decision: null });
    expect(body.sources.map((s: { source: string }) => s.source)).toEqual(["receita_federal_cpf"]);
    await runInDurableObject(stub(runId), (_i: RunObject, state) => state.storage.setAlarm(Date.now() + 60_000)); // due later, so only the test delivers it
    await runDurableObjectAlarm(stub(runId));
    const later = await (await call("GET", `/api/v1/bureau/runs/${runId}`, { key })).json();
    expect(later).toEqual(body);
    expect(await callCounts(runId)).toEqual({ receita_federal_cpf: 1 });
  });
});

describe("personal data leaving the run object", () => {
  it("no CPF in clear in D1, /detail or the run body (subject and QSA partners)", async () => {
    const { key, runId } = await newRun("529.982.247-25");
    await runToEnd(key, runId);
    const row = await env.DB.prepare("SELECT * FROM runs WHERE id = ?").bind(runId).first();
    expect(JSON.stringify(row)).not.toContain("52998224725");
    expect(JSON.stringify(row)).not.toContain("529.982.247-25");
    const detail = await (await call("GET", `/api/v1/bureau/runs/${runId}/detail`, { key })).text();
    expect(detail).not.toContain("52998224725");
    expect(detail).toContain("***.982.247-**");

    const pj = await createRun(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: "00.000.000/0001-91" } });
    const pjId = (await pj.json<{ run_id: string }>()).run_id;
    const done = await runToEnd(key, pjId);
    const partnerDocs = (
      await env.DB.prepare("SELECT id FROM runs WHERE parent_run_id = ?").bind(pjId).all<{ id: string }>()
    ).results;
    expect(partnerDocs).toHaveLength(2);
    const pjRow = JSON.stringify(await env.DB.prepare("SELECT result FROM runs WHERE id = ?").bind(pjId).first());
    // The sandbox QSA lists 000.000.001-91 as a partner; only its mask may leave the object.
    expect(pjRow).not.toMatch(/00000000191|000\.000\.001-91/);
    expect(done.partner_runs.every((p: { document: string }) => /^\*\*\*\./.test(p.document))).toBe(true);
  });
});
