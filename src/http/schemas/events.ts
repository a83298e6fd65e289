// Webhook events (contract §11, §19): what each event type carries, the
// envelope POSTed to endpoints, and the events as the API lists and shows
// them. One entry per delivered type in EVENT_PAYLOADS: the document's
// `webhooks` section (openapi/generate.ts) and the events' schemas come from
// it, and a type added to WEBHOOK_EVENT_TYPES does not compile until it has one.
import { z } from "zod";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../../domain/webhook-events";
import { CaseObject } from "./cases";
import { MonitoringAlert } from "./monitoring";
import { component, listPage, Run } from "./responses";
import { createdRangeFields, pageQueryFields } from "./runs";

const timestamp = z.iso.datetime().meta({ description: "ISO 8601 UTC with milliseconds." });

export interface EventPayload {
  /** `data.object` of this event type. */
  schema: z.ZodType;
  /** The webhook operation's summary. */
  summary: string;
  /** When the event is sent, and to whom. */
  description: string;
}

export const EVENT_PAYLOADS: Record<WebhookEventType, EventPayload> = {
  "run.completed": {
    schema: Run,
    summary: "A run ended with a decision (completed or partial)",
    description: "`data.object` is the run as `GET /api/v1/bureau/runs/{id}` returns it. Sent to endpoints subscribed to it (the default), or to the run's own `webhook_url`. Partner (QSA) runs and cancelled runs send nothing.",
  },
  "run.failed": {
    schema: Run,
    summary: "A run failed (no decision possible)",
    description: "`data.object` is the run with `decision: null` and `failed_at`. Sent to endpoints subscribed to it (the default), or to the run's own `webhook_url`.",
  },
  "case.opened": {
    schema: CaseObject,
    summary: "A review case opened (the run ended review or on hold)",
    description: "`data.object` is the case as it opened. Endpoints receive it only when they list it in `events`; a run's own `webhook_url` always does.",
  },
  "case.resolved": {
    schema: CaseObject,
    summary: "A review case was resolved",
    description: "`data.object` is the resolved case (its `resolution`). Endpoints receive it only when they list it in `events`; a run's own `webhook_url` always does.",
  },
  "monitoring.alert": {
    schema: MonitoringAlert,
    summary: "A monitored customer was named, changed or dropped by a new list version",
    description: "`data.object` is the alert as `GET /api/v1/monitoring/alerts/{id}` returns it. Endpoints receive it only when they list it in `events`.",
  },
};

const envelopeFields = (event: z.ZodType, object: z.ZodType) => ({
  id: z.string().meta({ description: "evt_…, stable across retries: use it to deduplicate." }),
  object: z.literal("event"),
  event,
  created: z.number().int().meta({ description: "Unix seconds: when what the event reports happened (a run's or case's time, stable across retries)." }),
  livemode: z.boolean(),
  data: z.object({ object }),
});

/** The body POSTed for one event type (the document's `webhooks` entry). */
export const webhookEnvelopeFor = (type: WebhookEventType) =>
  z.object(envelopeFields(z.literal(type), EVENT_PAYLOADS[type].schema)).meta({
    description: `The body POSTed to webhook endpoints for \`${type}\`. ${EVENT_PAYLOADS[type].description}`,
  });

const payloadSchemas = [...new Set(WEBHOOK_EVENT_TYPES.map((t) => EVENT_PAYLOADS[t].schema))];
const anyPayload = (payloadSchemas.length === 1 ? payloadSchemas[0] : z.union(payloadSchemas as [z.ZodType, z.ZodType, ...z.ZodType[]])).meta({
  description: `By \`event\`: ${WEBHOOK_EVENT_TYPES.map((t) => `\`${t}\``).join(", ")} (see the document's webhooks).`,
});

const Target = z.object({
  endpoint_id: z.string().nullable().meta({ description: "null for the run's own webhook_url." }),
  url: z.string(),
  attempts: z.number().int(),
  last_outcome: z.enum(["pending", "delivered", "retrying", "failed", "endpoint_disabled"]).meta({ description: "`pending`: no attempt yet." }),
  last_attempt_at: timestamp.nullable(),
});

const eventFields = {
  ...envelopeFields(z.enum(WEBHOOK_EVENT_TYPES), anyPayload),
  run_id: z.string().nullable().meta({ description: "The run the event is about (a case event: the case's run); null for monitoring.alert and a monitoring case's events." }),
  delivery_status: z.enum(["no_targets", "pending", "retrying", "delivered", "failed"]).meta({
    description:
      "`no_targets`: no endpoint was subscribed when it happened; `pending` / `retrying`: a target still waits for an attempt or a retry; `delivered`: every target answered 2xx; `failed`: a target gave up after its retries (about 3 days) or was disabled. Re-send with `POST /api/v1/bureau/events/{id}/redeliver`.",
  }),
  targets: z.array(Target).meta({ description: "Who the event goes to, chosen when it happened, with each one's delivery so far." }),
};

export const EventSummary = component("EventSummary", z.object(eventFields), "A webhook event as delivered (the envelope), with its delivery summary.");

export const EventObject = component(
  "Event",
  z.object({
    ...eventFields,
    deliveries: z.array(
      z.object({
        attempt: z.number().int(),
        endpoint_id: z.string().nullable(),
        url: z.string(),
        manual: z.boolean(),
        outcome: z.string(),
        status_code: z.number().int().nullable(),
        error: z.string().nullable(),
        duration_ms: z.number().nullable(),
        attempted_at: timestamp,
        next_attempt_at: timestamp.nullable(),
      }),
    ),
  }),
  "A webhook event as delivered (the envelope), its targets and every delivery attempt, oldest first.",
);

export const EventList = component("EventList", listPage(EventSummary), "A page of webhook events, newest first.");

export const EventRedelivery = component(
  "EventRedelivery",
  z.object({
    id: z.string(),
    object: z.literal("event"),
    event: z.enum(WEBHOOK_EVENT_TYPES),
    redelivery: z.literal(true),
    targets: z.array(z.object({ endpoint_id: z.string().nullable(), url: z.string() })),
  }),
  "One extra delivery attempt was queued to each target still active (same event id and body).",
);

// ---- requests --------------------------------------------------------------------

export const ListEventsQuerySchema = z.strictObject({
  ...pageQueryFields,
  type: z
    .enum(WEBHOOK_EVENT_TYPES, { error: () => `use um de: ${WEBHOOK_EVENT_TYPES.join(", ")}` })
    .optional()
    .meta({ description: `Only events of this type: ${WEBHOOK_EVENT_TYPES.map((t) => `\`${t}\``).join(", ")}.` }),
  ...createdRangeFields,
});
