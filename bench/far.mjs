#!/usr/bin/env node
// Issue 11 benchmark: the API as a caller far from the D1 primary sees it.
//
// Runs `wrangler dev bench/far-entry.ts`: the real app whose bindings wait the
// far-caller model's round trips (bench/far-env.ts: D1 primary 100 ms, replica
// 5 ms, Durable Object near 2 ms / far 100 ms, KV and Cache API 2 ms, R2 100 ms)
// and count every storage call (returned in X-Bench-Tally). Each request kind
// is sent BENCH_REQUESTS times one after the other, after a warm-up (warm
// caches), timed from here with performance.now(). Runs execute in the
// background as they do in production (SANDBOX_LATENCY_FACTOR=3: a PF run
// takes ~15 s, long enough to poll one that is still running).
// Run: npm run bench:far   (BENCH_LABEL names the column set, e.g. "before")
// Delay overrides: BENCH_D1_PRIMARY_MS, BENCH_D1_REPLICA_MS, BENCH_DO_NEAR_MS,
// BENCH_DO_FAR_MS, BENCH_KV_MS, BENCH_CACHE_MS, BENCH_R2_MS, BENCH_FAR_DO=RATE_LIMITER.
import { performance } from "node:perf_hooks";
import { machine, median, sleep, startDev } from "./lib.mjs";

const N = Number(process.env.BENCH_REQUESTS ?? 50);
const WARM = 3;
const LABEL = process.env.BENCH_LABEL ?? "";
const FACTOR = 3;
const DELAY_VARS = [
  "BENCH_D1_PRIMARY_MS",
  "BENCH_D1_REPLICA_MS",
  "BENCH_DO_NEAR_MS",
  "BENCH_DO_FAR_MS",
  "BENCH_KV_MS",
  "BENCH_CACHE_MS",
  "BENCH_R2_MS",
  "BENCH_FAR_DO",
].flatMap((k) => (process.env[k] !== undefined ? ["--var", `${k}:${process.env[k]}`] : []));

// The entry before the --var flags: yargs would read a later positional as one more --var value.
const dev = await startDev([
  "bench/far-entry.ts",
  "--var",
  "RATE_LIMIT_PER_MINUTE:1000000000",
  "--var",
  `SANDBOX_LATENCY_FACTOR:${FACTOR}`,
  ...DELAY_VARS,
]);
const headers = { "X-API-Key": dev.key };
const json = { ...headers, "content-type": "application/json" };
const runBody = JSON.stringify({ template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" } });
const url = (p) => `${dev.base}/api/v1/bureau${p}`;

async function send(method, path, extra = {}, body) {
  const t0 = performance.now();
  const res = await fetch(url(path), { method, headers: { ...(body ? json : headers), ...extra }, body, redirect: "manual" });
  const text = await res.text();
  const ms = performance.now() - t0;
  const tally = JSON.parse(res.headers.get("x-bench-tally") ?? "null");
  if (!tally) throw new Error(`${method} ${path}: no X-Bench-Tally (${res.status} ${text.slice(0, 200)})`);
  return { status: res.status, text, ms, tally, headers: res.headers };
}

const createRun = async (extra) => {
  const r = await send("POST", "/runs", extra, runBody);
  if (r.status !== 202) throw new Error(`create: ${r.status} ${r.text}`);
  return JSON.parse(r.text).run_id;
};

async function waitDone(id) {
  for (;;) {
    const r = await send("GET", `/runs/${id}`);
    if (r.status === 200) return JSON.parse(r.text);
    await sleep(500);
  }
}

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const rows = [];

/** N sequential requests of one kind after WARM unrecorded ones; `want` is the expected status. */
async function measure(name, want, next, opts = {}) {
  const n = opts.n ?? N;
  for (let i = 0; i < WARM; i++) await next(i);
  const got = [];
  for (let i = 0; i < n; i++) {
    const r = await next(WARM + i);
    if (r.status !== want) {
      if (opts.stopOnOther) break;
      throw new Error(`${name}: ${r.status} ${r.text.slice(0, 200)}`);
    }
    got.push(r);
  }
  const calls = (t) => t.primary + t.replica + t.doNear + t.doFar + t.kv + t.cache + t.r2;
  const seq = got.map((r) => r.tally.primarySequential);
  rows.push({
    name,
    n: got.length,
    seqMedian: median(seq),
    seqMax: Math.max(...seq),
    calls: median(got.map((r) => calls(r.tally))),
    byKind: median(got.map((r) => r.tally.primary)) + " / " + median(got.map((r) => r.tally.replica)) + " / " +
      median(got.map((r) => r.tally.doNear + r.tally.doFar)) + " / " + median(got.map((r) => r.tally.kv)) + " / " +
      median(got.map((r) => r.tally.cache)) + " / " + median(got.map((r) => r.tally.r2)),
    p50: pct(got.map((r) => r.ms), 50),
    p99: pct(got.map((r) => r.ms), 99),
  });
}

try {
  // A run that will be terminal by the time the GETs are measured (~15 s).
  const terminalId = await createRun();

  await measure("POST /runs", 202, () => send("POST", "/runs", {}, runBody));
  await measure("POST /runs, new Idempotency-Key", 202, (i) => send("POST", "/runs", { "Idempotency-Key": `far-${Date.now()}-${i}` }, runBody));
  const replayKey = `far-replay-${Date.now()}`;
  await measure("POST /runs, replayed Idempotency-Key", 202, () => send("POST", "/runs", { "Idempotency-Key": replayKey }, runBody));

  // Polled while it runs (the measure stops if it finishes first).
  const runningId = await createRun();
  await measure("GET /runs/{id}, run not finished", 202, () => send("GET", `/runs/${runningId}`), { stopOnOther: true });

  await waitDone(terminalId);
  const report = await send("POST", `/runs/${terminalId}/report?mode=resumido`);
  if (report.status !== 201 && report.status !== 200) throw new Error(`report: ${report.status} ${report.text}`);
  await measure("GET /runs/{id}, terminal run", 200, () => send("GET", `/runs/${terminalId}`));
  await measure("GET /runs (first page)", 200, () => send("GET", "/runs"));
  await measure("GET /runs/{id}/analysis", 200, () => send("GET", `/runs/${terminalId}/analysis`));
  await measure("GET /runs/{id}/detail", 200, () => send("GET", `/runs/${terminalId}/detail`));
  await measure("GET /runs/{id}/report (signed URL)", 302, () => send("GET", `/runs/${terminalId}/report?mode=resumido`));

  const vars = DELAY_VARS.filter((_, i) => i % 2 === 1).join(", ");
  console.log(`
Command: npm run bench:far${LABEL ? ` (BENCH_LABEL=${LABEL})` : ""} (BENCH_REQUESTS=${N}${vars ? `, ${vars}` : ""})
Date: ${new Date().toISOString()}
Machine: ${machine()}

| request${LABEL ? ` (${LABEL})` : ""} | n | sequential primary trips (median / max) | storage calls (median) | primary / replica / DO / KV / cache / R2 | p50 ms | p99 ms |
|---|---:|---|---:|---|---:|---:|
${rows.map((r) => `| ${r.name} | ${r.n} | ${r.seqMedian} / ${r.seqMax} | ${r.calls} | ${r.byKind} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`).join("\n")}
`);
} finally {
  await dev.stop();
}
