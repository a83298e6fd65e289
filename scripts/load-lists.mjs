#!/usr/bin/env node
// `npm run lists:load [-- <list id> …]`: refreshes screening lists through the
// local admin plane (POST /admin/v1/lists/{id}/refresh) and waits until they are
// done, then prints each list's status. Without ids: every list configured to
// come from loopback (`npm run dev:lists`). PORT (default 8787) is the API's;
// the admin token comes from .dev.vars (written by `npm run dev`) or ADMIN_TOKEN.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const base = process.env.API_URL ?? `http://127.0.0.1:${process.env.PORT ?? "8787"}`;
const varsFile = join(root, ".dev.vars");
const token =
  process.env.ADMIN_TOKEN ??
  (existsSync(varsFile) ? /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync(varsFile, "utf8"))?.[1]?.replace(/^"|"$/g, "") : undefined);
if (!token) {
  console.error("No admin token: run `npm run dev` once (it writes .dev.vars) or set ADMIN_TOKEN.");
  process.exit(1);
}
const headers = { Authorization: `Bearer ${token}` };

async function api(method, path) {
  let res;
  try {
    res = await fetch(`${base}/admin/v1${path}`, { method, headers });
  } catch {
    console.error(`The API is not answering on ${base}: start it with \`npm run dev:lists\` first.`);
    process.exit(1);
  }
  const body = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

const all = (await api("GET", "/lists")).data;
const asked = process.argv.slice(2).filter((a) => a !== "--");
const ids = asked.length > 0 ? asked : all.filter((l) => /^http:\/\/(127\.|localhost|\[::1\])/.test(l.source_url)).map((l) => l.id);
if (ids.length === 0) {
  console.error("No list is configured to come from loopback: start the API with `npm run dev:lists`, or name the lists to load.");
  process.exit(1);
}
const started = Date.now();
for (const id of ids) await api("POST", `/lists/${id}/refresh`);
process.stdout.write(`Loading ${ids.join(", ")} `);
let lists;
for (;;) {
  lists = (await api("GET", "/lists")).data.filter((l) => ids.includes(l.id));
  if (lists.every((l) => l.loading_since === null)) break;
  if (Date.now() - started > 30 * 60_000) throw new Error("lists still loading after 30 minutes");
  process.stdout.write(".");
  await new Promise((r) => setTimeout(r, 1000));
}
console.log(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
let failed = false;
for (const l of lists) {
  const v = l.version ? `${String(l.version.entities).padStart(6)} entities, ${String(l.version.names).padStart(6)} names, sha256 ${l.version.sha256.slice(0, 12)}…` : "no version";
  const err = l.last_error ? `  last error: ${l.last_error.message}` : "";
  if (l.status !== "ready") failed = true;
  console.log(`  ${l.id.padEnd(17)} ${l.status.padEnd(6)} ${v}${err}`);
}
process.exit(failed ? 1 : 0);
