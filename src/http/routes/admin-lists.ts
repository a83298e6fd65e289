// /admin/v1/lists — the screening lists (contract §14), on the admin plane (ADMIN_TOKEN).
import { z } from "zod";
import { DomainError } from "../../domain/errors";
import { isListId, listViewOf, listViews, requestRefresh } from "../../screening/ingest";
import type { ListId } from "../../screening/types";
import { LIST_IDS } from "../../screening/types";
import { defineRoute, ok, route, router } from "../openapi/route";
import { ScreeningList, ScreeningListCollection } from "../schemas/lists";
import { adminCommon } from "./admin";

// Any text: an unknown id is a 404 list_not_found, not a validation error.
const ListIdParams = z.object({ id: z.string().meta({ description: `The list id: ${LIST_IDS.join(", ")}.` }) });

const listIdParam = (raw: string): ListId => {
  if (!isListId(raw)) throw new DomainError("list_not_found");
  return raw;
};

const list = defineRoute(
  route({
    ...adminCommon,
    method: "get",
    path: "/lists",
    operationId: "adminListScreeningLists",
    summary: "Screening lists and their versions",
    description: "Every official list the service screens against: where it comes from, the version serving, a refresh running, the last failure.",
    responses: { 200: ok("Every list.", ScreeningListCollection) },
    errors: [],
  }),
  async (c) => c.json({ object: "list" as const, data: await listViews(c.env) }, 200),
);

const get = defineRoute(
  route({
    ...adminCommon,
    method: "get",
    path: "/lists/{id}",
    operationId: "adminGetScreeningList",
    summary: "One screening list",
    request: { params: ListIdParams },
    responses: { 200: ok("The list.", ScreeningList) },
    errors: ["list_not_found"],
  }),
  async (c) => c.json(await listViewOf(c.env, listIdParam(c.req.valid("param").id)), 200),
);

const refresh = defineRoute(
  route({
    ...adminCommon,
    method: "post",
    path: "/lists/{id}/refresh",
    operationId: "adminRefreshScreeningList",
    summary: "Refresh a screening list now",
    description:
      "Starts a refresh (Cron Triggers also run them on each list's cadence): the file is downloaded, and if its bytes differ from the version serving, parsed and staged in steps, then made current all at once. Until then the previous version keeps serving. A refresh that fails (network, HTTP status, parse error, no entities, or fewer than half the current version's entities) keeps the previous version and records `last_error`. A refresh already running answers 202 with that same refresh.",
    request: { params: ListIdParams },
    responses: { 202: ok("The refresh is running (`loading_since` set).", ScreeningList) },
    errors: ["list_not_found"],
  }),
  async (c) => c.json(await requestRefresh(c.env, listIdParam(c.req.valid("param").id), new Date()), 202),
);

export const adminListRoutes = router([list, get, refresh]);
