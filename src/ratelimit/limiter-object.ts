import { DurableObject } from "cloudflare:workers";
import { fixedWindowHit, type RateLimitDecision, type WindowState } from "./window";

const STATE_KEY = "window";
const REVOKED_KEY = "revoked";

/** The limiter's answer: the window's decision, or the key's revocation (nothing counted). */
export type LimiterAnswer = (RateLimitDecision & { revoked: false }) | { revoked: true };

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
  private revokedFlag: boolean | undefined;

  /**
   * Counts one request of this key against `limit` per minute — unless the key
   * was revoked: every location serves API keys from a cache (src/cache/api-keys.ts),
   * and this object, on the path of every request of the key wherever it comes
   * from, is the one place that knows at once.
   */
  hit(limit: number): LimiterAnswer {
    if (this.revoked()) return { revoked: true };
    if (this.state === undefined) this.state = this.ctx.storage.kv.get<WindowState>(STATE_KEY) ?? null;
    const { decision, next } = fixedWindowHit(this.state, limit, this.clock());
    if (next) {
      this.state = next;
      this.ctx.storage.put(STATE_KEY, next, { allowUnconfirmed: true }).catch((err: unknown) => {
        console.error(JSON.stringify({ level: "error", error: "rate_limit_write_failed", message: String(err).slice(0, 200) }));
      });
    }
    return { ...decision, revoked: false };
  }

  /**
   * The admin plane's revocation (src/admin/service.ts revokeKey), before it
   * answers. Unlike the count, this write is confirmed before the reply (no
   * allowUnconfirmed): once the admin has its answer, the flag survives a crash.
   */
  revoke(): { revoked: true } {
    this.ctx.storage.kv.put(REVOKED_KEY, true);
    this.revokedFlag = true;
    return { revoked: true };
  }

  private revoked(): boolean {
    this.revokedFlag ??= this.ctx.storage.kv.get<boolean>(REVOKED_KEY) === true;
    return this.revokedFlag;
  }
}
