// One Durable Object per (event, target): stores the exact body and the
// target, and delivers with retries driven by its alarm (contract §11).
//
// The body is stored once and sent byte for byte on every attempt, so the
// event id and payload never change; only the signature's timestamp does.
// Alarms are at-least-once and input gates do not hold across fetch(), so the
// state is re-read after the attempt and the alarm is re-armed from the state
// (`rearm`), never from what the handler believed before the await.
import { DurableObject } from "cloudflare:workers";
import { createDb } from "../db/client";
import { disableWebhookEndpoint, getWebhookEndpoint, insertWebhookDelivery } from "../db/queries/webhooks";
import { classifyWebhookResponse, webhookRetryDelayMs } from "../domain/webhook-schedule";
import type { WebhookTarget } from "../domain/webhook-events";
import { EVENT_ID_HEADER, overrideSecret, SIGNATURE_HEADER, signatureHeader, WEBHOOK_USER_AGENT } from "./signature";
import { webhookTransport } from "./transport";

/** How soon an attempt that died mid-way is tried again: past the attempt's 10 s timeout, so never concurrent with it. */
export const ATTEMPT_GUARD_MS = 60_000;

export interface DeliveryJob {
  eventId: string;
  tenantId: string;
  livemode: boolean;
  target: WebhookTarget;
  /** The envelope as sent (JSON text). */
  payload: string;
}

/**
 * pending: automatic attempts continue; delivered: a 2xx arrived; failed: the
 * schedule ran out; gone: the receiver answered 410; cancelled: the endpoint
 * was disabled or deleted before the event got through.
 */
export type DeliveryStatus = "pending" | "delivered" | "failed" | "gone" | "cancelled";

type StateRow = {
  job: string;
  status: DeliveryStatus;
  attempts: number;
  auto_failures: number;
  next_attempt_at: number | null;
  manual_due: number;
};

export interface DeliveryState {
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  manual_due: boolean;
}

export class WebhookDelivery extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS delivery (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        job TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        auto_failures INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        manual_due INTEGER NOT NULL DEFAULT 0
      );
    `);
  }

  // ---- RPC ---------------------------------------------------------------

  /** Stores the job and schedules the first attempt. Idempotent: a second call changes nothing. */
  async enqueue(job: DeliveryJob): Promise<{ created: boolean }> {
    if (this.row()) return { created: false };
    const at = Date.now() + webhookTransport(this.env).firstAttemptDelayMs;
    this.sql.exec("INSERT INTO delivery (id, job, status, next_attempt_at) VALUES (1, ?, 'pending', ?)", JSON.stringify(job), at);
    await this.rearm();
    return { created: true };
  }

  /**
   * A manual re-send (POST /events/{id}/redeliver): one extra attempt now. If
   * automatic retries are still running they go on; a failed manual attempt
   * does not restart a schedule that already ended.
   */
  async redeliver(job: DeliveryJob): Promise<void> {
    if (!this.row()) {
      // The event was recorded but this target never got its object (crash in between).
      await this.enqueue(job);
      return;
    }
    const at = Date.now() + webhookTransport(this.env).firstAttemptDelayMs;
    this.sql.exec("UPDATE delivery SET manual_due = 1 WHERE id = 1");
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  state(): DeliveryState | null {
    const row = this.row();
    if (!row) return null;
    return {
      status: row.status,
      attempts: row.attempts,
      next_attempt_at: row.next_attempt_at === null ? null : new Date(row.next_attempt_at).toISOString(),
      manual_due: row.manual_due === 1,
    };
  }

  // ---- Alarm: one attempt ------------------------------------------------

  async alarm(): Promise<void> {
    const row = this.row();
    if (!row) return;
    const manual = row.manual_due === 1;
    const automatic = row.status === "pending";
    if (!manual && !automatic) return this.rearm();

    // Re-arm before any I/O that can fail (D1 below, the receiver): if this
    // invocation throws past the platform's alarm retries or dies, the delivery
    // still comes back. `rearm` replaces it with the real schedule at the end.
    await this.ctx.storage.setAlarm(Date.now() + ATTEMPT_GUARD_MS);

    const job = JSON.parse(row.job) as DeliveryJob;
    const attempt = row.attempts + 1;
    // Claimed before the call: a crash mid-attempt never re-uses the number, and a
    // redelivery requested during the call sets manual_due again for one more attempt.
    this.sql.exec("UPDATE delivery SET attempts = ?, manual_due = 0 WHERE id = 1", attempt);

    const db = createDb(this.env.DB);
    const secret = await this.secretFor(job);
    if (secret === null) {
      // The endpoint was deleted or disabled (410 on another event) meanwhile: stop quietly.
      this.sql.exec("UPDATE delivery SET status = 'cancelled', next_attempt_at = NULL, attempts = ? WHERE id = 1", row.attempts);
      return this.rearm();
    }

    const transport = webhookTransport(this.env);
    const sent = await send(transport, job, secret);
    const outcome = classifyWebhookResponse(sent.status);
    const now = Date.now();

    const after = this.row()!;
    let status: DeliveryStatus = after.status;
    let failures = after.auto_failures;
    let next: number | null = after.next_attempt_at;
    if (outcome === "delivered") {
      status = "delivered";
      next = null;
    } else if (outcome === "gone") {
      status = "gone";
      next = null;
    } else if (automatic && after.status === "pending") {
      failures += 1;
      const delay = webhookRetryDelayMs(failures, transport.random());
      if (delay === null) {
        status = "failed";
        next = null;
      } else next = now + delay;
    }
    const logOutcome =
      outcome === "delivered" ? "delivered" : outcome === "gone" ? "endpoint_disabled" : status === "pending" ? "retrying" : "failed";
    // D1 first: if it throws, the alarm is retried and the attempt repeated (at-least-once).
    await insertWebhookDelivery(db, {
      eventId: job.eventId,
      endpointId: job.target.endpoint_id,
      url: job.target.url,
      attempt,
      manual: manual && !automatic,
      outcome: logOutcome,
      statusCode: sent.status,
      error: sent.error,
      durationMs: sent.durationMs,
      attemptedAt: new Date(sent.startedAt).toISOString(),
      nextAttemptAt: status === "pending" && next !== null ? new Date(next).toISOString() : null,
    });
    if (outcome === "gone" && job.target.endpoint_id) {
      await disableWebhookEndpoint(db, job.target.endpoint_id, job.tenantId, "410 Gone", new Date(now).toISOString());
    }
    this.sql.exec(
      "UPDATE delivery SET status = ?, auto_failures = ?, next_attempt_at = ? WHERE id = 1",
      status,
      failures,
      status === "pending" ? next : null,
    );
    await this.rearm();
  }

  // ---- helpers -------------------------------------------------------------

  /** The signing secret, or null when the endpoint no longer accepts deliveries. */
  private async secretFor(job: DeliveryJob): Promise<string | null> {
    if (!job.target.endpoint_id) return overrideSecret(this.env.SERVER_SECRET, job.tenantId, job.livemode);
    const endpoint = await getWebhookEndpoint(createDb(this.env.DB), job.target.endpoint_id);
    if (!endpoint || endpoint.status !== "active" || endpoint.tenantId !== job.tenantId) return null;
    return endpoint.secret;
  }

  /** One alarm for whatever is due first: a requested manual attempt (now) or the next automatic one. */
  private async rearm(): Promise<void> {
    const row = this.row();
    const at = !row
      ? null
      : row.manual_due === 1
        ? Date.now() + webhookTransport(this.env).firstAttemptDelayMs
        : row.status === "pending"
          ? row.next_attempt_at
          : null;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }

  private row(): StateRow | undefined {
    return this.sql.exec<StateRow>("SELECT job, status, attempts, auto_failures, next_attempt_at, manual_due FROM delivery WHERE id = 1").toArray()[0];
  }
}

interface SendResult {
  status: number | null;
  error: string | null;
  durationMs: number;
  startedAt: number;
}

/**
 * One POST: signed with a fresh timestamp, redirects not followed (a 3xx is
 * a failure), bounded by the per-attempt timeout. Never throws.
 */
async function send(transport: ReturnType<typeof webhookTransport>, job: DeliveryJob, secret: string): Promise<SendResult> {
  const startedAt = Date.now();
  const signature = await signatureHeader(secret, Math.floor(startedAt / 1000), job.payload);
  const signal = AbortSignal.timeout(transport.timeoutMs);
  try {
    const res = await transport.fetch(job.target.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [SIGNATURE_HEADER]: signature,
        [EVENT_ID_HEADER]: job.eventId,
        "user-agent": WEBHOOK_USER_AGENT,
      },
      body: job.payload,
      redirect: "manual",
      signal,
    });
    // The body is never read: free the connection.
    await res.body?.cancel().catch(() => undefined);
    const error = res.status >= 300 && res.status < 400 ? `redirect not followed (${res.headers.get("location") ?? "no location"})` : null;
    return { status: res.status, error, durationMs: Date.now() - startedAt, startedAt };
  } catch (err) {
    const timedOut = signal.aborted;
    const error = timedOut ? `timeout after ${transport.timeoutMs} ms` : `network error: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
    return { status: null, error, durationMs: Date.now() - startedAt, startedAt };
  }
}
