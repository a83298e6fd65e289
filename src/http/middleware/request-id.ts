import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { newId } from "../../lib/ids";

/** Every response carries X-Request-Id; errors repeat it in the body. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const id = newId("req");
  c.set("requestId", id);
  await next();
  c.header("X-Request-Id", id);
});
