#!/usr/bin/env node
// What a new isolate of the API Worker does before its first request: V8 compiles
// the bundle and evaluates its top level (module bodies, tables, the app's routes).
// Cloudflare reports this as the Worker's startup time on deploy; without an
// account, this measures the same work in Node's V8: `wrangler deploy --dry-run`
// builds the bundle exactly as deployed, then each of ROUNDS fresh Node processes
// (bench/isolate-start-child.mjs) compiles, links and evaluates it.
//   npm run bench:isolate-start                    this checkout
//   npm run bench:isolate-start -- /path/to/other  …and another checkout (alternating)
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { machine, median, root } from "./lib.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const checkouts = [root, ...process.argv.slice(2)];
const wrangler = join(root, "node_modules", ".bin", "wrangler");
const env = { ...process.env, PATH: `${join(root, "node_modules", "node", "bin")}:${process.env.PATH}` };

const bundles = new Map();
for (const dir of checkouts) {
  if (!existsSync(join(dir, "node_modules"))) symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  const out = mkdtempSync(join(tmpdir(), "kycert-isolate-"));
  execFileSync(wrangler, ["deploy", "--dry-run", "--outdir", out], { cwd: dir, env, stdio: "ignore" });
  const file = join(out, "index.js");
  bundles.set(dir, { file, bytes: statSync(file).size, gzip: gzipSync(readFileSync(file)).length, runs: [] });
}

for (let i = 0; i < ROUNDS; i++) {
  for (const dir of checkouts) {
    const b = bundles.get(dir);
    const out = execFileSync(process.execPath, ["--experimental-vm-modules", "--no-warnings", join(root, "bench", "isolate-start-child.mjs"), b.file], { env });
    b.runs.push(JSON.parse(out.toString()));
  }
}

const kib = (n) => (n / 1024).toFixed(0);
const ms = (xs) => median(xs).toFixed(1);
console.log(`
Command: npm run bench:isolate-start -- ${process.argv.slice(2).join(" ")} (BENCH_ROUNDS=${ROUNDS})
Date: ${new Date().toISOString()}
Machine: ${machine()}

| checkout | bundle KiB (gzip) | compile ms | evaluate ms | compile + evaluate ms |
|---|---:|---:|---:|---:|
${checkouts
  .map((dir) => {
    const b = bundles.get(dir);
    return `| ${dir} | ${kib(b.bytes)} (${kib(b.gzip)}) | ${ms(b.runs.map((r) => r.compile))} | ${ms(b.runs.map((r) => r.evaluate))} | ${ms(b.runs.map((r) => r.compile + r.evaluate))} |`;
  })
  .join("\n")}
(medians of ${ROUNDS} fresh processes each)
`);
