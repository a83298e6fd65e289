// Opening a run's case at its terminal write (called by the run object's
// finalize). The rows are built here; src/db/queries/runs.ts finishRun puts
// them in the same D1 batch as the terminal write, ON CONFLICT DO NOTHING on
// UNIQUE(run_id), so a retried finalize never opens a second case.
import type { Db } from "../db/client";
import { caseEventsOf, getCaseByRunId, type NewCase, type NewCaseEvent } from "../db/queries/cases";
import { getTenant } from "../db/queries/tenants";
import { caseEventId, caseIdForRun, caseReasonFor, DEFAULT_CASE_SLA_HOURS, dueAtFor, SYSTEM_ACTOR } from "../domain/cases";
import type { RunBody } from "../domain/types";
import { chainEvent } from "./chain";
import { parseResolution } from "./views";
import { enqueueCaseEvent } from "./webhooks";

export interface CaseOpening {
  row: NewCase;
  event: NewCaseEvent;
}

/**
 * The case a terminal run opens (null: its decision needs none). Everything is
 * derived from the stored body (opened_at = the run's completed_at), so every
 * retry builds the same rows; `due_at` = opened_at + the tenant's SLA.
 */
export async function caseOpeningFor(
  db: Db,
  run: { tenantId: string; livemode: boolean; subjectHash: string | null },
  body: Pick<RunBody, "id" | "decision" | "operative_decision" | "completed_at" | "created_at">,
): Promise<CaseOpening | null> {
  const reason = caseReasonFor(body.decision, body.operative_decision);
  if (!reason) return null;
  const tenant = await getTenant(db, run.tenantId);
  const slaHours = tenant?.caseSlaHours ?? DEFAULT_CASE_SLA_HOURS;
  const id = caseIdForRun(body.id);
  const openedAt = body.completed_at ?? body.created_at;
  const dueAt = dueAtFor(openedAt, slaHours);
  const event = await chainEvent(
    {
      id: caseEventId(id, 1),
      type: "opened",
      actor: SYSTEM_ACTOR,
      at: openedAt,
      data: { run_id: body.id, reason, decision: body.decision, operative_decision: body.operative_decision, due_at: dueAt, sla_hours: slaHours },
    },
    null,
  );
  return {
    row: {
      id,
      tenantId: run.tenantId,
      livemode: run.livemode,
      runId: body.id,
      status: "open",
      reason,
      subjectHash: run.subjectHash,
      openedAt,
      dueAt,
      assignee: null,
      proposal: null,
      resolution: null,
      version: 1,
      updatedAt: openedAt,
    },
    event: {
      caseId: id,
      seq: 1,
      id: event.id,
      type: event.type,
      actor: event.actor,
      at: event.at,
      data: JSON.stringify(event.data),
      prevHash: event.prev_hash,
      hash: event.hash,
    },
  };
}

/**
 * After the terminal write: the run's case (if it has one) and its
 * `case.opened` webhook, enqueued idempotently (the run object calls this on
 * every finalize attempt until the run is mirrored).
 */
export async function afterCaseOpening(
  env: Env,
  db: Db,
  run: { runId: string; webhookUrl: string | null },
): Promise<{ caseId: string | null; finalDecision: string | null }> {
  const row = await getCaseByRunId(db, run.runId);
  if (!row) return { caseId: null, finalDecision: null };
  await enqueueCaseEvent(env, row, await caseEventsOf(db, [row.id]), "case.opened", run.webhookUrl);
  return { caseId: row.id, finalDecision: parseResolution(row)?.outcome ?? null };
}
