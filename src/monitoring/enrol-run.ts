// `"monitor": true` on POST /runs (contract §17): a run that completes enrols
// its subject — the name and birth date the run used or Receita returned — and
// a company's partner runs, carrying their company's flag, enrol each screened
// partner the same way. Called by the run object at its end, while it still
// holds the clear document (it drops it right after). The lists the run itself
// screened, at the versions it recorded, are not screened again.
import { sql } from "drizzle-orm";
import { createDb } from "../db/client";
import { checkSubject, runExternalIdForMonitoring, versionTag } from "../domain/monitoring";
import { subjectWithIdentity } from "../domain/partners";
import { redactForLog } from "../domain/redaction";
import { runBatch } from "../db/queries/sql";
import type { RunInit, StoredResult } from "../runs/types";
import { LIST_IDS } from "../screening/types";
import { sendOutbox, type MonitoringMessage } from "./messages";
import { enrolmentRows, screenMessages, upsertSubjectsStatement, type UpsertResult } from "./subjects";

/** The list versions the run's list-backed sources recorded (`data.listas`), as a subject's screening marks. */
export function versionsScreenedBy(stored: StoredResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of stored.results) {
    const listas = (r.data as { listas?: unknown } | undefined)?.listas;
    if (r.status === "ERROR" || !Array.isArray(listas)) continue;
    for (const l of listas as { id?: unknown; sha256?: unknown }[]) {
      if (typeof l.id === "string" && typeof l.sha256 === "string") out[l.id] = versionTag(l.sha256);
    }
  }
  return out;
}

export async function enrolFromRun(env: Env, init: RunInit, stored: StoredResult): Promise<void> {
  // A run that ended without a decision (failed, cancelled) screened nobody to monitor.
  if (stored.body.status !== "completed" && stored.body.status !== "partial") return;
  const subject = subjectWithIdentity(init.subject, stored.results);
  const now = new Date();
  const checked = checkSubject(
    {
      document: init.subject.document,
      name: subject.name ?? "",
      birth_date: subject.birth_date ?? null,
      nationality: subject.nationality ?? null,
      gender: subject.gender ?? null,
      external_id: runExternalIdForMonitoring(init.externalId),
    },
    { today: now.toISOString().slice(0, 10), allowSandbox: !init.livemode, knownLists: LIST_IDS },
  );
  if (!checked.ok) {
    // No name (Receita did not answer one): nothing to screen by; the run itself says what it could not screen.
    console.log(JSON.stringify({ level: "warn", run_id: init.runId, monitor_not_enrolled: redactForLog(checked.problems.map((p) => p.reason).join("; ")) }));
    return;
  }
  const db = createDb(env.DB);
  const at = now.toISOString();
  const rows = await enrolmentRows(env.SERVER_SECRET, [checked.subject], now.getTime());
  const screened = versionsScreenedBy(stored);
  // Always its first screening: the lists the run did not screen (a sandbox run screens none) are still to do. Its
  // message goes in the upsert's batch, naming the subject by document (it may already exist under its own id): the
  // subject carries the run's screening marks, so the sweep of unscreened subjects would never find it again.
  // The message screenMessages writes (its id and batch: sendOutbox deletes the row by that id), the subject's id filled in by SQL.
  const [planned] = screenMessages(null, `run:${init.runId}`, [""]);
  const { batch } = planned.body as Extract<MonitoringMessage, { t: "screen" }>;
  const [result] = (await runBatch(db, [
    upsertSubjectsStatement(db, rows, { tenantId: init.tenantId, livemode: init.livemode, origin: "run", originId: init.runId, now: at, screened }),
    db.run(sql`INSERT OR IGNORE INTO monitoring_outbox (id, body, created_at)
               SELECT ${planned.id}, json_object('t', 'screen', 'job', NULL, 'batch', ${batch}, 'subjects', json_array(id)), ${at}
                 FROM monitored_subjects WHERE tenant_id = ${init.tenantId} AND livemode = ${init.livemode ? 1 : 0} AND doc_hash = ${rows[0].hash}`),
  ])) as unknown as [D1Result<UpsertResult>];
  const out = result.results[0];
  if (out) await sendOutbox(env, db, screenMessages(null, `run:${init.runId}`, [out.id]));
}
