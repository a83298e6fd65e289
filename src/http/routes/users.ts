// /admin/v1/tenants/{id}/users — console users (contract §16), on the admin plane (ADMIN_TOKEN).
import { Hono } from "hono";
import { createUser, deleteUser, listUsers } from "../../admin/users";
import { createDb } from "../../db/client";
import type { AppEnv } from "../../env";
import { adminAuth } from "../middleware/auth";
import { CreateUserSchema } from "../schemas/users";
import { jsonBody, validate } from "../validate";

export const adminUserRoutes = new Hono<AppEnv>();

adminUserRoutes.use("/tenants/:id/users", adminAuth);
adminUserRoutes.use("/tenants/:id/users/*", adminAuth);

adminUserRoutes.post("/tenants/:id/users", jsonBody, validate("json", CreateUserSchema), async (c) =>
  c.json(await createUser(createDb(c.env.DB), c.req.param("id"), c.req.valid("json"), new Date()), 201),
);

adminUserRoutes.get("/tenants/:id/users", async (c) => c.json(await listUsers(createDb(c.env.DB), c.req.param("id"))));

adminUserRoutes.delete("/tenants/:id/users/:user_id", async (c) =>
  c.json(await deleteUser(createDb(c.env.DB), c.req.param("id"), c.req.param("user_id"))),
);
