import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  classifyWebhookResponse,
  WEBHOOK_MAX_ATTEMPTS,
  WEBHOOK_RETRY_DELAYS_MS,
  webhookRetryDelayMs,
} from "./webhook-schedule";

const HOUR = 3_600_000;
const total = (random: number) => {
  let sum = 0;
  for (let n = 1; ; n++) {
    const d = webhookRetryDelayMs(n, random);
    if (d === null) return { sum, retries: n - 1 };
    sum += d;
  }
};

describe("webhook retry schedule", () => {
  it("starts at one minute and grows, never shrinking", () => {
    expect(webhookRetryDelayMs(1, 0.5)).toBe(60_000);
    expect(webhookRetryDelayMs(2, 0.5)).toBe(5 * 60_000);
    for (let i = 1; i < WEBHOOK_RETRY_DELAYS_MS.length; i++) {
      expect(WEBHOOK_RETRY_DELAYS_MS[i]).toBeGreaterThanOrEqual(WEBHOOK_RETRY_DELAYS_MS[i - 1]);
    }
  });

  it("spans about three days in total, whatever the jitter", () => {
    const nominal = total(0.5);
    expect(nominal.retries).toBe(WEBHOOK_MAX_ATTEMPTS - 1);
    expect(nominal.sum).toBe(71 * HOUR + 36 * 60_000);
    expect(total(0).sum).toBeGreaterThan(2.5 * 24 * HOUR);
    expect(total(0.999999).sum).toBeLessThan(3.5 * 24 * HOUR);
  });

  it("gives up after the last gap", () => {
    expect(webhookRetryDelayMs(WEBHOOK_MAX_ATTEMPTS - 1, 0.5)).toBe(20 * HOUR);
    expect(webhookRetryDelayMs(WEBHOOK_MAX_ATTEMPTS, 0.5)).toBeNull();
    expect(webhookRetryDelayMs(50, 0.5)).toBeNull();
  });

  it("jitter stays within ±10 % of the nominal gap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: WEBHOOK_MAX_ATTEMPTS - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, r) => {
        const d = webhookRetryDelayMs(n, r)!;
        const base = WEBHOOK_RETRY_DELAYS_MS[n - 1];
        expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.9));
        expect(d).toBeLessThanOrEqual(Math.ceil(base * 1.1));
      }),
    );
  });

  it("rejects a non-positive attempt count", () => {
    expect(() => webhookRetryDelayMs(0, 0.5)).toThrow(RangeError);
  });
});

describe("classifyWebhookResponse", () => {
  it.each([
    [200, "delivered"],
    [204, "delivered"],
    [299, "delivered"],
    [410, "gone"],
    [301, "retry"],
    [302, "retry"],
    [307, "retry"],
    [400, "retry"],
    [404, "retry"],
    [429, "retry"],
    [500, "retry"],
    [503, "retry"],
    [null, "retry"],
  ] as const)("%s → %s", (status, outcome) => {
    expect(classifyWebhookResponse(status)).toBe(outcome);
  });
});
