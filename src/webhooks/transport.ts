// How webhook deliveries reach the network, behind one seam (design convention 8:
// outbound HTTP goes through an injected fetch). Production uses the global
// fetch with a 10 s timeout per attempt and sends the first attempt at once;
// tests replace the fetch with a scripted one, shrink the timeout, and hold
// the first attempt so every attempt is driven by the test through the alarm.

export interface WebhookTransport {
  fetch: typeof fetch;
  /** Per-attempt timeout (contract: 10 s). */
  timeoutMs: number;
  /** Delay of the first attempt after the event is enqueued. */
  firstAttemptDelayMs: number;
  /** Jitter source for the retry schedule, in [0, 1). */
  random: () => number;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;

const defaults = (): WebhookTransport => ({
  fetch: (input, init) => fetch(input, init),
  timeoutMs: WEBHOOK_TIMEOUT_MS,
  firstAttemptDelayMs: 0,
  random: Math.random,
});

let override: Partial<WebhookTransport> | null = null;

export const webhookTransport = (): WebhookTransport => ({ ...defaults(), ...override });

/**
 * Test seam only: the Durable Objects run in the test's isolate, so this
 * replaces the transport for every delivery until reset with `null`.
 */
export function setWebhookTransportForTests(t: Partial<WebhookTransport> | null): void {
  override = t;
}
