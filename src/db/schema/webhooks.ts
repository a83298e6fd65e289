import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A tenant's webhook endpoint (contract §11, §13). Belongs to one environment. */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    url: text("url").notNull(),
    /** JSON array of subscribed event types. */
    events: text("events").notNull(),
    /**
     * `whsec_…`, kept in clear because deliveries are signed with it (an HMAC
     * key cannot be stored as a hash). Shown to the operator once, at creation.
     */
    secret: text("secret").notNull(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    /** `disabled` by DELETE or by a 410 from the receiver; never re-enabled. */
    status: text("status", { enum: ["active", "disabled"] }).notNull().default("active"),
    createdAt: text("created_at").notNull(),
    disabledAt: text("disabled_at"),
    disabledReason: text("disabled_reason"),
  },
  (t) => [index("webhook_endpoints_tenant_idx").on(t.tenantId, t.livemode, t.status)],
);

/** One row per event, created once (the id is derived from run + type). `payload` is the exact body sent. */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    /** The run the event is about (a case's run); null for monitoring events, which are about an alert. */
    runId: text("run_id"),
    type: text("type").notNull(),
    /** The envelope, byte for byte as delivered. */
    payload: text("payload").notNull(),
    /** JSON array of the targets chosen when the event was created: `{ key, endpoint_id, url }`. */
    targets: text("targets").notNull(),
    createdAt: text("created_at").notNull(),
    /**
     * The outbox mark: null while the event's deliveries have not been handed to
     * their delivery objects. Events are written in the batch of the change that
     * causes them; whoever hands them over (the request, or the sweep of
     * src/webhooks/outbox.ts) sets it.
     */
    dispatchedAt: text("dispatched_at"),
  },
  (t) => [
    index("webhook_events_run_idx").on(t.runId),
    index("webhook_events_tenant_idx").on(t.tenantId, t.livemode, t.createdAt),
    index("webhook_events_outbox_idx").on(t.createdAt).where(sql`${t.dispatchedAt} is null`),
  ],
);

/** Every delivery attempt, successful or not. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    eventId: text("event_id").notNull(),
    /** null for the per-run `webhook_url` override. */
    endpointId: text("endpoint_id"),
    url: text("url").notNull(),
    /** 1-based, per (event, target); manual redeliveries continue the count. */
    attempt: integer("attempt").notNull(),
    manual: integer("manual", { mode: "boolean" }).notNull().default(false),
    /** delivered | retrying | failed | endpoint_disabled */
    outcome: text("outcome").notNull(),
    /** HTTP status, null when no response arrived (timeout, network error). */
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    attemptedAt: text("attempted_at").notNull(),
    /** When the next automatic attempt is due (outcome `retrying`). */
    nextAttemptAt: text("next_attempt_at"),
  },
  (t) => [index("webhook_deliveries_event_idx").on(t.eventId, t.id)],
);
