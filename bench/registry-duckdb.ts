// The registry's join: the external sort (scripts/registry/disk-grouper.ts) against
// DuckDB (@duckdb/node-api, memory limit + spilling to disk) on the same month, with
// the same parser and the same block writer around them — only the Grouper differs.
// DuckDB is not a project dependency; install it for this bench only:
//   npm install --no-save @duckdb/node-api && npm run bench:registry-duckdb -- <month folder>
// Runs each variant once, external sort first; prints wall time, CPU and peak RSS per
// variant, and checks both wrote the same blocks.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildMonth, type Grouper, type ObjectSink } from "../src/registry/build";
import { addToGroup, emptyGroup, type Grouped, type ParsedRow } from "../src/registry/record";
import { DiskGrouper } from "../scripts/registry/disk-grouper";
import { folderSource } from "../scripts/registry/node-io";

const folder = resolve(process.argv.slice(2).find((a) => a !== "--") ?? "../shared/cnpj/2026-08");
const MEMORY_LIMIT = process.env.BENCH_DUCKDB_MEMORY ?? "512MB";

class DuckDbGrouper implements Grouper {
  private appender: any;
  private constructor(private readonly conn: any) {}

  static async create(dir: string): Promise<DuckDbGrouper> {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(join(dir, "join.duckdb"), {
      memory_limit: MEMORY_LIMIT,
      temp_directory: join(dir, "spill"),
      threads: "2",
      preserve_insertion_order: "false",
    });
    const conn = await db.connect();
    await conn.run("CREATE TABLE rows (root VARCHAR, kind VARCHAR, row VARCHAR)");
    const g = new DuckDbGrouper(conn);
    g.appender = await conn.createAppender("rows");
    return g;
  }

  add(r: ParsedRow): void {
    this.appender.appendVarchar(r.root);
    this.appender.appendVarchar(r.kind);
    this.appender.appendVarchar(JSON.stringify(r.row));
    this.appender.endRow();
  }

  async *groups(): AsyncIterable<[string, Grouped]> {
    this.appender.closeSync();
    // ORDER BY spills to temp_directory under the memory limit; GROUP BY with list()
    // does not (it ran out of memory at 512 MB on the 1M-company month), so rows come
    // sorted and are grouped here, one root at a time.
    const result = await this.conn.stream("SELECT root, kind, row FROM rows ORDER BY root");
    let root: string | null = null;
    let g = emptyGroup();
    for await (const chunk of result.yieldRowsJs()) {
      for (const [r, kind, row] of chunk as [string, string, string][]) {
        if (r !== root) {
          if (root !== null) yield [root, g];
          root = r;
          g = emptyGroup();
        }
        addToGroup(g, { kind, root: r, row: JSON.parse(row) } as ParsedRow);
      }
    }
    if (root !== null) yield [root, g];
  }
}

async function variant(name: string, make: (dir: string) => Promise<Grouper>) {
  const dir = mkdtempSync(join(tmpdir(), `registry-${name}-`));
  const blocks = new Map<string, number>();
  const sink: ObjectSink = { put: async (k, b) => void blocks.set(k, b.length) };
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const manifest = await buildMonth({ month: "2026-08", buildId: "bld_bench", source: folderSource(folder), grouper: await make(dir), sink, now: () => new Date(0) });
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU (this process), peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB, ` +
        `${manifest.counts.companies} companies, ${manifest.blocks} blocks, ${manifest.block_bytes} bytes`,
    );
    return [...blocks.entries()].sort().join(";");
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`month: ${folder}; DuckDB memory_limit ${MEMORY_LIMIT}, 2 threads`);
const a = await variant("external sort", async (dir) => new DiskGrouper(join(dir, "p")));
const b = await variant("duckdb", (dir) => DuckDbGrouper.create(dir));
console.log(a === b ? "same blocks (names and sizes)" : "DIFFERENT blocks");
