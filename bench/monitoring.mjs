#!/usr/bin/env node
// Ongoing monitoring at size, end to end through `wrangler dev` (contract §17 targets):
//  1. every list of ../shared/lists loaded through the admin plane (OFAC SDN and
//     consolidated, UN: real; CGU/MTE: synthetic; EU and UK: the samples of
//     test/fixtures/lists, which the folder lacks);
//  2. an import of BENCH_SUBJECTS customers (default 100,000; a generated CSV),
//     timed from the POST to `completed` — every row enrolled AND screened;
//  3. a new UN version that designates 20 of them (the real file + 20 records, a
//     later dateGenerated), timed from the moment it serves to the 20th alert,
//     then watched BENCH_QUIET_S more seconds for any other alert;
//  4. memory: each Worker's isolate (the API, and kycert-edge-engine where the
//     matching runs) sampled through workerd's inspector (V8 heap used and
//     committed) every 250 ms, and the workerd process's RSS from /proc.
//
//   npm run bench:monitoring        (BENCH_SUBJECTS=10000 for a quick run; BENCH_FULL_LISTS=1 for
//                                    lists of today's size; BENCH_LOG, BENCH_QUIET_S, BENCH_LIVE_HEAP_MS)
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { DatabaseSync } from "node:sqlite";
import { dirname, join } from "node:path";
import { cpuMs, freePort, machine, root, rssMb, sleep, workerdsUnder } from "./lib.mjs";
import { customerBase, designations, withDesignations } from "../scripts/monitoring-fixtures.mjs";
import { DEFAULT_LISTS_DIR, startListServer, varArgs } from "../scripts/serve-lists.mjs";

const N = Number(process.env.BENCH_SUBJECTS ?? 100_000);
const QUIET_S = Number(process.env.BENCH_QUIET_S ?? 20);
/** How often each isolate's live heap is measured after a forced collection (0: never; it costs the isolate a full GC). */
const LIVE_EVERY_MS = Number(process.env.BENCH_LIVE_HEAP_MS ?? 2000);
const SHARED = join(root, "..", "shared", "lists");

// ---- inputs: the shared lists, with a UN file we can change -------------------------
const folder = mkdtempSync(join(tmpdir(), "kycert-bench-monitoring-"));
for (const d of readdirSync(SHARED)) {
  if (d === "README.md") continue;
  mkdirSync(join(folder, d), { recursive: true });
  for (const f of readdirSync(join(SHARED, d))) writeFileSync(join(folder, d, f), readFileSync(join(SHARED, d, f)));
}
// BENCH_FULL_LISTS=1: today's sizes where the folder's files are smaller — the synthetic OFAC SDN (20k entries,
// 30k aliases), CGU PEP (70k rows) and EU FSF (6,000 subjects) of bench/lists-synthetic.ts (as bench:lists).
const FULL_LISTS = process.env.BENCH_FULL_LISTS === "1";
if (FULL_LISTS) {
  const synthetic = join(root, "bench", "out", "lists-ingest");
  execFileSync(join(root, "node_modules", ".bin", "tsx"), [join(root, "bench", "lists-synthetic.ts"), synthetic], { stdio: "inherit" });
  rmSync(join(folder, "ofac-sdn"), { recursive: true, force: true });
  for (const [from, to] of [
    ["ofac-sdn/SDN.CSV", "ofac-sdn/sdn.csv"],
    ["ofac-sdn/ALT.CSV", "ofac-sdn/alt.csv"],
    ["ofac-sdn/ADD.CSV", "ofac-sdn/add.csv"],
    ["ofac-sdn/SDN_COMMENTS.CSV", "ofac-sdn/sdn_comments.csv"],
    ["br/pep.zip", "br/pep.zip"],
    ["eu/eu-fsf.xml", "eu/eu-fsf.xml"],
  ]) {
    mkdirSync(dirname(join(folder, to)), { recursive: true });
    writeFileSync(join(folder, to), readFileSync(join(synthetic, from)));
  }
}
const unFile = join(folder, "un", "consolidated.xml");
const unOriginal = readFileSync(unFile, "utf8");
const base = customerBase(N);

// ---- /proc and the inspector ------------------------------------------------------------
/** Ports a process listens on (loopback TCP), from /proc/net/tcp and its socket inodes. */
function listeningPorts(pid) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /socket:\[(\d+)\]/.exec(execFileSync("readlink", [`/proc/${pid}/fd/${fd}`], { encoding: "utf8" }));
      if (m) inodes.add(m[1]);
    } catch {}
  }
  const ports = [];
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[3] === "0A" && inodes.has(f[9])) ports.push(parseInt(f[1].split(":")[1], 16));
  }
  return ports;
}

/** Inspector sessions on every Worker isolate of the workerds that run them (each inspector port): name → getHeapUsage(). */
async function isolates(workerds) {
  const out = {};
  for (const pid of workerds) {
    for (const port of listeningPorts(pid)) {
      let targets;
      try {
        targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
      } catch {
        continue;
      }
      if (!Array.isArray(targets)) continue;
      for (const t of targets.filter((t) => /^core:user:kycert-edge/.test(t.id ?? "") && !out[t.id.replace(/^core:user:/, "")])) {
        out[t.id.replace(/^core:user:/, "")] = await inspectorProbe(t.webSocketDebuggerUrl ?? `ws://127.0.0.1:${port}/${t.id}`, t.id);
      }
    }
  }
  return out;
}

/**
 * A heap probe on one isolate. workerd keeps one inspector session per isolate:
 * a newer one (wrangler's own, which it opens when it first logs from a Worker)
 * closes ours, so a closed session is opened again (at most 20 times). workerd
 * answers a message when it next takes the isolate, which may be seconds later:
 * every answer is a sample, whenever it comes; one question is out at a time.
 */
async function inspectorProbe(wsUrl, id) {
  const probe = { seq: 0, askedAt: 0, reopened: 0, ws: null, closing: false, liveId: 0, liveAt: 0, onSample: () => {}, onLive: () => {} };
  const open = async () => {
    const ws = new WebSocket(wsUrl);
    await new Promise((ok, ko) => ((ws.onopen = ok), (ws.onerror = ko)));
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.id === probe.liveId - 1 && m.error) probe.gcFailed = m.error.message ?? "error";
      if (!m.result || m.result.usedSize === undefined) return;
      probe.askedAt = 0;
      if (m.id === probe.liveId) {
        if (!probe.gcFailed) probe.onLive(m.result);
      }
      else probe.onSample(m.result);
    };
    ws.onclose = () => {
      if (probe.closing || probe.reopened >= 20) return;
      probe.reopened++;
      probe.askedAt = 0;
      sleep(1000).then(() => open().catch(() => undefined));
    };
    probe.ws = ws;
  };
  await open();
  probe.ask = () => {
    if (probe.askedAt && Date.now() - probe.askedAt < 5000) return;
    if (probe.ws.readyState !== WebSocket.OPEN) return;
    probe.askedAt = Date.now();
    // Every LIVE_EVERY_MS, the heap right after a full collection (HeapProfiler.collectGarbage): the live set,
    // which is what the isolate needs; between collections V8 lets garbage pile up as long as the heap has room.
    if (LIVE_EVERY_MS > 0 && Date.now() - probe.liveAt >= LIVE_EVERY_MS) {
      probe.liveAt = Date.now();
      probe.ws.send(JSON.stringify({ id: ++probe.seq, method: "HeapProfiler.collectGarbage" }));
      probe.liveId = probe.seq + 1;
    }
    probe.ws.send(JSON.stringify({ id: ++probe.seq, method: "Runtime.getHeapUsage" }));
  };
  probe.close = () => {
    probe.closing = true;
    probe.ws.close();
  };
  return probe;
}

// ---- the server ---------------------------------------------------------------------------
const lists = await startListServer({ dir: folder, port: 0, fallback: DEFAULT_LISTS_DIR });
const port = String(await freePort());
const state = mkdtempSync(join(tmpdir(), "kycert-bench-monitoring-state-"));
const child = spawn(process.execPath, [join(root, "scripts", "dev.mjs"), "--", ...varArgs(lists.vars), "--inspector-port", String(await freePort())], {
  cwd: root,
  env: { ...process.env, PORT: port, DEV_STATE_DIR: state },
  stdio: ["ignore", "pipe", "pipe"],
  detached: true,
});
// The whole server log goes to a file (BENCH_LOG, default in the temp dir): the queue consumers' errors are only there.
const logFile = process.env.BENCH_LOG ?? join(tmpdir(), `kycert-bench-monitoring-${process.pid}.log`);
const logSink = createWriteStream(logFile);
let log = "";
const onLog = (d) => {
  log = (log + d).slice(-200_000);
  logSink.write(d);
};
child.stdout.on("data", onLog);
child.stderr.on("data", onLog);
console.error(`server log: ${logFile}`);
const url = `http://127.0.0.1:${port}`;
const stop = async () => {
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {}
  await lists.close();
  await sleep(500);
  rmSync(state, { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
};
const fail = async (msg) => {
  console.error(`bench monitoring FAILED: ${msg}\n--- server log ---\n${log.slice(-4000)}`);
  await stop();
  process.exit(1);
};
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => fail(`interrupted (${sig})`));
const progress = (msg) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);
for (const deadline = Date.now() + 120_000; ; ) {
  if (Date.now() > deadline) await fail("server not ready");
  try {
    if ((await fetch(`${url}/health`)).ok) break;
  } catch {}
  await sleep(300);
}
const ADMIN = /admin token\s+(\S+)/.exec(log)[1];
const KEY = JSON.parse(readFileSync(join(state, "dev-credentials.json"), "utf8")).api_key;
const admin = { Authorization: `Bearer ${ADMIN}` };
const api = { "X-API-Key": KEY };
const get = async (path, headers) => (await fetch(`${url}${path}`, { headers })).json();

const workerds = workerdsUnder(child.pid);
const probes = await isolates(workerds);
if (Object.keys(probes).length === 0) await fail("no Worker isolate found through workerd's inspector");
progress(`isolates sampled: ${Object.keys(probes).join(", ")} (workerd pids ${workerds.join(", ")})`);
/** CPU seconds (user + system) the workerd processes used so far: the Workers, local D1, R2 and the queues. */
const cpuS = () => workerds.reduce((n, pid) => n + cpuMs(pid) / 1000, 0);
const load = () => loadavg().map((x) => x.toFixed(2)).join(" / ");
/** Bytes of the local D1 file's tables and indexes (SQLite's dbstat), by name. */
function d1Bytes() {
  const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  const db = new DatabaseSync(join(dir, file), { readOnly: true });
  try {
    const rows = db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name").all();
    const indexes = db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'").all();
    const tableOf = new Map(indexes.map((i) => [i.name, i.tbl_name]));
    return { rows, tableOf, total: rows.reduce((n, r) => n + Number(r.bytes), 0), pageCount: db.prepare("PRAGMA page_count").get().page_count, pageSize: db.prepare("PRAGMA page_size").get().page_size };
  } finally {
    db.close();
  }
}
const peak = { rss: 0, heap: {}, samples: 0 };
let sampling = true;
for (const [name, p] of Object.entries(probes)) {
  p.onLive = (h) => {
    const cur = peak.heap[name] ?? { used: 0, total: 0 };
    peak.heap[name] = { ...cur, live: Math.max(cur.live ?? 0, h.usedSize / 2 ** 20), lives: (cur.lives ?? 0) + 1 };
  };
  p.onSample = (h) => {
    const cur = peak.heap[name] ?? { used: 0, total: 0 };
    peak.heap[name] = {
      used: Math.max(cur.used, h.usedSize / 2 ** 20),
      total: Math.max(cur.total, h.totalSize / 2 ** 20),
      samples: (cur.samples ?? 0) + 1,
      live: cur.live ?? 0,
      lives: cur.lives ?? 0,
    };
  };
}
const sampler = (async () => {
  while (sampling) {
    for (const pid of workerds) peak.rss = Math.max(peak.rss, rssMb(pid));
    for (const p of Object.values(probes)) p.ask();
    await sleep(250);
  }
})();
const phasePeak = () => JSON.parse(JSON.stringify(peak));
const rssNow = () => workerds.reduce((m, pid) => Math.max(m, rssMb(pid)), 0);
const resetPeak = () => {
  peak.rss = 0;
  peak.heap = {};
  return rssNow();
};

try {
  // 1. Every list.
  const ids = Object.keys(lists.vars).map((k) => k.replace("LIST_URL_", "").toLowerCase());
  for (const id of ids) await fetch(`${url}/admin/v1/lists/${id}/refresh`, { method: "POST", headers: admin });
  let listed;
  for (const deadline = Date.now() + 300_000; ; ) {
    listed = (await get("/admin/v1/lists", admin)).data;
    if (listed.every((l) => l.version && !l.loading_since)) break;
    if (listed.some((l) => l.status === "error")) await fail(`a list failed: ${JSON.stringify(listed.filter((l) => l.status === "error"))}`);
    if (Date.now() > deadline) await fail("lists not loaded in 300 s");
    await sleep(500);
  }
  const entities = listed.reduce((n, l) => n + l.version.entities, 0);
  progress(`lists loaded: ${entities} entities`);
  await sleep(5000); // the first versions' re-screens (no subject yet) settle
  const rssBeforeImport = resetPeak();

  // 2. The import.
  const loadBeforeImport = load();
  const cpuBeforeImport = cpuS();
  const t0 = Date.now();
  const created = await (await fetch(`${url}/api/v1/monitoring/imports`, { method: "POST", headers: { ...api, "content-type": "text/csv" }, body: base.csv })).json();
  const posted = Date.now() - t0;
  progress(`import posted in ${posted} ms: ${JSON.stringify(created).slice(0, 200)}`);
  let imp;
  for (let tick = 0; ; tick++) {
    imp = await get(`/api/v1/monitoring/imports/${created.id}`, api);
    if (imp.status !== "processing") break;
    if (tick % 15 === 0) progress(`import: ${JSON.stringify(imp)}`);
    if (Date.now() - t0 > 1_800_000) await fail(`import not done in 30 min: ${JSON.stringify(imp)}`);
    await sleep(1000);
  }
  const importS = (Date.now() - t0) / 1000;
  const importCpu = cpuS() - cpuBeforeImport;
  const loadAfterImport = load();
  if (imp.status !== "completed" || imp.rows_enrolled !== N) await fail(`import: ${JSON.stringify(imp)}`);
  const importPeak = phasePeak();
  progress(`import done in ${importS} s; heap peaks ${JSON.stringify(importPeak)}`);
  const firstAlerts = imp.alerts_opened;
  await sleep(3000);
  const d1 = d1Bytes();
  const rssBeforeRescreen = resetPeak();
  const loadBeforeRescreen = load();
  const cpuBeforeRescreen = cpuS();

  // 3. A UN version designating 20 of them.
  const chosen = Array.from({ length: 20 }, (_, i) => base.rows[Math.floor(((i + 0.5) * N) / 20)]);
  writeFileSync(unFile, withDesignations(unOriginal, designations(chosen), "2026-11-30T12:00:00.000Z"));
  const before = (await get("/admin/v1/lists/un_sc", admin)).version.sha256;
  await fetch(`${url}/admin/v1/lists/un_sc/refresh`, { method: "POST", headers: admin });
  let current;
  for (;;) {
    const l = await get("/admin/v1/lists/un_sc", admin);
    if (l.version.sha256 !== before) {
      current = Date.now();
      break;
    }
    if (l.last_error) await fail(`UN refresh: ${JSON.stringify(l.last_error)}`);
    await sleep(50);
  }
  const since = new Date(current - 60_000).toISOString();
  /** Every alert opened since the UN refresh (any list, any kind): newest first, page after page. */
  const alertsSince = async () => {
    const out = [];
    for (let cursor = ""; ; ) {
      const page = await get(`/api/v1/monitoring/alerts?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, api);
      const fresh = page.data.filter((a) => a.created_at >= since);
      out.push(...fresh);
      if (!page.has_more || fresh.length < page.data.length) return out;
      cursor = page.next_cursor;
    }
  };
  const alertsNow = async () => (await alertsSince()).filter((a) => a.list === "un_sc" && a.kind === "match_created");
  progress("UN version serving; waiting for the alerts");
  let twenty;
  for (;;) {
    const a = await alertsNow();
    if (a.length >= 20) {
      twenty = (Date.now() - current) / 1000;
      break;
    }
    if (Date.now() - current > 300_000) await fail(`only ${a.length} alerts after 300 s`);
    await sleep(100);
  }
  const rescreenCpuAt20 = cpuS() - cpuBeforeRescreen;
  await sleep(QUIET_S * 1000);
  const rescreenCpu = cpuS() - cpuBeforeRescreen;
  const loadAfterRescreen = load();
  const alerts = await alertsSince();
  // The server's own clock: the version's became_current_at → the last of the 20 alerts' created_at.
  const newest = (await get("/admin/v1/lists/un_sc/versions", admin)).data[0];
  const twentyAt = alerts.filter((a) => a.list === "un_sc" && a.kind === "match_created").map((a) => Date.parse(a.created_at)).sort((a, b) => a - b)[19];
  const serverTwenty = (twentyAt - Date.parse(newest.became_current_at)) / 1000;
  const externalOf = new Map();
  for (const a of alerts) externalOf.set(a.id, (await get(`/api/v1/monitoring/subjects/${a.subject_id}`, api)).external_id);
  const expected = new Set(chosen.map((c) => c.external_id));
  const others = alerts.filter((a) => !expected.has(externalOf.get(a.id)));
  const rescreenPeak = phasePeak();
  sampling = false;
  await sampler;

  const mb = (x) => x.toFixed(1);
  /** monitored_subjects and its indexes, the other monitoring tables, everything else. */
  const d1Table = (d) => {
    const owner = (name) => d.tableOf.get(name) ?? name;
    const groups = new Map();
    for (const r of d.rows) {
      const t = owner(r.name);
      const key = t === "monitored_subjects" ? r.name : t.startsWith("monitoring_") ? t : "(the rest: lists, runs, cases …)";
      groups.set(key, (groups.get(key) ?? 0) + Number(r.bytes));
    }
    const subjects = [...groups].filter(([k]) => k === "monitored_subjects" || d.tableOf.get(k) === "monitored_subjects").reduce((n, [, b]) => n + b, 0);
    return [
      "| table / index | bytes | bytes per subject |",
      "|---|---:|---:|",
      ...[...groups].sort((a, b) => b[1] - a[1]).map(([k, b]) => `| ${k} | ${b.toLocaleString("en")} | ${(b / N).toFixed(0)} |`),
      `| **monitored_subjects with its indexes** | **${subjects.toLocaleString("en")}** | **${(subjects / N).toFixed(0)}** |`,
    ].join("\n");
  };
  const heapLine = (p) =>
    Object.entries(p.heap)
      .map(([k, v]) => `${k} ${mb(v.used)} used / ${mb(v.total)} committed (${v.samples} samples), ${mb(v.live ?? 0)} live after a full GC (${v.lives ?? 0} samples)`)
      .join("; ") || "no sample answered";
  console.log(`
Command: npm run bench:monitoring${process.env.BENCH_SUBJECTS ? ` (BENCH_SUBJECTS=${N})` : ""}${FULL_LISTS ? " (BENCH_FULL_LISTS=1)" : ""}
Date: ${new Date().toISOString()}
Machine: ${machine()}
Lists: ${listed.map((l) => `${l.id} ${l.version.entities}`).join(", ")} (${entities} entities)

| measure | result | target |
|---|---|---|
| import of ${N.toLocaleString("en")} customers, POST (file to R2, rows counted) | ${(posted / 1000).toFixed(1)} s | |
| import, POST → completed (every row enrolled and first-screened) | ${importS.toFixed(1)} s (${Math.round(N / importS)} customers/s) | ≤ 300 s |
| alerts at the first screening | ${firstAlerts} | |
| workerd CPU (user + system) for the import, and per customer | ${importCpu.toFixed(1)} s (${((importCpu * 1000) / N).toFixed(2)} ms) | |
| new UN version designating 20 customers: serving (seen by polling) → 20th alert | ${twenty.toFixed(1)} s | ≤ 60 s |
| same, server clock: version's became_current_at → 20th alert's created_at | ${serverTwenty.toFixed(1)} s | ≤ 60 s |
| workerd CPU for the re-screen (refresh → 20th alert; to the end of the watch) | ${rescreenCpuAt20.toFixed(1)} s; ${rescreenCpu.toFixed(1)} s | |
| other alerts in that re-screen (watched ${QUIET_S} s more) | ${others.length} | 0 |
| peak V8 heap per isolate, import | ${heapLine(importPeak)} | ≤ 100 MB |
| peak V8 heap per isolate, re-screen | ${heapLine(rescreenPeak)} | ≤ 100 MB |
| RSS of the workerd process (every Worker, local D1, R2, queues): before → peak, import | ${mb(rssBeforeImport)} → ${mb(importPeak.rss)} MB (+${mb(importPeak.rss - rssBeforeImport)}) | |
| same, re-screen | ${mb(rssBeforeRescreen)} → ${mb(rescreenPeak.rss)} MB (+${mb(rescreenPeak.rss - rssBeforeRescreen)}) | |
| load average (1 / 5 / 15 min): before → after the import | ${loadBeforeImport} → ${loadAfterImport} | |
| same, before → after the re-screen | ${loadBeforeRescreen} → ${loadAfterRescreen} | |

Local D1 after the import (SQLite dbstat; file ${((d1.pageCount * d1.pageSize) / 2 ** 20).toFixed(1)} MiB, ${d1.pageSize}-byte pages):
${d1Table(d1)}
`);
  console.log(`Inspector sessions reopened (closed by a newer one): ${Object.entries(probes).map(([k, p]) => `${k} ${p.reopened}${p.gcFailed ? ` (collectGarbage refused: ${p.gcFailed})` : ""}`).join(", ")}`);
  if (others.length > 0) console.log(`other alerts: ${JSON.stringify(others.slice(0, 5))}`);
  for (const p of Object.values(probes)) p.close();
} finally {
  await stop();
}
