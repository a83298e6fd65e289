#!/usr/bin/env node
// End-to-end ongoing monitoring (contract §17) through `wrangler dev`, queues and all:
//  1. the UN list loads (the real consolidated list of test/fixtures/lists, served on
//     loopback by scripts/serve-lists.mjs, refreshed through the admin plane);
//  2. a customer base is imported (POST /api/v1/monitoring/imports, a CSV), and its
//     first screening finds nobody;
//  3. a new UN version that lists two of the customers is published (the same file
//     with two designations added, a later dateGenerated) and refreshed;
//  4. exactly those two customers get a match_created alert, each with its review
//     case (reason "monitoring");
//  5. refreshing the same bytes again makes no new version and no new alert.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sleep, startDev } from "../bench/lib.mjs";
import { DEFAULT_LISTS_DIR, startListServer, varArgs } from "./serve-lists.mjs";
import { customerBase, designations, withDesignations } from "./monitoring-fixtures.mjs";

const folder = mkdtempSync(join(tmpdir(), "kycert-e2e-monitoring-"));
mkdirSync(join(folder, "un"));
const original = readFileSync(join(DEFAULT_LISTS_DIR, "un", "consolidated.xml"), "utf8");
writeFileSync(join(folder, "un", "consolidated.xml"), original);

const lists = await startListServer({ dir: folder, port: 0, fallback: null });
const dev = await startDev(varArgs({ LIST_URL_UN_SC: lists.vars.LIST_URL_UN_SC }));
const stop = async () => {
  await dev.stop();
  await lists.close();
  rmSync(folder, { recursive: true, force: true });
};
const fail = async (msg) => {
  console.error(`e2e monitoring FAILED: ${msg}\n--- server log ---\n${dev.log().slice(-4000)}`);
  await stop();
  process.exit(1);
};

try {
  const admin = { Authorization: `Bearer ${dev.admin}`, "content-type": "application/json" };
  const api = { "X-API-Key": dev.key };
  const json = async (method, path, headers, body) => {
    const res = await fetch(`${dev.base}${path}`, { method, headers, body });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) };
    } catch {
      return { status: res.status, body: text };
    }
  };
  const until = async (what, seconds, check) => {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const v = await check();
      if (v) return v;
      if (Date.now() > deadline) await fail(`${what}: not within ${seconds} s`);
      await sleep(250);
    }
  };
  const unVersion = async () => (await json("GET", "/admin/v1/lists/un_sc", admin)).body;
  const refreshUn = async () => {
    const r = await json("POST", "/admin/v1/lists/un_sc/refresh", admin);
    if (r.status !== 202) await fail(`refresh: ${r.status} ${JSON.stringify(r.body)}`);
    return until("the refresh to end", 120, async () => {
      const l = await unVersion();
      if (l.status === "error" || l.last_error) await fail(`UN refresh failed: ${JSON.stringify(l.last_error)}`);
      return l.version && !l.loading_since ? l : null;
    });
  };
  const alerts = async () => (await json("GET", "/api/v1/monitoring/alerts?limit=100", api)).body.data;

  // 1. The UN list, first version.
  const v1 = await refreshUn();

  // 2. The customer base.
  const base = customerBase(300);
  const imported = await json("POST", "/api/v1/monitoring/imports", { ...api, "content-type": "text/csv" }, base.csv);
  if (imported.status !== 202) await fail(`import: ${imported.status} ${JSON.stringify(imported.body)}`);
  const done = await until("the import to complete", 120, async () => {
    const i = (await json("GET", `/api/v1/monitoring/imports/${imported.body.id}`, api)).body;
    if (i.status === "failed") await fail(`import failed: ${i.error}`);
    return i.status === "completed" ? i : null;
  });
  if (done.rows_enrolled !== base.rows.length || done.rows_rejected !== 0) await fail(`import counts: ${JSON.stringify(done)}`);
  if ((await alerts()).length !== 0) await fail(`the first screening alerted: ${JSON.stringify(await alerts())}`);

  // 3. A UN version that lists two of the customers.
  const listedCustomers = [base.rows[17], base.rows[230]];
  writeFileSync(join(folder, "un", "consolidated.xml"), withDesignations(original, designations(listedCustomers), "2026-11-30T12:00:00.000Z"));
  const v2 = await refreshUn();
  if (v2.version.sha256 === v1.version.sha256) await fail("the new file made no new version");
  const switchedAt = Date.now();

  // 4. Exactly those two, each with its case.
  const found = await until("two alerts", 60, async () => {
    const a = await alerts();
    return a.length >= 2 ? a : null;
  });
  const alertedIn = Math.round((Date.now() - switchedAt) / 100) / 10;
  await sleep(2000); // anything else would have arrived by now
  const all = await alerts();
  const subjects = (await json("GET", "/api/v1/monitoring/subjects?limit=100&external_id=" + listedCustomers[0].external_id, api)).body.data;
  const expectedExternal = listedCustomers.map((c) => c.external_id).sort();
  const alertedExternal = [];
  for (const a of all) {
    const s = (await json("GET", `/api/v1/monitoring/subjects/${a.subject_id}`, api)).body;
    alertedExternal.push(s.external_id);
    if (a.kind !== "match_created" || a.list !== "un_sc" || a.list_version.sha256 !== v2.version.sha256) await fail(`alert: ${JSON.stringify(a)}`);
    const kase = await json("GET", `/api/v1/bureau/cases/${a.case_id}`, api);
    if (kase.status !== 200 || kase.body.reason !== "monitoring" || kase.body.alert_id !== a.id || kase.body.run_id !== null) await fail(`case of ${a.id}: ${JSON.stringify(kase.body).slice(0, 400)}`);
  }
  if (JSON.stringify(alertedExternal.sort()) !== JSON.stringify(expectedExternal)) await fail(`alerted ${alertedExternal} instead of ${expectedExternal}`);
  if (subjects.length !== 1) await fail("external_id filter");

  // 5. The same bytes again: no new version, no new alert.
  const v3 = await refreshUn();
  if (v3.version.sha256 !== v2.version.sha256) await fail("the same bytes made a new version");
  await sleep(3000);
  const after = await alerts();
  if (after.length !== 2) await fail(`refreshing the same bytes alerted again: ${after.length} alerts`);

  console.log(
    `e2e monitoring passed: UN ${v1.version.entities} → ${v2.version.entities} entities; ${done.rows_enrolled} customers imported, none alerted at first; ` +
      `the new version alerted exactly ${found.length} (${expectedExternal.join(", ")}) with their monitoring cases, ${alertedIn} s after it became current; the same bytes again: no new alert`,
  );
} finally {
  await stop();
}
