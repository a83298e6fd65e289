// Webhooks `case.opened` and `case.resolved` through the run events' machinery
// (src/webhooks/events.ts): one webhook_events row per (case, type) with a
// derived id, written in the same D1 batch as the case change that causes it
// (the outbox), then handed to one delivery object per target.
import type { Db } from "../db/client";
import type { CaseEventRow, CaseRow } from "../db/queries/cases";
import type { NewWebhookEvent } from "../db/queries/webhooks";
import { prepareEvent, webhookEventId } from "../webhooks/events";
import { caseView } from "./views";

export type CaseEventType = "case.opened" | "case.resolved";

/** `evt_…` derived from (case, event type): a retried step finds the same event. */
export const caseWebhookEventId = (caseId: string, type: CaseEventType, at: string) => webhookEventId(caseId, type, at);

/** When the event happened: the opening, or the resolving event. */
const eventAt = (row: CaseRow, events: CaseEventRow[], type: CaseEventType) =>
  type === "case.opened" ? row.openedAt : (events.findLast((e) => e.type === "resolved")?.at ?? row.updatedAt);

/**
 * The event's row for the change's batch, with the case as it stands at this
 * event (events up to and including it). Targets: the run's own `webhook_url`
 * when it has one, else the environment's active endpoints subscribed to the
 * type. null: no target (unlike run events, case events are opt-in for
 * endpoints; see DEFAULT_ENDPOINT_EVENTS), nothing to store.
 */
export function caseWebhookRow(db: Db, row: CaseRow, events: CaseEventRow[], type: CaseEventType, webhookUrl: string | null): Promise<NewWebhookEvent | null> {
  const at = eventAt(row, events, type);
  const asOf: CaseRow = type === "case.opened" ? { ...row, status: "open", assignee: null, proposal: null, resolution: null } : row;
  const upTo = type === "case.opened" ? events.filter((e) => e.seq === 1) : events;
  return prepareEvent(db, {
    aboutId: row.id,
    type,
    at,
    tenantId: row.tenantId,
    livemode: row.livemode,
    runId: row.runId,
    webhookUrl,
    skipWithoutTargets: true,
    envelope: (id) => ({
      id,
      object: "event" as const,
      event: type,
      created: Math.floor(Date.parse(at) / 1000),
      livemode: row.livemode,
      data: { object: caseView(asOf, upTo) },
    }),
  });
}
