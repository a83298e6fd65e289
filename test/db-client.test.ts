// createDb keeps one drizzle instance per D1 binding or session: building one
// walks the whole schema, and a profile of POST /runs under load (issue 11,
// bench/README.md) had that among its top costs when every query site built its own.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";

describe("createDb", () => {
  it("returns the same instance for the same binding, another for a session", async () => {
    expect(createDb(env.DB)).toBe(createDb(env.DB));
    const session = env.DB.withSession("first-unconstrained");
    expect(createDb(session)).toBe(createDb(session));
    expect(createDb(session)).not.toBe(createDb(env.DB));
    // And it still reads through the session it was built on.
    expect(await createDb(session).run("select 1")).toBeDefined();
  });
});
