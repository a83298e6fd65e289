// The monitoring queue's messages and their outbox (contract §17). Every step
// a consumer takes writes the messages it causes in the D1 batch of its own
// results (monitoring_outbox), then sends them; whatever a dead isolate left
// unsent, the minute sweep sends. Consumers are idempotent, so a message sent
// twice (a sweep racing a slow sender, a retried delivery) changes nothing twice.
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { redactForLog } from "../domain/redaction";
import type { ListId } from "../screening/types";

export type MonitoringMessage =
  /** A list version became current: plan its re-screen (src/monitoring/rescreen.ts). */
  | { t: "version"; list: ListId; sha256: string; previous_sha256: string | null }
  /** One page of the version's delta: its removals (entity_delisted) and, on a document list, its subjects found by document. */
  | { t: "page"; job: string; list: ListId; sha256: string; fetched_at: string; cursor: string | null; limit: number }
  /** One page of a name list's delta against the active subjects of a bucket range. */
  | { t: "rescreen"; job: string; list: ListId; sha256: string; fetched_at: string; cursor: string | null; limit: number; lo: number; hi: number }
  /** The next step of a CSV import, from its checkpoint (src/monitoring/imports.ts). */
  | { t: "import"; import_id: string; offset: number }
  /** First screenings of newly enrolled (or changed) subjects against the serving versions. */
  | { t: "screen"; job: string | null; batch: string; subjects: string[] }
  /** A new month of the company registry began to serve: plan its comparison with the one it replaced (src/monitoring/registry.ts). */
  | { t: "registry"; build: string; previous: string }
  /** The active monitored CNPJs of a bucket range, compared between the two months. */
  | { t: "registry_batch"; job: string; build: string; previous: string; lo: number; hi: number }
  /** The daily check of PEPs whose grace period ended (src/monitoring/maintenance.ts). */
  | { t: "pep_grace"; day: string };

export interface OutboxMessage {
  /** Derived from what the message does: a retried step writes the same id. */
  id: string;
  body: MonitoringMessage;
}

/** Where messages go: the MONITORING queue, or in tests a recorder the test Worker puts in env under this symbol. */
export const MONITORING_TRANSPORT = Symbol.for("kycert.monitoring.transport");

export interface MonitoringTransport {
  sendBatch(messages: { body: MonitoringMessage }[]): Promise<void>;
}

export const monitoringQueue = (env: Env): MonitoringTransport =>
  ((env as unknown as Record<symbol, MonitoringTransport | undefined>)[MONITORING_TRANSPORT] ?? env.MONITORING) as MonitoringTransport;

/** Queues take at most 100 messages and 256 KB per sendBatch (a message's size: about its JSON's; the margin covers the difference). */
const SEND_BATCH = 100;
const SEND_BATCH_BYTES = 192 * 1024;

/** Messages in sendBatch-sized chunks: by count and by bytes (a first-screening message of 200 subject ids is ~7 KB, so 100 of them are too many). */
function sendChunks(messages: readonly OutboxMessage[]): OutboxMessage[][] {
  const chunks: OutboxMessage[][] = [];
  let chunk: OutboxMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = JSON.stringify(m.body).length;
    if (chunk.length > 0 && (chunk.length >= SEND_BATCH || bytes + size > SEND_BATCH_BYTES)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(m);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** Statements writing messages to the outbox, for the caller's batch (one statement per 200 messages: D1 caps a statement at 100 KB). */
export function outboxStatements(db: Db, messages: readonly OutboxMessage[], now: string): BatchItem<"sqlite">[] {
  const out: BatchItem<"sqlite">[] = [];
  for (let i = 0; i < messages.length; i += 200) {
    const rows = JSON.stringify(messages.slice(i, i + 200).map((m) => [m.id, JSON.stringify(m.body)]));
    out.push(
      db.run(
        sql`INSERT OR IGNORE INTO monitoring_outbox (id, body, created_at) SELECT j.value->>'$[0]', j.value->>'$[1]', ${now} FROM json_each(${rows}) j`,
      ),
    );
  }
  return out;
}

/**
 * Sends messages written to the outbox and deletes their rows. A failure is
 * logged, not thrown: the committed step stands, and the sweep sends them.
 */
export async function sendOutbox(env: Env, db: Db, messages: readonly OutboxMessage[]): Promise<boolean> {
  if (messages.length === 0) return true;
  try {
    const queue = monitoringQueue(env);
    for (const chunk of sendChunks(messages)) {
      await queue.sendBatch(chunk.map((m) => ({ body: m.body })));
      await db.run(sql`DELETE FROM monitoring_outbox WHERE id IN (SELECT value FROM json_each(${JSON.stringify(chunk.map((m) => m.id))}))`);
    }
    return true;
  } catch (err) {
    console.error(JSON.stringify({ level: "error", error: "monitoring_send_failed", message: redactForLog(String(err)).slice(0, 200) }));
    return false;
  }
}

/** A message this young may still be sent by the step that wrote it. */
export const OUTBOX_GRACE_MS = 30_000;
const SWEEP_LIMIT = 500;

/** The minute sweep: messages committed but not sent (their step's isolate died, the send failed), oldest first. */
export async function sweepMonitoringOutbox(env: Env, db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - OUTBOX_GRACE_MS).toISOString();
  const rows = await db.all<{ id: string; body: string }>(
    sql`SELECT id, body FROM monitoring_outbox WHERE created_at < ${before} ORDER BY created_at LIMIT ${SWEEP_LIMIT}`,
  );
  const messages = rows.map((r) => ({ id: r.id, body: JSON.parse(r.body) as MonitoringMessage }));
  return (await sendOutbox(env, db, messages)) ? messages.length : 0;
}
