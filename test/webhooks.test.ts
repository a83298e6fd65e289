// Webhooks (contract §11, §13; issue 5): endpoints through the admin plane,
// run.completed / run.failed events, signed deliveries verified with the
// receiver snippet from the README, retries driven by alarms (no sleeping),
// 410, redirects, timeouts, the delivery log and redelivery.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { WEBHOOK_MAX_ATTEMPTS } from "../src/domain/webhook-schedule";
import type { RunBody } from "../src/domain/types";
import { enqueueRunEvent } from "../src/webhooks/events";
import { signatureHeader } from "../src/webhooks/signature";
import { webhookTransport } from "../src/webhooks/transport";
import { networkDisabled, setWebhookTransportForTests, webhookOverrides } from "./helpers/transports";
import {
  admin,
  call,
  createKey,
  createRun,
  createTenant,
  expectError,
  holdRun,
  runToEnd,
} from "./helpers/api";
import { hang, networkError, scriptedFetch, statusResponse, type ScriptedFetch } from "./helpers/scripted-fetch";

// ---- the receiver's verification, exactly as the README shows it -----------

const enc = new TextEncoder();

async function verifyKycertSignature(rawBody: string, header: string | null, secret: string, toleranceSeconds = 300): Promise<boolean> {
  let timestamp = NaN;
  const signatures: string[] = [];
  for (const part of (header ?? "").split(",")) {
    const [k, v] = part.trim().split("=");
    if (k === "t") timestamp = Number(v);
    if (k === "v1" && v) signatures.push(v);
  }
  if (!Number.isInteger(timestamp) || signatures.length === 0) return false;
  // Older than 5 minutes (or that far in the future): a replay, reject.
  if (Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds) return false;
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(`${timestamp}.${rawBody}`)));
  const expected = [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
  return signatures.some((s) => constantTimeEqual(s, expected));
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

// ---- fixtures ----------------------------------------------------------------

const HOOK = "https://hooks.example.com/kycert";
const CPF_APPROVED = "000.000.001-91";
const CPF_PARTIAL = "000.000.008-06";
const CPF_FAILED = "000.000.010-82";
const CNPJ_WITH_PARTNERS = "00.000.000/0001-91";
const pf = (cpf: string, extra: Record<string, unknown> = {}) => ({ template_id: "tpl_pf_padrao", parametros: { cpf }, ...extra });

let net: ScriptedFetch;

beforeEach(() => {
  net = scriptedFetch();
  // Every attempt is driven by the test: the first one is held an hour out
  // (runDurableObjectAlarm runs an alarm whatever its time); jitter is nominal.
  setWebhookTransportForTests({ fetch: net.fetch, firstAttemptDelayMs: 3_600_000, random: () => 0.5, timeoutMs: 10_000 });
});

afterAll(() => {
  // Back to the suite-wide default (test/setup/webhook-transport.ts): no network, held.
  setWebhookTransportForTests({ fetch: networkDisabled("webhook"), firstAttemptDelayMs: 3_600_000 });
});

interface Endpoint {
  id: string;
  secret: string;
  url: string;
  events: string[];
  environment: string;
  status: string;
}

async function addEndpoint(tenantId: string, body: Record<string, unknown> = {}): Promise<Endpoint> {
  const res = await admin("POST", `/tenants/${tenantId}/webhook-endpoints`, { url: HOOK, environment: "test", ...body });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text);
}

/** A tenant with a sandbox key and one test endpoint at HOOK. */
async function tenantWithEndpoint(endpoint: Record<string, unknown> = {}) {
  const tenant = await createTenant();
  const key = await createKey(tenant.id, "test");
  return { tenant, key, endpoint: await addEndpoint(tenant.id, endpoint) };
}

const runStub = (id: string) => env.RUN.get(env.RUN.idFromName(id));
const deliveryStub = (eventId: string, targetKey: string) => env.WEBHOOKS.get(env.WEBHOOKS.idFromName(`${eventId}|${targetKey}`));

interface EventRow {
  id: string;
  type: string;
  payload: string;
  targets: string;
}

const eventsOf = async (runId: string) =>
  (await env.DB.prepare("SELECT id, type, payload, targets FROM webhook_events WHERE run_id = ?").bind(runId).all<EventRow>()).results;

/**
 * Runs to the end and makes sure finalize is over: runToEnd returns once the
 * D1 mirror is terminal; one more alarm run either finds nothing to do (the
 * finalize that set it is done) or repeats the idempotent finalize itself.
 */
async function finish(key: string, body: unknown) {
  const res = await createRun(key, body);
  const text = await res.text();
  expect(res.status, text).toBe(202);
  const { run_id } = JSON.parse(text) as { run_id: string };
  const run = await runToEnd(key, run_id);
  await runDurableObjectAlarm(runStub(run_id));
  return run;
}

/** Finishes a run and returns its one event. */
async function finishWithEvent(key: string, body: unknown) {
  const run = await finish(key, body);
  const events = await eventsOf(run.id);
  expect(events).toHaveLength(1);
  return { run, event: events[0] };
}

const deliveryLog = async (eventId: string) =>
  (
    await env.DB.prepare("SELECT * FROM webhook_deliveries WHERE event_id = ? ORDER BY id").bind(eventId).all<Record<string, any>>()
  ).results;

const endpointStatus = async (tenantId: string, id: string) =>
  (await (await admin("GET", `/tenants/${tenantId}/webhook-endpoints/${id}`)).json<any>()) as Endpoint & { disabled_reason: string | null };

// ---- admin plane ---------------------------------------------------------------

describe("webhook endpoints (admin plane)", () => {
  it("creates an endpoint with a secret shown once; the list and GET never show it", async () => {
    const tenant = await createTenant();
    const res = await admin("POST", `/tenants/${tenant.id}/webhook-endpoints`, { url: HOOK });
    expect(res.status).toBe(201);
    const created = await res.json<any>();
    expect(created).toMatchObject({
      object: "webhook_endpoint",
      tenant_id: tenant.id,
      url: HOOK,
      events: ["run.completed", "run.failed"],
      environment: "live",
      livemode: true,
      status: "active",
      disabled_at: null,
    });
    expect(created.id).toMatch(/^whe_[0-9A-Z]{26}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9]{32,}$/);

    const list = await (await admin("GET", `/tenants/${tenant.id}/webhook-endpoints`)).json<any>();
    expect(list.object).toBe("list");
    expect(list.data).toHaveLength(1);
    const { secret: _secret, ...withoutSecret } = created;
    expect(list.data[0]).toEqual(withoutSecret);
    expect(JSON.stringify(list)).not.toContain(created.secret);
    const one = await admin("GET", `/tenants/${tenant.id}/webhook-endpoints/${created.id}`);
    expect(JSON.stringify(await one.json())).not.toContain(created.secret);
  });

  it("each endpoint gets its own secret; events filter and environment are kept", async () => {
    const tenant = await createTenant();
    const a = await addEndpoint(tenant.id, { events: ["run.failed"] });
    const b = await addEndpoint(tenant.id, { environment: "live", events: ["run.completed", "run.completed"] });
    expect(a.secret).not.toBe(b.secret);
    expect(a).toMatchObject({ events: ["run.failed"], environment: "test" });
    expect(b).toMatchObject({ events: ["run.completed"], environment: "live" });
  });

  it("DELETE disables the endpoint (200), idempotently; unknown or another tenant's → 404", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const ep = await addEndpoint(tenant.id);
    await expectError(await admin("DELETE", `/tenants/${other.id}/webhook-endpoints/${ep.id}`), { status: 404, code: "webhook_endpoint_not_found" });
    await expectError(await admin("DELETE", `/tenants/${tenant.id}/webhook-endpoints/whe_nope`), { status: 404, code: "webhook_endpoint_not_found" });
    await expectError(await admin("GET", `/tenants/${other.id}/webhook-endpoints/${ep.id}`), { status: 404, code: "webhook_endpoint_not_found" });

    const res = await admin("DELETE", `/tenants/${tenant.id}/webhook-endpoints/${ep.id}`);
    expect(res.status).toBe(200);
    const deleted = await res.json<any>();
    expect(deleted).toMatchObject({ id: ep.id, object: "webhook_endpoint", status: "disabled", deleted: true, disabled_reason: "deleted" });
    expect(deleted.disabled_at).toEqual(expect.any(String));
    expect(JSON.stringify(deleted)).not.toContain(ep.secret);
    const again = await (await admin("DELETE", `/tenants/${tenant.id}/webhook-endpoints/${ep.id}`)).json<any>();
    expect(again.disabled_at).toBe(deleted.disabled_at);
  });

  it("validates the URL with the webhook_url rules (sandbox rules for test endpoints) and the body", async () => {
    const tenant = await createTenant();
    const bad: [Record<string, unknown>, string][] = [
      [{ url: "http://hooks.example.com/x" }, "invalid_webhook_url"],
      [{ url: "https://hooks.example.com:8443/x" }, "invalid_webhook_url"],
      [{ url: "https://10.0.0.1/x", environment: "test" }, "invalid_webhook_url"],
      [{ url: "https://localhost/x", environment: "test" }, "invalid_webhook_url"],
      [{ url: "https://u:p@hooks.example.com/x" }, "invalid_webhook_url"],
      [{ url: "" }, "invalid_webhook_url"],
      [{}, "invalid_webhook_url"],
      [{ url: HOOK, events: ["run.cancelled"] }, "invalid_request"],
      [{ url: HOOK, events: [] }, "invalid_request"],
      [{ url: HOOK, environment: "prod" }, "invalid_request"],
      [{ url: HOOK, secret: "whsec_mine" }, "invalid_request"],
    ];
    for (const [body, code] of bad) {
      const e = await expectError(await admin("POST", `/tenants/${tenant.id}/webhook-endpoints`, body), { status: 400, code });
      if (code === "invalid_webhook_url") expect(e.param).toBe("url");
    }
    // Sandbox rules: http and any port are fine for a test endpoint.
    await addEndpoint(tenant.id, { url: "http://hooks.example.com:8080/x", environment: "test" });
    await expectError(await admin("POST", `/tenants/ten_nope/webhook-endpoints`, { url: HOOK }), { status: 404, code: "tenant_not_found" });
  });

  it("needs the admin token", async () => {
    const tenant = await createTenant();
    const res = await call("GET", `/admin/v1/tenants/${tenant.id}/webhook-endpoints`);
    await expectError(res, { status: 401, code: "invalid_admin_token" });
  });

  it("the override secret is per tenant and environment", async () => {
    const t1 = await createTenant();
    const t2 = await createTenant();
    const get = async (id: string, environment: string) =>
      (await (await admin("GET", `/tenants/${id}/webhook-override-secret?environment=${environment}`)).json<any>()).secret as string;
    const [t1test, t1live, t2test] = [await get(t1.id, "test"), await get(t1.id, "live"), await get(t2.id, "test")];
    for (const s of [t1test, t1live, t2test]) expect(s).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(new Set([t1test, t1live, t2test]).size).toBe(3);
    expect(await get(t1.id, "test")).toBe(t1test);
  });
});

// ---- webhook_url validation on POST /runs ---------------------------------------

describe("webhook_url on POST /runs", () => {
  const CASES: { name: string; env: "live" | "test"; url: string; ok: boolean }[] = [
    { name: "https:443 (live)", env: "live", url: "https://hooks.example.com/kyc", ok: true },
    { name: "explicit :443 (live)", env: "live", url: "https://hooks.example.com:443/kyc", ok: true },
    { name: "http with a live key", env: "live", url: "http://hooks.example.com/kyc", ok: false },
    { name: "http with a sandbox key", env: "test", url: "http://hooks.example.com/kyc", ok: true },
    { name: "ftp scheme", env: "test", url: "ftp://hooks.example.com/kyc", ok: false },
    { name: "credentials (user:pass)", env: "live", url: "https://user:pass@hooks.example.com/kyc", ok: false },
    { name: "credentials (user only), sandbox", env: "test", url: "https://user@hooks.example.com/kyc", ok: false },
    { name: "IPv4 literal", env: "live", url: "https://203.0.113.7/kyc", ok: false },
    { name: "IPv4 loopback, sandbox", env: "test", url: "http://127.0.0.1/kyc", ok: false },
    { name: "IPv4 in hex", env: "test", url: "http://0x7f000001/kyc", ok: false },
    { name: "IPv4 as one integer", env: "test", url: "http://2130706433/kyc", ok: false },
    { name: "IPv6 literal", env: "live", url: "https://[2001:db8::1]/kyc", ok: false },
    { name: "IPv6 loopback, sandbox", env: "test", url: "http://[::1]/kyc", ok: false },
    { name: "localhost", env: "live", url: "https://localhost/kyc", ok: false },
    { name: "localhost, sandbox", env: "test", url: "http://localhost:8787/kyc", ok: false },
    { name: "*.localhost", env: "test", url: "http://api.localhost/kyc", ok: false },
    { name: "single-label internal name", env: "live", url: "https://intranet/kyc", ok: false },
    { name: ".internal", env: "live", url: "https://hooks.corp.internal/kyc", ok: false },
    { name: ".local", env: "live", url: "https://printer.local/kyc", ok: false },
    { name: "port 8443 with a live key", env: "live", url: "https://hooks.example.com:8443/kyc", ok: false },
    { name: "port 8443 with a sandbox key", env: "test", url: "https://hooks.example.com:8443/kyc", ok: true },
    { name: "not a URL", env: "test", url: "hooks.example.com/kyc", ok: false },
  ];
  let keys: { live: string; test: string };

  it.each(CASES)("$name → $ok", async ({ env: environment, url, ok }) => {
    if (!keys) {
      const tenant = await createTenant(10_000);
      keys = { live: await createKey(tenant.id, "live"), test: await createKey(tenant.id, "test") };
    }
    const res = await createRun(keys[environment], pf("529.982.247-25", { webhook_url: url }));
    if (ok) {
      expect(res.status, await res.clone().text()).toBe(202);
      await holdRun(((await res.json()) as { run_id: string }).run_id);
    } else {
      await expectError(res, { status: 400, code: "invalid_webhook_url", param: "webhook_url" });
    }
  });
});

// ---- events and deliveries --------------------------------------------------------

describe("run events", () => {
  it("a completed sandbox run delivers run.completed, signed, with the contract envelope", async () => {
    const { key, endpoint } = await tenantWithEndpoint();
    net.on(HOOK, statusResponse(200));
    const { run, event } = await finishWithEvent(key, pf(CPF_APPROVED));
    expect(event.type).toBe("run.completed");
    expect(net.calls).toHaveLength(0); // held until the test drives it

    expect(await runDurableObjectAlarm(deliveryStub(event.id, endpoint.id))).toBe(true);
    expect(net.calls).toHaveLength(1);
    const req = net.calls[0];
    expect(req.url).toBe(HOOK);
    expect(req.method).toBe("POST");
    expect(req.redirect).toBe("manual");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["kycert-event-id"]).toBe(event.id);
    expect(req.headers["user-agent"]).toMatch(/^Kycert-Webhooks\//);
    expect(req.headers["kycert-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(await verifyKycertSignature(req.body!, req.headers["kycert-signature"], endpoint.secret)).toBe(true);
    expect(await verifyKycertSignature(req.body!, req.headers["kycert-signature"], "whsec_wrong")).toBe(false);
    expect(await verifyKycertSignature(`${req.body!} `, req.headers["kycert-signature"], endpoint.secret)).toBe(false);

    const envelope = JSON.parse(req.body!);
    expect(Object.keys(envelope).sort()).toEqual(["created", "data", "event", "id", "livemode", "object"]);
    expect(envelope).toMatchObject({ id: event.id, object: "event", event: "run.completed", livemode: false });
    expect(envelope.id).toMatch(/^evt_[0-9A-Z]{26}$/);
    expect(envelope.created).toBe(Math.floor(Date.parse(run.completed_at) / 1000));
    expect(envelope.data.object).toEqual(run); // the run exactly as GET /runs/{id} shows it
    expect(req.body).toBe(event.payload);

    const log = await deliveryLog(event.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ attempt: 1, endpoint_id: endpoint.id, url: HOOK, outcome: "delivered", status_code: 200, error: null, next_attempt_at: null });
    expect(await deliveryStub(event.id, endpoint.id).state()).toMatchObject({ status: "delivered", attempts: 1 });
    expect(await runDurableObjectAlarm(deliveryStub(event.id, endpoint.id))).toBe(false); // nothing more scheduled
  });

  it("a partial run (decision computed, a source errored) is run.completed too", async () => {
    const { key } = await tenantWithEndpoint();
    const { run, event } = await finishWithEvent(key, pf(CPF_PARTIAL));
    expect(run.status).toBe("partial");
    expect(event.type).toBe("run.completed");
  });

  it("a failed run delivers run.failed with decision null and failed_at", async () => {
    const { key, endpoint } = await tenantWithEndpoint();
    net.on(HOOK, statusResponse(204));
    const { run, event } = await finishWithEvent(key, pf(CPF_FAILED));
    expect(run.status).toBe("failed");
    await runDurableObjectAlarm(deliveryStub(event.id, endpoint.id));
    const req = net.calls[0];
    expect(await verifyKycertSignature(req.body!, req.headers["kycert-signature"], endpoint.secret)).toBe(true);
    const envelope = JSON.parse(req.body!);
    expect(envelope.event).toBe("run.failed");
    expect(envelope.data.object).toMatchObject({ id: run.id, status: "failed", decision: null, failed_at: run.completed_at });
    expect((await deliveryLog(event.id))[0]).toMatchObject({ outcome: "delivered", status_code: 204 });
  });

  it("a cancelled run emits nothing", async () => {
    const { key } = await tenantWithEndpoint();
    const created = await (await createRun(key, pf(CPF_APPROVED))).json<{ run_id: string }>();
    await holdRun(created.run_id);
    expect((await call("POST", `/api/v1/bureau/runs/${created.run_id}/cancel`, { key })).status).toBe(200);
    expect(await eventsOf(created.run_id)).toEqual([]);
  });

  it("partner (child) runs emit nothing; the parent emits one event", async () => {
    const { key } = await tenantWithEndpoint();
    const run = await finish(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: CNPJ_WITH_PARTNERS } });
    expect(run.partner_runs.length).toBeGreaterThan(0);
    expect(await eventsOf(run.id)).toHaveLength(1);
    for (const p of run.partner_runs) expect(await eventsOf(p.run_id)).toEqual([]);
  });

  it("targets only active endpoints of the run's environment subscribed to the event", async () => {
    const tenant = await createTenant();
    const key = await createKey(tenant.id, "test");
    const testAll = await addEndpoint(tenant.id, { url: "https://a.example.com/h" });
    const testFailedOnly = await addEndpoint(tenant.id, { url: "https://b.example.com/h", events: ["run.failed"] });
    const live = await addEndpoint(tenant.id, { url: "https://c.example.com/h", environment: "live" });
    const deleted = await addEndpoint(tenant.id, { url: "https://d.example.com/h" });
    await admin("DELETE", `/tenants/${tenant.id}/webhook-endpoints/${deleted.id}`);

    const completed = await finishWithEvent(key, pf(CPF_APPROVED));
    expect(JSON.parse(completed.event.targets).map((t: any) => t.endpoint_id)).toEqual([testAll.id]);
    const failed = await finishWithEvent(key, pf(CPF_FAILED));
    expect(JSON.parse(failed.event.targets).map((t: any) => t.endpoint_id).sort()).toEqual([testAll.id, testFailedOnly.id].sort());
    expect(JSON.stringify([completed.event.targets, failed.event.targets])).not.toContain(live.id);
  });

  it("a run's webhook_url replaces the tenant's endpoints and is signed with the override secret", async () => {
    const { tenant, key, endpoint } = await tenantWithEndpoint();
    const override = "http://receiver.example.com/run-hook"; // http: sandbox key
    net.on(override, statusResponse(200));
    const { event } = await finishWithEvent(key, pf(CPF_APPROVED, { webhook_url: override }));
    expect(JSON.parse(event.targets)).toEqual([{ key: "webhook_url", endpoint_id: null, url: override }]);
    await runDurableObjectAlarm(deliveryStub(event.id, "webhook_url"));
    expect(net.calls.map((c) => c.url)).toEqual([override]);
    const secret = (await (await admin("GET", `/tenants/${tenant.id}/webhook-override-secret?environment=test`)).json<any>()).secret;
    const req = net.calls[0];
    expect(await verifyKycertSignature(req.body!, req.headers["kycert-signature"], secret)).toBe(true);
    expect(await verifyKycertSignature(req.body!, req.headers["kycert-signature"], endpoint.secret)).toBe(false);
    expect((await deliveryLog(event.id))[0]).toMatchObject({ endpoint_id: null, url: override, outcome: "delivered" });
  });

  it("a retried finalize creates no second event and no second delivery", async () => {
    const { key, endpoint } = await tenantWithEndpoint();
    net.on(HOOK, statusResponse(200));
    const { run, event } = await finishWithEvent(key, pf(CPF_APPROVED));
    await runDurableObjectAlarm(deliveryStub(event.id, endpoint.id));
    const init = await runInDurableObject(runStub(run.id), async (_i, state) =>
      JSON.parse(state.storage.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'init'").one().v),
    );
    const stored = JSON.parse((await env.DB.prepare("SELECT result FROM runs WHERE id = ?").bind(run.id).first<{ result: string }>())!.result);
    await enqueueRunEvent(env, init, stored.body as RunBody);
    await enqueueRunEvent(env, init, stored.body as RunBody);
    expect(await eventsOf(run.id)).toEqual([event]);
    expect(await runDurableObjectAlarm(deliveryStub(event.id, endpoint.id))).toBe(false);
    expect(net.calls).toHaveLength(1);
  });
});

describe("delivery retries (alarms driven by the test)", () => {
  it("a D1 outage longer than the alarm retries never strands a delivery: it goes out once D1 is back", async () => {
    const { endpoint, key } = await tenantWithEndpoint();
    net.on(HOOK, statusResponse(200));
    const { event } = await finishWithEvent(key, pf(CPF_APPROVED));
    const stub = deliveryStub(event.id, endpoint.id);
    const down = () => {
      throw new Error("D1_ERROR: simulated outage");
    };
    const setD1 = (db: unknown) =>
      runInDurableObject(stub, (instance) => {
        const self = instance as unknown as { env: Env };
        self.env = { ...self.env, DB: db as D1Database };
      });
    await setD1({ prepare: down, batch: down, exec: down, dump: down, withSession: down });
    for (let i = 0; i < 8; i++) {
      await runDurableObjectAlarm(stub).catch(() => undefined);
      const at = await runInDurableObject(stub, (_i, s) => s.storage.getAlarm());
      expect(at, `after invocation ${i + 1}`).not.toBeNull();
    }
    expect(net.calls).toHaveLength(0); // the endpoint's secret could not even be read
    await setD1(env.DB);
    await runDurableObjectAlarm(stub);
    expect(await stub.state()).toMatchObject({ status: "delivered" });
    expect(net.calls).toHaveLength(1);
    expect(await deliveryLog(event.id)).toEqual([expect.objectContaining({ outcome: "delivered", status_code: 200 })]);
  });

  it("500, 500, then 200 → three attempts, same event id and body, three log rows, growing gaps", async () => {
    const { endpoint, key } = await tenantWithEndpoint();
    net.on(HOOK, statusResponse(500), statusResponse(500), statusResponse(200));
    const { event } = await finishWithEvent(key, pf(CPF_APPROVED));
    const stub = deliveryStub(event.id, endpoint.id);

    const before1 = Date.now();
    await runDurableObjectAlarm(stub);
    let state = await stub.state();
    expect(state).toMatchObject({ status: "pending", attempts: 1 });
    const gap1 = Date.parse(state!.next_attempt_at!) - before1;
    expect(gap1).toBeGreaterThanOrEqual(60_000);
    expect(gap1).toBeLessThan(60_000 + 5_000);
    const alarm = await runInDurableObject(stub, (_i, s) => s.storage.getAlarm());
    expect(alarm).toBe(Date.parse(state!.next_attempt_at!));

    const before2 = Date.now();
    await runDurableObjectAlarm(stub);
    state = await stub.state();
    expect(state).toMatchObject({ status: "pending", attempts: 2 });
    const gap2 = Date.parse(state!.next_attempt_at!) - before2;
    expect(gap2).toBeGreaterThanOrEqual(5 * 60_000);
    expect(gap2).toBeLessThan(5 * 60_000 + 5_000);

    await runDurableObjectAlarm(stub);
    expect(await stub.state()).toMatchObject({ status: "delivered", attempts: 3, next_attempt_at: null });
    expect(await runDurableObjectAlarm(stub)).toBe(false);

    expect(net.calls).toHaveLength(3);
    expect(new Set(net.calls.map((c) => c.headers["kycert-event-id"]))).toEqual(new Set([event.id]));
    expect(new Set(net.calls.map((c) => c.body))).toEqual(new Set([event.payload]));
    for (const c of net.calls) expect(await verifyKycertSignature(c.body!, c.headers["kycert-signature"], endpoint.secret)).toBe(true);

    const log = await deliveryLog(event.id);
    expect(log.map((r) => [r.attempt, r.status_code, r.outcome])).toEqual([
      [1, 500, "retrying"],
      [2, 500, "retrying"],
      [3, 200, "delivered"],
    ]);
    expect(log[0].next_attempt_at).toBe(new Date(Date.parse(log[0].next_attempt_at)).toISOString());
    expect(log[2].next_attempt_at).toBeNull();

    const view = await (await call("GET", `/api/v1/bureau/events/${event.id}`, { key })).json<any>();
    expect(view).toMatchObject({ id: event.id, object: "event", event: "run.completed", run_id: JSON.parse(event.payload).data.object.id });
    expect(view.targets).toEqual([{ endpoint_id: endpoint.id, url: HOOK, attempts: 3, last_outcome: "delivered", last_attempt_at: log[2].attempted_at }]);
    expect(view.delivery_status).toBe("delivered");
    expect(view.deliveries.map((d: any) => d.outcome)).toEqual(["retrying", "retrying", "delivered"]);
    expect(JSON.stringify(view)).not.toContain(endpoint.secret);
  });

  it("gives up after the whole schedule (≈ 3 days): status failed, no alarm left", async () => {
    const { endpoint, key } = await tenantWithEndpoint();
    net.on(HOOK, statusResponse(503));
    const { event } = await finishWithEvent(key, pf(CPF_APPROVED));
    const stub = deliveryStub(event.id, endpoint.id);
    for (let i = 0; i < WEBHOOK_MAX_ATTEMPTS; i++) expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.state()).toMatchObject({ status: "failed", attempts: WEBHOOK_MAX_ATTEMPTS, next_attempt_at: null });
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    expect(net.calls).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    const log = await deliveryLog(event.id);
    expect(log).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    expect(log.at(-1)).toMatchObject({ outcome: "failed", next_attempt_at: null });
    const gaps = log.slice(0, -1).map((r) => Date.parse(r.next_attempt_at) - Date.parse(r.attempted_at));
    const totalHours = gaps.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(totalHours).toBeGreaterThan(70);
    expect(totalHours).toBeLessThan(74);
  });

  it("410 disables the endpoint and stops: no more attempts, later events skip it", async () => {
    const { tenant, endpoint, key } = await tenantWithEndpoint();
    net.on(HOOK, statusResponse(410));
    const { event } = await finishWithEvent(key, pf(CPF_APPROVED));
    const stub = deliveryStub(event.id, endpoint.id);
    await runDurableObjectAlarm(stub);
    expect(await stub.state()).toMatchObject({ status: "gone", attempts: 1, next_attempt_at: null });
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    expect(net.calls).toHaveLength(1);
    expect((await deliveryLog(event.id)).map((r) => [r.status_code, r.outcome])).toEqual([[410, "endpoint_disabled"]]);
    expect(await endpointStatus(tenant.id, endpoint.id)).toMatchObject({ status: "disabled", disabled_reason: "410 Gone" });

    const next = await finishWithEvent(key, pf(CPF_APPROVED));
    expect(JSON.parse(next.event.targets)).toEqual([]);
  });

  it("pending retries to an endpoint stop once it is deleted", async () => {
    const { tenant, endpoint, key } = await tenantWithEndpoint();
    net.on(HOOK, statusResponse(500));
    const { event } = await finishWithEvent(key, pf(CPF_APPROVED));
    const stub = deliveryStub(event.id, endpoint.id);
    await runDurableObjectAlarm(stub);
    await admin("DELETE", `/tenants/${tenant.id}/webhook-endpoints/${endpoint.id}`);
    await runDurableObjectAlarm(stub);
    expect(await stub.state()).toMatchObject({ status: "cancelled", attempts: 1 });
    expect(net.calls).toHaveLength(1);
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });

  it("a redirect is not followed and counts as a failure", async () => {
    const { endpoint, key } = await tenantWithEndpoint();
    net.on(HOOK, statusResponse(302, { location: "https://elsewhere.example.com/hook" }));
    net.on("https://elsewhere.example.com/*", statusResponse(200));
    const { event } = await finishWithEvent(key, pf(CPF_APPROVED));
    const stub = deliveryStub(event.id, endpoint.id);
    await runDurableObjectAlarm(stub);
    expect(net.calls.map((c) => [c.url, c.redirect])).toEqual([[HOOK, "manual"]]);
    expect(await stub.state()).toMatchObject({ status: "pending", attempts: 1 });
    const [row] = await deliveryLog(event.id);
    expect(row).toMatchObject({ status_code: 302, outcome: "retrying" });
    expect(row.error).toMatch(/redirect not followed/);
  });

  it("a hang past the per-attempt timeout is a failure (timeout shrunk through the seam)", async () => {
    const { endpoint, key } = await tenantWithEndpoint();
    setWebhookTransportForTests({ ...webhookOverrides, timeoutMs: 25 });
    net.on(HOOK, hang(), statusResponse(200));
    const { event } = await finishWithEvent(key, pf(CPF_APPROVED));
    const stub = deliveryStub(event.id, endpoint.id);
    await runDurableObjectAlarm(stub);
    expect(net.calls[0].signal?.aborted).toBe(true);
    const [row] = await deliveryLog(event.id);
    expect(row).toMatchObject({ status_code: null, outcome: "retrying" });
    expect(row.error).toMatch(/timeout after 25 ms/);
    await runDurableObjectAlarm(stub);
    expect(await stub.state()).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("the production timeout is 10 s per attempt (an env without injected transport gets the defaults)", () => {
    expect(webhookTransport(env).timeoutMs).toBe(10_000);
    expect(webhookTransport(env).firstAttemptDelayMs).toBe(0);
  });

  it("a network error is a failure to retry", async () => {
    const { endpoint, key } = await tenantWithEndpoint();
    net.on(HOOK, networkError());
    const { event } = await finishWithEvent(key, pf(CPF_APPROVED));
    await runDurableObjectAlarm(deliveryStub(event.id, endpoint.id));
    const [row] = await deliveryLog(event.id);
    expect(row).toMatchObject({ status_code: null, outcome: "retrying" });
    expect(row.error).toMatch(/^network error/);
  });
});

describe("events API", () => {
  it("redeliver re-sends the event with the same id and body (202), logged as manual", async () => {
    const { endpoint, key } = await tenantWithEndpoint();
    net.on(HOOK, statusResponse(200));
    const { event } = await finishWithEvent(key, pf(CPF_APPROVED));
    const stub = deliveryStub(event.id, endpoint.id);
    await runDurableObjectAlarm(stub);

    const res = await call("POST", `/api/v1/bureau/events/${event.id}/redeliver`, { key });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      id: event.id,
      object: "event",
      event: "run.completed",
      redelivery: true,
      targets: [{ endpoint_id: endpoint.id, url: HOOK }],
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(net.calls).toHaveLength(2);
    expect(net.calls[1].headers["kycert-event-id"]).toBe(event.id);
    expect(net.calls[1].body).toBe(net.calls[0].body);
    expect(await verifyKycertSignature(net.calls[1].body!, net.calls[1].headers["kycert-signature"], endpoint.secret)).toBe(true);
    expect((await deliveryLog(event.id)).map((r) => [r.attempt, r.manual, r.outcome])).toEqual([
      [1, 0, "delivered"],
      [2, 1, "delivered"],
    ]);
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });

  it("redeliver after the schedule gave up: one attempt, which can still deliver", async () => {
    const { endpoint, key } = await tenantWithEndpoint();
    net.on(HOOK, ...Array.from({ length: WEBHOOK_MAX_ATTEMPTS }, () => statusResponse(500)), statusResponse(200));
    const { event } = await finishWithEvent(key, pf(CPF_APPROVED));
    const stub = deliveryStub(event.id, endpoint.id);
    for (let i = 0; i < WEBHOOK_MAX_ATTEMPTS; i++) await runDurableObjectAlarm(stub);
    expect(await stub.state()).toMatchObject({ status: "failed" });
    expect((await call("POST", `/api/v1/bureau/events/${event.id}/redeliver`, { key })).status).toBe(202);
    await runDurableObjectAlarm(stub);
    expect(await stub.state()).toMatchObject({ status: "delivered", attempts: WEBHOOK_MAX_ATTEMPTS + 1 });
  });

  it("another tenant's or environment's event is 404 event_not_found, like an unknown id", async () => {
    const { tenant, key } = await tenantWithEndpoint();
    const { event } = await finishWithEvent(key, pf(CPF_APPROVED));
    const other = await createKey((await createTenant()).id, "test");
    const sameTenantLive = await createKey(tenant.id, "live");

    const unknown = await expectError(await call("POST", `/api/v1/bureau/events/evt_00000000000000000000000000/redeliver`, { key }), {
      status: 404,
      code: "event_not_found",
    });
    for (const k of [other, sameTenantLive]) {
      const e = await expectError(await call("POST", `/api/v1/bureau/events/${event.id}/redeliver`, { key: k }), { status: 404, code: "event_not_found" });
      expect({ ...e, request_id: "" }).toEqual({ ...unknown, request_id: "" });
      await expectError(await call("GET", `/api/v1/bureau/events/${event.id}`, { key: k }), { status: 404, code: "event_not_found" });
    }
    expect(net.calls).toHaveLength(0);
  });

  it("redeliver needs runs:write; GET needs runs:read", async () => {
    const { tenant, key } = await tenantWithEndpoint();
    const { event } = await finishWithEvent(key, pf(CPF_APPROVED));
    const readOnly = await createKey(tenant.id, "test", ["runs:read"]);
    const writeOnly = await createKey(tenant.id, "test", ["runs:write"]);
    await expectError(await call("POST", `/api/v1/bureau/events/${event.id}/redeliver`, { key: readOnly }), { status: 403, code: "insufficient_scope" });
    await expectError(await call("GET", `/api/v1/bureau/events/${event.id}`, { key: writeOnly }), { status: 403, code: "insufficient_scope" });
    expect((await call("GET", `/api/v1/bureau/events/${event.id}`, { key: readOnly })).status).toBe(200);
  });

  it("GET /events/{id} shows the envelope as sent, targets and an empty log before the first attempt", async () => {
    const { endpoint, key } = await tenantWithEndpoint();
    const { event } = await finishWithEvent(key, pf(CPF_APPROVED));
    const res = await call("GET", `/api/v1/bureau/events/${event.id}`, { key });
    expect(res.status).toBe(200);
    const view = await res.json<any>();
    const { run_id, targets, deliveries, delivery_status, ...envelope } = view;
    expect(envelope).toEqual(JSON.parse(event.payload));
    expect(run_id).toBe(envelope.data.object.id);
    expect(targets).toEqual([{ endpoint_id: endpoint.id, url: HOOK, attempts: 0, last_outcome: "pending", last_attempt_at: null }]);
    expect(delivery_status).toBe("pending");
    expect(deliveries).toEqual([]);
  });
});

describe("the receiver snippet (README)", () => {
  const body = '{"id":"evt_x","object":"event"}';
  const secret = "whsec_receiver-test";
  const now = () => Math.floor(Date.now() / 1000);

  it("accepts a fresh signature and rejects one older than 5 minutes, even with the right HMAC", async () => {
    expect(await verifyKycertSignature(body, await signatureHeader(secret, now(), body), secret)).toBe(true);
    expect(await verifyKycertSignature(body, await signatureHeader(secret, now() - 290, body), secret)).toBe(true);
    expect(await verifyKycertSignature(body, await signatureHeader(secret, now() - 301, body), secret)).toBe(false);
    expect(await verifyKycertSignature(body, await signatureHeader(secret, now() + 3600, body), secret)).toBe(false);
  });

  it("rejects missing, malformed and tampered headers", async () => {
    const t = now();
    const good = await signatureHeader(secret, t, body);
    for (const h of [null, "", "t=abc,v1=00", `t=${t}`, good.replace(/v1=(.)/, (_, c: string) => `v1=${c === "0" ? "1" : "0"}`), good.replace(/t=\d+/, `t=${t - 1}`)]) {
      expect(await verifyKycertSignature(body, h, secret), String(h)).toBe(false);
    }
  });
});
