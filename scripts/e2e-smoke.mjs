#!/usr/bin/env node
// End-to-end smoke: starts `npm run dev` on a free loopback port with a fresh
// local state, then runs the README's curl walk-through verbatim (create a run
// with the printed sandbox key → poll → analysis → report; then the review
// case's four eyes: the analyst proposes, the approver approves) and checks the answers.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const freePort = () =>
  new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

const port = String(await freePort());
const state = mkdtempSync(join(tmpdir(), "kycert-smoke-"));
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, [join(root, "scripts", "dev.mjs")], {
  cwd: root,
  env: { ...process.env, PORT: port, DEV_STATE_DIR: state },
  stdio: ["ignore", "pipe", "pipe"],
  detached: true,
});
let log = "";
server.stdout.on("data", (d) => (log += d));
server.stderr.on("data", (d) => (log += d));

const stop = () => {
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {}
  rmSync(state, { recursive: true, force: true });
};
const fail = (msg) => {
  console.error(`e2e smoke FAILED: ${msg}\n--- server log ---\n${log.slice(-4000)}`);
  stop();
  process.exit(1);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const deadline = Date.now() + 90_000;
for (;;) {
  if (Date.now() > deadline) fail("server did not become ready in 90 s");
  try {
    if ((await fetch(`${base}/health`)).ok) break;
  } catch {}
  await sleep(500);
}

const { api_key: KEY } = JSON.parse(readFileSync(join(state, "dev-credentials.json"), "utf8"));
if (!log.includes(KEY)) fail("dev did not print the sandbox key");
const curl = (...args) => {
  const out = execFileSync("curl", ["-s", "-w", "\n%{http_code}", ...args], { encoding: "utf8" });
  const i = out.lastIndexOf("\n");
  return { status: Number(out.slice(i + 1)), body: out.slice(0, i) };
};

// README step 1: create a run.
const created = curl("-X", "POST", `${base}/api/v1/bureau/runs`, "-H", `X-API-Key: ${KEY}`, "-H", "content-type: application/json",
  "-H", "Idempotency-Key: readme-walkthrough-1",
  "-d", '{"template_id":"tpl_pf_padrao","parametros":{"cpf":"000.000.004-53"},"external_id":"cliente-42"}');
if (created.status !== 202) fail(`create: HTTP ${created.status} ${created.body}`);
const { run_id } = JSON.parse(created.body);

// README step 2: poll until 200.
let run;
for (let i = 0; i < 60; i++) {
  const r = curl(`${base}/api/v1/bureau/runs/${run_id}`, "-H", `X-API-Key: ${KEY}`);
  if (r.status === 200) {
    run = JSON.parse(r.body);
    break;
  }
  if (r.status !== 202) fail(`poll: HTTP ${r.status} ${r.body}`);
  await sleep(500);
}
if (!run) fail("run did not finish in 30 s");
if (run.decision !== "review" || run.risk_band !== "alto") fail(`unexpected outcome ${run.status}/${run.decision}/${run.risk_band}`);

// README step 3: the analysis.
const analysis = curl(`${base}/api/v1/bureau/runs/${run_id}/analysis`, "-H", `X-API-Key: ${KEY}`);
if (analysis.status !== 200) fail(`analysis: HTTP ${analysis.status}`);
const a = JSON.parse(analysis.body);
if (!a.analysis.findings.some((f) => f.source === "pep_coaf")) fail("analysis lacks the PEP finding");

// README "Reports (PDF)": generate (rendered by kycert-edge-engine over the ENGINE
// binding, a second Worker in the same `wrangler dev`), then download through the signed URL.
const report = curl("-X", "POST", `${base}/api/v1/bureau/runs/${run_id}/report?mode=completo`, "-H", `X-API-Key: ${KEY}`);
if (report.status !== 201) fail(`report: HTTP ${report.status} ${report.body}`);
const meta = JSON.parse(report.body);
const pdfFile = join(state, "relatorio.pdf");
const download = curl("-L", "-o", pdfFile, `${base}/api/v1/bureau/runs/${run_id}/report?mode=completo`, "-H", `X-API-Key: ${KEY}`);
if (download.status !== 200) fail(`report download: HTTP ${download.status}`);
const pdf = readFileSync(pdfFile);
const sha256 = createHash("sha256").update(pdf).digest("hex");
if (pdf.subarray(0, 5).toString() !== "%PDF-" || sha256 !== meta.sha256 || pdf.length !== meta.bytes) {
  fail(`report download: ${pdf.length} bytes, sha256 ${sha256}; the POST said ${meta.bytes} bytes, ${meta.sha256}`);
}

// README "Review cases": the PEP run's case, proposed by the analyst, approved by the approver.
const open = curl(`${base}/api/v1/bureau/cases?status=open`, "-H", `X-API-Key: ${KEY}`);
if (open.status !== 200) fail(`cases: HTTP ${open.status} ${open.body}`);
const CASE = JSON.parse(open.body).data.find((c) => c.run_id === run_id)?.id;
if (!CASE || CASE !== run.case_id) fail(`the run's case is not in the open queue (${run.case_id})`);
const proposed = curl("-X", "POST", `${base}/api/v1/bureau/cases/${CASE}/resolve`, "-H", `X-API-Key: ${KEY}`,
  "-H", "content-type: application/json",
  "-d", '{"outcome":"rejected","reason_code":"insufficient_information","note":"Cliente não comprovou a origem dos recursos.","actor":"ana@empresa.com"}');
if (proposed.status !== 200 || JSON.parse(proposed.body).status !== "pending_approval") fail(`resolve: HTTP ${proposed.status} ${proposed.body}`);
const own = curl("-X", "POST", `${base}/api/v1/bureau/cases/${CASE}/approve`, "-H", `X-API-Key: ${KEY}`,
  "-H", "content-type: application/json", "-d", '{"actor":"ana@empresa.com"}');
if (own.status !== 403 || JSON.parse(own.body).error.code !== "actor_not_allowed") fail(`the analyst approving: HTTP ${own.status} ${own.body}`);
const approved = curl("-X", "POST", `${base}/api/v1/bureau/cases/${CASE}/approve`, "-H", `X-API-Key: ${KEY}`,
  "-H", "content-type: application/json", "-d", '{"actor":"bruno@empresa.com"}');
const resolution = approved.status === 200 ? JSON.parse(approved.body).resolution : null;
if (resolution?.approved_by !== "bruno@empresa.com" || resolution?.resolved_by !== "ana@empresa.com") fail(`approve: HTTP ${approved.status} ${approved.body}`);
const record = JSON.parse(curl(`${base}/api/v1/bureau/cases/${CASE}`, "-H", `X-API-Key: ${KEY}`).body);
if (record.status !== "resolved" || record.chain?.verified !== true || record.events.at(-1).via !== "api") fail(`case record: ${JSON.stringify(record.chain)}`);
const finalRun = JSON.parse(curl(`${base}/api/v1/bureau/runs/${run_id}`, "-H", `X-API-Key: ${KEY}`).body);
if (finalRun.final_decision !== "rejected") fail(`final_decision ${finalRun.final_decision}`);

console.log(
  `e2e smoke passed: run ${run_id} → ${run.status}/${run.decision}/${run.risk_band}, ${a.analysis.findings.length} finding(s); report completo ${meta.pages} pages, ${meta.bytes} bytes; case ${CASE} four eyes → ${record.resolution.outcome}, chain verified`,
);
stop();
process.exit(0);
