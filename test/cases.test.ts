// The review-case API (contract §15): assignment, resolution, four eyes, the
// error codes, the hash-chained log, filters, isolation and scopes.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../src/lib/crypto";
import { call, createKey, expectError } from "./helpers/api";
import {
  caseAction,
  caseActionOk,
  casesTenant,
  CPF,
  finishPf,
  getCase,
  NOTE,
  sanctionsReviewTemplate,
} from "./helpers/cases";

const CONFLICT = "invalid_request_error";
const resolveBody = (actor: string, over: Record<string, unknown> = {}) => ({ outcome: "approved", reason_code: "documents_verified", note: NOTE, actor, ...over });

describe("assign", () => {
  it("an open case goes in_review with its assignee; the event is chained to the opening", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    const c = await caseActionOk(key, run.case_id, "assign", { assignee: ANA.toUpperCase(), actor: BRUNO });
    expect(c).toMatchObject({ status: "in_review", assignee: ANA });
    expect(c.events.map((e: any) => e.type)).toEqual(["opened", "assigned"]);
    expect(c.events[1]).toMatchObject({ actor: BRUNO, prev_hash: c.events[0].hash, data: { assignee: ANA, previous_assignee: null } });
    expect((await getCase(key, c.id)).chain).toMatchObject({ verified: true, problem: null });
    // Reassigning keeps it in review.
    const again = await caseActionOk(key, run.case_id, "assign", { assignee: BRUNO, actor: BRUNO });
    expect(again).toMatchObject({ status: "in_review", assignee: BRUNO });
  });
});

describe("resolve without four eyes", () => {
  it("approving a review case without sanctions/warrant findings resolves it at once; evidence_sha256 is the stored result's hash", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    const c = await caseActionOk(key, run.case_id, "resolve", resolveBody(ANA, { note: `  ${NOTE}  ` }));
    const stored = await env.DB.prepare("SELECT result FROM runs WHERE id = ?").bind(run.id).first<{ result: string }>();
    expect(c.status).toBe("resolved");
    expect(c.proposal).toBeNull();
    expect(c.resolution).toEqual({
      outcome: "approved",
      reason_code: "documents_verified",
      note: NOTE,
      resolved_by: ANA,
      approved_by: null,
      resolved_at: expect.any(String),
      evidence_sha256: await sha256Hex(stored!.result),
    });
    expect(c.assignee).toBe(ANA);
    expect(c.events.map((e: any) => e.type)).toEqual(["opened", "resolved"]);
    const runNow = await (await call("GET", `/api/v1/bureau/runs/${run.id}`, { key })).json<any>();
    expect(runNow).toMatchObject({ decision: "review", final_decision: "approved", case_id: run.case_id });

    // Resolved is final: every further change is refused.
    await expectError(await caseAction(key, run.case_id, "resolve", resolveBody(ANA)), { status: 409, code: "case_already_resolved", type: CONFLICT });
    await expectError(await caseAction(key, run.case_id, "approve", { actor: BRUNO }), { status: 409, code: "case_already_resolved", type: CONFLICT });
    await expectError(await caseAction(key, run.case_id, "assign", { assignee: BRUNO, actor: BRUNO }), {
      status: 409,
      code: "case_already_resolved",
      type: CONFLICT,
    });
    await expectError(await caseAction(key, run.case_id, "return", { actor: BRUNO, note: NOTE }), { status: 409, code: "case_already_resolved", type: CONFLICT });
  });

  it("the note needs at least 10 characters (spaces around do not count); outcome, reason_code and actor are checked", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    const bad: [Record<string, unknown>, string][] = [
      [resolveBody(ANA, { note: "curta" }), "note"],
      [resolveBody(ANA, { note: "  123456789  " }), "note"],
      [resolveBody(ANA, { note: undefined }), "note"],
      [resolveBody(ANA, { outcome: "maybe" }), "outcome"],
      [resolveBody(ANA, { reason_code: "because" }), "reason_code"],
      [resolveBody(ANA, { actor: "not-an-email" }), "actor"],
      [resolveBody(ANA, { match_resolutions: [{ source: "ofac_sdn", entity_id: "nome:X", resolution: "false_positive" }] }), "match_resolutions[0]"],
    ];
    for (const [body, param] of bad) {
      await expectError(await caseAction(key, run.case_id, "resolve", body), { status: 400, code: "invalid_request", param });
    }
    const surprise = await caseAction(key, run.case_id, "resolve", { ...resolveBody(ANA), extra: 1 });
    await expectError(surprise, { status: 400, code: "invalid_request" });
    // Exactly 10 characters is enough.
    const ok = await caseActionOk(key, run.case_id, "resolve", resolveBody(ANA, { note: "1234567890" }));
    expect(ok.status).toBe("resolved");
  });
});

describe("four eyes", () => {
  it("a rejection goes to pending_approval; its proposer cannot approve it, even as an approver (403, also with another spelling of the e-mail); another approver resolves it", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    const p = await caseActionOk(key, run.case_id, "resolve", resolveBody(BRUNO, { outcome: "rejected", reason_code: "risk_accepted" }));
    expect(p).toMatchObject({
      status: "pending_approval",
      resolution: null,
      proposal: { outcome: "rejected", reason_code: "risk_accepted", note: NOTE, by: BRUNO, at: expect.any(String) },
    });
    expect(p.events.at(-1).type).toBe("proposed");
    // The run is not resolved yet.
    expect((await (await call("GET", `/api/v1/bureau/runs/${run.id}`, { key })).json<any>()).final_decision).toBeNull();

    await expectError(await caseAction(key, run.case_id, "approve", { actor: BRUNO }), { status: 403, code: "four_eyes_required" });
    await expectError(await caseAction(key, run.case_id, "approve", { actor: ` ${BRUNO.toUpperCase()} ` }), { status: 403, code: "four_eyes_required" });
    // An analyst is not an approver.
    await expectError(await caseAction(key, run.case_id, "approve", { actor: ANA }), { status: 403, code: "actor_not_allowed", param: "actor" });
    // A new resolve while one waits is refused.
    await expectError(await caseAction(key, run.case_id, "resolve", resolveBody(ANA)), { status: 409, code: "case_pending_approval", type: CONFLICT });

    const done = await caseActionOk(key, run.case_id, "approve", { actor: CARLA });
    expect(done.status).toBe("resolved");
    expect(done.proposal).toBeNull();
    expect(done.resolution).toMatchObject({ outcome: "rejected", reason_code: "risk_accepted", note: NOTE, resolved_by: BRUNO, approved_by: CARLA });
    expect(done.events.map((e: any) => e.type)).toEqual(["opened", "proposed", "resolved"]);
    expect((await getCase(key, done.id)).chain).toMatchObject({ verified: true, problem: null });
    const runNow = await (await call("GET", `/api/v1/bureau/runs/${run.id}`, { key })).json<any>();
    expect(runNow).toMatchObject({ decision: "review", final_decision: "rejected" });

    await expectError(await caseAction(key, run.case_id, "approve", { actor: BRUNO }), { status: 409, code: "case_already_resolved", type: CONFLICT });
  });

  it("approving a hold case takes four eyes", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.hold);
    const p = await caseActionOk(key, run.case_id, "resolve", resolveBody(ANA));
    expect(p.status).toBe("pending_approval");
    const done = await caseActionOk(key, run.case_id, "approve", { actor: BRUNO });
    expect(done.resolution).toMatchObject({ outcome: "approved", resolved_by: ANA, approved_by: BRUNO });
  });

  it("approving a run with a sanctions finding takes four eyes (a template that sends OFAC hits to review)", async () => {
    const { key, tenant, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const tpl = await sanctionsReviewTemplate(tenant.id);
    const run = await finishPf(key, CPF.ofac, tpl);
    expect(run.decision).toBe("review");
    const p = await caseActionOk(key, run.case_id, "resolve", resolveBody(ANA, { reason_code: "false_positive" }));
    expect(p.status).toBe("pending_approval");
  });

  it("nothing pending → 409 case_not_pending, for approve and return", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    await expectError(await caseAction(key, run.case_id, "approve", { actor: BRUNO }), { status: 409, code: "case_not_pending", type: CONFLICT });
    await caseActionOk(key, run.case_id, "assign", { assignee: ANA, actor: ANA });
    await expectError(await caseAction(key, run.case_id, "approve", { actor: BRUNO }), { status: 409, code: "case_not_pending", type: CONFLICT });
    await expectError(await caseAction(key, run.case_id, "return", { actor: BRUNO, note: NOTE }), { status: 409, code: "case_not_pending", type: CONFLICT });
  });

  it("return sends the proposal back to in_review (kept in the log); the next proposal needs approval again", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    await caseActionOk(key, run.case_id, "resolve", resolveBody(ANA, { outcome: "rejected" }));
    await expectError(await caseAction(key, run.case_id, "return", { actor: BRUNO, note: "curta" }), { status: 400, code: "invalid_request", param: "note" });
    const back = await caseActionOk(key, run.case_id, "return", { actor: BRUNO, note: "Faltou anexar a consulta ao cartório." });
    expect(back).toMatchObject({ status: "in_review", proposal: null, resolution: null, assignee: ANA });
    expect(back.events.at(-1)).toMatchObject({
      type: "returned",
      actor: BRUNO,
      data: { note: "Faltou anexar a consulta ao cartório.", returned_proposal: { outcome: "rejected", by: ANA } },
    });
    await expectError(await caseAction(key, run.case_id, "approve", { actor: BRUNO }), { status: 409, code: "case_not_pending", type: CONFLICT });
    const again = await caseActionOk(key, run.case_id, "resolve", resolveBody(ANA, { outcome: "rejected", actor: BRUNO }));
    expect(again.status).toBe("pending_approval");
    await expectError(await caseAction(key, run.case_id, "approve", { actor: BRUNO }), { status: 403, code: "four_eyes_required" });
    const done = await caseActionOk(key, run.case_id, "approve", { actor: CARLA });
    expect(done.resolution).toMatchObject({ resolved_by: BRUNO, approved_by: CARLA });
    expect(done.events.map((e: any) => e.type)).toEqual(["opened", "proposed", "returned", "proposed", "resolved"]);
    expect((await getCase(key, done.id)).chain).toMatchObject({ verified: true, problem: null });
  });

  it("two approvals racing: one resolves, the other gets case_already_resolved; one resolved event", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    await caseActionOk(key, run.case_id, "resolve", resolveBody(ANA, { outcome: "rejected" }));
    const [a, b] = await Promise.all([
      caseAction(key, run.case_id, "approve", { actor: BRUNO }),
      caseAction(key, run.case_id, "approve", { actor: CARLA }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const c = await getCase(key, run.case_id);
    expect(c.events.filter((e: any) => e.type === "resolved")).toHaveLength(1);
    expect((await getCase(key, c.id)).chain).toMatchObject({ verified: true, problem: null });
  });
});

describe("the event log", () => {
  const chainOf = async (key: string, id: string) => (await getCase(key, id)).chain;

  it("is chained: editing a stored event's data or its actor, or removing one, shows as chain.verified false until put back", async () => {
    const { key, ana: ANA, bruno: BRUNO } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    await caseActionOk(key, run.case_id, "assign", { assignee: ANA, actor: ANA });
    await caseActionOk(key, run.case_id, "resolve", resolveBody(ANA, { outcome: "rejected" }));
    await caseActionOk(key, run.case_id, "approve", { actor: BRUNO });
    const intact = await getCase(key, run.case_id);
    expect(intact.events).toHaveLength(4);
    expect(intact.chain).toEqual({ length: 4, head: intact.events[3].hash, verified: true, problem: null, anchor: null });

    // Someone with database access rewrites the proposal's note.
    const row = await env.DB.prepare("SELECT data FROM case_events WHERE case_id = ? AND seq = 3").bind(run.case_id).first<{ data: string }>();
    const data = JSON.parse(row!.data);
    await env.DB.prepare("UPDATE case_events SET data = ? WHERE case_id = ? AND seq = 3")
      .bind(JSON.stringify({ ...data, note: "Aprovado sem ressalvas pelo diretor." }), run.case_id)
      .run();
    const edited = await getCase(key, run.case_id);
    expect(edited.events[2].data.note).toBe("Aprovado sem ressalvas pelo diretor.");
    expect(edited.chain).toMatchObject({ verified: false, problem: "event_hash_mismatch" });

    await env.DB.prepare("UPDATE case_events SET data = ? WHERE case_id = ? AND seq = 3").bind(row!.data, run.case_id).run();
    await env.DB.prepare("UPDATE case_events SET actor = 'outra@pessoa.com' WHERE case_id = ? AND seq = 2").bind(run.case_id).run();
    expect(await chainOf(key, run.case_id)).toMatchObject({ verified: false, problem: "event_hash_mismatch" });
    await env.DB.prepare("UPDATE case_events SET actor = ? WHERE case_id = ? AND seq = 2").bind(ANA, run.case_id).run();
    expect(await chainOf(key, run.case_id)).toMatchObject({ verified: true, problem: null });

    await env.DB.prepare("DELETE FROM case_events WHERE case_id = ? AND seq = 2").bind(run.case_id).run();
    expect(await chainOf(key, run.case_id)).toMatchObject({ verified: false, problem: "event_hash_mismatch" });
  });

  it("a note carrying a lone surrogate escape (valid JSON) is chained and verifies", async () => {
    // The chain hashes canonicalJson of the event, which escapes a lone surrogate
    // where an RFC 8785 canonicaliser would throw (src/lib/crypto.ts says why it is kept).
    const { key, ana: ANA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    const c = await caseActionOk(key, run.case_id, "resolve", resolveBody(ANA, { note: `${NOTE} \ud800` }));
    expect(c.events.at(-1).data.note).toBe(`${NOTE} \ud800`);
    expect(await chainOf(key, run.case_id)).toMatchObject({ verified: true, problem: null });
  });
});

describe("list", () => {
  it("newest first, with status, assignee and overdue filters and a cursor", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const a = await finishPf(key, CPF.pep);
    const b = await finishPf(key, CPF.hold);
    const c = await finishPf(key, CPF.pep);
    await caseActionOk(key, b.case_id, "assign", { assignee: ANA, actor: ANA });
    await caseActionOk(key, c.case_id, "resolve", resolveBody(ANA, { outcome: "rejected" }));
    // a: overdue (its due date moved into the past); c: pending approval.
    await env.DB.prepare("UPDATE cases SET due_at = '2020-01-01T00:00:00.000Z' WHERE id = ?").bind(a.case_id).run();

    const list = async (q = "") => {
      const res = await call("GET", `/api/v1/bureau/cases${q}`, { key });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      return JSON.parse(text) as { object: string; data: any[]; has_more: boolean; next_cursor?: string; livemode: boolean };
    };
    const all = await list();
    expect(all).toMatchObject({ object: "list", has_more: false, livemode: false });
    expect(all.data.map((x) => x.id)).toEqual([c.case_id, b.case_id, a.case_id]);
    expect(all.data[0].events.length).toBeGreaterThan(0);
    expect((await list("?status=in_review")).data.map((x) => x.id)).toEqual([b.case_id]);
    expect((await list("?status=pending_approval")).data.map((x) => x.id)).toEqual([c.case_id]);
    expect((await list(`?assignee=${encodeURIComponent(ANA.toUpperCase())}`)).data.map((x) => x.id)).toEqual([c.case_id, b.case_id]);
    expect((await list("?overdue=true")).data.map((x) => x.id)).toEqual([a.case_id]);
    // A resolved case is never overdue.
    await env.DB.prepare("UPDATE cases SET due_at = '2020-01-01T00:00:00.000Z' WHERE id = ?").bind(c.case_id).run();
    await caseActionOk(key, c.case_id, "approve", { actor: BRUNO });
    expect((await list("?overdue=true")).data.map((x) => x.id)).toEqual([a.case_id]);

    const p1 = await list("?limit=2");
    expect(p1.has_more).toBe(true);
    expect(p1.data.map((x) => x.id)).toEqual([c.case_id, b.case_id]);
    const p2 = await list(`?limit=2&cursor=${encodeURIComponent(p1.next_cursor!)}`);
    expect(p2).toMatchObject({ has_more: false });
    expect(p2.data.map((x) => x.id)).toEqual([a.case_id]);
    expect(p2).not.toHaveProperty("next_cursor");
  });

  it("rejects bad filters with the list error codes", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    await expectError(await call("GET", "/api/v1/bureau/cases?limit=0", { key }), { status: 400, code: "invalid_limit" });
    await expectError(await call("GET", "/api/v1/bureau/cases?limit=101", { key }), { status: 400, code: "invalid_limit" });
    await expectError(await call("GET", "/api/v1/bureau/cases?status=closed", { key }), { status: 400, code: "invalid_status" });
    await expectError(await call("GET", "/api/v1/bureau/cases?cursor=abc.def", { key }), { status: 400, code: "invalid_cursor" });
    await expectError(await call("GET", "/api/v1/bureau/cases?overdue=yes", { key }), { status: 400, code: "invalid_request" });
    await expectError(await call("GET", "/api/v1/bureau/cases?assignee=x", { key }), { status: 400, code: "invalid_request" });
    await expectError(await call("GET", "/api/v1/bureau/cases?sort=asc", { key }), { status: 400, code: "unknown_parameter" });
  });
});

describe("isolation and scopes", () => {
  it("another tenant's case, or the other environment's, is a 404 with the same body as an unknown id", async () => {
    const { key, tenant, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    const other = await casesTenant();
    const live = await createKey(tenant.id, "live", ["cases:read", "cases:write"]);
    const unknown = await expectError(await call("GET", "/api/v1/bureau/cases/case_01JD00000000000000000000", { key }), {
      status: 404,
      code: "case_not_found",
      param: "id",
    });
    for (const k of [other.key, live]) {
      const e = await expectError(await call("GET", `/api/v1/bureau/cases/${run.case_id}`, { key: k }), { status: 404, code: "case_not_found", param: "id" });
      expect({ ...e, request_id: "" }).toEqual({ ...unknown, request_id: "" });
      await expectError(await caseAction(k, run.case_id, "resolve", resolveBody(ANA)), { status: 404, code: "case_not_found" });
      await expectError(await caseAction(k, run.case_id, "assign", { assignee: ANA, actor: ANA }), { status: 404, code: "case_not_found" });
      const list = await (await call("GET", "/api/v1/bureau/cases", { key: k })).json<any>();
      expect(list.data.map((x: any) => x.id)).not.toContain(run.case_id);
    }
    // Nothing was changed by the refused calls.
    expect((await getCase(key, run.case_id)).status).toBe("open");
  });

  it("cases:read reads, cases:write changes; keys without them get 403 insufficient_scope naming the scope", async () => {
    const { key, tenant, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    const runsOnly = await createKey(tenant.id, "test", ["runs:read", "runs:write"]);
    const readOnly = await createKey(tenant.id, "test", ["cases:read"]);
    const writeOnly = await createKey(tenant.id, "test", ["cases:write"]);
    for (const path of ["/api/v1/bureau/cases", `/api/v1/bureau/cases/${run.case_id}`]) {
      const e = await expectError(await call("GET", path, { key: runsOnly }), { status: 403, code: "insufficient_scope" });
      expect(e.message).toContain("cases:read");
      expect((await call("GET", path, { key: readOnly })).status).toBe(200);
      await expectError(await call("GET", path, { key: writeOnly }), { status: 403, code: "insufficient_scope" });
    }
    for (const action of ["assign", "resolve"] as const) {
      const e = await expectError(await caseAction(readOnly, run.case_id, action, {}), { status: 403, code: "insufficient_scope" });
      expect(e.message).toContain("cases:write");
    }
    const assigned = await caseAction(writeOnly, run.case_id, "assign", { assignee: ANA, actor: ANA });
    expect(assigned.status).toBe(200);
    // Approving and returning take cases:approve, which cases:write does not imply (four eyes over the API).
    await caseActionOk(writeOnly, run.case_id, "resolve", resolveBody(ANA, { outcome: "rejected" }));
    for (const action of ["approve", "return"] as const) {
      for (const k of [readOnly, writeOnly]) {
        const e = await expectError(await caseAction(k, run.case_id, action, { actor: BRUNO, note: NOTE }), { status: 403, code: "insufficient_scope" });
        expect(e.message).toContain("cases:approve");
      }
    }
    expect((await getCase(key, run.case_id)).status).toBe("pending_approval");
  });

  it("API keys get the case scopes only when asked for (not by default)", async () => {
    const { tenant } = await casesTenant();
    const { admin } = await import("./helpers/api");
    const res = await admin("POST", `/tenants/${tenant.id}/api-keys`, { name: "integração", environment: "test" });
    const created = await res.json<any>();
    expect(created.scopes).not.toContain("cases:read");
    expect(created.scopes).not.toContain("cases:write");
    expect(created.scopes).not.toContain("cases:approve");
    const withCases = await admin("POST", `/tenants/${tenant.id}/api-keys`, { name: "analistas", environment: "test", scopes: ["cases:read", "cases:write", "cases:approve"] });
    expect(withCases.status).toBe(201);
    expect((await withCases.json<any>()).scopes.sort()).toEqual(["cases:approve", "cases:read", "cases:write"]);
  });
});
