// PATCH /admin/v1/tenants/{id}: `credits_delta` adds to the balance atomically,
// so a reservation made between an operator's read and the PATCH is kept;
// `credits` stays an absolute set.
import { describe, expect, it } from "vitest";
import { admin, createKey, createRun, createTenant, expectError, pfBody } from "./helpers/api";

const balance = async (tenantId: string) => ((await (await admin("GET", `/tenants/${tenantId}`)).json()) as { credits: number }).credits;

describe("PATCH tenant credits", () => {
  it("credits_delta keeps a reservation made between the operator's read and the PATCH", async () => {
    const tenant = await createTenant(100);
    const key = await createKey(tenant.id, "live");
    const seen = await balance(tenant.id); // the operator reads 100…
    expect(seen).toBe(100);
    expect((await createRun(key, pfBody())).status).toBe(202); // …a live run reserves 16 meanwhile…
    const res = await admin("PATCH", `/tenants/${tenant.id}`, { credits_delta: 50 }); // …and the operator tops up 50.
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: tenant.id, credits: 100 - 16 + 50 });
    expect(await balance(tenant.id)).toBe(134);
  });

  it("credits is an absolute set (documented as such)", async () => {
    const tenant = await createTenant(100);
    const res = await admin("PATCH", `/tenants/${tenant.id}`, { credits: 7 });
    expect(await res.json()).toMatchObject({ credits: 7 });
  });

  it("a negative credits_delta removes credits, together with a status change", async () => {
    const tenant = await createTenant(100);
    const res = await admin("PATCH", `/tenants/${tenant.id}`, { credits_delta: -40, status: "suspended" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ credits: 60, status: "suspended" });
  });

  it("a credits_delta that would go below zero → 400 credits_below_zero; nothing changes", async () => {
    const tenant = await createTenant(10);
    const err = await expectError(await admin("PATCH", `/tenants/${tenant.id}`, { credits_delta: -11, status: "suspended" }), {
      status: 400,
      code: "credits_below_zero",
      param: "credits_delta",
    });
    expect(err.message).toContain("abaixo de zero");
    expect(await (await admin("GET", `/tenants/${tenant.id}`)).json()).toMatchObject({ credits: 10, status: "active" });
    // Down to exactly zero is fine.
    expect(await (await admin("PATCH", `/tenants/${tenant.id}`, { credits_delta: -10 })).json()).toMatchObject({ credits: 0 });
  });

  it.each([
    ["credits and credits_delta together", { credits: 5, credits_delta: 5 }],
    ["fractional delta", { credits_delta: 1.5 }],
    ["delta as text", { credits_delta: "5" }],
  ])("%s → 400 invalid_request", async (_name, body) => {
    const tenant = await createTenant(10);
    await expectError(await admin("PATCH", `/tenants/${tenant.id}`, body), { status: 400, code: "invalid_request" });
    expect(await balance(tenant.id)).toBe(10);
  });

  it("an unknown tenant → 404 with credits_delta too", async () => {
    await expectError(await admin("PATCH", "/tenants/ten_00000000000000000000000000", { credits_delta: 5 }), { status: 404, code: "tenant_not_found" });
  });
});
