import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * D1 mirror of every run: what lists, filters and GETs read. The run's Durable
 * Object is the source of truth while it executes; it writes here with
 * conditional updates, and the terminal body (`result`) once.
 */
export const runs = sqliteTable(
  "runs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    templateId: text("template_id").notNull(),
    templateVersion: integer("template_version").notNull(),
    subjectType: text("subject_type", { enum: ["pf", "pj"] }).notNull(),
    /** Masked document (***.456.789-** / 12.***.***\/0001-**); the clear document lives only in the run's DO. */
    documentMasked: text("document_masked").notNull(),
    status: text("status").notNull(),
    decision: text("decision"),
    operativeDecision: text("operative_decision"),
    riskBand: text("risk_band"),
    externalId: text("external_id"),
    /** JSON object of string values. */
    metadata: text("metadata").notNull(),
    webhookUrl: text("webhook_url"),
    parentRunId: text("parent_run_id"),
    /** The API key that created the run (`key_…`), for the audit trail; partner runs carry their company's. Null before this column existed. */
    keyId: text("key_id"),
    /** Credits held back at creation (live); the unused part is returned when the run ends. */
    creditsReserved: integer("credits_reserved").notNull().default(0),
    creditsUsed: integer("credits_used").notNull().default(0),
    /** Set once the unused reservation went back to the tenant (never twice). */
    creditsSettled: integer("credits_settled", { mode: "boolean" }).notNull().default(false),
    estimatedSeconds: integer("estimated_seconds").notNull(),
    /** JSON of the terminal run (sources, rules, partners, analysis input); null until terminal. */
    result: text("result"),
    /** The review case this run opened (set with the terminal write), null when none (contract §15). */
    caseId: text("case_id"),
    /** The case's resolution (approved | rejected); `decision` itself never changes. */
    finalDecision: text("final_decision"),
    createdAt: text("created_at").notNull(),
    startedAt: text("started_at"),
    completedAt: text("completed_at"),
  },
  (t) => [
    index("runs_list_idx").on(t.tenantId, t.livemode, t.createdAt, t.id),
    index("runs_external_id_idx").on(t.tenantId, t.livemode, t.externalId),
    index("runs_parent_idx").on(t.parentRunId),
    // The sweeper's scan: non-terminal runs by age, oldest first (src/runs/sweeper.ts).
    index("runs_status_created_idx").on(t.status, t.createdAt),
  ],
);

/** Atomic idempotency claims (the unique primary key is the claim); KV caches them. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /** HMAC(server secret, tenant | environment | Idempotency-Key), hex. */
    keyHash: text("key_hash").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    /** HMAC(server secret, "idempotency-fingerprint" | canonical request body): a different body with the same key is refused. Keyed, because the body holds a CPF. */
    fingerprint: text("fingerprint").notNull(),
    runId: text("run_id").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [uniqueIndex("idempotency_run_unique").on(t.runId)],
);
