#!/usr/bin/env node
// POST /runs at one connection in `wrangler dev`, and where its time goes (issue 11:
// local p50 ≤ 25 ms, p99 ≤ 100 ms "with runs executing in the background").
// Two servers, one after the other:
//  - runs executing: SANDBOX_LATENCY_FACTOR=0.1, each POST's run executes at once
//    (~0.5 s) while the next POSTs arrive, on the same local JavaScript thread;
//  - runs idle: SANDBOX_LATENCY_FACTOR=100, each run is started (its object written,
//    its alarm fired) but its sources answer only minutes later.
// Per server: N sequential POSTs after a warm-up; latency p50/p99 as the client sees
// it, and the CPU time of the server's processes (/proc utime + stime of wrangler and
// workerd) per POST, during the loop and including the runs' tail afterwards.
//   npm run bench:post-local    (BENCH_POSTS=200)
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { machine, sleep, startDev } from "./lib.mjs";

const N = Number(process.env.BENCH_POSTS ?? 200);
const body = JSON.stringify({ template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" } });

/** CPU ms of every process in the server's process group. */
function groupCpuMs(pgid) {
  const pids = execFileSync("ps", ["-o", "pid=", "-g", String(pgid)], { encoding: "utf8" }).trim().split(/\s+/).filter(Boolean);
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(f[11]) + Number(f[12]);
    } catch {}
  }
  return ticks * 10; // USER_HZ = 100
}

async function measure(factor) {
  const dev = await startDev(["--var", `SANDBOX_LATENCY_FACTOR:${factor}`, "--var", "RATE_LIMIT_PER_MINUTE:1000000000"]);
  try {
    const headers = { "X-API-Key": dev.key, "content-type": "application/json" };
    const post = async () => {
      const t = performance.now();
      const res = await fetch(`${dev.base}/api/v1/bureau/runs`, { method: "POST", headers, body });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`POST ${res.status}`);
      return performance.now() - t;
    };
    for (let i = 0; i < 20; i++) await post();
    await sleep(3000);
    const cpu0 = groupCpuMs(dev.pgid);
    const lat = [];
    for (let i = 0; i < N; i++) lat.push(await post());
    const cpu1 = groupCpuMs(dev.pgid);
    // The last runs finish (factor 0.1: ~0.5 s each).
    await sleep(5000);
    const cpu2 = groupCpuMs(dev.pgid);
    lat.sort((a, b) => a - b);
    return {
      factor,
      p50: lat[Math.floor(N * 0.5)],
      p99: lat[Math.floor(N * 0.99)],
      cpuDuring: (cpu1 - cpu0) / N,
      cpuWithTail: (cpu2 - cpu0) / N,
    };
  } finally {
    await dev.stop();
  }
}

const executing = await measure("0.1");
const idle = await measure("100");
const f1 = (n) => n.toFixed(1);
console.log(`
Command: npm run bench:post-local (BENCH_POSTS=${N})
Date: ${new Date().toISOString()}
Machine: ${machine()}

| POST /runs, 1 connection, ${N} sequential | p50 ms | p99 ms | server CPU per POST, ms (loop) | incl. the runs' tail |
|---|---:|---:|---:|---:|
| runs executing (SANDBOX_LATENCY_FACTOR=0.1) | ${f1(executing.p50)} | ${f1(executing.p99)} | ${f1(executing.cpuDuring)} | ${f1(executing.cpuWithTail)} |
| runs started, idle (SANDBOX_LATENCY_FACTOR=100) | ${f1(idle.p50)} | ${f1(idle.p99)} | ${f1(idle.cpuDuring)} | ${f1(idle.cpuWithTail)} |
`);
