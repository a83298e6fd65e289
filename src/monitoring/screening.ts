// Screening monitored subjects (contract §17), the API Worker's side: load the
// subjects, have kycert-edge-engine match them (src/monitoring/screen-engine.ts,
// over RPC), then write the alerts, the subjects' screening marks and the batch's
// record in one D1 batch, and hand the webhook events over.
//
//  - first screening ("screen" messages): newly enrolled subjects, or subjects
//    whose facts changed, against every list's serving version — except the
//    versions they were already screened against whole (a run's);
//  - a re-screen batch (src/monitoring/rescreen.ts): a page of a new version's
//    delta against a range of the base.
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { runBatch } from "../db/queries/sql";
import { createDb, type Db } from "../db/client";
import { subjectQuery, versionTag } from "../domain/monitoring";
import type { ListId } from "../screening/types";
import { handOverAlertEvents, matchAlertWrites, type MatchItem } from "./alerts";
import { outboxStatements, sendOutbox, type MonitoringMessage } from "./messages";
import type { ScreenAnswer, ScreenIndex, ScreenSubject } from "./screen-engine";
import { screenMessages, type SubjectRow } from "./subjects";

/** A stored subject as the engine screens it (no clear document: its hash and visible digits). */
export const screenSubjectOf = (r: SubjectRow): ScreenSubject => ({
  id: r.id,
  query: subjectQuery({
    docType: r.doc_type,
    docHash: r.doc_hash,
    cpfVisible: r.cpf_visible,
    cnpj: r.cnpj,
    name: r.name,
    birthDate: r.birth_date,
    nationality: r.nationality,
    gender: r.gender,
  }),
  lists: r.lists ? (JSON.parse(r.lists) as ListId[]) : null,
  screened: r.screened_versions ? (JSON.parse(r.screened_versions) as Record<string, string>) : null,
});

/** "Today" for end dates (sanctions that ended, PEP grace periods): the UTC date. */
export const todayOf = (now: Date) => now.toISOString().slice(0, 10);

/** The engine's screening, over RPC (the test Worker binds ENGINE to its own export: the same RPC). */
export const screenInEngine = (env: Env, index: ScreenIndex, subjects: ScreenSubject[], now: Date): Promise<ScreenAnswer> =>
  env.ENGINE.monitoringScreen({ index, subjects, today: todayOf(now) });

/** What a screening batch did (recorded once per batch in monitoring_batches). */
export interface BatchOutcome {
  subjects: number;
  skipped: number;
  alerts: number;
}

export function recordBatchStatement(db: Db, job: string, batch: string, o: BatchOutcome, now: string) {
  return db.run(sql`INSERT OR IGNORE INTO monitoring_batches (job_id, batch, subjects, skipped, alerts, done_at)
                    VALUES (${job}, ${batch}, ${o.subjects}, ${o.skipped}, ${o.alerts}, ${now})`);
}

/** Matches of an answer as alert items. */
export function matchItems(answer: ScreenAnswer, subjects: ReadonlyMap<string, SubjectRow>): MatchItem[] {
  const versions = new Map(answer.versions.map((v) => [v.list, v] as const));
  return answer.results.flatMap((r) =>
    r.matches.map((match) => ({ subject: subjects.get(r.subject_id)!, match, version: versions.get(match.list)! })),
  );
}

/** Active subjects by id. */
async function activeSubjects(db: Db, ids: readonly string[]): Promise<SubjectRow[]> {
  return db.all<SubjectRow>(sql`SELECT * FROM monitored_subjects WHERE status = 'active' AND id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
}

/**
 * A "screen" message: the subjects' first screening against the serving
 * versions. Each subject's `screened_versions` then names the versions its
 * screening covered (a re-screen of one of them skips it) — written only if
 * the subject did not change meanwhile (a change sends it to screening again).
 */
export async function handleScreen(env: Env, msg: Extract<MonitoringMessage, { t: "screen" }>, now = new Date()): Promise<BatchOutcome> {
  const db = createDb(env.DB);
  const at = now.toISOString();
  const rows = await activeSubjects(db, msg.subjects);
  const outcome: BatchOutcome = { subjects: rows.length, skipped: msg.subjects.length - rows.length, alerts: 0 };
  const statements: BatchItem<"sqlite">[] = [];
  let webhookIds: string[] = [];
  let marks: [string, string, string][] = [];
  if (rows.length > 0) {
    const answer = await screenInEngine(env, { kind: "current" }, rows.map(screenSubjectOf), now);
    const byId = new Map(rows.map((r) => [r.id, r] as const));
    const writes = await matchAlertWrites(env, db, matchItems(answer, byId), at);
    outcome.alerts = writes.alertIds.length;
    webhookIds = writes.webhookIds;
    const tags = new Map(answer.versions.map((v) => [v.list, versionTag(v.sha256)] as const));
    marks = answer.results.map((r) => {
      const row = byId.get(r.subject_id)!;
      const covered = Object.fromEntries(r.covered.map((l) => [l, tags.get(l)!]));
      return [r.subject_id, row.updated_at, JSON.stringify({ ...(row.screened_versions ? JSON.parse(row.screened_versions) : {}), ...covered })];
    });
    statements.push(
      ...writes.statements,
      db.run(sql`UPDATE monitored_subjects SET screened_versions = m.value->>'$[2]', last_screened_at = ${at}
                 FROM json_each(${JSON.stringify(marks)}) m
                 WHERE monitored_subjects.id = m.value->>'$[0]' AND monitored_subjects.updated_at = m.value->>'$[1]'`),
    );
  }
  if (msg.job) statements.push(recordBatchStatement(db, msg.job, msg.batch, outcome, at));
  if (statements.length > 0) await runBatch(db, statements);
  await handOverAlertEvents(env, db, webhookIds);
  if (marks.length > 0) await screenAgainIfOvertaken(env, db, marks, msg.batch, at);
  return outcome;
}

/**
 * A version that became current while these subjects were being screened
 * against the one before: its re-screen may have passed them by (their first
 * screening was still to come), and what was just written says they saw the
 * older version. Read after the commit, so any switch this misses happened
 * after it, and that switch's re-screen sees the marks. Those subjects are
 * screened again; the engine skips the lists they already cover.
 */
async function screenAgainIfOvertaken(env: Env, db: Db, marks: readonly (readonly [string, string, string])[], batch: string, at: string): Promise<void> {
  const current = new Map(
    (await db.all<{ id: string; current_sha256: string }>(sql`SELECT id, current_sha256 FROM screening_lists WHERE current_sha256 IS NOT NULL`)).map(
      (l) => [l.id, versionTag(l.current_sha256)] as const,
    ),
  );
  const overtaken = marks
    .filter(([, , covered]) => Object.entries(JSON.parse(covered) as Record<string, string>).some(([list, tag]) => current.has(list) && current.get(list) !== tag))
    .map(([id]) => id);
  if (overtaken.length === 0) return;
  const again = screenMessages(null, `again:${batch}:${at}`, overtaken);
  await runBatch(db, outboxStatements(db, again, at));
  await sendOutbox(env, db, again);
}
