// /admin/v1/lists — the screening lists (contract §14), on the admin plane (ADMIN_TOKEN).
import { z } from "zod";
import { DomainError } from "../../domain/errors";
import { isListId, listViewOf, listViews, requestRefresh } from "../../screening/ingest";
import type { ListId } from "../../screening/types";
import { LIST_IDS } from "../../screening/types";
import { defineRoute, ok, route, router } from "../openapi/route";
import { keptVersions } from "../../screening/versions";
import { ScreeningList, ScreeningListCollection, ScreeningListVersionCollection } from "../schemas/lists";
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

const EXAMPLE_SHA = (c: string) => c.repeat(64);

const versions = defineRoute(
  route({
    ...adminCommon,
    method: "get",
    path: "/lists/{id}/versions",
    operationId: "adminListScreeningListVersions",
    summary: "The versions of a screening list kept, with their deltas",
    description:
      "Every version of the list still kept — at least the last 30, and every version that served in the last 90 days — newest first, each with its delta against the version it replaced: `added` (entities it has and the previous version did not, by the list's own id), `modified` (the entity's record changed) and `removed`. A search pins one of them with `versions` to replay what was screened then. A file that lists exactly the serving version's entities (another order, another date in it) makes no new version.",
    request: { params: ListIdParams },
    responses: {
      200: ok("The versions kept, newest first.", ScreeningListVersionCollection, [], {
        object: "list",
        list: "un_sc",
        data: [
          {
            sha256: EXAMPLE_SHA("b"),
            fetched_at: "2026-12-01T14:15:02.000Z",
            published_at: "2026-12-01T14:00:01-05:00",
            became_current_at: "2026-12-01T14:15:09.000Z",
            superseded_at: null,
            current: true,
            entities: 1005,
            names: 4051,
            previous_sha256: EXAMPLE_SHA("a"),
            added: 2,
            modified: 1,
            removed: 0,
          },
          {
            sha256: EXAMPLE_SHA("a"),
            fetched_at: "2026-11-27T08:15:01.000Z",
            published_at: "2026-11-27T08:00:12-05:00",
            became_current_at: "2026-11-27T08:15:06.000Z",
            superseded_at: "2026-12-01T14:15:09.000Z",
            current: false,
            entities: 1003,
            names: 4043,
            previous_sha256: null,
            added: 1003,
            modified: 0,
            removed: 0,
          },
        ],
      }),
    },
    errors: ["list_not_found"],
  }),
  async (c) => {
    const id = listIdParam(c.req.valid("param").id);
    return c.json({ object: "list" as const, list: id, data: await keptVersions(c.env.DB, id) }, 200);
  },
);

export const adminListRoutes = router([list, get, refresh, versions]);
