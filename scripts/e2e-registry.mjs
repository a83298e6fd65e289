#!/usr/bin/env node
// End-to-end: the README's company-registry walk-through on a fresh local state.
// `npm run registry:build -- test/fixtures/registry/2026-08` (the repository's 48-company month)
// builds into the state, `npm run dev` on it prints how, and the printed key looks a
// branch up; then a second build of a month missing a file fails (exit 2) and the
// first month keeps serving.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root, startDev } from "../bench/lib.mjs";

const month = join(root, "test", "fixtures", "registry", "2026-08");
if (!existsSync(month)) {
  console.error(`e2e registry FAILED: ${month} not found`);
  process.exit(1);
}
const state = mkdtempSync(join(tmpdir(), "kycert-e2e-registry-"));
const scratch = mkdtempSync(join(tmpdir(), "kycert-e2e-month-"));
let dev;
const fail = (msg) => {
  console.error(`e2e registry FAILED: ${msg}${dev ? `\n--- server log ---\n${dev.log().slice(-3000)}` : ""}`);
  process.exitCode = 1;
  throw new Error(msg);
};
const npm = (args) => spawnSync("npm", args, { cwd: root, env: { ...process.env, DEV_STATE_DIR: state }, encoding: "utf8" });

try {
  const built = npm(["run", "-s", "registry:build", "--", month]);
  if (built.status !== 0) fail(`registry:build exited ${built.status}:\n${built.stderr}`);
  if (!/2026-08 now serves in the local state/.test(built.stdout)) fail(`registry:build did not say the month serves:\n${built.stdout}`);

  dev = await startDev([], {}, { stateDir: state });
  if (!/npm run registry:build -- test\/fixtures\/registry\/2026-08/.test(dev.log())) fail("npm run dev does not print how to build a month");
  const lookup = async (cnpj) => {
    const res = await fetch(`${dev.base}/api/v1/companies/${cnpj}`, { headers: { "X-API-Key": dev.key } });
    return { status: res.status, body: await res.json() };
  };
  // The README's example: a branch of the fixture month, "/" sent as %2F.
  const branch = await lookup("60.103.718%2F0003-05");
  if (branch.status !== 200) fail(`lookup: ${branch.status} ${JSON.stringify(branch.body)}`);
  const want = { cnpj: "60.103.718/0003-05", matriz: false, razao_social: "SERRA CONSTRUTORA LTDA", estabelecimentos: 3 };
  for (const [k, v] of Object.entries(want)) if (branch.body[k] !== v) fail(`lookup ${k}: ${JSON.stringify(branch.body[k])} ≠ ${JSON.stringify(v)}`);
  if (branch.body.source?.month !== "2026-08") fail(`source: ${JSON.stringify(branch.body.source)}`);
  const unknown = await lookup("11222333000181");
  if (unknown.status !== 404 || unknown.body.error?.code !== "company_not_found") fail(`unknown CNPJ: ${JSON.stringify(unknown)}`);

  // A month missing a file: the build fails, says so, and 2026-08 keeps serving.
  const partial = join(scratch, "2026-09");
  cpSync(month, partial, { recursive: true });
  rmSync(join(partial, "Socios3.zip"));
  const failed = npm(["run", "-s", "registry:build", "--", partial]);
  if (failed.status !== 2 || !/falta o arquivo Socios3\.zip/.test(failed.stderr)) fail(`a month missing a file: exit ${failed.status}\n${failed.stderr}`);
  const admin = await (await fetch(`${dev.base}/admin/v1/registry`, { headers: { Authorization: `Bearer ${dev.admin}` } })).json();
  if (admin.status !== "error" || admin.version?.month !== "2026-08") fail(`admin view after the failed month: ${JSON.stringify(admin)}`);
  const again = await lookup("60.103.718%2F0003-05");
  if (again.status !== 200 || again.body.source.month !== "2026-08") fail("the previous month stopped serving");
  console.log("e2e registry OK: built into the local state, looked up a branch, a month missing a file refused and 2026-08 still serving");
} finally {
  await dev?.stop();
  rmSync(state, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
}

