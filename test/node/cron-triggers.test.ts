// The sweeper's Cron Trigger (src/runs/sweeper.ts SWEEP_CRON) must be on the
// default config and on production: named environments do not inherit what
// they redefine, and a Worker without the trigger strands runs silently.
import { unstable_readConfig } from "wrangler";
import { describe, expect, it } from "vitest";

const crons = (env?: string) => (unstable_readConfig({ config: "wrangler.toml", ...(env ? { env } : {}) }) as { triggers?: { crons?: string[] } }).triggers?.crons;

describe("wrangler.toml cron triggers", () => {
  it("the default config and production run the sweeper every minute", () => {
    expect(crons()).toEqual(["* * * * *"]);
    expect(crons("production")).toEqual(["* * * * *"]);
  });
});
