// Company alerts from the registry (contract §18, "Monitoring"): when a new
// month of the Receita's open CNPJ data starts to serve, every active
// monitored CNPJ is compared with the month it replaced — its establishment's
// situação cadastral (company_status_changed) and its company's QSA
// (qsa_changed).
//
// The publish writes a "registry" message to the monitoring outbox in the
// same D1 batch as the switch (src/registry/service.ts), so a month that
// serves is always compared, even if its isolate dies right after. That
// message plans the comparison once, as a re-screen: one "registry_batch" per
// bucket range of the active subjects. A batch reads its CNPJs a page at a
// time, compares the two months' records for each — in CNPJ-root order, so
// neighbouring roots share the block the reader already holds — and alerts
// through the same writes as a match (one alert per subject × kind × CNPJ ×
// new state; a retried batch alerts nobody twice).
import { inArray, sql } from "drizzle-orm";
import { createDb, type Db } from "../db/client";
import { bucketRanges, REGISTRY_ALERT_SOURCE } from "../domain/monitoring";
import { registryBuilds } from "../db/schema";
import { companyChanges } from "../domain/company-changes";
import { readCompany, type ServingBuild } from "../registry/reader";
import { companyAlertWrites, type CompanyChangeItem } from "./alerts";
import type { MonitoringMessage, OutboxMessage } from "./messages";
import { activeSubjectPages, commitPlan, finishBatch, rescreenId, SUBJECTS_PER_BATCH } from "./rescreen";
import type { BatchOutcome } from "./screening";

/** The outbox message a publish writes with its switch: the new month against the one it replaced. */
export const registryMonthMessage = (build: string, previous: string): OutboxMessage => ({
  id: `registry:${build}:${previous}`,
  body: { t: "registry", build, previous },
});

/** The two builds of a comparison, as the reader takes them. */
async function buildsOf(db: Db, ids: readonly string[]): Promise<Map<string, ServingBuild & { publishedAt: string | null }>> {
  const rows = await db.select().from(registryBuilds).where(inArray(registryBuilds.id, [...ids])).all();
  return new Map(
    rows.map((r) => [r.id, { id: r.id, month: r.month, extractionDate: r.extractionDate ?? r.month, prefix: r.prefix, publishedAt: r.publishedAt }]),
  );
}

/**
 * Plans a new month's comparison (see the header). Idempotent: a comparison
 * already planned is not planned again; a plan that died half-way is planned
 * whole again (its batches being idempotent).
 */
export async function handleRegistryMonth(env: Env, msg: Extract<MonitoringMessage, { t: "registry" }>, now = new Date()): Promise<{ rescreen: string; batches: number } | null> {
  const db = createDb(env.DB);
  const at = now.toISOString();
  const build = (await buildsOf(db, [msg.build])).get(msg.build);
  // A build that is gone (deleted by hand) has nothing to compare: the message is done.
  if (!build?.publishedAt) return null;
  const id = await rescreenId(REGISTRY_ALERT_SOURCE, msg.build, msg.previous, build.publishedAt);
  await db.run(sql`INSERT OR IGNORE INTO monitoring_rescreens (id, list_id, sha256, previous_sha256, status, created_at)
                   VALUES (${id}, ${REGISTRY_ALERT_SOURCE}, ${msg.build}, ${msg.previous}, 'planning', ${at})`);
  const [job] = await db.all<{ planned_at: string | null }>(sql`SELECT planned_at FROM monitoring_rescreens WHERE id = ${id}`);
  if (job.planned_at) return null;
  // Ranges sized by every active subject, as a re-screen's: a batch walks its range's (bucket, id) index, people included.
  const [{ n, companies }] = await db.all<{ n: number; companies: number }>(
    sql`SELECT count(*) AS n, count(cnpj_root) AS companies FROM monitored_subjects WHERE status = 'active'`,
  );
  const messages: OutboxMessage[] =
    Number(companies) === 0
      ? []
      : bucketRanges(Math.ceil(Number(n) / SUBJECTS_PER_BATCH)).map(([lo, hi]) => ({
          id: `registry_batch:${id}:${lo}`,
          body: { t: "registry_batch", job: id, build: msg.build, previous: msg.previous, lo, hi },
        }));
  await commitPlan(env, db, id, messages, at);
  return { rescreen: id, batches: messages.length };
}

/**
 * A "registry_batch" message: the active monitored CNPJs of a bucket range,
 * each compared between the two months. A subject enrolled after the new
 * month began to serve is passed by: its enrolment already saw that month.
 */
export async function handleRegistryBatch(env: Env, msg: Extract<MonitoringMessage, { t: "registry_batch" }>, now = new Date()): Promise<BatchOutcome> {
  const db = createDb(env.DB);
  const at = now.toISOString();
  const builds = await buildsOf(db, [msg.build, msg.previous]);
  const next = builds.get(msg.build);
  const prev = builds.get(msg.previous);
  const outcome: BatchOutcome = { subjects: 0, skipped: 0, alerts: 0 };
  const items: CompanyChangeItem[] = [];
  // Either month's objects gone (retention deleted the older one): nothing to compare, the batch is done.
  if (next?.publishedAt && prev) {
    // Each page compared in CNPJ-root order, so neighbouring roots share the block the reader holds.
    for await (const rows of activeSubjectPages(db, msg.lo, msg.hi, sql`cnpj_root IS NOT NULL`)) {
      const companies = rows.sort((a, b) => (a.cnpj_root! < b.cnpj_root! ? -1 : a.cnpj_root! > b.cnpj_root! ? 1 : 0));
      for (const s of companies) {
        if (s.created_at >= next.publishedAt) {
          outcome.skipped++;
          continue;
        }
        outcome.subjects++;
        const [before, current] = await Promise.all([readCompany(env.REGISTRY, prev, s.cnpj_root!), readCompany(env.REGISTRY, next, s.cnpj_root!)]);
        const record = current?.record ?? before?.record;
        for (const change of companyChanges(s.cnpj!, before?.record ?? null, current?.record ?? null, next.month)) {
          items.push({ subject: s, cnpj: s.cnpj!, company_name: record?.company?.[0] ?? s.name, change, build: { id: next.id, published_at: next.publishedAt } });
        }
      }
    }
  }
  const writes = await companyAlertWrites(env, db, items, at);
  outcome.alerts = writes.alertIds.length;
  return finishBatch(env, db, msg.job, `registry:${msg.lo}`, outcome, writes, at);
}
