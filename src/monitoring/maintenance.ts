// Monitoring's housekeeping, on the Cron Triggers (src/index.ts):
//  - every minute: the queue outbox's stragglers, import chains that stopped
//    (and imports read to the end whose completion nobody checked),
//    first screenings that never happened, list versions whose re-screen was
//    never planned (the ingest's hook failed), and the erasure of stopped subjects
//    whose retention ran out (LGPD; README "Monitoring and personal data");
//  - daily: PEPs whose grace period ended (pep_grace_ended).
import { sql } from "drizzle-orm";
import { runBatch } from "../db/queries/sql";
import { createDb, type Db } from "../db/client";
import { getListState } from "../screening/store";
import type { ListId } from "../screening/types";
import { closingAlertWrites, handOverAlertEvents, type AlertRow } from "./alerts";
import { completeFinishedImports, stalledImportMessages } from "./imports";
import { outboxStatements, sendOutbox, sweepMonitoringOutbox, type MonitoringMessage, type OutboxMessage } from "./messages";
import { versionMessage } from "./rescreen";
import { todayOf } from "./screening";
import { screenMessages } from "./subjects";

/** A subject still unscreened this long after it changed lost its first screening's message for good: it is sent again. */
const UNSCREENED_AFTER_MS = 5 * 60_000;
/** Subjects erased per sweep (the next minute takes the rest). */
const ERASE_LIMIT = 500;

export interface MonitoringSweep {
  sent: number;
  erased: number;
}

export async function sweepMonitoring(env: Env, now: Date): Promise<MonitoringSweep> {
  const db = createDb(env.DB);
  const at = now.toISOString();
  const before = new Date(now.getTime() - UNSCREENED_AFTER_MS).toISOString();
  const unscreened = await db.all<{ id: string }>(
    sql`SELECT id FROM monitored_subjects WHERE status = 'active' AND screened_versions IS NULL AND updated_at < ${before} ORDER BY updated_at LIMIT 1000`,
  );
  const again: OutboxMessage[] = [
    ...(await unplannedVersionMessages(db, now)),
    ...(await stalledImportMessages(db, now)),
    ...screenMessages(null, `sweep:${at}`, unscreened.map((r) => r.id)),
  ];
  const sent = await sweepMonitoringOutbox(env, db, now);
  await completeFinishedImports(env, db, now);
  if (again.length > 0) {
    await runBatch(db, outboxStatements(db, again, at));
    await sendOutbox(env, db, again);
  }
  return { sent: sent + again.length, erased: await eraseExpired(db, at) };
}

/** A version current this long without its re-screen planned lost the hook's message (written after the switch, not with it). */
const UNPLANNED_AFTER_MS = 2 * 60_000;

/**
 * Current list versions whose re-screen was never planned: the ingest's hook
 * (onListVersionCurrent) writes its message after the switch has committed,
 * so a D1 failure or a dead isolate in between would leave a new UN
 * designation unscreened against every customer. A plan begun that long ago
 * and never written died half-way (its message ran out of deliveries) and is
 * planned again. Planning is idempotent.
 */
export async function unplannedVersionMessages(db: Db, now: Date): Promise<OutboxMessage[]> {
  const before = new Date(now.getTime() - UNPLANNED_AFTER_MS).toISOString();
  const rows = await db.all<{ list: ListId; sha256: string; previous_sha256: string | null }>(sql`
    SELECT l.id AS list, l.current_sha256 AS sha256, v.previous_sha256 FROM screening_lists l
      JOIN screening_versions v ON v.list_id = l.id AND v.sha256 = l.current_sha256
     WHERE v.became_current_at < ${before}
       AND NOT EXISTS (SELECT 1 FROM monitoring_rescreens r WHERE r.list_id = l.id AND r.sha256 = l.current_sha256
                          AND (r.planned_at IS NOT NULL OR r.created_at >= ${before}))`);
  return rows.map((v) => versionMessage(v));
}

/**
 * Erases the personal data of stopped subjects whose retention ran out: name,
 * birth date, nationality, gender, external id, document hash and visible
 * digits (a CNPJ, a public registry id, stays). The row stays for the record,
 * and so do its alerts and cases (which keep their own copy of what matched).
 */
export async function eraseExpired(db: Db, at: string): Promise<number> {
  const r = await db.run(sql`
    UPDATE monitored_subjects SET name = '', birth_date = NULL, nationality = NULL, gender = NULL, external_id = NULL, doc_hash = NULL,
      cpf_visible = NULL, doc_masked = CASE WHEN doc_type = 'pf' THEN '***.***.***-**' ELSE doc_masked END, erased_at = ${at}, updated_at = ${at}
     WHERE id IN (SELECT id FROM monitored_subjects WHERE erased_at IS NULL AND erase_after IS NOT NULL AND erase_after <= ${at} LIMIT ${ERASE_LIMIT})`);
  return r.meta.changes ?? 0;
}

/** Open alerts handled per pep_grace message (the message queues the next until none is left). */
const GRACE_BATCH = 200;

/** The daily check, queued by the daily Cron Trigger. */
export async function startPepGraceCheck(env: Env, now: Date): Promise<void> {
  const db = createDb(env.DB);
  const day = todayOf(now);
  const message: OutboxMessage = { id: `pep_grace:${day}:0`, body: { t: "pep_grace", day } };
  await runBatch(db, outboxStatements(db, [message], now.toISOString()));
  await sendOutbox(env, db, [message]);
}

/**
 * Open match alerts on PEPs whose grace period ended before `day` (the record's
 * `fim_carencia`: five years after leaving office, COAF Res. 40/2021) get a
 * pep_grace_ended alert that closes them.
 */
export async function handlePepGrace(env: Env, msg: Extract<MonitoringMessage, { t: "pep_grace" }>, now = new Date()): Promise<number> {
  const db = createDb(env.DB);
  const at = now.toISOString();
  const open = await db.all<AlertRow>(sql`
    SELECT a.* FROM monitoring_alerts a JOIN monitored_subjects s ON s.id = a.subject_id AND s.status = 'active'
     WHERE a.status = 'open' AND a.ends_on IS NOT NULL AND a.ends_on < ${msg.day}
       AND a.kind IN ('match_created', 'match_updated') ORDER BY a.ends_on LIMIT ${GRACE_BATCH}`);
  if (open.length === 0) return 0;
  const state = await getListState(env.DB, "cgu_pep");
  const version = { sha256: state?.current_sha256 ?? open[0].list_sha256, fetched_at: state?.current_fetched_at ?? open[0].list_fetched_at };
  const writes = await closingAlertWrites(db, "pep_grace_ended", open, version, at);
  const more: OutboxMessage[] = open.length === GRACE_BATCH ? [{ id: `pep_grace:${msg.day}:${open.at(-1)!.id}`, body: msg }] : [];
  await runBatch(db, [...writes.statements, ...outboxStatements(db, more, at)]);
  await handOverAlertEvents(env, db, writes.webhookIds);
  await sendOutbox(env, db, more);
  return writes.alertIds.length;
}
