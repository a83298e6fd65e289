// X-Kycert-Api-Version on /api/v1/* (contract §10): resolves the version,
// echoes it on every response (errors included), and reshapes JSON bodies for
// a request pinned to an older version (see http/versioning.ts).
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { ApiError } from "../errors";
import { API_VERSION_HEADER, needsTransform, resolveApiVersion, shapeForVersion, supportedApiVersions } from "../versioning";

export const apiVersion = createMiddleware<AppEnv>(async (c, next) => {
  const asked = c.req.header(API_VERSION_HEADER);
  const version = resolveApiVersion(asked);
  if (version === null) {
    const supported = supportedApiVersions().map((v) => v.version).join(", ");
    throw new ApiError(
      "unknown_api_version",
      `Versão da API desconhecida: '${(asked ?? "").slice(0, 40)}'. Versões suportadas: ${supported}.`,
      API_VERSION_HEADER,
    );
  }
  c.set("apiVersion", version);
  // Before the handler so errors rendered by onError carry it, and after it
  // for responses built without the context.
  c.header(API_VERSION_HEADER, version);
  await next();
  if (needsTransform(version) && /^application\/json/i.test(c.res.headers.get("content-type") ?? "")) {
    const res = c.res;
    const body = shapeForVersion(await res.json(), version);
    // Hono's setter keeps the old response's headers (request id, rate limit, Retry-After…).
    c.res = new Response(JSON.stringify(body), { status: res.status, headers: { "content-type": res.headers.get("content-type")! } });
    c.res.headers.delete("content-length");
  }
  if (c.res.headers.get(API_VERSION_HEADER) !== version) c.header(API_VERSION_HEADER, version);
});
