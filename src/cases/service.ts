// Review-case use cases (contract §15), shared by the API routes and the
// analyst console: list, get, assign, resolve, approve, return. Rules come
// from src/domain/cases.ts; every change is one D1 batch that appends a signed
// event, moves the case forward only from the version it read, and carries the
// webhook event it causes (the outbox).
import { hasRole, tenantUserByEmail, type UserRole } from "../admin/users";
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
import { childRuns, getRunById, type RunRow } from "../db/queries/runs";
import type { NewWebhookEvent, WebhookEventRow } from "../db/queries/webhooks";
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
  type CaseRecordVerdict,
  type CaseStatus,
  type CaseTransition,
  type EventOrigin,
  type HashedMatch,
  type MatchResolution,
  type ReasonCode,
} from "../domain/cases";
import { DomainError } from "../domain/errors";
import { redactForLog } from "../domain/redaction";
import { keysetPage, positionAfter } from "../lib/cursor";
import type { StoredResult } from "../runs/types";
import { storedResult } from "../runs/views";
import { dispatchEvent } from "../webhooks/events";
import { latestAnchor } from "./anchors";
import { chainEvent, chainEventOf, checkCaseRecord, eventRowOf } from "./chain";
import { caseEvidence, hashedMatches } from "./matches";
import { alertRow, SOURCE_OF_LIST, type AlertRow } from "../monitoring/alerts";
import { isSanctionsList } from "../domain/monitoring";
import { canonicalJson } from "../lib/crypto";
import { caseState, caseView, parseProposal, parseResolution, type Case, type CaseChainView } from "./views";
import { caseWebhookRow } from "./webhooks";

export type { Case, CaseChainView, CaseMatchView, CaseProposalView } from "./views";
export { REASON_CODES, REASON_CODE_LABELS, CASE_STATUSES, type ReasonCode, type CaseStatus, type MatchResolution } from "../domain/cases";

/** Who and where: one tenant and environment, the request's clock, and who acts through which door. */
export interface CaseContext {
  env: Env;
  /**
   * Reads and writes: the request's D1 session when it has one (a replica for
   * reads; a write through it moves the session's bookmark past the write, so
   * the response's X-Kycert-Bookmark gives the client read-your-writes).
   */
  db: Db;
  /** The primary: what a change reads before it writes (a replica may lag behind the version it moves from). */
  primary: Db;
  tenantId: string;
  livemode: boolean;
  now: Date;
  /** The API key or console user behind the request: every event records it. */
  origin: EventOrigin;
}

export const caseContext = (
  env: Env,
  scope: { tenantId: string; livemode: boolean; origin: EventOrigin; now?: Date; d1?: D1DatabaseSession },
): CaseContext => {
  const primary = createDb(env.DB);
  return {
    env,
    db: scope.d1 ? createDb(scope.d1) : primary,
    primary,
    tenantId: scope.tenantId,
    livemode: scope.livemode,
    now: scope.now ?? new Date(),
    origin: scope.origin,
  };
};

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
  const after = await positionAfter(ctx.env.SERVER_SECRET, owner, q.cursor);
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
  const events = groupEvents(await caseEventsOf(ctx.db, rows.slice(0, q.limit).map((r) => r.id)));
  return keysetPage(ctx.env.SERVER_SECRET, owner, rows, q.limit, (r) => ({ createdAt: r.openedAt, id: r.id }), (r) => caseView(r, events.get(r.id) ?? []));
}

/** The case's record check (contract §15): the row, its events, the run's final decision and the latest anchor must agree. */
async function chainOf(ctx: CaseContext, row: CaseRow, events: CaseEventRow[], run: RunRow | undefined, reads: Db): Promise<CaseChainView> {
  const anchor = await latestAnchor(ctx.env, reads, row.id);
  const claimed = { length: row.version, head: row.chainHead };
  let verdict: CaseRecordVerdict;
  if (anchor.kind === "unavailable") verdict = { verified: false, problem: "anchor_unavailable", broken_at: null };
  else if (anchor.kind === "missing") verdict = { verified: false, problem: "anchor_mismatch", broken_at: null };
  else {
    verdict = await checkCaseRecord(ctx.env.SERVER_SECRET, {
      events: events.map(chainEventOf),
      row: { ...recordedState(row), chain_head: row.chainHead, chain_length: row.version },
      anchor: anchor.kind === "anchored" ? { length: anchor.length, head: anchor.head } : null,
      finalDecision: run ? (run.finalDecision ?? null) : undefined,
    });
  }
  return {
    ...claimed,
    verified: verdict.verified,
    problem: verdict.problem,
    anchor: anchor.kind === "anchored" ? { id: anchor.id, created_at: anchor.created_at, length: anchor.length } : null,
  };
}

/** What the row says of the case's state (parsed JSON columns). */
const recordedState = (row: CaseRow) => ({
  status: row.status as CaseStatus,
  assignee: row.assignee,
  proposal: parseProposal(row),
  resolution: parseResolution(row),
});

/**
 * What a case reviews: a run (contract §15) or a monitoring alert (§17). Both
 * give the case its match candidates, the evidence an approval compares with
 * the proposal's, and whether a sanctions hit is in it (four eyes).
 */
interface Review {
  run: RunRow | undefined;
  alert: AlertRow | undefined;
  matches: () => Promise<HashedMatch[]>;
  /** What `evidence_sha256` hashes: the run's stored result, or the alert's record of its match. */
  evidenceText: () => string;
  sanctionsOrWarrant: () => Promise<boolean>;
  webhookUrl: string | null;
}

async function reviewOf(db: Db, row: CaseRow): Promise<Review> {
  if (row.alertId) {
    const alert = await alertRow(db, row.tenantId, row.livemode, row.alertId);
    return {
      run: undefined,
      alert,
      matches: async () => (alert ? [alertMatch(alert)] : []),
      evidenceText: () => alertEvidence(alert),
      sanctionsOrWarrant: async () => !!alert && isSanctionsList(alert.list_id),
      webhookUrl: null,
    };
  }
  const run = row.runId ? await getRunById(db, row.runId) : undefined;
  return {
    run,
    alert: undefined,
    matches: () => runMatches(run),
    evidenceText: () => run?.result ?? "",
    sanctionsOrWarrant: async () => !!run && sanctionsOrWarrantInReview(db, run, storedOf(run)),
    webhookUrl: run?.webhookUrl ?? null,
  };
}

/** A monitoring case's one match: the alert's listed entity and record. */
const alertMatch = (a: AlertRow): HashedMatch => ({
  source: (SOURCE_OF_LIST[a.list_id] ?? a.list_id) as HashedMatch["source"],
  list: a.list_id,
  entity_id: a.entity_id,
  name: a.matched_name,
  score: a.score,
  index: null,
  record_hash: a.record_hash,
});

/** The alert's record of its match (what never changes on it: not its status). */
const alertEvidence = (a: AlertRow | undefined): string =>
  a ? canonicalJson({ id: a.id, kind: a.kind, list: a.list_id, entity_id: a.entity_id, record_hash: a.record_hash, matched_name: a.matched_name, score: a.score, strength: a.strength, reasons: a.reasons }) : "";

/** A case row with its events, its match candidates and its record check, and the run row it reviews (none for a monitoring case). */
async function withRun(ctx: CaseContext, row: CaseRow, reads: Db): Promise<{ case: Case; run: RunRow | undefined }> {
  const [events, review] = await Promise.all([caseEventsOf(reads, [row.id]), reviewOf(reads, row)]);
  const chain = await chainOf(ctx, row, events, review.run, reads);
  return { case: { ...caseView(row, events, await review.matches()), chain }, run: review.run };
}

/**
 * The case and the run it reviews (the console's case page shows both), read
 * through the request's session (a replica; the primary when the replica has
 * not got the case yet). Another tenant's case is `case_not_found`, as an unknown one.
 */
export async function getCaseWithRun(ctx: CaseContext, id: string): Promise<{ case: Case; run: RunRow | undefined }> {
  // Everything else is read from where the case was found, so the row, its events and its run are one snapshot.
  let reads = ctx.db;
  let row = await getCaseForTenant(reads, ctx.tenantId, ctx.livemode, id);
  if (!row && reads !== ctx.primary) row = await getCaseForTenant((reads = ctx.primary), ctx.tenantId, ctx.livemode, id);
  if (!row) throw new DomainError("case_not_found", undefined, "id");
  return withRun(ctx, row, reads);
}

/** The case with its events, its run's match candidates and its record check. */
export async function getCase(ctx: CaseContext, id: string): Promise<Case> {
  return (await getCaseWithRun(ctx, id)).case;
}

export async function getCaseByRun(ctx: CaseContext, runId: string): Promise<Case | null> {
  const row = await getCaseByRunForTenant(ctx.primary, ctx.tenantId, ctx.livemode, runId);
  return row ? (await withRun(ctx, row, ctx.primary)).case : null;
}

export async function assignCase(ctx: CaseContext, id: string, input: { assignee: string; actor: string }): Promise<Case> {
  return change(ctx, id, { actor: input.actor, assignee: input.assignee }, async (row) => ({ transition: planAssign(caseState(row), input) }));
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
 * finding, its own or one of its partners'). `match_resolutions` name matches
 * of the case's run; the `false_positive` ones are remembered for this subject
 * once the case resolves.
 */
export async function resolveCase(ctx: CaseContext, id: string, input: ResolveCaseInput): Promise<Case> {
  return change(ctx, id, { actor: input.actor }, async (row, review) => {
    const matches = await review.matches();
    const resolutions = checkResolutions(input.match_resolutions ?? [], matches);
    const { evidence, resultSha256 } = await caseEvidence(ctx.primary, review.evidenceText(), matches);
    const transition = planResolve(caseState(row), { ...input, match_resolutions: resolutions }, {
      sanctionsOrWarrant: await review.sanctionsOrWarrant(),
      evidence,
      evidenceSha256: resultSha256,
      now: ctx.now.toISOString(),
    });
    return { transition, matches };
  });
}

/** The second person approves the pending proposal (an approver or admin; refused to its proposer, and when the evidence changed since). */
export async function approveCase(ctx: CaseContext, id: string, input: { actor: string }): Promise<Case> {
  return change(ctx, id, { actor: input.actor, role: "approver" }, async (row, review) => {
    const matches = await review.matches();
    const { evidence, resultSha256 } = await caseEvidence(ctx.primary, review.evidenceText(), matches);
    return { transition: planApprove(caseState(row), input, { evidence, evidenceSha256: resultSha256, now: ctx.now.toISOString() }), matches };
  });
}

/** Sends a pending proposal back to analysis (`in_review`), with a note: an approver's or admin's call. */
export async function returnCase(ctx: CaseContext, id: string, input: { actor: string; note: string }): Promise<Case> {
  return change(ctx, id, { actor: input.actor, role: "approver" }, async (row) => ({ transition: planReturn(caseState(row), input) }));
}

// ---- internals -----------------------------------------------------------------

async function requireCase(ctx: CaseContext, id: string): Promise<CaseRow> {
  const row = await getCaseForTenant(ctx.primary, ctx.tenantId, ctx.livemode, id);
  // The same error for an unknown id and another tenant's (or environment's) case.
  if (!row) throw new DomainError("case_not_found", undefined, "id");
  return row;
}

/**
 * Who may act (contract §15): the actor is a user of this tenant, whatever the
 * channel, and `approve` / `return` need an approver or admin. Over the API the
 * key's scope was checked before (cases:approve); in the console the actor is
 * the signed-in user. Read on the primary: a user removed a moment ago no longer acts.
 */
async function requireActor(ctx: CaseContext, actor: string, role: UserRole = "analyst"): Promise<void> {
  const user = await tenantUserByEmail(ctx.primary, ctx.tenantId, actor);
  if (!user) {
    throw new DomainError("actor_not_allowed", `${actor.trim()} não é usuário desta conta: quem age em um caso deve ser um usuário cadastrado.`, "actor");
  }
  if (!hasRole(user, role)) {
    throw new DomainError(
      "actor_not_allowed",
      `${user.email} tem o papel ${user.role}: aprovar ou devolver uma proposta exige um usuário aprovador ou administrador.`,
      "actor",
    );
  }
  if (ctx.origin.via === "console" && ctx.origin.user_id !== user.id) {
    throw new DomainError("actor_not_allowed", "No console, quem age é o usuário conectado.", "actor");
  }
}

/** An assignee is a user of this tenant too. */
async function requireUser(ctx: CaseContext, email: string, param: string): Promise<void> {
  if (!(await tenantUserByEmail(ctx.primary, ctx.tenantId, email))) {
    throw new DomainError("invalid_request", `${email.trim()} não é usuário desta conta.`, param);
  }
}

/**
 * Whether the review concerns a sanctions or warrant hit (four eyes): on the
 * run itself, or on a partner run of the company (contract §15: a partner's
 * hit counts as the company's own).
 */
async function sanctionsOrWarrantInReview(db: Db, run: RunRow, stored: StoredResult): Promise<boolean> {
  if (hasSanctionsOrWarrantFinding(stored.body.sources)) return true;
  if (!stored.body.partner_runs?.length) return false;
  // A partner known by a masked CPF was screened on the lists by the company's run: its answers are in the body.
  if (stored.body.partner_runs.some((p) => hasSanctionsOrWarrantFinding(p.sources ?? []))) return true;
  const partners = await childRuns(db, run.id);
  return partners.some((p) => {
    const s = storedResult(p);
    return !!s && hasSanctionsOrWarrantFinding(s.body.sources);
  });
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

type Plan = (row: CaseRow, review: Review) => Promise<{ transition: CaseTransition; matches?: HashedMatch[] }>;

/** How many times a change is re-planned when another writer moved the case in between. */
const MAX_ATTEMPTS = 3;

/**
 * One change: read the case on the primary, refuse it if its record was
 * rewritten (the events' hashes or what the row says of them), plan, and write
 * the signed event, the case's new state, the run's final decision, the
 * memory rows and the webhook event in one batch through the request's
 * session. Once that batch commits, nothing can turn the answer into an error:
 * the answer is built from what was written, and the webhook's hand-over, if it
 * fails, is left to the outbox sweep.
 */
/** Who acts (and whom they assign): checked once the case is known to be the tenant's. */
interface Acting {
  actor: string;
  role?: UserRole;
  assignee?: string;
}

async function change(ctx: CaseContext, id: string, who: Acting, plan: Plan): Promise<Case> {
  for (let attempt = 1; ; attempt++) {
    const row = await requireCase(ctx, id);
    if (attempt === 1) {
      await requireActor(ctx, who.actor, who.role);
      if (who.assignee !== undefined) await requireUser(ctx, who.assignee, "assignee");
    }
    const [review, events] = await Promise.all([reviewOf(ctx.primary, row), caseEventsOf(ctx.primary, [row.id])]);
    if (!review.run && !review.alert) throw new Error(`case ${row.id}: what it reviews (${row.runId ?? row.alertId}) is missing`);
    await refuseRewrittenRecord(ctx, row, events);
    const { transition: t, matches = [] } = await plan(row, review);
    const at = ctx.now.toISOString();
    const event = await chainEvent(
      ctx.env.SERVER_SECRET,
      { id: caseEventId(row.id, row.version + 1), type: t.event.type, actor: t.event.actor, ...ctx.origin, at, data: t.event.data },
      events.at(-1)?.hash ?? null,
    );
    const eventRow = eventRowOf(row.id, row.version + 1, event);
    const set = {
      status: t.status,
      assignee: t.assignee,
      proposal: t.proposal ? JSON.stringify(t.proposal) : null,
      resolution: t.resolution ? JSON.stringify(t.resolution) : null,
      updatedAt: at,
      chainHead: event.hash,
    };
    const updated: CaseRow = { ...row, ...set, version: row.version + 1 };
    const allEvents = [...events, eventRow];
    const write: CaseWrite = { caseId: row.id, runId: row.runId, fromVersion: row.version, event: eventRow, set };
    if (t.resolution) {
      // A run keeps its decision and gains the resolution; a monitoring case has no run to write it on.
      if (row.runId) write.finalDecision = t.resolution.outcome;
      Object.assign(write, memoryWrites(ctx, row, t, matches, at));
      write.webhook = await caseWebhookRow(ctx.primary, updated, allEvents, "case.resolved", review.webhookUrl);
    }
    if (await writeCaseChange(ctx.db, write)) {
      if (write.webhook) await handOver(ctx, write.webhook);
      return caseView(updated, allEvents, matches.length ? matches : await review.matches());
    }
    if (attempt >= MAX_ATTEMPTS) throw new Error(`case ${id}: too many concurrent changes`);
  }
}

/**
 * A case whose record no longer holds (an event edited or dropped, the row's
 * state rewritten) takes no new event: signing one on top would launder the
 * edit into a chain that verifies again.
 */
async function refuseRewrittenRecord(ctx: CaseContext, row: CaseRow, events: CaseEventRow[]): Promise<void> {
  const verdict = await checkCaseRecord(ctx.env.SERVER_SECRET, {
    events: events.map(chainEventOf),
    row: { ...recordedState(row), chain_head: row.chainHead, chain_length: row.version },
    // Anchors are checked when the case is read; a legacy chain not anchored yet may still move on.
    anchor: null,
  });
  if (!verdict.verified && verdict.problem !== "unanchored_legacy_events") {
    throw new DomainError("case_record_invalid", `O registro do caso ${row.id} não confere com sua cadeia de eventos (${verdict.problem}); nenhuma mudança é aceita até a auditoria.`);
  }
}

/** After the commit: the webhook event to its delivery objects, best effort (the outbox sweep retries what fails here). */
async function handOver(ctx: CaseContext, event: NewWebhookEvent): Promise<void> {
  try {
    await dispatchEvent(ctx.env, { ...event, dispatchedAt: null } as WebhookEventRow, ctx.now);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", error: "case_webhook_dispatch_failed", event_id: event.id, message: redactForLog(String(err)).slice(0, 200) }));
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
