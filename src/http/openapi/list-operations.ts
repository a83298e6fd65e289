// The screening-list operations of the admin plane (contract §14), spread into
// OPERATIONS (operations.ts) like every other route.
import { ScreeningList, ScreeningListCollection } from "../schemas/lists";
import type { OperationSpec, ParameterSpec } from "./operations";

const listId: ParameterSpec = {
  name: "id",
  in: "path",
  required: true,
  description: "The list id: ofac_sdn, ofac_cons, un_sc, eu_fsf, uk_fcdo, cgu_ceis, cgu_cnep, cgu_pep, mte_empregadores.",
};

export const LIST_OPERATIONS: OperationSpec[] = [
  {
    method: "get",
    path: "/admin/v1/lists",
    operationId: "adminListScreeningLists",
    tag: "Admin",
    summary: "Screening lists and their versions",
    description: "Every official list the service screens against: where it comes from, the version serving, a refresh running, the last failure.",
    security: "admin",
    responses: { 200: { description: "Every list.", schema: ScreeningListCollection } },
    errors: [],
  },
  {
    method: "get",
    path: "/admin/v1/lists/{id}",
    operationId: "adminGetScreeningList",
    tag: "Admin",
    summary: "One screening list",
    security: "admin",
    parameters: [listId],
    responses: { 200: { description: "The list.", schema: ScreeningList } },
    errors: ["list_not_found"],
  },
  {
    method: "post",
    path: "/admin/v1/lists/{id}/refresh",
    operationId: "adminRefreshScreeningList",
    tag: "Admin",
    summary: "Refresh a screening list now",
    description:
      "Starts a refresh (Cron Triggers also run them on each list's cadence): the file is downloaded, and if its bytes differ from the version serving, parsed and staged in steps, then made current all at once. Until then the previous version keeps serving. A refresh that fails (network, HTTP status, parse error, no entities, or fewer than half the current version's entities) keeps the previous version and records `last_error`. A refresh already running answers 202 with that same refresh.",
    security: "admin",
    parameters: [listId],
    responses: { 202: { description: "The refresh is running (`loading_since` set).", schema: ScreeningList } },
    errors: ["list_not_found"],
  },
];
