#!/usr/bin/env node
// Screening list ingestion at full size, end to end through `wrangler dev`:
// the list files served on loopback (scripts/serve-lists.mjs), a refresh started
// through the admin plane, the ListIngest object downloading to R2, parsing and
// staging into local D1 in alarm steps, then switching. Measured on the workerd
// process from outside (/proc): its CPU time and resident memory, per step and in
// total, plus the wall time until the version serves. A second refresh of the
// same bytes shows what a scheduled check of an unchanged list costs; a third,
// of the file with one listed record changed, what a typical new version costs
// (its unchanged records are stored already: only members are written, then the
// delta is computed against the serving version).
//
//   npm run bench:lists            (BENCH_LISTS=ofac_sdn,cgu_pep to pick lists)
//
// Inputs: synthetic files of today's full size (bench/lists-synthetic.ts, from
// src/screening/parsers/synthetic.ts) in bench/out/lists-ingest/, and the real UN
// file from ../shared/lists when present.
//
// What the numbers include: workerd runs the Worker AND local D1 (SQLite) and
// R2 in this process, so CPU and memory are upper bounds of what the Worker
// itself uses — in production D1's writes run on D1's servers, not against the
// Worker's CPU time or its 128 MB.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { unzipSync, zipSync } from "fflate";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpuMs, freePort, machine, root, rssMb, sleep, workerdsUnder } from "./lib.mjs";
import { startListServer, varArgs } from "../scripts/serve-lists.mjs";

const OUT = join(root, "bench", "out", "lists-ingest");
const SHARED_UN = join(root, "..", "shared", "lists", "un", "consolidated.xml");

const latin1 = (b) => Buffer.from(b).toString("latin1");
/** Each case's primary file and how to change one listed record in it (the first one's name). */
const CASES = [
  { id: "ofac_sdn", name: "OFAC SDN, synthetic 20k entries / 30k aliases", file: ["ofac-sdn", "SDN.CSV"], change: (b) => Buffer.from(latin1(b).replace(/^(\d+,"[^"]*)"/m, '$1 II"'), "latin1") },
  {
    id: "cgu_pep",
    name: "CGU PEP, synthetic ZIP of 70k rows",
    file: ["br", "pep.zip"],
    change: (b) => {
      const [[inner, csv]] = Object.entries(unzipSync(new Uint8Array(b)));
      // The level of the first office (the entity id hashes the name, office, organ and start date: those would make it another entity).
      return zipSync({ [inner]: Buffer.from(latin1(csv).replace(/\r\n((?:"[^"]*";){4})"[^"]*"/, '\r\n$1"9"'), "latin1") });
    },
  },
  { id: "eu_fsf", name: "EU FSF 1.1, synthetic 6,000 subjects", file: ["eu", "eu-fsf.xml"], change: (b) => Buffer.from(latin1(b).replace(/wholeName="([^"]*)"/, 'wholeName="$1 II"'), "latin1") },
  { id: "un_sc", name: "UN consolidated, real (2026-02-27)", file: ["un", "consolidated.xml"], change: (b) => Buffer.from(latin1(b).replace(/<FIRST_NAME>([^<]*)</, "<FIRST_NAME>$1 II<"), "latin1") },
].filter((c) => !process.env.BENCH_LISTS || process.env.BENCH_LISTS.split(",").includes(c.id));

/** Replaces a served file by its changed copy; returns a function putting the original back (a symlink stays a symlink). */
function changeFile(c) {
  const path = join(OUT, ...c.file);
  const link = lstatSync(path).isSymbolicLink() ? readlinkSync(path) : null;
  const original = readFileSync(path);
  const changed = c.change(original);
  if (Buffer.compare(Buffer.from(changed), original) === 0) throw new Error(`${c.id}: the change changed nothing`);
  unlinkSync(path);
  writeFileSync(path, changed);
  return () => {
    unlinkSync(path);
    if (link) symlinkSync(link, path);
    else writeFileSync(path, original);
  };
}

// ---- inputs -----------------------------------------------------------------------

execFileSync(join(root, "node_modules", ".bin", "tsx"), [join(root, "bench", "lists-synthetic.ts"), OUT], { stdio: "inherit" });
if (existsSync(SHARED_UN) && !existsSync(join(OUT, "un", "consolidated.xml"))) {
  mkdirSync(join(OUT, "un"), { recursive: true });
  symlinkSync(SHARED_UN, join(OUT, "un", "consolidated.xml"));
}

// ---- the API ------------------------------------------------------------------------

const lists = await startListServer({ dir: OUT, port: 0 });
const port = String(await freePort());
const state = mkdtempSync(join(tmpdir(), "kycert-bench-lists-"));
const child = spawn(process.execPath, [join(root, "scripts", "dev.mjs"), "--", ...varArgs(lists.vars)], {
  cwd: root,
  env: { ...process.env, PORT: port, DEV_STATE_DIR: state },
  stdio: ["ignore", "pipe", "pipe"],
  detached: true,
});
let log = "";
const stepWaiters = [];
let pending = "";
const onData = (d) => {
  log += d;
  pending += d;
  const lines = pending.split("\n");
  pending = lines.pop();
  for (const line of lines) {
    const m = /\{"level":"info","event":"list_ingest_step".*\}/.exec(line);
    if (m) for (const w of stepWaiters) w(JSON.parse(m[0]));
  }
};
child.stdout.on("data", onData);
child.stderr.on("data", onData);
const stop = () => {
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {}
};
process.on("exit", stop);

const base = `http://127.0.0.1:${port}`;
for (let t = Date.now(); ; ) {
  if (Date.now() - t > 120_000) throw new Error(`server not ready:\n${log.slice(-3000)}`);
  try {
    if ((await fetch(`${base}/health`)).ok) break;
  } catch {}
  await sleep(300);
}
const adminToken = /admin token\s+(\S+)/.exec(log)?.[1];
const headers = { Authorization: `Bearer ${adminToken}` };
const workerds = workerdsUnder(child.pid);
if (workerds.length === 0) throw new Error("workerd process not found");
const cpuAll = () => workerds.reduce((n, p) => n + cpuMs(p), 0);
const rssAll = () => workerds.reduce((n, p) => n + rssMb(p), 0);

const getList = async (id) => (await fetch(`${base}/admin/v1/lists/${id}`, { headers })).json();

/** One refresh, measured: wall time, workerd CPU (total and per step), resident memory. */
async function measure(id) {
  const steps = [];
  let lastCpu = cpuAll();
  const waiter = (s) => {
    if (s.list !== id) return;
    const now = cpuAll();
    steps.push({ ...s, cpu_ms: now - lastCpu });
    lastCpu = now;
  };
  stepWaiters.push(waiter);
  const cpu0 = cpuAll();
  const rss0 = rssAll();
  let peak = rss0;
  const t0 = Date.now();
  const res = await fetch(`${base}/admin/v1/lists/${id}/refresh`, { method: "POST", headers });
  if (res.status !== 202) throw new Error(`refresh ${id}: ${res.status} ${await res.text()}`);
  let view;
  for (;;) {
    peak = Math.max(peak, rssAll());
    view = await getList(id);
    if (view.loading_since === null) break;
    if (Date.now() - t0 > 30 * 60_000) throw new Error(`${id} still loading`);
    await sleep(100);
  }
  const wall = Date.now() - t0;
  // The cleanup of the staged file runs right after (no grace period without a previous version).
  await sleep(500);
  stepWaiters.splice(stepWaiters.indexOf(waiter), 1);
  if (view.status !== "ready" || view.last_error) throw new Error(`${id}: ${JSON.stringify(view)}`);
  return {
    view,
    wall_ms: wall,
    cpu_ms: cpuAll() - cpu0,
    rss0,
    peak,
    steps,
  };
}

const rows = [];
const stepRows = [];
try {
  for (const c of CASES) {
    if (!lists.vars[`LIST_URL_${c.id.toUpperCase()}`]) {
      rows.push(`| ${c.name} | (input not found) | | | | | | | | |`);
      continue;
    }
    const first = await measure(c.id);
    const same = await measure(c.id);
    if (same.view.version.sha256 !== first.view.version.sha256) throw new Error(`${c.id}: same bytes gave a new version`);
    const restore = changeFile(c);
    let changed;
    try {
      changed = await measure(c.id);
    } finally {
      restore();
    }
    const [v2] = (await (await fetch(`${base}/admin/v1/lists/${c.id}/versions`, { headers })).json()).data;
    if (v2.sha256 !== changed.view.version.sha256 || v2.modified !== 1 || v2.added + v2.removed !== 0) throw new Error(`${c.id}: the changed file gave ${JSON.stringify(v2)}`);
    const stage = first.steps.filter((s) => s.phase === "stage");
    const maxStepCpu = Math.max(...first.steps.map((s) => s.cpu_ms));
    rows.push(
      `| ${c.name} | ${first.view.version.entities} | ${first.view.version.names} | ${(first.wall_ms / 1000).toFixed(1)} | ${(first.cpu_ms / 1000).toFixed(1)} | ${first.steps.length} (${stage.length} staging) | ${Math.round(maxStepCpu)} | ${first.rss0.toFixed(0)} → ${first.peak.toFixed(0)} (+${(first.peak - first.rss0).toFixed(0)}) | ${(same.wall_ms / 1000).toFixed(1)} s / ${Math.round(same.cpu_ms)} ms | ${(changed.wall_ms / 1000).toFixed(1)} s / ${(changed.cpu_ms / 1000).toFixed(1)} s, ${changed.steps.length} steps |`,
    );
    stepRows.push(`${c.id}: ${first.steps.map((s) => `${s.phase}→${s.next} ${Math.round(s.cpu_ms)} ms CPU / ${s.ms} ms`).join("; ")}`);
    stepRows.push(`${c.id}, one record changed: ${changed.steps.map((s) => `${s.phase}→${s.next} ${Math.round(s.cpu_ms)} ms CPU / ${s.ms} ms`).join("; ")}`);
  }
} finally {
  stop();
  await lists.close();
  rmSync(state, { recursive: true, force: true });
}

console.log("Command: npm run bench:lists");
console.log(`Date: ${new Date().toISOString()}`);
console.log(`Machine: ${machine()}; workerd processes measured: ${workerds.length}`);
console.log("");
console.log("| list | entities | names | wall s | workerd CPU s | steps | max CPU per step ms | workerd RSS MB (before → peak) | same bytes again (wall / CPU) | one record changed (wall / CPU) |");
console.log("|---|---:|---:|---:|---:|---|---:|---|---|---|");
for (const r of rows) console.log(r);
console.log("");
console.log("Steps (phase → next, workerd CPU / wall per alarm invocation):");
for (const s of stepRows) console.log(`- ${s}`);
