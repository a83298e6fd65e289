// The cap on simultaneous outbound connections. Workers allow 6 per
// invocation (Durable Objects too) and `wrangler dev` does not enforce it, so
// the cap is explicit: a parallel phase with more than 6 sources runs in
// waves by design, the 7th source starting when the first one settles.
//
// The queue is p-limit's (FIFO: a waiting task starts before any that came
// after it; a settled or failed task frees its slot). One limiter is made per
// phase or sweep, inside the invocation it limits, never shared across
// requests. This module keeps the name callers use and the cap.
import pLimit from "p-limit";

export const MAX_OUTBOUND_CONNECTIONS = 6;

export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly pending: number;
}

export function createLimiter(max: number = MAX_OUTBOUND_CONNECTIONS): Limiter {
  const limit = pLimit(max);
  return {
    run: (task) => limit(task),
    get active() {
      return limit.activeCount;
    },
    get pending() {
      return limit.pendingCount;
    },
  };
}
