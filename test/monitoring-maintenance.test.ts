// Monitoring's housekeeping (src/monitoring/maintenance.ts) through the minute
// Cron Trigger: personal data erased after the tenant's retention, messages a
// failed send left in the outbox, first screenings and import steps that never
// happened — and one message through the real queue, consumer and all.
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, call } from "./helpers/api";
import { createDb } from "../src/db/client";
import { runBatch } from "../src/db/queries/sql";
import { outboxStatements, sendOutbox } from "../src/monitoring/messages";
import { screenMessages } from "../src/monitoring/subjects";
import { alertsOf, drainMonitoring, enrolOk, freshCpf, monitoringEnv, monitoringTenant, publishVersion, takeSent } from "./helpers/monitoring";
import { listed, seedList } from "./helpers/screening-seed";
import worker from "./worker";
import { monitoringFaults, monitoringSent, monitoringTransport } from "./helpers/transports";
import { MONITORING_TRANSPORT, type MonitoringMessage } from "../src/monitoring/messages";
import { consumeMonitoringBatch, handleMonitoringMessage, PARK_AFTER_ATTEMPTS } from "../src/monitoring/queue";

/** The minute Cron Trigger as of `at`, through the test Worker's handler (queue sends recorded). */
const minute = (at: Date) => worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: at }), env as Env);

describe("retention (LGPD)", () => {
  it("a stopped subject's personal data is erased once the tenant's retention ran out; the subject, its alerts and cases stay", async () => {
    const { tenant, key } = await monitoringTenant();
    expect(await (await admin("PATCH", `/tenants/${tenant.id}`, { monitoring_retention_days: 2 })).json()).toMatchObject({ monitoring_retention_days: 2 });
    await publishVersion("un_sc", [listed({ list: "un_sc", entity_id: "UN-RET-1", name: "Adnan Fouad Khoury", birth_dates: ["1971"] })], null);
    await drainMonitoring();
    const s = await enrolOk(key, { document: freshCpf(), name: "Adnan Fouad Khoury", birth_date: "1971-02-02", external_id: "cli-77" });
    await drainMonitoring();
    const [alert] = await alertsOf(key);
    expect((await call("DELETE", `/api/v1/monitoring/subjects/${s.id}`, { key })).status).toBe(200);

    await minute(new Date(Date.now() + 86_400_000)); // one day later: still within the retention
    expect(await (await call("GET", `/api/v1/monitoring/subjects/${s.id}`, { key })).json()).toMatchObject({ name: "Adnan Fouad Khoury", erased_at: null });
    await minute(new Date(Date.now() + 3 * 86_400_000));
    const erased = (await (await call("GET", `/api/v1/monitoring/subjects/${s.id}`, { key })).json()) as Record<string, any>;
    expect(erased).toMatchObject({ id: s.id, status: "stopped", name: null, birth_date: null, external_id: null, document: "***.***.***-**" });
    expect(erased.erased_at).toEqual(expect.any(String));
    const row = await env.DB.prepare("SELECT doc_hash, cpf_visible, name FROM monitored_subjects WHERE id = ?").bind(s.id).first();
    expect(row).toEqual({ doc_hash: null, cpf_visible: null, name: "" });
    expect(await alertsOf(key)).toEqual([alert]);
    expect((await call("GET", `/api/v1/bureau/cases/${alert.case_id}`, { key })).status).toBe(200);
  });
});

describe("stragglers", () => {
  it("a step's messages go out within the queue's batch limits (256 KB, 100 messages): a 10,000-subject step is sent whole, the outbox left empty", async () => {
    const db = createDb(env.DB);
    const ids = Array.from({ length: 10_000 }, (_, i) => `msub_01M98XNWDPJHJ6AEW8MJY${String(i).padStart(5, "0")}`);
    const messages = screenMessages("imp_limits", "imp_limits:0", ids);
    const at = new Date().toISOString();
    await runBatch(db, outboxStatements(db, messages, at));
    expect(await sendOutbox(monitoringEnv(), db, messages)).toBe(true);
    const sent = takeSent();
    expect(sent.flatMap((m) => (m.t === "screen" ? m.subjects : []))).toEqual(ids);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM monitoring_outbox WHERE id LIKE 'screen:imp_limits:%'").first<{ n: number }>();
    expect(left!.n).toBe(0);
  });

  it("a message whose send failed after its step committed is sent by the minute sweep", async () => {
    const { key } = await monitoringTenant();
    monitoringFaults.sendFails = 1;
    const s = await enrolOk(key, { document: freshCpf(), name: "Lucas Prado Neto" });
    expect(takeSent()).toEqual([]);
    const pending = await env.DB.prepare("SELECT count(*) AS n FROM monitoring_outbox").first<{ n: number }>();
    expect(pending!.n).toBeGreaterThanOrEqual(1);
    await minute(new Date(Date.now() + 60_000));
    expect(takeSent()).toEqual(expect.arrayContaining([{ t: "screen", job: null, batch: expect.any(String), subjects: [s.id] }]));
  });

  it("a message that keeps failing is retried by the queue, then parked in the outbox and sent again by the minute sweep (never dropped after the queue's last retry)", async () => {
    const { key } = await monitoringTenant();
    const s = await enrolOk(key, { document: freshCpf(), name: "Marina Duarte Rocha" });
    const [screen] = takeSent();
    expect(screen).toMatchObject({ t: "screen", subjects: [s.id] });
    // The engine (where the matching runs) is down: every call to it fails.
    const engineDown = new Proxy({}, { get: () => () => Promise.reject(new Error("injected: engine unavailable")) });
    const failing = { ...env, [MONITORING_TRANSPORT]: monitoringTransport, ENGINE: engineDown } as unknown as Env;
    const early = createMessageBatch<MonitoringMessage>("kycert-monitoring", [{ id: "m1", timestamp: new Date(), attempts: PARK_AFTER_ATTEMPTS - 1, body: screen }]);
    await consumeMonitoringBatch(early, failing);
    expect((await getQueueResult(early, createExecutionContext())).retryMessages.map((m) => m.msgId)).toEqual(["m1"]);
    const outboxRows = async () => (await env.DB.prepare("SELECT body FROM monitoring_outbox WHERE id LIKE 'parked:%'").all<{ body: string }>()).results;
    expect(await outboxRows()).toEqual([]);

    // Its last deliveries: parked (acked, not retried), once however often it fails.
    for (const attempts of [PARK_AFTER_ATTEMPTS, PARK_AFTER_ATTEMPTS + 1]) {
      const late = createMessageBatch<MonitoringMessage>("kycert-monitoring", [{ id: "m1", timestamp: new Date(), attempts, body: screen }]);
      await consumeMonitoringBatch(late, failing);
      const result = await getQueueResult(late, createExecutionContext());
      expect(result.retryMessages).toEqual([]);
    }
    expect((await outboxRows()).map((r) => JSON.parse(r.body))).toEqual([screen]);

    // D1 is back: the minute sweep sends it, and the subject gets its first screening.
    await minute(new Date(Date.now() + 60_000));
    expect(takeSent()).toEqual(expect.arrayContaining([screen]));
    expect(await outboxRows()).toEqual([]);
  });

  it("while D1 itself is down (nowhere to park), the queue keeps the message, retried further apart each time: an outage of days, not minutes", async () => {
    const { key } = await monitoringTenant();
    const s = await enrolOk(key, { document: freshCpf(), name: "Renata Campos Vidal" });
    const [screen] = takeSent();
    expect(screen).toMatchObject({ t: "screen", subjects: [s.id] });
    const d1Down = new Proxy({}, { get: () => () => { throw new Error("injected: D1 unavailable"); } });
    const failing = { ...env, [MONITORING_TRANSPORT]: monitoringTransport, DB: d1Down } as unknown as Env;
    // A delivery as the queue hands it over, recording what the consumer decides.
    const delays: number[] = [];
    for (let attempts = 1; attempts <= 21; attempts++) {
      let acked = false;
      const message = { id: "m1", timestamp: new Date(), attempts, body: screen, ack: () => void (acked = true), retry: (o?: { delaySeconds?: number }) => void delays.push(o?.delaySeconds ?? 0) };
      await consumeMonitoringBatch({ queue: "kycert-monitoring", messages: [message] } as unknown as MessageBatch<MonitoringMessage>, failing);
      expect(acked, `delivery ${attempts}`).toBe(false);
    }
    expect(delays).toHaveLength(21);
    expect(delays.slice(0, 6)).toEqual([10, 10, 10, 10, 40, 160]);
    expect(delays.slice(-3)).toEqual([43_200, 43_200, 43_200]);
    // The 20 retries wrangler.toml allows span more than five days of outage.
    expect(delays.slice(0, 20).reduce((a, b) => a + b, 0)).toBeGreaterThan(5 * 86_400);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM monitoring_outbox WHERE id LIKE 'parked:%'").first<{ n: number }>()).toEqual({ n: 0 });
  });

  it("a version whose hook never queued its re-screen (D1 failed right after the switch) is planned by the minute sweep; a planned one is left alone", async () => {
    const { key } = await monitoringTenant();
    const s = await enrolOk(key, { document: freshCpf(), name: "Omar Said Jalil", birth_date: "1970" });
    await drainMonitoring();
    // A version switched in with no hook call at all: nothing is queued.
    const v = await seedList("un_sc", [listed({ list: "un_sc", entity_id: "UN-SWEPT-1", name: "Omar Said Jalil", birth_dates: ["1970-03-04"] })]);
    expect(takeSent()).toEqual([]);
    await minute(new Date(Date.now() + 60_000));
    expect(takeSent().filter((m) => m.t === "version")).toEqual([]); // still within the hook's grace
    await minute(new Date(Date.now() + 3 * 60_000));
    const planned = takeSent().filter((m) => m.t === "version");
    expect(planned).toEqual([expect.objectContaining({ t: "version", list: "un_sc", sha256: v.sha256 })]);
    // Planned and run: the customer is alerted; the next sweeps queue nothing more.
    monitoringSent.push(...planned);
    await drainMonitoring();
    expect((await alertsOf(key)).map((a) => [a.kind, a.subject_id, a.entity_id])).toEqual([["match_created", s.id, "UN-SWEPT-1"]]);
    await minute(new Date(Date.now() + 4 * 60_000));
    expect(takeSent().filter((m) => m.t === "version")).toEqual([]);
  });

  it("a version whose plan began but was never written (its message gave up half-way) is planned again by the minute sweep", async () => {
    const v = await seedList("un_sc", [listed({ list: "un_sc", entity_id: "UN-HALF-1", name: "Half Planned Name" })]);
    const begun = new Date(Date.now() - 10 * 60_000).toISOString();
    await env.DB.prepare("INSERT INTO monitoring_rescreens (id, list_id, sha256, previous_sha256, status, created_at) VALUES ('rsc_half', 'un_sc', ?, NULL, 'planning', ?)")
      .bind(v.sha256, begun)
      .run();
    await minute(new Date(Date.now() + 3 * 60_000));
    expect(takeSent().filter((m) => m.t === "version")).toEqual([expect.objectContaining({ t: "version", list: "un_sc", sha256: v.sha256 })]);
  });


  it("an import read to the end whose last first screening came another way (not its own message) is completed by the sweep, and its file deleted", async () => {
    const { key } = await monitoringTenant();
    const res = await exports.default.fetch(
      new Request("https://api.kycert.test/api/v1/monitoring/imports", { method: "POST", headers: { "X-API-Key": key, "content-type": "text/csv" }, body: `document,name\n${freshCpf()},Tiago Moura Lopes\n` }),
    );
    const imp = (await res.json()) as { id: string };
    const { object_key } = (await env.DB.prepare("SELECT object_key FROM monitoring_imports WHERE id = ?").bind(imp.id).first<{ object_key: string }>())!;
    // Its step runs; its subject's first screening is lost, and the sweep's own re-queue (no import named) screens it.
    for (const m of takeSent()) if (m.t === "import") await handleMonitoringMessage(monitoringEnv(), m);
    const lost = takeSent().filter((m) => m.t === "screen");
    expect(lost).toHaveLength(1);
    for (const m of lost) await handleMonitoringMessage(monitoringEnv(), { ...m, job: null });
    expect(((await (await call("GET", `/api/v1/monitoring/imports/${imp.id}`, { key })).json()) as { status: string }).status).toBe("processing");
    await minute(new Date(Date.now() + 3 * 60_000));
    expect(await (await call("GET", `/api/v1/monitoring/imports/${imp.id}`, { key })).json()).toMatchObject({ status: "completed", rows_enrolled: 1 });
    expect(await env.REPORTS.head(object_key)).toBeNull();
  });

  it("a first screening that never happened is queued again; an import whose next step was lost resumes", async () => {
    const { tenant, key } = await monitoringTenant();
    const s = await enrolOk(key, { document: freshCpf(), name: "Paula Mendes Teixeira" });
    takeSent(); // the message is lost for good
    const res = await exports.default.fetch(
      new Request("https://api.kycert.test/api/v1/monitoring/imports", { method: "POST", headers: { "X-API-Key": key, "content-type": "text/csv" }, body: `document,name\n${freshCpf()},Rafael Costa Lima\n` }),
    );
    const imp = (await res.json()) as { id: string };
    takeSent(); // its first step too
    await minute(new Date(Date.now() + 10 * 60_000));
    const again = takeSent();
    expect(again).toEqual(
      expect.arrayContaining([
        { t: "screen", job: null, batch: expect.any(String), subjects: expect.arrayContaining([s.id]) },
        { t: "import", import_id: imp.id, offset: expect.any(Number) },
      ]),
    );
    monitoringSent.push(...again);
    await drainMonitoring();
    expect(await (await call("GET", `/api/v1/monitoring/imports/${imp.id}`, { key })).json()).toMatchObject({ status: "completed", rows_enrolled: 1 });
    void tenant;
  });
});

describe("the real queue", () => {
  it("a message sent to MONITORING is consumed by the Worker's queue handler", async () => {
    const { key } = await monitoringTenant();
    const s = await enrolOk(key, { document: freshCpf(), name: "Fernanda Alves Rocha" });
    takeSent();
    await env.MONITORING.send({ t: "screen", job: null, batch: "real-queue", subjects: [s.id] });
    const deadline = Date.now() + 20_000;
    let screened: string | null = null;
    while (!screened && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      screened = (await env.DB.prepare("SELECT last_screened_at FROM monitored_subjects WHERE id = ?").bind(s.id).first<{ last_screened_at: string | null }>())!.last_screened_at;
    }
    expect(screened).not.toBeNull();
  }, 30_000);
});
