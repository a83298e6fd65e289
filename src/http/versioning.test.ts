import { afterEach, describe, expect, it } from "vitest";
import {
  currentApiVersion,
  needsTransform,
  registerApiVersionForTest,
  resolveApiVersion,
  shapeForVersion,
  supportedApiVersions,
} from "./versioning";

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((f) => f());
  cleanup = [];
});

describe("API versions", () => {
  it("2026-11-01 is the current and only version, with no transforms", () => {
    expect(currentApiVersion()).toBe("2026-11-01");
    expect(supportedApiVersions().map((v) => v.version)).toEqual(["2026-11-01"]);
    expect(needsTransform("2026-11-01")).toBe(false);
  });

  it("resolves missing → current, known → itself, anything else → null", () => {
    expect(resolveApiVersion(undefined)).toBe("2026-11-01");
    expect(resolveApiVersion(null)).toBe("2026-11-01");
    expect(resolveApiVersion("2026-11-01")).toBe("2026-11-01");
    expect(resolveApiVersion(" 2026-11-01 ")).toBe("2026-11-01");
    for (const bad of ["", "2026-10-31", "2026-11-1", "latest", "2026-11-01T00:00:00Z", "v1"]) expect(resolveApiVersion(bad), bad).toBeNull();
  });

  it("applies newer versions' transforms newest first, down to the pinned version, into lists, events and errors", () => {
    const seen: string[] = [];
    cleanup.push(
      registerApiVersionForTest({
        version: "2099-01-01",
        changes: "renames b → c",
        transforms: {
          bureau_run: ({ c, ...rest }) => (seen.push("2099"), { ...rest, b: c }),
          error: (body) => ({ error: { ...(body.error as object), legacy: true } }),
        },
      }),
      registerApiVersionForTest({
        version: "2098-01-01",
        changes: "renames a → b",
        transforms: { bureau_run: ({ b, ...rest }) => (seen.push("2098"), { ...rest, a: b }) },
      }),
    );
    expect(currentApiVersion()).toBe("2099-01-01");
    const run = { object: "bureau_run", id: "run_1", c: 1 };
    expect(shapeForVersion(run, "2099-01-01")).toEqual(run);
    expect(shapeForVersion(run, "2098-01-01")).toEqual({ object: "bureau_run", id: "run_1", b: 1 });
    seen.length = 0;
    expect(shapeForVersion(run, "2026-11-01")).toEqual({ object: "bureau_run", id: "run_1", a: 1 });
    expect(seen).toEqual(["2099", "2098"]);
    expect(shapeForVersion({ object: "list", data: [run, run], has_more: false }, "2098-01-01")).toEqual({
      object: "list",
      data: [
        { object: "bureau_run", id: "run_1", b: 1 },
        { object: "bureau_run", id: "run_1", b: 1 },
      ],
      has_more: false,
    });
    expect(shapeForVersion({ object: "event", data: { object: run } }, "2098-01-01")).toEqual({
      object: "event",
      data: { object: { object: "bureau_run", id: "run_1", b: 1 } },
    });
    expect(shapeForVersion({ error: { code: "x" } }, "2026-11-01")).toEqual({ error: { code: "x", legacy: true } });
    expect(shapeForVersion({ object: "bureau_report", c: 1 }, "2026-11-01")).toEqual({ object: "bureau_report", c: 1 });
    expect(run).toEqual({ object: "bureau_run", id: "run_1", c: 1 }); // not mutated
  });
});
