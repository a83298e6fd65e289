// GET /api/v1/companies/{cnpj} in `wrangler dev` (contract §18 targets: p95 ≤ 20 ms,
// a new isolate's first lookup ≤ 100 ms). Builds the month given (default the
// shared 500-company month) into a throw-away local state with `npm run
// registry:build`, then, ROUNDS times: starts `npm run dev` on it, times the
// isolate's very first request (a lookup: D1 pointer + index + block from R2,
// nothing cached), then N lookups of CNPJs sampled from the month's files, one
// at a time.
//   npm run bench:registry-lookup -- [month folder]   (BENCH_ROUNDS=6, BENCH_LOOKUPS=500)
// BENCH_STATE_DIR=<dir> keeps the state (and its built month) for the next run, which
// then skips the build. The key's rate limit is lifted (the bench is not about it).
import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { csvRows, decodeLatin1, unzipFirstFile } from "../src/screening/parsers/stream";
// @ts-expect-error plain .mjs helpers
import { machine, root, startDev } from "./lib.mjs";

const folder = resolve(process.argv.slice(2).find((a) => a !== "--") ?? join(root, "..", "shared", "cnpj", "2026-08"));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 500);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function sampleCnpjs(n: number): Promise<string[]> {
  const out: string[] = [];
  for (const part of [1, 2, 3, 0]) {
    const bytes = createReadStream(join(folder, `Estabelecimentos${part}.zip`)) as AsyncIterable<Uint8Array>;
    for await (const row of csvRows(decodeLatin1(unzipFirstFile(bytes)), ";")) {
      out.push(`${row[0]}${row[1]}${row[2]}`);
      if (out.length >= n) return out;
    }
  }
  return out;
}

const keep = process.env.BENCH_STATE_DIR;
const state = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), "kycert-registry-bench-"));
const built = keep !== undefined && existsSync(join(state, "registry-bench-built"));
const npm = (args: string[], env: Record<string, string> = {}) =>
  execFileSync("npm", args, { cwd: root, env: { ...process.env, DEV_STATE_DIR: state, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

try {
  console.log(`machine: ${machine()}\nmonth: ${folder}`);
  if (!built) {
    const t0 = performance.now();
    const out = npm(["run", "-s", "registry:build", "--", folder]);
    console.log(`build into local state: ${((performance.now() - t0) / 1000).toFixed(1)} s\n${out.split("\n").filter((l) => /empresas|serves/.test(l)).join("\n")}`);
    if (keep) writeFileSync(join(state, "registry-bench-built"), folder);
  }
  npm(["run", "-s", "dev"], { DEV_SETUP_ONLY: "1" });
  const key = JSON.parse(readFileSync(join(state, "dev-credentials.json"), "utf8")).api_key as string;
  const cnpjs = await sampleCnpjs(LOOKUPS);
  const firsts: number[] = [];
  const all: number[] = [];
  const baseline: number[] = [];
  const firstBaselines: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const dev = await startDev(["--var", "RATE_LIMIT_PER_MINUTE:1000000"], {}, { stateDir: state, untouched: true });
    try {
      const lookup = async (cnpj: string, status = 200) => {
        const t = performance.now();
        const res = await fetch(`${dev.base}/api/v1/companies/${cnpj}`, { headers: { "X-API-Key": key } });
        await res.arrayBuffer();
        if (res.status !== status) throw new Error(`lookup ${cnpj}: ${res.status}`);
        return performance.now() - t;
      };
      // The isolate's first request of all, alternately a lookup (D1 pointer + index +
      // block from R2, nothing cached) and the route's 400 (the same start-up, no registry read).
      if (round % 2 === 0) firsts.push(await lookup(cnpjs[round % cnpjs.length]));
      else firstBaselines.push(await lookup("11222333000182", 400));
      // Interleaved with the same route's cheapest answer (a 400 for bad check digits: the same
      // authentication and rate limit, no registry read), so a noisy machine hits both alike.
      for (const c of cnpjs) {
        all.push(await lookup(c));
        baseline.push(await lookup("11222333000182", 400));
      }
    } finally {
      await dev.stop();
    }
  }
  console.log(`new isolate, first request a lookup (ms): ${firsts.map((x) => x.toFixed(1)).join(", ")}`);
  console.log(`new isolate, first request the route's 400 (ms): ${firstBaselines.map((x) => x.toFixed(1)).join(", ")}`);
  const line = (name: string, xs: number[]) =>
    `${name}: n=${xs.length} p50 ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms, p99 ${pct(xs, 99).toFixed(2)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
  console.log(line("warm lookups (200)", all));
  console.log(line("same route, 400 (auth + rate limit, no registry read)", baseline));
} finally {
  if (!keep) rmSync(state, { recursive: true, force: true });
}
