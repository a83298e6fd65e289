// The project's own docs stand alone: README.md and docs/ send no reader
// outside the repository and cite no contract section, and docs/sandbox.md
// lists every sandbox test document with the outcome the sandbox gives (the
// table test/sandbox-fixtures.test.ts checks against real runs).
import { describe, expect, it } from "vitest";
import { SANDBOX_DOCUMENTS } from "../../src/sources/sandbox-catalog";

// The project's tsconfig types workerd, not Node: node:fs is imported by name (as test/node/screening-lists.test.ts does).
const fsModule = "node:fs";
const fs = (await import(fsModule)) as { readFileSync(file: URL, encoding: "utf8"): string; readdirSync(dir: URL): string[] };
const root = new URL("../../", (import.meta as unknown as { url: string }).url);
const read = (path: string) => fs.readFileSync(new URL(path, root), "utf8");
const docs = ["README.md", ...fs.readdirSync(new URL("docs/", root)).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

describe("the project's docs", () => {
  it.each(docs)("%s sends nobody outside the repository and cites no contract section", (path) => {
    const text = read(path);
    expect(text).not.toMatch(/\.\.\/shared/);
    expect(text).not.toMatch(/§\s*\d/);
  });

  it("docs/sandbox.md lists every test document with its status, decisions and band", () => {
    const rows = read("docs/sandbox.md").split("\n");
    for (const d of SANDBOX_DOCUMENTS) {
      const row = rows.find((l) => l.includes(`\`${d.document}\``));
      expect(row, d.document).toBeDefined();
      const cells = row!.split("|").map((c) => c.trim().replace(/`/g, ""));
      expect(cells.slice(2, 6), d.document).toEqual([d.status, d.decision ?? "null", d.operative_decision ?? "null", d.risk_band ?? "null"]);
    }
  });

  it("the README links the integrator's guide and the sandbox page, which exist", () => {
    const readme = read("README.md");
    for (const link of ["docs/api.md", "docs/sandbox.md"]) {
      expect(readme).toContain(`](${link})`);
      expect(read(link).length).toBeGreaterThan(1000);
    }
  });
});
