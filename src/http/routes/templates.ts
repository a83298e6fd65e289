// /api/v1/bureau/templates — the templates a key can run (contract §19): their
// parametros_schema and sources, without asking the operator.
import { z } from "zod";
import { servicesFor } from "../../runs/service";
import { getTenantTemplate, listTenantTemplates } from "../../runs/templates";
import { sessionOptions } from "../middleware/d1-session";
import { defineRoute, ok, route, router } from "../openapi/route";
import { PublicTemplate, PublicTemplateList } from "../schemas/responses";
import { listQueryErrorCode, pageQueryFields } from "../schemas/runs";

const list = defineRoute(
  route({
    method: "get",
    path: "/templates",
    operationId: "listTemplates",
    tag: "Templates",
    summary: "List the templates you can run",
    description: "Your tenant's published templates and the global ones (`tpl_pf_padrao`, `tpl_pj_padrao`), each at its newest published version, newest publication first.",
    auth: "api_key",
    scope: "runs:read",
    request: { query: z.strictObject(pageQueryFields) },
    responses: { 200: ok("A page of templates.", PublicTemplateList) },
    errors: ["invalid_limit", "invalid_cursor", "unknown_parameter", "invalid_request"],
  }),
  async (c) => c.json(await listTenantTemplates(servicesFor(c.env, c.get("auth"), sessionOptions(c)), c.req.valid("query")), 200),
  listQueryErrorCode,
);

const get = defineRoute(
  route({
    method: "get",
    path: "/templates/{id}",
    operationId: "getTemplate",
    tag: "Templates",
    summary: "Retrieve a template you can run",
    description: "Its newest published version. A draft, or another tenant's template, is indistinguishable from an unknown one.",
    auth: "api_key",
    scope: "runs:read",
    request: { params: z.object({ id: z.string().meta({ description: "The template id (e.g. `tpl_pf_padrao`)." }) }) },
    responses: { 200: ok("The template.", PublicTemplate) },
    errors: ["no_such_template"],
  }),
  async (c) => c.json(await getTenantTemplate(servicesFor(c.env, c.get("auth"), sessionOptions(c)), c.req.valid("param").id), 200),
);

export const templatesRoutes = router([list, get]);
