#!/usr/bin/env node
// POST /api/v1/screening/search against every list at full size, through
// `wrangler dev` (issue 9 target: p95 ≤ 20 ms; CPU per search reported).
//
//   npm run bench:screening-search      (BENCH_QUERIES=300 BENCH_WARMUP=30)
//
// The lists are loaded the way production loads them: files served on loopback
// (scripts/serve-lists.mjs), each list refreshed through the admin plane (the
// ListIngest object: download, parse, stage into local D1, one-UPDATE switch).
// Inputs, in bench/out/screening-search/ (git-ignored):
//   - OFAC SDN 20k entries / 30k aliases, CGU PEP 70k rows, EU FSF 6,000 subjects:
//     the synthetic full-size files of bench/lists-synthetic.ts;
//   - CGU CEIS 22k rows (12k companies, 10k persons with masked CPFs) and CNEP
//     1.5k: synthetic, made here in the official layout (the header of the
//     fixture file, ISO-8859-1, zipped);
//   - UN consolidated (real, 2026-02-27) and OFAC consolidated (real, 2019 snapshot)
//     from ../shared/lists; UK FCDO and MTE: the fixture samples (test/fixtures/lists;
//     no full-size file at hand — together under 1 % of the names).
// Queries (deterministic): UN-listed names written reordered / with a typo /
// partially, names from ../shared/matching/negatives-us-20000.csv (on no list,
// half of them with a birth date), Portuguese names, and CPF-carrying queries;
// every query against all 9 lists; then 20 names of 40 common Brazilian words.
//
// Measured: latency seen by the client (loopback HTTP through wrangler dev's
// proxy, API key auth in D1, the rate-limit Durable Object, the search itself),
// the server's own `took_ms`, and CPU per search: the workerd process's CPU time
// (/proc, utime + stime) across the measured searches ÷ their number, minus the
// same for requests that stop at validation (auth + rate limit + a 400). Local
// D1 (SQLite) runs inside workerd, so that CPU includes the queries' own
// execution, which in production runs on D1's side. Last, bench/screening-retrieval.ts
// compares, on the same D1 file, the search's MATCH expression with the plain OR
// of every query trigram: recall of the listed name and the FTS statement's time.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { unzipSync, zipSync } from "fflate";
import { cpuMs, machine, mulberry32, root, sleep, startDev } from "./lib.mjs";
import { startListServer, varArgs } from "../scripts/serve-lists.mjs";

const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
/** Keep the local state (and the loaded lists) here between runs; lists already serving are not reloaded. */
const STATE_DIR = process.env.BENCH_STATE_DIR;
const WARMUP = Number(process.env.BENCH_WARMUP ?? 30);
const SYNTH = join(root, "bench", "out", "lists-ingest"); // shared with bench/lists-ingest.mjs
const OUT = join(root, "bench", "out", "screening-search");
const SHARED = join(root, "..", "shared");
const FIXTURES = join(root, "test", "fixtures", "lists");

// ---- inputs ----------------------------------------------------------------------

execFileSync(join(root, "node_modules", ".bin", "tsx"), [join(root, "bench", "lists-synthetic.ts"), SYNTH], { stdio: "inherit" });

const pick = (r, a) => a[Math.floor(r() * a.length)];
const FIRST = ["ANA", "JOÃO", "MARIA", "JOSÉ", "ANTÔNIO", "FRANCISCA", "CARLOS", "PAULO", "LÚCIA", "PEDRO", "MÁRCIA", "LUÍS", "FERNANDA", "RAFAEL", "BEATRIZ", "GABRIEL", "JULIANA", "RICARDO", "PATRÍCIA", "EDUARDO"];
const LAST = ["SILVA", "SANTOS", "OLIVEIRA", "SOUZA", "RODRIGUES", "FERREIRA", "ALVES", "PEREIRA", "LIMA", "GOMES", "CONCEIÇÃO", "ARAÚJO", "MELO", "BARBOSA", "RIBEIRO", "CARVALHO", "ROCHA", "DIAS", "MOREIRA", "NUNES"];
const ORG = ["CONSTRUTORA", "COMERCIAL", "SERVIÇOS", "ENGENHARIA", "DISTRIBUIDORA", "TRANSPORTES", "INDÚSTRIA", "AGROPECUÁRIA", "TECNOLOGIA", "LOGÍSTICA"];
const PLACE = ["PARANÁ", "TRÊS RIOS", "SÃO JORGE", "NOVA ERA", "BOA VISTA", "RIO CLARO", "MONTE ALTO", "VALE VERDE", "SERRA AZUL", "PORTO NOVO"];
const FORM = ["LTDA", "S.A.", "EIRELI", "ME", "EPP"];

const mod11 = (digits, weights) => {
  const s = digits.split("").reduce((n, d, i) => n + (d.charCodeAt(0) - 48) * weights[i], 0) % 11;
  return s < 2 ? 0 : 11 - s;
};
const cnpj = (base12) => {
  const d1 = mod11(base12, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  return base12 + d1 + mod11(base12 + d1, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
};
const latin1 = (s) => Uint8Array.from(s, (c) => (c.charCodeAt(0) < 256 ? c.charCodeAt(0) : 63));
const pad = (n, w) => String(n).padStart(w, "0");

/** A CEIS/CNEP ZIP of `rows` rows in the layout of the fixture file (same header, ISO-8859-1). */
function syntheticSanctionsZip(fixtureZip, rows, persons, seed, fileName) {
  const inner = unzipSync(readFileSync(fixtureZip));
  const csv = Buffer.from(Object.values(inner)[0]).toString("latin1");
  const header = csv.split(/\r?\n/)[0];
  const cols = header.split(";").map((h) => h.replace(/^"|"$/g, ""));
  const r = mulberry32(seed);
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const person = i < persons;
    const name = person
      ? `${pick(r, FIRST)} ${pick(r, FIRST)} ${pick(r, LAST)} ${pick(r, LAST)}`
      : `${pick(r, ORG)} ${pick(r, PLACE)} ${pick(r, LAST)} ${pick(r, FORM)}`;
    const doc = person ? `***.${pad(Math.floor(r() * 1000), 3)}.${pad(Math.floor(r() * 1000), 3)}-**` : cnpj(pad(10_000_000 + i, 8) + "0001");
    const y = 2020 + Math.floor(r() * 6);
    const values = {
      CADASTRO: fileName.toUpperCase(),
      "CÓDIGO DA SANÇÃO": String(100000 + i),
      "TIPO DE PESSOA": person ? "F" : "J",
      "CPF OU CNPJ DO SANCIONADO": doc,
      "NOME DO SANCIONADO": name,
      "NOME INFORMADO PELO ÓRGÃO SANCIONADOR": name,
      "NÚMERO DO PROCESSO": `${pad(i, 5)}.${pad(Math.floor(r() * 1e6), 6)}/${y}-${pad(i % 100, 2)}`,
      "CATEGORIA DA SANÇÃO": pick(r, ["Inidoneidade", "Suspensão", "Impedimento/proibição de contratar com prazo determinado"]),
      "DATA INÍCIO SANÇÃO": `${pad(1 + (i % 28), 2)}/${pad(1 + (i % 12), 2)}/${y}`,
      "DATA FINAL SANÇÃO": `${pad(1 + (i % 28), 2)}/${pad(1 + (i % 12), 2)}/${y + 5}`,
      "ÓRGÃO SANCIONADOR": pick(r, ["Ministério da Saúde", "Prefeitura Municipal de Exemplo", "Controladoria-Geral da União"]),
      "UF ÓRGÃO SANCIONADOR": pick(r, ["SP", "RJ", "MG", "BA", "PR"]),
    };
    lines.push(cols.map((c) => `"${values[c] ?? ""}"`).join(";"));
  }
  return zipSync({ [`${fileName}.csv`]: latin1(lines.join("\r\n") + "\r\n") });
}

function prepareInputs() {
  rmSync(OUT, { recursive: true, force: true });
  const link = (target, path) => {
    mkdirSync(join(path, ".."), { recursive: true });
    symlinkSync(target, path);
  };
  for (const f of readdirSync(join(SYNTH, "ofac-sdn"))) link(join(SYNTH, "ofac-sdn", f), join(OUT, "ofac-sdn", f));
  link(join(SYNTH, "br", "pep.zip"), join(OUT, "br", "pep.zip"));
  link(join(SYNTH, "eu", readdirSync(join(SYNTH, "eu")).find((f) => f.endsWith(".xml"))), join(OUT, "eu", "eu-fsf.xml"));
  for (const f of readdirSync(join(SHARED, "lists", "ofac-cons"))) link(join(SHARED, "lists", "ofac-cons", f), join(OUT, "ofac-cons", f));
  link(join(SHARED, "lists", "un", "consolidated.xml"), join(OUT, "un", "consolidated.xml"));
  link(join(FIXTURES, "uk", readdirSync(join(FIXTURES, "uk"))[0]), join(OUT, "uk", "uk.xml"));
  link(join(FIXTURES, "br", "cadastro_empregadores.csv"), join(OUT, "br", "cadastro_empregadores.csv"));
  writeFileSync(join(OUT, "br", "ceis.zip"), syntheticSanctionsZip(join(FIXTURES, "br", "ceis.zip"), 22_000, 10_000, 7, "ceis"));
  writeFileSync(join(OUT, "br", "cnep.zip"), syntheticSanctionsZip(join(FIXTURES, "br", "cnep.zip"), 1_500, 500, 11, "cnep"));
}

/** The queries: listed names varied, names on no list, Portuguese names, some with a CPF. */
function queries(n) {
  const r = mulberry32(42);
  const un = readFileSync(join(SHARED, "lists", "un", "consolidated.xml"), "utf8");
  const listed = [...un.matchAll(/<INDIVIDUAL>[\s\S]*?<FIRST_NAME>([^<]*)<\/FIRST_NAME>(?:\s*<SECOND_NAME>([^<]*)<\/SECOND_NAME>)?(?:\s*<THIRD_NAME>([^<]*)<\/THIRD_NAME>)?/g)]
    .map((m) => [m[1], m[2], m[3]].filter((x) => x && x.trim()).map((x) => x.trim()))
    .filter((p) => p.length >= 2);
  const negatives = readFileSync(join(SHARED, "matching", "negatives-us-20000.csv"), "utf8").split("\n").slice(1).map((l) => l.split(",")[0]).filter(Boolean);
  const typo = (w) => {
    if (w.length < 4) return w;
    const i = 1 + Math.floor(r() * (w.length - 2));
    return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
  };
  const out = [];
  for (let i = 0; out.length < n; i++) {
    const kind = i % 5;
    if (kind === 0 || kind === 1) {
      const p = pick(r, listed);
      const v = i % 3 === 0 ? [...p].reverse() : i % 3 === 1 ? p.map((w, j) => (j === 0 ? typo(w) : w)) : [p[0], p[p.length - 1]];
      out.push({ kind: "listed (UN, varied)", body: { name: v.join(" ") } });
    } else if (kind === 2 || kind === 3) out.push({ kind: "on no list (US names)", body: { name: pick(r, negatives), ...(i % 2 ? { birth_date: `${1940 + Math.floor(r() * 60)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}` } : {}) } });
    else {
      const doc = i % 2 ? { document: cnpjOrCpf(r) } : {};
      out.push({ kind: doc.document ? "Portuguese name + CPF" : "Portuguese name", body: { name: `${pick(r, FIRST)} ${pick(r, LAST)} ${pick(r, LAST)}`, ...doc } });
    }
  }
  return out;
}
function cnpjOrCpf(r) {
  const base = pad(Math.floor(r() * 1e9), 9);
  const d1 = mod11(base, [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return base + d1 + mod11(base + d1, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
}

// ---- /proc ----------------------------------------------------------------------------

/**
 * The workerd processes of this benchmark's server (their environment carries our
 * tag): wrangler dev runs two, the runtime (the Worker, its Durable Objects and
 * local D1) and a proxy in front of it.
 */
function workerds(tag) {
  const out = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!readFileSync(`/proc/${d}/comm`, "utf8").startsWith("workerd")) continue;
      if (readFileSync(`/proc/${d}/environ`, "utf8").includes(`BENCH_TAG=${tag}`)) out.push(Number(d));
    } catch {}
  }
  return out;
}
const cpuAll = (pids) => pids.map(cpuMs);

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

// ---- run ----------------------------------------------------------------------------------

if (!STATE_DIR || !existsSync(OUT)) prepareInputs();
const lists = await startListServer({ dir: OUT, port: 0 });
const tag = `screening-search-${process.pid}`;
// Our own state folder (kept with BENCH_STATE_DIR): the retrieval comparison reads its D1 file afterwards.
const stateDir = STATE_DIR ?? mkdtempSync(join(tmpdir(), "kycert-bench-screening-"));
mkdirSync(stateDir, { recursive: true });
const dev = await startDev([...varArgs(lists.vars), "--var", "RATE_LIMIT_PER_MINUTE:1000000"], { BENCH_TAG: tag }, { stateDir });
try {
  const admin = { Authorization: `Bearer ${dev.admin}`, "content-type": "application/json" };
  const api = async (method, path, body, headers = admin) => {
    const res = await fetch(`${dev.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };

  const t0 = Date.now();
  const ids = (await api("GET", "/admin/v1/lists")).body.data.filter((l) => !l.version).map((l) => l.id);
  for (const id of ids) await api("POST", `/admin/v1/lists/${id}/refresh`);
  let state;
  for (;;) {
    state = (await api("GET", "/admin/v1/lists")).body.data;
    if (state.every((l) => l.version && !l.loading_since)) break;
    const failed = state.find((l) => l.status === "error");
    if (failed) throw new Error(`${failed.id}: ${JSON.stringify(failed.last_error)}`);
    if (Date.now() - t0 > 45 * 60_000) throw new Error("lists still loading after 45 minutes");
    await sleep(2000);
  }
  const loadS = Math.round((Date.now() - t0) / 1000);
  const entities = state.reduce((n, l) => n + l.version.entities, 0);
  const names = state.reduce((n, l) => n + l.version.names, 0);
  console.log(`lists loaded in ${loadS} s: ${entities} entities, ${names} names`);
  for (const l of state) console.log(`  ${l.id.padEnd(17)} ${String(l.version.entities).padStart(6)} entities ${String(l.version.names).padStart(7)} names`);

  const tenant = (await api("POST", "/admin/v1/tenants", { name: "Bench screening", slug: `bench-screening-${Date.now()}` })).body;
  const { key } = (await api("POST", `/admin/v1/tenants/${tenant.id}/api-keys`, { name: "bench", environment: "test", scopes: ["screening:read"] })).body;
  const headers = { "X-API-Key": key, "content-type": "application/json" };

  const qs = queries(QUERIES + WARMUP);
  const search = async (q) => {
    const s = performance.now();
    const res = await fetch(`${dev.base}/api/v1/screening/search`, { method: "POST", headers, body: JSON.stringify(q.body) });
    const body = await res.json();
    const ms = performance.now() - s;
    if (res.status !== 200) throw new Error(`search ${JSON.stringify(q.body)}: ${res.status} ${JSON.stringify(body)}`);
    return { kind: q.kind, ms, took: body.took_ms, matches: body.matches.length };
  };
  for (const q of qs.slice(0, WARMUP)) await search(q);

  const pids = workerds(tag);
  if (pids.length === 0) throw new Error("workerd process not found");
  const perRequest = (before, after, n) => before.map((b, i) => (after[i] - b) / n);
  const cpu0 = cpuAll(pids);
  const results = [];
  for (const q of qs.slice(WARMUP)) results.push(await search(q));
  const searchCpu = perRequest(cpu0, cpuAll(pids), results.length);

  // Baseline: the same number of requests stopped by validation (auth + rate limit + 400).
  const base = [];
  const cpu1 = cpuAll(pids);
  for (let i = 0; i < results.length; i++) {
    const s = performance.now();
    const res = await fetch(`${dev.base}/api/v1/screening/search`, { method: "POST", headers, body: JSON.stringify({ name: "" }) });
    if (res.status !== 400) throw new Error(`baseline: ${res.status}`);
    await res.arrayBuffer();
    base.push(performance.now() - s);
  }
  const baseCpu = perRequest(cpu1, cpuAll(pids), results.length);
  // The runtime is the process that worked the most; the other is wrangler's proxy.
  const rt = searchCpu.indexOf(Math.max(...searchCpu));
  const cpuSearch = searchCpu[rt];
  const cpuBase = baseCpu[rt];
  const proxy = searchCpu.reduce((a, b) => a + b, 0) - cpuSearch;

  // 40-word names of common Brazilian words, and queries with a birth date (the evidence): apart from the mix.
  const COMMON_WORDS = ["maria", "jose", "silva", "santos", "oliveira", "souza", "pereira", "costa", "rodrigues", "almeida", "ferreira", "lima", "gomes", "ribeiro", "carvalho", "araujo", "barbosa", "alves", "martins", "rocha"];
  const longResults = [];
  for (let k = 0; k < 20; k++) {
    const name = Array.from({ length: 40 }, (_, i) => COMMON_WORDS[(i * 7 + k) % COMMON_WORDS.length]).join(" ");
    longResults.push(await search({ kind: "40-word name of common words", body: { name } }));
  }
  const longTook = longResults.map((r) => r.took);

  const lat = results.map((r) => r.ms);
  const took = results.map((r) => r.took);
  const withMatches = results.filter((r) => r.matches > 0).length;
  const report = [
    `Command: npm run bench:screening-search (BENCH_QUERIES=${QUERIES}, BENCH_WARMUP=${WARMUP})`,
    `Date: ${new Date().toISOString()}`,
    `Machine: ${machine()}`,
    `Lists: ${entities} entities, ${names} names in 9 lists (loaded through the admin plane in ${loadS} s)`,
    "",
    "| measure | p50 | p95 | p99 | max |",
    "|---|---:|---:|---:|---:|",
    `| client latency, ms (HTTP through wrangler dev) | ${round(pct(lat, 50))} | ${round(pct(lat, 95))} | ${round(pct(lat, 99))} | ${round(Math.max(...lat))} |`,
    `| server took_ms | ${pct(took, 50)} | ${pct(took, 95)} | ${pct(took, 99)} | ${Math.max(...took)} |`,
    `| baseline: request stopped at validation, client ms | ${round(pct(base, 50))} | ${round(pct(base, 95))} | ${round(pct(base, 99))} | ${round(Math.max(...base))} |`,
    ...[...new Set(results.map((r) => r.kind))].map((k) => {
      const t = results.filter((r) => r.kind === k).map((r) => r.took);
      return `| took_ms, ${k} (${t.length}) | ${pct(t, 50)} | ${pct(t, 95)} | ${pct(t, 99)} | ${Math.max(...t)} |`;
    }),
    `| took_ms, 40-word names of common words (${longTook.length}, apart from the mix) | ${pct(longTook, 50)} | ${pct(longTook, 95)} | ${pct(longTook, 99)} | ${Math.max(...longTook)} |`,
    "",
    `- CPU per search (workerd runtime, incl. local D1): ${round(cpuSearch, 2)} ms; per request stopped at validation: ${round(cpuBase, 2)} ms; the search itself: ${round(cpuSearch - cpuBase, 2)} ms (wrangler's proxy: ${round(proxy, 2)} ms more per request)`,
    `- machine load average during the run: ${loadavg().map((x) => x.toFixed(2)).join(", ")} (2 shared cores)`,
    `- ${results.length} searches, ${withMatches} with at least one match`,
  ].join("\n");
  console.log(`\n${report}`);
  await dev.stop();
  // The D1 search's MATCH expression against the plain OR of every trigram, in SQLite itself.
  const d1Dir = join(stateDir, "v3", "d1", "miniflare-D1DatabaseObject");
  const d1File = readdirSync(d1Dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  execFileSync(join(root, "node_modules", ".bin", "tsx"), [join(root, "bench", "screening-retrieval.ts"), join(d1Dir, d1File)], {
    stdio: ["ignore", "inherit", "ignore"],
  });
} finally {
  await dev.stop();
  await lists.close();
  if (!STATE_DIR) rmSync(stateDir, { recursive: true, force: true });
}
