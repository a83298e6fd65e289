// The sandbox key `npm run dev` prints (scripts/dev.mjs) holds every scope
// the API has, so the README's walk-throughs (cases, screening, webhook
// endpoints…) work with it as printed.
import { describe, expect, it } from "vitest";
import { SCOPES } from "../../src/lib/api-keys";

// The project's tsconfig types workerd, not Node: node:fs is imported by name (as test/node/screening-lists.test.ts does).
const fsModule = "node:fs";
const fs = (await import(fsModule)) as { readFileSync(file: URL, encoding: "utf8"): string };

describe("npm run dev's sandbox key", () => {
  it("is created with every scope", () => {
    const script = fs.readFileSync(new URL("../../scripts/dev.mjs", (import.meta as unknown as { url: string }).url), "utf8");
    const m = /'Dev sandbox key', 'test', '(\[[^\]]*\])'/.exec(script);
    expect(m, "the key's INSERT in scripts/dev.mjs").not.toBeNull();
    expect((JSON.parse(m![1]) as string[]).sort()).toEqual([...SCOPES].sort());
  });
});
