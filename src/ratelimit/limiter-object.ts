import { DurableObject } from "cloudflare:workers";
import { fixedWindowHit, type RateLimitDecision, type WindowState } from "./window";

const STATE_KEY = "window";

/**
 * One object per API key (named by the key id): exact per-minute request
 * counting. A Durable Object handles one call at a time (`hit` has no await,
 * so no other call interleaves with it), so the count is exact whatever
 * location the requests come from. Time is the object's own clock, the one
 * clock every request of the key is measured against.
 *
 * The count lives in memory and in the object's storage (one row per key,
 * overwritten each window), so eviction or a deploy mid-window does not reset
 * it. The write does not hold the reply (`allowUnconfirmed`): waiting for the
 * storage commit cost ~2 ms of the ~5 ms this object added per request in
 * bench/middleware.mjs. The price: if the object crashes in the few ms before a
 * write commits, those last increments are lost and the key may get that many
 * extra requests in the window — the error only ever admits, it never refuses
 * a request that was within the limit.
 */
export class RateLimiter extends DurableObject<Env> {
  /**
   * The object's clock (ms). A test seam: tests replace it through
   * `runInDurableObject` to cross a window boundary without sleeping. Instance
   * fields are not reachable through RPC, only prototype methods are.
   */
  clock: () => number = () => Date.now();

  /** The current window, loaded from storage once per instance (undefined = not loaded yet). */
  private state: WindowState | null | undefined;

  /** Counts one request of this key against `limit` per minute. */
  hit(limit: number): RateLimitDecision {
    if (this.state === undefined) this.state = this.ctx.storage.kv.get<WindowState>(STATE_KEY) ?? null;
    const { decision, next } = fixedWindowHit(this.state, limit, this.clock());
    if (next) {
      this.state = next;
      this.ctx.storage.put(STATE_KEY, next, { allowUnconfirmed: true }).catch((err: unknown) => {
        console.error(JSON.stringify({ level: "error", error: "rate_limit_write_failed", message: String(err).slice(0, 200) }));
      });
    }
    return decision;
  }
}
