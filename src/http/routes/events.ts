// /api/v1/bureau/events — webhook events: list them (a missed one is found
// again here), read one with its delivery log, re-send it.
import { z } from "zod";
import { servicesFor } from "../../runs/service";
import { listEvents } from "../../webhooks/event-views";
import { getEvent, redeliverEvent } from "../../webhooks/events";
import { sessionOptions } from "../middleware/d1-session";
import { defineRoute, ok, route, router } from "../openapi/route";
import { EventList, EventObject, EventRedelivery, ListEventsQuerySchema } from "../schemas/events";
import { listQueryErrorCode } from "../schemas/runs";

const EventIdParams = z.object({ id: z.string().meta({ description: "The event id (`evt_…`)." }) });

const list = defineRoute(
  route({
    method: "get",
    path: "/events",
    operationId: "listEvents",
    tag: "Events",
    summary: "List webhook events",
    description:
      "The events of your key's environment (runs and review cases), newest first (`created` desc, then id desc), each as it was delivered with its delivery summary: find a webhook your endpoint missed, then re-send it. Events are kept whether or not an endpoint received them.",
    auth: "api_key",
    scope: "runs:read",
    request: { query: ListEventsQuerySchema },
    responses: { 200: ok("A page of events.", EventList) },
    errors: ["invalid_limit", "invalid_timestamp", "invalid_cursor", "unknown_parameter", "invalid_request"],
  }),
  async (c) => {
    const s = servicesFor(c.env, c.get("auth"), sessionOptions(c));
    return c.json(await listEvents(s.db, c.env.SERVER_SECRET, s.auth, c.req.valid("query")), 200);
  },
  listQueryErrorCode,
);

const get = defineRoute(
  route({
    method: "get",
    path: "/events/{id}",
    operationId: "getEvent",
    tag: "Events",
    summary: "Retrieve a webhook event and its delivery log",
    description: "Another tenant's or environment's event is indistinguishable from an unknown one.",
    auth: "api_key",
    scope: "runs:read",
    request: { params: EventIdParams },
    responses: { 200: ok("The event as sent, its targets and every delivery attempt.", EventObject) },
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
    responses: { 202: ok("Queued.", EventRedelivery) },
    errors: ["event_not_found"],
  }),
  async (c) => c.json(await redeliverEvent(c.env, c.get("auth"), c.req.valid("param").id), 202),
);

export const eventsRoutes = router([list, get, redeliver]);
