#!/usr/bin/env node
// End-to-end crash recovery (issue 8): `npm run dev` on a throw-away
// --persist-to state, a PJ run of the sandbox company with two partners
// (tpl_pj_padrao, 00.000.000/0001-91), the whole local runtime killed with
// SIGKILL two seconds in (dev.mjs, wrangler and workerd: one process group),
// then `npm run dev` again on the same state and port. The run must resume by
// itself within seconds, not at the run deadline, and end `completed` with
// every source (company and partners) actually queried and none in ERROR.
//
// Options (env): CRASH_LATENCY_FACTOR (default 2: twice the sandbox's realistic
// latencies, so a PJ run's sources take ~7 s and a kill at 2 s lands mid-run
// even on a loaded machine), CRASH_KILL_AFTER_MS (default 2000),
// CRASH_MAX_RESUME_MS (default 30000).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LATENCY_FACTOR = process.env.CRASH_LATENCY_FACTOR ?? "2";
const KILL_AFTER_MS = Number(process.env.CRASH_KILL_AFTER_MS ?? 2000);
const MAX_RESUME_MS = Number(process.env.CRASH_MAX_RESUME_MS ?? 30_000);
// The deadline stays the production one: the point is that resuming does not wait for it.
const RUN_DEADLINE_MS = 120_000;
// How long to keep polling after the restart before calling the run stuck (well under the deadline).
const POLL_BOUND_MS = 60_000;
const CNPJ = "00.000.000/0001-91";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t = (ms) => `${(Math.round(ms / 100) / 10 || 0).toFixed(1)} s`;

const listen = (port) =>
  new Promise((ok, ko) => {
    const s = createServer();
    s.once("error", ko);
    s.listen(port, "127.0.0.1", () => {
      const { port: p } = s.address();
      s.close(() => ok(p));
    });
  });

/** Live (non-zombie) processes of a process group; null where /proc is unavailable. */
function groupMembers(pgid) {
  if (!existsSync("/proc/self/stat")) return null;
  const out = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z" && state !== "X") out.push(`${name}:${stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"))}`);
  }
  return out;
}

const state = mkdtempSync(join(tmpdir(), "kycert-crash-"));
const port = await listen(0);
const base = `http://127.0.0.1:${port}`;
let server = null; // { child, pgid, log, exited }
const failures = [];

function startServer(label) {
  // dev.mjs: migrations + tenant/key seed on the given state (idempotent), then
  // `wrangler dev`. Detached: its own process group, so workerd dies with it.
  const child = spawn(
    process.execPath,
    [join(root, "scripts", "dev.mjs"), "--", "--var", `SANDBOX_LATENCY_FACTOR:${LATENCY_FACTOR}`, "--var", `RUN_DEADLINE_MS:${RUN_DEADLINE_MS}`],
    {
      cwd: root,
      env: { ...process.env, PORT: String(port), DEV_STATE_DIR: state },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  const s = { label, child, pgid: child.pid, log: "", exitCode: undefined };
  s.exited = new Promise((ok) =>
    child.once("exit", (code, signal) => {
      s.exitCode = code ?? signal;
      ok();
    }),
  );
  child.stdout.on("data", (d) => (s.log += d));
  child.stderr.on("data", (d) => (s.log += d));
  return s;
}

async function waitReady(s) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (s.exitCode !== undefined) throw new Error(`${s.label} server exited (${s.exitCode}) before answering`);
    if (Date.now() > deadline) throw new Error(`${s.label} server not ready in 120 s`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {}
    await sleep(200);
  }
}

/** SIGKILL the whole group and wait until nothing of it is left and the port is free. */
async function killGroup(s, signal = "SIGKILL") {
  try {
    process.kill(-s.pgid, signal);
  } catch {}
  const deadline = Date.now() + 10_000;
  for (;;) {
    const left = groupMembers(s.pgid);
    let alive = left ? left.length > 0 : true;
    if (!left) {
      try {
        process.kill(-s.pgid, 0);
      } catch {
        alive = false;
      }
    }
    if (!alive) break;
    if (Date.now() > deadline) throw new Error(`process group ${s.pgid} still alive after ${signal}: ${left?.join(", ")}`);
    await sleep(100);
  }
  for (;;) {
    try {
      await listen(port);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`port ${port} still in use after killing the server`);
      await sleep(100);
    }
  }
}

let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  if (server) {
    // Polite first (wrangler tidies up), then certain.
    try {
      process.kill(-server.pgid, "SIGTERM");
    } catch {}
    await Promise.race([server.exited, sleep(5000)]);
    await killGroup(server).catch(() => {});
  }
  rmSync(state, { recursive: true, force: true });
}

async function bail(msg) {
  console.error(`e2e crash FAILED: ${msg}`);
  if (server) {
    // Without the poll's own 202s, which would fill the tail.
    const log = server.log
      .split("\n")
      .filter((l) => !/\] GET \/api\/v1\/bureau\/runs\/\S+ 202 /.test(l))
      .join("\n");
    console.error(`--- ${server.label} server log (tail) ---\n${log.slice(-3000)}`);
  }
  await cleanup();
  process.exit(1);
}
// Bounded whatever happens: startup 2 × ≤ 120 s, the run ≤ POLL_BOUND_MS, checks.
const watchdog = setTimeout(() => void bail("took longer than 6 minutes"), 360_000);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => void bail(`interrupted (${sig})`));

try {
  // ---- 1. First life: start, create the run, kill mid-run -----------------
  server = startServer("first");
  await waitReady(server);
  const { api_key: KEY } = JSON.parse(readFileSync(join(state, "dev-credentials.json"), "utf8"));
  const ADMIN = /admin token\s+(\S+)/.exec(server.log)?.[1];
  const headers = { "X-API-Key": KEY, "content-type": "application/json" };
  const get = async (path, h = headers) => {
    const res = await fetch(`${base}${path}`, { headers: h });
    return { status: res.status, body: await res.json() };
  };

  // The template's sources, as published (what "every source" means).
  const templates = await get("/admin/v1/templates", { Authorization: `Bearer ${ADMIN}` });
  const sourcesOf = (id) =>
    (templates.body.data ?? []).find((x) => x.id === id && x.status === "published")?.sources.map((s) => s.source) ?? [];
  const pjSources = sourcesOf("tpl_pj_padrao");
  const pfSources = sourcesOf("tpl_pf_padrao");
  if (pjSources.length === 0 || pfSources.length === 0) {
    throw new Error(`could not read the standard templates' sources (GET /admin/v1/templates → ${templates.status})`);
  }

  const created = await fetch(`${base}/api/v1/bureau/runs`, {
    method: "POST",
    headers,
    body: JSON.stringify({ template_id: "tpl_pj_padrao", parametros: { cnpj: CNPJ } }),
  });
  const postedAt = Date.now();
  const createdBody = await created.json();
  if (created.status !== 202) throw new Error(`create: HTTP ${created.status} ${JSON.stringify(createdBody)}`);
  const runId = createdBody.run_id;

  for (let r; ; ) {
    r = await get(`/api/v1/bureau/runs/${runId}`);
    if (r.body.status === "running") break;
    if (r.status !== 202 || Date.now() - postedAt > 10_000) {
      throw new Error(`run never seen running before the kill (HTTP ${r.status}, ${r.body.status})`);
    }
    await sleep(100);
  }
  await sleep(Math.max(0, postedAt + KILL_AFTER_MS - Date.now()));
  // Last look right before the kill: the test only means something if the run is mid-flight.
  const before = await get(`/api/v1/bureau/runs/${runId}`);
  if (before.status !== 202) {
    throw new Error(`the run was already terminal (${before.body.status}) at the kill; raise CRASH_LATENCY_FACTOR`);
  }
  const members = groupMembers(server.pgid);
  const killedAt = Date.now();
  await killGroup(server);
  const killDone = Date.now();
  console.log(
    `e2e crash: run ${runId} ${before.body.status} at ${t(killedAt - postedAt)} after POST; SIGKILL to process group ${server.pgid}` +
      `${members ? ` (${members.join(" ")})` : ""}, all gone and port ${port} free in ${killDone - killedAt} ms`,
  );

  // ---- 2. Second life: same state, same port; the run must resume by itself ----
  server = startServer("restarted");
  const restartAt = Date.now();
  await waitReady(server);
  const readyAt = Date.now();

  let company;
  let last;
  let resumedMs = null; // first company source call after the restart, from "server ready"
  while (Date.now() - readyAt < POLL_BOUND_MS) {
    last = await get(`/api/v1/bureau/runs/${runId}`);
    if (last.status === 200) {
      company = last.body;
      break;
    }
    await sleep(250);
  }
  const terminalAt = Date.now();
  const resumeMs = terminalAt - readyAt;
  if (!company) {
    failures.push(`run still "${last?.body.status}" ${t(POLL_BOUND_MS)} after the restarted server answered (HTTP ${last?.status})`);
  } else {
    if (resumeMs > MAX_RESUME_MS) failures.push(`run took ${t(resumeMs)} after the restart to end (bound ${t(MAX_RESUME_MS)})`);

    // Company and partner runs: status, every source answered, every source called.
    const check = async (label, body, expected) => {
      if (body.status !== "completed") failures.push(`${label}: status ${body.status} (expected completed)`);
      const got = body.sources.map((s) => s.source).sort();
      if (JSON.stringify(got) !== JSON.stringify([...expected].sort())) {
        failures.push(`${label}: sources ${got.length}/${expected.length} (missing ${expected.filter((k) => !got.includes(k)).join(", ") || "none"})`);
      }
      for (const s of body.sources) {
        if (s.status === "ERROR" || /prazo/i.test(s.reason ?? "")) failures.push(`${label}: ${s.source} ${s.status} "${s.reason ?? ""}"`);
      }
      const detail = await get(`/api/v1/bureau/runs/${body.id}/detail`);
      if (detail.status !== 200) {
        failures.push(`${label}: GET /detail → HTTP ${detail.status}`);
        return { calls: [], results: [] };
      }
      const { calls, sources: results } = detail.body;
      const notCalled = expected.filter((k) => !calls.some((c) => c.source === k));
      if (notCalled.length > 0) failures.push(`${label}: never queried: ${notCalled.join(", ")}`);
      // A source that answered after the restart must have been queried after it
      // (not closed by the resumed run without a call).
      const unqueried = results.filter(
        (r) => Date.parse(r.completed_at) >= restartAt && !calls.some((c) => c.source === r.source && Date.parse(c.at) >= restartAt),
      );
      if (unqueried.length > 0) {
        failures.push(`${label}: answered after the restart without a query: ${unqueried.map((r) => `${r.source} ${r.status}`).join(", ")}`);
      }
      return { calls, results };
    };
    const { calls, results } = await check("company", company, pjSources);
    // The test means something only if the kill hit the company's sources mid-flight.
    const answeredBefore = results.filter((r) => Date.parse(r.completed_at) <= killedAt).length;
    const answeredAfter = results.filter((r) => Date.parse(r.completed_at) >= restartAt).length;
    const after = calls.map((c) => Date.parse(c.at)).filter((at) => at >= restartAt);
    resumedMs = after.length > 0 ? Math.min(...after) - readyAt : null;
    if (results.length > 0 && answeredBefore === results.length) {
      failures.push(`every company source had answered before the kill: not a mid-run crash (raise CRASH_LATENCY_FACTOR)`);
    }
    if (company.partner_runs.length !== 2) failures.push(`company: ${company.partner_runs.length} partner runs (expected 2)`);
    for (const p of company.partner_runs) {
      const r = await get(`/api/v1/bureau/runs/${p.run_id}`);
      if (r.status !== 200) failures.push(`partner ${p.run_id}: HTTP ${r.status} ${r.body.status}`);
      else await check(`partner ${p.run_id}`, r.body, pfSources);
    }
    console.log(
      `e2e crash: company ${company.status}/${company.decision}/${company.operative_decision}, ` +
        `${company.sources.length} sources (${company.sources.filter((s) => s.status === "ERROR").length} ERROR), ` +
        `partners ${company.partner_runs.map((p) => p.status).join(", ")}; company sources answered ${answeredBefore} before the kill, ` +
        `${answeredAfter} after the restart (${after.length} calls after it)`,
    );
  }
  console.log(
    `e2e crash: restart → server ready ${t(readyAt - restartAt)}, ready → first source call ${resumedMs === null ? "none" : t(resumedMs)}, ` +
      `ready → run terminal ${company ? t(resumeMs) : "never"} ` +
      `(bound ${t(MAX_RESUME_MS)}; run deadline ${t(RUN_DEADLINE_MS)})`,
  );
} catch (err) {
  failures.push(err instanceof Error ? err.message : String(err));
}

clearTimeout(watchdog);
if (failures.length > 0) await bail(`\n  - ${failures.join("\n  - ")}`);
console.log("e2e crash passed: the killed run resumed by itself and completed with every source queried");
await cleanup();
process.exit(0);
