// Webhook events: created once when a run ends, fanned out to one delivery
// object per target; read and re-sent through the public API.
import { createDb } from "../db/client";
import {
  activeWebhookEndpoints,
  getWebhookEndpoint,
  getWebhookEvent,
  getWebhookEventForTenant,
  insertWebhookEventOnce,
  webhookDeliveryLog,
  type WebhookDeliveryRow,
  type WebhookEventRow,
} from "../db/queries/webhooks";
import type { RunBody } from "../domain/types";
import { buildEnvelope, eventTypeFor, selectTargets, type WebhookEventType, type WebhookTarget } from "../domain/webhook-events";
import { DomainError } from "../domain/errors";
import type { AuthContext } from "../http/middleware/auth";
import { sha256Hex } from "../lib/crypto";
import { derivedId } from "../lib/ids";
import type { DeliveryJob } from "./delivery-object";

/** What the run knows about itself that decides its event (a subset of RunInit). */
export interface RunEventSource {
  tenantId: string;
  livemode: boolean;
  parentRunId: string | null;
  webhookUrl: string | null;
}

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));

/** `evt_…` derived from (run, event type): a retried finalize finds the same event instead of making another. */
export async function runEventId(runId: string, type: WebhookEventType, terminalAt: string): Promise<string> {
  return derivedId("evt", Date.parse(terminalAt), hexBytes(await sha256Hex(`webhook-event|${runId}|${type}`)));
}

const deliveryStub = (env: Env, eventId: string, target: WebhookTarget) =>
  env.WEBHOOKS.get(env.WEBHOOKS.idFromName(`${eventId}|${target.key}`));

const jobOf = (event: WebhookEventRow, target: WebhookTarget): DeliveryJob => ({
  eventId: event.id,
  tenantId: event.tenantId,
  livemode: event.livemode,
  target,
  payload: event.payload,
});

const targetsOf = (event: WebhookEventRow) => JSON.parse(event.targets) as WebhookTarget[];

/**
 * Called by the run object when a run becomes terminal; idempotent. The event
 * row (payload and targets) is written once; a second call re-reads it and
 * re-enqueues the same jobs, which the delivery objects ignore.
 * Partner (child) runs and cancelled runs emit nothing.
 */
export async function enqueueRunEvent(env: Env, run: RunEventSource, body: RunBody): Promise<void> {
  if (run.parentRunId) return;
  const type = eventTypeFor(body.status);
  if (!type) return;
  const db = createDb(env.DB);
  const terminalAt = body.completed_at ?? body.created_at;
  const id = await runEventId(body.id, type, terminalAt);
  let event = await getWebhookEvent(db, id);
  if (!event) {
    const endpoints = run.webhookUrl ? [] : await activeWebhookEndpoints(db, run.tenantId, run.livemode);
    const targets = selectTargets(
      type,
      run.webhookUrl,
      endpoints.map((e) => ({ id: e.id, url: e.url, events: JSON.parse(e.events) as string[] })),
    );
    event = await insertWebhookEventOnce(db, {
      id,
      tenantId: run.tenantId,
      livemode: run.livemode,
      runId: body.id,
      type,
      payload: JSON.stringify(buildEnvelope(id, type, body)),
      targets: JSON.stringify(targets),
      createdAt: terminalAt,
    });
  }
  const ev = event;
  await Promise.all(targetsOf(ev).map((t) => deliveryStub(env, ev.id, t).enqueue(jobOf(ev, t))));
}

// ---- public API ------------------------------------------------------------

async function requireEvent(env: Env, auth: AuthContext, id: string): Promise<WebhookEventRow> {
  const event = await getWebhookEventForTenant(createDb(env.DB), auth.tenantId, auth.livemode, id);
  // Another tenant's or environment's event is indistinguishable from an unknown one.
  if (!event) throw new DomainError("event_not_found", undefined, "id");
  return event;
}

const deliveryView = (d: WebhookDeliveryRow) => ({
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

/** GET /events/{id}: the envelope as sent, its targets and every delivery attempt, oldest first. */
export async function getEvent(env: Env, auth: AuthContext, id: string) {
  const event = await requireEvent(env, auth, id);
  const log = await webhookDeliveryLog(createDb(env.DB), event.id);
  const targets = targetsOf(event).map((t) => {
    const mine = log.filter((d) => (t.endpoint_id ? d.endpointId === t.endpoint_id : d.endpointId === null));
    const last = mine.at(-1);
    return { endpoint_id: t.endpoint_id, url: t.url, attempts: mine.length, last_outcome: last?.outcome ?? "pending" };
  });
  return {
    ...(JSON.parse(event.payload) as object),
    run_id: event.runId,
    targets,
    deliveries: log.map(deliveryView),
  };
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
  for (const t of targetsOf(event)) {
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
