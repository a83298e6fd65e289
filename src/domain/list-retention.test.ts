import { describe, expect, it } from "vitest";
import { KEEP_DAYS, KEEP_LAST_VERSIONS, versionsToDelete, type VersionLife } from "./list-retention";

const NOW = new Date("2026-12-01T00:00:00.000Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

/** `n` versions, one a day, the newest serving: version i became current i+1 days before the next. */
function daily(n: number, lastServedDaysAgo = 0): VersionLife[] {
  return Array.from({ length: n }, (_, i) => {
    const age = lastServedDaysAgo + (n - 1 - i);
    return {
      sha256: `v${i}`,
      became_current_at: daysAgo(age),
      superseded_at: i === n - 1 ? null : daysAgo(age - 1),
      retired_at: null,
    };
  });
}

describe("versions kept (contract §17: the last 30, and every version that served in the last 90 days)", () => {
  it("keeps every version that served within 90 days, even past 30 of them", () => {
    const versions = daily(KEEP_DAYS + 10);
    // v0..v7 stopped serving 98..91 days ago; v8, exactly 90 days ago, is still within them; v70..v99 are the last 30.
    expect(versions[8].superseded_at).toBe(daysAgo(KEEP_DAYS));
    expect(versionsToDelete(versions, NOW, null)).toEqual(Array.from({ length: 8 }, (_, i) => `v${i}`));
  });

  it("keeps the last 30 whatever their age; an old version superseded long ago goes", () => {
    const versions = daily(40, 200);
    expect(versionsToDelete(versions, NOW, null)).toEqual(Array.from({ length: 10 }, (_, i) => `v${i}`));
  });

  it("a version that served until 85 days ago stays, though it became current 300 days ago", () => {
    const versions: VersionLife[] = [
      ...Array.from({ length: KEEP_LAST_VERSIONS }, (_, i) => ({ sha256: `new${i}`, became_current_at: daysAgo(84 - i), superseded_at: i === KEEP_LAST_VERSIONS - 1 ? null : daysAgo(83 - i), retired_at: null })),
      { sha256: "long-lived", became_current_at: daysAgo(300), superseded_at: daysAgo(85), retired_at: null },
      { sha256: "older", became_current_at: daysAgo(400), superseded_at: daysAgo(300), retired_at: null },
    ];
    expect(versionsToDelete(versions, NOW, null)).toEqual(["older"]);
  });

  it("the version serving is kept however old; staged leftovers and retired versions go, the refresh running now is left alone", () => {
    const versions: VersionLife[] = [
      { sha256: "serving", became_current_at: daysAgo(1000), superseded_at: null, retired_at: null },
      { sha256: "leftover", became_current_at: null, superseded_at: null, retired_at: null },
      { sha256: "staging", became_current_at: null, superseded_at: null, retired_at: null },
      { sha256: "retired", became_current_at: daysAgo(10), superseded_at: daysAgo(5), retired_at: daysAgo(0) },
    ];
    expect(versionsToDelete(versions, NOW, "staging")).toEqual(["leftover", "retired"]);
  });
});
