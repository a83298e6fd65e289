// Opening a case. `caseOpening` builds the rows of a new case (the row, its
// signed first event, its `case.opened` outbox row) for any subject and reason,
// so every caller writes them in the D1 batch of the change that opens the
// case; `caseOpeningFor` is the run object's use: a `review` / `hold` run opens
// its case with its terminal write (src/db/queries/runs.ts finishRun, ON
// CONFLICT DO NOTHING on UNIQUE(run_id): a retried finalize never opens a
// second case).
import type { Db } from "../db/client";
import { getCaseByRunId, type CaseOpeningRows, type CaseRow } from "../db/queries/cases";
import { getWebhookEvent } from "../db/queries/webhooks";
import { getTenant } from "../db/queries/tenants";
import { caseEventId, caseIdForRun, caseReasonFor, DEFAULT_CASE_SLA_HOURS, dueAtFor, SYSTEM_ACTOR, SYSTEM_ORIGIN, type CaseReason } from "../domain/cases";
import type { RunBody } from "../domain/types";
import { redactForLog } from "../domain/redaction";
import { dispatchEvent } from "../webhooks/events";
import { chainEvent, eventRowOf } from "./chain";
import { parseResolution } from "./views";
import { caseWebhookEventId, caseWebhookRow } from "./webhooks";

export interface NewCaseInput {
  id: string;
  tenantId: string;
  livemode: boolean;
  /** The run the case reviews; null for a monitoring case, which reviews an alert. */
  runId: string | null;
  /** A monitoring case's alert and subject (contract §17). */
  alertId?: string | null;
  subjectId?: string | null;
  reason: CaseReason;
  /** Keyed hash of the subject's document (false-positive memory); null when unknown. */
  subjectHash: string | null;
  openedAt: string;
  slaHours: number;
  /** What the opening event records besides reason, due date and SLA. */
  data: Record<string, unknown>;
  /** Where `case.opened` goes: the run's own webhook_url, else the tenant's subscribed endpoints. */
  webhookUrl: string | null;
}

/**
 * The rows that open a case, for the caller's batch: the case row (its chain
 * head is its first event's), the first event signed with the chain key (the
 * system acts), and the `case.opened` event of the outbox (null: nobody
 * subscribed). Deterministic in its input, so a retried caller builds the same rows.
 */
export async function caseOpening(env: Env, db: Db, c: NewCaseInput): Promise<CaseOpeningRows> {
  const dueAt = dueAtFor(c.openedAt, c.slaHours);
  const event = await chainEvent(
    env.SERVER_SECRET,
    {
      id: caseEventId(c.id, 1),
      type: "opened",
      actor: SYSTEM_ACTOR,
      ...SYSTEM_ORIGIN,
      at: c.openedAt,
      data: { ...c.data, reason: c.reason, due_at: dueAt, sla_hours: c.slaHours },
    },
    null,
  );
  const row: CaseRow = {
    id: c.id,
    tenantId: c.tenantId,
    livemode: c.livemode,
    runId: c.runId,
    alertId: c.alertId ?? null,
    subjectId: c.subjectId ?? null,
    status: "open",
    reason: c.reason,
    subjectHash: c.subjectHash,
    openedAt: c.openedAt,
    dueAt,
    assignee: null,
    proposal: null,
    resolution: null,
    version: 1,
    chainHead: event.hash,
    anchoredLength: 0,
    updatedAt: c.openedAt,
  };
  const first = eventRowOf(c.id, 1, event);
  const webhook = await caseWebhookRow(db, row, [first], "case.opened", c.webhookUrl);
  return { row, event: first, webhook };
}

/**
 * The case a terminal run opens (null: its decision needs none). Everything is
 * derived from the stored body (opened_at = the run's completed_at), so every
 * retry builds the same rows; `due_at` = opened_at + the tenant's SLA.
 */
export async function caseOpeningFor(
  env: Env,
  db: Db,
  run: { tenantId: string; livemode: boolean; subjectHash: string | null; webhookUrl: string | null },
  body: Pick<RunBody, "id" | "decision" | "operative_decision" | "completed_at" | "created_at">,
): Promise<CaseOpeningRows | null> {
  const reason = caseReasonFor(body.decision, body.operative_decision);
  if (!reason) return null;
  const tenant = await getTenant(db, run.tenantId);
  return caseOpening(env, db, {
    id: caseIdForRun(body.id),
    tenantId: run.tenantId,
    livemode: run.livemode,
    runId: body.id,
    reason,
    subjectHash: run.subjectHash,
    openedAt: body.completed_at ?? body.created_at,
    slaHours: tenant?.caseSlaHours ?? DEFAULT_CASE_SLA_HOURS,
    data: { run_id: body.id, decision: body.decision, operative_decision: body.operative_decision },
    webhookUrl: run.webhookUrl,
  });
}

/**
 * After the terminal write: the run's case (if it has one), and its
 * `case.opened` event handed to the delivery objects when it is still in the
 * outbox. A failed hand-over is left to the outbox sweep, never to the run.
 */
export async function afterCaseOpening(env: Env, db: Db, run: { runId: string }): Promise<{ caseId: string | null; finalDecision: string | null }> {
  const row = await getCaseByRunId(db, run.runId);
  if (!row) return { caseId: null, finalDecision: null };
  try {
    const event = await getWebhookEvent(db, await caseWebhookEventId(row.id, "case.opened", row.openedAt));
    if (event && !event.dispatchedAt) await dispatchEvent(env, event);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", error: "case_opened_dispatch_failed", case_id: row.id, message: redactForLog(String(err)).slice(0, 200) }));
  }
  return { caseId: row.id, finalDecision: parseResolution(row)?.outcome ?? null };
}
