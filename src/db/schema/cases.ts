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
    runId: text("run_id").notNull(),
    /** open | in_review | pending_approval | resolved */
    status: text("status").notNull(),
    /** review | hold: why the case opened. */
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
    /** Number of events; each state change appends event `version + 1` and moves this forward conditionally. */
    version: integer("version").notNull().default(1),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("cases_run_unique").on(t.runId),
    index("cases_list_idx").on(t.tenantId, t.livemode, t.openedAt, t.id),
    index("cases_status_due_idx").on(t.tenantId, t.livemode, t.status, t.dueAt),
  ],
);

/**
 * The append-only, hash-chained log of a case. `hash` = sha256(prev_hash +
 * canonical JSON of the event without `hash`); the first event's prev_hash is
 * 64 zeros. PRIMARY KEY (case_id, seq): two writers racing for the same next
 * event cannot both append (the loser's batch rolls back).
 */
export const caseEvents = sqliteTable(
  "case_events",
  {
    caseId: text("case_id").notNull(),
    seq: integer("seq").notNull(),
    id: text("id").notNull(),
    type: text("type").notNull(),
    actor: text("actor").notNull(),
    at: text("at").notNull(),
    /** JSON object. */
    data: text("data").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
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
