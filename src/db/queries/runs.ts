import { and, desc, eq, gte, inArray, lt, lte, notInArray, or, sql } from "drizzle-orm";
import { TERMINAL_STATUSES, type RunStatus } from "../../domain/types";
import type { Db } from "../client";
import { idempotencyKeys, runs, tenants } from "../schema";

export type RunRow = typeof runs.$inferSelect;
export type NewRun = typeof runs.$inferInsert;
export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

/**
 * Creates the run row; with a claim, the idempotency row too, in one D1 batch
 * (a transaction). The claim's primary key makes the second of two concurrent
 * creations fail as a whole: exactly one run per key.
 */
export async function insertRun(db: Db, run: NewRun, claim?: typeof idempotencyKeys.$inferInsert): Promise<boolean> {
  if (!claim) {
    await db.insert(runs).values(run).run();
    return true;
  }
  try {
    await db.batch([db.insert(idempotencyKeys).values(claim), db.insert(runs).values(run)]);
    return true;
  } catch (err) {
    if (/UNIQUE|constraint/i.test(String(err))) return false;
    throw err;
  }
}

export const findIdempotencyKey = (db: Db, keyHash: string) =>
  db.select().from(idempotencyKeys).where(eq(idempotencyKeys.keyHash, keyHash)).get();

export const deleteExpiredIdempotencyKey = (db: Db, keyHash: string, now: string) =>
  db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.keyHash, keyHash), lt(idempotencyKeys.expiresAt, now))).run();

/** A run as its tenant sees it: other tenants' and other environments' runs do not exist. */
export const getRunForTenant = (db: Db, tenantId: string, livemode: boolean, id: string) =>
  db
    .select()
    .from(runs)
    .where(and(eq(runs.id, id), eq(runs.tenantId, tenantId), eq(runs.livemode, livemode)))
    .get();

export const getRunById = (db: Db, id: string) => db.select().from(runs).where(eq(runs.id, id)).get();

export const childRuns = (db: Db, parentId: string) =>
  db.select().from(runs).where(eq(runs.parentRunId, parentId)).orderBy(runs.id).all();

export interface RunListQuery {
  tenantId: string;
  livemode: boolean;
  limit: number;
  status?: RunStatus;
  templateId?: string;
  externalId?: string;
  createdGte?: string;
  createdLte?: string;
  /** Position after which to continue (exclusive), newest first. */
  after?: { createdAt: string; id: string };
}

/** Newest first by (created_at, id); keyset pagination, so inserts never shift a page. */
export function listRuns(db: Db, q: RunListQuery) {
  const conds = [eq(runs.tenantId, q.tenantId), eq(runs.livemode, q.livemode)];
  if (q.status) conds.push(eq(runs.status, q.status));
  if (q.templateId) conds.push(eq(runs.templateId, q.templateId));
  if (q.externalId) conds.push(eq(runs.externalId, q.externalId));
  if (q.createdGte) conds.push(gte(runs.createdAt, q.createdGte));
  if (q.createdLte) conds.push(lte(runs.createdAt, q.createdLte));
  if (q.after) {
    const after = or(lt(runs.createdAt, q.after.createdAt), and(eq(runs.createdAt, q.after.createdAt), lt(runs.id, q.after.id)));
    if (after) conds.push(after);
  }
  return db
    .select()
    .from(runs)
    .where(and(...conds))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(q.limit + 1)
    .all();
}

/** The statuses each mirrored status may follow: D1 only ever moves a run forward. */
const PREDECESSORS: Record<"running" | "em_analise", RunStatus[]> = {
  running: ["queued"],
  em_analise: ["queued", "running"],
};

/** Conditional status change, forward only: a late write never moves a run back, and a terminal run never changes. */
export async function advanceRunStatus(
  db: Db,
  id: string,
  status: Extract<RunStatus, "running" | "em_analise">,
  startedAt?: string,
): Promise<boolean> {
  const res = await db
    .update(runs)
    .set({ status, ...(startedAt ? { startedAt } : {}) })
    .where(and(eq(runs.id, id), inArray(runs.status, PREDECESSORS[status])))
    .returning({ id: runs.id });
  return res.length === 1;
}

export interface TerminalFields {
  status: RunStatus;
  decision: string | null;
  operativeDecision: string | null;
  riskBand: string | null;
  creditsUsed: number;
  result: string;
  startedAt: string | null;
  completedAt: string;
}

/**
 * Writes the terminal state once (only from a non-terminal status) and returns
 * unused reserved credits to the tenant exactly once, in one transaction.
 */
export async function finishRun(db: Db, id: string, tenantId: string, f: TerminalFields): Promise<boolean> {
  const [updated] = await db.batch([
    db
      .update(runs)
      .set({
        status: f.status,
        decision: f.decision,
        operativeDecision: f.operativeDecision,
        riskBand: f.riskBand,
        creditsUsed: f.creditsUsed,
        result: f.result,
        startedAt: sql`coalesce(${runs.startedAt}, ${f.startedAt})`,
        completedAt: f.completedAt,
      })
      .where(and(eq(runs.id, id), notInArray(runs.status, [...TERMINAL_STATUSES])))
      .returning({ id: runs.id }),
    db
      .update(tenants)
      .set({
        credits: sql`${tenants.credits} + max(0, (select ${runs.creditsReserved} - ${runs.creditsUsed} from ${runs} where ${runs.id} = ${id}))`,
      })
      .where(
        and(
          eq(tenants.id, tenantId),
          sql`exists (select 1 from ${runs} where ${runs.id} = ${id} and ${runs.creditsSettled} = 0 and ${inArray(runs.status, [...TERMINAL_STATUSES])})`,
        ),
      ),
    db.update(runs).set({ creditsSettled: true }).where(and(eq(runs.id, id), inArray(runs.status, [...TERMINAL_STATUSES]))),
  ]);
  return updated.length === 1;
}
