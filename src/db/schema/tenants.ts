import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const tenants = sqliteTable(
  "tenants",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    status: text("status", { enum: ["active", "suspended"] }).notNull().default("active"),
    /** Live credits left; the balance never goes below zero (conditional decrement). */
    credits: integer("credits").notNull().default(0),
    /** Review-case SLA: a case is due this many hours after it opens (contract §15). */
    caseSlaHours: integer("case_sla_hours").notNull().default(48),
    /**
     * Days a stopped monitored subject's personal data is kept before it is
     * erased (contract §17, LGPD): the tenant's choice, 0–3650; the alerts and
     * cases keep their own record.
     */
    monitoringRetentionDays: integer("monitoring_retention_days").notNull().default(30),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("tenants_slug_unique").on(t.slug)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name").notNull(),
    environment: text("environment", { enum: ["live", "test"] }).notNull(),
    /** JSON array of scopes. */
    scopes: text("scopes").notNull(),
    /** HMAC-SHA256(server secret, key), hex. The key itself is never stored. */
    keyHash: text("key_hash").notNull(),
    /** First characters of the key, for people to recognise it (sk_test_AbCd…). */
    keyPrefix: text("key_prefix").notNull(),
    /** Per-minute request limit; null = the configured default. */
    rateLimitPerMinute: integer("rate_limit_per_minute"),
    createdAt: text("created_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_key_hash_unique").on(t.keyHash), index("api_keys_tenant_idx").on(t.tenantId)],
);

