import { DurableObject } from "cloudflare:workers";
import { fixedWindowHit, type RateLimitDecision, type WindowState } from "./window";

const STATE_KEY = "window";

/**
 * One object per API key (named by the key id): exact per-minute request
 * counting. A Durable Object handles one call at a time and the count is in its
 * SQLite storage, so the count is exact whatever location the requests come
 * from and survives eviction or a deploy mid-window (one row per key, overwritten
 * each window). Time is the object's own clock, the one clock every request of
 * the key is measured against.
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
      void this.ctx.storage.put(STATE_KEY, next, { allowUnconfirmed: true });
    }
    return decision;
  }
}
