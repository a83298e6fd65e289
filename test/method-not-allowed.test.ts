// A known path called with another method answers 405 method_not_allowed with
// `Allow` naming the methods the path serves; an unknown path stays 404.
import { describe, expect, it } from "vitest";
import { admin, call, expectError, sandboxTenant } from "./helpers/api";

describe("405 method_not_allowed", () => {
  const cases: { method: string; path: string; allow: string }[] = [
    { method: "DELETE", path: "/api/v1/bureau/runs", allow: "GET, POST" },
    { method: "PUT", path: "/api/v1/bureau/runs/run_01ABCDEF", allow: "GET" },
    { method: "GET", path: "/api/v1/bureau/runs/run_01ABCDEF/cancel", allow: "POST" },
    { method: "PATCH", path: "/api/v1/bureau/runs/run_01ABCDEF/report", allow: "GET, POST" },
  ];
  for (const c of cases) {
    it(`${c.method} ${c.path} → 405, Allow: ${c.allow}`, async () => {
      const { key } = await sandboxTenant();
      const res = await call(c.method, c.path, { key });
      expect(res.headers.get("allow")).toBe(c.allow);
      const err = await expectError(res, { status: 405, code: "method_not_allowed", type: "invalid_request_error", param: null });
      expect(err.message).toBe(`Método ${c.method} não permitido nesta rota (use: ${c.allow}).`);
    });
  }

  it("on the admin plane too (with the admin token)", async () => {
    const res = await admin("PUT", "/tenants");
    expect(res.headers.get("allow")).toBe("POST");
    await expectError(res, { status: 405, code: "method_not_allowed", type: "invalid_request_error" });
  });

  it("on a public route: POST /health → 405, Allow: GET", async () => {
    const res = await call("POST", "/health");
    expect(res.headers.get("allow")).toBe("GET");
    await expectError(res, { status: 405, code: "method_not_allowed", type: "invalid_request_error" });
  });

  it("an unknown path is still 404 route_not_found, whatever the method", async () => {
    const { key } = await sandboxTenant();
    for (const method of ["GET", "DELETE"]) {
      const res = await call(method, "/api/v1/bureau/nothing-here", { key });
      expect(res.headers.get("allow")).toBeNull();
      await expectError(res, { status: 404, code: "route_not_found" });
    }
  });

  it("the key is still checked first: a wrong method without a key is 401", async () => {
    await expectError(await call("DELETE", "/api/v1/bureau/runs"), { status: 401, code: "missing_api_key" });
  });
});
