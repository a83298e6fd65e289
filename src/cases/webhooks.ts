// Webhooks `case.opened` and `case.resolved` through the run events' machinery:
// one webhook_events row per (case, type) with a derived id, one delivery
// object per target (signed, retried by its alarm). Idempotent: a second call
// re-enqueues the same jobs, which the delivery objects ignore.
import { createDb } from "../db/client";
import type { CaseEventRow, CaseRow } from "../db/queries/cases";
import { getRunById } from "../db/queries/runs";
import { activeWebhookEndpoints, getWebhookEvent, insertWebhookEventOnce } from "../db/queries/webhooks";
import { selectTargets, type WebhookTarget } from "../domain/webhook-events";
import { sha256Hex } from "../lib/crypto";
import { derivedId } from "../lib/ids";
import type { DeliveryJob } from "../webhooks/delivery-object";
import { caseView } from "./views";

export type CaseEventType = "case.opened" | "case.resolved";

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));

/** `evt_…` derived from (case, event type): a retried step finds the same event. */
export async function caseWebhookEventId(caseId: string, type: CaseEventType, at: string): Promise<string> {
  return derivedId("evt", Date.parse(at), hexBytes(await sha256Hex(`webhook-event|${caseId}|${type}`)));
}

/**
 * Creates the event (once) and enqueues its deliveries. Targets: the run's own
 * `webhook_url` when it has one, else the environment's active endpoints
 * subscribed to the type. With no target nothing is stored (unlike run events,
 * case events are opt-in for endpoints; see DEFAULT_ENDPOINT_EVENTS).
 */
export async function enqueueCaseEvent(env: Env, row: CaseRow, events: CaseEventRow[], type: CaseEventType): Promise<void> {
  const db = createDb(env.DB);
  const at = type === "case.opened" ? row.openedAt : (events.findLast((e) => e.type === "resolved")?.at ?? row.updatedAt);
  const id = await caseWebhookEventId(row.id, type, at);
  let event = await getWebhookEvent(db, id);
  if (!event) {
    const run = await getRunById(db, row.runId);
    const webhookUrl = run?.webhookUrl ?? null;
    const endpoints = webhookUrl ? [] : await activeWebhookEndpoints(db, row.tenantId, row.livemode);
    const targets = selectTargets(
      type,
      webhookUrl,
      endpoints.map((e) => ({ id: e.id, url: e.url, events: JSON.parse(e.events) as string[] })),
    );
    if (targets.length === 0) return;
    // The case as it stands at this event: events up to and including it.
    const asOf: CaseRow = type === "case.opened" ? { ...row, status: "open", assignee: null, proposal: null, resolution: null } : row;
    const upTo = type === "case.opened" ? events.filter((e) => e.seq === 1) : events;
    const envelope = {
      id,
      object: "event" as const,
      event: type,
      created: Math.floor(Date.parse(at) / 1000),
      livemode: row.livemode,
      data: { object: caseView(asOf, upTo) },
    };
    event = await insertWebhookEventOnce(db, {
      id,
      tenantId: row.tenantId,
      livemode: row.livemode,
      runId: row.runId,
      type,
      payload: JSON.stringify(envelope),
      targets: JSON.stringify(targets),
      createdAt: at,
    });
  }
  const ev = event;
  const targets = JSON.parse(ev.targets) as WebhookTarget[];
  await Promise.all(
    targets.map((t) => {
      const job: DeliveryJob = { eventId: ev.id, tenantId: ev.tenantId, livemode: ev.livemode, target: t, payload: ev.payload };
      return env.WEBHOOKS.get(env.WEBHOOKS.idFromName(`${ev.id}|${t.key}`)).enqueue(job);
    }),
  );
}
