// A FIFO counting semaphore for outbound connections. Workers allow 6
// simultaneous outbound connections per invocation (Durable Objects too) and
// `wrangler dev` does not enforce it, so the cap is explicit: a parallel phase
// with more than 6 sources runs in waves by design, the 7th source starting
// when the first one settles.
export const MAX_OUTBOUND_CONNECTIONS = 6;

export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly pending: number;
}

export function createLimiter(max: number = MAX_OUTBOUND_CONNECTIONS): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`limiter max must be a positive integer, got ${max}`);
  let active = 0;
  const queue: (() => void)[] = [];

  const release = () => {
    const next = queue.shift();
    // Hand the slot straight to the next waiter: `active` stays the same, so
    // a task arriving in between cannot jump the queue.
    if (next) next();
    else active -= 1;
  };

  return {
    get active() {
      return active;
    },
    get pending() {
      return queue.length;
    },
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active < max) active += 1;
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
