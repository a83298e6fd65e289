#!/usr/bin/env node
// Isolate start-up of the API Worker in `wrangler dev` (issue 11, cold starts):
// spawn `wrangler dev` on a fresh state, wait for "Ready", then time the first
// GET /health (the isolate loads and evaluates the bundle on its first request)
// and the second (warm). Each checkout is measured ROUNDS times, alternating, so
// a noisy machine hits both alike: compare within one run.
//   npm run bench:cold-start                      this checkout
//   npm run bench:cold-start -- /path/to/other    …and another checkout (e.g. a
//                                                 `git worktree` of an older commit)
// BENCH_API_ONLY=1 starts the API Worker alone (no kycert-edge-engine): its own
// start-up, comparable with a checkout from before the split.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, machine, median, root, sleep } from "./lib.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const checkouts = [root, ...process.argv.slice(2)];

async function once(dir) {
  const port = String(await freePort());
  const state = mkdtempSync(join(tmpdir(), "kycert-cold-"));
  // An older checkout may lack node_modules: borrow this one's (same wrangler).
  if (!existsSync(join(dir, "node_modules"))) symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  const withEngine = existsSync(join(dir, "wrangler.engine.toml")) && process.env.BENCH_API_ONLY !== "1";
  const configs = withEngine ? ["-c", "wrangler.toml", "-c", "wrangler.engine.toml"] : [];
  const started = performance.now();
  const child = spawn(join(root, "node_modules", ".bin", "wrangler"), ["dev", ...configs, "--ip", "127.0.0.1", "--port", port, "--persist-to", state], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: { ...process.env, PATH: `${join(root, "node_modules", "node", "bin")}:${process.env.PATH}` },
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  try {
    const deadline = Date.now() + 120_000;
    while (!/Ready on/.test(log)) {
      if (Date.now() > deadline) throw new Error(`not ready:\n${log.slice(-2000)}`);
      await sleep(10);
    }
    const ready = performance.now() - started;
    const timed = async () => {
      const t = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`health ${res.status}`);
      return performance.now() - t;
    };
    const first = await timed();
    const second = await timed();
    return { ready, first, second };
  } finally {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    await new Promise((ok) => child.once("exit", ok));
    rmSync(state, { recursive: true, force: true });
  }
}

const results = new Map(checkouts.map((c) => [c, []]));
for (let i = 0; i < ROUNDS; i++) for (const c of checkouts) results.get(c).push(await once(c));

const r0 = (n) => Math.round(n);
console.log(`
Command: npm run bench:cold-start -- ${process.argv.slice(2).join(" ")} (BENCH_ROUNDS=${ROUNDS}${process.env.BENCH_API_ONLY === "1" ? ", BENCH_API_ONLY=1" : ""})
Date: ${new Date().toISOString()}
Machine: ${machine()}

| checkout | spawn → Ready, ms | first GET /health, ms | second, ms |
|---|---:|---:|---:|
${checkouts
  .map((c) => {
    const r = results.get(c);
    return `| ${c} | ${r0(median(r.map((x) => x.ready)))} | ${r0(median(r.map((x) => x.first)))} | ${r0(median(r.map((x) => x.second)))} |`;
  })
  .join("\n")}
(medians of ${ROUNDS})
`);
