import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Monitored subjects (contract §17): a tenant's customers, screened against
 * every new version of every list. Only what matching needs is kept (LGPD):
 * the document as a keyed hash (`doc_hash`, the same "subject-document" hash the
 * review cases and the false-positive memory use), the digits masked lists show
 * (`cpf_visible`, a CPF's 4–9), a CNPJ in clear (a public registry id; its root
 * finds branches), the name and the facts the evidence rules weigh. Never the
 * clear CPF. A stopped subject keeps its row for the record; its personal data
 * is erased once the tenant's retention has passed (`erased_at`).
 */
export const monitoredSubjects = sqliteTable(
  "monitored_subjects",
  {
    /** `mon_` + ULID. */
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    /** pf | pj */
    docType: text("doc_type", { enum: ["pf", "pj"] }).notNull(),
    /** keyedHash(SERVER_SECRET, "subject-document", `${type}:${document}`); null once erased. */
    docHash: text("doc_hash"),
    /** As runs show it (`***.456.789-**`, a CNPJ formatted in full). */
    docMasked: text("doc_masked").notNull(),
    /** A CPF's digits 4–9: what CEIS, CNEP and PEP publish of a person's CPF. */
    cpfVisible: text("cpf_visible"),
    /** A CNPJ in full (14 characters, alphanumeric allowed) and its 8-character root. */
    cnpj: text("cnpj"),
    cnpjRoot: text("cnpj_root"),
    name: text("name").notNull(),
    /** "YYYY" | "YYYY-MM" | "YYYY-MM-DD" */
    birthDate: text("birth_date"),
    nationality: text("nationality"),
    gender: text("gender", { enum: ["M", "F"] }),
    externalId: text("external_id"),
    /** JSON array of list ids; null: every list. */
    lists: text("lists"),
    status: text("status", { enum: ["active", "stopped"] }).notNull(),
    /** 0–65535, drawn at enrolment: re-screens split the base into bucket ranges, one queue message each. */
    bucket: integer("bucket").notNull(),
    /** How it was enrolled: api | import | run, and the import or run id. */
    origin: text("origin", { enum: ["api", "import", "run"] }).notNull(),
    originId: text("origin_id"),
    /**
     * JSON { list: version } of the versions its first screening covered
     * (version = the sha256's first 16 hex digits): a re-screen of one of those
     * versions skips the subject, which was screened against it whole.
     */
    screenedVersions: text("screened_versions"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    lastScreenedAt: text("last_screened_at"),
    stoppedAt: text("stopped_at"),
    /** When its personal data goes (stopped_at + the tenant's retention); null while active. */
    eraseAfter: text("erase_after"),
    erasedAt: text("erased_at"),
  },
  (t) => [
    uniqueIndex("monitored_subjects_doc_unique").on(t.tenantId, t.livemode, t.docHash),
    index("monitored_subjects_list_idx").on(t.tenantId, t.livemode, t.createdAt, t.id),
    index("monitored_subjects_external_idx").on(t.tenantId, t.livemode, t.externalId),
    // An import's subjects by step (its enrolment count: created_at is the step's time), and those still waiting
    // for their first screening (whether it can complete): both without walking the whole import.
    index("monitored_subjects_origin_idx").on(t.originId, t.createdAt),
    index("monitored_subjects_origin_pending_idx").on(t.originId).where(sql`${t.status} = 'active' and ${t.screenedVersions} is null`),
    // Re-screens: the active base by bucket, and document-list lookups across tenants.
    index("monitored_subjects_bucket_idx").on(t.bucket, t.id).where(sql`${t.status} = 'active'`),
    index("monitored_subjects_hash_idx").on(t.docHash).where(sql`${t.status} = 'active'`),
    index("monitored_subjects_visible_idx").on(t.cpfVisible).where(sql`${t.status} = 'active'`),
    index("monitored_subjects_root_idx").on(t.cnpjRoot).where(sql`${t.status} = 'active'`),
    // First screenings that never happened (a message lost for good): the minute sweep sends them again.
    index("monitored_subjects_unscreened_idx").on(t.updatedAt).where(sql`${t.status} = 'active' and ${t.screenedVersions} is null`),
    index("monitored_subjects_erase_idx").on(t.eraseAfter).where(sql`${t.erasedAt} is null and ${t.eraseAfter} is not null`),
  ],
);

/**
 * Monitoring alerts (contract §17). One per (subject, listed entity, record
 * content): `dedupe_key` is unique and every write is INSERT OR IGNORE, so a
 * retried queue batch, a re-ingested version or a version where the entity did
 * not change alerts nobody again.
 */
export const monitoringAlerts = sqliteTable(
  "monitoring_alerts",
  {
    /** `alr_…`, derived from dedupe_key: a retried write names the same alert. */
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    subjectId: text("subject_id").notNull(),
    /** match_created | match_updated | entity_delisted | pep_grace_ended */
    kind: text("kind").notNull(),
    listId: text("list_id").notNull(),
    entityId: text("entity_id").notNull(),
    /** The listed record's hash (screening_entities.record_hash) the alert is about. */
    recordHash: text("record_hash").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    /** The listed entity's primary name and the name that matched. */
    entityName: text("entity_name").notNull(),
    matchedName: text("matched_name").notNull(),
    score: real("score"),
    strength: text("strength"),
    /** JSON array of reasons (contract §14). */
    reasons: text("reasons").notNull(),
    /** When the listing stops counting, if the record says (a PEP's `fim_carencia`): the daily check turns it into pep_grace_ended. */
    endsOn: text("ends_on"),
    listSha256: text("list_sha256").notNull(),
    listFetchedAt: text("list_fetched_at").notNull(),
    status: text("status", { enum: ["open", "closed"] }).notNull(),
    closedAt: text("closed_at"),
    /** The alert that closed it (an entity_delisted, a pep_grace_ended, a newer match_updated). */
    closedBy: text("closed_by"),
    caseId: text("case_id"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("monitoring_alerts_dedupe_unique").on(t.dedupeKey),
    index("monitoring_alerts_list_idx").on(t.tenantId, t.livemode, t.createdAt, t.id),
    index("monitoring_alerts_subject_idx").on(t.subjectId, t.status),
    index("monitoring_alerts_entity_idx").on(t.listId, t.entityId, t.status),
    index("monitoring_alerts_ends_idx").on(t.endsOn).where(sql`${t.status} = 'open' and ${t.endsOn} is not null`),
  ],
);

/**
 * Bulk enrolments (contract §17). The CSV is streamed to R2 first
 * (`imports/<tenant>/<id>.csv` in the REPORTS bucket), then processed in
 * checkpointed steps through the monitoring queue: `checkpoint` is the byte
 * offset (and `checkpoint_line` the line) where the next step starts; a step
 * moves it forward conditionally, in the batch that writes its subjects, so a
 * retried or duplicated step changes nothing twice. Rejected rows go to R2
 * beside it, one CSV part per step. The file (clear CPFs) is deleted once the
 * import completes. `alerts_opened` is summed from its screening batches.
 */
export const monitoringImports = sqliteTable(
  "monitoring_imports",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    status: text("status", { enum: ["processing", "completed", "failed"] }).notNull(),
    objectKey: text("object_key").notNull(),
    bytes: integer("bytes").notNull(),
    sha256: text("sha256").notNull(),
    /** utf-8 | latin1 | ascii */
    encoding: text("encoding").notNull(),
    delimiter: text("delimiter").notNull(),
    /** JSON { column: index } read from the header row. */
    columns: text("columns").notNull(),
    /** Data rows counted when the file was received. */
    rowsTotal: integer("rows_total").notNull(),
    /** Rows the steps have read so far, and rejected (with their line and reason in the errors parts). */
    rowsRead: integer("rows_read").notNull().default(0),
    rowsRejected: integer("rows_rejected").notNull().default(0),
    /** Subjects this import created (counted from monitored_subjects by the step that writes them). */
    rowsEnrolled: integer("rows_enrolled").notNull().default(0),
    checkpoint: integer("checkpoint").notNull(),
    checkpointLine: integer("checkpoint_line").notNull(),
    error: text("error"),
    keyId: text("key_id"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    completedAt: text("completed_at"),
  },
  (t) => [
    index("monitoring_imports_list_idx").on(t.tenantId, t.livemode, t.createdAt, t.id),
    index("monitoring_imports_stalled_idx").on(t.updatedAt).where(sql`${t.status} = 'processing'`),
  ],
);

/**
 * One re-screen per list version that became current (onListVersionCurrent):
 * planned once, then carried out by batch messages (a delta page × a bucket
 * range of the base), each recorded in monitoring_rescreen_batches when done.
 */
export const monitoringRescreens = sqliteTable(
  "monitoring_rescreens",
  {
    id: text("id").primaryKey(),
    listId: text("list_id").notNull(),
    sha256: text("sha256").notNull(),
    previousSha256: text("previous_sha256"),
    /** planning | running | completed */
    status: text("status").notNull(),
    added: integer("added").notNull().default(0),
    modified: integer("modified").notNull().default(0),
    removed: integer("removed").notNull().default(0),
    batches: integer("batches").notNull().default(0),
    createdAt: text("created_at").notNull(),
    plannedAt: text("planned_at"),
    completedAt: text("completed_at"),
  },
  (t) => [uniqueIndex("monitoring_rescreens_version_unique").on(t.listId, t.sha256, t.previousSha256)],
);

/**
 * Screening batches that ran to the end, of a re-screen or of an import's first
 * screenings (`job_id`): a retried batch finds its row and counts once. An
 * import's `alerts_opened` is the sum of its batches'.
 */
export const monitoringBatches = sqliteTable(
  "monitoring_batches",
  {
    jobId: text("job_id").notNull(),
    batch: text("batch").notNull(),
    subjects: integer("subjects").notNull(),
    skipped: integer("skipped").notNull(),
    alerts: integer("alerts").notNull(),
    doneAt: text("done_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.batch] })],
);

/**
 * The monitoring queue's outbox: a step writes the messages it causes (the
 * next import step, its subjects' first screenings, a re-screen's batches) in
 * the D1 batch of its own results, then sends them; the minute sweep sends what
 * is left unsent (src/monitoring/outbox.ts). A committed step therefore never
 * loses its follow-up, and consumers being idempotent, a message sent twice is harmless.
 */
export const monitoringOutbox = sqliteTable(
  "monitoring_outbox",
  {
    /** Derived from what the message does: a retried step writes the same rows. */
    id: text("id").primaryKey(),
    /** JSON of the message body (src/monitoring/messages.ts). */
    body: text("body").notNull(),
    createdAt: text("created_at").notNull(),
  },
  // A row is a message not sent yet: sending deletes it.
  (t) => [index("monitoring_outbox_created_idx").on(t.createdAt)],
);
