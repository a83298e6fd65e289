#!/usr/bin/env node
// Issue 4 benchmark: live mode through `wrangler dev` against the fake provider
// (scripts/fake-provider.mjs) at the catalogue's typical latencies.
//  1. orchestration overhead: 10 sequential PF runs, measured run time (server
//     timestamps completed_at − created_at) vs the physical minimum = Σ critical
//     latencies + the parallel phase scheduled in waves of 6 (FIFO, template order);
//  2. the same run time with 50 runs started at once.
// Run: npm run bench:live
import { startFakeProvider } from "../scripts/fake-provider.mjs";
import { machine, median, sleep, startDev } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 50);
const PF = {
  critical: { receita_federal_cpf: 800, cnj_mandados_prisao: 1500, ofac_sdn: 300, un_sanctions: 300, eu_sanctions: 300, uk_sanctions: 300 },
  parallel: { pep_coaf: 500, cgu_ceis: 600, cgu_cnep: 600, cgu_cnc: 900, sit_trabalho_escravo: 400, protestos: 1200, cnj_seeu_processos: 1200, trf_processos: 1500, tse_doadores: 500, icij_offshore: 500 },
};

/** Makespan of FIFO list scheduling on `slots` lanes (how the run's limiter schedules the parallel phase). */
function wavesMs(latencies, slots) {
  const lanes = Array(slots).fill(0);
  for (const l of latencies) {
    const i = lanes.indexOf(Math.min(...lanes));
    lanes[i] += l;
  }
  return Math.max(...lanes);
}
const minimumMs = Object.values(PF.critical).reduce((a, b) => a + b, 0) + wavesMs(Object.values(PF.parallel), 6);

const provider = await startFakeProvider({ latencyFactor: 1, token: "bench-token" });
const vars = Object.keys(provider.catalog ?? (await import("../scripts/fake-provider.mjs")).CATALOG).flatMap((k) => [
  "--var", `SOURCE_URL_${k.toUpperCase()}:${provider.url}/${k}`,
  "--var", `SOURCE_TOKEN_${k.toUpperCase()}:bench-token`,
]);
// The per-key rate limit is raised: 50 runs polled at once would otherwise meet 429s.
const dev = await startDev([...vars, "--var", "RATE_LIMIT_PER_MINUTE:1000000000"]);
const adminHeaders = { Authorization: `Bearer ${dev.admin}`, "content-type": "application/json" };
const post = (path, body, headers) => fetch(`${dev.base}${path}`, { method: "POST", headers, body: JSON.stringify(body) }).then((r) => r.json());

try {
  const tenant = await post("/admin/v1/tenants", { name: "Bench live", slug: `bench-${Date.now()}`, credits: 1_000_000 }, adminHeaders);
  const { key } = await post(`/admin/v1/tenants/${tenant.id}/api-keys`, { name: "bench", environment: "live" }, adminHeaders);
  const headers = { "X-API-Key": key, "content-type": "application/json" };
  const body = { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" } };
  const create = async () => (await post("/api/v1/bureau/runs", body, headers)).run_id;
  const waitDone = async (id) => {
    for (;;) {
      const res = await fetch(`${dev.base}/api/v1/bureau/runs/${id}`, { headers });
      if (res.status === 200) return res.json();
      await sleep(100);
    }
  };
  const elapsed = (run) => Date.parse(run.completed_at) - Date.parse(run.created_at);

  const warm = await waitDone(await create());
  if (warm.status !== "completed" || warm.credits_used !== 16) throw new Error(`warm-up run: ${warm.status}, ${warm.credits_used} credits`);

  // Time spent inside the providers' answers (each source's duration_ms, fetch round trip
  // included) along the run's path: what remains of the run time is orchestration.
  const providerPathMs = async (run) => {
    const detail = await (await fetch(`${dev.base}/api/v1/bureau/runs/${run.id}/detail`, { headers })).json();
    const critical = detail.sources.filter((s) => s.phase === "critical").reduce((a, s) => a + s.duration_ms, 0);
    const parallel = detail.sources.filter((s) => s.phase !== "critical");
    const span = Math.max(...parallel.map((s) => Date.parse(s.completed_at))) - Math.min(...parallel.map((s) => Date.parse(s.started_at)));
    return critical + span;
  };
  const sequential = [];
  const orchestration = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await waitDone(await create());
    sequential.push(elapsed(run));
    orchestration.push(elapsed(run) - (await providerPathMs(run)));
  }
  const seqMedian = median(sequential);

  const ids = await Promise.all(Array.from({ length: CONCURRENT }, create));
  const concurrent = (await Promise.all(ids.map(waitDone))).map(elapsed);
  const stats = await (await fetch(`${provider.url}/_stats`)).json();

  console.log(`
Command: npm run bench:live (BENCH_RUNS=${RUNS}, BENCH_CONCURRENT=${CONCURRENT})
Date: ${new Date().toISOString()}
Machine: ${machine()}

Live PF run (tpl_pf_padrao) through wrangler dev against the fake provider at typical latencies:
- physical minimum: ${minimumMs} ms (critical ${Object.values(PF.critical).reduce((a, b) => a + b, 0)} ms + parallel phase in waves of 6: ${wavesMs(Object.values(PF.parallel), 6)} ms)
- sequential, median of ${RUNS}: ${seqMedian} ms (min ${Math.min(...sequential)}, max ${Math.max(...sequential)})
- ratio: ${(seqMedian / minimumMs).toFixed(3)} (target ≤ 1.10); overhead: ${seqMedian - minimumMs} ms per run (target ≤ 50 ms)
- of which orchestration (run time − time inside provider calls on the run's path), median: ${median(orchestration)} ms (min ${Math.min(...orchestration)}, max ${Math.max(...orchestration)}); the rest is the providers' own answer time beyond the nominal latency (loopback HTTP, timers)
- ${CONCURRENT} runs started at once: median ${median(concurrent)} ms, max ${Math.max(...concurrent)} ms (ratio of median ${(median(concurrent) / minimumMs).toFixed(3)})
- provider calls: ${stats.total} (expected ${16 * (RUNS + CONCURRENT + 1)})
`);
} finally {
  dev.stop();
  await provider.close();
}
