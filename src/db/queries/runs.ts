import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, notInArray, or, sql } from "drizzle-orm";
import { TERMINAL_STATUSES, type RunStatus } from "../../domain/types";
import type { Db } from "../client";
import { openRunCaseStatements, type CaseOpeningRows } from "./cases";
import { isUniqueViolation, literalRow, olderThan } from "./sql";
import { idempotencyKeys, runs, tenants } from "../schema";

export type RunRow = typeof runs.$inferSelect;
export type NewRun = typeof runs.$inferInsert;
export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

export type IdempotencyClaim = typeof idempotencyKeys.$inferInsert;
export type CreateOutcome = "created" | "insufficient_credits" | "tenant_suspended" | "claim_taken";

const isClaimConflict = (err: unknown): boolean => isUniqueViolation(err, "idempotency_keys");

/**
 * Creates a run in one D1 batch (one transaction: a failing statement rolls
 * the whole batch back), so a claim, a reservation and a run row only ever
 * exist together:
 *
 * 1. drop this key's claim if it expired (the key may start a new run);
 * 2. claim the key: a live claim makes the primary key fail, the batch rolls
 *    back and the caller replays the run that holds it ("claim_taken"), so a
 *    replay never meets a balance that its own first request took;
 * 3. insert the run only if the tenant is active and holds `reserve` credits;
 * 4. take the reservation only if the run row went in;
 * 5. drop the claim if it did not (a 402 leaves the key free for a retry);
 * 6. read back whether the row went in, and the tenant's status: the callers
 *    hold the status from a cache (src/cache/api-keys.ts), so this batch, on
 *    the primary, is what tells a suspension from a short balance.
 *
 * Without a claim (partner runs) steps 1, 2 and 5 are left out.
 */
export async function insertRunReserving(db: Db, run: NewRun, reserve: number, claim?: IdempotencyClaim): Promise<CreateOutcome> {
  const values = literalRow(runs, run);
  const runExists = sql`exists (select 1 from ${runs} where ${runs.id} = ${run.id})`;
  const insert = db
    .insert(runs)
    .select(
      sql`select ${values} where exists (select 1 from ${tenants} where ${tenants.id} = ${run.tenantId} and ${tenants.status} = 'active' and ${tenants.credits} >= ${reserve})`,
    );
  const take = db
    .update(tenants)
    .set({ credits: sql`${tenants.credits} - ${reserve}` })
    .where(and(eq(tenants.id, run.tenantId), runExists));
  const created = db
    .select({ status: tenants.status, created: sql<number>`${runExists}` })
    .from(tenants)
    .where(eq(tenants.id, run.tenantId));
  const outcome = (rows: { status: string; created: number }[]): CreateOutcome =>
    rows[0]?.created ? "created" : rows[0]?.status === "active" ? "insufficient_credits" : "tenant_suspended";
  try {
    if (!claim) {
      const [, , rows] = await db.batch([insert, take, created]);
      return outcome(rows);
    }
    const [, , , , , rows] = await db.batch([
      db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.keyHash, claim.keyHash), lt(idempotencyKeys.expiresAt, run.createdAt))),
      db.insert(idempotencyKeys).values(claim),
      insert,
      take,
      db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.keyHash, claim.keyHash), sql`not ${runExists}`)),
      created,
    ]);
    return outcome(rows);
  } catch (err) {
    if (claim && isClaimConflict(err)) return "claim_taken";
    throw err;
  }
}

export const findIdempotencyKey = (db: Db, keyHash: string) =>
  db.select().from(idempotencyKeys).where(eq(idempotencyKeys.keyHash, keyHash)).get();

/** A run as its tenant sees it: other tenants' and other environments' runs do not exist. */
export const getRunForTenant = (db: Db, tenantId: string, livemode: boolean, id: string) =>
  db
    .select()
    .from(runs)
    .where(and(eq(runs.id, id), eq(runs.tenantId, tenantId), eq(runs.livemode, livemode)))
    .get();

export const getRunById = (db: Db, id: string) => db.select().from(runs).where(eq(runs.id, id)).get();

/** The one column of a terminal run that still changes: its case's resolution (src/cache/runs.ts). */
export const runFinalDecision = async (db: Db, id: string): Promise<string | null> =>
  (await db.select({ finalDecision: runs.finalDecision }).from(runs).where(eq(runs.id, id)).get())?.finalDecision ?? null;

export const childRuns = (db: Db, parentId: string) =>
  db.select().from(runs).where(eq(runs.parentRunId, parentId)).orderBy(runs.id).all();

export interface RunListQuery {
  tenantId: string;
  livemode: boolean;
  limit: number;
  status?: RunStatus;
  templateId?: string;
  externalId?: string;
  decision?: string;
  parentRunId?: string;
  /** true: runs without a parent (the ones the API created); false: partner runs only. */
  topLevel?: boolean;
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
  if (q.decision) conds.push(eq(runs.decision, q.decision));
  if (q.parentRunId) conds.push(eq(runs.parentRunId, q.parentRunId));
  if (q.topLevel !== undefined) conds.push(q.topLevel ? isNull(runs.parentRunId) : isNotNull(runs.parentRunId));
  if (q.createdGte) conds.push(gte(runs.createdAt, q.createdGte));
  if (q.createdLte) conds.push(lte(runs.createdAt, q.createdLte));
  if (q.after) conds.push(olderThan(runs.createdAt, runs.id, q.after));
  return db
    .select()
    .from(runs)
    .where(and(...conds))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(q.limit + 1)
    .all();
}

export interface StalledRunQuery {
  /** `queued` runs created before this instant. */
  queuedBefore: string;
  /** `running` / `em_analise` runs created before this instant. */
  activeBefore: string;
  limit: number;
}

/** Non-terminal runs past their age, oldest first (the sweeper's bounded scan; index runs_status_created_idx). */
export const stalledRuns = (db: Db, q: StalledRunQuery) =>
  db
    .select()
    .from(runs)
    .where(
      or(
        and(eq(runs.status, "queued"), lt(runs.createdAt, q.queuedBefore)),
        and(inArray(runs.status, ["running", "em_analise"]), lt(runs.createdAt, q.activeBefore)),
      ),
    )
    .orderBy(runs.createdAt, runs.id)
    .limit(q.limit)
    .all();

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
 * `openCase`: the review case of a `review`/`hold` run goes in with it, only if
 * the row now says so and only once (openRunCaseStatements: UNIQUE run_id, ON CONFLICT DO NOTHING),
 * with its `case.opened` outbox event.
 */
export async function finishRun(db: Db, id: string, tenantId: string, f: TerminalFields, openCase?: CaseOpeningRows): Promise<boolean> {
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
    ...(openCase ? openRunCaseStatements(db, openCase) : []),
  ]);
  return updated.length === 1;
}
