// False-positive memory, evidence checks at approval, and the case webhooks.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { sha256Hex } from "../src/lib/crypto";
import { sandboxPersonFor } from "../src/sources/sandbox";
import { signatureHeader } from "../src/webhooks/signature";
import { admin, call, createAndFinish, createKey, expectError } from "./helpers/api";
import { scriptedFetch, statusResponse, type ScriptedFetch } from "./helpers/scripted-fetch";
import { scriptLiveProviders } from "./helpers/live-providers";
import { networkDisabled, resetLiveTransport, setWebhookTransportForTests } from "./helpers/transports";
import {
  ALL_SCOPES,
  caseAction,
  caseActionOk,
  casesTenant,
  CPF,
  finishPf,
  getCase,
  NOTE,
  sanctionsReviewTemplate,
} from "./helpers/cases";

const fpRows = async (tenantId: string) =>
  (await env.DB.prepare("SELECT * FROM false_positives WHERE tenant_id = ?").bind(tenantId).all<Record<string, any>>()).results;

const analysisOf = async (key: string, runId: string) => (await (await call("GET", `/api/v1/bureau/runs/${runId}/analysis`, { key })).json<any>()).analysis;
const detailOf = async (key: string, runId: string) => (await (await call("GET", `/api/v1/bureau/runs/${runId}/detail`, { key })).json<any>()).sources;

describe("false-positive memory", () => {
  it("a PEP match resolved as false_positive is cleared in the subject's next run, which says so and names the case; another tenant still sees it", async () => {
    const { key, tenant, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const first = await finishPf(key, CPF.pep);
    const c = await getCase(key, first.case_id);
    expect(c.matches).toHaveLength(1);
    const match = c.matches[0];
    const resolved = await caseActionOk(key, first.case_id, "resolve", {
      outcome: "approved",
      reason_code: "false_positive",
      note: "Homônimo: o cargo é de outra pessoa com o mesmo nome.",
      actor: ANA,
      match_resolutions: [{ source: match.source, entity_id: match.entity_id, resolution: "false_positive" }],
    });
    expect(resolved.status).toBe("resolved");
    const memory = await fpRows(tenant.id);
    expect(memory).toHaveLength(1);
    expect(memory[0]).toMatchObject({ source: "pep_coaf", entity_key: "registro:1", record_hash: match.record_hash, case_id: first.case_id, resolved_by: ANA });
    // The subject is remembered by a keyed hash, never the clear document.
    expect(memory[0].subject_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(memory)).not.toContain("00000000453");
    expect(memory[0].subject_hash).not.toBe(await sha256Hex("pf:00000000453"));

    const second = await finishPf(key, CPF.pep);
    expect(second).toMatchObject({ decision: "approved", operative_decision: "approved", case_id: null, final_decision: null });
    expect(second.sources.find((s: any) => s.source === "pep_coaf").status).toBe("VALID");
    const finding = (await analysisOf(key, second.id)).findings.find((f: any) => f.title === "Correspondência descartada como falso positivo");
    expect(finding).toMatchObject({ source: "pep_coaf", severity: "info", evidence: { case_id: first.case_id, entity_id: "registro:1" } });
    expect(finding.description).toContain(first.case_id);
    const pep = (await detailOf(key, second.id)).find((s: any) => s.source === "pep_coaf");
    expect(pep.data.falsos_positivos_descartados).toEqual([
      { list: "cgu_pep", entity_id: "registro:1", name: sandboxPersonFor("00000000453").nome, record_hash: match.record_hash, case_id: first.case_id },
    ]);

    // Another tenant's memory is its own.
    const other = await casesTenant();
    expect((await finishPf(other.key, CPF.pep)).decision).toBe("review");
  });

  it("the memory no longer applies once the listed record changed; a true_match resolution withdraws it", async () => {
    const { key, tenant, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const first = await finishPf(key, CPF.pep);
    await caseActionOk(key, first.case_id, "resolve", {
      outcome: "approved",
      reason_code: "false_positive",
      note: "Homônimo: o cargo é de outra pessoa com o mesmo nome.",
      actor: ANA,
      match_resolutions: [{ source: "pep_coaf", entity_id: "registro:1", resolution: "false_positive" }],
    });
    // The record the analyst saw differs from the one the next run will see (as when the list updates the entry).
    await env.DB.prepare("UPDATE false_positives SET record_hash = ? WHERE tenant_id = ?").bind("0".repeat(64), tenant.id).run();
    const second = await finishPf(key, CPF.pep);
    expect(second.decision).toBe("review");
    expect((await analysisOf(key, second.id)).findings.map((f: any) => f.title)).not.toContain("Correspondência descartada como falso positivo");

    // This time the analyst confirms the match: the memory is withdrawn.
    await env.DB.prepare("UPDATE false_positives SET record_hash = (SELECT record_hash FROM false_positives WHERE tenant_id = ?) WHERE tenant_id = ?").bind(tenant.id, tenant.id).run();
    await caseActionOk(key, second.case_id, "resolve", {
      outcome: "rejected",
      reason_code: "other",
      note: "O cargo público confere com o cliente.",
      actor: ANA,
      match_resolutions: [{ source: "pep_coaf", entity_id: "registro:1", resolution: "true_match" }],
    });
    await caseActionOk(key, second.case_id, "approve", { actor: BRUNO });
    expect(await fpRows(tenant.id)).toEqual([]);
  });

  it("a sanctions false positive is remembered only once the four-eyes approval resolves the case", async () => {
    const { key, tenant, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const tpl = await sanctionsReviewTemplate(tenant.id);
    const first = await finishPf(key, CPF.ofac, tpl);
    const c = await getCase(key, first.case_id);
    const ofac = c.matches.find((m: any) => m.source === "ofac_sdn");
    expect(ofac).toMatchObject({ list: "OFAC SDN", entity_id: expect.stringMatching(/^nome:/), name: expect.any(String), score: 0.97 });
    await caseActionOk(key, first.case_id, "resolve", {
      outcome: "approved",
      reason_code: "false_positive",
      note: "Data de nascimento e nacionalidade divergem do registro da OFAC.",
      actor: ANA,
      match_resolutions: [{ source: "ofac_sdn", list: "OFAC SDN", entity_id: ofac.entity_id, resolution: "false_positive" }],
    });
    expect(await fpRows(tenant.id)).toEqual([]);
    const pending = await finishPf(key, CPF.ofac, tpl);
    expect(pending.decision).toBe("review");

    await caseActionOk(key, first.case_id, "approve", { actor: BRUNO });
    expect(await fpRows(tenant.id)).toHaveLength(1);
    const later = await finishPf(key, CPF.ofac, tpl);
    expect(later.decision).toBe("approved");
    const finding = (await analysisOf(key, later.id)).findings.find((f: any) => f.source === "ofac_sdn");
    expect(finding.title).toBe("Correspondência descartada como falso positivo");
    expect(finding.description).toContain(first.case_id);
    expect(finding.description).toContain("OFAC SDN");
  });
});

describe("false-positive memory of a provider record holding a CPF (live)", () => {
  afterEach(resetLiveTransport);

  /** Generic-protocol providers: every source VALID, except a PEP record whose fields include the subject's CPF. */
  const providers = (pepRecord: Record<string, unknown>) =>
    scriptLiveProviders((key) =>
      key === "pep_coaf" ? { status: "INVALID", data: pepRecord } : { data: key === "receita_federal_cpf" ? { nome: "MARIA SOUZA" } : {} },
    );

  it("the match resolved as false_positive (stored with the CPF masked) clears the same record in the subject's next run", async () => {
    const { tenant, ana } = await casesTenant();
    const key = await createKey(tenant.id, "live", ALL_SCOPES);
    providers({ Nome_PEP: "MARIA SOUZA", CPF_PEP: "529.982.247-25", Orgao: "Prefeitura de Exemplo", Cargo: "Secretária" });
    const body = { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" } };
    const first = await createAndFinish(key, body);
    expect(first.decision).toBe("review");
    const c = await getCase(key, first.case_id);
    expect(c.matches).toHaveLength(1);
    // What the case saw (and remembers) is the stored record: CPF masked.
    const stored = (await detailOf(key, first.id)).find((x: any) => x.source === "pep_coaf");
    expect(stored.data.CPF_PEP).toBe("***.982.247-**");
    await caseActionOk(key, first.case_id, "resolve", {
      outcome: "approved",
      reason_code: "false_positive",
      note: "Homônima: outra Maria Souza, cargo em outro município.",
      actor: ana,
      match_resolutions: [{ source: "pep_coaf", entity_id: c.matches[0].entity_id, resolution: "false_positive" }],
    });
    expect(await fpRows(tenant.id)).toHaveLength(1);

    const second = await createAndFinish(key, body);
    expect(second).toMatchObject({ decision: "approved", case_id: null });
    const finding = (await analysisOf(key, second.id)).findings.find((f: any) => f.title === "Correspondência descartada como falso positivo");
    expect(finding.evidence).toMatchObject({ case_id: first.case_id, record_hash: c.matches[0].record_hash });
  });
});

describe("evidence at approval", () => {
  /** A review run whose OFAC match points at a listed entity of the served list (as the list-backed adapter reports it). */
  async function listBackedCase() {
    const { key, tenant, ana: ANA, bruno: BRUNO } = await casesTenant();
    const tpl = await sanctionsReviewTemplate(tenant.id);
    const run = await finishPf(key, CPF.ofac, tpl);
    const entityId = `E-${crypto.randomUUID().slice(0, 8)}`;
    const row = await env.DB.prepare("SELECT result FROM runs WHERE id = ?").bind(run.id).first<{ result: string }>();
    const stored = JSON.parse(row!.result);
    const r = stored.results.find((x: any) => x.source === "ofac_sdn");
    r.data.matches = r.data.matches.map((m: any) => ({ ...m, list_id: "ofac_sdn", entity_id: entityId, record_hash: "r1" }));
    await env.DB.prepare("UPDATE runs SET result = ? WHERE id = ?").bind(JSON.stringify(stored), run.id).run();
    await putEntity(entityId, "v1", "r1");
    return { key, run, entityId, ANA, BRUNO };
  }

  async function putEntity(entityId: string, version: string, recordHash: string) {
    await env.DB.prepare("INSERT OR REPLACE INTO screening_version_members (list_id, sha256, entity_id, record_hash) VALUES ('ofac_sdn', ?, ?, ?)")
      .bind(version, entityId, recordHash)
      .run();
    await env.DB.prepare("UPDATE screening_lists SET current_sha256 = ?, status = 'ready' WHERE id = 'ofac_sdn'").bind(version).run();
  }

  const propose = (key: string, id: string, actor: string) =>
    caseActionOk(key, id, "resolve", { outcome: "approved", reason_code: "false_positive", note: NOTE, actor });

  it("409 evidence_changed when the listed entity's record changed between proposal and approval; a new proposal on the new record goes through", async () => {
    const { key, run, entityId, ANA, BRUNO } = await listBackedCase();
    expect((await getCase(key, run.case_id)).matches[0]).toMatchObject({ list: "ofac_sdn", entity_id: entityId, record_hash: "r1" });
    await propose(key, run.case_id, ANA);
    await putEntity(entityId, `v2-${entityId}`, "r2");
    await expectError(await caseAction(key, run.case_id, "approve", { actor: BRUNO }), { status: 409, code: "evidence_changed", type: "invalid_request_error" });
    expect((await getCase(key, run.case_id)).status).toBe("pending_approval");
    await caseActionOk(key, run.case_id, "return", { actor: BRUNO, note: "O registro da OFAC mudou; reanalise." });
    await propose(key, run.case_id, ANA);
    const done = await caseActionOk(key, run.case_id, "approve", { actor: BRUNO });
    expect(done.status).toBe("resolved");
  });

  it("a new list version with the entity's record unchanged keeps the evidence; the entity leaving the list changes it", async () => {
    const { key, run, entityId, ANA, BRUNO } = await listBackedCase();
    await propose(key, run.case_id, ANA);
    await putEntity(entityId, `v3-${entityId}`, "r1");
    expect((await caseActionOk(key, run.case_id, "approve", { actor: BRUNO })).status).toBe("resolved");

    const other = await listBackedCase();
    await propose(other.key, other.run.case_id, other.ANA);
    await env.DB.prepare("UPDATE screening_lists SET current_sha256 = 'empty-version' WHERE id = 'ofac_sdn'").run();
    await expectError(await caseAction(other.key, other.run.case_id, "approve", { actor: other.BRUNO }), { status: 409, code: "evidence_changed", type: "invalid_request_error" });
  });
});

describe("case webhooks", () => {
  let net: ScriptedFetch;
  beforeEach(() => {
    net = scriptedFetch();
    setWebhookTransportForTests({ fetch: net.fetch, firstAttemptDelayMs: 3_600_000, random: () => 0.5, timeoutMs: 10_000 });
  });
  afterAll(() => setWebhookTransportForTests({ fetch: networkDisabled("webhook"), firstAttemptDelayMs: 3_600_000 }));

  const HOOK = "https://hooks.example.com/cases";
  const eventsOf = async (runId: string) =>
    (await env.DB.prepare("SELECT id, type, payload, targets FROM webhook_events WHERE run_id = ? ORDER BY created_at, type").bind(runId).all<any>()).results;
  const delivery = (eventId: string, target: string) => env.WEBHOOKS.get(env.WEBHOOKS.idFromName(`${eventId}|${target}`));

  it("an endpoint subscribed to case events gets case.opened and case.resolved, signed, with the case as data.object", async () => {
    const { key, tenant, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const res = await admin("POST", `/tenants/${tenant.id}/webhook-endpoints`, { url: HOOK, environment: "test", events: ["run.completed", "case.opened", "case.resolved"] });
    expect(res.status).toBe(201);
    const endpoint = await res.json<any>();
    net.on(HOOK, statusResponse(200));

    const run = await finishPf(key, CPF.pep);
    const opened = (await eventsOf(run.id)).filter((e: any) => e.type === "case.opened");
    expect(opened).toHaveLength(1);
    expect(await runDurableObjectAlarm(delivery(opened[0].id, endpoint.id))).toBe(true);
    const req = net.calls.at(-1)!;
    expect(req.headers["kycert-event-id"]).toBe(opened[0].id);
    const t = Number(/t=(\d+)/.exec(req.headers["kycert-signature"])![1]);
    expect(req.headers["kycert-signature"]).toBe(await signatureHeader(endpoint.secret, t, req.body!));
    const envelope = JSON.parse(req.body!);
    expect(envelope).toMatchObject({ object: "event", event: "case.opened", livemode: false, data: { object: { id: run.case_id, object: "case", status: "open", run_id: run.id } } });
    expect(envelope.created).toBe(Math.floor(Date.parse(run.completed_at) / 1000));
    // The run's own event carries the case id, as GET /runs/{id} shows it.
    const runEvent = (await eventsOf(run.id)).find((e: any) => e.type === "run.completed");
    expect(JSON.parse(runEvent.payload).data.object).toEqual(run);

    await caseActionOk(key, run.case_id, "assign", { assignee: ANA, actor: ANA });
    await caseActionOk(key, run.case_id, "resolve", { outcome: "approved", reason_code: "documents_verified", note: NOTE, actor: ANA });
    const resolved = (await eventsOf(run.id)).filter((e: any) => e.type === "case.resolved");
    expect(resolved).toHaveLength(1);
    expect(await runDurableObjectAlarm(delivery(resolved[0].id, endpoint.id))).toBe(true);
    const body = JSON.parse(net.calls.at(-1)!.body!);
    expect(body).toMatchObject({ event: "case.resolved", data: { object: { id: run.case_id, status: "resolved", resolution: { outcome: "approved", resolved_by: ANA } } } });
    expect(body.data.object.events.map((e: any) => e.type)).toEqual(["opened", "assigned", "resolved"]);

    // A retried call repairs nothing twice: still one case.resolved event.
    await expectError(await caseAction(key, run.case_id, "approve", { actor: BRUNO }), { status: 409, code: "case_already_resolved", type: "invalid_request_error" });
    expect((await eventsOf(run.id)).filter((e: any) => e.type === "case.resolved")).toHaveLength(1);
  });

  it("a failed delivery is retried by its alarm", async () => {
    const { key, tenant, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const endpoint = await (await admin("POST", `/tenants/${tenant.id}/webhook-endpoints`, { url: HOOK, environment: "test", events: ["case.opened"] })).json<any>();
    net.on(HOOK, statusResponse(500));
    const run = await finishPf(key, CPF.pep);
    const [opened] = await eventsOf(run.id);
    expect(opened.type).toBe("case.opened");
    expect(await runDurableObjectAlarm(delivery(opened.id, endpoint.id))).toBe(true);
    net.on(HOOK, statusResponse(200));
    expect(await runDurableObjectAlarm(delivery(opened.id, endpoint.id))).toBe(true);
    expect(net.calls).toHaveLength(2);
    expect(await delivery(opened.id, endpoint.id).state()).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("endpoints created without `events` keep receiving run events only (case events are opted into)", async () => {
    const { key, tenant, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const endpoint = await (await admin("POST", `/tenants/${tenant.id}/webhook-endpoints`, { url: HOOK, environment: "test" })).json<any>();
    expect(endpoint.events).toEqual(["run.completed", "run.failed"]);
    const run = await finishPf(key, CPF.pep);
    expect((await eventsOf(run.id)).map((e: any) => e.type)).toEqual(["run.completed"]);
  });

  it("a run's own webhook_url receives its case events too", async () => {
    const { key, ana: ANA, bruno: BRUNO, carla: CARLA } = await casesTenant();
    const url = "http://receiver.example.com/run-hook";
    const res = await call("POST", "/api/v1/bureau/runs", { key, body: { template_id: "tpl_pf_padrao", parametros: { cpf: CPF.pep }, webhook_url: url } });
    const { run_id } = await res.json<any>();
    const { runToEnd } = await import("./helpers/api");
    await runToEnd(key, run_id);
    const types = (await eventsOf(run_id)).map((e: any) => [e.type, JSON.parse(e.targets)[0].key]);
    expect(types.sort()).toEqual([
      ["case.opened", "webhook_url"],
      ["run.completed", "webhook_url"],
    ]);
  });
});
