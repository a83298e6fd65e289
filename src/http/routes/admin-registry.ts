// /admin/v1/registry — the company registry's builds (contract §18), on the admin plane (ADMIN_TOKEN).
import { registryView, requestRegistryRefresh } from "../../registry/service";
import { defineRoute, jsonRequest, ok, route, router } from "../openapi/route";
import { RegistryRefreshSchema, RegistryStatus } from "../schemas/registry";
import { adminCommon } from "./admin";

const status = defineRoute(
  route({
    ...adminCommon,
    method: "get",
    path: "/registry",
    operationId: "adminGetRegistry",
    summary: "The company registry: month serving, build running, last failure",
    responses: { 200: ok("The registry.", RegistryStatus) },
    errors: [],
  }),
  async (c) => c.json(await registryView(c.env), 200),
);

const refresh = defineRoute(
  route({
    ...adminCommon,
    method: "post",
    path: "/registry/refresh",
    operationId: "adminRefreshRegistry",
    summary: "Build a month of the Receita's CNPJ data",
    description:
      "Starts a build of the month (`REGISTRY_URL/<month>/`, the 37 official files) and asks the builder for it (`REGISTRY_BUILDER_URL`; without one, a scheduled runner delivers — README, \"Company registry\"). The join runs off-Worker; the Worker checks what it delivers every minute and makes the month serve all at once, only when complete and plausible (row counts within the allowed drop of the month serving, the control rows present). Until then, and if the build fails, the previous month keeps serving. A build of the same month already running answers 202 with it.",
    request: { body: jsonRequest(RegistryRefreshSchema, { month: "2026-08" }) },
    responses: { 202: ok("The build is running (`status: building`).", RegistryStatus) },
    errors: ["invalid_request"],
  }),
  async (c) => c.json(await requestRegistryRefresh(c.env, c.req.valid("json").month, new Date()), 202),
);

export const adminRegistryRoutes = router([status, refresh]);
