// How webhook events are shown to their tenant (contract §11, §19): the
// envelope as delivered, its targets with their delivery summary, and the
// newest-first list through which a missed event is found again. Read from
// the webhook_events and webhook_deliveries rows, whoever wrote them (the run
// and case steps, or an outbox), so any event type stored there is listed.
import type { Db } from "../db/client";
import { listWebhookEvents, webhookDeliveryLogs, type WebhookDeliveryRow, type WebhookEventRow } from "../db/queries/webhooks";
import type { WebhookTarget } from "../domain/webhook-events";
import type { AuthContext } from "../lib/api-keys";
import { keysetPage, positionAfter } from "../lib/cursor";

export const eventTargets = (event: WebhookEventRow) => JSON.parse(event.targets) as WebhookTarget[];

/** One delivery attempt as the API shows it. */
export const deliveryView = (d: WebhookDeliveryRow) => ({
  attempt: d.attempt,
  endpoint_id: d.endpointId,
  url: d.url,
  manual: d.manual,
  outcome: d.outcome,
  status_code: d.statusCode,
  error: d.error,
  duration_ms: d.durationMs,
  attempted_at: d.attemptedAt,
  next_attempt_at: d.nextAttemptAt,
});

export type TargetOutcome = "pending" | "delivered" | "retrying" | "failed" | "endpoint_disabled";

/** Each target of an event with its attempts so far and the outcome of the last one (`pending`: none yet). */
export function targetSummaries(event: WebhookEventRow, log: readonly WebhookDeliveryRow[]) {
  return eventTargets(event).map((t) => {
    const mine = log.filter((d) => (t.endpoint_id ? d.endpointId === t.endpoint_id : d.endpointId === null));
    const last = mine.at(-1);
    return {
      endpoint_id: t.endpoint_id,
      url: t.url,
      attempts: mine.length,
      last_outcome: (last?.outcome ?? "pending") as TargetOutcome,
      last_attempt_at: last?.attemptedAt ?? null,
    };
  });
}

export type DeliveryStatus = "no_targets" | "pending" | "retrying" | "delivered" | "failed";

/**
 * The event's delivery in one word: `no_targets` (nobody was subscribed),
 * `pending` / `retrying` while some target still waits for an attempt or a
 * retry, then `delivered` when every target took it, else `failed` (a target
 * gave up after its retries, or was disabled).
 */
export function deliveryStatus(targets: readonly { last_outcome: TargetOutcome }[]): DeliveryStatus {
  if (targets.length === 0) return "no_targets";
  const outcomes = new Set(targets.map((t) => t.last_outcome));
  if (outcomes.has("pending")) return "pending";
  if (outcomes.has("retrying")) return "retrying";
  return outcomes.size === 1 && outcomes.has("delivered") ? "delivered" : "failed";
}

/** The event as its tenant reads it: the envelope as sent, the run it is about, and its delivery summary. */
export function eventView(event: WebhookEventRow, log: readonly WebhookDeliveryRow[]) {
  const targets = targetSummaries(event, log);
  return {
    ...(JSON.parse(event.payload) as object),
    run_id: event.runId,
    delivery_status: deliveryStatus(targets),
    targets,
  };
}

export interface EventListQuery {
  limit: number;
  cursor?: string;
  type?: string;
  created_gte?: string;
  created_lte?: string;
}

/** GET /events: the tenant's events of the key's environment, newest first, each with its delivery summary. */
export async function listEvents(db: Db, serverSecret: string, auth: AuthContext, q: EventListQuery) {
  const rows = await listWebhookEvents(db, {
    tenantId: auth.tenantId,
    livemode: auth.livemode,
    limit: q.limit,
    type: q.type,
    createdGte: q.created_gte,
    createdLte: q.created_lte,
    after: await positionAfter(serverSecret, auth, q.cursor),
  });
  // One read for the delivery logs of the whole page.
  const logs = await webhookDeliveryLogs(db, rows.slice(0, q.limit).map((e) => e.id));
  return keysetPage(serverSecret, auth, rows, q.limit, (e) => ({ createdAt: e.createdAt, id: e.id }), (e) => eventView(e, logs.filter((d) => d.eventId === e.id)));
}
