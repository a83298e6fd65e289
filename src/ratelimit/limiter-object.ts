import { DurableObject } from "cloudflare:workers";

/** One object per API key: exact per-minute request counting. */
export class RateLimiter extends DurableObject<Env> {}
