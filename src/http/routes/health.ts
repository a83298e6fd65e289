import { Health } from "../schemas/responses";
import { defineRoute, ok, route, router } from "../openapi/route";

const health = defineRoute(
  route({ method: "get", path: "/health", operationId: "health", tag: "Meta", summary: "Liveness", auth: "none", responses: { 200: ok("Up.", Health) }, errors: [] }),
  (c) => c.json({ status: "ok" as const }, 200),
);

export const healthRoutes = router([health]);
