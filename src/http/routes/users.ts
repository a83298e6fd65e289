// /admin/v1/tenants/{id}/users — console users (contract §16), on the admin plane (ADMIN_TOKEN).
import { z } from "zod";
import { createUser, deleteUser, listUsers } from "../../admin/users";
import { createDb } from "../../db/client";
import { defineRoute, jsonRequest, ok, route, router } from "../openapi/route";
import { ConsoleUser, ConsoleUserDeleted, ConsoleUserList, CreateUserSchema } from "../schemas/users";
import { adminCommon, TenantIdParams } from "./admin";

const create = defineRoute(
  route({
    ...adminCommon,
    method: "post",
    path: "/tenants/{id}/users",
    operationId: "adminCreateUser",
    summary: "Create a console user",
    description:
      "A person who signs in to the analyst console (`/console`). In production the console sits behind Cloudflare Access: the email Access asserts must be a user here (compared case-insensitively), or the console answers 403. An email belongs to one tenant.",
    request: { params: TenantIdParams, body: jsonRequest(CreateUserSchema, { email: "ana.souza@banco-exemplo.com.br", role: "analyst", name: "Ana Souza" }) },
    responses: { 201: ok("Created.", ConsoleUser) },
    errors: ["tenant_not_found", "user_email_taken", "invalid_request"],
  }),
  async (c) => c.json(await createUser(createDb(c.env.DB), c.req.valid("param").id, c.req.valid("json"), new Date()), 201),
);

const list = defineRoute(
  route({
    ...adminCommon,
    method: "get",
    path: "/tenants/{id}/users",
    operationId: "adminListUsers",
    summary: "List a tenant's console users",
    request: { params: TenantIdParams },
    responses: { 200: ok("The users, oldest first.", ConsoleUserList) },
    errors: ["tenant_not_found"],
  }),
  async (c) => c.json(await listUsers(createDb(c.env.DB), c.req.valid("param").id), 200),
);

const remove = defineRoute(
  route({
    ...adminCommon,
    method: "delete",
    path: "/tenants/{id}/users/{user_id}",
    operationId: "adminDeleteUser",
    summary: "Delete a console user",
    description: "Access ends at once: the console reads the user on every request, so an open session stops working.",
    request: { params: TenantIdParams.extend({ user_id: z.string().meta({ description: "The user id (`usr_…`)." }) }) },
    responses: { 200: ok("Deleted.", ConsoleUserDeleted) },
    errors: ["tenant_not_found", "user_not_found"],
  }),
  async (c) => {
    const p = c.req.valid("param");
    return c.json(await deleteUser(createDb(c.env.DB), p.id, p.user_id), 200);
  },
);

export const adminUserRoutes = router([create, list, remove]);
