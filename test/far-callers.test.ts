// What the per-location caches and replica reads (issue 11) must not change:
// a revoked key is refused at once in every location, a suspension stops run
// creation at once, a newly published template reaches runs within its
// documented bound, a cached terminal run is still its tenant's alone and shows
// its case's resolution, and the Sessions API bookmark gives a client
// read-your-writes. "Another location" is a second location cache (its own
// memory tier and Cache API cache, its own clock) through the counting wrapper
// of bench/far-env.ts, which also shows which calls a request made.
import { env } from "cloudflare:workers";
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { farEnv, NO_DELAY, storageCalls, Tracker, type Tally } from "../bench/far-env";
import { createApp } from "../src/app";
import { API_KEY_TTL_S } from "../src/cache/api-keys";
import { MemoryTier, type LocationCacheSeam } from "../src/cache/location-cache";
import { TEMPLATE_TTL_S } from "../src/cache/templates";
import type { RateLimiter } from "../src/ratelimit/limiter-object";
import { admin, call, createAndFinish, createHeldRun, createKey, createTenant, expectError, pfBody, sandboxTenant } from "./helpers/api";
import { laggingReplica } from "./helpers/lagging-replica";

const app = createApp();
const BASE = "https://api.kycert.test";
const RUNS = "/api/v1/bureau/runs";
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

/** A location of its own: an empty memory tier, a Cache API cache of its own, a clock that tests can move. */
async function newLocation(name: string) {
  const clock = { offsetMs: 0 };
  const seam: LocationCacheSeam = { memory: new MemoryTier(), cache: await caches.open(`far-callers-${name}-${crypto.randomUUID()}`), now: () => Date.now() + clock.offsetMs };
  return { seam, clock };
}

interface Sent {
  res: Response;
  text: string;
  tally: Tally;
  sessions: (string | undefined)[];
}

/** One request through the app, in `location` (default: this isolate's own caches), with counted bindings. */
async function send(
  method: string,
  path: string,
  opts: { key: string; body?: unknown; headers?: Record<string, string>; location?: LocationCacheSeam; env?: Env },
): Promise<Sent> {
  const tracker = new Tracker(NO_DELAY);
  const ctx = createExecutionContext();
  const headers: Record<string, string> = { "X-API-Key": opts.key, ...(opts.headers ?? {}) };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const req = new Request(`${BASE}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const res = await app.fetch(req, farEnv(opts.env ?? env, tracker, { seam: opts.location }), ctx);
  tracker.responded = true;
  const text = await res.clone().text();
  await waitOnExecutionContext(ctx);
  return { res, text, tally: { ...tracker.tally }, sessions: [...tracker.sessions] };
}

/** The env with a rate limiter that cannot be reached. */
const limiterDown = (): Env => ({
  ...env,
  RATE_LIMITER: {
    idFromName: (n: string) => env.RATE_LIMITER.idFromName(n),
    get: () => ({
      hit: () => Promise.reject(new Error("injected: limiter unreachable")),
    }),
  } as unknown as Env["RATE_LIMITER"],
});

async function newKey(tenantId: string) {
  const res = await admin("POST", `/tenants/${tenantId}/api-keys`, { name: "far", environment: "test", scopes: ["runs:write", "runs:read", "detail:read"] });
  expect(res.status).toBe(201);
  return res.json<{ id: string; key: string }>();
}

describe("API keys from the location cache: revocation is still immediate everywhere", () => {
  it("a key another location has cached is refused right after DELETE, without a D1 read", async () => {
    const tenant = await createTenant();
    const { id, key } = await newKey(tenant.id);
    const far = await newLocation("revoke");

    const cold = await send("GET", RUNS, { key, location: far.seam });
    expect(cold.res.status).toBe(200);
    const warm = await send("GET", RUNS, { key, location: far.seam });
    expect(warm.res.status).toBe(200);
    // Served from that location's cache: the only D1 call is the list's replica read.
    expect(warm.tally).toMatchObject({ primary: 0, replica: 1 });

    expect((await admin("DELETE", `/api-keys/${id}`)).status).toBe(200);
    const refused = await send("GET", RUNS, { key, location: far.seam });
    await expectError(refused.res, { status: 401, code: "invalid_api_key" });
    // The key's limiter said so: the cached entry was not read again from D1.
    expect(refused.tally).toMatchObject({ primary: 0, replica: 0, doNear: 1 });

    // The flag is the limiter object's, stored before the admin got its answer.
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(id));
    expect(await runInDurableObject(stub, (_i: RateLimiter, state) => state.storage.kv.get("revoked"))).toBe(true);
  });

  it("with the limiter unreachable, a cached key is checked on the primary: revoked → 401, valid → 200 without rate-limit headers", async () => {
    const tenant = await createTenant();
    const revoked = await newKey(tenant.id);
    const valid = await newKey(tenant.id);
    const far = await newLocation("limiter-down");
    for (const k of [revoked, valid]) expect((await send("GET", RUNS, { key: k.key, location: far.seam })).res.status).toBe(200);
    expect((await admin("DELETE", `/api-keys/${revoked.id}`)).status).toBe(200);

    const refused = await send("GET", RUNS, { key: revoked.key, location: far.seam, env: limiterDown() });
    await expectError(refused.res, { status: 401, code: "invalid_api_key" });
    expect(refused.tally.primary).toBe(1);

    const served = await send("GET", RUNS, { key: valid.key, location: far.seam, env: limiterDown() });
    expect(served.res.status).toBe(200);
    expect(served.res.headers.get("x-ratelimit-limit")).toBeNull();
  });

  it("with the limiter unreachable and a replica that has not seen the revocation, a key read from that replica is checked on the primary: 401", async () => {
    const tenant = await createTenant();
    const { id, key } = await newKey(tenant.id);
    // The replica lags behind the revocation below (faked at the session seam).
    const replica = await laggingReplica(env, ["api_keys"]);
    expect((await admin("DELETE", `/api-keys/${id}`)).status).toBe(200);
    const stale = { ...replica.env, RATE_LIMITER: limiterDown().RATE_LIMITER };
    // A location that never cached the key reads it from the replica: not revoked there.
    const refused = await send("GET", RUNS, { key, location: (await newLocation("stale-replica")).seam, env: stale });
    await expectError(refused.res, { status: 401, code: "invalid_api_key" });
    expect(refused.tally.replica).toBe(1);
    expect(refused.tally.primary).toBe(1);
  });

  it("DELETE of an unknown key is 404 and tells no limiter", async () => {
    await expectError(await admin("DELETE", "/api-keys/key_00000000000000000000000001"), { status: 404, code: "api_key_not_found" });
  });
});

describe("the tenant's status is checked where runs are created", () => {
  it("a key cached while its tenant was active: suspension stops POST at once (402 Conta suspensa); reactivation lets it through at once", async () => {
    const tenant = await createTenant();
    const { key } = await newKey(tenant.id);
    const far = await newLocation("suspend");
    expect((await send("GET", RUNS, { key, location: far.seam })).res.status).toBe(200); // cached: active

    expect((await admin("PATCH", `/tenants/${tenant.id}`, { status: "suspended" })).status).toBe(200);
    const refused = await send("POST", RUNS, { key, body: pfBody(), location: far.seam });
    const e = await expectError(refused.res, { status: 402, code: "billing_suspended" });
    expect(e.message).toBe("Conta suspensa.");
    expect(refused.tally.primarySequential).toBe(1);

    // Cached again while suspended (reads stay allowed), then reactivated.
    const farther = await newLocation("suspend-2");
    expect((await send("GET", RUNS, { key, location: farther.seam })).res.status).toBe(200);
    expect((await admin("PATCH", `/tenants/${tenant.id}`, { status: "active" })).status).toBe(200);
    const created = await send("POST", RUNS, { key, body: pfBody(), location: farther.seam });
    expect(created.res.status, created.text).toBe(202);
  });
});

describe("templates from the location cache: the staleness bound of a new version", () => {
  it(`the publishing location uses v2 at once; another uses v1 until TEMPLATE_TTL_S (${TEMPLATE_TTL_S} s) have passed`, async () => {
    const { tenant, key } = await sandboxTenant();
    const def = (name: string) => ({
      tenant_id: tenant.id,
      name,
      subject_type: "pf",
      parametros_schema: { type: "object", properties: { cpf: { type: "string" } }, required: ["cpf"] },
      sources: [{ source: "receita_federal_cpf", phase: "critical", on_hit: "block" }],
    });
    const created = await admin("POST", "/templates", def("v1"));
    const { id } = await created.json<{ id: string }>();
    expect((await admin("POST", `/templates/${id}/publish`)).status).toBe(200);
    const body = { template_id: id, parametros: { cpf: "529.982.247-25" } };
    const far = await newLocation("template");

    const v1 = await send("POST", RUNS, { key, body, location: far.seam });
    expect(JSON.parse(v1.text).template).toEqual({ id, version: 1 });
    const mine = await send("POST", RUNS, { key, body }); // this isolate's location caches v1 too
    expect(JSON.parse(mine.text).template).toEqual({ id, version: 1 });

    expect((await admin("POST", `/templates/${id}/versions`, def("v2"))).status).toBe(201);
    expect((await admin("POST", `/templates/${id}/publish`)).status).toBe(200);

    expect(JSON.parse((await send("POST", RUNS, { key, body })).text).template).toEqual({ id, version: 2 });
    expect(JSON.parse((await send("POST", RUNS, { key, body, location: far.seam })).text).template).toEqual({ id, version: 1 });
    far.clock.offsetMs = TEMPLATE_TTL_S * 1000 + 1;
    expect(JSON.parse((await send("POST", RUNS, { key, body, location: far.seam })).text).template).toEqual({ id, version: 2 });
  });

  it("a key's cached entry expires after API_KEY_TTL_S and is read again", async () => {
    const { key } = await sandboxTenant();
    const far = await newLocation("key-ttl");
    await send("GET", RUNS, { key, location: far.seam });
    expect((await send("GET", RUNS, { key, location: far.seam })).tally.replica).toBe(1); // the list only
    far.clock.offsetMs = API_KEY_TTL_S * 1000 + 1;
    expect((await send("GET", RUNS, { key, location: far.seam })).tally.replica).toBe(2); // the key again, then the list
  });
});

describe("terminal runs from the location cache", () => {
  it("are their tenant's and environment's alone, cached or not", async () => {
    const { tenant, key } = await sandboxTenant();
    const done = await createAndFinish(key, pfBody());
    expect((await send("GET", `${RUNS}/${done.id}`, { key })).res.status).toBe(200); // now cached here
    const cached = await send("GET", `${RUNS}/${done.id}`, { key });
    expect(cached.tally).toMatchObject({ primary: 0, replica: 0 });
    expect(JSON.parse(cached.text)).toEqual(done);

    const other = await sandboxTenant();
    await expectError((await send("GET", `${RUNS}/${done.id}`, { key: other.key })).res, { status: 404, code: "run_not_found" });
    const live = await createKey(tenant.id, "live");
    await expectError((await send("GET", `${RUNS}/${done.id}/analysis`, { key: live })).res, { status: 404, code: "run_not_found" });
  });

  it("show their case's resolution when it changes after the run was cached (final_decision read again, from a replica)", async () => {
    const { key } = await sandboxTenant();
    const done = await createAndFinish(key, pfBody());
    // A case of this run (the run object opens one for review/hold; the row is what the read merges).
    // (case_id is written with the terminal state; a location that has not read the run yet caches it with it.)
    await env.DB.prepare("UPDATE runs SET case_id = ? WHERE id = ?").bind(`case_${done.id.slice(4)}`, done.id).run();
    const far = await newLocation("case");
    const first = await send("GET", `${RUNS}/${done.id}`, { key, location: far.seam });
    expect(JSON.parse(first.text)).toMatchObject({ case_id: `case_${done.id.slice(4)}`, final_decision: null });

    await env.DB.prepare("UPDATE runs SET final_decision = 'approved' WHERE id = ?").bind(done.id).run();
    const resolved = await send("GET", `${RUNS}/${done.id}`, { key, location: far.seam });
    expect(JSON.parse(resolved.text)).toMatchObject({ case_id: `case_${done.id.slice(4)}`, final_decision: "approved" });
    expect(resolved.tally).toMatchObject({ primary: 0, replica: 1 });
  });

  it("a run not finished is not cached: its poll sees it finish", async () => {
    const { key } = await sandboxTenant();
    const held = await createHeldRun(key, pfBody());
    expect((await send("GET", `${RUNS}/${held.run_id}`, { key })).res.status).toBe(202);
    const cancelled = await send("POST", `${RUNS}/${held.run_id}/cancel`, { key });
    expect(cancelled.res.status).toBe(200);
    expect(JSON.parse(cancelled.text).status).toBe("cancelado"); // read back from the primary
    const after = await send("GET", `${RUNS}/${held.run_id}`, { key });
    expect(after.res.status).toBe(200);
    expect(JSON.parse(after.text).status).toBe("cancelado");
  });
});

describe("stored reports from the location cache", () => {
  it("the signed URL asks R2 once per location; a report not generated yet is asked about every time", async () => {
    const tenant = await createTenant();
    const key = await createKey(tenant.id, "test", ["runs:write", "runs:read", "reports:write"]);
    const done = await createAndFinish(key, pfBody());
    const far = await newLocation("reports");
    const url = `${RUNS}/${done.id}/report?mode=resumido`;

    const missing = await send("GET", url, { key, location: far.seam });
    await expectError(missing.res, { status: 404, code: "report_not_generated" });
    expect(missing.tally.r2).toBe(1);
    expect((await send("POST", url, { key, location: far.seam })).res.status).toBe(201);

    const first = await send("GET", url, { key, location: far.seam });
    expect(first.res.status).toBe(302);
    expect(first.tally.r2).toBe(1);
    const again = await send("GET", url, { key, location: far.seam });
    expect(again.res.status).toBe(302);
    expect(again.tally.r2).toBe(0);
    // The URL still downloads the stored PDF.
    const download = await call("GET", new URL(again.res.headers.get("location")!).pathname + new URL(again.res.headers.get("location")!).search);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
  });
});

describe("X-Kycert-Bookmark: read-your-writes through the D1 Sessions API", () => {
  it("POST answers with a bookmark; a GET that sends it back opens its session at that bookmark and answers one too", async () => {
    const { key } = await sandboxTenant();
    const created = await send("POST", RUNS, { key, body: pfBody() });
    expect(created.res.status).toBe(202);
    const bookmark = created.res.headers.get("x-kycert-bookmark");
    expect(bookmark).toMatch(BOOKMARK);

    const read = await send("GET", RUNS, { key, headers: { "X-Kycert-Bookmark": bookmark! } });
    expect(read.res.status).toBe(200);
    expect(read.sessions).toEqual([bookmark]);
    expect(JSON.parse(read.text).data.map((r: { id: string }) => r.id)).toContain(JSON.parse(created.text).run_id);
    expect(read.res.headers.get("x-kycert-bookmark")).toMatch(BOOKMARK);

    // Without one, the session may start on any replica.
    expect((await send("GET", RUNS, { key })).sessions).toEqual(["first-unconstrained"]);
  });

  it("a request answered without D1 (a cached terminal run) gives the client's bookmark back", async () => {
    const { key } = await sandboxTenant();
    const done = await createAndFinish(key, pfBody());
    await send("GET", `${RUNS}/${done.id}`, { key });
    const bookmark = "0000007b-0000b26e-00001538-0c3e87bb37b3db5cc52eedb93cd3b96b";
    const cached = await send("GET", `${RUNS}/${done.id}`, { key, headers: { "X-Kycert-Bookmark": bookmark } });
    expect(cached.res.status).toBe(200);
    expect(storageCalls(cached.tally) - cached.tally.doNear).toBe(0);
    expect(cached.res.headers.get("x-kycert-bookmark")).toBe(bookmark);
  });

  it.each([["not-a-bookmark"], ["0000007b-0000b26e-00001538"], ["0000007b-0000b26e-00001538-0c3e87bb37b3db5cc52eedb93cd3b96b0"]])(
    "a malformed bookmark (%s) is 400 invalid_request naming the header",
    async (bookmark) => {
      const { key } = await sandboxTenant();
      const res = await call("GET", RUNS, { key, headers: { "X-Kycert-Bookmark": bookmark } });
      const e = await expectError(res, { status: 400, code: "invalid_request", param: "X-Kycert-Bookmark" });
      expect(e.message).toContain("X-Kycert-Bookmark");
    },
  );
});

describe("X-Kycert-Bookmark in the OpenAPI document", () => {
  it("is a documented request parameter and response header of the API-key operations", async () => {
    const doc = await (await call("GET", "/api/v1/openapi.json")).json<any>();
    expect(doc.components.headers["X-Kycert-Bookmark"].description).toContain("X-Kycert-Bookmark");
    expect(doc.components.parameters.Bookmark).toMatchObject({ name: "X-Kycert-Bookmark", in: "header", required: false });
    for (const [path, method, status] of [
      ["/api/v1/bureau/runs", "post", "202"],
      ["/api/v1/bureau/runs", "get", "200"],
      ["/api/v1/bureau/runs/{id}", "get", "200"],
    ]) {
      const op = doc.paths[path][method];
      expect(op.parameters, `${method} ${path}`).toContainEqual({ $ref: "#/components/parameters/Bookmark" });
      expect(op.responses[status].headers["X-Kycert-Bookmark"], `${method} ${path}`).toEqual({ $ref: "#/components/headers/X-Kycert-Bookmark" });
    }
    expect(doc.info.description).toContain("## Replicas and read-your-writes");
  });
});
