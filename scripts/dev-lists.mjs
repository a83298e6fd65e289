#!/usr/bin/env node
// `npm run dev:lists`: `npm run dev` with the screening lists served from a local
// folder (scripts/serve-lists.mjs) — every LIST_URL_<ID> points at loopback.
// Then `npm run lists:load` loads them. LISTS_DIR picks the folder (default
// test/fixtures/lists; `LISTS_DIR=../shared/lists` for the full-size real files),
// LISTS_PORT its port (default 8790); further arguments go to `npm run dev`. A list
// the folder lacks comes from the samples of test/fixtures/lists (scripts/serve-lists.mjs).
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_LISTS_DIR, servedFrom, startListServer, varArgs } from "./serve-lists.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dir = process.env.LISTS_DIR ?? DEFAULT_LISTS_DIR;
const lists = await startListServer({ dir, port: Number(process.env.LISTS_PORT ?? 8790) });
console.log(`Screening lists served on ${lists.url} (${servedFrom(dir, lists)}): run \`npm run lists:load\` once the API is up.`);
const extra = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
const child = spawn(process.execPath, [join(root, "scripts", "dev.mjs"), ...varArgs(lists.vars), ...extra], { cwd: root, stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", async (code) => {
  await lists.close();
  process.exit(code ?? 0);
});
