// /api/v1/bureau/cases (contract §15) — validate, call one service function, respond.
import type { Context } from "hono";
import { z } from "zod";
import { approveCase, assignCase, caseContext, getCase, listCases, resolveCase, returnCase } from "../../cases/service";
import type { AppEnv } from "../../env";
import { defineRoute, jsonRequest, ok, route, router, type RouteSpec } from "../openapi/route";
import {
  ApproveCaseSchema,
  AssignCaseSchema,
  CaseList,
  CaseObject,
  ListCasesQuerySchema,
  ResolveCaseSchema,
  ReturnCaseSchema,
} from "../schemas/cases";
import { listQueryErrorCode } from "../schemas/runs";

const ctx = (c: Context<AppEnv>) => {
  const auth = c.get("auth");
  // Reads and writes through the request's D1 session: the response's bookmark then covers the change.
  return caseContext(c.env, {
    tenantId: auth.tenantId,
    livemode: auth.livemode,
    origin: { via: "api", key_id: auth.keyId, user_id: null },
    d1: c.get("d1"),
  });
};

const CaseIdParams = z.object({ id: z.string().meta({ description: "The case id (`case_…`)." }) });
const common = { tag: "Cases", auth: "api_key" } as const satisfies Partial<RouteSpec>;

const list = defineRoute(
  route({
    ...common,
    method: "get",
    path: "/cases",
    operationId: "listCases",
    summary: "List review cases",
    description:
      "Every run that ends `decision: review` or `operative_decision: hold` opens one case. Newest first (`opened_at` desc, then id desc); pass `next_cursor` as `cursor` for the next page.",
    scope: "cases:read",
    request: { query: ListCasesQuerySchema },
    responses: { 200: ok("A page of cases.", CaseList) },
    errors: ["invalid_limit", "invalid_cursor", "invalid_status", "unknown_parameter", "invalid_request"],
  }),
  async (c) => c.json(await listCases(ctx(c), c.req.valid("query")), 200),
  listQueryErrorCode,
);

const get = defineRoute(
  route({
    ...common,
    method: "get",
    path: "/cases/{id}",
    operationId: "getCase",
    summary: "Retrieve a review case",
    description:
      "The case, its signed event log, the listed records its run matched, and `chain`: whether the record holds (every event's keyed hash, the row's length, head, status and resolution, the run's final decision and the latest audit anchor agree). Another tenant's case is indistinguishable from an unknown one.",
    scope: "cases:read",
    request: { params: CaseIdParams },
    responses: { 200: ok("The case.", CaseObject) },
    errors: ["case_not_found"],
  }),
  async (c) => c.json(await getCase(ctx(c), c.req.valid("param").id), 200),
);

const assign = defineRoute(
  route({
    ...common,
    method: "post",
    path: "/cases/{id}/assign",
    operationId: "assignCase",
    summary: "Assign a case",
    description:
      "An open case goes `in_review`; a case waiting for approval keeps waiting (only its assignee changes). `actor` and `assignee` must be users of the tenant.",
    scope: "cases:write",
    request: { params: CaseIdParams, body: jsonRequest(AssignCaseSchema, { assignee: "ana@cliente.com.br", actor: "ana@cliente.com.br" }) },
    responses: { 200: ok("The case.", CaseObject) },
    errors: ["case_not_found", "actor_not_allowed", "case_already_resolved", "case_record_invalid", "unknown_parameter", "invalid_request"],
  }),
  async (c) => c.json(await assignCase(ctx(c), c.req.valid("param").id, c.req.valid("json")), 200),
);

const resolve = defineRoute(
  route({
    ...common,
    method: "post",
    path: "/cases/{id}/resolve",
    operationId: "resolveCase",
    summary: "Resolve a case (or propose a resolution)",
    description:
      "Resolves at once, except any rejection, and an approval of a `hold` case or of a run with a sanctions or arrest-warrant finding: those go to `pending_approval` and wait for a second person (four eyes). The run keeps its computed `decision`; it gains `final_decision`. `match_resolutions` marks matches of the run (see `matches` on GET /cases/{id}) as `false_positive` — remembered for this subject, so later runs clear that match by themselves until the listed record changes — or `true_match`.",
    scope: "cases:write",
    request: {
      params: CaseIdParams,
      body: jsonRequest(ResolveCaseSchema, {
        outcome: "approved",
        reason_code: "false_positive",
        note: "Homônimo: data de nascimento e CPF diferentes do registro da lista.",
        actor: "ana@cliente.com.br",
        match_resolutions: [{ source: "pep_coaf", entity_id: "registro:1", resolution: "false_positive" }],
      }),
    },
    responses: { 200: ok("The case, resolved or pending approval.", CaseObject) },
    errors: ["case_not_found", "actor_not_allowed", "case_already_resolved", "case_pending_approval", "case_record_invalid", "unknown_parameter", "invalid_request"],
  }),
  async (c) => c.json(await resolveCase(ctx(c), c.req.valid("param").id, c.req.valid("json")), 200),
);

const approve = defineRoute(
  route({
    ...common,
    method: "post",
    path: "/cases/{id}/approve",
    operationId: "approveCase",
    summary: "Approve a pending resolution (four eyes)",
    description:
      "A different person than the proposer confirms the pending resolution. `actor` must be a user of the tenant with role `approver` or `admin` (else 403 `actor_not_allowed`), and the key needs `cases:approve` (`cases:write` does not imply it). The evidence (the run's stored result plus the current record of every listed entity the case's matches point to) must be the one the proposal saw.",
    scope: "cases:approve",
    request: { params: CaseIdParams, body: jsonRequest(ApproveCaseSchema, { actor: "bruno@cliente.com.br" }) },
    responses: { 200: ok("The resolved case.", CaseObject) },
    errors: ["case_not_found", "actor_not_allowed", "four_eyes_required", "case_not_pending", "case_already_resolved", "evidence_changed", "case_record_invalid", "unknown_parameter", "invalid_request"],
  }),
  async (c) => c.json(await approveCase(ctx(c), c.req.valid("param").id, c.req.valid("json")), 200),
);

const returnToAnalysis = defineRoute(
  route({
    ...common,
    method: "post",
    path: "/cases/{id}/return",
    operationId: "returnCase",
    summary: "Return a pending resolution to analysis",
    description:
      "The approver sends the proposal back: the case goes `in_review` and the proposal is dropped (it stays in the event log). Like approve: an `approver` or `admin` user, and a key with `cases:approve`.",
    scope: "cases:approve",
    request: { params: CaseIdParams, body: jsonRequest(ReturnCaseSchema, { actor: "bruno@cliente.com.br", note: "Falta anexar o documento que comprova a homonímia." }) },
    responses: { 200: ok("The case, back in review.", CaseObject) },
    errors: ["case_not_found", "actor_not_allowed", "case_not_pending", "case_already_resolved", "case_record_invalid", "unknown_parameter", "invalid_request"],
  }),
  async (c) => c.json(await returnCase(ctx(c), c.req.valid("param").id, c.req.valid("json")), 200),
);

export const casesRoutes = router([list, get, assign, resolve, approve, returnToAnalysis]);
