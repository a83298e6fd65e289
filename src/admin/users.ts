// Console users (contract §16): managed through the admin plane, read by the
// console's login (Access email or local one-time link) on every request.
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { consoleLoginTokens, tenants, users } from "../db/schema";
import { DomainError } from "../domain/errors";
import { sha256Hex } from "../lib/crypto";
import { newId } from "../lib/ids";
import { requireTenant } from "./service";

export const USER_ROLES = ["analyst", "approver", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type UserRow = typeof users.$inferSelect;

const RANK: Record<UserRole, number> = { analyst: 0, approver: 1, admin: 2 };

/** Roles are cumulative: an approver can do what an analyst can, an admin what an approver can. */
export const hasRole = (user: { role: UserRole }, needed: UserRole): boolean => RANK[user.role] >= RANK[needed];

/** A user of this tenant by email (case-insensitive), or null: someone else's, or nobody's. */
export async function tenantUserByEmail(db: Db, tenantId: string, email: string): Promise<UserRow | null> {
  const row = await db
    .select()
    .from(users)
    .where(and(eq(users.email, normalizeEmail(email)), eq(users.tenantId, tenantId)))
    .get();
  return row ?? null;
}

export const userView = (u: UserRow) => ({
  id: u.id,
  object: "console_user" as const,
  tenant_id: u.tenantId,
  email: u.email,
  name: u.name,
  role: u.role,
  created_at: u.createdAt,
});

/** Emails compare case-insensitively (Access and people differ in case); stored lower-cased. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function createUser(db: Db, tenantId: string, input: { email: string; role: UserRole; name?: string }, now: Date) {
  await requireTenant(db, tenantId);
  const row: UserRow = {
    id: newId("usr", now.getTime()),
    tenantId,
    email: normalizeEmail(input.email),
    name: input.name ?? null,
    role: input.role,
    createdAt: now.toISOString(),
  };
  // The unique email index decides races: the loser inserts nothing.
  const inserted = await db.insert(users).values(row).onConflictDoNothing().returning({ id: users.id });
  if (inserted.length === 0) throw new DomainError("user_email_taken", `Já existe um usuário do console com o e-mail ${row.email}.`, "email");
  return userView(row);
}

export async function listUsers(db: Db, tenantId: string) {
  await requireTenant(db, tenantId);
  const rows = await db.select().from(users).where(eq(users.tenantId, tenantId)).orderBy(asc(users.createdAt), asc(users.id));
  return { object: "list" as const, data: rows.map(userView) };
}

/** Deleting a user ends their console access at once: every console request reads the user again. */
export async function deleteUser(db: Db, tenantId: string, userId: string) {
  await requireTenant(db, tenantId);
  const deleted = await db
    .delete(users)
    .where(and(eq(users.id, userId), eq(users.tenantId, tenantId)))
    .returning({ id: users.id });
  if (deleted.length === 0) throw new DomainError("user_not_found", undefined, "user_id");
  return { id: userId, object: "console_user" as const, deleted: true as const };
}

/** The user and their tenant in one read (every console request does it). */
export async function findUserWithTenant(db: Db, by: { id: string } | { email: string }) {
  const where = "id" in by ? eq(users.id, by.id) : eq(users.email, normalizeEmail(by.email));
  const row = await db
    .select({ user: users, tenant: { id: tenants.id, name: tenants.name, status: tenants.status } })
    .from(users)
    .innerJoin(tenants, eq(users.tenantId, tenants.id))
    .where(where)
    .get();
  return row ?? null;
}

async function findUser(db: Db, id: string): Promise<UserRow | null> {
  return (await db.select().from(users).where(eq(users.id, id)).get()) ?? null;
}

/**
 * Consumes a one-time login token: the conditional UPDATE sets `used_at` only
 * on an unused, unexpired token, so two clicks on the same link log in once.
 */
export async function consumeLoginToken(db: Db, token: string, now: Date): Promise<UserRow | null> {
  const at = now.toISOString();
  const hash = await sha256Hex(token);
  const [hit] = await db
    .update(consoleLoginTokens)
    .set({ usedAt: at })
    .where(and(eq(consoleLoginTokens.tokenHash, hash), isNull(consoleLoginTokens.usedAt), gt(consoleLoginTokens.expiresAt, at)))
    .returning({ userId: consoleLoginTokens.userId });
  return hit ? findUser(db, hit.userId) : null;
}

