// Re-screening on every new list version (contract §17).
//
// The ingest calls onListVersionCurrent after each switch: it only queues the
// work ("version"). That message plans the re-screen once: it pages through the
// version's delta (src/screening/versions.ts versionChanges) and fans it out —
//  - per delta page, a "page" message: the page's removed entities close their
//    open alerts with entity_delisted; on a document list (CEIS, CNEP, PEP, MTE)
//    its added and modified entities find their subjects by document (keyed
//    hash, visible CPF digits, CNPJ root) across every tenant, and only those
//    are screened;
//  - on a name list (OFAC, UN, EU, UK), per delta page × bucket range of the
//    active base, a "rescreen" message: the engine builds the page's in-memory
//    index (once per isolate) and the range's subjects stream through it, a
//    page of D1 rows at a time.
// Each batch is idempotent (alerts are unique per subject × entity × record),
// recorded once when done; the last one marks the re-screen completed.
//
// A subject enrolled while a re-screen runs is screened against the new version
// exactly once: its first screening reads the serving versions after its row
// was written, and records them; a re-screen batch skips a subject whose first
// screening is still to come, or already covered this version.
import { sql, type SQL } from "drizzle-orm";
import { runBatch } from "../db/queries/sql";
import { createDb, type Db } from "../db/client";
import { bucketRanges, isDocumentList, versionTag } from "../domain/monitoring";
import { sha256Hex, subjectDocumentHash } from "../lib/crypto";
import { derivedId } from "../lib/ids";
import type { ListId } from "../screening/types";
import { versionChanges, type VersionChange } from "../screening/versions";
import { closingAlertWrites, handOverAlertEvents, matchAlertWrites, openAlertsOn, type AlertWrites } from "./alerts";
import { outboxStatements, sendOutbox, type MonitoringMessage, type OutboxMessage } from "./messages";
import { matchItems, recordBatchStatement, screenInEngine, screenSubjectOf, type BatchOutcome } from "./screening";
import type { SubjectRow } from "./subjects";

/** Delta entities per page: one in-memory index each (a few thousand names). */
export const DELTA_PAGE = 1000;
/** Active subjects per "rescreen" message (its bucket range is sized for this many). */
export const SUBJECTS_PER_BATCH = 2000;
/** Subjects read from D1 (and sent to the engine) at a time within a batch. */
const SUBJECT_PAGE = 500;

/** A version that has just become current, and the one it replaced. */
export interface ListVersionCurrent {
  list: ListId;
  sha256: string;
  /** The version serving before (null: the list's first version — every entity is new). */
  previous_sha256: string | null;
}

/** The message that plans a version's re-screen (its id derived from the switch: the hook and the sweep write the same one). */
export const versionMessage = (v: ListVersionCurrent): OutboxMessage => ({
  id: `version:${v.list}:${v.sha256}:${v.previous_sha256 ?? ""}`,
  body: { t: "version", list: v.list, sha256: v.sha256, previous_sha256: v.previous_sha256 },
});

/**
 * Called by the ingest after each successful switch (once per switch). Returns
 * fast: it queues the re-screen's planning (through the outbox, so a failed
 * send is sent again by the minute sweep, and a message never written is
 * found by the sweep's unplanned versions); the re-screen runs in the queue.
 */
export async function onListVersionCurrent(env: Env, v: ListVersionCurrent): Promise<void> {
  const db = createDb(env.DB);
  const now = new Date().toISOString();
  const message = versionMessage(v);
  await runBatch(db, outboxStatements(db, [message], now));
  await sendOutbox(env, db, [message]);
}

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));

/** `rsc_…` derived from the switch: a retried plan finds its re-screen. */
export async function rescreenId(list: string, sha256: string, previous: string | null, at: string): Promise<string> {
  return derivedId("rsc", Date.parse(at), hexBytes(await sha256Hex(`rescreen|${list}|${sha256}|${previous ?? ""}`)));
}

interface RescreenRow {
  id: string;
  list_id: ListId;
  sha256: string;
  status: string;
  batches: number;
  planned_at: string | null;
}

/**
 * Plans a version's re-screen (see the header). Idempotent: a re-screen
 * already planned is not planned again; a plan that died half-way is planned
 * whole again (its batches being idempotent, a message sent twice is harmless).
 */
export async function handleVersion(env: Env, msg: Extract<MonitoringMessage, { t: "version" }>, now = new Date()): Promise<{ rescreen: string; batches: number } | null> {
  const db = createDb(env.DB);
  const at = now.toISOString();
  // The version as kept (its own fetch time, whatever serves now). One no longer kept has nothing left to re-screen.
  const [version] = await db.all<{ fetched_at: string }>(sql`SELECT fetched_at FROM screening_versions WHERE list_id = ${msg.list} AND sha256 = ${msg.sha256}`);
  if (!version) return null;
  const fetchedAt = version.fetched_at;
  const derived = await rescreenId(msg.list, msg.sha256, msg.previous_sha256, fetchedAt);
  await db.run(sql`INSERT OR IGNORE INTO monitoring_rescreens (id, list_id, sha256, previous_sha256, status, created_at)
                   VALUES (${derived}, ${msg.list}, ${msg.sha256}, ${msg.previous_sha256}, 'planning', ${at})`);
  // By the switch, not the id: a re-screen planned under another id (before this rule) is the same one.
  const [job] = await db.all<RescreenRow>(sql`SELECT id, list_id, sha256, status, batches, planned_at FROM monitoring_rescreens
                                              WHERE list_id = ${msg.list} AND sha256 = ${msg.sha256} AND previous_sha256 IS ${msg.previous_sha256}
                                              ORDER BY created_at LIMIT 1`);
  if (job.planned_at) return null;
  const id = job.id;

  const counts = { added: 0, modified: 0, removed: 0 };
  const pages: { cursor: string | null; matchable: boolean }[] = [];
  let cursor: string | null = null;
  do {
    const page = await versionChanges(env.DB, msg.list, msg.sha256, cursor, DELTA_PAGE);
    for (const c of page.data) counts[c.change]++;
    if (page.data.length > 0) pages.push({ cursor, matchable: page.data.some((c) => c.change !== "removed") });
    cursor = page.next_cursor;
  } while (cursor);

  const messages: OutboxMessage[] = [];
  const base = { job: id, list: msg.list, sha256: msg.sha256, fetched_at: fetchedAt, limit: DELTA_PAGE };
  for (const p of pages) messages.push({ id: `page:${id}:${p.cursor ?? ""}`, body: { t: "page", ...base, cursor: p.cursor } });
  if (!isDocumentList(msg.list)) {
    const [{ n }] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM monitored_subjects WHERE status = 'active'`);
    const ranges = bucketRanges(Math.ceil(Number(n) / SUBJECTS_PER_BATCH));
    for (const p of pages.filter((x) => x.matchable)) {
      for (const [lo, hi] of ranges) messages.push({ id: `rescreen:${id}:${p.cursor ?? ""}:${lo}`, body: { t: "rescreen", ...base, cursor: p.cursor, lo, hi } });
    }
  }
  await commitPlan(env, db, id, messages, at, counts);
  return { rescreen: id, batches: messages.length };
}

/**
 * Writes a re-screen's plan: its batches' messages (through the outbox) with
 * the re-screen marked planned in the same D1 batch — completed at once when it
 * has no batch — then sends them. A plan already written is not written again.
 */
export async function commitPlan(
  env: Env,
  db: Db,
  id: string,
  messages: readonly OutboxMessage[],
  at: string,
  counts = { added: 0, modified: 0, removed: 0 },
): Promise<void> {
  const done = messages.length === 0;
  await runBatch(db, [
    ...outboxStatements(db, messages, at),
    db.run(sql`UPDATE monitoring_rescreens SET added = ${counts.added}, modified = ${counts.modified}, removed = ${counts.removed},
               batches = ${messages.length}, planned_at = ${at}, status = ${done ? "completed" : "running"}, completed_at = ${done ? at : null}
               WHERE id = ${id} AND planned_at IS NULL`),
  ]);
  await sendOutbox(env, db, messages);
}

/** The statement that completes a re-screen once every batch of it is recorded. */
const completeStatement = (db: Db, job: string, at: string) =>
  db.run(sql`UPDATE monitoring_rescreens SET status = 'completed', completed_at = ${at}
             WHERE id = ${job} AND completed_at IS NULL AND batches <= (SELECT count(*) FROM monitoring_batches WHERE job_id = ${job})`);

/** Records a batch done (with its alerts, in one D1 batch) and completes its re-screen when it was the last; then hands over the alerts' webhooks. */
export async function finishBatch(env: Env, db: Db, job: string, batch: string, outcome: BatchOutcome, writes: AlertWrites, at: string): Promise<BatchOutcome> {
  await runBatch(db, [...writes.statements, recordBatchStatement(db, job, batch, outcome, at), completeStatement(db, job, at)]);
  await handOverAlertEvents(env, db, writes.webhookIds);
  return outcome;
}

/** A subject the re-screen of `list`'s version `tag` passes by: first screening still to come (it will see the version), or already covering it. */
const passesBy = (r: SubjectRow, list: ListId, tag: string) => r.screened_versions === null || (JSON.parse(r.screened_versions) as Record<string, string>)[list] === tag;

/** Keys a document list's entity finds subjects by: CPF → keyed hash, masked CPF → visible digits, CNPJ → root. */
async function documentKeys(secret: string, changes: readonly VersionChange[]) {
  const hashes = new Set<string>();
  const visible = new Set<string>();
  const roots = new Set<string>();
  for (const c of changes) {
    for (const d of c.entity?.documents ?? []) {
      if (d.kind === "cpf") hashes.add(await subjectDocumentHash(secret, "pf", d.value));
      else if (d.kind === "cpf_masked") visible.add(d.value);
      else if (d.kind === "cnpj") roots.add(d.value.slice(0, 8));
    }
  }
  return { hashes: [...hashes], visible: [...visible], roots: [...roots] };
}

/**
 * A "page" message: the page's removed entities close their open alerts
 * (entity_delisted); on a document list, the subjects its other entities list
 * are screened against the page.
 */
export async function handlePage(env: Env, msg: Extract<MonitoringMessage, { t: "page" }>, now = new Date()): Promise<BatchOutcome> {
  const db = createDb(env.DB);
  const at = now.toISOString();
  const page = await versionChanges(env.DB, msg.list, msg.sha256, msg.cursor, msg.limit);
  const version = { sha256: msg.sha256, fetched_at: msg.fetched_at };
  const removed = page.data.filter((c) => c.change === "removed").map((c) => c.entity_id);
  const delisted = await closingAlertWrites(db, "entity_delisted", await openAlertsOn(db, msg.list, removed), version, at);
  const outcome: BatchOutcome = { subjects: 0, skipped: 0, alerts: delisted.alertIds.length };
  const writes: AlertWrites = { ...delisted };
  const changed = page.data.filter((c) => c.change !== "removed");
  if (isDocumentList(msg.list) && changed.length > 0) {
    const keys = await documentKeys(env.SERVER_SECRET, changed);
    // Three lookups, each on its own partial index (an OR of them would scan every subject).
    const rows = await db.all<SubjectRow>(sql`
      SELECT * FROM monitored_subjects WHERE status = 'active' AND doc_hash IN (SELECT value FROM json_each(${JSON.stringify(keys.hashes)}))
      UNION SELECT * FROM monitored_subjects WHERE status = 'active' AND cpf_visible IN (SELECT value FROM json_each(${JSON.stringify(keys.visible)}))
      UNION SELECT * FROM monitored_subjects WHERE status = 'active' AND cnpj_root IN (SELECT value FROM json_each(${JSON.stringify(keys.roots)}))`);
    const tag = versionTag(msg.sha256);
    const due = rows.filter((r) => !passesBy(r, msg.list, tag));
    outcome.subjects = due.length;
    outcome.skipped = rows.length - due.length;
    for (let i = 0; i < due.length; i += SUBJECT_PAGE) {
      const chunk = due.slice(i, i + SUBJECT_PAGE);
      const answer = await screenInEngine(env, { kind: "delta", list: msg.list, sha256: msg.sha256, fetched_at: msg.fetched_at, cursor: msg.cursor, limit: msg.limit }, chunk.map(screenSubjectOf), now);
      addWrites(writes, await matchAlertWrites(env, db, matchItems(answer, new Map(chunk.map((r) => [r.id, r] as const))), at));
    }
    outcome.alerts = writes.alertIds.length;
  }
  return finishBatch(env, db, msg.job, `page:${msg.cursor ?? ""}`, outcome, writes, at);
}

const addWrites = (to: AlertWrites, more: AlertWrites) => {
  to.statements.push(...more.statements);
  to.alertIds.push(...more.alertIds);
  to.webhookIds.push(...more.webhookIds);
};

/**
 * The active subjects of the bucket range [lo, hi), a page of D1 rows at a
 * time, by the (bucket, id) index; `only` narrows them (e.g. to companies).
 */
export async function* activeSubjectPages(db: Db, lo: number, hi: number, only: SQL = sql`1`): AsyncGenerator<SubjectRow[]> {
  let after = { bucket: lo, id: "" };
  for (;;) {
    const rows = await db.all<SubjectRow>(sql`
      SELECT * FROM monitored_subjects
       WHERE status = 'active' AND bucket < ${hi} AND (bucket > ${after.bucket} OR (bucket = ${after.bucket} AND id > ${after.id})) AND ${only}
       ORDER BY bucket, id LIMIT ${SUBJECT_PAGE}`);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < SUBJECT_PAGE) return;
    after = { bucket: rows.at(-1)!.bucket, id: rows.at(-1)!.id };
  }
}

/**
 * A "rescreen" message: the active subjects of a bucket range, a D1 page at a
 * time, through the engine's index of one delta page of a name list.
 */
export async function handleRescreen(env: Env, msg: Extract<MonitoringMessage, { t: "rescreen" }>, now = new Date()): Promise<BatchOutcome> {
  const db = createDb(env.DB);
  const at = now.toISOString();
  const tag = versionTag(msg.sha256);
  const outcome: BatchOutcome = { subjects: 0, skipped: 0, alerts: 0 };
  const writes: AlertWrites = { statements: [], alertIds: [], webhookIds: [] };
  for await (const rows of activeSubjectPages(db, msg.lo, msg.hi)) {
    const due = rows.filter((r) => !passesBy(r, msg.list, tag) && (!r.lists || (JSON.parse(r.lists) as string[]).includes(msg.list)));
    outcome.subjects += due.length;
    outcome.skipped += rows.length - due.length;
    if (due.length > 0) {
      const answer = await screenInEngine(env, { kind: "delta", list: msg.list, sha256: msg.sha256, fetched_at: msg.fetched_at, cursor: msg.cursor, limit: msg.limit }, due.map(screenSubjectOf), now);
      addWrites(writes, await matchAlertWrites(env, db, matchItems(answer, new Map(due.map((r) => [r.id, r] as const))), at));
    }
  }
  outcome.alerts = writes.alertIds.length;
  return finishBatch(env, db, msg.job, `rescreen:${msg.cursor ?? ""}:${msg.lo}`, outcome, writes, at);
}
