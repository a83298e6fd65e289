// /api/v1/bureau/events — webhook events: read one with its delivery log, re-send it.
import { z } from "zod";
import { getEvent, redeliverEvent } from "../../webhooks/events";
import { defineRoute, ok, route, router } from "../openapi/route";
import * as R from "../schemas/responses";

const EventIdParams = z.object({ id: z.string().meta({ description: "The event id (`evt_…`)." }) });

const get = defineRoute(
  route({
    method: "get",
    path: "/events/{id}",
    operationId: "getEvent",
    tag: "Events",
    summary: "Retrieve a webhook event and its delivery log",
    auth: "api_key",
    scope: "runs:read",
    request: { params: EventIdParams },
    responses: { 200: ok("The event as sent, its targets and every delivery attempt.", R.EventObject) },
    errors: ["event_not_found"],
  }),
  async (c) => c.json(await getEvent(c.env, c.get("auth"), c.req.valid("param").id), 200),
);

const redeliver = defineRoute(
  route({
    method: "post",
    path: "/events/{id}/redeliver",
    operationId: "redeliverEvent",
    tag: "Events",
    summary: "Re-send a webhook event",
    description: "One extra attempt to each target still active, with the same event id and body.",
    auth: "api_key",
    scope: "runs:write",
    request: { params: EventIdParams },
    responses: { 202: ok("Queued.", R.EventRedelivery) },
    errors: ["event_not_found"],
  }),
  async (c) => c.json(await redeliverEvent(c.env, c.get("auth"), c.req.valid("param").id), 202),
);

export const eventsRoutes = router([get, redeliver]);
