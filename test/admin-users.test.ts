// Console users on the admin plane (contract §16): create, list, delete, and
// their errors, through the Worker's fetch like an operator's client.
import { describe, expect, it } from "vitest";
import { admin, call, createTenant, expectError } from "./helpers/api";

const uniqueEmail = (who: string) => `${who}.${crypto.randomUUID().slice(0, 8)}@banco-exemplo.com.br`;

describe("admin: console users", () => {
  it("creates a user (email lower-cased), lists the tenant's users and deletes one", async () => {
    const tenant = await createTenant();
    const email = uniqueEmail("Ana.Souza");
    const res = await admin("POST", `/tenants/${tenant.id}/users`, { email: email.toUpperCase(), role: "analyst", name: "Ana Souza" });
    expect(res.status).toBe(201);
    const user = await res.json<Record<string, unknown>>();
    expect(user).toEqual({
      id: expect.stringMatching(/^usr_[0-9A-Z]{26}$/),
      object: "console_user",
      tenant_id: tenant.id,
      email: email.toLowerCase(),
      name: "Ana Souza",
      role: "analyst",
      created_at: expect.stringMatching(/Z$/),
    });
    const approver = await (await admin("POST", `/tenants/${tenant.id}/users`, { email: uniqueEmail("bruno"), role: "approver" })).json<{ id: string }>();

    const list = await admin("GET", `/tenants/${tenant.id}/users`);
    expect(list.status).toBe(200);
    const body = await list.json<{ object: string; data: { id: string }[] }>();
    expect(body.object).toBe("list");
    expect(body.data.map((u) => u.id)).toEqual([user.id, approver.id]);

    const del = await admin("DELETE", `/tenants/${tenant.id}/users/${user.id}`);
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ id: user.id, object: "console_user", deleted: true });
    expect((await (await admin("GET", `/tenants/${tenant.id}/users`)).json<{ data: { id: string }[] }>()).data.map((u) => u.id)).toEqual([approver.id]);
    await expectError(await admin("DELETE", `/tenants/${tenant.id}/users/${user.id}`), { status: 404, code: "user_not_found" });
  });

  it("an email belongs to one tenant: a second user with it, in any case, in any tenant → 409", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    const email = uniqueEmail("carla");
    expect((await admin("POST", `/tenants/${a.id}/users`, { email, role: "admin" })).status).toBe(201);
    await expectError(await admin("POST", `/tenants/${a.id}/users`, { email, role: "analyst" }), { status: 409, code: "user_email_taken", type: "invalid_request_error", param: "email" });
    await expectError(await admin("POST", `/tenants/${b.id}/users`, { email: email.toUpperCase(), role: "analyst" }), { status: 409, code: "user_email_taken", type: "invalid_request_error" });
  });

  it("another tenant's user cannot be deleted through this tenant", async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    const user = await (await admin("POST", `/tenants/${a.id}/users`, { email: uniqueEmail("davi"), role: "analyst" })).json<{ id: string }>();
    await expectError(await admin("DELETE", `/tenants/${b.id}/users/${user.id}`), { status: 404, code: "user_not_found" });
    expect((await admin("GET", `/tenants/${a.id}/users`)).status).toBe(200);
  });

  it.each([
    [{ role: "analyst" }, "email"],
    [{ email: "not-an-email", role: "analyst" }, "email"],
    [{ email: "x@example.com", role: "auditor" }, "role"],
    [{ email: "x@example.com", role: "analyst", extra: 1 }, "extra"],
  ])("bad body %j → 400 invalid_request (param %s)", async (body, param) => {
    const tenant = await createTenant();
    await expectError(await admin("POST", `/tenants/${tenant.id}/users`, body), { status: 400, code: "invalid_request", param });
  });

  it("unknown tenant → 404; no admin token → 401", async () => {
    await expectError(await admin("POST", "/tenants/ten_nope/users", { email: uniqueEmail("eva"), role: "analyst" }), { status: 404, code: "tenant_not_found" });
    await expectError(await admin("GET", "/tenants/ten_nope/users"), { status: 404, code: "tenant_not_found" });
    await expectError(await admin("DELETE", "/tenants/ten_nope/users/usr_nope"), { status: 404, code: "tenant_not_found" });
    const tenant = await createTenant();
    await expectError(await call("GET", `/admin/v1/tenants/${tenant.id}/users`), { status: 401, code: "invalid_admin_token" });
    await expectError(await call("POST", `/admin/v1/tenants/${tenant.id}/users`, { body: { email: uniqueEmail("f"), role: "admin" } }), { status: 401, code: "invalid_admin_token" });
  });
});
