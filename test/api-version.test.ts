// X-Kycert-Api-Version (contract §10, issue 5): missing → current, unknown or
// malformed → 400 unknown_api_version, every /api/v1 response echoes the
// version used, and a future version reshapes responses without touching handlers.
import { describe, expect, it } from "vitest";
import { registerApiVersionForTest } from "../src/http/versioning";
import { admin, call, createAndFinish, expectError, pfBody, sandboxTenant } from "./helpers/api";

const H = "X-Kycert-Api-Version";
const CURRENT = "2026-11-01";

describe("API versions", () => {
  it("missing → current version, echoed", async () => {
    const { key } = await sandboxTenant();
    const res = await call("GET", "/api/v1/bureau/runs", { key });
    expect(res.status).toBe(200);
    expect(res.headers.get(H)).toBe(CURRENT);
  });

  it("a known version is used and echoed", async () => {
    const { key } = await sandboxTenant();
    const res = await call("GET", "/api/v1/bureau/runs", { key, headers: { [H]: CURRENT } });
    expect(res.status).toBe(200);
    expect(res.headers.get(H)).toBe(CURRENT);
  });

  it.each(["2026-10-31", "2099-01-01", "latest", "2026-11-1", "", "2026-11-01,2026-11-01"])("unknown or malformed %j → 400 unknown_api_version", async (v) => {
    const { key } = await sandboxTenant();
    const res = await call("GET", "/api/v1/bureau/runs", { key, headers: { [H]: v } });
    expect(res.headers.get(H)).toBeNull(); // no version was used
    const e = await expectError(res, { status: 400, code: "unknown_api_version", param: H });
    expect(e.message).toContain(CURRENT);
  });

  it("is checked before the API key: a bad version is reported even without a key", async () => {
    await expectError(await call("GET", "/api/v1/bureau/runs", { headers: { [H]: "1999-01-01" } }), {
      status: 400,
      code: "unknown_api_version",
    });
  });

  it("error responses echo the version too (401, 404, 400 from a handler, unknown route)", async () => {
    const { key } = await sandboxTenant();
    const headers = { [H]: CURRENT };
    const responses = [
      await call("GET", "/api/v1/bureau/runs", { headers }),
      await call("GET", "/api/v1/bureau/runs/run_nope", { key, headers }),
      await call("GET", "/api/v1/bureau/runs?limit=500", { key, headers }),
      await call("GET", "/api/v1/nowhere", { key, headers }),
    ];
    expect(responses.map((r) => r.status)).toEqual([401, 404, 400, 404]);
    for (const r of responses) expect(r.headers.get(H)).toBe(CURRENT);
  });

  it("the admin plane is not versioned", async () => {
    const res = await admin("GET", "/templates");
    expect(res.status).toBe(200);
    expect(res.headers.get(H)).toBeNull();
  });

  it("a future version changes response shapes through its transforms, handlers untouched", async () => {
    const { key } = await sandboxTenant();
    const run = await createAndFinish(key, pfBody());
    // Pretend the handlers now build the 2099 shape; 2099's transforms turn it
    // back into the 2026-11-01 shape (here: an extra field, a renamed error code field).
    const unregister = registerApiVersionForTest({
      version: "2099-01-01",
      changes: "test: old clients see `legacy_decision` and `error.legacy_code`",
      transforms: {
        bureau_run: (b) => ("decision" in b ? { ...b, legacy_decision: b.decision } : b),
        error: (b) => ({ error: { ...(b.error as Record<string, unknown>), legacy_code: (b.error as { code: string }).code } }),
      },
    });
    try {
      const latest = await call("GET", `/api/v1/bureau/runs/${run.id}`, { key });
      expect(latest.headers.get(H)).toBe("2099-01-01"); // missing → the new current
      expect(await latest.json()).toEqual(run);

      const pinned = await call("GET", `/api/v1/bureau/runs/${run.id}`, { key, headers: { [H]: CURRENT } });
      expect(pinned.status).toBe(200);
      expect(pinned.headers.get(H)).toBe(CURRENT);
      expect(pinned.headers.get("x-ratelimit-limit")).not.toBeNull(); // other headers survive the reshaping
      expect(pinned.headers.get("x-request-id")).toMatch(/^req_/);
      expect(await pinned.json()).toEqual({ ...run, legacy_decision: run.decision });

      const list = await (await call("GET", "/api/v1/bureau/runs", { key, headers: { [H]: CURRENT } })).json<any>();
      expect(list.data[0].legacy_decision).toBe(run.decision);

      const missing = await call("GET", "/api/v1/bureau/runs/run_nope", { key, headers: { [H]: CURRENT } });
      expect(missing.status).toBe(404);
      expect((await missing.json<any>()).error).toMatchObject({ code: "run_not_found", legacy_code: "run_not_found" });
    } finally {
      unregister();
    }
    const after = await call("GET", `/api/v1/bureau/runs/${run.id}`, { key });
    expect(after.headers.get(H)).toBe(CURRENT);
  });
});
