#!/usr/bin/env node
// End-to-end screening lists (contract §14) through `wrangler dev`: the list
// files of test/fixtures/lists served on loopback (scripts/serve-lists.mjs,
// every LIST_URL_<ID> pointing there), each list refreshed through the admin
// plane until it serves; the fake provider (scripts/fake-provider.mjs) answers
// every source the lists do not back — the list-backed ones get no SOURCE_URL,
// so they answer from the lists. Then, with a live key:
//  - POST /api/v1/screening/search finds a listed OFAC name;
//  - a live PF run of that name ends `rejected` by ofac_sdn (critical block), and
//    its /detail records the versions GET /admin/v1/lists reports;
//  - a live PF run of a listed PEP (CPF + name, the list prints the CPF masked)
//    ends `review` with pep_coaf INVALID;
//  - a clean name ends `approved`, every list-backed source VALID;
//  - GET /admin/v1/lists/ofac_sdn/versions lists the version kept, and a search
//    pinned to the versions the run recorded (`versions`) finds what the run
//    found; a version never kept → 409 list_version_gone.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CATALOG, startFakeProvider } from "./fake-provider.mjs";
import { DEFAULT_LISTS_DIR, startListServer, varArgs } from "./serve-lists.mjs";
import { sleep, startDev } from "../bench/lib.mjs";

// The catalogue sources the lists back (src/sources/lists.ts LISTS_BY_SOURCE).
const LIST_BACKED = {
  ofac_sdn: ["ofac_sdn", "ofac_cons"],
  un_sanctions: ["un_sc"],
  eu_sanctions: ["eu_fsf"],
  uk_sanctions: ["uk_fcdo"],
  cgu_ceis: ["cgu_ceis"],
  cgu_cnep: ["cgu_cnep"],
  pep_coaf: ["cgu_pep"],
  sit_trabalho_escravo: ["mte_empregadores"],
};
const LIST_IDS = Object.values(LIST_BACKED).flat();

const lists = await startListServer({ dir: DEFAULT_LISTS_DIR, port: 0 });
const provider = await startFakeProvider({ latencyFactor: 0.02, token: "e2e-token" });
const providerVars = Object.keys(CATALOG)
  .filter((k) => !(k in LIST_BACKED))
  .flatMap((k) => ["--var", `SOURCE_URL_${k.toUpperCase()}:${provider.url}/${k}`, "--var", `SOURCE_TOKEN_${k.toUpperCase()}:e2e-token`]);
const dev = await startDev([...varArgs(lists.vars), ...providerVars, "--var", "SOURCE_RETRY_BASE_MS:10"]);

const stop = async () => {
  await dev.stop();
  await provider.close();
  await lists.close();
};
const fail = async (msg) => {
  console.error(`e2e lists FAILED: ${msg}\n--- server log ---\n${dev.log().slice(-3000)}`);
  await stop();
  process.exit(1);
};

try {
  const admin = { Authorization: `Bearer ${dev.admin}`, "content-type": "application/json" };
  const req = async (method, path, body, headers) => {
    const res = await fetch(`${dev.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };

  // 1. Every list refreshed through the admin plane, until it serves a version.
  if (Object.keys(lists.vars).length !== LIST_IDS.length) await fail(`list server found ${Object.keys(lists.vars).join(", ")}`);
  for (const id of LIST_IDS) {
    const r = await req("POST", `/admin/v1/lists/${id}/refresh`, undefined, admin);
    if (r.status !== 202) await fail(`refresh ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  let state;
  for (let i = 0; ; i++) {
    state = (await req("GET", "/admin/v1/lists", undefined, admin)).body.data;
    if (state.every((l) => l.version && !l.loading_since)) break;
    const failed = state.find((l) => l.status === "error");
    if (failed) await fail(`list ${failed.id} failed to load: ${JSON.stringify(failed.last_error)}`);
    if (i > 600) await fail(`lists still loading after 120 s: ${JSON.stringify(state.map((l) => [l.id, l.status]))}`);
    await sleep(200);
  }
  const version = Object.fromEntries(state.map((l) => [l.id, { id: l.id, sha256: l.version.sha256, fetched_at: l.version.fetched_at }]));

  const tenant = (await req("POST", "/admin/v1/tenants", { name: "E2E lists", slug: `e2e-lists-${Date.now()}`, credits: 200 }, admin)).body;
  const scopes = ["runs:write", "runs:read", "detail:read", "screening:read"];
  const { key } = (await req("POST", `/admin/v1/tenants/${tenant.id}/api-keys`, { name: "e2e", environment: "live", scopes }, admin)).body;
  const headers = { "X-API-Key": key, "content-type": "application/json" };

  // 2. The search endpoint: a name alone is at most possible; an agreeing birth date makes it strong; a contradicting one clears it.
  const OFAC_NAME = "Manuel Antonio Noriega"; // "NORIEGA, Manuel Antonio" in the SDN fixture, no birth date listed
  const found = await req("POST", "/api/v1/screening/search", { name: OFAC_NAME, type: "pf" }, headers);
  const top = found.body.matches?.[0];
  if (found.status !== 200 || top?.list !== "ofac_sdn" || top.strength !== "possible" || found.body.lists.length !== LIST_IDS.length) {
    await fail(`search: ${found.status} ${JSON.stringify(found.body).slice(0, 600)}`);
  }
  const DATED_NAME = "Ayman Al Zawahiri"; // "AL ZAWAHIRI, Dr. Ayman", DOB 19 Jun 1951 in the SDN fixture
  const dated = await req("POST", "/api/v1/screening/search", { name: DATED_NAME, type: "pf", birth_date: "1951-06-19" }, headers);
  const hit = dated.body.matches?.[0];
  if (dated.status !== 200 || hit?.entity_id !== "2676" || hit.strength !== "strong" || !hit.reasons.includes("birth_date_match")) {
    await fail(`search with the listed birth date: ${dated.status} ${JSON.stringify(dated.body).slice(0, 600)}`);
  }
  const homonym = await req("POST", "/api/v1/screening/search", { name: DATED_NAME, type: "pf", birth_date: "1985-03-02", lists: ["ofac_sdn"] }, headers);
  if (homonym.body.matches?.length !== 0 || homonym.body.cleared?.[0]?.reason !== "birth_date_conflict") {
    await fail(`homonym search: ${homonym.status} ${JSON.stringify(homonym.body).slice(0, 600)}`);
  }

  // 3. Live runs.
  const run = async (parametros) => {
    const created = await req("POST", "/api/v1/bureau/runs", { template_id: "tpl_pf_padrao", parametros }, headers);
    if (created.status !== 202) await fail(`create: ${created.status} ${JSON.stringify(created.body)}`);
    for (let i = 0; i < 150; i++) {
      const res = await fetch(`${dev.base}/api/v1/bureau/runs/${created.body.run_id}`, { headers });
      if (res.status === 200) return res.json();
      await sleep(200);
    }
    await fail("run did not finish in 30 s");
  };
  const detail = async (id) => (await req("GET", `/api/v1/bureau/runs/${id}/detail`, undefined, headers)).body;
  const src = (r, s) => r.sources.find((x) => x.source === s);

  const listed = await run({ cpf: "111.444.777-35", nome: DATED_NAME, data_nascimento: "1951-06-19" });
  if (listed.decision !== "rejected" || src(listed, "ofac_sdn")?.status !== "INVALID" || listed.triggered_rules[0]?.effect !== "block") {
    await fail(`listed name and birth date: ${listed.status}/${listed.decision} ${JSON.stringify(listed.triggered_rules)}`);
  }
  // A name alone never rejects: review, with a case.
  const nameAlone = await run({ cpf: "111.444.777-35", nome: OFAC_NAME });
  if (nameAlone.decision !== "review" || !nameAlone.case_id) await fail(`name alone: ${nameAlone.status}/${nameAlone.decision} case ${nameAlone.case_id}`);
  const recorded = (await detail(listed.id)).sources.find((s) => s.source === "ofac_sdn").data.listas;
  if (JSON.stringify(recorded) !== JSON.stringify([version.ofac_sdn, version.ofac_cons])) {
    await fail(`versions on /detail ${JSON.stringify(recorded)} differ from /admin/v1/lists`);
  }

  // 4. The versions kept (contract §17), and the run replayed: a search pinned to the versions it recorded.
  const kept = await req("GET", "/admin/v1/lists/ofac_sdn/versions", undefined, admin);
  const first = kept.body.data?.[0];
  const entities = state.find((l) => l.id === "ofac_sdn").version.entities;
  if (kept.status !== 200 || kept.body.data.length !== 1 || first.sha256 !== version.ofac_sdn.sha256 || !first.current || first.added !== entities || first.previous_sha256 !== null) {
    await fail(`versions of ofac_sdn: ${kept.status} ${JSON.stringify(kept.body).slice(0, 600)}`);
  }
  const pins = Object.fromEntries(recorded.map((l) => [l.id, l.sha256]));
  const replay = await req("POST", "/api/v1/screening/search", { name: DATED_NAME, type: "pf", birth_date: "1951-06-19", lists: recorded.map((l) => l.id), versions: pins }, headers);
  if (replay.status !== 200 || JSON.stringify(replay.body.lists) !== JSON.stringify(recorded) || replay.body.matches?.[0]?.entity_id !== hit.entity_id) {
    await fail(`replay pinned to ${JSON.stringify(pins)}: ${replay.status} ${JSON.stringify(replay.body).slice(0, 600)}`);
  }
  const gone = await req("POST", "/api/v1/screening/search", { name: DATED_NAME, versions: { ofac_sdn: "0".repeat(64) } }, headers);
  if (gone.status !== 409 || gone.body.error?.code !== "list_version_gone" || gone.body.error?.param !== "versions.ofac_sdn") {
    await fail(`a version never kept: ${gone.status} ${JSON.stringify(gone.body)}`);
  }

  const truth = JSON.parse(readFileSync(join(DEFAULT_LISTS_DIR, "br", "truth.json"), "utf8"));
  const pep = truth.pep.find((p) => !p.ended);
  const pepRun = await run({ cpf: pep.document, nome: pep.name });
  if (pepRun.decision !== "review" || src(pepRun, "pep_coaf")?.status !== "INVALID") {
    await fail(`listed PEP: ${pepRun.status}/${pepRun.decision}, pep_coaf ${JSON.stringify(src(pepRun, "pep_coaf"))}`);
  }

  const clean = await run({ cpf: "529.982.247-25", nome: "Herculano Quintanilha Borba" });
  const notValid = Object.keys(LIST_BACKED).filter((s) => src(clean, s)?.status !== "VALID");
  if (clean.decision !== "approved" || notValid.length > 0) await fail(`clean run: ${clean.status}/${clean.decision}, not VALID: ${notValid}`);

  const stats = await (await fetch(`${provider.url}/_stats`)).json();
  const providerHitsOnLists = Object.keys(LIST_BACKED).filter((s) => (stats.calls?.[s] ?? 0) > 0);
  if (providerHitsOnLists.length > 0) await fail(`the fake provider was called for list-backed sources: ${providerHitsOnLists}`);
  console.log(
    `e2e lists passed: ${LIST_IDS.length} lists loaded through the admin plane; search "${OFAC_NAME}" → ${top.list} ${top.entity_id} (${top.strength}, ${top.score}), "${DATED_NAME}" born 1951-06-19 → ${hit.strength}, born 1985 → cleared; ` +
      `live runs: listed name + birth date → ${listed.decision} by ofac_sdn, name alone → ${nameAlone.decision}, PEP → ${pepRun.decision}, clean → ${clean.decision}; versions on /detail match the admin plane; ` +
      `the run replayed on its versions finds ${replay.body.matches[0].entity_id} again; an unknown version → 409`,
  );
} finally {
  await stop();
}
