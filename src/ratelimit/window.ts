// Fixed-window request counting (pure: the clock is passed in). A window is a
// calendar minute (aligned to the minute in UTC), so `X-RateLimit-Reset` is the
// same for every request of the window and counting is exact: the object that
// owns a key's window sees every request of that key, one at a time.

export const WINDOW_MS = 60_000;

/** What the limiter persists per API key: the current window and its count. */
export interface WindowState {
  /** Start of the window, ms since the epoch (a multiple of WINDOW_MS). */
  start: number;
  /** Requests admitted in this window. */
  count: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in this window after this one. */
  remaining: number;
  /** When the window ends, unix seconds. */
  resetAt: number;
  /** Seconds until the window ends (≥ 1) when refused; 0 when allowed. */
  retryAfter: number;
}

/**
 * Counts one request. Refused requests are not counted (a client that keeps
 * retrying during the window does not push its own reset further away, and the
 * count never exceeds the limit). A clock that goes back (the window in storage
 * is newer than `nowMs`) stays in the stored window: counting is monotonic.
 * Returns the new state to persist, or null when nothing changed.
 */
export function fixedWindowHit(
  state: WindowState | null,
  limit: number,
  nowMs: number,
): { decision: RateLimitDecision; next: WindowState | null } {
  const start = Math.floor(nowMs / WINDOW_MS) * WINDOW_MS;
  const current = state && state.start >= start ? state : { start, count: 0 };
  const resetMs = current.start + WINDOW_MS;
  const resetAt = resetMs / 1000;
  if (current.count >= limit) {
    const retryAfter = Math.max(1, Math.ceil((resetMs - nowMs) / 1000));
    return { decision: { allowed: false, limit, remaining: 0, resetAt, retryAfter }, next: null };
  }
  const count = current.count + 1;
  return {
    decision: { allowed: true, limit, remaining: limit - count, resetAt, retryAfter: 0 },
    next: { start: current.start, count },
  };
}
