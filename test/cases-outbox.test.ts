// The webhook outbox (contract §15: "a change that committed is never answered
// with a 5xx: webhook events are written in the same transaction as the change
// and delivered from there"): the case.resolved event commits in the change's
// batch; when handing it to its delivery object fails, the answer is still
// 200 and the every-minute sweep delivers it later.
import { env } from "cloudflare:workers";
import { createExecutionContext, runDurableObjectAlarm, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { OUTBOX_GRACE_MS, sweepOutbox } from "../src/webhooks/outbox";
import { admin } from "./helpers/api";
import { casesTenant, CPF, finishPf, NOTE } from "./helpers/cases";
import { scriptedFetch, statusResponse, type ScriptedFetch } from "./helpers/scripted-fetch";
import { networkDisabled, setWebhookTransportForTests } from "./helpers/transports";

const HOOK = "https://hooks.example.com/outbox";
const app = createApp();

/** The env with every delivery object's `enqueue` failing (the hand-over after the commit). */
const deliveryDown = (): Env => ({
  ...env,
  WEBHOOKS: {
    idFromName: (n: string) => env.WEBHOOKS.idFromName(n),
    get: () => ({ enqueue: () => Promise.reject(new Error("injected: delivery object unreachable")) }),
  } as unknown as Env["WEBHOOKS"],
});

async function send(e: Env, method: string, path: string, key: string, body?: unknown) {
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`https://api.kycert.test${path}`, {
      method,
      headers: { "X-API-Key": key, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }),
    e,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

const eventRow = async (caseId: string, type: string) =>
  env.DB.prepare("SELECT id, dispatched_at FROM webhook_events WHERE run_id = (SELECT run_id FROM cases WHERE id = ?) AND type = ?")
    .bind(caseId, type)
    .first<{ id: string; dispatched_at: string | null }>();

describe("webhook outbox", () => {
  let net: ScriptedFetch;
  beforeEach(() => {
    net = scriptedFetch();
    setWebhookTransportForTests({ fetch: net.fetch, firstAttemptDelayMs: 3_600_000, random: () => 0.5, timeoutMs: 10_000 });
  });
  afterAll(() => setWebhookTransportForTests({ fetch: networkDisabled("webhook"), firstAttemptDelayMs: 3_600_000 }));

  it("the hand-over failing after the commit → 200 with the resolved case; the event is in the outbox and the sweep delivers it", async () => {
    const { key, tenant, ana } = await casesTenant();
    const endpoint = await (await admin("POST", `/tenants/${tenant.id}/webhook-endpoints`, { url: HOOK, environment: "test", events: ["case.resolved"] })).json<any>();
    net.on(HOOK, statusResponse(200));
    const run = await finishPf(key, CPF.pep);

    const res = await send(deliveryDown(), "POST", `/api/v1/bureau/cases/${run.case_id}/resolve`, key, {
      outcome: "approved",
      reason_code: "documents_verified",
      note: NOTE,
      actor: ana,
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ id: run.case_id, status: "resolved", resolution: { outcome: "approved", resolved_by: ana } });

    // Committed with the change, not handed over yet.
    const pending = await eventRow(run.case_id, "case.resolved");
    expect(pending).toMatchObject({ id: expect.stringMatching(/^evt_/), dispatched_at: null });
    const stub = env.WEBHOOKS.get(env.WEBHOOKS.idFromName(`${pending!.id}|${endpoint.id}`));
    expect(await stub.state()).toBeNull();

    // Too young for the sweep (its request may still hand it over), then swept.
    expect((await sweepOutbox(env, new Date())).dispatched).not.toContain(pending!.id);
    const swept = await sweepOutbox(env, new Date(Date.now() + OUTBOX_GRACE_MS + 1_000));
    expect(swept.dispatched).toContain(pending!.id);
    expect((await eventRow(run.case_id, "case.resolved"))!.dispatched_at).not.toBeNull();

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const delivered = net.callsTo(HOOK);
    expect(delivered).toHaveLength(1);
    expect(delivered[0].headers["kycert-event-id"]).toBe(pending!.id);
    expect(JSON.parse(delivered[0].body!)).toMatchObject({ event: "case.resolved", data: { object: { id: run.case_id, status: "resolved" } } });
    expect(await stub.state()).toMatchObject({ status: "delivered", attempts: 1 });

    // Nothing is left to sweep.
    expect((await sweepOutbox(env, new Date(Date.now() + OUTBOX_GRACE_MS + 1_000))).dispatched).not.toContain(pending!.id);
  });

  it("a change that does not commit writes no event", async () => {
    const { key, tenant, ana } = await casesTenant();
    await admin("POST", `/tenants/${tenant.id}/webhook-endpoints`, { url: HOOK, environment: "test", events: ["case.resolved"] });
    const run = await finishPf(key, CPF.pep);
    const refused = await send(env, "POST", `/api/v1/bureau/cases/${run.case_id}/resolve`, key, { outcome: "approved", reason_code: "documents_verified", note: "curta", actor: ana });
    expect(refused.status).toBe(400);
    expect(await eventRow(run.case_id, "case.resolved")).toBeNull();
  });
});
