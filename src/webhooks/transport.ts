// How webhook deliveries reach the network, behind one seam (design convention 8:
// outbound HTTP goes through an injected fetch). Production uses the global
// fetch with a 10 s timeout per attempt and sends the first attempt at once;
// the test Worker (test/worker.ts) injects a scripted fetch, a shorter timeout
// and a held first attempt, so every attempt is driven by the test through the alarm.

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

/**
 * Overrides travel with the env the delivery object was built with, under this
 * symbol. Configuration (wrangler.toml, secrets) can only set string keys, so a
 * deployed Worker always gets the defaults; only code that builds the object
 * itself can inject overrides — the test Worker (test/worker.ts) does.
 */
export const WEBHOOK_TRANSPORT = Symbol("kycert.webhookTransport");

export const webhookTransport = (env: Env): WebhookTransport => ({
  ...defaults(),
  ...(env as Env & { [WEBHOOK_TRANSPORT]?: Partial<WebhookTransport> })[WEBHOOK_TRANSPORT],
});
