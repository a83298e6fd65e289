// The ingest's inspect pass (src/screening/ingest.ts inspectFile): each stored
// CSV read whole — unzipped when it is a ZIP — to find the one encoding that
// reads all of it before the parse, in Node, one fresh process per case.
//
//   npx tsx bench/lists-inspect.ts
//
// What it shows: the pass streams (memory does not grow with the file: a ZIP
// ten times today's largest list holds what today's does), what it costs next
// to the parse it precedes (bench/lists-parse.ts), and how soon a zip bomb is
// refused. Inputs are synthetic (src/screening/parsers/synthetic.ts, written
// once to bench/out/lists-inspect/) plus the real 2019 OFAC SDN snapshot of
// ../shared/lists when present; files are read from disk in 64 KiB chunks, as
// an R2 body arrives.
//
// Columns: CPU = process.cpuUsage() across the pass; live JS heap Δ = the
// largest V8 heapUsed sampled right after a forced GC every 16 input chunks
// (the strings and objects the pass really holds), minus that value before it
// (ArrayBuffers are left out: their accounting lags the GC by ~10 MB either
// way, too noisy to sample; RSS shows them); peak RSS includes Node and tsx
// themselves (the "before" value); a second run caps V8's old space at 32 MB
// and must end the same way.
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspectFile } from "../src/screening/ingest";
import { syntheticOfac, syntheticPepZip } from "../src/screening/parsers/synthetic";
import type { ByteSource, ListId } from "../src/screening/types";
import { zipBomb } from "../test/helpers/zip-bomb";

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, "out", "lists-inspect");
const SHARED = join(HERE, "..", "..", "shared", "lists");

interface Case {
  name: string;
  list: ListId;
  file: string;
}

const CASES: Case[] = [
  { name: "OFAC SDN.CSV, synthetic 20k entries", list: "ofac_sdn", file: "sdn/SDN.CSV" },
  { name: "OFAC SDN.CSV, real 2019 snapshot", list: "ofac_sdn", file: "shared:ofac-sdn/sdn.csv" },
  { name: "CGU PEP, synthetic ZIP of 70k rows", list: "cgu_pep", file: "pep/70k.zip" },
  { name: "CGU PEP, synthetic ZIP of 700k rows (10× today)", list: "cgu_pep", file: "pep/700k.zip" },
  { name: "zip bomb: 300 KB inflating to 300 MB", list: "cgu_ceis", file: "bomb/300mb.zip" },
];

/** V8 old-space cap of the second run of each case. */
const HEAP_CAP_MB = 32;

const pathOf = (f: string) => (f.startsWith("shared:") ? join(SHARED, f.slice(7)) : join(OUT, f));

async function write(path: string, src: ByteSource | Uint8Array): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  if (src instanceof Uint8Array) return writeFileSync(path, src);
  const parts: Uint8Array[] = [];
  for await (const c of src) parts.push(c);
  writeFileSync(path, Buffer.concat(parts));
}

async function generate(): Promise<void> {
  if (!existsSync(pathOf("sdn/SDN.CSV"))) await write(pathOf("sdn/SDN.CSV"), syntheticOfac().primary);
  if (!existsSync(pathOf("pep/70k.zip"))) await write(pathOf("pep/70k.zip"), syntheticPepZip());
  if (!existsSync(pathOf("pep/700k.zip"))) await write(pathOf("pep/700k.zip"), syntheticPepZip({ rows: 700_000 }));
  if (!existsSync(pathOf("bomb/300mb.zip"))) await write(pathOf("bomb/300mb.zip"), zipBomb(300));
}

interface Result {
  input_bytes: number;
  outcome: string;
  wall_ms: number;
  cpu_ms: number;
  rss_before_mb: number;
  peak_rss_mb: number;
  live_heap_max_mb: number;
}

async function runOne(c: Case): Promise<Result> {
  const path = pathOf(c.file);
  const gc = (globalThis as { gc?: () => void }).gc!;
  const mem = () => {
    return process.memoryUsage().heapUsed;
  };
  gc();
  const before = mem();
  const rssBefore = process.memoryUsage.rss();
  const samples: number[] = [];
  let chunks = 0;
  async function* fileChunks(): AsyncGenerator<Uint8Array> {
    for await (const c of createReadStream(path, { highWaterMark: 65536 })) {
      if (++chunks % 16 === 0) {
        gc();
        samples.push(mem() - before);
      }
      yield new Uint8Array(c as Buffer);
    }
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let outcome: string;
  try {
    const facts = await inspectFile(c.list, "primary", async () => fileChunks());
    outcome = `encoding ${facts.encoding}`;
  } catch (err) {
    outcome = `refused: ${(err as Error).message.slice(0, 60)}…`;
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  gc();
  samples.push(mem() - before);
  const MB = 1024 * 1024;
  return {
    input_bytes: statSync(path).size,
    outcome,
    wall_ms: Math.round(wall),
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    rss_before_mb: +(rssBefore / MB).toFixed(1),
    peak_rss_mb: +((process.resourceUsage().maxRSS * 1024) / MB).toFixed(1),
    live_heap_max_mb: +(Math.max(...samples) / MB).toFixed(1),
  };
}

const [mode, arg] = process.argv.slice(2);
if (mode === "one") {
  process.stdout.write(JSON.stringify(await runOne(CASES[Number(arg)])) + "\n");
} else {
  await generate();
  const rows: string[] = [];
  for (let i = 0; i < CASES.length; i++) {
    const c = CASES[i];
    if (!existsSync(pathOf(c.file))) {
      rows.push(`| ${c.name} | (input not found) | | | | | | |`);
      continue;
    }
    const run = (extra: string[]) => {
      const child = spawnSync(process.execPath, ["--expose-gc", ...extra, ...process.execArgv, fileURLToPath(import.meta.url), "one", String(i)], { encoding: "utf8" });
      if (child.status !== 0) throw new Error(`${c.name}: ${child.stderr}`);
      return JSON.parse(child.stdout.trim().split("\n").pop()!) as Result;
    };
    const r = run([]);
    const capped = run([`--max-old-space-size=${HEAP_CAP_MB}`]);
    rows.push(
      `| ${c.name} | ${(r.input_bytes / 1024 / 1024).toFixed(1)} MiB | ${r.outcome} | ${r.cpu_ms} | ${r.wall_ms} | ${r.live_heap_max_mb} | ${r.rss_before_mb} → ${r.peak_rss_mb} | ${capped.outcome === r.outcome ? "ok" : "FAIL"} |`,
    );
  }
  console.log("Command: npx tsx bench/lists-inspect.ts");
  console.log(`Date: ${new Date().toISOString()}`);
  console.log(`Machine: ${availableParallelism()} × ${cpus()[0]?.model ?? "?"}, Node ${process.version}`);
  console.log("");
  console.log(`| input | size | outcome | CPU ms | wall ms | live JS heap Δ MB | RSS before → peak MB | old space ≤ ${HEAP_CAP_MB} MB |`);
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows) console.log(r);
}
