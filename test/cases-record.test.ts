// Who may act on a case, and a record that holds up in an audit (contract §15,
// amended): actors are users of the tenant, approvals need an approver and the
// cases:approve scope, every event says through which door it came; the chain
// is keyed, the row keeps its head and length, anchors pin the heads in
// write-once R2, and any rewrite of the record reads `chain.verified: false`.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventHashInput } from "../src/domain/cases";
import { sha256Hex } from "../src/lib/crypto";
import { SANDBOX_SANCTIONED_PARTNER_CNPJ } from "../src/sources/sandbox";
import { admin, call, createAndFinish, createKey, expectError } from "./helpers/api";
import { caseAction, caseActionOk, casesTenant, CPF, finishPf, getCase, NOTE } from "./helpers/cases";

const resolveBody = (actor: string, over: Record<string, unknown> = {}) => ({ outcome: "approved", reason_code: "documents_verified", note: NOTE, actor, ...over });
const keyIdOf = async (tenantId: string) =>
  (await env.DB.prepare("SELECT id FROM api_keys WHERE tenant_id = ? ORDER BY created_at DESC LIMIT 1").bind(tenantId).first<{ id: string }>())!.id;
const chainOf = async (key: string, id: string) => (await getCase(key, id)).chain;
const anchorNow = async () => {
  const res = await admin("POST", "/audit/anchor");
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as { object: string; anchors: { id: string; key: string; sha256: string; chains: number; created_at: string }[] };
};

/** A case resolved through four eyes: opened, proposed (analyst), resolved (approver). */
async function resolvedCase() {
  const t = await casesTenant();
  const run = await finishPf(t.key, CPF.pep);
  await caseActionOk(t.key, run.case_id, "resolve", resolveBody(t.ana, { outcome: "rejected", reason_code: "risk_accepted" }));
  await caseActionOk(t.key, run.case_id, "approve", { actor: t.bruno });
  return { ...t, run, caseId: run.case_id as string };
}

describe("who may act", () => {
  it("an actor who is not a user of the tenant → 403 actor_not_allowed, whoever they are elsewhere; nothing changes", async () => {
    const { key } = await casesTenant();
    const other = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    for (const stranger of ["mallory@cliente.com.br", other.bruno]) {
      for (const [action, body] of [
        ["resolve", resolveBody(stranger)],
        ["assign", { assignee: stranger, actor: stranger }],
        ["approve", { actor: stranger }],
        ["return", { actor: stranger, note: NOTE }],
      ] as const) {
        const e = await expectError(await caseAction(key, run.case_id, action, body), { status: 403, code: "actor_not_allowed", param: "actor" });
        expect(e.message).toContain(stranger);
      }
    }
    expect((await getCase(key, run.case_id)).events).toHaveLength(1);
  });

  it("an analyst approving or returning → 403 actor_not_allowed; an approver approves (200) and the event records via api and the key", async () => {
    const { key, tenant, ana, bruno } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    await caseActionOk(key, run.case_id, "resolve", resolveBody(ana, { outcome: "rejected" }));
    for (const [action, body] of [
      ["approve", { actor: ana }],
      ["return", { actor: ana, note: NOTE }],
    ] as const) {
      const e = await expectError(await caseAction(key, run.case_id, action, body), { status: 403, code: "actor_not_allowed", param: "actor" });
      expect(e.message).toContain("analyst");
    }
    const done = await caseActionOk(key, run.case_id, "approve", { actor: bruno });
    expect(done.resolution).toMatchObject({ resolved_by: ana, approved_by: bruno });
    const keyId = await keyIdOf(tenant.id);
    expect(done.events.map((e: any) => [e.type, e.via, e.key_id, e.user_id])).toEqual([
      ["opened", "system", null, null],
      ["proposed", "api", keyId, null],
      ["resolved", "api", keyId, null],
    ]);
    expect((await getCase(key, run.case_id)).chain).toMatchObject({ verified: true });
  });

  it("a key without cases:approve cannot approve, even with an approver as actor (403 insufficient_scope)", async () => {
    const { key, tenant, ana, bruno } = await casesTenant();
    const writer = await createKey(tenant.id, "test", ["cases:read", "cases:write"]);
    const run = await finishPf(key, CPF.pep);
    await caseActionOk(writer, run.case_id, "resolve", resolveBody(ana, { outcome: "rejected" }));
    const e = await expectError(await caseAction(writer, run.case_id, "approve", { actor: bruno }), { status: 403, code: "insufficient_scope" });
    expect(e.message).toContain("cases:approve");
    expect((await getCase(key, run.case_id)).status).toBe("pending_approval");
  });

  it("an assignee must be a user of the tenant", async () => {
    const { key, ana } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    await expectError(await caseAction(key, run.case_id, "assign", { assignee: "ninguem@cliente.com.br", actor: ana }), {
      status: 400,
      code: "invalid_request",
      param: "assignee",
    });
  });
});

describe("a partner's sanctions hit follows four eyes", () => {
  it("a company whose partner is on OFAC: one analyst's approval waits for a second person (approver)", async () => {
    const { key, ana, bruno } = await casesTenant();
    const company = await createAndFinish(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: SANDBOX_SANCTIONED_PARTNER_CNPJ } }, 30);
    expect(company).toMatchObject({ status: "completed", decision: "review" });
    // The company's own sources are clean: only the partner's run found the sanction.
    expect(company.sources.filter((s: any) => s.status === "INVALID")).toEqual([]);
    const partner = await (await call("GET", `/api/v1/bureau/runs/${company.partner_runs[0].run_id}`, { key })).json<any>();
    expect(partner.sources.find((s: any) => s.source === "ofac_sdn").status).toBe("INVALID");

    const proposed = await caseActionOk(key, company.case_id, "resolve", resolveBody(ana, { reason_code: "false_positive" }));
    expect(proposed).toMatchObject({ status: "pending_approval", resolution: null, proposal: { outcome: "approved", by: ana } });
    const done = await caseActionOk(key, company.case_id, "approve", { actor: bruno });
    expect(done.resolution).toMatchObject({ outcome: "approved", resolved_by: ana, approved_by: bruno });
  });

  it("a company whose partner is only a PEP (no sanctions or warrant): an approval resolves at once", async () => {
    const { key, ana } = await casesTenant();
    const company = await createAndFinish(key, { template_id: "tpl_pj_padrao", parametros: { cnpj: "00.000.000/0003-57" } }, 30);
    expect(company.decision).toBe("review");
    const done = await caseActionOk(key, company.case_id, "resolve", resolveBody(ana));
    expect(done.status).toBe("resolved");
  });
});

describe("a record that resists rewriting", () => {
  it("an untouched record verifies: the chain's length and head are the row's", async () => {
    const { key, caseId } = await resolvedCase();
    const c = await getCase(key, caseId);
    expect(c.chain).toEqual({ length: 3, head: c.events[2].hash, verified: true, problem: null, anchor: null });
    const row = await env.DB.prepare("SELECT version, chain_head FROM cases WHERE id = ?").bind(caseId).first<any>();
    expect(row).toEqual({ version: 3, chain_head: c.events[2].hash });
  });

  it("editing the last event → verified false", async () => {
    const { key, caseId } = await resolvedCase();
    const e = await env.DB.prepare("SELECT data FROM case_events WHERE case_id = ? AND seq = 3").bind(caseId).first<{ data: string }>();
    await env.DB.prepare("UPDATE case_events SET data = ? WHERE case_id = ? AND seq = 3")
      .bind(JSON.stringify({ ...JSON.parse(e!.data), outcome: "approved" }), caseId)
      .run();
    expect(await chainOf(key, caseId)).toMatchObject({ verified: false, problem: "event_hash_mismatch" });
  });

  it("recomputing a plain SHA-256 over the edited last event (and the row's head) → verified false, with or without a version 1 marker", async () => {
    const { key, caseId } = await resolvedCase();
    const c = await getCase(key, caseId);
    const last = c.events[2];
    const forged = { ...last, data: { ...last.data, outcome: "approved" } };
    const hash = await sha256Hex(eventHashInput(forged));
    await env.DB.prepare("UPDATE case_events SET data = ?, hash = ? WHERE case_id = ? AND seq = 3").bind(JSON.stringify(forged.data), hash, caseId).run();
    await env.DB.prepare("UPDATE cases SET chain_head = ? WHERE id = ?").bind(hash, caseId).run();
    expect(await chainOf(key, caseId)).toMatchObject({ verified: false, problem: "event_hash_mismatch" });
    // Marked as a legacy (sha256) event: a version 1 event after keyed ones is a downgrade.
    await env.DB.prepare("UPDATE case_events SET hash_version = 1 WHERE case_id = ? AND seq = 3").bind(caseId).run();
    expect(await chainOf(key, caseId)).toMatchObject({ verified: false, problem: "hash_version_downgrade" });
  });

  it("deleting the last event → verified false; rewriting the row to match the shorter chain → still false once an anchor holds the longer one", async () => {
    const { key, caseId } = await resolvedCase();
    const anchored = await anchorNow();
    expect(anchored.anchors.length).toBeGreaterThan(0);
    const before = await getCase(key, caseId);
    expect(before.chain).toMatchObject({ verified: true, anchor: { length: 3 } });

    await env.DB.prepare("DELETE FROM case_events WHERE case_id = ? AND seq = 3").bind(caseId).run();
    expect(await chainOf(key, caseId)).toMatchObject({ verified: false, problem: "length_mismatch" });

    // The editor makes the row say what the two remaining events say: pending approval of the proposal.
    const proposed = before.events[1];
    const proposal = {
      outcome: proposed.data.outcome,
      reason_code: proposed.data.reason_code,
      note: proposed.data.note,
      by: proposed.actor,
      at: proposed.at,
      match_resolutions: proposed.data.match_resolutions,
      evidence: proposed.data.evidence,
      evidence_sha256: proposed.data.evidence_sha256,
    };
    await env.DB.prepare("UPDATE cases SET version = 2, chain_head = ?, status = 'pending_approval', proposal = ?, resolution = NULL WHERE id = ?")
      .bind(proposed.hash, JSON.stringify(proposal), caseId)
      .run();
    await env.DB.prepare("UPDATE runs SET final_decision = NULL WHERE id = ?").bind(before.run_id).run();
    expect(await chainOf(key, caseId)).toMatchObject({ length: 2, verified: false, problem: "anchor_mismatch" });
  });

  it("editing the case's status, its resolution or the run's final decision → verified false", async () => {
    const { key, caseId, run } = await resolvedCase();
    await env.DB.prepare("UPDATE cases SET status = 'open' WHERE id = ?").bind(caseId).run();
    expect(await chainOf(key, caseId)).toMatchObject({ verified: false, problem: "state_mismatch" });
    await env.DB.prepare("UPDATE cases SET status = 'resolved' WHERE id = ?").bind(caseId).run();
    expect(await chainOf(key, caseId)).toMatchObject({ verified: true });

    const row = await env.DB.prepare("SELECT resolution FROM cases WHERE id = ?").bind(caseId).first<{ resolution: string }>();
    await env.DB.prepare("UPDATE cases SET resolution = ? WHERE id = ?").bind(JSON.stringify({ ...JSON.parse(row!.resolution), outcome: "approved" }), caseId).run();
    expect(await chainOf(key, caseId)).toMatchObject({ verified: false, problem: "state_mismatch" });
    await env.DB.prepare("UPDATE cases SET resolution = ? WHERE id = ?").bind(row!.resolution, caseId).run();

    await env.DB.prepare("UPDATE runs SET final_decision = 'approved' WHERE id = ?").bind(run.id).run();
    expect(await chainOf(key, caseId)).toMatchObject({ verified: false, problem: "final_decision_mismatch" });
  });

  it("appending an event → verified false", async () => {
    const { key, caseId } = await resolvedCase();
    const c = await getCase(key, caseId);
    await env.DB.prepare(
      "INSERT INTO case_events (case_id, seq, id, type, actor, via, at, data, prev_hash, hash, hash_version) VALUES (?, 4, ?, 'returned', 'x@y.com', 'api', ?, '{}', ?, ?, 2)",
    )
      .bind(caseId, `${c.events[2].id}x`, new Date().toISOString(), c.events[2].hash, "f".repeat(64))
      .run();
    expect(await chainOf(key, caseId)).toMatchObject({ verified: false, problem: "event_hash_mismatch" });
  });

  it("a record that no longer holds takes no new event: 409 case_record_invalid", async () => {
    const { key, ana } = await casesTenant();
    const run = await finishPf(key, CPF.pep);
    await env.DB.prepare("UPDATE cases SET status = 'in_review', assignee = ? WHERE id = ?").bind(ana, run.case_id).run();
    await expectError(await caseAction(key, run.case_id, "resolve", resolveBody(ana)), { status: 409, code: "case_record_invalid", type: "invalid_request_error" });
    expect((await getCase(key, run.case_id)).events).toHaveLength(1);
  });
});

describe("audit anchors", () => {
  it("POST /admin/v1/audit/anchor writes every changed chain's head once to a write-once R2 object; nothing changed → no object", async () => {
    const { key, caseId } = await resolvedCase();
    const first = await anchorNow();
    expect(first.object).toBe("audit_anchor_run");
    const mine = first.anchors.find(() => true)!;
    expect(mine).toMatchObject({ id: expect.stringMatching(/^anc_/), key: expect.stringMatching(/^audit\/anchors\/\d{4}-\d{2}-\d{2}\/anc_.+\.json$/) });
    const obj = await env.REPORTS.get(mine.key);
    const text = await obj!.text();
    expect(await sha256Hex(text)).toBe(mine.sha256);
    const c = await getCase(key, caseId);
    const all = await Promise.all(first.anchors.map(async (a) => JSON.parse(await (await env.REPORTS.get(a.key))!.text())));
    expect(all.flatMap((a) => a.chains)).toContainEqual({ case_id: caseId, length: 3, head: c.events[2].hash });
    expect(c.chain.anchor).toMatchObject({ length: 3, id: expect.stringMatching(/^anc_/) });

    // Write-once: the same key cannot be overwritten.
    expect(await env.REPORTS.put(mine.key, "{}", { onlyIf: { etagDoesNotMatch: "*" } })).toBeNull();
    expect(await (await env.REPORTS.get(mine.key))!.text()).toBe(text);

    expect((await anchorNow()).anchors).toEqual([]);
  });

  it("cases recorded before the keyed chain (sha256 events, hash_version 1) verify only once an anchor pins them; a full sha256 rewrite after that is caught", async () => {
    const { key, caseId } = await resolvedCase();
    // What such a case looks like after migration 0011 (case_chain_backfill): every event version 1, the row's head backfilled.
    const events = (await getCase(key, caseId)).events;
    let prev = "0".repeat(64);
    for (const [i, e] of events.entries()) {
      const hash = await sha256Hex(eventHashInput({ ...e, prev_hash: prev }));
      await env.DB.prepare("UPDATE case_events SET via = NULL, key_id = NULL, user_id = NULL, prev_hash = ?, hash = ?, hash_version = 1 WHERE case_id = ? AND seq = ?")
        .bind(prev, hash, caseId, i + 1)
        .run();
      prev = hash;
    }
    await env.DB.prepare("UPDATE cases SET chain_head = ?, anchored_length = 0 WHERE id = ?").bind(prev, caseId).run();
    expect(await chainOf(key, caseId)).toMatchObject({ verified: false, problem: "unanchored_legacy_events" });

    await anchorNow();
    expect(await chainOf(key, caseId)).toMatchObject({ verified: true, problem: null, anchor: { length: 3 } });
    // New events on a legacy chain are keyed; the legacy prefix stays pinned by the anchor.

    // Anyone can recompute sha256: rewrite the proposal's note and every hash after it, and the row's head.
    const legacy = (await getCase(key, caseId)).events;
    prev = legacy[0].hash;
    for (const e of legacy.slice(1)) {
      const data = e.type === "proposed" ? { ...e.data, note: "Aprovado pelo diretor." } : e.data;
      const hash = await sha256Hex(eventHashInput({ ...e, data, prev_hash: prev }));
      await env.DB.prepare("UPDATE case_events SET data = ?, prev_hash = ?, hash = ? WHERE id = ?").bind(JSON.stringify(data), prev, hash, e.id).run();
      prev = hash;
    }
    await env.DB.prepare("UPDATE cases SET chain_head = ? WHERE id = ?").bind(prev, caseId).run();
    expect(await chainOf(key, caseId)).toMatchObject({ verified: false, problem: "anchor_mismatch" });
  });
});
