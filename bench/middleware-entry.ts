// Bench-only Worker entry (bench/middleware.mjs runs it with
// `wrangler dev bench/middleware-entry.ts`): the same app as src/index.ts,
// with the /api/v1 middleware cut down through createApp's code options —
// never deployed, and not reachable from any configuration of the real Worker.
//   BENCH_MIDDLEWARE=auth  API-key authentication, no rate limiting
//   BENCH_MIDDLEWARE=none  neither: a fixed identity (the dev tenant and its
//                          sandbox key from scripts/dev.mjs), no D1 key lookup, no limiter
import { createApp } from "../src/app";

type BenchEnv = Env & { BENCH_MIDDLEWARE?: string; BENCH_TENANT_ID?: string; BENCH_KEY_ID?: string };

let app: ReturnType<typeof createApp> | undefined;

function appFor(env: BenchEnv) {
  if (env.BENCH_MIDDLEWARE === "auth") return createApp({ rateLimit: false });
  return createApp({
    rateLimit: false,
    fixedAuth: {
      tenantId: env.BENCH_TENANT_ID ?? "ten_dev",
      tenantName: "Dev tenant",
      tenantStatus: "active",
      keyId: env.BENCH_KEY_ID ?? "key_dev_sandbox",
      livemode: false,
      scopes: ["runs:write", "runs:read", "detail:read", "reports:write"],
      rateLimitPerMinute: null,
    },
  });
}

export default {
  fetch(request: Request, env: BenchEnv, ctx: ExecutionContext) {
    app ??= appFor(env);
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<BenchEnv>;

export { RunObject } from "../src/runs/run-object";
export { RateLimiter } from "../src/ratelimit/limiter-object";
export { WebhookDelivery } from "../src/webhooks/delivery-object";
