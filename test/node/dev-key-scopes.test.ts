// The sandbox key `npm run dev` prints (scripts/dev.mjs) holds every scope
// the API has, so the README's walk-throughs (cases, screening, webhook
// endpoints…) work with it as printed.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SCOPES } from "../../src/lib/api-keys";

describe("npm run dev's sandbox key", () => {
  it("is created with every scope", () => {
    const script = readFileSync(new URL("../../scripts/dev.mjs", import.meta.url), "utf8");
    const m = /'Dev sandbox key', 'test', '(\[[^\]]*\])'/.exec(script);
    expect(m, "the key's INSERT in scripts/dev.mjs").not.toBeNull();
    expect((JSON.parse(m![1]) as string[]).sort()).toEqual([...SCOPES].sort());
  });
});
