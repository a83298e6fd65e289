// Opaque, tamper-evident pagination cursors: the keyset position, base64url,
// plus an HMAC bound to the tenant and environment that issued it; and the
// page every newest-first list answers with.
import { DomainError } from "../domain/errors";
import { keyedHash, timingSafeEqual } from "./crypto";

export interface CursorPosition {
  createdAt: string;
  id: string;
}

interface Owner {
  tenantId: string;
  livemode: boolean;
}

const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const unb64url = (s: string) => atob(s.replace(/-/g, "+").replace(/_/g, "/"));

const sign = (secret: string, owner: Owner, payload: string) =>
  keyedHash(secret, "cursor", `${owner.tenantId}|${owner.livemode}|${payload}`).then((h) => h.slice(0, 32));

export async function encodeCursor(secret: string, owner: Owner, pos: CursorPosition): Promise<string> {
  const payload = b64url(JSON.stringify([pos.createdAt, pos.id]));
  return `${payload}.${await sign(secret, owner, payload)}`;
}

/** The position, or null when the cursor was not issued by us for this owner. */
export async function decodeCursor(secret: string, owner: Owner, cursor: string): Promise<CursorPosition | null> {
  const [payload, mac, ...rest] = cursor.split(".");
  if (!payload || !mac || rest.length > 0 || !timingSafeEqual(mac, await sign(secret, owner, payload))) return null;
  try {
    const [createdAt, id] = JSON.parse(unb64url(payload)) as [unknown, unknown];
    if (typeof createdAt === "string" && typeof id === "string") return { createdAt, id };
  } catch {
    // a signed but unreadable cursor is still invalid
  }
  return null;
}

/** Where a list request continues: undefined for the first page; a cursor not issued to this owner → invalid_cursor. */
export async function positionAfter(secret: string, owner: Owner, cursor: string | undefined): Promise<CursorPosition | undefined> {
  if (!cursor) return undefined;
  const position = await decodeCursor(secret, owner, cursor);
  if (!position) throw new DomainError("invalid_cursor", undefined, "cursor");
  return position;
}

/**
 * The answer of a newest-first list from rows fetched with `limit + 1`: the
 * first `limit` as `view` shows them, whether more follow, and the cursor
 * after the last one (`position` of a row: its keyset).
 */
export async function keysetPage<R, V>(
  secret: string,
  owner: Owner,
  rows: readonly R[],
  limit: number,
  position: (row: R) => CursorPosition,
  view: (row: R) => V,
) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const hasMore = rows.length > limit && last !== undefined;
  return {
    object: "list" as const,
    data: page.map(view),
    has_more: hasMore,
    ...(hasMore ? { next_cursor: await encodeCursor(secret, owner, position(last)) } : {}),
    livemode: owner.livemode,
  };
}
