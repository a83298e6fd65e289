#!/usr/bin/env node
// Serves screening-list files on loopback under their official file names, so a
// local Worker loads them through LIST_URL_<ID> (CONTRACT §14: http is accepted
// on loopback only). The folder is laid out like ../shared/lists and
// test/fixtures/lists:
//   ofac-sdn/   sdn.csv alt.csv add.csv sdn_comments.csv   → /ofac-sdn/SDN.CSV, ALT.CSV, …
//   ofac-cons/  cons_prim.csv cons_alt.csv cons_add.csv …  → /ofac-cons/CONS_PRIM.CSV, …
//   un/         consolidated.xml                           → /un/consolidated.xml
//   eu/ uk/     one .xml each                              → /eu/<name>.xml, /uk/<name>.xml
//   br/         ceis.zip cnep.zip pep.zip cadastro_empregadores.csv
// File names match case-insensitively (OFAC publishes SDN.CSV, the samples are sdn.csv).
//
//   npm run lists:serve [-- <folder>]   (default test/fixtures/lists; LISTS_PORT, default 8790)
//
// prints the LIST_URL_<ID> of every list found. `npm run dev:lists` starts this
// server and `npm run dev` with those variables in one go.
//
// A list whose files the folder lacks (../shared/lists has no EU or UK file) is
// served from the small samples of test/fixtures/lists instead, and the server
// says so: every list then loads, and a search over all of them answers
// instead of 503 list_not_ready.
import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_LISTS_DIR = join(root, "test", "fixtures", "lists");

/** A file of `folder` whose name equals `name` ignoring case, or null. */
function findFile(dir, folder, name) {
  const d = join(dir, folder);
  if (!existsSync(d) || !statSync(d).isDirectory()) return null;
  const hit = readdirSync(d).find((f) => f.toLowerCase() === name.toLowerCase());
  return hit ? join(d, hit) : null;
}

const firstWithExt = (dir, folder, ext) => {
  const d = join(dir, folder);
  if (!existsSync(d)) return null;
  return readdirSync(d).sort().find((f) => f.toLowerCase().endsWith(ext)) ?? null;
};

/** URL path under which the fallback folder's files are served. */
const SAMPLES = "samples";

/**
 * The files of each list in `dir`, as LIST_URL_<ID> → URL under `base` (OFAC
 * needs its primary, ALT and ADD files; the comments file is optional). A list
 * `dir` lacks comes from `fallback` (served under /samples/) when that folder
 * has it; `sampled` names those lists.
 */
export function listUrls(dir, base, fallback = null) {
  const vars = {};
  const sampled = [];
  const sources = [
    { from: dir, prefix: base },
    ...(fallback && resolve(fallback) !== resolve(dir) ? [{ from: fallback, prefix: `${base}/${SAMPLES}`, sample: true }] : []),
  ];
  const add = (id, url, sample) => {
    vars[`LIST_URL_${id}`] = url;
    if (sample) sampled.push(id.toLowerCase());
  };
  const ofac = (id, folder, required) => {
    const src = sources.find((s) => required.every((n) => findFile(s.from, folder, n)));
    if (src) add(id, `${src.prefix}/${folder}/`, src.sample);
  };
  ofac("OFAC_SDN", "ofac-sdn", ["SDN.CSV", "ALT.CSV", "ADD.CSV"]);
  ofac("OFAC_CONS", "ofac-cons", ["CONS_PRIM.CSV", "CONS_ALT.CSV", "CONS_ADD.CSV"]);
  const single = (id, folder, nameIn) => {
    for (const src of sources) {
      const name = nameIn(src.from);
      if (name && findFile(src.from, folder, name)) return add(id, `${src.prefix}/${folder}/${encodeURIComponent(name)}`, src.sample);
    }
  };
  const fixed = (name) => () => name;
  single("UN_SC", "un", fixed("consolidated.xml"));
  single("EU_FSF", "eu", (d) => firstWithExt(d, "eu", ".xml"));
  single("UK_FCDO", "uk", (d) => firstWithExt(d, "uk", ".xml"));
  single("CGU_CEIS", "br", fixed("ceis.zip"));
  single("CGU_CNEP", "br", fixed("cnep.zip"));
  single("CGU_PEP", "br", fixed("pep.zip"));
  single("MTE_EMPREGADORES", "br", fixed("cadastro_empregadores.csv"));
  return { vars, sampled };
}

/**
 * Starts the server on 127.0.0.1 (port 0: any free one). Lists `dir` lacks come
 * from `fallback` (default: the samples of test/fixtures/lists; null: none).
 * Resolves to { url, vars, sampled, close }.
 */
export function startListServer({ dir = DEFAULT_LISTS_DIR, port = 8790, fallback = DEFAULT_LISTS_DIR } = {}) {
  const folder = resolve(dir);
  if (!existsSync(folder)) throw new Error(`no such folder: ${folder}`);
  const samples = fallback ? resolve(fallback) : null;
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const parts = path.split("/").filter(Boolean);
    const safe = !parts.some((p) => p === ".." || p.includes("\\"));
    const file = !safe
      ? null
      : parts.length === 2
        ? findFile(folder, parts[0], parts[1])
        : parts.length === 3 && parts[0] === SAMPLES && samples
          ? findFile(samples, parts[1], parts[2])
          : null;
    if (req.method !== "GET" || !file) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": statSync(file).size });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      const { vars, sampled } = listUrls(folder, url, samples);
      ok({ url, vars, sampled, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

/** `--var K:V` arguments for `wrangler dev` / `npm run dev --`. */
export const varArgs = (vars) => Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]);

/** One line saying which lists come from where, for the scripts that start the server. */
export function servedFrom(dir, { vars, sampled }) {
  const total = Object.keys(vars).length;
  const own = `${total - sampled.length} from ${dir}`;
  return sampled.length === 0
    ? `${total} lists, from ${dir}`
    : `${total} lists: ${own}; ${sampled.join(", ")} from the small samples of test/fixtures/lists (${dir} has no files for them)`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv.slice(2).find((a) => a !== "--") ?? process.env.LISTS_DIR ?? DEFAULT_LISTS_DIR;
  const served = await startListServer({ dir, port: Number(process.env.LISTS_PORT ?? 8790) });
  const { url, vars } = served;
  console.log(`Serving on ${url}: ${servedFrom(dir, served)}\n`);
  for (const [k, v] of Object.entries(vars)) console.log(`  ${k}=${v}`);
  console.log(`\nStart the API with these lists:\n  npm run dev -- ${varArgs(vars).join(" ")}\n(or simply \`npm run dev:lists\`), then \`npm run lists:load\`.`);
}
