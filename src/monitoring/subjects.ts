// Monitored subjects (contract §17): enrol (API, import, run), list, get, stop.
// A subject is stored by its document's keyed hash (tenant + environment +
// hash is unique), with only what matching needs; enrolling the same document
// again updates it. Every enrolment and every change of the facts matching
// weighs sends the subject to its first screening (src/monitoring/screening.ts)
// through the outbox, in the batch that writes it.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { runBatch } from "../db/queries/sql";
import { DomainError } from "../domain/errors";
import { BUCKETS, checkSubject, REGISTRY_ALERT_SOURCE, SUBJECT_STATUSES, type CheckedSubject, type SubjectInput, type SubjectStatus } from "../domain/monitoring";
import { newestFirstPage } from "./page";
import { subjectDocumentHash } from "../lib/crypto";
import { newId } from "../lib/ids";
import type { Services } from "../runs/service";
import { LIST_IDS, type ListId } from "../screening/types";
import { outboxStatements, sendOutbox, type OutboxMessage } from "./messages";

/** A monitored subject as the API shows it (contract §17). */
export interface SubjectView {
  id: string;
  object: "monitored_subject";
  document: string;
  name: string | null;
  birth_date: string | null;
  nationality: string | null;
  gender: "M" | "F" | null;
  external_id: string | null;
  lists: ListId[];
  status: SubjectStatus;
  created_at: string;
  last_screened_at: string | null;
  open_alerts: number;
  stopped_at: string | null;
  erased_at: string | null;
  livemode: boolean;
}

export interface SubjectRow {
  id: string;
  tenant_id: string;
  livemode: number;
  doc_type: "pf" | "pj";
  doc_hash: string | null;
  doc_masked: string;
  cpf_visible: string | null;
  cnpj: string | null;
  cnpj_root: string | null;
  name: string;
  birth_date: string | null;
  nationality: string | null;
  gender: "M" | "F" | null;
  external_id: string | null;
  lists: string | null;
  status: SubjectStatus;
  bucket: number;
  origin: "api" | "import" | "run";
  origin_id: string | null;
  screened_versions: string | null;
  created_at: string;
  updated_at: string;
  last_screened_at: string | null;
  stopped_at: string | null;
  erase_after: string | null;
  erased_at: string | null;
}

/** Columns of a subject and what its view computes: open alerts, and the newest re-screen that covered it (of one of its lists; for a CNPJ, also a registry month's comparison). */
const SUBJECT_SELECT = sql.raw(`s.*,
  (SELECT count(*) FROM monitoring_alerts a WHERE a.subject_id = s.id AND a.status = 'open') AS open_alerts,
  (SELECT max(r.completed_at) FROM monitoring_rescreens r
    WHERE r.completed_at IS NOT NULL AND r.completed_at >= s.created_at AND r.completed_at <= coalesce(s.stopped_at, '9999')
      AND CASE WHEN r.list_id = '${REGISTRY_ALERT_SOURCE}' THEN s.cnpj_root IS NOT NULL
               ELSE s.lists IS NULL OR r.list_id IN (SELECT value FROM json_each(s.lists)) END) AS rescreened_at`);

type SubjectRowView = SubjectRow & { open_alerts: number; rescreened_at: string | null };

const maxIso = (a: string | null, b: string | null) => (a && b ? (a > b ? a : b) : (a ?? b));

export function subjectView(r: SubjectRowView): SubjectView {
  const erased = r.erased_at !== null;
  return {
    id: r.id,
    object: "monitored_subject",
    document: r.doc_masked,
    name: erased ? null : r.name,
    birth_date: r.birth_date,
    nationality: r.nationality,
    gender: r.gender,
    external_id: r.external_id,
    lists: r.lists ? (JSON.parse(r.lists) as ListId[]) : [...LIST_IDS],
    status: r.status,
    created_at: r.created_at,
    last_screened_at: r.last_screened_at ? maxIso(r.last_screened_at, r.rescreened_at) : null,
    open_alerts: Number(r.open_alerts),
    stopped_at: r.stopped_at,
    erased_at: r.erased_at,
    livemode: !!r.livemode,
  };
}

/** A subject of this tenant and environment (another's does not exist). */
export async function subjectRow(db: Db, tenantId: string, livemode: boolean, id: string): Promise<SubjectRowView | undefined> {
  const rows = await db.all<SubjectRowView>(
    sql`SELECT ${SUBJECT_SELECT} FROM monitored_subjects s WHERE s.id = ${id} AND s.tenant_id = ${tenantId} AND s.livemode = ${livemode ? 1 : 0}`,
  );
  return rows[0];
}

// ---- enrolment ------------------------------------------------------------------

/** What a batch of enrolments writes and what it leaves to do afterwards. */
export interface EnrolmentRow {
  subject: CheckedSubject;
  /** keyedHash of the document. */
  hash: string;
  /** The id a new subject gets (an existing one keeps its own). */
  id: string;
  bucket: number;
}

/** Draws a bucket (0..65535) for a new subject: re-screens split the base by bucket ranges. */
export const drawBucket = (): number => crypto.getRandomValues(new Uint16Array(1))[0] % BUCKETS;

/** Hashes and ids for checked subjects (the clear document stops here). */
export async function enrolmentRows(secret: string, subjects: CheckedSubject[], nowMs: number): Promise<EnrolmentRow[]> {
  return Promise.all(
    subjects.map(async (s) => ({ subject: s, hash: await subjectDocumentHash(secret, s.type, s.document), id: newId("mon", nowMs), bucket: drawBucket() })),
  );
}

export interface EnrolmentContext {
  tenantId: string;
  livemode: boolean;
  origin: "api" | "import" | "run";
  originId: string | null;
  now: string;
  /**
   * The versions a run already screened the subject against whole (list →
   * version tag): its first screening leaves them out. Null: none.
   */
  screened?: Record<string, string> | null;
  /** SQL condition the upsert goes in under (an import step's checkpoint): none by default. */
  onlyIf?: ReturnType<typeof sql>;
}

/**
 * The upsert of a batch of subjects, one statement (a JSON array through
 * json_each: D1 allows 100 bound parameters, not 100 rows). A document already
 * monitored in this tenant and environment is updated: reactivated if it was
 * stopped, and sent back to its first screening (screened_versions cleared)
 * when a fact matching weighs changed. RETURNING says which rows are new.
 */
export function upsertSubjectsStatement(db: Db, rows: readonly EnrolmentRow[], c: EnrolmentContext) {
  const json = JSON.stringify(
    rows.map((r) => [
      r.id,
      r.subject.type,
      r.hash,
      r.subject.masked,
      r.subject.cpfVisible,
      r.subject.cnpj,
      r.subject.cnpjRoot,
      r.subject.name,
      r.subject.birthDate,
      r.subject.nationality,
      r.subject.gender,
      r.subject.externalId,
      r.subject.lists ? JSON.stringify(r.subject.lists) : null,
      r.bucket,
    ]),
  );
  const screened = c.screened ? JSON.stringify(c.screened) : null;
  return db.run(sql`
    INSERT INTO monitored_subjects (id, tenant_id, livemode, doc_type, doc_hash, doc_masked, cpf_visible, cnpj, cnpj_root, name, birth_date,
      nationality, gender, external_id, lists, status, bucket, origin, origin_id, screened_versions, created_at, updated_at)
    SELECT j.value->>'$[0]', ${c.tenantId}, ${c.livemode ? 1 : 0}, j.value->>'$[1]', j.value->>'$[2]', j.value->>'$[3]', j.value->>'$[4]',
      j.value->>'$[5]', j.value->>'$[6]', j.value->>'$[7]', j.value->>'$[8]', j.value->>'$[9]', j.value->>'$[10]', j.value->>'$[11]',
      j.value->>'$[12]', 'active', j.value->>'$[13]', ${c.origin}, ${c.originId}, ${screened}, ${c.now}, ${c.now}
    FROM json_each(${json}) j WHERE ${c.onlyIf ?? sql`1`}
    ON CONFLICT (tenant_id, livemode, doc_hash) DO UPDATE SET
      screened_versions = CASE WHEN monitored_subjects.status = 'active' AND monitored_subjects.name IS excluded.name
          AND monitored_subjects.birth_date IS excluded.birth_date AND monitored_subjects.nationality IS excluded.nationality
          AND monitored_subjects.gender IS excluded.gender AND monitored_subjects.lists IS excluded.lists
        THEN monitored_subjects.screened_versions ELSE excluded.screened_versions END,
      name = excluded.name, birth_date = excluded.birth_date, nationality = excluded.nationality, gender = excluded.gender,
      external_id = coalesce(excluded.external_id, monitored_subjects.external_id), lists = excluded.lists,
      status = 'active', stopped_at = NULL, erase_after = NULL, updated_at = excluded.updated_at
    RETURNING id, created_at = ${c.now} AND origin_id IS ${c.originId} AND origin = ${c.origin} AS fresh, screened_versions IS NULL AS pending`);
}

export type UpsertResult = { id: string; fresh: number; pending: number };

/** The first-screening message of some subjects (one per 200: a batch the engine screens in one call). */
export function screenMessages(job: string | null, batchPrefix: string, subjectIds: readonly string[]): OutboxMessage[] {
  const out: OutboxMessage[] = [];
  for (let i = 0; i < subjectIds.length; i += SCREEN_BATCH) {
    const batch = `${batchPrefix}:${i / SCREEN_BATCH}`;
    out.push({ id: `screen:${batch}`, body: { t: "screen", job, batch, subjects: subjectIds.slice(i, i + SCREEN_BATCH) } });
  }
  return out;
}

/** Subjects per first-screening message. */
export const SCREEN_BATCH = 200;

// ---- the API -------------------------------------------------------------------

const knownLists = LIST_IDS as readonly string[];

export async function enrolSubject(s: Services, input: SubjectInput): Promise<{ created: boolean; subject: SubjectView }> {
  const now = s.now();
  const checked = checkSubject(input, { today: now.toISOString().slice(0, 10), allowSandbox: !s.auth.livemode, knownLists });
  if (!checked.ok) {
    const first = checked.problems[0];
    // A bad document is `invalid_document`, as in runs (contract §3); any other field `invalid_request`.
    throw new DomainError(
      first.field === "document" ? "invalid_document" : "invalid_request",
      `${first.field}: ${first.reason}`,
      first.field,
      checked.problems.map((p) => ({ name: p.field, reason: p.reason })),
    );
  }
  const [row] = await enrolmentRows(s.env.SERVER_SECRET, [checked.subject], now.getTime());
  const at = now.toISOString();
  const ctx: EnrolmentContext = { tenantId: s.auth.tenantId, livemode: s.auth.livemode, origin: "api", originId: null, now: at };
  // The screening message names the subject by the id it ends up with: the new one, or the existing subject's.
  const upsert = upsertSubjectsStatement(s.db, [row], ctx);
  const [result] = (await runBatch(s.db, [upsert])) as unknown as [D1Result<UpsertResult>];
  const out = result.results[0];
  const created = !!out.fresh;
  const messages = out.pending ? screenMessages(null, `api:${out.id}:${at}`, [out.id]) : [];
  if (messages.length > 0) {
    await runBatch(s.db, outboxStatements(s.db, messages, at));
    await sendOutbox(s.env, s.primary, messages);
  }
  const view = await subjectRow(s.db, s.auth.tenantId, s.auth.livemode, out.id);
  return { created, subject: subjectView(view!) };
}

export async function getSubject(s: Services, id: string): Promise<SubjectView> {
  const row = (await subjectRow(s.db, s.auth.tenantId, s.auth.livemode, id)) ?? (await subjectRow(s.primary, s.auth.tenantId, s.auth.livemode, id));
  if (!row) throw new DomainError("monitored_subject_not_found", undefined, "id");
  return subjectView(row);
}

export interface ListSubjectsQuery {
  status?: SubjectStatus;
  external_id?: string;
  cursor?: string;
  limit: number;
}

/** Newest first (created_at desc, then id desc), keyset pages with signed cursors (as runs, §6). */
export async function listSubjects(s: Services, q: ListSubjectsQuery) {
  if (q.status && !(SUBJECT_STATUSES as readonly string[]).includes(q.status)) throw new DomainError("invalid_request", "status desconhecido.", "status");
  const where: SQL[] = [];
  if (q.status) where.push(sql`s.status = ${q.status}`);
  if (q.external_id) where.push(sql`s.external_id = ${q.external_id}`);
  return newestFirstPage(s, q, { select: SUBJECT_SELECT, table: "monitored_subjects", alias: "s" }, where, subjectView);
}

/**
 * DELETE: the subject is stopped — kept for the record, never alerted again —
 * and its personal data erased once the tenant's retention has passed
 * (src/monitoring/maintenance.ts). Stopping a stopped subject changes nothing.
 */
export async function stopSubject(s: Services, id: string): Promise<SubjectView> {
  const now = s.now();
  const days = await s.primary.all<{ days: number }>(sql`SELECT monitoring_retention_days AS days FROM tenants WHERE id = ${s.auth.tenantId}`);
  const eraseAfter = new Date(now.getTime() + (days[0]?.days ?? 30) * 86_400_000).toISOString();
  await s.db.run(
    sql`UPDATE monitored_subjects SET status = 'stopped', stopped_at = ${now.toISOString()}, erase_after = ${eraseAfter}, updated_at = ${now.toISOString()}
        WHERE id = ${id} AND tenant_id = ${s.auth.tenantId} AND livemode = ${s.auth.livemode ? 1 : 0} AND status = 'active'`,
  );
  const row = await subjectRow(s.db, s.auth.tenantId, s.auth.livemode, id);
  if (!row) throw new DomainError("monitored_subject_not_found", undefined, "id");
  return subjectView(row);
}
