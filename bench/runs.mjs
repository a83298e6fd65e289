#!/usr/bin/env node
// Issue 2 benchmark: `wrangler dev` on loopback with SANDBOX_LATENCY_FACTOR=0.1.
//  1. POST /runs and GET /runs/{id} under a bounded autocannon load (p50/p99, req/s);
//  2. end-to-end run time (server timestamps completed_at − created_at) against the
//     template's physical minimum (Σ critical latencies + slowest parallel source) × 0.1.
// Run: npm run bench:runs   (prints a markdown block for bench/README.md)
import autocannon from "autocannon";
import { machine, median, sleep, startDev } from "./lib.mjs";

const FACTOR = 0.1;
// tpl_pf_padrao: critical 800+1500+4×300 = 3500 ms, slowest parallel 1500 ms.
const PF_MIN_MS = (3500 + 1500) * FACTOR;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

// The per-key rate limit is raised so the load measures the endpoints, not 429s.
const dev = await startDev(["--var", `SANDBOX_LATENCY_FACTOR:${FACTOR}`, "--var", "RATE_LIMIT_PER_MINUTE:1000000000"]);
const headers = { "X-API-Key": dev.key, "content-type": "application/json" };
const runBody = JSON.stringify({ template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" } });

async function create() {
  const res = await fetch(`${dev.base}/api/v1/bureau/runs`, { method: "POST", headers, body: runBody });
  if (res.status !== 202) throw new Error(`create: ${res.status} ${await res.text()}`);
  return (await res.json()).run_id;
}

async function waitDone(id) {
  for (;;) {
    const res = await fetch(`${dev.base}/api/v1/bureau/runs/${id}`, { headers });
    if (res.status === 200) return res.json();
    await sleep(50);
  }
}

/** Waits until no run of the dev tenant is still executing (at most 3 minutes). */
async function drained() {
  const deadline = Date.now() + 180_000;
  for (;;) {
    let busy = false;
    for (const status of ["queued", "running", "em_analise"]) {
      const res = await fetch(`${dev.base}/api/v1/bureau/runs?status=${status}&limit=1`, { headers });
      busy ||= (await res.json()).data.length > 0;
    }
    if (!busy || Date.now() > deadline) return;
    await sleep(500);
  }
}

const load = (opts) =>
  new Promise((ok, ko) =>
    autocannon({ duration: DURATION_S, connections: CONNECTIONS, ...opts }, (err, r) => (err ? ko(err) : ok(r))),
  );

try {
  // Warm up the isolate and the D1/DO paths.
  await waitDone(await create());

  // End-to-end run time, sequential, median of 15.
  const e2e = [];
  for (let i = 0; i < 15; i++) {
    const run = await waitDone(await create());
    e2e.push(Date.parse(run.completed_at) - Date.parse(run.created_at));
  }
  const e2eMedian = median(e2e);

  const doneId = await create();
  await waitDone(doneId);
  const get = await load({ url: `${dev.base}/api/v1/bureau/runs/${doneId}`, headers });
  const post = await load({ url: `${dev.base}/api/v1/bureau/runs`, method: "POST", headers, body: runBody });
  // One connection right after: the ~200 runs the 10-connection load started are still executing.
  const postBacklog = await load({ url: `${dev.base}/api/v1/bureau/runs`, method: "POST", headers, body: runBody, connections: 1 });
  // One connection once those have finished: the request's own latency, with the runs it starts itself
  // executing in the background (each POST starts one).
  await drained();
  const postSolo = await load({ url: `${dev.base}/api/v1/bureau/runs`, method: "POST", headers, body: runBody, connections: 1 });

  const row = (name, r) =>
    `| ${name} | ${r.latency.p50} | ${r.latency.p99} | ${Math.round(r.requests.average)} | ${r.requests.total} | ${r.non2xx} |`;
  console.log(`
Command: npm run bench:runs (BENCH_SECONDS=${DURATION_S}, BENCH_CONNECTIONS=${CONNECTIONS})
Date: ${new Date().toISOString()}
Machine: ${machine()}

| endpoint | p50 ms | p99 ms | req/s | requests | non-2xx |
|---|---|---|---|---|---|
${row(`POST /api/v1/bureau/runs (${CONNECTIONS} connections)`, post)}
${row("POST /api/v1/bureau/runs (1 connection, right after the 10-connection load)", postBacklog)}
${row("POST /api/v1/bureau/runs (1 connection, once that load's runs finished)", postSolo)}
${row("GET /api/v1/bureau/runs/{id} (terminal)", get)}

End-to-end PF run (tpl_pf_padrao, SANDBOX_LATENCY_FACTOR=${FACTOR}), 15 sequential runs:
- physical minimum: ${PF_MIN_MS} ms (Σ critical typical + slowest parallel, × ${FACTOR})
- measured median: ${e2eMedian} ms (min ${Math.min(...e2e)}, max ${Math.max(...e2e)})
- ratio: ${(e2eMedian / PF_MIN_MS).toFixed(3)} (target ≤ 1.25)
`);
} finally {
  dev.stop();
}
