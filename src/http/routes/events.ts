// /api/v1/bureau/events — webhook events: read one with its delivery log, re-send it.
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { getEvent, redeliverEvent } from "../../webhooks/events";
import { requireScope } from "../middleware/auth";

export const eventsRoutes = new Hono<AppEnv>();

eventsRoutes.get("/events/:id", requireScope("runs:read"), async (c) =>
  c.json(await getEvent(c.env, c.get("auth"), c.req.param("id"))),
);

eventsRoutes.post("/events/:id/redeliver", requireScope("runs:write"), async (c) =>
  c.json(await redeliverEvent(c.env, c.get("auth"), c.req.param("id")), 202),
);
