// Loopback webhook receivers are a local-dev convenience (src/domain/webhook-url.ts):
// only the default configuration, the one `npm run dev` runs, turns them on.
// Named environments and [previews] do not inherit top-level [vars], so the var
// must simply be absent from production and previews (absent = off, runtimeConfig).
import { unstable_readConfig } from "wrangler";
import { describe, expect, it } from "vitest";

type Vars = Record<string, unknown>;
const read = (env?: string) => unstable_readConfig({ config: "wrangler.toml", ...(env ? { env } : {}) }) as unknown as { vars: Vars; previews?: { vars?: Vars } };

describe("LOCAL_WEBHOOK_LOOPBACK per configuration", () => {
  it("local dev (the default configuration) delivers to loopback receivers", () => {
    expect(read().vars.LOCAL_WEBHOOK_LOOPBACK).toBe("1");
  });

  it("production and previews never do: the var is not there", () => {
    expect(read("production").vars).not.toHaveProperty("LOCAL_WEBHOOK_LOOPBACK");
    const previews = read().previews;
    expect(previews?.vars).toBeDefined();
    expect(previews!.vars).not.toHaveProperty("LOCAL_WEBHOOK_LOOPBACK");
  });
});
