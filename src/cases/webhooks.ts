// Webhooks `case.opened` and `case.resolved` through the run events' machinery
// (src/webhooks/events.ts enqueueEvent): one webhook_events row per (case,
// type) with a derived id, one delivery object per target (signed, retried by
// its alarm). Idempotent: a second call re-enqueues the same jobs, which the
// delivery objects ignore.
import type { CaseEventRow, CaseRow } from "../db/queries/cases";
import { enqueueEvent, webhookEventId } from "../webhooks/events";
import { caseView } from "./views";

export type CaseEventType = "case.opened" | "case.resolved";

/** `evt_…` derived from (case, event type): a retried step finds the same event. */
export const caseWebhookEventId = (caseId: string, type: CaseEventType, at: string) => webhookEventId(caseId, type, at);

/**
 * Creates the event (once) and enqueues its deliveries. Targets: the run's own
 * `webhook_url` when it has one, else the environment's active endpoints
 * subscribed to the type. With no target nothing is stored (unlike run events,
 * case events are opt-in for endpoints; see DEFAULT_ENDPOINT_EVENTS).
 */
export async function enqueueCaseEvent(env: Env, row: CaseRow, events: CaseEventRow[], type: CaseEventType, webhookUrl: string | null): Promise<void> {
  const at = type === "case.opened" ? row.openedAt : (events.findLast((e) => e.type === "resolved")?.at ?? row.updatedAt);
  // The case as it stands at this event: events up to and including it.
  const asOf: CaseRow = type === "case.opened" ? { ...row, status: "open", assignee: null, proposal: null, resolution: null } : row;
  const upTo = type === "case.opened" ? events.filter((e) => e.seq === 1) : events;
  await enqueueEvent(env, {
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
