// Review-case use cases (contract §15), shared by the API routes and the
// analyst console: list, get, assign, resolve, approve, return. Rules come
// from src/domain/cases.ts; every change is one D1 batch that appends a
// hash-chained event and moves the case forward only from the version it read.
import { createDb, type Db } from "../db/client";
import {
  caseEventsOf,
  getCaseByRunForTenant,
  getCaseForTenant,
  listCaseRows,
  writeCaseChange,
  type CaseEventRow,
  type CaseRow,
  type CaseWrite,
} from "../db/queries/cases";
import { getRunById, type RunRow } from "../db/queries/runs";
import {
  CASE_STATUSES,
  caseEventId,
  hasSanctionsOrWarrantFinding,
  memoryKey,
  planApprove,
  planAssign,
  planResolve,
  planReturn,
  type CaseOutcome,
  type CaseStatus,
  type CaseTransition,
  type HashedMatch,
  type MatchResolution,
  type ReasonCode,
} from "../domain/cases";
import { DomainError } from "../domain/errors";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import type { StoredResult } from "../runs/types";
import { storedResult } from "../runs/views";
import { chainEvent } from "./chain";
import { caseEvidence, hashedMatches } from "./matches";
import { caseState, caseView, type Case } from "./views";
import { enqueueCaseEvent } from "./webhooks";

export { verifyChain } from "./chain";
export type { Case, CaseMatchView, CaseProposalView } from "./views";
export { REASON_CODES, REASON_CODE_LABELS, CASE_STATUSES, type ReasonCode, type CaseStatus, type MatchResolution } from "../domain/cases";

/** Who and where: one tenant and environment, and the request's clock. */
export interface CaseContext {
  env: Env;
  db: Db;
  tenantId: string;
  livemode: boolean;
  now: Date;
}

export const caseContext = (env: Env, scope: { tenantId: string; livemode: boolean; now?: Date }): CaseContext => ({
  env,
  db: createDb(env.DB),
  tenantId: scope.tenantId,
  livemode: scope.livemode,
  now: scope.now ?? new Date(),
});

export interface ListCasesQuery {
  status?: CaseStatus;
  assignee?: string;
  /** Only cases past `due_at` and not resolved. */
  overdue?: boolean;
  /** The console's "pending approval" tab (same as status = pending_approval). */
  pendingApproval?: boolean;
  cursor?: string;
  limit: number;
}

export interface CaseList {
  object: "list";
  data: Case[];
  has_more: boolean;
  next_cursor?: string;
  livemode: boolean;
}

/** Newest first, keyset pagination (the cursor is signed for this tenant and environment). */
export async function listCases(ctx: CaseContext, q: ListCasesQuery): Promise<CaseList> {
  const owner = { tenantId: ctx.tenantId, livemode: ctx.livemode };
  const after = q.cursor ? await decodeCursor(ctx.env.SERVER_SECRET, owner, q.cursor) : undefined;
  if (after === null) throw new DomainError("invalid_cursor", undefined, "cursor");
  if (q.status && !(CASE_STATUSES as readonly string[]).includes(q.status)) throw new DomainError("invalid_request", "status desconhecido.", "status");
  const rows = await listCaseRows(ctx.db, {
    tenantId: ctx.tenantId,
    livemode: ctx.livemode,
    limit: q.limit,
    status: q.pendingApproval ? "pending_approval" : q.status,
    assignee: q.assignee?.trim().toLowerCase(),
    overdueAt: q.overdue ? ctx.now.toISOString() : undefined,
    after,
  });
  const page = rows.slice(0, q.limit);
  const hasMore = rows.length > q.limit;
  const events = groupEvents(await caseEventsOf(ctx.db, page.map((r) => r.id)));
  const last = page.at(-1);
  return {
    object: "list",
    data: page.map((r) => caseView(r, events.get(r.id) ?? [])),
    has_more: hasMore,
    ...(hasMore && last ? { next_cursor: await encodeCursor(ctx.env.SERVER_SECRET, owner, { createdAt: last.openedAt, id: last.id }) } : {}),
    livemode: ctx.livemode,
  };
}

/** A case row with its events and its run's match candidates, and the run row it reviews. */
async function withRun(ctx: CaseContext, row: CaseRow): Promise<{ case: Case; run: RunRow | undefined }> {
  const [events, run] = await Promise.all([caseEventsOf(ctx.db, [row.id]), getRunById(ctx.db, row.runId)]);
  return { case: caseView(row, events, await runMatches(run)), run };
}

/** The case and the run it reviews (the console's case page shows both). Another tenant's case is `case_not_found`, as an unknown one. */
export async function getCaseWithRun(ctx: CaseContext, id: string): Promise<{ case: Case; run: RunRow | undefined }> {
  return withRun(ctx, await requireCase(ctx, id));
}

/** The case with its events and its run's match candidates. */
export async function getCase(ctx: CaseContext, id: string): Promise<Case> {
  return (await getCaseWithRun(ctx, id)).case;
}

export async function getCaseByRun(ctx: CaseContext, runId: string): Promise<Case | null> {
  const row = await getCaseByRunForTenant(ctx.db, ctx.tenantId, ctx.livemode, runId);
  return row ? (await withRun(ctx, row)).case : null;
}

export async function assignCase(ctx: CaseContext, id: string, input: { assignee: string; actor: string }): Promise<Case> {
  return change(ctx, id, async (row) => ({ transition: planAssign(caseState(row), input) }));
}

export interface ResolveCaseInput {
  outcome: CaseOutcome;
  reason_code: ReasonCode;
  note: string;
  actor: string;
  match_resolutions?: MatchResolution[];
}

/**
 * Resolves at once, or files a proposal that waits for a second person (any
 * rejection; an approval of a `hold` case or of a run with a sanctions/warrant
 * finding). `match_resolutions` name matches of the case's run; the
 * `false_positive` ones are remembered for this subject once the case resolves.
 */
export async function resolveCase(ctx: CaseContext, id: string, input: ResolveCaseInput): Promise<Case> {
  return change(ctx, id, async (row, run) => {
    const stored = storedOf(run);
    const matches = await hashedMatches(stored.results);
    const resolutions = checkResolutions(input.match_resolutions ?? [], matches);
    const { evidence, resultSha256 } = await caseEvidence(ctx.db, run.result!, matches);
    const transition = planResolve(caseState(row), { ...input, match_resolutions: resolutions }, {
      sanctionsOrWarrant: hasSanctionsOrWarrantFinding(stored.body.sources),
      evidence,
      evidenceSha256: resultSha256,
      now: ctx.now.toISOString(),
    });
    return { transition, matches };
  });
}

/** The second person approves the pending proposal (refused to its proposer, and when the evidence changed since). */
export async function approveCase(ctx: CaseContext, id: string, input: { actor: string }): Promise<Case> {
  return change(ctx, id, async (row, run) => {
    const matches = await hashedMatches(storedOf(run).results);
    const { evidence, resultSha256 } = await caseEvidence(ctx.db, run.result!, matches);
    return { transition: planApprove(caseState(row), input, { evidence, evidenceSha256: resultSha256, now: ctx.now.toISOString() }), matches };
  });
}

/** Sends a pending proposal back to analysis (`in_review`), with a note. */
export async function returnCase(ctx: CaseContext, id: string, input: { actor: string; note: string }): Promise<Case> {
  return change(ctx, id, async (row) => ({ transition: planReturn(caseState(row), input) }));
}

// ---- internals -----------------------------------------------------------------

async function requireCase(ctx: CaseContext, id: string): Promise<CaseRow> {
  const row = await getCaseForTenant(ctx.db, ctx.tenantId, ctx.livemode, id);
  // The same error for an unknown id and another tenant's (or environment's) case.
  if (!row) throw new DomainError("case_not_found", undefined, "id");
  return row;
}

function groupEvents(events: CaseEventRow[]): Map<string, CaseEventRow[]> {
  const out = new Map<string, CaseEventRow[]>();
  for (const e of events) out.set(e.caseId, [...(out.get(e.caseId) ?? []), e]);
  return out;
}

/** A case's run is terminal: its stored result is there. */
function storedOf(run: RunRow): StoredResult {
  const stored = storedResult(run);
  if (!stored) throw new Error(`case run ${run.id} has no stored result`);
  return stored;
}

async function runMatches(run: RunRow | undefined): Promise<HashedMatch[]> {
  return run?.result ? hashedMatches(storedOf(run).results) : [];
}

/** Every resolution must name a match of the case's run (list optional when the source matched one list). */
function checkResolutions(input: MatchResolution[], matches: HashedMatch[]): MatchResolution[] {
  return input.map((r, i) => {
    const hits = matches.filter((m) => m.source === r.source && m.entity_id === r.entity_id && (r.list == null || m.list === r.list));
    if (hits.length !== 1) {
      throw new DomainError(
        "invalid_request",
        hits.length === 0
          ? `match_resolutions[${i}] não corresponde a nenhuma correspondência do caso (veja matches em GET /cases/{id}).`
          : `match_resolutions[${i}] é ambígua: informe list.`,
        `match_resolutions[${i}]`,
      );
    }
    if (r.resolution !== "false_positive" && r.resolution !== "true_match") {
      throw new DomainError("invalid_request", "resolution deve ser 'false_positive' ou 'true_match'.", `match_resolutions[${i}].resolution`);
    }
    return { source: r.source, list: hits[0].list, entity_id: r.entity_id, resolution: r.resolution };
  });
}

type Plan = (row: CaseRow, run: RunRow) => Promise<{ transition: CaseTransition; matches?: HashedMatch[] }>;

/** How many times a change is re-planned when another writer moved the case in between. */
const MAX_ATTEMPTS = 3;

async function change(ctx: CaseContext, id: string, plan: Plan): Promise<Case> {
  for (let attempt = 1; ; attempt++) {
    const row = await requireCase(ctx, id);
    const run = await getRunById(ctx.db, row.runId);
    if (!run) throw new Error(`case ${row.id}: run ${row.runId} is missing`);
    let planned: Awaited<ReturnType<Plan>>;
    try {
      planned = await plan(row, run);
    } catch (err) {
      // A retried call on a resolved case repairs a case.resolved webhook that did not go out.
      if (err instanceof DomainError && err.code === "case_already_resolved") {
        await enqueueCaseEvent(ctx.env, row, await caseEventsOf(ctx.db, [row.id]), "case.resolved", run.webhookUrl);
      }
      throw err;
    }
    const { transition: t, matches = [] } = planned;
    const events = await caseEventsOf(ctx.db, [row.id]);
    const at = ctx.now.toISOString();
    const event = await chainEvent(
      { id: caseEventId(row.id, row.version + 1), type: t.event.type, actor: t.event.actor, at, data: t.event.data },
      events.at(-1)?.hash ?? null,
    );
    const write: CaseWrite = {
      caseId: row.id,
      runId: row.runId,
      fromVersion: row.version,
      event: { caseId: row.id, seq: row.version + 1, ...event, data: JSON.stringify(event.data), prevHash: event.prev_hash },
      set: {
        status: t.status,
        assignee: t.assignee,
        proposal: t.proposal ? JSON.stringify(t.proposal) : null,
        resolution: t.resolution ? JSON.stringify(t.resolution) : null,
        updatedAt: at,
      },
    };
    if (t.resolution) {
      write.finalDecision = t.resolution.outcome;
      Object.assign(write, memoryWrites(ctx, row, t, matches, at));
    }
    if (await writeCaseChange(ctx.db, write)) {
      const updated = await requireCase(ctx, id);
      const updatedEvents = await caseEventsOf(ctx.db, [row.id]);
      if (t.resolution) await enqueueCaseEvent(ctx.env, updated, updatedEvents, "case.resolved", run.webhookUrl);
      return caseView(updated, updatedEvents, matches.length ? matches : await runMatches(run));
    }
    if (attempt >= MAX_ATTEMPTS) throw new Error(`case ${id}: too many concurrent changes`);
  }
}

/** The memory rows a resolution writes: false_positive matches remembered, true_match ones forgotten. */
function memoryWrites(ctx: CaseContext, row: CaseRow, t: CaseTransition, matches: HashedMatch[], at: string): Pick<CaseWrite, "rememberFalsePositives" | "forget"> {
  const resolutions = (t.event.data.match_resolutions as MatchResolution[] | undefined) ?? [];
  // Without the subject's keyed hash there is nothing to remember it by.
  if (!row.subjectHash || resolutions.length === 0) return {};
  const byKey = new Map(matches.map((m) => [memoryKey(m), m] as const));
  const subjectHash = row.subjectHash;
  const remember = [];
  const forget = [];
  for (const r of resolutions) {
    const m = byKey.get(memoryKey({ source: r.source, list: r.list ?? "", entity_id: r.entity_id }));
    if (!m) continue;
    const key = { tenantId: ctx.tenantId, livemode: ctx.livemode, subjectHash, source: m.source, list: m.list, entityKey: m.entity_id };
    if (r.resolution === "false_positive") {
      remember.push({ ...key, recordHash: m.record_hash, caseId: row.id, resolvedBy: t.resolution!.resolved_by, createdAt: at });
    } else forget.push(key);
  }
  return { rememberFalsePositives: remember, forget };
}
