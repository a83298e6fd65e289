// A run can never get stuck: its alarm is re-armed before any I/O that can
// fail, close enough that a run whose execution died resumes within seconds,
// well before its deadline. And once terminal, the object forgets the clear CPF.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { WATCHDOG_MS, type RunObject } from "../src/runs/run-object";
import { createHeldRun, runToEnd, sandboxTenant } from "./helpers/api";

const stub = (id: string) => env.RUN.get(env.RUN.idFromName(id));
const CPF = "529.982.247-25";

/** A D1 that refuses every statement, as during an outage. */
const downD1 = (): D1Database => {
  const fail = () => {
    throw new Error("D1_ERROR: simulated outage");
  };
  return { prepare: fail, batch: fail, exec: fail, dump: fail, withSession: fail } as unknown as D1Database;
};

/** Swaps the D1 binding the run object sees (its `env`), for the faults below. */
const setObjectD1 = (runId: string, db: D1Database) =>
  runInDurableObject(stub(runId), (instance: RunObject) => {
    (instance as unknown as { env: Env }).env = { ...env, DB: db };
  });

const alarmIn = async (runId: string) => {
  const at = await runInDurableObject(stub(runId), (_i: RunObject, state) => state.storage.getAlarm());
  return at === null ? null : at - Date.now();
};

const d1Status = async (runId: string) =>
  (await env.DB.prepare("SELECT status FROM runs WHERE id = ?").bind(runId).first<{ status: string }>())?.status;

describe("run alarms under faults", () => {
  it("a D1 outage longer than the alarm retries never strands the run; it completes once D1 is back", async () => {
    const { key } = await sandboxTenant();
    const { run_id } = await createHeldRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: CPF } });
    await setObjectD1(run_id, downD1());

    // Every invocation fails on D1 (the mirror, then the terminal write), however often it is retried...
    for (let i = 0; i < 8; i++) {
      await runDurableObjectAlarm(stub(run_id)).catch(() => undefined);
      // ...and each leaves an alarm behind, seconds away (not at the run deadline).
      const next = await alarmIn(run_id);
      expect(next, `after invocation ${i + 1}`).not.toBeNull();
      expect(next!).toBeLessThanOrEqual(30_000);
    }
    expect(await d1Status(run_id)).toBe("queued");

    await setObjectD1(run_id, env.DB);
    const run = await runToEnd(key, run_id);
    expect(run).toMatchObject({ status: "completed", decision: "approved" });
    expect(run.sources.every((s: { status: string }) => s.status !== "ERROR")).toBe(true);
    expect(await alarmIn(run_id)).toBeNull(); // nothing left to do
  });

  it("the watchdog fires within seconds, far before the run deadline", async () => {
    const { key } = await sandboxTenant();
    const { run_id } = await createHeldRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: CPF } });
    await setObjectD1(run_id, downD1());
    await runDurableObjectAlarm(stub(run_id)).catch(() => undefined);
    const next = await alarmIn(run_id);
    expect(WATCHDOG_MS).toBeLessThanOrEqual(10_000);
    expect(next).not.toBeNull();
    expect(next!).toBeLessThanOrEqual(WATCHDOG_MS);
    expect(next!).toBeLessThan(Number(env.RUN_DEADLINE_MS) / 10);
    await setObjectD1(run_id, env.DB);
    expect((await runToEnd(key, run_id)).status).toBe("completed");
  });
});

describe("retention of the clear CPF", () => {
  it("once terminal, the run object's storage holds no clear CPF (subject, partners, raw answers)", async () => {
    const { key } = await sandboxTenant();
    const { run_id } = await createHeldRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: CPF } });
    const before = await dumpObject(run_id);
    expect(before).toContain("52998224725"); // while it runs, the object needs it
    await runToEnd(key, run_id);
    const after = await dumpObject(run_id);
    expect(after).not.toMatch(/52998224725|529\.982\.247-25/);
    expect(after).toContain("***.982.247-**");

    const pj = await createHeldRun(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: "00.000.000/0001-91" } });
    await runToEnd(key, pj.run_id);
    // The sandbox QSA's first partner is 000.000.001-91.
    expect(await dumpObject(pj.run_id)).not.toMatch(/00000000191|000\.000\.001-91/);
  });
});

/** Every row of every table of a run object, as text. */
const dumpObject = (runId: string) =>
  runInDurableObject(stub(runId), (_i: RunObject, state) => {
    const sql = state.storage.sql;
    const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'").toArray();
    return JSON.stringify(tables.map((t) => sql.exec(`SELECT * FROM "${t.name}"`).toArray()));
  });
