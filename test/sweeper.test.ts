// The sweeper (Cron Trigger): runs stranded after creation are re-driven, or
// failed with their credits returned when their object never got them.
// Time is passed in (`now` / the trigger's scheduledTime), never slept on.
import { env } from "cloudflare:workers";
import { createScheduledController, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { NEVER_STARTED_REASON } from "../src/runs/records";
import { createRun as serviceCreateRun, servicesFor } from "../src/runs/service";
import { ACTIVE_MARGIN_MS, QUEUED_STALE_MS, SWEEP_CRON, sweepStalledRuns, type SweptRun } from "../src/runs/sweeper";
import { admin, call, createHeldRun, createRun, pfBody, runToEnd, sandboxTenant } from "./helpers/api";
import { faultyEnv, tenantWithAuth } from "./helpers/faults";

const MIN = 60_000;
const stub = (runId: string) => env.RUN.get(env.RUN.idFromName(runId));
const runRow = async (runId: string) => (await env.DB.prepare("SELECT * FROM runs WHERE id = ?").bind(runId).first<Record<string, any>>())!;
const credits = async (tenantId: string) => ((await (await admin("GET", `/tenants/${tenantId}`)).json()) as { credits: number }).credits;
const entry = (swept: SweptRun[], runId: string) => swept.find((s) => s.runId === runId);
const alarmOf = (runId: string) => runInDurableObject(stub(runId), (_i, state) => state.storage.getAlarm());
const dropAlarm = (runId: string) => runInDurableObject(stub(runId), (_i, state) => state.storage.deleteAlarm());

/** A run whose object's `start` failed: committed in D1 (queued, credits held), unknown to its object. */
async function strandedRun(credits: number, environment: "test" | "live", req: Record<string, unknown> = pfBody(), key = "stranded") {
  const t = await tenantWithAuth(credits, environment);
  const created = await serviceCreateRun(servicesFor(faultyEnv({ start: true }), t.auth), req as never, key);
  expect(created.body.status).toBe("queued");
  expect(await stub(created.body.run_id).currentStatus()).toBeNull();
  return { ...t, runId: created.body.run_id as string, createdAt: Date.parse(created.body.created_at) };
}

describe("sweeper: runs whose object never started", () => {
  it("a queued run is left alone for 2 minutes, then failed with every source in ERROR, its credits returned once and run.failed sent", async () => {
    const req = pfBody("529.982.247-25", { webhook_url: "https://hooks.example.com/kyc" });
    const { tenant, key, runId, createdAt } = await strandedRun(100, "live", req);
    expect(await credits(tenant.id)).toBe(84); // 16 held by the run

    const early = await sweepStalledRuns(env, new Date(createdAt + QUEUED_STALE_MS - 1000));
    expect(entry(early, runId)).toBeUndefined();
    expect((await runRow(runId)).status).toBe("queued");

    const swept = await sweepStalledRuns(env, new Date(createdAt + QUEUED_STALE_MS + 1000));
    expect(entry(swept, runId)).toEqual({ runId, action: "failed", status: null });
    const row = await runRow(runId);
    expect(row).toMatchObject({ status: "failed", decision: null, credits_used: 0, credits_settled: 1 });
    expect(await credits(tenant.id)).toBe(100);

    const res = await call("GET", `/api/v1/bureau/runs/${runId}`, { key });
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(body).toMatchObject({ id: runId, status: "failed", decision: null, credits_used: 0, subject: { type: "pf", document: "***.982.247-**" } });
    expect(body.sources).toHaveLength(16);
    for (const s of body.sources) expect(s).toMatchObject({ status: "ERROR", attempts: 0, reason: NEVER_STARTED_REASON });

    const events = await env.DB.prepare("SELECT type FROM webhook_events WHERE run_id = ?").bind(runId).all<{ type: string }>();
    expect(events.results).toEqual([{ type: "run.failed" }]);

    // Once: a later tick finds nothing to do and returns nothing again.
    const again = await sweepStalledRuns(env, new Date(createdAt + 10 * MIN));
    expect(entry(again, runId)).toBeUndefined();
    expect(await credits(tenant.id)).toBe(100);

    // A replay of the key answers with the failed run and does not revive it.
    const replay = await createRun(key, req, { "Idempotency-Key": "stranded" });
    expect(replay.status).toBe(202);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await replay.json<any>()).toMatchObject({ run_id: runId, status: "failed" });
    expect(await stub(runId).currentStatus()).toBeNull();
  });

  it("through the Cron Trigger: the Worker's scheduled handler sweeps as of its scheduled time", async () => {
    const { runId, createdAt } = await strandedRun(1000, "test", pfBody(), "via-cron");
    await worker.scheduled(createScheduledController({ scheduledTime: createdAt + QUEUED_STALE_MS + 1000, cron: SWEEP_CRON }), env);
    expect((await runRow(runId)).status).toBe("failed");
  });
});

describe("sweeper: runs whose object has them", () => {
  it("a queued run whose alarm went missing is re-driven and then completes", async () => {
    const { key } = await sandboxTenant();
    const created = await createHeldRun(key, pfBody());
    const runId = created.run_id as string;
    await dropAlarm(runId);
    expect(await alarmOf(runId)).toBeNull();

    const swept = await sweepStalledRuns(env, new Date(Date.parse(created.created_at) + QUEUED_STALE_MS + 1000));
    expect(entry(swept, runId)).toEqual({ runId, action: "redriven", status: "queued" });
    // The re-armed alarm is due at once and may already have run, so its presence is not
    // asserted; runToEnd only delivers alarms that are set, and throws if none ever is.
    expect((await runToEnd(key, runId)).status).toBe("completed");
  });

  it("a running run is re-driven only past the run deadline + partner deadline + margin", async () => {
    const { key } = await sandboxTenant();
    const created = await createHeldRun(key, pfBody());
    const runId = created.run_id as string;
    await env.DB.prepare("UPDATE runs SET status = 'running' WHERE id = ?").bind(runId).run();
    await dropAlarm(runId);
    const age = Number(env.RUN_DEADLINE_MS) + Number(env.PARTNER_DEADLINE_MS) + ACTIVE_MARGIN_MS;
    const createdAt = Date.parse(created.created_at);

    expect(entry(await sweepStalledRuns(env, new Date(createdAt + age - 1000)), runId)).toBeUndefined();
    expect(await alarmOf(runId)).toBeNull();

    expect(entry(await sweepStalledRuns(env, new Date(createdAt + age + 1000)), runId)).toMatchObject({ runId, action: "redriven" });
    expect(await alarmOf(runId)).not.toBeNull();
    await runDurableObjectAlarm(stub(runId));
    expect((await runToEnd(key, runId)).status).toBe("completed");
  });

  it("a tick handles at most `limit` runs, oldest first", async () => {
    for (let i = 0; i < 3; i++) await strandedRun(1000, "test", pfBody(), `bounded-${i}`);
    const now = new Date(Date.now() + 60 * MIN);
    const oldest = await env.DB.prepare(
      "SELECT id FROM runs WHERE status = 'queued' OR status IN ('running', 'em_analise') ORDER BY created_at, id LIMIT 2",
    ).all<{ id: string }>();
    const swept = await sweepStalledRuns(env, now, 2);
    expect(swept.map((s) => s.runId)).toEqual(oldest.results.map((r) => r.id));
  });
});
