// The request side of the route declarations (src/http/openapi/route.ts and
// @hono/zod-openapi): what the library adds in front of a handler answers in
// the one error envelope, and the order of checks a client can observe stays
// the one the hand-written routes had.
import { describe, expect, it } from "vitest";
import { call, pfBody, sandboxTenant } from "./helpers/api";

const P = "/api/v1/bureau/runs";

describe("route declarations", () => {
  it("a JSON media type with a parameter the library's media-type gate cannot parse is accepted, as it always was", async () => {
    const { key } = await sandboxTenant();
    const res = await call("POST", P, { key, rawBody: JSON.stringify(pfBody()), headers: { "content-type": "application/json; charset" } });
    expect(res.status).toBe(202);
    const text = await call("POST", P, { key, rawBody: JSON.stringify(pfBody()), headers: { "content-type": "text/plain; charset=utf-8" } });
    expect(text.status).toBe(415);
    expect((await text.json<any>()).error).toMatchObject({ type: "invalid_request_error", code: "unsupported_media_type", param: "Content-Type" });
  });

  it("a JSON media type with a charset passes the gate", async () => {
    const { key } = await sandboxTenant();
    const res = await call("POST", P, { key, rawBody: JSON.stringify(pfBody()), headers: { "content-type": "application/json; charset=utf-8" } });
    expect(res.status).toBe(202);
  });

  it("a body problem and a bad Idempotency-Key together: the body's problem is answered, as before", async () => {
    const { key } = await sandboxTenant();
    const res = await call("POST", P, { key, body: { parametros: { cpf: "529.982.247-25" } }, headers: { "Idempotency-Key": "" } });
    expect(res.status).toBe(400);
    expect((await res.json<any>()).error.code).toBe("missing_template_id");
    const keyOnly = await call("POST", P, { key, body: pfBody(), headers: { "Idempotency-Key": "" } });
    expect((await keyOnly.json<any>()).error).toMatchObject({ code: "invalid_idempotency_key", param: "Idempotency-Key" });
  });

  it("path parameters are any text, as before: an unknown id is the resource's 404", async () => {
    const { key } = await sandboxTenant();
    const res = await call("GET", `${P}/${encodeURIComponent("x".repeat(300))}`, { key });
    expect(res.status).toBe(404);
    expect((await res.json<any>()).error.code).toBe("run_not_found");
  });
});
