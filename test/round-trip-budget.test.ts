// The round-trip budget of each request kind (issue 11), counted with the far-caller
// model's wrapper (bench/far-env.ts, no delays here): how many sequential round
// trips to the D1 primary a request makes, and how many storage calls in all.
// A change that adds a trip to the primary on one of these paths fails here.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { farEnv, NO_DELAY, storageCalls, Tracker, type Tally } from "../bench/far-env";
import { createApp } from "../src/app";
import type { LocationCacheSeam } from "../src/cache/location-cache";
import { call, createAndFinish, createHeldRun, pfBody, sandboxTenant } from "./helpers/api";

const app = createApp();
const BASE = "https://api.kycert.test";

/** One request through the app with counted bindings; waits for its waitUntil work too. */
async function counted(
  method: string,
  path: string,
  opts: { key: string; body?: unknown; headers?: Record<string, string>; seam?: Partial<LocationCacheSeam> },
) {
  const tracker = new Tracker(NO_DELAY);
  const ctx = createExecutionContext();
  const headers: Record<string, string> = { "X-API-Key": opts.key, ...(opts.headers ?? {}) };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const req = new Request(`${BASE}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    redirect: "manual",
  });
  const res = await app.fetch(req, farEnv(env, tracker, { seam: opts.seam }), ctx);
  tracker.responded = true;
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, text, headers: res.headers, tally: { ...tracker.tally } as Tally };
}

interface Budget {
  /** Sequential round trips to the D1 primary on the request's path. */
  primarySequential: number;
  /** D1 reads from a replica. */
  replica: number;
  /** Every storage call on the path (D1, KV, Cache API, R2, Durable Objects). */
  calls: number;
}

function expectWithin(name: string, tally: Tally, budget: Budget) {
  const got = { primarySequential: tally.primarySequential, replica: tally.replica, calls: storageCalls(tally) };
  expect(got.primarySequential, `${name}: ${JSON.stringify(tally)}`).toBeLessThanOrEqual(budget.primarySequential);
  expect(got.replica, `${name}: ${JSON.stringify(tally)}`).toBeLessThanOrEqual(budget.replica);
  expect(got.calls, `${name}: ${JSON.stringify(tally)}`).toBeLessThanOrEqual(budget.calls);
}

let key: string;
let done: Record<string, any>;

beforeAll(async () => {
  ({ key } = await sandboxTenant());
  done = await createAndFinish(key, pfBody());
  expect(done.status).toBe("completed");
  // Warm every cache of this location (the budget is for a caller with warm caches).
  for (const path of [`/api/v1/bureau/runs/${done.id}`, "/api/v1/bureau/runs"]) expect((await call("GET", path, { key })).status).toBe(200);
  expect((await call("POST", "/api/v1/bureau/runs", { key, body: pfBody() })).status).toBe(202);
  expect((await call("POST", `/api/v1/bureau/runs/${done.id}/report?mode=resumido`, { key })).status).toBe(201);
  expect((await call("GET", `/api/v1/bureau/runs/${done.id}/report?mode=resumido`, { key })).status).toBe(302);
});

const runs = "/api/v1/bureau/runs";

// The budget of each request kind for a caller with warm caches (issue 11 targets):
// POST creates a run in one trip to the primary (the claim, the reservation and
// the row in one batch), key and template from the location cache; reads go to
// a replica; a terminal run comes from the location cache. Every request also
// makes one RPC to its key's limiter (the rate limit and the revocation check).
const BUDGETS: Record<string, Budget> = {
  "POST /runs": { primarySequential: 1, replica: 0, calls: 3 },
  "POST /runs with a new Idempotency-Key": { primarySequential: 1, replica: 0, calls: 5 },
  // The run is read from a replica and, being still queued here, re-driven (its template version read, its object started).
  "POST /runs replayed (same Idempotency-Key and body)": { primarySequential: 0, replica: 2, calls: 5 },
  "GET /runs/{id} of a terminal run": { primarySequential: 0, replica: 0, calls: 1 },
  // The location cache misses (it only keeps terminal runs), then one replica read.
  "GET /runs/{id} of a run not finished": { primarySequential: 0, replica: 1, calls: 3 },
  "GET /runs": { primarySequential: 0, replica: 1, calls: 2 },
  "GET /runs/{id}/analysis": { primarySequential: 0, replica: 0, calls: 1 },
  // + the run object's call log.
  "GET /runs/{id}/detail": { primarySequential: 0, replica: 0, calls: 2 },
  // R2 said once that the report exists (beforeAll): reports are write-once, so the location remembers.
  "GET /runs/{id}/report": { primarySequential: 0, replica: 0, calls: 1 },
  // An isolate of the location that has not served this key yet: the Cache API answers (key, template, run).
  "POST /runs, Cache API only": { primarySequential: 1, replica: 0, calls: 5 },
  "GET /runs/{id} of a terminal run, Cache API only": { primarySequential: 0, replica: 0, calls: 3 },
};

describe("round-trip budget per request kind (far-caller model, warm caches)", () => {
  it("POST /runs", async () => {
    const res = await counted("POST", runs, { key, body: pfBody() });
    expect(res.status, res.text).toBe(202);
    expectWithin("POST /runs", res.tally, BUDGETS["POST /runs"]);
  });

  it("POST /runs with an Idempotency-Key, new and replayed", async () => {
    const headers = { "Idempotency-Key": `budget-${crypto.randomUUID()}` };
    const first = await counted("POST", runs, { key, body: pfBody(), headers });
    expect(first.status, first.text).toBe(202);
    expectWithin("POST /runs with a new Idempotency-Key", first.tally, BUDGETS["POST /runs with a new Idempotency-Key"]);
    const again = await counted("POST", runs, { key, body: pfBody(), headers });
    expect(again.status, again.text).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(JSON.parse(again.text).run_id).toBe(JSON.parse(first.text).run_id);
    expectWithin("POST /runs replayed", again.tally, BUDGETS["POST /runs replayed (same Idempotency-Key and body)"]);
  });

  it("GET /runs/{id}: terminal and not finished", async () => {
    const terminal = await counted("GET", `${runs}/${done.id}`, { key });
    expect(terminal.status).toBe(200);
    expect(JSON.parse(terminal.text)).toEqual(done);
    expectWithin("GET /runs/{id} terminal", terminal.tally, BUDGETS["GET /runs/{id} of a terminal run"]);

    const held = await createHeldRun(key, pfBody());
    const pending = await counted("GET", `${runs}/${held.run_id}`, { key });
    expect(pending.status).toBe(202);
    expectWithin("GET /runs/{id} not finished", pending.tally, BUDGETS["GET /runs/{id} of a run not finished"]);
  });

  it("an isolate with a cold memory: the location's Cache API serves key, template and terminal run", async () => {
    const post = await counted("POST", runs, { key, body: pfBody(), seam: { memory: null } });
    expect(post.status, post.text).toBe(202);
    expect(post.tally.cache).toBe(2); // the key, the template
    expectWithin("POST /runs, Cache API only", post.tally, BUDGETS["POST /runs, Cache API only"]);
    const get = await counted("GET", `${runs}/${done.id}`, { key, seam: { memory: null } });
    expect(get.status).toBe(200);
    expect(get.tally.cache).toBe(2); // the key, the run
    expectWithin("GET /runs/{id} terminal, Cache API only", get.tally, BUDGETS["GET /runs/{id} of a terminal run, Cache API only"]);
  });

  it("GET /runs, /analysis, /detail and the report's signed URL", async () => {
    const list = await counted("GET", runs, { key });
    expect(list.status).toBe(200);
    expectWithin("GET /runs", list.tally, BUDGETS["GET /runs"]);
    const analysis = await counted("GET", `${runs}/${done.id}/analysis`, { key });
    expect(analysis.status).toBe(200);
    expectWithin("GET /runs/{id}/analysis", analysis.tally, BUDGETS["GET /runs/{id}/analysis"]);
    const detail = await counted("GET", `${runs}/${done.id}/detail`, { key });
    expect(detail.status).toBe(200);
    expectWithin("GET /runs/{id}/detail", detail.tally, BUDGETS["GET /runs/{id}/detail"]);
    const report = await counted("GET", `${runs}/${done.id}/report?mode=resumido`, { key });
    expect(report.status).toBe(302);
    expect(report.tally.r2).toBe(0);
    expectWithin("GET /runs/{id}/report", report.tally, BUDGETS["GET /runs/{id}/report"]);
  });
});
