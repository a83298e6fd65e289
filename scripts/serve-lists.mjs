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

/**
 * LIST_URL_<ID> → URL, for the lists whose files are in `dir` (OFAC needs its
 * primary, ALT and ADD files; the comments file is optional).
 */
export function listUrls(dir, base) {
  const vars = {};
  const ofac = (id, folder, required) => {
    if (required.every((n) => findFile(dir, folder, n))) vars[`LIST_URL_${id}`] = `${base}/${folder}/`;
  };
  ofac("OFAC_SDN", "ofac-sdn", ["SDN.CSV", "ALT.CSV", "ADD.CSV"]);
  ofac("OFAC_CONS", "ofac-cons", ["CONS_PRIM.CSV", "CONS_ALT.CSV", "CONS_ADD.CSV"]);
  const single = (id, folder, name) => {
    if (name && findFile(dir, folder, name)) vars[`LIST_URL_${id}`] = `${base}/${folder}/${encodeURIComponent(name)}`;
  };
  single("UN_SC", "un", "consolidated.xml");
  single("EU_FSF", "eu", firstWithExt(dir, "eu", ".xml"));
  single("UK_FCDO", "uk", firstWithExt(dir, "uk", ".xml"));
  single("CGU_CEIS", "br", "ceis.zip");
  single("CGU_CNEP", "br", "cnep.zip");
  single("CGU_PEP", "br", "pep.zip");
  single("MTE_EMPREGADORES", "br", "cadastro_empregadores.csv");
  return vars;
}

/** Starts the server on 127.0.0.1 (port 0: any free one). Resolves to { url, vars, close }. */
export function startListServer({ dir = DEFAULT_LISTS_DIR, port = 8790 } = {}) {
  const folder = resolve(dir);
  if (!existsSync(folder)) throw new Error(`no such folder: ${folder}`);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const parts = path.split("/").filter(Boolean);
    const file = parts.length === 2 && !parts.some((p) => p === ".." || p.includes("\\")) ? findFile(folder, parts[0], parts[1]) : null;
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
      ok({ url, vars: listUrls(folder, url), close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

/** `--var K:V` arguments for `wrangler dev` / `npm run dev --`. */
export const varArgs = (vars) => Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]);

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv.slice(2).find((a) => a !== "--") ?? process.env.LISTS_DIR ?? DEFAULT_LISTS_DIR;
  const { url, vars } = await startListServer({ dir, port: Number(process.env.LISTS_PORT ?? 8790) });
  console.log(`Serving ${resolve(dir)} on ${url}\n`);
  for (const [k, v] of Object.entries(vars)) console.log(`  ${k}=${v}`);
  console.log(`\nStart the API with these lists:\n  npm run dev -- ${varArgs(vars).join(" ")}\n(or simply \`npm run dev:lists\`), then \`npm run lists:load\`.`);
}
