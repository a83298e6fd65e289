// Admin plane for the screening lists (contract §14): GET /admin/v1/lists,
// GET /admin/v1/lists/{id}, POST /admin/v1/lists/{id}/refresh — shapes,
// status semantics, the same refresh while one runs, 404 and 401.
import { beforeEach, describe, expect, it } from "vitest";
import { LIST_IDS } from "../src/screening/types";
import { admin, call, expectError } from "./helpers/api";
import { driveToIdle, officialUrls, serveLists, useTestLimits } from "./helpers/lists";

const KEYS = ["id", "name", "status", "source_url", "version", "loading_since", "last_error"];

beforeEach(() => useTestLimits());

describe("GET /admin/v1/lists", () => {
  it("lists every list, in the contract's order, empty before any load", async () => {
    const res = await admin("GET", "/lists");
    expect(res.status).toBe(200);
    const body = await res.json<{ object: string; data: Record<string, unknown>[] }>();
    expect(Object.keys(body)).toEqual(["object", "data"]);
    expect(body.object).toBe("list");
    expect(body.data.map((l) => l.id)).toEqual([...LIST_IDS]);
    for (const l of body.data) expect(Object.keys(l)).toEqual(KEYS);
    expect(body.data.find((l) => l.id === "un_sc")).toEqual({
      id: "un_sc",
      name: "UN Security Council Consolidated List",
      status: "empty",
      source_url: "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
      version: null,
      loading_since: null,
      last_error: null,
    });
    expect(body.data.find((l) => l.id === "ofac_sdn")!.source_url).toBe("https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/");
  });
});

describe("POST /admin/v1/lists/{id}/refresh", () => {
  it("first load: 202 loading, the same refresh while it runs, then ready with its version", async () => {
    serveLists(officialUrls("un_sc"));
    const first = await admin("POST", "/lists/un_sc/refresh");
    expect(first.status).toBe(202);
    const started = await first.json<Record<string, any>>();
    expect(started).toMatchObject({ id: "un_sc", status: "loading", version: null, last_error: null });
    expect(Date.parse(started.loading_since)).not.toBeNaN();

    const again = await admin("POST", "/lists/un_sc/refresh");
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(started);
    expect(await (await admin("GET", "/lists/un_sc")).json()).toEqual(started);

    await driveToIdle("un_sc");
    const ready = await (await admin("GET", "/lists/un_sc")).json<Record<string, any>>();
    expect(ready.status).toBe("ready");
    expect(ready.loading_since).toBeNull();
    expect(ready.last_error).toBeNull();
    expect(Object.keys(ready.version)).toEqual(["sha256", "fetched_at", "entities", "names"]);
    expect(ready.version.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ready.version.entities).toBe(1003); // 730 individuals + 273 entities
    expect(ready.version.names).toBeGreaterThan(ready.version.entities);
  });

  it("a ready list stays ready while a refresh of it runs (loading_since set)", async () => {
    serveLists(officialUrls("un_sc"));
    const res = await admin("POST", "/lists/un_sc/refresh");
    expect(res.status).toBe(202);
    const body = await res.json<Record<string, any>>();
    expect(body.status).toBe("ready");
    expect(body.version).not.toBeNull();
    expect(body.loading_since).not.toBeNull();
    await driveToIdle("un_sc");
    expect((await (await admin("GET", "/lists/un_sc")).json<Record<string, any>>()).loading_since).toBeNull();
  });

  it("a failed first load: status error with last_error, no version", async () => {
    serveLists(new Map([["https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw", 503]]));
    expect((await admin("POST", "/lists/eu_fsf/refresh")).status).toBe(202);
    await driveToIdle("eu_fsf");
    const view = await (await admin("GET", "/lists/eu_fsf")).json<Record<string, any>>();
    expect(view.status).toBe("error");
    expect(view.version).toBeNull();
    expect(view.loading_since).toBeNull();
    expect(view.last_error.message).toBe(
      "HTTP 503 ao baixar https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
    );
    expect(Date.parse(view.last_error.at)).not.toBeNaN();
  });
});

describe("errors", () => {
  it("an unknown list id is 404 list_not_found on GET and POST", async () => {
    for (const [method, path] of [
      ["GET", "/lists/ofac"],
      ["POST", "/lists/ofac/refresh"],
      ["GET", "/lists/OFAC_SDN"],
      ["POST", "/lists/constructor/refresh"],
    ] as const) {
      const e = await expectError(await admin(method, path), { status: 404, code: "list_not_found" });
      expect(e.message).toBe("Lista de triagem não encontrada.");
    }
  });

  it("every lists endpoint needs the admin token: 401 invalid_admin_token", async () => {
    for (const [method, path] of [
      ["GET", "/admin/v1/lists"],
      ["GET", "/admin/v1/lists/un_sc"],
      ["POST", "/admin/v1/lists/un_sc/refresh"],
      ["POST", "/admin/v1/lists/nope/refresh"],
    ] as const) {
      await expectError(await call(method, path), { status: 401, code: "invalid_admin_token" });
      await expectError(await call(method, path, { headers: { Authorization: "Bearer wrong-token" } }), { status: 401, code: "invalid_admin_token" });
    }
  });
});
