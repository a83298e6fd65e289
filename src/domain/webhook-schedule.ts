// Webhook delivery policy (contract §11), pure: when to retry, what an answer means.
//
// At-least-once delivery over about three days: after the first attempt fails,
// ten retries follow at growing intervals (1 min … 20 h), each with ±10 %
// jitter so receivers coming back from an outage are not hit by every sender
// at the same second. The nominal gaps sum to 71 h 36 min.

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Gap before retry n (index 0 = the wait after the first failed attempt). */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [
  1 * MIN,
  5 * MIN,
  30 * MIN,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
];

/** The first attempt plus one per retry gap. */
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_DELAYS_MS.length + 1;

export const WEBHOOK_JITTER = 0.1;

/**
 * How long to wait after the `failedAttempts`-th failed automatic attempt
 * (1-based), or null when the schedule is exhausted and the delivery fails.
 * `random` ∈ [0, 1) picks the jitter: 0 → −10 %, 0.5 → nominal, →1 → +10 %.
 */
export function webhookRetryDelayMs(failedAttempts: number, random: number): number | null {
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1) throw new RangeError("failedAttempts must be a positive integer");
  const base = WEBHOOK_RETRY_DELAYS_MS[failedAttempts - 1];
  if (base === undefined) return null;
  const r = Math.min(Math.max(random, 0), 1);
  return Math.round(base * (1 - WEBHOOK_JITTER + 2 * WEBHOOK_JITTER * r));
}

export type AttemptOutcome = "delivered" | "gone" | "retry";

/**
 * What a receiver's answer means: 2xx delivered; 410 Gone = the endpoint is
 * gone for good (disable it, stop); anything else — 3xx included, since
 * redirects are never followed — or no answer at all (null) is a failure to retry.
 */
export function classifyWebhookResponse(status: number | null): AttemptOutcome {
  if (status === null) return "retry";
  if (status >= 200 && status < 300) return "delivered";
  if (status === 410) return "gone";
  return "retry";
}
