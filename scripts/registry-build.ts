// `npm run registry:build -- <month folder> [options]`: builds one month of the
// Receita's CNPJ data off-Worker (src/registry/build.ts with the external sort of
// scripts/registry/disk-grouper.ts) and, by default, into the local state that
// `npm run dev` uses (.wrangler/state, or DEV_STATE_DIR): blocks and index into
// the local REGISTRY bucket, the build in the local D1, then the same checks and
// switch the Worker runs (src/registry/service.ts publishBuild). Says what it did.
//
//   npm run registry:build -- ../shared/cnpj/2026-08
//   npm run registry:build -- --month 2026-08 --from https://…/webdav/2026-08   (over HTTP)
//   npm run registry:build -- ../shared/cnpj/2026-08 --to dir:/tmp/out          (objects to a folder, no D1)
//   npm run registry:build -- --from <url> --month M --to r2 --build-id bld_… --prefix cnpj/M/bld_…/
//       (a runner: R2 through its S3 API, the build the Worker started; the Worker's minute
//        check publishes it, or records failed.json — .github/workflows/registry.yml)
//
// Options: --month YYYY-MM (default: the folder's name), --from URL (read over
// HTTP instead of a folder), --to local|dir:<path>|r2, --work-dir <dir> (the sort's
// partitions; default a temp folder), --control-rows "ROOT=PREFIX;…" (default:
// Banco do Brasil, Petrobras, Caixa over HTTP; none for a local folder, whose
// synthetic companies have no such rows), --max-drop 0.05, --block-bytes N.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BuildError, buildMonth, FAILED_KEY, type ObjectSink, type ReleaseSource } from "../src/registry/build";
import { createDb } from "../src/db/client";
import { DEFAULT_MAX_DROP, isRegistryMonth, parseControlRows } from "../src/domain/registry";
import { failBuild, publishBuild, startBuild } from "../src/registry/service";
import { DiskGrouper } from "./registry/disk-grouper";
import { folderSink, folderSource, httpSource, r2Sink } from "./registry/node-io";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function parseArgs(argv: string[]) {
  const opts: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") continue;
    if (a.startsWith("--")) {
      const [k, v] = a.includes("=") ? [a.slice(2, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a.slice(2), argv[++i]];
      if (v === undefined) throw new Error(`--${k} needs a value`);
      opts[k] = v;
    } else positional.push(a);
  }
  return { opts, positional };
}

/** Ends the build with a message and exit code 2; clean-up (`finally`) still runs. */
class Stop extends Error {}
function fail(message: string): never {
  throw new Stop(message);
}

process.on("uncaughtException", (err) => {
  if (!(err instanceof Stop)) throw err;
  console.error(`registry:build: ${err.message}`);
  process.exit(2);
});
const { opts, positional } = parseArgs(process.argv.slice(2));
const folder = positional[0];
if (!folder && !opts.from) fail("give the month's folder (npm run registry:build -- ../shared/cnpj/2026-08) or --from URL");
const month = opts.month ?? (folder ? basename(resolve(folder)) : "");
if (!isRegistryMonth(month)) fail(`month "${month}" is not YYYY-MM (2021-03 or later): name it with --month`);
const source: ReleaseSource = opts.from ? httpSource(opts.from) : folderSource(folder);
const controls = opts["control-rows"] !== undefined ? parseControlRows(opts["control-rows"]) : opts.from ? parseControlRows(undefined) : [];
if (!controls) fail('--control-rows: "ROOT=PREFIX;ROOT=PREFIX" (8-character roots)');
const maxDrop = opts["max-drop"] !== undefined ? Number(opts["max-drop"]) : DEFAULT_MAX_DROP;
if (!(maxDrop >= 0 && maxDrop < 1)) fail("--max-drop: a fraction in [0, 1)");
const target = opts.to ?? "local";
const workDir = opts["work-dir"] ? resolve(opts["work-dir"]) : mkdtempSync(join(tmpdir(), "registry-build-"));
const blockBytes = opts["block-bytes"] ? Number(opts["block-bytes"]) : undefined;

const started = Date.now();
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const log = (line: string) => console.log(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s  ${line}`);

async function buildWith(sink: ObjectSink, buildId: string) {
  const grouper = new DiskGrouper(join(workDir, "partitions"));
  const manifest = await buildMonth({ month, buildId, source, grouper, sink, blockBytes, now: () => new Date(), log });
  log(`sort: ${grouper.partitions} partitions, largest ${mb(grouper.largestPartition)}, ${mb(grouper.written)} written to ${workDir}`);
  return manifest;
}

function summary(manifest: Awaited<ReturnType<typeof buildWith>>) {
  const secs = (Date.now() - started) / 1000;
  console.log(
    `\n${manifest.month} (extração ${manifest.extraction_date}): ${manifest.counts.companies} empresas, ${manifest.counts.establishments} estabelecimentos, ` +
      `${manifest.counts.partners} sócios; ${manifest.blocks} blocos, ${mb(manifest.block_bytes)} — ${secs.toFixed(1)} s, pico de memória ${mb(peakRss)}`,
  );
}

try {
  if (target.startsWith("dir:")) {
    const out = resolve(target.slice(4));
    const manifest = await buildWith(folderSink(out), "bld_local");
    summary(manifest);
    console.log(`objects written to ${out} (no D1, nothing published)`);
  } else if (target === "local") {
    const stateDir = process.env.DEV_STATE_DIR ? resolve(process.env.DEV_STATE_DIR) : join(root, ".wrangler", "state");
    // The same local D1 `npm run dev` migrates: apply whatever is missing (CI=true: no prompt).
    process.env.PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ""}`;
    execFileSync(join(root, "node_modules", ".bin", "wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, CI: "true" },
    });
    const { getPlatformProxy } = await import("wrangler");
    const proxy = await getPlatformProxy<Env>({ configPath: join(root, "wrangler.toml"), persist: { path: join(stateDir, "v3") }, remoteBindings: false });
    try {
      const db = createDb(proxy.env.DB);
      const bucket = proxy.env.REGISTRY;
      const { row } = await startBuild(db, month, source.description, new Date());
      log(`build ${row.id}: ${source.description} → local R2 ${row.prefix} (state ${stateDir})`);
      const sink: ObjectSink = { put: async (key, body, contentType) => void (await bucket.put(`${row.prefix}${key}`, body, { httpMetadata: { contentType } })) };
      try {
        const manifest = await buildWith(sink, row.id);
        summary(manifest);
      } catch (err) {
        if (!(err instanceof BuildError)) throw err;
        await bucket.put(`${row.prefix}${FAILED_KEY}`, JSON.stringify({ message: err.message }));
        await failBuild(db, row.id, err.message, new Date());
        fail(`${err.message}\nThe build is recorded as error; the month serving before (if any) keeps serving.`);
      }
      const outcome = await publishBuild(db, bucket, row.id, { controls, maxDrop }, new Date());
      if (outcome.status !== "ready") {
        fail(`${month} not published: ${outcome.status === "error" ? outcome.message : "no manifest"}\nThe month serving before (if any) keeps serving.`);
      }
      console.log(
        `${month} now serves in the local state (${controls.length ? `control rows ${controls.map((c) => c.cnpj_root).join(", ")} found` : "no control rows checked"}). ` +
          `With npm run dev running (or started now), look a company up:\n  curl -s http://127.0.0.1:${process.env.PORT ?? "8787"}/api/v1/companies/<cnpj> -H "X-API-Key: $KEY"`,
      );
    } finally {
      await proxy.dispose();
    }
  } else if (target === "r2") {
    const buildId = opts["build-id"];
    const prefix = opts.prefix;
    if (!/^bld_[0-9A-Z]{26}$/.test(buildId ?? "") || prefix !== `cnpj/${month}/${buildId}/`) {
      fail("--to r2 needs --build-id bld_… and --prefix cnpj/<month>/<build id>/ (the build the Worker started: POST /admin/v1/registry/refresh)");
    }
    const sink = await r2Sink(prefix);
    log(`build ${buildId}: ${source.description} → R2 ${prefix}`);
    try {
      summary(await buildWith(sink, buildId));
      console.log("delivered: the Worker's minute check publishes it (or refuses it: GET /admin/v1/registry)");
    } catch (err) {
      // Tell the Worker now rather than at its timeout: the minute check records this message.
      const message = err instanceof BuildError ? err.message : `O construtor falhou: ${(err as Error).message}`.slice(0, 500);
      await sink.put(FAILED_KEY, new TextEncoder().encode(JSON.stringify({ message })), "application/json");
      throw err;
    }
  } else fail(`--to ${target}: use local, dir:<path> or r2`);
} catch (err) {
  if (!(err instanceof Stop || err instanceof BuildError)) throw err;
  console.error(`registry:build: ${err.message}`);
  process.exitCode = 2;
} finally {
  clearInterval(sampler);
  if (!opts["work-dir"]) rmSync(workDir, { recursive: true, force: true });
}
