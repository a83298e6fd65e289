// /admin/v1/lists — the screening lists (contract §14), on the admin plane (ADMIN_TOKEN).
import { Hono } from "hono";
import { DomainError } from "../../domain/errors";
import type { AppEnv } from "../../env";
import { isListId, listViewOf, listViews, requestRefresh } from "../../screening/ingest";
import type { ListId } from "../../screening/types";
import { adminAuth } from "../middleware/auth";

export const adminListRoutes = new Hono<AppEnv>();

adminListRoutes.use("/lists", adminAuth);
adminListRoutes.use("/lists/*", adminAuth);

const listIdParam = (raw: string): ListId => {
  if (!isListId(raw)) throw new DomainError("list_not_found");
  return raw;
};

adminListRoutes.get("/lists", async (c) => c.json({ object: "list" as const, data: await listViews(c.env) }));

adminListRoutes.get("/lists/:id", async (c) => c.json(await listViewOf(c.env, listIdParam(c.req.param("id")))));

adminListRoutes.post("/lists/:id/refresh", async (c) => c.json(await requestRefresh(c.env, listIdParam(c.req.param("id")), new Date()), 202));
