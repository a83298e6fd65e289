// The sweeper's Cron Trigger (src/runs/sweeper.ts SWEEP_CRON) must be on the
// default config and on production: named environments do not inherit what
// they redefine, and a Worker without the trigger strands runs silently.
import { unstable_readConfig } from "wrangler";
import { describe, expect, it } from "vitest";
import { AUDIT_ANCHOR_CRON } from "../../src/cases/anchors";
import { CRON_BY_REFRESH_HOURS, LIST_CRONS } from "../../src/screening/ingest";
import { LISTS } from "../../src/screening/lists";
import { LIST_IDS } from "../../src/screening/types";

const crons = (env?: string) => (unstable_readConfig({ config: "wrangler.toml", ...(env ? { env } : {}) }) as { triggers?: { crons?: string[] } }).triggers?.crons;

describe("wrangler.toml cron triggers", () => {
  it("the default config and production run the sweeper every minute, the list refreshes, and the daily audit anchor", () => {
    expect(crons()).toEqual(["* * * * *", ...Object.keys(LIST_CRONS), AUDIT_ANCHOR_CRON]);
    expect(crons("production")).toEqual(crons());
  });

  it("every screening list is refreshed by one of the list crons, at its refresh interval", () => {
    for (const id of LIST_IDS) {
      const cron = CRON_BY_REFRESH_HOURS[LISTS[id].refresh_hours];
      expect(cron, `${id}: no cron for refresh_hours ${LISTS[id].refresh_hours}`).toBeDefined();
      expect(LIST_CRONS[cron]).toContain(id);
    }
    expect(Object.values(LIST_CRONS).flat().sort()).toEqual([...LIST_IDS].sort());
  });

  it("the UN list is polled every 15 minutes (contract §17 Timeliness), by its own cron", () => {
    expect(LIST_CRONS["*/15 * * * *"]).toEqual(["un_sc"]);
    expect(crons()).toContain("*/15 * * * *");
    expect(crons("production")).toContain("*/15 * * * *");
  });
});
