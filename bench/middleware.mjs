#!/usr/bin/env node
// Issue 5 benchmark: what the /api/v1 middleware (API-key auth + rate limit)
// costs on GET /api/v1/bureau/runs/{id} of one terminal run.
//
// Method: one local state with one terminal run, copied three times, and three
// `wrangler dev` servers on those copies (same run id, same stored body):
//   full  src/index.ts — version → API-key auth (HMAC + D1 lookup) → rate limit
//         (one RPC to the key's RateLimiter DO, which writes its count) → handler
//   auth  bench/middleware-entry.ts with BENCH_MIDDLEWARE=auth: the same, without rate limiting
//   none  bench/middleware-entry.ts with BENCH_MIDDLEWARE=none: a fixed identity,
//         neither auth nor rate limiting; the handler still reads the run from D1
// The handler and its D1 read are the same in all three, so the differences are
// the middleware. Measured in interleaved rounds (the order rotates each round),
// both sequentially (one request at a time: latency without queueing, timed with
// performance.now) and under autocannon (BENCH_CONNECTIONS concurrent). The rate
// limit is raised (RATE_LIMIT_PER_MINUTE=1e9) so it counts every request but
// never refuses. GET /health (no middleware, no storage) is the floor.
// Run: npm run bench:middleware   (prints a markdown block for bench/README.md)
import autocannon from "autocannon";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { machine, median, sleep, startDev } from "./lib.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 300);
const VARS = ["--var", "RATE_LIMIT_PER_MINUTE:1000000000", "--var", "SANDBOX_LATENCY_FACTOR:0"];
// Before the --var flags: yargs would read a later positional as one more --var value.
const ENTRY = "bench/middleware-entry.ts";

const VARIANTS = {
  full: { label: "full middleware (auth + rate limit)", args: VARS },
  auth: { label: "auth only", args: [ENTRY, ...VARS, "--var", "BENCH_MIDDLEWARE:auth"] },
  none: { label: "no auth, no rate limit", args: [ENTRY, ...VARS, "--var", "BENCH_MIDDLEWARE:none"] },
};

const work = mkdtempSync(join(tmpdir(), "kycert-bench-mw-"));
const stateOf = (name) => join(work, name);
const servers = {};

const load = (opts) =>
  new Promise((ok, ko) => autocannon({ duration: SECONDS, connections: CONNECTIONS, ...opts }, (err, r) => (err ? ko(err) : ok(r))));

async function sequential(url, headers, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  }
  return times;
}

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x) => x.toFixed(2);

try {
  // 1. One state with one terminal run.
  const seed = await startDev(VARS, {}, { stateDir: stateOf("full") });
  const headers = { "X-API-Key": seed.key };
  const created = await fetch(`${seed.base}/api/v1/bureau/runs`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" } }),
  });
  if (created.status !== 202) throw new Error(`create: ${created.status} ${await created.text()}`);
  const runId = (await created.json()).run_id;
  for (;;) {
    const res = await fetch(`${seed.base}/api/v1/bureau/runs/${runId}`, { headers });
    if (res.status === 200) break;
    await sleep(50);
  }
  await seed.stop();
  await sleep(500);
  cpSync(stateOf("full"), stateOf("auth"), { recursive: true });
  cpSync(stateOf("full"), stateOf("none"), { recursive: true });

  // 2. Three servers on copies of that state.
  for (const [name, v] of Object.entries(VARIANTS)) servers[name] = await startDev(v.args, {}, { stateDir: stateOf(name) });
  const url = (name) => `${servers[name].base}/api/v1/bureau/runs/${runId}`;

  // Same body everywhere; only the full server answers with rate-limit headers.
  const bodies = {};
  for (const name of Object.keys(VARIANTS)) {
    const res = await fetch(url(name), { headers });
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${await res.text()}`);
    if ((res.headers.get("x-ratelimit-limit") !== null) !== (name === "full")) throw new Error(`${name}: unexpected rate-limit headers`);
    bodies[name] = await res.text();
  }
  if (bodies.full !== bodies.auth || bodies.full !== bodies.none) throw new Error("the three servers answer different bodies");

  // 3. Interleaved rounds.
  const names = Object.keys(VARIANTS);
  const results = Object.fromEntries([...names, "health"].map((n) => [n, { seq: [], p50: [], p99: [], rps: [], non2xx: 0, total: 0 }]));
  for (const name of names) await sequential(url(name), headers, 50); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    for (const name of order) {
      results[name].seq.push(...(await sequential(url(name), headers, SEQUENTIAL)));
      const r = await load({ url: url(name), headers });
      results[name].p50.push(r.latency.p50);
      results[name].p99.push(r.latency.p99);
      results[name].rps.push(r.requests.average);
      results[name].non2xx += r.non2xx;
      results[name].total += r.requests.total;
    }
    const health = `${servers.full.base}/health`;
    results.health.seq.push(...(await sequential(health, {}, SEQUENTIAL)));
    const h = await load({ url: health });
    results.health.p50.push(h.latency.p50);
    results.health.p99.push(h.latency.p99);
    results.health.rps.push(h.requests.average);
    results.health.non2xx += h.non2xx;
    results.health.total += h.requests.total;
  }

  const seqP50 = (n) => median(results[n].seq);
  const row = (n, label) => {
    const r = results[n];
    return `| ${label} | ${ms(seqP50(n))} | ${ms(pct(r.seq, 90))} | ${median(r.p50)} | ${median(r.p99)} | ${Math.round(median(r.rps))} | ${r.total} | ${r.non2xx} |`;
  };
  const delta = (a, b) => `${ms(seqP50(a) - seqP50(b))} ms sequential p50, ${median(results[a].p50) - median(results[b].p50)} ms p50 at ${CONNECTIONS} connections`;
  console.log(`
Command: npm run bench:middleware (BENCH_SECONDS=${SECONDS}, BENCH_CONNECTIONS=${CONNECTIONS}, BENCH_ROUNDS=${ROUNDS}, BENCH_SEQUENTIAL=${SEQUENTIAL})
Date: ${new Date().toISOString()}
Machine: ${machine()}

| variant | sequential p50 ms | sequential p90 ms | p50 ms (c=${CONNECTIONS}) | p99 ms (c=${CONNECTIONS}) | req/s (c=${CONNECTIONS}) | requests | non-2xx |
|---|---|---|---|---|---|---|---|
${row("full", `GET /runs/{id}: ${VARIANTS.full.label}`)}
${row("auth", `GET /runs/{id}: ${VARIANTS.auth.label}`)}
${row("none", `GET /runs/{id}: ${VARIANTS.none.label}`)}
${row("health", "GET /health (floor: no middleware, no storage)")}

Overhead on the same run:
- auth + rate limit (full − none): ${delta("full", "none")}
- rate limit alone (full − auth): ${delta("full", "auth")}
- auth alone (auth − none): ${delta("auth", "none")}
`);
} finally {
  for (const s of Object.values(servers)) await s.stop();
  rmSync(work, { recursive: true, force: true });
}
