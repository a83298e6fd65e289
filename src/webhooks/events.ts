// Webhook events: created once (a run's end; a case's change, in the same D1
// batch as the change: the outbox), fanned out to one delivery object per
// target; read and re-sent through the public API.
import { createDb, type Db } from "../db/client";
import {
  activeWebhookEndpoints,
  getWebhookEndpoint,
  getWebhookEvent,
  getWebhookEventForTenant,
  insertWebhookEventOnce,
  markWebhookEventDispatched,
  webhookDeliveryLog,
  type NewWebhookEvent,
  type WebhookEventRow,
} from "../db/queries/webhooks";
import type { RunBody } from "../domain/types";
import { buildEnvelope, eventTypeFor, selectTargets, type WebhookEventType, type WebhookTarget } from "../domain/webhook-events";
import { DomainError } from "../domain/errors";
import type { AuthContext } from "../lib/api-keys";
import { sha256Hex } from "../lib/crypto";
import { derivedId } from "../lib/ids";
import type { DeliveryJob } from "./delivery-object";
import { deliveryView, eventTargets, eventView } from "./event-views";

/** What the run knows about itself that decides its event (a subset of RunInit). */
export interface RunEventSource {
  tenantId: string;
  livemode: boolean;
  parentRunId: string | null;
  webhookUrl: string | null;
}

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));

/**
 * `evt_…` derived from what the event is about (a run, a case) and its type: a
 * retried step finds the same event instead of making another.
 */
export async function webhookEventId(aboutId: string, type: WebhookEventType, at: string): Promise<string> {
  return derivedId("evt", Date.parse(at), hexBytes(await sha256Hex(`webhook-event|${aboutId}|${type}`)));
}

/** `evt_…` of a run's terminal event. */
export const runEventId = (runId: string, type: WebhookEventType, terminalAt: string) => webhookEventId(runId, type, terminalAt);

const deliveryStub = (env: Env, eventId: string, target: WebhookTarget) =>
  env.WEBHOOKS.get(env.WEBHOOKS.idFromName(`${eventId}|${target.key}`));

const jobOf = (event: WebhookEventRow, target: WebhookTarget): DeliveryJob => ({
  eventId: event.id,
  tenantId: event.tenantId,
  livemode: event.livemode,
  target,
  payload: event.payload,
});

/** One event to send: what it is about, who may receive it, and its envelope. */
export interface EventToSend {
  /** The run or case the event is about: with `type` and `at`, it derives the event id. */
  aboutId: string;
  type: WebhookEventType;
  at: string;
  tenantId: string;
  livemode: boolean;
  /** The run the event is about (a case's run); null for monitoring events. */
  runId: string | null;
  /** The run's own `webhook_url`: its only target when set. */
  webhookUrl: string | null;
  envelope: (eventId: string) => unknown;
  /** Store nothing when no one would receive it (case events are opt-in for endpoints). */
  skipWithoutTargets?: boolean;
}

/**
 * The event's row, not yet written: its derived id, the envelope and the
 * targets chosen now (read from `db`). null: nobody would receive it and the
 * event asks to be skipped then. A change writes this row in its own batch
 * (the outbox), so a committed change always has its event.
 */
export async function prepareEvent(db: Db, e: EventToSend): Promise<NewWebhookEvent | null> {
  const id = await webhookEventId(e.aboutId, e.type, e.at);
  const endpoints = e.webhookUrl ? [] : await activeWebhookEndpoints(db, e.tenantId, e.livemode);
  const targets = selectTargets(
    e.type,
    e.webhookUrl,
    endpoints.map((x) => ({ id: x.id, url: x.url, events: JSON.parse(x.events) as string[] })),
  );
  if (targets.length === 0 && e.skipWithoutTargets) return null;
  return {
    id,
    tenantId: e.tenantId,
    livemode: e.livemode,
    runId: e.runId,
    type: e.type,
    payload: JSON.stringify(e.envelope(id)),
    targets: JSON.stringify(targets),
    createdAt: e.at,
    dispatchedAt: null,
  };
}

/**
 * Hands a stored event to one delivery object per target (each one idempotent:
 * a second enqueue changes nothing), then marks the row dispatched. Safe to
 * repeat: the outbox sweep (src/webhooks/outbox.ts) repeats it for any event
 * whose first hand-over failed.
 */
export async function dispatchEvent(env: Env, event: WebhookEventRow, now = new Date()): Promise<void> {
  await Promise.all(eventTargets(event).map((t) => deliveryStub(env, event.id, t).enqueue(jobOf(event, t))));
  await markWebhookEventDispatched(createDb(env.DB), event.id, now.toISOString());
}

/**
 * Creates the event once (payload and targets in one row with a derived id) and
 * dispatches it. Idempotent: a second call re-reads the row and re-enqueues the
 * same jobs, which the delivery objects ignore.
 */
export async function enqueueEvent(env: Env, e: EventToSend): Promise<void> {
  const db = createDb(env.DB);
  const id = await webhookEventId(e.aboutId, e.type, e.at);
  let event = await getWebhookEvent(db, id);
  if (!event) {
    const row = await prepareEvent(db, e);
    if (!row) return;
    event = await insertWebhookEventOnce(db, row);
  }
  await dispatchEvent(env, event);
}

/**
 * Called by the run object when a run becomes terminal; idempotent.
 * Partner (child) runs and cancelled runs emit nothing.
 */
export async function enqueueRunEvent(env: Env, run: RunEventSource, body: RunBody): Promise<void> {
  if (run.parentRunId) return;
  const type = eventTypeFor(body.status);
  if (!type) return;
  await enqueueEvent(env, {
    aboutId: body.id,
    type,
    at: body.completed_at ?? body.created_at,
    tenantId: run.tenantId,
    livemode: run.livemode,
    runId: body.id,
    webhookUrl: run.webhookUrl,
    envelope: (id) => buildEnvelope(id, type, body),
  });
}

// ---- public API ------------------------------------------------------------

async function requireEvent(env: Env, auth: AuthContext, id: string): Promise<WebhookEventRow> {
  const event = await getWebhookEventForTenant(createDb(env.DB), auth.tenantId, auth.livemode, id);
  // Another tenant's or environment's event is indistinguishable from an unknown one.
  if (!event) throw new DomainError("event_not_found", undefined, "id");
  return event;
}

/** GET /events/{id}: the envelope as sent, its targets with their delivery summary, and every delivery attempt, oldest first. */
export async function getEvent(env: Env, auth: AuthContext, id: string) {
  const event = await requireEvent(env, auth, id);
  const log = await webhookDeliveryLog(createDb(env.DB), event.id);
  return { ...eventView(event, log), deliveries: log.map(deliveryView) };
}

/**
 * POST /events/{id}/redeliver: one extra attempt now to each of the event's
 * targets, with the same event id and body. Endpoints disabled since (deleted,
 * or 410) are skipped and not listed.
 */
export async function redeliverEvent(env: Env, auth: AuthContext, id: string) {
  const event = await requireEvent(env, auth, id);
  const db = createDb(env.DB);
  const targets: WebhookTarget[] = [];
  for (const t of eventTargets(event)) {
    if (t.endpoint_id) {
      const endpoint = await getWebhookEndpoint(db, t.endpoint_id);
      if (!endpoint || endpoint.status !== "active") continue;
    }
    targets.push(t);
  }
  await Promise.all(targets.map((t) => deliveryStub(env, event.id, t).redeliver(jobOf(event, t))));
  return {
    id: event.id,
    object: "event" as const,
    event: event.type,
    redelivery: true,
    targets: targets.map((t) => ({ endpoint_id: t.endpoint_id, url: t.url })),
  };
}
