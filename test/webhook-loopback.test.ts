// Local dev delivers webhooks to loopback receivers (a developer's laptop):
// with LOCAL_WEBHOOK_LOOPBACK = "1" — the default configuration's [vars], what
// `npm run dev` runs — a sandbox run's webhook_url and a test endpoint may be
// http://127.0.0.1:PORT/…, http://localhost:PORT/… or http://[::1]:PORT/….
// Live keys and live endpoints never may, and without the var (production,
// previews: test/node/webhook-loopback-config.test.ts; and this suite's own
// config) nobody may. The app runs here with the var set the way wrangler dev sets it.
import { env } from "cloudflare:workers";
import { createExecutionContext, runDurableObjectAlarm, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { ADMIN_TOKEN, createKey, createTenant, expectError, pfBody, runToEnd } from "./helpers/api";
import { scriptedFetch, statusResponse, type ScriptedFetch } from "./helpers/scripted-fetch";
import { networkDisabled, setWebhookTransportForTests } from "./helpers/transports";

const app = createApp();
const localDev = { ...env, LOCAL_WEBHOOK_LOOPBACK: "1" } as Env;

async function send(target: Env, method: string, path: string, opts: { key?: string; admin?: boolean; body?: unknown }) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.key) headers["X-API-Key"] = opts.key;
  if (opts.admin) headers.Authorization = `Bearer ${ADMIN_TOKEN}`;
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`https://api.kycert.test${path}`, { method, headers, body: JSON.stringify(opts.body) }), target, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const LOOPBACK = ["http://127.0.0.1:8789/hooks/kyc", "http://localhost:3000/kyc", "http://[::1]:9000/kyc", "https://localhost:8443/kyc"];

let net: ScriptedFetch;
beforeEach(() => {
  net = scriptedFetch();
  setWebhookTransportForTests({ fetch: net.fetch, firstAttemptDelayMs: 3_600_000, random: () => 0.5, timeoutMs: 10_000 });
});
afterAll(() => setWebhookTransportForTests({ fetch: networkDisabled("webhook"), firstAttemptDelayMs: 3_600_000 }));

describe("local dev (LOCAL_WEBHOOK_LOOPBACK = 1)", () => {
  it.each(LOOPBACK)("a sandbox run may send its events to %s", async (url) => {
    const tenant = await createTenant();
    const key = await createKey(tenant.id, "test");
    const res = await send(localDev, "POST", "/api/v1/bureau/runs", { key, body: pfBody(undefined, { webhook_url: url }) });
    expect(res.status, await res.clone().text()).toBe(202);
  });

  it("a test endpoint may be a loopback receiver; a live one may not, nor a live run's webhook_url", async () => {
    const tenant = await createTenant();
    const ok = await send(localDev, "POST", `/admin/v1/tenants/${tenant.id}/webhook-endpoints`, {
      admin: true,
      body: { url: "http://127.0.0.1:8789/hooks", environment: "test" },
    });
    expect(ok.status, await ok.clone().text()).toBe(201);
    const live = await send(localDev, "POST", `/admin/v1/tenants/${tenant.id}/webhook-endpoints`, {
      admin: true,
      body: { url: "http://127.0.0.1:8789/hooks", environment: "live" },
    });
    await expectError(live, { status: 400, code: "invalid_webhook_url", param: "url" });
    const liveKey = await createKey(tenant.id, "live");
    const run = await send(localDev, "POST", "/api/v1/bureau/runs", { key: liveKey, body: pfBody(undefined, { webhook_url: "https://localhost:8443/kyc" }) });
    await expectError(run, { status: 400, code: "invalid_webhook_url", param: "webhook_url" });
  });

  it("loopback is the only exception: other private or internal targets and credentials stay refused", async () => {
    const tenant = await createTenant();
    const key = await createKey(tenant.id, "test");
    for (const url of ["http://10.0.0.5:8080/kyc", "http://192.168.1.10/kyc", "http://printer.local/kyc", "http://user:pw@127.0.0.1:8789/kyc", "http://127.0.0.2:8789/kyc"]) {
      const res = await send(localDev, "POST", "/api/v1/bureau/runs", { key, body: pfBody(undefined, { webhook_url: url }) });
      await expectError(res, { status: 400, code: "invalid_webhook_url", param: "webhook_url" });
    }
  });

  it("the run's event is delivered to the loopback receiver", async () => {
    const tenant = await createTenant();
    const key = await createKey(tenant.id, "test");
    const hook = "http://127.0.0.1:8789/hooks/kyc";
    net.on(hook, statusResponse(200));
    const created = await send(localDev, "POST", "/api/v1/bureau/runs", { key, body: pfBody("000.000.001-91", { webhook_url: hook }) });
    expect(created.status).toBe(202);
    const { run_id } = await created.json<{ run_id: string }>();
    await runToEnd(key, run_id);
    await runDurableObjectAlarm(env.RUN.get(env.RUN.idFromName(run_id)));
    const event = await env.DB.prepare("SELECT id FROM webhook_events WHERE run_id = ?").bind(run_id).first<{ id: string }>();
    expect(event).not.toBeNull();
    await runDurableObjectAlarm(env.WEBHOOKS.get(env.WEBHOOKS.idFromName(`${event!.id}|webhook_url`)));
    expect(net.calls.map((c) => c.url)).toEqual([hook]);
  });
});

describe("without the var (production, previews, and this suite's configuration)", () => {
  it.each(LOOPBACK)("a sandbox run may not send its events to %s", async (url) => {
    const tenant = await createTenant();
    const key = await createKey(tenant.id, "test");
    const res = await send(env, "POST", "/api/v1/bureau/runs", { key, body: pfBody(undefined, { webhook_url: url }) });
    await expectError(res, { status: 400, code: "invalid_webhook_url", param: "webhook_url" });
  });

  it("nor may a test endpoint", async () => {
    const tenant = await createTenant();
    const res = await send(env, "POST", `/admin/v1/tenants/${tenant.id}/webhook-endpoints`, {
      admin: true,
      body: { url: "http://localhost:3000/kyc", environment: "test" },
    });
    await expectError(res, { status: 400, code: "invalid_webhook_url", param: "url" });
  });
});
