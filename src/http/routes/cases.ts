// /api/v1/bureau/cases (contract §15) — validate, call one service function, respond.
import { Hono, type Context } from "hono";
import { approveCase, assignCase, caseContext, getCase, listCases, resolveCase, returnCase } from "../../cases/service";
import type { AppEnv } from "../../env";
import { requireScope } from "../middleware/auth";
import {
  ApproveCaseSchema,
  AssignCaseSchema,
  ListCasesQuerySchema,
  listCasesErrorCode,
  ResolveCaseSchema,
  ReturnCaseSchema,
} from "../schemas/cases";
import { jsonBody, validate } from "../validate";

export const casesRoutes = new Hono<AppEnv>();

const ctx = (c: Context<AppEnv>) => {
  const auth = c.get("auth");
  return caseContext(c.env, { tenantId: auth.tenantId, livemode: auth.livemode });
};

casesRoutes.get("/cases", requireScope("cases:read"), validate("query", ListCasesQuerySchema, listCasesErrorCode), async (c) =>
  c.json(await listCases(ctx(c), c.req.valid("query"))),
);

casesRoutes.get("/cases/:id", requireScope("cases:read"), async (c) => c.json(await getCase(ctx(c), c.req.param("id"))));

casesRoutes.post("/cases/:id/assign", requireScope("cases:write"), jsonBody, validate("json", AssignCaseSchema), async (c) =>
  c.json(await assignCase(ctx(c), c.req.param("id"), c.req.valid("json"))),
);

casesRoutes.post("/cases/:id/resolve", requireScope("cases:write"), jsonBody, validate("json", ResolveCaseSchema), async (c) =>
  c.json(await resolveCase(ctx(c), c.req.param("id"), c.req.valid("json"))),
);

casesRoutes.post("/cases/:id/approve", requireScope("cases:write"), jsonBody, validate("json", ApproveCaseSchema), async (c) =>
  c.json(await approveCase(ctx(c), c.req.param("id"), c.req.valid("json"))),
);

casesRoutes.post("/cases/:id/return", requireScope("cases:write"), jsonBody, validate("json", ReturnCaseSchema), async (c) =>
  c.json(await returnCase(ctx(c), c.req.param("id"), c.req.valid("json"))),
);
