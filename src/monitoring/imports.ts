// Bulk enrolment (contract §17): POST /api/v1/monitoring/imports with a CSV.
//
// The request streams the body to R2 (multipart, 8 MiB parts: never the whole
// file in memory), checking on the way what can be checked before anything is
// enrolled: the size (≤ 100 MiB), the encoding over the whole file (UTF-8 or
// ISO-8859-1, src/screening/parsers/stream.ts EncodingCensus), the header row
// (`document,name` and the optional columns; `,` or `;`) and the number of
// rows (≤ 1,000,000). Then it answers 202 and the queue takes over: each step
// (an "import" message) reads the next STEP_BYTES from its checkpoint, checks
// every row, writes the good ones as subjects and the bad ones (line and
// reason, document masked) to an errors part in R2, and moves the checkpoint
// — all or nothing, conditional on the checkpoint it read — then queues the
// next step and the new subjects' first screenings. The same file imported
// again enrols nobody twice: a document already monitored is updated.
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { runBatch } from "../db/queries/sql";
import { createDb, type Db } from "../db/client";
import { DomainError } from "../domain/errors";
import { checkSubject, externalIdForErrors, importColumns, importRow, maskedForErrors, rowReason, type CheckedSubject, type ImportColumn } from "../domain/monitoring";
import { toHex } from "../lib/crypto";
import { newestFirstPage, type PageQuery } from "./page";
import { newId } from "../lib/ids";
import type { Services } from "../runs/service";
import { EncodingCensus, FileRefused, latin1ToString } from "../screening/parsers/stream";
import { LIST_IDS, type TextEncoding } from "../screening/types";
import { csvCell, decoderFor, readCsvChunk, sniffDelimiter } from "./csv";
import { outboxStatements, sendOutbox, type MonitoringMessage, type OutboxMessage } from "./messages";
import { enrolmentRows, screenMessages, upsertSubjectsStatement, type UpsertResult } from "./subjects";

/** Contract §17 limits. */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 1_000_000;
/** Bytes a step reads (≈ 10,000 rows of a typical base). */
export const STEP_BYTES = 1024 * 1024;
/** Multipart part size (R2: at least 5 MiB but the last). */
const PART_BYTES = 8 * 1024 * 1024;
/** Rows per upsert statement (D1 caps a statement at 100 KB). */
const UPSERT_ROWS = 250;

export interface ImportView {
  id: string;
  object: "monitoring_import";
  status: "processing" | "completed" | "failed";
  rows_total: number;
  rows_enrolled: number;
  rows_updated: number;
  rows_rejected: number;
  alerts_opened: number;
  error: string | null;
  created_at: string;
  completed_at: string | null;
  livemode: boolean;
}

interface ImportRow {
  id: string;
  tenant_id: string;
  livemode: number;
  status: ImportView["status"];
  object_key: string;
  bytes: number;
  sha256: string;
  encoding: TextEncoding;
  delimiter: string;
  columns: string;
  rows_total: number;
  rows_read: number;
  rows_rejected: number;
  rows_enrolled: number;
  checkpoint: number;
  checkpoint_line: number;
  error: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

type ImportRowView = ImportRow & { alerts_opened: number };

const IMPORT_SELECT = sql.raw(`i.*, (SELECT coalesce(sum(b.alerts), 0) FROM monitoring_batches b WHERE b.job_id = i.id) AS alerts_opened`);

export const importView = (r: ImportRowView): ImportView => ({
  id: r.id,
  object: "monitoring_import",
  status: r.status,
  rows_total: r.rows_total,
  rows_enrolled: r.rows_enrolled,
  rows_updated: Math.max(0, r.rows_read - r.rows_enrolled - r.rows_rejected),
  rows_rejected: r.rows_rejected,
  alerts_opened: Number(r.alerts_opened),
  error: r.error,
  created_at: r.created_at,
  completed_at: r.completed_at,
  livemode: !!r.livemode,
});

async function importRowOf(db: Db, tenantId: string, livemode: boolean, id: string): Promise<ImportRowView | undefined> {
  return (
    await db.all<ImportRowView>(sql`SELECT ${IMPORT_SELECT} FROM monitoring_imports i WHERE i.id = ${id} AND i.tenant_id = ${tenantId} AND i.livemode = ${livemode ? 1 : 0}`)
  )[0];
}

const errorsPrefix = (r: Pick<ImportRow, "tenant_id" | "id">) => `imports/${r.tenant_id}/${r.id}/errors/`;

const refused = (message: string) => new DomainError("invalid_import", `O corpo não é um CSV de cadastro: ${message}.`, "body");
const tooLarge = (message: string) => new DomainError("import_too_large", message, "body");

/** What the request learns of the file while it streams to R2. */
interface Received {
  bytes: number;
  sha256: string;
  encoding: TextEncoding;
  delimiter: number;
  columns: Partial<Record<ImportColumn, number>>;
  /** Byte offset and line of the first data row. */
  dataOffset: number;
  dataLine: number;
  rows: number;
}

/** Streams the body to R2 under `key` while checking it (see the header). Throws invalid_import / import_too_large. */
async function receive(bucket: R2Bucket, key: string, body: ReadableStream<Uint8Array>): Promise<Received> {
  const digest = new crypto.DigestStream("SHA-256");
  const hashing = digest.getWriter();
  const census = new EncodingCensus();
  let upload: R2MultipartUpload | null = null;
  const parts: R2UploadedPart[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let bytes = 0;
  let header: { delimiter: number; columns: Partial<Record<ImportColumn, number>>; offset: number; line: number } | null = null;
  let head: Uint8Array = new Uint8Array(0);
  // Rows are counted by the same tokenizer the steps read with; what a chunk leaves incomplete is carried over.
  let carry: Uint8Array = new Uint8Array(0);
  let line = 1;
  let rows = 0;
  // R2 wants every part but the last of one size: exactly PART_BYTES each, the rest carried to the next.
  const flushPart = async (last = false) => {
    upload ??= await bucket.createMultipartUpload(key, { httpMetadata: { contentType: "text/csv" } });
    const whole = concat(pending, pendingBytes);
    const size = last ? whole.length : PART_BYTES;
    parts.push(await upload.uploadPart(parts.length + 1, whole.subarray(0, size)));
    const rest = whole.slice(size);
    pending = rest.length > 0 ? [rest] : [];
    pendingBytes = rest.length;
  };
  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!value || value.length === 0) continue;
      bytes += value.length;
      if (bytes > MAX_IMPORT_BYTES) throw tooLarge(`O arquivo passa de ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.`);
      await hashing.write(value);
      census.push(value);
      pending.push(value);
      pendingBytes += value.length;
      while (pendingBytes >= PART_BYTES) await flushPart();
      let data: Uint8Array = value;
      if (!header) {
        head = concat([head, value], head.length + value.length);
        const lf = head.indexOf(0x0a);
        if (lf < 0) {
          if (head.length > 64 * 1024) throw refused("a primeira linha (o cabeçalho) passa de 64 KiB");
          continue;
        }
        header = parseHeader(head.subarray(0, lf));
        header.offset = lf + 1;
        data = head.subarray(lf + 1);
        line = 2;
      }
      const joined = concat([carry, data], carry.length + data.length);
      const chunk = readCsvChunk(joined, { delimiter: header.delimiter, line, final: false, decode: null });
      rows += chunk.count + chunk.oversized.length;
      line = chunk.nextLine;
      carry = joined.slice(chunk.consumed);
      // A record no step could read whole (a quote never closed, no line break): refused now, not carried to 100 MiB.
      if (carry.length > STEP_BYTES) throw refused(`a linha ${line} não termina em ${STEP_BYTES / 1024} KiB (aspas sem fechar?)`);
      if (rows > MAX_IMPORT_ROWS) throw tooLarge(`O arquivo passa de ${MAX_IMPORT_ROWS.toLocaleString("pt-BR")} linhas.`);
    }
    if (bytes === 0) throw refused("o corpo está vazio");
    if (!header) {
      header = parseHeader(head);
      header.offset = head.length;
    } else if (carry.length > 0) {
      const last = readCsvChunk(carry, { delimiter: header.delimiter, line, final: true, decode: null });
      rows += last.count + last.oversized.length;
    }
    if (rows > MAX_IMPORT_ROWS) throw tooLarge(`O arquivo passa de ${MAX_IMPORT_ROWS.toLocaleString("pt-BR")} linhas.`);
    census.end();
    let encoding: TextEncoding;
    try {
      encoding = census.verdict();
    } catch (err) {
      throw refused(err instanceof FileRefused ? err.message : "codificação não reconhecida");
    }
    await hashing.close();
    if (upload) {
      if (pendingBytes > 0) await flushPart(true);
      await (upload as R2MultipartUpload).complete(parts);
    } else await bucket.put(key, concat(pending, pendingBytes), { httpMetadata: { contentType: "text/csv" } });
    return {
      bytes,
      sha256: toHex(await digest.digest),
      encoding,
      delimiter: header.delimiter,
      columns: header.columns,
      dataOffset: header.offset,
      dataLine: 2,
      rows,
    };
  } catch (err) {
    if (upload) await (upload as R2MultipartUpload).abort().catch(() => undefined);
    throw err;
  }
}

function parseHeader(bytes: Uint8Array): { delimiter: number; columns: Partial<Record<ImportColumn, number>>; offset: number; line: number } {
  // A UTF-8 byte-order mark (spreadsheets write one) is not part of the first column's name.
  const line = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const delimiter = sniffDelimiter(line);
  // Header names are ASCII: any reading of the bytes gives them.
  const fields = readCsvChunk(line, { delimiter, line: 1, final: true, decode: latin1ToString }).records[0]?.fields ?? [];
  const columns = importColumns(fields);
  if (!columns.ok) throw refused(columns.reason);
  return { delimiter, columns: columns.columns, offset: 0, line: 1 };
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const CSV_TYPES = ["text/csv", "application/csv", "text/plain"];

/** POST /imports: the file to R2, the import row, its first step queued (202). */
export async function createImport(s: Services, contentType: string | undefined, contentLength: string | undefined, body: ReadableStream<Uint8Array> | null): Promise<ImportView> {
  const mediaType = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (!CSV_TYPES.includes(mediaType)) throw refused(`envie o arquivo com Content-Type: text/csv (recebido: ${mediaType || "nenhum"})`);
  if (contentLength && Number(contentLength) > MAX_IMPORT_BYTES) throw tooLarge(`O arquivo passa de ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.`);
  if (!body) throw refused("o corpo está vazio");
  const now = s.now();
  const id = newId("imp", now.getTime());
  const key = `imports/${s.auth.tenantId}/${id}.csv`;
  const r = await receive(s.env.REPORTS, key, body);
  const at = now.toISOString();
  const row = {
    id,
    tenant_id: s.auth.tenantId,
    livemode: s.auth.livemode ? 1 : 0,
    status: r.rows === 0 ? "completed" : "processing",
    object_key: key,
    bytes: r.bytes,
    sha256: r.sha256,
    encoding: r.encoding,
    delimiter: String.fromCharCode(r.delimiter),
    columns: JSON.stringify(r.columns),
    rows_total: r.rows,
    checkpoint: r.dataOffset,
    checkpoint_line: r.dataLine,
  };
  const first: OutboxMessage = { id: `import:${id}:${r.dataOffset}`, body: { t: "import", import_id: id, offset: r.dataOffset } };
  await runBatch(s.primary, [
    s.primary.run(sql`INSERT INTO monitoring_imports (id, tenant_id, livemode, status, object_key, bytes, sha256, encoding, delimiter, columns, rows_total,
        checkpoint, checkpoint_line, key_id, created_at, updated_at, completed_at)
      VALUES (${row.id}, ${row.tenant_id}, ${row.livemode}, ${row.status}, ${row.object_key}, ${row.bytes}, ${row.sha256}, ${row.encoding}, ${row.delimiter},
        ${row.columns}, ${row.rows_total}, ${row.checkpoint}, ${row.checkpoint_line}, ${s.auth.keyId}, ${at}, ${at}, ${r.rows === 0 ? at : null})`),
    ...(r.rows > 0 ? outboxStatements(s.primary, [first], at) : []),
  ]);
  if (r.rows > 0) await sendOutbox(s.env, s.primary, [first]);
  else await s.env.REPORTS.delete(key);
  return importView((await importRowOf(s.primary, s.auth.tenantId, s.auth.livemode, id))!);
}

export async function getImport(s: Services, id: string): Promise<ImportView> {
  const row = (await importRowOf(s.db, s.auth.tenantId, s.auth.livemode, id)) ?? (await importRowOf(s.primary, s.auth.tenantId, s.auth.livemode, id));
  if (!row) throw new DomainError("monitoring_import_not_found", undefined, "id");
  return importView(row);
}

export async function listImports(s: Services, q: PageQuery) {
  return newestFirstPage(s, q, { select: IMPORT_SELECT, table: "monitoring_imports", alias: "i" }, [], importView);
}

export const ERRORS_HEADER = "line,external_id,document,reason\n";

/** GET /imports/{id}/errors: the rejected rows, their line and reason (documents masked), as one CSV streamed from the steps' parts. */
export async function importErrors(s: Services, id: string): Promise<ReadableStream<Uint8Array>> {
  const row = (await importRowOf(s.db, s.auth.tenantId, s.auth.livemode, id)) ?? (await importRowOf(s.primary, s.auth.tenantId, s.auth.livemode, id));
  if (!row) throw new DomainError("monitoring_import_not_found", undefined, "id");
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const listed = await s.env.REPORTS.list({ prefix: errorsPrefix(row), cursor });
    keys.push(...listed.objects.map((o) => o.key));
    cursor = listed.truncated ? listed.cursor : undefined;
  } while (cursor);
  keys.sort();
  const bucket = s.env.REPORTS;
  const enc = new TextEncoder();
  let i = -1;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i < 0) {
        i = 0;
        controller.enqueue(enc.encode(ERRORS_HEADER));
        return;
      }
      if (i >= keys.length) return controller.close();
      const obj = await bucket.get(keys[i++]);
      if (obj) controller.enqueue(new Uint8Array(await obj.arrayBuffer()));
    },
  });
}

// ---- the steps ------------------------------------------------------------------

const padded = (n: number) => String(n).padStart(12, "0");

/**
 * One import step (see the header). Does nothing when the import is no longer
 * at `offset` (a duplicate message, or a step that already ran).
 */
export async function handleImport(env: Env, msg: Extract<MonitoringMessage, { t: "import" }>, now = new Date()): Promise<{ read: number; rejected: number } | null> {
  const db = createDb(env.DB);
  const [imp] = await db.all<ImportRow>(sql`SELECT * FROM monitoring_imports WHERE id = ${msg.import_id}`);
  if (!imp || imp.status !== "processing" || imp.checkpoint !== msg.offset) return null;
  const at = now.toISOString();
  const end = Math.min(imp.bytes, imp.checkpoint + STEP_BYTES);
  const final = end >= imp.bytes;
  const obj = await env.REPORTS.get(imp.object_key, { range: { offset: imp.checkpoint, length: end - imp.checkpoint } });
  if (!obj) return failImport(env, db, imp, "o arquivo da importação não está mais disponível", at);
  const buf = new Uint8Array(await obj.arrayBuffer());
  const chunk = readCsvChunk(buf, { delimiter: imp.delimiter.charCodeAt(0), line: imp.checkpoint_line, final, decode: decoderFor(imp.encoding) });
  if (chunk.consumed === 0 && !final) return failImport(env, db, imp, `a linha ${imp.checkpoint_line} não termina em ${STEP_BYTES / 1024} KiB (aspas sem fechar?)`, at);

  const columns = JSON.parse(imp.columns) as Partial<Record<ImportColumn, number>>;
  const today = at.slice(0, 10);
  const good: CheckedSubject[] = [];
  const errors: string[] = chunk.oversized.map((line) => `${line},,,${csvCell("linha com mais de 64 KiB")}\n`);
  const seen = new Map<string, number>();
  for (const rec of chunk.records) {
    const input = importRow(rec.fields, columns);
    const checked = checkSubject(input, { today, allowSandbox: !imp.livemode, knownLists: LIST_IDS });
    const reject = (reason: string) => errors.push(`${rec.line},${csvCell(externalIdForErrors(input.external_id))},${csvCell(maskedForErrors(input.document))},${csvCell(reason)}\n`);
    if (!checked.ok) {
      reject(rowReason(checked.problems));
      continue;
    }
    const firstLine = seen.get(checked.subject.document);
    if (firstLine !== undefined) {
      reject(`documento repetido no arquivo (primeira vez na linha ${firstLine})`);
      continue;
    }
    seen.set(checked.subject.document, rec.line);
    good.push(checked.subject);
  }
  // The errors part first (same key, same bytes on a retry): the batch below only counts it.
  if (errors.length > 0) await env.REPORTS.put(`${errorsPrefix(imp)}${padded(imp.checkpoint)}.csv`, errors.join(""));

  const rows = await enrolmentRows(env.SERVER_SECRET, good, now.getTime());
  const atCheckpoint = sql`exists (select 1 from monitoring_imports where id = ${imp.id} and checkpoint = ${imp.checkpoint})`;
  const ctx = { tenantId: imp.tenant_id, livemode: !!imp.livemode, origin: "import" as const, originId: imp.id, now: at, onlyIf: atCheckpoint };
  const upserts: BatchItem<"sqlite">[] = [];
  for (let i = 0; i < rows.length; i += UPSERT_ROWS) upserts.push(upsertSubjectsStatement(db, rows.slice(i, i + UPSERT_ROWS), ctx));
  const next = imp.checkpoint + chunk.consumed;
  const following: OutboxMessage[] = final ? [] : [{ id: `import:${imp.id}:${next}`, body: { t: "import", import_id: imp.id, offset: next } }];
  const read = chunk.records.length + chunk.oversized.length;
  const results = (await runBatch(db, [
    ...upserts,
    ...outboxStatements(db, following, at),
    db.run(sql`UPDATE monitoring_imports SET checkpoint = ${final ? imp.bytes : next}, checkpoint_line = ${chunk.nextLine},
               rows_read = rows_read + ${read}, rows_rejected = rows_rejected + ${errors.length},
               rows_enrolled = rows_enrolled + (SELECT count(*) FROM monitored_subjects WHERE origin_id = ${imp.id} AND created_at = ${at} AND origin = 'import'),
               updated_at = ${at}
               WHERE id = ${imp.id} AND checkpoint = ${imp.checkpoint}`),
  ])) as unknown as D1Result<UpsertResult>[];
  if ((results.at(-1)!.meta.changes ?? 0) === 0) return null;
  const pending = results.slice(0, upserts.length).flatMap((r) => r.results.filter((x) => x.pending).map((x) => x.id));
  const screening = screenMessages(imp.id, `${imp.id}:${imp.checkpoint}`, pending);
  if (screening.length > 0) await runBatch(db, outboxStatements(db, screening, at));
  await sendOutbox(env, db, [...following, ...screening]);
  if (final) await completeImportIfDone(env, db, imp.id, at);
  return { read, rejected: errors.length };
}

/** Fails an import for `message`, and deletes its file as a completed import does (it holds clear CPFs); the errors parts stay. */
async function failImport(env: Env, db: Db, imp: ImportRow, message: string, at: string): Promise<null> {
  await db.run(sql`UPDATE monitoring_imports SET status = 'failed', error = ${message}, completed_at = ${at}, updated_at = ${at}
                   WHERE id = ${imp.id} AND status = 'processing'`);
  await env.REPORTS.delete(imp.object_key);
  return null;
}

/**
 * Completes an import whose rows are all read and whose new subjects all had
 * their first screening, and deletes its file (it holds clear CPFs); the
 * errors parts (documents masked) stay.
 */
export async function completeImportIfDone(env: Env, db: Db, importId: string, at: string): Promise<boolean> {
  const done = await db.run(sql`
    UPDATE monitoring_imports SET status = 'completed', completed_at = ${at}, updated_at = ${at}
     WHERE id = ${importId} AND status = 'processing' AND checkpoint >= bytes
       AND NOT EXISTS (SELECT 1 FROM monitored_subjects WHERE origin_id = ${importId} AND origin = 'import' AND status = 'active' AND screened_versions IS NULL)`);
  if ((done.meta.changes ?? 0) === 0) return false;
  const [imp] = await db.all<{ object_key: string }>(sql`SELECT object_key FROM monitoring_imports WHERE id = ${importId}`);
  if (imp) await env.REPORTS.delete(imp.object_key);
  return true;
}

/** Imports whose chain of steps stopped (a step's isolate died after its commit): the next step, sent again. */
export async function stalledImportMessages(db: Db, now: Date): Promise<OutboxMessage[]> {
  const before = new Date(now.getTime() - 2 * 60_000).toISOString();
  const rows = await db.all<{ id: string; checkpoint: number }>(
    sql`SELECT id, checkpoint FROM monitoring_imports WHERE status = 'processing' AND updated_at < ${before} AND checkpoint < bytes LIMIT 50`,
  );
  return rows.map((r) => ({ id: `import:${r.id}:${r.checkpoint}`, body: { t: "import", import_id: r.id, offset: r.checkpoint } }));
}

/**
 * Imports read to the end that are still `processing`: completion is checked
 * when a first screening of theirs ends, and a subject screened some other way
 * (the sweep's own re-queue, an update through the API) never says so. Their
 * files hold clear CPFs until they complete.
 */
export async function completeFinishedImports(env: Env, db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - 2 * 60_000).toISOString();
  const rows = await db.all<{ id: string }>(
    sql`SELECT id FROM monitoring_imports WHERE status = 'processing' AND updated_at < ${before} AND checkpoint >= bytes LIMIT 50`,
  );
  let done = 0;
  for (const r of rows) if (await completeImportIfDone(env, db, r.id, now.toISOString())) done++;
  return done;
}
