#!/usr/bin/env node
// End-to-end live mode: the fake provider (scripts/fake-provider.mjs) on
// loopback, `wrangler dev` pointed at it, a live tenant and key made through the
// admin plane; a clean run (completed, 16 credits) and a run whose tier-1
// arrest-warrant source answers 503 (partial + hold, the failed source free).
import { CATALOG, startFakeProvider } from "./fake-provider.mjs";
import { sleep, startDev } from "../bench/lib.mjs";

const provider = await startFakeProvider({ latencyFactor: 0.02, token: "e2e-token" });
const vars = [
  ...Object.keys(CATALOG).flatMap((k) => [
    "--var", `SOURCE_URL_${k.toUpperCase()}:${provider.url}/${k}`,
    "--var", `SOURCE_TOKEN_${k.toUpperCase()}:e2e-token`,
  ]),
  "--var", "SOURCE_RETRY_BASE_MS:10",
];
const dev = await startDev(vars);
const fail = (msg) => {
  console.error(`e2e live FAILED: ${msg}\n--- server log ---\n${dev.log().slice(-3000)}`);
  dev.stop();
  provider.close();
  process.exit(1);
};

try {
  const admin = { Authorization: `Bearer ${dev.admin}`, "content-type": "application/json" };
  const post = async (path, body, headers) => {
    const res = await fetch(`${dev.base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  const tenant = (await post("/admin/v1/tenants", { name: "E2E live", slug: `e2e-live-${Date.now()}`, credits: 100 }, admin)).body;
  const { key } = (await post(`/admin/v1/tenants/${tenant.id}/api-keys`, { name: "e2e", environment: "live" }, admin)).body;
  const headers = { "X-API-Key": key, "content-type": "application/json" };
  const run = async () => {
    const created = await post("/api/v1/bureau/runs", { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" } }, headers);
    if (created.status !== 202) fail(`create: ${created.status} ${JSON.stringify(created.body)}`);
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${dev.base}/api/v1/bureau/runs/${created.body.run_id}`, { headers });
      if (res.status === 200) return res.json();
      await sleep(200);
    }
    fail("run did not finish in 20 s");
  };
  const balance = async () =>
    (await (await fetch(`${dev.base}/admin/v1/tenants/${tenant.id}`, { headers: admin })).json()).credits;

  const clean = await run();
  if (clean.status !== "completed" || clean.decision !== "approved" || !clean.livemode || clean.credits_used !== 16) {
    fail(`clean run: ${clean.status}/${clean.decision}, ${clean.credits_used} credits`);
  }
  if ((await balance()) !== 84) fail(`balance after the clean run: ${await balance()}`);

  await fetch(`${provider.url}/_faults`, { method: "POST", body: JSON.stringify({ cnj_mandados_prisao: "503" }) });
  const degraded = await run();
  const cnj = degraded.sources.find((s) => s.source === "cnj_mandados_prisao");
  if (degraded.status !== "partial" || degraded.operative_decision !== "hold" || cnj?.status !== "ERROR" || cnj.attempts !== 2) {
    fail(`degraded run: ${degraded.status}/${degraded.operative_decision}, cnj ${JSON.stringify(cnj)}`);
  }
  if (degraded.credits_used !== 15 || (await balance()) !== 69) fail(`degraded run charged ${degraded.credits_used}, balance ${await balance()}`);
  const stats = await (await fetch(`${provider.url}/_stats`)).json();
  console.log(`e2e live passed: clean ${clean.status}/${clean.decision} (16 credits); 503 on a tier-1 source → ${degraded.status}/${degraded.operative_decision} (15 credits, "${cnj.reason}"); ${stats.total} provider calls`);
} finally {
  dev.stop();
  await provider.close();
}
