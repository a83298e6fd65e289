// Contract §1: tenant and environment isolation. Another tenant's run — or a
// run of the other environment — answers exactly like a run that never
// existed: the same 404 `run_not_found`, on every run route.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createHeldRun, createKey, createTenant, pfBody, runToEnd, tenantWithKeys } from "./helpers/api";

const BASE = "/api/v1/bureau/runs";
const ROUTES = [
  { label: "GET /runs/{id}", method: "GET", path: (id: string) => `${BASE}/${id}` },
  { label: "POST /runs/{id}/cancel", method: "POST", path: (id: string) => `${BASE}/${id}/cancel` },
  { label: "GET /runs/{id}/analysis", method: "GET", path: (id: string) => `${BASE}/${id}/analysis` },
  { label: "GET /runs/{id}/detail", method: "GET", path: (id: string) => `${BASE}/${id}/detail` },
] as const;

/** A run id that was never issued, shaped like a real one (same length, same alphabet). */
const neverIssued = (like: string) => `run_${"0".repeat(like.length - 4 - 6)}ZZZZZZ`;

/**
 * What a 404 says, minus what differs per request: the request id, and the
 * requested id wherever it is echoed (so an unknown id and a foreign id are
 * compared as the same function of the id asked for).
 */
async function notFoundShape(res: Response, askedId: string) {
  const text = await res.text();
  expect(res.status, text).toBe(404);
  const body = JSON.parse(text) as { error: Record<string, unknown> };
  expect(body.error.code).toBe("run_not_found");
  expect(body.error.type).toBe("not_found_error");
  expect(res.headers.get("x-request-id")).toBe(body.error.request_id);
  const { request_id: _rid, ...rest } = body.error;
  return {
    body: JSON.parse(JSON.stringify(rest).split(askedId).join("{id}")) as unknown,
    contentType: res.headers.get("content-type"),
    contentLength: text.length,
    retryAfter: res.headers.get("retry-after"),
  };
}

let owner: { test: string; live: string };
let stranger: string; // a sandbox key of another tenant, every scope
let strangerLive: string;
let queuedRun: string; // owner's sandbox run, held in `queued`
let doneRun: string; // owner's sandbox run, terminal
let liveRun: string; // owner's live run, held

beforeAll(async () => {
  owner = await tenantWithKeys(1000);
  const other = await createTenant(1000);
  stranger = await createKey(other.id, "test");
  strangerLive = await createKey(other.id, "live");
  queuedRun = (await createHeldRun(owner.test, pfBody("529.982.247-25", { external_id: "compartilhado" }))).run_id;
  const done = (await createHeldRun(owner.test, pfBody("111.444.777-35", { external_id: "compartilhado" }))).run_id;
  doneRun = (await runToEnd(owner.test, done)).id as string;
  liveRun = (await createHeldRun(owner.live, pfBody("222.333.666-38", { external_id: "compartilhado" }))).run_id;
});

describe("cross-tenant matrix: another tenant's run id is indistinguishable from a never-existing id", () => {
  const cases = ROUTES.flatMap((route) =>
    (["queued", "terminal"] as const).map((state) => [`${route.label} on a ${state} run`, route, state] as const),
  );

  it.each(cases)("%s", async (_name, route, state) => {
    const id = state === "queued" ? queuedRun : doneRun;
    const foreign = await notFoundShape(await call(route.method, route.path(id), { key: stranger }), id);
    const ghost = neverIssued(id);
    const unknown = await notFoundShape(await call(route.method, route.path(ghost), { key: stranger }), ghost);
    expect(foreign).toEqual(unknown);
    // The owner's view is untouched (a foreign cancel cancelled nothing).
    const mine = await call("GET", `${BASE}/${id}`, { key: owner.test });
    expect(mine.status).toBe(state === "queued" ? 202 : 200);
    expect(((await mine.json()) as { status: string }).status).toBe(state === "queued" ? "queued" : "completed");
  });

  it("the owner's own unknown-id 404 has that same shape too", async () => {
    const ghost = neverIssued(queuedRun);
    const a = await notFoundShape(await call("GET", `${BASE}/${ghost}`, { key: owner.test }), ghost);
    const b = await notFoundShape(await call("GET", `${BASE}/${queuedRun}`, { key: stranger }), queuedRun);
    expect(a).toEqual(b);
  });

  it("another tenant's list never shows the run, whatever the filter", async () => {
    for (const query of ["", "?external_id=compartilhado", "?status=pending", "?status=completed", "?template_id=tpl_pf_padrao&limit=100"]) {
      for (const key of [stranger, strangerLive]) {
        const res = await call("GET", `${BASE}${query}`, { key });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { data: unknown[]; has_more: boolean };
        expect(body.data).toEqual([]);
        expect(body.has_more).toBe(false);
      }
    }
  });
});

describe("environment isolation within one tenant", () => {
  it.each(ROUTES.map((r) => [r.label, r] as const))("%s: a sandbox run is a 404 for the live key, a live run a 404 for the sandbox key", async (_n, route) => {
    for (const [key, id] of [
      [owner.live, queuedRun],
      [owner.live, doneRun],
      [owner.test, liveRun],
    ] as const) {
      const cross = await notFoundShape(await call(route.method, route.path(id), { key }), id);
      const ghost = neverIssued(id);
      expect(cross).toEqual(await notFoundShape(await call(route.method, route.path(ghost), { key }), ghost));
    }
    // and nothing was cancelled across environments
    expect(((await (await call("GET", `${BASE}/${liveRun}`, { key: owner.live })).json()) as { status: string }).status).toBe("queued");
    expect(((await (await call("GET", `${BASE}/${queuedRun}`, { key: owner.test })).json()) as { status: string }).status).toBe("queued");
  });

  it("each environment's list shows only its own runs, and says which environment it is", async () => {
    const live = (await (await call("GET", `${BASE}?limit=100`, { key: owner.live })).json()) as { data: { id: string; livemode: boolean }[]; livemode: boolean };
    const test = (await (await call("GET", `${BASE}?limit=100`, { key: owner.test })).json()) as { data: { id: string; livemode: boolean }[]; livemode: boolean };
    expect(live.livemode).toBe(true);
    expect(test.livemode).toBe(false);
    expect(live.data.map((r) => r.id)).toEqual([liveRun]);
    expect(test.data.map((r) => r.id).sort()).toEqual([queuedRun, doneRun].sort());
    expect(live.data.every((r) => r.livemode)).toBe(true);
    expect(test.data.every((r) => !r.livemode)).toBe(true);
    // the same filter, the other environment's runs stay out
    const filtered = (await (await call("GET", `${BASE}?external_id=compartilhado`, { key: owner.live })).json()) as { data: { id: string }[] };
    expect(filtered.data.map((r) => r.id)).toEqual([liveRun]);
  });
});
