// Screening list parsers (issue 9): parse-only peak memory and CPU at today's
// full list sizes, in Node, one fresh process per case.
//
//   npx tsx bench/lists-parse.ts
//
// Synthetic inputs of the real size come from src/screening/parsers/synthetic.ts
// and are written once to bench/out/lists/ (git-ignored); the real UN file and
// the 2019 OFAC SDN snapshot are read from ../shared/lists when present. Each
// case runs in its own process (`--expose-gc`), reads its files from disk in
// 64 KiB chunks (as a fetch body arrives) and counts entities without keeping
// them: what it measures is what the parser itself holds while streaming.
//
// Columns: CPU = process.cpuUsage() (user + system) across the parse; heap Δ =
// peak V8 heapUsed + arrayBuffers (the parser's strings, objects and byte
// buffers), sampled every 250 entities, minus
// that sum just before the parse (after a GC) — garbage not yet collected
// included; live heap Δ = the same from a second run that forces a GC every
// 500 entities and samples right after it, i.e. what the parser really holds; peak RSS = the process's
// resourceUsage().maxRSS, which includes Node and tsx themselves (their share is
// the "RSS before" column); a third run caps V8's old space and must finish.
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LIST_PARSERS, type ListFiles } from "../src/screening/lists";
import { syntheticEuXml, syntheticOfac, syntheticPepZip } from "../src/screening/parsers/synthetic";
import type { ByteSource, ListId } from "../src/screening/types";

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, "out", "lists");
const SHARED = join(HERE, "..", "..", "shared", "lists");

interface Case {
  name: string;
  list: ListId;
  files: Partial<Record<keyof ListFiles, string>>;
}

const CASES: Case[] = [
  {
    name: "OFAC SDN, synthetic 20k entries / 30k aliases",
    list: "ofac_sdn",
    files: { primary: "sdn/SDN.CSV", alt: "sdn/ALT.CSV", add: "sdn/ADD.CSV", comments: "sdn/SDN_COMMENTS.CSV" },
  },
  { name: "CGU PEP, synthetic ZIP of 70k rows", list: "cgu_pep", files: { primary: "pep/202611_PEP.zip" } },
  { name: "EU FSF 1.1, synthetic 6,000 subjects", list: "eu_fsf", files: { primary: "eu/eu-fsf.xml" } },
  { name: "UN consolidated, real (2026-02-27)", list: "un_sc", files: { primary: "shared:un/consolidated.xml" } },
  {
    name: "OFAC SDN, real 2019 snapshot (7.4k)",
    list: "ofac_sdn",
    files: {
      primary: "shared:ofac-sdn/sdn.csv",
      alt: "shared:ofac-sdn/alt.csv",
      add: "shared:ofac-sdn/add.csv",
      comments: "shared:ofac-sdn/sdn_comments.csv",
    },
  },
];

/** V8 old-space cap for the third run of each case; Node itself takes ~10 MB of it. */
const HEAP_CAP_MB = 48;

const pathOf = (f: string) => (f.startsWith("shared:") ? join(SHARED, f.slice(7)) : join(OUT, f));

async function writeStream(path: string, src: ByteSource): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const parts: Uint8Array[] = [];
  for await (const c of src) parts.push(c);
  writeFileSync(path, Buffer.concat(parts));
}

async function generate(): Promise<void> {
  if (existsSync(join(OUT, "eu", "eu-fsf.xml"))) return;
  const sdn = syntheticOfac();
  await writeStream(join(OUT, "sdn/SDN.CSV"), sdn.primary);
  await writeStream(join(OUT, "sdn/ALT.CSV"), sdn.alt);
  await writeStream(join(OUT, "sdn/ADD.CSV"), sdn.add);
  await writeStream(join(OUT, "sdn/SDN_COMMENTS.CSV"), sdn.comments);
  await writeStream(join(OUT, "pep/202611_PEP.zip"), syntheticPepZip());
  await writeStream(join(OUT, "eu/eu-fsf.xml"), syntheticEuXml());
}

async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  for await (const c of createReadStream(path, { highWaterMark: 65536 })) yield new Uint8Array(c as Buffer);
}

interface Result {
  entities: number;
  names: number;
  input_bytes: number;
  wall_ms: number;
  cpu_ms: number;
  rss_before_mb: number;
  peak_rss_mb: number;
  heap_delta_mb: number;
}

async function runOne(c: Case, live: boolean): Promise<Result> {
  const files = {} as ListFiles;
  let inputBytes = 0;
  for (const [role, f] of Object.entries(c.files)) {
    const p = pathOf(f!);
    inputBytes += statSync(p).size;
    (files as Record<string, ByteSource>)[role] = fileChunks(p);
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const mem = () => {
    const m = process.memoryUsage();
    // `external` is left out: it counts Node's own native buffers (the file stream's), and it already includes arrayBuffers.
    return m.heapUsed + m.arrayBuffers;
  };
  const before = mem();
  const rssBefore = process.memoryUsage.rss();
  let peak = before;
  let entities = 0;
  let names = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for await (const e of LIST_PARSERS[c.list](files, { asOf: "2026-11-30" })) {
    entities++;
    names += 1 + e.aliases.length;
    if (live) {
      // Collect first, so the sample is what the parser still holds, not garbage V8 has yet to reclaim.
      if (entities % 500 === 0) {
        gc?.();
        peak = Math.max(peak, mem());
      }
    } else if (entities % 250 === 0) peak = Math.max(peak, mem());
  }
  peak = Math.max(peak, mem());
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const MB = 1024 * 1024;
  return {
    entities,
    names,
    input_bytes: inputBytes,
    wall_ms: Math.round(wall),
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    rss_before_mb: +(rssBefore / MB).toFixed(1),
    peak_rss_mb: +((process.resourceUsage().maxRSS * 1024) / MB).toFixed(1),
    heap_delta_mb: +((peak - before) / MB).toFixed(1),
  };
}

const [mode, arg] = process.argv.slice(2);
if (mode === "one") {
  const c = CASES[Number(arg)];
  process.stdout.write(JSON.stringify(await runOne(c, process.argv[4] === "live")) + "\n");
} else {
  await generate();
  const rows: string[] = [];
  for (let i = 0; i < CASES.length; i++) {
    const c = CASES[i];
    if (Object.values(c.files).some((f) => !existsSync(pathOf(f!)))) {
      rows.push(`| ${c.name} | (input not found) | | | | | | | | |`);
      continue;
    }
    const run = (extra: string[], live: boolean) => {
      const child = spawnSync(
        process.execPath,
        ["--expose-gc", ...extra, ...process.execArgv, fileURLToPath(import.meta.url), "one", String(i), live ? "live" : "timed"],
        { encoding: "utf8" },
      );
      if (child.status !== 0) throw new Error(`${c.name}: ${child.stderr}`);
      return JSON.parse(child.stdout.trim().split("\n").pop()!) as Result;
    };
    const r = run([], false);
    const live = run([], true);
    // The same parse with V8's old space capped at HEAP_CAP_MB: it must finish (no out-of-memory).
    const capped = run([`--max-old-space-size=${HEAP_CAP_MB}`], false);
    rows.push(
      `| ${c.name} | ${(r.input_bytes / 1024 / 1024).toFixed(1)} MiB | ${r.entities} | ${r.names} | ${r.cpu_ms} | ${r.wall_ms} | ${r.heap_delta_mb} | ${live.heap_delta_mb} | ${r.rss_before_mb} → ${r.peak_rss_mb} | ${capped.entities === r.entities ? "ok" : "FAIL"} (${capped.cpu_ms} ms) |`,
    );
  }
  console.log("Command: npx tsx bench/lists-parse.ts");
  console.log(`Date: ${new Date().toISOString()}`);
  console.log(`Machine: ${availableParallelism()} × ${cpus()[0]?.model ?? "?"}, Node ${process.version}`);
  console.log("");
  console.log(`| input | size | entities | names | CPU ms | wall ms | heap Δ MB | live heap Δ MB | RSS before → peak MB | old space ≤ ${HEAP_CAP_MB} MB |`);
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) console.log(r);
}
