// Bench-only Worker entry (bench/far.mjs runs it with `wrangler dev
// bench/far-entry.ts`): the real app (src/app.ts) and the real Durable Object
// classes, with the request's bindings wrapped by the far-caller model
// (bench/far-env.ts): each storage call waits its round trip and is counted.
// The counts go back in an X-Bench-Tally header, and the time spent in the real
// calls by kind (with the whole handler's) in X-Bench-Spent. Never deployed, and not
// reachable from any configuration of the real Worker.
// Delays (ms) come from vars: BENCH_D1_PRIMARY_MS (100), BENCH_D1_REPLICA_MS (5),
// BENCH_DO_NEAR_MS (2), BENCH_DO_FAR_MS (100), BENCH_KV_MS (2), BENCH_CACHE_MS (2),
// BENCH_R2_MS (100); BENCH_FAR_DO lists the DO bindings that live outside the
// caller's region (e.g. RATE_LIMITER); BENCH_NO_MEMORY=1 turns off the isolate's memory tier.
import { createApp } from "../src/app";
import { delayModelFrom, farEnv, Tracker } from "./far-env";

const app = createApp();

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const t0 = performance.now();
    const tracker = new Tracker(delayModelFrom(env as unknown as Record<string, unknown>));
    // BENCH_NO_MEMORY=1: only the Cache API serves the location's caches (an isolate that is not warm).
    const seam = (env as unknown as Record<string, unknown>).BENCH_NO_MEMORY === "1" ? { memory: null } : {};
    const res = await app.fetch(request, farEnv(env, tracker, { seam }), ctx);
    tracker.responded = true;
    const out = new Response(res.body, res);
    out.headers.set("X-Bench-Tally", JSON.stringify(tracker.tally));
    out.headers.set("X-Bench-Spent", JSON.stringify({ ...tracker.spent, total: performance.now() - t0 }));
    return out;
  },
} satisfies ExportedHandler<Env>;

// Every Durable Object class the configuration binds (they run unwrapped: off the request's path).
export * from "../src/index";
