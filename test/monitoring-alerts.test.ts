// Monitoring alerts (contract §17): first screenings and re-screens on new list
// versions, one alert per (subject, entity, record) even under retries, cases,
// false-positive memory, delisting, PEP grace, stopped subjects, document lists,
// webhooks, and the same answer as the onboarding search.
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { handlePepGrace } from "../src/monitoring/maintenance";
import { consumeMonitoringBatch, handleMonitoringMessage } from "../src/monitoring/queue";
import type { MonitoringMessage } from "../src/monitoring/messages";
import { onListVersionCurrent } from "../src/monitoring/rescreen";
import type { ListEntity } from "../src/screening/types";
import { admin, call, expectError } from "./helpers/api";
import { caseAction, getCase, NOTE } from "./helpers/cases";
import { alertsOf, drainMonitoring, enrolOk, freshCpf, monitoringEnv, monitoringTenant, publishVersion, takeSent } from "./helpers/monitoring";
import { listed, type LoadedVersion } from "./helpers/screening-seed";
import { scriptedFetch, type ScriptedFetch } from "./helpers/scripted-fetch";
import { networkDisabled, setWebhookTransportForTests } from "./helpers/transports";

const A = "/api/v1/monitoring/alerts";
const CPF = "529.982.247-25";

let n = 0;
/** A name no other test of the file lists (every list version here replaces the previous one). */
const person = (name: string, extra: Partial<ListEntity> = {}) => listed({ list: "un_sc", entity_id: `UN-${++n}`, name, birth_dates: ["1970-03-04"], ...extra });

/** Publishes a new UN version and drains the queue (the plan, its pages, its batches). */
async function publishUn(entities: ListEntity[], previous: LoadedVersion | null): Promise<LoadedVersion> {
  const v = await publishVersion("un_sc", entities, previous);
  await drainMonitoring();
  return v;
}

const countRows = async (sql: string, ...args: unknown[]) => (await env.DB.prepare(sql).bind(...args).first<{ n: number }>())!.n;

describe("re-screening on a new list version", () => {
  it("a version that lists a monitored customer alerts once, opens a monitoring case; the same version again, or one where the entity did not change, alerts nobody", async () => {
    const karim = person("Karim Nassar Haddad");
    const base = await publishUn([karim], null);
    const { key } = await monitoringTenant();
    const s = await enrolOk(key, { document: freshCpf(), name: "Walid Omar Farouk", birth_date: "1970-03-04", nationality: "EG" });
    await drainMonitoring();
    expect(await alertsOf(key)).toEqual([]);

    const walid = person("Walid Omar Farouk", { nationalities: ["EG"] });
    const v2 = await publishUn([karim, walid], base);
    const alerts = await alertsOf(key);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      object: "monitoring_alert",
      subject_id: s.id,
      kind: "match_created",
      list: "un_sc",
      entity_id: walid.entity_id,
      matched_name: "Walid Omar Farouk",
      strength: "strong",
      status: "open",
      list_version: { sha256: v2.sha256 },
      livemode: false,
    });
    expect(alerts[0].reasons).toEqual(expect.arrayContaining(["birth_date_match", "nationality_match"]));
    // The review case: reason monitoring, linked to the alert and the subject, no run.
    const kase = await getCase(key, alerts[0].case_id);
    expect(kase).toMatchObject({ reason: "monitoring", run_id: null, alert_id: alerts[0].id, subject_id: s.id, status: "open" });
    expect(kase.matches).toEqual([expect.objectContaining({ source: "un_sanctions", list: "un_sc", entity_id: walid.entity_id })]);
    expect(kase.chain.verified).toBe(true);
    const subject = (await (await call("GET", `/api/v1/monitoring/subjects/${s.id}`, { key })).json()) as Record<string, any>;
    expect(subject.open_alerts).toBe(1);

    // The same switch announced again (a retried ingest step), then a version where Walid's record did not change.
    await onListVersionCurrent(monitoringEnv(), { list: "un_sc", sha256: v2.sha256, previous_sha256: base.sha256 });
    await drainMonitoring();
    await publishUn([karim, walid, person("Someone Else Entirely")], v2);
    expect(await alertsOf(key)).toHaveLength(1);
    expect(await countRows("SELECT count(*) AS n FROM cases WHERE subject_id = ?", s.id)).toBe(1);
  });

  it("a changed record that still matches alerts match_updated and closes the older alert", async () => {
    const { key } = await monitoringTenant();
    const entity = person("Farid Abdel Karim");
    const v1 = await publishUn([entity], null);
    const s = await enrolOk(key, { document: freshCpf(), name: "Farid Abdel Karim", birth_date: "1970" });
    await drainMonitoring();
    const [first] = await alertsOf(key);
    expect(first).toMatchObject({ kind: "match_created", subject_id: s.id });
    await publishUn([{ ...entity, programs: ["QDi.999"] }], v1);
    const alerts = await alertsOf(key);
    expect(alerts.map((a) => [a.kind, a.status])).toEqual([
      ["match_updated", "open"],
      ["match_created", "closed"],
    ]);
    expect(alerts[1].case_id).not.toBe(alerts[0].case_id);
  });

  it("a removed entity closes its open alerts with entity_delisted (no new case)", async () => {
    const { key } = await monitoringTenant();
    const entity = person("Yusuf Ibrahim Salah");
    const v1 = await publishUn([entity, person("Keeps The List Non Empty")], null);
    await enrolOk(key, { document: freshCpf(), name: "Yusuf Ibrahim Salah", birth_date: "1970-03-04" });
    await drainMonitoring();
    expect((await alertsOf(key)).map((a) => a.kind)).toEqual(["match_created"]);
    const cases = await countRows("SELECT count(*) AS n FROM cases WHERE reason = 'monitoring'");
    await publishUn([person("Keeps The List Non Empty")], v1);
    const alerts = await alertsOf(key);
    expect(alerts.map((a) => [a.kind, a.status, a.entity_id])).toEqual([
      ["entity_delisted", "closed", entity.entity_id],
      ["match_created", "closed", entity.entity_id],
    ]);
    expect(alerts[0].case_id).toBe(alerts[1].case_id);
    expect(await countRows("SELECT count(*) AS n FROM cases WHERE reason = 'monitoring'")).toBe(cases);
    expect((await alertsOf(key, "status=open"))).toEqual([]);
  });

  it("a stopped subject gets no alert", async () => {
    const { key } = await monitoringTenant();
    const v1 = await publishUn([person("Placeholder Entity Name")], null);
    const s = await enrolOk(key, { document: freshCpf(), name: "Hamid Rashid Qasim", birth_date: "1970" });
    await drainMonitoring();
    expect((await call("DELETE", `/api/v1/monitoring/subjects/${s.id}`, { key })).status).toBe(200);
    await publishUn([person("Placeholder Entity Name"), person("Hamid Rashid Qasim")], v1);
    expect(await alertsOf(key)).toEqual([]);

    // Nor a closing one: a subject alerted, then stopped, hears nothing when the entity leaves the list.
    const listedThen = person("Rami Bashir Khoury");
    const v2 = await publishUn([person("Placeholder Entity Name"), listedThen], null);
    const t = await enrolOk(key, { document: freshCpf(), name: "Rami Bashir Khoury", birth_date: "1970" });
    await drainMonitoring();
    expect((await alertsOf(key)).map((a) => a.kind)).toEqual(["match_created"]);
    expect((await call("DELETE", `/api/v1/monitoring/subjects/${t.id}`, { key })).status).toBe(200);
    await publishUn([person("Placeholder Entity Name")], v2);
    expect((await alertsOf(key)).map((a) => a.kind)).toEqual(["match_created"]);
  });

  it("a consumer that dies mid-batch is retried and makes no duplicate: the alert, its case and its webhook event once", async () => {
    const { key } = await monitoringTenant();
    const v1 = await publishUn([person("Placeholder For Retries")], null);
    await enrolOk(key, { document: freshCpf(), name: "Tariq Mahmoud Aziz", birth_date: "1970" });
    await drainMonitoring();
    await publishVersion("un_sc", [person("Placeholder For Retries"), person("Tariq Mahmoud Aziz")], v1);
    // Plan the re-screen; keep its batches.
    const plan = takeSent();
    for (const m of plan) await handleMonitoringMessage(monitoringEnv(), m);
    const batches = takeSent().filter((m) => m.t === "rescreen");
    expect(batches).toHaveLength(1);

    // 1. D1 fails on the batch's write: the message is retried (not acked), nothing is written.
    let failures = 1;
    const flaky = { ...monitoringEnv(), DB: { prepare: (q: string) => env.DB.prepare(q), batch: async (s: D1PreparedStatement[]) => (failures-- > 0 ? Promise.reject(new Error("injected: D1 batch failed")) : env.DB.batch(s)) } } as unknown as Env;
    const batch = createMessageBatch<MonitoringMessage>("kycert-monitoring", [{ id: "m1", timestamp: new Date(), attempts: 1, body: batches[0] }]);
    const ctx = createExecutionContext();
    await consumeMonitoringBatch(batch, flaky);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m1"]);
    expect(await alertsOf(key)).toEqual([]);

    // 2. The retry commits; 3. the isolate dies after the commit, before the ack: delivered again.
    const retry = createMessageBatch<MonitoringMessage>("kycert-monitoring", [{ id: "m1", timestamp: new Date(), attempts: 2, body: batches[0] }]);
    await consumeMonitoringBatch(retry, flaky);
    expect((await getQueueResult(retry, createExecutionContext())).explicitAcks).toEqual(["m1"]);
    await handleMonitoringMessage(monitoringEnv(), batches[0]);
    await handleMonitoringMessage(monitoringEnv(), batches[0]);

    const alerts = await alertsOf(key);
    expect(alerts).toHaveLength(1);
    expect(await countRows("SELECT count(*) AS n FROM cases WHERE alert_id = ?", alerts[0].id)).toBe(1);
    expect(await countRows("SELECT count(*) AS n FROM case_events WHERE case_id = ?", alerts[0].case_id)).toBe(1);
    await drainMonitoring();
  });

  it("a first screening overtaken by a new version (its re-screen ran while the screening was under way) is screened again against it", async () => {
    const { key } = await monitoringTenant();
    const v1 = await publishUn([person("Placeholder Before Race")], null);
    const listedMeanwhile = person("Karim Yousef Mansour");
    const s = await enrolOk(key, { document: freshCpf(), name: "Karim Yousef Mansour", birth_date: "1970" });
    const [screen] = takeSent();
    expect(screen).toMatchObject({ t: "screen", subjects: [s.id] });
    // The engine answers the first screening against v1; before it commits, v2 (listing the customer) becomes
    // current and its whole re-screen runs — passing the subject by, whose first screening is still to come.
    let v2: LoadedVersion | null = null;
    const racing = {
      ...monitoringEnv(),
      ENGINE: new Proxy(env.ENGINE, {
        get: (engine, prop) => async (...args: unknown[]) => {
          const answer = await (engine as unknown as Record<PropertyKey, (...a: unknown[]) => Promise<unknown>>)[prop](...args);
          if (prop === "monitoringScreen" && !v2) {
            v2 = await publishVersion("un_sc", [person("Placeholder Before Race"), listedMeanwhile], v1);
            await drainMonitoring();
          }
          return answer;
        },
      }),
    } as unknown as Env;
    await handleMonitoringMessage(racing, screen);
    expect(v2).not.toBeNull();
    expect(await alertsOf(key)).toEqual([]);
    // The screening saw it was overtaken: the subject is screened again, against v2 only.
    const again = await drainMonitoring();
    expect(again).toEqual([expect.objectContaining({ t: "screen", subjects: [s.id] })]);
    const alerts = await alertsOf(key);
    expect(alerts.map((a) => [a.kind, a.subject_id, a.entity_id])).toEqual([["match_created", s.id, listedMeanwhile.entity_id]]);
  });

  it("a version with nothing changed (the same entities, reordered) completes its re-screen at once, and its subjects show they were covered", async () => {
    const a = person("Nadia Suleiman Haddad");
    const b = person("Omar Khalil Mansour");
    const v1 = await publishUn([a, b], null);
    const { key } = await monitoringTenant();
    const s = await enrolOk(key, { document: freshCpf(), name: "Layla Hassan Aziz", birth_date: "1980-01-01" });
    await drainMonitoring();
    const screened = (await (await call("GET", `/api/v1/monitoring/subjects/${s.id}`, { key })).json<any>()).last_screened_at;
    expect(screened).toEqual(expect.any(String));

    const later = new Date(Date.now() + 60_000);
    const v2 = await publishVersion("un_sc", [b, a], v1);
    await drainMonitoring({ now: later });
    const job = await env.DB.prepare("SELECT status, batches, completed_at FROM monitoring_rescreens WHERE list_id = 'un_sc' AND sha256 = ?").bind(v2.sha256).first();
    expect(job).toEqual({ status: "completed", batches: 0, completed_at: later.toISOString() });
    const subject = await (await call("GET", `/api/v1/monitoring/subjects/${s.id}`, { key })).json<any>();
    expect(subject.last_screened_at).toBe(later.toISOString());
    expect(await alertsOf(key)).toEqual([]);
  });

  it("a version's plan delivered again after the list moved on is the same plan: nothing new, no failure", async () => {
    const v1 = await publishUn([person("Placeholder Moved On")], null);
    await publishUn([person("Placeholder Moved On"), person("Another Listed Name")], v1);
    // As publishUn announced it (no previous version).
    const again: MonitoringMessage = { t: "version", list: "un_sc", sha256: v1.sha256, previous_sha256: null };
    const before = await countRows("SELECT count(*) AS n FROM monitoring_rescreens WHERE list_id = 'un_sc' AND sha256 = ?", v1.sha256);
    for (let i = 0; i < 2; i++) await handleMonitoringMessage(monitoringEnv(), again, new Date(Date.now() + (i + 1) * 60_000));
    expect(takeSent()).toEqual([]);
    expect(await countRows("SELECT count(*) AS n FROM monitoring_rescreens WHERE list_id = 'un_sc' AND sha256 = ?", v1.sha256)).toBe(before);
  });

  it("a subject enrolled while a re-screen runs is screened against the new version exactly once", async () => {
    const { key } = await monitoringTenant();
    const v1 = await publishUn([person("Placeholder During Rescreen")], null);
    const listedNow = person("Samir Khalil Nasser");
    // The version switches; its re-screen is queued but has not run when the customer is enrolled.
    await publishVersion("un_sc", [person("Placeholder During Rescreen"), listedNow], v1);
    const s = await enrolOk(key, { document: freshCpf(), name: "Samir Khalil Nasser", birth_date: "1970" });
    const handled = await drainMonitoring();
    expect(handled.map((m) => m.t)).toEqual(["version", "screen", "page", "rescreen"]);
    const alerts = await alertsOf(key);
    expect(alerts.map((a) => [a.kind, a.subject_id, a.entity_id])).toEqual([["match_created", s.id, listedNow.entity_id]]);
    expect(await countRows("SELECT count(*) AS n FROM cases WHERE subject_id = ?", s.id)).toBe(1);
    // The re-screen's batch passed the subject by: its first screening had covered the version.
    const batch = await env.DB.prepare("SELECT skipped FROM monitoring_batches WHERE batch LIKE 'rescreen:%' ORDER BY done_at DESC LIMIT 1").first<{ skipped: number }>();
    expect(batch!.skipped).toBeGreaterThanOrEqual(1);

    // The other order: the re-screen's batch runs before the new subject's first screening.
    const { key: key2 } = await monitoringTenant();
    const listedLater = person("Nabil Fares Haddad");
    const v3 = await publishVersion("un_sc", [person("Placeholder During Rescreen"), listedNow, listedLater], null);
    void v3;
    const s2 = await enrolOk(key2, { document: freshCpf(), name: "Nabil Fares Haddad", birth_date: "1970" });
    const queued = takeSent();
    const screen = queued.filter((m) => m.t === "screen");
    for (const m of queued.filter((m) => m.t !== "screen")) await handleMonitoringMessage(monitoringEnv(), m);
    await drainMonitoring();
    for (const m of screen) await handleMonitoringMessage(monitoringEnv(), m);
    await drainMonitoring();
    expect((await alertsOf(key2)).map((a) => [a.subject_id, a.entity_id])).toEqual([[s2.id, listedLater.entity_id]]);
  });
});

describe("false-positive memory", () => {
  it("a pair resolved false_positive stays quiet for that customer — even enrolled again after its data was erased — until the listed record changes", async () => {
    const { tenant, key, ana, bruno } = await monitoringTenant();
    const entity = person("Omar Said Mansour", { birth_dates: [] });
    const v1 = await publishUn([entity], null);
    const omar = freshCpf();
    const s = await enrolOk(key, { document: omar, name: "Omar Said Mansour" });
    await drainMonitoring();
    const [alert] = await alertsOf(key);
    expect(alert.strength).toBe("possible");
    // The analyst clears it as a homonym. A sanctions list: the approval waits for a second person.
    const resolved = await caseAction(key, alert.case_id, "resolve", {
      outcome: "approved",
      reason_code: "false_positive",
      note: NOTE,
      actor: ana,
      match_resolutions: [{ source: "un_sanctions", list: "un_sc", entity_id: entity.entity_id, resolution: "false_positive" }],
    });
    expect(resolved.status).toBe(200);
    expect(((await resolved.json()) as { status: string }).status).toBe("pending_approval");
    expect((await caseAction(key, alert.case_id, "approve", { actor: bruno })).status).toBe(200);

    // Stopped, erased (retention 0), enrolled again: a new subject, the same document.
    expect((await admin("PATCH", `/tenants/${tenant.id}`, { monitoring_retention_days: 0 })).status).toBe(200);
    expect((await call("DELETE", `/api/v1/monitoring/subjects/${s.id}`, { key })).status).toBe(200);
    await env.DB.prepare("UPDATE monitored_subjects SET erase_after = ? WHERE id = ?").bind(new Date(Date.now() - 1000).toISOString(), s.id).run();
    const { eraseExpired } = await import("../src/monitoring/maintenance");
    const { createDb } = await import("../src/db/client");
    expect(await eraseExpired(createDb(env.DB), new Date().toISOString())).toBeGreaterThanOrEqual(1);
    const again = await enrolOk(key, { document: omar, name: "Omar Said Mansour" });
    expect(again.id).not.toBe(s.id);
    await drainMonitoring();
    expect((await alertsOf(key, `subject_id=${again.id}`))).toEqual([]);

    // The record changes: the memory no longer holds.
    await publishUn([{ ...entity, programs: ["QDi.123"] }], v1);
    expect((await alertsOf(key, `subject_id=${again.id}`)).map((a) => a.kind)).toEqual(["match_created"]);
  });
});

describe("PEPs and document lists", () => {
  it("a PEP whose grace period ends gives pep_grace_ended, which closes the alert", async () => {
    const { key } = await monitoringTenant();
    const pep = listed({
      list: "cgu_pep",
      entity_id: "PEP-1",
      name: "JOANA DARC PEREIRA LIMA",
      documents: [{ kind: "cpf_masked", value: "982247" }],
      details: { funcao: "Prefeita", fim_exercicio: "2021-12-31", fim_carencia: "2099-12-31" }, // ends long after any run of this test
    });
    await publishVersion("cgu_pep", [pep], null);
    await drainMonitoring();
    await enrolOk(key, { document: CPF, name: "Joana Darc Pereira Lima" });
    await drainMonitoring();
    const [alert] = await alertsOf(key);
    expect(alert).toMatchObject({ kind: "match_created", list: "cgu_pep", strength: "strong" });
    expect(alert.reasons).toContain("masked_cpf_match");
    expect(await handlePepGrace(monitoringEnv(), { t: "pep_grace", day: "2099-12-31" })).toBe(0);
    expect(await handlePepGrace(monitoringEnv(), { t: "pep_grace", day: "2100-01-01" })).toBe(1);
    expect(await handlePepGrace(monitoringEnv(), { t: "pep_grace", day: "2100-01-02" })).toBe(0);
    expect((await alertsOf(key)).map((a) => [a.kind, a.status])).toEqual([
      ["pep_grace_ended", "closed"],
      ["match_created", "closed"],
    ]);
  });

  it("document lists look subjects up by document: an equal CPF (through the keyed hash), a CNPJ branch; a name alone or other digits never alert", async () => {
    const { key } = await monitoringTenant();
    await enrolOk(key, { document: CPF, name: "Roberto Alves Nunes" });
    await enrolOk(key, { document: "111.444.777-35", name: "Paulo Mendes Rocha" });
    await enrolOk(key, { document: "11.222.333/0001-81", name: "Construtora Exemplo Ltda" });
    await drainMonitoring();
    await publishVersion(
      "cgu_ceis",
      [
        listed({ list: "cgu_ceis", entity_id: "CEIS-1", name: "ROBERTO A NUNES", documents: [{ kind: "cpf", value: "52998224725" }] }),
        listed({ list: "cgu_ceis", entity_id: "CEIS-2", name: "PAULO MENDES ROCHA", documents: [{ kind: "cpf", value: "39053344705" }] }),
        listed({ list: "cgu_ceis", entity_id: "CEIS-3", name: "CONSTRUTORA EXEMPLO FILIAL", entity_type: "organization", documents: [{ kind: "cnpj", value: "11222333000262" }] }),
        listed({ list: "cgu_ceis", entity_id: "CEIS-4", name: "PAULO MENDES ROCHA" }),
      ],
      null,
    );
    await drainMonitoring();
    const alerts = await alertsOf(key);
    expect(alerts.map((a) => [a.entity_id, a.strength]).sort()).toEqual([
      ["CEIS-1", "strong"],
      ["CEIS-3", "strong"],
    ]);
    expect(alerts.find((a) => a.entity_id === "CEIS-1")!.reasons).toContain("cpf_match");
    expect(alerts.find((a) => a.entity_id === "CEIS-3")!.reasons).toContain("cnpj_root_match");
  });
});

describe("the same answer as onboarding", () => {
  it("the onboarding search and the re-screen agree on the same subject × entity: name, score, strength, reasons", async () => {
    const { tenant, key } = await monitoringTenant();
    const searchKey = (await (await admin("POST", `/tenants/${tenant.id}/api-keys`, { name: "s", environment: "test", scopes: ["screening:read"] })).json()) as { key: string };
    const subject = { name: "Abdel Rahman Al Sayed", birth_date: "1970-03", nationality: "SY" };
    const entity = person("ABDUL RAHMAN AL-SAYYID", { birth_dates: ["1970"], nationalities: ["SY"], aliases: [{ name: "Abd al-Rahman Sayed", weak: true }] });
    const v1 = await publishUn([person("Placeholder Same Answer")], null);
    const cpf = freshCpf();
    await enrolOk(key, { document: cpf, ...subject });
    await drainMonitoring();
    await publishUn([person("Placeholder Same Answer"), entity], v1);
    const [alert] = await alertsOf(key);
    expect(alert).toBeDefined();
    const search = await call("POST", "/api/v1/screening/search", { key: searchKey.key, body: { ...subject, document: cpf, lists: ["un_sc"], type: "pf" } });
    expect(search.status).toBe(200);
    const found = ((await search.json()) as { matches: Record<string, any>[] }).matches.find((m) => m.entity_id === entity.entity_id)!;
    expect(found).toBeDefined();
    expect({ matched_name: alert.matched_name, score: alert.score, strength: alert.strength, reasons: alert.reasons }).toEqual({
      matched_name: found.matched_name,
      score: found.score,
      strength: found.strength,
      reasons: found.reasons,
    });
  });
});

describe("monitoring.alert webhooks", () => {
  let net: ScriptedFetch;
  beforeEach(() => {
    net = scriptedFetch();
    setWebhookTransportForTests({ fetch: net.fetch, firstAttemptDelayMs: 3_600_000, random: () => 0.5, timeoutMs: 10_000 });
  });
  afterAll(() => setWebhookTransportForTests({ fetch: networkDisabled("webhook"), firstAttemptDelayMs: 3_600_000 }));

  it("endpoints that opted in get the alert, signed; the others do not", async () => {
    const { tenant, key } = await monitoringTenant();
    const hook = "https://hooks.example.com/monitoring";
    const subscribed = (await (await admin("POST", `/tenants/${tenant.id}/webhook-endpoints`, { url: hook, environment: "test", events: ["monitoring.alert"] })).json()) as { id: string; secret: string };
    const runsOnly = (await (await admin("POST", `/tenants/${tenant.id}/webhook-endpoints`, { url: "https://hooks.example.com/runs", environment: "test" })).json()) as { id: string };
    net.on(hook, () => new Response(null, { status: 204 }));
    const v1 = await publishUn([person("Placeholder Webhooks")], null);
    await enrolOk(key, { document: freshCpf(), name: "Mustafa Jamal Idris", birth_date: "1970" });
    await drainMonitoring();
    await publishUn([person("Placeholder Webhooks"), person("Mustafa Jamal Idris")], v1);
    const [alert] = await alertsOf(key);
    const events = (await env.DB.prepare("SELECT id, type, targets, dispatched_at FROM webhook_events WHERE tenant_id = ? AND type = 'monitoring.alert'").bind(tenant.id).all<{ id: string; targets: string; dispatched_at: string | null }>()).results;
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0].targets).map((t: { endpoint_id: string }) => t.endpoint_id)).toEqual([subscribed.id]);
    expect(events[0].dispatched_at).not.toBeNull();
    void runsOnly;
    expect(await runDurableObjectAlarm(env.WEBHOOKS.get(env.WEBHOOKS.idFromName(`${events[0].id}|${subscribed.id}`)))).toBe(true);
    const [req] = net.callsTo(hook);
    const payload = JSON.parse(req.body!) as Record<string, any>;
    expect(payload).toMatchObject({ id: events[0].id, object: "event", event: "monitoring.alert", livemode: false });
    expect(payload.data.object).toMatchObject({ id: alert.id, object: "monitoring_alert", kind: "match_created", case_id: alert.case_id });
    expect(await verify(req.body!, req.headers["kycert-signature"], subscribed.secret)).toBe(true);
    expect(await verify(req.body!, req.headers["kycert-signature"], "whsec_wrong")).toBe(false);
    // Through the events API too, with no run.
    const ev = await call("GET", `/api/v1/bureau/events/${events[0].id}`, { key });
    expect(ev.status).toBe(200);
    expect(await ev.json()).toMatchObject({ event: "monitoring.alert", run_id: null });
  });
});

describe("the alerts API", () => {
  it("lists newest first with filters; one alert by id; another tenant's id is a 404", async () => {
    const { key } = await monitoringTenant();
    const v1 = await publishUn([person("Placeholder Alerts Api")], null);
    await enrolOk(key, { document: freshCpf(), name: "Ziad Anwar Hakim", birth_date: "1970" });
    await enrolOk(key, { document: freshCpf(), name: "Rami Adel Sabri", birth_date: "1970" });
    await drainMonitoring();
    await publishUn([person("Placeholder Alerts Api"), person("Ziad Anwar Hakim"), person("Rami Adel Sabri")], v1);
    const all = await alertsOf(key);
    expect(all).toHaveLength(2);
    const page = (await (await call("GET", `${A}?limit=1`, { key })).json()) as Record<string, any>;
    expect(page.data.map((a: { id: string }) => a.id)).toEqual([all[0].id]);
    const next = (await (await call("GET", `${A}?limit=1&cursor=${page.next_cursor}`, { key })).json()) as Record<string, any>;
    expect(next.data.map((a: { id: string }) => a.id)).toEqual([all[1].id]);
    expect(await alertsOf(key, `subject_id=${all[1].subject_id}`)).toEqual([all[1]]);
    expect(await alertsOf(key, "kind=entity_delisted")).toEqual([]);
    expect((await alertsOf(key, "list=un_sc&status=open")).length).toBe(2);
    const one = await call("GET", `${A}/${all[0].id}`, { key });
    expect(await one.json()).toEqual(all[0]);
    const other = await monitoringTenant();
    await expectError(await call("GET", `${A}/${all[0].id}`, { key: other.key }), { status: 404, code: "monitoring_alert_not_found" });
    await expectError(await call("GET", `${A}?kind=nope`, { key }), { status: 400, code: "invalid_request" });
    await expectError(await call("GET", `${A}?limit=101`, { key }), { status: 400, code: "invalid_limit" });
  });
});

const enc = new TextEncoder();
/** The receiver's check, as the README shows it. */
async function verify(rawBody: string, header: string | null, secret: string): Promise<boolean> {
  const parts = Object.fromEntries((header ?? "").split(",").map((p) => p.trim().split("=") as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const k = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(`${t}.${rawBody}`)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("") === parts.v1;
}
