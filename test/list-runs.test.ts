// Contract §6: GET /api/v1/bureau/runs — order, limit, every filter, opaque
// cursors (tamper-evident, bound to the tenant and environment), and pages
// that stay stable while runs are being created.
import { env } from "cloudflare:workers";
import { TPL_PF_PADRAO } from "../src/domain/standard-templates";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, call, createHeldRun, createKey, createRun, expectError, pfBody, runToEnd, tenantWithKeys } from "./helpers/api";

type Summary = Record<string, any> & { id: string; created_at: string; status: string };
type Page = { object: string; data: Summary[]; has_more: boolean; next_cursor?: string; livemode: boolean };

const BASE = "/api/v1/bureau/runs";

async function page(key: string, query = ""): Promise<Page> {
  const res = await call("GET", `${BASE}${query}`, { key });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  expect(res.headers.get("x-request-id")).toMatch(/^req_/);
  const body = JSON.parse(text) as Page;
  expect(body.object).toBe("list");
  if (body.has_more) expect(typeof body.next_cursor).toBe("string");
  else expect(body).not.toHaveProperty("next_cursor");
  return body;
}

/** Walks every page with `limit`, returning the ids in the order they came. */
async function walk(key: string, limit: number, query = "", between?: () => Promise<void>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 200; i++) {
    const p = await page(key, `?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(p.data.length).toBeLessThanOrEqual(limit);
    if (p.has_more) expect(p.data.length).toBe(limit);
    ids.push(...p.data.map((r) => r.id));
    if (!p.has_more) return ids;
    cursor = p.next_cursor;
    if (between) await between();
  }
  throw new Error("pagination did not end");
}

/** Newest first: created_at desc, then id desc. */
const newestFirst = (runs: { id: string; created_at: string }[]) =>
  [...runs].sort((a, b) => (a.created_at !== b.created_at ? (a.created_at < b.created_at ? 1 : -1) : a.id < b.id ? 1 : -1));

async function createMany(key: string, n: number, extra: Record<string, unknown> = {}) {
  const out: { id: string; created_at: string }[] = [];
  for (let i = 0; i < n; i++) {
    const created = await createHeldRun(key, pfBody("529.982.247-25", extra));
    out.push({ id: created.run_id, created_at: created.created_at });
  }
  return out;
}

describe("order and limit", () => {
  let key: string;
  let runs: { id: string; created_at: string }[];
  beforeAll(async () => {
    key = (await tenantWithKeys()).test;
    runs = await createMany(key, 23);
  });

  it("newest first; limit defaults to 20", async () => {
    const p = await page(key);
    expect(p.data).toHaveLength(20);
    expect(p.has_more).toBe(true);
    expect(p.livemode).toBe(false);
    expect(p.data.map((r) => r.id)).toEqual(newestFirst(runs).slice(0, 20).map((r) => r.id));
    // the last created is first
    expect(p.data[0].id).toBe(runs[runs.length - 1].id);
  });

  it("limit 1 and 100 are the bounds", async () => {
    expect((await page(key, "?limit=1")).data).toHaveLength(1);
    const all = await page(key, "?limit=100");
    expect(all.data).toHaveLength(23);
    expect(all.has_more).toBe(false);
  });

  it.each(["0", "101", "abc", "-1", "1.5", "", "1e1", "20 "])("limit=%j → 400 invalid_limit", async (limit) => {
    await expectError(await call("GET", `${BASE}?limit=${encodeURIComponent(limit)}`, { key }), { status: 400, code: "invalid_limit", param: "limit" });
  });

  it("an unknown query parameter → 400 unknown_parameter", async () => {
    await expectError(await call("GET", `${BASE}?ordem=asc`, { key }), { status: 400, code: "unknown_parameter", param: "ordem" });
  });

  it("RunSummary is the run object without `sources`, with livemode; the same fields whatever the status", async () => {
    const finished = await runToEnd(key, runs[0].id);
    const items = (await page(key, "?limit=100")).data;
    const done = items.find((r) => r.id === runs[0].id)!;
    const queued = items.find((r) => r.id === runs[1].id)!;
    for (const item of items) {
      expect(item).not.toHaveProperty("sources");
      expect(item.object).toBe("bureau_run");
      expect(item.livemode).toBe(false);
    }
    const { sources: _s, ...withoutSources } = finished;
    expect(done).toEqual(withoutSources);
    expect(queued.status).toBe("queued");
    expect(Object.keys(queued).sort()).toEqual(Object.keys(done).sort());
    expect(queued.template).toMatchObject({ id: "tpl_pf_padrao", version: TPL_PF_PADRAO.version });
    expect(queued).toMatchObject({ decision: null, operative_decision: null, risk_band: null, completed_at: null, triggered_rules: [], partner_runs: [] });
  });
});

describe("filters", () => {
  let key: string;
  let customTemplate: string;
  const ids: Record<string, string> = {};
  const all: { id: string; created_at: string }[] = [];

  beforeAll(async () => {
    const t = await tenantWithKeys();
    key = t.test;
    const tpl = await admin("POST", "/templates", {
      tenant_id: t.tenant.id,
      name: "Filtro",
      subject_type: "pf",
      parametros_schema: { type: "object", properties: { cpf: { type: "string" } }, required: ["cpf"] },
      sources: [{ source: "receita_federal_cpf", phase: "critical", on_hit: "block" }],
    });
    customTemplate = ((await tpl.json()) as { id: string }).id;
    expect((await admin("POST", `/templates/${customTemplate}/publish`)).status).toBe(200);

    const make = async (name: string, body: unknown) => {
      const created = await createHeldRun(key, body);
      ids[name] = created.run_id;
      all.push({ id: created.run_id, created_at: created.created_at });
    };
    await make("queued1", pfBody("529.982.247-25", { external_id: "pedido-1" }));
    await make("queued2", pfBody("111.444.777-35", { external_id: "pedido-2" }));
    await make("completed", pfBody("222.333.666-38", { external_id: "pedido-1" }));
    await make("rejected", pfBody("000.000.002-81"));
    await make("failed", pfBody("000.000.010-82"));
    await make("cancelled", pfBody("390.533.447-05", { external_id: "pedido-1" }));
    await make("custom", { template_id: customTemplate, parametros: { cpf: "987.654.321-00" } });
    for (const n of ["completed", "rejected", "failed"]) await runToEnd(key, ids[n]);
    expect((await call("POST", `${BASE}/${ids.cancelled}/cancel`, { key })).status).toBe(200);
  });

  const listIds = async (query: string) => (await page(key, query)).data.map((r) => r.id);
  const expectIds = async (query: string, names: string[]) =>
    expect((await listIds(query)).sort()).toEqual(names.map((n) => ids[n]).sort());

  it("status, with `pending` as a synonym for queued", async () => {
    await expectIds("?status=pending", ["queued1", "queued2", "custom"]);
    await expectIds("?status=queued", ["queued1", "queued2", "custom"]);
    await expectIds("?status=completed", ["completed", "rejected"]);
    await expectIds("?status=failed", ["failed"]);
    await expectIds("?status=cancelado", ["cancelled"]);
    await expectIds("?status=partial", []);
    await expectIds("?status=running", []);
    await expectIds("?status=em_analise", []);
    for (const r of (await page(key, "?status=pending")).data) expect(r.status).toBe("queued");
  });

  it.each(["done", "PENDING", "cancelled", "pending,queued", ""])("status=%j → 400 invalid_status", async (status) => {
    await expectError(await call("GET", `${BASE}?status=${encodeURIComponent(status)}`, { key }), { status: 400, code: "invalid_status", param: "status" });
  });

  it("template_id", async () => {
    await expectIds(`?template_id=${customTemplate}`, ["custom"]);
    await expectIds("?template_id=tpl_pf_padrao", ["queued1", "queued2", "completed", "rejected", "failed", "cancelled"]);
    await expectIds("?template_id=tpl_pj_padrao", []);
  });

  it("external_id, alone and combined with status", async () => {
    await expectIds("?external_id=pedido-1", ["queued1", "completed", "cancelled"]);
    await expectIds("?external_id=pedido-2", ["queued2"]);
    await expectIds("?external_id=pedido-3", []);
    await expectIds("?external_id=pedido-1&status=pending", ["queued1"]);
    await expectIds("?external_id=pedido-1&status=completed", ["completed"]);
  });

  it("created_gte / created_lte (inclusive bounds, any ISO 8601 offset)", async () => {
    const sorted = [...all].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
    const mid = sorted[3].created_at;
    const gte = (await listIds(`?limit=100&created_gte=${encodeURIComponent(mid)}`)).sort();
    expect(gte).toEqual(all.filter((r) => r.created_at >= mid).map((r) => r.id).sort());
    const lte = (await listIds(`?limit=100&created_lte=${encodeURIComponent(mid)}`)).sort();
    expect(lte).toEqual(all.filter((r) => r.created_at <= mid).map((r) => r.id).sort());
    // a window of exactly one instant
    const exact = await listIds(`?created_gte=${encodeURIComponent(mid)}&created_lte=${encodeURIComponent(mid)}`);
    expect(exact.sort()).toEqual(all.filter((r) => r.created_at === mid).map((r) => r.id).sort());
    // the same instant written with an offset
    const d = new Date(mid);
    const local = new Date(d.getTime() - 3 * 3600_000).toISOString().replace("Z", "-03:00");
    expect((await listIds(`?limit=100&created_gte=${encodeURIComponent(local)}`)).sort()).toEqual(gte);
    // far bounds
    await expectIds("?limit=100&created_gte=2000-01-01T00:00:00Z", Object.keys(ids));
    await expectIds("?created_lte=2000-01-01T00:00:00Z", []);
    await expectIds("?limit=100&created_gte=2000-01-01", Object.keys(ids));
  });

  it.each(["ontem", "2026-13-01T00:00:00Z", "2026-01-01T25:00:00Z", "1700000000", "2026/01/01", "not-a-date"])(
    "invalid timestamp %j → 400 invalid_timestamp (created_gte and created_lte)",
    async (ts) => {
      await expectError(await call("GET", `${BASE}?created_gte=${encodeURIComponent(ts)}`, { key }), { status: 400, code: "invalid_timestamp", param: "created_gte" });
      await expectError(await call("GET", `${BASE}?created_lte=${encodeURIComponent(ts)}`, { key }), { status: 400, code: "invalid_timestamp", param: "created_lte" });
    },
  );

  it("decision (the computed decision of terminal runs)", async () => {
    await expectIds("?decision=approved", ["completed"]);
    await expectIds("?decision=rejected", ["rejected"]);
    await expectIds("?decision=review", []);
    await expectIds("?decision=approved&external_id=pedido-2", []);
  });

  it.each(["hold", "APPROVED", "aprovado", ""])("decision=%j → 400 invalid_request naming decision", async (decision) => {
    const err = await expectError(await call("GET", `${BASE}?decision=${encodeURIComponent(decision)}`, { key }), { status: 400, code: "invalid_request", param: "decision" });
    expect(err.invalid_params).toEqual([{ name: "decision", reason: "use approved, rejected ou review" }]);
  });

  it("a failed run shows failed_at (its completion time), like the run.failed event; others show null", async () => {
    const failed = await (await call("GET", `${BASE}/${ids.failed}`, { key })).json<Record<string, any>>();
    expect(failed.status).toBe("failed");
    expect(failed.failed_at).toBe(failed.completed_at);
    expect(failed.failed_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const completed = await (await call("GET", `${BASE}/${ids.completed}`, { key })).json<Record<string, any>>();
    expect(completed.failed_at).toBeNull();
    const listed = (await page(key, "?status=failed")).data[0];
    expect(listed.failed_at).toBe(failed.failed_at);
  });

  it("filters and cursors together: a filtered walk sees the filtered runs exactly once", async () => {
    const walked = await walk(key, 1, "&external_id=pedido-1");
    expect(walked.sort()).toEqual([ids.queued1, ids.completed, ids.cancelled].sort());
  });
});

describe("partner runs: parent_run_id and top_level", () => {
  let key: string;
  let company: string;
  let partners: string[];
  let person: string;
  beforeAll(async () => {
    key = (await tenantWithKeys()).test;
    const pj = await createRun(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: "00.000.000/0001-91" } });
    company = ((await pj.json()) as { run_id: string }).run_id;
    const done = await runToEnd(key, company);
    partners = (done.partner_runs as { run_id: string }[]).map((p) => p.run_id);
    expect(partners).toHaveLength(2);
    person = (await createHeldRun(key, pfBody())).run_id;
  });
  const ids = async (query: string) => (await page(key, `?limit=100${query}`)).data.map((r) => r.id).sort();

  it("without a filter the list mixes both", async () => {
    expect(await ids("")).toEqual([company, person, ...partners].sort());
  });

  it("top_level=true: only the runs the API created; top_level=false: only partner runs", async () => {
    expect(await ids("&top_level=true")).toEqual([company, person].sort());
    expect(await ids("&top_level=false")).toEqual([...partners].sort());
  });

  it("parent_run_id: the partner runs of one company", async () => {
    expect(await ids(`&parent_run_id=${company}`)).toEqual([...partners].sort());
    expect(await ids(`&parent_run_id=${person}`)).toEqual([]);
    expect(await ids(`&parent_run_id=${company}&top_level=true`)).toEqual([]);
  });

  it.each(["yes", "1", "TRUE", ""])("top_level=%j → 400 invalid_request", async (v) => {
    const err = await expectError(await call("GET", `${BASE}?top_level=${encodeURIComponent(v)}`, { key }), { status: 400, code: "invalid_request", param: "top_level" });
    expect(err.invalid_params?.[0].reason).toBe("use true ou false");
  });
});

describe("date-only created_gte / created_lte: the whole day in America/Sao_Paulo", () => {
  let key: string;
  const at: Record<string, string> = {
    // 06/12/2026 23:59:59.999 in São Paulo
    before: "2026-12-07T02:59:59.999Z",
    // 07/12/2026 00:00:00.000 in São Paulo
    startOfDay: "2026-12-07T03:00:00.000Z",
    // 07/12/2026 21:30 in São Paulo: already the 8th in UTC
    evening: "2026-12-08T00:30:00.000Z",
    // 07/12/2026 23:59:59.999 in São Paulo
    endOfDay: "2026-12-08T02:59:59.999Z",
    // 08/12/2026 00:00:00.000 in São Paulo
    after: "2026-12-08T03:00:00.000Z",
  };
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    key = (await tenantWithKeys()).test;
    for (const [name, createdAt] of Object.entries(at)) {
      const run = await createHeldRun(key, pfBody());
      ids[name] = run.run_id;
      await env.DB.prepare("UPDATE runs SET created_at = ? WHERE id = ?").bind(createdAt, run.run_id).run();
    }
  });
  const names = async (query: string) => {
    const got = (await page(key, `?limit=100${query}`)).data.map((r) => r.id);
    return Object.keys(ids).filter((n) => got.includes(ids[n]));
  };

  it("created_gte=2026-12-07&created_lte=2026-12-07: from São Paulo's midnight to its last millisecond, the evening included", async () => {
    expect(await names("&created_gte=2026-12-07&created_lte=2026-12-07")).toEqual(["startOfDay", "evening", "endOfDay"]);
  });

  it("created_lte=2026-12-07 includes the whole day (it meant 00:00 UTC, 21:00 of the 6th in São Paulo, before)", async () => {
    expect(await names("&created_lte=2026-12-07")).toEqual(["before", "startOfDay", "evening", "endOfDay"]);
  });

  it("created_gte=2026-12-08 starts at 03:00 UTC", async () => {
    expect(await names("&created_gte=2026-12-08")).toEqual(["after"]);
  });

  it("a date and time is an instant (UTC without an offset), not a day", async () => {
    expect(await names("&created_gte=2026-12-08T00:00:00Z&created_lte=2026-12-08T02:59:59.999Z")).toEqual(["evening", "endOfDay"]);
    expect(await names("&created_lte=2026-12-07T00:00:00-03:00")).toEqual(["before", "startOfDay"]);
  });

  it.each(["2026-02-30", "07/12/2026", "2026-12-7"])("%j → 400 invalid_timestamp naming the accepted formats", async (v) => {
    const err = await expectError(await call("GET", `${BASE}?created_gte=${encodeURIComponent(v)}`, { key }), { status: 400, code: "invalid_timestamp", param: "created_gte" });
    expect(err.invalid_params).toEqual([
      { name: "created_gte", reason: "data inválida: use AAAA-MM-DD (o dia inteiro, no horário de São Paulo) ou data e hora ISO 8601 (ex.: 2026-01-15T10:00:00-03:00)" },
    ]);
  });
});

describe("cursor pagination", () => {
  let tenantId: string;
  let key: string;
  let live: string;
  let runs: { id: string; created_at: string }[];
  beforeAll(async () => {
    const t = await tenantWithKeys();
    tenantId = t.tenant.id;
    key = t.test;
    live = t.live;
    runs = await createMany(key, 11);
  });

  it.each([1, 3, 5, 10, 11, 12])("limit %i walks every run exactly once, newest first", async (limit) => {
    const ids = await walk(key, limit);
    expect(ids).toEqual(newestFirst(runs).map((r) => r.id));
    expect(new Set(ids).size).toBe(runs.length);
  });

  async function firstCursor(k = key): Promise<string> {
    const p = await page(k, "?limit=2");
    expect(p.has_more).toBe(true);
    return p.next_cursor!;
  }

  it("a tampered cursor → 400 invalid_cursor", async () => {
    const cursor = await firstCursor();
    const [payload, mac] = cursor.split(".");
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    // A forged position that points elsewhere, with the old signature.
    const forged = btoa(JSON.stringify(["2099-01-01T00:00:00.000Z", "run_ZZZZZZZZZZZZZZZZZZZZZZZZZZ"])).replace(/=+$/, "");
    for (const bad of [
      `${flip(payload, 3)}.${mac}`,
      `${payload}.${flip(mac, 0)}`,
      `${forged}.${mac}`,
      payload,
      `${cursor}.x`,
      "abc",
      "e30",
      cursor.slice(0, -1),
    ]) {
      await expectError(await call("GET", `${BASE}?limit=2&cursor=${encodeURIComponent(bad)}`, { key }), { status: 400, code: "invalid_cursor", param: "cursor" });
    }
  });

  it("a cursor of another tenant, or of the other environment of the same tenant → invalid_cursor", async () => {
    const other = await tenantWithKeys();
    await createMany(other.test, 3);
    const foreign = await firstCursor(other.test);
    await expectError(await call("GET", `${BASE}?cursor=${encodeURIComponent(foreign)}`, { key }), { status: 400, code: "invalid_cursor" });
    // the owner can use it
    expect((await call("GET", `${BASE}?cursor=${encodeURIComponent(foreign)}`, { key: other.test })).status).toBe(200);

    const mine = await firstCursor();
    await expectError(await call("GET", `${BASE}?cursor=${encodeURIComponent(mine)}`, { key: live }), { status: 400, code: "invalid_cursor" });
    // another key of the same tenant and environment may continue the walk
    const second = await createKey(tenantId, "test", ["runs:read"]);
    expect((await call("GET", `${BASE}?cursor=${encodeURIComponent(mine)}`, { key: second })).status).toBe(200);
  });
});

describe("stability while inserting", () => {
  it("walking pages while new runs are created: no run that existed at the start is skipped or repeated", async () => {
    const { test: key } = await tenantWithKeys();
    const initial = await createMany(key, 9);
    const added: string[] = [];
    const ids = await walk(key, 2, "", async () => {
      // two new runs between page fetches, one of them racing the next fetch
      const a = await createRun(key, pfBody());
      added.push(((await a.json()) as { run_id: string }).run_id);
      const b = createRun(key, pfBody()).then(async (r) => added.push(((await r.json()) as { run_id: string }).run_id));
      await b;
    });
    expect(added.length).toBeGreaterThanOrEqual(8);
    const startIds = newestFirst(initial).map((r) => r.id);
    // every starting run exactly once, in order; nothing repeated
    expect(ids.filter((id) => startIds.includes(id))).toEqual(startIds);
    expect(new Set(ids).size).toBe(ids.length);
    // runs created after the walk began are newer than every cursor: they belong to a new walk
    for (const id of added) expect(ids).not.toContain(id);
    const fresh = await walk(key, 100);
    expect(fresh.slice(0, added.length).sort()).toEqual([...added].sort());
    expect(fresh.length).toBe(initial.length + added.length);
  });

  it("runs changing status between pages do not move between pages", async () => {
    const { test: key } = await tenantWithKeys();
    const initial = await createMany(key, 6);
    const order = newestFirst(initial).map((r) => r.id);
    let finished = 0;
    const ids = await walk(key, 2, "", async () => {
      // finish a run the walk has not reached yet, and one it already passed
      await runToEnd(key, order[order.length - 1 - finished]);
      await runToEnd(key, order[finished]);
      finished++;
    });
    expect(ids).toEqual(order);
  });
});
