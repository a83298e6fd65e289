#!/usr/bin/env node
// End to end, as an integrator's generated client: starts `npm run dev` on a
// free loopback port, generates the types from the document it SERVES
// (openapi-typescript against /api/v1/openapi.json), type-checks
// examples/client.ts against them and runs it with the printed sandbox key
// and a loopback webhook receiver (scripts/webhook-receiver.mjs): register a
// webhook endpoint, create a run, poll it, list runs with a limit, download
// the report, find the run's event in the events list. Then checks what the
// receiver got.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { root, startDev } from "../bench/lib.mjs";
import { startReceiver } from "./webhook-receiver.mjs";

const bin = (name) => join(root, "node_modules", ".bin", name);
const receiver = await startReceiver();
const dev = await startDev(["--var", "SANDBOX_LATENCY_FACTOR:0.1"]);
let failed = false;
try {
  // 1. The client's types, from the document the running API serves.
  const types = join(root, "dist", "openapi", "api.d.ts");
  execFileSync(bin("openapi-typescript"), [`${dev.base}/api/v1/openapi.json`, "-o", types], { cwd: root, stdio: "pipe" });
  // 2. The example compiles against them (a parameter typed wrong, a path or field gone: it fails here).
  execFileSync(bin("tsc"), ["-p", join(root, "examples", "tsconfig.json")], { cwd: root, stdio: "pipe" });
  // 3. And runs (asynchronously: the receiver lives in this process and must keep answering).
  const { stdout: out } = await promisify(execFile)(bin("tsx"), [join(root, "examples", "client.ts")], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, KYCERT_API_URL: dev.base, KYCERT_API_KEY: dev.key, KYCERT_WEBHOOK_URL: receiver.url },
    timeout: 120_000,
  });
  const summary = JSON.parse(out.trim().split("\n").at(-1));
  const problems = [];
  if (!/^whe_/.test(summary.webhook_endpoint ?? "")) problems.push("no webhook endpoint registered");
  if (summary.run.status !== "completed" || summary.run.decision !== "review" || !summary.run.case_id) problems.push(`run ${JSON.stringify(summary.run)}`);
  if (!summary.listed.includes(summary.run.id) || summary.listed.length > 5) problems.push(`list with limit 5: ${summary.listed.length} runs, ${summary.listed.includes(summary.run.id) ? "" : "without "}the run`);
  if (!(summary.report.bytes > 1000) || !/^[0-9a-f]{64}$/.test(summary.report.sha256)) problems.push(`report ${JSON.stringify(summary.report)}`);
  if (summary.event?.event !== "run.completed" || summary.event.delivery_status !== "delivered") problems.push(`event ${JSON.stringify(summary.event)}`);
  const got = receiver.events.find((e) => e.event.id === summary.event?.id);
  if (!got || got.event.data?.object?.id !== summary.run.id || !/^t=\d+,v1=[0-9a-f]{64}$/.test(got.signature ?? "")) {
    problems.push(`receiver got ${receiver.events.map((e) => `${e.event.event} ${e.event.id}`).join(", ") || "nothing"}`);
  }
  if (problems.length) throw new Error(problems.join("; "));
  console.log(
    `e2e client passed: types generated from ${dev.base}/api/v1/openapi.json, examples/client.ts compiled and ran: endpoint ${summary.webhook_endpoint}, run ${summary.run.id} → ${summary.run.decision}/${summary.run.risk_band}, ${summary.listed.length} runs listed, report ${summary.report.bytes} bytes (sha256 verified), event ${summary.event.id} delivered to ${receiver.url}`,
  );
} catch (err) {
  failed = true;
  const detail = err?.stderr?.toString() || err?.stdout?.toString() || "";
  console.error(`e2e client FAILED: ${err instanceof Error ? err.message : String(err)}\n${detail.slice(-3000)}\n--- dev log (tail) ---\n${dev.log().slice(-3000)}`);
} finally {
  await dev.stop();
  await receiver.close();
}
process.exit(failed ? 1 : 0);
