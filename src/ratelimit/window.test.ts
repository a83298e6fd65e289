import { describe, expect, it } from "vitest";
import { fixedWindowHit, WINDOW_MS, type WindowState } from "./window";

const T0 = Date.UTC(2026, 10, 26, 12, 0, 0); // a minute boundary

function hits(limit: number, times: number[]) {
  let state: WindowState | null = null;
  return times.map((t) => {
    const { decision, next } = fixedWindowHit(state, limit, t);
    if (next) state = next;
    return decision;
  });
}

describe("fixedWindowHit", () => {
  it("admits exactly `limit` requests per calendar minute", () => {
    const d = hits(3, [T0 + 1, T0 + 2, T0 + 3, T0 + 4, T0 + 59_999]);
    expect(d.map((x) => x.allowed)).toEqual([true, true, true, false, false]);
    expect(d.map((x) => x.remaining)).toEqual([2, 1, 0, 0, 0]);
    expect(new Set(d.map((x) => x.resetAt))).toEqual(new Set([(T0 + WINDOW_MS) / 1000]));
  });

  it("Retry-After is the whole seconds left in the window, at least 1", () => {
    const d = hits(1, [T0, T0 + 10_000, T0 + 10_500, T0 + 59_999]);
    expect(d.map((x) => x.retryAfter)).toEqual([0, 50, 50, 1]);
  });

  it("a new minute starts a new count", () => {
    const d = hits(2, [T0, T0 + 1, T0 + 2, T0 + WINDOW_MS, T0 + WINDOW_MS + 1, T0 + WINDOW_MS + 2]);
    expect(d.map((x) => x.allowed)).toEqual([true, true, false, true, true, false]);
    expect(d[3].resetAt).toBe((T0 + 2 * WINDOW_MS) / 1000);
  });

  it("refused requests are not counted and change nothing", () => {
    const state = { start: T0, count: 2 };
    expect(fixedWindowHit(state, 2, T0 + 5)).toMatchObject({ next: null, decision: { allowed: false } });
  });

  it("a clock that goes back stays in the stored window", () => {
    const state = { start: T0 + WINDOW_MS, count: 1 };
    const { decision, next } = fixedWindowHit(state, 5, T0 + 30_000);
    expect(next).toEqual({ start: T0 + WINDOW_MS, count: 2 });
    expect(decision.resetAt).toBe((T0 + 2 * WINDOW_MS) / 1000);
  });

  it("a limit lowered below the count refuses until the window ends", () => {
    const { decision } = fixedWindowHit({ start: T0, count: 10 }, 5, T0 + 1);
    expect(decision).toMatchObject({ allowed: false, remaining: 0 });
  });
});
