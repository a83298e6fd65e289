import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Review cases (contract §15). One per run that ended `review` or on `hold`:
 * UNIQUE(run_id) is what makes "exactly once" hold, the row goes in with the
 * run's terminal write (src/db/queries/runs.ts finishRun, ON CONFLICT DO NOTHING).
 * Every state change is conditional on `version` and appends one event
 * (case_events) in the same batch.
 */
export const cases = sqliteTable(
  "cases",
  {
    /** `case_` + the run id's 26 characters: derived, so a retried terminal write names the same case. */
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    /** The run the case reviews; null for a monitoring case (contract §17), which reviews an alert. */
    runId: text("run_id"),
    /** A monitoring case's alert (`alr_…`) and monitored subject (`mon_…`); null for a run's case. */
    alertId: text("alert_id"),
    subjectId: text("subject_id"),
    /** open | in_review | pending_approval | resolved */
    status: text("status").notNull(),
    /** review | hold | monitoring: why the case opened. */
    reason: text("reason").notNull(),
    /** Keyed hash (purpose "subject-document") of the subject's document; the clear document is never stored. Null when unknown. */
    subjectHash: text("subject_hash"),
    openedAt: text("opened_at").notNull(),
    dueAt: text("due_at").notNull(),
    assignee: text("assignee"),
    /** JSON of the pending proposal (outcome, reason_code, note, by, at, match_resolutions, evidence); null when none. */
    proposal: text("proposal"),
    /** JSON of the resolution (contract §15 shape); null until resolved. */
    resolution: text("resolution"),
    /**
     * Number of events — the chain's length (contract §15); each state change
     * appends event `version + 1` and moves this forward conditionally.
     */
    version: integer("version").notNull().default(1),
    /** The last event's hash: with `version`, what the record claims its chain ends with (checked on every read of the case). */
    chainHead: text("chain_head").notNull().default(""),
    /** The chain length the latest audit anchor holds for this case (0: never anchored); the anchor job picks `version > anchored_length`. */
    anchoredLength: integer("anchored_length").notNull().default(0),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("cases_run_unique").on(t.runId),
    uniqueIndex("cases_alert_unique").on(t.alertId),
    index("cases_unanchored_idx").on(t.id).where(sql`${t.version} > ${t.anchoredLength}`),
    index("cases_list_idx").on(t.tenantId, t.livemode, t.openedAt, t.id),
    index("cases_status_due_idx").on(t.tenantId, t.livemode, t.status, t.dueAt),
  ],
);

/**
 * The append-only, hash-chained log of a case. `hash` = HMAC-SHA256 with the
 * chain's purpose key (derived from SERVER_SECRET) over prev_hash + the
 * canonical JSON of the event without `hash` (hash_version 2), or, for events
 * written before the chain was keyed, plain sha256 (hash_version 1); the first
 * event's prev_hash is 64 zeros. PRIMARY KEY (case_id, seq): two writers racing
 * for the same next event cannot both append (the loser's batch rolls back).
 */
export const caseEvents = sqliteTable(
  "case_events",
  {
    caseId: text("case_id").notNull(),
    seq: integer("seq").notNull(),
    id: text("id").notNull(),
    type: text("type").notNull(),
    actor: text("actor").notNull(),
    /** api | console | system; null on version 1 events (written before origins were recorded). */
    via: text("via", { enum: ["api", "console", "system"] }),
    /** The API key behind an `api` event. */
    keyId: text("key_id"),
    /** The console user behind a `console` event. */
    userId: text("user_id"),
    at: text("at").notNull(),
    /** JSON object. */
    data: text("data").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    /** 1: sha256 (legacy events); 2: keyed HMAC. Existing rows default to 1; the code writes 2. */
    hashVersion: integer("hash_version").notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.seq] }), uniqueIndex("case_events_id_unique").on(t.id)],
);

/**
 * False-positive memory (contract §15): a match an analyst resolved as
 * `false_positive`, for one subject (keyed document hash) in one tenant and
 * environment. It clears the same match in later runs while the listed
 * entity's record hash is still `record_hash`.
 */
export const falsePositives = sqliteTable(
  "false_positives",
  {
    tenantId: text("tenant_id").notNull(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    subjectHash: text("subject_hash").notNull(),
    source: text("source").notNull(),
    /** The list as the match names it ('' when the source has one list). */
    list: text("list").notNull(),
    /** The listed entity's id, or its normalised matched name when the source gives no id. */
    entityKey: text("entity_key").notNull(),
    recordHash: text("record_hash").notNull(),
    caseId: text("case_id").notNull(),
    resolvedBy: text("resolved_by").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.livemode, t.subjectHash, t.source, t.list, t.entityKey] })],
);

/**
 * Audit anchors (contract §15): each row is one write-once R2 object
 * (`key`) holding the heads of every case chain that changed since the
 * previous anchor. The object is the evidence; this table only finds it.
 */
export const auditAnchors = sqliteTable("audit_anchors", {
  /** `anc_…` (time-ordered). */
  id: text("id").primaryKey(),
  /** The R2 key of the anchor object (REPORTS bucket, `audit/anchors/…`). */
  key: text("key").notNull(),
  /** sha256 of the object's bytes. */
  sha256: text("sha256").notNull(),
  chains: integer("chains").notNull(),
  createdAt: text("created_at").notNull(),
});

/** Which anchors hold which case's chain, and at what length: the index a case's check starts from (the object itself is re-read). */
export const auditAnchorChains = sqliteTable(
  "audit_anchor_chains",
  {
    caseId: text("case_id").notNull(),
    anchorId: text("anchor_id").notNull(),
    length: integer("length").notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.anchorId] })],
);
