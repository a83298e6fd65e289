// Pure rules of review cases: which runs open one, four eyes, the state
// machine's refusals, the chain check, and the false-positive memory step.
import { describe, expect, it } from "vitest";
import {
  applyFalsePositiveMemory,
  caseIdForRun,
  caseReasonFor,
  checkChain,
  extractMatches,
  GENESIS_HASH,
  needsApproval,
  planApprove,
  planAssign,
  planResolve,
  planReturn,
  replayCase,
  verifyCaseRecord,
  withClearedMatchFindings,
  type CaseState,
  type CaseTransition,
  type HashedMatch,
  type StoredChainEvent,
} from "./cases";
import { DomainError } from "./errors";
import type { BureauRunAnalysis, SourceResult } from "./types";

const AT = "2026-11-30T12:00:00.000Z";
const base: CaseState = { id: "case_X", status: "open", reason: "review", assignee: null, proposal: null, resolution: null };
const facts = { sanctionsOrWarrant: false, evidence: "ev1", evidenceSha256: "sha1", now: AT };
const resolve = { outcome: "approved" as const, reason_code: "documents_verified" as const, note: "Documentos conferidos.", actor: "ana@x.com" };

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return "no error";
};

describe("which runs open a case", () => {
  it.each([
    ["review", "review", "review"],
    ["review", "hold", "hold"],
    ["approved", "hold", "hold"],
    ["rejected", "hold", "hold"],
    ["approved", "approved", null],
    ["rejected", "rejected", null],
    [null, null, null],
  ] as const)("decision %s, operative %s → %s", (d, o, want) => {
    expect(caseReasonFor(d, o)).toBe(want);
  });

  it("derives the case id from the run id", () => {
    expect(caseIdForRun("run_01JD0000000000000000000000")).toBe("case_01JD0000000000000000000000");
  });
});

describe("four eyes", () => {
  it.each([
    ["approved", "review", false, false],
    ["approved", "review", true, true],
    ["approved", "hold", false, true],
    ["rejected", "review", false, true],
    ["rejected", "hold", true, true],
  ] as const)("%s of a %s case (sanctions/warrant %s) needs approval: %s", (outcome, reason, sanctions, want) => {
    expect(needsApproval(outcome, reason, sanctions)).toBe(want);
  });
});

describe("state machine", () => {
  const pending = () => planResolve(base, { ...resolve, outcome: "rejected" }, facts);
  const pendingState = (): CaseState => {
    const t = pending();
    return { ...base, status: t.status, assignee: t.assignee, proposal: t.proposal };
  };

  it("resolve files a proposal or resolves; approve checks the proposer, the status and the evidence", () => {
    expect(planResolve(base, resolve, facts)).toMatchObject({ status: "resolved", resolution: { resolved_by: "ana@x.com", approved_by: null } });
    expect(pending()).toMatchObject({ status: "pending_approval", proposal: { by: "ana@x.com", evidence: "ev1" } });
    expect(code(() => planApprove(pendingState(), { actor: "ANA@x.com" }, facts))).toBe("four_eyes_required");
    expect(code(() => planApprove(pendingState(), { actor: "bia@x.com" }, { ...facts, evidence: "ev2" }))).toBe("evidence_changed");
    expect(planApprove(pendingState(), { actor: "bia@x.com" }, facts)).toMatchObject({
      status: "resolved",
      resolution: { outcome: "rejected", resolved_by: "ana@x.com", approved_by: "bia@x.com", resolved_at: AT },
    });
    expect(code(() => planApprove(base, { actor: "bia@x.com" }, facts))).toBe("case_not_pending");
    expect(code(() => planReturn(base, { actor: "bia@x.com", note: "Falta o documento." }))).toBe("case_not_pending");
    expect(code(() => planResolve(pendingState(), resolve, facts))).toBe("case_pending_approval");
  });

  it("a resolved case refuses every change", () => {
    const resolved: CaseState = { ...base, status: "resolved" };
    expect(code(() => planAssign(resolved, { assignee: "a@x.com", actor: "a@x.com" }))).toBe("case_already_resolved");
    expect(code(() => planResolve(resolved, resolve, facts))).toBe("case_already_resolved");
    expect(code(() => planApprove(resolved, { actor: "a@x.com" }, facts))).toBe("case_already_resolved");
    expect(code(() => planReturn(resolved, { actor: "a@x.com", note: "Falta o documento." }))).toBe("case_already_resolved");
  });

  it("a note of fewer than 10 characters (trimmed) is refused", () => {
    expect(code(() => planResolve(base, { ...resolve, note: " 123456789 " }, facts))).toBe("invalid_request");
    expect(planResolve(base, { ...resolve, note: "1234567890" }, facts).status).toBe("resolved");
  });

  it("assigning a case waiting for approval keeps it waiting", () => {
    expect(planAssign(pendingState(), { assignee: "b@x.com", actor: "b@x.com" })).toMatchObject({ status: "pending_approval", assignee: "b@x.com" });
  });
});

describe("chain check", () => {
  const e = (i: number, prev: string) => ({ id: `e${i}`, type: "t", actor: "a", at: AT, data: {}, prev_hash: prev, hash: `h${i}` });
  it("accepts linked events with their recomputed hashes and names the first bad one", () => {
    const chain = [e(1, GENESIS_HASH), e(2, "h1"), e(3, "h2")];
    expect(checkChain(chain, ["h1", "h2", "h3"])).toEqual({ ok: true });
    expect(checkChain(chain, ["h1", "hX", "h3"])).toEqual({ ok: false, brokenAt: 1 });
    expect(checkChain([chain[0], chain[2]], ["h1", "h3"])).toEqual({ ok: false, brokenAt: 1 });
  });
});

describe("the record replayed from its events", () => {
  /** Events as the planners write them, chained with made-up hashes (the domain checks links; the caller recomputes). */
  function record(transitions: ((s: CaseState) => CaseTransition)[]) {
    let state: CaseState = base;
    const events: StoredChainEvent[] = [
      { id: "e1", type: "opened", actor: "system", via: "system", key_id: null, user_id: null, at: AT, data: {}, prev_hash: GENESIS_HASH, hash: "h1", hash_version: 2 },
    ];
    for (const plan of transitions) {
      const t = plan(state);
      state = { ...state, status: t.status, assignee: t.assignee, proposal: t.proposal, resolution: t.resolution };
      const n = events.length + 1;
      events.push({ id: `e${n}`, type: t.event.type, actor: t.event.actor, via: "api", key_id: "key_1", user_id: null, at: AT, data: t.event.data, prev_hash: `h${n - 1}`, hash: `h${n}`, hash_version: 2 });
    }
    const row = { status: state.status, assignee: state.assignee, proposal: state.proposal, resolution: state.resolution, chain_head: events.at(-1)!.hash, chain_length: events.length };
    return { events, row, recomputed: events.map((e) => e.hash) };
  }
  const proposeReject = (s: CaseState) => planResolve(s, { ...resolve, outcome: "rejected" }, facts);
  const approveBy = (actor: string) => (s: CaseState) => planApprove(s, { actor }, facts);

  it("replays to exactly what the planners left in the row: assign, propose, return, propose, approve", () => {
    const r = record([
      (s) => planAssign(s, { assignee: "b@x.com", actor: "b@x.com" }),
      proposeReject,
      (s) => planReturn(s, { actor: "c@x.com", note: "Faltou o documento." }),
      proposeReject,
      approveBy("c@x.com"),
    ]);
    const { chain_head: _h, chain_length: _l, ...state } = r.row;
    expect(replayCase(r.events)).toEqual(state);
    expect(verifyCaseRecord({ ...r, anchor: null, finalDecision: "rejected" })).toEqual({ verified: true, problem: null, broken_at: null });
  });

  it("names what does not hold: a row edited, a length or head that differ, the run's final decision, an anchor the chain lost, a downgrade, unanchored legacy events", () => {
    const r = record([proposeReject, approveBy("c@x.com")]);
    const ok = { ...r, anchor: null, finalDecision: "rejected" as string | null };
    expect(verifyCaseRecord({ ...ok, row: { ...r.row, status: "open" } }).problem).toBe("state_mismatch");
    expect(verifyCaseRecord({ ...ok, row: { ...r.row, resolution: { ...r.row.resolution!, outcome: "approved" } } }).problem).toBe("state_mismatch");
    expect(verifyCaseRecord({ ...ok, row: { ...r.row, chain_length: 2 } }).problem).toBe("length_mismatch");
    expect(verifyCaseRecord({ ...ok, row: { ...r.row, chain_head: "h2" } }).problem).toBe("head_mismatch");
    expect(verifyCaseRecord({ ...ok, finalDecision: "approved" }).problem).toBe("final_decision_mismatch");
    expect(verifyCaseRecord({ ...ok, recomputed: ["h1", "hX", "h3"] })).toEqual({ verified: false, problem: "event_hash_mismatch", broken_at: 1 });
    expect(verifyCaseRecord({ ...ok, anchor: { length: 3, head: "h3" } }).verified).toBe(true);
    expect(verifyCaseRecord({ ...ok, anchor: { length: 4, head: "h4" } }).problem).toBe("anchor_mismatch");
    expect(verifyCaseRecord({ ...ok, anchor: { length: 2, head: "hZ" } }).problem).toBe("anchor_mismatch");
    const downgraded = r.events.map((e, i) => (i === 2 ? { ...e, hash_version: 1 as const } : e));
    expect(verifyCaseRecord({ ...ok, events: downgraded }).problem).toBe("hash_version_downgrade");
    const legacy = r.events.map((e, i) => (i < 2 ? { ...e, hash_version: 1 as const } : e));
    expect(verifyCaseRecord({ ...ok, events: legacy }).problem).toBe("unanchored_legacy_events");
    expect(verifyCaseRecord({ ...ok, events: legacy, anchor: { length: 1, head: "h1" } }).problem).toBe("unanchored_legacy_events");
    expect(verifyCaseRecord({ ...ok, events: legacy, anchor: { length: 2, head: "h2" } }).verified).toBe(true);
  });

  it("a sequence the state machine cannot produce does not replay", () => {
    const r = record([proposeReject]);
    expect(replayCase(r.events.slice(1))).toBeNull();
    expect(replayCase([r.events[0], { ...r.events[1], type: "returned" }, { ...r.events[1], type: "returned" }])).toBeNull();
  });
});

describe("false-positive memory step", () => {
  const result = (over: Partial<SourceResult>): SourceResult => ({
    source: "ofac_sdn",
    phase: "important",
    status: "INVALID",
    checks: { sancoes_ofac: "INVALID" },
    attempts: 1,
    duration_ms: 1,
    started_at: AT,
    completed_at: AT,
    ...over,
  });
  const twoMatches = result({
    data: {
      matches: [
        { nome: "José da Silva", lista: "OFAC SDN", score: 0.95 },
        { nome: "JOSE SILVA", entity_id: "36", list_id: "ofac_sdn", record_hash: "rh36", score: 0.9 },
      ],
    },
  });
  const hashed = (): HashedMatch[] =>
    extractMatches([twoMatches]).map(({ given_record_hash, record: _r, ...m }) => ({ ...m, record_hash: given_record_hash ?? "rh-name" }));

  it("keys matches by entity id, else by normalised name", () => {
    expect(hashed().map((m) => [m.list, m.entity_id])).toEqual([
      ["OFAC SDN", "nome:JOSE DA SILVA"],
      ["ofac_sdn", "36"],
    ]);
    // pep_coaf answers one record in `data`; VALID answers and other sources carry none.
    const pep = result({ source: "pep_coaf", checks: { pep_ativo: "INVALID" }, data: { cargo: "Secretário" } });
    expect(extractMatches([pep, { ...twoMatches, status: "VALID" }]).map((m) => m.entity_id)).toEqual(["registro:1"]);
  });

  it("clears only remembered matches with an unchanged record; the source turns VALID only when every match is cleared", () => {
    const memory = [{ source: "ofac_sdn", list: "ofac_sdn", entity_key: "36", record_hash: "rh36", case_id: "case_A" }];
    const partial = applyFalsePositiveMemory([twoMatches], hashed(), memory);
    expect(partial.cleared.map((c) => c.entity_id)).toEqual(["36"]);
    expect(partial.results[0].status).toBe("INVALID");
    expect((partial.results[0].data!.matches as unknown[]).length).toBe(1);

    const all = applyFalsePositiveMemory([twoMatches], hashed(), [
      ...memory,
      { source: "ofac_sdn", list: "OFAC SDN", entity_key: "nome:JOSE DA SILVA", record_hash: "rh-name", case_id: "case_B" },
    ]);
    expect(all.results[0]).toMatchObject({ status: "VALID", checks: { sancoes_ofac: "VALID" } });
    expect(all.results[0].data!.falsos_positivos_descartados).toHaveLength(2);

    const changed = applyFalsePositiveMemory([twoMatches], hashed(), [{ ...memory[0], record_hash: "old" }]);
    expect(changed.cleared).toEqual([]);
    expect(changed.results[0]).toBe(twoMatches);
  });

  it("adds one info finding per cleared match, naming the case", () => {
    const analysis = { findings: [], dimensions: [{ dimension: "sancoes", findings_count: 0 }] } as unknown as BureauRunAnalysis;
    const out = withClearedMatchFindings(analysis, [
      { source: "ofac_sdn", list: "ofac_sdn", entity_id: "36", name: "JOSE SILVA", record_hash: "rh36", case_id: "case_A" },
    ]);
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]).toMatchObject({ severity: "info", source: "ofac_sdn", evidence: { case_id: "case_A" } });
    expect(out.findings[0].description).toContain("case_A");
    expect(out.dimensions[0].findings_count).toBe(1);
  });
});
