import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { tenants } from "./tenants";

/**
 * People who use the analyst console (contract §16). A user belongs to one
 * tenant; the email is unique across tenants because it is the identity
 * Cloudflare Access asserts, and one login must land in one tenant.
 */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    /** Lower-cased: Access and people write the same address with different cases. */
    email: text("email").notNull(),
    name: text("name"),
    role: text("role", { enum: ["analyst", "approver", "admin"] }).notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email), index("users_tenant_idx").on(t.tenantId)],
);

/**
 * One-time console login links of local development (`npm run dev` prints
 * one). Only the SHA-256 of the token is stored; `used_at` is set by the one
 * conditional UPDATE that consumes it, so a link logs in once.
 */
export const consoleLoginTokens = sqliteTable(
  "console_login_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("console_login_tokens_user_idx").on(t.userId)],
);
