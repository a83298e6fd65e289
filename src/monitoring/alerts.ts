// Monitoring alerts (contract §17): how they are written and read.
//
// One alert per (subject, listed entity, record content): the alert row's
// `dedupe_key` is unique and every write is INSERT OR IGNORE, so a retried
// queue batch, a re-ingested version or a version where the entity did not
// change alerts nobody again. A match_created / match_updated alert opens its
// review case (reason "monitoring", four eyes as §15) and writes its
// `monitoring.alert` webhook event (the outbox) in the same D1 batch, each
// going in only if the alert did; a newer record of the pair closes the older
// alert. A pair an analyst resolved as false_positive stays quiet until the
// listed record changes.
import { sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { caseOpening } from "../cases/opening";
import type { Db } from "../db/client";
import { openCaseStatements } from "../db/queries/cases";
import type { NewWebhookEvent, WebhookEventRow } from "../db/queries/webhooks";
import { DEFAULT_CASE_SLA_HOURS } from "../domain/cases";
import { DomainError } from "../domain/errors";
import {
  ALERT_KINDS,
  ALERT_SOURCES,
  ALERT_STATUSES,
  companyAlertKey,
  delistedAlertKey,
  graceEndedAlertKey,
  matchAlertKey,
  matchKind,
  REGISTRY_ALERT_SOURCE,
  type AlertKind,
  type AlertSource,
  type AlertStatus,
} from "../domain/monitoring";
import { redactForLog } from "../domain/redaction";
import { newestFirstPage } from "./page";
import { sha256Hex } from "../lib/crypto";
import { derivedId } from "../lib/ids";
import type { Services } from "../runs/service";
import { LISTS_BY_SOURCE } from "../sources/lists";
import type { ListId } from "../screening/types";
import { dispatchEvent, prepareEvent } from "../webhooks/events";
import type { MonitoringMatch } from "./screen-engine";
import type { SubjectRow } from "./subjects";

/** An alert as the API shows it and `monitoring.alert` carries it (contract §17). */
export interface AlertView {
  id: string;
  object: "monitoring_alert";
  subject_id: string;
  kind: AlertKind;
  /** The list that named the subject, or `receita_federal_cnpj` for a company alert. */
  list: AlertSource;
  entity_id: string;
  entity_name: string;
  matched_name: string;
  score: number | null;
  strength: "strong" | "possible" | null;
  reasons: string[];
  list_version: { sha256: string; fetched_at: string };
  status: AlertStatus;
  case_id: string | null;
  created_at: string;
  closed_at: string | null;
  livemode: boolean;
}

export interface AlertRow {
  id: string;
  tenant_id: string;
  livemode: number | boolean;
  subject_id: string;
  kind: AlertKind;
  list_id: AlertSource;
  entity_id: string;
  record_hash: string;
  dedupe_key: string;
  entity_name: string;
  matched_name: string;
  score: number | null;
  strength: "strong" | "possible" | null;
  reasons: string;
  ends_on: string | null;
  list_sha256: string;
  list_fetched_at: string;
  status: AlertStatus;
  closed_at: string | null;
  closed_by: string | null;
  case_id: string | null;
  created_at: string;
}

export const alertView = (r: AlertRow): AlertView => ({
  id: r.id,
  object: "monitoring_alert",
  subject_id: r.subject_id,
  kind: r.kind,
  list: r.list_id,
  entity_id: r.entity_id,
  entity_name: r.entity_name,
  matched_name: r.matched_name,
  score: r.score,
  strength: r.strength,
  reasons: JSON.parse(r.reasons) as string[],
  list_version: { sha256: r.list_sha256, fetched_at: r.list_fetched_at },
  status: r.status,
  case_id: r.case_id,
  created_at: r.created_at,
  closed_at: r.closed_at,
  livemode: !!r.livemode,
});

/** The catalogue source a list backs (contract §14): the false-positive memory is kept per source, as runs keep it. */
export const SOURCE_OF_LIST: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(LISTS_BY_SOURCE).flatMap(([source, lists]) => (lists ?? []).map((l) => [l, source])),
);

/** `case_…` of an alert's case: derived, so a retried batch names the same case. */
export const caseIdForAlert = (alertId: string) => `case_${alertId.replace(/^alr_/, "")}`;

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));

/** `alr_…` from the alert's unique key (its time part from `at`). */
async function alertId(key: string, at: string): Promise<string> {
  return derivedId("alr", Date.parse(at), hexBytes(await sha256Hex(`monitoring-alert|${key}`)));
}

/** A match to alert on: the subject, what matched, and the version it was found in. */
export interface MatchItem {
  subject: Pick<SubjectRow, "id" | "tenant_id" | "livemode" | "doc_hash">;
  match: MonitoringMatch;
  version: { sha256: string; fetched_at: string };
}

/** What a write of alerts adds to the caller's batch, and what it hands over after the commit. */
export interface AlertWrites {
  statements: BatchItem<"sqlite">[];
  /** The alerts this batch may create (each goes in only if its key is new). */
  alertIds: string[];
  /** Webhook events to hand over once the batch committed (only those whose alert went in exist). */
  webhookIds: string[];
}

const empty = (): AlertWrites => ({ statements: [], alertIds: [], webhookIds: [] });

/** The alert row's insert, going in only while its subject is still active (a stopped subject gets no alert). */
function insertAlert(db: Db, row: AlertRow) {
  return db.run(sql`
    INSERT OR IGNORE INTO monitoring_alerts (id, tenant_id, livemode, subject_id, kind, list_id, entity_id, record_hash, dedupe_key, entity_name,
      matched_name, score, strength, reasons, ends_on, list_sha256, list_fetched_at, status, case_id, created_at)
    SELECT ${row.id}, ${row.tenant_id}, ${row.livemode ? 1 : 0}, ${row.subject_id}, ${row.kind}, ${row.list_id}, ${row.entity_id}, ${row.record_hash},
      ${row.dedupe_key}, ${row.entity_name}, ${row.matched_name}, ${row.score}, ${row.strength}, ${row.reasons}, ${row.ends_on}, ${row.list_sha256},
      ${row.list_fetched_at}, ${row.status}, ${row.case_id}, ${row.created_at}
    WHERE EXISTS (SELECT 1 FROM monitored_subjects WHERE id = ${row.subject_id} AND status = 'active')`);
}

const alertExists = (id: string) => sql`exists (select 1 from monitoring_alerts where id = ${id})`;

/** The `monitoring.alert` event row (null: no endpoint of the environment subscribed). */
async function alertEvent(db: Db, row: AlertRow): Promise<NewWebhookEvent | null> {
  return prepareEvent(db, {
    aboutId: row.id,
    type: "monitoring.alert",
    at: row.created_at,
    tenantId: row.tenant_id,
    livemode: !!row.livemode,
    runId: null,
    webhookUrl: null,
    skipWithoutTargets: true,
    envelope: (id) => ({
      id,
      object: "event" as const,
      event: "monitoring.alert" as const,
      created: Math.floor(Date.parse(row.created_at) / 1000),
      livemode: !!row.livemode,
      data: { object: alertView(row) },
    }),
  });
}

function eventStatement(db: Db, event: NewWebhookEvent, alert: string) {
  return db.run(sql`
    INSERT OR IGNORE INTO webhook_events (id, tenant_id, livemode, run_id, type, payload, targets, created_at, dispatched_at)
    SELECT ${event.id}, ${event.tenantId}, ${event.livemode ? 1 : 0}, NULL, ${event.type}, ${event.payload}, ${event.targets}, ${event.createdAt}, NULL
    WHERE ${alertExists(alert)}`);
}

/** Earlier match alerts' record hashes per pair (subject, list, entity). */
async function earlierRecords(db: Db, items: readonly MatchItem[]): Promise<Map<string, string[]>> {
  const pairs = JSON.stringify(items.map((i) => [i.subject.id, i.match.list, i.match.entity_id]));
  const rows = await db.all<{ subject_id: string; list_id: string; entity_id: string; record_hash: string }>(sql`
    SELECT a.subject_id, a.list_id, a.entity_id, a.record_hash FROM json_each(${pairs}) p
      JOIN monitoring_alerts a ON a.subject_id = p.value->>'$[0]' AND a.list_id = p.value->>'$[1]' AND a.entity_id = p.value->>'$[2]'
     WHERE a.kind IN ('match_created', 'match_updated')`);
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const k = `${r.subject_id}|${r.list_id}|${r.entity_id}`;
    (out.get(k) ?? out.set(k, []).get(k)!).push(r.record_hash);
  }
  return out;
}

/** Pairs resolved false_positive whose listed record is still the one resolved (keyed like runs': tenant, environment, document hash, source, list, entity). */
async function rememberedFalsePositives(db: Db, items: readonly MatchItem[]): Promise<Set<string>> {
  const keys = items
    .filter((i) => i.subject.doc_hash)
    .map((i) => [i.subject.tenant_id, i.subject.livemode ? 1 : 0, i.subject.doc_hash, SOURCE_OF_LIST[i.match.list] ?? "", i.match.list, i.match.entity_id]);
  if (keys.length === 0) return new Set();
  const rows = await db.all<{ subject_hash: string; list: string; entity_key: string; record_hash: string }>(sql`
    SELECT f.subject_hash, f.list, f.entity_key, f.record_hash FROM json_each(${JSON.stringify(keys)}) k
      JOIN false_positives f ON f.tenant_id = k.value->>'$[0]' AND f.livemode = k.value->>'$[1]' AND f.subject_hash = k.value->>'$[2]'
       AND f.source = k.value->>'$[3]' AND f.list = k.value->>'$[4]' AND f.entity_key = k.value->>'$[5]'`);
  return new Set(rows.map((r) => `${r.subject_hash}|${r.list}|${r.entity_key}|${r.record_hash}`));
}

/**
 * The statements alerting on matches (see the header): for each match whose
 * (subject, entity, record) is new and not a remembered false positive, the
 * alert, its case with the case's first event and outbox event, its
 * `monitoring.alert` event, and the closing of the pair's older open alerts.
 */
export async function matchAlertWrites(env: Env, db: Db, items: readonly MatchItem[], now: string): Promise<AlertWrites> {
  if (items.length === 0) return empty();
  const [earlier, quiet] = await Promise.all([earlierRecords(db, items), rememberedFalsePositives(db, items)]);
  const out = empty();
  const sla = slaCache(db);
  for (const { subject, match, version } of items) {
    if (subject.doc_hash && quiet.has(`${subject.doc_hash}|${match.list}|${match.entity_id}|${match.record_hash}`)) continue;
    const pair = `${subject.id}|${match.list}|${match.entity_id}`;
    const kind = matchKind(earlier.get(pair) ?? [], match.record_hash);
    if (!kind) continue;
    const row = await openAlertRow(matchAlertKey(subject.id, match.list, match.entity_id, match.record_hash), subject, now, {
      kind,
      list_id: match.list,
      entity_id: match.entity_id,
      record_hash: match.record_hash,
      entity_name: match.entity_name,
      matched_name: match.matched_name,
      score: match.score,
      strength: match.strength,
      reasons: JSON.stringify(match.reasons),
      ends_on: match.ends_on,
      list_sha256: version.sha256,
      list_fetched_at: version.fetched_at,
    });
    await pushAlertWithCase(env, db, out, row, subject, await sla(subject.tenant_id), { strength: match.strength }, MATCH_KINDS);
  }
  return out;
}

const MATCH_KINDS = ["match_created", "match_updated"] as const satisfies readonly AlertKind[];

/**
 * Adds to `out` an alert a person must review (see the header): the alert,
 * its case with the case's first event and outbox event, its
 * `monitoring.alert` event, and the closing of its pair's older open alerts
 * of the `supersedes` kinds — each going in only if the alert did.
 */
async function pushAlertWithCase(
  env: Env,
  db: Db,
  out: AlertWrites,
  row: AlertRow,
  subject: Pick<SubjectRow, "id" | "doc_hash">,
  slaHours: number,
  caseData: Record<string, unknown>,
  supersedes: readonly AlertKind[],
): Promise<void> {
  const opening = await caseOpening(env, db, {
    id: row.case_id!,
    tenantId: row.tenant_id,
    livemode: !!row.livemode,
    runId: null,
    alertId: row.id,
    subjectId: subject.id,
    reason: "monitoring",
    subjectHash: subject.doc_hash,
    openedAt: row.created_at,
    slaHours,
    data: { alert_id: row.id, subject_id: subject.id, kind: row.kind, list: row.list_id, entity_id: row.entity_id, ...caseData },
    webhookUrl: null,
  });
  const event = await alertEvent(db, row);
  out.statements.push(
    insertAlert(db, row),
    ...openCaseStatements(db, opening, alertExists(row.id)),
    // A newer record of the pair supersedes its older open alerts.
    db.run(sql`UPDATE monitoring_alerts SET status = 'closed', closed_at = ${row.created_at}, closed_by = ${row.id}
               WHERE subject_id = ${subject.id} AND list_id = ${row.list_id} AND entity_id = ${row.entity_id} AND status = 'open' AND id <> ${row.id}
                 AND kind IN (SELECT value FROM json_each(${JSON.stringify(supersedes)})) AND ${alertExists(row.id)}`),
  );
  if (event) {
    out.statements.push(eventStatement(db, event, row.id));
    out.webhookIds.push(event.id);
  }
  if (opening.webhook) out.webhookIds.push(opening.webhook.id);
  out.alertIds.push(row.id);
}

/** A change the company registry's new month made to a monitored CNPJ (src/domain/company-changes.ts). */
export interface CompanyChangeItem {
  subject: Pick<SubjectRow, "id" | "tenant_id" | "livemode" | "doc_hash">;
  cnpj: string;
  company_name: string;
  change: { kind: "company_status_changed" | "qsa_changed"; record_hash: string; reasons: string[] };
  /** The build that serves the new month, and when it began to (the alert's `list_version`). */
  build: { id: string; published_at: string };
}

/**
 * Company alerts (contract §18, "Monitoring"): each change opens a review case
 * like a match does — a customer whose situação or partners changed needs its
 * record reviewed (its new partners screened) — once per (subject, kind, CNPJ,
 * new state), and supersedes the open alert of the same kind it replaces.
 */
export async function companyAlertWrites(env: Env, db: Db, items: readonly CompanyChangeItem[], now: string): Promise<AlertWrites> {
  const out = empty();
  const sla = slaCache(db);
  for (const { subject, cnpj, company_name, change, build } of items) {
    const row = await openAlertRow(companyAlertKey(subject.id, change.kind, cnpj, change.record_hash), subject, now, {
      kind: change.kind,
      list_id: REGISTRY_ALERT_SOURCE,
      entity_id: cnpj,
      record_hash: change.record_hash,
      entity_name: company_name,
      matched_name: company_name,
      score: null,
      strength: null,
      reasons: JSON.stringify(change.reasons),
      ends_on: null,
      list_sha256: build.id,
      list_fetched_at: build.published_at,
    });
    await pushAlertWithCase(env, db, out, row, subject, await sla(subject.tenant_id), {}, [change.kind]);
  }
  return out;
}

/** What an alert says beyond whose it is, its key and that it is open. */
type AlertFields = Omit<AlertRow, "id" | "tenant_id" | "livemode" | "subject_id" | "dedupe_key" | "status" | "closed_at" | "closed_by" | "case_id" | "created_at">;

/** An open alert of `subject` under its unique key: its id and its case's derived from the key, so a retried batch builds the same rows. */
async function openAlertRow(key: string, subject: Pick<SubjectRow, "id" | "tenant_id" | "livemode">, now: string, fields: AlertFields): Promise<AlertRow> {
  const id = await alertId(key, now);
  return { id, tenant_id: subject.tenant_id, livemode: subject.livemode, subject_id: subject.id, dedupe_key: key, status: "open", closed_at: null, closed_by: null, case_id: caseIdForAlert(id), created_at: now, ...fields };
}

/** Each tenant's case SLA, read once per batch. */
function slaCache(db: Db): (tenantId: string) => Promise<number> {
  const read = new Map<string, Promise<number>>();
  return (tenantId) => read.get(tenantId) ?? read.set(tenantId, slaHoursOf(db, tenantId)).get(tenantId)!;
}

const slaHoursOf = async (db: Db, tenantId: string): Promise<number> =>
  (await db.all<{ h: number }>(sql`SELECT case_sla_hours AS h FROM tenants WHERE id = ${tenantId}`))[0]?.h ?? DEFAULT_CASE_SLA_HOURS;

/**
 * An alert that ends open ones without a match: `entity_delisted` (the entity
 * left its list) or `pep_grace_ended` (a PEP's five years after office ran
 * out). It closes the open match alerts of its pair; it opens no case (the
 * open ones stay with the analysts) but goes out as `monitoring.alert`.
 */
export async function closingAlertWrites(
  db: Db,
  kind: "entity_delisted" | "pep_grace_ended",
  open: readonly AlertRow[],
  version: { sha256: string; fetched_at: string },
  now: string,
): Promise<AlertWrites> {
  const out = empty();
  const byPair = new Map<string, AlertRow>();
  for (const a of open) byPair.set(`${a.subject_id}|${a.list_id}|${a.entity_id}`, a);
  for (const a of byPair.values()) {
    const key = (kind === "entity_delisted" ? delistedAlertKey : graceEndedAlertKey)(a.subject_id, a.list_id, a.entity_id, a.record_hash);
    const id = await alertId(key, now);
    const row: AlertRow = {
      ...a,
      id,
      kind,
      dedupe_key: key,
      score: null,
      strength: null,
      reasons: JSON.stringify([]),
      ends_on: null,
      list_sha256: version.sha256,
      list_fetched_at: version.fetched_at,
      status: "closed",
      closed_at: now,
      closed_by: null,
      case_id: a.case_id,
      created_at: now,
    };
    const event = await alertEvent(db, row);
    out.statements.push(
      // Its subject is active (openAlertsOn, the grace check): a stopped one gets no more alerts.
      db.run(sql`
        INSERT OR IGNORE INTO monitoring_alerts (id, tenant_id, livemode, subject_id, kind, list_id, entity_id, record_hash, dedupe_key, entity_name,
          matched_name, score, strength, reasons, ends_on, list_sha256, list_fetched_at, status, closed_at, case_id, created_at)
        VALUES (${row.id}, ${row.tenant_id}, ${row.livemode ? 1 : 0}, ${row.subject_id}, ${row.kind}, ${row.list_id}, ${row.entity_id}, ${row.record_hash},
          ${row.dedupe_key}, ${row.entity_name}, ${row.matched_name}, NULL, NULL, ${row.reasons}, NULL, ${row.list_sha256}, ${row.list_fetched_at},
          'closed', ${now}, ${row.case_id}, ${now})`),
      db.run(sql`UPDATE monitoring_alerts SET status = 'closed', closed_at = ${now}, closed_by = ${id}
                 WHERE subject_id = ${a.subject_id} AND list_id = ${a.list_id} AND entity_id = ${a.entity_id} AND status = 'open'
                   AND kind IN ('match_created', 'match_updated')`),
    );
    if (event) {
      out.statements.push(eventStatement(db, event, id));
      out.webhookIds.push(event.id);
    }
    out.alertIds.push(id);
  }
  return out;
}

/** After the commit: the batch's webhook events that exist and wait for hand-over, to their delivery objects (best effort: the outbox sweep retries). */
export async function handOverAlertEvents(env: Env, db: Db, eventIds: readonly string[]): Promise<void> {
  if (eventIds.length === 0) return;
  const rows = await db.all<{
    id: string;
    tenant_id: string;
    livemode: number;
    run_id: string | null;
    type: string;
    payload: string;
    targets: string;
    created_at: string;
  }>(sql`SELECT id, tenant_id, livemode, run_id, type, payload, targets, created_at FROM webhook_events
         WHERE dispatched_at IS NULL AND id IN (SELECT value FROM json_each(${JSON.stringify(eventIds)}))`);
  for (const r of rows) {
    const event: WebhookEventRow = {
      id: r.id,
      tenantId: r.tenant_id,
      livemode: !!r.livemode,
      runId: r.run_id,
      type: r.type,
      payload: r.payload,
      targets: r.targets,
      createdAt: r.created_at,
      dispatchedAt: null,
    };
    try {
      await dispatchEvent(env, event);
    } catch (err) {
      console.error(JSON.stringify({ level: "error", error: "monitoring_webhook_dispatch_failed", event_id: r.id, message: redactForLog(String(err)).slice(0, 200) }));
    }
  }
}

/** Open match alerts of removed entities (by list and entity id), on active subjects: a stopped one gets no more alerts. */
export async function openAlertsOn(db: Db, list: ListId, entityIds: readonly string[]): Promise<AlertRow[]> {
  if (entityIds.length === 0) return [];
  return db.all<AlertRow>(sql`
    SELECT a.* FROM json_each(${JSON.stringify(entityIds)}) e
      JOIN monitoring_alerts a ON a.list_id = ${list} AND a.entity_id = e.value AND a.status = 'open'
      JOIN monitored_subjects s ON s.id = a.subject_id AND s.status = 'active'
     WHERE a.kind IN ('match_created', 'match_updated')`);
}

// ---- the API -------------------------------------------------------------------

export interface ListAlertsQuery {
  subject_id?: string;
  status?: AlertStatus;
  kind?: AlertKind;
  list?: AlertSource;
  cursor?: string;
  limit: number;
}

export async function listAlerts(s: Services, q: ListAlertsQuery) {
  if (q.status && !(ALERT_STATUSES as readonly string[]).includes(q.status)) throw new DomainError("invalid_request", "status desconhecido.", "status");
  if (q.kind && !(ALERT_KINDS as readonly string[]).includes(q.kind)) throw new DomainError("invalid_request", "kind desconhecido.", "kind");
  if (q.list && !(ALERT_SOURCES as readonly string[]).includes(q.list)) throw new DomainError("invalid_request", "lista desconhecida.", "list");
  const where: SQL[] = [];
  if (q.subject_id) where.push(sql`a.subject_id = ${q.subject_id}`);
  if (q.status) where.push(sql`a.status = ${q.status}`);
  if (q.kind) where.push(sql`a.kind = ${q.kind}`);
  if (q.list) where.push(sql`a.list_id = ${q.list}`);
  return newestFirstPage(s, q, { select: sql`a.*`, table: "monitoring_alerts", alias: "a" }, where, alertView);
}

export async function alertRow(db: Db, tenantId: string, livemode: boolean, id: string): Promise<AlertRow | undefined> {
  return (await db.all<AlertRow>(sql`SELECT * FROM monitoring_alerts WHERE id = ${id} AND tenant_id = ${tenantId} AND livemode = ${livemode ? 1 : 0}`))[0];
}

export async function getAlert(s: Services, id: string): Promise<AlertView> {
  const row = (await alertRow(s.db, s.auth.tenantId, s.auth.livemode, id)) ?? (await alertRow(s.primary, s.auth.tenantId, s.auth.livemode, id));
  if (!row) throw new DomainError("monitoring_alert_not_found", undefined, "id");
  return alertView(row);
}
