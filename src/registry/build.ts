// The monthly build (contract §18): read the month's 37 ZIPs as they stream,
// join every row per CNPJ root, and write the joined companies, sorted by root,
// as immutable gzip blocks plus a small index under the build's own prefix.
// Where the join's rows wait between reading and packing is the Grouper's
// business: in memory for a small month (tests), on disk in bounded memory for
// a real one (scripts/registry/disk-grouper.ts, run off-Worker: a real month's
// join does not fit a Worker's 128 MB). The manifest is written last: a build
// prefix without one is incomplete and never serves.
import { extractionDateOf } from "../domain/registry";
import { csvRows, decodeAuto, peek, unzipFirstFile, type ZipLimits } from "../screening/parsers/stream";
import type { ByteSource } from "../screening/types";
import { COLUMNS, RELEASE_FILES, isTableKind, memberToken, type DataKind, type ReleaseFile, type TableKind } from "./layout";
import { emptyGroup, addToGroup, encodeRecord, parseDataRow, toRecord, type Grouped, type ParsedRow } from "./record";

/** Where a month's files are read from: a folder, the official share, a test's bytes. */
export interface ReleaseSource {
  /** Where from, for the build's record. */
  readonly description: string;
  /** The file's size in bytes, or null when the month has no such file. */
  size(name: string): Promise<number | null>;
  open(name: string): Promise<ByteSource>;
}

/** Collects parsed rows and gives them back grouped per root, in ascending root order. */
export interface Grouper {
  add(row: ParsedRow): void | Promise<void>;
  groups(): AsyncIterable<[string, Grouped]>;
}

/** Where the build's objects go: R2 (binding or S3 API), a local folder. Keys are relative to the build's prefix. */
export interface ObjectSink {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
}

export type ReferenceTables = Record<TableKind, Record<string, string>>;

export interface BuildManifest {
  format: 1;
  month: string;
  build_id: string;
  extraction_date: string;
  built_at: string;
  source: string;
  counts: { companies: number; establishments: number; partners: number; simples: number };
  /** Rows read per file, and rows skipped because their CNPJ root or order was malformed. */
  files: Record<string, { member: string; bytes: number; rows: number; skipped: number }>;
  blocks: number;
  /** Compressed bytes of every block. */
  block_bytes: number;
}

/**
 * The index: the first root of every block, 8 characters each, end to end (block i
 * is `blocks/<i, 6 digits>.gz`; one string, not an array: a real month has ~100k
 * blocks, and a new isolate parses this before its first lookup), and the
 * month's reference tables.
 */
export interface BuildIndex {
  format: 1;
  first_roots: string;
  tables: ReferenceTables;
}

export const MANIFEST_KEY = "manifest.json";
/** Written instead of the manifest by a builder that could not finish: `{ "message": "…" }` (pt-BR). */
export const FAILED_KEY = "failed.json";
export const INDEX_KEY = "index.json.gz";
export const blockKey = (i: number) => `blocks/${String(i).padStart(6, "0")}.gz`;

/** A build that cannot finish; its message (pt-BR) becomes the build's `last_error`. */
export class BuildError extends Error {
  override readonly name = "BuildError";
}

export interface BuildOptions {
  month: string;
  buildId: string;
  source: ReleaseSource;
  grouper: Grouper;
  sink: ObjectSink;
  /** Uncompressed bytes per block before it is closed (default 256 KiB: ~60 KB gzip, one R2 read and a short gunzip per lookup). */
  blockBytes?: number;
  now: () => Date;
  /** Progress lines for the operator (file read, rows, blocks written). */
  log?: (line: string) => void;
}

export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function gunzipText(body: ReadableStream<Uint8Array> | Uint8Array): Promise<string> {
  const stream = body instanceof Uint8Array ? new Blob([body]).stream() : body;
  return new Response(stream.pipeThrough(new DecompressionStream("gzip"))).text();
}

/**
 * The text of a release file: a UTF-16 or UTF-8 byte-order mark wins (quirk 5:
 * some batches were reported re-encoded), then valid UTF-8, else ISO-8859-1,
 * the documented encoding.
 */
async function* decodeRelease(bytes: ByteSource): AsyncGenerator<string> {
  const { head, rest } = await peek(bytes, 2);
  const le = head[0] === 0xff && head[1] === 0xfe;
  const be = head[0] === 0xfe && head[1] === 0xff;
  if (!le && !be) {
    yield* decodeAuto(rest, "latin1");
    return;
  }
  const dec = new TextDecoder(le ? "utf-16le" : "utf-16be");
  for await (const chunk of rest) {
    const s = dec.decode(chunk, { stream: true });
    if (s) yield s;
  }
  const tail = dec.decode();
  if (tail) yield tail;
}

/**
 * The month's ZIPs hold a real CSV each (the largest inflates to ~7 GB): the
 * lists' 256 MiB cap does not apply; the ratio still does (CSV compresses 5–10×,
 * a zip bomb ~1,000×), and no member passes 64 GiB.
 */
const RELEASE_ZIP_LIMITS: ZipLimits = { inflatedBytes: 64 * 2 ** 30, inflateRatio: 100, ratioAfterBytes: 16 * 2 ** 20 };

interface FileRead {
  member: string;
  token: string;
  rows: number;
  skipped: number;
}

/** Reads one release file's rows, checking its member name and every row's column count. */
async function readFile(
  file: ReleaseFile,
  source: ReleaseSource,
  onRow: (fields: string[]) => boolean | Promise<boolean>,
): Promise<FileRead> {
  let member = "";
  const bytes = unzipFirstFile(await source.open(file.name), RELEASE_ZIP_LIMITS, (name) => (member = name));
  let rows = 0;
  let skipped = 0;
  let line = 0;
  for await (const fields of csvRows(decodeRelease(bytes), ";")) {
    line++;
    if (fields.length !== COLUMNS[file.kind]) {
      throw new BuildError(
        `${file.name}: a linha ${line} tem ${fields.length} colunas, o layout tem ${COLUMNS[file.kind]} (mudança de layout ou arquivo corrompido).`,
      );
    }
    if (await onRow(fields)) rows++;
    else skipped++;
  }
  const token = memberToken(file, member);
  if (!token) throw new BuildError(`${file.name}: o arquivo interno "${member}" não é o esperado para este arquivo.`);
  return { member, token, rows, skipped };
}

/** Blocks being written at once (a runner's PUTs to R2 take tens of ms each; a real month has ~27k blocks). */
const PUTS_IN_FLIGHT = 8;

/** Packs record lines into gzip blocks of about `target` bytes, in order; up to PUTS_IN_FLIGHT puts run at once. */
class BlockWriter {
  private lines: string[] = [];
  private bytes = 0;
  readonly firstRoots: string[] = [];
  compressed = 0;
  private readonly enc = new TextEncoder();
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;

  constructor(
    private readonly sink: ObjectSink,
    private readonly target: number,
  ) {}

  async add(root: string, line: string): Promise<void> {
    if (this.lines.length === 0) this.firstRoots.push(root);
    this.lines.push(line);
    this.bytes += line.length + 1;
    if (this.bytes >= this.target) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.lines.length === 0) return;
    const body = await gzip(this.enc.encode(this.lines.join("\n")));
    this.lines = [];
    this.bytes = 0;
    this.compressed += body.length;
    const put = this.sink.put(blockKey(this.firstRoots.length - 1), body, "application/gzip").then(
      () => void this.inFlight.delete(put),
      (err: unknown) => {
        this.inFlight.delete(put);
        this.failure ??= err;
      },
    );
    this.inFlight.add(put);
    if (this.inFlight.size >= PUTS_IN_FLIGHT) await Promise.race(this.inFlight);
  }

  /** The last block, then every put still running; throws the first put that failed. */
  async finish(): Promise<void> {
    await this.flush();
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
  }
}

/**
 * Builds one month. Every file must be there (a month missing one is refused
 * before anything is read), every member must carry the same extraction date,
 * and every row must have its layout's column count; otherwise BuildError.
 */
export async function buildMonth(opts: BuildOptions): Promise<BuildManifest> {
  const { source, grouper, sink, month, log = () => {} } = opts;
  const missing: string[] = [];
  const sizes: Record<string, number> = {};
  for (const f of RELEASE_FILES) {
    const size = await source.size(f.name);
    if (size === null) missing.push(f.name);
    else sizes[f.name] = size;
  }
  if (missing.length > 0) {
    throw new BuildError(`Mês ${month} incompleto: ${missing.length === 1 ? "falta o arquivo" : "faltam os arquivos"} ${missing.join(", ")}.`);
  }

  const tables = {} as ReferenceTables;
  const files: BuildManifest["files"] = {};
  let token: string | null = null;
  // The reference tables first: they also name the extraction date, which bounds the data's dates.
  let maxYear = Number(month.slice(0, 4)) + 1;
  for (const f of RELEASE_FILES) {
    const started = Date.now();
    let read: FileRead;
    if (isTableKind(f.kind)) {
      const table: Record<string, string> = {};
      read = await readFile(f, source, (fields) => {
        const code = fields[0].replace(/\0/g, "").trim();
        const label = fields[1].replace(/\0/g, "").replace(/\s+/g, " ").trim();
        if (code === "") return false;
        table[code] = label;
        return true;
      });
      tables[f.kind as TableKind] = table;
    } else {
      const kind = f.kind as DataKind;
      read = await readFile(f, source, async (fields) => {
        const row = parseDataRow(kind, fields, maxYear);
        if (!row) return false;
        await grouper.add(row);
        return true;
      });
    }
    if (token === null) {
      token = read.token;
      const date = extractionDateOf(token, month);
      if (!date) throw new BuildError(`${f.name}: a data de extração "${token}" não corresponde ao mês ${month}.`);
      maxYear = Number(date.slice(0, 4)) + 1;
    } else if (read.token !== token) {
      throw new BuildError(`${f.name}: data de extração ${read.token} diferente da dos outros arquivos (${token}); o mês está misturado.`);
    }
    files[f.name] = { member: read.member, bytes: sizes[f.name], rows: read.rows, skipped: read.skipped };
    log(`${f.name}: ${read.rows} linhas${read.skipped ? ` (${read.skipped} ignoradas)` : ""} em ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  const writer = new BlockWriter(sink, opts.blockBytes ?? 256 * 1024);
  const counts = { companies: 0, establishments: 0, partners: 0, simples: 0 };
  for await (const [root, g] of grouper.groups()) {
    // A root with neither an Empresas row nor an establishment has nothing to look up.
    if (!g.company && g.establishments.length === 0) continue;
    const record = toRecord(root, g);
    if (record.company) counts.companies++;
    counts.establishments += record.establishments.length;
    counts.partners += record.partners.length;
    if (record.simples) counts.simples++;
    await writer.add(root, encodeRecord(record));
  }
  await writer.finish();
  log(`${writer.firstRoots.length} blocos, ${writer.compressed} bytes`);

  const index: BuildIndex = { format: 1, first_roots: writer.firstRoots.join(""), tables };
  const indexBody = await gzip(new TextEncoder().encode(JSON.stringify(index)));
  await sink.put(INDEX_KEY, indexBody, "application/gzip");
  log(`índice: ${indexBody.length} bytes`);
  const manifest: BuildManifest = {
    format: 1,
    month,
    build_id: opts.buildId,
    extraction_date: extractionDateOf(token as string, month) as string,
    built_at: opts.now().toISOString(),
    source: source.description,
    counts,
    files,
    blocks: writer.firstRoots.length,
    block_bytes: writer.compressed,
  };
  await sink.put(MANIFEST_KEY, new TextEncoder().encode(JSON.stringify(manifest, null, 1)), "application/json");
  return manifest;
}

/** Groups in memory: for tests and small months (a few hundred thousand rows). */
export class MemoryGrouper implements Grouper {
  private readonly byRoot = new Map<string, Grouped>();

  add(row: ParsedRow): void {
    let g = this.byRoot.get(row.root);
    if (!g) this.byRoot.set(row.root, (g = emptyGroup()));
    addToGroup(g, row);
  }

  async *groups(): AsyncIterable<[string, Grouped]> {
    const roots = [...this.byRoot.keys()].sort();
    for (const root of roots) yield [root, this.byRoot.get(root) as Grouped];
  }
}
