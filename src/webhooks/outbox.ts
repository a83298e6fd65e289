// The webhook outbox's sweep (contract §15: "webhook events are written in the
// same transaction as the change and delivered from there"). A change writes its
// event row in its own D1 batch and then hands it to the delivery objects; if
// that hand-over fails (the request's isolate died, a Durable Object call
// failed), the row stays `dispatched_at IS NULL` and this sweep, run by the
// every-minute Cron Trigger, hands it over. Delivery objects ignore a second
// enqueue, so racing the request's own hand-over is harmless.
import { createDb } from "../db/client";
import { undispatchedWebhookEvents } from "../db/queries/webhooks";
import { redactForLog } from "../domain/redaction";
import { dispatchEvent } from "./events";

/** An event this young may still be handed over by the request that wrote it. */
export const OUTBOX_GRACE_MS = 30_000;
/** Events handed over per sweep (the next minute takes the rest). */
export const OUTBOX_SWEEP_LIMIT = 100;

export interface OutboxSweep {
  dispatched: string[];
  failed: string[];
}

export async function sweepOutbox(env: Env, now: Date): Promise<OutboxSweep> {
  const before = new Date(now.getTime() - OUTBOX_GRACE_MS).toISOString();
  const pending = await undispatchedWebhookEvents(createDb(env.DB), before, OUTBOX_SWEEP_LIMIT);
  const out: OutboxSweep = { dispatched: [], failed: [] };
  for (const event of pending) {
    try {
      await dispatchEvent(env, event, now);
      out.dispatched.push(event.id);
    } catch (err) {
      console.error(JSON.stringify({ level: "error", error: "outbox_dispatch_failed", event_id: event.id, message: redactForLog(String(err)).slice(0, 200) }));
      out.failed.push(event.id);
    }
  }
  return out;
}
