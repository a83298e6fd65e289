// Review cases in D1: reads filtered by tenant and environment, and state
// changes as one batch (event append + conditional case update + side rows).
import { and, asc, desc, eq, inArray, lt, ne, or, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../client";
import { isUniqueViolation, literalRow, olderThan } from "./sql";
import { insertWebhookEventStatement, type NewWebhookEvent } from "./webhooks";
import { auditAnchorChains, auditAnchors, caseEvents, cases, falsePositives, runs, screeningLists, screeningVersionMembers, webhookEvents } from "../schema";

export type CaseRow = typeof cases.$inferSelect;
export type NewCase = typeof cases.$inferInsert;
export type CaseEventRow = typeof caseEvents.$inferSelect;
export type NewCaseEvent = typeof caseEvents.$inferInsert;
export type FalsePositiveRow = typeof falsePositives.$inferSelect;

/** A case as its tenant sees it: another tenant's or environment's case does not exist. */
export const getCaseForTenant = (db: Db, tenantId: string, livemode: boolean, id: string) =>
  db
    .select()
    .from(cases)
    .where(and(eq(cases.id, id), eq(cases.tenantId, tenantId), eq(cases.livemode, livemode)))
    .get();

export const getCaseByRunForTenant = (db: Db, tenantId: string, livemode: boolean, runId: string) =>
  db
    .select()
    .from(cases)
    .where(and(eq(cases.runId, runId), eq(cases.tenantId, tenantId), eq(cases.livemode, livemode)))
    .get();

export const getCaseByRunId = (db: Db, runId: string) => db.select().from(cases).where(eq(cases.runId, runId)).get();

/** Events of the given cases, in chain order. */
export async function caseEventsOf(db: Db, caseIds: string[]): Promise<CaseEventRow[]> {
  if (caseIds.length === 0) return [];
  return db.select().from(caseEvents).where(inArray(caseEvents.caseId, caseIds)).orderBy(asc(caseEvents.caseId), asc(caseEvents.seq)).all();
}

export interface CaseListQuery {
  tenantId: string;
  livemode: boolean;
  limit: number;
  status?: string;
  assignee?: string;
  /** Not resolved and past due at `now`. */
  overdueAt?: string;
  /** Position after which to continue (exclusive), newest first. */
  after?: { createdAt: string; id: string };
}

/** Newest first by (opened_at, id); keyset pagination like the runs list. */
export function listCaseRows(db: Db, q: CaseListQuery) {
  const conds: (SQL | undefined)[] = [eq(cases.tenantId, q.tenantId), eq(cases.livemode, q.livemode)];
  if (q.status) conds.push(eq(cases.status, q.status));
  if (q.assignee) conds.push(eq(cases.assignee, q.assignee));
  if (q.overdueAt) conds.push(ne(cases.status, "resolved"), lt(cases.dueAt, q.overdueAt));
  if (q.after) conds.push(olderThan(cases.openedAt, cases.id, q.after));
  return db
    .select()
    .from(cases)
    .where(and(...conds))
    .orderBy(desc(cases.openedAt), desc(cases.id))
    .limit(q.limit + 1)
    .all();
}

/** A new case's rows: the case, its first event, and its `case.opened` outbox event (null: no subscriber). */
export interface CaseOpeningRows {
  row: NewCase;
  event: NewCaseEvent;
  webhook: NewWebhookEvent | null;
}

/**
 * The statements that open a case inside the caller's batch: the case row goes
 * in only if `onlyIf` holds (default: always) and only once (PRIMARY KEY id,
 * UNIQUE run_id: a retried batch inserts nothing); its first event and its
 * outbox event go in only with it.
 */
export function openCaseStatements(db: Db, o: CaseOpeningRows, onlyIf: SQL = sql`1`): BatchItem<"sqlite">[] {
  const opened = sql`exists (select 1 from ${cases} where ${cases.id} = ${o.row.id})`;
  return [
    db
      .insert(cases)
      .select(sql`select ${literalRow(cases, o.row)} where ${onlyIf}`)
      .onConflictDoNothing(),
    db
      .insert(caseEvents)
      .select(sql`select ${literalRow(caseEvents, o.event)} where ${opened}`)
      .onConflictDoNothing(),
    ...(o.webhook
      ? [
          db
            .insert(webhookEvents)
            .select(sql`select ${literalRow(webhookEvents, o.webhook)} where ${opened}`)
            .onConflictDoNothing(),
        ]
      : []),
  ];
}

/**
 * A run's case with its terminal write (finishRun's batch): opened only if the
 * run row now says `review` or `hold`; then the run row points at its case.
 */
export function openRunCaseStatements(db: Db, o: CaseOpeningRows): BatchItem<"sqlite">[] {
  const runId = o.row.runId;
  if (!runId) throw new Error(`case ${o.row.id} has no run to open with`);
  const runWantsCase = sql`exists (select 1 from ${runs} where ${runs.id} = ${runId} and (${runs.decision} = 'review' or ${runs.operativeDecision} = 'hold'))`;
  return [
    ...openCaseStatements(db, o, runWantsCase),
    db
      .update(runs)
      .set({ caseId: o.row.id })
      .where(and(eq(runs.id, runId), sql`exists (select 1 from ${cases} where ${cases.id} = ${o.row.id})`)),
  ];
}

export interface CaseWrite {
  caseId: string;
  /** The case's run (null: a monitoring case). */
  runId: string | null;
  /** The version read; the write applies only if nobody moved the case since. */
  fromVersion: number;
  event: NewCaseEvent;
  set: Pick<NewCase, "status" | "assignee" | "proposal" | "resolution" | "updatedAt" | "chainHead">;
  /** The webhook event the change causes (the outbox: it commits with the change or not at all). */
  webhook?: NewWebhookEvent | null;
  /** Set on the run when the case resolves. */
  finalDecision?: string;
  rememberFalsePositives?: (typeof falsePositives.$inferInsert)[];
  /** Memory entries a `true_match` resolution withdraws. */
  forget?: { tenantId: string; livemode: boolean; subjectHash: string; source: string; list: string; entityKey: string }[];
}

const isEventConflict = (err: unknown): boolean => isUniqueViolation(err, "case_events");

/**
 * One state change, atomically: the event takes sequence number
 * `fromVersion + 1` (the primary key makes a concurrent writer's batch fail and
 * roll back), the case moves forward only from `fromVersion`, and the run and
 * the false-positive memory change with it. false: someone else changed the case first.
 */
export async function writeCaseChange(db: Db, w: CaseWrite): Promise<boolean> {
  const stmts: BatchItem<"sqlite">[] = [
    db.insert(caseEvents).values(w.event),
    db
      .update(cases)
      .set({ ...w.set, version: w.fromVersion + 1 })
      .where(and(eq(cases.id, w.caseId), eq(cases.version, w.fromVersion))),
  ];
  if (w.finalDecision && w.runId) stmts.push(db.update(runs).set({ finalDecision: w.finalDecision }).where(eq(runs.id, w.runId)));
  if (w.webhook) stmts.push(insertWebhookEventStatement(db, w.webhook));
  for (const f of w.forget ?? []) {
    stmts.push(
      db
        .delete(falsePositives)
        .where(
          and(
            eq(falsePositives.tenantId, f.tenantId),
            eq(falsePositives.livemode, f.livemode),
            eq(falsePositives.subjectHash, f.subjectHash),
            eq(falsePositives.source, f.source),
            eq(falsePositives.list, f.list),
            eq(falsePositives.entityKey, f.entityKey),
          ),
        ),
    );
  }
  for (const fp of w.rememberFalsePositives ?? []) {
    stmts.push(
      db
        .insert(falsePositives)
        .values(fp)
        .onConflictDoUpdate({
          target: [falsePositives.tenantId, falsePositives.livemode, falsePositives.subjectHash, falsePositives.source, falsePositives.list, falsePositives.entityKey],
          set: { recordHash: fp.recordHash, caseId: fp.caseId, resolvedBy: fp.resolvedBy, createdAt: fp.createdAt },
        }),
    );
  }
  try {
    await db.batch(stmts as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    return true;
  } catch (err) {
    if (isEventConflict(err)) return false;
    throw err;
  }
}

/** The false positives remembered for one subject. */
export const falsePositivesFor = (db: Db, tenantId: string, livemode: boolean, subjectHash: string) =>
  db
    .select()
    .from(falsePositives)
    .where(and(eq(falsePositives.tenantId, tenantId), eq(falsePositives.livemode, livemode), eq(falsePositives.subjectHash, subjectHash)))
    .all();

/**
 * Current record hashes of listed entities in the serving version of their
 * list (screening engine, contract §14), by `list|entity_id`. Entities of lists
 * this database does not hold (sandbox matches) are absent; removed ones too.
 * The caller passes listed entities only (domain/cases isListedEntityId).
 */
export async function currentRecordHashes(db: Db, entities: { list: string; entityId: string }[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const wanted = entities.filter((e) => e.list && e.entityId);
  // D1 allows 100 bound parameters per statement: 2 per entity, in chunks.
  for (let i = 0; i < wanted.length; i += 40) {
    const chunk = wanted.slice(i, i + 40);
    const rows = await db
      .select({ listId: screeningVersionMembers.listId, entityId: screeningVersionMembers.entityId, recordHash: screeningVersionMembers.recordHash })
      .from(screeningVersionMembers)
      .innerJoin(screeningLists, and(eq(screeningLists.id, screeningVersionMembers.listId), eq(screeningLists.currentSha256, screeningVersionMembers.sha256)))
      .where(or(...chunk.map((e) => and(eq(screeningVersionMembers.listId, e.list), eq(screeningVersionMembers.entityId, e.entityId)))))
      .all();
    for (const r of rows) out.set(`${r.listId}|${r.entityId}`, r.recordHash);
  }
  return out;
}

/** Which of these lists this database holds (screening engine): their entities are looked up, not trusted from the run. */
export async function knownLists(db: Db, listIds: string[]): Promise<Set<string>> {
  const ids = [...new Set(listIds.filter(Boolean))];
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: screeningLists.id }).from(screeningLists).where(inArray(screeningLists.id, ids)).all();
  return new Set(rows.map((r) => r.id));
}

// ---- audit anchors ---------------------------------------------------------------

/** A chain to anchor: its case, its events' count and its last event's hash (read from the events, not the row). */
export interface ChainHead {
  caseId: string;
  length: number;
  head: string;
}

/**
 * Chains changed since their last anchor (`version > anchored_length`, a partial
 * index), after `afterId` in id order, with the length and head their events
 * hold now.
 */
export async function unanchoredChains(db: Db, afterId: string, limit: number): Promise<ChainHead[]> {
  // Qualified by hand: drizzle writes a single-table query's columns unqualified,
  // which inside these subqueries would name case_events' own columns.
  const rows = await db
    .select({
      caseId: cases.id,
      length: sql<number>`(select count(*) from case_events e where e.case_id = "cases"."id")`,
      head: sql<string | null>`(select e.hash from case_events e where e.case_id = "cases"."id" order by e.seq desc limit 1)`,
    })
    .from(cases)
    .where(and(sql`"cases"."version" > "cases"."anchored_length"`, sql`"cases"."id" > ${afterId}`))
    .orderBy(asc(cases.id))
    .limit(limit)
    .all();
  return rows.filter((r) => r.head !== null).map((r) => ({ caseId: r.caseId, length: Number(r.length), head: r.head! }));
}

/**
 * Records an anchor written to R2: the anchor row, which chains it holds (one
 * statement over a JSON array: D1 allows 100 bound parameters), and each
 * case's anchored length (only ever forward).
 */
export async function recordAnchor(db: Db, anchor: typeof auditAnchors.$inferInsert, chains: ChainHead[]): Promise<void> {
  const entries = JSON.stringify(chains.map((c) => ({ c: c.caseId, l: c.length })));
  await db.batch([
    db.insert(auditAnchors).values(anchor),
    db
      .insert(auditAnchorChains)
      // `where 1`: SQLite reads ON CONFLICT after a bare FROM as a join constraint.
      .select(sql`select json_extract(value, '$.c'), ${anchor.id}, json_extract(value, '$.l') from json_each(${entries}) where 1`)
      .onConflictDoNothing(),
    db
      .update(cases)
      .set({
        anchoredLength: sql`max("anchored_length", (select a.length from audit_anchor_chains a where a.anchor_id = ${anchor.id} and a.case_id = "cases"."id"))`,
      })
      .where(sql`"cases"."id" in (select a.case_id from audit_anchor_chains a where a.anchor_id = ${anchor.id})`),
  ]);
}

/** The newest anchor whose object holds this case's chain (null: never anchored). */
export const latestAnchorOf = (db: Db, caseId: string) =>
  db
    .select({ id: auditAnchors.id, key: auditAnchors.key, createdAt: auditAnchors.createdAt })
    .from(auditAnchorChains)
    .innerJoin(auditAnchors, eq(auditAnchors.id, auditAnchorChains.anchorId))
    .where(eq(auditAnchorChains.caseId, caseId))
    .orderBy(desc(auditAnchorChains.anchorId))
    .limit(1)
    .get();
