// The join of a real month in bounded memory: an external bucket sort.
// Pass 1 (add): every parsed row is appended to the partition file of its
// root's first characters (the parts of the release are not ranges, so any
// row can go to any partition); buffers are small and flushed by size.
// Pass 2 (groups): partitions in root order, one at a time: read, group per
// root, sort, hand over, delete. A partition larger than the memory budget is
// split again on the next character before it is read. Peak memory is about
// one partition plus the write buffers, whatever the month's size; disk is
// the rows kept (no e-mail or telephone) gzipped at level 1 — each append is its own
// gzip member, and concatenated members are one valid gzip stream — freed as pass 2
// goes: a real month's ~26 GB of rows take ~5 GB, which a hosted runner's disk holds.
import { appendFileSync, createReadStream, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { constants, createGunzip, gunzipSync, gzipSync } from "node:zlib";

const gz = (text: string) => gzipSync(text, { level: constants.Z_BEST_SPEED });
import type { Grouper } from "../../src/registry/build";
import { addToGroup, emptyGroup, type Grouped, type ParsedRow } from "../../src/registry/record";

const KIND_CODE = { empresas: "E", estabelecimentos: "S", socios: "P", simples: "M" } as const;
const KIND_OF: Record<string, ParsedRow["kind"]> = { E: "empresas", S: "estabelecimentos", P: "socios", M: "simples" };

export interface DiskGrouperOptions {
  /** Characters of the root that name a partition (3: ~1,000 partitions of a real month, ~25 MB each). */
  prefixLength?: number;
  /** A partition file (compressed) larger than this is split again before it is read (bounds pass 2's memory: ~5× this in text). */
  maxPartitionBytes?: number;
  /** Bytes buffered per partition before an append. */
  bufferBytes?: number;
  /** Bytes buffered across partitions before every buffer is written. */
  totalBufferBytes?: number;
}

export class DiskGrouper implements Grouper {
  private readonly buffers = new Map<string, string[]>();
  private readonly bufferSizes = new Map<string, number>();
  private buffered = 0;
  private readonly prefixLength: number;
  private readonly maxPartitionBytes: number;
  private readonly bufferBytes: number;
  private readonly totalBufferBytes: number;
  /** Compressed bytes written to partition files (the disk pass 1 needs). */
  written = 0;
  partitions = 0;
  largestPartition = 0;

  constructor(
    private readonly dir: string,
    opts: DiskGrouperOptions = {},
  ) {
    this.prefixLength = opts.prefixLength ?? 3;
    this.maxPartitionBytes = opts.maxPartitionBytes ?? 16 * 1024 * 1024;
    this.bufferBytes = opts.bufferBytes ?? 64 * 1024;
    this.totalBufferBytes = opts.totalBufferBytes ?? 16 * 1024 * 1024;
    mkdirSync(dir, { recursive: true });
  }

  add(row: ParsedRow): void {
    const key = row.root.slice(0, this.prefixLength);
    const line = `${row.root}\t${KIND_CODE[row.kind]}\t${JSON.stringify(row.row)}\n`;
    let buf = this.buffers.get(key);
    if (!buf) this.buffers.set(key, (buf = []));
    buf.push(line);
    const size = (this.bufferSizes.get(key) ?? 0) + line.length;
    this.bufferSizes.set(key, size);
    this.buffered += line.length;
    if (size >= this.bufferBytes) this.flush(key);
    if (this.buffered >= this.totalBufferBytes) for (const k of [...this.buffers.keys()]) this.flush(k);
  }

  private flush(key: string): void {
    const buf = this.buffers.get(key);
    if (!buf || buf.length === 0) return;
    const bytes = gz(buf.join(""));
    appendFileSync(join(this.dir, `p-${key}`), bytes);
    this.written += bytes.length;
    this.buffered -= this.bufferSizes.get(key) ?? 0;
    this.buffers.set(key, []);
    this.bufferSizes.set(key, 0);
  }

  async *groups(): AsyncIterable<[string, Grouped]> {
    for (const k of [...this.buffers.keys()]) this.flush(k);
    this.buffers.clear();
    this.bufferSizes.clear();
    const keys = readdirSync(this.dir)
      .filter((f) => f.startsWith("p-"))
      .map((f) => f.slice(2))
      .sort();
    for (const key of keys) yield* this.partition(key);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** One partition's groups in root order; split on the next root character first when it is too large. */
  private async *partition(key: string): AsyncGenerator<[string, Grouped]> {
    const path = join(this.dir, `p-${key}`);
    const size = statSync(path).size;
    if (size > this.maxPartitionBytes && key.length < 8) {
      for (const sub of await this.split(key, path)) yield* this.partition(sub);
      return;
    }
    this.partitions++;
    this.largestPartition = Math.max(this.largestPartition, size);
    const text = gunzipSync(readFileSync(path)).toString("utf8");
    rmSync(path);
    const byRoot = new Map<string, Grouped>();
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      const t1 = text.indexOf("\t", start);
      const root = text.slice(start, t1);
      const kind = KIND_OF[text[t1 + 1]];
      let g = byRoot.get(root);
      if (!g) byRoot.set(root, (g = emptyGroup()));
      addToGroup(g, { kind, root, row: JSON.parse(text.slice(t1 + 3, end)) } as ParsedRow);
      start = end + 1;
    }
    for (const root of [...byRoot.keys()].sort()) yield [root, byRoot.get(root) as Grouped];
  }

  /** Splits a partition file by the next root character, streaming it (bounded buffers); returns the new keys in order. */
  private async split(key: string, path: string): Promise<string[]> {
    const subs = new Set<string>();
    const buffers = new Map<string, string[]>();
    let buffered = 0;
    const flushAll = () => {
      for (const [sub, lines] of buffers) if (lines.length) appendFileSync(join(this.dir, `p-${sub}`), gz(lines.join("")));
      buffers.clear();
      buffered = 0;
    };
    const lines = createInterface({ input: createReadStream(path, { highWaterMark: 1 << 20 }).pipe(createGunzip()).setEncoding("utf8"), crlfDelay: Infinity });
    for await (const line of lines) {
      const sub = line.slice(0, key.length + 1);
      subs.add(sub);
      let list = buffers.get(sub);
      if (!list) buffers.set(sub, (list = []));
      list.push(`${line}\n`);
      buffered += line.length + 1;
      if (buffered >= this.totalBufferBytes) flushAll();
    }
    flushAll();
    rmSync(path);
    return [...subs].sort();
  }
}
