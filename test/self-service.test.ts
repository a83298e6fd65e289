// Self-service with the tenant's own key: the templates it can run, its
// webhook events (a missed one found again) and its own webhook endpoints
// (scope webhooks:write). Another tenant's, or another environment's, ids are
// 404 like unknown ones.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { signatureHeader } from "../src/webhooks/signature";
import { admin, call, createKey, createRun, createTenant, expectError, pfBody, runToEnd } from "./helpers/api";
import { scriptedFetch, statusResponse, type ScriptedFetch } from "./helpers/scripted-fetch";
import { networkDisabled, setWebhookTransportForTests } from "./helpers/transports";

const SELF_SCOPES = ["runs:write", "runs:read", "webhooks:write"];
const W = "/api/v1/webhook-endpoints";
const E = "/api/v1/bureau/events";
const T = "/api/v1/bureau/templates";
const HOOK = "https://hooks.example.com.br/kycert";

let net: ScriptedFetch;
beforeEach(() => {
  net = scriptedFetch();
  // Deliveries happen only when a test drives the delivery object's alarm.
  setWebhookTransportForTests({ fetch: net.fetch, firstAttemptDelayMs: 3_600_000, random: () => 0.5, timeoutMs: 10_000 });
});
afterAll(() => setWebhookTransportForTests({ fetch: networkDisabled("webhook"), firstAttemptDelayMs: 3_600_000 }));

async function json<T = any>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

async function selfServiceTenant() {
  const tenant = await createTenant();
  return { tenant, key: await createKey(tenant.id, "test", SELF_SCOPES), live: await createKey(tenant.id, "live", SELF_SCOPES) };
}

/** Runs a run to its end, its finalize included (the event is written then). */
async function finish(key: string, body: unknown): Promise<Record<string, any>> {
  const created = await json<{ run_id: string }>(await createRun(key, body), 202);
  const run = await runToEnd(key, created.run_id);
  await runDurableObjectAlarm(env.RUN.get(env.RUN.idFromName(created.run_id)));
  return run;
}

const eventIdOf = async (runId: string) =>
  (await env.DB.prepare("SELECT id FROM webhook_events WHERE run_id = ? ORDER BY id").bind(runId).first<{ id: string }>())!.id;

/** Sends an event's pending delivery to one endpoint now (its delivery object's alarm). */
const deliver = (eventId: string, endpointId: string) => runDurableObjectAlarm(env.WEBHOOKS.get(env.WEBHOOKS.idFromName(`${eventId}|${endpointId}`)));

describe("GET /bureau/templates", () => {
  it("lists the global templates and the tenant's own published ones at their newest version; not drafts, not another tenant's", async () => {
    const { tenant, key } = await selfServiceTenant();
    const other = await createTenant();
    const def = (tenantId: string, name: string) => ({
      tenant_id: tenantId,
      name,
      subject_type: "pf",
      parametros_schema: { type: "object", properties: { cpf: { type: "string" }, nome: { type: "string" } }, required: ["cpf"] },
      sources: [{ source: "receita_federal_cpf", phase: "critical", on_hit: "block" }],
    });
    const own = await json(await admin("POST", "/templates", def(tenant.id, "Próprio v1")), 201);
    await json(await admin("POST", `/templates/${own.id}/publish`), 200);
    await json(await admin("POST", `/templates/${own.id}/versions`, def(tenant.id, "Próprio v2")), 201);
    await json(await admin("POST", `/templates/${own.id}/publish`), 200);
    await json(await admin("POST", `/templates/${own.id}/versions`, def(tenant.id, "Próprio v3 (rascunho)")), 201);
    const draft = await json(await admin("POST", "/templates", def(tenant.id, "Só rascunho")), 201);
    const foreign = await json(await admin("POST", "/templates", def(other.id, "Alheio")), 201);
    await json(await admin("POST", `/templates/${foreign.id}/publish`), 200);

    const list = await json(await call("GET", `${T}?limit=100`, { key }), 200);
    expect(list).toMatchObject({ object: "list", has_more: false, livemode: false });
    const ids = list.data.map((t: any) => t.id);
    expect(ids).toContain("tpl_pf_padrao");
    expect(ids).toContain("tpl_pj_padrao");
    expect(ids).toContain(own.id);
    expect(ids).not.toContain(draft.id);
    expect(ids).not.toContain(foreign.id);
    expect(list.data.find((t: any) => t.id === own.id)).toMatchObject({ name: "Próprio v2", version: 2, global: false });
    const pj = list.data.find((t: any) => t.id === "tpl_pj_padrao");
    expect(Object.keys(pj)).toEqual(["id", "object", "name", "subject_type", "version", "parametros_schema", "sources", "partner_runs", "global", "published_at"]);
    expect(pj).toMatchObject({ object: "template", subject_type: "pj", global: true, partner_runs: { template_id: "tpl_pf_padrao", max_partners: 20 } });
    expect(pj.parametros_schema.required).toEqual(["cnpj"]);
    expect(pj.sources[0]).toEqual({ source: "receita_federal_cnpj", phase: "critical", on_hit: "block", tier: 1 });
  });

  it("pages newest publication first with limit and cursor", async () => {
    const { key } = await selfServiceTenant();
    const first = await json(await call("GET", `${T}?limit=1`, { key }), 200);
    expect(first.data).toHaveLength(1);
    expect(first.has_more).toBe(true);
    const second = await json(await call("GET", `${T}?limit=1&cursor=${encodeURIComponent(first.next_cursor)}`, { key }), 200);
    expect(second.data[0].id).not.toBe(first.data[0].id);
    expect(Date.parse(second.data[0].published_at)).toBeLessThanOrEqual(Date.parse(first.data[0].published_at));
    await expectError(await call("GET", `${T}?cursor=forjado`, { key }), { status: 400, code: "invalid_cursor", param: "cursor" });
    await expectError(await call("GET", `${T}?limit=101`, { key }), { status: 400, code: "invalid_limit", param: "limit" });
  });

  it("GET /templates/{id}: a global or own template; another tenant's or a draft is 404 no_such_template", async () => {
    const { key } = await selfServiceTenant();
    const other = await createTenant();
    const foreign = await json(
      await admin("POST", "/templates", {
        tenant_id: other.id,
        name: "Alheio",
        subject_type: "pf",
        parametros_schema: { type: "object", properties: { cpf: { type: "string" } } },
        sources: [{ source: "receita_federal_cpf", phase: "critical", on_hit: "block" }],
      }),
      201,
    );
    await json(await admin("POST", `/templates/${foreign.id}/publish`), 200);
    expect(await json(await call("GET", `${T}/tpl_pf_padrao`, { key }), 200)).toMatchObject({ id: "tpl_pf_padrao", subject_type: "pf", partner_runs: null });
    for (const id of [foreign.id, "tpl_nao_existe"]) {
      await expectError(await call("GET", `${T}/${id}`, { key }), { status: 404, code: "no_such_template", param: "id" });
    }
  });

  it("needs runs:read", async () => {
    const tenant = await createTenant();
    const err = await expectError(await call("GET", T, { key: await createKey(tenant.id, "test", ["webhooks:write"]) }), { status: 403, code: "insufficient_scope" });
    expect(err.message).toContain("runs:read");
  });
});

describe("webhook endpoints with the tenant's own key", () => {
  it("registers an endpoint in the key's environment; the secret is shown once; the admin plane sees the same object", async () => {
    const { tenant, key } = await selfServiceTenant();
    const created = await json(await call("POST", W, { key, body: { url: HOOK } }), 201);
    expect(created).toMatchObject({
      object: "webhook_endpoint",
      tenant_id: tenant.id,
      url: HOOK,
      events: ["run.completed", "run.failed"],
      environment: "test",
      livemode: false,
      status: "active",
    });
    expect(created.id).toMatch(/^whe_/);
    expect(created.secret).toMatch(/^whsec_/);
    const { secret, ...withoutSecret } = created;
    const got = await json(await call("GET", `${W}/${created.id}`, { key }), 200);
    expect(got).toEqual(withoutSecret);
    const list = await json(await call("GET", W, { key }), 200);
    expect(list).toMatchObject({ object: "list", has_more: false, livemode: false });
    expect(list.data).toEqual([withoutSecret]);
    expect(JSON.stringify(list)).not.toContain(secret);
    expect(await json(await admin("GET", `/tenants/${tenant.id}/webhook-endpoints/${created.id}`), 200)).toEqual(withoutSecret);
  });

  it("the admin plane's URL rules: IP literals and internal names refused; http only for sandbox endpoints", async () => {
    const { key, live } = await selfServiceTenant();
    for (const url of ["https://10.0.0.1/x", "https://localhost/x", "https://intranet/x", "https://user:pw@hooks.example.com/x", "ftp://hooks.example.com/x"]) {
      await expectError(await call("POST", W, { key, body: { url } }), { status: 400, code: "invalid_webhook_url", param: "url" });
    }
    expect((await call("POST", W, { key, body: { url: "http://hooks.example.com:8080/x" } })).status).toBe(201);
    await expectError(await call("POST", W, { key: live, body: { url: "http://hooks.example.com:8080/x" } }), { status: 400, code: "invalid_webhook_url", param: "url" });
    const liveEndpoint = await json(await call("POST", W, { key: live, body: { url: HOOK, events: ["run.completed"] } }), 201);
    expect(liveEndpoint).toMatchObject({ environment: "live", livemode: true, events: ["run.completed"] });
  });

  it("bad bodies: the environment is the key's (unknown_parameter), unknown event types, no url", async () => {
    const { key } = await selfServiceTenant();
    await expectError(await call("POST", W, { key, body: { url: HOOK, environment: "live" } }), { status: 400, code: "unknown_parameter", param: "environment" });
    await expectError(await call("POST", W, { key, body: { url: HOOK, events: ["run.started"] } }), { status: 400, code: "invalid_request", param: "events[0]" });
    await expectError(await call("POST", W, { key, body: {} }), { status: 400, code: "invalid_webhook_url", param: "url" });
  });

  it("needs webhooks:write, for every operation", async () => {
    const tenant = await createTenant();
    const noScope = await createKey(tenant.id, "test", ["runs:write", "runs:read"]);
    for (const [method, path] of [["POST", W], ["GET", W], ["GET", `${W}/whe_x`], ["DELETE", `${W}/whe_x`], ["POST", `${W}/whe_x/rotate-secret`]] as const) {
      const err = await expectError(await call(method, path, { key: noScope, body: method === "POST" && path === W ? { url: HOOK } : undefined }), { status: 403, code: "insufficient_scope" });
      expect(err.message).toContain("webhooks:write");
    }
  });

  it("another tenant's endpoint, or the other environment's, is 404 for get, delete and rotate, and not listed", async () => {
    const a = await selfServiceTenant();
    const b = await selfServiceTenant();
    const endpoint = await json(await call("POST", W, { key: a.key, body: { url: HOOK } }), 201);
    for (const key of [b.key, b.live, a.live]) {
      for (const [method, path] of [["GET", `${W}/${endpoint.id}`], ["DELETE", `${W}/${endpoint.id}`], ["POST", `${W}/${endpoint.id}/rotate-secret`]] as const) {
        await expectError(await call(method, path, { key }), { status: 404, code: "webhook_endpoint_not_found", param: "id" });
      }
      expect((await json(await call("GET", W, { key }), 200)).data).toEqual([]);
    }
    // Still active and with its first secret: nothing the others tried reached it.
    const row = await env.DB.prepare("SELECT status, secret FROM webhook_endpoints WHERE id = ?").bind(endpoint.id).first<{ status: string; secret: string }>();
    expect(row).toEqual({ status: "active", secret: endpoint.secret });
  });

  it("delete disables it (idempotent, still listed); a disabled endpoint's secret cannot be rotated (409)", async () => {
    const { key } = await selfServiceTenant();
    const endpoint = await json(await call("POST", W, { key, body: { url: HOOK } }), 201);
    const deleted = await json(await call("DELETE", `${W}/${endpoint.id}`, { key }), 200);
    expect(deleted).toMatchObject({ id: endpoint.id, status: "disabled", disabled_reason: "deleted", deleted: true });
    expect(await json(await call("DELETE", `${W}/${endpoint.id}`, { key }), 200)).toEqual(deleted);
    expect((await json(await call("GET", W, { key }), 200)).data.map((e: any) => [e.id, e.status])).toEqual([[endpoint.id, "disabled"]]);
    await expectError(await call("POST", `${W}/${endpoint.id}/rotate-secret`, { key }), { status: 409, code: "webhook_endpoint_disabled", type: "invalid_request_error", param: "id" });
  });

  it("a registered endpoint receives the run's event, signed with its secret; after a rotation, with the new one only", async () => {
    const { key } = await selfServiceTenant();
    const endpoint = await json(await call("POST", W, { key, body: { url: HOOK } }), 201);
    net.on(HOOK, statusResponse(200));
    const first = await finish(key, pfBody("000.000.001-91"));
    const firstEvent = await eventIdOf(first.id);
    await deliver(firstEvent, endpoint.id);
    expect(net.calls).toHaveLength(1);
    const sent = net.calls[0];
    expect(JSON.parse(sent.body!)).toMatchObject({ id: firstEvent, event: "run.completed", data: { object: { id: first.id } } });
    const t = Number(/t=(\d+)/.exec(sent.headers["kycert-signature"])![1]);
    expect(sent.headers["kycert-signature"]).toBe(await signatureHeader(endpoint.secret, t, sent.body!));

    const rotated = await json(await call("POST", `${W}/${endpoint.id}/rotate-secret`, { key }), 200);
    expect(rotated.id).toBe(endpoint.id);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(JSON.stringify(await json(await call("GET", `${W}/${endpoint.id}`, { key }), 200))).not.toContain(rotated.secret);

    const second = await finish(key, pfBody("000.000.001-91", { external_id: "depois-da-rotacao" }));
    await deliver(await eventIdOf(second.id), endpoint.id);
    const after = net.calls[1];
    const t2 = Number(/t=(\d+)/.exec(after.headers["kycert-signature"])![1]);
    expect(after.headers["kycert-signature"]).toBe(await signatureHeader(rotated.secret, t2, after.body!));
    expect(after.headers["kycert-signature"]).not.toBe(await signatureHeader(endpoint.secret, t2, after.body!));
  });
});

describe("GET /bureau/events", () => {
  it("lists the tenant's events newest first, each as delivered with its delivery summary; filters by type", async () => {
    const { key } = await selfServiceTenant();
    const endpoint = await json(await call("POST", W, { key, body: { url: HOOK } }), 201);
    net.on(HOOK, statusResponse(200));
    const ok = await finish(key, pfBody("000.000.001-91"));
    const failed = await finish(key, pfBody("000.000.010-82"));
    const okEvent = await eventIdOf(ok.id);
    const failedEvent = await eventIdOf(failed.id);
    await deliver(okEvent, endpoint.id);

    const page = await json(await call("GET", E, { key }), 200);
    expect(page).toMatchObject({ object: "list", has_more: false, livemode: false });
    expect(page.data.map((e: any) => [e.id, e.event])).toEqual([
      [failedEvent, "run.failed"],
      [okEvent, "run.completed"],
    ]);
    const [f, o] = page.data;
    const stored = await env.DB.prepare("SELECT payload FROM webhook_events WHERE id = ?").bind(okEvent).first<{ payload: string }>();
    const { run_id, delivery_status, targets, ...envelope } = o;
    expect(envelope).toEqual(JSON.parse(stored!.payload));
    expect(run_id).toBe(ok.id);
    expect(delivery_status).toBe("delivered");
    expect(targets).toEqual([{ endpoint_id: endpoint.id, url: HOOK, attempts: 1, last_outcome: "delivered", last_attempt_at: expect.any(String) }]);
    expect(f).toMatchObject({ run_id: failed.id, delivery_status: "pending", data: { object: { status: "failed", decision: null, failed_at: failed.completed_at } } });

    expect((await json(await call("GET", `${E}?type=run.failed`, { key }), 200)).data.map((e: any) => e.id)).toEqual([failedEvent]);
    expect((await json(await call("GET", `${E}?type=case.opened`, { key }), 200)).data).toEqual([]);
    const err = await expectError(await call("GET", `${E}?type=run.started`, { key }), { status: 400, code: "invalid_request", param: "type" });
    expect(err.invalid_params?.[0].reason).toBe("use um de: run.completed, run.failed, case.opened, case.resolved, monitoring.alert");
  });

  it("an event nobody was subscribed to is listed too (no_targets): a missed webhook can be found again", async () => {
    const { key } = await selfServiceTenant();
    const run = await finish(key, pfBody("000.000.001-91"));
    const page = await json(await call("GET", E, { key }), 200);
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({ run_id: run.id, event: "run.completed", delivery_status: "no_targets", targets: [] });
  });

  it("lists what is in the events table, whoever wrote it (e.g. an outbox), of every type", async () => {
    const { tenant, key } = await selfServiceTenant();
    const at = "2026-12-07T12:00:00.000Z";
    const payload = { id: "evt_outbox_case_opened_1", object: "event", event: "case.opened", created: Date.parse(at) / 1000, livemode: false, data: { object: { id: "case_x", object: "case" } } };
    await env.DB.prepare("INSERT INTO webhook_events (id, tenant_id, livemode, run_id, type, payload, targets, created_at) VALUES (?, ?, 0, 'run_x', 'case.opened', ?, '[]', ?)")
      .bind(payload.id, tenant.id, JSON.stringify(payload), at)
      .run();
    const page = await json(await call("GET", `${E}?type=case.opened`, { key }), 200);
    expect(page.data).toEqual([{ ...payload, run_id: "run_x", delivery_status: "no_targets", targets: [] }]);
  });

  it("pages with limit and cursor; created_gte / created_lte take a day in São Paulo", async () => {
    const { tenant, key } = await selfServiceTenant();
    const insert = (id: string, at: string) =>
      env.DB.prepare("INSERT INTO webhook_events (id, tenant_id, livemode, run_id, type, payload, targets, created_at) VALUES (?, ?, 0, 'run_x', 'run.completed', ?, '[]', ?)")
        .bind(id, tenant.id, JSON.stringify({ id, object: "event", event: "run.completed", created: Math.floor(Date.parse(at) / 1000), livemode: false, data: { object: {} } }), at)
        .run();
    await insert("evt_a_before", "2026-12-07T02:59:59.999Z"); // 06/12 23:59:59.999 in São Paulo
    await insert("evt_b_start", "2026-12-07T03:00:00.000Z"); // 07/12 00:00 in São Paulo
    await insert("evt_c_end", "2026-12-08T02:59:59.999Z"); // 07/12 23:59:59.999 in São Paulo
    await insert("evt_d_after", "2026-12-08T03:00:00.000Z"); // 08/12 00:00 in São Paulo
    const ids = async (q: string) => (await json(await call("GET", `${E}?${q}`, { key }), 200)).data.map((e: any) => e.id);
    expect(await ids("created_gte=2026-12-07&created_lte=2026-12-07")).toEqual(["evt_c_end", "evt_b_start"]);
    expect(await ids("created_lte=2026-12-06")).toEqual(["evt_a_before"]);

    const walked: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const p = await json(await call("GET", `${E}?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { key }), 200);
      walked.push(...p.data.map((e: any) => e.id));
      if (!p.has_more) break;
      cursor = p.next_cursor;
    }
    expect(walked).toEqual(["evt_d_after", "evt_c_end", "evt_b_start", "evt_a_before"]);
    await expectError(await call("GET", `${E}?created_gte=07/12/2026`, { key }), { status: 400, code: "invalid_timestamp", param: "created_gte" });
  });

  it("another tenant's events, and the other environment's, are not listed and are 404 by id", async () => {
    const a = await selfServiceTenant();
    const b = await selfServiceTenant();
    const run = await finish(a.key, pfBody("000.000.001-91"));
    const eventId = await eventIdOf(run.id);
    expect((await json(await call("GET", E, { key: a.key }), 200)).data.map((e: any) => e.id)).toEqual([eventId]);
    for (const key of [b.key, a.live]) {
      expect((await json(await call("GET", E, { key }), 200)).data).toEqual([]);
      await expectError(await call("GET", `${E}/${eventId}`, { key }), { status: 404, code: "event_not_found", param: "id" });
      await expectError(await call("POST", `${E}/${eventId}/redeliver`, { key }), { status: 404, code: "event_not_found", param: "id" });
    }
  });
});
