// Which webhook event a finished run produces, its envelope, and who receives
// it (contract §11). Pure: ids and time come from the caller.
import type { RunBody, RunStatus } from "./types";

export const WEBHOOK_EVENT_TYPES = ["run.completed", "run.failed", "case.opened", "case.resolved", "monitoring.alert"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * What an endpoint created without `events` receives: the run events. Review-case
 * events (contract §15) and monitoring alerts (§17) are opted into, so an
 * integration written before they existed never meets an event type it does not know.
 */
export const DEFAULT_ENDPOINT_EVENTS: readonly WebhookEventType[] = ["run.completed", "run.failed"];

/**
 * completed/partial → run.completed (there is a decision); failed → run.failed.
 * A cancelled run emits nothing: the client cancelled it and already got the
 * run in the cancel response. Non-terminal statuses emit nothing.
 */
export function eventTypeFor(status: RunStatus): WebhookEventType | null {
  if (status === "completed" || status === "partial") return "run.completed";
  if (status === "failed") return "run.failed";
  return null;
}

export type EventRunObject = RunBody & { failed_at?: string | null };

export interface WebhookEnvelope {
  id: string;
  object: "event";
  event: WebhookEventType;
  /** Unix seconds: when the run became terminal (stable across retries). */
  created: number;
  livemode: boolean;
  data: { object: EventRunObject };
}

/** The envelope; for run.failed the run carries `decision: null` and `failed_at`. */
export function buildEnvelope(id: string, event: WebhookEventType, run: RunBody): WebhookEnvelope {
  const terminalAt = run.completed_at ?? run.created_at;
  // The case fields as GET /runs/{id} shows them at this moment (no case: both null).
  const withCase: RunBody = { ...run, case_id: run.case_id ?? null, final_decision: run.final_decision ?? null };
  const object: EventRunObject = event === "run.failed" ? { ...withCase, decision: null, failed_at: terminalAt } : withCase;
  return {
    id,
    object: "event",
    event,
    created: Math.floor(Date.parse(terminalAt) / 1000),
    livemode: run.livemode,
    data: { object },
  };
}

export interface WebhookTarget {
  /** Stable per event: the endpoint id, or `webhook_url` for the per-run override. */
  key: string;
  endpoint_id: string | null;
  url: string;
}

export interface EndpointCandidate {
  id: string;
  url: string;
  events: readonly string[];
}

/**
 * The per-run `webhook_url` replaces the tenant's endpoints for that run (and
 * receives both event types); without it, every active endpoint of the run's
 * environment subscribed to the event (the caller passes only those).
 */
export function selectTargets(event: WebhookEventType, webhookUrl: string | null, endpoints: EndpointCandidate[]): WebhookTarget[] {
  if (webhookUrl) return [{ key: "webhook_url", endpoint_id: null, url: webhookUrl }];
  return endpoints.filter((e) => e.events.includes(event)).map((e) => ({ key: e.id, endpoint_id: e.id, url: e.url }));
}
